//! Payments from bank files that found no case (or one that could not take
//! them), kept for a person to assign. A statement imported again adds none
//! twice: a payment's id is stable (`import::payments`), the table's key.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::read::LIST_MAX;
use crate::{Store, StoreError, Tenant};

/// Columns of an unmatched payment, in [`UnmatchedPayment`]'s order.
const COLS: &str = "id, import_id, line, booked, amount, currency, reference, payer_name, payer_account, remittance, reason, case_id, assigned_by, created_at";

/// A payment no case took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnmatchedPayment {
    /// Its id (stable across imports of the same file).
    pub id: String,
    /// The import that read it.
    pub import_id: i64,
    /// Its line (CSV) or entry (XML) in the file.
    pub line: i64,
    /// The day it was booked (YYYY-MM-DD).
    pub booked: String,
    /// How much (a decimal string).
    pub amount: String,
    /// Its currency.
    pub currency: String,
    /// The references it carried (creditor reference, end-to-end id, VS).
    pub reference: String,
    /// Who paid.
    pub payer_name: Option<String>,
    /// From which account.
    pub payer_account: Option<String>,
    /// The remittance text.
    pub remittance: String,
    /// Why no case took it.
    pub reason: String,
    /// The case a person gave it to.
    pub case_id: Option<i64>,
    /// Who gave it.
    pub assigned_by: Option<String>,
    /// When it was read (Unix ms).
    pub created_at: i64,
}

fn of_row(r: AnyRow) -> Result<UnmatchedPayment, StoreError> {
    Ok(UnmatchedPayment {
        id: r.try_get(0)?,
        import_id: r.try_get(1)?,
        line: r.try_get(2)?,
        booked: r.try_get(3)?,
        amount: r.try_get(4)?,
        currency: r.try_get(5)?,
        reference: r.try_get(6)?,
        payer_name: r.try_get(7)?,
        payer_account: r.try_get(8)?,
        remittance: r.try_get(9)?,
        reason: r.try_get(10)?,
        case_id: r.try_get(11)?,
        assigned_by: r.try_get(12)?,
        created_at: r.try_get(13)?,
    })
}

impl Store {
    /// Keeps payments no case took (one already kept is left as it is);
    /// how many were new.
    pub async fn add_unmatched_payments(
        &self,
        t: &Tenant,
        list: &[UnmatchedPayment],
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool().begin().await?;
        let mut added = 0;
        for p in list {
            let done = sqlx::query(
                "INSERT INTO unmatched_payments (tenant_id, id, import_id, line, booked, amount, currency, reference, payer_name, payer_account, remittance, reason, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(t.id)
            .bind(&p.id)
            .bind(p.import_id)
            .bind(p.line)
            .bind(&p.booked)
            .bind(&p.amount)
            .bind(&p.currency)
            .bind(&p.reference)
            .bind(&p.payer_name)
            .bind(&p.payer_account)
            .bind(&p.remittance)
            .bind(&p.reason)
            .bind(p.created_at)
            .execute(&mut *tx)
            .await?;
            added += done.rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Payments no case took: those still to assign (or every one), newest first.
    pub async fn unmatched_payments(
        &self,
        t: &Tenant,
        open_only: bool,
        limit: i64,
    ) -> Result<Vec<UnmatchedPayment>, StoreError> {
        let filter = if open_only { "AND case_id IS NULL" } else { "" };
        let sql = format!(
            "SELECT {COLS} FROM unmatched_payments WHERE tenant_id = $1 {filter} ORDER BY created_at DESC, id LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id)
            .bind(limit.clamp(1, LIST_MAX))
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(of_row).collect()
    }

    /// One payment no case took.
    pub async fn unmatched_payment(
        &self,
        t: &Tenant,
        id: &str,
    ) -> Result<Option<UnmatchedPayment>, StoreError> {
        let sql = format!("SELECT {COLS} FROM unmatched_payments WHERE tenant_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(t.id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(of_row).transpose()
    }

    /// Marks a payment as given to a case (only one not given yet: false
    /// when another person gave it first).
    pub async fn assign_unmatched_payment(
        &self,
        t: &Tenant,
        id: &str,
        case: i64,
        by: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE unmatched_payments SET case_id = $3, assigned_by = $4 WHERE tenant_id = $1 AND id = $2 AND case_id IS NULL",
        )
        .bind(t.id)
        .bind(id)
        .bind(case)
        .bind(by)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes back a payment's case (giving it failed).
    pub async fn release_unmatched_payment(&self, t: &Tenant, id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE unmatched_payments SET case_id = NULL, assigned_by = NULL WHERE tenant_id = $1 AND id = $2")
            .bind(t.id)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Takes erased persons out of the payments given to their cases: the
    /// payer's name, account and text go, the amount and dates stay (the
    /// accounts need them). How many payments changed.
    pub async fn erase_payments_of_cases(
        &self,
        t: &Tenant,
        cases: &[u64],
    ) -> Result<u64, StoreError> {
        let mut n = 0;
        for chunk in cases.chunks(500) {
            let ids: Vec<i64> = chunk.iter().map(|&c| c as i64).collect();
            let sql = format!(
                "UPDATE unmatched_payments SET payer_name = NULL, payer_account = NULL, remittance = $2 WHERE tenant_id = $1 AND {}",
                crate::erase::in_ids(self.backend() == crate::Backend::Postgres, "case_id", 3)
            );
            n += sqlx::query(&sql)
                .bind(t.id)
                .bind(model::erasure::ERASED)
                .bind(crate::erase::ids_json(&ids))
                .execute(self.pool())
                .await?
                .rows_affected();
        }
        Ok(n)
    }
}
