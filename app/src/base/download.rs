//! A staff member's CSV download: the guard, the file, its audit entry, the response.
//!
//! It sits above `guard`, `audit` and `csv` (which reads neither), so the base keeps no cycle.

use std::future::Future;

use axum::http::HeaderMap;
use axum::response::Response;

use super::access::{CurrentStaff, Role};
use super::audit::audited_csv;
use super::db::AppState;
use super::error::AppError;
use super::guard::require_in_handler;
use super::i18n::Lang;

/// Answers a CSV download, every one the same way: the guard for `roles` first (nothing is
/// read for anyone else), then `text` makes the file's name and body for that staff member in
/// their language, and the download is written in the audit log as `entity` before it is sent.
/// A refusal or an error answers in plain text, in that language.
pub async fn staff_download<F, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    roles: &[Role],
    entity: &str,
    text: F,
) -> Response
where
    F: FnOnce(CurrentStaff, Lang) -> Fut,
    Fut: Future<Output = Result<(String, String), AppError>>,
{
    let (staff, lang) = match require_in_handler(state, headers, roles).await {
        Ok(found) => found,
        Err(error) => return error.plain_response(Lang::default()),
    };
    let actor = staff.actor();
    match text(staff, lang).await {
        Ok((name, body)) => audited_csv(&state.pool, &actor, (entity, lang), &name, body).await,
        Err(error) => error.plain_response(lang),
    }
}
