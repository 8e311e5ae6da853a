//! Server function of the backups page.

use leptos::prelude::*;

use super::model::{Health, Run};
use crate::base::error::AppError;

/// Backups listed on the page.
pub const LISTED: i64 = 30;

/// How the backups stand, and the last ones taken, newest first. Admin only.
#[server(endpoint = "get_backups")]
pub async fn get_backups() -> Result<(Health, Vec<Run>), AppError> {
    crate::base::guard::require(&[crate::base::access::Role::Admin]).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let health = super::repo::health(&mut conn, crate::base::clock::now()).await?;
    let runs = super::repo::recent(&mut conn, LISTED).await?;
    Ok((health, runs))
}
