//! The family portal: what a signed-in family sees of its children and visits, its bookings,
//! and booking, moving or cancelling a visit under the rules, from a cheap phone.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
