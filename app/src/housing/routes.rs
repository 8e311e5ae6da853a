//! The routes of housing: buildings, rooms and beds, and the occupancy.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, ParamSegment, SsrMode, StaticSegment};

use super::pages::{BedPage, BuildingPage, BuildingsPage, OccupancyPage};

/// The routes of housing, for the route table in `lib.rs`. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn HousingRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("buildings") view=BuildingsPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("buildings"), ParamSegment("id")) view=BuildingPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("beds"), ParamSegment("id")) view=BedPage ssr=SsrMode::Async />
        <Route path=StaticSegment("occupancy") view=OccupancyPage ssr=SsrMode::Async />
    }
    .into_inner()
}
