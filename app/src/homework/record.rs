//! Changes to homework records, each with its audit entry in the same transaction: classes,
//! enrolments (the schema holds places and clashes, also in a race), cancelled sessions,
//! attendance marks and the flag setting.

use chrono::{NaiveDate, NaiveTime};
use serde_json::json;
use sqlx::SqlitePool;

use super::model::{ClassProblem, NewClass, Status, check_enrolment};
use super::repo;
use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with, record};
use crate::base::db::Refusal::{Missing, Rule, Unique};
use crate::base::db::{begin_write, on_constraint};
use crate::base::error::AppError;
use crate::base::i18n::Key;
use crate::base::outbox::{self, Dated, Recorded, Sent};
use crate::presence::model::instant;

/// Maps the schema's refusals to the rules' answers.
fn class_error(error: sqlx::Error) -> AppError {
    on_constraint(
        error,
        [
            (Rule("class_full"), ClassProblem::Full.into()),
            (Rule("class_clash"), ClassProblem::Clash.into()),
            (
                Rule("class_capacity_below_roll"),
                ClassProblem::BelowRoll.into(),
            ),
            (Unique(None), ClassProblem::AlreadyEnrolled.into()),
            (Missing, AppError::NotFound),
        ],
    )
}

fn class_json(class: &NewClass) -> serde_json::Value {
    let t = &class.timetable;
    json!({
        "name": class.name, "level": class.level.code(), "subject": class.subject.code(),
        "tutor_id": class.tutor_id, "room": class.room, "weekdays": t.weekdays,
        "starts_at": t.starts_at.format("%H:%M").to_string(),
        "ends_at": t.ends_at.format("%H:%M").to_string(),
        "capacity": class.capacity, "term_from": t.term_from, "term_until": t.term_until,
    })
}

/// The audit entry of enrolment `id` ended on `on`: the place of `resident_id` in `class_id`.
fn enrolment_ended(id: i64, class_id: i64, resident_id: i64, on: NaiveDate) -> Change<'static> {
    let after = json!({ "class_id": class_id, "resident_id": resident_id, "until": on });
    Change::of("enrolment", id, "end", Some(after))
}

/// Adds a class (`id` None) or changes one; returns its id. The tutor must hold the tutor
/// role.
pub async fn save_class(
    pool: &SqlitePool,
    by: &Writer,
    id: Option<i64>,
    class: &NewClass,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    if !crate::people::repo::holds(&mut tx, class.tutor_id, crate::base::access::Role::Tutor)
        .await?
    {
        return Err(AppError::invalid("tutor_id", Key::ProblemTutor));
    }
    let before = match id {
        Some(id) => Some(repo::class(&mut tx, id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let saved = repo::save_class(&mut tx, id, class)
        .await
        .map_err(class_error)?;
    let change = Change {
        entity: "homework_class",
        entity_id: saved.to_string(),
        action: if before.is_some() { "update" } else { "create" },
        before: before.map(|b| {
            class_json(&NewClass {
                name: b.name,
                level: b.level,
                subject: b.subject,
                tutor_id: b.tutor_id,
                room: b.room,
                timetable: b.timetable,
                capacity: b.capacity,
            })
        }),
        after: Some(class_json(class)),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(saved)
}

/// Enrols a resident in a class from `on`. The rules are checked on fresh figures inside a
/// write transaction; the schema checks them again, so two tablets taking the last place at
/// once get one enrolment and one clear "full".
pub async fn enrol(
    pool: &SqlitePool,
    by: &Writer,
    class_id: i64,
    resident_id: i64,
    on: NaiveDate,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let class = repo::class(&mut tx, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let left = sqlx::query_scalar!(
        r#"SELECT left_on IS NOT NULL AS "left!: bool" FROM resident WHERE id = ?"#,
        resident_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if left {
        return Err(ClassProblem::ResidentLeft.into());
    }
    let already = repo::is_enrolled(&mut tx, class_id, resident_id).await?;
    let others = repo::timetables_of(&mut tx, resident_id, class_id).await?;
    check_enrolment(&class, already, &others)?;
    let id = repo::insert_enrolment(&mut tx, class_id, resident_id, on)
        .await
        .map_err(class_error)?;
    let after = json!({ "class_id": class_id, "resident_id": resident_id, "from": on });
    let change = Change::of("enrolment", id, "create", Some(after));
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Ends, in the caller's transaction, every class place of a resident leaving the centre on
/// `on`, each with its audit entry.
pub async fn end_enrolments_of(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    by: &Writer,
    resident_id: i64,
    on: NaiveDate,
) -> Result<(), AppError> {
    for (id, class_id) in repo::end_enrolments_of(tx, resident_id, on).await? {
        let change = enrolment_ended(id, class_id, resident_id, on);
        record(tx, &by.actor, change).await?;
    }
    Ok(())
}

/// Takes a resident out of a class from `on` (their last session is the day before).
pub async fn unenrol(
    pool: &SqlitePool,
    by: &Writer,
    class_id: i64,
    resident_id: i64,
    on: NaiveDate,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let id = repo::end_enrolment(&mut tx, class_id, resident_id, on)
        .await?
        .ok_or(AppError::NotFound)?;
    let change = enrolment_ended(id, class_id, resident_id, on);
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Cancels a session with a reason (`Some`) or restores it (`None`).
pub async fn cancel_session(
    pool: &SqlitePool,
    by: &Writer,
    class_id: i64,
    day: NaiveDate,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let class = repo::class(&mut tx, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !class.timetable.meets_on(day) {
        return Err(AppError::invalid("day", Key::ProblemNoSession));
    }
    if day < crate::base::clock::today_at_centre() {
        // Its marks would vanish from rates and flags, or unmarked rows appear.
        return Err(AppError::invalid("day", Key::ProblemSessionPast));
    }
    if repo::set_cancelled(&mut tx, class_id, day, reason, by.staff_id).await? {
        let change = Change {
            entity: "homework_session",
            entity_id: format!("{class_id}/{day}"),
            action: if reason.is_some() {
                "cancel"
            } else {
                "restore"
            },
            before: None,
            after: reason.map(|r| json!({ "reason": r })),
        };
        record(&mut tx, &by.actor, change).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Which marks a session takes.
pub enum Marks {
    /// One resident's mark; with its id and time when a tablet sent it from its outbox, dated
    /// now otherwise.
    One {
        resident_id: i64,
        status: Status,
        reason: String,
        sent: Option<Sent>,
    },
    /// Present for everyone not marked yet and not away according to presence, chosen
    /// inside the transaction so a mark another tablet has just made is never overwritten.
    AllPresent,
}

/// Records marks at a session, each audited with the mark it replaces. The session must take
/// place that day (not cancelled), and only residents on its roll may be marked. A mark a
/// tablet sent is applied once, and only if no mark made later stands (`base::outbox`).
/// `now_ms`: Unix milliseconds.
pub async fn mark(
    pool: &SqlitePool,
    by: &Writer,
    (class_id, day): (i64, NaiveDate),
    marks: Marks,
    now_ms: i64,
) -> Result<Recorded, AppError> {
    let now = now_ms.div_euclid(1000);
    let mut tx = begin_write(pool).await?;
    if let Marks::One {
        sent: Some(sent), ..
    } = &marks
        && outbox::repo::taken(&mut tx, &sent.id).await?
    {
        return Ok(Recorded::Already);
    }
    if let Marks::One {
        resident_id,
        status,
        reason,
        sent: Some(sent),
    } = &marks
        && sent.discard
    {
        let entity_id = format!("{class_id}/{day}/{resident_id}");
        let what = json!({ "status": status.code(), "reason": reason });
        return outbox::discard(tx, by, sent, ("attendance", entity_id), (what, now)).await;
    }
    let class = repo::class(&mut tx, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cancelled = repo::cancellations(&mut tx, class_id)
        .await?
        .contains_key(&day);
    if !class.timetable.meets_on(day) || cancelled {
        return Err(AppError::invalid("day", Key::ProblemNoSession));
    }
    let roll: Vec<i64> = repo::roll(&mut tx, class_id, day)
        .await?
        .into_iter()
        .map(|p| p.resident_id)
        .collect();
    let before = repo::marks(&mut tx, class_id, day).await?;
    let (marks, sent) = match marks {
        Marks::One {
            resident_id,
            status,
            reason,
            sent,
        } => (vec![(resident_id, status, reason)], sent),
        Marks::AllPresent => {
            let occupants = crate::presence::repo::occupants_between(&mut tx, day, day).await?;
            let at = instant(day, class.timetable.starts_at);
            let present = roll
                .iter()
                .filter(|id| !before.contains_key(id))
                .filter(|id| {
                    let occupant = occupants.iter().find(|o| o.resident.id == **id);
                    super::history::away_at(occupant, at).is_none()
                })
                .map(|id| (*id, Status::Present, String::new()))
                .collect();
            (present, None)
        }
    };
    // Not before the session's day began, nor after now.
    let dated = sent.as_ref().map_or(Dated::arriving(now), |sent| {
        sent.dated(instant(day, NaiveTime::MIN), now_ms)
    });
    let mut recorded = Recorded::Applied;
    for (resident_id, status, reason) in &marks {
        if !roll.contains(resident_id) {
            return Err(AppError::NotFound);
        }
        let key = (class_id, day, *resident_id);
        let entity_id = format!("{class_id}/{day}/{resident_id}");
        let previous = before.get(resident_id);
        let current = previous.map(|(.., marked_at)| *marked_at);
        let applied = outbox::stands(dated, sent.as_ref().is_some_and(|s| s.all_present), current);
        if let Some(sent) = &sent {
            let receipt = outbox::repo::Receipt {
                sent,
                entity: "attendance",
                entity_id: &entity_id,
                staff_id: by.staff_member()?,
                dated_at: dated.at,
                received_at: now,
                applied,
            };
            outbox::repo::take(&mut tx, &receipt).await?;
        }
        if applied && previous.is_some_and(|(s, r, _)| s == status && r == reason) {
            continue;
        }
        if applied {
            repo::set_mark(&mut tx, key, (*status, reason), by.staff_id, dated.at).await?;
        } else {
            recorded = Recorded::Older;
        }
        let mut after = json!({ "status": status.code(), "reason": reason });
        if let Some(sent) = &sent {
            sent.audit_into(&mut after, dated.at, now);
        }
        let change = Change {
            entity: "attendance",
            entity_id,
            action: if applied { "mark" } else { "mark_older" },
            before: previous.map(|(s, r, _)| json!({ "status": s.code(), "reason": r })),
            after: Some(after),
        };
        record(&mut tx, &by.actor, change).await?;
    }
    tx.commit().await?;
    Ok(recorded)
}

/// Sets how many unexplained absences in a row flag a resident.
pub async fn set_absences_in_a_row(pool: &SqlitePool, by: &Writer, n: i64) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let before = repo::absences_in_a_row(&mut tx).await?;
    repo::set_absences_in_a_row(&mut tx, n).await?;
    let change = Change {
        entity: "homework_setting",
        entity_id: "1".into(),
        action: "update",
        before: Some(json!({ "absences_in_a_row": before })),
        after: Some(json!({ "absences_in_a_row": n })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}
