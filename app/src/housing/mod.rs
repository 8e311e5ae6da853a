//! Rooms and beds (facility > building > room > bed) and who sleeps in each: allocations,
//! moves, releases, the building plan, free-bed suggestions and occupancy.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod routes;
