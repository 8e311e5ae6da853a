-- A spreadsheet uploaded to import residents, kept until the user has seen the preview and
-- confirmed it. Residents are written only on confirmation; `done_rows` lets a long import
-- run in steps (with a progress bar) and resume where it stopped.
CREATE TABLE resident_import (
    id INTEGER PRIMARY KEY,
    created_by INTEGER NOT NULL REFERENCES staff_user (id),
    created_at INTEGER NOT NULL,
    file_name TEXT NOT NULL CHECK (length(file_name) <= 200),
    csv TEXT NOT NULL CHECK (length(csv) <= 1000000),
    confirmed_at INTEGER,
    done_rows INTEGER NOT NULL DEFAULT 0 CHECK (done_rows >= 0),
    added INTEGER NOT NULL DEFAULT 0 CHECK (added >= 0)
) STRICT;
