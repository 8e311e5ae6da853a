//! The one access check every server function starts with, and what it reads from the request.

use sqlx::SqlitePool;

use super::model::{CurrentStaff, Role, authorize};
use super::session::{SESSION_COOKIE, resolve};
use crate::cookies::cookie_value;
use crate::error::AppError;

fn request() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

/// The session token in this request's cookie.
pub fn session_token() -> Option<String> {
    let parts = request()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|header| cookie_value(header, SESSION_COOKIE))
        .map(str::to_owned)
}

/// Whether the browser reached the site over TLS (directly, or through a proxy that says so).
pub fn request_is_https() -> bool {
    request().is_some_and(|parts| {
        parts.uri.scheme_str() == Some("https")
            || parts
                .headers
                .get("x-forwarded-proto")
                .is_some_and(|proto| proto.as_bytes().eq_ignore_ascii_case(b"https"))
    })
}

/// The staff member a token signs in, now.
pub async fn staff_by_token(
    pool: &SqlitePool,
    token: &str,
) -> Result<Option<CurrentStaff>, AppError> {
    Ok(resolve(pool, token, chrono::Utc::now().timestamp()).await?)
}

/// The staff member signed in on this request, if any.
pub async fn current_staff() -> Result<Option<CurrentStaff>, AppError> {
    let Some(token) = session_token() else {
        return Ok(None);
    };
    staff_by_token(&crate::db::pool()?, &token).await
}

/// Returns the signed-in staff member if they hold one of `allowed`; else 401 or 403.
/// Call it first in every server function: `let staff = require(&[Role::HouseStaff, Role::Admin]).await?;`
pub async fn require(allowed: &[Role]) -> Result<CurrentStaff, AppError> {
    authorize(current_staff().await?, allowed)
}
