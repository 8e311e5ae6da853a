//! SQL of the canteen: settings, meal services, extra heads, frozen counts, served records,
//! ingredients, recipes and menus. Resident counts come from `presence::repo`.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::model::{
    Extra, ExtraKind, Frozen, Heads, MealService, NewExtra, RecipeLine, Settings, Unit,
};
use crate::base::db::{decode, hhmm};
use crate::residents::model::Diet;

fn time(raw: &str) -> Result<NaiveTime, sqlx::Error> {
    decode(super::model::parse_time(raw), "time", raw)
}

/// The canteen's settings.
pub async fn settings(conn: &mut SqliteConnection) -> Result<Settings, sqlx::Error> {
    let row =
        sqlx::query!("SELECT cutoff_time, served_margin_percent FROM canteen_setting WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    Ok(Settings {
        cutoff: time(&row.cutoff_time)?,
        margin_percent: row.served_margin_percent,
    })
}

/// Saves the settings.
pub async fn set_settings(
    tx: &mut Transaction<'_, Sqlite>,
    settings: &Settings,
) -> Result<(), sqlx::Error> {
    let cutoff = hhmm(settings.cutoff);
    sqlx::query!(
        "UPDATE canteen_setting SET cutoff_time = ?, served_margin_percent = ? WHERE id = 1",
        cutoff,
        settings.margin_percent
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The meal services in serving order; the inactive ones too when `all`.
pub async fn services(
    conn: &mut SqliteConnection,
    all: bool,
) -> Result<Vec<MealService>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", name_km, name_en, name_fr, serves_at, boarding_days,
                  residence_days, active AS "active: bool"
           FROM meal_service WHERE active = 1 OR ? ORDER BY serves_at, id"#,
        all
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(MealService {
                id: row.id,
                name_km: row.name_km,
                name_en: row.name_en,
                name_fr: row.name_fr,
                serves_at: time(&row.serves_at)?,
                boarding_days: u8::try_from(row.boarding_days).unwrap_or(0),
                residence_days: u8::try_from(row.residence_days).unwrap_or(0),
                active: row.active,
            })
        })
        .collect()
}

/// Adds a meal service (its `id` is ignored) or saves one; returns its id.
pub async fn save_service(
    tx: &mut Transaction<'_, Sqlite>,
    service: &MealService,
) -> Result<i64, sqlx::Error> {
    let serves_at = hhmm(service.serves_at);
    let (boarding, residence) = (
        i64::from(service.boarding_days),
        i64::from(service.residence_days),
    );
    if service.id == 0 {
        let id = sqlx::query_scalar!(
            r#"INSERT INTO meal_service (name_km, name_en, name_fr, serves_at, boarding_days,
                                       residence_days, active)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
            service.name_km,
            service.name_en,
            service.name_fr,
            serves_at,
            boarding,
            residence,
            service.active
        )
        .fetch_one(&mut **tx)
        .await?;
        return Ok(id);
    }
    let done = sqlx::query!(
        "UPDATE meal_service SET name_km = ?, name_en = ?, name_fr = ?, serves_at = ?,
                boarding_days = ?, residence_days = ?, active = ?
         WHERE id = ?",
        service.name_km,
        service.name_en,
        service.name_fr,
        serves_at,
        boarding,
        residence,
        service.active,
        service.id
    )
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(sqlx::Error::RowNotFound);
    }
    Ok(service.id)
}

/// A row of `extra_heads`, as read.
struct ExtraRow {
    id: i64,
    day: NaiveDate,
    meal_service_id: i64,
    heads: i64,
    diet: String,
    kind: String,
    reason: String,
    source: Option<String>,
    created_at: i64,
}

impl ExtraRow {
    fn extra(self) -> Result<Extra, sqlx::Error> {
        Ok(Extra {
            id: self.id,
            added: NewExtra {
                day: self.day,
                meal_service_id: self.meal_service_id,
                heads: self.heads,
                diet: decode(Diet::parse(&self.diet), "diet", &self.diet)?,
                kind: decode(ExtraKind::parse(&self.kind), "kind", &self.kind)?,
                reason: self.reason,
                source: self.source,
            },
            created_at: self.created_at,
        })
    }
}

/// Extra heads from `from` to `until` (inclusive).
pub async fn extras(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Extra>, sqlx::Error> {
    let rows = sqlx::query_as!(
        ExtraRow,
        r#"SELECT id AS "id!", day AS "day: NaiveDate", meal_service_id, heads, diet, kind,
                  reason, source, created_at
           FROM extra_heads WHERE day BETWEEN ? AND ? ORDER BY day, meal_service_id, id"#,
        from,
        until
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(ExtraRow::extra).collect()
}

/// One entry of extra heads.
pub async fn extra(conn: &mut SqliteConnection, id: i64) -> Result<Option<Extra>, sqlx::Error> {
    let row = sqlx::query_as!(
        ExtraRow,
        r#"SELECT id AS "id!", day AS "day: NaiveDate", meal_service_id, heads, diet, kind,
                  reason, source, created_at
           FROM extra_heads WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(ExtraRow::extra).transpose()
}

/// Extra heads added by another domain's record (`visit_booking:42`).
pub async fn extras_from(
    conn: &mut SqliteConnection,
    source: &str,
) -> Result<Vec<Extra>, sqlx::Error> {
    let rows = sqlx::query_as!(
        ExtraRow,
        r#"SELECT id AS "id!", day AS "day: NaiveDate", meal_service_id, heads, diet, kind,
                  reason, source, created_at
           FROM extra_heads WHERE source = ? ORDER BY id"#,
        source
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(ExtraRow::extra).collect()
}

/// Stores extra heads; returns the id.
pub async fn insert_extra(
    tx: &mut Transaction<'_, Sqlite>,
    extra: &NewExtra,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (diet, kind) = (extra.diet.code(), extra.kind.code());
    sqlx::query_scalar!(
        r#"INSERT INTO extra_heads (day, meal_service_id, heads, diet, kind, reason, source,
                                  created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        extra.day,
        extra.meal_service_id,
        extra.heads,
        diet,
        kind,
        extra.reason,
        extra.source,
        now
    )
    .fetch_one(&mut **tx)
    .await
}

/// Removes extra heads.
pub async fn delete_extra(tx: &mut Transaction<'_, Sqlite>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM extra_heads WHERE id = ?", id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The frozen counts from `from` to `until`, by day and meal.
pub async fn freezes(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<BTreeMap<(NaiveDate, i64), Frozen>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT day AS "day: NaiveDate", meal_service_id, frozen_at, resident_ids, heads
           FROM meal_freeze WHERE day BETWEEN ? AND ?"#,
        from,
        until
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let json = |error| sqlx::Error::Decode(Box::new(error));
            let frozen = Frozen {
                at: r.frozen_at,
                resident_ids: serde_json::from_str(&r.resident_ids).map_err(json)?,
                heads: serde_json::from_str(&r.heads).map_err(json)?,
            };
            Ok(((r.day, r.meal_service_id), frozen))
        })
        .collect()
}

/// Freezes a day's meal unless it already is (the first freeze stands); true if this one
/// froze it.
pub async fn insert_freeze(
    conn: &mut SqliteConnection,
    day: NaiveDate,
    meal_service_id: i64,
    at: i64,
    resident_ids: &[i64],
    heads: &Heads,
) -> Result<bool, sqlx::Error> {
    let json = |error| sqlx::Error::Encode(Box::new(error));
    let ids = serde_json::to_string(resident_ids).map_err(json)?;
    let heads = serde_json::to_string(heads).map_err(json)?;
    let done = sqlx::query!(
        "INSERT INTO meal_freeze (day, meal_service_id, frozen_at, resident_ids, heads)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        day,
        meal_service_id,
        at,
        ids,
        heads
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A served record: how many, the note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
    /// How many were served.
    pub served: i64,
    /// The manager's note.
    pub note: String,
}

/// What was served from `from` to `until`, by day and meal.
pub async fn served(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<BTreeMap<(NaiveDate, i64), Served>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT day AS "day: NaiveDate", meal_service_id, served, note
           FROM meal_served WHERE day BETWEEN ? AND ?"#,
        from,
        until
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let record = Served {
                served: r.served,
                note: r.note,
            };
            ((r.day, r.meal_service_id), record)
        })
        .collect())
}

/// Records what was served at a meal (replacing an earlier record).
pub async fn set_served(
    tx: &mut Transaction<'_, Sqlite>,
    day: NaiveDate,
    meal_service_id: i64,
    record: &Served,
    by: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO meal_served (day, meal_service_id, served, note, recorded_by, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (day, meal_service_id) DO UPDATE
         SET served = excluded.served, note = excluded.note,
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        day,
        meal_service_id,
        record.served,
        record.note,
        by,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An ingredient.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ingredient {
    pub id: i64,
    /// Its name in Khmer.
    pub name_km: String,
    /// Its name in English.
    pub name_en: String,
    /// Its name in French.
    pub name_fr: String,
    /// What it is counted in.
    pub unit: Unit,
}

/// Every ingredient, by English name.
pub async fn ingredients(conn: &mut SqliteConnection) -> Result<Vec<Ingredient>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", name_km, name_en, name_fr, unit FROM ingredient
           ORDER BY name_en COLLATE NOCASE"#
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Ingredient {
                id: r.id,
                name_km: r.name_km,
                name_en: r.name_en,
                name_fr: r.name_fr,
                unit: decode(Unit::parse(&r.unit), "unit", &r.unit)?,
            })
        })
        .collect()
}

/// Adds an ingredient (its `id` is ignored); returns its id.
pub async fn insert_ingredient(
    tx: &mut Transaction<'_, Sqlite>,
    ingredient: &Ingredient,
) -> Result<i64, sqlx::Error> {
    let unit = ingredient.unit.code();
    sqlx::query_scalar!(
        r#"INSERT INTO ingredient (name_km, name_en, name_fr, unit) VALUES (?, ?, ?, ?)
           RETURNING id AS "id!: i64""#,
        ingredient.name_km,
        ingredient.name_en,
        ingredient.name_fr,
        unit
    )
    .fetch_one(&mut **tx)
    .await
}

/// A recipe's names.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recipe {
    pub id: i64,
    /// Its name in Khmer.
    pub name_km: String,
    /// Its name in English.
    pub name_en: String,
    /// Its name in French.
    pub name_fr: String,
}

/// Every recipe, by English name.
pub async fn recipes(conn: &mut SqliteConnection) -> Result<Vec<Recipe>, sqlx::Error> {
    sqlx::query_as!(
        Recipe,
        r#"SELECT id AS "id!", name_km, name_en, name_fr FROM recipe
           ORDER BY name_en COLLATE NOCASE"#
    )
    .fetch_all(&mut *conn)
    .await
}

/// Adds a recipe (`id` 0) or renames one; returns its id.
pub async fn save_recipe(
    tx: &mut Transaction<'_, Sqlite>,
    recipe: &Recipe,
) -> Result<i64, sqlx::Error> {
    if recipe.id == 0 {
        return sqlx::query_scalar!(
            r#"INSERT INTO recipe (name_km, name_en, name_fr) VALUES (?, ?, ?)
               RETURNING id AS "id!: i64""#,
            recipe.name_km,
            recipe.name_en,
            recipe.name_fr
        )
        .fetch_one(&mut **tx)
        .await;
    }
    let done = sqlx::query!(
        "UPDATE recipe SET name_km = ?, name_en = ?, name_fr = ? WHERE id = ?",
        recipe.name_km,
        recipe.name_en,
        recipe.name_fr,
        recipe.id
    )
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(sqlx::Error::RowNotFound);
    }
    Ok(recipe.id)
}

/// Every recipe's lines, by recipe.
pub async fn recipe_lines(
    conn: &mut SqliteConnection,
) -> Result<BTreeMap<i64, Vec<RecipeLine>>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT recipe_id, ingredient_id, diet, per_head_milli FROM recipe_line
         ORDER BY recipe_id, ingredient_id, diet"
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out: BTreeMap<i64, Vec<RecipeLine>> = BTreeMap::new();
    for r in rows {
        let diet = if r.diet.is_empty() {
            None
        } else {
            Some(decode(Diet::parse(&r.diet), "diet", &r.diet)?)
        };
        out.entry(r.recipe_id).or_default().push(RecipeLine {
            ingredient_id: r.ingredient_id,
            diet,
            per_head_milli: r.per_head_milli,
        });
    }
    Ok(out)
}

/// Sets a recipe's line (adding or replacing it).
pub async fn set_recipe_line(
    tx: &mut Transaction<'_, Sqlite>,
    recipe_id: i64,
    line: &RecipeLine,
) -> Result<(), sqlx::Error> {
    let diet = line.diet.map_or("", Diet::code);
    sqlx::query!(
        "INSERT INTO recipe_line (recipe_id, ingredient_id, diet, per_head_milli)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (recipe_id, ingredient_id, diet) DO UPDATE
         SET per_head_milli = excluded.per_head_milli",
        recipe_id,
        line.ingredient_id,
        diet,
        line.per_head_milli
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes a recipe's line; true if there was one.
pub async fn delete_recipe_line(
    tx: &mut Transaction<'_, Sqlite>,
    recipe_id: i64,
    ingredient_id: i64,
    diet: Option<Diet>,
) -> Result<bool, sqlx::Error> {
    let diet = diet.map_or("", Diet::code);
    let done = sqlx::query!(
        "DELETE FROM recipe_line WHERE recipe_id = ? AND ingredient_id = ? AND diet = ?",
        recipe_id,
        ingredient_id,
        diet
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The menus from `from` to `until`: recipe ids by day and meal.
pub async fn menus(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<BTreeMap<(NaiveDate, i64), Vec<i64>>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.day AS "day: NaiveDate", m.meal_service_id, m.recipe_id
           FROM menu_item m JOIN recipe r ON r.id = m.recipe_id
           WHERE m.day BETWEEN ? AND ? ORDER BY m.day, m.meal_service_id, r.name_en"#,
        from,
        until
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out: BTreeMap<(NaiveDate, i64), Vec<i64>> = BTreeMap::new();
    for r in rows {
        out.entry((r.day, r.meal_service_id))
            .or_default()
            .push(r.recipe_id);
    }
    Ok(out)
}

/// Puts a recipe on a day's menu; false if it already was.
pub async fn add_menu_item(
    tx: &mut Transaction<'_, Sqlite>,
    day: NaiveDate,
    meal_service_id: i64,
    recipe_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO menu_item (day, meal_service_id, recipe_id) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING",
        day,
        meal_service_id,
        recipe_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes a recipe off a day's menu; true if it was on it.
pub async fn delete_menu_item(
    tx: &mut Transaction<'_, Sqlite>,
    day: NaiveDate,
    meal_service_id: i64,
    recipe_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM menu_item WHERE day = ? AND meal_service_id = ? AND recipe_id = ?",
        day,
        meal_service_id,
        recipe_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
