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

/// The name and place keys that likely duplicates share.
fn alike_keys(r: &Record) -> (String, Option<String>) {
    let name = search_words(&r.name).join(" ");
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

/// The rows of one chunk, per table.
#[derive(Default)]
struct Rows<'a> {
    customers: Vec<CustomerRow<'a>>,
    phones: Vec<(&'a str, i64)>,
    emails: Vec<(String, i64)>,
    words: Vec<(String, i64)>,
    changes: Vec<(i64, String)>,
    rewritten: Vec<i64>,
}

fn rows_of(records: &[Written]) -> Result<Rows<'_>, StoreError> {
    let mut rows = Rows::default();
    for w in records {
        let r = &w.record;
        let (name_key, place_key) = alike_keys(r);
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
        let mut keys: Vec<&str> = r.phones.iter().filter_map(|p| p.e164.as_deref()).collect();
        keys.sort_unstable();
        keys.dedup();
        rows.phones
            .extend(keys.into_iter().map(|k| (k, w.customer)));
        let mut emails: Vec<String> = r.emails.iter().map(|e| e.trim().to_lowercase()).collect();
        emails.sort_unstable();
        emails.dedup();
        rows.emails
            .extend(emails.into_iter().map(|e| (e, w.customer)));
        rows.words
            .extend(search_words(&r.name).into_iter().map(|x| (x, w.customer)));
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
    Ok(rows)
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
        let ids = serde_json::to_string(&rows.rewritten)?;
        for table in ["customer_phones", "customer_emails", "customer_words"] {
            let sql = format!(
                "DELETE FROM {table} WHERE tenant_id = $1 AND {}",
                in_ids(pg, "customer_id", 2)
            );
            sqlx::query(&sql)
                .bind(t.id)
                .bind(ids.as_str())
                .execute(&mut **tx)
                .await?;
        }
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
    let pairs = [
        (
            "customer_phones (tenant_id, e164, customer_id)",
            serde_json::to_string(&rows.phones)?,
        ),
        (
            "customer_emails (tenant_id, email, customer_id)",
            serde_json::to_string(&rows.emails)?,
        ),
        (
            "customer_words (tenant_id, word, customer_id)",
            serde_json::to_string(&rows.words)?,
        ),
    ];
    for (table, json) in pairs {
        let sql = insert_rows(
            pg,
            &format!("INSERT INTO {table}"),
            &[Param(1), Text(0), Int(1)],
            2,
            "",
        );
        sqlx::query(&sql)
            .bind(t.id)
            .bind(json)
            .execute(&mut **tx)
            .await?;
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
    /// The record.
    #[serde(flatten)]
    pub record: Record,
}

pub(crate) const FULL_COLS: &str =
    "id, version, merged_into, created_at, record, name, phone, email";

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
