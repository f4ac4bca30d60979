//! The case engine (crate `workflow`) in the tenant core, beside routing and
//! the dialer, so that a broken promise can start a call and a call's
//! disposition can move a case in one batch, in one log.
//!
//! The log keeps what the engine was told, as the dialer's inputs are kept:
//! every input it accepted is a `case_input` fact (the `workflow::Input` as
//! JSON, parsed back on replay), every type loaded a `case_type_set`. Its
//! own facts are logged as `case_fact` for the history and the projections
//! and ignored on replay (the engine says them again). Its timers fire at
//! their own instants ([`TenantCore::cases_catch_up`], before every command
//! and in `handle_timeout`; on replay before every fact and in
//! `replay_until`), so a rebuilt engine equals the live one whenever the
//! shell woke. Its calendar is the tenant's settings (zone and holidays).
//!
//! - `actions`: the engine's orders carried out (tasks, contacts, letters).
//! - `view`: what the API shows of a case, and the cases' query.
//! - `feeds`: campaigns fed by a saved case query, kept current.

mod actions;
mod feeds;
mod import;
mod payments;
mod view;

use std::collections::{BTreeMap, BTreeSet};

use model::Instant;
use model::fact::Fact;
use workflow::{CaseId, Input, InputError, Output};

use crate::command::Reply;
use crate::core::TenantCore;
use crate::error::TenantError;

pub use feeds::{FEED_LEFT_REASON, FEED_NAMES_MAX, FEEDS_MAX, FeedReport};
pub use import::{IMPORT_CASES_MAX, ImportCase, ImportOutcome};
pub use model::case::CaseFeed;
pub use payments::{CaseKeyView, PAYMENTS_PER_COMMAND_MAX, PaymentOutcome};
pub use view::{CaseQuery, CaseView, DebtView, MoveView, PaymentView, PromiseView};

/// Most timers fired in one catch-up (the engine moves past each).
const CATCH_UP_MAX: usize = 1_000_000;
/// Most cases one query answers.
pub const CASES_LISTED_MAX: usize = 500;
/// The shipped case type every tenant has (`workflow::COLLECTIONS`).
pub const SHIPPED_TYPE: &str = "collections";
/// Most contacts kept per case (the latest are not closed past this).
pub const CONTACTS_PER_CASE_MAX: usize = 64;
/// The attribute that ties an interaction to its case.
pub const CASE_ATTRIBUTE: &str = "case_id";

/// What the core keeps of cases besides the engine.
#[derive(Debug)]
pub struct Cases {
    /// The engine.
    pub(crate) engine: workflow::Engine,
    /// The customer record of each case's debtor, by case id.
    pub(crate) customers: BTreeMap<u64, i64>,
    /// The cases of each customer record, in id order.
    pub(crate) by_customer: BTreeMap<i64, Vec<u64>>,
    /// The case each interaction carries (`case_id` attribute), by interaction.
    pub(crate) interactions: BTreeMap<i64, u64>,
    /// The contacts `start_contact` added, by case: (campaign, contact).
    pub(crate) contacts: BTreeMap<u64, Vec<(u32, u64)>>,
    /// Whether outputs are dropped (replay: the log has what they caused).
    pub(crate) replaying: bool,
    /// The case feeds, by campaign.
    pub(crate) feeds: BTreeMap<u32, feeds::Feed>,
    /// The contacts feeds added, by (campaign, case); closed ones leave.
    pub(crate) fed: BTreeMap<(u32, u64), u64>,
    /// Cases the engine spoke of in this batch (for the feeds; live only).
    pub(crate) touched: BTreeSet<u64>,
}

impl Default for Cases {
    fn default() -> Self {
        Cases {
            engine: workflow::Engine::new(workflow::Calendar::default()),
            customers: BTreeMap::new(),
            by_customer: BTreeMap::new(),
            interactions: BTreeMap::new(),
            contacts: BTreeMap::new(),
            replaying: false,
            feeds: BTreeMap::new(),
            fed: BTreeMap::new(),
            touched: BTreeSet::new(),
        }
    }
}

impl Cases {
    /// The engine, to read.
    pub fn engine(&self) -> &workflow::Engine {
        &self.engine
    }

    /// The customer record of a case's debtor.
    pub fn customer_of(&self, case: u64) -> Option<i64> {
        self.customers.get(&case).copied()
    }

    /// Cases of a customer, in id order.
    pub fn of_customer(&self, customer: i64) -> impl Iterator<Item = u64> + '_ {
        self.by_customer
            .get(&customer)
            .into_iter()
            .flatten()
            .copied()
    }

    /// Links a case to its debtor's record (once, when it is created).
    pub(crate) fn link(&mut self, case: u64, customer: i64) {
        if self.customers.insert(case, customer).is_none() {
            self.by_customer.entry(customer).or_default().push(case);
        }
    }

    /// Whether a case is open: not in a final state, not recalled.
    pub fn is_open(&self, case: u64) -> bool {
        self.engine.case(CaseId(case)).is_some_and(|c| {
            !c.recalled && !self.engine.type_of(c).states[usize::from(c.state)].is_final
        })
    }

    /// The case an interaction belongs to: the one its attributes name,
    /// else its customer's only open case.
    pub fn of_interaction(&self, interaction: i64, customer: Option<i64>) -> Option<u64> {
        if let Some(c) = self.interactions.get(&interaction) {
            return Some(*c);
        }
        let mut open = self.of_customer(customer?).filter(|c| self.is_open(*c));
        match (open.next(), open.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }
}

/// What the API asks of the case engine.
#[derive(Debug, Clone)]
pub enum CaseCommand {
    /// Load a case type (answered with its version as [`Reply::Id`]).
    SetType {
        /// Its name.
        name: String,
        /// The TOML document.
        document: String,
    },
    /// Create a case (answered with its id): the debtor is the customer
    /// given, else the one with this phone, else a new record.
    Create {
        /// The case.
        case: Box<workflow::NewCase>,
        /// The debtor's customer record, if known.
        customer: Option<i64>,
        /// The debtor's phone, to match or create a record.
        phone: Option<String>,
    },
    /// Any other input (answered with the case's id).
    Input(Box<Input>),
    /// Case types: name and latest version (answered with [`Reply::CaseTypes`]).
    Types,
    /// Cases (answered with [`Reply::Cases`]).
    Query(CaseQuery),
    /// Feed a campaign's list from a saved case query, kept current as
    /// cases move; none removes the feed, leaving its contacts (answered
    /// with [`Reply::CaseFeed`]).
    SetFeed {
        /// The campaign.
        campaign: u32,
        /// The query.
        feed: Option<CaseFeed>,
    },
    /// A campaign's feed, if it has one (answered with [`Reply::CaseFeedOf`]).
    Feed(u32),
    /// Every case these customer records owe in, whatever their number
    /// (answered with [`Reply::CaseIds`]; an erasure's cases).
    OfCustomers(Vec<i64>),
    /// Debts of an import (answered with [`Reply::CaseImport`]).
    Import {
        /// The import's id (the inputs' origin).
        import: String,
        /// Its cases.
        cases: Vec<ImportCase>,
        /// Say what would come of them, change nothing.
        dry_run: bool,
    },
    /// What a payment matcher needs of every case (answered with [`Reply::CaseKeys`]).
    PaymentKeys,
    /// Payments matched to their cases (answered with [`Reply::PaymentOutcomes`]).
    Payments(Vec<(u64, workflow::NewPayment)>),
}

/// The tenant's calendar as the case engine takes it.
pub(crate) fn calendar_of(s: &crate::settings::TenantSettings) -> workflow::Calendar {
    let days: Vec<_> = s.holidays().map(|(d, _)| d).collect();
    workflow::Calendar::new(s.time_zone, days)
        .unwrap_or_else(|_| workflow::Calendar::new(s.time_zone, []).unwrap_or_default())
}

/// The field of the API an input's refusal is about.
fn input_field(input: &Input) -> &'static str {
    match input {
        Input::Transition { .. } => "to",
        Input::SetFlags { .. } => "flags",
        Input::SetField { .. } => "fields",
        Input::Promise { .. } | Input::Settle { .. } => "amount",
        Input::Payment { .. } => "amount",
        Input::CreateCase(_) | Input::AddDebt { .. } => "debts",
        _ => "case",
    }
}

/// The core's error for an input the engine refused.
fn refused(e: InputError, field: &str) -> TenantError {
    use InputError as E;
    match e {
        E::NoSuchCase(_) => TenantError::not_found("case"),
        E::NoSuchType(t) => TenantError::field("type", format!("no case type named {t:?}")),
        E::Unknown { what, .. } => {
            let f = match what {
                "state" => "to",
                "flag" => "flags",
                "field" => "fields",
                _ => field,
            };
            TenantError::field(f, e)
        }
        E::BadValue { field, message } => TenantError::field(&field, message),
        E::CurrencyMismatch { .. } => TenantError::field("currency", e),
        E::Amount(a) => TenantError::field(field, a),
        E::NoTransition { .. } | E::NotPermitted { .. } => TenantError::Forbidden(e.to_string()),
        other => TenantError::conflict(other.to_string()),
    }
}

fn internal(e: impl std::fmt::Display) -> TenantError {
    TenantError::Internal(e.to_string())
}

impl TenantCore {
    /// The case engine and what goes with it.
    pub fn cases(&self) -> &Cases {
        &self.cases
    }

    /// Applies a case command.
    pub(crate) fn case_command(
        &mut self,
        now: Instant,
        cmd: CaseCommand,
    ) -> Result<Reply, TenantError> {
        match cmd {
            CaseCommand::SetType { name, document } => self.set_case_type(now, name, document),
            CaseCommand::Create {
                case,
                customer,
                phone,
            } => self.create_case(now, *case, customer, phone),
            CaseCommand::Input(mut input) => {
                self.name_payment(&mut input);
                self.case_input(now, *input, None)
            }
            CaseCommand::Types => Ok(Reply::CaseTypes(self.case_types())),
            CaseCommand::Query(q) => Ok(Reply::Cases(self.query_cases(&q))),
            CaseCommand::SetFeed { campaign, feed } => self.set_feed(campaign, feed),
            CaseCommand::Feed(campaign) => {
                if !self.out.campaigns.contains_key(&campaign) {
                    return Err(TenantError::not_found("campaign"));
                }
                Ok(Reply::CaseFeedOf(self.cases.feed(campaign).cloned()))
            }
            CaseCommand::OfCustomers(customers) => Ok(Reply::CaseIds(
                (customers.iter())
                    .flat_map(|&c| self.cases.of_customer(c))
                    .collect(),
            )),
            CaseCommand::Import {
                import,
                cases,
                dry_run,
            } => Ok(Reply::CaseImport(
                self.import_cases(now, &import, cases, dry_run)?,
            )),
            CaseCommand::PaymentKeys => Ok(Reply::CaseKeys(self.payment_keys())),
            CaseCommand::Payments(list) => {
                if list.len() > PAYMENTS_PER_COMMAND_MAX {
                    return Err(TenantError::TooLarge(PAYMENTS_PER_COMMAND_MAX));
                }
                Ok(Reply::PaymentOutcomes(self.apply_payments(now, list)))
            }
        }
    }

    /// Fires the case engine's timers due by `now`, each at its own instant,
    /// so that the engine's state does not depend on when the shell woke: a
    /// replay, which catches up before each logged fact, fires the same
    /// timers at the same instants.
    pub(crate) fn cases_catch_up(&mut self, now: Instant) {
        for _ in 0..CATCH_UP_MAX {
            let Some(due) = self.cases.engine.poll_timeout().filter(|t| *t <= now) else {
                return;
            };
            self.cases.engine.handle_timeout(due);
            self.case_outputs();
        }
    }

    /// Takes the engine's outputs: facts for the log, orders carried out
    /// (dropped on replay: the log has what they caused).
    pub(crate) fn case_outputs(&mut self) {
        while let Some(o) = self.cases.engine.poll_output() {
            if self.cases.replaying {
                continue;
            }
            match o {
                Output::Fact(f) => {
                    if !self.cases.feeds.is_empty() {
                        self.cases.touched.insert(f.case.0);
                    }
                    match serde_json::to_value(&f) {
                        Ok(entry) => self.push(Fact::CaseFact {
                            case: f.case.0,
                            entry,
                        }),
                        Err(e) => debug_assert!(false, "a case fact serialises: {e}"),
                    }
                }
                Output::Action(order) => self.carry_out(order),
            }
        }
    }

    pub(crate) fn set_case_type(
        &mut self,
        now: Instant,
        name: String,
        document: String,
    ) -> Result<Reply, TenantError> {
        if document.len() > workflow::limits::TYPE_TEXT_MAX {
            return Err(TenantError::TooLarge(workflow::limits::TYPE_TEXT_MAX));
        }
        let before = self.cases.engine.case_type(&name).map(|t| t.version);
        let version = self
            .cases
            .engine
            .set_type(now, &name, &document)
            .map_err(|e| TenantError::field("document", e))?;
        if before != Some(version) {
            self.push(Fact::CaseTypeSet { name, document });
        }
        self.case_outputs();
        Ok(Reply::Id(i64::from(version)))
    }

    /// Gives the engine one input; if it takes it, it is logged.
    pub(crate) fn case_input(
        &mut self,
        now: Instant,
        input: Input,
        customer: Option<i64>,
    ) -> Result<Reply, TenantError> {
        let (id, value) = self.take_case_input(now, input)?;
        self.log_case_input(id, value, customer);
        Ok(Reply::Id(id.map_or(0, |i| i as i64)))
    }

    /// The engine takes an input (its outputs wait in it): the case's id
    /// and the input as the log keeps it.
    fn take_case_input(
        &mut self,
        now: Instant,
        input: Input,
    ) -> Result<(Option<u64>, serde_json::Value), TenantError> {
        let value = serde_json::to_value(&input).map_err(internal)?;
        let field = input_field(&input);
        let reference = match &input {
            Input::CreateCase(c) => Some(c.reference.clone()),
            _ => None,
        };
        let case = case_of(&input);
        self.cases
            .engine
            .handle(now, input)
            .map_err(|e| refused(e, field))?;
        let id = match reference {
            Some(r) => self.cases.engine.case_by_reference(&r).map(|c| c.id.0),
            None => case,
        };
        Ok((id, value))
    }

    /// Logs an input taken, then what the engine said of it.
    fn log_case_input(&mut self, id: Option<u64>, input: serde_json::Value, customer: Option<i64>) {
        if let (Some(id), Some(c)) = (id, customer) {
            self.cases.link(id, c);
        }
        self.push(Fact::CaseInput { input, customer });
        self.case_outputs();
    }

    /// A payment given without an id takes the next of its case (`p1`,
    /// `p2`, …), in the input logged, so a replay gives it the same.
    fn name_payment(&self, input: &mut Input) {
        if let Input::Payment { case, payment } = input
            && payment.id.is_empty()
        {
            let n = self
                .cases
                .engine
                .case(*case)
                .map_or(0, |c| c.payments.len());
            payment.id = format!("p{}", n + 1);
        }
    }

    fn create_case(
        &mut self,
        now: Instant,
        case: workflow::NewCase,
        customer: Option<i64>,
        phone: Option<String>,
    ) -> Result<Reply, TenantError> {
        crate::agents::check_name("debtor.name", &case.debtor)?;
        if let Some(c) = customer
            && !self.index.customers.contains(c)
        {
            return Err(TenantError::field(
                "customer_id",
                format!("no customer {c}"),
            ));
        }
        let phone = phone
            .map(|p| {
                model::PhoneNumber::parse(&p)
                    .map(|n| n.as_str().to_string())
                    .map_err(|e| TenantError::field("debtor.phone", e))
            })
            .transpose()?;
        let found = customer.or_else(|| {
            phone
                .as_deref()
                .and_then(|p| self.index.customer_by_phone(p))
        });
        let name = case.debtor.to_string();
        // The shipped type is there for every tenant: loaded (and logged)
        // when a case first needs it, unless the tenant loaded its own.
        if case.case_type == SHIPPED_TYPE && self.cases.engine.case_type(SHIPPED_TYPE).is_none() {
            self.set_case_type(now, SHIPPED_TYPE.into(), workflow::COLLECTIONS.into())?;
        }
        // The case first: a refused case makes no record.
        let (id, value) = self.take_case_input(now, Input::CreateCase(case))?;
        // A new debtor's record: its facts go before the case's input.
        let customer = match found {
            Some(c) => Some(c),
            None => match self.create_customer(name, phone, None) {
                Ok(Reply::Id(c)) => Some(c),
                _ => None,
            },
        };
        self.log_case_input(id, value, customer);
        Ok(Reply::Id(id.map_or(0, |i| i as i64)))
    }

    /// Replays a logged case fact (inputs and types; the engine's own facts
    /// are said again by the engine).
    pub(crate) fn replay_case(&mut self, at: Instant, fact: &Fact) -> Result<(), TenantError> {
        match fact {
            Fact::CaseTypeSet { name, document } => {
                self.cases
                    .engine
                    .set_type(at, name, document)
                    .map_err(internal)?;
            }
            Fact::CaseInput { input, customer } => {
                let input: Input = serde_json::from_value(input.clone()).map_err(internal)?;
                let reference = match &input {
                    Input::CreateCase(c) => Some(c.reference.clone()),
                    _ => None,
                };
                self.cases.engine.handle(at, input).map_err(internal)?;
                if let (Some(r), Some(c)) = (reference, customer)
                    && let Some(case) = self.cases.engine.case_by_reference(&r)
                {
                    self.cases.link(case.id.0, *c);
                }
            }
            _ => {}
        }
        self.case_outputs();
        Ok(())
    }

    /// What the core learns of a fact for cases, live and on replay: the
    /// case an interaction carries, the contacts a case was given, the
    /// feeds.
    pub(crate) fn learn_case(&mut self, fact: &Fact) {
        self.learn_feed(fact);
        if let Fact::CaseAction {
            case,
            outcome: model::case::ActionOutcome::ContactAdded { campaign, contact },
            ..
        } = fact
        {
            let list = self.cases.contacts.entry(*case).or_default();
            if list.len() < CONTACTS_PER_CASE_MAX {
                list.push((*campaign, *contact));
            }
        }
        if let Fact::Routing { event } = fact
            && let model::event::EventKind::InteractionCreated {
                interaction,
                attributes: Some(a),
                ..
            } = &event.kind
            && let Some(case) = a.extra(CASE_ATTRIBUTE).and_then(|c| c.parse::<u64>().ok())
        {
            self.cases.interactions.insert(interaction.0 as i64, case);
        }
    }
}

/// The case an input names (none for a new case).
fn case_of(input: &Input) -> Option<u64> {
    Some(match input {
        Input::CreateCase(_) => return None,
        Input::Transition { case, .. }
        | Input::SetFlags { case, .. }
        | Input::SetField { case, .. }
        | Input::Assign { case, .. }
        | Input::AddDebt { case, .. }
        | Input::Payment { case, .. }
        | Input::Promise { case, .. }
        | Input::PaymentPlan { case, .. }
        | Input::Disposition { case, .. }
        | Input::Recall { case, .. }
        | Input::Settle { case, .. }
        | Input::WriteOff { case, .. }
        | Input::Dispute { case, .. }
        | Input::ResolveDispute { case, .. }
        | Input::Accrue { case } => case.0,
    })
}
