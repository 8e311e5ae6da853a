//! The one access check every server function starts with, and what it reads from the request.

use super::model::{CurrentStaff, Role, authorize};
use super::session::{SESSION_COOKIE, resolve};
use crate::cookies::request_cookie;
use crate::error::AppError;

fn request() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

/// The session token in this request's cookie.
pub fn session_token() -> Option<String> {
    request_cookie(&request()?.headers, SESSION_COOKIE).map(str::to_owned)
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

/// The staff member signed in on this request, if any.
pub async fn current_staff() -> Result<Option<CurrentStaff>, AppError> {
    let Some(token) = session_token() else {
        return Ok(None);
    };
    let pool = crate::db::pool()?;
    Ok(resolve(&pool, &token, chrono::Utc::now().timestamp()).await?)
}

/// Returns the signed-in staff member if they hold one of `allowed`; else 401 or 403.
/// Call it first in every server function: `let staff = require(&[Role::HouseStaff, Role::Admin]).await?;`
pub async fn require(allowed: &[Role]) -> Result<CurrentStaff, AppError> {
    authorize(current_staff().await?, allowed)
}
