//! The pieces every visits page shares, the social team's, the gate's and the family portal's.

use leptos::prelude::*;

use crate::base::i18n::{I18n, Key};

/// `items` as cards in a list of class `class`, or the sentence `none` when there are none.
pub fn card_list<T, V>(
    i18n: I18n,
    (class, none): (&'static str, Key),
    items: Vec<T>,
    card: impl FnMut(T) -> V,
) -> AnyView
where
    V: IntoView + 'static,
{
    if items.is_empty() {
        return view! { <p class="empty">{i18n.t(none)}</p> }.into_any();
    }
    view! { <ul class=class>{items.into_iter().map(card).collect_view()}</ul> }.into_any()
}

/// A box to tick, posted as `name`, with its label (`children`) beside it.
#[component]
pub fn Choice(
    id: String,
    name: String,
    #[prop(optional)] checked: bool,
    children: Children,
) -> impl IntoView {
    let label_for = id.clone();
    view! {
        <label class="choice" for=label_for>
            <input id=id type="checkbox" name=name checked=checked />
            {children()}
        </label>
    }
}

/// The options of a count from `counts`, `chosen` selected.
pub fn count_options(
    i18n: I18n,
    counts: std::ops::RangeInclusive<i64>,
    chosen: i64,
) -> impl IntoView {
    counts
        .map(|n| {
            view! {
                <option value=n.to_string() selected=n == chosen>
                    {i18n.num(n)}
                </option>
            }
        })
        .collect_view()
}
