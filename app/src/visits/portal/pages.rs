//! The family portal's pages, for a cheap phone on a slow network: plain HTML forms, no
//! script needed (the shell leaves the WASM out of `/family` pages), in the family's language.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{BookVisit, CancelVisit, get_booking_form, get_portal};
use super::model::{BookingForm, FamilyBooking, OpenDay, Portal};
use crate::base::i18n::{I18n, Key, use_i18n};
use crate::base::ui::{FormError, page_data};
use crate::visits::model::{Booking, Child, Status, Window};
use crate::visits::pages::parts::{Choice, card_list, count_options};

/// Children's names as a family reads them: Khmer, then Latin letters.
fn names(children: &[Child]) -> String {
    children
        .iter()
        .map(|c| format!("{} ({})", c.name_km, c.name_latin))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "Saturday 12 December 2026, 09:00–10:30".
fn when(i18n: I18n, booking: &Booking) -> String {
    format!(
        "{}, {}–{}",
        i18n.date_long(booking.day),
        i18n.time(booking.starts_at),
        i18n.time(booking.ends_at)
    )
}

/// `/family`: the signed-in family's visits and the visit days to come.
#[component]
pub fn FamilyPortalPage() -> impl IntoView {
    let i18n = use_i18n();
    let portal = Resource::new_blocking(|| (), |_| get_portal());
    view! {
        <Title text=i18n.t(Key::FamilyTitle) />
        {page_data(portal, |portal| view! { <PortalView portal /> })}
    }
}

#[component]
fn PortalView(portal: Portal) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let moving = query
        .read_untracked()
        .get("move")
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| {
            portal
                .bookings
                .iter()
                .any(|b| b.booking.id == *id && b.changeable)
        });
    let booked = query
        .read_untracked()
        .get("booked")
        .and_then(|id| id.parse::<i64>().ok())
        .and_then(|id| portal.bookings.iter().find(|b| b.booking.id == id))
        .map(|b| b.booking.status);
    let cancelled = query.read_untracked().get("cancelled").as_deref() == Some("1");
    let nothing = portal.children.is_empty();
    view! {
        <section class="narrow family-portal">
            <h1>{i18n.fmt(Key::FamilyWelcome, &[("name", portal.family_name.as_str())])}</h1>
            {booked
                .map(|status| {
                    let key = if status == Status::Pending {
                        Key::FamilyBookedPending
                    } else {
                        Key::FamilyBooked
                    };
                    view! { <p class="form-saved" role="status">{i18n.t(key)}</p> }
                })}
            {cancelled
                .then(|| {
                    view! {
                        <p class="form-saved" role="status">{i18n.t(Key::FamilyCancelled)}</p>
                    }
                })}
            <FormError url=CancelVisit::url() />
            {nothing.then(|| view! { <p class="notice">{i18n.t(Key::FamilyNothingToBook)}</p> })}
            {(!portal.children.is_empty())
                .then(|| {
                    view! {
                        <p>{i18n.t(Key::FamilyChildren)} " " <strong>{names(&portal.children)}</strong></p>
                    }
                })}
            <h2>{i18n.t(Key::FamilyYourVisits)}</h2>
            {card_list(
                i18n,
                ("cards", Key::FamilyNoVisits),
                portal.bookings,
                |b| view! { <FamilyBookingCard booking=b /> },
            )}
            {(!nothing)
                .then(|| {
                    view! {
                        <h2 id="book">
                            {i18n.t(if moving.is_some() { Key::FamilyMoveTo } else { Key::FamilyBookVisit })}
                        </h2>
                        <DayList days=portal.days moving />
                    }
                })}
        </section>
    }
    .into_any()
}

#[component]
fn FamilyBookingCard(booking: FamilyBooking) -> impl IntoView {
    let i18n = use_i18n();
    let FamilyBooking {
        booking,
        changeable,
    } = booking;
    let id = booking.id;
    view! {
        <li class="card" id=format!("b{id}")>
            <p class="card-title">{when(i18n, &booking)}</p>
            <p>{names(&booking.names)}</p>
            <p>
                {i18n.fmt(Key::FamilyAdults, &[("n", i18n.num(booking.adults).as_str())])}
                {(booking.meal_heads > 0)
                    .then(|| {
                        format!(
                            " · {}",
                            i18n.fmt(Key::FamilyMealHeads, &[("n", i18n.num(booking.meal_heads).as_str())]),
                        )
                    })}
            </p>
            <p class=format!("status status-{}", booking.status.code())>
                <strong>{i18n.t(booking.status.label())}</strong>
            </p>
            {(booking.child_away && booking.status.active())
                .then(|| view! { <p class="notice warn under-review">{i18n.t(Key::FamilyUnderReview)}</p> })}
            {booking.notice.map(|n| view! { <p class="notice">{i18n.t(n.label())}</p> })}
            {changeable
                .then(|| {
                    view! {
                        <p class="actions">
                            <a class="button secondary" href=format!("/family?move={id}#book")>
                                {i18n.t(Key::FamilyMove)}
                            </a>
                        </p>
                        <details class="confirm">
                            <summary class="button secondary">{i18n.t(Key::FamilyCancel)}</summary>
                            <form method="post" action=CancelVisit::url()>
                                <input type="hidden" name="booking" value=id.to_string() />
                                <button class="button danger" type="submit">
                                    {i18n.t(Key::FamilyCancelConfirm)}
                                </button>
                            </form>
                        </details>
                    }
                })}
        </li>
    }
}

#[component]
fn DayList(days: Vec<OpenDay>, moving: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    // Days past their cut-off are no use to a family about to book.
    let days: Vec<OpenDay> = days
        .into_iter()
        .filter(|d| d.window != Window::Closed)
        .collect();
    let suffix = moving.map(|id| format!("&moving={id}")).unwrap_or_default();
    card_list(i18n, ("cards", Key::FamilyNoVisitDays), days, move |d| {
        let suffix = suffix.clone();
        let open = d.window == Window::Open;
        view! {
            <li class="card">
                <p class="card-title">{i18n.date_long(d.day.day)}</p>
                {(!d.day.note.is_empty()).then(|| view! { <p>{d.day.note.clone()}</p> })}
                {d.meal
                    .clone()
                    .map(|meal| {
                        view! { <p>{i18n.fmt(Key::FamilyMealOffered, &[("meal", meal.as_str())])}</p> }
                    })}
                {match d.window {
                    Window::NotYet => {
                        view! {
                            <p class="notice">
                                {i18n.fmt(Key::FamilyOpensOn, &[("date", i18n.date_long(d.day.opens_on).as_str())])}
                            </p>
                        }
                            .into_any()
                    }
                    Window::Closed | Window::Open => ().into_any(),
                }}
                <ul class="slots">
                    {d.day
                        .slots
                        .into_iter()
                        .map(|s| {
                            let label = format!("{}–{}", i18n.time(s.starts_at), i18n.time(s.ends_at));
                            let free = s.free();
                            view! {
                                <li>
                                    {if open && free > 0 {
                                        view! {
                                            <a class="button slot" href=format!("/family/book?slot={}{suffix}", s.id)>
                                                <span>{label}</span>
                                                <span class="hint">
                                                    {i18n.fmt(Key::FamilyPlacesLeft, &[("n", i18n.num(free).as_str())])}
                                                </span>
                                            </a>
                                        }
                                            .into_any()
                                    } else {
                                        view! {
                                            <span class="slot full">
                                                <span>{label}</span>
                                                <span class="hint">
                                                    {i18n.t(if free > 0 { Key::FamilyNotOpen } else { Key::FamilyFull })}
                                                </span>
                                            </span>
                                        }
                                            .into_any()
                                    }}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </li>
        }
    })
}

/// `/family/book?slot=&moving=`: book a slot (or move a booking to it).
#[component]
pub fn BookVisitPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let form = Resource::new_blocking(
        move || {
            let q = query.read();
            (
                q.get("slot").and_then(|s| s.parse::<i64>().ok()),
                q.get("moving").and_then(|s| s.parse::<i64>().ok()),
            )
        },
        |(slot, moving)| async move {
            match slot {
                Some(slot) => get_booking_form(slot, moving).await,
                None => Err(crate::base::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=i18n.t(Key::FamilyBookVisit) />
        {page_data(
            form,
            |form| {
                view! {
                    <section class="narrow family-portal">
                        <p class="breadcrumb">
                            <a href="/family">{use_i18n().t(Key::FamilyTitle)}</a>
                        </p>
                        <BookingFormView form action=BookVisit::url() />
                    </section>
                }
            },
        )}
    }
}

/// The booking form, for a family or for staff booking on its behalf (`action` differs).
#[component]
pub fn BookingFormView(form: BookingForm, action: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let slot = form
        .day
        .day
        .slots
        .iter()
        .find(|s| s.id == form.slot_id)
        .cloned();
    let Some(slot) = slot else {
        return view! { <p class="empty">{i18n.t(Key::FamilyFull)}</p> }.into_any();
    };
    let title = format!(
        "{}, {}–{}",
        i18n.date_long(form.day.day.day),
        i18n.time(slot.starts_at),
        i18n.time(slot.ends_at)
    );
    let chosen: Vec<i64> = match &form.moving {
        Some(b) => b.children.clone(),
        None if form.children.len() == 1 => form.children.iter().map(|c| c.id).collect(),
        None => Vec::new(),
    };
    let lead = form
        .moving
        .as_ref()
        .map(|b| b.contact_id)
        .or_else(|| (form.visitors.len() == 1).then(|| form.visitors[0].id));
    let adults = form.moving.as_ref().map_or(1, |b| b.adults);
    let meal_heads = form.moving.as_ref().map_or(0, |b| b.meal_heads);
    let max = form.day.day.max_adults;
    let open = form.day.window == Window::Open && slot.free() > 0;
    let children = form.children.clone();
    view! {
        <h1>{title}</h1>
        {form.moving.as_ref().map(|b| {
            view! {
                <p class="notice">
                    {i18n.fmt(Key::FamilyMoving, &[("when", when(i18n, b).as_str())])}
                </p>
            }
        })}
        {(!open).then(|| view! { <p class="notice">{i18n.t(Key::FamilyNotOpen)}</p> })}
        <FormError url=action />
        <form class="stack" method="post" action=action>
            <input type="hidden" name="form[slot]" value=form.slot_id.to_string() />
            <input type="hidden" name="form[family]" value=form.family_id.to_string() />
            <input
                type="hidden"
                name="form[moving]"
                value=form.moving.as_ref().map(|b| b.id.to_string()).unwrap_or_default()
            />
            <fieldset>
                <legend>{i18n.t(Key::FamilyWhichChildren)}</legend>
                {children
                    .into_iter()
                    .map(|c| {
                        view! {
                            <Choice
                                id=format!("child{}", c.id)
                                name=format!("form[child][{}]", c.id)
                                checked=chosen.contains(&c.id)
                            >
                                {format!("{} ({})", c.name_km, c.name_latin)}
                            </Choice>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset>
                <legend>{i18n.t(Key::FamilyWhoLeads)}</legend>
                {form
                    .visitors
                    .iter()
                    .map(|v| {
                        let id = format!("contact{}", v.id);
                        let label_for = id.clone();
                        let some_only = v.children.len() < form.children.len();
                        let only: Vec<Child> = form
                            .children
                            .iter()
                            .filter(|c| v.children.contains(&c.id))
                            .cloned()
                            .collect();
                        view! {
                            <label class="choice" for=label_for>
                                <input
                                    id=id
                                    type="radio"
                                    name="form[contact]"
                                    value=v.id.to_string()
                                    checked=lead == Some(v.id)
                                    required
                                />
                                {format!("{} ({}) · {}", v.name_km, v.name_latin, i18n.t(v.relationship.label()))}
                                {some_only
                                    .then(|| {
                                        view! {
                                            <span class="hint">
                                                {i18n.fmt(Key::FamilyVisitsOnly, &[("names", names(&only).as_str())])}
                                            </span>
                                        }
                                    })}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <label for="adults">{i18n.fmt(Key::FamilyHowManyAdults, &[("n", i18n.num(max).as_str())])}</label>
            <select id="adults" name="form[adults]">{count_options(i18n, 1..=max, adults)}</select>
            {form.day.meal.clone().map(|meal| {
                view! {
                    <label for="meal_heads">{i18n.fmt(Key::FamilyHowManyStay, &[("meal", meal.as_str())])}</label>
                    <select id="meal_heads" name="form[meal_heads]">
                        {count_options(i18n, 0..=max, meal_heads)}
                    </select>
                }
            })}
            <button class="button" type="submit" disabled=!open>
                {i18n.t(if form.moving.is_some() { Key::FamilyConfirmMove } else { Key::FamilyConfirmBooking })}
            </button>
        </form>
    }
    .into_any()
}
