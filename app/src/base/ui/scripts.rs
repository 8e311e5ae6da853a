//! The island script, only on pages with islands: a page component with an island says so
//! (`use_islands`, in its body, before its data arrives), and the shell ends that page with
//! the script that loads the WASM. A page with no island (a bed, the family portal) loads no
//! script at all.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;

/// Whether this page has islands, with the options that name the script's files.
#[derive(Clone)]
pub struct Scripts {
    options: LeptosOptions,
    wanted: Arc<AtomicBool>,
}

impl Scripts {
    /// For one page: no islands yet.
    pub fn for_page(options: LeptosOptions) -> Scripts {
        Scripts {
            options,
            wanted: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// Says that this page has islands, so that it ends with the island script.
pub fn use_islands() {
    if let Some(scripts) = use_context::<Scripts>() {
        scripts.wanted.store(true, Ordering::Relaxed);
    }
}

/// The script that wakes the page's islands, if it has any: last in the page's body, written
/// once the page before it is.
#[component]
pub fn IslandScripts() -> impl IntoView {
    let scripts = use_context::<Scripts>();
    move || {
        scripts
            .clone()
            .filter(|scripts| scripts.wanted.load(Ordering::Relaxed))
            .map(|scripts| view! { <HydrationScripts options=scripts.options islands=true /> })
    }
}

/// The root of an island's element, marked live (`data-live`) once the island's code runs in
/// the browser, so that tests (and people) can tell a part that works from one that only shows.
pub fn live_root() -> NodeRef<leptos::html::Div> {
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move || {
        if let Some(root) = root.get() {
            crate::base::browser::mark_live(&root);
        }
    });
    root
}
