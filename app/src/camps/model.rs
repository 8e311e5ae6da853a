//! Shared types and rules of holiday camps: camps and their groups, campers and the guardians
//! who may collect them, places (held to the camp's places and age band), and a camp day's
//! check-in and pick-up (only by a guardian named for the child and allowed to collect).

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::base::error::AppError;
use crate::base::fields::{parse_date, time_field};
use crate::base::i18n::Key;
use crate::people::model::{Phone, Relationship};
use crate::residents::model::{Allergen, Diet, Sex, age_on, has_khmer};

mod views;
pub use views::*;

/// Whether campers go home every evening or sleep at the centre.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// Dropped off in the morning and collected in the afternoon by a named guardian.
    Day,
    /// Sleeping in beds lent while their regular occupants are away.
    Residential,
}

impl Kind {
    /// Both kinds.
    pub const ALL: [Kind; 2] = [Kind::Day, Kind::Residential];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Kind::Day => "day",
            Kind::Residential => "residential",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            Kind::Day => Key::CampKindDay,
            Kind::Residential => Key::CampKindResidential,
        }
    }
}

/// The meals a camp provides, as bits: 1 breakfast, 2 lunch, 4 dinner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meals(pub u8);

impl Meals {
    pub const BREAKFAST: u8 = 1;
    pub const LUNCH: u8 = 2;
    pub const DINNER: u8 = 4;

    /// The meals as their translated names, in the day's order.
    pub fn labels(self) -> Vec<Key> {
        [
            (Meals::BREAKFAST, Key::CampMealBreakfast),
            (Meals::LUNCH, Key::CampMealLunch),
            (Meals::DINNER, Key::CampMealDinner),
        ]
        .into_iter()
        .filter(|(bit, _)| self.0 & bit != 0)
        .map(|(_, key)| key)
        .collect()
    }
}

/// Where a camper stands on a camp day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DayStatus {
    /// Checked in this morning, on site.
    Present,
    /// Not come today.
    Absent,
    /// Collected by a guardian allowed to.
    Collected,
    /// Handed over to house staff (not collected by the end of the day).
    HandedOver,
}

impl DayStatus {
    /// Every status.
    pub const ALL: [DayStatus; 4] = [
        DayStatus::Present,
        DayStatus::Absent,
        DayStatus::Collected,
        DayStatus::HandedOver,
    ];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            DayStatus::Present => "present",
            DayStatus::Absent => "absent",
            DayStatus::Collected => "collected",
            DayStatus::HandedOver => "handed_over",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<DayStatus> {
        DayStatus::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            DayStatus::Present => Key::CampStatusPresent,
            DayStatus::Absent => Key::CampStatusAbsent,
            DayStatus::Collected => Key::CampStatusCollected,
            DayStatus::HandedOver => Key::CampStatusHandedOver,
        }
    }

    /// Whether the child is on site.
    pub const fn on_site(self) -> bool {
        matches!(self, DayStatus::Present)
    }
}

/// A camp, as staff define it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCamp {
    pub name: String,
    /// Where it runs: one of the centre's facilities.
    pub facility_id: i64,
    pub kind: Kind,
    /// Its first and last day.
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Ages on the first day, both inclusive.
    pub min_age: i32,
    pub max_age: i32,
    pub places: i64,
    pub meals: Meals,
    /// When children are collected by.
    pub day_ends_at: NaiveTime,
}

/// What a form sends for a camp.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampForm {
    pub name: String,
    pub facility_id: i64,
    pub kind: String,
    pub starts_on: String,
    pub ends_on: String,
    pub min_age: String,
    pub max_age: String,
    pub places: String,
    #[serde(default)]
    pub breakfast: Option<String>,
    #[serde(default)]
    pub lunch: Option<String>,
    #[serde(default)]
    pub dinner: Option<String>,
    pub day_ends_at: String,
}

/// Ages a camp may take, in whole years.
pub const CAMP_AGES: std::ops::RangeInclusive<i32> = 3..=25;
/// The most places a camp may have.
pub const MOST_PLACES: i64 = 1000;
/// How long a camp may last, in days.
pub const LONGEST_CAMP_DAYS: i64 = 92;

/// A short free text: trimmed, 1 to `most` characters.
fn short_text(input: &str, most: usize) -> Option<String> {
    let text = input.trim();
    (!text.is_empty() && text.chars().count() <= most).then(|| text.to_owned())
}

/// Checks a camp's form: the first problem, by field.
pub fn check_camp(form: &CampForm) -> Result<NewCamp, AppError> {
    let name = short_text(&form.name, 80).ok_or(AppError::invalid("name", Key::ProblemName))?;
    let kind = Kind::parse(&form.kind).ok_or(AppError::BadRequest)?;
    let starts_on =
        parse_date(&form.starts_on).ok_or(AppError::invalid("starts_on", Key::ProblemDate))?;
    let ends_on = parse_date(&form.ends_on)
        .filter(|end| *end >= starts_on && (*end - starts_on).num_days() < LONGEST_CAMP_DAYS)
        .ok_or(AppError::invalid("ends_on", Key::ProblemCampDates))?;
    let age = |text: &str| {
        text.trim()
            .parse::<i32>()
            .ok()
            .filter(|a| CAMP_AGES.contains(a))
    };
    let min_age = age(&form.min_age).ok_or(AppError::invalid("min_age", Key::ProblemCampAges))?;
    let max_age = age(&form.max_age)
        .filter(|max| *max >= min_age)
        .ok_or(AppError::invalid("max_age", Key::ProblemCampAges))?;
    let places = form
        .places
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| (1..=MOST_PLACES).contains(p))
        .ok_or(AppError::invalid("places", Key::ProblemCampPlaces))?;
    let bit = |ticked: &Option<String>, bit: u8| if ticked.is_some() { bit } else { 0 };
    let meals = Meals(
        bit(&form.breakfast, Meals::BREAKFAST)
            | bit(&form.lunch, Meals::LUNCH)
            | bit(&form.dinner, Meals::DINNER),
    );
    let day_ends_at = time_field(&form.day_ends_at, "day_ends_at")?;
    Ok(NewCamp {
        name,
        facility_id: form.facility_id,
        kind,
        starts_on,
        ends_on,
        min_age,
        max_age,
        places,
        meals,
        day_ends_at,
    })
}

/// A guardian as typed in: who may bring the child, and whether they may collect them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGuardian {
    pub name: String,
    /// As people's phones are kept: a Cambodian number, 0 and 8 or 9 digits.
    pub phone: String,
    pub relationship: Relationship,
    pub may_collect: bool,
}

/// A camper as typed in at registration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCamper {
    pub name_km: String,
    pub name_latin: String,
    pub sex: Sex,
    pub born_on: NaiveDate,
    pub diet: Diet,
    pub allergies: Vec<Allergen>,
    pub medical_note: String,
}

/// What the registration form sends: the child and up to two guardians.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CamperForm {
    pub name_km: String,
    pub name_latin: String,
    pub sex: String,
    pub born_on: String,
    #[serde(default)]
    pub diet: String,
    /// Ticked allergens: `camper[allergies][fish]=on`.
    #[serde(default)]
    pub allergies: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub medical_note: String,
    #[serde(default)]
    pub guardian1_name: String,
    #[serde(default)]
    pub guardian1_phone: String,
    #[serde(default)]
    pub guardian1_relationship: String,
    #[serde(default)]
    pub guardian1_may_collect: Option<String>,
    #[serde(default)]
    pub guardian2_name: String,
    #[serde(default)]
    pub guardian2_phone: String,
    #[serde(default)]
    pub guardian2_relationship: String,
    #[serde(default)]
    pub guardian2_may_collect: Option<String>,
}

/// Checks a registration on `today`: the child, and the guardians typed in (at least one who
/// may collect, for a day camp's pick-up). The first problem, by field.
pub fn check_camper(
    form: &CamperForm,
    today: NaiveDate,
) -> Result<(NewCamper, Vec<NewGuardian>), AppError> {
    let name_km = short_text(&form.name_km, 100)
        .filter(|n| has_khmer(n))
        .ok_or(AppError::invalid("name_km", Key::ProblemNameKhmer))?;
    let name_latin = short_text(&form.name_latin, 100)
        .ok_or(AppError::invalid("name_latin", Key::ProblemNameLatin))?;
    let sex = Sex::parse(&form.sex).ok_or(AppError::invalid("sex", Key::ProblemSex))?;
    let born_on = parse_date(&form.born_on)
        .filter(|born| *born <= today && CAMP_AGES.contains(&age_on(*born, today)))
        .ok_or(AppError::invalid("born_on", Key::ProblemCamperBornOn))?;
    let diet = Diet::parse(&form.diet).ok_or(AppError::invalid("diet", Key::ProblemDiet))?;
    let ticked: Vec<&str> = form.allergies.keys().map(String::as_str).collect();
    let allergies = Allergen::split(&ticked.join(","))
        .ok_or(AppError::invalid("allergies", Key::ProblemAllergies))?;
    let medical_note = form.medical_note.trim().to_owned();
    if medical_note.chars().count() > 2000 {
        return Err(AppError::invalid("medical_note", Key::ProblemNote));
    }
    let typed = [
        (
            "guardian1",
            &form.guardian1_name,
            &form.guardian1_phone,
            &form.guardian1_relationship,
            form.guardian1_may_collect.is_some(),
        ),
        (
            "guardian2",
            &form.guardian2_name,
            &form.guardian2_phone,
            &form.guardian2_relationship,
            form.guardian2_may_collect.is_some(),
        ),
    ];
    let mut guardians = Vec::new();
    for (field, name, phone, relationship, may_collect) in typed {
        if name.trim().is_empty() && phone.trim().is_empty() && field != "guardian1" {
            continue;
        }
        let guardian = check_guardian(name, phone, relationship, may_collect)
            .map_err(|message| AppError::invalid(&format!("{field}_{message}"), message.key()))?;
        if guardians
            .iter()
            .any(|g: &NewGuardian| g.phone == guardian.phone)
        {
            return Err(AppError::invalid(
                &format!("{field}_phone"),
                Key::ProblemGuardianSamePhone,
            ));
        }
        guardians.push(guardian);
    }
    if !guardians.iter().any(|g| g.may_collect) {
        return Err(AppError::invalid(
            "guardian1_may_collect",
            Key::ProblemNoCollector,
        ));
    }
    Ok((
        NewCamper {
            name_km,
            name_latin,
            sex,
            born_on,
            diet,
            allergies,
            medical_note,
        },
        guardians,
    ))
}

/// What is wrong with a guardian as typed, by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardianProblem {
    Name,
    Phone,
    Relationship,
}

impl GuardianProblem {
    /// Its translated explanation.
    pub const fn key(self) -> Key {
        match self {
            GuardianProblem::Name => Key::ProblemGuardianName,
            GuardianProblem::Phone => Key::ProblemPhone,
            GuardianProblem::Relationship => Key::ProblemRelationship,
        }
    }
}

impl std::fmt::Display for GuardianProblem {
    /// The form field's suffix.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GuardianProblem::Name => "name",
            GuardianProblem::Phone => "phone",
            GuardianProblem::Relationship => "relationship",
        })
    }
}

/// Checks one guardian as typed.
pub fn check_guardian(
    name: &str,
    phone: &str,
    relationship: &str,
    may_collect: bool,
) -> Result<NewGuardian, GuardianProblem> {
    Ok(NewGuardian {
        name: short_text(name, 100).ok_or(GuardianProblem::Name)?,
        phone: Phone::parse(phone)
            .map_err(|_| GuardianProblem::Phone)?
            .as_str()
            .to_owned(),
        relationship: Relationship::parse(relationship).ok_or(GuardianProblem::Relationship)?,
        may_collect,
    })
}

/// Why a camper cannot take a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceProblem {
    /// Every place is taken.
    Full,
    /// Too young or too old on the camp's first day.
    Age,
    /// Already in this camp.
    Already,
}

impl From<PlaceProblem> for AppError {
    fn from(problem: PlaceProblem) -> Self {
        AppError::conflict(match problem {
            PlaceProblem::Full => Key::ProblemCampFull,
            PlaceProblem::Age => Key::ProblemCampAge,
            PlaceProblem::Already => Key::ProblemCampAlready,
        })
    }
}

/// Whether a child born on `born_on` may take a place in `camp`, which has `taken` of its
/// places taken, `already` counting whether the child holds one.
pub fn check_place(
    camp: &CampRules,
    taken: i64,
    already: bool,
    born_on: NaiveDate,
) -> Result<(), PlaceProblem> {
    if already {
        return Err(PlaceProblem::Already);
    }
    let age = age_on(born_on, camp.starts_on);
    if age < camp.min_age || age > camp.max_age {
        return Err(PlaceProblem::Age);
    }
    if taken >= camp.places {
        return Err(PlaceProblem::Full);
    }
    Ok(())
}

/// What the rules of places read of a camp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampRules {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub min_age: i32,
    pub max_age: i32,
    pub places: i64,
}

/// Why a child may not leave with someone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Not among the child's guardians.
    NotNamed,
    /// Named for the child, but not allowed to collect them.
    NotAllowed,
}

impl Stop {
    /// What the monitor reads.
    pub const fn key(self) -> Key {
        match self {
            Stop::NotNamed => Key::CampStopNotNamed,
            Stop::NotAllowed => Key::CampStopNotAllowed,
        }
    }

    /// As the audit entry says it.
    pub const fn code(self) -> &'static str {
        match self {
            Stop::NotNamed => "not_named",
            Stop::NotAllowed => "not_allowed",
        }
    }
}

/// The rule of pick-up: a child leaves only with `guardian_id` if they are one of the child's
/// `guardians` and allowed to collect them.
pub fn collector(guardians: &[Guardian], guardian_id: Option<i64>) -> Result<&Guardian, Stop> {
    let guardian = guardian_id
        .and_then(|id| guardians.iter().find(|g| g.id == id))
        .ok_or(Stop::NotNamed)?;
    if guardian.may_collect {
        Ok(guardian)
    } else {
        Err(Stop::NotAllowed)
    }
}

/// Why a mark of the day cannot be made.
pub fn check_day_change(from: Option<DayStatus>, to: DayStatus) -> Result<(), AppError> {
    use DayStatus::*;
    let allowed = match (from, to) {
        // Check-in, or correcting it before the child left.
        (None | Some(Absent) | Some(Present), Present | Absent) => true,
        // Leaving: only a child on site.
        (Some(Present), Collected | HandedOver) => true,
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::conflict(match from {
            Some(Collected | HandedOver) => Key::ProblemCampAlreadyLeft,
            _ => Key::ProblemCampNotCheckedIn,
        }))
    }
}

/// Whether a child checked in at a day camp on `day`, collected by `due`, is overdue for
/// pick-up at `now` (the centre's local time): from the end of that camp day until they are
/// collected or handed over, also on the days after.
pub fn pick_up_overdue(day: NaiveDate, due: NaiveTime, now: chrono::NaiveDateTime) -> bool {
    day.and_time(due) <= now
}

/// Whether a camp child is expected on `day`, as things stand `today`: on a day to come, every
/// child with a place; on the day and before, those checked in (whatever they did after).
pub fn expected_on(day: NaiveDate, today: NaiveDate, status: Option<DayStatus>) -> bool {
    if day > today {
        true
    } else {
        status.is_some_and(|s| s != DayStatus::Absent)
    }
}

/// Whether a camp's children leave with a guardian on `day`: every evening from a day camp,
/// and from a residential camp on its last day only (they sleep at the centre until then).
pub fn leaves_on(kind: Kind, camp: &CampRules, day: NaiveDate) -> bool {
    kind == Kind::Day || day == camp.ends_on
}

/// Whether `day` is a day of a camp running `from` to `until`.
pub fn is_camp_day(camp: &CampRules, day: NaiveDate) -> bool {
    camp.starts_on <= day && day <= camp.ends_on
}

#[cfg(test)]
mod tests;
