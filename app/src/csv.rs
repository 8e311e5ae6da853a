//! CSV downloads: fields, lines, the response, and the role check of the plain axum handlers
//! that serve them (a file, not a page).

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::db::AppState;
use crate::error::AppError;
use crate::i18n::{I18n, Key, LANG_COOKIE, Lang};

/// One CSV field: quoted when it holds a separator, a quote or a line break, and a leading
/// `= + - @` escaped so a spreadsheet never runs it as a formula.
pub fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) && value.parse::<f64>().is_err() {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// One CSV line, ending in CRLF.
pub fn line(fields: &[String]) -> String {
    let mut out = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// Who downloads, if they hold one of `roles` (else 401 or 403), and in which language.
pub async fn allowed(
    state: &AppState,
    headers: &HeaderMap,
    roles: &[crate::people::model::Role],
) -> Result<(crate::people::model::CurrentStaff, Lang), AppError> {
    let token = crate::cookies::request_cookie(headers, crate::people::session::SESSION_COOKIE);
    let viewer = match token {
        Some(token) => {
            crate::people::session::resolve(&state.pool, token, chrono::Utc::now().timestamp())
                .await?
        }
        None => None,
    };
    let staff = crate::people::model::authorize(viewer, roles)?;
    let lang = crate::cookies::request_cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .unwrap_or(staff.language);
    Ok((staff, lang))
}

/// A refused download: its status, and the reason in words.
pub fn refused(error: &AppError, lang: Lang) -> Response {
    let message = match error {
        AppError::Validation { message, .. } | AppError::Conflict { message } => *message,
        AppError::Unauthorized => Key::ErrorUnauthorized,
        AppError::Forbidden => Key::ErrorForbidden,
        _ => Key::ErrorInternal,
    };
    let text = I18n { lang }.t(message).to_owned();
    (error.status(), text).into_response()
}

/// A CSV download. It starts with a byte-order mark: without it, the office's spreadsheet
/// reads the Khmer text as Latin-1.
pub fn csv(name: &str, body: String) -> Response {
    let mut response = (StatusCode::OK, format!("\u{feff}{body}")).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
