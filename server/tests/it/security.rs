//! The system tried as an attacker would: bursts of guesses at a PIN, PINs as phones type
//! them, and the hard lock that only a person lifts.

use crate::support::*;
use app::base::error::AppError;
use app::base::i18n::Key;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sqlx::SqlitePool;

/// How the sign-in form's answer reads: the error it carries back, or `None` for a session.
fn outcome(response: &axum::http::Response<Body>) -> Option<AppError> {
    let location = response.headers()[header::LOCATION]
        .to_str()
        .expect("ASCII");
    location.contains("__err=").then(|| refusal(response))
}

async fn failures_in_a_row(pool: &SqlitePool, phone: &str) -> i64 {
    sqlx::query_scalar!("SELECT failed_sign_ins FROM family WHERE phone = ?", phone)
        .fetch_one(pool)
        .await
        .expect("family")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn fifty_simultaneous_wrong_pins_get_at_most_five_checked(pool: SqlitePool) {
    create_family(&pool, "Sok family", "012345678", "482913").await;
    let app = router(pool.clone(), "pin-burst");
    let burst: Vec<_> = (0..50)
        .map(|n| {
            let app = app.clone();
            // Every guess from its own address: only the account's count can stop them.
            let address = format!("198.51.100.{}", n + 1);
            tokio::spawn(async move {
                let response =
                    send_via_proxy(&app, family_sign_in("012345678", "111111", &address)).await;
                outcome(&response)
            })
        })
        .collect();
    let mut checked = 0;
    for answer in burst {
        match answer.await.expect("the request ran") {
            Some(AppError::Validation {
                message: Key::LoginFailed,
                ..
            }) => {
                checked += 1;
            }
            Some(AppError::TooManyAttempts | AppError::Busy) => {}
            other => panic!("a guess got {other:?}"),
        }
    }
    assert!(
        (1..=5).contains(&checked),
        "{checked} of 50 simultaneous guesses were checked"
    );
    assert_eq!(failures_in_a_row(&pool, "012345678").await, checked);
    // The window is closed now, even for the right PIN.
    let right = send_via_proxy(&app, family_sign_in("012345678", "482913", "203.0.113.1")).await;
    assert_eq!(outcome(&right), Some(AppError::TooManyAttempts));
}

/// A sign-in form post whose PIN is sent as the phone typed it (percent-encoded).
fn sign_in_typed(phone: &str, pin: &str) -> Request<Body> {
    let pin = app::base::fields::encode_query_value(pin);
    form_post("/api/log_in")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://centre.local/login")
        .header("x-forwarded-for", "198.51.100.9")
        .body(Body::from(format!("login={phone}&password={pin}&back=%2F")))
        .expect("request")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_pin_in_khmer_digits_or_with_a_space_signs_in(pool: SqlitePool) {
    create_family(&pool, "Sok family", "012345678", "482913").await;
    let app = router(pool.clone(), "pin-as-typed");
    for typed in ["៤៨២៩១៣", "482 913", " 482913 "] {
        let response = send_via_proxy(&app, sign_in_typed("012345678", typed)).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{typed}");
        assert_eq!(
            response.headers()[header::LOCATION],
            "/family",
            "{typed} signs in"
        );
    }
    assert_eq!(failures_in_a_row(&pool, "012345678").await, 0);
}

/// Twenty wrong secrets in a row for `login`, spaced so that the 15-minute window never
/// refuses them.
async fn twenty_wrong(pool: &SqlitePool, login: &str, wrong: &str, from: i64) {
    for n in 0..20 {
        let now = from + n * 4 * 60;
        let answer = app::people::signin::sign_in(pool, login, wrong, "198.51.100.7", now, false)
            .await
            .err();
        let expected = AppError::invalid("login", Key::LoginFailed);
        assert_eq!(answer, Some(expected), "wrong secret {n}");
    }
}

/// Twenty wrong PINs in a row for a family's phone.
async fn twenty_wrong_pins(pool: &SqlitePool, phone: &str, from: i64) {
    twenty_wrong(pool, phone, "111111", from).await;
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn twenty_failures_in_a_row_lock_a_family_until_the_social_team_unlocks_it(pool: SqlitePool) {
    let family = create_family(&pool, "Sok family", "012345678", "482913").await;
    let start = chrono::Utc::now().timestamp() - 3 * 3600;
    twenty_wrong_pins(&pool, "012345678", start).await;
    // A day later, with the right PIN: still locked, and no PIN is checked any more.
    let later = start + 26 * 3600;
    let answer =
        app::people::signin::sign_in(&pool, "012345678", "482913", "198.51.100.8", later, false)
            .await
            .err();
    assert_eq!(answer, Some(AppError::invalid("login", Key::LoginLocked)));
    assert_eq!(failures_in_a_row(&pool, "012345678").await, 20);
    let actions = sqlx::query_scalar!(
        r#"SELECT action FROM audit_log WHERE entity = 'family' AND entity_id = ? ORDER BY id"#,
        family
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(
        actions.iter().filter(|a| *a == "sign_in_failed").count(),
        20
    );
    assert_eq!(actions.iter().filter(|a| *a == "lock").count(), 1);

    // The social team sees the lock on the family's page and lifts it there.
    let app = router(pool.clone(), "family-lock");
    let (_, social) = staff_session(&pool, "social", &[app::base::access::Role::SocialTeam]).await;
    let page = Request::get(format!("/families/{family}"))
        .header(header::COOKIE, &social)
        .body(Body::empty())
        .expect("request");
    let page = text(send(app.clone(), page).await).await;
    assert!(page.contains("Sign-in locked"), "{page}");
    let list = Request::get("/families")
        .header(header::COOKIE, &social)
        .body(Body::empty())
        .expect("request");
    assert!(text(send(app.clone(), list).await).await.contains("Locked"));
    let unlock = form_post("/api/unlock_family")
        .header(header::COOKIE, &social)
        .body(Body::from(format!("id={family}")))
        .expect("request");
    let unlocked = send(app.clone(), unlock).await;
    assert!(unlocked.status().is_success(), "{}", unlocked.status());
    let audit = sqlx::query!(
        r#"SELECT actor_label, action FROM audit_log WHERE entity = 'family' AND entity_id = ?
           ORDER BY id DESC LIMIT 1"#,
        family
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(
        (audit.actor_label.as_str(), audit.action.as_str()),
        ("social", "unlock")
    );
    let signed_in =
        app::people::signin::sign_in(&pool, "012345678", "482913", "198.51.100.8", later, false)
            .await;
    assert!(signed_in.is_ok(), "{signed_in:?}");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_locked_staff_account_is_unlocked_by_an_admin_only(pool: SqlitePool) {
    use app::base::access::Role;
    let (house, _) = staff_session(&pool, "dara", &[Role::HouseStaff]).await;
    let start = chrono::Utc::now().timestamp() - 3 * 3600;
    twenty_wrong(&pool, "dara", "not the password", start).await;
    let now = chrono::Utc::now().timestamp();
    let locked = app::people::signin::sign_in(
        &pool,
        "dara",
        "a test passphrase",
        "198.51.100.8",
        now,
        false,
    )
    .await
    .err();
    assert_eq!(locked, Some(AppError::invalid("login", Key::LoginLocked)));

    let app = router(pool.clone(), "staff-lock");
    let (_, social) = staff_session(&pool, "social", &[Role::SocialTeam]).await;
    let (_, admin) = staff_session(&pool, "boss", &[Role::Admin]).await;
    let unlock = |cookie: &str| {
        form_post("/api/unlock_staff")
            .header(header::COOKIE, cookie)
            .header(header::ACCEPT, "application/json")
            .body(Body::from(format!("id={house}")))
            .expect("request")
    };
    assert_eq!(
        send(app.clone(), unlock(&social)).await.status(),
        StatusCode::FORBIDDEN
    );
    let page = Request::get(format!("/admin/staff/{house}"))
        .header(header::COOKIE, &admin)
        .body(Body::empty())
        .expect("request");
    assert!(
        text(send(app.clone(), page).await)
            .await
            .contains("Sign-in locked")
    );
    let done = send(app.clone(), unlock(&admin)).await;
    assert!(
        done.status().is_success() || done.status().is_redirection(),
        "{}",
        done.status()
    );
    let again = app::people::signin::sign_in(
        &pool,
        "dara",
        "a test passphrase",
        "198.51.100.8",
        now,
        false,
    )
    .await;
    assert!(again.is_ok(), "{again:?}");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_login_that_names_nobody_locks_alike_so_the_lock_tells_nothing(pool: SqlitePool) {
    let start = chrono::Utc::now().timestamp() - 3 * 3600;
    twenty_wrong_pins(&pool, "012999999", start).await;
    let answer = app::people::signin::sign_in(
        &pool,
        "012999999",
        "482913",
        "198.51.100.8",
        start + 3 * 3600,
        false,
    )
    .await
    .err();
    assert_eq!(answer, Some(AppError::invalid("login", Key::LoginLocked)));
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_demo_session_ends_when_the_server_runs_without_demo(pool: SqlitePool) {
    seeded(&pool).await;
    let demo = router_in(pool.clone(), "demo-session", true);
    let response =
        send_via_proxy(&demo, family_sign_in("012345678", "482913", "198.51.100.4")).await;
    assert_eq!(
        response.headers()[header::LOCATION],
        "/family",
        "signs in in demo mode"
    );
    let cookie = session_of(&set_cookies(&response));
    let portal = |app: axum::Router| {
        let cookie = cookie.clone();
        async move {
            let request = form_post("/api/get_portal")
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .expect("request");
            send(app, request).await.status()
        }
    };
    assert_eq!(portal(demo).await, StatusCode::OK);
    // The same database served without --demo: the session names nobody any more.
    let real = router_in(pool.clone(), "demo-session-real", false);
    assert_eq!(portal(real).await, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_redirect_target_that_a_header_cannot_carry_goes_home_instead(pool: SqlitePool) {
    staff_account(&pool, "director", "a real passphrase").await;
    let app = router(pool, "back-target");
    // Khmer letters, a DEL and a tab: none can stand in a Location header.
    for back in ["%2F%E1%9E%9F%E1%9E%BB%E1%9E%81", "%2Fa%7Fb", "%2Fa%09b"] {
        let request = form_post("/api/log_in")
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, "http://centre.local/login")
            .body(Body::from(format!(
                "login=director&password=a+real+passphrase&back={back}"
            )))
            .expect("request");
        let response = send(app.clone(), request).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{back}");
        assert_eq!(response.headers()[header::LOCATION], "/", "{back}");
    }
}

/// A multipart body holding `csv` as the `file` field.
fn upload(csv: &str, cookie: &str) -> Request<Body> {
    let body = format!(
        "--XBOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"residents.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--XBOUNDARY--\r\n"
    );
    form_post_as(
        "/api/upload_import",
        "multipart/form-data; boundary=XBOUNDARY",
    )
    .header(header::COOKIE, cookie)
    .header(header::CONTENT_LENGTH, body.len())
    .body(Body::from(body))
    .expect("request")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_import_says_a_file_is_too_large_and_refuses_a_step_past_the_end(pool: SqlitePool) {
    use app::base::access::Role;
    let (_, house) = staff_session(&pool, "house", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "import-holes");
    // 1.5 MB: over the import's own limit, which answers in words.
    let big = format!(
        "name_km,name_latin,sex,born_on,programme,admitted_on\n{}",
        "សុខ,Sok,f,2015-01-01,boarding_school,2024-01-01\n".repeat(25_000)
    );
    let response = send(app.clone(), upload(&big, &house)).await;
    let status = response.status();
    let body = text(response).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("import.too_large"), "{body}");

    let small = "name_km,name_latin,sex,born_on,programme,admitted_on\nសុខ,Imported,f,2015-01-01,boarding_school,2024-01-01\n";
    let response = send(app.clone(), upload(small, &house)).await;
    assert!(response.status().is_redirection() || response.status().is_success());
    let import = sqlx::query_scalar!(r#"SELECT max(id) AS "id!: i64" FROM resident_import"#)
        .fetch_one(&pool)
        .await
        .expect("an import");
    let confirm = |step: &str| {
        form_post("/api/confirm_import")
            .header(header::COOKIE, &house)
            .header(header::ACCEPT, "application/json")
            .body(Body::from(format!("id={import}&step={step}")))
            .expect("request")
    };
    let response = send(app.clone(), confirm("18446744073709551615")).await;
    let status = response.status();
    let body = text(response).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("problem.import_step"), "{body}");
    let added = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM resident WHERE name_latin = 'Imported'"#
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(added, 0, "nothing imported");
    // A step the page sends works as before.
    assert!(send(app, confirm("25")).await.status().is_success());
}

/// A resident's page as data, as `cookie` receives it.
async fn resident_data(app: &axum::Router, cookie: &str, id: i64) -> serde_json::Value {
    let request = form_post("/api/get_resident_page")
        .header(header::COOKIE, cookie)
        .body(Body::from(format!("id={id}")))
        .expect("request");
    let response = send(app.clone(), request).await;
    assert_eq!(response.status(), StatusCode::OK);
    serde_json::from_str(&text(response).await).expect("JSON")
}

/// The first demo resident `sql` finds.
async fn demo_resident(pool: &SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|_| panic!("the demo data holds: {sql}"))
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn each_role_reads_on_a_residents_page_only_what_its_work_needs(pool: SqlitePool) {
    seeded(&pool).await;
    let app = router_in(pool.clone(), "least-privilege", true);
    let moved = demo_resident(
        &pool,
        "SELECT resident_id FROM allocation GROUP BY resident_id
         HAVING count(*) > 1 AND sum(until_on IS NULL) = 1 LIMIT 1",
    )
    .await;
    let with_sibling = demo_resident(
        &pool,
        "SELECT id FROM resident WHERE sibling_group_id IS NOT NULL AND left_on IS NULL LIMIT 1",
    )
    .await;
    let away_noted = demo_resident(
        &pool,
        "SELECT resident_id FROM absence WHERE note <> '' LIMIT 1",
    )
    .await;
    let allergic = demo_resident(
        &pool,
        "SELECT id FROM resident WHERE allergies <> '' LIMIT 1",
    )
    .await;
    let past_beds = |page: &serde_json::Value| {
        page["beds"]
            .as_array()
            .expect("beds")
            .iter()
            .filter(|entry| !entry["until_on"].is_null())
            .count()
    };
    let current_beds = |page: &serde_json::Value| {
        page["beds"]
            .as_array()
            .expect("beds")
            .iter()
            .filter(|entry| entry["until_on"].is_null())
            .count()
    };
    let siblings = |page: &serde_json::Value| {
        page["record"]["siblings"]
            .as_array()
            .expect("siblings")
            .len()
    };
    let notes = |page: &serde_json::Value| {
        page["absences"]
            .as_array()
            .expect("absences")
            .iter()
            .filter(|a| a["note"].as_str().is_some_and(|n| !n.is_empty()))
            .count()
    };
    let allergies = |page: &serde_json::Value| {
        page["record"]["fields"]["allergies"]
            .as_array()
            .expect("allergies")
            .len()
    };
    for (login, housing, diet) in [
        ("tutor", false, false),
        ("canteen", false, true),
        ("house", true, true),
        ("social", true, true),
        ("director", true, true),
    ] {
        let cookie = demo_cookie(&pool, login).await;
        let page = resident_data(&app, &cookie, moved).await;
        assert_eq!(past_beds(&page) > 0, housing, "{login}: bed history");
        assert_eq!(current_beds(&page), 1, "{login}: tonight's bed");
        let page = resident_data(&app, &cookie, with_sibling).await;
        assert_eq!(siblings(&page) > 0, housing, "{login}: siblings");
        let page = resident_data(&app, &cookie, away_noted).await;
        assert!(
            !page["absences"].as_array().expect("absences").is_empty(),
            "{login}: presence"
        );
        assert_eq!(notes(&page) > 0, housing, "{login}: absence notes");
        let page = resident_data(&app, &cookie, allergic).await;
        assert_eq!(allergies(&page) > 0, diet, "{login}: allergies");
        // The page in HTML shows none of it either.
        let html = text(
            send(
                app.clone(),
                Request::get(format!("/residents/{moved}"))
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await,
        )
        .await;
        assert_eq!(
            html.contains("Bed history"),
            housing,
            "{login}: the bed history section"
        );
        assert_eq!(
            html.contains("Brothers and sisters"),
            housing,
            "{login}: siblings section"
        );
    }
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_gates_search_takes_wildcards_literally_and_needs_two_characters(pool: SqlitePool) {
    seeded(&pool).await;
    let app = router_in(pool.clone(), "gate-search", true);
    let cookie = demo_cookie(&pool, "house").await;
    let found = |q: &'static str| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            let request = form_post("/api/get_gate")
                .header(header::COOKIE, &cookie)
                .body(Body::from(format!(
                    "q={}",
                    app::base::fields::encode_query_value(q)
                )))
                .expect("request");
            let response = send(app, request).await;
            assert_eq!(response.status(), StatusCode::OK);
            let page: serde_json::Value =
                serde_json::from_str(&text(response).await).expect("JSON");
            page["found"].as_array().expect("found").len()
        }
    };
    assert!(found("Sok").await > 0, "a real name is found");
    assert_eq!(found("%%").await, 0, "%% is not everyone");
    assert_eq!(found("__").await, 0, "__ is not everyone");
    assert_eq!(found("S%k").await, 0, "% inside is literal");
    assert_eq!(found("S").await, 0, "one character is too few");
}

/// The audit log's entries with `action`, as `(actor_label, entity, entity_id)`.
async fn logged(pool: &SqlitePool, action: &str) -> Vec<(String, String, String)> {
    sqlx::query_as::<_, (String, String, String)>(
        "SELECT actor_label, entity, entity_id FROM audit_log WHERE action = ? ORDER BY id",
    )
    .bind(action)
    .fetch_all(pool)
    .await
    .expect("audit")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn security_events_are_in_the_audit_log_and_the_admin_filters_them(pool: SqlitePool) {
    seeded(&pool).await;
    let app = router_in(pool.clone(), "security-events", true);
    let post = |path: &str, cookie: &str, body: String| {
        form_post(path)
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .expect("request")
    };
    let page = |uri: String, cookie: &str| {
        Request::get(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request")
    };
    // Refusals of signed-in people: a server function, a page, and a form posted without
    // JavaScript (answered by a redirect back to its page); nobody signed in is not logged.
    let tutor = demo_cookie(&pool, "tutor").await;
    let refused = send(app.clone(), post("/api/list_staff", &tutor, String::new())).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refused = send(app.clone(), page("/admin/staff".into(), &tutor)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let form = form_post("/api/list_staff")
        .header(header::COOKIE, &tutor)
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://centre.local/admin/staff")
        .body(Body::empty())
        .expect("request");
    let refused = send(app.clone(), form).await;
    assert!(refused.status().is_redirection(), "{}", refused.status());
    let anonymous = form_post("/api/list_staff")
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        send(app.clone(), anonymous).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refusals = logged(&pool, "refused").await;
    let paths: Vec<&str> = refusals.iter().map(|(_, _, path)| path.as_str()).collect();
    assert_eq!(
        paths,
        ["/api/list_staff", "/admin/staff", "/api/list_staff"]
    );
    assert!(
        refusals
            .iter()
            .all(|(who, entity, _)| who == "tutor" && entity == "request")
    );

    // Each reading of a safeguarding note, by whom and of which child; not the pages of
    // those who do not receive it.
    let noted = demo_resident(
        &pool,
        "SELECT id FROM resident WHERE safeguarding_note <> '' LIMIT 1",
    )
    .await;
    let house = demo_cookie(&pool, "house").await;
    let social = demo_cookie(&pool, "social").await;
    assert!(
        send(app.clone(), page(format!("/residents/{noted}"), &house))
            .await
            .status()
            .is_success()
    );
    assert!(
        logged(&pool, "read_note").await.is_empty(),
        "house staff get no note"
    );
    for _ in 0..2 {
        let read = send(app.clone(), page(format!("/residents/{noted}"), &social)).await;
        assert!(read.status().is_success());
    }
    let reads = logged(&pool, "read_note").await;
    assert_eq!(
        reads,
        vec![("social".into(), "resident".into(), noted.to_string()); 2]
    );

    // Each CSV download.
    let canteen = demo_cookie(&pool, "canteen").await;
    let today = app::base::clock::today_at_centre();
    let csv = send(
        app.clone(),
        page(
            format!("/canteen/counts.csv?from={today}&until={today}"),
            &canteen,
        ),
    )
    .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let exports = logged(&pool, "export").await;
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].0, "canteen");
    assert_eq!(exports[0].1, "canteen_counts");
    assert!(exports[0].2.starts_with("meals-"), "{}", exports[0].2);

    // A sign-out.
    let out = send(app.clone(), post("/api/log_out", &house, String::new())).await;
    assert!(out.status().is_success() || out.status().is_redirection());
    let outs = logged(&pool, "sign_out").await;
    assert_eq!(outs.len(), 1);
    assert_eq!(outs[0].0, "house");

    // Each view of the audit log, and the admin's filter for these events alone.
    let director = demo_cookie(&pool, "director").await;
    let search = |security: bool| {
        post(
            "/api/search_audit",
            &director,
            format!("filter%5Bpage%5D=1&filter%5Bsecurity%5D={security}"),
        )
    };
    let response = send(app.clone(), search(true)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let shown: serde_json::Value = serde_json::from_str(&text(response).await).expect("JSON");
    let views = logged(&pool, "view").await;
    assert_eq!(views.len(), 1);
    assert_eq!(
        (views[0].0.as_str(), views[0].1.as_str()),
        ("director", "audit_log")
    );
    let actions: Vec<&str> = shown["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| entry["action"].as_str().expect("action"))
        .collect();
    assert!(!actions.is_empty());
    assert!(
        actions
            .iter()
            .all(|action| app::audit::model::SECURITY_ACTIONS.contains(action)),
        "{actions:?}"
    );
    for event in ["refused", "read_note", "export", "sign_out", "view"] {
        assert!(actions.contains(&event), "{event} in {actions:?}");
    }
    let everything: serde_json::Value =
        serde_json::from_str(&text(send(app.clone(), search(false)).await).await).expect("JSON");
    assert!(
        everything["total"].as_i64() > shown["total"].as_i64(),
        "without the filter, the seed's changes show too"
    );
}
