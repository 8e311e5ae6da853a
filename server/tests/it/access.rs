//! Who may call what: the role table over every server function, and sign-in for staff and
//! families (demo accounts, throttling, sessions ended by an admin or the social team).

use std::collections::BTreeSet;

use crate::support::*;
use app::base::access::Role;
use app::base::access::{Actor, Writer};
use app::base::session::{self, Owner};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sqlx::SqlitePool;

/// Who may call a server function.
#[derive(Clone, Copy, Debug)]
enum Allowed {
    /// Anyone, signed in or not.
    Public,
    /// Staff holding one of these roles.
    Staff(&'static [Role]),
    /// A signed-in family.
    Family,
    /// The signed-in family, about its own records: another family gets 404, whatever the
    /// ids it sends (the family-link guard).
    FamilyOwn,
}

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Nobody,
    Staff(Role),
    Family,
    /// A family of other children, sending the first family's ids.
    OtherFamily,
}

const ADMIN: &[Role] = &[Role::Admin];
const SOCIAL: &[Role] = &[Role::SocialTeam, Role::Admin];
const HOUSE: &[Role] = &[Role::HouseStaff, Role::Admin];
const STAFF: &[Role] = &Role::CENTRE;
const CAMPS: &[Role] = &[Role::Monitor, Role::HouseStaff, Role::Admin];
const EVERY_ROLE: &[Role] = &Role::ALL;
const KITCHEN: &[Role] = &[Role::Canteen, Role::Admin];
const KITCHEN_READ: &[Role] = &[Role::Canteen, Role::Admin, Role::HouseStaff];
const HOMEWORK: &[Role] = &[Role::Tutor, Role::HouseStaff, Role::Admin];
const GATE: &[Role] = &[Role::HouseStaff, Role::SocialTeam, Role::Admin];

/// The ids the requests name.
struct Fixture {
    /// A staff account the admin edits (not one of the callers).
    staff_id: i64,
    /// A family account the social team edits (not the calling family).
    family_id: i64,
    /// The building of the slots below, its facility and its room.
    building_id: i64,
    facility_id: i64,
    room_id: i64,
    /// Records for each call `n`, so that every allowed call of a write succeeds.
    slots: Vec<Slot>,
    /// Today at the centre.
    today: chrono::NaiveDate,
    /// A stored spreadsheet waiting for its preview.
    import_id: i64,
    /// A recipe and an ingredient the canteen functions name.
    recipe_id: i64,
    ingredient_id: i64,
    /// Extra heads for each call `n` to remove.
    extras: Vec<i64>,
    /// The calling tutor's class, meeting every day, and a pupil in it.
    class_id: i64,
    pupil: i64,
    /// The calling tutor.
    tutor_id: i64,
    /// For each call `n`, a resident enrolled in a class, to take out.
    enrolled: Vec<(i64, i64)>,
    /// The calling family's visits.
    visits: VisitsFixture,
    /// The calling monitor's camp group.
    camps: CampsFixture,
}

/// A camp with a group the calling monitor runs, a child in it, and what each call `n` of the
/// pick-up and hand-over uses up: a child checked in, with a guardian allowed to collect.
struct CampsFixture {
    camp: i64,
    group: i64,
    child: i64,
    monitor: i64,
    leaving: std::collections::HashMap<usize, (i64, i64)>,
    /// A residential camp, and for each call `n` of the lending a girl of it without a bed.
    residential: i64,
    sleepers: std::collections::HashMap<usize, i64>,
    /// A stored spreadsheet of children for the camp, waiting for its preview.
    import_id: i64,
}

/// The camps fixture: a child for each call of the functions in `leaving`.
async fn camps_fixture(
    pool: &SqlitePool,
    monitor: i64,
    runs: &std::collections::HashMap<&str, Vec<usize>>,
) -> CampsFixture {
    use app::camps::{model, record};
    let by = Writer::system("test");
    let today = app::base::clock::today_at_centre();
    let facility = {
        let mut conn = pool.acquire().await.expect("connection");
        app::demo::centre::seed_demo(&mut conn)
            .await
            .expect("centre")
            .boarding_school
    };
    let camp_form = model::NewCamp {
        name: "Camp".into(),
        facility_id: facility,
        kind: model::Kind::Day,
        starts_on: today,
        ends_on: today + chrono::Days::new(10),
        min_age: 3,
        max_age: 25,
        places: 1000,
        meals: model::Meals(model::Meals::LUNCH),
        day_ends_at: chrono::NaiveTime::from_hms_opt(16, 30, 0).expect("time"),
    };
    let camp = record::create_camp(pool, &by, &camp_form)
        .await
        .expect("camp");
    let group = record::add_group(pool, &by, camp, "Dolphins", Some(monitor))
        .await
        .expect("group");
    let by = &by;
    let register = |k: usize| async move {
        let form = model::CamperForm {
            name_km: format!("សុខ {k}"),
            name_latin: format!("Camper {k}"),
            sex: "f".into(),
            born_on: "2018-01-01".into(),
            guardian1_name: "Mother".into(),
            guardian1_phone: format!("012{:06}", 100_000 + k),
            guardian1_relationship: "mother".into(),
            guardian1_may_collect: Some("on".into()),
            ..model::CamperForm::default()
        };
        let (camper, guardians) = model::check_camper(&form, today).expect("form");
        let id = record::register(pool, by, (camp, group), &camper, &guardians, 0)
            .await
            .expect("camper");
        let checked_in = record::DayMark::CheckIn {
            camper_id: id,
            present: true,
            sent: None,
        };
        record::mark_day(pool, by, (group, today), checked_in, 0)
            .await
            .expect("checked in");
        let guardian: i64 = sqlx::query_scalar("SELECT id FROM camp_guardian WHERE camper_id = ?")
            .bind(id)
            .fetch_one(pool)
            .await
            .expect("guardian");
        (id, guardian)
    };
    let child = register(0).await.0;
    let mut leaving = std::collections::HashMap::new();
    for path in ["/api/camp_pick_up", "/api/camp_hand_over"] {
        for n in &runs[path] {
            leaving.insert(*n, register(*n).await);
        }
    }
    let residential = model::NewCamp {
        name: "Camp with nights".into(),
        kind: model::Kind::Residential,
        ..camp_form
    };
    let residential = record::create_camp(pool, by, &residential)
        .await
        .expect("camp");
    let eagles = record::add_group(pool, by, residential, "Eagles", None)
        .await
        .expect("group");
    let mut sleepers = std::collections::HashMap::new();
    for n in &runs["/api/lend_bed"] {
        let form = model::CamperForm {
            name_km: format!("សុខ {n}"),
            name_latin: format!("Sleeper {n}"),
            sex: "f".into(),
            born_on: "2016-01-01".into(),
            guardian1_name: "Mother".into(),
            guardian1_phone: format!("013{:06}", 100_000 + n),
            guardian1_relationship: "mother".into(),
            guardian1_may_collect: Some("on".into()),
            ..model::CamperForm::default()
        };
        let (camper, guardians) = model::check_camper(&form, today).expect("form");
        let id = record::register(pool, by, (residential, eagles), &camper, &guardians, 0)
            .await
            .expect("camper");
        sleepers.insert(*n, id);
    }
    let import_id = {
        let mut conn = pool.acquire().await.expect("connection");
        let csv = "name_km,name_latin,sex,born_on,group,guardian1_name,guardian1_phone,guardian1_relationship\nសុខ,Listed,m,2017-01-01,Dolphins,Father,016123456,father\n";
        app::camps::repo::insert_import(&mut conn, camp, (monitor, 0), "c.csv", csv)
            .await
            .expect("import")
    };
    CampsFixture {
        camp,
        group,
        child,
        monitor,
        leaving,
        residential,
        sleepers,
        import_id,
    }
}

/// The calling family's contact (holding its phone, allowed for every linked child), its
/// children, visit days, and what each call `n` of a visits function uses up.
#[derive(Default)]
struct VisitsFixture {
    family: i64,
    contact: i64,
    /// A visit day open for booking, and its slots.
    open_day: i64,
    open_slot: i64,
    /// Today's visit day's slot (booking closed).
    today_slot: i64,
    /// Per call: a child linked to the family (allowed up to 8 visits a month).
    child: std::collections::HashMap<usize, i64>,
    /// Per call: a pending booking, a confirmed booking of today, a checked-in one, a
    /// booking of the family to cancel, an approved home stay, one under way, a visit day to
    /// call off, a blocked date.
    pending: std::collections::HashMap<usize, i64>,
    arriving: std::collections::HashMap<usize, i64>,
    inside: std::collections::HashMap<usize, i64>,
    booked: std::collections::HashMap<usize, i64>,
    stay_waiting: std::collections::HashMap<usize, i64>,
    stay_away: std::collections::HashMap<usize, i64>,
    day_to_cancel: std::collections::HashMap<usize, i64>,
    blocked: std::collections::HashMap<usize, chrono::NaiveDate>,
}

async fn insert_booking(
    conn: &mut sqlx::SqliteConnection,
    booking: &app::visits::model::NewBooking,
) -> i64 {
    app::visits::repo::insert_booking(conn, booking)
        .await
        .expect("booking")
}

/// The visits endpoints whose run gets a child linked to the fixture's family, with an
/// allowed contact (the family's own cancel is chained in separately).
const VISITS_WRITES_AND_READS: [&str; 28] = [
    "/api/get_gate",
    "/api/check_in",
    "/api/check_out",
    "/api/record_stop",
    "/api/walk_in",
    "/api/get_home_stays",
    "/api/approve_home_stay",
    "/api/hand_over",
    "/api/home_stay_return",
    "/api/change_home_stay_dates",
    "/api/cancel_home_stay",
    "/api/get_booking_form",
    "/api/book_visit",
    "/api/get_family_visits",
    "/api/save_contact",
    "/api/link_child",
    "/api/set_family_approval",
    "/api/set_permission",
    "/api/get_visits",
    "/api/save_visit_day",
    "/api/get_visit_day",
    "/api/save_slot",
    "/api/cancel_visit_day",
    "/api/block_date",
    "/api/unblock_date",
    "/api/decide_booking",
    "/api/get_staff_booking_form",
    "/api/staff_book",
];

/// The visits functions' fixture: for each function, resources for its calls (`runs`: each
/// function's run of `n`), with the residents `residents[n]` free to link.
async fn visits_fixture(
    pool: &SqlitePool,
    family: i64,
    social: i64,
    runs: &std::collections::HashMap<&str, Vec<usize>>,
    residents: &[i64],
) -> VisitsFixture {
    let run = |path: &str| runs.get(path).cloned().unwrap_or_default();
    let ns: Vec<usize> = runs
        .iter()
        .filter(|(path, _)| VISITS_WRITES_AND_READS.contains(path))
        .flat_map(|(_, ns)| ns.iter().copied())
        .chain(run("/api/cancel_visit"))
        .collect();
    use app::visits::{model, record};
    let by = Writer {
        actor: Actor::System("test".into()),
        staff_id: Some(social),
    };
    let today = app::base::clock::today_at_centre();
    let contact_input =
        model::check_contact("សុខ ចាន់ធី", "Sok Chanthy", "mother", "012345678", "KH-1")
            .expect("contact");
    let contact = record::save_contact(pool, &by, family, None, &contact_input)
        .await
        .expect("contact");
    let allow = model::check_permission("allowed", "Assessed", &today.to_string(), today)
        .expect("permission");
    let mut f = VisitsFixture {
        family,
        contact,
        ..VisitsFixture::default()
    };
    for n in &ns {
        let child = residents[*n];
        record::link_child(pool, &by, family, child, 8, false)
            .await
            .expect("link");
        record::set_permission(pool, &by, contact, child, &allow, today, 0)
            .await
            .expect("allowed");
        f.child.insert(*n, child);
    }
    let day = |offset: u64| model::DayForm {
        day: (today + chrono::Days::new(offset)).to_string(),
        opens_on: today.to_string(),
        closes_on: (today + chrono::Days::new(offset)).to_string(),
        closes_time: "23:59".into(),
        max_adults: "4".into(),
        meal: String::new(),
        note: String::new(),
    };
    let save_day = |form: model::DayForm| {
        let by = by.clone();
        async move {
            let input = model::check_day(&form, today).expect("day");
            record::save_day(pool, &by, None, &input)
                .await
                .expect("day")
        }
    };
    let slot = |day: i64| {
        let by = by.clone();
        async move {
            let times = model::check_slot("09:00", "10:00", "500").expect("slot");
            record::save_slot(pool, &by, day, None, times)
                .await
                .expect("slot")
        }
    };
    f.open_day = save_day(day(5)).await;
    f.open_slot = slot(f.open_day).await;
    // Today's day, its booking closed yesterday: written directly, as the form refuses it.
    let closed =
        app::presence::model::instant(today - chrono::Days::new(1), chrono::NaiveTime::MIN);
    f.today_slot = {
        let mut conn = pool.acquire().await.expect("connection");
        let today_day = sqlx::query_scalar!(
            r#"INSERT INTO visit_day (day, opens_on, closes_at) VALUES (?, ?, ?) RETURNING id AS "id!: i64""#,
            today,
            today,
            closed
        )
        .fetch_one(&mut *conn)
        .await
        .expect("today");
        drop(conn);
        slot(today_day).await
    };
    let mut conn = pool.acquire().await.expect("connection");
    for n in &ns {
        let child = f.child[n];
        let new = |slot_id: i64, status: model::Status| app::visits::model::NewBooking {
            slot_id,
            family_id: family,
            contact_id: contact,
            adults: 1,
            meal_heads: 0,
            status,
            supervised: false,
            walk_in: false,
            booked_by_staff: None,
            created_at: 0,
            children: vec![child],
            month: String::new(),
        };
        let month = |day: chrono::NaiveDate| model::month_of(day);
        let open_month = month(today + chrono::Days::new(5));
        let booking = |slot_id, status, month: String| {
            let mut b = new(slot_id, status);
            b.month = month;
            b
        };
        let pending = booking(f.open_slot, model::Status::Pending, open_month.clone());
        let booked = booking(f.open_slot, model::Status::Confirmed, open_month);
        let arriving = booking(f.today_slot, model::Status::Confirmed, month(today));
        let inside = booking(f.today_slot, model::Status::Confirmed, month(today));
        if run("/api/decide_booking").contains(n) {
            f.pending
                .insert(*n, insert_booking(&mut conn, &pending).await);
        }
        if run("/api/cancel_visit").contains(n) {
            f.booked
                .insert(*n, insert_booking(&mut conn, &booked).await);
        }
        if run("/api/check_in").contains(n) {
            f.arriving
                .insert(*n, insert_booking(&mut conn, &arriving).await);
        }
        if run("/api/check_out").contains(n) {
            let inside = insert_booking(&mut conn, &inside).await;
            sqlx::query!(
                "UPDATE visit_booking SET checked_in_at = 1 WHERE id = ?",
                inside
            )
            .execute(&mut *conn)
            .await
            .expect("inside");
            f.inside.insert(*n, inside);
        }
    }
    for (k, n) in run("/api/unblock_date").iter().enumerate() {
        let blocked = today + chrono::Days::new(3000 + k as u64);
        sqlx::query!(
            "INSERT INTO visit_blocked_date (day, reason) VALUES (?, 'Exams')",
            blocked
        )
        .execute(&mut *conn)
        .await
        .expect("blocked");
        f.blocked.insert(*n, blocked);
    }
    drop(conn);
    for (k, n) in run("/api/cancel_visit_day").iter().enumerate() {
        f.day_to_cancel
            .insert(*n, save_day(day(100 + k as u64)).await);
    }
    let stays = run("/api/hand_over")
        .into_iter()
        .chain(run("/api/cancel_home_stay"))
        .chain(run("/api/change_home_stay_dates"))
        .chain(run("/api/home_stay_return"));
    for n in stays {
        let child = f.child[&n];
        let stay = |offset: u64| app::visits::gate::record::NewStay {
            resident_id: child,
            contact_id: contact,
            from: (
                today + chrono::Days::new(offset),
                app::presence::model::instant(
                    today + chrono::Days::new(offset),
                    chrono::NaiveTime::MIN,
                ),
            ),
            until: (
                today + chrono::Days::new(offset + 1),
                app::presence::model::instant(
                    today + chrono::Days::new(offset + 1),
                    chrono::NaiveTime::MIN,
                ),
            ),
            note: String::new(),
        };
        // Both stays begin today: a handover is recorded only within the approved span.
        let waiting = app::visits::gate::record::approve_stay(pool, &by, &stay(0), 0)
            .await
            .expect("stay");
        f.stay_waiting.insert(n, waiting);
        let away = app::visits::gate::record::approve_stay(pool, &by, &stay(0), 0)
            .await
            .expect("stay");
        let now = chrono::Utc::now().timestamp();
        app::visits::gate::record::hand_over(pool, &by, away, contact, now)
            .await
            .expect("left");
        f.stay_away.insert(n, away);
    }
    f
}

/// The one function that takes a file: its body is multipart.
const UPLOAD: &str = "/api/upload_import";

/// A multipart body holding `csv` as the `file` field.
fn multipart_csv(csv: &str) -> String {
    format!(
        "--XBOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"residents.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--XBOUNDARY--\r\n"
    )
}

/// A multipart body holding `camp_id` and, as the `file` field, a spreadsheet of one child
/// for call `n`, in the camp's group "Dolphins".
fn multipart_campers(camp_id: i64, n: usize) -> String {
    let csv = format!(
        "name_km,name_latin,sex,born_on,group,guardian1_name,guardian1_phone,guardian1_relationship\nសុខ,Uploaded {n},f,2017-01-01,Dolphins,Mother,014{:06},mother\n",
        100_000 + n
    );
    format!(
        "--XBOUNDARY\r\nContent-Disposition: form-data; name=\"camp_id\"\r\n\r\n{camp_id}\r\n--XBOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"campers.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--XBOUNDARY--\r\n"
    )
}

/// A small spreadsheet of residents, one row per `n`.
fn residents_csv(n: usize) -> String {
    format!(
        "name_km,name_latin,sex,born_on,programme,admitted_on\nសុខ,Imported {n},f,2015-01-01,boarding_school,2024-01-01\n"
    )
}

/// What one call may use up: a resident waiting for a bed and a free bed, a resident in a
/// bed with a free bed beside it, an absence still running, a missing mark, an empty building.
struct Slot {
    waiting: i64,
    free_bed: i64,
    housed: i64,
    housed_bed: i64,
    target_bed: i64,
    absence: i64,
    empty_building: i64,
}

/// Builds a room of girls and `count` slots in a fresh building of the boarding school.
async fn housing_fixture(
    pool: &SqlitePool,
    marker: i64,
    count: usize,
) -> (i64, i64, i64, Vec<Slot>) {
    use app::housing::repo as housing;
    use app::presence::{
        model::{AbsenceReason, Away, Mark, Sleeper},
        repo as presence,
    };
    use app::residents::model::{Diet, Programme, ResidentFields, Sex};

    let today = app::base::clock::today_at_centre();
    let mut tx = pool.begin().await.expect("transaction");
    let facility = sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM facility WHERE kind = 'boarding_school'"#
    )
    .fetch_one(&mut *tx)
    .await
    .expect("facility");
    let building = housing::insert_building(&mut tx, facility, "T", "អគារ T", "Test building")
        .await
        .expect("building");
    let beds = u32::try_from(count * 3).expect("small");
    let room = housing::insert_room(&mut tx, building, "G", Sex::Female, (5, 16), beds)
        .await
        .expect("room");
    let bed_ids = sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM bed WHERE room_id = ? ORDER BY id"#,
        room
    )
    .fetch_all(&mut *tx)
    .await
    .expect("beds");
    let (roll, _) = presence::open_roll_call(&mut tx, building, today, 0)
        .await
        .expect("roll");
    let mut slots = Vec::new();
    for n in 0..count {
        let girl = |who: &str| ResidentFields {
            name_km: "ក្មេងស្រី".into(),
            name_latin: format!("{who} {n}"),
            sex: Sex::Female,
            born_on: today - chrono::Duration::days(3650),
            grade: "4".into(),
            programme: Programme::BoardingSchool,
            admitted_on: today - chrono::Duration::days(400),
            diet: Diet::Normal,
            allergies: vec![],
        };
        let waiting = app::residents::repo::insert(&mut tx, &girl("Waiting"))
            .await
            .expect("resident");
        let housed = app::residents::repo::insert(&mut tx, &girl("Housed"))
            .await
            .expect("resident");
        let (free_bed, housed_bed, target_bed) =
            (bed_ids[3 * n], bed_ids[3 * n + 1], bed_ids[3 * n + 2]);
        housing::insert_allocation(
            &mut tx,
            housed,
            housed_bed,
            arriving(today - chrono::Duration::days(10)),
            None,
        )
        .await
        .expect("allocation");
        let absence = presence::insert_absence(
            &mut tx,
            housed,
            AbsenceReason::SchoolTrip,
            "",
            Away {
                starts_at: 1,
                ends_at: Some(2),
                returned_at: None,
            },
        )
        .await
        .expect("absence");
        presence::set_mark(
            &mut tx,
            roll,
            Sleeper::Resident(housed),
            Mark::Missing,
            (marker, 0),
        )
        .await
        .expect("mark");
        let empty_building =
            housing::insert_building(&mut tx, facility, &format!("E{n}"), "អគារ", "Empty")
                .await
                .expect("building");
        slots.push(Slot {
            waiting,
            free_bed,
            housed,
            housed_bed,
            target_bed,
            absence,
            empty_building,
        });
    }
    tx.commit().await.expect("commit");
    (facility, building, room, slots)
}

/// A recipe, an ingredient and `count` entries of extra heads for the canteen's functions.
async fn canteen_fixture(pool: &SqlitePool, count: usize) -> (i64, i64, Vec<i64>) {
    use app::canteen::{model, record, repo};
    let actor = Writer::system("test");
    let recipe = repo::Recipe {
        id: 0,
        name_km: "សម្លកកូរ".into(),
        name_en: "Role table soup".into(),
        name_fr: "Soupe de la table des rôles".into(),
    };
    let recipe_id = record::save_recipe(pool, &actor, &recipe)
        .await
        .expect("recipe");
    let rice = repo::Ingredient {
        id: 0,
        name_km: "អង្ករ".into(),
        name_en: "Role table rice".into(),
        name_fr: "Riz de la table des rôles".into(),
        unit: model::Unit::Gram,
    };
    let ingredient_id = record::add_ingredient(pool, &actor, &rice)
        .await
        .expect("ingredient");
    let today = app::base::clock::today_at_centre();
    let mut extras = Vec::new();
    for _ in 0..count {
        let extra = model::check_extra(today, 1, "2", "", "guest", "").expect("extra");
        extras.push(
            record::add_typed_extra(pool, &actor, &extra, 0)
                .await
                .expect("extra"),
        );
    }
    (recipe_id, ingredient_id, extras)
}

/// The tutor's class, meeting every day all day this month, with `pupils[0]` in it; and
/// each other housed resident in one of several classes, to take out.
async fn homework_fixture(
    pool: &SqlitePool,
    tutor_id: i64,
    pupils: &[i64],
) -> (i64, i64, Vec<(i64, i64)>) {
    use app::homework::{model, record};
    let by = Writer {
        actor: Actor::System("test".into()),
        staff_id: Some(tutor_id),
    };
    let today = app::base::clock::today_at_centre();
    let input = |name: String| model::ClassInput {
        name,
        level: "primary".into(),
        subject: "khmer".into(),
        tutor_id: tutor_id.to_string(),
        room: "Library".into(),
        starts_at: "00:00".into(),
        ends_at: "23:59".into(),
        capacity: "60".into(),
        term_from: (today - chrono::Days::new(1)).to_string(),
        term_until: (today + chrono::Days::new(30)).to_string(),
    };
    let class = |name: String| async {
        let checked = model::check_class(&input(name), 127).expect("class");
        record::save_class(pool, &by, None, &checked)
            .await
            .expect("class")
    };
    let class_id = class("Reading club".into()).await;
    record::enrol(pool, &by, class_id, pupils[0], today)
        .await
        .expect("pupil");
    let mut enrolled = vec![(class_id, pupils[0])];
    for chunk in pupils[1..].chunks(60) {
        let other = class(format!("Khmer {}", chunk[0])).await;
        for pupil in chunk {
            record::enrol(pool, &by, other, *pupil, today)
                .await
                .expect("enrolled");
            enrolled.push((other, *pupil));
        }
    }
    (class_id, pupils[0], enrolled)
}

/// A valid request body for a function; `n` makes values unique where it creates something.
type MakeBody = fn(&Fixture, usize) -> String;

/// Every server function: its path, who may call it, and a valid request body for it.
fn table() -> Vec<(&'static str, Allowed, MakeBody)> {
    vec![
        ("/api/set_language", Allowed::Public, |_, _| {
            "lang=en&back=%2F".into()
        }),
        ("/api/get_centre_summary", Allowed::Public, |_, _| {
            String::new()
        }),
        ("/api/get_current_viewer", Allowed::Public, |_, _| {
            String::new()
        }),
        ("/api/log_in", Allowed::Public, |_, _| {
            "login=signin&password=sign+in+passphrase&back=%2F".into()
        }),
        ("/api/log_out", Allowed::Public, |_, _| String::new()),
        ("/api/list_staff", Allowed::Staff(ADMIN), |_, _| {
            String::new()
        }),
        ("/api/get_staff_member", Allowed::Staff(ADMIN), |f, _| {
            format!("id={}", f.staff_id)
        }),
        ("/api/create_staff", Allowed::Staff(ADMIN), |_, n| {
            format!(
                "login=new{n}&display_name=New&password=a+fresh+passphrase&language=km&roles%5Btutor%5D=on"
            )
        }),
        ("/api/update_staff", Allowed::Staff(ADMIN), |f, _| {
            format!(
                "id={}&display_name=Dara&language=km&roles%5Bcanteen%5D=on&active=on",
                f.staff_id
            )
        }),
        (
            "/api/reset_staff_password",
            Allowed::Staff(ADMIN),
            |f, _| format!("id={}&password=another+passphrase", f.staff_id),
        ),
        ("/api/unlock_staff", Allowed::Staff(ADMIN), |f, _| {
            format!("id={}", f.staff_id)
        }),
        ("/api/list_families", Allowed::Staff(SOCIAL), |_, _| {
            String::new()
        }),
        ("/api/get_family_account", Allowed::Staff(SOCIAL), |f, _| {
            format!("id={}", f.family_id)
        }),
        ("/api/suggest_pin", Allowed::Staff(SOCIAL), |_, _| {
            String::new()
        }),
        ("/api/create_family", Allowed::Staff(SOCIAL), |_, n| {
            format!("display_name=Keo+family&phone=0771000{n:02}&pin=735194")
        }),
        ("/api/update_family", Allowed::Staff(SOCIAL), |f, _| {
            format!(
                "id={}&display_name=Heng+family&phone=088765432&active=on",
                f.family_id
            )
        }),
        ("/api/reset_family_pin", Allowed::Staff(SOCIAL), |f, _| {
            format!("id={}&pin=846213", f.family_id)
        }),
        ("/api/unlock_family", Allowed::Staff(SOCIAL), |f, _| {
            format!("id={}", f.family_id)
        }),
        ("/api/get_portal", Allowed::Family, |_, _| String::new()),
        ("/api/get_booking_form", Allowed::FamilyOwn, |f, _| {
            format!("slot={}", f.visits.open_slot)
        }),
        ("/api/book_visit", Allowed::FamilyOwn, |f, n| {
            format!(
                "form%5Bslot%5D={}&form%5Bcontact%5D={}&form%5Badults%5D=1&form%5Bchild%5D%5B{}%5D=on",
                f.visits.open_slot, f.visits.contact, f.visits.child[&n]
            )
        }),
        ("/api/cancel_visit", Allowed::FamilyOwn, |f, n| {
            format!("booking={}", f.visits.booked[&n])
        }),
        ("/api/get_family_visits", Allowed::Staff(SOCIAL), |f, _| {
            format!("id={}", f.visits.family)
        }),
        ("/api/save_contact", Allowed::Staff(SOCIAL), |f, _| {
            format!(
                "family={}&contact=0&name_km=%E1%9E%9F%E1%9E%BB%E1%9E%81&name_latin=Sok&relationship=aunt",
                f.visits.family
            )
        }),
        ("/api/link_child", Allowed::Staff(SOCIAL), |f, n| {
            format!(
                "family={}&resident={}&visits_per_month=8",
                f.visits.family, f.visits.child[&n]
            )
        }),
        (
            "/api/set_family_approval",
            Allowed::Staff(SOCIAL),
            |f, _| format!("family={}", f.visits.family),
        ),
        ("/api/set_permission", Allowed::Staff(SOCIAL), |f, n| {
            format!(
                "family={}&contact={}&resident={}&level=allowed&reason=Assessed&decided_on={}",
                f.visits.family, f.visits.contact, f.visits.child[&n], f.today
            )
        }),
        ("/api/get_visits", Allowed::Staff(SOCIAL), |_, _| {
            String::new()
        }),
        ("/api/save_visit_day", Allowed::Staff(SOCIAL), |f, n| {
            let day = f.today + chrono::Days::new(1000 + n as u64);
            format!(
                "id=0&form%5Bday%5D={day}&form%5Bopens_on%5D={}&form%5Bcloses_on%5D={day}&form%5Bcloses_time%5D=17%3A00&form%5Bmax_adults%5D=4",
                f.today
            )
        }),
        ("/api/get_visit_day", Allowed::Staff(SOCIAL), |f, _| {
            format!("id={}", f.visits.open_day)
        }),
        ("/api/save_slot", Allowed::Staff(SOCIAL), |f, n| {
            format!(
                "day={}&slot=0&starts_at={:02}%3A{:02}&ends_at=23%3A59&capacity=10",
                f.visits.open_day,
                10 + n / 60 % 12,
                n % 60
            )
        }),
        ("/api/cancel_visit_day", Allowed::Staff(SOCIAL), |f, n| {
            format!("id={}", f.visits.day_to_cancel[&n])
        }),
        ("/api/block_date", Allowed::Staff(SOCIAL), |f, n| {
            format!(
                "day={}&reason=Exams",
                f.today + chrono::Days::new(2000 + n as u64)
            )
        }),
        ("/api/unblock_date", Allowed::Staff(SOCIAL), |f, n| {
            format!("day={}", f.visits.blocked[&n])
        }),
        ("/api/decide_booking", Allowed::Staff(SOCIAL), |f, n| {
            format!("booking={}&decision=approve", f.visits.pending[&n])
        }),
        (
            "/api/get_staff_booking_form",
            Allowed::Staff(SOCIAL),
            |f, _| format!("family={}&slot={}", f.visits.family, f.visits.open_slot),
        ),
        ("/api/staff_book", Allowed::Staff(SOCIAL), |f, n| {
            format!(
                "form%5Bslot%5D={}&form%5Bfamily%5D={}&form%5Bcontact%5D={}&form%5Badults%5D=1&form%5Bchild%5D%5B{}%5D=on",
                f.visits.open_slot, f.visits.family, f.visits.contact, f.visits.child[&n]
            )
        }),
        ("/api/get_gate", Allowed::Staff(GATE), |_, _| "q=Sok".into()),
        ("/api/check_in", Allowed::Staff(GATE), |f, n| {
            format!(
                "booking={}&visitor%5B{}%5D=on",
                f.visits.arriving[&n], f.visits.contact
            )
        }),
        ("/api/check_out", Allowed::Staff(GATE), |f, n| {
            format!("booking={}", f.visits.inside[&n])
        }),
        ("/api/record_stop", Allowed::Staff(GATE), |f, _| {
            format!("contact={}", f.visits.contact)
        }),
        ("/api/walk_in", Allowed::Staff(GATE), |f, n| {
            format!(
                "contact={}&slot={}&child%5B{}%5D=on&adults=1",
                f.visits.contact, f.visits.today_slot, f.visits.child[&n]
            )
        }),
        ("/api/get_home_stays", Allowed::Staff(GATE), |_, _| {
            String::new()
        }),
        ("/api/approve_home_stay", Allowed::Staff(SOCIAL), |f, n| {
            format!(
                "pair={}%3A{}&from_on={}&until_on={}",
                f.visits.child[&n],
                f.visits.contact,
                f.today + chrono::Days::new(40),
                f.today + chrono::Days::new(41)
            )
        }),
        ("/api/hand_over", Allowed::Staff(GATE), |f, n| {
            format!(
                "stay={}&collected_by={}",
                f.visits.stay_waiting[&n], f.visits.contact
            )
        }),
        ("/api/home_stay_return", Allowed::Staff(GATE), |f, n| {
            format!(
                "stay={}&brought_back_by={}",
                f.visits.stay_away[&n], f.visits.contact
            )
        }),
        (
            "/api/change_home_stay_dates",
            Allowed::Staff(SOCIAL),
            |f, n| {
                format!(
                    "stay={}&from_on={}&until_on={}",
                    f.visits.stay_waiting[&n],
                    f.today + chrono::Days::new(21),
                    f.today + chrono::Days::new(22)
                )
            },
        ),
        ("/api/cancel_home_stay", Allowed::Staff(SOCIAL), |f, n| {
            format!("stay={}", f.visits.stay_waiting[&n])
        }),
        ("/api/search_audit", Allowed::Staff(ADMIN), |_, _| {
            "filter%5Bpage%5D=1".into()
        }),
        ("/api/get_backups", Allowed::Staff(ADMIN), |_, _| {
            String::new()
        }),
        ("/api/search_residents", Allowed::Staff(STAFF), |_, _| {
            "q=a".into()
        }),
        ("/api/waiting_list", Allowed::Staff(STAFF), |_, _| {
            String::new()
        }),
        ("/api/get_resident_page", Allowed::Staff(STAFF), |f, _| {
            format!("id={}", f.slots[0].housed)
        }),
        ("/api/new_resident_form", Allowed::Staff(HOUSE), |_, _| {
            String::new()
        }),
        ("/api/create_resident", Allowed::Staff(HOUSE), |f, n| {
            format!(
                "resident%5Bname_km%5D=%E1%9E%9F%E1%9E%BB%E1%9E%81&resident%5Bname_latin%5D=New+{n}&resident%5Bsex%5D=f&resident%5Bborn_on%5D=2015-01-01&resident%5Bprogramme%5D=boarding_school&resident%5Badmitted_on%5D={}",
                f.today
            )
        }),
        ("/api/update_resident", Allowed::Staff(HOUSE), |f, _| {
            format!(
                "id={}&resident%5Bname_km%5D=%E1%9E%9F%E1%9E%BB%E1%9E%81&resident%5Bname_latin%5D=Sok+Dara&resident%5Bsex%5D=f&resident%5Bborn_on%5D=2015-01-01&resident%5Bprogramme%5D=boarding_school&resident%5Badmitted_on%5D=2024-01-01&resident%5Bdiet%5D=vegetarian&resident%5Ballergies%5D%5Bfish%5D=on",
                f.slots[0].waiting
            )
        }),
        ("/api/set_medical_note", Allowed::Staff(HOUSE), |f, _| {
            format!("id={}&note=Asthma", f.slots[0].housed)
        }),
        (
            "/api/set_safeguarding_note",
            Allowed::Staff(SOCIAL),
            |f, _| format!("id={}&note=Uncle+barred", f.slots[0].housed),
        ),
        ("/api/leave_resident", Allowed::Staff(HOUSE), |f, n| {
            format!(
                "id={}&left_on={}&reason=Went+home",
                f.slots[n].waiting, f.today
            )
        }),
        ("/api/link_sibling", Allowed::Staff(HOUSE), |f, _| {
            format!("id={}&other={}", f.slots[0].housed, f.slots[1].housed)
        }),
        ("/api/unlink_sibling", Allowed::Staff(HOUSE), |f, _| {
            format!("id={}&back={}", f.slots[2].housed, f.slots[2].housed)
        }),
        ("/api/list_buildings", Allowed::Staff(STAFF), |_, _| {
            String::new()
        }),
        ("/api/get_building_plan", Allowed::Staff(STAFF), |f, _| {
            format!("id={}", f.building_id)
        }),
        ("/api/get_bed_page", Allowed::Staff(STAFF), |f, _| {
            format!("id={}", f.slots[0].free_bed)
        }),
        ("/api/get_occupancy", Allowed::Staff(STAFF), |_, _| {
            "on=2026-01-01".into()
        }),
        ("/api/assign_bed", Allowed::Staff(HOUSE), |f, n| {
            format!(
                "resident_id={}&bed_id={}&on={}",
                f.slots[n].waiting, f.slots[n].free_bed, f.today
            )
        }),
        ("/api/move_bed", Allowed::Staff(HOUSE), |f, n| {
            format!(
                "resident_id={}&bed_id={}&on={}",
                f.slots[n].housed, f.slots[n].target_bed, f.today
            )
        }),
        ("/api/release_bed", Allowed::Staff(HOUSE), |f, n| {
            format!("bed_id={}&on={}", f.slots[n].housed_bed, f.today)
        }),
        ("/api/set_bed_service", Allowed::Staff(ADMIN), |f, _| {
            format!("bed_id={}&in_service=on", f.slots[0].free_bed)
        }),
        ("/api/create_absence", Allowed::Staff(HOUSE), |f, _| {
            format!(
                "resident_id={}&reason=home_stay&from_date={}&from_time=10%3A00",
                f.slots[0].waiting, f.today
            )
        }),
        ("/api/record_return", Allowed::Staff(HOUSE), |f, n| {
            format!("absence_id={}", f.slots[n].absence)
        }),
        ("/api/extend_absence", Allowed::Staff(HOUSE), |f, n| {
            format!(
                "absence_id={}&until_date=2099-01-01&reason=Flood",
                f.slots[n].absence
            )
        }),
        ("/api/roll_overview", Allowed::Staff(STAFF), |_, _| {
            String::new()
        }),
        ("/api/get_roll_call", Allowed::Staff(STAFF), |f, _| {
            format!("building_id={}", f.building_id)
        }),
        ("/api/mark_roll", Allowed::Staff(HOUSE), |f, _| {
            format!(
                "building_id={}&night={}&resident_id={}&mark=present",
                f.building_id, f.today, f.slots[0].housed
            )
        }),
        (
            "/api/mark_roll_all_present",
            Allowed::Staff(HOUSE),
            |f, _| format!("building_id={}&night={}", f.building_id, f.today),
        ),
        ("/api/close_roll", Allowed::Staff(HOUSE), |f, n| {
            format!(
                "building_id={}&night={}",
                f.slots[n].empty_building, f.today
            )
        }),
        (
            "/api/save_presence_settings",
            Allowed::Staff(ADMIN),
            |_, _| "overdue_grace_minutes=120".into(),
        ),
        ("/api/missing_alerts", Allowed::Staff(STAFF), |_, _| {
            String::new()
        }),
        ("/api/get_dashboard", Allowed::Staff(STAFF), |_, _| {
            String::new()
        }),
        ("/api/get_camps", Allowed::Staff(CAMPS), |_, _| {
            String::new()
        }),
        (
            "/api/uncollected_alerts",
            Allowed::Staff(EVERY_ROLE),
            |_, _| String::new(),
        ),
        ("/api/create_camp", Allowed::Staff(HOUSE), |f, n| {
            format!(
                "camp%5Bname%5D=Camp+{n}&camp%5Bfacility_id%5D={}&camp%5Bkind%5D=day&camp%5Bstarts_on%5D={}&camp%5Bends_on%5D={}&camp%5Bmin_age%5D=6&camp%5Bmax_age%5D=12&camp%5Bplaces%5D=40&camp%5Blunch%5D=on&camp%5Bday_ends_at%5D=16%3A30",
                f.facility_id, f.today, f.today
            )
        }),
        ("/api/get_camp", Allowed::Staff(HOUSE), |f, _| {
            format!("id={}", f.camps.camp)
        }),
        ("/api/add_camp_group", Allowed::Staff(HOUSE), |f, n| {
            format!("camp_id={}&name=Group+{n}", f.camps.camp)
        }),
        ("/api/add_camp_monitor", Allowed::Staff(HOUSE), |f, _| {
            format!("group_id={}&monitor_id={}", f.camps.group, f.camps.monitor)
        }),
        ("/api/add_camp_activity", Allowed::Staff(HOUSE), |f, _| {
            format!(
                "group_id={}&day={}&starts_at=08%3A00&ends_at=09%3A00&place=Courtyard&what=Games",
                f.camps.group, f.today
            )
        }),
        ("/api/register_camper", Allowed::Staff(HOUSE), |f, n| {
            format!(
                "camp_id={}&group_id={}&camper%5Bname_km%5D=%E1%9E%9F%E1%9E%BB%E1%9E%81&camper%5Bname_latin%5D=Registered+{n}&camper%5Bsex%5D=m&camper%5Bborn_on%5D=2017-03-03&camper%5Bguardian1_name%5D=Father&camper%5Bguardian1_phone%5D=017{:06}&camper%5Bguardian1_relationship%5D=father&camper%5Bguardian1_may_collect%5D=on",
                f.camps.camp,
                f.camps.group,
                100_000 + n
            )
        }),
        ("/api/camp_add_resident", Allowed::Staff(HOUSE), |f, n| {
            format!(
                "camp_id={}&group_id={}&resident_id={}",
                f.camps.camp, f.camps.group, f.slots[n].housed
            )
        }),
        ("/api/get_group_day", Allowed::Staff(CAMPS), |f, _| {
            format!("group_id={}", f.camps.group)
        }),
        ("/api/camp_check_in", Allowed::Staff(CAMPS), |f, _| {
            format!(
                "group_id={}&camper_id={}&status=present",
                f.camps.group, f.camps.child
            )
        }),
        ("/api/camp_all_present", Allowed::Staff(CAMPS), |f, _| {
            format!("group_id={}", f.camps.group)
        }),
        ("/api/camp_pick_up", Allowed::Staff(CAMPS), |f, n| {
            let (child, guardian) = f.camps.leaving[&n];
            format!(
                "group_id={}&camper_id={child}&guardian_id={guardian}",
                f.camps.group
            )
        }),
        ("/api/camp_hand_over", Allowed::Staff(CAMPS), |f, n| {
            let (child, _) = f.camps.leaving[&n];
            format!("group_id={}&camper_id={child}", f.camps.group)
        }),
        ("/api/get_camper", Allowed::Staff(HOUSE), |f, _| {
            format!("id={}", f.camps.child)
        }),
        ("/api/upload_campers", Allowed::Staff(HOUSE), |f, n| {
            multipart_campers(f.camps.camp, n)
        }),
        ("/api/get_camper_import", Allowed::Staff(HOUSE), |f, _| {
            format!("id={}", f.camps.import_id)
        }),
        (
            "/api/confirm_camper_import",
            Allowed::Staff(HOUSE),
            |f, _| format!("id={}", f.camps.import_id),
        ),
        ("/api/get_camp_beds", Allowed::Staff(HOUSE), |f, _| {
            format!("id={}", f.camps.residential)
        }),
        ("/api/get_lend_page", Allowed::Staff(HOUSE), |f, _| {
            format!(
                "camp_id={}&camper_id={}",
                f.camps.residential,
                f.camps
                    .sleepers
                    .values()
                    .next()
                    .copied()
                    .unwrap_or_default()
            )
        }),
        ("/api/lend_bed", Allowed::Staff(HOUSE), |f, n| {
            format!(
                "camp_id={}&camper_id={}&bed_id={}&from_on={}&until_on={}",
                f.camps.residential,
                f.camps.sleepers[&n],
                f.slots[n].free_bed,
                f.today,
                f.today + chrono::Days::new(3)
            )
        }),
        ("/api/create_building", Allowed::Staff(ADMIN), |f, n| {
            format!(
                "facility_id={}&code=N{n}&name_km=%E1%9E%A2%E1%9E%82%E1%9E%B6%E1%9E%9A&name_latin=New+{n}",
                f.facility_id
            )
        }),
        ("/api/create_room", Allowed::Staff(ADMIN), |f, n| {
            format!(
                "building_id={}&code=R{n}&sex=m&min_age=5&max_age=8&beds=4",
                f.building_id
            )
        }),
        ("/api/create_bed", Allowed::Staff(ADMIN), |f, _| {
            format!("room_id={}", f.room_id)
        }),
        (UPLOAD, Allowed::Staff(HOUSE), |_, n| {
            multipart_csv(&residents_csv(n))
        }),
        ("/api/get_import", Allowed::Staff(HOUSE), |f, _| {
            format!("id={}", f.import_id)
        }),
        ("/api/confirm_import", Allowed::Staff(HOUSE), |f, _| {
            format!("id={}&step=1", f.import_id)
        }),
        ("/api/resolve_alert", Allowed::Staff(HOUSE), |f, n| {
            format!("resident_id={}&resolution=found", f.slots[n].housed)
        }),
        (
            "/api/canteen_forecast",
            Allowed::Staff(KITCHEN_READ),
            |_, _| String::new(),
        ),
        ("/api/canteen_day", Allowed::Staff(KITCHEN_READ), |f, _| {
            format!("on={}", f.today)
        }),
        ("/api/add_extra", Allowed::Staff(KITCHEN), |f, _| {
            format!(
                "day={}&meal_service_id=3&heads=4&diet=normal&kind=staff",
                f.today
            )
        }),
        ("/api/remove_extra", Allowed::Staff(KITCHEN), |f, n| {
            format!("id={}", f.extras[n])
        }),
        ("/api/record_served", Allowed::Staff(KITCHEN), |f, _| {
            format!(
                "day={}&meal_service_id=3&served=100",
                f.today - chrono::Days::new(1)
            )
        }),
        ("/api/change_menu", Allowed::Staff(KITCHEN), |f, _| {
            format!(
                "day={}&meal_service_id=3&recipe_id={}&change=add",
                f.today, f.recipe_id
            )
        }),
        (
            "/api/get_kitchen_sheet",
            Allowed::Staff(KITCHEN_READ),
            |_, _| String::new(),
        ),
        ("/api/list_recipes", Allowed::Staff(KITCHEN_READ), |_, _| {
            String::new()
        }),
        ("/api/save_recipe", Allowed::Staff(KITCHEN), |_, n| {
            format!("name_km=Samlor+{n}&name_en=Samlor+{n}&name_fr=Samlor+{n}")
        }),
        ("/api/get_recipe", Allowed::Staff(KITCHEN_READ), |f, _| {
            format!("id={}", f.recipe_id)
        }),
        ("/api/set_recipe_line", Allowed::Staff(KITCHEN), |f, _| {
            format!(
                "recipe_id={}&ingredient_id={}&per_head=120",
                f.recipe_id, f.ingredient_id
            )
        }),
        ("/api/add_ingredient", Allowed::Staff(KITCHEN), |f, n| {
            format!(
                "recipe_id={}&name_km=Trey+{n}&name_en=Fish+{n}&name_fr=Poisson+{n}&unit=g",
                f.recipe_id
            )
        }),
        (
            "/api/shopping_list",
            Allowed::Staff(KITCHEN_READ),
            |_, _| String::new(),
        ),
        (
            "/api/canteen_settings",
            Allowed::Staff(KITCHEN_READ),
            |_, _| String::new(),
        ),
        ("/api/save_settings", Allowed::Staff(KITCHEN), |_, _| {
            "cutoff=18%3A00&margin_percent=10".into()
        }),
        ("/api/get_tonight", Allowed::Staff(HOMEWORK), |_, _| {
            String::new()
        }),
        ("/api/get_session", Allowed::Staff(HOMEWORK), |f, _| {
            format!("class_id={}&day={}", f.class_id, f.today)
        }),
        ("/api/mark_attendance", Allowed::Staff(HOMEWORK), |f, _| {
            format!(
                "class_id={}&day={}&resident_id={}&status=late",
                f.class_id, f.today, f.pupil
            )
        }),
        (
            "/api/mark_session_all_present",
            Allowed::Staff(HOMEWORK),
            |f, _| format!("class_id={}&day={}", f.class_id, f.today),
        ),
        ("/api/list_classes", Allowed::Staff(HOMEWORK), |_, _| {
            String::new()
        }),
        ("/api/get_class", Allowed::Staff(HOMEWORK), |f, _| {
            format!("id={}", f.class_id)
        }),
        (
            "/api/get_resident_homework",
            Allowed::Staff(HOMEWORK),
            |f, _| format!("id={}", f.pupil),
        ),
        ("/api/save_class", Allowed::Staff(HOUSE), |f, n| {
            format!(
                "class%5Bid%5D=0&class%5Binput%5D%5Bname%5D=Science+{n}&class%5Binput%5D%5Blevel%5D=primary&class%5Binput%5D%5Bsubject%5D=science&class%5Binput%5D%5Btutor_id%5D={}&class%5Binput%5D%5Broom%5D=Lab&class%5Binput%5D%5Bstarts_at%5D=18%3A00&class%5Binput%5D%5Bends_at%5D=19%3A00&class%5Binput%5D%5Bcapacity%5D=20&class%5Binput%5D%5Bterm_from%5D={}&class%5Binput%5D%5Bterm_until%5D={}&class%5Bdays%5D%5Bd0%5D=1",
                f.tutor_id,
                f.today,
                f.today + chrono::Days::new(30)
            )
        }),
        ("/api/enrol", Allowed::Staff(HOUSE), |f, n| {
            format!("class_id={}&resident_id={}", f.class_id, f.slots[n].waiting)
        }),
        ("/api/unenrol", Allowed::Staff(HOUSE), |f, n| {
            let (class, resident) = f.enrolled[n];
            format!("class_id={class}&resident_id={resident}")
        }),
        ("/api/cancel_session", Allowed::Staff(HOUSE), |f, _| {
            format!(
                "class_id={}&day={}&reason=Exams",
                f.class_id,
                f.today + chrono::Days::new(1)
            )
        }),
        (
            "/api/save_homework_settings",
            Allowed::Staff(HOUSE),
            |_, _| "absences_in_a_row=3".into(),
        ),
        ("/api/save_service", Allowed::Staff(KITCHEN), |_, _| {
            "service%5Bid%5D=3&service%5Bname_km%5D=Dinner&service%5Bname_en%5D=Dinner&service%5Bname_fr%5D=D%C3%AEner&service%5Bserves_at%5D=17%3A30&service%5Bboarding%5D%5Bd0%5D=1&service%5Bactive%5D=1".into()
        }),
    ]
}

/// What `caller` should get from a function `allowed` to these callers.
fn expected(allowed: Allowed, caller: Caller) -> Result<(), StatusCode> {
    match (allowed, caller) {
        (Allowed::Public, _) => Ok(()),
        (_, Caller::Nobody) => Err(StatusCode::UNAUTHORIZED),
        (Allowed::Staff(roles), Caller::Staff(role)) if roles.contains(&role) => Ok(()),
        (Allowed::Family | Allowed::FamilyOwn, Caller::Family) => Ok(()),
        (Allowed::Family, Caller::OtherFamily) => Ok(()),
        (Allowed::FamilyOwn, Caller::OtherFamily) => Err(StatusCode::NOT_FOUND),
        _ => Err(StatusCode::FORBIDDEN),
    }
}

async fn create_staff(pool: &SqlitePool, login: &str, password: &str, roles: &[Role]) -> i64 {
    app::people::record::create_staff_account(
        pool,
        &Writer::system("test"),
        login,
        login,
        password,
        app::base::i18n::Lang::En,
        roles,
    )
    .await
    .expect("staff created")
}

/// A session cookie for `owner`, started directly (no password hashing per case).
async fn session_cookie(pool: &SqlitePool, owner: Owner) -> String {
    let mut conn = pool.acquire().await.expect("connection");
    let token = session::start(&mut conn, owner, chrono::Utc::now().timestamp())
        .await
        .expect("session");
    format!("sid={token}")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn every_server_function_lets_in_exactly_the_roles_in_the_table(pool: SqlitePool) {
    let table = table();
    // The table must name every registered server function: a new one without a row fails.
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let listed: BTreeSet<String> = table.iter().map(|(path, ..)| (*path).to_owned()).collect();
    let missing: Vec<_> = registered.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "server functions missing from the role table: {missing:?}"
    );
    let stale: Vec<_> = listed.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "rows for functions that do not exist: {stale:?}"
    );

    app::demo::seed(
        &pool,
        &app::demo::DemoAccounts {
            staff: vec![],
            families: vec![],
        },
    )
    .await
    .expect("centre");
    // Who calls: one account per role, and a family. The edited accounts are others.
    let mut callers = vec![(Caller::Nobody, None)];
    for role in Role::ALL {
        let id = create_staff(
            &pool,
            &format!("as-{}", role.code().replace('_', "-")),
            "caller passphrase",
            &[role],
        )
        .await;
        callers.push((Caller::Staff(role), Some(Owner::Staff(id))));
    }
    let family = create_family(&pool, "Sok family", "012345678", "482913").await;
    callers.push((Caller::Family, Some(Owner::Family(family))));
    let other_family = create_family(&pool, "Chan family", "097234567", "730518").await;
    callers.push((Caller::OtherFamily, Some(Owner::Family(other_family))));
    create_staff(&pool, "signin", "sign in passphrase", &[Role::Tutor]).await;
    let staff_id = create_staff(&pool, "dara", "dara passphrase", &[Role::Canteen]).await;
    let (facility_id, building_id, room_id, slots) =
        housing_fixture(&pool, staff_id, table.len() * callers.len() + 1).await;
    let import_id = {
        let mut conn = pool.acquire().await.expect("connection");
        app::residents::repo::insert_import(&mut conn, staff_id, 0, "r.csv", &residents_csv(0))
            .await
            .expect("import")
    };
    let calls = table.len() * callers.len() + 1;
    let (recipe_id, ingredient_id, extras) = canteen_fixture(&pool, calls).await;
    let tutor_id = callers
        .iter()
        .find_map(|(caller, owner)| match (caller, owner) {
            (Caller::Staff(Role::Tutor), Some(Owner::Staff(id))) => Some(*id),
            _ => None,
        })
        .expect("a tutor calls");
    let housed: Vec<i64> = slots.iter().map(|slot| slot.housed).collect();
    let (class_id, pupil, enrolled) = homework_fixture(&pool, tutor_id, &housed).await;
    // The calls `n` of the visits functions: each function's run of callers.
    let runs: std::collections::HashMap<&str, Vec<usize>> = table
        .iter()
        .enumerate()
        .map(|(k, (path, ..))| {
            (
                *path,
                ((k * callers.len() + 1)..=((k + 1) * callers.len())).collect(),
            )
        })
        .collect();
    let social_id = create_staff(
        &pool,
        "social-fixture",
        "social passphrase",
        &[Role::SocialTeam],
    )
    .await;
    let visits = visits_fixture(&pool, family, social_id, &runs, &housed).await;
    let monitor_id = callers
        .iter()
        .find_map(|(caller, owner)| match (caller, owner) {
            (Caller::Staff(Role::Monitor), Some(Owner::Staff(id))) => Some(*id),
            _ => None,
        })
        .expect("a monitor calls");
    let camps = camps_fixture(&pool, monitor_id, &runs).await;
    let fixture = Fixture {
        visits,
        camps,
        class_id,
        pupil,
        tutor_id,
        enrolled,
        recipe_id,
        ingredient_id,
        extras,
        import_id,
        staff_id,
        family_id: create_family(&pool, "Heng family", "088765432", "259146").await,
        building_id,
        facility_id,
        room_id,
        slots,
        today: app::base::clock::today_at_centre(),
    };

    let app = router(pool.clone(), "role-table");
    let mut n = 0;
    let mut wrong = Vec::new();
    for (path, who_may, body) in &table {
        for (caller, owner) in &callers {
            n += 1;
            let mut request = form_post_as(
                path,
                if path.starts_with("/api/upload_") {
                    "multipart/form-data; boundary=XBOUNDARY"
                } else {
                    "application/x-www-form-urlencoded"
                },
            );
            if let Some(owner) = owner {
                request = request.header(header::COOKIE, session_cookie(&pool, *owner).await);
            }
            let request = request
                .body(Body::from(body(&fixture, n)))
                .expect("request");
            let response = send(app.clone(), request).await;
            let status = response.status();
            let outcome = if allowed(status) { Ok(()) } else { Err(status) };
            let want = expected(*who_may, *caller);
            if outcome != want {
                wrong.push(format!(
                    "{path} as {caller:?}: got {status}, want {want:?}: {}",
                    text(response).await
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A family's sign-in from the phone form, from `address` (as a local proxy reports it).
#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_family_signs_in_with_phone_and_pin_and_lands_on_its_portal(pool: SqlitePool) {
    create_family(&pool, "គ្រួសារ សុខ Sok family", "012345678", "482913").await;
    let app = router(pool, "family-sign-in");
    let response = send_via_proxy(
        &app,
        family_sign_in("012+345+678", "482913", "198.51.100.1"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()[header::LOCATION], "/family");
    let cookies = set_cookies(&response);
    assert!(
        cookies.iter().any(|c| c.starts_with("lang=km")),
        "{cookies:?}"
    );
    let page = Request::get("/family")
        .header(header::COOKIE, format!("{}; lang=km", session_of(&cookies)))
        .body(Body::empty())
        .expect("request");
    let page = text(send(app.clone(), page).await).await;
    assert!(
        page.contains("សូមស្វាគមន៍ គ្រួសារ សុខ Sok family"),
        "the portal names the family"
    );
    assert!(
        !page.contains("href=\"/families\""),
        "no staff navigation for a family"
    );
    // A family is not staff: staff pages refuse it.
    let staff_page = Request::get("/admin/staff")
        .header(header::COOKIE, session_of(&cookies))
        .body(Body::empty())
        .expect("request");
    assert_eq!(send(app, staff_page).await.status(), StatusCode::FORBIDDEN);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_sixth_wrong_pin_is_refused_for_fifteen_minutes_even_when_right(pool: SqlitePool) {
    create_family(&pool, "Sok family", "012345678", "482913").await;
    let app = router(pool, "family-throttle");
    for attempt in 1..=5 {
        let response =
            send_via_proxy(&app, family_sign_in("012345678", "111111", "198.51.100.2")).await;
        assert_eq!(
            refusal(&response).message(),
            app::base::i18n::Key::LoginFailed,
            "attempt {attempt}"
        );
    }
    // From another address, and with the right PIN: the account is locked all the same.
    let sixth = send_via_proxy(&app, family_sign_in("012345678", "482913", "198.51.100.3")).await;
    assert_eq!(refusal(&sixth), app::base::error::AppError::TooManyAttempts);
    assert!(
        set_cookies(&sixth).iter().all(|c| !c.starts_with("sid=")),
        "no session"
    );
    // The page it goes back to says why, in Khmer by default.
    let back = sixth.headers()[header::LOCATION].to_str().expect("ASCII");
    let back = back
        .strip_prefix("http://centre.local")
        .expect("back to the login page");
    let page = text(send(app.clone(), get(back)).await).await;
    assert!(page.contains("ព្យាយាមខុសច្រើនដងពេក"), "{page}");
    // Another family is not locked out by it.
    let other = send_via_proxy(&app, family_sign_in("012345679", "482913", "198.51.100.3")).await;
    assert_eq!(refusal(&other).message(), app::base::i18n::Key::LoginFailed);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn twenty_failures_from_one_address_lock_that_address_only(pool: SqlitePool) {
    create_family(&pool, "Sok family", "012345678", "482913").await;
    let app = router(pool, "address-throttle");
    // Twenty different phones, one failure each: no account reaches five.
    for n in 0..20 {
        let phone = format!("0120000{n:02}");
        let response = send_via_proxy(&app, family_sign_in(&phone, "111111", "203.0.113.7")).await;
        let location = response.headers()[header::LOCATION]
            .to_str()
            .expect("ASCII");
        assert!(location.contains("__err="), "attempt {n}");
    }
    let locked = send_via_proxy(&app, family_sign_in("012345678", "482913", "203.0.113.7")).await;
    let location = locked.headers()[header::LOCATION].to_str().expect("ASCII");
    assert!(
        location.contains("__err="),
        "the address is locked, even for a right PIN"
    );
    let elsewhere =
        send_via_proxy(&app, family_sign_in("012345678", "482913", "203.0.113.8")).await;
    assert_eq!(
        elsewhere.headers()[header::LOCATION],
        "/family",
        "the family itself is not locked"
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn demo_accounts_sign_in_only_in_demo_mode(pool: SqlitePool) {
    seeded(&pool).await;
    let accounts = demo_accounts();
    let director = &accounts.staff[0];
    let request = || {
        let password = director.password.replace(' ', "+");
        sign_in_request(&director.login, &password)
    };
    let off = send(router_in(pool.clone(), "demo-off", false), request()).await;
    assert_eq!(off.status(), StatusCode::FOUND);
    assert!(
        off.headers()[header::LOCATION]
            .to_str()
            .expect("ASCII")
            .contains("__err="),
        "refused like a wrong password"
    );
    assert!(set_cookies(&off).iter().all(|c| !c.starts_with("sid=")));
    let on = send(router_in(pool, "demo-on", true), request()).await;
    assert_eq!(on.headers()[header::LOCATION], "/");
    assert!(set_cookies(&on).iter().any(|c| c.starts_with("sid=")));
}

/// A status that means the call went through.
fn allowed(status: StatusCode) -> bool {
    status.is_success() || status.is_redirection()
}

/// Whether `cookie` still names someone signed in.
async fn still_signed_in(app: &axum::Router, cookie: &str) -> bool {
    let request = form_post("/api/get_current_viewer")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request");
    let body = text(send(app.clone(), request).await).await;
    body != "null"
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn disabling_staff_or_resetting_a_password_or_pin_ends_their_sessions(pool: SqlitePool) {
    let admin = create_staff(&pool, "director", "director passphrase", &[Role::Admin]).await;
    let social = create_staff(&pool, "social", "social passphrase", &[Role::SocialTeam]).await;
    let dara = create_staff(&pool, "dara", "dara passphrase", &[Role::HouseStaff]).await;
    let family = create_family(&pool, "Sok family", "012345678", "482913").await;
    let app = router(pool.clone(), "end-sessions");
    let as_admin = session_cookie(&pool, Owner::Staff(admin)).await;
    let as_social = session_cookie(&pool, Owner::Staff(social)).await;

    let dara_tablet = session_cookie(&pool, Owner::Staff(dara)).await;
    assert!(still_signed_in(&app, &dara_tablet).await);
    let reset = form_post("/api/reset_staff_password")
        .header(header::COOKIE, &as_admin)
        .body(Body::from(format!("id={dara}&password=a+new+passphrase")))
        .expect("request");
    assert!(allowed(send(app.clone(), reset).await.status()));
    assert!(
        !still_signed_in(&app, &dara_tablet).await,
        "a new password signs them out"
    );

    let dara_tablet = session_cookie(&pool, Owner::Staff(dara)).await;
    let disable = form_post("/api/update_staff")
        .header(header::COOKIE, &as_admin)
        .body(Body::from(format!(
            "id={dara}&display_name=Dara&language=km&roles%5Bhouse_staff%5D=on"
        )))
        .expect("request");
    assert!(allowed(send(app.clone(), disable).await.status()));
    assert!(
        !still_signed_in(&app, &dara_tablet).await,
        "disabling signs them out"
    );

    let phone = session_cookie(&pool, Owner::Family(family)).await;
    assert!(still_signed_in(&app, &phone).await);
    let new_pin = form_post("/api/reset_family_pin")
        .header(header::COOKIE, &as_social)
        .body(Body::from(format!("id={family}&pin=846213")))
        .expect("request");
    assert!(allowed(send(app.clone(), new_pin).await.status()));
    assert!(
        !still_signed_in(&app, &phone).await,
        "a new PIN signs the family out"
    );

    let actions: Vec<String> =
        sqlx::query_scalar!("SELECT action FROM audit_log WHERE actor_kind = 'staff' ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("audit");
    assert_eq!(
        actions,
        ["reset_password", "disable", "reset_pin"],
        "each change is audited"
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn bad_account_input_is_refused_with_a_translated_reason_and_changes_nothing(
    pool: SqlitePool,
) {
    let admin = create_staff(&pool, "director", "director passphrase", &[Role::Admin]).await;
    let app = router(pool.clone(), "account-input");
    let as_admin = session_cookie(&pool, Owner::Staff(admin)).await;
    let cases = [
        ("/api/create_staff", "login=dara&display_name=Dara&password=password1&language=km&roles%5Btutor%5D=on".to_owned(), "problem.password_common"),
        ("/api/create_staff", "login=9dara&display_name=Dara&password=a+fine+passphrase&language=km&roles%5Btutor%5D=on".to_owned(), "problem.login_characters"),
        ("/api/create_staff", "login=dara&display_name=Dara&password=a+fine+passphrase&language=km".to_owned(), "problem.no_role"),
        ("/api/create_staff", "login=director&display_name=Dara&password=a+fine+passphrase&language=km&roles%5Btutor%5D=on".to_owned(), "problem.login_taken"),
        ("/api/update_staff", format!("id={admin}&display_name=Me&language=km&roles%5Btutor%5D=on&active=on"), "problem.last_admin"),
        ("/api/create_family", "display_name=Keo&phone=12345&pin=735194".to_owned(), "problem.phone"),
        ("/api/create_family", "display_name=Keo&phone=012999888&pin=123456".to_owned(), "problem.pin_simple"),
        ("/api/create_family", "display_name=Keo&phone=012999888&pin=12".to_owned(), "problem.pin_format"),
    ];
    let before: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM audit_log"#)
        .fetch_one(&pool)
        .await
        .expect("count");
    for (path, body, key) in cases {
        let request = form_post(path)
            .header(header::COOKIE, &as_admin)
            .body(Body::from(body.clone()))
            .expect("request");
        let response = send(app.clone(), request).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {body}"
        );
        let answer = text(response).await;
        assert!(answer.contains(key), "{path} {body}: {answer}");
    }
    let after: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM audit_log"#)
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(before, after, "nothing was written");
    let roles: Vec<String> = sqlx::query_scalar!("SELECT role FROM staff_role")
        .fetch_all(&pool)
        .await
        .expect("roles");
    assert_eq!(roles, ["admin"]);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_admin_pages_list_accounts_and_the_audit_log_filters(pool: SqlitePool) {
    seeded(&pool).await;
    let admin = create_staff(&pool, "director2", "director passphrase", &[Role::Admin]).await;
    let app = router(pool.clone(), "admin-pages");
    let cookie = format!(
        "{}; lang=en",
        session_cookie(&pool, Owner::Staff(admin)).await
    );
    let page = |uri: &str| {
        Request::get(uri)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("request")
    };
    let staff = text(send(app.clone(), page("/admin/staff")).await).await;
    assert!(
        staff.contains("Claire Martin") && staff.contains("Social team"),
        "{staff}"
    );
    let audit = text(send(app.clone(), page("/admin/audit?entity=family")).await).await;
    let families = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log WHERE entity = 'family'"#
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert!(families >= 3, "the demo families were created");
    assert!(
        audit.contains(&format!("{families} entries")),
        "every entry about families, and only those: {audit}"
    );
    assert!(audit.contains("Family account #"), "{audit}");
    assert!(!audit.contains("Staff account #"), "filtered to families");
    let nobody = text(send(app.clone(), page("/admin/audit?who=staff:999")).await).await;
    assert!(nobody.contains("0 entries"));
    let response = send(app, page("/families")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let families = text(response).await;
    assert!(families.contains("088765432") && families.contains("name=\"pin\""));
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_visitor_who_is_not_signed_in_is_sent_to_sign_in(pool: SqlitePool) {
    let app = router(pool, "to-sign-in");
    for page in ["/admin/staff", "/families", "/family", "/admin/audit"] {
        let request = Request::get(page)
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .expect("request");
        let response = send(app.clone(), request).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{page}");
        let location = response.headers()[header::LOCATION]
            .to_str()
            .expect("ASCII");
        assert_eq!(location, format!("/login?back={page}"));
    }
}
