-- Evening homework classes: the timetable, enrolments, cancelled sessions and attendance.
-- A session is a class on one of its weekdays within its term; only cancellations and
-- attendance marks are stored.

CREATE TABLE homework_class (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
    level TEXT NOT NULL CHECK (level IN ('primary', 'lower_secondary', 'upper_secondary')),
    subject TEXT NOT NULL CHECK (subject IN ('khmer', 'mathematics', 'english', 'science')),
    tutor_id INTEGER NOT NULL REFERENCES staff_user (id),
    room TEXT NOT NULL CHECK (length(trim(room)) BETWEEN 1 AND 40),
    -- Bit 0 is Monday, bit 6 Sunday.
    weekdays INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
    starts_at TEXT NOT NULL
        CHECK (starts_at GLOB '[0-2][0-9]:[0-5][0-9]' AND starts_at < '24:00'),
    ends_at TEXT NOT NULL
        CHECK (ends_at GLOB '[0-2][0-9]:[0-5][0-9]' AND ends_at < '24:00' AND ends_at > starts_at),
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 60),
    term_from TEXT NOT NULL CHECK (term_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    term_until TEXT NOT NULL
        CHECK (term_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND term_until >= term_from)
) STRICT;

CREATE INDEX homework_class_by_tutor ON homework_class (tutor_id);

-- A resident in a class from a day until the day they leave it (exclusive; none while
-- current). Never deleted: attendance refers to it.
CREATE TABLE enrolment (
    id INTEGER PRIMARY KEY,
    class_id INTEGER NOT NULL REFERENCES homework_class (id),
    resident_id INTEGER NOT NULL REFERENCES resident (id),
    enrolled_on TEXT NOT NULL
        CHECK (enrolled_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    ended_on TEXT CHECK (ended_on IS NULL OR ended_on >= enrolled_on)
) STRICT;

CREATE UNIQUE INDEX enrolment_current ON enrolment (class_id, resident_id) WHERE ended_on IS NULL;
CREATE INDEX enrolment_by_resident ON enrolment (resident_id) WHERE ended_on IS NULL;

-- The two rules of enrolment, held here so that no path and no race can break them: a class
-- never has more current enrolments than places, and a resident is never in two classes
-- whose sessions overlap (a shared weekday, overlapping times, overlapping terms).
CREATE TRIGGER enrolment_capacity BEFORE INSERT ON enrolment
WHEN (SELECT count(*) FROM enrolment WHERE class_id = NEW.class_id AND ended_on IS NULL)
     >= (SELECT capacity FROM homework_class WHERE id = NEW.class_id)
BEGIN
    SELECT RAISE(ABORT, 'class_full');
END;

CREATE TRIGGER enrolment_clash BEFORE INSERT ON enrolment
WHEN EXISTS (
    SELECT 1
    FROM enrolment e
    JOIN homework_class other ON other.id = e.class_id
    JOIN homework_class this ON this.id = NEW.class_id
    WHERE e.resident_id = NEW.resident_id AND e.ended_on IS NULL AND other.id <> this.id
      AND (other.weekdays & this.weekdays) <> 0
      AND other.starts_at < this.ends_at AND this.starts_at < other.ends_at
      AND other.term_from <= this.term_until AND this.term_from <= other.term_until)
BEGIN
    SELECT RAISE(ABORT, 'class_clash');
END;

-- A class's timetable cannot change under its enrolments into a clash or below its roll.
CREATE TRIGGER homework_class_capacity BEFORE UPDATE OF capacity ON homework_class
WHEN (SELECT count(*) FROM enrolment WHERE class_id = NEW.id AND ended_on IS NULL) > NEW.capacity
BEGIN
    SELECT RAISE(ABORT, 'class_capacity_below_roll');
END;

CREATE TRIGGER homework_class_clash
BEFORE UPDATE OF weekdays, starts_at, ends_at, term_from, term_until ON homework_class
WHEN EXISTS (
    SELECT 1
    FROM enrolment mine
    JOIN enrolment e ON e.resident_id = mine.resident_id AND e.ended_on IS NULL
    JOIN homework_class other ON other.id = e.class_id
    WHERE mine.class_id = NEW.id AND mine.ended_on IS NULL AND other.id <> NEW.id
      AND (other.weekdays & NEW.weekdays) <> 0
      AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at
      AND other.term_from <= NEW.term_until AND NEW.term_from <= other.term_until)
BEGIN
    SELECT RAISE(ABORT, 'class_clash');
END;

-- A session that does not take place (a holiday, exam week): nobody is expected.
CREATE TABLE session_cancellation (
    class_id INTEGER NOT NULL REFERENCES homework_class (id),
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    reason TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 200),
    cancelled_by INTEGER REFERENCES staff_user (id),
    PRIMARY KEY (class_id, day)
) STRICT;

-- A resident's attendance at a session. Residents away according to presence are excused
-- without a mark; a mark made for them anyway is kept.
CREATE TABLE attendance (
    class_id INTEGER NOT NULL REFERENCES homework_class (id),
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    resident_id INTEGER NOT NULL REFERENCES resident (id),
    status TEXT NOT NULL CHECK (status IN ('present', 'absent', 'late', 'excused')),
    reason TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
    marked_by INTEGER REFERENCES staff_user (id),
    marked_at INTEGER NOT NULL,
    CHECK (status <> 'excused' OR length(trim(reason)) > 0),
    PRIMARY KEY (class_id, day, resident_id)
) STRICT;

CREATE INDEX attendance_by_resident ON attendance (resident_id, day);

-- How many unexplained absences in a row flag a resident to house staff.
CREATE TABLE homework_setting (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    absences_in_a_row INTEGER NOT NULL DEFAULT 3 CHECK (absences_in_a_row BETWEEN 1 AND 20)
) STRICT;

INSERT INTO homework_setting (id) VALUES (1);
