//! What every data page shares: waiting for its data, its refusal, and its list table.

use leptos::prelude::*;

use super::ProblemPage;
use crate::base::error::AppError;
use crate::base::i18n::{Key, use_i18n};

/// A page's data: "Loading…" while it first comes, then `ready(data)`; or, when it was
/// refused, the sign-in redirect or the error page (see [`ProblemPage`]). New data for the same
/// page (a search as it is typed) replaces the old when it arrives, without a flash of
/// "Loading…" (a transition).
pub fn page_data<T, V, F>(resource: Resource<Result<T, AppError>>, ready: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <Transition fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || {
                let ready = ready.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => ready(data).into_any(),
                        Err(error) => view! { <ProblemPage error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The data of a page about one record: `fetch(id)` for the page's `:id`, and 404 when the
/// `:id` is not a number.
pub fn resource_by_id<T, Fut>(
    fetch: impl Fn(i64) -> Fut + Copy + Send + Sync + 'static,
) -> Resource<Result<T, AppError>>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    let id = id_param();
    Resource::new_blocking(id, move |id| async move {
        match id {
            Some(id) => fetch(id).await,
            None => Err(AppError::NotFound),
        }
    })
}

/// The page's `:id` as a number; `None` when it is not one (the page then answers 404).
pub fn id_param() -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    }
}

/// A list as a table that scrolls sideways on a phone, with these column headings.
#[component]
pub fn ListTable(
    /// The column headings.
    headers: Vec<Key>,
    /// Another class beside `list`.
    #[prop(optional)]
    class: &'static str,
    /// The rows.
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = if class.is_empty() {
        "list".to_owned()
    } else {
        format!("list {class}")
    };
    view! {
        // Scrolls sideways on a phone: it takes the focus, so a keyboard can scroll it too.
        <div class="table-wrap" tabindex="0">
            <table class=class>
                <thead>
                    <tr>
                        {headers
                            .into_iter()
                            .map(|heading| view! { <th scope="col">{i18n.t(heading)}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
