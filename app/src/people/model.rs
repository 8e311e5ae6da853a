//! Shared types and rules of people and access.

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::Lang;

/// What a staff member may do. A person may hold several roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Users, roles, facilities, reports, backups.
    Admin,
    /// Beds, the nightly roll call, children leaving and returning.
    HouseStaff,
    /// Meal counts, menus, what was served.
    Canteen,
    /// Families, who may visit whom, visit and home-stay approvals.
    SocialTeam,
    /// Their evening classes and tonight's attendance.
    Tutor,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::HouseStaff,
        Role::Canteen,
        Role::SocialTeam,
        Role::Tutor,
    ];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::HouseStaff => "house_staff",
            Role::Canteen => "canteen",
            Role::SocialTeam => "social_team",
            Role::Tutor => "tutor",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }
}

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
}

impl Login {
    /// Parses a login as typed.
    pub fn parse(input: &str) -> Result<Login, CredentialProblem> {
        let login = input.trim().to_lowercase();
        if !(3..=32).contains(&login.chars().count()) {
            return Err(CredentialProblem::LoginLength);
        }
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
        if !login.chars().all(allowed) {
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

/// Checks a new password's length, counted in characters (Khmer passwords count fairly).
pub fn check_new_password(password: &str) -> Result<(), CredentialProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(CredentialProblem::PasswordTooShort)
    } else if chars > MAX_PASSWORD_CHARS {
        Err(CredentialProblem::PasswordTooLong)
    } else {
        Ok(())
    }
}

/// The signed-in staff member, as server functions and the shell see them. No secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentStaff {
    /// `staff_user.id`.
    pub id: i64,
    /// Their login.
    pub login: String,
    /// Their name.
    pub display_name: String,
    /// The language their pages open in.
    pub language: Lang,
    /// What they may do.
    pub roles: Vec<Role>,
}

/// Lets `current` through if they hold one of the `allowed` roles: no session is 401,
/// the wrong role 403. Every server function starts with this check (through `require`).
pub fn authorize(
    current: Option<CurrentStaff>,
    allowed: &[Role],
) -> Result<CurrentStaff, AppError> {
    let staff = current.ok_or(AppError::Unauthorized)?;
    if staff.roles.iter().any(|role| allowed.contains(role)) {
        Ok(staff)
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(roles: &[Role]) -> CurrentStaff {
        CurrentStaff {
            id: 1,
            login: "sokha".into(),
            display_name: "Sokha".into(),
            language: Lang::Km,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn no_session_is_401_and_the_wrong_role_403() {
        assert_eq!(authorize(None, &[Role::Admin]), Err(AppError::Unauthorized));
        assert_eq!(
            authorize(
                Some(staff(&[Role::Tutor])),
                &[Role::Admin, Role::HouseStaff]
            ),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            authorize(Some(staff(&[])), &[Role::Admin]),
            Err(AppError::Forbidden)
        );
        let tutor_and_staff = staff(&[Role::Tutor, Role::HouseStaff]);
        assert_eq!(
            authorize(Some(tutor_and_staff.clone()), &[Role::HouseStaff]),
            Ok(tutor_and_staff)
        );
    }

    #[test]
    fn roles_round_trip_through_their_stored_codes() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("director"), None);
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
}
