//! The tablet's outbox: every named mark is kept in IndexedDB from the moment it is made until
//! the server has answered it, so a mark made while the network is down, or on a page closed
//! before its answer came, is never lost. The server applies each mark once however often it
//! arrives (`base::outbox`), so sending one twice does no harm.

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbObjectStore, IdbObjectStoreParameters, IdbRequest, IdbTransactionMode,
};

const DATABASE: &str = "centre";
const STORE: &str = "outbox";

/// A mark waiting for the server's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiting {
    /// The mark's own id (the store's key).
    pub id: String,
    /// The server function it is posted to.
    pub url: String,
    /// The form's fields, URL-encoded, without the id and times.
    pub fields: String,
    /// When it was made, by this tablet's clock (Unix milliseconds).
    pub made_ms: i64,
    /// Its row's element id on the page it was made on.
    pub row: String,
    /// When it was kept (milliseconds, this tablet's clock, with a counter): the order to send.
    pub order: f64,
    /// Who made it (`ui::Marker`): the staff member signed in then. 0 when not known.
    pub staff_id: i64,
    pub staff_name: String,
}

/// Resolves when `request` succeeds, with its result.
async fn settled(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let mut wait = |resolve: js_sys::Function, reject: js_sys::Function| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move || {
            let result = done.result().unwrap_or(JsValue::UNDEFINED);
            let _ = resolve.call1(&JsValue::UNDEFINED, &result);
        });
        let on_error = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::UNDEFINED);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    };
    JsFuture::from(Promise::new(&mut wait)).await
}

async fn database() -> Option<IdbDatabase> {
    let factory = web_sys::window()?.indexed_db().ok()??;
    let request = factory.open_with_u32(DATABASE, 1).ok()?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Some(db) = upgrading
            .result()
            .ok()
            .and_then(|db| db.dyn_into::<IdbDatabase>().ok())
        {
            let parameters = IdbObjectStoreParameters::new();
            parameters.set_key_path(&JsValue::from_str("id"));
            let _ = db.create_object_store_with_optional_parameters(STORE, &parameters);
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    settled(&request).await.ok()?.dyn_into().ok()
}

async fn store(mode: IdbTransactionMode) -> Option<IdbObjectStore> {
    database()
        .await?
        .transaction_with_str_and_mode(STORE, mode)
        .ok()?
        .object_store(STORE)
        .ok()
}

/// Keeps `mark` until `forget` is called with its id.
pub async fn keep(mark: &Waiting) {
    let record = Object::new();
    let set = |name: &str, value: JsValue| {
        let _ = Reflect::set(&record, &JsValue::from_str(name), &value);
    };
    set("id", mark.id.as_str().into());
    set("url", mark.url.as_str().into());
    set("fields", mark.fields.as_str().into());
    // Whole milliseconds: exact in a float.
    set("made_ms", JsValue::from_f64(mark.made_ms as f64));
    set("row", mark.row.as_str().into());
    set("order", JsValue::from_f64(mark.order));
    set("staff_id", JsValue::from_f64(mark.staff_id as f64));
    set("staff_name", mark.staff_name.as_str().into());
    if let Some(store) = store(IdbTransactionMode::Readwrite).await
        && let Ok(request) = store.put(&record)
    {
        let _ = settled(&request).await;
    }
}

/// Forgets the mark `id`: the server has answered it.
pub async fn forget(id: &str) {
    if let Some(store) = store(IdbTransactionMode::Readwrite).await
        && let Ok(request) = store.delete(&JsValue::from_str(id))
    {
        let _ = settled(&request).await;
    }
}

/// Every mark kept, oldest first.
pub async fn all() -> Vec<Waiting> {
    let Some(store) = store(IdbTransactionMode::Readonly).await else {
        return Vec::new();
    };
    let Ok(request) = store.get_all() else {
        return Vec::new();
    };
    let Ok(records) = settled(&request).await else {
        return Vec::new();
    };
    let text = |record: &JsValue, name: &str| {
        Reflect::get(record, &JsValue::from_str(name))
            .ok()
            .and_then(|value| value.as_string())
            .unwrap_or_default()
    };
    let number = |record: &JsValue, name: &str| {
        Reflect::get(record, &JsValue::from_str(name))
            .ok()
            .and_then(|value| value.as_f64())
            .unwrap_or_default()
    };
    let mut marks: Vec<Waiting> = Array::from(&records)
        .iter()
        .map(|record| Waiting {
            id: text(&record, "id"),
            url: text(&record, "url"),
            fields: text(&record, "fields"),
            made_ms: number(&record, "made_ms") as i64,
            row: text(&record, "row"),
            order: number(&record, "order"),
            staff_id: number(&record, "staff_id") as i64,
            staff_name: text(&record, "staff_name"),
        })
        .filter(|mark| !mark.id.is_empty() && !mark.url.is_empty())
        .collect();
    marks.sort_by(|a, b| a.order.total_cmp(&b.order));
    marks
}
