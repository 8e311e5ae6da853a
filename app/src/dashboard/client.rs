//! The browser's side of live updates: an `EventSource` on `/live`. Each `hello` (on every
//! connection, so a dashboard that was cut off catches up) and each `change` carries the live
//! version; a dashboard showing an older one fetches its data again. The browser reconnects
//! by itself after a dropped stream. A stream it gave up on (refused: the session expired, or
//! the server failed) is not simply reopened: the page fetches its data again after a pause
//! that grows with each failure, and the answer decides. Staff data reopens the stream; "not
//! signed in" shows the sign-in summary and stops; another error waits longer and tries again.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use super::model::{Dashboard, retry_pause};
use crate::base::changes::Version;

struct Stream {
    source: EventSource,
    // Kept alive as long as the source calls them.
    _on_version: Closure<dyn FnMut(MessageEvent)>,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    // The page's stream; none once the dashboard is left.
    static STREAM: RefCell<Option<Stream>> = const { RefCell::new(None) };
    // Failures in a row since the stream was last open.
    static FAILURES: Cell<u32> = const { Cell::new(0) };
}

/// Follows the live version while the dashboard shows staff data: `shown` is the dashboard on
/// screen, `refresh` is bumped to fetch again, `live` tells whether the stream is open. Called
/// whenever staff data arrives; opens the stream, or reopens one the browser gave up on.
pub fn follow(shown: StoredValue<Option<Dashboard>>, refresh: RwSignal<u32>, live: RwSignal<bool>) {
    let open_already = STREAM.with(|stream| {
        stream
            .borrow()
            .as_ref()
            .is_some_and(|s| s.source.ready_state() != EventSource::CLOSED)
    });
    if !open_already {
        open(shown, refresh, live);
    }
}

/// The fetch after a stream failure failed too (the server is down or failing): wait longer
/// and fetch again, as long as the dashboard is shown.
pub fn retry(refresh: RwSignal<u32>) {
    if following() {
        fetch_later(refresh);
    }
}

/// Whether the dashboard still follows the live version (it was not left nor signed out).
fn following() -> bool {
    STREAM.with(|stream| stream.borrow().is_some())
}

fn fetch_later(refresh: RwSignal<u32>) {
    let failures = FAILURES.with(|f| f.replace(f.get().saturating_add(1)));
    set_timeout(
        move || {
            if following() {
                refresh.try_update(|n| *n = n.wrapping_add(1));
            }
        },
        retry_pause(failures),
    );
}

/// Stops following: the dashboard was left, or its viewer is no longer staff (signed out).
pub fn stop() {
    STREAM.with(|stream| {
        if let Some(stream) = stream.borrow_mut().take() {
            stream.source.close();
        }
    });
    FAILURES.with(|f| f.set(0));
}

fn open(shown: StoredValue<Option<Dashboard>>, refresh: RwSignal<u32>, live: RwSignal<bool>) {
    let Ok(source) = EventSource::new("/live") else {
        return;
    };
    let on_version = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data().as_string().unwrap_or_default();
        if let Some(version) = Version::parse(&data)
            && shown
                .try_with_value(|shown| shown.as_ref().map(|shown| shown.version))
                .flatten()
                .is_some_and(|shown| shown.is_behind(version))
        {
            refresh.try_update(|n| *n = n.wrapping_add(1));
        }
    });
    for kind in ["hello", "change"] {
        // Cannot fail for a function.
        let _ = source.add_event_listener_with_callback(kind, on_version.as_ref().unchecked_ref());
    }
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        FAILURES.with(|f| f.set(0));
        live.try_set(true);
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        live.try_set(false);
        let gave_up = STREAM.with(|stream| {
            stream
                .borrow()
                .as_ref()
                .is_some_and(|s| s.source.ready_state() == EventSource::CLOSED)
        });
        // The data is fetched again, from a timer: its answer reopens the stream (`follow`)
        // or stops it. Never reopened from here: replacing the stream drops this closure.
        if gave_up {
            fetch_later(refresh);
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
