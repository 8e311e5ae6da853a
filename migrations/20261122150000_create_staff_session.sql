-- Signed-in staff. The cookie holds a random token; only its SHA-256 is stored, so a copy
-- of the database (a backup) cannot be used to sign in. Times are Unix seconds (UTC).
CREATE TABLE staff_session (
    token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
    staff_user_id INTEGER NOT NULL REFERENCES staff_user (id),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL CHECK (last_seen_at >= created_at)
) STRICT, WITHOUT ROWID;

CREATE INDEX staff_session_by_user ON staff_session (staff_user_id);
