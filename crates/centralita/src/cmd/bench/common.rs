//! Helpers shared by the benchmarks: wall-clock timing, peak memory,
//! percentiles, and running a peer's Python script.
//!
//! Benchmarks are the IO shell: they may read the clock.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Seconds taken by `f`, and its result.
pub fn timed<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t0 = std::time::Instant::now();
    let r = f();
    (t0.elapsed().as_secs_f64(), r)
}

/// A monotonic stopwatch for per-operation timing, in nanoseconds.
pub struct Stopwatch(std::time::Instant);

impl Stopwatch {
    /// Starts.
    pub fn start() -> Self {
        Stopwatch(std::time::Instant::now())
    }
    /// Nanoseconds since start.
    pub fn ns(&self) -> u64 {
        self.0.elapsed().as_nanos() as u64
    }
}

/// Peak resident memory of this process so far, in MB (Linux `VmHWM`).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The p-th percentile (0–100) of sorted values.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The median of some values.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

/// Where the peers' scripts are kept in the repository (see its README for where they come from).
pub const PEERS_DIR: &str = "bench/peers";

/// The environment variable naming a Python that has the peers installed (`--python` wins).
pub const PYTHON_ENV: &str = "CENTRALITA_PEERS_PYTHON";

/// A path of the repository, `rel` from its root: under the current directory or the nearest of
/// its parents that has it (so the commands work from any folder of a clone), else in the source
/// tree this binary was built from, else `rel` itself (relative to the current directory, so a
/// later error names the path that was looked for).
pub fn in_repo(rel: &str) -> PathBuf {
    let cwd = std::env::current_dir().ok();
    // This crate is `crates/centralita` in the source tree.
    let source_tree = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2);
    cwd.iter()
        .flat_map(|dir| dir.ancestors())
        .chain(source_tree)
        .map(|dir| dir.join(rel))
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(rel))
}

/// The folder with the peers' scripts: `--peers`, else the repository's `bench/peers`.
pub fn peers_dir(given: Option<&Path>) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .unwrap_or_else(|| in_repo(PEERS_DIR))
}

/// A Python that has the peers installed: `--python`, else `$CENTRALITA_PEERS_PYTHON`, else the
/// virtual environment `.peers/` at the repository's root, else `.peers/` in the peers' folder
/// (where their own README sets it up), else `python3`.
pub fn python(given: Option<&Path>, peers: &Path) -> PathBuf {
    if let Some(p) = given {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os(PYTHON_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    [
        in_repo(".peers/bin/python"),
        peers.join(".peers/bin/python"),
    ]
    .into_iter()
    .find(|p| p.exists())
    .unwrap_or_else(|| PathBuf::from("python3"))
}

/// The command that sets up the peers' Python, as the benchmarks' output suggests it (run from
/// the repository's root).
pub const PEERS_SETUP: &str =
    "python3 -m venv .peers && .peers/bin/pip install -r bench/peers/requirements.txt";

/// Runs a peer script and parses the last JSON line it prints; the error
/// says why it could not run (missing package, missing script…).
pub fn run_peer(
    python: &Path,
    script: &Path,
    args: &[String],
) -> Result<serde_json::Value, String> {
    let out = Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .map_err(|e| format!("cannot start {}: {e}", python.display()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("").to_string();
        return Err(format!("{} failed: {last}", script.display()));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .ok_or("no JSON line in its output")?;
    serde_json::from_str(line).map_err(|e| format!("unreadable output: {e}"))
}
