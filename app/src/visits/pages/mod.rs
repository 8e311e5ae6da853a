//! The social team's pages: `/visits` (the approval and review queue, visit days, blocked
//! dates), `/visits/days/:id` (slots and bookings), `/visits/book` (booking for a family on the
//! phone) and the visits part of `/families/:id` (contacts, children, who may visit whom).
//! Plain HTML forms: they work before and without the WASM.

mod family;
pub(in crate::visits) mod parts;

pub use family::FamilyVisitsSection;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    BlockDate, CancelVisitDay, DecideBooking, LinkChild, SaveContact, SaveSlot, SaveVisitDay,
    SetFamilyApproval, SetPermission, StaffBook, UnblockDate, get_family_visits,
    get_staff_booking_form, get_visit_day, get_visits,
};
use super::model::{
    Booking, Contact, FamilyVisits, Level, LinkedChild, Relationship, Status, VisitDay,
    VisitDayPage, VisitsOverview,
};
use super::portal::pages::BookingFormView;
use crate::audit::history::HistoryEntry;
use crate::audit::pages::RecordHistory;
use crate::base::i18n::{I18n, Key, use_i18n};
use crate::base::ui::{FormError, ListTable, SavedNotice, page_data, resource_by_id};
use crate::presence::model::local;

/// The badge of a permission level.
pub fn level_badge(i18n: I18n, level: Option<Level>) -> impl IntoView {
    let (class, key) = match level {
        Some(level) => (format!("badge level-{}", level.code()), level.label()),
        None => ("badge level-none".to_owned(), Key::PermissionNone),
    };
    view! { <span class=class>{i18n.t(key)}</span> }
}

/// "12/12/2026 09:00–10:30".
fn slot_when(i18n: I18n, b: &Booking) -> String {
    format!(
        "{} {}–{}",
        i18n.date_short(b.day),
        i18n.time(b.starts_at),
        i18n.time(b.ends_at)
    )
}

fn child_names(b: &Booking) -> String {
    b.names
        .iter()
        .map(|c| format!("{} ({})", c.name_km, c.name_latin))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A decision button about a booking.
#[component]
fn DecisionButton(booking: i64, decision: &'static str, label: Key, back: String) -> impl IntoView {
    let i18n = use_i18n();
    let class = if decision == "refuse" || decision == "cancel" {
        "button small danger"
    } else {
        "button small"
    };
    view! {
        <form class="inline" method="post" action=DecideBooking::url()>
            <input type="hidden" name="booking" value=booking.to_string() />
            <input type="hidden" name="decision" value=decision />
            <input type="hidden" name="back" value=back />
            <button class=class type="submit">{i18n.t(label)}</button>
        </form>
    }
}

/// The history of record `id` among `histories` (none when it has none).
pub(super) fn entries_of(histories: &[(i64, Vec<HistoryEntry>)], id: i64) -> Vec<HistoryEntry> {
    histories
        .iter()
        .find(|(record, _)| *record == id)
        .map(|(_, entries)| entries.clone())
        .unwrap_or_default()
}

/// Bookings as staff see them, with the decisions that apply to each; with `histories`, each
/// booking's history folded in its row (the family's page).
#[component]
pub(super) fn BookingTable(
    bookings: Vec<Booking>,
    back: String,
    #[prop(optional)] histories: Vec<(i64, Vec<HistoryEntry>)>,
) -> impl IntoView {
    let i18n = use_i18n();
    if bookings.is_empty() {
        return view! { <p class="empty">{i18n.t(Key::VisitsNoBookings)}</p> }.into_any();
    }
    view! {
        <ListTable headers=vec![
            Key::VisitsWhen,
            Key::VisitsFamily,
            Key::VisitsChildren,
            Key::VisitsLead,
            Key::FieldState,
            Key::VisitsActions,
        ]>
            {bookings
                .into_iter()
                .map(|b| {
                    let back = back.clone();
                    view! {
                        <tr id=format!("b{}", b.id)>
                            <td class="nowrap">{slot_when(i18n, &b)}</td>
                            <td>
                                <a href=format!("/families/{}", b.family_id)>{b.family_name.clone()}</a>
                            </td>
                            <td>{child_names(&b)}</td>
                            <td>
                                {format!("{} ({})", b.contact_km, b.contact_latin)}
                                " · "
                                {i18n.fmt(Key::FamilyAdults, &[("n", i18n.num(b.adults).as_str())])}
                                {b.supervised
                                    .then(|| view! { <span class="badge level-supervised">{i18n.t(Key::PermissionSupervised)}</span> })}
                            </td>
                            <td>
                                <span class=format!("badge status-{}", b.status.code())>{i18n.t(b.status.label())}</span>
                                {b.review.then(|| view! { <span class="badge review">{i18n.t(Key::VisitsReview)}</span> })}
                                {b.child_away.then(|| view! { <span class="badge away">{i18n.t(Key::VisitsChildAway)}</span> })}
                                {b.walk_in.then(|| view! { <span class="badge">{i18n.t(Key::VisitsWalkIn)}</span> })}
                                {b.by_staff.then(|| view! { <span class="badge">{i18n.t(Key::VisitsByStaff)}</span> })}
                                {b.notice.map(|n| view! { <span class="hint">{i18n.t(n.label())}</span> })}
                                {(!histories.is_empty()).then(|| view! {
                                    <RecordHistory
                                        entries=entries_of(&histories, b.id)
                                        vocabulary=super::model::BOOKING_HISTORY
                                        entity="visit_booking"
                                        id=b.id
                                        folded=true
                                    />
                                })}
                            </td>
                            <td class="actions">
                                {(b.status == Status::Pending)
                                    .then(|| {
                                        view! {
                                            <DecisionButton booking=b.id decision="approve" label=Key::VisitsApprove back=back.clone() />
                                            <DecisionButton booking=b.id decision="refuse" label=Key::VisitsRefuse back=back.clone() />
                                        }
                                    })}
                                {(b.review && b.status.active())
                                    .then(|| {
                                        view! {
                                            <DecisionButton booking=b.id decision="reviewed" label=Key::VisitsReviewed back=back.clone() />
                                        }
                                    })}
                                {b.status
                                    .active()
                                    .then(|| {
                                        view! {
                                            <DecisionButton booking=b.id decision="cancel" label=Key::VisitsCancelBooking back=back.clone() />
                                        }
                                    })}
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
    }
    .into_any()
}

/// `/visits`: the queue, visit days and blocked dates.
#[component]
pub fn VisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_visits());
    view! {
        <Title text=i18n.t(Key::VisitsTitle) />
        {page_data(data, |overview| view! { <VisitsView overview /> })}
    }
}

#[component]
fn VisitsView(overview: VisitsOverview) -> impl IntoView {
    let i18n = use_i18n();
    let VisitsOverview {
        today,
        days,
        blocked,
        queue,
        meals,
    } = overview;
    let blank = VisitDay {
        id: 0,
        day: today,
        opens_on: today,
        closes_at: 0,
        max_adults: 4,
        meal_service_id: None,
        note: String::new(),
        cancelled: false,
        slots: Vec::new(),
    };
    view! {
        <h1>{i18n.t(Key::VisitsTitle)}</h1>
        <p class="actions">
            <a class="button secondary" href="/visits/gate">{i18n.t(Key::GateTitle)}</a>
            <a class="button secondary" href="/visits/home-stays">{i18n.t(Key::HomeStaysTitle)}</a>
        </p>
        <SavedNotice message=Key::Saved />
        <FormError url=DecideBooking::url() />
        <h2 id="queue">{i18n.t(Key::VisitsQueue)}</h2>
        <p class="hint">{i18n.t(Key::VisitsQueueHint)}</p>
        <BookingTable bookings=queue back="/visits".to_owned() />
        <h2>{i18n.t(Key::VisitsDays)}</h2>
        {if days.is_empty() {
            view! { <p class="empty">{i18n.t(Key::FamilyNoVisitDays)}</p> }.into_any()
        } else {
            view! {
                <ListTable headers=vec![Key::VisitsDay, Key::VisitsSlots, Key::VisitsWindow]>
                    {days
                        .into_iter()
                        .map(|d| {
                            let taken: i64 = d.slots.iter().map(|s| s.taken).sum();
                            let places: i64 = d.slots.iter().map(|s| s.capacity).sum();
                            view! {
                                <tr class:inactive=d.cancelled>
                                    <td>
                                        <a href=format!("/visits/days/{}", d.id)>{i18n.date_long(d.day)}</a>
                                        {d.cancelled.then(|| view! { <span class="badge">{i18n.t(Key::VisitsDayCancelled)}</span> })}
                                    </td>
                                    <td>
                                        {i18n.fmt(
                                            Key::VisitsPlacesTaken,
                                            &[
                                                ("taken", i18n.num(taken).as_str()),
                                                ("places", i18n.num(places).as_str()),
                                                ("slots", i18n.num(d.slots.len() as i64).as_str()),
                                            ],
                                        )}
                                    </td>
                                    <td>
                                        {i18n.fmt(
                                            Key::VisitsWindowText,
                                            &[
                                                ("opens", i18n.date_short(d.opens_on).as_str()),
                                                ("closes", i18n.date_time(local(d.closes_at)).as_str()),
                                            ],
                                        )}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </ListTable>
            }
                .into_any()
        }}
        <h2 id="new">{i18n.t(Key::VisitsNewDay)}</h2>
        <DayFormView day=blank meals />
        <h2 id="blocked">{i18n.t(Key::VisitsBlocked)}</h2>
        <FormError url=UnblockDate::url() />
        <ul class="list">
            {blocked
                .into_iter()
                .map(|(day, reason)| {
                    view! {
                        <li>
                            <strong>{i18n.date_long(day)}</strong>
                            " · "
                            {reason}
                            <form class="inline" method="post" action=UnblockDate::url()>
                                <input type="hidden" name="day" value=day.to_string() />
                                <button class="button small secondary" type="submit">
                                    {i18n.t(Key::VisitsUnblock)}
                                </button>
                            </form>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <FormError url=BlockDate::url() />
        <form class="stack narrow" method="post" action=BlockDate::url()>
            <label for="block_day">{i18n.t(Key::VisitsDay)}</label>
            <input id="block_day" name="day" type="date" required />
            <label for="block_reason">{i18n.t(Key::FieldReason)}</label>
            <input id="block_reason" name="reason" type="text" maxlength="200" required />
            <button class="button" type="submit">{i18n.t(Key::VisitsBlock)}</button>
        </form>
    }
    .into_any()
}

/// The form of a visit day: a new one (`day.id` 0) or changing one.
#[component]
fn DayFormView(day: VisitDay, meals: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let new = day.id == 0;
    let (closes_on, closes_time) = if new {
        (String::new(), "17:00".to_owned())
    } else {
        let at = local(day.closes_at);
        (at.date().to_string(), at.format("%H:%M").to_string())
    };
    let value = |d: chrono::NaiveDate| if new { String::new() } else { d.to_string() };
    view! {
        <FormError url=SaveVisitDay::url() />
        <form class="stack narrow" method="post" action=SaveVisitDay::url()>
            <input type="hidden" name="id" value=day.id.to_string() />
            <label for="day">{i18n.t(Key::VisitsDay)}</label>
            <input id="day" name="form[day]" type="date" value=value(day.day) required />
            <label for="opens_on">{i18n.t(Key::VisitsOpensOn)}</label>
            <input id="opens_on" name="form[opens_on]" type="date" value=value(day.opens_on) required />
            <label for="closes_on">{i18n.t(Key::VisitsClosesOn)}</label>
            <div class="pair">
                <input id="closes_on" name="form[closes_on]" type="date" value=closes_on required />
                <input
                    name="form[closes_time]"
                    type="time"
                    value=closes_time
                    aria-label=i18n.t(Key::VisitsClosesTime)
                    required
                />
            </div>
            <label for="max_adults">{i18n.t(Key::VisitsMaxAdults)}</label>
            <input
                id="max_adults"
                name="form[max_adults]"
                type="number"
                min="1"
                max="10"
                value=day.max_adults.to_string()
                required
            />
            <label for="meal">{i18n.t(Key::VisitsMeal)}</label>
            <select id="meal" name="form[meal]">
                <option value="">{i18n.t(Key::VisitsNoMeal)}</option>
                {meals
                    .into_iter()
                    .map(|(id, name)| {
                        view! {
                            <option value=id.to_string() selected=day.meal_service_id == Some(id)>
                                {name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="note">{i18n.t(Key::VisitsNote)}</label>
            <input id="note" name="form[note]" type="text" maxlength="300" value=day.note />
            <button class="button" type="submit">
                {i18n.t(if new { Key::VisitsPublish } else { Key::Save })}
            </button>
        </form>
    }
}

/// `/visits/days/:id`: a visit day, its slots and bookings.
#[component]
pub fn VisitDayDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = resource_by_id(get_visit_day);
    view! {
        <Title text=i18n.t(Key::VisitsTitle) />
        {page_data(data, |page| view! { <VisitDayView page /> })}
    }
}

#[component]
fn VisitDayView(page: VisitDayPage) -> impl IntoView {
    let i18n = use_i18n();
    let VisitDayPage {
        day,
        bookings,
        meals,
        families,
    } = page;
    let id = day.id;
    let back = format!("/visits/days/{id}");
    let slots = day.slots.clone();
    let slot_options = slots.clone();
    view! {
        <p class="breadcrumb">
            <a href="/visits">{i18n.t(Key::VisitsTitle)}</a>
        </p>
        <h1>{i18n.date_long(day.day)}</h1>
        {day.cancelled.then(|| view! { <p class="notice">{i18n.t(Key::VisitsDayCancelled)}</p> })}
        <SavedNotice message=Key::Saved />
        <h2 id="slots">{i18n.t(Key::VisitsSlots)}</h2>
        <FormError url=SaveSlot::url() />
        <ListTable headers=vec![Key::VisitsSlot, Key::VisitsPlaces, Key::VisitsActions]>
            {slots
                .into_iter()
                .map(|s| {
                    view! {
                        <tr>
                            <td class="nowrap">{format!("{}–{}", i18n.time(s.starts_at), i18n.time(s.ends_at))}</td>
                            <td>
                                {i18n.fmt(
                                    Key::VisitsSlotTaken,
                                    &[("taken", i18n.num(s.taken).as_str()), ("places", i18n.num(s.capacity).as_str())],
                                )}
                            </td>
                            <td>
                                <form class="inline" method="post" action=SaveSlot::url()>
                                    <input type="hidden" name="day" value=id.to_string() />
                                    <input type="hidden" name="slot" value=s.id.to_string() />
                                    <input type="hidden" name="starts_at" value=s.starts_at.format("%H:%M").to_string() />
                                    <input type="hidden" name="ends_at" value=s.ends_at.format("%H:%M").to_string() />
                                    <input
                                        name="capacity"
                                        type="number"
                                        min="1"
                                        max="500"
                                        value=s.capacity.to_string()
                                        aria-label=i18n.t(Key::VisitsPlaces)
                                    />
                                    <button class="button small secondary" type="submit">{i18n.t(Key::Save)}</button>
                                </form>
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
        <form class="stack narrow" method="post" action=SaveSlot::url()>
            <input type="hidden" name="day" value=id.to_string() />
            <label for="starts_at">{i18n.t(Key::VisitsSlotStarts)}</label>
            <input id="starts_at" name="starts_at" type="time" required />
            <label for="ends_at">{i18n.t(Key::VisitsSlotEnds)}</label>
            <input id="ends_at" name="ends_at" type="time" required />
            <label for="capacity">{i18n.t(Key::VisitsPlaces)}</label>
            <input id="capacity" name="capacity" type="number" min="1" max="500" value="20" required />
            <button class="button" type="submit">{i18n.t(Key::VisitsAddSlot)}</button>
        </form>
        <h2 id="bookings">{i18n.t(Key::VisitsBookings)}</h2>
        <FormError url=DecideBooking::url() />
        <BookingTable bookings back />
        <h2>{i18n.t(Key::VisitsBookForFamily)}</h2>
        <form class="stack narrow" method="get" action="/visits/book">
            <label for="family">{i18n.t(Key::VisitsFamily)}</label>
            <select id="family" name="family" required>
                {families
                    .into_iter()
                    .map(|(fid, name, phone)| view! { <option value=fid.to_string()>{format!("{name} · {phone}")}</option> })
                    .collect_view()}
            </select>
            <label for="slot">{i18n.t(Key::VisitsSlot)}</label>
            <select id="slot" name="slot" required>
                {slot_options
                    .into_iter()
                    .map(|s| {
                        view! {
                            <option value=s.id.to_string()>
                                {format!("{}–{} · {}", i18n.time(s.starts_at), i18n.time(s.ends_at),
                                    i18n.fmt(Key::FamilyPlacesLeft, &[("n", i18n.num(s.free()).as_str())]))}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button class="button" type="submit">{i18n.t(Key::VisitsContinue)}</button>
        </form>
        <h2>{i18n.t(Key::VisitsChangeDay)}</h2>
        <DayFormView day=day.clone() meals />
        {(!day.cancelled)
            .then(|| {
                view! {
                    <FormError url=CancelVisitDay::url() />
                    <details class="confirm">
                        <summary class="button secondary">{i18n.t(Key::VisitsCancelDay)}</summary>
                        <p class="hint">{i18n.t(Key::VisitsCancelDayHint)}</p>
                        <form method="post" action=CancelVisitDay::url()>
                            <input type="hidden" name="id" value=id.to_string() />
                            <button class="button danger" type="submit">{i18n.t(Key::VisitsCancelDayConfirm)}</button>
                        </form>
                    </details>
                }
            })}
    }
    .into_any()
}

/// `/visits/book?family=&slot=`: staff book for a family on the phone.
#[component]
pub fn StaffBookPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let form = Resource::new_blocking(
        move || {
            let q = query.read();
            (
                q.get("family").and_then(|s| s.parse::<i64>().ok()),
                q.get("slot").and_then(|s| s.parse::<i64>().ok()),
            )
        },
        |ids| async move {
            match ids {
                (Some(family), Some(slot)) => get_staff_booking_form(family, slot).await,
                _ => Err(crate::base::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=i18n.t(Key::VisitsBookForFamily) />
        {page_data(
            form,
            move |form| {
                view! {
                    <p class="breadcrumb">
                        <a href=format!("/families/{}", form.family_id)>{form.family_name.clone()}</a>
                    </p>
                    {form.children.is_empty().then(|| view! { <p class="notice">{i18n.t(Key::FamilyNothingToBook)}</p> })}
                    <BookingFormView form action=StaffBook::url() />
                }
            },
        )}
    }
}
