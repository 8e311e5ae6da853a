//! What the canteen's pages receive from its server functions, and the forms they post.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{DayCounts, Extra, MealService, ServedFlag, Unit};
use crate::base::fields::DaysForm;
use crate::base::i18n::Lang;
use crate::residents::model::{Allergen, Diet};

/// A recipe's names, for menus and lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipeName {
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
    pub day: NaiveDate,
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
    /// A camp's child, not a resident.
    #[serde(default)]
    pub camper: bool,
}

/// `/canteen/kitchen`: the printable sheet for a day (tomorrow by default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitchenSheet {
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
    pub ingredient: IngredientName,
    /// The diet it is for instead of the usual line; none for everyone.
    pub diet: Option<Diet>,
    /// Thousandths of the unit per head.
    pub per_head_milli: i64,
}

/// `/canteen/recipes/:id`: a recipe and its lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipePage {
    pub recipe: RecipeName,
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
