//! The routes of the canteen: the canteen's counts, kitchen sheet, shopping list, recipes and
//! settings.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, ParamSegment, SsrMode, StaticSegment};

use super::pages::{
    CanteenDayPage, CanteenPage, CanteenSettingsPage, KitchenSheetPage, RecipePage, RecipesPage,
    ShoppingPage,
};

/// The routes of the canteen, for the route table in `lib.rs`. Every page is rendered whole on the
/// server (`SsrMode::Async`), so it works without JavaScript and errors carry their status.
#[component(transparent)]
pub fn CanteenRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("canteen") view=CanteenPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("canteen"), StaticSegment("day")) view=CanteenDayPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("canteen"), StaticSegment("kitchen")) view=KitchenSheetPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("canteen"), StaticSegment("shopping")) view=ShoppingPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("canteen"), StaticSegment("recipes")) view=RecipesPage ssr=SsrMode::Async />
        <Route path=(StaticSegment("canteen"), StaticSegment("recipes"), ParamSegment("id")) view=RecipePage ssr=SsrMode::Async />
        <Route path=(StaticSegment("canteen"), StaticSegment("settings")) view=CanteenSettingsPage ssr=SsrMode::Async />
    }
    .into_inner()
}
