//! SQL of rooms, beds and allocations.

use chrono::{NaiveDate, NaiveTime};
use sqlx::SqliteConnection;

use super::model::{
    AllocationEntry, BedCell, BedPlace, BuildingSummary, Changeover, FreeBed, Lent, OccupancyRow,
    Occupant, Placement, Room, SiblingRoom, parse_clock,
};
use crate::residents::model::{Programme, Sex};

fn sex(raw: &str) -> Result<Sex, sqlx::Error> {
    Sex::parse(raw).ok_or_else(|| sqlx::Error::Decode(format!("unknown sex {raw:?}").into()))
}

/// Every building with its beds in service and those occupied on `day`.
pub async fn buildings(
    conn: &mut SqliteConnection,
    day: NaiveDate,
) -> Result<Vec<BuildingSummary>, sqlx::Error> {
    buildings_where(conn, day, None).await
}

/// One building's summary.
pub async fn building(
    conn: &mut SqliteConnection,
    id: i64,
    day: NaiveDate,
) -> Result<Option<BuildingSummary>, sqlx::Error> {
    Ok(buildings_where(conn, day, Some(id)).await?.pop())
}

/// The buildings, or only the one with id `only`.
async fn buildings_where(
    conn: &mut SqliteConnection,
    day: NaiveDate,
    only: Option<i64>,
) -> Result<Vec<BuildingSummary>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT bu.id AS "id!: i64", bu.code, bu.name_km, bu.name_latin,
                  f.name_km AS facility_km, f.name_latin AS facility_latin,
                  (SELECT count(*) FROM bed b JOIN room r ON r.id = b.room_id
                    WHERE r.building_id = bu.id AND b.in_service = 1) AS "beds!: i64",
                  (SELECT count(*) FROM allocation a JOIN bed b ON b.id = a.bed_id
                    JOIN room r ON r.id = b.room_id
                    WHERE r.building_id = bu.id AND a.from_on <= ?1
                      AND (a.until_on IS NULL OR a.until_on > ?1)) AS "occupied!: i64"
           FROM building bu JOIN facility f ON f.id = bu.facility_id
           WHERE ?2 IS NULL OR bu.id = ?2
           ORDER BY f.kind = 'camp', f.kind, bu.code"#,
        day,
        only
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| BuildingSummary {
            id: r.id,
            code: r.code,
            name_km: r.name_km,
            name_latin: r.name_latin,
            facility_km: r.facility_km,
            facility_latin: r.facility_latin,
            beds: r.beds,
            occupied: r.occupied,
        })
        .collect())
}

/// A building's rooms and beds with who sleeps in each now, and each bed's next loan not over
/// by `night` (the one of tonight, if it is lent tonight).
pub async fn rooms(
    conn: &mut SqliteConnection,
    building_id: i64,
    night: NaiveDate,
) -> Result<Vec<Room>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT ro.id AS "room_id!: i64", ro.code AS room_code, ro.sex, ro.min_age AS "min_age!: i32",
                  ro.max_age AS "max_age!: i32", b.id AS "bed_id?: i64", b.code AS "bed_code?: String",
                  b.in_service AS "in_service?: bool", r.id AS "resident_id?: i64",
                  r.name_km AS "name_km?: String", r.name_latin AS "name_latin?: String",
                  l.id AS "loan_id?: i64", l.camp_id AS "camp_id?: i64",
                  l.camper_id AS "camper_id?: i64", l.from_on AS "loan_from?: NaiveDate",
                  l.until_on AS "loan_until?: NaiveDate", k.name_km AS "camper_km?: String",
                  k.name_latin AS "camper_latin?: String"
           FROM room ro
           LEFT JOIN bed b ON b.room_id = ro.id
           LEFT JOIN allocation a ON a.bed_id = b.id AND a.until_on IS NULL
           LEFT JOIN resident r ON r.id = a.resident_id
           LEFT JOIN bed_loan l ON l.id = (
                SELECT id FROM bed_loan WHERE bed_id = b.id AND until_on > ?2 AND until_on > from_on
                ORDER BY from_on LIMIT 1)
           LEFT JOIN camper k ON k.id = l.camper_id
           WHERE ro.building_id = ?1
           ORDER BY length(ro.code), ro.code, length(b.code), b.code"#,
        building_id,
        night
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut rooms: Vec<Room> = Vec::new();
    for r in rows {
        if rooms.last().is_none_or(|room| room.id != r.room_id) {
            rooms.push(Room {
                id: r.room_id,
                code: r.room_code,
                sex: sex(&r.sex)?,
                min_age: r.min_age,
                max_age: r.max_age,
                beds: Vec::new(),
            });
        }
        if let (Some(room), Some(id), Some(code)) = (rooms.last_mut(), r.bed_id, r.bed_code) {
            let occupant = match (r.resident_id, r.name_km, r.name_latin) {
                (Some(resident_id), Some(name_km), Some(name_latin)) => Some(Occupant {
                    resident_id,
                    name_km,
                    name_latin,
                }),
                _ => None,
            };
            let lent = match (
                r.loan_id,
                r.camp_id,
                r.camper_id,
                r.camper_km,
                r.camper_latin,
                r.loan_from,
                r.loan_until,
            ) {
                (
                    Some(loan_id),
                    Some(camp_id),
                    Some(camper_id),
                    Some(name_km),
                    Some(name_latin),
                    Some(from_on),
                    Some(until_on),
                ) => Some(Lent {
                    loan_id,
                    camp_id,
                    camper_id,
                    name_km,
                    name_latin,
                    from_on,
                    until_on,
                }),
                _ => None,
            };
            room.beds.push(BedCell {
                id,
                code,
                in_service: r.in_service.unwrap_or(false),
                occupant,
                lent,
            });
        }
    }
    Ok(rooms)
}

/// A bed: where it is, its room's rules and whether it is in service.
#[derive(Clone, Debug)]
pub struct StoredBed {
    /// Where.
    pub place: BedPlace,
    pub building_id: i64,
    /// The room and its rules.
    pub room: FreeBed,
    /// Whether it may be slept in.
    pub in_service: bool,
}

/// One bed, or `None`.
pub async fn bed(conn: &mut SqliteConnection, id: i64) -> Result<Option<StoredBed>, sqlx::Error> {
    let Some(r) = sqlx::query!(
        r#"SELECT b.id AS "id!: i64", b.code, b.in_service AS "in_service!: bool",
                  ro.id AS "room_id!: i64", ro.code AS room_code, ro.sex,
                  ro.min_age AS "min_age!: i32", ro.max_age AS "max_age!: i32",
                  bu.id AS "building_id!: i64", bu.code AS building_code, f.kind
           FROM bed b JOIN room ro ON ro.id = b.room_id JOIN building bu ON bu.id = ro.building_id
           JOIN facility f ON f.id = bu.facility_id
           WHERE b.id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let place = BedPlace {
        bed_id: r.id,
        building: r.building_code,
        room: r.room_code,
        bed: r.code,
    };
    Ok(Some(StoredBed {
        room: FreeBed {
            place: place.clone(),
            room_id: r.room_id,
            sex: sex(&r.sex)?,
            min_age: r.min_age,
            max_age: r.max_age,
            programme: Programme::parse(&r.kind),
        },
        place,
        building_id: r.building_id,
        in_service: r.in_service,
    }))
}

/// Beds in service with nobody in them now (and no one due in them later).
pub async fn free_beds(
    conn: &mut SqliteConnection,
    day: NaiveDate,
) -> Result<Vec<FreeBed>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT b.id AS "id!: i64", b.code, ro.id AS "room_id!: i64", ro.code AS room_code, ro.sex,
                  ro.min_age AS "min_age!: i32", ro.max_age AS "max_age!: i32",
                  bu.code AS building_code, f.kind
           FROM bed b JOIN room ro ON ro.id = b.room_id JOIN building bu ON bu.id = ro.building_id
           JOIN facility f ON f.id = bu.facility_id
           WHERE b.in_service = 1
             AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.bed_id = b.id AND a.until_on IS NULL)
             AND NOT EXISTS (SELECT 1 FROM bed_loan l
                             WHERE l.bed_id = b.id AND l.until_on > ?1 AND l.until_on > l.from_on)
           ORDER BY bu.code, length(ro.code), ro.code, length(b.code), b.code"#,
        day
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(FreeBed {
                place: BedPlace {
                    bed_id: r.id,
                    building: r.building_code,
                    room: r.room_code,
                    bed: r.code,
                },
                room_id: r.room_id,
                sex: sex(&r.sex)?,
                min_age: r.min_age,
                max_age: r.max_age,
                programme: Programme::parse(&r.kind),
            })
        })
        .collect()
}

/// When a resident came and, if they have, left.
#[derive(Clone, Copy, Debug)]
pub struct Stay {
    /// The day they came.
    pub admitted_on: NaiveDate,
    /// The day they left.
    pub left_on: Option<NaiveDate>,
}

/// What the placement rules need about a resident, or `None` if there is no such resident.
pub async fn placement(
    conn: &mut SqliteConnection,
    resident_id: i64,
) -> Result<Option<(Placement, Stay)>, sqlx::Error> {
    let Some(r) = sqlx::query!(
        r#"SELECT sex, born_on AS "born_on: NaiveDate", programme, left_on AS "left_on: NaiveDate",
                  admitted_on AS "admitted_on: NaiveDate", sibling_group_id
           FROM resident WHERE id = ?"#,
        resident_id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let sibling_rooms = sqlx::query!(
        r#"SELECT DISTINCT b.room_id AS "room_id!: i64", ro.sex, f.kind
           FROM resident s JOIN allocation a ON a.resident_id = s.id AND a.until_on IS NULL
           JOIN bed b ON b.id = a.bed_id JOIN room ro ON ro.id = b.room_id
           JOIN building bu ON bu.id = ro.building_id JOIN facility f ON f.id = bu.facility_id
           WHERE s.sibling_group_id = ? AND s.id <> ?"#,
        r.sibling_group_id,
        resident_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|room| {
        Ok(SiblingRoom {
            room_id: room.room_id,
            sex: sex(&room.sex)?,
            programme: Programme::parse(&room.kind),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let programme = Programme::parse(&r.programme).ok_or_else(|| {
        sqlx::Error::Decode(format!("unknown programme {:?}", r.programme).into())
    })?;
    Ok(Some((
        Placement {
            sex: sex(&r.sex)?,
            born_on: r.born_on,
            programme,
            sibling_rooms,
        },
        Stay {
            admitted_on: r.admitted_on,
            left_on: r.left_on,
        },
    )))
}

/// The current allocation of a resident: its id, bed and first night.
pub async fn current_of_resident(
    conn: &mut SqliteConnection,
    resident_id: i64,
) -> Result<Option<(i64, i64, NaiveDate)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!: i64", bed_id AS "bed_id!: i64", from_on AS "from_on: NaiveDate"
           FROM allocation WHERE resident_id = ? AND until_on IS NULL"#,
        resident_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| (r.id, r.bed_id, r.from_on)))
}

/// The current allocation of a bed: its id, resident and first night.
pub async fn current_of_bed(
    conn: &mut SqliteConnection,
    bed_id: i64,
) -> Result<Option<(i64, i64, NaiveDate)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!: i64", resident_id AS "resident_id!: i64", from_on AS "from_on: NaiveDate"
           FROM allocation WHERE bed_id = ? AND until_on IS NULL"#,
        bed_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| (r.id, r.resident_id, r.from_on)))
}

/// Whether the bed or resident has an allocation starting after `day` (a booking ahead).
pub async fn starts_after(
    conn: &mut SqliteConnection,
    bed_id: i64,
    resident_id: i64,
    day: NaiveDate,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM allocation
           WHERE (bed_id = ? OR resident_id = ?) AND from_on > ?"#,
        bed_id,
        resident_id,
        day
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// Starts an allocation, arriving at `starts`, and returns its id.
pub async fn insert_allocation(
    conn: &mut SqliteConnection,
    resident_id: i64,
    bed_id: i64,
    starts: Changeover,
    override_reason: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let arrives = starts.clock();
    sqlx::query_scalar!(
        r#"INSERT INTO allocation (resident_id, bed_id, from_on, arrives_at, override_reason)
           VALUES (?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        resident_id,
        bed_id,
        starts.on,
        arrives,
        override_reason
    )
    .fetch_one(&mut *conn)
    .await
}

/// Ends an allocation, leaving at `ends`: its day is the first night elsewhere.
pub async fn end_allocation(
    conn: &mut SqliteConnection,
    id: i64,
    ends: Changeover,
) -> Result<(), sqlx::Error> {
    let leaves = ends.clock();
    sqlx::query!(
        "UPDATE allocation SET until_on = ?, leaves_at = ? WHERE id = ?",
        ends.on,
        leaves,
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Allocations of a bed or of a resident, newest first.
pub async fn history(
    conn: &mut SqliteConnection,
    bed_id: Option<i64>,
    resident_id: Option<i64>,
) -> Result<Vec<AllocationEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT a.id AS "id!: i64", a.resident_id AS "resident_id!: i64", r.name_latin, r.name_km,
                  a.bed_id AS "bed_id!: i64", bu.code AS building, ro.code AS room, b.code AS bed,
                  a.from_on AS "from_on: NaiveDate", a.until_on AS "until_on: NaiveDate",
                  a.arrives_at, a.leaves_at, a.override_reason
           FROM allocation a JOIN resident r ON r.id = a.resident_id
           JOIN bed b ON b.id = a.bed_id JOIN room ro ON ro.id = b.room_id
           JOIN building bu ON bu.id = ro.building_id
           WHERE (?1 IS NULL OR a.bed_id = ?1) AND (?2 IS NULL OR a.resident_id = ?2)
           ORDER BY a.from_on DESC, a.id DESC
           LIMIT 200"#,
        bed_id,
        resident_id
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AllocationEntry {
                id: r.id,
                resident_id: r.resident_id,
                name_latin: r.name_latin,
                name_km: r.name_km,
                place: BedPlace {
                    bed_id: r.bed_id,
                    building: r.building,
                    room: r.room,
                    bed: r.bed,
                },
                from_on: r.from_on,
                arrives: time_of_day(&r.arrives_at)?,
                until_on: r.until_on,
                leaves: time_of_day(&r.leaves_at)?,
                override_reason: r.override_reason,
            })
        })
        .collect()
}

/// An allocation's arrival or departure as stored (`HH:MM`).
fn time_of_day(text: &str) -> Result<NaiveTime, sqlx::Error> {
    parse_clock(text)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown time of day {text:?}").into()))
}

/// Beds in service and beds slept in on `day`, by facility and the rooms' sex.
pub async fn occupancy(
    conn: &mut SqliteConnection,
    day: NaiveDate,
) -> Result<Vec<OccupancyRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT f.name_km, f.name_latin, ro.sex,
                  sum(b.in_service) AS "beds!: i64",
                  count(a.id) AS "occupied!: i64"
           FROM bed b JOIN room ro ON ro.id = b.room_id JOIN building bu ON bu.id = ro.building_id
           JOIN facility f ON f.id = bu.facility_id
           LEFT JOIN allocation a ON a.bed_id = b.id AND a.from_on <= ?1
                                  AND (a.until_on IS NULL OR a.until_on > ?1)
           GROUP BY f.id, ro.sex
           ORDER BY f.kind = 'camp', f.kind, ro.sex"#,
        day
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(OccupancyRow {
                facility_km: r.name_km,
                facility_latin: r.name_latin,
                sex: sex(&r.sex)?,
                beds: r.beds,
                occupied: r.occupied,
            })
        })
        .collect()
}

/// Adds a building to a facility and returns its id.
pub async fn insert_building(
    conn: &mut SqliteConnection,
    facility_id: i64,
    code: &str,
    name_km: &str,
    name_latin: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO building (facility_id, code, name_km, name_latin) VALUES (?, ?, ?, ?)
           RETURNING id AS "id!: i64""#,
        facility_id,
        code,
        name_km,
        name_latin
    )
    .fetch_one(&mut *conn)
    .await
}

/// Adds a room with `beds` beds numbered from 1, and returns its id.
pub async fn insert_room(
    conn: &mut SqliteConnection,
    building_id: i64,
    code: &str,
    sex: Sex,
    ages: (i32, i32),
    beds: u32,
) -> Result<i64, sqlx::Error> {
    let sex = sex.code();
    let room = sqlx::query_scalar!(
        r#"INSERT INTO room (building_id, code, sex, min_age, max_age) VALUES (?, ?, ?, ?, ?)
           RETURNING id AS "id!: i64""#,
        building_id,
        code,
        sex,
        ages.0,
        ages.1
    )
    .fetch_one(&mut *conn)
    .await?;
    for n in 1..=beds {
        let code = n.to_string();
        sqlx::query!("INSERT INTO bed (room_id, code) VALUES (?, ?)", room, code)
            .execute(&mut *conn)
            .await?;
    }
    Ok(room)
}

/// Puts a bed in or out of service.
pub async fn set_in_service(
    conn: &mut SqliteConnection,
    bed_id: i64,
    in_service: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE bed SET in_service = ? WHERE id = ?",
        in_service,
        bed_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds a bed to a room, numbered one more than its highest number; returns the bed's id and
/// the room's building, or `None` when there is no such room.
pub async fn insert_next_bed(
    conn: &mut SqliteConnection,
    room_id: i64,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let Some(room) = sqlx::query!(
        r#"SELECT building_id AS "building_id!: i64",
                  (SELECT coalesce(max(CAST(code AS INTEGER)), 0) FROM bed WHERE room_id = room.id) AS "last!: i64"
           FROM room WHERE id = ?"#,
        room_id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let code = (room.last + 1).to_string();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO bed (room_id, code) VALUES (?, ?) RETURNING id AS "id!: i64""#,
        room_id,
        code
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some((id, room.building_id)))
}

/// The loans not over by `day` (the current one first): of a bed, of a camp, of a camper,
/// as far as each is given.
pub async fn loans(
    conn: &mut SqliteConnection,
    (bed_id, camp_id, camper_id): (Option<i64>, Option<i64>, Option<i64>),
    day: NaiveDate,
) -> Result<Vec<(BedPlace, Lent)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT l.id AS "id!: i64", l.bed_id AS "bed_id!: i64", l.camp_id AS "camp_id!: i64",
                  l.camper_id AS "camper_id!: i64", l.from_on AS "from_on!: NaiveDate",
                  l.until_on AS "until_on!: NaiveDate", k.name_km, k.name_latin,
                  b.code AS bed_code, ro.code AS room_code, bu.code AS building_code
           FROM bed_loan l JOIN camper k ON k.id = l.camper_id JOIN bed b ON b.id = l.bed_id
           JOIN room ro ON ro.id = b.room_id JOIN building bu ON bu.id = ro.building_id
           WHERE (?1 IS NULL OR l.bed_id = ?1) AND (?2 IS NULL OR l.camp_id = ?2)
             AND (?3 IS NULL OR l.camper_id = ?3)
             AND l.until_on > ?4 AND l.until_on > l.from_on
           ORDER BY l.from_on, l.id"#,
        bed_id,
        camp_id,
        camper_id,
        day
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                BedPlace {
                    bed_id: r.bed_id,
                    building: r.building_code,
                    room: r.room_code,
                    bed: r.bed_code,
                },
                Lent {
                    loan_id: r.id,
                    camp_id: r.camp_id,
                    camper_id: r.camper_id,
                    name_km: r.name_km,
                    name_latin: r.name_latin,
                    from_on: r.from_on,
                    until_on: r.until_on,
                },
            )
        })
        .collect())
}

/// Lends `bed_id` to a camper of `camp_id` for the nights from `from_on` until `until_on`, and
/// returns the loan's id. The schema refuses what breaks a rule.
pub async fn insert_loan(
    conn: &mut SqliteConnection,
    (camp_id, camper_id): (i64, i64),
    bed_id: i64,
    (from_on, until_on): (NaiveDate, NaiveDate),
    (lent_by, lent_at): (Option<i64>, i64),
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO bed_loan (bed_id, camp_id, camper_id, from_on, until_on, lent_by, lent_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        bed_id,
        camp_id,
        camper_id,
        from_on,
        until_on,
        lent_by,
        lent_at
    )
    .fetch_one(&mut *conn)
    .await
}

/// Ends a loan early: the bed is given back on the morning of `until_on`.
pub async fn end_loan(
    conn: &mut SqliteConnection,
    id: i64,
    until_on: NaiveDate,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE bed_loan SET until_on = ? WHERE id = ?",
        until_on,
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
