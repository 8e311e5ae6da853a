//! Changes to canteen records, each with its audit entry in the same transaction: extra
//! heads, served records, menus, recipes, meal services and settings.
//!
//! **The extra-heads hook**: another domain (visits, for family-day visitors) adds heads with
//! [`add_extra`] inside its own transaction, naming its record in `NewExtra::source`
//! (`visit_booking:42`), and takes them back with [`remove_extras_from`]. The counts read
//! them like any other extra heads; nothing here needs to change.

use chrono::NaiveDate;
use serde_json::json;
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::model::{MealService, NewExtra, RecipeLine, Settings};
use super::repo::{self, Ingredient, Recipe, Served};
use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with, record};
use crate::base::db::{Refusal, begin_write, on_constraint};
use crate::base::error::AppError;
use crate::base::i18n::Key;
use crate::residents::model::Diet;

fn named_error(error: sqlx::Error) -> AppError {
    on_constraint(
        error,
        [
            (
                Refusal::Unique(None),
                AppError::conflict(Key::ProblemNameTaken),
            ),
            (Refusal::Missing, AppError::NotFound),
        ],
    )
}

fn missing_reference(error: sqlx::Error) -> AppError {
    on_constraint(error, [(Refusal::Missing, AppError::NotFound)])
}

fn extra_json(extra: &NewExtra) -> serde_json::Value {
    json!({
        "day": extra.day, "meal_service_id": extra.meal_service_id, "heads": extra.heads,
        "diet": extra.diet.code(), "kind": extra.kind.code(), "reason": extra.reason,
        "source": extra.source,
    })
}

/// Adds extra heads in the caller's transaction, with their audit entry; returns the id.
pub async fn add_extra(
    tx: &mut Transaction<'_, Sqlite>,
    by: &Writer,
    extra: &NewExtra,
    now: i64,
) -> Result<i64, AppError> {
    let id = repo::insert_extra(tx, extra, now)
        .await
        .map_err(missing_reference)?;
    let change = Change {
        entity: "extra_heads",
        entity_id: id.to_string(),
        action: "create",
        before: None,
        after: Some(extra_json(extra)),
    };
    record(tx, &by.actor, change).await?;
    Ok(id)
}

/// Takes back, in the caller's transaction, the extra heads its record `source` added.
pub async fn remove_extras_from(
    tx: &mut Transaction<'_, Sqlite>,
    by: &Writer,
    source: &str,
) -> Result<usize, AppError> {
    let extras = repo::extras_from(tx, source).await?;
    for extra in &extras {
        delete_extra(tx, by, extra).await?;
    }
    Ok(extras.len())
}

async fn delete_extra(
    tx: &mut Transaction<'_, Sqlite>,
    by: &Writer,
    extra: &super::model::Extra,
) -> Result<(), AppError> {
    repo::delete_extra(tx, extra.id).await?;
    let change = Change {
        entity: "extra_heads",
        entity_id: extra.id.to_string(),
        action: "delete",
        before: Some(extra_json(&extra.added)),
        after: None,
    };
    record(tx, &by.actor, change).await?;
    Ok(())
}

/// Extra heads typed in by the canteen, in their own transaction.
pub async fn add_typed_extra(
    pool: &SqlitePool,
    by: &Writer,
    extra: &NewExtra,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let id = add_extra(&mut tx, by, extra, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes extra heads typed in by the canteen; returns their day and meal. Heads another
/// domain added are refused: they go when that record changes (a visit booking is cancelled).
pub async fn remove_typed_extra(
    pool: &SqlitePool,
    by: &Writer,
    id: i64,
) -> Result<(NaiveDate, i64), AppError> {
    let mut tx = begin_write(pool).await?;
    let extra = repo::extra(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if extra.added.source.is_some() {
        return Err(AppError::Conflict {
            message: Key::ProblemExtraFromVisit,
        });
    }
    delete_extra(&mut tx, by, &extra).await?;
    tx.commit().await?;
    Ok((extra.added.day, extra.added.meal_service_id))
}

/// Records what was served at a day's meal, replacing an earlier figure (kept in the audit).
pub async fn record_served(
    pool: &SqlitePool,
    by: &Writer,
    (day, meal_service_id): (NaiveDate, i64),
    served: &Served,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let before = repo::served(&mut tx, day, day)
        .await?
        .remove(&(day, meal_service_id));
    repo::set_served(&mut tx, day, meal_service_id, served, by.staff_id, now)
        .await
        .map_err(missing_reference)?;
    let change = Change {
        entity: "meal_served",
        entity_id: format!("{day}/{meal_service_id}"),
        action: if before.is_some() { "update" } else { "create" },
        before: before.map(|b| json!({ "served": b.served, "note": b.note })),
        after: Some(json!({ "served": served.served, "note": served.note })),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Puts a recipe on a day's meal (`add`) or takes it off.
pub async fn change_menu(
    pool: &SqlitePool,
    by: &Writer,
    (day, meal_service_id): (NaiveDate, i64),
    recipe_id: i64,
    add: bool,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let changed = if add {
        repo::add_menu_item(&mut tx, day, meal_service_id, recipe_id)
            .await
            .map_err(missing_reference)?
    } else {
        repo::delete_menu_item(&mut tx, day, meal_service_id, recipe_id).await?
    };
    if changed {
        let item =
            json!({ "day": day, "meal_service_id": meal_service_id, "recipe_id": recipe_id });
        let change = Change {
            entity: "menu_item",
            entity_id: format!("{day}/{meal_service_id}/{recipe_id}"),
            action: if add { "create" } else { "delete" },
            before: (!add).then(|| item.clone()),
            after: add.then_some(item),
        };
        record(&mut tx, &by.actor, change).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Adds a recipe (`id` 0) or renames one; returns its id.
pub async fn save_recipe(pool: &SqlitePool, by: &Writer, recipe: &Recipe) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let id = repo::save_recipe(&mut tx, recipe)
        .await
        .map_err(named_error)?;
    let change = Change {
        entity: "recipe",
        entity_id: id.to_string(),
        action: if recipe.id == 0 { "create" } else { "update" },
        before: None,
        after: Some(json!({
            "name_km": recipe.name_km, "name_en": recipe.name_en, "name_fr": recipe.name_fr,
        })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Adds an ingredient; returns its id.
pub async fn add_ingredient(
    pool: &SqlitePool,
    by: &Writer,
    ingredient: &Ingredient,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let id = repo::insert_ingredient(&mut tx, ingredient)
        .await
        .map_err(named_error)?;
    let change = Change {
        entity: "ingredient",
        entity_id: id.to_string(),
        action: "create",
        before: None,
        after: Some(json!({
            "name_km": ingredient.name_km, "name_en": ingredient.name_en,
            "name_fr": ingredient.name_fr, "unit": ingredient.unit.code(),
        })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Sets a recipe line (`Some` quantity) or removes it (`None`).
pub async fn change_recipe_line(
    pool: &SqlitePool,
    by: &Writer,
    recipe_id: i64,
    (ingredient_id, diet): (i64, Option<Diet>),
    per_head_milli: Option<i64>,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let key = format!(
        "{recipe_id}/{ingredient_id}/{}",
        diet.map_or("all", Diet::code)
    );
    let (action, after) = match per_head_milli {
        Some(per_head_milli) => {
            let line = RecipeLine {
                ingredient_id,
                diet,
                per_head_milli,
            };
            repo::set_recipe_line(&mut tx, recipe_id, &line)
                .await
                .map_err(missing_reference)?;
            ("update", Some(json!({ "per_head_milli": per_head_milli })))
        }
        None => {
            if !repo::delete_recipe_line(&mut tx, recipe_id, ingredient_id, diet).await? {
                return Err(AppError::NotFound);
            }
            ("delete", None)
        }
    };
    let change = Change {
        entity: "recipe_line",
        entity_id: key,
        action,
        before: None,
        after,
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Adds a meal service (`id` 0) or changes one; returns its id.
pub async fn save_service(
    pool: &SqlitePool,
    by: &Writer,
    service: &MealService,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let id = repo::save_service(&mut tx, service).await?;
    let change = Change {
        entity: "meal_service",
        entity_id: id.to_string(),
        action: if service.id == 0 { "create" } else { "update" },
        before: None,
        after: Some(json!({
            "name_km": service.name_km, "name_en": service.name_en, "name_fr": service.name_fr,
            "serves_at": service.serves_at.format("%H:%M").to_string(),
            "boarding_days": service.boarding_days, "residence_days": service.residence_days,
            "active": service.active,
        })),
    };
    commit_with(tx, &by.actor, change).await?;
    Ok(id)
}

/// Saves the cut-off time and the served margin.
pub async fn save_settings(
    pool: &SqlitePool,
    by: &Writer,
    settings: &Settings,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let before = repo::settings(&mut tx).await?;
    repo::set_settings(&mut tx, settings).await?;
    let show = |s: &Settings| json!({ "cutoff": s.cutoff.format("%H:%M").to_string(), "margin_percent": s.margin_percent });
    let change = Change {
        entity: "canteen_setting",
        entity_id: "1".into(),
        action: "update",
        before: Some(show(&before)),
        after: Some(show(settings)),
    };
    Ok(commit_with(tx, &by.actor, change).await?)
}
