//! A test client that sends requests to the server's router in process
//! (`tower::ServiceExt::oneshot`, no socket): JSON bodies and forms, headers
//! sent on every request (bearer token, session cookie, CSRF token), and a
//! reader for server-sent events over the streamed response body.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::header::HeaderMap;
use axum::http::{Request, request};
use http_body_util::BodyExt;
use tower::ServiceExt;

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

/// A client of one application (the router over a server's state), with
/// headers sent on every request.
#[derive(Debug, Clone)]
pub struct Client {
    app: Router,
    /// Headers added to every request (Authorization, Cookie, X-CSRF-Token…).
    pub headers: Vec<(String, String)>,
    /// The address requests come from, as a socket would say (none: in process).
    pub from: Option<std::net::SocketAddr>,
}

impl Client {
    /// A client of `app` (`server::app(state)`).
    pub fn new(app: &Router) -> Client {
        Client {
            app: app.clone(),
            headers: Vec::new(),
            from: None,
        }
    }

    /// Adds `Authorization: Bearer TOKEN` to every request.
    pub fn bearer(mut self, token: &str) -> Client {
        self.headers
            .push(("authorization".into(), format!("Bearer {token}")));
        self
    }

    /// Requests come from `addr` (the router sees it as a socket's peer).
    pub fn from(mut self, addr: &str) -> Client {
        self.from = Some(addr.parse().expect("an address with a port"));
        self
    }

    /// A request with this client's headers, then the `extra` ones.
    fn builder(&self, method: &str, path: &str, extra: &[(&str, &str)]) -> request::Builder {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(addr) = self.from {
            req = req.extension(axum::extract::ConnectInfo(addr));
        }
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        req
    }

    /// Sends a request; `body` is sent as JSON.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> anyhow::Result<Reply> {
        let mut req = self.builder(method, path, extra);
        let bytes = match body {
            Some(b) => {
                req = req.header("content-type", "application/json");
                Bytes::from(serde_json::to_vec(b)?)
            }
            None => Bytes::new(),
        };
        self.send(req, bytes).await
    }

    /// Sends `body` as it is, with only the `extra` headers saying what it is.
    pub async fn raw(
        &mut self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: &str,
    ) -> anyhow::Result<Reply> {
        let req = self.builder(method, path, extra);
        self.send(req, Bytes::from(body.to_string())).await
    }

    /// Sends `multipart/form-data`: (name, file name, bytes) for each part.
    pub async fn multipart(
        &mut self,
        path: &str,
        extra: &[(&str, &str)],
        parts: &[(&str, Option<&str>, &[u8])],
    ) -> anyhow::Result<Reply> {
        const B: &str = "centralita-test-boundary-7f3a";
        let mut body = Vec::new();
        for (name, file, bytes) in parts {
            body.extend_from_slice(format!("--{B}\r\n").as_bytes());
            match file {
                Some(f) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{B}--\r\n").as_bytes());
        let req = self
            .builder("POST", path, extra)
            .header("content-type", format!("multipart/form-data; boundary={B}"));
        self.send(req, Bytes::from(body)).await
    }

    /// Sends a form (`application/x-www-form-urlencoded`), as a page does.
    pub async fn form(
        &mut self,
        path: &str,
        extra: &[(&str, &str)],
        form: &str,
    ) -> anyhow::Result<Reply> {
        let req = self
            .builder("POST", path, extra)
            .header("content-type", "application/x-www-form-urlencoded");
        self.send(req, Bytes::from(form.to_string())).await
    }

    /// Sends a request to the router and reads the whole answer.
    async fn send(&self, req: request::Builder, bytes: Bytes) -> anyhow::Result<Reply> {
        let req = if bytes.is_empty() {
            req
        } else {
            req.header("content-length", bytes.len())
        };
        let req = req.body(Body::from(bytes))?;
        let res = self.app.clone().oneshot(req).await?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await?.to_bytes();
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

    /// PATCH with a JSON body.
    pub async fn patch(&mut self, path: &str, body: &serde_json::Value) -> anyhow::Result<Reply> {
        self.request("PATCH", path, &[], Some(body)).await
    }

    /// Opens a server-sent-events stream (an error `events: HTTP STATUS`
    /// when the answer is not a stream).
    pub async fn events(
        &self,
        path: &str,
        last_event_id: Option<i64>,
    ) -> anyhow::Result<EventStream> {
        let mut req = self.builder("GET", path, &[("accept", "text/event-stream")]);
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        let res = self.app.clone().oneshot(req.body(Body::empty())?).await?;
        anyhow::ensure!(res.status() == 200, "events: HTTP {}", res.status());
        Ok(EventStream {
            body: res.into_body(),
            buf: Vec::new(),
            start: 0,
            scanned: 0,
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
    body: Body,
    buf: Vec<u8>,
    /// Where the unread part of `buf` starts.
    start: usize,
    /// How far, from `start`, `buf` is known to hold no blank line.
    scanned: usize,
}

impl EventStream {
    /// The next event (skipping keep-alive comments); `None` at the end.
    pub async fn next(&mut self) -> anyhow::Result<Option<SseEvent>> {
        loop {
            if let Some(ev) = self.parse_next() {
                return Ok(Some(ev));
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

    /// The next whole event in the buffer, skipping keep-alives.
    fn parse_next(&mut self) -> Option<SseEvent> {
        loop {
            let from = self.start + self.scanned;
            let rel = self.buf[from..].windows(2).position(|w| w == b"\n\n")?;
            let end = from + rel;
            let mut ev = SseEvent {
                id: -1,
                event: String::new(),
                data: String::new(),
            };
            for line in String::from_utf8_lossy(&self.buf[self.start..end]).lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    ev.id = v.trim().parse().unwrap_or(-1);
                } else if let Some(v) = line.strip_prefix("event:") {
                    ev.event = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    ev.data.push_str(v.strip_prefix(' ').unwrap_or(v));
                }
            }
            self.start = end + 2;
            self.scanned = 0;
            if self.start == self.buf.len() {
                self.buf.clear();
                self.start = 0;
            }
            // A block of comments only is a keep-alive.
            if ev.id >= 0 || !ev.event.is_empty() || !ev.data.is_empty() {
                return Some(ev);
            }
        }
    }
}
