//! The gate's and home stays' reads: today's visits with each visitor's permissions, the
//! gate's search, and the home stays with who may collect each child.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::model::{
    Collectors, Found, GatePage, GateVisit, HomeStay, HomeStaysPage, gate_visitor, hh_mm,
};
use crate::base::error::AppError;
use crate::visits::model::{BookingFilter, Child, Level, Relationship};
use crate::visits::repo;

/// Today's visits with every family contact's permissions, today's slots, and the people
/// matching `q` (name, phone or document number).
pub async fn gate(
    conn: &mut SqliteConnection,
    q: &str,
    today: NaiveDate,
    now: i64,
) -> Result<GatePage, AppError> {
    let filter = BookingFilter {
        on: Some(today),
        ..Default::default()
    };
    let bookings = repo::bookings(conn, &filter).await?;
    let bookings = repo::with_names(conn, bookings).await?;
    let mut visits = Vec::new();
    for booking in bookings.into_iter().filter(|b| b.status.active()) {
        let permissions = repo::permissions(conn, booking.family_id).await?;
        let came: Vec<i64> = sqlx::query_scalar!(
            "SELECT contact_id FROM visit_visitor WHERE booking_id = ?",
            booking.id
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut visitors = Vec::new();
        for contact in repo::contacts(conn, booking.family_id).await? {
            let here = came.contains(&contact.id);
            visitors.push(gate_visitor(contact, &booking.names, &permissions, here));
        }
        visits.push(GateVisit { booking, visitors });
    }
    let slots = repo::visit_days(conn, Some(today))
        .await?
        .into_iter()
        .find(|d| d.day == today && !d.cancelled)
        .map(|d| d.slots)
        .unwrap_or_default();
    let query = q.trim().to_owned();
    let mut found = Vec::new();
    if query.chars().count() >= 2 {
        // The words typed, in order, anywhere in a name; typed wildcards match literally.
        let pattern = crate::base::db::contains_pattern(&query).replace(' ', "%");
        let digits: String = query.chars().filter(char::is_ascii_digit).collect();
        let phone = if digits.len() >= 3 {
            format!("%{digits}%")
        } else {
            "-".to_owned()
        };
        let ids = sqlx::query_scalar!(
            r#"SELECT id AS "id!: i64" FROM family_contact
               WHERE name_km LIKE ?1 ESCAPE '\' OR name_latin LIKE ?1 ESCAPE '\'
                  OR id_document LIKE ?1 ESCAPE '\' OR phone LIKE ?2
               ORDER BY name_latin LIMIT 20"#,
            pattern,
            phone
        )
        .fetch_all(&mut *conn)
        .await?;
        for id in ids {
            let Some(contact) = repo::contact(conn, id).await? else {
                continue;
            };
            let family_name = sqlx::query_scalar!(
                "SELECT display_name FROM family WHERE id = ?",
                contact.family_id
            )
            .fetch_one(&mut *conn)
            .await?;
            let linked: Vec<i64> = repo::linked_children(conn, contact.family_id)
                .await?
                .into_iter()
                .map(|(id, ..)| id)
                .collect();
            let children = repo::children(conn, &linked).await?;
            let permissions = repo::permissions(conn, contact.family_id).await?;
            found.push(Found {
                family_name,
                visitor: gate_visitor(contact, &children, &permissions, false),
            });
        }
    }
    // Each child shown, as away now when presence says so.
    let mut shown: Vec<i64> = visits
        .iter()
        .flat_map(|v| v.booking.children.iter().copied())
        .collect();
    shown.extend(
        found
            .iter()
            .flat_map(|f| f.visitor.levels.iter().map(|(child, _)| child.id)),
    );
    let away = crate::presence::repo::away_during(conn, &shown, now, now + 1).await?;
    let mark = |child: &mut Child| child.away = away.get(&child.id).copied();
    for visit in &mut visits {
        visit.booking.names.iter_mut().for_each(mark);
        for visitor in &mut visit.visitors {
            visitor.levels.iter_mut().for_each(|(child, _)| mark(child));
        }
    }
    for f in &mut found {
        f.visitor
            .levels
            .iter_mut()
            .for_each(|(child, _)| mark(child));
    }
    Ok(GatePage {
        today,
        visits,
        slots,
        query,
        found,
    })
}

/// Home stays not over yet and those of the last 30 days, with who may collect each child,
/// and (`can_approve`) the children and contacts the approval form offers.
pub async fn home_stays(
    conn: &mut SqliteConnection,
    today: NaiveDate,
    can_approve: bool,
) -> Result<HomeStaysPage, AppError> {
    let since = today - chrono::Days::new(30);
    let rows = sqlx::query!(
        r#"SELECT h.id AS "id!: i64", h.resident_id, h.contact_id, h.from_on AS "from_on: NaiveDate",
                  h.until_on AS "until_on: NaiveDate", h.note, h.cancelled AS "cancelled: bool",
                  h.left_at, h.returned_at, s.display_name AS "handed_over_by?",
                  c.name_latin AS "collected_by?", a.starts_at, a.ends_at
           FROM home_stay h
           JOIN absence a ON a.id = h.absence_id
           LEFT JOIN staff_user s ON s.id = h.handed_over_by
           LEFT JOIN family_contact c ON c.id = h.collected_by
           WHERE h.until_on >= ? OR (h.left_at IS NOT NULL AND h.returned_at IS NULL)
           ORDER BY h.from_on, h.id"#,
        since
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut stays = Vec::new();
    let mut collectors = BTreeMap::new();
    for r in rows {
        let contact = repo::contact(conn, r.contact_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let child = repo::children(conn, &[r.resident_id])
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound)?;
        let permissions = repo::permissions(conn, contact.family_id).await?;
        let allowed: Collectors = repo::contacts(conn, contact.family_id)
            .await?
            .into_iter()
            .filter(|c| permissions.get(&(c.id, r.resident_id)) == Some(&Level::Allowed))
            .map(|c| {
                (
                    c.id,
                    format!("{} ({})", c.name_km, c.name_latin),
                    c.relationship,
                )
            })
            .collect();
        collectors.insert(r.id, allowed);
        stays.push(HomeStay {
            id: r.id,
            child,
            contact,
            from_on: r.from_on,
            until_on: r.until_on,
            from_time: hh_mm(r.starts_at),
            until_time: r.ends_at.map(hh_mm).unwrap_or_default(),
            // The note names relatives and why: the social team's and the admin's only.
            note: if can_approve { r.note } else { String::new() },
            cancelled: r.cancelled,
            left: r.left_at.map(|at| {
                (
                    at,
                    r.handed_over_by.clone().unwrap_or_default(),
                    r.collected_by.clone().unwrap_or_default(),
                )
            }),
            returned_at: r.returned_at,
        });
    }
    let mut choices: Vec<(Child, Collectors)> = Vec::new();
    if can_approve {
        let pairs = sqlx::query!(
            r#"SELECT r.id AS "resident_id!: i64", r.name_km, r.name_latin,
                      c.id AS "contact_id!: i64", c.name_km AS contact_km,
                      c.name_latin AS contact_latin, c.relationship
               FROM current_permission p
               JOIN resident r ON r.id = p.resident_id
               JOIN family_contact c ON c.id = p.contact_id
               JOIN family_child fc ON fc.family_id = c.family_id AND fc.resident_id = r.id
               WHERE p.level = 'allowed' AND r.left_on IS NULL
               ORDER BY r.name_latin, c.name_latin"#
        )
        .fetch_all(&mut *conn)
        .await?;
        for p in pairs {
            let contact = (
                p.contact_id,
                format!("{} ({})", p.contact_km, p.contact_latin),
                Relationship::parse(&p.relationship).unwrap_or(Relationship::Other),
            );
            match choices.last_mut() {
                Some((child, contacts)) if child.id == p.resident_id => contacts.push(contact),
                _ => choices.push((
                    Child {
                        id: p.resident_id,
                        name_km: p.name_km,
                        name_latin: p.name_latin,
                        away: None,
                    },
                    vec![contact],
                )),
            }
        }
    }
    Ok(HomeStaysPage {
        today,
        stays,
        choices,
        collectors,
        can_approve,
    })
}
