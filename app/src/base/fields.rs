//! What forms and links carry, read the same way everywhere: dates, times, weekday ticks,
//! and the local path a form may send the browser back to.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::error::AppError;
use super::i18n::Key;

/// Reads a date typed as `YYYY-MM-DD` (what a date input sends) or `DD/MM/YYYY`.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let input = input.trim();
    NaiveDate::parse_from_str(input, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(input, "%d/%m/%Y"))
        .ok()
        // chrono reads signed years of any size ("+262143-12-31"); date arithmetic on those
        // would overflow, and no record here is that far away.
        .filter(|date| (1900..=2200).contains(&date.year()))
}

/// Reads the date of form field `field`, or refuses it in words.
pub fn date_field(input: &str, field: &str) -> Result<NaiveDate, AppError> {
    parse_date(input).ok_or_else(|| AppError::Validation {
        field: field.into(),
        message: Key::ProblemDate,
    })
}

/// Reads the date of form field `field`, `or` when it was left empty (a page's "today").
pub fn date_field_or(input: &str, field: &str, or: NaiveDate) -> Result<NaiveDate, AppError> {
    if input.trim().is_empty() {
        Ok(or)
    } else {
        date_field(input, field)
    }
}

/// Reads the local time (`HH:MM`) of form field `field`, or refuses it in words.
pub fn time_field(input: &str, field: &str) -> Result<chrono::NaiveTime, AppError> {
    chrono::NaiveTime::parse_from_str(input.trim(), "%H:%M")
        .map_err(|_| AppError::invalid(field, Key::ProblemTime))
}

/// The weekdays a programme eats a meal, as posted by seven checkboxes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaysForm {
    /// Monday: present when ticked.
    #[serde(default)]
    pub d0: Option<String>,
    /// Tuesday: present when ticked.
    #[serde(default)]
    pub d1: Option<String>,
    /// Wednesday: present when ticked.
    #[serde(default)]
    pub d2: Option<String>,
    /// Thursday: present when ticked.
    #[serde(default)]
    pub d3: Option<String>,
    /// Friday: present when ticked.
    #[serde(default)]
    pub d4: Option<String>,
    /// Saturday: present when ticked.
    #[serde(default)]
    pub d5: Option<String>,
    /// Sunday: present when ticked.
    #[serde(default)]
    pub d6: Option<String>,
}

impl DaysForm {
    /// The ticked days as a bit set (bit 0 Monday).
    pub fn bits(&self) -> u8 {
        [
            &self.d0, &self.d1, &self.d2, &self.d3, &self.d4, &self.d5, &self.d6,
        ]
        .iter()
        .enumerate()
        .filter(|(_, ticked)| ticked.is_some())
        .fold(0, |bits, (day, _)| bits | (1 << day))
    }
}

/// `back` if it is a path on this site, else `/`: the switch must not become an open redirect.
pub fn local_path(back: &str) -> &str {
    let is_local = back.starts_with('/')
        && !back.starts_with("//")
        && !back.starts_with("/\\")
        // A Location header holds visible ASCII only (a path is percent-encoded): anything
        // else would make the redirect fail after the change it follows was committed.
        && back.chars().all(|c| c.is_ascii_graphic());
    if is_local { back } else { "/" }
}

/// `value` percent-encoded for a query string (letters, digits, `-._~/` kept as they are).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::{encode_query_value, local_path, parse_date};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
    }

    #[test]
    fn dates_are_read_in_iso_and_day_first_forms() {
        assert_eq!(parse_date("09/03/2015"), Some(day("2015-03-09")));
        assert_eq!(parse_date("2015-02-30"), None);
        assert_eq!(parse_date("+262143-12-31"), None, "no overflow later");
        assert_eq!(parse_date("-0005-01-01"), None);
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query_value("/admin/staff/3"), "/admin/staff/3");
        assert_eq!(encode_query_value("/a?b=c&d"), "/a%3Fb%3Dc%26d");
    }

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(local_path("/beds?day=2026-11-22"), "/beds?day=2026-11-22");
        assert_eq!(local_path("https://evil.example/"), "/");
        assert_eq!(local_path("//evil.example/"), "/");
        assert_eq!(local_path("/\\evil.example/"), "/");
        assert_eq!(local_path("/a\r\nSet-Cookie: x=1"), "/");
        assert_eq!(local_path(""), "/");
    }
}
