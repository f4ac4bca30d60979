//! The case engine's orders, carried out by the core in the batch that
//! ordered them, each logged as `case_action` with its outcome:
//!
//! - `create_task`: a `task` interaction routed like any other (the queue
//!   named as the task's skill if there is one, else the plan's default),
//!   its subject the title, linked to the debtor's record, its attributes
//!   carrying `case_id`.
//! - `start_contact`: the debtor's record added as a contact of the
//!   campaign the type names (none: a campaign named as the case type).
//! - `stop_contact`: the contacts `start_contact` gave the case are closed
//!   in their campaigns (`close_contact`, reason `case_<state>`); one in a
//!   call or a preview at that moment is left to its campaign's rules.
//! - `send_letter`, `send_email`: a `case_letter_ordered` fact (rendering
//!   and sending come later).
//!
//! And the other way: a disposition on an interaction of a case is given to
//! the engine, with the promise an agent took on the call.

use chrono::NaiveDate;
use model::case::{ActionOutcome, LetterMedium, LetterSnapshot};
use model::fact::{DialerStep, Fact};
use model::{Attributes, Channel, InteractionId};
use workflow::{Action, Actor, Amount, CaseId, Input, Order, Role};

use super::CASE_ATTRIBUTE;
use crate::command::{NewInteractionReq, Reply};
use crate::core::TenantCore;
use crate::error::TenantError;
use crate::outbound::ContactReq;

/// An order not carried out, and why.
fn refused(reason: String) -> ActionOutcome {
    ActionOutcome::Refused { reason }
}

/// The language of a letter when the case does not say (its `language` field).
pub const LETTER_LANGUAGE_DEFAULT: &str = "en";

/// A disposition's part for a case, checked before anything changes.
pub(crate) struct CaseDisposition {
    /// The case.
    case: u64,
    /// The promise taken on the call: amount and date.
    promise: Option<(Amount, NaiveDate)>,
}

impl TenantCore {
    /// Carries out one order and logs what came of it.
    pub(crate) fn carry_out(&mut self, order: Order) {
        let case = order.case.0;
        let action = serde_json::to_value(&order.action).unwrap_or_default();
        let letter = match &order.action {
            Action::SendLetter { template } => Some((template.clone(), LetterMedium::Letter)),
            Action::SendEmail { template } => Some((template.clone(), LetterMedium::Email)),
            _ => None,
        };
        let outcome = match &order.action {
            Action::CreateTask {
                title,
                skill,
                priority,
                ..
            } => self.case_task(case, title, skill.as_deref(), *priority),
            Action::StartContact { campaign } => self.case_contact(case, campaign.as_deref()),
            Action::StopContact => self.stop_contacts(case),
            Action::SendLetter { .. } | Action::SendEmail { .. } => ActionOutcome::LetterOrdered,
        };
        self.push(Fact::CaseAction {
            case,
            action,
            outcome,
        });
        if let Some((template, medium)) = letter {
            let language = self
                .case_field(case, "language")
                .unwrap_or_else(|| LETTER_LANGUAGE_DEFAULT.into());
            let snapshot = self.letter_snapshot(case).map(Box::new);
            self.push(Fact::CaseLetterOrdered {
                case,
                template: template.to_string(),
                language,
                medium,
                snapshot,
            });
        }
    }

    /// What a letter says of a case now.
    fn letter_snapshot(&self, case: u64) -> Option<LetterSnapshot> {
        let c = self.cases.engine.case(CaseId(case))?;
        let pending = || {
            c.promises
                .iter()
                .filter(|p| p.state == workflow::PromiseState::Pending)
        };
        let next = pending().min_by_key(|p| p.due_date);
        let date = self.settings().date_of(self.now_ms);
        Some(LetterSnapshot {
            reference: c.reference.to_string(),
            debtor: c.debtor.to_string(),
            creditor: c
                .debts
                .first()
                .map(|d| d.creditor.to_string())
                .unwrap_or_default(),
            balance: c.balance().to_string(),
            currency: c.currency.to_string(),
            date: date.to_string(),
            due_date: c
                .debts
                .iter()
                .map(|d| d.due_date)
                .min()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            promise: next.map(|p| (p.amount.to_string(), p.due_date.to_string())),
            instalments: pending()
                .filter(|p| p.plan.is_some())
                .map(|p| (p.due_date.to_string(), p.amount.to_string()))
                .collect(),
        })
    }

    fn case_task(
        &mut self,
        case: u64,
        title: &str,
        skill: Option<&str>,
        priority: u8,
    ) -> ActionOutcome {
        let queue = skill
            .filter(|s| self.names.queue(s).is_some())
            .map(str::to_string);
        let mut attributes = Attributes::default();
        attributes
            .extra
            .push((CASE_ATTRIBUTE.into(), case.to_string()));
        let customer = self
            .cases
            .customer_of(case)
            .filter(|c| self.index.customers.contains(*c));
        let req = NewInteractionReq {
            channel: Channel::Task,
            queue,
            priority: i32::from(priority),
            attributes,
            customer,
            subject: Some(title.to_string()),
            idempotency_key: None,
            chat_secret_hash: None,
        };
        match self.create(self.now(), req, None) {
            Ok(Reply::Interaction { id, .. }) => ActionOutcome::TaskCreated {
                interaction: InteractionId(id as u64),
            },
            Ok(_) => ActionOutcome::Refused {
                reason: "no interaction was created".into(),
            },
            Err(e) => ActionOutcome::Refused {
                reason: e.to_string(),
            },
        }
    }

    fn case_contact(&mut self, case: u64, campaign: Option<&str>) -> ActionOutcome {
        let Some(c) = self.cases.engine.case(CaseId(case)) else {
            return refused(format!("no case {case}"));
        };
        let name = campaign.map_or_else(|| c.type_name.to_string(), str::to_string);
        let Some(id) = self
            .out
            .campaigns
            .iter()
            .filter(|(_, rt)| rt.name == name && !rt.over)
            .map(|(id, _)| *id)
            .min()
        else {
            return refused(format!("no campaign named {name:?} that is not over"));
        };
        let open = self.cases.contacts.get(&case).and_then(|l| {
            l.iter()
                .find(|(k, contact)| *k == id && self.contact_open(id, *contact))
        });
        if let Some((_, contact)) = open {
            return refused(format!(
                "the debtor is still contact {contact} of campaign {id}: not added twice"
            ));
        }
        self.contact_in(case, id)
    }

    /// Adds a case's debtor (the record, with its phones) as a contact of
    /// a campaign.
    pub(crate) fn contact_in(&mut self, case: u64, campaign: u32) -> ActionOutcome {
        let Some(c) = self.cases.engine.case(CaseId(case)) else {
            return refused(format!("no case {case}"));
        };
        let debtor = c.debtor.to_string();
        let Some(customer) = self.cases.customer_of(case) else {
            return refused("the debtor has no customer record".into());
        };
        let mut phones = self.index.customers.phones(customer);
        if phones.is_empty() {
            return refused("the debtor's record has no phone number".into());
        }
        phones.truncate(crate::outbound::PHONES_PER_CONTACT_MAX);
        let contact = ContactReq {
            name: Some(debtor),
            customer_id: Some(customer),
            phones,
        };
        match self.add_contacts(i64::from(campaign), vec![contact]) {
            Ok(_) => ActionOutcome::ContactAdded {
                campaign,
                contact: self.out.next_contact.get(&campaign).copied().unwrap_or(0),
            },
            Err(e) => refused(e.to_string()),
        }
    }

    /// Closes the case's open contacts in their campaigns (a contact in a
    /// call or a preview now is left to its campaign's rules).
    fn stop_contacts(&mut self, case: u64) -> ActionOutcome {
        let state = self
            .cases
            .engine
            .case(CaseId(case))
            .map_or_else(String::new, |c| self.cases.engine.state_name(c).to_string());
        let contacts = self.cases.contacts.get(&case).cloned().unwrap_or_default();
        let closed = self.close_contacts(contacts, &format!("case_{state}"));
        ActionOutcome::ContactsClosed { closed }
    }

    /// Whether a contact is open in its campaign.
    pub(crate) fn contact_open(&self, campaign: u32, contact: u64) -> bool {
        self.out
            .dialer
            .campaign(model::ids::CampaignId(campaign))
            .is_some_and(|c| c.contact_open(model::ids::ContactId(contact)))
    }

    /// Closes those of these (campaign, contact) pairs that are open, for
    /// this reason: the pairs closed.
    pub(crate) fn close_contacts(
        &mut self,
        pairs: Vec<(u32, u64)>,
        reason: &str,
    ) -> Vec<(u32, u64)> {
        let mut closed = Vec::new();
        for (campaign, contact) in pairs {
            let step = DialerStep::CloseContact {
                campaign,
                contact,
                reason: reason.to_string(),
            };
            if self.contact_open(campaign, contact) && self.out.step(self.now(), step).is_ok() {
                closed.push((campaign, contact));
            }
        }
        self.flush_out();
        closed
    }

    /// The case a disposition concerns and the promise it carries, checked:
    /// a promise needs `promise_amount` and `promise_date` together, the
    /// code `promise`, a case, an amount and a date from today on.
    pub(crate) fn check_case_disposition(
        &self,
        interaction: i64,
        code: &str,
        promise: Option<(String, String)>,
    ) -> Result<Option<CaseDisposition>, TenantError> {
        let customer = self.index.interaction(interaction).and_then(|r| r.customer);
        let case = self.cases.of_interaction(interaction, customer);
        let Some((amount, date)) = promise else {
            return Ok(case.map(|case| CaseDisposition {
                case,
                promise: None,
            }));
        };
        if code != "promise" {
            return Err(TenantError::field(
                "promise_amount",
                "a promise goes with the code \"promise\"",
            ));
        }
        let Some(case) = case.filter(|c| self.cases.is_open(*c)) else {
            return Err(TenantError::field(
                "promise_amount",
                "this interaction has no open case (no case_id, and its customer has not exactly one open case)",
            ));
        };
        let amount = Amount::parse(&amount).map_err(|e| TenantError::field("promise_amount", e))?;
        let due = crate::settings::parse_date(&date)
            .map_err(|e| TenantError::field("promise_date", e))?;
        let today = self.cases.engine.calendar().date(self.now());
        if due < today {
            return Err(TenantError::field(
                "promise_date",
                format!("{due} is before today ({today})"),
            ));
        }
        Ok(Some(CaseDisposition {
            case,
            promise: Some((amount, due)),
        }))
    }

    /// Gives the engine a disposition of a case's interaction, then the
    /// promise taken on it; the disposition stands whatever the engine says.
    pub(crate) fn case_disposition(
        &mut self,
        d: CaseDisposition,
        interaction: i64,
        code: &str,
        by: &str,
        by_agent: bool,
    ) {
        let now = self.now();
        let case = CaseId(d.case);
        let _ = self.case_input(
            now,
            Input::Disposition {
                case,
                code: code.to_string(),
                interaction: interaction as u64,
                user: Some(by.to_string()),
            },
            None,
        );
        if let Some((amount, due_date)) = d.promise {
            let role = if by_agent {
                Role::Agent
            } else {
                Role::Supervisor
            };
            let _ = self.case_input(
                now,
                Input::Promise {
                    case,
                    amount,
                    due_date,
                    by: Actor::new(by, role),
                },
                None,
            );
        }
    }
}
