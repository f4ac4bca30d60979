//! Erasing persons: the core's side (see `model::erasure` for the log's).
//!
//! The shell names the records (the one asked for and those merged into
//! it) and their numbers in E.164 (the records' and their campaign
//! contacts', less any another record still has). The core refuses while
//! one of their interactions is open or one of their contacts is being
//! called; otherwise the dialer closes their contacts and moves what it
//! kept under each number to the number's placeholder, the records lose
//! their keys and take no more writes, and a `customer_erased` fact says
//! which placeholders stand for which numbers' facts. The reply maps each
//! number to its placeholder, for the shell's redaction of the log.

use dialer::engine::Input;
use dialer::erased::{ErasedFacts, ErasureKey};
use model::PhoneNumber;
use model::erasure::ErasedNumber;
use model::fact::Fact;

use crate::command::Reply;
use crate::core::TenantCore;
use crate::error::TenantError;

/// Records erased by one command, at most.
pub const ERASE_MAX: usize = 10_000;

impl TenantCore {
    /// Sets the key placeholders are made with (outside the log; before replay).
    pub fn set_erasure_key(&mut self, key: [u8; 16]) {
        self.out.dialer.set_erasure_key(ErasureKey(key));
    }

    /// What the log's `customer_erased` facts say of placeholders, before
    /// the facts that name them are replayed (the shell reads them first).
    pub fn preload_erased(&mut self, numbers: &[ErasedNumber]) {
        let numbers = parse_erased(numbers);
        if !numbers.is_empty() {
            let now = self.now();
            let _ = self.out.dialer.handle(now, Input::Erased { numbers });
        }
    }

    pub(crate) fn erase_customers(
        &mut self,
        customers: Vec<i64>,
        numbers: Vec<String>,
        by: String,
    ) -> Result<Reply, TenantError> {
        if customers.is_empty() || customers.len() > ERASE_MAX {
            return Err(TenantError::field("customers", format!("1 to {ERASE_MAX}")));
        }
        if !self.out.dialer.has_erasure_key() {
            return Err(TenantError::conflict(
                "the tenant has no erasure key (the server has no secret key to keep it)",
            ));
        }
        self.check_erasable(&customers)?;
        let mut moves = Vec::with_capacity(numbers.len());
        let mut erased = Vec::with_capacity(numbers.len());
        for (i, n) in numbers.iter().enumerate() {
            let parsed = PhoneNumber::parse(n).ok();
            let Some((placeholder, facts)) = parsed
                .as_ref()
                .and_then(|p| self.out.dialer.erased_facts(p))
            else {
                return Err(TenantError::field(
                    &format!("numbers[{i}]"),
                    format!("{n:?} is not in E.164"),
                ));
            };
            let key = dialer::consent::E164::of(&placeholder).expect("a placeholder is E.164");
            erased.push((placeholder.clone(), facts.to_model(key), facts));
            moves.push((parsed.expect("parsed above"), placeholder));
        }
        let reply = Reply::Erased(
            (numbers.iter().zip(&moves))
                .map(|(n, (_, p))| (n.clone(), p.to_string()))
                .collect(),
        );
        if customers.iter().all(|&c| self.index.customers.is_erased(c)) {
            return Ok(reply);
        }
        let now = self.now();
        let persons = persons(&customers);
        self.out.catch_up(now);
        self.out
            .dialer
            .handle(now, Input::Forget { persons, moves })
            .map_err(|e| TenantError::conflict(e.to_string()))?;
        let numbers: Vec<(PhoneNumber, ErasedFacts)> = erased
            .iter()
            .map(|(p, _, f)| (p.clone(), f.clone()))
            .collect();
        let _ = self.out.dialer.handle(now, Input::Erased { numbers });
        self.out.forget_names(&customers);
        self.out.drain();
        self.erase_debtors(&customers);
        self.push(Fact::CustomerErased {
            customers,
            numbers: erased.into_iter().map(|(_, m, _)| m).collect(),
            by,
        });
        Ok(reply)
    }

    /// Every record exists, and none has an interaction open.
    fn check_erasable(&self, customers: &[i64]) -> Result<(), TenantError> {
        for &c in customers {
            if !self.index.customers.contains(c) {
                return Err(TenantError::not_found("customer"));
            }
        }
        let open = self
            .index
            .open()
            .find(|(_, r)| r.customer.is_some_and(|c| customers.contains(&c)));
        if let Some((id, _)) = open {
            return Err(TenantError::conflict(format!(
                "interaction {id} of this customer is not over: erase once it ends"
            )));
        }
        let case = customers
            .iter()
            .flat_map(|&c| self.cases.of_customer(c))
            .find(|&case| self.cases.is_open(case));
        if let Some(case) = case {
            let reference = (self.cases.engine.case(workflow::CaseId(case)))
                .map_or_else(String::new, |c| c.reference.to_string());
            return Err(TenantError::conflict(format!(
                "case {reference} (id {case}) of this customer is open: a debt being collected is a legal claim \
                 (GDPR art. 17(3)(e)); erase once the case is closed"
            )));
        }
        Ok(())
    }

    /// The closed cases of erased persons no longer name them (live, and
    /// on replay of `customer_erased`).
    pub(crate) fn erase_debtors(&mut self, customers: &[i64]) {
        let cases: Vec<u64> = customers
            .iter()
            .flat_map(|&c| self.cases.of_customer(c))
            .collect();
        for case in cases {
            self.cases
                .engine
                .erase_debtor(workflow::CaseId(case), model::erasure::ERASED);
        }
    }

    /// A `customer_erased` fact, replayed: the dialer learns the
    /// placeholders and closes the persons' contacts as the live one did.
    pub(crate) fn replay_erased(&mut self, customers: &[i64], numbers: &[ErasedNumber]) {
        let now = self.now();
        let numbers = parse_erased(numbers);
        let _ = self.out.dialer.handle(now, Input::Erased { numbers });
        let persons = persons(customers);
        let _ = (self.out.dialer).handle(
            now,
            Input::Forget {
                persons,
                moves: Vec::new(),
            },
        );
        self.out.forget_names(customers);
        self.erase_debtors(customers);
    }
}

fn persons(customers: &[i64]) -> Vec<u64> {
    customers
        .iter()
        .filter_map(|&c| u64::try_from(c).ok())
        .collect()
}

fn parse_erased(numbers: &[ErasedNumber]) -> Vec<(PhoneNumber, ErasedFacts)> {
    numbers
        .iter()
        .filter_map(ErasedFacts::from_model)
        .filter_map(|(key, facts)| Some((PhoneNumber::parse(&format!("+{}", key.0)).ok()?, facts)))
        .collect()
}

impl crate::outbound::Outbound {
    /// The names of the persons' campaign contacts go.
    fn forget_names(&mut self, customers: &[i64]) {
        for (name, who) in self.contacts.values_mut() {
            if who.is_some_and(|c| customers.contains(&c)) {
                *name = None;
            }
        }
    }
}
