//! An agent's manual call: the contact was loaded as manual (never paced),
//! the gate decides on its numbers as for any call, and the call is placed
//! reserved for the agent who dials, or the contact is closed with the
//! gate's decisions logged (a manual call is never redialled by the dialer).
//! And a contact closed from outside the campaign (its case is over).

use model::AgentId;
use model::ids::ContactId;
use model::outbound::{CampaignState, ContactEnd};

use super::campaign::Campaign;
use super::pace::GateOutcome;
use super::{Ctx, InputError};
use crate::contact::Stage;

impl Campaign {
    /// Closes a contact for a reason from outside the campaign (see
    /// [`crate::Input::CloseContact`]).
    pub fn close_from_outside(
        &mut self,
        ctx: &mut Ctx<'_>,
        contact: ContactId,
        reason: Box<str>,
    ) -> Result<(), InputError> {
        let idx = self.contact_idx(contact)?;
        let c = &self.contacts[idx as usize];
        if c.stage.attempt().is_some() {
            return Err(InputError::ContactBusy(contact));
        }
        self.close(ctx, idx, ContactEnd::Exhausted, String::from(reason).into());
        Ok(())
    }

    /// Dials a manual contact for a free agent of the campaign.
    pub fn manual_dial(
        &mut self,
        ctx: &mut Ctx<'_>,
        agent: AgentId,
        contact: ContactId,
    ) -> Result<(), InputError> {
        if self.state == CampaignState::Stopped {
            return Err(InputError::Stopped(self.cfg.id));
        }
        let idx = self.contact_idx(contact)?;
        let c = &self.contacts[idx as usize];
        if !c.manual || c.stage != Stage::Waiting || c.tried {
            return Err(InputError::NotManual(contact));
        }
        if !self.agents.get(&agent).is_some_and(|a| a.is_free()) {
            return Err(InputError::AgentNotFree(agent));
        }
        match self.gate_contact(ctx, idx, Some(agent)) {
            GateOutcome::Allowed(phone) => {
                let q = self.est.answer_rate();
                self.start_line(ctx, idx, phone, Some(agent), q, (0.0, 0.0), None);
            }
            GateOutcome::Moved | GateOutcome::Requeued => {
                // The gate's decisions are logged; the agent is told why.
                self.close(ctx, idx, ContactEnd::Exhausted, "manual_refused".into());
            }
        }
        Ok(())
    }
}
