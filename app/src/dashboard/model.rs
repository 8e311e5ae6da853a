//! What the dashboard shows, and the rules that shape it: which sections each role sees,
//! which changes concern a viewer, and the figures computed from the rows.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::base::access::Role;
use crate::base::changes::{Topics, Version};
use crate::canteen::model::{DayCounts, MealCount, MealService, cutoff_instant};
use crate::centre::model::Name;
use crate::homework::model::{HomeworkClass, Status};
use crate::housing::model::OccupancyRow;
use crate::presence::model::{Alerts, RollTally, instant};
use crate::residents::model::Diet;

/// The parts of the dashboard, each shown to the roles that may read its data elsewhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Section {
    /// Beds, presence, the roll call and its alerts: every staff role.
    Residents,
    /// Meal counts and served figures: canteen, house staff, admin.
    Meals,
    /// Homework sessions: tutors (their own classes), house staff, admin.
    Homework,
    /// Today's visits: house staff (the gate), social team, admin.
    Visits,
    /// Bookings waiting for the social team: social team, admin.
    Review,
    /// How the nightly backups stand: admin.
    Backups,
    /// Camp children today, and those not collected: every staff role of the centre.
    Camps,
}

impl Section {
    /// Every section, in page order.
    pub const ALL: [Section; 7] = [
        Section::Residents,
        Section::Camps,
        Section::Meals,
        Section::Homework,
        Section::Visits,
        Section::Review,
        Section::Backups,
    ];

    /// The roles that see it.
    pub const fn roles(self) -> &'static [Role] {
        match self {
            Section::Residents => &Role::CENTRE,
            Section::Meals => &[Role::Canteen, Role::HouseStaff, Role::Admin],
            Section::Homework => &[Role::Tutor, Role::HouseStaff, Role::Admin],
            Section::Visits => &[Role::HouseStaff, Role::SocialTeam, Role::Admin],
            Section::Review => &[Role::SocialTeam, Role::Admin],
            Section::Backups => &[Role::Admin],
            Section::Camps => &Role::CENTRE,
        }
    }

    /// Whether someone holding `roles` sees it.
    pub fn seen_by(self, roles: &[Role]) -> bool {
        roles.iter().any(|role| self.roles().contains(role))
    }

    /// The topics of changes that alter it.
    pub const fn topics(self) -> Topics {
        match self {
            // Presence and beds move every figure about residents.
            Section::Residents => Topics(Topics::BEDS.0 | Topics::PRESENCE.0),
            // Who eats follows who sleeps here, who is away, and the camp children.
            Section::Meals => {
                Topics(Topics::BEDS.0 | Topics::PRESENCE.0 | Topics::MEALS.0 | Topics::CAMPS.0)
            }
            // Away residents are excused from their session.
            Section::Homework => Topics(Topics::PRESENCE.0 | Topics::HOMEWORK.0),
            Section::Visits | Section::Review => Topics::VISITS,
            Section::Backups => Topics::BACKUPS,
            Section::Camps => Topics::CAMPS,
        }
    }
}

/// What a dashboard watches: the topics of the sections its viewer sees.
impl Topics {
    /// The topics that change what someone holding `roles` sees.
    pub fn watched_by(roles: &[Role]) -> Topics {
        Section::ALL
            .into_iter()
            .filter(|section| section.seen_by(roles))
            .fold(Topics::default(), |all, section| all.with(section.topics()))
    }
}

/// How long a dashboard whose live stream was refused waits before asking the server again,
/// after `failures` failures in a row: 5 s, then doubling, at most 30 s. Long enough not to
/// hammer a failing server from every tablet, short enough to catch up soon after it is back.
pub fn retry_pause(failures: u32) -> std::time::Duration {
    const FIRST_SECONDS: u64 = 5;
    const LONGEST_SECONDS: u64 = 30;
    std::time::Duration::from_secs((FIRST_SECONDS << failures.min(3)).min(LONGEST_SECONDS))
}

/// A building's roll call tonight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollProgress {
    pub building_id: i64,
    /// Its name in Khmer script and Latin letters.
    pub name: Name,
    /// Whether it is closed.
    pub closed: bool,
    /// Its counts so far.
    pub tally: RollTally,
}

impl RollProgress {
    /// Residents with a bed there tonight.
    pub fn housed(&self) -> i64 {
        self.tally.present + self.tally.away + self.tally.missing + self.tally.unmarked
    }

    /// Residents accounted for: marked, or away with leave.
    pub fn done(&self) -> i64 {
        self.housed() - self.tally.unmarked
    }
}

/// Who sleeps here tonight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tonight {
    /// With a bed tonight.
    pub housed: i64,
    /// Of them, away with leave at roll-call time.
    pub away: i64,
}

impl Tonight {
    /// Expected to sleep here: housed and not away.
    pub fn present(self) -> i64 {
        self.housed - self.away
    }
}

/// Beds, presence and the roll: every staff role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Residents {
    /// Residents marked missing and not found yet, and residents overdue back.
    pub alerts: Alerts,
    /// Beds in service and slept in tonight, by facility and sex.
    pub beds: Vec<OccupancyRow>,
    /// Who sleeps here tonight.
    pub tonight: Tonight,
    /// Tonight's roll call, building by building.
    pub rolls: Vec<RollProgress>,
    /// Residents at the centre (admitted, not left) with no bed tonight.
    pub unhoused: i64,
    /// Beds slept in over the last 30 nights, by facility.
    pub occupancy: OccupancyHistory,
}

/// Beds slept in night by night, by facility.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccupancyHistory {
    /// The facilities with beds, and their beds in service now.
    pub facilities: Vec<(Name, i64)>,
    /// Each night, oldest first: the beds slept in, in the order of `facilities`.
    pub nights: Vec<(NaiveDate, Vec<i64>)>,
}

/// One meal of a day, against the cut-off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MealFigure {
    pub meal_service_id: i64,
    /// Its name in Khmer, English and French.
    pub name: [String; 3],
    /// When it is served.
    pub serves_at: NaiveTime,
    /// Heads to cook for: frozen once the cut-off passed, else as things stand.
    pub expected: i64,
    /// Heads by diet, in `Diet::ALL` order (only diets with heads).
    pub diets: Vec<(Diet, i64)>,
    /// Whether the figure is frozen (the cut-off passed).
    pub frozen: bool,
    /// Heads added (positive) or gone (negative) since the cut-off.
    pub late: i64,
    /// What was served, once recorded.
    pub served: Option<i64>,
}

/// A day's meals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MealDay {
    pub day: NaiveDate,
    /// When its counts freeze (Unix seconds): the day before at the cut-off.
    pub cutoff_at: i64,
    /// Its meals, in serving order.
    pub meals: Vec<MealFigure>,
}

/// A day of meals in the last four weeks, for the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MealsServed {
    pub day: NaiveDate,
    /// Heads expected at its meals.
    pub expected: i64,
    /// Heads served at the meals with a record; none when no meal of the day has one.
    pub served: Option<i64>,
}

/// Meals today and tomorrow, and the last four weeks: canteen, house staff, admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meals {
    /// Today and tomorrow.
    pub days: Vec<MealDay>,
    /// The 28 days before today, oldest first.
    pub history: Vec<MealsServed>,
}

/// A homework session tonight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTonight {
    pub class_id: i64,
    pub name: String,
    /// When it starts.
    pub starts_at: NaiveTime,
    pub room: String,
    /// Whether it was called off.
    pub cancelled: bool,
    /// Pupils on its roll tonight.
    pub enrolled: i64,
    /// Came (present or late).
    pub came: i64,
    /// Absent without a reason.
    pub absent: i64,
    /// Excused, by a mark or away with leave.
    pub excused: i64,
}

impl SessionTonight {
    /// Pupils not marked yet (and not away).
    pub fn unmarked(&self) -> i64 {
        (self.enrolled - self.came - self.absent - self.excused).max(0)
    }
}

/// Attendance in one week, for the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeworkWeek {
    /// Its Monday.
    pub week: NaiveDate,
    /// Marks of pupils who came (present or late).
    pub came: i64,
    /// Marks that count: came or absent (excused ones do not).
    pub marked: i64,
}

impl HomeworkWeek {
    /// The attendance rate in percent, when anything was marked.
    pub fn rate(self) -> Option<i64> {
        (self.marked > 0).then(|| (self.came * 100 + self.marked / 2) / self.marked)
    }
}

/// Homework tonight and over the last weeks: tutors see their own classes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Homework {
    /// Tonight's sessions, by start time.
    pub sessions: Vec<SessionTonight>,
    /// The last eight weeks, this week last.
    pub weeks: Vec<HomeworkWeek>,
}

/// Today's visits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitsToday {
    /// Today's visit day, if there is one.
    pub day_id: Option<i64>,
    /// Confirmed bookings.
    pub booked: i64,
    /// Of them, checked in at the gate.
    pub checked_in: i64,
    /// Bookings waiting for the social team's approval.
    pub awaiting: i64,
    /// Supervised visits (staff must be there).
    pub supervised: i64,
}

/// The whole dashboard, as one viewer may see it: a section is `None` for a role that does
/// not see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Today at the centre.
    pub today: NaiveDate,
    /// The data's version, for live updates.
    pub version: Version,
    /// Beds, presence and the roll.
    pub residents: Residents,
    pub meals: Option<Meals>,
    pub homework: Option<Homework>,
    /// Today's visits.
    pub visits: Option<VisitsToday>,
    /// Bookings waiting for approval or flagged for review, from today on.
    pub review: Option<i64>,
    /// How the nightly backups stand (admin).
    pub backups: Option<crate::backups::model::Health>,
    /// Camp children today.
    pub camps: Option<CampsToday>,
    /// The name it is kept under: every viewer with the same one sees the same board.
    pub shared_as: String,
}

/// Camp children today: those not collected by the end of their day (first on the page), and
/// each camp running today counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampsToday {
    pub uncollected: Vec<crate::camps::model::Uncollected>,
    pub running: Vec<crate::camps::model::CampToday>,
}

/// The Monday of `day`'s week.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// Sums daily (day, came, marked) figures into weeks from `first_monday`, `weeks` of them,
/// oldest first; weeks with no marks are kept, at zero.
pub fn weekly(
    days: &[(NaiveDate, i64, i64)],
    first_monday: NaiveDate,
    weeks: u64,
) -> Vec<HomeworkWeek> {
    (0..weeks)
        .map(|n| {
            let week = first_monday + chrono::Days::new(7 * n);
            let (came, marked) = days
                .iter()
                .filter(|(day, ..)| monday_of(*day) == week)
                .fold((0, 0), |(c, m), (_, came, marked)| (c + came, m + marked));
            HomeworkWeek { week, came, marked }
        })
        .collect()
}

/// A day's meals as the dashboard shows them, from the canteen's counts: the figure to cook
/// for and its diets, frozen or live, and what was served (`served` by meal service).
pub fn meal_day(
    services: &[MealService],
    counts: &DayCounts,
    served: &BTreeMap<i64, i64>,
    cutoff: NaiveTime,
) -> MealDay {
    let meals = services
        .iter()
        .zip(&counts.meals)
        .map(|(service, count)| {
            let heads = count
                .frozen
                .as_ref()
                .map_or(&count.live, |frozen| &frozen.heads);
            MealFigure {
                meal_service_id: service.id,
                name: [
                    service.name_km.clone(),
                    service.name_en.clone(),
                    service.name_fr.clone(),
                ],
                serves_at: service.serves_at,
                expected: count.expected(),
                diets: Diet::ALL
                    .into_iter()
                    .map(|diet| (diet, heads.diet(diet)))
                    .filter(|(_, n)| *n > 0)
                    .collect(),
                frozen: count.frozen.is_some(),
                late: count.late_delta(),
                served: served.get(&service.id).copied(),
            }
        })
        .collect();
    MealDay {
        day: counts.day,
        cutoff_at: cutoff_instant(counts.day, cutoff),
        meals,
    }
}

/// A past day's meals for the chart. Served and expected cover the same meals: those with a
/// served record, or every meal when none has one (and served is then none).
pub fn meals_served(counts: &DayCounts, served: &BTreeMap<i64, i64>) -> MealsServed {
    let recorded: Vec<(i64, i64)> = counts
        .meals
        .iter()
        .filter_map(|meal| {
            served
                .get(&meal.meal_service_id)
                .map(|n| (meal.expected(), *n))
        })
        .collect();
    if recorded.is_empty() {
        return MealsServed {
            day: counts.day,
            expected: counts.meals.iter().map(MealCount::expected).sum(),
            served: None,
        };
    }
    MealsServed {
        day: counts.day,
        expected: recorded.iter().map(|(expected, _)| expected).sum(),
        served: Some(recorded.iter().map(|(_, served)| served).sum()),
    }
}

/// Tonight's sessions of `classes` on `day`: each class meeting that day with its roll
/// (`marks`: class, resident, status if marked), a pupil away according to presence at the
/// start counting as excused unless marked (`away(resident, start)`).
pub fn sessions_on(
    classes: &[HomeworkClass],
    day: NaiveDate,
    cancelled: &[i64],
    marks: &[(i64, i64, Option<Status>)],
    away: impl Fn(i64, i64) -> bool,
) -> Vec<SessionTonight> {
    classes
        .iter()
        .filter(|class| class.timetable.meets_on(day))
        .map(|class| {
            let starts = instant(day, class.timetable.starts_at);
            let mut session = SessionTonight {
                class_id: class.id,
                name: class.name.clone(),
                starts_at: class.timetable.starts_at,
                room: class.room.clone(),
                cancelled: cancelled.contains(&class.id),
                enrolled: 0,
                came: 0,
                absent: 0,
                excused: 0,
            };
            for (_, resident, status) in marks.iter().filter(|(id, ..)| *id == class.id) {
                session.enrolled += 1;
                match status {
                    Some(status) if status.attended() => session.came += 1,
                    Some(Status::Absent) => session.absent += 1,
                    Some(_) => session.excused += 1,
                    None if away(*resident, starts) => session.excused += 1,
                    None => {}
                }
            }
            session
        })
        .collect()
}

#[cfg(test)]
mod tests;
