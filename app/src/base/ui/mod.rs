//! Shared UI pieces every domain's pages use: error pages, form helpers, page data.

mod error_page;
mod form;
mod page;

pub use error_page::{ErrorPage, NotFoundPage, ProblemPage};
pub use form::{FormError, SavedNotice, decode_error, refusal_for};
pub use page::{ListTable, id_param, page_data, resource_by_id};
