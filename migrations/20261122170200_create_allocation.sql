-- A resident in a bed from a date until a date (exclusive; open while current).
-- The hard rules live here, whatever the application does: one resident per bed and one bed
-- per resident at any time, a girl never in a boys' room nor the reverse, no bed out of service.
CREATE TABLE allocation (
    id INTEGER PRIMARY KEY,
    resident_id INTEGER NOT NULL REFERENCES resident (id),
    bed_id INTEGER NOT NULL REFERENCES bed (id),
    from_on TEXT NOT NULL CHECK (date(from_on) IS from_on),
    until_on TEXT CHECK (until_on IS NULL OR (date(until_on) IS until_on AND until_on >= from_on)),
    -- Why a soft rule (age band, siblings apart) was overridden, when one was.
    override_reason TEXT CHECK (override_reason IS NULL OR length(trim(override_reason)) BETWEEN 1 AND 200)
) STRICT;

CREATE UNIQUE INDEX allocation_current_bed ON allocation (bed_id) WHERE until_on IS NULL;
CREATE UNIQUE INDEX allocation_current_resident ON allocation (resident_id) WHERE until_on IS NULL;
CREATE INDEX allocation_by_bed ON allocation (bed_id, from_on);
CREATE INDEX allocation_by_resident ON allocation (resident_id, from_on);
CREATE INDEX allocation_by_dates ON allocation (from_on, until_on);

-- Two allocations of a bed, or of a resident, never overlap in time.
CREATE TRIGGER allocation_bed_overlap BEFORE INSERT ON allocation
WHEN EXISTS (
    SELECT 1 FROM allocation a
    WHERE a.bed_id = NEW.bed_id
      AND (a.until_on IS NULL OR a.until_on > NEW.from_on)
      AND (NEW.until_on IS NULL OR NEW.until_on > a.from_on)
      AND a.from_on IS NOT a.until_on
)
BEGIN
    SELECT RAISE(ABORT, 'allocation_bed_taken');
END;

CREATE TRIGGER allocation_resident_overlap BEFORE INSERT ON allocation
WHEN EXISTS (
    SELECT 1 FROM allocation a
    WHERE a.resident_id = NEW.resident_id
      AND (a.until_on IS NULL OR a.until_on > NEW.from_on)
      AND (NEW.until_on IS NULL OR NEW.until_on > a.from_on)
      AND a.from_on IS NOT a.until_on
)
BEGIN
    SELECT RAISE(ABORT, 'allocation_resident_housed');
END;

CREATE TRIGGER allocation_sex_matches_room BEFORE INSERT ON allocation
WHEN (SELECT sex FROM resident WHERE id = NEW.resident_id)
     IS NOT (SELECT room.sex FROM bed JOIN room ON room.id = bed.room_id WHERE bed.id = NEW.bed_id)
BEGIN
    SELECT RAISE(ABORT, 'allocation_sex_mismatch');
END;

CREATE TRIGGER allocation_bed_in_service BEFORE INSERT ON allocation
WHEN (SELECT in_service FROM bed WHERE id = NEW.bed_id) = 0
BEGIN
    SELECT RAISE(ABORT, 'allocation_bed_out_of_service');
END;

-- An allocation may only be ended (or its end corrected); who and where never change.
CREATE TRIGGER allocation_fixed_parts BEFORE UPDATE OF resident_id, bed_id, from_on ON allocation
WHEN NEW.resident_id IS NOT OLD.resident_id OR NEW.bed_id IS NOT OLD.bed_id
     OR NEW.from_on IS NOT OLD.from_on
BEGIN
    SELECT RAISE(ABORT, 'allocation_fixed');
END;

-- Lengthening an allocation may not run into the next one of its bed or resident.
CREATE TRIGGER allocation_end_overlap BEFORE UPDATE OF until_on ON allocation
WHEN EXISTS (
    SELECT 1 FROM allocation a
    WHERE a.id <> NEW.id
      AND (a.bed_id = NEW.bed_id OR a.resident_id = NEW.resident_id)
      AND (a.until_on IS NULL OR a.until_on > NEW.from_on)
      AND (NEW.until_on IS NULL OR NEW.until_on > a.from_on)
      AND a.from_on IS NOT a.until_on
      AND NEW.from_on IS NOT NEW.until_on
)
BEGIN
    SELECT RAISE(ABORT, 'allocation_overlap');
END;

-- A bed that holds someone cannot go out of service, and an occupied room keeps its sex.
CREATE TRIGGER bed_out_of_service_while_occupied BEFORE UPDATE OF in_service ON bed
WHEN NEW.in_service = 0 AND EXISTS (
    SELECT 1 FROM allocation WHERE bed_id = NEW.id AND until_on IS NULL
)
BEGIN
    SELECT RAISE(ABORT, 'bed_occupied');
END;

CREATE TRIGGER room_sex_fixed_while_occupied BEFORE UPDATE OF sex ON room
WHEN NEW.sex IS NOT OLD.sex AND EXISTS (
    SELECT 1 FROM allocation a JOIN bed b ON b.id = a.bed_id
    WHERE b.room_id = NEW.id AND a.until_on IS NULL
)
BEGIN
    SELECT RAISE(ABORT, 'allocation_sex_mismatch');
END;

CREATE TRIGGER resident_sex_fixed_while_housed BEFORE UPDATE OF sex ON resident
WHEN NEW.sex IS NOT OLD.sex AND EXISTS (
    SELECT 1 FROM allocation WHERE resident_id = NEW.id AND until_on IS NULL
)
BEGIN
    SELECT RAISE(ABORT, 'allocation_sex_mismatch');
END;
