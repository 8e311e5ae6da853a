//! SQL of people and access.

use sqlx::SqliteConnection;

use super::model::{Login, Role};
use crate::i18n::Lang;

/// A new staff account, its password already hashed.
pub struct NewStaff<'a> {
    /// Their login.
    pub login: &'a Login,
    /// Their name as colleagues know it.
    pub display_name: &'a str,
    /// The argon2id PHC string of their password.
    pub password_hash: &'a str,
    /// The language their pages open in.
    pub language: Lang,
    /// What they may do.
    pub roles: &'a [Role],
}

/// Creates a staff account with its roles; run it inside the caller's transaction.
/// A login that exists already fails with a unique violation, and nothing is written.
pub async fn create_staff(
    conn: &mut SqliteConnection,
    staff: &NewStaff<'_>,
) -> Result<i64, sqlx::Error> {
    let login = staff.login.as_str();
    let language = staff.language.code();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO staff_user (login, display_name, password_hash, language)
           VALUES (?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        login,
        staff.display_name,
        staff.password_hash,
        language
    )
    .fetch_one(&mut *conn)
    .await?;
    for role in staff.roles {
        let role = role.code();
        sqlx::query!(
            "INSERT INTO staff_role (staff_user_id, role) VALUES (?, ?)",
            id,
            role
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// The roles an account holds.
pub async fn roles_of(
    conn: &mut SqliteConnection,
    staff_user_id: i64,
) -> Result<Vec<Role>, sqlx::Error> {
    let codes = sqlx::query_scalar!(
        "SELECT role FROM staff_role WHERE staff_user_id = ? ORDER BY role",
        staff_user_id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(codes.iter().filter_map(|code| Role::parse(code)).collect())
}

/// The roles of an active account with this login, or `None` when there is no such account.
pub async fn active_roles(
    conn: &mut SqliteConnection,
    login: &Login,
) -> Result<Option<Vec<Role>>, sqlx::Error> {
    let login = login.as_str();
    let id = sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM staff_user WHERE login = ? AND active = 1"#,
        login
    )
    .fetch_optional(&mut *conn)
    .await?;
    match id {
        Some(id) => roles_of(conn, id).await.map(Some),
        None => Ok(None),
    }
}

/// What sign-in needs of an active account: its id, password hash and language.
pub async fn sign_in_record(
    pool: &sqlx::SqlitePool,
    login: &Login,
) -> Result<Option<(i64, String, Lang)>, sqlx::Error> {
    let login = login.as_str();
    let row = sqlx::query!(
        r#"SELECT id AS "id!: i64", password_hash, language FROM staff_user WHERE login = ? AND active = 1"#,
        login
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        (
            r.id,
            r.password_hash,
            Lang::parse(&r.language).unwrap_or_default(),
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::SqlitePool;

    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

    fn staff<'a>(login: &'a Login, roles: &'a [Role]) -> NewStaff<'a> {
        NewStaff {
            login,
            display_name: "Sokha Chan",
            password_hash: HASH,
            language: Lang::Km,
            roles,
        }
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn a_staff_member_may_hold_several_roles(pool: SqlitePool) -> sqlx::Result<()> {
        let mut conn = pool.acquire().await?;
        let login = Login::parse("sokha").expect("valid login");
        create_staff(&mut conn, &staff(&login, &[Role::HouseStaff, Role::Tutor])).await?;
        let roles = active_roles(&mut conn, &login)
            .await?
            .expect("the account exists");
        assert_eq!(roles, [Role::HouseStaff, Role::Tutor]);
        Ok(())
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn a_login_is_unique_and_a_refused_account_leaves_nothing(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let login = Login::parse("sokha").expect("valid login");
        let mut tx = pool.begin().await?;
        create_staff(&mut tx, &staff(&login, &[Role::Admin])).await?;
        tx.commit().await?;
        let mut tx = pool.begin().await?;
        let again = create_staff(&mut tx, &staff(&login, &[Role::Canteen])).await;
        assert!(matches!(again, Err(sqlx::Error::Database(ref e)) if e.is_unique_violation()));
        drop(tx);
        let mut conn = pool.acquire().await?;
        assert_eq!(
            active_roles(&mut conn, &login).await?,
            Some(vec![Role::Admin])
        );
        Ok(())
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn the_schema_refuses_plain_text_passwords_and_unknown_roles(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let mut conn = pool.acquire().await?;
        let plain = sqlx::query!(
            "INSERT INTO staff_user (login, display_name, password_hash) VALUES ('dara', 'Dara', 'hunter22')"
        )
        .execute(&mut *conn)
        .await;
        assert!(
            plain.is_err(),
            "a password hash must be an argon2id PHC string"
        );
        let login = Login::parse("dara").expect("valid login");
        let id = create_staff(&mut conn, &staff(&login, &[])).await?;
        let role = sqlx::query!(
            "INSERT INTO staff_role (staff_user_id, role) VALUES (?, 'director')",
            id
        )
        .execute(&mut *conn)
        .await;
        assert!(role.is_err(), "roles outside the list are refused");
        Ok(())
    }
}
