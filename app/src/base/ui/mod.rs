//! Shared UI pieces every domain's pages use: error pages, form helpers, page data, and the
//! islands every domain may use (background marks, a search that follows the typing).

mod error_page;
mod form;
mod marks;
mod offline;
mod page;
mod scripts;
mod search;

pub use error_page::{ErrorPage, NotFoundPage, ProblemPage};
pub use form::{FormError, SavedNotice, decode_error, refusal_for};
pub use marks::{MarkSender, Marked, MarkedRow, Marker, SendTexts, SendWords};
pub use offline::OfflineCopy;
pub use page::{ListTable, id_param, page_data, resource_by_id};
pub use scripts::{IslandScripts, Scripts, live_root, use_islands};
pub use search::LiveSearch;
