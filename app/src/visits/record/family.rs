//! Writing a family's contacts, its children's links and terms, and who may visit whom.

use super::*;

fn contact_json(input: &ContactInput) -> serde_json::Value {
    json!({
        "name_km": input.name_km, "name_latin": input.name_latin,
        "relationship": input.relationship.code(), "phone": input.phone,
        "id_document": input.id_document,
    })
}

/// Adds a contact to a family (`contact_id` None) or changes one of its contacts; returns the
/// contact's id.
pub async fn save_contact(
    pool: &SqlitePool,
    by: &Writer,
    family_id: i64,
    contact_id: Option<i64>,
    input: &ContactInput,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let (id, before) = match contact_id {
        None => {
            let id = repo::insert_contact(&mut tx, family_id, input)
                .await
                .map_err(booking_error)?;
            (id, None)
        }
        Some(id) => {
            let old = repo::contact(&mut tx, id)
                .await?
                .filter(|c| c.family_id == family_id)
                .ok_or(AppError::NotFound)?;
            repo::update_contact(&mut tx, id, input).await?;
            let before = json!({
                "name_km": old.name_km, "name_latin": old.name_latin,
                "relationship": old.relationship.code(), "phone": old.phone,
                "id_document": old.id_document,
            });
            (id, Some(before))
        }
    };
    let mut after = contact_json(input);
    after["family_id"] = json!(family_id);
    let change = Change {
        entity: "family_contact",
        entity_id: id.to_string(),
        action: if before.is_some() { "update" } else { "create" },
        before,
        after: Some(after),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Links a current resident to a family, or changes the link's terms.
pub async fn link_child(
    pool: &SqlitePool,
    by: &Writer,
    family_id: i64,
    resident_id: i64,
    visits_per_month: i64,
    needs_approval: bool,
) -> Result<(), AppError> {
    if !(1..=8).contains(&visits_per_month) {
        return Err(AppError::invalid(
            "visits_per_month",
            Key::ProblemVisitsPerMonth,
        ));
    }
    let mut tx = begin_write(pool).await?;
    let current = sqlx::query_scalar!(
        r#"SELECT left_on IS NULL AS "current!: bool" FROM resident WHERE id = ?"#,
        resident_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if !current {
        return Err(AppError::conflict(Key::ProblemResidentLeft));
    }
    repo::upsert_link(
        &mut tx,
        family_id,
        resident_id,
        visits_per_month,
        needs_approval,
    )
    .await
    .map_err(booking_error)?;
    let after = json!({
        "family_id": family_id, "resident_id": resident_id,
        "visits_per_month": visits_per_month, "needs_approval": needs_approval,
    });
    let link = format!("{family_id}:{resident_id}");
    let change = Change::of("family_child", link, "link", Some(after));
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Sets whether all of a family's bookings wait for approval.
pub async fn set_family_approval(
    pool: &SqlitePool,
    by: &Writer,
    family_id: i64,
    needs_approval: bool,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query!(
        "UPDATE family SET needs_approval = ? WHERE id = ?",
        needs_approval,
        family_id
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let after = json!({ "needs_approval": needs_approval });
    let change = Change::of("family", family_id, "approval", Some(after));
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// What a permission change did to bookings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rereviewed {
    /// Bookings flagged for review (and marked supervised).
    pub flagged: usize,
    /// Bookings cancelled, with a notice to the family.
    pub cancelled: usize,
}

/// Records the social team's decision about a contact and a child of their family. When it
/// bars or restricts the contact, their future bookings for the child are flagged for review,
/// and cancelled (with a notice on the family's portal) when barred.
pub async fn set_permission(
    pool: &SqlitePool,
    by: &Writer,
    contact_id: i64,
    resident_id: i64,
    input: &PermissionInput,
    today: NaiveDate,
    now: i64,
) -> Result<Rereviewed, AppError> {
    let staff_id = by.staff_member()?;
    let mut tx = begin_write(pool).await?;
    let contact = repo::contact(&mut tx, contact_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let linked = repo::linked_children(&mut tx, contact.family_id).await?;
    if !linked.iter().any(|(id, _, _)| *id == resident_id) {
        return Err(AppError::NotFound);
    }
    let before = repo::permissions(&mut tx, contact.family_id)
        .await?
        .get(&(contact_id, resident_id))
        .copied();
    let seen_before = repo::family_view(&mut tx, contact.family_id).await?.visible;
    let id =
        repo::insert_permission(&mut tx, contact_id, resident_id, input, staff_id, now).await?;
    let change = Change {
        entity: "visit_permission",
        entity_id: id.to_string(),
        action: "decide",
        before: before.map(|level| json!({ "level": level.code() })),
        after: Some(json!({
            "contact_id": contact_id, "resident_id": resident_id, "level": input.level.code(),
            "reason": input.reason, "decided_on": input.decided_on,
        })),
    };
    record(&mut tx, &by.actor, change).await?;
    let mut done = Rereviewed::default();
    let action = rereview(input.level);
    if action != Rereview::None {
        for booking_id in repo::future_bookings_with(
            &mut tx,
            contact.family_id,
            resident_id,
            Some(contact_id),
            today,
        )
        .await?
        {
            let old = booking(&mut tx, booking_id).await?;
            match action {
                Rereview::Cancel => {
                    repo::set_review(&mut tx, old.id, true, None).await?;
                    end_booking(&mut tx, by, &old, Status::Cancelled, Notice::Permission).await?;
                    done.cancelled += 1;
                }
                Rereview::Supervise | Rereview::None => {
                    repo::set_review(&mut tx, old.id, true, Some(true)).await?;
                    let change = Change {
                        entity: "visit_booking",
                        entity_id: old.id.to_string(),
                        action: "flag",
                        before: Some(json!({ "review": old.review, "supervised": old.supervised })),
                        after: Some(
                            json!({ "review": true, "supervised": true, "permission_id": id }),
                        ),
                    };
                    record(&mut tx, &by.actor, change).await?;
                    done.flagged += 1;
                }
            }
        }
    }
    // A child the family's account no longer sees: the bookings it could see of them, whoever
    // leads them, go back to the social team.
    let seen_after = repo::family_view(&mut tx, contact.family_id).await?.visible;
    for child in seen_before.iter().filter(|c| !seen_after.contains(c)) {
        for booking_id in
            repo::future_bookings_with(&mut tx, contact.family_id, *child, None, today).await?
        {
            let old = booking(&mut tx, booking_id).await?;
            if old.review || !old.status.active() {
                continue;
            }
            repo::set_review(&mut tx, old.id, true, None).await?;
            let change = Change {
                entity: "visit_booking",
                entity_id: old.id.to_string(),
                action: "flag",
                before: Some(json!({ "review": false })),
                after: Some(
                    json!({ "review": true, "hidden_from_family": child, "permission_id": id }),
                ),
            };
            record(&mut tx, &by.actor, change).await?;
            done.flagged += 1;
        }
    }
    tx.commit().await?;
    Ok(done)
}
