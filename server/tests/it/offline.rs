//! Opening the site with no network, as the server prepares it: the service worker's script
//! and its policy, the manifest and icons, the "no network" page, and the hidden line that
//! only tonight's pages carry (the worker shows it on a copy).

use crate::support::*;
use app::base::access::Role;
use axum::http::{StatusCode, header};
use sqlx::SqlitePool;

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_service_worker_is_served_for_the_whole_site_and_may_only_fetch_from_it(
    pool: SqlitePool,
) {
    let app = router(pool, "offline-worker");
    let response = send(app, get("/sw.js")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .expect("text")
            .starts_with("text/javascript")
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    let policy = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("text");
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    let script = text(response).await;
    assert!(script.contains("self.addEventListener(\"fetch\""));
    assert!(!script.contains("__RELEASE__"), "the release is written in");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_manifest_names_the_app_in_khmer_first_with_its_icons(pool: SqlitePool) {
    let app = router(pool, "offline-manifest");
    let root = site_root("offline-manifest");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../public/manifest.webmanifest"
        ),
        root.join("manifest.webmanifest"),
    )
    .expect("manifest");
    let response = send(app, get("/manifest.webmanifest")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let manifest: serde_json::Value = serde_json::from_str(&text(response).await).expect("JSON");
    assert_eq!(manifest["lang"], "km");
    assert_eq!(manifest["name"], "មជ្ឈមណ្ឌលស្នាក់នៅ");
    assert_eq!(manifest["start_url"], "/");
    let icons = manifest["icons"].as_array().expect("icons");
    for icon in icons {
        let src = icon["src"].as_str().expect("src");
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../public").to_owned() + src;
        assert!(std::path::Path::new(&file).exists(), "{src} is in public/");
    }
    assert!(icons.iter().any(|icon| icon["sizes"] == "512x512"));
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn offline_a_page_that_needs_the_server_says_so_and_only_tonights_pages_can_be_a_copy(
    pool: SqlitePool,
) {
    let app = router(pool.clone(), "offline-pages");
    let (_, house) = staff_session(&pool, "house", &[Role::HouseStaff]).await;
    let offline = page(&app, &house, "/offline").await;
    // In the language of whoever is signed in (English for the tests' staff).
    assert!(offline.contains("<h1>No network</h1>"), "{offline}");
    assert!(
        offline.contains("the gate, bookings"),
        "it names what needs the server"
    );
    assert!(offline.contains("href=\"/roll\"") && offline.contains("href=\"/homework\""));
    // Tonight's pages carry the line, hidden, with its words for the worker to show.
    for tonight in ["/roll", "/homework"] {
        let html = page(&app, &house, tonight).await;
        let line = html
            .split("<p id=\"offline-copy\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{tonight} has the offline line"));
        let line = &line[..line.find("</p>").expect("closed")];
        assert!(line.contains("hidden"), "{line}");
        assert!(
            line.contains("data-offline=\"Offline: figures as of {time}."),
            "{line}"
        );
    }
    // A page that needs the server has none: it is never shown from a copy.
    let gate = page(&app, &house, "/visits/gate").await;
    assert!(!gate.contains("offline-copy"));
}
