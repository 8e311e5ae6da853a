//! The backups taken, as recorded in `backup_run`.

use sqlx::{SqliteConnection, SqlitePool};

use super::model::{Health, Problem, Run};

/// Records a backup taken (started at `started_at`), with its per-table counts as JSON.
pub async fn record(
    pool: &SqlitePool,
    run: &Run,
    started_at: i64,
    tables_json: Option<&str>,
) -> Result<(), sqlx::Error> {
    let ok = run.problem.is_none();
    let problem = run.problem.map(Problem::code);
    let started_at = started_at.min(run.finished_at);
    sqlx::query!(
        "INSERT INTO backup_run (path, started_at, finished_at, ok, problem, bytes, tables_json)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        run.path,
        started_at,
        run.finished_at,
        ok,
        problem,
        run.bytes,
        tables_json
    )
    .execute(pool)
    .await
    .map(|_| ())
}

/// The last `limit` backups taken, newest first.
pub async fn recent(conn: &mut SqliteConnection, limit: i64) -> Result<Vec<Run>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT path, finished_at, problem, bytes,
                  (SELECT count(*) FROM json_each(tables_json)) AS "tables!: i64",
                  (SELECT coalesce(sum(value), 0) FROM json_each(tables_json)) AS "rows!: i64"
           FROM backup_run ORDER BY finished_at DESC, id DESC LIMIT ?"#,
        limit
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Run {
            path: row.path,
            finished_at: row.finished_at,
            problem: row
                .problem
                .as_deref()
                .map(|code| Problem::parse(code).unwrap_or(Problem::Write)),
            bytes: row.bytes,
            tables: row.tables,
            rows: row.rows,
        })
        .collect())
}

/// How the backups stand at `now`: the last one taken, and when the last good one finished.
pub async fn health(conn: &mut SqliteConnection, now: i64) -> Result<Health, sqlx::Error> {
    let last = recent(conn, 1).await?.into_iter().next();
    let last_good = sqlx::query_scalar!(
        r#"SELECT max(finished_at) AS "at?: i64" FROM backup_run WHERE ok = 1"#
    )
    .fetch_one(conn)
    .await?;
    Ok(Health::of(last, last_good, now))
}
