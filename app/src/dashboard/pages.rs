//! `/`: the dashboard for staff (the public summary of the centre for anyone else). Every
//! figure links to the page where it is acted on; with JavaScript it keeps itself up to date
//! (the `LiveBoard` island).

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::get_dashboard;
use super::charts::{HomeworkChart, MealsChart, OccupancyChart};
use super::model::{Dashboard, Homework, MealDay, Meals, Residents, SessionTonight, VisitsToday};
use crate::backups::pages::BackupLine;
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key, Lang, use_i18n};
use crate::base::ui::ErrorPage;
use crate::camps::model::CampToday;
use crate::camps::pages::UncollectedAlert;
use crate::centre::pages::HomePage;
use crate::presence::model::Alerts;
use crate::presence::pages::{BedNeededList, MissingList, OverdueList};

/// The dashboard, or the centre's public summary for someone who is not staff.
#[component]
pub fn DashboardPage() -> impl IntoView {
    // The board follows the live version (`LiveBoard`); a visitor, who has no session, gets
    // the centre's public summary, which has no island and loads no script.
    #[cfg(feature = "ssr")]
    if signed_in() {
        crate::base::ui::use_islands();
    }
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_dashboard());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(dashboard) => {
                        let board = shared_board(dashboard).await;
                        view! {
                            <Title text=i18n.t(Key::HomeTitle) />
                            <LiveBoard>{board}</LiveBoard>
                        }
                        .into_any()
                    }
                    // Not staff: the centre's public summary, as before signing in.
                    Err(AppError::Unauthorized | AppError::Forbidden) => {
                        view! { <HomePage /> }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Whether the request carries a session (still to be checked by the guard).
#[cfg(feature = "ssr")]
fn signed_in() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        crate::base::cookies::request_cookie(&parts.headers, crate::base::session::SESSION_COOKIE)
            .is_some()
    })
}

/// The board, rendered once per state of the data, language and set of sections, and shared
/// by every viewer who sees the same (`read::shared_board_html`); rendered here when that
/// fails.
#[cfg(feature = "ssr")]
async fn shared_board(dashboard: Dashboard) -> AnyView {
    let i18n = use_i18n();
    let html = super::read::shared_board_html(&dashboard, i18n.lang, || {
        view! { <Board dashboard=dashboard.clone() /> }.to_html()
    })
    .await;
    match html {
        Ok(html) => view! { <div class="board-shared" inner_html=html.to_string() /> }.into_any(),
        Err(_) => view! { <Board dashboard /> }.into_any(),
    }
}

/// In the browser the board is never rendered: it comes from the server.
#[cfg(not(feature = "ssr"))]
async fn shared_board(dashboard: Dashboard) -> AnyView {
    view! { <Board dashboard /> }.into_any()
}

/// Keeps the board up to date while the page is open: with JavaScript, a change on the server
/// brings the board again, rendered by the server (see `client`); without, a reload does.
#[island]
pub fn LiveBoard(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(super::client::follow);
    let root = crate::base::ui::live_root();
    view! { <div node_ref=root>{children()}</div> }
}

#[component]
fn Board(dashboard: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let Dashboard {
        version,
        today,
        residents,
        meals,
        homework,
        visits,
        review,
        backups,
        camps,
        ..
    } = dashboard;
    let (uncollected, running) =
        camps.map_or((Vec::new(), Vec::new()), |c| (c.uncollected, c.running));
    let occupancy = residents.occupancy.clone();
    let meal_history = meals.as_ref().map(|m| m.history.clone());
    let homework_weeks = homework.as_ref().map(|h| h.weeks.clone());
    view! {
        // The region the live updates replace, with the version it shows.
        <div id="board" data-version=version.encode()>
            {(!uncollected.is_empty()).then(|| view! { <UncollectedAlert alerts=uncollected /> })}
            <Alerts alerts=residents.alerts.clone() />
            {backups.map(|health| view! { <BackupLine health linked=true /> })}
            <div class="dash-head">
                <h1>{i18n.t(Key::HomeTitle)}</h1>
                <p class="today">
                    <time datetime=today.to_string()>{i18n.date_long(today)}</time>
                </p>
                <p
                    class="live-state"
                    aria-live="polite"
                    data-on=i18n.t(Key::DashboardLiveOn)
                    data-off=i18n.t(Key::DashboardLiveOff)
                >
                    {i18n.t(Key::DashboardLiveOff)}
                </p>
            </div>
            <div class="dash">
                <ResidentCards residents />
                {meals.map(|meals| view! { <MealsCard meals /> })}
                {homework.map(|homework| view! { <HomeworkCard homework /> })}
                {visits.map(|visits| view! { <VisitsCard visits review /> })}
                {running.into_iter().map(|camp| view! { <CampCard camp /> }).collect_view()}
            </div>
            <h2>{i18n.t(Key::DashboardChartsTitle)}</h2>
            <div class="dash-charts">
                <section class="dash-card" id="chart-occupancy">
                    <OccupancyChart history=occupancy />
                </section>
                {meal_history.map(|days| view! {
                    <section class="dash-card" id="chart-meals">
                        <MealsChart days />
                    </section>
                })}
                {homework_weeks.map(|weeks| view! {
                    <section class="dash-card" id="chart-homework">
                        <HomeworkChart weeks />
                    </section>
                })}
            </div>
        </div>
    }
    .into_any()
}

/// Residents marked missing, then residents overdue back, then lent beds needed back: first on the page, in red, until
/// resolved.
#[component]
fn Alerts(alerts: Alerts) -> impl IntoView {
    let Alerts {
        missing,
        overdue,
        beds_needed,
    } = alerts;
    view! {
        {(!missing.is_empty()).then(|| view! {
            <AlertSection class="missing-banner" title=Key::DashboardMissing count=missing.len()>
                <MissingList alerts=missing />
            </AlertSection>
        })}
        {(!overdue.is_empty()).then(|| view! {
            <AlertSection class="overdue-banner" title=Key::DashboardOverdue count=overdue.len()>
                <OverdueList alerts=overdue />
            </AlertSection>
        })}
        {(!beds_needed.is_empty()).then(|| view! {
            <AlertSection class="bed-needed-banner" title=Key::AlertBedNeededTitle count=beds_needed.len()>
                <BedNeededList alerts=beds_needed />
            </AlertSection>
        })}
    }
}

/// One kind of alert, headed by how many residents it names, in red.
#[component]
fn AlertSection(
    class: &'static str,
    title: Key,
    count: usize,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class=format!("alert {class} dash-alert") role="alert">
            <p class="alert-title">{i18n.fmt(title, &[("count", &i18n.num(count as i64))])}</p>
            {children()}
        </section>
    }
}

#[component]
fn ResidentCards(residents: Residents) -> impl IntoView {
    let i18n = use_i18n();
    let tonight = residents.tonight;
    view! {
        <section class="dash-card" id="dash-tonight">
            <h2><a href="/roll">{i18n.t(Key::DashboardTonightTitle)}</a></h2>
            <p class="dash-figure" id="present-tonight">
                {i18n.fmt(
                    Key::DashboardOf,
                    &[("count", &i18n.num(tonight.present())), ("total", &i18n.num(tonight.housed))],
                )}
            </p>
            <p>{i18n.fmt(Key::DashboardAway, &[("count", &i18n.num(tonight.away))])}</p>
        </section>
        <section class="dash-card dash-wide" id="dash-roll">
            <h2><a href="/roll">{i18n.t(Key::DashboardRollTitle)}</a></h2>
            <ul class="dash-list">
                {residents
                    .rolls
                    .into_iter()
                    .map(|roll| {
                        let state = if roll.closed {
                            Key::RollClosed
                        } else if roll.done() > roll.tally.away {
                            Key::RollInProgress
                        } else {
                            Key::RollNotStarted
                        };
                        let (done, housed) = (roll.done(), roll.housed());
                        view! {
                            <li class:has-missing={roll.tally.missing > 0}>
                                <a href=format!("/roll/{}", roll.building_id)>
                                    <span class="dash-label">{roll.name.in_lang(i18n.lang).to_owned()}</span>
                                    <span class="dash-value" id=format!("roll-{}", roll.building_id)>
                                        {i18n.fmt(
                                            Key::DashboardOf,
                                            &[("count", &i18n.num(done)), ("total", &i18n.num(housed))],
                                        )}
                                    </span>
                                </a>
                                <meter min="0" max={housed.max(1)} value=done></meter>
                                <span class="dash-note">
                                    {i18n.t(state)}
                                    {(roll.tally.missing > 0).then(|| view! {
                                        <strong class="danger">
                                            {format!(
                                                " · {}",
                                                i18n.fmt(Key::DashboardMissingCount, &[("count", &i18n.num(roll.tally.missing))]),
                                            )}
                                        </strong>
                                    })}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <section class="dash-card" id="dash-beds">
            <h2><a href="/occupancy">{i18n.t(Key::DashboardBedsTitle)}</a></h2>
            <table class="dash-table">
                <thead>
                    <tr>
                        <th scope="col">{i18n.t(Key::FieldFacility)}</th>
                        <th scope="col">{i18n.t(Key::OccupancyOccupied)}</th>
                        <th scope="col">{i18n.t(Key::OccupancyFree)}</th>
                    </tr>
                </thead>
                <tbody>
                    {residents
                        .beds
                        .into_iter()
                        .map(|row| {
                            let facility = if i18n.lang == Lang::Km {
                                row.facility_km
                            } else {
                                row.facility_latin
                            };
                            view! {
                                <tr>
                                    <th scope="row">
                                        {facility}
                                        <br />
                                        <span class=format!("sex-{}", row.sex.code())>
                                            {i18n.t(row.sex.rooms_label())}
                                        </span>
                                    </th>
                                    <td>
                                        {i18n.fmt(
                                            Key::DashboardOf,
                                            &[("count", &i18n.num(row.occupied)), ("total", &i18n.num(row.beds))],
                                        )}
                                    </td>
                                    <td>{i18n.num((row.beds - row.occupied).max(0))}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <section class="dash-card" id="dash-unhoused" class:warn={residents.unhoused > 0}>
            <h2><a href="/buildings#waiting">{i18n.t(Key::DashboardUnhousedTitle)}</a></h2>
            <p class="dash-figure" id="unhoused">{i18n.num(residents.unhoused)}</p>
            <p>
                {i18n.t(if residents.unhoused > 0 { Key::DashboardUnhousedSome } else { Key::DashboardUnhousedNone })}
            </p>
        </section>
    }
    .into_any()
}

fn meal_day_view(i18n: I18n, day: MealDay, label: Key) -> AnyView {
    let lang = match i18n.lang {
        Lang::Km => 0,
        Lang::En => 1,
        Lang::Fr => 2,
    };
    let frozen = day.meals.iter().any(|meal| meal.frozen);
    let cutoff = crate::presence::model::local(day.cutoff_at);
    let on = day.day;
    view! {
        <h3>
            <a href=format!("/canteen/day?on={on}")>{i18n.t(label)}</a>
        </h3>
        <p class="dash-note">
            {if frozen {
                i18n.t(Key::DashboardMealsFrozen).to_owned()
            } else {
                i18n.fmt(Key::DashboardMealsFreezes, &[("when", &i18n.date_time(cutoff))])
            }}
        </p>
        <ul class="dash-list">
            {day
                .meals
                .into_iter()
                .map(|meal| {
                    let diets = meal
                        .diets
                        .iter()
                        .map(|(diet, n)| format!("{} {}", i18n.t(diet.label()), i18n.num(*n)))
                        .collect::<Vec<_>>()
                        .join(" · ");
                    view! {
                        <li>
                            <a href=format!("/canteen/day?on={on}")>
                                <span class="dash-label">
                                    {format!("{} {}", i18n.time(meal.serves_at), meal.name[lang])}
                                </span>
                                <span class="dash-value">{i18n.num(meal.expected)}</span>
                            </a>
                            <span class="dash-note">{diets}</span>
                            {(meal.late != 0).then(|| view! {
                                <span class="dash-note warn">
                                    {i18n.fmt(
                                        Key::DashboardMealsLate,
                                        &[("count", &format!("{}{}", if meal.late > 0 { "+" } else { "−" }, i18n.num(meal.late.abs())))],
                                    )}
                                </span>
                            })}
                            {meal.served.map(|served| view! {
                                <span class="dash-note">
                                    {i18n.fmt(Key::DashboardMealsServed, &[("count", &i18n.num(served))])}
                                </span>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn MealsCard(meals: Meals) -> impl IntoView {
    let i18n = use_i18n();
    let mut days = meals.days.into_iter();
    let today = days.next();
    let tomorrow = days.next();
    view! {
        <section class="dash-card dash-wide" id="dash-meals">
            <h2><a href="/canteen">{i18n.t(Key::DashboardMealsTitle)}</a></h2>
            <div class="dash-columns">
                <div>{today.map(|day| meal_day_view(i18n, day, Key::DashboardToday))}</div>
                <div>{tomorrow.map(|day| meal_day_view(i18n, day, Key::DashboardTomorrow))}</div>
            </div>
        </section>
    }
    .into_any()
}

fn session_view(i18n: I18n, session: SessionTonight) -> AnyView {
    let unmarked = session.unmarked();
    view! {
        <li>
            <a href=format!("/homework/session/{}", session.class_id)>
                <span class="dash-label">
                    {format!("{} {} · {}", i18n.time(session.starts_at), session.name, session.room)}
                </span>
                <span class="dash-value" id=format!("class-{}", session.class_id)>
                    {if session.cancelled {
                        i18n.t(Key::DashboardHomeworkCancelled).to_owned()
                    } else {
                        i18n.fmt(
                            Key::DashboardOf,
                            &[("count", &i18n.num(session.came)), ("total", &i18n.num(session.enrolled))],
                        )
                    }}
                </span>
            </a>
            {(!session.cancelled).then(|| view! {
                <span class="dash-note">
                    {i18n.fmt(
                        Key::DashboardHomeworkDetail,
                        &[
                            ("absent", &i18n.num(session.absent)),
                            ("excused", &i18n.num(session.excused)),
                            ("unmarked", &i18n.num(unmarked)),
                        ],
                    )}
                </span>
            })}
        </li>
    }
    .into_any()
}

#[component]
fn HomeworkCard(homework: Homework) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="dash-card" id="dash-homework">
            <h2><a href="/homework">{i18n.t(Key::DashboardHomeworkTitle)}</a></h2>
            {if homework.sessions.is_empty() {
                view! { <p>{i18n.t(Key::DashboardHomeworkNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="dash-list">
                        {homework
                            .sessions
                            .into_iter()
                            .map(|session| session_view(i18n, session))
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn CampCard(camp: CampToday) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/camps/{}", camp.camp_id);
    let figure = |key: Key, n: i64| {
        view! {
            <li>
                <a href=href.clone()>
                    <span class="dash-label">{i18n.t(key)}</span>
                    <span class="dash-value">{i18n.num(n)}</span>
                </a>
            </li>
        }
    };
    view! {
        <section class="dash-card dash-camp">
            <h2><a href=href.clone()>{camp.name.clone()}</a></h2>
            <ul class="dash-list">
                {figure(Key::DashboardCampRegistered, camp.registered)}
                {figure(Key::DashboardCampCheckedIn, camp.checked_in)}
                {figure(Key::DashboardCampCollected, camp.collected)}
                {figure(Key::DashboardCampOnSite, camp.on_site)}
                {camp.in_beds.map(|n| figure(Key::DashboardCampInBeds, n))}
            </ul>
        </section>
    }
}

#[component]
fn VisitsCard(visits: VisitsToday, review: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let figure = |key: Key, n: i64, id: &'static str| {
        view! {
            <li>
                <a href="/visits/gate">
                    <span class="dash-label">{i18n.t(key)}</span>
                    <span class="dash-value" id=id>{i18n.num(n)}</span>
                </a>
            </li>
        }
    };
    view! {
        <section class="dash-card" id="dash-visits">
            <h2><a href="/visits/gate">{i18n.t(Key::DashboardVisitsTitle)}</a></h2>
            {if visits.day_id.is_some() {
                view! {
                    <ul class="dash-list">
                        {figure(Key::DashboardVisitsBooked, visits.booked, "visits-booked")}
                        {figure(Key::DashboardVisitsCheckedIn, visits.checked_in, "visits-checked-in")}
                        {figure(Key::DashboardVisitsSupervised, visits.supervised, "visits-supervised")}
                        {figure(Key::DashboardVisitsAwaiting, visits.awaiting, "visits-awaiting")}
                    </ul>
                }
                .into_any()
            } else {
                view! { <p>{i18n.t(Key::DashboardVisitsNone)}</p> }.into_any()
            }}
            {review.map(|count| view! {
                <p class="dash-review" id="dash-review" class:warn={count > 0}>
                    <a href="/visits#queue">
                        {i18n.fmt(Key::DashboardReview, &[("count", &i18n.num(count))])}
                    </a>
                </p>
            })}
        </section>
    }
    .into_any()
}
