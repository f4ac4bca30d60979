//! A customer's consent ledger in the tenant core: an entry is checked and
//! logged (`customer_consent`); a voice (or any-channel) entry is given to
//! the dialer for each of the customer's numbers at once, so a withdrawal
//! takes effect before the next attempt; a withdrawal for `all` is an
//! opt-out from every call. Contacts loaded later for the customer carry
//! the consent in force for their campaign's purpose.

use model::consent::{ConsentEntry, in_force};
use model::fact::{DialerStep, Fact};

use crate::command::Reply;
use crate::core::TenantCore;
use crate::error::TenantError;

impl TenantCore {
    /// Records a ledger entry.
    pub(crate) fn record_consent(
        &mut self,
        customer: i64,
        entry: ConsentEntry,
    ) -> Result<Reply, TenantError> {
        entry
            .check()
            .map_err(|(part, why)| TenantError::field(part, why))?;
        if !self.index.customers.contains(customer) {
            return Err(TenantError::not_found("customer"));
        }
        if self.index.customers.is_erased(customer) {
            return Err(TenantError::conflict(format!(
                "customer {customer} was erased"
            )));
        }
        let customer = self.index.customers.standing(customer);
        let calls = entry.channel.covers_calls();
        let stops = entry.stops_calls();
        self.push(Fact::CustomerConsent {
            customer,
            entry: entry.clone(),
        });
        if calls && entry.purpose != model::consent::ALL {
            for phone in self.dialable_numbers(customer, None) {
                let step = DialerStep::Consent {
                    phone,
                    purpose: entry.purpose.clone(),
                    granted: entry.granted,
                    source: entry.source.clone(),
                    at_ms: entry.at,
                };
                // Refused only for a number the dialer cannot call.
                let _ = self.out.step(self.now(), step);
            }
            self.flush_out();
        }
        if stops {
            self.opt_out_phones(customer, None);
        }
        Ok(Reply::Done)
    }

    /// Notes on the ledger that the person asked for no more calls (a
    /// disposition, a profile answer); the caller opts the numbers out.
    pub(crate) fn note_calls_withdrawn(
        &mut self,
        customer: i64,
        source: &str,
        evidence: String,
        by: &str,
    ) {
        self.push(Fact::CustomerConsent {
            customer,
            entry: ConsentEntry {
                purpose: model::consent::ALL.into(),
                channel: model::consent::ConsentChannel::Voice,
                granted: false,
                at: self.now_ms,
                source: source.into(),
                evidence: Some(evidence),
                by: by.into(),
            },
        });
    }

    /// A contact's consent for a campaign's purpose, from the customer's
    /// ledger: the voice entry in force, if it grants.
    pub(crate) fn ledger_consent(
        index: &crate::index::Index,
        customer: i64,
        purpose: &str,
    ) -> Option<dialer::contact::ListConsent> {
        let ledger = index.consents.get(&customer)?;
        let e = in_force(ledger, purpose, model::consent::ConsentChannel::Voice)?;
        e.granted.then(|| dialer::contact::ListConsent {
            purpose: purpose.into(),
            source: e.source.as_str().into(),
            given_at: model::Instant::from_millis(e.at.max(0) as u64),
            expires_at: None,
        })
    }
}
