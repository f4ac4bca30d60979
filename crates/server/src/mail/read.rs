//! Reading a mailbox over IMAP: log in, select INBOX, fetch the messages
//! after the last UID read (all of them again when the folder's
//! UIDVALIDITY changed: a message already on an interaction is known by
//! its Message-ID and not taken twice), each handed to [`super::ingest`],
//! the UID noted after each. Polled every `CENTRALITA_MAIL_POLL_MS`.

use std::time::Duration;

use async_imap::Client;
use futures_util::TryStreamExt;
use store::Tenant;
use store::mail::{MailboxRow, Security};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::AppState;

/// Messages one read takes at most (the next read takes the rest).
pub const BATCH: usize = 50;
/// Longest wait to connect or for an answer.
const TIMEOUT: Duration = Duration::from_secs(30);

/// How a read went: messages taken.
pub async fn read_mailbox(st: &AppState, t: &Tenant, m: &MailboxRow) -> anyhow::Result<usize> {
    let password = super::open_password(st, t, m, super::Side::Imap)?;
    let addrs = crate::targets::resolve(&m.imap.host, m.imap.port, st.allow_local_targets).await?;
    let tcp = tokio::time::timeout(TIMEOUT, TcpStream::connect(&addrs[..])).await??;
    match m.imap.security {
        Security::Tls => {
            let name = rustls::pki_types::ServerName::try_from(m.imap.host.clone())?;
            let tls = super::tls_connector().connect(name, tcp).await?;
            read_from(st, t, m, Client::new(tls), &password).await
        }
        _ => read_from(st, t, m, Client::new(tcp), &password).await,
    }
}

async fn read_from<T>(
    st: &AppState,
    t: &Tenant,
    m: &MailboxRow,
    mut client: Client<T>,
    password: &str,
) -> anyhow::Result<usize>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    tokio::time::timeout(TIMEOUT, client.read_response())
        .await??
        .ok_or_else(|| anyhow::anyhow!("the server closed the connection before greeting"))?;
    let mut s = tokio::time::timeout(TIMEOUT, client.login(&m.imap.user, password))
        .await?
        .map_err(|(e, _)| e)?;
    let folder = s.select("INBOX").await?;
    let validity = i64::from(folder.uid_validity.unwrap_or(0));
    let last = if validity == m.uid_validity {
        m.last_uid
    } else {
        0
    };
    let mut uids: Vec<u32> = s
        .uid_search(format!("UID {}:*", last + 1))
        .await?
        .into_iter()
        .filter(|u| i64::from(*u) > last)
        .collect();
    uids.sort_unstable();
    uids.truncate(BATCH);
    let mut taken = 0;
    for uid in uids {
        let fetched: Vec<_> = s
            .uid_fetch(uid.to_string(), "(UID RFC822)")
            .await?
            .try_collect()
            .await?;
        if let Some(raw) = fetched.first().and_then(|f| f.body()) {
            super::ingest::ingest(st, t, m, raw)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            taken += 1;
        }
        let now = crate::clock::now_ms();
        st.store
            .mailbox_read(t, &m.name, (validity, i64::from(uid)), now, None)
            .await?;
    }
    if taken == 0 {
        let now = crate::clock::now_ms();
        st.store
            .mailbox_read(t, &m.name, (validity, last), now, None)
            .await?;
    }
    let _ = s.logout().await;
    Ok(taken)
}

/// How often mailboxes are read (`CENTRALITA_MAIL_POLL_MS`, default 30 s).
pub fn poll_every() -> Duration {
    std::env::var("CENTRALITA_MAIL_POLL_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|ms| *ms > 0)
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(30))
}

/// Reads every tenant's mailboxes once.
pub async fn read_all(st: &AppState) {
    let Ok(tenants) = st.store.tenants().await else {
        return;
    };
    for t in tenants {
        let Ok(boxes) = st.store.mailboxes(&t).await else {
            continue;
        };
        for m in boxes {
            if let Err(e) = read_mailbox(st, &t, &m).await {
                let why = crate::mail::cut_error(&e.to_string());
                tracing::warn!(tenant = t.name(), mailbox = m.name, error = %why, "mailbox not read");
                let now = crate::clock::now_ms();
                let read = (m.uid_validity, m.last_uid);
                let _ = st
                    .store
                    .mailbox_read(&t, &m.name, read, now, Some(&why))
                    .await;
            }
        }
    }
}

/// Reads every mailbox now and then, for as long as the server runs.
pub async fn run(st: AppState, every: Duration) {
    loop {
        read_all(&st).await;
        tokio::time::sleep(every).await;
    }
}
