//! Imports of customers: a file read, its rows matched with the tenant's
//! records and written in chunks through the tenant core, with counts and
//! rejected lines kept as it goes.
//!
//! A thread reads the file (CSV in any delimiter and encoding, XLSX, ODS)
//! and turns rows into records (phones normalised, problems reported); it
//! first reads the whole file once, so a file that cannot be read writes
//! nothing. The async side matches each chunk (external id, then phones,
//! then e-mail addresses: against the records of the same chunk first,
//! then the core's keys), folds rows into the records they match
//! ([`center::records::absorb_row`]), and writes what changed as one
//! `customers_set` fact per chunk. A row that changes nothing writes
//! nothing, so importing a file again changes nothing. Each chunk is
//! atomic; an import stopped half way (the process killed) is completed by
//! importing the file again.

use std::collections::{HashMap, HashSet};

use center::customers::{email_key, external_key, phone_key};
use center::records::{Found, MatchKeys, MatchedBy, SetEntry, absorb_row};
use model::customer::{Cause, Phone, PhoneKind, Record};
use model::fields::FieldDefs;
use store::crm::{ImportState, ImportView, Reject};
use store::{Store, Tenant};
use tokio::sync::mpsc;

use crate::tenant::{Ack, Op, TenantHandle};

/// Rows per chunk (one fact, one transaction).
pub const CHUNK_ROWS: usize = 5_000;
/// Largest file an import takes, in bytes.
pub const FILE_MAX: usize = 512 * 1024 * 1024;

/// What an import is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Job {
    /// The import's id (its row made by the caller).
    pub id: i64,
    /// Who started it.
    pub by: String,
    /// Write nothing.
    pub dry_run: bool,
    /// The country of phones written without one (a row's `country` wins).
    pub country: Option<import::Country>,
    /// The file's encoding (else detected).
    pub encoding: Option<import::Encoding>,
    /// The sheet of a workbook (else the first).
    pub sheet: Option<String>,
    /// The mapping file's text (else common headers are recognised).
    pub mapping: Option<String>,
    /// The tenant's custom field definitions (read when the job starts).
    pub fields: FieldDefs,
    /// The campaign whose contact list the rows' records join (`kind =
    /// contacts`).
    pub campaign: Option<i64>,
    /// Say which record each row went into ([`Outcome::members`] and
    /// [`Outcome::row_targets`]: the debtors of a debts import).
    pub members: bool,
}

/// A row read and checked.
pub(crate) struct Row {
    line: u64,
    record: Record,
    has_name: bool,
    /// A custom field that does not pass the tenant's definitions.
    bad_field: Option<(String, String)>,
}

impl Row {
    /// A row of another kind of file as a record to match or create.
    pub(crate) fn of_record(line: u64, record: Record) -> Row {
        Row {
            line,
            has_name: !record.name.trim().is_empty(),
            record,
            bad_field: None,
        }
    }
}

/// What the reading thread sends.
enum Read {
    /// The file read once: its data rows, and lines about its columns.
    Started(u64, Vec<Reject>),
    /// A chunk of rows, the problems found in them, the records read.
    Chunk(Vec<Row>, Vec<Reject>, u64),
    /// The file cannot be read.
    Failed(String),
}

fn problem(p: import::Problem) -> Reject {
    Reject {
        line: p.line as i64,
        column: p.column,
        reason: p.reason,
    }
}

fn kind_of(p: &import::RowPhone) -> PhoneKind {
    use import::PhoneHint as H;
    match (p.hint, p.phone.kind) {
        (H::Work, _) => PhoneKind::Work,
        (H::Mobile, _) | (_, import::PhoneKind::Mobile) => PhoneKind::Mobile,
        (_, import::PhoneKind::Landline) => PhoneKind::Landline,
        _ => PhoneKind::Other,
    }
}

/// A file row as a record (phones with their kind and source).
fn record_of(r: import::CustomerRow, source: &str, defs: &FieldDefs) -> Row {
    let phone_country = r
        .phones
        .iter()
        .find(|p| p.phone.valid)
        .and_then(|p| p.phone.country);
    let phones = r.phones.into_iter().map(|p| Phone {
        kind: kind_of(&p),
        number: p.phone.given,
        e164: p.phone.e164,
        valid: p.phone.valid,
        source: source.to_string(),
        last_outcome: None,
    });
    let address = r.address.map(|a| model::customer::Address {
        street: a.street,
        postal_code: a.postal_code,
        city: a.city,
        country: a.country.map(|c| c.as_str().to_string()),
    });
    let has_name = r.name.as_deref().is_some_and(|n| !n.trim().is_empty());
    let mut row = Row {
        line: r.line,
        has_name,
        bad_field: None,
        record: Record {
            external_id: r.external_id,
            name: r.name.unwrap_or_default(),
            phones: phones.collect(),
            emails: r.emails,
            // A country alone says how to read the numbers, not where one lives.
            addresses: address
                .into_iter()
                .filter(|a| a.street.is_some() || a.postal_code.is_some() || a.city.is_some())
                .collect(),
            language: r.language,
            fields: r.custom.into_iter().collect(),
            ..Record::default()
        },
    };
    row.record.time_zone = crate::routes::records::home_zone_of(&row.record, phone_country);
    row.bad_field = defs.check(&mut row.record.fields, false).err();
    row
}

/// Reads the file on this thread: once to check it and count its rows,
/// then again in chunks of records.
fn read_file(bytes: Vec<u8>, job: Job, tx: mpsc::Sender<Read>) {
    let fail = |e: String| {
        let _ = tx.blocking_send(Read::Failed(e));
    };
    let opts = import::ReadOptions {
        encoding: job.encoding,
        sheet: job.sheet.clone(),
        format: None,
    };
    let (columns, notes, total) = match columns_of(&bytes, &opts, job.mapping.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if tx.blocking_send(Read::Started(total, notes)).is_err() {
        return;
    }
    let mut table = match import::open(&bytes, &opts) {
        Ok(t) => t,
        Err(e) => return fail(e.to_string()),
    };
    let source = format!("import {}", job.id);
    let mut recs = Vec::with_capacity(CHUNK_ROWS);
    loop {
        recs.clear();
        match table.next_chunk(CHUNK_ROWS, &mut recs) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => return fail(e.to_string()),
        }
        let (rows, problems) = parse_chunk(&columns, &recs, job.country, &source, &job.fields);
        let n = recs.len() as u64;
        if tx.blocking_send(Read::Chunk(rows, problems, n)).is_err() {
            return;
        }
    }
}

/// The file's columns (mapped or recognised), lines about them, and its
/// data rows (the whole file read once: a file that cannot be read fails
/// here, before anything is written).
fn columns_of(
    bytes: &[u8],
    opts: &import::ReadOptions,
    mapping: Option<&str>,
) -> Result<(import::Columns, Vec<Reject>, u64), String> {
    let mut table = import::open(bytes, opts).map_err(|e| e.to_string())?;
    let headers = table.headers().to_vec();
    let mut notes = Vec::new();
    let columns = match mapping {
        Some(text) => {
            let m = import::Mapping::from_toml(text).map_err(|e| e.to_string())?;
            m.resolve(&headers).map_err(|e| e.to_string())?
        }
        None => {
            let (c, unknown) = import::Columns::recognise(&headers);
            notes.extend(unknown.into_iter().map(|h| Reject {
                line: 1,
                column: h,
                reason: "column not recognised: not imported (a mapping file can name it)".into(),
            }));
            c
        }
    };
    let mut total = 0u64;
    let mut recs = Vec::with_capacity(CHUNK_ROWS);
    loop {
        recs.clear();
        match table.next_chunk(CHUNK_ROWS, &mut recs) {
            Ok(0) => break,
            Ok(n) => total += n as u64,
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok((columns, notes, total))
}

/// Rows of a chunk parsed, on two threads when it is large.
fn parse_chunk(
    columns: &import::Columns,
    recs: &[import::Record],
    country: Option<import::Country>,
    source: &str,
    defs: &FieldDefs,
) -> (Vec<Row>, Vec<Reject>) {
    let one = |part: &[import::Record]| {
        let mut rows = Vec::with_capacity(part.len());
        let mut problems = Vec::new();
        for rec in part {
            let (row, p) = columns.row(rec, country);
            problems.extend(p.into_iter().map(problem));
            rows.extend(row.map(|r| record_of(r, source, defs)));
        }
        (rows, problems)
    };
    if recs.len() < 256 {
        return one(recs);
    }
    let (a, b) = recs.split_at(recs.len() / 2);
    let (mut ra, rb) = std::thread::scope(|s| {
        let h = s.spawn(|| one(b));
        let ra = one(a);
        (ra, h.join().expect("parsing a row does not panic"))
    });
    ra.0.extend(rb.0);
    ra.1.extend(rb.1);
    ra
}

/// The keys a row is matched by in the core.
fn keys_of(r: &Record) -> MatchKeys {
    MatchKeys {
        external_id: r.external_id.clone(),
        phones: r.phones.iter().filter_map(|p| p.e164.clone()).collect(),
        emails: r.emails.clone(),
    }
}

/// Every key of a record, for matching inside a chunk.
fn all_keys(r: &Record) -> impl Iterator<Item = u64> + '_ {
    let ext = r.external_id.iter().map(|x| external_key(x));
    let phones = r
        .phones
        .iter()
        .filter_map(|p| phone_key(p.e164.as_deref()?));
    let emails = r.emails.iter().map(|e| email_key(e));
    ext.chain(phones).chain(emails)
}

/// Whether the record read back really has the key that found it (keys of
/// e-mail addresses and external ids are hashes).
fn confirms(row: &Record, rec: &Record, by: MatchedBy) -> bool {
    match by {
        MatchedBy::ExternalId => row.external_id.is_some() && row.external_id == rec.external_id,
        MatchedBy::Phone => row
            .phones
            .iter()
            .any(|p| p.e164.is_some() && rec.phones.iter().any(|q| q.e164 == p.e164)),
        MatchedBy::Email => row
            .emails
            .iter()
            .any(|e| rec.emails.iter().any(|f| f.eq_ignore_ascii_case(e))),
    }
}

/// A record a chunk writes: the existing one it started from, if any.
struct Target {
    existing: Option<(i64, u32, Record)>,
    record: Record,
    /// The first line that went into it.
    line: u64,
}

/// Counts of one chunk, and what it writes.
#[derive(Default)]
pub(crate) struct Outcome {
    pub(crate) created: i64,
    pub(crate) updated: i64,
    pub(crate) unchanged: i64,
    pub(crate) rejected: i64,
    pub(crate) duplicates: i64,
    entries: Vec<SetEntry>,
    pub(crate) rejects: Vec<Reject>,
    /// The records the chunk's rows went into, for a contact list (one a
    /// target, in the targets' order).
    pub(crate) members: Vec<Member>,
    /// The target (index in `members`) each row went into (none: rejected).
    pub(crate) row_targets: Vec<Option<usize>>,
}

/// A record a chunk's rows went into: the one it was (or the entry that
/// creates or changes it), its name and the numbers to dial.
pub(crate) struct Member {
    line: u64,
    pub(crate) existing: Option<i64>,
    entry: Option<usize>,
    name: String,
    phones: Vec<String>,
}

impl Member {
    fn of(t: &Target, entry: Option<usize>) -> Member {
        let phones = t
            .record
            .phones
            .iter()
            .filter(|p| p.valid)
            .filter_map(|p| p.e164.clone())
            .take(center::outbound::PHONES_PER_CONTACT_MAX)
            .collect();
        Member {
            line: t.line,
            existing: t.existing.as_ref().map(|e| e.0),
            entry,
            name: t.record.name.clone(),
            phones,
        }
    }
}

impl Outcome {
    fn reject(&mut self, line: u64, column: String, reason: String) {
        self.rejected += 1;
        self.rejects.push(Reject {
            line: line as i64,
            column,
            reason,
        });
    }
}

/// The chunk's targets as they are being built.
#[derive(Default)]
struct Fold {
    targets: Vec<Target>,
    local: HashMap<u64, usize>,
    by_id: HashMap<i64, usize>,
}

impl Fold {
    /// The target a row goes into: a record of the chunk with one of its
    /// keys, else the record the core found (read back and confirmed).
    fn target_of(
        &mut self,
        row: &Row,
        found: Option<Found>,
        existing: &HashMap<i64, (u32, Record)>,
    ) -> Option<usize> {
        if let Some(t) = all_keys(&row.record).find_map(|k| self.local.get(&k).copied()) {
            return Some(t);
        }
        let f = found?;
        let (v, r) = existing
            .get(&f.customer)
            .filter(|(_, r)| confirms(&row.record, r, f.by))?;
        Some(*self.by_id.entry(f.customer).or_insert_with(|| {
            self.targets.push(Target {
                existing: Some((f.customer, *v, r.clone())),
                record: r.clone(),
                line: row.line,
            });
            self.targets.len() - 1
        }))
    }

    fn remember(&mut self, r: &Record, t: usize) {
        for k in all_keys(r) {
            self.local.entry(k).or_insert(t);
        }
    }
}

/// Folds a chunk's rows into the records they match, or new ones (and,
/// with `members`, lists the records they went into, for a contact list).
fn fold_chunk(
    rows: &[Row],
    found: Vec<Option<Found>>,
    existing: &HashMap<i64, (u32, Record)>,
    defs: &FieldDefs,
    members: bool,
) -> Outcome {
    let mut out = Outcome::default();
    let mut fold = Fold::default();
    for (row, f) in rows.iter().zip(found) {
        out.row_targets.push(None);
        if let Some((part, why)) = &row.bad_field {
            out.reject(row.line, part.clone(), why.clone());
            continue;
        }
        let Some(t) = fold.target_of(row, f, existing) else {
            if let Some(name) = defs.missing(&row.record.fields) {
                out.reject(
                    row.line,
                    format!("fields.{name}"),
                    "required: a new record needs it".into(),
                );
            } else if !row.has_name {
                out.reject(
                    row.line,
                    String::new(),
                    "no name and no record matched".into(),
                );
            } else if let Err((part, why)) = row.record.check() {
                out.reject(row.line, part, why);
            } else {
                out.created += 1;
                fold.targets.push(Target {
                    existing: None,
                    record: row.record.clone(),
                    line: row.line,
                });
                fold.remember(&row.record, fold.targets.len() - 1);
                out.row_targets.pop();
                out.row_targets.push(Some(fold.targets.len() - 1));
            }
            continue;
        };
        let before = &fold.targets[t].record;
        let after = absorb_row(before, &row.record);
        if let Err((part, why)) = after.check() {
            out.reject(row.line, part, why);
            continue;
        }
        out.row_targets.pop();
        out.row_targets.push(Some(t));
        if let (Some(x), Some(y)) = (&row.record.external_id, &before.external_id)
            && x != y
        {
            out.duplicates += 1;
            out.rejects.push(Reject {
                line: row.line as i64,
                column: String::new(),
                reason: format!("the same person as external id {y} (a phone or e-mail address matched): folded into that record"),
            });
        }
        if after == *before {
            out.unchanged += 1;
        } else {
            out.updated += 1;
            fold.remember(&after, t);
            fold.targets[t].record = after;
        }
    }
    for t in fold.targets {
        let changed = match &t.existing {
            None => Some(Vec::new()),
            Some((_, _, before)) => Some(t.record.changed_from(before)).filter(|c| !c.is_empty()),
        };
        let entry = changed.as_ref().map(|_| out.entries.len());
        if members {
            out.members.push(Member::of(&t, entry));
        }
        if let Some(changed) = changed {
            out.entries.push(SetEntry {
                customer: t.existing.as_ref().map(|e| e.0),
                version: t.existing.as_ref().map_or(0, |e| e.1),
                changed,
                record: t.record,
            });
        }
    }
    out
}

/// Runs an import to its end: its row in the store is kept up to date
/// (counts after every chunk), and `progress` sees each step.
pub async fn run(
    store: &Store,
    handle: &TenantHandle,
    t: &Tenant,
    job: Job,
    bytes: Vec<u8>,
    mut progress: impl FnMut(&ImportView),
) -> ImportView {
    let mut job = job;
    if let Ok(Some(doc)) = store.setting(t, model::fields::NAME).await {
        job.fields = FieldDefs::parse(&doc).unwrap_or_default();
    }
    let mut view = begun(store, t, job.id).await;
    let (tx, mut rx) = mpsc::channel(2);
    let j = job.clone();
    let reader = std::thread::spawn(move || read_file(bytes, j, tx));
    let mut dry_keys = HashSet::new();
    let mut reported = 0i64;
    let mut in_campaign: HashSet<i64> = match job.campaign {
        Some(c) => store
            .campaign_customers(t, c)
            .await
            .unwrap_or_default()
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    let result = async {
        while let Some(msg) = rx.recv().await {
            match msg {
                Read::Started(total, notes) => {
                    view.rows_total = total as i64;
                    report(store, t, job.id, &mut reported, notes).await?;
                }
                Read::Chunk(rows, problems, n) => {
                    report(store, t, job.id, &mut reported, problems).await?;
                    let mut out = chunk(store, handle, t, &job, &rows, &mut dry_keys).await?;
                    if let Some(c) = job.campaign {
                        let lines = join_campaign(
                            handle,
                            &job,
                            c,
                            &mut out.members,
                            &mut in_campaign,
                            &mut view,
                        )
                        .await?;
                        report(store, t, job.id, &mut reported, lines).await?;
                    }
                    view.rows_read += n as i64;
                    view.created += out.created;
                    view.updated += out.updated;
                    view.unchanged += out.unchanged;
                    view.rejected += out.rejected;
                    view.duplicates += out.duplicates;
                    report(store, t, job.id, &mut reported, out.rejects).await?;
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

/// An import's row as it starts (read back, or a fresh one in memory).
pub(crate) async fn begun(store: &Store, t: &Tenant, id: i64) -> ImportView {
    match store.import(t, id).await {
        Ok(Some(v)) => v,
        _ => ImportView {
            id,
            state: ImportState::Running,
            ..ImportView::default()
        },
    }
}

/// Ends an import's row: done, or failed with why; saved.
pub(crate) async fn ended(store: &Store, t: &Tenant, view: &mut ImportView, r: Result<(), String>) {
    match r {
        Ok(()) => view.state = ImportState::Done,
        Err(e) => {
            view.state = ImportState::Failed;
            view.error = Some(e);
        }
    }
    view.ended_at = Some(crate::clock::now_ms());
    if let Err(e) = store.save_import(t, view).await {
        tracing::error!(import = view.id, "saving the import's end: {e}");
    }
}

pub(crate) async fn report(
    store: &Store,
    t: &Tenant,
    id: i64,
    n: &mut i64,
    lines: Vec<Reject>,
) -> Result<(), String> {
    if lines.is_empty() {
        return Ok(());
    }
    store
        .add_import_rejects(t, id, *n, &lines)
        .await
        .map_err(|e| e.to_string())?;
    *n += lines.len() as i64;
    Ok(())
}

/// One chunk matched, folded and written (again, up to three times, when
/// a record changed under it).
pub(crate) async fn chunk(
    store: &Store,
    handle: &TenantHandle,
    t: &Tenant,
    job: &Job,
    rows: &[Row],
    dry_keys: &mut HashSet<u64>,
) -> Result<Outcome, String> {
    let mut last = String::new();
    for _ in 0..3 {
        let t0 = crate::clock::mono();
        let keys = rows.iter().map(|r| keys_of(&r.record)).collect();
        let found = match handle.call(Op::MatchCustomers(keys)).await {
            Ok(Ack::Matches(f)) => f,
            Ok(_) => return Err("unexpected answer to a match".into()),
            Err(e) => return Err(e.message),
        };
        let mut ids: Vec<i64> = found.iter().flatten().map(|f| f.customer).collect();
        ids.sort_unstable();
        ids.dedup();
        let existing: HashMap<i64, (u32, Record)> = store
            .customers_full(t, &ids)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|c| (c.id, (c.version, c.record)))
            .collect();
        let t1 = t0.elapsed();
        let members = job.campaign.is_some() || job.members;
        let mut out = fold_chunk(rows, found, &existing, &job.fields, members);
        let t2 = t0.elapsed();
        if job.dry_run {
            dry_run_counts(&mut out, dry_keys);
            out.entries.clear();
            return Ok(out);
        }
        if out.entries.is_empty() {
            return Ok(out);
        }
        let entries = std::mem::take(&mut out.entries);
        let op = Op::SetCustomers {
            by: job.by.clone(),
            cause: Cause::Import { import: job.id },
            entries,
        };
        let written = handle.call(op).await;
        if let Ok(Ack::Ids(ids)) = &written {
            for m in &mut out.members {
                m.existing = m.existing.or_else(|| ids.get(m.entry?).copied());
            }
        }
        tracing::debug!(
            import = job.id,
            rows = rows.len(),
            matched_ms = t1.as_millis() as u64,
            folded_ms = (t2 - t1).as_millis() as u64,
            written_ms = (t0.elapsed() - t2).as_millis() as u64,
            "chunk"
        );
        match written {
            Ok(_) => return Ok(out),
            Err(e) if e.status == axum::http::StatusCode::CONFLICT => last = e.message,
            Err(e) => return Err(e.message),
        }
    }
    Err(format!(
        "records kept changing while being imported: {last}"
    ))
}

/// Adds the records a chunk's rows went into to the campaign's contact list
/// (each record once, ever: one already in the list is not added again); a
/// record without a number to dial is reported. A dry run only counts.
async fn join_campaign(
    handle: &TenantHandle,
    job: &Job,
    campaign: i64,
    members: &mut Vec<Member>,
    in_campaign: &mut HashSet<i64>,
    view: &mut ImportView,
) -> Result<Vec<Reject>, String> {
    let mut lines = Vec::new();
    let mut contacts = Vec::new();
    for m in members.drain(..) {
        if m.existing.is_some_and(|id| !in_campaign.insert(id)) {
            continue;
        }
        if m.phones.is_empty() {
            lines.push(Reject {
                line: m.line as i64,
                column: String::new(),
                reason: "no valid number to dial: the record is kept, not added to the campaign"
                    .into(),
            });
            continue;
        }
        contacts.push(center::outbound::ContactReq {
            name: Some(m.name).filter(|n| !n.is_empty()),
            customer_id: m.existing,
            phones: m.phones,
        });
    }
    view.contacts_added += contacts.len() as i64;
    if job.dry_run {
        return Ok(lines);
    }
    while !contacts.is_empty() {
        let rest = contacts.split_off(contacts.len().min(center::outbound::CONTACTS_PER_LOAD_MAX));
        let batch = std::mem::replace(&mut contacts, rest);
        handle
            .call(Op::AddContacts {
                campaign,
                contacts: batch,
            })
            .await
            .map_err(|e| e.message)?;
    }
    Ok(lines)
}

/// A dry run writes nothing, so later chunks would not find the records
/// earlier ones create: their keys are kept here, and a new record whose
/// key an earlier one had counts as an update.
fn dry_run_counts(out: &mut Outcome, seen: &mut HashSet<u64>) {
    for e in out.entries.iter().filter(|e| e.customer.is_none()) {
        let keys: Vec<u64> = all_keys(&e.record).collect();
        if keys.iter().any(|k| seen.contains(k)) {
            out.created -= 1;
            out.updated += 1;
        }
        seen.extend(keys);
    }
}
