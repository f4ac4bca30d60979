//! Users' second factor (TOTP): the key, sealed by the server before it
//! arrives here; a key being set up; the last time step a code was accepted
//! for, moved forward atomically so that one code signs in once.

use sqlx::Row;

use crate::{Store, StoreError};

/// A user's second factor as stored (keys sealed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TotpRecord {
    /// The confirmed key: set means the user signs in with a code.
    pub secret: Option<String>,
    /// A key shown to the user and not yet confirmed with a code.
    pub pending: Option<String>,
    /// The last time step a code was accepted for.
    pub last_step: Option<i64>,
}

impl Store {
    /// A user's second factor (none set up: all empty; no such user: `None`).
    pub async fn totp(
        &self,
        tenant_id: i64,
        user_id: i64,
    ) -> Result<Option<TotpRecord>, StoreError> {
        let row = sqlx::query("SELECT totp_secret, totp_pending, totp_last_step FROM users WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id).bind(user_id)
            .fetch_optional(self.pool()).await?;
        row.map(|r| {
            Ok(TotpRecord {
                secret: r.try_get(0)?,
                pending: r.try_get(1)?,
                last_step: r.try_get(2)?,
            })
        })
        .transpose()
    }

    /// The ids of a tenant's users who have a second factor.
    pub async fn totp_users(&self, tenant_id: i64) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query(
            "SELECT id FROM users WHERE tenant_id = $1 AND totp_secret IS NOT NULL ORDER BY id",
        )
        .bind(tenant_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Keeps a key being set up (replacing any other being set up).
    pub async fn set_totp_pending(
        &self,
        tenant_id: i64,
        user_id: i64,
        sealed: &str,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE users SET totp_pending = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(sealed)
            .bind(tenant_id)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Makes a key the user's second factor, with the step its first code
    /// was for; the key being set up is dropped.
    pub async fn enable_totp(
        &self,
        tenant_id: i64,
        user_id: i64,
        sealed: &str,
        step: i64,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE users SET totp_secret = $1, totp_pending = NULL, totp_last_step = $2 WHERE tenant_id = $3 AND id = $4")
            .bind(sealed).bind(step).bind(tenant_id).bind(user_id)
            .execute(self.pool()).await?;
        Ok(r.rows_affected() == 1)
    }

    /// Removes a user's second factor (and any being set up).
    pub async fn disable_totp(&self, tenant_id: i64, user_id: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id).bind(user_id)
            .execute(self.pool()).await?;
        Ok(r.rows_affected() == 1)
    }

    /// Takes a code's time step: true when it is later than the last one
    /// taken (in one statement, so that one code is never taken twice).
    pub async fn take_totp_step(
        &self,
        tenant_id: i64,
        user_id: i64,
        step: i64,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE users SET totp_last_step = $1 WHERE tenant_id = $2 AND id = $3 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)")
            .bind(step).bind(tenant_id).bind(user_id)
            .execute(self.pool()).await?;
        Ok(r.rows_affected() == 1)
    }
}
