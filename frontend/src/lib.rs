//! The WASM entry point: wakes the islands of a server-rendered page. Nothing else lives here.

// The islands are `app`'s `#[island]` components; linking the crate exports them to the page.
extern crate app;

/// Called by the island script that the server puts in pages with islands.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
