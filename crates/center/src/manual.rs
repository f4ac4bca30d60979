//! An agent's manual call (the desktop's dial pad, click-to-dial): the
//! number becomes a manual contact of a campaign the agent works on (its
//! consent purpose, do-not-call lists, calling windows and caps apply), and
//! the dialer's gate decides as for any call. Placed, the call is reserved
//! for the agent; refused, the reply names the rule and when it would pass.

use model::fact::{CampaignContact, DialerStep};
use model::outbound::GateRule;
use model::{AgentId, Instant};

use crate::core::TenantCore;
use crate::error::TenantError;
use crate::outbound::CONTACT_NAME_LEN_MAX;

/// What an agent asks to call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualDialReq {
    /// Who calls.
    pub agent: i64,
    /// The number, in any format (the campaign's country code applies).
    pub to: String,
    /// The customer called, when known.
    pub customer: Option<i64>,
    /// The customer's name, for the campaign's record.
    pub name: Option<String>,
    /// The campaign whose rules apply (default: the one the agent is signed
    /// in to).
    pub campaign: Option<i64>,
}

/// How a manual call went at the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualCall {
    /// The campaign whose rules applied.
    pub campaign: u32,
    /// The contact the number became.
    pub contact: u64,
    /// The attempt placed (none: refused).
    pub attempt: Option<u64>,
    /// Why not: the gate's rule, and when the number may pass (Unix ms).
    pub refused: Option<(GateRule, Option<u64>)>,
}

impl TenantCore {
    /// Places an agent's manual call through the gate.
    pub(crate) fn manual_dial(&mut self, req: ManualDialReq) -> Result<ManualCall, TenantError> {
        let agent = u32::try_from(req.agent).map_err(|_| TenantError::not_found("agent"))?;
        let campaign = self.manual_campaign(agent, req.campaign)?;
        if !self.line_attached {
            return Err(TenantError::conflict(
                "no line places outbound calls on this server (start it with SIP, or run the demo)",
            ));
        }
        let free = self
            .out
            .dialer
            .campaign(model::ids::CampaignId(campaign))
            .is_some_and(|c| c.agent_is_free(AgentId(agent)));
        if !free {
            return Err(TenantError::conflict(
                "you are not ready on this campaign: be ready, with no call offered or reserved, to dial",
            ));
        }
        if let Some(c) = req.customer
            && !self.index.customers.contains(c)
        {
            return Err(TenantError::field(
                "customer_id",
                format!("no customer {c}"),
            ));
        }
        let to = req.to.trim();
        if to.is_empty() || to.len() > 32 {
            return Err(TenantError::field("to", "a phone number"));
        }
        let contact = self.out.next_contact.get(&campaign).copied().unwrap_or(0) + 1;
        let name = req
            .name
            .filter(|n| n.len() <= CONTACT_NAME_LEN_MAX && !n.is_empty());
        let list = [CampaignContact {
            id: contact,
            name,
            customer: req.customer,
            phones: vec![to.to_string()],
            manual: true,
        }];
        let now = self.now();
        let index = &self.index;
        let consent = |c, p: &str| TenantCore::ledger_consent(index, c, p);
        let r = self.out.load(now, campaign, &list, consent);
        self.flush_out();
        r.map_err(|e| match e {
            TenantError::Field { message, .. } => TenantError::field("to", message),
            other => other,
        })?;
        self.out.refused = None;
        self.dialer_step(DialerStep::ManualDial {
            campaign,
            agent,
            contact,
        })?;
        let attempt = self
            .out
            .placed
            .iter()
            .find(|(_, p)| p.campaign == campaign && p.contact == contact)
            .map(|(a, _)| *a);
        let refused = match attempt {
            Some(_) => None,
            None => self
                .out
                .refused
                .take()
                .map(|(rule, at)| (rule, at.map(Instant::as_millis))),
        };
        Ok(ManualCall {
            campaign,
            contact,
            attempt,
            refused,
        })
    }

    /// The campaign a manual call goes through: the one named (it must
    /// exist and not be over), else the one the agent is signed in to.
    fn manual_campaign(&self, agent: u32, named: Option<i64>) -> Result<u32, TenantError> {
        if let Some(c) = named {
            return u32::try_from(c)
                .ok()
                .filter(|c| self.out.campaigns.get(c).is_some_and(|rt| !rt.over))
                .ok_or_else(|| TenantError::field("campaign", format!("no running campaign {c}")));
        }
        self.out.agents.get(&agent).map(|(c, _)| *c).ok_or_else(|| {
            TenantError::conflict(
                "you work on no campaign: a manual call follows a campaign's rules (consent, do-not-call lists, calling hours), so your team needs one",
            )
        })
    }
}
