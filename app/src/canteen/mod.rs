//! The canteen: meal counts from presence with extra heads, the forecast and its cut-off,
//! served records, menus and recipes, the shopping list and the kitchen sheet.

pub mod api;
#[cfg(feature = "ssr")]
pub mod counts;
#[cfg(feature = "ssr")]
pub mod export;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod routes;
