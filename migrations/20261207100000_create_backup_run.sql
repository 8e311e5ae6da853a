-- The server's own backups (`backups`): one row per copy taken, nightly or by hand, with the
-- outcome of its check. Written by the server's nightly task on the live database, after the
-- copy is taken (so a copy never holds its own row).
CREATE TABLE backup_run (
    id INTEGER PRIMARY KEY,
    -- Where the copy is: the backup folder and its name (nightly-2026-12-07.db, monthly-2026-12.db).
    path TEXT NOT NULL CHECK (length(path) BETWEEN 1 AND 4096),
    -- Unix seconds.
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL CHECK (finished_at >= started_at),
    ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
    -- What failed, as a code the pages translate (`backups::model::Problem`); none when ok.
    problem TEXT CHECK ((ok = 1) = (problem IS NULL)),
    -- The copy's size in bytes, and its row count per table, when it was written and checked.
    bytes INTEGER,
    tables_json TEXT CHECK (tables_json IS NULL OR json_valid(tables_json))
) STRICT;

CREATE INDEX backup_run_by_time ON backup_run (started_at);
