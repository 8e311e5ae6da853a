//! The sign-in page, for staff (login and password) and families (phone and PIN): a plain
//! form, phone-friendly, in Khmer by default. A refused sign-in comes back with its reason.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::base::fields::local_path;
use crate::base::i18n::{Key, use_i18n};
use crate::base::ui::FormError;
use crate::people::api::LogIn;

/// `/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let back = move || {
        query
            .read()
            .get("back")
            .map(|back| local_path(&back).to_owned())
            .unwrap_or_else(|| "/".into())
    };
    view! {
        <Title text=i18n.t(Key::LoginTitle) />
        <section class="narrow">
            <h1>{i18n.t(Key::LoginTitle)}</h1>
            <FormError url=LogIn::url() />
            <form class="stack" method="post" action=LogIn::url()>
                <input type="hidden" name="back" value=back />
                <label for="login">{i18n.t(Key::LoginLogin)}</label>
                <input
                    id="login"
                    name="login"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                />
                <label for="password">{i18n.t(Key::LoginPassword)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
                <button class="button" type="submit">{i18n.t(Key::LoginSubmit)}</button>
            </form>
            <p class="hint">{i18n.t(Key::LoginFamilyHint)}</p>
        </section>
    }
}
