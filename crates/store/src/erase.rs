//! Erasure in the store: who an erasure takes out ([`Store::erasure_subject`]:
//! the record, those merged into it, their interactions, numbers and
//! e-mail addresses), the projections emptied when the `customer_erased`
//! fact is applied ([`project`]), the log's facts redacted in place
//! ([`Store::redact_log`], with `model::erasure::redact`), and the
//! database files' free space wiped ([`Store::scrub`]).
//!
//! - SQLite: every connection runs with `secure_delete` on, so a row or an
//!   index entry changed or deleted leaves zeros where it was; the WAL
//!   still holds the pages as they were until a checkpoint, so the scrub
//!   checkpoints and truncates it.
//! - PostgreSQL: an updated row's old version stays in the table's pages
//!   until vacuumed, and a plain VACUUM does not overwrite it; the scrub
//!   runs `VACUUM FULL` on the tables an erasure touches, which writes them
//!   anew. It locks each table while it runs (seconds for millions of
//!   rows): erasures are best batched, as retention does.

use std::collections::BTreeSet;

use model::erasure::{ERASED, Erasure, erased_record, redact};
use sqlx::{Any, Executor, Row, Transaction};

use crate::fact::Fact;
use crate::{Backend, Store, StoreError, Tenant};

/// The tables an erasure writes (the scrub's on PostgreSQL).
pub const ERASED_TABLES: &[&str] = &[
    "events",
    "customers",
    "customer_keys",
    "customer_merges",
    "customer_profile",
    "customer_consents",
    "interactions",
    "interaction_notes",
    "chat_messages",
    "campaign_contacts",
    "unmatched_payments",
];

/// Facts read per page while redacting.
const REDACT_PAGE: i64 = 2_000;
/// Records merged into one another followed at most.
const MERGED_MAX: usize = 1_000;

/// What a redaction of the log did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redacted {
    /// Facts rewritten.
    pub facts: u64,
    /// Files of the redacted e-mails' attachments.
    pub files: Vec<String>,
}

/// The files an e-mail fact's attachments are kept in.
fn attachment_files(f: &Fact) -> Vec<String> {
    match f {
        Fact::EmailReceived { email, .. } | Fact::EmailSent { email, .. } => email
            .attachments
            .iter()
            .filter_map(|a| a.path.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// An e-mail fact's text, as its row among the interaction's messages has it.
fn email_text(f: &Fact) -> Option<String> {
    match f {
        Fact::EmailReceived { email, .. } | Fact::EmailSent { email, .. } => {
            Some(email.text.clone())
        }
        _ => None,
    }
}

/// Whose data an erasure takes out, as the projections know it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// The record asked for, then those merged into it.
    pub customers: Vec<i64>,
    /// Their interactions.
    pub interactions: Vec<i64>,
    /// Their numbers as written (as given, and E.164), each once.
    pub written: Vec<(String, Option<String>)>,
    /// Their numbers in E.164 that no other standing record has.
    pub numbers: Vec<String>,
    /// Their e-mail addresses, in lower case.
    pub emails: Vec<String>,
    /// Whether the record was erased already.
    pub erased: bool,
}

pub(crate) fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn in_ids(pg: bool, col: &str, json: u8) -> String {
    if pg {
        format!("{col} IN (SELECT (jsonb_array_elements_text(${json}::jsonb))::bigint)")
    } else {
        format!("{col} IN (SELECT value FROM json_each(${json}))")
    }
}

impl Store {
    /// Who erasing record `id` takes out; `None` when there is no such record.
    pub async fn erasure_subject(
        &self,
        t: &Tenant,
        id: i64,
    ) -> Result<Option<Subject>, StoreError> {
        let Some(first) = self.customer_full(t, id).await? else {
            return Ok(None);
        };
        let mut s = Subject {
            erased: first.erased_at.is_some(),
            ..Subject::default()
        };
        let mut records = vec![first];
        let mut i = 0;
        while i < records.len() && records.len() < MERGED_MAX {
            let more = self.customers_merged_into(t, records[i].id).await?;
            records.extend(more);
            i += 1;
        }
        let (mut written, mut emails) = (BTreeSet::new(), BTreeSet::new());
        for r in &records {
            s.customers.push(r.id);
            for p in &r.record.phones {
                written.insert((p.number.clone(), p.e164.clone()));
            }
            emails.extend(r.record.emails.iter().map(|e| e.trim().to_lowercase()));
        }
        let pg = self.backend() == Backend::Postgres;
        let ids = ids_json(&s.customers);
        let sql = format!(
            "SELECT id FROM interactions WHERE tenant_id = $1 AND {} ORDER BY id",
            in_ids(pg, "customer_id", 2)
        );
        let rows = sqlx::query(&sql)
            .bind(t.id)
            .bind(&ids)
            .fetch_all(&self.pool)
            .await?;
        s.interactions = rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let sql = format!(
            "SELECT phones FROM campaign_contacts WHERE tenant_id = $1 AND {}",
            in_ids(pg, "customer_id", 2)
        );
        for r in sqlx::query(&sql)
            .bind(t.id)
            .bind(&ids)
            .fetch_all(&self.pool)
            .await?
        {
            let phones: Vec<String> = serde_json::from_str(&r.try_get::<String, _>(0)?)?;
            written.extend(phones.into_iter().map(|p| (p.clone(), Some(p))));
        }
        let e164: BTreeSet<String> = written.iter().filter_map(|(_, e)| e.clone()).collect();
        for n in e164 {
            if !self.phone_held_by_others(t, &n, &s.customers).await? {
                s.numbers.push(n);
            }
        }
        s.written = written.into_iter().collect();
        s.emails = emails.into_iter().collect();
        Ok(Some(s))
    }

    /// Whether a standing record other than `mine` has the number.
    async fn phone_held_by_others(
        &self,
        t: &Tenant,
        e164: &str,
        mine: &[i64],
    ) -> Result<bool, StoreError> {
        let k = format!("p:{}", crate::customers::phone_tail(e164));
        let rows =
            sqlx::query("SELECT customer_id FROM customer_keys WHERE tenant_id = $1 AND k = $2")
                .bind(t.id)
                .bind(k)
                .fetch_all(&self.pool)
                .await?;
        for r in rows {
            let id: i64 = r.try_get(0)?;
            if !mine.contains(&id) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Redacts the tenant's log in place: every fact holding the person's
    /// data is rewritten without it (an e-mail's row among its
    /// interaction's messages too). Returns how many facts changed and the
    /// files the redacted e-mails' attachments were kept in (for the caller
    /// to delete). Running it again changes nothing.
    pub async fn redact_log(&self, t: &Tenant, e: &Erasure) -> Result<Redacted, StoreError> {
        let needles = e.needles();
        let (mut after, mut out) = (0i64, Redacted::default());
        loop {
            let rows = sqlx::query("SELECT seq, interaction_id, body FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
                .bind(t.id)
                .bind(after)
                .bind(REDACT_PAGE)
                .fetch_all(&self.pool)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get(0)?;
            let mut updates = Vec::new();
            for r in &rows {
                let interaction: Option<i64> = r.try_get(1)?;
                let body: String = r.try_get(2)?;
                let mine = interaction.is_some_and(|i| e.interactions.contains(&i));
                if !mine && !needles.iter().any(|n| body.contains(n.as_str())) {
                    continue;
                }
                let mut fact: Fact = serde_json::from_str(&body)?;
                let files = attachment_files(&fact);
                if redact(&mut fact, e) {
                    out.files.extend(files);
                    let text = email_text(&fact);
                    updates.push((r.try_get::<i64, _>(0)?, serde_json::to_string(&fact)?, text));
                }
            }
            if !updates.is_empty() {
                let mut tx = self.pool.begin().await?;
                for (seq, body, text) in &updates {
                    sqlx::query("UPDATE events SET body = $1 WHERE tenant_id = $2 AND seq = $3")
                        .bind(body.as_str())
                        .bind(t.id)
                        .bind(*seq)
                        .execute(&mut *tx)
                        .await?;
                    if let Some(text) = text {
                        sqlx::query(
                            "UPDATE chat_messages SET body = $1 WHERE tenant_id = $2 AND seq = $3",
                        )
                        .bind(text.as_str())
                        .bind(t.id)
                        .bind(*seq)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                tx.commit().await?;
                out.facts += updates.len() as u64;
            }
        }
        Ok(out)
    }

    /// Wipes what changed and deleted rows left in the database files (see
    /// the module's documentation).
    pub async fn scrub(&self) -> Result<(), StoreError> {
        match self.backend() {
            Backend::Sqlite => {
                let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .fetch_one(&self.pool)
                    .await?;
                let busy: i64 = row.try_get(0)?;
                if busy != 0 {
                    return Err(StoreError::Invalid {
                        field: "checkpoint",
                        message: "the write-ahead log is in use; erase again in a moment".into(),
                    });
                }
            }
            Backend::Postgres => {
                for table in ERASED_TABLES {
                    (&self.pool)
                        .execute(format!("VACUUM FULL {table}").as_str())
                        .await?;
                }
            }
        }
        Ok(())
    }
}

impl Store {
    /// A tenant's key kept for `purpose` (sealed), making it from `make`
    /// when there is none yet; two callers at once get the same key.
    pub async fn tenant_key(
        &self,
        t: &Tenant,
        purpose: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        let read = "SELECT sealed FROM tenant_keys WHERE tenant_id = $1 AND purpose = $2";
        if let Some(r) = sqlx::query(read)
            .bind(t.id)
            .bind(purpose)
            .fetch_optional(&self.pool)
            .await?
        {
            return Ok(r.try_get(0)?);
        }
        let insert = "INSERT INTO tenant_keys (tenant_id, purpose, sealed) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, purpose) DO NOTHING";
        sqlx::query(insert)
            .bind(t.id)
            .bind(purpose)
            .bind(make())
            .execute(&self.pool)
            .await?;
        let r = sqlx::query(read)
            .bind(t.id)
            .bind(purpose)
            .fetch_one(&self.pool)
            .await?;
        Ok(r.try_get(0)?)
    }

    /// What the log's `customer_erased` facts say of placeholders, oldest first.
    pub async fn erased_numbers(
        &self,
        t: &Tenant,
    ) -> Result<Vec<model::erasure::ErasedNumber>, StoreError> {
        let rows = sqlx::query("SELECT body FROM events WHERE tenant_id = $1 AND kind = 'customer_erased' ORDER BY seq")
            .bind(t.id)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for r in rows {
            if let Fact::CustomerErased { numbers, .. } =
                serde_json::from_str(&r.try_get::<String, _>(0)?)?
            {
                out.extend(numbers);
            }
        }
        Ok(out)
    }

    /// Standing records with no activity since `cutoff_ms` (created before,
    /// last written before, no interaction open or ended since), oldest id
    /// first: what retention erases.
    pub async fn customers_inactive_since(
        &self,
        t: &Tenant,
        cutoff_ms: i64,
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let sql = "SELECT c.id FROM customers c WHERE c.tenant_id = $1 AND c.merged_into IS NULL \
            AND c.erased_at IS NULL AND c.created_at < $2 \
            AND NOT EXISTS (SELECT 1 FROM events e WHERE e.tenant_id = c.tenant_id AND e.seq = c.updated_seq AND e.at >= $2) \
            AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.tenant_id = c.tenant_id AND i.customer_id = c.id \
                AND (i.ended_at IS NULL OR i.ended_at >= $2)) \
            ORDER BY c.id LIMIT $3";
        let rows = sqlx::query(sql)
            .bind(t.id)
            .bind(cutoff_ms)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// The folder of the SQLite database file (none on PostgreSQL).
    pub async fn database_dir(&self) -> Option<std::path::PathBuf> {
        if self.backend() != Backend::Sqlite {
            return None;
        }
        let row = sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_one(&self.pool)
            .await
            .ok()?;
        let path: String = row.try_get(0).ok()?;
        std::path::Path::new(&path)
            .parent()
            .map(|p| p.to_path_buf())
    }

    /// The bytes of the database's files, to check that an erasure left
    /// nothing readable: on SQLite the database file and its WAL; on
    /// PostgreSQL, after a checkpoint, the files of every table, TOAST
    /// table and index of the schema (the user needs the roles
    /// `pg_read_server_files` and `pg_checkpoint`).
    pub async fn raw_bytes(&self) -> Result<Vec<Vec<u8>>, StoreError> {
        match self.backend() {
            Backend::Sqlite => {
                let row = sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .fetch_one(&self.pool)
                    .await?;
                let path: String = row.try_get(0)?;
                let wal = format!("{path}-wal");
                let read = |p: &str| {
                    std::fs::read(p).or_else(|e| match e.kind() {
                        std::io::ErrorKind::NotFound => Ok(Vec::new()),
                        _ => Err(e),
                    })
                };
                let io = |e: std::io::Error| StoreError::Invalid {
                    field: "file",
                    message: e.to_string(),
                };
                Ok(vec![read(&path).map_err(io)?, read(&wal).map_err(io)?])
            }
            Backend::Postgres => {
                (&self.pool).execute("CHECKPOINT").await?;
                let rows = sqlx::query(
                    "SELECT pg_read_binary_file(pg_relation_filepath(c.oid)) FROM pg_class c \
                     JOIN pg_namespace n ON n.oid = c.relnamespace \
                     WHERE c.relkind IN ('r', 't', 'i') AND n.nspname IN (current_schema(), 'pg_toast') \
                     AND pg_relation_filepath(c.oid) IS NOT NULL",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| Ok(r.try_get::<Vec<u8>, _>(0)?))
                    .collect()
            }
        }
    }
}

/// The projections of erased records: their rows stay (for the counts),
/// emptied of what names or reaches the person.
pub(crate) async fn project(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    (seq, at): (i64, i64),
    customers: &[i64],
) -> Result<(), StoreError> {
    let pg = crate::customers::is_pg(tx);
    let ids = ids_json(customers);
    let record = serde_json::to_string(&erased_record())?;
    let c = in_ids(pg, "customer_id", 2);
    let sql = format!(
        "UPDATE customers SET name = $3, phone = NULL, email = NULL, external_id = NULL, record = $4, name_key = NULL, place_key = NULL, erased_at = $5, updated_seq = $6 WHERE tenant_id = $1 AND {}",
        in_ids(pg, "id", 2)
    );
    sqlx::query(&sql)
        .bind(t.id)
        .bind(&ids)
        .bind(ERASED)
        .bind(&record)
        .bind(at)
        .bind(seq)
        .execute(&mut **tx)
        .await?;
    let their_interactions =
        format!("interaction_id IN (SELECT id FROM interactions WHERE tenant_id = $1 AND {c})");
    // A likely-duplicate mark (`d:`, customer 0) of their name and place
    // goes when fewer than two other records still share it.
    let others = in_ids(pg, "o.customer_id", 2);
    let marks = format!(
        "DELETE FROM customer_keys WHERE tenant_id = $1 AND customer_id = 0 AND k IN \
         (SELECT 'd:' || substr(a.k, 3) FROM customer_keys a WHERE a.tenant_id = $1 AND {} AND a.k LIKE 'a:%' \
          AND (SELECT COUNT(*) FROM customer_keys o WHERE o.tenant_id = $1 AND o.k = a.k AND NOT {others}) < 2)",
        in_ids(pg, "a.customer_id", 2)
    );
    // (statement, whether it takes the erased text as $3)
    let statements = [
        (marks, false),
        (
            format!("DELETE FROM customer_keys WHERE tenant_id = $1 AND {c}"),
            false,
        ),
        (
            format!("UPDATE customer_profile SET value = $3 WHERE tenant_id = $1 AND {c}"),
            true,
        ),
        (
            format!("UPDATE customer_consents SET evidence = NULL WHERE tenant_id = $1 AND {c}"),
            false,
        ),
        (
            format!(
                "UPDATE interaction_notes SET body = $3 WHERE tenant_id = $1 AND {their_interactions}"
            ),
            true,
        ),
        (
            format!(
                "UPDATE chat_messages SET body = $3 WHERE tenant_id = $1 AND {their_interactions}"
            ),
            true,
        ),
        (
            format!(
                "UPDATE interactions SET subject = NULL, attributes = NULL WHERE tenant_id = $1 AND {c}"
            ),
            false,
        ),
        (
            format!(
                "UPDATE campaign_contacts SET name = NULL, phones = '[]' WHERE tenant_id = $1 AND {c}"
            ),
            false,
        ),
    ];
    for (sql, text) in statements {
        let q = sqlx::query(&sql).bind(t.id).bind(&ids);
        let q = if text { q.bind(ERASED) } else { q };
        q.execute(&mut **tx).await?;
    }
    // The timeline says when.
    for &id in customers {
        sqlx::query("INSERT INTO customer_changes (tenant_id, customer_id, seq, cause, fields) VALUES ($1, $2, $3, 'erased', '[]') ON CONFLICT DO NOTHING")
            .bind(t.id).bind(id).bind(seq).execute(&mut **tx).await?;
    }
    let sql = format!(
        "UPDATE customer_merges SET before_kept = $3 WHERE tenant_id = $1 AND ({} OR {})",
        in_ids(pg, "kept", 2),
        in_ids(pg, "merged", 2)
    );
    sqlx::query(&sql)
        .bind(t.id)
        .bind(&ids)
        .bind(&record)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
