//! Recording presence: absences and returns, roll-call marks, closing a roll, resolving a
//! missing-resident alert. Each writes with its audit entry in one `BEGIN IMMEDIATE`
//! transaction, so two tablets marking the same roll merge: every mark lands, the later one
//! for a resident wins, and both are in the audit log.

use chrono::{Duration, NaiveDate, NaiveTime};
use sqlx::SqlitePool;

use super::model::{AbsenceProblem, Mark, Resolution, Sleeper, check_close, instant, roll_time};
use super::repo;
use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with};
use crate::base::db::begin_write;
use crate::base::error::AppError;
use crate::base::i18n::Key;
use crate::base::outbox::{self, Dated, Recorded, Sent};

/// A running absence (not ended by a return): its resident and span.
pub async fn running(
    conn: &mut sqlx::SqliteConnection,
    absence_id: i64,
) -> Result<(i64, super::model::Away), AppError> {
    let (resident_id, away) = repo::absence(conn, absence_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if away.returned_at.is_some() {
        return Err(AbsenceProblem::Ended.into());
    }
    Ok((resident_id, away))
}

/// Records that a resident came back at `at` (not in the future, not before they left). A
/// home stay's return is recorded on the home stays page instead, with who brought them back.
pub async fn record_return(
    pool: &SqlitePool,
    by: &Writer,
    absence_id: i64,
    at: i64,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let (resident_id, away) = running(&mut tx, absence_id).await?;
    if repo::home_stay_of(&mut tx, absence_id).await?.is_some() {
        return Err(AppError::conflict(Key::ProblemReturnAtHomeStays));
    }
    if at < away.starts_at || at > now {
        return Err(AbsenceProblem::Return.into());
    }
    repo::set_returned(&mut tx, absence_id, at).await?;
    let change = Change {
        entity: "absence",
        entity_id: absence_id.to_string(),
        action: "return",
        before: Some(serde_json::json!({ "returned_at": null })),
        after: Some(serde_json::json!({ "resident_id": resident_id, "returned_at": at })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(resident_id)
}

/// Rolls may be taken for tonight, and for last night until the morning's corrections end.
fn check_night(night: NaiveDate, today: NaiveDate) -> Result<(), AppError> {
    if night > today || night < today - Duration::days(1) {
        return Err(AppError::Conflict {
            message: Key::ProblemRollNight,
        });
    }
    Ok(())
}

/// A building's roll for a recent night, in `tx`: its open roll call (opened at `opening` if
/// it was not) and its rows. Refused when the night is too old or the roll is closed.
async fn open_roll(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    building_id: i64,
    night: NaiveDate,
    (opening, now): (i64, i64),
    today: NaiveDate,
) -> Result<(i64, Vec<super::model::RollRow>), AppError> {
    check_night(night, today)?;
    let rows = repo::roll_rows(tx, building_id, night, instant(night, roll_time()), now).await?;
    let (roll_id, closed) = repo::open_roll_call(tx, building_id, night, opening).await?;
    if closed {
        return Err(AppError::Conflict {
            message: Key::ProblemRollClosed,
        });
    }
    Ok((roll_id, rows))
}

/// One mark on a building's roll for a night.
pub struct RollMark {
    pub building_id: i64,
    pub night: NaiveDate,
    pub who: Sleeper,
    pub mark: Mark,
    /// Its id and time when a tablet sent it from its outbox; a mark without is dated now.
    pub sent: Option<Sent>,
}

/// Marks one resident or camper of a building's roll for `night`, once however often it arrives
/// (`now_ms`: Unix milliseconds). The mark made later stands (`base::outbox`); an older one is
/// audited and changes nothing.
pub async fn mark(
    pool: &SqlitePool,
    by: &Writer,
    roll_mark: RollMark,
    now_ms: i64,
    today: NaiveDate,
) -> Result<Recorded, AppError> {
    let now = now_ms.div_euclid(1000);
    let RollMark {
        building_id,
        night,
        who,
        mark,
        sent,
    } = roll_mark;
    let entity = entity_of(who);
    let mut tx = begin_write(pool).await?;
    if let Some(sent) = &sent
        && outbox::repo::taken(&mut tx, &sent.id).await?
    {
        return Ok(Recorded::Already);
    }
    if let Some(sent) = sent.as_ref().filter(|sent| sent.discard) {
        // Neither applied nor opening a roll: named by the building, night and child.
        let entity_id = format!("{building_id}:{night}:{}", who.id());
        let what = serde_json::json!({ "status": mark.code(), "night": night });
        return outbox::discard(tx, by, sent, (entity, entity_id), (what, now)).await;
    }
    // Not before the roll opened: a roll this mark opens, not before the night's day began.
    let earliest = repo::roll_opened_at(&mut tx, building_id, night)
        .await?
        .unwrap_or_else(|| instant(night, NaiveTime::MIN));
    let dated = sent
        .as_ref()
        .map_or(Dated::arriving(now), |sent| sent.dated(earliest, now_ms));
    let (roll_id, rows) = open_roll(&mut tx, building_id, night, (dated.at, now), today).await?;
    let row = rows
        .iter()
        .find(|row| row.who == who)
        .ok_or(AppError::NotFound)?;
    if row.away.is_some() {
        return Err(AppError::Conflict {
            message: Key::ProblemRollAway,
        });
    }
    let before = repo::mark_of(&mut tx, roll_id, who).await?;
    let applied = outbox::stands(
        dated,
        sent.as_ref().is_some_and(|s| s.all_present),
        before.map(|(_, changed)| changed),
    );
    let staff_id = by.staff_member()?;
    let entity_id = format!("{roll_id}:{}", who.id());
    if let Some(sent) = &sent {
        let receipt = outbox::repo::Receipt {
            sent,
            entity,
            entity_id: &entity_id,
            staff_id,
            dated_at: dated.at,
            received_at: now,
            applied,
        };
        outbox::repo::take(&mut tx, &receipt).await?;
    }
    if applied {
        repo::set_mark(&mut tx, roll_id, who, mark, (staff_id, dated.at)).await?;
    }
    let mut after = serde_json::json!({ "status": mark.code(), "night": night });
    if let Some(sent) = &sent {
        sent.audit_into(&mut after, dated.at, now);
    }
    let change = Change {
        entity,
        entity_id,
        action: if applied { "mark" } else { "mark_older" },
        before: before.map(|(m, _)| serde_json::json!({ "status": m.code() })),
        after: Some(after),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(if applied {
        Recorded::Applied
    } else {
        Recorded::Older
    })
}

/// What the audit log calls a mark of `who`: a resident's, or a camper's.
fn entity_of(who: Sleeper) -> &'static str {
    match who {
        Sleeper::Resident(_) => "roll_mark",
        Sleeper::Camper(_) => "camper_roll_mark",
    }
}

/// Marks every resident and camper of the roll who has no mark yet as present: the one tap
/// before the exceptions. Marks already made (by this or another tablet) stay, and a resident
/// overdue back is left to be marked on their own. Returns how many.
pub async fn mark_all_present(
    pool: &SqlitePool,
    by: &Writer,
    building_id: i64,
    night: NaiveDate,
    now: i64,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let mut tx = begin_write(pool).await?;
    let (roll_id, rows) = open_roll(&mut tx, building_id, night, (now, now), today).await?;
    let unmarked: Vec<Sleeper> = rows
        .iter()
        .filter(|row| row.routine())
        .map(|row| row.who)
        .collect();
    let staff_id = by.staff_member()?;
    for who in &unmarked {
        repo::set_mark(&mut tx, roll_id, *who, Mark::Present, (staff_id, now)).await?;
    }
    let (residents, campers): (Vec<Sleeper>, Vec<Sleeper>) = unmarked
        .iter()
        .partition(|who| matches!(who, Sleeper::Resident(_)));
    let ids = |whos: Vec<Sleeper>| whos.into_iter().map(Sleeper::id).collect::<Vec<_>>();
    let mut after = serde_json::json!({ "night": night, "present": ids(residents) });
    if !campers.is_empty() {
        after["campers_present"] = serde_json::json!(ids(campers));
    }
    let change = Change {
        entity: "roll_call",
        entity_id: roll_id.to_string(),
        action: "all_present",
        before: None,
        after: Some(after),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(unmarked.len())
}

/// Closes a building's roll for `night`; refused while a resident is unmarked.
pub async fn close(
    pool: &SqlitePool,
    by: &Writer,
    building_id: i64,
    night: NaiveDate,
    now: i64,
    today: NaiveDate,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let (roll_id, rows) = open_roll(&mut tx, building_id, night, (now, now), today).await?;
    check_close(&rows)?;
    repo::close_roll_call(&mut tx, roll_id, by.staff_member()?, now).await?;
    let tally = super::model::tally(&rows);
    let change = Change {
        entity: "roll_call",
        entity_id: roll_id.to_string(),
        action: "close",
        before: None,
        after: Some(serde_json::json!({
            "night": night,
            "present": tally.present,
            "away": tally.away,
            "missing": tally.missing,
        })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Ends the missing alert of a resident or camper: found at the centre, or came back.
pub async fn resolve(
    pool: &SqlitePool,
    by: &Writer,
    who: Sleeper,
    resolution: Resolution,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let resolved =
        repo::resolve_alerts(&mut tx, who, resolution, (by.staff_member()?, now)).await?;
    if resolved == 0 {
        return Err(AppError::NotFound);
    }
    let entity = match who {
        Sleeper::Resident(_) => "resident",
        Sleeper::Camper(_) => "camper",
    };
    let change = Change {
        entity,
        entity_id: who.id().to_string(),
        action: "alert_resolved",
        before: None,
        after: Some(serde_json::json!({ "resolution": resolution.code(), "alerts": resolved })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Sets how long after a planned end a child not back is overdue, in minutes, audited.
pub async fn set_overdue_grace(
    pool: &SqlitePool,
    by: &Writer,
    minutes: i64,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let before = repo::set_overdue_grace(&mut tx, minutes).await?;
    let change = Change {
        entity: "presence_setting",
        entity_id: "1".into(),
        action: "update",
        before: Some(serde_json::json!({ "overdue_grace_minutes": before })),
        after: Some(serde_json::json!({ "overdue_grace_minutes": minutes })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}
