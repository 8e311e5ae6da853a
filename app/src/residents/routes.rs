//! The routes of residents: the residents' list, a new resident, the import. A resident's file
//! (`/residents/:id`) is `across`'s: keep these before it, so `new` and `import` are not read as
//! ids.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, ParamSegment, SsrMode, StaticSegment};

use super::import_pages::{ImportPage, ImportPreviewPage};
use super::pages::{NewResidentPage, ResidentsPage};

/// The routes of residents, for the route table in `lib.rs`. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn ResidentsRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("residents") view=ResidentsPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("residents"), StaticSegment("new")) view=NewResidentPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("residents"), StaticSegment("import")) view=ImportPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("residents"), StaticSegment("import"), ParamSegment("id")) view=ImportPreviewPage ssr=SsrMode::Async />
    }
    .into_inner()
}
