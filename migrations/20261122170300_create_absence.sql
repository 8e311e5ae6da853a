-- A resident away from an instant until an instant (open-ended when unknown), and when they
-- came back. Instants are Unix seconds (UTC). Presence reads this table.
CREATE TABLE absence (
    id INTEGER PRIMARY KEY,
    resident_id INTEGER NOT NULL REFERENCES resident (id),
    reason TEXT NOT NULL
        CHECK (reason IN ('home_stay', 'hospital', 'school_trip', 'camp', 'other')),
    note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    starts_at INTEGER NOT NULL,
    -- The planned end; none when open-ended.
    ends_at INTEGER CHECK (ends_at IS NULL OR ends_at > starts_at),
    -- When they were back; the absence ends then, whatever was planned.
    returned_at INTEGER CHECK (returned_at IS NULL OR returned_at >= starts_at)
) STRICT;

CREATE INDEX absence_by_resident ON absence (resident_id, starts_at);
CREATE INDEX absence_by_start ON absence (starts_at);
