-- Family visits: a family's contacts and children, who may visit whom, visit days with slots,
-- bookings, the gate, and home stays. The rules that keep a child safe or a slot within its
-- places are held here as well as in the app, so that no path and no race can break them.

-- Whether a family's bookings wait for the social team's approval.
ALTER TABLE family ADD COLUMN needs_approval INTEGER NOT NULL DEFAULT 0
    CHECK (needs_approval IN (0, 1));

-- The people of a family. A contact whose phone is the family account's phone is taken to
-- hold that account: if any such holder is barred from a child, the portal never shows it.
CREATE TABLE family_contact (
    id INTEGER PRIMARY KEY,
    family_id INTEGER NOT NULL REFERENCES family (id),
    name_km TEXT NOT NULL CHECK (length(trim(name_km)) BETWEEN 1 AND 100),
    name_latin TEXT NOT NULL CHECK (length(trim(name_latin)) BETWEEN 1 AND 100),
    relationship TEXT NOT NULL CHECK (relationship IN
        ('mother', 'father', 'grandmother', 'grandfather', 'aunt', 'uncle', 'sibling',
         'guardian', 'other')),
    phone TEXT CHECK (phone IS NULL OR (phone GLOB '0[1-9]*' AND length(phone) BETWEEN 9 AND 10
                                        AND phone NOT GLOB '*[^0-9]*')),
    id_document TEXT CHECK (id_document IS NULL OR length(trim(id_document)) BETWEEN 1 AND 40)
) STRICT;

CREATE INDEX family_contact_by_family ON family_contact (family_id);

-- The children a family is linked to (siblings), with how many visits a calendar month they
-- may have (one unless the social team allows more) and whether their bookings need approval.
CREATE TABLE family_child (
    family_id INTEGER NOT NULL REFERENCES family (id),
    resident_id INTEGER NOT NULL REFERENCES resident (id),
    visits_per_month INTEGER NOT NULL DEFAULT 1 CHECK (visits_per_month BETWEEN 1 AND 8),
    needs_approval INTEGER NOT NULL DEFAULT 0 CHECK (needs_approval IN (0, 1)),
    PRIMARY KEY (family_id, resident_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX family_child_by_resident ON family_child (resident_id);

-- Who may visit whom. The latest decision for a contact and a child stands; the earlier ones
-- are its history and never change. No decision means no visit.
CREATE TABLE visit_permission (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES family_contact (id),
    resident_id INTEGER NOT NULL REFERENCES resident (id),
    level TEXT NOT NULL CHECK (level IN ('allowed', 'supervised', 'barred')),
    reason TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 500),
    decided_on TEXT NOT NULL CHECK (decided_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    decided_by INTEGER NOT NULL REFERENCES staff_user (id),
    recorded_at INTEGER NOT NULL
) STRICT;

CREATE INDEX visit_permission_by_pair ON visit_permission (contact_id, resident_id, id);
CREATE INDEX visit_permission_by_resident ON visit_permission (resident_id);

CREATE TRIGGER visit_permission_is_history BEFORE UPDATE ON visit_permission
BEGIN
    SELECT RAISE(ABORT, 'permission_is_history');
END;

CREATE TRIGGER visit_permission_is_kept BEFORE DELETE ON visit_permission
BEGIN
    SELECT RAISE(ABORT, 'permission_is_history');
END;

-- The current decision per contact and child.
CREATE VIEW current_permission AS
SELECT p.contact_id, p.resident_id, p.level, p.reason, p.decided_on
FROM visit_permission p
WHERE p.id = (SELECT max(q.id) FROM visit_permission q
              WHERE q.contact_id = p.contact_id AND q.resident_id = p.resident_id);

-- Days on which no visit day may be published (exams, Khmer New Year...).
CREATE TABLE visit_blocked_date (
    day TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    reason TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 200)
) STRICT, WITHOUT ROWID;

-- A visit day. Families may book from `opens_on` (a local day) until `closes_at` (Unix
-- seconds), and move or cancel until then too. Visitors may stay for one meal, counted by the
-- canteen as family-day heads.
CREATE TABLE visit_day (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL UNIQUE CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    opens_on TEXT NOT NULL
        CHECK (opens_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND opens_on <= day),
    closes_at INTEGER NOT NULL,
    max_adults INTEGER NOT NULL DEFAULT 4 CHECK (max_adults BETWEEN 1 AND 10),
    meal_service_id INTEGER REFERENCES meal_service (id),
    note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 300),
    cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1))
) STRICT;

CREATE TRIGGER visit_day_not_blocked BEFORE INSERT ON visit_day
WHEN EXISTS (SELECT 1 FROM visit_blocked_date WHERE day = NEW.day)
BEGIN
    SELECT RAISE(ABORT, 'visit_day_blocked');
END;

CREATE TRIGGER visit_day_moved_not_blocked BEFORE UPDATE OF day ON visit_day
WHEN EXISTS (SELECT 1 FROM visit_blocked_date WHERE day = NEW.day)
BEGIN
    SELECT RAISE(ABORT, 'visit_day_blocked');
END;

CREATE TRIGGER visit_blocked_date_free BEFORE INSERT ON visit_blocked_date
WHEN EXISTS (SELECT 1 FROM visit_day WHERE day = NEW.day AND cancelled = 0)
BEGIN
    SELECT RAISE(ABORT, 'visit_day_on_date');
END;

-- A time slot of a visit day with its places in the visiting area: one place per booking
-- (a family's table).
CREATE TABLE visit_slot (
    id INTEGER PRIMARY KEY,
    visit_day_id INTEGER NOT NULL REFERENCES visit_day (id),
    starts_at TEXT NOT NULL
        CHECK (starts_at GLOB '[0-2][0-9]:[0-5][0-9]' AND starts_at < '24:00'),
    ends_at TEXT NOT NULL
        CHECK (ends_at GLOB '[0-2][0-9]:[0-5][0-9]' AND ends_at < '24:00' AND ends_at > starts_at),
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    UNIQUE (visit_day_id, starts_at)
) STRICT;

-- A booking of a slot by a family for one or more of its children. Pending and confirmed
-- bookings hold a place; cancelled and refused ones keep their history. `contact_id` is who
-- leads the visit; `adults` counts them with the others coming.
CREATE TABLE visit_booking (
    id INTEGER PRIMARY KEY,
    slot_id INTEGER NOT NULL REFERENCES visit_slot (id),
    family_id INTEGER NOT NULL REFERENCES family (id),
    contact_id INTEGER NOT NULL REFERENCES family_contact (id),
    adults INTEGER NOT NULL CHECK (adults BETWEEN 1 AND 10),
    -- Visitors staying for the visit day's meal.
    meal_heads INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled', 'refused')),
    -- A contact allowed supervised visits only leads or comes: staff must be there.
    supervised INTEGER NOT NULL DEFAULT 0 CHECK (supervised IN (0, 1)),
    -- A permission changed after the booking: the social team looks at it again.
    review INTEGER NOT NULL DEFAULT 0 CHECK (review IN (0, 1)),
    -- Why it was cancelled or refused, as the family's portal says it.
    notice TEXT CHECK (notice IS NULL OR notice IN
        ('by_family', 'moved', 'by_centre', 'permission', 'refused')),
    walk_in INTEGER NOT NULL DEFAULT 0 CHECK (walk_in IN (0, 1)),
    booked_by_staff INTEGER REFERENCES staff_user (id),
    created_at INTEGER NOT NULL,
    checked_in_at INTEGER,
    checked_out_at INTEGER CHECK (checked_out_at IS NULL OR checked_out_at >= checked_in_at),
    CHECK (meal_heads BETWEEN 0 AND adults),
    CHECK ((status IN ('cancelled', 'refused')) = (notice IS NOT NULL))
) STRICT;

CREATE INDEX visit_booking_by_slot ON visit_booking (slot_id, status);
CREATE INDEX visit_booking_by_family ON visit_booking (family_id);

-- The children a booking is for, with the calendar month of its day ('YYYY-MM') for the
-- once-a-month rule.
CREATE TABLE visit_booking_child (
    booking_id INTEGER NOT NULL REFERENCES visit_booking (id),
    resident_id INTEGER NOT NULL REFERENCES resident (id),
    month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    PRIMARY KEY (booking_id, resident_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX visit_booking_child_by_month ON visit_booking_child (resident_id, month);

-- The contacts who came through the gate with a booking.
CREATE TABLE visit_visitor (
    booking_id INTEGER NOT NULL REFERENCES visit_booking (id),
    contact_id INTEGER NOT NULL REFERENCES family_contact (id),
    PRIMARY KEY (booking_id, contact_id)
) STRICT, WITHOUT ROWID;

-- A slot never holds more pending and confirmed bookings than its places: checked when a
-- booking is made or comes back to life, and when a slot's places are lowered.
CREATE TRIGGER visit_slot_places BEFORE INSERT ON visit_booking
WHEN NEW.status IN ('pending', 'confirmed')
 AND (SELECT count(*) FROM visit_booking
      WHERE slot_id = NEW.slot_id AND status IN ('pending', 'confirmed'))
     >= (SELECT capacity FROM visit_slot WHERE id = NEW.slot_id)
BEGIN
    SELECT RAISE(ABORT, 'slot_full');
END;

CREATE TRIGGER visit_slot_places_kept BEFORE UPDATE OF status, slot_id ON visit_booking
WHEN NEW.status IN ('pending', 'confirmed')
 AND (OLD.status NOT IN ('pending', 'confirmed') OR OLD.slot_id <> NEW.slot_id)
 AND (SELECT count(*) FROM visit_booking
      WHERE slot_id = NEW.slot_id AND status IN ('pending', 'confirmed') AND id <> NEW.id)
     >= (SELECT capacity FROM visit_slot WHERE id = NEW.slot_id)
BEGIN
    SELECT RAISE(ABORT, 'slot_full');
END;

CREATE TRIGGER visit_slot_capacity BEFORE UPDATE OF capacity ON visit_slot
WHEN (SELECT count(*) FROM visit_booking
      WHERE slot_id = NEW.id AND status IN ('pending', 'confirmed')) > NEW.capacity
BEGIN
    SELECT RAISE(ABORT, 'slot_capacity_below_bookings');
END;

-- A booking's children are the family's, each with a contact who may visit them, and within
-- their visits for the month.
CREATE TRIGGER visit_booking_child_linked BEFORE INSERT ON visit_booking_child
WHEN NOT EXISTS (
    SELECT 1 FROM family_child fc JOIN visit_booking b ON b.family_id = fc.family_id
    WHERE b.id = NEW.booking_id AND fc.resident_id = NEW.resident_id)
BEGIN
    SELECT RAISE(ABORT, 'child_not_linked');
END;

CREATE TRIGGER visit_booking_child_permitted BEFORE INSERT ON visit_booking_child
WHEN NOT EXISTS (
    SELECT 1 FROM current_permission p JOIN visit_booking b ON b.contact_id = p.contact_id
    WHERE b.id = NEW.booking_id AND p.resident_id = NEW.resident_id
      AND p.level IN ('allowed', 'supervised'))
BEGIN
    SELECT RAISE(ABORT, 'contact_not_permitted');
END;

CREATE TRIGGER visit_booking_child_monthly BEFORE INSERT ON visit_booking_child
WHEN (SELECT count(*) FROM visit_booking_child c JOIN visit_booking b ON b.id = c.booking_id
      WHERE c.resident_id = NEW.resident_id AND c.month = NEW.month
        AND b.status IN ('pending', 'confirmed') AND b.id <> NEW.booking_id)
     >= (SELECT fc.visits_per_month FROM family_child fc
         JOIN visit_booking b ON b.family_id = fc.family_id
         WHERE b.id = NEW.booking_id AND fc.resident_id = NEW.resident_id)
BEGIN
    SELECT RAISE(ABORT, 'monthly_visit_taken');
END;

-- A home stay approved by the social team: the child goes home with a named contact who may
-- visit them unsupervised, from a day to a day. Its absence (reason 'home_stay') is what
-- presence, the roll call and the meal counts read. Staff then record who handed the child
-- over and who collected them, and the return.
CREATE TABLE home_stay (
    id INTEGER PRIMARY KEY,
    resident_id INTEGER NOT NULL REFERENCES resident (id),
    contact_id INTEGER NOT NULL REFERENCES family_contact (id),
    from_on TEXT NOT NULL CHECK (from_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    until_on TEXT NOT NULL
        CHECK (until_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND until_on >= from_on),
    absence_id INTEGER NOT NULL UNIQUE REFERENCES absence (id),
    approved_by INTEGER NOT NULL REFERENCES staff_user (id),
    approved_at INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 300),
    cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
    handed_over_by INTEGER REFERENCES staff_user (id),
    collected_by INTEGER REFERENCES family_contact (id),
    left_at INTEGER,
    returned_at INTEGER CHECK (returned_at IS NULL OR (left_at IS NOT NULL AND returned_at >= left_at)),
    CHECK ((handed_over_by IS NULL) = (left_at IS NULL) AND (collected_by IS NULL) = (left_at IS NULL))
) STRICT;

CREATE INDEX home_stay_by_resident ON home_stay (resident_id, from_on);
