//! The one access check every server function starts with.

use super::model::{CurrentStaff, Role, authorize};
use super::session::{SESSION_COOKIE, resolve};
use crate::cookies::cookie_value;
use crate::error::AppError;

/// The staff member signed in on this request, if any.
pub async fn current_staff() -> Result<Option<CurrentStaff>, AppError> {
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return Ok(None);
    };
    let token = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|header| cookie_value(header, SESSION_COOKIE));
    let Some(token) = token else {
        return Ok(None);
    };
    let pool = crate::db::pool()?;
    Ok(resolve(&pool, token, chrono::Utc::now().timestamp()).await?)
}

/// Returns the signed-in staff member if they hold one of `allowed`; else 401 or 403.
/// Call it first in every server function: `let staff = require(&[Role::HouseStaff, Role::Admin]).await?;`
pub async fn require(allowed: &[Role]) -> Result<CurrentStaff, AppError> {
    authorize(current_staff().await?, allowed)
}
