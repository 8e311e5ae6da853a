//! The language switch: a plain form post, so it works before and without the WASM.

use leptos::prelude::*;

use crate::base::error::AppError;

/// Remembers the chosen language in a cookie and sends the browser back to `back`.
#[server(endpoint = "set_language")]
pub async fn set_language(lang: String, back: String) -> Result<(), AppError> {
    use crate::base::fields::local_path;
    use crate::base::i18n::{Key, Lang};

    // Anyone may choose a language, signed in or not: no role to check.
    let lang = Lang::parse(&lang).ok_or(AppError::Validation {
        field: "lang".into(),
        message: Key::ErrorInvalidLanguage,
    })?;
    crate::base::cookies::set_cookie(&lang.cookie())?;
    leptos_axum::redirect(local_path(&back));
    Ok(())
}
