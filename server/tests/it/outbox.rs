//! Marks from a tablet's outbox through the real router: each applied once however often (and
//! however simultaneously) it arrives, and between two tablets the mark made later stands,
//! dated by the tablet's clock within the server's bounds, every one in the audit log.

use std::sync::Arc;

use crate::support::*;
use app::base::access::{Actor, Role, Writer};
use app::base::ui::Marked;
use app::presence::model::{Mark, Resolution};
use app::presence::record::{self, RollMark};
use axum::body::Body;
use axum::http::{StatusCode, header};
use sqlx::SqlitePool;

/// A building with `n` girls in its beds since last week: the building and the girls.
async fn housed(pool: &SqlitePool, n: u32) -> (i64, Vec<i64>) {
    let mut conn = pool.acquire().await.expect("connection");
    let (building, beds) = girls_room(&mut conn, "H", "អគារ ហ", n).await;
    let mut girls = Vec::new();
    for (k, bed) in beds.iter().enumerate() {
        let fields = girl(
            &format!("សុខ ស្រីនាង {k}"),
            &format!("Sok Sreyneang {k}"),
            10,
            "4",
        );
        girls.push(housed_since_last_week(&mut conn, &fields, *bed).await);
    }
    (building, girls)
}

/// A mark as a tablet's outbox sends it: in the background, named and dated by the tablet.
fn outbox_post(cookie: &str, body: String) -> axum::http::Request<Body> {
    form_post("/api/mark_roll")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .expect("request")
}

/// The body of a roll mark for tonight with the tablet's id, and when it was made and sent by
/// the tablet's clock (given in seconds, sent in milliseconds as a tablet does).
fn roll_mark(building: i64, girl: i64, mark: &str, id: &str, (made, sent): (i64, i64)) -> String {
    let night = app::base::clock::today_at_centre();
    format!(
        "building_id={building}&night={night}&resident_id={girl}&mark={mark}&sent[mark_id]={id}&sent[made_ms]={}&sent[sent_ms]={}",
        made * 1000,
        sent * 1000
    )
}

/// Sends a mark and reads the answer: what became of it, and the girl's row as now recorded.
async fn send_mark(app: &axum::Router, cookie: &str, body: String, girl: i64) -> (String, String) {
    let response = send(app.clone(), outbox_post(cookie, body)).await;
    let status = response.status();
    let text = text(response).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let marked: Marked = serde_json::from_str(&text).expect("the roll as JSON");
    let id = format!("r{girl}");
    let row = marked
        .rows
        .iter()
        .find(|row| row.id == id)
        .expect("her row");
    (marked.recorded, row.class.clone())
}

async fn count(pool: &SqlitePool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_mark_arriving_eight_times_at_once_is_applied_once_and_audited_once() {
    // A real database file with the server's settings (WAL, busy timeout), not a test pool.
    let (pool, dir) = file_pool("outbox-race", &app::base::hub::Changes::new()).await;
    let (_, house) = staff_session(&pool, "house", &[Role::HouseStaff]).await;
    let (building, girls) = housed(&pool, 1).await;
    let girl = girls[0];
    let app = router(pool.clone(), "outbox-race");
    let now = app::base::clock::now();
    let body = roll_mark(
        building,
        girl,
        "present",
        "tablet-1-0000000001",
        (now - 30, now),
    );
    let barrier = Arc::new(tokio::sync::Barrier::new(8));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (app, barrier, house, body) =
            (app.clone(), barrier.clone(), house.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            send_mark(&app, &house, body, girl).await
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("task"));
    }
    let applied = answers.iter().filter(|(r, _)| r == "applied").count();
    let already = answers.iter().filter(|(r, _)| r == "already").count();
    assert_eq!((applied, already), (1, 7), "{answers:?}");
    assert!(
        answers.iter().all(|(_, class)| class == "present"),
        "each answer has the mark"
    );
    let kept = count(&pool, "SELECT count(*) FROM tablet_mark").await;
    let audited = count(
        &pool,
        "SELECT count(*) FROM audit_log WHERE entity = 'roll_mark'",
    )
    .await;
    assert_eq!((kept, audited), (1, 1));
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn between_two_tablets_the_mark_made_later_stands_within_the_servers_clock(pool: SqlitePool) {
    let (_, house) = staff_session(&pool, "house", &[Role::HouseStaff]).await;
    let (building, girls) = housed(&pool, 1).await;
    let app = router(pool.clone(), "outbox-merge");
    let girl = girls[0];
    let now = app::base::clock::now();

    // Tablet B, back on the network first, marked her present a minute before sending it: it
    // opens the roll.
    let b = roll_mark(
        building,
        girl,
        "present",
        "tablet-b-0000000001",
        (now - 60, now),
    );
    assert_eq!(
        send_mark(&app, &house, b, girl).await,
        ("applied".into(), "present".into())
    );
    let opened: i64 = sqlx::query_scalar("SELECT opened_at FROM roll_call")
        .fetch_one(&pool)
        .await
        .expect("roll");
    assert!(
        (now - 60..=now - 58).contains(&opened),
        "the roll opened when its first mark was made"
    );

    // Tablet A marked her missing two minutes before, offline: before the roll opened, so
    // older; recorded, and she stays present.
    let a = roll_mark(
        building,
        girl,
        "missing",
        "tablet-a-0000000001",
        (now - 120, now),
    );
    assert_eq!(
        send_mark(&app, &house, a, girl).await,
        ("older".into(), "present".into())
    );
    let (action, after): (String, String) = sqlx::query_as(
        "SELECT action, after_json FROM audit_log WHERE entity = 'roll_mark' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .expect("audit entry");
    assert_eq!(action, "mark_older");
    let after: serde_json::Value = serde_json::from_str(&after).expect("JSON");
    assert_eq!(after["status"], "missing");
    assert_eq!(after["made_ms"], (now - 120) * 1000, "the tablet's times");
    assert_eq!(after["sent_ms"], now * 1000);
    assert_eq!(after["dated_at"], opened, "not before the roll opened");
    assert!(after["received_at"].as_i64().expect("the server's time") >= now);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM roll_mark WHERE status = 'missing'"
        )
        .await,
        0,
        "no alert from the older mark"
    );

    // A tablet whose clock is an hour ahead, marking her missing half a minute before it
    // sends: dated half a minute before it arrived, so later than B's.
    let ahead = (now + 3600 - 30, now + 3600);
    let ahead = roll_mark(building, girl, "missing", "tablet-a-0000000002", ahead);
    assert_eq!(
        send_mark(&app, &house, ahead, girl).await,
        ("applied".into(), "missing".into())
    );
    let marked_at: i64 = sqlx::query_scalar("SELECT marked_at FROM roll_mark")
        .fetch_one(&pool)
        .await
        .expect("mark");
    assert!(
        (now - 30..=app::base::clock::now() - 30).contains(&marked_at),
        "by the server's clock: {marked_at} against {now}"
    );

    // A clock at 1970 when the mark was made, then set right: dated when the roll opened, so
    // older than the mark that stands.
    let reset = roll_mark(building, girl, "present", "tablet-c-0000000001", (0, now));
    assert_eq!(
        send_mark(&app, &house, reset, girl).await,
        ("older".into(), "missing".into())
    );
    let dated: i64 = sqlx::query_scalar("SELECT dated_at FROM tablet_mark WHERE made_ms = 0")
        .fetch_one(&pool)
        .await
        .expect("receipt");
    assert_eq!(dated, opened);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_missing_mark_made_before_the_child_was_found_does_not_raise_the_alert_again(
    pool: SqlitePool,
) {
    let (house_id, _) = staff_session(&pool, "house", &[Role::HouseStaff]).await;
    let (building, girls) = housed(&pool, 1).await;
    let by = Writer {
        actor: Actor::System("test".into()),
        staff_id: Some(house_id),
    };
    let today = app::base::clock::today_at_centre();
    let now = app::base::clock::now();
    let mark = |mark: Mark, sent: Option<(&str, i64)>| RollMark {
        building_id: building,
        night: today,
        who: app::presence::model::Sleeper::Resident(girls[0]),
        mark,
        sent: sent.map(|(id, made)| app::base::outbox::Sent {
            id: id.into(),
            made_ms: made * 1000,
            sent_ms: now * 1000,
            all_present: false,
            made_by: None,
            discard: false,
        }),
    };
    // Missing ten minutes ago, found five minutes ago.
    record::mark(
        &pool,
        &by,
        mark(Mark::Missing, None),
        (now - 600) * 1000,
        today,
    )
    .await
    .expect("missing");
    record::resolve(
        &pool,
        &by,
        app::presence::model::Sleeper::Resident(girls[0]),
        Resolution::Found,
        now - 300,
    )
    .await
    .expect("found");
    // A tablet that was offline marked her missing too, seven minutes ago: it arrives now.
    let late = mark(Mark::Missing, Some(("tablet-a-0000000009", now - 420)));
    let recorded = record::mark(&pool, &by, late, now * 1000, today)
        .await
        .expect("recorded");
    assert_eq!(recorded, app::base::outbox::Recorded::Older);
    let open_alerts = count(
        &pool,
        "SELECT count(*) FROM roll_mark WHERE status = 'missing' AND resolved_at IS NULL",
    )
    .await;
    assert_eq!(open_alerts, 0, "she was found after that mark was made");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_mark_sent_again_after_the_roll_closed_is_already_recorded_and_a_malformed_one_refused(
    pool: SqlitePool,
) {
    let (_, house) = staff_session(&pool, "house", &[Role::HouseStaff]).await;
    let (building, girls) = housed(&pool, 1).await;
    let app = router(pool.clone(), "outbox-closed");
    let girl = girls[0];
    let now = app::base::clock::now();
    let body = roll_mark(
        building,
        girl,
        "present",
        "tablet-a-0000000001",
        (now - 5, now),
    );
    assert_eq!(
        send_mark(&app, &house, body.clone(), girl).await.0,
        "applied"
    );
    let night = app::base::clock::today_at_centre();
    let (status, answer) = post_as(
        &app,
        &house,
        "/api/close_roll",
        format!("building_id={building}&night={night}"),
    )
    .await;
    assert!(
        status.is_success() || status.is_redirection(),
        "closed: {answer}"
    );
    // The answer was lost; the tablet sends the mark again after the roll closed.
    assert_eq!(
        send_mark(&app, &house, body, girl).await,
        ("already".into(), "present".into())
    );

    // A malformed id or time is refused in words, and nothing is written.
    let before = count(&pool, "SELECT count(*) FROM audit_log").await;
    for (id, made_at) in [("short", "1"), ("tablet-a-0000000002", "soon")] {
        let body = format!(
            "building_id={building}&night={night}&resident_id={girl}&mark=missing&sent[mark_id]={id}&sent[made_ms]={made_at}&sent[sent_ms]=1"
        );
        let response = send(app.clone(), outbox_post(&house, body)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let wire = serde_json::to_string(&app::base::error::AppError::invalid(
            "mark_id",
            app::base::i18n::Key::ProblemMarkSent,
        ))
        .expect("JSON");
        assert_eq!(text(response).await, wire);
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM audit_log").await, before);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn an_all_present_made_offline_marks_only_the_children_still_unmarked(pool: SqlitePool) {
    let (_, house) = staff_session(&pool, "house", &[Role::HouseStaff]).await;
    let (building, girls) = housed(&pool, 2).await;
    let app = router(pool.clone(), "outbox-all-present");
    let now = app::base::clock::now();
    // Another tablet, online, marks the first girl missing.
    let missing = roll_mark(
        building,
        girls[0],
        "missing",
        "tablet-b-0000000001",
        (now, now),
    );
    assert_eq!(
        send_mark(&app, &house, missing, girls[0]).await.0,
        "applied"
    );
    // This tablet, offline, tapped "all present" later: each row it saw unmarked is sent as a
    // present that only fills an unmarked child.
    let present = |girl: i64, id: &str| {
        roll_mark(building, girl, "present", id, (now + 600, now + 620)) + "&sent[all_present]=1"
    };
    let first = present(girls[0], "tablet-a-0000000001");
    assert_eq!(
        send_mark(&app, &house, first, girls[0]).await,
        ("older".into(), "missing".into()),
        "the missing mark stands: the alert is not hidden"
    );
    let second = present(girls[1], "tablet-a-0000000002");
    assert_eq!(
        send_mark(&app, &house, second, girls[1]).await,
        ("applied".into(), "present".into())
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn marks_left_by_someone_who_signed_out_are_sent_under_the_next_name_or_discarded_audited(
    pool: SqlitePool,
) {
    let (dara, _) = staff_session(&pool, "dara", &[Role::HouseStaff]).await;
    let (_, sokha) = staff_session(&pool, "sokha", &[Role::HouseStaff]).await;
    let (building, girls) = housed(&pool, 2).await;
    let app = router(pool.clone(), "outbox-others");
    let now = app::base::clock::now();

    // Dara marked both girls offline and signed out; Sokha signs in on that tablet and sends
    // the first under her name: applied, and the audit entry says who made it.
    let sent = roll_mark(
        building,
        girls[0],
        "present",
        "tablet-d-0000000001",
        (now - 90, now),
    ) + &format!("&sent[made_by]={dara}");
    assert_eq!(
        send_mark(&app, &sokha, sent, girls[0]).await,
        ("applied".into(), "present".into())
    );
    let (actor, after): (String, String) = sqlx::query_as(
        "SELECT actor_label, after_json FROM audit_log WHERE entity = 'roll_mark' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .expect("audit entry");
    assert_eq!(
        actor, "sokha",
        "sent under the name of whoever is signed in"
    );
    let after: serde_json::Value = serde_json::from_str(&after).expect("JSON");
    assert_eq!(after["made_by"], dara);

    // She discards the second: recorded and audited, never applied, however often it arrives.
    let discarded = || {
        roll_mark(
            building,
            girls[1],
            "missing",
            "tablet-d-0000000002",
            (now - 80, now),
        ) + &format!("&sent[made_by]={dara}&sent[discard]=1")
    };
    assert_eq!(
        send_mark(&app, &sokha, discarded(), girls[1]).await,
        ("discarded".into(), "unmarked".into())
    );
    assert_eq!(
        send_mark(&app, &sokha, discarded(), girls[1]).await,
        ("already".into(), "unmarked".into())
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM roll_mark WHERE status = 'missing'"
        )
        .await,
        0,
        "no alert from a discarded mark"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE action = 'mark_discarded' AND actor_label = 'sokha'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM tablet_mark WHERE id = 'tablet-d-0000000002' AND applied = 0"
        )
        .await,
        1
    );
}
