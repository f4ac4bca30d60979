//! Workforce-planning commands: `staffing`, `erlang`, `forecast`, `schedule`, `cost`.

use std::process::ExitCode;

/// The workforce-planning subcommands (flattened into the top level).
#[derive(Debug, clap::Subcommand)]
pub enum WfmCommand {
    /// Erlang staffing per interval from a CSV file.
    Staffing,
}

/// Runs one.
pub fn run(_cmd: WfmCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the planning commands are being built")
}
