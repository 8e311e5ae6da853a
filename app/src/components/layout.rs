//! The app shell: top bar (centre name, signed-in user, language switch), navigation, main.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_location;

use crate::centre::pages::{CentreSummaryResource, provide_centre_summary};
use crate::i18n::{Key, Lang, SetLanguage, use_i18n};
use crate::people::api::{LogOut, get_current_staff};

/// Wraps every page in the shell.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    // Provided here, above the page, so the page reuses it instead of asking again.
    let summary = provide_centre_summary();
    view! {
        <a class="skip-link" href="#main">{i18n.t(Key::ShellSkipToContent)}</a>
        <header class="topbar">
            <CentreName summary />
            <div class="topbar-end">
                <UserSlot />
                <LanguageSwitch />
            </div>
        </header>
        <nav class="mainnav" aria-label=i18n.t(Key::ShellMenu)>
            <ul>
                <li>
                    <a href="/" aria-current=move || (use_location().pathname.get() == "/").then_some("page")>
                        <span class="icon" aria-hidden="true">"☀"</span>
                        {i18n.t(Key::NavToday)}
                    </a>
                </li>
            </ul>
        </nav>
        <main id="main">{children()}</main>
    }
}

/// Who is signed in, with a sign-out button; or a link to sign in.
#[component]
fn UserSlot() -> impl IntoView {
    let i18n = use_i18n();
    let current = Resource::new_blocking(|| (), |_| get_current_staff());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match current.await {
                    Ok(Some(staff)) => view! {
                        <form class="user-slot" method="post" action=LogOut::url()>
                            <span class="user-name">{staff.display_name}</span>
                            <button class="link-button" type="submit">{i18n.t(Key::ShellSignOut)}</button>
                        </form>
                    }
                    .into_any(),
                    _ => view! {
                        <a class="user-slot sign-in" href="/login">{i18n.t(Key::ShellSignIn)}</a>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The centre's name, or the app's name before a centre is set up.
#[component]
fn CentreName(summary: CentreSummaryResource) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="brand" href="/">
            <Suspense fallback=move || i18n.t(Key::AppName)>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(Some(centre)) => centre.name.in_lang(i18n.lang).to_owned(),
                        _ => i18n.t(Key::AppName).to_owned(),
                    }
                })}
            </Suspense>
        </a>
    }
}

/// One button per language, in a plain form: it works without JavaScript.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let back = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    view! {
        <form class="lang-switch" method="post" action=SetLanguage::url()>
            <input type="hidden" name="back" value=back />
            <fieldset>
                <legend class="visually-hidden">{i18n.t(Key::ShellLanguage)}</legend>
                {Lang::ALL
                    .into_iter()
                    .map(|lang| {
                        let current = lang == i18n.lang;
                        view! {
                            <button
                                type="submit"
                                name="lang"
                                value=lang.code()
                                lang=lang.code()
                                aria-pressed=if current { "true" } else { "false" }
                            >
                                {i18n.t(lang.name_key())}
                            </button>
                        }
                    })
                    .collect_view()}
            </fieldset>
        </form>
    }
}
