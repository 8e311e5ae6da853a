//! The line a page kept for use without the network shows when it is opened from that copy.

use leptos::prelude::*;

use crate::base::i18n::{Key, use_i18n};

/// Says "offline: figures as of HH:MM" on a page the tablet keeps a copy of (tonight's roll
/// call and homework). Sent hidden, with the words in `data-offline`: the service worker
/// (`server/src/service_worker.js`) shows it, with the copy's time, only when it opens the
/// page from its copy, so a page from the server never says it.
#[component]
pub fn OfflineCopy() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p id="offline-copy" class="offline-copy" role="status" hidden data-offline=i18n.t(Key::OfflineCopy)></p>
    }
}
