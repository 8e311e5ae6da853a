//! The demo's calendar: days, instants and weekdays counted from today, for every domain's seed.

use chrono::{Datelike, Months, NaiveDate, NaiveTime, TimeDelta, Weekday};

use crate::demo::Rng;
use crate::presence::model::instant;

/// `n` days, to add to or take from a day.
pub(super) fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

/// `day` at `hour:minute` at the centre, as an instant.
pub(super) fn at(day: NaiveDate, hour: u32, minute: u32) -> i64 {
    instant(
        day,
        NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default(),
    )
}

/// The first `weekday` from `from` on.
pub(super) fn next_weekday(from: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + i64::from(weekday.num_days_from_monday())
        - i64::from(from.weekday().num_days_from_monday()))
        % 7;
    from + days(ahead)
}

/// A day from `lo` to `hi` included.
pub(super) fn day_between(rng: &mut Rng, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    lo + days(rng.between(0, (hi - lo).num_days().max(0)))
}

/// `day`, `years` years earlier (28 February for a 29 February).
pub(super) fn years_before(day: NaiveDate, years: i32) -> NaiveDate {
    day.checked_sub_months(Months::new(12 * years.max(0).unsigned_abs()))
        .unwrap_or(day)
}

/// `day`, `years` years later (28 February for a 29 February).
pub(super) fn years_after(day: NaiveDate, years: i32) -> NaiveDate {
    day.checked_add_months(Months::new(12 * years.max(0).unsigned_abs()))
        .unwrap_or(day)
}

/// The day the demo's tests take as today: a Sunday in the school year.
#[cfg(test)]
pub(super) fn sample_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date")
}

/// A time of day, hour and minute.
pub(super) fn hm(hour: u32, minute: u32) -> chrono::NaiveTime {
    chrono::NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default()
}
