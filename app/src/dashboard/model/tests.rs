use chrono::{NaiveDate, NaiveTime};

use super::*;
use crate::canteen::model::{Frozen, Heads};
use crate::homework::model::{Level, Subject, Timetable};

fn day(d: u32) -> NaiveDate {
    // November 2026: the 23rd is a Monday.
    NaiveDate::from_ymd_opt(2026, 11, d).expect("a date")
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("a time")
}

#[test]
fn each_role_sees_the_sections_it_may_read_elsewhere() {
    let seen = |roles: &[Role]| -> Vec<Section> {
        Section::ALL
            .into_iter()
            .filter(|s| s.seen_by(roles))
            .collect()
    };
    assert_eq!(seen(&[Role::Admin]), Section::ALL);
    assert_eq!(
        seen(&[Role::HouseStaff]),
        [
            Section::Residents,
            Section::Camps,
            Section::Meals,
            Section::Homework,
            Section::Visits
        ]
    );
    assert_eq!(
        seen(&[Role::Canteen]),
        [Section::Residents, Section::Camps, Section::Meals]
    );
    assert_eq!(
        seen(&[Role::Tutor]),
        [Section::Residents, Section::Camps, Section::Homework]
    );
    assert_eq!(
        seen(&[Role::SocialTeam]),
        [
            Section::Residents,
            Section::Camps,
            Section::Visits,
            Section::Review
        ]
    );
    // A camp monitor has no dashboard: their groups' page is their day.
    assert!(seen(&[Role::Monitor]).is_empty());
    assert!(seen(&[]).is_empty());
}

#[test]
fn a_viewer_hears_only_of_changes_to_what_they_see() {
    let tutor = Topics::watched_by(&[Role::Tutor]);
    assert!(tutor.meets(Topics::PRESENCE));
    assert!(tutor.meets(Topics::HOMEWORK));
    assert!(!tutor.meets(Topics::VISITS));
    assert!(!tutor.meets(Topics::MEALS));
    let canteen = Topics::watched_by(&[Role::Canteen]);
    assert!(canteen.meets(Topics::MEALS) && canteen.meets(Topics::BEDS));
    assert!(!canteen.meets(Topics::VISITS) && !canteen.meets(Topics::HOMEWORK));
    let social = Topics::watched_by(&[Role::SocialTeam]);
    assert!(social.meets(Topics::VISITS));
    assert!(!social.meets(Topics::MEALS));
    assert!(Topics::watched_by(&[]).is_empty());
    // A child checked in or collected at a camp moves every centre dashboard.
    assert!(social.meets(Topics::CAMPS) && canteen.meets(Topics::CAMPS));
}

#[test]
fn roll_progress_counts_those_accounted_for() {
    let roll = RollProgress {
        building_id: 1,
        name: Name {
            khmer: "ក".into(),
            latin: "A".into(),
        },
        closed: false,
        tally: RollTally {
            present: 30,
            away: 2,
            missing: 1,
            unmarked: 7,
        },
    };
    assert_eq!(roll.housed(), 40);
    assert_eq!(roll.done(), 33);
    let tonight = Tonight {
        housed: 40,
        away: 2,
    };
    assert_eq!(tonight.present(), 38);
}

#[test]
fn weeks_sum_their_days_and_keep_empty_weeks() {
    let days = [(day(16), 8, 10), (day(18), 9, 10), (day(24), 5, 10)];
    let weeks = weekly(&days, day(9), 3);
    assert_eq!(
        weeks,
        [
            HomeworkWeek {
                week: day(9),
                came: 0,
                marked: 0
            },
            HomeworkWeek {
                week: day(16),
                came: 17,
                marked: 20
            },
            HomeworkWeek {
                week: day(23),
                came: 5,
                marked: 10
            },
        ]
    );
    assert_eq!(weeks[0].rate(), None);
    assert_eq!(weeks[1].rate(), Some(85));
    assert_eq!(weeks[2].rate(), Some(50));
    assert_eq!(
        HomeworkWeek {
            week: day(9),
            came: 2,
            marked: 3
        }
        .rate(),
        Some(67),
        "rounded to the nearest percent"
    );
    assert_eq!(monday_of(day(29)), day(23));
    assert_eq!(monday_of(day(23)), day(23));
}

fn class(id: i64, weekdays: u8) -> HomeworkClass {
    HomeworkClass {
        id,
        name: format!("Class {id}"),
        level: Level::Primary,
        subject: Subject::Mathematics,
        tutor_id: 1,
        tutor_name: "Claire".into(),
        room: "A1".into(),
        timetable: Timetable {
            weekdays,
            starts_at: time(18, 0),
            ends_at: time(19, 0),
            term_from: day(2),
            term_until: day(30),
        },
        capacity: 20,
        enrolled: 5,
    }
}

#[test]
fn tonight_sessions_tally_marks_and_excuse_the_away() {
    // Monday the 23rd: class 1 meets on Mondays, class 2 on Tuesdays only.
    let classes = [class(1, 0b1), class(2, 0b10)];
    let marks = [
        (1, 10, Some(Status::Present)),
        (1, 11, Some(Status::Late)),
        (1, 12, Some(Status::Absent)),
        (1, 13, Some(Status::Excused)),
        (1, 14, None),
        (1, 15, None),
        (2, 16, None),
    ];
    let starts = instant(day(23), time(18, 0));
    let away = |resident: i64, at: i64| resident == 15 && at == starts;
    let sessions = sessions_on(&classes, day(23), &[], &marks, away);
    assert_eq!(sessions.len(), 1, "only classes meeting that day");
    let s = &sessions[0];
    assert_eq!(
        (s.enrolled, s.came, s.absent, s.excused, s.unmarked()),
        (6, 2, 1, 2, 1)
    );
    assert!(!s.cancelled);
    let cancelled = sessions_on(&classes, day(23), &[1], &marks, away);
    assert!(cancelled[0].cancelled);
}

fn counts(day: NaiveDate, meals: &[(i64, i64, Option<i64>)]) -> DayCounts {
    DayCounts {
        day,
        meals: meals
            .iter()
            .map(|(id, live, frozen)| MealCount {
                meal_service_id: *id,
                live: Heads {
                    residents: *live,
                    ..Heads::default()
                },
                frozen: frozen.map(|n| Frozen {
                    at: 0,
                    resident_ids: Vec::new(),
                    heads: Heads {
                        residents: n,
                        ..Heads::default()
                    },
                }),
                late: Vec::new(),
            })
            .collect(),
    }
}

#[test]
fn served_and_expected_cover_the_same_meals() {
    let day_counts = counts(
        day(20),
        &[(1, 100, Some(98)), (2, 101, Some(100)), (3, 99, None)],
    );
    let none = BTreeMap::new();
    assert_eq!(
        meals_served(&day_counts, &none),
        MealsServed {
            day: day(20),
            expected: 98 + 100 + 99,
            served: None
        }
    );
    // Breakfast and lunch recorded, supper not: supper is left out of both.
    let served = BTreeMap::from([(1, 95), (2, 104)]);
    assert_eq!(
        meals_served(&day_counts, &served),
        MealsServed {
            day: day(20),
            expected: 198,
            served: Some(199)
        }
    );
}

fn service(id: i64, h: u32) -> MealService {
    MealService {
        id,
        name_km: format!("km{id}"),
        name_en: format!("en{id}"),
        name_fr: format!("fr{id}"),
        serves_at: time(h, 0),
        boarding_days: 0x7f,
        residence_days: 0x7f,
        active: true,
    }
}

#[test]
fn a_meal_shows_its_frozen_figure_once_frozen_and_the_late_changes() {
    let services = [service(1, 7), service(2, 12)];
    let mut day_counts = counts(day(23), &[(1, 100, Some(98)), (2, 101, None)]);
    day_counts.meals[0].live.diets = vec![(Diet::Normal, 90), (Diet::Vegetarian, 10)];
    day_counts.meals[1].live.diets = vec![(Diet::Normal, 101), (Diet::Vegetarian, 0)];
    let served = BTreeMap::from([(1, 97)]);
    let shown = meal_day(&services, &day_counts, &served, time(14, 0));
    assert_eq!(shown.cutoff_at, instant(day(22), time(14, 0)));
    let (breakfast, lunch) = (&shown.meals[0], &shown.meals[1]);
    assert_eq!(
        (breakfast.expected, breakfast.frozen, breakfast.late),
        (98, true, 2)
    );
    assert_eq!(breakfast.served, Some(97));
    assert_eq!(breakfast.name[1], "en1");
    // Diets come from the frozen figure, which has none here.
    assert!(breakfast.diets.is_empty());
    assert_eq!((lunch.expected, lunch.frozen, lunch.late), (101, false, 0));
    assert_eq!(
        lunch.diets,
        [(Diet::Normal, 101)],
        "diets without heads are left out"
    );
    assert_eq!(lunch.served, None);
}

#[test]
fn a_refused_stream_is_retried_after_a_pause_that_doubles_up_to_half_a_minute() {
    let seconds: Vec<u64> = (0..6).map(|n| retry_pause(n).as_secs()).collect();
    assert_eq!(seconds, [5, 10, 20, 30, 30, 30]);
    assert_eq!(retry_pause(u32::MAX).as_secs(), 30);
}
