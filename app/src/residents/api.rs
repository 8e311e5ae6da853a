//! Server functions of residents. Each starts with its guard: every staff role reads names
//! and diets; house staff and admin change records; only house staff and admin receive the
//! medical note, and only the social team and admin the safeguarding note.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::ResidentRow;
#[cfg(feature = "ssr")]
use crate::base::access::Role;
use crate::base::error::AppError;

/// Who may change residents, beds and presence.
#[cfg(feature = "ssr")]
pub const HOUSE: [Role; 2] = [Role::HouseStaff, Role::Admin];

/// A search's results, and whether the caller may add residents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentList {
    /// The residents found, current ones first.
    pub rows: Vec<ResidentRow>,
    /// Whether the caller may admit residents.
    pub can_edit: bool,
}

/// Residents whose name in either script contains `q`; those who left only when asked.
/// Every staff role.
#[server(endpoint = "search_residents")]
pub async fn search_residents(
    #[server(default)] q: String,
    #[server(default)] left: Option<String>,
) -> Result<ResidentList, AppError> {
    use crate::base::clock::today_at_centre;

    let staff = crate::base::guard::require(&Role::CENTRE).await?;
    let can_edit = HOUSE.iter().any(|role| staff.has(*role));
    let (include_left, today) = (left.is_some(), today_at_centre());
    let state = crate::base::db::state()?;
    let search = |pool: &sqlx::SqlitePool, q: String| {
        let pool = pool.clone();
        async move {
            let mut conn = pool.acquire().await?;
            super::repo::search(&mut conn, &q, include_left, today).await
        }
    };
    if !q.trim().is_empty() {
        let rows = search(&state.pool, q).await?;
        return Ok(ResidentList { rows, can_edit });
    }
    // The whole list, as the page first opens: read once per change to residents and beds,
    // and shared.
    let stamp = state.changes.stamp_of(crate::base::changes::Topics::BEDS);
    let key = format!("residents list {include_left}");
    let rows = state
        .changes
        .memo(&key, &stamp, || search(&state.pool, String::new()))
        .await?;
    Ok(ResidentList {
        rows: rows.as_ref().clone(),
        can_edit,
    })
}

/// Today's date for the admission form. House staff and admin.
#[server(endpoint = "new_resident_form")]
pub async fn new_resident_form() -> Result<chrono::NaiveDate, AppError> {
    crate::base::guard::require(&HOUSE).await?;
    Ok(crate::base::clock::today_at_centre())
}

/// Current residents without a bed, longest waiting first. Every staff role.
#[server(endpoint = "waiting_list")]
pub async fn waiting_list() -> Result<Vec<ResidentRow>, AppError> {
    crate::base::guard::require(&Role::CENTRE).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let today = crate::base::clock::today_at_centre();
    Ok(super::repo::waiting_list(&mut conn, today).await?)
}

/// The resident form as posted: fields named `resident[name_km]`, `resident[allergies][fish]`...
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentForm {
    /// Name in Khmer script.
    pub name_km: String,
    /// Name in Latin letters.
    pub name_latin: String,
    /// `f` or `m`.
    #[serde(default)]
    pub sex: String,
    /// Date of birth.
    pub born_on: String,
    /// School grade.
    #[serde(default)]
    pub grade: String,
    /// `boarding_school` or `residence`.
    pub programme: String,
    /// Admission date.
    pub admitted_on: String,
    /// A diet code.
    #[serde(default)]
    pub diet: String,
    /// The ticked allergy boxes, by allergen code.
    #[serde(default)]
    pub allergies: std::collections::BTreeMap<String, String>,
}

#[cfg(feature = "ssr")]
impl ResidentForm {
    /// Checks the form on today's date; the first problem is the answer.
    fn checked(self) -> Result<super::model::ResidentFields, AppError> {
        let input = super::model::ResidentInput {
            name_km: self.name_km,
            name_latin: self.name_latin,
            sex: self.sex,
            born_on: self.born_on,
            grade: self.grade,
            programme: self.programme,
            admitted_on: self.admitted_on,
            diet: self.diet,
            allergies: self.allergies.into_keys().collect::<Vec<_>>().join(","),
        };
        super::model::check_resident(&input, crate::base::clock::today_at_centre())
            .map_err(|problems| problems[0].into())
    }
}

/// Admits a resident and opens their page. House staff and admin.
#[server(endpoint = "create_resident")]
pub async fn create_resident(resident: ResidentForm) -> Result<(), AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    let fields = resident.checked()?;
    let id = super::record::admit(&w.pool, &w.by, &fields).await?;
    crate::base::write::saved(&format!("/residents/{id}"))
}

/// Changes a resident's details. House staff and admin.
#[server(endpoint = "update_resident")]
pub async fn update_resident(id: i64, resident: ResidentForm) -> Result<(), AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    let fields = resident.checked()?;
    super::record::edit(&w.pool, &w.by, id, &fields).await?;
    crate::base::write::saved(&format!("/residents/{id}"))
}

/// Replaces the medical note. House staff and admin.
#[server(endpoint = "set_medical_note")]
pub async fn set_medical_note(id: i64, note: String) -> Result<(), AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    let note = super::model::check_note(&note)?;
    super::record::set_note(&w.pool, &w.by, id, super::model::Note::Medical, &note).await?;
    crate::base::write::saved(&format!("/residents/{id}"))
}

/// Replaces the safeguarding note. Social team and admin.
#[server(endpoint = "set_safeguarding_note")]
pub async fn set_safeguarding_note(id: i64, note: String) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::SocialTeam, Role::Admin]).await?;
    let note = super::model::check_note(&note)?;
    super::record::set_note(&w.pool, &w.by, id, super::model::Note::Safeguarding, &note).await?;
    crate::base::write::saved(&format!("/residents/{id}"))
}

/// Links two residents as siblings. House staff and admin.
#[server(endpoint = "link_sibling")]
pub async fn link_sibling(id: i64, other: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    super::record::link_siblings(&w.pool, &w.by, id, other).await?;
    crate::base::write::saved(&format!("/residents/{id}#siblings"))
}

/// Takes a resident out of their sibling group. House staff and admin.
#[server(endpoint = "unlink_sibling")]
pub async fn unlink_sibling(id: i64, back: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    super::record::unlink_sibling(&w.pool, &w.by, id).await?;
    crate::base::write::saved(&format!("/residents/{back}#siblings"))
}

/// Takes a spreadsheet saved as CSV (the `file` field) and opens its preview. Nothing is
/// added until the preview is confirmed. House staff and admin.
#[server(endpoint = "upload_import", input = server_fn::codec::MultipartFormData)]
pub async fn upload_import(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    use super::import::{parse_csv, read_rows, upload_fields, uploaded_text};

    let staff = crate::base::guard::require(&HOUSE).await?;
    let (name, text) = uploaded_text(upload_fields(data).await?, "residents.csv")?;
    // A file the preview could not show is refused now, on the upload page.
    read_rows(&parse_csv(&text)?, crate::base::clock::today_at_centre())?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let now = chrono::Utc::now().timestamp();
    let id = super::repo::insert_import(&mut conn, staff.id, now, &name, &text).await?;
    leptos_axum::redirect(&format!("/residents/import/{id}"));
    Ok(())
}

/// An uploaded file's preview: every row, and whether it will be added, skipped as already
/// recorded, or refused and why. House staff and admin.
#[server(endpoint = "get_import")]
pub async fn get_import(id: i64) -> Result<super::import::ImportPreview, AppError> {
    use super::import::{ImportPreview, RowStatus, parse_csv, read_rows};

    crate::base::guard::require(&HOUSE).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let stored = super::repo::import(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = crate::base::clock::today_at_centre();
    let mut rows = Vec::new();
    for (mut row, fields) in read_rows(&parse_csv(&stored.csv)?, today)? {
        if let Some(fields) = fields
            && super::repo::find_by_identity(&mut conn, &fields.name_latin, fields.born_on)
                .await?
                .is_some()
        {
            row.status = RowStatus::Recorded;
        }
        rows.push(row);
    }
    Ok(ImportPreview {
        id,
        file_name: stored.file_name,
        rows,
        confirmed: stored.confirmed,
    })
}

/// Runs a confirmed import: `step` rows at a time when the page shows a progress bar, all of
/// them at once from a plain form (then back to the preview). House staff and admin.
#[server(endpoint = "confirm_import")]
pub async fn confirm_import(
    id: i64,
    #[server(default)] step: Option<usize>,
) -> Result<super::import::ImportProgress, AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    if step.is_some_and(|rows| !(1..=super::import::MAX_STEP_ROWS).contains(&rows)) {
        return Err(AppError::invalid(
            "step",
            crate::base::i18n::Key::ProblemImportStep,
        ));
    }
    let progress = super::record::import_step(&w.pool, &w.by, id, step, w.today, w.now).await?;
    if step.is_none() {
        leptos_axum::redirect(&format!("/residents/import/{id}?done=1"));
    }
    Ok(progress)
}
