//! The rules of family visits, as plain functions: who may visit whom, which children a family
//! account sees, the booking window, and what a booking needs (places, once a month, the
//! visitors' permissions, approval). The database holds the same rules (see the migration).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::base::error::AppError;
use crate::base::fields::{date_field, time_field};
use crate::base::i18n::Key;

mod booking;
mod views;
pub use booking::*;
pub use views::*;

/// What the social team decided about a contact visiting a child.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    /// May visit.
    Allowed,
    /// May visit only with a member of staff present.
    Supervised,
    /// May not visit, and never sees the child in the portal.
    Barred,
}

impl Level {
    /// Every level.
    pub const ALL: [Level; 3] = [Level::Allowed, Level::Supervised, Level::Barred];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Level::Allowed => "allowed",
            Level::Supervised => "supervised",
            Level::Barred => "barred",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == code.trim())
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            Level::Allowed => Key::PermissionAllowed,
            Level::Supervised => Key::PermissionSupervised,
            Level::Barred => Key::PermissionBarred,
        }
    }

    /// Whether the contact may come at all.
    pub const fn may_visit(self) -> bool {
        !matches!(self, Level::Barred)
    }
}

/// How a contact is related to the children (the people's: a camp's guardians say it too).
pub use crate::people::model::Relationship;

/// Where a booking stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Waiting for the social team's approval; holds its place.
    Pending,
    /// Booked.
    Confirmed,
    /// Cancelled by the family or the centre.
    Cancelled,
    /// Refused by the social team.
    Refused,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::Confirmed,
        Status::Cancelled,
        Status::Refused,
    ];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Confirmed => "confirmed",
            Status::Cancelled => "cancelled",
            Status::Refused => "refused",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// Whether it holds a place.
    pub const fn active(self) -> bool {
        matches!(self, Status::Pending | Status::Confirmed)
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            Status::Pending => Key::BookingPending,
            Status::Confirmed => Key::BookingConfirmed,
            Status::Cancelled => Key::BookingCancelled,
            Status::Refused => Key::BookingRefused,
        }
    }
}

/// Why a booking ended, as the family's portal tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// The family cancelled it.
    ByFamily,
    /// The family moved it to another slot.
    Moved,
    /// The centre cancelled it (a call from the family, a visit day called off).
    ByCentre,
    /// A permission changed: the visit cannot take place.
    Permission,
    /// The social team refused it.
    Refused,
}

impl Notice {
    /// Every notice.
    pub const ALL: [Notice; 5] = [
        Notice::ByFamily,
        Notice::Moved,
        Notice::ByCentre,
        Notice::Permission,
        Notice::Refused,
    ];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Notice::ByFamily => "by_family",
            Notice::Moved => "moved",
            Notice::ByCentre => "by_centre",
            Notice::Permission => "permission",
            Notice::Refused => "refused",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Notice> {
        Notice::ALL.into_iter().find(|n| n.code() == code.trim())
    }

    /// What the family reads.
    pub const fn label(self) -> Key {
        match self {
            Notice::ByFamily => Key::NoticeByFamily,
            Notice::Moved => Key::NoticeMoved,
            Notice::ByCentre => Key::NoticeByCentre,
            Notice::Permission => Key::NoticePermission,
            Notice::Refused => Key::NoticeRefused,
        }
    }

    /// Whether the family should be told on its portal (it did not do it itself).
    pub const fn tells_family(self) -> bool {
        matches!(
            self,
            Notice::ByCentre | Notice::Permission | Notice::Refused
        )
    }
}

/// Trims `text`; empty is `None`.
fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A contact as the social team types it in, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// How they are related to the children.
    pub relationship: Relationship,
    /// Their phone, if any: 0 and 8 or 9 digits.
    pub phone: Option<String>,
    /// An identity document number, where known.
    pub id_document: Option<String>,
}

/// Checks a contact form: both names (1–100 characters), a known relationship, a phone that
/// reads as a Cambodian number (spaces and Khmer digits allowed) or none, a document number of
/// at most 40 characters or none.
pub fn check_contact(
    name_km: &str,
    name_latin: &str,
    relationship: &str,
    phone: &str,
    id_document: &str,
) -> Result<ContactInput, AppError> {
    let name = |text: &str, field: &str| {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 100 {
            Err(AppError::invalid(field, Key::ProblemContactName))
        } else {
            Ok(text.to_owned())
        }
    };
    let name_km = name(name_km, "name_km")?;
    let name_latin = name(name_latin, "name_latin")?;
    let relationship = Relationship::parse(relationship)
        .ok_or_else(|| AppError::invalid("relationship", Key::ProblemRelationship))?;
    let phone = match optional(phone) {
        None => None,
        Some(text) => Some(
            crate::people::model::Phone::parse(&text)
                .map_err(|_| AppError::invalid("phone", Key::ProblemPhone))?
                .as_str()
                .to_owned(),
        ),
    };
    let id_document = optional(id_document);
    if id_document.as_ref().is_some_and(|d| d.chars().count() > 40) {
        return Err(AppError::invalid("id_document", Key::ProblemIdDocument));
    }
    Ok(ContactInput {
        name_km,
        name_latin,
        relationship,
        phone,
        id_document,
    })
}

/// A permission decision, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionInput {
    /// The decision.
    pub level: Level,
    /// Why (1–500 characters).
    pub reason: String,
    /// The day it was decided, not after today.
    pub decided_on: NaiveDate,
}

/// Checks a permission form.
pub fn check_permission(
    level: &str,
    reason: &str,
    decided_on: &str,
    today: NaiveDate,
) -> Result<PermissionInput, AppError> {
    let level = Level::parse(level)
        .ok_or_else(|| AppError::invalid("level", Key::ProblemPermissionLevel))?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::invalid("reason", Key::ProblemPermissionReason));
    }
    let decided_on = date_field(decided_on, "decided_on")?;
    if decided_on > today {
        return Err(AppError::invalid("decided_on", Key::ProblemDecidedOn));
    }
    Ok(PermissionInput {
        level,
        reason: reason.to_owned(),
        decided_on,
    })
}

/// The current decisions for a family: (contact, child) → level. A pair not in it has no
/// decision, which means no visit.
pub type Permissions = HashMap<(i64, i64), Level>;

/// A contact of a family, as the rules need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactPhone {
    /// `family_contact.id`.
    pub id: i64,
    /// Their phone, if any.
    pub phone: Option<String>,
}

/// The children a family account sees: those linked to it for whom at least one of its
/// contacts may visit, and none of the contacts holding the account's phone is barred (a
/// barred person who holds the phone never sees the child).
pub fn visible_children(
    linked: &[i64],
    contacts: &[ContactPhone],
    permissions: &Permissions,
    account_phone: &str,
) -> Vec<i64> {
    linked
        .iter()
        .copied()
        .filter(|&child| {
            let level = |contact: &ContactPhone| permissions.get(&(contact.id, child)).copied();
            let someone_may = contacts
                .iter()
                .any(|c| level(c).is_some_and(Level::may_visit));
            let mut holders = contacts
                .iter()
                .filter(|c| c.phone.as_deref() == Some(account_phone))
                .peekable();
            // Fails closed: until the social team names who holds the phone, nobody is
            // known to be safe with it.
            let held = holders.peek().is_some();
            let holder_barred = holders.any(|c| level(c) == Some(Level::Barred));
            someone_may && held && !holder_barred
        })
        .collect()
}

/// Whether a family may see a booking (and so move or cancel it): only when it sees every
/// child in it. A booking of a child it may not see is not there for it, as for an id that
/// does not exist.
pub fn family_sees_booking(children: &[i64], visible: &[i64]) -> bool {
    children.iter().all(|child| visible.contains(child))
}

/// How a contact may lead a visit with `children`: `None` when they may not visit one of
/// them; `Some(true)` when only supervised for at least one.
pub fn lead_permission(contact: i64, children: &[i64], permissions: &Permissions) -> Option<bool> {
    let mut supervised = false;
    for child in children {
        match permissions.get(&(contact, *child)) {
            Some(Level::Allowed) => {}
            Some(Level::Supervised) => supervised = true,
            Some(Level::Barred) | None => return None,
        }
    }
    (!children.is_empty()).then_some(supervised)
}

/// A home stay's span: the days with their instants, and a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaySpan {
    /// The first day and when the child leaves.
    pub from: (NaiveDate, i64),
    /// The last day and when they are due back.
    pub until: (NaiveDate, i64),
    pub note: String,
}

/// A home stay's span, checked: from a day and time (08:00 when none) until a day and time
/// (17:00 when none), starting today or later, ending after it starts and within 60 days; a
/// note of at most 300 characters. Returns the days with their instants, and the note.
pub fn check_stay(
    from: (&str, &str),
    until: (&str, &str),
    note: &str,
    today: NaiveDate,
) -> Result<StaySpan, AppError> {
    use crate::presence::model::instant;
    let time = |text: &str, default: &str, field: &str| {
        time_field(
            if text.trim().is_empty() {
                default
            } else {
                text
            },
            field,
        )
    };
    let from_on = date_field(from.0, "from_on")?;
    if from_on < today {
        return Err(AppError::invalid("from_on", Key::ProblemHomeStaySpan));
    }
    let until_on = date_field(until.0, "until_on")?;
    let starts = instant(from_on, time(from.1, "08:00", "from_time")?);
    let ends = instant(until_on, time(until.1, "17:00", "until_time")?);
    if ends <= starts || (until_on - from_on).num_days() > 60 {
        return Err(AppError::invalid("until_on", Key::ProblemHomeStaySpan));
    }
    let note = note.trim();
    if note.chars().count() > 300 {
        return Err(AppError::invalid("note", Key::ProblemVisitNote));
    }
    Ok(StaySpan {
        from: (from_on, starts),
        until: (until_on, ends),
        note: note.to_owned(),
    })
}

/// Whether a home stay approved from `from_on` until `ends_at` may be handed over at `now`:
/// from its first day at the centre (a family may come early that morning) until its planned
/// end. Outside it the handover is refused; the social team may change the dates.
pub fn check_handover(from_on: NaiveDate, ends_at: i64, now: i64) -> Result<(), AppError> {
    if crate::presence::model::local(now).date() < from_on {
        Err(AppError::conflict(Key::ProblemHandOverEarly))
    } else if now >= ends_at {
        Err(AppError::conflict(Key::ProblemHandOverLate))
    } else {
        Ok(())
    }
}

/// What happens to a contact's bookings for a child when their permission becomes `level`:
/// barred cancels them (the family is told), supervised marks them supervised; both flag them
/// for the social team to review. Allowed changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rereview {
    /// Nothing to do.
    None,
    /// Flag for review and mark supervised.
    Supervise,
    /// Cancel with a notice, and flag for review.
    Cancel,
}

/// See [`Rereview`].
pub const fn rereview(level: Level) -> Rereview {
    match level {
        Level::Allowed => Rereview::None,
        Level::Supervised => Rereview::Supervise,
        Level::Barred => Rereview::Cancel,
    }
}

/// The ticked checkboxes of a `name[id]` group, as ids.
pub fn ticked(map: &BTreeMap<String, String>) -> Result<Vec<i64>, AppError> {
    map.keys()
        .map(|id| id.trim().parse::<i64>().map_err(|_| AppError::NotFound))
        .collect()
}

#[cfg(test)]
mod tests;

fn level_words(code: &str) -> Option<Key> {
    Level::parse(code).map(Level::label)
}

fn relationship_words(code: &str) -> Option<Key> {
    Relationship::parse(code).map(Relationship::label)
}

fn status_words(code: &str) -> Option<Key> {
    Status::parse(code).map(Status::label)
}

fn notice_words(code: &str) -> Option<Key> {
    Notice::parse(code).map(Notice::label)
}

fn away_words(code: &str) -> Option<Key> {
    crate::presence::model::AbsenceReason::parse(code)
        .map(crate::presence::model::AbsenceReason::label)
}

/// How a family contact's history reads: the contact and who they may visit.
pub const CONTACT_HISTORY: crate::audit::history::Vocabulary = {
    use crate::audit::history::{Field, Reading};
    &[
        (
            "family_contact",
            &[
                Field {
                    key: "name_km",
                    label: Key::FieldNameKhmer,
                    reading: Reading::Text,
                },
                Field {
                    key: "name_latin",
                    label: Key::FieldNameLatin,
                    reading: Reading::Text,
                },
                Field {
                    key: "relationship",
                    label: Key::VisitsRelationship,
                    reading: Reading::Code(relationship_words),
                },
                Field {
                    key: "phone",
                    label: Key::FieldPhone,
                    reading: Reading::Text,
                },
                Field {
                    key: "id_document",
                    label: Key::VisitsIdDocument,
                    reading: Reading::Text,
                },
            ],
        ),
        (
            "visit_permission",
            &[
                Field {
                    key: "resident_id",
                    label: Key::VisitsChild,
                    reading: Reading::Named,
                },
                Field {
                    key: "level",
                    label: Key::FieldState,
                    reading: Reading::Code(level_words),
                },
                Field {
                    key: "reason",
                    label: Key::FieldReason,
                    reading: Reading::Text,
                },
                Field {
                    key: "decided_on",
                    label: Key::FieldDate,
                    reading: Reading::Date,
                },
            ],
        ),
    ]
};

/// How a booking's history reads.
pub const BOOKING_HISTORY: crate::audit::history::Vocabulary = {
    use crate::audit::history::{Field, Reading};
    &[(
        "visit_booking",
        &[
            Field {
                key: "status",
                label: Key::FieldState,
                reading: Reading::Code(status_words),
            },
            Field {
                key: "notice",
                label: Key::FieldReason,
                reading: Reading::Code(notice_words),
            },
            Field {
                key: "adults",
                label: Key::FieldAdults,
                reading: Reading::Number,
            },
            Field {
                key: "supervised",
                label: Key::DashboardVisitsSupervised,
                reading: Reading::YesNo,
            },
            Field {
                key: "review",
                label: Key::VisitsReview,
                reading: Reading::YesNo,
            },
            Field {
                key: "child_away",
                label: Key::VisitsChildAway,
                reading: Reading::YesNo,
            },
            Field {
                key: "reason",
                label: Key::FieldAbsenceReason,
                reading: Reading::Code(away_words),
            },
            Field {
                key: "walk_in",
                label: Key::VisitsWalkIn,
                reading: Reading::YesNo,
            },
            Field {
                key: "at",
                label: Key::FieldTime,
                reading: Reading::Instant,
            },
        ],
    )]
};
