//! Live events over server-sent events, resumable: each event's id is its
//! log sequence number; a client that reconnects with `Last-Event-ID` (or
//! `?after=`) gets everything after it from the log, then the live feed.
//! Agents see only the events that concern them.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tokio::sync::broadcast::error::RecvError;

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::tenant::Published;

/// Facts read from the log per catch-up query.
pub const CATCH_UP_PAGE: i64 = 500;

struct Cursor {
    seq: i64,
    backlog: VecDeque<Arc<Published>>,
    catching_up: bool,
    rx: tokio::sync::broadcast::Receiver<Arc<Published>>,
    store: store::Store,
    tenant: store::Tenant,
    agent: Option<i64>,
}

impl Cursor {
    async fn next(&mut self) -> Option<Arc<Published>> {
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
                match self
                    .store
                    .events_after(&self.tenant, self.seq, CATCH_UP_PAGE)
                    .await
                {
                    Ok(page) if page.is_empty() => self.catching_up = false,
                    Ok(page) => self
                        .backlog
                        .extend(page.iter().map(|r| Arc::new(Published::of(r)))),
                    Err(e) => {
                        tracing::error!(error = %e, "event stream catch-up failed");
                        return None;
                    }
                }
                continue;
            }
            match self.rx.recv().await {
                // Sequence numbers have gaps here (they count every tenant's
                // facts, and an agent's channel carries only that agent's),
                // so a gap is not a loss: the channel says when we lagged.
                // Nothing falls between the log and the channel: we subscribed
                // before reading the log's position, and facts are published
                // after they commit, in order.
                Ok(ev) if ev.seq <= self.seq => {}
                Ok(ev) => self.backlog.push_back(ev),
                Err(RecvError::Lagged(_)) => self.catching_up = true,
                Err(RecvError::Closed) => return None,
            }
        }
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
    };
    let s = stream::unfold(cursor, |mut c| async move {
        let ev = c.next().await?;
        let e = Event::default()
            .id(ev.seq.to_string())
            .event(ev.kind.as_str())
            .data(ev.data.as_str());
        Some((Ok::<_, Infallible>(e), c))
    });
    Ok(Sse::new(s)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}
