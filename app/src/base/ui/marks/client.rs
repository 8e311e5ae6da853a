//! The browser's side of background marks: one mark in flight per row (the newest tap waits
//! behind it and replaces any older one still waiting), rows apart in parallel. Every answer
//! carries the whole list as the server has it, so marks from another tablet show too, on
//! every row not waiting for a mark of its own.

use std::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlFormElement};

use crate::base::browser::{self, Words};

/// A mark to send: where, and the form's fields.
#[derive(Clone)]
struct Job {
    url: String,
    fields: String,
    /// A single mark's own id and when it was made (this tablet's clock): sent with it, so a
    /// mark sent again is applied once and dated by how long it waited (`base::outbox`).
    named: Option<(String, i64)>,
}

impl Job {
    /// What is posted, now.
    fn body(&self) -> String {
        match &self.named {
            Some((id, made_at)) => format!(
                "{}&sent%5Bmark_id%5D={id}&sent%5Bmade_at%5D={made_at}&sent%5Bsent_at%5D={}",
                self.fields,
                browser::seconds_now()
            ),
            None => self.fields.clone(),
        }
    }
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
    let (Some(kind), Some(words)) = (form.get_attribute("data-mark"), Words::near(&form)) else {
        return;
    };
    event.prevent_default();
    let submitter = event.submitter();
    let job = Job {
        url: form.action(),
        fields: browser::form_fields(&form, submitter.as_ref()),
        named: (kind != "all").then(|| (browser::fresh_id(), browser::seconds_now())),
    };
    let key = if kind == "all" {
        show_all_present(&form);
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
        let answer = browser::post(&job.url, &job.body()).await;
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
            (Err(failure), None) => {
                status(
                    &key,
                    &words.failure(failure),
                    "failed",
                    Some(words.say("again")),
                );
            }
            // Failed, but a newer mark for the row is already waiting: that one counts.
            (Err(_), Some(_)) => {}
        }
        match next {
            Some(newer) => job = newer,
            None => break,
        }
    }
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

/// Shows every unmarked row present, before the server has answered.
fn show_all_present(form: &HtmlFormElement) {
    let Some(list) = form
        .closest(".marks")
        .ok()
        .flatten()
        .and_then(|root| root.query_selector_all("li.roll-row.unmarked").ok())
    else {
        return;
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
        }
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
    let line = match place.query_selector(":scope > .mark-status") {
        Ok(Some(line)) => line,
        _ => {
            let Some(line) = place
                .owner_document()
                .and_then(|d| d.create_element("span").ok())
            else {
                return;
            };
            let _ = line.set_attribute("role", "status");
            let _ = place.append_child(&line);
            line
        }
    };
    line.set_class_name(&format!("mark-status {kind}"));
    line.set_text_content(Some(words));
    let failed = kind == "failed";
    let _ = place.class_list().toggle_with_force("mark-failed", failed);
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
