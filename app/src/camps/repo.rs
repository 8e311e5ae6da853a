//! SQL of camps: camps, groups and their monitors, programmes, campers and guardians, places,
//! and each camp day's check-in and pick-up.

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use super::model::{
    Activity, Camp, CampRules, CampToday, CamperDay, CamperLine, CamperPlace, DayRow, DayStatus,
    Group, Guardian, Kind, Meals, NewCamp, NewCamper, NewGuardian, Uncollected,
};
use crate::base::db::{decode, hhmm, stored_time as time};
use crate::centre::model::Name;
use crate::people::model::Relationship;
use crate::residents::model::{Allergen, Diet, Sex, age_on};

fn sex(raw: &str) -> Result<Sex, sqlx::Error> {
    decode(Sex::parse(raw), "sex", raw)
}

/// A stored diet, read.
pub fn diet(raw: &str) -> Result<Diet, sqlx::Error> {
    decode(Diet::parse(raw), "diet", raw)
}

/// Stored allergies, read.
pub fn allergies(raw: &str) -> Result<Vec<Allergen>, sqlx::Error> {
    decode(Allergen::split(raw), "allergies", raw)
}

/// A row of `camp` with its facility's names and its places taken.
struct CampRow {
    id: i64,
    name: String,
    facility_km: String,
    facility_latin: String,
    kind: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    min_age: i64,
    max_age: i64,
    places: i64,
    meals: i64,
    day_ends_at: String,
    taken: i64,
}

impl CampRow {
    fn camp(self) -> Result<Camp, sqlx::Error> {
        let age = |n: i64| i32::try_from(n).unwrap_or_default();
        Ok(Camp {
            id: self.id,
            name: self.name,
            facility: Name {
                khmer: self.facility_km,
                latin: self.facility_latin,
            },
            kind: decode(Kind::parse(&self.kind), "camp kind", &self.kind)?,
            meals: Meals(u8::try_from(self.meals).unwrap_or_default()),
            day_ends_at: time(&self.day_ends_at)?,
            rules: CampRules {
                starts_on: self.starts_on,
                ends_on: self.ends_on,
                min_age: age(self.min_age),
                max_age: age(self.max_age),
                places: self.places,
            },
            taken: self.taken,
        })
    }
}

/// Every camp, newest first; only those with a group `monitor` watches when given.
pub async fn camps(
    conn: &mut SqliteConnection,
    monitor: Option<i64>,
) -> Result<Vec<Camp>, sqlx::Error> {
    camps_where(conn, monitor, None).await
}

/// One camp.
pub async fn camp(conn: &mut SqliteConnection, id: i64) -> Result<Option<Camp>, sqlx::Error> {
    Ok(camps_where(conn, None, Some(id)).await?.pop())
}

/// The camps with a group `monitor` watches (all when none), or camp `id` alone.
async fn camps_where(
    conn: &mut SqliteConnection,
    monitor: Option<i64>,
    id: Option<i64>,
) -> Result<Vec<Camp>, sqlx::Error> {
    let rows = sqlx::query_as!(
        CampRow,
        r#"SELECT c.id AS "id!", c.name, f.name_km AS facility_km, f.name_latin AS facility_latin,
                  c.kind, c.starts_on AS "starts_on: NaiveDate", c.ends_on AS "ends_on: NaiveDate",
                  c.min_age, c.max_age, c.places, c.meals, c.day_ends_at,
                  (SELECT count(*) FROM camp_place p WHERE p.camp_id = c.id) AS "taken!: i64"
           FROM camp c JOIN facility f ON f.id = c.facility_id
           WHERE (?1 IS NULL OR c.id IN (
                     SELECT g.camp_id FROM camp_group g JOIN camp_monitor m ON m.group_id = g.id
                     WHERE m.staff_user_id = ?1))
             AND (?2 IS NULL OR c.id = ?2)
           ORDER BY c.starts_on DESC, c.name"#,
        monitor,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(CampRow::camp).collect()
}

/// Adds a camp; returns its id.
pub async fn insert_camp(conn: &mut SqliteConnection, camp: &NewCamp) -> Result<i64, sqlx::Error> {
    let kind = camp.kind.code();
    let meals = i64::from(camp.meals.0);
    let day_ends_at = hhmm(camp.day_ends_at);
    let id = sqlx::query_scalar!(
        r#"INSERT INTO camp (name, facility_id, kind, starts_on, ends_on, min_age, max_age,
                             places, meals, day_ends_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        camp.name,
        camp.facility_id,
        kind,
        camp.starts_on,
        camp.ends_on,
        camp.min_age,
        camp.max_age,
        camp.places,
        meals,
        day_ends_at
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// A row of `camp_group` with its monitors' names (tab-separated) and campers.
struct GroupRow {
    id: i64,
    camp_id: i64,
    name: String,
    monitors: String,
    campers: i64,
}

impl From<GroupRow> for Group {
    fn from(row: GroupRow) -> Group {
        Group {
            id: row.id,
            camp_id: row.camp_id,
            name: row.name,
            monitors: row
                .monitors
                .split('\t')
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect(),
            campers: row.campers,
        }
    }
}

/// The groups of `camp` (every camp's when none), by name; only those `monitor` watches when
/// given.
pub async fn groups(
    conn: &mut SqliteConnection,
    camp: Option<i64>,
    monitor: Option<i64>,
) -> Result<Vec<Group>, sqlx::Error> {
    groups_where(conn, (camp, monitor), None).await
}

/// One group.
pub async fn group(conn: &mut SqliteConnection, id: i64) -> Result<Option<Group>, sqlx::Error> {
    Ok(groups_where(conn, (None, None), Some(id)).await?.pop())
}

/// The groups of `camp` that `monitor` watches (each filter when given), or group `id` alone.
async fn groups_where(
    conn: &mut SqliteConnection,
    (camp, monitor): (Option<i64>, Option<i64>),
    id: Option<i64>,
) -> Result<Vec<Group>, sqlx::Error> {
    let rows = sqlx::query_as!(
        GroupRow,
        r#"SELECT g.id AS "id!", g.camp_id, g.name,
                  coalesce((SELECT group_concat(s.display_name, char(9))
                            FROM camp_monitor m JOIN staff_user s ON s.id = m.staff_user_id
                            WHERE m.group_id = g.id), '') AS "monitors!: String",
                  (SELECT count(*) FROM camp_place p WHERE p.group_id = g.id) AS "campers!: i64"
           FROM camp_group g
           WHERE (?1 IS NULL OR g.camp_id = ?1)
             AND (?2 IS NULL OR g.id IN (SELECT group_id FROM camp_monitor WHERE staff_user_id = ?2))
             AND (?3 IS NULL OR g.id = ?3)
           ORDER BY g.camp_id DESC, g.name"#,
        camp,
        monitor,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(Group::from).collect())
}

/// Whether `staff_id` monitors group `group_id`.
pub async fn monitors_group(
    conn: &mut SqliteConnection,
    staff_id: i64,
    group_id: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM camp_monitor WHERE staff_user_id = ? AND group_id = ?)
           AS "yes!: bool""#,
        staff_id,
        group_id
    )
    .fetch_one(&mut *conn)
    .await
}

/// Adds a group to a camp; returns its id.
pub async fn insert_group(
    conn: &mut SqliteConnection,
    camp_id: i64,
    name: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO camp_group (camp_id, name) VALUES (?, ?) RETURNING id AS "id!: i64""#,
        camp_id,
        name
    )
    .fetch_one(&mut *conn)
    .await
}

/// Makes `staff_id` a monitor of the group (nothing if they are already).
pub async fn add_monitor(
    conn: &mut SqliteConnection,
    group_id: i64,
    staff_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO camp_monitor (group_id, staff_user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        group_id,
        staff_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A group's programme on `day`, by time.
pub async fn programme(
    conn: &mut SqliteConnection,
    group_id: i64,
    day: NaiveDate,
) -> Result<Vec<Activity>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT day AS "day: NaiveDate", starts_at, ends_at, place, what FROM camp_activity
           WHERE group_id = ? AND day = ? ORDER BY starts_at, id"#,
        group_id,
        day
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Activity {
                day: r.day,
                starts_at: time(&r.starts_at)?,
                ends_at: time(&r.ends_at)?,
                place: r.place,
                what: r.what,
            })
        })
        .collect()
}

/// Adds an activity to a group's programme; returns its id.
pub async fn insert_activity(
    conn: &mut SqliteConnection,
    group_id: i64,
    activity: &Activity,
) -> Result<i64, sqlx::Error> {
    let (starts_at, ends_at) = (hhmm(activity.starts_at), hhmm(activity.ends_at));
    sqlx::query_scalar!(
        r#"INSERT INTO camp_activity (group_id, day, starts_at, ends_at, place, what)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        group_id,
        activity.day,
        starts_at,
        ends_at,
        activity.place,
        activity.what
    )
    .fetch_one(&mut *conn)
    .await
}

/// The camper entered with this Latin name and date of birth, if any: the same child is
/// never entered twice.
pub async fn camper_by_identity(
    conn: &mut SqliteConnection,
    name_latin: &str,
    born_on: NaiveDate,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM camper
           WHERE name_latin = ? COLLATE NOCASE AND born_on = ?"#,
        name_latin,
        born_on
    )
    .fetch_optional(&mut *conn)
    .await
}

/// Adds a camper; returns their id.
pub async fn insert_camper(
    conn: &mut SqliteConnection,
    camper: &NewCamper,
    resident_id: Option<i64>,
    (by, at): (Option<i64>, i64),
) -> Result<i64, sqlx::Error> {
    let sex = camper.sex.code();
    let diet = camper.diet.code();
    let allergies = Allergen::join(&camper.allergies);
    sqlx::query_scalar!(
        r#"INSERT INTO camper (name_km, name_latin, sex, born_on, diet, allergies, medical_note,
                               resident_id, registered_by, registered_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        camper.name_km,
        camper.name_latin,
        sex,
        camper.born_on,
        diet,
        allergies,
        camper.medical_note,
        resident_id,
        by,
        at
    )
    .fetch_one(&mut *conn)
    .await
}

/// A camper's guardians, those who may collect first, then by name.
pub async fn guardians(
    conn: &mut SqliteConnection,
    camper_id: i64,
) -> Result<Vec<Guardian>, sqlx::Error> {
    Ok(guardians_where(conn, (Some(camper_id), None))
        .await?
        .remove(&camper_id)
        .unwrap_or_default())
}

/// The guardians of camper `camper` or of every child of group `group` (either filter when
/// given), by camper: those who may collect first, then by name. One query for a whole group.
async fn guardians_where(
    conn: &mut SqliteConnection,
    (camper, group): (Option<i64>, Option<i64>),
) -> Result<std::collections::HashMap<i64, Vec<Guardian>>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT g.camper_id, g.id AS "id!", g.name, g.phone, g.relationship,
                  g.may_collect AS "may_collect: bool"
           FROM camp_guardian g
           WHERE (?1 IS NULL OR g.camper_id = ?1)
             AND (?2 IS NULL OR g.camper_id IN (SELECT camper_id FROM camp_place WHERE group_id = ?2))
           ORDER BY g.camper_id, g.may_collect DESC, g.name"#,
        camper,
        group
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut by_camper: std::collections::HashMap<i64, Vec<Guardian>> =
        std::collections::HashMap::new();
    for r in rows {
        let relationship = Relationship::parse(&r.relationship);
        by_camper.entry(r.camper_id).or_default().push(Guardian {
            relationship: decode(relationship, "relationship", &r.relationship)?,
            id: r.id,
            name: r.name,
            phone: r.phone,
            may_collect: r.may_collect,
        });
    }
    Ok(by_camper)
}

/// Adds a guardian to a camper, or updates the one with the same phone; returns whether
/// anything changed.
pub async fn upsert_guardian(
    conn: &mut SqliteConnection,
    camper_id: i64,
    guardian: &NewGuardian,
) -> Result<bool, sqlx::Error> {
    let relationship = guardian.relationship.code();
    let done = sqlx::query!(
        "INSERT INTO camp_guardian (camper_id, name, phone, relationship, may_collect)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (camper_id, phone) DO UPDATE SET
             name = excluded.name, relationship = excluded.relationship,
             may_collect = excluded.may_collect
         WHERE (name, relationship, may_collect)
               IS NOT (excluded.name, excluded.relationship, excluded.may_collect)",
        camper_id,
        guardian.name,
        guardian.phone,
        relationship,
        guardian.may_collect
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many places of a camp are taken, and whether `camper_id` holds one.
pub async fn places_taken(
    conn: &mut SqliteConnection,
    camp_id: i64,
    camper_id: i64,
) -> Result<(i64, bool), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT count(*) AS "taken!: i64",
                  coalesce(sum(camper_id = ?2), 0) AS "mine!: i64"
           FROM camp_place WHERE camp_id = ?1"#,
        camp_id,
        camper_id
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.taken, row.mine > 0))
}

/// Gives a camper a place in a camp's group.
pub async fn insert_place(
    conn: &mut SqliteConnection,
    (camp_id, group_id, camper_id): (i64, i64, i64),
    (by, at): (Option<i64>, i64),
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO camp_place (camp_id, camper_id, group_id, registered_by, registered_at)
         VALUES (?, ?, ?, ?, ?)",
        camp_id,
        camper_id,
        group_id,
        by,
        at
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The campers of a camp, by group and name, with their age on its first day.
pub async fn campers_of(
    conn: &mut SqliteConnection,
    camp_id: i64,
    starts_on: NaiveDate,
) -> Result<Vec<CamperLine>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT k.id AS "id!", k.name_km, k.name_latin, k.sex, k.born_on AS "born_on: NaiveDate",
                  g.name AS "group_name"
           FROM camp_place p JOIN camper k ON k.id = p.camper_id
           JOIN camp_group g ON g.id = p.group_id
           WHERE p.camp_id = ? ORDER BY g.name, k.name_latin COLLATE NOCASE"#,
        camp_id
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(CamperLine {
                id: r.id,
                name_km: r.name_km,
                name_latin: r.name_latin,
                sex: sex(&r.sex)?,
                age: age_on(r.born_on, starts_on),
                group: r.group_name,
            })
        })
        .collect()
}

/// The camp and group a camper holds a place in through group `group_id`, if they do.
pub async fn in_group(
    conn: &mut SqliteConnection,
    group_id: i64,
    camper_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT camp_id AS "camp_id!: i64" FROM camp_place WHERE group_id = ? AND camper_id = ?"#,
        group_id,
        camper_id
    )
    .fetch_optional(&mut *conn)
    .await
}

/// A group's campers on `day` as their monitors see them, by name.
pub async fn day_rows(
    conn: &mut SqliteConnection,
    group_id: i64,
    day: NaiveDate,
) -> Result<Vec<DayRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT k.id AS "id!", k.name_km, k.name_latin, k.sex, k.born_on AS "born_on: NaiveDate",
                  k.diet, k.allergies, d.status AS "status?: String",
                  cg.name AS "collected_by?: String"
           FROM camp_place p JOIN camper k ON k.id = p.camper_id
           LEFT JOIN camp_day d ON d.camp_id = p.camp_id AND d.camper_id = p.camper_id AND d.day = ?1
           LEFT JOIN camp_guardian cg ON cg.id = d.guardian_id
           WHERE p.group_id = ?2 ORDER BY k.name_latin COLLATE NOCASE"#,
        day,
        group_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut guardians = guardians_where(conn, (None, Some(group_id))).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let status = match r.status {
            Some(raw) => Some(decode(DayStatus::parse(&raw), "camp day status", &raw)?),
            None => None,
        };
        out.push(DayRow {
            camper_id: r.id,
            guardians: guardians.remove(&r.id).unwrap_or_default(),
            name_km: r.name_km,
            name_latin: r.name_latin,
            sex: sex(&r.sex)?,
            age: age_on(r.born_on, day),
            diet: diet(&r.diet)?,
            allergies: allergies(&r.allergies)?,
            status,
            collected_by: r.collected_by,
        });
    }
    Ok(out)
}

/// Where a camper stands on a camp day, if marked: with when the morning's mark counts as made
/// and when they left, if they have.
pub async fn day_mark(
    conn: &mut SqliteConnection,
    (camp_id, day, camper_id): (i64, NaiveDate, i64),
) -> Result<Option<(DayStatus, i64, Option<i64>)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT status, marked_at, left_at FROM camp_day
         WHERE camp_id = ? AND day = ? AND camper_id = ?",
        camp_id,
        day,
        camper_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        let status = decode(DayStatus::parse(&r.status), "camp day status", &r.status)?;
        Ok((status, r.marked_at, r.left_at))
    })
    .transpose()
}

/// Checks a camper in (present) or marks them absent on a camp day, by `by`, the mark counting
/// as made at `at`.
pub async fn set_checked_in(
    conn: &mut SqliteConnection,
    (camp_id, day, camper_id): (i64, NaiveDate, i64),
    present: bool,
    (by, at): (Option<i64>, i64),
) -> Result<(), sqlx::Error> {
    let status = if present {
        DayStatus::Present
    } else {
        DayStatus::Absent
    }
    .code();
    sqlx::query!(
        "INSERT INTO camp_day (camp_id, camper_id, day, status, marked_at, marked_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (camp_id, day, camper_id) DO UPDATE SET
             status = excluded.status, marked_at = excluded.marked_at,
             marked_by = excluded.marked_by",
        camp_id,
        camper_id,
        day,
        status,
        at,
        by
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a camper leaving: collected by `guardian_id`, or handed over to house staff (none).
pub async fn set_left(
    conn: &mut SqliteConnection,
    (camp_id, day, camper_id): (i64, NaiveDate, i64),
    guardian_id: Option<i64>,
    (by, at): (Option<i64>, i64),
) -> Result<(), sqlx::Error> {
    let status = if guardian_id.is_some() {
        DayStatus::Collected
    } else {
        DayStatus::HandedOver
    }
    .code();
    sqlx::query!(
        "UPDATE camp_day SET status = ?, guardian_id = ?, left_at = ?, left_by = ?
         WHERE camp_id = ? AND day = ? AND camper_id = ? AND status = 'present'",
        status,
        guardian_id,
        at,
        by,
        camp_id,
        day,
        camper_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The names (Khmer script, Latin letters) of the campers `ids`, by id: one query.
pub async fn names(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, (String, String)>, sqlx::Error> {
    let list = serde_json::to_string(ids).unwrap_or_default();
    let rows = sqlx::query!(
        r#"SELECT k.id AS "id!: i64", k.name_km, k.name_latin
           FROM camper k JOIN json_each(?) j ON j.value = k.id"#,
        list
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, (r.name_km, r.name_latin)))
        .collect())
}

/// A camper's file: (names, sex, born on, diet, allergies, medical note, resident).
pub async fn camper(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<CamperFile>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT name_km, name_latin, sex, born_on AS "born_on: NaiveDate", diet, allergies,
                  medical_note, resident_id FROM camper WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(CamperFile {
            name_km: r.name_km,
            name_latin: r.name_latin,
            sex: sex(&r.sex)?,
            born_on: r.born_on,
            diet: diet(&r.diet)?,
            allergies: allergies(&r.allergies)?,
            medical_note: r.medical_note,
            resident_id: r.resident_id,
        })
    })
    .transpose()
}

/// What `camper` reads of a camper's record.
pub struct CamperFile {
    pub name_km: String,
    pub name_latin: String,
    pub sex: Sex,
    pub born_on: NaiveDate,
    pub diet: Diet,
    pub allergies: Vec<Allergen>,
    pub medical_note: String,
    pub resident_id: Option<i64>,
}

/// The camps a camper has held a place in, newest first.
pub async fn places_of(
    conn: &mut SqliteConnection,
    camper_id: i64,
) -> Result<Vec<CamperPlace>, sqlx::Error> {
    sqlx::query_as!(
        CamperPlace,
        r#"SELECT c.id AS "camp_id!", c.name AS camp, c.starts_on AS "starts_on: NaiveDate",
                  c.ends_on AS "ends_on: NaiveDate", g.name AS "group"
           FROM camp_place p JOIN camp c ON c.id = p.camp_id JOIN camp_group g ON g.id = p.group_id
           WHERE p.camper_id = ? ORDER BY c.starts_on DESC"#,
        camper_id
    )
    .fetch_all(&mut *conn)
    .await
}

/// Children checked in at a day camp on or before `today` and still on site, with when they
/// were to be collected by; only those of `monitor`'s groups when given. By day, then name.
pub async fn still_on_site(
    conn: &mut SqliteConnection,
    today: NaiveDate,
    monitor: Option<i64>,
) -> Result<Vec<Uncollected>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT k.id AS "camper_id!", k.name_km, k.name_latin, g.id AS "group_id!",
                  g.name AS "group_name", d.day AS "day: NaiveDate", c.day_ends_at
           FROM camp_day d
           JOIN camp c ON c.id = d.camp_id AND c.kind = 'day'
           JOIN camp_place p ON p.camp_id = d.camp_id AND p.camper_id = d.camper_id
           JOIN camp_group g ON g.id = p.group_id
           JOIN camper k ON k.id = d.camper_id
           WHERE d.status = 'present' AND d.day <= ?1
             AND (?2 IS NULL OR g.id IN (SELECT group_id FROM camp_monitor WHERE staff_user_id = ?2))
           ORDER BY d.day, k.name_latin COLLATE NOCASE"#,
        today,
        monitor
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Uncollected {
                camper_id: r.camper_id,
                name_km: r.name_km,
                name_latin: r.name_latin,
                group_id: r.group_id,
                group: r.group_name,
                day: r.day,
                due: time(&r.day_ends_at)?,
            })
        })
        .collect()
}

/// The camps running on `day`, with their campers counted by where they stand.
pub async fn camps_on(
    conn: &mut SqliteConnection,
    day: NaiveDate,
) -> Result<Vec<CampToday>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.id AS "id!", c.name, c.kind,
                  (SELECT count(*) FROM camp_place p WHERE p.camp_id = c.id) AS "registered!: i64",
                  coalesce(sum(d.status <> 'absent'), 0) AS "checked_in!: i64",
                  coalesce(sum(d.status IN ('collected', 'handed_over')), 0) AS "collected!: i64",
                  coalesce(sum(d.status = 'present'), 0) AS "on_site!: i64",
                  coalesce(sum(d.status = 'absent'), 0) AS "absent!: i64"
           FROM camp c LEFT JOIN camp_day d ON d.camp_id = c.id AND d.day = ?1
           WHERE ?1 BETWEEN c.starts_on AND c.ends_on
           GROUP BY c.id ORDER BY c.name"#,
        day
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(CampToday {
                camp_id: r.id,
                name: r.name,
                kind: decode(Kind::parse(&r.kind), "camp kind", &r.kind)?,
                registered: r.registered,
                checked_in: r.checked_in,
                collected: r.collected,
                on_site: r.on_site,
                absent: r.absent,
                in_beds: None,
            })
        })
        .collect()
}

/// The children not collected by the end of their camp day as of `now` (Unix seconds); only
/// those of `monitor`'s groups when given.
pub async fn uncollected(
    conn: &mut SqliteConnection,
    now: i64,
    monitor: Option<i64>,
) -> Result<Vec<Uncollected>, sqlx::Error> {
    let local = crate::base::clock::local(now);
    Ok(still_on_site(conn, local.date(), monitor)
        .await?
        .into_iter()
        .filter(|u| super::model::pick_up_overdue(u.day, u.due, local))
        .collect())
}

/// The day camps' children expected at the centre each day from `from` to `until`
/// (inclusive), as things stand `today` (`model::expected_on`): two queries whatever the span.
/// A resident at a camp is not among them: they are here as a resident. A residential camp's
/// children are here by night, in the beds lent to them (housing reads those).
pub async fn expected_between(
    conn: &mut SqliteConnection,
    (from, until): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Result<Vec<CamperDay>, sqlx::Error> {
    let places = sqlx::query!(
        r#"SELECT c.id AS "camp_id!", c.starts_on AS "starts_on: NaiveDate",
                  c.ends_on AS "ends_on: NaiveDate", c.meals, k.id AS "camper_id!", k.diet,
                  k.allergies
           FROM camp c JOIN camp_place p ON p.camp_id = c.id JOIN camper k ON k.id = p.camper_id
           WHERE c.starts_on <= ?2 AND c.ends_on >= ?1 AND k.resident_id IS NULL
             AND c.kind = 'day'"#,
        from,
        until
    )
    .fetch_all(&mut *conn)
    .await?;
    if places.is_empty() {
        return Ok(Vec::new());
    }
    let marks = sqlx::query!(
        r#"SELECT camp_id, camper_id, day AS "day: NaiveDate", status FROM camp_day
           WHERE day BETWEEN ?1 AND ?2"#,
        from,
        until
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut status = std::collections::HashMap::new();
    for m in marks {
        let parsed = decode(DayStatus::parse(&m.status), "camp day status", &m.status)?;
        status.insert((m.camp_id, m.camper_id, m.day), parsed);
    }
    let mut out = Vec::new();
    for p in places {
        let (diet, allergies) = (diet(&p.diet)?, allergies(&p.allergies)?);
        let meals = Meals(u8::try_from(p.meals).unwrap_or_default());
        let (first, last) = (p.starts_on.max(from), p.ends_on.min(until));
        let days = first.iter_days().take_while(|d| *d <= last).filter(|day| {
            let marked = status.get(&(p.camp_id, p.camper_id, *day)).copied();
            super::model::expected_on(*day, today, marked)
        });
        out.extend(CamperDay::on_days(
            p.camper_id,
            days,
            meals,
            (diet, &allergies),
        ));
    }
    Ok(out)
}

/// The camper who is resident `resident_id`, if they have joined a camp before.
pub async fn camper_of_resident(
    conn: &mut SqliteConnection,
    resident_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM camper WHERE resident_id = ?"#,
        resident_id
    )
    .fetch_optional(&mut *conn)
    .await
}

/// Links camper `id` to the resident they are (entered as a camper before being admitted).
pub async fn link_resident(
    conn: &mut SqliteConnection,
    id: i64,
    resident_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE camper SET resident_id = ? WHERE id = ? AND resident_id IS NULL",
        resident_id,
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Current residents who could join camp `camp_id`: not in it yet, and within its age band
/// on its first day. (id, Khmer name, Latin name), by Latin name.
pub async fn residents_for(
    conn: &mut SqliteConnection,
    camp: &Camp,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.id AS "id!", r.name_km, r.name_latin, r.born_on AS "born_on: NaiveDate"
           FROM resident r
           WHERE r.left_on IS NULL
             AND NOT EXISTS (SELECT 1 FROM camper k JOIN camp_place p ON p.camper_id = k.id
                             WHERE k.resident_id = r.id AND p.camp_id = ?)
           ORDER BY r.name_latin COLLATE NOCASE"#,
        camp.id
    )
    .fetch_all(&mut *conn)
    .await?;
    let band = camp.rules.min_age..=camp.rules.max_age;
    Ok(rows
        .into_iter()
        .filter(|r| band.contains(&age_on(r.born_on, camp.rules.starts_on)))
        .map(|r| (r.id, r.name_km, r.name_latin))
        .collect())
}

/// Stores a file of children uploaded for `camp_id` by `by` at `at`; its id.
pub async fn insert_import(
    conn: &mut SqliteConnection,
    camp_id: i64,
    (by, at): (i64, i64),
    file_name: &str,
    csv: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO camper_import (camp_id, created_by, created_at, file_name, csv)
           VALUES (?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        camp_id,
        by,
        at,
        file_name,
        csv
    )
    .fetch_one(&mut *conn)
    .await
}

/// A stored file of children: for which camp, its name and text, and whether it was confirmed
/// and how many it registered.
pub struct StoredImport {
    pub camp_id: i64,
    pub file_name: String,
    pub csv: String,
    pub confirmed: bool,
    pub added: i64,
}

/// A stored file of children, or `None`.
pub async fn import(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<StoredImport>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT camp_id, file_name, csv, confirmed_at, added FROM camper_import WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| StoredImport {
        camp_id: r.camp_id,
        file_name: r.file_name,
        csv: r.csv,
        confirmed: r.confirmed_at.is_some(),
        added: r.added,
    }))
}

/// Marks a file confirmed at `at`, having registered `added`; false when it was already.
pub async fn set_import_done(
    conn: &mut SqliteConnection,
    id: i64,
    at: i64,
    added: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE camper_import SET confirmed_at = ?, added = ? WHERE id = ? AND confirmed_at IS NULL",
        at,
        added,
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every child who came to a camp (Latin name in lower case, date of birth), and whether they
/// hold a place in `camp_id`: what an import's preview checks its rows against.
pub async fn identities(
    conn: &mut SqliteConnection,
    camp_id: i64,
) -> Result<Vec<(String, NaiveDate, bool)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT lower(k.name_latin) AS "name!: String", k.born_on AS "born_on: NaiveDate",
                  EXISTS (SELECT 1 FROM camp_place p WHERE p.camper_id = k.id AND p.camp_id = ?)
                      AS "in_camp!: bool"
           FROM camper k"#,
        camp_id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.name, r.born_on, r.in_camp))
        .collect())
}
