//! The demo centre: Phnom Penh, its boarding school and its student residences.

use sqlx::SqliteConnection;

use crate::centre::model::{FacilityKind, Name};
use crate::centre::repo::{ensure_centre, ensure_facility};

/// The demo centre's code.
pub const DEMO_CENTRE_CODE: &str = "PNH";

/// The demo centre's two facilities.
#[derive(Clone, Copy, Debug)]
pub struct DemoCentre {
    /// The boarding school's id.
    pub boarding_school: i64,
    /// The student residences' id.
    pub residences: i64,
}

/// Seeds the demo centre: Phnom Penh, its boarding school and its student residences.
pub async fn seed_demo(conn: &mut SqliteConnection) -> Result<DemoCentre, sqlx::Error> {
    let centre = Name {
        khmer: "មជ្ឈមណ្ឌលភ្នំពេញ".into(),
        latin: "Phnom Penh centre".into(),
    };
    let centre_id = ensure_centre(conn, DEMO_CENTRE_CODE, &centre).await?;
    let school = Name {
        khmer: "សាលាស្នាក់នៅភ្នំពេញ".into(),
        latin: "Phnom Penh boarding school".into(),
    };
    let boarding_school = ensure_facility(
        conn,
        centre_id,
        "PNH-BS",
        FacilityKind::BoardingSchool,
        &school,
        160,
    )
    .await?;
    let residences = Name {
        khmer: "អន្តេវាសិកដ្ឋាននិស្សិតភ្នំពេញ".into(),
        latin: "Phnom Penh student residences".into(),
    };
    let residences = ensure_facility(
        conn,
        centre_id,
        "PNH-RES",
        FacilityKind::Residence,
        &residences,
        250,
    )
    .await?;
    Ok(DemoCentre {
        boarding_school,
        residences,
    })
}

#[cfg(test)]
mod tests {
    use sqlx::SqlitePool;

    use super::*;
    use crate::centre::repo::{centre_name, facilities};

    #[sqlx::test(migrator = "crate::base::db::MIGRATOR")]
    async fn seeding_twice_creates_the_centre_once(pool: SqlitePool) -> sqlx::Result<()> {
        let mut conn = pool.acquire().await?;
        seed_demo(&mut conn).await?;
        seed_demo(&mut conn).await?;
        drop(conn);
        let (id, name) = centre_name(&pool).await?.expect("the centre exists");
        assert_eq!(name.latin, "Phnom Penh centre");
        let facilities = facilities(&pool, id).await?;
        let kinds: Vec<_> = facilities.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [FacilityKind::BoardingSchool, FacilityKind::Residence]
        );
        assert_eq!(facilities.iter().map(|f| f.capacity).sum::<i64>(), 410);
        Ok(())
    }
}
