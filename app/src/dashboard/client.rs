//! The browser's side of live updates: an `EventSource` on `/live`. Each `hello` (on every
//! connection, so a dashboard that was cut off catches up) and each `change` carries the live
//! version; a board showing an older one (its `data-version`) fetches the dashboard page again
//! and takes its board, rendered by the server. The browser reconnects by itself after a
//! dropped stream. A stream it gave up on (refused: the session expired, or the server failed)
//! is not simply reopened: the page is fetched again after a pause that grows with each
//! failure, and the answer decides. A board reopens the stream; a page without one (signed
//! out: the centre's public summary) replaces the board and stops; an error waits longer and
//! tries again.

use std::cell::{Cell, RefCell};

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use super::model::retry_pause;
use crate::base::browser;
use crate::base::changes::Version;

/// The board's element id, on the page and in every page fetched again.
pub const BOARD: &str = "board";

struct Stream {
    source: EventSource,
    // Kept alive as long as the source calls them.
    _on_version: Closure<dyn FnMut(MessageEvent)>,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    // The page's stream; none once the board is gone (signed out).
    static STREAM: RefCell<Option<Stream>> = const { RefCell::new(None) };
    // Failures in a row since the stream was last open.
    static FAILURES: Cell<u32> = const { Cell::new(0) };
}

/// The version of the board on screen.
fn shown() -> Option<Version> {
    browser::by_id(BOARD)?
        .get_attribute("data-version")
        .as_deref()
        .and_then(Version::parse)
}

/// Says whether the stream is open, in the words the server put on the board.
fn show_live(on: bool) {
    let Some(line) =
        browser::by_id(BOARD).and_then(|b| b.query_selector(".live-state").ok().flatten())
    else {
        return;
    };
    let words = line.get_attribute(if on { "data-on" } else { "data-off" });
    line.set_text_content(words.as_deref());
    let _ = line.class_list().toggle_with_force("on", on);
}

fn stream_open() -> bool {
    STREAM.with(|stream| {
        stream
            .borrow()
            .as_ref()
            .is_some_and(|s| s.source.ready_state() == EventSource::OPEN)
    })
}

/// Starts following the live version (the board's island calls it once it is live).
pub fn follow() {
    let open_already = STREAM.with(|stream| {
        stream
            .borrow()
            .as_ref()
            .is_some_and(|s| s.source.ready_state() != EventSource::CLOSED)
    });
    if !open_already {
        open();
    }
}

/// Fetches the dashboard again and takes its board (only if newer than the one shown).
fn refresh() {
    leptos::task::spawn_local(async {
        match browser::page("/").await {
            Ok(page) => {
                let Some(board) = page.get_element_by_id(BOARD) else {
                    // No board: no longer staff. The page's main part replaces this one.
                    stop();
                    if let (Some(main), Some(new)) =
                        (browser::by_id("main"), page.get_element_by_id("main"))
                    {
                        browser::take_region(&main, &new);
                    }
                    return;
                };
                let newer = board
                    .get_attribute("data-version")
                    .as_deref()
                    .and_then(Version::parse);
                let behind = match (shown(), newer) {
                    (Some(shown), Some(newer)) => shown.is_behind(newer),
                    _ => true,
                };
                if behind && let Some(current) = browser::by_id(BOARD) {
                    browser::take_region(&current, &board);
                    if let Some(version) = board.get_attribute("data-version") {
                        let _ = current.set_attribute("data-version", &version);
                    }
                }
                show_live(stream_open());
                follow();
            }
            Err(_) => {
                show_live(false);
                fetch_later();
            }
        }
    });
}

fn fetch_later() {
    let failures = FAILURES.with(|f| f.replace(f.get().saturating_add(1)));
    leptos::prelude::set_timeout(refresh, retry_pause(failures));
}

/// Stops following: the board is gone (signed out).
fn stop() {
    STREAM.with(|stream| {
        if let Some(stream) = stream.borrow_mut().take() {
            stream.source.close();
        }
    });
    FAILURES.with(|f| f.set(0));
}

fn open() {
    let Ok(source) = EventSource::new("/live") else {
        return;
    };
    let on_version = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data().as_string().unwrap_or_default();
        if let Some(live) = Version::parse(&data)
            && shown().is_none_or(|shown| shown.is_behind(live))
        {
            refresh();
        }
    });
    for kind in ["hello", "change"] {
        // Cannot fail for a function.
        let _ = source.add_event_listener_with_callback(kind, on_version.as_ref().unchecked_ref());
    }
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        FAILURES.with(|f| f.set(0));
        show_live(true);
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        show_live(false);
        let gave_up = STREAM.with(|stream| {
            stream
                .borrow()
                .as_ref()
                .is_some_and(|s| s.source.ready_state() == EventSource::CLOSED)
        });
        // The page is fetched again, from a timer: its answer reopens the stream (`follow`)
        // or stops it. Never reopened from here: replacing the stream drops this closure.
        if gave_up {
            fetch_later();
        }
    });
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    STREAM.with(|stream| {
        if let Some(old) = stream.borrow_mut().replace(Stream {
            source,
            _on_version: on_version,
            _on_open: on_open,
            _on_error: on_error,
        }) {
            old.source.close();
        }
    });
}
