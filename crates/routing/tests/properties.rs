//! Random sequences of inputs: after every input the invariants hold, and
//! once everyone is let go, every interaction has ended exactly once.

mod common;

use common::{Harness, p, simple_queue};
use model::event::EventKind;
use model::{AgentId, Channel, Duration, InteractionId, QueueId, ReasonCode, SkillId};
use proptest::prelude::*;
use routing::{Action, Input, SkillReq, Step, Strategy as Pick, Target, TransferTarget};

#[derive(Debug, Clone)]
enum Op {
    Create {
        channel: u8,
        queue: u8,
        priority: i8,
    },
    Accept(u8),
    Reject(u8),
    Complete(u8),
    Abandon(u8),
    Advance(u32),
    NotReady(u8),
    Ready(u8),
    SignOut(u8),
    SignIn(u8),
    Transfer(u8, u8, bool),
    Callback(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..3, 0u8..3, -2i8..3).prop_map(|(channel, queue, priority)| Op::Create { channel, queue, priority }),
        4 => any::<u8>().prop_map(Op::Accept),
        1 => any::<u8>().prop_map(Op::Reject),
        3 => any::<u8>().prop_map(Op::Complete),
        1 => any::<u8>().prop_map(Op::Abandon),
        3 => (0u32..90_000).prop_map(Op::Advance),
        1 => any::<u8>().prop_map(Op::NotReady),
        2 => any::<u8>().prop_map(Op::Ready),
        1 => any::<u8>().prop_map(Op::SignOut),
        1 => any::<u8>().prop_map(Op::SignIn),
        1 => (any::<u8>(), any::<u8>(), any::<bool>()).prop_map(|(i, t, c)| Op::Transfer(i, t, c)),
        1 => any::<u8>().prop_map(Op::Callback),
    ]
}

const AGENTS: u32 = 5;

fn setup(strategy_pick: u8) -> Harness {
    let mut h = Harness::new();
    let strategies = [
        Pick::LongestIdle,
        Pick::MostSkilled,
        Pick::LeastOccupied,
        Pick::Random,
        Pick::RoundRobin,
        Pick::FewestContacts,
    ];
    let mut q0 = simple_queue(0, 0);
    q0.strategy = strategies[usize::from(strategy_pick) % strategies.len()];
    q0.steps = vec![
        Step {
            until: Some(Duration::from_secs(20)),
            target: Target {
                skills: vec![SkillReq {
                    skill: SkillId(0),
                    min: p(7),
                }],
                team: None,
            },
        },
        Step {
            until: None,
            target: Target {
                skills: vec![SkillReq {
                    skill: SkillId(0),
                    min: p(1),
                }],
                team: None,
            },
        },
    ];
    q0.wrap_up = Duration::from_secs(5);
    let mut q1 = simple_queue(1, 1);
    q1.max_wait = Some((Duration::from_secs(60), Action::Overflow(QueueId(2))));
    q1.aging_per_min = 2;
    let mut q2 = simple_queue(2, 2);
    q2.steps[0].until = Some(Duration::from_secs(120));
    q2.after_steps = Some(Action::Voicemail);
    q2.max_length = Some((6, Action::Refuse));
    for q in [q0, q1, q2] {
        h.queue(q);
    }
    for i in 0..AGENTS {
        let skills: Vec<(u16, u8)> = (0..3u16)
            .filter(|s| (i + u32::from(*s)) % 3 != 0)
            .map(|s| (s, 1 + ((i * 3 + u32::from(s)) % 10) as u8))
            .collect();
        h.agent(i, &skills);
    }
    h
}

fn pick<T: Copy>(v: &[T], n: u8) -> Option<T> {
    (!v.is_empty()).then(|| v[usize::from(n) % v.len()])
}

/// Interactions by what they are doing now, from the events.
fn live(
    h: &Harness,
) -> (
    Vec<(InteractionId, AgentId)>,
    Vec<InteractionId>,
    Vec<InteractionId>,
) {
    use std::collections::BTreeMap;
    let mut state: BTreeMap<u64, (u8, Option<AgentId>)> = BTreeMap::new();
    for e in &h.events {
        match &e.kind {
            EventKind::InteractionCreated { interaction, .. }
            | EventKind::InteractionQueued { interaction, .. } => {
                state.insert(interaction.0, (0, None));
            }
            EventKind::Offered {
                interaction, agent, ..
            } => {
                state.insert(interaction.0, (1, Some(*agent)));
            }
            EventKind::Accepted { interaction, agent } => {
                state.insert(interaction.0, (2, Some(*agent)));
            }
            EventKind::Rejected { interaction, .. }
            | EventKind::OfferTimedOut { interaction, .. }
            | EventKind::OfferRevoked { interaction, .. } => {
                state.insert(interaction.0, (0, None));
            }
            EventKind::Transferred {
                interaction,
                consult,
                from_agent,
                ..
            } => {
                state.insert(
                    interaction.0,
                    if *consult {
                        (3, Some(*from_agent))
                    } else {
                        (0, None)
                    },
                );
            }
            EventKind::Ended { interaction, .. } => {
                state.remove(&interaction.0);
            }
            _ => {}
        }
    }
    let offered = state
        .iter()
        .filter(|(_, s)| s.0 == 1)
        .map(|(i, s)| (InteractionId(*i), s.1.unwrap()))
        .collect();
    let connected = state
        .iter()
        .filter(|(_, s)| s.0 == 2 || s.0 == 3)
        .map(|(i, _)| InteractionId(*i))
        .collect();
    let waiting = state
        .iter()
        .filter(|(_, s)| s.0 == 0)
        .map(|(i, _)| InteractionId(*i))
        .collect();
    (offered, connected, waiting)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource("regressions"))), ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_and_everything_ends_exactly_once(strategy in any::<u8>(), ops in proptest::collection::vec(op(), 1..120)) {
        let mut h = setup(strategy);
        let mut next_id = 1u64;
        let channels = [Channel::Voice, Channel::Chat, Channel::Email];
        for op in ops {
            let (offered, connected, waiting) = live(&h);
            // Inputs may be refused (e.g. a stale agent choice); a refused
            // input must change nothing, which the invariants then confirm.
            let _ = match op {
                Op::Create { channel, queue, priority } => {
                    let mut n = routing::NewInteraction::new(InteractionId(next_id), channels[usize::from(channel)], QueueId(u32::from(queue)));
                    n.priority = i32::from(priority);
                    next_id += 1;
                    h.try_input(Input::Create(Box::new(n)))
                }
                Op::Accept(n) => match pick(&offered, n) { Some((i, a)) => h.try_input(Input::Accept(i, a)), None => Ok(()) },
                Op::Reject(n) => match pick(&offered, n) { Some((i, a)) => h.try_input(Input::Reject(i, a)), None => Ok(()) },
                Op::Complete(n) => match pick(&connected, n) { Some(i) => h.try_input(Input::Complete(i)), None => Ok(()) },
                Op::Abandon(n) => match pick(&waiting, n) { Some(i) => h.try_input(Input::Abandon(i)), None => Ok(()) },
                Op::Advance(ms) => { h.advance(u64::from(ms)); Ok(()) }
                Op::NotReady(n) => h.try_input(Input::NotReady(AgentId(u32::from(n) % AGENTS), ReasonCode::parse("break").unwrap())),
                Op::Ready(n) => h.try_input(Input::Ready(AgentId(u32::from(n) % AGENTS))),
                Op::SignOut(n) => h.try_input(Input::SignOut(AgentId(u32::from(n) % AGENTS))),
                Op::SignIn(n) => h.try_input(Input::SignIn(AgentId(u32::from(n) % AGENTS), None)),
                Op::Transfer(n, t, consult) => match pick(&connected, n) {
                    Some(i) => {
                        let to = if t % 2 == 0 { TransferTarget::Queue(QueueId(u32::from(t / 2) % 3)) } else { TransferTarget::Agent(AgentId(u32::from(t) % AGENTS)) };
                        h.try_input(Input::Transfer { interaction: i, to, consult })
                    }
                    None => Ok(()),
                },
                Op::Callback(n) => match pick(&waiting, n) {
                    Some(i) => { next_id += 1; h.try_input(Input::Callback { interaction: i, callback: InteractionId(next_id - 1) }) }
                    None => Ok(()),
                },
            };
        }
        // Let everyone go: agents ready, accept and complete all, abandon the rest.
        for a in 0..AGENTS {
            let _ = h.try_input(Input::SignIn(AgentId(a), None));
        }
        for _ in 0..10_000 {
            let (offered, connected, waiting) = live(&h);
            if offered.is_empty() && connected.is_empty() && waiting.is_empty() {
                break;
            }
            if let Some(&(i, a)) = offered.first() {
                h.try_input(Input::Accept(i, a)).unwrap();
            } else if let Some(&i) = connected.first() {
                h.try_input(Input::Complete(i)).unwrap();
            } else if let Some(&i) = waiting.first() {
                h.try_input(Input::Abandon(i)).unwrap();
            }
        }
        let created: Vec<u64> = h.events.iter().filter_map(|e| match e.kind { EventKind::InteractionCreated { interaction, .. } => Some(interaction.0), _ => None }).collect();
        for id in &created {
            prop_assert!(h.outcome(*id).is_some(), "interaction {} never ended", id);
        }
        prop_assert_eq!(h.e.stats().interactions, 0);
    }
}
