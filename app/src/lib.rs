//! The boarding-centre application, shared by the server and the browser: every domain's
//! types, server functions and pages, the routes, and the translations.

pub mod across;
pub mod audit;
pub mod base;
pub mod canteen;
pub mod centre;
pub mod dashboard;
#[cfg(feature = "demo")]
pub mod demo;
pub mod homework;
pub mod housing;
pub mod people;
pub mod presence;
pub mod residents;
pub mod shell;
pub mod visits;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

use crate::across::pages::{FamilyPage, ResidentPage};
use crate::audit::pages::AuditLogPage;
use crate::base::i18n::{I18n, Key, current_lang};
use crate::base::ui::NotFoundPage;
use crate::canteen::pages::{
    CanteenDayPage, CanteenPage, CanteenSettingsPage, KitchenSheetPage, RecipePage, RecipesPage,
    ShoppingPage,
};
use crate::dashboard::pages::DashboardPage;
use crate::homework::pages::{
    ClassPage as HomeworkClassPage, ClassesPage as HomeworkClassesPage, HomeworkPage,
    ResidentHomeworkPage, SessionPage as HomeworkSessionPage,
};
use crate::housing::pages::{BedPage, BuildingPage, BuildingsPage, OccupancyPage};
use crate::people::pages::{FamiliesPage, LoginPage, StaffMemberPage, StaffPage};
use crate::presence::pages::{RollOverviewPage, RollPage};
use crate::residents::import_pages::{ImportPage, ImportPreviewPage};
use crate::residents::pages::{NewResidentPage, ResidentsPage};
use crate::shell::Layout;
use crate::visits::gate_pages::{HomeStaysListPage, VisitGatePage};
use crate::visits::pages::{StaffBookPage, VisitDayDetailPage, VisitsPage};
use crate::visits::portal_pages::{BookVisitPage, FamilyPortalPage};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let i18n = I18n {
        lang: current_lang(),
    };
    provide_context(i18n);
    #[cfg(feature = "ssr")]
    base::security::share_page_nonce();
    let scripts = needs_scripts().then(|| {
        view! {
            <AutoReload options=options.clone() />
            <HydrationScripts options=options.clone() />
        }
    });
    view! {
        <!DOCTYPE html>
        <html lang=i18n.lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" r#type="image/svg+xml" />
                <link
                    rel="preload"
                    href="/fonts/noto-sans-khmer-khmer-400-normal.woff2"
                    r#as="font"
                    r#type="font/woff2"
                    crossorigin=""
                />
                <HashedStylesheet options=options.clone() id="leptos" />
                {scripts}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Whether this page loads the WASM. The family portal does not: a family on a cheap phone and
/// a slow network gets plain HTML forms that work without it, and downloads nothing more.
fn needs_scripts() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_none_or(|parts| !is_family_page(parts.uri.path()))
    }
    #[cfg(not(feature = "ssr"))]
    true
}

/// `/family` and the pages under it.
pub fn is_family_page(path: &str) -> bool {
    path == "/family" || path.starts_with("/family/")
}

/// The application: routes inside the shell's layout.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // On the server `shell` provided the language; in the browser it is read back from the page.
    let i18n = use_context::<I18n>().unwrap_or(I18n {
        lang: current_lang(),
    });
    provide_context(i18n);
    // Effects run only in the browser, after hydration: mark the page as live, for the
    // browser tests (and any style that needs to know).
    Effect::new(|_| {
        if let Some(html) = document().document_element() {
            // Only a marker: nothing depends on it succeeding.
            let _ = html.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=move |page: String| format!("{page} · {}", i18n.t(Key::AppName)) />
        <Router>
            <Layout>
                <Routes fallback=NotFoundPage>
                    // Async: every resource is awaited before the page is sent, so pages are
                    // complete without JavaScript and error pages carry their real status.
                    <Route path=StaticSegment("") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("family") view=FamilyPortalPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("family"), StaticSegment("book"))
                        view=BookVisitPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("families") view=FamiliesPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("families"), ParamSegment("id"))
                        view=FamilyPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("visits") view=VisitsPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("visits"), StaticSegment("days"), ParamSegment("id"))
                        view=VisitDayDetailPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("visits"), StaticSegment("book"))
                        view=StaffBookPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("visits"), StaticSegment("gate"))
                        view=VisitGatePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("visits"), StaticSegment("home-stays"))
                        view=HomeStaysListPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("staff"))
                        view=StaffPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("staff"), ParamSegment("id"))
                        view=StaffMemberPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("audit"))
                        view=AuditLogPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("residents") view=ResidentsPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("residents"), StaticSegment("new"))
                        view=NewResidentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("residents"), StaticSegment("import"))
                        view=ImportPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("residents"), StaticSegment("import"), ParamSegment("id"))
                        view=ImportPreviewPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("residents"), ParamSegment("id"))
                        view=ResidentPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("buildings") view=BuildingsPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("buildings"), ParamSegment("id"))
                        view=BuildingPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("beds"), ParamSegment("id"))
                        view=BedPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("occupancy") view=OccupancyPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("roll") view=RollOverviewPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("roll"), ParamSegment("id"))
                        view=RollPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("canteen") view=CanteenPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("canteen"), StaticSegment("day"))
                        view=CanteenDayPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("canteen"), StaticSegment("kitchen"))
                        view=KitchenSheetPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("canteen"), StaticSegment("shopping"))
                        view=ShoppingPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("canteen"), StaticSegment("recipes"))
                        view=RecipesPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("canteen"), StaticSegment("recipes"), ParamSegment("id"))
                        view=RecipePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("canteen"), StaticSegment("settings"))
                        view=CanteenSettingsPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("homework") view=HomeworkPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("homework"), StaticSegment("session"), ParamSegment("id"))
                        view=HomeworkSessionPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("homework"), StaticSegment("classes"))
                        view=HomeworkClassesPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("homework"), StaticSegment("classes"), ParamSegment("id"))
                        view=HomeworkClassPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("homework"), StaticSegment("residents"), ParamSegment("id"))
                        view=ResidentHomeworkPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Layout>
        </Router>
    }
}
