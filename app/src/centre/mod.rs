//! The centre itself and its facilities (boarding school, student residences, camps).

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
