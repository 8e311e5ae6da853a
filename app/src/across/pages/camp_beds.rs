//! `/camps/:id/beds` (a residential camp's campers and the beds lent to them) and
//! `/camps/:id/beds/:camper` (the beds a camper may be lent, best first). Composed here: the
//! camp and its campers (camps), the beds and their loans (housing) and who is away on which
//! night (presence).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::across::api::{CampBeds, LendBed, LendPage, get_camp_beds, get_lend_page};
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key, use_i18n};
use crate::base::ui::{FormError, ListTable, SavedNotice, page_data, resource_by_id};
use crate::camps::model::Kind;
use crate::camps::pages::dates;
use crate::housing::model::{BedPlace, Lent};
use crate::housing::pages::WarningList;
use crate::residents::pages::resident_name;

/// "A · G3 · 2 · until 14 Dec" for each bed a camper has from tonight on.
fn beds_text(i18n: I18n, beds: &[(BedPlace, Lent)]) -> String {
    beds.iter()
        .map(|(place, loan)| {
            let until = i18n.fmt(
                Key::LoanUntil,
                &[("until", &i18n.date_short(loan.until_on))],
            );
            format!("{} · {until}", place.label())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `/camps/:id/beds`: who sleeps where, and a way to find each camper a bed.
#[component]
pub fn CampBedsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = resource_by_id(get_camp_beds);
    view! {
        <Title text=i18n.t(Key::LoanCampBeds) />
        <p class="breadcrumb"><a href="/camps">{i18n.t(Key::CampsTitle)}</a></p>
        {page_data(data, |page| view! { <CampBedsView page /> })}
    }
}

#[component]
fn CampBedsView(page: CampBeds) -> impl IntoView {
    let i18n = use_i18n();
    let camp = page.camp;
    let id = camp.id;
    let without = page
        .campers
        .iter()
        .filter(|(_, beds)| beds.is_empty())
        .count();
    view! {
        <p class="breadcrumb"><a href=format!("/camps/{id}")>{camp.name.clone()}</a></p>
        <h1>{i18n.t(Key::LoanCampBeds)}</h1>
        <p class="today">{format!("{} · {}", camp.name, dates(i18n, &camp))}</p>
        <SavedNotice message=Key::Saved />
        {if camp.kind == Kind::Day {
            view! { <p class="empty">{i18n.t(Key::LoanDayCamp)}</p> }.into_any()
        } else {
            view! {
                <p>{i18n.fmt(Key::LoanWithout, &[("count", &i18n.num(without as i64))])}</p>
                <ListTable headers=vec![Key::FieldName, Key::CampAge, Key::LoanBed, Key::LoanAction]>
                    {page.campers.iter().map(|(camper, beds)| {
                        let action = if beds.is_empty() { Key::LoanFind } else { Key::LoanMove };
                        // The alert on every page names this child too; here, on their row.
                        let needed = page.beds_needed.iter().find(|n| n.camper_id == camper.id).map(|n| {
                            if n.tonight {
                                i18n.t(Key::AlertBedNeededTonight).to_owned()
                            } else {
                                i18n.fmt(Key::AlertBedNeededFrom, &[("night", &i18n.date_short(n.night))])
                            }
                        });
                        view! {
                            <tr id=format!("k{}", camper.id)>
                                <td><a href=format!("/camps/campers/{}", camper.id)>{resident_name(i18n, &camper.name_km, &camper.name_latin)}</a></td>
                                <td>{format!("{} · {}", i18n.num(i64::from(camper.age)), i18n.t(camper.sex.label()))}</td>
                                <td class="loan-bed">
                                    {if beds.is_empty() { "—".to_owned() } else { beds_text(i18n, beds) }}
                                    {needed.map(|text| view! { <strong class="warn">{format!(" · {text}")}</strong> })}
                                </td>
                                <td><a class="button secondary" href=format!("/camps/{id}/beds/{}", camper.id)>{i18n.t(action)}</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </ListTable>
            }.into_any()
        }}
    }
    .into_any()
}

/// `/camps/:id/beds/:camper`: the nights, then the free and lendable beds for them, each
/// with a button that lends it.
#[component]
pub fn LendBedPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let read = |name: &str| params.read().get(name).and_then(|v| v.parse::<i64>().ok());
        let q = query.read();
        (
            read("id"),
            read("camper"),
            q.get("from_on").unwrap_or_default(),
            q.get("until_on").unwrap_or_default(),
        )
    };
    let data = Resource::new_blocking(key, |(camp, camper, from_on, until_on)| async move {
        match (camp, camper) {
            (Some(camp), Some(camper)) => get_lend_page(camp, camper, from_on, until_on).await,
            _ => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=i18n.t(Key::LoanFind) />
        <p class="breadcrumb"><a href="/camps">{i18n.t(Key::CampsTitle)}</a></p>
        {page_data(data, |page| view! { <LendView page /> })}
    }
}

#[component]
fn LendView(page: LendPage) -> impl IntoView {
    let i18n = use_i18n();
    let camp_id = page.camp.id;
    let camper_id = page.camper_id;
    let (from_on, until_on) = page.nights;
    view! {
        <p class="breadcrumb"><a href=format!("/camps/{camp_id}/beds")>{i18n.t(Key::LoanCampBeds)}</a></p>
        <h1>{resident_name(i18n, &page.name_km, &page.name_latin)}</h1>
        <p>{format!("{} · {} · {}", page.camp.name, i18n.t(page.sex.label()), i18n.fmt(Key::CampAgeYears, &[("age", &i18n.num(i64::from(page.age)))]))}</p>
        {page.needed_from.map(|night| {
            let text = if night <= page.today {
                i18n.t(Key::LoanNeededBackTonight).to_owned()
            } else {
                i18n.fmt(Key::LoanNeededBack, &[("night", &i18n.date_short(night))])
            };
            view! { <p class="notice warn" role="alert">{text}</p> }
        })}
        {(!page.beds.is_empty()).then(|| view! {
            <p class="loan-bed">{format!("{}: {}", i18n.t(Key::LoanBed), beds_text(i18n, &page.beds))}</p>
        })}
        <form class="stack narrow loan-nights" method="get">
            <label for="loan-from">{i18n.t(Key::LoanFirstNight)}</label>
            <input id="loan-from" name="from_on" type="date" value=from_on.to_string() required />
            <label for="loan-until">{i18n.t(Key::LoanGivenBack)}</label>
            <input id="loan-until" name="until_on" type="date" value=until_on.to_string() required />
            <button class="button secondary" type="submit">{i18n.t(Key::LoanShowBeds)}</button>
        </form>
        <h2>{i18n.t(Key::LoanChoices)}</h2>
        <FormError url=LendBed::url() />
        {if page.choices.is_empty() {
            view! { <p class="empty">{i18n.t(Key::LoanNoBed)}</p> }.into_any()
        } else {
            view! {
                <ListTable class="loan-choices" headers=vec![Key::LoanBed, Key::LoanRoomAges, Key::LoanWhose, Key::LoanAction]>
                    {page.choices.into_iter().map(|choice| {
                        let whose = match &choice.occupant {
                            Some(occupant) => i18n.fmt(Key::LoanBoarderAway, &[("name", &resident_name(i18n, &occupant.name_km, &occupant.name_latin))]),
                            None => i18n.t(Key::LoanFree).to_owned(),
                        };
                        let ages = i18n.fmt(Key::RoomAges, &[("min", &i18n.num(i64::from(choice.bed.min_age))), ("max", &i18n.num(i64::from(choice.bed.max_age)))]);
                        view! {
                            <tr>
                                <td>{choice.bed.place.label()}</td>
                                <td>{ages}<WarningList warnings=choice.warnings.clone() /></td>
                                <td>{whose}</td>
                                <td>
                                    <form method="post" action=LendBed::url()>
                                        <input type="hidden" name="camp_id" value=camp_id />
                                        <input type="hidden" name="camper_id" value=camper_id />
                                        <input type="hidden" name="bed_id" value=choice.bed.place.bed_id />
                                        <input type="hidden" name="from_on" value=from_on.to_string() />
                                        <input type="hidden" name="until_on" value=until_on.to_string() />
                                        <button class="button" type="submit">{i18n.t(Key::LoanLend)}</button>
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </ListTable>
            }.into_any()
        }}
    }
    .into_any()
}
