//! The routes of homework: evening classes, their sessions and a resident's homework.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, ParamSegment, SsrMode, StaticSegment};

use super::pages::{
    ClassPage as HomeworkClassPage, ClassesPage as HomeworkClassesPage, HomeworkPage,
    ResidentHomeworkPage, SessionPage as HomeworkSessionPage,
};

/// The routes of homework, for the route table in `lib.rs`. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn HomeworkRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("homework") view=HomeworkPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("homework"), StaticSegment("session"), ParamSegment("id")) view=HomeworkSessionPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("homework"), StaticSegment("classes")) view=HomeworkClassesPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("homework"), StaticSegment("classes"), ParamSegment("id")) view=HomeworkClassPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("homework"), StaticSegment("residents"), ParamSegment("id")) view=ResidentHomeworkPage ssr=SsrMode::Async />
    }
    .into_inner()
}
