//! Writing the audit log: every change is recorded in its own transaction, so a change
//! without its entry cannot exist. Reading the log is the audit domain's.

use sqlx::{Sqlite, Transaction};

use super::access::Actor;

/// One change to record.
pub struct Change<'a> {
    /// The kind of record: `staff_user`, `resident`, `allocation`...
    pub entity: &'a str,
    /// The record's id.
    pub entity_id: String,
    /// What happened: `create`, `update`, `disable`, `move`...
    pub action: &'a str,
    /// The record before the change (none for a creation). Never a secret.
    pub before: Option<serde_json::Value>,
    /// The record after the change (none for a removal). Never a secret.
    pub after: Option<serde_json::Value>,
}

impl<'a> Change<'a> {
    /// A change that says what the record now holds (`after`; none once it is gone) and
    /// nothing of before: a creation, or an event on the record.
    pub fn of(
        entity: &'a str,
        id: impl ToString,
        action: &'a str,
        after: Option<serde_json::Value>,
    ) -> Change<'a> {
        Change {
            entity,
            entity_id: id.to_string(),
            action,
            before: None,
            after,
        }
    }
}

/// Records `change` by `actor`. It takes the change's own transaction, not a pool: the entry
/// commits with the change or not at all, so a change without its entry cannot exist.
pub async fn record(
    tx: &mut Transaction<'_, Sqlite>,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    let (kind, actor_id, label) = actor.parts();
    let before = change.before.map(|value| value.to_string());
    let after = change.after.map(|value| value.to_string());
    sqlx::query!(
        "INSERT INTO audit_log (actor_kind, actor_id, actor_label, entity, entity_id, action, before_json, after_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        kind,
        actor_id,
        label,
        change.entity,
        change.entity_id,
        change.action,
        before,
        after
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records an event that changes nothing else (a reading, a download, a refusal) in a
/// transaction of its own.
pub async fn record_alone(
    pool: &sqlx::SqlitePool,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    commit_with(super::db::begin_write(pool).await?, actor, change).await
}

/// Records `change` in `tx` and commits the two together: the end of every write.
pub async fn commit_with(
    mut tx: Transaction<'_, Sqlite>,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    record(&mut tx, actor, change).await?;
    tx.commit().await
}

/// A CSV download by `actor`, written in the audit log first (what and which file): children's
/// data leaving the system is a security event. A download whose trace cannot be written is
/// not sent.
pub async fn audited_csv(
    pool: &sqlx::SqlitePool,
    actor: &Actor,
    (entity, lang): (&str, super::i18n::Lang),
    name: &str,
    body: String,
) -> axum::response::Response {
    let change = Change {
        entity,
        entity_id: name.chars().take(40).collect(),
        action: "export",
        before: None,
        after: None,
    };
    match record_alone(pool, actor, change).await {
        Ok(()) => super::csv::csv(name, body),
        Err(error) => super::error::AppError::from(error).plain_response(lang),
    }
}
