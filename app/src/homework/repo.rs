//! SQL of homework: classes, tutors, enrolments, cancellations, attendance and the setting.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::model::{Candidate, HomeworkClass, Level, NewClass, Status, Subject, Timetable};

fn decode<T>(value: Option<T>, what: &str, raw: &str) -> Result<T, sqlx::Error> {
    value.ok_or_else(|| sqlx::Error::Decode(format!("unknown {what} {raw:?}").into()))
}

fn time(raw: &str) -> Result<NaiveTime, sqlx::Error> {
    decode(NaiveTime::parse_from_str(raw, "%H:%M").ok(), "time", raw)
}

fn hhmm(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// How many unexplained absences in a row flag a resident.
pub async fn absences_in_a_row(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!("SELECT absences_in_a_row FROM homework_setting WHERE id = 1")
        .fetch_one(&mut *conn)
        .await
}

/// Sets it.
pub async fn set_absences_in_a_row(
    tx: &mut Transaction<'_, Sqlite>,
    n: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE homework_setting SET absences_in_a_row = ? WHERE id = 1",
        n
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A row of `homework_class` with its tutor's name and its current roll.
struct ClassRow {
    id: i64,
    name: String,
    level: String,
    subject: String,
    tutor_id: i64,
    tutor_name: String,
    room: String,
    weekdays: i64,
    starts_at: String,
    ends_at: String,
    capacity: i64,
    term_from: NaiveDate,
    term_until: NaiveDate,
    enrolled: i64,
}

impl ClassRow {
    fn class(self) -> Result<HomeworkClass, sqlx::Error> {
        Ok(HomeworkClass {
            id: self.id,
            name: self.name,
            level: decode(Level::parse(&self.level), "level", &self.level)?,
            subject: decode(Subject::parse(&self.subject), "subject", &self.subject)?,
            tutor_id: self.tutor_id,
            tutor_name: self.tutor_name,
            room: self.room,
            timetable: Timetable {
                weekdays: u8::try_from(self.weekdays).unwrap_or(0),
                starts_at: time(&self.starts_at)?,
                ends_at: time(&self.ends_at)?,
                term_from: self.term_from,
                term_until: self.term_until,
            },
            capacity: self.capacity,
            enrolled: self.enrolled,
        })
    }
}

/// The classes, by start time and name; only `tutor`'s when given.
pub async fn classes(
    conn: &mut SqliteConnection,
    tutor: Option<i64>,
) -> Result<Vec<HomeworkClass>, sqlx::Error> {
    let rows = sqlx::query_as!(
        ClassRow,
        r#"SELECT c.id AS "id!", c.name, c.level, c.subject, c.tutor_id,
                  s.display_name AS tutor_name, c.room, c.weekdays, c.starts_at, c.ends_at,
                  c.capacity, c.term_from AS "term_from: NaiveDate",
                  c.term_until AS "term_until: NaiveDate",
                  (SELECT count(*) FROM enrolment e
                   WHERE e.class_id = c.id AND e.ended_on IS NULL) AS "enrolled!: i64"
           FROM homework_class c JOIN staff_user s ON s.id = c.tutor_id
           WHERE ?1 IS NULL OR c.tutor_id = ?1
           ORDER BY c.starts_at, c.name"#,
        tutor
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(ClassRow::class).collect()
}

/// One class.
pub async fn class(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<HomeworkClass>, sqlx::Error> {
    let row = sqlx::query_as!(
        ClassRow,
        r#"SELECT c.id AS "id!", c.name, c.level, c.subject, c.tutor_id,
                  s.display_name AS tutor_name, c.room, c.weekdays, c.starts_at, c.ends_at,
                  c.capacity, c.term_from AS "term_from: NaiveDate",
                  c.term_until AS "term_until: NaiveDate",
                  (SELECT count(*) FROM enrolment e
                   WHERE e.class_id = c.id AND e.ended_on IS NULL) AS "enrolled!: i64"
           FROM homework_class c JOIN staff_user s ON s.id = c.tutor_id
           WHERE c.id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(ClassRow::class).transpose()
}

/// Every current resident, as someone who could join a class, by name.
pub async fn current_residents(conn: &mut SqliteConnection) -> Result<Vec<Candidate>, sqlx::Error> {
    sqlx::query_as!(
        Candidate,
        r#"SELECT id AS "resident_id!", name_km, name_latin, grade FROM resident
           WHERE left_on IS NULL ORDER BY name_latin COLLATE NOCASE"#
    )
    .fetch_all(&mut *conn)
    .await
}

/// Adds a class (`id` None) or changes one; returns its id.
pub async fn save_class(
    tx: &mut Transaction<'_, Sqlite>,
    id: Option<i64>,
    class: &NewClass,
) -> Result<i64, sqlx::Error> {
    let t = &class.timetable;
    let (level, subject) = (class.level.code(), class.subject.code());
    let (starts, ends) = (hhmm(t.starts_at), hhmm(t.ends_at));
    let weekdays = i64::from(t.weekdays);
    match id {
        None => {
            sqlx::query_scalar!(
                r#"INSERT INTO homework_class (name, level, subject, tutor_id, room, weekdays,
                                              starts_at, ends_at, capacity, term_from, term_until)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
                class.name,
                level,
                subject,
                class.tutor_id,
                class.room,
                weekdays,
                starts,
                ends,
                class.capacity,
                t.term_from,
                t.term_until
            )
            .fetch_one(&mut **tx)
            .await
        }
        Some(id) => {
            let done = sqlx::query!(
                "UPDATE homework_class SET name = ?, level = ?, subject = ?, tutor_id = ?,
                        room = ?, weekdays = ?, starts_at = ?, ends_at = ?, capacity = ?,
                        term_from = ?, term_until = ?
                 WHERE id = ?",
                class.name,
                level,
                subject,
                class.tutor_id,
                class.room,
                weekdays,
                starts,
                ends,
                class.capacity,
                t.term_from,
                t.term_until,
                id
            )
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(sqlx::Error::RowNotFound);
            }
            Ok(id)
        }
    }
}

/// A resident on a class's roll.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pupil {
    pub resident_id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// School grade.
    pub grade: String,
}

/// Who is on a class's roll on `day` (enrolled by then and not left).
pub async fn roll(
    conn: &mut SqliteConnection,
    class_id: i64,
    day: NaiveDate,
) -> Result<Vec<Pupil>, sqlx::Error> {
    sqlx::query_as!(
        Pupil,
        r#"SELECT r.id AS "resident_id!", r.name_km, r.name_latin, r.grade
           FROM enrolment e JOIN resident r ON r.id = e.resident_id
           WHERE e.class_id = ?1 AND e.enrolled_on <= ?2
             AND (e.ended_on IS NULL OR e.ended_on > ?2)
           ORDER BY r.name_latin COLLATE NOCASE"#,
        class_id,
        day
    )
    .fetch_all(&mut *conn)
    .await
}

/// The timetables of a resident's current classes other than `except`.
pub async fn timetables_of(
    conn: &mut SqliteConnection,
    resident_id: i64,
    except: i64,
) -> Result<Vec<Timetable>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.weekdays, c.starts_at, c.ends_at, c.term_from AS "term_from: NaiveDate",
                  c.term_until AS "term_until: NaiveDate"
           FROM enrolment e JOIN homework_class c ON c.id = e.class_id
           WHERE e.resident_id = ? AND e.ended_on IS NULL AND c.id <> ?"#,
        resident_id,
        except
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Timetable {
                weekdays: u8::try_from(r.weekdays).unwrap_or(0),
                starts_at: time(&r.starts_at)?,
                ends_at: time(&r.ends_at)?,
                term_from: r.term_from,
                term_until: r.term_until,
            })
        })
        .collect()
}

/// Whether a resident is currently in a class.
pub async fn is_enrolled(
    conn: &mut SqliteConnection,
    class_id: i64,
    resident_id: i64,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM enrolment
           WHERE class_id = ? AND resident_id = ? AND ended_on IS NULL"#,
        class_id,
        resident_id
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// Enrols a resident from `on`; returns the enrolment's id. The schema refuses a full class
/// (`class_full`) and a clash (`class_clash`).
pub async fn insert_enrolment(
    tx: &mut Transaction<'_, Sqlite>,
    class_id: i64,
    resident_id: i64,
    on: NaiveDate,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO enrolment (class_id, resident_id, enrolled_on) VALUES (?, ?, ?)
           RETURNING id AS "id!: i64""#,
        class_id,
        resident_id,
        on
    )
    .fetch_one(&mut **tx)
    .await
}

/// Ends a resident's enrolment from `on` (their last session is the day before); returns
/// the enrolment's id if they were enrolled.
pub async fn end_enrolment(
    tx: &mut Transaction<'_, Sqlite>,
    class_id: i64,
    resident_id: i64,
    on: NaiveDate,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE enrolment SET ended_on = max(enrolled_on, ?)
           WHERE class_id = ? AND resident_id = ? AND ended_on IS NULL
           RETURNING id AS "id!: i64""#,
        on,
        class_id,
        resident_id
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Ends every current enrolment of a resident from `on`; returns (enrolment, class) ids.
pub async fn end_enrolments_of(
    tx: &mut Transaction<'_, Sqlite>,
    resident_id: i64,
    on: NaiveDate,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"UPDATE enrolment SET ended_on = max(enrolled_on, ?)
           WHERE resident_id = ? AND ended_on IS NULL
           RETURNING id AS "id!: i64", class_id"#,
        on,
        resident_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.class_id)).collect())
}

/// Whether a resident is or was in one of `tutor`'s classes.
pub async fn taught_by(
    conn: &mut SqliteConnection,
    resident_id: i64,
    tutor: i64,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM enrolment e
           JOIN homework_class c ON c.id = e.class_id
           WHERE e.resident_id = ? AND c.tutor_id = ?"#,
        resident_id,
        tutor
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// A class's cancelled sessions: day and reason.
pub async fn cancellations(
    conn: &mut SqliteConnection,
    class_id: i64,
) -> Result<BTreeMap<NaiveDate, String>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT day AS "day: NaiveDate", reason FROM session_cancellation WHERE class_id = ?"#,
        class_id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.day, r.reason)).collect())
}

/// Every cancellation from `from` to `until`: (class, day).
pub async fn cancellations_between(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<(i64, NaiveDate)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT class_id, day AS "day: NaiveDate" FROM session_cancellation
           WHERE day BETWEEN ? AND ?"#,
        from,
        until
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.class_id, r.day)).collect())
}

/// The reasons of the sessions cancelled on `day`, by class.
pub async fn cancellation_reasons(
    conn: &mut SqliteConnection,
    day: NaiveDate,
) -> Result<BTreeMap<i64, String>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT class_id, reason FROM session_cancellation WHERE day = ?",
        day
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.class_id, r.reason)).collect())
}

/// Cancels a session (`Some(reason)`) or restores it (`None`); true if something changed.
pub async fn set_cancelled(
    tx: &mut Transaction<'_, Sqlite>,
    class_id: i64,
    day: NaiveDate,
    reason: Option<&str>,
    by: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = match reason {
        Some(reason) => {
            sqlx::query!(
                "INSERT INTO session_cancellation (class_id, day, reason, cancelled_by)
                 VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                class_id,
                day,
                reason,
                by
            )
            .execute(&mut **tx)
            .await?
        }
        None => {
            sqlx::query!(
                "DELETE FROM session_cancellation WHERE class_id = ? AND day = ?",
                class_id,
                day
            )
            .execute(&mut **tx)
            .await?
        }
    };
    Ok(done.rows_affected() > 0)
}

/// The marks of a session, by resident: status, reason, and when it was made.
pub async fn marks(
    conn: &mut SqliteConnection,
    class_id: i64,
    day: NaiveDate,
) -> Result<BTreeMap<i64, (Status, String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT resident_id, status, reason, marked_at FROM attendance
         WHERE class_id = ? AND day = ?",
        class_id,
        day
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let status = decode(Status::parse(&r.status), "status", &r.status)?;
            Ok((r.resident_id, (status, r.reason, r.marked_at)))
        })
        .collect()
}

/// Records a mark made at `at` (replacing an earlier one).
pub async fn set_mark(
    tx: &mut Transaction<'_, Sqlite>,
    (class_id, day, resident_id): (i64, NaiveDate, i64),
    (status, reason): (Status, &str),
    by: Option<i64>,
    at: i64,
) -> Result<(), sqlx::Error> {
    let status = status.code();
    sqlx::query!(
        "INSERT INTO attendance (class_id, day, resident_id, status, reason, marked_by, marked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (class_id, day, resident_id) DO UPDATE
         SET status = excluded.status, reason = excluded.reason,
             marked_by = excluded.marked_by, marked_at = excluded.marked_at",
        class_id,
        day,
        resident_id,
        status,
        reason,
        by,
        at
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An enrolment with its span, for histories and flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub class_id: i64,
    pub resident_id: i64,
    /// First day.
    pub from: NaiveDate,
    /// First day no longer in it.
    pub until: Option<NaiveDate>,
}

/// Which enrolments and marks to read: one class's, one resident's, or all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// Only this class.
    pub class: Option<i64>,
    /// Only this resident.
    pub resident: Option<i64>,
}

/// Enrolments overlapping `from`..=`until`, within `scope`.
pub async fn spans(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
    scope: Scope,
) -> Result<Vec<Span>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT class_id, resident_id, enrolled_on AS "from: NaiveDate",
                  ended_on AS "until: NaiveDate"
           FROM enrolment
           WHERE enrolled_on <= ?2 AND (ended_on IS NULL OR ended_on > ?1)
             AND (?3 IS NULL OR resident_id = ?3) AND (?4 IS NULL OR class_id = ?4)"#,
        from,
        until,
        scope.resident,
        scope.class
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Span {
            class_id: r.class_id,
            resident_id: r.resident_id,
            from: r.from,
            until: r.until,
        })
        .collect())
}

/// Marks from `from` to `until` within `scope`: (class, day, resident) -> status.
pub async fn marks_between(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
    scope: Scope,
) -> Result<BTreeMap<(i64, NaiveDate, i64), (Status, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT class_id, day AS "day: NaiveDate", resident_id, status, reason
           FROM attendance
           WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR resident_id = ?3)
             AND (?4 IS NULL OR class_id = ?4)"#,
        from,
        until,
        scope.resident,
        scope.class
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let status = decode(Status::parse(&r.status), "status", &r.status)?;
            Ok(((r.class_id, r.day, r.resident_id), (status, r.reason)))
        })
        .collect()
}
