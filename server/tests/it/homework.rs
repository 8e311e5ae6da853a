//! Homework through the real router: the race for a class's last place, clashes held by the
//! schema, residents away excused from presence, tutors kept to their own classes, past
//! sessions corrected only when confirmed, and the absence flag.

use std::sync::Arc;

use crate::support::*;
use app::base::access::Role;
use app::base::access::{Actor, Writer};
use app::homework::model::{SessionPage, TonightPage};
use app::homework::{model, record};
use app::presence::model::AbsenceReason;
use axum::body::Body;
use axum::http::{StatusCode, header};
use chrono::{Days, NaiveDate};
use sqlx::SqlitePool;

async fn staff(pool: &SqlitePool, login: &str, roles: &[Role]) -> (i64, String) {
    staff_session(pool, login, roles).await
}

fn today() -> NaiveDate {
    app::base::clock::today_at_centre()
}

/// `n` girls of grade 4 in beds since last week.
async fn girls(pool: &SqlitePool, n: u32) -> Vec<i64> {
    let mut conn = pool.acquire().await.expect("connection");
    let (_, beds) = girls_room(&mut conn, "H", "អគារ ហ", n).await;
    let mut ids = Vec::new();
    for (k, bed) in beds.iter().enumerate() {
        let fields = girl(&format!("សុខ លីណា {k}"), &format!("Sok Lina {k}"), 10, "4");
        ids.push(housed_since_last_week(&mut conn, &fields, *bed).await);
    }
    ids
}

/// A class of `tutor` meeting every day from `hours`, for this month.
async fn class(
    pool: &SqlitePool,
    tutor: i64,
    name: &str,
    hours: (&str, &str),
    capacity: i64,
) -> i64 {
    let input = model::ClassInput {
        name: name.into(),
        level: "primary".into(),
        subject: "mathematics".into(),
        tutor_id: tutor.to_string(),
        room: "Room 1".into(),
        starts_at: hours.0.into(),
        ends_at: hours.1.into(),
        capacity: capacity.to_string(),
        term_from: (today() - Days::new(14)).to_string(),
        term_until: (today() + Days::new(30)).to_string(),
    };
    let checked = model::check_class(&input, 127).expect("class");
    let by = Writer {
        actor: Actor::System("test".into()),
        staff_id: Some(tutor),
    };
    record::save_class(pool, &by, None, &checked)
        .await
        .expect("class")
}

async fn enrol_directly(pool: &SqlitePool, class: i64, resident: i64, on: NaiveDate) {
    let by = Writer {
        actor: Actor::System("test".into()),
        staff_id: Some(1),
    };
    record::enrol(pool, &by, class, resident, on)
        .await
        .expect("enrolled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_tablets_taking_the_last_place_leave_one_enrolment_and_clear_answers() {
    // A real database file with the server's settings (WAL, busy timeout), not a test pool.
    let (pool, dir) = file_pool("class-race", &app::base::hub::Changes::new()).await;
    let (tutor, _) = staff(&pool, "tutor", &[Role::Tutor]).await;
    let (_, house) = staff(&pool, "housemother", &[Role::HouseStaff]).await;
    let pupils = girls(&pool, 34).await;
    let class = class(&pool, tutor, "Maths", ("18:00", "19:00"), 5).await;
    for pupil in &pupils[..4] {
        enrol_directly(&pool, class, *pupil, today()).await;
    }
    let app = router(pool.clone(), "class-race");
    let barrier = Arc::new(tokio::sync::Barrier::new(30));
    let mut tasks = Vec::new();
    for &pupil in &pupils[4..] {
        let (app, barrier, cookie) = (app.clone(), barrier.clone(), house.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let request = form_post("/api/enrol")
                .header(header::COOKIE, cookie)
                .body(Body::from(format!("class_id={class}&resident_id={pupil}")))
                .expect("request");
            let response = send(app, request).await;
            let status = response.status();
            (status, text(response).await)
        }));
    }
    let mut enrolled = 0;
    for task in tasks {
        let (status, body) = task.await.expect("task");
        if status.is_success() || status.is_redirection() {
            enrolled += 1;
        } else {
            assert_eq!(status, StatusCode::CONFLICT, "{body}");
            assert!(body.contains("problem.class_full"), "{body}");
        }
    }
    assert_eq!(enrolled, 1, "exactly the last place was taken");
    let mut conn = pool.acquire().await.expect("connection");
    let roll = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM enrolment WHERE class_id = ? AND ended_on IS NULL"#,
        class
    )
    .fetch_one(&mut *conn)
    .await
    .expect("count");
    assert_eq!(roll, 5);
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_clash_is_refused_in_words_and_by_the_schema_itself(pool: SqlitePool) {
    let (tutor, _) = staff(&pool, "tutor", &[Role::Tutor]).await;
    let (_, house) = staff(&pool, "housemother", &[Role::HouseStaff]).await;
    let pupils = girls(&pool, 2).await;
    let maths = class(&pool, tutor, "Maths", ("18:00", "19:00"), 20).await;
    let khmer = class(&pool, tutor, "Khmer", ("18:30", "19:30"), 20).await;
    let english = class(&pool, tutor, "English", ("19:00", "20:00"), 20).await;
    let app = router(pool.clone(), "class-clash");
    let enrol = |class: i64, pupil: i64| format!("class_id={class}&resident_id={pupil}");
    let (status, _) = post_as(&app, &house, "/api/enrol", enrol(maths, pupils[0])).await;
    assert!(status.is_redirection() || status.is_success());
    let (status, body) = post_as(&app, &house, "/api/enrol", enrol(khmer, pupils[0])).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("problem.class_clash"), "{body}");
    let (status, body) = post_as(&app, &house, "/api/enrol", enrol(maths, pupils[0])).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("problem.already_enrolled"), "{body}");
    // Back to back is no clash.
    let (status, _) = post_as(&app, &house, "/api/enrol", enrol(english, pupils[0])).await;
    assert!(status.is_redirection() || status.is_success());
    // A write that bypasses the app meets the same rule in the schema.
    let mut conn = pool.acquire().await.expect("connection");
    let raw = sqlx::query!(
        "INSERT INTO enrolment (class_id, resident_id, enrolled_on) VALUES (?, ?, '2026-01-01')",
        khmer,
        pupils[0]
    )
    .execute(&mut *conn)
    .await;
    assert!(matches!(raw, Err(sqlx::Error::Database(db)) if db.message() == "class_clash"));
    // Nor can the timetable move the class onto the other.
    let moved = sqlx::query!(
        "UPDATE homework_class SET starts_at = '18:30', ends_at = '19:30' WHERE id = ?",
        english
    )
    .execute(&mut *conn)
    .await;
    assert!(matches!(moved, Err(sqlx::Error::Database(db)) if db.message() == "class_clash"));
}

async fn session(app: &axum::Router, cookie: &str, class: i64, day: NaiveDate) -> SessionPage {
    let (status, body) = post_as(
        app,
        cookie,
        "/api/get_session",
        format!("class_id={class}&day={day}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).expect("a session")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn tutors_mark_their_own_classes_and_residents_away_are_excused(pool: SqlitePool) {
    let (claire, claire_cookie) = staff(&pool, "claire", &[Role::Tutor]).await;
    let (other, other_cookie) = staff(&pool, "dara", &[Role::Tutor]).await;
    let (_, house) = staff(&pool, "housemother", &[Role::HouseStaff]).await;
    let pupils = girls(&pool, 4).await;
    // All day, so tonight's session has begun whatever the clock says.
    let mine = class(&pool, claire, "English", ("00:00", "23:59"), 20).await;
    let theirs = class(&pool, other, "Science", ("00:00", "23:59"), 20).await;
    for pupil in &pupils[..3] {
        enrol_directly(&pool, mine, *pupil, today() - Days::new(14)).await;
    }
    enrol_directly(&pool, theirs, pupils[3], today()).await;
    let app = router(pool.clone(), "homework-tutors");

    // The first pupil has been at home since yesterday.
    let (status, body) = post_as(
        &app,
        &house,
        "/api/create_absence",
        format!(
            "resident_id={}&reason=home_stay&from_date={}&from_time=08%3A00",
            pupils[0],
            today() - Days::new(1)
        ),
    )
    .await;
    assert!(status.is_success() || status.is_redirection(), "{body}");

    let page = session(&app, &claire_cookie, mine, today()).await;
    assert_eq!(page.rows.len(), 3);
    assert_eq!(page.rows[0].away, Some(Some(AbsenceReason::HomeStay)));
    assert!(page.rows[1].away.is_none());
    // Another tutor's class is not hers to see or mark.
    let (status, _) = post_as(
        &app,
        &claire_cookie,
        "/api/get_session",
        format!("class_id={theirs}&day={}", today()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post_as(
        &app,
        &other_cookie,
        "/api/mark_attendance",
        format!(
            "class_id={mine}&day={}&resident_id={}&status=absent",
            today(),
            pupils[1]
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // One exception, then everyone else present: the child at home stays excused, unmarked.
    let (status, body) = post_as(
        &app,
        &claire_cookie,
        "/api/mark_attendance",
        format!(
            "class_id={mine}&day={}&resident_id={}&status=absent",
            today(),
            pupils[1]
        ),
    )
    .await;
    assert!(status.is_success() || status.is_redirection(), "{body}");
    let (status, body) = post_as(
        &app,
        &claire_cookie,
        "/api/mark_session_all_present",
        format!("class_id={mine}&day={}", today()),
    )
    .await;
    assert!(status.is_success() || status.is_redirection(), "{body}");
    let page = session(&app, &claire_cookie, mine, today()).await;
    let states: Vec<_> = page.rows.iter().map(|r| r.status).collect();
    assert_eq!(
        states,
        [
            None,
            Some(model::Status::Absent),
            Some(model::Status::Present)
        ]
    );
    // An excuse needs a reason.
    let (status, body) = post_as(
        &app,
        &claire_cookie,
        "/api/mark_attendance",
        format!(
            "class_id={mine}&day={}&resident_id={}&status=excused&reason=+",
            today(),
            pupils[1]
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // A pupil of another class cannot be marked in this one.
    let (status, _) = post_as(
        &app,
        &claire_cookie,
        "/api/mark_attendance",
        format!(
            "class_id={mine}&day={}&resident_id={}&status=present",
            today(),
            pupils[3]
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let _ = claire;
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_past_session_is_corrected_only_when_confirmed_and_three_absences_flag(pool: SqlitePool) {
    let (claire, tutor) = staff(&pool, "claire", &[Role::Tutor]).await;
    let (_, house) = staff(&pool, "housemother", &[Role::HouseStaff]).await;
    let pupils = girls(&pool, 2).await;
    let class = class(&pool, claire, "Khmer", ("00:00", "23:59"), 20).await;
    for pupil in &pupils {
        enrol_directly(&pool, class, *pupil, today() - Days::new(14)).await;
    }
    let app = router(pool.clone(), "homework-past");
    let mark = |day: NaiveDate, status: &str, confirm: &str| {
        format!(
            "class_id={class}&day={day}&resident_id={}&status={status}&confirm={confirm}",
            pupils[0]
        )
    };
    let yesterday = today() - Days::new(1);
    let (status, body) = post_as(
        &app,
        &tutor,
        "/api/mark_attendance",
        mark(yesterday, "absent", ""),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("problem.correction_confirm"), "{body}");
    let (status, body) = post_as(
        &app,
        &tutor,
        "/api/mark_attendance",
        mark(today() + Days::new(1), "absent", "1"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Three sessions in a row missed without a reason (corrections, confirmed).
    for back in [3, 2, 1] {
        let day = today() - Days::new(back);
        let (status, body) = post_as(
            &app,
            &tutor,
            "/api/mark_attendance",
            mark(day, "present", "1"),
        )
        .await;
        assert!(status.is_redirection() || status.is_success(), "{body}");
        let (status, body) = post_as(
            &app,
            &tutor,
            "/api/mark_attendance",
            mark(day, "absent", "1"),
        )
        .await;
        assert!(status.is_redirection() || status.is_success(), "{body}");
    }
    let (status, body) = post_as(&app, &house, "/api/get_tonight", String::new()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let tonight: TonightPage = serde_json::from_str(&body).expect("tonight");
    let flagged: Vec<i64> = tonight.flags.iter().map(|f| f.resident_id).collect();
    assert_eq!(flagged, [pupils[0]]);
    assert_eq!(tonight.flags[0].absences, 3);
    // A tutor does not get the flags (they are for house staff).
    let (_, body) = post_as(&app, &tutor, "/api/get_tonight", String::new()).await;
    let theirs: TonightPage = serde_json::from_str(&body).expect("tonight");
    assert!(theirs.flags.is_empty());
    // Every change is audited with what it replaced.
    let mut conn = pool.acquire().await.expect("connection");
    let replaced = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log
           WHERE entity = 'attendance' AND before_json IS NOT NULL"#
    )
    .fetch_one(&mut *conn)
    .await
    .expect("audit");
    assert_eq!(replaced, 3);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_attendance_csv_is_the_class_tutors_and_the_house_staffs(pool: SqlitePool) {
    let (claire, claire_cookie) = staff(&pool, "claire", &[Role::Tutor]).await;
    let (_, other) = staff(&pool, "dara", &[Role::Tutor]).await;
    let (_, house) = staff(&pool, "housemother", &[Role::HouseStaff]).await;
    let (_, cook) = staff(&pool, "cook", &[Role::Canteen]).await;
    let pupils = girls(&pool, 2).await;
    let class = class(&pool, claire, "Khmer", ("00:00", "23:59"), 20).await;
    for pupil in &pupils {
        enrol_directly(&pool, class, *pupil, today() - Days::new(2)).await;
    }
    let app = router(pool.clone(), "homework-csv");
    let (status, body) = post_as(
        &app,
        &claire_cookie,
        "/api/mark_attendance",
        format!(
            "class_id={class}&day={}&resident_id={}&status=late",
            today(),
            pupils[0]
        ),
    )
    .await;
    assert!(status.is_redirection() || status.is_success(), "{body}");
    let uri = format!("/homework/attendance.csv?class={class}");
    let (status, csv) = download(&app, Some(&claire_cookie), &uri).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let csv = csv.strip_prefix('\u{feff}').expect("a byte-order mark");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "Date,Name in Khmer script,Name in Latin letters,State,Reason"
    );
    // Three days (two before today, and today) for two pupils.
    assert_eq!(lines.len(), 1 + 3 * 2, "{csv}");
    assert!(
        lines.contains(&format!("{},សុខ លីណា 0,Sok Lina 0,Late,", today()).as_str()),
        "{csv}"
    );
    assert!(lines.iter().filter(|l| l.contains("Not marked")).count() == 5);
    assert_eq!(download(&app, Some(&house), &uri).await.0, StatusCode::OK);
    assert_eq!(
        download(&app, Some(&other), &uri).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        download(&app, Some(&cook), &uri).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(download(&app, None, &uri).await.0, StatusCode::UNAUTHORIZED);
    let (status, _) = download(&app, Some(&house), "/homework/attendance.csv?class=abc").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn leaving_the_centre_or_the_class_frees_the_place_and_keeps_tonight(pool: SqlitePool) {
    let (claire, _) = staff(&pool, "claire", &[Role::Tutor]).await;
    let (_, house) = staff(&pool, "housemother", &[Role::HouseStaff]).await;
    let pupils = girls(&pool, 3).await;
    let class = class(&pool, claire, "Khmer", ("00:00", "23:59"), 3).await;
    for pupil in &pupils {
        enrol_directly(&pool, class, *pupil, today() - Days::new(7)).await;
    }
    let app = router(pool.clone(), "homework-leaving");
    // Fewer places than pupils is refused in words.
    let mut conn = pool.acquire().await.expect("connection");
    let shrink = sqlx::query!("UPDATE homework_class SET capacity = 2 WHERE id = ?", class)
        .execute(&mut *conn)
        .await;
    assert!(
        matches!(shrink, Err(sqlx::Error::Database(db)) if db.message() == "class_capacity_below_roll")
    );
    // The first pupil leaves the centre today: her place is free from today.
    let (status, body) = post_as(
        &app,
        &house,
        "/api/leave_resident",
        format!("id={}&left_on={}&reason=Went+home", pupils[0], today()),
    )
    .await;
    assert!(status.is_redirection() || status.is_success(), "{body}");
    // The second is taken out of the class: tonight she is still on the roll.
    let (status, body) = post_as(
        &app,
        &house,
        "/api/unenrol",
        format!("class_id={class}&resident_id={}", pupils[1]),
    )
    .await;
    assert!(status.is_redirection() || status.is_success(), "{body}");
    let roll: Vec<i64> = app::homework::repo::roll(&mut conn, class, today())
        .await
        .expect("roll")
        .into_iter()
        .map(|p| p.resident_id)
        .collect();
    assert_eq!(roll, [pupils[1], pupils[2]]);
    let tomorrow: Vec<i64> = app::homework::repo::roll(&mut conn, class, today() + Days::new(1))
        .await
        .expect("roll")
        .into_iter()
        .map(|p| p.resident_id)
        .collect();
    assert_eq!(tomorrow, [pupils[2]]);
    let ended = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log WHERE entity = 'enrolment' AND action = 'end'"#
    )
    .fetch_one(&mut *conn)
    .await
    .expect("audit");
    assert_eq!(ended, 2);
    // A past session cannot be cancelled; a coming one can.
    let cancel = |day: NaiveDate| format!("class_id={class}&day={day}&reason=Exams");
    let (status, body) = post_as(
        &app,
        &house,
        "/api/cancel_session",
        cancel(today() - Days::new(1)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = post_as(
        &app,
        &house,
        "/api/cancel_session",
        cancel(today() + Days::new(1)),
    )
    .await;
    assert!(status.is_redirection() || status.is_success(), "{body}");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn an_attendance_mark_from_the_outbox_is_applied_once_and_the_one_made_later_stands(
    pool: SqlitePool,
) {
    let (tutor, claire) = staff(&pool, "claire", &[Role::Tutor]).await;
    let pupils = girls(&pool, 1).await;
    let class = class(&pool, tutor, "Maths", ("18:00", "19:00"), 5).await;
    enrol_directly(&pool, class, pupils[0], today()).await;
    let app = router(pool.clone(), "homework-outbox");
    let now = app::base::clock::now();
    let sent = |status: &str, id: &str, made_at: i64| {
        let request = form_post("/api/mark_attendance")
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, claire.clone())
            .body(Body::from(format!(
                "class_id={class}&day={}&resident_id={}&status={status}&sent[mark_id]={id}&sent[made_ms]={}&sent[sent_ms]={}",
                today(),
                pupils[0],
                made_at * 1000,
                now * 1000
            )))
            .expect("request");
        let app = app.clone();
        async move {
            let response = send(app, request).await;
            assert_eq!(response.status(), StatusCode::OK);
            let marked: app::base::ui::Marked =
                serde_json::from_str(&text(response).await).expect("the session as JSON");
            (marked.recorded, marked.rows[0].pressed.clone())
        }
    };
    let late = ("applied".to_owned(), "late".to_owned());
    assert_eq!(sent("late", "tablet-a-0000000001", now - 60).await, late);
    // The same mark again (its answer was lost): already recorded, nothing changes.
    let again = ("already".to_owned(), "late".to_owned());
    assert_eq!(sent("late", "tablet-a-0000000001", now - 60).await, again);
    // Another tablet's mark made before it, arriving after: recorded, and "late" stands.
    let older = ("older".to_owned(), "late".to_owned());
    assert_eq!(
        sent("absent", "tablet-b-0000000001", now - 120).await,
        older
    );
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'attendance' ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("audit");
    assert_eq!(actions, ["mark", "mark_older"]);
    let page = session(&app, &claire, class, today()).await;
    assert_eq!(page.rows[0].status, Some(model::Status::Late));
}
