//! The browser's side of background marks: one mark in flight per row (the newest tap waits
//! behind it and replaces any older one still waiting), rows apart in parallel. Every answer
//! carries the whole list as the server has it, so marks from another tablet show too, on
//! every row not waiting for a mark of its own.

use std::cell::{Cell, RefCell};

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlFormElement};

use super::outbox::{self, Waiting};
use crate::base::browser::{self, Failure, Words};

/// A mark to send: where, and the form's fields.
#[derive(Clone)]
struct Job {
    url: String,
    fields: String,
    /// A single mark's own id and when it was made (this tablet's clock): sent with it, so a
    /// mark sent again is applied once and dated by how long it waited (`base::outbox`).
    named: Option<(String, i64)>,
    /// For "all present": the rows it showed present, and when it was tapped.
    all: Option<(Vec<String>, i64)>,
}

impl Job {
    /// What is posted, now.
    fn body(&self) -> String {
        match &self.named {
            Some((id, made_at)) => named_body(&self.fields, id, *made_at),
            None => self.fields.clone(),
        }
    }

    /// The mark as the outbox keeps it, if it is a named one.
    fn waiting(&self, row: &str) -> Option<Waiting> {
        let (id, made_at) = self.named.clone()?;
        Some(Waiting {
            id,
            url: self.url.clone(),
            fields: self.fields.clone(),
            made_at,
            row: row.to_owned(),
            order: next_order(),
        })
    }
}

/// A named mark's fields with its id and times, sent now.
fn named_body(fields: &str, id: &str, made_at: i64) -> String {
    format!(
        "{fields}&sent%5Bmark_id%5D={id}&sent%5Bmade_at%5D={made_at}&sent%5Bsent_at%5D={}",
        browser::seconds_now()
    )
}

/// The order marks are kept in: this tablet's milliseconds, then a counter for marks kept in
/// the same one.
fn next_order() -> f64 {
    ORDER.with(|last| {
        let now = js_sys::Date::now().max(last.get() + 0.001);
        last.set(now);
        now
    })
}

struct Row {
    /// The row's element id ("all" for the form that marks everyone).
    key: String,
    in_flight: bool,
    next: Option<Job>,
    /// The last mark that was not sent, kept for "send again".
    failed: Option<Job>,
}

thread_local! {
    // The rows that have had a mark sent: a roll is a hundred rows at most.
    static ROWS: RefCell<Vec<Row>> = const { RefCell::new(Vec::new()) };
    static ORDER: Cell<f64> = const { Cell::new(0.0) };
    // Whether the outbox is being sent now.
    static FLUSHING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` on the row `key`'s sending state.
fn with_row<T>(key: &str, f: impl FnOnce(&mut Row) -> T) -> T {
    ROWS.with(|rows| {
        let mut rows = rows.borrow_mut();
        let index = match rows.iter().position(|row| row.key == key) {
            Some(index) => index,
            None => {
                rows.push(Row {
                    key: key.to_owned(),
                    in_flight: false,
                    next: None,
                    failed: None,
                });
                rows.len() - 1
            }
        };
        f(&mut rows[index])
    })
}

/// A form inside the island was sent: if it is a marking form, send it in the background.
pub fn submit(event: &web_sys::SubmitEvent) {
    let Some(form) = event
        .target()
        .and_then(|target| target.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    let Some(words) = Words::near(&form) else {
        return;
    };
    let Some(kind) = form.get_attribute("data-mark") else {
        // Any other form (closing the roll) needs the server there and then: offline, say so
        // rather than leave the page for the browser's own error.
        if !browser::online() {
            event.prevent_default();
            say_under(&form, &words.say("needs-network"));
        }
        return;
    };
    event.prevent_default();
    let submitter = event.submitter();
    let mut job = Job {
        url: form.action(),
        fields: browser::form_fields(&form, submitter.as_ref()),
        named: (kind != "all").then(|| (browser::fresh_id(), browser::seconds_now())),
        all: None,
    };
    let key = if kind == "all" {
        job.all = Some((show_all_present(&form), browser::seconds_now()));
        "all".to_owned()
    } else {
        let Some(row) = form.closest("li.roll-row").ok().flatten() else {
            return;
        };
        if let Some(button) = submitter.or_else(|| {
            form.query_selector("button")
                .ok()
                .flatten()?
                .dyn_into()
                .ok()
        }) {
            show_choice(&row, &button);
        }
        row.id()
    };
    enqueue(key, job, words);
}

fn enqueue(key: String, job: Job, words: Words) {
    let send_now = with_row(&key, |row| {
        row.failed = None;
        if row.in_flight {
            row.next = Some(job.clone());
            false
        } else {
            row.in_flight = true;
            true
        }
    });
    status(&key, &words.say("sending"), "sending", None);
    if send_now {
        leptos::task::spawn_local(send(key, job, words));
    }
}

async fn send(key: String, job: Job, words: Words) {
    let mut job = job;
    loop {
        let kept = job.waiting(&key);
        if let Some(mark) = &kept {
            outbox::keep(mark).await;
        }
        let answer = browser::post(&job.url, &job.body()).await;
        if let Some(mark) = &kept
            && answered(&answer)
        {
            outbox::forget(&mark.id).await;
        }
        let next = with_row(&key, |row| {
            let next = row.next.take();
            row.in_flight = next.is_some();
            if answer.is_err() && next.is_none() {
                row.failed = Some(job.clone());
            }
            next
        });
        match (&answer, &next) {
            (Ok(body), _) => {
                if let Some(marked) = browser::json(body) {
                    apply(&marked, &key);
                }
                if next.is_none() {
                    status(&key, &words.say("sent"), "sent", None);
                }
            }
            (Err(Failure::Network), None) if job.all.is_some() => {
                // "All present" did not get through: each row it showed present is kept as
                // a mark of its own.
                if let Some((rows, tapped_at)) = &job.all {
                    one_by_one(rows, *tapped_at);
                }
                status(&key, &words.say("kept"), "waiting", None);
            }
            (Err(failure), None) => {
                // Kept in the outbox: waiting, not lost.
                let (said, kind) = if kept.is_some() && !answered(&answer) {
                    (words.say("kept"), "waiting")
                } else {
                    (words.failure(failure), "failed")
                };
                status(&key, &said, kind, Some(words.say("again")));
            }
            // Failed, but a newer mark for the row is already waiting: that one counts.
            (Err(_), Some(_)) => {}
        }
        match next {
            Some(newer) => job = newer,
            None => break,
        }
    }
    show_waiting(&words).await;
}

/// Whether the server has answered a mark for good: accepted, or refused for a reason that
/// sending it again will not change. Not reached, or signed out: it stays in the outbox.
fn answered(answer: &Result<String, Failure>) -> bool {
    match answer {
        Ok(_) => true,
        Err(Failure::Network) => false,
        Err(Failure::Refused { status, .. }) => *status != 401,
    }
}

/// Starts sending the outbox in the background: now, whenever the network comes back, and
/// every fifteen seconds while marks wait. Called once the marks island is live.
pub fn start(root: &web_sys::Element) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let root = root.clone();
    let flush_from = move || {
        if let Some(words) = Words::near(&root) {
            leptos::task::spawn_local(flush(words));
        }
    };
    flush_from();
    let on_online = wasm_bindgen::closure::Closure::<dyn Fn()>::new(flush_from.clone());
    let _ = window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    on_online.forget();
    let every = wasm_bindgen::closure::Closure::<dyn Fn()>::new(flush_from);
    let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
        every.as_ref().unchecked_ref(),
        15_000,
    );
    every.forget();
}

/// Sends the marks the outbox keeps, oldest first, until one does not get through. A mark
/// whose row is sending here already is left to that.
async fn flush(words: Words) {
    if FLUSHING.with(|flushing| flushing.replace(true)) {
        return;
    }
    for mark in outbox::all().await {
        let busy = with_row(&mark.row, |row| row.in_flight);
        if busy {
            continue;
        }
        let answer =
            browser::post(&mark.url, &named_body(&mark.fields, &mark.id, mark.made_at)).await;
        if !answered(&answer) {
            break;
        }
        outbox::forget(&mark.id).await;
        with_row(&mark.row, |row| row.failed = None);
        match &answer {
            Ok(body) => {
                if let Some(marked) = browser::json(body) {
                    apply(&marked, &mark.row);
                }
                status(&mark.row, &words.say("sent"), "sent", None);
            }
            Err(failure) => status(&mark.row, &words.failure(failure), "failed", None),
        }
    }
    FLUSHING.with(|flushing| flushing.set(false));
    show_waiting(&words).await;
}

/// Shows how many marks wait in the outbox, above the list (nothing when none).
async fn show_waiting(words: &Words) {
    let kept = outbox::all().await;
    let count = kept.len();
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".marks").ok().flatten())
    else {
        return;
    };
    let Some(badge) = own_line(&root, ("p", "outbox-badge"), "status", true) else {
        return;
    };
    let _ = badge.toggle_attribute_with_force("hidden", count == 0);
    let figure = browser::local_digits(&count.to_string());
    badge.set_text_content(Some(&words.say("waiting").replace("{count}", &figure)));
    show_missing_kept(&root, &kept, words);
}

/// The children marked missing on this tablet whose marks are still kept: an alert at the top
/// of the list at once, before any other screen can know.
fn show_missing_kept(root: &Element, kept: &[Waiting], words: &Words) {
    // Each row's newest kept mark counts (the outbox is oldest first).
    let mut newest: Vec<&Waiting> = Vec::new();
    for mark in kept {
        newest.retain(|other| other.row != mark.row);
        newest.push(mark);
    }
    let names: Vec<String> = newest
        .into_iter()
        .filter(|mark| mark.fields.split('&').any(|field| field == "mark=missing"))
        .filter_map(|mark| {
            browser::by_id(&mark.row)?
                .query_selector(".roll-name")
                .ok()?
        })
        .filter_map(|name| name.text_content())
        .map(|name| name.trim().to_owned())
        .collect();
    let place = ("section", "outbox-missing alert missing-banner");
    let Some(alert) = own_line(root, place, "alert", true) else {
        return;
    };
    let _ = alert.toggle_attribute_with_force("hidden", names.is_empty());
    alert.set_text_content(Some(&format!(
        "{} {}",
        words.say("missing-kept"),
        names.join(", ")
    )));
}

/// Says `words` on a line at the end of `form`.
fn say_under(form: &HtmlFormElement, words: &str) {
    if let Some(line) = own_line(form, ("p", "mark-status failed"), "status", false) {
        line.set_text_content(Some(words));
    }
}

/// The child of `parent` whose first class is `class`'s, made if there is none yet: a `tag`
/// of `class`, with `role`, first in `parent` or last.
fn own_line(
    parent: &Element,
    (tag, class): (&str, &str),
    role: &str,
    first: bool,
) -> Option<Element> {
    let key = class.split(' ').next().unwrap_or(class);
    if let Ok(Some(line)) = parent.query_selector(&format!(":scope > .{key}")) {
        return Some(line);
    }
    let line = parent.owner_document()?.create_element(tag).ok()?;
    line.set_class_name(class);
    let _ = line.set_attribute("role", role);
    let _ = if first {
        parent.prepend_with_node_1(&line)
    } else {
        parent.append_child(&line).map(|_| ())
    };
    Some(line)
}

/// Shows the row as `button` marks it, before the server has answered.
fn show_choice(row: &Element, button: &HtmlElement) {
    let class = button
        .get_attribute("data-class")
        .or_else(|| button.get_attribute("value"))
        .unwrap_or_default();
    let state = button
        .get_attribute("data-state")
        .unwrap_or_else(|| button.inner_text());
    let pressed = button.get_attribute("value").unwrap_or_default();
    show_row(row, &class, &state, &pressed);
}

/// Shows every unmarked row present, before the server has answered: those rows' ids.
fn show_all_present(form: &HtmlFormElement) -> Vec<String> {
    let mut shown = Vec::new();
    let Some(list) = form
        .closest(".marks")
        .ok()
        .flatten()
        .and_then(|root| root.query_selector_all("li.roll-row.unmarked").ok())
    else {
        return shown;
    };
    for i in 0..list.length() {
        let Some(row) = list
            .item(i)
            .and_then(|node| node.dyn_into::<Element>().ok())
        else {
            continue;
        };
        if let Some(button) = row
            .query_selector("button[value=present]")
            .ok()
            .flatten()
            .and_then(|b| b.dyn_into::<HtmlElement>().ok())
        {
            show_choice(&row, &button);
            shown.push(row.id());
        }
    }
    shown
}

/// Sends "all present" (tapped at `tapped_at`) as a present mark for each of `rows`, each
/// kept in the outbox like any mark: it marks the child only if still unmarked when it
/// arrives, so a mark another tablet made meanwhile (a child missing) stands.
fn one_by_one(rows: &[String], tapped_at: i64) {
    for id in rows {
        let Some(row) = browser::by_id(id) else {
            continue;
        };
        let Some(button) = row
            .query_selector("button[value=present]")
            .ok()
            .flatten()
            .and_then(|b| b.dyn_into::<HtmlElement>().ok())
        else {
            continue;
        };
        let (Some(form), Some(words)) = (
            button
                .closest("form")
                .ok()
                .flatten()
                .and_then(|f| f.dyn_into::<HtmlFormElement>().ok()),
            Words::near(&row),
        ) else {
            continue;
        };
        let job = Job {
            url: form.action(),
            fields: format!(
                "{}&sent%5Ball_present%5D=1",
                browser::form_fields(&form, Some(&button))
            ),
            named: Some((browser::fresh_id(), tapped_at)),
            all: None,
        };
        enqueue(id.clone(), job, words);
    }
}

fn show_row(row: &Element, class: &str, state: &str, pressed: &str) {
    row.set_class_name(&format!("roll-row {class}"));
    if let Ok(Some(text)) = row.query_selector(".roll-state") {
        text.set_text_content(Some(state));
    }
    if let Ok(buttons) = row.query_selector_all("button[value]") {
        for i in 0..buttons.length() {
            if let Some(button) = buttons.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                let on = !pressed.is_empty()
                    && button.get_attribute("value").as_deref() == Some(pressed);
                let _ = button.set_attribute("aria-pressed", if on { "true" } else { "false" });
            }
        }
    }
}

/// The server's list (`ui::Marked`, as JSON): every row not waiting for a mark of its own
/// takes it, and the tally.
fn apply(marked: &JsValue, sent: &str) {
    let busy = |id: &str| {
        ROWS.with(|rows| {
            rows.borrow()
                .iter()
                .any(|row| row.key == id && (row.failed.is_some() || (row.in_flight && id != sent)))
        })
    };
    for row in js_sys::Array::from(&browser::field(marked, "rows")).iter() {
        let id = browser::text_field(&row, "id");
        if busy(&id) {
            continue;
        }
        if let Some(element) = browser::by_id(&id) {
            let text = |name: &str| browser::text_field(&row, name);
            show_row(&element, &text("class"), &text("state"), &text("pressed"));
        }
    }
    if let Some(tally) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".tally").ok().flatten())
    {
        tally.set_text_content(Some(&browser::text_field(marked, "tally")));
    }
}

/// Says how a row's (or the "all" form's) mark is going, with "send again" after a failure.
fn status(key: &str, words: &str, kind: &str, again: Option<String>) {
    let place = if key == "all" {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("form[data-mark=all]").ok().flatten())
    } else {
        browser::by_id(key)
    };
    let Some(place) = place else {
        return;
    };
    let Some(line) = own_line(&place, ("span", "mark-status"), "status", false) else {
        return;
    };
    line.set_class_name(&format!("mark-status {kind}"));
    line.set_text_content(Some(words));
    let _ = place
        .class_list()
        .toggle_with_force("mark-failed", kind == "failed");
    let _ = place
        .class_list()
        .toggle_with_force("mark-waiting", kind == "waiting");
    if let Some(again) = again {
        let Some(button) = place
            .owner_document()
            .and_then(|d| d.create_element("button").ok())
        else {
            return;
        };
        let _ = button.set_attribute("type", "button");
        button.set_class_name("button secondary mark-again");
        button.set_text_content(Some(&again));
        let key = key.to_owned();
        let place_for_words = place.clone();
        let on_click = wasm_bindgen::closure::Closure::once_into_js(move || {
            let job = with_row(&key, |row| row.failed.take());
            if let (Some(job), Some(words)) = (job, Words::near(&place_for_words)) {
                enqueue(key, job, words);
            }
        });
        let _ = button.add_event_listener_with_callback("click", on_click.unchecked_ref());
        let _ = line.append_child(&button);
    }
}
