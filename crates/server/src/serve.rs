//! The HTTP listener with limits: every socket held costs memory and a
//! file descriptor, so none is held for free.
//!
//! - **Header read**: a request whose headers are not all in within
//!   [`Limits::header_read`] (30 s) is closed (slow or half-sent requests).
//! - **Idle**: a connection on which nothing moved either way for
//!   [`Limits::idle`] (120 s) is closed; live event streams send a comment
//!   every 15 s, so they stay open.
//! - **Connections**: at most [`Limits::connections`] (10,000) in all and
//!   [`Limits::per_address`] (256) from one address; more from that
//!   address are closed at once. Beyond the total, [`Limits::health_room`]
//!   (16) more are accepted to answer `/healthz` only (anything else is
//!   `503` with `Connection: close`), so a full server can still be checked.
//!
//! With [`Tls`] (`serve --tls-cert FILE --tls-key FILE`) every connection
//! speaks TLS (rustls, TLS 1.2 and 1.3); a handshake not done within the
//! header-read limit is closed.
//!
//! Each comes from the environment (`CENTRALITA_HEADER_READ_S`,
//! `CENTRALITA_IDLE_S`, `CENTRALITA_MAX_CONNECTIONS`,
//! `CENTRALITA_MAX_CONNECTIONS_PER_ADDRESS`, `CENTRALITA_HEALTH_ROOM`).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// The listener's limits (see the module).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest time to receive a request's headers.
    pub header_read: Duration,
    /// Longest time a connection may be quiet.
    pub idle: Duration,
    /// Most connections in all.
    pub connections: usize,
    /// Most connections from one address.
    pub per_address: usize,
    /// Connections beyond `connections` that may still ask `/healthz`.
    pub health_room: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(30),
            idle: Duration::from_secs(120),
            connections: 10_000,
            per_address: 256,
            health_room: 16,
        }
    }
}

fn env_f64(name: &str) -> Option<f64> {
    std::env::var(name)
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
}

impl Limits {
    /// The defaults, overridden by the environment (see the module).
    pub fn from_env() -> Limits {
        let d = Limits::default();
        let secs = |name, default: Duration| env_f64(name).map_or(default, Duration::from_secs_f64);
        let count = |name, default: usize| env_f64(name).map_or(default, |v| v as usize);
        Limits {
            header_read: secs("CENTRALITA_HEADER_READ_S", d.header_read),
            idle: secs("CENTRALITA_IDLE_S", d.idle),
            connections: count("CENTRALITA_MAX_CONNECTIONS", d.connections),
            per_address: count("CENTRALITA_MAX_CONNECTIONS_PER_ADDRESS", d.per_address),
            health_room: count("CENTRALITA_HEALTH_ROOM", d.health_room),
        }
    }
}

/// The connections open now, in all and by address.
#[derive(Debug, Default)]
struct Open {
    total: AtomicUsize,
    by_address: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection's place in [`Open`], given back when dropped.
struct Place {
    open: Arc<Open>,
    address: IpAddr,
}

impl Open {
    /// A place for a connection from `address`, and whether it may only
    /// ask `/healthz`; none when there is no room.
    fn take(self: &Arc<Self>, address: IpAddr, limits: &Limits) -> Option<(Place, bool)> {
        let mut by = self.by_address.lock().unwrap_or_else(|e| e.into_inner());
        let total = self.total.load(Ordering::Acquire);
        let mine = by.get(&address).copied().unwrap_or(0);
        if total >= limits.connections + limits.health_room || mine >= limits.per_address {
            return None;
        }
        *by.entry(address).or_insert(0) += 1;
        self.total.fetch_add(1, Ordering::AcqRel);
        let place = Place {
            open: self.clone(),
            address,
        };
        Some((place, total >= limits.connections))
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut by = self
            .open
            .by_address
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = by.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                by.remove(&self.address);
            }
        }
        self.open.total.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A socket that notes when bytes last moved either way.
struct Watched {
    tcp: TcpStream,
    last: Arc<AtomicU64>,
}

impl Watched {
    fn moved(&self) {
        self.last.store(crate::clock::mono_ms(), Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.tcp).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.moved();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.tcp).poll_write(cx, data);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.moved();
        }
        r
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

/// The server's certificate and key, ready to accept TLS connections.
#[derive(Clone)]
pub struct Tls {
    acceptor: tokio_rustls::TlsAcceptor,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tls")
    }
}

impl Tls {
    /// Reads a certificate chain and its private key (PEM files); an error
    /// names the file and what is wrong with it.
    pub fn load(cert: &std::path::Path, key: &std::path::Path) -> Result<Tls, String> {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};
        let certs = CertificateDer::pem_file_iter(cert)
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| format!("{}: {e}", cert.display()))?;
        if certs.is_empty() {
            return Err(format!("{}: no certificate in it", cert.display()));
        }
        let private =
            PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
        // ring keeps the build free of cmake and nasm (aws-lc-rs needs them);
        // it has no post-quantum key exchange, hence the deprecation.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(certs, private)
            .map_err(|e| format!("{}: {e}", key.display()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        })
    }
}

/// The answer to anything but `/healthz` on a connection past the limit.
fn full() -> Response<axum::body::Body> {
    let mut res = Response::new(axum::body::Body::from(
        r#"{"error":{"code":"overloaded","message":"too many connections; retry later"}}"#,
    ));
    *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let h = res.headers_mut();
    h.insert(header::CONNECTION, "close".parse().expect("a header value"));
    h.insert(header::RETRY_AFTER, "1".parse().expect("a header value"));
    h.insert(
        header::CONTENT_TYPE,
        "application/json".parse().expect("a header value"),
    );
    res
}

/// Serves `router` on `listener` within `limits` (over TLS with `tls`)
/// until the listener fails.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    tls: Option<Tls>,
) -> std::io::Result<()> {
    let open = Arc::new(Open::default());
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors or a reset before accept: wait, go on.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Some((place, health_only)) = open.take(peer.ip(), &limits) else {
            tracing::debug!(%peer, "connection refused: at the limit");
            drop(tcp);
            continue;
        };
        // Small JSON answers must not wait for Nagle's algorithm.
        let _ = tcp.set_nodelay(true);
        let conn = Conn {
            peer,
            router: router.clone(),
            limits,
            health_only,
        };
        tokio::spawn(conn.run(tcp, tls.clone(), place));
    }
}

/// One accepted connection.
struct Conn {
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    health_only: bool,
}

impl Conn {
    /// Serves the connection (after the TLS handshake, with `tls`), holding
    /// its place until it closes.
    async fn run(self, tcp: TcpStream, tls: Option<Tls>, place: Place) {
        let _place = place;
        let last = Arc::new(AtomicU64::new(crate::clock::mono_ms()));
        let watched = Watched {
            tcp,
            last: last.clone(),
        };
        match tls {
            None => self.serve(TokioIo::new(watched), last).await,
            Some(tls) => {
                let handshake = tls.acceptor.accept(watched);
                match tokio::time::timeout(self.limits.header_read, handshake).await {
                    Ok(Ok(stream)) => self.serve(TokioIo::new(stream), last).await,
                    Ok(Err(e)) => {
                        tracing::debug!(peer = %self.peer, error = %e, "TLS handshake failed")
                    }
                    Err(_) => tracing::debug!(peer = %self.peer, "TLS handshake too slow"),
                }
            }
        }
    }

    /// HTTP/1.1 on `io`, closed when quiet for too long.
    async fn serve<I>(self, io: TokioIo<I>, last: Arc<AtomicU64>)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Conn {
            peer,
            router,
            limits,
            health_only,
        } = self;
        let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
            let router = router.clone();
            async move {
                if health_only && req.uri().path() != "/healthz" {
                    return Ok::<_, std::convert::Infallible>(full());
                }
                req.extensions_mut().insert(ConnectInfo(peer));
                router.oneshot(req.map(axum::body::Body::new)).await
            }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read)
            .serve_connection(io, service);
        tokio::pin!(conn);
        let tick = (limits.idle / 4).max(Duration::from_millis(10));
        loop {
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(%peer, error = %e, "connection ended");
                    }
                    return;
                }
                _ = tokio::time::sleep(tick) => {
                    let quiet = crate::clock::mono_ms().saturating_sub(last.load(Ordering::Relaxed));
                    if quiet >= limits.idle.as_millis() as u64 {
                        tracing::debug!(%peer, "connection closed: idle");
                        return;
                    }
                }
            }
        }
    }
}
