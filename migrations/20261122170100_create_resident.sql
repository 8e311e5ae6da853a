-- Children of the boarding school and students of the residences. Never deleted: a resident
-- leaves, with a date and a reason, and their history stays.
CREATE TABLE sibling_group (
    id INTEGER PRIMARY KEY
) STRICT;

CREATE TABLE resident (
    id INTEGER PRIMARY KEY,
    name_km TEXT NOT NULL CHECK (length(trim(name_km)) BETWEEN 1 AND 100),
    name_latin TEXT NOT NULL CHECK (length(trim(name_latin)) BETWEEN 1 AND 100),
    sex TEXT NOT NULL CHECK (sex IN ('f', 'm')),
    born_on TEXT NOT NULL CHECK (date(born_on) IS born_on),
    grade TEXT NOT NULL DEFAULT '' CHECK (length(grade) <= 20),
    programme TEXT NOT NULL CHECK (programme IN ('boarding_school', 'residence')),
    admitted_on TEXT NOT NULL CHECK (date(admitted_on) IS admitted_on),
    left_on TEXT CHECK (left_on IS NULL OR (date(left_on) IS left_on AND left_on >= admitted_on)),
    leaving_reason TEXT CHECK (leaving_reason IS NULL OR length(trim(leaving_reason)) BETWEEN 1 AND 200),
    diet TEXT NOT NULL DEFAULT 'normal'
        CHECK (diet IN ('normal', 'vegetarian', 'soft', 'diabetic', 'low_salt')),
    -- Allergens as a sorted comma list of known codes (see residents::model::Allergen).
    allergies TEXT NOT NULL DEFAULT '' CHECK (allergies NOT GLOB '*[^a-z,_]*'),
    -- Staff only (house staff and admin); the diet and allergies above are for the canteen too.
    medical_note TEXT NOT NULL DEFAULT '' CHECK (length(medical_note) <= 2000),
    -- Social team and admin only.
    safeguarding_note TEXT NOT NULL DEFAULT '' CHECK (length(safeguarding_note) <= 2000),
    sibling_group_id INTEGER REFERENCES sibling_group (id),
    CHECK ((left_on IS NULL) = (leaving_reason IS NULL))
) STRICT;

-- The same child is never entered twice: this is also what makes a CSV import idempotent.
CREATE UNIQUE INDEX resident_identity ON resident (name_latin COLLATE NOCASE, born_on);
CREATE INDEX resident_by_sibling_group ON resident (sibling_group_id);
