//! The language switch: a plain form post, so it works before and without the WASM.

use leptos::prelude::*;

use crate::error::AppError;

/// Remembers the chosen language in a cookie and sends the browser back to `back`.
#[server(endpoint = "set_language")]
pub async fn set_language(lang: String, back: String) -> Result<(), AppError> {
    use super::{Key, LANG_COOKIE, Lang, local_path};
    use http::{HeaderValue, header::SET_COOKIE};

    // Anyone may choose a language, signed in or not: no role to check.
    let lang = Lang::parse(&lang).ok_or(AppError::Validation {
        field: "lang".into(),
        message: Key::ErrorInvalidLanguage,
    })?;
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let cookie = HeaderValue::from_str(&cookie).map_err(|_| AppError::Internal)?;
    expect_context::<leptos_axum::ResponseOptions>().insert_header(SET_COOKIE, cookie);
    leptos_axum::redirect(local_path(&back));
    Ok(())
}
