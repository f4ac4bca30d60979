//! `centralita bench …`: benchmarks that print their figures.

pub mod dialer;
pub mod staffing;

use std::process::ExitCode;

/// The benchmarks.
#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// Erlang staffing of a CSV file, next to pyworkforce.
    Staffing(staffing::Args),
    /// Dialer pacing: progressive, power, VICIdial-style and predictive side by side.
    Dialer(dialer::Args),
}

/// Runs one.
pub fn run(cmd: BenchCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BenchCommand::Staffing(args) => staffing::run(args),
        BenchCommand::Dialer(args) => dialer::run(args),
    }
}
