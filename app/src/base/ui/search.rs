//! A search form whose results follow the typing. Without JavaScript the form is sent by its
//! button; with it, a pause in the typing (or a changed box) fetches the same address the
//! button would, and the results region (the element the form's `data-results` names) takes
//! the one the server rendered there. The address follows too, so a reload or the back button keeps the search.

use leptos::prelude::*;

use super::live_root;

#[cfg(feature = "hydrate")]
mod client;

/// Wraps a `method="get"` search form whose `data-results` names the region its answer fills.
#[island]
pub fn LiveSearch(children: Children) -> impl IntoView {
    let root = live_root();
    let on_input = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        client::typed(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    view! {
        <div class="live-search" node_ref=root on:input=on_input>
            {children()}
        </div>
    }
}
