//! Debts imported from a client's file, a chunk at a time in one batch: a
//! case per reference, created for its debtor's record (matched or made by
//! the caller) with its debts, or, when the reference has a case already,
//! the debts it lacks added to it. A debt the case has (same principal,
//! fees, due date and creditor) is not added again, so importing a file
//! again changes nothing. Each case's inputs are the engine's, logged as
//! any other (`case_input`, their origin the import).

use workflow::types::Component;
use workflow::{Input, NewCase, NewDebt, Origin};

use super::SHIPPED_TYPE;
use crate::core::TenantCore;
use crate::error::TenantError;
use model::Instant;

/// Most cases one import command carries.
pub const IMPORT_CASES_MAX: usize = 5_000;

/// A case of an import: its reference, its debtor, the debts the file has for it.
#[derive(Debug, Clone)]
pub struct ImportCase {
    /// The file's line of its first debt.
    pub line: u64,
    /// Its reference.
    pub reference: String,
    /// The debtor's name.
    pub debtor: String,
    /// The debtor's record (none: made by the case's creation, or a dry run).
    pub customer: Option<i64>,
    /// The debts, in the file's order (one currency: the case's).
    pub debts: Vec<NewDebt>,
}

/// What came of one case of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A new case (its id; 0 in a dry run).
    Created(u64),
    /// Debts added to the case.
    Updated(u64, usize),
    /// The case has every debt already.
    Unchanged(u64),
    /// Refused: the line and why.
    Refused(u64, String),
}

/// Whether a case already has a debt (interest accrues, so it is not compared).
fn has_debt(c: &workflow::Case, d: &NewDebt) -> bool {
    c.debts.iter().any(|x| {
        x.owed[Component::Principal as usize] == d.principal
            && x.owed[Component::Fees as usize] == d.fees
            && x.due_date == d.due_date
            && *x.creditor == *d.creditor
    })
}

impl TenantCore {
    /// Applies an import's cases (or, in a dry run, says what would come of them).
    pub(crate) fn import_cases(
        &mut self,
        now: Instant,
        import: &str,
        cases: Vec<ImportCase>,
        dry_run: bool,
    ) -> Result<Vec<ImportOutcome>, TenantError> {
        if cases.len() > IMPORT_CASES_MAX {
            return Err(TenantError::TooLarge(IMPORT_CASES_MAX));
        }
        if !dry_run && self.cases.engine.case_type(SHIPPED_TYPE).is_none() {
            self.set_case_type(now, SHIPPED_TYPE.into(), workflow::COLLECTIONS.into())?;
        }
        Ok(cases
            .into_iter()
            .map(|c| self.import_case(now, import, c, dry_run))
            .collect())
    }

    fn import_case(
        &mut self,
        now: Instant,
        import: &str,
        c: ImportCase,
        dry: bool,
    ) -> ImportOutcome {
        let by = || Origin::Import(import.to_string());
        let existing = self.cases.engine.case_by_reference(&c.reference);
        let Some(case) = existing else {
            if dry {
                return ImportOutcome::Created(0);
            }
            return self.import_new(now, c, by());
        };
        let id = case.id;
        let missing: Vec<NewDebt> = c.debts.into_iter().filter(|d| !has_debt(case, d)).collect();
        if missing.is_empty() {
            return ImportOutcome::Unchanged(id.0);
        }
        if dry {
            return ImportOutcome::Updated(id.0, missing.len());
        }
        let n = missing.len();
        for debt in missing {
            let input = Input::AddDebt {
                case: id,
                debt,
                by: by(),
            };
            if let Err(e) = self.case_input(now, input, None) {
                return ImportOutcome::Refused(c.line, e.to_string());
            }
        }
        ImportOutcome::Updated(id.0, n)
    }

    fn import_new(&mut self, now: Instant, c: ImportCase, by: Origin) -> ImportOutcome {
        let Some(currency) = c.debts.first().map(|d| d.currency) else {
            return ImportOutcome::Refused(c.line, "no debt".into());
        };
        let case = NewCase {
            reference: c.reference,
            case_type: SHIPPED_TYPE.into(),
            debtor: c.debtor,
            currency,
            owner: None,
            fields: Vec::new(),
            debts: c.debts,
            by,
        };
        let created = match c.customer {
            Some(customer) => self.case_input(now, Input::CreateCase(case), Some(customer)),
            None => self.case_command(
                now,
                super::CaseCommand::Create {
                    case: Box::new(case),
                    customer: None,
                    phone: None,
                },
            ),
        };
        match created {
            Ok(crate::command::Reply::Id(id)) => ImportOutcome::Created(id as u64),
            Ok(_) => ImportOutcome::Refused(c.line, "unexpected answer".into()),
            Err(e) => ImportOutcome::Refused(c.line, e.to_string()),
        }
    }
}
