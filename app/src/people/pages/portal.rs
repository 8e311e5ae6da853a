//! The family portal: for now, a welcome that names the family. Visit booking comes with the
//! visits issue.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::page_data;
use crate::i18n::{Key, use_i18n};
use crate::people::api::get_family_home;

/// `/family`: the signed-in family's own page.
#[component]
pub fn FamilyPortalPage() -> impl IntoView {
    let i18n = use_i18n();
    let family = Resource::new_blocking(|| (), |_| get_family_home());
    view! {
        <Title text=i18n.t(Key::FamilyTitle) />
        {page_data(
            family,
            move |family| {
                view! {
                    <section class="narrow family-portal">
                        <h1>{i18n.fmt(Key::FamilyWelcome, &[("name", family.display_name.as_str())])}</h1>
                        <p>{i18n.t(Key::FamilyComingSoon)}</p>
                    </section>
                }
            },
        )}
    }
}
