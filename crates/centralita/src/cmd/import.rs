//! `centralita import customers FILE --tenant T`: a file of customers
//! imported through the tenant core (the same path as `POST
//! /api/v1/imports`), with a progress bar on a terminal and the rejected
//! lines written to `--report` as CSV. `centralita import dnc FILE --tenant
//! T --list NAME [--national]` replaces a do-not-call list with a file's
//! numbers (`server::dnc`). `centralita import debts FILE --tenant T`
//! makes cases of a client's debts (`server::debts`); `centralita import
//! payments FILE --tenant T` reads a bank statement (camt.053/054 or CSV)
//! and matches its payments to cases (`server::payments`).
//!
//! Run it with the server stopped, or use the API: two processes writing
//! one tenant's log would race for its sequence numbers.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::server::{StoreArgs, bad, open, runtime};

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Customers from a CSV (any delimiter; UTF-8, Windows-1250/1252 or ISO-8859-2), XLSX or ODS file.
    Customers(CustomersArgs),
    /// A do-not-call list (national, or a named one of the organisation's) from a file of numbers, one a line.
    Dnc(DncArgs),
    /// Debts (one a line) from a CSV, XLSX or ODS file: cases made or given the debts they lack, debtors matched or created.
    Debts(DebtsArgs),
    /// Payments from a bank statement (camt.053 or camt.054 XML) or a CSV (date,amount,currency,reference,payer_name,payer_account), matched to cases.
    Payments(PaymentsArgs),
}

/// `import debts`.
#[derive(Debug, Args)]
pub struct DebtsArgs {
    #[command(flatten)]
    common: CustomersArgs,
    /// The creditor (client company) of lines that do not name one.
    #[arg(long)]
    creditor: Option<String>,
}

/// `import payments`.
#[derive(Debug, Args)]
pub struct PaymentsArgs {
    /// The file.
    file: PathBuf,
    /// The tenant.
    #[arg(long)]
    tenant: String,
    #[command(flatten)]
    store: StoreArgs,
    /// Match and count, change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write the rejected lines here (CSV: line,column,reason).
    #[arg(long)]
    report: Option<PathBuf>,
}

/// `import dnc`.
#[derive(Debug, Args)]
pub struct DncArgs {
    /// The file: one number a line (E.164, 00…, national, or `area code,number`).
    file: PathBuf,
    /// The tenant.
    #[arg(long)]
    tenant: String,
    #[command(flatten)]
    store: StoreArgs,
    /// The list's name (`es_robinson`, `complaints`): the file replaces it.
    #[arg(long)]
    list: String,
    /// A national registry (the gate reports `do_not_call_national`); else one of the organisation's own lists.
    #[arg(long)]
    national: bool,
    /// The country of numbers written without a country code (default: the tenant's time zone's).
    #[arg(long)]
    country: Option<String>,
    /// Read and count, change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write the rejected lines here (CSV: line,column,reason).
    #[arg(long)]
    report: Option<PathBuf>,
}

/// `import customers`.
#[derive(Debug, Args)]
pub struct CustomersArgs {
    /// The file.
    file: PathBuf,
    /// The tenant.
    #[arg(long)]
    tenant: String,
    #[command(flatten)]
    store: StoreArgs,
    /// A TOML mapping: `[columns]` record fields to headers, `[custom]` custom fields.
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// The country of numbers written without a country code (ES, CZ, GB…).
    #[arg(long)]
    country: Option<String>,
    /// The sheet of a workbook (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// The file's encoding (default: detected).
    #[arg(long)]
    encoding: Option<String>,
    /// Check and count, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write the rejected lines here (CSV: line,column,reason).
    #[arg(long)]
    report: Option<PathBuf>,
}

/// Runs an import command.
pub fn run(cmd: ImportCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ImportCommand::Customers(args) => customers(args),
        ImportCommand::Dnc(args) => dnc(args),
        ImportCommand::Debts(args) => debts(args),
        ImportCommand::Payments(args) => payments(args),
    }
}

fn job_of(
    args: &CustomersArgs,
    kind: store::crm::ImportKind,
) -> Result<server::import::Job, String> {
    let country = args
        .country
        .as_deref()
        .map(|c| {
            import::Country::parse(c)
                .ok_or(format!("--country: {c:?} is not an ISO 3166 country code"))
        })
        .transpose()?;
    let encoding = args
        .encoding
        .as_deref()
        .map(|e| {
            import::Encoding::parse(e).ok_or(format!(
                "--encoding: {e:?}: UTF-8, Windows-1250, Windows-1252 or ISO-8859-2"
            ))
        })
        .transpose()?;
    let mapping = args
        .mapping
        .as_ref()
        .map(|p| std::fs::read_to_string(p).map_err(|e| format!("--mapping {}: {e}", p.display())))
        .transpose()?;
    if let Some(m) = &mapping {
        let checked = match kind {
            store::crm::ImportKind::Debts => server::debts::check_mapping(m).map(drop),
            _ => import::Mapping::from_toml(m)
                .map(drop)
                .map_err(|e| e.to_string()),
        };
        checked.map_err(|e| format!("--mapping: {e}"))?;
    }
    Ok(server::import::Job {
        id: 0,
        by: "cli".into(),
        dry_run: args.dry_run,
        country,
        encoding,
        sheet: args.sheet.clone(),
        mapping,
        fields: Default::default(),
        campaign: None,
        members: false,
    })
}

fn customers(args: CustomersArgs) -> anyhow::Result<ExitCode> {
    let mut job = match job_of(&args, store::crm::ImportKind::Customers) {
        Ok(j) => j,
        Err(e) => return bad(e),
    };
    let bytes = match read(&args.file) {
        Ok(b) => b,
        Err(e) => return bad(e),
    };
    let s = args.store.settings(None)?;
    runtime()?.block_on(async {
        let Some(Opened { db, t, handle, _hub }) = open_tenant(&s, &args.tenant).await? else {
            return bad(format!("--tenant: no tenant {:?}", args.tenant));
        };
        let name = name_of(&args.file);
        let new = new_import(store::crm::ImportKind::Customers, &name, job.dry_run);
        job.id = db.create_import(&t, &new, server::clock::now_ms()).await?;
        let bar = Progress::new();
        let v = server::import::run(&db, &handle, &t, job, bytes, |v| bar.show(v)).await;
        bar.done();
        report(&db, &t, v.id, args.report.as_deref()).await?;
        println!(
            "import {}: {}{}; {} rows read of {}, {} created, {} updated, {} unchanged, {} rejected, {} duplicates",
            v.id,
            v.state.as_str(),
            if v.dry_run { " (dry run: nothing written)" } else { "" },
            v.rows_read,
            v.rows_total,
            v.created,
            v.updated,
            v.unchanged,
            v.rejected,
            v.duplicates
        );
        Ok(exit_of(v.error))
    })
}

fn dnc(args: DncArgs) -> anyhow::Result<ExitCode> {
    let list = match server::dnc::list_of(&args.list, args.national) {
        Ok(l) => l,
        Err(e) => return bad(format!("--list: {e}")),
    };
    let country = match args.country.as_deref() {
        Some(c) => match dialer::zone::Country::parse(c).filter(|c| c.calling_code().is_some()) {
            Some(c) => Some(c),
            None => return bad(format!("--country: {c:?} is not an ISO 3166 country code")),
        },
        None => None,
    };
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => return bad(format!("{}: {e}", args.file.display())),
    };
    let s = args.store.settings(None)?;
    runtime()?.block_on(async {
        let db = open(&s).await?;
        let Some(t) = db.tenant_by_name(&args.tenant).await? else {
            return bad(format!("--tenant: no tenant {:?}", args.tenant));
        };
        let country = match country {
            Some(c) => Some(c),
            None => {
                let doc = db.setting(&t, center::settings::NAME).await?;
                let zone = doc.and_then(|d| center::settings::TenantSettings::parse(&d).ok());
                zone.and_then(|z| dialer::zone::Country::of_zone(z.time_zone))
            }
        };
        let hub = server::Hub::new(db.clone());
        let handle = hub
            .tenant(&t)
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let name = args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let new = store::crm::NewImport {
            kind: store::crm::ImportKind::Dnc,
            file_name: &name,
            by: "cli",
            dry_run: args.dry_run,
            campaign: None,
        };
        let id = db.create_import(&t, &new, server::clock::now_ms()).await?;
        let job = server::dnc::DncJob {
            id,
            list,
            calling_code: country.and_then(|c| c.calling_code()),
            dry_run: args.dry_run,
        };
        let v = server::dnc::run(&db, &handle, &t, job, bytes).await;
        report(&db, &t, v.id, args.report.as_deref()).await?;
        println!(
            "import {}: {}{}; list {}: {} numbers, {} lines rejected, {} repeated",
            v.id,
            v.state.as_str(),
            if v.dry_run {
                " (dry run: nothing changed)"
            } else {
                ""
            },
            args.list,
            v.created,
            v.rejected,
            v.duplicates
        );
        Ok(exit_of(v.error))
    })
}

fn debts(args: DebtsArgs) -> anyhow::Result<ExitCode> {
    let a = &args.common;
    let job = match job_of(a, store::crm::ImportKind::Debts) {
        Ok(j) => j,
        Err(e) => return bad(e),
    };
    let bytes = match read(&a.file) {
        Ok(b) => b,
        Err(e) => return bad(e),
    };
    let s = a.store.settings(None)?;
    runtime()?.block_on(async {
        let Some(Opened { db, t, handle, _hub }) = open_tenant(&s, &a.tenant).await? else {
            return bad(format!("--tenant: no tenant {:?}", a.tenant));
        };
        let name = name_of(&a.file);
        let new = new_import(store::crm::ImportKind::Debts, &name, job.dry_run);
        let mut dj = server::debts::DebtJob {
            job,
            creditor: args.creditor.clone(),
        };
        dj.job.id = db.create_import(&t, &new, server::clock::now_ms()).await?;
        let bar = Progress::new();
        let v = server::debts::run(&db, &handle, &t, dj, bytes, |v| bar.show(v)).await;
        bar.done();
        report(&db, &t, v.id, a.report.as_deref()).await?;
        println!(
            "import {}: {}{}; {} lines read of {}, cases: {} created, {} given new debts, {} unchanged; {} lines rejected",
            v.id,
            v.state.as_str(),
            dry_said(v.dry_run),
            v.rows_read,
            v.rows_total,
            v.created,
            v.updated,
            v.unchanged,
            v.rejected,
        );
        Ok(exit_of(v.error))
    })
}

fn payments(args: PaymentsArgs) -> anyhow::Result<ExitCode> {
    let bytes = match read(&args.file) {
        Ok(b) => b,
        Err(e) => return bad(e),
    };
    let s = args.store.settings(None)?;
    runtime()?.block_on(async {
        let Some(Opened { db, t, handle, _hub }) = open_tenant(&s, &args.tenant).await? else {
            return bad(format!("--tenant: no tenant {:?}", args.tenant));
        };
        let name = name_of(&args.file);
        let new = new_import(store::crm::ImportKind::Payments, &name, args.dry_run);
        let job = server::import::Job {
            id: db.create_import(&t, &new, server::clock::now_ms()).await?,
            by: "cli".into(),
            dry_run: args.dry_run,
            ..Default::default()
        };
        let v = server::payments::run(&db, &handle, &t, job, bytes, |_| {}).await;
        report(&db, &t, v.id, args.report.as_deref()).await?;
        println!(
            "import {}: {}{}; {} lines read, {} payments received by their cases, {} received before, {} not taken (unmatched ones listed to assign)",
            v.id,
            v.state.as_str(),
            dry_said(v.dry_run),
            v.rows_read,
            v.created,
            v.unchanged,
            v.rejected,
        );
        Ok(exit_of(v.error))
    })
}

/// A tenant's store and core, opened for an import.
struct Opened {
    db: store::Store,
    t: store::Tenant,
    handle: server::tenant::TenantHandle,
    /// Keeps the tenant's task.
    _hub: server::Hub,
}

/// Opens the store and the tenant's core; `None` when there is no such tenant.
async fn open_tenant(s: &super::server::Settings, tenant: &str) -> anyhow::Result<Option<Opened>> {
    let db = open(s).await?;
    let Some(t) = db.tenant_by_name(tenant).await? else {
        return Ok(None);
    };
    let hub = server::Hub::new(db.clone());
    let handle = hub
        .tenant(&t)
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?;
    Ok(Some(Opened {
        db,
        t,
        handle,
        _hub: hub,
    }))
}

/// A file's bytes, or what stops reading it.
fn read(path: &std::path::Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// A file's name, as an import's row keeps it.
fn name_of(file: &std::path::Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// An import's row as the CLI starts it.
fn new_import(
    kind: store::crm::ImportKind,
    name: &str,
    dry_run: bool,
) -> store::crm::NewImport<'_> {
    store::crm::NewImport {
        kind,
        file_name: name,
        by: "cli",
        dry_run,
        campaign: None,
    }
}

fn dry_said(dry_run: bool) -> &'static str {
    if dry_run {
        " (dry run: nothing written)"
    } else {
        ""
    }
}

/// Writes an import's rejected lines to `path` (CSV), if one is given.
async fn report(
    db: &store::Store,
    t: &store::Tenant,
    id: i64,
    path: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    if let Some(path) = path {
        let lines = db.import_rejects(t, id).await?;
        std::fs::write(path, server::routes::imports::rejects_csv(&lines))?;
    }
    Ok(())
}

/// Success, or the import's error said and a failure.
fn exit_of(error: Option<String>) -> ExitCode {
    match error {
        Some(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        None => ExitCode::SUCCESS,
    }
}

/// A progress bar on a terminal; nothing otherwise.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new() -> Progress {
        Progress(std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new(0);
            let style = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} rows {per_sec} {eta} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            b.set_style(style);
            b
        }))
    }

    fn show(&self, v: &store::crm::ImportView) {
        if let Some(b) = &self.0 {
            b.set_length(v.rows_total.max(0) as u64);
            b.set_position(v.rows_read.max(0) as u64);
            b.set_message(format!(
                "{} created, {} updated, {} rejected",
                v.created, v.updated, v.rejected
            ));
        }
    }

    fn done(&self) {
        if let Some(b) = &self.0 {
            b.finish();
        }
    }
}
