-- The canteen: meal services, the cut-off, extra heads, frozen counts, what was served,
-- recipes and menus. Counts of residents are never stored except when frozen: they come
-- from presence (allocations and absences).

-- One row of settings: when a day's counts freeze (the day before, at this local time) and
-- how far above the expected count a served figure may go before it is flagged.
CREATE TABLE canteen_setting (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    cutoff_time TEXT NOT NULL DEFAULT '18:00'
        CHECK (cutoff_time GLOB '[0-2][0-9]:[0-5][0-9]' AND cutoff_time < '24:00'),
    served_margin_percent INTEGER NOT NULL DEFAULT 10
        CHECK (served_margin_percent BETWEEN 0 AND 100)
) STRICT;

INSERT INTO canteen_setting (id) VALUES (1);

-- A meal the canteen serves, at a local time. Which programme eats it on which weekday is a
-- bit set: bit 0 is Monday, bit 6 Sunday (127 = every day).
CREATE TABLE meal_service (
    id INTEGER PRIMARY KEY,
    name_km TEXT NOT NULL CHECK (length(trim(name_km)) BETWEEN 1 AND 40),
    name_en TEXT NOT NULL CHECK (length(trim(name_en)) BETWEEN 1 AND 40),
    name_fr TEXT NOT NULL CHECK (length(trim(name_fr)) BETWEEN 1 AND 40),
    serves_at TEXT NOT NULL
        CHECK (serves_at GLOB '[0-2][0-9]:[0-5][0-9]' AND serves_at < '24:00'),
    boarding_days INTEGER NOT NULL DEFAULT 127 CHECK (boarding_days BETWEEN 0 AND 127),
    residence_days INTEGER NOT NULL DEFAULT 127 CHECK (residence_days BETWEEN 0 AND 127),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

-- Residence students are at school at lunchtime on school days (Monday to Friday): they eat
-- lunch at the centre on Saturdays and Sundays only (bits 5 and 6: 96).
INSERT INTO meal_service (name_km, name_en, name_fr, serves_at, boarding_days, residence_days)
VALUES ('អាហារពេលព្រឹក', 'Breakfast', 'Petit-déjeuner', '06:30', 127, 127),
       ('អាហារថ្ងៃត្រង់', 'Lunch', 'Déjeuner', '11:30', 127, 96),
       ('អាហារពេលល្ងាច', 'Dinner', 'Dîner', '17:30', 127, 127);

-- Heads to feed beyond the residents present: staff, guests, camp children, family-day
-- visitors. `source` names the record that added them when another domain did (a visit
-- booking: 'visit_booking:42'), so that domain can take them back; none when typed in.
CREATE TABLE extra_heads (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    meal_service_id INTEGER NOT NULL REFERENCES meal_service (id),
    heads INTEGER NOT NULL CHECK (heads BETWEEN 1 AND 2000),
    diet TEXT NOT NULL DEFAULT 'normal'
        CHECK (diet IN ('normal', 'vegetarian', 'soft', 'diabetic', 'low_salt')),
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'guest', 'camp', 'family_day', 'other')),
    reason TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
    source TEXT CHECK (source IS NULL OR length(source) <= 80),
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX extra_heads_by_day ON extra_heads (day, meal_service_id);
CREATE INDEX extra_heads_by_source ON extra_heads (source) WHERE source IS NOT NULL;

-- A day's meal as it stood at the cut-off: which residents were expected and the counts by
-- diet (JSON of `canteen::model::Heads`). Written once, never changed: later changes show
-- as late changes beside it.
CREATE TABLE meal_freeze (
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    meal_service_id INTEGER NOT NULL REFERENCES meal_service (id),
    frozen_at INTEGER NOT NULL,
    resident_ids TEXT NOT NULL CHECK (json_valid(resident_ids)),
    heads TEXT NOT NULL CHECK (json_valid(heads)),
    PRIMARY KEY (day, meal_service_id)
) STRICT;

CREATE TRIGGER meal_freeze_is_final BEFORE UPDATE ON meal_freeze
BEGIN
    SELECT RAISE(ABORT, 'meal_freeze_final');
END;

CREATE TRIGGER meal_freeze_is_kept BEFORE DELETE ON meal_freeze
BEGIN
    SELECT RAISE(ABORT, 'meal_freeze_final');
END;

-- How many were served at a meal, recorded by the canteen manager.
CREATE TABLE meal_served (
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    meal_service_id INTEGER NOT NULL REFERENCES meal_service (id),
    served INTEGER NOT NULL CHECK (served BETWEEN 0 AND 5000),
    note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    recorded_by INTEGER REFERENCES staff_user (id),
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (day, meal_service_id)
) STRICT;

-- Something bought for the kitchen, counted in grams, millilitres or pieces.
CREATE TABLE ingredient (
    id INTEGER PRIMARY KEY,
    name_km TEXT NOT NULL CHECK (length(trim(name_km)) BETWEEN 1 AND 60),
    name_en TEXT NOT NULL CHECK (length(trim(name_en)) BETWEEN 1 AND 60),
    unit TEXT NOT NULL CHECK (unit IN ('g', 'ml', 'piece'))
) STRICT;

CREATE UNIQUE INDEX ingredient_name ON ingredient (name_en COLLATE NOCASE);

CREATE TABLE recipe (
    id INTEGER PRIMARY KEY,
    name_km TEXT NOT NULL CHECK (length(trim(name_km)) BETWEEN 1 AND 80),
    name_en TEXT NOT NULL CHECK (length(trim(name_en)) BETWEEN 1 AND 80)
) STRICT;

CREATE UNIQUE INDEX recipe_name ON recipe (name_en COLLATE NOCASE);

-- A line of a recipe: how much of an ingredient one head eats, in thousandths of its unit
-- (150 g = 150000). `diet` is '' for everyone, or a diet whose heads eat this quantity
-- instead (0 when that diet leaves it out: vegetarians and the fish).
CREATE TABLE recipe_line (
    recipe_id INTEGER NOT NULL REFERENCES recipe (id) ON DELETE CASCADE,
    ingredient_id INTEGER NOT NULL REFERENCES ingredient (id),
    diet TEXT NOT NULL DEFAULT ''
        CHECK (diet IN ('', 'normal', 'vegetarian', 'soft', 'diabetic', 'low_salt')),
    per_head_milli INTEGER NOT NULL CHECK (per_head_milli BETWEEN 0 AND 10000000),
    PRIMARY KEY (recipe_id, ingredient_id, diet)
) STRICT;

-- What a day's meal is made of.
CREATE TABLE menu_item (
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    meal_service_id INTEGER NOT NULL REFERENCES meal_service (id),
    recipe_id INTEGER NOT NULL REFERENCES recipe (id),
    PRIMARY KEY (day, meal_service_id, recipe_id)
) STRICT;
