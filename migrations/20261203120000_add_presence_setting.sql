-- How long after an absence's planned end a child not recorded back is overdue: an alert on
-- every staff page, like a missing child's, until the return is recorded or the absence is
-- extended. Set by the admin; two hours unless changed.
CREATE TABLE presence_setting (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    overdue_grace_minutes INTEGER NOT NULL DEFAULT 120
        CHECK (overdue_grace_minutes BETWEEN 0 AND 1440)
) STRICT;

INSERT INTO presence_setting (id) VALUES (1);
