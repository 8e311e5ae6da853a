//! Pages of camps: `/camps` (the camps, and a monitor's own groups), `/camps/:id` (a camp, its
//! groups, campers and registration), `/camps/groups/:id` (a group's day on a phone: the
//! programme, check-in, pick-up) and `/camps/campers/:id` (a camper's file).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    AddCampActivity, AddCampGroup, AddCampMonitor, CampAddResident, CampAllPresent, CampCheckIn,
    CampHandOver, CampPickUp, ConfirmCamperImport, CreateCamp, RegisterCamper, UploadCampers,
    get_camp, get_camper, get_camper_import, get_camps, get_group_day, uncollected_alerts,
};
use super::import::{CamperImportPreview, CamperRowStatus};
use super::model::{
    Camp, CampPage as CampData, CamperPage as CamperData, CampsPage as CampsData, DayRow,
    DayStatus, DayTally, GroupDayPage as GroupDayData, Kind, Uncollected,
};
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key, use_i18n};
use crate::base::ui::{
    FormError, ListTable, MarkSender, OfflineCopy, SavedNotice, SendTexts, SendWords, id_param,
    page_data, resource_by_id, use_islands,
};
use crate::people::model::Relationship;
use crate::residents::model::{Allergen, Diet, Sex};
use crate::residents::pages::resident_name;

/// "5 – 30 April 2027".
pub fn dates(i18n: I18n, camp: &Camp) -> String {
    format!(
        "{} – {}",
        i18n.date_short(camp.rules.starts_on),
        i18n.date_short(camp.rules.ends_on)
    )
}

/// "Day camp · ages 6–12 · 148/150 places".
fn facts(i18n: I18n, camp: &Camp) -> String {
    let ages = i18n.fmt(
        Key::CampAges,
        &[
            ("min", &i18n.num(i64::from(camp.rules.min_age))),
            ("max", &i18n.num(i64::from(camp.rules.max_age))),
        ],
    );
    let places = i18n.fmt(
        Key::CampPlacesTaken,
        &[
            ("taken", &i18n.num(camp.taken)),
            ("places", &i18n.num(camp.rules.places)),
        ],
    );
    format!("{} · {ages} · {places}", i18n.t(camp.kind.label()))
}

/// What a child eats, as a monitor must know it: the diet unless usual, and every allergy.
fn eats(i18n: I18n, diet: Diet, allergies: &[Allergen]) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    if diet != Diet::Normal {
        parts.push(i18n.t(diet.label()));
    }
    parts.extend(allergies.iter().map(|a| i18n.t(a.label())));
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `/camps`: the camps and the caller's own groups.
#[component]
pub fn CampsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_camps());
    view! {
        <Title text=i18n.t(Key::CampsTitle) />
        <h1>{i18n.t(Key::CampsTitle)}</h1>
        {page_data(data, |page| view! { <Camps page /> })}
    }
}

#[component]
fn Camps(page: CampsData) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <SavedNotice message=Key::Saved />
        {(!page.my_groups.is_empty()).then(|| view! {
            <h2>{i18n.t(Key::CampMyGroups)}</h2>
            <ul class="big-links">
                {page.my_groups.iter().map(|(group, camp)| view! {
                    <li>
                        <a class="button big-button" href=format!("/camps/groups/{}", group.id)>
                            {format!("{} · {camp}", group.name)}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        })}
        {(page.camps.is_empty() && page.my_groups.is_empty()).then(|| view! {
            <p class="empty">{i18n.t(Key::CampNone)}</p>
        })}
        {page.can_manage.then(|| view! {
            <ListTable headers=vec![Key::CampName, Key::CampDates, Key::CampWhat]>
                {page.camps.iter().map(|c| view! {
                    <tr>
                        <td><a href=format!("/camps/{}", c.id)>{c.name.clone()}</a></td>
                        <td>{dates(i18n, c)}</td>
                        <td>{facts(i18n, c)}</td>
                    </tr>
                }).collect_view()}
            </ListTable>
            <details class="more">
                <summary>{i18n.t(Key::CampNew)}</summary>
                <CampFormView facilities=page.facilities.clone() today=page.today />
            </details>
        })}
    }
    .into_any()
}

/// The form that adds a camp.
#[component]
fn CampFormView(
    facilities: Vec<(i64, crate::centre::model::Name)>,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    let starts = today.to_string();
    let ends = (today + chrono::Days::new(27)).to_string();
    view! {
        <FormError url=CreateCamp::url() />
        <form class="stack narrow" method="post" action=CreateCamp::url()>
            <label for="camp-name">{i18n.t(Key::CampName)}</label>
            <input id="camp-name" name="camp[name]" type="text" maxlength="80" required />
            <label for="camp-facility">{i18n.t(Key::CampWhere)}</label>
            <select id="camp-facility" name="camp[facility_id]" required>
                {facilities.into_iter().map(|(id, name)| view! {
                    <option value=id>{name.in_lang(i18n.lang).to_owned()}</option>
                }).collect_view()}
            </select>
            <fieldset>
                <legend>{i18n.t(Key::CampKind)}</legend>
                {Kind::ALL.iter().map(|k| view! {
                    <label class="choice">
                        <input type="radio" name="camp[kind]" value=k.code() checked={*k == Kind::Day} />
                        {i18n.t(k.label())}
                    </label>
                }).collect_view()}
            </fieldset>
            <label for="camp-starts">{i18n.t(Key::CampStartsOn)}</label>
            <input id="camp-starts" name="camp[starts_on]" type="date" value=starts required />
            <label for="camp-ends">{i18n.t(Key::CampEndsOn)}</label>
            <input id="camp-ends" name="camp[ends_on]" type="date" value=ends required />
            <label for="camp-min-age">{i18n.t(Key::CampMinAge)}</label>
            <input id="camp-min-age" name="camp[min_age]" type="number" min="3" max="25" value="6" required />
            <label for="camp-max-age">{i18n.t(Key::CampMaxAge)}</label>
            <input id="camp-max-age" name="camp[max_age]" type="number" min="3" max="25" value="14" required />
            <label for="camp-places">{i18n.t(Key::CampPlaces)}</label>
            <input id="camp-places" name="camp[places]" type="number" min="1" max="1000" value="150" required />
            <fieldset>
                <legend>{i18n.t(Key::CampMeals)}</legend>
                {[("breakfast", Key::CampMealBreakfast, false), ("lunch", Key::CampMealLunch, true), ("dinner", Key::CampMealDinner, false)]
                    .into_iter()
                    .map(|(name, key, on)| view! {
                        <label class="choice">
                            <input type="checkbox" name=format!("camp[{name}]") value="on" checked=on />
                            {i18n.t(key)}
                        </label>
                    }).collect_view()}
            </fieldset>
            <label for="camp-day-ends">{i18n.t(Key::CampDayEndsAt)}</label>
            <input id="camp-day-ends" name="camp[day_ends_at]" type="time" value="16:30" required />
            <button class="button" type="submit">{i18n.t(Key::CampCreate)}</button>
        </form>
    }
}

/// `/camps/:id`: a camp, its groups and campers, registration.
#[component]
pub fn CampPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = resource_by_id(get_camp);
    view! {
        <Title text=i18n.t(Key::CampsTitle) />
        <p class="breadcrumb"><a href="/camps">{i18n.t(Key::CampsTitle)}</a></p>
        {page_data(data, |page| view! { <CampView page /> })}
    }
}

#[component]
fn CampView(page: CampData) -> impl IntoView {
    let i18n = use_i18n();
    let camp = page.camp.clone();
    let id = camp.id;
    let meals: Vec<&str> = camp.meals.labels().into_iter().map(|k| i18n.t(k)).collect();
    let choices: Vec<(i64, String)> = page.groups.iter().map(|g| (g.id, g.name.clone())).collect();
    view! {
        <h1>{camp.name.clone()}</h1>
        <p class="today">{format!("{} · {}", dates(i18n, &camp), camp.facility.in_lang(i18n.lang))}</p>
        <p>{facts(i18n, &camp)}</p>
        <p>{format!("{}: {} · {}: {}", i18n.t(Key::CampMeals), meals.join(", "), i18n.t(Key::CampDayEndsAt), i18n.time(camp.day_ends_at))}</p>
        {(camp.kind == Kind::Residential).then(|| view! {
            <p><a class="button secondary" href=format!("/camps/{id}/beds")>{i18n.t(Key::LoanCampLink)}</a></p>
        })}
        <SavedNotice message=Key::Saved />
        <h2 id="groups">{i18n.t(Key::CampGroups)}</h2>
        <ListTable headers=vec![Key::CampGroup, Key::CampMonitors, Key::CampCampers]>
            {page.groups.iter().map(|g| view! {
                <tr>
                    <td><a href=format!("/camps/groups/{}", g.id)>{g.name.clone()}</a></td>
                    <td>{g.monitors.join(", ")}</td>
                    <td>{i18n.num(g.campers)}</td>
                </tr>
            }).collect_view()}
        </ListTable>
        <details class="more">
            <summary>{i18n.t(Key::CampGroupNew)}</summary>
            <FormError url=AddCampGroup::url() />
            <form class="stack narrow" method="post" action=AddCampGroup::url()>
                <input type="hidden" name="camp_id" value=id />
                <label for="group-name">{i18n.t(Key::CampGroup)}</label>
                <input id="group-name" name="name" type="text" maxlength="60" required />
                <label for="group-monitor">{i18n.t(Key::CampMonitor)}</label>
                <select id="group-monitor" name="monitor_id">
                    <option value="">"—"</option>
                    {page.monitors.iter().map(|(mid, name)| view! { <option value=*mid>{name.clone()}</option> }).collect_view()}
                </select>
                <button class="button" type="submit">{i18n.t(Key::Save)}</button>
            </form>
        </details>
        <h2 id="register">{i18n.t(Key::CampRegister)}</h2>
        {if choices.is_empty() {
            view! { <p class="empty">{i18n.t(Key::CampNoGroups)}</p> }.into_any()
        } else if camp.taken >= camp.rules.places {
            view! { <p class="notice warn">{i18n.t(Key::ProblemCampFull)}</p> }.into_any()
        } else {
            view! {
                <RegisterForm camp_id=id groups=choices.clone() />
                <ImportForm camp_id=id />
                {(!page.residents.is_empty()).then(|| view! {
                    <details class="more" id="resident-joins">
                        <summary>{i18n.t(Key::CampResidentJoins)}</summary>
                        <FormError url=CampAddResident::url() />
                        <form class="stack narrow" method="post" action=CampAddResident::url()>
                            <input type="hidden" name="camp_id" value=id />
                            <label for="join-resident">{i18n.t(Key::CampResident)}</label>
                            <select id="join-resident" name="resident_id" required>
                                {page.residents.iter().map(|(rid, km, latin)| view! {
                                    <option value=*rid>{resident_name(i18n, km, latin)}</option>
                                }).collect_view()}
                            </select>
                            <label for="join-group">{i18n.t(Key::CampGroup)}</label>
                            <select id="join-group" name="group_id" required>
                                {choices.iter().map(|(gid, name)| view! { <option value=*gid>{name.clone()}</option> }).collect_view()}
                            </select>
                            <button class="button" type="submit">{i18n.t(Key::CampRegisterButton)}</button>
                        </form>
                    </details>
                })}
            }.into_any()
        }}
        <h2 id="campers">{format!("{} ({})", i18n.t(Key::CampCampers), i18n.num(camp.taken))}</h2>
        <ListTable headers=vec![Key::FieldName, Key::CampAge, Key::CampGroup]>
            {page.campers.iter().map(|c| view! {
                <tr>
                    <td><a href=format!("/camps/campers/{}", c.id)>{resident_name(i18n, &c.name_km, &c.name_latin)}</a></td>
                    <td>{format!("{} · {}", i18n.num(i64::from(c.age)), i18n.t(c.sex.label()))}</td>
                    <td>{c.group.clone()}</td>
                </tr>
            }).collect_view()}
        </ListTable>
    }
    .into_any()
}

/// The quick registration: the child, and one or two guardians.
#[component]
fn RegisterForm(camp_id: i64, groups: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let guardian = move |n: u8| {
        let f = move |field: &str| format!("camper[guardian{n}_{field}]");
        let id = move |field: &str| format!("g{n}-{field}");
        let required = n == 1;
        view! {
            <fieldset>
                <legend>{i18n.fmt(Key::CampGuardianN, &[("n", &i18n.num(i64::from(n)))])}</legend>
                <label for=id("name")>{i18n.t(Key::FieldName)}</label>
                <input id=id("name") name=f("name") type="text" maxlength="100" required=required />
                <label for=id("phone")>{i18n.t(Key::CampPhone)}</label>
                <input id=id("phone") name=f("phone") type="tel" inputmode="tel" maxlength="20" required=required />
                <label for=id("relationship")>{i18n.t(Key::CampRelationship)}</label>
                <select id=id("relationship") name=f("relationship")>
                    {Relationship::ALL.iter().map(|r| view! { <option value=r.code()>{i18n.t(r.label())}</option> }).collect_view()}
                </select>
                <label class="choice">
                    <input type="checkbox" name=f("may_collect") value="on" checked=required />
                    {i18n.t(Key::CampMayCollect)}
                </label>
            </fieldset>
        }
    };
    view! {
        <FormError url=RegisterCamper::url() />
        <form class="stack narrow" method="post" action=RegisterCamper::url()>
            <input type="hidden" name="camp_id" value=camp_id />
            <label for="reg-group">{i18n.t(Key::CampGroup)}</label>
            <select id="reg-group" name="group_id" required>
                {groups.into_iter().map(|(gid, name)| view! { <option value=gid>{name}</option> }).collect_view()}
            </select>
            <label for="reg-name-km">{i18n.t(Key::FieldNameKhmer)}</label>
            <input id="reg-name-km" name="camper[name_km]" type="text" lang="km" maxlength="100" required />
            <label for="reg-name-latin">{i18n.t(Key::FieldNameLatin)}</label>
            <input id="reg-name-latin" name="camper[name_latin]" type="text" maxlength="100" required />
            <fieldset>
                <legend>{i18n.t(Key::FieldSex)}</legend>
                {Sex::ALL.iter().map(|s| view! {
                    <label class="choice">
                        <input type="radio" name="camper[sex]" value=s.code() required />
                        {i18n.t(s.label())}
                    </label>
                }).collect_view()}
            </fieldset>
            <label for="reg-born">{i18n.t(Key::FieldBornOn)}</label>
            <input id="reg-born" name="camper[born_on]" type="date" required />
            <label for="reg-diet">{i18n.t(Key::FieldDiet)}</label>
            <select id="reg-diet" name="camper[diet]">
                {Diet::ALL.iter().map(|d| view! { <option value=d.code()>{i18n.t(d.label())}</option> }).collect_view()}
            </select>
            <fieldset>
                <legend>{i18n.t(Key::FieldAllergies)}</legend>
                {Allergen::ALL.iter().map(|a| view! {
                    <label class="choice">
                        <input type="checkbox" name=format!("camper[allergies][{}]", a.code()) value="on" />
                        {i18n.t(a.label())}
                    </label>
                }).collect_view()}
            </fieldset>
            <label for="reg-medical">{i18n.t(Key::MedicalNote)}</label>
            <textarea id="reg-medical" name="camper[medical_note]" maxlength="2000" rows="2"></textarea>
            {guardian(1)}
            {guardian(2)}
            <button class="button" type="submit">{i18n.t(Key::CampRegisterButton)}</button>
        </form>
    }
}

/// `/camps/groups/:id`: a group's day on a phone.
#[component]
pub fn GroupDayPage() -> impl IntoView {
    let i18n = use_i18n();
    // The morning's marks go in the background, through the phone's outbox (`MarkSender`).
    use_islands();
    let id = id_param();
    let query = use_query_map();
    let key = move || (id(), query.read().get("day").unwrap_or_default());
    let data = Resource::new_blocking(key, |(id, day)| async move {
        match id {
            Some(id) => get_group_day(id, day).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=i18n.t(Key::CampDay) />
        <OfflineCopy />
        <p class="breadcrumb"><a href="/camps">{i18n.t(Key::CampsTitle)}</a></p>
        {page_data(data, |page| view! { <GroupDay page /> })}
    }
}

/// A child's row: its element id, for the page's anchors and the background marks.
pub fn row_id(camper_id: i64) -> String {
    format!("c{camper_id}")
}

/// A group's day, in words.
pub fn tally_text(i18n: I18n, tally: DayTally) -> String {
    i18n.fmt(
        Key::CampTally,
        &[
            ("on_site", &i18n.num(tally.on_site as i64)),
            ("absent", &i18n.num(tally.absent as i64)),
            ("left", &i18n.num(tally.left as i64)),
            ("unmarked", &i18n.num(tally.unmarked as i64)),
        ],
    )
}

/// What the background marks may be told, in words.
fn mark_texts(i18n: I18n) -> SendTexts {
    let refusals = [
        AppError::invalid("day", Key::ProblemCampNotADay),
        AppError::conflict(Key::ProblemCampAlreadyLeft),
        AppError::conflict(Key::ProblemCampNotCheckedIn),
    ];
    SendTexts::new(i18n, &refusals)
}

/// A row's state: its class (the value of the check-in button that gives it) and its words.
pub fn state(i18n: I18n, row: &DayRow) -> (&'static str, String) {
    match row.status {
        None => ("unmarked", i18n.t(Key::CampNotCheckedIn).to_owned()),
        Some(DayStatus::Collected) => (
            "left",
            i18n.fmt(
                Key::CampCollectedBy,
                &[("name", row.collected_by.as_deref().unwrap_or_default())],
            ),
        ),
        Some(status @ DayStatus::HandedOver) => ("left", i18n.t(status.label()).to_owned()),
        Some(status @ DayStatus::Present) => ("present", i18n.t(status.label()).to_owned()),
        Some(status @ DayStatus::Absent) => ("absent", i18n.t(status.label()).to_owned()),
    }
}

#[component]
fn GroupDay(page: GroupDayData) -> impl IntoView {
    let i18n = use_i18n();
    let group_id = page.group.id;
    let tally = DayTally::of(&page.rows);
    let can_mark = page.can_mark;
    let can_leave = super::model::leaves_on(page.camp.kind, &page.camp.rules, page.day);
    view! {
        <h1>{format!("{} · {}", page.group.name, page.camp.name)}</h1>
        <p class="today">{i18n.date_long(page.day)}</p>
        {(!page.group.monitors.is_empty()).then(|| view! {
            <p>{format!("{}: {}", i18n.t(Key::CampMonitors), page.group.monitors.join(", "))}</p>
        })}
        <SavedNotice message=Key::Saved />
        <FormError url=CampCheckIn::url() />
        <FormError url=CampAllPresent::url() />
        <FormError url=CampPickUp::url() />
        <FormError url=CampHandOver::url() />
        {(!super::model::is_camp_day(&page.camp.rules, page.day)).then(|| view! {
            <p class="notice">{i18n.t(Key::ProblemCampNotADay)}</p>
        })}
        <h2 id="programme">{i18n.t(Key::CampProgramme)}</h2>
        {if page.programme.is_empty() {
            view! { <p class="empty">{i18n.t(Key::CampNoProgramme)}</p> }.into_any()
        } else {
            view! {
                <ul class="programme">
                    {page.programme.iter().map(|a| view! {
                        <li>{format!("{}–{} · {} · {}", i18n.time(a.starts_at), i18n.time(a.ends_at), a.what, a.place)}</li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2 id="children">{i18n.t(Key::CampChildren)}</h2>
        <p class="tally" role="status">{tally_text(i18n, tally)}</p>
        // With JavaScript the morning's marks go in the background, kept on the phone while
        // the network is down; without, each is a form post. The pick-up needs the network:
        // only the server may let a child go.
        <MarkSender>
            <SendWords texts=mark_texts(i18n) marker=page.marker.clone() />
            {(can_mark && tally.unmarked > 0).then(|| view! {
                <form class="inline" method="post" action=CampAllPresent::url() data-mark="all">
                    <input type="hidden" name="group_id" value=group_id />
                    <button class="button big-button" type="submit">
                        {i18n.fmt(Key::CampAllPresent, &[("count", &i18n.num(tally.unmarked as i64))])}
                    </button>
                </form>
            })}
            <ul class="roll camp-day">
                {page.rows.into_iter().map(|row| view! { <ChildRow row group_id can_mark can_leave /> }).collect_view()}
            </ul>
        </MarkSender>
        {page.can_manage.then(|| view! { <ManageGroup group_id day=page.day monitors=page.monitors.clone() /> })}
    }
    .into_any()
}

/// For those who manage camps: an activity for the group's programme, and another monitor.
#[component]
fn ManageGroup(
    group_id: i64,
    day: chrono::NaiveDate,
    monitors: Vec<(i64, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="more">
            <summary>{i18n.t(Key::CampActivityNew)}</summary>
            <FormError url=AddCampActivity::url() />
            <form class="stack narrow" method="post" action=AddCampActivity::url()>
                <input type="hidden" name="group_id" value=group_id />
                <label for="act-day">{i18n.t(Key::FieldDate)}</label>
                <input id="act-day" name="day" type="date" value=day.to_string() required />
                <label for="act-starts">{i18n.t(Key::HomeworkStartsAt)}</label>
                <input id="act-starts" name="starts_at" type="time" value="08:00" required />
                <label for="act-ends">{i18n.t(Key::HomeworkEndsAt)}</label>
                <input id="act-ends" name="ends_at" type="time" value="09:00" required />
                <label for="act-what">{i18n.t(Key::CampActivity)}</label>
                <input id="act-what" name="what" type="text" maxlength="120" required />
                <label for="act-place">{i18n.t(Key::CampActivityPlace)}</label>
                <input id="act-place" name="place" type="text" maxlength="60" required />
                <button class="button" type="submit">{i18n.t(Key::Save)}</button>
            </form>
        </details>
        <details class="more">
            <summary>{i18n.t(Key::CampMonitorAdd)}</summary>
            <FormError url=AddCampMonitor::url() />
            <form class="inline" method="post" action=AddCampMonitor::url()>
                <input type="hidden" name="group_id" value=group_id />
                <label for="add-monitor">{i18n.t(Key::CampMonitor)}</label>
                <select id="add-monitor" name="monitor_id" required>
                    {monitors.into_iter().map(|(mid, name)| view! { <option value=mid>{name}</option> }).collect_view()}
                </select>
                <button class="button secondary" type="submit">{i18n.t(Key::Save)}</button>
            </form>
        </details>
    }
}

/// One child of a group's day: who they are, what they eat, and the marks of the moment:
/// check-in while not gone; once on site, the pick-up by one of their guardians on a day they
/// leave (`can_leave`: every day from a day camp, the last from a residential one).
#[component]
fn ChildRow(row: DayRow, group_id: i64, can_mark: bool, can_leave: bool) -> impl IntoView {
    let i18n = use_i18n();
    let (class_name, state_text) = state(i18n, &row);
    let camper_id = row.camper_id;
    let eats = eats(i18n, row.diet, &row.allergies);
    let gone = matches!(
        row.status,
        Some(DayStatus::Collected | DayStatus::HandedOver)
    );
    let pressed = move |s: DayStatus| (row.status == Some(s)).to_string();
    let no_guardians = row.guardians.is_empty();
    let (collectors, others): (Vec<_>, Vec<_>) =
        row.guardians.iter().cloned().partition(|g| g.may_collect);
    view! {
        <li id=row_id(camper_id) class=format!("roll-row {class_name}")>
            <span class="roll-name">
                {resident_name(i18n, &row.name_km, &row.name_latin)}
                {format!(" · {}", i18n.num(i64::from(row.age)))}
            </span>
            <span class="roll-state">{state_text}</span>
            {eats.map(|text| view! { <span class="badge diet">{format!("⚠ {text}")}</span> })}
            <details class="guardians">
                <summary>{i18n.t(Key::CampGuardians)}</summary>
                <ul>
                    {row.guardians.iter().map(|g| view! {
                        <li>
                            {format!("{} · {} · ", g.name, i18n.t(g.relationship.label()))}
                            <a href=format!("tel:{}", g.phone)>{g.phone.clone()}</a>
                            {(!g.may_collect).then(|| view! { <strong>{format!(" · {}", i18n.t(Key::CampMayNotCollect))}</strong> })}
                        </li>
                    }).collect_view()}
                </ul>
            </details>
            {(can_mark && !gone).then(|| view! {
                <form class="roll-marks" method="post" action=CampCheckIn::url() data-mark="row">
                    <input type="hidden" name="group_id" value=group_id />
                    <input type="hidden" name="camper_id" value=camper_id />
                    <button class="button present" type="submit" name="status" value="present" aria-pressed=pressed(DayStatus::Present)>{i18n.t(Key::CampStatusPresent)}</button>
                    <button class="button missing" type="submit" name="status" value="absent" aria-pressed=pressed(DayStatus::Absent)>{i18n.t(Key::CampStatusAbsent)}</button>
                </form>
            })}
            // Shown once the child is on site (by the row's class, which a mark sent in the
            // background changes too).
            {(can_mark && can_leave && !gone).then(|| view! {
                <details class="pick-up">
                    <summary>{i18n.t(Key::CampPickUp)}</summary>
                    {if no_guardians {
                        view! { <p class="hint">{i18n.t(Key::CampNoGuardians)}</p> }.into_any()
                    } else {
                        view! { <p class="hint">{i18n.t(Key::CampPickUpHint)}</p> }.into_any()
                    }}
                    {collectors.into_iter().map(|g| view! {
                        <form class="stack" method="post" action=CampPickUp::url()>
                            <input type="hidden" name="group_id" value=group_id />
                            <input type="hidden" name="camper_id" value=camper_id />
                            <input type="hidden" name="guardian_id" value=g.id />
                            <button class="button present collector" type="submit">
                                {format!("{} · {} · {}", g.name, i18n.t(g.relationship.label()), g.phone)}
                            </button>
                        </form>
                    }).collect_view()}
                    {others.into_iter().map(|g| view! {
                        <p class="notice warn">
                            {i18n.fmt(Key::CampNotToCollect, &[("name", &g.name), ("relationship", i18n.t(g.relationship.label()))])}
                        </p>
                    }).collect_view()}
                    <form class="stack" method="post" action=CampPickUp::url()>
                        <input type="hidden" name="group_id" value=group_id />
                        <input type="hidden" name="camper_id" value=camper_id />
                        <label for=format!("other-{camper_id}")>{i18n.t(Key::CampSomeoneElse)}</label>
                        <input id=format!("other-{camper_id}") name="other" type="text" maxlength="100" required />
                        <button class="button missing" type="submit">{i18n.t(Key::CampCheckSomeoneElse)}</button>
                    </form>
                    <form class="inline" method="post" action=CampHandOver::url()>
                        <input type="hidden" name="group_id" value=group_id />
                        <input type="hidden" name="camper_id" value=camper_id />
                        <button class="button secondary" type="submit">{i18n.t(Key::CampHandOver)}</button>
                    </form>
                </details>
            })}
        </li>
    }
}

/// `/camps/campers/:id`: a camper's file.
#[component]
pub fn CamperPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = resource_by_id(get_camper);
    view! {
        <Title text=i18n.t(Key::CampCamper) />
        <p class="breadcrumb"><a href="/camps">{i18n.t(Key::CampsTitle)}</a></p>
        {page_data(data, |page| view! { <CamperView page /> })}
    }
}

#[component]
fn CamperView(page: CamperData) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{resident_name(i18n, &page.name_km, &page.name_latin)}</h1>
        <p>{format!("{} · {} · {}", i18n.t(page.sex.label()), i18n.date_short(page.born_on), i18n.fmt(Key::CampAgeYears, &[("age", &i18n.num(i64::from(page.age)))]))}</p>
        {eats(i18n, page.diet, &page.allergies).map(|text| view! { <p class="badge diet">{format!("⚠ {text}")}</p> })}
        {page.resident_id.map(|id| view! {
            <p><a href=format!("/residents/{id}")>{i18n.t(Key::CampIsResident)}</a></p>
        })}
        {page.medical_note.clone().filter(|n| !n.is_empty()).map(|note| view! {
            <h2>{i18n.t(Key::MedicalNote)}</h2>
            <p class="note">{note}</p>
        })}
        <h2>{i18n.t(Key::CampGuardians)}</h2>
        <ul>
            {page.guardians.iter().map(|g| view! {
                <li class=if g.may_collect { "" } else { "warn" }>
                    {format!("{} · {} · {}", g.name, i18n.t(g.relationship.label()), g.phone)}
                    {(!g.may_collect).then(|| view! { <strong>{format!(" · {}", i18n.t(Key::CampMayNotCollect))}</strong> })}
                </li>
            }).collect_view()}
        </ul>
        <h2>{i18n.t(Key::CampsTitle)}</h2>
        <ListTable headers=vec![Key::CampName, Key::CampDates, Key::CampGroup]>
            {page.places.iter().map(|p| view! {
                <tr>
                    <td><a href=format!("/camps/{}", p.camp_id)>{p.camp.clone()}</a></td>
                    <td>{format!("{} – {}", i18n.date_short(p.starts_on), i18n.date_short(p.ends_on))}</td>
                    <td>{p.group.clone()}</td>
                </tr>
            }).collect_view()}
        </ListTable>
    }
    .into_any()
}

/// Children not collected by the end of their camp day: at the top of every staff page (and
/// first on the dashboard), until collected or handed over to house staff.
#[component]
pub fn UncollectedBanner() -> impl IntoView {
    let alerts = Resource::new_blocking(|| (), |_| uncollected_alerts());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                // Only staff get alerts; anyone else gets a refusal, and sees nothing here.
                let alerts = alerts.await.unwrap_or_default();
                (!alerts.is_empty()).then(|| view! { <UncollectedAlert alerts /> })
            })}
        </Suspense>
    }
}

/// The children not collected, each linked to their group's day where they are handed over.
#[component]
pub fn UncollectedAlert(alerts: Vec<Uncollected>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="alert uncollected-banner" role="alert">
            <p class="alert-title">{i18n.fmt(Key::CampUncollectedTitle, &[("count", &i18n.num(alerts.len() as i64))])}</p>
            <ul>
                {alerts.into_iter().map(|a| {
                    let due = i18n.fmt(Key::CampUncollectedDue, &[("due", &i18n.time(a.due)), ("day", &i18n.date_short(a.day))]);
                    view! {
                        <li>
                            <a href=format!("/camps/groups/{}?day={}#c{}", a.group_id, a.day, a.camper_id)>{resident_name(i18n, &a.name_km, &a.name_latin)}</a>
                            {format!(" · {} · {due}", a.group)}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Registering many children at once: a spreadsheet saved as CSV, previewed before anything
/// is registered.
#[component]
fn ImportForm(camp_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="more" id="import">
            <summary>{i18n.t(Key::CampImportTitle)}</summary>
            <p>{i18n.t(Key::CampImportExplain)}</p>
            <pre class="sample">"name_km,name_latin,sex,born_on,group,diet,allergies,medical_note,guardian1_name,guardian1_phone,guardian1_relationship,guardian1_may_collect"</pre>
            <FormError url=UploadCampers::url() />
            <form class="stack narrow" method="post" action=UploadCampers::url() enctype="multipart/form-data">
                <input type="hidden" name="camp_id" value=camp_id />
                <label for="campers-file">{i18n.t(Key::ImportFile)}</label>
                <input id="campers-file" name="file" type="file" accept=".csv,text/csv" required />
                <button class="button" type="submit">{i18n.t(Key::ImportCheck)}</button>
            </form>
        </details>
    }
}

/// `/camps/imports/:id`: a file of children, every row checked in words, then confirm.
#[component]
pub fn CamperImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = resource_by_id(get_camper_import);
    view! {
        <Title text=i18n.t(Key::CampImportTitle) />
        <p class="breadcrumb"><a href="/camps">{i18n.t(Key::CampsTitle)}</a></p>
        {page_data(data, |preview| view! { <ImportPreview preview /> })}
    }
}

#[component]
fn ImportPreview(preview: CamperImportPreview) -> impl IntoView {
    let i18n = use_i18n();
    let (new, known, skipped) = preview.counts();
    let summary = i18n.fmt(
        Key::CampImportSummary,
        &[
            ("new", &i18n.num(new as i64)),
            ("known", &i18n.num(known as i64)),
            ("skipped", &i18n.num(skipped as i64)),
        ],
    );
    let id = preview.id;
    view! {
        <p class="breadcrumb"><a href=format!("/camps/{}#campers", preview.camp_id)>{preview.camp.clone()}</a></p>
        <h1>{preview.file_name.clone()}</h1>
        {preview.confirmed.then(|| view! {
            <p class="form-saved" role="status">{i18n.fmt(Key::CampImportDone, &[("count", &i18n.num(preview.added))])}</p>
        })}
        <p class="tally">{summary}</p>
        {(!preview.confirmed && new + known > 0).then(|| view! {
            <FormError url=ConfirmCamperImport::url() />
            <form class="inline" method="post" action=ConfirmCamperImport::url()>
                <input type="hidden" name="id" value=id />
                <button class="button big-button" type="submit">
                    {i18n.fmt(Key::CampImportConfirm, &[("count", &i18n.num((new + known) as i64))])}
                </button>
            </form>
        })}
        <ListTable headers=vec![Key::ImportLine, Key::FieldName, Key::CampGroup, Key::ImportStatus]>
            {preview.rows.into_iter().map(|row| {
                let (class, words) = match &row.status {
                    CamperRowStatus::New => ("ready", i18n.t(Key::CampImportNew)),
                    CamperRowStatus::Known => ("ready", i18n.t(Key::CampImportKnown)),
                    CamperRowStatus::InCamp => ("skipped", i18n.t(Key::CampImportInCamp)),
                    CamperRowStatus::Repeated => ("skipped", i18n.t(Key::ImportRepeated)),
                    CamperRowStatus::Problem(problem) => ("refused", i18n.t(*problem)),
                };
                view! {
                    <tr class=format!("import-{class}")>
                        <td>{i18n.num(row.line as i64)}</td>
                        <td>{format!("{} · {}", row.name_km, row.name_latin)}</td>
                        <td>{row.group}</td>
                        <td>{words}</td>
                    </tr>
                }
            }).collect_view()}
        </ListTable>
    }
    .into_any()
}
