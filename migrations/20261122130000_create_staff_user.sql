-- Staff accounts. Never deleted: disabled (active = 0), so the audit log keeps its names.
CREATE TABLE staff_user (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE CHECK (login = lower(login) AND length(login) BETWEEN 3 AND 32),
    display_name TEXT NOT NULL CHECK (length(trim(display_name)) BETWEEN 1 AND 100),
    -- PHC string of an argon2id hash; the parameters travel inside it.
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    language TEXT NOT NULL DEFAULT 'km' CHECK (language IN ('km', 'en', 'fr')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
