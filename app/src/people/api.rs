//! Server functions of people and access: signing in and out, who is signed in, the admin's
//! staff accounts and the social team's family accounts. Each starts with its guard.

use leptos::prelude::*;

use super::model::{FamilyAccount, StaffMember};
#[cfg(feature = "ssr")]
use crate::base::access::Role;
use crate::base::access::Viewer;
use crate::base::error::AppError;
#[cfg(feature = "ssr")]
use crate::base::i18n::Lang;

/// Whoever is signed in on this request, or `None`. Anyone may ask.
#[server(endpoint = "get_current_viewer")]
pub async fn get_current_viewer() -> Result<Option<Viewer>, AppError> {
    // Public: it says only who the caller is.
    crate::base::guard::current_viewer().await
}

/// Signs in staff (login and password) or a family (phone and PIN), and sends the browser on:
/// staff to `back`, families to their portal. Throttled; the refusal never says which part
/// was wrong.
#[server(endpoint = "log_in")]
pub async fn log_in(login: String, password: String, back: String) -> Result<(), AppError> {
    use crate::base::cookies::set_cookie;
    use crate::base::fields::local_path;
    use crate::base::guard::{client_address, demo_mode, request_is_https};
    use crate::base::session::{Owner, session_cookie};

    // Public by nature: signing in is how a caller gets a role.
    let pool = crate::base::db::pool()?;
    let now = chrono::Utc::now().timestamp();
    let signed_in = super::signin::sign_in(
        &pool,
        &login,
        &password,
        &client_address(),
        now,
        demo_mode(),
    )
    .await?;
    set_cookie(&session_cookie(&signed_in.token, request_is_https()))?;
    // Their pages open in their language.
    set_cookie(&signed_in.language.cookie())?;
    match signed_in.owner {
        Owner::Staff(id) => {
            // A camp monitor's day is their camp groups, not the centre's dashboard.
            let mut conn = pool.acquire().await?;
            let roles = crate::base::session::roles_of(&mut conn, id).await?;
            let centre = roles.iter().any(|role| Role::CENTRE.contains(role));
            let back = local_path(&back);
            leptos_axum::redirect(if back == "/" && !centre {
                "/camps"
            } else {
                back
            })
        }
        Owner::Family(_) => leptos_axum::redirect("/family"),
    }
    Ok(())
}

/// Signs out: the session ends on the server, not only in the browser.
#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::base::session;

    // Anyone may sign out; without a session there is nothing to end.
    if let Some(token) = crate::base::guard::session_token() {
        let viewer = crate::base::guard::current_viewer().await?;
        session::end(&crate::base::db::pool()?, &token, viewer.as_ref()).await?;
    }
    crate::base::cookies::set_cookie(&session::cleared_session_cookie(
        crate::base::guard::request_is_https(),
    ))?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Every staff account. Admin only.
#[server(endpoint = "list_staff")]
pub async fn list_staff() -> Result<Vec<StaffMember>, AppError> {
    crate::base::guard::require(&[Role::Admin]).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    Ok(super::repo::staff_list(&mut conn).await?)
}

/// One staff account. Admin only.
#[server(endpoint = "get_staff_member")]
pub async fn get_staff_member(id: i64) -> Result<StaffMember, AppError> {
    crate::base::guard::require(&[Role::Admin]).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    super::repo::staff_member(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Creates a staff account and opens its page. Admin only.
#[server(endpoint = "create_staff")]
pub async fn create_staff(
    login: String,
    display_name: String,
    password: String,
    language: String,
    #[server(default)] roles: std::collections::BTreeMap<String, String>,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::Admin]).await?;
    let language = parse_language(&language)?;
    let roles = parse_roles(&roles)?;
    if roles.is_empty() {
        return Err(super::model::EditProblem::NoRole.into());
    }
    let id = super::record::create_staff_account(
        &w.pool,
        &w.by,
        &login,
        &display_name,
        &password,
        language,
        &roles,
    )
    .await?;
    crate::base::write::saved(&format!("/admin/staff/{id}"))
}

/// Changes a staff account's name, language, roles and whether it may sign in. Admin only.
#[server(endpoint = "update_staff")]
pub async fn update_staff(
    id: i64,
    display_name: String,
    language: String,
    #[server(default)] roles: std::collections::BTreeMap<String, String>,
    #[server(default)] active: Option<String>,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::Admin]).await?;
    let edit = super::model::StaffEdit {
        display_name,
        language: parse_language(&language)?,
        roles: parse_roles(&roles)?,
        active: active.is_some(),
    };
    super::record::edit_staff_account(&w.pool, &w.by, id, edit).await?;
    crate::base::write::saved(&format!("/admin/staff/{id}"))
}

/// Gives a staff account a new password and signs it out everywhere. Admin only.
#[server(endpoint = "reset_staff_password")]
pub async fn reset_staff_password(id: i64, password: String) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::Admin]).await?;
    super::record::reset_staff_password(&w.pool, &w.by, id, &password).await?;
    crate::base::write::saved(&format!("/admin/staff/{id}"))
}

/// Every family account. Social team and admin.
#[server(endpoint = "list_families")]
pub async fn list_families() -> Result<Vec<FamilyAccount>, AppError> {
    crate::base::guard::require(&[Role::SocialTeam, Role::Admin]).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    Ok(super::repo::family_list(&mut conn).await?)
}

/// One family account, and a fresh random PIN the social team may give it. Social team and
/// admin.
#[server(endpoint = "get_family_account")]
pub async fn get_family_account(id: i64) -> Result<(FamilyAccount, String), AppError> {
    crate::base::guard::require(&[Role::SocialTeam, Role::Admin]).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let family = super::repo::family_account(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((family, super::record::random_pin()))
}

/// A fresh random PIN for a new family's form. Social team and admin.
#[server(endpoint = "suggest_pin")]
pub async fn suggest_pin() -> Result<String, AppError> {
    crate::base::guard::require(&[Role::SocialTeam, Role::Admin]).await?;
    Ok(super::record::random_pin())
}

/// Creates a family account with the PIN shown on the form. Social team and admin.
#[server(endpoint = "create_family")]
pub async fn create_family(
    display_name: String,
    phone: String,
    pin: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::SocialTeam, Role::Admin]).await?;
    let id =
        super::record::create_family_account(&w.pool, &w.by, &display_name, &phone, &pin).await?;
    crate::base::write::saved(&format!("/families/{id}"))
}

/// Changes a family's name, phone and whether it may sign in. Social team and admin.
#[server(endpoint = "update_family")]
pub async fn update_family(
    id: i64,
    display_name: String,
    phone: String,
    #[server(default)] active: Option<String>,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::SocialTeam, Role::Admin]).await?;
    super::record::edit_family_account(&w.pool, &w.by, id, &display_name, &phone, active.is_some())
        .await?;
    crate::base::write::saved(&format!("/families/{id}"))
}

/// Gives a family the new PIN shown on the form, and signs it out everywhere. Social team
/// and admin.
#[server(endpoint = "reset_family_pin")]
pub async fn reset_family_pin(id: i64, pin: String) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::SocialTeam, Role::Admin]).await?;
    super::record::reset_family_pin(&w.pool, &w.by, id, &pin).await?;
    leptos_axum::redirect(&format!("/families/{id}?pin=1"));
    Ok(())
}

/// Unlocks a staff account locked after too many failed sign-ins. Admin only.
#[server(endpoint = "unlock_staff")]
pub async fn unlock_staff(id: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::Admin]).await?;
    let owner = crate::base::session::Owner::Staff(id);
    unlock(w, owner, &format!("/admin/staff/{id}?unlocked=1")).await
}

/// Unlocks a family account locked after too many failed sign-ins. Social team and admin.
#[server(endpoint = "unlock_family")]
pub async fn unlock_family(id: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&[Role::SocialTeam, Role::Admin]).await?;
    let owner = crate::base::session::Owner::Family(id);
    unlock(w, owner, &format!("/families/{id}?unlocked=1")).await
}

/// Unlocks the account of `owner` (404 when there is none), then goes to `page`.
#[cfg(feature = "ssr")]
async fn unlock(
    w: crate::base::write::Write,
    owner: crate::base::session::Owner,
    page: &str,
) -> Result<(), AppError> {
    use crate::base::session::Owner;

    let mut conn = w.pool.acquire().await?;
    let found = match owner {
        Owner::Staff(id) => super::repo::staff_member(&mut conn, id).await?.is_some(),
        Owner::Family(id) => super::repo::family_account(&mut conn, id).await?.is_some(),
    };
    drop(conn);
    if !found {
        return Err(AppError::NotFound);
    }
    super::record::unlock(&w.pool, &w.by, owner).await?;
    leptos_axum::redirect(page);
    Ok(())
}

#[cfg(feature = "ssr")]
fn parse_language(code: &str) -> Result<Lang, AppError> {
    Lang::parse(code).ok_or(AppError::Validation {
        field: "language".into(),
        message: crate::base::i18n::Key::ErrorInvalidLanguage,
    })
}

#[cfg(feature = "ssr")]
/// Reads the role checkboxes, named `roles[<code>]`: the codes of those ticked.
fn parse_roles(ticked: &std::collections::BTreeMap<String, String>) -> Result<Vec<Role>, AppError> {
    ticked
        .keys()
        .map(|code| Role::parse(code).ok_or(AppError::BadRequest))
        .collect()
}
