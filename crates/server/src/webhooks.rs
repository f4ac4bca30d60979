//! Webhooks: each tenant's facts posted to the URLs it subscribed, in log
//! order, at least once. Every webhook has a worker that reads the log after
//! its cursor, posts each fact of the kinds it wants as `{"seq", "at",
//! "kind", "fact"}` with `Centralita-Signature: t=UNIX_SECONDS,v1=HEX` (HMAC
//! SHA-256 of `t + "." + body` under the webhook's secret), and moves the
//! cursor only after a 2xx answer. A failure is noted and retried with
//! back-off (doubling from `retry_first` up to `retry_max`), holding back
//! the facts after it, so a receiver that is down loses nothing: it gets
//! everything, in order, when it is back. A replay moves the cursor back.

use std::collections::HashMap;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use store::webhooks::{Delivery, RawFact, Webhook};
use store::{Store, Tenant};

use crate::AppState;

/// Facts read per page.
const PAGE: i64 = 200;
/// Most webhooks a tenant may have.
pub const WEBHOOKS_MAX: usize = 20;
/// The purpose secrets are sealed for.
pub const SEAL: &str = "webhook";

/// How the workers pace themselves (short in tests).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// How often an idle worker looks for new facts (and the dispatcher
    /// for new webhooks).
    pub poll: Duration,
    /// The first wait after a failed delivery.
    pub retry_first: Duration,
    /// The longest wait between attempts.
    pub retry_max: Duration,
    /// How long a receiver has to answer.
    pub timeout: Duration,
}

fn ms_env(name: &str, default: u64) -> Duration {
    let ms = std::env::var(name)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|v| *v > 0)
        .unwrap_or(default);
    Duration::from_millis(ms)
}

impl Timing {
    /// From the environment: `CENTRALITA_WEBHOOK_POLL_MS` (1,000),
    /// `CENTRALITA_WEBHOOK_RETRY_MS` (5,000), `CENTRALITA_WEBHOOK_RETRY_MAX_MS`
    /// (600,000), `CENTRALITA_WEBHOOK_TIMEOUT_MS` (10,000).
    pub fn from_env() -> Timing {
        Timing {
            poll: ms_env("CENTRALITA_WEBHOOK_POLL_MS", 1_000),
            retry_first: ms_env("CENTRALITA_WEBHOOK_RETRY_MS", 5_000),
            retry_max: ms_env("CENTRALITA_WEBHOOK_RETRY_MAX_MS", 600_000),
            timeout: ms_env("CENTRALITA_WEBHOOK_TIMEOUT_MS", 10_000),
        }
    }
}

/// The header's value for a body at `t` (Unix seconds).
pub fn signature(secret: &str, t: i64, body: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, format!("{t}.{body}").as_bytes());
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

/// Refuses a URL whose host is this machine (unless allowed); a host that
/// does not resolve now is left to the connection to report.
pub async fn check_url(url: &str, allow_local: bool) -> Result<(), crate::targets::TargetError> {
    let Ok(uri) = url.parse::<hyper::Uri>() else {
        return Ok(());
    };
    let Some(host) = uri.host() else {
        return Ok(());
    };
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("https") {
            443
        } else {
            80
        });
    match crate::targets::resolve(host, port, allow_local).await {
        Err(e @ crate::targets::TargetError::Local { .. }) => Err(e),
        _ => Ok(()),
    }
}

/// What is posted for a fact.
pub fn body_of(f: &RawFact) -> String {
    let kind = serde_json::Value::String(f.kind.clone());
    format!(
        r#"{{"seq":{},"at":{},"kind":{kind},"fact":{}}}"#,
        f.seq, f.at, f.body
    )
}

type Client = HyperClient<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    Full<Bytes>,
>;

/// Posts one body: the receiver's status (0 and why, when none came, or
/// when the receiver is this machine and that is not allowed).
async fn post(
    client: &Client,
    (url, allow_local): (&str, bool),
    secret: &str,
    body: String,
    timeout: Duration,
) -> (i64, Option<String>) {
    if let Err(e) = check_url(url, allow_local).await {
        return (0, Some(e.to_string()));
    }
    let t = crate::clock::now_ms() / 1000;
    let req = hyper::Request::post(url)
        .header("content-type", "application/json")
        .header("Centralita-Signature", signature(secret, t, &body))
        .body(Full::new(Bytes::from(body)));
    let req = match req {
        Ok(r) => r,
        Err(e) => return (0, Some(e.to_string())),
    };
    match tokio::time::timeout(timeout, client.request(req)).await {
        Err(_) => (0, Some(format!("no answer within {timeout:?}"))),
        Ok(Err(e)) => (0, Some(e.to_string())),
        Ok(Ok(res)) => {
            let status = i64::from(res.status().as_u16());
            let ok = res.status().is_success();
            (status, (!ok).then(|| format!("answered {status}")))
        }
    }
}

/// Starts the dispatcher: a worker for every standing webhook of every
/// tenant (new ones are found every `poll`).
pub fn run(st: AppState, timing: Timing) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client: Client =
            HyperClient::builder(TokioExecutor::new()).build(crate::oidc::OidcClient::connector());
        let mut workers: HashMap<(i64, i64), tokio::task::JoinHandle<()>> = HashMap::new();
        loop {
            workers.retain(|_, h| !h.is_finished());
            match st.store.all_webhooks().await {
                Ok(all) => {
                    for (tid, id) in all {
                        if workers.contains_key(&(tid, id)) {
                            continue;
                        }
                        let Ok(Some(t)) = st.store.tenant_by_id(tid).await else {
                            continue;
                        };
                        let w = Worker {
                            st: st.clone(),
                            client: client.clone(),
                            t,
                            id,
                            timing,
                        };
                        workers.insert((tid, id), tokio::spawn(w.run()));
                    }
                }
                Err(e) => tracing::warn!("webhooks: {e}"),
            }
            tokio::time::sleep(timing.poll).await;
        }
    })
}

/// Delivers one webhook's facts.
struct Worker {
    st: AppState,
    client: Client,
    t: Tenant,
    id: i64,
    timing: Timing,
}

/// How a delivery ended.
enum Sent {
    /// Delivered (2xx).
    Done,
    /// The webhook was removed, or its cursor moved (a replay): start over.
    Moved,
}

impl Worker {
    fn store(&self) -> &Store {
        &self.st.store
    }

    async fn run(self) {
        loop {
            let w = match self.store().webhook(&self.t, self.id).await {
                Ok(Some(w)) => w,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(webhook = self.id, "webhooks: {e}");
                    tokio::time::sleep(self.timing.poll).await;
                    continue;
                }
            };
            if !self.page(&w).await {
                tokio::time::sleep(self.timing.poll).await;
            }
        }
    }

    /// Delivers the next page after the cursor: whether there was one.
    async fn page(&self, w: &Webhook) -> bool {
        let facts = match self
            .store()
            .raw_facts_after(&self.t, w.cursor_seq, PAGE)
            .await
        {
            Ok(f) if !f.is_empty() => f,
            _ => return false,
        };
        let secret = match self.st.secrets.open(SEAL, &w.secret) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(
                    webhook = self.id,
                    "webhooks: the secret cannot be opened: {e}"
                );
                return false;
            }
        };
        // The cursor is written after each fact delivered, and once at the
        // end of the page for the facts passed over (not once a fact).
        let mut cursor = w.cursor_seq;
        for f in facts
            .iter()
            .filter(|f| w.kinds.is_empty() || w.kinds.contains(&f.kind))
        {
            if matches!(self.send(w, &secret, f, cursor).await, Sent::Moved)
                || !self.advance(cursor, f.seq).await
            {
                return true;
            }
            cursor = f.seq;
        }
        if let Some(last) = facts.last().filter(|l| l.seq > cursor) {
            self.advance(cursor, last.seq).await;
        }
        true
    }

    /// Moves the cursor if nobody else did (a replay): whether it moved.
    async fn advance(&self, from: i64, to: i64) -> bool {
        self.store()
            .move_webhook_cursor(&self.t, self.id, from, to)
            .await
            .unwrap_or(false)
    }

    /// Posts one fact until it is taken.
    async fn send(&self, w: &Webhook, secret: &str, f: &RawFact, cursor: i64) -> Sent {
        let body = body_of(f);
        let mut wait = self.timing.retry_first;
        for attempt in 1.. {
            let (status, error) = post(
                &self.client,
                (&w.url, self.st.allow_local_targets),
                secret,
                body.clone(),
                self.timing.timeout,
            )
            .await;
            let d = Delivery {
                seq: f.seq,
                attempt,
                at: crate::clock::now_ms(),
                status,
                error,
            };
            let ok = d.error.is_none();
            if let Err(e) = self.store().add_delivery(&self.t, self.id, &d).await {
                tracing::warn!(webhook = self.id, "webhooks: {e}");
            }
            if ok {
                return Sent::Done;
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(self.timing.retry_max);
            match self.store().webhook(&self.t, self.id).await {
                Ok(Some(now)) if now.cursor_seq == cursor => {}
                Ok(_) => return Sent::Moved,
                Err(_) => {}
            }
        }
        Sent::Moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_time_dot_body() {
        // Python's hmac gives the same for "1.what do ya want for nothing?".
        let sig = signature("Jefe", 1, "what do ya want for nothing?");
        assert_eq!(
            sig,
            "t=1,v1=a9049465ce89cfb8e9aac62333abda66f80e3403f51f57f6bae3c3a4485eca38"
        );
        let f = RawFact {
            seq: 3,
            at: 9,
            kind: "note_added".into(),
            body: r#"{"fact":"note_added"}"#.into(),
        };
        let v: serde_json::Value = serde_json::from_str(&body_of(&f)).unwrap();
        assert_eq!(v["seq"], 3);
        assert_eq!(v["fact"]["fact"], "note_added");
    }
}
