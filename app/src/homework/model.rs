//! Shared types and rules of evening homework: classes and their sessions, enrolment (places
//! and time clashes), attendance marks, corrections of past sessions, absence flags and rates.

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::base::error::AppError;
use crate::base::fields::time_field;
use crate::base::i18n::Key;

mod views;
pub use views::*;

/// A school level; a class is for one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    /// Grades 1 to 6.
    Primary,
    /// Grades 7 to 9.
    LowerSecondary,
    /// Grades 10 to 12.
    UpperSecondary,
}

impl Level {
    /// Every level.
    pub const ALL: [Level; 3] = [Level::Primary, Level::LowerSecondary, Level::UpperSecondary];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Level::Primary => "primary",
            Level::LowerSecondary => "lower_secondary",
            Level::UpperSecondary => "upper_secondary",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == code.trim())
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            Level::Primary => Key::LevelPrimary,
            Level::LowerSecondary => Key::LevelLowerSecondary,
            Level::UpperSecondary => Key::LevelUpperSecondary,
        }
    }

    /// The level of a school grade ("4", "grade 8", "11"), if it reads as one; not
    /// "University Y2".
    pub fn of_grade(grade: &str) -> Option<Level> {
        let grade = grade.trim().to_lowercase();
        let number = grade.strip_prefix("grade").unwrap_or(&grade).trim();
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        match number.parse::<u32>().ok()? {
            1..=6 => Some(Level::Primary),
            7..=9 => Some(Level::LowerSecondary),
            10..=12 => Some(Level::UpperSecondary),
            _ => None,
        }
    }
}

/// What a class works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Subject {
    /// Khmer language.
    Khmer,
    Mathematics,
    English,
    Science,
}

impl Subject {
    /// Every subject.
    pub const ALL: [Subject; 4] = [
        Subject::Khmer,
        Subject::Mathematics,
        Subject::English,
        Subject::Science,
    ];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Subject::Khmer => "khmer",
            Subject::Mathematics => "mathematics",
            Subject::English => "english",
            Subject::Science => "science",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            Subject::Khmer => Key::SubjectKhmer,
            Subject::Mathematics => Key::SubjectMathematics,
            Subject::English => Key::SubjectEnglish,
            Subject::Science => Key::SubjectScience,
        }
    }
}

/// When a class meets: weekdays, times and term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timetable {
    /// Weekdays as bits, bit 0 Monday.
    pub weekdays: u8,
    /// Start, local time.
    pub starts_at: NaiveTime,
    /// End, local time.
    pub ends_at: NaiveTime,
    /// First day of term.
    pub term_from: NaiveDate,
    /// Last day of term.
    pub term_until: NaiveDate,
}

impl Timetable {
    /// Whether it meets on `day` (a weekday in term; cancellations aside).
    pub fn meets_on(&self, day: NaiveDate) -> bool {
        self.term_from <= day
            && day <= self.term_until
            && self.weekdays & (1 << day.weekday().num_days_from_monday()) != 0
    }

    /// Its session days from `from` to `until` (inclusive), cancellations aside.
    pub fn days(&self, from: NaiveDate, until: NaiveDate) -> Vec<NaiveDate> {
        let from = from.max(self.term_from);
        let until = until.min(self.term_until);
        from.iter_days()
            .take_while(|day| *day <= until)
            .filter(|day| self.meets_on(*day))
            .collect()
    }

    /// Whether two timetables have a session at the same time: a shared weekday,
    /// overlapping hours and overlapping terms. (The schema's triggers hold the same rule.)
    pub fn clashes(&self, other: &Timetable) -> bool {
        self.weekdays & other.weekdays != 0
            && self.starts_at < other.ends_at
            && other.starts_at < self.ends_at
            && self.term_from <= other.term_until
            && other.term_from <= self.term_until
    }
}

/// A class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeworkClass {
    pub id: i64,
    /// Its name ("Maths 5-6 A").
    pub name: String,
    /// The school level.
    pub level: Level,
    pub subject: Subject,
    /// The tutor (a staff account).
    pub tutor_id: i64,
    pub tutor_name: String,
    pub room: String,
    /// When it meets.
    pub timetable: Timetable,
    /// Places.
    pub capacity: i64,
    /// Residents enrolled now.
    pub enrolled: i64,
}

/// Why a class or an enrolment was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassProblem {
    /// The class has no place left.
    Full,
    /// The resident has another class at that time.
    Clash,
    /// Already in this class.
    AlreadyEnrolled,
    /// The resident has left the centre.
    ResidentLeft,
    /// Fewer places than pupils already in the class.
    BelowRoll,
}

impl From<ClassProblem> for AppError {
    fn from(problem: ClassProblem) -> Self {
        AppError::Conflict {
            message: match problem {
                ClassProblem::Full => Key::ProblemClassFull,
                ClassProblem::Clash => Key::ProblemClassClash,
                ClassProblem::AlreadyEnrolled => Key::ProblemAlreadyEnrolled,
                ClassProblem::ResidentLeft => Key::ProblemResidentLeft,
                ClassProblem::BelowRoll => Key::ProblemCapacityBelowRoll,
            },
        }
    }
}

/// The enrolment rules, checked before writing (the schema checks them again, so a race
/// for the last place cannot break them): not already in, a place left, no clash with
/// `others`, the timetables of the resident's current classes.
pub fn check_enrolment(
    class: &HomeworkClass,
    already: bool,
    others: &[Timetable],
) -> Result<(), ClassProblem> {
    if already {
        return Err(ClassProblem::AlreadyEnrolled);
    }
    if class.enrolled >= class.capacity {
        return Err(ClassProblem::Full);
    }
    if others.iter().any(|other| other.clashes(&class.timetable)) {
        return Err(ClassProblem::Clash);
    }
    Ok(())
}

/// A class as typed into the form, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewClass {
    pub name: String,
    pub level: Level,
    pub subject: Subject,
    pub tutor_id: i64,
    pub room: String,
    /// When it meets.
    pub timetable: Timetable,
    /// Places.
    pub capacity: i64,
}

/// The raw fields of the class form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassInput {
    pub name: String,
    /// Level code.
    pub level: String,
    /// Subject code.
    pub subject: String,
    /// Tutor's staff id.
    pub tutor_id: String,
    pub room: String,
    /// Start, HH:MM.
    pub starts_at: String,
    /// End, HH:MM.
    pub ends_at: String,
    /// Places.
    pub capacity: String,
    /// First day of term.
    pub term_from: String,
    /// Last day of term.
    pub term_until: String,
}

/// Checks the class form; `weekdays` comes from the ticked boxes.
pub fn check_class(input: &ClassInput, weekdays: u8) -> Result<NewClass, AppError> {
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::invalid("name", Key::ProblemName));
    }
    let level =
        Level::parse(&input.level).ok_or_else(|| AppError::invalid("level", Key::ProblemChoice))?;
    let subject = Subject::parse(&input.subject)
        .ok_or_else(|| AppError::invalid("subject", Key::ProblemChoice))?;
    let tutor_id = input
        .tutor_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("tutor_id", Key::ProblemChoice))?;
    let room = input.room.trim().to_owned();
    if room.is_empty() || room.chars().count() > 40 {
        return Err(AppError::invalid("room", Key::ProblemRoom));
    }
    if weekdays == 0 || weekdays > 127 {
        return Err(AppError::invalid("weekdays", Key::ProblemWeekdays));
    }
    let starts_at = time_field(&input.starts_at, "starts_at")?;
    let ends_at = time_field(&input.ends_at, "ends_at")?;
    if ends_at <= starts_at {
        return Err(AppError::invalid("ends_at", Key::ProblemEndsBeforeStart));
    }
    let capacity = input
        .capacity
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=60).contains(n))
        .ok_or_else(|| AppError::invalid("capacity", Key::ProblemCapacity))?;
    let date = crate::base::fields::date_field;
    let term_from = date(&input.term_from, "term_from")?;
    let term_until = date(&input.term_until, "term_until")?;
    if term_until < term_from || (term_until - term_from).num_days() > 400 {
        return Err(AppError::invalid("term_until", Key::ProblemTerm));
    }
    Ok(NewClass {
        name,
        level,
        subject,
        tutor_id,
        room,
        timetable: Timetable {
            weekdays,
            starts_at,
            ends_at,
            term_from,
            term_until,
        },
        capacity,
    })
}

/// A mark at a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// There.
    Present,
    /// Not there, no reason given.
    Absent,
    /// Came late.
    Late,
    /// Not there for a reason.
    Excused,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 4] = [
        Status::Present,
        Status::Absent,
        Status::Late,
        Status::Excused,
    ];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Status::Present => "present",
            Status::Absent => "absent",
            Status::Late => "late",
            Status::Excused => "excused",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            Status::Present => Key::AttendancePresent,
            Status::Absent => Key::AttendanceAbsent,
            Status::Late => Key::AttendanceLate,
            Status::Excused => Key::AttendanceExcused,
        }
    }

    /// Whether the resident was at the session.
    pub const fn attended(self) -> bool {
        matches!(self, Status::Present | Status::Late)
    }
}

/// Checks a mark: a known status, and a reason when excused.
pub fn check_mark(status: &str, reason: &str) -> Result<(Status, String), AppError> {
    let status =
        Status::parse(status).ok_or_else(|| AppError::invalid("status", Key::ProblemChoice))?;
    let reason = reason.trim().to_owned();
    if reason.chars().count() > 200 {
        return Err(AppError::invalid("reason", Key::ProblemTooLong));
    }
    if status == Status::Excused && reason.is_empty() {
        return Err(AppError::invalid("reason", Key::ProblemReasonNeeded));
    }
    Ok((status, reason))
}

/// Whether a session's attendance may be marked on `today`: not before the day; a past
/// session only with the confirmation that it is a correction.
pub fn check_markable(day: NaiveDate, today: NaiveDate, confirmed: bool) -> Result<(), AppError> {
    if day > today {
        return Err(AppError::invalid("day", Key::ProblemSessionFuture));
    }
    if day < today && !confirmed {
        return Err(AppError::invalid("confirm", Key::ProblemCorrectionConfirm));
    }
    Ok(())
}

/// A resident's place at one session, in time order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Marked(Status),
    /// Away according to presence: excused without a mark.
    Away,
    /// Not marked (yet).
    Unmarked,
}

/// How many unexplained absences end a resident's record (the latest sessions first): a
/// run of absences, broken by any attendance or excuse. Unmarked sessions neither count nor
/// break the run.
pub fn absences_in_a_row(outcomes: &[Outcome]) -> usize {
    outcomes
        .iter()
        .rev()
        .filter(|o| **o != Outcome::Unmarked)
        .take_while(|o| **o == Outcome::Marked(Status::Absent))
        .count()
}

/// Attendance over sessions: (attended, expected). Excused and away sessions are not
/// expected; unmarked ones are left out.
pub fn rate(outcomes: &[Outcome]) -> (usize, usize) {
    outcomes.iter().fold((0, 0), |(came, expected), o| match o {
        Outcome::Marked(status) if status.attended() => (came + 1, expected + 1),
        Outcome::Marked(Status::Absent) => (came, expected + 1),
        _ => (came, expected),
    })
}

/// A percentage, rounded down; none when nothing was expected.
pub fn percent((came, expected): (usize, usize)) -> Option<usize> {
    (expected > 0).then(|| came * 100 / expected)
}

#[cfg(test)]
mod tests;

fn level_words(code: &str) -> Option<Key> {
    Level::parse(code).map(Level::label)
}

fn subject_words(code: &str) -> Option<Key> {
    Subject::parse(code).map(Subject::label)
}

/// How a class's history reads: the class, its places and its cancelled sessions. The tutor
/// and the pupils are put in words by the page's server function.
pub const CLASS_HISTORY: crate::audit::history::Vocabulary = {
    use crate::audit::history::{Field, Reading};
    &[
        (
            "homework_class",
            &[
                Field {
                    key: "name",
                    label: Key::FieldName,
                    reading: Reading::Text,
                },
                Field {
                    key: "level",
                    label: Key::HomeworkLevel,
                    reading: Reading::Code(level_words),
                },
                Field {
                    key: "subject",
                    label: Key::HomeworkSubject,
                    reading: Reading::Code(subject_words),
                },
                Field {
                    key: "tutor_id",
                    label: Key::HomeworkTutor,
                    reading: Reading::Named,
                },
                Field {
                    key: "room",
                    label: Key::HomeworkRoom,
                    reading: Reading::Text,
                },
                Field {
                    key: "weekdays",
                    label: Key::HomeworkWeekdays,
                    reading: Reading::Weekdays,
                },
                Field {
                    key: "starts_at",
                    label: Key::HomeworkStartsAt,
                    reading: Reading::Clock,
                },
                Field {
                    key: "ends_at",
                    label: Key::HomeworkEndsAt,
                    reading: Reading::Clock,
                },
                Field {
                    key: "capacity",
                    label: Key::HomeworkPlaces,
                    reading: Reading::Number,
                },
                Field {
                    key: "term_from",
                    label: Key::HomeworkTermFrom,
                    reading: Reading::Date,
                },
                Field {
                    key: "term_until",
                    label: Key::HomeworkTermUntil,
                    reading: Reading::Date,
                },
            ],
        ),
        (
            "enrolment",
            &[
                Field {
                    key: "resident_id",
                    label: Key::FieldResident,
                    reading: Reading::Named,
                },
                Field {
                    key: "from",
                    label: Key::FieldFrom,
                    reading: Reading::Date,
                },
                Field {
                    key: "until",
                    label: Key::FieldUntil,
                    reading: Reading::Date,
                },
            ],
        ),
        (
            "homework_session",
            &[Field {
                key: "reason",
                label: Key::FieldReason,
                reading: Reading::Text,
            }],
        ),
    ]
};
