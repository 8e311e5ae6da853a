//! Meal counts over a span of days, from presence, extra heads and the frozen figures; and
//! freezing at the cut-off.

use chrono::NaiveDate;
use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};

use super::model::{self, DayCounts, MealService};
use super::repo;
use crate::presence::model::{Occupant, local};

/// The active meal services and the counts of every day from `from` to `until`
/// (inclusive): five queries whatever the span.
pub async fn counts(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<(Vec<MealService>, Vec<DayCounts>), sqlx::Error> {
    let occupants = crate::presence::repo::occupants_between(conn, from, until).await?;
    counts_of(conn, &occupants, from, until).await
}

/// The same, from `occupants` already read for (at least) that span.
pub async fn counts_of(
    conn: &mut SqliteConnection,
    occupants: &[Occupant],
    from: NaiveDate,
    until: NaiveDate,
) -> Result<(Vec<MealService>, Vec<DayCounts>), sqlx::Error> {
    let services = repo::services(conn, false).await?;
    let extras = repo::extras(conn, from, until).await?;
    let today = crate::base::clock::today_at_centre();
    let campers = crate::presence::repo::campers_between(conn, from, until, today).await?;
    let mut freezes = repo::freezes(conn, from, until).await?;
    let mut days: Vec<DayCounts> = from
        .iter_days()
        .take_while(|day| *day <= until)
        .map(|day| DayCounts {
            day,
            meals: services
                .iter()
                .map(|service| {
                    let frozen = freezes.remove(&(day, service.id));
                    model::meal_count((occupants, &campers), &extras, service, day, frozen)
                })
                .collect(),
        })
        .collect();
    // Someone frozen who has no bed any more is not among the occupants: name them.
    let unnamed: Vec<i64> = days
        .iter()
        .flat_map(|d| d.meals.iter().flat_map(|m| m.late.iter()))
        .filter(|change| change.name_latin.is_empty())
        .map(|change| change.resident_id)
        .collect();
    if !unnamed.is_empty() {
        let names = crate::residents::repo::resident_names(conn, &unnamed).await?;
        for change in days
            .iter_mut()
            .flat_map(|d| d.meals.iter_mut().flat_map(|m| m.late.iter_mut()))
        {
            if let Some((km, latin, diet)) = names.get(&change.resident_id) {
                change.name_km.clone_from(km);
                change.name_latin.clone_from(latin);
                change.diet = *diet;
            }
        }
    }
    Ok((services, days))
}

/// Freezes every meal of today and tomorrow whose cut-off has passed and that is not frozen
/// yet; returns how many it froze. The server calls it every minute, and every page that
/// shows counts calls it first, so a figure is never shown unfrozen after its cut-off.
pub async fn freeze_due(pool: &SqlitePool, now: i64) -> Result<usize, sqlx::Error> {
    let today = local(now).date();
    let mut conn = pool.acquire().await?;
    let settings = repo::settings(&mut conn).await?;
    let days = model::days_to_freeze(today, settings.cutoff, now);
    let (Some(first), Some(last)) = (days.first().copied(), days.last().copied()) else {
        return Ok(0);
    };
    let services = repo::services(&mut conn, false).await?;
    let frozen = repo::freezes(&mut conn, first, last).await?;
    let due = days
        .iter()
        .flat_map(|day| services.iter().map(move |service| (*day, service)))
        .filter(|(day, service)| !frozen.contains_key(&(*day, service.id)))
        .count();
    if due == 0 {
        return Ok(0);
    }
    drop(conn);
    let mut tx = crate::base::db::begin_write(pool).await?;
    let occupants = crate::presence::repo::occupants_between(&mut tx, first, last).await?;
    let campers = crate::presence::repo::campers_between(&mut tx, first, last, today).await?;
    let extras = repo::extras(&mut tx, first, last).await?;
    let mut done = 0;
    for day in &days {
        for service in &services {
            let frozen = model::freeze((&occupants, &campers), &extras, service, *day, now);
            if repo::insert_freeze(
                &mut tx,
                *day,
                service.id,
                now,
                &frozen.resident_ids,
                &frozen.heads,
            )
            .await?
            {
                done += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(done)
}

/// The shopping list from `from` to `until`: every ingredient with its total (thousandths of
/// its unit) for the expected heads of each meal (frozen where frozen) and its menu; and how
/// many meals with heads have no menu yet.
pub async fn shopping(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<(Vec<(repo::Ingredient, i64)>, usize), sqlx::Error> {
    let (_, days) = counts(conn, from, until).await?;
    let menus = repo::menus(conn, from, until).await?;
    let recipes = repo::recipe_lines(conn).await?;
    let mut meals = Vec::new();
    let mut without_menu = 0;
    for day in &days {
        for meal in &day.meals {
            let heads = meal
                .frozen
                .as_ref()
                .map_or(&meal.live, |frozen| &frozen.heads);
            match menus.get(&(day.day, meal.meal_service_id)) {
                Some(menu) => meals.push((heads, menu.as_slice())),
                None if heads.total() > 0 => without_menu += 1,
                None => {}
            }
        }
    }
    let totals = model::shopping(meals, &recipes);
    let lines = repo::ingredients(conn)
        .await?
        .into_iter()
        .filter_map(|ingredient| {
            let total = *totals.get(&ingredient.id)?;
            (total > 0).then_some((ingredient, total))
        })
        .collect();
    Ok((lines, without_menu))
}

/// Freezes what is due before a page shows counts. A failure (the database busy with a long
/// write) is logged, not shown: the server's minute task freezes it next time.
pub async fn freeze_before_reading(pool: &sqlx::SqlitePool, now: i64) {
    if let Err(error) = freeze_due(pool, now).await {
        tracing::error!(%error, "cannot freeze meal counts");
    }
}

/// A connection to read counts on, once what is due is frozen (see [`freeze_before_reading`]).
pub async fn read_after_freezing(
    pool: &SqlitePool,
    now: i64,
) -> Result<PoolConnection<Sqlite>, sqlx::Error> {
    freeze_before_reading(pool, now).await;
    pool.acquire().await
}
