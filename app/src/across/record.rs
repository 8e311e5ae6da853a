//! The writes that reach several domains, each in one transaction with its audit entries:
//! leaving the centre (the resident, their bed, their homework places), and an absence that
//! sends the visits it covers to the social team's review. They are here, above the domains,
//! so that no domain reaches into another's tables.

use chrono::NaiveDate;
use sqlx::SqlitePool;

use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with};
use crate::base::db::begin_write;
use crate::base::error::AppError;
use crate::base::i18n::Key;
use crate::homework::record::end_enrolments_of;
use crate::presence::model::{NewAbsence, Resolution};

use crate::visits::record::review_bookings_of_away;
use crate::{housing, presence, residents};

/// Records that a resident left on `left_on` (as typed: checked against their admission and
/// `today`): their bed is released from that night.
pub async fn leave(
    pool: &SqlitePool,
    by: &Writer,
    id: i64,
    (left_on, reason): (&str, &str),
    today: NaiveDate,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let before = residents::repo::resident(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if before.left.is_some() {
        return Err(AppError::Conflict {
            message: Key::ProblemResidentLeft,
        });
    }
    let (left_on, reason) =
        residents::model::check_leaving(left_on, reason, before.fields.admitted_on, today)?;
    let reason = reason.as_str();
    if let Some((allocation, bed_id, from_on)) =
        housing::repo::current_of_resident(&mut tx, id).await?
    {
        // They leave after breakfast on their last day.
        let ends = housing::model::Changeover {
            on: left_on,
            at: housing::model::usual_departure(),
        };
        housing::record::end_current(&mut tx, by, allocation, id, bed_id, from_on, ends).await?;
    }
    residents::repo::set_left(&mut tx, id, left_on, reason).await?;
    // Their homework places free up from the day they leave.
    end_enrolments_of(&mut tx, by, id, left_on).await?;
    let change = Change {
        entity: "resident",
        entity_id: id.to_string(),
        action: "leave",
        before: None,
        after: Some(serde_json::json!({ "left_on": left_on, "reason": reason })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Records an absence of a current resident. If it covers now, any missing alert for them
/// is resolved by it; visits booked for a time it covers go to the social team's review
/// queue. Returns its id.
pub async fn record_absence(
    pool: &SqlitePool,
    by: &Writer,
    resident_id: i64,
    absence: &NewAbsence,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let left_on = sqlx::query_scalar!(
        r#"SELECT left_on AS "left_on: NaiveDate" FROM resident WHERE id = ?"#,
        resident_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if left_on.is_some() {
        return Err(AppError::Conflict {
            message: Key::ProblemResidentLeft,
        });
    }
    let id = presence::repo::insert_absence(
        &mut tx,
        resident_id,
        absence.reason,
        &absence.note,
        absence.away,
    )
    .await?;
    let today = presence::model::local(now).date();
    let flagged = review_bookings_of_away(&mut tx, by, resident_id, today).await?;
    let resolved = if absence.away.covers(now) {
        presence::repo::resolve_alerts(
            &mut tx,
            presence::model::Sleeper::Resident(resident_id),
            Resolution::Absence,
            (by.staff_member()?, now),
        )
        .await?
    } else {
        0
    };
    let change = Change {
        entity: "absence",
        entity_id: id.to_string(),
        action: "create",
        before: None,
        after: Some(serde_json::json!({
            "resident_id": resident_id,
            "reason": absence.reason.code(),
            "note": absence.note,
            "starts_at": absence.away.starts_at,
            "ends_at": absence.away.ends_at,
            "alerts_resolved": resolved,
            "visits_to_review": flagged,
        })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Extends a running absence to a later planned end, for a reason, audited: a child overdue
/// is no longer overdue, and visits booked for the longer time go to the social team's
/// review queue. Returns the resident.
pub async fn extend_absence(
    pool: &SqlitePool,
    by: &Writer,
    absence_id: i64,
    until: (&str, &str),
    reason: &str,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let (resident_id, away) = presence::record::running(&mut tx, absence_id).await?;
    let (ends_at, reason) = presence::model::check_extension(&away, until, reason)?;
    presence::repo::set_planned_end(&mut tx, absence_id, ends_at).await?;
    let today = presence::model::local(now).date();
    let flagged = review_bookings_of_away(&mut tx, by, resident_id, today).await?;
    let change = Change {
        entity: "absence",
        entity_id: absence_id.to_string(),
        action: "extend",
        before: Some(serde_json::json!({ "ends_at": away.ends_at })),
        after: Some(serde_json::json!({
            "resident_id": resident_id,
            "ends_at": ends_at,
            "reason": reason,
            "visits_to_review": flagged,
        })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(resident_id)
}
