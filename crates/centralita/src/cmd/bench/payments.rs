//! `centralita bench payments`: a bank statement (camt.053) of many
//! payments read and matched to cases (crate `import::payments`).
//!
//! A made-up camt.053.001.08 statement of `--payments` credit entries and
//! half as many cases again ([`import::payments::sample_camt053`]: creditor
//! references, end-to-end ids, variable symbols, references in the text,
//! debtors and amounts, some noise) is written first (untimed); then the
//! statement is parsed, the cases' index built and every payment matched,
//! each step timed, and the matches checked against what the statement was
//! made to say. Goal (issue 24): 100,000 payments in ≤ 5 s. No peer: the
//! tools this trade uses for it (the banks' and collection suites' own
//! matchers) are closed, none can run here.

use std::process::ExitCode;

use import::payments::{CaseIndex, Match, read, sample_camt053};

use super::common::{peak_rss_mb, timed};

/// Arguments of `centralita bench payments`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Payments in the statement.
    #[arg(long, default_value_t = 100_000)]
    pub payments: usize,
    /// The statement's seed (the same seed, the same statement).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// The goal for 100,000 payments, in seconds.
const GOAL_S: f64 = 5.0;

/// Runs it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let sample = sample_camt053(args.payments, args.seed);
    println!(
        "bench payments: camt.053 of {} payments ({:.1} MB), {} cases",
        args.payments,
        sample.xml.len() as f64 / 1e6,
        sample.cases.len()
    );
    let (read_s, statement) = timed(|| read(&sample.xml));
    let statement = statement.map_err(|e| anyhow::anyhow!("the statement: {e}"))?;
    let keys = sample.cases.clone();
    let (index_s, index) = timed(|| CaseIndex::new(keys));
    let (match_s, found) = timed(|| {
        statement
            .payments
            .iter()
            .map(|p| index.match_payment(p))
            .collect::<Vec<_>>()
    });
    let (mut right, mut wrong, mut unmatched) = (0usize, 0usize, 0usize);
    for (m, want) in found.iter().zip(&sample.expected) {
        match (m, want) {
            (Match::Matched { case, .. }, Some((c, _))) if case == c => right += 1,
            (Match::Unmatched { .. }, None) => unmatched += 1,
            (Match::Unmatched { .. }, Some(_)) => {
                unmatched += 1;
                wrong += 1
            }
            _ => wrong += 1,
        }
    }
    let total = read_s + index_s + match_s;
    let goal = GOAL_S * args.payments as f64 / 100_000.0;
    println!("  read the statement     {read_s:>8.3} s");
    println!("  index the cases        {index_s:>8.3} s");
    println!("  match the payments     {match_s:>8.3} s");
    println!(
        "  total                  {total:>8.3} s   goal ≤ {goal:.1} s   {}",
        if total <= goal { "met" } else { "MISSED" }
    );
    println!(
        "  payments: {} matched to the case they were made for, {} unmatched (for a person), {} wrong",
        right, unmatched, wrong
    );
    println!(
        "  {:.0} payments/s; peak memory {}",
        args.payments as f64 / total.max(1e-9),
        peak_rss_mb().map_or("unknown".into(), |m| format!("{m:.0} MB"))
    );
    println!("  peer: none that runs here (banks' and collection suites' matchers are closed)");
    Ok(if wrong == 0 && statement.payments.len() == args.payments {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: payments matched to the wrong case, or not read");
        ExitCode::FAILURE
    })
}
