//! SQL of the centre domain.

use sqlx::{SqliteConnection, SqlitePool};

use super::model::{Facility, FacilityKind, Name};

/// The centre's name, if a centre has been set up.
pub async fn centre_name(pool: &SqlitePool) -> Result<Option<(i64, Name)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!: i64", name_km, name_latin FROM centre ORDER BY id LIMIT 1"#
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        (
            r.id,
            Name {
                khmer: r.name_km,
                latin: r.name_latin,
            },
        )
    }))
}

/// The centre's facilities, boarding school first.
pub async fn facilities(pool: &SqlitePool, centre_id: i64) -> Result<Vec<Facility>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!: i64", kind, name_km, name_latin, capacity
           FROM facility WHERE centre_id = ? ORDER BY kind = 'camp', kind, id"#,
        centre_id
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let kind = FacilityKind::parse(&r.kind).ok_or_else(|| {
                sqlx::Error::Decode(format!("unknown facility kind {:?}", r.kind).into())
            })?;
            Ok(Facility {
                id: r.id,
                kind,
                name: Name {
                    khmer: r.name_km,
                    latin: r.name_latin,
                },
                capacity: r.capacity,
            })
        })
        .collect()
}

/// Creates the centre with this code unless it exists, and returns its id.
pub async fn ensure_centre(
    conn: &mut SqliteConnection,
    code: &str,
    name: &Name,
) -> Result<i64, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO centre (code, name_km, name_latin) VALUES (?, ?, ?) ON CONFLICT (code) DO NOTHING",
        code,
        name.khmer,
        name.latin
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM centre WHERE code = ?"#,
        code
    )
    .fetch_one(&mut *conn)
    .await
}

/// Creates the facility with this code in the centre unless it exists, and returns its id.
pub async fn ensure_facility(
    conn: &mut SqliteConnection,
    centre_id: i64,
    code: &str,
    kind: FacilityKind,
    name: &Name,
    capacity: i64,
) -> Result<i64, sqlx::Error> {
    let kind = kind.code();
    sqlx::query!(
        "INSERT INTO facility (centre_id, code, kind, name_km, name_latin, capacity)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (centre_id, code) DO NOTHING",
        centre_id,
        code,
        kind,
        name.khmer,
        name.latin,
        capacity
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM facility WHERE centre_id = ? AND code = ?"#,
        centre_id,
        code
    )
    .fetch_one(&mut *conn)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn the_schema_refuses_an_unknown_facility_kind(pool: SqlitePool) -> sqlx::Result<()> {
        let mut conn = pool.acquire().await?;
        let name = Name {
            khmer: "ក".into(),
            latin: "A".into(),
        };
        let centre_id = ensure_centre(&mut conn, "T", &name).await?;
        let refused = sqlx::query!(
            "INSERT INTO facility (centre_id, code, kind, name_km, name_latin, capacity)
             VALUES (?, 'X', 'hotel', 'ក', 'A', 1)",
            centre_id
        )
        .execute(&mut *conn)
        .await;
        assert!(
            refused.is_err(),
            "a facility kind outside the list must be refused"
        );
        let negative = sqlx::query!(
            "INSERT INTO facility (centre_id, code, kind, name_km, name_latin, capacity)
             VALUES (?, 'Y', 'camp', 'ក', 'A', -1)",
            centre_id
        )
        .execute(&mut *conn)
        .await;
        assert!(negative.is_err(), "a negative capacity must be refused");
        Ok(())
    }
}
