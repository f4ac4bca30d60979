//! The subcommands, one module each.

pub mod audit;
pub mod bench;
pub mod import;
pub mod secret;
pub mod server;
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
    /// Serve the API, live streams and chat page.
    Serve(server::ServeArgs),
    /// Serve with a demo tenant, simulated customers and agents.
    Demo(server::DemoArgs),
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(server::TenantCommand),
    /// Manage users.
    #[command(subcommand)]
    User(server::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(server::TokenCommand),
    /// Keys and sealed values for secrets at rest.
    #[command(subcommand)]
    Secret(secret::SecretCommand),
    /// Import files (customers) into a tenant.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Rebuild projections from the event log (with the server stopped).
    Rebuild(server::RebuildArgs),
    /// Check or print a tenant's hash-chained audit trail.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Simulate(args) => simulate::run(args),
        Command::Bench(cmd) => bench::run(cmd),
        Command::Wfm(cmd) => wfm::run(cmd),
        Command::Serve(args) => server::serve(args),
        Command::Demo(args) => server::demo(args),
        Command::Tenant(cmd) => server::tenant(cmd),
        Command::User(cmd) => server::user(cmd),
        Command::Token(cmd) => server::token(cmd),
        Command::Rebuild(args) => server::rebuild(args),
        Command::Import(cmd) => import::run(cmd),
        Command::Audit(cmd) => audit::run(cmd),
        Command::Secret(cmd) => secret::run(cmd),
    }
}
