//! The admin's staff accounts: `/admin/staff` (the list and a form to add someone) and
//! `/admin/staff/:id` (edit, disable, new password).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::{AccountRow, ActiveChoice, LanguageSelect, NameField, role_label};
use crate::base::access::Role;
use crate::base::i18n::{Key, Lang, use_i18n};
use crate::base::ui::{FormError, ListTable, SavedNotice, id_param, page_data};
use crate::people::api::{
    CreateStaff, ResetStaffPassword, UnlockStaff, UpdateStaff, get_staff_member, list_staff,
};
use crate::people::model::{MIN_PASSWORD_CHARS, StaffMember};

/// `/admin/staff`: every account, and a form to add one.
#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let staff = Resource::new_blocking(|| (), |_| list_staff());
    view! {
        <Title text=i18n.t(Key::StaffTitle) />
        {page_data(staff, |staff| view! { <StaffList staff /> })}
    }
}

#[component]
fn StaffList(staff: Vec<StaffMember>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{i18n.t(Key::StaffTitle)}</h1>
        <ListTable headers=vec![Key::FieldName, Key::FieldLogin, Key::FieldRoles, Key::FieldState]>
                    {staff
                        .into_iter()
                        .map(|member| {
                            let roles = member
                                .roles
                                .iter()
                                .map(|role| i18n.t(role_label(*role)))
                                .collect::<Vec<_>>()
                                .join(", ");
                            view! {
                                <AccountRow
                                    href=format!("/admin/staff/{}", member.id)
                                    name=member.display_name
                                    active=member.active
                                    locked_at=member.locked_at
                                >
                                    <td>{member.login}</td>
                                    <td>{roles}</td>
                                </AccountRow>
                            }
                        })
                        .collect_view()}
        </ListTable>
        <h2 id="new">{i18n.t(Key::StaffNew)}</h2>
        <FormError url=CreateStaff::url() />
        <form class="stack narrow" method="post" action=CreateStaff::url()>
            <NameField label=Key::FieldName />
            <label for="login">{i18n.t(Key::FieldLogin)}</label>
            <input
                id="login"
                name="login"
                type="text"
                autocapitalize="none"
                spellcheck="false"
                autocomplete="off"
                pattern="[A-Za-z][A-Za-z0-9._\\-]{2,31}"
                required
            />
            <p class="hint">{i18n.t(Key::HintLogin)}</p>
            <NewPassword id="password" hint=Key::HintPassword />
            <LanguageSelect selected=Lang::Km />
            <RoleChoices held=vec![] />
            <button class="button" type="submit">{i18n.t(Key::StaffCreate)}</button>
        </form>
    }
}

/// A password field for a new account or a new password (at least `MIN_PASSWORD_CHARS`),
/// with `hint` under it.
#[component]
fn NewPassword(id: &'static str, hint: Key) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for=id>{i18n.t(Key::FieldPassword)}</label>
        <input
            id=id
            name="password"
            type="password"
            autocomplete="new-password"
            minlength=MIN_PASSWORD_CHARS.to_string()
            required
        />
        <p class="hint">{i18n.t(hint)}</p>
    }
}

/// One checkbox per role, named `roles[<code>]`.
#[component]
fn RoleChoices(held: Vec<Role>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="choices">
            <legend>{i18n.t(Key::FieldRoles)}</legend>
            {Role::ALL
                .into_iter()
                .map(|role| {
                    let id = format!("role-{}", role.code());
                    let label_for = id.clone();
                    view! {
                        <label class="choice" for=label_for>
                            <input
                                id=id
                                type="checkbox"
                                name=format!("roles[{}]", role.code())
                                checked=held.contains(&role)
                            />
                            {i18n.t(role_label(role))}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// `/admin/staff/:id`: edit an account, disable it, give it a new password.
#[component]
pub fn StaffMemberPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let member = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => get_staff_member(id).await,
            None => Err(crate::base::error::AppError::NotFound),
        }
    });
    view! {
        <Title text=i18n.t(Key::StaffTitle) />
        {page_data(member, |member| view! { <StaffEditor member /> })}
    }
}

#[component]
fn StaffEditor(member: StaffMember) -> impl IntoView {
    let i18n = use_i18n();
    let id = member.id.to_string();
    view! {
        <p class="breadcrumb">
            <a href="/admin/staff">{i18n.t(Key::StaffTitle)}</a>
        </p>
        <h1>{member.display_name.clone()}</h1>
        <p class="subtitle">{member.login.clone()}</p>
        <SavedNotice message=Key::Saved />
        <SavedNotice flag="unlocked" message=Key::AccountUnlocked />
        <super::LockNotice locked_at=member.locked_at id=member.id unlock_url=UnlockStaff::url() />
        <FormError url=UpdateStaff::url() />
        <form class="stack narrow" method="post" action=UpdateStaff::url()>
            <input type="hidden" name="id" value=id.clone() />
            <NameField label=Key::FieldName value=member.display_name />
            <LanguageSelect selected=member.language />
            <RoleChoices held=member.roles />
            <ActiveChoice active=member.active label=Key::StaffActive />
            <p class="hint">{i18n.t(Key::HintDisable)}</p>
            <button class="button" type="submit">{i18n.t(Key::Save)}</button>
        </form>
        <h2>{i18n.t(Key::StaffNewPassword)}</h2>
        <FormError url=ResetStaffPassword::url() />
        <form class="stack narrow" method="post" action=ResetStaffPassword::url()>
            <input type="hidden" name="id" value=id />
            <NewPassword id="new-password" hint=Key::HintPasswordReset />
            <button class="button" type="submit">{i18n.t(Key::StaffSetPassword)}</button>
        </form>
    }
}
