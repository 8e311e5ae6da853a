//! Family visits: a family's contacts and children, who may visit whom (decided by the social
//! team, with its history), visit days with slots and places, bookings from the family portal
//! or by staff, the approval and review queue, the gate, and home stays.

pub mod api;
pub mod gate;
pub mod model;
pub mod pages;
pub mod portal;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod routes;
