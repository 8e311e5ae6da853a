//! Shared types of the audit log.

use serde::{Deserialize, Serialize};

/// The actions that are security events: who came in or tried to, who was kept out, and who
/// read or took away what is most sensitive. The admin's filter shows these alone.
pub const SECURITY_ACTIONS: [&str; 9] = [
    "sign_in",
    "sign_in_failed",
    "lock",
    "unlock",
    "sign_out",
    "refused",
    "read_note",
    "export",
    "view",
];

/// Entries per page of the audit admin page.
pub const PAGE_SIZE: u32 = 50;

/// What the audit page filters on; all optional. Carried in the page's address, so it holds
/// ids and dates only, never a name or a phone number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// `staff:<id>`, `family:<id>` or `system`.
    pub who: Option<String>,
    /// The kind of record (`staff_user`, `family`...).
    pub entity: Option<String>,
    /// One record of that kind, by its id.
    #[serde(default)]
    pub record: Option<String>,
    /// From this day at the centre, inclusive.
    pub from: Option<chrono::NaiveDate>,
    /// To this day at the centre, inclusive.
    pub to: Option<chrono::NaiveDate>,
    /// Only the security events ([`SECURITY_ACTIONS`]).
    #[serde(default)]
    pub security: bool,
    /// The page, from 1.
    pub page: u32,
}

/// The actor a `who` value names: `(kind, id)`; `None` when it names none.
pub fn parse_who(who: &str) -> Option<(&'static str, Option<i64>)> {
    if who == "system" {
        return Some(("system", None));
    }
    let (kind, id) = who.split_once(':')?;
    let id = id.parse::<i64>().ok()?;
    match kind {
        "staff" => Some(("staff", Some(id))),
        "family" => Some(("family", Some(id))),
        _ => None,
    }
}

/// `[start, end)` of the days `from..=to` at the centre, as the log's UTC text timestamps.
pub fn utc_bounds(
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> (Option<String>, Option<String>) {
    let at_midnight = |day: chrono::NaiveDate| {
        day.and_hms_opt(0, 0, 0)
            .and_then(|local| {
                local
                    .and_local_timezone(crate::base::clock::phnom_penh())
                    .single()
            })
            .map(|local| local.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string())
    };
    (
        from.and_then(at_midnight),
        to.and_then(|day| day.succ_opt()).and_then(at_midnight),
    )
}

/// One entry as the audit page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When, at the centre (`YYYY-MM-DD HH:MM`).
    pub at: String,
    /// `staff`, `family` or `system`.
    pub actor_kind: String,
    /// Their login, phone or task at the time.
    pub actor_label: String,
    /// The kind of record.
    pub entity: String,
    /// The record's id.
    pub entity_id: String,
    /// What happened.
    pub action: String,
    /// The record before, as JSON.
    pub before: Option<String>,
    /// The record after, as JSON.
    pub after: Option<String>,
}

/// An actor the filter offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditActor {
    /// The `who` value.
    pub who: String,
    /// Their login, phone or task, as the log last names them.
    pub label: String,
}

/// A page of the audit log, with what the filters may choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The entries on this page, newest first.
    pub entries: Vec<AuditEntry>,
    /// How many entries match the filter in all.
    pub total: i64,
    /// The page shown, from 1.
    pub page: u32,
    /// Who appears in the log.
    pub actors: Vec<AuditActor>,
    /// The kinds of record in the log.
    pub entities: Vec<String>,
}

impl AuditPage {
    /// How many pages the matching entries fill (at least 1).
    pub fn pages(&self) -> u32 {
        let pages = (self.total.max(0) as u64)
            .div_ceil(u64::from(PAGE_SIZE))
            .max(1);
        u32::try_from(pages).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn who_names_an_actor_by_kind_and_id() {
        assert_eq!(parse_who("staff:3"), Some(("staff", Some(3))));
        assert_eq!(parse_who("family:12"), Some(("family", Some(12))));
        assert_eq!(parse_who("system"), Some(("system", None)));
        assert_eq!(parse_who("staff:x"), None);
        assert_eq!(parse_who("robot:1"), None);
    }

    #[test]
    fn a_centre_day_starts_at_17_00_utc_the_day_before() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
        assert_eq!(
            utc_bounds(Some(day), Some(day)),
            (
                Some("2026-11-21T17:00:00".into()),
                Some("2026-11-22T17:00:00".into())
            )
        );
        assert_eq!(utc_bounds(None, None), (None, None));
    }

    #[test]
    fn pages_round_up() {
        let page = |total| AuditPage {
            entries: vec![],
            total,
            page: 1,
            actors: vec![],
            entities: vec![],
        };
        assert_eq!(page(0).pages(), 1);
        assert_eq!(page(50).pages(), 1);
        assert_eq!(page(51).pages(), 2);
    }
}
