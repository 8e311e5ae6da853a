//! Staff and family accounts: parse, hash, then write with the audit entry in one
//! transaction. Used by `server create-admin`, `seed-demo`, the admin's staff page and the
//! social team's family page. Passwords, PINs and hashes never reach the audit log.

use sqlx::SqlitePool;

use super::model::{
    CredentialProblem, EditProblem, Login, Phone, Pin, StaffEdit, check_name, check_new_password,
    check_staff_edit,
};
use super::password;
use super::repo::{self, NewFamily, NewStaff, create_staff};
use crate::base::access::Role;
use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with};
use crate::base::db::begin_write;
use crate::base::error::AppError;
use crate::base::i18n::Key;
use crate::base::i18n::Lang;
use crate::base::session::{Owner, end_all_for};

/// Why an account was not created. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The login, name or password breaks a rule.
    #[error("{0:?}")]
    Invalid(CredentialProblem),
    /// The name is empty or longer than 100 characters.
    #[error("the name must have 1 to 100 characters")]
    Name,
    /// Another account has this login.
    #[error("a staff account with this login exists already")]
    LoginTaken,
    /// Another family signs in with this phone number.
    #[error("a family account with this phone exists already")]
    PhoneTaken,
    /// The edit breaks a rule.
    #[error("{0:?}")]
    Edit(EditProblem),
    /// There is no such account.
    #[error("no such account")]
    NotFound,
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] password::HashError),
    /// The database failed.
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for AccountError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => AccountError::LoginTaken,
            _ => AccountError::Database(error),
        }
    }
}

impl From<AccountError> for AppError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::Invalid(problem) => problem.into(),
            AccountError::Name => EditProblem::Name.into(),
            AccountError::Edit(problem) => problem.into(),
            AccountError::LoginTaken => AppError::Validation {
                field: "login".into(),
                message: Key::ProblemLoginTaken,
            },
            AccountError::PhoneTaken => AppError::Validation {
                field: "phone".into(),
                message: Key::ProblemPhoneTaken,
            },
            AccountError::NotFound => AppError::NotFound,
            AccountError::Hash(error) => {
                tracing::error!(%error, "hashing failed");
                AppError::Internal
            }
            AccountError::Database(error) => error.into(),
        }
    }
}

/// A unique violation on a family is its phone.
fn family_error(error: sqlx::Error) -> AccountError {
    match AccountError::from(error) {
        AccountError::LoginTaken => AccountError::PhoneTaken,
        other => other,
    }
}

/// Creates an active staff account with these roles, records it in the audit log as done by
/// `actor`, and returns its id.
pub async fn create_staff_account(
    pool: &SqlitePool,
    by: &Writer,
    login: &str,
    display_name: &str,
    password: &str,
    language: Lang,
    roles: &[Role],
) -> Result<i64, AccountError> {
    let login = Login::parse(login).map_err(AccountError::Invalid)?;
    let display_name = check_name(display_name).map_err(|_| AccountError::Name)?;
    check_new_password(password).map_err(AccountError::Invalid)?;
    let password_hash = password::hash(password.to_owned()).await?;
    let mut tx = begin_write(pool).await?;
    let staff = NewStaff {
        login: &login,
        display_name: &display_name,
        password_hash: &password_hash,
        language,
        roles,
    };
    let id = create_staff(&mut tx, &staff).await?;
    let roles: Vec<&str> = roles.iter().map(|role| role.code()).collect();
    let change = Change {
        entity: "staff_user",
        entity_id: id.to_string(),
        action: "create",
        before: None,
        // What was created, never the password or its hash.
        after: Some(serde_json::json!({
            "login": login.as_str(),
            "display_name": display_name,
            "language": language.code(),
            "roles": roles,
        })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Changes a staff account's name, language, roles and state. Disabling it ends its sessions
/// at once. The last active admin can be neither disabled nor stripped of the role.
pub async fn edit_staff_account(
    pool: &SqlitePool,
    by: &Writer,
    id: i64,
    mut edit: StaffEdit,
) -> Result<(), AccountError> {
    edit.display_name = check_name(&edit.display_name).map_err(AccountError::Edit)?;
    let mut tx = begin_write(pool).await?;
    let before = repo::staff_member(&mut tx, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    let other_admins = repo::other_active_admins(&mut tx, id).await?;
    check_staff_edit(&edit, other_admins).map_err(AccountError::Edit)?;
    repo::update_staff(&mut tx, id, &edit).await?;
    let ended = if edit.active {
        0
    } else {
        end_all_for(&mut tx, Owner::Staff(id)).await?
    };
    let after = repo::staff_member(&mut tx, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    let change = Change {
        entity: "staff_user",
        entity_id: id.to_string(),
        action: if before.active && !after.active {
            "disable"
        } else {
            "update"
        },
        before: Some(serde_json::to_value(&before).unwrap_or_default()),
        after: Some(serde_json::json!({
            "account": after,
            "sessions_ended": ended,
        })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Sets a new password for a staff account and ends all its sessions.
pub async fn reset_staff_password(
    pool: &SqlitePool,
    by: &Writer,
    id: i64,
    new_password: &str,
) -> Result<(), AccountError> {
    check_new_password(new_password).map_err(AccountError::Invalid)?;
    let hash = password::hash(new_password.to_owned()).await?;
    replace_secret(pool, by, Owner::Staff(id), &hash).await
}

/// Stores the new password or PIN hash of `owner`, ends all its sessions and records it, in
/// one transaction.
async fn replace_secret(
    pool: &SqlitePool,
    by: &Writer,
    owner: Owner,
    hash: &str,
) -> Result<(), AccountError> {
    let mut tx = begin_write(pool).await?;
    if !repo::set_secret_hash(&mut tx, owner, hash).await? {
        return Err(AccountError::NotFound);
    }
    let ended = end_all_for(&mut tx, owner).await?;
    let (entity, id, action) = match owner {
        Owner::Staff(id) => ("staff_user", id, "reset_password"),
        Owner::Family(id) => ("family", id, "reset_pin"),
    };
    let change = Change {
        entity,
        entity_id: id.to_string(),
        action,
        before: None,
        after: Some(serde_json::json!({ "sessions_ended": ended })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Creates an active family account with the PIN the social team chose; returns its id.
pub async fn create_family_account(
    pool: &SqlitePool,
    by: &Writer,
    display_name: &str,
    phone: &str,
    pin: &str,
) -> Result<i64, AccountError> {
    let display_name = check_name(display_name).map_err(AccountError::Edit)?;
    let phone = Phone::parse(phone).map_err(AccountError::Invalid)?;
    let pin = Pin::parse_new(pin).map_err(AccountError::Invalid)?;
    let pin_hash = password::hash(pin.as_str().to_owned()).await?;
    let mut tx = begin_write(pool).await?;
    let family = NewFamily {
        display_name: &display_name,
        phone: &phone,
        pin_hash: &pin_hash,
    };
    let id = repo::create_family(&mut tx, &family)
        .await
        .map_err(family_error)?;
    let change = Change {
        entity: "family",
        entity_id: id.to_string(),
        action: "create",
        before: None,
        after: Some(serde_json::json!({
            "display_name": display_name,
            "phone": phone.as_str(),
        })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Changes a family's name, phone and state; disabling it ends its sessions at once.
pub async fn edit_family_account(
    pool: &SqlitePool,
    by: &Writer,
    id: i64,
    display_name: &str,
    phone: &str,
    active: bool,
) -> Result<(), AccountError> {
    let display_name = check_name(display_name).map_err(AccountError::Edit)?;
    let phone = Phone::parse(phone).map_err(AccountError::Invalid)?;
    let mut tx = begin_write(pool).await?;
    let before = repo::family_account(&mut tx, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    repo::update_family(&mut tx, id, &display_name, &phone, active)
        .await
        .map_err(family_error)?;
    // A new phone is a new login: whoever held the old one is signed out too.
    let ended = if active && before.phone == phone.as_str() {
        0
    } else {
        end_all_for(&mut tx, Owner::Family(id)).await?
    };
    let change = Change {
        entity: "family",
        entity_id: id.to_string(),
        action: if before.active && !active {
            "disable"
        } else {
            "update"
        },
        before: Some(serde_json::to_value(&before).unwrap_or_default()),
        after: Some(serde_json::json!({
            "display_name": display_name,
            "phone": phone.as_str(),
            "active": active,
            "sessions_ended": ended,
        })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Sets a family's new PIN and ends all its sessions.
pub async fn reset_family_pin(
    pool: &SqlitePool,
    by: &Writer,
    id: i64,
    pin: &str,
) -> Result<(), AccountError> {
    let pin = Pin::parse_new(pin).map_err(AccountError::Invalid)?;
    let pin_hash = password::hash(pin.as_str().to_owned()).await?;
    replace_secret(pool, by, Owner::Family(id), &pin_hash).await
}

/// Unlocks an account locked after too many failed sign-ins: its failures in a row are
/// forgotten and it may sign in again. Audited; an account that is not locked is left as it is.
pub async fn unlock(pool: &SqlitePool, by: &Writer, owner: Owner) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let Some(locked_at) = repo::locked_at(&mut tx, owner).await? else {
        return Ok(());
    };
    repo::set_lock(&mut tx, owner, None).await?;
    let (entity, entity_id) = crate::base::session::account_entity(owner);
    let change = Change {
        entity,
        entity_id,
        action: "unlock",
        before: Some(serde_json::json!({ "locked_at": locked_at })),
        after: None,
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// A random PIN that the social team may give a family: 6 digits, not trivial.
pub fn random_pin() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    loop {
        let pin = format!("{:06}", OsRng.next_u32() % 1_000_000);
        if Pin::parse_new(&pin).is_ok() {
            return pin;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli() -> Writer {
        Writer::system("test")
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn an_admin_is_created_once_and_a_second_is_refused(pool: SqlitePool) {
        let id = create_staff_account(
            &pool,
            &cli(),
            "Director",
            "Srey Mom",
            "a long passphrase",
            Lang::Km,
            &[Role::Admin],
        )
        .await
        .expect("created");
        assert!(id > 0);
        let again = create_staff_account(
            &pool,
            &cli(),
            "director",
            "Other",
            "another passphrase",
            Lang::En,
            &[Role::Admin],
        )
        .await;
        assert!(matches!(again, Err(AccountError::LoginTaken)), "{again:?}");
        let stored: String =
            sqlx::query_scalar!("SELECT password_hash FROM staff_user WHERE login = 'director'")
                .fetch_one(&pool)
                .await
                .expect("stored");
        assert!(
            password::verify("a long passphrase".into(), stored)
                .await
                .expect("verifies")
        );
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn bad_input_is_refused_before_anything_is_written(pool: SqlitePool) {
        let short = create_staff_account(
            &pool,
            &cli(),
            "dara",
            "Dara",
            "short",
            Lang::Km,
            &[Role::Admin],
        )
        .await;
        assert!(matches!(
            short,
            Err(AccountError::Invalid(CredentialProblem::PasswordTooShort))
        ));
        let nameless = create_staff_account(
            &pool,
            &cli(),
            "dara",
            "  ",
            "a long passphrase",
            Lang::Km,
            &[Role::Admin],
        )
        .await;
        assert!(matches!(nameless, Err(AccountError::Name)));
        let count = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM staff_user"#)
            .fetch_one(&pool)
            .await
            .expect("counted");
        assert_eq!(count, 0);
    }
}
