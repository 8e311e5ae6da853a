//! Server functions of the canteen. Canteen managers and the admin change its records; house
//! staff read them; other roles and families get 403.

use chrono::{NaiveDate, NaiveTime};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{DayCounts, Extra, MealService, ServedFlag, Unit};
use crate::base::error::AppError;
use crate::base::fields::DaysForm;
use crate::base::i18n::Lang;
use crate::residents::model::{Allergen, Diet};

#[cfg(feature = "ssr")]
use crate::base::access::Role;

/// Who changes canteen records.
#[cfg(feature = "ssr")]
pub const KITCHEN: [Role; 2] = [Role::Canteen, Role::Admin];
/// Who reads them.
#[cfg(feature = "ssr")]
pub const READ: [Role; 3] = [Role::Canteen, Role::Admin, Role::HouseStaff];

/// A recipe's names, for menus and lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipeName {
    /// Its id.
    pub id: i64,
    /// In Khmer.
    pub name_km: String,
    /// In English.
    pub name_en: String,
    /// In French.
    pub name_fr: String,
}

impl RecipeName {
    /// Its name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_km, &self.name_en, &self.name_fr)
    }
}

/// A meal that needs a look: served above expected, or over with nothing recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagRow {
    /// The day.
    pub day: NaiveDate,
    /// The meal.
    pub meal_service_id: i64,
    /// Heads served, if recorded.
    pub served: Option<i64>,
    /// What is wrong.
    pub flag: ServedFlag,
}

/// `/canteen`: the 14-day forecast and the meals that need a look.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastPage {
    /// Today at the centre.
    pub today: NaiveDate,
    /// The meals served.
    pub services: Vec<MealService>,
    /// Today and the 13 days after.
    pub days: Vec<DayCounts>,
    /// The last four weeks' meals served above expected or not recorded, newest first.
    pub flags: Vec<FlagRow>,
    /// When a day freezes (the day before).
    pub cutoff: NaiveTime,
    /// Whether the caller may change canteen records.
    pub can_edit: bool,
}

/// `/canteen/day`: one day's meals with everything about them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayPage {
    /// The day.
    pub day: NaiveDate,
    /// Today at the centre.
    pub today: NaiveDate,
    /// The meals served.
    pub services: Vec<MealService>,
    /// The day's counts, one per meal.
    pub counts: DayCounts,
    /// Extra heads.
    pub extras: Vec<Extra>,
    /// Served figures and notes by meal.
    pub served: Vec<(i64, i64, String)>,
    /// Menus: recipes by meal.
    pub menus: Vec<(i64, Vec<RecipeName>)>,
    /// Every recipe, to put on a menu.
    pub recipes: Vec<RecipeName>,
    /// Meals served by now (a served figure can be recorded).
    pub over: Vec<i64>,
    /// Meals whose served figure is overdue.
    pub overdue: Vec<i64>,
    /// The served margin, in percent.
    pub margin_percent: i64,
    /// When the day freezes.
    pub cutoff: NaiveTime,
    /// Whether the caller may change canteen records.
    pub can_edit: bool,
}

/// A child the kitchen must know about: a diet other than the usual, or allergies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenChild {
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// What they eat.
    pub diet: Diet,
    /// What they must not eat.
    pub allergies: Vec<Allergen>,
    /// The meals they are expected at.
    pub meals: Vec<i64>,
}

/// `/canteen/kitchen`: the printable sheet for a day (tomorrow by default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenSheet {
    /// The day.
    pub day: NaiveDate,
    /// The meals served.
    pub services: Vec<MealService>,
    /// The counts, one per meal.
    pub counts: DayCounts,
    /// Menus: recipes by meal.
    pub menus: Vec<(i64, Vec<RecipeName>)>,
    /// Children with a special diet or allergies, expected at some meal that day.
    pub children: Vec<KitchenChild>,
}

/// An ingredient with its unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngredientName {
    /// Its id.
    pub id: i64,
    /// In Khmer.
    pub name_km: String,
    /// In English.
    pub name_en: String,
    /// In French.
    pub name_fr: String,
    /// What it is counted in.
    pub unit: Unit,
}

impl IngredientName {
    /// Its name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_km, &self.name_en, &self.name_fr)
    }
}

/// `/canteen/recipes`: every recipe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipesPage {
    /// Recipes with how many ingredient lines each has.
    pub recipes: Vec<(RecipeName, usize)>,
    /// Whether the caller may change them.
    pub can_edit: bool,
}

/// A recipe line, with its ingredient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    /// The ingredient.
    pub ingredient: IngredientName,
    /// The diet it is for instead of the usual line; none for everyone.
    pub diet: Option<Diet>,
    /// Thousandths of the unit per head.
    pub per_head_milli: i64,
}

/// `/canteen/recipes/:id`: a recipe and its lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipePage {
    /// The recipe.
    pub recipe: RecipeName,
    /// Its lines.
    pub lines: Vec<LineView>,
    /// Every ingredient, to add a line.
    pub ingredients: Vec<IngredientName>,
    /// Whether the caller may change it.
    pub can_edit: bool,
}

/// `/canteen/shopping`: what to buy for a span of days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShoppingPage {
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub until: NaiveDate,
    /// Each ingredient and its total, in thousandths of its unit.
    pub lines: Vec<(IngredientName, i64)>,
    /// Meals with heads but no menu: they add nothing to the list.
    pub meals_without_menu: usize,
}

/// `/canteen/settings`: meal services, the cut-off and the served margin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPage {
    /// Every meal service, inactive ones too.
    pub services: Vec<MealService>,
    /// When a day freezes.
    pub cutoff: NaiveTime,
    /// The served margin, in percent.
    pub margin_percent: i64,
    /// Whether the caller may change them.
    pub can_edit: bool,
}

/// A meal service as posted by the settings page (`service[field]`); `id` 0 adds one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceForm {
    /// The service, or 0 for a new one.
    #[serde(default)]
    pub id: i64,
    /// Name in Khmer.
    pub name_km: String,
    /// Name in English.
    pub name_en: String,
    /// Name in French.
    pub name_fr: String,
    /// Serving time, `HH:MM`.
    pub serves_at: String,
    /// Days the boarding school eats it.
    #[serde(default)]
    pub boarding: DaysForm,
    /// Days the residences eat it.
    #[serde(default)]
    pub residence: DaysForm,
    /// Present when still served.
    #[serde(default)]
    pub active: Option<String>,
}

/// The day asked for, or tomorrow when none is.
#[cfg(feature = "ssr")]
fn day_or_tomorrow(day: &str) -> Result<NaiveDate, AppError> {
    if day.trim().is_empty() {
        let today = crate::base::clock::today_at_centre();
        return Ok(today.succ_opt().unwrap_or(today));
    }
    crate::base::fields::date_field(day, "on")
}

/// Freezes what is due before a page shows counts. A failure (the database busy with a long
/// write) is logged, not shown: the server's minute task freezes it next time.
#[cfg(feature = "ssr")]
pub async fn freeze_before_reading(pool: &sqlx::SqlitePool, now: i64) {
    if let Err(error) = super::counts::freeze_due(pool, now).await {
        tracing::error!(%error, "cannot freeze meal counts");
    }
}

#[cfg(feature = "ssr")]
async fn kitchen_staff() -> Result<crate::base::access::CurrentStaff, AppError> {
    crate::base::guard::require(&KITCHEN).await
}

#[cfg(feature = "ssr")]
async fn reader() -> Result<bool, AppError> {
    let staff = crate::base::guard::require(&READ).await?;
    Ok(staff.roles.iter().any(|role| KITCHEN.contains(role)))
}

#[cfg(feature = "ssr")]
impl From<&super::repo::Recipe> for RecipeName {
    fn from(r: &super::repo::Recipe) -> Self {
        RecipeName {
            id: r.id,
            name_km: r.name_km.clone(),
            name_en: r.name_en.clone(),
            name_fr: r.name_fr.clone(),
        }
    }
}

/// The recipes named by `ids`, in that order.
#[cfg(feature = "ssr")]
fn recipe_names(recipes: &[super::repo::Recipe], ids: &[i64]) -> Vec<RecipeName> {
    ids.iter()
        .filter_map(|id| recipes.iter().find(|r| r.id == *id))
        .map(RecipeName::from)
        .collect()
}

#[cfg(feature = "ssr")]
fn all_recipe_names(recipes: &[super::repo::Recipe]) -> Vec<RecipeName> {
    recipes.iter().map(RecipeName::from).collect()
}

/// The 14-day forecast from today, and the last four weeks' flags. Canteen, admin, house staff.
#[server(endpoint = "canteen_forecast")]
pub async fn canteen_forecast() -> Result<ForecastPage, AppError> {
    let can_edit = reader().await?;
    let pool = crate::base::db::pool()?;
    let now = crate::base::clock::now();
    freeze_before_reading(&pool, now).await;
    let today = crate::base::clock::today_at_centre();
    let from = today - chrono::Days::new(28);
    let until = today + chrono::Days::new(13);
    let mut conn = pool.acquire().await?;
    let settings = super::repo::settings(&mut conn).await?;
    let (services, mut days) = super::counts::counts(&mut conn, from, until).await?;
    let served = super::repo::served(&mut conn, from, today).await?;
    let mut flags = Vec::new();
    for counts in days.iter().filter(|d| d.day <= today) {
        for (service, count) in services.iter().zip(&counts.meals) {
            let record = served.get(&(counts.day, service.id)).map(|s| s.served);
            let over = service.record_overdue(counts.day, now);
            let bounds = count.served_bounds();
            if let Some(flag) =
                super::model::served_flag(bounds, record, settings.margin_percent, over)
            {
                flags.push(FlagRow {
                    day: counts.day,
                    meal_service_id: service.id,
                    served: record,
                    flag,
                });
            }
        }
    }
    flags.reverse();
    days.retain(|d| d.day >= today);
    Ok(ForecastPage {
        today,
        services,
        days,
        flags,
        cutoff: settings.cutoff,
        can_edit,
    })
}

/// One day's meals: counts, late changes, extra heads, served figures and menus (tomorrow
/// when no day is given). Canteen, admin, house staff.
#[server(endpoint = "canteen_day")]
pub async fn canteen_day(#[server(default)] on: String) -> Result<DayPage, AppError> {
    let can_edit = reader().await?;
    let day = day_or_tomorrow(&on)?;
    let pool = crate::base::db::pool()?;
    let now = crate::base::clock::now();
    freeze_before_reading(&pool, now).await;
    let mut conn = pool.acquire().await?;
    let settings = super::repo::settings(&mut conn).await?;
    let (services, mut days) = super::counts::counts(&mut conn, day, day).await?;
    let counts = days.pop().ok_or(AppError::NotFound)?;
    let extras = super::repo::extras(&mut conn, day, day).await?;
    let served = super::repo::served(&mut conn, day, day)
        .await?
        .into_iter()
        .map(|((_, meal), record)| (meal, record.served, record.note))
        .collect();
    let recipes = super::repo::recipes(&mut conn).await?;
    let menus = super::repo::menus(&mut conn, day, day)
        .await?
        .into_iter()
        .map(|((_, meal), ids)| (meal, recipe_names(&recipes, &ids)))
        .collect();
    let over = services
        .iter()
        .filter(|s| s.served_by(day, now))
        .map(|s| s.id)
        .collect();
    let overdue = services
        .iter()
        .filter(|s| s.record_overdue(day, now))
        .map(|s| s.id)
        .collect();
    Ok(DayPage {
        day,
        today: crate::base::clock::today_at_centre(),
        services,
        counts,
        extras,
        served,
        menus,
        recipes: all_recipe_names(&recipes),
        over,
        overdue,
        margin_percent: settings.margin_percent,
        cutoff: settings.cutoff,
        can_edit,
    })
}

#[cfg(feature = "ssr")]
fn day_url(day: NaiveDate, anchor: &str) -> String {
    format!("/canteen/day?on={day}&saved=1#{anchor}")
}

/// Adds extra heads to a day's meal. Canteen and admin.
#[server(endpoint = "add_extra")]
pub async fn add_extra(
    day: String,
    meal_service_id: i64,
    heads: String,
    #[server(default)] diet: String,
    kind: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let staff = kitchen_staff().await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    let extra = super::model::check_extra(day, meal_service_id, &heads, &diet, &kind, &reason)?;
    super::record::add_typed_extra(
        &crate::base::db::pool()?,
        &staff.actor(),
        &extra,
        crate::base::clock::now(),
    )
    .await?;
    leptos_axum::redirect(&day_url(day, &format!("meal-{meal_service_id}")));
    Ok(())
}

/// Removes extra heads typed in by the canteen. Canteen and admin.
#[server(endpoint = "remove_extra")]
pub async fn remove_extra(id: i64) -> Result<(), AppError> {
    let staff = kitchen_staff().await?;
    let (day, meal) =
        super::record::remove_typed_extra(&crate::base::db::pool()?, &staff.actor(), id).await?;
    leptos_axum::redirect(&day_url(day, &format!("meal-{meal}")));
    Ok(())
}

/// Records how many were served at a day's meal. Canteen and admin.
#[server(endpoint = "record_served")]
pub async fn record_served(
    day: String,
    meal_service_id: i64,
    served: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let staff = kitchen_staff().await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    if day > crate::base::clock::today_at_centre() {
        return Err(AppError::Validation {
            field: "day".into(),
            message: crate::base::i18n::Key::ProblemServedFuture,
        });
    }
    let note = note.trim().to_owned();
    if note.chars().count() > 200 {
        return Err(AppError::Validation {
            field: "note".into(),
            message: crate::base::i18n::Key::ProblemTooLong,
        });
    }
    let record = super::repo::Served {
        served: super::model::check_served(&served)?,
        note,
    };
    let by = Some(staff.id);
    let key = (day, meal_service_id);
    super::record::record_served(
        &crate::base::db::pool()?,
        &staff.actor(),
        by,
        key,
        &record,
        crate::base::clock::now(),
    )
    .await?;
    leptos_axum::redirect(&day_url(day, &format!("meal-{meal_service_id}")));
    Ok(())
}

/// Puts a recipe on a day's meal (`change` = "add") or takes it off ("remove"). Canteen and
/// admin.
#[server(endpoint = "change_menu")]
pub async fn change_menu(
    day: String,
    meal_service_id: i64,
    recipe_id: i64,
    change: String,
) -> Result<(), AppError> {
    let staff = kitchen_staff().await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    let add = match change.as_str() {
        "add" => true,
        "remove" => false,
        _ => return Err(AppError::BadRequest),
    };
    let key = (day, meal_service_id);
    super::record::change_menu(
        &crate::base::db::pool()?,
        &staff.actor(),
        key,
        recipe_id,
        add,
    )
    .await?;
    leptos_axum::redirect(&day_url(day, &format!("meal-{meal_service_id}")));
    Ok(())
}

/// The kitchen sheet for a day (tomorrow when none is given). Canteen, admin, house staff.
#[server(endpoint = "get_kitchen_sheet")]
pub async fn get_kitchen_sheet(#[server(default)] on: String) -> Result<KitchenSheet, AppError> {
    reader().await?;
    let day = day_or_tomorrow(&on)?;
    let pool = crate::base::db::pool()?;
    freeze_before_reading(&pool, crate::base::clock::now()).await;
    let mut conn = pool.acquire().await?;
    let (services, mut days) = super::counts::counts(&mut conn, day, day).await?;
    let counts = days.pop().ok_or(AppError::NotFound)?;
    let recipes = super::repo::recipes(&mut conn).await?;
    let menus = super::repo::menus(&mut conn, day, day)
        .await?
        .into_iter()
        .map(|((_, meal), ids)| (meal, recipe_names(&recipes, &ids)))
        .collect();
    let occupants = crate::presence::repo::occupants_between(&mut conn, day, day).await?;
    let mut children: Vec<KitchenChild> = occupants
        .iter()
        .filter(|o| o.resident.diet != Diet::Normal || !o.resident.allergies.is_empty())
        .map(|o| KitchenChild {
            name_km: o.resident.name_km.clone(),
            name_latin: o.resident.name_latin.clone(),
            diet: o.resident.diet,
            allergies: o.resident.allergies.clone(),
            meals: services
                .iter()
                .filter(|s| super::model::eats(o, s, day))
                .map(|s| s.id)
                .collect(),
        })
        .filter(|child| !child.meals.is_empty())
        .collect();
    children.sort_by(|a, b| a.name_latin.cmp(&b.name_latin));
    Ok(KitchenSheet {
        day,
        services,
        counts,
        menus,
        children,
    })
}

#[cfg(feature = "ssr")]
fn ingredient_name(i: &super::repo::Ingredient) -> IngredientName {
    IngredientName {
        id: i.id,
        name_km: i.name_km.clone(),
        name_en: i.name_en.clone(),
        name_fr: i.name_fr.clone(),
        unit: i.unit,
    }
}

/// Every recipe. Canteen, admin, house staff.
#[server(endpoint = "list_recipes")]
pub async fn list_recipes() -> Result<RecipesPage, AppError> {
    let can_edit = reader().await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let recipes = super::repo::recipes(&mut conn).await?;
    let lines = super::repo::recipe_lines(&mut conn).await?;
    let recipes = all_recipe_names(&recipes)
        .into_iter()
        .map(|r| {
            let n = lines.get(&r.id).map_or(0, Vec::len);
            (r, n)
        })
        .collect();
    Ok(RecipesPage { recipes, can_edit })
}

/// A kitchen name in Khmer, English and French, each trimmed and of 1 to `max` characters;
/// or the first field that is not.
#[cfg(feature = "ssr")]
fn checked_names(names: [String; 3], max: usize) -> Result<[String; 3], AppError> {
    let names = names.map(|name| name.trim().to_owned());
    for (field, name) in ["name_km", "name_en", "name_fr"].into_iter().zip(&names) {
        if name.is_empty() || name.chars().count() > max {
            return Err(AppError::Validation {
                field: field.into(),
                message: crate::base::i18n::Key::ProblemName,
            });
        }
    }
    Ok(names)
}

/// Adds a recipe (`id` 0) or renames one. Canteen and admin.
#[server(endpoint = "save_recipe")]
pub async fn save_recipe(
    #[server(default)] id: i64,
    name_km: String,
    name_en: String,
    name_fr: String,
) -> Result<(), AppError> {
    let staff = kitchen_staff().await?;
    let [name_km, name_en, name_fr] = checked_names([name_km, name_en, name_fr], 80)?;
    let recipe = super::repo::Recipe {
        id,
        name_km,
        name_en,
        name_fr,
    };
    let id = super::record::save_recipe(&crate::base::db::pool()?, &staff.actor(), &recipe).await?;
    leptos_axum::redirect(&format!("/canteen/recipes/{id}?saved=1"));
    Ok(())
}

/// A recipe and its lines. Canteen, admin, house staff.
#[server(endpoint = "get_recipe")]
pub async fn get_recipe(id: i64) -> Result<RecipePage, AppError> {
    let can_edit = reader().await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let recipes = super::repo::recipes(&mut conn).await?;
    let recipe = all_recipe_names(&recipes)
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)?;
    let ingredients: Vec<IngredientName> = super::repo::ingredients(&mut conn)
        .await?
        .iter()
        .map(ingredient_name)
        .collect();
    let lines = super::repo::recipe_lines(&mut conn)
        .await?
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|line| {
            let ingredient = ingredients
                .iter()
                .find(|i| i.id == line.ingredient_id)?
                .clone();
            Some(LineView {
                ingredient,
                diet: line.diet,
                per_head_milli: line.per_head_milli,
            })
        })
        .collect();
    Ok(RecipePage {
        recipe,
        lines,
        ingredients,
        can_edit,
    })
}

/// Sets how much of an ingredient one head eats in a recipe, for everyone (`diet` empty) or
/// for one diet; `remove` takes the line off. Canteen and admin.
#[server(endpoint = "set_recipe_line")]
pub async fn set_recipe_line(
    recipe_id: i64,
    ingredient_id: i64,
    #[server(default)] diet: String,
    #[server(default)] per_head: String,
    #[server(default)] remove: String,
) -> Result<(), AppError> {
    let staff = kitchen_staff().await?;
    let diet = if diet.trim().is_empty() {
        None
    } else {
        Some(Diet::parse(&diet).ok_or(AppError::Validation {
            field: "diet".into(),
            message: crate::base::i18n::Key::ProblemChoice,
        })?)
    };
    let quantity = if remove.is_empty() {
        Some(
            super::model::parse_per_head(&per_head).ok_or(AppError::Validation {
                field: "per_head".into(),
                message: crate::base::i18n::Key::ProblemPerHead,
            })?,
        )
    } else {
        None
    };
    let line = (ingredient_id, diet);
    super::record::change_recipe_line(
        &crate::base::db::pool()?,
        &staff.actor(),
        recipe_id,
        line,
        quantity,
    )
    .await?;
    leptos_axum::redirect(&format!("/canteen/recipes/{recipe_id}?saved=1"));
    Ok(())
}

/// Adds an ingredient, then goes back to the recipe it was added from. Canteen and admin.
#[server(endpoint = "add_ingredient")]
pub async fn add_ingredient(
    recipe_id: i64,
    name_km: String,
    name_en: String,
    name_fr: String,
    unit: String,
) -> Result<(), AppError> {
    let staff = kitchen_staff().await?;
    let [name_km, name_en, name_fr] = checked_names([name_km, name_en, name_fr], 60)?;
    let unit = Unit::parse(&unit).ok_or(AppError::Validation {
        field: "unit".into(),
        message: crate::base::i18n::Key::ProblemChoice,
    })?;
    let ingredient = super::repo::Ingredient {
        id: 0,
        name_km,
        name_en,
        name_fr,
        unit,
    };
    super::record::add_ingredient(&crate::base::db::pool()?, &staff.actor(), &ingredient).await?;
    leptos_axum::redirect(&format!("/canteen/recipes/{recipe_id}?saved=1#lines"));
    Ok(())
}

/// What to buy from one day to another (inclusive; tomorrow to a week later by default).
/// Canteen, admin, house staff.
#[server(endpoint = "shopping_list")]
pub async fn shopping_list(
    #[server(default)] from: String,
    #[server(default)] until: String,
) -> Result<ShoppingPage, AppError> {
    reader().await?;
    let from = day_or_tomorrow(&from)?;
    let until = if until.trim().is_empty() {
        from.checked_add_days(chrono::Days::new(6)).unwrap_or(from)
    } else {
        crate::base::fields::date_field(&until, "until")?
    };
    super::model::check_range(from, until)?;
    let pool = crate::base::db::pool()?;
    freeze_before_reading(&pool, crate::base::clock::now()).await;
    let mut conn = pool.acquire().await?;
    let (lines, meals_without_menu) = super::counts::shopping(&mut conn, from, until).await?;
    Ok(ShoppingPage {
        from,
        until,
        lines: lines
            .iter()
            .map(|(i, milli)| (ingredient_name(i), *milli))
            .collect(),
        meals_without_menu,
    })
}

/// Meal services, the cut-off and the margin. Canteen, admin, house staff.
#[server(endpoint = "canteen_settings")]
pub async fn canteen_settings() -> Result<SettingsPage, AppError> {
    let can_edit = reader().await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let settings = super::repo::settings(&mut conn).await?;
    Ok(SettingsPage {
        services: super::repo::services(&mut conn, true).await?,
        cutoff: settings.cutoff,
        margin_percent: settings.margin_percent,
        can_edit,
    })
}

/// Saves the cut-off time and the served margin. Canteen and admin.
#[server(endpoint = "save_settings")]
pub async fn save_settings(cutoff: String, margin_percent: String) -> Result<(), AppError> {
    let staff = kitchen_staff().await?;
    let cutoff = super::model::parse_time(&cutoff).ok_or(AppError::Validation {
        field: "cutoff".into(),
        message: crate::base::i18n::Key::ProblemTime,
    })?;
    let margin_percent = margin_percent
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|m| (0..=100).contains(m))
        .ok_or(AppError::Validation {
            field: "margin_percent".into(),
            message: crate::base::i18n::Key::ProblemMargin,
        })?;
    let settings = super::model::Settings {
        cutoff,
        margin_percent,
    };
    super::record::save_settings(&crate::base::db::pool()?, &staff.actor(), &settings).await?;
    leptos_axum::redirect("/canteen/settings?saved=1");
    Ok(())
}

/// Adds or changes a meal service. Canteen and admin.
#[server(endpoint = "save_service")]
pub async fn save_service(service: ServiceForm) -> Result<(), AppError> {
    let staff = kitchen_staff().await?;
    let invalid = |field: &str, message| AppError::Validation {
        field: field.into(),
        message,
    };
    let name = |text: &str, field: &str| {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 40 {
            Err(invalid(field, crate::base::i18n::Key::ProblemName))
        } else {
            Ok(text.to_owned())
        }
    };
    let checked = MealService {
        id: service.id,
        name_km: name(&service.name_km, "name_km")?,
        name_en: name(&service.name_en, "name_en")?,
        name_fr: name(&service.name_fr, "name_fr")?,
        serves_at: super::model::parse_time(&service.serves_at)
            .ok_or_else(|| invalid("serves_at", crate::base::i18n::Key::ProblemTime))?,
        boarding_days: service.boarding.bits(),
        residence_days: service.residence.bits(),
        active: service.active.is_some(),
    };
    super::record::save_service(&crate::base::db::pool()?, &staff.actor(), &checked).await?;
    leptos_axum::redirect("/canteen/settings?saved=1");
    Ok(())
}
