//! Creating staff accounts: parse, hash, write, in that order, in one transaction.
//! Used by `server create-admin` and, later, the admin's staff page.

use sqlx::SqlitePool;

use super::model::{CredentialProblem, Login, Role, check_new_password};
use super::password;
use super::repo::{NewStaff, create_staff};
use crate::audit::model::Actor;
use crate::audit::repo::{Change, record};
use crate::db::begin_write;
use crate::i18n::Lang;

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

/// Creates an active staff account with these roles, records it in the audit log as done by
/// `actor`, and returns its id.
pub async fn create_staff_account(
    pool: &SqlitePool,
    actor: &Actor,
    login: &str,
    display_name: &str,
    password: &str,
    language: Lang,
    roles: &[Role],
) -> Result<i64, AccountError> {
    let login = Login::parse(login).map_err(AccountError::Invalid)?;
    let display_name = display_name.trim();
    if !(1..=100).contains(&display_name.chars().count()) {
        return Err(AccountError::Name);
    }
    check_new_password(password).map_err(AccountError::Invalid)?;
    let password_hash = password::hash(password.to_owned()).await?;
    let mut tx = begin_write(pool).await?;
    let staff = NewStaff {
        login: &login,
        display_name,
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
    record(&mut tx, actor, change).await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli() -> Actor {
        Actor::System("test".into())
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
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

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
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
