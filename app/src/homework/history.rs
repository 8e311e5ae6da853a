//! What happened at each session a resident was expected at: a mark, away according to
//! presence, or unmarked. Flags, rates and histories are read from it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use super::model::{HomeworkClass, Outcome};
use super::repo;
use crate::presence::model::{AbsenceReason, Occupant, instant};

/// One session of a resident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionOutcome {
    pub class_id: i64,
    pub day: NaiveDate,
    /// When it started.
    pub starts_at: NaiveTime,
    /// What happened.
    pub outcome: Outcome,
    /// The mark's reason, or why they were away.
    pub reason: String,
    /// The absence that excused them, if away.
    pub away: Option<AbsenceReason>,
}

/// Whether `occupant` (none: no bed in the span) is away at `at`, and why.
pub fn away_at(occupant: Option<&Occupant>, at: i64) -> Option<Option<AbsenceReason>> {
    match occupant {
        None => Some(None),
        Some(o) if !o.present(at) => Some(o.away_reason(at)),
        Some(_) => None,
    }
}

/// Every session from `from` to `until` at which each resident was expected (enrolled, not
/// cancelled, and already begun at `now`), in time order, within `scope` (one class, one
/// resident, or all).
pub async fn outcomes(
    conn: &mut SqliteConnection,
    (from, until): (NaiveDate, NaiveDate),
    scope: repo::Scope,
    now: i64,
) -> Result<BTreeMap<i64, Vec<SessionOutcome>>, sqlx::Error> {
    let classes: BTreeMap<i64, HomeworkClass> = repo::classes(conn, None)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let spans = repo::spans(conn, from, until, scope).await?;
    let cancelled: BTreeSet<(i64, NaiveDate)> = repo::cancellations_between(conn, from, until)
        .await?
        .into_iter()
        .collect();
    let marks = repo::marks_between(conn, from, until, scope).await?;
    let occupants: BTreeMap<i64, Occupant> =
        crate::presence::repo::occupants_between(conn, from, until)
            .await?
            .into_iter()
            .map(|o| (o.resident.id, o))
            .collect();
    let mut out: BTreeMap<i64, Vec<SessionOutcome>> = BTreeMap::new();
    for span in spans {
        let Some(class) = classes.get(&span.class_id) else {
            continue;
        };
        let t = &class.timetable;
        let last = span
            .until
            .and_then(|u| u.pred_opt())
            .map_or(until, |u| u.min(until));
        for day in t.days(from.max(span.from), last) {
            let at = instant(day, t.starts_at);
            if at > now || cancelled.contains(&(class.id, day)) {
                continue;
            }
            let (outcome, reason, away) = match marks.get(&(class.id, day, span.resident_id)) {
                Some((status, reason)) => (Outcome::Marked(*status), reason.clone(), None),
                None => match away_at(occupants.get(&span.resident_id), at) {
                    Some(why) => (Outcome::Away, String::new(), why),
                    None => (Outcome::Unmarked, String::new(), None),
                },
            };
            out.entry(span.resident_id)
                .or_default()
                .push(SessionOutcome {
                    class_id: class.id,
                    day,
                    starts_at: t.starts_at,
                    outcome,
                    reason,
                    away,
                });
        }
    }
    for sessions in out.values_mut() {
        sessions.sort_by_key(|s| (s.day, s.starts_at, s.class_id));
    }
    Ok(out)
}
