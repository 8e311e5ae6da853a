//! The routes of the dashboard: the dashboard, at the root.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, SsrMode, StaticSegment};

use super::pages::DashboardPage;

/// The routes of the dashboard, for the route table in `lib.rs`. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn DashboardRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("") view=DashboardPage ssr=SsrMode::Async />
    }
    .into_inner()
}
