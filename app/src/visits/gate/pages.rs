//! `/visits/gate` and `/visits/home-stays`, for a tablet at the gate: who may come in is shown
//! large, a barred person as a red STOP. Plain HTML forms: they work before the WASM loads.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    ApproveHomeStay, CancelHomeStay, ChangeHomeStayDates, CheckIn, CheckOut, HandOver,
    HomeStayReturn, RecordStop, WalkIn, get_gate, get_home_stays,
};
use super::model::{Collectors, GatePage, GateVisit, GateVisitor, HomeStay, HomeStaysPage};
use crate::base::i18n::{I18n, Key, use_i18n};
use crate::base::ui::{FormError, SavedNotice, page_data};
use crate::presence::model::local;
use crate::visits::model::{Child, Level, Slot, Status};
use crate::visits::pages::level_badge;
use crate::visits::pages::parts::{Choice, card_list};

/// "Away: hospital" beside a child who is away now: no visit can be admitted to them.
fn away_badge(i18n: I18n, child: &Child) -> Option<impl IntoView + use<>> {
    child.away.map(|reason| {
        let text = i18n.fmt(Key::GateAway, &[("reason", i18n.t(reason.label()))]);
        view! { " " <span class="badge away" role="alert">{text}</span> }
    })
}

/// A person as the gate sees them: names large, identity details, and their permission for
/// each child, with a STOP when barred.
#[component]
fn VisitorCard(visitor: GateVisitor, #[prop(optional)] family: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let overall = visitor.overall();
    let c = visitor.contact.clone();
    view! {
        <div class=format!("visitor level-{}", overall.code())>
            {(overall == Level::Barred)
                .then(|| view! { <p class="stop" role="alert">{i18n.t(Key::GateStop)}</p> })}
            {(overall == Level::Supervised)
                .then(|| view! { <p class="supervise">{i18n.t(Key::GateSupervise)}</p> })}
            <p class="visitor-name">{c.name_km.clone()} " · " {c.name_latin.clone()}</p>
            <p>
                {i18n.t(c.relationship.label())}
                {family.map(|f| format!(" · {f}"))}
                {c.phone.clone().map(|p| format!(" · {p}"))}
            </p>
            <p>
                {i18n.t(Key::VisitsIdDocument)} ": "
                <strong>{c.id_document.clone().unwrap_or_else(|| i18n.t(Key::GateNoDocument).to_owned())}</strong>
            </p>
            <ul class="levels">
                {visitor
                    .levels
                    .into_iter()
                    .map(|(child, level)| {
                        view! {
                            <li>
                                {format!("{} ({})", child.name_km, child.name_latin)} " " {level_badge(i18n, level)}
                                {away_badge(i18n, &child)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// "Turned away": records that a person was stopped at the gate.
#[component]
fn StopButton(contact: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form class="inline" method="post" action=RecordStop::url()>
            <input type="hidden" name="contact" value=contact.to_string() />
            <button class="button danger" type="submit">{i18n.t(Key::GateRecordStop)}</button>
        </form>
    }
}

/// `/visits/gate`: today's visits, check in and out, search, walk-ins, stops.
#[component]
pub fn VisitGatePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let data = Resource::new_blocking(move || query.read().get("q").unwrap_or_default(), get_gate);
    view! {
        <Title text=i18n.t(Key::GateTitle) />
        {page_data(data, |page| view! { <GateView page /> })}
    }
}

#[component]
fn GateView(page: GatePage) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let stopped = query.read_untracked().get("stopped").as_deref() == Some("1");
    let GatePage {
        today,
        visits,
        slots,
        query: q,
        found,
    } = page;
    view! {
        <h1>{i18n.t(Key::GateTitle)} " · " {i18n.date_long(today)}</h1>
        <p class="actions">
            <a class="button secondary" href="/visits/home-stays">{i18n.t(Key::HomeStaysTitle)}</a>
        </p>
        <SavedNotice message=Key::Saved />
        {stopped.then(|| view! { <p class="form-saved" role="status">{i18n.t(Key::GateStopRecorded)}</p> })}
        <FormError url=CheckIn::url() />
        <FormError url=CheckOut::url() />
        <FormError url=WalkIn::url() />
        <form class="search" method="get" action="/visits/gate">
            <label for="q">{i18n.t(Key::GateWho)}</label>
            <input id="q" name="q" type="search" value=q.clone() placeholder=i18n.t(Key::GateSearchHint) />
            <button class="button" type="submit">{i18n.t(Key::GateSearch)}</button>
        </form>
        {(!q.is_empty())
            .then(|| {
                card_list(i18n, ("cards gate", Key::GateNobody), found, |f| {
                    let slots = slots.clone();
                    let contact = f.visitor.contact.id;
                    let may: Vec<_> = f
                        .visitor
                        .levels
                        .iter()
                        .filter(|(_, l)| l.is_some_and(Level::may_visit))
                        .map(|(c, _)| c.clone())
                        .collect();
                    let barred_somewhere = f
                        .visitor
                        .levels
                        .iter()
                        .any(|(_, l)| !l.is_some_and(Level::may_visit));
                    view! {
                        <li class="card">
                            <VisitorCard visitor=f.visitor family=f.family_name />
                            {barred_somewhere.then(|| view! { <StopButton contact /> })}
                            {(!may.is_empty() && !slots.is_empty())
                                .then(|| view! { <WalkInForm contact children=may slots /> })}
                        </li>
                    }
                })
            })}
        <h2>{i18n.t(Key::GateToday)}</h2>
        {card_list(i18n, ("cards gate", Key::GateNoVisits), visits, |v| view! { <GateVisitCard visit=v /> })}
    }
    .into_any()
}

#[component]
fn WalkInForm(contact: i64, children: Vec<Child>, slots: Vec<Slot>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details>
            <summary class="button secondary">{i18n.t(Key::GateWalkIn)}</summary>
            <form class="stack" method="post" action=WalkIn::url()>
                <input type="hidden" name="contact" value=contact.to_string() />
                {children
                    .into_iter()
                    .map(|c| {
                        view! {
                            <Choice id=format!("w{contact}c{}", c.id) name=format!("child[{}]", c.id)>
                                {format!("{} ({})", c.name_km, c.name_latin)}
                            </Choice>
                        }
                    })
                    .collect_view()}
                <label for=format!("w{contact}slot")>{i18n.t(Key::VisitsSlot)}</label>
                <select id=format!("w{contact}slot") name="slot">
                    {slots
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.id.to_string() disabled=s.free() == 0>
                                    {format!("{}–{} · {}", i18n.time(s.starts_at), i18n.time(s.ends_at),
                                        i18n.fmt(Key::FamilyPlacesLeft, &[("n", i18n.num(s.free()).as_str())]))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <label for=format!("w{contact}adults")>{i18n.t(Key::GateAdults)}</label>
                <input id=format!("w{contact}adults") name="adults" type="number" min="1" max="10" value="1" />
                <button class="button" type="submit">{i18n.t(Key::GateWalkInConfirm)}</button>
            </form>
        </details>
    }
}

#[component]
fn GateVisitCard(visit: GateVisit) -> impl IntoView {
    let i18n = use_i18n();
    let GateVisit {
        booking: b,
        visitors,
    } = visit;
    let id = b.id;
    let inside = b.checked_in_at.is_some() && b.checked_out_at.is_none();
    view! {
        <li class="card gate-visit" id=format!("v{id}")>
            <p class="card-title">
                {format!("{}–{}", i18n.time(b.starts_at), i18n.time(b.ends_at))} " · " {b.family_name.clone()}
            </p>
            <p>
                {b.names.iter().enumerate().map(|(n, c)| view! {
                    {(n > 0).then_some(", ")}
                    {format!("{} ({})", c.name_km, c.name_latin)}
                    {away_badge(i18n, c)}
                }).collect_view()}
            </p>
            <p>{i18n.fmt(Key::FamilyAdults, &[("n", i18n.num(b.adults).as_str())])}</p>
            {b.supervised.then(|| view! { <p class="supervise">{i18n.t(Key::GateSupervise)}</p> })}
            {(b.status == Status::Pending).then(|| view! { <p class="stop">{i18n.t(Key::ProblemGatePending)}</p> })}
            {b.checked_in_at
                .map(|at| view! { <p>{i18n.fmt(Key::GateInAt, &[("at", i18n.time(local(at).time()).as_str())])}</p> })}
            {b.checked_out_at
                .map(|at| view! { <p>{i18n.fmt(Key::GateOutAt, &[("at", i18n.time(local(at).time()).as_str())])}</p> })}
            {if b.checked_in_at.is_none() {
                view! {
                    <form class="stack" method="post" action=CheckIn::url()>
                        <input type="hidden" name="booking" value=id.to_string() />
                        <fieldset>
                            <legend>{i18n.t(Key::GateWhoCame)}</legend>
                            {visitors
                                .into_iter()
                                .map(|v| {
                                    let cid = v.contact.id;
                                    let barred = v.overall() == Level::Barred;
                                    view! {
                                        <div class="gate-person">
                                            {(!barred)
                                                .then(|| {
                                                    view! {
                                                        <Choice
                                                            id=format!("v{id}c{cid}")
                                                            name=format!("visitor[{cid}]")
                                                            checked=cid == b.contact_id
                                                        >
                                                            {i18n.t(Key::GateCame)}
                                                        </Choice>
                                                    }
                                                })}
                                            <VisitorCard visitor=v />
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </fieldset>
                        <button class="button big-button" type="submit" disabled=b.status != Status::Confirmed>
                            {i18n.t(Key::GateCheckIn)}
                        </button>
                    </form>
                }
                    .into_any()
            } else if inside {
                view! {
                    <form method="post" action=CheckOut::url()>
                        <input type="hidden" name="booking" value=id.to_string() />
                        <button class="button big-button secondary" type="submit">{i18n.t(Key::GateCheckOut)}</button>
                    </form>
                }
                    .into_any()
            } else {
                ().into_any()
            }}
        </li>
    }
}

/// `/visits/home-stays`: approved stays, handovers and returns.
#[component]
pub fn HomeStaysListPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_home_stays());
    view! {
        <Title text=i18n.t(Key::HomeStaysTitle) />
        {page_data(data, |page| view! { <HomeStaysView page /> })}
    }
}

#[component]
fn HomeStaysView(page: HomeStaysPage) -> impl IntoView {
    let i18n = use_i18n();
    let HomeStaysPage {
        today,
        stays,
        choices,
        collectors,
        can_approve,
    } = page;
    view! {
        <p class="breadcrumb">
            <a href="/visits/gate">{i18n.t(Key::GateTitle)}</a>
        </p>
        <h1>{i18n.t(Key::HomeStaysTitle)}</h1>
        <SavedNotice message=Key::Saved />
        <FormError url=HandOver::url() />
        <FormError url=HomeStayReturn::url() />
        <FormError url=CancelHomeStay::url() />
        <FormError url=ChangeHomeStayDates::url() />
        {card_list(i18n, ("cards", Key::HomeStaysNone), stays, |s| {
            let who = collectors.get(&s.id).cloned().unwrap_or_default();
            view! { <StayCard stay=s collectors=who can_cancel=can_approve /> }
        })}
        {can_approve
            .then(|| {
                view! {
                    <h2 id="new">{i18n.t(Key::HomeStaysApprove)}</h2>
                    <p class="hint">{i18n.t(Key::HomeStaysApproveHint)}</p>
                    <FormError url=ApproveHomeStay::url() />
                    <form class="stack narrow" method="post" action=ApproveHomeStay::url()>
                        <label for="pair">{i18n.t(Key::HomeStaysWho)}</label>
                        <select id="pair" name="pair" required>
                            {choices
                                .into_iter()
                                .map(|(child, contacts)| {
                                    view! {
                                        <optgroup label=format!("{} ({})", child.name_latin, child.name_km)>
                                            {contacts
                                                .into_iter()
                                                .map(|(cid, name, relationship)| {
                                                    view! {
                                                        <option value=format!("{}:{cid}", child.id)>
                                                            {format!("{} ← {name}, {}", child.name_latin, i18n.t(relationship.label()))}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </optgroup>
                                    }
                                })
                                .collect_view()}
                        </select>
                        <label for="from_on">{i18n.t(Key::HomeStaysFrom)}</label>
                        <div class="pair">
                            <input id="from_on" name="from_on" type="date" value=today.to_string() required />
                            <input name="from_time" type="time" value="08:00" aria-label=i18n.t(Key::HomeStaysFrom) />
                        </div>
                        <label for="until_on">{i18n.t(Key::HomeStaysUntil)}</label>
                        <div class="pair">
                            <input id="until_on" name="until_on" type="date" required />
                            <input name="until_time" type="time" value="17:00" aria-label=i18n.t(Key::HomeStaysUntil) />
                        </div>
                        <label for="stay_note">{i18n.t(Key::VisitsNote)}</label>
                        <input id="stay_note" name="note" type="text" maxlength="300" />
                        <button class="button" type="submit">{i18n.t(Key::HomeStaysApproveButton)}</button>
                    </form>
                }
            })}
    }
    .into_any()
}

/// Which way a home stay's child passes the gate next.
#[derive(Clone, Copy)]
enum Passage {
    /// Leaving with the contact who collects her.
    Out,
    /// Brought back.
    Back,
}

/// The form recording the child of stay `stay` passing the gate: the contact who collects her
/// or brings her back, one of `contacts` (the same may bring her back as may collect her),
/// `chosen` selected first.
#[component]
fn PassageForm(stay: i64, passage: Passage, contacts: Collectors, chosen: i64) -> impl IntoView {
    let i18n = use_i18n();
    let (action, prefix, posted, label, button) = match passage {
        Passage::Out => (
            HandOver::url(),
            "collector",
            "collected_by",
            Key::HomeStaysCollectedBy,
            Key::HomeStaysHandOver,
        ),
        Passage::Back => (
            HomeStayReturn::url(),
            "bringer",
            "brought_back_by",
            Key::HomeStaysBroughtBackBy,
            Key::HomeStaysReturned,
        ),
    };
    view! {
        <form class="stack" method="post" action=action>
            <input type="hidden" name="stay" value=stay.to_string() />
            <label for=format!("{prefix}{stay}")>{i18n.t(label)}</label>
            <select id=format!("{prefix}{stay}") name=posted>
                {contacts
                    .into_iter()
                    .map(|(cid, name, r)| {
                        view! {
                            <option value=cid.to_string() selected=cid == chosen>
                                {format!("{name}, {}", i18n.t(r.label()))}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button class="button" type="submit">{i18n.t(button)}</button>
        </form>
    }
}

#[component]
fn StayCard(stay: HomeStay, collectors: Collectors, can_cancel: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = stay.id;
    let contact = stay.contact.id;
    let state = if stay.cancelled {
        i18n.t(Key::HomeStaysCancelled).to_owned()
    } else if let Some(at) = stay.returned_at {
        i18n.fmt(
            Key::HomeStaysBack,
            &[("at", i18n.date_time(local(at)).as_str())],
        )
    } else if let Some((at, by, to)) = &stay.left {
        i18n.fmt(
            Key::HomeStaysAway,
            &[
                ("at", i18n.date_time(local(*at)).as_str()),
                ("by", by),
                ("to", to),
            ],
        )
    } else {
        i18n.t(Key::HomeStaysApproved).to_owned()
    };
    let waiting = !stay.cancelled && stay.left.is_none();
    let away = stay.left.is_some() && stay.returned_at.is_none();
    let passage = if waiting {
        Some(Passage::Out)
    } else if away {
        Some(Passage::Back)
    } else {
        None
    };
    view! {
        <li class="card" id=format!("s{id}")>
            <p class="card-title">{format!("{} ({})", stay.child.name_km, stay.child.name_latin)}</p>
            <p>
                {format!("{} – {}", i18n.date_long(stay.from_on), i18n.date_long(stay.until_on))}
            </p>
            <p>
                {i18n.t(Key::HomeStaysWith)} " "
                <strong>{format!("{} ({})", stay.contact.name_km, stay.contact.name_latin)}</strong>
                {format!(", {}", i18n.t(stay.contact.relationship.label()))}
            </p>
            {(!stay.note.is_empty()).then(|| view! { <p>{stay.note.clone()}</p> })}
            <p><strong>{state}</strong></p>
            {passage.map(|passage| view! { <PassageForm stay=id passage contacts=collectors chosen=contact /> })}
            {(waiting && can_cancel)
                .then(|| {
                    view! {
                        <details class="stay-dates">
                            <summary>{i18n.t(Key::HomeStaysChangeDates)}</summary>
                            <form class="stack" method="post" action=ChangeHomeStayDates::url()>
                                <input type="hidden" name="stay" value=id.to_string() />
                                <label for=format!("from_on{id}")>{i18n.t(Key::HomeStaysFrom)}</label>
                                <div class="pair">
                                    <input id=format!("from_on{id}") name="from_on" type="date" value=stay.from_on.to_string() required />
                                    <input name="from_time" type="time" value=stay.from_time.clone() aria-label=i18n.t(Key::HomeStaysFrom) />
                                </div>
                                <label for=format!("until_on{id}")>{i18n.t(Key::HomeStaysUntil)}</label>
                                <div class="pair">
                                    <input id=format!("until_on{id}") name="until_on" type="date" value=stay.until_on.to_string() required />
                                    <input name="until_time" type="time" value=stay.until_time.clone() aria-label=i18n.t(Key::HomeStaysUntil) />
                                </div>
                                <button class="button" type="submit">{i18n.t(Key::HomeStaysSaveDates)}</button>
                            </form>
                        </details>
                        <form method="post" action=CancelHomeStay::url()>
                            <input type="hidden" name="stay" value=id.to_string() />
                            <button class="button small danger" type="submit">{i18n.t(Key::HomeStaysCancel)}</button>
                        </form>
                    }
                })}
        </li>
    }
}
