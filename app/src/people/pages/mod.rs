//! Pages of people and access: sign-in, the admin's staff accounts, the social team's family
//! accounts. Every form is a plain HTML form: it works without the WASM.

mod families;
mod login;
mod staff;

pub use families::{FamiliesPage, FamilyPage};
pub use login::LoginPage;
pub use staff::{StaffMemberPage, StaffPage};

use leptos::prelude::*;

use crate::i18n::{Key, Lang, use_i18n};
use crate::people::model::Role;

/// The label of a role.
pub fn role_label(role: Role) -> Key {
    match role {
        Role::Admin => Key::RoleAdmin,
        Role::HouseStaff => Key::RoleHouseStaff,
        Role::Canteen => Key::RoleCanteen,
        Role::SocialTeam => Key::RoleSocialTeam,
        Role::Tutor => Key::RoleTutor,
    }
}

/// A language chooser for a form, with `selected` chosen.
#[component]
fn LanguageSelect(selected: Lang) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for="language">{i18n.t(Key::FieldLanguage)}</label>
        <select id="language" name="language">
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    view! {
                        <option value=lang.code() selected=lang == selected>
                            {i18n.t(lang.name_key())}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}
