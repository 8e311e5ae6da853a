//! The audit log: who changed which record, when, and what it was before and after.
//! Every write to residents, beds, absences, permissions, bookings and accounts records one
//! entry through [`repo::record`], inside the transaction of the change itself. The admin
//! reads it on `/admin/audit`.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
