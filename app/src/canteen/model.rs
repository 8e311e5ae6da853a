//! Shared types and rules of the canteen: who eats which meal, counts by diet, the cut-off and
//! late changes, served flags, recipes and the shopping-list arithmetic.
//!
//! **Expected heads** for a day's meal = residents present at the meal's time (presence)
//! whose programme eats that meal on that weekday, plus the camp children there that day whose
//! camp provides it (presence: registered before the day, checked in on it), plus extra heads. At the cut-off (the day
//! before, 18:00 by default) the figure is frozen; what moves afterwards shows as late changes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::base::error::AppError;
use crate::base::i18n::{Key, Lang};
use crate::camps::model::{CamperDay, Meals};
use crate::presence::model::{AbsenceReason, Occupant, PresentResident, instant};
use crate::residents::model::{Allergen, Diet, Programme};

mod recipes;
mod served;
mod views;
pub use recipes::*;
pub use served::*;
pub use views::*;

/// Every weekday: bit 0 is Monday, bit 6 Sunday.
pub const EVERY_DAY: u8 = 127;

/// How long after serving a meal its served figure is due (seconds).
pub const RECORD_GRACE: i64 = 3600;

/// How long after the cut-off a freeze counts as late (seconds): the server was down, and
/// changes made meanwhile are inside the frozen figure.
pub const FREEZE_LATE: i64 = 600;

/// A meal the canteen serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MealService {
    pub id: i64,
    /// Its name in Khmer.
    pub name_km: String,
    /// Its name in English.
    pub name_en: String,
    /// Its name in French.
    pub name_fr: String,
    /// When it is served, local time.
    pub serves_at: NaiveTime,
    /// The weekdays boarding-school children eat it (bit 0 Monday).
    pub boarding_days: u8,
    /// The weekdays residence students eat it.
    pub residence_days: u8,
    /// Whether it is still served.
    pub active: bool,
}

impl MealService {
    /// Its name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_km, &self.name_en, &self.name_fr)
    }

    /// Whether residents of `programme` eat it on `day`.
    pub fn eaten_by(&self, programme: Programme, day: NaiveDate) -> bool {
        let days = match programme {
            Programme::BoardingSchool => self.boarding_days,
            Programme::Residence => self.residence_days,
        };
        days & (1 << day.weekday().num_days_from_monday()) != 0
    }

    /// The instant it is served on `day`: presence is taken then.
    pub fn instant_on(&self, day: NaiveDate) -> i64 {
        instant(day, self.serves_at)
    }

    /// Whether it has been served on `day` by `now`: from then its served figure can be
    /// recorded.
    pub fn served_by(&self, day: NaiveDate, now: i64) -> bool {
        self.instant_on(day) <= now
    }

    /// Whether its served figure is overdue on `day` at `now`: an hour after serving.
    pub fn record_overdue(&self, day: NaiveDate, now: i64) -> bool {
        self.instant_on(day) + RECORD_GRACE <= now
    }
}

/// The canteen's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// A day's counts freeze the day before at this local time.
    pub cutoff: NaiveTime,
    /// Served above expected by more than this percentage is flagged.
    pub margin_percent: i64,
}

/// The instant a day's counts freeze: the day before at the cut-off time.
pub fn cutoff_instant(day: NaiveDate, cutoff: NaiveTime) -> i64 {
    instant(day.pred_opt().unwrap_or(day), cutoff)
}

/// Reads a local time typed as `HH:MM`.
pub fn parse_time(input: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(input.trim(), "%H:%M").ok()
}

/// Why extra heads eat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExtraKind {
    /// Staff on duty.
    Staff,
    Guest,
    /// Children of a holiday camp.
    Camp,
    /// Families visiting on a family day.
    FamilyDay,
    /// Anything else (the reason says what).
    Other,
}

impl ExtraKind {
    /// Every kind.
    pub const ALL: [ExtraKind; 5] = [
        ExtraKind::Staff,
        ExtraKind::Guest,
        ExtraKind::Camp,
        ExtraKind::FamilyDay,
        ExtraKind::Other,
    ];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            ExtraKind::Staff => "staff",
            ExtraKind::Guest => "guest",
            ExtraKind::Camp => "camp",
            ExtraKind::FamilyDay => "family_day",
            ExtraKind::Other => "other",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<ExtraKind> {
        ExtraKind::ALL
            .into_iter()
            .find(|kind| kind.code() == code.trim())
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            ExtraKind::Staff => Key::ExtraStaff,
            ExtraKind::Guest => Key::ExtraGuest,
            ExtraKind::Camp => Key::ExtraCamp,
            ExtraKind::FamilyDay => Key::ExtraFamilyDay,
            ExtraKind::Other => Key::ExtraOther,
        }
    }
}

/// Extra heads for a day's meal, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extra {
    pub id: i64,
    /// Who was added, as they were added.
    pub added: NewExtra,
    /// When they were added (Unix seconds): after the cut-off, they are a late change.
    pub created_at: i64,
}

/// Extra heads to add, checked; what an entry of extra heads holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewExtra {
    pub day: NaiveDate,
    pub meal_service_id: i64,
    /// How many.
    pub heads: i64,
    /// What they eat.
    pub diet: Diet,
    /// Who they are.
    pub kind: ExtraKind,
    /// Why, in the manager's words.
    pub reason: String,
    /// The other domain's record that adds them (`visit_booking:42`); `None` when typed in.
    pub source: Option<String>,
}

/// Checks extra heads typed into the day page: 1 to 2,000 heads, a known diet and kind, and a
/// reason when the kind is "other".
pub fn check_extra(
    day: NaiveDate,
    meal_service_id: i64,
    heads: &str,
    diet: &str,
    kind: &str,
    reason: &str,
) -> Result<NewExtra, AppError> {
    let heads = heads
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=2000).contains(n))
        .ok_or_else(|| AppError::invalid("heads", Key::ProblemHeads))?;
    let diet = Diet::parse(diet).ok_or_else(|| AppError::invalid("diet", Key::ProblemChoice))?;
    let kind =
        ExtraKind::parse(kind).ok_or_else(|| AppError::invalid("kind", Key::ProblemChoice))?;
    let reason = reason.trim().to_owned();
    if reason.chars().count() > 200 {
        return Err(AppError::invalid("reason", Key::ProblemTooLong));
    }
    if kind == ExtraKind::Other && reason.is_empty() {
        return Err(AppError::invalid("reason", Key::ProblemReasonNeeded));
    }
    Ok(NewExtra {
        day,
        meal_service_id,
        heads,
        diet,
        kind,
        reason,
        source: None,
    })
}

/// Heads for a meal: residents, camp children and extras, by diet, and how many of them avoid
/// each allergen. Stored as JSON in frozen figures: a field added later must default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Heads {
    /// Residents expected.
    pub residents: i64,
    /// Camp children expected.
    pub campers: i64,
    /// Extra heads.
    pub extra: i64,
    /// Heads per diet (residents, camp children and extras), every diet listed.
    pub diets: Vec<(Diet, i64)>,
    /// Residents and camp children avoiding each allergen, only those with some.
    pub allergies: Vec<(Allergen, i64)>,
}

impl Heads {
    /// Everyone to feed.
    pub fn total(&self) -> i64 {
        self.residents + self.campers + self.extra
    }

    /// Heads eating `diet`.
    pub fn diet(&self, diet: Diet) -> i64 {
        self.diets
            .iter()
            .find(|(d, _)| *d == diet)
            .map_or(0, |(_, n)| *n)
    }
}

/// Counts `eaters` (residents expected at a meal) and `extras` by diet and allergen.
pub fn count<'a>(
    eaters: impl IntoIterator<Item = &'a PresentResident>,
    campers: &[&CamperDay],
    extras: &[Extra],
) -> Heads {
    let mut diets: BTreeMap<usize, i64> = BTreeMap::new();
    let mut allergies: BTreeMap<Allergen, i64> = BTreeMap::new();
    let index = |diet: Diet| Diet::ALL.iter().position(|d| *d == diet).unwrap_or(0);
    let mut residents = 0;
    for eater in eaters {
        residents += 1;
        *diets.entry(index(eater.diet)).or_default() += 1;
        for allergen in &eater.allergies {
            *allergies.entry(*allergen).or_default() += 1;
        }
    }
    for camper in campers {
        *diets.entry(index(camper.diet)).or_default() += 1;
        for allergen in &camper.allergies {
            *allergies.entry(*allergen).or_default() += 1;
        }
    }
    let mut extra = 0;
    for e in extras.iter().map(|e| &e.added) {
        extra += e.heads;
        *diets.entry(index(e.diet)).or_default() += e.heads;
    }
    Heads {
        residents,
        campers: campers.len() as i64,
        extra,
        diets: Diet::ALL
            .iter()
            .enumerate()
            .map(|(i, diet)| (*diet, diets.get(&i).copied().unwrap_or(0)))
            .collect(),
        allergies: allergies.into_iter().collect(),
    }
}

/// A day's meal as frozen at the cut-off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frozen {
    /// When it froze (Unix seconds).
    pub at: i64,
    /// The residents expected then.
    pub resident_ids: Vec<i64>,
    /// The counts then.
    pub heads: Heads,
}

/// A change since the cut-off: a resident now expected who was not, or the reverse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateChange {
    pub resident_id: i64,
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// What they eat.
    pub diet: Diet,
    /// True when they now eat (came back, got a bed); false when they no longer do.
    pub now_eats: bool,
    /// Why they no longer eat, when an absence says so (none: they no longer have a bed).
    pub away: Option<AbsenceReason>,
}

/// The counts of one day's meal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MealCount {
    pub meal_service_id: i64,
    /// The counts as they stand now.
    pub live: Heads,
    /// The counts at the cut-off, once it has passed.
    pub frozen: Option<Frozen>,
    /// What changed since the cut-off, resident by resident.
    pub late: Vec<LateChange>,
}

impl MealCount {
    /// The figure the kitchen cooks for: the frozen one once frozen, else the live one.
    pub fn expected(&self) -> i64 {
        self.frozen
            .as_ref()
            .map_or(self.live.total(), |frozen| frozen.heads.total())
    }

    /// What a served figure is held against, below and above: the frozen figure, or the live
    /// one where it is lower (children gone after the cut-off need no food) or higher (late
    /// extra heads, a child back early, need food).
    pub fn served_bounds(&self) -> (Against, Against) {
        let live = Against {
            heads: self.live.total(),
            figure: Figure::Live,
        };
        let Some(frozen) = &self.frozen else {
            return (live, live);
        };
        let frozen = Against {
            heads: frozen.heads.total(),
            figure: Figure::Frozen,
        };
        let low = if live.heads < frozen.heads {
            live
        } else {
            frozen
        };
        let high = if live.heads > frozen.heads {
            live
        } else {
            frozen
        };
        (low, high)
    }

    /// Residents who now eat and who no longer do, since the cut-off: both show, even when
    /// they cancel out in the total (one vegetarian gone, one normal eater back).
    pub fn late_moves(&self) -> (usize, usize) {
        let came = self.late.iter().filter(|change| change.now_eats).count();
        (came, self.late.len() - came)
    }

    /// Heads added (positive) or gone (negative) since the cut-off.
    pub fn late_delta(&self) -> i64 {
        self.frozen
            .as_ref()
            .map_or(0, |frozen| self.live.total() - frozen.heads.total())
    }
}

/// Whether `occupant` is expected at `service` on `day`: present at its time (the presence
/// rule) and their programme eats it that weekday.
pub fn eats(occupant: &Occupant, service: &MealService, day: NaiveDate) -> bool {
    service.eaten_by(occupant.resident.programme, day) && occupant.present(service.instant_on(day))
}

/// One day's counts, a `MealCount` per active meal service in serving order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounts {
    pub day: NaiveDate,
    pub meals: Vec<MealCount>,
}

/// The residents expected at `service` on `day`.
pub fn eaters<'a>(
    occupants: &'a [Occupant],
    service: &MealService,
    day: NaiveDate,
) -> Vec<&'a Occupant> {
    occupants
        .iter()
        .filter(|occupant| eats(occupant, service, day))
        .collect()
}

/// Counts `service` on `day` from the occupants and extras, against its frozen figure if any.
pub fn meal_count(
    (occupants, campers): (&[Occupant], &[CamperDay]),
    extras: &[Extra],
    service: &MealService,
    day: NaiveDate,
    frozen: Option<Frozen>,
) -> MealCount {
    let eating = eaters(occupants, service, day);
    let extras: Vec<Extra> = extras
        .iter()
        .filter(|e| e.added.day == day && e.added.meal_service_id == service.id)
        .cloned()
        .collect();
    let campers = camp_eaters(campers, service, day);
    let live = count(eating.iter().map(|o| &o.resident), &campers, &extras);
    let late = frozen
        .as_ref()
        .map(|frozen| late_changes(occupants, &eating, frozen, service.instant_on(day)))
        .unwrap_or_default();
    MealCount {
        meal_service_id: service.id,
        live,
        frozen,
        late,
    }
}

/// The camp children expected at `service` on `day`: there that day, their camp providing
/// that meal ([`camp_meal`]).
pub fn camp_eaters<'a>(
    campers: &'a [CamperDay],
    service: &MealService,
    day: NaiveDate,
) -> Vec<&'a CamperDay> {
    let meal = camp_meal(service);
    campers
        .iter()
        .filter(|c| c.day == day && c.meals.0 & meal != 0)
        .collect()
}

/// Which of a camp's meals (breakfast, lunch, dinner) a meal service is, by when it is served:
/// before 10:00 breakfast, before 15:00 lunch, dinner after.
pub fn camp_meal(service: &MealService) -> u8 {
    let hour = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
    if service.serves_at < hour(10) {
        Meals::BREAKFAST
    } else if service.serves_at < hour(15) {
        Meals::LUNCH
    } else {
        Meals::DINNER
    }
}

/// Freezes `service` on `day` as it stands: the residents expected and the counts.
pub fn freeze(
    people: (&[Occupant], &[CamperDay]),
    extras: &[Extra],
    service: &MealService,
    day: NaiveDate,
    at: i64,
) -> Frozen {
    let occupants = people.0;
    let count = meal_count(people, extras, service, day, None);
    Frozen {
        at,
        resident_ids: eaters(occupants, service, day)
            .iter()
            .map(|o| o.resident.id)
            .collect(),
        heads: count.live,
    }
}

/// The days whose counts must be frozen by `now`: today and tomorrow once their cut-off (the
/// day before at `cutoff`) has passed. Earlier days are history and are not frozen late.
pub fn days_to_freeze(today: NaiveDate, cutoff: NaiveTime, now: i64) -> Vec<NaiveDate> {
    [Some(today), today.succ_opt()]
        .into_iter()
        .flatten()
        .filter(|day| cutoff_instant(*day, cutoff) <= now)
        .collect()
}

/// Who moved between the frozen list and `eating` now, and why.
pub fn late_changes(
    occupants: &[Occupant],
    eating: &[&Occupant],
    frozen: &Frozen,
    at: i64,
) -> Vec<LateChange> {
    let then: BTreeSet<i64> = frozen.resident_ids.iter().copied().collect();
    let now: BTreeSet<i64> = eating.iter().map(|o| o.resident.id).collect();
    let change = |occupant: &Occupant, now_eats: bool| LateChange {
        resident_id: occupant.resident.id,
        name_km: occupant.resident.name_km.clone(),
        name_latin: occupant.resident.name_latin.clone(),
        diet: occupant.resident.diet,
        now_eats,
        away: if now_eats {
            None
        } else {
            occupant.away_reason(at)
        },
    };
    let mut out: Vec<LateChange> = occupants
        .iter()
        .filter_map(|o| {
            let id = o.resident.id;
            match (then.contains(&id), now.contains(&id)) {
                (true, false) => Some(change(o, false)),
                (false, true) => Some(change(o, true)),
                _ => None,
            }
        })
        .collect();
    // Someone frozen who no longer had any bed in the span is not among the occupants.
    let known: BTreeSet<i64> = occupants.iter().map(|o| o.resident.id).collect();
    out.extend(
        then.difference(&known)
            .filter(|id| !now.contains(id))
            .map(|id| LateChange {
                resident_id: *id,
                name_km: String::new(),
                name_latin: String::new(),
                diet: Diet::Normal,
                now_eats: false,
                away: None,
            }),
    );
    out
}

#[cfg(test)]
mod tests;
