use super::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

/// A family with a mother (1, holds the phone 012345678) and an uncle (2), two children
/// (10, 11) and a third child linked (12).
fn family() -> (Vec<i64>, Vec<ContactPhone>) {
    (
        vec![10, 11, 12],
        vec![
            ContactPhone {
                id: 1,
                phone: Some("012345678".into()),
            },
            ContactPhone {
                id: 2,
                phone: Some("097111222".into()),
            },
        ],
    )
}

#[test]
fn a_family_sees_a_child_someone_may_visit_unless_its_phone_holder_is_barred() {
    let (linked, contacts) = family();
    let permissions: Permissions = [
        ((1, 10), Level::Allowed),
        ((2, 10), Level::Barred),
        ((1, 11), Level::Barred),
        ((2, 11), Level::Allowed),
        ((2, 12), Level::Supervised),
    ]
    .into();
    assert_eq!(
        visible_children(&linked, &contacts, &permissions, "012345678"),
        vec![10, 12],
        "11 is hidden: the mother who holds the phone is barred from it"
    );
    assert_eq!(
        visible_children(&linked, &contacts, &permissions, "097111222"),
        vec![11, 12],
        "with the uncle's phone, 10 is hidden and 11 shows"
    );
    assert_eq!(
        visible_children(&linked, &contacts, &Permissions::new(), "012345678"),
        Vec::<i64>::new(),
        "no decision, no visit"
    );
    let all_barred: Permissions = [((1, 10), Level::Barred), ((2, 10), Level::Barred)].into();
    assert!(visible_children(&[10], &contacts, &all_barred, "099999999").is_empty());
}

#[test]
fn a_lead_must_be_permitted_for_every_child_and_supervision_carries() {
    let permissions: Permissions = [
        ((1, 10), Level::Allowed),
        ((1, 11), Level::Supervised),
        ((1, 12), Level::Barred),
    ]
    .into();
    assert_eq!(lead_permission(1, &[10], &permissions), Some(false));
    assert_eq!(lead_permission(1, &[10, 11], &permissions), Some(true));
    assert_eq!(lead_permission(1, &[10, 12], &permissions), None);
    assert_eq!(lead_permission(1, &[13], &permissions), None);
    assert_eq!(lead_permission(1, &[], &permissions), None);
}

#[test]
fn the_window_opens_on_its_day_and_closes_at_the_cut_off() {
    let closes = 1_000_000;
    assert_eq!(
        window(day("2026-12-01"), closes, day("2026-11-30"), 0),
        Window::NotYet
    );
    assert_eq!(
        window(day("2026-12-01"), closes, day("2026-12-01"), closes - 1),
        Window::Open
    );
    assert_eq!(
        window(day("2026-12-01"), closes, day("2026-12-01"), closes),
        Window::Closed
    );
    assert!(family_may_change(Status::Pending, closes, closes - 1));
    assert!(!family_may_change(Status::Confirmed, closes, closes));
    assert!(!family_may_change(Status::Cancelled, closes, 0));
}

fn context() -> BookingContext {
    BookingContext {
        today: day("2026-12-01"),
        now: 100,
        opens_on: day("2026-12-01"),
        closes_at: 1_000,
        day_cancelled: false,
        max_adults: 4,
        has_meal: true,
        free_places: 3,
        visible: vec![10, 11],
        contacts: vec![1, 2],
        permissions: [
            ((1, 10), Level::Allowed),
            ((1, 11), Level::Allowed),
            ((2, 10), Level::Supervised),
        ]
        .into(),
        month_use: [(10, (0, 1)), (11, (0, 1))].into(),
        family_needs_approval: false,
        children_needing_approval: BTreeSet::new(),
        away: BTreeSet::new(),
    }
}

fn request() -> BookingRequest {
    BookingRequest {
        slot_id: 5,
        children: [10, 11].into(),
        contact_id: 1,
        adults: 2,
        meal_heads: 1,
    }
}

fn refusal(result: Result<Decision, AppError>) -> AppError {
    result.expect_err("refused")
}

#[test]
fn a_booking_within_the_rules_is_confirmed_or_waits_for_approval() {
    assert_eq!(
        check_booking(&request(), &context()).expect("booked"),
        Decision {
            status: Status::Confirmed,
            supervised: false
        }
    );
    let supervised = BookingRequest {
        contact_id: 2,
        children: [10].into(),
        ..request()
    };
    assert_eq!(
        check_booking(&supervised, &context()).expect("booked"),
        Decision {
            status: Status::Confirmed,
            supervised: true
        }
    );
    let mut ctx = context();
    ctx.children_needing_approval.insert(11);
    assert_eq!(
        check_booking(&request(), &ctx).expect("booked").status,
        Status::Pending
    );
    let mut ctx = context();
    ctx.family_needs_approval = true;
    assert_eq!(
        check_booking(&request(), &ctx).expect("booked").status,
        Status::Pending
    );
}

#[test]
fn a_child_or_contact_the_family_does_not_see_is_not_found() {
    let other_child = BookingRequest {
        children: [10, 99].into(),
        ..request()
    };
    assert_eq!(
        refusal(check_booking(&other_child, &context())),
        AppError::NotFound
    );
    let other_contact = BookingRequest {
        contact_id: 77,
        ..request()
    };
    assert_eq!(
        refusal(check_booking(&other_contact, &context())),
        AppError::NotFound
    );
}

#[test]
fn each_rule_refuses_with_its_own_reason() {
    let key = |error: AppError| match error {
        AppError::Validation { message, .. } | AppError::Conflict { message } => message,
        other => panic!("unexpected {other:?}"),
    };
    let no_children = BookingRequest {
        children: BTreeSet::new(),
        ..request()
    };
    assert_eq!(
        key(refusal(check_booking(&no_children, &context()))),
        Key::ProblemChooseChild
    );
    let uncle_for_both = BookingRequest {
        contact_id: 2,
        ..request()
    };
    assert_eq!(
        key(refusal(check_booking(&uncle_for_both, &context()))),
        Key::ProblemLeadNotPermitted
    );
    for adults in [0, 5] {
        let r = BookingRequest {
            adults,
            meal_heads: 0,
            ..request()
        };
        assert_eq!(
            key(refusal(check_booking(&r, &context()))),
            Key::ProblemAdults
        );
    }
    let hungry = BookingRequest {
        meal_heads: 3,
        ..request()
    };
    assert_eq!(
        key(refusal(check_booking(&hungry, &context()))),
        Key::ProblemMealHeads
    );
    let mut no_meal = context();
    no_meal.has_meal = false;
    assert_eq!(
        key(refusal(check_booking(&request(), &no_meal))),
        Key::ProblemMealHeads
    );
    let mut cancelled = context();
    cancelled.day_cancelled = true;
    assert_eq!(
        key(refusal(check_booking(&request(), &cancelled))),
        Key::ProblemVisitDayCancelled
    );
    let mut away = context();
    away.away = [10].into();
    assert_eq!(
        key(refusal(check_booking(&request(), &away))),
        Key::ProblemChildAway
    );
    let mut early = context();
    early.today = day("2026-11-30");
    assert_eq!(
        key(refusal(check_booking(&request(), &early))),
        Key::ProblemBookingNotOpen
    );
    let mut late = context();
    late.now = late.closes_at;
    assert_eq!(
        key(refusal(check_booking(&request(), &late))),
        Key::ProblemBookingClosed
    );
    let mut taken = context();
    taken.month_use.insert(11, (1, 1));
    assert_eq!(
        key(refusal(check_booking(&request(), &taken))),
        Key::ProblemMonthlyVisitTaken
    );
    let mut full = context();
    full.free_places = 0;
    assert_eq!(
        key(refusal(check_booking(&request(), &full))),
        Key::ProblemSlotFull
    );
}

#[test]
fn a_second_visit_in_the_month_needs_the_social_teams_allowance() {
    let mut ctx = context();
    ctx.month_use.insert(10, (1, 2));
    ctx.month_use.insert(11, (0, 1));
    assert!(check_booking(&request(), &ctx).is_ok());
    ctx.month_use.insert(10, (2, 2));
    assert!(check_booking(&request(), &ctx).is_err());
    assert_eq!(month_of(day("2026-12-31")), "2026-12");
    assert_eq!(month_of(day("2027-01-01")), "2027-01");
}

#[test]
fn a_change_of_permission_tells_what_happens_to_bookings() {
    assert_eq!(rereview(Level::Allowed), Rereview::None);
    assert_eq!(rereview(Level::Supervised), Rereview::Supervise);
    assert_eq!(rereview(Level::Barred), Rereview::Cancel);
}

#[test]
fn forms_are_checked_with_the_field_at_fault() {
    let field = |error: AppError| match error {
        AppError::Validation { field, .. } => field,
        other => panic!("unexpected {other:?}"),
    };
    let contact =
        check_contact(" សុខ ចាន់ធី ", "Sok Chanthy", "mother", "012 345 678", "").expect("a contact");
    assert_eq!(contact.name_km, "សុខ ចាន់ធី");
    assert_eq!(contact.phone.as_deref(), Some("012345678"));
    assert_eq!(contact.id_document, None);
    assert_eq!(
        field(check_contact("", "Sok", "mother", "", "").expect_err("no name")),
        "name_km"
    );
    assert_eq!(
        field(check_contact("សុខ", "Sok", "cousin", "", "").expect_err("relationship")),
        "relationship"
    );
    assert_eq!(
        field(check_contact("សុខ", "Sok", "mother", "12345", "").expect_err("phone")),
        "phone"
    );
    let today = day("2026-11-22");
    assert!(check_permission("barred", "court order", "2026-11-22", today).is_ok());
    assert_eq!(
        field(check_permission("banned", "x", "2026-11-22", today).expect_err("level")),
        "level"
    );
    assert_eq!(
        field(check_permission("allowed", "  ", "2026-11-22", today).expect_err("reason")),
        "reason"
    );
    assert_eq!(
        field(check_permission("allowed", "ok", "2026-11-23", today).expect_err("future")),
        "decided_on"
    );
    let form = DayForm {
        day: "2026-12-13".into(),
        opens_on: "2026-12-01".into(),
        closes_on: "2026-12-11".into(),
        closes_time: "17:00".into(),
        max_adults: "4".into(),
        meal: "2".into(),
        note: String::new(),
    };
    let input = check_day(&form, today).expect("a day");
    assert_eq!(input.meal_service_id, Some(2));
    let late_cut_off = DayForm {
        closes_on: "2026-12-14".into(),
        ..form.clone()
    };
    assert_eq!(
        field(check_day(&late_cut_off, today).expect_err("window")),
        "closes_on"
    );
    let past = DayForm {
        day: "2026-11-21".into(),
        ..form.clone()
    };
    assert_eq!(field(check_day(&past, today).expect_err("past")), "day");
    assert_eq!(
        field(check_slot("10:00", "09:00", "20").expect_err("order")),
        "ends_at"
    );
    assert_eq!(
        field(check_slot("09:00", "10:00", "0").expect_err("places")),
        "capacity"
    );
    assert!(check_slot("09:00", "10:30", "20").is_ok());
}

proptest! {
    /// Whatever the permissions, a family never sees a child none of its contacts may visit,
    /// nor one barred to a contact holding its phone; and whoever may lead a booking the rules
    /// accept is permitted for every child in it.
    #[test]
    fn no_permission_no_sight_and_no_booking(
        levels in proptest::collection::vec(0u8..4, 6),
        pick in 0usize..2,
        children in proptest::collection::btree_set(10i64..13, 0..4),
    ) {
        let (linked, contacts) = family();
        let mut permissions = Permissions::new();
        for (i, level) in levels.iter().enumerate() {
            let contact = contacts[i % 2].id;
            let child = linked[i / 2];
            if let Some(level) = Level::ALL.get(*level as usize) {
                permissions.insert((contact, child), *level);
            }
        }
        let phone = contacts[pick].phone.clone().unwrap_or_default();
        let visible = visible_children(&linked, &contacts, &permissions, &phone);
        for child in &visible {
            prop_assert!(contacts.iter().any(|c| permissions.get(&(c.id, *child)).is_some_and(|l| l.may_visit())));
            prop_assert_ne!(permissions.get(&(contacts[pick].id, *child)), Some(&Level::Barred));
        }
        let ctx = BookingContext { visible: visible.clone(), permissions: permissions.clone(), month_use: HashMap::new(), ..context() };
        for lead in [1, 2] {
            let r = BookingRequest { children: children.clone(), contact_id: lead, ..request() };
            if check_booking(&r, &ctx).is_ok() {
                for child in &children {
                    prop_assert!(visible.contains(child));
                    prop_assert!(permissions.get(&(lead, *child)).is_some_and(|l| l.may_visit()));
                }
            }
        }
    }
}

#[test]
fn a_home_stay_is_handed_over_from_its_first_day_until_its_planned_end() {
    use crate::presence::model::instant;
    let at = |day: NaiveDate, h: u32| {
        instant(day, chrono::NaiveTime::from_hms_opt(h, 0, 0).expect("time"))
    };
    let first = NaiveDate::from_ymd_opt(2026, 12, 10).expect("date");
    let ends = at(first + chrono::Days::new(3), 17);
    let early = check_handover(first, ends, at(first - chrono::Days::new(2), 9));
    assert_eq!(early, Err(AppError::conflict(Key::ProblemHandOverEarly)));
    let eve = check_handover(first, ends, at(first, 0) - 60);
    assert_eq!(
        eve,
        Err(AppError::conflict(Key::ProblemHandOverEarly)),
        "the evening before"
    );
    assert_eq!(
        check_handover(first, ends, at(first, 6)),
        Ok(()),
        "early that morning"
    );
    assert_eq!(check_handover(first, ends, ends - 60), Ok(()));
    assert_eq!(
        check_handover(first, ends, ends),
        Err(AppError::conflict(Key::ProblemHandOverLate))
    );
}
