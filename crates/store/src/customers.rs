//! Customer records in the projections: written whole from
//! `customers_set` facts (a chunk of an import in a few statements), the
//! keys they are found by (phones, e-mail addresses, name words), their
//! changes for the timeline, and merges.
//!
//! Bulk writes pass a chunk's rows as one JSON array that the database
//! unpacks (`json_each` on SQLite, `jsonb_array_elements` on PostgreSQL):
//! one bound value per table and chunk instead of one per cell.

use model::customer::{Cause, Phone, PhoneKind, Record, Written, fold, search_words};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{StoreError, Tenant};

/// A column of a bulk insert: a bound parameter, or a cell of each row.
#[derive(Clone, Copy)]
pub(crate) enum Col {
    /// `$n`, the same for every row.
    Param(u8),
    /// The row's n-th value, text.
    Text(u8),
    /// The row's n-th value, an integer.
    Int(u8),
}

pub(crate) fn is_pg(tx: &mut Transaction<'_, Any>) -> bool {
    tx.backend_name() == "PostgreSQL"
}

/// `INSERT INTO … SELECT` the rows of the JSON array bound as `$json`.
pub(crate) fn insert_rows(pg: bool, head: &str, cols: &[Col], json: u8, tail: &str) -> String {
    let cells: Vec<String> = cols
        .iter()
        .map(|c| match (c, pg) {
            (Col::Param(n), _) => format!("${n}"),
            (Col::Text(i), false) | (Col::Int(i), false) => format!("value->>{i}"),
            (Col::Text(i), true) => format!("v->>{i}"),
            (Col::Int(i), true) => format!("(v->>{i})::bigint"),
        })
        .collect();
    let from = if pg {
        format!("jsonb_array_elements(${json}::jsonb) v")
    } else {
        format!("json_each(${json})")
    };
    // SQLite needs a WHERE before ON CONFLICT after a SELECT.
    format!(
        "{head} SELECT {} FROM {from} WHERE true {tail}",
        cells.join(", ")
    )
}

/// `col IN (the integers of the JSON array bound as $json)`.
fn in_ids(pg: bool, col: &str, json: u8) -> String {
    if pg {
        format!("{col} IN (SELECT (jsonb_array_elements_text(${json}::jsonb))::bigint)")
    } else {
        format!("{col} IN (SELECT value FROM json_each(${json}))")
    }
}

/// The name and place keys that likely duplicates share (`words`: the
/// name's search words).
fn alike_keys(r: &Record, words: &[String]) -> (String, Option<String>) {
    let name = words.join(" ");
    let place = r.addresses.first().and_then(|a| {
        let p = a.postal_code.as_deref().map(fold).unwrap_or_default();
        let c = a.city.as_deref().map(fold).unwrap_or_default();
        (!p.is_empty() || !c.is_empty()).then(|| format!("{p}|{c}"))
    });
    (name, place)
}

#[derive(Serialize)]
struct CustomerRow<'a>(
    i64,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    String,
    u32,
    String,
    Option<String>,
);

/// A phone's digits written backwards: its key after `p:` (the national
/// part of a number is then a prefix of its tail).
pub fn phone_tail(number: &str) -> String {
    number.chars().rev().filter(char::is_ascii_digit).collect()
}

/// Every key a record is found by in `customer_keys` (see the migration):
/// phones, e-mail addresses, name words, the client's id, and its name and
/// place for likely duplicates; sorted, each once.
pub(crate) fn keys_of(r: &Record) -> Vec<String> {
    let words = search_words(&r.name);
    let alike = alike_keys(r, &words);
    keys_with(r, words, &alike)
}

/// [`keys_of`] with the name's words and the alike keys already made.
fn keys_with(r: &Record, words: Vec<String>, alike: &(String, Option<String>)) -> Vec<String> {
    let mut keys: Vec<String> = Vec::with_capacity(8);
    keys.extend(
        r.phones
            .iter()
            .filter_map(|p| Some(format!("p:{}", phone_tail(p.e164.as_deref()?)))),
    );
    keys.extend(
        r.emails
            .iter()
            .map(|e| format!("e:{}", e.trim().to_lowercase())),
    );
    keys.extend(words.into_iter().map(|mut w| {
        w.insert_str(0, "w:");
        w
    }));
    keys.extend(r.external_id.iter().map(|x| format!("x:{x}")));
    if let (name, Some(place)) = alike
        && !name.is_empty()
    {
        keys.push(alike_key(name, place));
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The key that likely duplicates share.
pub(crate) fn alike_key(name_key: &str, place_key: &str) -> String {
    format!("a:{name_key}\u{1f}{place_key}")
}

/// The rows of one chunk, per table.
#[derive(Default)]
struct Rows<'a> {
    customers: Vec<CustomerRow<'a>>,
    keys: Vec<(String, i64)>,
    alike: Vec<String>,
    changes: Vec<(i64, String)>,
    rewritten: Vec<i64>,
}

fn rows_of(records: &[Written]) -> Result<Rows<'_>, StoreError> {
    let mut rows = Rows::default();
    for w in records {
        let r = &w.record;
        let words = search_words(&r.name);
        let alike = alike_keys(r, &words);
        let keys = keys_with(r, words, &alike);
        let (name_key, place_key) = alike;
        let first_phone = r
            .phones
            .first()
            .map(|p| p.e164.as_deref().unwrap_or(&p.number));
        rows.customers.push(CustomerRow(
            w.customer,
            &r.name,
            first_phone,
            r.emails.first().map(String::as_str),
            r.external_id.as_deref(),
            serde_json::to_string(r)?,
            w.version,
            name_key,
            place_key,
        ));
        for k in keys {
            if k.starts_with("a:") {
                rows.alike.push(k.clone());
            }
            rows.keys.push((k, w.customer));
        }
        let changed = if w.version == 1 {
            vec!["created".to_string()]
        } else {
            w.changed.clone()
        };
        rows.changes
            .push((w.customer, serde_json::to_string(&changed)?));
        if w.version > 1 {
            rows.rewritten.push(w.customer);
        }
    }
    // In key order, the tree is written page after page.
    rows.keys.sort_unstable();
    Ok(rows)
}

/// Deletes the keys records had before they are written again (read from
/// the records as they were: the table is found by key, not by record).
async fn drop_keys(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    pg: bool,
    ids: &[i64],
) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT {FULL_COLS} FROM customers WHERE tenant_id = $1 AND {}",
        in_ids(pg, "id", 2)
    );
    let old = sqlx::query(&sql)
        .bind(t.id)
        .bind(serde_json::to_string(ids)?)
        .fetch_all(&mut **tx)
        .await?;
    let mut pairs: Vec<(String, i64)> = Vec::new();
    for row in &old {
        let c = full_of(row)?;
        pairs.extend(keys_of(&c.record).into_iter().map(|k| (k, c.id)));
    }
    let sql = if pg {
        "DELETE FROM customer_keys WHERE tenant_id = $1 AND (k, customer_id) IN (SELECT v->>0, (v->>1)::bigint FROM jsonb_array_elements($2::jsonb) v)"
    } else {
        "DELETE FROM customer_keys WHERE tenant_id = $1 AND (k, customer_id) IN (SELECT value->>0, value->>1 FROM json_each($2))"
    };
    sqlx::query(sql)
        .bind(t.id)
        .bind(serde_json::to_string(&pairs)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks the `a:` keys of a chunk that more than one record now has (a
/// `d:` key, customer 0), so that the duplicates page reads only those.
async fn mark_alike(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    pg: bool,
    keys: &[String],
) -> Result<(), StoreError> {
    let list = if pg {
        "SELECT jsonb_array_elements_text($2::jsonb)"
    } else {
        "SELECT value FROM json_each($2)"
    };
    let sql = format!(
        "INSERT INTO customer_keys (tenant_id, k, customer_id) SELECT $1, 'd:' || substr(k, 3), 0 FROM customer_keys \
WHERE tenant_id = $1 AND k IN ({list}) GROUP BY k HAVING COUNT(*) > 1 ON CONFLICT DO NOTHING"
    );
    sqlx::query(&sql)
        .bind(t.id)
        .bind(serde_json::to_string(keys)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The cause as the timeline shows it (`import:3`, `merge:12`, `edit`…).
fn cause_text(c: &Cause) -> String {
    match c {
        Cause::Edit => "edit".into(),
        Cause::Import { import } => format!("import:{import}"),
        Cause::Merge { other } => format!("merge:{other}"),
        Cause::Unmerge { other } => format!("unmerge:{other}"),
        Cause::Contact { interaction } => format!("contact:{interaction}"),
    }
}

/// Projects a `customers_set` fact: records upserted, their keys replaced,
/// their changes listed.
pub(crate) async fn set(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    seq: i64,
    at: i64,
    cause: &Cause,
    records: &[Written],
) -> Result<(), StoreError> {
    let pg = is_pg(tx);
    let rows = rows_of(records)?;
    if !rows.rewritten.is_empty() {
        drop_keys(tx, t, pg, &rows.rewritten).await?;
    }
    use Col::*;
    let sql = insert_rows(
        pg,
        "INSERT INTO customers (tenant_id, id, name, phone, email, external_id, record, version, name_key, place_key, created_at, updated_seq)",
        &[
            Param(1),
            Int(0),
            Text(1),
            Text(2),
            Text(3),
            Text(4),
            Text(5),
            Int(6),
            Text(7),
            Text(8),
            Param(2),
            Param(3),
        ],
        4,
        "ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, phone = excluded.phone, email = excluded.email, external_id = excluded.external_id, record = excluded.record, version = excluded.version, name_key = excluded.name_key, place_key = excluded.place_key, updated_seq = excluded.updated_seq",
    );
    sqlx::query(&sql)
        .bind(t.id)
        .bind(at)
        .bind(seq)
        .bind(serde_json::to_string(&rows.customers)?)
        .execute(&mut **tx)
        .await?;
    let sql = insert_rows(
        pg,
        "INSERT INTO customer_keys (tenant_id, k, customer_id)",
        &[Param(1), Text(0), Int(1)],
        2,
        "",
    );
    sqlx::query(&sql)
        .bind(t.id)
        .bind(serde_json::to_string(&rows.keys)?)
        .execute(&mut **tx)
        .await?;
    if !rows.alike.is_empty() {
        mark_alike(tx, t, pg, &rows.alike).await?;
    }
    let sql = insert_rows(
        pg,
        "INSERT INTO customer_changes (tenant_id, customer_id, seq, cause, fields)",
        &[Param(1), Int(0), Param(2), Param(3), Text(1)],
        4,
        "",
    );
    sqlx::query(&sql)
        .bind(t.id)
        .bind(seq)
        .bind(cause_text(cause))
        .bind(serde_json::to_string(&rows.changes)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A record made by the first kind of customer fact (name, one phone, one
/// e-mail address), as a whole record.
pub(crate) fn legacy_record(name: &str, phone: Option<&str>, email: Option<&str>) -> Record {
    Record {
        name: name.to_string(),
        phones: phone
            .map(|p| Phone {
                number: p.to_string(),
                e164: p.starts_with('+').then(|| p.to_string()),
                kind: PhoneKind::Other,
                valid: true,
                source: String::new(),
                last_outcome: None,
            })
            .into_iter()
            .collect(),
        emails: email.map(str::to_string).into_iter().collect(),
        ..Record::default()
    }
}

/// Projects a merge: the kept record as it was is saved for an undo.
pub(crate) async fn merged(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    seq: i64,
    kept: i64,
    merged: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO customer_merges (tenant_id, merged, kept, seq, before_kept) SELECT tenant_id, $1, id, $2, COALESCE(record, '') FROM customers WHERE tenant_id = $3 AND id = $4")
        .bind(merged).bind(seq).bind(t.id).bind(kept)
        .execute(&mut **tx).await?;
    mark_merged(
        tx,
        t,
        seq,
        merged,
        Some(kept),
        format!("merged_into:{kept}"),
    )
    .await
}

/// Projects an undone merge.
pub(crate) async fn unmerged(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    seq: i64,
    kept: i64,
    merged: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM customer_merges WHERE tenant_id = $1 AND merged = $2")
        .bind(t.id)
        .bind(merged)
        .execute(&mut **tx)
        .await?;
    mark_merged(tx, t, seq, merged, None, format!("unmerged_from:{kept}")).await
}

async fn mark_merged(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    seq: i64,
    merged: i64,
    into: Option<i64>,
    cause: String,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE customers SET merged_into = $1, updated_seq = $2 WHERE tenant_id = $3 AND id = $4",
    )
    .bind(into)
    .bind(seq)
    .bind(t.id)
    .bind(merged)
    .execute(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO customer_changes (tenant_id, customer_id, seq, cause, fields) VALUES ($1, $2, $3, $4, '[]')")
        .bind(t.id).bind(merged).bind(seq).bind(cause)
        .execute(&mut **tx).await?;
    Ok(())
}

/// A record as read: the record and what the store knows about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerFull {
    /// Its id.
    pub id: i64,
    /// Writes so far.
    pub version: u32,
    /// The record it was merged into, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// When it was erased (Unix milliseconds), if it was: its personal data is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<i64>,
    /// The record.
    #[serde(flatten)]
    pub record: Record,
}

pub(crate) const FULL_COLS: &str =
    "id, version, merged_into, created_at, record, name, phone, email, erased_at";

pub(crate) fn full_of(r: &AnyRow) -> Result<CustomerFull, StoreError> {
    let json: Option<String> = r.try_get(4)?;
    let record = match json.filter(|j| !j.is_empty()) {
        Some(j) => serde_json::from_str(&j)?,
        None => {
            let name: String = r.try_get(5)?;
            let phone: Option<String> = r.try_get(6)?;
            let email: Option<String> = r.try_get(7)?;
            legacy_record(&name, phone.as_deref(), email.as_deref())
        }
    };
    let version: i64 = r.try_get(1)?;
    Ok(CustomerFull {
        id: r.try_get(0)?,
        version: u32::try_from(version).unwrap_or(u32::MAX),
        merged_into: r.try_get(2)?,
        created_at: r.try_get(3)?,
        erased_at: r.try_get(8)?,
        record,
    })
}

/// Counts facts learned on a record during an interaction.
pub(crate) async fn learned(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    interaction: i64,
    n: i64,
) -> Result<(), StoreError> {
    if n > 0 {
        sqlx::query("UPDATE interactions SET facts_learned = facts_learned + $1 WHERE tenant_id = $2 AND id = $3")
            .bind(n).bind(t.id).bind(interaction)
            .execute(&mut **tx).await?;
    }
    Ok(())
}

/// Projects a contact's cleaning: the record read, cleaned and written
/// back whole, the facts learned counted on the interaction.
pub(crate) async fn cleaned(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    (seq, at): (i64, i64),
    (customer, version): (i64, u32),
    interaction: i64,
    cleanings: &[model::customer::Cleaning],
) -> Result<(), StoreError> {
    let sql = format!("SELECT {FULL_COLS} FROM customers WHERE tenant_id = $1 AND id = $2");
    let Some(row) = sqlx::query(&sql)
        .bind(t.id)
        .bind(customer)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(());
    };
    let mut record = full_of(&row)?.record;
    let mut changed = Vec::new();
    let mut facts = 0;
    for c in cleanings {
        if let Some(part) = record.clean(c) {
            changed.push(part.to_string());
            // A number's last outcome is the call's, not something learned.
            facts += i64::from(!matches!(c, model::customer::Cleaning::PhoneOutcome { .. }));
        }
    }
    changed.sort();
    changed.dedup();
    let w = Written {
        customer,
        version,
        record,
        changed,
    };
    set(
        tx,
        t,
        seq,
        at,
        &Cause::Contact { interaction },
        std::slice::from_ref(&w),
    )
    .await?;
    learned(tx, t, interaction, facts).await
}
