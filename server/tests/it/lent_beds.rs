//! Residential campers in lent beds, through the real router and straight at the schema: a
//! boarder's bed is lent only for nights its boarder is away (all of them), the room's sex
//! rule and one bed per person hold for campers too, and a boarder back early into a lent
//! night is recorded and raises "bed needed back" for house staff, with the beds to move the
//! camper to.

use crate::support::*;
use app::base::access::{Role, Writer};
use app::camps::model::{self, CamperForm, NewCamp};
use app::camps::record;
use app::presence::model::{AbsenceReason, Away, instant};
use axum::http::StatusCode;
use chrono::{Days, NaiveDate, NaiveTime};
use sqlx::SqlitePool;

fn today() -> NaiveDate {
    app::base::clock::today_at_centre()
}

fn system() -> Writer {
    Writer::system("test")
}

fn at(day: NaiveDate, hour: u32) -> i64 {
    instant(day, NaiveTime::from_hms_opt(hour, 0, 0).expect("time"))
}

/// The centre with a girls' room "L1" of four beds: Dara and Bopha sleep in the first two
/// (Dara away on a home stay for two weeks), the last two are free. A camp of `kind` from
/// today for a week, for ages 6 to 14, with one group.
struct Centre {
    building: i64,
    beds: Vec<i64>,
    dara: i64,
    bopha: i64,
    dara_away: i64,
    camp: i64,
    group: i64,
}

async fn centre(pool: &SqlitePool, kind: model::Kind) -> Centre {
    let mut conn = pool.acquire().await.expect("connection");
    let (building, beds) = girls_room(&mut conn, "L", "អគារ L", 4).await;
    let dara = housed_since_last_week(&mut conn, &girl("ដារ៉ា", "Dara", 10, "4"), beds[0]).await;
    let bopha = housed_since_last_week(&mut conn, &girl("បុប្ផា", "Bopha", 11, "5"), beds[1]).await;
    let away = Away {
        starts_at: at(today() - Days::new(1), 9),
        ends_at: Some(at(today() + Days::new(14), 17)),
        returned_at: None,
    };
    let dara_away =
        app::presence::repo::insert_absence(&mut conn, dara, AbsenceReason::HomeStay, "", away)
            .await
            .expect("home stay");
    drop(conn);
    let facility: i64 = sqlx::query_scalar("SELECT facility_id FROM building WHERE id = ?")
        .bind(building)
        .fetch_one(pool)
        .await
        .expect("facility");
    let camp = NewCamp {
        name: "Camp with nights".into(),
        facility_id: facility,
        kind,
        starts_on: today(),
        ends_on: today() + Days::new(6),
        min_age: 6,
        max_age: 14,
        places: 40,
        meals: model::Meals(7),
        day_ends_at: NaiveTime::from_hms_opt(17, 0, 0).expect("time"),
    };
    let camp = record::create_camp(pool, &system(), &camp)
        .await
        .expect("camp");
    let group = record::add_group(pool, &system(), camp, "Eagles", None)
        .await
        .expect("group");
    Centre {
        building,
        beds,
        dara,
        bopha,
        dara_away,
        camp,
        group,
    }
}

/// Registers camper `k` (a girl when `girl`), nine years old, in the camp's group.
async fn camper(pool: &SqlitePool, c: &Centre, k: usize, girl: bool) -> i64 {
    let form = CamperForm {
        name_km: format!("កុមារ {k}"),
        name_latin: format!("Camper {k}"),
        sex: if girl { "f" } else { "m" }.into(),
        born_on: (today() - Days::new(9 * 365 + 100)).to_string(),
        guardian1_name: format!("Guardian {k}"),
        guardian1_phone: format!("012{:06}", 200_000 + k),
        guardian1_relationship: "mother".into(),
        guardian1_may_collect: Some("on".into()),
        ..CamperForm::default()
    };
    let (camper, guardians) = model::check_camper(&form, today()).expect("form");
    record::register(pool, &system(), (c.camp, c.group), &camper, &guardians, 0)
        .await
        .expect("registered")
}

/// The lending form for `camper` in `bed`, for the camp's seven nights from tonight.
fn lend_form(c: &Centre, camper: i64, bed: i64) -> String {
    let (from, until) = (today(), today() + Days::new(7));
    format!(
        "camp_id={}&camper_id={camper}&bed_id={bed}&from_on={from}&until_on={until}",
        c.camp
    )
}

/// A write straight at the tables: done, or the rule the schema refused it by.
fn schema_says(done: Result<sqlx::sqlite::SqliteQueryResult, sqlx::Error>) -> Result<(), String> {
    done.map(|_| ()).map_err(|error| match error {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    })
}

/// Inserts a loan straight into the table, as no page would: the schema's answer.
async fn raw_loan(
    pool: &SqlitePool,
    c: &Centre,
    (bed, camper): (i64, i64),
    (from, until): (u64, u64),
) -> Result<(), String> {
    let done = sqlx::query(
        "INSERT INTO bed_loan (bed_id, camp_id, camper_id, from_on, until_on, lent_at)
         VALUES (?, ?, ?, ?, ?, 0)",
    )
    .bind(bed)
    .bind(c.camp)
    .bind(camper)
    .bind(today() + Days::new(from))
    .bind(today() + Days::new(until))
    .execute(pool)
    .await;
    schema_says(done)
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_schema_lends_a_bed_only_on_nights_its_boarder_is_away(pool: SqlitePool) {
    let c = centre(&pool, model::Kind::Residential).await;
    let (ana, bo, chea) = (
        camper(&pool, &c, 1, true).await,
        camper(&pool, &c, 2, false).await,
        camper(&pool, &c, 3, true).await,
    );
    // Bopha is at the centre: her bed is not lent, for one night or all.
    assert_eq!(
        raw_loan(&pool, &c, (c.beds[1], ana), (0, 7)).await,
        Err("bed_loan_occupant_present".into())
    );
    assert_eq!(
        raw_loan(&pool, &c, (c.beds[1], ana), (3, 4)).await,
        Err("bed_loan_occupant_present".into())
    );
    // Dara is away for all of the camp's nights: her bed is lent.
    assert_eq!(raw_loan(&pool, &c, (c.beds[0], ana), (0, 7)).await, Ok(()));
    // Not twice on the same night, and a camper sleeps in one bed.
    assert_eq!(
        raw_loan(&pool, &c, (c.beds[0], chea), (6, 7)).await,
        Err("bed_loan_bed_lent".into())
    );
    assert_eq!(
        raw_loan(&pool, &c, (c.beds[2], ana), (2, 3)).await,
        Err("bed_loan_camper_has_bed".into())
    );
    // A boy never in a girls' room.
    assert_eq!(
        raw_loan(&pool, &c, (c.beds[2], bo), (0, 2)).await,
        Err("allocation_sex_mismatch".into())
    );
    // Only on the camp's nights: until the morning after its last day.
    assert_eq!(
        raw_loan(&pool, &c, (c.beds[2], chea), (0, 8)).await,
        Err("bed_loan_outside_camp".into())
    );
    assert_eq!(raw_loan(&pool, &c, (c.beds[2], chea), (0, 7)).await, Ok(()));
    // A lent free bed is taken: nobody is allocated to it on its nights.
    let mut conn = pool.acquire().await.expect("connection");
    let newcomer = app::residents::repo::insert(&mut conn, &girl("ស្រីនី", "Srey Ny", 9, "3"))
        .await
        .expect("resident");
    let allocated = app::housing::repo::insert_allocation(
        &mut conn,
        newcomer,
        c.beds[2],
        arriving(today() + Days::new(2)),
        None,
    )
    .await;
    assert!(
        matches!(&allocated, Err(sqlx::Error::Database(db)) if db.message() == "bed_loan_bed_lent"),
        "{allocated:?}"
    );
    // A loan is only ever shortened; lending for longer is a new loan, checked again.
    let longer =
        sqlx::query("UPDATE bed_loan SET until_on = date(until_on, '+1 day') WHERE camper_id = ?")
            .bind(ana)
            .execute(&pool)
            .await;
    assert!(
        matches!(&longer, Err(sqlx::Error::Database(db)) if db.message() == "bed_loan_fixed"),
        "{longer:?}"
    );
    // Bopha goes home for three nights: her bed may be lent for those, not a fourth.
    let away = Away {
        starts_at: at(today() + Days::new(1), 15),
        ends_at: Some(at(today() + Days::new(4), 8)),
        returned_at: None,
    };
    app::presence::repo::insert_absence(&mut conn, c.bopha, AbsenceReason::HomeStay, "", away)
        .await
        .expect("home stay");
    let dee = camper(&pool, &c, 4, true).await;
    assert_eq!(
        raw_loan(&pool, &c, (c.beds[1], dee), (1, 5)).await,
        Err("bed_loan_occupant_present".into())
    );
    assert_eq!(raw_loan(&pool, &c, (c.beds[1], dee), (1, 4)).await, Ok(()));
    // A day camp's children sleep at home.
    drop(conn);
    let day = centre_day_camp(&pool, &c).await;
    assert_eq!(
        raw_loan(
            &pool,
            &day,
            (c.beds[3], day_camper(&pool, &day).await),
            (0, 1)
        )
        .await,
        Err("bed_loan_outside_camp".into())
    );
    // And the rules agree with the app's: the lendable beds for the camp's nights.
    let mut conn = pool.acquire().await.expect("connection");
    let lendable = app::presence::repo::lendable_beds(&mut conn, today(), today() + Days::new(7))
        .await
        .expect("lendable");
    let ours: Vec<i64> = lendable
        .iter()
        .map(|(bed, _)| bed.place.bed_id)
        .filter(|id| c.beds.contains(id))
        .collect();
    assert_eq!(
        ours,
        vec![c.beds[3]],
        "every other bed is lent or its boarder is here"
    );
    let _ = (c.dara, c.dara_away, c.building);
}

/// A day camp beside `c`'s, with a group.
async fn centre_day_camp(pool: &SqlitePool, c: &Centre) -> Centre {
    let facility: i64 = sqlx::query_scalar("SELECT facility_id FROM building WHERE id = ?")
        .bind(c.building)
        .fetch_one(pool)
        .await
        .expect("facility");
    let camp = NewCamp {
        name: "Day camp".into(),
        facility_id: facility,
        kind: model::Kind::Day,
        starts_on: today(),
        ends_on: today() + Days::new(6),
        min_age: 6,
        max_age: 14,
        places: 40,
        meals: model::Meals(2),
        day_ends_at: NaiveTime::from_hms_opt(17, 0, 0).expect("time"),
    };
    let camp = record::create_camp(pool, &system(), &camp)
        .await
        .expect("camp");
    let group = record::add_group(pool, &system(), camp, "Dolphins", None)
        .await
        .expect("group");
    Centre {
        building: c.building,
        beds: c.beds.clone(),
        dara: c.dara,
        bopha: c.bopha,
        dara_away: c.dara_away,
        camp,
        group,
    }
}

async fn day_camper(pool: &SqlitePool, day: &Centre) -> i64 {
    camper(pool, day, 9, true).await
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn house_staff_lend_a_bed_and_a_boarders_early_return_raises_bed_needed_back(
    pool: SqlitePool,
) {
    let c = centre(&pool, model::Kind::Residential).await;
    let ana = camper(&pool, &c, 1, true).await;
    let (_, house) = staff_session(&pool, "housemother", &[Role::HouseStaff]).await;
    let (_, cook) = staff_session(&pool, "cook", &[Role::Canteen]).await;
    let (_, m) = staff_session(&pool, "camille", &[Role::Monitor]).await;
    let app = router(pool.clone(), "lent-beds");
    // The free beds and Dara's (away) are offered, best fit first; never Bopha's.
    let offer = page(&app, &house, &format!("/camps/{}/beds/{ana}", c.camp)).await;
    let place = |bed: usize| format!("L · L1 · {}", bed + 1);
    for bed in [0, 2, 3] {
        assert!(offer.contains(&place(bed)), "bed {bed}: {offer}");
    }
    assert!(!offer.contains(&place(1)), "Bopha is here: {offer}");
    assert!(offer.contains("Dara"), "whose bed it is");
    // A monitor may not lend beds, nor see who sleeps where.
    let nights = lend_form(&c, ana, c.beds[0]);
    let (status, _) = post_as(&app, &m, "/api/lend_bed", nights.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let refused = send(app.clone(), get_as(&m, &format!("/camps/{}/beds", c.camp))).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // House staff lend Dara's bed for the camp's nights: audited, shown on the plan.
    let (status, body) = post_as(&app, &house, "/api/lend_bed", nights).await;
    assert!(
        status.is_redirection() || status.is_success(),
        "{status}: {body}"
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE entity = 'bed_loan' AND action = 'lend'",
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(audited, 1);
    // She eats at the centre from tonight: dinner today, and every meal tomorrow.
    let campers_at = |day: NaiveDate| {
        let pool = pool.clone();
        async move {
            let mut conn = pool.acquire().await.expect("connection");
            let (services, days) = app::canteen::counts::counts(&mut conn, day, day)
                .await
                .expect("counts");
            services
                .iter()
                .zip(&days[0].meals)
                .map(|(service, meal)| (service.name_en.clone(), meal.live.campers))
                .collect::<Vec<_>>()
        }
    };
    let tomorrow = campers_at(today() + Days::new(1)).await;
    assert!(
        !tomorrow.is_empty() && tomorrow.iter().all(|(_, n)| *n == 1),
        "{tomorrow:?}"
    );
    assert!(
        campers_at(today() + Days::new(9))
            .await
            .iter()
            .all(|(_, n)| *n == 0),
        "gone after the camp"
    );
    let plan = page(&app, &house, &format!("/buildings/{}", c.building)).await;
    assert!(
        plan.contains("bed lent") && plan.contains("Camper 1"),
        "{plan}"
    );
    assert!(plan.contains("lent until"), "until when: {plan}");
    // Another camp's id with this camper: not found.
    let other = centre_day_camp(&pool, &c).await;
    let wrong = send(
        app.clone(),
        get_as(&house, &format!("/camps/{}/beds/{ana}", other.camp)),
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    assert!(
        !page(&app, &house, "/roll")
            .await
            .contains("bed-needed-banner")
    );
    // Dara comes back early, today: the return is recorded all the same...
    let (status, body) = post_as(
        &app,
        &house,
        "/api/record_return",
        format!("absence_id={}", c.dara_away),
    )
    .await;
    assert!(
        status.is_redirection() || status.is_success(),
        "{status}: {body}"
    );
    let returned: Option<i64> = sqlx::query_scalar("SELECT returned_at FROM absence WHERE id = ?")
        .bind(c.dara_away)
        .fetch_one(&pool)
        .await
        .expect("absence");
    assert!(returned.is_some());
    // ...and her bed is needed back tonight: an alert on house staff's pages and the
    // dashboard; not the canteen's work.
    assert!(
        !page(&app, &cook, "/canteen")
            .await
            .contains("bed-needed-banner")
    );
    for (cookie, path) in [(&house, "/roll"), (&house, "/canteen"), (&house, "/")] {
        let html = page(&app, cookie, path).await;
        assert!(html.contains("bed-needed-banner"), "{path}: {html}");
        assert!(html.contains("needed back tonight"), "{path}");
        assert!(
            html.contains(&format!("/camps/{}/beds/{ana}", c.camp)),
            "{path}: linked to the move"
        );
    }
    // The move page offers the free beds, not Dara's own.
    let offer = page(&app, &house, &format!("/camps/{}/beds/{ana}", c.camp)).await;
    assert!(offer.contains("sleeps here again tonight"), "{offer}");
    assert!(
        offer.contains(&place(2)) && offer.contains(&place(3)),
        "{offer}"
    );
    let bed_value = |bed: i64| format!("name=\"bed_id\" value=\"{bed}\"");
    assert!(offer.contains(&bed_value(c.beds[2])), "{offer}");
    assert!(!offer.contains(&bed_value(c.beds[0])), "{offer}");
    // Moved to a free bed: the old loan ends this morning, the alert is gone.
    let moved = lend_form(&c, ana, c.beds[2]);
    let (status, body) = post_as(&app, &house, "/api/lend_bed", moved).await;
    assert!(
        status.is_redirection() || status.is_success(),
        "{status}: {body}"
    );
    let loans: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT bed_id, from_on, until_on FROM bed_loan ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("loans");
    let (t, end) = (today().to_string(), (today() + Days::new(7)).to_string());
    assert_eq!(
        loans,
        vec![(c.beds[0], t.clone(), t.clone()), (c.beds[2], t, end)]
    );
    // Gone from every page, the dashboard too (read again: the loan changed the beds).
    for path in ["/roll", "/"] {
        let html = page(&app, &house, path).await;
        assert!(!html.contains("bed-needed-banner"), "{path}: {html}");
    }
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_residential_camps_children_do_not_go_home_before_its_last_day(pool: SqlitePool) {
    let c = centre(&pool, model::Kind::Residential).await;
    let ana = camper(&pool, &c, 1, true).await;
    let (_, house) = staff_session(&pool, "housemother", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "residential-day");
    let body = format!("group_id={}&camper_id={ana}&status=present", c.group);
    let (status, text) = post_as(&app, &house, "/api/camp_check_in", body).await;
    assert!(status.is_redirection() || status.is_success(), "{text}");
    // Today is not the camp's last day: no pick-up offered, and none taken.
    let day = page(&app, &house, &format!("/camps/groups/{}", c.group)).await;
    assert!(!day.contains("details class=\"pick-up\""), "{day}");
    let mother: i64 = sqlx::query_scalar("SELECT id FROM camp_guardian WHERE camper_id = ?")
        .bind(ana)
        .fetch_one(&pool)
        .await
        .expect("mother");
    let leave = format!("group_id={}&camper_id={ana}&guardian_id={mother}", c.group);
    let (status, _) = post_as(&app, &house, "/api/camp_pick_up", leave.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = post_as(
        &app,
        &house,
        "/api/camp_hand_over",
        format!("group_id={}&camper_id={ana}", c.group),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let present: String = sqlx::query_scalar("SELECT status FROM camp_day WHERE camper_id = ?")
        .bind(ana)
        .fetch_one(&pool)
        .await
        .expect("day");
    assert_eq!(present, "present");
}

/// Whether a form post went through: a redirect back to its page, or (without one) 200.
fn done(status: StatusCode) -> bool {
    status.is_success() || status.is_redirection()
}

/// Inserts a mark for `camper` on the roll of `building` for the night `night` days from
/// today, straight into the tables: the schema's answer.
async fn raw_camper_mark(
    pool: &SqlitePool,
    building: i64,
    night: u64,
    camper: i64,
) -> Result<(), String> {
    let night = today() + Days::new(night);
    sqlx::query(
        "INSERT INTO roll_call (building_id, night, opened_at) VALUES (?, ?, 0)
         ON CONFLICT (building_id, night) DO NOTHING",
    )
    .bind(building)
    .bind(night)
    .execute(pool)
    .await
    .expect("roll");
    let staff: i64 = sqlx::query_scalar("SELECT min(id) FROM staff_user")
        .fetch_one(pool)
        .await
        .expect("staff");
    let done = sqlx::query(
        "INSERT INTO camper_roll_mark (roll_call_id, camper_id, status, marked_at, marked_by)
         SELECT id, ?, 'present', 0, ? FROM roll_call WHERE building_id = ? AND night = ?",
    )
    .bind(camper)
    .bind(staff)
    .bind(building)
    .bind(night)
    .execute(pool)
    .await;
    schema_says(done)
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_schema_marks_a_camper_only_on_the_roll_of_the_building_lending_their_bed(
    pool: SqlitePool,
) {
    let c = centre(&pool, model::Kind::Residential).await;
    let (ana, chea) = (
        camper(&pool, &c, 1, true).await,
        camper(&pool, &c, 2, true).await,
    );
    staff_account(&pool, "housemother", "a long enough password").await;
    let mut conn = pool.acquire().await.expect("connection");
    let (other, _) = girls_room(&mut conn, "M", "អគារ M", 2).await;
    drop(conn);
    // Ana sleeps in L1's third bed for two nights from tomorrow; Chea has no bed.
    assert_eq!(raw_loan(&pool, &c, (c.beds[2], ana), (1, 3)).await, Ok(()));
    assert_eq!(raw_camper_mark(&pool, c.building, 1, ana).await, Ok(()));
    assert_eq!(raw_camper_mark(&pool, c.building, 2, ana).await, Ok(()));
    let refused = Err("camper_not_in_building".to_owned());
    // Not tonight (before her first night), nor the morning she gives the bed back.
    assert_eq!(raw_camper_mark(&pool, c.building, 0, ana).await, refused);
    assert_eq!(raw_camper_mark(&pool, c.building, 3, ana).await, refused);
    // Not on another building's roll, and never a camper without a bed.
    assert_eq!(raw_camper_mark(&pool, other, 1, ana).await, refused);
    assert_eq!(raw_camper_mark(&pool, c.building, 1, chea).await, refused);
    // A closed roll's marks no longer change, nor move to another camper.
    sqlx::query("UPDATE roll_call SET closed_at = 1, closed_by = (SELECT min(id) FROM staff_user) WHERE night = ?")
        .bind(today() + Days::new(1))
        .execute(&pool)
        .await
        .expect("closed");
    let change = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            match sqlx::query(sql).bind(ana).execute(&pool).await {
                Err(sqlx::Error::Database(db)) => db.message().to_owned(),
                other => format!("{other:?}"),
            }
        }
    };
    assert_eq!(
        change("UPDATE camper_roll_mark SET status = 'missing' WHERE camper_id = ?").await,
        "roll_closed"
    );
    assert_eq!(
        change("UPDATE camper_roll_mark SET camper_id = camper_id + 1 WHERE camper_id = ?").await,
        "camper_roll_mark_fixed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_residential_camper_is_on_the_roll_of_the_building_lending_their_bed() {
    // A database file whose connections report their commits, as the server runs it: the
    // roll a tablet read before the loan is read again after it.
    let changes = app::base::hub::Changes::new();
    let (pool, dir) = file_pool("camper-roll", &changes).await;
    let c = centre(&pool, model::Kind::Residential).await;
    let ana = camper(&pool, &c, 1, true).await;
    let (_, house) = staff_session(&pool, "housemother", &[Role::HouseStaff]).await;
    let (_, night_tablet) = staff_session(&pool, "nightwatch", &[Role::HouseStaff]).await;
    let (_, cook) = staff_session(&pool, "cook", &[Role::Canteen]).await;
    let (_, m) = staff_session(&pool, "camille", &[Role::Monitor]).await;
    let app = router_with(pool.clone(), "camper-roll", false, changes);
    // Tonight's roll, read before the loan (and kept until beds or presence change).
    let roll = format!("/roll/{}?night={}", c.building, today());
    let before = page(&app, &house, &roll).await;
    assert!(
        before.contains("Bopha") && !before.contains("Camper 1"),
        "{before}"
    );
    let lend = lend_form(&c, ana, c.beds[2]);
    let (status, body) = post_as(&app, &house, "/api/lend_bed", lend).await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status}: {body}"
    );
    // Tonight's roll of the building: Bopha in her bed, Ana in the lent one; Dara is away.
    let html = page(&app, &house, &roll).await;
    assert!(html.contains(&format!("id=\"c{ana}\"")), "{html}");
    assert!(
        html.contains("Camper 1") && html.contains("Bopha"),
        "{html}"
    );
    assert!(
        html.contains(&format!("name=\"camper_id\" value=\"{ana}\"")),
        "{html}"
    );
    let marked = |cookie: &str, fields: String| {
        let (app, cookie) = (app.clone(), cookie.to_owned());
        async move {
            let body = format!("building_id={}&night={}&{fields}", c.building, today());
            post_response(&app, &cookie, "/api/mark_roll", body).await
        }
    };
    let status_of = |who: &'static str| {
        let pool = pool.clone();
        async move {
            let sql = match who {
                "ana" => "SELECT status FROM camper_roll_mark",
                _ => "SELECT status FROM roll_mark",
            };
            sqlx::query_scalar::<_, String>(sql)
                .fetch_all(&pool)
                .await
                .expect("marks")
        }
    };
    // Neither a monitor nor the canteen marks a roll; a mark names one child, not two.
    for cookie in [&m, &cook] {
        let refused = marked(cookie, format!("camper_id={ana}&mark=present")).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    let both = marked(
        &house,
        format!("camper_id={ana}&resident_id={}&mark=present", c.bopha),
    )
    .await;
    assert_eq!(both.status(), StatusCode::BAD_REQUEST);
    // A camper of another building, or with no bed tonight, is not on this roll.
    let chea = camper(&pool, &c, 2, true).await;
    let stranger = marked(&house, format!("camper_id={chea}&mark=present")).await;
    assert_eq!(stranger.status(), StatusCode::NOT_FOUND);
    assert!(status_of("ana").await.is_empty(), "nothing marked");
    // Bopha is marked; the roll does not close while Ana is unmarked.
    let bopha = marked(&house, format!("resident_id={}&mark=present", c.bopha)).await;
    assert!(done(bopha.status()), "{:?}", bopha.status());
    let close = format!("building_id={}&night={}", c.building, today());
    let open = post_response(&app, &house, "/api/close_roll", close.clone()).await;
    assert_eq!(open.status(), StatusCode::CONFLICT);
    // The night tablet marks Ana missing: an alert on every staff page, to her row.
    let missing = marked(&night_tablet, format!("camper_id={ana}&mark=missing")).await;
    assert!(done(missing.status()), "{:?}", missing.status());
    assert_eq!(status_of("ana").await, vec!["missing".to_owned()]);
    let row = format!("/roll/{}?night={}#c{ana}", c.building, today());
    for cookie in [&cook, &house] {
        let html = page(&app, cookie, "/canteen").await;
        assert!(html.contains("missing-banner"), "{html}");
        assert!(
            html.contains(&row.replace('&', "&amp;")) || html.contains(&row),
            "{html}"
        );
    }
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE entity = 'camper_roll_mark' AND action = 'mark'",
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(audited, 1);
    // "All present" leaves her mark; the roll closes with her counted missing.
    let all = post_response(&app, &house, "/api/mark_roll_all_present", close.clone()).await;
    assert!(done(all.status()), "{:?}", all.status());
    assert_eq!(status_of("ana").await, vec!["missing".to_owned()]);
    let closed = post_response(&app, &house, "/api/close_roll", close).await;
    assert!(done(closed.status()), "{:?}", closed.status());
    let summary: String = sqlx::query_scalar(
        "SELECT after_json FROM audit_log WHERE entity = 'roll_call' AND action = 'close'",
    )
    .fetch_one(&pool)
    .await
    .expect("closed");
    assert!(
        summary.contains("\"missing\":1") && summary.contains("\"present\":1"),
        "{summary}"
    );
    // Found at the centre, on her row of the closed roll: the alert ends, and the answer
    // goes back to the roll (never to another site).
    let html = page(&app, &house, &roll).await;
    assert!(html.contains("roll-resolve"), "{html}");
    // The dashboard counts her among the camp's children in lent beds tonight.
    let board = page(&app, &house, "/").await;
    assert!(board.contains("In lent beds tonight"), "{board}");
    assert!(!page(&app, &cook, &roll).await.contains("roll-resolve"));
    let refused = post_response(
        &app,
        &cook,
        "/api/resolve_alert",
        format!("camper_id={ana}&resolution=found"),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // A browser without JavaScript posts the form from the roll's page.
    let request = form_post("/api/resolve_alert")
        .header(axum::http::header::COOKIE, &house)
        .header(axum::http::header::ACCEPT, "text/html")
        .header(axum::http::header::REFERER, "http://centre.local/roll")
        .body(axum::body::Body::from(format!(
            "camper_id={ana}&resolution=found&back=//elsewhere.example/roll"
        )))
        .expect("request");
    let found = send(app.clone(), request).await;
    assert!(found.status().is_redirection(), "{:?}", found.status());
    let location = found.headers()[axum::http::header::LOCATION]
        .to_str()
        .expect("ASCII");
    assert!(
        location.starts_with('/') && !location.starts_with("//"),
        "{location}"
    );
    assert!(
        !page(&app, &cook, "/canteen")
            .await
            .contains("missing-banner")
    );
    let resolved: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE entity = 'camper' AND action = 'alert_resolved'",
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(resolved, 1);
    pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
