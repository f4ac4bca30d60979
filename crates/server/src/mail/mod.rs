//! The e-mail channel: a tenant's mailboxes (`PUT /api/v1/mailboxes/{name}`
//! with its IMAP and SMTP servers; passwords sealed with the server's
//! secret key), read over IMAP now and then ([`read`]), each message taken
//! in as an `email` interaction routed like any other, threads kept by
//! Message-ID, In-Reply-To and References ([`ingest`]), made safe first
//! ([`parse`]: HTML sanitised, attachments kept within size limits, bounces
//! noted on the customer); agents answer from the desktop or the API and
//! the answer goes out over SMTP ([`send`]).
//!
//! Attachments are kept under `CENTRALITA_MAIL_DIR`, else beside a SQLite
//! database (`DATA/mail`), else in the temporary directory.

pub mod ingest;
pub mod parse;
pub mod read;
pub mod send;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use store::Tenant;
use store::mail::MailboxRow;

use crate::AppState;

/// A mailbox's two servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Where mail is read.
    Imap,
    /// Where answers go out.
    Smtp,
}

impl Side {
    /// As fields and sealing purposes name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Imap => "imap",
            Side::Smtp => "smtp",
        }
    }
}

/// The purpose a mailbox's password is sealed for.
pub fn purpose(t: &Tenant, name: &str, side: Side) -> String {
    format!("mailbox:{}:{name}:{}", t.id(), side.as_str())
}

/// A mailbox's IMAP or SMTP password, opened.
pub fn open_password(
    st: &AppState,
    t: &Tenant,
    m: &MailboxRow,
    side: Side,
) -> anyhow::Result<String> {
    let sealed = match side {
        Side::Imap => &m.imap.password,
        Side::Smtp => &m.smtp.password,
    };
    if sealed.is_empty() {
        return Ok(String::new());
    }
    Ok(st.secrets.open(&purpose(t, &m.name, side), sealed)?)
}

/// An error as a mailbox's status keeps it (one line, at most 300 bytes).
pub fn cut_error(e: &str) -> String {
    model::email::cut(&e.replace(['\r', '\n'], " "), 300)
}

/// Where attachments are kept.
pub async fn mail_dir(st: &AppState) -> PathBuf {
    if let Some(d) = std::env::var_os("CENTRALITA_MAIL_DIR") {
        return PathBuf::from(d);
    }
    match st.store.database_dir().await {
        Some(d) => d.join("mail"),
        None => std::env::temp_dir().join("centralita-mail"),
    }
}

/// TLS to mail servers, checked against the system's roots.
pub fn tls_connector() -> tokio_rustls::TlsConnector {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    let config = CONFIG.get_or_init(|| {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        #[allow(deprecated)] // ring's default provider, as serve.rs and oidc.rs
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        Arc::new(config)
    });
    tokio_rustls::TlsConnector::from(config.clone())
}

/// Starts reading mailboxes (every `CENTRALITA_MAIL_POLL_MS`).
pub fn run(st: AppState) {
    tokio::spawn(read::run(st, read::poll_every()));
}
