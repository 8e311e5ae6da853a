-- A centre of the organisation (Phnom Penh first; Siem Reap and Sihanoukville later).
CREATE TABLE centre (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 16),
    name_km TEXT NOT NULL CHECK (length(trim(name_km)) > 0),
    name_latin TEXT NOT NULL CHECK (length(trim(name_latin)) > 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
