//! Shared types and rules of presence: absences, the one rule for who is at the centre at a
//! moment, and the nightly roll call.
//!
//! **Presence** at an instant = the resident has a bed then (after its first day's arrival,
//! before its last day's departure) and is not away at that instant. The SQL in
//! `repo::present_at` is this rule; the property test in `tests.rs` checks that the two agree.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::base::error::AppError;
use crate::base::i18n::Key;

/// Why a resident is away.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AbsenceReason {
    /// At home with their family, approved by the social team.
    HomeStay,
    Hospital,
    /// On a school trip.
    SchoolTrip,
    /// At a camp elsewhere.
    Camp,
    /// Anything else (the note says what).
    Other,
}

impl AbsenceReason {
    /// Every reason.
    pub const ALL: [AbsenceReason; 5] = [
        AbsenceReason::HomeStay,
        AbsenceReason::Hospital,
        AbsenceReason::SchoolTrip,
        AbsenceReason::Camp,
        AbsenceReason::Other,
    ];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            AbsenceReason::HomeStay => "home_stay",
            AbsenceReason::Hospital => "hospital",
            AbsenceReason::SchoolTrip => "school_trip",
            AbsenceReason::Camp => "camp",
            AbsenceReason::Other => "other",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Self> {
        AbsenceReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            AbsenceReason::HomeStay => Key::AbsenceHomeStay,
            AbsenceReason::Hospital => Key::AbsenceHospital,
            AbsenceReason::SchoolTrip => Key::AbsenceSchoolTrip,
            AbsenceReason::Camp => Key::AbsenceCamp,
            AbsenceReason::Other => Key::AbsenceOther,
        }
    }
}

/// The instant (Unix seconds) of a local day and time at the centre (the base's clock).
pub use crate::base::clock::instant;

/// The local day and time at the centre of an instant (the base's clock).
pub use crate::base::clock::local;

/// When the roll is called: 21:00, after the evening classes.
pub fn roll_time() -> NaiveTime {
    NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default()
}

/// The local time of day of an instant to the minute (`HH:MM`), as allocations store their
/// arrival and departure: what the presence SQL compares them with.
pub fn clock(at: i64) -> String {
    local(at).format("%H:%M").to_string()
}

/// An allocation's stay: the nights from a day until a day (exclusive), or open, arriving on
/// the first day and leaving on the last at a time of day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nights {
    /// The first night.
    pub from_on: NaiveDate,
    /// The first night no longer in that bed: they leave that day.
    pub until_on: Option<NaiveDate>,
    /// When they arrive on `from_on`.
    pub arrives: NaiveTime,
    /// When they leave on `until_on`.
    pub leaves: NaiveTime,
}

impl Nights {
    /// Whether the bed is theirs at the instant `at`: from the arrival until the departure.
    pub fn covers(&self, at: i64) -> bool {
        instant(self.from_on, self.arrives) <= at
            && self
                .until_on
                .is_none_or(|until| instant(until, self.leaves) > at)
    }
}

/// An absence's span: from an instant until the return, or the planned end, or open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Away {
    /// When they left.
    pub starts_at: i64,
    /// When they are due back.
    pub ends_at: Option<i64>,
    /// When they came back: the absence ends then.
    pub returned_at: Option<i64>,
}

impl Away {
    /// When the absence ends: the return if recorded, else the plan, else never.
    pub fn end(&self) -> Option<i64> {
        self.returned_at.or(self.ends_at)
    }

    /// Whether they are away at `at`.
    pub fn covers(&self, at: i64) -> bool {
        self.overlaps(at, at.saturating_add(1))
    }

    /// When they became overdue, if they are at `now`: a planned end, no return recorded, and
    /// `grace` seconds gone since the end.
    pub fn overdue_since(&self, now: i64, grace: i64) -> Option<i64> {
        match (self.ends_at, self.returned_at) {
            (Some(end), None) if end.saturating_add(grace) <= now => Some(end),
            _ => None,
        }
    }

    /// Whether they are away at some moment from `from` until `until` (exclusive): the same
    /// rule as `covers`, over a span such as a visit's slot.
    pub fn overlaps(&self, from: i64, until: i64) -> bool {
        self.starts_at < until && self.end().is_none_or(|end| end > from)
    }
}

/// Whether a residential camper in a bed lent for the nights from `nights.0` until the
/// morning of `nights.1` is at the centre on `day`: from the day of the first night until the
/// morning they leave (a day camp's children are counted by their check-in instead).
pub fn sleeps_over(nights: (NaiveDate, NaiveDate), day: NaiveDate) -> bool {
    nights.0 < nights.1 && nights.0 <= day && day <= nights.1
}

/// When night `night` is counted: its roll call.
pub fn roll_of(night: NaiveDate) -> i64 {
    instant(night, roll_time())
}

/// Whether a boarder's bed (their `stay` in it, their `absences`) may be lent for the nights
/// from `from_on` until `until_on`: one absence covers the roll call of every night the loan
/// shares with the stay, from the first to the last. The schema holds the same rule
/// (`bed_loan_occupant_present`); nights the stay does not cover need nothing.
pub fn away_for_loan(
    stay: &Nights,
    absences: &[Away],
    from_on: NaiveDate,
    until_on: NaiveDate,
) -> bool {
    let first = from_on.max(stay.from_on);
    let end = stay.until_on.map_or(until_on, |until| until.min(until_on));
    let Some(last) = end.pred_opt().filter(|last| *last >= first) else {
        return true;
    };
    absences.iter().any(|away| {
        away.starts_at <= roll_of(first) && away.end().is_none_or(|end| end > roll_of(last))
    })
}

/// The first night from `from_on`, before `until_on`, on which the boarder whose bed is lent
/// sleeps at the centre after all (back early, or their plan shortened): by the presence rule
/// at that night's roll call, or at `now` once it is past (a boarder back after the roll
/// sleeps here tonight all the same). That night the bed is needed back.
pub fn first_night_back(
    stay: &Nights,
    absences: &[Away],
    (from_on, until_on): (NaiveDate, NaiveDate),
    now: i64,
) -> Option<NaiveDate> {
    from_on
        .iter_days()
        .take_while(|night| *night < until_on)
        .find(|night| {
            let at = roll_of(*night).max(now);
            is_present(std::slice::from_ref(stay), absences, at)
        })
}

/// Why a resident is away at some moment from `from` until `until`, if one of `absences`
/// says so (the latest to start first): the absence half of the presence rule, over a span.
/// Visits read it: a child away during a slot cannot be visited then.
pub fn away_during(
    absences: &[(Away, AbsenceReason)],
    from: i64,
    until: i64,
) -> Option<AbsenceReason> {
    absences
        .iter()
        .filter(|(away, _)| away.overlaps(from, until))
        .max_by_key(|(away, _)| away.starts_at)
        .map(|(_, reason)| *reason)
}

/// The presence rule: at the centre at the instant `at` = one of `beds` is theirs then
/// (between its arrival and its departure), and no absence covers it.
pub fn is_present(beds: &[Nights], absences: &[Away], at: i64) -> bool {
    housed(beds, at) && !absences.iter().any(|away| away.covers(at))
}

/// Whether one of `beds` is theirs at `at`.
fn housed(beds: &[Nights], at: i64) -> bool {
    beds.iter().any(|nights| nights.covers(at))
}

/// Why an absence was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbsenceProblem {
    /// An unknown reason.
    Reason,
    /// The start is not a date and time.
    Start,
    /// The end is not a date and time, or not after the start.
    End,
    /// The note is longer than 200 characters.
    Note,
    /// The return is before the start, or in the future.
    Return,
    /// The absence has ended already.
    Ended,
    /// An extension without a reason, or with one longer than 200 characters.
    ExtendReason,
}

impl From<AbsenceProblem> for AppError {
    fn from(problem: AbsenceProblem) -> Self {
        let (field, message) = match problem {
            AbsenceProblem::Reason => ("reason", Key::ProblemAbsenceReason),
            AbsenceProblem::Start => ("from_date", Key::ProblemAbsenceStart),
            AbsenceProblem::End => ("until_date", Key::ProblemAbsenceEnd),
            AbsenceProblem::Note => ("note", Key::ProblemAbsenceNote),
            AbsenceProblem::Return => ("returned_date", Key::ProblemAbsenceReturn),
            AbsenceProblem::ExtendReason => ("reason", Key::ProblemExtendReason),
            AbsenceProblem::Ended => {
                return AppError::Conflict {
                    message: Key::ProblemAbsenceEnded,
                };
            }
        };
        AppError::Validation {
            field: field.into(),
            message,
        }
    }
}

/// A date and an optional time as the form sends them; no time means the start of the day.
pub fn parse_moment(date: &str, time: &str) -> Option<i64> {
    let day = crate::base::fields::parse_date(date)?;
    let time = match time.trim() {
        "" => NaiveTime::MIN,
        text => NaiveTime::parse_from_str(text, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
            .ok()?,
    };
    Some(instant(day, time))
}

/// A planned end as the form sends it: a day, and a time or none, meaning they are back for
/// the evening (18:00).
fn planned_end(until: (&str, &str)) -> Option<i64> {
    let time = if until.1.trim().is_empty() {
        "18:00"
    } else {
        until.1
    };
    parse_moment(until.0, time)
}

/// A new absence, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAbsence {
    /// Why.
    pub reason: AbsenceReason,
    /// What else staff should know.
    pub note: String,
    /// The span.
    pub away: Away,
}

/// Checks an absence form: a reason, a start, and an end after it or none (open-ended).
pub fn check_absence(
    reason: &str,
    from: (&str, &str),
    until: (&str, &str),
    note: &str,
) -> Result<NewAbsence, AbsenceProblem> {
    let reason = AbsenceReason::parse(reason).ok_or(AbsenceProblem::Reason)?;
    let starts_at = parse_moment(from.0, from.1).ok_or(AbsenceProblem::Start)?;
    let ends_at = if until.0.trim().is_empty() {
        None
    } else {
        let end = planned_end(until).ok_or(AbsenceProblem::End)?;
        if end <= starts_at {
            return Err(AbsenceProblem::End);
        }
        Some(end)
    };
    let note = note.trim();
    if note.chars().count() > 200 {
        return Err(AbsenceProblem::Note);
    }
    Ok(NewAbsence {
        reason,
        note: note.to_owned(),
        away: Away {
            starts_at,
            ends_at,
            returned_at: None,
        },
    })
}

/// Checks an extension of `away`: a new planned end (a day, and a time or 18:00) after the
/// current one (or after the start, when it had none), and the reason it is longer. Returns
/// the new end and the reason, trimmed.
pub fn check_extension(
    away: &Away,
    until: (&str, &str),
    reason: &str,
) -> Result<(i64, String), AbsenceProblem> {
    let end = planned_end(until).ok_or(AbsenceProblem::End)?;
    if end <= away.ends_at.unwrap_or(away.starts_at) {
        return Err(AbsenceProblem::End);
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AbsenceProblem::ExtendReason);
    }
    Ok((end, reason.to_owned()))
}

/// An absence of a resident, for their page and for the roll call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceEntry {
    pub id: i64,
    pub resident_id: i64,
    /// Why.
    pub reason: AbsenceReason,
    /// What else.
    pub note: String,
    /// When.
    pub away: Away,
}

/// A roll-call mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mark {
    /// Seen in their bed.
    Present,
    /// Not there, and not away with leave: an alert until resolved.
    Missing,
}

impl Mark {
    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::Missing => "missing",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "present" => Some(Mark::Present),
            "missing" => Some(Mark::Missing),
            _ => None,
        }
    }
}

/// Who sleeps in a bed on a roll: a resident in their own bed, or a residential camp's child
/// in a bed lent to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sleeper {
    Resident(i64),
    Camper(i64),
}

impl Sleeper {
    /// The one named by a mark's fields: a resident or a camper, never both nor neither.
    pub fn named(resident_id: Option<i64>, camper_id: Option<i64>) -> Option<Self> {
        match (resident_id, camper_id) {
            (Some(id), None) => Some(Sleeper::Resident(id)),
            (None, Some(id)) => Some(Sleeper::Camper(id)),
            _ => None,
        }
    }

    /// Their row's element id on the roll ("r12", "c7"), for its anchors and background marks.
    pub fn row_id(self) -> String {
        match self {
            Sleeper::Resident(id) => format!("r{id}"),
            Sleeper::Camper(id) => format!("c{id}"),
        }
    }

    /// Their id: a resident's or a camper's, as the kind says.
    pub fn id(self) -> i64 {
        match self {
            Sleeper::Resident(id) | Sleeper::Camper(id) => id,
        }
    }

    /// The form field that names them, and its value.
    pub fn field(self) -> (&'static str, i64) {
        match self {
            Sleeper::Resident(id) => ("resident_id", id),
            Sleeper::Camper(id) => ("camper_id", id),
        }
    }

    /// Their page: a resident's, or a camper's file.
    pub fn page(self) -> String {
        match self {
            Sleeper::Resident(id) => format!("/residents/{id}"),
            Sleeper::Camper(id) => format!("/camps/campers/{id}"),
        }
    }
}

/// One row of a roll call: a bed slept in that night.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollRow {
    pub who: Sleeper,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// The room's code.
    pub room: String,
    /// The bed's code.
    pub bed: String,
    /// Away with leave at roll time: already accounted for.
    pub away: Option<AbsenceReason>,
    /// Not back at roll time from an absence that was due to end by then (past the grace
    /// period): when they were due. Still to be marked.
    #[serde(default)]
    pub overdue_since: Option<i64>,
    /// The latest mark, if any.
    pub mark: Option<Mark>,
    /// A camper marked missing and not found yet: their alert is resolved on this row (a
    /// resident's, on their page, where it may also become an absence).
    #[serde(default)]
    pub alert_open: bool,
}

impl RollRow {
    /// Whether this row still needs a mark.
    pub fn unmarked(&self) -> bool {
        self.away.is_none() && self.mark.is_none()
    }

    /// Whether "all present" marks this row: unmarked, and not overdue back (an overdue child
    /// is looked for, and marked one by one).
    pub fn routine(&self) -> bool {
        self.unmarked() && self.overdue_since.is_none()
    }
}

/// A building's roll call for one night.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollCall {
    pub building_id: i64,
    /// The building's name in Khmer script.
    pub building_km: String,
    /// The building's name in Latin letters.
    pub building_latin: String,
    pub night: NaiveDate,
    /// When it was closed, if it was.
    pub closed: bool,
    /// One row per occupied bed, by room and bed.
    pub rows: Vec<RollRow>,
}

/// The counts that sum up a roll call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollTally {
    /// Marked present.
    pub present: i64,
    /// Away with leave.
    pub away: i64,
    /// Marked missing.
    pub missing: i64,
    /// Not marked yet.
    pub unmarked: i64,
}

impl RollCall {
    /// Its counts.
    pub fn tally(&self) -> RollTally {
        tally(&self.rows)
    }
}

/// The counts of these rows.
pub fn tally(rows: &[RollRow]) -> RollTally {
    rows.iter().fold(RollTally::default(), |mut t, row| {
        match (row.away, row.mark) {
            (Some(_), _) => t.away += 1,
            (None, Some(Mark::Present)) => t.present += 1,
            (None, Some(Mark::Missing)) => t.missing += 1,
            (None, None) => t.unmarked += 1,
        }
        t
    })
}

/// A roll may be closed only when no resident is left unmarked.
pub fn check_close(rows: &[RollRow]) -> Result<(), AppError> {
    if rows.iter().any(RollRow::unmarked) {
        return Err(AppError::Conflict {
            message: Key::ProblemRollUnmarked,
        });
    }
    Ok(())
}

/// A building's roll for a night, in the list of buildings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollSummary {
    pub building_id: i64,
    /// Its name in Khmer script.
    pub building_km: String,
    /// Its name in Latin letters.
    pub building_latin: String,
    /// Whether it was closed.
    pub closed: bool,
    /// Its counts.
    pub tally: RollTally,
}

/// A resident or camper marked missing and not found yet: on every staff page until resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingAlert {
    /// The roll call that found them missing.
    pub roll_call_id: i64,
    pub night: NaiveDate,
    pub who: Sleeper,
    /// The building whose roll it was.
    pub building_id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// The building's code.
    pub building: String,
}

impl MissingAlert {
    /// Where the alert is dealt with: a resident's page (found, back, or away after all); a
    /// camper's row on the roll that found them missing (found, or back).
    pub fn page(&self) -> String {
        match self.who {
            Sleeper::Resident(id) => format!("/residents/{id}"),
            Sleeper::Camper(id) => {
                format!("/roll/{}?night={}#c{id}", self.building_id, self.night)
            }
        }
    }
}

/// A resident not back from an absence with a planned end, past the grace period: on every
/// staff page until the return is recorded or the absence extended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueAlert {
    pub absence_id: i64,
    pub resident_id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// Why they were away.
    pub reason: AbsenceReason,
    /// When they were due back.
    pub due_at: i64,
}

/// What staff must know at once, on every page: residents missing, and residents overdue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alerts {
    /// Marked missing at a roll call and not found yet.
    pub missing: Vec<MissingAlert>,
    /// Not back from an absence, past its planned end and the grace period.
    pub overdue: Vec<OverdueAlert>,
    /// Lent beds whose boarder sleeps at the centre again on a lent night.
    #[serde(default)]
    pub beds_needed: Vec<BedNeeded>,
}

/// A boarder's bed lent to a camper, needed back on a night of the loan because the boarder
/// is at the centre again: the camper must move. On every staff page until they have.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BedNeeded {
    pub loan_id: i64,
    pub camp_id: i64,
    pub camper_id: i64,
    /// The camper's name in Khmer script.
    pub camper_km: String,
    /// The camper's name in Latin letters.
    pub camper_latin: String,
    /// The bed ("A · G3 · 2").
    pub bed: String,
    /// The boarder's name in Khmer script.
    pub resident_km: String,
    /// The boarder's name in Latin letters.
    pub resident_latin: String,
    /// The first night the boarder sleeps there again.
    pub night: NaiveDate,
    /// Whether that night is tonight (or already past).
    pub tonight: bool,
}

/// The grace period after a planned end the admin may set: from none to a day, in minutes.
pub const GRACE_MINUTES: std::ops::RangeInclusive<i64> = 0..=1440;

/// Checks the grace period typed by the admin.
pub fn check_grace(text: &str) -> Result<i64, AppError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|minutes| GRACE_MINUTES.contains(minutes))
        .ok_or_else(|| AppError::invalid("overdue_grace_minutes", Key::ProblemOverdueGrace))
}

/// How a missing resident's alert ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    /// Found at the centre.
    Found,
    /// Came back.
    Returned,
    /// Recorded as an absence (they are away with leave after all, or in hospital).
    Absence,
}

impl Resolution {
    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Resolution::Found => "found",
            Resolution::Returned => "returned",
            Resolution::Absence => "absence",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Self> {
        [Resolution::Found, Resolution::Returned, Resolution::Absence]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

fn reason_words(code: &str) -> Option<Key> {
    AbsenceReason::parse(code).map(AbsenceReason::label)
}

/// How an absence's audited fields read in a history.
pub const ABSENCE_HISTORY: &[crate::audit::history::Field] = {
    use crate::audit::history::{Field, Reading};
    &[
        Field {
            key: "reason",
            label: Key::FieldAbsenceReason,
            reading: Reading::Code(reason_words),
        },
        Field {
            key: "starts_at",
            label: Key::FieldFrom,
            reading: Reading::Instant,
        },
        Field {
            key: "ends_at",
            label: Key::FieldUntil,
            reading: Reading::Instant,
        },
        Field {
            key: "returned_at",
            label: Key::FieldReturned,
            reading: Reading::Instant,
        },
        Field {
            key: "note",
            label: Key::FieldNote,
            reading: Reading::Text,
        },
    ]
};

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        crate::base::fields::parse_date(text).expect("a date")
    }

    fn at(date: &str, time: &str) -> i64 {
        parse_moment(date, time).expect("a moment")
    }

    /// A stay from `from` (arriving and leaving at the usual times), until `until` or open.
    fn stay(from: &str, until: Option<&str>) -> Nights {
        Nights {
            from_on: day(from),
            until_on: until.map(day),
            arrives: crate::housing::model::usual_arrival(),
            leaves: crate::housing::model::usual_departure(),
        }
    }

    #[test]
    fn a_resident_with_a_bed_and_no_absence_is_present() {
        let beds = [stay("2026-10-31", None)];
        assert!(is_present(&beds, &[], at("2026-11-22", "12:00")));
        assert!(!is_present(&beds, &[], at("2026-10-30", "12:00")));
    }

    #[test]
    fn a_child_arriving_at_four_eats_dinner_and_one_leaving_at_ten_breakfast_only() {
        let beds = [stay("2026-11-01", Some("2026-11-10"))];
        // The first day: not for breakfast or lunch, in for dinner and the roll.
        assert!(!is_present(&beds, &[], at("2026-11-01", "06:30")));
        assert!(!is_present(&beds, &[], at("2026-11-01", "11:30")));
        assert!(is_present(&beds, &[], at("2026-11-01", "16:00")));
        assert!(is_present(&beds, &[], at("2026-11-01", "21:00")));
        // The last day: breakfast, then gone at 10:00.
        assert!(is_present(&beds, &[], at("2026-11-10", "06:30")));
        assert!(is_present(&beds, &[], at("2026-11-10", "09:59")));
        assert!(!is_present(&beds, &[], at("2026-11-10", "10:00")));
        assert!(!is_present(&beds, &[], at("2026-11-10", "21:00")));
        // Staff moved the arrival to the morning: in for lunch too.
        let early = [Nights {
            arrives: NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
            ..beds[0]
        }];
        assert!(is_present(&early, &[], at("2026-11-01", "11:30")));
    }

    #[test]
    fn a_bed_move_leaves_no_gap_when_the_old_bed_ends_as_the_new_one_starts() {
        let moved = NaiveTime::from_hms_opt(14, 30, 0).expect("time");
        let old = Nights {
            leaves: moved,
            ..stay("2026-11-01", Some("2026-11-05"))
        };
        let new = Nights {
            arrives: moved,
            ..stay("2026-11-05", None)
        };
        for minute in 0..24 * 60 {
            let moment = at("2026-11-05", "00:00") + minute * 60;
            assert!(is_present(&[old, new], &[], moment), "minute {minute}");
            assert!(
                !(old.covers(moment) && new.covers(moment)),
                "minute {minute}"
            );
        }
    }

    #[test]
    fn a_child_leaving_at_ten_misses_lunch_but_not_breakfast() {
        let beds = [stay("2026-11-01", None)];
        let away = [Away {
            starts_at: at("2026-11-23", "10:00"),
            ends_at: Some(at("2026-11-25", "18:00")),
            returned_at: None,
        }];
        assert!(is_present(&beds, &away, at("2026-11-23", "07:00")));
        assert!(!is_present(&beds, &away, at("2026-11-23", "11:30")));
        // Back at 18:00 on the 25th: in for dinner at 18:00, not for lunch.
        assert!(!is_present(&beds, &away, at("2026-11-25", "11:30")));
        assert!(is_present(&beds, &away, at("2026-11-25", "18:00")));
    }

    #[test]
    fn a_child_not_back_two_hours_after_the_planned_end_is_overdue_until_recorded_back() {
        let stay = Away {
            starts_at: at("2026-11-20", "09:00"),
            ends_at: Some(at("2026-11-22", "17:00")),
            returned_at: None,
        };
        let grace = 2 * 3600;
        assert_eq!(stay.overdue_since(at("2026-11-22", "18:59"), grace), None);
        assert_eq!(
            stay.overdue_since(at("2026-11-22", "19:00"), grace),
            Some(at("2026-11-22", "17:00"))
        );
        assert_eq!(
            stay.overdue_since(at("2026-11-22", "17:00"), 0),
            Some(at("2026-11-22", "17:00"))
        );
        let back = Away {
            returned_at: Some(at("2026-11-22", "20:00")),
            ..stay
        };
        assert_eq!(back.overdue_since(at("2026-11-23", "09:00"), grace), None);
        let open = Away {
            ends_at: None,
            ..stay
        };
        assert_eq!(
            open.overdue_since(i64::MAX, grace),
            None,
            "no plan, never overdue"
        );
        assert_eq!(check_grace(" 120 "), Ok(120));
        assert!(check_grace("1441").is_err());
        assert!(check_grace("-1").is_err());
        assert!(check_grace("two hours").is_err());
    }

    #[test]
    fn an_absence_is_extended_to_a_later_end_and_for_a_reason() {
        let stay = Away {
            starts_at: at("2026-11-20", "09:00"),
            ends_at: Some(at("2026-11-22", "17:00")),
            returned_at: None,
        };
        assert_eq!(
            check_extension(&stay, ("2026-11-23", ""), " the bus broke down "),
            Ok((at("2026-11-23", "18:00"), "the bus broke down".into()))
        );
        assert_eq!(
            check_extension(&stay, ("2026-11-22", "16:00"), "earlier"),
            Err(AbsenceProblem::End)
        );
        assert_eq!(
            check_extension(&stay, ("2026-11-23", "12:00"), "  "),
            Err(AbsenceProblem::ExtendReason)
        );
        assert_eq!(
            check_extension(&stay, ("23/11", ""), "why"),
            Err(AbsenceProblem::End)
        );
    }

    #[test]
    fn a_recorded_return_ends_the_absence_whatever_was_planned() {
        let early = Away {
            starts_at: 100,
            ends_at: Some(1000),
            returned_at: Some(500),
        };
        assert!(early.covers(499));
        assert!(!early.covers(500));
        let open = Away {
            starts_at: 100,
            ends_at: None,
            returned_at: None,
        };
        assert!(open.covers(i64::MAX));
    }

    #[test]
    fn the_centre_day_begins_at_17_00_utc_the_day_before() {
        assert_eq!(
            at("2026-11-22", "00:00"),
            chrono::DateTime::parse_from_rfc3339("2026-11-21T17:00:00Z")
                .expect("a time")
                .timestamp()
        );
        assert_eq!(
            local(at("2026-11-22", "21:00")).to_string(),
            "2026-11-22 21:00:00"
        );
    }

    #[test]
    fn an_absence_needs_a_known_reason_and_an_end_after_its_start() {
        assert!(check_absence("home_stay", ("2026-11-22", "09:00"), ("", ""), "").is_ok());
        assert_eq!(
            check_absence("holiday", ("2026-11-22", ""), ("", ""), ""),
            Err(AbsenceProblem::Reason)
        );
        assert_eq!(
            check_absence(
                "hospital",
                ("2026-11-22", "09:00"),
                ("2026-11-22", "08:00"),
                ""
            ),
            Err(AbsenceProblem::End)
        );
        let open =
            check_absence("camp", ("2026-11-22", ""), ("2026-11-24", ""), "").expect("valid");
        assert_eq!(open.away.ends_at, Some(at("2026-11-24", "18:00")));
    }

    #[test]
    fn away_during_a_span_is_away_at_one_of_its_moments() {
        let trip = Away {
            starts_at: at("2026-11-23", "10:00"),
            ends_at: Some(at("2026-11-23", "12:00")),
            returned_at: None,
        };
        let absences = [(trip, AbsenceReason::SchoolTrip)];
        let visit = |from: &str, until: &str| {
            away_during(&absences, at("2026-11-23", from), at("2026-11-23", until))
        };
        assert_eq!(visit("09:00", "11:00"), Some(AbsenceReason::SchoolTrip));
        assert_eq!(visit("11:30", "13:00"), Some(AbsenceReason::SchoolTrip));
        assert_eq!(visit("08:00", "10:00"), None, "back to the slot's end");
        assert_eq!(visit("12:00", "14:00"), None, "back at its start");
        for minute in (0..24 * 60).step_by(7) {
            let moment = at("2026-11-23", "00:00") + minute * 60;
            assert_eq!(
                away_during(&absences, moment, moment + 1).is_some(),
                trip.covers(moment)
            );
        }
    }

    fn row(away: Option<AbsenceReason>, mark: Option<Mark>) -> RollRow {
        RollRow {
            who: Sleeper::Resident(1),
            name_km: "សុខ".into(),
            name_latin: "Sok".into(),
            room: "G1".into(),
            bed: "1".into(),
            away,
            overdue_since: None,
            mark,
            alert_open: false,
        }
    }

    #[test]
    fn a_mark_names_a_resident_or_a_camper_never_both_nor_neither() {
        assert_eq!(Sleeper::named(Some(4), None), Some(Sleeper::Resident(4)));
        assert_eq!(Sleeper::named(None, Some(4)), Some(Sleeper::Camper(4)));
        assert_eq!(Sleeper::named(Some(4), Some(5)), None);
        assert_eq!(Sleeper::named(None, None), None);
        // Their rows never share an element id, whatever the ids.
        assert_ne!(Sleeper::Resident(4).row_id(), Sleeper::Camper(4).row_id());
    }

    #[test]
    fn a_missing_camper_is_dealt_with_on_the_row_of_the_roll_that_found_them() {
        let alert = |who| MissingAlert {
            roll_call_id: 1,
            night: "2026-12-20".parse().expect("date"),
            who,
            building_id: 3,
            name_km: "សុខ".into(),
            name_latin: "Sok".into(),
            building: "A".into(),
        };
        assert_eq!(alert(Sleeper::Resident(9)).page(), "/residents/9");
        assert_eq!(
            alert(Sleeper::Camper(9)).page(),
            "/roll/3?night=2026-12-20#c9"
        );
    }

    #[test]
    fn a_roll_closes_only_when_every_row_is_accounted_for() {
        let done = vec![
            row(Some(AbsenceReason::Hospital), None),
            row(None, Some(Mark::Present)),
            row(None, Some(Mark::Missing)),
        ];
        assert!(check_close(&done).is_ok());
        assert_eq!(
            tally(&done),
            RollTally {
                present: 1,
                away: 1,
                missing: 1,
                unmarked: 0
            }
        );
        let open = vec![row(None, Some(Mark::Present)), row(None, None)];
        assert!(check_close(&open).is_err());
    }

    /// A home stay from `from` at 09:00 until `until` at 17:00 (planned), back `back` if given.
    fn home_stay(from: &str, until: &str, back: Option<&str>) -> Away {
        Away {
            starts_at: at(from, "09:00"),
            ends_at: Some(at(until, "17:00")),
            returned_at: back.map(|b| at(b, "15:00")),
        }
    }

    #[test]
    fn a_bed_is_lent_only_for_nights_its_boarder_is_away_all_of_them() {
        let bed = stay("2026-09-01", None);
        let away = [home_stay("2026-12-19", "2026-12-30", None)];
        // Every night of the stay away: lent.
        assert!(away_for_loan(
            &bed,
            &away,
            day("2026-12-20"),
            day("2026-12-27")
        ));
        // The last night before the home stay ends: still away at its roll call.
        assert!(away_for_loan(
            &bed,
            &away,
            day("2026-12-20"),
            day("2026-12-30")
        ));
        // One night more, and she sleeps there.
        assert!(!away_for_loan(
            &bed,
            &away,
            day("2026-12-20"),
            day("2026-12-31")
        ));
        assert!(!away_for_loan(
            &bed,
            &[],
            day("2026-12-20"),
            day("2026-12-21")
        ));
        // Nights after the boarder has left the bed need nothing.
        let left = stay("2026-09-01", Some("2026-12-19"));
        assert!(away_for_loan(
            &left,
            &[],
            day("2026-12-20"),
            day("2026-12-27")
        ));
    }

    #[test]
    fn a_residential_camper_is_here_from_the_first_night_to_the_last_morning() {
        let nights = (day("2026-12-20"), day("2026-12-27"));
        assert!(!sleeps_over(nights, day("2026-12-19")));
        assert!(sleeps_over(nights, day("2026-12-20")));
        assert!(
            sleeps_over(nights, day("2026-12-27")),
            "breakfast before leaving"
        );
        assert!(!sleeps_over(nights, day("2026-12-28")));
        // A loan emptied before its first night holds no one.
        assert!(!sleeps_over(
            (day("2026-12-20"), day("2026-12-20")),
            day("2026-12-20")
        ));
    }

    #[test]
    fn a_boarder_back_early_needs_the_bed_back_that_night() {
        let bed = stay("2026-09-01", None);
        let back = [home_stay("2026-12-19", "2026-12-30", Some("2026-12-23"))];
        let (from, until) = (day("2026-12-20"), day("2026-12-27"));
        assert_eq!(
            first_night_back(&bed, &back, (from, until), 0),
            Some(day("2026-12-23"))
        );
        let away = [home_stay("2026-12-19", "2026-12-30", None)];
        assert_eq!(first_night_back(&bed, &away, (from, until), 0), None);
        // Back at 21:30, after tonight's roll call: the bed is needed tonight all the same.
        let late = [Away {
            returned_at: Some(at("2026-12-23", "21:30")),
            ..away[0]
        }];
        let now = at("2026-12-23", "21:31");
        let tonight = (day("2026-12-23"), until);
        assert_eq!(
            first_night_back(&bed, &late, tonight, now),
            Some(day("2026-12-23"))
        );
        assert_eq!(
            first_night_back(&bed, &late, tonight, 0),
            Some(day("2026-12-24"))
        );
    }

    proptest::proptest! {
        /// Soundness of the loan rule: a bed lent by it is never slept in by its boarder on a
        /// lent night, by the one presence rule at that night's roll call.
        #[test]
        fn a_loan_never_overlaps_a_night_its_boarder_is_present(
            stay_from in 0..40i64,
            stay_len in proptest::option::of(1..40i64),
            loan_from in 0..40i64,
            loan_len in 1..15i64,
            absences in proptest::collection::vec((0..60i64 * 24, 1..30i64 * 24, proptest::bool::ANY), 0..3),
        ) {
            let origin = day("2026-12-01");
            let days = |n: i64| origin + chrono::Duration::days(n);
            let bed = Nights {
                from_on: days(stay_from),
                until_on: stay_len.map(|len| days(stay_from + len)),
                arrives: crate::housing::model::usual_arrival(),
                leaves: crate::housing::model::usual_departure(),
            };
            let hours = |h: i64| instant(origin, NaiveTime::MIN) + h * 3600;
            let away: Vec<Away> = absences
                .into_iter()
                .map(|(start, len, open)| Away {
                    starts_at: hours(start),
                    ends_at: (!open).then(|| hours(start + len)),
                    returned_at: None,
                })
                .collect();
            let (from, until) = (days(loan_from), days(loan_from + loan_len));
            if away_for_loan(&bed, &away, from, until) {
                for night in from.iter_days().take_while(|n| *n < until) {
                    proptest::prop_assert!(!is_present(std::slice::from_ref(&bed), &away, roll_of(night)), "{night}");
                }
                proptest::prop_assert_eq!(first_night_back(&bed, &away, (from, until), 0), None);
            }
        }
    }
}

/// A resident at the centre at a moment, with what the canteen and tutors need to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentResident {
    pub id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// Girl or boy.
    pub sex: crate::residents::model::Sex,
    /// Boarding school or residence.
    pub programme: crate::residents::model::Programme,
    /// What they eat.
    pub diet: crate::residents::model::Diet,
    /// What they must not eat.
    pub allergies: Vec<crate::residents::model::Allergen>,
}

/// A resident who had (or has) a bed during a span of days, with their nights and absences:
/// what a forecast needs to apply the presence rule to many moments at once
/// (`repo::occupants_between` loads them; `is_present` is the same rule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occupant {
    /// The resident, with their diet and allergies.
    pub resident: PresentResident,
    /// Their allocations overlapping the span.
    pub nights: Vec<Nights>,
    /// Their absences overlapping the span, with the reason.
    pub away: Vec<(Away, AbsenceReason)>,
}

impl Occupant {
    /// Whether they are at the centre at `at`: the presence rule, as `is_present`.
    pub fn present(&self, at: i64) -> bool {
        housed(&self.nights, at) && !self.away.iter().any(|(away, _)| away.covers(at))
    }

    /// Why they are not at the centre at `at`, if an absence says so.
    pub fn away_reason(&self, at: i64) -> Option<AbsenceReason> {
        self.away
            .iter()
            .find(|(away, _)| away.covers(at))
            .map(|(_, reason)| *reason)
    }
}
