//! Benchmark: presence for a day, occupancy by facility and the canteen's 14-day forecast
//! (every meal of 14 days, by diet, against the frozen figures), on the demo centre (about
//! 410 residents) and on a generated centre of 6,500 residents with five years of
//! allocations and absences. Targets: 5 ms and 50 ms.
//!
//! Run it optimised, as the server runs:
//! `cargo run --release -p app --features ssr --example presence_bench`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark: a failed setup stops it with its message"
)]

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

use app::presence::model::{instant, roll_time};
use chrono::{Duration as Days, NaiveDate, NaiveTime};
use sqlx::SqlitePool;

/// A small deterministic generator (xorshift), so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

async fn database(name: &str) -> anyhow_free::Result<SqlitePool> {
    let dir = std::env::temp_dir().join(format!("centre-bench-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}/bench.db", dir.display());
    let pool = app::base::db::connect(
        app::base::db::connect_options(&url)?,
        &app::base::hub::Changes::new(),
    )
    .await?;
    app::base::db::MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// How many times each query runs.
const RUNS: usize = 200;

/// The median and the slowest of these timings.
fn summary(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() - 1])
}

async fn report(label: &str, pool: &SqlitePool, day: NaiveDate) -> anyhow_free::Result<()> {
    let mut conn = pool.acquire().await?;
    let residents = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM resident"#)
        .fetch_one(&mut *conn)
        .await?;
    let allocations = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM allocation"#)
        .fetch_one(&mut *conn)
        .await?;
    let absences = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM absence"#)
        .fetch_one(&mut *conn)
        .await?;
    let at = instant(
        day,
        NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(roll_time()),
    );
    let present = app::presence::repo::present_at(&mut conn, at).await?.len();
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        std::hint::black_box(app::presence::repo::present_at(&mut conn, at).await?);
        times.push(started.elapsed());
    }
    let (median, slowest) = summary(times);
    println!(
        "{label}: {residents} residents, {allocations} allocations, {absences} absences; {present} present at noon"
    );
    println!("  presence for a day:     median {median:?}, slowest {slowest:?} ({RUNS} runs)");
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        std::hint::black_box(app::housing::repo::occupancy(&mut conn, day).await?);
        times.push(started.elapsed());
    }
    let (median, slowest) = summary(times);
    println!("  occupancy by facility:  median {median:?}, slowest {slowest:?} ({RUNS} runs)");
    let until = day + Days::days(13);
    let (services, days) = app::canteen::counts::counts(&mut conn, day, until).await?;
    let heads: i64 = days
        .iter()
        .flat_map(|d| d.meals.iter().map(|m| m.expected()))
        .sum();
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        std::hint::black_box(app::canteen::counts::counts(&mut conn, day, until).await?);
        times.push(started.elapsed());
    }
    let (median, slowest) = summary(times);
    println!(
        "  14-day meal forecast:   median {median:?}, slowest {slowest:?} ({RUNS} runs; {} meals, {heads} heads)",
        days.len() * services.len()
    );
    Ok(())
}

/// The demo centre, as `server seed-demo` creates it.
async fn demo_centre(day: NaiveDate) -> anyhow_free::Result<SqlitePool> {
    let pool = database("demo").await?;
    app::demo::seed(
        &pool,
        &app::demo::DemoAccounts {
            staff: vec![],
            families: vec![],
        },
    )
    .await?;
    let _ = day;
    Ok(pool)
}

/// 6,500 residents over five years: admissions spread over the years, moves, departures,
/// and about four absences a year each, in beds of the right sex (never overlapping).
async fn large_centre(day: NaiveDate) -> anyhow_free::Result<SqlitePool> {
    let pool = database("large").await?;
    let mut rng = Rng(0x0bad_5eed_2026_1122);
    let mut tx = pool.begin().await?;
    let facility = app::demo::centre::seed_demo(&mut tx).await?.boarding_school;
    let start = day - Days::days(5 * 365);
    // Beds: 5,200 per sex in 650 rooms of 8 per sex, in 20 buildings.
    let mut beds: [Vec<i64>; 2] = [Vec::new(), Vec::new()];
    for b in 0..20 {
        let building = app::housing::repo::insert_building(
            &mut tx,
            facility,
            &format!("L{b}"),
            "អគារ",
            &format!("Large {b}"),
        )
        .await?;
        for r in 0..65 {
            for (s, sex) in app::residents::model::Sex::ALL.into_iter().enumerate() {
                let room = app::housing::repo::insert_room(
                    &mut tx,
                    building,
                    &format!("{}{r}", sex.code()),
                    sex,
                    (5, 22),
                    4,
                )
                .await?;
                beds[s].extend(
                    sqlx::query_scalar!(
                        r#"SELECT id AS "id!: i64" FROM bed WHERE room_id = ?"#,
                        room
                    )
                    .fetch_all(&mut *tx)
                    .await?,
                );
            }
        }
    }
    // Each sex's beds, by the day each is free again.
    let mut free: [BinaryHeap<Reverse<(NaiveDate, i64)>>; 2] = [
        beds[0].iter().map(|b| Reverse((start, *b))).collect(),
        beds[1].iter().map(|b| Reverse((start, *b))).collect(),
    ];
    let mut people: Vec<(usize, NaiveDate)> = (0..6500)
        .map(|_| {
            let sex = rng.below(2) as usize;
            (sex, start + Days::days(rng.below(5 * 365 - 30) as i64))
        })
        .collect();
    people.sort_by_key(|p| p.1);
    for (n, (sex, admitted)) in people.into_iter().enumerate() {
        let fields = app::residents::model::ResidentFields {
            name_km: "កុមារ".into(),
            name_latin: format!("Resident {n}"),
            sex: app::residents::model::Sex::ALL[sex],
            born_on: admitted - Days::days(365 * (6 + rng.below(12) as i64)),
            grade: String::new(),
            programme: app::residents::model::Programme::BoardingSchool,
            admitted_on: admitted,
            diet: app::residents::model::Diet::Normal,
            allergies: vec![],
        };
        let id = app::residents::repo::insert(&mut tx, &fields).await?;
        // One to four stays, each in the bed free longest; a third leave before today.
        let leaves =
            (rng.below(3) == 0).then(|| admitted + Days::days(30 + rng.below(3 * 365) as i64));
        let mut from = admitted;
        let stays = 1 + rng.below(4);
        for stay in 0..stays {
            let Some(Reverse((free_from, bed))) = free[sex].pop() else {
                break;
            };
            let from_on = from.max(free_from);
            let last = stay + 1 == stays;
            let until = if last {
                leaves.filter(|l| *l > from_on && *l <= day)
            } else {
                Some(from_on + Days::days(30 + rng.below(400) as i64))
            };
            let until = until.filter(|u| *u <= day);
            let starts = app::housing::model::Changeover {
                on: from_on,
                at: app::housing::model::usual_arrival(),
            };
            app::housing::repo::insert_allocation(&mut tx, id, bed, starts, None).await?;
            match until {
                Some(until_on) => {
                    sqlx::query!("UPDATE allocation SET until_on = ? WHERE resident_id = ? AND until_on IS NULL", until_on, id)
                        .execute(&mut *tx)
                        .await?;
                    free[sex].push(Reverse((until_on, bed)));
                    from = until_on;
                }
                None => break,
            }
        }
        let years = ((day - admitted).num_days() / 365).max(1) as u64;
        for _ in 0..rng.below(4 * years + 1) {
            let starts = instant(
                admitted + Days::days(rng.below((day - admitted).num_days().max(1) as u64) as i64),
                NaiveTime::MIN,
            ) + rng.below(86_400) as i64;
            let away = app::presence::model::Away {
                starts_at: starts,
                ends_at: Some(starts + 3600 + rng.below(6 * 86_400) as i64),
                returned_at: None,
            };
            app::presence::repo::insert_absence(
                &mut tx,
                id,
                app::presence::model::AbsenceReason::HomeStay,
                "",
                away,
            )
            .await?;
        }
    }
    tx.commit().await?;
    sqlx::query!("ANALYZE").execute(&pool).await?;
    Ok(pool)
}

/// Errors of any kind, printed once (the benchmark has no other error handling to do).
mod anyhow_free {
    pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow_free::Result<()> {
    let day = app::base::clock::today_at_centre();
    report("demo centre", &demo_centre(day).await?, day).await?;
    let built = Instant::now();
    let large = large_centre(day).await?;
    println!("(generated the large centre in {:?})", built.elapsed());
    report("large centre, five years", &large, day).await?;
    Ok(())
}
