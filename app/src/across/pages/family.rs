//! `/families/:id`: a family's account (people) and, below it, who of them may visit which
//! child and their bookings (visits). Composed here, above both: people does not read visits.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::base::i18n::{Key, use_i18n};
use crate::base::ui::{page_data, resource_by_id};
use crate::people::api::get_family_account;
use crate::people::pages::FamilyEditor;
use crate::visits::pages::FamilyVisitsSection;

/// `/families/:id`: edit a family account, disable it, give it a new PIN.
#[component]
pub fn FamilyPage() -> impl IntoView {
    let i18n = use_i18n();
    let family = resource_by_id(get_family_account);
    view! {
        <Title text=i18n.t(Key::FamiliesTitle) />
        {page_data(
            family,
            |(family, pin)| {
                let id = family.id;
                view! {
                    <FamilyEditor family pin />
                    <FamilyVisitsSection id />
                }
            },
        )}
    }
}
