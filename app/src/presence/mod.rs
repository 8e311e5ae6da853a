//! Presence: who is at the centre at a moment (a bed then, not away), absences and
//! returns, the nightly roll call per building, and missing-resident alerts.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod routes;
#[cfg(test)]
mod tests;
