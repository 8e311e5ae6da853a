//! Server functions of presence. Every staff role reads; house staff and admin record
//! absences and returns, take the roll and resolve alerts.

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{Alerts, RollCall, RollSummary};
#[cfg(feature = "ssr")]
use crate::base::access::Role;
use crate::base::error::AppError;
use crate::base::ui::Marked;
#[cfg(feature = "ssr")]
use crate::residents::api::HOUSE;

/// A building's roll for a night, and whether the caller may mark it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollPage {
    pub roll: RollCall,
    /// Whether the caller may mark and close it (and it is still open and recent).
    pub can_mark: bool,
    /// Whether the caller may resolve a missing camper's alert on its row (open or closed).
    #[serde(default)]
    pub can_resolve: bool,
    /// Earlier nights of this building's roll, newest first: night, closed, present, missing.
    pub history: Vec<(NaiveDate, bool, i64, i64)>,
    /// Who is looking, and marks.
    pub marker: crate::base::ui::Marker,
}

#[cfg(feature = "ssr")]
fn night_or_today(night: &str) -> Result<NaiveDate, AppError> {
    if night.trim().is_empty() {
        return Ok(crate::base::clock::today_at_centre());
    }
    crate::base::fields::parse_date(night).ok_or(AppError::Validation {
        field: "night".into(),
        message: crate::base::i18n::Key::ProblemDate,
    })
}

/// Records that a resident came back (now, unless a date and time are given). House staff
/// and admin.
#[server(endpoint = "record_return")]
pub async fn record_return(
    absence_id: i64,
    #[server(default)] date: String,
    #[server(default)] time: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    let now = w.now;
    let at = if date.trim().is_empty() {
        now
    } else {
        super::model::parse_moment(&date, &time).ok_or(super::model::AbsenceProblem::Return)?
    };
    let resident_id = super::record::record_return(&w.pool, &w.by, absence_id, at, now).await?;
    crate::base::write::saved(&format!("/residents/{resident_id}#absences"))
}

/// Every building's roll for a night, and the overdue grace period (which the admin may set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollNight {
    pub night: NaiveDate,
    /// Each building's roll.
    pub buildings: Vec<RollSummary>,
    /// Minutes after a planned end before a child not back is overdue.
    pub grace_minutes: i64,
    /// Whether the caller may change it (the admin).
    pub can_set_grace: bool,
}

/// Every building's roll for a night (tonight when none is given). Every staff role.
#[server(endpoint = "roll_overview")]
pub async fn roll_overview(#[server(default)] night: String) -> Result<RollNight, AppError> {
    use super::model::tally;

    let staff = crate::base::guard::require(&Role::CENTRE).await?;
    let night = night_or_today(&night)?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let today = crate::base::clock::today_at_centre();
    let mut out = Vec::new();
    for building in crate::housing::repo::buildings(&mut conn, today).await? {
        let rows = super::repo::night_rows(&mut conn, building.id, night).await?;
        let closed = super::repo::roll_call(&mut conn, building.id, night)
            .await?
            .is_some_and(|(_, closed)| closed);
        out.push(RollSummary {
            building_id: building.id,
            building_km: building.name_km,
            building_latin: building.name_latin,
            closed,
            tally: tally(&rows),
        });
    }
    Ok(RollNight {
        night,
        buildings: out,
        grace_minutes: super::repo::overdue_grace(&mut conn).await? / 60,
        can_set_grace: staff.has(Role::Admin),
    })
}

/// A building's roll for a night. Every staff role; marking for house staff and admin.
#[server(endpoint = "get_roll_call")]
pub async fn get_roll_call(
    building_id: i64,
    #[server(default)] night: String,
) -> Result<RollPage, AppError> {
    use crate::base::changes::Topics;

    let staff = crate::base::guard::require(&Role::CENTRE).await?;
    let night = night_or_today(&night)?;
    let today = crate::base::clock::today_at_centre();
    // Read once per change to beds or presence and shared by every tablet showing this roll
    // (a mark's own answer reads it afresh: `marked`).
    let state = crate::base::db::state()?;
    let stamp = state.changes.stamp_of(Topics::BEDS.with(Topics::PRESENCE));
    let pool = &state.pool;
    let kept = state
        .changes
        .memo(
            &format!("roll {building_id} {night}"),
            &stamp,
            || async move {
                let mut conn = pool.acquire().await?;
                let Some(building) =
                    crate::housing::repo::building(&mut conn, building_id, today).await?
                else {
                    return Ok::<_, sqlx::Error>(None);
                };
                let rows = super::repo::night_rows(&mut conn, building_id, night).await?;
                let closed = super::repo::roll_call(&mut conn, building_id, night)
                    .await?
                    .is_some_and(|(_, closed)| closed);
                let history = super::repo::roll_history(&mut conn, building_id).await?;
                Ok(Some((building, rows, closed, history)))
            },
        )
        .await?;
    let (building, rows, closed, history) = kept.as_ref().clone().ok_or(AppError::NotFound)?;
    let recent = night <= today && night >= today - chrono::Duration::days(1);
    let house = HOUSE.iter().any(|role| staff.has(*role));
    Ok(RollPage {
        can_mark: house && !closed && recent,
        can_resolve: house,
        roll: RollCall {
            building_id,
            building_km: building.name_km,
            building_latin: building.name_latin,
            night,
            closed,
            rows,
        },
        history,
        marker: crate::base::ui::Marker::of(&staff),
    })
}

/// Marks one resident, or one camper sleeping in a lent bed, present or missing. House staff
/// and admin. A tablet's outbox names the mark (`sent[mark_id]`, `sent[made_ms]`,
/// `sent[sent_ms]`): it is applied once, dated by when it was made (`base::outbox`).
#[server(endpoint = "mark_roll")]
pub async fn mark_roll(
    building_id: i64,
    night: String,
    #[server(default)] resident_id: Option<i64>,
    #[server(default)] camper_id: Option<i64>,
    mark: String,
    #[server(default)] sent: crate::base::outbox::SentFields,
) -> Result<Marked, AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    let night = night_or_today(&night)?;
    let who = super::model::Sleeper::named(resident_id, camper_id).ok_or(AppError::BadRequest)?;
    let mark = super::model::Mark::parse(&mark).ok_or(AppError::BadRequest)?;
    let sent = sent.parse()?;
    let roll_mark = super::record::RollMark {
        building_id,
        night,
        who,
        mark,
        sent,
    };
    let recorded = super::record::mark(&w.pool, &w.by, roll_mark, w.now_ms, w.today).await?;
    let row = who.row_id();
    leptos_axum::redirect(&format!("/roll/{building_id}?night={night}#{row}"));
    Ok(Marked {
        recorded: recorded.code().to_owned(),
        ..marked(building_id, night).await?
    })
}

/// Marks everyone not yet marked as present. House staff and admin.
#[server(endpoint = "mark_roll_all_present")]
pub async fn mark_roll_all_present(building_id: i64, night: String) -> Result<Marked, AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    let night = night_or_today(&night)?;
    super::record::mark_all_present(&w.pool, &w.by, building_id, night, w.now, w.today).await?;
    leptos_axum::redirect(&format!("/roll/{building_id}?night={night}"));
    marked(building_id, night).await
}

/// The roll as now recorded, in the caller's language: the answer to a mark sent in the
/// background (a plain form post is sent back to the page instead).
#[cfg(feature = "ssr")]
async fn marked(building_id: i64, night: NaiveDate) -> Result<Marked, AppError> {
    use super::model::tally;
    use super::pages::{row_state, tally_line};
    use crate::base::ui::MarkedRow;

    let i18n = crate::base::i18n::I18n {
        lang: crate::base::i18n::current_lang(),
    };
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let rows = super::repo::night_rows(&mut conn, building_id, night).await?;
    Ok(Marked {
        recorded: String::new(),
        tally: tally_line(i18n, tally(&rows)),
        rows: rows
            .iter()
            .map(|row| {
                let (class, state) = row_state(i18n, row);
                MarkedRow {
                    id: row.who.row_id(),
                    class: class.to_owned(),
                    state,
                    pressed: row
                        .mark
                        .map(|mark| mark.code())
                        .unwrap_or_default()
                        .to_owned(),
                }
            })
            .collect(),
    })
}

/// Closes the roll; refused while anyone is unmarked. House staff and admin.
#[server(endpoint = "close_roll")]
pub async fn close_roll(building_id: i64, night: String) -> Result<(), AppError> {
    let w = crate::base::write::staff(&HOUSE).await?;
    let night = night_or_today(&night)?;
    super::record::close(&w.pool, &w.by, building_id, night, w.now, w.today).await?;
    crate::base::write::saved(&format!("/roll/{building_id}?night={night}"))
}

/// Residents marked missing and not found yet, and residents overdue back from an absence.
/// Every staff role; nobody else learns of them. Lent beds needed back: house staff and
/// admin, who move the camper.
#[server(endpoint = "missing_alerts")]
pub async fn missing_alerts() -> Result<Alerts, AppError> {
    let staff = crate::base::guard::require(&Role::CENTRE).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let now = chrono::Utc::now().timestamp();
    // Moving a camper to another bed is house staff's work: theirs and the admin's alert.
    let moves_campers = HOUSE.iter().any(|role| staff.has(*role));
    Ok(super::repo::alerts(&mut conn, now, moves_campers).await?)
}

/// Sets how long after a planned end a child not back is overdue, in minutes. Admin only.
#[server(endpoint = "save_presence_settings")]
pub async fn save_presence_settings(overdue_grace_minutes: String) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::Admin]).await?;
    let minutes = super::model::check_grace(&overdue_grace_minutes)?;
    super::record::set_overdue_grace(&w.pool, &w.by, minutes).await?;
    crate::base::write::saved("/roll#overdue")
}

/// Ends a resident's or camper's missing alert: found, or came back. House staff and admin.
/// Back to `back` (the roll a camper's row is on), else to their page.
#[server(endpoint = "resolve_alert")]
pub async fn resolve_alert(
    #[server(default)] resident_id: Option<i64>,
    #[server(default)] camper_id: Option<i64>,
    resolution: String,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use super::model::Resolution;

    let w = crate::base::write::staff(&HOUSE).await?;
    let who = super::model::Sleeper::named(resident_id, camper_id).ok_or(AppError::BadRequest)?;
    let resolution = match Resolution::parse(&resolution) {
        Some(resolution @ (Resolution::Found | Resolution::Returned)) => resolution,
        _ => return Err(AppError::BadRequest),
    };
    super::record::resolve(&w.pool, &w.by, who, resolution, w.now).await?;
    if back.is_empty() {
        return crate::base::write::saved(&who.page());
    }
    // Back to the roll, whose own notice says it was closed: this one says the alert ended.
    let back = crate::base::fields::local_path(&back);
    leptos_axum::redirect(&crate::base::write::with_flag(back, "resolved"));
    Ok(())
}
