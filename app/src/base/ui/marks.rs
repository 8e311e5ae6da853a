//! Marks sent in the background: the roll call and homework attendance. Without JavaScript
//! each mark is a plain form post and the page comes back; with it, the island below sends the
//! same form in the background, the row changes at once and says "sending", then "sent", or
//! why not, with a button to send it again.
//!
//! The pages mark their forms for it: `data-mark` on a row's forms (the row is the
//! `li.roll-row` around them), `data-mark="all"` on the form that marks every unmarked row
//! present. A button's `value` is the class its row takes, its text the state the row shows
//! (or `data-class` and `data-state`, for a form whose button says "Save"). Every other form
//! (closing the roll) posts as usual, and says in words that it needs the network when there
//! is none. Marks that cannot be sent are kept on the tablet (`outbox`) until they can.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::live_root;
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key};

#[cfg(feature = "hydrate")]
mod client;
#[cfg(feature = "hydrate")]
mod outbox;

/// What a form sent in the background says, translated on the server and put in the page by
/// `SendWords`: the WASM carries no translations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SendTexts {
    pub sending: String,
    pub sent: String,
    /// The form did not reach the server.
    pub offline: String,
    /// A mark did not reach the server and is kept on the tablet (its outbox) until it does.
    pub kept: String,
    /// How many marks are kept, with `{count}`.
    pub waiting: String,
    /// The alert for children marked missing on this tablet whose marks are kept.
    pub missing_kept: String,
    /// A form that is not a mark (closing the roll) cannot be sent offline.
    pub needs_network: String,
    /// The button that sends a form again.
    pub again: String,
    /// A mark refused because the session ended: kept, and sent once signed in again.
    pub signed_out: String,
    /// The link to sign in again.
    pub sign_in: String,
    /// Marks someone else made on this tablet, with `{name}` and `{count}`.
    pub others_waiting: String,
    /// The buttons that send them under the name of whoever is signed in, or discard them.
    pub send_as_me: String,
    pub discard: String,
    /// Each refusal these forms may get, as the server sends it (its JSON), and its words.
    pub refusals: Vec<(String, String)>,
    /// The words for a refusal not in `refusals`.
    pub refused: String,
}

impl SendTexts {
    /// The texts in `i18n`'s language, for forms that may be refused with `refusals` (besides
    /// the refusals every write may get: signed out, not allowed, gone, a fault).
    pub fn new(i18n: I18n, refusals: &[AppError]) -> SendTexts {
        let common = [
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::BadRequest,
            AppError::StorageFull,
            AppError::StorageUnreadable,
            AppError::Internal,
        ];
        SendTexts {
            sending: i18n.t(Key::MarkSending).to_owned(),
            sent: i18n.t(Key::MarkSent).to_owned(),
            offline: i18n.t(Key::MarkOffline).to_owned(),
            kept: i18n.t(Key::MarkKept).to_owned(),
            waiting: i18n.t(Key::MarkWaiting).to_owned(),
            missing_kept: i18n.t(Key::MarkMissingKept).to_owned(),
            needs_network: i18n.t(Key::MarkNeedsNetwork).to_owned(),
            again: i18n.t(Key::MarkAgain).to_owned(),
            signed_out: i18n.t(Key::MarkSignedOut).to_owned(),
            sign_in: i18n.t(Key::ShellSignIn).to_owned(),
            others_waiting: i18n.t(Key::MarkOthersWaiting).to_owned(),
            send_as_me: i18n.t(Key::MarkSendAsMe).to_owned(),
            discard: i18n.t(Key::MarkDiscard).to_owned(),
            refusals: common
                .iter()
                .chain(refusals)
                .filter_map(|error| {
                    let wire = serde_json::to_string(error).ok()?;
                    Some((wire, i18n.t(error.message()).to_owned()))
                })
                .collect(),
            refused: i18n.t(Key::ErrorInternal).to_owned(),
        }
    }
}

/// Who makes the marks on a page: the staff member signed in. A mark kept on the tablet
/// carries it, so that the next person to sign in there sees whose marks wait.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    pub id: i64,
    pub name: String,
}

#[cfg(feature = "ssr")]
impl Marker {
    pub fn of(staff: &crate::base::access::CurrentStaff) -> Marker {
        Marker {
            id: staff.id,
            name: staff.display_name.clone(),
        }
    }
}

/// The words of an island that sends forms in the background, hidden in its page for the
/// browser to read (`base::browser::Words`); and, on a page of marks, who makes them.
#[component]
pub fn SendWords(texts: SendTexts, #[prop(optional)] marker: Option<Marker>) -> impl IntoView {
    let SendTexts {
        sending,
        sent,
        offline,
        kept,
        waiting,
        missing_kept,
        needs_network,
        again,
        signed_out,
        sign_in,
        others_waiting,
        send_as_me,
        discard,
        refusals,
        refused,
    } = texts;
    let (staff_id, staff_name) = marker.map_or((None, None), |m| (Some(m.id), Some(m.name)));
    // On a page of marks, shown by the browser: the session ended while marks wait (the link
    // comes back here), and marks someone else left on this tablet, a line each.
    let outbox_lines = staff_id.is_some().then(|| {
        view! {
            <p class="outbox-signed-out alert" role="alert" hidden>
                {signed_out} " " <a href="/login">{sign_in}</a>
            </p>
            <section class="outbox-others" hidden></section>
            <template class="outbox-other-template">
                <p class="alert outbox-other">
                    <span></span>
                    " "
                    <button type="button" class="button outbox-send-as-me">{send_as_me}</button>
                    <button type="button" class="button secondary outbox-discard">{discard}</button>
                </p>
            </template>
        }
    });
    view! {
        {outbox_lines}
        <div
            class="send-words"
            hidden
            data-staff-id=staff_id
            data-staff-name=staff_name
            data-others-waiting=others_waiting
            data-sending=sending
            data-sent=sent
            data-offline=offline
            data-kept=kept
            data-waiting=waiting
            data-missing-kept=missing_kept
            data-needs-network=needs_network
            data-again=again
            data-refused=refused
        >
            {refusals
                .into_iter()
                .map(|(wire, words)| view! { <span data-wire=wire>{words}</span> })
                .collect_view()}
        </div>
    }
}

/// A row of a list of marks as the server now has it, rendered by the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkedRow {
    /// The row's element id.
    pub id: String,
    /// Its state's class (`present`, `unmarked`, …).
    pub class: String,
    /// Its state, in words.
    pub state: String,
    /// The value of the button that is pressed, if any.
    pub pressed: String,
}

/// The answer to a mark sent in the background: every row as now recorded (other tablets'
/// marks included) and the tally, in words.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marked {
    pub rows: Vec<MarkedRow>,
    pub tally: String,
    /// What became of a mark a tablet named (`base::outbox::Recorded`): `applied`, `older`
    /// or `already`; empty otherwise.
    pub recorded: String,
}

/// Sends the marking forms inside it in the background (see the module's comment); its
/// words are a `SendWords` among its children.
#[island]
pub fn MarkSender(children: Children) -> impl IntoView {
    let root = live_root();
    #[cfg(feature = "hydrate")]
    Effect::new(move || {
        if let Some(root) = root.get() {
            client::start(&root);
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        client::submit(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    let on_click = move |event: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        client::click(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    view! {
        <div class="marks" node_ref=root on:submit=on_submit on:click=on_click>
            {children()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::i18n::Lang;

    #[test]
    fn the_refusals_are_written_as_the_server_sends_them_with_their_words() {
        let i18n = I18n { lang: Lang::En };
        let texts = SendTexts::new(i18n, &[AppError::conflict(Key::ProblemRollAway)]);
        let said = |error: AppError| {
            let wire = serde_json::to_string(&error).unwrap();
            texts
                .refusals
                .iter()
                .find(|(w, _)| *w == wire)
                .map(|(_, words)| words.clone())
        };
        assert_eq!(
            said(AppError::conflict(Key::ProblemRollAway)).as_deref(),
            Some(i18n.t(Key::ProblemRollAway))
        );
        assert_eq!(
            said(AppError::Forbidden).as_deref(),
            Some(i18n.t(Key::ErrorForbidden))
        );
        assert_eq!(said(AppError::Busy), None);
        assert_eq!(texts.refused, i18n.t(Key::ErrorInternal));
    }
}
