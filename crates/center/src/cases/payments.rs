//! Payments from a bank file: what the matcher needs to know of each case
//! (its reference, variable symbol, currency, balance, debtor, the amounts
//! its pending promises expect), and the matched payments given to their
//! cases in one batch. A payment its case already has (the same id: a
//! statement imported again) changes nothing and is said so.

use model::Instant;
use workflow::{CaseId, Input, NewPayment, PromiseState};

use crate::core::TenantCore;

/// Most payments one command carries.
pub const PAYMENTS_PER_COMMAND_MAX: usize = 10_000;

/// What a payment matcher knows of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseKeyView {
    /// The case.
    pub case: u64,
    /// Its reference.
    pub reference: String,
    /// Its variable symbol: its field `variable_symbol`, else its reference
    /// when that is 1 to 10 digits.
    pub variable_symbol: Option<String>,
    /// Its currency.
    pub currency: String,
    /// Still owed (a decimal string).
    pub balance: String,
    /// Who owes.
    pub debtor: String,
    /// What its pending promises and instalments expect.
    pub open_amounts: Vec<String>,
    /// Not closed, not recalled.
    pub open: bool,
}

/// What came of one payment given to its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// Received by the case.
    Applied,
    /// The case has it already (the file was imported before).
    AlreadyReceived,
    /// Refused: why (a closed or recalled case, another currency…).
    Refused(String),
}

impl TenantCore {
    /// Every case as a payment matcher needs it, in id order.
    pub(crate) fn payment_keys(&self) -> Vec<CaseKeyView> {
        let e = &self.cases.engine;
        e.cases()
            .map(|c| {
                let digits =
                    c.reference.len() <= 10 && c.reference.bytes().all(|b| b.is_ascii_digit());
                let variable_symbol = self
                    .case_field(c.id.0, "variable_symbol")
                    .or_else(|| digits.then(|| c.reference.to_string()));
                CaseKeyView {
                    case: c.id.0,
                    reference: c.reference.to_string(),
                    variable_symbol,
                    currency: c.currency.to_string(),
                    balance: c.balance().to_string(),
                    debtor: c.debtor.to_string(),
                    open_amounts: c
                        .promises
                        .iter()
                        .filter(|p| p.state == PromiseState::Pending)
                        .map(|p| p.amount.minus(p.paid).to_string())
                        .collect(),
                    open: self.cases.is_open(c.id.0),
                }
            })
            .collect()
    }

    /// Gives each payment to its case (one log batch).
    pub(crate) fn apply_payments(
        &mut self,
        now: Instant,
        payments: Vec<(u64, NewPayment)>,
    ) -> Vec<PaymentOutcome> {
        payments
            .into_iter()
            .map(|(case, payment)| {
                let had = self
                    .cases
                    .engine
                    .case(CaseId(case))
                    .is_some_and(|c| c.payments.iter().any(|p| *p.id == *payment.id));
                if had {
                    return PaymentOutcome::AlreadyReceived;
                }
                let input = Input::Payment {
                    case: CaseId(case),
                    payment,
                };
                match self.case_input(now, input, None) {
                    Ok(_) => PaymentOutcome::Applied,
                    Err(e) => PaymentOutcome::Refused(e.to_string()),
                }
            })
            .collect()
    }
}
