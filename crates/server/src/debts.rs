//! Imports of debts: a client's file (CSV, XLSX, ODS; the columns mapped as
//! in `import::debts`), one line per debt. Each chunk's debtors are matched
//! with the tenant's records (external id, phone, e-mail) or made, as a
//! customer import does ([`crate::import::chunk`]); then their cases are
//! created, or given the debts they lack, in one core command
//! ([`center::cases::CaseCommand::Import`]). Importing a file again changes
//! nothing. The import's row counts cases: `created`, `updated` (debts
//! added), `unchanged`; `rejected` counts lines not imported, each in the
//! report with its line, column and reason.

use std::collections::{BTreeMap, HashSet};

use center::cases::{CaseCommand, ImportCase, ImportOutcome};
use import::debts::{DebtColumns, DebtMapping, DebtRow};
use model::customer::{Address, Phone, PhoneKind, Record};
use store::crm::{ImportView, Reject};
use store::{Store, Tenant};
use tokio::sync::mpsc;
use workflow::{Amount, Currency, NewDebt};

use crate::import::{CHUNK_ROWS, Job, Row, begun, ended, report};
use crate::tenant::{Ack, Op, TenantHandle};

/// What a debts import is asked to do beside a customer import's job.
#[derive(Debug, Clone, Default)]
pub struct DebtJob {
    /// The import (its id, who, dry run, country, encoding, sheet, the
    /// mapping's text).
    pub job: Job,
    /// The creditor of lines that do not name one.
    pub creditor: Option<String>,
}

/// What the reading thread sends.
enum Read {
    Started(u64),
    Chunk(Vec<DebtRow>, Vec<Reject>, u64),
    Failed(String),
}

fn reject(line: u64, column: &str, reason: impl Into<String>) -> Reject {
    Reject {
        line: line as i64,
        column: column.into(),
        reason: reason.into(),
    }
}

/// Checks a mapping's text (for the CLI and the API, before anything runs).
pub fn check_mapping(text: &str) -> Result<DebtMapping, String> {
    DebtMapping::parse(text).map_err(|e| e.to_string())
}

/// Reads the file on this thread: its columns first (a file that cannot
/// be read, or lacks a column, fails before anything is written).
fn read_file(bytes: Vec<u8>, job: Job, tx: mpsc::Sender<Read>) {
    let fail = |e: String| {
        let _ = tx.blocking_send(Read::Failed(e));
    };
    let mapping = match job.mapping.as_deref().map(check_mapping).transpose() {
        Ok(m) => m,
        Err(e) => return fail(format!("mapping: {e}")),
    };
    let opts = import::ReadOptions {
        encoding: job.encoding,
        sheet: job.sheet.clone(),
        format: None,
    };
    let count = || -> Result<u64, String> {
        let mut t = import::open(&bytes, &opts).map_err(|e| e.to_string())?;
        let (mut n, mut recs) = (0u64, Vec::with_capacity(CHUNK_ROWS));
        while t
            .next_chunk(CHUNK_ROWS, &mut recs)
            .map_err(|e| e.to_string())?
            > 0
        {
            n += recs.len() as u64;
            recs.clear();
        }
        Ok(n)
    };
    let total = match count() {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let mut table = match import::open(&bytes, &opts) {
        Ok(t) => t,
        Err(e) => return fail(e.to_string()),
    };
    let columns = match DebtColumns::for_table(&table, mapping.as_ref()) {
        Ok(c) => c,
        Err(e) => return fail(e.to_string()),
    };
    if tx.blocking_send(Read::Started(total)).is_err() {
        return;
    }
    let mut recs = Vec::with_capacity(CHUNK_ROWS);
    loop {
        recs.clear();
        match table.next_chunk(CHUNK_ROWS, &mut recs) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => return fail(e.to_string()),
        }
        let mut rows = Vec::with_capacity(recs.len());
        let mut problems = Vec::new();
        for rec in &recs {
            let (row, p) = columns.row(rec, job.country);
            problems.extend(p.into_iter().map(|p| reject(p.line, &p.column, p.reason)));
            rows.extend(row);
        }
        if tx
            .blocking_send(Read::Chunk(rows, problems, recs.len() as u64))
            .is_err()
        {
            return;
        }
    }
}

/// A debt line's debtor as a record to match or make.
fn debtor_of(r: &DebtRow, source: &str) -> Row {
    let phones = r.phones.iter().map(|p| Phone {
        kind: match p.kind {
            import::PhoneKind::Mobile => PhoneKind::Mobile,
            import::PhoneKind::Landline => PhoneKind::Landline,
            _ => PhoneKind::Other,
        },
        number: p.given.clone(),
        e164: p.e164.clone(),
        valid: p.valid,
        source: source.to_string(),
        last_outcome: None,
    });
    let record = Record {
        external_id: r.debtor_id.clone(),
        name: r.debtor_name.clone().unwrap_or_default(),
        phones: phones.collect(),
        emails: r.email.iter().cloned().collect(),
        addresses: r
            .address
            .iter()
            .map(|a| Address {
                street: Some(a.clone()),
                ..Address::default()
            })
            .collect(),
        ..Record::default()
    };
    Row::of_record(r.line, record)
}

/// A line's debt as the engine takes it.
fn debt_of(r: &DebtRow, creditor: Option<&str>) -> Result<NewDebt, Reject> {
    let amount = |field: &str, d: &rust_decimal::Decimal| {
        Amount::parse(&d.to_string()).map_err(|e| reject(r.line, field, e.to_string()))
    };
    let creditor = r.creditor.as_deref().or(creditor).ok_or_else(|| {
        reject(
            r.line,
            "creditor",
            "missing: the line names none and no --creditor was given",
        )
    })?;
    Ok(NewDebt {
        principal: amount("principal", &r.principal)?,
        fees: amount("fees", &r.fees)?,
        interest: amount("interest", &r.interest)?,
        currency: Currency::parse(&r.currency)
            .map_err(|e| reject(r.line, "currency", e.to_string()))?,
        due_date: r.due_date,
        creditor: creditor.to_string(),
    })
}

/// Counts of a chunk for the import's row.
#[derive(Default)]
struct Counts {
    created: i64,
    updated: i64,
    unchanged: i64,
    rejected: i64,
    rejects: Vec<Reject>,
}

/// The chunk's cases, by reference in the order first met: each line's
/// debt with its debtor's record (a line whose debtor was refused, or whose
/// currency differs from its case's first line, is rejected).
fn cases_of(
    rows: &[DebtRow],
    customers: &[Option<Option<i64>>],
    dj: &DebtJob,
    c: &mut Counts,
) -> Vec<ImportCase> {
    let mut order: Vec<String> = Vec::new();
    let mut by_ref: BTreeMap<String, ImportCase> = BTreeMap::new();
    for (r, customer) in rows.iter().zip(customers) {
        let Some(customer) = customer else { continue };
        let debt = match debt_of(r, dj.creditor.as_deref()) {
            Ok(d) => d,
            Err(j) => {
                c.rejected += 1;
                c.rejects.push(j);
                continue;
            }
        };
        let case = by_ref.entry(r.case_ref.clone()).or_insert_with(|| {
            order.push(r.case_ref.clone());
            ImportCase {
                line: r.line,
                reference: r.case_ref.clone(),
                debtor: r
                    .debtor_name
                    .clone()
                    .or(r.debtor_id.clone())
                    .unwrap_or_default(),
                customer: *customer,
                debts: Vec::new(),
            }
        });
        if case
            .debts
            .first()
            .is_some_and(|d| d.currency != debt.currency)
        {
            c.rejected += 1;
            c.rejects.push(reject(
                r.line,
                "currency",
                format!(
                    "{}: the case's first line is in another currency",
                    debt.currency
                ),
            ));
            continue;
        }
        case.debts.push(debt);
    }
    order
        .into_iter()
        .filter_map(|r| by_ref.remove(&r))
        .collect()
}

/// One chunk: debtors matched or made, then cases created or completed.
async fn chunk(
    store: &Store,
    handle: &TenantHandle,
    t: &Tenant,
    dj: &DebtJob,
    rows: Vec<DebtRow>,
    dry_keys: &mut HashSet<u64>,
) -> Result<Counts, String> {
    let source = format!("import {}", dj.job.id);
    let debtors: Vec<Row> = rows.iter().map(|r| debtor_of(r, &source)).collect();
    let out = crate::import::chunk(store, handle, t, &dj.job, &debtors, dry_keys).await?;
    let mut c = Counts {
        rejected: out.rejected,
        rejects: out.rejects,
        ..Counts::default()
    };
    // Per line: none (its debtor refused), or the record (none yet in a dry run).
    let customers: Vec<Option<Option<i64>>> = out
        .row_targets
        .iter()
        .map(|t| t.map(|t| out.members.get(t).and_then(|m| m.existing)))
        .collect();
    let cases = cases_of(&rows, &customers, dj, &mut c);
    if cases.is_empty() {
        return Ok(c);
    }
    let cmd = CaseCommand::Import {
        import: source,
        cases,
        dry_run: dj.job.dry_run,
    };
    let outcomes = match handle.call(Op::Case(Box::new(cmd))).await {
        Ok(Ack::CaseImport(o)) => o,
        Ok(_) => return Err("unexpected answer to an import".into()),
        Err(e) => return Err(e.message),
    };
    for o in outcomes {
        match o {
            ImportOutcome::Created(_) => c.created += 1,
            ImportOutcome::Updated(..) => c.updated += 1,
            ImportOutcome::Unchanged(_) => c.unchanged += 1,
            ImportOutcome::Refused(line, why) => {
                c.rejected += 1;
                c.rejects.push(reject(line, "case_ref", why));
            }
        }
    }
    Ok(c)
}

/// Runs a debts import to its end: its row kept up to date after every
/// chunk, `progress` told each step.
pub async fn run(
    store: &Store,
    handle: &TenantHandle,
    t: &Tenant,
    mut dj: DebtJob,
    bytes: Vec<u8>,
    mut progress: impl FnMut(&ImportView),
) -> ImportView {
    dj.job.members = true;
    let mut view = begun(store, t, dj.job.id).await;
    let (tx, mut rx) = mpsc::channel(2);
    let j = dj.job.clone();
    let reader = std::thread::spawn(move || read_file(bytes, j, tx));
    let mut dry_keys = HashSet::new();
    let mut reported = 0i64;
    let result = async {
        while let Some(msg) = rx.recv().await {
            match msg {
                Read::Started(total) => view.rows_total = total as i64,
                Read::Chunk(rows, problems, n) => {
                    view.rejected += rows_lost(&problems, &rows);
                    report(store, t, dj.job.id, &mut reported, problems).await?;
                    let c = chunk(store, handle, t, &dj, rows, &mut dry_keys).await?;
                    view.rows_read += n as i64;
                    view.created += c.created;
                    view.updated += c.updated;
                    view.unchanged += c.unchanged;
                    view.rejected += c.rejected;
                    report(store, t, dj.job.id, &mut reported, c.rejects).await?;
                }
                Read::Failed(e) => return Err(e),
            }
            store
                .save_import(t, &view)
                .await
                .map_err(|e| e.to_string())?;
            progress(&view);
        }
        Ok(())
    }
    .await;
    drop(rx);
    let _ = reader.join();
    ended(store, t, &mut view, result).await;
    progress(&view);
    view
}

/// Lines the reader dropped (a problem's line with no row read from it).
fn rows_lost(problems: &[Reject], rows: &[DebtRow]) -> i64 {
    let kept: HashSet<u64> = rows.iter().map(|r| r.line).collect();
    let lost: HashSet<i64> = problems
        .iter()
        .filter(|p| !kept.contains(&(p.line as u64)))
        .map(|p| p.line)
        .collect();
    lost.len() as i64
}
