//! Signing in, for staff and families alike: throttling, verifying the secret, starting the
//! session. A wrong login, a wrong secret, a disabled account and a demo account outside
//! demo mode all get the same refusal, after the same work, so nobody learns which exist.

use sqlx::SqlitePool;

use super::model::{Account, THROTTLE_SECS, refused_until};
use super::password;
use super::repo::{self, SignInRecord};
use super::session::{self, Owner};
use crate::error::AppError;
use crate::i18n::{Key, Lang};

/// A successful sign-in: the session token for the cookie, whose it is, and their language.
#[derive(Debug)]
pub struct SignedIn {
    /// The new session's token.
    pub token: String,
    /// Whose session.
    pub owner: Owner,
    /// The language their pages open in.
    pub language: Lang,
}

/// The refusal for a wrong login or secret: the same whatever was wrong.
pub fn refused() -> AppError {
    AppError::Validation {
        field: "login".into(),
        message: Key::LoginFailed,
    }
}

/// Signs in whoever typed `login` and `secret` from `address`, at `now` (Unix seconds).
/// `demo_mode` says whether demo accounts may sign in.
pub async fn sign_in(
    pool: &SqlitePool,
    login: &str,
    secret: &str,
    address: &str,
    now: i64,
    demo_mode: bool,
) -> Result<SignedIn, AppError> {
    // Input that cannot name an account is refused like a wrong one, and counted under what
    // was typed, so that guessing at random shapes gains nothing.
    let account = Account::parse(login).ok();
    let key = match &account {
        Some(account) => account.throttle_key(),
        None => format!(
            "other:{}",
            login.trim().chars().take(60).collect::<String>()
        ),
    };
    {
        let mut conn = pool.acquire().await?;
        let (by_account, by_address) =
            repo::recent_failures(&mut conn, &key, address, now - THROTTLE_SECS).await?;
        if refused_until(by_account, by_address, now).is_some() {
            return Err(AppError::TooManyAttempts);
        }
    }
    let record = match &account {
        Some(account) => repo::sign_in_record(pool, account).await?,
        None => None,
    };
    let stored = match &record {
        Some(record) => record.secret_hash.clone(),
        None => decoy_hash().await?,
    };
    let matches = password::verify(secret.to_owned(), stored)
        .await
        .map_err(|error| {
            tracing::error!(%error, "password verification failed");
            AppError::Internal
        })?;
    let accepted = record.filter(|record| matches && (demo_mode || !record.demo));
    let mut tx = crate::db::begin_write(pool).await?;
    let Some(SignInRecord {
        owner, language, ..
    }) = accepted
    else {
        repo::record_failure(&mut tx, &key, address, now).await?;
        tx.commit().await?;
        return Err(refused());
    };
    repo::clear_failures(&mut tx, &key).await?;
    let token = session::start(&mut tx, owner, now).await?;
    tx.commit().await?;
    Ok(SignedIn {
        token,
        owner,
        language,
    })
}

/// A real argon2id hash of nothing anyone knows, to verify against when the login does not
/// exist: the refusal then takes as long as for a wrong password.
async fn decoy_hash() -> Result<String, AppError> {
    static DECOY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DECOY
        .get_or_try_init(|| {
            password::hash(format!(
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
