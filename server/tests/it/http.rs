//! HTTP tests: the real router, a fresh migrated SQLite database each, requests with `oneshot`.

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use sqlx::SqlitePool;

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn health_answers_ok_when_the_database_answers(pool: SqlitePool) {
    let response = send(router(pool, "health-ok"), get("/healthz")).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn health_answers_503_when_the_database_does_not() {
    let app = router(unreachable_database(), "health-down");
    let response = send(app, get("/healthz")).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_home_page_is_in_khmer_by_default(pool: SqlitePool) {
    seeded(&pool).await;
    let response = send(router(pool, "home-km"), get("/")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = text(response).await;
    assert!(page.contains(r#"<html lang="km""#), "{page}");
    assert!(
        page.contains("មជ្ឈមណ្ឌលភ្នំពេញ"),
        "the centre's Khmer name is in the top bar"
    );
    assert!(
        page.contains("សាលាស្នាក់នៅ"),
        "the facility kinds are translated"
    );
    assert!(page.contains("១៦០ កន្លែង"), "figures are in Khmer digits");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_language_cookie_chooses_french(pool: SqlitePool) {
    seeded(&pool).await;
    let request = get_in("fr", "/");
    let page = text(send(router(pool, "home-fr"), request).await).await;
    assert!(page.contains(r#"<html lang="fr""#));
    assert!(page.contains("Internat scolaire"));
    assert!(page.contains("Phnom Penh centre"));
    assert!(
        !page.contains("មជ្ឈមណ្ឌលភ្នំពេញ"),
        "Latin names for French readers"
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_fresh_database_says_how_to_load_the_demo(pool: SqlitePool) {
    let request = get_in("en", "/");
    let response = send(router(pool, "home-empty"), request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(text(response).await.contains("No centre is set up yet"));
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn an_unknown_address_is_a_translated_404(pool: SqlitePool) {
    let request = get_in("en", "/no/such/page");
    let response = send(router(pool, "404"), request).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(text(response).await.contains("Page not found"));
}

#[tokio::test]
async fn a_database_that_cannot_be_opened_is_a_503_page_in_words_without_database_text() {
    let app = router(unreachable_database(), "503");
    let request = get_in("en", "/");
    let response = send(app, request).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = text(response).await;
    assert!(
        page.contains("The server cannot read its data: tell the administrator"),
        "{page}"
    );
    for leak in ["sqlx", "pool", "unable to open", "SQLITE", "centre.db"] {
        assert!(!page.contains(leak), "the page leaks {leak:?}");
    }
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn switching_language_sets_the_cookie_and_goes_back(pool: SqlitePool) {
    let request = form_post("/api/set_language")
        .header(header::ACCEPT, "text/html")
        .body(Body::from("lang=fr&back=%2F%3Fday%3D2026-11-22"))
        .expect("request");
    let response = send(router(pool, "lang-ok"), request).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()[header::LOCATION], "/?day=2026-11-22");
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ASCII cookie");
    assert!(cookie.starts_with("lang=fr;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"));
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn switching_language_never_sends_the_browser_off_site(pool: SqlitePool) {
    let request = form_post("/api/set_language")
        .body(Body::from("lang=en&back=https%3A%2F%2Fevil.example%2F"))
        .expect("request");
    let response = send(router(pool, "lang-offsite"), request).await;
    assert_eq!(response.headers()[header::LOCATION], "/");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn an_unknown_language_is_refused_with_422_and_a_translation_key(pool: SqlitePool) {
    let request = form_post("/api/set_language")
        .body(Body::from("lang=tlh&back=%2F"))
        .expect("request");
    let response = send(router(pool, "lang-bad"), request).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response.headers().get(header::SET_COOKIE).is_none(),
        "nothing changed"
    );
    let body = text(response).await;
    assert_eq!(
        body,
        r#"{"Validation":{"field":"lang","message":"error.invalid_language"}}"#
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn undecodable_arguments_are_a_400_not_a_500(pool: SqlitePool) {
    let request = form_post("/api/set_language")
        .body(Body::from("nonsense"))
        .expect("request");
    let response = send(router(pool, "lang-garbage"), request).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(text(response).await, r#""BadRequest""#);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_js_off_form_error_goes_back_to_the_page_with_the_error(pool: SqlitePool) {
    let request = form_post("/api/set_language")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://centre.local/")
        .body(Body::from("lang=tlh&back=%2F"))
        .expect("request");
    let response = send(router(pool, "lang-bad-html"), request).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .expect("ASCII");
    assert!(location.contains("__err="), "{location}");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn pages_are_compressed_for_browsers_that_accept_it(pool: SqlitePool) {
    seeded(&pool).await;
    let request = Request::get("/")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())
        .expect("request");
    let response = send(router(pool, "compress"), request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn hashed_files_are_cached_for_a_year_and_fonts_for_a_week(pool: SqlitePool) {
    let app = router(pool, "cache");
    let response = send(app.clone(), get("/pkg/centre.0123abcd.js")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let response = send(app.clone(), get("/fonts/test.woff2")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "public, max-age=604800"
    );
    let response = send(app, get("/pkg/missing.js")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn precompressed_brotli_files_are_sent_as_they_are(pool: SqlitePool) {
    let request = Request::get("/pkg/centre.0123abcd.js")
        .header(header::ACCEPT_ENCODING, "br")
        .body(Body::empty())
        .expect("request");
    let response = send(router(pool, "precompressed"), request).await;
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(text(response).await, "precompressed");
}

/// A post that another site's page makes the browser send.
fn forged_post(uri: &str) -> axum::http::request::Builder {
    Request::post(uri)
        .header(header::HOST, "centre.local")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn forged_requests_are_refused_and_change_nothing(pool: SqlitePool) {
    let app = router(pool, "forged");
    let forgeries = [
        forged_post("/api/set_language").header(header::ORIGIN, "https://evil.example"),
        forged_post("/api/set_language").header(header::ORIGIN, "null"),
        forged_post("/api/set_language").header("sec-fetch-site", "cross-site"),
        forged_post("/api/set_language")
            .header(header::REFERER, "https://evil.example/centre.local/"),
        forged_post("/api/set_language"),
    ];
    for forgery in forgeries {
        let request = forgery
            .body(Body::from("lang=fr&back=%2F"))
            .expect("request");
        let response = send(app.clone(), request).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(
            response.headers().get(header::SET_COOKIE).is_none(),
            "nothing changed"
        );
    }
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_same_site_post_without_origin_passes_on_fetch_metadata(pool: SqlitePool) {
    let request = forged_post("/api/set_language")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from("lang=fr&back=%2F"))
        .expect("request");
    let response = send(router(pool, "fetch-metadata"), request).await;
    assert!(response.status().is_success(), "{}", response.status());
    assert!(
        response.headers()[header::SET_COOKIE]
            .to_str()
            .expect("ASCII")
            .starts_with("lang=fr;")
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn server_functions_change_nothing_on_get(pool: SqlitePool) {
    let response = send(
        router(pool, "get-write"),
        get("/api/set_language?lang=fr&back=%2F"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn an_oversized_body_is_refused(pool: SqlitePool) {
    let body = format!("lang=fr&back=%2F{}", "a".repeat(300 * 1024));
    // Browsers send Content-Length with a form post: refused before a byte is read.
    let request = form_post("/api/set_language")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .expect("request");
    let response = send(router(pool, "big-body"), request).await;
    let status = response.status();
    assert_eq!(
        status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        text(response).await
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn pages_carry_a_nonce_policy_that_matches_their_scripts(pool: SqlitePool) {
    seeded(&pool).await;
    let response = send(router(pool, "csp"), get("/")).await;
    let headers = response.headers().clone();
    let policy = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the policy names a nonce")
        .to_owned();
    assert!(nonce.len() >= 16, "a nonce of 128 bits: {nonce}");
    let page = text(response).await;
    assert!(
        page.contains(&format!(r#"nonce="{nonce}""#)),
        "the inline scripts carry it"
    );
    assert!(policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "no-store",
        "pages are never cached"
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn each_page_gets_its_own_nonce(pool: SqlitePool) {
    let app = router(pool, "csp-fresh");
    let policy =
        |response: Response<Body>| response.headers()[header::CONTENT_SECURITY_POLICY].clone();
    let first = policy(send(app.clone(), get("/")).await);
    let second = policy(send(app.clone(), get("/")).await);
    assert_ne!(first, second);
    let not_found = policy(send(app, get("/no/such/page")).await);
    assert!(
        not_found.to_str().expect("ASCII").contains("'nonce-"),
        "error pages too"
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn other_responses_get_the_strict_policy_and_are_not_stored(pool: SqlitePool) {
    let response = send(router(pool, "strict"), get("/healthz")).await;
    assert_eq!(
        response.headers()[header::CONTENT_SECURITY_POLICY],
        app::base::security::STRICT_POLICY
    );
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(
        response.headers()[header::X_CONTENT_TYPE_OPTIONS],
        "nosniff"
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn signing_in_sets_an_http_only_session_and_the_users_language(pool: SqlitePool) {
    seeded(&pool).await;
    staff_account(&pool, "sreymom", "a long passphrase").await;
    let app = router(pool, "sign-in");
    let response = send(app.clone(), sign_in_request("SreyMom", "a+long+passphrase")).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()[header::LOCATION], "/");
    let cookies = set_cookies(&response);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("sid="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "plain HTTP here");
    assert!(
        cookies.iter().any(|c| c.starts_with("lang=fr;")),
        "pages open in their language"
    );
    let page = Request::get("/")
        .header(header::COOKIE, format!("{}; lang=fr", session_of(&cookies)))
        .body(Body::empty())
        .expect("request");
    let page = text(send(app, page).await).await;
    assert!(
        page.contains("Srey Mom") && page.contains("Se déconnecter"),
        "the top bar names them"
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_wrong_password_and_an_unknown_login_get_the_same_refusal(pool: SqlitePool) {
    staff_account(&pool, "director", "a long passphrase").await;
    let app = router(pool, "sign-in-refused");
    let mut answers = Vec::new();
    for (login, password) in [
        ("director", "wrong+password"),
        ("nobody", "a+long+passphrase"),
        ("x", "y"),
    ] {
        let request = form_post("/api/log_in")
            .body(Body::from(format!(
                "login={login}&password={password}&back=%2F"
            )))
            .expect("request");
        let response = send(app.clone(), request).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(set_cookies(&response).is_empty(), "no session");
        answers.push(text(response).await);
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    assert!(answers[0].contains("login.failed"));
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_refused_sign_in_without_javascript_shows_the_reason_on_the_page(pool: SqlitePool) {
    let app = router(pool, "sign-in-js-off");
    let response = send(app.clone(), sign_in_request("nobody", "whatever+it+is")).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let back = location
        .strip_prefix("http://centre.local")
        .expect("back to the login page");
    let page = text(send(app, get_in("en", back)).await).await;
    assert!(page.contains("That sign-in is not right."), "{page}");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn each_sign_in_gets_a_new_session_and_signing_out_ends_it_on_the_server(pool: SqlitePool) {
    staff_account(&pool, "director", "a long passphrase").await;
    let app = router(pool, "sign-out");
    let first = session_of(&set_cookies(
        &send(
            app.clone(),
            sign_in_request("director", "a+long+passphrase"),
        )
        .await,
    ));
    let second = session_of(&set_cookies(
        &send(
            app.clone(),
            sign_in_request("director", "a+long+passphrase"),
        )
        .await,
    ));
    assert_ne!(first, second, "the session id changes at every sign-in");

    let who = |session: String| {
        form_post("/api/get_current_viewer")
            .header(header::COOKIE, session)
            .body(Body::empty())
            .expect("request")
    };
    assert!(
        text(send(app.clone(), who(first.clone())).await)
            .await
            .contains("director")
    );
    let sign_out = form_post("/api/log_out")
        .header(header::COOKIE, first.clone())
        .body(Body::empty())
        .expect("request");
    let response = send(app.clone(), sign_out).await;
    assert!(
        set_cookies(&response)
            .iter()
            .any(|c| c.starts_with("sid=;") && c.contains("Max-Age=0"))
    );
    // The old cookie, replayed, no longer signs anyone in; the other session lives on.
    assert_eq!(text(send(app.clone(), who(first)).await).await, "null");
    assert!(
        text(send(app, who(second)).await)
            .await
            .contains("director")
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn behind_a_tls_proxy_the_session_cookie_is_secure(pool: SqlitePool) {
    staff_account(&pool, "director", "a long passphrase").await;
    let request = form_post("/api/log_in")
        .header("x-forwarded-proto", "https")
        .body(Body::from(
            "login=director&password=a+long+passphrase&back=%2F",
        ))
        .expect("request");
    let response = send(router(pool, "secure-cookie"), request).await;
    let cookies = set_cookies(&response);
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("sid=") && c.ends_with("; Secure")),
        "{cookies:?}"
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_browser_revalidating_the_icon_gets_304_not_the_404_page(pool: SqlitePool) {
    let app = router(pool, "icon");
    let response = send(app.clone(), get("/favicon.svg")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let modified = response.headers()[header::LAST_MODIFIED].clone();
    let revalidate = Request::get("/favicon.svg")
        .header(header::IF_MODIFIED_SINCE, modified)
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        send(app, revalidate).await.status(),
        StatusCode::NOT_MODIFIED
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn past_the_concurrent_requests_or_the_timeout_a_request_is_told_to_try_again(
    pool: SqlitePool,
) {
    use server::routes::{Limits, with_limits};
    // No request may run: the next one is turned away at once, in words.
    let none = Limits {
        request_timeout: std::time::Duration::from_secs(30),
        concurrent_requests: 0,
    };
    let response = send(
        with_limits(router(pool.clone(), "limit-busy"), &none),
        get("/"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    assert!(text(response).await.contains("រវល់"), "in Khmer by default");
    // A page that cannot be drawn at once is answered "too slow" rather than left waiting.
    let hasty = Limits {
        request_timeout: std::time::Duration::ZERO,
        concurrent_requests: 8,
    };
    seeded(&pool).await;
    let response = send(
        with_limits(router(pool, "limit-slow"), &hasty),
        get("/occupancy"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}
