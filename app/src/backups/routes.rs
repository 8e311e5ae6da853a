//! The routes of the backups: the admin's list of backups.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, SsrMode, StaticSegment};

use super::pages::BackupsPage;

/// The routes of the backups, for the route table in `lib.rs`. Rendered whole on the server
/// (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn BackupsRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=(StaticSegment("admin"), StaticSegment("backups")) view=BackupsPage ssr=SsrMode::Async />
    }
    .into_inner()
}
