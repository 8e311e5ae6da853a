//! The pages that show several domains.

mod family;
mod resident;

pub use family::FamilyPage;
pub use resident::ResidentPage;
