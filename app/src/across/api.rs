//! Server functions of what spans domains: a resident's file (their record with their beds,
//! absences, homework and history), leaving the centre, and recording or extending an absence
//! (which sends the visits it covers to review). Each starts with its guard.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::base::access::Role;
use crate::base::error::AppError;
use chrono::NaiveDate;

use crate::housing::model::{AllocationEntry, BedPlace, Lent, LoanChoice, Suggestion};
use crate::presence::model::AbsenceEntry;
#[cfg(feature = "ssr")]
use crate::residents::api::HOUSE;
use crate::residents::model::{ResidentRecord, ResidentRow, Sight};

/// Records that a resident left, which releases their bed. House staff and admin.
#[server(endpoint = "leave_resident")]
pub async fn leave_resident(id: i64, left_on: String, reason: String) -> Result<(), AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    super::record::leave(&w.pool, &w.by, id, (&left_on, &reason), w.today).await?;
    crate::base::write::saved(&format!("/residents/{id}"))
}

/// Records an absence: from a date and time until a date and time, or open-ended. House
/// staff and admin.
#[server(endpoint = "create_absence")]
pub async fn create_absence(
    resident_id: i64,
    reason: String,
    from_date: String,
    #[server(default)] from_time: String,
    #[server(default)] until_date: String,
    #[server(default)] until_time: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&crate::residents::api::HOUSE).await?;
    let absence = crate::presence::model::check_absence(
        &reason,
        (&from_date, &from_time),
        (&until_date, &until_time),
        &note,
    )?;
    super::record::record_absence(&w.pool, &w.by, resident_id, &absence, w.now).await?;
    crate::base::write::saved(&format!("/residents/{resident_id}#absences"))
}

/// Extends a running absence to a later planned end (a day, and a time or 18:00), saying
/// why. House staff and admin.
#[server(endpoint = "extend_absence")]
pub async fn extend_absence(
    absence_id: i64,
    until_date: String,
    #[server(default)] until_time: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&crate::residents::api::HOUSE).await?;
    let resident_id = super::record::extend_absence(
        &w.pool,
        &w.by,
        absence_id,
        (&until_date, &until_time),
        &reason,
        w.now,
    )
    .await?;
    crate::base::write::saved(&format!("/residents/{resident_id}#absences"))
}

/// How a resident's history reads: their record, their beds and their absences.
pub const HISTORY: crate::audit::history::Vocabulary = &[
    ("resident", crate::residents::model::HISTORY_FIELDS),
    ("allocation", crate::housing::model::ALLOCATION_HISTORY),
    ("absence", crate::presence::model::ABSENCE_HISTORY),
];

/// Everything a resident's page shows, as far as the caller may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentPage {
    pub record: ResidentRecord,
    /// Their beds, newest first (the current one has no end).
    pub beds: Vec<AllocationEntry>,
    /// Their absences, newest first.
    pub absences: Vec<AbsenceEntry>,
    /// Free beds for them, best first, when they have none and the caller may assign.
    pub suggestions: Vec<Suggestion>,
    /// Residents matching the sibling search, to link.
    pub sibling_matches: Vec<ResidentRow>,
    /// Whether they are marked missing and not yet found.
    pub missing: bool,
    /// Whether the caller may change beds, absences and details.
    pub can_edit: bool,
    /// What the caller's roles let them read here.
    pub sight: Sight,
    /// Whether the caller may open the resident's homework: house staff, admin, and the
    /// tutors of the resident's classes.
    pub homework: bool,
    /// Today at the centre.
    pub today: chrono::NaiveDate,
    /// What was done to their record, beds and absences, newest first, as far as the
    /// caller may see it.
    pub history: Vec<crate::audit::history::HistoryEntry>,
}

/// A resident's page. Every staff role, each reading what its work needs ([`Sight`]): bed
/// history, siblings and absence notes only for house staff, the social team and admin, diets
/// for the canteen too; the notes only for the roles that may read them.
#[server(endpoint = "get_resident_page")]
pub async fn get_resident_page(
    id: i64,
    #[server(default)] sibling: String,
) -> Result<ResidentPage, AppError> {
    use crate::base::clock::today_at_centre;
    use crate::housing::{model::rank_beds, repo as housing};

    let staff = crate::base::guard::require(&Role::CENTRE).await?;
    let can_edit = HOUSE.iter().any(|role| staff.has(*role));
    let sight = Sight::of(|role| staff.has(role));
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let stored = crate::residents::repo::resident(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = today_at_centre();
    let siblings = match stored.sibling_group_id {
        Some(group) if sight.housing => {
            crate::residents::repo::siblings(&mut conn, group, id, today).await?
        }
        _ => Vec::new(),
    };
    let mut beds = housing::history(&mut conn, None, Some(id)).await?;
    let housed = beds.iter().any(|entry| entry.until_on.is_none());
    if !sight.housing {
        // Where they sleep tonight, as every list shows; not where they slept before.
        beds.retain(|entry| entry.until_on.is_none());
    }
    let suggestions = if can_edit && !housed && stored.left.is_none() {
        match housing::placement(&mut conn, id).await? {
            Some((placement, _)) => {
                let free = housing::free_beds(&mut conn, today).await?;
                rank_beds(&placement, free, today)
                    .into_iter()
                    .take(8)
                    .collect()
            }
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let sibling_matches = if can_edit && !sibling.trim().is_empty() {
        crate::residents::repo::search(&mut conn, &sibling, false, today)
            .await?
            .into_iter()
            .filter(|row| row.id != id && !siblings.iter().any(|s| s.id == row.id))
            .take(10)
            .collect()
    } else {
        Vec::new()
    };
    let mut absences = crate::presence::repo::absences_of(&mut conn, id).await?;
    if !sight.absence_notes {
        for absence in &mut absences {
            absence.note.clear();
        }
    }
    let missing = crate::presence::repo::has_open_alert(&mut conn, id).await?;
    let homework = can_edit
        || (staff.has(Role::Tutor)
            && crate::homework::repo::taught_by(&mut conn, id, staff.id).await?);
    if sight.safeguarding && !stored.safeguarding_note.is_empty() {
        // Who read a child's safeguarding note, and when, is a security event.
        let read = crate::base::audit::Change {
            entity: "resident",
            entity_id: id.to_string(),
            action: "read_note",
            before: None,
            after: Some(serde_json::json!({ "note": "safeguarding" })),
        };
        crate::base::audit::record_alone(&crate::base::db::pool()?, &staff.actor(), read).await?;
    }
    let history = resident_history(&mut conn, id, sight, staff.has(Role::Admin), &beds).await?;
    let mut fields = stored.fields;
    if !sight.diet {
        fields.diet = crate::residents::model::Diet::Normal;
        fields.allergies.clear();
    }
    Ok(ResidentPage {
        record: ResidentRecord {
            id,
            fields,
            left: stored.left,
            // Sent only to those who may read it; for anyone else it never leaves the server.
            medical_note: sight.medical.then_some(stored.medical_note),
            safeguarding_note: sight.safeguarding.then_some(stored.safeguarding_note),
            siblings,
        },
        beds,
        absences,
        suggestions,
        sibling_matches,
        missing,
        can_edit,
        sight,
        homework,
        today,
        history,
    })
}

/// A resident's history as `sight` lets the caller read it: beds only with the housing
/// sight, diets only with the diet sight, absence notes only with that sight.
#[cfg(feature = "ssr")]
async fn resident_history(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    sight: Sight,
    admin: bool,
    beds: &[AllocationEntry],
) -> Result<Vec<crate::audit::history::HistoryEntry>, AppError> {
    use crate::audit::history::{Subject, entry, name_values};
    let subject = Subject {
        entity: "resident",
        id,
        named_in: &[("allocation", "resident_id"), ("absence", "resident_id")],
        parts: None,
    };
    let mut history: Vec<_> = crate::audit::repo::history(conn, &subject, 50)
        .await?
        .into_iter()
        .filter(|raw| sight.housing || raw.entity != "allocation")
        .map(|raw| entry(raw, HISTORY, admin))
        .collect();
    for entry in &mut history {
        let absence = entry.entity == "absence";
        entry.changes.retain(|change| match change.field.as_str() {
            "resident_id" => false,
            "diet" | "allergies" => sight.diet,
            "note" if absence => sight.absence_notes,
            _ => true,
        });
    }
    name_values(&mut history, "bed_id", |bed| {
        beds.iter()
            .find(|b| b.place.bed_id.to_string() == bed)
            .map(|b| b.place.label())
    });
    Ok(history)
}

/// `/camps/:id/beds`: a residential camp's campers and the beds lent to them for its nights.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampBeds {
    pub camp: crate::camps::model::Camp,
    /// Each camper with their beds from tonight on (none yet, one, or a move ahead).
    pub campers: Vec<(crate::camps::model::CamperLine, Vec<(BedPlace, Lent)>)>,
    /// This camp's lent beds needed back by their boarders.
    pub beds_needed: Vec<crate::presence::model::BedNeeded>,
    pub today: NaiveDate,
}

/// `/camps/:id/beds/:camper`: the beds a camper may be lent for some nights, best first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LendPage {
    pub camp: crate::camps::model::Camp,
    pub camper_id: i64,
    pub name_km: String,
    pub name_latin: String,
    pub sex: crate::residents::model::Sex,
    /// Age on the first night asked for.
    pub age: i32,
    /// Their beds from tonight on.
    pub beds: Vec<(BedPlace, Lent)>,
    /// The nights asked for: from the first evening until the morning the bed is given back.
    pub nights: (NaiveDate, NaiveDate),
    /// Free and lendable beds for those nights, best fit first.
    pub choices: Vec<LoanChoice>,
    /// The night their bed is needed back by its boarder, if it is.
    pub needed_from: Option<NaiveDate>,
    pub today: NaiveDate,
}

/// The nights a loan is for, read from the page's query: the dates typed, or from tonight
/// (or the camp's first night) until the morning after its last day.
#[cfg(feature = "ssr")]
fn loan_nights(
    (from_on, until_on): (&str, &str),
    (starts_on, ends_on): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    use crate::base::fields::date_field_or;
    let from = date_field_or(from_on, "from_on", starts_on.max(today))?;
    let until = date_field_or(until_on, "until_on", ends_on + chrono::Duration::days(1))?;
    Ok((from, until))
}

/// A residential camp's campers and their beds. House staff and admin.
#[server(endpoint = "get_camp_beds")]
pub async fn get_camp_beds(id: i64) -> Result<CampBeds, AppError> {
    crate::base::guard::require(&HOUSE).await?;
    let today = crate::base::clock::today_at_centre();
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let camp = crate::camps::repo::camp(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lent = crate::housing::repo::loans(&mut conn, (None, Some(id), None), today).await?;
    let campers = crate::camps::repo::campers_of(&mut conn, id, camp.rules.starts_on)
        .await?
        .into_iter()
        .map(|camper| {
            let beds = lent
                .iter()
                .filter(|(_, loan)| loan.camper_id == camper.id)
                .cloned()
                .collect();
            (camper, beds)
        })
        .collect();
    let now = chrono::Utc::now().timestamp();
    let mut beds_needed = crate::presence::repo::beds_needed(&mut conn, now).await?;
    beds_needed.retain(|needed| needed.camp_id == id);
    Ok(CampBeds {
        camp,
        campers,
        beds_needed,
        today,
    })
}

/// The beds a camper of a residential camp may be lent for the nights asked for (from tonight
/// to the camp's end unless dates are given), best fit first. House staff and admin.
#[server(endpoint = "get_lend_page")]
pub async fn get_lend_page(
    camp_id: i64,
    camper_id: i64,
    #[server(default)] from_on: String,
    #[server(default)] until_on: String,
) -> Result<LendPage, AppError> {
    crate::base::guard::require(&HOUSE).await?;
    let today = crate::base::clock::today_at_centre();
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let camp = crate::camps::repo::camp(&mut conn, camp_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let in_camp = crate::camps::repo::places_of(&mut conn, camper_id)
        .await?
        .iter()
        .any(|place| place.camp_id == camp_id);
    let camper = crate::camps::repo::camper(&mut conn, camper_id)
        .await?
        .filter(|_| in_camp)
        .ok_or(AppError::NotFound)?;
    let nights = loan_nights(
        (&from_on, &until_on),
        (camp.rules.starts_on, camp.rules.ends_on),
        today,
    )?;
    let beds =
        crate::housing::repo::loans(&mut conn, (None, Some(camp_id), Some(camper_id)), today)
            .await?;
    let needed_from = crate::presence::repo::beds_needed(&mut conn, chrono::Utc::now().timestamp())
        .await?
        .into_iter()
        .find(|needed| needed.camp_id == camp_id && needed.camper_id == camper_id)
        .map(|needed| needed.night);
    let lendable = crate::presence::repo::lendable_beds(&mut conn, nights.0, nights.1).await?;
    let choices = crate::housing::model::rank_loans(camper.sex, camper.born_on, lendable, nights.0)
        .into_iter()
        .take(12)
        .collect();
    Ok(LendPage {
        age: crate::residents::model::age_on(camper.born_on, nights.0),
        camp,
        camper_id,
        name_km: camper.name_km,
        name_latin: camper.name_latin,
        sex: camper.sex,
        beds,
        nights,
        choices,
        needed_from,
        today,
    })
}

/// Lends a bed to a camper of a residential camp for nights (moving them if they have a bed
/// then). House staff and admin.
#[server(endpoint = "lend_bed")]
pub async fn lend_bed(
    camp_id: i64,
    camper_id: i64,
    bed_id: i64,
    from_on: String,
    until_on: String,
) -> Result<(), AppError> {
    use crate::base::fields::date_field;
    let w = crate::base::write::staff(&HOUSE).await?;
    let nights = (
        date_field(&from_on, "from_on")?,
        date_field(&until_on, "until_on")?,
    );
    crate::housing::record::lend(
        &w.pool,
        &w.by,
        (camp_id, camper_id),
        bed_id,
        nights,
        (w.today, w.now),
    )
    .await?;
    crate::base::write::saved(&format!("/camps/{camp_id}/beds#k{camper_id}"))
}
