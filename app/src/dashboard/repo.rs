//! SQL of the dashboard: figures summed in the database, one query per figure, so the page
//! costs a handful of small reads whatever the size of the centre.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::model::{OccupancyHistory, RollProgress, Tonight, VisitsToday};
use crate::centre::model::Name;
use crate::presence::model::RollTally;

/// Every building's roll call for `night`, taken at the instant `at` that evening (residents
/// away then count as away), and who sleeps here then, campers in lent beds included (as
/// `presence::repo::roll_rows`): one pass over the night's allocations and loans.
pub async fn rolls(
    conn: &mut SqliteConnection,
    night: NaiveDate,
    at: i64,
) -> Result<(Vec<RollProgress>, Tonight), sqlx::Error> {
    let day = crate::presence::model::local(at).date();
    let clock = crate::presence::model::clock(at);
    let rows = sqlx::query!(
        r#"WITH housed AS (
               SELECT ro.building_id, a.resident_id,
                      EXISTS (SELECT 1 FROM absence x
                              WHERE x.resident_id = a.resident_id AND x.starts_at <= ?2
                                AND (coalesce(x.returned_at, x.ends_at) IS NULL
                                     OR coalesce(x.returned_at, x.ends_at) > ?2)) AS away
               FROM allocation a JOIN bed b ON b.id = a.bed_id JOIN room ro ON ro.id = b.room_id
               WHERE a.from_on <= ?3 AND (a.until_on IS NULL OR a.until_on >= ?3)
                 AND (a.from_on < ?3 OR a.arrives_at <= ?4)
                 AND (a.until_on IS NULL OR a.until_on > ?3 OR a.leaves_at > ?4)),
           -- Residential campers in lent beds: on the roll, never away.
           camping AS (
               SELECT ro.building_id, l.camper_id
               FROM bed_loan l JOIN bed b ON b.id = l.bed_id JOIN room ro ON ro.id = b.room_id
               WHERE l.from_on <= ?3 AND l.until_on > ?3),
           sleeping AS (
               SELECT h.building_id, h.away, m.status
               FROM housed h
               LEFT JOIN roll_call rc ON rc.building_id = h.building_id AND rc.night = ?1
               LEFT JOIN roll_mark m ON m.roll_call_id = rc.id AND m.resident_id = h.resident_id
               UNION ALL
               SELECT c.building_id, 0, m.status
               FROM camping c
               LEFT JOIN roll_call rc ON rc.building_id = c.building_id AND rc.night = ?1
               LEFT JOIN camper_roll_mark m ON m.roll_call_id = rc.id AND m.camper_id = c.camper_id)
           SELECT bu.id AS "id!: i64", bu.name_km, bu.name_latin,
                  rc.closed_at IS NOT NULL AS "closed!: bool",
                  count(s.building_id) AS "housed!: i64",
                  coalesce(sum(s.away), 0) AS "away!: i64",
                  coalesce(sum(NOT s.away AND s.status = 'present'), 0) AS "present!: i64",
                  coalesce(sum(NOT s.away AND s.status = 'missing'), 0) AS "missing!: i64"
           FROM building bu
           JOIN facility f ON f.id = bu.facility_id
           LEFT JOIN sleeping s ON s.building_id = bu.id
           LEFT JOIN roll_call rc ON rc.building_id = bu.id AND rc.night = ?1
           GROUP BY bu.id
           HAVING count(s.building_id) > 0 OR rc.id IS NOT NULL
           ORDER BY f.kind = 'camp', f.kind, bu.code"#,
        night,
        at,
        day,
        clock
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tonight = Tonight::default();
    let rolls = rows
        .into_iter()
        .map(|r| {
            tonight.housed += r.housed;
            tonight.away += r.away;
            RollProgress {
                building_id: r.id,
                name: Name {
                    khmer: r.name_km,
                    latin: r.name_latin,
                },
                closed: r.closed,
                tally: RollTally {
                    present: r.present,
                    away: r.away,
                    missing: r.missing,
                    unmarked: r.housed - r.away - r.present - r.missing,
                },
            }
        })
        .collect();
    Ok((rolls, tonight))
}

/// Residents at the centre (not left) with no current bed: the waiting list's length.
pub async fn unhoused(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM resident r
           WHERE r.left_on IS NULL
             AND NOT EXISTS (SELECT 1 FROM allocation a
                             WHERE a.resident_id = r.id AND a.until_on IS NULL)"#
    )
    .fetch_one(&mut *conn)
    .await
}

/// Beds slept in each night from `from` to `until`, by facility, with each facility's beds
/// in service now; facilities without beds are left out.
pub async fn occupancy_history(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<OccupancyHistory, sqlx::Error> {
    let facilities = sqlx::query!(
        r#"SELECT f.id AS "id!: i64", f.name_km, f.name_latin, sum(b.in_service) AS "beds!: i64"
           FROM facility f JOIN building bu ON bu.facility_id = f.id
           JOIN room ro ON ro.building_id = bu.id JOIN bed b ON b.room_id = ro.id
           GROUP BY f.id
           ORDER BY f.kind = 'camp', f.kind, f.id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let rows = sqlx::query!(
        r#"WITH RECURSIVE night (day) AS (
               SELECT ?1 UNION ALL SELECT date(day, '+1 day') FROM night WHERE day < ?2)
           SELECT n.day AS "day!: NaiveDate", bu.facility_id AS "facility_id!: i64",
                  count(*) AS "occupied!: i64"
           FROM night n
           JOIN allocation a ON a.from_on <= n.day AND (a.until_on IS NULL OR a.until_on > n.day)
           JOIN bed b ON b.id = a.bed_id JOIN room ro ON ro.id = b.room_id
           JOIN building bu ON bu.id = ro.building_id
           GROUP BY n.day, bu.facility_id"#,
        from,
        until
    )
    .fetch_all(&mut *conn)
    .await?;
    let position: BTreeMap<i64, usize> = facilities
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id, i))
        .collect();
    let mut nights: BTreeMap<NaiveDate, Vec<i64>> = from
        .iter_days()
        .take_while(|day| *day <= until)
        .map(|day| (day, vec![0; facilities.len()]))
        .collect();
    for row in rows {
        if let (Some(counts), Some(i)) = (nights.get_mut(&row.day), position.get(&row.facility_id))
        {
            counts[*i] = row.occupied;
        }
    }
    Ok(OccupancyHistory {
        facilities: facilities
            .into_iter()
            .map(|f| {
                let name = Name {
                    khmer: f.name_km,
                    latin: f.name_latin,
                };
                (name, f.beds)
            })
            .collect(),
        nights: nights.into_iter().collect(),
    })
}

/// The roll of every class on `day` with its marks: (class, resident, status if marked).
pub async fn homework_marks(
    conn: &mut SqliteConnection,
    day: NaiveDate,
) -> Result<Vec<(i64, i64, Option<String>)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT e.class_id AS "class_id!: i64", e.resident_id AS "resident_id!: i64",
                  a.status AS "status?: String"
           FROM enrolment e
           LEFT JOIN attendance a ON a.class_id = e.class_id AND a.day = ?1
                                  AND a.resident_id = e.resident_id
           WHERE e.enrolled_on <= ?1 AND (e.ended_on IS NULL OR e.ended_on > ?1)"#,
        day
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.class_id, r.resident_id, r.status))
        .collect())
}

/// Attendance marks day by day from `from` to `until` (of one tutor's classes when given):
/// (day, came, marked), where came is present or late and marked leaves excused marks out.
pub async fn attendance_by_day(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
    tutor: Option<i64>,
) -> Result<Vec<(NaiveDate, i64, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT a.day AS "day!: NaiveDate",
                  sum(a.status IN ('present', 'late')) AS "came!: i64",
                  sum(a.status IN ('present', 'late', 'absent')) AS "marked!: i64"
           FROM attendance a JOIN homework_class c ON c.id = a.class_id
           WHERE a.day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR c.tutor_id = ?3)
           GROUP BY a.day"#,
        from,
        until,
        tutor
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.day, r.came, r.marked))
        .collect())
}

/// Today's visits: confirmed bookings, those checked in, those awaiting approval, and the
/// supervised ones; nothing when there is no visit day today (or it was called off).
pub async fn visits_on(
    conn: &mut SqliteConnection,
    day: NaiveDate,
) -> Result<VisitsToday, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT d.id AS "day_id!: i64",
                  coalesce(sum(b.status = 'confirmed'), 0) AS "booked!: i64",
                  coalesce(sum(b.status = 'confirmed' AND b.checked_in_at IS NOT NULL), 0)
                      AS "checked_in!: i64",
                  coalesce(sum(b.status = 'pending'), 0) AS "awaiting!: i64",
                  coalesce(sum(b.status = 'confirmed' AND b.supervised = 1), 0)
                      AS "supervised!: i64"
           FROM visit_day d
           LEFT JOIN visit_slot s ON s.visit_day_id = d.id
           LEFT JOIN visit_booking b ON b.slot_id = s.id
           WHERE d.day = ?1 AND d.cancelled = 0
           GROUP BY d.id"#,
        day
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map_or_else(VisitsToday::default, |r| VisitsToday {
        day_id: Some(r.day_id),
        booked: r.booked,
        checked_in: r.checked_in,
        awaiting: r.awaiting,
        supervised: r.supervised,
    }))
}

/// Bookings in the social team's queue: waiting for approval, or flagged for review and
/// not past (the same rule as the queue on `/visits`).
pub async fn review_queue(
    conn: &mut SqliteConnection,
    today: NaiveDate,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64"
           FROM visit_booking b JOIN visit_slot s ON s.id = b.slot_id
           JOIN visit_day d ON d.id = s.visit_day_id
           WHERE b.status = 'pending' OR (b.review = 1 AND d.day >= ?1)"#,
        today
    )
    .fetch_one(&mut *conn)
    .await
}
