//! The routes of visits: the family portal, the social team's visit days and queue, the gate and
//! home stays.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, ParamSegment, SsrMode, StaticSegment};

use super::gate::pages::{HomeStaysListPage, VisitGatePage};
use super::pages::{StaffBookPage, VisitDayDetailPage, VisitsPage};
use super::portal::pages::{BookVisitPage, FamilyPortalPage};

/// The routes of visits, for the route table in `lib.rs`. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn VisitsRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("family") view=FamilyPortalPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("family"), StaticSegment("book")) view=BookVisitPage ssr=SsrMode::Async />
        <Route path=StaticSegment("visits") view=VisitsPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("visits"), StaticSegment("days"), ParamSegment("id")) view=VisitDayDetailPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("visits"), StaticSegment("book")) view=StaffBookPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("visits"), StaticSegment("gate")) view=VisitGatePage ssr=SsrMode::Async />
        <Route path=(StaticSegment("visits"), StaticSegment("home-stays")) view=HomeStaysListPage ssr=SsrMode::Async />
    }
    .into_inner()
}
