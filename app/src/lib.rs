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
use leptos_router::components::{Router, Routes};

use crate::across::routes::AcrossRoutes;
use crate::audit::routes::AuditRoutes;
use crate::base::i18n::{I18n, Key, current_lang};
use crate::base::ui::NotFoundPage;
use crate::canteen::routes::CanteenRoutes;
use crate::dashboard::routes::DashboardRoutes;
use crate::homework::routes::HomeworkRoutes;
use crate::housing::routes::HousingRoutes;
use crate::people::routes::PeopleRoutes;
use crate::presence::routes::PresenceRoutes;
use crate::residents::routes::ResidentsRoutes;
use crate::shell::Layout;
use crate::visits::routes::VisitsRoutes;

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
                    // One fragment per domain; `residents` before `across`, whose
                    // `/residents/:id` would otherwise take `/residents/new`.
                    <DashboardRoutes />
                    <PeopleRoutes />
                    <VisitsRoutes />
                    <AuditRoutes />
                    <ResidentsRoutes />
                    <AcrossRoutes />
                    <HousingRoutes />
                    <PresenceRoutes />
                    <CanteenRoutes />
                    <HomeworkRoutes />
                </Routes>
            </Layout>
        </Router>
    }
}
