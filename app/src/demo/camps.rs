//! Demo camps: the holiday day camp now running at the boarding school (about 150 children
//! aged 6 to 14 in six groups, each with its monitors, half of them young French and English
//! volunteers), their guardians (a few named but not allowed to collect), a week's programme,
//! the camp's first days checked in and collected, and last year's camp, to which many of
//! the same children came; and the residential camp of the next school holidays, whose 40
//! children sleep in the beds of boarders home for the holidays (a few more registered, still
//! without a bed). Deterministic, and seeding twice adds nothing.

use chrono::NaiveDate;
use sqlx::{SqliteConnection, SqlitePool};

use crate::base::access::Role;
use crate::base::db::begin_write;
use crate::base::i18n::Lang;
use crate::camps::model::{Activity, Kind, Meals, NewCamp, NewCamper, NewGuardian};
use crate::camps::repo;
use crate::demo::Rng;
use crate::demo::calendar::{at, days, hm, years_before};
use crate::demo::names::{BOYS, FAMILIES, GIRLS, MEN, WOMEN};
use crate::people::model::Relationship;
use crate::residents::model::{Allergen, Diet, Sex, age_on};

/// The camp's other monitors: login, name, language. Not demo sign-ins.
const MONITORS: [(&str, &str, Lang); 7] = [
    ("monitor-vanna", "សុខ វណ្ណា Sok Vanna", Lang::Km),
    ("monitor-sreyneang", "ចាន់ ស្រីនាង Chan Sreyneang", Lang::Km),
    ("monitor-visal", "កែវ វិសាល Keo Visal", Lang::Km),
    ("monitor-sophal", "លឹម សុផល Lim Sophal", Lang::Km),
    ("volunteer-lucas", "Lucas Bernard", Lang::Fr),
    ("volunteer-emily", "Emily Clarke", Lang::En),
    ("volunteer-james", "James Taylor", Lang::En),
];

/// The groups: name, ages, and which monitors (0 is the demo monitor, then [`MONITORS`]).
const GROUPS: [(&str, (i32, i32), &[usize]); 6] = [
    ("ផ្កាយតូច Little stars 6–7", (6, 7), &[0, 1]),
    ("ផ្សោត Dolphins 8–9", (8, 9), &[2, 5]),
    ("ខ្លា Tigers 10–11", (10, 11), &[3, 6]),
    ("ឥន្ទ្រី Eagles 12–14", (12, 14), &[4, 7]),
    ("បាល់ទាត់ Football", (9, 14), &[5, 0]),
    ("សិល្បៈ និងតន្ត្រី Art and music", (8, 14), &[6, 2]),
];

/// An hour and minute.
type Hm = (u32, u32);
/// A group's id and the ages it takes.
type AgeGroup = (i64, (i32, i32));

/// A day of a group: (from, until, what, where).
const DAY: [(Hm, Hm, &str, &str); 4] = [
    ((8, 0), (8, 30), "ស្វាគមន៍ Welcome circle", "ទីធ្លា Courtyard"),
    (
        (8, 30),
        (10, 0),
        "អាន និងលេង Reading and games",
        "បណ្ណាល័យ Library",
    ),
    ((10, 15), (11, 30), "កីឡា Sport", "ទីលានលេង Playground"),
    ((13, 30), (15, 30), "សិក្ខាសាលា Workshop", "ថ្នាក់ ៣ Classroom 3"),
];

/// What else a workshop may be, by day.
const WORKSHOPS: [&str; 7] = [
    "គំនូរ Drawing",
    "ចម្រៀងអង់គ្លេស Songs in English",
    "ដីឥដ្ឋ និងសិប្បកម្ម Clay and crafts",
    "របាំប្រពៃណី Traditional dance",
    "ការប្រកួតបាល់ទាត់ Football tournament",
    "ល្បែងវិទ្យាសាស្ត្រ Science games",
    "ល្ខោន Theatre",
];

const CAMPERS: usize = 150;
const LAST_YEAR: usize = 110;

/// A child for the camp, born to be `age` on `on`.
fn child(rng: &mut Rng, k: usize, age: i32, on: NaiveDate) -> NewCamper {
    let sex = if rng.chance(52) {
        Sex::Female
    } else {
        Sex::Male
    };
    let (family_km, family_latin) = FAMILIES[rng.below(FAMILIES.len())];
    let given = if sex == Sex::Female {
        &GIRLS[..]
    } else {
        &BOYS[..]
    };
    let (given_km, given_latin) = given[(k * 7 + rng.below(given.len())) % given.len()];
    let born_on = years_before(on, age) - days(rng.between(1, 360));
    let diet = rng
        .weighted(&[(Diet::Normal, 90), (Diet::Vegetarian, 8), (Diet::Soft, 2)])
        .unwrap_or(Diet::Normal);
    let allergies = if rng.chance(8) {
        vec![[Allergen::Peanut, Allergen::Egg, Allergen::Fish][rng.below(3)]]
    } else {
        Vec::new()
    };
    NewCamper {
        name_km: format!("{family_km} {given_km}"),
        name_latin: format!("{family_latin} {given_latin}"),
        sex,
        born_on,
        diet,
        allergies,
        medical_note: if rng.chance(4) {
            "Asthma: inhaler in the bag.".into()
        } else {
            String::new()
        },
    }
}

/// Who brings the child: one or two guardians, and now and then a relative named on the form
/// but not allowed to collect them.
fn guardians(rng: &mut Rng, k: usize, family_latin: &str) -> Vec<NewGuardian> {
    let mut out = Vec::new();
    let phone = |n: usize| {
        format!(
            "0{}{:07}",
            [12, 15, 17, 92, 96][n % 5],
            1_000_000 + k * 10 + n
        )
    };
    let (_, mother) = WOMEN[rng.below(WOMEN.len())];
    let (_, father) = MEN[rng.below(MEN.len())];
    let (first, relationship) = match rng.below(10) {
        0..=5 => (mother, Relationship::Mother),
        6..=7 => (father, Relationship::Father),
        _ => (mother, Relationship::Grandmother),
    };
    out.push(NewGuardian {
        name: format!("{family_latin} {first}"),
        phone: phone(0),
        relationship,
        may_collect: true,
    });
    if rng.chance(45) {
        out.push(NewGuardian {
            name: format!("{family_latin} {}", WOMEN[rng.below(WOMEN.len())].1),
            phone: phone(1),
            relationship: Relationship::Aunt,
            may_collect: true,
        });
    }
    if rng.chance(6) {
        out.push(NewGuardian {
            name: format!("{family_latin} {father}"),
            phone: phone(2),
            relationship: Relationship::Father,
            may_collect: false,
        });
    }
    out
}

/// Gives `camper` a place in one of the groups (the `pick`-th) whose ages take them on the
/// camp's first day; none if no group does.
async fn place(
    conn: &mut SqliteConnection,
    (groups, pick): (&[AgeGroup], usize),
    (camp_id, starts_on): (i64, NaiveDate),
    (camper_id, born_on): (i64, NaiveDate),
    at: i64,
) -> Result<bool, sqlx::Error> {
    let age = age_on(born_on, starts_on);
    let fits: Vec<i64> = groups
        .iter()
        .filter(|(_, (lo, hi))| (*lo..=*hi).contains(&age))
        .map(|(id, _)| *id)
        .collect();
    let Some(group_id) = fits.get(pick % fits.len().max(1)) else {
        return Ok(false);
    };
    repo::insert_place(conn, (camp_id, *group_id, camper_id), (None, at)).await?;
    Ok(true)
}

/// Seeds the camps on `today`: this year's day camp began two days ago and runs four weeks;
/// last year's ran at the same time of year. The demo monitor (`monitor_id`) runs a group.
pub async fn seed(
    pool: &SqlitePool,
    today: NaiveDate,
    monitor_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let Some(monitor_id) = monitor_id else {
        return Ok(());
    };
    let mut conn = pool.acquire().await?;
    let seeded = !repo::camps(&mut conn, None).await?.is_empty();
    drop(conn);
    if seeded {
        return Ok(());
    }
    let monitors: Vec<i64> = std::iter::once(monitor_id)
        .chain(super::staff_without_sign_in(pool, &MONITORS, Role::Monitor).await?)
        .collect();
    let mut tx = begin_write(pool).await?;
    let facility = crate::demo::centre::seed_demo(&mut tx)
        .await?
        .boarding_school;
    let mut rng = Rng(0x0C4A_3B1E_5EED_CA11);
    let starts_on = today - days(2);
    let last_start = years_before(starts_on, 1);
    let camp = |name: &str, starts_on: NaiveDate, places: i64| NewCamp {
        name: name.into(),
        facility_id: facility,
        kind: Kind::Day,
        starts_on,
        ends_on: starts_on + days(27),
        min_age: 6,
        max_age: 14,
        places,
        meals: Meals(Meals::LUNCH),
        day_ends_at: hm(16, 30),
    };
    let last_year = repo::insert_camp(
        &mut tx,
        &camp("Holiday day camp (last year)", last_start, 120),
    )
    .await?;
    let this_year = repo::insert_camp(&mut tx, &camp("Holiday day camp", starts_on, 160)).await?;
    let mut groups = Vec::new();
    let mut last_groups = Vec::new();
    for (name, ages, who) in GROUPS {
        let id = repo::insert_group(&mut tx, this_year, name).await?;
        for m in who {
            repo::add_monitor(&mut tx, id, monitors[*m % monitors.len()]).await?;
        }
        groups.push((id, ages));
        if !name.contains("Football") && !name.contains("Art and music") {
            last_groups.push((repo::insert_group(&mut tx, last_year, name).await?, ages));
        }
    }
    // The week's programme: three days back to four ahead.
    for (g, (group_id, _)) in groups.iter().enumerate() {
        for d in 0..7 {
            let day = starts_on + days(d);
            for (k, (from, until, what, place)) in DAY.into_iter().enumerate() {
                let what = if k == 3 {
                    WORKSHOPS[(g + d as usize) % WORKSHOPS.len()]
                } else {
                    what
                };
                let activity = Activity {
                    day,
                    starts_at: hm(from.0, from.1),
                    ends_at: hm(until.0, until.1),
                    place: place.into(),
                    what: what.into(),
                };
                repo::insert_activity(&mut tx, *group_id, &activity).await?;
            }
        }
    }
    let registered_at = at(starts_on - days(14), 9, 0);
    let mut placed = 0;
    let mut k = 0;
    while placed < CAMPERS {
        let camper = child(&mut rng, k, 6 + (k % 9) as i32, starts_on);
        k += 1;
        if repo::camper_by_identity(&mut tx, &camper.name_latin, camper.born_on)
            .await?
            .is_some()
        {
            continue;
        }
        let family = camper
            .name_latin
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_owned();
        let id = repo::insert_camper(&mut tx, &camper, None, (None, registered_at)).await?;
        for guardian in guardians(&mut rng, k, &family) {
            repo::upsert_guardian(&mut tx, id, &guardian).await?;
        }
        let pick = rng.below(3);
        let this = (this_year, starts_on);
        if !place(
            &mut tx,
            (&groups, pick),
            this,
            (id, camper.born_on),
            registered_at,
        )
        .await?
        {
            continue;
        }
        placed += 1;
        // Most came last year too: the same child, not entered again.
        if placed <= LAST_YEAR {
            let last = (last_year, last_start);
            let then = registered_at - 365 * 86_400;
            place(
                &mut tx,
                (&last_groups, pick),
                last,
                (id, camper.born_on),
                then,
            )
            .await?;
        }
        // The camp's first two days: checked in in the morning, collected in the afternoon.
        for d in 0..2 {
            let day = starts_on + days(d);
            let key = (this_year, day, id);
            let present = !rng.chance(7);
            repo::set_checked_in(&mut tx, key, present, (None, at(day, 7, 50))).await?;
            if present {
                let collector = repo::guardians(&mut tx, id)
                    .await?
                    .into_iter()
                    .find(|g| g.may_collect)
                    .map(|g| g.id);
                let left = at(day, 16, rng.between(0, 29) as u32);
                repo::set_left(&mut tx, key, collector, (None, left)).await?;
            }
        }
    }
    super::seeded(
        tx,
        "camp",
        serde_json::json!({ "camps": 2, "campers": placed, "groups": groups.len() }),
    )
    .await
}

/// The residential camp's children in lent beds, and those still without one.
const SLEEPERS: usize = 40;
const WAITING_FOR_A_BED: usize = 3;
/// Boarders home for the holidays beyond those whose beds are lent: beds still lendable.
const SPARE_BEDS: usize = 4;
/// The residential camp's nights.
const RESIDENTIAL_NIGHTS: i64 = 7;

/// The first day of the residential camp: ten days from `today`, or the day after next
/// month's visit day if that falls in its holidays (boarders are home then, not visited).
fn residential_start(today: NaiveDate, visit_day: NaiveDate) -> NaiveDate {
    let start = today + days(10);
    if (start - days(1)..=start + days(RESIDENTIAL_NIGHTS + 1)).contains(&visit_day) {
        visit_day + days(1)
    } else {
        start
    }
}

/// Seeds the residential camp of the next school holidays on `today`, after the visits (whose
/// next visit day is `visit_day`): boarders of the boarding school with no visit booked and
/// not away then go home for the holidays, and 40 camp children of their sex and room's ages
/// sleep in their beds. Nothing is done if it exists.
pub async fn seed_residential(
    pool: &SqlitePool,
    today: NaiveDate,
    visit_day: NaiveDate,
) -> Result<(), sqlx::Error> {
    const NAME: &str = "ជំរុំស្នាក់នៅ Residential camp";
    let mut conn = pool.acquire().await?;
    let camps = repo::camps(&mut conn, None).await?;
    drop(conn);
    if camps.is_empty() || camps.iter().any(|camp| camp.name == NAME) {
        return Ok(());
    }
    let monitors = super::staff_without_sign_in(pool, &MONITORS, Role::Monitor).await?;
    let mut tx = begin_write(pool).await?;
    let facility = crate::demo::centre::seed_demo(&mut tx)
        .await?
        .boarding_school;
    let starts_on = residential_start(today, visit_day);
    let until_on = starts_on + days(RESIDENTIAL_NIGHTS);
    let ends_on = until_on - days(1);
    let camp = NewCamp {
        name: NAME.into(),
        facility_id: facility,
        kind: Kind::Residential,
        starts_on,
        ends_on,
        min_age: 8,
        max_age: 14,
        places: 48,
        meals: Meals(Meals::BREAKFAST | Meals::LUNCH | Meals::DINNER),
        day_ends_at: hm(17, 0),
    };
    let camp_id = repo::insert_camp(&mut tx, &camp).await?;
    let groups = [
        ("ភ្នំ Mountain explorers 8–11", (8, 11), [0, 4]),
        ("ទន្លេ River explorers 12–14", (12, 14), [1, 5]),
    ];
    let mut age_groups = Vec::new();
    for (name, ages, who) in groups {
        let id = repo::insert_group(&mut tx, camp_id, name).await?;
        for m in who {
            if let Some(monitor) = monitors.get(m) {
                repo::add_monitor(&mut tx, id, *monitor).await?;
            }
        }
        age_groups.push((id, ages));
    }
    // Home for the holidays: from the evening before the first night until the afternoon
    // after the camp.
    let leaves = at(starts_on - days(1), 16, 0);
    let back = at(until_on + days(1), 17, 0);
    let window_from = starts_on - days(1);
    let beds = sqlx::query!(
        r#"SELECT a.resident_id AS "resident_id!: i64", a.bed_id AS "bed_id!: i64", ro.sex,
                  ro.min_age AS "min_age!: i32", ro.max_age AS "max_age!: i32"
           FROM allocation a JOIN bed b ON b.id = a.bed_id JOIN room ro ON ro.id = b.room_id
           JOIN building bu ON bu.id = ro.building_id
           WHERE a.until_on IS NULL AND bu.facility_id = ?1 AND a.from_on < ?2
             AND ro.max_age >= 8 AND ro.min_age <= 14
             AND NOT EXISTS (
                 SELECT 1 FROM absence x WHERE x.resident_id = a.resident_id
                   AND x.starts_at < ?5
                   AND (coalesce(x.returned_at, x.ends_at) IS NULL
                        OR coalesce(x.returned_at, x.ends_at) > ?4))
             AND NOT EXISTS (
                 SELECT 1 FROM visit_booking_child c JOIN visit_booking k ON k.id = c.booking_id
                 JOIN visit_slot s ON s.id = k.slot_id JOIN visit_day d ON d.id = s.visit_day_id
                 WHERE c.resident_id = a.resident_id AND d.day >= ?3)
           ORDER BY a.bed_id"#,
        facility,
        window_from,
        today,
        leaves,
        back
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut rng = Rng(0x5EE9_0BE1_D5AA_0001);
    let registered_at = at(today - days(3), 10, 0);
    let mut lent = 0;
    let mut home = 0;
    let mut k = 1000;
    // Every other bed, 40 to lend; then spare beds, half a girl's and half a boy's.
    let lending = beds.iter().step_by(2).take(SLEEPERS);
    let spare = |sex: &'static str| {
        beds.iter()
            .skip(1)
            .step_by(2)
            .filter(move |bed| bed.sex == sex)
            .take(SPARE_BEDS / 2)
    };
    for (n, bed) in lending.chain(spare("f")).chain(spare("m")).enumerate() {
        let to_lend = n < SLEEPERS;
        let away = crate::presence::model::Away {
            starts_at: leaves,
            ends_at: Some(back),
            returned_at: None,
        };
        crate::presence::repo::insert_absence(
            &mut tx,
            bed.resident_id,
            crate::presence::model::AbsenceReason::HomeStay,
            "School holidays at home",
            away,
        )
        .await?;
        home += 1;
        if !to_lend {
            continue;
        }
        let sex = Sex::parse(&bed.sex).unwrap_or(Sex::Female);
        let age = rng.between(
            i64::from(bed.min_age.max(8)),
            i64::from(bed.max_age.min(14)),
        ) as i32;
        let camp = (camp_id, starts_on, age_groups.as_slice());
        let child = residential_camper(&mut tx, &mut rng, &mut k, (sex, age), camp, registered_at);
        let Some(id) = child.await? else {
            continue;
        };
        crate::housing::repo::insert_loan(
            &mut tx,
            (camp_id, id),
            bed.bed_id,
            (starts_on, until_on),
            (None, registered_at),
        )
        .await?;
        lent += 1;
    }
    // A few registered since, still to be given a bed.
    for n in 0..WAITING_FOR_A_BED {
        let sex = if n % 2 == 0 { Sex::Female } else { Sex::Male };
        let age = 9 + n as i32;
        let camp = (camp_id, starts_on, age_groups.as_slice());
        residential_camper(&mut tx, &mut rng, &mut k, (sex, age), camp, registered_at).await?;
    }
    super::seeded(
        tx,
        "camp",
        serde_json::json!({ "camps": 1, "in_lent_beds": lent, "home_for_the_holidays": home }),
    )
    .await
}

/// A birth date of someone `age` years old on `on`, for the group a camper goes in.
fn age_born(on: NaiveDate, age: i32) -> NaiveDate {
    years_before(on, age) - days(30)
}

/// A new camp child of `sex`, `age` years old on the camp's first day, with their guardians,
/// given a place in the camp's group for their age: `(camp, first day, groups)`. None if no
/// new name could be drawn or no group takes them.
async fn residential_camper(
    tx: &mut SqliteConnection,
    rng: &mut Rng,
    k: &mut usize,
    (sex, age): (Sex, i32),
    (camp_id, on, groups): (i64, NaiveDate, &[AgeGroup]),
    registered_at: i64,
) -> Result<Option<i64>, sqlx::Error> {
    for _ in 0..20 {
        let mut camper = child(rng, *k, age, on);
        *k += 1;
        camper.sex = sex;
        camper.born_on = age_born(on, age);
        let names = if sex == Sex::Female {
            &GIRLS[..]
        } else {
            &BOYS[..]
        };
        let (given_km, given_latin) = names[*k % names.len()];
        let (family_km, family_latin) = FAMILIES[(*k / names.len() + *k * 3) % FAMILIES.len()];
        camper.name_km = format!("{family_km} {given_km}");
        camper.name_latin = format!("{family_latin} {given_latin}");
        if repo::camper_by_identity(tx, &camper.name_latin, camper.born_on)
            .await?
            .is_some()
        {
            continue;
        }
        let id = repo::insert_camper(tx, &camper, None, (None, registered_at)).await?;
        for guardian in guardians(rng, *k, family_latin) {
            repo::upsert_guardian(tx, id, &guardian).await?;
        }
        let placed = place(
            tx,
            (groups, 0),
            (camp_id, on),
            (id, camper.born_on),
            registered_at,
        );
        return Ok(placed.await?.then_some(id));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_residential_camp_keeps_clear_of_next_months_visit_day() {
        let today = crate::demo::calendar::sample_today();
        let far = today + days(40);
        assert_eq!(residential_start(today, far), today + days(10));
        let inside = today + days(12);
        assert_eq!(residential_start(today, inside), inside + days(1));
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn forty_camp_children_sleep_in_the_beds_of_boarders_home_for_the_holidays(
        pool: SqlitePool,
    ) {
        let accounts = crate::demo::repository_accounts();
        crate::demo::seed(&pool, &accounts).await.expect("seeded");
        crate::demo::seed(&pool, &accounts)
            .await
            .expect("seeded again");
        let mut conn = pool.acquire().await.expect("connection");
        let camps = repo::camps(&mut conn, None).await.expect("camps");
        let camp = camps
            .iter()
            .find(|camp| camp.kind == Kind::Residential)
            .expect("the residential camp");
        let today = crate::base::clock::today_at_centre();
        let lent = crate::housing::repo::loans(&mut conn, (None, Some(camp.id), None), today)
            .await
            .expect("loans");
        assert_eq!(lent.len(), SLEEPERS, "seeded once");
        assert_eq!(camp.taken as usize, SLEEPERS + WAITING_FOR_A_BED);
        // Every night of the camp, every lent bed's boarder is away; none is needed back.
        let (from, until) = (camp.rules.starts_on, camp.rules.ends_on + days(1));
        assert!(
            lent.iter()
                .all(|(_, loan)| (loan.from_on, loan.until_on) == (from, until))
        );
        let needed = crate::presence::repo::beds_needed(&mut conn, chrono::Utc::now().timestamp())
            .await
            .expect("needed");
        assert!(needed.is_empty(), "{needed:?}");
        // Boarders' beds are left to lend to those still without one.
        let lendable = crate::presence::repo::lendable_beds(&mut conn, from, until)
            .await
            .expect("lendable");
        let boarders = lendable.iter().filter(|(_, who)| who.is_some()).count();
        assert!(boarders >= SPARE_BEDS, "{boarders}");
        // Nobody with a visit booked goes home for it.
        let booked_away: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM absence x JOIN visit_booking_child c ON c.resident_id = x.resident_id
             WHERE x.note = 'School holidays at home'",
        )
        .fetch_one(&pool)
        .await
        .expect("count");
        assert_eq!(booked_away, 0);
    }
}
