-- The roles a staff member holds; a person may hold several.
CREATE TABLE staff_role (
    staff_user_id INTEGER NOT NULL REFERENCES staff_user (id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'house_staff', 'canteen', 'social_team', 'tutor')),
    PRIMARY KEY (staff_user_id, role)
) STRICT, WITHOUT ROWID;
