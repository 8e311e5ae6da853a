//! Shared UI: the page layout, the language switch, error pages, form helpers.

mod error_page;
mod form;
mod layout;
mod page;

pub use error_page::{ErrorPage, NotFoundPage, ProblemPage};
pub use form::{FormError, SavedNotice, decode_error, refusal_for};
pub use layout::{Layout, ViewerResource};
pub use page::{ListTable, id_param, page_data, resource_by_id};
