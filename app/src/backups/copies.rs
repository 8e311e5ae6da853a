//! The copies themselves, on the server's disk: taken while the server runs (`VACUUM INTO`,
//! a consistent snapshot), written beside their final name and renamed once checked, kept
//! by the rules of `model`, and put back into place by `server restore`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection, SqlitePool};

use super::model::{self, Problem, Run};

/// What a copy holds, read back from it: its row count per table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contents {
    pub tables: BTreeMap<String, i64>,
}

impl Contents {
    pub fn rows(&self) -> i64 {
        self.tables.values().sum()
    }
}

/// Why a copy could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Database(#[from] sqlx::Error),
    /// `PRAGMA integrity_check` did not answer `ok`: its first line.
    #[error("the integrity check found: {0}")]
    Damaged(String),
    /// A database, but not this application's.
    #[error("it is not a database of this application (it has no migrations table)")]
    Foreign,
}

/// Reads the copy at `path` whole: `PRAGMA integrity_check` must answer `ok` and every
/// table must count. Opened read-only: checking changes nothing.
pub async fn check(path: &Path) -> Result<Contents, CopyError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let checked = read_back(&mut conn).await;
    conn.close().await?;
    checked
}

async fn read_back(conn: &mut SqliteConnection) -> Result<Contents, CopyError> {
    let verdict: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await?;
    if verdict.first().map(String::as_str) != Some("ok") {
        return Err(CopyError::Damaged(
            verdict.into_iter().next().unwrap_or_default(),
        ));
    }
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    if !names.iter().any(|name| name == "_sqlx_migrations") {
        return Err(CopyError::Foreign);
    }
    let mut tables = BTreeMap::new();
    for name in names {
        // Table names come from the copy's own schema; quoted all the same. Not checkable at
        // compile time: the tables are whatever the copy holds.
        let sql = format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\""));
        let count: i64 = sqlx::query_scalar(&sql).fetch_one(&mut *conn).await?;
        tables.insert(name, count);
    }
    Ok(Contents { tables })
}

/// Writes a consistent copy of the live database to `path`, which must not exist, readable
/// by the owner only; removes what it wrote if it fails.
pub async fn write(pool: &SqlitePool, path: &Path) -> Result<(), CopyError> {
    let target = path.to_str().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path is not UTF-8")
    })?;
    owners_only_new(path)?;
    let written = crate::base::db::backup_to(pool, target).await;
    let synced = match written {
        Ok(()) => std::fs::File::open(path)
            .and_then(|file| file.sync_all())
            .map_err(CopyError::from),
        Err(error) => Err(error.into()),
    };
    if synced.is_err() {
        let _ = std::fs::remove_file(path);
    }
    synced
}

/// Creates `path` empty with mode 0600 (SQLite writes into an empty file as into a missing
/// one), refusing an existing file.
fn owners_only_new(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(|_| ())
}

/// Takes the night's copy of `day` into `folder`: written as `.part`, checked, then renamed
/// to its name (so a name always holds a whole, checked copy); the month's copy too when the
/// month has none yet; then the copies beyond those kept are removed. The outcome is
/// recorded in `backup_run` and returned.
pub async fn nightly(
    pool: &SqlitePool,
    folder: &Path,
    day: chrono::NaiveDate,
    started_at: i64,
) -> Result<Run, sqlx::Error> {
    let path = folder.join(model::nightly_name(day));
    let (run, tables) = match take(pool, folder, &path).await {
        Ok(contents) => {
            keep_month_and_prune(folder, &path, day);
            let run = Run {
                path: path.display().to_string(),
                finished_at: crate::base::clock::now(),
                problem: None,
                bytes: std::fs::metadata(&path)
                    .ok()
                    .and_then(|m| i64::try_from(m.len()).ok()),
                tables: i64::try_from(contents.tables.len()).unwrap_or(i64::MAX),
                rows: contents.rows(),
            };
            (run, serde_json::to_string(&contents.tables).ok())
        }
        Err((problem, error)) => {
            tracing::error!(%error, path = %path.display(), "the nightly backup failed");
            let run = Run {
                path: path.display().to_string(),
                finished_at: crate::base::clock::now(),
                problem: Some(problem),
                bytes: None,
                tables: 0,
                rows: 0,
            };
            (run, None)
        }
    };
    super::repo::record(pool, &run, started_at, tables.as_deref()).await?;
    Ok(run)
}

/// Writes and checks the copy at `path` (replacing an earlier copy of the same night).
async fn take(
    pool: &SqlitePool,
    folder: &Path,
    path: &Path,
) -> Result<Contents, (Problem, CopyError)> {
    create_folder(folder).map_err(|e| (Problem::Folder, e.into()))?;
    let part = with_suffix(path, ".part");
    let _ = std::fs::remove_file(&part);
    write(pool, &part).await.map_err(|e| (Problem::Write, e))?;
    let contents = match check(&part).await {
        Ok(contents) => contents,
        Err(error) => {
            let _ = std::fs::remove_file(&part);
            return Err((Problem::Check, error));
        }
    };
    std::fs::rename(&part, path).map_err(|e| (Problem::Write, e.into()))?;
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(contents)
}

/// The backup folder, created readable by the owner only when missing.
fn create_folder(folder: &Path) -> std::io::Result<()> {
    if folder.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(folder)
}

/// Makes the month's copy from the night's when the month has none, and removes the copies
/// the rules no longer keep. Failures here are logged: the night's copy stands.
fn keep_month_and_prune(folder: &Path, nightly: &Path, day: chrono::NaiveDate) {
    let monthly = folder.join(model::monthly_name(day));
    if !monthly.exists() {
        // A second name for the same file: removing the nightly copy later leaves it whole.
        let linked = std::fs::hard_link(nightly, &monthly)
            .or_else(|_| std::fs::copy(nightly, &monthly).map(|_| ()));
        if let Err(error) = linked {
            tracing::error!(%error, path = %monthly.display(), "cannot keep the month's copy");
        }
    }
    let names: Vec<String> = match std::fs::read_dir(folder) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().into_string().ok())
            .collect(),
        Err(error) => {
            tracing::error!(%error, "cannot list the backup folder");
            return;
        }
    };
    for name in model::to_remove(&names) {
        if let Err(error) = std::fs::remove_file(folder.join(&name)) {
            tracing::error!(%error, name, "cannot remove an old backup");
        }
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The lock a serving server holds on its database for as long as it runs (the kernel lets
/// it go when the process ends, even by kill -9), so that `restore` can tell.
pub fn lock_path(database: &Path) -> PathBuf {
    with_suffix(database, ".lock")
}

/// Takes the database's lock, or says it is held (a server is running on it).
pub fn lock(database: &Path) -> Result<std::fs::File, LockError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(lock_path(database))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(LockError::Held),
        Err(std::fs::TryLockError::Error(error)) => Err(error.into()),
    }
}

/// Why the database's lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("a server is running on this database: stop it first")]
    Held,
    #[error("cannot take the database's lock: {0}")]
    Io(#[from] std::io::Error),
}

/// Why a restore did not happen. Nothing was changed in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("{0}")]
    Locked(#[from] LockError),
    #[error("the copy {0} cannot be used: {1}")]
    Copy(String, CopyError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Folds the write-ahead log into the database file.
async fn fold_log(database: &Path) -> Result<(), sqlx::Error> {
    let options = SqliteConnectOptions::new()
        .filename(database)
        .create_if_missing(false);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await?;
    conn.close().await
}

/// Puts the copy at `copy` in place of the database at `database`, after checking the copy
/// whole, while no server runs on it; the database it replaces is kept beside it, renamed
/// `<name>.replaced-<time>`, and its path returned (none when there was no database).
pub async fn restore(
    database: &Path,
    copy: &Path,
    stamp: &str,
) -> Result<(Contents, Option<PathBuf>), RestoreError> {
    let _lock = lock(database)?;
    let contents = check(copy)
        .await
        .map_err(|e| RestoreError::Copy(copy.display().to_string(), e))?;
    let kept = if database.exists() {
        let kept = with_suffix(database, &format!(".replaced-{stamp}"));
        // What the log holds is folded into the file first, so the file set aside is whole;
        // a database that cannot be read (the reason to restore, often) keeps its log beside.
        if let Err(error) = fold_log(database).await {
            tracing::warn!(%error, "cannot fold the log into the database set aside: kept beside it");
            let log = with_suffix(database, "-wal");
            if log.exists() {
                std::fs::rename(&log, with_suffix(&kept, "-wal"))?;
            }
        }
        std::fs::rename(database, &kept)?;
        Some(kept)
    } else {
        None
    };
    for leftover in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(database, leftover));
    }
    let placing = with_suffix(database, ".restoring");
    let _ = std::fs::remove_file(&placing);
    owners_only_new(&placing)?;
    std::fs::copy(copy, &placing)?;
    std::fs::File::open(&placing)?.sync_all()?;
    std::fs::rename(&placing, database)?;
    if let Some(dir) = database.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok((contents, kept))
}
