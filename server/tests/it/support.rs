//! What the HTTP tests share: the real router on a test site folder, requests, and reading
//! responses.

use std::path::PathBuf;

use app::base::db::AppState;
use app::base::hub::Changes;
use app::residents::model::{Diet, Programme, ResidentFields, Sex};
use axum::body::{Body, to_bytes};
use axum::http::{Request, Response, header};
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;
use tower::ServiceExt;

/// A site folder with one file under `pkg/` and one under `fonts/`, unique to the test.
pub fn site_root(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("centre-site-{}-{name}", std::process::id()));
    std::fs::create_dir_all(root.join("pkg")).expect("pkg folder");
    std::fs::create_dir_all(root.join("fonts")).expect("fonts folder");
    std::fs::write(
        root.join("pkg/centre.0123abcd.js"),
        "export function hydrate() {}\n".repeat(20),
    )
    .expect("pkg file");
    std::fs::write(root.join("pkg/centre.0123abcd.js.br"), b"precompressed").expect("pkg .br file");
    std::fs::write(root.join("fonts/test.woff2"), [0u8; 64]).expect("font file");
    std::fs::write(
        root.join("favicon.svg"),
        "<svg xmlns='http://www.w3.org/2000/svg'/>",
    )
    .expect("icon");
    root
}

pub fn router(pool: SqlitePool, name: &str) -> axum::Router {
    router_in(pool, name, false)
}

/// The router, in demo mode or not.
pub fn router_in(pool: SqlitePool, name: &str, demo: bool) -> axum::Router {
    router_with(pool, name, demo, app::base::hub::Changes::new())
}

/// The router, announcing live changes from `changes` (the hub `pool` reports to).
pub fn router_with(
    pool: SqlitePool,
    name: &str,
    demo: bool,
    changes: app::base::hub::Changes,
) -> axum::Router {
    let root = site_root(name);
    let leptos_options = LeptosOptions::builder()
        .output_name("centre")
        .site_root(root.to_str().expect("UTF-8 temp path"))
        .site_pkg_dir("pkg")
        // The tests load no scripts: there is no hash.txt beside the test binary.
        .hash_files(false)
        .build();
    server::router(AppState {
        leptos_options,
        pool,
        demo,
        changes,
        storage: app::base::db::Storage::default(),
    })
}

/// A pool whose database cannot be opened: its folder does not exist. Every query fails as a
/// real outage does, without waiting on `Pool::close` (which can hang when a connection is
/// still on its way back to the pool).
pub fn unreachable_database() -> SqlitePool {
    let missing =
        std::env::temp_dir().join(format!("centre-no-such-folder-{}", std::process::id()));
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(missing.join("centre.db"))
        .create_if_missing(false);
    sqlx::sqlite::SqlitePoolOptions::new()
        .acquire_timeout(std::time::Duration::from_secs(2))
        .connect_lazy_with(options)
}

/// The repository's demo sign-ins.
pub fn demo_accounts() -> app::demo::DemoAccounts {
    let text = include_str!("../../../demo/accounts.json");
    serde_json::from_str(text).expect("demo/accounts.json is valid")
}

pub async fn seeded(pool: &SqlitePool) {
    app::demo::seed(pool, &demo_accounts())
        .await
        .expect("demo data");
}

pub async fn send(router: axum::Router, request: Request<Body>) -> Response<Body> {
    router.oneshot(request).await.expect("the router answers")
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

/// A page's HTML as `cookie`'s browser gets it: it must be there (200).
pub async fn page(app: &axum::Router, cookie: &str, uri: &str) -> String {
    let request = Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request");
    let response = send(app.clone(), request).await;
    let status = response.status();
    let body = text(response).await;
    assert_eq!(status, axum::http::StatusCode::OK, "{uri}: {body}");
    body
}

/// A GET by `cookie`'s browser.
pub fn get_as(cookie: &str, uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request")
}

/// A GET from a browser that chose `lang` with the language switch.
pub fn get_in(lang: &str, uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::COOKIE, format!("lang={lang}"))
        .body(Body::empty())
        .expect("request")
}

pub async fn text(response: Response<Body>) -> String {
    let bytes = to_bytes(response.into_body(), 4 * 1024 * 1024)
        .await
        .expect("body");
    String::from_utf8(bytes.to_vec()).expect("UTF-8 body")
}

/// A GET of `uri` by `cookie`'s browser (or nobody's): its status and body.
pub async fn download(
    app: &axum::Router,
    cookie: Option<&str>,
    uri: &str,
) -> (axum::http::StatusCode, String) {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = send(app.clone(), request.body(Body::empty()).expect("request")).await;
    let status = response.status();
    (status, text(response).await)
}

/// A form post from this site's own page by `cookie`'s browser: its status and body.
pub async fn post_as(
    app: &axum::Router,
    cookie: &str,
    path: &str,
    body: String,
) -> (axum::http::StatusCode, String) {
    let response = post_response(app, cookie, path, body).await;
    let status = response.status();
    (status, text(response).await)
}

/// A form post from this site's own page by `cookie`'s browser: the whole response.
pub async fn post_response(
    app: &axum::Router,
    cookie: &str,
    path: &str,
    body: String,
) -> Response<Body> {
    let request = form_post(path)
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .expect("request");
    send(app.clone(), request).await
}

/// A form post from this site's own page, as a browser sends it.
pub fn form_post(uri: &str) -> axum::http::request::Builder {
    form_post_as(uri, "application/x-www-form-urlencoded")
}

/// A post from this site's own page with this content type (a file upload is multipart).
pub fn form_post_as(uri: &str, content_type: &str) -> axum::http::request::Builder {
    Request::post(uri)
        .header(header::HOST, "centre.local")
        .header(header::ORIGIN, "http://centre.local")
        .header(header::CONTENT_TYPE, content_type)
}

pub async fn staff_account(pool: &SqlitePool, login: &str, password: &str) {
    use app::base::access::Role;
    use app::base::access::Writer;
    app::people::record::create_staff_account(
        pool,
        &Writer::system("test"),
        login,
        "Srey Mom",
        password,
        app::base::i18n::Lang::Fr,
        &[Role::Admin],
    )
    .await
    .expect("account created");
}

pub fn sign_in_request(login: &str, password: &str) -> Request<Body> {
    form_post("/api/log_in")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://centre.local/login")
        .body(Body::from(format!(
            "login={login}&password={password}&back=%2F"
        )))
        .expect("request")
}

/// The `name=value` of each cookie the response sets.
pub fn set_cookies(response: &Response<Body>) -> Vec<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| value.to_str().expect("ASCII").to_owned())
        .collect()
}

pub fn session_of(cookies: &[String]) -> String {
    cookies
        .iter()
        .find(|cookie| cookie.starts_with("sid="))
        .and_then(|cookie| cookie.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// A staff account with `roles`, signed in, its pages in English: its id and session cookie.
pub async fn staff_session(
    pool: &SqlitePool,
    login: &str,
    roles: &[app::base::access::Role],
) -> (i64, String) {
    let id = app::people::record::create_staff_account(
        pool,
        &app::base::access::Writer::system("test"),
        login,
        login,
        "a test passphrase",
        app::base::i18n::Lang::En,
        roles,
    )
    .await
    .expect("staff");
    let owner = app::base::session::Owner::Staff(id);
    (
        id,
        session_cookie_at(pool, owner, chrono::Utc::now().timestamp()).await,
    )
}

/// A session for `owner` opened at `at` (Unix seconds), started directly (no hashing): its
/// cookie, pages in English.
pub async fn session_cookie_at(
    pool: &SqlitePool,
    owner: app::base::session::Owner,
    at: i64,
) -> String {
    let mut conn = pool.acquire().await.expect("connection");
    let token = app::base::session::start(&mut conn, owner, at)
        .await
        .expect("session");
    format!("sid={token}; lang=en")
}

/// The id of a demo staff account (the demo data seeded).
pub async fn demo_staff_id(pool: &SqlitePool, login: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT id FROM staff_user WHERE login = ?")
        .bind(login)
        .fetch_one(pool)
        .await
        .expect("a demo account")
}

/// A session cookie for a demo staff account, opened now.
pub async fn demo_cookie(pool: &SqlitePool, login: &str) -> String {
    let owner = app::base::session::Owner::Staff(demo_staff_id(pool, login).await);
    session_cookie_at(pool, owner, chrono::Utc::now().timestamp()).await
}

/// A new building `code` of the boarding school with one girls' room of `n` beds (the demo
/// centre is seeded first): the building and its beds.
pub async fn girls_room(
    conn: &mut sqlx::SqliteConnection,
    code: &str,
    name_km: &str,
    n: u32,
) -> (i64, Vec<i64>) {
    let facility = app::demo::centre::seed_demo(&mut *conn)
        .await
        .expect("centre")
        .boarding_school;
    let building = app::housing::repo::insert_building(&mut *conn, facility, code, name_km, code)
        .await
        .expect("building");
    let room_code = format!("{code}1");
    let room = app::housing::repo::insert_room(
        &mut *conn,
        building,
        &room_code,
        app::residents::model::Sex::Female,
        (5, 16),
        n,
    )
    .await
    .expect("room");
    let beds = sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM bed WHERE room_id = ? ORDER BY id"#,
        room
    )
    .fetch_all(&mut *conn)
    .await
    .expect("beds");
    (building, beds)
}

pub async fn create_family(pool: &SqlitePool, name: &str, phone: &str, pin: &str) -> i64 {
    app::people::record::create_family_account(
        pool,
        &app::base::access::Writer::system("test"),
        name,
        phone,
        pin,
    )
    .await
    .expect("family created")
}

pub fn family_sign_in(phone: &str, pin: &str, address: &str) -> Request<Body> {
    form_post("/api/log_in")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://centre.local/login")
        .header("x-forwarded-for", address)
        .body(Body::from(format!("login={phone}&password={pin}&back=%2F")))
        .expect("request")
}

/// Sends `request` as if from a proxy on this machine, so the server believes its
/// `X-Forwarded-For`.
pub async fn send_via_proxy(
    app: &axum::Router,
    mut request: Request<Body>,
) -> axum::http::Response<Body> {
    let proxy: std::net::SocketAddr = "127.0.0.1:40000".parse().expect("address");
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(proxy));
    send(app.clone(), request).await
}

/// The error a refused JavaScript-off form post carries back to its page.
pub fn refusal(response: &Response<Body>) -> app::base::error::AppError {
    let location = response.headers()[header::LOCATION]
        .to_str()
        .expect("ASCII");
    let encoded = location
        .split("__err=")
        .nth(1)
        .expect("an error for the page");
    let encoded = encoded
        .split('&')
        .next()
        .unwrap_or_default()
        .replace("%3D", "=");
    app::base::ui::decode_error(&encoded)
}

/// A girl of the boarding school, `years` old, in grade `grade`, admitted a month ago, on the
/// usual diet; a test changes the field it is about with `..girl(..)`.
pub fn girl(name_km: &str, name_latin: &str, years: i64, grade: &str) -> ResidentFields {
    let today = app::base::clock::today_at_centre();
    ResidentFields {
        name_km: name_km.into(),
        name_latin: name_latin.into(),
        sex: Sex::Female,
        born_on: today - chrono::Duration::days(365 * years),
        grade: grade.into(),
        programme: Programme::BoardingSchool,
        admitted_on: today - chrono::Duration::days(30),
        diet: Diet::Normal,
        allergies: vec![],
    }
}

/// Admits `fields` and puts them in `bed` since a week ago; their id.
pub async fn housed_since_last_week(
    conn: &mut sqlx::SqliteConnection,
    fields: &ResidentFields,
    bed: i64,
) -> i64 {
    let id = app::residents::repo::insert(&mut *conn, fields)
        .await
        .expect("resident");
    let since = app::base::clock::today_at_centre() - chrono::Days::new(7);
    app::housing::repo::insert_allocation(&mut *conn, id, bed, arriving(since), None)
        .await
        .expect("bed");
    id
}

/// A migrated database file in a fresh folder of its own, opened with the server's settings
/// (WAL, busy timeout, eight connections) and reporting its commits to `changes`: for races and
/// the live stream, which a test pool does not show as the server runs them. The pool and its
/// folder, for the test to remove.
pub async fn file_pool(name: &str, changes: &Changes) -> (SqlitePool, PathBuf) {
    let dir = std::env::temp_dir().join(format!("centre-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("folder");
    let url = format!("sqlite://{}/{name}.db", dir.display());
    let pool = app::base::db::connect(app::base::db::connect_options(&url).expect("url"), changes)
        .await
        .expect("pool");
    app::base::db::MIGRATOR
        .run(&pool)
        .await
        .expect("migrations");
    (pool, dir)
}

/// Into a bed on `on`, arriving at the usual time.
pub fn arriving(on: chrono::NaiveDate) -> app::housing::model::Changeover {
    app::housing::model::Changeover {
        on,
        at: app::housing::model::usual_arrival(),
    }
}
