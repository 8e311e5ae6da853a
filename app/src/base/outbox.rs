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
/// (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub id: String,
    pub made_at: i64,
    pub sent_at: i64,
    /// One of the "present" marks an "all present" made offline is sent as: it marks a child
    /// still unmarked, and leaves a mark already made (by any tablet) as it is.
    pub all_present: bool,
}

/// A mark's id and times as a tablet posts them with the mark's own fields: `sent[mark_id]`,
/// `sent[made_at]`, `sent[sent_at]`. All empty when a form is sent without JavaScript.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentFields {
    #[serde(default)]
    pub mark_id: String,
    #[serde(default)]
    pub made_at: String,
    #[serde(default)]
    pub sent_at: String,
    /// `1` for a "present" that is part of an "all present" (`Sent::all_present`).
    #[serde(default)]
    pub all_present: String,
}

impl SentFields {
    /// The mark as the tablet sent it: none when all are empty (dated on arrival), refused
    /// when any is missing or malformed.
    pub fn parse(&self) -> Result<Option<Sent>, AppError> {
        let (id, made_at, sent_at) = (
            self.mark_id.trim(),
            self.made_at.trim(),
            self.sent_at.trim(),
        );
        if id.is_empty() && made_at.is_empty() && sent_at.is_empty() {
            return Ok(None);
        }
        let well_formed = (16..=64).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        match (made_at.parse::<i64>(), sent_at.parse::<i64>()) {
            (Ok(made_at), Ok(sent_at)) if well_formed => Ok(Some(Sent {
                id: id.to_owned(),
                made_at,
                sent_at,
                all_present: !self.all_present.is_empty(),
            })),
            _ => Err(AppError::invalid("mark_id", Key::ProblemMarkSent)),
        }
    }
}

impl Sent {
    /// When the mark counts as made, by the server's clock: as long before `now` (its
    /// arrival) as it waited on the tablet, but not before `earliest` (the roll's opening).
    pub fn dated(&self, earliest: i64, now: i64) -> Dated {
        let waited = self.sent_at.saturating_sub(self.made_at).max(0);
        let made = now.saturating_sub(waited);
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
}

impl Recorded {
    /// As the answer to the tablet names it.
    pub const fn code(self) -> &'static str {
        match self {
            Recorded::Applied => "applied",
            Recorded::Older => "older",
            Recorded::Already => "already",
        }
    }
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
                 (id, entity, entity_id, staff_id, made_at, sent_at, dated_at, received_at, applied)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            receipt.sent.id,
            receipt.entity,
            receipt.entity_id,
            receipt.staff_id,
            receipt.sent.made_at,
            receipt.sent.sent_at,
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

    fn sent(made_at: i64, sent_at: i64) -> Sent {
        Sent {
            id: ID.into(),
            made_at,
            sent_at,
            all_present: false,
        }
    }

    #[test]
    fn a_form_without_an_id_is_dated_on_arrival_and_a_malformed_one_is_refused() {
        let parse = |id: &str, made: &str, sent: &str| {
            SentFields {
                mark_id: id.into(),
                made_at: made.into(),
                sent_at: sent.into(),
                ..SentFields::default()
            }
            .parse()
        };
        assert_eq!(SentFields::default().parse(), Ok(None));
        assert_eq!(
            parse(ID, "1765000000", " 1765000060 "),
            Ok(Some(sent(1_765_000_000, 1_765_000_060)))
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
        let at = |made: i64, sent_at: i64| sent(made, sent_at).dated(opened, now);
        let on_time = |at| Dated { at, early: false };
        // Made five minutes before it was sent, by a right clock or one an hour ahead.
        assert_eq!(at(1_700, 2_000), on_time(1_700));
        assert_eq!(at(5_300, 5_600), on_time(1_700));
        // Sent at once: dated when it arrives.
        assert_eq!(at(9_000, 9_000), Dated::arriving(now));
        // A clock set back while it waited: never after it arrived.
        assert_eq!(at(9_000, 100), Dated::arriving(now));
        // Waited longer than the roll has been open (or a clock reset to 1970 before it was
        // sent): dated when the roll opened, and made before.
        let early = Dated {
            at: opened,
            early: true,
        };
        assert_eq!(at(0, 1_999), early);
        assert_eq!(at(i64::MIN, i64::MAX), early);
        assert_eq!(at(1_000, 2_000), on_time(opened), "made as it opened");
        // A roll "opened" after now (the server's clock stepped back): now.
        assert_eq!(sent(2_000, 2_000).dated(3_000, now), Dated::arriving(now));
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
