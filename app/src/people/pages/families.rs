//! The social team's family accounts: `/families` (the list and a form to add one) and
//! `/families/:id` (edit, disable, new PIN). A family signs in with its phone and a 6-digit
//! PIN; the form suggests a random one, which the social team reads out or writes down for
//! the family before saving. The PIN is never stored or shown again afterwards.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::{AccountRow, ActiveChoice, NameField};
use crate::base::error::AppError;
use crate::base::i18n::{Key, use_i18n};
use crate::base::ui::{FormError, ListTable, SavedNotice, page_data};
use crate::people::api::{
    CreateFamily, ResetFamilyPin, UnlockFamily, UpdateFamily, list_families, suggest_pin,
};
use crate::people::model::FamilyAccount;

/// `/families`: every family account, and a form to add one.
#[component]
pub fn FamiliesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(
        || (),
        |_| async move { Ok::<_, AppError>((list_families().await?, suggest_pin().await?)) },
    );
    view! {
        <Title text=i18n.t(Key::FamiliesTitle) />
        {page_data(data, |(families, pin)| view! { <FamilyList families pin /> })}
    }
}

#[component]
fn FamilyList(families: Vec<FamilyAccount>, pin: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{i18n.t(Key::FamiliesTitle)}</h1>
        <ListTable headers=vec![Key::FieldFamilyName, Key::FieldPhone, Key::FieldState]>
                    {families
                        .into_iter()
                        .map(|family| {
                            let tel = format!("tel:{}", family.phone);
                            view! {
                                <AccountRow
                                    href=format!("/families/{}", family.id)
                                    name=family.display_name
                                    active=family.active
                                    locked_at=family.locked_at
                                >
                                    <td>
                                        <a href=tel>{family.phone}</a>
                                    </td>
                                </AccountRow>
                            }
                        })
                        .collect_view()}
        </ListTable>
        <h2 id="new">{i18n.t(Key::FamiliesNew)}</h2>
        <FormError url=CreateFamily::url() />
        <form class="stack narrow" method="post" action=CreateFamily::url()>
            <NameField label=Key::FieldFamilyName />
            <label for="phone">{i18n.t(Key::FieldPhone)}</label>
            <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="off" required />
            <PinField pin />
            <button class="button" type="submit">{i18n.t(Key::FamiliesCreate)}</button>
        </form>
    }
}

/// The PIN field, filled with a random suggestion, and what to do with it.
#[component]
fn PinField(pin: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for="pin">{i18n.t(Key::FieldPin)}</label>
        <input
            id="pin"
            class="pin"
            name="pin"
            type="text"
            inputmode="numeric"
            pattern="[0-9០-៩ ]{6,7}"
            autocomplete="off"
            value=pin
            required
        />
        <p class="hint">{i18n.t(Key::HintPin)}</p>
    }
}

/// A family account's editor: its name, phone, language, PIN, lock and whether it may sign in.
#[component]
pub fn FamilyEditor(family: FamilyAccount, pin: String) -> impl IntoView {
    let i18n = use_i18n();
    let id = family.id.to_string();
    view! {
        <p class="breadcrumb">
            <a href="/families">{i18n.t(Key::FamiliesTitle)}</a>
        </p>
        <h1>{family.display_name.clone()}</h1>
        <SavedNotice message=Key::Saved />
        <SavedNotice flag="pin" message=Key::PinSaved />
        <SavedNotice flag="unlocked" message=Key::AccountUnlocked />
        <super::LockNotice locked_at=family.locked_at id=family.id unlock_url=UnlockFamily::url() />
        <FormError url=UpdateFamily::url() />
        <form class="stack narrow" method="post" action=UpdateFamily::url()>
            <input type="hidden" name="id" value=id.clone() />
            <NameField label=Key::FieldFamilyName value=family.display_name />
            <label for="phone">{i18n.t(Key::FieldPhone)}</label>
            <input id="phone" name="phone" type="tel" inputmode="tel" value=family.phone required />
            <ActiveChoice active=family.active label=Key::FamilyActive />
            <button class="button" type="submit">{i18n.t(Key::Save)}</button>
        </form>
        <h2>{i18n.t(Key::FamiliesNewPin)}</h2>
        <FormError url=ResetFamilyPin::url() />
        <form class="stack narrow" method="post" action=ResetFamilyPin::url()>
            <input type="hidden" name="id" value=id />
            <PinField pin />
            <button class="button" type="submit">{i18n.t(Key::FamiliesSetPin)}</button>
        </form>
    }
}
