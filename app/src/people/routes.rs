//! The routes of people: sign-in, the families' list, the admin's staff accounts.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, ParamSegment, SsrMode, StaticSegment};

use super::pages::{FamiliesPage, LoginPage, SignOutPage, StaffMemberPage, StaffPage};

/// The routes of people, for the route table in `lib.rs`. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn PeopleRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("login") view=LoginPage ssr=SsrMode::Async />
        <Route path=StaticSegment("sign-out") view=SignOutPage ssr=SsrMode::Async />
        <Route path=StaticSegment("families") view=FamiliesPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("admin"), StaticSegment("staff")) view=StaffPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("admin"), StaticSegment("staff"), ParamSegment("id")) view=StaffMemberPage ssr=SsrMode::Async />
    }
    .into_inner()
}
