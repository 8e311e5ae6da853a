//! Database tests of presence and the housing rules: the constraints hold even when the
//! application's own checks are bypassed, and the presence SQL agrees with the rule.

#![cfg(feature = "ssr")]

use chrono::{Duration, NaiveDate, NaiveTime};
use sqlx::SqlitePool;

use super::model::{Away, Nights, instant, is_present};
use super::repo::present_at;
use crate::housing::model::{Changeover, usual_arrival};
use crate::housing::repo::{insert_allocation, insert_building, insert_room};
use crate::residents::model::{Diet, Programme, ResidentFields, Sex};

fn day(text: &str) -> NaiveDate {
    crate::base::fields::parse_date(text).expect("a date")
}

/// Arriving on `text` at the usual time.
fn arrive(text: &str) -> Changeover {
    Changeover {
        on: day(text),
        at: usual_arrival(),
    }
}

fn child(name: &str, sex: Sex) -> ResidentFields {
    ResidentFields {
        name_km: "កុមារ".into(),
        name_latin: name.into(),
        sex,
        born_on: day("2015-05-05"),
        grade: "5".into(),
        programme: Programme::BoardingSchool,
        admitted_on: day("2024-01-01"),
        diet: Diet::Normal,
        allergies: vec![],
    }
}

/// A girls' room and a boys' room of `beds` beds each; returns their bed ids.
async fn rooms(pool: &SqlitePool, beds: u32) -> (Vec<i64>, Vec<i64>) {
    let mut conn = pool.acquire().await.expect("connection");
    let facility = crate::demo::centre::seed_demo(&mut conn)
        .await
        .expect("centre")
        .boarding_school;
    let building = insert_building(&mut conn, facility, "Z", "អគារ", "Z")
        .await
        .expect("building");
    let girls = insert_room(&mut conn, building, "G", Sex::Female, (5, 16), beds)
        .await
        .expect("room");
    let boys = insert_room(&mut conn, building, "B", Sex::Male, (5, 16), beds)
        .await
        .expect("room");
    let mut ids = Vec::new();
    for room in [girls, boys] {
        ids.push(
            sqlx::query_scalar!(
                r#"SELECT id AS "id!: i64" FROM bed WHERE room_id = ? ORDER BY id"#,
                room
            )
            .fetch_all(&mut *conn)
            .await
            .expect("beds"),
        );
    }
    let boys = ids.pop().expect("boys");
    (ids.pop().expect("girls"), boys)
}

async fn resident(pool: &SqlitePool, name: &str, sex: Sex) -> i64 {
    let mut conn = pool.acquire().await.expect("connection");
    crate::residents::repo::insert(&mut conn, &child(name, sex))
        .await
        .expect("resident")
}

/// The message of the database's refusal.
fn refusal(result: Result<i64, sqlx::Error>) -> String {
    match result {
        Err(sqlx::Error::Database(db)) => db.message().to_owned(),
        other => panic!("expected a refusal by the database, got {other:?}"),
    }
}

#[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
async fn the_database_refuses_a_second_resident_in_a_bed(pool: SqlitePool) {
    let (girls, _) = rooms(&pool, 2).await;
    let (a, b) = (
        resident(&pool, "A", Sex::Female).await,
        resident(&pool, "B", Sex::Female).await,
    );
    let mut conn = pool.acquire().await.expect("connection");
    insert_allocation(&mut conn, a, girls[0], arrive("2026-01-01"), None)
        .await
        .expect("first");
    let message =
        refusal(insert_allocation(&mut conn, b, girls[0], arrive("2026-02-01"), None).await);
    assert_eq!(message, "allocation_bed_taken");
    // Not even in the past, while the first was there.
    sqlx::query!("UPDATE allocation SET until_on = '2026-03-01'")
        .execute(&mut *conn)
        .await
        .expect("ended");
    let message =
        refusal(insert_allocation(&mut conn, b, girls[0], arrive("2026-02-01"), None).await);
    assert_eq!(message, "allocation_bed_taken");
    insert_allocation(&mut conn, b, girls[0], arrive("2026-03-01"), None)
        .await
        .expect("free from the day the first left");
}

#[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
async fn the_database_refuses_a_resident_in_two_beds(pool: SqlitePool) {
    let (girls, _) = rooms(&pool, 2).await;
    let a = resident(&pool, "A", Sex::Female).await;
    let mut conn = pool.acquire().await.expect("connection");
    insert_allocation(&mut conn, a, girls[0], arrive("2026-01-01"), None)
        .await
        .expect("first");
    let message =
        refusal(insert_allocation(&mut conn, a, girls[1], arrive("2026-01-05"), None).await);
    assert_eq!(message, "allocation_resident_housed");
}

#[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
async fn a_child_moves_beds_to_the_minute_and_times_are_times_of_day(pool: SqlitePool) {
    use crate::housing::repo::end_allocation;

    let (girls, _) = rooms(&pool, 2).await;
    let a = resident(&pool, "A", Sex::Female).await;
    let mut conn = pool.acquire().await.expect("connection");
    let first = insert_allocation(&mut conn, a, girls[0], arrive("2026-01-01"), None)
        .await
        .expect("first");
    let at = |text: &str| NaiveTime::parse_from_str(text, "%H:%M").expect("a time");
    let moved = Changeover {
        on: day("2026-01-05"),
        at: at("14:30"),
    };
    end_allocation(&mut conn, first, moved)
        .await
        .expect("left at 14:30");
    // Into the other bed at 14:00 would be two beds for half an hour.
    let early = Changeover {
        at: at("14:00"),
        ..moved
    };
    let message = refusal(insert_allocation(&mut conn, a, girls[1], early, None).await);
    assert_eq!(message, "allocation_resident_housed");
    let second = insert_allocation(&mut conn, a, girls[1], moved, None)
        .await
        .expect("as she leaves the first");
    // Nor may the first be made to end later than the second begins.
    let late = sqlx::query!(
        "UPDATE allocation SET leaves_at = '15:00' WHERE id = ?",
        first
    )
    .execute(&mut *conn)
    .await;
    assert!(matches!(late, Err(sqlx::Error::Database(db)) if db.message() == "allocation_overlap"));
    for nonsense in ["24:00", "9:00", "16h", "16:00:00", ""] {
        let wrong = sqlx::query!(
            "UPDATE allocation SET arrives_at = ? WHERE id = ?",
            nonsense,
            second
        )
        .execute(&mut *conn)
        .await;
        assert!(wrong.is_err(), "{nonsense:?} is not a time of day");
    }
}

#[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
async fn the_database_refuses_a_boy_in_a_girls_room_and_a_bed_out_of_service(pool: SqlitePool) {
    let (girls, boys) = rooms(&pool, 2).await;
    let boy = resident(&pool, "Boy", Sex::Male).await;
    let mut conn = pool.acquire().await.expect("connection");
    let message =
        refusal(insert_allocation(&mut conn, boy, girls[0], arrive("2026-01-01"), None).await);
    assert_eq!(message, "allocation_sex_mismatch");
    sqlx::query!("UPDATE bed SET in_service = 0 WHERE id = ?", boys[0])
        .execute(&mut *conn)
        .await
        .expect("out of service");
    let message =
        refusal(insert_allocation(&mut conn, boy, boys[0], arrive("2026-01-01"), None).await);
    assert_eq!(message, "allocation_bed_out_of_service");
    insert_allocation(&mut conn, boy, boys[1], arrive("2026-01-01"), None)
        .await
        .expect("a boys' bed in service");
    // An occupied bed cannot go out of service, and his room cannot become a girls' room.
    let occupied = sqlx::query!("UPDATE bed SET in_service = 0 WHERE id = ?", boys[1])
        .execute(&mut *conn)
        .await;
    assert!(matches!(occupied, Err(sqlx::Error::Database(db)) if db.message() == "bed_occupied"));
    let swapped = sqlx::query!("UPDATE room SET sex = 'f' WHERE code = 'B'")
        .execute(&mut *conn)
        .await;
    assert!(swapped.is_err(), "an occupied room keeps its sex");
}

#[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
async fn a_closed_roll_keeps_its_marks(pool: SqlitePool) {
    let (girls, _) = rooms(&pool, 1).await;
    let a = resident(&pool, "A", Sex::Female).await;
    let mut conn = pool.acquire().await.expect("connection");
    insert_allocation(&mut conn, a, girls[0], arrive("2026-01-01"), None)
        .await
        .expect("bed");
    let staff = sqlx::query_scalar!(
        r#"INSERT INTO staff_user (login, display_name, password_hash) VALUES ('tester', 'T', '$argon2id$x')
           RETURNING id AS "id!: i64""#
    )
    .fetch_one(&mut *conn)
    .await
    .expect("staff");
    let building = sqlx::query_scalar!(r#"SELECT id AS "id!: i64" FROM building WHERE code = 'Z'"#)
        .fetch_one(&mut *conn)
        .await
        .expect("building");
    let (roll, _) = super::repo::open_roll_call(&mut conn, building, day("2026-02-01"), 0)
        .await
        .expect("roll");
    super::repo::close_roll_call(&mut conn, roll, staff, 1)
        .await
        .expect("closed");
    let late = sqlx::query!(
        "INSERT INTO roll_mark (roll_call_id, resident_id, status, marked_at, marked_by) VALUES (?, ?, 'present', 2, ?)",
        roll,
        a,
        staff
    )
    .execute(&mut *conn)
    .await;
    assert!(matches!(late, Err(sqlx::Error::Database(db)) if db.message() == "roll_closed"));
}

/// A whole minute of the day: how allocations store an arrival or a departure.
fn minute_of_day(rng: &mut Rng) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt(rng.below(24 * 60) as u32 * 60, 0)
        .expect("a time")
}

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
async fn the_presence_query_agrees_with_the_presence_rule_on_random_histories(pool: SqlitePool) {
    let residents = 40;
    let (girls, _) = rooms(&pool, residents).await;
    let base = day("2026-01-01");
    let origin = instant(base, NaiveTime::MIN);
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut expected: Vec<(i64, Vec<Nights>, Vec<Away>)> = Vec::new();
    let mut conn = pool.acquire().await.expect("connection");
    for n in 0..residents {
        let id =
            crate::residents::repo::insert(&mut conn, &child(&format!("Girl {n}"), Sex::Female))
                .await
                .expect("resident");
        // Up to two stays in the resident's own bed, one after the other (the second may
        // start the day the first ends), each arriving and leaving at some minute of the day.
        let mut nights: Vec<Nights> = Vec::new();
        let mut start = rng.below(20) as i64;
        for _ in 0..=rng.below(2) {
            let from_on = base + Duration::days(start);
            let until_on =
                (rng.below(3) > 0).then(|| from_on + Duration::days(1 + rng.below(15) as i64));
            let (mut arrives, leaves) = (minute_of_day(&mut rng), minute_of_day(&mut rng));
            if let Some(before) = nights.last().filter(|n| n.until_on == Some(from_on)) {
                // A move that day: into the new bed as the old one is left.
                arrives = before.leaves;
            }
            let starts = Changeover {
                on: from_on,
                at: arrives,
            };
            insert_allocation(&mut conn, id, girls[n as usize], starts, None)
                .await
                .expect("allocation");
            if let Some(until) = until_on {
                let ends = Changeover {
                    on: until,
                    at: leaves,
                };
                let open = crate::housing::repo::history(&mut conn, None, Some(id))
                    .await
                    .expect("history")[0]
                    .id;
                crate::housing::repo::end_allocation(&mut conn, open, ends)
                    .await
                    .expect("ended");
            }
            nights.push(Nights {
                from_on,
                until_on,
                arrives,
                leaves,
            });
            match until_on {
                Some(until) => start = (until - base).num_days() + rng.below(3) as i64,
                None => break,
            }
        }
        let mut aways = Vec::new();
        for _ in 0..rng.below(4) {
            let starts_at = origin + rng.below(40 * 86_400) as i64;
            let away = Away {
                starts_at,
                ends_at: (rng.below(4) > 0).then(|| starts_at + 1 + rng.below(5 * 86_400) as i64),
                returned_at: (rng.below(3) == 0).then(|| starts_at + rng.below(3 * 86_400) as i64),
            };
            super::repo::insert_absence(
                &mut conn,
                id,
                super::model::AbsenceReason::Other,
                "",
                away,
            )
            .await
            .expect("absence");
            aways.push(away);
        }
        expected.push((id, nights, aways));
    }
    let (mut checked, mut overdue_seen) = (0, 0);
    for _ in 0..120 {
        let probe_day = base + Duration::days(rng.below(45) as i64);
        let time = NaiveTime::from_num_seconds_from_midnight_opt(rng.below(86_400) as u32, 0)
            .expect("a time");
        let at = instant(probe_day, time);
        let got: Vec<i64> = present_at(&mut conn, at)
            .await
            .expect("presence")
            .into_iter()
            .map(|p| p.id)
            .collect();
        let want: Vec<i64> = expected
            .iter()
            .filter(|(_, nights, aways)| is_present(nights, aways, at))
            .map(|(id, ..)| *id)
            .collect();
        assert_eq!(got, want, "on {probe_day} at {time}");
        // The span loader the canteen forecasts with gives the same answer, over a span
        // of days around the probe.
        let span = super::repo::occupants_between(
            &mut conn,
            probe_day - Duration::days(rng.below(5) as i64),
            probe_day + Duration::days(rng.below(5) as i64),
        )
        .await
        .expect("occupants");
        let from_span: Vec<i64> = span
            .iter()
            .filter(|o| o.present(at))
            .map(|o| o.resident.id)
            .collect();
        assert_eq!(from_span, want, "span, on {probe_day} at {time}");
        // The roll taken at that moment lists those whose bed is theirs then, away or not.
        let building =
            sqlx::query_scalar!(r#"SELECT id AS "id!: i64" FROM building WHERE code = 'Z'"#)
                .fetch_one(&mut *conn)
                .await
                .expect("building");
        // Each row says whether they are overdue then, with the grace period as set (2 h).
        let roll: Vec<(super::model::Sleeper, Option<i64>)> =
            super::repo::roll_rows(&mut conn, building, probe_day, at, i64::MAX)
                .await
                .expect("roll")
                .into_iter()
                .map(|row| (row.who, row.overdue_since))
                .collect();
        let housed: Vec<(super::model::Sleeper, Option<i64>)> = expected
            .iter()
            .filter(|(_, nights, _)| is_present(nights, &[], at))
            .map(|(id, _, aways)| {
                let due = aways.iter().filter_map(|a| a.overdue_since(at, 7200)).min();
                (super::model::Sleeper::Resident(*id), due)
            })
            .collect();
        assert_eq!(roll, housed, "roll, on {probe_day} at {time}");
        // Overdue back at that moment, for some grace period: the SQL and the rule agree.
        let grace = rng.below(6 * 3600) as i64;
        let overdue: Vec<(i64, i64)> = super::repo::overdue_at(&mut conn, at, grace)
            .await
            .expect("overdue")
            .into_iter()
            .map(|alert| (alert.resident_id, alert.due_at))
            .collect();
        let mut want_overdue: Vec<(i64, i64)> = expected
            .iter()
            .flat_map(|(id, _, aways)| {
                aways
                    .iter()
                    .filter_map(move |away| away.overdue_since(at, grace).map(|due| (*id, due)))
            })
            .collect();
        want_overdue.sort_by_key(|(id, due)| (*due, *id));
        let mut got_overdue = overdue.clone();
        got_overdue.sort_by_key(|(id, due)| (*due, *id));
        assert_eq!(
            got_overdue, want_overdue,
            "overdue, on {probe_day} at {time}"
        );
        overdue_seen += want_overdue.len();
        checked += want.len();
    }
    assert!(
        checked > 100,
        "the histories must have people present to compare: {checked}"
    );
    assert!(
        overdue_seen > 10,
        "the histories must have people overdue to compare: {overdue_seen}"
    );
}
