//! Pages of the centre domain: the home page ("Today").

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::get_centre_summary;
use super::model::CentreSummary;
use crate::base::error::AppError;
use crate::base::i18n::{Key, use_i18n};
use crate::base::ui::ErrorPage;

/// The centre summary, loaded once per page by the layout and shared through context.
pub type CentreSummaryResource = Resource<Result<Option<CentreSummary>, AppError>>;

/// Loads the centre summary for this page and shares it with the components below.
/// Blocking, so the page is complete before it is sent (it must work without JavaScript).
pub fn provide_centre_summary() -> CentreSummaryResource {
    let summary = Resource::new_blocking(|| (), |_| get_centre_summary());
    provide_context(summary);
    summary
}

/// The home page: today's date at the centre and its facilities.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let summary = use_context::<CentreSummaryResource>().unwrap_or_else(provide_centre_summary);
    view! {
        <Title text=i18n.t(Key::HomeTitle) />
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(Some(centre)) => view! { <Today centre /> }.into_any(),
                    Ok(None) => view! {
                        <h1>{i18n.t(Key::HomeTitle)}</h1>
                        <p class="notice">{i18n.t(Key::HomeNoCentre)}</p>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Today(centre: CentreSummary) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{i18n.t(Key::HomeTitle)}</h1>
        <p class="today">
            <time datetime=centre.today.to_string()>{i18n.date_long(centre.today)}</time>
        </p>
        <h2>{i18n.t(Key::HomeFacilities)}</h2>
        <ul class="cards">
            {centre
                .facilities
                .into_iter()
                .map(|facility| {
                    view! {
                        <li class="card">
                            <p class="card-kind">{i18n.t(facility.kind.label())}</p>
                            <p class="card-title">{facility.name.in_lang(i18n.lang).to_owned()}</p>
                            <p class="card-figure">{facility.places(i18n)}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
