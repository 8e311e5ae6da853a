//! `GET /homework/attendance.csv?class=ID`: a class's attendance over its term so far, a
//! line per pupil and session. Tutors (their classes), house staff, admin.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::model::Outcome;
use crate::base::access::CurrentStaff;
use crate::base::csv::line;
use crate::base::db::AppState;
use crate::base::download::staff_download;
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key, Lang};

/// The class asked for (read as text: a tampered id is "not found", not a decoding error).
#[derive(Debug, Default, Deserialize)]
pub struct ClassQuery {
    #[serde(default)]
    class: String,
}

/// The download.
pub async fn attendance_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ClassQuery>,
) -> Response {
    let class = query.class.trim().parse::<i64>().unwrap_or(0);
    let roles = &super::api::VIEW;
    staff_download(
        &state,
        &headers,
        roles,
        "homework_attendance",
        |staff, lang| attendance_text(&state, staff, lang, class),
    )
    .await
}

async fn attendance_text(
    state: &AppState,
    staff: CurrentStaff,
    lang: Lang,
    class_id: i64,
) -> Result<(String, String), AppError> {
    let i18n = I18n { lang };
    let now = chrono::Utc::now().timestamp();
    let mut conn = state.pool.acquire().await?;
    let class = super::repo::class(&mut conn, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let manager = staff.roles.iter().any(|r| super::api::MANAGE.contains(r));
    if !manager && class.tutor_id != staff.id {
        return Err(AppError::Forbidden);
    }
    let today = crate::base::clock::today_at_centre();
    let t = class.timetable;
    let scope = super::repo::Scope {
        class: Some(class.id),
        resident: None,
    };
    let outcomes = super::history::outcomes(
        &mut conn,
        (t.term_from, today.min(t.term_until)),
        scope,
        now,
    )
    .await?;
    let ids: Vec<i64> = outcomes.keys().copied().collect();
    let names = crate::residents::repo::resident_names(&mut conn, &ids).await?;
    let header = [
        Key::FieldDate,
        Key::FieldNameKhmer,
        Key::FieldNameLatin,
        Key::FieldState,
        Key::FieldReason,
    ]
    .map(|k| i18n.t(k).to_owned());
    let mut rows = Vec::new();
    for (resident, sessions) in &outcomes {
        let (km, latin) = names
            .get(resident)
            .map(|(km, latin, _)| (km.clone(), latin.clone()))
            .unwrap_or_default();
        for s in sessions.iter().filter(|s| s.class_id == class.id) {
            let (state, reason) = match s.outcome {
                Outcome::Marked(status) => (i18n.t(status.label()).to_owned(), s.reason.clone()),
                Outcome::Away => (
                    i18n.t(Key::AttendanceAway).to_owned(),
                    s.away
                        .map(|r| i18n.t(r.label()).to_owned())
                        .unwrap_or_default(),
                ),
                Outcome::Unmarked => (i18n.t(Key::AttendanceUnmarked).to_owned(), String::new()),
            };
            rows.push((s.day, latin.clone(), km.clone(), state, reason));
        }
    }
    rows.sort();
    let mut body = line(&header);
    for (day, latin, km, state, reason) in rows {
        body.push_str(&line(&[day.to_string(), km, latin, state, reason]));
    }
    Ok((format!("attendance-{}.csv", class.id), body))
}
