//! Evening homework classes: the timetable, enrolment (places and clashes held by the
//! schema), tonight's sessions and attendance in a few taps, absence flags and rates.

pub mod api;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod history;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod routes;
