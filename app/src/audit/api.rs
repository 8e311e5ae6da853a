//! Server functions of the audit log.

use leptos::prelude::*;

use super::model::{AuditFilter, AuditPage};
use crate::base::error::AppError;

/// A page of the audit log, filtered. Admin only. Each view is itself in the log: who looked
/// at whose traces is a security event.
#[server(endpoint = "search_audit")]
pub async fn search_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    use super::repo;
    use crate::base::audit::{Change, record_alone};

    let admin = crate::base::guard::require(&[crate::base::access::Role::Admin]).await?;
    let pool = crate::base::db::pool()?;
    // The filter as chosen: the fields left empty say nothing.
    let mut chosen = serde_json::json!(filter);
    if let Some(fields) = chosen.as_object_mut() {
        fields.retain(|_, value| !value.is_null());
    }
    let view = Change {
        entity: "audit_log",
        entity_id: filter.page.max(1).to_string(),
        action: "view",
        before: None,
        after: Some(chosen),
    };
    record_alone(&pool, &admin.actor(), view).await?;
    let mut conn = pool.acquire().await?;
    Ok(repo::search(&mut conn, &filter).await?)
}
