//! The routes of presence: the roll call.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, ParamSegment, SsrMode, StaticSegment};

use super::pages::{RollOverviewPage, RollPage};

/// The routes of presence, for the route table in `lib.rs`. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn PresenceRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("roll") view=RollOverviewPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("roll"), ParamSegment("id")) view=RollPage ssr=SsrMode::Async />
    }
    .into_inner()
}
