//! The shared base: what every domain stands on, importing none of them.

pub mod access;
#[cfg(feature = "ssr")]
pub mod audit;
pub mod changes;
pub mod clock;
pub mod cookies;
#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod download;
pub mod error;
pub mod fields;
#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod hub;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod session;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod write;
