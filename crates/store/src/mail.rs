//! E-mail in the store: a tenant's mailboxes (edge configuration, with how
//! far each was read), and the projection of e-mail facts — each message a
//! row of the interaction's messages (its text), its Message-ID kept for
//! threads, the first subject the interaction's.

use sqlx::{Any, Row, Transaction};

use crate::{Store, StoreError, Tenant};

/// Most mailboxes per tenant.
pub const MAILBOXES_MAX: i64 = 32;

/// A mailbox as kept (passwords sealed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxRow {
    /// Its name.
    pub name: String,
    /// Its address (the From of replies).
    pub address: String,
    /// The queue its messages wait in (none: the plan's default).
    pub queue: Option<String>,
    /// IMAP server: host, port, security (`tls` or `none`), user, sealed password.
    pub imap: Endpoint,
    /// SMTP server: host, port, security (`tls`, `starttls` or `none`), user, sealed password.
    pub smtp: Endpoint,
    /// The folder's UIDVALIDITY when last read.
    pub uid_validity: i64,
    /// The last message read (its UID).
    pub last_uid: i64,
    /// When it was last read (Unix ms).
    pub checked_at: Option<i64>,
    /// Why the last read failed, if it did.
    pub last_error: Option<String>,
}

/// How a connection to a mail server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Tls,
    /// Plain, then STARTTLS (SMTP submission 587).
    Starttls,
    /// Plain text (a server on this machine only).
    None,
}

impl Security {
    /// As stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
            Security::None => "none",
        }
    }

    /// From its stored form.
    pub fn parse(s: &str) -> Option<Security> {
        match s {
            "tls" => Some(Security::Tls),
            "starttls" => Some(Security::Starttls),
            "none" => Some(Security::None),
            _ => None,
        }
    }
}

/// A server a mailbox talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// How the connection is secured.
    pub security: Security,
    /// User name.
    pub user: String,
    /// Password, sealed.
    pub password: String,
}

const COLS: &str = "name, address, queue, imap_host, imap_port, imap_security, imap_user, imap_password, \
smtp_host, smtp_port, smtp_security, smtp_user, smtp_password, uid_validity, last_uid, checked_at, last_error";

/// The server whose five columns start at `i` (host, port, security, user, password).
fn endpoint_at(r: &sqlx::any::AnyRow, i: usize) -> Result<Endpoint, StoreError> {
    let security: String = r.try_get(i + 2)?;
    Ok(Endpoint {
        host: r.try_get(i)?,
        port: u16::try_from(r.try_get::<i64, _>(i + 1)?).unwrap_or(0),
        security: Security::parse(&security).ok_or_else(|| StoreError::Invalid {
            field: "security",
            message: format!("{security:?} is not tls, starttls or none"),
        })?,
        user: r.try_get(i + 3)?,
        password: r.try_get(i + 4)?,
    })
}

fn row_of(r: &sqlx::any::AnyRow) -> Result<MailboxRow, StoreError> {
    Ok(MailboxRow {
        name: r.try_get(0)?,
        address: r.try_get(1)?,
        queue: r.try_get(2)?,
        imap: endpoint_at(r, 3)?,
        smtp: endpoint_at(r, 8)?,
        uid_validity: r.try_get(13)?,
        last_uid: r.try_get(14)?,
        checked_at: r.try_get(15)?,
        last_error: r.try_get(16)?,
    })
}

impl Store {
    /// Creates or replaces a mailbox (how far it was read is kept when its
    /// IMAP server and user stay the same). Refused past [`MAILBOXES_MAX`].
    pub async fn put_mailbox(
        &self,
        t: &Tenant,
        m: &MailboxRow,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let old = self.mailbox(t, &m.name).await?;
        let same_source = old.as_ref().is_some_and(|o| {
            o.imap.host == m.imap.host && o.imap.port == m.imap.port && o.imap.user == m.imap.user
        });
        if old.is_none() && self.mailboxes(t).await?.len() as i64 >= MAILBOXES_MAX {
            return Err(StoreError::Invalid {
                field: "name",
                message: format!("at most {MAILBOXES_MAX} mailboxes"),
            });
        }
        let (validity, last) = match (&old, same_source) {
            (Some(o), true) => (o.uid_validity, o.last_uid),
            _ => (0, 0),
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM mailboxes WHERE tenant_id = $1 AND name = $2")
            .bind(t.id)
            .bind(&m.name)
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!(
            "INSERT INTO mailboxes (tenant_id, created_at, {COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, NULL, NULL)"
        ))
        .bind(t.id)
        .bind(now_ms)
        .bind(&m.name)
        .bind(&m.address)
        .bind(m.queue.as_deref())
        .bind(&m.imap.host)
        .bind(i64::from(m.imap.port))
        .bind(m.imap.security.as_str())
        .bind(&m.imap.user)
        .bind(&m.imap.password)
        .bind(&m.smtp.host)
        .bind(i64::from(m.smtp.port))
        .bind(m.smtp.security.as_str())
        .bind(&m.smtp.user)
        .bind(&m.smtp.password)
        .bind(validity)
        .bind(last)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(old.is_none())
    }

    /// One mailbox.
    pub async fn mailbox(&self, t: &Tenant, name: &str) -> Result<Option<MailboxRow>, StoreError> {
        let sql = format!("SELECT {COLS} FROM mailboxes WHERE tenant_id = $1 AND name = $2");
        let r = sqlx::query(&sql)
            .bind(t.id)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        r.as_ref().map(row_of).transpose()
    }

    /// The tenant's mailboxes, by name.
    pub async fn mailboxes(&self, t: &Tenant) -> Result<Vec<MailboxRow>, StoreError> {
        let sql = format!("SELECT {COLS} FROM mailboxes WHERE tenant_id = $1 ORDER BY name");
        let rows = sqlx::query(&sql).bind(t.id).fetch_all(&self.pool).await?;
        rows.iter().map(row_of).collect()
    }

    /// Removes a mailbox; whether there was one.
    pub async fn delete_mailbox(&self, t: &Tenant, name: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM mailboxes WHERE tenant_id = $1 AND name = $2")
            .bind(t.id)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Notes how far a mailbox was read, and how the read went.
    pub async fn mailbox_read(
        &self,
        t: &Tenant,
        name: &str,
        (validity, last_uid): (i64, i64),
        at_ms: i64,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE mailboxes SET uid_validity = $1, last_uid = $2, checked_at = $3, last_error = $4 WHERE tenant_id = $5 AND name = $6")
            .bind(validity)
            .bind(last_uid)
            .bind(at_ms)
            .bind(error)
            .bind(t.id)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The interaction a message is on, by any of these Message-IDs (the
    /// first found, in the order given).
    pub async fn email_thread(
        &self,
        t: &Tenant,
        ids: &[String],
    ) -> Result<Option<i64>, StoreError> {
        for id in ids {
            let r = sqlx::query(
                "SELECT interaction_id FROM email_threads WHERE tenant_id = $1 AND message_id = $2",
            )
            .bind(t.id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(r) = r {
                return Ok(Some(r.try_get(0)?));
            }
        }
        Ok(None)
    }
}

/// An e-mail fact, projected.
pub(crate) async fn project(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    (seq, at): (i64, i64),
    interaction: u64,
    email: &model::email::Email,
    sent_by: Option<&String>,
) -> Result<(), StoreError> {
    let id = i64::try_from(interaction).expect("id fits in i64");
    let sender = if sent_by.is_some() {
        "agent"
    } else {
        "customer"
    };
    sqlx::query("INSERT INTO chat_messages (tenant_id, seq, interaction_id, at, sender, agent_id, body) VALUES ($1, $2, $3, $4, $5, NULL, $6)")
        .bind(t.id).bind(seq).bind(id).bind(at).bind(sender).bind(email.text.as_str())
        .execute(&mut **tx).await?;
    sqlx::query("INSERT INTO email_threads (tenant_id, message_id, interaction_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(t.id).bind(email.message_id.as_str()).bind(id)
        .execute(&mut **tx).await?;
    sqlx::query(
        "UPDATE interactions SET subject = $1 WHERE tenant_id = $2 AND id = $3 AND subject IS NULL",
    )
    .bind(email.subject.as_str())
    .bind(t.id)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
