//! Sessions stored in the database, for staff and families: a random token in an HttpOnly
//! cookie, its hash in `session`, an idle timeout and an absolute limit for each kind.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use sqlx::{SqliteConnection, SqlitePool};

use super::access::{CurrentFamily, CurrentStaff, Role, Viewer};
use crate::base::i18n::Lang;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "sid";

/// How long a session lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLimits {
    /// Ended after this many seconds without a request.
    pub idle_secs: i64,
    /// Ended this many seconds after sign-in, however busy.
    pub absolute_secs: i64,
}

/// Staff: 8 hours idle (a shift), 24 hours at most (a shared tablet must not stay signed in).
pub const STAFF_LIMITS: SessionLimits = SessionLimits {
    idle_secs: 8 * 3600,
    absolute_secs: 24 * 3600,
};

/// Families: 30 minutes idle (a phone is easily lost or shared), 12 hours at most.
pub const FAMILY_LIMITS: SessionLimits = SessionLimits {
    idle_secs: 30 * 60,
    absolute_secs: 12 * 3600,
};

/// Whose session it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// `staff_user.id`.
    Staff(i64),
    /// `family.id`.
    Family(i64),
}

/// Whether a session signed in at `created_at` and last used at `last_seen_at` is still valid.
pub fn is_alive(limits: SessionLimits, now: i64, created_at: i64, last_seen_at: i64) -> bool {
    now - last_seen_at <= limits.idle_secs && now - created_at <= limits.absolute_secs
}

/// The `Set-Cookie` value that carries `token`: HttpOnly (no script can read it), SameSite=Lax,
/// and Secure when the site is served over TLS.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared_session_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}")
}

/// Last-seen times are written at most this often, not on every request.
const TOUCH_EVERY_SECS: i64 = 60;

/// A fresh session token (256 random bits, URL-safe) and the hash that is stored.
fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// The SHA-256 of a session token, as stored: also what names a session elsewhere (never
/// the token itself).
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Starts a session for the account and returns the token for the cookie. Always a new
/// token: signing in never reuses an identifier an attacker could have planted.
pub async fn start(
    conn: &mut SqliteConnection,
    owner: Owner,
    now: i64,
) -> Result<String, sqlx::Error> {
    let (token, hash) = new_token();
    let (staff_user_id, family_id) = match owner {
        Owner::Staff(id) => (Some(id), None),
        Owner::Family(id) => (None, Some(id)),
    };
    sqlx::query!(
        "INSERT INTO session (token_hash, staff_user_id, family_id, created_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?)",
        hash,
        staff_user_id,
        family_id,
        now,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// Who is signed in with `token`, if the session is alive and the account active (a demo
/// account only while the server runs in `demo_mode`: a session opened in demo mode ends
/// when the server restarts without it). An expired session is removed.
pub async fn resolve(
    pool: &SqlitePool,
    token: &str,
    now: i64,
    demo_mode: bool,
) -> Result<Option<Viewer>, sqlx::Error> {
    let hash = token_hash(token);
    let mut conn = pool.acquire().await?;
    let Some(row) = sqlx::query!(
        r#"SELECT s.created_at, s.last_seen_at,
                  u.id AS "staff_id?: i64", u.login AS "login?", u.display_name AS "staff_name?",
                  u.language AS "staff_language?",
                  f.id AS "family_id?: i64", f.display_name AS "family_name?", f.phone AS "phone?",
                  f.language AS "family_language?"
           FROM session s
           LEFT JOIN staff_user u ON u.id = s.staff_user_id AND u.active = 1 AND (u.demo = 0 OR ?2)
           LEFT JOIN family f ON f.id = s.family_id AND f.active = 1 AND (f.demo = 0 OR ?2)
           WHERE s.token_hash = ?1"#,
        hash,
        demo_mode
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let limits = if row.family_id.is_some() {
        FAMILY_LIMITS
    } else {
        STAFF_LIMITS
    };
    let active = row.staff_id.is_some() || row.family_id.is_some();
    if !active || !is_alive(limits, now, row.created_at, row.last_seen_at) {
        sqlx::query!("DELETE FROM session WHERE token_hash = ?", hash)
            .execute(&mut *conn)
            .await?;
        return Ok(None);
    }
    if now - row.last_seen_at >= TOUCH_EVERY_SECS {
        // A session that cannot be touched (the disk is full) still reads: only its idle
        // clock stays where it was.
        let touched = sqlx::query!(
            "UPDATE session SET last_seen_at = ? WHERE token_hash = ?",
            now,
            hash
        )
        .execute(&mut *conn)
        .await;
        if let Err(error) = touched {
            tracing::warn!(%error, "cannot note the session's last use");
        }
    }
    let language = |code: Option<String>| code.as_deref().and_then(Lang::parse).unwrap_or_default();
    if let Some(id) = row.family_id {
        return Ok(Some(Viewer::Family(CurrentFamily {
            id,
            display_name: row.family_name.unwrap_or_default(),
            phone: row.phone.unwrap_or_default(),
            language: language(row.family_language),
        })));
    }
    let Some(id) = row.staff_id else {
        return Ok(None);
    };
    let roles = roles_of(&mut conn, id).await?;
    Ok(Some(Viewer::Staff(CurrentStaff {
        id,
        login: row.login.unwrap_or_default(),
        display_name: row.staff_name.unwrap_or_default(),
        language: language(row.staff_language),
        roles,
    })))
}

/// Removes every session that has expired (idle or past its absolute limit), which nobody
/// will present again to have it removed on the way; returns how many.
pub async fn sweep(pool: &SqlitePool, now: i64) -> Result<u64, sqlx::Error> {
    let (staff_idle, staff_max) = (
        now - STAFF_LIMITS.idle_secs,
        now - STAFF_LIMITS.absolute_secs,
    );
    let (family_idle, family_max) = (
        now - FAMILY_LIMITS.idle_secs,
        now - FAMILY_LIMITS.absolute_secs,
    );
    let done = sqlx::query!(
        "DELETE FROM session
         WHERE (staff_user_id IS NOT NULL AND (last_seen_at < ? OR created_at < ?))
            OR (family_id IS NOT NULL AND (last_seen_at < ? OR created_at < ?))",
        staff_idle,
        staff_max,
        family_idle,
        family_max
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Ends the session with this token (sign-out), and writes in the audit log, in the same
/// transaction, that `viewer` (its holder) signed out.
pub async fn end(
    pool: &SqlitePool,
    token: &str,
    viewer: Option<&Viewer>,
) -> Result<(), sqlx::Error> {
    let hash = token_hash(token);
    let mut tx = crate::base::db::begin_write(pool).await?;
    let ended = sqlx::query!("DELETE FROM session WHERE token_hash = ?", hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if ended > 0
        && let Some(viewer) = viewer
    {
        let owner = match viewer {
            Viewer::Staff(staff) => Owner::Staff(staff.id),
            Viewer::Family(family) => Owner::Family(family.id),
        };
        let (entity, entity_id) = account_entity(owner);
        let change = super::audit::Change {
            entity,
            entity_id,
            action: "sign_out",
            before: None,
            after: None,
        };
        super::audit::record(&mut tx, &viewer.actor(), change).await?;
    }
    tx.commit().await
}

/// Ends every session of an account: when it is disabled or its password or PIN changes.
pub async fn end_all_for(conn: &mut SqliteConnection, owner: Owner) -> Result<u64, sqlx::Error> {
    let done = match owner {
        Owner::Staff(id) => {
            sqlx::query!("DELETE FROM session WHERE staff_user_id = ?", id)
                .execute(&mut *conn)
                .await?
        }
        Owner::Family(id) => {
            sqlx::query!("DELETE FROM session WHERE family_id = ?", id)
                .execute(&mut *conn)
                .await?
        }
    };
    Ok(done.rows_affected())
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

/// The audit log's record of an account: its table and id.
pub fn account_entity(owner: Owner) -> (&'static str, String) {
    match owner {
        Owner::Staff(id) => ("staff_user", id.to_string()),
        Owner::Family(id) => ("family", id.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::access::Role;
    use crate::people::model::Login;
    use crate::people::repo::{NewStaff, create_staff};

    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
    const T0: i64 = 1_800_000_000;

    async fn staff(pool: &SqlitePool, login: &str, roles: &[Role]) -> i64 {
        let login = Login::parse(login).expect("valid login");
        let mut conn = pool.acquire().await.expect("connection");
        let new = NewStaff {
            login: &login,
            display_name: "Sokha",
            password_hash: HASH,
            language: Lang::En,
            roles,
        };
        create_staff(&mut conn, &new).await.expect("created")
    }

    async fn sign_in(pool: &SqlitePool, id: i64, now: i64) -> String {
        let mut conn = pool.acquire().await.expect("connection");
        start(&mut conn, Owner::Staff(id), now)
            .await
            .expect("started")
    }

    #[test]
    fn a_session_ends_after_eight_idle_hours_or_a_day_in_all() {
        let limits = STAFF_LIMITS;
        assert!(is_alive(limits, T0 + 8 * 3600, T0, T0));
        assert!(!is_alive(limits, T0 + 8 * 3600 + 1, T0, T0));
        // Busy all day: still ended when the day is over.
        assert!(is_alive(limits, T0 + 24 * 3600, T0, T0 + 24 * 3600 - 60));
        assert!(!is_alive(limits, T0 + 24 * 3600 + 1, T0, T0 + 24 * 3600));
    }

    #[test]
    fn the_cookie_is_http_only_and_secure_over_tls() {
        assert_eq!(
            session_cookie("t", false),
            "sid=t; Path=/; HttpOnly; SameSite=Lax"
        );
        assert!(session_cookie("t", true).ends_with("; Secure"));
        assert!(cleared_session_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (first, first_hash) = new_token();
        let (second, _) = new_token();
        assert_ne!(first, second);
        assert_eq!(first.len(), 43, "256 bits, base64url");
        assert_eq!(first_hash.len(), 64);
        assert_ne!(first_hash, first);
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn a_signed_in_token_names_the_staff_member_and_their_roles(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let id = staff(&pool, "sokha", &[Role::HouseStaff, Role::Tutor]).await;
        let token = sign_in(&pool, id, T0).await;
        let Some(Viewer::Staff(current)) = resolve(&pool, &token, T0 + 10, false).await? else {
            panic!("signed in as staff");
        };
        assert_eq!(current.id, id);
        assert_eq!(current.roles, [Role::HouseStaff, Role::Tutor]);
        assert_eq!(resolve(&pool, "forged-token", T0 + 10, false).await?, None);
        let stored: Vec<String> = sqlx::query_scalar!("SELECT token_hash FROM session")
            .fetch_all(&pool)
            .await?;
        assert_eq!(
            stored,
            [token_hash(&token)],
            "the token itself is never stored"
        );
        Ok(())
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn a_family_session_ends_after_thirty_idle_minutes(pool: SqlitePool) -> sqlx::Result<()> {
        let family = sqlx::query_scalar!(
            r#"INSERT INTO family (display_name, phone, pin_hash) VALUES ('Sok family', '012345678', ?)
               RETURNING id AS "id!: i64""#,
            HASH
        )
        .fetch_one(&pool)
        .await?;
        let mut conn = pool.acquire().await?;
        let token = start(&mut conn, Owner::Family(family), T0).await?;
        drop(conn);
        let Some(Viewer::Family(current)) = resolve(&pool, &token, T0 + 29 * 60, false).await?
        else {
            panic!("signed in as the family");
        };
        assert_eq!(current.display_name, "Sok family");
        assert!(
            resolve(&pool, &token, T0 + 58 * 60, false).await?.is_some(),
            "kept alive by use"
        );
        assert_eq!(
            resolve(&pool, &token, T0 + 88 * 60 + 1, false).await?,
            None,
            "30 idle minutes"
        );
        // Staff limits are not family limits: the same idleness keeps a staff session.
        let id = staff(&pool, "sokha", &[Role::Tutor]).await;
        let staff_token = sign_in(&pool, id, T0).await;
        assert!(
            resolve(&pool, &staff_token, T0 + 31 * 60, false)
                .await?
                .is_some()
        );
        Ok(())
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn a_session_belongs_to_exactly_one_staff_member_or_family(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let neither = sqlx::query!(
            "INSERT INTO session (token_hash, created_at, last_seen_at) VALUES (?, 1, 1)",
            "0000000000000000000000000000000000000000000000000000000000000000"
        )
        .execute(&pool)
        .await;
        assert!(neither.is_err(), "a session without an owner is refused");
        Ok(())
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn use_keeps_a_session_alive_and_idleness_ends_it(pool: SqlitePool) -> sqlx::Result<()> {
        let id = staff(&pool, "sokha", &[Role::Canteen]).await;
        let token = sign_in(&pool, id, T0).await;
        // Used every 7 hours: alive at 14 hours, though sign-in was longer ago than the idle limit.
        assert!(
            resolve(&pool, &token, T0 + 7 * 3600, false)
                .await?
                .is_some()
        );
        assert!(
            resolve(&pool, &token, T0 + 14 * 3600, false)
                .await?
                .is_some()
        );
        // Then 8 hours and a second of nothing.
        assert_eq!(
            resolve(&pool, &token, T0 + 22 * 3600 + 1, false).await?,
            None
        );
        let left = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM session"#)
            .fetch_one(&pool)
            .await?;
        assert_eq!(left, 0, "the expired session is removed");
        Ok(())
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn signing_out_or_disabling_the_account_ends_sessions(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let id = staff(&pool, "sokha", &[Role::Admin]).await;
        let tablet = sign_in(&pool, id, T0).await;
        let office = sign_in(&pool, id, T0).await;
        end(&pool, &tablet, None).await?;
        assert_eq!(resolve(&pool, &tablet, T0 + 1, false).await?, None);
        assert!(
            resolve(&pool, &office, T0 + 1, false).await?.is_some(),
            "only that session ended"
        );
        sqlx::query!("UPDATE staff_user SET active = 0 WHERE id = ?", id)
            .execute(&pool)
            .await?;
        assert_eq!(
            resolve(&pool, &office, T0 + 2, false).await?,
            None,
            "a disabled account is signed out"
        );
        let mut conn = pool.acquire().await?;
        end_all_for(&mut conn, Owner::Staff(id)).await?;
        let left = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM session"#)
            .fetch_one(&mut *conn)
            .await?;
        assert_eq!(left, 0);
        Ok(())
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn expired_sessions_are_swept_and_live_ones_kept(pool: SqlitePool) -> sqlx::Result<()> {
        let id = staff(&pool, "sokha", &[Role::HouseStaff]).await;
        let old = sign_in(&pool, id, T0).await;
        let fresh = sign_in(&pool, id, T0 + 9 * 3600).await;
        assert_eq!(
            sweep(&pool, T0 + 9 * 3600 + 10).await?,
            1,
            "8 idle hours: gone"
        );
        assert_eq!(resolve(&pool, &old, T0 + 9 * 3600 + 10, false).await?, None);
        assert!(
            resolve(&pool, &fresh, T0 + 9 * 3600 + 10, false)
                .await?
                .is_some()
        );
        Ok(())
    }
}
