//! What the islands do in the browser, on the server's own HTML: post a form in the background,
//! fetch a page and take one region of it. Compiled into the WASM only (`hydrate`).
//!
//! The islands keep no copy of the pages' rendering or of the translations: the server renders
//! every row, figure and message, and the browser moves its HTML into place. That keeps the WASM
//! small enough for a tablet on weak Wi-Fi.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlFormElement, RequestInit, Response, UrlSearchParams};

/// Why a background request did not succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The server was not reached (no network, a dropped connection).
    Network,
    /// The server answered with an error status, and this body (the error, as JSON).
    Refused { status: u16, body: String },
}

fn window() -> Result<web_sys::Window, Failure> {
    web_sys::window().ok_or(Failure::Network)
}

async fn text(response: &Response) -> String {
    match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn fetch(url: &str, init: &RequestInit) -> Result<Response, Failure> {
    let promise = window()?.fetch_with_str_and_init(url, init);
    let response = JsFuture::from(promise)
        .await
        .map_err(|_| Failure::Network)?;
    response
        .dyn_into::<Response>()
        .map_err(|_| Failure::Network)
}

/// The fields of `form` as the browser would send them, with `submitter`'s name and value when
/// a button sent it.
pub fn form_fields(form: &HtmlFormElement, submitter: Option<&web_sys::HtmlElement>) -> String {
    let Ok(data) = web_sys::FormData::new_with_form(form) else {
        return String::new();
    };
    if let Some(button) = submitter
        && let (Some(name), Some(value)) =
            (button.get_attribute("name"), button.get_attribute("value"))
    {
        let _ = data.append_with_str(&name, &value);
    }
    Some(data)
        .and_then(|data| UrlSearchParams::new_with_str_sequence_sequence(&data).ok())
        .map(|params| String::from(params.to_string()))
        .unwrap_or_default()
}

/// A figure as the page writes it: in Khmer digits on a page in Khmer.
pub fn local_digits(figure: &str) -> String {
    let khmer = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .is_some_and(|html| html.get_attribute("lang").as_deref() == Some("km"));
    if !khmer {
        return figure.to_owned();
    }
    figure
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x17E0 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// Whether the browser believes it has a network (false: certainly none).
pub fn online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}

/// Unix milliseconds by this device's clock (which may be wrong: see `base::outbox`).
pub fn millis_now() -> i64 {
    // Milliseconds since 1970 as a float, whole: exact in both.
    js_sys::Date::now().floor() as i64
}

/// A fresh id for something made on this device: 128 random bits, in hex. From
/// `crypto.getRandomValues`, which works over plain HTTP too (unlike `randomUUID`).
pub fn fresh_id() -> String {
    let mut bytes = [0u8; 16];
    let random = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !random {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0).floor() as u8;
        }
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Posts `fields` (URL-encoded) to the server function at `url`, asking for its answer as JSON
/// instead of the redirect a plain form gets. The answer's body on success.
pub async fn post(url: &str, fields: &str) -> Result<String, Failure> {
    let headers = web_sys::Headers::new().map_err(|_| Failure::Network)?;
    // Cannot fail for these names and values.
    let _ = headers.set("Content-Type", "application/x-www-form-urlencoded");
    let _ = headers.set("Accept", "application/json");
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(fields));
    let response = fetch(url, &init).await?;
    let body = text(&response).await;
    if response.ok() {
        Ok(body)
    } else {
        Err(Failure::Refused {
            status: response.status(),
            body,
        })
    }
}

/// Fetches the page at `url` as a document, as a browser would navigate to it.
pub async fn page(url: &str) -> Result<Document, Failure> {
    let init = RequestInit::new();
    init.set_method("GET");
    let response = fetch(url, &init).await?;
    let body = text(&response).await;
    if !response.ok() {
        return Err(Failure::Refused {
            status: response.status(),
            body,
        });
    }
    web_sys::DomParser::new()
        .and_then(|parser| parser.parse_from_string(&body, web_sys::SupportedType::TextHtml))
        .map_err(|_| Failure::Network)
}

/// Replaces what `into` holds with what `from` holds (the same region of a newer page).
pub fn take_region(into: &Element, from: &Element) {
    into.set_inner_html(&from.inner_html());
}

/// The element of this page with `id`.
pub fn by_id(id: &str) -> Option<Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// Puts `url` in the address bar in place of the current one, so a reload or the back button
/// shows what is on screen.
pub fn replace_address(url: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// Goes to `url`, as following a link.
pub fn go_to(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}

/// The page's first element matching `selector`.
pub fn first(selector: &str) -> Option<Element> {
    web_sys::window()?
        .document()?
        .query_selector(selector)
        .ok()
        .flatten()
}

/// The elements under `parent` matching `selector`, in document order.
pub fn all(parent: &Element, selector: &str) -> Vec<Element> {
    let Ok(list) = parent.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

/// Marks an island as live, for the browser tests and for styles: `data-live` on its root;
/// and installs the service worker, as any staff page with an island is opened.
pub fn mark_live(root: &Element) {
    let _ = root.set_attribute("data-live", "true");
    install_offline_worker();
}

/// Installs the service worker (`/sw.js`) that lets this tablet open tonight's roll call and
/// homework with no network. The browser keeps one, and checks it for a new release. Over
/// plain HTTP (no secure context) there is none: pages then need the network to open, and the
/// outbox still keeps the marks.
fn install_offline_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let Ok(workers) = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker")) else {
        return;
    };
    let Some(register) = js_sys::Reflect::get(&workers, &JsValue::from_str("register"))
        .ok()
        .and_then(|register| register.dyn_into::<js_sys::Function>().ok())
    else {
        return;
    };
    if let Ok(promise) = register.call1(&workers, &JsValue::from_str("/sw.js")) {
        // A refusal (a private window, storage full) leaves the pages as they are.
        let installed = JsFuture::from(js_sys::Promise::resolve(&promise));
        wasm_bindgen_futures::spawn_local(async move {
            let _ = installed.await;
        });
    }
}

/// The words the server put in the page for an island: a hidden `.send-words` element in the
/// island (see `ui::SendWords`). The WASM carries no translations.
pub struct Words(Element);

impl Words {
    /// The words of the island around `element`.
    pub fn near(element: &Element) -> Option<Words> {
        element
            .closest("leptos-island")
            .ok()
            .flatten()?
            .query_selector(".send-words")
            .ok()
            .flatten()
            .map(Words)
    }

    /// The words named `name` (`sending`, `sent`, `offline`, `again`, `refused`).
    pub fn say(&self, name: &str) -> String {
        self.0
            .get_attribute(&format!("data-{name}"))
            .unwrap_or_default()
    }

    /// What to say of `failure`: no connection, or the refusal's own words.
    pub fn failure(&self, failure: &Failure) -> String {
        let Failure::Refused { body, .. } = failure else {
            return self.say("offline");
        };
        all(&self.0, "[data-wire]")
            .into_iter()
            .find(|item| item.get_attribute("data-wire").as_deref() == Some(body.trim()))
            .and_then(|item| item.text_content())
            .unwrap_or_else(|| self.say("refused"))
    }
}

/// An answer's JSON, read by the browser's own parser (no JSON code in the WASM).
pub fn json(body: &str) -> Option<JsValue> {
    js_sys::JSON::parse(body).ok()
}

/// `value.name`, or `undefined`.
pub fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// `value.name` as text (empty when it is not text).
pub fn text_field(value: &JsValue, name: &str) -> String {
    field(value, name).as_string().unwrap_or_default()
}
