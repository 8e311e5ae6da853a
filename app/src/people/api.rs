//! Server functions of people and access: signing in and out, and who is signed in.

use leptos::prelude::*;

use super::model::CurrentStaff;
use crate::error::AppError;

/// The staff member signed in on this request, or `None`. Anyone may ask.
#[server(endpoint = "current_staff")]
pub async fn get_current_staff() -> Result<Option<CurrentStaff>, AppError> {
    super::guard::current_staff().await
}

/// Signs a staff member in and sends the browser on to `back`. A wrong login and a wrong
/// password get the same answer, in the same time, so nobody learns which logins exist.
#[server(endpoint = "log_in")]
pub async fn log_in(login: String, password: String, back: String) -> Result<(), AppError> {
    use super::model::Login;
    use super::{password as hashing, repo, session};
    use crate::cookies::set_cookie;
    use crate::i18n::{Key, local_path};

    // Public by nature: signing in is how a caller gets a role.
    let refused = || AppError::Validation {
        field: "login".into(),
        message: Key::LoginFailed,
    };
    let pool = crate::db::pool()?;
    let account = match Login::parse(&login) {
        Ok(login) => repo::sign_in_record(&pool, &login).await?,
        Err(_) => None,
    };
    let stored = match &account {
        Some((_, hash, _)) => hash.clone(),
        None => decoy_hash().await?,
    };
    let matches = hashing::verify(password, stored).await.map_err(|error| {
        tracing::error!(%error, "password verification failed");
        AppError::Internal
    })?;
    let Some((id, _, language)) = account.filter(|_| matches) else {
        return Err(refused());
    };

    let mut tx = crate::db::begin_write(&pool).await?;
    let token = session::start(&mut tx, id, chrono::Utc::now().timestamp()).await?;
    tx.commit().await?;
    set_cookie(&session::session_cookie(
        &token,
        super::guard::request_is_https(),
    ))?;
    // Their pages open in their language.
    set_cookie(&language.cookie())?;
    leptos_axum::redirect(local_path(&back));
    Ok(())
}

/// Signs out: the session ends on the server, not only in the browser.
#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    use super::session;

    // Anyone may sign out; without a session there is nothing to end.
    if let Some(token) = super::guard::session_token() {
        session::end(&crate::db::pool()?, &token).await?;
    }
    crate::cookies::set_cookie(&session::cleared_session_cookie(
        super::guard::request_is_https(),
    ))?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// A real argon2id hash of nothing anyone knows, to verify against when the login does not
/// exist: the refusal then takes as long as for a wrong password.
#[cfg(feature = "ssr")]
async fn decoy_hash() -> Result<String, AppError> {
    static DECOY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DECOY
        .get_or_try_init(|| {
            super::password::hash(format!(
                "decoy-{}",
                chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
            ))
        })
        .await
        .cloned()
        .map_err(|error| {
            tracing::error!(%error, "cannot make the decoy hash");
            AppError::Internal
        })
}
