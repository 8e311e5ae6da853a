//! The social team's server functions: a family's contacts, children and permissions, visit
//! days and slots, blocked dates, the approval and review queue, and booking for a family. The
//! social team and the admin only; everyone else gets 403.

use leptos::prelude::*;

use super::model::{DayForm, FamilyVisits, VisitDayPage, VisitsOverview};
use super::portal::model::{BookForm, BookingForm};
use crate::base::error::AppError;

#[cfg(feature = "ssr")]
use crate::base::{
    access::{Role, Writer},
    i18n::current_lang,
};

/// Who decides about families and visits.
#[cfg(feature = "ssr")]
pub const SOCIAL: [Role; 2] = [Role::SocialTeam, Role::Admin];

/// A family's contacts, children, permissions (with history) and bookings. Social team and
/// admin.
#[server(endpoint = "get_family_visits")]
pub async fn get_family_visits(id: i64) -> Result<FamilyVisits, AppError> {
    let staff = crate::base::guard::require(&SOCIAL).await?;
    let admin = staff.has(Role::Admin);
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let (lang, today) = (current_lang(), crate::base::clock::today_at_centre());
    super::repo::family_visits(&mut conn, id, admin, lang, today).await
}

/// Adds a contact to a family (`contact` 0) or changes one. Social team and admin.
#[server(endpoint = "save_contact")]
pub async fn save_contact(
    family: i64,
    #[server(default)] contact: i64,
    name_km: String,
    name_latin: String,
    relationship: String,
    #[server(default)] phone: String,
    #[server(default)] id_document: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    let input =
        super::model::check_contact(&name_km, &name_latin, &relationship, &phone, &id_document)?;
    let existing = (contact != 0).then_some(contact);
    super::record::save_contact(&w.pool, &w.by, family, existing, &input).await?;
    crate::base::write::saved(&format!("/families/{family}#contacts"))
}

/// Links a current resident to a family, or changes the link's visits a month and approval.
/// Social team and admin.
#[server(endpoint = "link_child")]
pub async fn link_child(
    family: i64,
    resident: i64,
    visits_per_month: String,
    #[server(default)] needs_approval: Option<String>,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    let per_month = visits_per_month.trim().parse::<i64>().map_err(|_| {
        AppError::invalid(
            "visits_per_month",
            crate::base::i18n::Key::ProblemVisitsPerMonth,
        )
    })?;
    super::record::link_child(
        &w.pool,
        &w.by,
        family,
        resident,
        per_month,
        needs_approval.is_some(),
    )
    .await?;
    crate::base::write::saved(&format!("/families/{family}#children"))
}

/// Sets whether all of a family's bookings wait for approval. Social team and admin.
#[server(endpoint = "set_family_approval")]
pub async fn set_family_approval(
    family: i64,
    #[server(default)] needs_approval: Option<String>,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    super::record::set_family_approval(&w.pool, &w.by, family, needs_approval.is_some()).await?;
    crate::base::write::saved(&format!("/families/{family}#children"))
}

/// Records who may visit whom: a contact of the family and one of its children. Barring or
/// restricting flags the contact's future bookings for the child for review (and barring
/// cancels them). Social team and admin.
#[server(endpoint = "set_permission")]
pub async fn set_permission(
    family: i64,
    contact: i64,
    resident: i64,
    level: String,
    reason: String,
    decided_on: String,
) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&SOCIAL).await?;
    let today = crate::base::clock::today_at_centre();
    let input = super::model::check_permission(&level, &reason, &decided_on, today)?;
    let pool = crate::base::db::pool()?;
    let mut conn = pool.acquire().await?;
    let owner = super::repo::contact(&mut conn, contact)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    if owner.family_id != family {
        return Err(AppError::NotFound);
    }
    let done = super::record::set_permission(
        &pool,
        &Writer::staff(&staff),
        contact,
        resident,
        &input,
        today,
        crate::base::clock::now(),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "/families/{family}?saved=1&flagged={}&cancelled={}#permissions",
        done.flagged, done.cancelled
    ));
    Ok(())
}

/// Visit days, blocked dates and the queue. Social team and admin.
#[server(endpoint = "get_visits")]
pub async fn get_visits() -> Result<VisitsOverview, AppError> {
    crate::base::guard::require(&SOCIAL).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let today = crate::base::clock::today_at_centre();
    super::repo::overview(&mut conn, today, current_lang()).await
}

/// Publishes a visit day (`id` 0) or changes one. Social team and admin.
#[server(endpoint = "save_visit_day")]
pub async fn save_visit_day(#[server(default)] id: i64, form: DayForm) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    let input = super::model::check_day(&form, w.today)?;
    let existing = (id != 0).then_some(id);
    let id = super::record::save_day(&w.pool, &w.by, existing, &input).await?;
    crate::base::write::saved(&format!("/visits/days/{id}"))
}

/// A visit day with its slots and bookings. Social team and admin.
#[server(endpoint = "get_visit_day")]
pub async fn get_visit_day(id: i64) -> Result<VisitDayPage, AppError> {
    crate::base::guard::require(&SOCIAL).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    super::repo::visit_day_page(&mut conn, id, current_lang()).await
}

/// Adds a slot to a visit day (`slot` 0) or changes one. Social team and admin.
#[server(endpoint = "save_slot")]
pub async fn save_slot(
    day: i64,
    #[server(default)] slot: i64,
    starts_at: String,
    ends_at: String,
    capacity: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    let checked = super::model::check_slot(&starts_at, &ends_at, &capacity)?;
    let existing = (slot != 0).then_some(slot);
    super::record::save_slot(&w.pool, &w.by, day, existing, checked).await?;
    crate::base::write::saved(&format!("/visits/days/{day}#slots"))
}

/// Calls a visit day off, cancelling its bookings with a notice to each family. Social team
/// and admin.
#[server(endpoint = "cancel_visit_day")]
pub async fn cancel_visit_day(id: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    super::record::cancel_day(&w.pool, &w.by, id).await?;
    crate::base::write::saved(&format!("/visits/days/{id}"))
}

/// Blocks a date for visit days. Social team and admin.
#[server(endpoint = "block_date")]
pub async fn block_date(day: String, reason: String) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    super::record::block_date(&w.pool, &w.by, day, &reason).await?;
    crate::base::write::saved("/visits#blocked")
}

/// Frees a blocked date. Social team and admin.
#[server(endpoint = "unblock_date")]
pub async fn unblock_date(day: String) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    super::record::unblock_date(&w.pool, &w.by, day).await?;
    crate::base::write::saved("/visits#blocked")
}

/// Approves or refuses a pending booking, cancels one for the family, or clears a review flag
/// (`decision`: approve, refuse, cancel, reviewed). Social team and admin.
#[server(endpoint = "decide_booking")]
pub async fn decide_booking(
    booking: i64,
    decision: String,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use super::record::Decision;
    let w = crate::base::write::staff(&SOCIAL).await?;
    let decision = match decision.as_str() {
        "approve" => Decision::Approve,
        "refuse" => Decision::Refuse,
        "cancel" => Decision::Cancel,
        "reviewed" => Decision::Reviewed,
        _ => return Err(AppError::BadRequest),
    };
    super::record::decide(&w.pool, &w.by, booking, decision).await?;
    // Back to the page the decision was taken on, if it is one of ours.
    let back = if back.starts_with("/visits") || back.starts_with("/families/") {
        back
    } else {
        "/visits".to_owned()
    };
    crate::base::write::saved(&format!("{back}#queue"))
}

/// The booking form for a family and a slot, for staff booking on its behalf (a phone call to
/// the office). Social team and admin.
#[server(endpoint = "get_staff_booking_form")]
pub async fn get_staff_booking_form(family: i64, slot: i64) -> Result<BookingForm, AppError> {
    crate::base::guard::require(&SOCIAL).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    super::portal::repo::booking_form(
        &mut conn,
        family,
        slot,
        None,
        crate::base::i18n::current_lang(),
    )
    .await
}

/// Books a visit for a family under the same rules as the family's own booking. Social team
/// and admin.
#[server(endpoint = "staff_book")]
pub async fn staff_book(form: BookForm) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    let family = form
        .family
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let (request, _) = form.request()?;
    let booked = super::record::Booked {
        family_id: family,
        request: &request,
        moving: None,
    };
    super::record::book(&w.pool, &w.by, &booked, w.today, w.now).await?;
    crate::base::write::saved(&format!("/families/{family}#bookings"))
}
