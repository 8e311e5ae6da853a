//! Pages of rooms and beds: `/buildings` (buildings and the waiting list), `/buildings/:id`
//! (the plan: every room and bed at a glance), `/beds/:id` (assign, move, release, history)
//! and `/occupancy` (beds by facility and sex on any date).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    AssignBed, BedPage as BedData, CreateBed, CreateBuilding, CreateRoom, MoveBed, ReleaseBed,
    SetBedService, get_bed_page, get_building_plan, get_occupancy, list_buildings,
};
use super::model::{AllocationEntry, BuildingPlan, Lent, Occupant, Placing, Warning};
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key, use_i18n};
use crate::base::ui::{FormError, ListTable, SavedNotice, page_data, resource_by_id};
use crate::residents::api::waiting_list;
use crate::residents::pages::{ResidentTable, resident_name};

/// The soft rules a bed breaks, in orange.
#[component]
pub fn WarningList(warnings: Vec<Warning>) -> impl IntoView {
    let i18n = use_i18n();
    (!warnings.is_empty()).then(|| {
        view! {
            <ul class="warnings">
                {warnings
                    .into_iter()
                    .map(|w| view! { <li>{i18n.t(w.message())}</li> })
                    .collect_view()}
            </ul>
        }
    })
}

/// Allocations as a table: resident (or not), bed, from, until, override reason.
#[component]
pub fn AllocationTable(entries: Vec<AllocationEntry>, show_resident: bool) -> impl IntoView {
    let i18n = use_i18n();
    let mut headers = vec![
        Key::FieldBed,
        Key::FieldFrom,
        Key::FieldUntil,
        Key::FieldOverrideReason,
    ];
    if show_resident {
        headers.insert(0, Key::FieldName);
    }
    view! {
        <ListTable headers>
            {entries
                .into_iter()
                .map(|entry| {
                    view! {
                        <tr>
                            {show_resident.then(|| view! {
                                <td>
                                    <a href=format!("/residents/{}", entry.resident_id)>
                                        {resident_name(i18n, &entry.name_km, &entry.name_latin)}
                                    </a>
                                </td>
                            })}
                            <td>
                                <a href=format!("/beds/{}", entry.place.bed_id)>{entry.place.label()}</a>
                            </td>
                            <td>{day_at(i18n, entry.from_on, entry.arrives)}</td>
                            <td>
                                {entry.until_on.map_or_else(|| i18n.t(Key::AllocationCurrent).to_owned(), |day| day_at(i18n, day, entry.leaves))}
                            </td>
                            <td>{entry.override_reason.unwrap_or_default()}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
    }
}

/// `/buildings`: every building with its beds, and the waiting list.
#[component]
pub fn BuildingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(
        || (),
        |_| async move { Ok::<_, AppError>((list_buildings().await?, waiting_list().await?)) },
    );
    view! {
        <Title text=i18n.t(Key::BuildingsTitle) />
        <h1>{i18n.t(Key::BuildingsTitle)}</h1>
        {page_data(data, move |(list, waiting)| view! {
            <SavedNotice message=Key::Saved />
            <ul class="cards">
                {list
                    .buildings
                    .into_iter()
                    .map(|b| {
                        let free = b.beds - b.occupied;
                        view! {
                            <li class="card">
                                <a class="card-link" href=format!("/buildings/{}", b.id)>
                                    <p class="card-kind">{if i18n.lang == crate::base::i18n::Lang::Km { b.facility_km } else { b.facility_latin }}</p>
                                    <p class="card-title">{if i18n.lang == crate::base::i18n::Lang::Km { b.name_km } else { b.name_latin }}</p>
                                    <p class="card-figure">
                                        {i18n.fmt(Key::BuildingBeds, &[("occupied", &i18n.num(b.occupied)), ("beds", &i18n.num(b.beds)), ("free", &i18n.num(free))])}
                                    </p>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="actions">
                <a class="button secondary" href="/occupancy">{i18n.t(Key::OccupancyTitle)}</a>
            </p>
            {list.can_manage.then(|| view! {
                <details class="more">
                    <summary>{i18n.t(Key::BuildingNew)}</summary>
                    <FormError url=CreateBuilding::url() />
                    <form class="stack narrow" method="post" action=CreateBuilding::url()>
                        <label for="facility_id">{i18n.t(Key::FieldFacility)}</label>
                        <select id="facility_id" name="facility_id" required>
                            {list.facilities.iter().map(|f| view! {
                                <option value=f.id>{f.name.in_lang(i18n.lang).to_owned()}</option>
                            }).collect_view()}
                        </select>
                        <label for="building_code">{i18n.t(Key::FieldCode)}</label>
                        <input id="building_code" name="code" type="text" maxlength="16" required />
                        <label for="building_km">{i18n.t(Key::FieldNameKhmer)}</label>
                        <input id="building_km" name="name_km" type="text" lang="km" maxlength="100" required />
                        <label for="building_latin">{i18n.t(Key::FieldNameLatin)}</label>
                        <input id="building_latin" name="name_latin" type="text" maxlength="100" required />
                        <button class="button" type="submit">{i18n.t(Key::BuildingNew)}</button>
                    </form>
                </details>
            })}
            <h2 id="waiting">{i18n.t(Key::WaitingTitle)}</h2>
            {if waiting.is_empty() {
                view! { <p>{i18n.t(Key::WaitingNone)}</p> }.into_any()
            } else {
                view! { <ResidentTable rows=waiting /> }.into_any()
            }}
        })}
    }
}

/// `/buildings/:id`: the plan of a building, room by room, bed by bed.
#[component]
pub fn BuildingPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = resource_by_id(get_building_plan);
    view! {
        <Title text=i18n.t(Key::BuildingsTitle) />
        {page_data(data, |plan| view! { <Plan plan /> })}
    }
}

/// "lent until 14/12 · Sok Dara's, away": a lent bed's term (from when, if that is to come),
/// and whose bed it is when it is a boarder's.
pub fn lent_text(
    i18n: I18n,
    lent: &Lent,
    occupant: Option<&Occupant>,
    today: chrono::NaiveDate,
) -> String {
    let until = if lent.from_on > today {
        i18n.fmt(
            Key::BedLentFrom,
            &[
                ("from", &i18n.day_month(lent.from_on)),
                ("until", &i18n.day_month(lent.until_on)),
            ],
        )
    } else {
        i18n.fmt(
            Key::BedLentUntil,
            &[("until", &i18n.day_month(lent.until_on))],
        )
    };
    match occupant {
        Some(o) => format!(
            "{until} · {}",
            i18n.fmt(
                Key::LoanBoarderAway,
                &[("name", &resident_name(i18n, &o.name_km, &o.name_latin))]
            )
        ),
        None => until,
    }
}

#[component]
fn Plan(plan: BuildingPlan) -> impl IntoView {
    let i18n = use_i18n();
    let b = plan.building;
    let can_manage = plan.can_manage;
    let today = plan.today;
    let building_id = b.id;
    let name = if i18n.lang == crate::base::i18n::Lang::Km {
        b.name_km
    } else {
        b.name_latin
    };
    view! {
        <p class="breadcrumb">
            <a href="/buildings">{i18n.t(Key::BuildingsTitle)}</a>
        </p>
        <h1>{name}</h1>
        <SavedNotice message=Key::Saved />
        <FormError url=CreateBed::url() />
        <p class="legend">
            <span class="bed-key free">{i18n.t(Key::BedFree)}</span>
            <span class="bed-key occupied">{i18n.t(Key::BedOccupied)}</span>
            <span class="bed-key out">{i18n.t(Key::BedOutOfService)}</span>
            <span class="bed-key lent">{i18n.t(Key::BedLent)}</span>
            <a class="button secondary" href=format!("/roll/{}", b.id)>{i18n.t(Key::RollTitle)}</a>
        </p>
        <div class="plan">
            {plan
                .rooms
                .into_iter()
                .map(|room| {
                    let band = i18n.fmt(Key::RoomAges, &[("min", &i18n.num(i64::from(room.min_age))), ("max", &i18n.num(i64::from(room.max_age)))]);
                    view! {
                        <section class=format!("room sex-{}", room.sex.code()) aria-label=format!("{} {}", i18n.t(Key::FieldRoom), room.code)>
                            <h2>
                                {room.code.clone()}
                                <span class="room-kind">{format!("{} · {}", i18n.t(room.sex.rooms_label()), band)}</span>
                            </h2>
                            <ul class="beds">
                                {room
                                    .beds
                                    .into_iter()
                                    .map(|bed| {
                                        let tonight = bed.lent.as_ref().filter(|lent| lent.from_on <= today);
                                        let (class, label) = match (&bed.occupant, bed.in_service, tonight) {
                                            (_, _, Some(lent)) => ("bed lent", resident_name(i18n, &lent.name_km, &lent.name_latin)),
                                            (Some(o), _, None) => ("bed occupied", resident_name(i18n, &o.name_km, &o.name_latin)),
                                            (None, true, None) => ("bed free", i18n.t(Key::BedFree).to_owned()),
                                            (None, false, None) => ("bed out", i18n.t(Key::BedOutOfService).to_owned()),
                                        };
                                        let boarder = bed.occupant.as_ref().filter(|_| tonight.is_some());
                                        let lent = bed.lent.as_ref().map(|lent| lent_text(i18n, lent, boarder, today));
                                        view! {
                                            <li>
                                                <a class=class href=format!("/beds/{}", bed.id)>
                                                    <span class="bed-code">{bed.code}</span>
                                                    <span class="bed-who">
                                                        {label}
                                                        {lent.map(|text| view! { <span class="bed-lent">{text}</span> })}
                                                    </span>
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            {can_manage.then(|| view! {
                                <form class="inline" method="post" action=CreateBed::url()>
                                    <input type="hidden" name="room_id" value=room.id />
                                    <button class="button small secondary" type="submit">{i18n.t(Key::BedNew)}</button>
                                </form>
                            })}
                        </section>
                    }
                })
                .collect_view()}
        </div>
        {can_manage.then(|| view! {
            <details class="more">
                <summary>{i18n.t(Key::RoomNew)}</summary>
                <FormError url=CreateRoom::url() />
                <form class="stack narrow" method="post" action=CreateRoom::url()>
                    <input type="hidden" name="building_id" value=building_id />
                    <label for="room_code">{i18n.t(Key::FieldCode)}</label>
                    <input id="room_code" name="code" type="text" maxlength="16" required />
                    <label for="room_sex">{i18n.t(Key::FieldRoomSex)}</label>
                    <select id="room_sex" name="sex" required>
                        {crate::residents::model::Sex::ALL.into_iter().map(|sex| view! {
                            <option value=sex.code()>{i18n.t(sex.rooms_label())}</option>
                        }).collect_view()}
                    </select>
                    <label for="min_age">{i18n.t(Key::FieldMinAge)}</label>
                    <input id="min_age" name="min_age" type="number" inputmode="numeric" min="0" max="99" required />
                    <label for="max_age">{i18n.t(Key::FieldMaxAge)}</label>
                    <input id="max_age" name="max_age" type="number" inputmode="numeric" min="0" max="99" required />
                    <label for="room_beds">{i18n.t(Key::FieldBeds)}</label>
                    <input id="room_beds" name="beds" type="number" inputmode="numeric" min="1" max="40" value="8" required />
                    <button class="button" type="submit">{i18n.t(Key::RoomNew)}</button>
                </form>
            </details>
        })}
    }
}

/// The time of day a resident comes into the bed an assign or move form gives: 16:00 unless
/// staff type another.
#[component]
fn ArrivalTime() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="arrives">
            {i18n.t(Key::FieldArrivesAt)}
            <input name="time" type="time" required value=super::model::format_clock(super::model::usual_arrival()) />
        </label>
    }
}

/// One bed-and-resident choice as a form that makes it: the place or the resident it names,
/// the soft rules it breaks (then a reason is required), the arrival time and the button.
/// `back`, when given, is where the form returns after saving instead of the bed.
#[component]
pub fn PlacingForm(
    placing: Placing,
    resident_id: i64,
    bed_id: i64,
    on: chrono::NaiveDate,
    label: String,
    warnings: Vec<Warning>,
    #[prop(optional)] back: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (action, button) = match placing {
        Placing::Assign => (AssignBed::url(), Key::BedAssign),
        Placing::Move => (MoveBed::url(), Key::BedMoveHere),
    };
    let warned = !warnings.is_empty();
    view! {
        <form class="assign" method="post" action=action>
            <input type="hidden" name="resident_id" value=resident_id />
            <input type="hidden" name="bed_id" value=bed_id />
            {back.map(|back| view! { <input type="hidden" name="back" value=back /> })}
            <input type="hidden" name="on" value=on.to_string() />
            <span class="place">{label}</span>
            <WarningList warnings />
            {warned.then(|| view! {
                <input name="reason" type="text" maxlength="200" required aria-label=i18n.t(Key::FieldOverrideReason) placeholder=i18n.t(Key::FieldOverrideReason) />
            })}
            <ArrivalTime />
            <button class="button" type="submit">{i18n.t(button)}</button>
        </form>
    }
}

/// A day and, in the reader's digits, a time of day: when a resident came into or left a bed.
pub fn day_at(
    i18n: crate::base::i18n::I18n,
    day: chrono::NaiveDate,
    at: chrono::NaiveTime,
) -> String {
    format!("{} {}", i18n.date_short(day), i18n.time(at))
}

/// `/beds/:id`: one bed, who is in it, and what can be done with it.
#[component]
pub fn BedPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = resource_by_id(get_bed_page);
    view! {
        <Title text=i18n.t(Key::BedTitle) />
        {page_data(data, |bed| view! { <BedView bed /> })}
    }
}

#[component]
fn BedView(bed: BedData) -> impl IntoView {
    let i18n = use_i18n();
    let bed_id = bed.place.bed_id;
    let current = bed.history.iter().find(|e| e.until_on.is_none()).cloned();
    let today = bed.today.to_string();
    let band = i18n.fmt(
        Key::RoomAges,
        &[
            ("min", &i18n.num(i64::from(bed.ages.0))),
            ("max", &i18n.num(i64::from(bed.ages.1))),
        ],
    );
    let back = format!("/buildings/{}", bed.building_id);
    view! {
        <p class="breadcrumb">
            <a href="/buildings">{i18n.t(Key::BuildingsTitle)}</a>
            " › "
            <a href=back.clone()>{bed.place.building.clone()}</a>
        </p>
        <h1>{format!("{} {}", i18n.t(Key::BedTitle), bed.place.label())}</h1>
        <p class=format!("room-kind sex-{}", bed.sex.code())>{format!("{} · {}", i18n.t(bed.sex.rooms_label()), band)}</p>
        <SavedNotice message=Key::Saved />
        <FormError url=AssignBed::url() />
        <FormError url=MoveBed::url() />
        <FormError url=ReleaseBed::url() />
        <FormError url=SetBedService::url() />
        {match current {
            Some(entry) => view! {
                <p class="big">
                    <a href=format!("/residents/{}", entry.resident_id)>{resident_name(i18n, &entry.name_km, &entry.name_latin)}</a>
                    " · "
                    {format!("{} {}", i18n.t(Key::BedSince), day_at(i18n, entry.from_on, entry.arrives))}
                </p>
                {bed.can_edit.then(|| view! {
                    <h2>{i18n.t(Key::BedMoveTitle)}</h2>
                    {if bed.moves.is_empty() {
                        view! { <p>{i18n.t(Key::SuggestionsNone)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="choices-list">
                                {bed.moves.clone().into_iter().map(|s| view! {
                                    <li>
                                        <PlacingForm
                                            placing=Placing::Move
                                            resident_id=entry.resident_id
                                            bed_id=s.bed.place.bed_id
                                            on=bed.today
                                            label=s.bed.place.label()
                                            warnings=s.warnings
                                        />
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <h2>{i18n.t(Key::BedRelease)}</h2>
                    <form class="inline" method="post" action=ReleaseBed::url()>
                        <input type="hidden" name="bed_id" value=bed_id />
                        <label for="release_on">{i18n.t(Key::FieldReleaseOn)}</label>
                        <input id="release_on" name="on" type="date" required value=today.clone() />
                        <label for="release_time">{i18n.t(Key::FieldLeavesAt)}</label>
                        <input id="release_time" name="time" type="time" required value=super::model::format_clock(super::model::usual_departure()) />
                        <button class="button danger" type="submit">{i18n.t(Key::BedRelease)}</button>
                    </form>
                })}
            }.into_any(),
            None if bed.in_service => view! {
                <p class="notice">{i18n.t(Key::BedFree)}</p>
                {bed.can_edit.then(|| {
                    if bed.candidates.is_empty() {
                        view! { <p>{i18n.t(Key::WaitingNone)}</p> }.into_any()
                    } else {
                        view! {
                            <h2>{i18n.t(Key::BedAssignTitle)}</h2>
                            <ul class="choices-list">
                                {bed.candidates.clone().into_iter().map(|(row, warnings)| view! {
                                    <li>
                                        <PlacingForm
                                            placing=Placing::Assign
                                            resident_id=row.id
                                            bed_id
                                            on=bed.today
                                            label=resident_name(i18n, &row.name_km, &row.name_latin)
                                            warnings
                                        />
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            }.into_any(),
            None => view! { <p class="notice">{i18n.t(Key::BedOutOfService)}</p> }.into_any(),
        }}
        {(!bed.loans.is_empty()).then(|| view! {
            <h2>{i18n.t(Key::BedLent)}</h2>
            <ul class="loans">
                {bed.loans.iter().map(|loan| view! {
                    <li>
                        <a href=format!("/camps/{}/beds/{}", loan.camp_id, loan.camper_id)>{resident_name(i18n, &loan.name_km, &loan.name_latin)}</a>
                        {format!(" · {}", lent_text(i18n, loan, None, bed.today))}
                    </li>
                }).collect_view()}
            </ul>
        })}
        {bed.can_manage.then(|| view! {
            <form class="inline" method="post" action=SetBedService::url()>
                <input type="hidden" name="bed_id" value=bed_id />
                <label class="choice" for="in_service">
                    <input id="in_service" type="checkbox" name="in_service" checked=bed.in_service />
                    {i18n.t(Key::BedInService)}
                </label>
                <button class="button secondary" type="submit">{i18n.t(Key::Save)}</button>
            </form>
        })}
        <h2>{i18n.t(Key::BedHistory)}</h2>
        <AllocationTable entries=bed.history.clone() show_resident=true />
        <crate::audit::pages::RecordHistory entries=bed.record_history.clone() vocabulary=super::api::BED_HISTORY entity="bed" id=bed_id />
    }
}

/// `/occupancy`: beds by facility and sex on a date.
#[component]
pub fn OccupancyPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let on = move || query.read().get("on").unwrap_or_default();
    let data = Resource::new_blocking(on, get_occupancy);
    view! {
        <Title text=i18n.t(Key::OccupancyTitle) />
        <p class="breadcrumb">
            <a href="/buildings">{i18n.t(Key::BuildingsTitle)}</a>
        </p>
        <h1>{i18n.t(Key::OccupancyTitle)}</h1>
        {page_data(data, move |(day, rows)| view! {
            <form class="search" method="get" action="/occupancy">
                <label for="on">{i18n.t(Key::FieldDate)}</label>
                <input id="on" name="on" type="date" value=day.to_string() />
                <button class="button secondary" type="submit">{i18n.t(Key::Show)}</button>
            </form>
            <p class="today">{i18n.date_long(day)}</p>
            <ListTable headers=vec![Key::FieldFacility, Key::FieldRoomSex, Key::OccupancyBeds, Key::OccupancyOccupied, Key::OccupancyFree]>
                {rows.into_iter().map(|row| view! {
                    <tr>
                        <td>{if i18n.lang == crate::base::i18n::Lang::Km { row.facility_km } else { row.facility_latin }}</td>
                        <td>{i18n.t(row.sex.rooms_label())}</td>
                        <td>{i18n.num(row.beds)}</td>
                        <td>{i18n.num(row.occupied)}</td>
                        <td>{i18n.num((row.beds - row.occupied).max(0))}</td>
                    </tr>
                }).collect_view()}
            </ListTable>
        })}
    }
}
