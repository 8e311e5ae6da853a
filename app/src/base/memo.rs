//! Figures computed once per state of the data and shared by every request that asks for
//! the same ones: the first request for a key at a new stamp computes, the requests that
//! arrive meanwhile wait for that one computation, and later ones take its result until the
//! stamp moves on. Nothing here knows what is kept; each caller names its figures by a key
//! and says which state of the data they were read from by a stamp (`hub::Changes` gives the
//! live version and per-topic counts to build one from).
//!
//! A change is announced from SQLite's commit hook, a moment before the commit can be seen
//! by other connections. Figures computed within [`SETTLE`] of the last announcement may have
//! been read without it; they serve until the announcement is `SETTLE` old, and the next
//! request computes them again. Figures that also depend on the clock (an absence becoming
//! overdue) are kept at most [`MAX_AGE`].

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

/// How long after a change was announced its commit is surely visible to every reader.
pub const SETTLE: Duration = Duration::from_millis(250);
/// How long figures are kept when nothing changes.
pub const MAX_AGE: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct Slot {
    stamp: Vec<u64>,
    expires: Instant,
    /// An `OnceCell<Arc<V>>` for the type `V` in the slot's key.
    value: Arc<dyn Any + Send + Sync>,
}

/// The figures kept, by the type kept and its key.
#[derive(Debug, Default)]
pub struct Memo {
    slots: Mutex<HashMap<(TypeId, String), Slot>>,
}

impl Memo {
    /// The figures named `key` as of `stamp`: kept ones when they were computed at that stamp
    /// and are still fresh, else what `compute` returns (shared with whoever asks meanwhile).
    /// `last_change` is when the last change was announced. A failed computation is not kept:
    /// the next request tries again.
    pub async fn get_or_compute<V, E, F, Fut>(
        &self,
        key: &str,
        stamp: &[u64],
        last_change: Option<Instant>,
        compute: F,
    ) -> Result<Arc<V>, E>
    where
        V: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let cell = self.cell::<V>(key, stamp, last_change, Instant::now());
        cell.get_or_try_init(|| async move { compute().await.map(Arc::new) })
            .await
            .map(Arc::clone)
    }

    /// The cell of `key` at `stamp`: the kept one while fresh, else a new one in its place.
    fn cell<V: Send + Sync + 'static>(
        &self,
        key: &str,
        stamp: &[u64],
        last_change: Option<Instant>,
        now: Instant,
    ) -> Arc<OnceCell<Arc<V>>> {
        let key = (TypeId::of::<V>(), key.to_owned());
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = slots.get(&key)
            && slot.stamp == stamp
            && now < slot.expires
            && let Ok(cell) = Arc::clone(&slot.value).downcast::<OnceCell<Arc<V>>>()
        {
            return cell;
        }
        slots.retain(|_, slot| now < slot.expires);
        let cell = Arc::new(OnceCell::new());
        slots.insert(
            key,
            Slot {
                stamp: stamp.to_vec(),
                expires: expiry(now, last_change),
                value: Arc::clone(&cell) as Arc<dyn Any + Send + Sync>,
            },
        );
        cell
    }
}

/// Until when figures computed `now` may serve: [`MAX_AGE`], unless the last change was
/// announced less than [`SETTLE`] ago, when they may lack it and serve only until it has
/// settled.
fn expiry(now: Instant, last_change: Option<Instant>) -> Instant {
    match last_change {
        Some(at) if now.saturating_duration_since(at) < SETTLE => at + SETTLE,
        _ => now + MAX_AGE,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    async fn counted(memo: &Memo, calls: &AtomicUsize, stamp: &[u64], value: u32) -> u32 {
        let got = memo
            .get_or_compute("figures", stamp, None, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok::<_, ()>(value)
            })
            .await;
        got.map(|v| *v).unwrap_or_default()
    }

    #[tokio::test]
    async fn viewers_at_one_stamp_share_one_computation_even_when_they_ask_at_once() {
        let (memo, calls) = (Memo::default(), AtomicUsize::new(0));
        let asks = (0..20).map(|_| counted(&memo, &calls, &[1, 7], 42));
        let answers = futures_util::future::join_all(asks).await;
        assert!(answers.iter().all(|a| *a == 42));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(counted(&memo, &calls, &[1, 7], 43).await, 42);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_new_stamp_computes_again() {
        let (memo, calls) = (Memo::default(), AtomicUsize::new(0));
        assert_eq!(counted(&memo, &calls, &[1, 7], 1).await, 1);
        assert_eq!(counted(&memo, &calls, &[1, 8], 2).await, 2);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_computation_is_not_kept() {
        let memo = Memo::default();
        let failed = memo
            .get_or_compute("figures", &[1], None, || async { Err::<u32, _>("no disk") })
            .await;
        assert_eq!(failed.err(), Some("no disk"));
        let again = memo
            .get_or_compute("figures", &[1], None, || async { Ok::<u32, &str>(5) })
            .await;
        assert_eq!(again.map(|v| *v), Ok(5));
    }

    #[tokio::test]
    async fn each_key_and_type_keeps_its_own() {
        let memo = Memo::default();
        let a = memo
            .get_or_compute("a", &[1], None, || async { Ok::<u32, ()>(1) })
            .await;
        let b = memo
            .get_or_compute("b", &[1], None, || async { Ok::<u32, ()>(2) })
            .await;
        let text = memo
            .get_or_compute("a", &[1], None, || async {
                Ok::<String, ()>("text".into())
            })
            .await;
        assert_eq!((a.map(|v| *v), b.map(|v| *v)), (Ok(1), Ok(2)));
        assert_eq!(text.map(|v| v.as_str().to_owned()), Ok("text".to_owned()));
    }

    #[test]
    fn figures_read_just_after_a_change_serve_only_until_it_has_settled() {
        let now = Instant::now();
        // The change was announced 100 ms ago: its commit may not have been visible.
        let just_after = expiry(now, Some(now - Duration::from_millis(100)));
        assert_eq!(just_after, now + Duration::from_millis(150));
        // Settled: kept until the next change, or MAX_AGE.
        assert_eq!(
            expiry(now, Some(now - Duration::from_secs(1))),
            now + MAX_AGE
        );
        assert_eq!(expiry(now, None), now + MAX_AGE);
    }
}
