//! Holiday camps through the real router and straight at the schema: the race of fifty staff
//! for the last five places, the age band, monitors kept to their own groups whatever ids they
//! send, check-in in one tap then the exceptions, and a pick-up only by a guardian named for
//! the child (anyone else stopped and the attempt audited).

use std::sync::Arc;

use crate::support::*;
use app::base::access::{Role, Writer};
use app::camps::model::{self, CamperForm, NewCamp};
use app::camps::record;
use axum::body::Body;
use axum::http::{StatusCode, header};
use chrono::{Days, NaiveDate};
use sqlx::SqlitePool;

fn today() -> NaiveDate {
    app::base::clock::today_at_centre()
}

fn system() -> Writer {
    Writer::system("test")
}

/// A day camp running this week at the demo boarding school, for ages 6 to 12, whose
/// children are collected by 16:30.
async fn camp(pool: &SqlitePool, places: i64) -> i64 {
    camp_until(pool, places, (16, 30)).await
}

/// The same, its children collected by `ends` (hour, minute).
async fn camp_until(pool: &SqlitePool, places: i64, ends: (u32, u32)) -> i64 {
    let facility = {
        let mut conn = pool.acquire().await.expect("connection");
        app::demo::centre::seed_demo(&mut conn)
            .await
            .expect("centre")
            .boarding_school
    };
    let camp = NewCamp {
        name: "Holiday camp".into(),
        facility_id: facility,
        kind: model::Kind::Day,
        starts_on: today() - Days::new(1),
        ends_on: today() + Days::new(20),
        min_age: 6,
        max_age: 12,
        places,
        meals: model::Meals(model::Meals::LUNCH),
        day_ends_at: chrono::NaiveTime::from_hms_opt(ends.0, ends.1, 0).expect("time"),
    };
    record::create_camp(pool, &system(), &camp)
        .await
        .expect("camp")
}

async fn group(pool: &SqlitePool, camp: i64, name: &str, monitor: Option<i64>) -> i64 {
    record::add_group(pool, &system(), camp, name, monitor)
        .await
        .expect("group")
}

/// The registration form of child `k`, `age` years old, with a mother who may collect and an
/// uncle who may not.
fn form(k: usize, age: u64) -> CamperForm {
    let born = today() - Days::new(age * 365 + 100);
    CamperForm {
        name_km: format!("សុខ ដារ៉ា {k}"),
        name_latin: format!("Sok Dara {k}"),
        sex: if k.is_multiple_of(2) { "f" } else { "m" }.into(),
        born_on: born.to_string(),
        medical_note: "Epilepsy: see the nurse".into(),
        allergies: [("peanut".to_owned(), "on".to_owned())].into(),
        guardian1_name: format!("Sok Malis {k}"),
        guardian1_phone: format!("012{:06}", 100_000 + k),
        guardian1_relationship: "mother".into(),
        guardian1_may_collect: Some("on".into()),
        guardian2_name: format!("Sok Bo {k}"),
        guardian2_phone: format!("015{:06}", 100_000 + k),
        guardian2_relationship: "uncle".into(),
        guardian2_may_collect: None,
        ..CamperForm::default()
    }
}

async fn register(pool: &SqlitePool, camp: i64, group: i64, k: usize) -> i64 {
    let (camper, guardians) = model::check_camper(&form(k, 8), today()).expect("form");
    record::register(pool, &system(), (camp, group), &camper, &guardians, 0)
        .await
        .expect("registered")
}

/// The registration form as a browser posts it.
fn posted(camp: i64, group: i64, form: &CamperForm) -> String {
    let mut body = format!(
        "camp_id={camp}&group_id={group}&camper%5Bname_km%5D={}&camper%5Bname_latin%5D={}&camper%5Bsex%5D={}&camper%5Bborn_on%5D={}",
        urlencode(&form.name_km),
        urlencode(&form.name_latin),
        form.sex,
        form.born_on
    );
    body += &format!(
        "&camper%5Bguardian1_name%5D={}&camper%5Bguardian1_phone%5D={}&camper%5Bguardian1_relationship%5D=mother&camper%5Bguardian1_may_collect%5D=on",
        urlencode(&form.guardian1_name),
        form.guardian1_phone
    );
    body
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn count(pool: &SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_staff_racing_for_the_last_five_places_take_five_and_hear_full() {
    // A real database file with the server's settings (WAL, busy timeout), not a test pool.
    let (pool, dir) = file_pool("camp-race", &app::base::hub::Changes::new()).await;
    let camp = camp(&pool, 10).await;
    let group = group(&pool, camp, "Dolphins", None).await;
    for k in 0..5 {
        register(&pool, camp, group, k).await;
    }
    let (house, _) = staff_session(&pool, "housemother", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "camp-race");
    let barrier = Arc::new(tokio::sync::Barrier::new(50));
    let mut tasks = Vec::new();
    for k in 100..150 {
        // Fifty tablets, each its own session.
        let cookie = session_cookie_at(
            &pool,
            app::base::session::Owner::Staff(house),
            chrono::Utc::now().timestamp(),
        )
        .await;
        let (app, barrier) = (app.clone(), barrier.clone());
        let body = posted(camp, group, &form(k, 8));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let request = form_post("/api/register_camper")
                .header(header::COOKIE, cookie)
                .body(Body::from(body))
                .expect("request");
            let response = send(app, request).await;
            let status = response.status();
            (status, text(response).await)
        }));
    }
    let mut taken = 0;
    for task in tasks {
        let (status, body) = task.await.expect("task");
        if status.is_redirection() || status.is_success() {
            taken += 1;
        } else {
            assert_eq!(status, StatusCode::CONFLICT, "{body}");
            assert!(body.contains("problem.camp_full"), "{body}");
        }
    }
    assert_eq!(taken, 5, "exactly the last five places were taken");
    let places = count(
        &pool,
        &format!("SELECT count(*) FROM camp_place WHERE camp_id = {camp}"),
    )
    .await;
    assert_eq!(places, 10);
    // Each place taken is in the audit log; the refused ones left no camper behind either.
    let audited = count(
        &pool,
        "SELECT count(*) FROM audit_log WHERE entity = 'camp_place'",
    )
    .await;
    assert_eq!(audited, 10);
    assert_eq!(count(&pool, "SELECT count(*) FROM camper").await, 10);
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_schema_holds_places_age_band_and_pick_up_without_the_app(pool: SqlitePool) {
    let camp = camp(&pool, 2).await;
    let group = group(&pool, camp, "Dolphins", None).await;
    let insert_camper = |name: &'static str, born: NaiveDate| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO camper (name_km, name_latin, sex, born_on, registered_at)
                 VALUES ('សុខ', ?, 'f', ?, 0) RETURNING id",
            )
            .bind(name)
            .bind(born.to_string())
            .fetch_one(&pool)
            .await
            .expect("camper")
        }
    };
    let place = |camper: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query(
                "INSERT INTO camp_place (camp_id, camper_id, group_id, registered_at)
                 VALUES (?, ?, ?, 0)",
            )
            .bind(camp)
            .bind(camper)
            .bind(group)
            .execute(&pool)
            .await
        }
    };
    let starts = today() - Days::new(1);
    let eight = starts - Days::new(8 * 366);
    let too_young = insert_camper("Too Young", starts - Days::new(5 * 366)).await;
    let too_old = insert_camper("Too Old", starts - Days::new(13 * 366)).await;
    let refused = |result: Result<sqlx::sqlite::SqliteQueryResult, sqlx::Error>, what: &str| {
        let error = result.expect_err("refused by the schema");
        assert!(error.to_string().contains(what), "{error}");
    };
    refused(place(too_young).await, "camp_age");
    refused(place(too_old).await, "camp_age");
    let a = insert_camper("Child A", eight).await;
    let b = insert_camper("Child B", eight).await;
    let c = insert_camper("Child C", eight).await;
    place(a).await.expect("first place");
    place(b).await.expect("second place");
    refused(place(c).await, "camp_full");
    // The same child is never entered twice.
    let twice = sqlx::query(
        "INSERT INTO camper (name_km, name_latin, sex, born_on, registered_at)
         VALUES ('សុខ', 'child a', 'f', ?, 0)",
    )
    .bind(eight.to_string())
    .execute(&pool)
    .await;
    refused(twice, "UNIQUE");
    // A group of one camp cannot hold a place in another.
    let other_camp = self::camp(&pool, 5).await;
    let crossed = sqlx::query(
        "INSERT INTO camp_place (camp_id, camper_id, group_id, registered_at) VALUES (?, ?, ?, 0)",
    )
    .bind(other_camp)
    .bind(c)
    .bind(group)
    .execute(&pool)
    .await;
    refused(crossed, "FOREIGN KEY");
    // Pick-up: only a guardian of the child allowed to collect.
    let guardian = |camper: i64, phone: &'static str, may: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO camp_guardian (camper_id, name, phone, relationship, may_collect)
                 VALUES (?, 'G', ?, 'mother', ?) RETURNING id",
            )
            .bind(camper)
            .bind(phone)
            .bind(may)
            .fetch_one(&pool)
            .await
            .expect("guardian")
        }
    };
    let mother_a = guardian(a, "012345678", 1).await;
    let barred_a = guardian(a, "015345678", 0).await;
    let mother_b = guardian(b, "017345678", 1).await;
    sqlx::query(
        "INSERT INTO camp_day (camp_id, camper_id, day, status, marked_at) VALUES (?, ?, ?, 'present', 1)",
    )
    .bind(camp)
    .bind(a)
    .bind(today().to_string())
    .execute(&pool)
    .await
    .expect("checked in");
    let collect = |guardian: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query(
                "UPDATE camp_day SET status = 'collected', guardian_id = ?, left_at = 2
                 WHERE camp_id = ? AND camper_id = ?",
            )
            .bind(guardian)
            .bind(camp)
            .bind(a)
            .execute(&pool)
            .await
        }
    };
    refused(collect(barred_a).await, "camp_not_a_collector");
    refused(collect(mother_b).await, "camp_not_a_collector");
    collect(mother_a).await.expect("collected by her mother");
    // Nobody is checked in on a day without camp.
    let outside = sqlx::query(
        "INSERT INTO camp_day (camp_id, camper_id, day, status, marked_at) VALUES (?, ?, ?, 'absent', 1)",
    )
    .bind(camp)
    .bind(b)
    .bind((today() + Days::new(60)).to_string())
    .execute(&pool)
    .await;
    refused(outside, "camp_day_outside");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_child_outside_the_age_band_or_a_full_camp_is_refused_in_words(pool: SqlitePool) {
    let camp = camp(&pool, 1).await;
    let group = group(&pool, camp, "Dolphins", None).await;
    let (_, house) = staff_session(&pool, "housemother", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "camp-words");
    let (status, body) = post_as(
        &app,
        &house,
        "/api/register_camper",
        posted(camp, group, &form(1, 4)),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("problem.camp_age"), "{body}");
    let (status, body) = post_as(
        &app,
        &house,
        "/api/register_camper",
        posted(camp, group, &form(2, 8)),
    )
    .await;
    assert!(
        status.is_redirection() || status.is_success(),
        "{status}: {body}"
    );
    // The same child again is found, not entered twice: they already hold the place.
    let (status, body) = post_as(
        &app,
        &house,
        "/api/register_camper",
        posted(camp, group, &form(2, 8)),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("problem.camp_already"), "{body}");
    let (status, body) = post_as(
        &app,
        &house,
        "/api/register_camper",
        posted(camp, group, &form(3, 8)),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("problem.camp_full"), "{body}");
    assert_eq!(count(&pool, "SELECT count(*) FROM camper").await, 1);
}

/// Two groups, each with a child; the monitor runs the first only.
struct Groups {
    camp: i64,
    mine: i64,
    theirs: i64,
    my_child: i64,
    their_child: i64,
    monitor: String,
}

async fn two_groups(pool: &SqlitePool) -> Groups {
    let camp = camp(pool, 20).await;
    let (monitor_id, monitor) = staff_session(pool, "camille", &[Role::Monitor]).await;
    let (other_id, _) = staff_session(pool, "lucas", &[Role::Monitor]).await;
    let mine = group(pool, camp, "Dolphins", Some(monitor_id)).await;
    let theirs = group(pool, camp, "Tigers", Some(other_id)).await;
    Groups {
        camp,
        mine,
        theirs,
        my_child: register(pool, camp, mine, 1).await,
        their_child: register(pool, camp, theirs, 2).await,
        monitor,
    }
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_monitor_sees_and_marks_only_their_own_groups_whatever_ids_are_sent(pool: SqlitePool) {
    let g = two_groups(&pool).await;
    let app = router(pool.clone(), "camp-monitor");
    let m = &g.monitor;
    // Their group: names, allergies, the guardians' phones; never the medical note.
    let html = page(&app, m, &format!("/camps/groups/{}", g.mine)).await;
    assert!(html.contains("Sok Dara 1"), "{html}");
    assert!(html.contains("⚠ Peanuts"), "{html}");
    assert!(html.contains("012100001"), "{html}");
    assert!(!html.contains("Epilepsy"), "{html}");
    assert!(!html.contains("Sok Dara 2"), "{html}");
    // The camps page lists their group only.
    let camps = page(&app, m, "/camps").await;
    assert!(
        camps.contains(&format!("/camps/groups/{}", g.mine)),
        "{camps}"
    );
    assert!(
        !camps.contains(&format!("/camps/groups/{}", g.theirs)),
        "{camps}"
    );
    // Another group, by its page or by sending its ids, is not found.
    let response = send(
        app.clone(),
        get_as(m, &format!("/camps/groups/{}", g.theirs)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    for body in [
        format!(
            "group_id={}&camper_id={}&status=present",
            g.theirs, g.their_child
        ),
        format!(
            "group_id={}&camper_id={}&status=present",
            g.mine, g.their_child
        ),
    ] {
        let (status, _) = post_as(&app, m, "/api/camp_check_in", body).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = post_as(
        &app,
        m,
        "/api/camp_all_present",
        format!("group_id={}", g.theirs),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post_as(
        &app,
        m,
        "/api/camp_pick_up",
        format!(
            "group_id={}&camper_id={}&guardian_id=1",
            g.mine, g.their_child
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(count(&pool, "SELECT count(*) FROM camp_day").await, 0);
    // Nothing of the residents, the camp's registrations or a camper's file.
    for path in [
        "/residents",
        "/buildings",
        "/roll",
        &format!("/camps/{}", g.camp),
        &format!("/camps/campers/{}", g.my_child),
    ] {
        let response = send(app.clone(), get_as(m, path)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // Their own child, they check in.
    let (status, body) = post_as(
        &app,
        m,
        "/api/camp_check_in",
        format!(
            "group_id={}&camper_id={}&status=present",
            g.mine, g.my_child
        ),
    )
    .await;
    assert!(
        status.is_redirection() || status.is_success(),
        "{status}: {body}"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM camp_day WHERE status = 'present'"
        )
        .await,
        1
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn all_present_in_one_tap_then_the_exceptions(pool: SqlitePool) {
    let camp = camp(&pool, 20).await;
    let (monitor_id, m) = staff_session(&pool, "camille", &[Role::Monitor]).await;
    let group = group(&pool, camp, "Dolphins", Some(monitor_id)).await;
    let children: Vec<i64> = {
        let mut ids = Vec::new();
        for k in 0..6 {
            ids.push(register(&pool, camp, group, k).await);
        }
        ids
    };
    let app = router(pool.clone(), "camp-check-in");
    // Two said absent first, then everyone else present in one tap.
    for child in &children[..2] {
        let (status, body) = post_as(
            &app,
            &m,
            "/api/camp_check_in",
            format!("group_id={group}&camper_id={child}&status=absent"),
        )
        .await;
        assert!(
            status.is_redirection() || status.is_success(),
            "{status}: {body}"
        );
    }
    let (status, body) = post_as(
        &app,
        &m,
        "/api/camp_all_present",
        format!("group_id={group}"),
    )
    .await;
    assert!(
        status.is_redirection() || status.is_success(),
        "{status}: {body}"
    );
    let page = page(&app, &m, &format!("/camps/groups/{group}")).await;
    assert!(
        page.contains("4 on site · 2 absent · 0 gone home · 0 not checked in"),
        "{page}"
    );
    // The tap marked nobody twice, and each mark is audited.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE entity = 'camp_day'"
        )
        .await,
        6
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_pick_up_by_someone_not_named_is_stopped_and_audited(pool: SqlitePool) {
    let g = two_groups(&pool).await;
    let app = router(pool.clone(), "camp-pick-up");
    let m = &g.monitor;
    let child = g.my_child;
    let guardians = |camper: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (i64, bool)>(
                "SELECT id, may_collect FROM camp_guardian WHERE camper_id = ? ORDER BY id",
            )
            .bind(camper)
            .fetch_all(&pool)
            .await
            .expect("guardians")
        }
    };
    let mine = guardians(child).await;
    let mother = mine.iter().find(|(_, may)| *may).expect("mother").0;
    let uncle = mine.iter().find(|(_, may)| !*may).expect("uncle").0;
    let stranger = guardians(g.their_child).await[0].0;
    // Not before being checked in.
    let (status, body) = post_as(
        &app,
        m,
        "/api/camp_pick_up",
        format!("group_id={}&camper_id={child}&guardian_id={mother}", g.mine),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    post_as(
        &app,
        m,
        "/api/camp_check_in",
        format!("group_id={}&camper_id={child}&status=present", g.mine),
    )
    .await;
    // The uncle named but not allowed, another child's mother, and someone not on the list.
    for (body, why) in [
        (format!("guardian_id={uncle}"), "not_allowed"),
        (format!("guardian_id={stranger}"), "not_named"),
        ("other=Uncle+Bo".to_owned(), "not_named"),
    ] {
        let (status, text) = post_as(
            &app,
            m,
            "/api/camp_pick_up",
            format!("group_id={}&camper_id={child}&{body}", g.mine),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{text}");
        assert!(text.contains(&format!("camp.stop.{why}")), "{text}");
    }
    let stops = sqlx::query_as::<_, (String, i64)>(
        "SELECT after_json, actor_id FROM audit_log WHERE entity = 'camp_pickup' AND action = 'stop' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .expect("stops");
    assert_eq!(stops.len(), 3, "every attempt is audited");
    assert!(stops[2].0.contains("Uncle Bo"), "{}", stops[2].0);
    let status = count(
        &pool,
        &format!("SELECT count(*) FROM camp_day WHERE camper_id = {child} AND status = 'present'"),
    )
    .await;
    assert_eq!(status, 1, "the child is still on site");
    // Her mother takes her home.
    let (status, body) = post_as(
        &app,
        m,
        "/api/camp_pick_up",
        format!("group_id={}&camper_id={child}&guardian_id={mother}", g.mine),
    )
    .await;
    assert!(
        status.is_redirection() || status.is_success(),
        "{status}: {body}"
    );
    let page = page(&app, m, &format!("/camps/groups/{}", g.mine)).await;
    assert!(page.contains("Collected by Sok Malis 1"), "{page}");
    // And she is not checked in again today.
    let (status, _) = post_as(
        &app,
        m,
        "/api/camp_check_in",
        format!("group_id={}&camper_id={child}&status=present", g.mine),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_child_not_collected_after_the_day_is_an_alert_everywhere_until_handed_over(
    pool: SqlitePool,
) {
    // A camp day that ended at midnight: a child checked in today is already due home.
    let camp = camp_until(&pool, 20, (0, 0)).await;
    let (monitor_id, m) = staff_session(&pool, "camille", &[Role::Monitor]).await;
    let (other_id, other) = staff_session(&pool, "lucas", &[Role::Monitor]).await;
    let mine = group(&pool, camp, "Dolphins", Some(monitor_id)).await;
    group(&pool, camp, "Tigers", Some(other_id)).await;
    let child = register(&pool, camp, mine, 1).await;
    let collected = register(&pool, camp, mine, 2).await;
    let (_, cook) = staff_session(&pool, "cook", &[Role::Canteen]).await;
    let (_, house) = staff_session(&pool, "housemother", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "camp-uncollected");
    let banner = "uncollected-banner";
    assert!(!page(&app, &cook, "/canteen").await.contains(banner));
    for kid in [child, collected] {
        let body = format!("group_id={mine}&camper_id={kid}&status=present");
        let (status, text) = post_as(&app, &m, "/api/camp_check_in", body).await;
        assert!(status.is_redirection() || status.is_success(), "{text}");
    }
    let mother: i64 =
        sqlx::query_scalar("SELECT id FROM camp_guardian WHERE camper_id = ? AND may_collect = 1")
            .bind(collected)
            .fetch_one(&pool)
            .await
            .expect("mother");
    let body = format!("group_id={mine}&camper_id={collected}&guardian_id={mother}");
    post_as(&app, &m, "/api/camp_pick_up", body).await;
    // On the canteen's pages, the monitor's, and first on the dashboard.
    for (cookie, path) in [(&cook, "/canteen"), (&m, "/camps"), (&house, "/roll")] {
        let html = page(&app, cookie, path).await;
        assert!(html.contains(banner), "{path}: {html}");
        assert!(html.contains("Sok Dara 1"), "{path}");
        assert!(
            !html.contains("Sok Dara 2 ("),
            "{path}: the collected child is not named"
        );
    }
    let board = page(&app, &house, "/").await;
    let alert = board.find(banner).expect("on the dashboard");
    assert!(alert < board.find("missing-banner").unwrap_or(usize::MAX));
    assert!(
        alert < board.find("<h1>").expect("heading"),
        "first on the dashboard"
    );
    // Not to a monitor of another group.
    assert!(!page(&app, &other, "/camps").await.contains(banner));
    // Handed over to house staff: the alert ends.
    let body = format!("group_id={mine}&camper_id={child}");
    let (status, text) = post_as(&app, &m, "/api/camp_hand_over", body).await;
    assert!(status.is_redirection() || status.is_success(), "{text}");
    assert!(!page(&app, &cook, "/canteen").await.contains(banner));
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_check_in_sent_again_from_the_outbox_counts_once_and_the_later_mark_stands(
    pool: SqlitePool,
) {
    let camp = camp(&pool, 20).await;
    let (monitor_id, m) = staff_session(&pool, "camille", &[Role::Monitor]).await;
    let group = group(&pool, camp, "Dolphins", Some(monitor_id)).await;
    let child = register(&pool, camp, group, 1).await;
    let app = router(pool.clone(), "camp-outbox");
    let now = chrono::Utc::now().timestamp_millis();
    // Made "absent" a minute ago offline, then "present" just now on another phone.
    let sent = |id: &str, status: &str, waited_ms: i64| {
        format!(
            "group_id={group}&camper_id={child}&status={status}&sent%5Bmark_id%5D={id}&sent%5Bmade_ms%5D={}&sent%5Bsent_ms%5D={}",
            now - waited_ms,
            now
        )
    };
    let json = |body: String| {
        let app = app.clone();
        let m = m.clone();
        async move {
            let request = form_post("/api/camp_check_in")
                .header(header::COOKIE, m)
                .header(header::ACCEPT, "application/json")
                .body(Body::from(body))
                .expect("request");
            let response = send(app, request).await;
            let status = response.status();
            (status, text(response).await)
        }
    };
    let (status, body) = json(sent("phone-b-0000000000000001", "present", 0)).await;
    assert!(status.is_success(), "{body}");
    assert!(body.contains("\"recorded\":\"applied\""), "{body}");
    let (status, body) = json(sent("phone-a-0000000000000001", "absent", 60_000)).await;
    assert!(status.is_success(), "{body}");
    assert!(body.contains("\"recorded\":\"older\""), "{body}");
    // The same mark again, after a lost answer: already recorded, nothing changes.
    let (_, body) = json(sent("phone-a-0000000000000001", "absent", 60_000)).await;
    assert!(body.contains("\"recorded\":\"already\""), "{body}");
    let status: String = sqlx::query_scalar("SELECT status FROM camp_day WHERE camper_id = ?")
        .bind(child)
        .fetch_one(&pool)
        .await
        .expect("status");
    assert_eq!(status, "present");
    let receipts = count(&pool, "SELECT count(*) FROM tablet_mark").await;
    assert_eq!(receipts, 2);
    let older = count(
        &pool,
        "SELECT count(*) FROM audit_log WHERE entity = 'camp_day' AND action = 'mark_older'",
    )
    .await;
    assert_eq!(older, 1);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn meal_counts_follow_check_in(pool: SqlitePool) {
    // The canteen's meals (the demo's breakfast, lunch and dinner); a day camp with lunch.
    let camp = camp(&pool, 20).await;
    let (monitor_id, m) = staff_session(&pool, "camille", &[Role::Monitor]).await;
    let group = group(&pool, camp, "Dolphins", Some(monitor_id)).await;
    let mut children = Vec::new();
    for k in 0..3 {
        children.push(register(&pool, camp, group, k).await);
    }
    let lunch = |pool: SqlitePool, day: NaiveDate| async move {
        let mut conn = pool.acquire().await.expect("connection");
        let (services, days) = app::canteen::counts::counts(&mut conn, day, day)
            .await
            .expect("counts");
        let at = services
            .iter()
            .position(|s| s.name_en == "Lunch")
            .expect("lunch");
        let breakfast = services
            .iter()
            .position(|s| s.name_en == "Breakfast")
            .expect("breakfast");
        let meals = &days[0].meals;
        (meals[at].live.campers, meals[breakfast].live.campers)
    };
    // Tomorrow: the children registered. Today: those checked in, none yet. No breakfast.
    assert_eq!(lunch(pool.clone(), today() + Days::new(1)).await, (3, 0));
    assert_eq!(lunch(pool.clone(), today()).await, (0, 0));
    let app = router(pool.clone(), "camp-meals");
    for (child, status) in children.iter().zip(["present", "present", "absent"]) {
        let body = format!("group_id={group}&camper_id={child}&status={status}");
        let (status, text) = post_as(&app, &m, "/api/camp_check_in", body).await;
        assert!(status.is_redirection() || status.is_success(), "{text}");
    }
    assert_eq!(lunch(pool.clone(), today()).await, (2, 0));
    // The canteen sees them, counted apart from residents and extra heads.
    let (_, cook) = staff_session(&pool, "cook", &[Role::Canteen]).await;
    let html = page(&app, &cook, &format!("/canteen/day?on={}", today())).await;
    assert!(html.contains("Camp children"), "{html}");
    // The kitchen sheet names the camp children with an allergy (peanuts, all three), at the
    // meal their camp provides: today those checked in, tomorrow every one registered.
    let sheet = page(&app, &cook, &format!("/canteen/kitchen?on={}", today())).await;
    assert!(
        sheet.contains("Sok Dara 0") && sheet.contains("Sok Dara 1"),
        "{sheet}"
    );
    assert!(!sheet.contains("Sok Dara 2"), "absent today: {sheet}");
    assert!(sheet.contains("Peanut"), "{sheet}");
    let tomorrow = today() + Days::new(1);
    let sheet = page(&app, &cook, &format!("/canteen/kitchen?on={tomorrow}")).await;
    assert!(sheet.contains("Sok Dara 2"), "{sheet}");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_resident_joins_a_camp_once_and_eats_as_a_resident(pool: SqlitePool) {
    let camp = camp(&pool, 20).await;
    let group = group(&pool, camp, "Dolphins", None).await;
    let (resident, too_old) = {
        let mut conn = pool.acquire().await.expect("connection");
        let (_, beds) = girls_room(&mut conn, "C", "អគារ គ", 2).await;
        let eight = girl("សុខ លីណា", "Sok Lina", 8, "3");
        let fifteen = girl("ចាន់ ធីតា", "Chan Thida", 15, "9");
        (
            housed_since_last_week(&mut conn, &eight, beds[0]).await,
            housed_since_last_week(&mut conn, &fifteen, beds[1]).await,
        )
    };
    let (_, house) = staff_session(&pool, "housemother", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "camp-resident");
    // The form offers the residents within the band only.
    let html = page(&app, &house, &format!("/camps/{camp}")).await;
    assert!(html.contains("Sok Lina"), "{html}");
    assert!(!html.contains("Chan Thida"), "{html}");
    let join = |id: i64| format!("camp_id={camp}&group_id={group}&resident_id={id}");
    let (status, body) = post_as(&app, &house, "/api/camp_add_resident", join(resident)).await;
    assert!(status.is_redirection() || status.is_success(), "{body}");
    let (status, body) = post_as(&app, &house, "/api/camp_add_resident", join(resident)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("problem.camp_already"), "{body}");
    let (status, body) = post_as(&app, &house, "/api/camp_add_resident", join(too_old)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("problem.camp_age"), "{body}");
    let linked: Option<i64> = sqlx::query_scalar("SELECT resident_id FROM camper")
        .fetch_one(&pool)
        .await
        .expect("camper");
    assert_eq!(linked, Some(resident));
    // Checked in at the camp, she still eats as a resident: not counted twice.
    let group_page = page(&app, &house, &format!("/camps/groups/{group}")).await;
    assert!(group_page.contains("Sok Lina"), "{group_page}");
    let camper: i64 = sqlx::query_scalar("SELECT id FROM camper")
        .fetch_one(&pool)
        .await
        .expect("id");
    let body = format!("group_id={group}&camper_id={camper}&status=present");
    let (status, text) = post_as(&app, &house, "/api/camp_check_in", body).await;
    assert!(status.is_redirection() || status.is_success(), "{text}");
    let mut conn = pool.acquire().await.expect("connection");
    let (_, days) = app::canteen::counts::counts(&mut conn, today(), today() + Days::new(1))
        .await
        .expect("counts");
    for day in &days {
        assert!(day.meals.iter().all(|m| m.live.campers == 0));
    }
}

/// A file of children posted from the camp's page, as a browser without JavaScript sends it.
fn upload_campers(cookie: &str, camp: i64, csv: &str) -> axum::http::Request<Body> {
    form_post_as("/api/upload_campers", "multipart/form-data; boundary=XB")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, format!("http://centre.local/camps/{camp}"))
        .header(header::COOKIE, cookie)
        .body(Body::from(format!(
            "--XB\r\nContent-Disposition: form-data; name=\"camp_id\"\r\n\r\n{camp}\r\n--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"campers.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--XB--\r\n"
        )))
        .expect("request")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_spreadsheet_of_children_is_previewed_then_registered_once_never_entering_a_child_twice(
    pool: SqlitePool,
) {
    let this = camp(&pool, 20).await;
    let dolphins = group(&pool, this, "ផ្សោត Dolphins 8–9", None).await;
    // Sok Dara 1 is in this camp already; Sok Dara 2 came to another camp before.
    register(&pool, this, dolphins, 1).await;
    let other = camp(&pool, 20).await;
    let elsewhere = group(&pool, other, "Tigers", None).await;
    register(&pool, other, elsewhere, 2).await;
    let born = |k: usize| {
        model::check_camper(&form(k, 8), today())
            .expect("form")
            .0
            .born_on
    };
    let csv = format!(
        "name_km,name_latin,sex,born_on,group,allergies,guardian1_name,guardian1_phone,guardian1_relationship\n\
         សុខ ដារ៉ា 1,Sok Dara 1,m,{},Dolphins,,Sok Malis,012111001,mother\n\
         សុខ ដារ៉ា 2,Sok Dara 2,f,{},dolphins,peanut,Sok Malis,012111002,mother\n\
         ចាន់ ស្រី,Chan Srey,f,{},Dolphins,,Chan Vy,012111003,grandmother\n\
         ហេង បូ,Heng Bo,m,{},Sharks,,Heng Vy,012111004,mother\n",
        born(1),
        born(2),
        born(3),
        born(4)
    );
    let (_, house) = staff_session(&pool, "housemother", &[Role::HouseStaff]).await;
    let (_, m) = staff_session(&pool, "camille", &[Role::Monitor]).await;
    let app = router(pool.clone(), "camp-import");
    // A monitor may not register children.
    let refused = send(app.clone(), upload_campers(&m, this, &csv)).await;
    assert_eq!(refusal(&refused), app::base::error::AppError::Forbidden);
    let places = "SELECT count(*) FROM camp_place";
    let before = count(&pool, places).await;
    let uploaded = send(app.clone(), upload_campers(&house, this, &csv)).await;
    assert!(uploaded.status().is_redirection(), "{}", uploaded.status());
    let preview = uploaded.headers()[header::LOCATION]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(preview.starts_with("/camps/imports/"), "{preview}");
    // Nothing is registered by the upload: the preview says what confirming will do.
    assert_eq!(count(&pool, places).await, before);
    let html = page(&app, &house, &preview).await;
    for words in [
        "Already in this camp",
        "Came before: found",
        "New child",
        "No group of this camp has this name.",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
    let id = preview.rsplit('/').next().expect("id").to_owned();
    for _ in 0..2 {
        let (status, body) = post_as(
            &app,
            &house,
            "/api/confirm_camper_import",
            format!("id={id}"),
        )
        .await;
        assert!(
            status.is_redirection() || status.is_success(),
            "{status}: {body}"
        );
    }
    // Two registered, once however often it is confirmed; the child who came before is the
    // same camper, not a second one.
    assert_eq!(count(&pool, places).await, before + 2);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM camper WHERE name_latin = 'Sok Dara 2'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE entity = 'camper_import' AND action = 'confirm'"
        )
        .await,
        1
    );
    let done = page(&app, &house, &preview).await;
    assert!(done.contains("Registered: 2."), "{done}");
    // A file without the group column is refused whole, on the camp's page.
    let broken = send(
        app.clone(),
        upload_campers(&house, this, "name_km,name_latin\nក,K\n"),
    )
    .await;
    assert!(broken.status().is_redirection());
    let back = broken.headers()[header::LOCATION].to_str().expect("ascii");
    assert!(back.contains(&format!("/camps/{this}?")), "{back}");
    assert_eq!(
        refusal(&broken).message(),
        app::base::i18n::Key::ImportMissingColumn
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM camper_import").await, 1);
}
