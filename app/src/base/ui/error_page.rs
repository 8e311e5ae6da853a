//! Error pages: a translated message, and the HTTP status sent with the page.

use leptos::prelude::*;

use crate::base::error::AppError;
use crate::base::i18n::{Key, use_i18n};

/// Shows `error` to the user and, on the server, sends the page with the error's status.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status());
    }
    let i18n = use_i18n();
    view! {
        <section class="error-page" role="alert">
            <p class="error-code" aria-hidden="true">{error.status().as_u16()}</p>
            <h1>{i18n.t(error.title())}</h1>
            <p>{i18n.t(error.message())}</p>
            <a class="button" href="/">{i18n.t(Key::ErrorBackHome)}</a>
        </section>
    }
}

/// The page for an address that matches no route: status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound /> }
}

/// What a page shows when its data was refused or failed: a visitor who is not signed in is
/// sent to sign in (and back here after), anything else gets the error page.
#[component]
pub fn ProblemPage(error: AppError) -> impl IntoView {
    if error == AppError::Unauthorized {
        let back = leptos_router::hooks::use_location();
        let path = back.pathname.get_untracked();
        let target = format!(
            "/login?back={}",
            crate::base::fields::encode_query_value(&path)
        );
        // On the server: a real 302, so it works without JavaScript.
        #[cfg(feature = "ssr")]
        leptos_axum::redirect(&target);
        return view! { <leptos_router::components::Redirect path=target /> }.into_any();
    }
    view! { <ErrorPage error /> }.into_any()
}
