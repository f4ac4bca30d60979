//! The listener's limits over real sockets: half-sent requests and quiet
//! connections are closed, one address cannot take every connection, and
//! a full server still answers `/healthz`.

use std::time::Duration;

use server::serve::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod common;

/// Longest a test waits for the server to close a connection (the limits
/// under test are a fraction of it).
const PATIENCE: Duration = Duration::from_secs(10);

async fn server(suite: &str, limits: Limits) -> std::net::SocketAddr {
    let dir = common::scratch(suite);
    let running = server::start_with(&store::sqlite_url(&dir), "127.0.0.1:0", limits, None, None)
        .await
        .unwrap();
    let addr = running.addr;
    // The server runs as long as the test's runtime.
    std::mem::forget(running);
    addr
}

fn short() -> Limits {
    Limits {
        header_read: Duration::from_millis(300),
        idle: Duration::from_millis(500),
        ..Limits::default()
    }
}

/// Reads until the server closes the connection; what it sent.
async fn until_closed(tcp: &mut TcpStream) -> String {
    let mut all = Vec::new();
    let read = tokio::time::timeout(PATIENCE, tcp.read_to_end(&mut all)).await;
    assert!(read.is_ok(), "still open after {PATIENCE:?}");
    String::from_utf8_lossy(&all).into_owned()
}

async fn get(tcp: &mut TcpStream, path: &str) -> String {
    let req = format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n");
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(PATIENCE, tcp.read(&mut buf))
        .await
        .expect("an answer")
        .unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[tokio::test]
async fn a_half_sent_request_is_closed_after_the_header_read_limit() {
    let addr = server("conn-half", short()).await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n")
        .await
        .unwrap();
    let t0 = tokio::time::Instant::now();
    until_closed(&mut tcp).await;
    assert!(
        t0.elapsed() >= Duration::from_millis(250),
        "{:?}",
        t0.elapsed()
    );
}

#[tokio::test]
async fn a_quiet_connection_is_closed_after_the_idle_limit() {
    let addr = server("conn-idle", short()).await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let answer = get(&mut tcp, "/healthz").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("x-content-type-options: nosniff")
    );
    until_closed(&mut tcp).await;
}

#[tokio::test]
async fn one_address_cannot_take_every_connection() {
    let limits = Limits {
        per_address: 3,
        ..Limits::default()
    };
    let addr = server("conn-per-address", limits).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        assert!(get(&mut tcp, "/healthz").await.starts_with("HTTP/1.1 200"));
        held.push(tcp);
    }
    let mut fourth = TcpStream::connect(addr).await.unwrap();
    let _ = fourth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await;
    let answer = until_closed(&mut fourth).await;
    assert!(answer.is_empty(), "{answer}");
    // One closed: room again.
    drop(held.pop());
    let mut again = None;
    for _ in 0..100 {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        let _ = tcp
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            .await;
        let mut buf = vec![0u8; 1024];
        if let Ok(Ok(n)) = tokio::time::timeout(PATIENCE, tcp.read(&mut buf)).await
            && n > 0
        {
            again = Some(String::from_utf8_lossy(&buf[..n]).into_owned());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(again.expect("room again").starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_full_server_still_answers_healthz() {
    let limits = Limits {
        connections: 2,
        health_room: 2,
        ..Limits::default()
    };
    let addr = server("conn-full", limits).await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        assert!(get(&mut tcp, "/healthz").await.starts_with("HTTP/1.1 200"));
        held.push(tcp);
    }
    // Past the limit: anything but a health check is refused, and closed.
    let mut third = TcpStream::connect(addr).await.unwrap();
    let answer = get(&mut third, "/api/v1/me").await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    until_closed(&mut third).await;
    // Two health checks fit in the room kept for them.
    for _ in 0..2 {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        assert!(get(&mut tcp, "/healthz").await.starts_with("HTTP/1.1 200"));
        held.push(tcp);
    }
    // Past the room for health checks: closed at once.
    let mut last = TcpStream::connect(addr).await.unwrap();
    let _ = last
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await;
    assert!(until_closed(&mut last).await.is_empty());
}

#[tokio::test]
async fn a_refusal_closes_the_connection_and_says_so() {
    let addr = server("conn-refusal", Limits::default()).await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let body = r#"{"tenant":"x","username":"y","password":"z"}"#;
    let req = format!(
        "POST /api/v1/agents HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    tcp.write_all(req.as_bytes()).await.unwrap();
    let answer = until_closed(&mut tcp).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
}

/// A TLS client that trusts only the test certificate.
fn tls_client() -> tokio_rustls::TlsConnector {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let cert = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls/ca.pem");
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(cert).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    #[allow(deprecated)]
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
}

#[tokio::test]
async fn served_over_tls_cookies_are_secure_and_browsers_are_told_to_stay() {
    let dir = common::scratch("conn-tls");
    let tls = server::serve::Tls::load(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls/cert.pem")),
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls/key.pem")),
    )
    .unwrap();
    let running = server::start_with(
        &store::sqlite_url(&dir),
        "127.0.0.1:0",
        Limits::default(),
        Some(tls),
        None,
    )
    .await
    .unwrap();
    let addr = running.addr;
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let mut tls = tls_client().connect(name.clone(), tcp).await.unwrap();
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(PATIENCE, tls.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 200"), "{answer}");
    assert!(
        answer.contains("strict-transport-security: max-age="),
        "{answer}"
    );
    // A sign-in's cookie is Secure.
    let st = &running.state;
    let t = st.store.create_tenant("acme", 1).await.unwrap();
    let hash = server::auth::hash_password("eva's long password").unwrap();
    st.store
        .create_user(&t, "eva", &hash, "admin", 1)
        .await
        .unwrap();
    let body = r#"{"tenant":"acme","username":"eva","password":"eva's long password"}"#;
    let req = format!(
        "POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let tcp = TcpStream::connect(addr).await.unwrap();
    let mut tls = tls_client().connect(name, tcp).await.unwrap();
    tls.write_all(req.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(PATIENCE, tls.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let cookies: Vec<&str> = answer
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .collect();
    assert!(!cookies.is_empty(), "{answer}");
    for cookie in cookies {
        assert!(cookie.contains("; Secure"), "{cookie}");
    }
    // Plain HTTP on the TLS port gets nowhere.
    let mut plain = TcpStream::connect(addr).await.unwrap();
    let _ = plain
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await;
    let text = until_closed(&mut plain).await;
    assert!(!text.contains("200 OK"), "{text}");
    std::mem::forget(running);
}
