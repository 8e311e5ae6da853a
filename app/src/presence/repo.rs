//! SQL of presence: the one query every domain uses to know who is at the centre, absences,
//! roll calls and missing-resident alerts.

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::model::{
    AbsenceEntry, AbsenceReason, Alerts, Away, BedNeeded, Mark, MissingAlert, Nights, Occupant,
    OverdueAlert, PresentResident, RollRow, Sleeper, away_for_loan, clock, first_night_back,
    instant, local, roll_of, sleeps_over,
};
use crate::base::db::decode;
use crate::housing::model::{BedPlace, FreeBed, Occupant as BedOccupant, parse_clock};
use crate::residents::model::{Allergen, Diet, Programme, Sex};

/// **Presence**: the residents at the centre at the instant `at` (such as a meal time): a bed
/// then (on its first day from the arrival, on its last until the departure), and no absence
/// covering `at`. This is `model::is_present` in SQL; every later domain (canteen, homework,
/// visits, dashboard) counts from it or from `occupants_between`, which is the same rule.
pub async fn present_at(
    conn: &mut SqliteConnection,
    at: i64,
) -> Result<Vec<PresentResident>, sqlx::Error> {
    let day = local(at).date();
    let clock = clock(at);
    // Thousands of rows come back at once: SQLite packs them into one JSON array, because
    // sqlx hands rows over one by one at several microseconds each (57 ms for 5,400 rows,
    // against 15 ms for the query itself; see `examples/presence_bench.rs`).
    let packed = sqlx::query_scalar!(
        r#"SELECT json_group_array(json_array(r.id, r.name_km, r.name_latin, r.sex, r.programme,
                                             r.diet, r.allergies)) AS "rows!: String"
           FROM resident r
           WHERE EXISTS (
                 SELECT 1 FROM allocation a
                 WHERE a.resident_id = r.id
                   AND a.from_on <= ?1 AND (a.until_on IS NULL OR a.until_on >= ?1)
                   AND (a.from_on < ?1 OR a.arrives_at <= ?3)
                   AND (a.until_on IS NULL OR a.until_on > ?1 OR a.leaves_at > ?3))
             AND NOT EXISTS (
                 SELECT 1 FROM absence x
                 WHERE x.resident_id = r.id AND x.starts_at <= ?2
                   AND (coalesce(x.returned_at, x.ends_at) IS NULL
                        OR coalesce(x.returned_at, x.ends_at) > ?2))"#,
        day,
        at,
        clock
    )
    .fetch_one(&mut *conn)
    .await?;
    type Packed = (i64, String, String, String, String, String, String);
    let rows: Vec<Packed> =
        serde_json::from_str(&packed).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    let mut present = rows
        .into_iter()
        .map(
            |(id, name_km, name_latin, sex, programme, diet, allergies)| {
                Ok(PresentResident {
                    id,
                    sex: decode(Sex::parse(&sex), "sex", &sex)?,
                    programme: decode(Programme::parse(&programme), "programme", &programme)?,
                    diet: decode(Diet::parse(&diet), "diet", &diet)?,
                    allergies: decode(Allergen::split(&allergies), "allergies", &allergies)?,
                    name_km,
                    name_latin,
                })
            },
        )
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    present.sort_by_key(|resident| resident.id);
    Ok(present)
}

/// Everyone with a bed at some moment of the days from `from` to `until` (inclusive), with
/// their allocations and absences overlapping those days: the data of `present_at` for a
/// span, so a forecast applies the rule (`Occupant::present`) to every meal in one query.
pub async fn occupants_between(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Occupant>, sqlx::Error> {
    let midnight = chrono::NaiveTime::MIN;
    let starts = instant(from, midnight);
    let ends = instant(until.succ_opt().unwrap_or(until), midnight);
    let packed = sqlx::query_scalar!(
        r#"WITH housed AS (
               SELECT DISTINCT resident_id FROM allocation
               WHERE from_on <= ?2 AND (until_on IS NULL OR until_on >= ?1))
           SELECT json_group_array(json_array(
                      r.id, r.name_km, r.name_latin, r.sex, r.programme, r.diet, r.allergies,
                      json((SELECT json_group_array(json_array(a.from_on, a.until_on,
                                                               a.arrives_at, a.leaves_at))
                            FROM allocation a
                            WHERE a.resident_id = r.id AND a.from_on <= ?2
                              AND (a.until_on IS NULL OR a.until_on >= ?1))),
                      json((SELECT json_group_array(json_array(x.starts_at, x.ends_at,
                                                               x.returned_at, x.reason))
                            FROM absence x
                            WHERE x.resident_id = r.id AND x.starts_at < ?4
                              AND (coalesce(x.returned_at, x.ends_at) IS NULL
                                   OR coalesce(x.returned_at, x.ends_at) > ?3)))))
                  AS "rows!: String"
           FROM housed h JOIN resident r ON r.id = h.resident_id"#,
        from,
        until,
        starts,
        ends
    )
    .fetch_one(&mut *conn)
    .await?;
    type Stay = (NaiveDate, Option<NaiveDate>, String, String);
    type Absence = (i64, Option<i64>, Option<i64>, String);
    type Packed = (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        Vec<Stay>,
        Vec<Absence>,
    );
    let rows: Vec<Packed> =
        serde_json::from_str(&packed).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    let mut occupants = rows
        .into_iter()
        .map(
            |(id, name_km, name_latin, sex, programme, diet, allergies, stays, absences)| {
                let away = absences
                    .into_iter()
                    .map(|(starts_at, ends_at, returned_at, reason)| {
                        let reason = decode(AbsenceReason::parse(&reason), "reason", &reason)?;
                        let span = Away {
                            starts_at,
                            ends_at,
                            returned_at,
                        };
                        Ok((span, reason))
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()?;
                Ok(Occupant {
                    resident: PresentResident {
                        id,
                        sex: decode(Sex::parse(&sex), "sex", &sex)?,
                        programme: decode(Programme::parse(&programme), "programme", &programme)?,
                        diet: decode(Diet::parse(&diet), "diet", &diet)?,
                        allergies: decode(Allergen::split(&allergies), "allergies", &allergies)?,
                        name_km,
                        name_latin,
                    },
                    nights: stays
                        .into_iter()
                        .map(|(from_on, until_on, arrives, leaves)| {
                            stay(from_on, until_on, &arrives, &leaves)
                        })
                        .collect::<Result<_, sqlx::Error>>()?,
                    away,
                })
            },
        )
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    occupants.sort_by_key(|occupant| occupant.resident.id);
    Ok(occupants)
}

/// The absences of `residents` overlapping the span from `from` until `until` (Unix seconds),
/// with their reasons, by resident: what `model::away_during` needs.
pub async fn absences_between(
    conn: &mut SqliteConnection,
    residents: &[i64],
    from: i64,
    until: i64,
) -> Result<std::collections::HashMap<i64, Vec<(Away, AbsenceReason)>>, sqlx::Error> {
    let ids = serde_json::Value::from(residents.to_vec()).to_string();
    let rows = sqlx::query!(
        r#"SELECT resident_id AS "resident_id!: i64", reason, starts_at, ends_at, returned_at
           FROM absence
           WHERE resident_id IN (SELECT value FROM json_each(?1)) AND starts_at < ?3
             AND (coalesce(returned_at, ends_at) IS NULL OR coalesce(returned_at, ends_at) > ?2)"#,
        ids,
        from,
        until
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = std::collections::HashMap::<i64, Vec<_>>::new();
    for r in rows {
        let reason = decode(AbsenceReason::parse(&r.reason), "reason", &r.reason)?;
        let away = Away {
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            returned_at: r.returned_at,
        };
        out.entry(r.resident_id).or_default().push((away, reason));
    }
    Ok(out)
}

/// Which of `residents` are away at some moment from `from` until `until`, and why
/// (`model::away_during` over their absences).
pub async fn away_during(
    conn: &mut SqliteConnection,
    residents: &[i64],
    from: i64,
    until: i64,
) -> Result<std::collections::BTreeMap<i64, AbsenceReason>, sqlx::Error> {
    Ok(absences_between(conn, residents, from, until)
        .await?
        .into_iter()
        .filter_map(|(id, absences)| {
            super::model::away_during(&absences, from, until).map(|reason| (id, reason))
        })
        .collect())
}

/// A resident's absences, newest first.
pub async fn absences_of(
    conn: &mut SqliteConnection,
    resident_id: i64,
) -> Result<Vec<AbsenceEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!: i64", reason, note, starts_at, ends_at, returned_at
           FROM absence WHERE resident_id = ? ORDER BY starts_at DESC LIMIT 100"#,
        resident_id
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AbsenceEntry {
                id: r.id,
                resident_id,
                reason: decode(AbsenceReason::parse(&r.reason), "reason", &r.reason)?,
                note: r.note,
                away: Away {
                    starts_at: r.starts_at,
                    ends_at: r.ends_at,
                    returned_at: r.returned_at,
                },
            })
        })
        .collect()
}

/// One absence: its resident and span.
pub async fn absence(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(i64, Away)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT resident_id AS "resident_id!: i64", starts_at, ends_at, returned_at
           FROM absence WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| {
        (
            r.resident_id,
            Away {
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                returned_at: r.returned_at,
            },
        )
    }))
}

/// Records an absence and returns its id.
pub async fn insert_absence(
    conn: &mut SqliteConnection,
    resident_id: i64,
    reason: AbsenceReason,
    note: &str,
    away: Away,
) -> Result<i64, sqlx::Error> {
    let reason = reason.code();
    sqlx::query_scalar!(
        r#"INSERT INTO absence (resident_id, reason, note, starts_at, ends_at, returned_at)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        resident_id,
        reason,
        note,
        away.starts_at,
        away.ends_at,
        away.returned_at
    )
    .fetch_one(&mut *conn)
    .await
}

/// Records a return.
pub async fn set_returned(
    conn: &mut SqliteConnection,
    id: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE absence SET returned_at = ? WHERE id = ?", at, id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The rows of a building's roll for `night`, taken at the instant `at` (that evening): one
/// per resident whose bed there is theirs at `at` (the presence rule's half on beds), by room
/// and bed, with any absence, whether they are overdue back (at `at`, or `now` if earlier: a
/// roll taken early calls nobody overdue before they are), and the latest mark.
pub async fn roll_rows(
    conn: &mut SqliteConnection,
    building_id: i64,
    night: NaiveDate,
    at: i64,
    now: i64,
) -> Result<Vec<RollRow>, sqlx::Error> {
    let seen = at.min(now);
    let day = local(at).date();
    let clock = clock(at);
    let rows = sqlx::query!(
        r#"SELECT r.id AS "id!: i64", r.name_km, r.name_latin, ro.code AS room, b.code AS bed,
                  (SELECT x.reason FROM absence x
                    WHERE x.resident_id = r.id AND x.starts_at <= ?3
                      AND (coalesce(x.returned_at, x.ends_at) IS NULL
                           OR coalesce(x.returned_at, x.ends_at) > ?3)
                    ORDER BY x.starts_at DESC LIMIT 1) AS "away?: String",
                  (SELECT min(x.ends_at) FROM absence x
                    WHERE x.resident_id = r.id AND x.returned_at IS NULL
                      AND x.ends_at IS NOT NULL
                      AND x.ends_at + (SELECT overdue_grace_minutes * 60 FROM presence_setting)
                          <= ?6) AS "overdue_since?: i64",
                  m.status AS "mark?: String"
           FROM allocation a
           JOIN bed b ON b.id = a.bed_id JOIN room ro ON ro.id = b.room_id
           JOIN resident r ON r.id = a.resident_id
           LEFT JOIN roll_call rc ON rc.building_id = ?1 AND rc.night = ?2
           LEFT JOIN roll_mark m ON m.roll_call_id = rc.id AND m.resident_id = r.id
           WHERE ro.building_id = ?1
             AND a.from_on <= ?4 AND (a.until_on IS NULL OR a.until_on >= ?4)
             AND (a.from_on < ?4 OR a.arrives_at <= ?5)
             AND (a.until_on IS NULL OR a.until_on > ?4 OR a.leaves_at > ?5)"#,
        building_id,
        night,
        at,
        day,
        clock,
        seen
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = rows
        .into_iter()
        .map(|r| {
            Ok(RollRow {
                overdue_since: r.overdue_since,
                who: Sleeper::Resident(r.id),
                name_km: r.name_km,
                name_latin: r.name_latin,
                room: r.room,
                bed: r.bed,
                away: match r.away {
                    Some(code) => Some(decode(AbsenceReason::parse(&code), "reason", &code)?),
                    None => None,
                },
                mark: read_mark(r.mark)?,
                alert_open: false,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    out.extend(camper_rows(conn, building_id, night, day).await?);
    out.sort_by(|a, b| bed_order(a).cmp(&bed_order(b)));
    Ok(out)
}

fn read_mark(code: Option<String>) -> Result<Option<Mark>, sqlx::Error> {
    match code {
        Some(code) => Ok(Some(decode(Mark::parse(&code), "mark", &code)?)),
        None => Ok(None),
    }
}

/// Where a row's bed comes in the roll: by room, then bed, as the building's plan reads.
fn bed_order(row: &RollRow) -> (usize, &str, usize, &str) {
    (row.room.len(), &row.room, row.bed.len(), &row.bed)
}

/// The rows of residential campers sleeping in the building's lent beds on the night of
/// `day`, with their latest mark: a camper has no absences and is never overdue.
async fn camper_rows(
    conn: &mut SqliteConnection,
    building_id: i64,
    night: NaiveDate,
    day: NaiveDate,
) -> Result<Vec<RollRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT k.id AS "id!: i64", k.name_km, k.name_latin, ro.code AS room, b.code AS bed,
                  m.status AS "mark?: String",
                  coalesce(m.status = 'missing' AND m.resolved_at IS NULL, 0) AS "alert_open!: bool"
           FROM bed_loan l
           JOIN bed b ON b.id = l.bed_id JOIN room ro ON ro.id = b.room_id
           JOIN camper k ON k.id = l.camper_id
           LEFT JOIN roll_call rc ON rc.building_id = ?1 AND rc.night = ?2
           LEFT JOIN camper_roll_mark m ON m.roll_call_id = rc.id AND m.camper_id = k.id
           WHERE ro.building_id = ?1 AND l.from_on <= ?3 AND l.until_on > ?3"#,
        building_id,
        night,
        day
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(RollRow {
                who: Sleeper::Camper(r.id),
                name_km: r.name_km,
                name_latin: r.name_latin,
                room: r.room,
                bed: r.bed,
                away: None,
                overdue_since: None,
                mark: read_mark(r.mark)?,
                alert_open: r.alert_open,
            })
        })
        .collect()
}

/// The roll of a building for a night, as it stands now (`roll_rows` at the roll's time).
pub async fn night_rows(
    conn: &mut SqliteConnection,
    building_id: i64,
    night: NaiveDate,
) -> Result<Vec<RollRow>, sqlx::Error> {
    let at = super::model::instant(night, super::model::roll_time());
    roll_rows(conn, building_id, night, at, chrono::Utc::now().timestamp()).await
}

/// The roll call of a building for a night: its id and whether it is closed.
pub async fn roll_call(
    conn: &mut SqliteConnection,
    building_id: i64,
    night: NaiveDate,
) -> Result<Option<(i64, bool)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!: i64", closed_at FROM roll_call WHERE building_id = ? AND night = ?"#,
        building_id,
        night
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| (r.id, r.closed_at.is_some())))
}

/// The roll call of a building for a night, opened at `at` if it was not.
pub async fn open_roll_call(
    conn: &mut SqliteConnection,
    building_id: i64,
    night: NaiveDate,
    at: i64,
) -> Result<(i64, bool), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO roll_call (building_id, night, opened_at) VALUES (?, ?, ?)
         ON CONFLICT (building_id, night) DO NOTHING",
        building_id,
        night,
        at
    )
    .execute(&mut *conn)
    .await?;
    roll_call(conn, building_id, night)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// The mark of a resident or camper in a roll call, and when it last changed: marked, or its
/// alert resolved, whichever came later.
pub async fn mark_of(
    conn: &mut SqliteConnection,
    roll_call_id: i64,
    who: Sleeper,
) -> Result<Option<(Mark, i64)>, sqlx::Error> {
    let row = match who {
        Sleeper::Resident(id) => sqlx::query_as!(
            Changed,
            r#"SELECT status, max(marked_at, coalesce(resolved_at, marked_at)) AS "changed!: i64"
               FROM roll_mark WHERE roll_call_id = ? AND resident_id = ?"#,
            roll_call_id,
            id
        )
        .fetch_optional(&mut *conn)
        .await?,
        Sleeper::Camper(id) => sqlx::query_as!(
            Changed,
            r#"SELECT status, max(marked_at, coalesce(resolved_at, marked_at)) AS "changed!: i64"
               FROM camper_roll_mark WHERE roll_call_id = ? AND camper_id = ?"#,
            roll_call_id,
            id
        )
        .fetch_optional(&mut *conn)
        .await?,
    };
    Ok(row.and_then(|r| Mark::parse(&r.status).map(|mark| (mark, r.changed))))
}

/// A stored mark and when it last changed.
struct Changed {
    status: String,
    changed: i64,
}

/// When a building's roll for `night` was opened, if it was.
pub async fn roll_opened_at(
    conn: &mut SqliteConnection,
    building_id: i64,
    night: NaiveDate,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT opened_at FROM roll_call WHERE building_id = ? AND night = ?",
        building_id,
        night
    )
    .fetch_optional(&mut *conn)
    .await
}

/// Sets a resident's or camper's mark, made at `at`, clearing an old resolution.
pub async fn set_mark(
    conn: &mut SqliteConnection,
    roll_call_id: i64,
    who: Sleeper,
    mark: Mark,
    (staff_id, at): (i64, i64),
) -> Result<(), sqlx::Error> {
    let status = mark.code();
    match who {
        Sleeper::Resident(id) => {
            sqlx::query!(
                "INSERT INTO roll_mark (roll_call_id, resident_id, status, marked_at, marked_by)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (roll_call_id, resident_id) DO UPDATE
             SET status = excluded.status, marked_at = excluded.marked_at,
                 marked_by = excluded.marked_by, resolved_at = NULL, resolution = NULL,
                 resolved_by = NULL",
                roll_call_id,
                id,
                status,
                at,
                staff_id
            )
            .execute(&mut *conn)
            .await?
        }
        Sleeper::Camper(id) => {
            sqlx::query!(
            "INSERT INTO camper_roll_mark (roll_call_id, camper_id, status, marked_at, marked_by)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (roll_call_id, camper_id) DO UPDATE
             SET status = excluded.status, marked_at = excluded.marked_at,
                 marked_by = excluded.marked_by, resolved_at = NULL, resolution = NULL,
                 resolved_by = NULL",
            roll_call_id,
            id,
            status,
            at,
            staff_id
        )
            .execute(&mut *conn)
            .await?
        }
    };
    Ok(())
}

/// Closes a roll call.
pub async fn close_roll_call(
    conn: &mut SqliteConnection,
    roll_call_id: i64,
    staff_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE roll_call SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL",
        now,
        staff_id,
        roll_call_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Residents and campers marked missing and not yet found, most recent first.
pub async fn open_alerts(conn: &mut SqliteConnection) -> Result<Vec<MissingAlert>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.roll_call_id AS "roll_call_id!: i64", rc.night AS "night!: NaiveDate",
                  r.id AS "id!: i64", 0 AS "camper!: bool", r.name_km, r.name_latin,
                  bu.code AS building, bu.id AS "building_id!: i64"
           FROM roll_mark m JOIN roll_call rc ON rc.id = m.roll_call_id
           JOIN resident r ON r.id = m.resident_id JOIN building bu ON bu.id = rc.building_id
           WHERE m.status = 'missing' AND m.resolved_at IS NULL
           UNION ALL
           SELECT m.roll_call_id, rc.night, k.id, 1, k.name_km, k.name_latin, bu.code, bu.id
           FROM camper_roll_mark m JOIN roll_call rc ON rc.id = m.roll_call_id
           JOIN camper k ON k.id = m.camper_id JOIN building bu ON bu.id = rc.building_id
           WHERE m.status = 'missing' AND m.resolved_at IS NULL
           ORDER BY 2 DESC, 6"#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MissingAlert {
            roll_call_id: r.roll_call_id,
            night: r.night,
            who: if r.camper {
                Sleeper::Camper(r.id)
            } else {
                Sleeper::Resident(r.id)
            },
            name_km: r.name_km,
            name_latin: r.name_latin,
            building: r.building,
            building_id: r.building_id,
        })
        .collect())
}

/// Residents (at the centre, not left) overdue at `now`: an absence with a planned end more
/// than `grace` seconds ago and no return recorded (`model::Away::overdue_since` in SQL),
/// those due back longest ago first.
pub async fn overdue_at(
    conn: &mut SqliteConnection,
    now: i64,
    grace: i64,
) -> Result<Vec<OverdueAlert>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT x.id AS "absence_id!: i64", r.id AS "resident_id!: i64", r.name_km, r.name_latin,
                  x.reason, x.ends_at AS "due_at!: i64"
           FROM absence x JOIN resident r ON r.id = x.resident_id
           WHERE x.returned_at IS NULL AND x.ends_at IS NOT NULL AND x.ends_at + ?2 <= ?1
             AND r.left_on IS NULL
           ORDER BY x.ends_at, x.id"#,
        now,
        grace
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(OverdueAlert {
                absence_id: r.absence_id,
                resident_id: r.resident_id,
                name_km: r.name_km,
                name_latin: r.name_latin,
                reason: decode(AbsenceReason::parse(&r.reason), "reason", &r.reason)?,
                due_at: r.due_at,
            })
        })
        .collect()
}

/// Moves an absence's planned end, and its home stay's last day if it is one.
pub async fn set_planned_end(
    conn: &mut SqliteConnection,
    absence_id: i64,
    ends_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE absence SET ends_at = ? WHERE id = ?",
        ends_at,
        absence_id
    )
    .execute(&mut *conn)
    .await?;
    let last_day = local(ends_at).date();
    sqlx::query!(
        "UPDATE home_stay SET until_on = max(until_on, ?) WHERE absence_id = ?",
        last_day,
        absence_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The home stay an absence belongs to, if it is one approved at the gate (whose return is
/// recorded there, with who brought the child back).
pub async fn home_stay_of(
    conn: &mut SqliteConnection,
    absence_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM home_stay WHERE absence_id = ?"#,
        absence_id
    )
    .fetch_optional(&mut *conn)
    .await
}

/// Every alert at `now`: residents missing, residents overdue past the grace period, and,
/// when `lent_beds` (for those who move campers), lent beds needed back.
pub async fn alerts(
    conn: &mut SqliteConnection,
    now: i64,
    lent_beds: bool,
) -> Result<Alerts, sqlx::Error> {
    let grace = overdue_grace(conn).await?;
    Ok(Alerts {
        missing: open_alerts(conn).await?,
        overdue: overdue_at(conn, now, grace).await?,
        beds_needed: if lent_beds {
            beds_needed(conn, now).await?
        } else {
            Vec::new()
        },
    })
}

/// The grace period after a planned end before a child not back is overdue, in seconds.
pub async fn overdue_grace(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    let minutes =
        sqlx::query_scalar!("SELECT overdue_grace_minutes FROM presence_setting WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    Ok(minutes * 60)
}

/// Sets the grace period, in minutes; returns the one it replaces.
pub async fn set_overdue_grace(
    conn: &mut SqliteConnection,
    minutes: i64,
) -> Result<i64, sqlx::Error> {
    let before = overdue_grace(conn).await? / 60;
    sqlx::query!(
        "UPDATE presence_setting SET overdue_grace_minutes = ? WHERE id = 1",
        minutes
    )
    .execute(&mut *conn)
    .await?;
    Ok(before)
}

/// Whether a resident is marked missing and not yet found (a camper's open alert is read
/// with their row of the roll: `camper_rows`).
pub async fn has_open_alert(
    conn: &mut SqliteConnection,
    resident_id: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM roll_mark
                          WHERE resident_id = ? AND status = 'missing' AND resolved_at IS NULL)
           AS "missing!: bool""#,
        resident_id
    )
    .fetch_one(&mut *conn)
    .await
}

/// Resolves every open alert of a resident or camper; returns how many were resolved.
pub async fn resolve_alerts(
    conn: &mut SqliteConnection,
    who: Sleeper,
    resolution: super::model::Resolution,
    (staff_id, now): (i64, i64),
) -> Result<u64, sqlx::Error> {
    let code = resolution.code();
    let done = match who {
        Sleeper::Resident(id) => {
            sqlx::query!(
                "UPDATE roll_mark SET resolved_at = ?, resolution = ?, resolved_by = ?
             WHERE resident_id = ? AND status = 'missing' AND resolved_at IS NULL",
                now,
                code,
                staff_id,
                id
            )
            .execute(&mut *conn)
            .await?
        }
        Sleeper::Camper(id) => {
            sqlx::query!(
                "UPDATE camper_roll_mark SET resolved_at = ?, resolution = ?, resolved_by = ?
             WHERE camper_id = ? AND status = 'missing' AND resolved_at IS NULL",
                now,
                code,
                staff_id,
                id
            )
            .execute(&mut *conn)
            .await?
        }
    };
    Ok(done.rows_affected())
}

/// A building's recent roll calls, newest first: night, closed, marked present, missing.
pub async fn roll_history(
    conn: &mut SqliteConnection,
    building_id: i64,
) -> Result<Vec<(NaiveDate, bool, i64, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT rc.night AS "night: NaiveDate", rc.closed_at IS NOT NULL AS "closed!: bool",
                  count(*) FILTER (WHERE m.status = 'present') AS "present!: i64",
                  count(*) FILTER (WHERE m.status = 'missing') AS "missing!: i64"
           FROM roll_call rc
           LEFT JOIN (SELECT roll_call_id, status FROM roll_mark
                      UNION ALL SELECT roll_call_id, status FROM camper_roll_mark) m
             ON m.roll_call_id = rc.id
           WHERE rc.building_id = ?
           GROUP BY rc.id ORDER BY rc.night DESC LIMIT 35"#,
        building_id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.night, r.closed, r.present, r.missing))
        .collect())
}

/// The camp children at the centre each day from `from` to `until` (inclusive), as things
/// stand `today`: the other half of who is here, beside the residents of
/// [`occupants_between`]. A day camp's: registered children for the days to come, those
/// checked in on the day and before (`camps::model::expected_on`). A residential camp's: by
/// night, in the beds lent to them (`model::sleeps_over`).
pub async fn campers_between(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<crate::camps::model::CamperDay>, sqlx::Error> {
    let mut days = crate::camps::repo::expected_between(conn, (from, until), today).await?;
    days.extend(sleepers_between(conn, from, until).await?);
    Ok(days)
}

/// The residential campers at the centre each day from `from` to `until` (inclusive): from
/// the day of a lent bed's first night until the morning it is given back.
async fn sleepers_between(
    conn: &mut SqliteConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<crate::camps::model::CamperDay>, sqlx::Error> {
    use crate::camps::model::{CamperDay, Meals};
    use crate::camps::repo as camps;
    let rows = sqlx::query!(
        r#"SELECT l.camper_id, l.from_on AS "from_on!: NaiveDate",
                  l.until_on AS "until_on!: NaiveDate", c.meals, k.diet, k.allergies
           FROM bed_loan l JOIN camp c ON c.id = l.camp_id JOIN camper k ON k.id = l.camper_id
           WHERE l.until_on >= ?1 AND l.from_on <= ?2 AND l.until_on > l.from_on
             AND k.resident_id IS NULL"#,
        from,
        until
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let eats = (camps::diet(&r.diet)?, camps::allergies(&r.allergies)?);
        let meals = Meals(u8::try_from(r.meals).unwrap_or_default());
        let days = from
            .iter_days()
            .take_while(|day| *day <= until)
            .filter(|day| sleeps_over((r.from_on, r.until_on), *day));
        out.extend(CamperDay::on_days(
            r.camper_id,
            days,
            meals,
            (eats.0, &eats.1),
        ));
    }
    Ok(out)
}

/// An allocation's stay as stored (first night, until, arrival and departure), as `Nights`.
fn stay(
    from_on: NaiveDate,
    until_on: Option<NaiveDate>,
    arrives: &str,
    leaves: &str,
) -> Result<Nights, sqlx::Error> {
    Ok(Nights {
        from_on,
        until_on,
        arrives: decode(parse_clock(arrives), "arrival", arrives)?,
        leaves: decode(parse_clock(leaves), "departure", leaves)?,
    })
}

/// Absences packed by SQLite as `[[starts_at, ends_at, returned_at], ...]`.
fn unpack_away(packed: &str) -> Result<Vec<Away>, sqlx::Error> {
    let rows: Vec<(i64, Option<i64>, Option<i64>)> =
        serde_json::from_str(packed).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    Ok(rows
        .into_iter()
        .map(|(starts_at, ends_at, returned_at)| Away {
            starts_at,
            ends_at,
            returned_at,
        })
        .collect())
}

/// The lent beds needed back from tonight on (`now`): a loan's night on which the boarder
/// whose bed it is sleeps at the centre (`model::first_night_back`), earliest night first.
pub async fn beds_needed(
    conn: &mut SqliteConnection,
    now: i64,
) -> Result<Vec<BedNeeded>, sqlx::Error> {
    let today = local(now).date();
    let since = roll_of(today).min(now);
    let rows = sqlx::query!(
        r#"SELECT l.id AS "loan_id!: i64", l.camp_id AS "camp_id!: i64",
                  l.camper_id AS "camper_id!: i64", k.name_km AS camper_km,
                  k.name_latin AS camper_latin, l.from_on AS "loan_from!: NaiveDate",
                  l.until_on AS "loan_until!: NaiveDate",
                  bu.code || ' · ' || ro.code || ' · ' || b.code AS "bed!: String",
                  r.name_km AS resident_km, r.name_latin AS resident_latin,
                  a.from_on AS "from_on!: NaiveDate", a.until_on AS "until_on?: NaiveDate",
                  a.arrives_at, a.leaves_at,
                  (SELECT json_group_array(json_array(x.starts_at, x.ends_at, x.returned_at))
                   FROM absence x
                   WHERE x.resident_id = a.resident_id
                     AND (coalesce(x.returned_at, x.ends_at) IS NULL
                          OR coalesce(x.returned_at, x.ends_at) > ?2)) AS "away!: String"
           FROM bed_loan l
           JOIN camper k ON k.id = l.camper_id
           JOIN bed b ON b.id = l.bed_id JOIN room ro ON ro.id = b.room_id
           JOIN building bu ON bu.id = ro.building_id
           JOIN allocation a ON a.bed_id = l.bed_id AND a.from_on IS NOT a.until_on
                AND a.from_on < l.until_on AND (a.until_on IS NULL OR a.until_on > ?1)
           JOIN resident r ON r.id = a.resident_id
           WHERE l.until_on > ?1 AND l.until_on > l.from_on
           ORDER BY l.id"#,
        today,
        since
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut needed: Vec<BedNeeded> = Vec::new();
    for r in rows {
        let stay = stay(r.from_on, r.until_on, &r.arrives_at, &r.leaves_at)?;
        let away = unpack_away(&r.away)?;
        let nights = (r.loan_from.max(today), r.loan_until);
        let Some(night) = first_night_back(&stay, &away, nights, now) else {
            continue;
        };
        if let Some(known) = needed.iter_mut().find(|n| n.loan_id == r.loan_id) {
            known.night = known.night.min(night);
            known.tonight = known.night <= today;
            continue;
        }
        needed.push(BedNeeded {
            loan_id: r.loan_id,
            camp_id: r.camp_id,
            camper_id: r.camper_id,
            camper_km: r.camper_km,
            camper_latin: r.camper_latin,
            bed: r.bed,
            resident_km: r.resident_km,
            resident_latin: r.resident_latin,
            night,
            tonight: night <= today,
        });
    }
    needed.sort_by_key(|n| (n.night, n.loan_id));
    Ok(needed)
}

/// The beds that may be lent for the nights from `from_on` until `until_on`: in service, not
/// lent on any of them, and either free on all of them or held by boarders away on all of
/// them (`model::away_for_loan`), with the boarder whose bed it is. By bed.
pub async fn lendable_beds(
    conn: &mut SqliteConnection,
    from_on: NaiveDate,
    until_on: NaiveDate,
) -> Result<Vec<(FreeBed, Option<BedOccupant>)>, sqlx::Error> {
    let since = roll_of(from_on);
    let rows = sqlx::query!(
        r#"SELECT b.id AS "bed_id!: i64", b.code AS bed_code, ro.id AS "room_id!: i64",
                  ro.code AS room_code, ro.sex, ro.min_age AS "min_age!: i32",
                  ro.max_age AS "max_age!: i32", bu.code AS building_code, f.kind,
                  r.id AS "resident_id?: i64", r.name_km AS "name_km?: String",
                  r.name_latin AS "name_latin?: String", a.from_on AS "from_on?: NaiveDate",
                  a.until_on AS "until_on?: NaiveDate", a.arrives_at AS "arrives_at?: String",
                  a.leaves_at AS "leaves_at?: String",
                  (SELECT json_group_array(json_array(x.starts_at, x.ends_at, x.returned_at))
                   FROM absence x
                   WHERE x.resident_id = a.resident_id
                     AND (coalesce(x.returned_at, x.ends_at) IS NULL
                          OR coalesce(x.returned_at, x.ends_at) > ?3)) AS "away!: String"
           FROM bed b JOIN room ro ON ro.id = b.room_id JOIN building bu ON bu.id = ro.building_id
           JOIN facility f ON f.id = bu.facility_id
           LEFT JOIN allocation a ON a.bed_id = b.id AND a.from_on IS NOT a.until_on
                AND a.from_on < ?2 AND (a.until_on IS NULL OR a.until_on > ?1)
           LEFT JOIN resident r ON r.id = a.resident_id
           WHERE b.in_service = 1
             AND NOT EXISTS (SELECT 1 FROM bed_loan l
                             WHERE l.bed_id = b.id AND l.until_on > ?1 AND l.from_on < ?2
                               AND l.until_on > l.from_on)
           ORDER BY b.id, a.from_on"#,
        from_on,
        until_on,
        since
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut beds: Vec<(FreeBed, Option<BedOccupant>, bool)> = Vec::new();
    for r in rows {
        if beds
            .last()
            .is_none_or(|(bed, _, _)| bed.place.bed_id != r.bed_id)
        {
            let bed = FreeBed {
                place: BedPlace {
                    bed_id: r.bed_id,
                    building: r.building_code,
                    room: r.room_code,
                    bed: r.bed_code,
                },
                room_id: r.room_id,
                sex: decode(Sex::parse(&r.sex), "sex", &r.sex)?,
                min_age: r.min_age,
                max_age: r.max_age,
                programme: Programme::parse(&r.kind),
            };
            beds.push((bed, None, true));
        }
        let (Some(last), Some(resident_id), Some(name_km), Some(name_latin)) =
            (beds.last_mut(), r.resident_id, r.name_km, r.name_latin)
        else {
            continue;
        };
        let (Some(from), Some(arrives), Some(leaves)) = (r.from_on, r.arrives_at, r.leaves_at)
        else {
            continue;
        };
        let stay = stay(from, r.until_on, &arrives, &leaves)?;
        last.2 &= away_for_loan(&stay, &unpack_away(&r.away)?, from_on, until_on);
        last.1 = Some(BedOccupant {
            resident_id,
            name_km,
            name_latin,
        });
    }
    Ok(beds
        .into_iter()
        .filter(|(_, _, lendable)| *lendable)
        .map(|(bed, occupant, _)| (bed, occupant))
        .collect())
}
