//! The family portal's server functions. Each starts with `require_family()`, then reads or
//! changes only what belongs to that family: its visible children, its own bookings. Any other
//! id reads as not found, whatever it names.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{Relationship, Window};
use super::view::{Booking, Child, VisitDay};
use crate::base::error::AppError;

/// A contact who may lead a visit, as the family's booking form offers them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visitor {
    /// `family_contact.id`.
    pub id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// Relationship.
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
    /// The family's name.
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
    /// Its name.
    pub family_name: String,
    /// The day.
    pub day: OpenDay,
    /// The slot.
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
    /// The slot.
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
    pub fn request(&self) -> Result<(super::model::BookingRequest, Option<i64>), AppError> {
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
            super::model::BookingRequest {
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

#[cfg(feature = "ssr")]
pub mod load {
    //! Reading what a family sees, for the portal and for staff booking on its behalf.

    use super::*;
    use crate::base::i18n::Lang;
    use crate::visits::model::window;
    use crate::visits::repo::{self, FamilyView};
    use crate::visits::view::BookingFilter;
    use chrono::NaiveDate;
    use sqlx::SqliteConnection;

    /// The names of `ids`, in that order, leaving out any not found.
    pub async fn children(
        conn: &mut SqliteConnection,
        ids: &[i64],
    ) -> Result<Vec<Child>, AppError> {
        let names = crate::residents::repo::resident_names(conn, ids).await?;
        Ok(ids
            .iter()
            .filter_map(|id| {
                names.get(id).map(|(km, latin, _)| Child {
                    id: *id,
                    name_km: km.clone(),
                    name_latin: latin.clone(),
                    away: None,
                })
            })
            .collect())
    }

    /// Visit days from today on, as families see them: not called off, with the meal's name.
    pub async fn days(
        conn: &mut SqliteConnection,
        lang: Lang,
        today: NaiveDate,
        now: i64,
    ) -> Result<Vec<OpenDay>, AppError> {
        let meals = crate::canteen::repo::services(conn, true).await?;
        Ok(repo::visit_days(conn, Some(today))
            .await?
            .into_iter()
            .filter(|d| !d.cancelled)
            .map(|day| OpenDay {
                window: window(day.opens_on, day.closes_at, today, now),
                meal: day.meal_service_id.and_then(|id| {
                    meals
                        .iter()
                        .find(|m| m.id == id)
                        .map(|m| m.name(lang).to_owned())
                }),
                day,
            })
            .collect())
    }

    /// Who may lead a visit among the family's contacts, with the visible children each may
    /// visit; contacts who may visit none of them are left out.
    pub fn visitors(view: &FamilyView) -> Vec<Visitor> {
        view.contacts
            .iter()
            .filter_map(|c| {
                let children: Vec<i64> = view
                    .visible
                    .iter()
                    .copied()
                    .filter(|child| {
                        view.permissions
                            .get(&(c.id, *child))
                            .is_some_and(|l| l.may_visit())
                    })
                    .collect();
                (!children.is_empty()).then(|| Visitor {
                    id: c.id,
                    name_km: c.name_km.clone(),
                    name_latin: c.name_latin.clone(),
                    relationship: c.relationship,
                    children,
                })
            })
            .collect()
    }

    /// A family's bookings as it may see them: only those whose every child it sees, and
    /// nothing of the social team's notes.
    pub async fn family_bookings(
        conn: &mut SqliteConnection,
        family_id: i64,
        visible: &[i64],
        today: NaiveDate,
        now: i64,
    ) -> Result<Vec<FamilyBooking>, AppError> {
        let filter = BookingFilter {
            family_id: Some(family_id),
            ..BookingFilter::default()
        };
        let mut out = Vec::new();
        for mut booking in repo::bookings(conn, &filter).await? {
            let shown = booking.day >= today
                && (booking.status.active() || booking.notice.is_some_and(|n| n.tells_family()))
                && crate::visits::model::family_sees_booking(&booking.children, visible);
            if !shown {
                continue;
            }
            booking.names = children(conn, &booking.children).await?;
            booking.review = false;
            booking.supervised = false;
            out.push(FamilyBooking {
                changeable: crate::visits::model::family_may_change(
                    booking.status,
                    booking.closes_at,
                    now,
                ),
                booking,
            });
        }
        Ok(out)
    }

    /// The booking form for `family_id` and `slot_id`, moving `moving` (the family's own).
    pub async fn booking_form(
        conn: &mut SqliteConnection,
        family_id: i64,
        slot_id: i64,
        moving: Option<i64>,
        lang: Lang,
    ) -> Result<BookingForm, AppError> {
        let today = crate::base::clock::today_at_centre();
        let now = crate::base::clock::now();
        let view = repo::family_view(conn, family_id).await?;
        let day = days(conn, lang, today, now)
            .await?
            .into_iter()
            .find(|d| d.day.slots.iter().any(|s| s.id == slot_id))
            .ok_or(AppError::NotFound)?;
        let moving = match moving {
            None => None,
            Some(id) => Some(
                family_bookings(conn, family_id, &view.visible, today, now)
                    .await?
                    .into_iter()
                    .find(|b| b.booking.id == id && b.changeable)
                    .ok_or(AppError::NotFound)?
                    .booking,
            ),
        };
        let family_name =
            sqlx::query_scalar!("SELECT display_name FROM family WHERE id = ?", family_id)
                .fetch_one(&mut *conn)
                .await?;
        Ok(BookingForm {
            family_id,
            family_name,
            slot_id,
            children: children(conn, &view.visible).await?,
            visitors: visitors(&view),
            day,
            moving,
        })
    }
}

/// The signed-in family's portal: its visible children, bookings and the visit days to come.
/// Families only.
#[server(endpoint = "get_portal")]
pub async fn get_portal() -> Result<Portal, AppError> {
    let family = crate::base::guard::require_family().await?;
    let today = crate::base::clock::today_at_centre();
    let now = crate::base::clock::now();
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let view = super::repo::family_view(&mut conn, family.id).await?;
    let children = load::children(&mut conn, &view.visible).await?;
    let bookings = load::family_bookings(&mut conn, family.id, &view.visible, today, now).await?;
    // A family with no child to visit sees a neutral message, not visit days.
    let days = if children.is_empty() {
        Vec::new()
    } else {
        load::days(&mut conn, family.language, today, now).await?
    };
    Ok(Portal {
        family_name: family.display_name,
        children,
        bookings,
        days,
    })
}

/// The booking form for one of the days' slots, moving one of the family's bookings if
/// `moving` is given. Families only.
#[server(endpoint = "get_booking_form")]
pub async fn get_booking_form(
    slot: i64,
    #[server(default)] moving: Option<i64>,
) -> Result<BookingForm, AppError> {
    let family = crate::base::guard::require_family().await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let form = load::booking_form(&mut conn, family.id, slot, moving, family.language).await?;
    if form.children.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(form)
}

/// Books (or moves) a visit for the signed-in family, under the rules. Families only.
#[server(endpoint = "book_visit")]
pub async fn book_visit(form: BookForm) -> Result<(), AppError> {
    let family = crate::base::guard::require_family().await?;
    let (request, moving) = form.request()?;
    let writer = crate::base::access::Writer::family(&family);
    let booked = super::record::Booked {
        family_id: family.id,
        request: &request,
        moving,
    };
    let today = crate::base::clock::today_at_centre();
    let now = crate::base::clock::now();
    let id = super::record::book(&crate::base::db::pool()?, &writer, &booked, today, now).await?;
    leptos_axum::redirect(&format!("/family?booked={id}#b{id}"));
    Ok(())
}

/// Cancels one of the signed-in family's bookings before the cut-off. Families only.
#[server(endpoint = "cancel_visit")]
pub async fn cancel_visit(booking: i64) -> Result<(), AppError> {
    let family = crate::base::guard::require_family().await?;
    let writer = crate::base::access::Writer::family(&family);
    let now = crate::base::clock::now();
    super::record::cancel_by_family(&crate::base::db::pool()?, &writer, family.id, booking, now)
        .await?;
    leptos_axum::redirect("/family?cancelled=1");
    Ok(())
}
