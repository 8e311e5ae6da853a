//! The question asked before signing out of a tablet where marks wait to be sent: the tablet's
//! service worker sends the sign-out here instead when its outbox is not empty.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::base::i18n::{Key, use_i18n};
use crate::people::api::LogOut;

/// `/sign-out?waiting=N`: N marks wait on this tablet; sign out anyway, or go back.
#[component]
pub fn SignOutPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let waiting = query
        .read_untracked()
        .get("waiting")
        .and_then(|count| count.trim().parse::<u32>().ok())
        .unwrap_or(0);
    view! {
        <Title text=i18n.t(Key::SignoutTitle) />
        <section class="narrow" role="alert">
            <h1>{i18n.t(Key::SignoutTitle)}</h1>
            <p>{i18n.fmt(Key::SignoutWaiting, &[("count", &i18n.num(i64::from(waiting)))])}</p>
            // `anyway`: the service worker lets this one through.
            <form method="post" action=format!("{}?anyway=1", LogOut::url())>
                <button class="button" type="submit">{i18n.t(Key::SignoutAnyway)}</button>
            </form>
            <p class="actions">
                <a class="button secondary" href="/roll">{i18n.t(Key::SignoutBack)}</a>
            </p>
        </section>
    }
}
