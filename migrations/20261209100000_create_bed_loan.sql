-- Residential campers sleep in lent beds: a free bed, or a boarder's bed on nights its
-- occupant is away (a holiday home stay) for the whole of the loan. Nights run from `from_on`
-- (the first evening) until `until_on` (the morning the bed is given back, exclusive), as an
-- allocation's. A night is counted at the roll call, 21:00 at the centre (14:00 UTC): the
-- occupant is away on a night when an absence covers that instant, as presence reads it.
-- A loan ended on its first day (`until_on` = `from_on`) is kept, empty, for its history.
CREATE TABLE bed_loan (
    id INTEGER PRIMARY KEY,
    bed_id INTEGER NOT NULL REFERENCES bed (id),
    camp_id INTEGER NOT NULL,
    camper_id INTEGER NOT NULL,
    from_on TEXT NOT NULL CHECK (date(from_on) IS from_on),
    until_on TEXT NOT NULL CHECK (date(until_on) IS until_on AND until_on >= from_on),
    lent_by INTEGER REFERENCES staff_user (id),
    lent_at INTEGER NOT NULL,
    -- Only a camper with a place in that camp.
    FOREIGN KEY (camp_id, camper_id) REFERENCES camp_place (camp_id, camper_id)
) STRICT;

CREATE INDEX bed_loan_by_bed ON bed_loan (bed_id, from_on);
CREATE INDEX bed_loan_by_camper ON bed_loan (camper_id, from_on);
CREATE INDEX bed_loan_by_nights ON bed_loan (until_on, from_on);

-- Only for a residential camp, and only on its nights: from its first evening until the
-- morning after its last day.
CREATE TRIGGER bed_loan_in_camp BEFORE INSERT ON bed_loan
WHEN NOT EXISTS (
    SELECT 1 FROM camp
    WHERE id = NEW.camp_id AND kind = 'residential'
      AND NEW.from_on >= starts_on AND NEW.until_on <= date(ends_on, '+1 day'))
BEGIN
    SELECT RAISE(ABORT, 'bed_loan_outside_camp');
END;

-- The room's sex rule applies to campers too.
CREATE TRIGGER bed_loan_sex_matches_room BEFORE INSERT ON bed_loan
WHEN (SELECT sex FROM camper WHERE id = NEW.camper_id)
     IS NOT (SELECT room.sex FROM bed JOIN room ON room.id = bed.room_id WHERE bed.id = NEW.bed_id)
BEGIN
    SELECT RAISE(ABORT, 'allocation_sex_mismatch');
END;

CREATE TRIGGER bed_loan_bed_in_service BEFORE INSERT ON bed_loan
WHEN (SELECT in_service FROM bed WHERE id = NEW.bed_id) = 0
BEGIN
    SELECT RAISE(ABORT, 'allocation_bed_out_of_service');
END;

-- One sleeper per bed: two loans of a bed never share a night.
CREATE TRIGGER bed_loan_bed_overlap BEFORE INSERT ON bed_loan
WHEN NEW.until_on > NEW.from_on AND EXISTS (
    SELECT 1 FROM bed_loan l
    WHERE l.bed_id = NEW.bed_id AND l.until_on > NEW.from_on AND NEW.until_on > l.from_on)
BEGIN
    SELECT RAISE(ABORT, 'bed_loan_bed_lent');
END;

-- One bed per person: a camper in one bed a night, and a resident at camp keeps their own.
CREATE TRIGGER bed_loan_camper_overlap BEFORE INSERT ON bed_loan
WHEN NEW.until_on > NEW.from_on AND (
    EXISTS (
        SELECT 1 FROM bed_loan l
        WHERE l.camper_id = NEW.camper_id AND l.until_on > NEW.from_on
          AND NEW.until_on > l.from_on)
    OR EXISTS (
        SELECT 1 FROM camper k JOIN allocation a ON a.resident_id = k.resident_id
        WHERE k.id = NEW.camper_id AND a.from_on IS NOT a.until_on
          AND a.from_on < NEW.until_on AND (a.until_on IS NULL OR a.until_on > NEW.from_on)))
BEGIN
    SELECT RAISE(ABORT, 'bed_loan_camper_has_bed');
END;

-- A boarder's bed is lent only for nights its occupant is away, all of them: one absence
-- covers the roll call of the first and of the last night the loan shares with the occupant.
CREATE TRIGGER bed_loan_occupant_present BEFORE INSERT ON bed_loan
WHEN NEW.until_on > NEW.from_on AND EXISTS (
    SELECT 1 FROM allocation a
    WHERE a.bed_id = NEW.bed_id AND a.from_on IS NOT a.until_on
      AND a.from_on < NEW.until_on AND (a.until_on IS NULL OR a.until_on > NEW.from_on)
      AND NOT EXISTS (
          SELECT 1 FROM absence x
          WHERE x.resident_id = a.resident_id
            AND x.starts_at <= unixepoch(max(a.from_on, NEW.from_on), '+14 hours')
            AND (coalesce(x.returned_at, x.ends_at) IS NULL
                 OR coalesce(x.returned_at, x.ends_at)
                    > unixepoch(min(coalesce(a.until_on, NEW.until_on), NEW.until_on),
                                '-10 hours'))))
BEGIN
    SELECT RAISE(ABORT, 'bed_loan_occupant_present');
END;

-- A loan may only be ended early (its bed given back sooner); the rest never changes. Lending
-- for longer is a new loan, checked as the first was.
CREATE TRIGGER bed_loan_fixed BEFORE UPDATE ON bed_loan
WHEN NEW.bed_id IS NOT OLD.bed_id OR NEW.camp_id IS NOT OLD.camp_id
     OR NEW.camper_id IS NOT OLD.camper_id OR NEW.from_on IS NOT OLD.from_on
     OR NEW.until_on > OLD.until_on OR NEW.lent_by IS NOT OLD.lent_by
     OR NEW.lent_at IS NOT OLD.lent_at
BEGIN
    SELECT RAISE(ABORT, 'bed_loan_fixed');
END;

-- A lent bed is taken on its nights: no one is allocated to it then, it stays in service, and
-- its room keeps its sex.
CREATE TRIGGER allocation_bed_lent BEFORE INSERT ON allocation
WHEN EXISTS (
    SELECT 1 FROM bed_loan l
    WHERE l.bed_id = NEW.bed_id AND l.until_on > l.from_on
      AND l.until_on > NEW.from_on AND (NEW.until_on IS NULL OR NEW.until_on > l.from_on)
      AND NEW.from_on IS NOT NEW.until_on)
BEGIN
    SELECT RAISE(ABORT, 'bed_loan_bed_lent');
END;

CREATE TRIGGER bed_out_of_service_while_lent BEFORE UPDATE OF in_service ON bed
WHEN NEW.in_service = 0 AND EXISTS (
    SELECT 1 FROM bed_loan WHERE bed_id = NEW.id AND until_on > from_on
      AND until_on > date('now', '+7 hours'))
BEGIN
    SELECT RAISE(ABORT, 'bed_occupied');
END;

CREATE TRIGGER room_sex_fixed_while_lent BEFORE UPDATE OF sex ON room
WHEN NEW.sex IS NOT OLD.sex AND EXISTS (
    SELECT 1 FROM bed_loan l JOIN bed b ON b.id = l.bed_id
    WHERE b.room_id = NEW.id AND l.until_on > l.from_on
      AND l.until_on > date('now', '+7 hours'))
BEGIN
    SELECT RAISE(ABORT, 'allocation_sex_mismatch');
END;

CREATE TRIGGER camper_sex_fixed_while_lent BEFORE UPDATE OF sex ON camper
WHEN NEW.sex IS NOT OLD.sex AND EXISTS (
    SELECT 1 FROM bed_loan WHERE camper_id = NEW.id AND until_on > from_on)
BEGIN
    SELECT RAISE(ABORT, 'allocation_sex_mismatch');
END;
