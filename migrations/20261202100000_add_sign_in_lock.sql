-- The hard limit on guessing: failed sign-ins in a row, whatever their spacing, and when the
-- account was locked for reaching 20 of them. A locked account signs in again only once the
-- social team (families) or an admin (staff) unlocks it; success resets the count.
ALTER TABLE staff_user ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0);
ALTER TABLE staff_user ADD COLUMN locked_at INTEGER;
ALTER TABLE family ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0);
ALTER TABLE family ADD COLUMN locked_at INTEGER;
