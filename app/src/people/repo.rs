//! SQL of people and access.

use sqlx::SqliteConnection;

use super::model::{Account, FamilyAccount, Login, Phone, RecentFailures, StaffEdit, StaffMember};
use crate::base::access::Role;
use crate::base::i18n::Lang;
use crate::base::session::{Owner, roles_of};

/// A new staff account, its password already hashed.
pub struct NewStaff<'a> {
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

/// The roles of an active account with this login, or `None` when there is no such account.
#[cfg(test)]
async fn active_roles(
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

/// What sign-in needs of an active account: its id, secret hash (password or PIN), language,
/// whether it is a demo account, and its lock.
#[derive(Clone, Debug)]
pub struct SignInRecord {
    /// Whose account.
    pub owner: Owner,
    /// The argon2id PHC string of the password or PIN.
    pub secret_hash: String,
    /// The language its pages open in.
    pub language: Lang,
    /// A demo account (signs in only in demo mode).
    pub demo: bool,
    /// Failed sign-ins since the last success.
    pub failed_in_a_row: i64,
    /// Locked since then (Unix seconds), until a person unlocks it.
    pub locked_at: Option<i64>,
}

/// The sign-in record of the active account named in the form, if there is one.
pub async fn sign_in_record(
    conn: &mut SqliteConnection,
    account: &Account,
) -> Result<Option<SignInRecord>, sqlx::Error> {
    /// A staff member's or family's row, read alike.
    struct Row {
        id: i64,
        secret_hash: String,
        language: String,
        demo: bool,
        failed_sign_ins: i64,
        locked_at: Option<i64>,
    }
    let (row, owner): (Option<Row>, fn(i64) -> Owner) = match account {
        Account::Staff(login) => {
            let login = login.as_str();
            let row = sqlx::query_as!(
                Row,
                r#"SELECT id AS "id!: i64", password_hash AS secret_hash, language, demo AS "demo: bool",
                          failed_sign_ins, locked_at
                   FROM staff_user WHERE login = ? AND active = 1"#,
                login
            )
            .fetch_optional(&mut *conn)
            .await?;
            (row, Owner::Staff)
        }
        Account::Family(phone) => {
            let phone = phone.as_str();
            let row = sqlx::query_as!(
                Row,
                r#"SELECT id AS "id!: i64", pin_hash AS secret_hash, language, demo AS "demo: bool",
                          failed_sign_ins, locked_at
                   FROM family WHERE phone = ? AND active = 1"#,
                phone
            )
            .fetch_optional(&mut *conn)
            .await?;
            (row, Owner::Family)
        }
    };
    Ok(row.map(|row| SignInRecord {
        owner: owner(row.id),
        secret_hash: row.secret_hash,
        language: Lang::parse(&row.language).unwrap_or_default(),
        demo: row.demo,
        failed_in_a_row: row.failed_sign_ins,
        locked_at: row.locked_at,
    }))
}

/// Counts one more failed sign-in in a row for the account; returns the new count.
pub async fn count_failure(conn: &mut SqliteConnection, owner: Owner) -> Result<i64, sqlx::Error> {
    match owner {
        Owner::Staff(id) => {
            sqlx::query_scalar!(
                r#"UPDATE staff_user SET failed_sign_ins = failed_sign_ins + 1 WHERE id = ?
                   RETURNING failed_sign_ins AS "n!: i64""#,
                id
            )
            .fetch_one(&mut *conn)
            .await
        }
        Owner::Family(id) => {
            sqlx::query_scalar!(
                r#"UPDATE family SET failed_sign_ins = failed_sign_ins + 1 WHERE id = ?
                   RETURNING failed_sign_ins AS "n!: i64""#,
                id
            )
            .fetch_one(&mut *conn)
            .await
        }
    }
}

/// Sets an account's lock: locked since `locked_at`, or unlocked (`None`) with its failures
/// in a row forgotten. Returns false when there is no such account.
pub async fn set_lock(
    conn: &mut SqliteConnection,
    owner: Owner,
    locked_at: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = match owner {
        Owner::Staff(id) => {
            sqlx::query!(
                "UPDATE staff_user SET locked_at = ?1,
                        failed_sign_ins = CASE WHEN ?1 IS NULL THEN 0 ELSE failed_sign_ins END
                 WHERE id = ?2",
                locked_at,
                id
            )
            .execute(&mut *conn)
            .await?
        }
        Owner::Family(id) => {
            sqlx::query!(
                "UPDATE family SET locked_at = ?1,
                        failed_sign_ins = CASE WHEN ?1 IS NULL THEN 0 ELSE failed_sign_ins END
                 WHERE id = ?2",
                locked_at,
                id
            )
            .execute(&mut *conn)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// When an account was locked, if it is.
pub async fn locked_at(
    conn: &mut SqliteConnection,
    owner: Owner,
) -> Result<Option<i64>, sqlx::Error> {
    let at = match owner {
        Owner::Staff(id) => {
            sqlx::query_scalar!("SELECT locked_at FROM staff_user WHERE id = ?", id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Owner::Family(id) => {
            sqlx::query_scalar!("SELECT locked_at FROM family WHERE id = ?", id)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    Ok(at.flatten())
}

/// Failures of a login within `since`, for a login that names no account.
pub async fn failures_since(
    conn: &mut SqliteConnection,
    account: &str,
    since: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM login_failure WHERE account = ? AND at > ?"#,
        account,
        since
    )
    .fetch_one(&mut *conn)
    .await
}

/// Failed sign-ins since `since` for the account and from the address.
pub async fn recent_failures(
    conn: &mut SqliteConnection,
    account: &str,
    address: &str,
    since: i64,
) -> Result<(RecentFailures, RecentFailures), sqlx::Error> {
    let by_account = sqlx::query!(
        r#"SELECT count(*) AS "count!: i64", max(at) AS "latest?: i64"
           FROM login_failure WHERE account = ? AND at > ?"#,
        account,
        since
    )
    .fetch_one(&mut *conn)
    .await?;
    let by_address = sqlx::query!(
        r#"SELECT count(*) AS "count!: i64", max(at) AS "latest?: i64"
           FROM login_failure WHERE address = ? AND at > ?"#,
        address,
        since
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((
        RecentFailures {
            count: by_account.count,
            latest: by_account.latest,
        },
        RecentFailures {
            count: by_address.count,
            latest: by_address.latest,
        },
    ))
}

/// Records a failed sign-in (or an attempt about to be checked, which counts as one until it
/// succeeds), and forgets failures older than a day.
pub async fn record_failure(
    conn: &mut SqliteConnection,
    account: &str,
    address: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO login_failure (at, account, address) VALUES (?, ?, ?)",
        now,
        account,
        address
    )
    .execute(&mut *conn)
    .await?;
    let day_ago = now - super::model::FAILURE_MEMORY_SECS;
    sqlx::query!("DELETE FROM login_failure WHERE at < ?", day_ago)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets an account's failures once it signs in.
pub async fn clear_failures(conn: &mut SqliteConnection, account: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM login_failure WHERE account = ?", account)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks an account as demo data: it signs in only while the server runs in demo mode.
pub async fn mark_demo(conn: &mut SqliteConnection, owner: Owner) -> Result<(), sqlx::Error> {
    match owner {
        Owner::Staff(id) => {
            sqlx::query!("UPDATE staff_user SET demo = 1 WHERE id = ?", id)
                .execute(&mut *conn)
                .await?
        }
        Owner::Family(id) => {
            sqlx::query!("UPDATE family SET demo = 1 WHERE id = ?", id)
                .execute(&mut *conn)
                .await?
        }
    };
    Ok(())
}

/// A staff account as the admin's page lists it.
pub async fn staff_list(conn: &mut SqliteConnection) -> Result<Vec<StaffMember>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT u.id AS "id!: i64", u.login, u.display_name, u.language, u.active AS "active: bool",
                  u.locked_at, coalesce(group_concat(r.role, ','), '') AS "roles!: String"
           FROM staff_user u LEFT JOIN staff_role r ON r.staff_user_id = u.id
           GROUP BY u.id ORDER BY u.active DESC, u.display_name COLLATE NOCASE, u.id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StaffMember {
            id: r.id,
            login: r.login,
            display_name: r.display_name,
            language: Lang::parse(&r.language).unwrap_or_default(),
            active: r.active,
            roles: sorted_roles(r.roles.split(',').filter_map(Role::parse)),
            locked_at: r.locked_at,
        })
        .collect())
}

/// One staff account, as the admin's page shows it.
pub async fn staff_member(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<StaffMember>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!: i64", login, display_name, language, active AS "active: bool",
                  locked_at
           FROM staff_user WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let roles = roles_of(conn, id).await?;
    Ok(Some(StaffMember {
        id: r.id,
        login: r.login,
        display_name: r.display_name,
        language: Lang::parse(&r.language).unwrap_or_default(),
        active: r.active,
        roles: sorted_roles(roles.into_iter()),
        locked_at: r.locked_at,
    }))
}

/// Active staff holding `role`: (id, name), by name. Who may teach a class, run a camp group.
pub async fn holding(
    conn: &mut SqliteConnection,
    role: Role,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let code = role.code();
    let rows = sqlx::query!(
        r#"SELECT u.id AS "id!", u.display_name FROM staff_user u
           JOIN staff_role r ON r.staff_user_id = u.id AND r.role = ?
           WHERE u.active = 1 ORDER BY u.display_name"#,
        code
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.display_name)).collect())
}

/// Whether `staff_id` is active and holds `role`.
pub async fn holds(
    conn: &mut SqliteConnection,
    staff_id: i64,
    role: Role,
) -> Result<bool, sqlx::Error> {
    let code = role.code();
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM staff_user u
                          JOIN staff_role r ON r.staff_user_id = u.id AND r.role = ?
                          WHERE u.id = ? AND u.active = 1) AS "yes!: bool""#,
        code,
        staff_id
    )
    .fetch_one(&mut *conn)
    .await
}

/// Roles in the order of [`Role::ALL`].
fn sorted_roles(roles: impl Iterator<Item = Role>) -> Vec<Role> {
    let held: Vec<Role> = roles.collect();
    Role::ALL
        .into_iter()
        .filter(|role| held.contains(role))
        .collect()
}

/// Writes an account's name, language, roles and state (inside the caller's transaction).
pub async fn update_staff(
    conn: &mut SqliteConnection,
    id: i64,
    edit: &StaffEdit,
) -> Result<(), sqlx::Error> {
    let language = edit.language.code();
    sqlx::query!(
        "UPDATE staff_user SET display_name = ?, language = ?, active = ? WHERE id = ?",
        edit.display_name,
        language,
        edit.active,
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM staff_role WHERE staff_user_id = ?", id)
        .execute(&mut *conn)
        .await?;
    for role in &edit.roles {
        let role = role.code();
        sqlx::query!(
            "INSERT INTO staff_role (staff_user_id, role) VALUES (?, ?)",
            id,
            role
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces the password hash of a staff account or the PIN hash of a family (inside the
/// caller's transaction). False when there is no such account.
pub async fn set_secret_hash(
    conn: &mut SqliteConnection,
    owner: Owner,
    hash: &str,
) -> Result<bool, sqlx::Error> {
    let done = match owner {
        Owner::Staff(id) => {
            sqlx::query!(
                "UPDATE staff_user SET password_hash = ? WHERE id = ?",
                hash,
                id
            )
            .execute(&mut *conn)
            .await?
        }
        Owner::Family(id) => {
            sqlx::query!("UPDATE family SET pin_hash = ? WHERE id = ?", hash, id)
                .execute(&mut *conn)
                .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// How many active admins there are other than `id`.
pub async fn other_active_admins(conn: &mut SqliteConnection, id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM staff_user u JOIN staff_role r ON r.staff_user_id = u.id
           WHERE r.role = 'admin' AND u.active = 1 AND u.id <> ?"#,
        id
    )
    .fetch_one(&mut *conn)
    .await
}

/// A new family account, its PIN already hashed.
pub struct NewFamily<'a> {
    /// How the social team names the family.
    pub display_name: &'a str,
    /// The phone it signs in with.
    pub phone: &'a Phone,
    /// The argon2id PHC string of its PIN.
    pub pin_hash: &'a str,
}

/// Creates a family account (inside the caller's transaction); a phone that is taken fails
/// with a unique violation.
pub async fn create_family(
    conn: &mut SqliteConnection,
    family: &NewFamily<'_>,
) -> Result<i64, sqlx::Error> {
    let phone = family.phone.as_str();
    sqlx::query_scalar!(
        r#"INSERT INTO family (display_name, phone, pin_hash) VALUES (?, ?, ?)
           RETURNING id AS "id!: i64""#,
        family.display_name,
        phone,
        family.pin_hash
    )
    .fetch_one(&mut *conn)
    .await
}

/// Every family account, as the social team's page lists them.
pub async fn family_list(conn: &mut SqliteConnection) -> Result<Vec<FamilyAccount>, sqlx::Error> {
    sqlx::query_as!(
        FamilyAccount,
        r#"SELECT id AS "id!: i64", display_name, phone, active AS "active: bool", locked_at
           FROM family ORDER BY active DESC, display_name COLLATE NOCASE, id"#
    )
    .fetch_all(&mut *conn)
    .await
}

/// One family account.
pub async fn family_account(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<FamilyAccount>, sqlx::Error> {
    sqlx::query_as!(
        FamilyAccount,
        r#"SELECT id AS "id!: i64", display_name, phone, active AS "active: bool", locked_at
           FROM family WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await
}

/// Writes a family's name, phone and state (inside the caller's transaction).
pub async fn update_family(
    conn: &mut SqliteConnection,
    id: i64,
    display_name: &str,
    phone: &Phone,
    active: bool,
) -> Result<(), sqlx::Error> {
    let phone = phone.as_str();
    sqlx::query!(
        "UPDATE family SET display_name = ?, phone = ?, active = ? WHERE id = ?",
        display_name,
        phone,
        active,
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
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

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
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

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
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

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
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
