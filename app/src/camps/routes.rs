//! The routes of camps: the camps, a camp, a group's day, a camper's file and a file of
//! children to register.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, ParamSegment, SsrMode, StaticSegment};

use super::pages::{CampPage, CamperImportPage, CamperPage, CampsPage, GroupDayPage};

/// The routes of camps, for the route table in `lib.rs`. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn CampRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("camps") view=CampsPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("camps"), ParamSegment("id")) view=CampPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("camps"), StaticSegment("groups"), ParamSegment("id")) view=GroupDayPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("camps"), StaticSegment("campers"), ParamSegment("id")) view=CamperPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("camps"), StaticSegment("imports"), ParamSegment("id")) view=CamperImportPage ssr=SsrMode::Async />
    }
    .into_inner()
}
