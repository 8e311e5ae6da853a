-- Where residents sleep: facility > building > room > bed. Managed by admin.
CREATE TABLE building (
    id INTEGER PRIMARY KEY,
    facility_id INTEGER NOT NULL REFERENCES facility (id),
    code TEXT NOT NULL CHECK (length(trim(code)) BETWEEN 1 AND 16),
    name_km TEXT NOT NULL CHECK (length(trim(name_km)) BETWEEN 1 AND 100),
    name_latin TEXT NOT NULL CHECK (length(trim(name_latin)) BETWEEN 1 AND 100),
    UNIQUE (facility_id, code)
) STRICT;

-- A room is for girls or for boys, and for an age band (a soft rule: outside it, a warning).
CREATE TABLE room (
    id INTEGER PRIMARY KEY,
    building_id INTEGER NOT NULL REFERENCES building (id),
    code TEXT NOT NULL CHECK (length(trim(code)) BETWEEN 1 AND 16),
    sex TEXT NOT NULL CHECK (sex IN ('f', 'm')),
    min_age INTEGER NOT NULL CHECK (min_age BETWEEN 0 AND 99),
    max_age INTEGER NOT NULL CHECK (max_age BETWEEN 0 AND 99),
    CHECK (min_age <= max_age),
    UNIQUE (building_id, code)
) STRICT;

CREATE TABLE bed (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES room (id),
    code TEXT NOT NULL CHECK (length(trim(code)) BETWEEN 1 AND 16),
    in_service INTEGER NOT NULL DEFAULT 1 CHECK (in_service IN (0, 1)),
    UNIQUE (room_id, code)
) STRICT;

CREATE INDEX room_by_building ON room (building_id);
CREATE INDEX bed_by_room ON bed (room_id);
