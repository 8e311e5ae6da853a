//! Demo residents: children and students in their beds, sibling groups, a waiting list, this
//! week's absences and four weeks of roll calls. Deterministic, and seeding twice adds nothing.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sqlx::{SqliteConnection, SqlitePool};

use crate::base::db::begin_write;
use crate::demo::Rng;
use crate::demo::calendar::{at, day_between, days, years_after, years_before};
use crate::demo::centre::DEMO_CENTRE_CODE;
use crate::demo::names::{BOYS, FAMILIES, GIRLS};
use crate::housing::model::{Changeover, usual_arrival, usual_departure};
use crate::housing::repo::{
    end_allocation, insert_allocation, insert_building, insert_room, set_in_service,
};
use crate::presence::model::{AbsenceReason, Away, Mark, Resolution, Sleeper, instant, roll_time};
use crate::presence::repo::{
    close_roll_call, insert_absence, open_roll_call, resolve_alerts, roll_rows, set_mark,
};
use crate::residents::model::Note;
use crate::residents::model::{Allergen, Diet, Programme, ResidentFields, Sex, age_on};
use crate::residents::repo::{insert, link_siblings, set_left, set_note};

const MEDICAL_NOTES: [&str; 7] = [
    "Asthma: inhaler in the office",
    "Epilepsy: medication at 7:00 and 19:00, see the nurse's folder",
    "Wears glasses; a spare pair is in the office",
    "Anaemia: iron tablet with breakfast until the next check-up",
    "Broken arm in a cast until the end of the month: no sport",
    "Hearing loss in the left ear: seat at the front in class",
    "Asthma: inhaler in the office",
];

const SAFEGUARDING_NOTES: [&str; 4] = [
    "Father barred from visits (court order)",
    "Only the grandmother may take this child on home stays",
    "Referred by the provincial social affairs office: follow-up every 3 months",
    "No contact with the uncle; tell the social team at once if he calls",
];

const LEAVING_REASONS: [&str; 4] = [
    "Returned to her mother in Kampot",
    "Placed with his aunt in Battambang",
    "Finished her studies; works in Phnom Penh",
    "Moved to a vocational school in Siem Reap",
];

/// One building of the demo and its rooms.
struct BuildingPlan {
    facility: &'static str,
    code: &'static str,
    name_km: &'static str,
    name_latin: &'static str,
    sex: Sex,
    /// Rooms per age band, youngest first.
    bands: &'static [((i32, i32), u32)],
    beds_per_room: u32,
    /// Residence rooms are numbered by floor (101, 102...), school rooms by building (A1, A2...).
    by_floor: bool,
    /// Beds in service left empty.
    free: usize,
    /// The bed out of service, as (room, bed) positions, if any.
    out_of_service: Option<(usize, usize)>,
}

const BUILDINGS: [BuildingPlan; 4] = [
    BuildingPlan {
        facility: "PNH-BS",
        code: "A",
        name_km: "អគារ ក",
        name_latin: "Building A",
        sex: Sex::Female,
        bands: &[((5, 8), 4), ((9, 12), 4), ((13, 16), 4)],
        beds_per_room: 8,
        by_floor: false,
        free: 6,
        out_of_service: Some((2, 7)),
    },
    BuildingPlan {
        facility: "PNH-BS",
        code: "B",
        name_km: "អគារ ខ",
        name_latin: "Building B",
        sex: Sex::Male,
        bands: &[((5, 8), 3), ((9, 12), 4), ((13, 16), 3)],
        beds_per_room: 8,
        by_floor: false,
        free: 12,
        out_of_service: Some((5, 4)),
    },
    BuildingPlan {
        facility: "PNH-RES",
        code: "R1",
        name_km: "អន្តេវាសិកដ្ឋាន ១",
        name_latin: "Residence 1",
        sex: Sex::Female,
        bands: &[((15, 22), 34)],
        beds_per_room: 4,
        by_floor: true,
        free: 5,
        out_of_service: Some((6, 1)),
    },
    BuildingPlan {
        facility: "PNH-RES",
        code: "R2",
        name_km: "អន្តេវាសិកដ្ឋាន ២",
        name_latin: "Residence 2",
        sex: Sex::Male,
        bands: &[((15, 22), 32)],
        beds_per_room: 4,
        by_floor: true,
        free: 6,
        out_of_service: None,
    },
];

/// Children admitted in the last two weeks who have no bed yet: (sex, how many).
const WAITING: [(Sex, usize); 2] = [(Sex::Female, 3), (Sex::Male, 2)];

/// Sibling groups of a brother and a sister, who sleep in different buildings.
const MIXED_SIBLING_GROUPS: usize = 5;

/// A room as planned: its building, rules and the beds that will be slept in.
struct RoomPlan {
    building: usize,
    sex: Sex,
    ages: (i32, i32),
    programme: Programme,
    /// Beds in service, in order.
    beds: Vec<i64>,
    /// Those with someone in them now.
    occupied: Vec<i64>,
}

/// A resident as planned, before their row exists.
struct Person {
    family: usize,
    given: usize,
    sex: Sex,
    born_on: NaiveDate,
    programme: Programme,
    admitted_on: NaiveDate,
    grade: String,
    diet: Diet,
    allergies: Vec<Allergen>,
    building: usize,
    /// The bed now, from `from_on`.
    bed: Option<i64>,
    from_on: NaiveDate,
    /// An earlier bed, until (the first night elsewhere).
    earlier: Option<(i64, NaiveDate)>,
    left: Option<(NaiveDate, &'static str)>,
    group: Option<usize>,
    medical_note: &'static str,
    safeguarding_note: &'static str,
}

impl Person {
    fn names(&self) -> (String, String) {
        let (family_km, family_latin) = FAMILIES[self.family % FAMILIES.len()];
        let given = match self.sex {
            Sex::Female => GIRLS[self.given % GIRLS.len()],
            Sex::Male => BOYS[self.given % BOYS.len()],
        };
        (
            format!("{family_km} {}", given.0),
            format!("{family_latin} {}", given.1),
        )
    }
}

/// The youngest age a programme takes children in at.
fn min_admission_age(programme: Programme) -> i32 {
    match programme {
        Programme::BoardingSchool => 5,
        Programme::Residence => 15,
    }
}

/// A school grade for an age: grade 1 at six, university after grade 12; some repeat a year.
fn grade(rng: &mut Rng, age: i32) -> String {
    let year = (age - 5 - i32::from(rng.chance(15))).max(1);
    if year <= 12 {
        year.to_string()
    } else {
        format!("University Y{}", (year - 12).min(4))
    }
}

fn diet(rng: &mut Rng) -> Diet {
    match rng.below(1000) {
        0..50 => Diet::Vegetarian,
        50..60 => Diet::Soft,
        60..68 => Diet::Diabetic,
        68..78 => Diet::LowSalt,
        _ => Diet::Normal,
    }
}

fn allergies(rng: &mut Rng) -> Vec<Allergen> {
    if !rng.chance(8) {
        return Vec::new();
    }
    let mut out = vec![Allergen::ALL[rng.below(Allergen::ALL.len())]];
    if rng.chance(30) {
        out.push(Allergen::ALL[rng.below(Allergen::ALL.len())]);
    }
    out.sort();
    out.dedup();
    out
}

/// The admission day: one to five years ago, never before the programme's youngest age.
fn admission(
    rng: &mut Rng,
    born_on: NaiveDate,
    programme: Programme,
    today: NaiveDate,
) -> NaiveDate {
    let old_enough = years_after(born_on, min_admission_age(programme));
    let earliest = old_enough.max(years_before(today, 5)).min(today);
    let a_year_ago = years_before(today, 1);
    let latest = if earliest > a_year_ago {
        today
    } else {
        a_year_ago
    };
    day_between(rng, earliest, latest)
}

/// A birthday giving `age` on `today`, `offset` days (0-364) before the birthday that year.
fn born(today: NaiveDate, age: i32, offset: i64) -> NaiveDate {
    years_before(today, age) - days(offset.clamp(0, 364))
}

struct Plan {
    rooms: Vec<RoomPlan>,
    people: Vec<Person>,
    groups: usize,
    /// Each bed's allocations as planned: first night and first night elsewhere.
    nights: HashMap<i64, Vec<(NaiveDate, Option<NaiveDate>)>>,
}

impl Plan {
    fn person(
        &self,
        rng: &mut Rng,
        today: NaiveDate,
        room: Option<usize>,
        sex: Sex,
        age: i32,
        offset: i64,
    ) -> Person {
        let (programme, building) = match room {
            Some(r) => (self.rooms[r].programme, self.rooms[r].building),
            None => (Programme::BoardingSchool, usize::from(sex == Sex::Male)),
        };
        let born_on = born(today, age, offset);
        let admitted_on = admission(rng, born_on, programme, today);
        Person {
            family: rng.below(FAMILIES.len()),
            given: rng.below(GIRLS.len().min(BOYS.len())),
            sex,
            born_on,
            programme,
            admitted_on,
            grade: grade(rng, age),
            diet: diet(rng),
            allergies: allergies(rng),
            building,
            bed: None,
            from_on: admitted_on,
            earlier: None,
            left: None,
            group: None,
            medical_note: "",
            safeguarding_note: "",
        }
    }

    /// Whether `bed` is free from `from` until `until` (exclusive, or for good).
    fn bed_free(&self, bed: i64, from: NaiveDate, until: NaiveDate) -> bool {
        self.nights.get(&bed).is_none_or(|spans| {
            spans
                .iter()
                .all(|(f, u)| !(u.is_none_or(|u| u > from) && until > *f))
        })
    }

    /// A bed of `building` free over the span, preferring rooms whose band fits `age`.
    fn free_bed(
        &self,
        rng: &mut Rng,
        building: usize,
        age: i32,
        span: (NaiveDate, NaiveDate),
        not: Option<i64>,
    ) -> Option<i64> {
        let mut beds: Vec<(bool, i64)> = self
            .rooms
            .iter()
            .filter(|room| room.building == building)
            .flat_map(|room| {
                let fits = (room.ages.0..=room.ages.1).contains(&age);
                room.beds.iter().map(move |bed| (!fits, *bed))
            })
            .filter(|(_, bed)| Some(*bed) != not)
            .collect();
        rng.shuffle(&mut beds);
        beds.sort_by_key(|(misfit, _)| *misfit);
        beds.into_iter()
            .map(|(_, bed)| bed)
            .find(|bed| self.bed_free(*bed, span.0, span.1))
    }
}

/// Everyone, planned in memory: the rooms' occupants with their sibling groups, the mixed
/// sibling groups, the waiting list, those who left and those who changed beds.
fn plan_people(rng: &mut Rng, rooms: Vec<RoomPlan>, today: NaiveDate) -> Plan {
    let mut plan = Plan {
        rooms,
        people: Vec::new(),
        groups: 0,
        nights: HashMap::new(),
    };
    plan.fill_rooms(rng, today);
    plan.pair_sisters_and_brothers(rng);
    plan.add_waiting_list(rng, today);
    for person in &plan.people {
        if let Some(bed) = person.bed {
            plan.nights
                .entry(bed)
                .or_default()
                .push((person.from_on, None));
        }
    }
    plan.add_leavers(rng, today);
    plan.add_moves(rng, today);
    plan.name_everyone_once();
    plan.add_notes(rng);
    plan
}

impl Plan {
    /// Fills the rooms' occupied beds with children of the rooms' sex and ages; two school
    /// rooms in three hold a sibling group.
    fn fill_rooms(&mut self, rng: &mut Rng, today: NaiveDate) {
        for r in 0..self.rooms.len() {
            let mut beds = self.rooms[r].occupied.clone();
            let (sex, (lo, hi)) = (self.rooms[r].sex, self.rooms[r].ages);
            let school = self.rooms[r].programme == Programme::BoardingSchool;
            if school && r % 3 != 2 && beds.len() >= 2 {
                let size = if beds.len() >= 3 && rng.chance(35) {
                    3
                } else {
                    2
                };
                let mut ages: Vec<i32> = (lo..=hi).collect();
                rng.shuffle(&mut ages);
                // Near the same day of the year, so siblings are about a year or more apart.
                let offset = rng.between(45, 319);
                let family = rng.below(FAMILIES.len());
                let given = rng.below(GIRLS.len().min(BOYS.len()));
                for (n, age) in ages.into_iter().take(size).enumerate() {
                    let jitter = rng.between(-45, 45);
                    let mut person = self.person(rng, today, Some(r), sex, age, offset + jitter);
                    person.family = family;
                    person.given = given + n;
                    person.group = Some(self.groups);
                    person.bed = beds.pop();
                    self.people.push(person);
                }
                self.groups += 1;
            }
            for bed in beds {
                let age = rng.between(i64::from(lo), i64::from(hi)) as i32;
                let offset = rng.between(0, 364);
                let mut person = self.person(rng, today, Some(r), sex, age, offset);
                person.bed = Some(bed);
                self.people.push(person);
            }
        }
    }

    /// Makes a few girls of building A and boys of building B sister and brother.
    fn pair_sisters_and_brothers(&mut self, rng: &mut Rng) {
        let singles = |sex: Sex| -> Vec<usize> {
            (0..self.people.len())
                .filter(|&i| {
                    let p = &self.people[i];
                    p.programme == Programme::BoardingSchool && p.sex == sex && p.group.is_none()
                })
                .collect()
        };
        let (mut sisters, mut brothers) = (singles(Sex::Female), singles(Sex::Male));
        rng.shuffle(&mut sisters);
        rng.shuffle(&mut brothers);
        let mut paired = 0;
        for sister in sisters {
            // Born at least ten months and at most eight years apart.
            let born = self.people[sister].born_on;
            let Some(at) = brothers.iter().position(|&b| {
                (300..=2920).contains(&(self.people[b].born_on - born).num_days().abs())
            }) else {
                continue;
            };
            let brother = brothers.remove(at);
            self.people[brother].family = self.people[sister].family;
            self.people[sister].group = Some(self.groups);
            self.people[brother].group = Some(self.groups);
            self.groups += 1;
            paired += 1;
            if paired == MIXED_SIBLING_GROUPS {
                break;
            }
        }
    }

    /// Children admitted in the last two weeks, with no bed yet.
    fn add_waiting_list(&mut self, rng: &mut Rng, today: NaiveDate) {
        for (sex, count) in WAITING {
            for _ in 0..count {
                let age = rng.between(5, 16) as i32;
                let offset = rng.between(0, 364);
                let mut person = self.person(rng, today, None, sex, age, offset);
                let fifth_birthday = years_after(person.born_on, 5);
                person.admitted_on = (today - days(rng.between(0, 13))).max(fifth_birthday);
                person.from_on = person.admitted_on;
                self.people.push(person);
            }
        }
    }

    /// One resident who left from each building, in the last two months.
    fn add_leavers(&mut self, rng: &mut Rng, today: NaiveDate) {
        for (building, reason) in LEAVING_REASONS.into_iter().enumerate() {
            let Some(room) = self.rooms.iter().position(|room| room.building == building) else {
                continue;
            };
            let (sex, programme) = (self.rooms[room].sex, self.rooms[room].programme);
            let age = match programme {
                Programme::BoardingSchool => rng.between(8, 16),
                Programme::Residence => rng.between(17, 22),
            } as i32;
            let offset = rng.between(0, 364);
            let mut person = self.person(rng, today, Some(room), sex, age, offset);
            let left_on = today - days(rng.between(10, 60));
            let old_enough = years_after(person.born_on, min_admission_age(programme));
            person.admitted_on = (left_on - days(rng.between(365, 1100))).max(old_enough);
            let age_then = age_on(person.born_on, person.admitted_on);
            let span = (person.admitted_on, left_on);
            let Some(bed) = self.free_bed(rng, building, age_then, span, None) else {
                continue;
            };
            self.nights
                .entry(bed)
                .or_default()
                .push((span.0, Some(left_on)));
            person.earlier = Some((bed, left_on));
            person.left = Some((left_on, reason));
            self.people.push(person);
        }
    }

    /// About one in ten changed beds once, most often a child who outgrew a younger room.
    fn add_moves(&mut self, rng: &mut Rng, today: NaiveDate) {
        let long_ago = today - days(120);
        for i in 0..self.people.len() {
            let p = &self.people[i];
            let Some(bed) = p.bed else { continue };
            if p.admitted_on > long_ago || !rng.chance(10) {
                continue;
            }
            let (admitted_on, building) = (p.admitted_on, p.building);
            let moved_on = day_between(rng, admitted_on + days(30), today - days(30));
            let age_then = age_on(p.born_on, admitted_on);
            let span = (admitted_on, moved_on);
            let Some(old) = self.free_bed(rng, building, age_then, span, Some(bed)) else {
                continue;
            };
            // Shortening the current stay never makes it run into another.
            if let Some(spans) = self.nights.get_mut(&bed) {
                for span in spans.iter_mut().filter(|(_, until)| until.is_none()) {
                    span.0 = moved_on;
                }
            }
            self.nights
                .entry(old)
                .or_default()
                .push((admitted_on, Some(moved_on)));
            self.people[i].earlier = Some((old, moved_on));
            self.people[i].from_on = moved_on;
        }
    }

    /// The same child is never entered twice: another given name where one would be.
    fn name_everyone_once(&mut self) {
        let mut seen = HashSet::new();
        for person in &mut self.people {
            while !seen.insert((person.names().1.to_lowercase(), person.born_on)) {
                person.given += 1;
            }
        }
    }

    /// A few medical notes, and safeguarding notes for a few children of the school.
    fn add_notes(&mut self, rng: &mut Rng) {
        let current: Vec<usize> = (0..self.people.len())
            .filter(|&i| self.people[i].left.is_none())
            .collect();
        if current.is_empty() {
            return;
        }
        for note in MEDICAL_NOTES {
            let person = &mut self.people[current[rng.below(current.len())]];
            if person.medical_note.is_empty() {
                person.medical_note = note;
            }
        }
        for note in SAFEGUARDING_NOTES {
            let person = &mut self.people[current[rng.below(current.len())]];
            if person.safeguarding_note.is_empty() && person.programme == Programme::BoardingSchool
            {
                person.safeguarding_note = note;
            }
        }
    }
}

/// Creates the buildings, rooms and beds, puts a few beds out of service, and chooses the
/// beds left free.
async fn build_housing(
    conn: &mut SqliteConnection,
    rng: &mut Rng,
) -> Result<Vec<RoomPlan>, sqlx::Error> {
    let mut rooms = Vec::new();
    let mut room_ids = Vec::new();
    for (b, plan) in BUILDINGS.iter().enumerate() {
        let facility = sqlx::query_scalar!(
            r#"SELECT f.id AS "id!: i64" FROM facility f JOIN centre c ON c.id = f.centre_id
               WHERE c.code = ? AND f.code = ?"#,
            DEMO_CENTRE_CODE,
            plan.facility
        )
        .fetch_one(&mut *conn)
        .await?;
        let programme = if plan.facility == "PNH-BS" {
            Programme::BoardingSchool
        } else {
            Programme::Residence
        };
        let building =
            insert_building(conn, facility, plan.code, plan.name_km, plan.name_latin).await?;
        let mut n = 0;
        for &(ages, count) in plan.bands {
            for _ in 0..count {
                let code = if plan.by_floor {
                    format!("{}{:02}", n / 12 + 1, n % 12 + 1)
                } else {
                    format!("{}{}", plan.code, n + 1)
                };
                let id =
                    insert_room(conn, building, &code, plan.sex, ages, plan.beds_per_room).await?;
                room_ids.push(id);
                rooms.push(RoomPlan {
                    building: b,
                    sex: plan.sex,
                    ages,
                    programme,
                    beds: Vec::new(),
                    occupied: Vec::new(),
                });
                n += 1;
            }
        }
    }
    // Only the demo's beds exist: the seed runs on an empty house.
    let beds = sqlx::query!(
        r#"SELECT id AS "id!: i64", room_id AS "room_id!: i64" FROM bed ORDER BY room_id, id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let index: HashMap<i64, usize> = room_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    for bed in beds {
        if let Some(&i) = index.get(&bed.room_id) {
            rooms[i].beds.push(bed.id);
        }
    }
    for (b, plan) in BUILDINGS.iter().enumerate() {
        let mut in_building = rooms.iter_mut().filter(|room| room.building == b);
        if let Some((room, bed)) = plan.out_of_service
            && let Some(room) = in_building.nth(room)
            && bed < room.beds.len()
        {
            let id = room.beds.remove(bed);
            set_in_service(conn, id, false).await?;
        }
        let mut all: Vec<i64> = rooms
            .iter()
            .filter(|room| room.building == b)
            .flat_map(|room| room.beds.iter().copied())
            .collect();
        rng.shuffle(&mut all);
        let free: HashSet<i64> = all.into_iter().take(plan.free).collect();
        for room in rooms.iter_mut().filter(|room| room.building == b) {
            room.occupied = room
                .beds
                .iter()
                .copied()
                .filter(|bed| !free.contains(bed))
                .collect();
            rng.shuffle(&mut room.occupied);
        }
    }
    Ok(rooms)
}

/// Writes the planned residents, their notes, sibling groups and allocations; returns their
/// ids in plan order.
async fn write_people(conn: &mut SqliteConnection, plan: &Plan) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = Vec::with_capacity(plan.people.len());
    for person in &plan.people {
        let (name_km, name_latin) = person.names();
        let fields = ResidentFields {
            name_km,
            name_latin,
            sex: person.sex,
            born_on: person.born_on,
            grade: person.grade.clone(),
            programme: person.programme,
            admitted_on: person.admitted_on,
            diet: person.diet,
            allergies: person.allergies.clone(),
        };
        let id = insert(conn, &fields).await?;
        if !person.medical_note.is_empty() {
            set_note(conn, id, Note::Medical, person.medical_note).await?;
        }
        if !person.safeguarding_note.is_empty() {
            set_note(conn, id, Note::Safeguarding, person.safeguarding_note).await?;
        }
        if let Some((left_on, reason)) = person.left {
            set_left(conn, id, left_on, reason).await?;
        }
        ids.push(id);
    }
    let mut groups: Vec<Vec<i64>> = vec![Vec::new(); plan.groups];
    for (person, id) in plan.people.iter().zip(&ids) {
        if let Some(group) = person.group.and_then(|g| groups.get_mut(g)) {
            group.push(*id);
        }
    }
    for group in groups {
        if let Some((first, others)) = group.split_first() {
            for other in others {
                link_siblings(conn, *first, *other).await?;
            }
        }
    }
    // An allocation is inserted open, then ended: the ended ones go first and oldest first,
    // so that none runs into a later one of its bed while it is still open.
    // Everyone arrives at the usual time; a child who moved left the old bed as she took the
    // new one, and one who went home left after breakfast.
    let arrives = |on| Changeover {
        on,
        at: usual_arrival(),
    };
    let mut ended: Vec<(NaiveDate, i64, i64, Changeover)> = plan
        .people
        .iter()
        .zip(&ids)
        .filter_map(|(p, id)| {
            p.earlier.map(|(bed, until)| {
                let moved = p.bed.is_some() && p.from_on == until;
                let at = if moved {
                    usual_arrival()
                } else {
                    usual_departure()
                };
                (p.admitted_on, *id, bed, Changeover { on: until, at })
            })
        })
        .collect();
    ended.sort_by_key(|(from_on, id, _, until)| (*from_on, *id, until.on));
    for (from_on, id, bed, until) in ended {
        let allocation = insert_allocation(conn, id, bed, arrives(from_on), None).await?;
        end_allocation(conn, allocation, until).await?;
    }
    for (person, id) in plan.people.iter().zip(&ids) {
        if let Some(bed) = person.bed {
            insert_allocation(conn, *id, bed, arrives(person.from_on), None).await?;
        }
    }
    Ok(ids)
}

/// This week's absences: home stays (three back, three still away), a child in hospital and
/// two school trips.
async fn write_absences(
    conn: &mut SqliteConnection,
    rng: &mut Rng,
    plan: &Plan,
    ids: &[i64],
    today: NaiveDate,
) -> Result<usize, sqlx::Error> {
    let settled = today - days(8);
    let mut candidates: Vec<usize> = (0..plan.people.len())
        .filter(|&i| {
            let p = &plan.people[i];
            p.bed.is_some() && p.left.is_none() && p.from_on <= settled
        })
        .collect();
    rng.shuffle(&mut candidates);
    let mut pick = |programme: Programme| -> Option<i64> {
        let at = candidates
            .iter()
            .position(|&i| plan.people[i].programme == programme)?;
        Some(ids[candidates.remove(at)])
    };
    let school = Programme::BoardingSchool;
    let mut absences: Vec<(Option<i64>, AbsenceReason, &str, Away)> = Vec::new();
    for (n, note) in [
        "With the grandmother in Takeo",
        "Family wedding in Kandal",
        "Visit to the family in Prey Veng",
    ]
    .into_iter()
    .enumerate()
    {
        let left = today - days(5 + n as i64);
        let back = left + days(2);
        absences.push((
            pick(school),
            AbsenceReason::HomeStay,
            note,
            Away {
                starts_at: at(left, 16, 0),
                ends_at: Some(at(back, 17, 0)),
                returned_at: Some(at(back, 16, 10 + 15 * n as u32)),
            },
        ));
    }
    for (n, note) in [
        "Weekend with the mother in Kampong Cham",
        "Home for a cousin's wedding",
        "Home for the grandfather's funeral",
    ]
    .into_iter()
    .enumerate()
    {
        let left = today - days(1 + n as i64);
        absences.push((
            pick(if n == 2 { Programme::Residence } else { school }),
            AbsenceReason::HomeStay,
            note,
            Away {
                starts_at: at(left, 15, 30),
                ends_at: Some(at(today + days(1 + n as i64), 17, 0)),
                returned_at: None,
            },
        ));
    }
    absences.push((
        pick(school),
        AbsenceReason::Hospital,
        "Dengue fever: Kantha Bopha hospital",
        Away {
            starts_at: at(today - days(3), 10, 30),
            ends_at: None,
            returned_at: None,
        },
    ));
    absences.push((
        pick(school),
        AbsenceReason::SchoolTrip,
        "Class trip to Kep",
        Away {
            starts_at: at(today - days(6), 6, 30),
            ends_at: Some(at(today - days(5), 19, 0)),
            returned_at: Some(at(today - days(5), 18, 40)),
        },
    ));
    absences.push((
        pick(Programme::Residence),
        AbsenceReason::SchoolTrip,
        "Faculty field trip to Siem Reap",
        Away {
            starts_at: at(today - days(1), 7, 0),
            ends_at: Some(at(today + days(2), 18, 0)),
            returned_at: None,
        },
    ));
    let mut written = 0;
    for (resident, reason, note, away) in absences {
        if let Some(resident) = resident {
            insert_absence(conn, resident, reason, note, away).await?;
            written += 1;
        }
    }
    Ok(written)
}

/// The rolls of the four weeks before tonight, each closed; two residents were missing once
/// and soon found.
async fn write_roll_history(
    conn: &mut SqliteConnection,
    rng: &mut Rng,
    today: NaiveDate,
    staff: i64,
) -> Result<usize, sqlx::Error> {
    let buildings = sqlx::query_scalar!(r#"SELECT id AS "id!: i64" FROM building ORDER BY code"#)
        .fetch_all(&mut *conn)
        .await?;
    // (building position, nights ago, how the alert ended).
    let incidents = [(1, 17, Resolution::Found), (3, 9, Resolution::Returned)];
    let mut rolls = 0;
    for (b, building) in buildings.iter().enumerate() {
        for ago in (1..=28).rev() {
            let night = today - days(ago);
            let called = instant(night, roll_time());
            let (roll, _) = open_roll_call(conn, *building, night, called - 5 * 60).await?;
            let rows = roll_rows(conn, *building, night, called, called).await?;
            // The month before: residents only, no bed is lent yet.
            let mut here: Vec<i64> = rows
                .iter()
                .filter(|row| row.away.is_none())
                .filter_map(|row| match row.who {
                    Sleeper::Resident(id) => Some(id),
                    Sleeper::Camper(_) => None,
                })
                .collect();
            let mut incident = None;
            let tonight = incidents
                .iter()
                .find(|(ib, iago, _)| *ib == b && *iago == ago);
            if let Some((_, _, resolution)) = tonight
                && !here.is_empty()
            {
                incident = Some((here.remove(rng.below(here.len())), *resolution));
            }
            let list = format!(
                "[{}]",
                here.iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            );
            sqlx::query!(
                "INSERT INTO roll_mark (roll_call_id, resident_id, status, marked_at, marked_by)
                 SELECT ?1, j.value, 'present', ?2 + j.key * 7, ?3 FROM json_each(?4) AS j",
                roll,
                called,
                staff,
                list
            )
            .execute(&mut *conn)
            .await?;
            if let Some((resident, resolution)) = incident {
                let who = Sleeper::Resident(resident);
                set_mark(conn, roll, who, Mark::Missing, (staff, called + 10 * 60)).await?;
                let later = match resolution {
                    Resolution::Found => 40 * 60,
                    _ => 95 * 60,
                };
                resolve_alerts(conn, who, resolution, (staff, called + later)).await?;
            }
            let closed = called + 25 * 60 + rng.between(0, 10) * 60;
            close_roll_call(conn, roll, staff, closed).await?;
            rolls += 1;
        }
    }
    Ok(rolls)
}

/// Seeds the demo residents on `today`: about 160 boarding-school children and 250 students
/// in beds (a few beds free, a few out of service), sibling groups, five children waiting for
/// a bed, four who left, this week's absences and, when a house staff member is given to
/// sign them, four weeks of closed roll calls. One transaction; nothing is done if any
/// building or resident exists already.
pub async fn seed(
    pool: &SqlitePool,
    today: NaiveDate,
    house_staff_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let existing = sqlx::query_scalar!(
        r#"SELECT (SELECT count(*) FROM building) + (SELECT count(*) FROM resident) AS "n!: i64""#
    )
    .fetch_one(&mut *tx)
    .await?;
    if existing > 0 {
        return Ok(());
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let rooms = build_housing(&mut tx, &mut rng).await?;
    let plan = plan_people(&mut rng, rooms, today);
    let ids = write_people(&mut tx, &plan).await?;
    let absences = write_absences(&mut tx, &mut rng, &plan, &ids, today).await?;
    let rolls = match house_staff_id {
        Some(staff) => write_roll_history(&mut tx, &mut rng, today, staff).await?,
        None => 0,
    };
    super::seeded(
        tx,
        "resident",
        serde_json::json!({
            "residents": ids.len(),
            "sibling_groups": plan.groups,
            "absences": absences,
            "roll_calls": rolls,
        }),
    )
    .await
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;

    use super::*;
    use crate::housing::repo::free_beds;
    use crate::presence::repo::open_alerts;
    use crate::residents::repo::waiting_list;

    use crate::demo::calendar::sample_today as today;

    async fn seeded(pool: &SqlitePool, today: NaiveDate) -> sqlx::Result<i64> {
        let mut conn = pool.acquire().await?;
        crate::demo::centre::seed_demo(&mut conn).await?;
        let staff = sqlx::query_scalar!(
            r#"INSERT INTO staff_user (login, display_name, password_hash)
               VALUES ('house', 'Sok Dara', '$argon2id$test') RETURNING id AS "id!: i64""#
        )
        .fetch_one(&mut *conn)
        .await?;
        drop(conn);
        seed(pool, today, Some(staff)).await?;
        seed(pool, today, Some(staff)).await?;
        Ok(staff)
    }

    #[test]
    fn every_name_is_written_in_both_scripts_once() {
        let khmer = |text: &str| text.chars().all(|c| ('\u{1780}'..='\u{17FF}').contains(&c));
        let latin = |text: &str| text.chars().all(|c| c.is_ascii_alphabetic());
        for list in [&FAMILIES[..], &GIRLS[..], &BOYS[..]] {
            let mut seen = HashSet::new();
            for (km, la) in list {
                assert!(khmer(km) && latin(la), "{km} / {la}");
                assert!(seen.insert(*la), "{la} twice");
            }
        }
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn seeding_twice_houses_more_girls_than_boys_once_and_keeps_a_waiting_list(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        seeded(&pool, today()).await?;
        let mut conn = pool.acquire().await?;
        let counts = sqlx::query!(
            r#"SELECT programme, sex, count(*) AS "n!: i64" FROM resident
               WHERE left_on IS NULL GROUP BY programme, sex"#
        )
        .fetch_all(&mut *conn)
        .await?;
        let count = |programme: &str, sex: &str| {
            counts
                .iter()
                .find(|c| c.programme == programme && c.sex == sex)
                .map_or(0, |c| c.n)
        };
        let (girls, boys) = (count("boarding_school", "f"), count("boarding_school", "m"));
        let students = count("residence", "f") + count("residence", "m");
        assert!((150..=170).contains(&(girls + boys)), "{girls} + {boys}");
        assert!(girls > boys, "{girls} girls, {boys} boys");
        assert!((230..=260).contains(&students), "{students}");

        let left = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM resident r JOIN allocation a ON a.resident_id = r.id
               WHERE r.left_on IS NOT NULL AND a.until_on = r.left_on"#
        )
        .fetch_one(&mut *conn)
        .await?;
        assert!((3..=4).contains(&left), "{left} left");

        let waiting = waiting_list(&mut conn, today()).await?;
        assert!(
            (3..=8).contains(&waiting.len()),
            "{} waiting",
            waiting.len()
        );
        assert!(
            waiting
                .iter()
                .all(|w| w.programme == Programme::BoardingSchool)
        );

        let free = free_beds(&mut conn, today()).await?;
        for programme in Programme::ALL {
            assert!(free.iter().any(|bed| bed.programme == Some(programme)));
        }
        let out =
            sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM bed WHERE in_service = 0"#)
                .fetch_one(&mut *conn)
                .await?;
        assert!((2..=3).contains(&out));

        let placed = sqlx::query!(
            r#"SELECT r.sex, ro.sex AS room_sex, r.born_on AS "born_on: NaiveDate",
                      ro.min_age AS "min_age!: i32", ro.max_age AS "max_age!: i32"
               FROM allocation a JOIN resident r ON r.id = a.resident_id
               JOIN bed b ON b.id = a.bed_id JOIN room ro ON ro.id = b.room_id
               WHERE a.until_on IS NULL"#
        )
        .fetch_all(&mut *conn)
        .await?;
        assert_eq!(
            placed.len() as i64 + waiting.len() as i64,
            girls + boys + students
        );
        for p in &placed {
            assert_eq!(p.sex, p.room_sex);
            let age = age_on(p.born_on, today());
            assert!(
                (p.min_age..=p.max_age).contains(&age),
                "{age} in {}-{}",
                p.min_age,
                p.max_age
            );
        }

        let groups = sqlx::query!(
            r#"SELECT count(*) AS "n!: i64", count(DISTINCT substr(name_latin, 1, instr(name_latin, ' ')))
                      AS "families!: i64"
               FROM resident WHERE sibling_group_id IS NOT NULL GROUP BY sibling_group_id"#
        )
        .fetch_all(&mut *conn)
        .await?;
        assert!((15..=25).contains(&groups.len()), "{} groups", groups.len());
        assert!(
            groups
                .iter()
                .all(|g| (2..=3).contains(&g.n) && g.families == 1)
        );
        Ok(())
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn the_demo_week_has_home_stays_a_hospital_stay_and_four_weeks_of_closed_rolls(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        seeded(&pool, today()).await?;
        let mut conn = pool.acquire().await?;
        let week = instant(today() - days(7), NaiveTime::MIN);
        let reasons = sqlx::query!(
            r#"SELECT reason, count(*) AS "n!: i64" FROM absence
               WHERE coalesce(returned_at, ends_at, ?1) >= ?1 GROUP BY reason"#,
            week
        )
        .fetch_all(&mut *conn)
        .await?;
        let count = |reason: &str| {
            reasons
                .iter()
                .find(|r| r.reason == reason)
                .map_or(0, |r| r.n)
        };
        assert_eq!(count("hospital"), 1);
        assert!((5..=7).contains(&count("home_stay")));
        assert!((1..=2).contains(&count("school_trip")));

        let rolls = sqlx::query!(
            r#"SELECT building_id AS "building_id!: i64", count(*) AS "n!: i64",
                      count(closed_at) AS "closed!: i64", max(night) AS "last!: NaiveDate"
               FROM roll_call GROUP BY building_id"#
        )
        .fetch_all(&mut *conn)
        .await?;
        assert_eq!(rolls.len(), 4);
        for roll in &rolls {
            assert_eq!((roll.n, roll.closed), (28, 28));
            assert_eq!(roll.last, today() - days(1));
        }
        let marks = sqlx::query!(
            r#"SELECT count(*) FILTER (WHERE status = 'present') AS "present!: i64",
                      count(*) FILTER (WHERE status = 'missing') AS "missing!: i64"
               FROM roll_mark"#
        )
        .fetch_one(&mut *conn)
        .await?;
        assert!(marks.present > 9000, "{} present", marks.present);
        assert!((1..=3).contains(&marks.missing));
        assert!(open_alerts(&mut conn).await?.is_empty());
        Ok(())
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn seeding_works_on_a_leap_day_and_without_house_staff_skips_the_rolls(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let mut conn = pool.acquire().await?;
        crate::demo::centre::seed_demo(&mut conn).await?;
        drop(conn);
        let leap_day = NaiveDate::from_ymd_opt(2028, 2, 29).expect("a date");
        seed(&pool, leap_day, None).await?;
        let mut conn = pool.acquire().await?;
        let residents = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM resident"#)
            .fetch_one(&mut *conn)
            .await?;
        let rolls = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM roll_call"#)
            .fetch_one(&mut *conn)
            .await?;
        assert!(residents > 400);
        assert_eq!(rolls, 0);
        Ok(())
    }
}
