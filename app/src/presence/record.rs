//! Recording presence: absences and returns, roll-call marks, closing a roll, resolving a
//! missing-resident alert. Each writes with its audit entry in one `BEGIN IMMEDIATE`
//! transaction, so two tablets marking the same roll merge: every mark lands, the later one
//! for a resident wins, and both are in the audit log.

use chrono::{Duration, NaiveDate};
use sqlx::SqlitePool;

use super::model::{AbsenceProblem, Mark, Resolution, check_close, instant, roll_time};
use super::repo;
use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with};
use crate::base::db::begin_write;
use crate::base::error::AppError;
use crate::base::i18n::Key;

/// A running absence (not ended by a return): its resident and span.
pub async fn running(
    conn: &mut sqlx::SqliteConnection,
    absence_id: i64,
) -> Result<(i64, super::model::Away), AppError> {
    let (resident_id, away) = repo::absence(conn, absence_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if away.returned_at.is_some() {
        return Err(AbsenceProblem::Ended.into());
    }
    Ok((resident_id, away))
}

/// Records that a resident came back at `at` (not in the future, not before they left). A
/// home stay's return is recorded on the home stays page instead, with who brought them back.
pub async fn record_return(
    pool: &SqlitePool,
    by: &Writer,
    absence_id: i64,
    at: i64,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let (resident_id, away) = running(&mut tx, absence_id).await?;
    if repo::home_stay_of(&mut tx, absence_id).await?.is_some() {
        return Err(AppError::conflict(Key::ProblemReturnAtHomeStays));
    }
    if at < away.starts_at || at > now {
        return Err(AbsenceProblem::Return.into());
    }
    repo::set_returned(&mut tx, absence_id, at).await?;
    let change = Change {
        entity: "absence",
        entity_id: absence_id.to_string(),
        action: "return",
        before: Some(serde_json::json!({ "returned_at": null })),
        after: Some(serde_json::json!({ "resident_id": resident_id, "returned_at": at })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(resident_id)
}

/// Rolls may be taken for tonight, and for last night until the morning's corrections end.
fn check_night(night: NaiveDate, today: NaiveDate) -> Result<(), AppError> {
    if night > today || night < today - Duration::days(1) {
        return Err(AppError::Conflict {
            message: Key::ProblemRollNight,
        });
    }
    Ok(())
}

/// A building's roll for a recent night, in `tx`: its open roll call (opened now if needed)
/// and its rows. Refused when the night is too old or the roll is closed.
async fn open_roll(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    building_id: i64,
    night: NaiveDate,
    now: i64,
    today: NaiveDate,
) -> Result<(i64, Vec<super::model::RollRow>), AppError> {
    check_night(night, today)?;
    let rows = repo::roll_rows(tx, building_id, night, instant(night, roll_time()), now).await?;
    let (roll_id, closed) = repo::open_roll_call(tx, building_id, night, now).await?;
    if closed {
        return Err(AppError::Conflict {
            message: Key::ProblemRollClosed,
        });
    }
    Ok((roll_id, rows))
}

/// Marks one resident of a building's roll for `night`. The later mark wins.
#[expect(
    clippy::too_many_arguments,
    reason = "a mark is a building, a night, a resident and a mark, by someone, now, checked against today"
)]
pub async fn mark(
    pool: &SqlitePool,
    by: &Writer,
    building_id: i64,
    night: NaiveDate,
    resident_id: i64,
    mark: Mark,
    now: i64,
    today: NaiveDate,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let (roll_id, rows) = open_roll(&mut tx, building_id, night, now, today).await?;
    let row = rows
        .iter()
        .find(|row| row.resident_id == resident_id)
        .ok_or(AppError::NotFound)?;
    if row.away.is_some() {
        return Err(AppError::Conflict {
            message: Key::ProblemRollAway,
        });
    }
    let before = repo::mark_of(&mut tx, roll_id, resident_id).await?;
    repo::set_mark(&mut tx, roll_id, resident_id, mark, by.staff_member()?, now).await?;
    let change = Change {
        entity: "roll_mark",
        entity_id: format!("{roll_id}:{resident_id}"),
        action: "mark",
        before: before.map(|m| serde_json::json!({ "status": m.code() })),
        after: Some(serde_json::json!({ "status": mark.code(), "night": night })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Marks every resident of the roll who has no mark yet as present: the one tap before the
/// exceptions. Marks already made (by this or another tablet) stay, and a resident overdue
/// back is left to be marked on their own. Returns how many.
pub async fn mark_all_present(
    pool: &SqlitePool,
    by: &Writer,
    building_id: i64,
    night: NaiveDate,
    now: i64,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let mut tx = begin_write(pool).await?;
    let (roll_id, rows) = open_roll(&mut tx, building_id, night, now, today).await?;
    let unmarked: Vec<i64> = rows
        .iter()
        .filter(|row| row.routine())
        .map(|row| row.resident_id)
        .collect();
    for resident_id in &unmarked {
        repo::set_mark(
            &mut tx,
            roll_id,
            *resident_id,
            Mark::Present,
            by.staff_member()?,
            now,
        )
        .await?;
    }
    let change = Change {
        entity: "roll_call",
        entity_id: roll_id.to_string(),
        action: "all_present",
        before: None,
        after: Some(serde_json::json!({ "night": night, "present": unmarked })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(unmarked.len())
}

/// Closes a building's roll for `night`; refused while a resident is unmarked.
pub async fn close(
    pool: &SqlitePool,
    by: &Writer,
    building_id: i64,
    night: NaiveDate,
    now: i64,
    today: NaiveDate,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let (roll_id, rows) = open_roll(&mut tx, building_id, night, now, today).await?;
    check_close(&rows)?;
    repo::close_roll_call(&mut tx, roll_id, by.staff_member()?, now).await?;
    let tally = super::model::tally(&rows);
    let change = Change {
        entity: "roll_call",
        entity_id: roll_id.to_string(),
        action: "close",
        before: None,
        after: Some(serde_json::json!({
            "night": night,
            "present": tally.present,
            "away": tally.away,
            "missing": tally.missing,
        })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Ends the missing alert of a resident: found at the centre, or came back.
pub async fn resolve(
    pool: &SqlitePool,
    by: &Writer,
    resident_id: i64,
    resolution: Resolution,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let resolved =
        repo::resolve_alerts(&mut tx, resident_id, resolution, by.staff_member()?, now).await?;
    if resolved == 0 {
        return Err(AppError::NotFound);
    }
    let change = Change {
        entity: "resident",
        entity_id: resident_id.to_string(),
        action: "alert_resolved",
        before: None,
        after: Some(serde_json::json!({ "resolution": resolution.code(), "alerts": resolved })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Sets how long after a planned end a child not back is overdue, in minutes, audited.
pub async fn set_overdue_grace(
    pool: &SqlitePool,
    by: &Writer,
    minutes: i64,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let before = repo::set_overdue_grace(&mut tx, minutes).await?;
    let change = Change {
        entity: "presence_setting",
        entity_id: "1".into(),
        action: "update",
        before: Some(serde_json::json!({ "overdue_grace_minutes": before })),
        after: Some(serde_json::json!({ "overdue_grace_minutes": minutes })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}
