//! The load benchmark's HTTP/1.1 client over hyper's connection API: one
//! keep-alive connection per [`Client`], JSON bodies, and a reader for
//! server-sent events. Used by `centralita bench server` and the crash test
//! (`crates/centralita/tests/server_binary.rs`), which need real sockets; it
//! is not a general client (no TLS, no redirects, no pooling), and the
//! server's tests do not use it (theirs sends requests in process).

use std::net::SocketAddr;

use anyhow::Context;
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper::header::HeaderMap;
use hyper_util::rt::TokioIo;

/// An answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl Reply {
    /// The cookies this reply sets, as a `Cookie` header's value
    /// (`name=value; …`), the way a browser sends them back.
    pub fn cookies(&self) -> String {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The body as JSON (`null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
    /// The error code of an error envelope, if any.
    pub fn error_code(&self) -> Option<String> {
        self.json()["error"]["code"].as_str().map(str::to_string)
    }
}

/// One keep-alive connection to a server, with headers sent on every request.
#[derive(Debug)]
pub struct Client {
    addr: SocketAddr,
    sender: Option<SendRequest<Full<Bytes>>>,
    /// Headers added to every request (Authorization, Cookie, X-CSRF-Token…).
    pub headers: Vec<(String, String)>,
}

async fn connect(addr: SocketAddr) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .with_context(|| format!("connect {addr}"))?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

impl Client {
    /// A client for a server (connects on first use).
    pub fn new(addr: SocketAddr) -> Client {
        Client {
            addr,
            sender: None,
            headers: Vec::new(),
        }
    }

    /// Adds `Authorization: Bearer TOKEN` to every request.
    pub fn bearer(mut self, token: &str) -> Client {
        self.headers
            .push(("authorization".into(), format!("Bearer {token}")));
        self
    }

    /// Sends a request; `body` is sent as JSON. A broken connection is an
    /// error and the next call reconnects.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> anyhow::Result<Reply> {
        if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
            self.sender = Some(connect(self.addr).await?);
        }
        let mut req = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.addr.to_string());
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let bytes = match body {
            Some(b) => {
                req = req.header("content-type", "application/json");
                Bytes::from(serde_json::to_vec(b)?)
            }
            None => Bytes::new(),
        };
        self.send(req, bytes).await
    }

    /// Sends a form (`application/x-www-form-urlencoded`), as a page does.
    pub async fn form(
        &mut self,
        path: &str,
        extra: &[(&str, &str)],
        form: &str,
    ) -> anyhow::Result<Reply> {
        if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
            self.sender = Some(connect(self.addr).await?);
        }
        let mut req = hyper::Request::builder()
            .method("POST")
            .uri(path)
            .header("host", self.addr.to_string())
            .header("content-type", "application/x-www-form-urlencoded");
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        self.send(req, Bytes::from(form.to_string())).await
    }

    async fn send(
        &mut self,
        req: hyper::http::request::Builder,
        bytes: Bytes,
    ) -> anyhow::Result<Reply> {
        let sender = self.sender.as_mut().expect("connected before sending");
        sender.ready().await.inspect_err(|_| ())?;
        let res = match sender.send_request(req.body(Full::new(bytes))?).await {
            Ok(r) => r,
            Err(e) => {
                self.sender = None;
                return Err(e.into());
            }
        };
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = match res.into_body().collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => {
                self.sender = None;
                return Err(e.into());
            }
        };
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// GET.
    pub async fn get(&mut self, path: &str) -> anyhow::Result<Reply> {
        self.request("GET", path, &[], None).await
    }

    /// POST with a JSON body.
    pub async fn post(&mut self, path: &str, body: &serde_json::Value) -> anyhow::Result<Reply> {
        self.request("POST", path, &[], Some(body)).await
    }

    /// PUT with a JSON body.
    pub async fn put(&mut self, path: &str, body: &serde_json::Value) -> anyhow::Result<Reply> {
        self.request("PUT", path, &[], Some(body)).await
    }

    /// Opens a server-sent-events stream.
    pub async fn events(
        &self,
        path: &str,
        last_event_id: Option<i64>,
    ) -> anyhow::Result<EventStream> {
        let mut sender = connect(self.addr).await?;
        let mut req = hyper::Request::builder()
            .method("GET")
            .uri(path)
            .header("host", self.addr.to_string())
            .header("accept", "text/event-stream");
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        let res = sender
            .send_request(req.body(Full::new(Bytes::new()))?)
            .await?;
        anyhow::ensure!(res.status() == 200, "events: HTTP {}", res.status());
        Ok(EventStream {
            body: res.into_body(),
            buf: Vec::new(),
            start: 0,
            scanned: 0,
            _sender: sender,
        })
    }
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// Its id (the log sequence number); -1 for an event without one.
    pub id: i64,
    /// Its event name (the fact kind).
    pub event: String,
    /// Its data (JSON).
    pub data: String,
}

/// A stream of server-sent events.
#[derive(Debug)]
pub struct EventStream {
    body: Incoming,
    buf: Vec<u8>,
    /// Where the unread part of `buf` starts.
    start: usize,
    /// How far, from `start`, `buf` is known to hold no blank line (so a burst of events
    /// arriving in one frame is scanned once, not once per event).
    scanned: usize,
    _sender: SendRequest<Full<Bytes>>,
}

impl EventStream {
    /// The next event (skipping keep-alive comments); `None` at the end.
    pub async fn next(&mut self) -> anyhow::Result<Option<SseEvent>> {
        loop {
            let from = self.start + self.scanned;
            if let Some(rel) = self.buf[from..].windows(2).position(|w| w == b"\n\n") {
                let end = from + rel;
                let block = &self.buf[self.start..end];
                let mut ev = SseEvent {
                    id: -1,
                    event: String::new(),
                    data: String::new(),
                };
                // Bytes, decoded per event: a character split across two
                // frames is whole again here.
                for line in String::from_utf8_lossy(block).lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        ev.id = v.trim().parse().unwrap_or(-1);
                    } else if let Some(v) = line.strip_prefix("event:") {
                        ev.event = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        ev.data.push_str(v.strip_prefix(' ').unwrap_or(v));
                    }
                }
                // Consumed bytes are dropped once the buffer is used up, not
                // after each event (a chunk often holds many).
                self.start = end + 2;
                self.scanned = 0;
                if self.start == self.buf.len() {
                    self.buf.clear();
                    self.start = 0;
                }
                // A block of comments only is a keep-alive.
                if ev.id >= 0 || !ev.event.is_empty() || !ev.data.is_empty() {
                    return Ok(Some(ev));
                }
                continue;
            }
            match self.body.frame().await {
                Some(f) => {
                    if let Ok(data) = f?.into_data() {
                        if self.start > 0 {
                            self.buf.drain(..self.start);
                            self.start = 0;
                        }
                        self.scanned = self.buf.len().saturating_sub(1);
                        self.buf.extend_from_slice(&data);
                    }
                }
                None => return Ok(None),
            }
        }
    }
}
