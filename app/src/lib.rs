//! The boarding-centre application, shared by the server and the browser: every domain's
//! types, server functions and pages, the routes, and the translations.

pub mod across;
pub mod audit;
pub mod backups;
pub mod base;
pub mod camps;
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
use leptos_router::StaticSegment;
use leptos_router::components::{Route, Router, Routes};

use crate::across::routes::AcrossRoutes;
use crate::audit::routes::AuditRoutes;
use crate::backups::routes::BackupsRoutes;
use crate::base::i18n::{I18n, Key, current_lang};
use crate::base::ui::{IslandScripts, NotFoundPage};
use crate::camps::routes::CampRoutes;
use crate::canteen::routes::CanteenRoutes;
use crate::dashboard::routes::DashboardRoutes;
use crate::homework::routes::HomeworkRoutes;
use crate::housing::routes::HousingRoutes;
use crate::people::routes::PeopleRoutes;
use crate::presence::routes::PresenceRoutes;
use crate::residents::routes::ResidentsRoutes;
use crate::shell::{Layout, OfflinePage};
use crate::visits::routes::VisitsRoutes;

/// The HTML document around the app, rendered on the server only.
///
/// The pages are islands in plain HTML: every page is rendered whole on the server and works
/// without JavaScript; only its interactive parts (`#[island]`) wake up in the browser, and a
/// page with none loads no script at all (`base::ui::use_islands`).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let i18n = I18n {
        lang: current_lang(),
    };
    provide_context(i18n);
    #[cfg(feature = "ssr")]
    base::security::share_page_nonce();
    // Nothing outside an island is hydrated: no markers for it, no data sent twice.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    provide_context(base::ui::Scripts::for_page(options.clone()));
    view! {
        <!DOCTYPE html>
        <html lang=i18n.lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" r#type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <meta name="theme-color" content="#0b6e4f" />
                <link
                    rel="preload"
                    href="/fonts/noto-sans-khmer-khmer-400-normal.woff2"
                    r#as="font"
                    r#type="font/woff2"
                    crossorigin=""
                />
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options />
                <MetaTags />
            </head>
            <body>
                <App />
                <IslandScripts />
            </body>
        </html>
    }
}

/// The application: routes inside the shell's layout.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // `shell` provided the language; rendered without it (a test), the request says it.
    let i18n = use_context::<I18n>().unwrap_or(I18n {
        lang: current_lang(),
    });
    provide_context(i18n);
    view! {
        <Title formatter=move |page: String| format!("{page} · {}", i18n.t(Key::AppName)) />
        <Router>
            <Layout>
                <Routes fallback=NotFoundPage>
                    // One fragment per domain; `residents` before `across`, whose
                    // `/residents/:id` would otherwise take `/residents/new`.
                    <DashboardRoutes />
                    <PeopleRoutes />
                    <VisitsRoutes />
                    <AuditRoutes />
                    <BackupsRoutes />
                    <ResidentsRoutes />
                    <AcrossRoutes />
                    <HousingRoutes />
                    <PresenceRoutes />
                    <CanteenRoutes />
                    <HomeworkRoutes />
                    <CampRoutes />
                    <Route path=StaticSegment("offline") view=OfflinePage />
                </Routes>
            </Layout>
        </Router>
    }
}
