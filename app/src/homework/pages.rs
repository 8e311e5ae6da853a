//! Pages of homework: `/homework` (tonight's sessions and the flags), `/homework/session/:id`
//! (a session's attendance in a few taps), `/homework/classes` and `/homework/classes/:id`
//! (the timetable, rolls, sessions, rates), `/homework/residents/:id` (a resident's history).

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    CancelSession, Enrol, MarkAttendance, MarkSessionAllPresent, SaveClass, SaveHomeworkSettings,
    Unenrol, get_class, get_resident_homework, get_session, get_tonight, list_classes,
};
use super::model::{
    AttendanceRow, ClassPage as ClassData, ClassesPage as ClassesData, HomeworkClass, Level,
    Outcome, ResidentAttendance, SessionPage as SessionData, Status, Subject, Tally, TonightPage,
    percent,
};
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key, WEEKDAYS, use_i18n};
use crate::base::ui::{
    FormError, ListTable, MarkSender, OfflineCopy, SavedNotice, SendTexts, SendWords, id_param,
    page_data, resource_by_id, use_islands,
};
use crate::residents::pages::resident_name;

fn when(i18n: I18n, class: &HomeworkClass) -> String {
    let t = &class.timetable;
    let days = match t.weekdays {
        127 => i18n.t(Key::HomeworkEveryDay).to_owned(),
        31 => i18n.t(Key::HomeworkWeekdaysOnly).to_owned(),
        mask => (0..7)
            .filter(|d| mask & (1 << d) != 0)
            .map(|d| i18n.t(WEEKDAYS[d]))
            .collect::<Vec<_>>()
            .join(", "),
    };
    format!(
        "{} · {}–{}",
        days,
        i18n.time(t.starts_at),
        i18n.time(t.ends_at)
    )
}

fn rate_text(i18n: I18n, rate: (usize, usize)) -> String {
    match percent(rate) {
        Some(p) => format!(
            "{} % ({}/{})",
            i18n.num(p as i64),
            i18n.num(rate.0 as i64),
            i18n.num(rate.1 as i64)
        ),
        None => "—".into(),
    }
}

/// A row of a session: its element id, for the page's anchors and the background marks.
pub fn row_id(resident_id: i64) -> String {
    format!("p{resident_id}")
}

/// What a row of a session shows: its class and its state in words.
pub fn row_state(i18n: I18n, row: &AttendanceRow) -> (&'static str, String) {
    match (row.status, row.away) {
        (Some(status), _) => {
            let text = if row.reason.is_empty() {
                i18n.t(status.label()).to_owned()
            } else {
                format!("{} · {}", i18n.t(status.label()), row.reason)
            };
            (status.code(), text)
        }
        (None, Some(why)) => (
            "away",
            match why {
                Some(reason) => format!(
                    "{} · {}",
                    i18n.t(Key::AttendanceAway),
                    i18n.t(reason.label())
                ),
                None => i18n.t(Key::AttendanceAway).to_owned(),
            },
        ),
        (None, None) => ("unmarked", i18n.t(Key::AttendanceUnmarked).to_owned()),
    }
}

/// What the background marks say, and the refusals a mark may get.
fn mark_texts(i18n: I18n) -> SendTexts {
    let refusals = [
        AppError::invalid("status", Key::ProblemChoice),
        AppError::invalid("reason", Key::ProblemTooLong),
        AppError::invalid("reason", Key::ProblemReasonNeeded),
        AppError::invalid("day", Key::ProblemSessionFuture),
        AppError::invalid("day", Key::ProblemNoSession),
        AppError::invalid("confirm", Key::ProblemCorrectionConfirm),
    ];
    SendTexts::new(i18n, &refusals)
}

/// A session's tally, in words.
pub fn tally_text(i18n: I18n, t: Tally) -> String {
    i18n.fmt(
        Key::HomeworkTally,
        &[
            ("came", &i18n.num(t.came as i64)),
            ("absent", &i18n.num(t.absent as i64)),
            ("excused", &i18n.num((t.excused + t.away) as i64)),
            ("unmarked", &i18n.num(t.unmarked as i64)),
        ],
    )
}

fn links(i18n: I18n) -> impl IntoView {
    view! {
        <nav class="actions" aria-label=i18n.t(Key::HomeworkTitle)>
            <a class="button secondary" href="/homework">{i18n.t(Key::HomeworkTonight)}</a>
            <a class="button secondary" href="/homework/classes">{i18n.t(Key::HomeworkClasses)}</a>
        </nav>
    }
}

/// `/homework`: tonight's sessions, and residents flagged for absences.
#[component]
pub fn HomeworkPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_tonight());
    view! {
        <Title text=i18n.t(Key::HomeworkTitle) />
        <OfflineCopy />
        <h1>{i18n.t(Key::HomeworkTitle)}</h1>
        {links(i18n)}
        {page_data(data, |page| view! { <Tonight page /> })}
    }
}

#[component]
fn Tonight(page: TonightPage) -> impl IntoView {
    let i18n = use_i18n();
    let today = page.today;
    view! {
        <h2>{i18n.t(Key::HomeworkTonight)}</h2>
        <p class="today">{i18n.date_long(today)}</p>
        {if page.sessions.is_empty() {
            view! { <p>{i18n.t(Key::HomeworkNoSessions)}</p> }.into_any()
        } else {
            view! {
                <ul class="cards">
                    {page.sessions.into_iter().map(|s| {
                        let state = match &s.cancelled {
                            Some(reason) => format!("{} · {reason}", i18n.t(Key::HomeworkCancelled)),
                            None => tally_text(i18n, s.tally),
                        };
                        view! {
                            <li class="card">
                                <a class="card-link" href=format!("/homework/session/{}?day={today}", s.class.id)>
                                    <p class="card-kind">{format!("{} · {}", i18n.time(s.class.timetable.starts_at), s.class.room)}</p>
                                    <p class="card-title">{s.class.name.clone()}</p>
                                    <p class="muted">{s.class.tutor_name.clone()}</p>
                                    <p class="tally-line">{state}</p>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {page.can_manage.then(|| view! {
            <h2 id="flags">{i18n.t(Key::HomeworkFlags)}</h2>
            <p class="muted">{i18n.fmt(Key::HomeworkFlagRule, &[("count", &i18n.num(page.absences_in_a_row))])}</p>
            {if page.flags.is_empty() {
                view! { <p>{i18n.t(Key::HomeworkFlagsNone)}</p> }.into_any()
            } else {
                view! {
                    <ListTable headers=vec![Key::FieldName, Key::HomeworkAbsencesInARow, Key::HomeworkLastMissed]>
                        {page.flags.into_iter().map(|f| view! {
                            <tr>
                                <td><a href=format!("/homework/residents/{}", f.resident_id)>{resident_name(i18n, &f.name_km, &f.name_latin)}</a></td>
                                <td>{i18n.num(f.absences as i64)}</td>
                                <td>{i18n.date_short(f.last)}</td>
                            </tr>
                        }).collect_view()}
                    </ListTable>
                }.into_any()
            }}
        })}
    }
    .into_any()
}

/// `/homework/session/:id?day=`: a session's attendance.
#[component]
pub fn SessionPage() -> impl IntoView {
    let i18n = use_i18n();
    // The marks go in the background (`MarkSender`).
    use_islands();
    let id = id_param();
    let query = use_query_map();
    let key = move || (id(), query.read().get("day").unwrap_or_default());
    let data = Resource::new_blocking(key, |(id, day)| async move {
        match id {
            Some(id) => get_session(id, day).await,
            None => Err(AppError::NotFound),
        }
    });
    let correcting = move || query.read().get("correct").is_some();
    view! {
        <Title text=i18n.t(Key::HomeworkAttendance) />
        <OfflineCopy />
        <p class="breadcrumb"><a href="/homework">{i18n.t(Key::HomeworkTitle)}</a></p>
        {page_data(data, move |page| view! { <Session page correcting=correcting() /> })}
    }
}

#[component]
fn Session(page: SessionData, correcting: bool) -> impl IntoView {
    let i18n = use_i18n();
    let class = page.class.clone();
    let id = class.id;
    let day = page.day;
    let past = day < page.today;
    // A past session is read-only until the viewer says they are correcting it.
    let can_mark = page.can_mark && (!past || correcting);
    let confirm = if past { "1" } else { "" };
    let tally = Tally::of(&page.rows);
    let day_text = day.to_string();
    view! {
        <h1>{class.name.clone()}</h1>
        <p class="today">{format!("{} · {} · {}", i18n.date_long(day), when(i18n, &class), class.room)}</p>
        <SavedNotice message=Key::Saved />
        <FormError url=MarkAttendance::url() />
        <FormError url=MarkSessionAllPresent::url() />
        {page.cancelled.clone().map(|reason| view! {
            <p class="notice">{format!("{} · {reason}", i18n.t(Key::HomeworkCancelled))}</p>
        })}
        {(!page.scheduled).then(|| view! { <p class="notice">{i18n.t(Key::HomeworkNotScheduled)}</p> })}
        <p class="tally" role="status">{tally_text(i18n, tally)}</p>
        {(past && page.can_mark && !correcting).then(|| view! {
            <p class="actions">
                <a class="button secondary" href=format!("/homework/session/{id}?day={day}&correct=1")>{i18n.t(Key::HomeworkCorrect)}</a>
            </p>
        })}
        {(past && correcting).then(|| view! { <p class="notice warn">{i18n.t(Key::HomeworkCorrecting)}</p> })}
        // With JavaScript the marks are sent in the background; without, each is a form post.
        <MarkSender>
            <SendWords texts=mark_texts(i18n) marker=page.marker.clone() />
            {(can_mark && tally.unmarked > 0).then(|| view! {
                <form class="inline" method="post" action=MarkSessionAllPresent::url() data-mark="all">
                    <input type="hidden" name="class_id" value=id />
                    <input type="hidden" name="day" value=day_text.clone() />
                    <input type="hidden" name="confirm" value=confirm />
                    <button class="button big-button" type="submit">
                        {i18n.fmt(Key::HomeworkAllPresent, &[("count", &i18n.num(tally.unmarked as i64))])}
                    </button>
                </form>
            })}
            <ul class="roll attendance">
                {page.rows.into_iter().map(|row| {
                    let (class_name, state) = row_state(i18n, &row);
                    let day_text = day_text.clone();
                    let pressed = move |s: Status| (row.status == Some(s)).to_string();
                    view! {
                        <li id=row_id(row.resident_id) class=format!("roll-row {class_name}")>
                            <a class="roll-name" href=format!("/homework/residents/{}", row.resident_id)>
                                {resident_name(i18n, &row.name_km, &row.name_latin)}
                            </a>
                            <span class="roll-state">{state}</span>
                            {can_mark.then(|| view! {
                                <form class="roll-marks" method="post" action=MarkAttendance::url() data-mark="row">
                                    <input type="hidden" name="class_id" value=id />
                                    <input type="hidden" name="day" value=day_text.clone() />
                                    <input type="hidden" name="resident_id" value=row.resident_id />
                                    <input type="hidden" name="confirm" value=confirm />
                                    <button class="button present" type="submit" name="status" value="present" aria-pressed=pressed(Status::Present)>{i18n.t(Key::AttendancePresent)}</button>
                                    <button class="button missing" type="submit" name="status" value="absent" aria-pressed=pressed(Status::Absent)>{i18n.t(Key::AttendanceAbsent)}</button>
                                    <button class="button secondary" type="submit" name="status" value="late" aria-pressed=pressed(Status::Late)>{i18n.t(Key::AttendanceLate)}</button>
                                </form>
                                <details class="excuse">
                                    <summary>{i18n.t(Key::AttendanceExcused)}</summary>
                                    <form class="inline" method="post" action=MarkAttendance::url() data-mark="row">
                                        <input type="hidden" name="class_id" value=id />
                                        <input type="hidden" name="day" value=day_text />
                                        <input type="hidden" name="resident_id" value=row.resident_id />
                                        <input type="hidden" name="confirm" value=confirm />
                                        <input type="hidden" name="status" value="excused" />
                                        <label for=format!("reason-{}", row.resident_id)>{i18n.t(Key::FieldReason)}</label>
                                        <input id=format!("reason-{}", row.resident_id) name="reason" type="text" maxlength="200" required />
                                        <button class="button secondary" type="submit" data-class="excused" data-state=i18n.t(Key::AttendanceExcused)>{i18n.t(Key::Save)}</button>
                                    </form>
                                </details>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </MarkSender>
        <p class="actions">
            <a class="button secondary" href=format!("/homework/classes/{id}")>{i18n.t(Key::HomeworkClassPage)}</a>
        </p>
    }
    .into_any()
}

/// `/homework/classes`: the timetable.
#[component]
pub fn ClassesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| list_classes());
    view! {
        <Title text=i18n.t(Key::HomeworkClasses) />
        <h1>{i18n.t(Key::HomeworkClasses)}</h1>
        {links(i18n)}
        {page_data(data, |page| view! { <Classes page /> })}
    }
}

#[component]
fn Classes(page: ClassesData) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <SavedNotice message=Key::Saved />
        <ListTable headers=vec![Key::HomeworkClass, Key::HomeworkLevel, Key::HomeworkWhen, Key::HomeworkTutor, Key::HomeworkPlaces]>
            {page.classes.iter().map(|c| view! {
                <tr>
                    <td><a href=format!("/homework/classes/{}", c.id)>{c.name.clone()}</a></td>
                    <td>{format!("{} · {}", i18n.t(c.level.label()), i18n.t(c.subject.label()))}</td>
                    <td>{format!("{} · {}", when(i18n, c), c.room)}</td>
                    <td>{c.tutor_name.clone()}</td>
                    <td>{format!("{}/{}", i18n.num(c.enrolled), i18n.num(c.capacity))}</td>
                </tr>
            }).collect_view()}
        </ListTable>
        {page.can_manage.then(|| view! {
            <details class="more">
                <summary>{i18n.t(Key::HomeworkClassNew)}</summary>
                <ClassFormView class=None tutors=page.tutors.clone() today=page.today />
            </details>
            <h2>{i18n.t(Key::HomeworkFlags)}</h2>
            <FormError url=SaveHomeworkSettings::url() />
            <form class="inline" method="post" action=SaveHomeworkSettings::url()>
                <label for="absences_in_a_row">{i18n.t(Key::HomeworkAbsencesInARow)}</label>
                <input id="absences_in_a_row" name="absences_in_a_row" type="number" min="1" max="20" value=page.absences_in_a_row required />
                <button class="button secondary" type="submit">{i18n.t(Key::Save)}</button>
            </form>
        })}
    }
    .into_any()
}

/// The form that adds a class (`class` None) or changes one.
#[component]
fn ClassFormView(
    class: Option<HomeworkClass>,
    tutors: Vec<(i64, String)>,
    today: NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = class.as_ref().map_or(0, |c| c.id);
    let f = move |name: &str| format!("c{id}-{name}");
    let value = |get: &dyn Fn(&HomeworkClass) -> String, default: String| {
        class.as_ref().map_or(default, get)
    };
    let name = value(&|c| c.name.clone(), String::new());
    let room = value(&|c| c.room.clone(), String::new());
    let starts = value(
        &|c| c.timetable.starts_at.format("%H:%M").to_string(),
        "18:00".into(),
    );
    let ends = value(
        &|c| c.timetable.ends_at.format("%H:%M").to_string(),
        "19:00".into(),
    );
    let capacity = value(&|c| c.capacity.to_string(), "25".into());
    let term_from = value(&|c| c.timetable.term_from.to_string(), today.to_string());
    let term_until = value(
        &|c| c.timetable.term_until.to_string(),
        (today + chrono::Days::new(90)).to_string(),
    );
    let level = class.as_ref().map(|c| c.level);
    let subject = class.as_ref().map(|c| c.subject);
    let tutor = class.as_ref().map(|c| c.tutor_id);
    let weekdays = class.as_ref().map_or(0b001_1111, |c| c.timetable.weekdays);
    view! {
        <FormError url=SaveClass::url() />
        <form class="stack narrow" method="post" action=SaveClass::url()>
            <input type="hidden" name="class[id]" value=id />
            <label for=f("name")>{i18n.t(Key::FieldName)}</label>
            <input id=f("name") name="class[input][name]" type="text" maxlength="80" value=name required />
            <label for=f("level")>{i18n.t(Key::HomeworkLevel)}</label>
            <select id=f("level") name="class[input][level]">
                {Level::ALL.iter().map(|l| view! { <option value=l.code() selected={level == Some(*l)}>{i18n.t(l.label())}</option> }).collect_view()}
            </select>
            <label for=f("subject")>{i18n.t(Key::HomeworkSubject)}</label>
            <select id=f("subject") name="class[input][subject]">
                {Subject::ALL.iter().map(|s| view! { <option value=s.code() selected={subject == Some(*s)}>{i18n.t(s.label())}</option> }).collect_view()}
            </select>
            <label for=f("tutor")>{i18n.t(Key::HomeworkTutor)}</label>
            <select id=f("tutor") name="class[input][tutor_id]" required>
                {tutors.into_iter().map(|(tid, tname)| view! { <option value=tid selected={tutor == Some(tid)}>{tname}</option> }).collect_view()}
            </select>
            <label for=f("room")>{i18n.t(Key::HomeworkRoom)}</label>
            <input id=f("room") name="class[input][room]" type="text" maxlength="40" value=room required />
            <fieldset>
                <legend>{i18n.t(Key::HomeworkWeekdays)}</legend>
                <span class="weekdays">
                    {WEEKDAYS.iter().enumerate().map(|(d, key)| view! {
                        <label class="choice">
                            <input type="checkbox" name=format!("class[days][d{d}]") value="1" checked={weekdays & (1 << d) != 0} />
                            {i18n.t(*key)}
                        </label>
                    }).collect_view()}
                </span>
            </fieldset>
            <label for=f("starts")>{i18n.t(Key::HomeworkStartsAt)}</label>
            <input id=f("starts") name="class[input][starts_at]" type="time" value=starts required />
            <label for=f("ends")>{i18n.t(Key::HomeworkEndsAt)}</label>
            <input id=f("ends") name="class[input][ends_at]" type="time" value=ends required />
            <label for=f("capacity")>{i18n.t(Key::HomeworkPlaces)}</label>
            <input id=f("capacity") name="class[input][capacity]" type="number" min="1" max="60" value=capacity required />
            <label for=f("from")>{i18n.t(Key::HomeworkTermFrom)}</label>
            <input id=f("from") name="class[input][term_from]" type="date" value=term_from required />
            <label for=f("until")>{i18n.t(Key::HomeworkTermUntil)}</label>
            <input id=f("until") name="class[input][term_until]" type="date" value=term_until required />
            <button class="button" type="submit">{i18n.t(Key::Save)}</button>
        </form>
    }
    .into_any()
}

/// `/homework/classes/:id`: a class.
#[component]
pub fn ClassPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = resource_by_id(get_class);
    view! {
        <Title text=i18n.t(Key::HomeworkClasses) />
        <p class="breadcrumb">
            <a href="/homework">{i18n.t(Key::HomeworkTitle)}</a>
            " › "
            <a href="/homework/classes">{i18n.t(Key::HomeworkClasses)}</a>
        </p>
        {page_data(data, |page| view! { <ClassView page /> })}
    }
}

#[component]
fn ClassView(page: ClassData) -> impl IntoView {
    let i18n = use_i18n();
    let class = page.class.clone();
    let id = class.id;
    let today = page.today;
    let can_manage = page.can_manage;
    view! {
        <h1>{class.name.clone()}</h1>
        <p class="today">{format!("{} · {} · {} · {}", i18n.t(class.level.label()), i18n.t(class.subject.label()), when(i18n, &class), class.room)}</p>
        <p>{format!("{}: {}", i18n.t(Key::HomeworkTutor), class.tutor_name)}</p>
        <p>{format!("{}: {} – {}", i18n.t(Key::HomeworkTerm), i18n.date_short(class.timetable.term_from), i18n.date_short(class.timetable.term_until))}</p>
        <SavedNotice message=Key::Saved />
        <FormError url=Enrol::url() />
        <FormError url=Unenrol::url() />
        <FormError url=CancelSession::url() />
        <p class="actions">
            {class.timetable.meets_on(today).then(|| view! {
                <a class="button" href=format!("/homework/session/{id}?day={today}")>{i18n.t(Key::HomeworkTakeAttendance)}</a>
            })}
            <a class="button secondary" href=format!("/homework/attendance.csv?class={id}") download="">{i18n.t(Key::CanteenExportCsv)}</a>
        </p>
        <p class="big">{format!("{}: {}", i18n.t(Key::HomeworkRate), rate_text(i18n, page.rate))}</p>
        <h2 id="pupils">{format!("{} ({}/{})", i18n.t(Key::HomeworkPupils), i18n.num(class.enrolled), i18n.num(class.capacity))}</h2>
        <ListTable headers=vec![Key::FieldName, Key::FieldGrade, Key::HomeworkRate]>
            {page.pupils.iter().map(|p| view! {
                <tr>
                    <td><a href=format!("/homework/residents/{}", p.resident_id)>{resident_name(i18n, &p.name_km, &p.name_latin)}</a></td>
                    <td>{p.grade.clone()}</td>
                    <td>
                        {rate_text(i18n, p.rate)}
                        {can_manage.then(|| view! {
                            <form class="inline" method="post" action=Unenrol::url()>
                                <input type="hidden" name="class_id" value=id />
                                <input type="hidden" name="resident_id" value=p.resident_id />
                                <button class="button small secondary" type="submit">{i18n.t(Key::Remove)}</button>
                            </form>
                        })}
                    </td>
                </tr>
            }).collect_view()}
        </ListTable>
        {(can_manage && !page.candidates.is_empty()).then(|| view! {
            <form class="inline" method="post" action=Enrol::url()>
                <input type="hidden" name="class_id" value=id />
                <label for="resident_id">{i18n.t(Key::HomeworkEnrol)}</label>
                <select id="resident_id" name="resident_id" required>
                    {page.candidates.iter().map(|c| view! {
                        <option value=c.resident_id>{format!("{} · {}", resident_name(i18n, &c.name_km, &c.name_latin), c.grade)}</option>
                    }).collect_view()}
                </select>
                <button class="button secondary" type="submit">{i18n.t(Key::HomeworkEnrol)}</button>
            </form>
        })}
        <h2 id="sessions">{i18n.t(Key::HomeworkSessions)}</h2>
        <ListTable headers=vec![Key::FieldDate, Key::FieldState]>
            {page.sessions.iter().map(|(day, cancelled)| {
                let day = *day;
                view! {
                    <tr>
                        <td>
                            <a href=format!("/homework/session/{id}?day={day}")>{i18n.date_short(day)}</a>
                            <span class="muted">{format!(" {}", i18n.t(WEEKDAYS[day.weekday().num_days_from_monday() as usize]))}</span>
                        </td>
                        <td>
                            {match cancelled {
                                Some(reason) => format!("{} · {reason}", i18n.t(Key::HomeworkCancelled)),
                                None => String::new(),
                            }}
                            {(can_manage && day >= today).then(|| match cancelled {
                                Some(_) => view! {
                                    <form class="inline" method="post" action=CancelSession::url()>
                                        <input type="hidden" name="class_id" value=id />
                                        <input type="hidden" name="day" value=day.to_string() />
                                        <input type="hidden" name="restore" value="1" />
                                        <button class="button small secondary" type="submit">{i18n.t(Key::HomeworkRestore)}</button>
                                    </form>
                                }.into_any(),
                                None => view! {
                                    <details class="excuse">
                                        <summary>{i18n.t(Key::HomeworkCancel)}</summary>
                                        <form class="inline" method="post" action=CancelSession::url()>
                                            <input type="hidden" name="class_id" value=id />
                                            <input type="hidden" name="day" value=day.to_string() />
                                            <label for=format!("cancel-{day}")>{i18n.t(Key::FieldReason)}</label>
                                            <input id=format!("cancel-{day}") name="reason" type="text" maxlength="200" required />
                                            <button class="button small secondary" type="submit">{i18n.t(Key::HomeworkCancel)}</button>
                                        </form>
                                    </details>
                                }.into_any(),
                            })}
                        </td>
                    </tr>
                }
            }).collect_view()}
        </ListTable>
        {can_manage.then(|| view! {
            <details class="more">
                <summary>{i18n.t(Key::HomeworkClassEdit)}</summary>
                <ClassFormView class=Some(page.class.clone()) tutors=page.tutors.clone() today />
            </details>
        })}
        <crate::audit::pages::RecordHistory entries=page.history.clone() vocabulary=super::model::CLASS_HISTORY entity="homework_class" id=id />
    }
    .into_any()
}

/// `/homework/residents/:id`: a resident's homework attendance.
#[component]
pub fn ResidentHomeworkPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = resource_by_id(get_resident_homework);
    view! {
        <Title text=i18n.t(Key::HomeworkHistory) />
        <p class="breadcrumb"><a href="/homework">{i18n.t(Key::HomeworkTitle)}</a></p>
        {page_data(data, |page| view! { <History page /> })}
    }
}

#[component]
fn History(page: ResidentAttendance) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{resident_name(i18n, &page.name_km, &page.name_latin)}</h1>
        <p class="big">{format!("{}: {}", i18n.t(Key::HomeworkRate), rate_text(i18n, page.rate))}</p>
        <p><a href=format!("/residents/{}", page.resident_id)>{i18n.t(Key::HomeworkResidentRecord)}</a></p>
        <ListTable headers=vec![Key::FieldDate, Key::HomeworkClass, Key::FieldState]>
            {page.sessions.into_iter().map(|(class, day, outcome, reason, away)| {
                let state = match outcome {
                    Outcome::Marked(status) if reason.is_empty() => i18n.t(status.label()).to_owned(),
                    Outcome::Marked(status) => format!("{} · {reason}", i18n.t(status.label())),
                    Outcome::Away => match away {
                        Some(why) => format!("{} · {}", i18n.t(Key::AttendanceAway), i18n.t(why.label())),
                        None => i18n.t(Key::AttendanceAway).to_owned(),
                    },
                    Outcome::Unmarked => i18n.t(Key::AttendanceUnmarked).to_owned(),
                };
                view! {
                    <tr class:flag={outcome == Outcome::Marked(Status::Absent)}>
                        <td>{i18n.date_short(day)}</td>
                        <td>{class}</td>
                        <td>{state}</td>
                    </tr>
                }
            }).collect_view()}
        </ListTable>
    }
    .into_any()
}
