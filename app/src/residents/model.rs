//! Shared types and rules of residents: who they are, what they eat, who may read what.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::base::error::AppError;
use crate::base::fields::parse_date;
use crate::base::i18n::Key;

mod history;
pub use history::HISTORY_FIELDS;

/// Girls and boys sleep in separate rooms; the database holds that rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// A girl or young woman.
    Female,
    /// A boy or young man.
    Male,
}

impl Sex {
    /// Both, girls first.
    pub const ALL: [Sex; 2] = [Sex::Female, Sex::Male];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Sex::Female => "f",
            Sex::Male => "m",
        }
    }

    /// Reads the stored value (or a spreadsheet's: `f`, `m`, `girl`, `boy`, in Khmer too).
    pub fn parse(input: &str) -> Option<Sex> {
        match input.trim().to_lowercase().as_str() {
            "f" | "female" | "girl" | "g" | "ស្រី" | "fille" => Some(Sex::Female),
            "m" | "male" | "boy" | "b" | "ប្រុស" | "garçon" | "garcon" => {
                Some(Sex::Male)
            }
            _ => None,
        }
    }

    /// "Girl" or "Boy".
    pub const fn label(self) -> Key {
        match self {
            Sex::Female => Key::SexFemale,
            Sex::Male => Key::SexMale,
        }
    }

    /// "Girls' room" or "Boys' room".
    pub const fn rooms_label(self) -> Key {
        match self {
            Sex::Female => Key::RoomGirls,
            Sex::Male => Key::RoomBoys,
        }
    }
}

/// Which programme a resident is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Programme {
    /// The boarding school, children aged 5-16.
    BoardingSchool,
    /// The student residences.
    Residence,
}

impl Programme {
    /// Both.
    pub const ALL: [Programme; 2] = [Programme::BoardingSchool, Programme::Residence];

    /// The value stored in the database (the same as the facility kind's).
    pub const fn code(self) -> &'static str {
        match self {
            Programme::BoardingSchool => "boarding_school",
            Programme::Residence => "residence",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Programme> {
        match code.trim().to_lowercase().as_str() {
            "boarding_school" | "boarding school" | "school" => Some(Programme::BoardingSchool),
            "residence" | "residences" => Some(Programme::Residence),
            _ => None,
        }
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            Programme::BoardingSchool => Key::FacilityKindBoardingSchool,
            Programme::Residence => Key::FacilityKindResidence,
        }
    }
}

/// What a resident eats; the canteen counts meals by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Diet {
    /// The usual meal.
    Normal,
    /// No meat or fish.
    Vegetarian,
    /// Soft food (a medical diet).
    Soft,
    /// Low sugar (a medical diet).
    Diabetic,
    /// Low salt (a medical diet).
    LowSalt,
}

impl Diet {
    /// Every diet.
    pub const ALL: [Diet; 5] = [
        Diet::Normal,
        Diet::Vegetarian,
        Diet::Soft,
        Diet::Diabetic,
        Diet::LowSalt,
    ];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Diet::Normal => "normal",
            Diet::Vegetarian => "vegetarian",
            Diet::Soft => "soft",
            Diet::Diabetic => "diabetic",
            Diet::LowSalt => "low_salt",
        }
    }

    /// Reads the stored value; an empty cell is the usual meal.
    pub fn parse(code: &str) -> Option<Diet> {
        let code = code.trim().to_lowercase().replace(' ', "_");
        if code.is_empty() {
            return Some(Diet::Normal);
        }
        Diet::ALL.into_iter().find(|diet| diet.code() == code)
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            Diet::Normal => Key::DietNormal,
            Diet::Vegetarian => Key::DietVegetarian,
            Diet::Soft => Key::DietSoft,
            Diet::Diabetic => Key::DietDiabetic,
            Diet::LowSalt => Key::DietLowSalt,
        }
    }
}

/// A food a resident must not eat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Allergen {
    Peanut,
    Fish,
    /// Shrimp, crab and other shellfish.
    Shellfish,
    Egg,
    Milk,
    Soy,
    /// Wheat (gluten).
    Wheat,
}

impl Allergen {
    /// Every allergen the canteen tracks.
    pub const ALL: [Allergen; 7] = [
        Allergen::Peanut,
        Allergen::Fish,
        Allergen::Shellfish,
        Allergen::Egg,
        Allergen::Milk,
        Allergen::Soy,
        Allergen::Wheat,
    ];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Allergen::Peanut => "peanut",
            Allergen::Fish => "fish",
            Allergen::Shellfish => "shellfish",
            Allergen::Egg => "egg",
            Allergen::Milk => "milk",
            Allergen::Soy => "soy",
            Allergen::Wheat => "wheat",
        }
    }

    /// Reads one stored value.
    pub fn parse(code: &str) -> Option<Allergen> {
        let code = code.trim().to_lowercase();
        Allergen::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            Allergen::Peanut => Key::AllergenPeanut,
            Allergen::Fish => Key::AllergenFish,
            Allergen::Shellfish => Key::AllergenShellfish,
            Allergen::Egg => Key::AllergenEgg,
            Allergen::Milk => Key::AllergenMilk,
            Allergen::Soy => Key::AllergenSoy,
            Allergen::Wheat => Key::AllergenWheat,
        }
    }

    /// The stored form of a set: sorted, unique codes joined by commas.
    pub fn join(allergens: &[Allergen]) -> String {
        let mut sorted = allergens.to_vec();
        sorted.sort();
        sorted.dedup();
        sorted
            .iter()
            .map(|a| a.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads a list separated by commas, semicolons or spaces; `None` if one is unknown.
    pub fn split(list: &str) -> Option<Vec<Allergen>> {
        let mut out = list
            .split([',', ';', ' ', '/'])
            .filter(|part| !part.trim().is_empty())
            .map(Allergen::parse)
            .collect::<Option<Vec<_>>>()?;
        out.sort();
        out.dedup();
        Some(out)
    }
}

/// A resident's age in whole years on `day`.
pub fn age_on(born_on: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - born_on.year();
    if (day.month(), day.day()) < (born_on.month(), born_on.day()) {
        age -= 1;
    }
    age
}

/// One line of the residents list: what every staff role may read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentRow {
    pub id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// Girl or boy.
    pub sex: Sex,
    /// Date of birth.
    pub born_on: NaiveDate,
    /// Age today at the centre, worked out on the server (the browser has no clock here).
    pub age: i32,
    /// Boarding school or residence.
    pub programme: Programme,
    /// Where they sleep now: "Building A · Room 3 · Bed 2", if anywhere.
    pub bed: Option<String>,
    /// The day they left, if they have.
    pub left_on: Option<NaiveDate>,
}

/// A resident's record, as the caller's role may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentRecord {
    pub id: i64,
    /// What to call them and when they came.
    pub fields: ResidentFields,
    /// The day they left and why, if they have.
    pub left: Option<(NaiveDate, String)>,
    /// The medical note: only for house staff and admin, otherwise never sent.
    pub medical_note: Option<String>,
    /// The safeguarding note: only for the social team and admin, otherwise never sent.
    pub safeguarding_note: Option<String>,
    /// Brothers and sisters at the centre.
    pub siblings: Vec<ResidentRow>,
}

/// What a staff member's roles let them read on a resident's page: each role what its work
/// needs, and the rest never leaves the server. Everyone reads names and presence (whether a
/// child is away, and why in one word).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sight {
    /// Bed history and brothers and sisters: house staff, the social team, admin.
    pub housing: bool,
    /// The free-text notes of absences, which name relatives: the same roles.
    pub absence_notes: bool,
    /// Diet and allergies: the canteen, house staff, the social team, admin.
    pub diet: bool,
    /// The medical note: house staff and admin.
    pub medical: bool,
    /// The safeguarding note: the social team and admin.
    pub safeguarding: bool,
}

impl Sight {
    /// What someone holding the roles `has` says yes to may read.
    pub fn of(has: impl Fn(crate::base::access::Role) -> bool) -> Sight {
        use crate::base::access::Role;
        let house = has(Role::HouseStaff) || has(Role::Admin);
        let social = has(Role::SocialTeam) || has(Role::Admin);
        Sight {
            housing: house || social,
            absence_notes: house || social,
            diet: house || social || has(Role::Canteen),
            medical: house,
            safeguarding: social,
        }
    }
}

/// What house staff type in for a resident (and a CSV row holds).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentFields {
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// Girl or boy.
    pub sex: Sex,
    /// Date of birth.
    pub born_on: NaiveDate,
    /// School grade, as the school writes it ("7", "University Y2").
    pub grade: String,
    /// Boarding school or residence.
    pub programme: Programme,
    /// The day they came.
    pub admitted_on: NaiveDate,
    /// What they eat.
    pub diet: Diet,
    /// What they must not eat.
    pub allergies: Vec<Allergen>,
}

/// Why resident details are refused; each names its form field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResidentProblem {
    /// The Khmer-script name is empty, too long, or has no Khmer letter.
    NameKhmer,
    /// The Latin-letters name is empty or too long.
    NameLatin,
    /// Neither girl nor boy.
    Sex,
    /// Not a date, or in the future, or too long ago.
    BornOn,
    /// The grade is longer than 20 characters.
    Grade,
    /// Neither boarding school nor residence.
    Programme,
    /// Not a date, or before birth, or in the future.
    AdmittedOn,
    /// An unknown diet.
    Diet,
    /// An unknown allergen.
    Allergies,
    /// A note longer than 2,000 characters.
    Note,
    /// The leaving date is missing, before admission or in the future.
    LeftOn,
    /// The leaving reason is empty or longer than 200 characters.
    LeavingReason,
    /// Another resident has this name and date of birth.
    Duplicate,
}

impl ResidentProblem {
    /// The form field at fault.
    pub const fn field(self) -> &'static str {
        match self {
            ResidentProblem::NameKhmer => "name_km",
            ResidentProblem::NameLatin | ResidentProblem::Duplicate => "name_latin",
            ResidentProblem::Sex => "sex",
            ResidentProblem::BornOn => "born_on",
            ResidentProblem::Grade => "grade",
            ResidentProblem::Programme => "programme",
            ResidentProblem::AdmittedOn => "admitted_on",
            ResidentProblem::Diet => "diet",
            ResidentProblem::Allergies => "allergies",
            ResidentProblem::Note => "note",
            ResidentProblem::LeftOn => "left_on",
            ResidentProblem::LeavingReason => "leaving_reason",
        }
    }

    /// What the user is told.
    pub const fn message(self) -> Key {
        match self {
            ResidentProblem::NameKhmer => Key::ProblemNameKhmer,
            ResidentProblem::NameLatin => Key::ProblemNameLatin,
            ResidentProblem::Sex => Key::ProblemSex,
            ResidentProblem::BornOn => Key::ProblemBornOn,
            ResidentProblem::Grade => Key::ProblemGrade,
            ResidentProblem::Programme => Key::ProblemProgramme,
            ResidentProblem::AdmittedOn => Key::ProblemAdmittedOn,
            ResidentProblem::Diet => Key::ProblemDiet,
            ResidentProblem::Allergies => Key::ProblemAllergies,
            ResidentProblem::Note => Key::ProblemNote,
            ResidentProblem::LeftOn => Key::ProblemLeftOn,
            ResidentProblem::LeavingReason => Key::ProblemLeavingReason,
            ResidentProblem::Duplicate => Key::ProblemResidentDuplicate,
        }
    }
}

impl From<ResidentProblem> for AppError {
    fn from(problem: ResidentProblem) -> Self {
        AppError::Validation {
            field: problem.field().into(),
            message: problem.message(),
        }
    }
}

/// Residents are 3 to 30 years old on admission; anything else is a typing mistake.
const AGE_ON_ADMISSION: std::ops::RangeInclusive<i32> = 3..=30;

/// A trimmed name of 1 to 100 characters.
fn name(input: &str) -> Option<String> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    (1..=100).contains(&name.chars().count()).then_some(name)
}

/// Whether `text` has a Khmer letter: U+1780 to U+17FF (and U+19E0 to U+19FF for symbols).
pub fn has_khmer(text: &str) -> bool {
    text.chars()
        .any(|c| ('\u{1780}'..='\u{17FF}').contains(&c) || ('\u{19E0}'..='\u{19FF}').contains(&c))
}

/// The text of a resident form or CSV row, before it is checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResidentInput {
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// `f` or `m` (and a few spellings).
    pub sex: String,
    /// Date of birth.
    pub born_on: String,
    /// School grade.
    pub grade: String,
    /// `boarding_school` or `residence`.
    pub programme: String,
    /// Admission date.
    pub admitted_on: String,
    /// A diet code.
    pub diet: String,
    /// Allergen codes separated by commas.
    pub allergies: String,
}

/// Checks a resident's details on `today`; every problem, in form order.
pub fn check_resident(
    input: &ResidentInput,
    today: NaiveDate,
) -> Result<ResidentFields, Vec<ResidentProblem>> {
    let mut problems = Vec::new();
    let name_km = name(&input.name_km).filter(|n| has_khmer(n));
    if name_km.is_none() {
        problems.push(ResidentProblem::NameKhmer);
    }
    let name_latin = name(&input.name_latin);
    if name_latin.is_none() {
        problems.push(ResidentProblem::NameLatin);
    }
    let sex = Sex::parse(&input.sex);
    if sex.is_none() {
        problems.push(ResidentProblem::Sex);
    }
    let born_on =
        parse_date(&input.born_on).filter(|born| *born <= today && age_on(*born, today) <= 40);
    if born_on.is_none() {
        problems.push(ResidentProblem::BornOn);
    }
    let grade = input.grade.trim().to_owned();
    if grade.chars().count() > 20 {
        problems.push(ResidentProblem::Grade);
    }
    let programme = Programme::parse(&input.programme);
    if programme.is_none() {
        problems.push(ResidentProblem::Programme);
    }
    let admitted_on = parse_date(&input.admitted_on).filter(|admitted| {
        *admitted <= today
            && born_on.is_none_or(|born| AGE_ON_ADMISSION.contains(&age_on(born, *admitted)))
    });
    if admitted_on.is_none() {
        problems.push(ResidentProblem::AdmittedOn);
    }
    let diet = Diet::parse(&input.diet);
    if diet.is_none() {
        problems.push(ResidentProblem::Diet);
    }
    let allergies = Allergen::split(&input.allergies);
    if allergies.is_none() {
        problems.push(ResidentProblem::Allergies);
    }
    match (
        name_km,
        name_latin,
        sex,
        born_on,
        programme,
        admitted_on,
        diet,
        allergies,
    ) {
        (
            Some(name_km),
            Some(name_latin),
            Some(sex),
            Some(born_on),
            Some(programme),
            Some(admitted_on),
            Some(diet),
            Some(allergies),
        ) if problems.is_empty() => Ok(ResidentFields {
            name_km,
            name_latin,
            sex,
            born_on,
            grade,
            programme,
            admitted_on,
            diet,
            allergies,
        }),
        _ => Err(problems),
    }
}

/// Which of a resident's notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    /// Read and written by house staff and admin only.
    Medical,
    /// Read and written by the social team and admin only.
    Safeguarding,
}

/// Checks a note (medical or safeguarding): at most 2,000 characters, trimmed.
pub fn check_note(note: &str) -> Result<String, ResidentProblem> {
    let note = note.trim();
    if note.chars().count() > 2000 {
        return Err(ResidentProblem::Note);
    }
    Ok(note.to_owned())
}

/// Checks a departure: a date between admission and today, and a reason.
pub fn check_leaving(
    left_on: &str,
    reason: &str,
    admitted_on: NaiveDate,
    today: NaiveDate,
) -> Result<(NaiveDate, String), ResidentProblem> {
    let left_on = parse_date(left_on)
        .filter(|day| *day >= admitted_on && *day <= today)
        .ok_or(ResidentProblem::LeftOn)?;
    let reason = reason.trim();
    if !(1..=200).contains(&reason.chars().count()) {
        return Err(ResidentProblem::LeavingReason);
    }
    Ok((left_on, reason.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_reads_what_its_work_needs() {
        use crate::base::access::Role;
        let only = |role: Role| Sight::of(move |r| r == role);
        let tutor = only(Role::Tutor);
        assert_eq!(tutor, Sight::default(), "a tutor: names and presence only");
        let canteen = only(Role::Canteen);
        assert!(canteen.diet && !canteen.housing && !canteen.absence_notes && !canteen.medical);
        let house = only(Role::HouseStaff);
        assert!(house.housing && house.absence_notes && house.diet && house.medical);
        assert!(!house.safeguarding);
        let social = only(Role::SocialTeam);
        assert!(social.housing && social.absence_notes && social.safeguarding && !social.medical);
        let admin = only(Role::Admin);
        assert!(admin.housing && admin.absence_notes && admin.diet && admin.medical);
        assert!(admin.safeguarding);
        // Roles add up.
        let both = Sight::of(|r| matches!(r, Role::Tutor | Role::Canteen));
        assert_eq!(both, canteen);
    }

    fn day(text: &str) -> NaiveDate {
        parse_date(text).expect("a date")
    }

    fn input() -> ResidentInput {
        ResidentInput {
            name_km: "សុខ ស្រីមុំ".into(),
            name_latin: "  Sok   Sreymom ".into(),
            sex: "f".into(),
            born_on: "2015-03-09".into(),
            grade: "5".into(),
            programme: "boarding_school".into(),
            admitted_on: "2022-06-01".into(),
            diet: "".into(),
            allergies: "fish, peanut".into(),
        }
    }

    #[test]
    fn age_counts_whole_years_and_turns_on_the_birthday() {
        let born = day("2015-03-09");
        assert_eq!(age_on(born, day("2025-03-08")), 9);
        assert_eq!(age_on(born, day("2025-03-09")), 10);
        // Born on 29 February: a year older on 1 March in other years.
        let leap = day("2012-02-29");
        assert_eq!(age_on(leap, day("2013-02-28")), 0);
        assert_eq!(age_on(leap, day("2013-03-01")), 1);
    }

    #[test]
    fn good_details_are_tidied_and_accepted() {
        let fields = check_resident(&input(), day("2026-11-22")).expect("valid");
        assert_eq!(fields.name_latin, "Sok Sreymom");
        assert_eq!(fields.sex, Sex::Female);
        assert_eq!(fields.diet, Diet::Normal);
        assert_eq!(fields.allergies, vec![Allergen::Peanut, Allergen::Fish]);
    }

    #[test]
    fn every_problem_is_reported_at_once_in_form_order() {
        let bad = ResidentInput {
            name_km: "Sok".into(),
            name_latin: "".into(),
            sex: "x".into(),
            born_on: "2030-01-01".into(),
            grade: "x".repeat(21),
            programme: "hotel".into(),
            admitted_on: "yesterday".into(),
            diet: "carnivore".into(),
            allergies: "fish, cats".into(),
        };
        assert_eq!(
            check_resident(&bad, day("2026-11-22")),
            Err(vec![
                ResidentProblem::NameKhmer,
                ResidentProblem::NameLatin,
                ResidentProblem::Sex,
                ResidentProblem::BornOn,
                ResidentProblem::Grade,
                ResidentProblem::Programme,
                ResidentProblem::AdmittedOn,
                ResidentProblem::Diet,
                ResidentProblem::Allergies,
            ])
        );
    }

    #[test]
    fn admission_before_the_third_birthday_or_in_the_future_is_refused() {
        let mut early = input();
        early.admitted_on = "2016-01-01".into();
        assert_eq!(
            check_resident(&early, day("2026-11-22")),
            Err(vec![ResidentProblem::AdmittedOn])
        );
        let mut later = input();
        later.admitted_on = "2026-11-23".into();
        assert!(check_resident(&later, day("2026-11-22")).is_err());
    }

    #[test]
    fn allergen_sets_are_stored_sorted_and_unique() {
        let set = Allergen::split("milk;fish fish").expect("known");
        assert_eq!(Allergen::join(&set), "fish,milk");
        assert_eq!(Allergen::split(""), Some(vec![]));
        assert_eq!(Allergen::split("fish,cat"), None);
    }

    #[test]
    fn a_departure_needs_a_date_after_admission_and_a_reason() {
        let admitted = day("2022-06-01");
        let today = day("2026-11-22");
        assert!(check_leaving("2026-11-20", "Went home to her aunt", admitted, today).is_ok());
        assert_eq!(
            check_leaving("2021-01-01", "x", admitted, today),
            Err(ResidentProblem::LeftOn)
        );
        assert_eq!(
            check_leaving("2026-11-20", "  ", admitted, today),
            Err(ResidentProblem::LeavingReason)
        );
    }

    #[test]
    fn sex_reads_spreadsheet_spellings_in_three_languages() {
        assert_eq!(Sex::parse("Girl"), Some(Sex::Female));
        assert_eq!(Sex::parse("ប្រុស"), Some(Sex::Male));
        assert_eq!(Sex::parse("?"), None);
    }
}
