//! Writing visit days, their slots, and blocked dates; calling a day off.

use super::*;

/// Publishes a visit day (`id` None) or changes one; returns its id.
pub async fn save_day(
    pool: &SqlitePool,
    by: &Writer,
    id: Option<i64>,
    input: &DayInput,
) -> Result<i64, AppError> {
    let closes_at = instant(input.closes_on, input.closes_time);
    let mut tx = begin_write(pool).await?;
    let (id, action) = match id {
        None => {
            let id = sqlx::query_scalar!(
                r#"INSERT INTO visit_day (day, opens_on, closes_at, max_adults, meal_service_id, note)
                   VALUES (?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
                input.day,
                input.opens_on,
                closes_at,
                input.max_adults,
                input.meal_service_id,
                input.note
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(booking_error)?;
            (id, "create")
        }
        Some(id) => {
            let done = sqlx::query!(
                "UPDATE visit_day SET day = ?, opens_on = ?, closes_at = ?, max_adults = ?,
                        meal_service_id = ?, note = ? WHERE id = ?",
                input.day,
                input.opens_on,
                closes_at,
                input.max_adults,
                input.meal_service_id,
                input.note,
                id
            )
            .execute(&mut *tx)
            .await
            .map_err(booking_error)?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            (id, "update")
        }
    };
    let after = json!({
        "day": input.day, "opens_on": input.opens_on, "closes_at": closes_at,
        "max_adults": input.max_adults, "meal_service_id": input.meal_service_id,
        "note": input.note,
    });
    commit_with(
        tx,
        &by.actor,
        Change::of("visit_day", id, action, Some(after)),
    )
    .await?;
    Ok(id)
}

/// The schema's refusals of a slot: a second slot at the same time is its own answer.
fn slot_error(error: sqlx::Error) -> AppError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            AppError::conflict(Key::ProblemSlotExists)
        }
        _ => booking_error(error),
    }
}

/// Adds a slot to a visit day (`slot_id` None) or changes a slot's places.
pub async fn save_slot(
    pool: &SqlitePool,
    by: &Writer,
    day_id: i64,
    slot_id: Option<i64>,
    slot: (chrono::NaiveTime, chrono::NaiveTime, i64),
) -> Result<i64, AppError> {
    let (starts, ends, capacity) = slot;
    let starts_text = starts.format("%H:%M").to_string();
    let ends_text = ends.format("%H:%M").to_string();
    let mut tx = begin_write(pool).await?;
    let id = match slot_id {
        None => sqlx::query_scalar!(
            r#"INSERT INTO visit_slot (visit_day_id, starts_at, ends_at, capacity)
               VALUES (?, ?, ?, ?) RETURNING id AS "id!: i64""#,
            day_id,
            starts_text,
            ends_text,
            capacity
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(slot_error)?,
        Some(id) => {
            let done = sqlx::query!(
                "UPDATE visit_slot SET starts_at = ?, ends_at = ?, capacity = ?
                 WHERE id = ? AND visit_day_id = ?",
                starts_text,
                ends_text,
                capacity,
                id,
                day_id
            )
            .execute(&mut *tx)
            .await
            .map_err(slot_error)?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
    };
    let action = if slot_id.is_some() {
        "update"
    } else {
        "create"
    };
    let after = json!({
        "visit_day_id": day_id, "starts_at": starts_text, "ends_at": ends_text,
        "capacity": capacity,
    });
    commit_with(
        tx,
        &by.actor,
        Change::of("visit_slot", id, action, Some(after)),
    )
    .await?;
    Ok(id)
}

/// Blocks a date for visit days, with a reason.
pub async fn block_date(
    pool: &SqlitePool,
    by: &Writer,
    day: NaiveDate,
    reason: &str,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::invalid("reason", Key::ProblemBlockedReason));
    }
    let mut tx = begin_write(pool).await?;
    sqlx::query!(
        "INSERT INTO visit_blocked_date (day, reason) VALUES (?, ?)
         ON CONFLICT (day) DO UPDATE SET reason = excluded.reason",
        day,
        reason
    )
    .execute(&mut *tx)
    .await
    .map_err(booking_error)?;
    let after = json!({ "reason": reason });
    let change = Change::of("visit_blocked_date", day, "block", Some(after));
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Frees a blocked date.
pub async fn unblock_date(pool: &SqlitePool, by: &Writer, day: NaiveDate) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query!("DELETE FROM visit_blocked_date WHERE day = ?", day)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let change = Change::of("visit_blocked_date", day, "unblock", None);
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Calls a visit day off: every booking on it is cancelled with a notice to the family.
pub async fn cancel_day(pool: &SqlitePool, by: &Writer, day_id: i64) -> Result<usize, AppError> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query!(
        "UPDATE visit_day SET cancelled = 1 WHERE id = ? AND cancelled = 0",
        day_id
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let filter = BookingFilter {
        day_id: Some(day_id),
        ..BookingFilter::default()
    };
    let bookings = repo::bookings(&mut tx, &filter).await?;
    let mut cancelled = 0;
    for booking in bookings.iter().filter(|b| b.status.active()) {
        end_booking(&mut tx, by, booking, Status::Cancelled, Notice::ByCentre).await?;
        cancelled += 1;
    }
    let after = json!({ "bookings_cancelled": cancelled });
    commit_with(
        tx,
        &by.actor,
        Change::of("visit_day", day_id, "cancel", Some(after)),
    )
    .await?;
    Ok(cancelled)
}
