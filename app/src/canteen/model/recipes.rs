//! Recipes and shopping: the units ingredients are bought in, quantities per head, and the
//! shopping list of a span's menus.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Heads;
use crate::base::error::AppError;
use crate::base::i18n::Key;
use crate::residents::model::Diet;

/// The unit an ingredient is bought in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Unit {
    /// Grams (shown as kilograms from 1,000).
    Gram,
    /// Millilitres (shown as litres from 1,000).
    Millilitre,
    /// Pieces (eggs, bananas), rounded up to whole pieces.
    Piece,
}

impl Unit {
    /// Every unit.
    pub const ALL: [Unit; 3] = [Unit::Gram, Unit::Millilitre, Unit::Piece];

    /// The value stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Unit::Gram => "g",
            Unit::Millilitre => "ml",
            Unit::Piece => "piece",
        }
    }

    /// Reads the stored value.
    pub fn parse(code: &str) -> Option<Unit> {
        Unit::ALL
            .into_iter()
            .find(|unit| unit.code() == code.trim())
    }

    /// Its translated name.
    pub const fn label(self) -> Key {
        match self {
            Unit::Gram => Key::UnitGram,
            Unit::Millilitre => Key::UnitMillilitre,
            Unit::Piece => Key::UnitPiece,
        }
    }
}

/// A quantity in thousandths of a unit, shown for buying: grams and millilitres from 1,000
/// as kilograms and litres to two decimals (rounded up), pieces rounded up to whole ones.
/// Returns the number as text (ASCII digits) and the unit's key.
pub fn quantity(milli: i64, unit: Unit) -> (String, Key) {
    let whole_up = (milli + 999).div_euclid(1000);
    match unit {
        Unit::Piece => (whole_up.to_string(), Key::UnitPiece),
        Unit::Gram | Unit::Millilitre if whole_up >= 1000 => {
            // Hundredths of a kilogram (ten grams), rounded up.
            let hundredths = (milli + 9_999).div_euclid(10_000);
            let big = if unit == Unit::Gram {
                Key::UnitKilogram
            } else {
                Key::UnitLitre
            };
            (format!("{}.{:02}", hundredths / 100, hundredths % 100), big)
        }
        Unit::Gram | Unit::Millilitre => (whole_up.to_string(), unit.label()),
    }
}

/// Reads a quantity per head typed with up to three decimals ("150", "0.5", "0,25") into
/// thousandths.
pub fn parse_per_head(input: &str) -> Option<i64> {
    let text = input.trim().replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 3
        || whole.len() > 5
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: i64 = format!("{fraction:0<3}").parse().ok()?;
    // At most 10 kg (or l, or pieces) a head, as the schema allows.
    Some(whole * 1000 + fraction).filter(|milli| *milli <= 10_000_000)
}

/// Shows thousandths as a short decimal ("150", "0.5").
pub fn show_per_head(milli: i64) -> String {
    let text = format!("{}.{:03}", milli / 1000, milli % 1000);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A line of a recipe: one head's quantity of an ingredient, for everyone or for one diet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipeLine {
    pub ingredient_id: i64,
    /// The diet it applies to instead of the usual line; `None` for everyone.
    pub diet: Option<Diet>,
    /// Thousandths of the ingredient's unit per head.
    pub per_head_milli: i64,
}

/// What one head of `diet` eats of `ingredient` in a recipe: the diet's own line if there is
/// one, else the line for everyone, else nothing.
pub fn per_head(lines: &[RecipeLine], ingredient_id: i64, diet: Diet) -> i64 {
    let of = |wanted: Option<Diet>| {
        lines
            .iter()
            .find(|l| l.ingredient_id == ingredient_id && l.diet == wanted)
            .map(|l| l.per_head_milli)
    };
    of(Some(diet)).or_else(|| of(None)).unwrap_or(0)
}

/// The shopping list: for every meal (its heads by diet and the recipes on its menu), heads x
/// quantity per head, summed by ingredient (thousandths of its unit).
pub fn shopping<'a>(
    meals: impl IntoIterator<Item = (&'a Heads, &'a [i64])>,
    recipes: &BTreeMap<i64, Vec<RecipeLine>>,
) -> BTreeMap<i64, i64> {
    let mut total: BTreeMap<i64, i64> = BTreeMap::new();
    for (heads, menu) in meals {
        for recipe in menu {
            let Some(lines) = recipes.get(recipe) else {
                continue;
            };
            let ingredients: BTreeSet<i64> = lines.iter().map(|l| l.ingredient_id).collect();
            for ingredient in ingredients {
                let amount: i64 = Diet::ALL
                    .iter()
                    .map(|diet| heads.diet(*diet) * per_head(lines, ingredient, *diet))
                    .sum();
                *total.entry(ingredient).or_default() += amount;
            }
        }
    }
    total
}

/// Checks a date range for the shopping list and exports: from before until, at most 62 days.
pub fn check_range(from: NaiveDate, until: NaiveDate) -> Result<(), AppError> {
    if until < from || (until - from).num_days() > 61 {
        return Err(AppError::invalid("until", Key::ProblemRange));
    }
    Ok(())
}
