//! Reading the audit log: a filtered page of it, and one record's history. Writing it is the
//! base's (`base::audit`), so every domain can.

use super::model::{
    AuditActor, AuditEntry, AuditFilter, AuditPage, PAGE_SIZE, SECURITY_ACTIONS, parse_who,
    utc_bounds,
};

/// The entries matching `filter`, newest first, one page of them, with the filter's choices.
/// A `who` that names nobody matches nothing.
pub async fn search(
    conn: &mut sqlx::SqliteConnection,
    filter: &AuditFilter,
) -> Result<AuditPage, sqlx::Error> {
    let who = filter.who.as_deref().filter(|who| !who.is_empty());
    let (kind, id, no_actor) = match who.map(parse_who) {
        None => (None, None, false),
        Some(Some((kind, id))) => (Some(kind), id, false),
        Some(None) => (None, None, true),
    };
    let entity = filter.entity.as_deref().filter(|entity| !entity.is_empty());
    // One record is asked for with its kind: an id alone names nothing.
    let record = filter
        .record
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty() && entity.is_some());
    let (start, end) = utc_bounds(filter.from, filter.to);
    let page = filter.page.max(1);
    let limit = i64::from(PAGE_SIZE);
    let offset = i64::from(page - 1) * limit;
    let actions = filter
        .security
        .then(|| serde_json::json!(SECURITY_ACTIONS).to_string());
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log
           WHERE ?1 = 0
             AND (?2 IS NULL OR actor_kind = ?2) AND (?3 IS NULL OR actor_id = ?3)
             AND (?4 IS NULL OR entity = ?4)
             AND (?5 IS NULL OR at >= ?5) AND (?6 IS NULL OR at < ?6)
             AND (?7 IS NULL OR action IN (SELECT value FROM json_each(?7)))
             AND (?8 IS NULL OR entity_id = ?8)"#,
        no_actor,
        kind,
        id,
        entity,
        start,
        end,
        actions,
        record
    )
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query!(
        r#"SELECT strftime('%Y-%m-%d %H:%M', at, '+7 hours') AS "at!: String", actor_kind,
                  actor_label, entity, entity_id, action, before_json, after_json
           FROM audit_log
           WHERE ?1 = 0
             AND (?2 IS NULL OR actor_kind = ?2) AND (?3 IS NULL OR actor_id = ?3)
             AND (?4 IS NULL OR entity = ?4)
             AND (?5 IS NULL OR at >= ?5) AND (?6 IS NULL OR at < ?6)
             AND (?9 IS NULL OR action IN (SELECT value FROM json_each(?9)))
             AND (?10 IS NULL OR entity_id = ?10)
           ORDER BY at DESC, id DESC LIMIT ?7 OFFSET ?8"#,
        no_actor,
        kind,
        id,
        entity,
        start,
        end,
        limit,
        offset,
        actions,
        record
    )
    .fetch_all(&mut *conn)
    .await?;
    let entries = rows
        .into_iter()
        .map(|row| AuditEntry {
            at: row.at,
            actor_kind: row.actor_kind,
            actor_label: row.actor_label,
            entity: row.entity,
            entity_id: row.entity_id,
            action: row.action,
            before: row.before_json,
            after: row.after_json,
        })
        .collect();
    let actors = sqlx::query!(
        r#"SELECT actor_kind, actor_id, actor_label FROM audit_log
           WHERE id IN (SELECT max(id) FROM audit_log GROUP BY actor_kind, actor_id)
           ORDER BY actor_kind DESC, actor_label"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|row| AuditActor {
        who: match row.actor_id {
            Some(id) => format!("{}:{id}", row.actor_kind),
            None => "system".into(),
        },
        label: row.actor_label,
    })
    .collect();
    let entities = sqlx::query_scalar!("SELECT DISTINCT entity FROM audit_log ORDER BY entity")
        .fetch_all(&mut *conn)
        .await?;
    Ok(AuditPage {
        entries,
        total,
        page,
        actors,
        entities,
    })
}

/// The history of `subject`, newest first, at most `limit` entries: its own entries and
/// those of other kinds that name it, without the security events (readings, downloads,
/// refusals), which are no change to it.
pub async fn history(
    conn: &mut sqlx::SqliteConnection,
    subject: &super::history::Subject,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let id = subject.id.to_string();
    let named_in = serde_json::json!(
        subject
            .named_in
            .iter()
            .map(|(entity, key)| [(*entity).to_owned(), format!("$.{key}")])
            .collect::<Vec<_>>()
    )
    .to_string();
    let parts = subject.parts;
    let prefix = format!("{id}/%");
    let security = serde_json::json!(SECURITY_ACTIONS).to_string();
    let rows = sqlx::query!(
        r#"SELECT strftime('%Y-%m-%d %H:%M', at, '+7 hours') AS "at!: String", actor_kind,
                  actor_label, entity, entity_id, action, before_json, after_json
           FROM audit_log
           WHERE ((entity = ?1 AND entity_id = ?2)
                  OR (entity = ?3 AND entity_id LIKE ?4)
                  OR EXISTS (
                      SELECT 1 FROM json_each(?5) r
                      WHERE audit_log.entity = r.value ->> 0
                        AND (audit_log.after_json ->> (r.value ->> 1) = ?6
                             OR audit_log.before_json ->> (r.value ->> 1) = ?6)))
             AND action NOT IN (SELECT value FROM json_each(?7))
           ORDER BY at DESC, id DESC LIMIT ?8"#,
        subject.entity,
        id,
        parts,
        prefix,
        named_in,
        subject.id,
        security,
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AuditEntry {
            at: row.at,
            actor_kind: row.actor_kind,
            actor_label: row.actor_label,
            entity: row.entity,
            entity_id: row.entity_id,
            action: row.action,
            before: row.before_json,
            after: row.after_json,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::access::Actor;
    use crate::base::audit::{Change, record};
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

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
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

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
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

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
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

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn the_log_filters_by_who_what_and_when_and_pages(pool: SqlitePool) -> sqlx::Result<()> {
        let dara = Actor::Staff {
            id: 7,
            login: "dara".into(),
        };
        let mut tx = pool.begin().await?;
        for n in 0..55 {
            record(&mut tx, &dara, change(&n.to_string())).await?;
        }
        let other = Change {
            entity: "family",
            ..change("9")
        };
        record(&mut tx, &Actor::System("seed".into()), other).await?;
        tx.commit().await?;
        let mut conn = pool.acquire().await?;
        let all = search(&mut conn, &AuditFilter::default()).await?;
        assert_eq!(all.total, 56);
        assert_eq!(all.entries.len(), 50, "one page");
        assert_eq!(all.pages(), 2);
        let second = AuditFilter {
            page: 2,
            ..AuditFilter::default()
        };
        assert_eq!(search(&mut conn, &second).await?.entries.len(), 6);
        let by_dara = AuditFilter {
            who: Some("staff:7".into()),
            ..AuditFilter::default()
        };
        assert_eq!(search(&mut conn, &by_dara).await?.total, 55);
        let families = AuditFilter {
            entity: Some("family".into()),
            ..AuditFilter::default()
        };
        let found = search(&mut conn, &families).await?;
        assert_eq!(found.total, 1);
        assert_eq!(found.entries[0].actor_label, "seed");
        let nobody = AuditFilter {
            who: Some("staff:x".into()),
            ..AuditFilter::default()
        };
        assert_eq!(search(&mut conn, &nobody).await?.total, 0);
        let today = crate::base::clock::today_at_centre();
        let long_ago = today - chrono::Days::new(30);
        let in_range = AuditFilter {
            from: Some(today),
            to: Some(today),
            ..AuditFilter::default()
        };
        assert_eq!(search(&mut conn, &in_range).await?.total, 56);
        let before = AuditFilter {
            from: Some(long_ago),
            to: Some(long_ago),
            ..AuditFilter::default()
        };
        assert_eq!(search(&mut conn, &before).await?.total, 0);
        // One record: its kind and id; an id without a kind names nothing.
        let one = AuditFilter {
            entity: Some("staff_user".into()),
            record: Some("42".into()),
            ..AuditFilter::default()
        };
        let found = search(&mut conn, &one).await?;
        assert_eq!(found.total, 1);
        assert_eq!(found.entries[0].entity_id, "42");
        let id_alone = AuditFilter {
            record: Some("42".into()),
            ..AuditFilter::default()
        };
        assert_eq!(search(&mut conn, &id_alone).await?.total, 56);
        let whos: Vec<String> = all.actors.iter().map(|a| a.who.clone()).collect();
        assert_eq!(whos, ["system", "staff:7"]);
        assert_eq!(all.entities, ["family", "staff_user"]);
        Ok(())
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn the_security_filter_shows_security_events_alone(pool: SqlitePool) -> sqlx::Result<()> {
        let dara = Actor::Staff {
            id: 7,
            login: "dara".into(),
        };
        let mut tx = pool.begin().await?;
        for action in [
            "create",
            "sign_in",
            "update",
            "refused",
            "read_note",
            "export",
        ] {
            record(
                &mut tx,
                &dara,
                Change {
                    action,
                    ..change("1")
                },
            )
            .await?;
        }
        tx.commit().await?;
        let mut conn = pool.acquire().await?;
        let security = AuditFilter {
            security: true,
            ..AuditFilter::default()
        };
        let found = search(&mut conn, &security).await?;
        assert_eq!(found.total, 4);
        let mut actions: Vec<String> = found.entries.into_iter().map(|e| e.action).collect();
        actions.sort();
        assert_eq!(actions, ["export", "read_note", "refused", "sign_in"]);
        assert_eq!(search(&mut conn, &AuditFilter::default()).await?.total, 6);
        Ok(())
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn a_history_holds_its_record_and_what_names_it_newest_first(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let actor = Actor::System("test".into());
        let entry = |entity: &'static str, id: &str, action: &'static str, before, after| Change {
            entity,
            entity_id: id.into(),
            action,
            before,
            after,
        };
        let mut tx = pool.begin().await?;
        for change in [
            entry("bed", "5", "create", None, Some(json!({ "room_id": 1 }))),
            entry("bed", "6", "create", None, Some(json!({ "room_id": 1 }))),
            entry(
                "allocation",
                "1",
                "assign",
                None,
                Some(json!({ "bed_id": 5 })),
            ),
            entry(
                "allocation",
                "1",
                "move",
                Some(json!({ "bed_id": 5 })),
                Some(json!({ "bed_id": 6 })),
            ),
            entry(
                "allocation",
                "2",
                "assign",
                None,
                Some(json!({ "bed_id": 55 })),
            ),
            entry("bed", "5", "view", None, None),
            entry("homework_session", "5/2026-12-01", "cancel", None, None),
            entry("homework_session", "55/2026-12-01", "cancel", None, None),
        ] {
            record(&mut tx, &actor, change).await?;
        }
        tx.commit().await?;
        let mut conn = pool.acquire().await?;
        let bed = |id| crate::audit::history::Subject {
            entity: "bed",
            id,
            named_in: &[("allocation", "bed_id")],
            parts: Some("homework_session"),
        };
        let actions = |entries: Vec<AuditEntry>| {
            entries
                .into_iter()
                .map(|e| format!("{} {} {}", e.entity, e.entity_id, e.action))
                .collect::<Vec<_>>()
        };
        // Bed 5: its creation, the allocation there and the move away (newest first); not the
        // reading, not bed 55's allocation nor class 55's session.
        assert_eq!(
            actions(history(&mut conn, &bed(5), 50).await?),
            [
                "homework_session 5/2026-12-01 cancel",
                "allocation 1 move",
                "allocation 1 assign",
                "bed 5 create"
            ]
        );
        assert_eq!(
            actions(history(&mut conn, &bed(6), 50).await?),
            ["allocation 1 move", "bed 6 create"]
        );
        assert_eq!(history(&mut conn, &bed(5), 2).await?.len(), 2);
        Ok(())
    }
}
