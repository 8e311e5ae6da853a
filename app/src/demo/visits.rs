//! Demo family visits: about 140 family accounts with 300 contacts, linked to the children and
//! students in a bed (siblings share a family); the social team's decisions, a few contacts
//! barred and some supervised; today's visit day with its first visitors through the gate;
//! next month's day open for booking, with one booking waiting for approval and one flagged
//! for review; Khmer New Year blocked; home stays. Deterministic, and seeding twice adds
//! nothing.

use std::collections::{BTreeSet, HashMap, HashSet};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde_json::json;
use sqlx::{SqliteConnection, SqlitePool};

use crate::base::access::Actor;
use crate::base::access::Writer;
use crate::base::audit::{Change, record};
use crate::base::db::begin_write;
use crate::base::error::AppError;
use crate::base::i18n::Key;
use crate::canteen::model::{ExtraKind, NewExtra};
use crate::demo::Rng;
use crate::demo::calendar::{days, hm, next_weekday};
use crate::demo::names::{MEN, SURNAME_COUNT, WOMEN, surname};
use crate::presence::model::{instant, local};
use crate::residents::model::{Diet, Programme};
use crate::visits::gate::record::{NewStay, approve_stay, check_in, check_out};
use crate::visits::model::NewBooking;
use crate::visits::model::{
    BookingRequest, ContactInput, DayInput, Level, PermissionInput, Relationship,
};
use crate::visits::model::{Status, month_of};
use crate::visits::record::{Booked, block_date, book, booking_error, save_day, save_slot};
use crate::visits::record::{set_family_approval, set_permission};
use crate::visits::repo;

/// Family accounts in all, the demo sign-ins included.
const FAMILY_ACCOUNTS: usize = 140;
/// Of the school's children (a sibling group counting once), the share with a family account
/// in percent: the others have no one who may or wants to visit.
const SCHOOL_WITH_FAMILY: usize = 88;
/// Bookings on today's visit day, of which this many already came through the gate.
const TODAY_BOOKINGS: usize = 20;
const CHECKED_IN: usize = 5;
/// Bookings on next month's visit day, the demo family's one included.
const NEXT_BOOKINGS: usize = 25;

/// The visit days' slots: start and end (hour, minute).
const SLOTS: [((u32, u32), (u32, u32)); 3] =
    [((8, 0), (9, 30)), ((9, 30), (11, 0)), ((14, 0), (15, 30))];

/// Where the families live, which tells apart families of the same name.
const PROVINCES: [(&str, &str); 12] = [
    ("តាកែវ", "Takeo"),
    ("កណ្ដាល", "Kandal"),
    ("ព្រៃវែង", "Prey Veng"),
    ("កំពង់ចាម", "Kampong Cham"),
    ("ស្វាយរៀង", "Svay Rieng"),
    ("ភ្នំពេញ", "Phnom Penh"),
    ("កំពត", "Kampot"),
    ("បាត់ដំបង", "Battambang"),
    ("សៀមរាប", "Siem Reap"),
    ("កំពង់ស្ពឺ", "Kampong Speu"),
    ("កំពង់ឆ្នាំង", "Kampong Chhnang"),
    ("ពោធិ៍សាត់", "Pursat"),
];

/// Mobile prefixes of nine-digit and ten-digit numbers. `010` is kept for the demo family
/// accounts, so that none can be a number of `demo/accounts.json`.
const SHORT_PREFIXES: [&str; 15] = [
    "011", "012", "015", "016", "017", "061", "069", "070", "077", "078", "085", "089", "092",
    "093", "095",
];
const LONG_PREFIXES: [&str; 4] = ["097", "088", "096", "071"];

/// Who holds a family's account (its phone), with weights.
const HOLDERS: [(Relationship, usize); 7] = [
    (Relationship::Mother, 50),
    (Relationship::Grandmother, 18),
    (Relationship::Father, 14),
    (Relationship::Aunt, 8),
    (Relationship::Guardian, 4),
    (Relationship::Grandfather, 4),
    (Relationship::Uncle, 2),
];

/// The family's other contacts, with weights.
const OTHERS: [(Relationship, usize); 8] = [
    (Relationship::Father, 25),
    (Relationship::Mother, 15),
    (Relationship::Grandmother, 15),
    (Relationship::Grandfather, 10),
    (Relationship::Aunt, 12),
    (Relationship::Uncle, 12),
    (Relationship::Sibling, 8),
    (Relationship::Other, 3),
];

/// How many contacts a family has, with weights: about 2.1 on average.
const CONTACTS: [(usize, usize); 4] = [(1, 28), (2, 42), (3, 22), (4, 8)];

const ALLOWED: [&str; 3] = [
    "Assessment by the social team",
    "Home visit by the social team: no concerns",
    "Parent assessed at admission",
];
const SUPERVISED: [&str; 3] = [
    "Visits with staff present after incident",
    "Supervised visits until the next assessment",
    "Alcohol problems: visits with staff present",
];
const BARRED: [&str; 3] = [
    "Court order: no contact",
    "Child protection concern: no contact",
    "Police investigation: no contact until further notice",
];

const TODAY_NOTE: &str = "សូមយកអត្តសញ្ញាណប័ណ្ណមកជាមួយ។ Please bring an identity document.";
const NEXT_NOTE: &str = "ថ្ងៃជួបជុំគ្រួសារ។ សូមយកអត្តសញ្ញាណប័ណ្ណមកជាមួយ។ Family day: please bring \
                         an identity document; lunch at 11:30 for those who booked it.";
const NEW_YEAR: &str = "ចូលឆ្នាំខ្មែរ Khmer New Year";
const NEXT_WEEK_STAY: &str = "Weekend at home for the grandmother's seventieth birthday";

/// Next month's visit day: its second Sunday.
pub(super) fn next_visit_day(today: NaiveDate) -> NaiveDate {
    let first = today
        .with_day(1)
        .and_then(|day| day.checked_add_months(Months::new(1)))
        .unwrap_or(today + days(31));
    next_weekday(first, Weekday::Sun) + days(7)
}

/// The first Khmer New Year (14 to 16 April) after `after`.
fn new_year_after(after: NaiveDate) -> [NaiveDate; 3] {
    let year = if (after.month(), after.day()) < (4, 14) {
        after.year()
    } else {
        after.year() + 1
    };
    let first = NaiveDate::from_ymd_opt(year, 4, 14).unwrap_or(after + days(120));
    [first, first + days(1), first + days(2)]
}

/// A child or student in a bed.
#[derive(Clone, Debug)]
struct Child {
    id: i64,
    /// Their surname, Khmer and Latin: the family's.
    surname: (String, String),
    school: bool,
    group: Option<i64>,
}

/// A home stay the residents' demo recorded as an absence, to be given its stay.
#[derive(Clone, Debug)]
struct StayAbsence {
    id: i64,
    resident_id: i64,
    note: String,
    starts_at: i64,
    ends_at: i64,
    returned_at: Option<i64>,
}

/// A family account of `demo/accounts.json`, created before this seed.
#[derive(Clone, Debug)]
struct SignIn {
    id: i64,
    name: String,
    phone: String,
}

/// A decision of the social team about a contact and a child (by position in the family).
#[derive(Clone, Copy, Debug)]
struct Decision {
    child: usize,
    level: Level,
    reason: &'static str,
    on: NaiveDate,
}

/// A contact as planned.
#[derive(Clone, Debug)]
struct ContactPlan {
    input: ContactInput,
    /// The current decision for each child of the family, in the family's order.
    levels: Vec<Level>,
    /// Every decision, oldest first.
    decisions: Vec<Decision>,
    id: i64,
}

/// A family as planned. Its first contact holds the account's phone.
#[derive(Clone, Debug)]
struct FamilyPlan {
    name: String,
    phone: String,
    children: Vec<i64>,
    contacts: Vec<ContactPlan>,
    /// Its position in `demo/accounts.json`, for a demo sign-in.
    sign_in: Option<usize>,
    /// A child of the family is on a home stay with the phone holder.
    stays_home: bool,
    /// When the social team decided about its contacts.
    decided: NaiveDate,
    id: i64,
}

impl FamilyPlan {
    fn level(&self, contact: usize, child: usize) -> Level {
        self.contacts
            .get(contact)
            .and_then(|c| c.levels.get(child))
            .copied()
            .unwrap_or(Level::Barred)
    }

    /// The children its account sees: someone may visit them and no holder of the account's
    /// phone is barred (see `model::visible_children`).
    fn visible(&self) -> Vec<usize> {
        (0..self.children.len())
            .filter(|&child| {
                let holder_barred = (0..self.contacts.len()).any(|k| {
                    self.contacts[k].input.phone.as_deref() == Some(self.phone.as_str())
                        && self.level(k, child) == Level::Barred
                });
                let someone = (0..self.contacts.len()).any(|k| self.level(k, child).may_visit());
                someone && !holder_barred
            })
            .collect()
    }

    /// A visit led by contact `lead`: the visible children they may visit (but those in
    /// `skip`), and whether staff must be there.
    fn visit(&self, lead: usize, skip: &HashSet<i64>) -> Option<(Vec<i64>, bool)> {
        let children: Vec<usize> = self
            .visible()
            .into_iter()
            .filter(|&c| self.level(lead, c).may_visit() && !skip.contains(&self.children[c]))
            .collect();
        if children.is_empty() {
            return None;
        }
        let supervised = children
            .iter()
            .any(|&c| self.level(lead, c) == Level::Supervised);
        Some((
            children.iter().map(|&c| self.children[c]).collect(),
            supervised,
        ))
    }

    /// The visit as the family usually books it: led by the first contact who may come.
    fn usual_visit(&self, skip: &HashSet<i64>) -> Option<(usize, Vec<i64>, bool)> {
        (0..self.contacts.len()).find_map(|k| self.visit(k, skip).map(|(c, s)| (k, c, s)))
    }

    fn contact_id(&self, contact: usize) -> i64 {
        self.contacts.get(contact).map_or(0, |c| c.id)
    }

    fn writer(&self) -> Writer {
        Writer {
            actor: Actor::Family {
                id: self.id,
                phone: self.phone.clone(),
            },
            staff_id: None,
        }
    }
}

/// Numbers not given yet.
struct Phones(HashSet<String>);

impl Phones {
    /// A demo family account's number: 010 and six digits.
    fn account(&mut self, rng: &mut Rng) -> String {
        loop {
            let phone = format!("010{}", rng.between(200_000, 999_999));
            if self.0.insert(phone.clone()) {
                return phone;
            }
        }
    }

    /// A personal mobile number, of nine or ten digits.
    fn personal(&mut self, rng: &mut Rng) -> String {
        loop {
            let phone = if rng.chance(20) {
                let prefix = LONG_PREFIXES[rng.below(LONG_PREFIXES.len())];
                format!("{prefix}{}", rng.between(2_000_000, 9_999_999))
            } else {
                let prefix = SHORT_PREFIXES[rng.below(SHORT_PREFIXES.len())];
                format!("{prefix}{}", rng.between(200_000, 999_999))
            };
            if self.0.insert(phone.clone()) {
                return phone;
            }
        }
    }
}

/// Whether a contact of `relationship` is a woman (`None`: either).
fn is_woman(relationship: Relationship) -> Option<bool> {
    match relationship {
        Relationship::Mother | Relationship::Grandmother | Relationship::Aunt => Some(true),
        Relationship::Father | Relationship::Grandfather | Relationship::Uncle => Some(false),
        Relationship::Sibling | Relationship::Guardian | Relationship::Other => None,
    }
}

/// Whether a contact of `relationship` carries the children's surname: the father's side.
fn shares_surname(rng: &mut Rng, relationship: Relationship) -> bool {
    match relationship {
        Relationship::Father | Relationship::Grandfather | Relationship::Sibling => true,
        Relationship::Uncle => rng.chance(50),
        Relationship::Aunt => rng.chance(40),
        Relationship::Mother
        | Relationship::Grandmother
        | Relationship::Guardian
        | Relationship::Other => false,
    }
}

/// Contacts' names: Khmer and Latin, each Latin name given once.
struct Names(HashSet<String>);

impl Names {
    fn person(
        &mut self,
        rng: &mut Rng,
        surname: Option<(&str, &str)>,
        woman: bool,
    ) -> (String, String) {
        let given: &[(&str, &str)] = if woman { &WOMEN } else { &MEN };
        let mut name = (String::new(), String::new());
        for _ in 0..4 {
            let (family_km, family_latin) =
                surname.unwrap_or_else(|| self::surname(rng.below(SURNAME_COUNT)));
            let start = rng.below(given.len());
            for n in 0..given.len() {
                let (km, latin) = given[(start + n) % given.len()];
                name = (
                    format!("{family_km} {km}"),
                    format!("{family_latin} {latin}"),
                );
                if self.0.insert(name.1.clone()) {
                    return name;
                }
            }
        }
        name
    }
}

/// A contact: their name, phone and document as a family gives them to the social team.
fn contact(
    rng: &mut Rng,
    (names, phones): (&mut Names, &mut Phones),
    relationship: Relationship,
    surname: &(String, String),
    phone: Option<String>,
) -> ContactInput {
    let woman = is_woman(relationship).unwrap_or_else(|| rng.chance(60));
    let theirs =
        shares_surname(rng, relationship).then_some((surname.0.as_str(), surname.1.as_str()));
    let (name_km, name_latin) = names.person(rng, theirs, woman);
    let holder = phone.is_some();
    let phone = match phone {
        Some(phone) => Some(phone),
        None if rng.chance(85) => Some(phones.personal(rng)),
        None => None,
    };
    let id_document = rng
        .chance(if holder { 60 } else { 45 })
        .then(|| format!("KH-{:010}", rng.between(10_000_000, 2_999_999_999)));
    ContactInput {
        name_km,
        name_latin,
        relationship,
        phone,
        id_document,
    }
}

/// The decisions giving a contact `levels` (one per child), decided on `decided`: a
/// supervised contact was allowed at first, and restricted after an incident.
fn decisions(rng: &mut Rng, levels: &[Level], decided: NaiveDate) -> Vec<Decision> {
    let mut out = Vec::new();
    for (child, level) in levels.iter().copied().enumerate() {
        let reasons = match level {
            Level::Allowed => &ALLOWED,
            Level::Supervised => &SUPERVISED,
            Level::Barred => &BARRED,
        };
        if level == Level::Supervised {
            out.push(Decision {
                child,
                level: Level::Allowed,
                reason: ALLOWED[0],
                on: decided - days(rng.between(60, 150)),
            });
        }
        out.push(Decision {
            child,
            level,
            reason: reasons[rng.below(reasons.len())],
            on: decided,
        });
    }
    out
}

/// Shares of the pairs of a contact and a child of their family, in thousandths.
const BARRED_SHARE: usize = 50;
/// (The review of next month's booking adds one.)
const SUPERVISED_SHARE: usize = 75;

/// How many pairs of a contact and a child are at `level`.
fn count(plans: &[FamilyPlan], level: Level) -> usize {
    plans
        .iter()
        .flat_map(|p| &p.contacts)
        .flat_map(|c| &c.levels)
        .filter(|l| **l == level)
        .count()
}

/// Puts the contacts of `from` (family, contact) at `level` in turn, until `share`
/// thousandths of the `pairs` are; now and then for one child of several only. Returns the
/// contacts left as they were.
fn restrict(
    rng: &mut Rng,
    plans: &mut [FamilyPlan],
    from: Vec<(usize, usize)>,
    (level, share, pairs): (Level, usize, usize),
) -> Vec<(usize, usize)> {
    let mut left = Vec::new();
    for (i, k) in from {
        let reached = count(plans, level) * 1000 >= pairs * share;
        match plans.get_mut(i).and_then(|p| p.contacts.get_mut(k)) {
            Some(contact) if !reached => {
                let only_one = contact.levels.len() > 1 && rng.chance(20);
                let one = rng.below(contact.levels.len());
                for (c, current) in contact.levels.iter_mut().enumerate() {
                    if !only_one || c == one {
                        *current = level;
                    }
                }
            }
            _ => left.push((i, k)),
        }
    }
    left
}

/// The social team's decisions for the families other than the demo sign-ins (whose are
/// written out), everyone allowed at first: contacts other than the phone holder barred until
/// [`BARRED_SHARE`] of the pairs are, then contacts supervised, a holder for every three
/// others (never one whose child goes home), until [`SUPERVISED_SHARE`] are.
fn settle(rng: &mut Rng, plans: &mut [FamilyPlan]) {
    let pairs: usize = plans
        .iter()
        .map(|p| p.contacts.len() * p.children.len())
        .sum();
    let mut candidates: Vec<(usize, usize)> = plans
        .iter()
        .enumerate()
        .filter(|(_, p)| p.sign_in.is_none())
        .flat_map(|(i, p)| (0..p.contacts.len()).map(move |k| (i, k)))
        .collect();
    rng.shuffle(&mut candidates);
    let (holders, others): (Vec<_>, Vec<_>) = candidates.into_iter().partition(|(_, k)| *k == 0);
    let others = restrict(rng, plans, others, (Level::Barred, BARRED_SHARE, pairs));
    let mut holders = holders
        .into_iter()
        .filter(|(i, _)| plans.get(*i).is_some_and(|p| !p.stays_home));
    let mut from = Vec::new();
    for (n, other) in others.into_iter().enumerate() {
        if n % 3 == 2 {
            from.extend(holders.next());
        }
        from.push(other);
    }
    restrict(
        rng,
        plans,
        from,
        (Level::Supervised, SUPERVISED_SHARE, pairs),
    );
    for plan in plans.iter_mut().filter(|p| p.sign_in.is_none()) {
        let decided = plan.decided;
        for contact in &mut plan.contacts {
            contact.decisions = decisions(rng, &contact.levels, decided);
        }
    }
}

/// What the plans are drawn from.
struct Sources<'a> {
    children: &'a [Child],
    sign_ins: &'a [SignIn],
    stays: &'a [StayAbsence],
    today: NaiveDate,
}

/// Children grouped as families take them: a sibling group together, anyone else alone.
fn units(children: &[Child]) -> Vec<Vec<usize>> {
    let mut units: Vec<Vec<usize>> = Vec::new();
    let mut by_group: HashMap<i64, usize> = HashMap::new();
    for (i, child) in children.iter().enumerate() {
        match child.group.map(|g| (g, by_group.get(&g).copied())) {
            Some((_, Some(unit))) => units[unit].push(i),
            Some((group, None)) => {
                by_group.insert(group, units.len());
                units.push(vec![i]);
            }
            None => units.push(vec![i]),
        }
    }
    units
}

/// The three demo sign-ins' families: `0` a mother with two children, their grandmother and
/// an uncle barred from one of them; `1` a father and a grandmother; `2` a grandmother who
/// brings up her grandchild, and an aunt. The phone holder is allowed for every child.
fn sign_in_family(
    rng: &mut Rng,
    (names, phones): (&mut Names, &mut Phones),
    (position, sign_in): (usize, &SignIn),
    children: Vec<&Child>,
    today: NaiveDate,
) -> FamilyPlan {
    let surname = children
        .first()
        .map(|c| c.surname.clone())
        .unwrap_or_default();
    let roles: &[Relationship] = match position {
        0 => &[
            Relationship::Mother,
            Relationship::Grandmother,
            Relationship::Uncle,
        ],
        1 => &[Relationship::Father, Relationship::Grandmother],
        _ => &[Relationship::Grandmother, Relationship::Aunt],
    };
    let decided = today - days(90 + 15 * position as i64);
    let mut contacts = Vec::new();
    for (k, relationship) in roles.iter().copied().enumerate() {
        let phone = (k == 0).then(|| sign_in.phone.clone());
        let mut input = contact(rng, (names, phones), relationship, &surname, phone);
        if k == 0 {
            input.id_document = Some(format!("KH-{:010}", 110_452_387 + position as i64));
        }
        // The uncle is barred from the last of the two children.
        let barred = position == 0 && relationship == Relationship::Uncle;
        let levels: Vec<Level> = (0..children.len())
            .map(|c| {
                if barred && c + 1 == children.len() {
                    Level::Barred
                } else {
                    Level::Allowed
                }
            })
            .collect();
        let decisions = levels
            .iter()
            .enumerate()
            .map(|(child, level)| Decision {
                child,
                level: *level,
                reason: if *level == Level::Barred {
                    BARRED[0]
                } else {
                    ALLOWED[0]
                },
                on: decided,
            })
            .collect();
        contacts.push(ContactPlan {
            input,
            levels,
            decisions,
            id: 0,
        });
    }
    FamilyPlan {
        name: sign_in.name.clone(),
        phone: sign_in.phone.clone(),
        children: children.iter().map(|c| c.id).collect(),
        contacts,
        sign_in: Some(position),
        stays_home: false,
        decided,
        id: sign_in.id,
    }
}

/// Another family: its holder (the mother or grandmother named in a home stay's note, else
/// drawn), up to three more contacts, all allowed until [`settle`], and a name telling its
/// province.
fn other_family(
    rng: &mut Rng,
    (names, phones): (&mut Names, &mut Phones),
    children: Vec<&Child>,
    stay: Option<&StayAbsence>,
    (today, family_names): (NaiveDate, &mut HashSet<String>),
) -> FamilyPlan {
    let surname = children
        .first()
        .map(|c| c.surname.clone())
        .unwrap_or_default();
    let note = stay.map(|s| s.note.to_lowercase()).unwrap_or_default();
    let holder = if note.contains("with the grandmother") {
        Relationship::Grandmother
    } else if stay.is_some() {
        Relationship::Mother
    } else {
        rng.weighted(&HOLDERS).unwrap_or(Relationship::Mother)
    };
    let home = PROVINCES
        .iter()
        .position(|(_, latin)| stay.is_some_and(|s| s.note.contains(latin)))
        .unwrap_or_else(|| rng.below(PROVINCES.len()));
    let mut name = String::new();
    for n in 0..PROVINCES.len() {
        let (km, latin) = PROVINCES[(home + n) % PROVINCES.len()];
        name = format!("គ្រួសារ {} {} family, {km} {latin}", surname.0, surname.1);
        if family_names.insert(name.clone()) {
            break;
        }
    }
    let phone = phones.account(rng);
    let count = rng.weighted(&CONTACTS).unwrap_or(2);
    let mut roles = vec![holder];
    while roles.len() < count {
        let mut role = rng.weighted(&OTHERS).unwrap_or(Relationship::Aunt);
        let once = |r: Relationship| matches!(r, Relationship::Mother | Relationship::Father);
        if once(role) && roles.contains(&role) {
            role = Relationship::Aunt;
        }
        roles.push(role);
    }
    let mut contacts = Vec::new();
    for (k, relationship) in roles.into_iter().enumerate() {
        let account_phone = (k == 0).then(|| phone.clone());
        contacts.push(ContactPlan {
            input: contact(rng, (names, phones), relationship, &surname, account_phone),
            levels: vec![Level::Allowed; children.len()],
            decisions: Vec::new(),
            id: 0,
        });
    }
    FamilyPlan {
        name,
        phone,
        children: children.iter().map(|c| c.id).collect(),
        contacts,
        sign_in: None,
        stays_home: stay.is_some(),
        decided: today - days(rng.between(45, 200)),
        id: 0,
    }
}

/// The families: the demo sign-ins' first (two siblings of their name for the first, if
/// there are), then the families of the children with home stays, most of the school's
/// children and some students, up to [`FAMILY_ACCOUNTS`].
fn plan_families(rng: &mut Rng, src: &Sources<'_>, phones: &mut Phones) -> Vec<FamilyPlan> {
    let children = src.children;
    let units = units(children);
    let staying: HashSet<i64> = src.stays.iter().map(|s| s.resident_id).collect();
    let has_stay = |unit: &[usize]| unit.iter().any(|&i| staying.contains(&children[i].id));
    let school = |unit: &[usize]| unit.first().is_some_and(|&i| children[i].school);
    let mut taken = vec![false; units.len()];
    let mut names = Names(HashSet::new());
    let mut family_names = HashSet::new();
    let mut plans = Vec::new();

    for (position, sign_in) in src.sign_ins.iter().enumerate() {
        let named = |unit: &[usize]| {
            unit.first().is_some_and(|&i| {
                let surname = children[i].surname.1.as_str();
                sign_in.name.split_whitespace().any(|w| w == surname)
            })
        };
        let size = |unit: &[usize]| match position {
            0 => unit.len() == 2,
            _ => (1..=3).contains(&unit.len()),
        };
        let free: Vec<usize> = (0..units.len())
            .filter(|&u| !taken[u] && !has_stay(&units[u]))
            .collect();
        let found = free
            .iter()
            .copied()
            .find(|&u| size(&units[u]) && named(&units[u]) && school(&units[u]))
            .or_else(|| {
                free.iter()
                    .copied()
                    .find(|&u| size(&units[u]) && school(&units[u]))
            })
            .or_else(|| free.first().copied());
        let Some(u) = found else {
            continue;
        };
        taken[u] = true;
        let unit: Vec<&Child> = units[u].iter().map(|&i| &children[i]).collect();
        plans.push(sign_in_family(
            rng,
            (&mut names, phones),
            (position, sign_in),
            unit,
            src.today,
        ));
    }

    let mut order: Vec<usize> = (0..units.len()).filter(|&u| !taken[u]).collect();
    rng.shuffle(&mut order);
    let with_stays = order.iter().copied().filter(|&u| has_stay(&units[u]));
    let in_school: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&u| !has_stay(&units[u]) && school(&units[u]))
        .collect();
    let some_school = in_school
        .iter()
        .copied()
        .take(in_school.len() * SCHOOL_WITH_FAMILY / 100);
    let students = order
        .iter()
        .copied()
        .filter(|&u| !has_stay(&units[u]) && !school(&units[u]));
    let chosen: Vec<usize> = with_stays
        .chain(some_school)
        .chain(students)
        .take(FAMILY_ACCOUNTS.saturating_sub(plans.len()))
        .collect();
    for u in chosen {
        let unit: Vec<&Child> = units[u].iter().map(|&i| &children[i]).collect();
        let stay = src
            .stays
            .iter()
            .find(|s| unit.iter().any(|c| c.id == s.resident_id));
        plans.push(other_family(
            rng,
            (&mut names, phones),
            unit,
            stay,
            (src.today, &mut family_names),
        ));
    }
    settle(rng, &mut plans);
    plans
}

/// Children and students in a bed now.
async fn children_in_beds(conn: &mut SqliteConnection) -> Result<Vec<Child>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.id AS "id!: i64", r.name_km, r.name_latin, r.programme, r.sibling_group_id
           FROM resident r
           WHERE r.left_on IS NULL
             AND EXISTS (SELECT 1 FROM allocation a
                         WHERE a.resident_id = r.id AND a.until_on IS NULL)
           ORDER BY r.id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let first = |name: &str| name.split_whitespace().next().unwrap_or(name).to_owned();
    Ok(rows
        .into_iter()
        .map(|r| Child {
            id: r.id,
            surname: (first(&r.name_km), first(&r.name_latin)),
            school: Programme::parse(&r.programme) == Some(Programme::BoardingSchool),
            group: r.sibling_group_id,
        })
        .collect())
}

/// Residents away at some time today (home, in hospital, on a trip).
async fn away_today(
    conn: &mut SqliteConnection,
    today: NaiveDate,
) -> Result<HashSet<i64>, sqlx::Error> {
    let (from, until) = (instant(today, hm(0, 0)), instant(today + days(1), hm(0, 0)));
    let rows = sqlx::query_scalar!(
        r#"SELECT DISTINCT resident_id AS "id!: i64" FROM absence
           WHERE starts_at < ?2 AND coalesce(returned_at, ends_at, ?2) > ?1"#,
        from,
        until
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// The home-stay absences of the last 30 days that have no stay yet, for residents in `beds`.
async fn stay_absences(
    conn: &mut SqliteConnection,
    today: NaiveDate,
    beds: &[Child],
) -> Result<Vec<StayAbsence>, sqlx::Error> {
    let since = instant(today - days(30), hm(0, 0));
    let rows = sqlx::query!(
        r#"SELECT a.id AS "id!: i64", a.resident_id, a.note, a.starts_at,
                  a.ends_at AS "ends_at!: i64", a.returned_at
           FROM absence a
           WHERE a.reason = 'home_stay' AND a.starts_at >= ? AND a.ends_at IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM home_stay h WHERE h.absence_id = a.id)
           ORDER BY a.starts_at, a.id"#,
        since
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| beds.iter().any(|c| c.id == r.resident_id))
        .map(|r| StayAbsence {
            id: r.id,
            resident_id: r.resident_id,
            note: r.note,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            returned_at: r.returned_at,
        })
        .collect())
}

/// What was written, for the audit entry.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    families: usize,
    contacts: usize,
    links: usize,
    decisions: usize,
    home_stays: usize,
    bookings_today: usize,
    checked_in: usize,
    bookings_next: usize,
    blocked: usize,
}

/// Writes the families, contacts, links and decisions, and gives the residents' home-stay
/// absences their stays (collected by the family's phone holder, handed over by
/// `handed_over_by`). Fills in the plans' ids.
async fn write_families(
    conn: &mut SqliteConnection,
    plans: &mut [FamilyPlan],
    (pin_hash, staff_id): (&str, i64),
    stays: &[StayAbsence],
    handed_over_by: i64,
    tally: &mut Tally,
) -> Result<(), sqlx::Error> {
    for plan in plans.iter_mut() {
        if plan.sign_in.is_none() {
            plan.id = sqlx::query_scalar!(
                r#"INSERT INTO family (display_name, phone, pin_hash, demo) VALUES (?, ?, ?, 1)
                   RETURNING id AS "id!: i64""#,
                plan.name,
                plan.phone,
                pin_hash
            )
            .fetch_one(&mut *conn)
            .await?;
            tally.families += 1;
        }
        for child in &plan.children {
            repo::upsert_link(conn, plan.id, *child, 1, false).await?;
            tally.links += 1;
        }
        for contact in &mut plan.contacts {
            contact.id = repo::insert_contact(conn, plan.id, &contact.input).await?;
            tally.contacts += 1;
            for decision in &contact.decisions {
                let Some(child) = plan.children.get(decision.child) else {
                    continue;
                };
                let input = PermissionInput {
                    level: decision.level,
                    reason: decision.reason.into(),
                    decided_on: decision.on,
                };
                let at = instant(decision.on, hm(10, 0));
                repo::insert_permission(conn, contact.id, *child, &input, staff_id, at).await?;
                tally.decisions += 1;
            }
        }
    }
    for stay in stays {
        let Some(plan) = plans
            .iter()
            .find(|p| p.children.contains(&stay.resident_id))
        else {
            continue;
        };
        let holder = plan.contact_id(0);
        let (from_on, until_on) = (local(stay.starts_at).date(), local(stay.ends_at).date());
        let approved_at = stay.starts_at - 3 * 86_400;
        sqlx::query!(
            "INSERT INTO home_stay (resident_id, contact_id, from_on, until_on, absence_id,
                                    approved_by, approved_at, note, handed_over_by, collected_by,
                                    left_at, returned_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            stay.resident_id,
            holder,
            from_on,
            until_on,
            stay.id,
            staff_id,
            approved_at,
            stay.note,
            handed_over_by,
            holder,
            stay.starts_at,
            stay.returned_at
        )
        .execute(&mut *conn)
        .await?;
        tally.home_stays += 1;
    }
    Ok(())
}

/// How many adults come, with weights.
const ADULTS: [(i64, usize); 4] = [(1, 25), (2, 40), (3, 25), (4, 10)];

/// A visit's adults and how many of them stay for lunch.
fn party(rng: &mut Rng) -> (i64, i64) {
    let adults = rng.weighted(&ADULTS).unwrap_or(2);
    let meal = if rng.chance(50) {
        rng.between(1, adults)
    } else {
        0
    };
    (adults, meal)
}

/// A visit day, its three slots with `places` each; returns the slots' ids.
async fn publish(
    pool: &SqlitePool,
    staff: &Writer,
    day: &DayInput,
    places: i64,
) -> Result<Vec<i64>, AppError> {
    let id = save_day(pool, staff, None, day).await?;
    let mut slots = Vec::new();
    for ((h1, m1), (h2, m2)) in SLOTS {
        slots.push(save_slot(pool, staff, id, None, (hm(h1, m1), hm(h2, m2), places)).await?);
    }
    Ok(slots)
}

/// A booking of today's visit day.
#[derive(Clone, Debug)]
struct Made {
    /// The family's plan, by position.
    plan: usize,
    /// Its lead, by position among the family's contacts.
    lead: usize,
    children: Vec<i64>,
    /// The slot, by position.
    slot: usize,
    supervised: bool,
    id: i64,
}

/// Today's bookings, made while the window was open: families other than the demo sign-ins,
/// for their children here today, one led by a contact allowed only supervised visits (in the
/// first slot). Written in one transaction with their lunch heads and audit entries.
async fn book_today(
    pool: &SqlitePool,
    rng: &mut Rng,
    plans: &[FamilyPlan],
    (slots, lunch): (&[i64], Option<i64>),
    (today, staff): (NaiveDate, &Writer),
    away: &HashSet<i64>,
) -> Result<Vec<Made>, AppError> {
    let mut order: Vec<usize> = (0..plans.len())
        .filter(|&p| plans[p].sign_in.is_none())
        .collect();
    rng.shuffle(&mut order);
    let mut made: Vec<Made> = Vec::new();
    let mut supervised_one = false;
    let mut tx = begin_write(pool).await?;
    for p in order {
        if made.len() >= TODAY_BOOKINGS {
            break;
        }
        let plan = &plans[p];
        let Some((lead, children, supervised)) = plan.usual_visit(away) else {
            continue;
        };
        if supervised && supervised_one {
            continue;
        }
        if !supervised && !supervised_one && made.len() + 1 == TODAY_BOOKINGS {
            continue;
        }
        supervised_one |= supervised;
        let n = made.len();
        let slot = if supervised { 0 } else { n % SLOTS.len() };
        let Some(&slot_id) = slots.get(slot) else {
            break;
        };
        let (adults, meal_heads) = party(rng);
        let by_staff = n % 7 == 3;
        let booked_on = today - days(13) + days((n % 12) as i64);
        let created_at = instant(booked_on, hm(8 + (n % 9) as u32, (n * 7 % 60) as u32));
        let new = NewBooking {
            slot_id,
            family_id: plan.id,
            contact_id: plan.contact_id(lead),
            adults,
            meal_heads: if lunch.is_some() { meal_heads } else { 0 },
            status: Status::Confirmed,
            supervised,
            walk_in: false,
            booked_by_staff: if by_staff { staff.staff_id } else { None },
            created_at,
            children: children.clone(),
            month: month_of(today),
        };
        let id = repo::insert_booking(&mut tx, &new)
            .await
            .map_err(booking_error)?;
        let by = if by_staff {
            staff.clone()
        } else {
            plan.writer()
        };
        if let (Some(meal), true) = (lunch, new.meal_heads > 0) {
            let extra = NewExtra {
                day: today,
                meal_service_id: meal,
                heads: new.meal_heads,
                diet: Diet::Normal,
                kind: ExtraKind::FamilyDay,
                reason: new.adults.to_string(),
                source: Some(format!("visit_booking:{id}")),
            };
            crate::canteen::record::add_extra(&mut tx, &by, &extra, created_at).await?;
        }
        let change = Change {
            entity: "visit_booking",
            entity_id: id.to_string(),
            action: "create",
            before: None,
            after: Some(json!({
                "slot_id": new.slot_id, "family_id": new.family_id,
                "contact_id": new.contact_id, "children": new.children,
                "adults": new.adults, "meal_heads": new.meal_heads,
                "status": new.status.code(), "supervised": new.supervised,
                "walk_in": false, "booked_by_staff": new.booked_by_staff,
            })),
        };
        record(&mut tx, &by.actor, change).await?;
        made.push(Made {
            plan: p,
            lead,
            children,
            slot,
            supervised,
            id,
        });
    }
    tx.commit().await?;
    Ok(made)
}

/// The first visitors of today's first slot come through the gate, the supervised visit
/// among them; the earliest has left already. Returns how many were checked in.
async fn first_visitors(
    pool: &SqlitePool,
    plans: &[FamilyPlan],
    made: &[Made],
    (today, staff): (NaiveDate, &Writer),
    rng: &mut Rng,
) -> Result<usize, AppError> {
    let mut first_slot: Vec<&Made> = made.iter().filter(|m| m.slot == 0).collect();
    // The supervised visit is among those at the gate.
    first_slot.sort_by_key(|m| !m.supervised);
    let mut done = Vec::new();
    for (n, visit) in first_slot.into_iter().take(CHECKED_IN).enumerate() {
        let Some(plan) = plans.get(visit.plan) else {
            continue;
        };
        let others = (0..plan.contacts.len()).filter(|&k| {
            k != visit.lead
                && visit.children.iter().all(|child| {
                    let c = plan.children.iter().position(|x| x == child);
                    c.is_some_and(|c| plan.level(k, c).may_visit())
                })
        });
        let mut visitors = vec![plan.contact_id(visit.lead)];
        let more = rng.below(2);
        visitors.extend(others.take(more).map(|k| plan.contact_id(k)));
        let at = instant(today, hm(7, 50)) + 7 * 60 * n as i64;
        check_in(pool, staff, visit.id, &visitors, today, at).await?;
        done.push(visit.id);
    }
    if let Some(first) = done.first() {
        check_out(pool, staff, *first, instant(today, hm(9, 25))).await?;
    }
    Ok(done.len())
}

/// Next month's bookings, through the booking rules: families other than the demo sign-ins
/// but one booking of the second, one family whose bookings now wait for approval, and one
/// booking led by a contact whose permission becomes supervised after it was made (flagged
/// for review). Returns the children booked.
async fn book_next(
    pool: &SqlitePool,
    rng: &mut Rng,
    plans: &mut [FamilyPlan],
    slots: &[i64],
    (today, staff): (NaiveDate, &Writer),
    tally: &mut Tally,
) -> Result<HashSet<i64>, AppError> {
    let none = HashSet::new();
    let mut order: Vec<usize> = (0..plans.len())
        .filter(|&p| plans[p].sign_in.is_none() && plans[p].usual_visit(&none).is_some())
        .collect();
    rng.shuffle(&mut order);
    // The flagged booking: a contact other than the holder, allowed for the children.
    let review = order.iter().copied().find_map(|p| {
        (1..plans[p].contacts.len()).find_map(|k| {
            plans[p]
                .visit(k, &none)
                .filter(|(_, supervised)| !supervised)
                .map(|_| (p, k))
        })
    });
    let pending = order
        .iter()
        .copied()
        .find(|&p| review.is_none_or(|(r, _)| r != p));
    let mut entries: Vec<(usize, Option<usize>)> = order
        .iter()
        .copied()
        .filter(|&p| review.is_none_or(|(r, _)| r != p) && Some(p) != pending)
        .take(NEXT_BOOKINGS.saturating_sub(3))
        .map(|p| (p, None))
        .collect();
    if let Some((p, k)) = review {
        entries.insert(entries.len().min(3), (p, Some(k)));
    }
    if let Some(p) = pending {
        entries.insert(entries.len().min(7), (p, None));
        set_family_approval(pool, staff, plans[p].id, true).await?;
    }
    if let Some(p) = plans.iter().position(|f| f.sign_in == Some(1)) {
        entries.insert(entries.len().min(5), (p, None));
    }

    let mut booked = HashSet::new();
    let mut review_booking = None;
    for (n, (p, lead)) in entries.into_iter().enumerate() {
        let plan = &plans[p];
        let visit = match lead {
            Some(k) => plan.visit(k, &none).map(|(c, s)| (k, c, s)),
            None => plan.usual_visit(&none),
        };
        let Some((lead, children, _)) = visit else {
            continue;
        };
        let Some(&slot_id) = slots.get(n % SLOTS.len()) else {
            continue;
        };
        let (adults, meal_heads) = party(rng);
        let request = BookingRequest {
            slot_id,
            children: children.iter().copied().collect::<BTreeSet<i64>>(),
            contact_id: plan.contact_id(lead),
            adults,
            meal_heads,
        };
        let by_staff = n % 6 == 4 && plan.sign_in.is_none();
        let family = plan.writer();
        let writer = if by_staff { staff } else { &family };
        let booked_by = Booked {
            family_id: plan.id,
            request: &request,
            moving: None,
        };
        let now = instant(today - days(1), hm(8, 0)) + 25 * 60 * n as i64;
        match book(pool, writer, &booked_by, today, now).await {
            // A child away that day (an open-ended hospital stay): the family is told so.
            Err(AppError::Conflict {
                message: Key::ProblemChildAway,
            }) => continue,
            done => done?,
        };
        tally.bookings_next += 1;
        booked.extend(children.iter().copied());
        if lead > 0 && review == Some((p, lead)) {
            review_booking = children.first().map(|child| (p, lead, *child));
        }
    }
    if let Some((p, lead, child)) = review_booking {
        let input = PermissionInput {
            level: Level::Supervised,
            reason: SUPERVISED[0].into(),
            decided_on: today - days(1),
        };
        let contact_id = plans[p].contact_id(lead);
        let now = instant(today - days(1), hm(19, 30));
        set_permission(pool, staff, contact_id, child, &input, today, now).await?;
        let position = plans[p].children.iter().position(|c| *c == child);
        if let (Some(c), Some(contact)) = (position, plans[p].contacts.get_mut(lead))
            && let Some(level) = contact.levels.get_mut(c)
        {
            *level = Level::Supervised;
        }
    }
    Ok(booked)
}

/// Next week's home stay, approved yesterday: a child of a family other than the demo
/// sign-ins, not away, not booked next month, with their family's phone holder allowed.
async fn stay_next_week(
    pool: &SqlitePool,
    plans: &[FamilyPlan],
    (today, staff): (NaiveDate, &Writer),
    busy: &HashSet<i64>,
) -> Result<bool, AppError> {
    let found = plans
        .iter()
        .filter(|p| p.sign_in.is_none())
        .find_map(|plan| {
            let child = plan.visible().into_iter().find(|&c| {
                plan.level(0, c) == Level::Allowed && !busy.contains(&plan.children[c])
            })?;
            Some((plan.children[child], plan.contact_id(0)))
        });
    let Some((resident_id, contact_id)) = found else {
        return Ok(false);
    };
    let friday = next_weekday(today + days(1), Weekday::Mon) + days(4);
    let sunday = friday + days(2);
    let stay = NewStay {
        resident_id,
        contact_id,
        from: (friday, instant(friday, hm(16, 0))),
        until: (sunday, instant(sunday, hm(17, 0))),
        note: NEXT_WEEK_STAY.into(),
    };
    approve_stay(pool, staff, &stay, instant(today - days(1), hm(14, 0))).await?;
    Ok(true)
}

/// Seeds the family visits on `today`, decided and published by the social team member
/// `social_staff_id`: the families of the children and students in a bed with their contacts
/// and permissions, the demo sign-ins' families among them (found as the demo accounts that
/// exist when it runs: run it after they are created, and after the residents' seed); today's
/// visit day and next month's with their bookings; Khmer New Year blocked; the home stays.
/// The families and their stays are one transaction, each later step another (as the app
/// writes them). Nothing is done if any family contact exists or the staff member is unknown.
pub async fn seed(
    pool: &SqlitePool,
    today: NaiveDate,
    social_staff_id: i64,
) -> Result<(), AppError> {
    let mut conn = pool.acquire().await?;
    let seeded = sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM family_contact"#)
        .fetch_one(&mut *conn)
        .await?
        > 0;
    let login = sqlx::query_scalar!("SELECT login FROM staff_user WHERE id = ?", social_staff_id)
        .fetch_optional(&mut *conn)
        .await?;
    drop(conn);
    let Some(login) = login.filter(|_| !seeded) else {
        return Ok(());
    };
    let staff = Writer {
        actor: Actor::Staff {
            id: social_staff_id,
            login,
        },
        staff_id: Some(social_staff_id),
    };
    // The other families are not demo sign-ins: one hash of a PIN nobody knows serves them
    // all, so that none can sign in.
    let pin = format!("{:06}", OsRng.next_u32() % 1_000_000);
    let pin_hash = crate::people::password::hash(pin).await.map_err(|error| {
        tracing::error!(%error, "demo families' PIN");
        AppError::Internal
    })?;

    let mut rng = Rng(0x5851_F42D_4C95_7F2D);
    let mut tally = Tally::default();
    let mut tx = begin_write(pool).await?;
    if sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM family_contact"#)
        .fetch_one(&mut *tx)
        .await?
        > 0
    {
        return Ok(());
    }
    let children = children_in_beds(&mut tx).await?;
    let away = away_today(&mut tx, today).await?;
    let stays = stay_absences(&mut tx, today, &children).await?;
    let sign_ins: Vec<SignIn> = sqlx::query!(
        r#"SELECT id AS "id!: i64", display_name, phone FROM family WHERE demo = 1
           ORDER BY id LIMIT 3"#
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| SignIn {
        id: r.id,
        name: r.display_name,
        phone: r.phone,
    })
    .collect();
    let phones = sqlx::query_scalar!("SELECT phone FROM family")
        .fetch_all(&mut *tx)
        .await?;
    let house_staff = sqlx::query_scalar!(
        r#"SELECT staff_user_id AS "id!: i64" FROM staff_role WHERE role = 'house_staff'
           ORDER BY staff_user_id LIMIT 1"#
    )
    .fetch_optional(&mut *tx)
    .await?;
    let sources = Sources {
        children: &children,
        sign_ins: &sign_ins,
        stays: &stays,
        today,
    };
    let mut plans = plan_families(
        &mut rng,
        &sources,
        &mut Phones(phones.into_iter().collect()),
    );
    write_families(
        &mut tx,
        &mut plans,
        (&pin_hash, social_staff_id),
        &stays,
        house_staff.unwrap_or(social_staff_id),
        &mut tally,
    )
    .await?;
    tx.commit().await?;

    let lunch = sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM meal_service WHERE serves_at = '11:30' OR name_en = 'Lunch'
           ORDER BY serves_at = '11:30' DESC, id LIMIT 1"#
    )
    .fetch_optional(pool)
    .await?;

    // Today's visit day: booking closed two days ago, the first visitors are in.
    let day = DayInput {
        day: today,
        opens_on: today - days(14),
        closes_on: today - days(2),
        closes_time: hm(17, 0),
        max_adults: 4,
        meal_service_id: lunch,
        note: TODAY_NOTE.into(),
    };
    let slots = publish(pool, &staff, &day, 15).await?;
    let made = book_today(
        pool,
        &mut rng,
        &plans,
        (&slots, lunch),
        (today, &staff),
        &away,
    )
    .await?;
    tally.bookings_today = made.len();
    tally.checked_in = first_visitors(pool, &plans, &made, (today, &staff), &mut rng).await?;

    // Next month's: open since yesterday, until two days before at 17:00.
    let next = next_visit_day(today);
    let day = DayInput {
        day: next,
        opens_on: today - days(1),
        closes_on: next - days(2),
        closes_time: hm(17, 0),
        max_adults: 4,
        meal_service_id: lunch,
        note: NEXT_NOTE.into(),
    };
    let slots = publish(pool, &staff, &day, 20).await?;
    let mut busy = book_next(
        pool,
        &mut rng,
        &mut plans,
        &slots,
        (today, &staff),
        &mut tally,
    )
    .await?;

    for day in new_year_after(next) {
        block_date(pool, &staff, day, NEW_YEAR).await?;
        tally.blocked += 1;
    }
    busy.extend(away.iter().copied());
    busy.extend(stays.iter().map(|s| s.resident_id));
    if stay_next_week(pool, &plans, (today, &staff), &busy).await? {
        tally.home_stays += 1;
    }

    let tx = begin_write(pool).await?;
    super::seeded(
        tx,
        "visits",
        json!({
            "families": tally.families, "contacts": tally.contacts, "children": tally.links,
            "decisions": tally.decisions, "home_stays": tally.home_stays,
            "bookings_today": tally.bookings_today, "checked_in": tally.checked_in,
            "bookings_next_month": tally.bookings_next, "blocked_dates": tally.blocked,
        }),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::session::Owner;
    use crate::demo::repository_accounts;
    use crate::people::record::create_family_account;
    use crate::people::repo::mark_demo;
    use crate::visits::model::BookingFilter;

    use crate::demo::calendar::sample_today as today;

    #[test]
    fn the_visit_days_and_the_new_year_fall_where_the_centre_puts_them() {
        let next = next_visit_day(today());
        assert_eq!(next, NaiveDate::from_ymd_opt(2026, 12, 13).expect("a date"));
        for day in [
            today(),
            NaiveDate::from_ymd_opt(2027, 12, 31).expect("a date"),
        ] {
            let next = next_visit_day(day);
            assert_eq!(next.weekday(), Weekday::Sun);
            assert!((8..=14).contains(&next.day()), "{next}");
            assert_ne!(next.month(), day.month());
        }
        let [first, _, last] = new_year_after(next);
        assert_eq!(first, NaiveDate::from_ymd_opt(2027, 4, 14).expect("a date"));
        assert_eq!(last, NaiveDate::from_ymd_opt(2027, 4, 16).expect("a date"));
        let april = NaiveDate::from_ymd_opt(2027, 4, 14).expect("a date");
        assert_eq!(new_year_after(april)[0].year(), 2028);
    }

    #[test]
    fn every_name_is_written_in_both_scripts_once() {
        let surnames: Vec<(&str, &str)> = (0..SURNAME_COUNT).map(surname).collect();
        for list in [&surnames[..], &WOMEN[..], &MEN[..], &PROVINCES[..]] {
            let latin: HashSet<&str> = list.iter().map(|(_, latin)| *latin).collect();
            let khmer: HashSet<&str> = list.iter().map(|(km, _)| *km).collect();
            assert_eq!(latin.len(), list.len());
            assert_eq!(khmer.len(), list.len());
            for (km, latin) in list {
                assert!(
                    km.chars().all(|c| ('\u{1780}'..='\u{17FF}').contains(&c)),
                    "{km}"
                );
                assert!(latin.chars().all(|c| c.is_ascii_alphabetic() || c == ' '));
            }
        }
    }

    async fn staff(pool: &SqlitePool, login: &str, role: &str) -> sqlx::Result<i64> {
        let id = sqlx::query_scalar!(
            r#"INSERT INTO staff_user (login, display_name, password_hash)
               VALUES (?, ?, '$argon2id$test') RETURNING id AS "id!: i64""#,
            login,
            login
        )
        .fetch_one(pool)
        .await?;
        sqlx::query!(
            "INSERT INTO staff_role (staff_user_id, role) VALUES (?, ?)",
            id,
            role
        )
        .execute(pool)
        .await?;
        Ok(id)
    }

    /// The centre with its residents, house staff and social team member (returned), and,
    /// when asked, the demo sign-ins' families.
    async fn centre(pool: &SqlitePool, today: NaiveDate, sign_ins: bool) -> sqlx::Result<i64> {
        let mut conn = pool.acquire().await?;
        crate::demo::centre::seed_demo(&mut conn).await?;
        drop(conn);
        let social = staff(pool, "social", "social_team").await?;
        staff(pool, "house", "house_staff").await?;
        crate::demo::residents::seed(pool, today, None).await?;
        if sign_ins {
            let by = Writer::system("test");
            for family in repository_accounts().families {
                let created =
                    create_family_account(pool, &by, &family.name, &family.phone, &family.pin)
                        .await;
                let id = created.expect("a demo family");
                let mut conn = pool.acquire().await?;
                mark_demo(&mut conn, Owner::Family(id)).await?;
            }
        }
        Ok(social)
    }

    async fn table_sizes(pool: &SqlitePool) -> sqlx::Result<Vec<i64>> {
        let r = sqlx::query!(
            r#"SELECT (SELECT count(*) FROM family) AS "families!: i64",
                      (SELECT count(*) FROM family_contact) AS "contacts!: i64",
                      (SELECT count(*) FROM family_child) AS "links!: i64",
                      (SELECT count(*) FROM visit_permission) AS "decisions!: i64",
                      (SELECT count(*) FROM visit_day) AS "days!: i64",
                      (SELECT count(*) FROM visit_slot) AS "slots!: i64",
                      (SELECT count(*) FROM visit_booking) AS "bookings!: i64",
                      (SELECT count(*) FROM visit_visitor) AS "visitors!: i64",
                      (SELECT count(*) FROM visit_blocked_date) AS "blocked!: i64",
                      (SELECT count(*) FROM home_stay) AS "stays!: i64",
                      (SELECT count(*) FROM absence) AS "absences!: i64",
                      (SELECT count(*) FROM extra_heads) AS "extras!: i64",
                      (SELECT count(*) FROM audit_log) AS "audit!: i64""#
        )
        .fetch_one(pool)
        .await?;
        Ok(vec![
            r.families,
            r.contacts,
            r.links,
            r.decisions,
            r.days,
            r.slots,
            r.bookings,
            r.visitors,
            r.blocked,
            r.stays,
            r.absences,
            r.extras,
            r.audit,
        ])
    }

    /// Broken rules, each counted: a slot over its places, a child twice in a month, a pair
    /// of a contact and a child of their family without a decision, a family without its
    /// phone holder, a linked child who left, a booking led by a contact not permitted.
    async fn broken_rules(pool: &SqlitePool) -> sqlx::Result<Vec<i64>> {
        let r = sqlx::query!(
            r#"SELECT
                 (SELECT count(*) FROM visit_slot s
                  WHERE (SELECT count(*) FROM visit_booking b WHERE b.slot_id = s.id
                           AND b.status IN ('pending', 'confirmed')) > s.capacity)
                   AS "over!: i64",
                 (SELECT count(*) FROM (
                    SELECT c.resident_id, c.month FROM visit_booking_child c
                    JOIN visit_booking b ON b.id = c.booking_id
                    WHERE b.status IN ('pending', 'confirmed')
                    GROUP BY c.resident_id, c.month HAVING count(*) > 1)) AS "twice!: i64",
                 (SELECT count(*) FROM family_contact c
                  JOIN family_child fc ON fc.family_id = c.family_id
                  WHERE NOT EXISTS (SELECT 1 FROM current_permission p
                                    WHERE p.contact_id = c.id AND p.resident_id = fc.resident_id))
                   AS "undecided!: i64",
                 (SELECT count(*) FROM family f
                  WHERE EXISTS (SELECT 1 FROM family_contact c WHERE c.family_id = f.id)
                    AND NOT EXISTS (SELECT 1 FROM family_contact c
                                    WHERE c.family_id = f.id AND c.phone = f.phone))
                   AS "no_holder!: i64",
                 (SELECT count(*) FROM family_child fc JOIN resident r ON r.id = fc.resident_id
                  WHERE r.left_on IS NOT NULL) AS "left!: i64",
                 (SELECT count(*) FROM visit_booking b
                  JOIN visit_booking_child c ON c.booking_id = b.id
                  JOIN current_permission p
                    ON p.contact_id = b.contact_id AND p.resident_id = c.resident_id
                  WHERE b.status IN ('pending', 'confirmed') AND p.level = 'barred')
                   AS "barred_lead!: i64""#
        )
        .fetch_one(pool)
        .await?;
        Ok(vec![
            r.over,
            r.twice,
            r.undecided,
            r.no_holder,
            r.left,
            r.barred_lead,
        ])
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn the_demo_families_and_visit_days_keep_every_rule_and_seed_once(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let social = centre(&pool, today(), true).await?;
        seed(&pool, today(), social).await.expect("seeded");
        let sizes = table_sizes(&pool).await?;
        seed(&pool, today(), social).await.expect("seeded again");
        assert_eq!(
            table_sizes(&pool).await?,
            sizes,
            "seeding twice adds nothing"
        );
        assert_eq!(broken_rules(&pool).await?, vec![0; 6]);

        // About 300 contacts in about 140 families, some with two or three children.
        let (contacts, with_contacts) = (sizes[1], sizes[0]);
        assert!((270..=330).contains(&contacts), "{contacts} contacts");
        assert!(
            (130..=145).contains(&with_contacts),
            "{with_contacts} families"
        );
        let r = sqlx::query!(
            r#"SELECT (SELECT count(*) FROM (SELECT family_id FROM family_child
                       GROUP BY family_id HAVING count(*) >= 2)) AS "siblings!: i64",
                      (SELECT count(*) FROM family_contact WHERE phone IS NOT NULL) AS "phones!: i64",
                      (SELECT count(*) FROM family_contact WHERE id_document IS NOT NULL)
                        AS "documents!: i64",
                      (SELECT count(*) FROM family WHERE demo = 0) AS "real!: i64""#
        )
        .fetch_one(&pool)
        .await?;
        assert!(r.siblings >= 10, "{} families with siblings", r.siblings);
        assert!(r.phones * 100 >= contacts * 75, "{} phones", r.phones);
        assert!(
            (35..=65).contains(&(r.documents * 100 / contacts)),
            "{} documents",
            r.documents
        );
        assert_eq!(r.real, 0, "every family of the demo is a demo account");

        // A few barred, some supervised.
        let levels = sqlx::query!(
            r#"SELECT level AS "level!: String", count(*) AS "n!: i64"
               FROM current_permission GROUP BY level"#
        )
        .fetch_all(&pool)
        .await?;
        let count = |level: &str| levels.iter().find(|l| l.level == level).map_or(0, |l| l.n);
        let pairs: i64 = levels.iter().map(|l| l.n).sum();
        let (barred, supervised) = (
            count("barred") * 1000 / pairs,
            count("supervised") * 1000 / pairs,
        );
        assert!((30..=80).contains(&barred), "{barred}‰ barred");
        assert!((50..=120).contains(&supervised), "{supervised}‰ supervised");

        // Today: booking closed, about twenty visits, the first ones at the gate.
        let mut conn = pool.acquire().await?;
        let all_days = repo::visit_days(&mut conn, None).await?;
        assert_eq!(all_days.len(), 2);
        let bookings = |day: NaiveDate| BookingFilter {
            on: Some(day),
            ..BookingFilter::default()
        };
        let now = instant(today(), hm(12, 0));
        let visit_today = all_days.iter().find(|d| d.day == today()).expect("today's");
        assert!(now >= visit_today.closes_at);
        assert!(visit_today.slots.iter().all(|s| s.capacity == 15));
        let today_bookings = repo::bookings(&mut conn, &bookings(today())).await?;
        assert!(
            (18..=20).contains(&today_bookings.len()),
            "{}",
            today_bookings.len()
        );
        assert!(today_bookings.iter().all(|b| b.status == Status::Confirmed));
        assert_eq!(today_bookings.iter().filter(|b| b.supervised).count(), 1);
        let checked_in = today_bookings.iter().filter(|b| b.checked_in_at.is_some());
        assert_eq!(checked_in.count(), CHECKED_IN);
        let supervised_in = today_bookings
            .iter()
            .any(|b| b.supervised && b.checked_in_at.is_some());
        assert!(supervised_in, "the supervised visit is at the gate");
        assert_eq!(
            today_bookings
                .iter()
                .filter(|b| b.checked_out_at.is_some())
                .count(),
            1
        );

        // Next month: open now, about 25 bookings, one pending, one flagged for review.
        let next = next_visit_day(today());
        let visit_next = all_days
            .iter()
            .find(|d| d.day == next)
            .expect("next month's");
        assert_eq!(visit_next.slots.len(), 3);
        assert!(visit_next.slots.iter().all(|s| s.capacity == 20));
        assert!(visit_next.opens_on <= today() && now < visit_next.closes_at);
        assert_eq!(visit_next.max_adults, 4);
        assert!(visit_next.meal_service_id.is_some() && !visit_next.note.is_empty());
        let next_bookings = repo::bookings(&mut conn, &bookings(next)).await?;
        assert!(
            (22..=25).contains(&next_bookings.len()),
            "{}",
            next_bookings.len()
        );
        let pending: Vec<_> = next_bookings
            .iter()
            .filter(|b| b.status == Status::Pending)
            .collect();
        let review: Vec<_> = next_bookings.iter().filter(|b| b.review).collect();
        assert_eq!(pending.len(), 1);
        assert!(!review.is_empty() && review.iter().all(|b| b.supervised));
        assert!(next_bookings.iter().any(|b| b.meal_heads > 0));
        let heads = sqlx::query_scalar!(
            r#"SELECT coalesce(sum(heads), 0) AS "n!: i64" FROM extra_heads
               WHERE day = ? AND kind = 'family_day'"#,
            next
        )
        .fetch_one(&mut *conn)
        .await?;
        let meals: i64 = next_bookings.iter().map(|b| b.meal_heads).sum();
        assert_eq!(
            heads, meals,
            "the canteen counts the visitors staying for lunch"
        );

        // The demo sign-ins: the phone holder's children, free to book next month but for the
        // second family's one booking.
        for (position, family) in repository_accounts().families.iter().enumerate() {
            let phone = crate::people::model::Phone::parse(&family.phone).expect("a phone");
            let phone = phone.as_str();
            let id = sqlx::query_scalar!(
                r#"SELECT id AS "id!: i64" FROM family WHERE phone = ?"#,
                phone
            )
            .fetch_one(&mut *conn)
            .await?;
            let view = repo::family_view(&mut conn, id).await.expect("a view");
            let holder: Vec<_> = view
                .contacts
                .iter()
                .filter(|c| c.phone.as_deref() == Some(phone))
                .collect();
            assert_eq!(holder.len(), 1, "{phone}");
            assert!((1..=3).contains(&view.visible.len()));
            assert_eq!(view.visible.len(), view.terms.len(), "every child visible");
            let theirs = next_bookings.iter().filter(|b| b.family_id == id).count();
            assert_eq!(theirs, usize::from(position == 1), "{phone}");
            assert!(today_bookings.iter().all(|b| b.family_id != id));
            if position == 0 {
                assert_eq!(view.visible.len(), 2);
                let uncle = view
                    .contacts
                    .iter()
                    .find(|c| c.relationship == Relationship::Uncle)
                    .expect("an uncle");
                let mut levels: Vec<_> = view
                    .visible
                    .iter()
                    .map(|child| view.permissions.get(&(uncle.id, *child)).copied())
                    .collect();
                levels.sort();
                assert_eq!(levels, vec![Some(Level::Allowed), Some(Level::Barred)]);
            }
        }

        // Khmer New Year blocked; a child home since yesterday, another going next week.
        let blocked = sqlx::query_scalar!("SELECT reason FROM visit_blocked_date")
            .fetch_all(&mut *conn)
            .await?;
        assert_eq!(blocked.len(), 3);
        assert!(blocked.iter().all(|r| r.contains("Khmer New Year")));
        let stays = sqlx::query!(
            r#"SELECT from_on AS "from_on: NaiveDate", until_on AS "until_on: NaiveDate",
                      left_at, returned_at, collected_by
               FROM home_stay ORDER BY from_on"#
        )
        .fetch_all(&mut *conn)
        .await?;
        let home_now = stays.iter().filter(|s| {
            s.from_on == today() - days(1)
                && s.until_on == today() + days(1)
                && s.left_at.is_some()
                && s.collected_by.is_some()
                && s.returned_at.is_none()
        });
        assert_eq!(home_now.count(), 1);
        let next_week = stays
            .iter()
            .filter(|s| s.from_on > today() && s.left_at.is_none());
        assert_eq!(next_week.count(), 1);

        Ok(())
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn seeding_works_on_a_leap_day_without_the_sign_ins_and_not_without_its_staff(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let leap_day = NaiveDate::from_ymd_opt(2028, 2, 29).expect("a date");
        let social = centre(&pool, leap_day, false).await?;
        let before = table_sizes(&pool).await?;
        seed(&pool, leap_day, social + 100)
            .await
            .expect("nothing done");
        assert_eq!(
            table_sizes(&pool).await?,
            before,
            "an unknown staff member seeds nothing"
        );
        seed(&pool, leap_day, social).await.expect("seeded");
        assert_eq!(broken_rules(&pool).await?, vec![0; 6]);
        let sizes = table_sizes(&pool).await?;
        assert_eq!(sizes[0] as usize, FAMILY_ACCOUNTS);
        let mut conn = pool.acquire().await?;
        let days = repo::visit_days(&mut conn, None).await?;
        let next = NaiveDate::from_ymd_opt(2028, 3, 12).expect("a date");
        assert_eq!(
            days.iter().map(|d| d.day).collect::<Vec<_>>(),
            vec![leap_day, next]
        );
        let filter = BookingFilter {
            on: Some(next),
            ..BookingFilter::default()
        };
        let next_bookings = repo::bookings(&mut conn, &filter).await?;
        assert!((22..=25).contains(&next_bookings.len()));
        Ok(())
    }
}
