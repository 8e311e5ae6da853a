-- Marks sent from a tablet's outbox (roll call, homework attendance), each applied once: the
-- id the tablet made is the key, so a mark that arrives again (its answer was lost and the
-- tablet sent it again) is answered "already recorded" and changes nothing.
CREATE TABLE tablet_mark (
    id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 16 AND 64 AND id NOT GLOB '*[^0-9A-Za-z-]*'),
    -- What it marked, as the audit log names it (`roll_mark`, `attendance`).
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    staff_id INTEGER NOT NULL REFERENCES staff_user (id),
    -- When it was made and sent by the tablet's clock (Unix milliseconds), when it counts as
    -- made (as long before it arrived as it waited, never before the roll opened:
    -- base::outbox), and when it arrived by the server's (Unix seconds).
    made_ms INTEGER NOT NULL,
    sent_ms INTEGER NOT NULL,
    dated_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    -- 0 when a mark dated later already stood: recorded, and the later mark kept.
    applied INTEGER NOT NULL CHECK (applied IN (0, 1)),
    CHECK (dated_at <= received_at)
) STRICT;
