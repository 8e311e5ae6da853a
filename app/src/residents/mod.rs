//! Residents: the children of the boarding school and the students of the residences, who
//! they are, what they eat, their notes, their siblings, and when they leave.

pub mod api;
pub mod import;
#[cfg(feature = "hydrate")]
mod import_client;
pub mod import_pages;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod routes;
