//! The admin's changes to the place itself: new buildings, rooms and beds. Each is written
//! with its audit entry in one transaction; a code already used reads as a clear answer.

use sqlx::SqlitePool;

use super::model::PlaceProblem;
use super::repo;
use crate::base::access::Actor;
use crate::base::audit::{Change, record};
use crate::base::db::{Refusal, begin_write, on_constraint};
use crate::base::error::AppError;
use crate::residents::model::Sex;

fn place_error(error: sqlx::Error) -> AppError {
    on_constraint(
        error,
        [
            (Refusal::Unique(None), PlaceProblem::CodeTaken.into()),
            (Refusal::Missing, AppError::NotFound),
        ],
    )
}

/// Adds a building to a facility and returns its id.
pub async fn add_building(
    pool: &SqlitePool,
    actor: &Actor,
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
    record(&mut tx, actor, change).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds a room with its beds to a building and returns its id.
pub async fn add_room(
    pool: &SqlitePool,
    actor: &Actor,
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
    record(&mut tx, actor, change).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds one bed to a room, numbered after the others; returns the room's building.
pub async fn add_bed(pool: &SqlitePool, actor: &Actor, room_id: i64) -> Result<i64, AppError> {
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
    record(&mut tx, actor, change).await?;
    tx.commit().await?;
    Ok(building)
}
