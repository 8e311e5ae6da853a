//! The dashboard: the centre today at a glance, for each staff role, kept up to date live.

pub mod api;
pub mod charts;
#[cfg(feature = "hydrate")]
mod client;
#[cfg(feature = "ssr")]
pub mod live;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod routes;
