//! The kitchen's pages: the printable kitchen sheet, the shopping list, the recipes and a
//! recipe with its lines.

use super::*;

/// `/canteen/kitchen?on=`: the kitchen sheet for a day, made to be printed on A4.
#[component]
pub fn KitchenSheetPage() -> impl IntoView {
    let query = use_query_map();
    let on = move || query.read().get("on").unwrap_or_default();
    let data = Resource::new_blocking(on, get_kitchen_sheet);
    view! {
        <BackToCanteen title=Key::KitchenTitle no_print=true />
        {page_data(data, |sheet| view! { <Sheet sheet /> })}
    }
}

#[component]
fn Sheet(sheet: SheetData) -> impl IntoView {
    let i18n = use_i18n();
    let services = sheet.services.clone();
    let day = sheet.day;
    view! {
        <form class="search no-print" method="get" action="/canteen/kitchen">
            <label for="on">{i18n.t(Key::FieldDate)}</label>
            <input id="on" name="on" type="date" value=day.to_string() />
            <button class="button secondary" type="submit">{i18n.t(Key::Show)}</button>
        </form>
        <p class="muted no-print">{i18n.t(Key::KitchenPrintHint)}</p>
        <article class="kitchen-sheet">
            <h1>{format!("{} · {}", i18n.t(Key::KitchenTitle), i18n.date_long(day))}</h1>
            <div class="sheet-meals">
                {services.iter().zip(sheet.counts.meals.iter()).map(|(service, meal)| {
                    let menu = sheet.menus.iter().find(|(m, _)| *m == service.id).map(|(_, r)| r.clone()).unwrap_or_default();
                    let heads = meal.frozen.as_ref().map_or(&meal.live, |f| &f.heads).clone();
                    view! {
                        <section class="sheet-meal">
                            <h2>{format!("{} · {}", service.name(i18n.lang), i18n.time(service.serves_at))}</h2>
                            <p class="sheet-total">{i18n.fmt(Key::KitchenHeads, &[("count", &i18n.num(meal.expected()))])}</p>
                            {(meal.late_delta() != 0).then(|| view! {
                                <p class="late">{i18n.fmt(Key::KitchenLate, &[("count", &i18n.num(meal.live.total()))])}</p>
                            })}
                            {heads_table(i18n, &heads, None)}
                            {late_list(i18n, meal.late.clone())}
                            <h3>{i18n.t(Key::CanteenMenu)}</h3>
                            {if menu.is_empty() {
                                view! { <p>{i18n.t(Key::CanteenMenuNone)}</p> }.into_any()
                            } else {
                                view! { <ul>{menu.iter().map(|r| view! { <li>{recipe_label(i18n, r)}</li> }).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                    }
                }).collect_view()}
            </div>
            <h2>{i18n.t(Key::KitchenChildren)}</h2>
            {if sheet.children.is_empty() {
                view! { <p>{i18n.t(Key::KitchenChildrenNone)}</p> }.into_any()
            } else {
                view! {
                    <ListTable headers=vec![Key::FieldName, Key::FieldDiet, Key::FieldAllergies, Key::CanteenMeal]>
                        {sheet.children.into_iter().map(|child| {
                            let meals: Vec<String> = services.iter().filter(|s| child.meals.contains(&s.id)).map(|s| s.name(i18n.lang).to_owned()).collect();
                            let allergies: Vec<&str> = child.allergies.iter().map(|a| i18n.t(a.label())).collect();
                            view! {
                                <tr>
                                    <td>
                                        {resident_name(i18n, &child.name_km, &child.name_latin)}
                                        {child.camper.then(|| view! { <span class="badge camper">{i18n.t(Key::CampCamper)}</span> })}
                                    </td>
                                    <td>{i18n.t(child.diet.label())}</td>
                                    <td><strong>{allergies.join(", ")}</strong></td>
                                    <td>{meals.join(", ")}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </ListTable>
                }.into_any()
            }}
        </article>
    }
}

/// `/canteen/shopping?from=&until=`: what to buy.
#[component]
pub fn ShoppingPage() -> impl IntoView {
    let query = use_query_map();
    let span = move || {
        let q = query.read();
        (
            q.get("from").unwrap_or_default(),
            q.get("until").unwrap_or_default(),
        )
    };
    let data = Resource::new_blocking(span, |(from, until)| shopping_list(from, until));
    view! {
        <BackToCanteen title=Key::ShoppingTitle heading=true no_print=true />
        {page_data(data, |list| view! { <Shopping list /> })}
    }
}

#[component]
fn Shopping(list: ShoppingData) -> impl IntoView {
    let i18n = use_i18n();
    let csv = format!(
        "/canteen/shopping.csv?from={}&until={}",
        list.from, list.until
    );
    view! {
        <form class="search no-print" method="get" action="/canteen/shopping">
            <label for="from">{i18n.t(Key::FieldFrom)}</label>
            <input id="from" name="from" type="date" value=list.from.to_string() />
            <label for="until">{i18n.t(Key::FieldUntil)}</label>
            <input id="until" name="until" type="date" value=list.until.to_string() />
            <button class="button secondary" type="submit">{i18n.t(Key::Show)}</button>
        </form>
        <p class="today">{format!("{} – {}", i18n.date_long(list.from), i18n.date_long(list.until))}</p>
        {(list.meals_without_menu > 0).then(|| view! {
            <p class="notice warn">{i18n.fmt(Key::ShoppingWithoutMenu, &[("count", &i18n.num(list.meals_without_menu as i64))])}</p>
        })}
        {if list.lines.is_empty() {
            view! { <p>{i18n.t(Key::ShoppingEmpty)}</p> }.into_any()
        } else {
            view! {
                <ListTable headers=vec![Key::CanteenIngredient, Key::CanteenQuantity, Key::CanteenUnit] class="shopping">
                    {list.lines.into_iter().map(|(ingredient, milli)| {
                        let (amount, unit) = quantity(milli, ingredient.unit);
                        let name = ingredient.name(i18n.lang).to_owned();
                        view! {
                            <tr>
                                <td>{name}</td>
                                <td class="number">{i18n.decimal(&amount)}</td>
                                <td>{i18n.t(unit)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </ListTable>
            }.into_any()
        }}
        <p class="actions no-print">
            <a class="button secondary" href=csv download="">{i18n.t(Key::CanteenExportCsv)}</a>
        </p>
    }
}

/// `/canteen/recipes`: every recipe.
#[component]
pub fn RecipesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| list_recipes());
    view! {
        <BackToCanteen title=Key::RecipesTitle heading=true />
        {page_data(data, move |page| view! {
            <ListTable headers=vec![Key::CanteenRecipe, Key::CanteenIngredients]>
                {page.recipes.into_iter().map(|(recipe, lines)| view! {
                    <tr>
                        <td><a href=format!("/canteen/recipes/{}", recipe.id)>{recipe_label(i18n, &recipe)}</a></td>
                        <td>{i18n.num(lines as i64)}</td>
                    </tr>
                }).collect_view()}
            </ListTable>
            {page.can_edit.then(|| view! {
                <details class="more">
                    <summary>{i18n.t(Key::RecipeNew)}</summary>
                    <FormError url=SaveRecipe::url() />
                    <form class="stack narrow" method="post" action=SaveRecipe::url()>
                        <NameFields prefix="name" max=80 />
                        <button class="button" type="submit">{i18n.t(Key::RecipeNew)}</button>
                    </form>
                </details>
            })}
        })}
    }
}

/// `/canteen/recipes/:id`: a recipe and its quantities per head.
#[component]
pub fn RecipePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = resource_by_id(get_recipe);
    view! {
        <Title text=i18n.t(Key::RecipesTitle) />
        <p class="breadcrumb">
            <a href="/canteen">{i18n.t(Key::CanteenTitle)}</a>
            " › "
            <a href="/canteen/recipes">{i18n.t(Key::RecipesTitle)}</a>
        </p>
        {page_data(data, |page| view! { <RecipeView page /> })}
    }
}

#[component]
fn RecipeView(page: RecipeData) -> impl IntoView {
    let i18n = use_i18n();
    let recipe = page.recipe.clone();
    let id = recipe.id;
    let can_edit = page.can_edit;
    let unit_of = move |unit: Unit| i18n.t(unit.label());
    view! {
        <h1>{recipe_label(i18n, &recipe)}</h1>
        <SavedNotice message=Key::Saved />
        <FormError url=SetRecipeLine::url() />
        <FormError url=AddIngredient::url() />
        <FormError url=SaveRecipe::url() />
        <h2 id="lines">{i18n.t(Key::CanteenPerHead)}</h2>
        {if page.lines.is_empty() {
            view! { <p>{i18n.t(Key::RecipeNoLines)}</p> }.into_any()
        } else {
            view! {
                <ListTable headers=vec![Key::CanteenIngredient, Key::FieldDiet, Key::CanteenPerHead, Key::CanteenUnit]>
                    {page.lines.iter().map(|line| {
                        let name = line.ingredient.name(i18n.lang).to_owned();
                        let diet = line.diet.map_or_else(|| i18n.t(Key::RecipeEveryone).to_owned(), |d| i18n.t(d.label()).to_owned());
                        view! {
                            <tr>
                                <td>{name}</td>
                                <td>{diet}</td>
                                <td class="number">{i18n.decimal(&crate::canteen::model::show_per_head(line.per_head_milli))}</td>
                                <td>
                                    {unit_of(line.ingredient.unit)}
                                    {can_edit.then(|| view! {
                                        <form class="inline" method="post" action=SetRecipeLine::url()>
                                            <input type="hidden" name="recipe_id" value=id />
                                            <input type="hidden" name="ingredient_id" value=line.ingredient.id />
                                            <input type="hidden" name="diet" value=line.diet.map_or("", Diet::code) />
                                            <button class="button small secondary" type="submit" name="remove" value="1">{i18n.t(Key::Remove)}</button>
                                        </form>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </ListTable>
            }.into_any()
        }}
        <p class="muted">{i18n.t(Key::RecipeVariantHint)}</p>
        {can_edit.then(|| view! {
            <h2>{i18n.t(Key::RecipeAddLine)}</h2>
            {page.ingredients.is_empty().then(|| view! { <p>{i18n.t(Key::RecipeNoIngredients)}</p> })}
            {(!page.ingredients.is_empty()).then(|| view! {
            <form class="stack narrow" method="post" action=SetRecipeLine::url()>
                <input type="hidden" name="recipe_id" value=id />
                <label for="ingredient_id">{i18n.t(Key::CanteenIngredient)}</label>
                <select id="ingredient_id" name="ingredient_id" required>
                    {page.ingredients.iter().map(|ing| {
                        let name = ing.name(i18n.lang);
                        view! { <option value=ing.id>{format!("{name} ({})", unit_of(ing.unit))}</option> }
                    }).collect_view()}
                </select>
                <label for="line_diet">{i18n.t(Key::FieldDiet)}</label>
                <select id="line_diet" name="diet">
                    <option value="">{i18n.t(Key::RecipeEveryone)}</option>
                    {Diet::ALL.iter().map(|d| view! { <option value=d.code()>{i18n.t(d.label())}</option> }).collect_view()}
                </select>
                <label for="per_head">{i18n.t(Key::CanteenPerHead)}</label>
                <input id="per_head" name="per_head" type="text" inputmode="decimal" maxlength="10" required />
                <button class="button" type="submit">{i18n.t(Key::Save)}</button>
            </form>
            })}
            <details class="more">
                <summary>{i18n.t(Key::IngredientNew)}</summary>
                <form class="stack narrow" method="post" action=AddIngredient::url()>
                    <input type="hidden" name="recipe_id" value=id />
                    <NameFields prefix="ing" max=60 />
                    <label for="unit">{i18n.t(Key::CanteenUnit)}</label>
                    <select id="unit" name="unit">
                        {Unit::ALL.iter().map(|u| view! { <option value=u.code()>{i18n.t(u.label())}</option> }).collect_view()}
                    </select>
                    <button class="button" type="submit">{i18n.t(Key::IngredientNew)}</button>
                </form>
            </details>
            <details class="more">
                <summary>{i18n.t(Key::RecipeRename)}</summary>
                <form class="stack narrow" method="post" action=SaveRecipe::url()>
                    <input type="hidden" name="id" value=id />
                    <NameFields prefix="name" max=80 values=[recipe.name_km.clone(), recipe.name_en.clone(), recipe.name_fr.clone()] />
                    <button class="button" type="submit">{i18n.t(Key::Save)}</button>
                </form>
            </details>
        })}
    }
}
