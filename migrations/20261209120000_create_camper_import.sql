-- A spreadsheet of children uploaded to register them in a camp, kept until the preview is
-- confirmed, as the residents' import: nothing is registered before. `added` counts the
-- children it registered.
CREATE TABLE camper_import (
    id INTEGER PRIMARY KEY,
    camp_id INTEGER NOT NULL REFERENCES camp (id),
    created_by INTEGER NOT NULL REFERENCES staff_user (id),
    created_at INTEGER NOT NULL,
    file_name TEXT NOT NULL CHECK (length(file_name) <= 200),
    csv TEXT NOT NULL CHECK (length(csv) <= 1000000),
    confirmed_at INTEGER,
    added INTEGER NOT NULL DEFAULT 0 CHECK (added >= 0)
) STRICT;
