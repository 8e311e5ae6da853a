//! The clock: now, and the centre's day, in the centre's time zone.

use chrono::{FixedOffset, NaiveDate, Utc};

/// UTC+7, checked once, when the program is compiled.
const UTC_PLUS_7: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

/// The centre's local time zone, Asia/Phnom_Penh: UTC+7 all year, no daylight saving.
pub fn phnom_penh() -> FixedOffset {
    UTC_PLUS_7
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    Utc::now().timestamp()
}

/// Now, in Unix milliseconds: for dating a tablet's mark by how long it waited.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// The instant (Unix seconds) of a local day and time at the centre.
pub fn instant(day: NaiveDate, time: chrono::NaiveTime) -> i64 {
    use chrono::TimeZone;
    phnom_penh()
        .from_local_datetime(&day.and_time(time))
        .single()
        .map(|moment| moment.timestamp())
        // UTC+7 has no gaps or overlaps: this never happens.
        .unwrap_or_default()
}

/// The local day and time at the centre of an instant (Unix seconds).
pub fn local(instant: i64) -> chrono::NaiveDateTime {
    chrono::DateTime::from_timestamp(instant, 0)
        .unwrap_or_default()
        .with_timezone(&phnom_penh())
        .naive_local()
}

/// Today's date at the centre.
pub fn today_at_centre() -> NaiveDate {
    Utc::now().with_timezone(&phnom_penh()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::phnom_penh;

    #[test]
    fn the_centre_is_seven_hours_ahead_of_utc() {
        assert_eq!(phnom_penh().local_minus_utc(), 7 * 3600);
    }
}
