//! `centralita`: the command line of the Centralita contact center.
//!
//! The binary is thin: it parses arguments with clap and calls into the
//! library crates. Each subcommand lives in its own module under `cmd/`.
//! Exit codes: 0 success, 1 failure, 2 bad input (a file or an argument that
//! does not parse or validate).

mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
