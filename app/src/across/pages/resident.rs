//! `/residents/:id`: a resident's file: their record (residents), bed and suggestions
//! (housing), absences and alerts (presence), homework link, siblings, notes, leaving and
//! history. Composed here because it shows and changes five domains.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::across::api::{
    CreateAbsence, ExtendAbsence, HISTORY, LeaveResident, ResidentPage, get_resident_page,
};
use crate::audit::pages::RecordHistory;
use crate::base::error::AppError;
use crate::base::i18n::{Key, use_i18n};
use crate::base::ui::{FormError, ListTable, SavedNotice, id_param, page_data};
use crate::housing::api::AssignBed;
use crate::housing::model::Placing;
use crate::housing::pages::{PlacingForm, day_at};
use crate::presence::api::{RecordReturn, ResolveAlert};
use crate::presence::model::{AbsenceEntry, AbsenceReason, local};
use crate::residents::api::{
    LinkSibling, SetMedicalNote, SetSafeguardingNote, UnlinkSibling, UpdateResident,
};
use crate::residents::model::{ResidentRow, age_on};
use crate::residents::pages::{ResidentFieldset, ResidentTable, resident_name};

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
            <NoteForm anchor="medical" title=Key::MedicalNote url=SetMedicalNote::url() id note editable=page.can_edit />
        })}
        {record.safeguarding_note.clone().map(|note| view! {
            <NoteForm anchor="safeguarding" title=Key::SafeguardingNote url=SetSafeguardingNote::url() id note editable=true />
        })}

        {page.sight.housing.then(|| view! {
            <h2>{i18n.t(Key::BedHistory)}</h2>
            <crate::housing::pages::AllocationTable entries=page.beds.clone() show_resident=false />
        })}

        {can_edit.then(|| view! {
            <FoldedForm summary=Key::ResidentEdit url=UpdateResident::url()>
                <input type="hidden" name="id" value=id />
                <ResidentFieldset fields=Some(fields.clone()) today=page.today />
                <button class="button" type="submit">{i18n.t(Key::Save)}</button>
            </FoldedForm>
            <FoldedForm summary=Key::ResidentLeave url=LeaveResident::url()>
                <input type="hidden" name="id" value=id />
                <label for="left_on">{i18n.t(Key::ResidentLeftOn)}</label>
                <input id="left_on" name="left_on" type="date" required value=page.today.to_string() max=page.today.to_string() />
                <label for="leaving_reason">{i18n.t(Key::FieldLeavingReason)}</label>
                <input id="leaving_reason" name="reason" type="text" maxlength="200" required />
                <p class="hint">{i18n.t(Key::HintLeaving)}</p>
                <button class="button danger" type="submit">{i18n.t(Key::ResidentLeave)}</button>
            </FoldedForm>
        })}
        <RecordHistory entries=page.history.clone() vocabulary=HISTORY entity="resident" id=id />
    }
}

/// A form folded under its `summary` until opened, posted to `url`, with its error above it.
#[component]
fn FoldedForm(summary: Key, url: &'static str, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="more">
            <summary>{i18n.t(summary)}</summary>
            <FormError url />
            <form class="stack narrow" method="post" action=url>
                {children()}
            </form>
        </details>
    }
}

/// A note on the resident under its `title` heading (at `#anchor`), saved to `url`; read-only
/// and without a button when not `editable`.
#[component]
fn NoteForm(
    anchor: &'static str,
    title: Key,
    url: &'static str,
    id: i64,
    note: String,
    editable: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let field = format!("{anchor}_note");
    view! {
        <h2 id=anchor>{i18n.t(title)}</h2>
        <FormError url />
        <form class="stack" method="post" action=url>
            <input type="hidden" name="id" value=id />
            <label class="visually-hidden" for=field.clone()>{i18n.t(title)}</label>
            <textarea id=field name="note" rows="3" maxlength="2000" readonly=!editable>{note}</textarea>
            {editable.then(|| view! { <button class="button secondary" type="submit">{i18n.t(Key::Save)}</button> })}
        </form>
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
                .map(|suggestion| view! {
                    <li>
                        <PlacingForm
                            placing=Placing::Assign
                            resident_id
                            bed_id=suggestion.bed.place.bed_id
                            on=today
                            label=suggestion.bed.place.label()
                            warnings=suggestion.warnings
                            back=back.clone()
                        />
                    </li>
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
        <FoldedForm summary=Key::AbsenceNew url=CreateAbsence::url()>
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
        </FoldedForm>
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
