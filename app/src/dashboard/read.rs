//! Reads the dashboard for one viewer: only the sections their roles see, each from a few
//! summed queries, all in one read transaction so the figures agree with each other. The
//! figures are computed once per change and shared by every viewer who sees the same
//! sections (`shared`); past days' meals, which a roll mark does not move, once per change
//! to beds, absences or meals.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use sqlx::SqlitePool;

use super::model::{
    Dashboard, Homework, Meals, MealsServed, Residents, Section, meal_day, meals_served, monday_of,
    sessions_on, weekly,
};
use super::repo;
use crate::base::access::{CurrentStaff, Role};
use crate::base::changes::{Topics, Version};
use crate::base::hub::Changes;
use crate::presence::model::{Occupant, instant, roll_time};

/// Nights in the occupancy chart.
pub const OCCUPANCY_NIGHTS: u64 = 30;
/// Days in the meals chart, before today.
pub const MEAL_DAYS: u64 = 28;
/// Weeks in the homework chart, this week included.
pub const HOMEWORK_WEEKS: u64 = 8;

/// What a dashboard depends on besides the data: the sections its viewer sees, and for a
/// tutor who sees only their own classes, which tutor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewer {
    sections: [bool; Section::ALL.len()],
    tutor: Option<i64>,
}

impl Viewer {
    /// What `staff` sees.
    pub fn of(staff: &CurrentStaff) -> Viewer {
        let sections = Section::ALL.map(|section| section.seen_by(&staff.roles));
        // A tutor sees their own classes; house staff and admin see every class.
        let everyone = staff.has(Role::HouseStaff) || staff.has(Role::Admin);
        let sees_homework = Section::Homework.seen_by(&staff.roles);
        Viewer {
            sections,
            tutor: (sees_homework && !everyone).then_some(staff.id),
        }
    }

    fn sees(&self, section: Section) -> bool {
        Section::ALL
            .iter()
            .zip(self.sections)
            .any(|(s, seen)| *s == section && seen)
    }

    /// The name its dashboard is kept under: every viewer with the same one sees the same.
    fn key(&self) -> String {
        let sections: String = self
            .sections
            .map(|seen| if seen { '1' } else { '0' })
            .iter()
            .collect();
        match self.tutor {
            Some(id) => format!("dashboard {sections} tutor {id}"),
            None => format!("dashboard {sections}"),
        }
    }
}

/// The dashboard of `staff` on `today` as the data stands: computed by the first viewer
/// after a change and shared with every viewer who sees the same (the caller has checked
/// the role). Meal counts whose cut-off passed are frozen first.
pub async fn shared(
    pool: &SqlitePool,
    changes: &Changes,
    staff: &CurrentStaff,
    today: NaiveDate,
) -> Result<Dashboard, sqlx::Error> {
    let viewer = Viewer::of(staff);
    // Read before the data: a change committed meanwhile shows as newer, and is fetched.
    let version = changes.version();
    let stamp = version.stamp();
    let dashboard = changes
        .memo(&viewer.key(), &stamp, || async move {
            if viewer.sees(Section::Meals) {
                crate::canteen::counts::freeze_before_reading(pool, crate::base::clock::now())
                    .await;
            }
            dashboard(pool, changes, viewer, today, version).await
        })
        .await?;
    Ok(Dashboard::clone(&dashboard))
}

/// The board of `dashboard` in `lang` as HTML, rendered by `render` once per state of the data
/// and set of sections (the dashboard's `shared_as`) and kept like the figures: a request that
/// finds it kept neither renders nor copies the dashboard.
pub async fn shared_board_html(
    dashboard: &Dashboard,
    lang: crate::base::i18n::Lang,
    render: impl FnOnce() -> String,
) -> Result<std::sync::Arc<String>, crate::base::error::AppError> {
    let state = crate::base::db::state()?;
    let stamp = dashboard.version.stamp();
    let key = format!("{} board {}", dashboard.shared_as, lang.code());
    state
        .changes
        .memo(&key, &stamp, || async move {
            Ok::<_, crate::base::error::AppError>(render())
        })
        .await
}

/// The dashboard `viewer` sees on `today`, as of `version` (read before the data).
pub async fn dashboard(
    pool: &SqlitePool,
    changes: &Changes,
    viewer: Viewer,
    today: NaiveDate,
    version: Version,
) -> Result<Dashboard, sqlx::Error> {
    let sees = |section: Section| viewer.sees(section);
    // Before the transaction: its computation may need a connection of its own.
    let meal_history = if sees(Section::Meals) {
        Some(meal_history(pool, changes, today).await?)
    } else {
        None
    };
    let mut tx = pool.begin().await?;
    let residents = residents(&mut tx, today).await?;
    let tomorrow = today + Days::new(1);
    // One read of who sleeps where serves the meal counts and homework's excused pupils.
    let occupants = if sees(Section::Meals) {
        crate::presence::repo::occupants_between(&mut tx, today, tomorrow).await?
    } else if sees(Section::Homework) {
        crate::presence::repo::occupants_between(&mut tx, today, today).await?
    } else {
        Vec::new()
    };
    let meals = match meal_history {
        Some(history) => Some(Meals {
            days: meal_days(&mut tx, &occupants, today).await?,
            history: history.to_vec(),
        }),
        None => None,
    };
    let homework = if sees(Section::Homework) {
        Some(homework(&mut tx, &occupants, today, viewer.tutor).await?)
    } else {
        None
    };
    let visits = if sees(Section::Visits) {
        Some(repo::visits_on(&mut tx, today).await?)
    } else {
        None
    };
    let review = if sees(Section::Review) {
        Some(repo::review_queue(&mut tx, today).await?)
    } else {
        None
    };
    let backups = if sees(Section::Backups) {
        Some(crate::backups::repo::health(&mut tx, crate::base::clock::now()).await?)
    } else {
        None
    };
    let camps = if sees(Section::Camps) {
        Some(super::model::CampsToday {
            uncollected: crate::camps::repo::uncollected(&mut tx, crate::base::clock::now(), None)
                .await?,
            running: camps_today(&mut tx, today).await?,
        })
    } else {
        None
    };
    tx.commit().await?;
    Ok(Dashboard {
        camps,
        today,
        version,
        residents,
        meals,
        homework,
        visits,
        review,
        backups,
        shared_as: viewer.key(),
    })
}

async fn residents(
    conn: &mut sqlx::SqliteConnection,
    today: NaiveDate,
) -> Result<Residents, sqlx::Error> {
    let (rolls, tonight) = repo::rolls(conn, today, instant(today, roll_time())).await?;
    Ok(Residents {
        alerts: crate::presence::repo::alerts(conn, chrono::Utc::now().timestamp(), true).await?,
        beds: crate::housing::repo::occupancy(conn, today).await?,
        tonight,
        rolls,
        unhoused: repo::unhoused(conn).await?,
        occupancy: repo::occupancy_history(conn, today - Days::new(OCCUPANCY_NIGHTS - 1), today)
            .await?,
    })
}

/// Today's and tomorrow's meals.
async fn meal_days(
    conn: &mut sqlx::SqliteConnection,
    occupants: &[Occupant],
    today: NaiveDate,
) -> Result<Vec<super::model::MealDay>, sqlx::Error> {
    let tomorrow = today + Days::new(1);
    let settings = crate::canteen::repo::settings(conn).await?;
    let (services, days) =
        crate::canteen::counts::counts_of(conn, occupants, today, tomorrow).await?;
    let served = served_between(conn, today, tomorrow).await?;
    let none = BTreeMap::new();
    Ok(days
        .iter()
        .map(|counts| {
            let served = served.get(&counts.day).unwrap_or(&none);
            meal_day(&services, counts, served, settings.cutoff)
        })
        .collect())
}

/// The [`MEAL_DAYS`] days before `today`, expected and served: read once per change to what
/// they are counted from (beds, absences, meals), and kept while the roll is marked.
async fn meal_history(
    pool: &SqlitePool,
    changes: &Changes,
    today: NaiveDate,
) -> Result<std::sync::Arc<Vec<MealsServed>>, sqlx::Error> {
    let counted_from = Topics::BEDS
        .with(Topics::ABSENCES)
        .with(Topics::MEALS)
        .with(Topics::CAMPS);
    let stamp = changes.stamp_of(counted_from);
    changes
        .memo("dashboard meal history", &stamp, || async move {
            let (from, yesterday) = (today - Days::new(MEAL_DAYS), today - Days::new(1));
            let mut tx = pool.begin().await?;
            let occupants =
                crate::presence::repo::occupants_between(&mut tx, from, yesterday).await?;
            let (_, days) =
                crate::canteen::counts::counts_of(&mut tx, &occupants, from, yesterday).await?;
            let served = served_between(&mut tx, from, yesterday).await?;
            tx.commit().await?;
            let none = BTreeMap::new();
            Ok(days
                .iter()
                .map(|counts| meals_served(counts, served.get(&counts.day).unwrap_or(&none)))
                .collect())
        })
        .await
}

/// The heads served from `from` to `until`, by day and meal service.
async fn served_between(
    conn: &mut sqlx::SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<BTreeMap<NaiveDate, BTreeMap<i64, i64>>, sqlx::Error> {
    let mut served: BTreeMap<NaiveDate, BTreeMap<i64, i64>> = BTreeMap::new();
    for ((day, service), record) in crate::canteen::repo::served(conn, from, until).await? {
        served
            .entry(day)
            .or_default()
            .insert(service, record.served);
    }
    Ok(served)
}

async fn homework(
    conn: &mut sqlx::SqliteConnection,
    occupants: &[Occupant],
    today: NaiveDate,
    tutor: Option<i64>,
) -> Result<Homework, sqlx::Error> {
    let classes = crate::homework::repo::classes(conn, tutor).await?;
    let cancelled: Vec<i64> = crate::homework::repo::cancellations_between(conn, today, today)
        .await?
        .into_iter()
        .map(|(class, _)| class)
        .collect();
    let marks: Vec<_> = repo::homework_marks(conn, today)
        .await?
        .into_iter()
        .map(|(class, resident, status)| {
            let status = status
                .as_deref()
                .and_then(crate::homework::model::Status::parse);
            (class, resident, status)
        })
        .collect();
    let by_id: BTreeMap<i64, &Occupant> = occupants.iter().map(|o| (o.resident.id, o)).collect();
    let away = |resident: i64, at: i64| {
        crate::homework::history::away_at(by_id.get(&resident).copied(), at).is_some()
    };
    let first_monday = monday_of(today) - Days::new(7 * (HOMEWORK_WEEKS - 1));
    let days = repo::attendance_by_day(conn, first_monday, today, tutor).await?;
    Ok(Homework {
        sessions: sessions_on(&classes, today, &cancelled, &marks, away),
        weeks: weekly(&days, first_monday, HOMEWORK_WEEKS),
    })
}

/// The camps running `today`, a residential camp's with its children in lent beds tonight.
async fn camps_today(
    conn: &mut sqlx::SqliteConnection,
    today: NaiveDate,
) -> Result<Vec<crate::camps::model::CampToday>, sqlx::Error> {
    use crate::camps::model::Kind;
    let mut camps = crate::camps::repo::camps_on(conn, today).await?;
    for camp in camps.iter_mut().filter(|c| c.kind == Kind::Residential) {
        let loans = crate::housing::repo::loans(conn, (None, Some(camp.camp_id), None), today);
        let tonight = loans
            .await?
            .into_iter()
            .filter(|(_, lent)| lent.from_on <= today);
        camp.in_beds = Some(tonight.count() as i64);
    }
    Ok(camps)
}

#[cfg(test)]
mod tests {
    use super::Viewer;
    use crate::base::access::{CurrentStaff, Role};
    use crate::base::i18n::Lang;

    fn staff(id: i64, roles: &[Role]) -> CurrentStaff {
        CurrentStaff {
            id,
            login: format!("s{id}"),
            display_name: format!("Staff {id}"),
            language: Lang::En,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn viewers_who_see_the_same_share_a_dashboard_and_a_tutor_keeps_their_own() {
        let key = |id, roles: &[Role]| Viewer::of(&staff(id, roles)).key();
        // Two admins see the same; house staff see fewer sections.
        assert_eq!(key(1, &[Role::Admin]), key(2, &[Role::Admin]));
        assert_ne!(key(1, &[Role::Admin]), key(3, &[Role::HouseStaff]));
        assert_eq!(key(3, &[Role::HouseStaff]), key(4, &[Role::HouseStaff]));
        // A tutor sees their own classes: never another tutor's figures.
        assert_ne!(key(5, &[Role::Tutor]), key(6, &[Role::Tutor]));
        // A tutor who is also house staff sees every class, as house staff do.
        assert_eq!(
            key(7, &[Role::Tutor, Role::HouseStaff]),
            key(8, &[Role::HouseStaff, Role::Tutor])
        );
        // The canteen sees no homework: no tutor in its key.
        assert_eq!(key(9, &[Role::Canteen]), key(10, &[Role::Canteen]));
    }
}
