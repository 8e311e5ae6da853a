//! Server functions of the centre domain.

use leptos::prelude::*;

use super::model::CentreSummary;
use crate::base::error::AppError;

/// The centre's name, its facilities and today's date at the centre; `None` before a centre
/// has been set up.
#[server(endpoint = "get_centre_summary")]
pub async fn get_centre_summary() -> Result<Option<CentreSummary>, AppError> {
    use super::repo;
    use crate::base::clock::today_at_centre;

    // The centre's name and facility list are shown to everyone, on every page's top bar:
    // no role to check. Anything about children is behind a role (people-and-access issue).
    // On every page: read once per change to the centre and its facilities, and shared.
    let state = crate::base::db::state()?;
    let stamp = state.changes.stamp_of(crate::base::changes::Topics::BEDS);
    let pool = &state.pool;
    let kept = state
        .changes
        .memo("centre summary", &stamp, || async move {
            let Some((id, name)) = repo::centre_name(pool).await? else {
                return Ok::<_, sqlx::Error>(None);
            };
            Ok(Some((name, repo::facilities(pool, id).await?)))
        })
        .await?;
    let Some((name, facilities)) = kept.as_ref().clone() else {
        return Ok(None);
    };
    Ok(Some(CentreSummary {
        name,
        facilities,
        today: today_at_centre(),
    }))
}
