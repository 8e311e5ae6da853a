//! Reading and writing visits: contacts, permissions, visit days and slots, bookings.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveTime};
use sqlx::SqliteConnection;

use super::model::{
    Booking, BookingContext, Contact, ContactInput, ContactPhone, Level, Notice, PermissionEntry,
    Permissions, Relationship, Slot, Status, VisitDay, month_of, visible_children,
};
use crate::base::error::AppError;

mod views;
pub use views::*;

/// A `family_contact` row.
struct ContactRow {
    id: i64,
    family_id: i64,
    name_km: String,
    name_latin: String,
    relationship: String,
    phone: Option<String>,
    id_document: Option<String>,
}

impl From<ContactRow> for Contact {
    fn from(r: ContactRow) -> Self {
        Contact {
            id: r.id,
            family_id: r.family_id,
            name_km: r.name_km,
            name_latin: r.name_latin,
            relationship: Relationship::parse(&r.relationship).unwrap_or(Relationship::Other),
            phone: r.phone,
            id_document: r.id_document,
        }
    }
}

/// A family's contacts.
pub async fn contacts(
    conn: &mut SqliteConnection,
    family_id: i64,
) -> Result<Vec<Contact>, sqlx::Error> {
    let rows = sqlx::query_as!(
        ContactRow,
        r#"SELECT id AS "id!: i64", family_id, name_km, name_latin, relationship, phone, id_document
           FROM family_contact WHERE family_id = ? ORDER BY id"#,
        family_id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(Contact::from).collect())
}

/// One contact, with its family.
pub async fn contact(conn: &mut SqliteConnection, id: i64) -> Result<Option<Contact>, sqlx::Error> {
    let row = sqlx::query_as!(
        ContactRow,
        r#"SELECT id AS "id!: i64", family_id, name_km, name_latin, relationship, phone, id_document
           FROM family_contact WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(Contact::from))
}

/// Adds a contact to a family; returns its id.
pub async fn insert_contact(
    conn: &mut SqliteConnection,
    family_id: i64,
    input: &ContactInput,
) -> Result<i64, sqlx::Error> {
    let relationship = input.relationship.code();
    sqlx::query_scalar!(
        r#"INSERT INTO family_contact (family_id, name_km, name_latin, relationship, phone, id_document)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        family_id,
        input.name_km,
        input.name_latin,
        relationship,
        input.phone,
        input.id_document
    )
    .fetch_one(conn)
    .await
}

/// Changes a contact.
pub async fn update_contact(
    conn: &mut SqliteConnection,
    id: i64,
    input: &ContactInput,
) -> Result<(), sqlx::Error> {
    let relationship = input.relationship.code();
    sqlx::query!(
        "UPDATE family_contact SET name_km = ?, name_latin = ?, relationship = ?, phone = ?,
                id_document = ? WHERE id = ?",
        input.name_km,
        input.name_latin,
        relationship,
        input.phone,
        input.id_document,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A family's linked children: (resident, visits a month, needs approval).
pub async fn linked_children(
    conn: &mut SqliteConnection,
    family_id: i64,
) -> Result<Vec<(i64, i64, bool)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT fc.resident_id AS "resident_id!: i64", fc.visits_per_month,
                  fc.needs_approval AS "needs_approval: bool"
           FROM family_child fc JOIN resident r ON r.id = fc.resident_id
           WHERE fc.family_id = ? AND r.left_on IS NULL
           ORDER BY r.name_latin"#,
        family_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.resident_id, r.visits_per_month, r.needs_approval))
        .collect())
}

/// Links a child to a family, or changes the link's terms.
pub async fn upsert_link(
    conn: &mut SqliteConnection,
    family_id: i64,
    resident_id: i64,
    visits_per_month: i64,
    needs_approval: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO family_child (family_id, resident_id, visits_per_month, needs_approval)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (family_id, resident_id)
         DO UPDATE SET visits_per_month = excluded.visits_per_month,
                       needs_approval = excluded.needs_approval",
        family_id,
        resident_id,
        visits_per_month,
        needs_approval
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The current decisions about a family's contacts.
pub async fn permissions(
    conn: &mut SqliteConnection,
    family_id: i64,
) -> Result<Permissions, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT p.contact_id AS "contact_id!: i64", p.resident_id AS "resident_id!: i64",
                  p.level AS "level!: String"
           FROM current_permission p JOIN family_contact c ON c.id = p.contact_id
           WHERE c.family_id = ?"#,
        family_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some(((r.contact_id, r.resident_id), Level::parse(&r.level)?)))
        .collect())
}

/// Every decision about a family's contacts, newest first.
pub async fn permission_history(
    conn: &mut SqliteConnection,
    family_id: i64,
) -> Result<Vec<PermissionEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT p.id AS "id!: i64", p.contact_id, p.resident_id, p.level, p.reason,
                  p.decided_on AS "decided_on: NaiveDate", s.display_name AS decided_by
           FROM visit_permission p
           JOIN family_contact c ON c.id = p.contact_id
           JOIN staff_user s ON s.id = p.decided_by
           WHERE c.family_id = ? ORDER BY p.id DESC"#,
        family_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PermissionEntry {
            id: r.id,
            contact_id: r.contact_id,
            resident_id: r.resident_id,
            level: Level::parse(&r.level).unwrap_or(Level::Barred),
            reason: r.reason,
            decided_on: r.decided_on,
            decided_by: r.decided_by,
        })
        .collect())
}

/// Records a decision; returns its id.
pub async fn insert_permission(
    conn: &mut SqliteConnection,
    contact_id: i64,
    resident_id: i64,
    input: &super::model::PermissionInput,
    staff_id: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let level = input.level.code();
    sqlx::query_scalar!(
        r#"INSERT INTO visit_permission (contact_id, resident_id, level, reason, decided_on, decided_by, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        contact_id,
        resident_id,
        level,
        input.reason,
        input.decided_on,
        staff_id,
        now
    )
    .fetch_one(conn)
    .await
}

/// The children a family account sees (see [`visible_children`]), with the data the rules
/// need: the linked children's terms, the contacts and permissions.
pub struct FamilyView {
    /// Visible children.
    pub visible: Vec<i64>,
    /// Each linked child's visits a month and approval.
    pub terms: HashMap<i64, (i64, bool)>,
    /// The family's contacts.
    pub contacts: Vec<Contact>,
    /// Their current permissions.
    pub permissions: Permissions,
    /// Every booking of the family needs approval.
    pub needs_approval: bool,
}

/// What a family may see and do, read in one place for the portal and for bookings.
pub async fn family_view(
    conn: &mut SqliteConnection,
    family_id: i64,
) -> Result<FamilyView, AppError> {
    let family = sqlx::query!(
        r#"SELECT phone, needs_approval AS "needs_approval: bool" FROM family WHERE id = ?"#,
        family_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let linked = linked_children(conn, family_id).await?;
    let contacts = contacts(conn, family_id).await?;
    let permissions = permissions(conn, family_id).await?;
    let phones: Vec<ContactPhone> = contacts
        .iter()
        .map(|c| ContactPhone {
            id: c.id,
            phone: c.phone.clone(),
        })
        .collect();
    let ids: Vec<i64> = linked.iter().map(|(id, _, _)| *id).collect();
    let visible = visible_children(&ids, &phones, &permissions, &family.phone);
    Ok(FamilyView {
        visible,
        terms: linked
            .into_iter()
            .map(|(id, per_month, approval)| (id, (per_month, approval)))
            .collect(),
        contacts,
        permissions,
        needs_approval: family.needs_approval,
    })
}

/// A visit day's row.
struct DayRow {
    id: i64,
    day: NaiveDate,
    opens_on: NaiveDate,
    closes_at: i64,
    max_adults: i64,
    meal_service_id: Option<i64>,
    note: String,
    cancelled: bool,
}

impl From<DayRow> for VisitDay {
    fn from(r: DayRow) -> Self {
        VisitDay {
            id: r.id,
            day: r.day,
            opens_on: r.opens_on,
            closes_at: r.closes_at,
            max_adults: r.max_adults,
            meal_service_id: r.meal_service_id,
            note: r.note,
            cancelled: r.cancelled,
            slots: Vec::new(),
        }
    }
}

/// Visit days from `from` on (all when `None`), each with its slots and places taken.
pub async fn visit_days(
    conn: &mut SqliteConnection,
    from: Option<NaiveDate>,
) -> Result<Vec<VisitDay>, sqlx::Error> {
    days_where(conn, from, None).await
}

/// One visit day with its slots.
pub async fn visit_day(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<VisitDay>, sqlx::Error> {
    Ok(days_where(conn, None, Some(id)).await?.into_iter().next())
}

/// The visit days from `from` on, or the one `id`, with their slots.
async fn days_where(
    conn: &mut SqliteConnection,
    from: Option<NaiveDate>,
    id: Option<i64>,
) -> Result<Vec<VisitDay>, sqlx::Error> {
    let days = sqlx::query_as!(
        DayRow,
        r#"SELECT id AS "id!: i64", day AS "day: NaiveDate", opens_on AS "opens_on: NaiveDate",
                  closes_at, max_adults, meal_service_id, note, cancelled AS "cancelled: bool"
           FROM visit_day WHERE (?1 IS NULL OR day >= ?1) AND (?2 IS NULL OR id = ?2)
           ORDER BY day"#,
        from,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let slots = sqlx::query!(
        r#"SELECT s.id AS "id!: i64", s.visit_day_id, s.starts_at AS "starts_at: NaiveTime",
                  s.ends_at AS "ends_at: NaiveTime", s.capacity,
                  (SELECT count(*) FROM visit_booking b
                   WHERE b.slot_id = s.id AND b.status IN ('pending', 'confirmed')) AS "taken!: i64"
           FROM visit_slot s JOIN visit_day d ON d.id = s.visit_day_id
           WHERE (?1 IS NULL OR d.day >= ?1) AND (?2 IS NULL OR d.id = ?2)
           ORDER BY s.starts_at"#,
        from,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut days: Vec<VisitDay> = days.into_iter().map(VisitDay::from).collect();
    for s in slots {
        if let Some(day) = days.iter_mut().find(|d| d.id == s.visit_day_id) {
            day.slots.push(Slot {
                id: s.id,
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                capacity: s.capacity,
                taken: s.taken,
            });
        }
    }
    Ok(days)
}

/// The visit day a slot belongs to.
pub async fn day_of_slot(
    conn: &mut SqliteConnection,
    slot_id: i64,
) -> Result<Option<VisitDay>, sqlx::Error> {
    let day_id = sqlx::query_scalar!("SELECT visit_day_id FROM visit_slot WHERE id = ?", slot_id)
        .fetch_optional(&mut *conn)
        .await?;
    match day_id {
        Some(id) => visit_day(conn, id).await,
        None => Ok(None),
    }
}

/// A slot's span on its day, as instants: from its start until its end.
pub fn slot_span(day: NaiveDate, slot: &super::model::Slot) -> (i64, i64) {
    use crate::presence::model::instant;
    (instant(day, slot.starts_at), instant(day, slot.ends_at))
}

/// Everything [`super::model::check_booking`] needs for `family_id` booking `slot_id`, with
/// `moving` (a booking being moved) not counted against the month.
pub async fn booking_context(
    conn: &mut SqliteConnection,
    family_id: i64,
    slot_id: i64,
    moving: Option<i64>,
    today: NaiveDate,
    now: i64,
) -> Result<(BookingContext, VisitDay), AppError> {
    let day = day_of_slot(conn, slot_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let slot = day
        .slots
        .iter()
        .find(|s| s.id == slot_id)
        .ok_or(AppError::NotFound)?;
    let view = family_view(conn, family_id).await?;
    let month = month_of(day.day);
    let mut month_use = HashMap::new();
    for child in &view.visible {
        let used = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM visit_booking_child c
               JOIN visit_booking b ON b.id = c.booking_id
               WHERE c.resident_id = ? AND c.month = ? AND b.status IN ('pending', 'confirmed')
                 AND b.id IS NOT ?"#,
            child,
            month,
            moving
        )
        .fetch_one(&mut *conn)
        .await?;
        let allowed = view.terms.get(child).map_or(1, |(n, _)| *n);
        month_use.insert(*child, (used, allowed));
    }
    let free_places = slot.capacity - slot.taken;
    let (starts, ends) = slot_span(day.day, slot);
    let away = crate::presence::repo::away_during(conn, &view.visible, starts, ends)
        .await?
        .into_keys()
        .collect();
    let context = BookingContext {
        today,
        now,
        opens_on: day.opens_on,
        closes_at: day.closes_at,
        day_cancelled: day.cancelled,
        max_adults: day.max_adults,
        has_meal: day.meal_service_id.is_some(),
        free_places,
        visible: view.visible,
        contacts: view.contacts.iter().map(|c| c.id).collect(),
        permissions: view.permissions,
        month_use,
        family_needs_approval: view.needs_approval,
        children_needing_approval: view
            .terms
            .iter()
            .filter(|(_, (_, approval))| *approval)
            .map(|(id, _)| *id)
            .collect::<BTreeSet<i64>>(),
        away,
    };
    Ok((context, day))
}

/// Stores a booking and its children; returns its id. The schema refuses a full slot, a child
/// not linked, a lead not permitted and a month already taken.
pub async fn insert_booking(
    conn: &mut SqliteConnection,
    new: &super::model::NewBooking,
) -> Result<i64, sqlx::Error> {
    let status = new.status.code();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO visit_booking (slot_id, family_id, contact_id, adults, meal_heads, status,
                                      supervised, walk_in, booked_by_staff, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        new.slot_id,
        new.family_id,
        new.contact_id,
        new.adults,
        new.meal_heads,
        status,
        new.supervised,
        new.walk_in,
        new.booked_by_staff,
        new.created_at
    )
    .fetch_one(&mut *conn)
    .await?;
    for child in &new.children {
        sqlx::query!(
            "INSERT INTO visit_booking_child (booking_id, resident_id, month) VALUES (?, ?, ?)",
            id,
            child,
            new.month
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// Bookings matching the filter, with their day, slot, family, lead and children.
pub async fn bookings(
    conn: &mut SqliteConnection,
    filter: &super::model::BookingFilter,
) -> Result<Vec<Booking>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT b.id AS "id!: i64", b.slot_id, b.family_id, f.display_name AS family_name,
                  b.contact_id, c.name_km AS contact_km,
                  c.name_latin AS contact_latin, b.adults, b.meal_heads, b.status, b.notice,
                  b.supervised AS "supervised: bool", b.review AS "review: bool",
                  b.child_away AS "child_away: bool",
                  b.walk_in AS "walk_in: bool", b.booked_by_staff IS NOT NULL AS "by_staff!: bool",
                  b.checked_in_at, b.checked_out_at, b.created_at,
                  d.id AS day_id, d.day AS "day: NaiveDate", d.closes_at,
                  s.starts_at AS "starts_at: NaiveTime", s.ends_at AS "ends_at: NaiveTime",
                  (SELECT group_concat(bc.resident_id) FROM visit_booking_child bc
                   WHERE bc.booking_id = b.id) AS "children: String"
           FROM visit_booking b
           JOIN family f ON f.id = b.family_id
           JOIN family_contact c ON c.id = b.contact_id
           JOIN visit_slot s ON s.id = b.slot_id
           JOIN visit_day d ON d.id = s.visit_day_id
           WHERE (?1 IS NULL OR b.family_id = ?1)
             AND (?2 IS NULL OR d.id = ?2)
             AND (?3 IS NULL OR d.day = ?3)
             AND (?4 = 0 OR b.status = 'pending' OR (b.review = 1 AND d.day >= ?5))
             AND (?6 IS NULL OR b.id = ?6)
           ORDER BY d.day, s.starts_at, f.display_name, b.id"#,
        filter.family_id,
        filter.day_id,
        filter.on,
        filter.queue,
        filter.today,
        filter.id,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Booking {
            id: r.id,
            slot_id: r.slot_id,
            family_id: r.family_id,
            family_name: r.family_name,
            contact_id: r.contact_id,
            contact_km: r.contact_km,
            contact_latin: r.contact_latin,
            adults: r.adults,
            meal_heads: r.meal_heads,
            status: Status::parse(&r.status).unwrap_or(Status::Cancelled),
            notice: r.notice.as_deref().and_then(Notice::parse),
            supervised: r.supervised,
            review: r.review,
            child_away: r.child_away,
            walk_in: r.walk_in,
            by_staff: r.by_staff,
            checked_in_at: r.checked_in_at,
            checked_out_at: r.checked_out_at,
            created_at: r.created_at,
            day_id: r.day_id,
            day: r.day,
            closes_at: r.closes_at,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            children: r
                .children
                .unwrap_or_default()
                .split(',')
                .filter_map(|id| id.parse().ok())
                .collect(),
            names: Vec::new(),
        })
        .collect())
}

/// Sets a booking's status (and notice when it ends).
pub async fn set_status(
    conn: &mut SqliteConnection,
    id: i64,
    status: Status,
    notice: Option<Notice>,
) -> Result<(), sqlx::Error> {
    let status = status.code();
    let notice = notice.map(Notice::code);
    sqlx::query!(
        "UPDATE visit_booking SET status = ?, notice = ? WHERE id = ?",
        status,
        notice,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets or clears a booking's review flag (clearing it clears the child-away flag too), and
/// marks it supervised when asked.
pub async fn set_review(
    conn: &mut SqliteConnection,
    id: i64,
    review: bool,
    supervised: Option<bool>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE visit_booking
         SET review = ?1, supervised = coalesce(?2, supervised), child_away = child_away AND ?1
         WHERE id = ?3",
        review,
        supervised,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The active bookings of `family_id` from `today` on with `resident_id` among the children,
/// led by `led_by` when given, else by whoever leads them.
pub async fn future_bookings_with(
    conn: &mut SqliteConnection,
    family_id: i64,
    resident_id: i64,
    led_by: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT b.id AS "id!: i64" FROM visit_booking b
           JOIN visit_booking_child bc ON bc.booking_id = b.id
           JOIN visit_slot s ON s.id = b.slot_id JOIN visit_day d ON d.id = s.visit_day_id
           WHERE b.family_id = ?1 AND bc.resident_id = ?2 AND (?3 IS NULL OR b.contact_id = ?3)
             AND d.day >= ?4 AND b.status IN ('pending', 'confirmed')"#,
        family_id,
        resident_id,
        led_by,
        today
    )
    .fetch_all(conn)
    .await
}

/// A child's active bookings (of any family) for visits from `today` on: each booking's id,
/// its visit's span as instants, and whether it is already flagged for the child's absence.
pub async fn active_bookings_of_child(
    conn: &mut SqliteConnection,
    resident_id: i64,
    today: NaiveDate,
) -> Result<Vec<(i64, (i64, i64), bool)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT b.id AS "id!: i64", d.day AS "day: NaiveDate",
                  s.starts_at AS "starts_at: NaiveTime", s.ends_at AS "ends_at: NaiveTime",
                  b.child_away AS "child_away: bool"
           FROM visit_booking b JOIN visit_booking_child bc ON bc.booking_id = b.id
           JOIN visit_slot s ON s.id = b.slot_id JOIN visit_day d ON d.id = s.visit_day_id
           WHERE bc.resident_id = ?1 AND d.day >= ?2 AND b.status IN ('pending', 'confirmed')"#,
        resident_id,
        today
    )
    .fetch_all(conn)
    .await?;
    use crate::presence::model::instant;
    Ok(rows
        .into_iter()
        .map(|r| {
            let span = (instant(r.day, r.starts_at), instant(r.day, r.ends_at));
            (r.id, span, r.child_away)
        })
        .collect())
}

/// Flags a booking for review because a child is away at the visit's time.
pub async fn flag_child_away(conn: &mut SqliteConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE visit_booking SET review = 1, child_away = 1 WHERE id = ?",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}
