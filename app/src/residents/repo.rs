//! SQL of residents.

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use crate::base::db::decode;

use super::model::{Allergen, Diet, Programme, ResidentFields, ResidentRow, Sex, age_on};

/// A line of a residents list as stored; [`RowRecord::into_row`] makes the wire type.
struct RowRecord {
    id: i64,
    name_km: String,
    name_latin: String,
    sex: String,
    born_on: NaiveDate,
    programme: String,
    left_on: Option<NaiveDate>,
    bed: Option<String>,
}

impl RowRecord {
    fn into_row(self, today: NaiveDate) -> Result<ResidentRow, sqlx::Error> {
        Ok(ResidentRow {
            id: self.id,
            sex: decode(Sex::parse(&self.sex), "sex", &self.sex)?,
            programme: decode(
                Programme::parse(&self.programme),
                "programme",
                &self.programme,
            )?,
            age: age_on(self.born_on, today),
            name_km: self.name_km,
            name_latin: self.name_latin,
            born_on: self.born_on,
            bed: self.bed,
            left_on: self.left_on,
        })
    }
}

/// The longest list a search returns: more is not read on a tablet.
pub const SEARCH_LIMIT: i64 = 60;

/// Residents whose name in either script contains `query` (any case), current ones first,
/// then by Latin name; those who left only when `include_left`.
pub async fn search(
    conn: &mut SqliteConnection,
    query: &str,
    include_left: bool,
    today: NaiveDate,
) -> Result<Vec<ResidentRow>, sqlx::Error> {
    let pattern = crate::base::db::contains_pattern(query.trim());
    let rows = sqlx::query_as!(
        RowRecord,
        r#"SELECT r.id AS "id!: i64", r.name_km, r.name_latin, r.sex, r.born_on AS "born_on: NaiveDate",
                  r.programme, r.left_on AS "left_on: NaiveDate",
                  bu.code || ' · ' || ro.code || ' · ' || b.code AS "bed: String"
           FROM resident r
           LEFT JOIN allocation a ON a.resident_id = r.id AND a.until_on IS NULL
           LEFT JOIN bed b ON b.id = a.bed_id
           LEFT JOIN room ro ON ro.id = b.room_id
           LEFT JOIN building bu ON bu.id = ro.building_id
           WHERE (r.name_latin LIKE ?1 ESCAPE '\' OR r.name_km LIKE ?1 ESCAPE '\')
             AND (?2 OR r.left_on IS NULL)
           ORDER BY r.left_on IS NOT NULL, r.name_latin COLLATE NOCASE
           LIMIT ?3"#,
        pattern,
        include_left,
        SEARCH_LIMIT
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|r| r.into_row(today)).collect()
}

/// Current residents with no bed: the waiting list, longest waiting first.
pub async fn waiting_list(
    conn: &mut SqliteConnection,
    today: NaiveDate,
) -> Result<Vec<ResidentRow>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RowRecord,
        r#"SELECT r.id AS "id!: i64", r.name_km, r.name_latin, r.sex, r.born_on AS "born_on: NaiveDate",
                  r.programme, NULL AS "left_on: NaiveDate", NULL AS "bed: String"
           FROM resident r
           WHERE r.left_on IS NULL
             AND NOT EXISTS (SELECT 1 FROM allocation a WHERE a.resident_id = r.id AND a.until_on IS NULL)
           ORDER BY r.admitted_on, r.name_latin COLLATE NOCASE"#
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|r| r.into_row(today)).collect()
}

/// A resident's full row, notes included: callers decide who may see what.
#[derive(Clone, Debug)]
pub struct StoredResident {
    /// The details staff type.
    pub fields: ResidentFields,
    /// The day they left and why.
    pub left: Option<(NaiveDate, String)>,
    pub medical_note: String,
    pub safeguarding_note: String,
    pub sibling_group_id: Option<i64>,
}

/// One resident, or `None`.
pub async fn resident(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<StoredResident>, sqlx::Error> {
    let Some(r) = sqlx::query!(
        r#"SELECT name_km, name_latin, sex, born_on AS "born_on: NaiveDate", grade, programme,
                  admitted_on AS "admitted_on: NaiveDate", left_on AS "left_on: NaiveDate",
                  leaving_reason, diet, allergies, medical_note, safeguarding_note, sibling_group_id
           FROM resident WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(StoredResident {
        fields: ResidentFields {
            sex: decode(Sex::parse(&r.sex), "sex", &r.sex)?,
            programme: decode(Programme::parse(&r.programme), "programme", &r.programme)?,
            diet: decode(Diet::parse(&r.diet), "diet", &r.diet)?,
            allergies: decode(Allergen::split(&r.allergies), "allergies", &r.allergies)?,
            name_km: r.name_km,
            name_latin: r.name_latin,
            born_on: r.born_on,
            grade: r.grade,
            admitted_on: r.admitted_on,
        },
        left: r.left_on.zip(r.leaving_reason),
        medical_note: r.medical_note,
        safeguarding_note: r.safeguarding_note,
        sibling_group_id: r.sibling_group_id,
    }))
}

/// The other residents of a sibling group.
pub async fn siblings(
    conn: &mut SqliteConnection,
    group: i64,
    except: i64,
    today: NaiveDate,
) -> Result<Vec<ResidentRow>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RowRecord,
        r#"SELECT r.id AS "id!: i64", r.name_km, r.name_latin, r.sex, r.born_on AS "born_on: NaiveDate",
                  r.programme, r.left_on AS "left_on: NaiveDate",
                  bu.code || ' · ' || ro.code || ' · ' || b.code AS "bed: String"
           FROM resident r
           LEFT JOIN allocation a ON a.resident_id = r.id AND a.until_on IS NULL
           LEFT JOIN bed b ON b.id = a.bed_id
           LEFT JOIN room ro ON ro.id = b.room_id
           LEFT JOIN building bu ON bu.id = ro.building_id
           WHERE r.sibling_group_id = ? AND r.id <> ?
           ORDER BY r.born_on"#,
        group,
        except
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|r| r.into_row(today)).collect()
}

/// Adds a resident and returns their id.
pub async fn insert(
    conn: &mut SqliteConnection,
    fields: &ResidentFields,
) -> Result<i64, sqlx::Error> {
    let sex = fields.sex.code();
    let programme = fields.programme.code();
    let diet = fields.diet.code();
    let allergies = Allergen::join(&fields.allergies);
    let id = sqlx::query_scalar!(
        r#"INSERT INTO resident (name_km, name_latin, sex, born_on, grade, programme, admitted_on, diet, allergies)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        fields.name_km,
        fields.name_latin,
        sex,
        fields.born_on,
        fields.grade,
        programme,
        fields.admitted_on,
        diet,
        allergies
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The id of the resident with this Latin name (any case) and date of birth.
pub async fn find_by_identity(
    conn: &mut SqliteConnection,
    name_latin: &str,
    born_on: NaiveDate,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM resident WHERE name_latin = ? COLLATE NOCASE AND born_on = ?"#,
        name_latin,
        born_on
    )
    .fetch_optional(&mut *conn)
    .await
}

/// Replaces a resident's details.
pub async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    fields: &ResidentFields,
) -> Result<bool, sqlx::Error> {
    let sex = fields.sex.code();
    let programme = fields.programme.code();
    let diet = fields.diet.code();
    let allergies = Allergen::join(&fields.allergies);
    let done = sqlx::query!(
        "UPDATE resident SET name_km = ?, name_latin = ?, sex = ?, born_on = ?, grade = ?,
                programme = ?, admitted_on = ?, diet = ?, allergies = ?
         WHERE id = ?",
        fields.name_km,
        fields.name_latin,
        sex,
        fields.born_on,
        fields.grade,
        programme,
        fields.admitted_on,
        diet,
        allergies,
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces one of a resident's notes.
pub async fn set_note(
    conn: &mut SqliteConnection,
    id: i64,
    which: super::model::Note,
    note: &str,
) -> Result<bool, sqlx::Error> {
    let done = match which {
        super::model::Note::Medical => {
            sqlx::query!(
                "UPDATE resident SET medical_note = ? WHERE id = ?",
                note,
                id
            )
            .execute(&mut *conn)
            .await?
        }
        super::model::Note::Safeguarding => {
            sqlx::query!(
                "UPDATE resident SET safeguarding_note = ? WHERE id = ?",
                note,
                id
            )
            .execute(&mut *conn)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// Records that a resident left.
pub async fn set_left(
    conn: &mut SqliteConnection,
    id: i64,
    left_on: NaiveDate,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE resident SET left_on = ?, leaving_reason = ? WHERE id = ?",
        left_on,
        reason,
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Puts two residents in one sibling group (merging their groups) and returns the group.
pub async fn link_siblings(
    conn: &mut SqliteConnection,
    a: i64,
    b: i64,
) -> Result<i64, sqlx::Error> {
    let groups = sqlx::query!(
        r#"SELECT id AS "id!: i64", sibling_group_id FROM resident WHERE id IN (?, ?)"#,
        a,
        b
    )
    .fetch_all(&mut *conn)
    .await?;
    if groups.len() != 2 {
        return Err(sqlx::Error::RowNotFound);
    }
    let group = match groups.iter().find_map(|g| g.sibling_group_id) {
        Some(group) => group,
        None => {
            sqlx::query_scalar!(
                r#"INSERT INTO sibling_group DEFAULT VALUES RETURNING id AS "id!: i64""#
            )
            .fetch_one(&mut *conn)
            .await?
        }
    };
    for old in groups.iter().filter_map(|g| g.sibling_group_id) {
        sqlx::query!(
            "UPDATE resident SET sibling_group_id = ? WHERE sibling_group_id = ?",
            group,
            old
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!(
        "UPDATE resident SET sibling_group_id = ? WHERE id IN (?, ?)",
        group,
        a,
        b
    )
    .execute(&mut *conn)
    .await?;
    Ok(group)
}

/// Takes a resident out of their sibling group.
pub async fn unlink_sibling(conn: &mut SqliteConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE resident SET sibling_group_id = NULL WHERE id = ?",
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A stored import file: who uploaded it, its name and text, and how far it has run.
#[derive(Clone, Debug)]
pub struct StoredImport {
    /// `staff_user.id` of the uploader.
    pub created_by: i64,
    pub file_name: String,
    /// Its text.
    pub csv: String,
    /// Whether it was confirmed.
    pub confirmed: bool,
    /// Rows dealt with.
    pub done_rows: i64,
    /// Residents added.
    pub added: i64,
}

/// Keeps an uploaded file until it is confirmed; returns its id.
pub async fn insert_import(
    conn: &mut SqliteConnection,
    created_by: i64,
    now: i64,
    file_name: &str,
    csv: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO resident_import (created_by, created_at, file_name, csv) VALUES (?, ?, ?, ?)
           RETURNING id AS "id!: i64""#,
        created_by,
        now,
        file_name,
        csv
    )
    .fetch_one(&mut *conn)
    .await
}

/// One stored import.
pub async fn import(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<StoredImport>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT created_by AS "created_by!: i64", file_name, csv, confirmed_at, done_rows, added
           FROM resident_import WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| StoredImport {
        created_by: r.created_by,
        file_name: r.file_name,
        csv: r.csv,
        confirmed: r.confirmed_at.is_some(),
        done_rows: r.done_rows,
        added: r.added,
    }))
}

/// Records how far an import has run.
pub async fn set_import_progress(
    conn: &mut SqliteConnection,
    id: i64,
    now: i64,
    done_rows: i64,
    added: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE resident_import SET confirmed_at = coalesce(confirmed_at, ?), done_rows = ?, added = ?
         WHERE id = ?",
        now,
        done_rows,
        added,
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The names and diets of residents by id (for late changes about someone with no bed).
pub async fn resident_names(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<std::collections::BTreeMap<i64, (String, String, Diet)>, sqlx::Error> {
    let ids = serde_json::to_string(ids).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", name_km, name_latin, diet FROM resident
           WHERE id IN (SELECT value FROM json_each(?))"#,
        ids
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let diet = Diet::parse(&r.diet)
                .ok_or_else(|| sqlx::Error::Decode(format!("unknown diet {:?}", r.diet).into()))?;
            Ok((r.id, (r.name_km, r.name_latin, diet)))
        })
        .collect()
}
