//! Writing the audit log.

use sqlx::{Sqlite, Transaction};

use super::model::Actor;

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sqlx::SqlitePool;

    fn change(id: &str) -> Change<'static> {
        Change {
            entity: "staff_user",
            entity_id: id.into(),
            action: "create",
            before: None,
            after: Some(json!({ "login": "sokha" })),
        }
    }

    async fn count(pool: &SqlitePool) -> i64 {
        sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM audit_log"#)
            .fetch_one(pool)
            .await
            .expect("counted")
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn an_entry_commits_with_its_change_or_not_at_all(pool: SqlitePool) -> sqlx::Result<()> {
        let actor = Actor::System("test".into());
        let mut tx = pool.begin().await?;
        record(&mut tx, &actor, change("1")).await?;
        tx.rollback().await?;
        assert_eq!(count(&pool).await, 0, "rolled back with its change");
        let mut tx = pool.begin().await?;
        record(&mut tx, &actor, change("1")).await?;
        tx.commit().await?;
        assert_eq!(count(&pool).await, 1);
        Ok(())
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn history_cannot_be_rewritten_or_erased(pool: SqlitePool) -> sqlx::Result<()> {
        let mut tx = pool.begin().await?;
        let actor = Actor::Staff {
            id: 7,
            login: "dara".into(),
        };
        record(&mut tx, &actor, change("2")).await?;
        tx.commit().await?;
        let rewrite = sqlx::query!("UPDATE audit_log SET actor_label = 'someone else'")
            .execute(&pool)
            .await;
        assert!(rewrite.is_err(), "updates are refused");
        let erase = sqlx::query!("DELETE FROM audit_log").execute(&pool).await;
        assert!(erase.is_err(), "deletes are refused");
        assert_eq!(count(&pool).await, 1);
        Ok(())
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn the_schema_requires_an_actor_id_exactly_for_people(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let staff_without_id = sqlx::query!(
            "INSERT INTO audit_log (actor_kind, actor_id, actor_label, entity, entity_id, action)
             VALUES ('staff', NULL, 'x', 'e', '1', 'create')"
        )
        .execute(&pool)
        .await;
        assert!(staff_without_id.is_err());
        let bad_json = sqlx::query!(
            "INSERT INTO audit_log (actor_kind, actor_id, actor_label, entity, entity_id, action, after_json)
             VALUES ('system', NULL, 'x', 'e', '1', 'create', '{not json')"
        )
        .execute(&pool)
        .await;
        assert!(bad_json.is_err());
        Ok(())
    }
}
