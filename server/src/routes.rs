//! The HTTP router: Leptos pages and server functions, static files, health, and the layers
//! every response goes through (compression, caching, request logs, error statuses).

use std::time::Duration;

use app::base::db::AppState;
use app::base::error::AppError;
use app::{App, shell};
use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Router, middleware};

use crate::security;
use leptos::nonce::provide_nonce;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};

use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Files under `/pkg` carry a content hash in their names: a year, never revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Other static files (fonts) keep their names across releases: a week.
const A_WEEK: &str = "public, max-age=604800";

/// What each page render and server function call gets in its context: the page's script
/// nonce, and a slot that keeps who is signed in once looked up.
fn request_context() {
    provide_nonce();
    app::base::guard::provide_viewer_cache();
}

/// The whole application as one router, for the server and for the HTTP tests.
pub fn router(state: AppState) -> Router {
    let site_root = state.leptos_options.site_root.to_string();
    let routes = generate_route_list(App);
    let pkg = Router::new()
        // A release build made with `--precompress` has a .br beside each file, compressed
        // once at the highest level (the WASM: 168 KB against 204 KB on the fly). Its .gz
        // files are no smaller than the compression layer's gzip, so they are not used.
        .fallback_service(ServeDir::new(format!("{site_root}/pkg")).precompressed_br())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(IMMUTABLE),
        ));
    let fonts = Router::new()
        .fallback_service(ServeDir::new(format!("{site_root}/fonts")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(A_WEEK),
        ));

    let worker = crate::offline::worker_script(&state.leptos_options);
    let icons = Router::new()
        .fallback_service(ServeDir::new(format!("{site_root}/icons")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(A_WEEK),
        ));

    Router::new()
        .route("/healthz", get(healthz))
        .route(
            "/sw.js",
            get(move || std::future::ready(crate::offline::worker_response(&worker))),
        )
        .route("/live", get(app::dashboard::live::live_events))
        .route("/canteen/counts.csv", get(app::canteen::export::counts_csv))
        .route(
            "/canteen/shopping.csv",
            get(app::canteen::export::shopping_csv),
        )
        .route(
            "/homework/attendance.csv",
            get(app::homework::export::attendance_csv),
        )
        .leptos_routes_with_context(&state, routes, request_context, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .nest("/pkg", pkg)
        .nest("/fonts", fonts)
        // Served here rather than by the fallback, which answers a browser's conditional
        // request (304 Not Modified) with the 404 page.
        .route_service(
            "/favicon.svg",
            ServeFile::new(format!("{site_root}/favicon.svg")),
        )
        .route_service(
            "/manifest.webmanifest",
            ServeFile::new(format!("{site_root}/manifest.webmanifest")),
        )
        .nest("/icons", icons)
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            request_context,
            shell,
        ))
        .layer(middleware::map_response(server_fn_error_status))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            refuse_while_unreadable,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::audit_refusals,
        ))
        .layer(middleware::from_fn(security::limit_body))
        .layer(middleware::from_fn(security::refuse_cross_site_writes))
        .layer(middleware::from_fn(security::headers))
        .layer(CompressionLayer::new())
        .layer(
            // One line per request: method, path, status and duration.
            TraceLayer::new_for_http()
                // The path only: a query string carries what was searched for (children's
                // names, phone numbers), which has no place in a log.
                .make_span_with(|request: &axum::http::Request<Body>| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        uri = %request.uri().path(),
                        version = ?request.version(),
                    )
                })
                .on_request(())
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                ),
        )
        .with_state(state)
}

/// What one server may take on: how long a request may run, and how many run at once.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The longest a page or server function may take (not a live stream).
    pub request_timeout: Duration,
    /// Requests served at once (live streams apart).
    pub concurrent_requests: usize,
}

/// The live streams last by design: neither timed out nor counted among requests (they are
/// limited per session instead).
const LIVE_PATH: &str = "/live";

/// `app` with `limits`: a request that would exceed the concurrent requests is answered 503
/// "busy" at once, never queued; one that runs past the timeout is answered 503 "too slow".
pub fn with_limits(app: Router, limits: &Limits) -> Router {
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(limits.concurrent_requests));
    let timeout = limits.request_timeout;
    app.layer(middleware::from_fn(
        move |request: axum::extract::Request, next: middleware::Next| {
            let permits = permits.clone();
            async move {
                if request.uri().path() == LIVE_PATH {
                    return next.run(request).await;
                }
                let lang = app::base::i18n::Lang::default();
                let Ok(_permit) = permits.try_acquire_owned() else {
                    return busy(lang, app::base::i18n::Key::ErrorBusy);
                };
                match tokio::time::timeout(timeout, next.run(request)).await {
                    Ok(response) => response,
                    Err(_) => {
                        tracing::warn!("a request ran past {timeout:?}");
                        busy(lang, app::base::i18n::Key::ErrorTimeout)
                    }
                }
            }
        },
    ))
}

/// A 503 in words, which the browser may retry a moment later.
fn busy(lang: app::base::i18n::Lang, message: app::base::i18n::Key) -> Response<Body> {
    let text = app::base::i18n::I18n { lang }.t(message);
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        text,
    )
        .into_response()
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let checked = match app::base::db::ping(&state.pool).await {
        Ok(()) => app::base::db::check_storage(&state.pool).await,
        Err(error) => Err(error),
    };
    state.storage.note(checked.is_ok());
    match checked {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check: the database cannot be read");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// While the database file cannot be read, every page and call is answered 503 with that
/// in words, in the caller's language (the files the page needs still load): writing on
/// into a file that was removed or damaged would lose what is written.
async fn refuse_while_unreadable(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> Response<Body> {
    let path = request.uri().path();
    let static_file = ["/pkg/", "/fonts/", "/icons/"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    if !state.storage.unreadable() || static_file || path == "/healthz" {
        return next.run(request).await;
    }
    let lang = app::base::cookies::request_cookie(request.headers(), app::base::i18n::LANG_COOKIE)
        .and_then(app::base::i18n::Lang::parse)
        .unwrap_or_default();
    AppError::StorageUnreadable.plain_response(lang)
}

/// Server functions answer every error with 500. This gives each its real status (400 for
/// arguments that cannot be decoded, 422 for invalid input, 404, 403...) in one place, so
/// only real faults are 500s. Form posts redirected back to the page (302) are left alone.
async fn server_fn_error_status(response: Response<Body>) -> Response<Body> {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Error bodies are a few dozen bytes of JSON; anything larger is not ours.
    let bytes = match tokio::time::timeout(Duration::from_secs(5), to_bytes(body, 64 * 1024)).await
    {
        Ok(Ok(bytes)) => bytes,
        _ => return Response::from_parts(parts, Body::from(AppError::Internal.ser())),
    };
    parts.status = serde_json::from_slice::<AppError>(&bytes)
        .map(|error| error.status())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Response::from_parts(parts, Body::from(bytes))
}
