//! Security layers for every response and request: headers, and refusal of cross-site writes.

use app::base::error::AppError;
use app::base::security::{PageNonce, STRICT_POLICY, page_policy};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, Response, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use server_fn::error::FromServerFnError;

/// Adds the headers every response carries. Pages get a policy with the nonce of their
/// scripts, static files keep their own caching; everything else gets the strict defaults:
/// nothing runs, nothing is stored. Children's data must not sit in a shared
/// tablet's cache.
pub async fn headers(mut request: Request, next: Next) -> Response<Body> {
    let page_nonce = PageNonce::default();
    request.extensions_mut().insert(page_nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A rendered page left the nonce of its scripts: it gets the page policy.
    if let Some(policy) = page_nonce
        .0
        .get()
        .and_then(|nonce| HeaderValue::from_str(&page_policy(nonce)).ok())
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(STRICT_POLICY));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// The largest request body accepted: forms are small.
const MAX_BODY_BYTES: usize = 256 * 1024;
/// The residents' import reads its file itself and refuses one over its own limit in words
/// (1 MB); its body may be larger than a form's so that the refusal comes from there.
const IMPORT_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Where the residents' import posts its file.
const IMPORT_PATH: &str = "/api/upload_import";

/// Limits request bodies: a declared length over the limit is refused before a byte is read,
/// with the translated reason (413), and a body that runs past it ends there.
pub async fn limit_body(request: Request, next: Next) -> Response<Body> {
    let import = request.uri().path() == IMPORT_PATH;
    let limit = if import {
        IMPORT_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        let error = if import {
            AppError::invalid("file", app::base::i18n::Key::ImportTooLarge)
        } else {
            AppError::invalid("", app::base::i18n::Key::ErrorTooLarge)
        };
        return (
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "application/json")],
            error.ser(),
        )
            .into_response();
    }
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(request).await
}

/// Refuses every state-changing request that does not come from this site's own pages.
/// Leptos server functions do no forgery checks of their own, and a session cookie rides
/// along with any cross-site form post; the browser's `Origin` header says where it came from.
pub async fn refuse_cross_site_writes(request: Request, next: Next) -> Response<Body> {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || is_same_origin(request.headers()) {
        next.run(request).await
    } else {
        tracing::warn!(uri = %request.uri(), "refused a cross-site write");
        let error = AppError::Forbidden;
        (
            error.status(),
            [(header::CONTENT_TYPE, "application/json")],
            error.ser(),
        )
            .into_response()
    }
}

/// Whether the request says it comes from this site: `Origin` when present, else
/// `Sec-Fetch-Site`, else `Referer`. A request with none of them is refused: every browser
/// this app supports sends `Origin` with a POST.
fn is_same_origin(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let Some(host) = text(header::HOST) else {
        return false;
    };
    if let Some(origin) = text(header::ORIGIN) {
        return authority(origin) == Some(host);
    }
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return site == "same-origin";
    }
    text(header::REFERER).and_then(authority) == Some(host)
}

/// The `host[:port]` of an absolute http(s) URL.
fn authority(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// Writes in the audit log each refusal (403) of a signed-in person: who tried what. A page
/// or server function refused answers 403; a form post refused without JavaScript answers
/// with a redirect back to its page carrying the error (`__err`), which counts the same.
pub async fn audit_refusals(
    axum::extract::State(state): axum::extract::State<app::base::db::AppState>,
    request: Request,
    next: Next,
) -> Response<Body> {
    use app::base::session::{SESSION_COOKIE, resolve};

    let token =
        app::base::cookies::request_cookie(request.headers(), SESSION_COOKIE).map(str::to_owned);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let Some(token) = token.filter(|_| is_refusal(&response)) else {
        return response;
    };
    let now = chrono::Utc::now().timestamp();
    let recorded = async {
        let Some(viewer) = resolve(&state.pool, &token, now, state.demo).await? else {
            return Ok(());
        };
        let change = app::base::audit::Change {
            entity: "request",
            entity_id: path.chars().take(40).collect(),
            action: "refused",
            before: None,
            after: Some(serde_json::json!({ "method": method.as_str(), "path": path })),
        };
        app::base::audit::record_alone(&state.pool, &viewer.actor(), change).await
    };
    if let Err(error) = recorded.await {
        tracing::error!(%error, "a refusal could not be written in the audit log");
    }
    response
}

/// Whether `response` refuses access: a 403, or a redirect that carries a 403 back to a form.
fn is_refusal(response: &Response<Body>) -> bool {
    if response.status() == http::StatusCode::FORBIDDEN {
        return true;
    }
    if !response.status().is_redirection() {
        return false;
    }
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|location| location.to_str().ok())
        .and_then(|location| location.parse::<http::Uri>().ok())
        .and_then(|uri| {
            axum::extract::Query::<std::collections::HashMap<String, String>>::try_from_uri(&uri)
                .ok()
        })
        .and_then(|query| {
            query
                .get("__err")
                .map(|error| app::base::ui::decode_error(error))
        })
        .is_some_and(|error| error == AppError::Forbidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    header::HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn the_origin_must_name_this_host() {
        assert!(is_same_origin(&headers(&[
            ("host", "centre.local:3000"),
            ("origin", "http://centre.local:3000")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("host", "centre.local:3000"),
            ("origin", "http://centre.local")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("host", "centre.local"),
            ("origin", "https://evil.example")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("host", "centre.local"),
            ("origin", "null")
        ])));
    }

    #[test]
    fn without_origin_fetch_metadata_then_the_referer_decide() {
        assert!(is_same_origin(&headers(&[
            ("host", "c.local"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("host", "c.local"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(is_same_origin(&headers(&[
            ("host", "c.local"),
            ("referer", "http://c.local/beds")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("host", "c.local"),
            ("referer", "http://c.local.evil.example/")
        ])));
        assert!(
            !is_same_origin(&headers(&[("host", "c.local")])),
            "no evidence at all is refused"
        );
    }
}
