//! Reads for saved customer queries: the queries themselves (tenant settings
//! named `customer_query.NAME`) and the records they run over, page by page.

use sqlx::Row;

use crate::customers::{CustomerFull, FULL_COLS, full_of};
use crate::{Store, StoreError, Tenant};

impl Store {
    /// The tenant's settings whose names start with `prefix`, by name (an
    /// empty document is a setting removed).
    pub async fn settings_with_prefix(
        &self,
        t: &Tenant,
        prefix: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        // Names are letters, digits, `_`, `-` and `.`: no LIKE wildcards
        // other than the ones escaped here.
        let pattern = format!("{}%", prefix.replace('_', "\\_"));
        let rows = sqlx::query(
            "SELECT name, document FROM tenant_settings WHERE tenant_id = $1 AND name LIKE $2 ESCAPE '\\' AND document <> '' ORDER BY name",
        )
        .bind(t.id)
        .bind(pattern)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Records after `after` in id order (merged ones left out), at most
    /// `limit`: a scan of the whole tenant, page by page.
    pub async fn customers_page(
        &self,
        t: &Tenant,
        after: i64,
        limit: i64,
    ) -> Result<Vec<CustomerFull>, StoreError> {
        let sql = format!(
            "SELECT {FULL_COLS} FROM customers WHERE tenant_id = $1 AND id > $2 AND merged_into IS NULL ORDER BY id LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id)
            .bind(after)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(full_of).collect()
    }

    /// How many records the tenant has (merged ones left out).
    pub async fn customers_count(&self, t: &Tenant) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM customers WHERE tenant_id = $1 AND merged_into IS NULL",
        )
        .bind(t.id)
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get(0)?)
    }
}

impl Store {
    /// A customer's consent ledger, newest first (at most `limit`), each with
    /// its sequence number.
    pub async fn customer_consents(
        &self,
        t: &Tenant,
        customer: i64,
        limit: i64,
    ) -> Result<Vec<(i64, model::consent::ConsentEntry)>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, purpose, channel, granted, at, source, evidence, by_user FROM customer_consents WHERE tenant_id = $1 AND customer_id = $2 ORDER BY seq DESC LIMIT $3",
        )
        .bind(t.id)
        .bind(customer)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let channel: String = r.try_get(2)?;
                let granted: i64 = r.try_get(3)?;
                let entry = model::consent::ConsentEntry {
                    purpose: r.try_get(1)?,
                    channel: crate::read::kind(channel)?,
                    granted: granted != 0,
                    at: r.try_get(4)?,
                    source: r.try_get(5)?,
                    evidence: r.try_get(6)?,
                    by: r.try_get(7)?,
                };
                Ok((r.try_get(0)?, entry))
            })
            .collect()
    }
}

impl Store {
    /// Every interaction of the customers given, oldest first (at most
    /// `limit`): what an export of a person holds.
    pub async fn interactions_of_customers(
        &self,
        t: &Tenant,
        customers: &[i64],
        limit: i64,
    ) -> Result<Vec<crate::read::InteractionView>, StoreError> {
        let mut out = Vec::new();
        for c in customers {
            let sql = format!(
                "SELECT {} FROM interactions WHERE tenant_id = $1 AND customer_id = $2 ORDER BY id LIMIT $3",
                crate::read::INTERACTION_COLS
            );
            let rows = sqlx::query(&sql)
                .bind(t.id)
                .bind(*c)
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
            for r in rows {
                out.push(crate::read::interaction_of(r)?);
            }
        }
        out.sort_by_key(|i| i.id);
        Ok(out)
    }
}
