//! Demo homework: eighteen evening classes taught by the demo tutor and four volunteers,
//! the boarding-school children and some residence students enrolled, a holiday and an exam
//! week cancelled, and four weeks of attendance with two children flagged for absences in a
//! row. Deterministic, and seeding twice adds nothing.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use sqlx::SqlitePool;

use crate::base::access::Role;
use crate::base::db::begin_write;
use crate::base::i18n::Lang;
use crate::demo::Rng;
use crate::demo::calendar::{days, hm, next_weekday};
use crate::homework::model::{Level, NewClass, Status, Subject, Timetable};
use crate::homework::repo;
use crate::presence::model::{Occupant, instant};
use crate::residents::model::Programme;

/// The volunteer tutors who teach beside the demo tutor: login, name, language. They are
/// not demo sign-ins: their passwords are random and never shown.
const VOLUNTEERS: [(&str, &str, Lang); 4] = [
    ("volunteer-pisey", "សុខ ពិសី Sok Pisey", Lang::Km),
    ("volunteer-dara", "លឹម ដារា Lim Dara", Lang::Km),
    ("volunteer-emma", "Emma Wilson", Lang::En),
    ("volunteer-sokha", "ញឹម សុខា Nhem Sokha", Lang::Km),
];

/// The two sessions of an evening, after dinner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// 17:45 to 18:45.
    Early,
    /// 19:00 to 20:00.
    Late,
}

impl Slot {
    fn hours(self) -> (NaiveTime, NaiveTime) {
        match self {
            Slot::Early => (hm(17, 45), hm(18, 45)),
            Slot::Late => (hm(19, 0), hm(20, 0)),
        }
    }
}

const EVERY_DAY: u8 = 0b111_1111;
const MON_WED_FRI: u8 = 0b001_0101;
const TUE_THU: u8 = 0b000_1010;

/// Whom a class takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Takes {
    /// School children of these grades.
    Grades(u32, u32),
    /// Students of the residence, whatever their year.
    Students,
}

/// A demo class. `tutor` 0 is the demo tutor, 1 to 4 the volunteers. Each tutor teaches
/// one class, or a Monday-Wednesday-Friday and a Tuesday-Thursday class, per slot, and no
/// room holds two classes at once.
struct ClassSeed {
    name: &'static str,
    level: Level,
    subject: Subject,
    takes: Takes,
    tutor: usize,
    room: &'static str,
    slot: Slot,
    weekdays: u8,
    capacity: i64,
}

const fn class(
    name: &'static str,
    (level, subject, takes): (Level, Subject, Takes),
    (tutor, room): (usize, &'static str),
    (slot, weekdays, capacity): (Slot, u8, i64),
) -> ClassSeed {
    ClassSeed {
        name,
        level,
        subject,
        takes,
        tutor,
        room,
        slot,
        weekdays,
        capacity,
    }
}

const PRIMARY: Level = Level::Primary;
const LOWER: Level = Level::LowerSecondary;
const UPPER: Level = Level::UpperSecondary;
const KHMER: Subject = Subject::Khmer;
const MATHS: Subject = Subject::Mathematics;
const ENGLISH: Subject = Subject::English;
const SCIENCE: Subject = Subject::Science;
const EARLY: Slot = Slot::Early;
const LATE: Slot = Slot::Late;

/// The demo tutor's two conversation classes meet every day, so that tonight always has a
/// session of hers to take.
const CONVERSATION_A: &str = "English conversation A";
const CONVERSATION_B: &str = "English conversation B";
const EXAM_CLASSES: [&str; 2] = ["Maths 10-12", "Science 10-12"];

const CLASSES: [ClassSeed; 18] = [
    class(
        CONVERSATION_A,
        (UPPER, ENGLISH, Takes::Students),
        (0, "Library"),
        (EARLY, EVERY_DAY, 15),
    ),
    class(
        CONVERSATION_B,
        (UPPER, ENGLISH, Takes::Students),
        (0, "Room 6"),
        (LATE, EVERY_DAY, 15),
    ),
    class(
        "Khmer reading 1-3",
        (PRIMARY, KHMER, Takes::Grades(1, 3)),
        (1, "Room 1"),
        (EARLY, MON_WED_FRI, 30),
    ),
    class(
        "Maths 1-3",
        (PRIMARY, MATHS, Takes::Grades(1, 3)),
        (1, "Room 1"),
        (EARLY, TUE_THU, 30),
    ),
    class(
        "Maths 4-6",
        (PRIMARY, MATHS, Takes::Grades(4, 6)),
        (2, "Room 2"),
        (EARLY, MON_WED_FRI, 30),
    ),
    class(
        "Science 4-6",
        (PRIMARY, SCIENCE, Takes::Grades(4, 6)),
        (2, "Room 2"),
        (EARLY, TUE_THU, 28),
    ),
    class(
        "English 1-3",
        (PRIMARY, ENGLISH, Takes::Grades(1, 3)),
        (3, "Room 3"),
        (EARLY, MON_WED_FRI, 25),
    ),
    class(
        "English 4-6",
        (PRIMARY, ENGLISH, Takes::Grades(4, 6)),
        (3, "Room 3"),
        (EARLY, TUE_THU, 25),
    ),
    class(
        "Khmer 4-6",
        (PRIMARY, KHMER, Takes::Grades(4, 6)),
        (4, "Room 4"),
        (EARLY, MON_WED_FRI, 30),
    ),
    class(
        "Khmer 7-9",
        (LOWER, KHMER, Takes::Grades(7, 9)),
        (4, "Room 4"),
        (EARLY, TUE_THU, 25),
    ),
    class(
        "Maths 7-9",
        (LOWER, MATHS, Takes::Grades(7, 9)),
        (1, "Library"),
        (LATE, MON_WED_FRI, 25),
    ),
    class(
        "Khmer 10-12",
        (UPPER, KHMER, Takes::Grades(10, 12)),
        (1, "Library"),
        (LATE, TUE_THU, 25),
    ),
    class(
        "Maths 10-12",
        (UPPER, MATHS, Takes::Grades(10, 12)),
        (2, "Room 1"),
        (LATE, MON_WED_FRI, 25),
    ),
    class(
        "Science 7-9",
        (LOWER, SCIENCE, Takes::Grades(7, 9)),
        (2, "Room 1"),
        (LATE, TUE_THU, 25),
    ),
    class(
        "English 7-9",
        (LOWER, ENGLISH, Takes::Grades(7, 9)),
        (3, "Room 2"),
        (LATE, MON_WED_FRI, 25),
    ),
    class(
        "English 10-12",
        (UPPER, ENGLISH, Takes::Grades(10, 12)),
        (3, "Room 2"),
        (LATE, TUE_THU, 25),
    ),
    class(
        "Science 10-12",
        (UPPER, SCIENCE, Takes::Grades(10, 12)),
        (4, "Room 3"),
        (LATE, MON_WED_FRI, 25),
    ),
    class(
        "Khmer writing 4-6",
        (PRIMARY, KHMER, Takes::Grades(4, 6)),
        (4, "Room 3"),
        (LATE, TUE_THU, 25),
    ),
];

/// How many students each conversation class takes, and how many residence students are
/// enrolled in all.
const CONVERSATION_PUPILS: [usize; 2] = [14, 12];
const STUDENTS: usize = 40;

/// Why a pupil was excused by their tutor.
const EXCUSES: [&str; 6] = [
    "Sick",
    "ឈឺ",
    "Family visit",
    "ទៅពេទ្យ",
    "School trip",
    "Dentist appointment",
];

const HOLIDAY: &str = "បុណ្យអុំទូក Water festival holiday";
const EXAMS: &str = "ប្រឡងឆមាស Semester exams: revision at school";

/// The term: five weeks ago to two months ahead.
fn term(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (today - days(35), today + days(60))
}

fn timetable(seed: &ClassSeed, (term_from, term_until): (NaiveDate, NaiveDate)) -> Timetable {
    let (starts_at, ends_at) = seed.slot.hours();
    Timetable {
        weekdays: seed.weekdays,
        starts_at,
        ends_at,
        term_from,
        term_until,
    }
}

/// The holiday: the weekday about twelve days ago.
fn holiday(today: NaiveDate) -> NaiveDate {
    let day = today - days(12);
    match day.weekday() {
        Weekday::Sat => day - days(1),
        Weekday::Sun => day - days(2),
        _ => day,
    }
}

/// The exam sessions next week: two of each exam class.
fn exam_days(today: NaiveDate) -> [[NaiveDate; 2]; 2] {
    let monday = next_weekday(today + days(1), Weekday::Mon);
    [
        [monday, monday + days(2)],
        [monday + days(2), monday + days(4)],
    ]
}

/// A resident who may be enrolled: in a bed now.
#[derive(Clone, Debug)]
struct Candidate {
    id: i64,
    grade: String,
    programme: Programme,
    admitted_on: NaiveDate,
}

/// A school grade written as a number from 1 to 12 (students' "University Y2" is none).
fn school_grade(grade: &str) -> Option<u32> {
    grade
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|g| (1..=12).contains(g))
}

/// Whether class `seed` takes a child of `grade`, by its grades and level.
fn takes_grade(seed: &ClassSeed, grade: &str) -> bool {
    match (seed.takes, school_grade(grade)) {
        (Takes::Grades(lo, hi), Some(g)) => {
            (lo..=hi).contains(&g) && Level::of_grade(grade) == Some(seed.level)
        }
        _ => false,
    }
}

/// A planned enrolment: class index, resident, first day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Placed {
    class: usize,
    resident: i64,
    from: NaiveDate,
}

/// Adds to `chosen` the least-filled class of `eligible` with a place left that fits beside
/// the classes already chosen (another subject, another time), if any.
fn pick(
    rng: &mut Rng,
    eligible: &[usize],
    chosen: &mut Vec<usize>,
    roll: &mut [i64],
    timetables: &[Timetable],
) -> Option<usize> {
    let mut options: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&c| roll[c] < CLASSES[c].capacity)
        .filter(|&c| {
            chosen.iter().all(|&o| {
                CLASSES[o].subject != CLASSES[c].subject && !timetables[o].clashes(&timetables[c])
            })
        })
        .collect();
    rng.shuffle(&mut options);
    let best = options
        .into_iter()
        .min_by_key(|&c| roll[c] * 100 / CLASSES[c].capacity)?;
    roll[best] += 1;
    chosen.push(best);
    Some(best)
}

/// Enrolments as a tutor would: the conversation classes and some upper-secondary classes
/// for residence students, one or two classes of their grade for every school child, never
/// two at the same time, never over a class's places (the schema would refuse either).
fn plan_enrolments(rng: &mut Rng, candidates: &[Candidate], today: NaiveDate) -> Vec<Placed> {
    let term = term(today);
    let timetables: Vec<Timetable> = CLASSES.iter().map(|c| timetable(c, term)).collect();
    let mut roll = vec![0_i64; CLASSES.len()];
    let mut out = Vec::new();
    let mut order: Vec<&Candidate> = candidates.iter().collect();
    rng.shuffle(&mut order);

    let conversation: Vec<usize> = (0..CLASSES.len())
        .filter(|&c| CLASSES[c].takes == Takes::Students)
        .collect();
    let mut students = 0;
    let mut wanted = conversation
        .iter()
        .zip(CONVERSATION_PUPILS)
        .flat_map(|(&c, n)| std::iter::repeat_n(c, n));
    for candidate in order.iter().copied() {
        let from = term.0.max(candidate.admitted_on);
        let mut chosen = Vec::new();
        if candidate.programme == Programme::Residence {
            if students >= STUDENTS {
                continue;
            }
            if let Some(c) = wanted.next() {
                roll[c] += 1;
                chosen.push(c);
            } else {
                // The rest of the students still at school take one class of their grade.
                let eligible: Vec<usize> = (0..CLASSES.len())
                    .filter(|&c| takes_grade(&CLASSES[c], &candidate.grade))
                    .collect();
                pick(rng, &eligible, &mut chosen, &mut roll, &timetables);
            }
            students += usize::from(!chosen.is_empty());
        } else {
            let eligible: Vec<usize> = (0..CLASSES.len())
                .filter(|&c| takes_grade(&CLASSES[c], &candidate.grade))
                .collect();
            let classes = if rng.chance(55) { 2 } else { 1 };
            for _ in 0..classes {
                pick(rng, &eligible, &mut chosen, &mut roll, &timetables);
            }
        }
        out.extend(chosen.into_iter().map(|class| Placed {
            class,
            resident: candidate.id,
            from,
        }));
    }
    out.sort_by_key(|p| (p.class, p.resident));
    out
}

/// A planned attendance mark.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Mark {
    class: usize,
    day: NaiveDate,
    resident: i64,
    status: Status,
    reason: &'static str,
}

/// What the attendance history is drawn from.
struct Past<'a> {
    timetables: &'a [Timetable],
    placed: &'a [Placed],
    cancelled: &'a HashSet<(usize, NaiveDate)>,
    occupants: &'a HashMap<i64, Occupant>,
    /// The first day marked.
    first: NaiveDate,
    today: NaiveDate,
}

/// A mark as tutors give them: mostly present, some late, absent or excused.
fn draw(rng: &mut Rng) -> (Status, &'static str) {
    match rng.below(100) {
        0..88 => (Status::Present, ""),
        88..92 => (Status::Late, ""),
        92..97 => (Status::Absent, ""),
        _ => (Status::Excused, EXCUSES[rng.below(EXCUSES.len())]),
    }
}

/// The marks of every session from `first` to yesterday, in session order (day, start,
/// class), for the pupils at the centre when it began; those away are excused by presence
/// and get none. Nobody misses three sessions in a row, except two children whose last three
/// marked sessions are absences, so that the flag list shows them.
fn plan_marks(rng: &mut Rng, past: &Past<'_>) -> Vec<Mark> {
    let mut by_class: Vec<Vec<&Placed>> = vec![Vec::new(); past.timetables.len()];
    for placed in past.placed {
        by_class[placed.class].push(placed);
    }
    let mut order: Vec<usize> = (0..past.timetables.len()).collect();
    order.sort_by_key(|&c| (past.timetables[c].starts_at, c));

    let mut marks = Vec::new();
    let mut in_a_row: HashMap<i64, usize> = HashMap::new();
    let mut ever_away: HashSet<i64> = HashSet::new();
    let mut marked: HashMap<i64, usize> = HashMap::new();
    for day in past.first.iter_days().take_while(|day| *day <= past.today) {
        for &c in &order {
            let t = &past.timetables[c];
            if !t.meets_on(day) || past.cancelled.contains(&(c, day)) {
                continue;
            }
            let at = instant(day, t.starts_at);
            for placed in by_class[c].iter().filter(|p| p.from <= day) {
                let resident = placed.resident;
                let here = past.occupants.get(&resident).is_some_and(|o| o.present(at));
                if !here {
                    // Excused by presence: it breaks a run of absences.
                    in_a_row.insert(resident, 0);
                    ever_away.insert(resident);
                    continue;
                }
                if day == past.today {
                    continue;
                }
                let run = in_a_row.entry(resident).or_default();
                let (mut status, mut reason) = draw(rng);
                if status == Status::Absent && *run >= 2 {
                    (status, reason) = (Status::Present, "");
                }
                *run = if status == Status::Absent {
                    *run + 1
                } else {
                    0
                };
                *marked.entry(resident).or_default() += 1;
                marks.push(Mark {
                    class: c,
                    day,
                    resident,
                    status,
                    reason,
                });
            }
        }
    }

    // Two children always here, whose last three sessions went unexplained.
    let mut steady: Vec<i64> = marked
        .iter()
        .filter(|(resident, n)| **n >= 6 && !ever_away.contains(*resident))
        .map(|(resident, _)| *resident)
        .collect();
    steady.sort_unstable();
    rng.shuffle(&mut steady);
    for resident in steady.into_iter().take(2) {
        for mark in marks
            .iter_mut()
            .rev()
            .filter(|m| m.resident == resident)
            .take(3)
        {
            (mark.status, mark.reason) = (Status::Absent, "");
        }
    }
    marks
}

/// Residents in a bed now, by id.
async fn candidates(conn: &mut sqlx::SqliteConnection) -> Result<Vec<Candidate>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.id AS "id!: i64", r.grade, r.programme,
                  r.admitted_on AS "admitted_on: NaiveDate"
           FROM resident r
           WHERE r.left_on IS NULL
             AND EXISTS (SELECT 1 FROM allocation a
                         WHERE a.resident_id = r.id AND a.until_on IS NULL)
           ORDER BY r.id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Candidate {
                id: r.id,
                grade: r.grade,
                programme: Programme::parse(&r.programme)?,
                admitted_on: r.admitted_on,
            })
        })
        .collect())
}

/// Seeds the homework classes on `today`: the demo tutor (the first of `tutor_ids`) teaches
/// two conversation classes that meet every day, four volunteer tutors (created if missing)
/// the others, Monday to Friday; residents in a bed are enrolled from the start of term, five
/// weeks ago; the water festival and next week's exams cancel sessions; the four weeks
/// before today are marked by the tutors. Run it after the residents' seed, whose beds and
/// absences it reads. One transaction; nothing is done if any class exists or no tutor is
/// given.
pub async fn seed(
    pool: &SqlitePool,
    today: NaiveDate,
    tutor_ids: &[i64],
    house_staff_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let Some(&demo_tutor) = tutor_ids.first() else {
        return Ok(());
    };
    let mut conn = pool.acquire().await?;
    let seeded = !repo::classes(&mut conn, None).await?.is_empty();
    drop(conn);
    if seeded {
        return Ok(());
    }
    let tutors: Vec<i64> = std::iter::once(demo_tutor)
        .chain(super::staff_without_sign_in(pool, &VOLUNTEERS, Role::Tutor).await?)
        .collect();

    let mut tx = begin_write(pool).await?;
    if !repo::classes(&mut tx, None).await?.is_empty() {
        return Ok(());
    }
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let term = term(today);
    let timetables: Vec<Timetable> = CLASSES.iter().map(|c| timetable(c, term)).collect();
    let mut ids = Vec::new();
    for (seed, timetable) in CLASSES.iter().zip(&timetables) {
        let class = NewClass {
            name: seed.name.into(),
            level: seed.level,
            subject: seed.subject,
            tutor_id: tutors[seed.tutor % tutors.len()],
            room: seed.room.into(),
            timetable: *timetable,
            capacity: seed.capacity,
        };
        ids.push((
            repo::save_class(&mut tx, None, &class).await?,
            class.tutor_id,
        ));
    }

    let candidates = candidates(&mut tx).await?;
    let placed = plan_enrolments(&mut rng, &candidates, today);
    for p in &placed {
        repo::insert_enrolment(&mut tx, ids[p.class].0, p.resident, p.from).await?;
    }

    let mut cancelled = HashSet::new();
    let holiday = holiday(today);
    for (c, timetable) in timetables.iter().enumerate() {
        if timetable.meets_on(holiday) {
            repo::set_cancelled(&mut tx, ids[c].0, holiday, Some(HOLIDAY), house_staff_id).await?;
            cancelled.insert((c, holiday));
        }
    }
    for (name, exam_days) in EXAM_CLASSES.into_iter().zip(exam_days(today)) {
        let Some(c) = CLASSES.iter().position(|seed| seed.name == name) else {
            continue;
        };
        for day in exam_days.into_iter().filter(|d| timetables[c].meets_on(*d)) {
            repo::set_cancelled(&mut tx, ids[c].0, day, Some(EXAMS), house_staff_id).await?;
            cancelled.insert((c, day));
        }
    }

    let first = term.0.max(today - days(28));
    let occupants: HashMap<i64, Occupant> =
        crate::presence::repo::occupants_between(&mut tx, first, today)
            .await?
            .into_iter()
            .map(|o| (o.resident.id, o))
            .collect();
    let past = Past {
        timetables: &timetables,
        placed: &placed,
        cancelled: &cancelled,
        occupants: &occupants,
        first,
        today,
    };
    let marks = plan_marks(&mut rng, &past);
    for mark in &marks {
        let (class_id, tutor_id) = ids[mark.class];
        let marked_at = instant(mark.day, timetables[mark.class].ends_at);
        repo::set_mark(
            &mut tx,
            (class_id, mark.day, mark.resident),
            (mark.status, mark.reason),
            Some(tutor_id),
            marked_at,
        )
        .await?;
    }

    super::seeded(
        tx,
        "homework",
        serde_json::json!({
            "classes": ids.len(),
            "tutors": tutors.len(),
            "enrolments": placed.len(),
            "cancelled_sessions": cancelled.len(),
            "attendance_marks": marks.len(),
        }),
    )
    .await
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::homework::history::outcomes;
    use crate::homework::model::absences_in_a_row;

    use crate::demo::calendar::sample_today as today;

    #[test]
    fn no_tutor_and_no_room_is_in_two_places_at_once() {
        let term = term(today());
        for (i, a) in CLASSES.iter().enumerate() {
            assert!(a.name.chars().count() <= 80 && (1..=60).contains(&a.capacity));
            for b in &CLASSES[i + 1..] {
                assert_ne!(a.name, b.name);
                let clash = timetable(a, term).clashes(&timetable(b, term));
                assert!(!(clash && a.tutor == b.tutor), "{} / {}", a.name, b.name);
                assert!(!(clash && a.room == b.room), "{} / {}", a.name, b.name);
            }
        }
        let conversation: Vec<&ClassSeed> = CLASSES.iter().filter(|c| c.tutor == 0).collect();
        assert_eq!(conversation.len(), 2);
        assert!(conversation.iter().all(|c| c.weekdays == EVERY_DAY));
        assert_eq!(holiday(today()).weekday(), Weekday::Tue);
        assert!(
            EXAM_CLASSES
                .iter()
                .all(|n| CLASSES.iter().any(|c| c.name == *n))
        );
        let exams = exam_days(today());
        assert_eq!(exams[0][0], today() + days(1));
    }

    async fn tutor(pool: &SqlitePool) -> sqlx::Result<i64> {
        let id = sqlx::query_scalar!(
            r#"INSERT INTO staff_user (login, display_name, password_hash)
               VALUES ('tutor', 'Claire Martin', '$argon2id$test') RETURNING id AS "id!: i64""#
        )
        .fetch_one(pool)
        .await?;
        sqlx::query!(
            "INSERT INTO staff_role (staff_user_id, role) VALUES (?, 'tutor')",
            id
        )
        .execute(pool)
        .await?;
        Ok(id)
    }

    async fn table_sizes(pool: &SqlitePool) -> sqlx::Result<Vec<i64>> {
        let row = sqlx::query!(
            r#"SELECT (SELECT count(*) FROM homework_class) AS "classes!: i64",
                      (SELECT count(*) FROM enrolment) AS "enrolments!: i64",
                      (SELECT count(*) FROM session_cancellation) AS "cancelled!: i64",
                      (SELECT count(*) FROM attendance) AS "marks!: i64",
                      (SELECT count(*) FROM staff_user) AS "staff!: i64",
                      (SELECT count(*) FROM audit_log WHERE entity = 'homework') AS "audit!: i64""#
        )
        .fetch_one(pool)
        .await?;
        Ok(vec![
            row.classes,
            row.enrolments,
            row.cancelled,
            row.marks,
            row.staff,
            row.audit,
        ])
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn nothing_is_seeded_without_a_tutor(pool: SqlitePool) -> sqlx::Result<()> {
        seed(&pool, today(), &[], None).await?;
        assert_eq!(table_sizes(&pool).await?, vec![0; 6]);
        Ok(())
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn the_demo_classes_have_pupils_without_clashes_a_month_of_marks_and_seed_once(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let mut conn = pool.acquire().await?;
        crate::demo::centre::seed_demo(&mut conn).await?;
        drop(conn);
        let claire = tutor(&pool).await?;
        crate::demo::residents::seed(&pool, today(), None).await?;
        seed(&pool, today(), &[claire], None).await?;
        let sizes = table_sizes(&pool).await?;
        seed(&pool, today(), &[claire], None).await?;
        assert_eq!(
            table_sizes(&pool).await?,
            sizes,
            "seeding twice adds nothing"
        );
        assert_eq!(sizes[5], 1, "one audit entry");

        let mut conn = pool.acquire().await?;
        let classes = repo::classes(&mut conn, None).await?;
        assert!((16..=24).contains(&classes.len()), "{}", classes.len());
        let tutors: HashSet<i64> = classes.iter().map(|c| c.tutor_id).collect();
        assert_eq!(tutors.len(), 5);
        assert_eq!(
            crate::people::repo::holding(&mut conn, Role::Tutor)
                .await?
                .len(),
            5
        );

        // The demo tutor has a session every evening, with pupils.
        let hers = repo::classes(&mut conn, Some(claire)).await?;
        assert_eq!(hers.len(), 2);
        for class in &hers {
            assert_eq!(class.timetable.weekdays, EVERY_DAY);
            assert!((8..=15).contains(&class.enrolled), "{}", class.enrolled);
            assert!(!repo::roll(&mut conn, class.id, today()).await?.is_empty());
        }

        // Nobody is in two classes at once, nor over a class's places.
        let by_id: HashMap<i64, Timetable> = classes.iter().map(|c| (c.id, c.timetable)).collect();
        let spans = repo::spans(&mut conn, today(), today(), repo::Scope::default()).await?;
        let mut theirs: BTreeMap<i64, Vec<Timetable>> = BTreeMap::new();
        for span in &spans {
            theirs
                .entry(span.resident_id)
                .or_default()
                .push(by_id[&span.class_id]);
        }
        for timetables in theirs.values() {
            for (i, a) in timetables.iter().enumerate() {
                assert!(timetables[i + 1..].iter().all(|b| !a.clashes(b)));
            }
        }
        assert!(classes.iter().all(|c| c.enrolled <= c.capacity));
        assert!(
            classes.iter().all(|c| c.enrolled > 0),
            "every class has pupils"
        );

        // Every school child in a bed has a class; about forty students too.
        let all = candidates(&mut conn).await?;
        let children = all
            .iter()
            .filter(|c| c.programme == Programme::BoardingSchool);
        for child in children {
            let n = theirs.get(&child.id).map_or(0, Vec::len);
            assert!((1..=2).contains(&n), "resident {} in {n} classes", child.id);
        }
        let students = all
            .iter()
            .filter(|c| c.programme == Programme::Residence && theirs.contains_key(&c.id))
            .count();
        assert!((30..=40).contains(&students), "{students} students");

        // Two children flagged, and only two.
        let now = instant(today(), hm(23, 59));
        let history = outcomes(
            &mut conn,
            (today() - days(56), today()),
            repo::Scope::default(),
            now,
        )
        .await?;
        let flagged: Vec<i64> = history
            .iter()
            .filter(|(_, sessions)| {
                let outcomes: Vec<_> = sessions.iter().map(|s| s.outcome).collect();
                absences_in_a_row(&outcomes) >= 3
            })
            .map(|(resident, _)| *resident)
            .collect();
        assert_eq!(flagged.len(), 2, "{flagged:?}");

        // Most past sessions were marked, today's are not, the holiday is cancelled.
        let (first, yesterday) = (today() - days(28), today() - days(1));
        let marks = repo::marks_between(&mut conn, first, today(), repo::Scope::default()).await?;
        assert!(marks.keys().all(|(_, day, _)| *day < today()));
        let cancelled: HashSet<(i64, NaiveDate)> =
            repo::cancellations_between(&mut conn, first, today() + days(14))
                .await?
                .into_iter()
                .collect();
        let (mut sessions, mut with_marks) = (0, 0);
        for class in &classes {
            for day in class.timetable.days(first, yesterday) {
                assert_eq!(
                    day == holiday(today()),
                    cancelled.contains(&(class.id, day)),
                    "{} {day}",
                    class.name
                );
                if cancelled.contains(&(class.id, day)) {
                    continue;
                }
                sessions += 1;
                let marked = marks.keys().any(|(c, d, _)| *c == class.id && *d == day);
                with_marks += usize::from(marked);
            }
        }
        assert!(
            with_marks * 100 >= sessions * 95,
            "{with_marks} of {sessions}"
        );
        let statuses = |wanted: Status| marks.values().filter(|(s, _)| *s == wanted).count();
        assert!(statuses(Status::Present) * 100 >= marks.len() * 80);
        for status in [Status::Late, Status::Absent, Status::Excused] {
            assert!(statuses(status) > 0, "{status:?}");
        }
        let future = cancelled.iter().filter(|(_, day)| *day > today()).count();
        assert_eq!(future, 4, "exam week");
        Ok(())
    }
}
