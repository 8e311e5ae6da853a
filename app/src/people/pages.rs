//! The sign-in page: a plain form, so it works before and without the WASM; a refused
//! sign-in comes back to it with the error in the address (`__err`), shown translated.

use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fn::error::FromServerFnError;

use super::api::LogIn;
use crate::error::AppError;
use crate::i18n::{Key, local_path, use_i18n};

/// `/login`: login and password, for staff.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let back = move || {
        query
            .read()
            .get("back")
            .map(|back| local_path(&back).to_owned())
            .unwrap_or_else(|| "/".into())
    };
    let error = use_context::<ServerActionError>()
        .filter(|error| error.path() == LogIn::url())
        .map(|error| decode_error(error.err()));
    view! {
        <Title text=i18n.t(Key::LoginTitle) />
        <section class="narrow">
            <h1>{i18n.t(Key::LoginTitle)}</h1>
            {error.map(|error| view! { <p class="form-error" role="alert">{i18n.t(error.message())}</p> })}
            <form class="stack" method="post" action=LogIn::url()>
                <input type="hidden" name="back" value=back />
                <label for="login">{i18n.t(Key::LoginLogin)}</label>
                <input
                    id="login"
                    name="login"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                />
                <label for="password">{i18n.t(Key::LoginPassword)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
                <button class="button" type="submit">{i18n.t(Key::LoginSubmit)}</button>
            </form>
        </section>
    }
}

/// The error a form post was refused with, as the server sent it back in `__err`.
fn decode_error(encoded: &str) -> AppError {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE
        .decode(encoded)
        .map(|bytes| AppError::de(bytes.into()))
        .unwrap_or(AppError::BadRequest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Key;

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
