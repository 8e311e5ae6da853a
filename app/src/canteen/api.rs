//! Server functions of the canteen. Canteen managers and the admin change its records; house
//! staff read them; other roles and families get 403.

use leptos::prelude::*;

use super::model::{
    DayPage, ForecastPage, KitchenSheet, RecipePage, RecipesPage, ServiceForm, SettingsPage,
    ShoppingPage,
};
use crate::base::access::Role;
use crate::base::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::model::{
        DayCounts, FlagRow, IngredientName, KitchenChild, LineView, MealService, RecipeName, Unit,
    },
    crate::base::i18n::Key,
    crate::residents::model::Diet,
    chrono::NaiveDate,
};

/// Who changes canteen records.
pub const KITCHEN: [Role; 2] = [Role::Canteen, Role::Admin];
/// Who reads them.
pub const READ: [Role; 3] = [Role::Canteen, Role::Admin, Role::HouseStaff];

/// The 14-day forecast from today, and the last four weeks' flags. Canteen, admin, house staff.
#[server(endpoint = "canteen_forecast")]
pub async fn canteen_forecast() -> Result<ForecastPage, AppError> {
    let can_edit = ssr::reader().await?;
    let now = crate::base::clock::now();
    let mut conn = super::counts::read_after_freezing(&crate::base::db::pool()?, now).await?;
    let today = crate::base::clock::today_at_centre();
    let from = today - chrono::Days::new(28);
    let until = today + chrono::Days::new(13);
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
    let can_edit = ssr::reader().await?;
    let day = ssr::day_or_tomorrow(&on)?;
    let now = crate::base::clock::now();
    let mut conn = super::counts::read_after_freezing(&crate::base::db::pool()?, now).await?;
    let settings = super::repo::settings(&mut conn).await?;
    let (services, counts) = ssr::day_counts(&mut conn, day).await?;
    let extras = super::repo::extras(&mut conn, day, day).await?;
    let served = super::repo::served(&mut conn, day, day)
        .await?
        .into_iter()
        .map(|((_, meal), record)| (meal, record.served, record.note))
        .collect();
    let recipes = super::repo::recipes(&mut conn).await?;
    let menus = ssr::day_menus(&mut conn, day, &recipes).await?;
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
        recipes: ssr::all_recipe_names(&recipes),
        over,
        overdue,
        margin_percent: settings.margin_percent,
        cutoff: settings.cutoff,
        can_edit,
    })
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
    let w = crate::base::write::staff(&KITCHEN).await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    let extra = super::model::check_extra(day, meal_service_id, &heads, &diet, &kind, &reason)?;
    super::record::add_typed_extra(&w.pool, &w.by, &extra, w.now).await?;
    ssr::saved_at_meal(day, meal_service_id)
}

/// Removes extra heads typed in by the canteen. Canteen and admin.
#[server(endpoint = "remove_extra")]
pub async fn remove_extra(id: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&KITCHEN).await?;
    let (day, meal) = super::record::remove_typed_extra(&w.pool, &w.by, id).await?;
    ssr::saved_at_meal(day, meal)
}

/// Records how many were served at a day's meal. Canteen and admin.
#[server(endpoint = "record_served")]
pub async fn record_served(
    day: String,
    meal_service_id: i64,
    served: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&KITCHEN).await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    if day > w.today {
        return Err(AppError::invalid("day", Key::ProblemServedFuture));
    }
    let note = note.trim().to_owned();
    if note.chars().count() > 200 {
        return Err(AppError::invalid("note", Key::ProblemTooLong));
    }
    let record = super::repo::Served {
        served: super::model::check_served(&served)?,
        note,
    };
    let key = (day, meal_service_id);
    super::record::record_served(&w.pool, &w.by, key, &record, w.now).await?;
    ssr::saved_at_meal(day, meal_service_id)
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
    let w = crate::base::write::staff(&KITCHEN).await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    let add = match change.as_str() {
        "add" => true,
        "remove" => false,
        _ => return Err(AppError::BadRequest),
    };
    let key = (day, meal_service_id);
    super::record::change_menu(&w.pool, &w.by, key, recipe_id, add).await?;
    ssr::saved_at_meal(day, meal_service_id)
}

/// The kitchen sheet for a day (tomorrow when none is given). Canteen, admin, house staff.
#[server(endpoint = "get_kitchen_sheet")]
pub async fn get_kitchen_sheet(#[server(default)] on: String) -> Result<KitchenSheet, AppError> {
    ssr::reader().await?;
    let day = ssr::day_or_tomorrow(&on)?;
    let mut conn =
        super::counts::read_after_freezing(&crate::base::db::pool()?, crate::base::clock::now())
            .await?;
    let (services, counts) = ssr::day_counts(&mut conn, day).await?;
    let recipes = super::repo::recipes(&mut conn).await?;
    let menus = ssr::day_menus(&mut conn, day, &recipes).await?;
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
            camper: false,
        })
        .filter(|child| !child.meals.is_empty())
        .collect();
    // Camp children with a diet or allergies, at the meals their camp provides.
    let today = crate::base::clock::today_at_centre();
    let campers = crate::presence::repo::campers_between(&mut conn, day, day, today).await?;
    let special: Vec<_> = campers
        .iter()
        .filter(|c| c.diet != Diet::Normal || !c.allergies.is_empty())
        .collect();
    let ids: Vec<i64> = special.iter().map(|c| c.camper_id).collect();
    let names = crate::camps::repo::names(&mut conn, &ids).await?;
    for camper in special {
        let Some((name_km, name_latin)) = names.get(&camper.camper_id).cloned() else {
            continue;
        };
        let meals = services
            .iter()
            .filter(|s| camper.meals.0 & super::model::camp_meal(s) != 0)
            .map(|s| s.id)
            .collect();
        children.push(KitchenChild {
            name_km,
            name_latin,
            diet: camper.diet,
            allergies: camper.allergies.clone(),
            meals,
            camper: true,
        });
    }
    children.sort_by(|a, b| a.name_latin.cmp(&b.name_latin));
    Ok(KitchenSheet {
        day,
        services,
        counts,
        menus,
        children,
    })
}

/// Every recipe. Canteen, admin, house staff.
#[server(endpoint = "list_recipes")]
pub async fn list_recipes() -> Result<RecipesPage, AppError> {
    let can_edit = ssr::reader().await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let recipes = super::repo::recipes(&mut conn).await?;
    let lines = super::repo::recipe_lines(&mut conn).await?;
    let recipes = ssr::all_recipe_names(&recipes)
        .into_iter()
        .map(|r| {
            let n = lines.get(&r.id).map_or(0, Vec::len);
            (r, n)
        })
        .collect();
    Ok(RecipesPage { recipes, can_edit })
}

/// Adds a recipe (`id` 0) or renames one. Canteen and admin.
#[server(endpoint = "save_recipe")]
pub async fn save_recipe(
    #[server(default)] id: i64,
    name_km: String,
    name_en: String,
    name_fr: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&KITCHEN).await?;
    let [name_km, name_en, name_fr] = ssr::checked_names([name_km, name_en, name_fr], 80)?;
    let recipe = super::repo::Recipe {
        id,
        name_km,
        name_en,
        name_fr,
    };
    let id = super::record::save_recipe(&w.pool, &w.by, &recipe).await?;
    crate::base::write::saved(&format!("/canteen/recipes/{id}"))
}

/// A recipe and its lines. Canteen, admin, house staff.
#[server(endpoint = "get_recipe")]
pub async fn get_recipe(id: i64) -> Result<RecipePage, AppError> {
    let can_edit = ssr::reader().await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let recipes = super::repo::recipes(&mut conn).await?;
    let recipe = ssr::all_recipe_names(&recipes)
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)?;
    let ingredients: Vec<IngredientName> = super::repo::ingredients(&mut conn)
        .await?
        .iter()
        .map(ssr::ingredient_name)
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
    let w = crate::base::write::staff(&KITCHEN).await?;
    let diet = if diet.trim().is_empty() {
        None
    } else {
        Some(Diet::parse(&diet).ok_or(AppError::invalid("diet", Key::ProblemChoice))?)
    };
    let quantity = if remove.is_empty() {
        Some(
            super::model::parse_per_head(&per_head)
                .ok_or(AppError::invalid("per_head", Key::ProblemPerHead))?,
        )
    } else {
        None
    };
    let line = (ingredient_id, diet);
    super::record::change_recipe_line(&w.pool, &w.by, recipe_id, line, quantity).await?;
    crate::base::write::saved(&format!("/canteen/recipes/{recipe_id}"))
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
    let w = crate::base::write::staff(&KITCHEN).await?;
    let [name_km, name_en, name_fr] = ssr::checked_names([name_km, name_en, name_fr], 60)?;
    let unit = Unit::parse(&unit).ok_or(AppError::invalid("unit", Key::ProblemChoice))?;
    let ingredient = super::repo::Ingredient {
        id: 0,
        name_km,
        name_en,
        name_fr,
        unit,
    };
    super::record::add_ingredient(&w.pool, &w.by, &ingredient).await?;
    crate::base::write::saved(&format!("/canteen/recipes/{recipe_id}#lines"))
}

/// What to buy from one day to another (inclusive; tomorrow to a week later by default).
/// Canteen, admin, house staff.
#[server(endpoint = "shopping_list")]
pub async fn shopping_list(
    #[server(default)] from: String,
    #[server(default)] until: String,
) -> Result<ShoppingPage, AppError> {
    ssr::reader().await?;
    let from = ssr::day_or_tomorrow(&from)?;
    let until = if until.trim().is_empty() {
        from.checked_add_days(chrono::Days::new(6)).unwrap_or(from)
    } else {
        crate::base::fields::date_field(&until, "until")?
    };
    super::model::check_range(from, until)?;
    let mut conn =
        super::counts::read_after_freezing(&crate::base::db::pool()?, crate::base::clock::now())
            .await?;
    let (lines, meals_without_menu) = super::counts::shopping(&mut conn, from, until).await?;
    Ok(ShoppingPage {
        from,
        until,
        lines: lines
            .iter()
            .map(|(i, milli)| (ssr::ingredient_name(i), *milli))
            .collect(),
        meals_without_menu,
    })
}

/// Meal services, the cut-off and the margin. Canteen, admin, house staff.
#[server(endpoint = "canteen_settings")]
pub async fn canteen_settings() -> Result<SettingsPage, AppError> {
    let can_edit = ssr::reader().await?;
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
    let w = crate::base::write::staff(&KITCHEN).await?;
    let cutoff =
        super::model::parse_time(&cutoff).ok_or(AppError::invalid("cutoff", Key::ProblemTime))?;
    let margin_percent = margin_percent
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|m| (0..=100).contains(m))
        .ok_or(AppError::invalid("margin_percent", Key::ProblemMargin))?;
    let settings = super::model::Settings {
        cutoff,
        margin_percent,
    };
    super::record::save_settings(&w.pool, &w.by, &settings).await?;
    crate::base::write::saved("/canteen/settings")
}

/// Adds or changes a meal service. Canteen and admin.
#[server(endpoint = "save_service")]
pub async fn save_service(service: ServiceForm) -> Result<(), AppError> {
    let w = crate::base::write::staff(&KITCHEN).await?;
    let name = |text: &str, field: &str| {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 40 {
            Err(AppError::invalid(field, Key::ProblemName))
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
            .ok_or_else(|| AppError::invalid("serves_at", Key::ProblemTime))?,
        boarding_days: service.boarding.bits(),
        residence_days: service.residence.bits(),
        active: service.active.is_some(),
    };
    super::record::save_service(&w.pool, &w.by, &checked).await?;
    crate::base::write::saved("/canteen/settings")
}

/// What the server functions share, on the server only.
#[cfg(feature = "ssr")]
mod ssr {
    use super::*;

    /// The day asked for, or tomorrow when none is.
    pub(super) fn day_or_tomorrow(day: &str) -> Result<NaiveDate, AppError> {
        if day.trim().is_empty() {
            let today = crate::base::clock::today_at_centre();
            return Ok(today.succ_opt().unwrap_or(today));
        }
        crate::base::fields::date_field(day, "on")
    }

    pub(super) async fn reader() -> Result<bool, AppError> {
        let staff = crate::base::guard::require(&READ).await?;
        Ok(staff.roles.iter().any(|role| KITCHEN.contains(role)))
    }

    impl From<&crate::canteen::repo::Recipe> for RecipeName {
        fn from(r: &crate::canteen::repo::Recipe) -> Self {
            RecipeName {
                id: r.id,
                name_km: r.name_km.clone(),
                name_en: r.name_en.clone(),
                name_fr: r.name_fr.clone(),
            }
        }
    }

    /// The active meal services and `day`'s counts.
    pub(super) async fn day_counts(
        conn: &mut sqlx::SqliteConnection,
        day: NaiveDate,
    ) -> Result<(Vec<MealService>, DayCounts), AppError> {
        let (services, mut days) = crate::canteen::counts::counts(conn, day, day).await?;
        let counts = days.pop().ok_or(AppError::NotFound)?;
        Ok((services, counts))
    }

    /// `day`'s menus by meal, their recipes named.
    pub(super) async fn day_menus(
        conn: &mut sqlx::SqliteConnection,
        day: NaiveDate,
        recipes: &[crate::canteen::repo::Recipe],
    ) -> Result<Vec<(i64, Vec<RecipeName>)>, AppError> {
        Ok(crate::canteen::repo::menus(conn, day, day)
            .await?
            .into_iter()
            .map(|((_, meal), ids)| (meal, recipe_names(recipes, &ids)))
            .collect())
    }

    /// The recipes named by `ids`, in that order.
    pub(super) fn recipe_names(
        recipes: &[crate::canteen::repo::Recipe],
        ids: &[i64],
    ) -> Vec<RecipeName> {
        ids.iter()
            .filter_map(|id| recipes.iter().find(|r| r.id == *id))
            .map(RecipeName::from)
            .collect()
    }

    pub(super) fn all_recipe_names(recipes: &[crate::canteen::repo::Recipe]) -> Vec<RecipeName> {
        recipes.iter().map(RecipeName::from).collect()
    }

    /// Back to a day's page at one meal, with the saved notice.
    pub(super) fn saved_at_meal(day: NaiveDate, meal_service_id: i64) -> Result<(), AppError> {
        crate::base::write::saved(&format!("/canteen/day?on={day}#meal-{meal_service_id}"))
    }

    pub(super) fn ingredient_name(i: &crate::canteen::repo::Ingredient) -> IngredientName {
        IngredientName {
            id: i.id,
            name_km: i.name_km.clone(),
            name_en: i.name_en.clone(),
            name_fr: i.name_fr.clone(),
            unit: i.unit,
        }
    }

    /// A kitchen name in Khmer, English and French, each trimmed and of 1 to `max` characters;
    /// or the first field that is not.
    pub(super) fn checked_names(names: [String; 3], max: usize) -> Result<[String; 3], AppError> {
        let names = names.map(|name| name.trim().to_owned());
        for (field, name) in ["name_km", "name_en", "name_fr"].into_iter().zip(&names) {
            if name.is_empty() || name.chars().count() > max {
                return Err(AppError::invalid(field, Key::ProblemName));
            }
        }
        Ok(names)
    }
}
