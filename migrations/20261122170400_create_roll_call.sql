-- The nightly roll call, one per building and night: a mark per resident in a bed that night.
CREATE TABLE roll_call (
    id INTEGER PRIMARY KEY,
    building_id INTEGER NOT NULL REFERENCES building (id),
    night TEXT NOT NULL CHECK (date(night) IS night),
    opened_at INTEGER NOT NULL,
    closed_at INTEGER,
    closed_by INTEGER REFERENCES staff_user (id),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL)),
    UNIQUE (building_id, night)
) STRICT;

-- The latest mark for each resident of a roll; two tablets marking the same resident leave
-- the later mark (each change is in the audit log).
CREATE TABLE roll_mark (
    roll_call_id INTEGER NOT NULL REFERENCES roll_call (id),
    resident_id INTEGER NOT NULL REFERENCES resident (id),
    status TEXT NOT NULL CHECK (status IN ('present', 'missing')),
    marked_at INTEGER NOT NULL,
    marked_by INTEGER NOT NULL REFERENCES staff_user (id),
    -- A missing resident stays an alert until resolved: found, returned, or recorded away.
    resolved_at INTEGER,
    resolution TEXT CHECK (resolution IN ('found', 'returned', 'absence')),
    resolved_by INTEGER REFERENCES staff_user (id),
    CHECK ((resolved_at IS NULL) = (resolution IS NULL) AND (resolved_at IS NULL) = (resolved_by IS NULL)),
    CHECK (resolved_at IS NULL OR status = 'missing'),
    PRIMARY KEY (roll_call_id, resident_id)
) STRICT;

CREATE INDEX roll_mark_open_alerts ON roll_mark (status, resolved_at);

-- A closed roll is history: its marks no longer change.
CREATE TRIGGER roll_mark_closed_insert BEFORE INSERT ON roll_mark
WHEN (SELECT closed_at FROM roll_call WHERE id = NEW.roll_call_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'roll_closed');
END;

CREATE TRIGGER roll_mark_closed_update BEFORE UPDATE OF status, marked_at, marked_by ON roll_mark
WHEN (SELECT closed_at FROM roll_call WHERE id = NEW.roll_call_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'roll_closed');
END;
