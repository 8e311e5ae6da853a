//! Shared UI: the page layout, the language switch, error pages.

mod error_page;
mod layout;

pub use error_page::{ErrorPage, NotFoundPage};
pub use layout::Layout;
