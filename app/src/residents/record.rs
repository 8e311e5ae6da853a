//! Recording residents: admission, edits, notes, siblings, leaving. Each change is written
//! with its audit entry in one transaction.

use chrono::NaiveDate;
use sqlx::SqlitePool;

use super::model::{Note, ResidentFields, ResidentProblem};
use super::repo;
use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with, record};
use crate::base::db::Refusal::{Rule, Unique};
use crate::base::db::{begin_write, on_constraint};
use crate::base::error::AppError;
use crate::base::i18n::Key;

/// A duplicate name and date of birth is the same child entered twice; a sex that no longer
/// fits the resident's room is refused by the schema's allocation rules.
fn resident_error(error: sqlx::Error) -> AppError {
    on_constraint(
        error,
        [
            (Unique(None), ResidentProblem::Duplicate.into()),
            (
                Rule("allocation_sex_mismatch"),
                AppError::conflict(Key::ProblemSexMismatch),
            ),
        ],
    )
}

/// Adds a resident and returns their id.
pub async fn admit(
    pool: &SqlitePool,
    by: &Writer,
    fields: &ResidentFields,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let id = repo::insert(&mut tx, fields)
        .await
        .map_err(resident_error)?;
    let change = Change {
        entity: "resident",
        entity_id: id.to_string(),
        action: "create",
        before: None,
        after: Some(serde_json::to_value(fields).unwrap_or_default()),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Replaces a resident's details.
pub async fn edit(
    pool: &SqlitePool,
    by: &Writer,
    id: i64,
    fields: &ResidentFields,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let before = repo::resident(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    repo::update(&mut tx, id, fields).await.map_err(|error| {
        on_constraint(
            error,
            [(
                Rule("allocation_sex_mismatch"),
                AppError::conflict(Key::ProblemSexMismatch),
            )],
        )
    })?;
    let change = Change {
        entity: "resident",
        entity_id: id.to_string(),
        action: "update",
        before: Some(serde_json::to_value(&before.fields).unwrap_or_default()),
        after: Some(serde_json::to_value(fields).unwrap_or_default()),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Replaces one of a resident's notes.
pub async fn set_note(
    pool: &SqlitePool,
    by: &Writer,
    id: i64,
    which: Note,
    text: &str,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let before = repo::resident(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    repo::set_note(&mut tx, id, which, text).await?;
    let (action, old) = match which {
        Note::Medical => ("medical_note", before.medical_note),
        Note::Safeguarding => ("safeguarding_note", before.safeguarding_note),
    };
    let change = Change {
        entity: "resident",
        entity_id: id.to_string(),
        action,
        before: Some(serde_json::json!({ "note": old })),
        after: Some(serde_json::json!({ "note": text })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Links two residents as brothers and sisters (with each one's siblings).
pub async fn link_siblings(
    pool: &SqlitePool,
    by: &Writer,
    id: i64,
    other: i64,
) -> Result<(), AppError> {
    if id == other {
        return Err(AppError::Validation {
            field: "sibling".into(),
            message: crate::base::i18n::Key::ProblemSiblingSelf,
        });
    }
    let mut tx = begin_write(pool).await?;
    let group = repo::link_siblings(&mut tx, id, other).await?;
    let change = Change {
        entity: "resident",
        entity_id: id.to_string(),
        action: "link_sibling",
        before: None,
        after: Some(serde_json::json!({ "sibling": other, "group": group })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Takes a resident out of their sibling group.
pub async fn unlink_sibling(pool: &SqlitePool, by: &Writer, id: i64) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let before = repo::resident(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    repo::unlink_sibling(&mut tx, id).await?;
    let change = Change {
        entity: "resident",
        entity_id: id.to_string(),
        action: "unlink_sibling",
        before: Some(serde_json::json!({ "group": before.sibling_group_id })),
        after: None,
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Imports the next `count` rows of a confirmed file (`None`: all the rest): each new,
/// valid row becomes a resident with its audit entry; rows already recorded are skipped,
/// so importing the same file twice adds no one. Each step is one transaction.
pub async fn import_step(
    pool: &SqlitePool,
    by: &Writer,
    id: i64,
    count: Option<usize>,
    today: NaiveDate,
    now: i64,
) -> Result<super::import::ImportProgress, AppError> {
    use super::import::{ImportProgress, parse_csv, read_rows};

    let mut tx = begin_write(pool).await?;
    let stored = repo::import(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let rows = read_rows(&parse_csv(&stored.csv)?, today)?;
    let total = rows.len();
    let from = usize::try_from(stored.done_rows)
        .unwrap_or(total)
        .min(total);
    let until = count.map_or(total, |count| from.saturating_add(count.max(1)).min(total));
    let mut added = usize::try_from(stored.added).unwrap_or_default();
    for (_, fields) in &rows[from..until] {
        let Some(fields) = fields else { continue };
        if repo::find_by_identity(&mut tx, &fields.name_latin, fields.born_on)
            .await?
            .is_some()
        {
            continue;
        }
        let resident = repo::insert(&mut tx, fields)
            .await
            .map_err(resident_error)?;
        let change = Change {
            entity: "resident",
            entity_id: resident.to_string(),
            action: "import",
            before: None,
            after: Some(serde_json::json!({ "import": id, "resident": fields })),
        };
        record(&mut tx, &by.actor, change).await?;
        added += 1;
    }
    let done = i64::try_from(until).unwrap_or(i64::MAX);
    let added_count = i64::try_from(added).unwrap_or(i64::MAX);
    repo::set_import_progress(&mut tx, id, now, done, added_count).await?;
    tx.commit().await?;
    Ok(ImportProgress {
        done: until,
        total,
        added,
    })
}
