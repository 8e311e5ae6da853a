use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn camp(places: i64) -> CampRules {
    CampRules {
        starts_on: day("2027-04-05"),
        ends_on: day("2027-04-30"),
        min_age: 6,
        max_age: 12,
        places,
    }
}

fn guardian(id: i64, may_collect: bool) -> Guardian {
    Guardian {
        id,
        name: format!("Guardian {id}"),
        phone: format!("01234567{id}"),
        relationship: Relationship::Mother,
        may_collect,
    }
}

fn form() -> CamperForm {
    CamperForm {
        name_km: "សុខ ដារ៉ា".into(),
        name_latin: "Sok Dara".into(),
        sex: "f".into(),
        born_on: "2018-06-01".into(),
        guardian1_name: "Sok Malis".into(),
        guardian1_phone: "012 345 678".into(),
        guardian1_relationship: "mother".into(),
        guardian1_may_collect: Some("on".into()),
        ..CamperForm::default()
    }
}

#[test]
fn the_age_band_counts_whole_years_on_the_first_day() {
    let rules = camp(10);
    // Six on the first day, by a day.
    assert_eq!(check_place(&rules, 0, false, day("2021-04-05")), Ok(()));
    assert_eq!(
        check_place(&rules, 0, false, day("2021-04-06")),
        Err(PlaceProblem::Age)
    );
    // Twelve until the day before the thirteenth birthday.
    assert_eq!(check_place(&rules, 0, false, day("2014-04-06")), Ok(()));
    assert_eq!(
        check_place(&rules, 0, false, day("2014-04-05")),
        Err(PlaceProblem::Age)
    );
}

#[test]
fn the_last_place_is_taken_once() {
    let rules = camp(3);
    assert_eq!(check_place(&rules, 2, false, day("2018-01-01")), Ok(()));
    assert_eq!(
        check_place(&rules, 3, false, day("2018-01-01")),
        Err(PlaceProblem::Full)
    );
    assert_eq!(
        check_place(&rules, 0, true, day("2018-01-01")),
        Err(PlaceProblem::Already)
    );
}

#[test]
fn a_child_leaves_only_with_a_guardian_named_and_allowed() {
    let guardians = [guardian(1, true), guardian(2, false)];
    assert_eq!(collector(&guardians, Some(1)).map(|g| g.id), Ok(1));
    assert_eq!(
        collector(&guardians, Some(2)).map(|g| g.id),
        Err(Stop::NotAllowed)
    );
    // Someone else's guardian, or nobody chosen.
    assert_eq!(
        collector(&guardians, Some(3)).map(|g| g.id),
        Err(Stop::NotNamed)
    );
    assert_eq!(
        collector(&guardians, None).map(|g| g.id),
        Err(Stop::NotNamed)
    );
}

#[test]
fn a_day_moves_from_check_in_to_leaving_and_no_further() {
    use DayStatus::*;
    assert!(check_day_change(None, Present).is_ok());
    assert!(check_day_change(None, Absent).is_ok());
    assert!(check_day_change(Some(Absent), Present).is_ok());
    assert!(check_day_change(Some(Present), Collected).is_ok());
    assert!(check_day_change(Some(Present), HandedOver).is_ok());
    // Not collected before being checked in, nor checked in again once gone home.
    assert!(check_day_change(None, Collected).is_err());
    assert!(check_day_change(Some(Absent), Collected).is_err());
    assert!(check_day_change(Some(Collected), Present).is_err());
    assert!(check_day_change(Some(HandedOver), Collected).is_err());
}

#[test]
fn a_registration_reads_the_child_and_their_guardians() {
    let (camper, guardians) = check_camper(&form(), day("2026-12-07")).expect("valid");
    assert_eq!(camper.name_latin, "Sok Dara");
    assert_eq!(camper.sex, Sex::Female);
    assert_eq!(guardians.len(), 1);
    assert_eq!(guardians[0].phone, "012345678");
    assert!(guardians[0].may_collect);
}

#[test]
fn a_registration_without_anyone_to_collect_the_child_is_refused() {
    let mut nobody = form();
    nobody.guardian1_may_collect = None;
    assert_eq!(
        check_camper(&nobody, day("2026-12-07")),
        Err(AppError::invalid(
            "guardian1_may_collect",
            Key::ProblemNoCollector
        ))
    );
    let mut bad_phone = form();
    bad_phone.guardian1_phone = "12ab".into();
    assert_eq!(
        check_camper(&bad_phone, day("2026-12-07")),
        Err(AppError::invalid("guardian1_phone", Key::ProblemPhone))
    );
    let mut same = form();
    same.guardian2_name = "Sok Vanna".into();
    same.guardian2_phone = "012345678".into();
    same.guardian2_relationship = "father".into();
    assert_eq!(
        check_camper(&same, day("2026-12-07")),
        Err(AppError::invalid(
            "guardian2_phone",
            Key::ProblemGuardianSamePhone
        ))
    );
    let mut latin_only = form();
    latin_only.name_km = "Sok Dara".into();
    assert!(check_camper(&latin_only, day("2026-12-07")).is_err());
}

#[test]
fn a_camp_form_is_read_with_its_meals_and_band() {
    let form = CampForm {
        name: "Holiday camp".into(),
        facility_id: 1,
        kind: "day".into(),
        starts_on: "2027-04-05".into(),
        ends_on: "2027-04-30".into(),
        min_age: "6".into(),
        max_age: "12".into(),
        places: "150".into(),
        lunch: Some("on".into()),
        day_ends_at: "16:30".into(),
        ..CampForm::default()
    };
    let camp = check_camp(&form).expect("valid");
    assert_eq!(camp.meals, Meals(Meals::LUNCH));
    assert_eq!(camp.places, 150);
    let reversed = CampForm {
        min_age: "12".into(),
        max_age: "6".into(),
        ..form.clone()
    };
    assert_eq!(
        check_camp(&reversed),
        Err(AppError::invalid("max_age", Key::ProblemCampAges))
    );
    let backwards = CampForm {
        ends_on: "2027-04-01".into(),
        ..form
    };
    assert_eq!(
        check_camp(&backwards),
        Err(AppError::invalid("ends_on", Key::ProblemCampDates))
    );
}

#[test]
fn a_child_not_collected_is_overdue_from_the_end_of_the_camp_day() {
    let due = chrono::NaiveTime::from_hms_opt(16, 30, 0).expect("time");
    let at = |d: &str, h: u32, m: u32| day(d).and_hms_opt(h, m, 0).expect("time");
    assert!(!pick_up_overdue(
        day("2027-04-05"),
        due,
        at("2027-04-05", 16, 29)
    ));
    assert!(pick_up_overdue(
        day("2027-04-05"),
        due,
        at("2027-04-05", 16, 30)
    ));
    // Still overdue the next morning, until collected or handed over.
    assert!(pick_up_overdue(
        day("2027-04-05"),
        due,
        at("2027-04-06", 7, 0)
    ));
}

#[test]
fn registered_children_count_before_the_day_and_checked_in_ones_on_it() {
    let today = day("2027-04-06");
    // Tomorrow: every child with a place, marked or not.
    assert!(expected_on(day("2027-04-07"), today, None));
    // Today and before: only those checked in.
    assert!(!expected_on(today, today, None));
    assert!(!expected_on(today, today, Some(DayStatus::Absent)));
    assert!(expected_on(today, today, Some(DayStatus::Present)));
    assert!(expected_on(
        day("2027-04-05"),
        today,
        Some(DayStatus::Collected)
    ));
}

proptest! {
    /// However many places are taken, a child is let in only while one is free and only
    /// within the band.
    #[test]
    fn places_and_band_hold_for_any_camp(
        places in 1i64..200,
        taken in 0i64..250,
        min_age in 3i32..20,
        span in 0i32..6,
        born_days_before in 0i64..(25 * 366),
    ) {
        let rules = CampRules { min_age, max_age: min_age + span, places, ..camp(places) };
        let born = rules.starts_on - chrono::Duration::days(born_days_before);
        let age = crate::residents::model::age_on(born, rules.starts_on);
        let verdict = check_place(&rules, taken, false, born);
        prop_assert_eq!(
            verdict.is_ok(),
            taken < places && (rules.min_age..=rules.max_age).contains(&age)
        );
    }

    /// Only a guardian of the child who may collect them is ever let through.
    #[test]
    fn pick_up_only_by_a_named_guardian(
        allowed in proptest::collection::vec(any::<bool>(), 0..6),
        chosen in proptest::option::of(0i64..10),
    ) {
        let guardians: Vec<Guardian> = allowed
            .iter()
            .enumerate()
            .map(|(k, may)| guardian(k as i64, *may))
            .collect();
        match collector(&guardians, chosen) {
            Ok(g) => {
                prop_assert_eq!(Some(g.id), chosen);
                prop_assert!(g.may_collect);
            }
            Err(_) => prop_assert!(
                chosen.and_then(|id| guardians.iter().find(|g| g.id == id)).is_none_or(|g| !g.may_collect)
            ),
        }
    }
}

#[test]
fn a_residential_camps_children_leave_on_its_last_day_only() {
    let camp = CampRules {
        starts_on: day("2026-12-20"),
        ends_on: day("2026-12-26"),
        min_age: 8,
        max_age: 14,
        places: 40,
    };
    assert!(leaves_on(Kind::Day, &camp, day("2026-12-21")));
    assert!(!leaves_on(Kind::Residential, &camp, day("2026-12-21")));
    assert!(leaves_on(Kind::Residential, &camp, day("2026-12-26")));
}
