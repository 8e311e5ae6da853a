//! What the gate's and home stays' pages receive, and how a visitor's permissions read at the
//! gate.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::visits::model::{Booking, Child, Contact, Level, Permissions, Relationship, Slot};

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
    pub booking: Booking,
    /// Every contact of the family.
    pub visitors: Vec<GateVisitor>,
}

/// A person found by the gate's search: who they are and whom they may visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    pub family_name: String,
    /// The person, with their permission for each of the family's children.
    pub visitor: GateVisitor,
}

/// `/visits/gate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatePage {
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
    pub child: Child,
    /// Who collects them.
    pub contact: Contact,
    pub from_on: NaiveDate,
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

/// `contact` at the gate for `children`: their permission for each, and whether they came.
pub fn gate_visitor(
    contact: Contact,
    children: &[Child],
    permissions: &Permissions,
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

/// An instant's time of day at the centre, "08:00", as a time field takes it.
pub fn hh_mm(at: i64) -> String {
    crate::presence::model::local(at)
        .format("%H:%M")
        .to_string()
}
