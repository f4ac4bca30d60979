//! `centralita simulate SCENARIO [--seed N] [--format json|table] [--intervals]`:
//! runs a scenario with the real routing engine under a virtual clock.
//!
//! Exit codes: 0 done, 1 an invariant broke (a bug: the message has the
//! seed that replays it), 2 the scenario does not read or validate.

use std::process::ExitCode;

use super::EXIT_BAD_INPUT;

/// Output format.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One JSON object.
    Json,
    /// Aligned tables for a terminal.
    Table,
}

/// Arguments of `simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML or JSON).
    pub scenario: std::path::PathBuf,
    /// Seed (overrides the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Add per-interval figures.
    #[arg(long)]
    pub intervals: bool,
    /// Check every engine invariant in full after this many events (1 = after every event).
    #[arg(long, default_value_t = 0)]
    pub check_every: u64,
}

/// Runs it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let scenario = match sim::Scenario::load(&args.scenario) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_BAD_INPUT));
        }
    };
    let opts = sim::Options {
        seed: args.seed,
        intervals: args.intervals,
        check_every: args.check_every,
        ..sim::Options::default()
    };
    let report = sim::run(&scenario, &args.scenario.display().to_string(), &opts)?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Table => print!("{}", sim::table::render(&report)),
    }
    Ok(ExitCode::SUCCESS)
}
