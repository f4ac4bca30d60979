//! Imports of payments: a bank statement (ISO 20022 camt.053, a camt.054
//! notification) or a CSV of payments, read by `import::payments`, each
//! credit matched to a case (creditor reference, end-to-end id, variable
//! symbol, the case's reference in the text, then amount and debtor) and
//! given to it in one core command per batch. A payment its case has
//! already (the same statement imported again) changes nothing; one no
//! case took is kept for a person to assign (`store::payments`).
//!
//! The import's row counts payments: `created` (received by their cases),
//! `unchanged` (received before), `rejected` (not taken: debits, reversals,
//! pending entries, bad lines, and payments no case took, each in the
//! report with why).

use center::cases::{CaseCommand, CaseKeyView, PAYMENTS_PER_COMMAND_MAX, PaymentOutcome};
use import::payments::{CaseIndex, CaseKey, Match, PaymentLine, Statement, UnmatchedReason};
use rust_decimal::Decimal;
use store::crm::{ImportView, Reject};
use store::payments::UnmatchedPayment;
use store::{Store, Tenant};
use workflow::{Amount, Currency, NewPayment};

use crate::import::{Job, begun, ended, report};
use crate::tenant::{Ack, Op, TenantHandle};

/// A case as the matcher takes it.
fn key_of(k: CaseKeyView) -> CaseKey {
    let dec = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    CaseKey {
        case: k.case,
        balance: dec(&k.balance),
        open_amounts: k.open_amounts.iter().map(|a| dec(a)).collect(),
        reference: k.reference,
        variable_symbol: k.variable_symbol,
        currency: k.currency,
        debtor_names: vec![k.debtor],
        open: k.open,
    }
}

/// The references a payment carried, for people.
fn references(p: &PaymentLine) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &p.creditor_reference {
        parts.push(r.clone());
    }
    if let Some(e) = &p.end_to_end_id {
        parts.push(format!("E2E {e}"));
    }
    if let Some(v) = &p.variable_symbol {
        parts.push(format!("VS {v}"));
    }
    if parts.is_empty() {
        parts.push(p.remittance.clone());
    }
    let mut s = parts.join(" · ");
    if s.len() > workflow::limits::REFERENCE_MAX {
        let mut end = workflow::limits::REFERENCE_MAX;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

fn why_unmatched(r: &UnmatchedReason) -> String {
    match r {
        UnmatchedReason::NoMatch => {
            "no case matches its references, nor its payer and amount".into()
        }
        UnmatchedReason::Ambiguous { cases } => format!("several cases could be it: {cases:?}"),
        UnmatchedReason::CurrencyMismatch { case } => format!("case {case} is in another currency"),
    }
}

fn unmatched(job: &Job, p: &PaymentLine, reason: String) -> UnmatchedPayment {
    UnmatchedPayment {
        id: p.id.clone(),
        import_id: job.id,
        line: p.line as i64,
        booked: p.date.to_string(),
        amount: p.amount.to_string(),
        currency: p.currency.clone(),
        reference: references(p),
        payer_name: p.payer_name.clone(),
        payer_account: p.payer_account.clone(),
        remittance: p.remittance.clone(),
        reason,
        case_id: None,
        assigned_by: None,
        created_at: crate::clock::now_ms(),
    }
}

/// A payment as the engine takes it.
fn new_payment(p: &PaymentLine) -> Result<NewPayment, String> {
    Ok(NewPayment {
        id: p.id.clone(),
        amount: Amount::parse(&p.amount.to_string()).map_err(|e| e.to_string())?,
        currency: Currency::parse(&p.currency).map_err(|e| e.to_string())?,
        date: p.date,
        reference: references(p),
    })
}

/// What a run found: payments for cases, and those no case took.
#[derive(Default)]
struct Sorted {
    matched: Vec<(u64, NewPayment, usize)>,
    unmatched: Vec<UnmatchedPayment>,
}

fn sort(job: &Job, s: &Statement, index: &CaseIndex) -> Sorted {
    let mut out = Sorted::default();
    for (i, p) in s.payments.iter().enumerate() {
        match index.match_payment(p) {
            Match::Matched { case, .. } => match new_payment(p) {
                Ok(np) => out.matched.push((case, np, i)),
                Err(e) => out.unmatched.push(unmatched(job, p, e)),
            },
            Match::Unmatched { reason } => {
                out.unmatched
                    .push(unmatched(job, p, why_unmatched(&reason)))
            }
        }
    }
    out
}

/// Gives matched payments to their cases; a case that refused one adds it
/// to the unmatched, with why.
async fn apply(
    handle: &TenantHandle,
    job: &Job,
    s: &Statement,
    sorted: &mut Sorted,
    view: &mut ImportView,
) -> Result<(), String> {
    let matched = std::mem::take(&mut sorted.matched);
    for batch in matched.chunks(PAYMENTS_PER_COMMAND_MAX) {
        let list = batch.iter().map(|(c, p, _)| (*c, p.clone())).collect();
        let outcomes = match handle
            .call(Op::Case(Box::new(CaseCommand::Payments(list))))
            .await
        {
            Ok(Ack::PaymentOutcomes(o)) => o,
            Ok(_) => return Err("unexpected answer to payments".into()),
            Err(e) => return Err(e.message),
        };
        for ((case, _, i), o) in batch.iter().zip(outcomes) {
            match o {
                PaymentOutcome::Applied => view.created += 1,
                PaymentOutcome::AlreadyReceived => view.unchanged += 1,
                PaymentOutcome::Refused(why) => {
                    let reason = format!("case {case} did not take it: {why}");
                    sorted
                        .unmatched
                        .push(unmatched(job, &s.payments[*i], reason));
                }
            }
        }
    }
    Ok(())
}

/// Reads, matches and applies a file's payments.
async fn import(
    store: &Store,
    handle: &TenantHandle,
    t: &Tenant,
    job: &Job,
    bytes: Vec<u8>,
    view: &mut ImportView,
    reported: &mut i64,
) -> Result<(), String> {
    let statement = tokio::task::spawn_blocking(move || import::payments::read(&bytes))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    view.rows_total = (statement.payments.len() + statement.skipped.len()) as i64;
    let skipped: Vec<Reject> = statement
        .skipped
        .iter()
        .map(|s| Reject {
            line: s.line as i64,
            column: String::new(),
            reason: s.reason.to_string(),
        })
        .collect();
    view.rejected += skipped.len() as i64;
    report(store, t, job.id, reported, skipped).await?;
    let keys = match handle
        .call(Op::Case(Box::new(CaseCommand::PaymentKeys)))
        .await
    {
        Ok(Ack::CaseKeys(k)) => k,
        Ok(_) => return Err("unexpected answer to the cases' keys".into()),
        Err(e) => return Err(e.message),
    };
    let job2 = job.clone();
    let (statement, mut sorted) = tokio::task::spawn_blocking(move || {
        let index = CaseIndex::new(keys.into_iter().map(key_of));
        let sorted = sort(&job2, &statement, &index);
        (statement, sorted)
    })
    .await
    .map_err(|e| e.to_string())?;
    if job.dry_run {
        view.created += sorted.matched.len() as i64;
    } else {
        apply(handle, job, &statement, &mut sorted, view).await?;
    }
    view.rows_read = view.rows_total;
    view.rejected += sorted.unmatched.len() as i64;
    let lines = sorted
        .unmatched
        .iter()
        .map(|u| Reject {
            line: u.line,
            column: "case".into(),
            reason: format!("{}: kept to assign", u.reason),
        })
        .collect();
    report(store, t, job.id, reported, lines).await?;
    if !job.dry_run {
        store
            .add_unmatched_payments(t, &sorted.unmatched)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Runs a payments import to its end: its row saved, `progress` told.
pub async fn run(
    store: &Store,
    handle: &TenantHandle,
    t: &Tenant,
    job: Job,
    bytes: Vec<u8>,
    mut progress: impl FnMut(&ImportView),
) -> ImportView {
    let mut view = begun(store, t, job.id).await;
    let mut reported = 0i64;
    let result = import(store, handle, t, &job, bytes, &mut view, &mut reported).await;
    ended(store, t, &mut view, result).await;
    progress(&view);
    view
}
