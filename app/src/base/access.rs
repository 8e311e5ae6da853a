//! Who is on the other end: staff and their roles, families, the viewer of a request, and
//! who a change is by in the audit log. Every server function's guard reads these.

use serde::{Deserialize, Serialize};

use super::error::AppError;
use super::i18n::Lang;

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
    /// Camp staff and volunteers: the children of their own camp groups, their check-in and
    /// pick-up. Nothing of the residents.
    Monitor,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::HouseStaff,
        Role::Canteen,
        Role::SocialTeam,
        Role::Tutor,
        Role::Monitor,
    ];

    /// The centre's own staff: every role but the camps' monitors, who see nothing of the
    /// residents, beds or roll calls.
    pub const CENTRE: [Role; 5] = [
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
            Role::Monitor => "monitor",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }
}

/// The signed-in staff member, as server functions and the shell see them. No secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentStaff {
    /// `staff_user.id`.
    pub id: i64,
    pub login: String,
    pub display_name: String,
    /// The language their pages open in.
    pub language: Lang,
    /// What they may do.
    pub roles: Vec<Role>,
}

/// The signed-in family, as server functions and the portal see it. No secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentFamily {
    /// `family.id`.
    pub id: i64,
    /// The family's name, as the social team wrote it.
    pub display_name: String,
    /// The phone number it signs in with.
    pub phone: String,
    /// The language its pages open in.
    pub language: Lang,
}

/// Whoever is signed in on a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewer {
    /// A staff member.
    Staff(CurrentStaff),
    Family(CurrentFamily),
}

impl CurrentStaff {
    /// Whether they hold this role.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Who they are in the audit log.
    pub fn actor(&self) -> Actor {
        Actor::Staff {
            id: self.id,
            login: self.login.clone(),
        }
    }
}

impl Viewer {
    /// Who they are in the audit log.
    pub fn actor(&self) -> Actor {
        match self {
            Viewer::Staff(staff) => staff.actor(),
            Viewer::Family(family) => family.actor(),
        }
    }
}

impl CurrentFamily {
    /// Who they are in the audit log.
    pub fn actor(&self) -> Actor {
        Actor::Family {
            id: self.id,
            phone: self.phone.clone(),
        }
    }
}

/// Lets a staff member through if they hold one of the `allowed` roles: no session is 401;
/// a family, or staff without the role, 403. Every staff server function starts with this
/// check (through `guard::require`).
pub fn authorize(current: Option<Viewer>, allowed: &[Role]) -> Result<CurrentStaff, AppError> {
    match current.ok_or(AppError::Unauthorized)? {
        Viewer::Staff(staff) if staff.roles.iter().any(|role| allowed.contains(role)) => Ok(staff),
        _ => Err(AppError::Forbidden),
    }
}

/// Lets a family through: no session is 401, staff 403. Every family server function starts
/// with this check (through `guard::require_family`).
pub fn authorize_family(current: Option<Viewer>) -> Result<CurrentFamily, AppError> {
    match current.ok_or(AppError::Unauthorized)? {
        Viewer::Family(family) => Ok(family),
        Viewer::Staff(_) => Err(AppError::Forbidden),
    }
}

/// Who made a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    /// A signed-in staff member: their account id and login.
    Staff {
        /// `staff_user.id`.
        id: i64,
        /// Their login at the time.
        login: String,
    },
    /// A signed-in family: its id and phone number.
    Family {
        /// The family's id.
        id: i64,
        /// Its login phone number at the time.
        phone: String,
    },
    /// A command-line task run on the server, by its name.
    System(String),
}

impl Actor {
    /// `(kind, id, label)` as stored.
    pub fn parts(&self) -> (&'static str, Option<i64>, &str) {
        match self {
            Actor::Staff { id, login } => ("staff", Some(*id), login),
            Actor::Family { id, phone } => ("family", Some(*id), phone),
            Actor::System(task) => ("system", None, task),
        }
    }
}

/// Who is writing, as every domain's writes take it: the audit identity, and the staff
/// member when it is one (a roll-call mark, a class change, a booking made by staff and a
/// handover store who did it). A family or a server task has no staff id.
#[derive(Clone, Debug)]
pub struct Writer {
    /// As the audit log names them.
    pub actor: Actor,
    /// `staff_user.id`, when staff write.
    pub staff_id: Option<i64>,
}

impl Writer {
    /// A signed-in staff member writing.
    pub fn staff(staff: &CurrentStaff) -> Self {
        Self {
            actor: staff.actor(),
            staff_id: Some(staff.id),
        }
    }

    /// A signed-in family writing.
    pub fn family(family: &CurrentFamily) -> Self {
        Self {
            actor: family.actor(),
            staff_id: None,
        }
    }

    /// The server itself writing (a task, the command line, the demo seed), named `label`.
    pub fn system(label: &str) -> Self {
        Self {
            actor: Actor::System(label.into()),
            staff_id: None,
        }
    }

    /// The staff member, for a write only staff may make: anyone else is refused (403).
    pub fn staff_member(&self) -> Result<i64, AppError> {
        self.staff_id.ok_or(AppError::Forbidden)
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

    fn family() -> CurrentFamily {
        CurrentFamily {
            id: 7,
            display_name: "Family Chan".into(),
            phone: "012345678".into(),
            language: Lang::Km,
        }
    }

    #[test]
    fn no_session_is_401_and_the_wrong_role_403() {
        let as_staff = |roles: &[Role]| Some(Viewer::Staff(staff(roles)));
        assert_eq!(authorize(None, &[Role::Admin]), Err(AppError::Unauthorized));
        assert_eq!(
            authorize(as_staff(&[Role::Tutor]), &[Role::Admin, Role::HouseStaff]),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            authorize(as_staff(&[]), &[Role::Admin]),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            authorize(Some(Viewer::Family(family())), &Role::ALL),
            Err(AppError::Forbidden),
            "a family holds no staff role"
        );
        let tutor_and_staff = staff(&[Role::Tutor, Role::HouseStaff]);
        assert_eq!(
            authorize(
                Some(Viewer::Staff(tutor_and_staff.clone())),
                &[Role::HouseStaff]
            ),
            Ok(tutor_and_staff)
        );
    }

    #[test]
    fn only_a_family_passes_the_family_guard() {
        assert_eq!(authorize_family(None), Err(AppError::Unauthorized));
        assert_eq!(
            authorize_family(Some(Viewer::Staff(staff(&Role::ALL)))),
            Err(AppError::Forbidden),
            "not even an admin is a family"
        );
        assert_eq!(
            authorize_family(Some(Viewer::Family(family()))),
            Ok(family())
        );
    }

    #[test]
    fn roles_round_trip_through_their_stored_codes() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("director"), None);
    }
}
