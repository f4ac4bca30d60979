//! Reading customer records (by id, search, timeline, likely duplicates)
//! and keeping imports' progress and rejected lines.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::customers::{CustomerFull, FULL_COLS, full_of};
use crate::{Backend, Store, StoreError, Tenant};

/// Records a search returns, at most.
pub const SEARCH_MAX: i64 = 100;
/// Name words at least this long also find the words they begin, when
/// no record has the whole words.
const PREFIX_MIN: usize = 3;

/// Rejected lines kept per import, at most (the counts go on).
pub const REJECTS_MAX: i64 = 100_000;

/// What to find customers by (any that is given).
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// The client company's key.
    pub external_id: Option<String>,
    /// A phone in E.164 (`+` and digits: the whole number), or the digits of
    /// a number written without its country (the number's national part:
    /// any number ending in them, a trunk prefix of zeros aside).
    pub phone: Option<String>,
    /// An e-mail address (any case).
    pub email: Option<String>,
    /// Folded name words, all of which the name must have.
    pub words: Vec<String>,
}

/// One entry of a customer's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// Log sequence number (entries are ordered by it, newest first).
    pub seq: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// `contact`, `note`, `profile`, `dial` or `change`.
    pub kind: String,
    /// The record it belongs to (one merged into this one, perhaps).
    pub customer_id: i64,
    /// The interaction, for contacts and notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction_id: Option<i64>,
    /// Contact: channel; note: author; profile: field; dial: campaign; change: cause.
    pub a: Option<String>,
    /// Contact: state; note: text; profile: value; dial: attempts; change: the parts changed (JSON).
    pub b: Option<String>,
    /// Contact: disposition or outcome; dial: last outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub c: Option<String>,
}

/// Records that look like one person (same name words and place).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alike {
    /// The folded name words.
    pub name_key: String,
    /// Folded postal code and city.
    pub place_key: String,
    /// How many records share them.
    pub count: i64,
    /// Up to ten of them.
    pub customers: Vec<CustomerFull>,
}

/// What an import loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Customer records.
    #[default]
    Customers,
    /// Customer records that join a campaign's contact list.
    Contacts,
    /// Numbers of a do-not-call list.
    Dnc,
    /// Debts: a case per reference, its debtor a record.
    Debts,
    /// Payments from a bank file, matched to cases.
    Payments,
}

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    /// Reading and writing.
    #[default]
    Running,
    /// Every row read.
    Done,
    /// Stopped (`error` says why); whole chunks written stay.
    Failed,
}

impl ImportKind {
    /// Its name (`customers`, `contacts`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Customers => "customers",
            ImportKind::Contacts => "contacts",
            ImportKind::Dnc => "dnc",
            ImportKind::Debts => "debts",
            ImportKind::Payments => "payments",
        }
    }
}

impl ImportState {
    /// Its name (`running`, `done`, `failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImportState::Running => "running",
            ImportState::Done => "done",
            ImportState::Failed => "failed",
        }
    }
}

/// An import's state and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportView {
    /// Its id.
    pub id: i64,
    /// What it loads.
    pub kind: ImportKind,
    /// Where it stands.
    pub state: ImportState,
    /// The file's name as given.
    pub file_name: String,
    /// Who started it.
    pub by_user: String,
    /// Nothing written.
    pub dry_run: bool,
    /// Data rows in the file (known once it is read).
    pub rows_total: i64,
    /// Rows read so far.
    pub rows_read: i64,
    /// Records created.
    pub created: i64,
    /// Records updated.
    pub updated: i64,
    /// Rows that matched a record and changed nothing.
    pub unchanged: i64,
    /// Rows not imported.
    pub rejected: i64,
    /// Rows that matched a record under another external id.
    pub duplicates: i64,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds, when it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<i64>,
    /// The campaign a `contacts` import loads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<i64>,
    /// Contacts it added to that campaign (records already in it are not
    /// added again).
    pub contacts_added: i64,
}

/// An import to start.
#[derive(Debug, Clone, Copy)]
pub struct NewImport<'a> {
    /// What it loads.
    pub kind: ImportKind,
    /// The file's name as given.
    pub file_name: &'a str,
    /// Who starts it.
    pub by: &'a str,
    /// Write nothing.
    pub dry_run: bool,
    /// The campaign of a `contacts` import.
    pub campaign: Option<i64>,
}

/// A line of an import's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reject {
    /// The file's line (1: the header).
    pub line: i64,
    /// The file's column (header), or empty for the whole row.
    pub column: String,
    /// Why.
    pub reason: String,
}

const IMPORT_COLS: &str = "id, kind, state, file_name, by_user, dry_run, rows_total, rows_read, created, updated, unchanged, rejected, duplicates, error, created_at, ended_at, campaign_id, contacts_added";

fn import_of(r: &sqlx::any::AnyRow) -> Result<ImportView, StoreError> {
    let dry: i64 = r.try_get(5)?;
    Ok(ImportView {
        id: r.try_get(0)?,
        kind: crate::read::kind(r.try_get(1)?)?,
        state: crate::read::kind(r.try_get(2)?)?,
        file_name: r.try_get(3)?,
        by_user: r.try_get(4)?,
        dry_run: dry != 0,
        rows_total: r.try_get(6)?,
        rows_read: r.try_get(7)?,
        created: r.try_get(8)?,
        updated: r.try_get(9)?,
        unchanged: r.try_get(10)?,
        rejected: r.try_get(11)?,
        duplicates: r.try_get(12)?,
        error: r.try_get(13)?,
        created_at: r.try_get(14)?,
        ended_at: r.try_get(15)?,
        campaign_id: r.try_get(16)?,
        contacts_added: r.try_get(17)?,
    })
}

impl Store {
    fn in_ids(&self, col: &str, json: u8) -> String {
        if self.backend() == Backend::Postgres {
            format!("{col} IN (SELECT (jsonb_array_elements_text(${json}::jsonb))::bigint)")
        } else {
            format!("{col} IN (SELECT value FROM json_each(${json}))")
        }
    }

    /// One record, whole.
    pub async fn customer_full(
        &self,
        t: &Tenant,
        id: i64,
    ) -> Result<Option<CustomerFull>, StoreError> {
        let sql = format!("SELECT {FULL_COLS} FROM customers WHERE tenant_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(t.id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(full_of).transpose()
    }

    /// Records by id, in id order (missing ones left out).
    pub async fn customers_full(
        &self,
        t: &Tenant,
        ids: &[i64],
    ) -> Result<Vec<CustomerFull>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {FULL_COLS} FROM customers WHERE tenant_id = $1 AND {} ORDER BY id",
            self.in_ids("id", 2)
        );
        let rows = sqlx::query(&sql)
            .bind(t.id)
            .bind(serde_json::to_string(ids)?)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(full_of).collect()
    }

    /// Customers found by any of the search's keys (external id, phone,
    /// e-mail, then name words), merged records left out.
    pub async fn search_customers(
        &self,
        t: &Tenant,
        s: &Search,
        limit: i64,
    ) -> Result<Vec<CustomerFull>, StoreError> {
        let limit = limit.clamp(1, SEARCH_MAX);
        let mut ids: Vec<i64> = Vec::new();
        let one = |sql: &'static str, v: String| async move {
            let rows = sqlx::query(sql)
                .bind(t.id)
                .bind(v)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|r| r.try_get::<i64, _>(0))
                .collect::<Result<Vec<_>, _>>()
        };
        const BY_KEY: &str = "SELECT customer_id FROM customer_keys WHERE tenant_id = $1 AND k = $2 ORDER BY customer_id LIMIT $3";
        if let Some(x) = &s.external_id {
            ids.extend(one(BY_KEY, format!("x:{x}")).await?);
        }
        if let Some(p) = &s.phone {
            ids.extend(self.by_phone(t, p, limit).await?);
        }
        if let Some(e) = &s.email {
            let e = e.trim().to_lowercase();
            ids.extend(one(BY_KEY, format!("e:{e}")).await?);
        }
        if !s.words.is_empty() {
            ids.extend(self.by_words(t, &s.words, limit).await?);
        }
        let mut seen = std::collections::HashSet::new();
        ids.retain(|i| seen.insert(*i));
        ids.truncate(limit as usize);
        // A record merged into another is found as that one.
        let mut found = self.customers_full(t, &ids).await?;
        found.sort_by_key(|c| ids.iter().position(|i| *i == c.id));
        for _ in 0..4 {
            let kept: Vec<i64> = found.iter().filter_map(|c| c.merged_into).collect();
            if kept.is_empty() {
                break;
            }
            let more = self.customers_full(t, &kept).await?;
            for c in found.iter_mut().filter(|c| c.merged_into.is_some()) {
                if let Some(k) = more.iter().find(|k| Some(k.id) == c.merged_into) {
                    *c = k.clone();
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        found.retain(|c| c.merged_into.is_none() && seen.insert(c.id));
        Ok(found)
    }

    /// Ids of records with a phone: the whole number (E.164), or numbers
    /// whose national part ends the same (the tails in a range).
    async fn by_phone(&self, t: &Tenant, p: &str, limit: i64) -> Result<Vec<i64>, StoreError> {
        let tail = format!("p:{}", crate::customers::phone_tail(p));
        let rows = if p.starts_with('+') {
            sqlx::query("SELECT customer_id FROM customer_keys WHERE tenant_id = $1 AND k = $2 ORDER BY customer_id LIMIT $3")
                .bind(t.id)
                .bind(tail)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
        } else {
            let tail = tail.trim_end_matches('0').to_string();
            // ':' follows '9': every tail that starts with these digits.
            let end = format!("{tail}:");
            sqlx::query("SELECT customer_id FROM customer_keys WHERE tenant_id = $1 AND k >= $2 AND k < $3 ORDER BY customer_id LIMIT $4")
                .bind(t.id)
                .bind(tail)
                .bind(end)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
        };
        rows.iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<Vec<_>, _>>()
            .map_err(Into::into)
    }

    /// Ids of records whose name has every word (the longest word is read
    /// through its index in id order; the others are checked per record).
    async fn by_words(
        &self,
        t: &Tenant,
        words: &[String],
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let mut words: Vec<&String> = words.iter().take(4).collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let exact = self.words_query(t, &words, false, limit).await?;
        // Nothing with these whole words: words of three letters or more
        // also find the words they begin (`garc` finds García).
        if exact.is_empty() && words.iter().any(|w| w.chars().count() >= PREFIX_MIN) {
            return self.words_query(t, &words, true, limit).await;
        }
        Ok(exact)
    }

    /// Records with every word (as the beginning of a word with `prefix`).
    async fn words_query(
        &self,
        t: &Tenant,
        words: &[&String],
        prefix: bool,
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let ranged = |w: &str| prefix && w.chars().count() >= PREFIX_MIN;
        let mut n = 1;
        let mut cond = |i: usize, w: &str| {
            n += 1;
            if ranged(w) {
                n += 1;
                format!("w{i}.k >= ${} AND w{i}.k < ${n}", n - 1)
            } else {
                format!("w{i}.k = ${n}")
            }
        };
        let mut sql = format!(
            "SELECT w0.customer_id FROM customer_keys w0 WHERE w0.tenant_id = $1 AND {}",
            cond(0, words[0])
        );
        for (i, w) in words.iter().enumerate().skip(1) {
            let c = cond(i, w);
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM customer_keys w{i} WHERE w{i}.tenant_id = $1 AND {c} AND w{i}.customer_id = w0.customer_id)"
            ));
        }
        sql.push_str(&format!(" ORDER BY w0.customer_id LIMIT ${}", n + 1));
        let mut q = sqlx::query(&sql).bind(t.id);
        for w in words {
            q = q.bind(format!("w:{w}"));
            if ranged(w) {
                q = q.bind(format!("w:{w}{}", char::MAX));
            }
        }
        let rows = q.bind(limit).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?)
    }

    /// A customer's timeline, newest first: contacts on every channel, notes,
    /// profile answers, dial attempts, changes of the record; those of the
    /// records merged into it too. `before`: a `seq` to page from.
    pub async fn customer_timeline(
        &self,
        t: &Tenant,
        id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<TimelineEntry>, StoreError> {
        let ids = "(SELECT $2 UNION SELECT merged FROM customer_merges WHERE tenant_id = $1 AND kept = $2)";
        let sql = format!(
            "SELECT seq, at, kind, cid, iid, a, b, c FROM ( \
             SELECT i.created_seq AS seq, i.created_at AS at, 'contact' AS kind, i.customer_id AS cid, i.id AS iid, i.channel AS a, i.state AS b, COALESCE(i.disposition, i.outcome) AS c \
               FROM interactions i WHERE i.tenant_id = $1 AND i.customer_id IN {ids} \
             UNION ALL SELECT n.seq, n.at, 'note', i.customer_id, n.interaction_id, n.author, n.body, NULL \
               FROM interaction_notes n JOIN interactions i ON i.tenant_id = n.tenant_id AND i.id = n.interaction_id \
               WHERE n.tenant_id = $1 AND i.customer_id IN {ids} \
             UNION ALL SELECT p.updated_seq, e.at, 'profile', p.customer_id, NULL, p.field, p.value, NULL \
               FROM customer_profile p JOIN events e ON e.tenant_id = p.tenant_id AND e.seq = p.updated_seq \
               WHERE p.tenant_id = $1 AND p.customer_id IN {ids} \
             UNION ALL SELECT cc.updated_seq, e.at, 'dial', cc.customer_id, NULL, CAST(cc.campaign_id AS TEXT), CAST(cc.attempts AS TEXT), cc.last_outcome \
               FROM campaign_contacts cc JOIN events e ON e.tenant_id = cc.tenant_id AND e.seq = cc.updated_seq \
               WHERE cc.tenant_id = $1 AND cc.attempts > 0 AND cc.customer_id IN {ids} \
             UNION ALL SELECT ch.seq, e.at, 'change', ch.customer_id, NULL, ch.cause, ch.fields, NULL \
               FROM customer_changes ch JOIN events e ON e.tenant_id = ch.tenant_id AND e.seq = ch.seq \
               WHERE ch.tenant_id = $1 AND ch.customer_id IN {ids} \
             ) tl WHERE seq < $3 ORDER BY seq DESC, kind LIMIT $4"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id)
            .bind(id)
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit.clamp(1, crate::read::LIST_MAX))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(TimelineEntry {
                    seq: r.try_get(0)?,
                    at: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    customer_id: r.try_get(3)?,
                    interaction_id: r.try_get(4)?,
                    a: r.try_get(5)?,
                    b: r.try_get(6)?,
                    c: r.try_get(7)?,
                })
            })
            .collect()
    }

    /// The kept record as it was before `merged` was merged into it.
    pub async fn merge_before(
        &self,
        t: &Tenant,
        merged: i64,
    ) -> Result<Option<(i64, model::customer::Record)>, StoreError> {
        let row = sqlx::query(
            "SELECT kept, before_kept FROM customer_merges WHERE tenant_id = $1 AND merged = $2",
        )
        .bind(t.id)
        .bind(merged)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let json: String = r.try_get(1)?;
        let record = if json.is_empty() {
            model::customer::Record::default()
        } else {
            serde_json::from_str(&json)?
        };
        Ok(Some((r.try_get(0)?, record)))
    }

    /// The records merged into `kept`.
    pub async fn customers_merged_into(
        &self,
        t: &Tenant,
        kept: i64,
    ) -> Result<Vec<CustomerFull>, StoreError> {
        let sql = format!(
            "SELECT {FULL_COLS} FROM customers WHERE tenant_id = $1 AND merged_into = $2 ORDER BY id LIMIT 100"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id)
            .bind(kept)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(full_of).collect()
    }

    /// Groups of standing records that share name words and place (the
    /// keys marked when a second record got them; a group no longer two
    /// standing records is left out).
    pub async fn customers_alike(&self, t: &Tenant, limit: i64) -> Result<Vec<Alike>, StoreError> {
        let limit = limit.clamp(1, 100) as usize;
        let marks = sqlx::query("SELECT k FROM customer_keys WHERE tenant_id = $1 AND k >= 'd:' AND k < 'd;' ORDER BY k LIMIT 1000")
            .bind(t.id)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for m in marks {
            let mark: String = m.try_get(0)?;
            let Some((name_key, place_key)) = mark[2..].split_once('\u{1f}') else {
                continue;
            };
            let ids: Vec<i64> = sqlx::query("SELECT customer_id FROM customer_keys WHERE tenant_id = $1 AND k = $2 ORDER BY customer_id LIMIT 50")
                .bind(t.id)
                .bind(crate::customers::alike_key(name_key, place_key))
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
            let mut customers = self.customers_full(t, &ids).await?;
            customers.retain(|c| c.merged_into.is_none());
            if customers.len() < 2 {
                continue;
            }
            let count = customers.len() as i64;
            customers.truncate(10);
            out.push(Alike {
                count,
                customers,
                name_key: name_key.to_string(),
                place_key: place_key.to_string(),
            });
            if out.len() == limit {
                break;
            }
        }
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.name_key.cmp(&b.name_key))
        });
        Ok(out)
    }

    /// The records a campaign's contacts already are.
    pub async fn campaign_customers(
        &self,
        t: &Tenant,
        campaign: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT customer_id FROM campaign_contacts WHERE tenant_id = $1 AND campaign_id = $2 AND customer_id IS NOT NULL")
            .bind(t.id)
            .bind(campaign)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get(0).map_err(Into::into))
            .collect()
    }

    /// Starts an import's row (state `running`): its id.
    pub async fn create_import(
        &self,
        t: &Tenant,
        n: &NewImport<'_>,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let NewImport {
            kind,
            file_name,
            by,
            dry_run,
            campaign,
        } = *n;
        for _ in 0..crate::ID_RETRIES {
            let mut tx = self.pool.begin().await?;
            let row =
                sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 FROM imports WHERE tenant_id = $1")
                    .bind(t.id)
                    .fetch_one(&mut *tx)
                    .await?;
            let id: i64 = row.try_get(0)?;
            let done = sqlx::query("INSERT INTO imports (tenant_id, id, kind, state, file_name, by_user, dry_run, created_at, campaign_id) VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8)")
                .bind(t.id).bind(id).bind(kind.as_str()).bind(file_name).bind(by).bind(i64::from(dry_run)).bind(now_ms).bind(campaign)
                .execute(&mut *tx).await;
            if done.is_ok() && tx.commit().await.is_ok() {
                return Ok(id);
            }
        }
        Err(StoreError::Exists("an import with the next id".into()))
    }

    /// Marks the imports left running by a process that stopped as failed
    /// (at start-up: no import runs yet); how many.
    pub async fn end_interrupted_imports(&self, now_ms: i64) -> Result<u64, StoreError> {
        let r = sqlx::query("UPDATE imports SET state = 'failed', error = $1, ended_at = $2 WHERE state = 'running'")
            .bind("the server stopped during the import: import the file again (what was written stays, the rest follows)")
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected())
    }

    /// Saves an import's counts and state.
    pub async fn save_import(&self, t: &Tenant, v: &ImportView) -> Result<(), StoreError> {
        sqlx::query("UPDATE imports SET state = $1, rows_total = $2, rows_read = $3, created = $4, updated = $5, unchanged = $6, rejected = $7, duplicates = $8, error = $9, ended_at = $10, contacts_added = $11 WHERE tenant_id = $12 AND id = $13")
            .bind(v.state.as_str()).bind(v.rows_total).bind(v.rows_read).bind(v.created).bind(v.updated).bind(v.unchanged)
            .bind(v.rejected).bind(v.duplicates).bind(v.error.clone()).bind(v.ended_at).bind(v.contacts_added).bind(t.id).bind(v.id)
            .execute(&self.pool).await?;
        Ok(())
    }

    /// One import.
    pub async fn import(&self, t: &Tenant, id: i64) -> Result<Option<ImportView>, StoreError> {
        let sql = format!("SELECT {IMPORT_COLS} FROM imports WHERE tenant_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(t.id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(import_of).transpose()
    }

    /// The latest imports, newest first.
    pub async fn imports(&self, t: &Tenant, limit: i64) -> Result<Vec<ImportView>, StoreError> {
        let sql = format!(
            "SELECT {IMPORT_COLS} FROM imports WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(t.id)
            .bind(limit.clamp(1, crate::read::LIST_MAX))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(import_of).collect()
    }

    /// Adds lines to an import's report (numbered from `first`; none past
    /// [`REJECTS_MAX`]).
    pub async fn add_import_rejects(
        &self,
        t: &Tenant,
        import: i64,
        first: i64,
        lines: &[Reject],
    ) -> Result<(), StoreError> {
        let room = (REJECTS_MAX - first).max(0) as usize;
        let lines = &lines[..lines.len().min(room)];
        if lines.is_empty() {
            return Ok(());
        }
        let rows: Vec<(i64, i64, &str, &str)> = lines
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    first + i as i64,
                    r.line,
                    r.column.as_str(),
                    r.reason.as_str(),
                )
            })
            .collect();
        use crate::customers::Col::*;
        let pg = self.backend() == Backend::Postgres;
        let sql = crate::customers::insert_rows(
            pg,
            "INSERT INTO import_rejects (tenant_id, import_id, n, line, column_name, reason)",
            &[Param(1), Param(2), Int(0), Int(1), Text(2), Text(3)],
            3,
            "",
        );
        sqlx::query(&sql)
            .bind(t.id)
            .bind(import)
            .bind(serde_json::to_string(&rows)?)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// An import's report, in file order.
    pub async fn import_rejects(&self, t: &Tenant, import: i64) -> Result<Vec<Reject>, StoreError> {
        let rows = sqlx::query("SELECT line, column_name, reason FROM import_rejects WHERE tenant_id = $1 AND import_id = $2 ORDER BY n")
            .bind(t.id).bind(import).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Reject {
                    line: r.try_get(0)?,
                    column: r.try_get(1)?,
                    reason: r.try_get(2)?,
                })
            })
            .collect()
    }
}
