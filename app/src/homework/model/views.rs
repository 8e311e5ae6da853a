//! What the homework pages receive from its server functions, and the forms they post.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ClassInput, HomeworkClass, Outcome, Status};
use crate::base::fields::DaysForm;
use crate::presence::model::AbsenceReason;

/// How many marks a session's tally counts of each kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Present or late.
    pub came: usize,
    pub absent: usize,
    /// Excused by a mark.
    pub excused: usize,
    /// Away according to presence.
    pub away: usize,
    /// Not marked yet.
    pub unmarked: usize,
}

impl Tally {
    /// The tally of a session's rows.
    pub fn of(rows: &[AttendanceRow]) -> Tally {
        rows.iter().fold(Tally::default(), |mut t, row| {
            match (row.status, row.away) {
                (Some(s), _) if s.attended() => t.came += 1,
                (Some(Status::Absent), _) => t.absent += 1,
                (Some(_), _) => t.excused += 1,
                (None, Some(_)) => t.away += 1,
                (None, None) => t.unmarked += 1,
            }
            t
        })
    }
}

/// A session on the tonight page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub class: HomeworkClass,
    /// The reason, when cancelled.
    pub cancelled: Option<String>,
    /// Its marks so far.
    pub tally: Tally,
}

/// A resident flagged for unexplained absences in a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub resident_id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// Absences in a row.
    pub absences: usize,
    /// The last session missed.
    pub last: NaiveDate,
}

/// `/homework`: tonight's sessions of the viewer, and the flags for house staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TonightPage {
    /// Today at the centre.
    pub today: NaiveDate,
    /// Tonight's sessions.
    pub sessions: Vec<SessionSummary>,
    /// Residents with too many unexplained absences in a row (house staff and admin).
    pub flags: Vec<Flag>,
    /// How many in a row flag a resident.
    pub absences_in_a_row: i64,
    /// Whether the viewer manages classes.
    pub can_manage: bool,
}

/// A row of a session's attendance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceRow {
    pub resident_id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// The mark, if any.
    pub status: Option<Status>,
    pub reason: String,
    /// Away according to presence at the session's start (excused), and why.
    pub away: Option<Option<AbsenceReason>>,
}

/// `/homework/session/:id?day=`: a session's attendance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionPage {
    pub class: HomeworkClass,
    pub day: NaiveDate,
    /// Today at the centre.
    pub today: NaiveDate,
    /// The reason, when cancelled.
    pub cancelled: Option<String>,
    /// Whether the class meets that day at all.
    pub scheduled: bool,
    /// The roll.
    pub rows: Vec<AttendanceRow>,
    /// Whether the viewer may mark it now (past sessions need a confirmation).
    pub can_mark: bool,
    /// Who is looking, and marks.
    pub marker: crate::base::ui::Marker,
}

/// A class with a resident who could join it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub resident_id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// School grade.
    pub grade: String,
}

/// A pupil's attendance over the term so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilRate {
    pub resident_id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// School grade.
    pub grade: String,
    /// Sessions attended and expected.
    pub rate: (usize, usize),
}

/// `/homework/classes/:id`: a class, its roll, its sessions and rates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassPage {
    pub class: HomeworkClass,
    /// Today at the centre.
    pub today: NaiveDate,
    /// Its pupils now, with their rate over the term so far.
    pub pupils: Vec<PupilRate>,
    /// The class's rate over the term so far.
    pub rate: (usize, usize),
    /// Its sessions in term, with the reason when cancelled.
    pub sessions: Vec<(NaiveDate, Option<String>)>,
    /// Residents of the class's level who could join (managers only).
    pub candidates: Vec<Candidate>,
    /// Tutors, to change the class (managers only).
    pub tutors: Vec<(i64, String)>,
    /// Whether the viewer manages it.
    pub can_manage: bool,
    /// What was done to the class, its places and its sessions, newest first.
    pub history: Vec<crate::audit::history::HistoryEntry>,
}

/// `/homework/classes`: every class the viewer sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassesPage {
    pub classes: Vec<HomeworkClass>,
    /// Tutors, to add a class (managers only).
    pub tutors: Vec<(i64, String)>,
    /// Today, for the new class's term.
    pub today: NaiveDate,
    /// How many in a row flag a resident.
    pub absences_in_a_row: i64,
    /// Whether the viewer manages classes.
    pub can_manage: bool,
}

/// `/homework/residents/:id`: a resident's homework attendance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentAttendance {
    pub resident_id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// Sessions, newest first: class name, day, outcome, reason, away reason.
    pub sessions: Vec<(String, NaiveDate, Outcome, String, Option<AbsenceReason>)>,
    /// Attended and expected.
    pub rate: (usize, usize),
}

/// A class as posted by its form (`class[field]`); `id` 0 adds one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassForm {
    /// The class, or 0 for a new one.
    #[serde(default)]
    pub id: i64,
    /// The fields (`class[input][name]`...).
    #[serde(default)]
    pub input: ClassInput,
    /// The ticked weekdays.
    #[serde(default)]
    pub days: DaysForm,
}
