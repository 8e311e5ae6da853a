//! What the family portal's pages receive and the booking form posts, and how that form
//! reads as a request.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::base::error::AppError;
use crate::visits::model::{Booking, BookingRequest, Child, Relationship, VisitDay, Window};

/// A contact who may lead a visit, as the family's booking form offers them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visitor {
    /// `family_contact.id`.
    pub id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    pub relationship: Relationship,
    /// The visible children they may visit.
    pub children: Vec<i64>,
}

/// A visit day open (or opening) for booking, as a family sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenDay {
    /// The day and its slots with free places.
    pub day: VisitDay,
    /// Whether booking is open yet.
    pub window: Window,
    /// The meal visitors may stay for, in the family's language.
    pub meal: Option<String>,
}

/// A family's booking, with whether it can still be moved or cancelled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyBooking {
    /// The booking (only one whose every child the family sees).
    pub booking: Booking,
    /// Before the cut-off and holding a place.
    pub changeable: bool,
}

/// `/family`: what the signed-in family sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portal {
    pub family_name: String,
    /// The children it may book visits for.
    pub children: Vec<Child>,
    /// Its bookings from today on, and those the centre ended (with their notice).
    pub bookings: Vec<FamilyBooking>,
    /// Visit days to come.
    pub days: Vec<OpenDay>,
}

/// `/family/book?slot=`: the booking form for a slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingForm {
    /// The family booked for (for staff booking on its behalf).
    pub family_id: i64,
    pub family_name: String,
    pub day: OpenDay,
    pub slot_id: i64,
    /// The children it may book for.
    pub children: Vec<Child>,
    /// Who may lead.
    pub visitors: Vec<Visitor>,
    /// The booking being moved, if any, with its choices to start from.
    pub moving: Option<Booking>,
}

/// A booking as its form posts it (`form[child][12]=on`...).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookForm {
    pub slot: i64,
    /// The family (staff booking for a family; ignored for a family, which books for itself).
    #[serde(default)]
    pub family: String,
    /// The booking being moved, or empty.
    #[serde(default)]
    pub moving: String,
    /// The ticked children, by id.
    #[serde(default)]
    pub child: BTreeMap<String, String>,
    /// Who leads.
    #[serde(default)]
    pub contact: String,
    /// Adults coming.
    #[serde(default)]
    pub adults: String,
    /// Of whom staying for the meal.
    #[serde(default)]
    pub meal_heads: String,
}

impl BookForm {
    /// The request it makes: ids that do not read as numbers name nothing (404), counts that
    /// do not read are refused with their field.
    pub fn request(&self) -> Result<(BookingRequest, Option<i64>), AppError> {
        use crate::base::i18n::Key;
        let children = self
            .child
            .keys()
            .map(|id| id.trim().parse::<i64>().map_err(|_| AppError::NotFound))
            .collect::<Result<BTreeSet<i64>, AppError>>()?;
        let contact_id = match self.contact.trim() {
            "" => return Err(AppError::invalid("contact", Key::ProblemChooseLead)),
            id => id.parse::<i64>().map_err(|_| AppError::NotFound)?,
        };
        let adults = self
            .adults
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::invalid("adults", Key::ProblemAdults))?;
        let meal_heads = match self.meal_heads.trim() {
            "" => 0,
            n => n
                .parse::<i64>()
                .map_err(|_| AppError::invalid("meal_heads", Key::ProblemMealHeads))?,
        };
        let moving = match self.moving.trim() {
            "" => None,
            id => Some(id.parse::<i64>().map_err(|_| AppError::NotFound)?),
        };
        Ok((
            BookingRequest {
                slot_id: self.slot,
                children,
                contact_id,
                adults,
                meal_heads,
            },
            moving,
        ))
    }
}
