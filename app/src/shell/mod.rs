//! The shell around every page: the layout (top bar, navigation, language switch) and the
//! pieces that compose several domains.

mod language;
mod layout;
mod offline;

pub use language::{SetLanguage, set_language};
pub use layout::{Layout, ViewerResource};
pub use offline::OfflinePage;
