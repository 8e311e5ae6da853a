//! People and access: staff accounts and their roles (families and sessions come with the
//! people-and-access issue).

#[cfg(feature = "ssr")]
pub mod accounts;
pub mod model;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod repo;
