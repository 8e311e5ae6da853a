use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::housing::model::{usual_arrival, usual_departure};
use crate::presence::model::{Away, Nights};
use crate::residents::model::Sex;

fn day(d: u32) -> NaiveDate {
    // November 2026: the 23rd is a Monday, the 28th a Saturday.
    NaiveDate::from_ymd_opt(2026, 11, d).expect("a date")
}

fn at(d: u32, h: u32, m: u32) -> i64 {
    instant(day(d), NaiveTime::from_hms_opt(h, m, 0).expect("a time"))
}

fn service(id: i64, h: u32, m: u32, residence_days: u8) -> MealService {
    MealService {
        id,
        name_km: "អាហារ".into(),
        name_en: "Meal".into(),
        name_fr: "Repas".into(),
        serves_at: NaiveTime::from_hms_opt(h, m, 0).expect("a time"),
        boarding_days: EVERY_DAY,
        residence_days,
        active: true,
    }
}

fn breakfast() -> MealService {
    service(1, 6, 30, EVERY_DAY)
}

/// Residence students eat lunch at the centre on Saturdays and Sundays only.
fn lunch() -> MealService {
    service(2, 11, 30, 0b110_0000)
}

fn dinner() -> MealService {
    service(3, 17, 30, EVERY_DAY)
}

fn occupant(id: i64, programme: Programme, diet: Diet, allergies: &[Allergen]) -> Occupant {
    Occupant {
        resident: PresentResident {
            id,
            name_km: format!("កុមារ {id}"),
            name_latin: format!("Child {id}"),
            sex: Sex::Female,
            programme,
            diet,
            allergies: allergies.to_vec(),
        },
        nights: vec![Nights {
            from_on: day(1),
            until_on: None,
            arrives: usual_arrival(),
            leaves: usual_departure(),
        }],
        away: vec![],
    }
}

fn away(mut o: Occupant, starts_at: i64, ends_at: Option<i64>) -> Occupant {
    o.away.push((
        Away {
            starts_at,
            ends_at,
            returned_at: None,
        },
        AbsenceReason::HomeStay,
    ));
    o
}

fn extra(day: NaiveDate, meal: i64, heads: i64, diet: Diet) -> Extra {
    Extra {
        id: 1,
        added: NewExtra {
            day,
            meal_service_id: meal,
            heads,
            diet,
            kind: ExtraKind::Staff,
            reason: String::new(),
            source: None,
        },
        created_at: 0,
    }
}

#[test]
fn residence_students_eat_lunch_at_the_centre_only_at_weekends() {
    let student = occupant(1, Programme::Residence, Diet::Normal, &[]);
    let child = occupant(2, Programme::BoardingSchool, Diet::Normal, &[]);
    let monday = day(23);
    let saturday = day(28);
    assert!(!eats(&student, &lunch(), monday));
    assert!(eats(&student, &lunch(), saturday));
    assert!(eats(&student, &dinner(), monday));
    assert!(eats(&child, &lunch(), monday));
}

#[test]
fn a_child_leaving_at_ten_misses_lunch_and_one_back_at_noon_has_dinner() {
    let monday = 23;
    let leaves = away(
        occupant(1, Programme::BoardingSchool, Diet::Normal, &[]),
        at(monday, 10, 0),
        None,
    );
    assert!(eats(&leaves, &breakfast(), day(monday)));
    assert!(!eats(&leaves, &lunch(), day(monday)));
    assert!(!eats(&leaves, &dinner(), day(monday)));
    let back = away(
        occupant(2, Programme::BoardingSchool, Diet::Normal, &[]),
        at(20, 9, 0),
        Some(at(monday, 12, 0)),
    );
    assert!(!eats(&back, &breakfast(), day(monday)));
    assert!(!eats(&back, &lunch(), day(monday)));
    assert!(eats(&back, &dinner(), day(monday)));
}

#[test]
fn no_bed_that_night_means_no_meals() {
    let mut o = occupant(1, Programme::BoardingSchool, Diet::Normal, &[]);
    o.nights = vec![Nights {
        from_on: day(24),
        until_on: Some(day(26)),
        arrives: usual_arrival(),
        leaves: usual_departure(),
    }];
    assert!(!eats(&o, &dinner(), day(23)));
    assert!(eats(&o, &dinner(), day(24)));
    assert!(eats(&o, &dinner(), day(25)));
    assert!(!eats(&o, &dinner(), day(26)));
    // Arriving at 16:00 on the first day and leaving at 10:00 on the last.
    assert!(!eats(&o, &lunch(), day(24)));
    assert!(eats(&o, &breakfast(), day(26)));
    assert!(!eats(&o, &lunch(), day(26)));
}

#[test]
fn counts_split_by_diet_with_allergies_and_extras() {
    let occupants = vec![
        occupant(
            1,
            Programme::BoardingSchool,
            Diet::Normal,
            &[Allergen::Peanut],
        ),
        occupant(2, Programme::BoardingSchool, Diet::Vegetarian, &[]),
        occupant(
            3,
            Programme::BoardingSchool,
            Diet::Normal,
            &[Allergen::Peanut, Allergen::Fish],
        ),
        occupant(4, Programme::Residence, Diet::LowSalt, &[]),
    ];
    let extras = vec![
        extra(day(23), 3, 5, Diet::Normal),
        extra(day(23), 3, 2, Diet::Vegetarian),
        extra(day(23), 2, 9, Diet::Normal),
        extra(day(24), 3, 9, Diet::Normal),
    ];
    let count = meal_count((&occupants, &[]), &extras, &dinner(), day(23), None);
    let heads = &count.live;
    assert_eq!((heads.residents, heads.extra, heads.total()), (4, 7, 11));
    assert_eq!(heads.diet(Diet::Normal), 7);
    assert_eq!(heads.diet(Diet::Vegetarian), 3);
    assert_eq!(heads.diet(Diet::LowSalt), 1);
    assert_eq!(heads.diet(Diet::Soft), 0);
    assert_eq!(
        heads.allergies,
        vec![(Allergen::Peanut, 2), (Allergen::Fish, 1)]
    );
    // The residence student is at school at Monday lunch; the lunch extras count.
    let lunch = meal_count((&occupants, &[]), &extras, &lunch(), day(23), None);
    assert_eq!((lunch.live.residents, lunch.live.extra), (3, 9));
    assert_eq!(lunch.expected(), 12);
}

#[test]
fn camp_children_eat_the_meals_their_camp_provides_on_their_days() {
    use crate::camps::model::{CamperDay, Meals};
    let camper = |d: u32, meals: u8, diet: Diet, allergies: &[Allergen]| CamperDay {
        camper_id: 1,
        day: day(d),
        meals: Meals(meals),
        diet,
        allergies: allergies.to_vec(),
    };
    let occupants = vec![occupant(1, Programme::BoardingSchool, Diet::Normal, &[])];
    let campers = vec![
        // A day camp: lunch only.
        camper(23, Meals::LUNCH, Diet::Normal, &[Allergen::Peanut]),
        camper(23, Meals::LUNCH, Diet::Vegetarian, &[]),
        // A residential camp: every meal.
        camper(
            23,
            Meals::BREAKFAST | Meals::LUNCH | Meals::DINNER,
            Diet::Normal,
            &[],
        ),
        // Another day.
        camper(24, Meals::LUNCH, Diet::Normal, &[]),
    ];
    let people = (occupants.as_slice(), campers.as_slice());
    let lunch = meal_count(people, &[], &service(2, 11, 30, EVERY_DAY), day(23), None);
    assert_eq!((lunch.live.residents, lunch.live.campers), (1, 3));
    assert_eq!(lunch.expected(), 4);
    assert_eq!(lunch.live.diet(Diet::Vegetarian), 1);
    assert_eq!(lunch.live.allergies, vec![(Allergen::Peanut, 1)]);
    let breakfast = meal_count(people, &[], &breakfast(), day(23), None);
    assert_eq!(breakfast.live.campers, 1);
    let dinner = meal_count(people, &[], &dinner(), day(23), None);
    assert_eq!(dinner.live.campers, 1);
    // Frozen with them, the camp children count at the cut-off too.
    let frozen = freeze(
        people,
        &[],
        &service(2, 11, 30, EVERY_DAY),
        day(23),
        at(22, 18, 0),
    );
    assert_eq!(frozen.heads.total(), 4);
}

#[test]
fn a_day_freezes_the_day_before_at_the_cutoff() {
    let cutoff = NaiveTime::from_hms_opt(18, 0, 0).expect("a time");
    assert_eq!(cutoff_instant(day(24), cutoff), at(23, 18, 0));
    let today = day(23);
    assert_eq!(days_to_freeze(today, cutoff, at(23, 17, 59)), vec![day(23)]);
    assert_eq!(
        days_to_freeze(today, cutoff, at(23, 18, 0)),
        vec![day(23), day(24)]
    );
    assert_eq!(
        days_to_freeze(today, NaiveTime::MIN, at(23, 0, 0)),
        vec![day(23), day(24)],
        "a midnight cut-off freezes tomorrow as today begins"
    );
}

#[test]
fn late_changes_say_who_moved_since_the_cutoff_and_why() {
    let monday = day(23);
    let before = vec![
        occupant(1, Programme::BoardingSchool, Diet::Normal, &[]),
        occupant(2, Programme::BoardingSchool, Diet::Vegetarian, &[]),
        occupant(3, Programme::BoardingSchool, Diet::Normal, &[]),
    ];
    let frozen = freeze((&before, &[]), &[], &dinner(), monday, at(22, 18, 0));
    assert_eq!(frozen.resident_ids, vec![1, 2, 3]);
    assert_eq!(frozen.heads.total(), 3);
    // After the cut-off: 2 goes home at 16:00, 4 gets a bed, 3 leaves the centre.
    let after = vec![
        before[0].clone(),
        away(before[1].clone(), at(23, 16, 0), None),
        occupant(4, Programme::BoardingSchool, Diet::Normal, &[]),
    ];
    let count = meal_count((&after, &[]), &[], &dinner(), monday, Some(frozen));
    assert_eq!(
        count.expected(),
        3,
        "the kitchen cooks for the frozen figure"
    );
    assert_eq!(count.live.total(), 2);
    assert_eq!(count.late_delta(), -1);
    let moved: Vec<(i64, bool, Option<AbsenceReason>)> = count
        .late
        .iter()
        .map(|c| (c.resident_id, c.now_eats, c.away))
        .collect();
    assert_eq!(
        moved,
        vec![
            (2, false, Some(AbsenceReason::HomeStay)),
            (4, true, None),
            (3, false, None)
        ]
    );
    assert_eq!(count.late[0].diet, Diet::Vegetarian);
}

#[test]
fn moves_that_cancel_out_still_show_and_late_extras_raise_the_served_basis() {
    let monday = day(23);
    let before = vec![
        occupant(1, Programme::BoardingSchool, Diet::Vegetarian, &[]),
        occupant(2, Programme::BoardingSchool, Diet::Normal, &[]),
    ];
    let frozen = freeze((&before, &[]), &[], &dinner(), monday, at(22, 18, 0));
    // The vegetarian goes home; a normal eater gets a bed; five staff are added late.
    let after = vec![
        away(before[0].clone(), at(23, 12, 0), None),
        before[1].clone(),
        occupant(3, Programme::BoardingSchool, Diet::Normal, &[]),
    ];
    let late_staff = vec![extra(monday, 3, 5, Diet::Normal)];
    let count = meal_count((&after, &[]), &late_staff, &dinner(), monday, Some(frozen));
    assert_eq!(count.late_moves(), (1, 1), "one came, one went");
    assert_eq!(count.expected(), 2);
    assert_eq!(count.live.total(), 7);
    let (low, high) = count.served_bounds();
    assert_eq!((low.heads, low.figure), (2, Figure::Frozen));
    assert_eq!(
        (high.heads, high.figure),
        (7, Figure::Live),
        "the late heads are not 'served above'"
    );
    assert_eq!(served_flag((low, high), Some(7), 10, true), None);
    assert_eq!(served_flag((low, high), Some(2), 10, true), None);
    assert_eq!(
        served_flag((low, high), Some(1), 10, true),
        Some(ServedFlag::Below(low))
    );
}

fn held(low: i64, high: i64) -> (Against, Against) {
    let at = |heads| Against {
        heads,
        figure: Figure::Frozen,
    };
    (at(low), at(high))
}

#[test]
fn served_is_flagged_beyond_the_margin_either_way_or_when_missing_after_the_meal() {
    assert_eq!(
        served_flag(held(0, 0), None, 10, true),
        None,
        "nobody was expected"
    );
    assert_eq!(served_flag(held(100, 100), Some(110), 10, true), None);
    assert_eq!(
        served_flag(held(100, 100), Some(111), 10, true),
        Some(ServedFlag::Above(held(100, 100).1))
    );
    assert_eq!(served_flag(held(100, 100), Some(90), 10, true), None);
    assert_eq!(
        served_flag(held(100, 100), Some(89), 10, true),
        Some(ServedFlag::Below(held(100, 100).0))
    );
    assert_eq!(
        served_flag(held(0, 0), Some(1), 10, true),
        Some(ServedFlag::Above(held(0, 0).1))
    );
    assert_eq!(served_flag(held(0, 0), Some(0), 10, true), None);
    assert_eq!(
        served_flag(held(100, 100), None, 10, true),
        Some(ServedFlag::NotRecorded(held(100, 100).1))
    );
    assert_eq!(served_flag(held(100, 100), None, 10, false), None);
    assert!(check_served("120").is_ok());
    assert!(check_served("-1").is_err());
    assert!(check_served("5001").is_err());
    assert!(check_served("lots").is_err());
}

#[test]
fn extra_heads_are_checked() {
    let ok = check_extra(day(23), 3, " 12 ", "vegetarian", "guest", "").expect("valid");
    assert_eq!(
        (ok.heads, ok.diet, ok.kind),
        (12, Diet::Vegetarian, ExtraKind::Guest)
    );
    assert!(check_extra(day(23), 3, "0", "", "staff", "").is_err());
    assert!(check_extra(day(23), 3, "2001", "", "staff", "").is_err());
    assert!(check_extra(day(23), 3, "5", "", "chef", "").is_err());
    assert!(check_extra(day(23), 3, "5", "meat", "staff", "").is_err());
    assert!(check_extra(day(23), 3, "5", "", "other", " ").is_err());
    assert!(check_extra(day(23), 3, "5", "", "other", "Inspection").is_ok());
}

#[test]
fn quantities_per_head_read_and_show() {
    assert_eq!(parse_per_head("150"), Some(150_000));
    assert_eq!(parse_per_head("0.5"), Some(500));
    assert_eq!(parse_per_head("0,25"), Some(250));
    assert_eq!(parse_per_head(".5"), Some(500));
    assert_eq!(parse_per_head("1.2345"), None);
    assert_eq!(parse_per_head(""), None);
    assert_eq!(parse_per_head("-1"), None);
    assert_eq!(parse_per_head("1e3"), None);
    assert_eq!(parse_per_head("10000"), Some(10_000_000));
    assert_eq!(parse_per_head("10000.001"), None, "the schema's limit");
    assert_eq!(show_per_head(150_000), "150");
    assert_eq!(show_per_head(500), "0.5");
    assert_eq!(show_per_head(1_250), "1.25");
    assert_eq!(quantity(150_000, Unit::Gram), ("150".into(), Key::UnitGram));
    assert_eq!(
        quantity(1_234_567, Unit::Gram),
        ("1.24".into(), Key::UnitKilogram)
    );
    assert_eq!(
        quantity(10_800_000, Unit::Gram),
        ("10.80".into(), Key::UnitKilogram)
    );
    assert_eq!(
        quantity(2_000_000, Unit::Millilitre),
        ("2.00".into(), Key::UnitLitre)
    );
    assert_eq!(quantity(2_500, Unit::Piece), ("3".into(), Key::UnitPiece));
    assert_eq!(
        quantity(999_001, Unit::Gram),
        ("1.00".into(), Key::UnitKilogram),
        "999.001 g rounds up to a kilogram"
    );
}

fn heads(diets: &[(Diet, i64)]) -> Heads {
    Heads {
        residents: diets.iter().map(|(_, n)| n).sum(),
        campers: 0,
        extra: 0,
        diets: Diet::ALL
            .iter()
            .map(|d| {
                let n = diets.iter().find(|(x, _)| x == d).map_or(0, |(_, n)| *n);
                (*d, n)
            })
            .collect(),
        allergies: vec![],
    }
}

/// The hand-computed case.
/// Fish amok with rice (recipe 1): rice 120 g each; fish 80 g each but none for vegetarians;
/// tofu 90 g for vegetarians only. Banana (recipe 2): one each.
/// Monday dinner: 40 normal, 5 vegetarian, 3 low salt, menu 1.
/// Tuesday dinner: 38 normal, 4 vegetarian, menu 1 and 2.
/// Rice: (48 + 42) x 120 g = 10,800 g. Fish: (40 + 3 + 38) x 80 g = 6,480 g.
/// Tofu: (5 + 4) x 90 g = 810 g. Bananas: 42.
#[test]
fn the_shopping_list_is_heads_times_quantity_summed_by_ingredient() {
    let (rice, fish, tofu, banana) = (1, 2, 3, 4);
    let line = |ingredient_id, diet, grams: i64| RecipeLine {
        ingredient_id,
        diet,
        per_head_milli: grams * 1000,
    };
    let recipes = BTreeMap::from([
        (
            1,
            vec![
                line(rice, None, 120),
                line(fish, None, 80),
                line(fish, Some(Diet::Vegetarian), 0),
                line(tofu, Some(Diet::Vegetarian), 90),
            ],
        ),
        (2, vec![line(banana, None, 1)]),
    ]);
    let monday = heads(&[
        (Diet::Normal, 40),
        (Diet::Vegetarian, 5),
        (Diet::LowSalt, 3),
    ]);
    let tuesday = heads(&[(Diet::Normal, 38), (Diet::Vegetarian, 4)]);
    let (menu_monday, menu_tuesday) = ([1_i64], [1_i64, 2]);
    let total = shopping(
        [
            (&monday, menu_monday.as_slice()),
            (&tuesday, menu_tuesday.as_slice()),
        ],
        &recipes,
    );
    assert_eq!(
        total,
        BTreeMap::from([
            (rice, 10_800_000),
            (fish, 6_480_000),
            (tofu, 810_000),
            (banana, 42_000)
        ])
    );
    assert_eq!(quantity(total[&rice], Unit::Gram).0, "10.80");
    assert_eq!(quantity(total[&banana], Unit::Piece).0, "42");
}

#[test]
fn a_date_range_is_forward_and_at_most_62_days() {
    assert!(check_range(day(1), day(1)).is_ok());
    assert!(check_range(day(2), day(1)).is_err());
    assert!(check_range(day(1), day(1) + chrono::Days::new(61)).is_ok());
    assert!(check_range(day(1), day(1) + chrono::Days::new(62)).is_err());
}

fn arb_diet() -> impl Strategy<Value = Diet> {
    prop::sample::select(Diet::ALL.to_vec())
}

prop_compose! {
    fn arb_occupant(id: i64)(
        residence in any::<bool>(),
        diet in arb_diet(),
        peanut in any::<bool>(),
        from in 18u32..26,
        nights in prop::option::of(1u32..6),
        arrives in 0u32..24,
        leaves_at in 0u32..24,
        leaves in prop::option::of((20u32..28, 0u32..24, prop::option::of(1i64..60))),
    ) -> Occupant {
        let programme = if residence { Programme::Residence } else { Programme::BoardingSchool };
        let allergies = if peanut { vec![Allergen::Peanut] } else { vec![] };
        let mut o = occupant(id, programme, diet, &allergies);
        o.nights = vec![Nights {
            from_on: day(from),
            until_on: nights.map(|n| day(from + n)),
            arrives: NaiveTime::from_hms_opt(arrives, 0, 0).unwrap_or_default(),
            leaves: NaiveTime::from_hms_opt(leaves_at, 0, 0).unwrap_or_default(),
        }];
        if let Some((d, h, hours)) = leaves {
            let start = at(d, h, 0);
            o = away(o, start, hours.map(|h| start + h * 3600));
        }
        o
    }
}

fn arb_occupants() -> impl Strategy<Value = Vec<Occupant>> {
    (0usize..30).prop_flat_map(|n| {
        (0..n)
            .map(|i| arb_occupant(i as i64 + 1))
            .collect::<Vec<_>>()
    })
}

proptest! {
    /// Every head is counted once: diets add up to the total, allergies never exceed the
    /// residents, and exactly the residents present at the meal whose programme eats it count.
    #[test]
    fn counts_add_up_and_follow_presence(
        occupants in arb_occupants(),
        d in 20u32..28,
        extra_heads in 0i64..20,
        extra_diet in arb_diet(),
    ) {
        let services = [breakfast(), lunch(), dinner()];
        for service in &services {
            let extras = if extra_heads > 0 { vec![extra(day(d), service.id, extra_heads, extra_diet)] } else { vec![] };
            let count = meal_count((&occupants, &[]), &extras, service, day(d), None);
            let heads = &count.live;
            let by_diet: i64 = heads.diets.iter().map(|(_, n)| n).sum();
            prop_assert_eq!(by_diet, heads.total());
            prop_assert_eq!(heads.extra, extra_heads);
            let expected = occupants.iter().filter(|o| {
                service.eaten_by(o.resident.programme, day(d))
                    && crate::presence::model::is_present(
                        &o.nights,
                        &o.away.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
                        service.instant_on(day(d)),
                    )
            }).count() as i64;
            prop_assert_eq!(heads.residents, expected);
            for (_, n) in &heads.allergies {
                prop_assert!(*n <= heads.residents);
            }
        }
    }

    /// Frozen list + those who came - those who went = who eats now, whatever moved.
    #[test]
    fn late_changes_turn_the_frozen_list_into_the_live_one(
        before in arb_occupants(),
        after in arb_occupants(),
        d in 20u32..28,
    ) {
        let frozen = freeze((&before, &[]), &[], &dinner(), day(d), 0);
        let count = meal_count((&after, &[]), &[], &dinner(), day(d), Some(frozen.clone()));
        let mut ids: BTreeSet<i64> = frozen.resident_ids.iter().copied().collect();
        for change in &count.late {
            if change.now_eats {
                prop_assert!(ids.insert(change.resident_id));
            } else {
                prop_assert!(ids.remove(&change.resident_id));
            }
        }
        let now: BTreeSet<i64> = eaters(&after, &dinner(), day(d)).iter().map(|o| o.resident.id).collect();
        prop_assert_eq!(ids, now);
        prop_assert_eq!(count.late_delta(), count.live.total() - frozen.heads.total());
    }
}
