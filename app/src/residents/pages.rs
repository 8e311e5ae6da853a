//! Pages of residents: `/residents` (search by either name), `/residents/new` (admission)
//! and `/residents/:id` (the record, bed, absences, siblings, notes, leaving).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    CreateResident, LeaveResident, LinkSibling, ResidentList, ResidentPage, SetMedicalNote,
    SetSafeguardingNote, UnlinkSibling, UpdateResident, get_resident_page, new_resident_form,
    search_residents,
};
use super::model::{Allergen, Diet, Programme, ResidentFields, ResidentRow, Sex, age_on};
use crate::audit::pages::RecordHistory;
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key, use_i18n};
use crate::base::ui::{FormError, ListTable, SavedNotice, id_param, page_data};
use crate::housing::api::AssignBed;
use crate::housing::pages::{ArrivalTime, WarningList, day_at};
use crate::presence::api::{CreateAbsence, ExtendAbsence, RecordReturn, ResolveAlert};
use crate::presence::model::{AbsenceEntry, AbsenceReason, local};

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
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let left = move || query.read().get("left").is_some();
    let data = Resource::new_blocking(
        move || (q(), left()),
        |(q, left)| search_residents(q, left.then(|| "on".to_owned())),
    );
    // Once the page is live, the list follows the typing (the address too, so a reload or
    // the back button keeps the search); before that, the button sends the form.
    let navigate = leptos_router::hooks::use_navigate();
    let on_input = move |event: leptos::ev::Event| {
        let typed = event_target_value(&event);
        let mut href = format!(
            "/residents?q={}",
            crate::base::fields::encode_query_value(&typed)
        );
        if left() {
            href.push_str("&left=on");
        }
        let options = leptos_router::NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate(&href, options);
    };
    view! {
        <Title text=i18n.t(Key::ResidentsTitle) />
        <h1>{i18n.t(Key::ResidentsTitle)}</h1>
        <form class="search" method="get" action="/residents" role="search">
            <label class="visually-hidden" for="q">{i18n.t(Key::ResidentsSearch)}</label>
            <input
                id="q"
                name="q"
                type="search"
                value=q
                placeholder=i18n.t(Key::ResidentsSearchHint)
                autocomplete="off"
                on:input=on_input
            />
            <label class="choice" for="left">
                <input id="left" type="checkbox" name="left" checked=left />
                {i18n.t(Key::ResidentsIncludeLeft)}
            </label>
            <button class="button" type="submit">{i18n.t(Key::ResidentsSearch)}</button>
        </form>
        {page_data(data, |list| view! { <ResidentResults list /> })}
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

/// `/residents/new`: the admission form.
#[component]
pub fn NewResidentPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| new_resident_form());
    view! {
        <Title text=i18n.t(Key::ResidentsNew) />
        <p class="breadcrumb">
            <a href="/residents">{i18n.t(Key::ResidentsTitle)}</a>
        </p>
        <h1>{i18n.t(Key::ResidentsNew)}</h1>
        {page_data(data, move |today| view! {
            <FormError url=CreateResident::url() />
            <form class="stack narrow" method="post" action=CreateResident::url()>
                <ResidentFieldset fields=None today />
                <button class="button" type="submit">{i18n.t(Key::ResidentsCreate)}</button>
            </form>
        })}
    }
}

/// The fields of the admission and edit forms, filled with `fields` when editing.
#[component]
fn ResidentFieldset(fields: Option<ResidentFields>, today: chrono::NaiveDate) -> impl IntoView {
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
                .map(|option| {
                    let id = format!("sex-{}", option.code());
                    let for_id = id.clone();
                    view! {
                        <label class="choice" for=for_id>
                            <input id=id type="radio" name="resident[sex]" value=option.code() required checked=sex == Some(option) />
                            {i18n.t(option.label())}
                        </label>
                    }
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
                .map(|option| {
                    let id = format!("allergy-{}", option.code());
                    let for_id = id.clone();
                    view! {
                        <label class="choice" for=for_id>
                            <input id=id type="checkbox" name=format!("resident[allergies][{}]", option.code()) checked=allergies.contains(&option) />
                            {i18n.t(option.label())}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// `/residents/:id`: the record as the caller may see it.
#[component]
pub fn ResidentPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let query = use_query_map();
    let key = move || (id(), query.read().get("sibling").unwrap_or_default());
    let data = Resource::new_blocking(key, |(id, sibling)| async move {
        match id {
            Some(id) => get_resident_page(id, sibling).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=i18n.t(Key::ResidentsTitle) />
        {page_data(data, |page| view! { <ResidentView page /> })}
    }
}

#[component]
fn ResidentView(page: ResidentPage) -> impl IntoView {
    let i18n = use_i18n();
    let record = page.record;
    let fields = record.fields.clone();
    let id = record.id;
    let name = resident_name(i18n, &fields.name_km, &fields.name_latin);
    let age = age_on(fields.born_on, page.today);
    let current = page
        .beds
        .iter()
        .find(|entry| entry.until_on.is_none())
        .cloned();
    let can_edit = page.can_edit && record.left.is_none();
    let diet_line = {
        let mut parts = vec![i18n.t(fields.diet.label()).to_owned()];
        parts.extend(
            fields
                .allergies
                .iter()
                .map(|a| format!("{} {}", i18n.t(Key::ResidentAllergic), i18n.t(a.label()))),
        );
        parts.join(" · ")
    };
    view! {
        <p class="breadcrumb">
            <a href="/residents">{i18n.t(Key::ResidentsTitle)}</a>
        </p>
        <h1>{name}</h1>
        <SavedNotice message=Key::Saved />
        {page.missing.then(|| view! {
            <section class="alert" role="alert">
                <p>{i18n.t(Key::AlertMissingHere)}</p>
                {page.can_edit.then(|| view! {
                    <FormError url=ResolveAlert::url() />
                    <form class="inline" method="post" action=ResolveAlert::url()>
                        <input type="hidden" name="resident_id" value=id />
                        <button class="button" type="submit" name="resolution" value="found">{i18n.t(Key::AlertFound)}</button>
                        <button class="button" type="submit" name="resolution" value="returned">{i18n.t(Key::AlertReturned)}</button>
                    </form>
                    <p class="hint">{i18n.t(Key::AlertAbsenceHint)}</p>
                })}
            </section>
        })}
        <dl class="facts">
            <dt>{i18n.t(Key::FieldSexAge)}</dt>
            <dd>{format!("{} · {}", i18n.t(fields.sex.label()), i18n.fmt(Key::ResidentAge, &[("age", &i18n.num(i64::from(age)))]))}</dd>
            <dt>{i18n.t(Key::FieldBornOn)}</dt>
            <dd>{i18n.date_short(fields.born_on)}</dd>
            <dt>{i18n.t(Key::FieldProgramme)}</dt>
            <dd>{i18n.t(fields.programme.label())}</dd>
            <dt>{i18n.t(Key::FieldGrade)}</dt>
            <dd>{fields.grade.clone()}</dd>
            <dt>{i18n.t(Key::FieldAdmittedOn)}</dt>
            <dd>{i18n.date_short(fields.admitted_on)}</dd>
            {page.sight.diet.then(|| view! {
                <dt>{i18n.t(Key::FieldDiet)}</dt>
                <dd>{diet_line}</dd>
            })}
            {record.left.clone().map(|(day, reason)| view! {
                <dt>{i18n.t(Key::ResidentLeftOn)}</dt>
                <dd>{format!("{} · {}", i18n.date_short(day), reason)}</dd>
            })}
        </dl>

        <h2 id="bed">{i18n.t(Key::FieldBed)}</h2>
        {match current {
            Some(entry) => view! {
                <p class="big">
                    <a href=format!("/beds/{}", entry.place.bed_id)>{entry.place.label()}</a>
                    " · "
                    {format!("{} {}", i18n.t(Key::BedSince), day_at(i18n, entry.from_on, entry.arrives))}
                </p>
            }.into_any(),
            None if record.left.is_none() => view! {
                <p class="notice">{i18n.t(Key::ResidentNoBed)}</p>
                {can_edit.then(|| view! { <Suggestions resident_id=id suggestions=page.suggestions.clone() today=page.today /> })}
            }.into_any(),
            None => ().into_any(),
        }}

        <h2 id="absences">{i18n.t(Key::AbsencesTitle)}</h2>
        <AbsenceList absences=page.absences.clone() can_edit />
        {can_edit.then(|| view! { <AbsenceForm resident_id=id today=page.today /> })}
        {page.homework.then(|| view! {
            <p><a href=format!("/homework/residents/{id}")>{i18n.t(Key::HomeworkHistory)}</a></p>
        })}

        {page.sight.housing.then(|| view! {
            <h2 id="siblings">{i18n.t(Key::SiblingsTitle)}</h2>
            {if record.siblings.is_empty() {
                view! { <p>{i18n.t(Key::SiblingsNone)}</p> }.into_any()
            } else {
                view! { <ResidentTable rows=record.siblings.clone() /> }.into_any()
            }}
            {can_edit.then(|| view! { <SiblingForms id matches=page.sibling_matches.clone() has_siblings=!record.siblings.is_empty() /> })}
        })}

        {record.medical_note.clone().map(|note| view! {
            <h2 id="medical">{i18n.t(Key::MedicalNote)}</h2>
            <FormError url=SetMedicalNote::url() />
            <form class="stack" method="post" action=SetMedicalNote::url()>
                <input type="hidden" name="id" value=id />
                <label class="visually-hidden" for="medical_note">{i18n.t(Key::MedicalNote)}</label>
                <textarea id="medical_note" name="note" rows="3" maxlength="2000" readonly=!page.can_edit>{note}</textarea>
                {page.can_edit.then(|| view! { <button class="button secondary" type="submit">{i18n.t(Key::Save)}</button> })}
            </form>
        })}
        {record.safeguarding_note.clone().map(|note| view! {
            <h2 id="safeguarding">{i18n.t(Key::SafeguardingNote)}</h2>
            <FormError url=SetSafeguardingNote::url() />
            <form class="stack" method="post" action=SetSafeguardingNote::url()>
                <input type="hidden" name="id" value=id />
                <label class="visually-hidden" for="safeguarding_note">{i18n.t(Key::SafeguardingNote)}</label>
                <textarea id="safeguarding_note" name="note" rows="3" maxlength="2000">{note}</textarea>
                <button class="button secondary" type="submit">{i18n.t(Key::Save)}</button>
            </form>
        })}

        {page.sight.housing.then(|| view! {
            <h2>{i18n.t(Key::BedHistory)}</h2>
            <crate::housing::pages::AllocationTable entries=page.beds.clone() show_resident=false />
        })}

        {can_edit.then(|| view! {
            <details class="more">
                <summary>{i18n.t(Key::ResidentEdit)}</summary>
                <FormError url=UpdateResident::url() />
                <form class="stack narrow" method="post" action=UpdateResident::url()>
                    <input type="hidden" name="id" value=id />
                    <ResidentFieldset fields=Some(fields.clone()) today=page.today />
                    <button class="button" type="submit">{i18n.t(Key::Save)}</button>
                </form>
            </details>
            <details class="more">
                <summary>{i18n.t(Key::ResidentLeave)}</summary>
                <FormError url=LeaveResident::url() />
                <form class="stack narrow" method="post" action=LeaveResident::url()>
                    <input type="hidden" name="id" value=id />
                    <label for="left_on">{i18n.t(Key::ResidentLeftOn)}</label>
                    <input id="left_on" name="left_on" type="date" required value=page.today.to_string() max=page.today.to_string() />
                    <label for="leaving_reason">{i18n.t(Key::FieldLeavingReason)}</label>
                    <input id="leaving_reason" name="reason" type="text" maxlength="200" required />
                    <p class="hint">{i18n.t(Key::HintLeaving)}</p>
                    <button class="button danger" type="submit">{i18n.t(Key::ResidentLeave)}</button>
                </form>
            </details>
        })}
        <RecordHistory entries=page.history.clone() vocabulary=super::api::HISTORY entity="resident" id=id />
    }
}

/// Free beds for a resident without one, best first, each with an assign button.
#[component]
fn Suggestions(
    resident_id: i64,
    suggestions: Vec<crate::housing::model::Suggestion>,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    if suggestions.is_empty() {
        return view! { <p>{i18n.t(Key::SuggestionsNone)}</p> }.into_any();
    }
    let back = format!("/residents/{resident_id}?saved=1");
    view! {
        <h3>{i18n.t(Key::SuggestionsTitle)}</h3>
        <FormError url=AssignBed::url() />
        <ul class="choices-list">
            {suggestions
                .into_iter()
                .map(|suggestion| {
                    let warned = !suggestion.warnings.is_empty();
                    view! {
                        <li>
                            <form class="assign" method="post" action=AssignBed::url()>
                                <input type="hidden" name="resident_id" value=resident_id />
                                <input type="hidden" name="bed_id" value=suggestion.bed.place.bed_id />
                                <input type="hidden" name="back" value=back.clone() />
                                <input type="hidden" name="on" value=today.to_string() />
                                <span class="place">{suggestion.bed.place.label()}</span>
                                <WarningList warnings=suggestion.warnings.clone() />
                                {warned.then(|| view! {
                                    <input name="reason" type="text" maxlength="200" required aria-label=i18n.t(Key::FieldOverrideReason) placeholder=i18n.t(Key::FieldOverrideReason) />
                                })}
                                <ArrivalTime />
                                <button class="button" type="submit">{i18n.t(Key::BedAssign)}</button>
                            </form>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// A resident's absences, with a "back now" button on those still running.
#[component]
fn AbsenceList(absences: Vec<AbsenceEntry>, can_edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    if absences.is_empty() {
        return view! { <p>{i18n.t(Key::AbsencesNone)}</p> }.into_any();
    }
    view! {
        <FormError url=RecordReturn::url() />
        <FormError url=ExtendAbsence::url() />
        <ListTable headers=vec![Key::FieldAbsenceReason, Key::FieldFrom, Key::FieldUntil, Key::FieldReturned]>
            {absences
                .into_iter()
                .map(|absence| {
                    let running = absence.away.returned_at.is_none();
                    view! {
                        <tr>
                            <td>
                                {i18n.t(absence.reason.label())}
                                {(!absence.note.is_empty()).then(|| format!(" · {}", absence.note))}
                            </td>
                            <td>{i18n.date_time(local(absence.away.starts_at))}</td>
                            <td>
                                {absence
                                    .away
                                    .ends_at
                                    .map_or_else(|| i18n.t(Key::AbsenceOpenEnded).to_owned(), |end| i18n.date_time(local(end)))}
                            </td>
                            <td>
                                {match absence.away.returned_at {
                                    Some(at) => i18n.date_time(local(at)).into_any(),
                                    None if can_edit && running => view! {
                                        <form method="post" action=RecordReturn::url()>
                                            <input type="hidden" name="absence_id" value=absence.id />
                                            <button class="button small" type="submit">{i18n.t(Key::AbsenceBackNow)}</button>
                                        </form>
                                        <details class="extend">
                                            <summary>{i18n.t(Key::AbsenceExtend)}</summary>
                                            <form class="stack" method="post" action=ExtendAbsence::url()>
                                                <input type="hidden" name="absence_id" value=absence.id />
                                                <label for=format!("extend_date{}", absence.id)>{i18n.t(Key::FieldUntil)}</label>
                                                <div class="pair">
                                                    <input id=format!("extend_date{}", absence.id) name="until_date" type="date" required />
                                                    <input name="until_time" type="time" aria-label=i18n.t(Key::FieldUntil) />
                                                </div>
                                                <label for=format!("extend_reason{}", absence.id)>{i18n.t(Key::FieldExtendReason)}</label>
                                                <input id=format!("extend_reason{}", absence.id) name="reason" type="text" maxlength="200" required />
                                                <button class="button secondary" type="submit">{i18n.t(Key::AbsenceExtend)}</button>
                                            </form>
                                        </details>
                                    }
                                    .into_any(),
                                    None => "".into_any(),
                                }}
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
    }
    .into_any()
}

/// The form to record an absence.
#[component]
fn AbsenceForm(resident_id: i64, today: chrono::NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="more">
            <summary>{i18n.t(Key::AbsenceNew)}</summary>
            <FormError url=CreateAbsence::url() />
            <form class="stack narrow" method="post" action=CreateAbsence::url()>
                <input type="hidden" name="resident_id" value=resident_id />
                <label for="reason">{i18n.t(Key::FieldAbsenceReason)}</label>
                <select id="reason" name="reason" required>
                    {AbsenceReason::ALL
                        .into_iter()
                        .map(|reason| view! { <option value=reason.code()>{i18n.t(reason.label())}</option> })
                        .collect_view()}
                </select>
                <label for="from_date">{i18n.t(Key::FieldFrom)}</label>
                <div class="pair">
                    <input id="from_date" name="from_date" type="date" required value=today.to_string() />
                    <input name="from_time" type="time" aria-label=i18n.t(Key::FieldTime) />
                </div>
                <label for="until_date">{i18n.t(Key::FieldUntil)}</label>
                <div class="pair">
                    <input id="until_date" name="until_date" type="date" />
                    <input name="until_time" type="time" aria-label=i18n.t(Key::FieldTime) />
                </div>
                <p class="hint">{i18n.t(Key::HintAbsenceUntil)}</p>
                <label for="note">{i18n.t(Key::FieldNote)}</label>
                <input id="note" name="note" type="text" maxlength="200" />
                <button class="button" type="submit">{i18n.t(Key::AbsenceRecord)}</button>
            </form>
        </details>
    }
}

/// Linking a brother or sister (search, then link) and leaving the group.
#[component]
fn SiblingForms(id: i64, matches: Vec<ResidentRow>, has_siblings: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <FormError url=LinkSibling::url() />
        <form class="search" method="get" action=format!("/residents/{id}#siblings")>
            <label for="sibling">{i18n.t(Key::SiblingsFind)}</label>
            <input id="sibling" name="sibling" type="search" autocomplete="off" />
            <button class="button secondary" type="submit">{i18n.t(Key::ResidentsSearch)}</button>
        </form>
        <ul class="choices-list">
            {matches
                .into_iter()
                .map(|row| view! {
                    <li>
                        <form class="assign" method="post" action=LinkSibling::url()>
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="other" value=row.id />
                            <span class="place">{resident_name(i18n, &row.name_km, &row.name_latin)}</span>
                            <button class="button" type="submit">{i18n.t(Key::SiblingsLink)}</button>
                        </form>
                    </li>
                })
                .collect_view()}
        </ul>
        {has_siblings.then(|| view! {
            <form method="post" action=UnlinkSibling::url()>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="back" value=id />
                <button class="link-button" type="submit">{i18n.t(Key::SiblingsUnlink)}</button>
            </form>
        })}
    }
}
