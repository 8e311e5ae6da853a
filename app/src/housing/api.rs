//! Server functions of rooms, beds and allocations. Every staff role reads; house staff and
//! admin assign, move and release; admin manages buildings, rooms and beds.

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{
    AllocationEntry, BedPlace, BuildingList, BuildingPlan, OccupancyRow, Suggestion, Warning,
};
#[cfg(feature = "ssr")]
use crate::base::access::Role;
use crate::base::error::AppError;
#[cfg(feature = "ssr")]
use crate::residents::api::HOUSE;
use crate::residents::model::{ResidentRow, Sex};

/// A bed's page: where it is, who is in it, its history, and what can be done with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BedPage {
    /// Where.
    pub place: BedPlace,
    pub building_id: i64,
    /// The room's sex.
    pub sex: Sex,
    /// The room's age band.
    pub ages: (i32, i32),
    /// Whether it may be slept in.
    pub in_service: bool,
    /// Its allocations, newest first; the current one has no end.
    pub history: Vec<AllocationEntry>,
    /// When free: residents waiting for a bed of this sex, each with the warnings this bed
    /// would give them.
    pub candidates: Vec<(ResidentRow, Vec<Warning>)>,
    /// When occupied: free beds to move the resident to, best first.
    pub moves: Vec<Suggestion>,
    /// Whether the caller may assign, move and release.
    pub can_edit: bool,
    /// Whether the caller may put it in or out of service.
    pub can_manage: bool,
    /// Today at the centre.
    pub today: NaiveDate,
    /// What was done to the bed and its allocations, newest first; its allocations only for
    /// those who read bed histories.
    pub record_history: Vec<crate::audit::history::HistoryEntry>,
    /// Its loans to residential campers from tonight on.
    #[serde(default)]
    pub loans: Vec<super::model::Lent>,
}

/// How a bed's history reads: the bed itself and its allocations.
pub const BED_HISTORY: crate::audit::history::Vocabulary = &[
    ("bed", super::model::BED_HISTORY),
    ("allocation", super::model::ALLOCATION_HISTORY),
    ("bed_loan", super::model::LOAN_HISTORY),
];

/// Every building with its beds and those occupied today. Every staff role.
#[server(endpoint = "list_buildings")]
pub async fn list_buildings() -> Result<BuildingList, AppError> {
    let staff = crate::base::guard::require(&Role::CENTRE).await?;
    let pool = crate::base::db::pool()?;
    let today = crate::base::clock::today_at_centre();
    let can_manage = staff.has(Role::Admin);
    let facilities = match crate::centre::repo::centre_name(&pool).await? {
        Some((centre, _)) if can_manage => crate::centre::repo::facilities(&pool, centre).await?,
        _ => Vec::new(),
    };
    // Only now: a request holding a connection while it waits for another can leave every
    // connection held by requests waiting for one more.
    let mut conn = pool.acquire().await?;
    Ok(BuildingList {
        buildings: super::repo::buildings(&mut conn, today).await?,
        can_manage,
        facilities,
    })
}

/// A building's rooms and beds. Every staff role.
#[server(endpoint = "get_building_plan")]
pub async fn get_building_plan(id: i64) -> Result<BuildingPlan, AppError> {
    let staff = crate::base::guard::require(&Role::CENTRE).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let today = crate::base::clock::today_at_centre();
    let building = super::repo::building(&mut conn, id, today)
        .await?
        .ok_or(AppError::NotFound)?;
    let rooms = super::repo::rooms(&mut conn, id, today).await?;
    Ok(BuildingPlan {
        building,
        rooms,
        can_manage: staff.has(Role::Admin),
        today,
    })
}

/// A bed's page. Every staff role; its history only for house staff, the social team and
/// admin, the choices only for those who may act.
#[server(endpoint = "get_bed_page")]
pub async fn get_bed_page(id: i64) -> Result<BedPage, AppError> {
    use super::model::{rank_beds, warnings};
    use super::repo;

    let staff = crate::base::guard::require(&Role::CENTRE).await?;
    let can_edit = HOUSE.iter().any(|role| staff.has(*role));
    let today = crate::base::clock::today_at_centre();
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let bed = repo::bed(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let mut history = repo::history(&mut conn, Some(id), None).await?;
    let housing_sight = crate::residents::model::Sight::of(|role| staff.has(role)).housing;
    let record_history = bed_history(
        &mut conn,
        id,
        (housing_sight, staff.has(Role::Admin)),
        &history,
    )
    .await?;
    if !housing_sight {
        // Who sleeps here tonight, as the building's plan shows; not who slept here before.
        history.retain(|entry| entry.until_on.is_none());
    }
    let occupant = history
        .iter()
        .find(|entry| entry.until_on.is_none())
        .map(|entry| entry.resident_id);
    let mut candidates = Vec::new();
    let mut moves = Vec::new();
    if can_edit && bed.in_service {
        match occupant {
            None => {
                for row in crate::residents::repo::waiting_list(&mut conn, today).await? {
                    if row.sex != bed.room.sex {
                        continue;
                    }
                    if let Some((placement, _)) = repo::placement(&mut conn, row.id).await? {
                        let found = warnings(&placement, &bed.room, today);
                        candidates.push((row, found));
                    }
                }
                candidates.sort_by_key(|(_, found)| found.len());
            }
            Some(resident_id) => {
                if let Some((mut placement, _)) = repo::placement(&mut conn, resident_id).await? {
                    // Their own room does not count as a sibling's.
                    placement
                        .sibling_rooms
                        .retain(|room| room.room_id != bed.room.room_id);
                    let free = repo::free_beds(&mut conn, today).await?;
                    moves = rank_beds(&placement, free, today)
                        .into_iter()
                        .take(8)
                        .collect();
                }
            }
        }
    }
    let loans = repo::loans(&mut conn, (Some(id), None, None), today)
        .await?
        .into_iter()
        .map(|(_, loan)| loan)
        .collect();
    Ok(BedPage {
        loans,
        sex: bed.room.sex,
        ages: (bed.room.min_age, bed.room.max_age),
        place: bed.place,
        building_id: bed.building_id,
        in_service: bed.in_service,
        history,
        candidates,
        moves,
        can_edit,
        can_manage: staff.has(Role::Admin),
        today,
        record_history,
    })
}

/// A bed's history: what was done to it, and (with the housing sight) who was given it, moved
/// in or out, and when; beds and residents named in words. `(housing, admin)` are the
/// caller's sight and role.
#[cfg(feature = "ssr")]
async fn bed_history(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    (housing, admin): (bool, bool),
    allocations: &[AllocationEntry],
) -> Result<Vec<crate::audit::history::HistoryEntry>, AppError> {
    use crate::audit::history::{Subject, entry, name_values};
    let subject = Subject {
        entity: "bed",
        id,
        named_in: &[("allocation", "bed_id"), ("bed_loan", "bed_id")],
        parts: None,
    };
    let mut history: Vec<_> = crate::audit::repo::history(conn, &subject, 50)
        .await?
        .into_iter()
        .filter(|raw| housing || raw.entity == "bed")
        .map(|raw| entry(raw, BED_HISTORY, admin))
        .collect();
    let lang = crate::base::i18n::current_lang();
    name_values(&mut history, "resident_id", |resident| {
        allocations
            .iter()
            .find(|a| a.resident_id.to_string() == resident)
            .map(|a| {
                crate::residents::pages::resident_name(
                    crate::base::i18n::I18n { lang },
                    &a.name_km,
                    &a.name_latin,
                )
            })
    });
    // The beds a move came from or went to.
    let mut beds = std::collections::HashMap::new();
    for change in history
        .iter()
        .flat_map(|e| &e.changes)
        .filter(|c| c.field == "bed_id")
    {
        for bed in [&change.before, &change.after].into_iter().flatten() {
            if let (false, Ok(bed_id)) = (beds.contains_key(bed), bed.parse::<i64>()) {
                let place = super::repo::bed(conn, bed_id)
                    .await?
                    .map(|b| b.place.label());
                beds.insert(bed.clone(), place);
            }
        }
    }
    name_values(&mut history, "bed_id", |bed| {
        beds.get(bed).cloned().flatten()
    });
    Ok(history)
}

/// Puts a resident without a bed in a bed from `on`, arriving at `time` (16:00 when none is
/// given). House staff and admin.
#[server(endpoint = "assign_bed")]
pub async fn assign_bed(
    resident_id: i64,
    bed_id: i64,
    on: String,
    #[server(default)] time: String,
    #[server(default)] reason: String,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    let change = BedChange {
        resident_id,
        bed_id,
        on,
        time,
        reason,
        back,
    };
    change.apply(w, super::model::Placing::Assign).await
}

/// Moves a resident to another bed on `on` at `time` (16:00 when none is given). House staff
/// and admin.
#[server(endpoint = "move_bed")]
pub async fn move_bed(
    resident_id: i64,
    bed_id: i64,
    on: String,
    #[server(default)] time: String,
    #[server(default)] reason: String,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    let change = BedChange {
        resident_id,
        bed_id,
        on,
        time,
        reason,
        back,
    };
    change.apply(w, super::model::Placing::Move).await
}

/// An assignment or a move as the form posts it.
#[cfg(feature = "ssr")]
struct BedChange {
    resident_id: i64,
    bed_id: i64,
    on: String,
    time: String,
    reason: String,
    back: String,
}

#[cfg(feature = "ssr")]
impl BedChange {
    /// Reads the day and time, makes the change, and goes back where the form came from.
    async fn apply(
        self,
        w: crate::base::write::Write,
        how: super::model::Placing,
    ) -> Result<(), AppError> {
        use super::model::Placing;
        use super::record::{assign, move_resident};

        let on = crate::base::fields::date_field(&self.on, "on")?;
        let on = super::model::Changeover::read(on, &self.time, super::model::usual_arrival())?;
        let (pool, by, today) = (&w.pool, &w.by, w.today);
        let (resident, bed, reason) = (self.resident_id, self.bed_id, self.reason.as_str());
        match how {
            Placing::Assign => assign(pool, by, resident, bed, on, reason, today).await?,
            Placing::Move => move_resident(pool, by, resident, bed, on, reason, today).await?,
        };
        leptos_axum::redirect(&after_change(&self.back, bed));
        Ok(())
    }
}

/// Frees a bed from `on` (the first night the resident is not in it), leaving at `time`
/// (10:00 when none is given). House staff and admin.
#[server(endpoint = "release_bed")]
pub async fn release_bed(
    bed_id: i64,
    on: String,
    #[server(default)] time: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    let on = crate::base::fields::date_field(&on, "on")?;
    let on = super::model::Changeover::read(on, &time, super::model::usual_departure())?;
    super::record::release(&w.pool, &w.by, bed_id, on, w.today).await?;
    crate::base::write::saved(&format!("/beds/{bed_id}"))
}

/// Puts a bed in or out of service. Admin.
#[server(endpoint = "set_bed_service")]
pub async fn set_bed_service(
    bed_id: i64,
    #[server(default)] in_service: Option<String>,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::Admin]).await?;
    super::record::set_in_service(&w.pool, &w.by, bed_id, in_service.is_some()).await?;
    crate::base::write::saved(&format!("/beds/{bed_id}"))
}

/// Beds by facility and sex on a day (today when none is given). Every staff role.
#[server(endpoint = "get_occupancy")]
pub async fn get_occupancy(
    #[server(default)] on: String,
) -> Result<(NaiveDate, Vec<OccupancyRow>), AppError> {
    crate::base::guard::require(&Role::CENTRE).await?;
    let day = if on.trim().is_empty() {
        crate::base::clock::today_at_centre()
    } else {
        crate::base::fields::date_field(&on, "on")?
    };
    let mut conn = crate::base::db::pool()?.acquire().await?;
    Ok((day, super::repo::occupancy(&mut conn, day).await?))
}

/// Adds a building to a facility. Admin.
#[server(endpoint = "create_building")]
pub async fn create_building(
    facility_id: i64,
    code: String,
    name_km: String,
    name_latin: String,
) -> Result<(), AppError> {
    use super::model::{check_code, check_names};

    let w = crate::base::write::staff(&[Role::Admin]).await?;
    let code = check_code(&code)?;
    let (km, latin) = check_names(&name_km, &name_latin)?;
    let id = super::record::add_building(&w.pool, &w.by, facility_id, &code, (&km, &latin)).await?;
    crate::base::write::saved(&format!("/buildings/{id}"))
}

/// Adds a room with its beds to a building. Admin.
#[server(endpoint = "create_room")]
pub async fn create_room(
    building_id: i64,
    code: String,
    sex: String,
    min_age: i32,
    max_age: i32,
    beds: u32,
) -> Result<(), AppError> {
    use super::model::{check_code, check_room};

    let w = crate::base::write::staff(&[Role::Admin]).await?;
    let code = check_code(&code)?;
    let sex = crate::residents::model::Sex::parse(&sex)
        .ok_or(crate::residents::model::ResidentProblem::Sex)?;
    check_room(min_age, max_age, beds)?;
    super::record::add_room(
        &w.pool,
        &w.by,
        building_id,
        &code,
        sex,
        (min_age, max_age),
        beds,
    )
    .await?;
    crate::base::write::saved(&format!("/buildings/{building_id}"))
}

/// Adds one bed to a room. Admin.
#[server(endpoint = "create_bed")]
pub async fn create_bed(room_id: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::Admin]).await?;
    let building = super::record::add_bed(&w.pool, &w.by, room_id).await?;
    crate::base::write::saved(&format!("/buildings/{building}"))
}

/// Where to go after a bed changed: back to the page it came from if that is one of ours.
#[cfg(feature = "ssr")]
fn after_change(back: &str, bed_id: i64) -> String {
    let back = crate::base::fields::local_path(back);
    if back == "/" {
        format!("/beds/{bed_id}?saved=1")
    } else {
        back.to_owned()
    }
}
