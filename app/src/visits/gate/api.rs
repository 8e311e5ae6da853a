//! The gate's and home stays' server functions: house staff, the social team and the admin
//! at the gate; the social team and the admin approve, change and cancel home stays.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::model::{GatePage, HomeStaysPage};
use crate::base::error::AppError;

#[cfg(feature = "ssr")]
use crate::base::access::{Role, Writer};
#[cfg(feature = "ssr")]
use crate::visits::api::SOCIAL;

/// Who works the gate and records handovers and returns.
#[cfg(feature = "ssr")]
pub const GATE: [Role; 3] = [Role::HouseStaff, Role::SocialTeam, Role::Admin];

/// Today's visits with every family contact's permissions, today's slots, and the people
/// matching `q` (name, phone or document number). House staff, social team, admin.
#[server(endpoint = "get_gate")]
pub async fn get_gate(#[server(default)] q: String) -> Result<GatePage, AppError> {
    crate::base::guard::require(&GATE).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let (today, now) = (
        crate::base::clock::today_at_centre(),
        crate::base::clock::now(),
    );
    super::repo::gate(&mut conn, &q, today, now).await
}

/// Checks the ticked visitors (`visitor[<contact id>]`) in for a visit today. Someone who may
/// not visit is stopped and the attempt audited. House staff, social team, admin.
#[server(endpoint = "check_in")]
pub async fn check_in(
    booking: i64,
    #[server(default)] visitor: BTreeMap<String, String>,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&GATE).await?;
    let visitors = crate::visits::model::ticked(&visitor)?;
    super::record::check_in(&w.pool, &w.by, booking, &visitors, w.today, w.now).await?;
    crate::base::write::saved(&format!("/visits/gate#v{booking}"))
}

/// Checks a visit's visitors out. House staff, social team, admin.
#[server(endpoint = "check_out")]
pub async fn check_out(booking: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&GATE).await?;
    super::record::check_out(&w.pool, &w.by, booking, w.now).await?;
    crate::base::write::saved(&format!("/visits/gate#v{booking}"))
}

/// Records that a person was stopped at the gate (turned away). House staff, social team,
/// admin.
#[server(endpoint = "record_stop")]
pub async fn record_stop(contact: i64) -> Result<(), AppError> {
    let staff = crate::base::guard::require(&GATE).await?;
    let pool = crate::base::db::pool()?;
    let mut conn = pool.acquire().await?;
    let found = crate::visits::repo::contact(&mut conn, contact)
        .await?
        .ok_or(AppError::NotFound)?;
    let children: Vec<i64> = crate::visits::repo::linked_children(&mut conn, found.family_id)
        .await?
        .into_iter()
        .map(|(id, ..)| id)
        .collect();
    drop(conn);
    super::record::stop(
        &pool,
        &Writer::staff(&staff),
        contact,
        &children,
        "turned_away",
    )
    .await?;
    leptos_axum::redirect("/visits/gate?stopped=1");
    Ok(())
}

/// A walk-in: the contact, one of today's slots, the ticked children (`child[<id>]`), the
/// adults. House staff, social team, admin.
#[server(endpoint = "walk_in")]
pub async fn walk_in(
    contact: i64,
    slot: i64,
    #[server(default)] child: BTreeMap<String, String>,
    adults: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&GATE).await?;
    let children = crate::visits::model::ticked(&child)?;
    let adults = adults
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("adults", crate::base::i18n::Key::ProblemAdults))?;
    let id = super::record::walk_in(
        &w.pool,
        &w.by,
        contact,
        slot,
        &children,
        adults,
        (w.today, w.now),
    )
    .await?;
    crate::base::write::saved(&format!("/visits/gate#v{id}"))
}

/// Home stays not over yet and those of the last 30 days, with what the forms need. House
/// staff, social team, admin (the approval form for the social team and admin).
#[server(endpoint = "get_home_stays")]
pub async fn get_home_stays() -> Result<HomeStaysPage, AppError> {
    let staff = crate::base::guard::require(&GATE).await?;
    let can_approve = staff.roles.iter().any(|r| SOCIAL.contains(r));
    let mut conn = crate::base::db::pool()?.acquire().await?;
    super::repo::home_stays(
        &mut conn,
        crate::base::clock::today_at_centre(),
        can_approve,
    )
    .await
}

/// Approves a home stay: `pair` is "<resident>:<contact>", the contact allowed to visit the
/// child unsupervised; from a day and time until a day and time. Social team and admin.
#[server(endpoint = "approve_home_stay")]
pub async fn approve_home_stay(
    pair: String,
    from_on: String,
    #[server(default)] from_time: String,
    until_on: String,
    #[server(default)] until_time: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    let (resident_id, contact_id) = pair
        .split_once(':')
        .and_then(|(r, c)| Some((r.trim().parse::<i64>().ok()?, c.trim().parse::<i64>().ok()?)))
        .ok_or(AppError::NotFound)?;
    let stay = crate::visits::model::check_stay(
        (&from_on, &from_time),
        (&until_on, &until_time),
        &note,
        w.today,
    )?;
    let new = super::record::NewStay {
        resident_id,
        contact_id,
        from: stay.from,
        until: stay.until,
        note: stay.note,
    };
    super::record::approve_stay(&w.pool, &w.by, &new, w.now).await?;
    crate::base::write::saved("/visits/home-stays")
}

/// Records a home stay's handover to the contact who collected the child. House staff,
/// social team, admin.
#[server(endpoint = "hand_over")]
pub async fn hand_over(stay: i64, collected_by: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&GATE).await?;
    super::record::hand_over(&w.pool, &w.by, stay, collected_by, w.now).await?;
    crate::base::write::saved(&format!("/visits/home-stays#s{stay}"))
}

/// Records a child's return from a home stay and the contact who brought her back. House
/// staff, social team, admin.
#[server(endpoint = "home_stay_return")]
pub async fn home_stay_return(stay: i64, brought_back_by: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&GATE).await?;
    super::record::returned(&w.pool, &w.by, stay, brought_back_by, w.now).await?;
    crate::base::write::saved(&format!("/visits/home-stays#s{stay}"))
}

/// Changes a home stay's days and times before the child left. Social team and admin.
#[server(endpoint = "change_home_stay_dates")]
pub async fn change_home_stay_dates(
    stay: i64,
    from_on: String,
    #[server(default)] from_time: String,
    until_on: String,
    #[server(default)] until_time: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    let span = crate::visits::model::check_stay(
        (&from_on, &from_time),
        (&until_on, &until_time),
        "",
        w.today,
    )?;
    super::record::change_stay_span(&w.pool, &w.by, stay, &span, w.today).await?;
    crate::base::write::saved(&format!("/visits/home-stays#s{stay}"))
}

/// Cancels a home stay before the child left. Social team and admin.
#[server(endpoint = "cancel_home_stay")]
pub async fn cancel_home_stay(stay: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&SOCIAL).await?;
    super::record::cancel_stay(&w.pool, &w.by, stay).await?;
    crate::base::write::saved(&format!("/visits/home-stays#s{stay}"))
}
