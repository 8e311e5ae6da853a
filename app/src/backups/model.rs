//! The rules of the nightly backups: when they run, what the copies are called, which are
//! kept, and what the admin is told about the last one.

use chrono::{Datelike, Days, NaiveDate, NaiveTime, TimeZone};
use serde::{Deserialize, Serialize};

use crate::base::clock::{local, phnom_penh};
use crate::base::i18n::Key;

/// Nightly copies kept: two weeks.
pub const NIGHTLY_KEPT: usize = 14;
/// Monthly copies kept (the first nightly of each month): a year.
pub const MONTHLY_KEPT: usize = 12;
/// A night's copy is missing when the last good one is older than this (hours): a night
/// went by without one.
pub const MISSING_AFTER_HOURS: i64 = 26;

/// The nightly copy of `day` (the centre's date when it was taken).
pub fn nightly_name(day: NaiveDate) -> String {
    format!("nightly-{day}.db")
}

/// The monthly copy of `day`'s month.
pub fn monthly_name(day: NaiveDate) -> String {
    format!("monthly-{:04}-{:02}.db", day.year(), day.month())
}

/// The next time after `now` (Unix seconds) that the clock at the centre reads `at`.
pub fn next_run(now: i64, at: NaiveTime) -> i64 {
    let zone = phnom_penh();
    let today = local(now).date();
    [today, today + Days::new(1)]
        .into_iter()
        .filter_map(|day| zone.from_local_datetime(&day.and_time(at)).single())
        .map(|moment| moment.timestamp())
        .find(|moment| *moment > now)
        .unwrap_or(now + 86_400)
}

/// Of the file names in the backup folder, the copies to remove: every nightly copy but the
/// newest [`NIGHTLY_KEPT`], every monthly copy but the newest [`MONTHLY_KEPT`]. Any other
/// file is left alone.
pub fn to_remove(names: &[String]) -> Vec<String> {
    let mut removed = Vec::new();
    for (prefix, kept) in [("nightly-", NIGHTLY_KEPT), ("monthly-", MONTHLY_KEPT)] {
        let mut copies: Vec<&String> = names
            .iter()
            .filter(|name| name.starts_with(prefix) && name.ends_with(".db"))
            .collect();
        // The dates in the names sort as the days do.
        copies.sort_unstable_by(|a, b| b.cmp(a));
        removed.extend(copies.into_iter().skip(kept).cloned());
    }
    removed.sort();
    removed
}

/// What went wrong with a backup, as the admin is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    /// The backup folder could not be created or written to.
    Folder,
    /// The copy could not be written (a full disk, say).
    Write,
    /// The copy was written but does not read back whole.
    Check,
}

impl Problem {
    /// As stored in `backup_run.problem`.
    pub const fn code(self) -> &'static str {
        match self {
            Problem::Folder => "folder",
            Problem::Write => "write",
            Problem::Check => "check",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Problem> {
        [Problem::Folder, Problem::Write, Problem::Check]
            .into_iter()
            .find(|p| p.code() == code)
    }

    /// What the admin reads.
    pub const fn key(self) -> Key {
        match self {
            Problem::Folder => Key::BackupProblemFolder,
            Problem::Write => Key::BackupProblemWrite,
            Problem::Check => Key::BackupProblemCheck,
        }
    }
}

/// One backup taken, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub path: String,
    /// Unix seconds.
    pub finished_at: i64,
    /// None when it was written and checked.
    pub problem: Option<Problem>,
    pub bytes: Option<i64>,
    /// Tables and rows in the copy, counted when it was checked.
    pub tables: i64,
    pub rows: i64,
}

/// The backups as the admin sees them on the dashboard: fine, or an alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Health {
    /// The last backup was written and checked, within the last night.
    Fine(Run),
    /// The last backup failed.
    Failed(Run),
    /// No good backup for more than [`MISSING_AFTER_HOURS`] hours (the time of the last good
    /// one), or none ever.
    Missing(Option<i64>),
}

impl Health {
    /// From the last backup taken and the last good one, at `now` (Unix seconds).
    pub fn of(last: Option<Run>, last_good: Option<i64>, now: i64) -> Health {
        match last {
            Some(run) if run.problem.is_some() => Health::Failed(run),
            Some(run) if now - run.finished_at <= MISSING_AFTER_HOURS * 3600 => Health::Fine(run),
            _ => Health::Missing(last_good),
        }
    }

    /// Whether the admin is alerted.
    pub fn is_alert(&self) -> bool {
        !matches!(self, Health::Fine(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn copies_are_named_by_the_centres_day_and_month() {
        assert_eq!(nightly_name(day("2026-12-07")), "nightly-2026-12-07.db");
        assert_eq!(monthly_name(day("2026-03-01")), "monthly-2026-03.db");
    }

    #[test]
    fn the_next_run_is_the_next_time_the_centres_clock_reads_the_hour() {
        let at = NaiveTime::from_hms_opt(2, 0, 0).unwrap_or_default();
        // 2026-12-06 18:00 UTC is 01:00 on the 7th at the centre: tonight's 02:00 is in an hour.
        let before = 1_796_580_000;
        assert_eq!(next_run(before, at), before + 3600);
        // At 02:00 exactly, the next is tomorrow's.
        assert_eq!(next_run(before + 3600, at), before + 3600 + 86_400);
        // At 14:00, tonight's.
        assert_eq!(next_run(before + 13 * 3600, at), before + 25 * 3600);
    }

    #[test]
    fn the_newest_fourteen_nightly_and_twelve_monthly_copies_are_kept() {
        let mut names: Vec<String> = (1..=20)
            .map(|d| nightly_name(day(&format!("2026-11-{d:02}"))))
            .collect();
        names.extend((1..=12).map(|m| monthly_name(day(&format!("2025-{m:02}-01")))));
        names.push(monthly_name(day("2026-01-01")));
        names.push("notes.txt".to_owned());
        names.push("nightly-2026-11-30.db.part".to_owned());
        let removed = to_remove(&names);
        let expected: Vec<String> = (1..=6)
            .map(|d| nightly_name(day(&format!("2026-11-{d:02}"))))
            .chain([monthly_name(day("2025-01-01"))])
            .collect();
        let mut expected = expected;
        expected.sort();
        assert_eq!(removed, expected);
        assert!(to_remove(&names[..14]).is_empty());
    }

    #[test]
    fn a_failed_or_missing_backup_is_an_alert() {
        let now = 1_796_580_000;
        let run = |hours_ago: i64, problem| Run {
            path: "/backups/nightly-2026-12-07.db".into(),
            finished_at: now - hours_ago * 3600,
            problem,
            bytes: Some(1),
            tables: 1,
            rows: 1,
        };
        assert!(matches!(
            Health::of(Some(run(3, None)), Some(now), now),
            Health::Fine(_)
        ));
        let failed = Health::of(Some(run(3, Some(Problem::Write))), Some(now - 86_400), now);
        assert!(matches!(failed, Health::Failed(_)) && failed.is_alert());
        // Two nights ago: a night went by without one.
        let old = run(27, None);
        assert_eq!(
            Health::of(Some(old.clone()), Some(old.finished_at), now),
            Health::Missing(Some(old.finished_at))
        );
        assert_eq!(Health::of(None, None, now), Health::Missing(None));
    }
}
