//! Nightly backups: the server copies its database every night at a set time into a backup
//! folder, keeps two weeks of nightly and a year of monthly copies, reads each copy back
//! whole, and records the outcome; the admin sees it on the dashboard (an alert when the
//! last one failed or a night went by without one) and on `/admin/backups`. `server
//! restore PATH` puts a copy back ([`copies::restore`]).

pub mod api;
#[cfg(feature = "ssr")]
pub mod copies;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod routes;
