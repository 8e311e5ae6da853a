//! People and access: staff accounts and roles, sessions, and the guard every server
//! function starts with (family accounts come with the rest of the people-and-access issue).

#[cfg(feature = "ssr")]
pub mod accounts;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod model;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod session;
