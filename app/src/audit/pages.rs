//! `/admin/audit`: the audit log for the admin, filtered by who, what and when, and paged.
//! The filters are a plain GET form, so the page works without the WASM.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::search_audit;
use super::history::{HistoryEntry, Reading, Vocabulary, fields_of, value_words, when_words};
use super::model::{AuditFilter, AuditPage};
use crate::base::i18n::{Key, use_i18n};
use crate::base::ui::{ListTable, page_data};

/// The filter the page's address asks for; anything unreadable is ignored.
fn filter_from_query(get: impl Fn(&str) -> Option<String>) -> AuditFilter {
    let date = |name: &str| get(name).and_then(|value| value.parse().ok());
    AuditFilter {
        who: get("who").filter(|who| !who.is_empty()),
        entity: get("entity").filter(|entity| !entity.is_empty()),
        record: get("record").filter(|record| !record.trim().is_empty()),
        from: date("from"),
        to: date("to"),
        security: get("security").is_some_and(|value| value == "1"),
        page: get("page")
            .and_then(|page| page.parse().ok())
            .unwrap_or(1)
            .max(1),
    }
}

/// The label of a kind of record, for the codes this version writes; others show as stored.
fn entity_label(code: &str) -> Option<Key> {
    match code {
        "staff_user" => Some(Key::AuditEntityStaffUser),
        "family" => Some(Key::AuditEntityFamily),
        "resident" => Some(Key::AuditEntityResident),
        "allocation" => Some(Key::AuditEntityAllocation),
        "absence" => Some(Key::AuditEntityAbsence),
        "roll_call" => Some(Key::AuditEntityRollCall),
        "roll_mark" => Some(Key::AuditEntityRollMark),
        "camper_roll_mark" => Some(Key::AuditEntityCamperRollMark),
        "camper" => Some(Key::AuditEntityCamper),
        "bed_loan" => Some(Key::AuditEntityBedLoan),
        "camp_place" => Some(Key::AuditEntityCampPlace),
        "camper_import" => Some(Key::AuditEntityCamperImport),
        "camp" => Some(Key::AuditEntityCamp),
        "camp_group" => Some(Key::AuditEntityCampGroup),
        "camp_monitor" => Some(Key::AuditEntityCampMonitor),
        "camp_activity" => Some(Key::AuditEntityCampActivity),
        "camp_guardian" => Some(Key::AuditEntityCampGuardian),
        "camp_day" => Some(Key::AuditEntityCampDay),
        "camp_pickup" => Some(Key::AuditEntityCampPickup),
        "building" => Some(Key::AuditEntityBuilding),
        "room" => Some(Key::AuditEntityRoom),
        "bed" => Some(Key::AuditEntityBed),
        "extra_heads" => Some(Key::AuditEntityExtraHeads),
        "meal_served" => Some(Key::AuditEntityMealServed),
        "menu_item" => Some(Key::AuditEntityMenuItem),
        "recipe" => Some(Key::AuditEntityRecipe),
        "recipe_line" => Some(Key::AuditEntityRecipeLine),
        "ingredient" => Some(Key::AuditEntityIngredient),
        "meal_service" => Some(Key::AuditEntityMealService),
        "canteen_setting" => Some(Key::AuditEntityCanteenSetting),
        "canteen" => Some(Key::AuditEntityCanteen),
        "homework_class" => Some(Key::AuditEntityHomeworkClass),
        "enrolment" => Some(Key::AuditEntityEnrolment),
        "homework_session" => Some(Key::AuditEntityHomeworkSession),
        "attendance" => Some(Key::AuditEntityAttendance),
        "homework_setting" => Some(Key::AuditEntityHomeworkSetting),
        "presence_setting" => Some(Key::AuditEntityPresenceSetting),
        "family_contact" => Some(Key::AuditEntityFamilyContact),
        "family_child" => Some(Key::AuditEntityFamilyChild),
        "visit_permission" => Some(Key::AuditEntityVisitPermission),
        "visit_day" => Some(Key::AuditEntityVisitDay),
        "visit_slot" => Some(Key::AuditEntityVisitSlot),
        "visit_blocked_date" => Some(Key::AuditEntityVisitBlockedDate),
        "visit_booking" => Some(Key::AuditEntityVisitBooking),
        "gate" => Some(Key::AuditEntityGate),
        "home_stay" => Some(Key::AuditEntityHomeStay),
        "request" => Some(Key::AuditEntityRequest),
        "audit_log" => Some(Key::AuditEntityAuditLog),
        "canteen_counts" => Some(Key::AuditEntityCanteenCounts),
        "shopping_list" => Some(Key::AuditEntityShoppingList),
        "homework_attendance" => Some(Key::AuditEntityHomeworkAttendance),
        _ => None,
    }
}

/// The label of an action, for the codes this version writes; others show as stored.
fn action_label(code: &str) -> Option<Key> {
    match code {
        "create" => Some(Key::AuditActionCreate),
        "add" => Some(Key::AuditActionAdd),
        "set" => Some(Key::AuditActionSet),
        "confirm" => Some(Key::AuditActionConfirm),
        "lend" => Some(Key::AuditActionLend),
        "give_back" => Some(Key::AuditActionGiveBack),
        "change_dates" => Some(Key::AuditActionChangeDates),
        "away_review" => Some(Key::AuditActionAwayReview),
        "update" => Some(Key::AuditActionUpdate),
        "delete" => Some(Key::AuditActionDelete),
        "end" => Some(Key::AuditActionEnd),
        "cancel" => Some(Key::AuditActionCancel),
        "restore" => Some(Key::AuditActionRestore),
        "disable" => Some(Key::AuditActionDisable),
        "reset_password" => Some(Key::AuditActionResetPassword),
        "reset_pin" => Some(Key::AuditActionResetPin),
        "assign" => Some(Key::AuditActionAssign),
        "move" => Some(Key::AuditActionMove),
        "release" => Some(Key::AuditActionRelease),
        "leave" => Some(Key::AuditActionLeave),
        "import" => Some(Key::AuditActionImport),
        "seed" => Some(Key::AuditActionSeed),
        "medical_note" => Some(Key::AuditActionMedicalNote),
        "safeguarding_note" => Some(Key::AuditActionSafeguardingNote),
        "link_sibling" => Some(Key::AuditActionLinkSibling),
        "unlink_sibling" => Some(Key::AuditActionUnlinkSibling),
        "return" => Some(Key::AuditActionReturn),
        "extend" => Some(Key::AuditActionExtend),
        "mark" => Some(Key::AuditActionMark),
        "mark_older" => Some(Key::AuditActionMarkOlder),
        "mark_discarded" => Some(Key::AuditActionMarkDiscarded),
        "all_present" => Some(Key::AuditActionAllPresent),
        "close" => Some(Key::AuditActionClose),
        "alert_resolved" => Some(Key::AuditActionAlertResolved),
        "in_service" => Some(Key::AuditActionInService),
        "out_of_service" => Some(Key::AuditActionOutOfService),
        "link" => Some(Key::AuditActionLink),
        "approval" => Some(Key::AuditActionApproval),
        "decide" => Some(Key::AuditActionDecide),
        "block" => Some(Key::AuditActionBlock),
        "unblock" => Some(Key::AuditActionUnblock),
        "approve" => Some(Key::AuditActionApprove),
        "refuse" => Some(Key::AuditActionRefuse),
        "reviewed" => Some(Key::AuditActionReviewed),
        "flag" => Some(Key::AuditActionFlag),
        "check_in" => Some(Key::AuditActionCheckIn),
        "check_out" => Some(Key::AuditActionCheckOut),
        "walk_in" => Some(Key::AuditActionWalkIn),
        "stop" => Some(Key::AuditActionStop),
        "hand_over" => Some(Key::AuditActionHandOver),
        "sign_in" => Some(Key::AuditActionSignIn),
        "sign_in_failed" => Some(Key::AuditActionSignInFailed),
        "lock" => Some(Key::AuditActionLock),
        "unlock" => Some(Key::AuditActionUnlock),
        "sign_out" => Some(Key::AuditActionSignOut),
        "refused" => Some(Key::AuditActionRefused),
        "read_note" => Some(Key::AuditActionReadNote),
        "export" => Some(Key::AuditActionExport),
        "view" => Some(Key::AuditActionView),
        _ => None,
    }
}

/// A stored code in words, when there are words for it.
fn in_words(i18n: crate::base::i18n::I18n, code: String, label: fn(&str) -> Option<Key>) -> String {
    match label(&code) {
        Some(key) => i18n.t(key).to_owned(),
        None => code,
    }
}

/// The address of `page` of the same filter.
fn page_href(filter: &AuditFilter, page: u32) -> String {
    use crate::base::fields::encode_query_value as enc;
    let mut query = vec![format!("page={page}")];
    if let Some(who) = &filter.who {
        query.push(format!("who={}", enc(who)));
    }
    if let Some(entity) = &filter.entity {
        query.push(format!("entity={}", enc(entity)));
    }
    if let Some(record) = &filter.record {
        query.push(format!("record={}", enc(record)));
    }
    if let Some(from) = filter.from {
        query.push(format!("from={from}"));
    }
    if let Some(to) = filter.to {
        query.push(format!("to={to}"));
    }
    if filter.security {
        query.push("security=1".into());
    }
    format!("/admin/audit?{}", query.join("&"))
}

/// `/admin/audit`.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = move || {
        let query = query.read();
        filter_from_query(|name| query.get(name))
    };
    let log = Resource::new_blocking(filter, search_audit);
    view! {
        <Title text=i18n.t(Key::AuditTitle) />
        <h1>{i18n.t(Key::AuditTitle)}</h1>
        {page_data(log, move |log| view! { <AuditView log filter=filter() /> })}
    }
}

/// One filter: anything (`any`), or one of `options` (value and label), `selected` chosen.
#[component]
fn FilterSelect(
    name: &'static str,
    label: Key,
    any: Key,
    options: Vec<(String, String)>,
    selected: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=name>{i18n.t(label)}</label>
            <select id=name name=name>
                <option value="">{i18n.t(any)}</option>
                {options
                    .into_iter()
                    .map(|(value, label)| {
                        let chosen = value == selected;
                        view! { <option value=value selected=chosen>{label}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

#[component]
fn AuditView(log: AuditPage, filter: AuditFilter) -> impl IntoView {
    let i18n = use_i18n();
    let pages = log.pages();
    let page = log.page;
    let date_value =
        |day: Option<chrono::NaiveDate>| day.map(|d| d.to_string()).unwrap_or_default();
    let actors = log
        .actors
        .into_iter()
        .map(|actor| (actor.who, actor.label))
        .collect();
    let entities = log
        .entities
        .into_iter()
        .map(|entity| {
            let label = in_words(i18n, entity.clone(), entity_label);
            (entity, label)
        })
        .collect();
    view! {
        <form class="filters" method="get" action="/admin/audit">
            <FilterSelect name="who" label=Key::AuditWho any=Key::AuditAnyone options=actors selected=filter.who.clone().unwrap_or_default() />
            <FilterSelect name="entity" label=Key::AuditEntity any=Key::AuditAnything options=entities selected=filter.entity.clone().unwrap_or_default() />
            <div class="field">
                <label for="record">{i18n.t(Key::AuditRecord)}</label>
                <input id="record" name="record" type="text" inputmode="numeric" maxlength="40" value=filter.record.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="from">{i18n.t(Key::AuditFrom)}</label>
                <input id="from" name="from" type="date" value=date_value(filter.from) />
            </div>
            <div class="field">
                <label for="to">{i18n.t(Key::AuditTo)}</label>
                <input id="to" name="to" type="date" value=date_value(filter.to) />
            </div>
            <label class="choice">
                <input type="checkbox" name="security" value="1" checked=filter.security />
                {i18n.t(Key::AuditSecurityOnly)}
            </label>
            <button class="button" type="submit">{i18n.t(Key::AuditApply)}</button>
        </form>
        <p class="count" role="status">
            {i18n.fmt(Key::AuditCount, &[("count", &i18n.num(log.total))])}
        </p>
        <ListTable
            class="audit"
            headers=vec![Key::AuditWhen, Key::AuditWho, Key::AuditEntity, Key::AuditAction, Key::AuditChange]
        >
                    {log
                        .entries
                        .into_iter()
                        .map(|entry| {
                            view! {
                                <tr>
                                    <td class="nowrap">{entry.at}</td>
                                    <td>{entry.actor_label}</td>
                                    <td>
                                        {format!(
                                            "{} #{}",
                                            in_words(i18n, entry.entity, entity_label),
                                            entry.entity_id,
                                        )}
                                    </td>
                                    <td>{in_words(i18n, entry.action, action_label)}</td>
                                    <td class="json">
                                        <Details before=entry.before after=entry.after />
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
        </ListTable>
        <nav class="pager" aria-label=i18n.t(Key::AuditPages)>
            {(page > 1)
                .then(|| {
                    view! { <a class="button" rel="prev" href=page_href(&filter, page - 1)>{i18n.t(Key::AuditNewer)}</a> }
                })}
            <span>{i18n.fmt(Key::AuditPageOf, &[("page", &i18n.num(i64::from(page))), ("pages", &i18n.num(i64::from(pages)))])}</span>
            {(page < pages)
                .then(|| {
                    view! { <a class="button" rel="next" href=page_href(&filter, page + 1)>{i18n.t(Key::AuditOlder)}</a> }
                })}
        </nav>
    }
}

/// A record's history, newest first, in the reader's words: when and by whom, what was done
/// (to which kind of record, when it is not the record itself), and each field that changed
/// from what to what. The admin also gets each entry's raw before and after behind
/// "details", and a link to the record in the audit log. `folded` puts it all behind one
/// toggle, for a record shown as a row of another's page (a contact, a booking).
#[component]
pub fn RecordHistory(
    entries: Vec<HistoryEntry>,
    vocabulary: Vocabulary,
    /// The record's own kind.
    entity: &'static str,
    /// Its id, for the admin's link to the audit log.
    id: i64,
    #[prop(optional)] folded: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let admin = entries.iter().any(|entry| entry.details.is_some());
    let count = entries.len();
    let list = if entries.is_empty() {
        view! { <p class="muted">{i18n.t(Key::AuditHistoryEmpty)}</p> }.into_any()
    } else {
        view! {
            <ol class="history">
                {entries.into_iter().map(|entry| history_entry(i18n, entry, vocabulary, entity)).collect_view()}
            </ol>
        }
        .into_any()
    };
    let log_link = admin.then(|| {
        view! {
            <p class="history-log">
                <a href=format!("/admin/audit?entity={entity}&record={id}")>{i18n.t(Key::AuditHistoryInLog)}</a>
            </p>
        }
    });
    if folded {
        view! {
            <details class="history-fold">
                <summary>{i18n.fmt(Key::AuditHistoryCount, &[("count", &i18n.num(count as i64))])}</summary>
                {list}
                {log_link}
            </details>
        }
        .into_any()
    } else {
        let heading = format!("history-{entity}-{id}");
        view! {
            <section class="history" aria-labelledby=heading.clone()>
                <h2 id=heading.clone()>{i18n.t(Key::AuditHistory)}</h2>
                {list}
                {log_link}
            </section>
        }
        .into_any()
    }
}

fn history_entry(
    i18n: crate::base::i18n::I18n,
    entry: HistoryEntry,
    vocabulary: Vocabulary,
    own: &'static str,
) -> impl IntoView + use<> {
    let fields = fields_of(vocabulary, &entry.entity);
    let mut what = in_words(i18n, entry.action, action_label);
    if entry.entity != own {
        what = format!("{} · {what}", in_words(i18n, entry.entity, entity_label));
    }
    let changes: Vec<_> = entry
        .changes
        .into_iter()
        .filter_map(|change| {
            let field = fields.iter().find(|f| f.key == change.field)?;
            let words =
                |value: Option<String>| value.map(|text| value_words(i18n, field.reading, &text));
            let (before, after) = (words(change.before), words(change.after));
            let shown = match (before, after) {
                _ if matches!(field.reading, Reading::Private) => {
                    i18n.t(Key::AuditHistoryChanged).to_owned()
                }
                (Some(before), Some(after)) => format!("{before} → {after}"),
                (None, Some(after)) => after,
                (Some(before), None) => format!("{before} → —"),
                (None, None) => "—".to_owned(),
            };
            let line = i18n.fmt(
                Key::AuditHistoryChange,
                &[("field", i18n.t(field.label)), ("value", &shown)],
            );
            Some(view! { <li>{line}</li> })
        })
        .collect();
    let (before, after) = entry.details.unwrap_or_default();
    view! {
        <li>
            <p class="history-head">
                <strong>{what}</strong>
                " "
                <span class="muted">
                    {when_words(i18n, &entry.at)}
                    " · "
                    {i18n.fmt(Key::AuditHistoryBy, &[("who", &entry.who)])}
                </span>
            </p>
            {(!changes.is_empty()).then(|| view! { <ul class="history-changes">{changes}</ul> })}
            <Details before after />
        </li>
    }
}

/// The raw before and after of an entry, behind a "details" toggle.
#[component]
pub fn Details(before: Option<String>, after: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    (before.is_some() || after.is_some()).then(|| {
        view! {
            <details class="details">
                <summary>{i18n.t(Key::AuditDetails)}</summary>
                {before.map(|before| view! { <code class="before">{before}</code> })}
                {after.map(|after| view! { <code class="after">{after}</code> })}
            </details>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_round_trips_the_filter_and_ignores_junk() {
        let filter = AuditFilter {
            who: Some("staff:3".into()),
            entity: Some("family".into()),
            record: Some("12".into()),
            from: "2026-11-01".parse().ok(),
            to: None,
            security: true,
            page: 2,
        };
        assert_eq!(
            page_href(&filter, 3),
            "/admin/audit?page=3&who=staff%3A3&entity=family&record=12&from=2026-11-01&security=1"
        );
        let query = [
            ("who", "staff:3"),
            ("entity", "family"),
            ("record", "12"),
            ("from", "2026-11-01"),
            ("to", "someday"),
            ("security", "1"),
            ("page", "2"),
        ];
        let get = |name: &str| {
            query
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        assert_eq!(filter_from_query(get), filter);
        assert_eq!(filter_from_query(|_| None).page, 1);
    }

    #[test]
    fn codes_this_version_writes_read_as_words_and_others_as_stored() {
        let i18n = crate::base::i18n::I18n {
            lang: crate::base::i18n::Lang::En,
        };
        assert_eq!(
            in_words(i18n, "staff_user".into(), entity_label),
            "Staff account"
        );
        assert_eq!(in_words(i18n, "reset_pin".into(), action_label), "New PIN");
        assert_eq!(
            in_words(i18n, "allocation".into(), entity_label),
            "Bed allocation"
        );
        assert_eq!(
            in_words(i18n, "move".into(), action_label),
            "Moved to another bed"
        );
        assert_eq!(
            in_words(i18n, "visit_booking".into(), entity_label),
            "Visit booking"
        );
        assert_eq!(in_words(i18n, "parcel".into(), entity_label), "parcel");
    }
}
