-- A facility of a centre: the boarding school, the student residences, a holiday camp.
-- Buildings, rooms and beds hang below it (residents and beds issue).
CREATE TABLE facility (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre (id),
    code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 16),
    kind TEXT NOT NULL CHECK (kind IN ('boarding_school', 'residence', 'camp')),
    name_km TEXT NOT NULL CHECK (length(trim(name_km)) > 0),
    name_latin TEXT NOT NULL CHECK (length(trim(name_latin)) > 0),
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    UNIQUE (centre_id, code)
) STRICT;
