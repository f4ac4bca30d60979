//! Campaigns fed by a saved case query ([`CaseFeed`]), kept current as
//! cases move.
//!
//! A feed belongs to a campaign (one each, at most [`FEEDS_MAX`] a tenant)
//! and is logged as `case_feed_set`; a replay rebuilds the feeds from those
//! facts. A case matches when it is open (not final, not recalled), not
//! disputed, and every condition of the feed holds. The debtor of a
//! matching case is a contact of the campaign: setting a feed adds every
//! debtor with a matching case that has no open contact there through one
//! of its cases, and closes the contacts the feed added whose debtor has no
//! matching case any more. After every batch (a command, the timers), the
//! debtors of the cases the engine said something of are looked at again
//! the same way, once each. Each contact added or closed is a `case_action`
//! of its case ([`FeedAction`]), so replay learns them with the dialer's own
//! facts and evaluates nothing.
//!
//! A debtor without a record or a phone is not added (counted in the
//! answer, not logged). The feed closes only the contacts it added (reason
//! [`FEED_LEFT_REASON`]); the case type's own `stop_contact` closes all of a
//! case's. Removing a feed leaves the contacts it added open.

use std::collections::BTreeMap;

use model::case::{ActionOutcome, CaseFeed, FeedAction};
use model::fact::Fact;
use serde::Deserialize as _;
use workflow::case::Case;
use workflow::{Amount, CaseId, CaseType, Currency};

use super::SHIPPED_TYPE;
use crate::command::Reply;
use crate::core::TenantCore;
use crate::error::TenantError;

/// Most case feeds a tenant has.
pub const FEEDS_MAX: usize = 32;
/// Most state names, and most flag names, in a feed.
pub const FEED_NAMES_MAX: usize = 32;
/// The dialer's reason for a contact a feed closed.
pub const FEED_LEFT_REASON: &str = "case_left_feed";

/// A feed, checked: its amounts and currency read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Feed {
    /// As given (and logged).
    pub(crate) spec: CaseFeed,
    min: Option<Amount>,
    max: Option<Amount>,
    currency: Option<Currency>,
}

/// What setting a feed did (answered as [`Reply::CaseFeed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeedReport {
    /// Cases that match the feed now.
    pub matching: usize,
    /// Debtors added as contacts of the campaign.
    pub added: usize,
    /// Contacts the feed closed.
    pub closed: usize,
    /// Debtors not added: no record, no phone, or refused by the dialer.
    pub not_added: usize,
}

impl Feed {
    /// Checks a feed's amounts, currency and names (not whether the names
    /// are those of a case type: [`TenantCore::check_feed_names`]).
    pub(crate) fn compile(spec: CaseFeed) -> Result<Feed, TenantError> {
        let amount = |field: &str, v: &Option<String>| {
            v.as_deref()
                .map(|s| Amount::parse(s).map_err(|e| TenantError::field(field, e)))
                .transpose()
        };
        let min = amount("balance_min", &spec.balance_min)?;
        let max = amount("balance_max", &spec.balance_max)?;
        if let (Some(a), Some(b)) = (min, max)
            && b < a
        {
            return Err(TenantError::field(
                "balance_max",
                format!("{b} is below balance_min ({a})"),
            ));
        }
        let currency = spec
            .currency
            .as_deref()
            .map(|c| Currency::parse(c).map_err(|e| TenantError::field("currency", e)))
            .transpose()?;
        if (min.is_some() || max.is_some()) && currency.is_none() {
            return Err(TenantError::field(
                "currency",
                "a balance bound needs the currency it is in",
            ));
        }
        for (field, names) in [("states", &spec.states), ("flags", &spec.flags)] {
            if names.len() > FEED_NAMES_MAX {
                return Err(TenantError::field(
                    field,
                    format!("at most {FEED_NAMES_MAX} names"),
                ));
            }
            if let Some(n) = names.iter().find(|n| n.is_empty() || n.len() > 64) {
                return Err(TenantError::field(
                    field,
                    format!("{n:?}: a name has 1 to 64 bytes"),
                ));
            }
        }
        Ok(Feed {
            spec,
            min,
            max,
            currency,
        })
    }

    /// Whether a case matches (its being open is checked apart).
    fn matches(&self, ty: &CaseType, state: &str, c: &Case) -> bool {
        let s = &self.spec;
        !c.disputed
            && !c.recalled
            && s.case_type.as_deref().is_none_or(|t| *c.type_name == *t)
            && self.currency.is_none_or(|cur| c.currency == cur)
            && (s.states.is_empty() || s.states.iter().any(|x| x == state))
            && s.flags
                .iter()
                .all(|f| ty.flag(f).is_some_and(|i| c.has_flag(i)))
            && self.min.is_none_or(|m| c.balance() >= m)
            && self.max.is_none_or(|m| c.balance() <= m)
    }
}

impl super::Cases {
    /// The feed of a campaign.
    pub fn feed(&self, campaign: u32) -> Option<&CaseFeed> {
        self.feeds.get(&campaign).map(|f| &f.spec)
    }

    /// Every feed, by campaign.
    pub fn feeds(&self) -> impl Iterator<Item = (u32, &CaseFeed)> {
        self.feeds.iter().map(|(c, f)| (*c, &f.spec))
    }

    /// The contacts feeds added, by (campaign, case).
    pub fn fed(&self) -> &BTreeMap<(u32, u64), u64> {
        &self.fed
    }

    /// Whether a case matches a campaign's feed.
    pub fn feed_matches(&self, campaign: u32, case: u64) -> bool {
        let (Some(f), Some(c)) = (self.feeds.get(&campaign), self.engine.case(CaseId(case))) else {
            return false;
        };
        self.is_open(case) && f.matches(self.engine.type_of(c), self.engine.state_name(c), c)
    }
}

impl TenantCore {
    /// Sets (or, with none, removes) the feed of a campaign, then brings
    /// the campaign's list up to it.
    pub(crate) fn set_feed(
        &mut self,
        campaign: u32,
        feed: Option<CaseFeed>,
    ) -> Result<Reply, TenantError> {
        let Some(rt) = self.out.campaigns.get(&campaign) else {
            return Err(TenantError::not_found("campaign"));
        };
        let Some(spec) = feed else {
            if self.cases.feeds.contains_key(&campaign) {
                self.push(Fact::CaseFeedSet {
                    campaign,
                    feed: None,
                });
            }
            return Ok(Reply::CaseFeed(FeedReport::default()));
        };
        if rt.over {
            return Err(TenantError::field(
                "campaign",
                format!("campaign {campaign} ({}) is over", rt.name),
            ));
        }
        Feed::compile(spec.clone())?;
        self.check_feed_names(&spec)?;
        let known = self.cases.feeds.get(&campaign).map(|f| &f.spec);
        if known.is_none() && self.cases.feeds.len() >= FEEDS_MAX {
            return Err(TenantError::conflict(format!(
                "a tenant has at most {FEEDS_MAX} case feeds: remove one first"
            )));
        }
        if known != Some(&spec) {
            self.push(Fact::CaseFeedSet {
                campaign,
                feed: Some(spec),
            });
        }
        let mut report = FeedReport::default();
        let debtors: Vec<i64> = self.cases.by_customer.keys().copied().collect();
        for customer in debtors {
            self.feed_debtor(campaign, customer, None, &mut report);
        }
        Ok(Reply::CaseFeed(report))
    }

    /// Checks that the feed's type, states and flags are those of a case
    /// type loaded (its latest version), or of the shipped one.
    fn check_feed_names(&self, f: &CaseFeed) -> Result<(), TenantError> {
        let e = &self.cases.engine;
        let shipped = e
            .case_type(SHIPPED_TYPE)
            .is_none()
            .then(|| CaseType::parse(SHIPPED_TYPE, 1, workflow::COLLECTIONS).ok())
            .flatten();
        let mut types: Vec<&CaseType> = e
            .type_names()
            .filter_map(|n| e.case_type(n))
            .chain(shipped.as_ref())
            .collect();
        let which = match &f.case_type {
            Some(t) => {
                types.retain(|ty| *ty.name == **t);
                if types.is_empty() {
                    return Err(TenantError::field(
                        "case_type",
                        format!("no case type named {t:?}"),
                    ));
                }
                format!("case type {t:?}")
            }
            None => "any case type".to_string(),
        };
        if let Some(s) = f
            .states
            .iter()
            .find(|s| !types.iter().any(|t| t.state(s).is_some()))
        {
            return Err(TenantError::field(
                "states",
                format!("{s:?} is no state of {which}"),
            ));
        }
        if let Some(s) = f
            .flags
            .iter()
            .find(|s| !types.iter().any(|t| t.flag(s).is_some()))
        {
            return Err(TenantError::field(
                "flags",
                format!("{s:?} is no flag of {which}"),
            ));
        }
        Ok(())
    }

    /// After a batch: the debtors of the cases the engine spoke of, looked
    /// at again against every feed (once each).
    pub(crate) fn feeds_settle(&mut self) {
        let touched = std::mem::take(&mut self.cases.touched);
        if touched.is_empty() || self.cases.feeds.is_empty() || self.cases.replaying {
            return;
        }
        let mut debtors: BTreeMap<i64, u64> = BTreeMap::new();
        for case in touched {
            if let Some(c) = self.cases.customer_of(case) {
                debtors.entry(c).or_insert(case);
            }
        }
        let campaigns: Vec<u32> = self.cases.feeds.keys().copied().collect();
        let mut report = FeedReport::default();
        for campaign in campaigns {
            for (customer, case) in &debtors {
                self.feed_debtor(campaign, *customer, Some(*case), &mut report);
            }
        }
    }

    /// Brings one debtor up to a campaign's feed: added if one of their
    /// cases matches and none has an open contact there; the contacts the
    /// feed added closed if none matches.
    fn feed_debtor(
        &mut self,
        campaign: u32,
        customer: i64,
        touched: Option<u64>,
        report: &mut FeedReport,
    ) {
        let cases: Vec<u64> = self.cases.of_customer(customer).collect();
        let matching: Vec<u64> = cases
            .iter()
            .copied()
            .filter(|c| self.cases.feed_matches(campaign, *c))
            .collect();
        report.matching += matching.len();
        let Some(first) = matching.first().copied() else {
            for case in cases {
                report.closed += self.feed_stop(campaign, case);
            }
            return;
        };
        let over = self.out.campaigns.get(&campaign).is_none_or(|rt| rt.over);
        let listed = cases.iter().any(|c| {
            self.cases.contacts.get(c).is_some_and(|l| {
                l.iter()
                    .any(|(k, id)| *k == campaign && self.contact_open(*k, *id))
            }) || self
                .cases
                .fed
                .get(&(campaign, *c))
                .is_some_and(|id| self.contact_open(campaign, *id))
        });
        if over || listed {
            return;
        }
        let case = touched.filter(|t| matching.contains(t)).unwrap_or(first);
        let outcome = self.contact_in(case, campaign);
        if !matches!(outcome, ActionOutcome::ContactAdded { .. }) {
            report.not_added += 1;
            return;
        }
        report.added += 1;
        self.push(Fact::CaseAction {
            case,
            action: feed_action(FeedAction::FeedContact { campaign }),
            outcome,
        });
    }

    /// Closes the contact a feed gave a case, if open: how many closed.
    fn feed_stop(&mut self, campaign: u32, case: u64) -> usize {
        let Some(contact) = self.cases.fed.get(&(campaign, case)).copied() else {
            return 0;
        };
        if !self.contact_open(campaign, contact) {
            return 0;
        }
        let closed = self.close_contacts(vec![(campaign, contact)], FEED_LEFT_REASON);
        let n = closed.len();
        self.push(Fact::CaseAction {
            case,
            action: feed_action(FeedAction::FeedStop { campaign }),
            outcome: ActionOutcome::ContactsClosed { closed },
        });
        n
    }

    /// What the core learns of a fact for feeds, live and on replay: the
    /// feeds set, the contacts they added, those closed since.
    pub(crate) fn learn_feed(&mut self, fact: &Fact) {
        match fact {
            Fact::CaseFeedSet { campaign, feed } => match feed.clone().map(Feed::compile) {
                Some(Ok(f)) => {
                    self.cases.feeds.insert(*campaign, f);
                }
                Some(Err(e)) => debug_assert!(false, "a logged feed is valid: {e}"),
                None => {
                    self.cases.feeds.remove(campaign);
                }
            },
            Fact::CaseAction {
                case,
                action,
                outcome: ActionOutcome::ContactAdded { campaign, contact },
            } => {
                if let Ok(FeedAction::FeedContact { .. }) = FeedAction::deserialize(action) {
                    self.cases.fed.insert((*campaign, *case), *contact);
                }
            }
            Fact::CaseAction {
                case,
                outcome: ActionOutcome::ContactsClosed { closed },
                ..
            } => {
                for (campaign, contact) in closed {
                    if self.cases.fed.get(&(*campaign, *case)) == Some(contact) {
                        self.cases.fed.remove(&(*campaign, *case));
                    }
                }
            }
            _ => {}
        }
    }
}

/// A feed's action as `case_action` keeps it.
fn feed_action(a: FeedAction) -> serde_json::Value {
    serde_json::to_value(a).unwrap_or_default()
}
