//! Shared types and rules of rooms, beds and allocations: the soft rules that warn, and the
//! ranking of free beds for a resident who has none. The hard rules are in the schema.

use chrono::{Duration, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::base::error::AppError;
use crate::base::i18n::Key;
use crate::residents::model::{Programme, Sex, age_on};

/// A room, for the building plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: i64,
    /// Its code on the door ("G3").
    pub code: String,
    /// Girls or boys.
    pub sex: Sex,
    /// The youngest age it is meant for.
    pub min_age: i32,
    /// The oldest age it is meant for.
    pub max_age: i32,
    /// Its beds, by code.
    pub beds: Vec<BedCell>,
}

/// One bed in the plan: free, occupied or out of service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BedCell {
    pub id: i64,
    /// Its code in the room ("2").
    pub code: String,
    /// Whether it may be slept in.
    pub in_service: bool,
    /// Who sleeps in it now.
    pub occupant: Option<Occupant>,
    /// Lent to a residential camper, tonight or on nights to come: to whom, and when.
    #[serde(default)]
    pub lent: Option<Lent>,
}

/// A bed lent to a residential camper for some nights: a free bed, or a boarder's while they
/// are away.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lent {
    pub loan_id: i64,
    pub camp_id: i64,
    pub camper_id: i64,
    /// The camper's name in Khmer script.
    pub name_km: String,
    /// The camper's name in Latin letters.
    pub name_latin: String,
    /// The first night.
    pub from_on: NaiveDate,
    /// The morning the bed is given back.
    pub until_on: NaiveDate,
}

/// The resident in a bed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occupant {
    pub resident_id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
}

/// A building and its rooms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingPlan {
    pub building: BuildingSummary,
    /// Its rooms, by code.
    pub rooms: Vec<Room>,
    /// Whether the caller may add rooms and beds (admin).
    pub can_manage: bool,
    /// Tonight at the centre.
    pub today: NaiveDate,
}

/// Every building, and what the admin needs to add one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingList {
    /// The buildings, boarding school first.
    pub buildings: Vec<BuildingSummary>,
    /// Whether the caller may add buildings (admin).
    pub can_manage: bool,
    /// The facilities a building can belong to.
    pub facilities: Vec<crate::centre::model::Facility>,
}

/// A building, with its counts today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingSummary {
    pub id: i64,
    pub code: String,
    /// Its name in Khmer script.
    pub name_km: String,
    /// Its name in Latin letters.
    pub name_latin: String,
    /// The facility it belongs to, by name in both scripts.
    pub facility_km: String,
    /// The facility in Latin letters.
    pub facility_latin: String,
    /// Beds in service.
    pub beds: i64,
    /// Beds with someone in them.
    pub occupied: i64,
}

/// Where a bed is, for lists and histories.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BedPlace {
    pub bed_id: i64,
    /// The building's code.
    pub building: String,
    /// The room's code.
    pub room: String,
    /// The bed's code.
    pub bed: String,
}

impl BedPlace {
    /// "A · G3 · 2": short enough for a phone.
    pub fn label(&self) -> String {
        format!("{} · {} · {}", self.building, self.room, self.bed)
    }
}

/// When a resident arrives on an allocation's first day, unless staff say otherwise: after
/// school, in time for dinner.
pub fn usual_arrival() -> NaiveTime {
    NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default()
}

/// When a resident leaves on an allocation's last day, unless staff say otherwise: after
/// breakfast.
pub fn usual_departure() -> NaiveTime {
    NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default()
}

/// Reads an allocation's arrival or departure as stored (`HH:MM`).
pub fn parse_clock(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M").ok()
}

/// An allocation's arrival or departure as stored, and as a time input shows it (`HH:MM`).
pub fn format_clock(at: NaiveTime) -> String {
    at.format("%H:%M").to_string()
}

/// When a resident comes into a bed, or leaves it: the day, and the time of day (presence in
/// that bed starts or ends then).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changeover {
    /// The day.
    pub on: NaiveDate,
    /// The time of day.
    pub at: NaiveTime,
}

impl Changeover {
    /// The day `on` at `at` (`HH:MM`), or, when no time was typed, at `usual`.
    pub fn read(on: NaiveDate, at: &str, usual: NaiveTime) -> Result<Self, AppError> {
        let at = match at.trim() {
            "" => usual,
            text => crate::base::fields::time_field(text, "time")?,
        };
        Ok(Changeover { on, at })
    }

    /// As allocations store the time: `HH:MM`.
    pub fn clock(&self) -> String {
        format_clock(self.at)
    }
}

/// One allocation in a history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationEntry {
    pub id: i64,
    pub resident_id: i64,
    /// The resident's name in Latin letters.
    pub name_latin: String,
    /// The resident's name in Khmer script.
    pub name_km: String,
    /// The bed.
    pub place: BedPlace,
    /// First night.
    pub from_on: NaiveDate,
    /// When they arrive on the first day.
    pub arrives: NaiveTime,
    /// The day it ended (they slept elsewhere that night), if it has.
    pub until_on: Option<NaiveDate>,
    /// When they leave on that day.
    pub leaves: NaiveTime,
    /// Why a warning was overridden.
    pub override_reason: Option<String>,
}

/// A soft rule that an allocation breaks: shown, and accepted only with a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Warning {
    /// The resident's age is outside the room's band.
    AgeOutsideBand,
    /// A brother or sister sleeps in another room of the same facility.
    SiblingsApart,
    /// The bed's facility is not the resident's programme.
    OtherProgramme,
}

impl Warning {
    /// What staff are told.
    pub const fn message(self) -> Key {
        match self {
            Warning::AgeOutsideBand => Key::WarningAgeOutsideBand,
            Warning::SiblingsApart => Key::WarningSiblingsApart,
            Warning::OtherProgramme => Key::WarningOtherProgramme,
        }
    }
}

/// What the rules need to know about a resident to be placed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// Girl or boy.
    pub sex: Sex,
    /// Date of birth.
    pub born_on: NaiveDate,
    /// Boarding school or residence.
    pub programme: Programme,
    /// The rooms where their brothers and sisters sleep now.
    pub sibling_rooms: Vec<SiblingRoom>,
}

/// A room where a brother or sister sleeps now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiblingRoom {
    pub room_id: i64,
    /// The room's sex.
    pub sex: Sex,
    /// The programme of its facility (none for a camp).
    pub programme: Option<Programme>,
}

impl Placement {
    /// The sibling rooms that keep siblings together: rooms the resident could share (their
    /// sex) in their own programme's buildings. A brother's room, or a sister's room in the
    /// other programme, is no reason to warn about any bed.
    pub fn together_rooms(&self) -> impl Iterator<Item = i64> + '_ {
        self.sibling_rooms
            .iter()
            .filter(|room| room.sex == self.sex && room.programme == Some(self.programme))
            .map(|room| room.room_id)
    }

    /// Whether `room_id` is a room where a brother or sister sleeps that the resident could
    /// share (their sex), in whichever programme.
    fn near_sibling(&self, room_id: i64) -> bool {
        self.sibling_rooms
            .iter()
            .any(|room| room.room_id == room_id && room.sex == self.sex)
    }
}

/// What the rules need to know about a free bed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeBed {
    /// Where it is.
    pub place: BedPlace,
    pub room_id: i64,
    /// The room's sex.
    pub sex: Sex,
    /// The room's age band.
    pub min_age: i32,
    /// The room's age band.
    pub max_age: i32,
    /// The programme of the bed's facility (none for a camp).
    pub programme: Option<Programme>,
}

/// The soft rules `bed` breaks for `resident` on `day`. The sex rule is not among them: the
/// database refuses that outright.
pub fn warnings(resident: &Placement, bed: &FreeBed, day: NaiveDate) -> Vec<Warning> {
    let mut out = Vec::new();
    let age = age_on(resident.born_on, day);
    if age < bed.min_age || age > bed.max_age {
        out.push(Warning::AgeOutsideBand);
    }
    let mut together = resident.together_rooms().peekable();
    if together.peek().is_some() && !together.any(|room| room == bed.room_id) {
        out.push(Warning::SiblingsApart);
    }
    if bed.programme != Some(resident.programme) {
        out.push(Warning::OtherProgramme);
    }
    out
}

/// Whether a resident without a bed gets one, or one with a bed moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placing {
    Assign,
    Move,
}

/// A free bed suggested for a resident, with the warnings it would give.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub bed: FreeBed,
    /// The soft rules it breaks, none for a perfect fit.
    pub warnings: Vec<Warning>,
}

/// The free beds that `resident` may have (their sex only), best fit first: a sibling's room
/// in their programme, then the right programme, then the right age band, then the nearest
/// band, then a sibling's room in the other programme; ties by place.
pub fn rank_beds(resident: &Placement, beds: Vec<FreeBed>, day: NaiveDate) -> Vec<Suggestion> {
    let age = age_on(resident.born_on, day);
    let mut ranked: Vec<(u8, i32, bool, Suggestion)> = beds
        .into_iter()
        .filter(|bed| bed.sex == resident.sex)
        .map(|bed| {
            let warnings = warnings(resident, &bed, day);
            // Lower is better; each broken rule costs by how much it matters.
            let cost = warnings
                .iter()
                .map(|warning| match warning {
                    Warning::SiblingsApart => 4,
                    Warning::OtherProgramme => 2,
                    Warning::AgeOutsideBand => 1,
                })
                .sum::<u8>();
            let distance = if age < bed.min_age {
                bed.min_age - age
            } else {
                (age - bed.max_age).max(0)
            };
            let apart = !resident.near_sibling(bed.room_id);
            (cost, distance, apart, Suggestion { bed, warnings })
        })
        .collect();
    /// The rank, then the place to break ties.
    fn order(ranked: &(u8, i32, bool, Suggestion)) -> (u8, i32, bool, &str, &str, i64) {
        let (cost, distance, apart, suggestion) = ranked;
        let place = &suggestion.bed.place;
        (
            *cost,
            *distance,
            *apart,
            &place.building,
            &place.room,
            place.bed_id,
        )
    }
    ranked.sort_by(|a, b| order(a).cmp(&order(b)));
    ranked.into_iter().map(|(_, _, _, s)| s).collect()
}

/// An override reason: needed, and 1 to 200 characters, when there are warnings.
pub fn check_override(warnings: &[Warning], reason: &str) -> Result<Option<String>, AppError> {
    let reason = reason.trim();
    if warnings.is_empty() {
        return Ok((!reason.is_empty()).then(|| reason.chars().take(200).collect()));
    }
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::Validation {
            field: "reason".into(),
            message: Key::ProblemOverrideReason,
        });
    }
    Ok(Some(reason.to_owned()))
}

/// Beds by facility and sex on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccupancyRow {
    /// The facility's name in Khmer script.
    pub facility_km: String,
    /// The facility's name in Latin letters.
    pub facility_latin: String,
    /// Girls' or boys' rooms.
    pub sex: Sex,
    /// Beds in service.
    pub beds: i64,
    /// Beds slept in that night.
    pub occupied: i64,
}

/// Why a change of allocation was refused; the database says the same for the hard rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocationProblem {
    /// Someone has this bed then.
    BedTaken,
    /// The resident has another bed then.
    ResidentHoused,
    /// A girl in a boys' room or the reverse.
    SexMismatch,
    /// The bed is out of service.
    OutOfService,
    /// The bed is occupied, so it cannot go out of service.
    BedOccupied,
    /// The date is not a date, or before the current allocation began, or before admission.
    Date,
    /// The resident has left.
    ResidentLeft,
    /// The resident has no bed to move from or release.
    NoBed,
}

impl AllocationProblem {
    /// Reads the constraint a trigger raised, if it is one of ours.
    pub fn from_constraint(message: &str) -> Option<Self> {
        Some(match message {
            "allocation_bed_taken" | "allocation_current_bed" => AllocationProblem::BedTaken,
            "allocation_resident_housed" | "allocation_current_resident" => {
                AllocationProblem::ResidentHoused
            }
            "allocation_sex_mismatch" => AllocationProblem::SexMismatch,
            "allocation_bed_out_of_service" => AllocationProblem::OutOfService,
            "bed_occupied" => AllocationProblem::BedOccupied,
            "allocation_overlap" => AllocationProblem::BedTaken,
            _ => return None,
        })
    }
}

impl From<AllocationProblem> for AppError {
    fn from(problem: AllocationProblem) -> Self {
        let message = match problem {
            AllocationProblem::BedTaken => Key::ProblemBedTaken,
            AllocationProblem::ResidentHoused => Key::ProblemResidentHoused,
            AllocationProblem::SexMismatch => Key::ProblemSexMismatch,
            AllocationProblem::OutOfService => Key::ProblemBedOutOfService,
            AllocationProblem::BedOccupied => Key::ProblemBedOccupied,
            AllocationProblem::Date => {
                return AppError::Validation {
                    field: "on".into(),
                    message: Key::ProblemAllocationDate,
                };
            }
            AllocationProblem::ResidentLeft => Key::ProblemResidentLeft,
            AllocationProblem::NoBed => Key::ProblemNoBed,
        };
        AppError::Conflict { message }
    }
}

/// A bed a residential camper may be lent for some nights: free on all of them, or held by a
/// boarder who is away on all of them (`occupant`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanChoice {
    pub bed: FreeBed,
    /// The boarder whose bed it is, away on those nights; none for a free bed.
    pub occupant: Option<Occupant>,
    /// The soft rules it breaks for the camper (the room's age band), none for a perfect fit.
    pub warnings: Vec<Warning>,
}

/// The beds a camper (`sex`, born on `born_on`) may be lent, best fit first: their sex only,
/// then the room's age band (nearest first), then a free bed before a boarder's; ties by
/// place. `beds` are free or lendable on the nights asked for, with the boarder whose bed it is.
pub fn rank_loans(
    sex: Sex,
    born_on: NaiveDate,
    beds: Vec<(FreeBed, Option<Occupant>)>,
    day: NaiveDate,
) -> Vec<LoanChoice> {
    let age = age_on(born_on, day);
    let mut ranked: Vec<(i32, bool, LoanChoice)> = beds
        .into_iter()
        .filter(|(bed, _)| bed.sex == sex)
        .map(|(bed, occupant)| {
            let distance = band_distance(age, &bed);
            let warnings = if distance > 0 {
                vec![Warning::AgeOutsideBand]
            } else {
                Vec::new()
            };
            let lent = occupant.is_some();
            (
                distance,
                lent,
                LoanChoice {
                    bed,
                    occupant,
                    warnings,
                },
            )
        })
        .collect();
    ranked.sort_by(|(da, la, a), (db, lb, b)| {
        let place = |choice: &LoanChoice| {
            let p = &choice.bed.place;
            (
                p.building.clone(),
                p.room.len(),
                p.room.clone(),
                p.bed.len(),
                p.bed.clone(),
            )
        };
        (da, la, place(a)).cmp(&(db, lb, place(b)))
    });
    ranked.into_iter().map(|(_, _, choice)| choice).collect()
}

/// How many years `age` is outside `bed`'s room's band; 0 within it.
fn band_distance(age: i32, bed: &FreeBed) -> i32 {
    if age < bed.min_age {
        bed.min_age - age
    } else {
        (age - bed.max_age).max(0)
    }
}

/// The nights of a loan: from `from_on` (the first evening) until `until_on` (the morning the
/// bed is given back). They lie within the camp's (from its first day until the morning after
/// its last), and none is already past.
pub fn check_loan_nights(
    from_on: NaiveDate,
    until_on: NaiveDate,
    camp: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Result<(), AppError> {
    let (starts_on, ends_on) = camp;
    if until_on <= from_on {
        return Err(field_problem("until_on", Key::ProblemLoanNights));
    }
    if from_on < starts_on || from_on < today || until_on > ends_on + Duration::days(1) {
        return Err(field_problem("from_on", Key::ProblemLoanOutsideCamp));
    }
    Ok(())
}

fn field_problem(field: &str, message: Key) -> AppError {
    AppError::Validation {
        field: field.into(),
        message,
    }
}

/// Why a loan was refused; the database says the same for the hard rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoanProblem {
    /// Not a residential camp, or nights outside it.
    OutsideCamp,
    /// Another camper has the bed on one of those nights, or a resident is allocated to it.
    BedLent,
    /// The camper has a bed on one of those nights (a resident has their own).
    CamperHasBed,
    /// The boarder whose bed it is is at the centre on one of those nights.
    OccupantPresent,
}

impl From<LoanProblem> for AppError {
    fn from(problem: LoanProblem) -> Self {
        let message = match problem {
            LoanProblem::OutsideCamp => Key::ProblemLoanOutsideCamp,
            LoanProblem::BedLent => Key::ProblemBedLent,
            LoanProblem::CamperHasBed => Key::ProblemCamperHasBed,
            LoanProblem::OccupantPresent => Key::ProblemOccupantPresent,
        };
        AppError::Conflict { message }
    }
}

/// How a loan's audited fields read in a bed's history.
pub const LOAN_HISTORY: &[crate::audit::history::Field] = {
    use crate::audit::history::{Field, Reading};
    &[
        Field {
            key: "camper",
            label: Key::FieldCamper,
            reading: Reading::Text,
        },
        Field {
            key: "bed_id",
            label: Key::FieldBed,
            reading: Reading::Named,
        },
        Field {
            key: "from_on",
            label: Key::FieldFrom,
            reading: Reading::Date,
        },
        Field {
            key: "until_on",
            label: Key::FieldUntil,
            reading: Reading::Date,
        },
    ]
};

/// How a bed allocation's audited fields read in a history; `bed_id` and `resident_id` are
/// put in words by the page's server function.
pub const ALLOCATION_HISTORY: &[crate::audit::history::Field] = {
    use crate::audit::history::{Field, Reading};
    &[
        Field {
            key: "resident_id",
            label: Key::FieldResident,
            reading: Reading::Named,
        },
        Field {
            key: "bed_id",
            label: Key::FieldBed,
            reading: Reading::Named,
        },
        Field {
            key: "on",
            label: Key::FieldFrom,
            reading: Reading::Date,
        },
        Field {
            key: "arrives_at",
            label: Key::FieldArrivesAt,
            reading: Reading::Clock,
        },
        Field {
            key: "until_on",
            label: Key::FieldUntil,
            reading: Reading::Date,
        },
        Field {
            key: "leaves_at",
            label: Key::FieldLeavesAt,
            reading: Reading::Clock,
        },
        Field {
            key: "override_reason",
            label: Key::FieldOverrideReason,
            reading: Reading::Text,
        },
    ]
};

/// How a bed's own audited fields read in its history.
pub const BED_HISTORY: &[crate::audit::history::Field] = {
    use crate::audit::history::{Field, Reading};
    &[Field {
        key: "in_service",
        label: Key::FieldInService,
        reading: Reading::YesNo,
    }]
};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        crate::base::fields::parse_date(text).expect("a date")
    }

    fn bed(id: i64, room_id: i64, sex: Sex, band: (i32, i32), programme: Programme) -> FreeBed {
        FreeBed {
            place: BedPlace {
                bed_id: id,
                building: "A".into(),
                room: format!("R{room_id}"),
                bed: id.to_string(),
            },
            room_id,
            sex,
            min_age: band.0,
            max_age: band.1,
            programme: Some(programme),
        }
    }

    fn sister_in(room_id: i64, sex: Sex, programme: Programme) -> SiblingRoom {
        SiblingRoom {
            room_id,
            sex,
            programme: Some(programme),
        }
    }

    fn girl_of_ten() -> Placement {
        Placement {
            sex: Sex::Female,
            born_on: day("2016-01-15"),
            programme: Programme::BoardingSchool,
            sibling_rooms: vec![],
        }
    }

    #[test]
    fn a_bed_in_the_right_band_and_programme_has_no_warning() {
        let fit = bed(1, 1, Sex::Female, (9, 12), Programme::BoardingSchool);
        assert!(warnings(&girl_of_ten(), &fit, day("2026-11-22")).is_empty());
    }

    #[test]
    fn age_sibling_and_programme_rules_each_warn() {
        let mut girl = girl_of_ten();
        girl.sibling_rooms = vec![sister_in(7, Sex::Female, Programme::BoardingSchool)];
        let far = bed(1, 1, Sex::Female, (13, 16), Programme::Residence);
        assert_eq!(
            warnings(&girl, &far, day("2026-11-22")),
            vec![
                Warning::AgeOutsideBand,
                Warning::SiblingsApart,
                Warning::OtherProgramme
            ]
        );
    }

    #[test]
    fn a_siblings_room_comes_first_then_programme_then_band() {
        let mut girl = girl_of_ten();
        girl.sibling_rooms = vec![sister_in(3, Sex::Female, Programme::BoardingSchool)];
        let beds = vec![
            bed(10, 1, Sex::Female, (9, 12), Programme::BoardingSchool),
            bed(11, 2, Sex::Female, (13, 16), Programme::BoardingSchool),
            bed(12, 3, Sex::Female, (13, 16), Programme::BoardingSchool),
            bed(13, 4, Sex::Male, (9, 12), Programme::BoardingSchool),
            bed(14, 5, Sex::Female, (9, 12), Programme::Residence),
        ];
        let ranked: Vec<i64> = rank_beds(&girl, beds, day("2026-11-22"))
            .into_iter()
            .map(|s| s.bed.place.bed_id)
            .collect();
        // Her sister's room despite the band; then the right programme; never a boys' room.
        assert_eq!(ranked, vec![12, 10, 11, 14]);
    }

    #[test]
    fn a_brothers_room_is_no_reason_to_warn() {
        let mut girl = girl_of_ten();
        girl.sibling_rooms = vec![sister_in(3, Sex::Male, Programme::BoardingSchool)];
        let fit = bed(1, 1, Sex::Female, (9, 12), Programme::BoardingSchool);
        assert!(warnings(&girl, &fit, day("2026-11-22")).is_empty());
    }

    #[test]
    fn a_sister_in_the_other_programme_comes_after_the_programme_and_the_band() {
        let mut girl = girl_of_ten();
        girl.born_on = day("2018-01-15");
        girl.sibling_rooms = vec![sister_in(3, Sex::Female, Programme::Residence)];
        let beds = vec![
            bed(12, 3, Sex::Female, (15, 20), Programme::Residence),
            bed(10, 1, Sex::Female, (6, 9), Programme::BoardingSchool),
            bed(11, 2, Sex::Female, (15, 20), Programme::Residence),
        ];
        let ranked = rank_beds(&girl, beds, day("2026-11-22"));
        assert_eq!(ranked[0].bed.place.bed_id, 10);
        assert!(ranked[0].warnings.is_empty(), "no reason needed");
        // Among the residence beds, her sister's room first.
        assert_eq!(ranked[1].bed.place.bed_id, 12);
    }

    #[test]
    fn an_override_reason_is_needed_only_with_warnings() {
        assert_eq!(check_override(&[], "  "), Ok(None));
        assert!(check_override(&[Warning::AgeOutsideBand], " ").is_err());
        assert_eq!(
            check_override(&[Warning::AgeOutsideBand], " small for her age "),
            Ok(Some("small for her age".into()))
        );
    }

    fn any_bed() -> impl Strategy<Value = FreeBed> {
        (
            1..500i64,
            1..20i64,
            any::<bool>(),
            3..25i32,
            0..6i32,
            any::<bool>(),
        )
            .prop_map(|(id, room, girl, min, span, school)| {
                bed(
                    id,
                    room,
                    if girl { Sex::Female } else { Sex::Male },
                    (min, min + span),
                    if school {
                        Programme::BoardingSchool
                    } else {
                        Programme::Residence
                    },
                )
            })
    }

    proptest! {
        #[test]
        fn ranking_never_offers_the_other_sex_and_never_loses_a_bed(
            beds in proptest::collection::vec(any_bed(), 0..40),
            girl in any::<bool>(),
            age in 5..23i64,
            sibling_rooms in proptest::collection::vec((1..20i64, any::<bool>(), any::<bool>()), 0..3),
        ) {
            let today = day("2026-11-22");
            let resident = Placement {
                sex: if girl { Sex::Female } else { Sex::Male },
                born_on: today - chrono::Duration::days(age * 365 + 100),
                programme: Programme::BoardingSchool,
                sibling_rooms: sibling_rooms
                    .into_iter()
                    .map(|(room, girl, school)| SiblingRoom {
                        room_id: room,
                        sex: if girl { Sex::Female } else { Sex::Male },
                        programme: Some(if school {
                            Programme::BoardingSchool
                        } else {
                            Programme::Residence
                        }),
                    })
                    .collect(),
            };
            let same_sex = beds.iter().filter(|b| b.sex == resident.sex).count();
            let ranked = rank_beds(&resident, beds, today);
            prop_assert_eq!(ranked.len(), same_sex);
            prop_assert!(ranked.iter().all(|s| s.bed.sex == resident.sex));
            // A bed with no warning is never ranked below one with a warning.
            let first_warned = ranked.iter().position(|s| !s.warnings.is_empty()).unwrap_or(ranked.len());
            prop_assert!(ranked[first_warned..].iter().all(|s| !s.warnings.is_empty()));
        }

        #[test]
        fn loans_are_offered_to_the_campers_sex_only_best_fit_first_free_before_lent(
            beds in proptest::collection::vec((any_bed(), any::<bool>()), 0..40),
            girl in any::<bool>(),
            age in 5..16i64,
        ) {
            let today = day("2026-12-20");
            let sex = if girl { Sex::Female } else { Sex::Male };
            let beds: Vec<(FreeBed, Option<Occupant>)> = beds
                .into_iter()
                .map(|(bed, lent)| (bed, lent.then(|| Occupant { resident_id: 1, name_km: "ក".into(), name_latin: "K".into() })))
                .collect();
            let same_sex = beds.iter().filter(|(b, _)| b.sex == sex).count();
            let born_on = today - chrono::Duration::days(age * 365 + 100);
            let ranked = rank_loans(sex, born_on, beds, today);
            prop_assert_eq!(ranked.len(), same_sex);
            prop_assert!(ranked.iter().all(|c| c.bed.sex == sex));
            let key = |c: &LoanChoice| (band_distance(age_on(born_on, today), &c.bed), c.occupant.is_some());
            prop_assert!(ranked.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
            prop_assert!(ranked.iter().all(|c| c.warnings.is_empty() == (key(c).0 == 0)));
        }
    }

    #[test]
    fn a_loan_is_for_the_camps_nights_from_tonight_on() {
        let camp = (day("2026-12-20"), day("2026-12-26"));
        let today = day("2026-12-21");
        // The whole camp left: tonight until the morning after its last day.
        assert!(check_loan_nights(today, day("2026-12-27"), camp, today).is_ok());
        // A night already past, a morning after the camp, no night at all.
        assert!(check_loan_nights(day("2026-12-20"), day("2026-12-22"), camp, today).is_err());
        assert!(check_loan_nights(today, day("2026-12-28"), camp, today).is_err());
        assert!(check_loan_nights(today, today, camp, today).is_err());
    }
}

/// Why a building, room or bed was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceProblem {
    /// The code is empty or longer than 16 characters.
    Code,
    /// A name is empty or longer than 100 characters (the Khmer one must be in Khmer script).
    Name,
    /// The ages are not 0-99 with the youngest first.
    Ages,
    /// Not 1 to 40 beds.
    Beds,
    /// Another building of the facility, or room of the building, has this code.
    CodeTaken,
}

impl From<PlaceProblem> for AppError {
    fn from(problem: PlaceProblem) -> Self {
        let (field, message) = match problem {
            PlaceProblem::Code => ("code", Key::ProblemPlaceCode),
            PlaceProblem::Name => ("name_km", Key::ProblemPlaceName),
            PlaceProblem::Ages => ("min_age", Key::ProblemRoomAges),
            PlaceProblem::Beds => ("beds", Key::ProblemRoomBeds),
            PlaceProblem::CodeTaken => ("code", Key::ProblemPlaceCodeTaken),
        };
        AppError::Validation {
            field: field.into(),
            message,
        }
    }
}

/// A code as written on a door: 1 to 16 characters, trimmed.
pub fn check_code(code: &str) -> Result<String, PlaceProblem> {
    let code = code.trim();
    if (1..=16).contains(&code.chars().count()) {
        Ok(code.to_owned())
    } else {
        Err(PlaceProblem::Code)
    }
}

/// A building's names: Khmer script and Latin letters, 1 to 100 characters each.
pub fn check_names(khmer: &str, latin: &str) -> Result<(String, String), PlaceProblem> {
    let (khmer, latin) = (khmer.trim(), latin.trim());
    let fits = |name: &str| (1..=100).contains(&name.chars().count());
    let is_khmer = khmer
        .chars()
        .any(|c| ('\u{1780}'..='\u{17FF}').contains(&c));
    if fits(khmer) && fits(latin) && is_khmer {
        Ok((khmer.to_owned(), latin.to_owned()))
    } else {
        Err(PlaceProblem::Name)
    }
}

/// A room's age band and number of beds.
pub fn check_room(min_age: i32, max_age: i32, beds: u32) -> Result<(), PlaceProblem> {
    if !(0..=99).contains(&min_age) || !(0..=99).contains(&max_age) || min_age > max_age {
        return Err(PlaceProblem::Ages);
    }
    if !(1..=40).contains(&beds) {
        return Err(PlaceProblem::Beds);
    }
    Ok(())
}

#[cfg(test)]
mod place_tests {
    use super::*;

    #[test]
    fn rooms_need_a_sensible_band_and_one_to_forty_beds() {
        assert_eq!(check_room(5, 8, 8), Ok(()));
        assert_eq!(check_room(9, 5, 8), Err(PlaceProblem::Ages));
        assert_eq!(check_room(5, 8, 0), Err(PlaceProblem::Beds));
        assert_eq!(check_code("  "), Err(PlaceProblem::Code));
        assert_eq!(check_names("Building", "Building"), Err(PlaceProblem::Name));
        assert!(check_names("អគារ គ", "Building C").is_ok());
    }
}
