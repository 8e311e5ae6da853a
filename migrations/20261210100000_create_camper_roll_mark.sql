-- A residential camper sleeping in a lent bed is on that building's roll call, as a resident
-- in their own bed is: the latest mark for each camper of a roll, and a missing camper stays
-- an alert until found or back. Beside `roll_mark`, whose rows name residents.
CREATE TABLE camper_roll_mark (
    roll_call_id INTEGER NOT NULL REFERENCES roll_call (id),
    camper_id INTEGER NOT NULL REFERENCES camper (id),
    status TEXT NOT NULL CHECK (status IN ('present', 'missing')),
    marked_at INTEGER NOT NULL,
    marked_by INTEGER NOT NULL REFERENCES staff_user (id),
    resolved_at INTEGER,
    -- A camper has no absences: found at the centre, or back.
    resolution TEXT CHECK (resolution IN ('found', 'returned')),
    resolved_by INTEGER REFERENCES staff_user (id),
    CHECK ((resolved_at IS NULL) = (resolution IS NULL) AND (resolved_at IS NULL) = (resolved_by IS NULL)),
    CHECK (resolved_at IS NULL OR status = 'missing'),
    PRIMARY KEY (roll_call_id, camper_id)
) STRICT;

CREATE INDEX camper_roll_mark_open_alerts ON camper_roll_mark (status, resolved_at);
CREATE INDEX camper_roll_mark_by_camper ON camper_roll_mark (camper_id);

-- Only a camper lent a bed in the roll's building for its night.
CREATE TRIGGER camper_roll_mark_in_lent_bed BEFORE INSERT ON camper_roll_mark
WHEN NOT EXISTS (
    SELECT 1 FROM roll_call rc
    JOIN bed_loan l ON l.camper_id = NEW.camper_id
        AND l.from_on <= rc.night AND l.until_on > rc.night
    JOIN bed b ON b.id = l.bed_id JOIN room ro ON ro.id = b.room_id
    WHERE rc.id = NEW.roll_call_id AND ro.building_id = rc.building_id)
BEGIN
    SELECT RAISE(ABORT, 'camper_not_in_building');
END;

-- A closed roll is history: its marks no longer change.
CREATE TRIGGER camper_roll_mark_closed_insert BEFORE INSERT ON camper_roll_mark
WHEN (SELECT closed_at FROM roll_call WHERE id = NEW.roll_call_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'roll_closed');
END;

CREATE TRIGGER camper_roll_mark_closed_update
BEFORE UPDATE OF status, marked_at, marked_by ON camper_roll_mark
WHEN (SELECT closed_at FROM roll_call WHERE id = NEW.roll_call_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'roll_closed');
END;

-- A mark stays on its roll and its child (the bed check above holds for inserts only).
CREATE TRIGGER camper_roll_mark_fixed BEFORE UPDATE OF roll_call_id, camper_id ON camper_roll_mark
BEGIN
    SELECT RAISE(ABORT, 'camper_roll_mark_fixed');
END;
