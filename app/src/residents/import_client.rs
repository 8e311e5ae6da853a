//! The browser's side of an import's confirmation: the form is sent `data-step` rows at a time
//! (the server function answers how far it has gone, as JSON), the progress bar and its words
//! follow, and at the end the browser goes to `data-done`, the preview saying it is done.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlFormElement};

use crate::base::browser::{self, Words};
use crate::base::i18n::{Lang, fill};

/// The confirmation's form was sent: import step by step instead.
pub fn confirm(event: &web_sys::SubmitEvent) {
    let Some(form) = event
        .target()
        .and_then(|target| target.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    let (Some(step), Some(done), Some(words)) = (
        form.get_attribute("data-step"),
        form.get_attribute("data-done"),
        Words::near(&form),
    ) else {
        return;
    };
    event.prevent_default();
    if let Ok(Some(button)) = form.query_selector("button") {
        let _ = button.set_attribute("disabled", "");
    }
    let fields = format!("{}&step={step}", browser::form_fields(&form, None));
    leptos::task::spawn_local(async move {
        let island = form.closest("leptos-island").ok().flatten();
        let find = |selector: &str| {
            island
                .as_ref()
                .and_then(|island| island.query_selector(selector).ok().flatten())
        };
        loop {
            match browser::post(&form.action(), &fields).await {
                Ok(body) => {
                    let answer = browser::json(&body).unwrap_or_default();
                    let count = |name: &str| browser::field(&answer, name).as_f64().unwrap_or(0.0);
                    let (now, total) = (count("done"), count("total"));
                    if now >= total {
                        browser::go_to(&done);
                        break;
                    }
                    if let Some(progress) = find(".import-progress") {
                        show_progress(&progress, now, total);
                    }
                }
                Err(failure) => {
                    if let Some(line) = find(".form-error") {
                        line.set_text_content(Some(&words.failure(&failure)));
                        let _ = line.remove_attribute("hidden");
                    }
                    break;
                }
            }
        }
    });
}

/// Shows `now` rows of `total` done, in the page's language and digits.
fn show_progress(progress: &Element, now: f64, total: f64) {
    let _ = progress.remove_attribute("hidden");
    if let Ok(Some(bar)) = progress.query_selector("progress") {
        let _ = bar.set_attribute("max", &(total as i64).to_string());
        let _ = bar.set_attribute("value", &(now as i64).to_string());
    }
    let lang = progress
        .get_attribute("data-lang")
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_default();
    let template = progress.get_attribute("data-template").unwrap_or_default();
    let (now, total) = (lang.number(now as i64), lang.number(total as i64));
    if let Ok(Some(words)) = progress.query_selector("span") {
        words.set_text_content(Some(&fill(&template, &[("done", &now), ("total", &total)])));
    }
}
