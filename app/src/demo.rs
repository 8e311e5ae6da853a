//! Demo data: a realistic centre to try the app with. Each domain seeds its own part;
//! every step is idempotent, so seeding twice adds nothing.

use sqlx::SqlitePool;

use crate::db::begin_write;

/// Creates (or completes) the demo data, in one transaction.
pub async fn seed(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    crate::centre::repo::seed_demo(&mut tx).await?;
    tx.commit().await
}
