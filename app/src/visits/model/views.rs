//! The records of visits as pages show them, and what the social team's pages receive.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{Level, Notice, Relationship, Status};

/// A person of a family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// `family_contact.id`.
    pub id: i64,
    pub family_id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// How they are related to the children.
    pub relationship: Relationship,
    pub phone: Option<String>,
    /// Their identity document number.
    pub id_document: Option<String>,
}

/// A child as a family or the gate sees them: names only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    /// `resident.id`.
    pub id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// Away now, and why (filled in at the gate only).
    #[serde(default)]
    pub away: Option<crate::presence::model::AbsenceReason>,
}

/// A permission decision, for the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionEntry {
    pub id: i64,
    pub contact_id: i64,
    /// The child.
    pub resident_id: i64,
    /// The decision.
    pub level: Level,
    /// Why.
    pub reason: String,
    /// When it was decided.
    pub decided_on: NaiveDate,
    /// By whom (their display name).
    pub decided_by: String,
}

/// A time slot of a visit day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// `visit_slot.id`.
    pub id: i64,
    pub starts_at: NaiveTime,
    pub ends_at: NaiveTime,
    /// Places.
    pub capacity: i64,
    /// Places held by pending and confirmed bookings.
    pub taken: i64,
}

impl Slot {
    /// Places left.
    pub fn free(&self) -> i64 {
        (self.capacity - self.taken).max(0)
    }
}

/// A visit day with its slots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitDay {
    /// `visit_day.id`.
    pub id: i64,
    pub day: NaiveDate,
    /// Booking opens (local day).
    pub opens_on: NaiveDate,
    /// The cut-off (Unix seconds).
    pub closes_at: i64,
    /// Adults per booking.
    pub max_adults: i64,
    /// The meal visitors may stay for.
    pub meal_service_id: Option<i64>,
    /// A note families read.
    pub note: String,
    /// Called off.
    pub cancelled: bool,
    /// Its slots, by time.
    pub slots: Vec<Slot>,
}

/// A booking with what pages show about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// `visit_booking.id`.
    pub id: i64,
    pub slot_id: i64,
    pub family_id: i64,
    pub family_name: String,
    /// Who leads the visit.
    pub contact_id: i64,
    /// Their name in Khmer.
    pub contact_km: String,
    /// Their name in Latin letters.
    pub contact_latin: String,
    /// Adults coming.
    pub adults: i64,
    /// Of whom staying for the meal.
    pub meal_heads: i64,
    /// Where it stands.
    pub status: Status,
    /// Why it ended.
    pub notice: Option<Notice>,
    /// Supervised visit.
    pub supervised: bool,
    /// Flagged for review.
    pub review: bool,
    /// Flagged because a child became away at the visit's time: the family reads that the
    /// visit is under review.
    pub child_away: bool,
    /// Came without booking.
    pub walk_in: bool,
    /// Booked by staff for the family.
    pub by_staff: bool,
    /// Checked in at the gate.
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
    /// Booked at.
    pub created_at: i64,
    /// The visit day.
    pub day_id: i64,
    /// Its date.
    pub day: NaiveDate,
    /// Its cut-off.
    pub closes_at: i64,
    /// The slot's start.
    pub starts_at: NaiveTime,
    /// The slot's end.
    pub ends_at: NaiveTime,
    /// The children's ids.
    pub children: Vec<i64>,
    /// The children's names, filled in for pages.
    pub names: Vec<Child>,
}

/// Which bookings to read.
#[derive(Clone, Debug, Default)]
pub struct BookingFilter {
    /// One family's.
    pub family_id: Option<i64>,
    /// One visit day's.
    pub day_id: Option<i64>,
    /// On one date.
    pub on: Option<NaiveDate>,
    /// The social team's queue: pending, or flagged for review and not past.
    pub queue: bool,
    /// Today, for the queue.
    pub today: Option<NaiveDate>,
    /// One booking.
    pub id: Option<i64>,
}

/// A booking to store, after the rules let it through.
#[derive(Clone, Debug)]
pub struct NewBooking {
    pub slot_id: i64,
    pub family_id: i64,
    /// Who leads.
    pub contact_id: i64,
    pub adults: i64,
    /// Staying for the meal.
    pub meal_heads: i64,
    /// Pending or confirmed.
    pub status: Status,
    pub supervised: bool,
    /// A walk-in at the gate.
    pub walk_in: bool,
    /// The staff member who booked for the family.
    pub booked_by_staff: Option<i64>,
    /// When.
    pub created_at: i64,
    pub children: Vec<i64>,
    /// The month of the visit day.
    pub month: String,
}

/// A child linked to a family, with the link's terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedChild {
    pub child: Child,
    /// Visits a calendar month.
    pub visits_per_month: i64,
    /// Bookings need approval.
    pub needs_approval: bool,
}

/// The visits part of `/families/:id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyVisits {
    pub family_id: i64,
    /// The phone it signs in with (a contact with this phone holds the account).
    pub family_phone: String,
    /// Every booking of the family needs approval.
    pub needs_approval: bool,
    pub contacts: Vec<Contact>,
    pub children: Vec<LinkedChild>,
    /// The current decisions: (contact, child, level).
    pub permissions: Vec<(i64, i64, Level)>,
    /// Every decision, newest first.
    pub history: Vec<PermissionEntry>,
    /// Current residents who could be linked: (id, Khmer name, Latin name).
    pub residents: Vec<Child>,
    /// Its bookings, newest day first.
    pub bookings: Vec<Booking>,
    /// Today, for the decision date.
    pub today: NaiveDate,
    /// Each contact's history (the contact, and who they may visit), by contact id.
    pub contact_history: Vec<(i64, Vec<crate::audit::history::HistoryEntry>)>,
    /// Each booking's history, by booking id.
    pub booking_history: Vec<(i64, Vec<crate::audit::history::HistoryEntry>)>,
}

/// `/visits`: visit days, blocked dates and the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitsOverview {
    pub today: NaiveDate,
    /// Visit days from 60 days ago on.
    pub days: Vec<VisitDay>,
    /// Blocked dates from today on, with the reason.
    pub blocked: Vec<(NaiveDate, String)>,
    /// Bookings waiting for approval, or flagged for review.
    pub queue: Vec<Booking>,
    /// Meals visitors may stay for: (id, name in the viewer's language).
    pub meals: Vec<(i64, String)>,
}

/// `/visits/days/:id`: a visit day, its slots and bookings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitDayPage {
    pub day: VisitDay,
    pub bookings: Vec<Booking>,
    /// Meals visitors may stay for.
    pub meals: Vec<(i64, String)>,
    /// Families, to book for one: (id, name, phone).
    pub families: Vec<(i64, String, String)>,
}
