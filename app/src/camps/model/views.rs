//! What the camps' pages receive.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{CampRules, DayStatus, Kind, Meals, Relationship};
use crate::centre::model::Name;
use crate::residents::model::{Allergen, Diet, Sex};

/// A camp with how many of its places are taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Camp {
    pub id: i64,
    pub name: String,
    /// The facility it runs at.
    pub facility: Name,
    pub kind: Kind,
    pub meals: Meals,
    pub day_ends_at: NaiveTime,
    /// Its days, age band and places.
    pub rules: CampRules,
    /// Places taken.
    pub taken: i64,
}

/// A group of a camp, with its monitors' names and its campers' count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: i64,
    pub camp_id: i64,
    pub name: String,
    pub monitors: Vec<String>,
    pub campers: i64,
}

/// One activity of a group's programme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub day: NaiveDate,
    pub starts_at: NaiveTime,
    pub ends_at: NaiveTime,
    pub place: String,
    pub what: String,
}

/// Someone who may bring a camper, and whether they may collect them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guardian {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub relationship: Relationship,
    pub may_collect: bool,
}

/// A camper as a monitor of their group sees them: names, what they eat, who may collect
/// them, and where they stand today. Never the medical note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRow {
    pub camper_id: i64,
    pub name_km: String,
    pub name_latin: String,
    pub sex: Sex,
    /// Age on the day.
    pub age: i32,
    pub diet: Diet,
    pub allergies: Vec<Allergen>,
    pub guardians: Vec<Guardian>,
    /// Not marked yet: none.
    pub status: Option<DayStatus>,
    /// Who collected them, when they have been.
    pub collected_by: Option<String>,
}

/// How a group's day stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTally {
    pub expected: usize,
    pub unmarked: usize,
    pub on_site: usize,
    pub absent: usize,
    pub left: usize,
}

impl DayTally {
    /// The tally of a group's rows.
    pub fn of(rows: &[DayRow]) -> DayTally {
        let count =
            |f: &dyn Fn(Option<DayStatus>) -> bool| rows.iter().filter(|r| f(r.status)).count();
        DayTally {
            expected: rows.len(),
            unmarked: count(&|s| s.is_none()),
            on_site: count(&|s| s == Some(DayStatus::Present)),
            absent: count(&|s| s == Some(DayStatus::Absent)),
            left: count(&|s| matches!(s, Some(DayStatus::Collected | DayStatus::HandedOver))),
        }
    }
}

/// `/camps`: the camps (every one for those who manage them) and the caller's own groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampsPage {
    pub camps: Vec<Camp>,
    /// The groups the caller monitors, with their camp's name.
    pub my_groups: Vec<(Group, String)>,
    /// Where a camp may run (for the form).
    pub facilities: Vec<(i64, Name)>,
    pub can_manage: bool,
    pub today: NaiveDate,
}

/// One camper in a camp's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CamperLine {
    pub id: i64,
    pub name_km: String,
    pub name_latin: String,
    pub sex: Sex,
    pub age: i32,
    pub group: String,
}

/// `/camps/:id`: a camp, its groups and campers, and the registration form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampPage {
    pub camp: Camp,
    pub groups: Vec<Group>,
    pub campers: Vec<CamperLine>,
    /// Staff holding the monitor role: (id, name), for the group form.
    pub monitors: Vec<(i64, String)>,
    /// Current residents within the age band, not in the camp yet: (id, Khmer and Latin
    /// names), for the form a resident joins with.
    pub residents: Vec<(i64, String, String)>,
    pub today: NaiveDate,
}

/// `/camps/groups/:id`: a group's day on a monitor's phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDayPage {
    pub camp: Camp,
    pub group: Group,
    pub day: NaiveDate,
    pub today: NaiveDate,
    pub programme: Vec<Activity>,
    pub rows: Vec<DayRow>,
    /// Whether marks can be made: today, a camp day.
    pub can_mark: bool,
    /// Whether the caller manages camps (the programme and monitors forms).
    pub can_manage: bool,
    /// Staff holding the monitor role, for those who manage camps: (id, name).
    pub monitors: Vec<(i64, String)>,
    /// Who makes the marks on this phone.
    pub marker: crate::base::ui::Marker,
}

/// A camper's place in a camp, for their file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CamperPlace {
    pub camp_id: i64,
    pub camp: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub group: String,
}

/// `/camps/campers/:id`: a camper's file, for those who manage camps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CamperPage {
    pub id: i64,
    pub name_km: String,
    pub name_latin: String,
    pub sex: Sex,
    pub born_on: NaiveDate,
    pub age: i32,
    pub diet: Diet,
    pub allergies: Vec<Allergen>,
    /// Only for those who read residents' medical notes (house staff, admin).
    pub medical_note: Option<String>,
    /// The resident they are, if one.
    pub resident_id: Option<i64>,
    pub guardians: Vec<Guardian>,
    pub places: Vec<CamperPlace>,
}

/// A child checked in at a day camp and not collected by the end of the camp day: an alert on
/// every staff page until collected or handed over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uncollected {
    pub camper_id: i64,
    pub name_km: String,
    pub name_latin: String,
    pub group_id: i64,
    pub group: String,
    pub day: NaiveDate,
    /// When they were to be collected by.
    pub due: NaiveTime,
}

/// A camp running today, as the dashboard counts its campers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampToday {
    pub camp_id: i64,
    pub name: String,
    pub kind: Kind,
    /// Places taken.
    pub registered: i64,
    /// Checked in this morning (on site or gone since).
    pub checked_in: i64,
    /// Collected or handed over.
    pub collected: i64,
    /// Checked in and still on site.
    pub on_site: i64,
    pub absent: i64,
    /// A residential camp's children in lent beds tonight (counted where the loans are).
    #[serde(default)]
    pub in_beds: Option<i64>,
}

/// A camp child expected at the centre on a day, as the canteen counts them: registered for a
/// day to come, checked in on the day (and on the days gone by).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CamperDay {
    pub camper_id: i64,
    pub day: NaiveDate,
    /// The meals their camp provides.
    pub meals: Meals,
    pub diet: Diet,
    pub allergies: Vec<Allergen>,
}

impl CamperDay {
    /// Camper `camper_id`, eating `diet` without `allergies`, at a camp providing `meals`, on
    /// each of `days`.
    pub fn on_days(
        camper_id: i64,
        days: impl Iterator<Item = NaiveDate>,
        meals: Meals,
        (diet, allergies): (Diet, &[Allergen]),
    ) -> impl Iterator<Item = CamperDay> {
        days.map(move |day| CamperDay {
            camper_id,
            day,
            meals,
            diet,
            allergies: allergies.to_vec(),
        })
    }
}
