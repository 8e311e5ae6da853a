//! Server function of the dashboard.

use leptos::prelude::*;

use super::model::Dashboard;
use crate::base::error::AppError;

/// The dashboard as the signed-in staff member may see it: every staff role, each seeing the
/// sections of their roles; 401 for nobody, 403 for a family.
#[server(endpoint = "get_dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::base::access::Role;

    let staff = crate::base::guard::require(&Role::CENTRE).await?;
    let state = use_context::<crate::base::db::AppState>().ok_or(AppError::Internal)?;
    let today = crate::base::clock::today_at_centre();
    Ok(super::read::shared(&state.pool, &state.changes, &staff, today).await?)
}
