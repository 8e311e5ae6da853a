//! The web server: configuration, start-up, the HTTP router and the command-line tasks.

pub mod config;
pub mod listen;
pub mod offline;
pub mod routes;
pub mod security;
pub mod tasks;

pub use routes::router;
