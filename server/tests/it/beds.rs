//! Beds and the roll call through the real router: a race for one bed, the notes each role
//! receives, and the roll-call flow as a tablet without JavaScript drives it.

use std::sync::Arc;

use crate::support::*;
use app::base::access::Role;
use app::residents::model::{Diet, Programme, ResidentFields, Sex};
use axum::body::Body;
use axum::http::{StatusCode, header};
use sqlx::SqlitePool;

async fn signed_in(pool: &SqlitePool, login: &str, roles: &[Role]) -> String {
    staff_session(pool, login, roles).await.1
}

/// A building with one girls' room of `beds` beds, and `girls` girls waiting for a bed.
async fn girls_waiting(pool: &SqlitePool, beds: u32, girls: usize) -> (i64, Vec<i64>, Vec<i64>) {
    let mut conn = pool.acquire().await.expect("connection");
    let (building, bed_ids) = girls_room(&mut conn, "H", "អគារ ហ", beds).await;
    let mut residents = Vec::new();
    for n in 0..girls {
        let fields = girl(&format!("សុខ ស្រីមុំ {n}"), &format!("Sok Sreymom {n}"), 10, "4");
        residents.push(
            app::residents::repo::insert(&mut conn, &fields)
                .await
                .expect("resident"),
        );
    }
    (building, bed_ids, residents)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_tablets_assigning_one_bed_leave_exactly_one_allocation_and_clear_answers() {
    // A real database file with the server's own settings (WAL, busy timeout), not a test pool.
    let (pool, dir) = file_pool("race", &app::base::hub::Changes::new()).await;
    let cookie = signed_in(&pool, "housemother", &[Role::HouseStaff]).await;
    let (_, beds, girls) = girls_waiting(&pool, 1, 50).await;
    let app = router(pool.clone(), "race");
    let today = app::base::clock::today_at_centre();
    let barrier = Arc::new(tokio::sync::Barrier::new(girls.len()));
    let mut tasks = Vec::new();
    for girl in girls {
        let (app, barrier, cookie, bed) = (app.clone(), barrier.clone(), cookie.clone(), beds[0]);
        tasks.push(tokio::spawn(async move {
            let request = form_post("/api/assign_bed")
                .header(header::COOKIE, cookie)
                .body(Body::from(format!(
                    "resident_id={girl}&bed_id={bed}&on={today}"
                )))
                .expect("request");
            barrier.wait().await;
            let response = send(app, request).await;
            (response.status(), text(response).await)
        }));
    }
    let mut assigned = 0;
    for task in tasks {
        let (status, body) = task.await.expect("task");
        if status.is_success() || status.is_redirection() {
            assigned += 1;
        } else {
            assert_eq!(status, StatusCode::CONFLICT, "{body}");
            assert!(body.contains("problem.bed_taken"), "a clear answer: {body}");
        }
    }
    assert_eq!(assigned, 1);
    let allocations = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM allocation"#)
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(allocations, 1);
    drop(pool);
    std::fs::remove_dir_all(dir).ok();
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_medical_note_reaches_house_staff_and_the_safeguarding_note_only_the_social_team(
    pool: SqlitePool,
) {
    let (_, _, girls) = girls_waiting(&pool, 1, 1).await;
    let mut conn = pool.acquire().await.expect("connection");
    app::residents::repo::set_note(
        &mut conn,
        girls[0],
        app::residents::model::Note::Medical,
        "Asthma inhaler in office",
    )
    .await
    .expect("note");
    app::residents::repo::set_note(
        &mut conn,
        girls[0],
        app::residents::model::Note::Safeguarding,
        "Stepfather barred by court",
    )
    .await
    .expect("note");
    drop(conn);
    let app = router(pool.clone(), "notes");
    let page = |cookie: String| {
        let app = app.clone();
        let uri = format!("/residents/{}", girls[0]);
        async move {
            let request = axum::http::Request::get(&uri)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .expect("request");
            text(send(app, request).await).await
        }
    };
    let house = page(signed_in(&pool, "house", &[Role::HouseStaff]).await).await;
    assert!(house.contains("Asthma inhaler in office"));
    assert!(
        !house.contains("Stepfather"),
        "never sent to house staff, not even hidden"
    );
    let social = page(signed_in(&pool, "social", &[Role::SocialTeam]).await).await;
    assert!(social.contains("Stepfather barred by court"));
    assert!(!social.contains("Asthma"));
    for role in [Role::Canteen, Role::Tutor] {
        let seen = page(
            signed_in(
                &pool,
                &format!("r-{}", role.code().replace('_', "-")),
                &[role],
            )
            .await,
        )
        .await;
        assert!(seen.contains("Sok Sreymom 0"), "{role:?} reads the name");
        assert!(
            !seen.contains("Asthma") && !seen.contains("Stepfather"),
            "{role:?}"
        );
    }
}

/// A form post as a browser without JavaScript sends it.
fn html_post(uri: &str, cookie: &str, body: String) -> axum::http::Request<Body> {
    form_post(uri)
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://centre.local/roll")
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .expect("request")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_roll_with_a_missing_child_closes_and_the_alert_stays_until_she_is_found(
    pool: SqlitePool,
) {
    let (building, beds, girls) = girls_waiting(&pool, 3, 3).await;
    let house = signed_in(&pool, "house", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "roll");
    let today = app::base::clock::today_at_centre();
    for (girl, bed) in girls.iter().zip(&beds) {
        let response = send(
            app.clone(),
            html_post(
                "/api/assign_bed",
                &house,
                format!("resident_id={girl}&bed_id={bed}&on={today}"),
            ),
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::FOUND,
            "assigned without JavaScript"
        );
    }
    let close = || {
        html_post(
            "/api/close_roll",
            &house,
            format!("building_id={building}&night={today}"),
        )
    };
    // Nobody marked yet: the roll cannot close.
    let refused = send(app.clone(), close()).await;
    assert!(
        refused.headers()[header::LOCATION]
            .to_str()
            .expect("ASCII")
            .contains("__err")
    );
    // One girl missing, then everyone else present with one tap.
    let missing = html_post(
        "/api/mark_roll",
        &house,
        format!(
            "building_id={building}&night={today}&resident_id={}&mark=missing",
            girls[1]
        ),
    );
    assert_eq!(send(app.clone(), missing).await.status(), StatusCode::FOUND);
    let all = html_post(
        "/api/mark_roll_all_present",
        &house,
        format!("building_id={building}&night={today}"),
    );
    assert_eq!(send(app.clone(), all).await.status(), StatusCode::FOUND);
    let closed = send(app.clone(), close()).await;
    assert!(
        !closed.headers()[header::LOCATION]
            .to_str()
            .expect("ASCII")
            .contains("__err")
    );
    let marks = sqlx::query!(
        r#"SELECT status, count(*) AS "n!: i64" FROM roll_mark GROUP BY status ORDER BY status"#
    )
    .fetch_all(&pool)
    .await
    .expect("marks");
    assert_eq!(
        marks
            .iter()
            .map(|m| (m.status.as_str(), m.n))
            .collect::<Vec<_>>(),
        [("missing", 1), ("present", 2)]
    );
    // The alert is on every staff page, even a canteen manager's home page.
    let canteen = signed_in(&pool, "canteen", &[Role::Canteen]).await;
    let home = axum::http::Request::get("/")
        .header(header::COOKIE, canteen.clone())
        .body(Body::empty())
        .expect("request");
    let home = text(send(app.clone(), home).await).await;
    assert!(home.contains("missing-banner") && home.contains("Sok Sreymom 1"));
    let found = html_post(
        "/api/resolve_alert",
        &house,
        format!("resident_id={}&resolution=found", girls[1]),
    );
    assert_eq!(send(app.clone(), found).await.status(), StatusCode::FOUND);
    let home = axum::http::Request::get("/")
        .header(header::COOKIE, canteen)
        .body(Body::empty())
        .expect("request");
    assert!(!text(send(app, home).await).await.contains("missing-banner"));
    // Every change is in the audit log: 3 assignments, 2 kinds of mark, the close, the find.
    let audited = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log WHERE entity IN ('allocation', 'roll_mark', 'roll_call', 'resident')"#
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(audited, 3 + 1 + 1 + 1 + 1);
}

/// A post as the roll's island sends a mark in the background: asking for JSON.
fn background_post(uri: &str, cookie: &str, body: String) -> axum::http::Request<Body> {
    form_post(uri)
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .expect("request")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_mark_sent_in_the_background_answers_with_the_whole_roll_another_tablets_marks_included(
    pool: SqlitePool,
) {
    use app::base::ui::Marked;
    let (building, beds, girls) = girls_waiting(&pool, 3, 3).await;
    let house = signed_in(&pool, "house", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "roll-background");
    let today = app::base::clock::today_at_centre();
    for (girl, bed) in girls.iter().zip(&beds) {
        let body = format!("resident_id={girl}&bed_id={bed}&on={today}");
        let assigned = send(app.clone(), html_post("/api/assign_bed", &house, body)).await;
        assert_eq!(assigned.status(), StatusCode::FOUND);
    }
    // Another tablet, without JavaScript, marks the first girl present.
    let mark = |girl: i64, mark: &str| {
        format!("building_id={building}&night={today}&resident_id={girl}&mark={mark}")
    };
    let other = send(
        app.clone(),
        html_post("/api/mark_roll", &house, mark(girls[0], "present")),
    )
    .await;
    assert_eq!(
        other.status(),
        StatusCode::FOUND,
        "a form post still goes back to the page"
    );

    // This tablet marks the second girl missing in the background: no redirect, the roll.
    let answer = send(
        app.clone(),
        background_post("/api/mark_roll", &house, mark(girls[1], "missing")),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let marked: Marked = serde_json::from_str(&text(answer).await).expect("the roll as JSON");
    let row = |girl: i64| {
        let id = format!("r{girl}");
        let row = marked
            .rows
            .iter()
            .find(|row| row.id == id)
            .expect("every girl's row");
        (row.class.as_str(), row.pressed.as_str())
    };
    assert_eq!(
        row(girls[0]),
        ("present", "present"),
        "the other tablet's mark"
    );
    assert_eq!(row(girls[1]), ("missing", "missing"));
    assert_eq!(row(girls[2]), ("unmarked", ""));
    assert_eq!(marked.rows.len(), 3);
    // In the caller's language, as the page says it.
    assert_eq!(marked.tally, "1 present · 0 away · 1 missing · 1 to mark");
    let roll = page(&app, &house, &format!("/roll/{building}")).await;
    assert!(roll.contains(&marked.tally), "{roll}");

    // "All present" in the background: the last girl too, and the missing one stays missing.
    let all = format!("building_id={building}&night={today}");
    let answer = send(
        app.clone(),
        background_post("/api/mark_roll_all_present", &house, all),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let marked: Marked = serde_json::from_str(&text(answer).await).expect("the roll as JSON");
    let classes: Vec<&str> = marked.rows.iter().map(|row| row.class.as_str()).collect();
    assert_eq!(classes.iter().filter(|c| **c == "present").count(), 2);
    assert_eq!(classes.iter().filter(|c| **c == "missing").count(), 1);

    // A refusal is its status and the error as JSON, which the island shows in words.
    let old = format!(
        "building_id={building}&night=2020-01-01&resident_id={}&mark=present",
        girls[2]
    );
    let refused = send(app.clone(), background_post("/api/mark_roll", &house, old)).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let wire = serde_json::to_string(&app::base::error::AppError::conflict(
        app::base::i18n::Key::ProblemRollNight,
    ))
    .expect("JSON");
    assert_eq!(text(refused).await, wire);
    // Each single mark is audited once, however it was sent (and "all present" once, as the
    // roll's).
    let audited = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log WHERE entity = 'roll_mark'"#
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(audited, 2);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn only_pages_with_islands_load_the_script(pool: SqlitePool) {
    let (building, beds, _) = girls_waiting(&pool, 1, 0).await;
    let house = signed_in(&pool, "house", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "islands");
    let loads_script = |html: &str| html.contains("modulepreload") && html.contains(".wasm");
    for uri in [
        format!("/roll/{building}"),
        "/residents".to_owned(),
        "/".to_owned(),
    ] {
        let html = page(&app, &house, &uri).await;
        assert!(
            html.contains("<leptos-island"),
            "{uri} has an island: {html}"
        );
        assert!(loads_script(&html), "{uri} loads the script: {html}");
        assert_eq!(html.matches("modulepreload").count(), 1, "{uri}: once");
    }
    for uri in [
        format!("/beds/{}", beds[0]),
        format!("/buildings/{building}"),
        "/buildings".to_owned(),
    ] {
        let html = page(&app, &house, &uri).await;
        assert!(!html.contains("<leptos-island"), "{uri}: {html}");
        assert!(!loads_script(&html), "{uri} loads no script: {html}");
    }
}

/// A file upload from the import page, as a browser without JavaScript sends it.
fn upload(cookie: &str, csv: &str) -> axum::http::Request<Body> {
    form_post_as("/api/upload_import", "multipart/form-data; boundary=XB")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://centre.local/residents/import")
        .header(header::COOKIE, cookie)
        .body(Body::from(format!(
            "--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"children.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--XB--\r\n"
        )))
        .expect("request")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_spreadsheet_is_previewed_row_by_row_then_imported_once_however_often_it_is_sent(
    pool: SqlitePool,
) {
    let house = signed_in(&pool, "house", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "import");
    let csv = "name_km,name_latin,sex,born_on,grade,programme,admitted_on,diet,allergies\n\
               សុខ ស្រីមុំ,Sok Sreymom,f,2015-03-09,5,boarding_school,2022-06-01,,fish\n\
               ចាន់ ដារា,Chan Dara,m,2012-10-09,8,residence,2021-06-01,vegetarian,\n\
               Heng,Heng Sokha,x,2015-01-01,,boarding_school,2022-06-01,,\n";
    let residents = || async {
        sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM resident"#)
            .fetch_one(&pool)
            .await
            .expect("count")
    };
    let mut added = Vec::new();
    for round in 0..2 {
        let response = send(app.clone(), upload(&house, csv)).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let preview = response.headers()[header::LOCATION]
            .to_str()
            .expect("ASCII")
            .to_owned();
        assert!(preview.starts_with("/residents/import/"), "{preview}");
        assert_eq!(
            residents().await,
            if round == 0 { 0 } else { 2 },
            "nothing before confirming"
        );
        let page = axum::http::Request::get(&preview)
            .header(header::COOKIE, house.clone())
            .body(Body::empty())
            .expect("request");
        let page = text(send(app.clone(), page).await).await;
        // Every row's fate in words: the third has no Khmer name and no sex.
        assert!(page.contains("Enter the name in Khmer script."), "{page}");
        assert!(page.contains("Choose girl or boy."));
        let id = preview.rsplit('/').next().expect("id");
        let confirm = form_post("/api/confirm_import")
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, format!("http://centre.local{preview}"))
            .header(header::COOKIE, house.clone())
            .body(Body::from(format!("id={id}")))
            .expect("request");
        assert_eq!(send(app.clone(), confirm).await.status(), StatusCode::FOUND);
        added.push(residents().await);
    }
    assert_eq!(added, [2, 2], "the same file twice adds its children once");
    let audited = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log WHERE entity = 'resident' AND action = 'import'"#
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(audited, 2);
    // A file that is not a resident list is refused on the upload page itself.
    let refused = send(app, upload(&house, "hello,world\n1,2\n")).await;
    let location = refused.headers()[header::LOCATION].to_str().expect("ASCII");
    assert!(
        location.contains("/residents/import?") && location.contains("__err"),
        "{location}"
    );
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_admin_adds_a_building_a_room_and_a_bed_and_a_used_code_is_refused(pool: SqlitePool) {
    let (_, _, _) = girls_waiting(&pool, 1, 0).await;
    let admin = signed_in(&pool, "director", &[Role::Admin]).await;
    let app = router(pool.clone(), "manage");
    let facility =
        sqlx::query_scalar!(r#"SELECT id AS "id!: i64" FROM facility WHERE kind = 'residence'"#)
            .fetch_one(&pool)
            .await
            .expect("facility");
    let post = |uri: &str, body: String| html_post(uri, &admin, body);
    let khmer = "%E1%9E%A2%E1%9E%82%E1%9E%B6%E1%9E%9A+%E1%9E%82";
    let created = send(
        app.clone(),
        post(
            "/api/create_building",
            format!("facility_id={facility}&code=R3&name_km={khmer}&name_latin=Residence+3"),
        ),
    )
    .await;
    let location = created.headers()[header::LOCATION]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let building: i64 = location
        .trim_start_matches("/buildings/")
        .trim_end_matches("?saved=1")
        .parse()
        .expect("the new building's page");
    let room = send(
        app.clone(),
        post(
            "/api/create_room",
            format!("building_id={building}&code=301&sex=f&min_age=15&max_age=22&beds=4"),
        ),
    )
    .await;
    assert_eq!(
        room.headers()[header::LOCATION],
        format!("/buildings/{building}?saved=1")
    );
    let room_id = sqlx::query_scalar!(r#"SELECT id AS "id!: i64" FROM room WHERE code = '301'"#)
        .fetch_one(&pool)
        .await
        .expect("room");
    send(
        app.clone(),
        post("/api/create_bed", format!("room_id={room_id}")),
    )
    .await;
    let beds = sqlx::query_scalar!(
        r#"SELECT code FROM bed WHERE room_id = ? ORDER BY id"#,
        room_id
    )
    .fetch_all(&pool)
    .await
    .expect("beds");
    assert_eq!(beds, ["1", "2", "3", "4", "5"]);
    // The same room code again: refused with its reason, nothing added.
    let again = send(
        app,
        post(
            "/api/create_room",
            format!("building_id={building}&code=301&sex=m&min_age=15&max_age=22&beds=4"),
        ),
    )
    .await;
    let location = again.headers()[header::LOCATION].to_str().expect("ASCII");
    let error = location
        .split("__err=")
        .nth(1)
        .expect("an error")
        .replace("%3D", "=");
    assert_eq!(
        app::base::ui::decode_error(&error),
        app::base::error::AppError::Validation {
            field: "code".into(),
            message: app::base::i18n::Key::ProblemPlaceCodeTaken
        }
    );
    let rooms = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM room WHERE building_id = ?"#,
        building
    )
    .fetch_one(&pool)
    .await
    .expect("rooms");
    assert_eq!(rooms, 1);
}

/// A room of `beds` beds for `sex` and `ages` in a new building `code` of the facility `kind`.
async fn room_in(
    conn: &mut sqlx::SqliteConnection,
    kind: &str,
    code: &str,
    sex: Sex,
    ages: (i32, i32),
    beds: u32,
) -> Vec<i64> {
    let facility = sqlx::query_scalar::<_, i64>("SELECT id FROM facility WHERE kind = ?")
        .bind(kind)
        .fetch_one(&mut *conn)
        .await
        .expect("facility");
    let building = app::housing::repo::insert_building(&mut *conn, facility, code, code, code)
        .await
        .expect("building");
    let room_code = format!("{code}1");
    let room = app::housing::repo::insert_room(&mut *conn, building, &room_code, sex, ages, beds)
        .await
        .expect("room");
    sqlx::query_scalar::<_, i64>("SELECT id FROM bed WHERE room_id = ? ORDER BY id")
        .bind(room)
        .fetch_all(&mut *conn)
        .await
        .expect("beds")
}

/// A resident of `sex`, `age` years old, in `programme`, admitted a month ago.
async fn resident_of(
    conn: &mut sqlx::SqliteConnection,
    name: &str,
    sex: Sex,
    age: i64,
    programme: Programme,
) -> i64 {
    let today = app::base::clock::today_at_centre();
    let fields = ResidentFields {
        name_km: format!("កុមារ {name}"),
        name_latin: name.into(),
        sex,
        born_on: today - chrono::Duration::days(365 * age + 100),
        grade: "3".into(),
        programme,
        admitted_on: today - chrono::Duration::days(30),
        diet: Diet::Normal,
        allergies: vec![],
    };
    app::residents::repo::insert(&mut *conn, &fields)
        .await
        .expect("resident")
}

/// The first suggested bed of a resident's page: its id, and whether it asks for a reason.
fn first_suggestion(page: &str) -> (i64, bool) {
    let form = page
        .split(r#"class="assign">"#)
        .nth(1)
        .unwrap_or_else(|| panic!("a suggested bed in {page}"));
    let form = form.split("</form>").next().expect("the form");
    let bed = form
        .split(r#"name="bed_id" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|id| id.parse().ok())
        .expect("a bed id");
    (bed, form.contains(r#"name="reason""#))
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_girl_with_a_brother_or_a_sister_elsewhere_takes_the_first_suggestion_without_a_reason(
    pool: SqlitePool,
) {
    let mut conn = pool.acquire().await.expect("connection");
    app::demo::centre::seed_demo(&mut conn)
        .await
        .expect("centre");
    let boys = room_in(&mut conn, "boarding_school", "BB", Sex::Male, (8, 12), 2).await;
    let girls = room_in(&mut conn, "boarding_school", "BG", Sex::Female, (8, 12), 2).await;
    let older = room_in(&mut conn, "residence", "RG", Sex::Female, (15, 20), 2).await;
    let today = app::base::clock::today_at_centre();
    let brother = resident_of(
        &mut conn,
        "Brother",
        Sex::Male,
        11,
        Programme::BoardingSchool,
    )
    .await;
    let sister = resident_of(&mut conn, "Sister", Sex::Female, 16, Programme::Residence).await;
    let girl = resident_of(
        &mut conn,
        "Girl",
        Sex::Female,
        10,
        Programme::BoardingSchool,
    )
    .await;
    let little = resident_of(
        &mut conn,
        "Little",
        Sex::Female,
        8,
        Programme::BoardingSchool,
    )
    .await;
    for (resident, bed) in [(brother, boys[0]), (sister, older[0])] {
        app::housing::repo::insert_allocation(&mut conn, resident, bed, arriving(today), None)
            .await
            .expect("allocation");
    }
    drop(conn);
    let actor = app::base::access::Writer::system("test");
    app::residents::record::link_siblings(&pool, &actor, girl, brother)
        .await
        .expect("siblings");
    app::residents::record::link_siblings(&pool, &actor, little, sister)
        .await
        .expect("siblings");
    let house = signed_in(&pool, "house", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "suggest");
    let page = |id: i64| {
        let (app, house) = (app.clone(), house.clone());
        async move {
            let request = axum::http::Request::get(format!("/residents/{id}"))
                .header(header::COOKIE, house)
                .body(Body::empty())
                .expect("request");
            text(send(app, request).await).await
        }
    };
    // Her brother's room is not one she could share: no "siblings apart" on a girls' bed.
    let (bed, asks) = first_suggestion(&page(girl).await);
    assert!(girls.contains(&bed), "a boarding-school girls' bed first");
    assert!(!asks, "the best bed needs no reason");
    // An 8-year-old goes to a right-age bed of her own programme, not her sister's residence.
    let (bed, asks) = first_suggestion(&page(little).await);
    assert!(girls.contains(&bed), "{bed} is not a boarding-school bed");
    assert!(!asks, "the best bed needs no reason");
    // The first suggestion is taken as offered, with no reason typed.
    let response = send(
        app.clone(),
        form_post("/api/assign_bed")
            .header(header::COOKIE, house.clone())
            .body(Body::from(format!(
                "resident_id={girl}&bed_id={}&on={today}",
                girls[0]
            )))
            .expect("request"),
    )
    .await;
    let status = response.status();
    assert!(
        status.is_success() || status.is_redirection(),
        "{status}: {}",
        text(response).await
    );
}

/// The overdue alert's section of a page: empty when there is none.
fn overdue_banner(html: &str) -> &str {
    html.find(r#"class="alert overdue-banner"#)
        .map(|start| {
            let rest = &html[start..];
            &rest[..rest.find("</section>").unwrap_or(rest.len())]
        })
        .unwrap_or("")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_child_not_back_two_hours_after_her_planned_end_is_overdue_on_every_staff_page_and_the_roll(
    pool: SqlitePool,
) {
    use app::presence::model::local;

    let (building, beds, girls) = girls_waiting(&pool, 3, 3).await;
    let house = signed_in(&pool, "house", &[Role::HouseStaff]).await;
    let admin = signed_in(&pool, "director", &[Role::Admin]).await;
    let canteen = signed_in(&pool, "canteen", &[Role::Canteen]).await;
    let app = router(pool.clone(), "overdue");
    let today = app::base::clock::today_at_centre();
    let week_ago = today - chrono::Duration::days(7);
    for (girl, bed) in girls.iter().zip(&beds) {
        let assigned = html_post(
            "/api/assign_bed",
            &house,
            format!("resident_id={girl}&bed_id={bed}&on={week_ago}"),
        );
        assert_eq!(
            send(app.clone(), assigned).await.status(),
            StatusCode::FOUND
        );
    }
    // The first girl was due back from her home stay yesterday at 17:00; the second an hour
    // ago, within the two hours' grace; the third is here.
    let now = chrono::Utc::now().timestamp();
    let hour_ago = local(now - 3600);
    let stays = [
        (
            girls[0],
            today - chrono::Duration::days(1),
            "17:00".to_owned(),
        ),
        (
            girls[1],
            hour_ago.date(),
            hour_ago.format("%H:%M").to_string(),
        ),
    ];
    for (girl, until, time) in &stays {
        let from = today - chrono::Duration::days(3);
        let away = html_post(
            "/api/create_absence",
            &house,
            format!(
                "resident_id={girl}&reason=home_stay&from_date={from}&from_time=08%3A00&until_date={until}&until_time={}",
                time.replace(':', "%3A")
            ),
        );
        assert_eq!(send(app.clone(), away).await.status(), StatusCode::FOUND);
    }
    // On every staff page, for every staff role: the first girl only.
    for (cookie, uri) in [
        (&canteen, "/canteen"),
        (&house, "/residents"),
        (&admin, "/admin/audit"),
    ] {
        let html = page(&app, cookie, uri).await;
        let banner = overdue_banner(&html);
        assert!(banner.contains("Sok Sreymom 0"), "{uri}: {banner}");
        assert!(!banner.contains("Sok Sreymom 1"), "{uri}: {banner}");
    }
    // First on the dashboard, before its heading.
    let home = page(&app, &house, "/").await;
    let alert = home
        .find("overdue-banner dash-alert")
        .expect("on the dashboard");
    assert!(alert < home.find(r#"class="dash-head""#).expect("heading"));
    // Tonight's roll shows her overdue, not simply unmarked, and "all present" leaves her.
    let roll = page(&app, &house, &format!("/roll/{building}")).await;
    assert!(
        roll.contains(&format!(r#"id="r{}" class="roll-row overdue""#, girls[0])),
        "{roll}"
    );
    let all = html_post(
        "/api/mark_roll_all_present",
        &house,
        format!("building_id={building}&night={today}"),
    );
    assert_eq!(send(app.clone(), all).await.status(), StatusCode::FOUND);
    let marked = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM roll_mark WHERE resident_id = ?"#,
        girls[0]
    )
    .fetch_one(&pool)
    .await
    .expect("marks");
    assert_eq!(marked, 0, "an overdue child is marked on her own");

    // Only the admin sets the grace period, to a number of minutes; then half an hour makes
    // the second girl overdue too.
    for bad in ["abc", "-5", "1441"] {
        let refused = send(
            app.clone(),
            form_post("/api/save_presence_settings")
                .header(header::COOKIE, admin.clone())
                .body(Body::from(format!("overdue_grace_minutes={bad}")))
                .expect("request"),
        )
        .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let by_house = send(
        app.clone(),
        form_post("/api/save_presence_settings")
            .header(header::COOKIE, house.clone())
            .body(Body::from("overdue_grace_minutes=30"))
            .expect("request"),
    )
    .await;
    assert_eq!(by_house.status(), StatusCode::FORBIDDEN);
    assert!(!overdue_banner(&page(&app, &house, "/residents").await).contains("Sok Sreymom 1"));
    let set = html_post(
        "/api/save_presence_settings",
        &admin,
        "overdue_grace_minutes=30".into(),
    );
    assert_eq!(send(app.clone(), set).await.status(), StatusCode::FOUND);
    let banner = page(&app, &house, "/residents").await;
    assert!(
        overdue_banner(&banner).contains("Sok Sreymom 1"),
        "{banner}"
    );
    let audited = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log WHERE entity = 'presence_setting'"#
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(audited, 1, "the refused attempts changed nothing");

    // The second girl's stay is extended to tomorrow, for a reason: no longer overdue. Without
    // a reason, or to an earlier end, it is refused and nothing changes.
    let second = sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM absence WHERE resident_id = ?"#,
        girls[1]
    )
    .fetch_one(&pool)
    .await
    .expect("absence");
    let tomorrow = today + chrono::Duration::days(1);
    for bad in [
        format!("absence_id={second}&until_date={tomorrow}&reason=+"),
        format!(
            "absence_id={second}&until_date={}&reason=Flood",
            today - chrono::Duration::days(2)
        ),
    ] {
        let refused = send(
            app.clone(),
            form_post("/api/extend_absence")
                .header(header::COOKIE, house.clone())
                .body(Body::from(bad.clone()))
                .expect("request"),
        )
        .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    assert!(overdue_banner(&page(&app, &house, "/residents").await).contains("Sok Sreymom 1"));
    let extended = html_post(
        "/api/extend_absence",
        &house,
        format!(
            "absence_id={second}&until_date={tomorrow}&until_time=12%3A00&reason=The+road+is+flooded"
        ),
    );
    assert_eq!(
        send(app.clone(), extended).await.status(),
        StatusCode::FOUND
    );
    assert!(!overdue_banner(&page(&app, &house, "/residents").await).contains("Sok Sreymom 1"));
    let why = sqlx::query_scalar!(
        r#"SELECT json_extract(after_json, '$.reason') AS "why!: String" FROM audit_log
           WHERE entity = 'absence' AND action = 'extend' AND entity_id = ?"#,
        second
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(why, ["The road is flooded"]);

    // Her return recorded, the first girl's alert ends.
    let absence = sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM absence WHERE resident_id = ?"#,
        girls[0]
    )
    .fetch_one(&pool)
    .await
    .expect("absence");
    let back = html_post(
        "/api/record_return",
        &house,
        format!("absence_id={absence}"),
    );
    assert_eq!(send(app.clone(), back).await.status(), StatusCode::FOUND);
    let banner = page(&app, &canteen, "/canteen").await;
    assert!(!banner.contains("overdue-banner"), "{banner}");
}
