//! Pages of people and access: sign-in, the admin's staff accounts, the social team's family
//! accounts. Every form is a plain HTML form: it works without the WASM.

mod families;
mod login;
mod sign_out;
mod staff;

pub use families::{FamiliesPage, FamilyEditor};
pub use login::LoginPage;
pub use sign_out::SignOutPage;
pub use staff::{StaffMemberPage, StaffPage};

use leptos::prelude::*;

use crate::base::access::Role;
use crate::base::i18n::{Key, Lang, use_i18n};

/// The label of a role.
pub fn role_label(role: Role) -> Key {
    match role {
        Role::Admin => Key::RoleAdmin,
        Role::HouseStaff => Key::RoleHouseStaff,
        Role::Canteen => Key::RoleCanteen,
        Role::SocialTeam => Key::RoleSocialTeam,
        Role::Tutor => Key::RoleTutor,
        Role::Monitor => Key::RoleMonitor,
    }
}

/// An account's row in a list: its name, linked to its editor at `href`, the cells of its
/// kind (`children`), and its state; a disabled account is greyed.
#[component]
fn AccountRow(
    href: String,
    name: String,
    active: bool,
    locked_at: Option<i64>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <tr class:inactive=!active>
            <td>
                <a href=href>{name}</a>
            </td>
            {children()}
            <td>{i18n.t(account_state(active, locked_at))}</td>
        </tr>
    }
}

/// An account's state in a list: disabled, locked or active.
fn account_state(active: bool, locked_at: Option<i64>) -> Key {
    match (active, locked_at) {
        (false, _) => Key::StateDisabled,
        (true, Some(_)) => Key::StateLocked,
        (true, None) => Key::StateActive,
    }
}

/// When an account is locked: since when, why, and the form that unlocks it (posted to
/// `unlock_url` with the account's `id`).
#[component]
fn LockNotice(locked_at: Option<i64>, id: i64, unlock_url: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let locked_at = locked_at?;
    let since = chrono::DateTime::from_timestamp(locked_at, 0)
        .map(|at| {
            at.with_timezone(&crate::base::clock::phnom_penh())
                .naive_local()
        })
        .map(|at| i18n.date_time(at))
        .unwrap_or_default();
    Some(view! {
        <section class="alert" role="alert" id="locked">
            <p class="alert-title">{i18n.t(Key::AccountLockedTitle)}</p>
            <p>
                {i18n
                    .fmt(
                        Key::AccountLockedSince,
                        &[
                            ("time", &since),
                            ("count", &i18n.num(crate::people::model::MAX_FAILURES_IN_A_ROW)),
                        ],
                    )}
            </p>
            <crate::base::ui::FormError url=unlock_url />
            <form method="post" action=unlock_url>
                <input type="hidden" name="id" value=id.to_string() />
                <button class="button" type="submit">{i18n.t(Key::AccountUnlock)}</button>
            </form>
        </section>
    })
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

/// The account's name, as lists and the top bar show it (`value` when editing).
#[component]
fn NameField(label: Key, #[prop(optional)] value: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for="display_name">{i18n.t(label)}</label>
        <input id="display_name" name="display_name" type="text" maxlength="100" value=value required />
    }
}

/// Whether the account may sign in: unticking disables it.
#[component]
fn ActiveChoice(active: bool, label: Key) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="choice" for="active">
            <input id="active" type="checkbox" name="active" checked=active />
            {i18n.t(label)}
        </label>
    }
}
