//! The routes of the cross-domain pages: the pages that show several domains: a family's, a
//! resident's, and a residential camp's beds.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, ParamSegment, SsrMode, StaticSegment};

use super::pages::{CampBedsPage, FamilyPage, LendBedPage, ResidentPage};

/// The routes of the cross-domain pages, for the route table in `lib.rs`. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn AcrossRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=(StaticSegment("families"), ParamSegment("id")) view=FamilyPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("residents"), ParamSegment("id")) view=ResidentPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("camps"), ParamSegment("id"), StaticSegment("beds")) view=CampBedsPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("camps"), ParamSegment("id"), StaticSegment("beds"), ParamSegment("camper")) view=LendBedPage ssr=SsrMode::Async />
    }
    .into_inner()
}
