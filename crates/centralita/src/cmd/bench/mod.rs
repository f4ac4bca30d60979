//! `centralita bench …`: benchmarks that print their figures.

pub mod cases;
mod common;
pub mod dialer;
pub mod engine;
pub mod import;
pub mod payments;
pub mod server;
pub mod sim;
pub mod sip;
pub mod staffing;

use std::process::ExitCode;

/// The benchmarks.
#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// The simulator on a call-center day, next to SimPy and Ciw.
    Sim(sim::Args),
    /// The routing engine alone: decisions per second and latency percentiles.
    Engine(engine::Args),
    /// Erlang staffing of a CSV file, next to pyworkforce.
    Staffing(staffing::Args),
    /// Dialer pacing: progressive, power, VICIdial-style and predictive side by side.
    Dialer(dialer::Args),
    /// The server on loopback: agents on live streams, interactions created, routed, accepted, completed.
    Server(server::Args),
    /// Customer imports: a million rows normalised, matched and committed, next to pandas.
    Import(import::Args),
    /// The case engine: a million open collections cases, a day of their triggers and timers.
    Cases(cases::Args),
    /// A camt.053 statement of 100,000 payments read and matched to cases.
    Payments(payments::Args),
    /// Phone calls through the whole server (IVR, routing, agents' phones, relay, recording), with sipp.
    Sip(sip::Args),
}

/// Runs one.
pub fn run(cmd: BenchCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BenchCommand::Sim(args) => sim::run(args),
        BenchCommand::Engine(args) => engine::run(args),
        BenchCommand::Staffing(args) => staffing::run(args),
        BenchCommand::Dialer(args) => dialer::run(args),
        BenchCommand::Server(args) => server::run(args),
        BenchCommand::Sip(args) => sip::run(args),
        BenchCommand::Import(args) => import::run(args),
        BenchCommand::Cases(args) => cases::run(args),
        BenchCommand::Payments(args) => payments::run(args),
    }
}
