-- Family accounts: a family signs in with a phone number and a 6-digit PIN that the social
-- team sets or resets and reads out or prints. Its contacts and children come later.
CREATE TABLE family (
    id INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL CHECK (length(trim(display_name)) BETWEEN 1 AND 100),
    -- A Cambodian number as the family dials it: 0 and 8 or 9 digits.
    phone TEXT NOT NULL UNIQUE CHECK (phone GLOB '0[1-9]*' AND length(phone) BETWEEN 9 AND 10
                                      AND phone NOT GLOB '*[^0-9]*'),
    pin_hash TEXT NOT NULL CHECK (pin_hash LIKE '$argon2id$%'),
    language TEXT NOT NULL DEFAULT 'km' CHECK (language IN ('km', 'en', 'fr')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Demo accounts sign in only while the server runs in demo mode.
    demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

ALTER TABLE staff_user ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1));
