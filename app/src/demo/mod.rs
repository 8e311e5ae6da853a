//! Demo data: a realistic centre to try the app with, one file per domain, all of it here and
//! behind the `demo` feature (a production build leaves it out). Every step is idempotent, so
//! seeding twice adds nothing.
//!
//! The demo sign-ins come from a file (`demo/accounts.json`), never from the binary, and the
//! accounts are marked as demo: they sign in only while the server runs in demo mode.

mod calendar;
pub mod camps;
pub mod canteen;
pub mod centre;
pub mod homework;
mod names;
pub mod residents;
pub mod visits;

use serde::Deserialize;
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::base::access::Role;
use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with};
use crate::base::db::begin_write;
use crate::base::i18n::Lang;
use crate::people::model::Account;
use crate::people::record::{AccountError, create_family_account, create_staff_account};
use crate::people::repo::{mark_demo, sign_in_record};

/// The demo sign-ins, as `demo/accounts.json` lists them.
#[derive(Clone, Debug, Deserialize)]
pub struct DemoAccounts {
    /// One staff member per role.
    pub staff: Vec<DemoStaff>,
    /// A few families.
    pub families: Vec<DemoFamily>,
}

/// A demo staff member.
#[derive(Clone, Debug, Deserialize)]
pub struct DemoStaff {
    pub login: String,
    pub name: String,
    /// Their demo password.
    pub password: String,
    /// `km`, `en` or `fr`.
    pub language: String,
    /// Role codes (`admin`, `house_staff`...).
    pub roles: Vec<String>,
}

/// A demo family.
#[derive(Clone, Debug, Deserialize)]
pub struct DemoFamily {
    pub name: String,
    /// The phone it signs in with.
    pub phone: String,
    /// Its demo PIN.
    pub pin: String,
}

/// Why the demo data could not be created.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The accounts file lists something invalid.
    #[error("demo account {0}: {1}")]
    Account(String, AccountError),
    /// The accounts file names an unknown role or language.
    #[error("demo account {0}: unknown role or language")]
    Unknown(String),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A rule of the visits refused a demo booking or decision.
    #[error("demo visits: {0}")]
    Visits(#[from] crate::base::error::AppError),
}

/// Who writes the demo data, as the audit log names it.
fn seeder() -> Writer {
    Writer::system("server seed-demo")
}

/// Ends one domain's seed: an audit entry saying what it `added` to `entity`, committed with it.
async fn seeded(
    tx: Transaction<'static, Sqlite>,
    entity: &'static str,
    added: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let change = Change {
        entity,
        entity_id: "demo".into(),
        action: "seed",
        before: None,
        after: Some(added),
    };
    commit_with(tx, &seeder().actor, change).await
}

/// Creates (or completes) the demo data. The centre is one transaction; each account, with
/// its audit entry, another; the residents, beds and their history another; the canteen
/// another; the homework classes another; the families and their visits last, in several (as
/// the social team would write them). Accounts that exist already are left as they are.
pub async fn seed(pool: &SqlitePool, accounts: &DemoAccounts) -> Result<(), SeedError> {
    let mut tx = begin_write(pool).await?;
    crate::demo::centre::seed_demo(&mut tx).await?;
    tx.commit().await?;

    let actor = seeder();
    for staff in &accounts.staff {
        let unknown = || SeedError::Unknown(staff.login.clone());
        let language = Lang::parse(&staff.language).ok_or_else(unknown)?;
        let roles = staff
            .roles
            .iter()
            .map(|code| Role::parse(code).ok_or_else(unknown))
            .collect::<Result<Vec<_>, _>>()?;
        let account = Account::parse(&staff.login).map_err(|_| unknown())?;
        if sign_in_record(&mut *pool.acquire().await?, &account)
            .await?
            .is_some()
        {
            continue;
        }
        let result = create_staff_account(
            pool,
            &actor,
            &staff.login,
            &staff.name,
            &staff.password,
            language,
            &roles,
        )
        .await;
        let id = result.map_err(|error| SeedError::Account(staff.login.clone(), error))?;
        let mut conn = pool.acquire().await?;
        mark_demo(&mut conn, crate::base::session::Owner::Staff(id)).await?;
    }
    for family in &accounts.families {
        let account =
            Account::parse(&family.phone).map_err(|_| SeedError::Unknown(family.phone.clone()))?;
        if sign_in_record(&mut *pool.acquire().await?, &account)
            .await?
            .is_some()
        {
            continue;
        }
        let result =
            create_family_account(pool, &actor, &family.name, &family.phone, &family.pin).await;
        let id = result.map_err(|error| SeedError::Account(family.phone.clone(), error))?;
        let mut conn = pool.acquire().await?;
        mark_demo(&mut conn, crate::base::session::Owner::Family(id)).await?;
    }

    // The roll-call history is signed by the demo's house staff member, the served records
    // by its canteen manager.
    let today = crate::base::clock::today_at_centre();
    let house_staff_id = staff_id_with_role(pool, accounts, Role::HouseStaff).await?;
    crate::demo::residents::seed(pool, today, house_staff_id).await?;
    let canteen_staff_id = staff_id_with_role(pool, accounts, Role::Canteen).await?;
    crate::demo::canteen::seed(pool, today, canteen_staff_id).await?;
    // The demo tutor teaches two of the homework classes, volunteers the others.
    let tutor_ids: Vec<i64> = staff_id_with_role(pool, accounts, Role::Tutor)
        .await?
        .into_iter()
        .collect();
    crate::demo::homework::seed(pool, today, &tutor_ids, house_staff_id).await?;
    // The demo monitor runs a group of the holiday camp, other monitors the others.
    let monitor_id = staff_id_with_role(pool, accounts, Role::Monitor).await?;
    crate::demo::camps::seed(pool, today, monitor_id).await?;
    // The demo social team member decides who may visit whom and publishes the visit days.
    if let Some(social_staff_id) = staff_id_with_role(pool, accounts, Role::SocialTeam).await? {
        crate::demo::visits::seed(pool, today, social_staff_id).await?;
    }
    // The next holidays' residential camp, in the beds of boarders home then: after the
    // visits, so that no boarder with a visit booked goes home.
    crate::demo::camps::seed_residential(pool, today, crate::demo::visits::next_visit_day(today))
        .await?;
    Ok(())
}

/// The ids of staff who work in the demo but are not demo sign-ins (volunteer tutors, camp
/// monitors): (login, name, language), holding `role`, their accounts created if missing
/// (each in its own transaction, as every account is) with a random password never shown.
async fn staff_without_sign_in(
    pool: &SqlitePool,
    people: &[(&str, &str, Lang)],
    role: Role,
) -> Result<Vec<i64>, sqlx::Error> {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    let actor = seeder();
    let mut ids = Vec::new();
    for (login, name, language) in people {
        let account = Account::parse(login)
            .map_err(|problem| sqlx::Error::Protocol(format!("{login}: {problem:?}")))?;
        if let Some(found) = sign_in_record(&mut *pool.acquire().await?, &account).await? {
            if let crate::base::session::Owner::Staff(id) = found.owner {
                ids.push(id);
            }
            continue;
        }
        let mut secret = [0_u8; 32];
        OsRng.fill_bytes(&mut secret);
        let password = URL_SAFE_NO_PAD.encode(secret);
        let created =
            create_staff_account(pool, &actor, login, name, &password, *language, &[role]).await;
        match created {
            Ok(id) => ids.push(id),
            Err(AccountError::Database(error)) => return Err(error),
            Err(error) => return Err(sqlx::Error::Protocol(format!("{login}: {error}"))),
        }
    }
    Ok(ids)
}

/// The id of the first demo staff member holding `role`, once their account exists.
async fn staff_id_with_role(
    pool: &SqlitePool,
    accounts: &DemoAccounts,
    role: Role,
) -> Result<Option<i64>, SeedError> {
    let staff = accounts
        .staff
        .iter()
        .find(|staff| staff.roles.iter().any(|code| code == role.code()));
    if let Some(staff) = staff
        && let Ok(account) = Account::parse(&staff.login)
        && let Some(found) = sign_in_record(&mut *pool.acquire().await?, &account).await?
        && let crate::base::session::Owner::Staff(id) = found.owner
    {
        return Ok(Some(id));
    }
    Ok(None)
}

/// The demo sign-ins as `seed-demo` prints them.
pub fn credentials_table(accounts: &DemoAccounts) -> String {
    let mut out =
        String::from("Demo sign-ins (they work only while the server runs with --demo):\n");
    for staff in &accounts.staff {
        out += &format!(
            "  staff   {:<14} password {:<20} {}\n",
            staff.login,
            format!("{:?}", staff.password),
            staff.roles.join(", ")
        );
    }
    for family in &accounts.families {
        out += &format!(
            "  family  {:<14} PIN      {:<20} {}\n",
            family.phone.replace(' ', ""),
            family.pin,
            family.name
        );
    }
    out
}

/// The accounts file of this repository, for tests.
#[cfg(test)]
pub fn repository_accounts() -> DemoAccounts {
    let text = include_str!("../../../demo/accounts.json");
    serde_json::from_str(text).expect("demo/accounts.json is valid")
}

/// The demo seeds' deterministic generator (xorshift64): every demo is the same.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % (n.max(1) as u64)) as usize
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1).max(1) as u64) as i64
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One of `items`, by weight.
    pub fn weighted<T: Copy>(&mut self, items: &[(T, usize)]) -> Option<T> {
        let total: usize = items.iter().map(|(_, w)| w).sum();
        let mut at = self.below(total);
        for (item, weight) in items {
            if at < *weight {
                return Some(*item);
            }
            at -= weight;
        }
        None
    }

    /// Shuffles `items` in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_file_has_one_staff_member_per_role_and_valid_families() {
        let accounts = repository_accounts();
        for role in Role::ALL {
            assert!(
                accounts.staff.iter().any(|s| s.roles == [role.code()]),
                "no demo user holds only {role:?}"
            );
        }
        for staff in &accounts.staff {
            assert!(crate::people::model::check_new_password(&staff.password).is_ok());
        }
        for family in &accounts.families {
            assert!(crate::people::model::Pin::parse_new(&family.pin).is_ok());
            assert!(crate::people::model::Phone::parse(&family.phone).is_ok());
        }
        let table = credentials_table(&accounts);
        assert!(
            table.contains("director") && table.contains("012345678"),
            "{table}"
        );
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn seeding_twice_creates_each_account_once_marked_as_demo(pool: SqlitePool) {
        let accounts = repository_accounts();
        seed(&pool, &accounts).await.expect("seeded");
        seed(&pool, &accounts).await.expect("seeded again");
        let staff =
            sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM staff_user WHERE demo = 1"#)
                .fetch_one(&pool)
                .await
                .expect("counted");
        assert_eq!(staff as usize, accounts.staff.len());
        // Each sign-in's family once, marked as demo; the visits' other demo families have
        // other phones.
        for family in &accounts.families {
            let phone = crate::people::model::Phone::parse(&family.phone).expect("a phone");
            let phone = phone.as_str();
            let found = sqlx::query_scalar!(
                r#"SELECT count(*) AS "n!: i64" FROM family WHERE demo = 1 AND phone = ?"#,
                phone
            )
            .fetch_one(&pool)
            .await
            .expect("counted");
            assert_eq!(found, 1, "{phone}");
        }
    }
}
