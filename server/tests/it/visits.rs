//! Family visits through the real router: five hundred families racing for a slot's last
//! places, a family trying other families' ids, the booking rules, bookings looked at again
//! when a permission changes, the gate, home stays, family-day meal heads, and a portal that
//! loads no WASM.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::*;
use app::base::access::Actor;
use app::base::access::Role;
use app::base::access::Writer;
use app::base::i18n::{I18n, Key, Lang};
use app::base::session::{self, Owner};
use app::visits::model::{ContactInput, DayInput, Level, PermissionInput, Relationship};
use app::visits::portal::model::{BookingForm, Portal};
use app::visits::record::{self, Booked};
use axum::http::{StatusCode, header};
use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use sqlx::SqlitePool;

fn today() -> NaiveDate {
    app::base::clock::today_at_centre()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn khmer(key: Key) -> &'static str {
    I18n { lang: Lang::Km }.t(key)
}

/// The social team member who records every fixture, signed in.
struct Office {
    cookie: String,
    by: Writer,
}

async fn office(pool: &SqlitePool) -> Office {
    let (id, cookie) = staff_session(pool, "social", &[Role::SocialTeam]).await;
    Office {
        cookie,
        by: Writer {
            actor: Actor::Staff {
                id,
                login: "social".into(),
            },
            staff_id: Some(id),
        },
    }
}

/// A girl of the boarding school.
async fn child(pool: &SqlitePool, name_km: &str, name_latin: &str) -> i64 {
    let fields = girl(name_km, name_latin, 10, "4");
    let mut conn = pool.acquire().await.expect("connection");
    app::residents::repo::insert(&mut conn, &fields)
        .await
        .expect("resident")
}

/// Nobody types a PIN in these tests (sessions start directly), so a family's stored hash is
/// a stand-in of the right form rather than an Argon2 run per family.
const PIN_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$dGVzdHNhbHQ$dGVzdGhhc2hoYXNo";

async fn family(pool: &SqlitePool, name: &str, phone: &str) -> i64 {
    sqlx::query_scalar!(
        r#"INSERT INTO family (display_name, phone, pin_hash) VALUES (?, ?, ?)
           RETURNING id AS "id!: i64""#,
        name,
        phone,
        PIN_HASH
    )
    .fetch_one(pool)
    .await
    .expect("family")
}

/// A session cookie for the family, its pages in Khmer.
async fn family_cookie(pool: &SqlitePool, family: i64) -> String {
    let mut conn = pool.acquire().await.expect("connection");
    let token = session::start(&mut conn, Owner::Family(family), now())
        .await
        .expect("session");
    format!("sid={token}; lang=km")
}

async fn contact(
    pool: &SqlitePool,
    office: &Office,
    family: i64,
    names: (&str, &str),
    relationship: Relationship,
    phone: Option<&str>,
) -> i64 {
    let input = ContactInput {
        name_km: names.0.into(),
        name_latin: names.1.into(),
        relationship,
        phone: phone.map(str::to_owned),
        id_document: None,
    };
    record::save_contact(pool, &office.by, family, None, &input)
        .await
        .expect("contact")
}

async fn link(pool: &SqlitePool, office: &Office, family: i64, child: i64) {
    record::link_child(pool, &office.by, family, child, 1, false)
        .await
        .expect("link");
}

async fn permit(pool: &SqlitePool, office: &Office, contact: i64, child: i64, level: Level) {
    let input = PermissionInput {
        level,
        reason: "Home visit by the social team".into(),
        decided_on: today(),
    };
    record::set_permission(pool, &office.by, contact, child, &input, today(), now())
        .await
        .expect("permission");
}

/// A family with one child, and the mother holding the family's phone, allowed to visit her.
struct Household {
    family: i64,
    child: i64,
    mother: i64,
    cookie: String,
}

async fn household(pool: &SqlitePool, office: &Office, n: usize) -> Household {
    let phone = format!("012{n:06}");
    let family = family(pool, &format!("Family {n}"), &phone).await;
    let child = child(pool, &format!("កុមារី {n}"), &format!("Child {n}")).await;
    let mother = contact(
        pool,
        office,
        family,
        (&format!("ម្ដាយ {n}"), &format!("Mother {n}")),
        Relationship::Mother,
        Some(&phone),
    )
    .await;
    link(pool, office, family, child).await;
    permit(pool, office, mother, child, Level::Allowed).await;
    Household {
        family,
        child,
        mother,
        cookie: family_cookie(pool, family).await,
    }
}

/// A visit day of at most three adults a booking, with one slot of `capacity` places from
/// 09:00 to 11:00; booking opens on `opens_on` and closes on `closes_on` at 18:00.
async fn visit_day(
    pool: &SqlitePool,
    office: &Office,
    day: NaiveDate,
    (opens_on, closes_on): (NaiveDate, NaiveDate),
    meal: Option<i64>,
    capacity: i64,
) -> (i64, i64) {
    let input = DayInput {
        day,
        opens_on,
        closes_on,
        closes_time: NaiveTime::from_hms_opt(18, 0, 0).expect("time"),
        max_adults: 3,
        meal_service_id: meal,
        note: String::new(),
    };
    let day_id = record::save_day(pool, &office.by, None, &input)
        .await
        .expect("visit day");
    let slot = (
        NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
        NaiveTime::from_hms_opt(11, 0, 0).expect("time"),
        capacity,
    );
    let slot_id = record::save_slot(pool, &office.by, day_id, None, slot)
        .await
        .expect("slot");
    (day_id, slot_id)
}

/// A visit day `day` whose booking is open now: from today until the day before, 18:00.
async fn open_day(pool: &SqlitePool, office: &Office, day: NaiveDate, meal: Option<i64>) -> i64 {
    let window = (today(), day - Days::new(1));
    visit_day(pool, office, day, window, meal, 20).await.1
}

/// Books directly (not through HTTP) for `family`, as staff taking a phone call.
async fn book_directly(
    pool: &SqlitePool,
    office: &Office,
    family: i64,
    (slot, children, lead): (i64, &[i64], i64),
    (today, now): (NaiveDate, i64),
) -> i64 {
    let request = app::visits::model::BookingRequest {
        slot_id: slot,
        children: children.iter().copied().collect(),
        contact_id: lead,
        adults: 1,
        meal_heads: 0,
    };
    let booked = Booked {
        family_id: family,
        request: &request,
        moving: None,
    };
    record::book(pool, &office.by, &booked, today, now)
        .await
        .expect("booking")
}

/// What the router answered.
struct Answer {
    status: StatusCode,
    body: String,
    location: Option<String>,
}

impl Answer {
    /// A successful form post: the page it sends the browser to.
    fn done(&self) -> &str {
        assert!(
            self.status.is_success() || self.status.is_redirection(),
            "{} {}",
            self.status,
            self.body
        );
        self.location.as_deref().expect("a Location to go to")
    }

    /// A refusal with `status` and the translation key `key` in its body.
    fn refused(&self, status: StatusCode, key: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(self.body.contains(key), "{key} in {}", self.body);
        assert!(self.location.is_none(), "a refusal goes nowhere");
    }
}

async fn post(app: &axum::Router, cookie: &str, path: &str, body: String) -> Answer {
    let response = post_response(app, cookie, path, body).await;
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|value| value.to_str().expect("ASCII").to_owned());
    Answer {
        status,
        body: text(response).await,
        location,
    }
}

/// The `book_visit` form: the slot, the ticked children, the lead, adults and meal heads.
fn book_form(slot: i64, children: &[i64], lead: i64, adults: i64, meal_heads: i64) -> String {
    let mut body = format!(
        "form[slot]={slot}&form[contact]={lead}&form[adults]={adults}&form[meal_heads]={meal_heads}"
    );
    for child in children {
        body.push_str(&format!("&form[child][{child}]=on"));
    }
    body
}

/// The booking a family's successful `book_visit` sends it to: `/family?booked=<id>#b<id>`.
fn booked_id(location: &str) -> i64 {
    location
        .split("booked=")
        .nth(1)
        .and_then(|rest| rest.split(['#', '&']).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a booking id in {location}"))
}

async fn bookings_of(pool: &SqlitePool, family: i64) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM visit_booking WHERE family_id = ?"#,
        family
    )
    .fetch_one(pool)
    .await
    .expect("count")
}

async fn status_of(pool: &SqlitePool, booking: i64) -> (String, Option<String>) {
    let row = sqlx::query!(
        "SELECT status, notice FROM visit_booking WHERE id = ?",
        booking
    )
    .fetch_one(pool)
    .await
    .expect("booking");
    (row.status, row.notice)
}

async fn audited(pool: &SqlitePool, entity: &str, entity_id: i64, action: &str) -> i64 {
    let entity_id = entity_id.to_string();
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log
           WHERE entity = ? AND entity_id = ? AND action = ?"#,
        entity,
        entity_id,
        action
    )
    .fetch_one(pool)
    .await
    .expect("audit")
}

/// Two days of one calendar month, both open for booking now.
fn two_days_in_a_month() -> (NaiveDate, NaiveDate) {
    let first = today() + Days::new(5);
    let next = first + Days::new(1);
    if next.month() == first.month() {
        (first, next)
    } else {
        (first, first - Days::new(1))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_families_racing_for_twenty_places_leave_exactly_twenty_bookings() {
    // A real database file with the server's settings (WAL, busy timeout, 8 connections).
    let (pool, dir) = file_pool("visit-race", &app::base::hub::Changes::new()).await;
    let office = office(&pool).await;
    const PLACES: i64 = 100;
    const TAKEN: usize = 80;
    const RACERS: usize = 500;
    let slot = visit_day(
        &pool,
        &office,
        today() + Days::new(5),
        (today(), today() + Days::new(4)),
        None,
        PLACES,
    )
    .await
    .1;
    let mut families = Vec::new();
    for n in 0..TAKEN + RACERS {
        families.push(household(&pool, &office, n).await);
    }
    for early in &families[..TAKEN] {
        book_directly(
            &pool,
            &office,
            early.family,
            (slot, &[early.child], early.mother),
            (today(), now()),
        )
        .await;
    }
    let app = router(pool.clone(), "visit-race");
    let barrier = Arc::new(tokio::sync::Barrier::new(RACERS));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for racer in &families[TAKEN..] {
        let (app, barrier) = (app.clone(), barrier.clone());
        let cookie = racer.cookie.clone();
        let body = book_form(slot, &[racer.child], racer.mother, 1, 0);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let asked = Instant::now();
            let answer = post(&app, &cookie, "/api/book_visit", body).await;
            (answer, asked.elapsed())
        }));
    }
    let (mut booked, mut full, mut slowest) = (0, 0, Duration::ZERO);
    let mut faults = Vec::new();
    let mut other = Vec::new();
    for task in tasks {
        let (answer, took) = task.await.expect("task");
        slowest = slowest.max(took);
        if answer.status.is_server_error() {
            faults.push(format!("{} {}", answer.status, answer.body));
        } else if answer.location.is_some()
            && (answer.status.is_success() || answer.status.is_redirection())
        {
            booked += 1;
        } else if answer.status == StatusCode::CONFLICT && answer.body.contains("problem.slot_full")
        {
            full += 1;
        } else {
            other.push(format!("{} {}", answer.status, answer.body));
        }
    }
    let elapsed = started.elapsed();
    println!(
        "visit race: {RACERS} families, {} places left: {booked} booked, {full} refused full \
         (409), {} server errors, {} other answers; {elapsed:.2?} in all, slowest answer \
         {slowest:.2?}",
        PLACES as usize - TAKEN,
        faults.len(),
        other.len()
    );
    assert!(faults.is_empty(), "server errors: {faults:#?}");
    assert!(other.is_empty(), "unexpected answers: {other:#?}");
    assert_eq!(booked, 20, "exactly the places left were taken");
    assert_eq!(full, RACERS - 20);
    let holding = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM visit_booking
           WHERE slot_id = ? AND status IN ('pending', 'confirmed')"#,
        slot
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(holding, PLACES);
    let first_racer = families[TAKEN].family;
    let new = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM visit_booking
           WHERE slot_id = ? AND status IN ('pending', 'confirmed') AND family_id >= ?"#,
        slot,
        first_racer
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(new, 20);
    let stored = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM visit_booking"#)
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(stored, PLACES, "a refused booking leaves nothing behind");
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_family_naming_another_familys_child_booking_or_contact_finds_nothing(pool: SqlitePool) {
    let office = office(&pool).await;
    let slot = open_day(&pool, &office, today() + Days::new(5), None).await;
    let a = household(&pool, &office, 1).await;
    let b = household(&pool, &office, 2).await;
    let (b_km, b_latin) = ("កុមារី 2", "Child 2");
    let b_booking = book_directly(
        &pool,
        &office,
        b.family,
        (slot, &[b.child], b.mother),
        (today(), now()),
    )
    .await;
    // A second child of A's: her grandmother may visit her, but the mother, who holds the
    // family's phone, is barred, so the account never sees her.
    let hidden = child(&pool, "សុខ ស្រីនាង", "Sok Sreyneang").await;
    link(&pool, &office, a.family, hidden).await;
    let grandmother = contact(
        &pool,
        &office,
        a.family,
        ("យាយ សុខ", "Grandmother Sok"),
        Relationship::Grandmother,
        None,
    )
    .await;
    permit(&pool, &office, grandmother, hidden, Level::Allowed).await;
    permit(&pool, &office, a.mother, hidden, Level::Barred).await;
    let app = router(pool.clone(), "visit-tampering");

    // B's child, B's booking to cancel or move, B's contact to lead: none of them exists for A.
    let answer = post(
        &app,
        &a.cookie,
        "/api/book_visit",
        book_form(slot, &[b.child], a.mother, 1, 0),
    )
    .await;
    answer.refused(StatusCode::NOT_FOUND, "NotFound");
    let answer = post(
        &app,
        &a.cookie,
        "/api/book_visit",
        book_form(slot, &[a.child, b.child], a.mother, 1, 0),
    )
    .await;
    answer.refused(StatusCode::NOT_FOUND, "NotFound");
    let answer = post(
        &app,
        &a.cookie,
        "/api/cancel_visit",
        format!("booking={b_booking}"),
    )
    .await;
    answer.refused(StatusCode::NOT_FOUND, "NotFound");
    let moving = format!(
        "{}&form[moving]={b_booking}",
        book_form(slot, &[a.child], a.mother, 1, 0)
    );
    let answer = post(&app, &a.cookie, "/api/book_visit", moving).await;
    answer.refused(StatusCode::NOT_FOUND, "NotFound");
    let answer = post(
        &app,
        &a.cookie,
        "/api/book_visit",
        book_form(slot, &[a.child], b.mother, 1, 0),
    )
    .await;
    answer.refused(StatusCode::NOT_FOUND, "NotFound");
    // The hidden child cannot be booked either, even with the grandmother who may visit her.
    let answer = post(
        &app,
        &a.cookie,
        "/api/book_visit",
        book_form(slot, &[hidden], grandmother, 1, 0),
    )
    .await;
    answer.refused(StatusCode::NOT_FOUND, "NotFound");
    assert_eq!(
        bookings_of(&pool, a.family).await,
        0,
        "nothing stored for A"
    );
    assert_eq!(
        status_of(&pool, b_booking).await,
        ("confirmed".to_owned(), None),
        "B's booking unchanged"
    );
    assert_eq!(bookings_of(&pool, b.family).await, 1);

    // What A sees: its own child only, on the portal and on the booking form.
    let answer = post(
        &app,
        &a.cookie,
        "/api/get_booking_form",
        format!("slot={slot}"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let form: BookingForm = serde_json::from_str(&answer.body).expect("a booking form");
    let children: Vec<i64> = form.children.iter().map(|c| c.id).collect();
    assert_eq!(children, [a.child]);
    let visitors: Vec<i64> = form.visitors.iter().map(|v| v.id).collect();
    assert_eq!(
        visitors,
        [a.mother],
        "the grandmother may visit no child A sees"
    );
    let answer = post(&app, &a.cookie, "/api/get_portal", String::new()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let portal: Portal = serde_json::from_str(&answer.body).expect("a portal");
    let children: Vec<i64> = portal.children.iter().map(|c| c.id).collect();
    assert_eq!(children, [a.child]);
    assert!(portal.bookings.is_empty());
    for uri in ["/family".to_owned(), format!("/family/book?slot={slot}")] {
        let html = page(&app, &a.cookie, &uri).await;
        assert!(html.contains("Child 1"), "{uri} names A's child");
        for name in [b_km, b_latin, "Sok Sreyneang", "សុខ ស្រីនាង"] {
            assert!(!html.contains(name), "{uri} names {name}");
        }
    }
    assert!(
        !page(&app, &a.cookie, "/family")
            .await
            .contains(&format!("id=\"b{b_booking}\"")),
        "B's booking is not on A's portal"
    );

    // A family whose only contact has no decision has nothing to book, and sees no visit day.
    let c_family = family(&pool, "Family 3", "012000003").await;
    let c_child = child(&pool, "កុមារី 3", "Child 3").await;
    link(&pool, &office, c_family, c_child).await;
    contact(
        &pool,
        &office,
        c_family,
        ("ម្ដាយ 3", "Mother 3"),
        Relationship::Mother,
        Some("012000003"),
    )
    .await;
    let c_cookie = family_cookie(&pool, c_family).await;
    let html = page(&app, &c_cookie, "/family").await;
    assert!(html.contains(khmer(Key::FamilyNothingToBook)), "{html}");
    assert!(!html.contains("/family/book?slot="), "no slot to book");
    assert!(!html.contains("Child 3"));
    // Visit days are published (A sees one), but not to this family.
    assert!(
        page(&app, &a.cookie, "/family")
            .await
            .contains("/family/book?slot=")
    );
    let answer = post(&app, &c_cookie, "/api/get_portal", String::new()).await;
    let portal: Portal = serde_json::from_str(&answer.body).expect("a portal");
    assert!(portal.children.is_empty() && portal.days.is_empty());
    let answer = post(
        &app,
        &c_cookie,
        "/api/get_booking_form",
        format!("slot={slot}"),
    )
    .await;
    answer.refused(StatusCode::NOT_FOUND, "NotFound");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn bookings_keep_to_once_a_month_the_window_the_adults_the_lead_and_approval(
    pool: SqlitePool,
) {
    let office = office(&pool).await;
    let (first, second) = two_days_in_a_month();
    let first = open_day(&pool, &office, first, None).await;
    let second = open_day(&pool, &office, second, None).await;
    // Booking opens tomorrow for this one; the other's cut-off was yesterday evening.
    let not_yet = visit_day(
        &pool,
        &office,
        today() + Days::new(9),
        (today() + Days::new(1), today() + Days::new(8)),
        None,
        20,
    )
    .await
    .1;
    let closed = visit_day(
        &pool,
        &office,
        today() + Days::new(3),
        (today() - Days::new(2), today() - Days::new(1)),
        None,
        20,
    )
    .await
    .1;
    let r = household(&pool, &office, 1).await;
    // Two more children; the aunt may visit the third but is barred from the second.
    let second_child = child(&pool, "កុមារី 1ខ", "Child 1b").await;
    let third_child = child(&pool, "កុមារី 1គ", "Child 1c").await;
    let aunt = contact(
        &pool,
        &office,
        r.family,
        ("មីង", "Aunt"),
        Relationship::Aunt,
        None,
    )
    .await;
    for kid in [second_child, third_child] {
        link(&pool, &office, r.family, kid).await;
        permit(&pool, &office, r.mother, kid, Level::Allowed).await;
    }
    permit(&pool, &office, aunt, second_child, Level::Barred).await;
    permit(&pool, &office, aunt, third_child, Level::Allowed).await;
    let app = router(pool.clone(), "visit-rules");
    let book = |slot: i64, children: &[i64], lead: i64, adults: i64| {
        book_form(slot, children, lead, adults, 0)
    };

    let answer = post(
        &app,
        &r.cookie,
        "/api/book_visit",
        book(first, &[r.child], r.mother, 2),
    )
    .await;
    let id = booked_id(answer.done());
    assert_eq!(status_of(&pool, id).await.0, "confirmed");
    let refusals = [
        // Once a month: the same child on another day of the month.
        (
            book(second, &[r.child], r.mother, 1),
            StatusCode::CONFLICT,
            "problem.monthly_visit_taken",
        ),
        // The window: not open yet, and past the cut-off.
        (
            book(not_yet, &[second_child], r.mother, 1),
            StatusCode::CONFLICT,
            "problem.booking_not_open",
        ),
        (
            book(closed, &[second_child], r.mother, 1),
            StatusCode::CONFLICT,
            "problem.booking_closed",
        ),
        // More adults than the day allows.
        (
            book(second, &[second_child], r.mother, 4),
            StatusCode::UNPROCESSABLE_ENTITY,
            "problem.adults",
        ),
        // A lead barred from one of the children chosen.
        (
            book(second, &[second_child, third_child], aunt, 1),
            StatusCode::UNPROCESSABLE_ENTITY,
            "problem.lead_not_permitted",
        ),
    ];
    for (form, status, key) in refusals {
        post(&app, &r.cookie, "/api/book_visit", form)
            .await
            .refused(status, key);
    }
    assert_eq!(
        bookings_of(&pool, r.family).await,
        1,
        "refusals store nothing"
    );
    // The aunt may lead a visit to the child she may visit.
    let answer = post(
        &app,
        &r.cookie,
        "/api/book_visit",
        book(second, &[third_child], aunt, 1),
    )
    .await;
    answer.done();

    // A family whose bookings wait for the social team: pending, then approved.
    let p = household(&pool, &office, 2).await;
    record::set_family_approval(&pool, &office.by, p.family, true)
        .await
        .expect("approval");
    let answer = post(
        &app,
        &p.cookie,
        "/api/book_visit",
        book(first, &[p.child], p.mother, 1),
    )
    .await;
    let pending = booked_id(answer.done());
    assert_eq!(status_of(&pool, pending).await.0, "pending");
    // Only the social team decides.
    let answer = post(
        &app,
        &p.cookie,
        "/api/decide_booking",
        format!("booking={pending}&decision=approve"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    let answer = post(
        &app,
        &office.cookie,
        "/api/decide_booking",
        format!("booking={pending}&decision=approve"),
    )
    .await;
    assert!(answer.done().starts_with("/visits"));
    assert_eq!(status_of(&pool, pending).await, ("confirmed".into(), None));
    assert_eq!(audited(&pool, "visit_booking", pending, "approve").await, 1);
    // Approving twice is refused.
    let answer = post(
        &app,
        &office.cookie,
        "/api/decide_booking",
        format!("booking={pending}&decision=approve"),
    )
    .await;
    answer.refused(StatusCode::CONFLICT, "problem.booking_not_pending");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn restricting_a_lead_flags_the_booking_and_barring_them_cancels_it_with_a_notice(
    pool: SqlitePool,
) {
    let office = office(&pool).await;
    let slot = open_day(&pool, &office, today() + Days::new(5), None).await;
    let f = household(&pool, &office, 1).await;
    let uncle = contact(
        &pool,
        &office,
        f.family,
        ("ពូ", "Uncle"),
        Relationship::Uncle,
        None,
    )
    .await;
    permit(&pool, &office, uncle, f.child, Level::Allowed).await;
    let app = router(pool.clone(), "visit-rereview");
    let answer = post(
        &app,
        &f.cookie,
        "/api/book_visit",
        book_form(slot, &[f.child], uncle, 1, 0),
    )
    .await;
    let booking = booked_id(answer.done());
    let flags = |pool: SqlitePool| async move {
        sqlx::query!(
            r#"SELECT review AS "review: bool", supervised AS "supervised: bool"
               FROM visit_booking WHERE id = ?"#,
            booking
        )
        .fetch_one(&pool)
        .await
        .map(|r| (r.review, r.supervised))
        .expect("booking")
    };
    assert_eq!(flags(pool.clone()).await, (false, false));
    let decide = |level: &str| {
        format!(
            "family={}&contact={uncle}&resident={}&level={level}&reason=Report+from+school&decided_on={}",
            f.family,
            f.child,
            today()
        )
    };

    let answer = post(
        &app,
        &office.cookie,
        "/api/set_permission",
        decide("supervised"),
    )
    .await;
    assert!(answer.done().contains("flagged=1"), "{:?}", answer.location);
    assert_eq!(flags(pool.clone()).await, (true, true));
    assert_eq!(status_of(&pool, booking).await, ("confirmed".into(), None));
    assert_eq!(audited(&pool, "visit_booking", booking, "flag").await, 1);

    let answer = post(
        &app,
        &office.cookie,
        "/api/set_permission",
        decide("barred"),
    )
    .await;
    assert!(
        answer.done().contains("cancelled=1"),
        "{:?}",
        answer.location
    );
    assert_eq!(
        status_of(&pool, booking).await,
        ("cancelled".into(), Some("permission".into()))
    );
    assert_eq!(audited(&pool, "visit_booking", booking, "cancel").await, 1);
    let decisions = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log
           WHERE entity = 'visit_permission' AND action = 'decide'
             AND json_extract(after_json, '$.contact_id') = ?"#,
        uncle
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(decisions, 3, "allowed, supervised, barred");
    // The family reads why on its portal.
    let html = page(&app, &f.cookie, "/family").await;
    assert!(html.contains(khmer(Key::NoticePermission)), "{html}");
    assert!(html.contains(&format!("id=\"b{booking}\"")));
}

/// A visit day today whose booking closed yesterday, with one slot.
async fn today_slot(pool: &SqlitePool, office: &Office) -> (i64, i64) {
    visit_day(
        pool,
        office,
        today(),
        (today() - Days::new(3), today() - Days::new(1)),
        None,
        10,
    )
    .await
}

/// How many times `contact` was stopped at the gate where the audit says `at` (check_in,
/// walk_in, home_stay, home_stay_return).
async fn stops(pool: &SqlitePool, contact: i64, at: &str) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log
           WHERE entity = 'gate' AND action = 'stop' AND entity_id = ?
             AND json_extract(after_json, '$.at') = ?"#,
        contact,
        at
    )
    .fetch_one(pool)
    .await
    .expect("audit")
}

/// The household's child booked, with the mother leading, for today's `slot`: booked two
/// days ago, while booking was open.
async fn booked_for_today(pool: &SqlitePool, office: &Office, g: &Household, slot: i64) -> i64 {
    let closes = app::presence::model::instant(
        today() - Days::new(1),
        NaiveTime::from_hms_opt(18, 0, 0).expect("time"),
    );
    book_directly(
        pool,
        office,
        g.family,
        (slot, &[g.child], g.mother),
        (today() - Days::new(2), closes - 3600),
    )
    .await
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_gate_stops_a_barred_visitor_and_lets_the_permitted_in_and_out(pool: SqlitePool) {
    let office = office(&pool).await;
    let (_, slot) = today_slot(&pool, &office).await;
    let g = household(&pool, &office, 1).await;
    let father = contact(
        &pool,
        &office,
        g.family,
        ("ឪពុក", "Father"),
        Relationship::Father,
        None,
    )
    .await;
    permit(&pool, &office, father, g.child, Level::Barred).await;
    let walker = child(&pool, "កុមារី 1ខ", "Child 1b").await;
    let barred_walker = child(&pool, "កុមារី 1គ", "Child 1c").await;
    for kid in [walker, barred_walker] {
        link(&pool, &office, g.family, kid).await;
        permit(&pool, &office, g.mother, kid, Level::Allowed).await;
    }
    permit(&pool, &office, father, barred_walker, Level::Barred).await;
    let booking = booked_for_today(&pool, &office, &g, slot).await;
    let (_, gate) = staff_session(&pool, "gate", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "visit-gate");
    let times = |pool: SqlitePool, id: i64| async move {
        sqlx::query!(
            "SELECT checked_in_at, checked_out_at FROM visit_booking WHERE id = ?",
            id
        )
        .fetch_one(&pool)
        .await
        .map(|r| (r.checked_in_at, r.checked_out_at))
        .expect("booking")
    };
    // The barred father, with or without the mother: stopped, the attempt kept, nobody in.
    for visitors in [
        format!("visitor[{father}]=on"),
        format!("visitor[{}]=on&visitor[{father}]=on", g.mother),
    ] {
        let answer = post(
            &app,
            &gate,
            "/api/check_in",
            format!("booking={booking}&{visitors}"),
        )
        .await;
        answer.refused(StatusCode::CONFLICT, "problem.gate_stop");
    }
    assert_eq!(stops(&pool, father, "check_in").await, 2);
    assert_eq!(times(pool.clone(), booking).await, (None, None));
    // The mother: in, then out.
    let answer = post(
        &app,
        &gate,
        "/api/check_in",
        format!("booking={booking}&visitor[{}]=on", g.mother),
    )
    .await;
    answer.done();
    let (checked_in, _) = times(pool.clone(), booking).await;
    assert!(checked_in.is_some());
    let came = sqlx::query_scalar!(
        r#"SELECT contact_id AS "contact_id!: i64" FROM visit_visitor WHERE booking_id = ?"#,
        booking
    )
    .fetch_all(&pool)
    .await
    .expect("visitors");
    assert_eq!(came, [g.mother]);
    let answer = post(&app, &gate, "/api/check_out", format!("booking={booking}")).await;
    answer.done();
    let (_, checked_out) = times(pool.clone(), booking).await;
    assert!(checked_out.is_some());

    // A walk-in: the mother for her other child is booked and checked in at once.
    let answer = post(
        &app,
        &gate,
        "/api/walk_in",
        format!(
            "contact={}&slot={slot}&child[{walker}]=on&adults=1",
            g.mother
        ),
    )
    .await;
    answer.done();
    let walk_in = sqlx::query!(
        r#"SELECT b.id AS "id!: i64", b.status, b.walk_in AS "walk_in: bool", b.checked_in_at
           FROM visit_booking b JOIN visit_booking_child c ON c.booking_id = b.id
           WHERE c.resident_id = ?"#,
        walker
    )
    .fetch_one(&pool)
    .await
    .expect("the walk-in's booking");
    assert_eq!(walk_in.status, "confirmed");
    assert!(walk_in.walk_in && walk_in.checked_in_at.is_some());
    assert_eq!(
        audited(&pool, "visit_booking", walk_in.id, "walk_in").await,
        1
    );
    // The barred father walking in: stopped and audited, nothing booked.
    let before = bookings_of(&pool, g.family).await;
    let answer = post(
        &app,
        &gate,
        "/api/walk_in",
        format!("contact={father}&slot={slot}&child[{barred_walker}]=on&adults=1"),
    )
    .await;
    answer.refused(StatusCode::CONFLICT, "problem.gate_stop");
    assert_eq!(stops(&pool, father, "walk_in").await, 1);
    assert_eq!(bookings_of(&pool, g.family).await, before);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_home_stay_goes_with_an_allowed_contact_only_and_its_absence_follows(pool: SqlitePool) {
    let office = office(&pool).await;
    let h = household(&pool, &office, 1).await;
    let aunt = contact(
        &pool,
        &office,
        h.family,
        ("មីង", "Aunt"),
        Relationship::Aunt,
        None,
    )
    .await;
    permit(&pool, &office, aunt, h.child, Level::Supervised).await;
    let father = contact(
        &pool,
        &office,
        h.family,
        ("ឪពុក", "Father"),
        Relationship::Father,
        None,
    )
    .await;
    permit(&pool, &office, father, h.child, Level::Barred).await;
    let (_, house) = staff_session(&pool, "housemother", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "visit-home-stay");
    let (from, until) = (today() + Days::new(1), today() + Days::new(3));
    let stay = |contact: i64| {
        format!(
            "pair={}:{contact}&from_on={from}&until_on={until}&note=Family+wedding",
            h.child
        )
    };
    let absences = |pool: SqlitePool, child: i64| async move {
        sqlx::query!(
            r#"SELECT id AS "id!: i64", starts_at, ends_at, returned_at FROM absence
               WHERE resident_id = ? AND reason = 'home_stay'"#,
            child
        )
        .fetch_all(&pool)
        .await
        .expect("absences")
    };

    // Only supervised: no home stay.
    let answer = post(&app, &office.cookie, "/api/approve_home_stay", stay(aunt)).await;
    answer.refused(StatusCode::CONFLICT, "problem.home_stay_contact");
    assert!(absences(pool.clone(), h.child).await.is_empty());
    // House staff do not approve stays.
    let answer = post(&app, &house, "/api/approve_home_stay", stay(h.mother)).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    let answer = post(
        &app,
        &office.cookie,
        "/api/approve_home_stay",
        stay(h.mother),
    )
    .await;
    answer.done();
    let absence = absences(pool.clone(), h.child).await;
    assert_eq!(absence.len(), 1);
    let eight = NaiveTime::from_hms_opt(8, 0, 0).expect("time");
    let five = NaiveTime::from_hms_opt(17, 0, 0).expect("time");
    assert_eq!(
        absence[0].starts_at,
        app::presence::model::instant(from, eight)
    );
    assert_eq!(
        absence[0].ends_at,
        Some(app::presence::model::instant(until, five))
    );
    let stay_id = sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM home_stay WHERE absence_id = ?"#,
        absence[0].id
    )
    .fetch_one(&pool)
    .await
    .expect("the stay");

    // The barred father comes to collect her: stopped, audited, she stays.
    let answer = post(
        &app,
        &house,
        "/api/hand_over",
        format!("stay={stay_id}&collected_by={father}"),
    )
    .await;
    answer.refused(StatusCode::CONFLICT, "problem.gate_stop");
    assert_eq!(stops(&pool, father, "home_stay").await, 1);
    let left = sqlx::query_scalar!("SELECT left_at FROM home_stay WHERE id = ?", stay_id)
        .fetch_one(&pool)
        .await
        .expect("stay");
    assert!(left.is_none());
    // The mother comes today, a day before the stay begins: refused in words, nothing changes.
    let answer = post(
        &app,
        &house,
        "/api/hand_over",
        format!("stay={stay_id}&collected_by={}", h.mother),
    )
    .await;
    answer.refused(StatusCode::CONFLICT, "problem.hand_over_early");
    assert_eq!(
        absences(pool.clone(), h.child).await[0].starts_at,
        absence[0].starts_at
    );
    // House staff may not move the dates; the social team may, and she may go today.
    let dates = format!(
        "stay={stay_id}&from_on={}&from_time=07:00&until_on={until}",
        today()
    );
    let answer = post(&app, &house, "/api/change_home_stay_dates", dates.clone()).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    post(&app, &office.cookie, "/api/change_home_stay_dates", dates)
        .await
        .done();
    assert_eq!(
        audited(&pool, "home_stay", stay_id, "change_dates").await,
        1
    );
    assert_eq!(
        absences(pool.clone(), h.child).await[0].starts_at,
        app::presence::model::instant(today(), NaiveTime::from_hms_opt(7, 0, 0).expect("time"))
    );
    // The house staff's page does not show the social team's note; the social team's does.
    assert!(
        !page(&app, &house, "/visits/home-stays")
            .await
            .contains("Family wedding")
    );
    assert!(
        page(&app, &office.cookie, "/visits/home-stays")
            .await
            .contains("Family wedding")
    );
    // The mother collects her, and she comes back.
    let answer = post(
        &app,
        &house,
        "/api/hand_over",
        format!("stay={stay_id}&collected_by={}", h.mother),
    )
    .await;
    answer.done();
    let handed = sqlx::query!(
        r#"SELECT left_at, collected_by FROM home_stay WHERE id = ?"#,
        stay_id
    )
    .fetch_one(&pool)
    .await
    .expect("stay");
    assert!(handed.left_at.is_some());
    assert_eq!(handed.collected_by, Some(h.mother));
    // The barred father brings her back: stopped and audited as at the gate, she is still
    // away; nor can her return be recorded from her page without saying who brought her.
    let answer = post(
        &app,
        &house,
        "/api/home_stay_return",
        format!("stay={stay_id}&brought_back_by={father}"),
    )
    .await;
    answer.refused(StatusCode::CONFLICT, "problem.gate_stop");
    assert_eq!(stops(&pool, father, "home_stay_return").await, 1);
    let answer = post(
        &app,
        &house,
        "/api/record_return",
        format!("absence_id={}", absence[0].id),
    )
    .await;
    answer.refused(StatusCode::CONFLICT, "problem.return_at_home_stays");
    assert!(
        absences(pool.clone(), h.child).await[0]
            .returned_at
            .is_none()
    );
    // The mother brings her back.
    let answer = post(
        &app,
        &house,
        "/api/home_stay_return",
        format!("stay={stay_id}&brought_back_by={}", h.mother),
    )
    .await;
    answer.done();
    let bringer = sqlx::query_scalar!(
        "SELECT brought_back_by FROM home_stay WHERE id = ?",
        stay_id
    )
    .fetch_one(&pool)
    .await
    .expect("stay");
    assert_eq!(bringer, Some(h.mother));
    let absence = absences(pool.clone(), h.child).await;
    assert!(absence[0].returned_at.is_some(), "the absence has ended");
    let returned = sqlx::query_scalar!("SELECT returned_at FROM home_stay WHERE id = ?", stay_id)
        .fetch_one(&pool)
        .await
        .expect("stay");
    assert!(returned.is_some());
    assert_eq!(audited(&pool, "home_stay", stay_id, "return").await, 1);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn visitors_staying_for_the_meal_are_counted_until_the_family_cancels(pool: SqlitePool) {
    const LUNCH: i64 = 2;
    let office = office(&pool).await;
    let day = today() + Days::new(5);
    let slot = open_day(&pool, &office, day, Some(LUNCH)).await;
    let m = household(&pool, &office, 1).await;
    let app = router(pool.clone(), "visit-meal");
    let answer = post(
        &app,
        &m.cookie,
        "/api/book_visit",
        book_form(slot, &[m.child], m.mother, 2, 2),
    )
    .await;
    let booking = booked_id(answer.done());
    let source = format!("visit_booking:{booking}");
    let extras = |pool: SqlitePool, source: String| async move {
        sqlx::query!(
            r#"SELECT day AS "day: NaiveDate", meal_service_id, heads, kind FROM extra_heads
               WHERE source = ?"#,
            source
        )
        .fetch_all(&pool)
        .await
        .expect("extra heads")
    };
    let rows = extras(pool.clone(), source.clone()).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].day, rows[0].meal_service_id, rows[0].heads),
        (day, LUNCH, 2)
    );
    assert_eq!(rows[0].kind, "family_day");
    let answer = post(
        &app,
        &m.cookie,
        "/api/cancel_visit",
        format!("booking={booking}"),
    )
    .await;
    answer.done();
    assert_eq!(
        status_of(&pool, booking).await,
        ("cancelled".into(), Some("by_family".into()))
    );
    assert!(extras(pool.clone(), source).await.is_empty());
    let all = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM extra_heads"#)
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(all, 0);
}

/// Moving a visit to another day of the same month: the old booking ends as moved (not a
/// second visit that month), the new one holds a place, and the meal heads follow it.
#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_family_moves_its_visit_and_its_meal_heads_follow(pool: SqlitePool) {
    const LUNCH: i64 = 2;
    let office = office(&pool).await;
    let (first, second) = two_days_in_a_month();
    let from = open_day(&pool, &office, first, Some(LUNCH)).await;
    let to = open_day(&pool, &office, second, Some(LUNCH)).await;
    let m = household(&pool, &office, 1).await;
    let app = router(pool.clone(), "visit-move");
    let answer = post(
        &app,
        &m.cookie,
        "/api/book_visit",
        book_form(from, &[m.child], m.mother, 2, 1),
    )
    .await;
    let old = booked_id(answer.done());
    // Without moving, a second booking that month is refused.
    let again = post(
        &app,
        &m.cookie,
        "/api/book_visit",
        book_form(to, &[m.child], m.mother, 2, 1),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let moving = format!(
        "{}&form%5Bmoving%5D={old}",
        book_form(to, &[m.child], m.mother, 3, 2)
    );
    let answer = post(&app, &m.cookie, "/api/book_visit", moving).await;
    let new = booked_id(answer.done());
    assert_ne!(new, old);
    assert_eq!(
        status_of(&pool, old).await,
        ("cancelled".into(), Some("moved".into()))
    );
    assert_eq!(status_of(&pool, new).await, ("confirmed".into(), None));
    let heads = sqlx::query!(
        r#"SELECT source AS "source!: String", day AS "day: NaiveDate", heads FROM extra_heads"#
    )
    .fetch_all(&pool)
    .await
    .expect("extra heads");
    assert_eq!(heads.len(), 1, "the moved booking's heads are gone");
    assert_eq!(heads[0].source, format!("visit_booking:{new}"));
    assert_eq!((heads[0].day, heads[0].heads), (second, 2));
    assert_eq!(audited(&pool, "visit_booking", new, "move").await, 1);
    // The portal shows the new visit only: a move is not a notice from the centre.
    let portal = page(&app, &m.cookie, "/family").await;
    assert!(portal.contains(&format!("id=\"b{new}\"")), "{portal}");
    assert!(!portal.contains(&format!("id=\"b{old}\"")), "{portal}");
}

/// Whether a page loads the application's script and WASM.
fn loads_wasm(html: &str) -> [bool; 3] {
    [
        html.contains("type=\"module\""),
        html.contains("modulepreload"),
        html.contains(".wasm"),
    ]
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_family_portal_loads_no_wasm_while_staff_pages_do(pool: SqlitePool) {
    let office = office(&pool).await;
    let slot = open_day(&pool, &office, today() + Days::new(5), None).await;
    let f = household(&pool, &office, 1).await;
    let (_, house) = staff_session(&pool, "housemother", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "visit-no-wasm");
    for uri in ["/family".to_owned(), format!("/family/book?slot={slot}")] {
        let html = page(&app, &f.cookie, &uri).await;
        assert!(html.contains("Child 1"), "{uri} is the real page: {html}");
        assert_eq!(loads_wasm(&html), [false; 3], "{uri}: {html}");
        assert!(!html.contains("/pkg/centre.js"), "{uri}: {html}");
    }
    let html = page(&app, &house, "/residents").await;
    assert_eq!(loads_wasm(&html), [true; 3], "{html}");
    assert!(html.contains("/pkg/centre.js"), "{html}");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_barred_phone_holder_sees_and_changes_nothing_of_the_childs_bookings(pool: SqlitePool) {
    let office = office(&pool).await;
    let slot = open_day(&pool, &office, today() + Days::new(5), None).await;
    let a = household(&pool, &office, 1).await;
    // A second child, whom the grandmother may visit and the mother (the phone) may not.
    let hidden = child(&pool, "សុខ ស្រីនាង", "Sok Sreyneang").await;
    link(&pool, &office, a.family, hidden).await;
    let grandmother = contact(
        &pool,
        &office,
        a.family,
        ("យាយ សុខ", "Grandmother Sok"),
        Relationship::Grandmother,
        None,
    )
    .await;
    permit(&pool, &office, grandmother, hidden, Level::Allowed).await;
    permit(&pool, &office, grandmother, a.child, Level::Allowed).await;
    let when = (today(), now());
    // The social team books for the grandmother on the phone: the second child alone, and
    // both children together. Then it learns that the mother must not see her.
    let alone = book_directly(
        &pool,
        &office,
        a.family,
        (slot, &[hidden], grandmother),
        when,
    )
    .await;
    let mut other_day = today() + Days::new(40);
    if other_day.month() == (today() + Days::new(5)).month() {
        other_day = other_day + Days::new(31);
    }
    let later = open_day(&pool, &office, other_day, None).await;
    let both = book_directly(
        &pool,
        &office,
        a.family,
        (later, &[hidden, a.child], grandmother),
        when,
    )
    .await;
    permit(&pool, &office, a.mother, hidden, Level::Barred).await;
    let app = router(pool.clone(), "barred-holder");

    let html = page(&app, &a.cookie, "/family").await;
    for shown in ["Sok Sreyneang", "សុខ ស្រីនាង", "Grandmother Sok", "យាយ សុខ"]
    {
        assert!(!html.contains(shown), "the portal names {shown}");
    }
    for booking in [alone, both] {
        assert!(
            !html.contains(&format!("id=\"b{booking}\"")),
            "booking {booking} shown"
        );
    }
    let answer = post(&app, &a.cookie, "/api/get_portal", String::new()).await;
    let portal: Portal = serde_json::from_str(&answer.body).expect("a portal");
    assert!(portal.bookings.is_empty(), "{:?}", portal.bookings);
    // Neither cancelled nor moved: not found, as for an id that does not exist.
    for booking in [alone, both] {
        post(
            &app,
            &a.cookie,
            "/api/cancel_visit",
            format!("booking={booking}"),
        )
        .await
        .refused(StatusCode::NOT_FOUND, "NotFound");
        let moving = format!(
            "{}&form[moving]={booking}",
            book_form(slot, &[a.child], a.mother, 1, 0)
        );
        post(&app, &a.cookie, "/api/book_visit", moving)
            .await
            .refused(StatusCode::NOT_FOUND, "NotFound");
        assert_eq!(
            status_of(&pool, booking).await,
            ("confirmed".to_owned(), None)
        );
    }
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn an_account_whose_phone_nobody_holds_sees_no_child(pool: SqlitePool) {
    let office = office(&pool).await;
    open_day(&pool, &office, today() + Days::new(5), None).await;
    let family = family(&pool, "Family 7", "012000007").await;
    let kid = child(&pool, "កុមារី 7", "Child 7").await;
    link(&pool, &office, family, kid).await;
    // The aunt may visit, but her phone is not the account's: nobody is named as its holder.
    let aunt = contact(
        &pool,
        &office,
        family,
        ("មីង 7", "Aunt 7"),
        Relationship::Aunt,
        Some("097000007"),
    )
    .await;
    permit(&pool, &office, aunt, kid, Level::Allowed).await;
    let app = router(pool.clone(), "no-holder");
    let cookie = family_cookie(&pool, family).await;
    let html = page(&app, &cookie, "/family").await;
    assert!(!html.contains("Child 7"), "{html}");
    assert!(html.contains(khmer(Key::FamilyNothingToBook)));
    // Once the social team names the aunt's number as the family's phone, she sees the child.
    sqlx::query!("UPDATE family SET phone = '097000007' WHERE id = ?", family)
        .execute(&pool)
        .await
        .expect("phone");
    assert!(page(&app, &cookie, "/family").await.contains("Child 7"));
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn hiding_a_child_from_the_phone_sends_the_bookings_it_saw_back_for_review(pool: SqlitePool) {
    let office = office(&pool).await;
    let slot = open_day(&pool, &office, today() + Days::new(5), None).await;
    let a = household(&pool, &office, 1).await;
    let grandmother = contact(
        &pool,
        &office,
        a.family,
        ("យាយ សុខ", "Grandmother Sok"),
        Relationship::Grandmother,
        None,
    )
    .await;
    permit(&pool, &office, grandmother, a.child, Level::Allowed).await;
    let booking = book_directly(
        &pool,
        &office,
        a.family,
        (slot, &[a.child], grandmother),
        (today(), now()),
    )
    .await;
    // The mother, who holds the phone, is barred: the grandmother's booking stands (she may
    // visit), but the family's account no longer sees it, so the social team looks again.
    permit(&pool, &office, a.mother, a.child, Level::Barred).await;
    let review = sqlx::query_scalar!(
        r#"SELECT review AS "review: bool" FROM visit_booking WHERE id = ?"#,
        booking
    )
    .fetch_one(&pool)
    .await
    .expect("booking");
    assert!(review, "flagged for the social team");
    assert_eq!(
        status_of(&pool, booking).await,
        ("confirmed".to_owned(), None)
    );
    assert_eq!(audited(&pool, "visit_booking", booking, "flag").await, 1);
}

/// Records an absence as house staff through the router, from `from` until `until` (date and
/// time each), or open-ended.
async fn away(
    app: &axum::Router,
    house: &str,
    child: i64,
    reason: &str,
    from: (NaiveDate, &str),
    until: Option<(NaiveDate, &str)>,
) {
    let mut body = format!(
        "resident_id={child}&reason={reason}&from_date={}&from_time={}",
        from.0,
        from.1.replace(':', "%3A")
    );
    if let Some((day, time)) = until {
        body.push_str(&format!(
            "&until_date={day}&until_time={}",
            time.replace(':', "%3A")
        ));
    }
    post(app, house, "/api/create_absence", body).await.done();
}

async fn review_of(pool: &SqlitePool, booking: i64) -> bool {
    sqlx::query_scalar::<_, bool>("SELECT review FROM visit_booking WHERE id = ?")
        .bind(booking)
        .fetch_one(pool)
        .await
        .expect("booking")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_child_away_at_the_visits_time_is_refused_and_a_later_absence_sends_the_booking_for_review(
    pool: SqlitePool,
) {
    let office = office(&pool).await;
    let day = today() + Days::new(5);
    let slot = open_day(&pool, &office, day, None).await;
    let h = household(&pool, &office, 1).await;
    let sister = child(&pool, "កុមារី 1ខ", "Child 1b").await;
    let brother = child(&pool, "កុមារី 1គ", "Child 1c").await;
    for kid in [sister, brother] {
        link(&pool, &office, h.family, kid).await;
        permit(&pool, &office, h.mother, kid, Level::Allowed).await;
    }
    let (_, house) = staff_session(&pool, "house", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "visit-away");

    // On a home stay over the visit day: the family, and the office for it, are told why.
    let before = day - Days::new(1);
    let after = day + Days::new(1);
    away(
        &app,
        &house,
        h.child,
        "home_stay",
        (before, "08:00"),
        Some((after, "17:00")),
    )
    .await;
    let answer = post(
        &app,
        &h.cookie,
        "/api/book_visit",
        book_form(slot, &[h.child], h.mother, 1, 0),
    )
    .await;
    answer.refused(StatusCode::CONFLICT, "problem.child_away");
    let staff_form = format!(
        "form%5Bslot%5D={slot}&form%5Bfamily%5D={}&form%5Bcontact%5D={}&form%5Badults%5D=1&form%5Bchild%5D%5B{}%5D=on",
        h.family, h.mother, h.child
    );
    post(&app, &office.cookie, "/api/staff_book", staff_form)
        .await
        .refused(StatusCode::CONFLICT, "problem.child_away");
    // Back on the morning of the visit (before its 09:00 slot): the visit may be booked.
    away(
        &app,
        &house,
        sister,
        "school_trip",
        (before, "08:00"),
        Some((day, "08:00")),
    )
    .await;
    let location = post(
        &app,
        &h.cookie,
        "/api/book_visit",
        book_form(slot, &[sister], h.mother, 1, 0),
    )
    .await
    .done()
    .to_owned();
    assert!(!review_of(&pool, booked_id(&location)).await);
    assert_eq!(bookings_of(&pool, h.family).await, 1);

    // Booked first, then taken to hospital over the visit: the booking goes to the social
    // team's queue, and the family reads that it is under review.
    let location = post(
        &app,
        &h.cookie,
        "/api/book_visit",
        book_form(slot, &[brother], h.mother, 1, 0),
    )
    .await
    .done()
    .to_owned();
    let booking = booked_id(&location);
    away(&app, &house, brother, "hospital", (day, "07:00"), None).await;
    assert!(review_of(&pool, booking).await, "flagged for review");
    assert_eq!(
        audited(&pool, "visit_booking", booking, "away_review").await,
        1
    );
    let queue = page(&app, &office.cookie, "/visits").await;
    assert!(
        queue.contains(&format!("id=\"b{booking}\"")),
        "in the queue"
    );
    let english = h.cookie.replace("lang=km", "lang=en");
    let portal = page(&app, &english, "/family").await;
    assert!(portal.contains("Under review"), "{portal}");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_gate_shows_a_child_away_and_admits_no_visit_to_them(pool: SqlitePool) {
    let office = office(&pool).await;
    let (_, slot) = today_slot(&pool, &office).await;
    let g = household(&pool, &office, 1).await;
    let other = child(&pool, "កុមារី 1ខ", "Child 1b").await;
    link(&pool, &office, g.family, other).await;
    permit(&pool, &office, g.mother, other, Level::Allowed).await;
    let booking = booked_for_today(&pool, &office, &g, slot).await;
    let (_, gate) = staff_session(&pool, "gate", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "visit-gate-away");
    // Both children went to hospital this morning.
    for kid in [g.child, other] {
        away(&app, &gate, kid, "hospital", (today(), "00:00"), None).await;
    }
    let html = page(&app, &gate, "/visits/gate").await;
    assert!(html.contains("class=\"badge away\""), "{html}");
    assert!(html.contains("Hospital"));
    post(
        &app,
        &gate,
        "/api/check_in",
        format!("booking={booking}&visitor[{}]=on", g.mother),
    )
    .await
    .refused(StatusCode::CONFLICT, "problem.child_away");
    let before = bookings_of(&pool, g.family).await;
    post(
        &app,
        &gate,
        "/api/walk_in",
        format!(
            "contact={}&slot={slot}&child[{other}]=on&adults=1",
            g.mother
        ),
    )
    .await
    .refused(StatusCode::CONFLICT, "problem.child_away");
    assert_eq!(bookings_of(&pool, g.family).await, before);
}
