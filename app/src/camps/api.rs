//! Server functions of camps. Monitors see and mark the children of their own groups only
//! (any other group or child is not found to them); house staff and the admin see every camp
//! and manage camps, groups, programmes and registrations; other roles and families get 403.

use leptos::prelude::*;

use super::model::{
    CampForm, CampPage, CamperForm, CamperPage, CampsPage, GroupDayPage, Uncollected,
};
use crate::base::access::Role;
use crate::base::error::AppError;
use crate::base::ui::Marked;

#[cfg(feature = "ssr")]
use {
    super::model::{Activity, Group},
    super::record::DayMark,
    crate::base::access::CurrentStaff,
    crate::base::i18n::Key,
};

/// Who sees camps: monitors (their groups), house staff and admin (all).
pub const VIEW: [Role; 3] = [Role::Monitor, Role::HouseStaff, Role::Admin];
/// Who manages camps and registrations, and sees every group.
pub const MANAGE: [Role; 2] = [Role::HouseStaff, Role::Admin];

#[cfg(feature = "ssr")]
fn sees_all(staff: &CurrentStaff) -> bool {
    MANAGE.iter().any(|role| staff.has(*role))
}

/// Group `id` if the caller may see it: every group for those who manage camps, their own
/// for a monitor; any other is not found.
#[cfg(feature = "ssr")]
async fn visible_group(
    conn: &mut sqlx::SqliteConnection,
    staff: &CurrentStaff,
    id: i64,
) -> Result<Group, AppError> {
    if !sees_all(staff) && !super::repo::monitors_group(conn, staff.id, id).await? {
        return Err(AppError::NotFound);
    }
    super::repo::group(conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The camps (all for those who manage them; a monitor's own) and the caller's groups.
/// Monitors, house staff, admin.
#[server(endpoint = "get_camps")]
pub async fn get_camps() -> Result<CampsPage, AppError> {
    let staff = crate::base::guard::require(&VIEW).await?;
    let all = sees_all(&staff);
    let pool = crate::base::db::pool()?;
    let mut conn = pool.acquire().await?;
    let camps = super::repo::camps(&mut conn, (!all).then_some(staff.id)).await?;
    let groups = super::repo::groups(&mut conn, None, Some(staff.id)).await?;
    let my_groups = groups
        .into_iter()
        .map(|g| {
            let camp = camps
                .iter()
                .find(|c| c.id == g.camp_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            (g, camp)
        })
        .collect();
    drop(conn);
    let facilities = if all {
        match crate::centre::repo::centre_name(&pool).await? {
            Some((centre, _)) => crate::centre::repo::facilities(&pool, centre)
                .await?
                .into_iter()
                .map(|f| (f.id, f.name))
                .collect(),
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    Ok(CampsPage {
        camps,
        my_groups,
        facilities,
        can_manage: all,
        today: crate::base::clock::today_at_centre(),
    })
}

/// Adds a camp. House staff and admin.
#[server(endpoint = "create_camp")]
pub async fn create_camp(camp: CampForm) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    let checked = super::model::check_camp(&camp)?;
    let id = super::record::create_camp(&w.pool, &w.by, &checked).await?;
    crate::base::write::saved(&format!("/camps/{id}"))
}

/// A camp with its groups and campers. House staff and admin.
#[server(endpoint = "get_camp")]
pub async fn get_camp(id: i64) -> Result<CampPage, AppError> {
    crate::base::guard::require(&MANAGE).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let camp = super::repo::camp(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let groups = super::repo::groups(&mut conn, Some(id), None).await?;
    let campers = super::repo::campers_of(&mut conn, id, camp.rules.starts_on).await?;
    let monitors = crate::people::repo::holding(&mut conn, Role::Monitor).await?;
    let residents = super::repo::residents_for(&mut conn, &camp).await?;
    Ok(CampPage {
        residents,
        camp,
        groups,
        campers,
        monitors,
        today: crate::base::clock::today_at_centre(),
    })
}

/// Adds a group to a camp, with a first monitor when one is chosen. House staff and admin.
#[server(endpoint = "add_camp_group")]
pub async fn add_camp_group(
    camp_id: i64,
    name: String,
    #[server(default)] monitor_id: Option<i64>,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::invalid("name", Key::ProblemName));
    }
    super::record::add_group(&w.pool, &w.by, camp_id, name, monitor_id).await?;
    crate::base::write::saved(&format!("/camps/{camp_id}#groups"))
}

/// Makes a monitor of a group. House staff and admin.
#[server(endpoint = "add_camp_monitor")]
pub async fn add_camp_monitor(group_id: i64, monitor_id: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    super::record::add_monitor(&w.pool, &w.by, group_id, monitor_id).await?;
    crate::base::write::saved(&format!("/camps/groups/{group_id}"))
}

/// Adds an activity to a group's programme. House staff and admin.
#[server(endpoint = "add_camp_activity")]
pub async fn add_camp_activity(
    group_id: i64,
    day: String,
    starts_at: String,
    ends_at: String,
    place: String,
    what: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    let starts_at = crate::base::fields::time_field(&starts_at, "starts_at")?;
    let ends_at = crate::base::fields::time_field(&ends_at, "ends_at")?;
    if ends_at <= starts_at {
        return Err(AppError::invalid("ends_at", Key::ProblemEndsBeforeStart));
    }
    let text = |input: &str, most: usize, field: &str| {
        let input = input.trim();
        if input.is_empty() || input.chars().count() > most {
            Err(AppError::invalid(field, Key::ProblemTooLong))
        } else {
            Ok(input.to_owned())
        }
    };
    let activity = Activity {
        day,
        starts_at,
        ends_at,
        place: text(&place, 60, "place")?,
        what: text(&what, 120, "what")?,
    };
    super::record::add_activity(&w.pool, &w.by, group_id, &activity).await?;
    crate::base::write::saved(&format!("/camps/groups/{group_id}?day={day}#programme"))
}

/// Registers a child in a camp's group, with their guardians; a child who came before is
/// found, not entered again. House staff and admin.
#[server(endpoint = "register_camper")]
pub async fn register_camper(
    camp_id: i64,
    group_id: i64,
    camper: CamperForm,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    let (checked, guardians) = super::model::check_camper(&camper, w.today)?;
    super::record::register(
        &w.pool,
        &w.by,
        (camp_id, group_id),
        &checked,
        &guardians,
        w.now,
    )
    .await?;
    crate::base::write::saved(&format!("/camps/{camp_id}#register"))
}

/// Takes a spreadsheet of children for a camp, saved as CSV (the `file` field, with
/// `camp_id`), and opens its preview. Nothing is registered until the preview is confirmed.
/// House staff and admin.
#[server(endpoint = "upload_campers", input = server_fn::codec::MultipartFormData)]
pub async fn upload_campers(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    use crate::residents::import::{upload_fields, uploaded_text};

    let staff = crate::base::guard::require(&MANAGE).await?;
    let fields = upload_fields(data).await?;
    let camp_id = fields
        .iter()
        .find(|field| field.name == "camp_id")
        .and_then(|field| std::str::from_utf8(&field.bytes).ok())
        .and_then(|text| text.trim().parse::<i64>().ok())
        .ok_or(AppError::BadRequest)?;
    let (file_name, text) = uploaded_text(fields, "campers.csv")?;
    let id = super::record::store_import(
        &crate::base::db::pool()?,
        (camp_id, staff.id),
        (&file_name, &text),
        (
            crate::base::clock::today_at_centre(),
            chrono::Utc::now().timestamp(),
        ),
    )
    .await?;
    leptos_axum::redirect(&format!("/camps/imports/{id}"));
    Ok(())
}

/// An uploaded file of children: every row, and whether confirming registers them (new, or
/// found from an earlier camp), skips them or refuses them and why. House staff and admin.
#[server(endpoint = "get_camper_import")]
pub async fn get_camper_import(id: i64) -> Result<super::import::CamperImportPreview, AppError> {
    crate::base::guard::require(&MANAGE).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let today = crate::base::clock::today_at_centre();
    let (preview, _) = super::record::read_import(&mut conn, id, today)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(preview)
}

/// Registers the ready rows of an uploaded file, then shows the file again. House staff and
/// admin.
#[server(endpoint = "confirm_camper_import")]
pub async fn confirm_camper_import(id: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    super::record::confirm_import(&w.pool, &w.by, id, (w.today, w.now)).await?;
    crate::base::write::saved(&format!("/camps/imports/{id}"))
}

/// A resident joins a camp's group. House staff and admin.
#[server(endpoint = "camp_add_resident")]
pub async fn camp_add_resident(
    camp_id: i64,
    group_id: i64,
    resident_id: i64,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    let ids = (camp_id, group_id);
    super::record::join_resident(&w.pool, &w.by, ids, resident_id, w.now).await?;
    crate::base::write::saved(&format!("/camps/{camp_id}#register"))
}

/// A group's day (today's when no day is given): its programme, and its children as a
/// monitor sees them. Monitors (their groups), house staff, admin.
#[server(endpoint = "get_group_day")]
pub async fn get_group_day(
    group_id: i64,
    #[server(default)] day: String,
) -> Result<GroupDayPage, AppError> {
    let staff = crate::base::guard::require(&VIEW).await?;
    let today = crate::base::clock::today_at_centre();
    let day = crate::base::fields::date_field_or(&day, "day", today)?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let group = visible_group(&mut conn, &staff, group_id).await?;
    let camp = super::repo::camp(&mut conn, group.camp_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let programme = super::repo::programme(&mut conn, group_id, day).await?;
    let rows = super::repo::day_rows(&mut conn, group_id, day).await?;
    let can_manage = sees_all(&staff);
    let monitors = if can_manage {
        crate::people::repo::holding(&mut conn, Role::Monitor).await?
    } else {
        Vec::new()
    };
    Ok(GroupDayPage {
        marker: crate::base::ui::Marker::of(&staff),
        can_manage,
        monitors,
        can_mark: day == today && super::model::is_camp_day(&camp.rules, day),
        camp,
        group,
        day,
        today,
        programme,
        rows,
    })
}

/// Records a mark of today for a child of a group the caller may see, then goes back to the
/// group's page at `anchor` (a form post), or answers with the group's rows as now recorded
/// (a mark sent in the background).
#[cfg(feature = "ssr")]
async fn mark(group_id: i64, mark: DayMark, anchor: &str) -> Result<Marked, AppError> {
    use super::pages::{row_id, state, tally_text};

    let staff = crate::base::guard::require(&VIEW).await?;
    let pool = crate::base::db::pool()?;
    {
        let mut conn = pool.acquire().await?;
        visible_group(&mut conn, &staff, group_id).await?;
    }
    let by = crate::base::access::Writer::staff(&staff);
    let today = crate::base::clock::today_at_centre();
    let now_ms = crate::base::clock::now_ms();
    let recorded = super::record::mark_day(&pool, &by, (group_id, today), mark, now_ms).await?;
    leptos_axum::redirect(&crate::base::write::with_saved(&format!(
        "/camps/groups/{group_id}{anchor}"
    )));
    let i18n = crate::base::i18n::I18n {
        lang: crate::base::i18n::current_lang(),
    };
    let mut conn = pool.acquire().await?;
    let rows = super::repo::day_rows(&mut conn, group_id, today).await?;
    Ok(Marked {
        tally: tally_text(i18n, super::model::DayTally::of(&rows)),
        rows: rows
            .iter()
            .map(|row| {
                let (class, state) = state(i18n, row);
                crate::base::ui::MarkedRow {
                    id: row_id(row.camper_id),
                    class: class.to_owned(),
                    state,
                    pressed: row.status.map(|s| s.code()).unwrap_or_default().to_owned(),
                }
            })
            .collect(),
        recorded: recorded.code().to_owned(),
    })
}

/// Checks a child in (`present`) or marks them absent this morning. Monitors (their groups),
/// house staff, admin. A phone's outbox names the mark (`sent[mark_id]`, `sent[made_ms]`,
/// `sent[sent_ms]`): it is applied once, dated by when it was made.
#[server(endpoint = "camp_check_in")]
pub async fn camp_check_in(
    group_id: i64,
    camper_id: i64,
    status: String,
    #[server(default)] sent: crate::base::outbox::SentFields,
) -> Result<Marked, AppError> {
    let present = match status.as_str() {
        "present" => true,
        "absent" => false,
        _ => return Err(AppError::BadRequest),
    };
    let sent = sent.parse()?;
    let day_mark = DayMark::CheckIn {
        camper_id,
        present,
        sent,
    };
    mark(group_id, day_mark, &format!("#c{camper_id}")).await
}

/// Checks in every child of the group not marked yet. Monitors (their groups), house staff,
/// admin.
#[server(endpoint = "camp_all_present")]
pub async fn camp_all_present(group_id: i64) -> Result<Marked, AppError> {
    mark(group_id, DayMark::AllPresent, "").await
}

/// A child leaves with `guardian_id`, one of their guardians allowed to collect them; anyone
/// else (`guardian_id` empty, with what the monitor typed in `other`) is stopped and the
/// attempt audited. Monitors (their groups), house staff, admin.
#[server(endpoint = "camp_pick_up")]
pub async fn camp_pick_up(
    group_id: i64,
    camper_id: i64,
    #[server(default)] guardian_id: Option<i64>,
    #[server(default)] other: String,
) -> Result<(), AppError> {
    let other: String = other.trim().chars().take(100).collect();
    let day_mark = DayMark::PickUp {
        camper_id,
        guardian_id,
        other,
    };
    mark(group_id, day_mark, &format!("#c{camper_id}"))
        .await
        .map(|_| ())
}

/// Hands a child not collected over to house staff. Monitors (their groups), house staff,
/// admin.
#[server(endpoint = "camp_hand_over")]
pub async fn camp_hand_over(group_id: i64, camper_id: i64) -> Result<(), AppError> {
    mark(
        group_id,
        DayMark::HandOver { camper_id },
        &format!("#c{camper_id}"),
    )
    .await
    .map(|_| ())
}

/// A camper's file: details, guardians, camps over the years; the medical note for those who
/// read residents' (house staff, admin). House staff and admin.
#[server(endpoint = "get_camper")]
pub async fn get_camper(id: i64) -> Result<CamperPage, AppError> {
    let staff = crate::base::guard::require(&MANAGE).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let file = super::repo::camper(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sight = crate::residents::model::Sight::of(|role| staff.has(role));
    let today = crate::base::clock::today_at_centre();
    Ok(CamperPage {
        id,
        age: crate::residents::model::age_on(file.born_on, today),
        guardians: super::repo::guardians(&mut conn, id).await?,
        places: super::repo::places_of(&mut conn, id).await?,
        medical_note: sight.medical.then_some(file.medical_note),
        name_km: file.name_km,
        name_latin: file.name_latin,
        sex: file.sex,
        born_on: file.born_on,
        diet: file.diet,
        allergies: file.allergies,
        resident_id: file.resident_id,
    })
}

/// Children checked in at a day camp and not collected by the end of the camp day: at the top
/// of every staff page. The centre's staff see them all; a monitor, their groups' only.
#[server(endpoint = "uncollected_alerts")]
pub async fn uncollected_alerts() -> Result<Vec<Uncollected>, AppError> {
    let staff = crate::base::guard::require(&Role::ALL).await?;
    let everyone = Role::CENTRE.iter().any(|role| staff.has(*role));
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let now = crate::base::clock::now();
    Ok(super::repo::uncollected(&mut conn, now, (!everyone).then_some(staff.id)).await?)
}
