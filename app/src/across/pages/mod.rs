//! The pages that show several domains.

mod camp_beds;
mod family;
mod resident;

pub use camp_beds::{CampBedsPage, LendBedPage};
pub use family::FamilyPage;
pub use resident::ResidentPage;
