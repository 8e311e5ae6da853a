//! Rooms and beds (facility > building > room > bed) and who sleeps in each: allocations,
//! moves, releases, the building plan, free-bed suggestions and occupancy.

#[cfg(feature = "ssr")]
pub mod allocate;
pub mod api;
#[cfg(feature = "ssr")]
pub mod manage;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
