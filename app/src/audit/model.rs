//! Shared types of the audit log.

use serde::{Deserialize, Serialize};

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
