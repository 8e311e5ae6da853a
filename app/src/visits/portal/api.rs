//! The family portal's server functions. Each starts with `require_family()`, then reads or
//! changes only what belongs to that family: its visible children, its own bookings. Any other
//! id reads as not found, whatever it names.

use leptos::prelude::*;

use super::model::{BookForm, BookingForm, Portal};
use crate::base::error::AppError;

/// The signed-in family's portal: its visible children, bookings and the visit days to come.
/// Families only.
#[server(endpoint = "get_portal")]
pub async fn get_portal() -> Result<Portal, AppError> {
    let family = crate::base::guard::require_family().await?;
    let today = crate::base::clock::today_at_centre();
    let now = crate::base::clock::now();
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let view = crate::visits::repo::family_view(&mut conn, family.id).await?;
    let children = crate::visits::repo::children(&mut conn, &view.visible).await?;
    let bookings =
        super::repo::family_bookings(&mut conn, family.id, &view.visible, today, now).await?;
    // A family with no child to visit sees a neutral message, not visit days.
    let days = if children.is_empty() {
        Vec::new()
    } else {
        super::repo::days(&mut conn, family.language, today, now).await?
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
    let form =
        super::repo::booking_form(&mut conn, family.id, slot, moving, family.language).await?;
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
    let booked = crate::visits::record::Booked {
        family_id: family.id,
        request: &request,
        moving,
    };
    let today = crate::base::clock::today_at_centre();
    let now = crate::base::clock::now();
    let id = crate::visits::record::book(&crate::base::db::pool()?, &writer, &booked, today, now)
        .await?;
    leptos_axum::redirect(&format!("/family?booked={id}#b{id}"));
    Ok(())
}

/// Cancels one of the signed-in family's bookings before the cut-off. Families only.
#[server(endpoint = "cancel_visit")]
pub async fn cancel_visit(booking: i64) -> Result<(), AppError> {
    let family = crate::base::guard::require_family().await?;
    let writer = crate::base::access::Writer::family(&family);
    let now = crate::base::clock::now();
    crate::visits::record::cancel_by_family(
        &crate::base::db::pool()?,
        &writer,
        family.id,
        booking,
        now,
    )
    .await?;
    leptos_axum::redirect("/family?cancelled=1");
    Ok(())
}
