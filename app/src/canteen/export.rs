//! CSV downloads: counts and served figures for a span of days, and the shopping list. Plain
//! axum handlers (a file, not a page), behind the same role check as the server functions.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::SqliteConnection;

use super::model::quantity;
use crate::base::clock::now;
use crate::base::csv::line;
use crate::base::db::AppState;
use crate::base::download::staff_download;
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key, Lang};
use crate::residents::model::{Allergen, Diet};

/// The span asked for: `?from=YYYY-MM-DD&until=YYYY-MM-DD`.
#[derive(Debug, Default, Deserialize)]
pub struct Span {
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

fn span(query: &Span) -> Result<(NaiveDate, NaiveDate), AppError> {
    let day = crate::base::fields::date_field;
    let (from, until) = (day(&query.from, "from")?, day(&query.until, "until")?);
    super::model::check_range(from, until)?;
    Ok((from, until))
}

/// `GET /canteen/counts.csv?from=&until=`: per day and meal, the expected heads (frozen
/// where frozen), residents, extras, heads per diet and per allergy, and what was served.
pub async fn counts_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Span>,
) -> Response {
    span_download(&state, &headers, &query, "canteen_counts", counts_text).await
}

/// Answers a download of the span asked for, written in the audit log as `entity`: what is
/// due is frozen first, so the file shows the counts the kitchen cooked for, and `text` makes
/// the file's name and body from the span's counts.
async fn span_download(
    state: &AppState,
    headers: &HeaderMap,
    query: &Span,
    entity: &str,
    text: impl AsyncFnOnce(
        &mut SqliteConnection,
        (NaiveDate, NaiveDate),
        Lang,
    ) -> Result<(String, String), AppError>,
) -> Response {
    staff_download(
        state,
        headers,
        &super::api::READ,
        entity,
        |_, lang| async move {
            let span = span(query)?;
            let mut conn = super::counts::read_after_freezing(&state.pool, now()).await?;
            text(&mut conn, span, lang).await
        },
    )
    .await
}

async fn counts_text(
    conn: &mut SqliteConnection,
    (from, until): (NaiveDate, NaiveDate),
    lang: Lang,
) -> Result<(String, String), AppError> {
    let i18n = I18n { lang };
    let (services, days) = super::counts::counts(conn, from, until).await?;
    let served = super::repo::served(conn, from, until).await?;
    let mut header: Vec<String> = [
        Key::FieldDate,
        Key::CanteenMeal,
        Key::CanteenExpected,
        Key::CanteenFrozen,
        Key::CanteenResidents,
        Key::CanteenCampers,
        Key::CanteenExtra,
    ]
    .iter()
    .map(|k| i18n.t(*k).to_owned())
    .collect();
    header.extend(Diet::ALL.iter().map(|d| i18n.t(d.label()).to_owned()));
    header.extend(
        Allergen::ALL
            .iter()
            .map(|a| format!("{}: {}", i18n.t(Key::FieldAllergies), i18n.t(a.label()))),
    );
    header.extend([Key::CanteenServed, Key::FieldNote].map(|k| i18n.t(k).to_owned()));
    let mut body = line(&header);
    for day in &days {
        for (service, meal) in services.iter().zip(&day.meals) {
            let heads = meal.frozen.as_ref().map_or(&meal.live, |f| &f.heads);
            let record = served.get(&(day.day, service.id));
            let mut row = vec![
                day.day.to_string(),
                service.name(lang).to_owned(),
                meal.expected().to_string(),
                i18n.t(if meal.frozen.is_some() {
                    Key::CommonYes
                } else {
                    Key::CommonNo
                })
                .to_owned(),
                heads.residents.to_string(),
                heads.campers.to_string(),
                heads.extra.to_string(),
            ];
            row.extend(Diet::ALL.iter().map(|d| heads.diet(*d).to_string()));
            row.extend(Allergen::ALL.iter().map(|a| {
                let n = heads
                    .allergies
                    .iter()
                    .find(|(x, _)| x == a)
                    .map_or(0, |(_, n)| *n);
                n.to_string()
            }));
            row.push(record.map(|r| r.served.to_string()).unwrap_or_default());
            row.push(record.map(|r| r.note.clone()).unwrap_or_default());
            body.push_str(&line(&row));
        }
    }
    Ok((format!("meals-{from}-{until}.csv"), body))
}

/// `GET /canteen/shopping.csv?from=&until=`: the shopping list.
pub async fn shopping_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Span>,
) -> Response {
    span_download(&state, &headers, &query, "shopping_list", shopping_text).await
}

async fn shopping_text(
    conn: &mut SqliteConnection,
    (from, until): (NaiveDate, NaiveDate),
    lang: Lang,
) -> Result<(String, String), AppError> {
    let i18n = I18n { lang };
    let (lines, _) = super::counts::shopping(conn, from, until).await?;
    let header = [
        Key::CanteenIngredientKm,
        Key::CanteenIngredientEn,
        Key::CanteenIngredientFr,
        Key::CanteenQuantity,
        Key::CanteenUnit,
    ]
    .map(|k| i18n.t(k).to_owned());
    let mut body = line(&header);
    for (ingredient, milli) in &lines {
        let (amount, unit) = quantity(*milli, ingredient.unit);
        body.push_str(&line(&[
            ingredient.name_km.clone(),
            ingredient.name_en.clone(),
            ingredient.name_fr.clone(),
            amount,
            i18n.t(unit).to_owned(),
        ]));
    }
    Ok((format!("shopping-{from}-{until}.csv"), body))
}
