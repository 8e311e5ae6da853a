//! Server-side plumbing shared by every domain: the application state, the SQLite pool and
//! its settings, the migrations, and write transactions.

use std::str::FromStr;
use std::time::Duration;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::base::error::AppError;
use crate::base::hub::Changes;

/// The migrations in `migrations/`, embedded in the binary and run at start-up.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// What every request handler and server function can reach. Built once at start-up.
#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    /// Leptos's settings (site root, output name, address).
    pub leptos_options: LeptosOptions,
    /// The one database pool of the process.
    pub pool: SqlitePool,
    /// Demo mode: the demo accounts may sign in. Off in a real deployment.
    pub demo: bool,
    /// The writes committed through `pool`, announced to the live dashboards.
    pub changes: Changes,
    /// Whether the database file could be read at the last check (`check_storage`).
    pub storage: Storage,
}

/// Whether the database file could be read when last checked: shared by the check that runs
/// every few seconds, `/healthz`, and the layer that answers every page while it cannot.
#[derive(Clone, Debug, Default)]
pub struct Storage {
    unreadable: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Storage {
    /// Whether the last check failed.
    pub fn unreadable(&self) -> bool {
        self.unreadable.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Notes a check's outcome.
    pub fn note(&self, readable: bool) {
        self.unreadable
            .store(!readable, std::sync::atomic::Ordering::Relaxed);
    }
}

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connection settings for a `sqlite:` URL: created if missing, WAL, foreign keys enforced,
/// a busy timeout, and `synchronous=NORMAL` (safe with WAL, much faster than FULL).
pub fn connect_options(url: &str) -> Result<SqliteConnectOptions, sqlx::Error> {
    // sqlx would read any other URL as a file name and create that file.
    if !url.starts_with("sqlite:") {
        return Err(sqlx::Error::Configuration(
            "the URL must start with sqlite: (for example sqlite://data/centre.db)".into(),
        ));
    }
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT))
}

/// The pool for these options, each connection announcing its committed writes to
/// `changes`. An in-memory database exists once per connection, so it gets exactly one.
pub async fn connect(
    options: SqliteConnectOptions,
    changes: &Changes,
) -> Result<SqlitePool, sqlx::Error> {
    let in_memory = options.get_filename().as_os_str() == ":memory:";
    pool_of(options, changes, if in_memory { 1 } else { 8 }).await
}

/// The pool of [`connect`], of `size` connections.
async fn pool_of(
    options: SqliteConnectOptions,
    changes: &Changes,
    size: u32,
) -> Result<SqlitePool, sqlx::Error> {
    let changes = changes.clone();
    SqlitePoolOptions::new()
        .max_connections(size)
        .after_connect(move |conn, _| {
            let changes = changes.clone();
            Box::pin(async move { changes.watch(conn).await })
        })
        .after_release(|conn, _| Box::pin(settle_transaction(conn)))
        .connect_with(options)
        .await
}

/// Makes sure a connection goes back to the pool outside any transaction; `false` closes it.
/// A transaction dropped on an error (a commit refused because the disk is full, a write
/// refused by a rule) is rolled back by sqlx in the background, after the connection is
/// released: until then, whoever takes the connection next is refused `BEGIN IMMEDIATE`
/// ("non-zero transaction depth"), a spurious error. A query sent now runs after that
/// rollback, so once it answers the connection is clean, or is closed.
async fn settle_transaction(conn: &mut sqlx::SqliteConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    sqlx::query("SELECT 1").execute(&mut *conn).await?;
    Ok(!conn.is_in_transaction())
}

/// The application's state, from the context that `leptos_routes_with_context` provides to
/// server functions.
pub fn state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the server function's context");
        AppError::Internal
    })
}

/// The pool, from the state that `leptos_routes_with_context` provides to server functions.
pub fn pool() -> Result<SqlitePool, AppError> {
    leptos::prelude::use_context::<AppState>()
        .map(|state| state.pool)
        .ok_or_else(|| {
            tracing::error!("AppState is missing from the server function's context");
            AppError::Internal
        })
}

/// Opens a write transaction with `BEGIN IMMEDIATE`: it takes the write lock at once, so a
/// transaction that reads before it writes waits its turn (up to the busy timeout) instead of
/// failing with SQLITE_BUSY when it tries to upgrade.
pub async fn begin_write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// A refusal by the schema, as [`on_constraint`] matches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A rule of the schema: a trigger's `RAISE(ABORT, 'name')`.
    Rule(&'static str),
    /// A unique index; with `Some("table.column")`, only one on that column.
    Unique(Option<&'static str>),
    /// A foreign key: what the write points at does not exist.
    Missing,
}

impl Refusal {
    fn matches(self, db: &dyn sqlx::error::DatabaseError) -> bool {
        match self {
            Refusal::Rule(name) => db.message() == name,
            Refusal::Unique(None) => db.is_unique_violation(),
            // A unique index names its columns, not itself.
            Refusal::Unique(Some(column)) => {
                db.is_unique_violation() && db.message().contains(column)
            }
            Refusal::Missing => db.is_foreign_key_violation(),
        }
    }
}

/// The answer to a write the schema refused: that of the first of `answers` whose refusal
/// `error` is, else the generic one (`AppError::from`, which logs what it does not know and
/// never shows the database's text).
pub fn on_constraint(
    error: sqlx::Error,
    answers: impl IntoIterator<Item = (Refusal, AppError)>,
) -> AppError {
    if let sqlx::Error::Database(db) = &error
        && let Some((_, answer)) = answers
            .into_iter()
            .find(|(refusal, _)| refusal.matches(db.as_ref()))
    {
        return answer;
    }
    error.into()
}

/// A `LIKE … ESCAPE '\\'` pattern for text containing `typed`: the user's own `%`, `_` and
/// backslashes match literally, so "%%" finds a name with "%%" in it, not everyone.
pub fn contains_pattern(typed: &str) -> String {
    let escaped = typed
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Answers when the database answers: for `/healthz`.
pub async fn ping(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT 1 AS "one!: i64""#)
        .fetch_one(pool)
        .await
        .map(|_| ())
}

/// Reads the database file afresh, on a connection of its own, as a server starting now
/// would: the pool's connections keep pages in memory and an open file alive, so they would
/// not notice a file removed, replaced, damaged or on a failing disk until too late. An
/// in-memory database always passes.
pub async fn check_storage(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let options = pool.connect_options();
    if options.get_filename().as_os_str() == ":memory:" {
        return Ok(());
    }
    let options = SqliteConnectOptions::clone(&options).create_if_missing(false);
    let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
    let read = sqlx::query_scalar!(r#"SELECT count(*) AS "tables!: i64" FROM sqlite_schema"#)
        .fetch_one(&mut conn)
        .await;
    conn.close().await?;
    read.map(|_| ())
}

/// Writes a consistent copy of the whole database to `path` while the server keeps running.
/// Refuses to overwrite an existing file.
pub async fn backup_to(pool: &SqlitePool, path: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("VACUUM INTO ?", path)
        .execute(pool)
        .await
        .map(|_| ())
}

/// A stored code read back (`parse` of the value `raw` of column kind `what`): a value the app
/// does not know is a decoding error, never a panic.
pub fn decode<T>(value: Option<T>, what: &str, raw: &str) -> Result<T, sqlx::Error> {
    value.ok_or_else(|| sqlx::Error::Decode(format!("unknown {what} {raw:?}").into()))
}

/// A local time as stored: `HH:MM`.
pub fn hhmm(time: chrono::NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// A stored local time (`HH:MM`) read back.
pub fn stored_time(raw: &str) -> Result<chrono::NaiveTime, sqlx::Error> {
    decode(
        chrono::NaiveTime::parse_from_str(raw, "%H:%M").ok(),
        "time",
        raw,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn connections_enforce_foreign_keys_and_use_wal() {
        let dir = std::env::temp_dir().join(format!("centre-db-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}/t.db", dir.display());
        let pool = connect(connect_options(&url).expect("valid url"), &Changes::new())
            .await
            .expect("opens");
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&pool)
            .await
            .expect("pragma");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&pool)
            .await
            .expect("pragma");
        assert_eq!(mode, "wal");
        assert_eq!(fk, 1);
        drop(pool);
        std::fs::remove_dir_all(dir).ok();
    }

    #[tokio::test]
    async fn a_commit_refused_for_a_full_disk_never_spoils_the_next_write() {
        let dir = std::env::temp_dir().join(format!("centre-db-full-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}/t.db", dir.display());
        // One connection, on a "disk" of 40 pages: SQLite answers SQLITE_FULL past them.
        let options = connect_options(&url)
            .expect("valid url")
            .pragma("max_page_count", "40");
        let pool = pool_of(options, &Changes::new(), 1).await.expect("opens");
        sqlx::query("CREATE TABLE t (b BLOB)")
            .execute(&pool)
            .await
            .expect("table");
        let mut refused = 0;
        for _ in 0..60 {
            let mut tx = begin_write(&pool)
                .await
                .expect("the write lock, every time: no transaction left open");
            let written = sqlx::query("INSERT INTO t VALUES (zeroblob(3000))")
                .execute(&mut *tx)
                .await;
            let committed = match written {
                Ok(_) => tx.commit().await,
                Err(error) => Err(error),
            };
            refused += usize::from(committed.is_err());
        }
        assert!(refused > 0, "the disk filled up");
        // Room again: writes go through.
        sqlx::query("DELETE FROM t")
            .execute(&pool)
            .await
            .expect("room");
        let mut tx = begin_write(&pool).await.expect("the write lock");
        sqlx::query("INSERT INTO t VALUES (zeroblob(3000))")
            .execute(&mut *tx)
            .await
            .expect("written");
        tx.commit().await.expect("committed");
        pool.close().await;
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn typed_wildcards_match_literally() {
        assert_eq!(contains_pattern("Sok"), "%Sok%");
        assert_eq!(contains_pattern("%%"), r"%\%\%%");
        assert_eq!(contains_pattern("a_b"), r"%a\_b%");
        assert_eq!(contains_pattern(r"a\b"), r"%a\\b%");
    }

    #[test]
    fn a_url_that_is_not_sqlite_is_refused() {
        assert!(connect_options("postgres://localhost/x").is_err());
    }
}
