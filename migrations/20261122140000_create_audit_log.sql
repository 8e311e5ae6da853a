-- Who changed what, when: one row per change, written in the change's own transaction.
-- Append-only: the triggers below refuse to alter or remove history.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff', 'family', 'system')),
    -- staff_user.id or the family's id; none for the system (command-line tasks).
    actor_id INTEGER CHECK ((actor_kind = 'system') = (actor_id IS NULL)),
    -- The actor's login or the task's name as it was then, so the log reads on its own.
    actor_label TEXT NOT NULL CHECK (length(actor_label) BETWEEN 1 AND 100),
    entity TEXT NOT NULL CHECK (length(entity) BETWEEN 1 AND 40),
    entity_id TEXT NOT NULL CHECK (length(entity_id) BETWEEN 1 AND 40),
    action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 40),
    before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
    after_json TEXT CHECK (after_json IS NULL OR json_valid(after_json))
) STRICT;

CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_by_actor ON audit_log (actor_kind, actor_id, at);

CREATE TRIGGER audit_log_refuses_updates BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_refuses_deletes BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
