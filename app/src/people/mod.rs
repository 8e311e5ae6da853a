//! People and access: staff accounts and roles, family accounts, sign-in and its throttling,
//! and their pages. Sessions and the guards are the base's (`base::session`, `base::guard`).

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod signin;
