//! Server functions of the audit log.

use leptos::prelude::*;

use super::model::{AuditFilter, AuditPage};
use crate::error::AppError;

/// A page of the audit log, filtered. Admin only.
#[server(endpoint = "audit_search")]
pub async fn search_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    crate::people::guard::require(&[crate::people::model::Role::Admin]).await?;
    let mut conn = crate::db::pool()?.acquire().await?;
    Ok(super::repo::search(&mut conn, &filter).await?)
}
