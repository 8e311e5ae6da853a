//! The change hub: every committed write is seen by SQLite's hooks on the connection that
//! made it, whichever domain made it, and announced here as the topics it touched. The live
//! dashboards listen (`dashboard::live`); nothing here knows what they show.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::Duration;

use chrono::Datelike;
use sqlx::SqliteConnection;
use tokio::sync::{broadcast, watch};

use super::changes::{Topics, Version};

/// A committed change: its number in this run of the server, and what it touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    /// Its number: the count of changes committed so far.
    pub seq: u64,
    /// What it touched.
    pub topics: Topics,
}

#[derive(Debug)]
struct Hub {
    sender: broadcast::Sender<Change>,
    seq: AtomicU64,
    /// Changes committed so far, by topic (one counter per bit of `Topics`).
    by_topic: [AtomicU64; 8],
    /// When the last change was announced.
    last_change: std::sync::Mutex<Option<std::time::Instant>>,
    epoch: u64,
    /// Whether any connection announces its writes here: until one does, nothing is kept.
    watching: std::sync::atomic::AtomicBool,
    memo: super::memo::Memo,
    closing: watch::Sender<bool>,
    streams: std::sync::Mutex<Streams>,
}

/// Live streams open at once for one session at most: a dashboard and a tab or two. One more
/// closes the oldest, so a session cannot hold the server's connections by opening many.
pub const STREAMS_PER_SESSION: usize = 3;

/// The live streams open, by session (the hash of its token), oldest first, each with the
/// switch that closes it.
#[derive(Debug, Default)]
struct Streams {
    next_id: u64,
    open: std::collections::HashMap<String, std::collections::VecDeque<(u64, watch::Sender<bool>)>>,
}

/// One open stream's place among its session's; it leaves when dropped (the stream ended).
#[derive(Debug)]
pub struct StreamTicket {
    hub: Arc<Hub>,
    session: String,
    id: u64,
    closed: watch::Receiver<bool>,
}

impl StreamTicket {
    /// Completes when a newer stream of the same session has closed this one.
    pub async fn closed_for_newer(&mut self) {
        if self.closed.wait_for(|closed| *closed).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Whether a newer stream of the same session has closed this one.
    pub fn is_closed(&self) -> bool {
        *self.closed.borrow()
    }
}

impl Drop for StreamTicket {
    fn drop(&mut self) {
        let mut streams = self
            .hub
            .streams
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(open) = streams.open.get_mut(&self.session) {
            open.retain(|(id, _)| *id != self.id);
            if open.is_empty() {
                streams.open.remove(&self.session);
            }
        }
    }
}

/// The changes committed by this server, for whoever listens. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Changes {
    hub: Arc<Hub>,
    /// How long each live stream lasts.
    lifetime: Duration,
}

/// How many changes a slow listener may fall behind before it is told to fetch everything.
const BACKLOG: usize = 256;

/// How long a stream lasts before the browser reconnects, which checks the session again.
pub const STREAM_LIFETIME: Duration = Duration::from_secs(15 * 60);

impl Default for Changes {
    fn default() -> Self {
        Self::new()
    }
}

impl Changes {
    /// A hub for a new run of the server: its epoch differs from every earlier run's.
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(BACKLOG);
        let (closing, _) = watch::channel(false);
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_micros() as u64);
        Changes {
            hub: Arc::new(Hub {
                sender,
                seq: AtomicU64::new(0),
                by_topic: Default::default(),
                last_change: std::sync::Mutex::default(),
                epoch,
                watching: std::sync::atomic::AtomicBool::new(false),
                memo: super::memo::Memo::default(),
                closing,
                streams: std::sync::Mutex::default(),
            }),
            lifetime: STREAM_LIFETIME,
        }
    }

    /// Opens a stream for `session`, closing its oldest when it already has
    /// [`STREAMS_PER_SESSION`].
    pub fn open_stream(&self, session: &str) -> StreamTicket {
        let mut streams = self
            .hub
            .streams
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        streams.next_id += 1;
        let id = streams.next_id;
        let open = streams.open.entry(session.to_owned()).or_default();
        while open.len() >= STREAMS_PER_SESSION {
            if let Some((_, close)) = open.pop_front() {
                close.send_replace(true);
            }
        }
        let (close, closed) = watch::channel(false);
        open.push_back((id, close));
        StreamTicket {
            hub: self.hub.clone(),
            session: session.to_owned(),
            id,
            closed,
        }
    }

    /// How long each live stream lasts.
    pub fn stream_lifetime(&self) -> Duration {
        self.lifetime
    }

    /// Turns true when the server is shutting down.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.hub.closing.subscribe()
    }

    /// The same hub, its live streams lasting `lifetime` (`STREAM_LIFETIME` by default).
    pub fn with_stream_lifetime(self, lifetime: Duration) -> Self {
        Changes { lifetime, ..self }
    }

    /// The version of the data now: read it before reading the data, so a change committed
    /// meanwhile shows as newer.
    pub fn version(&self) -> Version {
        Version {
            epoch: self.hub.epoch,
            seq: self.hub.seq.load(Ordering::SeqCst),
            day: crate::base::clock::today_at_centre().num_days_from_ce(),
        }
    }

    /// How many changes touching any of `topics` were committed in this run: figures read
    /// only from those topics' tables are the same while it stays the same. Read it before
    /// reading the data, as [`Changes::version`].
    pub fn count_of(&self, topics: Topics) -> u64 {
        self.hub
            .by_topic
            .iter()
            .enumerate()
            .filter(|(bit, _)| topics.0 & (1 << bit) != 0)
            .map(|(_, count)| count.load(Ordering::SeqCst))
            .sum()
    }

    /// The stamp of figures read only from the tables of `topics` on the centre's day: the
    /// same while none of them changes. Read it before reading the data.
    pub fn stamp_of(&self, topics: Topics) -> [u64; 3] {
        let version = self.version();
        [
            version.epoch,
            u64::from(version.day.unsigned_abs()),
            self.count_of(topics),
        ]
    }

    /// The figures computed from this run's data, shared by every request (`base::memo`):
    /// `stamp` says which state of the data they were read from.
    pub async fn memo<V, E, F, Fut>(
        &self,
        key: &str,
        stamp: &[u64],
        compute: F,
    ) -> Result<std::sync::Arc<V>, E>
    where
        V: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        // A hub no connection reports to cannot tell when figures change: keep nothing.
        if !self.hub.watching.load(Ordering::Relaxed) {
            return compute().await.map(std::sync::Arc::new);
        }
        let last_change = *self
            .hub
            .last_change
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.hub
            .memo
            .get_or_compute(key, stamp, last_change, compute)
            .await
    }

    /// Announces a committed change.
    pub fn publish(&self, topics: Topics) {
        if topics.is_empty() {
            return;
        }
        *self
            .hub
            .last_change
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(std::time::Instant::now());
        for (bit, count) in self.hub.by_topic.iter().enumerate() {
            if topics.0 & (1 << bit) != 0 {
                count.fetch_add(1, Ordering::SeqCst);
            }
        }
        let seq = self.hub.seq.fetch_add(1, Ordering::SeqCst) + 1;
        // Nobody listening is not an error.
        let _ = self.hub.sender.send(Change { seq, topics });
    }

    /// Listens to the changes from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.hub.sender.subscribe()
    }

    /// Ends every live stream: the server is shutting down, and would otherwise wait for
    /// them forever.
    pub fn close(&self) {
        self.hub.closing.send_replace(true);
    }

    /// Installs the hooks that announce this connection's committed writes: the update hook
    /// notes which tables a transaction wrote, the commit hook announces them, and the
    /// rollback hook forgets them.
    pub async fn watch(&self, conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        self.hub.watching.store(true, Ordering::Relaxed);
        let written = Arc::new(AtomicU8::new(0));
        let mut handle = conn.lock_handle().await?;
        let noted = Arc::clone(&written);
        handle.set_update_hook(move |update| {
            noted.fetch_or(Topics::of_table(update.table).0, Ordering::Relaxed);
        });
        let committed = Arc::clone(&written);
        let hub = self.clone();
        handle.set_commit_hook(move || {
            hub.publish(Topics(committed.swap(0, Ordering::Relaxed)));
            true
        });
        handle.set_rollback_hook(move || {
            written.store(0, Ordering::Relaxed);
        });
        Ok(())
    }
}
