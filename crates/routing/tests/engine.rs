//! Engine scenarios with explicit time: each test is a short story a
//! supervisor would recognise, checked against the events and invariants.

mod common;

use common::{Harness, p, simple_queue};
use model::event::{AgentState, EventKind, FinalOutcome};
use model::{AgentId, Channel, Duration, InteractionId, QueueId, ReasonCode, SkillId};
use routing::{Action, Input, NewInteraction, SkillReq, Step, Strategy, Target, TransferTarget};

#[test]
fn a_waiting_call_goes_to_the_ready_agent_and_wrap_up_follows() {
    let mut h = Harness::new();
    let mut q = simple_queue(0, 0);
    q.wrap_up = Duration::from_secs(10);
    h.queue(q);
    let a = h.agent(0, &[(0, 5)]);
    h.create(1, Channel::Voice, 0, 0);
    assert_eq!(h.offered_to(1), Some(a));
    h.accept(1);
    h.advance(60_000);
    h.complete(1);
    assert_eq!(h.outcome(1), Some(FinalOutcome::Handled));
    assert_eq!(h.e.agent_state(a), Some(AgentState::WrapUp));
    h.advance(10_000);
    assert_eq!(h.e.agent_state(a), Some(AgentState::Available));
}

#[test]
fn the_agent_idle_longest_gets_the_next_call() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    h.agent(0, &[(0, 5)]);
    h.advance(1_000);
    let second = h.agent(1, &[(0, 5)]);
    h.advance(1_000);
    h.create(1, Channel::Voice, 0, 0);
    assert_eq!(h.offered_to(1), Some(AgentId(0)));
    h.create(2, Channel::Voice, 0, 0);
    assert_eq!(h.offered_to(2), Some(second));
}

#[test]
fn higher_priority_is_served_first_then_earlier_arrival() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    h.create(1, Channel::Voice, 0, 0);
    h.advance(1_000);
    h.create(2, Channel::Voice, 0, 5);
    h.advance(1_000);
    h.create(3, Channel::Voice, 0, 0);
    h.agent(0, &[(0, 5)]);
    assert_eq!(h.offered_to(2), Some(AgentId(0)), "priority 5 first");
    h.accept(2);
    h.complete(2);
    assert_eq!(
        h.offered_to(1),
        Some(AgentId(0)),
        "then the earliest of the rest"
    );
}

#[test]
fn priority_grows_with_waiting_time_when_the_queue_ages_it() {
    let mut h = Harness::new();
    let mut q = simple_queue(0, 0);
    q.aging_per_min = 1;
    h.queue(q);
    let mut other = simple_queue(1, 0);
    other.priority = 2;
    h.queue(other);
    h.create(1, Channel::Voice, 0, 0); // ages 1 point a minute
    h.advance(3 * 60_000);
    h.create(2, Channel::Voice, 1, 0); // priority 2 but no aging
    h.agent(0, &[(0, 5)]);
    assert_eq!(
        h.offered_to(1),
        Some(AgentId(0)),
        "3 points of age beat 2 points of queue priority"
    );
}

#[test]
fn timed_steps_widen_who_may_answer() {
    let mut h = Harness::new();
    let billing = SkillId(0);
    let mut q = simple_queue(0, 0);
    q.steps = vec![
        Step {
            until: Some(Duration::from_secs(30)),
            target: Target {
                skills: vec![SkillReq {
                    skill: billing,
                    min: p(7),
                }],
                team: None,
            },
        },
        Step {
            until: Some(Duration::from_secs(90)),
            target: Target {
                skills: vec![SkillReq {
                    skill: billing,
                    min: p(3),
                }],
                team: None,
            },
        },
        Step {
            until: None,
            target: Target {
                skills: vec![],
                team: Some(model::TeamId(1)),
            },
        },
    ];
    h.queue(q);
    let junior = h.agent(0, &[(0, 4)]);
    h.create(1, Channel::Voice, 0, 0);
    assert_eq!(
        h.offered_to(1),
        None,
        "a level-4 agent is held back in the first 30 s"
    );
    h.advance(29_999);
    assert_eq!(h.offered_to(1), None);
    h.advance(1);
    assert_eq!(
        h.offered_to(1),
        Some(junior),
        "at 30 s billing ≥ 3 is enough"
    );
    let reached: Vec<_> = h
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::StepReached { step: 1, .. }))
        .collect();
    assert_eq!(reached.len(), 1);
    match &h
        .events
        .iter()
        .rev()
        .find(|e| matches!(e.kind, EventKind::Offered { .. }))
        .unwrap()
        .kind
    {
        EventKind::Offered { reason, .. } => {
            assert_eq!(reason.step, Some(1));
            assert_eq!(reason.by, "longest_idle");
        }
        _ => unreachable!(),
    }
}

#[test]
fn an_unanswered_offer_times_out_the_agent_goes_missed_and_the_call_keeps_its_place() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    let a = h.agent(0, &[(0, 5)]);
    h.create(1, Channel::Voice, 0, 0);
    h.create(2, Channel::Voice, 0, 0);
    assert_eq!(h.offered_to(1), Some(a));
    h.advance(20_000);
    assert!(
        h.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::OfferTimedOut { .. }))
    );
    assert_eq!(
        h.e.agent_state(a),
        Some(AgentState::NotReady(ReasonCode::missed()))
    );
    let b = h.agent(1, &[(0, 5)]);
    assert_eq!(
        h.offered_to(1),
        Some(b),
        "interaction 1 is still first in line"
    );
    assert_eq!(h.offered_to(2), None);
}

#[test]
fn a_rejected_offer_goes_to_someone_else_and_not_back_to_the_same_agent() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    let a = h.agent(0, &[(0, 5)]);
    h.create(1, Channel::Voice, 0, 0);
    h.input(Input::Reject(InteractionId(1), a));
    assert_eq!(
        h.offers_of(1),
        vec![a],
        "not offered again to the agent who declined"
    );
    assert_eq!(h.e.agent_state(a), Some(AgentState::Available));
    let b = h.agent(1, &[(0, 5)]);
    assert_eq!(h.offered_to(1), Some(b));
}

#[test]
fn max_wait_overflows_to_the_backup_queue_and_keeps_the_arrival_order() {
    let mut h = Harness::new();
    let mut main = simple_queue(0, 0);
    main.max_wait = Some((Duration::from_secs(60), Action::Overflow(QueueId(1))));
    h.queue(main);
    h.queue(simple_queue(1, 1));
    h.create(1, Channel::Voice, 0, 0);
    h.advance(10_000);
    h.create(2, Channel::Voice, 1, 0);
    h.advance(50_000);
    assert!(h.events.iter().any(|e| matches!(
        e.kind,
        EventKind::Overflowed {
            from: QueueId(0),
            to: QueueId(1),
            ..
        }
    )));
    h.agent(0, &[(1, 5)]);
    assert_eq!(
        h.offered_to(1),
        Some(AgentId(0)),
        "the overflowed call arrived first"
    );
}

#[test]
fn a_full_queue_refuses_and_closed_hours_send_to_voicemail() {
    let mut h = Harness::new();
    let mut q = simple_queue(0, 0);
    q.max_length = Some((1, Action::Refuse));
    h.queue(q);
    let mut closed = simple_queue(1, 0);
    let mut hours = routing::BusinessHours::always();
    hours.weekly = Default::default();
    closed.hours = Some((hours, Action::Voicemail));
    h.queue(closed);
    h.create(1, Channel::Voice, 0, 0);
    h.create(2, Channel::Voice, 0, 0);
    assert_eq!(h.outcome(2), Some(FinalOutcome::Refused));
    assert_eq!(h.outcome(1), None);
    h.create(3, Channel::Voice, 1, 0);
    assert_eq!(h.outcome(3), Some(FinalOutcome::Voicemail));
}

#[test]
fn after_the_last_step_the_queue_offers_a_callback_once_and_the_callback_keeps_its_place() {
    let mut h = Harness::new();
    let mut q = simple_queue(0, 0);
    q.steps[0].until = Some(Duration::from_secs(120));
    q.after_steps = Some(Action::OfferCallback);
    h.queue(q);
    h.create(1, Channel::Voice, 0, 0);
    h.advance(1_000);
    h.create(2, Channel::Voice, 0, 0);
    h.advance(119_500);
    assert_eq!(h.callbacks_offered, vec![InteractionId(1)]);
    h.advance(1_000);
    assert_eq!(
        h.callbacks_offered,
        vec![InteractionId(1), InteractionId(2)]
    );
    h.advance(600_000);
    assert_eq!(h.callbacks_offered.len(), 2, "asked once each");
    h.input(Input::Callback {
        interaction: InteractionId(1),
        callback: InteractionId(100),
    });
    assert_eq!(h.outcome(1), Some(FinalOutcome::CallbackOffered));
    h.agent(0, &[(0, 5)]);
    assert_eq!(
        h.offered_to(100),
        Some(AgentId(0)),
        "the callback is still ahead of call 2"
    );
}

#[test]
fn steps_can_end_in_voicemail() {
    let mut h = Harness::new();
    let mut q = simple_queue(0, 0);
    q.steps[0].until = Some(Duration::from_secs(30));
    q.after_steps = Some(Action::Voicemail);
    h.queue(q);
    h.create(1, Channel::Voice, 0, 0);
    h.advance(30_000);
    assert_eq!(h.outcome(1), Some(FinalOutcome::Voicemail));
}

#[test]
fn chat_agents_take_three_chats_but_a_call_excludes_other_work() {
    let mut h = Harness::new();
    let mut q = simple_queue(0, 0);
    q.ring_timeout = Duration::from_secs(3600);
    h.queue(q);
    let a = h.agent(0, &[(0, 5)]);
    for id in 1..=4 {
        h.create(id, Channel::Chat, 0, 0);
        if h.offered_to(id).is_some() {
            h.accept(id);
        }
    }
    assert_eq!(h.offers_of(4), vec![], "the fourth chat waits");
    h.create(5, Channel::Voice, 0, 0);
    assert_eq!(h.offered_to(5), None, "no call while chatting");
    for id in 1..=3 {
        h.complete(id);
    }
    assert_eq!(
        h.offered_to(4),
        Some(a),
        "chat 4 arrived before the call, so it goes first"
    );
    h.accept(4);
    assert_eq!(h.offered_to(5), None, "still no call while a chat is open");
    h.complete(4);
    assert_eq!(h.offered_to(5), Some(a));
}

#[test]
fn a_blind_transfer_frees_the_agent_and_a_consult_keeps_them_until_accepted() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    h.queue(simple_queue(1, 1));
    let a = h.agent(0, &[(0, 5)]);
    h.create(1, Channel::Voice, 0, 0);
    h.accept(1);
    h.input(Input::Transfer {
        interaction: InteractionId(1),
        to: TransferTarget::Queue(QueueId(1)),
        consult: false,
    });
    assert_eq!(h.e.agent_state(a), Some(AgentState::Available));
    let b = h.agent(1, &[(1, 5)]);
    assert_eq!(h.offered_to(1), Some(b));
    h.accept(1);
    // Consult to agent 0: b keeps the customer until a accepts.
    h.input(Input::Transfer {
        interaction: InteractionId(1),
        to: TransferTarget::Agent(a),
        consult: true,
    });
    assert_eq!(h.offered_to(1), Some(a));
    assert_eq!(h.e.agent_state(b), Some(AgentState::Busy));
    h.accept(1);
    assert_eq!(h.e.agent_state(b), Some(AgentState::Available));
    h.complete(1);
    assert_eq!(h.outcome(1), Some(FinalOutcome::Handled));
}

#[test]
fn a_preferred_agent_gets_the_first_minute_then_anyone_may_answer() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    let busy_favourite = h.agent(0, &[(0, 5)]);
    h.create(1, Channel::Voice, 0, 0);
    h.accept(1);
    let other = h.agent(1, &[(0, 5)]);
    let mut n = NewInteraction::new(InteractionId(2), Channel::Voice, QueueId(0));
    n.preferred_agent = Some((busy_favourite, Duration::from_secs(60)));
    h.input(Input::Create(Box::new(n)));
    assert_eq!(h.offered_to(2), None, "waits for the favourite");
    h.advance(60_000);
    assert_eq!(h.offered_to(2), Some(other));
}

#[test]
fn a_supervisor_can_force_assign_and_agents_going_not_ready_lose_their_offer() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    h.queue(simple_queue(1, 1));
    let a = h.agent(0, &[(1, 5)]);
    h.create(1, Channel::Voice, 0, 0);
    assert_eq!(h.offered_to(1), None);
    h.input(Input::ForceAssign(InteractionId(1), a));
    assert_eq!(h.offered_to(1), Some(a));
    h.input(Input::NotReady(a, ReasonCode::parse("break").unwrap()));
    assert!(
        h.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::OfferRevoked { .. }))
    );
    assert_eq!(
        h.e.agent_state(a),
        Some(AgentState::NotReady(ReasonCode::parse("break").unwrap()))
    );
    assert_eq!(h.e.waiting_in(QueueId(0)), 1);
}

#[test]
fn position_and_estimated_wait_follow_the_line() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    for id in 1..=3 {
        h.create(id, Channel::Voice, 0, 0);
    }
    let pos = h.e.position(InteractionId(3)).unwrap();
    assert_eq!((pos.position, pos.waiting), (3, 3));
    assert!(pos.estimated_wait > Duration::ZERO);
    assert_eq!(h.e.position(InteractionId(1)).unwrap().position, 1);
}

#[test]
fn strategies_pick_as_named() {
    for (strategy, expect) in [
        (Strategy::MostSkilled, 1),
        (Strategy::LongestIdle, 0),
        (Strategy::FewestContacts, 1),
    ] {
        let mut h = Harness::new();
        let mut q = simple_queue(0, 0);
        q.strategy = strategy;
        h.queue(q);
        h.agent(0, &[(0, 3)]);
        h.create(9, Channel::Voice, 0, 0);
        h.accept(9);
        h.complete(9);
        h.agent(1, &[(0, 9)]);
        h.create(1, Channel::Voice, 0, 0);
        assert_eq!(h.offered_to(1), Some(AgentId(expect)), "{strategy:?}");
    }
}

#[test]
fn bad_inputs_are_refused_and_change_nothing() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    assert!(
        h.try_input(Input::Accept(InteractionId(9), AgentId(0)))
            .is_err()
    );
    assert!(h.try_input(Input::SignIn(AgentId(3), None)).is_err());
    h.create(1, Channel::Voice, 0, 0);
    let dup = NewInteraction::new(InteractionId(1), Channel::Voice, QueueId(0));
    assert!(h.try_input(Input::Create(Box::new(dup))).is_err());
    assert!(
        h.try_input(Input::Complete(InteractionId(1))).is_err(),
        "not connected"
    );
    let bad_queue = NewInteraction::new(InteractionId(2), Channel::Voice, QueueId(7));
    assert!(h.try_input(Input::Create(Box::new(bad_queue))).is_err());
    assert_eq!(h.e.waiting_in(QueueId(0)), 1);
}

#[test]
fn abandoning_while_ringing_revokes_the_offer_then_ends_once() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    let a = h.agent(0, &[(0, 5)]);
    h.create(1, Channel::Voice, 0, 0);
    h.input(Input::Abandon(InteractionId(1)));
    assert_eq!(h.outcome(1), Some(FinalOutcome::Abandoned));
    assert_eq!(h.e.agent_state(a), Some(AgentState::Available));
    assert!(
        h.try_input(Input::Abandon(InteractionId(1))).is_err(),
        "ended interactions are gone"
    );
}

#[test]
fn an_auto_answer_agent_is_connected_as_the_offer_is_made_and_nothing_rings_out() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    let mut cfg = routing::AgentConfig::new(AgentId(0), vec![(SkillId(0), p(5))]);
    cfg.auto_answer = true;
    h.input(Input::UpsertAgent(cfg));
    h.input(Input::SignIn(AgentId(0), None));
    let b = h.agent(1, &[(0, 5)]);
    // The simulator's way in: `Engine::create`, no box, same facts.
    let n = NewInteraction::new(InteractionId(1), Channel::Voice, QueueId(0));
    h.e.create(h.now, n).expect("created");
    h.drain();
    let a = AgentId(0);
    assert_eq!(h.offered_to(1), Some(a), "agent 0 has been idle longest");
    let kinds: Vec<&EventKind> = h.events.iter().map(|e| &e.kind).collect();
    let offered = kinds
        .iter()
        .position(|k| matches!(k, EventKind::Offered { .. }))
        .expect("offered");
    assert!(
        matches!(kinds[offered + 1], EventKind::Accepted { interaction, agent } if interaction.0 == 1 && *agent == a),
        "Accepted follows Offered at once: {kinds:?}"
    );
    // Never published as reserved: straight from available to busy.
    assert!(!h.events.iter().any(|e| matches!(
        &e.kind,
        EventKind::AgentStateChanged { agent, state: AgentState::Reserved } if *agent == a
    )));
    assert_eq!(h.e.agent_state(a), Some(AgentState::Busy));
    assert_eq!(h.e.connected_agent(InteractionId(1)), Some(a));
    // Accepting again is refused (it is no longer an offer), and no ring
    // timeout fires later: the agent stays busy, not "missed".
    assert!(h.try_input(Input::Accept(InteractionId(1), a)).is_err());
    h.advance(120_000);
    assert!(
        !h.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::OfferTimedOut { .. }))
    );
    assert_eq!(h.e.agent_state(a), Some(AgentState::Busy));
    // A consult transfer to the agent on a manual phone rings there; back
    // to the auto-answer agent, it connects at once and frees the holder.
    h.input(Input::Transfer {
        interaction: InteractionId(1),
        to: TransferTarget::Agent(b),
        consult: true,
    });
    assert_eq!(h.e.agent_state(b), Some(AgentState::Reserved));
    h.accept(1);
    assert_eq!(h.e.agent_state(a), Some(AgentState::Available));
    h.input(Input::Transfer {
        interaction: InteractionId(1),
        to: TransferTarget::Agent(a),
        consult: true,
    });
    assert_eq!(h.e.agent_state(a), Some(AgentState::Busy));
    assert_eq!(h.e.agent_state(b), Some(AgentState::Available));
    h.complete(1);
    assert_eq!(h.outcome(1), Some(FinalOutcome::Handled));
}

#[test]
fn a_changed_not_ready_reason_is_published_and_a_repeated_one_is_not() {
    let mut h = Harness::new();
    h.queue(simple_queue(0, 0));
    let a = h.agent(0, &[(0, 5)]);
    let code = |s: &str| ReasonCode::parse(s).unwrap();
    let states = |h: &Harness| -> Vec<AgentState> {
        h.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::AgentStateChanged { agent, state } if *agent == a => Some(*state),
                _ => None,
            })
            .collect()
    };
    let before = states(&h).len();
    h.input(Input::NotReady(a, code("break")));
    h.input(Input::NotReady(a, code("break")));
    h.input(Input::NotReady(a, code("lunch")));
    h.input(Input::Ready(a));
    assert_eq!(
        states(&h)[before..],
        [
            AgentState::NotReady(code("break")),
            AgentState::NotReady(code("lunch")),
            AgentState::Available,
        ]
    );
    // Busy, the agent asks for a break and changes their mind: only what
    // shows is published, and the break once the call ends.
    h.create(1, Channel::Voice, 0, 0);
    h.accept(1);
    let before = states(&h).len();
    h.input(Input::NotReady(a, code("training")));
    h.input(Input::NotReady(a, code("break")));
    h.complete(1);
    assert_eq!(states(&h)[before..], [AgentState::NotReady(code("break"))]);
    assert_eq!(
        h.e.agent_state(a),
        Some(AgentState::NotReady(code("break")))
    );
}
