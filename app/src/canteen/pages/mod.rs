//! Pages of the canteen: `/canteen` (the 14-day forecast and flags), `/canteen/day` (a day's
//! meals: counts, late changes, extra heads, served, menu), `/canteen/kitchen` (the printable
//! kitchen sheet), `/canteen/shopping`, `/canteen/recipes`, `/canteen/recipes/:id` and
//! `/canteen/settings`.

mod kitchen;
mod settings;

pub use kitchen::{KitchenSheetPage, RecipePage, RecipesPage, ShoppingPage};
pub use settings::CanteenSettingsPage;

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    AddExtra, AddIngredient, ChangeMenu, RecordServed, RemoveExtra, SaveRecipe, SaveService,
    SaveSettings, SetRecipeLine, canteen_day, canteen_forecast, canteen_settings,
    get_kitchen_sheet, get_recipe, list_recipes, shopping_list,
};
use super::model::{
    DayPage, ExtraKind, ForecastPage, Heads, KitchenSheet as SheetData, MealCount, MealService,
    RecipeName, RecipePage as RecipeData, ServedFlag, SettingsPage, ShoppingPage as ShoppingData,
    Unit, quantity,
};
use crate::base::i18n::{I18n, Key, WEEKDAYS, use_i18n};
use crate::base::ui::{FormError, ListTable, SavedNotice, page_data, resource_by_id};
use crate::residents::model::Diet;
use crate::residents::pages::resident_name;

pub(super) fn recipe_label(i18n: I18n, recipe: &RecipeName) -> String {
    recipe.name(i18n.lang).to_owned()
}

/// The Khmer, English and French name fields of a recipe or an ingredient form; `prefix`
/// keeps the ids apart when two such forms share a page.
#[component]
pub(super) fn NameFields(
    prefix: &'static str,
    max: usize,
    #[prop(optional)] values: Option<[String; 3]>,
) -> impl IntoView {
    let i18n = use_i18n();
    let [km, en, fr] = values.unwrap_or_default();
    let max = max.to_string();
    let fields = [
        ("km", Key::FieldNameKhmer, km),
        ("en", Key::FieldNameEnglish, en),
        ("fr", Key::FieldNameFrench, fr),
    ];
    fields
        .into_iter()
        .map(|(code, label, value)| {
            let id = format!("{prefix}_{code}");
            view! {
                <label for=id.clone()>{i18n.t(label)}</label>
                <input id=id name=format!("name_{code}") type="text" lang=code maxlength=max.clone() value=value required />
            }
        })
        .collect_view()
}

/// The top of a page under `/canteen`: its title in the tab, the way back to the canteen
/// (left off the printout with `no_print`) and, with `heading`, the title again as the heading.
#[component]
pub(super) fn BackToCanteen(
    title: Key,
    #[prop(optional)] heading: bool,
    #[prop(optional)] no_print: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let crumb = if no_print {
        "breadcrumb no-print"
    } else {
        "breadcrumb"
    };
    view! {
        <Title text=i18n.t(title) />
        <p class=crumb><a href="/canteen">{i18n.t(Key::CanteenTitle)}</a></p>
        {heading.then(|| view! { <h1>{i18n.t(title)}</h1> })}
    }
}

pub(super) fn canteen_links(i18n: I18n) -> impl IntoView {
    view! {
        <nav class="actions" aria-label=i18n.t(Key::CanteenTitle)>
            <a class="button secondary" href="/canteen">{i18n.t(Key::CanteenForecast)}</a>
            <a class="button secondary" href="/canteen/kitchen">{i18n.t(Key::KitchenTitle)}</a>
            <a class="button secondary" href="/canteen/shopping">{i18n.t(Key::ShoppingTitle)}</a>
            <a class="button secondary" href="/canteen/recipes">{i18n.t(Key::RecipesTitle)}</a>
            <a class="button secondary" href="/canteen/settings">{i18n.t(Key::CanteenSettingsTitle)}</a>
        </nav>
    }
}

/// The figure the kitchen cooks for, with what moved since the cut-off beside it: residents
/// gone and come (shown even when they cancel out) and extra heads added or removed.
fn expected_cell(i18n: I18n, meal: &MealCount) -> AnyView {
    let frozen = meal.frozen.as_ref();
    let (came, gone) = meal.late_moves();
    let extra = frozen.map_or(0, |f| meal.live.extra - f.heads.extra);
    let campers = frozen.map_or(0, |f| meal.live.campers - f.heads.campers);
    let mut moves = Vec::new();
    if gone > 0 {
        moves.push(format!("−{}", i18n.num(gone as i64)));
    }
    if came > 0 {
        moves.push(format!("+{}", i18n.num(came as i64)));
    }
    for (delta, what) in [
        (campers, Key::CanteenCampersShort),
        (extra, Key::CanteenExtraShort),
    ] {
        if delta != 0 {
            let sign = if delta > 0 { "+" } else { "−" };
            moves.push(format!("{sign}{} {}", i18n.num(delta.abs()), i18n.t(what)));
        }
    }
    view! {
        <span class="figure">{i18n.num(meal.expected())}</span>
        {frozen.is_some().then(|| view! { <span class="badge frozen">{i18n.t(Key::CanteenFrozen)}</span> })}
        {(!moves.is_empty()).then(|| view! {
            <span class="late">
                <span class="visually-hidden">{i18n.t(Key::CanteenLateChanges)}": "</span>
                {moves.join(" ")}
            </span>
        })}
    }
    .into_any()
}

/// Who moved since the cut-off, and why.
fn late_list(i18n: I18n, late: Vec<super::model::LateChange>) -> impl IntoView {
    (!late.is_empty()).then(|| view! {
        <h3>{i18n.t(Key::CanteenLateChanges)}</h3>
        <ul class="late-changes">
            {late.into_iter().map(|change| {
                let why = if change.now_eats {
                    i18n.t(Key::CanteenLateCame).to_owned()
                } else {
                    change.away.map_or_else(|| i18n.t(Key::CanteenLateNoBed).to_owned(), |r| i18n.t(r.label()).to_owned())
                };
                let sign = if change.now_eats { "+" } else { "−" };
                view! {
                    <li class:gone={!change.now_eats}>
                        {format!("{sign} ")}
                        <a href=format!("/residents/{}", change.resident_id)>{resident_name(i18n, &change.name_km, &change.name_latin)}</a>
                        {format!(" · {} · {why}", i18n.t(change.diet.label()))}
                    </li>
                }
            }).collect_view()}
        </ul>
    })
}

/// `/canteen`: the 14-day forecast and the meals that need a look.
#[component]
pub fn CanteenPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| canteen_forecast());
    view! {
        <Title text=i18n.t(Key::CanteenTitle) />
        <h1>{i18n.t(Key::CanteenTitle)}</h1>
        {canteen_links(i18n)}
        {page_data(data, |page| view! { <Forecast page /> })}
    }
}

#[component]
fn Forecast(page: ForecastPage) -> impl IntoView {
    let i18n = use_i18n();
    let services = page.services.clone();
    let mut headers = vec![Key::FieldDate];
    let names: Vec<String> = services
        .iter()
        .map(|s| s.name(i18n.lang).to_owned())
        .collect();
    headers.extend(std::iter::repeat_n(Key::CanteenMeal, services.len()));
    let cutoff = i18n.time(page.cutoff);
    let csv_from = page.today - chrono::Days::new(28);
    view! {
        <h2>{i18n.t(Key::CanteenForecast)}</h2>
        <p class="muted">{i18n.fmt(Key::CanteenCutoffRule, &[("time", &cutoff)])}</p>
        // Scrolls sideways on a phone: it takes the focus, so a keyboard can scroll it too.
        <div class="table-wrap" tabindex="0">
            <table class="list forecast">
                <thead>
                    <tr>
                        <th scope="col">{i18n.t(Key::FieldDate)}</th>
                        {names.iter().map(|name| view! { <th scope="col">{name.clone()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {page.days.into_iter().map(|day| {
                        let href = format!("/canteen/day?on={}", day.day);
                        view! {
                            <tr>
                                <th scope="row">
                                    <a href=href>{i18n.date_short(day.day)}</a>
                                    <span class="muted weekday">{i18n.t(WEEKDAYS[day.day.weekday().num_days_from_monday() as usize])}</span>
                                </th>
                                {day.meals.iter().map(|meal| view! {
                                    <td>{expected_cell(i18n, meal)}</td>
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>{i18n.t(Key::CanteenFlags)}</h2>
        {if page.flags.is_empty() {
            view! { <p>{i18n.t(Key::CanteenFlagsNone)}</p> }.into_any()
        } else {
            view! {
                <ListTable headers=vec![Key::FieldDate, Key::CanteenMeal, Key::CanteenExpected, Key::CanteenServed, Key::FieldState]>
                    {page.flags.into_iter().map(|flag| {
                        let meal = services.iter().find(|s| s.id == flag.meal_service_id).map(|s| s.name(i18n.lang).to_owned()).unwrap_or_default();
                        view! {
                            <tr>
                                <td><a href=format!("/canteen/day?on={}#meal-{}", flag.day, flag.meal_service_id)>{i18n.date_short(flag.day)}</a></td>
                                <td>{meal}</td>
                                <td>{i18n.num(flag.flag.against().heads)}</td>
                                <td>{flag.served.map(|n| i18n.num(n)).unwrap_or_else(|| "—".into())}</td>
                                <td><FlagText flag=flag.flag /></td>
                            </tr>
                        }
                    }).collect_view()}
                </ListTable>
            }.into_any()
        }}
        {export_form(i18n, csv_from, page.today)}
    }
}

/// The form that downloads counts and served figures for a span of days.
pub(super) fn export_form(i18n: I18n, from: NaiveDate, until: NaiveDate) -> AnyView {
    view! {
        <h2>{i18n.t(Key::CanteenExportTitle)}</h2>
        <form class="search" method="get" action="/canteen/counts.csv">
            <label for="csv_from">{i18n.t(Key::FieldFrom)}</label>
            <input id="csv_from" name="from" type="date" value=from.to_string() required />
            <label for="csv_until">{i18n.t(Key::FieldUntil)}</label>
            <input id="csv_until" name="until" type="date" value=until.to_string() required />
            <button class="button secondary" type="submit">{i18n.t(Key::CanteenExportCsv)}</button>
        </form>
    }
    .into_any()
}

/// Heads by diet (and allergies) as a small table; the frozen figures beside the live ones.
fn heads_table(i18n: I18n, live: &Heads, frozen: Option<&Heads>) -> impl IntoView + use<> {
    let mut headers = vec![Key::FieldDiet, Key::CanteenNow];
    if frozen.is_some() {
        headers.push(Key::CanteenAtCutoff);
    }
    let rows: Vec<(String, i64, Option<i64>)> = Diet::ALL
        .iter()
        .map(|d| {
            (
                i18n.t(d.label()).to_owned(),
                live.diet(*d),
                frozen.map(|f| f.diet(*d)),
            )
        })
        .filter(|(_, now, then)| *now > 0 || then.is_some_and(|n| n > 0))
        .collect();
    let campers = (
        i18n.t(Key::CanteenCampers).to_owned(),
        live.campers,
        frozen.map(|f| f.campers),
    );
    let extra = (
        i18n.t(Key::CanteenExtra).to_owned(),
        live.extra,
        frozen.map(|f| f.extra),
    );
    let total = (
        i18n.t(Key::CanteenTotal).to_owned(),
        live.total(),
        frozen.map(Heads::total),
    );
    let allergies: Vec<String> = live
        .allergies
        .iter()
        .map(|(a, n)| format!("{} {}", i18n.t(a.label()), i18n.num(*n)))
        .collect();
    view! {
        <ListTable headers class="heads">
            {rows.into_iter().chain([campers, extra, total]).map(|(label, now, then)| view! {
                <tr>
                    <th scope="row">{label}</th>
                    <td>{i18n.num(now)}</td>
                    {then.map(|n| view! { <td>{i18n.num(n)}</td> })}
                </tr>
            }).collect_view()}
        </ListTable>
        {(!allergies.is_empty()).then(|| view! {
            <p class="allergies"><strong>{i18n.t(Key::FieldAllergies)}": "</strong>{allergies.join(" · ")}</p>
        })}
    }
}

/// `/canteen/day?on=`: one day's meals.
#[component]
pub fn CanteenDayPage() -> impl IntoView {
    let query = use_query_map();
    let on = move || query.read().get("on").unwrap_or_default();
    let data = Resource::new_blocking(on, canteen_day);
    view! {
        <BackToCanteen title=Key::CanteenDayTitle />
        {page_data(data, |page| view! { <DayView page /> })}
    }
}

#[component]
fn DayView(page: DayPage) -> impl IntoView {
    let i18n = use_i18n();
    let day = page.day;
    let prev = day.pred_opt().unwrap_or(day);
    let next = day.succ_opt().unwrap_or(day);
    let can_edit = page.can_edit;
    let recipes = page.recipes.clone();
    view! {
        <h1>{i18n.date_long(day)}</h1>
        <p class="actions">
            <a class="button secondary" href=format!("/canteen/day?on={prev}")>{"‹ "}{i18n.date_short(prev)}</a>
            <a class="button secondary" href=format!("/canteen/day?on={next}")>{i18n.date_short(next)}{" ›"}</a>
            <a class="button secondary" href=format!("/canteen/kitchen?on={day}")>{i18n.t(Key::KitchenTitle)}</a>
        </p>
        <SavedNotice message=Key::Saved />
        <FormError url=AddExtra::url() />
        <FormError url=RemoveExtra::url() />
        <FormError url=RecordServed::url() />
        <FormError url=ChangeMenu::url() />
        {page.services.iter().zip(page.counts.meals.iter()).map(|(service, meal)| {
            let extras: Vec<_> = page.extras.iter().filter(|e| e.added.meal_service_id == service.id).cloned().collect();
            let served = page.served.iter().find(|(m, _, _)| *m == service.id).map(|(_, n, note)| (*n, note.clone()));
            let menu = page.menus.iter().find(|(m, _)| *m == service.id).map(|(_, r)| r.clone()).unwrap_or_default();
            let state = MealState {
                over: page.over.contains(&service.id),
                overdue: page.overdue.contains(&service.id),
                can_edit,
                margin: page.margin_percent,
                cutoff: page.cutoff,
            };
            view! {
                <MealSection
                    day service=service.clone() meal=meal.clone() extras served menu
                    recipes=recipes.clone() state
                />
            }
        }).collect_view()}
    }
}

/// Where a meal stands, for its section of the day page.
#[derive(Clone, Copy)]
struct MealState {
    /// Served by now: its figure can be recorded.
    over: bool,
    /// Its served figure is overdue.
    overdue: bool,
    /// The caller may change canteen records.
    can_edit: bool,
    /// The served margin, in percent.
    margin: i64,
    /// When days freeze.
    cutoff: chrono::NaiveTime,
}

#[component]
fn MealSection(
    day: NaiveDate,
    service: MealService,
    meal: MealCount,
    extras: Vec<super::model::Extra>,
    served: Option<(i64, String)>,
    menu: Vec<RecipeName>,
    recipes: Vec<RecipeName>,
    state: MealState,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = service.id;
    let MealState {
        over,
        overdue,
        can_edit,
        margin,
        cutoff,
    } = state;
    let frozen_at = meal.frozen.as_ref().map(|f| f.at);
    let frozen_late = frozen_at
        .filter(|at| *at - super::model::cutoff_instant(day, cutoff) > super::model::FREEZE_LATE);
    let day_text = day.to_string();
    let status = match &meal.frozen {
        Some(frozen) => i18n.fmt(
            Key::CanteenFrozenAt,
            &[
                (
                    "time",
                    &i18n.date_time(crate::presence::model::local(frozen.at)),
                ),
                ("count", &i18n.num(frozen.heads.total())),
            ],
        ),
        None => i18n.t(Key::CanteenLive).to_owned(),
    };
    let flag = super::model::served_flag(
        meal.served_bounds(),
        served.as_ref().map(|s| s.0),
        margin,
        overdue,
    );
    let late = meal.late.clone();
    let remaining: Vec<RecipeName> = recipes
        .into_iter()
        .filter(|r| !menu.iter().any(|m| m.id == r.id))
        .collect();
    view! {
        <section class="meal" id=format!("meal-{id}")>
            <h2>{format!("{} · {}", service.name(i18n.lang), i18n.time(service.serves_at))}</h2>
            <p class="meal-expected">
                {i18n.t(Key::CanteenExpected)}": "{expected_cell(i18n, &meal)}
            </p>
            <p class="muted">{status}</p>
            {frozen_late.map(|at| view! {
                <p class="notice warn">
                    {i18n.fmt(Key::CanteenFrozenLate, &[("time", &i18n.date_time(crate::presence::model::local(at)))])}
                </p>
            })}
            {heads_table(i18n, &meal.live, meal.frozen.as_ref().map(|f| &f.heads))}
            {late_list(i18n, late)}
            <h3 id=format!("extras-{id}")>{i18n.t(Key::CanteenExtra)}</h3>
            {if extras.is_empty() {
                view! { <p class="muted">{i18n.t(Key::CanteenExtraNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="extras">
                        {extras.into_iter().map(|super::model::Extra { id: extra_id, added, created_at }| view! {
                            <li>
                                {format!("{} · {} · {} {}", i18n.num(added.heads), i18n.t(added.kind.label()), i18n.t(added.diet.label()), added.reason)}
                                {frozen_at.is_some_and(|at| created_at > at).then(|| view! {
                                    <span class="badge late-badge">{i18n.t(Key::CanteenAfterCutoff)}</span>
                                })}
                                {(can_edit && added.source.is_none()).then(|| view! {
                                    <form class="inline" method="post" action=RemoveExtra::url()>
                                        <input type="hidden" name="id" value=extra_id />
                                        <button class="button small secondary" type="submit">{i18n.t(Key::Remove)}</button>
                                    </form>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {can_edit.then(|| {
                let day_text = day_text.clone();
                view! {
                    <details class="more">
                        <summary>{i18n.t(Key::CanteenExtraAdd)}</summary>
                        <form class="stack narrow" method="post" action=AddExtra::url()>
                            <input type="hidden" name="day" value=day_text />
                            <input type="hidden" name="meal_service_id" value=id />
                            <label for=format!("heads-{id}")>{i18n.t(Key::CanteenHeads)}</label>
                            <input id=format!("heads-{id}") name="heads" type="number" min="1" max="2000" inputmode="numeric" required />
                            <label for=format!("kind-{id}")>{i18n.t(Key::CanteenExtraKind)}</label>
                            <select id=format!("kind-{id}") name="kind" aria-describedby=format!("kind-hint-{id}")>
                                {ExtraKind::ALL.iter().map(|k| view! { <option value=k.code()>{i18n.t(k.label())}</option> }).collect_view()}
                            </select>
                            <p class="hint" id=format!("kind-hint-{id}")>{i18n.t(Key::CanteenExtraCampHint)}</p>
                            <label for=format!("diet-{id}")>{i18n.t(Key::FieldDiet)}</label>
                            <select id=format!("diet-{id}") name="diet">
                                {Diet::ALL.iter().map(|d| view! { <option value=d.code()>{i18n.t(d.label())}</option> }).collect_view()}
                            </select>
                            <label for=format!("reason-{id}")>{i18n.t(Key::FieldReason)}</label>
                            <input id=format!("reason-{id}") name="reason" type="text" maxlength="200" />
                            <button class="button" type="submit">{i18n.t(Key::CanteenExtraAdd)}</button>
                        </form>
                    </details>
                }
            })}
            <h3>{i18n.t(Key::CanteenServed)}</h3>
            {flag.map(|flag| view! { <p class="notice warn"><FlagText flag /></p> })}
            {match (&served, can_edit && over) {
                (_, true) => {
                    let (value, note) = served.clone().map_or((String::new(), String::new()), |(n, note)| (n.to_string(), note));
                    view! {
                        <form class="inline" method="post" action=RecordServed::url()>
                            <input type="hidden" name="day" value=day_text.clone() />
                            <input type="hidden" name="meal_service_id" value=id />
                            <label for=format!("served-{id}")>{i18n.t(Key::CanteenServed)}</label>
                            <input id=format!("served-{id}") name="served" type="number" min="0" max="5000" inputmode="numeric" value=value required />
                            <label for=format!("note-{id}")>{i18n.t(Key::FieldNote)}</label>
                            <input id=format!("note-{id}") name="note" type="text" maxlength="200" value=note />
                            <button class="button" type="submit">{i18n.t(Key::Save)}</button>
                        </form>
                    }.into_any()
                }
                (Some((n, note)), false) => view! { <p>{format!("{} {}", i18n.num(*n), note)}</p> }.into_any(),
                (None, false) => view! { <p class="muted">{i18n.t(Key::CanteenServedLater)}</p> }.into_any(),
            }}
            <h3>{i18n.t(Key::CanteenMenu)}</h3>
            {if menu.is_empty() {
                view! { <p class="muted">{i18n.t(Key::CanteenMenuNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="menu">
                        {menu.iter().map(|recipe| view! {
                            <li>
                                <a href=format!("/canteen/recipes/{}", recipe.id)>{recipe_label(i18n, recipe)}</a>
                                {can_edit.then(|| view! {
                                    <form class="inline" method="post" action=ChangeMenu::url()>
                                        <input type="hidden" name="day" value=day_text.clone() />
                                        <input type="hidden" name="meal_service_id" value=id />
                                        <input type="hidden" name="recipe_id" value=recipe.id />
                                        <button class="button small secondary" type="submit" name="change" value="remove">{i18n.t(Key::Remove)}</button>
                                    </form>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(can_edit && !remaining.is_empty()).then(|| view! {
                <form class="inline" method="post" action=ChangeMenu::url()>
                    <input type="hidden" name="day" value=day_text.clone() />
                    <input type="hidden" name="meal_service_id" value=id />
                    <label for=format!("recipe-{id}")>{i18n.t(Key::CanteenRecipe)}</label>
                    <select id=format!("recipe-{id}") name="recipe_id" required>
                        {remaining.iter().map(|r| view! {
                            <option value=r.id>{recipe_label(i18n, r)}</option>
                        }).collect_view()}
                    </select>
                    <button class="button secondary" type="submit" name="change" value="add">{i18n.t(Key::CanteenMenuAdd)}</button>
                </form>
            })}
        </section>
    }
}

/// A served flag in words, with the count it was held against in its tooltip.
#[component]
pub(super) fn FlagText(flag: ServedFlag) -> impl IntoView {
    let i18n = use_i18n();
    let against = flag.against();
    let title = i18n.fmt(
        Key::CanteenHeldAgainst,
        &[
            ("count", &i18n.num(against.heads)),
            ("figure", i18n.t(against.figure.label())),
        ],
    );
    view! { <span class="flag" title=title>{i18n.t(flag.message())}</span> }
}
