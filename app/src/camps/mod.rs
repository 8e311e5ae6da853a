//! Holiday camps: camps at the centre's facilities with their groups, monitors and programme;
//! campers (entered once, whatever the number of camps) and the guardians who may collect
//! them; places held to the camp's places and age band by the schema; and a group's day on a
//! monitor's phone: check-in in one tap, then pick-up only by a guardian named for the child.

pub mod api;
pub mod import;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod routes;
