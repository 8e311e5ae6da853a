-- One session table for staff and families: exactly one of the two owners is set. The cookie
-- holds a random token; only its SHA-256 is stored. Times are Unix seconds (UTC).
-- Replaces staff_session (ending any staff session open at the time of the upgrade).
CREATE TABLE session (
    token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
    staff_user_id INTEGER REFERENCES staff_user (id),
    family_id INTEGER REFERENCES family (id),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL CHECK (last_seen_at >= created_at),
    CHECK ((staff_user_id IS NULL) <> (family_id IS NULL))
) STRICT, WITHOUT ROWID;

CREATE INDEX session_by_staff ON session (staff_user_id) WHERE staff_user_id IS NOT NULL;
CREATE INDEX session_by_family ON session (family_id) WHERE family_id IS NOT NULL;

DROP TABLE staff_session;

-- Failed sign-ins, to refuse more after 5 for one account or 20 from one address within
-- 15 minutes. `account` is 'staff:<login>' or 'family:<phone>', whether it exists or not.
CREATE TABLE login_failure (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    account TEXT NOT NULL CHECK (length(account) BETWEEN 1 AND 80),
    address TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 64)
) STRICT;

CREATE INDEX login_failure_by_account ON login_failure (account, at);
CREATE INDEX login_failure_by_address ON login_failure (address, at);
