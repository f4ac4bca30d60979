//! An agent's manual call: placed through the gate for the agent who dials,
//! refused (with the rule logged) outside the callee's hours, never paced nor
//! redialled by the dialer, and refused for an agent who is not free.

mod support;

use dialer::clock::CivilClock;
use dialer::contact::{ContactInput, PhoneInput, PhoneKind};
use dialer::{AgentPresence, Dialer, Input, InputError, Output};
use model::event::EventKind;
use model::ids::{CampaignId, ContactId};
use model::outbound::{ContactEnd, DialMode, DialOutcome, GateRule, ListId, OutboundEvent};
use model::{AgentId, Instant, PhoneNumber};
use support::day_start;

const C: CampaignId = CampaignId(1);
const MIN: u64 = 60_000;

fn manual(id: u64, number: &str) -> ContactInput {
    ContactInput {
        id: ContactId(id),
        phones: vec![PhoneInput {
            number: PhoneNumber::parse(number).unwrap(),
            kind: PhoneKind::Mobile,
            valid: true,
            consent: None,
        }],
        address: None,
        segment: None,
        score: 0,
        person: None,
        manual: true,
    }
}

/// A preview campaign (nothing paced on its own) with one ready agent, 0.
fn dialer() -> Dialer {
    let mut cfg = support::campaign(DialMode::Progressive, 1.0);
    cfg.default_country_code = 34;
    let mut d = Dialer::new(CivilClock::starting_at(day_start()));
    d.add_campaign(Instant::ZERO, cfg).unwrap();
    d.handle(Instant::ZERO, Input::Start { campaign: C })
        .unwrap();
    let ready = Input::Agent {
        campaign: C,
        agent: AgentId(0),
        presence: AgentPresence::Ready,
    };
    d.handle(Instant::ZERO, ready).unwrap();
    d
}

fn load(d: &mut Dialer, at: u64, c: ContactInput) {
    let i = Input::LoadContacts {
        campaign: C,
        list: ListId(0),
        contacts: vec![c],
    };
    d.handle(Instant::from_millis(at), i).unwrap();
}

fn dial(d: &mut Dialer, at: u64, contact: u64) -> Result<(), InputError> {
    let i = Input::ManualDial {
        campaign: C,
        agent: AgentId(0),
        contact: ContactId(contact),
    };
    d.handle(Instant::from_millis(at), i)
}

/// Dials placed and outbound events since the last drain.
fn drain(d: &mut Dialer) -> (Vec<dialer::Dial>, Vec<OutboundEvent>) {
    let (mut dials, mut events) = (Vec::new(), Vec::new());
    while let Some(o) = d.poll_output() {
        match o {
            Output::Dial(x) => dials.push(x),
            Output::Event(e) => {
                if let EventKind::Outbound(o) = e.kind {
                    events.push(o)
                }
            }
            Output::Preview(_) | Output::Alert(_) => {}
        }
    }
    (dials, events)
}

#[test]
fn a_manual_contact_is_not_paced_and_is_dialled_for_the_agent_then_closed() {
    let mut d = dialer();
    load(&mut d, 1_000, manual(1, "931234567"));
    let (dials, _) = drain(&mut d);
    assert!(dials.is_empty(), "a manual contact is never paced");
    dial(&mut d, 2_000, 1).unwrap();
    let (dials, _) = drain(&mut d);
    assert_eq!(dials.len(), 1);
    assert_eq!(dials[0].reserved_agent, Some(AgentId(0)));
    assert_eq!(dials[0].phone.as_str(), "+34931234567");
    // Nobody answers: the dialer does not try again.
    let r = Input::DialResult {
        attempt: dials[0].attempt,
        outcome: DialOutcome::NoAnswer,
        ring_ms: 25_000,
    };
    d.handle(Instant::from_millis(30_000), r).unwrap();
    d.handle_timeout(Instant::from_millis(600 * MIN));
    let (dials, events) = drain(&mut d);
    assert!(dials.is_empty(), "{dials:?}");
    let view = d.campaign(C).unwrap();
    assert_eq!(
        view.contact_end(ContactId(1)),
        Some((ContactEnd::Exhausted, "manual_call"))
    );
    assert!(events.iter().any(|e| matches!(
        e,
        OutboundEvent::ContactClosed { contact, .. } if *contact == ContactId(1)
    )));
    // Dialled once: a second manual dial of the same contact is refused.
    assert_eq!(
        dial(&mut d, 601 * MIN, 1),
        Err(InputError::NotManual(ContactId(1)))
    );
}

#[test]
fn a_manual_call_outside_the_callees_hours_is_refused_with_the_rule() {
    let mut d = dialer();
    // 20:00 UTC on Monday = 22:00 in Barcelona: outside the window.
    let late = 420 * MIN;
    load(&mut d, late, manual(1, "931234567"));
    drain(&mut d);
    dial(&mut d, late, 1).unwrap();
    let (dials, events) = drain(&mut d);
    assert!(dials.is_empty());
    let rule = events.iter().find_map(|e| match e {
        OutboundEvent::GateDecided {
            allowed: false,
            rule,
            ..
        } => Some(*rule),
        _ => None,
    });
    assert_eq!(rule, Some(GateRule::OutsideCallingWindow));
    assert_eq!(
        d.campaign(C).unwrap().contact_end(ContactId(1)),
        Some((ContactEnd::Exhausted, "manual_refused"))
    );
    // Tuesday morning: still closed, never dialled by the dialer.
    d.handle_timeout(Instant::from_millis(20 * 60 * MIN));
    assert!(drain(&mut d).0.is_empty());
}

#[test]
fn an_agent_who_is_not_free_cannot_dial_and_nothing_changes() {
    let mut d = dialer();
    load(&mut d, 1_000, manual(1, "931234567"));
    load(&mut d, 1_000, manual(2, "931234568"));
    dial(&mut d, 2_000, 1).unwrap();
    drain(&mut d);
    // Agent 0 is reserved for the first call.
    assert_eq!(
        dial(&mut d, 3_000, 2),
        Err(InputError::AgentNotFree(AgentId(0)))
    );
    assert!(!d.campaign(C).unwrap().agent_is_free(AgentId(0)));
    assert_eq!(d.campaign(C).unwrap().contact_end(ContactId(2)), None);
}
