//! Reads the dashboard for one viewer: only the sections their roles see, each from a few
//! summed queries, all in one read transaction so the figures agree with each other.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use sqlx::SqlitePool;

use super::model::{
    Dashboard, Homework, Meals, Residents, Section, meal_day, meals_served, monday_of, sessions_on,
    weekly,
};
use super::repo;
use crate::base::access::{CurrentStaff, Role};
use crate::base::changes::Version;
use crate::presence::model::{Occupant, instant, roll_time};

/// Nights in the occupancy chart.
pub const OCCUPANCY_NIGHTS: u64 = 30;
/// Days in the meals chart, before today.
pub const MEAL_DAYS: u64 = 28;
/// Weeks in the homework chart, this week included.
pub const HOMEWORK_WEEKS: u64 = 8;

/// The dashboard of `staff` on `today`, as of `version` (read before the data).
pub async fn dashboard(
    pool: &SqlitePool,
    staff: &CurrentStaff,
    today: NaiveDate,
    version: Version,
) -> Result<Dashboard, sqlx::Error> {
    let sees = |section: Section| section.seen_by(&staff.roles);
    let mut tx = pool.begin().await?;
    let residents = residents(&mut tx, today).await?;
    let tomorrow = today + Days::new(1);
    let chart_from = today - Days::new(MEAL_DAYS);
    // One read of who sleeps where serves the meal counts and homework's excused pupils.
    let occupants = if sees(Section::Meals) {
        crate::presence::repo::occupants_between(&mut tx, chart_from, tomorrow).await?
    } else if sees(Section::Homework) {
        crate::presence::repo::occupants_between(&mut tx, today, today).await?
    } else {
        Vec::new()
    };
    let meals = if sees(Section::Meals) {
        Some(meals(&mut tx, &occupants, today).await?)
    } else {
        None
    };
    let homework = if sees(Section::Homework) {
        // A tutor sees their own classes; house staff and admin see every class.
        let everyone = staff.has(Role::HouseStaff) || staff.has(Role::Admin);
        let tutor = (!everyone).then_some(staff.id);
        Some(homework(&mut tx, &occupants, today, tutor).await?)
    } else {
        None
    };
    let visits = if sees(Section::Visits) {
        Some(repo::visits_on(&mut tx, today).await?)
    } else {
        None
    };
    let review = if sees(Section::Review) {
        Some(repo::review_queue(&mut tx, today).await?)
    } else {
        None
    };
    tx.commit().await?;
    Ok(Dashboard {
        today,
        version,
        residents,
        meals,
        homework,
        visits,
        review,
    })
}

async fn residents(
    conn: &mut sqlx::SqliteConnection,
    today: NaiveDate,
) -> Result<Residents, sqlx::Error> {
    let (rolls, tonight) = repo::rolls(conn, today, instant(today, roll_time())).await?;
    Ok(Residents {
        alerts: crate::presence::repo::alerts(conn, chrono::Utc::now().timestamp()).await?,
        beds: crate::housing::repo::occupancy(conn, today).await?,
        tonight,
        rolls,
        unhoused: repo::unhoused(conn).await?,
        occupancy: repo::occupancy_history(conn, today - Days::new(OCCUPANCY_NIGHTS - 1), today)
            .await?,
    })
}

async fn meals(
    conn: &mut sqlx::SqliteConnection,
    occupants: &[Occupant],
    today: NaiveDate,
) -> Result<Meals, sqlx::Error> {
    let tomorrow = today + Days::new(1);
    let from = today - Days::new(MEAL_DAYS);
    let settings = crate::canteen::repo::settings(conn).await?;
    let (services, days) =
        crate::canteen::counts::counts_of(conn, occupants, from, tomorrow).await?;
    let mut served: BTreeMap<NaiveDate, BTreeMap<i64, i64>> = BTreeMap::new();
    for ((day, service), record) in crate::canteen::repo::served(conn, from, tomorrow).await? {
        served
            .entry(day)
            .or_default()
            .insert(service, record.served);
    }
    let none = BTreeMap::new();
    let served_on = |day: NaiveDate| served.get(&day).unwrap_or(&none);
    Ok(Meals {
        days: days
            .iter()
            .filter(|counts| counts.day >= today)
            .map(|counts| meal_day(&services, counts, served_on(counts.day), settings.cutoff))
            .collect(),
        history: days
            .iter()
            .filter(|counts| counts.day < today)
            .map(|counts| meals_served(counts, served_on(counts.day)))
            .collect(),
    })
}

async fn homework(
    conn: &mut sqlx::SqliteConnection,
    occupants: &[Occupant],
    today: NaiveDate,
    tutor: Option<i64>,
) -> Result<Homework, sqlx::Error> {
    let classes = crate::homework::repo::classes(conn, tutor).await?;
    let cancelled: Vec<i64> = crate::homework::repo::cancellations_between(conn, today, today)
        .await?
        .into_iter()
        .map(|(class, _)| class)
        .collect();
    let marks: Vec<_> = repo::homework_marks(conn, today)
        .await?
        .into_iter()
        .map(|(class, resident, status)| {
            let status = status
                .as_deref()
                .and_then(crate::homework::model::Status::parse);
            (class, resident, status)
        })
        .collect();
    let by_id: BTreeMap<i64, &Occupant> = occupants.iter().map(|o| (o.resident.id, o)).collect();
    let away = |resident: i64, at: i64| {
        crate::homework::history::away_at(by_id.get(&resident).copied(), at).is_some()
    };
    let first_monday = monday_of(today) - Days::new(7 * (HOMEWORK_WEEKS - 1));
    let days = repo::attendance_by_day(conn, first_monday, today, tutor).await?;
    Ok(Homework {
        sessions: sessions_on(&classes, today, &cancelled, &marks, away),
        weeks: weekly(&days, first_monday, HOMEWORK_WEEKS),
    })
}
