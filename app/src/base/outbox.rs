//! Marks sent from a tablet (the roll call's and homework attendance's), each applied once,
//! dated by when they were made.
//!
//! A tablet names each mark it makes with an id of its own and the time it was made, and keeps
//! it until the server acknowledges it, sending it again after an outage or a lost answer. The
//! server keeps every id it has taken (`tablet_mark`, the id a unique key): a mark that
//! arrives again is answered "already recorded" with the current mark, and changes nothing.
//!
//! **Which mark stands** when two tablets mark the same child: the one made later. The tablet
//! says when it made the mark and when it sent it, both by its own clock, which may be wrong
//! (minutes or hours off, or reset); the wait between the two is what its clock measures well.
//! So a mark counts as made that long before it arrived, by the server's clock, and never
//! later than it arrived nor earlier than the roll opened (homework: the start of the
//! session's day). A mark sent at once is dated when it arrives. A mark dated earlier than the
//! mark that stands (or than the resolution of a missing child's alert) is recorded in the
//! audit log and changes nothing; at equal dates the one that arrived last stands. Every
//! mark's audit entry carries the tablet's times and the server's.

use serde::{Deserialize, Serialize};

use super::error::AppError;
use super::i18n::Key;

/// A mark as the tablet sent it: its id, and when it was made and sent by the tablet's clock
/// (Unix milliseconds: two marks made within a second, a child marked missing and then found,
/// keep their order once dated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub id: String,
    pub made_ms: i64,
    pub sent_ms: i64,
    /// One of the "present" marks an "all present" made offline is sent as: it marks a child
    /// still unmarked, and leaves a mark already made (by any tablet) as it is.
    pub all_present: bool,
    /// Who made it, when that was someone other than the sender: a mark left on a shared
    /// tablet by a staff member who signed out, sent by the next one to sign in.
    pub made_by: Option<i64>,
    /// The one who signed in chose to discard it: recorded and audited, never applied.
    pub discard: bool,
}

/// A mark's id and times as a tablet posts them with the mark's own fields: `sent[mark_id]`,
/// `sent[made_ms]`, `sent[sent_ms]`. All empty when a form is sent without JavaScript.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentFields {
    #[serde(default)]
    pub mark_id: String,
    #[serde(default)]
    pub made_ms: String,
    #[serde(default)]
    pub sent_ms: String,
    /// `1` for a "present" that is part of an "all present" (`Sent::all_present`).
    #[serde(default)]
    pub all_present: String,
    /// The staff id of whoever made the mark, when not the sender (`Sent::made_by`).
    #[serde(default)]
    pub made_by: String,
    /// `1` for a mark discarded by the one who signed in after its maker (`Sent::discard`).
    #[serde(default)]
    pub discard: String,
}

impl SentFields {
    /// The mark as the tablet sent it: none when all are empty (dated on arrival), refused
    /// when any is missing or malformed.
    pub fn parse(&self) -> Result<Option<Sent>, AppError> {
        let (id, made_ms, sent_ms) = (
            self.mark_id.trim(),
            self.made_ms.trim(),
            self.sent_ms.trim(),
        );
        if id.is_empty() && made_ms.is_empty() && sent_ms.is_empty() {
            return Ok(None);
        }
        let well_formed = (16..=64).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let made_by = match self.made_by.trim() {
            "" => Ok(None),
            id => id.parse::<i64>().map(Some),
        };
        match (made_ms.parse::<i64>(), sent_ms.parse::<i64>(), made_by) {
            (Ok(made_ms), Ok(sent_ms), Ok(made_by)) if well_formed => Ok(Some(Sent {
                id: id.to_owned(),
                made_ms,
                sent_ms,
                all_present: !self.all_present.is_empty(),
                made_by,
                discard: !self.discard.is_empty(),
            })),
            _ => Err(AppError::invalid("mark_id", Key::ProblemMarkSent)),
        }
    }
}

impl Sent {
    /// When the mark counts as made, by the server's clock (Unix seconds): as long before
    /// `now_ms` (its arrival, Unix milliseconds) as it waited on the tablet, but not before
    /// `earliest` (the roll's opening, Unix seconds). The wait is taken to the millisecond and
    /// only the result rounded down to the second, so a mark made later is never dated earlier.
    pub fn dated(&self, earliest: i64, now_ms: i64) -> Dated {
        let waited = self.sent_ms.saturating_sub(self.made_ms).max(0);
        let made = now_ms.saturating_sub(waited).div_euclid(1000);
        let now = now_ms.div_euclid(1000);
        let floor = earliest.min(now);
        Dated {
            at: made.clamp(floor, now),
            early: made < floor,
        }
    }
}

/// When a mark counts as made, by the server's clock (Unix seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dated {
    pub at: i64,
    /// Made before the roll opened, by its wait: dated at the opening, and older than a mark
    /// dated there.
    pub early: bool,
}

impl Dated {
    /// A mark made as it arrives.
    pub const fn arriving(now: i64) -> Dated {
        Dated {
            at: now,
            early: false,
        }
    }
}

/// Whether a mark dated `dated` replaces the current state of that child's mark, last
/// changed at `current` (its mark or its alert's resolution; none when unmarked): when it is
/// later, or as late and not made before the roll opened (the last to arrive stands). A
/// "present" from an offline "all present" only fills a child still unmarked.
pub fn stands(dated: Dated, all_present: bool, current: Option<i64>) -> bool {
    match current {
        None => true,
        Some(_) if all_present => false,
        Some(current) => dated.at > current || (dated.at == current && !dated.early),
    }
}

/// What became of a mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// It is the child's mark now.
    Applied,
    /// Recorded in the audit log; a mark made later stands.
    Older,
    /// It had arrived before: nothing changed.
    Already,
    /// Discarded by the one who signed in after its maker: recorded, not applied.
    Discarded,
}

impl Recorded {
    /// As the answer to the tablet names it.
    pub const fn code(self) -> &'static str {
        match self {
            Recorded::Applied => "applied",
            Recorded::Older => "older",
            Recorded::Already => "already",
            Recorded::Discarded => "discarded",
        }
    }
}

#[cfg(feature = "ssr")]
impl Sent {
    /// What a mark's audit entry says of where it came from: the tablet's times, when it
    /// counts as made and when it arrived by the server's, and who made it if not the sender.
    pub fn audit_into(&self, after: &mut serde_json::Value, dated_at: i64, received_at: i64) {
        after["made_ms"] = self.made_ms.into();
        after["sent_ms"] = self.sent_ms.into();
        after["dated_at"] = dated_at.into();
        after["received_at"] = received_at.into();
        if let Some(made_by) = self.made_by {
            after["made_by"] = made_by.into();
        }
    }
}

/// Records a mark the one who signed in chose to discard (`Sent::discard`): its receipt, so
/// it is taken once, never applied, and its audit entry (`what` the mark was, on `entity`
/// `entity_id`), committed together.
#[cfg(feature = "ssr")]
pub async fn discard(
    mut tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    by: &super::access::Writer,
    sent: &Sent,
    (entity, entity_id): (&'static str, String),
    (mut what, now): (serde_json::Value, i64),
) -> Result<Recorded, AppError> {
    let receipt = repo::Receipt {
        sent,
        entity,
        entity_id: &entity_id,
        staff_id: by.staff_member()?,
        dated_at: now,
        received_at: now,
        applied: false,
    };
    repo::take(&mut tx, &receipt).await?;
    sent.audit_into(&mut what, now, now);
    let change = super::audit::Change {
        entity,
        entity_id,
        action: "mark_discarded",
        before: None,
        after: Some(what),
    };
    super::audit::commit_with(tx, &by.actor, change).await?;
    Ok(Recorded::Discarded)
}

/// The record of the marks tablets sent.
#[cfg(feature = "ssr")]
pub mod repo {
    use sqlx::SqliteConnection;

    use super::Sent;

    /// Whether the mark `id` has arrived before.
    pub async fn taken(conn: &mut SqliteConnection, id: &str) -> Result<bool, sqlx::Error> {
        let found = sqlx::query_scalar!(
            r#"SELECT 1 AS "found!: i64" FROM tablet_mark WHERE id = ?"#,
            id
        )
        .fetch_optional(&mut *conn)
        .await?;
        Ok(found.is_some())
    }

    /// What a mark that arrived now was for, when it counts as made, and whether it stands.
    pub struct Receipt<'a> {
        pub sent: &'a Sent,
        pub entity: &'a str,
        pub entity_id: &'a str,
        pub staff_id: i64,
        pub dated_at: i64,
        pub received_at: i64,
        pub applied: bool,
    }

    /// Keeps the mark's id, so that it is applied once.
    pub async fn take(
        conn: &mut SqliteConnection,
        receipt: &Receipt<'_>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "INSERT INTO tablet_mark
                 (id, entity, entity_id, staff_id, made_ms, sent_ms, dated_at, received_at, applied)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            receipt.sent.id,
            receipt.entity,
            receipt.entity_id,
            receipt.staff_id,
            receipt.sent.made_ms,
            receipt.sent.sent_ms,
            receipt.dated_at,
            receipt.received_at,
            receipt.applied
        )
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0f8e2c1a-7b3d-4e5f-9a6b-1c2d3e4f5a6b";

    fn sent(made_ms: i64, sent_ms: i64) -> Sent {
        Sent {
            id: ID.into(),
            made_ms,
            sent_ms,
            all_present: false,
            made_by: None,
            discard: false,
        }
    }

    #[test]
    fn a_form_without_an_id_is_dated_on_arrival_and_a_malformed_one_is_refused() {
        let parse = |id: &str, made: &str, sent: &str| {
            SentFields {
                mark_id: id.into(),
                made_ms: made.into(),
                sent_ms: sent.into(),
                ..SentFields::default()
            }
            .parse()
        };
        assert_eq!(SentFields::default().parse(), Ok(None));
        let left = SentFields {
            mark_id: ID.into(),
            made_ms: "1".into(),
            sent_ms: "2".into(),
            made_by: " 7 ".into(),
            discard: "1".into(),
            ..SentFields::default()
        };
        assert_eq!(
            left.parse(),
            Ok(Some(Sent {
                made_by: Some(7),
                discard: true,
                ..sent(1, 2)
            }))
        );
        let unknown = SentFields {
            made_by: "someone".into(),
            ..left
        };
        assert_eq!(
            unknown.parse(),
            Err(AppError::invalid("mark_id", Key::ProblemMarkSent))
        );
        assert_eq!(
            parse(ID, "1765000000123", " 1765000060456 "),
            Ok(Some(sent(1_765_000_000_123, 1_765_000_060_456)))
        );
        let long = "a".repeat(65);
        for (id, made, sent) in [
            ("short", "1765000000", "1765000000"),
            (ID, "", "1765000000"),
            (ID, "1765000000", ""),
            (ID, "yesterday", "1765000000"),
            (
                "0f8e2c1a 7b3d 4e5f 9a6b 1c2d3e4f5a6b",
                "1765000000",
                "1765000000",
            ),
            ("", "1765000000", "1765000000"),
            (long.as_str(), "1765000000", "1765000000"),
        ] {
            assert_eq!(
                parse(id, made, sent),
                Err(AppError::invalid("mark_id", Key::ProblemMarkSent)),
                "{id} {made} {sent}"
            );
        }
    }

    #[test]
    fn a_mark_is_dated_by_how_long_it_waited_whatever_the_tablets_clock_says() {
        let (opened, now) = (1_000, 2_000);
        let at = |made: i64, sent_at: i64| sent(made, sent_at).dated(opened, now * 1000);
        let on_time = |at| Dated { at, early: false };
        // Made five minutes before it was sent, by a right clock or one an hour ahead.
        assert_eq!(at(1_700_000, 2_000_000), on_time(1_700));
        assert_eq!(at(5_300_000, 5_600_000), on_time(1_700));
        // Sent at once: dated when it arrives.
        assert_eq!(at(9_000_000, 9_000_000), Dated::arriving(now));
        // A clock set back while it waited: never after it arrived.
        assert_eq!(at(9_000_000, 100_000), Dated::arriving(now));
        // Waited longer than the roll has been open (or a clock reset to 1970 before it was
        // sent): dated when the roll opened, and made before.
        let early = Dated {
            at: opened,
            early: true,
        };
        assert_eq!(at(0, 1_999_000), early);
        assert_eq!(at(i64::MIN, i64::MAX), early);
        assert_eq!(
            at(1_000_000, 2_000_000),
            on_time(opened),
            "made as it opened"
        );
        // A roll "opened" after now (the server's clock stepped back): now.
        assert_eq!(
            sent(2_000_000, 2_000_000).dated(3_000, now * 1000),
            Dated::arriving(now)
        );
    }

    #[test]
    fn a_mark_made_a_moment_after_another_is_never_dated_before_it() {
        // A child marked missing at 102.8 s by the tablet's clock and found at 102.99 s, both
        // sent when the network came back, 2 ms apart on either side of a second (130.999 s,
        // 131.001 s), and arriving 2 ms apart. In whole seconds the tablet's times read
        // 102 / 102 and 130 / 131: the waits would be 28 s then 29 s, and the "found" dated a
        // second *before* the "missing" it follows, leaving the child missing.
        let missing = sent(102_800, 130_999).dated(0, 1_000_500);
        let found = sent(102_990, 131_001).dated(0, 1_000_502);
        assert!(found.at >= missing.at, "{found:?} before {missing:?}");
        assert!(stands(found, false, Some(missing.at)));
        // Rounded to the second only at the end: 972.9 s is second 972.
        assert_eq!(sent(0, 28_100).dated(0, 1_001_000).at, 972);
    }

    #[test]
    fn the_mark_made_later_stands_and_at_equal_times_the_last_to_arrive() {
        let on_time = |at| Dated { at, early: false };
        assert!(stands(on_time(1500), false, None));
        assert!(stands(on_time(1500), false, Some(1400)));
        assert!(stands(on_time(1500), false, Some(1500)));
        assert!(!stands(on_time(1500), false, Some(1600)));
        // Made before the roll opened: older than the mark that opened it.
        let early = Dated {
            at: 1500,
            early: true,
        };
        assert!(!stands(early, false, Some(1500)));
        assert!(stands(early, false, Some(1400)));
        assert!(stands(early, false, None));
    }

    #[test]
    fn an_offline_all_present_fills_the_unmarked_and_leaves_any_mark_made() {
        let later = Dated {
            at: 2000,
            early: false,
        };
        assert!(stands(later, true, None));
        // Another tablet marked her missing earlier: "all present" does not undo it.
        assert!(!stands(later, true, Some(1000)));
    }
}
