//! The gate and home stays. At the gate, on a tablet: today's visits, checking visitors in
//! (each one's permission shown large) and out, walk-ins when permitted and places remain, and
//! a barred person stopped, the attempt audited. Home stays: the social team approves a child
//! going home with a named contact; staff record the handover and the return. The approved
//! stay is an absence in presence, so the roll call and the meal counts follow it.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod repo;
