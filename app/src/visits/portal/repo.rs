//! Reading what a family sees, for the portal and for staff booking on its behalf.

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::model::{BookingForm, FamilyBooking, OpenDay, Visitor};
use crate::base::error::AppError;
use crate::base::i18n::Lang;
use crate::visits::model::{BookingFilter, window};
use crate::visits::repo::{self, FamilyView, children};

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
