//! Pages of residents: `/residents` (search by either name) and `/residents/new` (admission).
//! A resident's file (`/residents/:id`) shows five domains and is composed in `across`.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{CreateResident, ResidentList, new_resident_form, search_residents};
use super::model::{Allergen, Diet, Programme, ResidentFields, ResidentRow, Sex};
use crate::base::i18n::{I18n, Key, use_i18n};
use crate::base::ui::{FormError, ListTable, LiveSearch, page_data, use_islands};

/// A resident's name as a reader of this language expects it: Khmer script first in Khmer.
pub fn resident_name(i18n: I18n, khmer: &str, latin: &str) -> String {
    match i18n.lang {
        crate::base::i18n::Lang::Km => format!("{khmer} ({latin})"),
        _ => format!("{latin} ({khmer})"),
    }
}

/// `/residents`: search by either name.
#[component]
pub fn ResidentsPage() -> impl IntoView {
    let i18n = use_i18n();
    // The list follows the typing (`LiveSearch`).
    use_islands();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let left = move || query.read().get("left").is_some();
    let data = Resource::new_blocking(
        move || (q(), left()),
        |(q, left)| search_residents(q, left.then(|| "on".to_owned())),
    );
    view! {
        <Title text=i18n.t(Key::ResidentsTitle) />
        <h1>{i18n.t(Key::ResidentsTitle)}</h1>
        // With JavaScript the list follows the typing (and the address, so a reload or the
        // back button keeps the search); without, the button sends the form.
        <LiveSearch>
        <form class="search" method="get" action="/residents" role="search" data-results="results">
            <label class="visually-hidden" for="q">{i18n.t(Key::ResidentsSearch)}</label>
            <input
                id="q"
                name="q"
                type="search"
                value=q
                placeholder=i18n.t(Key::ResidentsSearchHint)
                autocomplete="off"
            />
            <label class="choice" for="left">
                <input id="left" type="checkbox" name="left" checked=left />
                {i18n.t(Key::ResidentsIncludeLeft)}
            </label>
            <button class="button" type="submit">{i18n.t(Key::ResidentsSearch)}</button>
        </form>
        </LiveSearch>
        <div id="results">{page_data(data, |list| view! { <ResidentResults list /> })}</div>
    }
}

#[component]
fn ResidentResults(list: ResidentList) -> impl IntoView {
    let i18n = use_i18n();
    let empty = list.rows.is_empty();
    view! {
        {list
            .can_edit
            .then(|| {
                view! {
                    <p class="actions">
                        <a class="button" href="/residents/new">{i18n.t(Key::ResidentsNew)}</a>
                        <a class="button secondary" href="/residents/import">{i18n.t(Key::ResidentsImport)}</a>
                        <a class="button secondary" href="/buildings#waiting">{i18n.t(Key::WaitingTitle)}</a>
                    </p>
                }
            })}
        {empty.then(|| view! { <p class="notice">{i18n.t(Key::ResidentsNone)}</p> })}
        <ResidentTable rows=list.rows />
    }
}

/// Residents as a table: name, sex and age, programme, bed.
#[component]
pub fn ResidentTable(rows: Vec<ResidentRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ListTable headers=vec![Key::FieldName, Key::FieldSexAge, Key::FieldProgramme, Key::FieldBed]>
            {rows
                .into_iter()
                .map(|row| {
                    let age = i18n.num(i64::from(row.age));
                    view! {
                        <tr class:inactive=row.left_on.is_some()>
                            <td>
                                <a href=format!("/residents/{}", row.id)>
                                    {resident_name(i18n, &row.name_km, &row.name_latin)}
                                </a>
                            </td>
                            <td>
                                <span class=format!("sex sex-{}", row.sex.code())>{i18n.t(row.sex.label())}</span>
                                " · "
                                {age}
                            </td>
                            <td>{i18n.t(row.programme.label())}</td>
                            <td>
                                {match (row.left_on, row.bed) {
                                    (Some(day), _) => {
                                        format!("{} {}", i18n.t(Key::ResidentLeftOn), i18n.date_short(day))
                                    }
                                    (None, Some(bed)) => bed,
                                    (None, None) => i18n.t(Key::ResidentNoBed).to_owned(),
                                }}
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
    }
}

/// A page under `/residents` for those who may admit residents: its `title`, the way back to
/// the list, and `content` (given today) once the server lets the viewer in.
#[component]
pub fn AdmissionPage<V>(title: Key, content: fn(I18n, chrono::NaiveDate) -> V) -> impl IntoView
where
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| new_resident_form());
    view! {
        <Title text=i18n.t(title) />
        <p class="breadcrumb">
            <a href="/residents">{i18n.t(Key::ResidentsTitle)}</a>
        </p>
        <h1>{i18n.t(title)}</h1>
        {page_data(data, move |today| content(i18n, today))}
    }
}

/// `/residents/new`: the admission form.
#[component]
pub fn NewResidentPage() -> impl IntoView {
    view! { <AdmissionPage title=Key::ResidentsNew content=admission_form /> }
}

fn admission_form(i18n: I18n, today: chrono::NaiveDate) -> impl IntoView {
    view! {
        <FormError url=CreateResident::url() />
        <form class="stack narrow" method="post" action=CreateResident::url()>
            <ResidentFieldset fields=None today />
            <button class="button" type="submit">{i18n.t(Key::ResidentsCreate)}</button>
        </form>
    }
}

/// The fields of the admission and edit forms, filled with `fields` when editing.
/// The resident's fields, empty for an admission or filled for an edit.
#[component]
pub fn ResidentFieldset(fields: Option<ResidentFields>, today: chrono::NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let value = |f: fn(&ResidentFields) -> String| fields.as_ref().map(f).unwrap_or_default();
    let sex = fields.as_ref().map(|f| f.sex);
    let programme = fields.as_ref().map(|f| f.programme);
    let diet = fields.as_ref().map_or(Diet::Normal, |f| f.diet);
    let allergies = fields
        .as_ref()
        .map(|f| f.allergies.clone())
        .unwrap_or_default();
    let admitted = fields
        .as_ref()
        .map_or(today.to_string(), |f| f.admitted_on.to_string());
    view! {
        <label for="name_km">{i18n.t(Key::FieldNameKhmer)}</label>
        <input id="name_km" name="resident[name_km]" type="text" lang="km" maxlength="100" required value=value(|f| f.name_km.clone()) />
        <label for="name_latin">{i18n.t(Key::FieldNameLatin)}</label>
        <input id="name_latin" name="resident[name_latin]" type="text" maxlength="100" required value=value(|f| f.name_latin.clone()) />
        <fieldset class="choices">
            <legend>{i18n.t(Key::FieldSex)}</legend>
            {Sex::ALL
                .into_iter()
                .map(|option| view! {
                    <Choice id=format!("sex-{}", option.code()) kind="radio" name="resident[sex]" value=option.code() required=true checked=sex == Some(option) label=option.label() />
                })
                .collect_view()}
        </fieldset>
        <label for="born_on">{i18n.t(Key::FieldBornOn)}</label>
        <input id="born_on" name="resident[born_on]" type="date" required max=today.to_string() value=value(|f| f.born_on.to_string()) />
        <label for="grade">{i18n.t(Key::FieldGrade)}</label>
        <input id="grade" name="resident[grade]" type="text" maxlength="20" value=value(|f| f.grade.clone()) />
        <label for="programme">{i18n.t(Key::FieldProgramme)}</label>
        <select id="programme" name="resident[programme]" required>
            {Programme::ALL
                .into_iter()
                .map(|option| {
                    view! {
                        <option value=option.code() selected=programme == Some(option)>
                            {i18n.t(option.label())}
                        </option>
                    }
                })
                .collect_view()}
        </select>
        <label for="admitted_on">{i18n.t(Key::FieldAdmittedOn)}</label>
        <input id="admitted_on" name="resident[admitted_on]" type="date" required max=today.to_string() value=admitted />
        <label for="diet">{i18n.t(Key::FieldDiet)}</label>
        <select id="diet" name="resident[diet]">
            {Diet::ALL
                .into_iter()
                .map(|option| {
                    view! { <option value=option.code() selected=option == diet>{i18n.t(option.label())}</option> }
                })
                .collect_view()}
        </select>
        <fieldset class="choices">
            <legend>{i18n.t(Key::FieldAllergies)}</legend>
            {Allergen::ALL
                .into_iter()
                .map(|option| view! {
                    <Choice id=format!("allergy-{}", option.code()) kind="checkbox" name=format!("resident[allergies][{}]", option.code()) checked=allergies.contains(&option) label=option.label() />
                })
                .collect_view()}
        </fieldset>
    }
}

/// One radio button or box (`kind`) of a fieldset of choices, inside its label.
#[component]
fn Choice(
    id: String,
    kind: &'static str,
    #[prop(into)] name: String,
    #[prop(optional)] value: Option<&'static str>,
    #[prop(optional)] required: bool,
    checked: bool,
    label: Key,
) -> impl IntoView {
    let i18n = use_i18n();
    let for_id = id.clone();
    view! {
        <label class="choice" for=for_id>
            <input id=id type=kind name=name value=value required=required checked=checked />
            {i18n.t(label)}
        </label>
    }
}
