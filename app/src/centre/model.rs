//! Shared types of the centre domain.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::base::i18n::{I18n, Key, Lang};

/// What a facility is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FacilityKind {
    /// Children aged 5-16 taken in because they are in danger in their families.
    BoardingSchool,
    /// Older pupils and students who could not afford to live near their schools.
    Residence,
    /// Holiday camps that fill the empty beds.
    Camp,
}

impl FacilityKind {
    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            FacilityKind::BoardingSchool => "boarding_school",
            FacilityKind::Residence => "residence",
            FacilityKind::Camp => "camp",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Self> {
        [
            FacilityKind::BoardingSchool,
            FacilityKind::Residence,
            FacilityKind::Camp,
        ]
        .into_iter()
        .find(|kind| kind.code() == code)
    }

    /// Its translated label.
    pub const fn label(self) -> Key {
        match self {
            FacilityKind::BoardingSchool => Key::FacilityKindBoardingSchool,
            FacilityKind::Residence => Key::FacilityKindResidence,
            FacilityKind::Camp => Key::FacilityKindCamp,
        }
    }
}

/// A name as the centre writes it: in Khmer script and in Latin letters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Name {
    /// In Khmer script.
    pub khmer: String,
    /// In Latin letters.
    pub latin: String,
}

impl Name {
    /// The form to show in `lang`: Khmer script to Khmer readers, Latin letters to others.
    pub fn in_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::Km => &self.khmer,
            Lang::En | Lang::Fr => &self.latin,
        }
    }
}

/// One facility of the centre.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facility {
    pub id: i64,
    /// What it is for.
    pub kind: FacilityKind,
    pub name: Name,
    /// How many children or students it is meant to house.
    pub capacity: i64,
}

/// The centre and its facilities, for the shell and the home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreSummary {
    /// The centre's name.
    pub name: Name,
    /// Its facilities, boarding school first.
    pub facilities: Vec<Facility>,
    /// Today's date at the centre, from the server's clock.
    pub today: NaiveDate,
}

impl Facility {
    /// "160 places", in the reader's language and digits.
    pub fn places(&self, i18n: I18n) -> String {
        i18n.fmt(Key::HomePlaces, &[("count", &i18n.num(self.capacity))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facility_kinds_round_trip_through_their_stored_codes() {
        for kind in [
            FacilityKind::BoardingSchool,
            FacilityKind::Residence,
            FacilityKind::Camp,
        ] {
            assert_eq!(FacilityKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(FacilityKind::parse("hotel"), None);
    }

    #[test]
    fn names_show_khmer_script_to_khmer_readers_only() {
        let name = Name {
            khmer: "មជ្ឈមណ្ឌលភ្នំពេញ".into(),
            latin: "Phnom Penh centre".into(),
        };
        assert_eq!(name.in_lang(Lang::Km), "មជ្ឈមណ្ឌលភ្នំពេញ");
        assert_eq!(name.in_lang(Lang::Fr), "Phnom Penh centre");
    }
}
