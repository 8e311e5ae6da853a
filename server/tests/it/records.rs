//! The role table's other axis: records. On the demo centre, each caller names its own
//! records, somebody else's and ones that do not exist: a tutor another tutor's class and
//! pupil, a family another real family's children and bookings, a family whose phone holder
//! is barred from one of its children; a disabled account and an expired session; the live
//! stream and the CSV downloads. And what the answers hold: no response to someone who may
//! not read a safeguarding note carries its text.

use crate::support::*;
use app::base::access::{Role, Writer};
use app::base::session::Owner;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sqlx::SqlitePool;

/// A value the demo data holds, found by a query.
async fn one(pool: &SqlitePool, sql: &str, bind: i64) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .bind(bind)
        .fetch_optional(pool)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("the demo data holds: {sql}"))
}

async fn cookie(pool: &SqlitePool, owner: Owner) -> String {
    session_cookie_at(pool, owner, chrono::Utc::now().timestamp()).await
}

/// The contact who holds a family's phone.
async fn phone_holder(pool: &SqlitePool, family: i64) -> i64 {
    one(
        pool,
        "SELECT c.id FROM family_contact c JOIN family f ON f.id = c.family_id
         WHERE f.id = ? AND c.phone = f.phone",
        family,
    )
    .await
}

/// A family's first child.
async fn first_child(pool: &SqlitePool, family: i64) -> i64 {
    one(
        pool,
        "SELECT resident_id FROM family_child WHERE family_id = ? ORDER BY resident_id LIMIT 1",
        family,
    )
    .await
}

/// A slot of the first visit day open for booking (more than two days ahead).
async fn open_slot(pool: &SqlitePool) -> i64 {
    one(
        pool,
        "SELECT s.id FROM visit_slot s JOIN visit_day d ON d.id = s.visit_day_id
         WHERE d.day > date('now', '+2 days') AND d.cancelled = 0 ORDER BY d.day, s.id LIMIT ?",
        1,
    )
    .await
}

async fn family_id(pool: &SqlitePool, phone: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT id FROM family WHERE phone = ?")
        .bind(phone)
        .fetch_one(pool)
        .await
        .expect("a demo family")
}

/// A server function called as a form post, or a GET of a page or download.
enum Call {
    Post(&'static str, String),
    Get(String),
}

impl Call {
    fn request(&self, cookie: Option<&str>) -> Request<Body> {
        let mut request = match self {
            Call::Post(path, _) => form_post(path),
            Call::Get(uri) => Request::get(uri.as_str()),
        };
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let body = match self {
            Call::Post(_, body) => Body::from(body.clone()),
            Call::Get(_) => Body::empty(),
        };
        request.body(body).expect("request")
    }

    fn label(&self) -> String {
        match self {
            Call::Post(path, body) => format!("POST {path} {body}"),
            Call::Get(uri) => format!("GET {uri}"),
        }
    }
}

/// Each call's answer against the one wanted; every difference is listed.
async fn check(app: &axum::Router, cookie: Option<&str>, cases: &[(Call, StatusCode)]) {
    let mut wrong = Vec::new();
    for (call, want) in cases {
        let response = send(app.clone(), call.request(cookie)).await;
        let status = response.status();
        let got = if status.is_redirection() {
            StatusCode::OK
        } else {
            status
        };
        if got != *want {
            wrong.push(format!(
                "{}: got {status}, want {want}: {}",
                call.label(),
                text(response).await.chars().take(300).collect::<String>()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

const MISSING: i64 = 987_654;

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_tutor_reaches_their_own_classes_and_pupils_and_no_one_elses(pool: SqlitePool) {
    seeded(&pool).await;
    let tutor = demo_staff_id(&pool, "tutor").await;
    // The demo tutor's conversation classes meet every day.
    let own_class = one(
        &pool,
        "SELECT id FROM homework_class WHERE tutor_id = ? ORDER BY id LIMIT 1",
        tutor,
    )
    .await;
    let other_class = one(
        &pool,
        "SELECT id FROM homework_class WHERE tutor_id <> ? ORDER BY id LIMIT 1",
        tutor,
    )
    .await;
    let own_pupil = one(
        &pool,
        "SELECT resident_id FROM enrolment WHERE class_id = ? ORDER BY resident_id LIMIT 1",
        own_class,
    )
    .await;
    let other_pupil = one(
        &pool,
        "SELECT e.resident_id FROM enrolment e WHERE e.resident_id NOT IN
           (SELECT resident_id FROM enrolment x JOIN homework_class c ON c.id = x.class_id
            WHERE c.tutor_id = ?) ORDER BY e.resident_id LIMIT 1",
        tutor,
    )
    .await;
    let today = app::base::clock::today_at_centre();
    let app = router_in(pool.clone(), "records-tutor", true);
    let tutor_cookie = cookie(&pool, Owner::Staff(tutor)).await;
    let class = |id: i64| Call::Post("/api/get_class", format!("id={id}"));
    let session = |id: i64| Call::Post("/api/get_session", format!("class_id={id}&day={today}"));
    let mark = |class: i64, pupil: i64| {
        Call::Post(
            "/api/mark_attendance",
            format!("class_id={class}&day={today}&resident_id={pupil}&status=late"),
        )
    };
    let pupil = |id: i64| Call::Post("/api/get_resident_homework", format!("id={id}"));
    let csv = |id: i64| Call::Get(format!("/homework/attendance.csv?class={id}"));
    use StatusCode as S;
    check(
        &app,
        Some(&tutor_cookie),
        &[
            (class(own_class), S::OK),
            (class(other_class), S::FORBIDDEN),
            (class(MISSING), S::NOT_FOUND),
            (session(own_class), S::OK),
            (session(other_class), S::FORBIDDEN),
            (session(MISSING), S::NOT_FOUND),
            (mark(own_class, own_pupil), S::OK),
            (mark(other_class, own_pupil), S::FORBIDDEN),
            (mark(own_class, other_pupil), S::NOT_FOUND),
            (pupil(own_pupil), S::OK),
            (pupil(other_pupil), S::FORBIDDEN),
            (pupil(MISSING), S::NOT_FOUND),
            (csv(own_class), S::OK),
            (csv(other_class), S::FORBIDDEN),
            (csv(MISSING), S::NOT_FOUND),
        ],
    )
    .await;
    // The house staff see every class: the other tutor's is theirs to read too.
    let house = cookie(&pool, Owner::Staff(demo_staff_id(&pool, "house").await)).await;
    check(
        &app,
        Some(&house),
        &[
            (class(other_class), S::OK),
            (pupil(other_pupil), S::OK),
            (csv(other_class), S::OK),
        ],
    )
    .await;
}

/// A demo family's children's Latin names.
async fn children_names(pool: &SqlitePool, family: i64) -> Vec<String> {
    sqlx::query_scalar::<_, String>(
        "SELECT r.name_latin FROM family_child fc JOIN resident r ON r.id = fc.resident_id
         WHERE fc.family_id = ? ORDER BY r.id",
    )
    .bind(family)
    .fetch_all(pool)
    .await
    .expect("children")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_family_naming_another_familys_children_and_bookings_learns_nothing(pool: SqlitePool) {
    seeded(&pool).await;
    let sok = family_id(&pool, "012345678").await;
    let chan = family_id(&pool, "0972345678").await;
    let chan_booking = one(
        &pool,
        "SELECT id FROM visit_booking WHERE family_id = ? AND status IN ('pending', 'confirmed')
         ORDER BY id DESC LIMIT 1",
        chan,
    )
    .await;
    let chan_child = first_child(&pool, chan).await;
    let sok_contact = phone_holder(&pool, sok).await;
    let open_slot = open_slot(&pool).await;
    let app = router_in(pool.clone(), "records-family", true);
    let sok_cookie = cookie(&pool, Owner::Family(sok)).await;
    let cancel = |id: i64| Call::Post("/api/cancel_visit", format!("booking={id}"));
    let book = |child: i64| {
        Call::Post(
            "/api/book_visit",
            format!(
                "form%5Bslot%5D={open_slot}&form%5Bcontact%5D={sok_contact}&form%5Badults%5D=1&form%5Bchild%5D%5B{child}%5D=on"
            ),
        )
    };
    use StatusCode as S;
    check(
        &app,
        Some(&sok_cookie),
        &[
            (cancel(chan_booking), S::NOT_FOUND),
            (cancel(MISSING), S::NOT_FOUND),
            (book(chan_child), S::NOT_FOUND),
            (book(MISSING), S::NOT_FOUND),
        ],
    )
    .await;
    // The other family's booking is untouched, and its children appear nowhere.
    let status = sqlx::query_scalar::<_, String>("SELECT status FROM visit_booking WHERE id = ?")
        .bind(chan_booking)
        .fetch_one(&pool)
        .await
        .expect("booking");
    assert!(status == "pending" || status == "confirmed", "{status}");
    let chan_names = children_names(&pool, chan).await;
    assert!(!chan_names.is_empty());
    for uri in ["/family", "/family/book"] {
        let body = text(send(app.clone(), get_with(uri, &sok_cookie)).await).await;
        for name in &chan_names {
            assert!(!body.contains(name.as_str()), "{uri} names {name}");
        }
    }
    let portal = Call::Post("/api/get_portal", String::new());
    let body = text(send(app.clone(), portal.request(Some(&sok_cookie))).await).await;
    for name in &chan_names {
        assert!(!body.contains(name.as_str()), "the portal names {name}");
    }
    // Its own children are there: the check above can fail.
    let sok_names = children_names(&pool, sok).await;
    assert!(sok_names.iter().any(|name| body.contains(name.as_str())));
}

fn get_with(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_family_whose_phone_holder_is_barred_from_a_child_sees_nothing_of_that_child(
    pool: SqlitePool,
) {
    use app::visits::{model, record};
    seeded(&pool).await;
    let sok = family_id(&pool, "012345678").await;
    let holder = phone_holder(&pool, sok).await;
    let child = first_child(&pool, sok).await;
    let name = sqlx::query_scalar::<_, String>("SELECT name_latin FROM resident WHERE id = ?")
        .bind(child)
        .fetch_one(&pool)
        .await
        .expect("name");
    let app = router_in(pool.clone(), "records-barred", true);
    let sok_cookie = cookie(&pool, Owner::Family(sok)).await;
    let today = app::base::clock::today_at_centre();
    let now = chrono::Utc::now().timestamp();
    let social = demo_staff_id(&pool, "social").await;
    let by = Writer {
        actor: app::base::access::Actor::System("test".into()),
        staff_id: Some(social),
    };
    // An aunt, allowed to visit the child, books a visit for her.
    let aunt = model::check_contact("មីង សុខា", "Aunt Sokha Test", "aunt", "", "").expect("contact");
    let aunt = record::save_contact(&pool, &by, sok, None, &aunt)
        .await
        .expect("aunt");
    let allow = model::check_permission("allowed", "Assessed", &today.to_string(), today)
        .expect("permission");
    record::set_permission(&pool, &by, aunt, child, &allow, today, now)
        .await
        .expect("allowed");
    let slot = open_slot(&pool).await;
    let request = model::BookingRequest {
        slot_id: slot,
        children: [child].into_iter().collect(),
        contact_id: aunt,
        adults: 1,
        meal_heads: 0,
    };
    let booked = record::Booked {
        family_id: sok,
        request: &request,
        moving: None,
    };
    let booking = record::book(&pool, &by, &booked, today, now)
        .await
        .expect("booked");
    let before = text(send(app.clone(), get_with("/family", &sok_cookie)).await).await;
    assert!(
        before.contains(name.as_str()),
        "the child shows before the bar"
    );
    let card = format!("id=\"b{booking}\"");
    assert!(before.contains(&card), "so does the aunt's booking");
    // The phone holder is barred from the child.
    let bar = model::check_permission("barred", "Court order", &today.to_string(), today)
        .expect("permission");
    record::set_permission(&pool, &by, holder, child, &bar, today, now)
        .await
        .expect("barred");
    for uri in ["/family", "/family/book"] {
        let body = text(send(app.clone(), get_with(uri, &sok_cookie)).await).await;
        assert!(!body.contains(name.as_str()), "{uri} still names {name}");
        assert!(
            !body.contains(&card) && !body.contains("Aunt Sokha Test"),
            "{uri} still shows the aunt's booking"
        );
    }
    let portal = Call::Post("/api/get_portal", String::new());
    let body = text(send(app.clone(), portal.request(Some(&sok_cookie))).await).await;
    assert!(!body.contains(name.as_str()) && !body.contains("Aunt Sokha Test"));
    // Every booking that holds the child is out of the family's reach: as if none existed.
    let booked: Vec<i64> = sqlx::query_scalar::<_, i64>(
        "SELECT b.id FROM visit_booking b JOIN visit_booking_child bc ON bc.booking_id = b.id
         WHERE b.family_id = ? AND bc.resident_id = ? AND b.status IN ('pending', 'confirmed')",
    )
    .bind(sok)
    .bind(child)
    .fetch_all(&pool)
    .await
    .expect("bookings");
    assert!(booked.contains(&booking));
    let cases: Vec<(Call, StatusCode)> = booked
        .iter()
        .map(|id| {
            (
                Call::Post("/api/cancel_visit", format!("booking={id}")),
                StatusCode::NOT_FOUND,
            )
        })
        .collect();
    check(&app, Some(&sok_cookie), &cases).await;
    let status = sqlx::query_scalar::<_, String>("SELECT status FROM visit_booking WHERE id = ?")
        .bind(booking)
        .fetch_one(&pool)
        .await
        .expect("booking");
    assert_ne!(status, "cancelled", "the barred holder could not cancel it");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_disabled_account_or_an_expired_session_opens_nothing(pool: SqlitePool) {
    seeded(&pool).await;
    let house = demo_staff_id(&pool, "house").await;
    let sok = family_id(&pool, "012345678").await;
    let app = router_in(pool.clone(), "records-disabled", true);
    let house_cookie = cookie(&pool, Owner::Staff(house)).await;
    let long_ago = chrono::Utc::now().timestamp() - 400 * 24 * 3600;
    let expired_staff = session_cookie_at(&pool, Owner::Staff(house), long_ago).await;
    let expired_family = session_cookie_at(&pool, Owner::Family(sok), long_ago).await;
    let resident = one(&pool, "SELECT id FROM resident ORDER BY id LIMIT ?", 1).await;
    let staff_calls = || {
        [
            (
                Call::Post("/api/get_resident_page", format!("id={resident}")),
                StatusCode::UNAUTHORIZED,
            ),
            (
                Call::Get("/canteen/counts.csv?from=2026-12-01&until=2026-12-02".into()),
                StatusCode::UNAUTHORIZED,
            ),
            (Call::Get("/live".into()), StatusCode::UNAUTHORIZED),
        ]
    };
    check(&app, Some(&expired_staff), &staff_calls()).await;
    check(
        &app,
        Some(&expired_family),
        &[(
            Call::Post("/api/get_portal", String::new()),
            StatusCode::UNAUTHORIZED,
        )],
    )
    .await;
    // Disabled behind the server's back (not through the admin page, which also ends the
    // sessions): the session still in the table opens nothing.
    sqlx::query("UPDATE staff_user SET active = 0 WHERE id = ?")
        .bind(house)
        .execute(&pool)
        .await
        .expect("disabled");
    check(&app, Some(&house_cookie), &staff_calls()).await;
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_live_stream_and_the_downloads_let_in_exactly_their_roles(pool: SqlitePool) {
    seeded(&pool).await;
    let app = router_in(pool.clone(), "records-downloads", true);
    let tutor = demo_staff_id(&pool, "tutor").await;
    let class = one(
        &pool,
        "SELECT id FROM homework_class WHERE tutor_id = ? ORDER BY id LIMIT 1",
        tutor,
    )
    .await;
    let today = app::base::clock::today_at_centre();
    let span = format!("from={today}&until={today}");
    let downloads = [
        (format!("/canteen/counts.csv?{span}"), KITCHEN_READ),
        (format!("/canteen/shopping.csv?{span}"), KITCHEN_READ),
        (format!("/homework/attendance.csv?class={class}"), HOMEWORK),
        ("/live".to_owned(), &Role::ALL[..]),
    ];
    let mut callers: Vec<(String, Option<String>, Option<Role>)> =
        vec![("nobody".into(), None, None)];
    for (login, role) in [
        ("director", Role::Admin),
        ("house", Role::HouseStaff),
        ("canteen", Role::Canteen),
        ("social", Role::SocialTeam),
        ("tutor", Role::Tutor),
    ] {
        let owner = Owner::Staff(demo_staff_id(&pool, login).await);
        callers.push((login.into(), Some(cookie(&pool, owner).await), Some(role)));
    }
    let family = Owner::Family(family_id(&pool, "012345678").await);
    callers.push(("family".into(), Some(cookie(&pool, family).await), None));
    for (who, cookie, role) in &callers {
        let cases: Vec<(Call, StatusCode)> = downloads
            .iter()
            .map(|(uri, roles)| {
                let want = match (cookie, role) {
                    (None, _) => StatusCode::UNAUTHORIZED,
                    (Some(_), Some(role)) if roles.contains(role) => StatusCode::OK,
                    _ => StatusCode::FORBIDDEN,
                };
                (Call::Get(uri.clone()), want)
            })
            .collect();
        eprintln!("as {who}");
        check(&app, cookie.as_deref(), &cases).await;
    }
}

const KITCHEN_READ: &[Role] = &[Role::Canteen, Role::Admin, Role::HouseStaff];
const HOMEWORK: &[Role] = &[Role::Tutor, Role::HouseStaff, Role::Admin];

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn no_answer_to_someone_who_may_not_read_a_safeguarding_note_carries_it(pool: SqlitePool) {
    seeded(&pool).await;
    let noted: Vec<(i64, String)> = sqlx::query_as::<_, (i64, String)>(
        "SELECT id, safeguarding_note FROM resident WHERE safeguarding_note <> '' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .expect("notes");
    assert!(!noted.is_empty(), "the demo data holds safeguarding notes");
    let app = router_in(pool.clone(), "records-notes", true);
    // Everywhere a child's record can show: their page, as a page and as data, the lists,
    // their bed, the roll of their building, their homework, the families' pages.
    let mut calls = vec![
        Call::Get("/residents".into()),
        Call::Get("/".into()),
        Call::Get("/family".into()),
        Call::Get("/visits/gate".into()),
        Call::Get("/visits/home-stays".into()),
        Call::Post("/api/search_residents", "q=".into()),
        Call::Post("/api/get_portal", String::new()),
    ];
    for (id, _) in &noted {
        calls.push(Call::Get(format!("/residents/{id}")));
        calls.push(Call::Post("/api/get_resident_page", format!("id={id}")));
        calls.push(Call::Get(format!("/homework/residents/{id}")));
        let bed = sqlx::query_scalar::<_, i64>(
            "SELECT bed_id FROM allocation WHERE resident_id = ? AND until_on IS NULL",
        )
        .bind(id)
        .fetch_optional(&pool)
        .await
        .expect("bed");
        if let Some(bed) = bed {
            calls.push(Call::Get(format!("/beds/{bed}")));
            let building = one(
                &pool,
                "SELECT ro.building_id FROM bed b JOIN room ro ON ro.id = b.room_id WHERE b.id = ?",
                bed,
            )
            .await;
            calls.push(Call::Get(format!("/roll/{building}")));
        }
    }
    let mut callers: Vec<(String, Option<String>)> = vec![("nobody".into(), None)];
    for login in ["house", "canteen", "tutor"] {
        let owner = Owner::Staff(demo_staff_id(&pool, login).await);
        callers.push((login.into(), Some(cookie(&pool, owner).await)));
    }
    for phone in ["012345678", "0972345678", "088765432"] {
        let owner = Owner::Family(family_id(&pool, phone).await);
        callers.push((phone.into(), Some(cookie(&pool, owner).await)));
    }
    let mut leaks = Vec::new();
    for (who, cookie) in &callers {
        for call in &calls {
            let body = text(send(app.clone(), call.request(cookie.as_deref())).await).await;
            for (id, note) in &noted {
                if body.contains(note.as_str()) {
                    leaks.push(format!(
                        "{} as {who}: the note of resident {id}",
                        call.label()
                    ));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
    // The social team and the admin read it on the child's page: the check above can fail.
    for login in ["social", "director"] {
        let owner = Owner::Staff(demo_staff_id(&pool, login).await);
        let cookie = cookie(&pool, owner).await;
        let (id, note) = &noted[0];
        let page = Call::Get(format!("/residents/{id}"));
        let body = text(send(app.clone(), page.request(Some(&cookie))).await).await;
        assert!(body.contains(note.as_str()), "{login} reads the note");
    }
}
