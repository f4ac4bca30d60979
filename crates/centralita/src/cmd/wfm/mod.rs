//! Workforce-planning commands: `staffing`, `erlang`, `forecast`, `schedule`, `cost`.
//!
//! Each parses its files and flags at the edge into the `wfm` crate's types, calls the maths, and
//! writes the result whole. Input that does not parse or validate is reported with its file,
//! line and column, and the command exits with code 2 having written nothing.

pub mod cost;
pub mod erlang;
pub mod forecast;
pub mod input;
pub mod schedule;
pub mod staffing;

use std::process::ExitCode;

use super::EXIT_BAD_INPUT;
use input::BadInput;

/// The workforce-planning subcommands (flattened into the top level).
#[derive(Debug, clap::Subcommand)]
pub enum WfmCommand {
    /// Agents needed per interval and queue (Erlang C, or Erlang A where `patience_s` is given).
    Staffing(staffing::Args),
    /// Single-case calculators: Erlang B (lines, ports), C and A.
    #[command(subcommand)]
    Erlang(erlang::ErlangCommand),
    /// Forecast volumes per interval from a history (and judge it against actuals).
    Forecast(forecast::Args),
    /// Shift assignments per agent from required agents per interval and queue.
    Schedule(schedule::Args),
    /// Cost per handled contact, cost of unanswered calls, and service level vs daily cost.
    Cost(cost::Args),
}

/// Runs one; bad input is printed and gives exit code 2.
pub fn run(cmd: WfmCommand) -> anyhow::Result<ExitCode> {
    let result = match cmd {
        WfmCommand::Staffing(args) => staffing::run(args),
        WfmCommand::Erlang(cmd) => erlang::run(cmd),
        WfmCommand::Forecast(args) => forecast::run(args),
        WfmCommand::Schedule(args) => schedule::run(args),
        WfmCommand::Cost(args) => cost::run(args),
    };
    match result {
        Err(err) if err.downcast_ref::<BadInput>().is_some() => {
            eprintln!("error: {err:#}");
            Ok(ExitCode::from(EXIT_BAD_INPUT))
        }
        other => other,
    }
}
