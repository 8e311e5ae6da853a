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
            Some((id, made_ms)) => named_body(&self.fields, id, *made_ms),
            None => self.fields.clone(),
        }
    }

    /// The mark as the outbox keeps it, if it is a named one, made by whoever `words` names.
    fn waiting(&self, row: &str, words: &Words) -> Option<Waiting> {
        let (id, made_ms) = self.named.clone()?;
        Some(Waiting {
            id,
            url: self.url.clone(),
            fields: self.fields.clone(),
            made_ms,
            row: row.to_owned(),
            order: next_order(),
            staff_id: signed_in(words),
            staff_name: words.say("staff-name"),
        })
    }
}

/// A named mark's fields with its id and times, sent now.
fn named_body(fields: &str, id: &str, made_ms: i64) -> String {
    format!(
        "{fields}&sent%5Bmark_id%5D={id}&sent%5Bmade_ms%5D={made_ms}&sent%5Bsent_ms%5D={}",
        browser::millis_now()
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
        named: (kind != "all").then(|| (browser::fresh_id(), browser::millis_now())),
        all: None,
    };
    let key = if kind == "all" {
        job.all = Some((show_all_present(&form), browser::millis_now()));
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
        let kept = job.waiting(&key, &words);
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
                show_signed_out(false);
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
                if let Some((rows, tapped_ms)) = &job.all {
                    one_by_one(rows, *tapped_ms);
                }
                status(&key, &words.say("kept"), "waiting", None);
            }
            (Err(failure), None) => {
                show_signed_out(signed_out(&answer));
                // Kept in the outbox: waiting, not lost.
                let (said, kind) = if kept.is_some() && !answered(&answer) {
                    match failure {
                        // The server is there but cannot save now (its disk is full): it says
                        // why, and the mark waits to be sent again.
                        Failure::Refused { status, .. } if *status != 401 => {
                            (words.failure(failure), "waiting")
                        }
                        _ => (words.say("kept"), "waiting"),
                    }
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
/// sending it again will not change (a 4xx). Not reached, signed out, too busy, or unable to
/// save now (a 5xx: its disk is full): it stays in the outbox.
fn answered(answer: &Result<String, Failure>) -> bool {
    match answer {
        Ok(_) => true,
        Err(Failure::Network) => false,
        Err(Failure::Refused { status, .. }) => {
            (400..500).contains(status) && *status != 401 && *status != 429
        }
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
            leptos::task::spawn_local(send_kept(words, None));
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

/// Whether the answer says the session has ended (the marks stay kept).
fn signed_out(answer: &Result<String, Failure>) -> bool {
    matches!(answer, Err(Failure::Refused { status: 401, .. }))
}

/// The staff member signed in on this page (0 when the page does not say).
fn signed_in(words: &Words) -> i64 {
    words.say("staff-id").parse().unwrap_or(0)
}

/// Whether `mark` was made by someone other than whoever is signed in: it waits for them to
/// choose (`show_others`), and is not sent under their name without asking.
fn someone_elses(mark: &Waiting, words: &Words) -> bool {
    mark.staff_id != 0 && mark.staff_id != signed_in(words)
}

/// Sends the marks the outbox keeps, oldest first, until one does not get through. A mark
/// whose row is sending here already is left to that. With `theirs` (a staff id, and whether
/// to discard), only the marks that person made here, sent under the name of whoever is
/// signed in with who made them (or discarded); without, only the marks nobody else made
/// (theirs wait for that choice).
async fn send_kept(words: Words, theirs: Option<(i64, bool)>) {
    if FLUSHING.with(|flushing| flushing.replace(true)) {
        return;
    }
    for mark in outbox::all().await {
        let busy = with_row(&mark.row, |row| row.in_flight);
        let wanted = match theirs {
            Some((staff_id, _)) => mark.staff_id == staff_id && someone_elses(&mark, &words),
            None => !someone_elses(&mark, &words),
        };
        if busy || !wanted {
            continue;
        }
        let mut body = named_body(&mark.fields, &mark.id, mark.made_ms);
        if let Some((staff_id, discard)) = theirs {
            body.push_str(&format!("&sent%5Bmade_by%5D={staff_id}"));
            if discard {
                body.push_str("&sent%5Bdiscard%5D=1");
            }
        }
        let answer = browser::post(&mark.url, &body).await;
        show_signed_out(signed_out(&answer));
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
    let Some(root) = browser::first(".marks") else {
        return;
    };
    let Some(badge) = own_line(&root, ("p", "outbox-badge"), "status", true) else {
        return;
    };
    let _ = badge.toggle_attribute_with_force("hidden", count == 0);
    let figure = browser::local_digits(&count.to_string());
    badge.set_text_content(Some(&words.say("waiting").replace("{count}", &figure)));
    let newest = newest_per_row(&kept);
    show_kept_rows(&newest, words);
    show_missing_kept(&root, &newest, words);
    show_others(&kept, words);
}

/// Shows or hides the line (the server's, above the list) that says the session has ended and
/// the marks wait for a sign-in; its link comes back to this page.
fn show_signed_out(ended: bool) {
    let Some(line) = browser::first(".outbox-signed-out") else {
        return;
    };
    let _ = line.toggle_attribute_with_force("hidden", !ended);
    if let (true, Some(link), Some(window)) = (
        ended,
        line.query_selector("a").ok().flatten(),
        web_sys::window(),
    ) {
        let location = window.location();
        let here = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
        let back = String::from(js_sys::encode_uri_component(&here));
        let _ = link.set_attribute("href", &format!("/login?back={back}"));
    }
}

/// The marks someone else made on this tablet (who signed out, or whose session ended), a
/// line for each of them above the list (the server's template): whose, how many, and the
/// choice to send them under the name of whoever is signed in now or to discard them (both
/// audited by the server; see `click`).
fn show_others(kept: &[Waiting], words: &Words) {
    let mut makers: Vec<(i64, String, usize)> = Vec::new();
    for mark in kept.iter().filter(|mark| someone_elses(mark, words)) {
        match makers.iter_mut().find(|(id, ..)| *id == mark.staff_id) {
            Some((.., count)) => *count += 1,
            None => makers.push((mark.staff_id, mark.staff_name.clone(), 1)),
        }
    }
    let (Some(place), Some(template)) = (
        browser::first(".outbox-others"),
        browser::first(".outbox-other-template")
            .and_then(|t| t.dyn_into::<web_sys::HtmlTemplateElement>().ok()),
    ) else {
        return;
    };
    let _ = place.toggle_attribute_with_force("hidden", makers.is_empty());
    place.set_text_content(None);
    for (staff_id, name, count) in makers {
        let Some(line) = template
            .content()
            .first_element_child()
            .and_then(|line| line.clone_node_with_deep(true).ok())
            .and_then(|line| line.dyn_into::<Element>().ok())
        else {
            continue;
        };
        let _ = line.set_attribute("data-staff", &staff_id.to_string());
        if let Ok(Some(said)) = line.query_selector("span") {
            said.set_text_content(Some(
                &words
                    .say("others-waiting")
                    .replace("{name}", &name)
                    .replace("{count}", &browser::local_digits(&count.to_string())),
            ));
        }
        let _ = place.append_child(&line);
    }
}

/// A click in the marks island: on a line of someone else's marks, send them under the name
/// of whoever is signed in, or discard them.
pub fn click(event: &web_sys::MouseEvent) {
    let Some(button) = event
        .target()
        .and_then(|target| target.dyn_into::<Element>().ok())
        .and_then(|target| target.closest(".outbox-other button").ok().flatten())
    else {
        return;
    };
    let staff_id = button
        .closest(".outbox-other")
        .ok()
        .flatten()
        .and_then(|line| line.get_attribute("data-staff"))
        .and_then(|id| id.parse::<i64>().ok());
    if let (Some(staff_id), Some(words)) = (staff_id, Words::near(&button)) {
        let _ = button.set_attribute("disabled", "");
        let discard = button.class_list().contains("outbox-discard");
        leptos::task::spawn_local(send_kept(words, Some((staff_id, discard))));
    }
}

/// Each row's newest kept mark: the one that counts for it (the outbox is oldest first).
fn newest_per_row(kept: &[Waiting]) -> Vec<&Waiting> {
    let mut newest: Vec<&Waiting> = Vec::new();
    for mark in kept {
        newest.retain(|other| other.row != mark.row);
        newest.push(mark);
    }
    newest
}

/// Shows on its row each mark kept on this tablet for this page, as waiting: after a reload
/// (or a page opened from its offline copy) the marks made and not yet sent are still seen.
/// A row sending a mark of its own now, or showing its own failure (with "send again"), is
/// left to that.
fn show_kept_rows(newest: &[&Waiting], words: &Words) {
    for mark in newest {
        if with_row(&mark.row, |row| row.in_flight || row.failed.is_some()) {
            continue;
        }
        let Some(row) = browser::by_id(&mark.row) else {
            continue;
        };
        if let Some(button) = button_for(&row, mark) {
            show_choice(&row, &button);
            status(&mark.row, &words.say("kept"), "waiting", None);
        }
    }
}

/// The button on `row` that makes `mark`, if `mark` was made on this page's row: a form posting
/// where the mark goes, whose hidden fields (the roll or session, the child) are all the mark's,
/// and its button for the mark's choice (or its only button, for a choice made in a field).
fn button_for(row: &Element, mark: &Waiting) -> Option<HtmlElement> {
    let pairs: Vec<&str> = mark.fields.split('&').collect();
    let has = |name: String, value: String| {
        let pair = format!(
            "{}={}",
            js_sys::encode_uri_component(&name),
            js_sys::encode_uri_component(&value)
        );
        pairs.contains(&pair.as_str())
    };
    for form in browser::all(row, "form") {
        let Ok(form) = form.dyn_into::<HtmlFormElement>() else {
            continue;
        };
        let ours = form.action() == mark.url
            && browser::all(&form, "input[type=hidden]")
                .iter()
                .all(|input| {
                    has(
                        input.get_attribute("name").unwrap_or_default(),
                        input.get_attribute("value").unwrap_or_default(),
                    )
                });
        if !ours {
            continue;
        }
        let buttons = browser::all(&form, "button");
        let chosen = buttons.iter().find(|button| {
            match (button.get_attribute("name"), button.get_attribute("value")) {
                (Some(name), Some(value)) => has(name, value),
                _ => buttons.len() == 1,
            }
        });
        if let Some(button) = chosen {
            return button.clone().dyn_into().ok();
        }
    }
    None
}

/// The children marked missing on this tablet whose marks are still kept: an alert at the top
/// of the list at once, before any other screen can know.
fn show_missing_kept(root: &Element, newest: &[&Waiting], words: &Words) {
    let names: Vec<String> = newest
        .iter()
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
    let Some(root) = form.closest(".marks").ok().flatten() else {
        return shown;
    };
    for row in browser::all(&root, "li.roll-row.unmarked") {
        if let Some(button) = present_button(&row) {
            show_choice(&row, &button);
            shown.push(row.id());
        }
    }
    shown
}

/// The button that marks `row` present.
fn present_button(row: &Element) -> Option<HtmlElement> {
    row.query_selector("button[value=present]")
        .ok()
        .flatten()?
        .dyn_into()
        .ok()
}

/// Sends "all present" (tapped at `tapped_ms`) as a present mark for each of `rows`, each
/// kept in the outbox like any mark: it marks the child only if still unmarked when it
/// arrives, so a mark another tablet made meanwhile (a child missing) stands.
fn one_by_one(rows: &[String], tapped_ms: i64) {
    for id in rows {
        let Some(row) = browser::by_id(id) else {
            continue;
        };
        let Some(button) = present_button(&row) else {
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
            named: Some((browser::fresh_id(), tapped_ms)),
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
    for button in browser::all(row, "button[value]") {
        let on = !pressed.is_empty() && button.get_attribute("value").as_deref() == Some(pressed);
        let _ = button.set_attribute("aria-pressed", if on { "true" } else { "false" });
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
    if let Some(tally) = browser::first(".tally") {
        tally.set_text_content(Some(&browser::text_field(marked, "tally")));
    }
}

/// Says how a row's (or the "all" form's) mark is going, with "send again" after a failure.
fn status(key: &str, words: &str, kind: &str, again: Option<String>) {
    let place = if key == "all" {
        browser::first("form[data-mark=all]")
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
