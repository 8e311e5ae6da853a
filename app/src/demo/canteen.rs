//! Demo canteen: Cambodian ingredients and recipes with their diet variants, a fortnight's
//! menus either side of today, staff, guests and a holiday camp at table, and four weeks of
//! served records. Deterministic, and seeding twice adds nothing.

use std::collections::HashMap;

use chrono::{NaiveDate, TimeDelta, Weekday};
use sqlx::SqlitePool;

use crate::base::db::begin_write;
use crate::canteen::counts::counts;
use crate::canteen::model::{ExtraKind, MealService, NewExtra, RecipeLine, Unit};
use crate::canteen::repo::{self, Ingredient, Recipe, Served};
use crate::demo::Rng;
use crate::demo::calendar::{at, days, next_weekday};
use crate::presence::model::instant;
use crate::residents::model::Diet;

/// Ingredients: English name (how recipes name them), Khmer name, French name, unit.
const INGREDIENTS: [(&str, &str, &str, Unit); 32] = [
    ("Jasmine rice", "អង្ករម្លិះ", "Riz jasmin", Unit::Gram),
    ("Broken rice", "អង្ករបាក់", "Brisures de riz", Unit::Gram),
    (
        "Fish (snakehead)",
        "ត្រីរ៉ស់",
        "Poisson (tête de serpent)",
        Unit::Gram,
    ),
    ("Pork", "សាច់ជ្រូក", "Porc", Unit::Gram),
    ("Chicken", "សាច់មាន់", "Poulet", Unit::Gram),
    ("Eggs", "ពងមាន់", "Œufs", Unit::Piece),
    ("Tofu", "តៅហ៊ូ", "Tofu", Unit::Gram),
    ("Morning glory", "ត្រកួន", "Liseron d'eau", Unit::Gram),
    ("Cabbage", "ស្ពៃក្ដោប", "Chou", Unit::Gram),
    ("Long beans", "សណ្ដែកកួរ", "Haricots kilomètre", Unit::Gram),
    ("Pumpkin", "ល្ពៅ", "Potiron", Unit::Gram),
    ("Eggplant", "ត្រប់", "Aubergine", Unit::Gram),
    ("Cucumber", "ត្រសក់", "Concombre", Unit::Gram),
    ("Bean sprouts", "សណ្ដែកបណ្ដុះ", "Pousses de soja", Unit::Gram),
    ("Tomatoes", "ប៉េងប៉ោះ", "Tomates", Unit::Gram),
    ("Sweet potatoes", "ដំឡូងជ្វា", "Patates douces", Unit::Gram),
    ("Pineapple", "ម្នាស់", "Ananas", Unit::Gram),
    ("Tamarind", "អំពិល", "Tamarin", Unit::Gram),
    ("Lemongrass", "ស្លឹកគ្រៃ", "Citronnelle", Unit::Gram),
    ("Kroeung paste", "គ្រឿង", "Pâte de kroeung", Unit::Gram),
    ("Prahok", "ប្រហុក", "Prahok", Unit::Gram),
    ("Fish sauce", "ទឹកត្រី", "Sauce de poisson", Unit::Millilitre),
    ("Soy sauce", "ទឹកស៊ីអ៊ីវ", "Sauce soja", Unit::Millilitre),
    ("Coconut milk", "ខ្ទិះដូង", "Lait de coco", Unit::Millilitre),
    ("Palm sugar", "ស្ករត្នោត", "Sucre de palme", Unit::Gram),
    ("Garlic", "ខ្ទឹមស", "Ail", Unit::Gram),
    ("Shallots", "ខ្ទឹមក្រហម", "Échalotes", Unit::Gram),
    (
        "Cooking oil",
        "ប្រេងឆា",
        "Huile de cuisson",
        Unit::Millilitre,
    ),
    ("Salt", "អំបិល", "Sel", Unit::Gram),
    (
        "Rice noodles (num banhchok)",
        "នំបញ្ចុក",
        "Nouilles de riz (num banhchok)",
        Unit::Gram,
    ),
    ("Bananas", "ចេក", "Bananes", Unit::Piece),
    ("Mangoes", "ស្វាយ", "Mangues", Unit::Piece),
];

/// The papaya of the fruit course is bought by weight, not among the pieces above.
const PAPAYA: (&str, &str, &str, Unit) = ("Papaya", "ល្ហុង", "Papaye", Unit::Gram);

/// A line of a demo recipe: thousandths of the ingredient's unit per head, for everyone
/// (`diet` none) or instead for one diet.
struct Line {
    ingredient: &'static str,
    diet: Option<Diet>,
    milli: i64,
}

/// What everyone eats of `ingredient`.
const fn all(ingredient: &'static str, milli: i64) -> Line {
    Line {
        ingredient,
        diet: None,
        milli,
    }
}

/// What heads of `diet` eat of `ingredient` instead (0: they go without).
const fn only(diet: Diet, ingredient: &'static str, milli: i64) -> Line {
    Line {
        ingredient,
        diet: Some(diet),
        milli,
    }
}

const VEG: Diet = Diet::Vegetarian;
const LOW_SALT: Diet = Diet::LowSalt;
const DIABETIC: Diet = Diet::Diabetic;

const RICE: &str = "Steamed jasmine rice";
const BOBOR: &str = "Rice porridge with chicken (bobor)";
const PORK_RICE: &str = "Grilled pork with rice (bai sach chrouk)";
const FRIED_RICE: &str = "Fried rice with egg";
const NUM_BANHCHOK: &str = "Num banhchok with green fish curry";
const MACHU: &str = "Sour fish soup (samlor machu)";
const KORKO: &str = "Samlor korko";
const AMOK: &str = "Fish amok";
const KHO: &str = "Caramelised pork with eggs (kho)";
const MORNING_GLORY: &str = "Fried morning glory";
const VEG_TOFU: &str = "Stir-fried vegetables with tofu";
const CURRY: &str = "Chicken curry";
const LEMONGRASS: &str = "Chicken with lemongrass";
const BANANA: &str = "Banana";
const MANGO: &str = "Mango";
const PAPAYA_FRUIT: &str = "Papaya";

/// A demo recipe: English, Khmer and French names, lines. Quantities suit a child of about ten
/// (the students of the residence eat the same plates).
struct RecipeSeed {
    name_en: &'static str,
    name_km: &'static str,
    name_fr: &'static str,
    lines: &'static [Line],
}

const RECIPES: [RecipeSeed; 16] = [
    RecipeSeed {
        name_en: RICE,
        name_km: "បាយស",
        name_fr: "Riz jasmin vapeur",
        lines: &[all("Jasmine rice", 110_000)],
    },
    RecipeSeed {
        name_en: BOBOR,
        name_km: "បបរសាច់មាន់",
        name_fr: "Soupe de riz au poulet (bobor)",
        lines: &[
            all("Broken rice", 60_000),
            all("Chicken", 30_000),
            only(VEG, "Chicken", 0),
            only(VEG, "Tofu", 30_000),
            all("Bean sprouts", 15_000),
            all("Garlic", 3_000),
            all("Cooking oil", 3_000),
            all("Fish sauce", 4_000),
            only(VEG, "Fish sauce", 0),
            only(VEG, "Soy sauce", 4_000),
            only(LOW_SALT, "Fish sauce", 1_000),
            all("Salt", 1_000),
            only(LOW_SALT, "Salt", 0),
        ],
    },
    RecipeSeed {
        name_en: PORK_RICE,
        name_km: "បាយសាច់ជ្រូក",
        name_fr: "Porc grillé et riz (bai sach chrouk)",
        lines: &[
            all("Jasmine rice", 100_000),
            all("Pork", 50_000),
            only(VEG, "Pork", 0),
            only(VEG, "Tofu", 60_000),
            all("Garlic", 3_000),
            all("Palm sugar", 5_000),
            only(DIABETIC, "Palm sugar", 1_000),
            all("Soy sauce", 5_000),
            only(LOW_SALT, "Soy sauce", 2_000),
            all("Fish sauce", 3_000),
            only(VEG, "Fish sauce", 0),
            only(LOW_SALT, "Fish sauce", 1_000),
            all("Cucumber", 30_000),
            all("Tomatoes", 20_000),
        ],
    },
    RecipeSeed {
        name_en: FRIED_RICE,
        name_km: "បាយឆាពងមាន់",
        name_fr: "Riz frit à l'œuf",
        lines: &[
            all("Jasmine rice", 100_000),
            all("Eggs", 1_000),
            all("Pork", 20_000),
            only(VEG, "Pork", 0),
            only(VEG, "Tofu", 25_000),
            all("Cabbage", 20_000),
            all("Garlic", 3_000),
            all("Soy sauce", 5_000),
            only(LOW_SALT, "Soy sauce", 2_000),
            all("Cooking oil", 6_000),
            all("Cucumber", 20_000),
        ],
    },
    RecipeSeed {
        name_en: NUM_BANHCHOK,
        name_km: "នំបញ្ចុកសម្លខ្មែរ",
        name_fr: "Num banhchok au curry vert de poisson",
        lines: &[
            all("Rice noodles (num banhchok)", 150_000),
            all("Fish (snakehead)", 40_000),
            only(VEG, "Fish (snakehead)", 0),
            only(VEG, "Tofu", 40_000),
            all("Kroeung paste", 12_000),
            all("Coconut milk", 30_000),
            all("Prahok", 3_000),
            only(VEG, "Prahok", 0),
            only(LOW_SALT, "Prahok", 1_000),
            all("Fish sauce", 3_000),
            only(VEG, "Fish sauce", 0),
            only(LOW_SALT, "Fish sauce", 1_000),
            all("Cucumber", 20_000),
            all("Bean sprouts", 20_000),
            all("Long beans", 15_000),
        ],
    },
    RecipeSeed {
        name_en: MACHU,
        name_km: "សម្លម្ជូរត្រី",
        name_fr: "Soupe aigre de poisson (samlor machu)",
        lines: &[
            all("Fish (snakehead)", 50_000),
            only(VEG, "Fish (snakehead)", 0),
            only(VEG, "Tofu", 50_000),
            all("Tamarind", 8_000),
            all("Pineapple", 30_000),
            all("Tomatoes", 30_000),
            all("Morning glory", 40_000),
            all("Lemongrass", 3_000),
            all("Garlic", 3_000),
            all("Palm sugar", 4_000),
            only(DIABETIC, "Palm sugar", 1_000),
            all("Fish sauce", 5_000),
            only(VEG, "Fish sauce", 0),
            only(VEG, "Soy sauce", 4_000),
            only(LOW_SALT, "Fish sauce", 2_000),
            all("Salt", 1_000),
            only(LOW_SALT, "Salt", 0),
        ],
    },
    RecipeSeed {
        name_en: KORKO,
        name_km: "សម្លកកូរ",
        name_fr: "Samlor korko",
        lines: &[
            all("Pork", 30_000),
            only(VEG, "Pork", 0),
            only(VEG, "Tofu", 40_000),
            all("Kroeung paste", 12_000),
            all("Prahok", 6_000),
            only(VEG, "Prahok", 0),
            only(LOW_SALT, "Prahok", 2_000),
            all("Pumpkin", 40_000),
            all("Long beans", 30_000),
            all("Eggplant", 30_000),
            all("Morning glory", 20_000),
            all("Palm sugar", 2_000),
            only(DIABETIC, "Palm sugar", 0),
            all("Fish sauce", 4_000),
            only(VEG, "Fish sauce", 0),
            only(VEG, "Soy sauce", 4_000),
            only(LOW_SALT, "Fish sauce", 2_000),
            all("Cooking oil", 3_000),
        ],
    },
    RecipeSeed {
        name_en: AMOK,
        name_km: "អាម៉ុកត្រី",
        name_fr: "Amok de poisson",
        lines: &[
            all("Fish (snakehead)", 60_000),
            only(VEG, "Fish (snakehead)", 0),
            only(VEG, "Tofu", 60_000),
            all("Kroeung paste", 15_000),
            all("Coconut milk", 40_000),
            all("Eggs", 200),
            all("Cabbage", 30_000),
            all("Palm sugar", 3_000),
            only(DIABETIC, "Palm sugar", 0),
            all("Fish sauce", 3_000),
            only(VEG, "Fish sauce", 0),
            only(VEG, "Soy sauce", 3_000),
            only(LOW_SALT, "Fish sauce", 1_000),
        ],
    },
    RecipeSeed {
        name_en: KHO,
        name_km: "ខសាច់ជ្រូកពងមាន់",
        name_fr: "Porc caramélisé aux œufs (kho)",
        lines: &[
            all("Pork", 60_000),
            only(VEG, "Pork", 0),
            only(VEG, "Tofu", 60_000),
            all("Eggs", 1_000),
            all("Palm sugar", 8_000),
            only(DIABETIC, "Palm sugar", 2_000),
            all("Fish sauce", 6_000),
            only(VEG, "Fish sauce", 0),
            only(LOW_SALT, "Fish sauce", 2_000),
            all("Soy sauce", 4_000),
            only(VEG, "Soy sauce", 8_000),
            only(LOW_SALT, "Soy sauce", 2_000),
            all("Garlic", 3_000),
            all("Shallots", 5_000),
        ],
    },
    RecipeSeed {
        name_en: MORNING_GLORY,
        name_km: "ឆាត្រកួន",
        name_fr: "Liseron d'eau sauté",
        lines: &[
            all("Morning glory", 80_000),
            all("Garlic", 4_000),
            all("Cooking oil", 5_000),
            all("Fish sauce", 3_000),
            only(VEG, "Fish sauce", 0),
            only(VEG, "Soy sauce", 3_000),
            only(LOW_SALT, "Fish sauce", 1_000),
        ],
    },
    RecipeSeed {
        name_en: VEG_TOFU,
        name_km: "ឆាបន្លែចម្រុះជាមួយតៅហ៊ូ",
        name_fr: "Légumes sautés au tofu",
        lines: &[
            all("Tofu", 50_000),
            all("Cabbage", 40_000),
            all("Long beans", 30_000),
            all("Tomatoes", 20_000),
            all("Garlic", 3_000),
            all("Soy sauce", 4_000),
            only(LOW_SALT, "Soy sauce", 2_000),
            all("Cooking oil", 5_000),
        ],
    },
    RecipeSeed {
        name_en: CURRY,
        name_km: "ការីសាច់មាន់",
        name_fr: "Curry de poulet",
        lines: &[
            all("Chicken", 60_000),
            only(VEG, "Chicken", 0),
            only(VEG, "Tofu", 60_000),
            all("Sweet potatoes", 50_000),
            only(DIABETIC, "Sweet potatoes", 30_000),
            all("Coconut milk", 50_000),
            all("Kroeung paste", 12_000),
            all("Shallots", 5_000),
            all("Palm sugar", 3_000),
            only(DIABETIC, "Palm sugar", 0),
            all("Fish sauce", 3_000),
            only(VEG, "Fish sauce", 0),
            only(VEG, "Soy sauce", 3_000),
            only(LOW_SALT, "Fish sauce", 1_000),
            all("Cooking oil", 4_000),
        ],
    },
    RecipeSeed {
        name_en: LEMONGRASS,
        name_km: "ឆាសាច់មាន់ស្លឹកគ្រៃ",
        name_fr: "Poulet à la citronnelle",
        lines: &[
            all("Chicken", 60_000),
            only(VEG, "Chicken", 0),
            only(VEG, "Tofu", 60_000),
            all("Lemongrass", 10_000),
            all("Garlic", 3_000),
            all("Shallots", 5_000),
            all("Palm sugar", 3_000),
            only(DIABETIC, "Palm sugar", 0),
            all("Fish sauce", 4_000),
            only(VEG, "Fish sauce", 0),
            only(VEG, "Soy sauce", 4_000),
            only(LOW_SALT, "Fish sauce", 1_000),
            all("Cooking oil", 5_000),
        ],
    },
    RecipeSeed {
        name_en: BANANA,
        name_km: "ចេក",
        name_fr: "Banane",
        lines: &[all("Bananas", 1_000)],
    },
    RecipeSeed {
        name_en: MANGO,
        name_km: "ស្វាយទុំ",
        name_fr: "Mangue",
        lines: &[all("Mangoes", 500)],
    },
    RecipeSeed {
        name_en: PAPAYA_FRUIT,
        name_km: "ល្ហុងទុំ",
        name_fr: "Papaye",
        lines: &[all("Papaya", 120_000)],
    },
];

/// A day of the fortnight's rotation: breakfast, lunch and dinner. Lunch and dinner come
/// with steamed rice as well.
struct DayMenu {
    breakfast: &'static [&'static str],
    lunch: &'static [&'static str],
    dinner: &'static [&'static str],
}

const fn menu(
    breakfast: &'static [&'static str],
    lunch: &'static [&'static str],
    dinner: &'static [&'static str],
) -> DayMenu {
    DayMenu {
        breakfast,
        lunch,
        dinner,
    }
}

/// Two weeks, Monday first: num banhchok on Sundays, bobor on most weekdays.
#[rustfmt::skip]
const ROTATION: [DayMenu; 14] = [
    menu(&[BOBOR], &[KHO, MORNING_GLORY, BANANA], &[KORKO]),
    menu(&[PORK_RICE], &[MACHU, VEG_TOFU], &[LEMONGRASS, MORNING_GLORY, BANANA]),
    menu(&[BOBOR], &[CURRY, BANANA], &[KHO, VEG_TOFU]),
    menu(&[FRIED_RICE], &[KORKO, PAPAYA_FRUIT], &[LEMONGRASS, MORNING_GLORY]),
    menu(&[BOBOR], &[AMOK, MORNING_GLORY, BANANA], &[MACHU]),
    menu(&[PORK_RICE], &[LEMONGRASS, VEG_TOFU, MANGO], &[KORKO, BANANA]),
    menu(&[NUM_BANHCHOK], &[KHO, MORNING_GLORY, BANANA], &[CURRY]),
    menu(&[BOBOR], &[LEMONGRASS, MORNING_GLORY, BANANA], &[MACHU]),
    menu(&[FRIED_RICE], &[AMOK, PAPAYA_FRUIT], &[KHO, VEG_TOFU]),
    menu(&[BOBOR], &[CURRY, MORNING_GLORY, BANANA], &[KORKO]),
    menu(&[PORK_RICE], &[KHO, VEG_TOFU, MANGO], &[MACHU]),
    menu(&[BOBOR], &[AMOK, MORNING_GLORY, BANANA], &[LEMONGRASS, VEG_TOFU]),
    menu(&[FRIED_RICE], &[KORKO, PAPAYA_FRUIT], &[KHO, MORNING_GLORY, BANANA]),
    menu(&[NUM_BANHCHOK], &[CURRY, VEG_TOFU, MANGO], &[MACHU]),
];

/// What happened at a past meal besides the usual small difference, by (days ago, meal in
/// serving order).
#[derive(Clone, Copy)]
enum Event {
    /// Nobody recorded it: the "not recorded" flag.
    Missing,
    /// About 15 % more than expected came: the "above" flag, with the manager's note if any.
    Above(&'static str),
    /// Clearly fewer came, and the note says why.
    Fewer(&'static str),
    /// As usual, with a note.
    Note(&'static str),
}

const EVENTS: [((i64, usize), Event); 8] = [
    ((2, 1), Event::Missing),
    ((9, 2), Event::Missing),
    (
        (4, 1),
        Event::Above("Officials from the district office stayed for lunch unannounced"),
    ),
    ((16, 2), Event::Above("")),
    ((6, 2), Event::Fewer("Rain: fewer came")),
    ((13, 2), Event::Fewer("ភ្លៀងខ្លាំង៖ និស្សិតខ្លះមិនបានត្រឡប់មកវិញ")),
    (
        (20, 0),
        Event::Fewer("Water cut in the morning: some went to school early"),
    ),
    ((11, 1), Event::Note("អង្ករមិនគ្រប់ ទិញបន្ថែមនៅផ្សារ")),
];

/// The rotation's day for `day`: the fortnight starts on a Monday.
fn rotation(day: NaiveDate) -> &'static DayMenu {
    let monday = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let index = (day - monday).num_days().rem_euclid(14) as usize;
    &ROTATION[index % ROTATION.len()]
}

/// Extra heads as the manager types them in; `meal` is the meal's place in serving order.
struct ExtraPlan {
    day: NaiveDate,
    meal: usize,
    heads: i64,
    diet: Diet,
    kind: ExtraKind,
    reason: &'static str,
}

/// Staff on duty at most lunches and dinners, guests now and then, a camp weekend about ten
/// days ago and a visit from the province next week.
fn plan_extras(rng: &mut Rng, today: NaiveDate) -> Vec<ExtraPlan> {
    let mut out = Vec::new();
    for day in (today - days(28)).iter_days().take(28 + 14) {
        for meal in [1, 2] {
            if rng.chance(85) {
                out.push(ExtraPlan {
                    day,
                    meal,
                    heads: rng.between(3, 6),
                    diet: Diet::Normal,
                    kind: ExtraKind::Staff,
                    reason: "Staff on duty",
                });
            }
        }
    }
    let camp = next_weekday(today - days(13), Weekday::Sat);
    for day in [camp, camp + days(1)] {
        for meal in 0..3 {
            for (heads, diet) in [(18, Diet::Normal), (2, Diet::Vegetarian)] {
                out.push(ExtraPlan {
                    day,
                    meal,
                    heads,
                    diet,
                    kind: ExtraKind::Camp,
                    reason: "Weekend camp of the Kampong Speu partner school",
                });
            }
        }
    }
    let guests = [
        (today - days(20), 1, 4, "Visit of the Singapore donors"),
        (today - days(5), 1, 2, "Volunteer dentist and assistant"),
        (today - days(5), 2, 2, "Volunteer dentist and assistant"),
    ];
    for (day, meal, heads, reason) in guests {
        out.push(ExtraPlan {
            day,
            meal,
            heads,
            diet: Diet::Normal,
            kind: ExtraKind::Guest,
            reason,
        });
    }
    let visit = next_weekday(today + days(3), Weekday::Wed);
    for (heads, diet) in [(7, Diet::Normal), (1, Diet::Vegetarian)] {
        out.push(ExtraPlan {
            day: visit,
            meal: 1,
            heads,
            diet,
            kind: ExtraKind::Guest,
            reason: "Visit of the provincial social affairs office",
        });
    }
    out
}

/// What the seed created, for its audit entry.
#[derive(Default)]
struct Tally {
    ingredients: usize,
    recipes: usize,
    recipe_lines: usize,
    menu_items: usize,
    extra_heads: usize,
    served: usize,
}

/// Seeds the canteen on `today`: about thirty ingredients, sixteen recipes with their diet
/// variants, menus from two weeks ago to two weeks ahead, extra heads, and the served
/// records of the four weeks before today, signed by `canteen_staff_id` (two meals left
/// unrecorded, two above the expected count). Run it after the residents' seed, whose
/// presence history gives the counts. One transaction; nothing is done if any recipe exists.
pub async fn seed(
    pool: &SqlitePool,
    today: NaiveDate,
    canteen_staff_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    if !repo::recipes(&mut tx).await?.is_empty() {
        return Ok(());
    }
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut tally = Tally::default();

    let mut ingredients: HashMap<&str, i64> = HashMap::new();
    for (name_en, name_km, name_fr, unit) in INGREDIENTS.into_iter().chain([PAPAYA]) {
        let ingredient = Ingredient {
            id: 0,
            name_km: name_km.into(),
            name_en: name_en.into(),
            name_fr: name_fr.into(),
            unit,
        };
        let id = repo::insert_ingredient(&mut tx, &ingredient).await?;
        ingredients.insert(name_en, id);
        tally.ingredients += 1;
    }

    let mut recipes: HashMap<&str, i64> = HashMap::new();
    for dish in &RECIPES {
        let recipe = Recipe {
            id: 0,
            name_km: dish.name_km.into(),
            name_en: dish.name_en.into(),
            name_fr: dish.name_fr.into(),
        };
        let id = repo::save_recipe(&mut tx, &recipe).await?;
        recipes.insert(dish.name_en, id);
        tally.recipes += 1;
        for line in dish.lines {
            let Some(&ingredient_id) = ingredients.get(line.ingredient) else {
                continue;
            };
            let line = RecipeLine {
                ingredient_id,
                diet: line.diet,
                per_head_milli: line.milli,
            };
            repo::set_recipe_line(&mut tx, id, &line).await?;
            tally.recipe_lines += 1;
        }
    }

    let services: Vec<MealService> = repo::services(&mut tx, false).await?;
    for day in (today - days(14)).iter_days().take(28) {
        let plan = rotation(day);
        let meals = [
            plan.breakfast.to_vec(),
            [&[RICE][..], plan.lunch].concat(),
            [&[RICE][..], plan.dinner].concat(),
        ];
        for (service, dishes) in services.iter().zip(meals) {
            for dish in dishes {
                let Some(&recipe) = recipes.get(dish) else {
                    continue;
                };
                if repo::add_menu_item(&mut tx, day, service.id, recipe).await? {
                    tally.menu_items += 1;
                }
            }
        }
    }

    for plan in plan_extras(&mut rng, today) {
        let Some(service) = services.get(plan.meal) else {
            continue;
        };
        let extra = NewExtra {
            day: plan.day,
            meal_service_id: service.id,
            heads: plan.heads,
            diet: plan.diet,
            kind: plan.kind,
            reason: plan.reason.into(),
            source: None,
        };
        // Typed in two days ahead, and never after yesterday.
        let typed = (plan.day - days(2)).min(today - days(1));
        let created = at(typed, 9, rng.between(0, 59) as u32);
        repo::insert_extra(&mut tx, &extra, created).await?;
        tally.extra_heads += 1;
    }

    // The counts of the past weeks include the extra heads just added.
    let (first, last) = (today - days(28), today - days(1));
    let (_, past) = counts(&mut tx, first, last).await?;
    for day_counts in &past {
        let ago = (today - day_counts.day).num_days();
        for (meal, count) in day_counts.meals.iter().enumerate() {
            let Some(service) = services.iter().find(|s| s.id == count.meal_service_id) else {
                continue;
            };
            let expected = count.expected();
            let event = EVENTS
                .iter()
                .find(|(when, _)| *when == (ago, meal))
                .map(|(_, event)| *event);
            let (served, note) = match event {
                Some(Event::Missing) => continue,
                Some(Event::Above(note)) => (expected + (expected * 15 / 100).max(3), note),
                Some(Event::Fewer(note)) => (expected - rng.between(6, 12), note),
                Some(Event::Note(note)) => (expected + rng.between(-2, 1), note),
                None if rng.chance(25) => (expected, ""),
                None => (expected + rng.between(-3, 2), ""),
            };
            let record = Served {
                served: served.max(0),
                note: note.into(),
            };
            let late = TimeDelta::minutes(60 + rng.between(0, 90));
            let recorded_at = instant(day_counts.day, service.serves_at + late);
            repo::set_served(
                &mut tx,
                day_counts.day,
                service.id,
                &record,
                canteen_staff_id,
                recorded_at,
            )
            .await?;
            tally.served += 1;
        }
    }

    super::seeded(
        tx,
        "canteen",
        serde_json::json!({
            "ingredients": tally.ingredients,
            "recipes": tally.recipes,
            "recipe_lines": tally.recipe_lines,
            "menu_items": tally.menu_items,
            "extra_heads": tally.extra_heads,
            "served": tally.served,
        }),
    )
    .await
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::Datelike;

    use super::*;
    use crate::canteen::model::{ServedFlag, served_flag};

    use crate::demo::calendar::sample_today as today;

    #[test]
    fn every_name_is_in_both_scripts_and_every_line_and_dish_is_known() {
        let khmer = |text: &str| {
            text.chars()
                .all(|c| ('\u{1780}'..='\u{17FF}').contains(&c) || c == ' ')
        };
        let mut ingredients = HashSet::new();
        for (en, km, fr, _) in INGREDIENTS.into_iter().chain([PAPAYA]) {
            assert!(
                khmer(km) && en.is_ascii() && !fr.is_empty(),
                "{km} / {en} / {fr}"
            );
            assert!(ingredients.insert(en.to_lowercase()), "{en} twice");
        }
        let mut recipes = HashSet::new();
        for recipe in &RECIPES {
            assert!(khmer(recipe.name_km), "{}", recipe.name_km);
            assert!(recipes.insert(recipe.name_en), "{} twice", recipe.name_en);
            let mut keys = HashSet::new();
            for line in recipe.lines {
                assert!(
                    ingredients.contains(&line.ingredient.to_lowercase()),
                    "{}: {}",
                    recipe.name_en,
                    line.ingredient
                );
                assert!(
                    keys.insert((line.ingredient, line.diet)),
                    "{}",
                    line.ingredient
                );
            }
        }
        for day in &ROTATION {
            for dish in day.breakfast.iter().chain(day.lunch).chain(day.dinner) {
                assert!(recipes.contains(dish), "{dish}");
            }
        }
        assert!(EVENTS.iter().all(|((ago, meal), _)| *ago >= 1 && *meal < 3));
    }

    #[test]
    fn the_camp_is_a_weekend_about_ten_days_ago_and_the_visit_next_week() {
        let camp = next_weekday(today() - days(13), Weekday::Sat);
        assert_eq!(camp.weekday(), Weekday::Sat);
        assert!((7..=13).contains(&(today() - camp).num_days()));
        let visit = next_weekday(today() + days(3), Weekday::Wed);
        assert_eq!(visit.weekday(), Weekday::Wed);
        assert!((3..=9).contains(&(visit - today()).num_days()));
        assert_eq!(
            rotation(next_weekday(today(), Weekday::Sun)).breakfast,
            &[NUM_BANHCHOK]
        );
    }

    async fn table_sizes(pool: &SqlitePool) -> sqlx::Result<Vec<i64>> {
        let row = sqlx::query!(
            r#"SELECT (SELECT count(*) FROM ingredient) AS "ingredients!: i64",
                      (SELECT count(*) FROM recipe_line) AS "lines!: i64",
                      (SELECT count(*) FROM menu_item) AS "menus!: i64",
                      (SELECT count(*) FROM extra_heads) AS "extras!: i64",
                      (SELECT count(*) FROM meal_served) AS "served!: i64",
                      (SELECT count(*) FROM audit_log WHERE entity = 'canteen') AS "audit!: i64""#
        )
        .fetch_one(pool)
        .await?;
        Ok(vec![
            row.ingredients,
            row.lines,
            row.menus,
            row.extras,
            row.served,
            row.audit,
        ])
    }

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn the_demo_canteen_has_menus_a_month_of_served_records_and_seeds_once(
        pool: SqlitePool,
    ) -> sqlx::Result<()> {
        let mut conn = pool.acquire().await?;
        crate::demo::centre::seed_demo(&mut conn).await?;
        let canteen = sqlx::query_scalar!(
            r#"INSERT INTO staff_user (login, display_name, password_hash)
               VALUES ('canteen', 'Keo Chantha', '$argon2id$test') RETURNING id AS "id!: i64""#
        )
        .fetch_one(&mut *conn)
        .await?;
        drop(conn);
        crate::demo::residents::seed(&pool, today(), Some(canteen)).await?;
        seed(&pool, today(), Some(canteen)).await?;
        let sizes = table_sizes(&pool).await?;
        seed(&pool, today(), Some(canteen)).await?;
        assert_eq!(table_sizes(&pool).await?, sizes);
        assert_eq!(sizes[5], 1, "one audit entry");

        let mut conn = pool.acquire().await?;
        assert!(repo::recipes(&mut conn).await?.len() >= 12);
        let services = repo::services(&mut conn, false).await?;
        assert_eq!(services.len(), 3);
        let menus = repo::menus(&mut conn, today() - days(14), today() + days(13)).await?;
        for day in (today() - days(14)).iter_days().take(28) {
            for service in &services {
                let menu = menus.get(&(day, service.id)).map_or(0, Vec::len);
                assert!(menu >= 1, "{day} {}", service.name_en);
            }
        }

        let (first, last) = (today() - days(28), today() - days(1));
        let margin = repo::settings(&mut conn).await?.margin_percent;
        let (_, past) = counts(&mut conn, first, last).await?;
        let served = repo::served(&mut conn, first, last).await?;
        let mut flags = Vec::new();
        for day in &past {
            for meal in &day.meals {
                let record = served.get(&(day.day, meal.meal_service_id));
                let flag =
                    served_flag(meal.served_bounds(), record.map(|r| r.served), margin, true);
                flags.extend(flag);
                if let Some(record) = record {
                    assert!((record.served - meal.expected()).abs() <= 12 || flag.is_some());
                }
            }
        }
        assert_eq!(served.len(), 28 * 3 - 2);
        let count = |wanted: fn(&ServedFlag) -> bool| flags.iter().filter(|f| wanted(f)).count();
        assert_eq!(count(|f| matches!(f, ServedFlag::NotRecorded(_))), 2);
        assert_eq!(count(|f| matches!(f, ServedFlag::Above(_))), 2);
        assert_eq!(count(|f| matches!(f, ServedFlag::Below(_))), 0);
        Ok(())
    }
}
