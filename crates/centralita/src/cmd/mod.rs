//! The subcommands, one module each.

pub mod bench;
pub mod simulate;
pub mod wfm;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code for input that does not parse or validate.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Centralita: an open-source contact center.
#[derive(Debug, Parser)]
#[command(name = "centralita", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a simulation scenario (TOML) with the real routing engine and print KPIs.
    Simulate(simulate::Args),
    /// Benchmarks that print figures (and the peers' figures where a peer is named).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    #[command(flatten)]
    Wfm(wfm::WfmCommand),
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Simulate(args) => simulate::run(args),
        Command::Bench(cmd) => bench::run(cmd),
        Command::Wfm(cmd) => wfm::run(cmd),
    }
}
