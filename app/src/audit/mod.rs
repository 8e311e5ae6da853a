//! The audit log: who changed which record, when, and what it was before and after.
//! Every write to residents, beds, absences, permissions, bookings and accounts records one
//! entry through [`repo::record`], inside the transaction of the change itself. The admin
//! reads it on `/admin/audit`; each record's page shows its own history in words
//! ([`history`]).

pub mod api;
pub mod history;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod routes;
