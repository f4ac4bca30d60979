//! Live events over server-sent events, resumable: each event's id is its
//! log sequence number; a client that reconnects with `Last-Event-ID` (or
//! `?after=`) gets everything after it from the log, then the live feed.
//! Agents see only the events that concern them.
//!
//! Each fact's frame is made once when it is published and shared by every
//! stream; a stream that wakes up sends everything it has in one chunk (a
//! commit publishes its facts together), so a busy tenant costs a write per
//! stream per commit, not per fact.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::tenant::Published;

/// Facts read from the log per catch-up query.
pub const CATCH_UP_PAGE: i64 = 500;
/// Most bytes sent in one chunk (more waits for the next).
const CHUNK_MAX: usize = 64 * 1024;
/// A comment sent on an idle stream, so proxies and clients keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

struct Cursor {
    seq: i64,
    backlog: VecDeque<Arc<Published>>,
    catching_up: bool,
    rx: tokio::sync::broadcast::Receiver<Arc<Published>>,
    store: store::Store,
    tenant: store::Tenant,
    agent: Option<i64>,
    /// Personal data masked for this reader's role (`crate::mask`).
    masked: bool,
}

/// A frame with the personal data of its fact masked.
fn masked_frame(ev: &Published) -> Bytes {
    let mut v: serde_json::Value = serde_json::from_str(ev.data()).unwrap_or_default();
    crate::mask::json(&mut v);
    format!("id: {}\nevent: {}\ndata: {v}\n\n", ev.seq, ev.kind).into()
}

impl Cursor {
    /// The next fact for this stream, waiting for it.
    async fn next(&mut self) -> Option<Arc<Published>> {
        loop {
            if let Some(ev) = self.ready() {
                return Some(ev);
            }
            if self.catching_up {
                match self
                    .store
                    .events_after(&self.tenant, self.seq, CATCH_UP_PAGE)
                    .await
                {
                    Ok(page) if page.is_empty() => self.catching_up = false,
                    Ok(page) => self
                        .backlog
                        .extend(page.into_iter().map(|r| Arc::new(Published::of(r)))),
                    Err(e) => {
                        tracing::error!(error = %e, "event stream catch-up failed");
                        return None;
                    }
                }
                continue;
            }
            match self.rx.recv().await {
                Ok(ev) => self.take(ev),
                Err(RecvError::Lagged(_)) => self.catching_up = true,
                Err(RecvError::Closed) => return None,
            }
        }
    }

    /// Takes a published fact from the channel. Sequence numbers have gaps
    /// here (they count every tenant's facts, and an agent's channel
    /// carries only that agent's), so a gap is not a loss: the channel says
    /// when we lagged. Nothing falls between the log and the channel: we
    /// subscribed before reading the log's position, and facts are
    /// published after they commit, in order.
    fn take(&mut self, ev: Arc<Published>) {
        if ev.seq > self.seq {
            self.backlog.push_back(ev);
        }
    }

    /// The next fact for this stream that is ready now (the backlog, then
    /// the channel), without waiting; `None` when nothing is, or when the
    /// log must be read first.
    fn ready(&mut self) -> Option<Arc<Published>> {
        loop {
            if let Some(ev) = self.backlog.pop_front() {
                if ev.seq <= self.seq {
                    continue;
                }
                self.seq = ev.seq;
                if self.agent.is_none() || ev.agent == self.agent {
                    return Some(ev);
                }
                continue;
            }
            if self.catching_up {
                return None;
            }
            match self.rx.try_recv() {
                Ok(ev) => self.take(ev),
                Err(TryRecvError::Lagged(_)) => self.catching_up = true,
                Err(TryRecvError::Empty | TryRecvError::Closed) => return None,
            }
        }
    }

    /// The next chunk to send: at least one frame, and whatever else is
    /// ready, up to [`CHUNK_MAX`] bytes.
    async fn chunk(&mut self) -> Option<Bytes> {
        let first = self.next().await?;
        let masked = self.masked;
        let frame = |ev: &Published| match masked {
            true => masked_frame(ev),
            false => ev.frame.clone(),
        };
        let Some(second) = self.ready() else {
            return Some(frame(&first));
        };
        let mut buf = Vec::with_capacity(first.frame.len() * 4);
        buf.extend_from_slice(&frame(&first));
        buf.extend_from_slice(&frame(&second));
        while buf.len() < CHUNK_MAX {
            match self.ready() {
                Some(ev) => buf.extend_from_slice(&frame(&ev)),
                None => break,
            }
        }
        Some(buf.into())
    }
}

/// `GET /api/v1/events`.
pub async fn stream(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::EventsStream)?;
    let after = match (headers.get("last-event-id"), q.get("after")) {
        (Some(v), _) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .ok_or_else(|| ApiError::field("Last-Event-ID", "a sequence number"))?,
        ),
        (None, Some(a)) => Some(
            a.parse::<i64>()
                .map_err(|_| ApiError::field("after", "a sequence number"))?,
        ),
        (None, None) => None,
    };
    let agent = match p.role {
        Role::Agent => Some(
            p.agent
                .map(|a| i64::from(a.0))
                .ok_or_else(|| ApiError::conflict("your user is not linked to an agent"))?,
        ),
        _ => None,
    };
    let tenant = p.tenant()?.clone();
    let h = st.hub.tenant(&tenant).await?;
    // Subscribe before reading the log position, so nothing falls between.
    // An agent's stream gets its own channel: a fact wakes only the streams it concerns.
    let rx = match agent {
        Some(a) => h.subscribe_agent(a),
        None => h.events.subscribe(),
    };
    let (seq, catching_up) = match after {
        Some(a) => (a, true),
        None => (st.store.last_seq(&tenant).await?, false),
    };
    let cursor = Cursor {
        seq,
        backlog: VecDeque::new(),
        catching_up,
        rx,
        store: st.store.clone(),
        tenant,
        agent,
        masked: crate::mask::masks(p.role),
    };
    // One chunk per wake-up; a comment when idle for KEEP_ALIVE. Dropping a
    // wait on timeout is safe: the channel's receive and the log's read
    // leave the cursor as it was.
    let s = stream::unfold(cursor, |mut c| async move {
        let chunk = match tokio::time::timeout(KEEP_ALIVE, c.chunk()).await {
            Ok(Some(b)) => b,
            Ok(None) => return None,
            Err(_) => Bytes::from_static(b":\n\n"),
        };
        Some((Ok::<_, Infallible>(chunk), c))
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(s),
    )
        .into_response())
}
