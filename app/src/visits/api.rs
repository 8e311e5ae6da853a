//! The social team's server functions: a family's contacts, children and permissions, visit
//! days and slots, blocked dates, the approval and review queue, and booking for a family. The
//! social team and the admin only; everyone else gets 403.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{DayForm, Level};
use super::portal::{BookForm, BookingForm};
use super::view::{Booking, Child, Contact, PermissionEntry, VisitDay};
use crate::base::error::AppError;

#[cfg(feature = "ssr")]
use crate::base::access::{Role, Writer};

/// Who decides about families and visits.
#[cfg(feature = "ssr")]
pub const SOCIAL: [Role; 2] = [Role::SocialTeam, Role::Admin];

/// A child linked to a family, with the link's terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedChild {
    /// The child.
    pub child: Child,
    /// Visits a calendar month.
    pub visits_per_month: i64,
    /// Bookings need approval.
    pub needs_approval: bool,
}

/// The visits part of `/families/:id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyVisits {
    /// The family.
    pub family_id: i64,
    /// The phone it signs in with (a contact with this phone holds the account).
    pub family_phone: String,
    /// Every booking of the family needs approval.
    pub needs_approval: bool,
    /// Its contacts.
    pub contacts: Vec<Contact>,
    /// Its children.
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
    /// Today.
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
    /// The day.
    pub day: VisitDay,
    /// Its bookings.
    pub bookings: Vec<Booking>,
    /// Meals visitors may stay for.
    pub meals: Vec<(i64, String)>,
    /// Families, to book for one: (id, name, phone).
    pub families: Vec<(i64, String, String)>,
}

/// Fills in the children's names of `bookings`.
#[cfg(feature = "ssr")]
pub(crate) async fn with_names(
    conn: &mut sqlx::SqliteConnection,
    mut bookings: Vec<Booking>,
) -> Result<Vec<Booking>, AppError> {
    for booking in &mut bookings {
        booking.names = super::portal::load::children(conn, &booking.children).await?;
    }
    Ok(bookings)
}

#[cfg(feature = "ssr")]
async fn meals(conn: &mut sqlx::SqliteConnection) -> Result<Vec<(i64, String)>, AppError> {
    let lang = crate::base::i18n::current_lang();
    Ok(crate::canteen::repo::services(conn, false)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name(lang).to_owned()))
        .collect())
}

/// A family's contacts, children, permissions (with history) and bookings. Social team and
/// admin.
#[server(endpoint = "get_family_visits")]
pub async fn get_family_visits(id: i64) -> Result<FamilyVisits, AppError> {
    let staff = crate::base::guard::require(&SOCIAL).await?;
    let admin = staff.has(crate::base::access::Role::Admin);
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let family = sqlx::query!(
        r#"SELECT phone, needs_approval AS "needs_approval: bool" FROM family WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let linked = super::repo::linked_children(&mut conn, id).await?;
    let ids: Vec<i64> = linked.iter().map(|(id, ..)| *id).collect();
    let names = super::portal::load::children(&mut conn, &ids).await?;
    let children = linked
        .iter()
        .zip(names)
        .map(|((_, per_month, approval), child)| LinkedChild {
            child,
            visits_per_month: *per_month,
            needs_approval: *approval,
        })
        .collect();
    let permissions = super::repo::permissions(&mut conn, id)
        .await?
        .into_iter()
        .map(|((contact, child), level)| (contact, child, level))
        .collect();
    let residents: Vec<Child> = sqlx::query!(
        r#"SELECT id AS "id!: i64", name_km, name_latin FROM resident
           WHERE left_on IS NULL ORDER BY name_latin"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| Child {
        id: r.id,
        name_km: r.name_km,
        name_latin: r.name_latin,
        away: None,
    })
    .collect();
    let filter = super::view::BookingFilter {
        family_id: Some(id),
        ..Default::default()
    };
    let mut bookings = super::repo::bookings(&mut conn, &filter).await?;
    bookings.reverse();
    let contacts = super::repo::contacts(&mut conn, id).await?;
    let mut contact_history = Vec::new();
    for contact in &contacts {
        let subject = crate::audit::history::Subject {
            entity: "family_contact",
            id: contact.id,
            named_in: &[("visit_permission", "contact_id")],
            parts: None,
        };
        let mut entries =
            record_history(&mut conn, &subject, super::model::CONTACT_HISTORY, admin).await?;
        let lang = crate::base::i18n::current_lang();
        crate::audit::history::name_values(&mut entries, "resident_id", |resident| {
            residents
                .iter()
                .find(|r| r.id.to_string() == resident)
                .map(|r| {
                    crate::residents::pages::resident_name(
                        crate::base::i18n::I18n { lang },
                        &r.name_km,
                        &r.name_latin,
                    )
                })
        });
        contact_history.push((contact.id, entries));
    }
    let mut booking_history = Vec::new();
    for booking in &bookings {
        let subject = crate::audit::history::Subject {
            entity: "visit_booking",
            id: booking.id,
            named_in: &[],
            parts: None,
        };
        let entries =
            record_history(&mut conn, &subject, super::model::BOOKING_HISTORY, admin).await?;
        booking_history.push((booking.id, entries));
    }
    Ok(FamilyVisits {
        contact_history,
        booking_history,
        family_id: id,
        family_phone: family.phone,
        needs_approval: family.needs_approval,
        contacts,
        children,
        permissions,
        history: super::repo::permission_history(&mut conn, id).await?,
        residents,
        bookings: with_names(&mut conn, bookings).await?,
        today: crate::base::clock::today_at_centre(),
    })
}

/// `subject`'s history read with `vocabulary`.
#[cfg(feature = "ssr")]
async fn record_history(
    conn: &mut sqlx::SqliteConnection,
    subject: &crate::audit::history::Subject,
    vocabulary: crate::audit::history::Vocabulary,
    admin: bool,
) -> Result<Vec<crate::audit::history::HistoryEntry>, AppError> {
    Ok(crate::audit::repo::history(conn, subject, 50)
        .await?
        .into_iter()
        .map(|raw| crate::audit::history::entry(raw, vocabulary, admin))
        .collect())
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
    let staff = crate::base::guard::require(&SOCIAL).await?;
    let input =
        super::model::check_contact(&name_km, &name_latin, &relationship, &phone, &id_document)?;
    let existing = (contact != 0).then_some(contact);
    super::record::save_contact(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        family,
        existing,
        &input,
    )
    .await?;
    leptos_axum::redirect(&format!("/families/{family}?saved=1#contacts"));
    Ok(())
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
    let staff = crate::base::guard::require(&SOCIAL).await?;
    let per_month = visits_per_month.trim().parse::<i64>().map_err(|_| {
        AppError::invalid(
            "visits_per_month",
            crate::base::i18n::Key::ProblemVisitsPerMonth,
        )
    })?;
    super::record::link_child(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        family,
        resident,
        per_month,
        needs_approval.is_some(),
    )
    .await?;
    leptos_axum::redirect(&format!("/families/{family}?saved=1#children"));
    Ok(())
}

/// Sets whether all of a family's bookings wait for approval. Social team and admin.
#[server(endpoint = "set_family_approval")]
pub async fn set_family_approval(
    family: i64,
    #[server(default)] needs_approval: Option<String>,
) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&SOCIAL).await?;
    super::record::set_family_approval(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        family,
        needs_approval.is_some(),
    )
    .await?;
    leptos_axum::redirect(&format!("/families/{family}?saved=1#children"));
    Ok(())
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
    let today = crate::base::clock::today_at_centre();
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let days = super::repo::visit_days(&mut conn, Some(today - chrono::Days::new(60))).await?;
    let blocked = sqlx::query!(
        r#"SELECT day AS "day: NaiveDate", reason FROM visit_blocked_date
           WHERE day >= ? ORDER BY day"#,
        today
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.day, r.reason))
    .collect();
    let filter = super::view::BookingFilter {
        queue: true,
        today: Some(today),
        ..Default::default()
    };
    let queue = super::repo::bookings(&mut conn, &filter).await?;
    Ok(VisitsOverview {
        today,
        days,
        blocked,
        queue: with_names(&mut conn, queue).await?,
        meals: meals(&mut conn).await?,
    })
}

/// Publishes a visit day (`id` 0) or changes one. Social team and admin.
#[server(endpoint = "save_visit_day")]
pub async fn save_visit_day(#[server(default)] id: i64, form: DayForm) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&SOCIAL).await?;
    let today = crate::base::clock::today_at_centre();
    let input = super::model::check_day(&form, today)?;
    let existing = (id != 0).then_some(id);
    let id = super::record::save_day(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        existing,
        &input,
    )
    .await?;
    leptos_axum::redirect(&format!("/visits/days/{id}?saved=1"));
    Ok(())
}

/// A visit day with its slots and bookings. Social team and admin.
#[server(endpoint = "get_visit_day")]
pub async fn get_visit_day(id: i64) -> Result<VisitDayPage, AppError> {
    crate::base::guard::require(&SOCIAL).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let day = super::repo::visit_day(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let filter = super::view::BookingFilter {
        day_id: Some(id),
        ..Default::default()
    };
    let bookings = super::repo::bookings(&mut conn, &filter).await?;
    let families = sqlx::query!(
        r#"SELECT id AS "id!: i64", display_name, phone FROM family
           WHERE active = 1 ORDER BY display_name"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.id, r.display_name, r.phone))
    .collect();
    Ok(VisitDayPage {
        day,
        bookings: with_names(&mut conn, bookings).await?,
        meals: meals(&mut conn).await?,
        families,
    })
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
    let staff = crate::base::guard::require(&SOCIAL).await?;
    let checked = super::model::check_slot(&starts_at, &ends_at, &capacity)?;
    let existing = (slot != 0).then_some(slot);
    super::record::save_slot(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        day,
        existing,
        checked,
    )
    .await?;
    leptos_axum::redirect(&format!("/visits/days/{day}?saved=1#slots"));
    Ok(())
}

/// Calls a visit day off, cancelling its bookings with a notice to each family. Social team
/// and admin.
#[server(endpoint = "cancel_visit_day")]
pub async fn cancel_visit_day(id: i64) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&SOCIAL).await?;
    super::record::cancel_day(&crate::base::db::pool()?, &Writer::staff(&staff), id).await?;
    leptos_axum::redirect(&format!("/visits/days/{id}?saved=1"));
    Ok(())
}

/// Blocks a date for visit days. Social team and admin.
#[server(endpoint = "block_date")]
pub async fn block_date(day: String, reason: String) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&SOCIAL).await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    super::record::block_date(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        day,
        &reason,
    )
    .await?;
    leptos_axum::redirect("/visits?saved=1#blocked");
    Ok(())
}

/// Frees a blocked date. Social team and admin.
#[server(endpoint = "unblock_date")]
pub async fn unblock_date(day: String) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&SOCIAL).await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    super::record::unblock_date(&crate::base::db::pool()?, &Writer::staff(&staff), day).await?;
    leptos_axum::redirect("/visits?saved=1#blocked");
    Ok(())
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
    let staff = crate::base::guard::require(&SOCIAL).await?;
    let decision = match decision.as_str() {
        "approve" => Decision::Approve,
        "refuse" => Decision::Refuse,
        "cancel" => Decision::Cancel,
        "reviewed" => Decision::Reviewed,
        _ => return Err(AppError::BadRequest),
    };
    super::record::decide(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        booking,
        decision,
    )
    .await?;
    // Back to the page the decision was taken on, if it is one of ours.
    let back = if back.starts_with("/visits") || back.starts_with("/families/") {
        back
    } else {
        "/visits".to_owned()
    };
    leptos_axum::redirect(&format!(
        "{}{}saved=1#queue",
        back,
        if back.contains('?') { "&" } else { "?" }
    ));
    Ok(())
}

/// The booking form for a family and a slot, for staff booking on its behalf (a phone call to
/// the office). Social team and admin.
#[server(endpoint = "get_staff_booking_form")]
pub async fn get_staff_booking_form(family: i64, slot: i64) -> Result<BookingForm, AppError> {
    crate::base::guard::require(&SOCIAL).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    super::portal::load::booking_form(
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
    let staff = crate::base::guard::require(&SOCIAL).await?;
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
    let today = crate::base::clock::today_at_centre();
    super::record::book(
        &crate::base::db::pool()?,
        &Writer::staff(&staff),
        &booked,
        today,
        crate::base::clock::now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/families/{family}?saved=1#bookings"));
    Ok(())
}

/// The ticked checkboxes of a `name[id]` group, as ids.
pub fn ticked(map: &BTreeMap<String, String>) -> Result<Vec<i64>, AppError> {
    map.keys()
        .map(|id| id.trim().parse::<i64>().map_err(|_| AppError::NotFound))
        .collect()
}
