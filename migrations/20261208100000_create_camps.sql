-- Holiday camps: camps and their groups, monitors and programme; campers, the guardians who
-- may drop them off and collect them, their places in camps; and each camp day's check-in
-- and pick-up. The rules of places, age band and pick-up are held here, so that no path and
-- no race can break them.

-- Camp staff and volunteers hold a role of their own: `monitor`. SQLite cannot change a
-- CHECK in place, so the table of roles is copied into one that allows it.
CREATE TABLE staff_role_next (
    staff_user_id INTEGER NOT NULL REFERENCES staff_user (id),
    role TEXT NOT NULL
        CHECK (role IN ('admin', 'house_staff', 'canteen', 'social_team', 'tutor', 'monitor')),
    PRIMARY KEY (staff_user_id, role)
) STRICT, WITHOUT ROWID;

INSERT INTO staff_role_next (staff_user_id, role) SELECT staff_user_id, role FROM staff_role;
DROP TABLE staff_role;
ALTER TABLE staff_role_next RENAME TO staff_role;

-- A camp at one of the centre's facilities, from and until (inclusive), for day campers
-- (dropped off and collected every day) or residential ones (sleeping in lent beds).
CREATE TABLE camp (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
    facility_id INTEGER NOT NULL REFERENCES facility (id),
    kind TEXT NOT NULL CHECK (kind IN ('day', 'residential')),
    starts_on TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on TEXT NOT NULL CHECK (date(ends_on) IS ends_on AND ends_on >= starts_on),
    -- Ages in whole years on the camp's first day, both inclusive.
    min_age INTEGER NOT NULL CHECK (min_age BETWEEN 3 AND 25),
    max_age INTEGER NOT NULL CHECK (max_age BETWEEN min_age AND 25),
    places INTEGER NOT NULL CHECK (places BETWEEN 1 AND 1000),
    -- The meals provided, as bits: 1 breakfast, 2 lunch, 4 dinner.
    meals INTEGER NOT NULL CHECK (meals BETWEEN 0 AND 7),
    -- When children are collected by; after it, one not collected is an alert.
    day_ends_at TEXT NOT NULL
        CHECK (day_ends_at GLOB '[0-2][0-9]:[0-5][0-9]' AND day_ends_at < '24:00')
) STRICT;

-- A group within a camp (an age or an activity), with its monitors.
CREATE TABLE camp_group (
    id INTEGER PRIMARY KEY,
    camp_id INTEGER NOT NULL REFERENCES camp (id),
    name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 60),
    UNIQUE (camp_id, name),
    -- For the places below to name a group of their own camp.
    UNIQUE (id, camp_id)
) STRICT;

CREATE TABLE camp_monitor (
    group_id INTEGER NOT NULL REFERENCES camp_group (id),
    staff_user_id INTEGER NOT NULL REFERENCES staff_user (id),
    PRIMARY KEY (group_id, staff_user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX camp_monitor_by_staff ON camp_monitor (staff_user_id);

-- A group's programme: what it does, when and where, on a day of the camp.
CREATE TABLE camp_activity (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES camp_group (id),
    day TEXT NOT NULL CHECK (date(day) IS day),
    starts_at TEXT NOT NULL
        CHECK (starts_at GLOB '[0-2][0-9]:[0-5][0-9]' AND starts_at < '24:00'),
    ends_at TEXT NOT NULL
        CHECK (ends_at GLOB '[0-2][0-9]:[0-5][0-9]' AND ends_at < '24:00' AND ends_at > starts_at),
    place TEXT NOT NULL CHECK (length(trim(place)) BETWEEN 1 AND 60),
    what TEXT NOT NULL CHECK (length(trim(what)) BETWEEN 1 AND 120)
) STRICT;

CREATE INDEX camp_activity_by_group ON camp_activity (group_id, day, starts_at);

-- A child who comes to camps: entered once, whatever the number of camps over the years. A
-- resident who joins a camp is a camper linked to their record.
CREATE TABLE camper (
    id INTEGER PRIMARY KEY,
    name_km TEXT NOT NULL CHECK (length(trim(name_km)) BETWEEN 1 AND 100),
    name_latin TEXT NOT NULL CHECK (length(trim(name_latin)) BETWEEN 1 AND 100),
    sex TEXT NOT NULL CHECK (sex IN ('f', 'm')),
    born_on TEXT NOT NULL CHECK (date(born_on) IS born_on),
    diet TEXT NOT NULL DEFAULT 'normal'
        CHECK (diet IN ('normal', 'vegetarian', 'soft', 'diabetic', 'low_salt')),
    -- Allergens as a sorted comma list of known codes, as for residents.
    allergies TEXT NOT NULL DEFAULT '' CHECK (allergies NOT GLOB '*[^a-z,_]*'),
    -- Read as a resident's: house staff and admin. Monitors see the diet and allergies only.
    medical_note TEXT NOT NULL DEFAULT '' CHECK (length(medical_note) <= 2000),
    resident_id INTEGER UNIQUE REFERENCES resident (id),
    registered_by INTEGER REFERENCES staff_user (id),
    registered_at INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX camper_identity ON camper (name_latin COLLATE NOCASE, born_on);

-- Who brings a camper and may collect them. Someone named here but not allowed to collect
-- (`may_collect` 0) is stopped at pick-up like anyone else.
CREATE TABLE camp_guardian (
    id INTEGER PRIMARY KEY,
    camper_id INTEGER NOT NULL REFERENCES camper (id),
    name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    phone TEXT NOT NULL CHECK (phone GLOB '[0-9]*' AND length(phone) BETWEEN 8 AND 12),
    relationship TEXT NOT NULL
        CHECK (relationship IN ('mother', 'father', 'grandmother', 'grandfather', 'aunt', 'uncle',
                                'sibling', 'guardian', 'other')),
    may_collect INTEGER NOT NULL CHECK (may_collect IN (0, 1)),
    UNIQUE (camper_id, phone),
    UNIQUE (id, camper_id)
) STRICT;

-- A camper's place in a camp, in one of its groups.
CREATE TABLE camp_place (
    camp_id INTEGER NOT NULL REFERENCES camp (id),
    camper_id INTEGER NOT NULL REFERENCES camper (id),
    group_id INTEGER NOT NULL,
    registered_by INTEGER REFERENCES staff_user (id),
    registered_at INTEGER NOT NULL,
    PRIMARY KEY (camp_id, camper_id),
    FOREIGN KEY (group_id, camp_id) REFERENCES camp_group (id, camp_id)
) STRICT;

CREATE INDEX camp_place_by_group ON camp_place (group_id);
CREATE INDEX camp_place_by_camper ON camp_place (camper_id);

-- A camp never has more campers than places, also when two staff take the last one at once.
CREATE TRIGGER camp_place_full BEFORE INSERT ON camp_place
WHEN (SELECT count(*) FROM camp_place WHERE camp_id = NEW.camp_id)
     >= (SELECT places FROM camp WHERE id = NEW.camp_id)
BEGIN
    SELECT RAISE(ABORT, 'camp_full');
END;

-- A camper's age on the camp's first day is within its band.
CREATE TRIGGER camp_place_age BEFORE INSERT ON camp_place
WHEN (
    SELECT (CAST(strftime('%Y', c.starts_on) AS INTEGER) - CAST(strftime('%Y', k.born_on) AS INTEGER))
           - (strftime('%m-%d', c.starts_on) < strftime('%m-%d', k.born_on))
           NOT BETWEEN c.min_age AND c.max_age
    FROM camp c, camper k
    WHERE c.id = NEW.camp_id AND k.id = NEW.camper_id)
BEGIN
    SELECT RAISE(ABORT, 'camp_age');
END;

-- A camp's places and band cannot change under its campers.
CREATE TRIGGER camp_places_below_taken BEFORE UPDATE OF places ON camp
WHEN (SELECT count(*) FROM camp_place WHERE camp_id = NEW.id) > NEW.places
BEGIN
    SELECT RAISE(ABORT, 'camp_places_below_taken');
END;

CREATE TRIGGER camp_band_excludes BEFORE UPDATE OF min_age, max_age, starts_on ON camp
WHEN EXISTS (
    SELECT 1 FROM camp_place p JOIN camper k ON k.id = p.camper_id
    WHERE p.camp_id = NEW.id
      AND (CAST(strftime('%Y', NEW.starts_on) AS INTEGER) - CAST(strftime('%Y', k.born_on) AS INTEGER))
          - (strftime('%m-%d', NEW.starts_on) < strftime('%m-%d', k.born_on))
          NOT BETWEEN NEW.min_age AND NEW.max_age)
BEGIN
    SELECT RAISE(ABORT, 'camp_age');
END;

-- A camper's day at a camp: checked in present (or marked absent) in the morning, then
-- collected by one of their guardians allowed to, or handed over to house staff.
CREATE TABLE camp_day (
    camp_id INTEGER NOT NULL,
    camper_id INTEGER NOT NULL,
    day TEXT NOT NULL CHECK (date(day) IS day),
    status TEXT NOT NULL CHECK (status IN ('present', 'absent', 'collected', 'handed_over')),
    -- The morning's mark: when it counts as made (a phone's mark, by how long it waited in
    -- its outbox; see base::outbox) and by whom.
    marked_at INTEGER NOT NULL,
    marked_by INTEGER REFERENCES staff_user (id),
    guardian_id INTEGER,
    left_at INTEGER,
    left_by INTEGER REFERENCES staff_user (id),
    PRIMARY KEY (camp_id, day, camper_id),
    FOREIGN KEY (camp_id, camper_id) REFERENCES camp_place (camp_id, camper_id),
    FOREIGN KEY (guardian_id, camper_id) REFERENCES camp_guardian (id, camper_id),
    CHECK ((status IN ('collected', 'handed_over')) = (left_at IS NOT NULL)),
    CHECK ((status = 'collected') = (guardian_id IS NOT NULL))
) STRICT;

CREATE INDEX camp_day_by_day ON camp_day (day, status);
-- The children still on site: read on every staff page for the "not collected" alert, a few
-- rows whatever the camps' history.
CREATE INDEX camp_day_on_site ON camp_day (day) WHERE status = 'present';

-- Only on the camp's days.
CREATE TRIGGER camp_day_within BEFORE INSERT ON camp_day
WHEN NOT EXISTS (
    SELECT 1 FROM camp WHERE id = NEW.camp_id AND NEW.day BETWEEN starts_on AND ends_on)
BEGIN
    SELECT RAISE(ABORT, 'camp_day_outside');
END;

-- A child leaves only with a guardian named for them and allowed to collect them.
CREATE TRIGGER camp_day_collector BEFORE UPDATE OF guardian_id ON camp_day
WHEN NEW.guardian_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM camp_guardian
                 WHERE id = NEW.guardian_id AND camper_id = NEW.camper_id AND may_collect = 1)
BEGIN
    SELECT RAISE(ABORT, 'camp_not_a_collector');
END;

CREATE TRIGGER camp_day_collector_insert BEFORE INSERT ON camp_day
WHEN NEW.guardian_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM camp_guardian
                 WHERE id = NEW.guardian_id AND camper_id = NEW.camper_id AND may_collect = 1)
BEGIN
    SELECT RAISE(ABORT, 'camp_not_a_collector');
END;
