//! Live updates: every committed write is seen by SQLite's hooks on the connection that made
//! it, whichever domain made it, and announced to the open dashboards over server-sent
//! events. A dashboard that hears of a change it cares about fetches its data again, through
//! the same server function and role check as the first time.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Timelike;
use futures_util::Stream;
use tokio::sync::{broadcast, watch};

use crate::base::access::Role;
use crate::base::changes::{Topics, Version};
use crate::base::db::AppState;
use crate::base::guard::require_in_handler;
use crate::base::hub::{Change, Changes, StreamTicket};
use crate::base::i18n::Lang;

/// How long a live stream gathers changes before it tells the dashboard, so a burst of
/// writes (a whole roll marked present) costs one fetch, not hundreds.
const GATHER: Duration = Duration::from_millis(150);

/// How long a browser waits before reconnecting after a dropped stream.
const RETRY: Duration = Duration::from_secs(2);

/// The event that tells a dashboard the live version (`hello` on connecting, `change` after).
fn version_event(kind: &'static str, version: Version) -> Event {
    Event::default()
        .event(kind)
        .id(version.seq.to_string())
        .data(version.encode())
}

/// The time left until midnight at the centre.
fn until_midnight() -> Duration {
    let now = chrono::Utc::now().with_timezone(&crate::base::clock::phnom_penh());
    let seconds = u64::from(now.num_seconds_from_midnight());
    Duration::from_secs(86_400 - seconds.min(86_399))
}

/// One viewer's stream, between events.
struct Listener {
    changes: Changes,
    receiver: broadcast::Receiver<Change>,
    closing: watch::Receiver<bool>,
    watched: Topics,
    deadline: tokio::time::Instant,
    hello: Option<Event>,
    ticket: Option<StreamTicket>,
}

impl Listener {
    /// The live version after the next burst of changes this viewer cares about; none when
    /// the stream should end.
    async fn next_change(&mut self) -> Option<Version> {
        loop {
            let received = tokio::select! {
                () = tokio::time::sleep_until(self.deadline) => return None,
                // A new day at the centre: every dashboard shows another day's figures.
                () = tokio::time::sleep(until_midnight()) => None,
                _ = self.closing.wait_for(|closing| *closing) => return None,
                // A newer stream of the same session took this one's place.
                () = closed_for_newer(self.ticket.as_mut()) => return None,
                received = self.receiver.recv() => Some(received),
            };
            match received {
                Some(Ok(change)) if !change.topics.meets(self.watched) => continue,
                // Fell behind: some changes were missed, so fetch anyway.
                None | Some(Ok(_) | Err(broadcast::error::RecvError::Lagged(_))) => {}
                Some(Err(broadcast::error::RecvError::Closed)) => return None,
            }
            tokio::time::sleep(GATHER).await;
            while let Ok(_) | Err(broadcast::error::TryRecvError::Lagged(_)) =
                self.receiver.try_recv()
            {}
            return Some(self.changes.version());
        }
    }
}

/// Completes when a newer stream of the session has closed this one; never without a ticket.
async fn closed_for_newer(ticket: Option<&mut StreamTicket>) {
    match ticket {
        Some(ticket) => ticket.closed_for_newer().await,
        None => std::future::pending().await,
    }
}

/// What one viewer's stream sends: `hello` with the live version at once (so a dashboard
/// that reconnects catches up), then `change` after each gathered burst of changes that
/// touch `watched`; it ends when the server shuts down, or after `lifetime` (the browser
/// then reconnects, and the session is checked again).
pub fn events(
    changes: Changes,
    watched: Topics,
    lifetime: Duration,
    ticket: Option<StreamTicket>,
) -> impl Stream<Item = Result<Event, Infallible>> + Send + 'static {
    let listener = Listener {
        receiver: changes.subscribe(),
        closing: changes.closing(),
        hello: Some(version_event("hello", changes.version()).retry(RETRY)),
        changes,
        watched,
        deadline: tokio::time::Instant::now() + lifetime,
        ticket,
    };
    futures_util::stream::unfold(listener, |mut listener| async move {
        if let Some(hello) = listener.hello.take() {
            return Some((Ok(hello), listener));
        }
        let version = listener.next_change().await?;
        Some((Ok(version_event("change", version)), listener))
    })
}

/// `GET /live`: the stream of changes for a signed-in staff member's dashboard, limited to
/// the sections their roles see (401 or 403 in words otherwise).
pub async fn live_events(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let staff = match require_in_handler(&state, &headers, &Role::CENTRE).await {
        Ok((staff, _)) => staff,
        Err(error) => return error.plain_response(Lang::default()),
    };
    let watched = Topics::watched_by(&staff.roles);
    let session =
        crate::base::cookies::request_cookie(&headers, crate::base::session::SESSION_COOKIE)
            .map(crate::base::session::token_hash)
            .unwrap_or_default();
    let ticket = state.changes.open_stream(&session);
    let stream = events(
        state.changes.clone(),
        watched,
        state.changes.stream_lifetime(),
        Some(ticket),
    );
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response();
    // A buffering proxy in front would hold the events back.
    response.headers_mut().insert(
        "x-accel-buffering",
        axum::http::HeaderValue::from_static("no"),
    );
    response
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;
    use crate::base::hub::STREAMS_PER_SESSION;

    /// A database file of its own with the schema, whose connections report to `changes`.
    async fn database(name: &str, changes: &Changes) -> (sqlx::SqlitePool, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("centre-live-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}/live.db", dir.display());
        let options = crate::base::db::connect_options(&url).expect("valid url");
        let pool = crate::base::db::connect(options, changes)
            .await
            .expect("opens");
        crate::base::db::MIGRATOR
            .run(&pool)
            .await
            .expect("migrates");
        (pool, dir)
    }

    async fn add_building(pool: &sqlx::SqlitePool) {
        let mut conn = pool.acquire().await.expect("connection");
        crate::demo::centre::seed_demo(&mut conn)
            .await
            .expect("centre");
    }

    #[tokio::test]
    async fn a_committed_write_is_announced_with_what_it_touched() {
        let changes = Changes::new();
        let (pool, dir) = database("commit", &changes).await;
        let mut heard = changes.subscribe();
        let before = changes.version();

        add_building(&pool).await;
        // The centre, then each facility: one write each.
        let change = heard.try_recv().expect("the seeding was announced");
        assert_eq!(change.topics, Topics::BEDS, "a facility");
        while heard.try_recv().is_ok() {}
        assert!(changes.version().seq > before.seq);

        // A transaction announces what it wrote, once, when it commits.
        let mut tx = crate::base::db::begin_write(&pool).await.expect("begin");
        for code in ["A", "B"] {
            sqlx::query!(
                "INSERT INTO building (facility_id, code, name_km, name_latin) VALUES (1, ?, 'ក', 'A')",
                code
            )
            .execute(&mut *tx)
            .await
            .expect("insert");
        }
        sqlx::query!("INSERT INTO sibling_group DEFAULT VALUES")
            .execute(&mut *tx)
            .await
            .expect("insert");
        assert!(heard.try_recv().is_err(), "nothing before the commit");
        tx.commit().await.expect("commit");
        assert_eq!(heard.try_recv().map(|c| c.topics), Ok(Topics::BEDS));

        // A rolled-back write is not announced, nor left over for the next commit.
        let mut tx = crate::base::db::begin_write(&pool).await.expect("begin");
        sqlx::query!(
            "INSERT INTO building (facility_id, code, name_km, name_latin) VALUES (1, 'C', 'ក', 'A')"
        )
        .execute(&mut *tx)
        .await
        .expect("insert");
        tx.rollback().await.expect("rollback");
        // A write to a table no dashboard shows is not announced either.
        sqlx::query!("INSERT INTO sibling_group DEFAULT VALUES")
            .execute(&pool)
            .await
            .expect("insert");
        assert!(
            matches!(heard.try_recv(), Err(broadcast::error::TryRecvError::Empty)),
            "nothing else was announced"
        );
        pool.close().await;
        std::fs::remove_dir_all(dir).ok();
    }

    #[tokio::test]
    async fn a_stream_says_hello_then_only_the_changes_its_viewer_sees() {
        let changes = Changes::new();
        let stream = events(
            changes.clone(),
            Topics::HOMEWORK,
            Duration::from_secs(60),
            None,
        );
        tokio::pin!(stream);
        let hello = stream.next().await.expect("hello").expect("an event");
        let text = format!("{hello:?}");
        assert!(text.contains("hello"), "{text}");

        changes.publish(Topics::VISITS);
        changes.publish(Topics::HOMEWORK);
        changes.publish(Topics::HOMEWORK);
        let change = tokio::time::timeout(Duration::from_secs(2), stream.next())
            .await
            .expect("in time")
            .expect("a change")
            .expect("an event");
        let text = format!("{change:?}");
        // One event for the burst, carrying the live version (three changes so far).
        assert!(
            text.contains("change") && text.contains(&changes.version().encode()),
            "{text}"
        );

        changes.publish(Topics::VISITS);
        let quiet = tokio::time::timeout(Duration::from_millis(400), stream.next()).await;
        assert!(
            quiet.is_err(),
            "a visit change is not for a tutor's dashboard"
        );

        changes.close();
        let ended = tokio::time::timeout(Duration::from_secs(2), stream.next())
            .await
            .expect("in time");
        assert!(
            ended.is_none(),
            "the stream ends when the server shuts down"
        );
    }

    #[tokio::test]
    async fn a_stream_ends_after_its_lifetime() {
        let changes = Changes::new();
        let stream = events(changes, Topics::BEDS, Duration::from_millis(100), None);
        tokio::pin!(stream);
        assert!(stream.next().await.is_some(), "hello");
        let ended = tokio::time::timeout(Duration::from_secs(2), stream.next())
            .await
            .expect("in time");
        assert!(ended.is_none());
    }

    #[tokio::test]
    async fn a_session_keeps_a_few_streams_and_a_newer_one_closes_the_oldest() {
        let changes = Changes::new();
        let streams: Vec<_> = (0..STREAMS_PER_SESSION + 1)
            .map(|_| {
                let ticket = changes.open_stream("one session");
                Box::pin(events(
                    changes.clone(),
                    Topics::BEDS,
                    Duration::from_secs(60),
                    Some(ticket),
                ))
            })
            .collect();
        let other = changes.open_stream("another session");
        let mut streams = streams.into_iter();
        let mut oldest = streams.next().expect("a stream");
        assert!(oldest.next().await.is_some(), "hello");
        let ended = tokio::time::timeout(Duration::from_secs(2), oldest.next()).await;
        assert!(matches!(ended, Ok(None)), "the oldest stream ended");
        for mut newer in streams {
            assert!(newer.next().await.is_some(), "hello");
            let more = tokio::time::timeout(Duration::from_millis(200), newer.next()).await;
            assert!(more.is_err(), "still open, waiting for changes");
        }
        assert!(!other.is_closed(), "another session's stream is left alone");
    }
}
