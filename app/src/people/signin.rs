//! Signing in, for staff and families alike: throttling, verifying the secret, starting the
//! session. A wrong login, a wrong secret, a disabled account and a demo account outside
//! demo mode all get the same refusal, after the same work, so nobody learns which exist.
//!
//! Whatever the concurrency, at most [`MAX_ACCOUNT_FAILURES`] secrets are checked for one
//! account in each window: an attempt is counted as a failure, in the same write transaction
//! that reads the recent failures, *before* its secret is hashed, and uncounted only when it
//! succeeds. Hashing itself takes a turn from a small pool sized to the cores
//! ([`password::turn`]); an attempt that gets none within a moment is answered at once.
//!
//! [`MAX_ACCOUNT_FAILURES`]: super::model::MAX_ACCOUNT_FAILURES

use serde_json::json;
use sqlx::SqlitePool;

use super::model::{
    Account, FAILURE_MEMORY_SECS, MAX_FAILURES_IN_A_ROW, Pin, THROTTLE_SECS, locks, refused_until,
};
use super::password;
use super::repo::{self, SignInRecord};
use crate::base::access::Actor;
use crate::base::audit;
use crate::base::audit::Change;
use crate::base::error::AppError;
use crate::base::i18n::{Key, Lang};
use crate::base::session::{self, Owner, account_entity};

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
    AppError::invalid("login", Key::LoginFailed)
}

/// The refusal for a locked account: a person must unlock it.
pub fn locked() -> AppError {
    AppError::invalid("login", Key::LoginLocked)
}

/// Who signs in at the audit log: the account, named as typed into the form.
fn account_actor(owner: Owner, account: &Account) -> Actor {
    match (owner, account) {
        (Owner::Staff(id), Account::Staff(login)) => Actor::Staff {
            id,
            login: login.as_str().to_owned(),
        },
        (Owner::Family(id), Account::Family(phone)) => Actor::Family {
            id,
            phone: phone.as_str().to_owned(),
        },
        _ => Actor::System(SIGN_IN.into()),
    }
}

/// The audit log's name for sign-in when nobody is known yet.
const SIGN_IN: &str = "sign-in";

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
    // A PIN reads as it was set: Khmer digits and spaces, as a phone's keyboard types them.
    let secret = match &account {
        Some(Account::Family(_)) => Pin::parse(secret)
            .map(|pin| pin.as_str().to_owned())
            .unwrap_or_else(|_| secret.to_owned()),
        _ => secret.to_owned(),
    };
    let turn = password::turn().await.ok_or(AppError::Busy)?;

    // Reserve the attempt: from here it counts as a failure until it succeeds.
    let mut tx = crate::base::db::begin_write(pool).await?;
    let (by_account, by_address) =
        repo::recent_failures(&mut tx, &key, address, now - THROTTLE_SECS).await?;
    if refused_until(by_account, by_address, now).is_some() {
        return Err(AppError::TooManyAttempts);
    }
    let record = match &account {
        Some(account) => repo::sign_in_record(&mut tx, account).await?,
        None => None,
    };
    let locked_out = match &record {
        Some(record) => record.locked_at.is_some(),
        None => {
            repo::failures_since(&mut tx, &key, now - FAILURE_MEMORY_SECS).await?
                >= MAX_FAILURES_IN_A_ROW
        }
    };
    if locked_out {
        return Err(locked());
    }
    repo::record_failure(&mut tx, &key, address, now).await?;
    // This attempt's place among the account's failures in a row, should it fail.
    let in_a_row = match &record {
        Some(record) => repo::count_failure(&mut tx, record.owner).await?,
        None => 0,
    };
    tx.commit().await?;

    let stored = match &record {
        Some(record) => record.secret_hash.clone(),
        None => decoy_hash().await?,
    };
    let matches = password::verify(secret, stored).await.map_err(|error| {
        tracing::error!(%error, "password verification failed");
        AppError::Internal
    })?;
    drop(turn);

    let mut tx = crate::base::db::begin_write(pool).await?;
    let accepted = record
        .as_ref()
        .filter(|record| matches && (demo_mode || !record.demo));
    let Some(SignInRecord {
        owner, language, ..
    }) = accepted
    else {
        let attempt = Failure {
            key: &key,
            address,
            in_a_row,
            now,
        };
        failed(&mut tx, record.as_ref(), &attempt).await?;
        tx.commit().await?;
        return Err(refused());
    };
    let owner = *owner;
    // A lock set by a concurrent attempt while this one was hashing still holds.
    if repo::locked_at(&mut tx, owner).await?.is_some() {
        return Err(locked());
    }
    repo::clear_failures(&mut tx, &key).await?;
    repo::set_lock(&mut tx, owner, None).await?;
    let token = session::start(&mut tx, owner, now).await?;
    let (entity, entity_id) = account_entity(owner);
    let actor = account
        .as_ref()
        .map(|account| account_actor(owner, account))
        .unwrap_or_else(|| Actor::System(SIGN_IN.into()));
    let change = Change {
        entity,
        entity_id,
        action: "sign_in",
        before: None,
        after: Some(json!({ "address": address })),
    };
    audit::record(&mut tx, &actor, change).await?;
    tx.commit().await?;
    Ok(SignedIn {
        token,
        owner,
        language: *language,
    })
}

/// A failed attempt: under which login, from where, its place among the account's failures in
/// a row, and when.
#[derive(Clone, Copy)]
struct Failure<'a> {
    key: &'a str,
    address: &'a str,
    in_a_row: i64,
    now: i64,
}

/// Writes down a failed attempt (already counted when it was reserved): in the audit log, and
/// the account's lock when this failure makes [`MAX_FAILURES_IN_A_ROW`].
async fn failed(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    record: Option<&SignInRecord>,
    attempt: &Failure<'_>,
) -> Result<(), AppError> {
    let Failure {
        key,
        address,
        in_a_row,
        now,
    } = *attempt;
    let actor = Actor::System(SIGN_IN.into());
    let Some(record) = record else {
        let change = Change {
            entity: "sign_in",
            entity_id: key.chars().take(40).collect(),
            action: "sign_in_failed",
            before: None,
            after: Some(json!({ "address": address })),
        };
        audit::record(tx, &actor, change).await?;
        return Ok(());
    };
    let (entity, entity_id) = account_entity(record.owner);
    let change = Change {
        entity,
        entity_id: entity_id.clone(),
        action: "sign_in_failed",
        before: None,
        after: Some(json!({ "address": address, "in_a_row": in_a_row })),
    };
    audit::record(tx, &actor, change).await?;
    if locks(in_a_row) && repo::locked_at(tx, record.owner).await?.is_none() {
        repo::set_lock(tx, record.owner, Some(now)).await?;
        let change = Change {
            entity,
            entity_id,
            action: "lock",
            before: None,
            after: Some(json!({ "failures_in_a_row": in_a_row, "address": address })),
        };
        audit::record(tx, &actor, change).await?;
        tracing::warn!(
            account = %key,
            "an account was locked after {MAX_FAILURES_IN_A_ROW} failed sign-ins in a row"
        );
    }
    Ok(())
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
