//! The browser's side of a search that follows the typing: the newest typing wins, an answer
//! to older typing that comes late is dropped.

use std::cell::Cell;
use std::time::Duration;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlFormElement};

use crate::base::browser;

/// How long the typing must pause before the search is sent.
const PAUSE: Duration = Duration::from_millis(250);

thread_local! {
    // Counts the typing: each search remembers its number, and only the newest is shown.
    static TYPED: Cell<u32> = const { Cell::new(0) };
}

/// Something in the form changed: after a pause, fetch its answer into its results region.
pub fn typed(event: &web_sys::Event) {
    let Some(form) = event
        .target()
        .and_then(|target| target.dyn_into::<Element>().ok())
        .and_then(|field| field.closest("form").ok().flatten())
        .and_then(|form| form.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    let turn = TYPED.with(|t| t.get().wrapping_add(1));
    TYPED.with(|t| t.set(turn));
    let Some(results) = form.get_attribute("data-results") else {
        return;
    };
    leptos::prelude::set_timeout(
        move || {
            if TYPED.with(Cell::get) == turn {
                leptos::task::spawn_local(search(form, results, turn));
            }
        },
        PAUSE,
    );
}

async fn search(form: HtmlFormElement, results: String, turn: u32) {
    let fields = browser::form_fields(&form, None);
    let url = format!("{}?{fields}", form.action());
    // A failed search leaves the results as they were; the button still sends the form.
    let Ok(page) = browser::page(&url).await else {
        return;
    };
    if TYPED.with(Cell::get) != turn {
        return;
    }
    if let (Some(here), Some(there)) = (browser::by_id(&results), page.get_element_by_id(&results))
    {
        browser::take_region(&here, &there);
        browser::replace_address(&url);
    }
}
