//! The page a tablet shows, with no network, for an address that needs the server to decide
//! what it shows (the gate, bookings, permissions, anything about a child's safety): it says
//! so in words, and never shows an old copy. The service worker (`server/src/service_worker.js`)
//! keeps it, in the language the tablet last chose, and shows it in place of such a page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::base::i18n::{Key, use_i18n};

/// `/offline`: no network, and where the tablet can still go.
#[component]
pub fn OfflinePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=i18n.t(Key::OfflineTitle) />
        <section class="error-page offline-page" role="alert">
            <h1>{i18n.t(Key::OfflineTitle)}</h1>
            <p>{i18n.t(Key::OfflineNeedsServer)}</p>
            <p>{i18n.t(Key::OfflineTonight)}</p>
            <p class="actions">
                <a class="button" href="/roll">{i18n.t(Key::NavRoll)}</a>
                <a class="button" href="/homework">{i18n.t(Key::NavHomework)}</a>
            </p>
        </section>
    }
}
