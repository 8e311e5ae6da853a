//! Plain HTML forms that post to server functions: they work before and without the WASM.
//! A refused post comes back to its page with the error in the address (`__err`); these
//! helpers read it back and show it, translated, above the form.

use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos_router::hooks::use_query_map;
use server_fn::error::FromServerFnError;

use crate::base::error::AppError;
use crate::base::i18n::{Key, use_i18n};

/// The error the post to `url` was refused with, if this page is its answer.
pub fn refusal_for(url: &str) -> Option<AppError> {
    use_context::<ServerActionError>()
        .filter(|error| error.path() == url)
        .map(|error| decode_error(error.err()))
}

/// The error a form post was refused with, as the server sent it back in `__err`.
pub fn decode_error(encoded: &str) -> AppError {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE
        .decode(encoded)
        .map(|bytes| AppError::de(bytes.into()))
        .unwrap_or(AppError::BadRequest)
}

/// The refusal of the post to `url`, shown above its form, or nothing.
#[component]
pub fn FormError(url: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    refusal_for(url).map(|error| {
        view! { <p class="form-error" role="alert">{i18n.t(error.message())}</p> }
    })
}

/// "Saved." when the page was reached with `?<flag>=1` after a successful post.
#[component]
pub fn SavedNotice(#[prop(default = "saved")] flag: &'static str, message: Key) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    move || {
        (query.read().get(flag).as_deref() == Some("1"))
            .then(|| view! { <p class="form-saved" role="status">{i18n.t(message)}</p> })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_in_the_address_reads_back_as_the_same_error() {
        use base64::Engine;
        let error = AppError::Validation {
            field: "login".into(),
            message: Key::LoginFailed,
        };
        let encoded = base64::engine::general_purpose::URL_SAFE.encode(error.ser());
        assert_eq!(decode_error(&encoded), error);
        assert_eq!(decode_error("%%%"), AppError::BadRequest);
    }
}
