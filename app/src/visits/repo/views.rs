//! The reads behind the social team's pages: a family's visits with their history, the
//! overview of visit days and the queue, and one visit day with its bookings.

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::{
    bookings, contacts, linked_children, permission_history, permissions, visit_day, visit_days,
};
use crate::audit::history::{self, HistoryEntry, Subject, Vocabulary};
use crate::base::error::AppError;
use crate::base::i18n::Lang;
use crate::visits::model::{
    Booking, BookingFilter, Child, FamilyVisits, LinkedChild, VisitDayPage, VisitsOverview,
};

/// The names of `ids`, in that order, leaving out any not found.
pub async fn children(conn: &mut SqliteConnection, ids: &[i64]) -> Result<Vec<Child>, AppError> {
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

/// Fills in the children's names of `bookings`.
pub async fn with_names(
    conn: &mut SqliteConnection,
    mut bookings: Vec<Booking>,
) -> Result<Vec<Booking>, AppError> {
    for booking in &mut bookings {
        booking.names = children(conn, &booking.children).await?;
    }
    Ok(bookings)
}

/// Meals visitors may stay for: (id, name in `lang`).
async fn meals(conn: &mut SqliteConnection, lang: Lang) -> Result<Vec<(i64, String)>, AppError> {
    Ok(crate::canteen::repo::services(conn, false)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name(lang).to_owned()))
        .collect())
}

/// A family's contacts, children, permissions (with history) and bookings, the histories in
/// full for the admin.
pub async fn family_visits(
    conn: &mut SqliteConnection,
    id: i64,
    admin: bool,
    lang: Lang,
    today: NaiveDate,
) -> Result<FamilyVisits, AppError> {
    let family = sqlx::query!(
        r#"SELECT phone, needs_approval AS "needs_approval: bool" FROM family WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let linked = linked_children(conn, id).await?;
    let ids: Vec<i64> = linked.iter().map(|(id, ..)| *id).collect();
    let names = children(conn, &ids).await?;
    let children = linked
        .iter()
        .zip(names)
        .map(|((_, per_month, approval), child)| LinkedChild {
            child,
            visits_per_month: *per_month,
            needs_approval: *approval,
        })
        .collect();
    let permissions = permissions(conn, id)
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
    let filter = BookingFilter {
        family_id: Some(id),
        ..Default::default()
    };
    let mut bookings = bookings(conn, &filter).await?;
    bookings.reverse();
    let contacts = contacts(conn, id).await?;
    let mut contact_history = Vec::new();
    for contact in &contacts {
        let subject = Subject {
            entity: "family_contact",
            id: contact.id,
            named_in: &[("visit_permission", "contact_id")],
            parts: None,
        };
        let mut entries =
            record_history(conn, &subject, crate::visits::model::CONTACT_HISTORY, admin).await?;
        history::name_values(&mut entries, "resident_id", |resident| {
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
        let subject = Subject {
            entity: "visit_booking",
            id: booking.id,
            named_in: &[],
            parts: None,
        };
        let entries =
            record_history(conn, &subject, crate::visits::model::BOOKING_HISTORY, admin).await?;
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
        history: permission_history(conn, id).await?,
        residents,
        bookings: with_names(conn, bookings).await?,
        today,
    })
}

/// `subject`'s history read with `vocabulary`.
async fn record_history(
    conn: &mut SqliteConnection,
    subject: &Subject,
    vocabulary: Vocabulary,
    admin: bool,
) -> Result<Vec<HistoryEntry>, AppError> {
    Ok(crate::audit::repo::history(conn, subject, 50)
        .await?
        .into_iter()
        .map(|raw| history::entry(raw, vocabulary, admin))
        .collect())
}

/// Visit days from 60 days before `today`, blocked dates from `today` and the queue.
pub async fn overview(
    conn: &mut SqliteConnection,
    today: NaiveDate,
    lang: Lang,
) -> Result<VisitsOverview, AppError> {
    let days = visit_days(conn, Some(today - chrono::Days::new(60))).await?;
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
    let filter = BookingFilter {
        queue: true,
        today: Some(today),
        ..Default::default()
    };
    let queue = bookings(conn, &filter).await?;
    Ok(VisitsOverview {
        today,
        days,
        blocked,
        queue: with_names(conn, queue).await?,
        meals: meals(conn, lang).await?,
    })
}

/// Visit day `id` with its slots, bookings, the meals and the families to book for.
pub async fn visit_day_page(
    conn: &mut SqliteConnection,
    id: i64,
    lang: Lang,
) -> Result<VisitDayPage, AppError> {
    let day = visit_day(conn, id).await?.ok_or(AppError::NotFound)?;
    let filter = BookingFilter {
        day_id: Some(id),
        ..Default::default()
    };
    let bookings = bookings(conn, &filter).await?;
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
        bookings: with_names(conn, bookings).await?,
        meals: meals(conn, lang).await?,
        families,
    })
}
