//! The writes of housing. Changing who sleeps where: assign, move, release, and beds in and
//! out of service; and the admin's changes to the place itself: new buildings, rooms and beds.
//! Each checks the rules first for a clear answer, writes in one `BEGIN IMMEDIATE`
//! transaction with its audit entry, and reads a refusal by the database (the hard rules, a
//! code already used, or a race lost to another tablet) back as the same clear answer.

use chrono::{Duration, NaiveDate};
use sqlx::{SqliteConnection, SqlitePool};

use super::model::{
    AllocationProblem, Changeover, LoanProblem, PlaceProblem, Warning, check_loan_nights,
    check_override, warnings,
};
use super::repo;
use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with, record};
use crate::base::db::Refusal::{Missing, Rule, Unique};
use crate::base::db::{begin_write, on_constraint};
use crate::base::error::AppError;
use crate::residents::model::Sex;

/// How far ahead an assignment may start: a child expected next month is booked in.
const MAX_DAYS_AHEAD: i64 = 30;

/// A database refusal by one of the allocation rules, as the user's answer.
pub fn allocation_error(error: sqlx::Error) -> AppError {
    use AllocationProblem::{BedOccupied, BedTaken, OutOfService, ResidentHoused, SexMismatch};
    on_constraint(
        error,
        [
            (Rule("allocation_bed_taken"), BedTaken.into()),
            (Rule("allocation_current_bed"), BedTaken.into()),
            (Rule("allocation_overlap"), BedTaken.into()),
            (Rule("allocation_resident_housed"), ResidentHoused.into()),
            (Rule("allocation_current_resident"), ResidentHoused.into()),
            (Rule("allocation_sex_mismatch"), SexMismatch.into()),
            (Rule("allocation_bed_out_of_service"), OutOfService.into()),
            (Rule("bed_occupied"), BedOccupied.into()),
            (Unique(Some("allocation.bed_id")), BedTaken.into()),
            (
                Unique(Some("allocation.resident_id")),
                ResidentHoused.into(),
            ),
        ],
    )
}

/// What an allocation looks like in the audit log.
fn entry(
    resident_id: i64,
    bed_id: i64,
    starts: Changeover,
    reason: Option<&str>,
) -> serde_json::Value {
    serde_json::json!({
        "resident_id": resident_id,
        "bed_id": bed_id,
        "on": starts.on,
        "arrives_at": starts.clock(),
        "override_reason": reason,
    })
}

/// An allocation being left, as the audit log's "before": who, which bed, since when.
fn held(resident_id: i64, bed_id: i64, from_on: NaiveDate) -> serde_json::Value {
    serde_json::json!({ "resident_id": resident_id, "bed_id": bed_id, "on": from_on })
}

/// Checks that `resident_id` may sleep in `bed_id` from `on`, and returns the soft rules it
/// breaks. `moving` is true when the resident's own current bed is being left.
async fn check_placement(
    conn: &mut SqliteConnection,
    resident_id: i64,
    bed_id: i64,
    on: NaiveDate,
    today: NaiveDate,
    moving: bool,
) -> Result<Vec<Warning>, AppError> {
    let (resident, stay) = repo::placement(conn, resident_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if stay.left_on.is_some() {
        return Err(AllocationProblem::ResidentLeft.into());
    }
    if on < stay.admitted_on {
        return Err(AllocationProblem::Date.into());
    }
    let bed = repo::bed(conn, bed_id).await?.ok_or(AppError::NotFound)?;
    if on > today + Duration::days(MAX_DAYS_AHEAD) {
        return Err(AllocationProblem::Date.into());
    }
    if !bed.in_service {
        return Err(AllocationProblem::OutOfService.into());
    }
    if repo::current_of_bed(conn, bed_id).await?.is_some() {
        return Err(AllocationProblem::BedTaken.into());
    }
    if !moving
        && repo::current_of_resident(conn, resident_id)
            .await?
            .is_some()
    {
        return Err(AllocationProblem::ResidentHoused.into());
    }
    if bed.room.sex != resident.sex {
        return Err(AllocationProblem::SexMismatch.into());
    }
    Ok(warnings(&resident, &bed.room, on))
}

/// Puts a resident without a bed in a free bed, arriving at `starts`. Soft rules that are
/// broken need a `reason`. Returns the allocation's id.
pub async fn assign(
    pool: &SqlitePool,
    by: &Writer,
    resident_id: i64,
    bed_id: i64,
    starts: Changeover,
    reason: &str,
    today: NaiveDate,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let on = starts.on;
    let warnings = check_placement(&mut tx, resident_id, bed_id, on, today, false).await?;
    let reason = check_override(&warnings, reason)?;
    let id = repo::insert_allocation(&mut tx, resident_id, bed_id, starts, reason.as_deref())
        .await
        .map_err(allocation_error)?;
    let change = Change {
        entity: "allocation",
        entity_id: id.to_string(),
        action: "assign",
        before: None,
        after: Some(entry(resident_id, bed_id, starts, reason.as_deref())),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Moves a resident from their bed to another at `when`: the old allocation ends and the new
/// one starts then, in one transaction, so they are never without a bed in between. Returns
/// the new allocation's id.
pub async fn move_resident(
    pool: &SqlitePool,
    by: &Writer,
    resident_id: i64,
    to_bed_id: i64,
    when: Changeover,
    reason: &str,
    today: NaiveDate,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let on = when.on;
    let (old_id, old_bed, from_on) = repo::current_of_resident(&mut tx, resident_id)
        .await?
        .ok_or(AllocationProblem::NoBed)?;
    if on < from_on || on > today {
        return Err(AllocationProblem::Date.into());
    }
    if old_bed == to_bed_id {
        return Err(AllocationProblem::BedTaken.into());
    }
    let warnings = check_placement(&mut tx, resident_id, to_bed_id, on, today, true).await?;
    let reason = check_override(&warnings, reason)?;
    repo::end_allocation(&mut tx, old_id, when)
        .await
        .map_err(allocation_error)?;
    let id = repo::insert_allocation(&mut tx, resident_id, to_bed_id, when, reason.as_deref())
        .await
        .map_err(allocation_error)?;
    let change = Change {
        entity: "allocation",
        entity_id: id.to_string(),
        action: "move",
        before: Some(held(resident_id, old_bed, from_on)),
        after: Some(entry(resident_id, to_bed_id, when, reason.as_deref())),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Ends the allocation of a bed, leaving at `ends`: its day is the first night the resident
/// is not in it.
pub async fn release(
    pool: &SqlitePool,
    by: &Writer,
    bed_id: i64,
    ends: Changeover,
    today: NaiveDate,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let (id, resident_id, from_on) = repo::current_of_bed(&mut tx, bed_id)
        .await?
        .ok_or(AllocationProblem::NoBed)?;
    if ends.on < from_on || ends.on > today + Duration::days(MAX_DAYS_AHEAD) {
        return Err(AllocationProblem::Date.into());
    }
    end_current(&mut tx, by, id, resident_id, bed_id, from_on, ends).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends a current allocation in `tx`, leaving at `ends` (not before its first day), and
/// records it (also used when a resident leaves).
pub async fn end_current(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    by: &Writer,
    id: i64,
    resident_id: i64,
    bed_id: i64,
    from_on: NaiveDate,
    ends: Changeover,
) -> Result<(), AppError> {
    let ends = Changeover {
        on: ends.on.max(from_on),
        ..ends
    };
    repo::end_allocation(tx, id, ends)
        .await
        .map_err(allocation_error)?;
    let change = Change {
        entity: "allocation",
        entity_id: id.to_string(),
        action: "release",
        before: Some(held(resident_id, bed_id, from_on)),
        after: Some(serde_json::json!({ "until_on": ends.on, "leaves_at": ends.clock() })),
    };
    record(tx, &by.actor, change).await?;
    Ok(())
}

/// Puts a bed in or out of service. An occupied bed cannot go out of service.
pub async fn set_in_service(
    pool: &SqlitePool,
    by: &Writer,
    bed_id: i64,
    in_service: bool,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    if !in_service && repo::current_of_bed(&mut tx, bed_id).await?.is_some() {
        return Err(AllocationProblem::BedOccupied.into());
    }
    if !repo::set_in_service(&mut tx, bed_id, in_service)
        .await
        .map_err(allocation_error)?
    {
        return Err(AppError::NotFound);
    }
    let change = Change {
        entity: "bed",
        entity_id: bed_id.to_string(),
        action: if in_service {
            "in_service"
        } else {
            "out_of_service"
        },
        before: None,
        after: Some(serde_json::json!({ "in_service": in_service })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

fn place_error(error: sqlx::Error) -> AppError {
    on_constraint(
        error,
        [
            (Unique(None), PlaceProblem::CodeTaken.into()),
            (Missing, AppError::NotFound),
        ],
    )
}

/// Adds a building to a facility and returns its id.
pub async fn add_building(
    pool: &SqlitePool,
    by: &Writer,
    facility_id: i64,
    code: &str,
    names: (&str, &str),
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let id = repo::insert_building(&mut tx, facility_id, code, names.0, names.1)
        .await
        .map_err(place_error)?;
    let change = Change {
        entity: "building",
        entity_id: id.to_string(),
        action: "create",
        before: None,
        after: Some(serde_json::json!({
            "facility_id": facility_id, "code": code, "name_km": names.0, "name_latin": names.1,
        })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Adds a room with its beds to a building and returns its id.
pub async fn add_room(
    pool: &SqlitePool,
    by: &Writer,
    building_id: i64,
    code: &str,
    sex: Sex,
    ages: (i32, i32),
    beds: u32,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let id = repo::insert_room(&mut tx, building_id, code, sex, ages, beds)
        .await
        .map_err(place_error)?;
    let change = Change {
        entity: "room",
        entity_id: id.to_string(),
        action: "create",
        before: None,
        after: Some(serde_json::json!({
            "building_id": building_id, "code": code, "sex": sex.code(),
            "min_age": ages.0, "max_age": ages.1, "beds": beds,
        })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Adds one bed to a room, numbered after the others; returns the room's building.
pub async fn add_bed(pool: &SqlitePool, by: &Writer, room_id: i64) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let (bed, building) = repo::insert_next_bed(&mut tx, room_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let change = Change {
        entity: "bed",
        entity_id: bed.to_string(),
        action: "create",
        before: None,
        after: Some(serde_json::json!({ "room_id": room_id })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(building)
}

/// A database refusal by one of the loan rules, as the user's answer.
pub fn loan_error(error: sqlx::Error) -> AppError {
    use AllocationProblem::{OutOfService, SexMismatch};
    use LoanProblem::{BedLent, CamperHasBed, OccupantPresent, OutsideCamp};
    on_constraint(
        error,
        [
            (Rule("bed_loan_outside_camp"), OutsideCamp.into()),
            (Rule("bed_loan_bed_lent"), BedLent.into()),
            (Rule("bed_loan_camper_has_bed"), CamperHasBed.into()),
            (Rule("bed_loan_occupant_present"), OccupantPresent.into()),
            (Rule("allocation_sex_mismatch"), SexMismatch.into()),
            (Rule("allocation_bed_out_of_service"), OutOfService.into()),
            (Missing, AppError::NotFound),
        ],
    )
}

/// A loan as the audit log keeps it.
fn loan_entry(
    camper: &str,
    bed_id: i64,
    (from_on, until_on): (NaiveDate, NaiveDate),
) -> serde_json::Value {
    serde_json::json!({ "camper": camper, "bed_id": bed_id, "from_on": from_on, "until_on": until_on })
}

/// Lends `bed_id` to a camper of the residential camp `camp_id` for the nights from
/// `nights.0` until the morning of `nights.1`: a free bed, or a boarder's who is away on all of
/// them (the schema refuses any other). A camper who already has a lent bed on those nights
/// moves: that loan ends the morning the new one starts (or is emptied, if it had not begun),
/// in the same transaction. Returns the new loan's id.
pub async fn lend(
    pool: &SqlitePool,
    by: &Writer,
    (camp_id, camper_id): (i64, i64),
    bed_id: i64,
    nights: (NaiveDate, NaiveDate),
    (today, now): (NaiveDate, i64),
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let camp = crate::camps::repo::camp(&mut tx, camp_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if camp.kind != crate::camps::model::Kind::Residential {
        return Err(LoanProblem::OutsideCamp.into());
    }
    check_loan_nights(
        nights.0,
        nights.1,
        (camp.rules.starts_on, camp.rules.ends_on),
        today,
    )?;
    let camper = crate::camps::repo::camper(&mut tx, camper_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (from_on, until_on) = nights;
    for (place, held) in
        repo::loans(&mut tx, (None, Some(camp_id), Some(camper_id)), from_on).await?
    {
        if held.from_on >= until_on {
            continue;
        }
        let ends = held.from_on.max(from_on);
        repo::end_loan(&mut tx, held.loan_id, ends)
            .await
            .map_err(loan_error)?;
        let change = Change {
            entity: "bed_loan",
            entity_id: held.loan_id.to_string(),
            action: "give_back",
            before: Some(loan_entry(
                &camper.name_latin,
                place.bed_id,
                (held.from_on, held.until_on),
            )),
            after: Some(serde_json::json!({ "until_on": ends })),
        };
        record(&mut tx, &by.actor, change).await?;
    }
    let id = repo::insert_loan(
        &mut tx,
        (camp_id, camper_id),
        bed_id,
        nights,
        (by.staff_id, now),
    )
    .await
    .map_err(loan_error)?;
    let change = Change {
        entity: "bed_loan",
        entity_id: id.to_string(),
        action: "lend",
        before: None,
        after: Some(loan_entry(&camper.name_latin, bed_id, nights)),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}
