//! Shared types and rules of people and access.

use serde::{Deserialize, Serialize};

use crate::base::access::Role;
use crate::base::error::AppError;
use crate::base::i18n::{Key, Lang};

/// A staff login: 3 to 32 characters, lower-case letters, digits, `.`, `_` or `-`.
/// Typed in any case; kept in lower case so "Sokha" and "sokha" are one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Login(String);

/// Why a login or password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialProblem {
    /// The login is not 3 to 32 characters long.
    LoginLength,
    /// The login has a character other than a-z, 0-9, `.`, `_`, `-`.
    LoginCharacters,
    /// The password has fewer than 8 characters.
    PasswordTooShort,
    /// The password is longer than anyone types (and than is sensible to hash).
    PasswordTooLong,
    /// The password is one of the 1,000 most common.
    PasswordCommon,
    /// The phone number is not a Cambodian number (0 and 8 or 9 digits, or +855).
    Phone,
    /// The PIN is not 6 digits.
    PinFormat,
    /// The PIN is one digit repeated or a run (123456, 987654): too easy to guess.
    PinTooSimple,
}

impl CredentialProblem {
    /// What the user is told.
    pub fn message(self) -> Key {
        match self {
            CredentialProblem::LoginLength => Key::ProblemLoginLength,
            CredentialProblem::LoginCharacters => Key::ProblemLoginCharacters,
            CredentialProblem::PasswordTooShort => Key::ProblemPasswordShort,
            CredentialProblem::PasswordTooLong => Key::ProblemPasswordLong,
            CredentialProblem::PasswordCommon => Key::ProblemPasswordCommon,
            CredentialProblem::Phone => Key::ProblemPhone,
            CredentialProblem::PinFormat => Key::ProblemPinFormat,
            CredentialProblem::PinTooSimple => Key::ProblemPinSimple,
        }
    }

    /// The form field it concerns.
    pub fn field(self) -> &'static str {
        match self {
            CredentialProblem::LoginLength | CredentialProblem::LoginCharacters => "login",
            CredentialProblem::PasswordTooShort
            | CredentialProblem::PasswordTooLong
            | CredentialProblem::PasswordCommon => "password",
            CredentialProblem::Phone => "phone",
            CredentialProblem::PinFormat | CredentialProblem::PinTooSimple => "pin",
        }
    }
}

impl From<CredentialProblem> for AppError {
    fn from(problem: CredentialProblem) -> Self {
        AppError::Validation {
            field: problem.field().into(),
            message: problem.message(),
        }
    }
}

/// Khmer digits typed on a Khmer keyboard (០ to ៩) read as the digits they are.
fn ascii_digits(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{17E0}'..='\u{17E9}' => char::from(b'0' + (c as u32 - 0x17E0) as u8),
            other => other,
        })
        .collect()
}

/// A family's login: a Cambodian phone number, kept as dialled at home (`012345678`).
/// Typed with spaces, dashes, `+855` or Khmer digits, it reads the same.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    /// Parses a phone number as typed.
    pub fn parse(input: &str) -> Result<Phone, CredentialProblem> {
        let digits: String = ascii_digits(input)
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let national = if let Some(rest) = digits.strip_prefix("+855") {
            format!("0{rest}")
        } else if let Some(rest) = digits.strip_prefix("855").filter(|rest| rest.len() >= 8) {
            format!("0{rest}")
        } else {
            digits
        };
        let well_formed = national.starts_with('0')
            && !national.starts_with("00")
            && (9..=10).contains(&national.len())
            && national.bytes().all(|b| b.is_ascii_digit());
        if well_formed {
            Ok(Phone(national))
        } else {
            Err(CredentialProblem::Phone)
        }
    }

    /// The number as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the input is meant as a phone number (digits, spaces, `+`), not a staff login.
    pub fn looks_like(input: &str) -> bool {
        let input = ascii_digits(input.trim());
        !input.is_empty()
            && input.starts_with(|c: char| c.is_ascii_digit() || c == '+')
            && input
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '+'))
    }
}

/// A family's PIN: exactly 6 digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl Pin {
    /// Parses a PIN as typed (spaces ignored, Khmer digits read as digits).
    pub fn parse(input: &str) -> Result<Pin, CredentialProblem> {
        let pin: String = ascii_digits(input).chars().filter(|c| *c != ' ').collect();
        if pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Pin(pin))
        } else {
            Err(CredentialProblem::PinFormat)
        }
    }

    /// Parses a PIN the social team is setting: also refuses one digit repeated and runs.
    pub fn parse_new(input: &str) -> Result<Pin, CredentialProblem> {
        let pin = Pin::parse(input)?;
        let digits: Vec<i8> = pin.0.bytes().map(|b| (b - b'0') as i8).collect();
        let steps: Vec<i8> = digits.windows(2).map(|w| w[1] - w[0]).collect();
        let constant_step = steps.iter().all(|step| *step == steps[0]);
        if constant_step && steps[0].abs() <= 1 {
            return Err(CredentialProblem::PinTooSimple);
        }
        Ok(pin)
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(******)")
    }
}

/// What someone typed in the sign-in form's first field: a staff login or a family's phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Account {
    /// A staff member.
    Staff(Login),
    Family(Phone),
}

impl Account {
    /// Reads the first field of the sign-in form.
    pub fn parse(input: &str) -> Result<Account, CredentialProblem> {
        if Phone::looks_like(input) {
            Phone::parse(input).map(Account::Family)
        } else {
            Login::parse(input).map(Account::Staff)
        }
    }

    /// The key failed attempts are counted under, whether or not the account exists.
    pub fn throttle_key(&self) -> String {
        match self {
            Account::Staff(login) => format!("staff:{}", login.as_str()),
            Account::Family(phone) => format!("family:{}", phone.as_str()),
        }
    }
}

impl Login {
    /// Parses a login as typed. It starts with a letter, so it is never taken for a phone.
    pub fn parse(input: &str) -> Result<Login, CredentialProblem> {
        let login = input.trim().to_lowercase();
        if !(3..=32).contains(&login.chars().count()) {
            return Err(CredentialProblem::LoginLength);
        }
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
        if !login.chars().all(allowed) || !login.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(CredentialProblem::LoginCharacters);
        }
        Ok(Login(login))
    }

    /// The login as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The shortest password accepted (OWASP ASVS: at least 8, no composition rules).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password accepted.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Checks a new password: its length, counted in characters (Khmer passwords count fairly),
/// and that it is not one of the 1,000 most common passwords, in any case.
#[cfg(feature = "ssr")]
pub fn check_new_password(password: &str) -> Result<(), CredentialProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(CredentialProblem::PasswordTooShort)
    } else if chars > MAX_PASSWORD_CHARS {
        Err(CredentialProblem::PasswordTooLong)
    } else if is_common_password(password) {
        Err(CredentialProblem::PasswordCommon)
    } else {
        Ok(())
    }
}

/// The 1,000 most used passwords, most used first: the head of the list zxcvbn ranks
/// (MIT licence, from leaked password sets). Server side only.
#[cfg(feature = "ssr")]
static COMMON_PASSWORDS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| include_str!("common_passwords.txt").lines().collect());

/// Whether the password is one of the 1,000 most common, ignoring case and outer spaces.
#[cfg(feature = "ssr")]
pub fn is_common_password(password: &str) -> bool {
    COMMON_PASSWORDS.contains(password.trim().to_lowercase().as_str())
}

/// How long sign-in stays refused after too many failures, and the window they count in.
pub const THROTTLE_SECS: i64 = 15 * 60;
/// Failures for one account within the window before it is refused.
pub const MAX_ACCOUNT_FAILURES: i64 = 5;
/// Failures from one address within the window before it is refused.
pub const MAX_ADDRESS_FAILURES: i64 = 20;

/// Failed sign-ins in a row after which an account is locked until a person unlocks it: with
/// five tries in each 15 minutes, an attacker reaches it in under an hour, long before a
/// 6-digit PIN falls (at 20 guesses, one chance in 50,000).
pub const MAX_FAILURES_IN_A_ROW: i64 = 20;
/// Failures are remembered this long; a login that names no account and failed
/// [`MAX_FAILURES_IN_A_ROW`] times within it answers as a locked account does, so the lock
/// does not tell which accounts exist.
pub const FAILURE_MEMORY_SECS: i64 = 24 * 3600;

/// Whether the failures in a row of an account lock it.
pub fn locks(failures_in_a_row: i64) -> bool {
    failures_in_a_row >= MAX_FAILURES_IN_A_ROW
}

/// Failed sign-ins within the last [`THROTTLE_SECS`]: how many, and when the latest was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecentFailures {
    /// How many.
    pub count: i64,
    /// The latest, in Unix seconds.
    pub latest: Option<i64>,
}

/// Until when (Unix seconds) sign-in is refused, or `None` when it may be tried: 15 minutes
/// after the failure that reached 5 for the account or 20 for the address.
pub fn refused_until(account: RecentFailures, address: RecentFailures, now: i64) -> Option<i64> {
    let lock = |failures: RecentFailures, max: i64| {
        failures
            .latest
            .filter(|_| failures.count >= max)
            .map(|latest| latest + THROTTLE_SECS)
    };
    [
        lock(account, MAX_ACCOUNT_FAILURES),
        lock(address, MAX_ADDRESS_FAILURES),
    ]
    .into_iter()
    .flatten()
    .max()
    .filter(|until| *until > now)
}

/// A staff account as the admin's page shows it. No secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    /// `staff_user.id`.
    pub id: i64,
    /// Their login (never changes: the audit log names people by it).
    pub login: String,
    pub display_name: String,
    /// The language their pages open in.
    pub language: Lang,
    /// Whether they may sign in.
    pub active: bool,
    /// What they may do, in the order of [`Role::ALL`].
    pub roles: Vec<Role>,
    /// Locked after too many failed sign-ins in a row since then (Unix seconds), until an
    /// admin unlocks it.
    pub locked_at: Option<i64>,
}

/// What the admin may change about a staff account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffEdit {
    /// Their name, trimmed, 1 to 100 characters.
    pub display_name: String,
    /// The language their pages open in.
    pub language: Lang,
    /// What they may do.
    pub roles: Vec<Role>,
    /// Whether they may sign in.
    pub active: bool,
}

/// Why a staff account edit is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditProblem {
    /// The name is empty or longer than 100 characters.
    Name,
    /// An active account needs at least one role.
    NoRole,
    /// The edit would leave no active admin, and nobody could manage accounts any more.
    LastAdmin,
}

impl From<EditProblem> for AppError {
    fn from(problem: EditProblem) -> Self {
        let (field, message) = match problem {
            EditProblem::Name => ("display_name", Key::ProblemName),
            EditProblem::NoRole => ("roles", Key::ProblemNoRole),
            EditProblem::LastAdmin => ("roles", Key::ProblemLastAdmin),
        };
        AppError::Validation {
            field: field.into(),
            message,
        }
    }
}

/// A person's or family's name as typed: trimmed, 1 to 100 characters.
pub fn check_name(input: &str) -> Result<String, EditProblem> {
    let name = input.trim();
    if (1..=100).contains(&name.chars().count()) {
        Ok(name.to_owned())
    } else {
        Err(EditProblem::Name)
    }
}

/// Checks an edit of account `id`: a name, a role if active, and never the last active admin
/// taken away (`other_admins` counts the active admins other than this account).
pub fn check_staff_edit(edit: &StaffEdit, other_admins: i64) -> Result<(), EditProblem> {
    check_name(&edit.display_name)?;
    if edit.active && edit.roles.is_empty() {
        return Err(EditProblem::NoRole);
    }
    let stays_admin = edit.active && edit.roles.contains(&Role::Admin);
    if !stays_admin && other_admins == 0 {
        return Err(EditProblem::LastAdmin);
    }
    Ok(())
}

/// A family account as the social team's page shows it. No PIN, no hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyAccount {
    /// `family.id`.
    pub id: i64,
    /// How the social team names the family.
    pub display_name: String,
    /// The phone it signs in with.
    pub phone: String,
    /// Whether it may sign in.
    pub active: bool,
    /// Locked after too many failed sign-ins in a row since then (Unix seconds), until the
    /// social team unlocks it.
    pub locked_at: Option<i64>,
}

/// How someone is related to a child: a family's contact, a camp child's guardian.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relationship {
    Mother,
    Father,
    Grandmother,
    Grandfather,
    Aunt,
    Uncle,
    /// Brother or sister.
    Sibling,
    /// Legal guardian.
    Guardian,
    /// Anyone else.
    Other,
}

impl Relationship {
    /// Every relationship.
    pub const ALL: [Relationship; 9] = [
        Relationship::Mother,
        Relationship::Father,
        Relationship::Grandmother,
        Relationship::Grandfather,
        Relationship::Aunt,
        Relationship::Uncle,
        Relationship::Sibling,
        Relationship::Guardian,
        Relationship::Other,
    ];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Relationship::Mother => "mother",
            Relationship::Father => "father",
            Relationship::Grandmother => "grandmother",
            Relationship::Grandfather => "grandfather",
            Relationship::Aunt => "aunt",
            Relationship::Uncle => "uncle",
            Relationship::Sibling => "sibling",
            Relationship::Guardian => "guardian",
            Relationship::Other => "other",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Relationship> {
        Relationship::ALL
            .into_iter()
            .find(|r| r.code() == code.trim())
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            Relationship::Mother => Key::RelationMother,
            Relationship::Father => Key::RelationFather,
            Relationship::Grandmother => Key::RelationGrandmother,
            Relationship::Grandfather => Key::RelationGrandfather,
            Relationship::Aunt => Key::RelationAunt,
            Relationship::Uncle => Key::RelationUncle,
            Relationship::Sibling => Key::RelationSibling,
            Relationship::Guardian => Key::RelationGuardian,
            Relationship::Other => Key::RelationOther,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_read_the_same_however_they_are_typed() {
        for typed in [
            "012 345 678",
            "012-345-678",
            "+855 12 345 678",
            "85512345678",
            "០១២៣៤៥៦៧៨",
        ] {
            assert_eq!(
                Phone::parse(typed).map(|p| p.as_str().to_owned()),
                Ok("012345678".into()),
                "{typed}"
            );
        }
        assert_eq!(
            Phone::parse("0961234567").map(|p| p.as_str().to_owned()),
            Ok("0961234567".into())
        );
        for bad in [
            "12345678",
            "0123",
            "01234567890",
            "0012345678",
            "012 abc 678",
            "",
        ] {
            assert_eq!(Phone::parse(bad), Err(CredentialProblem::Phone), "{bad}");
        }
    }

    #[test]
    fn the_first_field_is_a_phone_when_it_is_digits_and_a_login_otherwise() {
        assert!(matches!(
            Account::parse("012 345 678"),
            Ok(Account::Family(_))
        ));
        assert!(matches!(
            Account::parse("+85512345678"),
            Ok(Account::Family(_))
        ));
        assert!(matches!(Account::parse("sokha"), Ok(Account::Staff(_))));
        assert_eq!(Account::parse("123"), Err(CredentialProblem::Phone));
        assert_eq!(
            Account::parse("012345678").map(|a| a.throttle_key()),
            Ok("family:012345678".into())
        );
        assert_eq!(
            Account::parse("Sokha").map(|a| a.throttle_key()),
            Ok("staff:sokha".into())
        );
    }

    #[test]
    fn pins_are_six_digits_and_new_ones_not_trivial() {
        assert_eq!(
            Pin::parse("４").map(|_| ()),
            Err(CredentialProblem::PinFormat)
        );
        assert_eq!(
            Pin::parse("482 913").map(|p| p.as_str().to_owned()),
            Ok("482913".into())
        );
        assert_eq!(
            Pin::parse("៤៨២៩១៣").map(|p| p.as_str().to_owned()),
            Ok("482913".into())
        );
        for bad in ["12345", "1234567", "12a456", ""] {
            assert_eq!(Pin::parse(bad), Err(CredentialProblem::PinFormat), "{bad}");
        }
        for simple in ["000000", "123456", "654321", "999999"] {
            assert_eq!(
                Pin::parse_new(simple),
                Err(CredentialProblem::PinTooSimple),
                "{simple}"
            );
            assert!(
                Pin::parse(simple).is_ok(),
                "an old PIN still signs in: {simple}"
            );
        }
        assert!(Pin::parse_new("135792").is_ok());
        assert_eq!(
            format!("{:?}", Pin::parse("482913").expect("pin")),
            "Pin(******)"
        );
    }

    #[test]
    fn five_failures_for_an_account_or_twenty_from_an_address_lock_for_fifteen_minutes() {
        const NOW: i64 = 1_800_000_000;
        let none = RecentFailures::default();
        let failures = |count, latest| RecentFailures {
            count,
            latest: Some(latest),
        };
        assert_eq!(refused_until(failures(4, NOW), none, NOW), None);
        assert_eq!(
            refused_until(failures(5, NOW - 60), none, NOW),
            Some(NOW - 60 + 900)
        );
        assert_eq!(
            refused_until(failures(5, NOW - 900), none, NOW),
            None,
            "over after 15 minutes"
        );
        assert_eq!(refused_until(none, failures(19, NOW), NOW), None);
        assert_eq!(refused_until(none, failures(20, NOW), NOW), Some(NOW + 900));
        assert_eq!(
            refused_until(failures(5, NOW - 100), failures(20, NOW - 10), NOW),
            Some(NOW - 10 + 900),
            "the later lock wins"
        );
    }

    #[test]
    fn an_edit_needs_a_name_a_role_and_leaves_an_admin() {
        let edit = |roles: &[Role], active| StaffEdit {
            display_name: " Sokha ".into(),
            language: Lang::Km,
            roles: roles.to_vec(),
            active,
        };
        assert_eq!(check_staff_edit(&edit(&[Role::Tutor], true), 1), Ok(()));
        assert_eq!(
            check_staff_edit(&edit(&[], true), 1),
            Err(EditProblem::NoRole)
        );
        assert_eq!(
            check_staff_edit(&edit(&[], false), 1),
            Ok(()),
            "a disabled account may hold none"
        );
        assert_eq!(
            check_staff_edit(&edit(&[Role::Tutor], true), 0),
            Err(EditProblem::LastAdmin),
            "the last admin cannot give up the role"
        );
        assert_eq!(
            check_staff_edit(&edit(&[Role::Admin], false), 0),
            Err(EditProblem::LastAdmin),
            "nor be disabled"
        );
        assert_eq!(check_staff_edit(&edit(&[Role::Admin], true), 0), Ok(()));
        let mut nameless = edit(&[Role::Tutor], true);
        nameless.display_name = "   ".into();
        assert_eq!(check_staff_edit(&nameless, 1), Err(EditProblem::Name));
    }

    #[test]
    fn logins_are_kept_in_lower_case_and_limited_to_safe_characters() {
        assert_eq!(
            Login::parse("  Sokha.Chan ").map(|l| l.as_str().to_owned()),
            Ok("sokha.chan".into())
        );
        assert_eq!(Login::parse("ab"), Err(CredentialProblem::LoginLength));
        assert_eq!(
            Login::parse(&"a".repeat(33)),
            Err(CredentialProblem::LoginLength)
        );
        assert_eq!(
            Login::parse("so kha"),
            Err(CredentialProblem::LoginCharacters)
        );
        assert_eq!(Login::parse("សុខា"), Err(CredentialProblem::LoginCharacters));
        assert_eq!(
            Login::parse("007bond"),
            Err(CredentialProblem::LoginCharacters),
            "a login starts with a letter, so it is never read as a phone"
        );
    }

    #[test]
    fn passwords_need_eight_characters_and_no_composition_rules() {
        assert_eq!(
            check_new_password("short"),
            Err(CredentialProblem::PasswordTooShort)
        );
        assert_eq!(check_new_password("all lower case words"), Ok(()));
        // Eight Khmer characters are eight characters, though they are 24 bytes.
        assert_eq!(check_new_password("សុខសប្បាយទេ"), Ok(()));
        assert_eq!(
            check_new_password("ក្ក"),
            Err(CredentialProblem::PasswordTooShort)
        );
        assert_eq!(
            check_new_password(&"x".repeat(129)),
            Err(CredentialProblem::PasswordTooLong)
        );
    }

    #[test]
    fn the_thousand_most_common_passwords_are_refused_in_any_case() {
        assert_eq!(include_str!("common_passwords.txt").lines().count(), 1000);
        for common in [
            "password",
            "12345678",
            "Football",
            " iloveyou ",
            "PASSWORD1",
        ] {
            assert_eq!(
                check_new_password(common),
                Err(CredentialProblem::PasswordCommon),
                "{common}"
            );
        }
        assert_eq!(check_new_password("river morning lantern"), Ok(()));
    }
}
