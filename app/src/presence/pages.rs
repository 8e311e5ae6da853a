//! Pages of presence: `/roll` (tonight's roll in every building), `/roll/:id` (a building's
//! roll for a night, one row per occupied bed, with its history), and the missing-resident
//! banner shown on every staff page.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    CloseRoll, MarkRoll, MarkRollAllPresent, ResolveAlert, RollNight, RollPage as RollData,
    SavePresenceSettings, get_roll_call, missing_alerts, roll_overview,
};
use super::model::{
    Alerts, BedNeeded, Mark, MissingAlert, OverdueAlert, RollRow, RollTally, Sleeper, local,
};
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key, Lang, use_i18n};
use crate::base::ui::{
    FormError, ListTable, MarkSender, OfflineCopy, SavedNotice, SendTexts, SendWords, id_param,
    page_data, use_islands,
};
use crate::residents::pages::resident_name;

/// What a row of the roll shows: its class and its state in words.
pub fn row_state(i18n: I18n, row: &RollRow) -> (&'static str, String) {
    let overdue = row.overdue_since.map(|due| overdue_text(i18n, due));
    match (row.away, row.mark, overdue) {
        (Some(reason), ..) => (
            "away",
            format!("{} · {}", i18n.t(Key::RollAway), i18n.t(reason.label())),
        ),
        (None, None, Some(text)) => ("overdue", text),
        (None, Some(Mark::Present), _) => ("present", i18n.t(Key::RollPresent).to_owned()),
        (None, Some(Mark::Missing), _) => ("missing", i18n.t(Key::RollMissing).to_owned()),
        (None, None, None) => ("unmarked", i18n.t(Key::RollUnmarked).to_owned()),
    }
}

fn overdue_text(i18n: I18n, due: i64) -> String {
    i18n.fmt(Key::RollOverdue, &[("due", &i18n.date_time(local(due)))])
}

/// What the background marks say, and the refusals a mark may get.
fn mark_texts(i18n: I18n) -> SendTexts {
    let refusals = [
        Key::ProblemRollAway,
        Key::ProblemRollClosed,
        Key::ProblemRollNight,
    ]
    .map(AppError::conflict);
    SendTexts::new(i18n, &refusals)
}

/// The roll's tally, in words.
pub fn tally_line(i18n: I18n, tally: RollTally) -> String {
    i18n.fmt(
        Key::RollTally,
        &[
            ("present", &i18n.num(tally.present)),
            ("away", &i18n.num(tally.away)),
            ("missing", &i18n.num(tally.missing)),
            ("unmarked", &i18n.num(tally.unmarked)),
        ],
    )
}

/// Residents marked missing and not found yet, then residents overdue back, then lent beds
/// needed back: at the top of every staff page.
#[component]
pub fn MissingBanner() -> impl IntoView {
    let i18n = use_i18n();
    let alerts = Resource::new_blocking(|| (), |_| missing_alerts());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                // Only staff get alerts; anyone else gets a refusal, and sees nothing here.
                let Alerts { missing, overdue, beds_needed } = alerts.await.unwrap_or_default();
                view! {
                    {(!missing.is_empty()).then(|| view! {
                        <section class="alert missing-banner" role="alert">
                            <p class="alert-title">{i18n.t(Key::AlertMissingTitle)}</p>
                            <MissingList alerts=missing />
                        </section>
                    })}
                    {(!overdue.is_empty()).then(|| view! {
                        <section class="alert overdue-banner" role="alert">
                            <p class="alert-title">{i18n.t(Key::AlertOverdueTitle)}</p>
                            <OverdueList alerts=overdue />
                        </section>
                    })}
                    {(!beds_needed.is_empty()).then(|| view! {
                        <section class="alert bed-needed-banner" role="alert">
                            <p class="alert-title">{i18n.fmt(Key::AlertBedNeededTitle, &[("count", &i18n.num(beds_needed.len() as i64))])}</p>
                            <BedNeededList alerts=beds_needed />
                        </section>
                    })}
                }
            })}
        </Suspense>
    }
}

/// The residents overdue back: each linked to their page, where the return is recorded, with
/// why they were away and when they were due.
#[component]
pub fn OverdueList(alerts: Vec<OverdueAlert>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul>
            {alerts.into_iter().map(|alert| {
                let due = i18n.fmt(Key::AlertOverdueSince, &[("due", &i18n.date_time(local(alert.due_at)))]);
                view! {
                    <AlertItem href=format!("/residents/{}#absences", alert.resident_id) name=resident_name(i18n, &alert.name_km, &alert.name_latin) detail=format!(" · {} · {}", i18n.t(alert.reason.label()), due) />
                }
            }).collect_view()}
        </ul>
    }
}

/// Lent beds needed back: each camper linked to the page that moves them to another bed,
/// with the bed and the boarder who sleeps there again, and from which night.
#[component]
pub fn BedNeededList(alerts: Vec<BedNeeded>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul>
            {alerts.into_iter().map(|alert| {
                let when = if alert.tonight {
                    i18n.t(Key::AlertBedNeededTonight).to_owned()
                } else {
                    i18n.fmt(Key::AlertBedNeededFrom, &[("night", &i18n.date_short(alert.night))])
                };
                let detail = format!(
                    " · {} · {} · {when}",
                    alert.bed,
                    resident_name(i18n, &alert.resident_km, &alert.resident_latin),
                );
                view! {
                    <AlertItem href=format!("/camps/{}/beds/{}", alert.camp_id, alert.camper_id) name=resident_name(i18n, &alert.camper_km, &alert.camper_latin) detail />
                }
            }).collect_view()}
        </ul>
    }
}

/// The residents and campers missing: each linked to their page, where the alert is resolved.
#[component]
pub fn MissingList(alerts: Vec<MissingAlert>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul>
            {alerts.into_iter().map(|alert| view! {
                <AlertItem href=alert.page() name=resident_name(i18n, &alert.name_km, &alert.name_latin) detail=format!(" · {} · {}", alert.building, i18n.date_short(alert.night)) />
            }).collect_view()}
        </ul>
    }
}

/// One resident in an alert list: their name, linked to `href` where the alert is dealt with,
/// then what is known of it.
#[component]
fn AlertItem(href: String, name: String, detail: String) -> impl IntoView {
    view! {
        <li>
            <a href=href>{name}</a>
            {detail}
        </li>
    }
}

/// `/roll`: tonight's roll in every building (or another night's, `?night=`).
#[component]
pub fn RollOverviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let night = move || query.read().get("night").unwrap_or_default();
    let data = Resource::new_blocking(night, roll_overview);
    view! {
        <Title text=i18n.t(Key::RollTitle) />
        <OfflineCopy />
        <h1>{i18n.t(Key::RollTitle)}</h1>
        {page_data(data, move |RollNight { night, buildings, grace_minutes, can_set_grace }| view! {
            <p class="today">{i18n.date_long(night)}</p>
            <ul class="cards">
                {buildings.into_iter().map(|b| {
                    let name = if i18n.lang == Lang::Km { b.building_km } else { b.building_latin };
                    let state = if b.closed { Key::RollClosed } else if b.tally.present + b.tally.missing > 0 { Key::RollInProgress } else { Key::RollNotStarted };
                    view! {
                        <li class="card" class:has-missing={b.tally.missing > 0}>
                            <a class="card-link" href=format!("/roll/{}?night={night}", b.building_id)>
                                <p class="card-kind">{i18n.t(state)}</p>
                                <p class="card-title">{name}</p>
                                <p class="card-figure">{tally_line(i18n, b.tally)}</p>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h2 id="overdue">{i18n.t(Key::OverdueGraceTitle)}</h2>
            <p>{i18n.fmt(Key::OverdueGraceNow, &[("minutes", &i18n.num(grace_minutes))])}</p>
            {can_set_grace.then(|| view! {
                <SavedNotice message=Key::Saved />
                <FormError url=SavePresenceSettings::url() />
                <form class="inline" method="post" action=SavePresenceSettings::url()>
                    <label for="overdue_grace_minutes">{i18n.t(Key::FieldOverdueGrace)}</label>
                    <input id="overdue_grace_minutes" name="overdue_grace_minutes" type="number" inputmode="numeric" min="0" max="1440" required value=grace_minutes />
                    <button class="button secondary" type="submit">{i18n.t(Key::Save)}</button>
                </form>
            })}
        })}
    }
}

/// `/roll/:id`: a building's roll for a night.
#[component]
pub fn RollPage() -> impl IntoView {
    let i18n = use_i18n();
    // The marks go in the background (`MarkSender`).
    use_islands();
    let id = id_param();
    let query = use_query_map();
    let key = move || (id(), query.read().get("night").unwrap_or_default());
    let data = Resource::new_blocking(key, |(id, night)| async move {
        match id {
            Some(id) => get_roll_call(id, night).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=i18n.t(Key::RollTitle) />
        <OfflineCopy />
        {page_data(data, |page| view! { <RollView page /> })}
    }
}

#[component]
fn RollView(page: RollData) -> impl IntoView {
    let i18n = use_i18n();
    let roll = page.roll;
    let tally = roll.tally();
    let building = roll.building_id;
    let night = roll.night.to_string();
    let close_night = night.clone();
    let name = if i18n.lang == Lang::Km {
        roll.building_km.clone()
    } else {
        roll.building_latin.clone()
    };
    let can_mark = page.can_mark;
    let can_resolve = page.can_resolve;
    let this_roll = format!("/roll/{building}?night={night}");
    let routine = roll.rows.iter().filter(|row| row.routine()).count() as i64;
    view! {
        <p class="breadcrumb">
            <a href="/roll">{i18n.t(Key::RollTitle)}</a>
            " › "
            <a href=format!("/buildings/{building}")>{name.clone()}</a>
        </p>
        <h1>{format!("{} · {}", i18n.t(Key::RollTitle), name)}</h1>
        <p class="today">{i18n.date_long(roll.night)}</p>
        <SavedNotice message=Key::RollClosedNotice />
        <SavedNotice flag="resolved" message=Key::Saved />
        <p class="tally" role="status">{tally_line(i18n, tally)}</p>
        {roll.closed.then(|| view! { <p class="notice">{i18n.t(Key::RollClosed)}</p> })}
        <FormError url=MarkRoll::url() />
        <FormError url=MarkRollAllPresent::url() />
        <FormError url=CloseRoll::url() />
        <FormError url=ResolveAlert::url() />
        // With JavaScript the marks are sent in the background; without, each is a form post.
        <MarkSender>
            <SendWords texts=mark_texts(i18n) marker=page.marker.clone() />
            {(can_mark && routine > 0).then(|| view! {
                <form class="inline" method="post" action=MarkRollAllPresent::url() data-mark="all">
                    <input type="hidden" name="building_id" value=building />
                    <input type="hidden" name="night" value=night.clone() />
                    <button class="button big-button" type="submit">
                        {i18n.fmt(Key::RollAllPresent, &[("count", &i18n.num(routine))])}
                    </button>
                </form>
            })}
            <ul class="roll">
                {roll.rows.into_iter().map(|row| {
                    let (class, state) = row_state(i18n, &row);
                    // Marked, and still not recorded back: the mark shows, and so does the delay.
                    let badge = row.overdue_since.filter(|_| row.mark.is_some()).map(|due| overdue_text(i18n, due));
                    let markable = can_mark && row.away.is_none();
                    let night = night.clone();
                    let back = format!("{this_roll}#{}", row.who.row_id());
                    let (field, id) = row.who.field();
                    let camper = matches!(row.who, Sleeper::Camper(_));
                    view! {
                        <li id=row.who.row_id() class=format!("roll-row {class}")>
                            <span class="roll-bed">
                                {format!("{} · {}", row.room, row.bed)}
                                {camper.then(|| view! { <span class="badge camper">{i18n.t(Key::CampCamper)}</span> })}
                            </span>
                            <a class="roll-name" href=row.who.page()>
                                {resident_name(i18n, &row.name_km, &row.name_latin)}
                            </a>
                            <span class="roll-state">{state}</span>
                            {badge.map(|text| view! { <span class="badge overdue">{text}</span> })}
                            {markable.then(|| view! {
                                <form class="roll-marks" method="post" action=MarkRoll::url() data-mark="row">
                                    <input type="hidden" name="building_id" value=building />
                                    <input type="hidden" name="night" value=night />
                                    <input type="hidden" name=field value=id />
                                    <button class="button present" type="submit" name="mark" value="present" aria-pressed=(row.mark == Some(Mark::Present)).to_string()>
                                        {i18n.t(Key::RollPresent)}
                                    </button>
                                    <button class="button missing" type="submit" name="mark" value="missing" aria-pressed=(row.mark == Some(Mark::Missing)).to_string()>
                                        {i18n.t(Key::RollMissing)}
                                    </button>
                                </form>
                            })}
                            // A camper has no page of absences: their alert ends here.
                            {(row.alert_open && can_resolve).then(|| view! {
                                <form class="roll-resolve" method="post" action=ResolveAlert::url()>
                                    <input type="hidden" name=field value=id />
                                    <input type="hidden" name="back" value=back />
                                    <button class="button secondary" type="submit" name="resolution" value="found">{i18n.t(Key::AlertFound)}</button>
                                    <button class="button secondary" type="submit" name="resolution" value="returned">{i18n.t(Key::AlertReturned)}</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {can_mark.then(|| view! {
                <form class="inline" method="post" action=CloseRoll::url()>
                    <input type="hidden" name="building_id" value=building />
                    <input type="hidden" name="night" value=close_night />
                    <button class="button" type="submit">{i18n.t(Key::RollClose)}</button>
                </form>
            })}
        </MarkSender>
        <h2>{i18n.t(Key::RollHistory)}</h2>
        <ListTable headers=vec![Key::FieldNight, Key::RollPresent, Key::RollMissing, Key::FieldState]>
            {page.history.into_iter().map(|(day, closed, present, missing)| view! {
                <tr>
                    <td><a href=format!("/roll/{building}?night={day}")>{i18n.date_short(day)}</a></td>
                    <td>{i18n.num(present)}</td>
                    <td>{i18n.num(missing)}</td>
                    <td>{i18n.t(if closed { Key::RollClosed } else { Key::RollInProgress })}</td>
                </tr>
            }).collect_view()}
        </ListTable>
    }
}
