//! `centralita bench import`: a million customers imported from a CSV made
//! by the peers' `make_customers.py` (phones normalised to E.164, matched by
//! external id, phone and e-mail, committed with the event log and the
//! search tables) next to the same job in pandas with the `phonenumbers`
//! package (`import_pandas.py`), in one run; then searches by phone and by
//! name on the records imported, with their latency percentiles.
//!
//! Ours runs in this process on a fresh SQLite database (`synchronous=FULL`
//! like the server); the peer runs as a child process. Peak memory is this
//! process's high-water mark.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::Context;

use super::common::{PEERS_SETUP, Stopwatch, peak_rss_mb, peers_dir, percentile, python};

/// Arguments of `centralita bench import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Customers in the file.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: u64,
    /// Searches of each kind (by phone, by name) after the import.
    #[arg(long, default_value_t = 2_000)]
    pub searches: usize,
    /// A folder for the file and the databases (default: a fresh one in the temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Python with pandas and phonenumbers (default: as the other benchmarks find it).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Do not run the peer.
    #[arg(long)]
    pub no_peer: bool,
}

/// Our side's figures.
struct Ours {
    seconds: f64,
    view: store::crm::ImportView,
    peak_mb: Option<f64>,
    phone_us: (u64, u64, usize),
    name_us: (u64, u64, usize),
}

/// Runs it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => {
            std::env::temp_dir().join(format!("centralita-bench-import-{}", std::process::id()))
        }
    };
    std::fs::create_dir_all(&dir)?;
    let peers = peers_dir(None);
    let csv = dir.join(format!("customers-{}.csv", args.rows));
    if !csv.exists() {
        make_file(&peers, args.rows, &csv)?;
    }
    let size_mb = std::fs::metadata(&csv)?.len() as f64 / 1e6;
    println!(
        "Import of {} customers ({size_mb:.0} MB of CSV, {})",
        args.rows,
        csv.display()
    );
    let ours = run_ours(&dir, &csv, args.searches)?;
    let v = &ours.view;
    println!(
        "  centralita: {:.2} s ({:.0} rows/s), peak memory {} MB; {} created, {} updated, {} unchanged, {} rejected, {} duplicates",
        ours.seconds,
        v.rows_read as f64 / ours.seconds,
        ours.peak_mb
            .map(|m| format!("{m:.0}"))
            .unwrap_or_else(|| "?".into()),
        v.created,
        v.updated,
        v.unchanged,
        v.rejected,
        v.duplicates
    );
    println!(
        "  search by phone: p50 {} µs, p99 {} µs ({} of {} found); by name: p50 {} µs, p99 {} µs ({} of {} found)",
        ours.phone_us.0,
        ours.phone_us.1,
        ours.phone_us.2,
        args.searches,
        ours.name_us.0,
        ours.name_us.1,
        ours.name_us.2,
        args.searches
    );
    if args.no_peer {
        return Ok(ExitCode::SUCCESS);
    }
    let py = python(args.python.as_deref(), &peers);
    match run_peer(
        &py,
        &peers.join("import_pandas.py"),
        &csv,
        &dir.join("pandas.db"),
    ) {
        Ok((rows, kept, s)) => {
            println!("  pandas + phonenumbers: {s:.2} s ({rows} rows read, {kept} customers kept)");
            let r = s / ours.seconds;
            if r >= 1.0 {
                println!("  centralita is {r:.1}× faster (the goal: 10×)");
            } else {
                println!(
                    "  centralita is {:.1}× slower (the goal: 10× faster)",
                    1.0 / r
                );
            }
        }
        Err(e) => println!("  pandas + phonenumbers: not run ({e}); set it up with: {PEERS_SETUP}"),
    }
    if args.dir.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(ExitCode::SUCCESS)
}

fn make_file(peers: &Path, rows: u64, out: &Path) -> anyhow::Result<()> {
    let status = Command::new("python3")
        .arg(peers.join("make_customers.py"))
        .arg(rows.to_string())
        .arg(out)
        .status()
        .context("running make_customers.py with python3")?;
    anyhow::ensure!(status.success(), "make_customers.py failed");
    Ok(())
}

fn run_ours(dir: &Path, csv: &Path, searches: usize) -> anyhow::Result<Ours> {
    let data = dir.join("centralita");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let db = store::Store::open(&store::sqlite_url(&data)).await?;
        let t = db.create_tenant("bench", 1).await?;
        let hub = server::Hub::new(db.clone());
        let handle = hub
            .tenant(&t)
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let id = db
            .create_import(
                &t,
                &store::crm::NewImport {
                    kind: store::crm::ImportKind::Customers,
                    file_name: "bench.csv",
                    by: "bench",
                    dry_run: false,
                    campaign: None,
                },
                1,
            )
            .await?;
        let job = server::import::Job {
            id,
            by: "bench".into(),
            ..Default::default()
        };
        let watch = Stopwatch::start();
        let bytes = std::fs::read(csv)?;
        let view = server::import::run(&db, &handle, &t, job, bytes, |_| {}).await;
        let seconds = watch.ns() as f64 / 1e9;
        anyhow::ensure!(
            view.state == store::crm::ImportState::Done,
            "the import failed: {:?}",
            view.error
        );
        let peak_mb = peak_rss_mb();
        let (phones, names) = samples(csv, searches)?;
        let phone_us = search_times(&db, &t, &phones).await?;
        let name_us = search_times(&db, &t, &names).await?;
        Ok(Ours {
            seconds,
            view,
            peak_mb,
            phone_us,
            name_us,
        })
    })
}

/// Phones (as written, with their country) and names from the file, spread over it.
fn samples(csv: &Path, n: usize) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let mut r = csv::Reader::from_path(csv)?;
    let mut phones = Vec::new();
    let mut names = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec?;
        if i % 97 != 0 {
            continue;
        }
        let cc = import::Country::parse(rec.get(7).unwrap_or(""));
        if let Some(e) = import::phone::normalise(rec.get(2).unwrap_or(""), cc).e164 {
            phones.push(e);
        }
        names.push(rec.get(1).unwrap_or("").to_string());
        if phones.len() >= n && names.len() >= n {
            break;
        }
    }
    phones.truncate(n);
    names.truncate(n);
    Ok((phones, names))
}

/// p50 and p99 of searching each text, in microseconds, and how many
/// found something (a duplicate row's own phone is on no record).
async fn search_times(
    db: &store::Store,
    t: &store::Tenant,
    texts: &[String],
) -> anyhow::Result<(u64, u64, usize)> {
    let mut us = Vec::with_capacity(texts.len());
    let mut hits = 0;
    for q in texts {
        let s = server::routes::records::search_of(q, None);
        let w = Stopwatch::start();
        let found = db.search_customers(t, &s, 20).await?;
        us.push(w.ns() / 1000);
        hits += usize::from(!found.is_empty());
    }
    us.sort_unstable();
    Ok((percentile(&us, 50.0), percentile(&us, 99.0), hits))
}

/// Runs `import_pandas.py`: rows read, customers kept, seconds.
fn run_peer(py: &Path, script: &Path, csv: &Path, out: &Path) -> Result<(u64, u64, f64), String> {
    let _ = std::fs::remove_file(out);
    let o = Command::new(py)
        .arg(script)
        .arg(csv)
        .arg(out)
        .output()
        .map_err(|e| format!("cannot start {}: {e}", py.display()))?;
    if !o.status.success() {
        let err = String::from_utf8_lossy(&o.stderr);
        return Err(err.lines().last().unwrap_or("failed").to_string());
    }
    let text = String::from_utf8_lossy(&o.stdout);
    let w: Vec<&str> = text.split_whitespace().collect();
    let at = |k: &str| {
        w.iter()
            .position(|x| *x == k)
            .and_then(|i| w.get(i + 1))
            .ok_or(format!("no {k} in {text:?}"))
    };
    let rows = at("rows")?.parse().map_err(|_| "rows")?;
    let kept = at("customers")?.parse().map_err(|_| "customers")?;
    let s = at("seconds")?.parse().map_err(|_| "seconds")?;
    Ok((rows, kept, s))
}
