//! The audit trail: who did what, as data. Each tenant has one chain of
//! entries (`audit_log`), appended to and never changed; each entry's hash
//! covers its fields and the hash of the entry before, so an entry changed,
//! removed or put in between breaks the chain from there on
//! ([`Store::audit_verify`]). Entries hold ids (`user:5`, `token:3`), never
//! names or other personal data, so erasing a person leaves the chain whole.
//! Provider-level actions are in the chain of tenant 0.

use blake2::{Blake2b512, Digest};
use serde::Serialize;
use sqlx::Row;

use crate::{Backend, Store, StoreError, Tenant};

/// The hash before a chain's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Most entries read at once.
pub const READ_MAX: i64 = 100_000;
/// Longest actor, action or target, in bytes.
const FIELD_MAX: usize = 128;

/// One entry of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Its place in the tenant's chain, from 1.
    pub seq: i64,
    /// When (Unix ms).
    pub at: i64,
    /// Who: `user:ID`, `token:ID`, `provider:ID` or `system`.
    pub actor: String,
    /// What (`signed_in`, `role_changed`, `plan_replaced`, …).
    pub action: String,
    /// On what (`user:ID`, `interaction:ID`, `plan`, …), if anything.
    pub target: Option<String>,
    /// The hash of the entry before ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The first entry that does not follow.
    pub seq: i64,
    /// Why.
    pub why: String,
}

/// The hash of an entry (BLAKE2b, 256 bits, hex) over an unambiguous
/// encoding of its fields and the hash before it.
pub fn entry_hash(
    tenant_id: i64,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    target: Option<&str>,
    prev_hash: &str,
) -> String {
    let encoded = serde_json::json!([tenant_id, seq, at, actor, action, target, prev_hash]);
    let d = Blake2b512::digest(encoded.to_string().as_bytes());
    d.iter().take(32).map(|x| format!("{x:02x}")).collect()
}

fn entry_of(r: sqlx::any::AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: r.try_get(0)?,
        at: r.try_get(1)?,
        actor: r.try_get(2)?,
        action: r.try_get(3)?,
        target: r.try_get(4)?,
        prev_hash: r.try_get(5)?,
        hash: r.try_get(6)?,
    })
}

fn checked(field: &'static str, value: &str) -> Result<(), StoreError> {
    if value.is_empty() || value.len() > FIELD_MAX || value.chars().any(char::is_control) {
        return Err(StoreError::Invalid {
            field,
            message: format!("1 to {FIELD_MAX} bytes, no control characters"),
        });
    }
    Ok(())
}

const COLS: &str = "seq, at, actor, action, target, prev_hash, hash";

impl Store {
    /// Appends an entry to a tenant's chain (committed when this returns).
    pub async fn audit_append(
        &self,
        tenant_id: i64,
        at: i64,
        actor: &str,
        action: &str,
        target: Option<&str>,
    ) -> Result<AuditEntry, StoreError> {
        checked("actor", actor)?;
        checked("action", action)?;
        if let Some(t) = target {
            checked("target", t)?;
        }
        // One appender at a time per chain: SQLite takes the write lock at
        // BEGIN IMMEDIATE; PostgreSQL a lock keyed by the tenant.
        let mut conn = self.writer.acquire().await?;
        let begin = match self.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        sqlx::query(begin).execute(&mut *conn).await?;
        let r = self
            .audit_append_in(&mut conn, tenant_id, at, actor, action, target)
            .await;
        let end = if r.is_ok() { "COMMIT" } else { "ROLLBACK" };
        sqlx::query(end).execute(&mut *conn).await?;
        r
    }

    async fn audit_append_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        tenant_id: i64,
        at: i64,
        actor: &str,
        action: &str,
        target: Option<&str>,
    ) -> Result<AuditEntry, StoreError> {
        if self.backend() == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(0x6175_6469_7400_0000_i64 ^ tenant_id)
                .execute(&mut *conn)
                .await?;
        }
        let last = sqlx::query(
            "SELECT seq, hash FROM audit_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(tenant_id)
        .fetch_optional(&mut *conn)
        .await?;
        let (seq, prev_hash) = match last {
            Some(r) => (r.try_get::<i64, _>(0)? + 1, r.try_get::<String, _>(1)?),
            None => (1, GENESIS.to_string()),
        };
        let hash = entry_hash(tenant_id, seq, at, actor, action, target, &prev_hash);
        sqlx::query("INSERT INTO audit_log (tenant_id, seq, at, actor, action, target, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(tenant_id).bind(seq).bind(at).bind(actor).bind(action).bind(target).bind(prev_hash.as_str()).bind(hash.as_str())
            .execute(&mut *conn).await?;
        Ok(AuditEntry {
            seq,
            at,
            actor: actor.into(),
            action: action.into(),
            target: target.map(Into::into),
            prev_hash,
            hash,
        })
    }

    /// A tenant's entries from `from` to `to` (Unix ms, both included), in
    /// chain order, at most `limit`.
    pub async fn audit(
        &self,
        t: &Tenant,
        from: Option<i64>,
        to: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLS} FROM audit_log WHERE tenant_id = $1 AND at >= $2 AND at <= $3 ORDER BY seq LIMIT $4"))
            .bind(t.id)
            .bind(from.unwrap_or(i64::MIN))
            .bind(to.unwrap_or(i64::MAX))
            .bind(limit.clamp(1, READ_MAX))
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(entry_of).collect()
    }

    /// A tenant's latest entries, newest first.
    pub async fn audit_latest(&self, t: &Tenant, n: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM audit_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT $2"
        ))
        .bind(t.id)
        .bind(n.clamp(1, READ_MAX))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(entry_of).collect()
    }

    /// Checks a tenant's whole chain: how many entries follow one another,
    /// or where it breaks.
    pub async fn audit_verify(&self, tenant_id: i64) -> Result<Result<u64, Broken>, StoreError> {
        let mut after = 0_i64;
        let mut prev = GENESIS.to_string();
        let mut n = 0_u64;
        loop {
            let rows = sqlx::query(&format!("SELECT {COLS} FROM audit_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT 10000"))
                .bind(tenant_id)
                .bind(after)
                .fetch_all(self.pool())
                .await?;
            if rows.is_empty() {
                return Ok(Ok(n));
            }
            for r in rows {
                let e = entry_of(r)?;
                if let Some(why) = not_following(tenant_id, &e, after + 1, &prev) {
                    return Ok(Err(Broken { seq: e.seq, why }));
                }
                after = e.seq;
                prev = e.hash;
                n += 1;
            }
        }
    }
}

/// Why `e` does not follow the entry before it (`seq` and `prev` expected).
fn not_following(tenant_id: i64, e: &AuditEntry, seq: i64, prev: &str) -> Option<String> {
    if e.seq != seq {
        return Some(format!("entry {seq} is missing"));
    }
    if e.prev_hash != prev {
        return Some("it does not name the hash of the entry before it".into());
    }
    let want = entry_hash(
        tenant_id,
        e.seq,
        e.at,
        &e.actor,
        &e.action,
        e.target.as_deref(),
        &e.prev_hash,
    );
    (want != e.hash).then(|| "its hash does not match its fields (changed)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> Store {
        let dir = std::env::temp_dir().join(format!("centralita-audit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Store::open(&crate::sqlite_url(&dir)).await.unwrap()
    }

    #[tokio::test]
    async fn a_chain_verifies_and_a_changed_or_missing_entry_breaks_it() {
        let s = store().await;
        let t = s.create_tenant("acme", 1).await.unwrap();
        for (i, action) in ["signed_in", "role_changed", "plan_replaced"]
            .iter()
            .enumerate()
        {
            let e = s
                .audit_append(t.id, 10 + i as i64, "user:1", action, Some("user:2"))
                .await
                .unwrap();
            assert_eq!(e.seq, i as i64 + 1);
        }
        assert_eq!(s.audit_verify(t.id).await.unwrap(), Ok(3));
        assert!(
            s.audit_append(t.id, 1, "user:1\nforged", "x", None)
                .await
                .is_err()
        );
        sqlx::query("UPDATE audit_log SET actor = 'user:9' WHERE tenant_id = $1 AND seq = 2")
            .bind(t.id)
            .execute(s.pool())
            .await
            .unwrap();
        let broken = s.audit_verify(t.id).await.unwrap().unwrap_err();
        assert_eq!(broken.seq, 2, "{broken:?}");
        sqlx::query("DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 2")
            .bind(t.id)
            .execute(s.pool())
            .await
            .unwrap();
        let broken = s.audit_verify(t.id).await.unwrap().unwrap_err();
        assert_eq!(broken.seq, 3, "{broken:?}");
        assert!(broken.why.contains("missing"), "{broken:?}");
    }
}
