//! Writing visits. Each change runs in one `BEGIN IMMEDIATE` transaction with its audit entry:
//! the rules are checked against what is stored at that moment, and the schema's triggers
//! refuse whatever slipped past them (a full slot, a month taken, a lead not permitted).

use chrono::NaiveDate;
use serde_json::json;
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::model::{
    Booking, BookingFilter, BookingRequest, ContactInput, DayInput, NewBooking, Notice,
    PermissionInput, Rereview, Status, check_booking, family_may_change, month_of, rereview,
};
use super::repo;
use crate::base::access::{Actor, Writer};
use crate::base::audit::{Change, record};
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
    crate::canteen::record::remove_extras_from(tx, &by.actor, &meal_source(booking.id)).await?;
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
        crate::canteen::record::add_extra(&mut tx, &by.actor, &extra, now).await?;
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
    record(&mut tx, &by.actor, change).await?;
    tx.commit().await?;
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
    actor: &Actor,
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
        record(tx, actor, change).await?;
        flagged += 1;
    }
    Ok(flagged)
}

fn contact_json(input: &ContactInput) -> serde_json::Value {
    json!({
        "name_km": input.name_km, "name_latin": input.name_latin,
        "relationship": input.relationship.code(), "phone": input.phone,
        "id_document": input.id_document,
    })
}

/// Adds a contact to a family (`contact_id` None) or changes one of its contacts; returns the
/// contact's id.
pub async fn save_contact(
    pool: &SqlitePool,
    by: &Writer,
    family_id: i64,
    contact_id: Option<i64>,
    input: &ContactInput,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let (id, before) = match contact_id {
        None => {
            let id = repo::insert_contact(&mut tx, family_id, input)
                .await
                .map_err(booking_error)?;
            (id, None)
        }
        Some(id) => {
            let old = repo::contact(&mut tx, id)
                .await?
                .filter(|c| c.family_id == family_id)
                .ok_or(AppError::NotFound)?;
            repo::update_contact(&mut tx, id, input).await?;
            let before = json!({
                "name_km": old.name_km, "name_latin": old.name_latin,
                "relationship": old.relationship.code(), "phone": old.phone,
                "id_document": old.id_document,
            });
            (id, Some(before))
        }
    };
    let mut after = contact_json(input);
    after["family_id"] = json!(family_id);
    let change = Change {
        entity: "family_contact",
        entity_id: id.to_string(),
        action: if before.is_some() { "update" } else { "create" },
        before,
        after: Some(after),
    };
    record(&mut tx, &by.actor, change).await?;
    tx.commit().await?;
    Ok(id)
}

/// Links a current resident to a family, or changes the link's terms.
pub async fn link_child(
    pool: &SqlitePool,
    by: &Writer,
    family_id: i64,
    resident_id: i64,
    visits_per_month: i64,
    needs_approval: bool,
) -> Result<(), AppError> {
    if !(1..=8).contains(&visits_per_month) {
        return Err(AppError::invalid(
            "visits_per_month",
            Key::ProblemVisitsPerMonth,
        ));
    }
    let mut tx = begin_write(pool).await?;
    let current = sqlx::query_scalar!(
        r#"SELECT left_on IS NULL AS "current!: bool" FROM resident WHERE id = ?"#,
        resident_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if !current {
        return Err(AppError::conflict(Key::ProblemResidentLeft));
    }
    repo::upsert_link(
        &mut tx,
        family_id,
        resident_id,
        visits_per_month,
        needs_approval,
    )
    .await
    .map_err(booking_error)?;
    let change = Change {
        entity: "family_child",
        entity_id: format!("{family_id}:{resident_id}"),
        action: "link",
        before: None,
        after: Some(json!({
            "family_id": family_id, "resident_id": resident_id,
            "visits_per_month": visits_per_month, "needs_approval": needs_approval,
        })),
    };
    record(&mut tx, &by.actor, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets whether all of a family's bookings wait for approval.
pub async fn set_family_approval(
    pool: &SqlitePool,
    by: &Writer,
    family_id: i64,
    needs_approval: bool,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query!(
        "UPDATE family SET needs_approval = ? WHERE id = ?",
        needs_approval,
        family_id
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let change = Change {
        entity: "family",
        entity_id: family_id.to_string(),
        action: "approval",
        before: None,
        after: Some(json!({ "needs_approval": needs_approval })),
    };
    record(&mut tx, &by.actor, change).await?;
    tx.commit().await?;
    Ok(())
}

/// What a permission change did to bookings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rereviewed {
    /// Bookings flagged for review (and marked supervised).
    pub flagged: usize,
    /// Bookings cancelled, with a notice to the family.
    pub cancelled: usize,
}

/// Records the social team's decision about a contact and a child of their family. When it
/// bars or restricts the contact, their future bookings for the child are flagged for review,
/// and cancelled (with a notice on the family's portal) when barred.
pub async fn set_permission(
    pool: &SqlitePool,
    by: &Writer,
    contact_id: i64,
    resident_id: i64,
    input: &PermissionInput,
    today: NaiveDate,
    now: i64,
) -> Result<Rereviewed, AppError> {
    let staff_id = by.staff_member()?;
    let mut tx = begin_write(pool).await?;
    let contact = repo::contact(&mut tx, contact_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let linked = repo::linked_children(&mut tx, contact.family_id).await?;
    if !linked.iter().any(|(id, _, _)| *id == resident_id) {
        return Err(AppError::NotFound);
    }
    let before = repo::permissions(&mut tx, contact.family_id)
        .await?
        .get(&(contact_id, resident_id))
        .copied();
    let seen_before = repo::family_view(&mut tx, contact.family_id).await?.visible;
    let id =
        repo::insert_permission(&mut tx, contact_id, resident_id, input, staff_id, now).await?;
    let change = Change {
        entity: "visit_permission",
        entity_id: id.to_string(),
        action: "decide",
        before: before.map(|level| json!({ "level": level.code() })),
        after: Some(json!({
            "contact_id": contact_id, "resident_id": resident_id, "level": input.level.code(),
            "reason": input.reason, "decided_on": input.decided_on,
        })),
    };
    record(&mut tx, &by.actor, change).await?;
    let mut done = Rereviewed::default();
    let action = rereview(input.level);
    if action != Rereview::None {
        for booking_id in repo::future_bookings_with(
            &mut tx,
            contact.family_id,
            resident_id,
            Some(contact_id),
            today,
        )
        .await?
        {
            let old = booking(&mut tx, booking_id).await?;
            match action {
                Rereview::Cancel => {
                    repo::set_review(&mut tx, old.id, true, None).await?;
                    end_booking(&mut tx, by, &old, Status::Cancelled, Notice::Permission).await?;
                    done.cancelled += 1;
                }
                Rereview::Supervise | Rereview::None => {
                    repo::set_review(&mut tx, old.id, true, Some(true)).await?;
                    let change = Change {
                        entity: "visit_booking",
                        entity_id: old.id.to_string(),
                        action: "flag",
                        before: Some(json!({ "review": old.review, "supervised": old.supervised })),
                        after: Some(
                            json!({ "review": true, "supervised": true, "permission_id": id }),
                        ),
                    };
                    record(&mut tx, &by.actor, change).await?;
                    done.flagged += 1;
                }
            }
        }
    }
    // A child the family's account no longer sees: the bookings it could see of them, whoever
    // leads them, go back to the social team.
    let seen_after = repo::family_view(&mut tx, contact.family_id).await?.visible;
    for child in seen_before.iter().filter(|c| !seen_after.contains(c)) {
        for booking_id in
            repo::future_bookings_with(&mut tx, contact.family_id, *child, None, today).await?
        {
            let old = booking(&mut tx, booking_id).await?;
            if old.review || !old.status.active() {
                continue;
            }
            repo::set_review(&mut tx, old.id, true, None).await?;
            let change = Change {
                entity: "visit_booking",
                entity_id: old.id.to_string(),
                action: "flag",
                before: Some(json!({ "review": false })),
                after: Some(
                    json!({ "review": true, "hidden_from_family": child, "permission_id": id }),
                ),
            };
            record(&mut tx, &by.actor, change).await?;
            done.flagged += 1;
        }
    }
    tx.commit().await?;
    Ok(done)
}

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
    let change = Change {
        entity: "visit_day",
        entity_id: id.to_string(),
        action,
        before: None,
        after: Some(json!({
            "day": input.day, "opens_on": input.opens_on, "closes_at": closes_at,
            "max_adults": input.max_adults, "meal_service_id": input.meal_service_id,
            "note": input.note,
        })),
    };
    record(&mut tx, &by.actor, change).await?;
    tx.commit().await?;
    Ok(id)
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
        .map_err(|error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                AppError::conflict(Key::ProblemSlotExists)
            }
            _ => booking_error(error),
        })?,
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
            .map_err(|error| match &error {
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    AppError::conflict(Key::ProblemSlotExists)
                }
                _ => booking_error(error),
            })?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
    };
    let change = Change {
        entity: "visit_slot",
        entity_id: id.to_string(),
        action: if slot_id.is_some() {
            "update"
        } else {
            "create"
        },
        before: None,
        after: Some(json!({
            "visit_day_id": day_id, "starts_at": starts_text, "ends_at": ends_text,
            "capacity": capacity,
        })),
    };
    record(&mut tx, &by.actor, change).await?;
    tx.commit().await?;
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
    let change = Change {
        entity: "visit_blocked_date",
        entity_id: day.to_string(),
        action: "block",
        before: None,
        after: Some(json!({ "reason": reason })),
    };
    record(&mut tx, &by.actor, change).await?;
    tx.commit().await?;
    Ok(())
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
    let change = Change {
        entity: "visit_blocked_date",
        entity_id: day.to_string(),
        action: "unblock",
        before: None,
        after: None,
    };
    record(&mut tx, &by.actor, change).await?;
    tx.commit().await?;
    Ok(())
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
    let change = Change {
        entity: "visit_day",
        entity_id: day_id.to_string(),
        action: "cancel",
        before: None,
        after: Some(json!({ "bookings_cancelled": cancelled })),
    };
    record(&mut tx, &by.actor, change).await?;
    tx.commit().await?;
    Ok(cancelled)
}
