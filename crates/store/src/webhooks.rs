//! Webhooks: a tenant's subscriptions (URL, fact kinds, sealed secret) with
//! the sequence number each delivered up to, and the log of delivery
//! attempts. Not facts of the log: configuration of the edge, like tokens.

use serde::Serialize;
use sqlx::Row;

use crate::{Store, StoreError, Tenant};

/// Delivery attempts kept per webhook (older ones are dropped).
pub const DELIVERIES_KEPT: i64 = 1_000;

/// A webhook as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    /// Its id.
    pub id: i64,
    /// Where facts are posted.
    pub url: String,
    /// The kinds of fact posted (empty: every kind).
    pub kinds: Vec<String>,
    /// The secret, sealed (never shown).
    #[serde(skip)]
    pub secret: String,
    /// The last sequence number delivered (or passed over).
    pub cursor_seq: i64,
    /// Unix ms.
    pub created_at: i64,
}

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// The fact's sequence number.
    pub seq: i64,
    /// Which attempt for that fact (1, 2, …).
    pub attempt: i64,
    /// Unix ms.
    pub at: i64,
    /// The receiver's HTTP status (0: no answer).
    pub status: i64,
    /// What went wrong, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A fact as the log holds it, for posting: its encoded body untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFact {
    /// Sequence number.
    pub seq: i64,
    /// Unix ms.
    pub at: i64,
    /// Its kind (`customers_set`, `outbound.gate_decided`…).
    pub kind: String,
    /// The fact as JSON.
    pub body: String,
}

fn webhook_of(r: &sqlx::any::AnyRow) -> Result<Webhook, StoreError> {
    let kinds: String = r.try_get(2)?;
    Ok(Webhook {
        id: r.try_get(0)?,
        url: r.try_get(1)?,
        kinds: serde_json::from_str(&kinds)?,
        secret: r.try_get(3)?,
        cursor_seq: r.try_get(4)?,
        created_at: r.try_get(5)?,
    })
}

const COLS: &str = "id, url, kinds, secret, cursor_seq, created_at";

impl Store {
    /// Adds a webhook that starts after `from_seq`: its id.
    pub async fn create_webhook(
        &self,
        t: &Tenant,
        url: &str,
        kinds: &[String],
        sealed_secret: &str,
        from_seq: i64,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let kinds = serde_json::to_string(kinds)?;
        for _ in 0..crate::ID_RETRIES {
            let mut tx = self.pool().begin().await?;
            let row =
                sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 FROM webhooks WHERE tenant_id = $1")
                    .bind(t.id)
                    .fetch_one(&mut *tx)
                    .await?;
            let id: i64 = row.try_get(0)?;
            let done = sqlx::query("INSERT INTO webhooks (tenant_id, id, url, kinds, secret, cursor_seq, created_at, deleted) VALUES ($1, $2, $3, $4, $5, $6, $7, 0)")
                .bind(t.id).bind(id).bind(url).bind(kinds.as_str()).bind(sealed_secret).bind(from_seq).bind(now_ms)
                .execute(&mut *tx).await;
            if done.is_ok() && tx.commit().await.is_ok() {
                return Ok(id);
            }
        }
        Err(StoreError::Exists("a webhook with the next id".into()))
    }

    /// The tenant's webhooks (deleted ones left out), by id.
    pub async fn webhooks(&self, t: &Tenant) -> Result<Vec<Webhook>, StoreError> {
        let sql =
            format!("SELECT {COLS} FROM webhooks WHERE tenant_id = $1 AND deleted = 0 ORDER BY id");
        let rows = sqlx::query(&sql).bind(t.id).fetch_all(self.pool()).await?;
        rows.iter().map(webhook_of).collect()
    }

    /// One webhook, if it stands.
    pub async fn webhook(&self, t: &Tenant, id: i64) -> Result<Option<Webhook>, StoreError> {
        let sql =
            format!("SELECT {COLS} FROM webhooks WHERE tenant_id = $1 AND id = $2 AND deleted = 0");
        let row = sqlx::query(&sql)
            .bind(t.id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(webhook_of).transpose()
    }

    /// Every tenant's standing webhooks: (tenant id, webhook id).
    pub async fn all_webhooks(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT tenant_id, id FROM webhooks WHERE deleted = 0 ORDER BY tenant_id, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Removes a webhook; whether it stood.
    pub async fn delete_webhook(&self, t: &Tenant, id: i64) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE webhooks SET deleted = 1 WHERE tenant_id = $1 AND id = $2 AND deleted = 0",
        )
        .bind(t.id)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Moves a webhook's cursor (after a delivery, or back for a replay).
    pub async fn set_webhook_cursor(
        &self,
        t: &Tenant,
        id: i64,
        seq: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE webhooks SET cursor_seq = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(seq)
            .bind(t.id)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Moves a webhook's cursor from `from` to `to` unless it moved
    /// meanwhile (a replay): whether it moved.
    pub async fn move_webhook_cursor(
        &self,
        t: &Tenant,
        id: i64,
        from: i64,
        to: i64,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE webhooks SET cursor_seq = $1 WHERE tenant_id = $2 AND id = $3 AND cursor_seq = $4 AND deleted = 0")
            .bind(to)
            .bind(t.id)
            .bind(id)
            .bind(from)
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Notes a delivery attempt (keeping the latest [`DELIVERIES_KEPT`]).
    pub async fn add_delivery(
        &self,
        t: &Tenant,
        webhook: i64,
        d: &Delivery,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let row = sqlx::query("SELECT COALESCE(MAX(n), 0) + 1 FROM webhook_deliveries WHERE tenant_id = $1 AND webhook_id = $2")
            .bind(t.id)
            .bind(webhook)
            .fetch_one(&mut *tx)
            .await?;
        let n: i64 = row.try_get(0)?;
        sqlx::query("INSERT INTO webhook_deliveries (tenant_id, webhook_id, n, seq, attempt, at, status, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(t.id).bind(webhook).bind(n).bind(d.seq).bind(d.attempt).bind(d.at).bind(d.status).bind(d.error.clone())
            .execute(&mut *tx).await?;
        sqlx::query(
            "DELETE FROM webhook_deliveries WHERE tenant_id = $1 AND webhook_id = $2 AND n <= $3",
        )
        .bind(t.id)
        .bind(webhook)
        .bind(n - DELIVERIES_KEPT)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A webhook's latest delivery attempts, newest first.
    pub async fn deliveries(
        &self,
        t: &Tenant,
        webhook: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query("SELECT seq, attempt, at, status, error FROM webhook_deliveries WHERE tenant_id = $1 AND webhook_id = $2 ORDER BY n DESC LIMIT $3")
            .bind(t.id)
            .bind(webhook)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Delivery {
                    seq: r.try_get(0)?,
                    attempt: r.try_get(1)?,
                    at: r.try_get(2)?,
                    status: r.try_get(3)?,
                    error: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Facts after `seq` as the log holds them, in order, at most `limit`.
    pub async fn raw_facts_after(
        &self,
        t: &Tenant,
        seq: i64,
        limit: i64,
    ) -> Result<Vec<RawFact>, StoreError> {
        let rows = sqlx::query("SELECT seq, at, kind, body FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
            .bind(t.id)
            .bind(seq)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(RawFact {
                    seq: r.try_get(0)?,
                    at: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    body: r.try_get(3)?,
                })
            })
            .collect()
    }
}
