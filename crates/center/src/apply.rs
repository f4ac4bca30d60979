//! The dispatch of commands to the rules that apply them.

use model::{AgentId, Instant, InteractionId};
use routing::Input;

use crate::command::{CONSULTS_SHOWN_MAX, Command, Reply};
use crate::core::TenantCore;
use crate::error::TenantError;

impl TenantCore {
    pub(crate) fn apply(&mut self, now: Instant, cmd: Command) -> Result<Reply, TenantError> {
        match cmd {
            Command::Create(req) => self.create(now, *req, None),
            Command::SignIn(a, None) => {
                let a = self.agent(a)?;
                self.ready(now, a, true)?;
                Ok(Reply::Done)
            }
            Command::SignIn(a, reason) => {
                let a = self.agent(a)?;
                self.route(now, Input::SignIn(a, reason))
            }
            Command::SignOut(a) => {
                let a = self.agent(a)?;
                self.route(now, Input::SignOut(a))
            }
            Command::Ready(a) => {
                let a = self.agent(a)?;
                self.ready(now, a, false)?;
                Ok(Reply::Done)
            }
            Command::NotReady(a, r) => {
                let a = self.agent(a)?;
                self.route(now, Input::NotReady(a, r))
            }
            Command::Accept(i, a) => {
                let a = self.agent(a)?;
                self.known(i)?;
                self.route(now, Input::Accept(InteractionId(i as u64), a))
            }
            Command::Reject(i, a) => {
                let a = self.agent(a)?;
                self.known(i)?;
                self.route(now, Input::Reject(InteractionId(i as u64), a))
            }
            Command::Complete(i, by) => {
                self.holds(i, by)?;
                self.route(now, Input::Complete(InteractionId(i as u64)))
            }
            Command::Transfer {
                interaction,
                by,
                to,
                consult,
            } => self.transfer(now, interaction, by, to, consult),
            Command::Disposition {
                interaction,
                code,
                by_agent,
                by,
                new_phone,
                callback_at_ms,
                resolved,
                promise_amount,
                promise_date,
            } => self.disposition(crate::interactions::Disposing {
                interaction,
                code,
                by_agent,
                by,
                new_phone,
                callback_at_ms,
                resolved,
                promise_amount,
                promise_date,
            }),
            Command::Note {
                interaction,
                author,
                body,
            } => self.note(interaction, author, body),
            Command::Email {
                interaction,
                mailbox,
                email,
                sent_by,
            } => self.email(interaction, mailbox, email, sent_by),
            Command::Chat {
                interaction,
                sender,
                by_agent,
                secret_hash,
                body,
            } => self.chat(interaction, sender, by_agent, secret_hash, body),
            Command::CreateCustomer { name, phone, email } => {
                self.create_customer(name, phone, email)
            }
            Command::MatchCustomers(rows) => Ok(self.match_customers(&rows)),
            Command::RecordConsent { customer, entry } => self.record_consent(customer, entry),
            Command::SetCustomers { by, cause, entries } => self.set_customers(by, cause, entries),
            Command::EraseCustomers {
                customers,
                numbers,
                by,
            } => self.erase_customers(customers, numbers, by),
            Command::MergeCustomers {
                kept,
                merged,
                record,
                changed,
                by,
            } => self.merge_customers(kept, merged, record, changed, by),
            Command::UnmergeCustomers {
                kept,
                merged,
                record,
                by,
            } => self.unmerge_customers(kept, merged, record, by),
            Command::DefineAgent {
                id,
                name,
                skills,
                username,
                teams,
            } => self.define_agent(now, id, name, skills, username, teams),
            Command::SetCapacity { agent, capacity } => self.set_capacity(now, agent, capacity),
            Command::SetPlan(document) => self.set_plan(now, document),
            Command::CreateCall(req, facts) => self.create_call(now, *req, facts),
            Command::CallFact(i, call) => {
                self.push(model::fact::Fact::Call {
                    interaction: InteractionId(i as u64),
                    call,
                });
                Ok(Reply::Done)
            }
            Command::Abandon(i) => self.route(now, Input::Abandon(InteractionId(i as u64))),
            Command::Position(i) => Ok(Reply::Position(
                self.engine
                    .position(InteractionId(i as u64))
                    .map(|p| (p.position, p.estimated_wait.as_secs_f64() as u64)),
            )),
            Command::Recording {
                interaction,
                by_agent,
                by,
                action,
            } => self.recording(interaction, by_agent, by, action),
            Command::Quality(q) => self.quality(q),
            Command::CallControl {
                interaction,
                by_agent,
                by,
                action,
            } => self.call_control(now, interaction, by_agent, by, action),
            Command::CallbackKeepingPlace {
                interaction,
                number,
            } => self.callback_keeping_place(now, interaction, number),
            Command::HeldConsults(agent) => {
                let a = self.agent(agent)?;
                Ok(Reply::Ids(
                    self.engine
                        .consults_held_by(a, CONSULTS_SHOWN_MAX)
                        .into_iter()
                        .map(|i| i.0 as i64)
                        .collect(),
                ))
            }
            Command::Queues => Ok(Reply::Queues(self.queue_infos())),
            Command::Callbacks(agent) => Ok(Reply::Callbacks(
                u32::try_from(agent)
                    .map(|a| self.index.callbacks.of_agent(AgentId(a)))
                    .unwrap_or_default(),
            )),
            Command::Profile {
                customer,
                interaction,
                fields,
                by,
            } => self.profile(customer, interaction, fields, by),
            Command::SetSetting { name, document } => self.set_setting(name, document),
            Command::ForceAssign(i, a) => self.force_assign(now, i, a),
            Command::Case(cmd) => self.case_command(now, *cmd),
            other => self.apply_outbound(now, other),
        }
    }
}
