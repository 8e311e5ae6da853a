//! The start and the end every staff write server function shares: the guard before anything
//! else, then the pool, who writes and the time at the centre; and, once the record is
//! written, the way back to the page with its saved notice.

use chrono::NaiveDate;
use sqlx::SqlitePool;

use super::access::{Role, Writer};
use super::error::AppError;

/// What a staff write has once the caller passed the guard.
pub struct Write {
    /// Whoever writes, as the record and its audit entry take it.
    pub by: Writer,
    pub pool: SqlitePool,
    /// The day at the centre (Asia/Phnom_Penh), for the rules that look at today.
    pub today: NaiveDate,
    /// The instant, Unix seconds.
    pub now: i64,
    /// The same instant, Unix milliseconds.
    pub now_ms: i64,
}

/// Lets a staff member holding one of `roles` through (401 or 403 otherwise, before anything
/// else happens), with what the write needs.
pub async fn staff(roles: &[Role]) -> Result<Write, AppError> {
    let staff = super::guard::require(roles).await?;
    let now_ms = super::clock::now_ms();
    Ok(Write {
        by: Writer::staff(&staff),
        pool: super::db::pool()?,
        today: super::clock::today_at_centre(),
        now: now_ms.div_euclid(1000),
        now_ms,
    })
}

/// Sends the browser back to `page` (a local path, with its query and `#anchor` if any) with
/// the saved notice: the end of a write server function.
pub fn saved(page: &str) -> Result<(), AppError> {
    leptos_axum::redirect(&with_saved(page));
    Ok(())
}

/// `page` with `saved=1` added to its query, before any `#anchor`.
pub fn with_saved(page: &str) -> String {
    with_flag(page, "saved")
}

/// `page` with `<flag>=1` added to its query, before any `#anchor`: a page showing more than
/// one kind of notice (`base::ui::SavedNotice`) tells them apart.
pub fn with_flag(page: &str, flag: &str) -> String {
    let (path, anchor) = page
        .split_once('#')
        .map_or((page, None), |(p, a)| (p, Some(a)));
    let glue = if path.contains('?') { '&' } else { '?' };
    match anchor {
        Some(anchor) => format!("{path}{glue}{flag}=1#{anchor}"),
        None => format!("{path}{glue}{flag}=1"),
    }
}

#[cfg(test)]
mod tests {
    use super::{with_flag, with_saved};

    #[test]
    fn the_saved_notice_goes_into_the_query_before_the_anchor() {
        assert_eq!(with_saved("/beds/4"), "/beds/4?saved=1");
        assert_eq!(
            with_saved("/visits/days/2#slots"),
            "/visits/days/2?saved=1#slots"
        );
        assert_eq!(
            with_saved("/canteen/day?on=2026-12-04#lunch"),
            "/canteen/day?on=2026-12-04&saved=1#lunch"
        );
        assert_eq!(with_saved("/visits?x=1"), "/visits?x=1&saved=1");
        assert_eq!(
            with_flag("/roll/2?night=2026-12-20#c7", "resolved"),
            "/roll/2?night=2026-12-20&resolved=1#c7"
        );
    }
}
