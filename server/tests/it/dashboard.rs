//! The dashboard through the real router and on the demo data: its summed figures agree with
//! each domain's own reading, each role sees its sections only, and a write on one tablet
//! reaches the open dashboards that show it, over `/live`, and only those.

use std::time::Duration;

use crate::support::*;
use app::base::access::Role;
use app::base::changes::Topics;
use app::base::hub::Changes;
use app::dashboard::model::Section;
use app::presence::model::{instant, roll_time, tally};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Days, NaiveDate};
use futures_util::StreamExt;
use sqlx::SqlitePool;

fn today() -> NaiveDate {
    app::base::clock::today_at_centre()
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_summed_figures_agree_with_each_domains_own_reading(pool: SqlitePool) {
    seeded(&pool).await;
    let today = today();
    let at = instant(today, roll_time());
    let mut conn = pool.acquire().await.expect("connection");

    // The roll, building by building, as the roll page counts it row by row.
    let (rolls, tonight) = app::dashboard::repo::rolls(&mut conn, today, at)
        .await
        .expect("rolls");
    assert!(!rolls.is_empty(), "the demo has buildings with residents");
    let mut housed = 0;
    for roll in &rolls {
        let rows = app::presence::repo::roll_rows(&mut conn, roll.building_id, today, at, at)
            .await
            .expect("rows");
        assert_eq!(roll.tally, tally(&rows), "building {}", roll.name.latin);
        housed += rows.len() as i64;
    }
    assert_eq!(tonight.housed, housed);
    let present = app::presence::repo::present_at(&mut conn, at)
        .await
        .expect("present");
    assert_eq!(tonight.present(), present.len() as i64);

    // Without a bed: the waiting list.
    let waiting = app::residents::repo::waiting_list(&mut conn, today)
        .await
        .expect("waiting list");
    assert_eq!(
        app::dashboard::repo::unhoused(&mut conn)
            .await
            .expect("unhoused"),
        waiting.len() as i64
    );

    // Last night of the occupancy chart: the occupancy page's figures, by facility.
    let history = app::dashboard::repo::occupancy_history(&mut conn, today - Days::new(29), today)
        .await
        .expect("history");
    assert_eq!(history.nights.len(), 30);
    let occupancy = app::housing::repo::occupancy(&mut conn, today)
        .await
        .expect("occupancy");
    let (last_night, counts) = history.nights.last().expect("a night");
    assert_eq!(*last_night, today);
    for ((name, beds), occupied) in history.facilities.iter().zip(counts) {
        let rows = occupancy.iter().filter(|r| r.facility_latin == name.latin);
        let (b, o) = rows.fold((0, 0), |(b, o), r| (b + r.beds, o + r.occupied));
        assert_eq!((*beds, *occupied), (b, o), "{}", name.latin);
    }

    // Today's visits and the queue, as the visits pages list them.
    let visits = app::dashboard::repo::visits_on(&mut conn, today)
        .await
        .expect("visits");
    let filter = app::visits::model::BookingFilter {
        on: Some(today),
        ..Default::default()
    };
    let bookings = app::visits::repo::bookings(&mut conn, &filter)
        .await
        .expect("bookings");
    let confirmed: Vec<_> = bookings
        .iter()
        .filter(|b| b.status == app::visits::model::Status::Confirmed)
        .collect();
    assert!(visits.day_id.is_some(), "the demo has a visit day today");
    assert_eq!(visits.booked, confirmed.len() as i64);
    assert_eq!(
        visits.checked_in,
        confirmed
            .iter()
            .filter(|b| b.checked_in_at.is_some())
            .count() as i64
    );
    assert!(visits.checked_in > 0, "the demo has visitors in already");
    let queue = app::visits::model::BookingFilter {
        queue: true,
        today: Some(today),
        ..Default::default()
    };
    let queued = app::visits::repo::bookings(&mut conn, &queue)
        .await
        .expect("queue");
    assert_eq!(
        app::dashboard::repo::review_queue(&mut conn, today)
            .await
            .expect("queue count"),
        queued.len() as i64
    );

    // Meals: the canteen's counts for today and tomorrow.
    drop(conn);
    let admin = app::base::access::CurrentStaff {
        id: 1,
        login: "director".into(),
        display_name: "Director".into(),
        language: app::base::i18n::Lang::En,
        roles: vec![Role::Admin],
    };
    let dashboard =
        app::dashboard::read::shared(&pool, &app::base::hub::Changes::new(), &admin, today)
            .await
            .expect("dashboard");
    let mut conn = pool.acquire().await.expect("connection");
    let (_, days) = app::canteen::counts::counts(&mut conn, today, today + Days::new(1))
        .await
        .expect("counts");
    let meals = dashboard.meals.expect("the admin sees meals");
    assert_eq!(meals.days.len(), 2);
    assert_eq!(meals.history.len(), 28);
    for (shown, counted) in meals.days.iter().zip(&days) {
        assert_eq!(shown.day, counted.day);
        let expected: Vec<i64> = counted.meals.iter().map(|m| m.expected()).collect();
        let figures: Vec<i64> = shown.meals.iter().map(|m| m.expected).collect();
        assert_eq!(figures, expected);
        assert!(figures.iter().any(|n| *n > 0), "the demo feeds residents");
    }
    assert!(
        meals.history.iter().filter(|d| d.served.is_some()).count() >= 20,
        "the demo recorded most served figures"
    );
    let homework = dashboard.homework.expect("the admin sees homework");
    assert_eq!(homework.weeks.len(), 8);
    assert!(
        homework.weeks.iter().any(|w| w.marked > 0),
        "the demo marked sessions"
    );
}

/// The first building with a roll tonight, and a resident there not marked yet nor away.
async fn unmarked(pool: &SqlitePool) -> (i64, i64) {
    let today = today();
    let at = instant(today, roll_time());
    let mut conn = pool.acquire().await.expect("connection");
    let (rolls, _) = app::dashboard::repo::rolls(&mut conn, today, at)
        .await
        .expect("rolls");
    let building = rolls[0].building_id;
    let rows = app::presence::repo::roll_rows(&mut conn, building, today, at, at)
        .await
        .expect("rows");
    let resident = rows
        .iter()
        .find(|r| r.away.is_none() && r.mark.is_none())
        .expect("someone unmarked");
    match resident.who {
        app::presence::model::Sleeper::Resident(id) => (building, id),
        other => panic!("a resident, not {other:?}"),
    }
}

/// Who sees which section of `/`, by the ids of the sections.
#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn each_role_sees_the_sections_of_its_work(pool: SqlitePool) {
    seeded(&pool).await;
    let ids = [
        (Section::Residents, "id=\"dash-roll\""),
        (Section::Meals, "id=\"dash-meals\""),
        (Section::Homework, "id=\"dash-homework\""),
        (Section::Visits, "id=\"dash-visits\""),
        (Section::Review, "id=\"dash-review\""),
    ];
    // A child marked missing tonight: an alert at the top for every role, until resolved.
    let (house_id, _) = staff_session(&pool, "t-marker", &[Role::HouseStaff]).await;
    let today = today();
    let (building, missing) = unmarked(&pool).await;
    let by = app::base::access::Writer {
        actor: app::base::access::Actor::System("test".into()),
        staff_id: Some(house_id),
    };
    let now = chrono::Utc::now().timestamp();
    let mark = app::presence::model::Mark::Missing;
    let roll_mark = app::presence::record::RollMark {
        building_id: building,
        night: today,
        who: app::presence::model::Sleeper::Resident(missing),
        mark,
        sent: None,
    };
    app::presence::record::mark(&pool, &by, roll_mark, now * 1000, today)
        .await
        .expect("marked missing");
    let alert = format!("<a href=\"/residents/{missing}\">");

    for (login, role) in [
        ("t-admin", Role::Admin),
        ("t-house", Role::HouseStaff),
        ("t-canteen", Role::Canteen),
        ("t-tutor", Role::Tutor),
        ("t-social", Role::SocialTeam),
    ] {
        let (_, cookie) = staff_session(&pool, login, &[role]).await;
        let request = Request::get("/")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request");
        let response = send(router(pool.clone(), "dashboard-roles"), request).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page = text(response).await;
        for (section, id) in ids {
            assert_eq!(
                page.contains(id),
                section.seen_by(&[role]),
                "{role:?} and {section:?}"
            );
        }
        let top = page.find("dash-alert").expect("the alert");
        assert!(
            top < page.find("dash-tonight").expect("figures"),
            "the alert comes first"
        );
        assert!(page[top..].contains(&alert), "{role:?} sees who is missing");
        // The occupancy chart is everyone's; each other chart goes with its section.
        assert!(page.contains("id=\"chart-occupancy\""), "{role:?}");
        assert!(
            page.contains("dashboard-occupancy-chart-title"),
            "drawn for {role:?}"
        );
        assert_eq!(
            page.contains("id=\"chart-meals\""),
            Section::Meals.seen_by(&[role])
        );
        assert_eq!(
            page.contains("id=\"chart-homework\""),
            Section::Homework.seen_by(&[role])
        );
    }

    // Nobody signed in gets the centre's public summary, and no figure about children.
    let page = text(send(router(pool.clone(), "dashboard-roles"), get("/")).await).await;
    assert!(page.contains("សាលាស្នាក់នៅភ្នំពេញ"), "{page}");
    assert!(!page.contains("dash-roll") && !page.contains("dash-tonight"));
    // It has nothing interactive: no island, no script.
    assert!(
        !page.contains("<leptos-island") && !page.contains(".wasm"),
        "{page}"
    );
}

/// Reads `/live` until an event named `kind` arrives, or `wait` passes; returns its data.
async fn next_event(
    body: &mut (impl futures_util::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
    kind: &str,
    wait: Duration,
) -> Option<String> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut seen = String::new();
    loop {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .ok()??
            .ok()?;
        seen.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = seen.find("\n\n") {
            let event: String = seen.drain(..end + 2).collect();
            if event.lines().any(|line| line == format!("event: {kind}")) {
                return event
                    .lines()
                    .find_map(|line| line.strip_prefix("data: "))
                    .map(str::to_owned);
            }
        }
    }
}

fn live_request(cookie: &str) -> Request<Body> {
    Request::get("/live")
        .header(header::COOKIE, cookie)
        // As a browser asks: the stream must come back uncompressed all the same.
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .body(Body::empty())
        .expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mark_on_one_tablet_reaches_the_dashboards_that_show_it() {
    // A real database file whose connections report their commits, as the server runs it.
    let changes = Changes::new();
    let (pool, dir) = file_pool("live-http", &changes).await;
    seeded(&pool).await;
    let app = router_with(pool.clone(), "dashboard-live", false, changes.clone());

    // Nobody may listen.
    let refused = send(app.clone(), get("/live")).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    let (_, house) = staff_session(&pool, "live-house", &[Role::HouseStaff]).await;
    let (_, tutor) = staff_session(&pool, "live-tutor", &[Role::Tutor]).await;
    let (_, social) = staff_session(&pool, "live-social", &[Role::SocialTeam]).await;
    let open = |cookie: String| {
        let app = app.clone();
        async move {
            let response = send(app, live_request(&cookie)).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(
                response.headers()[header::CONTENT_TYPE],
                "text/event-stream",
                "an event stream, not compressed or buffered"
            );
            assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
            response.into_body().into_data_stream()
        }
    };
    let mut tutor_stream = open(tutor.clone()).await;
    let mut social_stream = open(social.clone()).await;
    let hello = next_event(&mut tutor_stream, "hello", Duration::from_secs(2))
        .await
        .expect("hello on connecting");
    assert_eq!(hello, changes.version().encode());
    next_event(&mut social_stream, "hello", Duration::from_secs(2))
        .await
        .expect("hello");

    // The house staff marks a resident present on the roll: a presence change.
    let today = today();
    let (building, resident) = unmarked(&pool).await;
    let mark = form_post("/api/mark_roll")
        .header(header::COOKIE, &house)
        .body(Body::from(format!(
            "building_id={building}&night={today}&resident_id={resident}&mark=present"
        )))
        .expect("request");
    let marked = send(app.clone(), mark).await;
    assert!(marked.status().is_redirection() || marked.status().is_success());

    // The tutor's dashboard (homework sees presence: away pupils are excused) hears of it.
    let change = next_event(&mut tutor_stream, "change", Duration::from_secs(2))
        .await
        .expect("the change within 2 s");
    assert_eq!(change, changes.version().encode());
    // So does the social team's (presence figures are everyone's).
    next_event(&mut social_stream, "change", Duration::from_secs(2))
        .await
        .expect("the change");

    // A check-in at the gate is for the dashboards that show visits, not the tutor's.
    sqlx::query!(
        "UPDATE visit_booking SET checked_in_at = unixepoch()
         WHERE id = (SELECT min(id) FROM visit_booking WHERE status = 'confirmed')",
    )
    .execute(&pool)
    .await
    .expect("check-in");
    assert_eq!(
        Topics::of_table("visit_booking"),
        Topics::VISITS,
        "a check-in is a visits change"
    );
    next_event(&mut social_stream, "change", Duration::from_secs(2))
        .await
        .expect("the social team hears of it");
    assert!(
        next_event(&mut tutor_stream, "change", Duration::from_millis(600))
            .await
            .is_none(),
        "a tutor does not"
    );

    // A reconnecting dashboard is told the live version at once, and so catches up.
    let mut again = open(tutor).await;
    let hello = next_event(&mut again, "hello", Duration::from_secs(2))
        .await
        .expect("hello");
    assert_eq!(hello, changes.version().encode());

    changes.close();
    pool.close().await;
    std::fs::remove_dir_all(dir).ok();
}
