//! The rules of a booking: the visit day's window and its form, a slot's places, once a month,
//! the visitors' permissions and approval, and what a family may still change.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{Permissions, Status, lead_permission};
use crate::base::error::AppError;
use crate::base::fields::{date_field, time_field};
use crate::base::i18n::Key;

/// Where a visit day's booking window stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    /// Not open yet.
    NotYet,
    /// Families may book, move and cancel.
    Open,
    /// Past the cut-off.
    Closed,
}

/// The window of a day opening on `opens_on` (local) and closing at `closes_at`, at `now`.
pub fn window(opens_on: NaiveDate, closes_at: i64, today: NaiveDate, now: i64) -> Window {
    if now >= closes_at {
        Window::Closed
    } else if today < opens_on {
        Window::NotYet
    } else {
        Window::Open
    }
}

/// A visit day as the social team types it in, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayInput {
    pub day: NaiveDate,
    /// When families may start booking (local day).
    pub opens_on: NaiveDate,
    /// The cut-off: the last day and time to book, move or cancel.
    pub closes_on: NaiveDate,
    /// The cut-off time.
    pub closes_time: NaiveTime,
    /// At most this many adults per booking.
    pub max_adults: i64,
    /// The meal visitors may stay for, if any.
    pub meal_service_id: Option<i64>,
    /// A note families read.
    pub note: String,
}

/// The raw visit-day form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayForm {
    pub day: String,
    /// When booking opens.
    pub opens_on: String,
    /// The cut-off day.
    pub closes_on: String,
    /// The cut-off time.
    pub closes_time: String,
    /// Adults per booking.
    pub max_adults: String,
    /// The meal id, or empty.
    #[serde(default)]
    pub meal: String,
    #[serde(default)]
    pub note: String,
}

/// Checks a visit-day form: a day not in the past, booking opening on or before the cut-off,
/// the cut-off on or before the day, 1–10 adults, a note of at most 300 characters.
pub fn check_day(form: &DayForm, today: NaiveDate) -> Result<DayInput, AppError> {
    let day = date_field(&form.day, "day")?;
    if day < today {
        return Err(AppError::invalid("day", Key::ProblemVisitDayPast));
    }
    let opens_on = date_field(&form.opens_on, "opens_on")?;
    let closes_on = date_field(&form.closes_on, "closes_on")?;
    let closes_time = time_field(&form.closes_time, "closes_time")?;
    if closes_on > day || closes_on < opens_on {
        return Err(AppError::invalid("closes_on", Key::ProblemVisitWindow));
    }
    let max_adults = form
        .max_adults
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=10).contains(n))
        .ok_or_else(|| AppError::invalid("max_adults", Key::ProblemMaxAdults))?;
    let meal_service_id = match form.meal.trim() {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| AppError::invalid("meal", Key::ErrorValidation))?,
        ),
    };
    let note = form.note.trim();
    if note.chars().count() > 300 {
        return Err(AppError::invalid("note", Key::ProblemVisitNote));
    }
    Ok(DayInput {
        day,
        opens_on,
        closes_on,
        closes_time,
        max_adults,
        meal_service_id,
        note: note.to_owned(),
    })
}

/// Checks a slot: a start, an end after it, 1–500 places.
pub fn check_slot(
    starts: &str,
    ends: &str,
    capacity: &str,
) -> Result<(NaiveTime, NaiveTime, i64), AppError> {
    let starts = time_field(starts, "starts_at")?;
    let ends = time_field(ends, "ends_at")?;
    if ends <= starts {
        return Err(AppError::invalid("ends_at", Key::ProblemEndsBeforeStart));
    }
    let capacity = capacity
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=500).contains(n))
        .ok_or_else(|| AppError::invalid("capacity", Key::ProblemSlotCapacity))?;
    Ok((starts, ends, capacity))
}

/// The calendar month of a day, as the once-a-month rule counts it: "2026-12".
pub fn month_of(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// A booking asked for, as typed in (by a family or by staff for them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookingRequest {
    pub slot_id: i64,
    /// The children, each once.
    pub children: BTreeSet<i64>,
    /// Who leads the visit.
    pub contact_id: i64,
    /// Adults coming, the lead included.
    pub adults: i64,
    /// Of whom staying for the meal.
    pub meal_heads: i64,
}

/// What the rules need to know about the family, the day and the slot.
#[derive(Clone, Debug, Default)]
pub struct BookingContext {
    /// Today at the centre, and now.
    pub today: NaiveDate,
    /// Now, Unix seconds.
    pub now: i64,
    /// Booking opens.
    pub opens_on: NaiveDate,
    /// The cut-off.
    pub closes_at: i64,
    /// The day was called off.
    pub day_cancelled: bool,
    /// Adults per booking.
    pub max_adults: i64,
    /// The day offers a meal.
    pub has_meal: bool,
    /// Places left in the slot.
    pub free_places: i64,
    /// The children this family sees (see [`visible_children`]).
    pub visible: Vec<i64>,
    /// The family's contacts.
    pub contacts: Vec<i64>,
    /// The family's current permissions.
    pub permissions: Permissions,
    /// For each visible child: its active bookings in the day's month (other than the one being
    /// moved) and how many it may have.
    pub month_use: HashMap<i64, (i64, i64)>,
    /// The family's bookings need approval.
    pub family_needs_approval: bool,
    /// The children whose bookings need approval.
    pub children_needing_approval: BTreeSet<i64>,
    /// The visible children away at some moment of the slot (presence's `away_during`).
    pub away: BTreeSet<i64>,
}

/// What a booking becomes when the rules let it through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Pending (approval needed) or confirmed.
    pub status: Status,
    /// A supervised-only contact leads it.
    pub supervised: bool,
}

/// Checks a booking against the rules, in the order a family would want to hear them. A child
/// or contact the family does not see is `NotFound`, whatever the reason, so that nothing
/// about other families' children can be learnt by trying ids.
pub fn check_booking(request: &BookingRequest, ctx: &BookingContext) -> Result<Decision, AppError> {
    if request.children.is_empty() {
        return Err(AppError::invalid("children", Key::ProblemChooseChild));
    }
    if request
        .children
        .iter()
        .any(|child| !ctx.visible.contains(child))
    {
        return Err(AppError::NotFound);
    }
    if !ctx.contacts.contains(&request.contact_id) {
        return Err(AppError::NotFound);
    }
    let children: Vec<i64> = request.children.iter().copied().collect();
    let supervised = lead_permission(request.contact_id, &children, &ctx.permissions)
        .ok_or_else(|| AppError::invalid("contact", Key::ProblemLeadNotPermitted))?;
    if !(1..=ctx.max_adults).contains(&request.adults) {
        return Err(AppError::invalid("adults", Key::ProblemAdults));
    }
    if request.meal_heads < 0
        || request.meal_heads > request.adults
        || (!ctx.has_meal && request.meal_heads > 0)
    {
        return Err(AppError::invalid("meal_heads", Key::ProblemMealHeads));
    }
    if ctx.day_cancelled {
        return Err(AppError::conflict(Key::ProblemVisitDayCancelled));
    }
    match window(ctx.opens_on, ctx.closes_at, ctx.today, ctx.now) {
        Window::NotYet => return Err(AppError::conflict(Key::ProblemBookingNotOpen)),
        Window::Closed => return Err(AppError::conflict(Key::ProblemBookingClosed)),
        Window::Open => {}
    }
    if children.iter().any(|child| ctx.away.contains(child)) {
        return Err(AppError::conflict(Key::ProblemChildAway));
    }
    for child in &children {
        let (used, allowed) = ctx.month_use.get(child).copied().unwrap_or((0, 1));
        if used >= allowed {
            return Err(AppError::conflict(Key::ProblemMonthlyVisitTaken));
        }
    }
    if ctx.free_places <= 0 {
        return Err(AppError::conflict(Key::ProblemSlotFull));
    }
    let needs_approval = ctx.family_needs_approval
        || children
            .iter()
            .any(|c| ctx.children_needing_approval.contains(c));
    Ok(Decision {
        status: if needs_approval {
            Status::Pending
        } else {
            Status::Confirmed
        },
        supervised,
    })
}

/// Whether a family may still move or cancel a booking: it holds a place and the cut-off has
/// not passed.
pub fn family_may_change(status: Status, closes_at: i64, now: i64) -> bool {
    status.active() && now < closes_at
}
