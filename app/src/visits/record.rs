//! Writing visits. Each change runs in one `BEGIN IMMEDIATE` transaction with its audit entry:
//! the rules are checked against what is stored at that moment, and the schema's triggers
//! refuse whatever slipped past them (a full slot, a month taken, a lead not permitted).
//! Bookings here; families and who may visit whom in `family`, visit days in `days`.

mod days;
mod family;

pub use days::*;
pub use family::*;

use chrono::NaiveDate;
use serde_json::json;
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::model::{
    Booking, BookingFilter, BookingRequest, ContactInput, DayInput, NewBooking, Notice,
    PermissionInput, Rereview, Status, check_booking, family_may_change, month_of, rereview,
};
use super::repo;
use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with, record};
use crate::base::db::Refusal::{Missing, Rule, Unique};
use crate::base::db::{begin_write, on_constraint};
use crate::base::error::AppError;
use crate::base::i18n::Key;
use crate::canteen::model::{ExtraKind, NewExtra};
use crate::presence::model::instant;
use crate::residents::model::Diet;

/// Maps the schema's refusals to the rules' answers.
pub fn booking_error(error: sqlx::Error) -> AppError {
    let conflict = AppError::conflict;
    on_constraint(
        error,
        [
            (Rule("slot_full"), conflict(Key::ProblemSlotFull)),
            (
                Rule("monthly_visit_taken"),
                conflict(Key::ProblemMonthlyVisitTaken),
            ),
            (Rule("child_not_linked"), AppError::NotFound),
            (
                Rule("contact_not_permitted"),
                AppError::invalid("contact", Key::ProblemLeadNotPermitted),
            ),
            (
                Rule("slot_capacity_below_bookings"),
                conflict(Key::ProblemSlotBelowBookings),
            ),
            (
                Rule("visit_day_blocked"),
                conflict(Key::ProblemVisitDayBlocked),
            ),
            (
                Rule("visit_day_on_date"),
                conflict(Key::ProblemDateHasVisitDay),
            ),
            (Unique(None), conflict(Key::ProblemVisitDayExists)),
            (Missing, AppError::NotFound),
        ],
    )
}

/// The canteen's source name for a booking's visitors staying for the meal.
fn meal_source(booking_id: i64) -> String {
    format!("visit_booking:{booking_id}")
}

fn booking_json(booking: &NewBooking) -> serde_json::Value {
    json!({
        "slot_id": booking.slot_id, "family_id": booking.family_id,
        "contact_id": booking.contact_id, "children": booking.children,
        "adults": booking.adults, "meal_heads": booking.meal_heads,
        "status": booking.status.code(), "supervised": booking.supervised,
        "walk_in": booking.walk_in, "booked_by_staff": booking.booked_by_staff,
    })
}

/// One booking, read in `tx`.
async fn booking(tx: &mut Transaction<'_, Sqlite>, id: i64) -> Result<Booking, AppError> {
    let filter = BookingFilter {
        id: Some(id),
        ..BookingFilter::default()
    };
    repo::bookings(tx, &filter)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}

/// Ends a booking with `notice` and takes back its meal heads, with the audit entry.
async fn end_booking(
    tx: &mut Transaction<'_, Sqlite>,
    by: &Writer,
    booking: &Booking,
    status: Status,
    notice: Notice,
) -> Result<(), AppError> {
    repo::set_status(tx, booking.id, status, Some(notice)).await?;
    crate::canteen::record::remove_extras_from(tx, by, &meal_source(booking.id)).await?;
    let change = Change {
        entity: "visit_booking",
        entity_id: booking.id.to_string(),
        action: if status == Status::Refused {
            "refuse"
        } else {
            "cancel"
        },
        before: Some(json!({ "status": booking.status.code() })),
        after: Some(json!({ "status": status.code(), "notice": notice.code() })),
    };
    record(tx, &by.actor, change).await?;
    Ok(())
}

/// A booking of `family_id` that the family may see: its own, and every child in it visible
/// to it. Any other is not found, whatever it names.
async fn family_booking(
    tx: &mut Transaction<'_, Sqlite>,
    family_id: i64,
    booking_id: i64,
) -> Result<Booking, AppError> {
    let found = booking(tx, booking_id).await?;
    if found.family_id != family_id {
        return Err(AppError::NotFound);
    }
    let view = repo::family_view(tx, family_id).await?;
    if !super::model::family_sees_booking(&found.children, &view.visible) {
        return Err(AppError::NotFound);
    }
    Ok(found)
}

/// What a booking asks for, and on whose behalf.
#[derive(Clone, Debug)]
pub struct Booked<'a> {
    /// The family booking.
    pub family_id: i64,
    /// The booking.
    pub request: &'a BookingRequest,
    /// A booking of the family being moved to this one.
    pub moving: Option<i64>,
}

/// Books a visit for a family (by the family, or by staff on its behalf under the same
/// rules), moving `moving` if given; returns the new booking's id. Visitors staying for the
/// day's meal are added to the canteen's extra heads in the same transaction.
pub async fn book(
    pool: &SqlitePool,
    by: &Writer,
    booked: &Booked<'_>,
    today: NaiveDate,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    if let Some(old) = booked.moving {
        let old = family_booking(&mut tx, booked.family_id, old).await?;
        if !family_may_change(old.status, old.closes_at, now) {
            return Err(AppError::conflict(Key::ProblemBookingClosed));
        }
        end_booking(&mut tx, by, &old, Status::Cancelled, Notice::Moved).await?;
    }
    let request = booked.request;
    let (context, day) = repo::booking_context(
        &mut tx,
        booked.family_id,
        request.slot_id,
        booked.moving,
        today,
        now,
    )
    .await?;
    let decision = check_booking(request, &context)?;
    let new = NewBooking {
        slot_id: request.slot_id,
        family_id: booked.family_id,
        contact_id: request.contact_id,
        adults: request.adults,
        meal_heads: request.meal_heads,
        status: decision.status,
        supervised: decision.supervised,
        walk_in: false,
        booked_by_staff: by.staff_id,
        created_at: now,
        children: request.children.iter().copied().collect(),
        month: month_of(day.day),
    };
    let id = repo::insert_booking(&mut tx, &new)
        .await
        .map_err(booking_error)?;
    if let (Some(meal), true) = (day.meal_service_id, new.meal_heads > 0) {
        let extra = NewExtra {
            day: day.day,
            meal_service_id: meal,
            heads: new.meal_heads,
            diet: Diet::Normal,
            kind: ExtraKind::FamilyDay,
            reason: new.adults.to_string(),
            source: Some(meal_source(id)),
        };
        crate::canteen::record::add_extra(&mut tx, by, &extra, now).await?;
    }
    let change = Change {
        entity: "visit_booking",
        entity_id: id.to_string(),
        action: if booked.moving.is_some() {
            "move"
        } else {
            "create"
        },
        before: booked.moving.map(|old| json!({ "booking_id": old })),
        after: Some(booking_json(&new)),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// A family cancels its own booking before the cut-off. Another family's booking is not found.
pub async fn cancel_by_family(
    pool: &SqlitePool,
    by: &Writer,
    family_id: i64,
    booking_id: i64,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let old = family_booking(&mut tx, family_id, booking_id).await?;
    if !family_may_change(old.status, old.closes_at, now) {
        return Err(AppError::conflict(Key::ProblemBookingClosed));
    }
    end_booking(&mut tx, by, &old, Status::Cancelled, Notice::ByFamily).await?;
    tx.commit().await?;
    Ok(())
}

/// What the social team decides about a booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Approve a pending booking.
    Approve,
    /// Refuse a pending booking.
    Refuse,
    /// Cancel a booking for the family (a phone call), with a notice on its portal.
    Cancel,
    /// A flagged booking was looked at again and stands.
    Reviewed,
}

/// Applies the social team's decision to a booking.
pub async fn decide(
    pool: &SqlitePool,
    by: &Writer,
    booking_id: i64,
    decision: Decision,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let old = booking(&mut tx, booking_id).await?;
    match decision {
        Decision::Approve | Decision::Refuse if old.status != Status::Pending => {
            return Err(AppError::conflict(Key::ProblemBookingNotPending));
        }
        Decision::Cancel if !old.status.active() => {
            return Err(AppError::conflict(Key::ProblemBookingNotActive));
        }
        Decision::Reviewed if !old.review => {
            return Err(AppError::conflict(Key::ProblemBookingNotFlagged));
        }
        Decision::Approve => {
            repo::set_status(&mut tx, old.id, Status::Confirmed, None).await?;
            let change = Change {
                entity: "visit_booking",
                entity_id: old.id.to_string(),
                action: "approve",
                before: Some(json!({ "status": "pending" })),
                after: Some(json!({ "status": "confirmed" })),
            };
            record(&mut tx, &by.actor, change).await?;
        }
        Decision::Refuse => {
            end_booking(&mut tx, by, &old, Status::Refused, Notice::Refused).await?;
        }
        Decision::Cancel => {
            end_booking(&mut tx, by, &old, Status::Cancelled, Notice::ByCentre).await?;
        }
        Decision::Reviewed => {
            repo::set_review(&mut tx, old.id, false, None).await?;
            let change = Change {
                entity: "visit_booking",
                entity_id: old.id.to_string(),
                action: "reviewed",
                before: Some(json!({ "review": true, "child_away": old.child_away })),
                after: Some(json!({ "review": false, "child_away": false })),
            };
            record(&mut tx, &by.actor, change).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Sends to the social team's review queue every active booking from `today` on for a visit
/// at which `resident_id` is now away (presence's `away_during`), with an audit entry each;
/// returns how many. Run in the transaction that records or moves an absence, so that no
/// family waits at the gate for a child who is not there; the family's portal then says the
/// visit is under review.
pub async fn review_bookings_of_away(
    tx: &mut Transaction<'_, Sqlite>,
    by: &Writer,
    resident_id: i64,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let mut flagged = 0;
    for (id, (starts, ends), already) in
        repo::active_bookings_of_child(tx, resident_id, today).await?
    {
        if already {
            continue;
        }
        let away = crate::presence::repo::away_during(tx, &[resident_id], starts, ends).await?;
        let Some(reason) = away.get(&resident_id) else {
            continue;
        };
        repo::flag_child_away(tx, id).await?;
        let change = Change {
            entity: "visit_booking",
            entity_id: id.to_string(),
            action: "away_review",
            before: Some(json!({ "child_away": false })),
            after: Some(json!({
                "child_away": true, "review": true, "resident_id": resident_id,
                "reason": reason.code(),
            })),
        };
        record(tx, &by.actor, change).await?;
        flagged += 1;
    }
    Ok(flagged)
}
