//! The gate and home stays. At the gate, on a tablet: today's visits, checking visitors in
//! (each one's permission shown large) and out, walk-ins when permitted and places remain, and
//! a barred person stopped, the attempt audited. Home stays: the social team approves a child
//! going home with a named contact; staff record the handover and the return. The approved
//! stay is an absence in presence, so the roll call and the meal counts follow it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{Level, Relationship};
use super::view::{Booking, Child, Contact, Slot};
use crate::base::error::AppError;

#[cfg(feature = "ssr")]
use crate::base::access::{Role, Writer};

/// Who works the gate and records handovers and returns.
#[cfg(feature = "ssr")]
pub const GATE: [Role; 3] = [Role::HouseStaff, Role::SocialTeam, Role::Admin];

/// A contact at the gate, with their permission for each child of a visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateVisitor {
    /// The contact, with their identity details.
    pub contact: Contact,
    /// Their permission for each child (none decided: may not visit).
    pub levels: Vec<(Child, Option<Level>)>,
    /// Checked in with this visit.
    pub came: bool,
}

impl GateVisitor {
    /// The strictest of their permissions: barred if barred (or undecided) for any child.
    pub fn overall(&self) -> Level {
        self.levels
            .iter()
            .map(|(_, level)| level.unwrap_or(Level::Barred))
            .max()
            .unwrap_or(Level::Barred)
    }
}

/// A visit today, with the family's contacts as the gate sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateVisit {
    /// The booking.
    pub booking: Booking,
    /// Every contact of the family.
    pub visitors: Vec<GateVisitor>,
}

/// A person found by the gate's search: who they are and whom they may visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// The family's name.
    pub family_name: String,
    /// The person, with their permission for each of the family's children.
    pub visitor: GateVisitor,
}

/// `/visits/gate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatePage {
    /// Today.
    pub today: NaiveDate,
    /// Today's visits.
    pub visits: Vec<GateVisit>,
    /// Today's slots, for walk-ins.
    pub slots: Vec<Slot>,
    /// The search, and who it found.
    pub query: String,
    /// Who it found.
    pub found: Vec<Found>,
}

/// A home stay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeStay {
    /// `home_stay.id`.
    pub id: i64,
    /// The child.
    pub child: Child,
    /// Who collects them.
    pub contact: Contact,
    /// From.
    pub from_on: NaiveDate,
    /// Until.
    pub until_on: NaiveDate,
    /// When the child leaves on the first day, "08:00".
    pub from_time: String,
    /// When they are due back on the last day, "17:00".
    pub until_time: String,
    /// The social team's note (empty for other roles).
    pub note: String,
    /// Cancelled before the child left.
    pub cancelled: bool,
    /// When the child was handed over, by whom (staff) and to whom (contact).
    pub left: Option<(i64, String, String)>,
    /// When the child came back.
    pub returned_at: Option<i64>,
}

/// Contacts allowed to take a child home: (id, names, relationship).
pub type Collectors = Vec<(i64, String, Relationship)>;

/// `/visits/home-stays`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeStaysPage {
    /// Today.
    pub today: NaiveDate,
    /// Stays not yet over, and those of the last 30 days.
    pub stays: Vec<HomeStay>,
    /// For the approval form: each current child linked to a family, with the contacts
    /// allowed (unsupervised) to visit them. Social team and admin only.
    pub choices: Vec<(Child, Collectors)>,
    /// For the handover: each stay's family contacts allowed to collect the child.
    pub collectors: BTreeMap<i64, Collectors>,
    /// Whether the viewer approves stays.
    pub can_approve: bool,
}

#[cfg(feature = "ssr")]
pub mod write {
    //! The gate's and home stays' writes, each with its audit entry in one transaction.

    use chrono::NaiveDate;
    use serde_json::json;
    use sqlx::SqlitePool;

    use crate::base::access::Writer;
    use crate::base::audit::{Change, record};
    use crate::base::db::begin_write;
    use crate::base::error::AppError;
    use crate::base::i18n::Key;
    use crate::presence::model::{AbsenceReason, Away};
    use crate::visits::model::{Level, Status};
    use crate::visits::record::booking_error;
    use crate::visits::repo;
    use crate::visits::view::{BookingFilter, NewBooking};

    /// Audits a person stopped at the gate: in its own transaction, so the record stays
    /// whatever happens to the request.
    pub async fn stop(
        pool: &SqlitePool,
        by: &Writer,
        contact_id: i64,
        children: &[i64],
        context: &str,
    ) -> Result<(), AppError> {
        let mut tx = begin_write(pool).await?;
        let change = Change {
            entity: "gate",
            entity_id: contact_id.to_string(),
            action: "stop",
            before: None,
            after: Some(json!({ "contact_id": contact_id, "children": children, "at": context })),
        };
        record(&mut tx, &by.actor, change).await?;
        tx.commit().await?;
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
                drop(tx);
                stop(pool, by, contact.id, &booking.children, "check_in").await?;
                return Err(AppError::conflict(Key::ProblemGateStop));
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
        sqlx::query!(
            "UPDATE visit_booking SET checked_in_at = ? WHERE id = ?",
            now,
            booking_id
        )
        .execute(&mut *tx)
        .await?;
        let change = Change {
            entity: "visit_booking",
            entity_id: booking_id.to_string(),
            action: "check_in",
            before: None,
            after: Some(json!({ "visitors": visitors, "at": now })),
        };
        record(&mut tx, &by.actor, change).await?;
        tx.commit().await?;
        Ok(())
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
        let change = Change {
            entity: "visit_booking",
            entity_id: booking_id.to_string(),
            action: "check_out",
            before: None,
            after: Some(json!({ "at": now })),
        };
        record(&mut tx, &by.actor, change).await?;
        tx.commit().await?;
        Ok(())
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
            drop(tx);
            stop(pool, by, contact.id, children, "walk_in").await?;
            return Err(AppError::conflict(Key::ProblemGateStop));
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
        sqlx::query!(
            "UPDATE visit_booking SET checked_in_at = ? WHERE id = ?",
            now,
            id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO visit_visitor (booking_id, contact_id) VALUES (?, ?)",
            id,
            contact_id
        )
        .execute(&mut *tx)
        .await?;
        let change = Change {
            entity: "visit_booking",
            entity_id: id.to_string(),
            action: "walk_in",
            before: None,
            after: Some(json!({
                "slot_id": slot_id, "family_id": contact.family_id, "contact_id": contact_id,
                "children": children, "adults": adults, "supervised": new.supervised,
            })),
        };
        record(&mut tx, &by.actor, change).await?;
        tx.commit().await?;
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
        /// A note.
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
        crate::visits::record::review_bookings_of_away(&mut tx, &by.actor, stay.resident_id, today)
            .await?;
        let change = Change {
            entity: "home_stay",
            entity_id: id.to_string(),
            action: "approve",
            before: None,
            after: Some(json!({
                "resident_id": stay.resident_id, "contact_id": stay.contact_id,
                "from": stay.from.0, "until": stay.until.0, "absence_id": absence_id,
                "starts_at": stay.from.1, "ends_at": stay.until.1, "note": stay.note,
            })),
        };
        record(&mut tx, &by.actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A stay's row: (resident, family of its contact, absence, cancelled, left_at, returned).
    async fn stay_row(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        id: i64,
    ) -> Result<(i64, i64, i64, bool, Option<i64>, Option<i64>), AppError> {
        let row = sqlx::query!(
            r#"SELECT h.resident_id, c.family_id, h.absence_id, h.cancelled AS "cancelled: bool",
                      h.left_at, h.returned_at
               FROM home_stay h JOIN family_contact c ON c.id = h.contact_id WHERE h.id = ?"#,
            id
        )
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
        Ok((
            row.resident_id,
            row.family_id,
            row.absence_id,
            row.cancelled,
            row.left_at,
            row.returned_at,
        ))
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
        let mut tx = begin_write(pool).await?;
        let (resident_id, family_id, absence_id, cancelled, left_at, _) =
            stay_row(&mut tx, stay_id).await?;
        if cancelled || left_at.is_some() {
            return Err(AppError::conflict(Key::ProblemHomeStayState));
        }
        if !allowed(&mut tx, collected_by, family_id, resident_id).await? {
            drop(tx);
            stop(pool, by, collected_by, &[resident_id], "home_stay").await?;
            return Err(AppError::conflict(Key::ProblemGateStop));
        }
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
        let change = Change {
            entity: "home_stay",
            entity_id: stay_id.to_string(),
            action: "hand_over",
            before: None,
            after: Some(json!({
                "collected_by": collected_by, "handed_over_by": staff_id, "at": now,
                "absence_starts_at": now.min(away.starts_at),
            })),
        };
        record(&mut tx, &by.actor, change).await?;
        tx.commit().await?;
        Ok(())
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
        let mut tx = begin_write(pool).await?;
        let (resident_id, family_id, absence_id, cancelled, left_at, returned_at) =
            stay_row(&mut tx, stay_id).await?;
        if cancelled || left_at.is_none() || returned_at.is_some() {
            return Err(AppError::conflict(Key::ProblemHomeStayState));
        }
        if !allowed(&mut tx, brought_back_by, family_id, resident_id).await? {
            drop(tx);
            stop(
                pool,
                by,
                brought_back_by,
                &[resident_id],
                "home_stay_return",
            )
            .await?;
            return Err(AppError::conflict(Key::ProblemGateStop));
        }
        crate::presence::repo::set_returned(&mut tx, absence_id, now).await?;
        sqlx::query!(
            "UPDATE home_stay SET returned_at = ?, brought_back_by = ? WHERE id = ?",
            now,
            brought_back_by,
            stay_id
        )
        .execute(&mut *tx)
        .await?;
        let change = Change {
            entity: "home_stay",
            entity_id: stay_id.to_string(),
            action: "return",
            before: None,
            after: Some(json!({
                "resident_id": resident_id, "returned_at": now, "brought_back_by": brought_back_by,
            })),
        };
        record(&mut tx, &by.actor, change).await?;
        tx.commit().await?;
        Ok(resident_id)
    }

    /// Cancels a stay before the child left: its absence ends where it began, so presence
    /// counts the child as never away.
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
        let (resident_id, _, absence_id, cancelled, left_at, _) =
            stay_row(&mut tx, stay_id).await?;
        if cancelled || left_at.is_some() {
            return Err(AppError::conflict(Key::ProblemHomeStayState));
        }
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
        crate::visits::record::review_bookings_of_away(&mut tx, &by.actor, resident_id, today)
            .await?;
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
        record(&mut tx, &by.actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn cancel_stay(pool: &SqlitePool, by: &Writer, stay_id: i64) -> Result<(), AppError> {
        let mut tx = begin_write(pool).await?;
        let (_, _, absence_id, cancelled, left_at, _) = stay_row(&mut tx, stay_id).await?;
        if cancelled || left_at.is_some() {
            return Err(AppError::conflict(Key::ProblemHomeStayState));
        }
        sqlx::query!(
            "UPDATE absence SET returned_at = starts_at WHERE id = ?",
            absence_id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("UPDATE home_stay SET cancelled = 1 WHERE id = ?", stay_id)
            .execute(&mut *tx)
            .await?;
        let change = Change {
            entity: "home_stay",
            entity_id: stay_id.to_string(),
            action: "cancel",
            before: None,
            after: Some(json!({ "absence_id": absence_id })),
        };
        record(&mut tx, &by.actor, change).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(feature = "ssr")]
fn gate_visitor(
    contact: Contact,
    children: &[Child],
    permissions: &super::model::Permissions,
    came: bool,
) -> GateVisitor {
    GateVisitor {
        levels: children
            .iter()
            .map(|child| {
                (
                    child.clone(),
                    permissions.get(&(contact.id, child.id)).copied(),
                )
            })
            .collect(),
        contact,
        came,
    }
}

/// Today's visits with every family contact's permissions, today's slots, and the people
/// matching `q` (name, phone or document number). House staff, social team, admin.
#[server(endpoint = "get_gate")]
pub async fn get_gate(#[server(default)] q: String) -> Result<GatePage, AppError> {
    crate::base::guard::require(&GATE).await?;
    let today = crate::base::clock::today_at_centre();
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let filter = super::view::BookingFilter {
        on: Some(today),
        ..Default::default()
    };
    let bookings = super::repo::bookings(&mut conn, &filter).await?;
    let bookings = super::api::with_names(&mut conn, bookings).await?;
    let mut visits = Vec::new();
    for booking in bookings.into_iter().filter(|b| b.status.active()) {
        let permissions = super::repo::permissions(&mut conn, booking.family_id).await?;
        let came: Vec<i64> = sqlx::query_scalar!(
            "SELECT contact_id FROM visit_visitor WHERE booking_id = ?",
            booking.id
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut visitors = Vec::new();
        for contact in super::repo::contacts(&mut conn, booking.family_id).await? {
            let here = came.contains(&contact.id);
            visitors.push(gate_visitor(contact, &booking.names, &permissions, here));
        }
        visits.push(GateVisit { booking, visitors });
    }
    let slots = super::repo::visit_days(&mut conn, Some(today))
        .await?
        .into_iter()
        .find(|d| d.day == today && !d.cancelled)
        .map(|d| d.slots)
        .unwrap_or_default();
    let query = q.trim().to_owned();
    let mut found = Vec::new();
    if query.chars().count() >= 2 {
        // The words typed, in order, anywhere in a name; typed wildcards match literally.
        let pattern = crate::base::db::contains_pattern(&query).replace(' ', "%");
        let digits: String = query.chars().filter(char::is_ascii_digit).collect();
        let phone = if digits.len() >= 3 {
            format!("%{digits}%")
        } else {
            "-".to_owned()
        };
        let ids = sqlx::query_scalar!(
            r#"SELECT id AS "id!: i64" FROM family_contact
               WHERE name_km LIKE ?1 ESCAPE '\' OR name_latin LIKE ?1 ESCAPE '\'
                  OR id_document LIKE ?1 ESCAPE '\' OR phone LIKE ?2
               ORDER BY name_latin LIMIT 20"#,
            pattern,
            phone
        )
        .fetch_all(&mut *conn)
        .await?;
        for id in ids {
            let Some(contact) = super::repo::contact(&mut conn, id).await? else {
                continue;
            };
            let family_name = sqlx::query_scalar!(
                "SELECT display_name FROM family WHERE id = ?",
                contact.family_id
            )
            .fetch_one(&mut *conn)
            .await?;
            let linked: Vec<i64> = super::repo::linked_children(&mut conn, contact.family_id)
                .await?
                .into_iter()
                .map(|(id, ..)| id)
                .collect();
            let children = super::portal::load::children(&mut conn, &linked).await?;
            let permissions = super::repo::permissions(&mut conn, contact.family_id).await?;
            found.push(Found {
                family_name,
                visitor: gate_visitor(contact, &children, &permissions, false),
            });
        }
    }
    // Each child shown, as away now when presence says so.
    let mut shown: Vec<i64> = visits
        .iter()
        .flat_map(|v| v.booking.children.iter().copied())
        .collect();
    shown.extend(
        found
            .iter()
            .flat_map(|f| f.visitor.levels.iter().map(|(child, _)| child.id)),
    );
    let now = crate::base::clock::now();
    let away = crate::presence::repo::away_during(&mut conn, &shown, now, now + 1).await?;
    let mark = |child: &mut Child| child.away = away.get(&child.id).copied();
    for visit in &mut visits {
        visit.booking.names.iter_mut().for_each(mark);
        for visitor in &mut visit.visitors {
            visitor.levels.iter_mut().for_each(|(child, _)| mark(child));
        }
    }
    for f in &mut found {
        f.visitor
            .levels
            .iter_mut()
            .for_each(|(child, _)| mark(child));
    }
    Ok(GatePage {
        today,
        visits,
        slots,
        query,
        found,
    })
}

/// Checks the ticked visitors (`visitor[<contact id>]`) in for a visit today. Someone who may
/// not visit is stopped and the attempt audited. House staff, social team, admin.
#[server(endpoint = "check_in")]
pub async fn check_in(
    booking: i64,
    #[server(default)] visitor: BTreeMap<String, String>,
) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&GATE).await?;
    let visitors = super::api::ticked(&visitor)?;
    let today = crate::base::clock::today_at_centre();
    write::check_in(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        booking,
        &visitors,
        today,
        crate::base::clock::now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/visits/gate?saved=1#v{booking}"));
    Ok(())
}

/// Checks a visit's visitors out. House staff, social team, admin.
#[server(endpoint = "check_out")]
pub async fn check_out(booking: i64) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&GATE).await?;
    write::check_out(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        booking,
        crate::base::clock::now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/visits/gate?saved=1#v{booking}"));
    Ok(())
}

/// Records that a person was stopped at the gate (turned away). House staff, social team,
/// admin.
#[server(endpoint = "record_stop")]
pub async fn record_stop(contact: i64) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&GATE).await?;
    let pool = crate::base::db::pool()?;
    let mut conn = pool.acquire().await?;
    let found = super::repo::contact(&mut conn, contact)
        .await?
        .ok_or(AppError::NotFound)?;
    let children: Vec<i64> = super::repo::linked_children(&mut conn, found.family_id)
        .await?
        .into_iter()
        .map(|(id, ..)| id)
        .collect();
    drop(conn);
    write::stop(
        &pool,
        &Writer::staff(&staff),
        contact,
        &children,
        "turned_away",
    )
    .await?;
    leptos_axum::redirect("/visits/gate?stopped=1");
    Ok(())
}

/// A walk-in: the contact, one of today's slots, the ticked children (`child[<id>]`), the
/// adults. House staff, social team, admin.
#[server(endpoint = "walk_in")]
pub async fn walk_in(
    contact: i64,
    slot: i64,
    #[server(default)] child: BTreeMap<String, String>,
    adults: String,
) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&GATE).await?;
    let children = super::api::ticked(&child)?;
    let adults = adults
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("adults", crate::base::i18n::Key::ProblemAdults))?;
    let today = crate::base::clock::today_at_centre();
    let id = write::walk_in(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        contact,
        slot,
        &children,
        adults,
        (today, crate::base::clock::now()),
    )
    .await?;
    leptos_axum::redirect(&format!("/visits/gate?saved=1#v{id}"));
    Ok(())
}

/// Home stays not over yet and those of the last 30 days, with what the forms need. House
/// staff, social team, admin (the approval form for the social team and admin).
/// An instant's time of day at the centre, "08:00", as a time field takes it.
#[cfg(feature = "ssr")]
fn hh_mm(at: i64) -> String {
    crate::presence::model::local(at)
        .format("%H:%M")
        .to_string()
}

#[server(endpoint = "get_home_stays")]
pub async fn get_home_stays() -> Result<HomeStaysPage, AppError> {
    let staff = crate::base::guard::require(&GATE).await?;
    let can_approve = staff.roles.iter().any(|r| super::api::SOCIAL.contains(r));
    let today = crate::base::clock::today_at_centre();
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let since = today - chrono::Days::new(30);
    let rows = sqlx::query!(
        r#"SELECT h.id AS "id!: i64", h.resident_id, h.contact_id, h.from_on AS "from_on: NaiveDate",
                  h.until_on AS "until_on: NaiveDate", h.note, h.cancelled AS "cancelled: bool",
                  h.left_at, h.returned_at, s.display_name AS "handed_over_by?",
                  c.name_latin AS "collected_by?", a.starts_at, a.ends_at
           FROM home_stay h
           JOIN absence a ON a.id = h.absence_id
           LEFT JOIN staff_user s ON s.id = h.handed_over_by
           LEFT JOIN family_contact c ON c.id = h.collected_by
           WHERE h.until_on >= ? OR (h.left_at IS NOT NULL AND h.returned_at IS NULL)
           ORDER BY h.from_on, h.id"#,
        since
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut stays = Vec::new();
    let mut collectors = BTreeMap::new();
    for r in rows {
        let contact = super::repo::contact(&mut conn, r.contact_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let child = super::portal::load::children(&mut conn, &[r.resident_id])
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound)?;
        let permissions = super::repo::permissions(&mut conn, contact.family_id).await?;
        let allowed: Collectors = super::repo::contacts(&mut conn, contact.family_id)
            .await?
            .into_iter()
            .filter(|c| permissions.get(&(c.id, r.resident_id)) == Some(&Level::Allowed))
            .map(|c| {
                (
                    c.id,
                    format!("{} ({})", c.name_km, c.name_latin),
                    c.relationship,
                )
            })
            .collect();
        collectors.insert(r.id, allowed);
        stays.push(HomeStay {
            id: r.id,
            child,
            contact,
            from_on: r.from_on,
            until_on: r.until_on,
            from_time: hh_mm(r.starts_at),
            until_time: r.ends_at.map(hh_mm).unwrap_or_default(),
            // The note names relatives and why: the social team's and the admin's only.
            note: if can_approve { r.note } else { String::new() },
            cancelled: r.cancelled,
            left: r.left_at.map(|at| {
                (
                    at,
                    r.handed_over_by.clone().unwrap_or_default(),
                    r.collected_by.clone().unwrap_or_default(),
                )
            }),
            returned_at: r.returned_at,
        });
    }
    let mut choices: Vec<(Child, Collectors)> = Vec::new();
    if can_approve {
        let pairs = sqlx::query!(
            r#"SELECT r.id AS "resident_id!: i64", r.name_km, r.name_latin,
                      c.id AS "contact_id!: i64", c.name_km AS contact_km,
                      c.name_latin AS contact_latin, c.relationship
               FROM current_permission p
               JOIN resident r ON r.id = p.resident_id
               JOIN family_contact c ON c.id = p.contact_id
               JOIN family_child fc ON fc.family_id = c.family_id AND fc.resident_id = r.id
               WHERE p.level = 'allowed' AND r.left_on IS NULL
               ORDER BY r.name_latin, c.name_latin"#
        )
        .fetch_all(&mut *conn)
        .await?;
        for p in pairs {
            let contact = (
                p.contact_id,
                format!("{} ({})", p.contact_km, p.contact_latin),
                Relationship::parse(&p.relationship).unwrap_or(Relationship::Other),
            );
            match choices.last_mut() {
                Some((child, contacts)) if child.id == p.resident_id => contacts.push(contact),
                _ => choices.push((
                    Child {
                        id: p.resident_id,
                        name_km: p.name_km,
                        name_latin: p.name_latin,
                        away: None,
                    },
                    vec![contact],
                )),
            }
        }
    }
    Ok(HomeStaysPage {
        today,
        stays,
        choices,
        collectors,
        can_approve,
    })
}

/// Approves a home stay: `pair` is "<resident>:<contact>", the contact allowed to visit the
/// child unsupervised; from a day and time until a day and time. Social team and admin.
#[server(endpoint = "approve_home_stay")]
pub async fn approve_home_stay(
    pair: String,
    from_on: String,
    #[server(default)] from_time: String,
    until_on: String,
    #[server(default)] until_time: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&super::api::SOCIAL).await?;
    let (resident_id, contact_id) = pair
        .split_once(':')
        .and_then(|(r, c)| Some((r.trim().parse::<i64>().ok()?, c.trim().parse::<i64>().ok()?)))
        .ok_or(AppError::NotFound)?;
    let stay = super::model::check_stay(
        (&from_on, &from_time),
        (&until_on, &until_time),
        &note,
        crate::base::clock::today_at_centre(),
    )?;
    let new = write::NewStay {
        resident_id,
        contact_id,
        from: stay.from,
        until: stay.until,
        note: stay.note,
    };
    write::approve_stay(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        &new,
        crate::base::clock::now(),
    )
    .await?;
    leptos_axum::redirect("/visits/home-stays?saved=1");
    Ok(())
}

/// Records a home stay's handover to the contact who collected the child. House staff,
/// social team, admin.
#[server(endpoint = "hand_over")]
pub async fn hand_over(stay: i64, collected_by: i64) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&GATE).await?;
    write::hand_over(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        stay,
        collected_by,
        crate::base::clock::now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/visits/home-stays?saved=1#s{stay}"));
    Ok(())
}

/// Records a child's return from a home stay and the contact who brought her back. House
/// staff, social team, admin.
#[server(endpoint = "home_stay_return")]
pub async fn home_stay_return(stay: i64, brought_back_by: i64) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&GATE).await?;
    write::returned(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        stay,
        brought_back_by,
        crate::base::clock::now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/visits/home-stays?saved=1#s{stay}"));
    Ok(())
}

/// Changes a home stay's days and times before the child left. Social team and admin.
#[server(endpoint = "change_home_stay_dates")]
pub async fn change_home_stay_dates(
    stay: i64,
    from_on: String,
    #[server(default)] from_time: String,
    until_on: String,
    #[server(default)] until_time: String,
) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&super::api::SOCIAL).await?;
    let today = crate::base::clock::today_at_centre();
    let span =
        super::model::check_stay((&from_on, &from_time), (&until_on, &until_time), "", today)?;
    write::change_stay_span(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        stay,
        &span,
        today,
    )
    .await?;
    leptos_axum::redirect(&format!("/visits/home-stays?saved=1#s{stay}"));
    Ok(())
}

/// Cancels a home stay before the child left. Social team and admin.
#[server(endpoint = "cancel_home_stay")]
pub async fn cancel_home_stay(stay: i64) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&super::api::SOCIAL).await?;
    write::cancel_stay(&crate::base::db::pool()?, &Writer::staff(&staff), stay).await?;
    leptos_axum::redirect(&format!("/visits/home-stays?saved=1#s{stay}"));
    Ok(())
}
