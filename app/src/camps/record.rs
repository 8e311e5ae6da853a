//! Changes to camps, each with its audit entry in the same transaction: camps, groups and
//! their monitors, programmes, registrations (places and age band held by the schema, also in
//! a race), check-in and pick-up. A pick-up refused is audited in a transaction of its own.

use chrono::{NaiveDate, NaiveTime};
use serde_json::json;
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::import::{CamperEntry, CamperImportPreview as Preview, read_rows};
use super::model::{
    Activity, DayStatus, NewCamp, NewCamper, NewGuardian, PlaceProblem, Stop, check_day_change,
    check_place, collector, is_camp_day, leaves_on,
};
use super::repo;
use crate::base::access::Writer;
use crate::base::audit::{Change, commit_with, record, record_alone};
use crate::base::clock::instant;
use crate::base::db::Refusal::{Missing, Rule, Unique};
use crate::base::db::{begin_write, on_constraint};
use crate::base::error::AppError;
use crate::base::i18n::Key;
use crate::base::outbox::{self, Dated, Recorded, Sent};

/// Maps the schema's refusals to the rules' answers.
fn camp_error(error: sqlx::Error) -> AppError {
    on_constraint(
        error,
        [
            (Rule("camp_full"), PlaceProblem::Full.into()),
            (Rule("camp_age"), PlaceProblem::Age.into()),
            (Rule("camp_not_a_collector"), Stop::NotAllowed.into()),
            (
                Rule("camp_day_outside"),
                AppError::invalid("day", Key::ProblemCampNotADay),
            ),
            (Unique(None), PlaceProblem::Already.into()),
            (Missing, AppError::NotFound),
        ],
    )
}

impl From<Stop> for AppError {
    fn from(stop: Stop) -> Self {
        AppError::conflict(stop.key())
    }
}

/// Adds a camp; returns its id.
pub async fn create_camp(pool: &SqlitePool, by: &Writer, camp: &NewCamp) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let id = repo::insert_camp(&mut tx, camp).await.map_err(camp_error)?;
    let after = json!({
        "name": camp.name, "facility_id": camp.facility_id, "kind": camp.kind.code(),
        "starts_on": camp.starts_on, "ends_on": camp.ends_on, "min_age": camp.min_age,
        "max_age": camp.max_age, "places": camp.places, "meals": camp.meals.0,
        "day_ends_at": camp.day_ends_at.format("%H:%M").to_string(),
    });
    commit_with(tx, &by.actor, Change::of("camp", id, "create", Some(after))).await?;
    Ok(id)
}

/// Adds a group to a camp, with a first monitor if one is named; returns its id.
pub async fn add_group(
    pool: &SqlitePool,
    by: &Writer,
    camp_id: i64,
    name: &str,
    monitor: Option<i64>,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let id = repo::insert_group(&mut tx, camp_id, name)
        .await
        .map_err(|e| {
            on_constraint(
                e,
                [
                    (
                        Unique(None),
                        AppError::invalid("name", Key::ProblemNameTaken),
                    ),
                    (Missing, AppError::NotFound),
                ],
            )
        })?;
    let after = json!({ "camp_id": camp_id, "name": name });
    record(
        &mut tx,
        &by.actor,
        Change::of("camp_group", id, "create", Some(after)),
    )
    .await?;
    if let Some(staff_id) = monitor {
        add_monitor_in(&mut tx, by, id, staff_id).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Makes a monitor of a group, in the caller's transaction. They must hold the monitor role.
async fn add_monitor_in(
    tx: &mut Transaction<'_, Sqlite>,
    by: &Writer,
    group_id: i64,
    staff_id: i64,
) -> Result<(), AppError> {
    if !crate::people::repo::holds(tx, staff_id, crate::base::access::Role::Monitor).await? {
        return Err(AppError::invalid("monitor_id", Key::ProblemMonitor));
    }
    if repo::add_monitor(tx, group_id, staff_id)
        .await
        .map_err(camp_error)?
    {
        let after = json!({ "staff_user_id": staff_id });
        let change = Change::of("camp_monitor", group_id, "add", Some(after));
        record(tx, &by.actor, change).await?;
    }
    Ok(())
}

/// Makes a monitor of a group.
pub async fn add_monitor(
    pool: &SqlitePool,
    by: &Writer,
    group_id: i64,
    staff_id: i64,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    add_monitor_in(&mut tx, by, group_id, staff_id).await?;
    Ok(tx.commit().await?)
}

/// Adds an activity to a group's programme, on a day of its camp.
pub async fn add_activity(
    pool: &SqlitePool,
    by: &Writer,
    group_id: i64,
    activity: &Activity,
) -> Result<(), AppError> {
    let mut tx = begin_write(pool).await?;
    let group = repo::group(&mut tx, group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let camp = repo::camp(&mut tx, group.camp_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !is_camp_day(&camp.rules, activity.day) {
        return Err(AppError::invalid("day", Key::ProblemCampNotADay));
    }
    let id = repo::insert_activity(&mut tx, group_id, activity).await?;
    let after = json!({
        "group_id": group_id, "day": activity.day,
        "starts_at": activity.starts_at.format("%H:%M").to_string(),
        "ends_at": activity.ends_at.format("%H:%M").to_string(),
        "place": activity.place, "what": activity.what,
    });
    let change = Change::of("camp_activity", id, "create", Some(after));
    Ok(commit_with(tx, &by.actor, change).await?)
}

/// Camp `camp_id` and its group `group_id`, read in the write: not found, or a group of another
/// camp refused as a choice that is not offered.
async fn camp_and_group(
    tx: &mut Transaction<'_, Sqlite>,
    (camp_id, group_id): (i64, i64),
) -> Result<(super::model::Camp, super::model::Group), AppError> {
    let camp = repo::camp(tx, camp_id).await?.ok_or(AppError::NotFound)?;
    let group = repo::group(tx, group_id)
        .await?
        .filter(|g| g.camp_id == camp_id)
        .ok_or(AppError::invalid("group_id", Key::ProblemChoice))?;
    Ok((camp, group))
}

/// Enters a child who never came to a camp (the resident they are, if one), with its audit
/// entry; returns their id.
async fn enter_camper(
    tx: &mut Transaction<'_, Sqlite>,
    by: &Writer,
    camper: &NewCamper,
    resident_id: Option<i64>,
    now: i64,
) -> Result<i64, AppError> {
    let id = repo::insert_camper(tx, camper, resident_id, (by.staff_id, now))
        .await
        .map_err(camp_error)?;
    let after = json!({
        "name_km": camper.name_km, "name_latin": camper.name_latin,
        "sex": camper.sex.code(), "born_on": camper.born_on, "diet": camper.diet.code(),
        "allergies": crate::residents::model::Allergen::join(&camper.allergies),
        "resident_id": resident_id,
    });
    record(
        tx,
        &by.actor,
        Change::of("camper", id, "create", Some(after)),
    )
    .await?;
    Ok(id)
}

/// Registers a child in a camp's group: the camper is found by Latin name and date of birth if
/// they came before (never entered twice; their guardians typed now are added or updated), or
/// entered. The place is checked on fresh figures inside the write, and the schema checks it
/// again, so the last place goes to one of two staff taking it at once. Returns the camper.
pub async fn register(
    pool: &SqlitePool,
    by: &Writer,
    (camp_id, group_id): (i64, i64),
    camper: &NewCamper,
    guardians: &[NewGuardian],
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let (camp, group) = camp_and_group(&mut tx, (camp_id, group_id)).await?;
    let existing = repo::camper_by_identity(&mut tx, &camper.name_latin, camper.born_on).await?;
    let camper_id = match existing {
        Some(id) => id,
        None => enter_camper(&mut tx, by, camper, None, now).await?,
    };
    for guardian in guardians {
        if repo::upsert_guardian(&mut tx, camper_id, guardian).await? {
            let after = json!({
                "name": guardian.name, "phone": guardian.phone,
                "relationship": guardian.relationship.code(), "may_collect": guardian.may_collect,
            });
            let change = Change::of("camp_guardian", camper_id, "set", Some(after));
            record(&mut tx, &by.actor, change).await?;
        }
    }
    // Found by name and date of birth, or entered now: born on the day given either way.
    take_place(tx, by, (&camp, group.id), (camper_id, camper.born_on), now).await
}

/// Gives camper `camper_id` (born on `born_on`) a place in `camp`'s group `group_id`, checked
/// on fresh figures inside the caller's write and again by the schema, with its audit entry;
/// commits, and returns the camper.
async fn take_place(
    mut tx: Transaction<'static, Sqlite>,
    by: &Writer,
    (camp, group_id): (&super::model::Camp, i64),
    (camper_id, born_on): (i64, NaiveDate),
    now: i64,
) -> Result<i64, AppError> {
    let camp_id = camp.id;
    let (taken, already) = repo::places_taken(&mut tx, camp_id, camper_id).await?;
    check_place(&camp.rules, taken, already, born_on)?;
    repo::insert_place(&mut tx, (camp_id, group_id, camper_id), (by.staff_id, now))
        .await
        .map_err(camp_error)?;
    let after = json!({ "camp_id": camp_id, "group_id": group_id, "camper_id": camper_id });
    let change = Change::of(
        "camp_place",
        format!("{camp_id}/{camper_id}"),
        "create",
        Some(after),
    );
    commit_with(tx, &by.actor, change).await?;
    Ok(camper_id)
}

/// A resident joins a camp's group: the camper they are (found by their record, or by name and
/// date of birth if they came to a camp before they were admitted, or entered from their
/// record: names, sex, date of birth, diet and allergies; their medical note stays on their
/// file). Places and age band are held as for any child. Returns the camper.
pub async fn join_resident(
    pool: &SqlitePool,
    by: &Writer,
    (camp_id, group_id): (i64, i64),
    resident_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    let (camp, group) = camp_and_group(&mut tx, (camp_id, group_id)).await?;
    let resident = crate::residents::repo::resident(&mut tx, resident_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if resident.left.is_some() {
        return Err(AppError::conflict(Key::ProblemResidentLeft));
    }
    let f = &resident.fields;
    let camper_id = match repo::camper_of_resident(&mut tx, resident_id).await? {
        Some(id) => id,
        None => match repo::camper_by_identity(&mut tx, &f.name_latin, f.born_on).await? {
            Some(id) => {
                repo::link_resident(&mut tx, id, resident_id).await?;
                let after = json!({ "resident_id": resident_id });
                record(
                    &mut tx,
                    &by.actor,
                    Change::of("camper", id, "link", Some(after)),
                )
                .await?;
                id
            }
            None => {
                let camper = NewCamper {
                    name_km: f.name_km.clone(),
                    name_latin: f.name_latin.clone(),
                    sex: f.sex,
                    born_on: f.born_on,
                    diet: f.diet,
                    allergies: f.allergies.clone(),
                    medical_note: String::new(),
                };
                enter_camper(&mut tx, by, &camper, Some(resident_id), now).await?
            }
        },
    };
    take_place(tx, by, (&camp, group.id), (camper_id, f.born_on), now).await
}

/// What a mark of a group's day does.
pub enum DayMark {
    /// One camper checked in present, or marked absent; with its id and times when a phone
    /// sent it from its outbox (`base::outbox`), dated now otherwise.
    CheckIn {
        camper_id: i64,
        present: bool,
        sent: Option<Sent>,
    },
    /// Present for every camper of the group not marked yet, chosen inside the transaction so
    /// a mark just made is never overwritten.
    AllPresent,
    /// Collected by one of their guardians (`Some`: the guardian's id; `None`: someone not
    /// among them). Anyone not allowed is stopped and the attempt audited.
    PickUp {
        camper_id: i64,
        guardian_id: Option<i64>,
        /// What the monitor typed of someone not on the list.
        other: String,
    },
    /// Handed over to house staff, not collected at the end of the day.
    HandOver { camper_id: i64 },
}

/// Audits a pick-up stopped: in its own transaction, so the record stays whatever happens to
/// the request.
async fn stop(
    pool: &SqlitePool,
    by: &Writer,
    (camp_id, day, camper_id): (i64, NaiveDate, i64),
    (guardian_id, other, why): (Option<i64>, &str, Stop),
) -> AppError {
    let after = json!({
        "camp_id": camp_id, "day": day, "camper_id": camper_id,
        "guardian_id": guardian_id, "named": other, "why": why.code(),
    });
    let change = Change::of("camp_pickup", camper_id, "stop", Some(after));
    match record_alone(pool, &by.actor, change).await {
        Ok(()) => why.into(),
        Err(error) => error.into(),
    }
}

/// Refused as not found unless `camper_id` is in group `group_id`: whatever ids are sent, a
/// monitor reaches only the children of their groups.
async fn in_group(
    tx: &mut Transaction<'_, Sqlite>,
    group_id: i64,
    camper_id: i64,
) -> Result<(), AppError> {
    repo::in_group(tx, group_id, camper_id)
        .await?
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// Records a mark of group `group_id`'s day `day`: only campers of that group, only on a day
/// of its camp. Each change is audited with what it replaces. A check-in a phone sent from
/// its outbox is applied once, and only if no mark made later stands (`base::outbox`); a
/// child who has left keeps their day. `now_ms`: Unix milliseconds.
pub async fn mark_day(
    pool: &SqlitePool,
    by: &Writer,
    (group_id, day): (i64, NaiveDate),
    mark: DayMark,
    now_ms: i64,
) -> Result<Recorded, AppError> {
    let now = now_ms.div_euclid(1000);
    let mut tx = begin_write(pool).await?;
    let group = repo::group(&mut tx, group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let camp_id = group.camp_id;
    if let DayMark::CheckIn {
        camper_id,
        present,
        sent: Some(sent),
    } = &mark
    {
        if outbox::repo::taken(&mut tx, &sent.id).await? {
            return Ok(Recorded::Already);
        }
        if sent.discard {
            in_group(&mut tx, group_id, *camper_id).await?;
            let entity_id = format!("{camp_id}/{day}/{camper_id}");
            let what = json!({ "status": if *present { "present" } else { "absent" } });
            return outbox::discard(tx, by, sent, ("camp_day", entity_id), (what, now)).await;
        }
    }
    let camp = repo::camp(&mut tx, camp_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !is_camp_day(&camp.rules, day) {
        return Err(AppError::invalid("day", Key::ProblemCampNotADay));
    }
    let (changes, sent): (Vec<(i64, DayStatus)>, Option<&Sent>) = match &mark {
        DayMark::CheckIn {
            camper_id,
            present,
            sent,
        } => {
            in_group(&mut tx, group_id, *camper_id).await?;
            let to = if *present {
                DayStatus::Present
            } else {
                DayStatus::Absent
            };
            (vec![(*camper_id, to)], sent.as_ref())
        }
        DayMark::AllPresent => {
            let unmarked = repo::day_rows(&mut tx, group_id, day)
                .await?
                .into_iter()
                .filter(|row| row.status.is_none())
                .map(|row| (row.camper_id, DayStatus::Present))
                .collect();
            (unmarked, None)
        }
        DayMark::PickUp { .. } | DayMark::HandOver { .. }
            if !leaves_on(camp.kind, &camp.rules, day) =>
        {
            return Err(AppError::conflict(Key::ProblemCampStaysTheNight));
        }
        DayMark::PickUp {
            camper_id,
            guardian_id,
            other,
        } => {
            in_group(&mut tx, group_id, *camper_id).await?;
            let guardians = repo::guardians(&mut tx, *camper_id).await?;
            if let Err(why) = collector(&guardians, *guardian_id) {
                drop(tx);
                let key = (camp_id, day, *camper_id);
                return Err(stop(pool, by, key, (*guardian_id, other, why)).await);
            }
            (vec![(*camper_id, DayStatus::Collected)], None)
        }
        DayMark::HandOver { camper_id } => {
            in_group(&mut tx, group_id, *camper_id).await?;
            (vec![(*camper_id, DayStatus::HandedOver)], None)
        }
    };
    // Not before the camp day began, nor after now.
    let dated = sent.map_or(Dated::arriving(now), |sent| {
        sent.dated(instant(day, NaiveTime::MIN), now_ms)
    });
    let mut recorded = Recorded::Applied;
    for (camper_id, to) in changes {
        let key = (camp_id, day, camper_id);
        let entity_id = format!("{camp_id}/{day}/{camper_id}");
        let before = repo::day_mark(&mut tx, key).await?;
        let from = before.map(|(status, ..)| status);
        let checking_in = matches!(to, DayStatus::Present | DayStatus::Absent);
        // A morning's mark stands if made after the one it would replace, and after the child
        // left if they have.
        let current =
            before.map(|(_, marked_at, left_at)| marked_at.max(left_at.unwrap_or(marked_at)));
        let applied =
            !checking_in || outbox::stands(dated, sent.is_some_and(|s| s.all_present), current);
        if let Some(sent) = sent {
            let receipt = outbox::repo::Receipt {
                sent,
                entity: "camp_day",
                entity_id: &entity_id,
                staff_id: by.staff_member()?,
                dated_at: dated.at,
                received_at: now,
                applied,
            };
            outbox::repo::take(&mut tx, &receipt).await?;
        }
        if applied && from == Some(to) {
            continue;
        }
        let mut after = json!({ "status": to.code() });
        if let Some(sent) = sent {
            sent.audit_into(&mut after, dated.at, now);
        }
        if applied {
            check_day_change(from, to)?;
            let who = (by.staff_id, dated.at);
            if checking_in {
                repo::set_checked_in(&mut tx, key, to == DayStatus::Present, who).await?;
            } else {
                let guardian = match &mark {
                    DayMark::PickUp { guardian_id, .. } => *guardian_id,
                    _ => None,
                };
                after["guardian_id"] = json!(guardian);
                repo::set_left(&mut tx, key, guardian, (by.staff_id, now))
                    .await
                    .map_err(camp_error)?;
            }
        } else {
            recorded = Recorded::Older;
        }
        let change = Change {
            entity: "camp_day",
            entity_id,
            action: if applied { "mark" } else { "mark_older" },
            before: from.map(|s| json!({ "status": s.code() })),
            after: Some(after),
        };
        record(&mut tx, &by.actor, change).await?;
    }
    tx.commit().await?;
    Ok(recorded)
}

/// Keeps a file of children uploaded by staff member `by` for `camp_id`, for its preview; a
/// file the preview could not show is refused now and not kept. Returns its id.
pub async fn store_import(
    pool: &SqlitePool,
    (camp_id, by): (i64, i64),
    (file_name, text): (&str, &str),
    (today, now): (NaiveDate, i64),
) -> Result<i64, AppError> {
    let mut tx = begin_write(pool).await?;
    repo::camp(&mut tx, camp_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = repo::insert_import(&mut tx, camp_id, (by, now), file_name, text).await?;
    read_import(&mut tx, id, today).await?;
    tx.commit().await?;
    Ok(id)
}

/// Reads a stored file of children against today's records: the preview, with what each
/// ready row registers. `None` when there is no such file.
pub async fn read_import(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    today: NaiveDate,
) -> Result<Option<(Preview, Vec<CamperEntry>)>, AppError> {
    use crate::residents::import::parse_csv;
    let Some(stored) = repo::import(conn, id).await? else {
        return Ok(None);
    };
    let camp = repo::camp(conn, stored.camp_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let groups: Vec<(i64, String)> = repo::groups(conn, Some(camp.id), None)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let identities = repo::identities(conn, camp.id).await?;
    let known = |name: &str, born_on: NaiveDate| {
        let name = name.to_lowercase();
        identities
            .iter()
            .find(|(n, b, _)| *n == name && *b == born_on)
            .map_or((false, false), |(_, _, in_camp)| (true, *in_camp))
    };
    let records = parse_csv(&stored.csv)?;
    let (rows, entries): (Vec<_>, Vec<_>) =
        read_rows(&records, (&groups, &camp.rules), today, known)?
            .into_iter()
            .unzip();
    let preview = Preview {
        id,
        camp_id: camp.id,
        camp: camp.name,
        file_name: stored.file_name,
        rows,
        confirmed: stored.confirmed,
        added: stored.added,
    };
    Ok(Some((preview, entries.into_iter().flatten().collect())))
}

/// Registers the ready rows of a confirmed file, each as the form registers a child (in its
/// own transaction, audited), until the camp is full; then marks the file done with how many
/// it registered. A file confirmed already registers nothing again. Returns that count.
pub async fn confirm_import(
    pool: &SqlitePool,
    by: &Writer,
    id: i64,
    (today, now): (NaiveDate, i64),
) -> Result<i64, AppError> {
    let mut conn = pool.acquire().await?;
    let (preview, entries) = read_import(&mut conn, id, today)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    if preview.confirmed {
        return Ok(preview.added);
    }
    let mut added = 0;
    for entry in &entries {
        let place = (preview.camp_id, entry.group_id);
        match register(pool, by, place, &entry.camper, &entry.guardians, now).await {
            Ok(_) => added += 1,
            Err(error) if error == PlaceProblem::Full.into() => break,
            // Registered since the preview (by hand, or another confirmation): skipped.
            Err(error) if error == PlaceProblem::Already.into() => {}
            Err(error) => return Err(error),
        }
    }
    let mut tx = begin_write(pool).await?;
    if repo::set_import_done(&mut tx, id, now, added).await? {
        let change = Change::of(
            "camper_import",
            id,
            "confirm",
            Some(json!({ "added": added })),
        );
        commit_with(tx, &by.actor, change).await?;
    }
    Ok(added)
}
