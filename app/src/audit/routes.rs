//! The routes of the audit log: the admin's audit log.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, SsrMode, StaticSegment};

use super::pages::AuditLogPage;

/// The routes of the audit log, for the route table in `lib.rs`. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn AuditRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=(StaticSegment("admin"), StaticSegment("audit")) view=AuditLogPage ssr=SsrMode::Async />
    }
    .into_inner()
}
