//! What a committed change touched (`Topics`), and which state of the data a page shows
//! (`Version`): the words the change hub (`base::hub`) and the live dashboards share.

use serde::{Deserialize, Serialize};

/// A set of kinds of change, as bits: what a write touched, and what a viewer cares about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topics(pub u8);

impl Topics {
    /// Residents, buildings, rooms, beds and allocations.
    pub const BEDS: Topics = Topics(1);
    /// Absences, roll calls and their marks.
    pub const PRESENCE: Topics = Topics(2);
    /// Meal services, extra heads, frozen and served figures.
    pub const MEALS: Topics = Topics(4);
    /// Homework classes, enrolments, cancellations and attendance.
    pub const HOMEWORK: Topics = Topics(8);
    /// Visit days, bookings, check-ins and home stays.
    pub const VISITS: Topics = Topics(16);
    /// Absences alone, among presence's tables: what the meal counts are counted from, which a
    /// roll mark does not move (every absence is also `PRESENCE`).
    pub const ABSENCES: Topics = Topics(32);
    /// The server's backups.
    pub const BACKUPS: Topics = Topics(64);
    /// Camps, their groups, campers and each camp day's check-in and pick-up.
    pub const CAMPS: Topics = Topics(128);

    /// The topic of a write to `table`; none for tables no dashboard shows (sessions, audit).
    pub fn of_table(table: &str) -> Topics {
        match table {
            "resident" | "building" | "room" | "bed" | "allocation" | "facility" | "centre" => {
                Topics::BEDS
            }
            // A lent bed changes who sleeps where, and a residential camp's figures.
            "bed_loan" => Topics::BEDS.with(Topics::CAMPS),
            "absence" => Topics::PRESENCE.with(Topics::ABSENCES),
            "roll_call" | "roll_mark" | "camper_roll_mark" | "presence_setting" => Topics::PRESENCE,
            "meal_service" | "extra_heads" | "meal_freeze" | "meal_served" | "canteen_setting" => {
                Topics::MEALS
            }
            "homework_class" | "enrolment" | "session_cancellation" | "attendance" => {
                Topics::HOMEWORK
            }
            "visit_day"
            | "visit_slot"
            | "visit_booking"
            | "visit_booking_child"
            | "visit_visitor"
            | "home_stay" => Topics::VISITS,
            "backup_run" => Topics::BACKUPS,
            "camp" | "camp_group" | "camp_monitor" | "camp_activity" | "camper"
            | "camp_guardian" | "camp_place" | "camp_day" => Topics::CAMPS,
            _ => Topics::default(),
        }
    }

    /// Both sets.
    pub const fn with(self, other: Topics) -> Topics {
        Topics(self.0 | other.0)
    }

    /// Whether the two sets share a topic.
    pub const fn meets(self, other: Topics) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// Which state of the data a dashboard shows: the server's run, the count of changes it had
/// committed, and the centre's day. A dashboard whose version is older than the live one
/// fetches again: after a change, a restart, or midnight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// The server's run (it starts again from 0 after a restart).
    pub epoch: u64,
    /// Changes committed in that run.
    pub seq: u64,
    /// The centre's day, as days since the common era (`NaiveDate::num_days_from_ce`).
    pub day: i32,
}

impl Version {
    /// Whether `live` has changes that a dashboard showing `self` lacks.
    pub fn is_behind(self, live: Version) -> bool {
        self.epoch != live.epoch || self.seq < live.seq || self.day != live.day
    }

    /// As a stamp for figures kept per state of the data (`Changes::memo`).
    pub fn stamp(self) -> [u64; 3] {
        [self.epoch, self.seq, u64::from(self.day.unsigned_abs())]
    }

    /// As a live event's data: `epoch seq day`.
    pub fn encode(self) -> String {
        format!("{} {} {}", self.epoch, self.seq, self.day)
    }

    /// Reads a live event's data.
    pub fn parse(data: &str) -> Option<Version> {
        let mut parts = data.split_whitespace().map(str::parse::<i64>);
        let (Some(Ok(epoch)), Some(Ok(seq)), Some(Ok(day)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        Some(Version {
            epoch: u64::try_from(epoch).ok()?,
            seq: u64::try_from(seq).ok()?,
            day: i32::try_from(day).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Topics, Version};

    #[test]
    fn writes_are_sorted_into_topics_by_table() {
        assert_eq!(Topics::of_table("roll_mark"), Topics::PRESENCE);
        assert_eq!(Topics::of_table("camper_roll_mark"), Topics::PRESENCE);
        assert!(Topics::of_table("bed_loan").meets(Topics::BEDS));
        // An absence is presence, and also moves the meal counts; a roll mark does not.
        assert!(Topics::of_table("absence").meets(Topics::PRESENCE));
        assert!(Topics::of_table("absence").meets(Topics::ABSENCES));
        assert!(!Topics::of_table("roll_mark").meets(Topics::ABSENCES));
        assert_eq!(Topics::of_table("allocation"), Topics::BEDS);
        assert_eq!(Topics::of_table("attendance"), Topics::HOMEWORK);
        assert_eq!(Topics::of_table("visit_booking"), Topics::VISITS);
        assert_eq!(Topics::of_table("meal_served"), Topics::MEALS);
        // Sign-ins and the audit log move no figure of the dashboard.
        assert!(Topics::of_table("session").is_empty());
        assert!(Topics::of_table("audit_log").is_empty());
    }

    #[test]
    fn a_dashboard_is_behind_after_a_change_a_restart_or_midnight() {
        let version = |epoch, seq, day| Version { epoch, seq, day };
        let shown = version(7, 10, 739_000);
        assert!(!shown.is_behind(version(7, 10, 739_000)));
        assert!(!shown.is_behind(version(7, 9, 739_000)));
        assert!(shown.is_behind(version(7, 11, 739_000)));
        // A restarted server counts from 0 again, under a new epoch.
        assert!(shown.is_behind(version(8, 0, 739_000)));
        // A tablet left open overnight: tomorrow's figures.
        assert!(shown.is_behind(version(7, 10, 739_001)));
        assert_eq!(Version::parse(&shown.encode()), Some(shown));
        assert_eq!(Version::parse("7 10"), None);
        assert_eq!(Version::parse("7 10 1 2"), None);
        assert_eq!(Version::parse("x 1 2"), None);
        assert_eq!(Version::parse("1 -2 3"), None);
    }
}
