//! The gate's and home stays' writes, each with its audit entry in one transaction.

use chrono::NaiveDate;
use serde_json::json;
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with, record_alone};
use crate::base::db::begin_write;
use crate::base::error::AppError;
use crate::base::i18n::Key;
use crate::presence::model::{AbsenceReason, Away};
use crate::visits::model::{BookingFilter, Level, NewBooking, Status};
use crate::visits::record::booking_error;
use crate::visits::repo;

/// Audits a person stopped at the gate: in its own transaction, so the record stays
/// whatever happens to the request.
pub async fn stop(
    pool: &SqlitePool,
    by: &Writer,
    contact_id: i64,
    children: &[i64],
    context: &str,
) -> Result<(), AppError> {
    let after = json!({ "contact_id": contact_id, "children": children, "at": context });
    let change = Change::of("gate", contact_id, "stop", Some(after));
    Ok(record_alone(pool, &by.actor, change).await?)
}

/// Turns away `contact_id`, not permitted for `children`: the request's transaction `tx` is
/// given up, the stop audited ([`stop`]) and the request refused with what the gate shows.
async fn turn_away(
    pool: &SqlitePool,
    by: &Writer,
    tx: Transaction<'_, Sqlite>,
    contact_id: i64,
    children: &[i64],
    context: &str,
) -> AppError {
    drop(tx);
    match stop(pool, by, contact_id, children, context).await {
        Ok(()) => AppError::conflict(Key::ProblemGateStop),
        Err(error) => error,
    }
}

/// Marks booking `id` checked in at `now`.
async fn mark_in(conn: &mut sqlx::SqliteConnection, id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE visit_booking SET checked_in_at = ? WHERE id = ?",
        now,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The contact's level for each child (none: not decided), read fresh.
async fn levels(
    conn: &mut sqlx::SqliteConnection,
    contact_id: i64,
    family_id: i64,
    children: &[i64],
) -> Result<Vec<Option<Level>>, AppError> {
    let permissions = repo::permissions(conn, family_id).await?;
    Ok(children
        .iter()
        .map(|child| permissions.get(&(contact_id, *child)).copied())
        .collect())
}

/// Checks visitors in for a confirmed visit today. Anyone not permitted for every child of
/// the visit is stopped: the attempt is audited and nobody is checked in.
pub async fn check_in(
    pool: &SqlitePool,
    by: &Writer,
    booking_id: i64,
    visitors: &[i64],
    today: NaiveDate,
    now: i64,
) -> Result<(), AppError> {
    if visitors.is_empty() {
        return Err(AppError::invalid("visitor", Key::ProblemChooseVisitor));
    }
    let mut tx = begin_write(pool).await?;
    let filter = BookingFilter {
        id: Some(booking_id),
        ..BookingFilter::default()
    };
    let booking = repo::bookings(&mut tx, &filter)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    if booking.day != today {
        return Err(AppError::conflict(Key::ProblemGateNotToday));
    }
    match booking.status {
        Status::Confirmed => {}
        Status::Pending => return Err(AppError::conflict(Key::ProblemGatePending)),
        Status::Cancelled | Status::Refused => {
            return Err(AppError::conflict(Key::ProblemBookingNotActive));
        }
    }
    if booking.checked_in_at.is_some() {
        return Err(AppError::conflict(Key::ProblemGateAlreadyIn));
    }
    refuse_away(&mut tx, &booking.children, now).await?;
    for visitor in visitors {
        let contact = repo::contact(&mut tx, *visitor)
            .await?
            .filter(|c| c.family_id == booking.family_id)
            .ok_or(AppError::NotFound)?;
        let levels = levels(&mut tx, contact.id, booking.family_id, &booking.children).await?;
        if !levels.iter().all(|l| l.is_some_and(Level::may_visit)) {
            let children = &booking.children;
            return Err(turn_away(pool, by, tx, contact.id, children, "check_in").await);
        }
    }
    for visitor in visitors {
        sqlx::query!(
            "INSERT INTO visit_visitor (booking_id, contact_id) VALUES (?, ?)
             ON CONFLICT DO NOTHING",
            booking_id,
            visitor
        )
        .execute(&mut *tx)
        .await?;
    }
    mark_in(&mut tx, booking_id, now).await?;
    let after = json!({ "visitors": visitors, "at": now });
    let change = Change::of("visit_booking", booking_id, "check_in", Some(after));
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Checks a visit's visitors out.
pub async fn check_out(
    pool: &SqlitePool,
    by: &Writer,
    booking_id: i64,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query!(
        "UPDATE visit_booking SET checked_out_at = ?
         WHERE id = ? AND checked_in_at IS NOT NULL AND checked_out_at IS NULL",
        now,
        booking_id
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::conflict(Key::ProblemGateNotIn));
    }
    let after = json!({ "at": now });
    let change = Change::of("visit_booking", booking_id, "check_out", Some(after));
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// A walk-in: someone at the gate without a booking, for children they may visit, in one
/// of today's slots with a place left. Booked and checked in at once; the month's limit
/// still applies. Someone not permitted is stopped and the attempt audited.
pub async fn walk_in(
    pool: &SqlitePool,
    by: &Writer,
    contact_id: i64,
    slot_id: i64,
    children: &[i64],
    adults: i64,
    (today, now): (NaiveDate, i64),
) -> Result<i64, AppError> {
    if children.is_empty() {
        return Err(AppError::invalid("children", Key::ProblemChooseChild));
    }
    let mut tx = begin_write(pool).await?;
    let contact = repo::contact(&mut tx, contact_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let levels = levels(&mut tx, contact.id, contact.family_id, children).await?;
    if !levels.iter().all(|l| l.is_some_and(Level::may_visit)) {
        return Err(turn_away(pool, by, tx, contact.id, children, "walk_in").await);
    }
    let day = repo::day_of_slot(&mut tx, slot_id)
        .await?
        .filter(|d| d.day == today && !d.cancelled)
        .ok_or(AppError::NotFound)?;
    if !(1..=day.max_adults).contains(&adults) {
        return Err(AppError::invalid("adults", Key::ProblemAdults));
    }
    refuse_away(&mut tx, children, now).await?;
    let new = NewBooking {
        slot_id,
        family_id: contact.family_id,
        contact_id,
        adults,
        meal_heads: 0,
        status: Status::Confirmed,
        supervised: levels.contains(&Some(Level::Supervised)),
        walk_in: true,
        booked_by_staff: by.staff_id,
        created_at: now,
        children: children.to_vec(),
        month: crate::visits::model::month_of(day.day),
    };
    let id = repo::insert_booking(&mut tx, &new)
        .await
        .map_err(booking_error)?;
    mark_in(&mut tx, id, now).await?;
    sqlx::query!(
        "INSERT INTO visit_visitor (booking_id, contact_id) VALUES (?, ?)",
        id,
        contact_id
    )
    .execute(&mut *tx)
    .await?;
    let after = json!({
        "slot_id": slot_id, "family_id": contact.family_id, "contact_id": contact_id,
        "children": children, "adults": adults, "supervised": new.supervised,
    });
    let change = Change::of("visit_booking", id, "walk_in", Some(after));
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Refuses a visit now to children of whom one is away now (presence's `away_during`).
async fn refuse_away(
    conn: &mut sqlx::SqliteConnection,
    children: &[i64],
    now: i64,
) -> Result<(), AppError> {
    if crate::presence::repo::away_during(conn, children, now, now + 1)
        .await?
        .is_empty()
    {
        Ok(())
    } else {
        Err(AppError::conflict(Key::ProblemChildAway))
    }
}

/// A home stay the social team approves.
pub struct NewStay {
    /// The child.
    pub resident_id: i64,
    /// Who collects them (allowed to visit, unsupervised).
    pub contact_id: i64,
    /// From (day) and when they leave.
    pub from: (NaiveDate, i64),
    /// Until (day) and when they are due back.
    pub until: (NaiveDate, i64),
    pub note: String,
}

/// Approves a home stay: its absence in presence and the stay, in one transaction.
pub async fn approve_stay(
    pool: &SqlitePool,
    by: &Writer,
    stay: &NewStay,
    now: i64,
) -> Result<i64, AppError> {
    let staff_id = by.staff_id.ok_or(AppError::Forbidden)?;
    let mut tx = begin_write(pool).await?;
    let contact = repo::contact(&mut tx, stay.contact_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let level = repo::permissions(&mut tx, contact.family_id)
        .await?
        .get(&(contact.id, stay.resident_id))
        .copied();
    if level != Some(Level::Allowed) {
        return Err(AppError::conflict(Key::ProblemHomeStayContact));
    }
    let left = sqlx::query_scalar!(
        r#"SELECT left_on IS NOT NULL AS "left!: bool" FROM resident WHERE id = ?"#,
        stay.resident_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if left {
        return Err(AppError::conflict(Key::ProblemResidentLeft));
    }
    let away = Away {
        starts_at: stay.from.1,
        ends_at: Some(stay.until.1),
        returned_at: None,
    };
    let note = format!("{} ({})", contact.name_latin, contact.relationship.code());
    let absence_id = crate::presence::repo::insert_absence(
        &mut tx,
        stay.resident_id,
        AbsenceReason::HomeStay,
        &note,
        away,
    )
    .await?;
    let id = sqlx::query_scalar!(
        r#"INSERT INTO home_stay (resident_id, contact_id, from_on, until_on, absence_id,
                                  approved_by, approved_at, note)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        stay.resident_id,
        stay.contact_id,
        stay.from.0,
        stay.until.0,
        absence_id,
        staff_id,
        now,
        stay.note
    )
    .fetch_one(&mut *tx)
    .await?;
    let today = crate::presence::model::local(now).date();
    crate::visits::record::review_bookings_of_away(&mut tx, by, stay.resident_id, today).await?;
    let after = json!({
        "resident_id": stay.resident_id, "contact_id": stay.contact_id,
        "from": stay.from.0, "until": stay.until.0, "absence_id": absence_id,
        "starts_at": stay.from.1, "ends_at": stay.until.1, "note": stay.note,
    });
    let change = Change::of("home_stay", id, "approve", Some(after));
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// A home stay as its writes find it.
struct StayRow {
    resident_id: i64,
    /// The family of its contact.
    family_id: i64,
    absence_id: i64,
    cancelled: bool,
    left_at: Option<i64>,
    returned_at: Option<i64>,
}

impl StayRow {
    /// Approved, and the child has not left yet.
    fn waiting(&self) -> bool {
        !self.cancelled && self.left_at.is_none()
    }

    /// The child has left and is not back yet.
    fn away(&self) -> bool {
        !self.cancelled && self.left_at.is_some() && self.returned_at.is_none()
    }
}

/// Stay `id`, read fresh, when it stands as `ready` asks; else refused (cancelled, or the
/// child already gone or back).
async fn stay_row(
    tx: &mut Transaction<'_, Sqlite>,
    id: i64,
    ready: fn(&StayRow) -> bool,
) -> Result<StayRow, AppError> {
    let row = sqlx::query!(
        r#"SELECT h.resident_id, c.family_id, h.absence_id, h.cancelled AS "cancelled: bool",
                  h.left_at, h.returned_at
           FROM home_stay h JOIN family_contact c ON c.id = h.contact_id WHERE h.id = ?"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let stay = StayRow {
        resident_id: row.resident_id,
        family_id: row.family_id,
        absence_id: row.absence_id,
        cancelled: row.cancelled,
        left_at: row.left_at,
        returned_at: row.returned_at,
    };
    if ready(&stay) {
        Ok(stay)
    } else {
        Err(AppError::conflict(Key::ProblemHomeStayState))
    }
}

/// Whether `contact_id`, a contact of `family_id` (else not found), is allowed to visit
/// `resident_id` unsupervised: who may take a child home and bring her back.
async fn allowed(
    conn: &mut sqlx::SqliteConnection,
    contact_id: i64,
    family_id: i64,
    resident_id: i64,
) -> Result<bool, AppError> {
    repo::contact(conn, contact_id)
        .await?
        .filter(|c| c.family_id == family_id)
        .ok_or(AppError::NotFound)?;
    let level = repo::permissions(conn, family_id)
        .await?
        .get(&(contact_id, resident_id))
        .copied();
    Ok(level == Some(Level::Allowed))
}

/// A home stay's child passing the gate: leaving with the contact who collects her, or back.
#[derive(Clone, Copy)]
enum Passage {
    Out,
    Back,
}

impl Passage {
    /// How the stay must stand for it.
    fn ready(self) -> fn(&StayRow) -> bool {
        match self {
            Passage::Out => StayRow::waiting,
            Passage::Back => StayRow::away,
        }
    }

    /// Where a contact turned away here was stopped, as the audit entry says.
    fn context(self) -> &'static str {
        match self {
            Passage::Out => "home_stay",
            Passage::Back => "home_stay_return",
        }
    }
}

/// Stay `stay_id` in a write of its own, when it stands ready for `passage` (else refused) and
/// `contact_id` is [`allowed`] to take its child or bring her back; else they are turned away
/// as at a visit.
async fn stay_at_gate(
    pool: &SqlitePool,
    by: &Writer,
    stay_id: i64,
    contact_id: i64,
    passage: Passage,
) -> Result<(Transaction<'static, Sqlite>, StayRow), AppError> {
    let mut tx = begin_write(pool).await?;
    let stay = stay_row(&mut tx, stay_id, passage.ready()).await?;
    if !allowed(&mut tx, contact_id, stay.family_id, stay.resident_id).await? {
        let (children, context) = ([stay.resident_id], passage.context());
        return Err(turn_away(pool, by, tx, contact_id, &children, context).await);
    }
    Ok((tx, stay))
}

/// Records the handover: the staff member handing the child over, and the contact who
/// collected them, who must be allowed to visit the child (else stopped and audited), within
/// the approved span ([`check_handover`]). The absence starts now if the child leaves
/// earlier on its first day than planned.
///
/// [`check_handover`]: crate::visits::model::check_handover
pub async fn hand_over(
    pool: &SqlitePool,
    by: &Writer,
    stay_id: i64,
    collected_by: i64,
    now: i64,
) -> Result<(), AppError> {
    let staff_id = by.staff_id.ok_or(AppError::Forbidden)?;
    let (mut tx, stay) = stay_at_gate(pool, by, stay_id, collected_by, Passage::Out).await?;
    let absence_id = stay.absence_id;
    let (_, away) = crate::presence::repo::absence(&mut tx, absence_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from_on = sqlx::query_scalar!(
        r#"SELECT from_on AS "from_on: NaiveDate" FROM home_stay WHERE id = ?"#,
        stay_id
    )
    .fetch_one(&mut *tx)
    .await?;
    crate::visits::model::check_handover(from_on, away.ends_at.unwrap_or(i64::MAX), now)?;
    if now < away.starts_at {
        sqlx::query!(
            "UPDATE absence SET starts_at = ? WHERE id = ?",
            now,
            absence_id
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "UPDATE home_stay SET handed_over_by = ?, collected_by = ?, left_at = ? WHERE id = ?",
        staff_id,
        collected_by,
        now,
        stay_id
    )
    .execute(&mut *tx)
    .await?;
    let after = json!({
        "collected_by": collected_by, "handed_over_by": staff_id, "at": now,
        "absence_starts_at": now.min(away.starts_at),
    });
    let change = Change::of("home_stay", stay_id, "hand_over", Some(after));
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Records the child's return, brought back by `brought_back_by`, who must be a contact of
/// her family allowed to visit her (else stopped and audited, as at the gate): the stay and
/// its absence end now.
pub async fn returned(
    pool: &SqlitePool,
    by: &Writer,
    stay_id: i64,
    brought_back_by: i64,
    now: i64,
) -> Result<i64, AppError> {
    let (mut tx, stay) = stay_at_gate(pool, by, stay_id, brought_back_by, Passage::Back).await?;
    let (resident_id, absence_id) = (stay.resident_id, stay.absence_id);
    crate::presence::repo::set_returned(&mut tx, absence_id, now).await?;
    sqlx::query!(
        "UPDATE home_stay SET returned_at = ?, brought_back_by = ? WHERE id = ?",
        now,
        brought_back_by,
        stay_id
    )
    .execute(&mut *tx)
    .await?;
    let after = json!({
        "resident_id": resident_id, "returned_at": now, "brought_back_by": brought_back_by,
    });
    let change = Change::of("home_stay", stay_id, "return", Some(after));
    commit_with(tx, &by.actor, change).await?;
    Ok(resident_id)
}

/// Changes the days (and times) of a home stay before the child has left: the stay and
/// its absence both, audited with the span before and after.
pub async fn change_stay_span(
    pool: &SqlitePool,
    by: &Writer,
    stay_id: i64,
    span: &crate::visits::model::StaySpan,
    today: NaiveDate,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let StayRow {
        resident_id,
        absence_id,
        ..
    } = stay_row(&mut tx, stay_id, StayRow::waiting).await?;
    let before = sqlx::query!(
        r#"SELECT h.from_on AS "from_on: NaiveDate", h.until_on AS "until_on: NaiveDate",
                  a.starts_at, a.ends_at
           FROM home_stay h JOIN absence a ON a.id = h.absence_id WHERE h.id = ?"#,
        stay_id
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE home_stay SET from_on = ?, until_on = ? WHERE id = ?",
        span.from.0,
        span.until.0,
        stay_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE absence SET starts_at = ?, ends_at = ? WHERE id = ?",
        span.from.1,
        span.until.1,
        absence_id
    )
    .execute(&mut *tx)
    .await?;
    crate::visits::record::review_bookings_of_away(&mut tx, by, resident_id, today).await?;
    let change = Change {
        entity: "home_stay",
        entity_id: stay_id.to_string(),
        action: "change_dates",
        before: Some(json!({
            "from": before.from_on, "until": before.until_on,
            "starts_at": before.starts_at, "ends_at": before.ends_at,
        })),
        after: Some(json!({
            "from": span.from.0, "until": span.until.0,
            "starts_at": span.from.1, "ends_at": span.until.1,
        })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Cancels a stay before the child left: its absence ends where it began, so presence
/// counts the child as never away.
pub async fn cancel_stay(pool: &SqlitePool, by: &Writer, stay_id: i64) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let absence_id = stay_row(&mut tx, stay_id, StayRow::waiting)
        .await?
        .absence_id;
    sqlx::query!(
        "UPDATE absence SET returned_at = starts_at WHERE id = ?",
        absence_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("UPDATE home_stay SET cancelled = 1 WHERE id = ?", stay_id)
        .execute(&mut *tx)
        .await?;
    let after = json!({ "absence_id": absence_id });
    let change = Change::of("home_stay", stay_id, "cancel", Some(after));
    Ok(commit_with(tx, &by.actor, change).await?)
}
