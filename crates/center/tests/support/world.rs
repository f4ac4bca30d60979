//! The simulated world around one tenant core: a seeded RNG plays the
//! customers, the agents' desktops, the supervisors and the telephone line;
//! the world keeps the log (every fact the core emitted) and checks the
//! invariants as it goes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use center::cases::CaseCommand;
use center::command::{CallAction, NewInteractionReq, TransferTo};
use center::index::InteractionState;
use center::outbound::{CampaignCommand, CampaignDoc, ContactReq, LineOrder};
use center::{Command, Output, Reply, TenantCore, TenantError};
use model::event::EventKind;
use model::fact::Fact;
use model::outbound::{DialOutcome, OutboundEvent};
use model::{Attributes, Channel, Instant, ReasonCode};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// 2026-03-02 10:00 UTC, a Monday.
const START_MS: u64 = 1_772_445_600_000;
const AGENTS: i64 = 8;
const CAP: f64 = 0.03;

const PLAN: &str = r#"
[[queue]]
name = "support"
wrap_up_s = 5
[[queue]]
name = "sales"
wrap_up_s = 0
[[queue]]
name = "outbound"
wrap_up_s = 3
"#;

/// A case type with timers in minutes, so that runs of a few minutes fire
/// them: an SLA that orders a task and a letter, a timer that starts the
/// contact and orders an e-mail.
const CASE_TYPE: &str = r#"
flags = ["vip"]
[collections]
grace_days = 0
campaign = "a"
[[states]]
name = "open"
initial = true
sla = "2m"
[[states]]
name = "working"
[[states]]
name = "promised"
[[states]]
name = "paid"
final = true
[[transitions]]
from = ["open", "promised"]
to = "working"
roles = ["agent", "supervisor", "system"]
[[transitions]]
from = ["open", "working"]
to = "promised"
roles = ["agent", "system"]
[[transitions]]
from = ["*"]
to = "paid"
roles = ["system"]
guard = "balance <= 0"
[[triggers]]
name = "late"
on = "sla_passed"
state = "open"
do = [{ action = "task", title = "late case", skill = "support", priority = 3, due_in = "1h" }, { action = "letter", template = "late" }]
[[triggers]]
name = "promised"
on = "promise_made"
do = [{ action = "transition", to = "promised" }]
[[triggers]]
name = "paid"
on = "payment"
when = "balance <= 0"
do = [{ action = "transition", to = "paid" }, { action = "stop_contact" }]
[[triggers]]
name = "nudge"
on = "timer"
timer = "nudge"
do = [{ action = "start_contact" }, { action = "email", template = "nudge" }]
[[timers]]
name = "nudge"
after = "1m"
from = "state_entered"
state = "working"
"#;

/// What a run did, to check that the seeds exercise something.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub created: u64,
    pub accepted: u64,
    pub restarts: u64,
    pub dials: u64,
    pub connected_outbound: u64,
    pub transfers: u64,
    pub callbacks: u64,
    pub promised: u64,
    pub manual_placed: u64,
    pub cases: u64,
    pub case_inputs: u64,
    pub case_timer_facts: u64,
    pub case_tasks: u64,
    pub case_letters: u64,
}

impl Stats {
    pub fn add(&mut self, o: &Stats) {
        self.created += o.created;
        self.accepted += o.accepted;
        self.restarts += o.restarts;
        self.dials += o.dials;
        self.connected_outbound += o.connected_outbound;
        self.transfers += o.transfers;
        self.callbacks += o.callbacks;
        self.promised += o.promised;
        self.manual_placed += o.manual_placed;
        self.cases += o.cases;
        self.case_inputs += o.case_inputs;
        self.case_timer_facts += o.case_timer_facts;
        self.case_tasks += o.case_tasks;
        self.case_letters += o.case_letters;
    }
}

pub struct World {
    rng: Pcg64Mcg,
    seed: u64,
    core: TenantCore,
    now_ms: u64,
    /// Every fact so far, with its instant: the log.
    log: Vec<(i64, Fact)>,
    line_attached: bool,
    /// Placed calls and when the line reports them.
    dialing: BTreeMap<u64, u64>,
    /// Answered calls offered to an agent, with the agent.
    answering: BTreeMap<u64, i64>,
    /// Connected outbound calls.
    connected: BTreeSet<u64>,
    /// How many times each interaction ended.
    ended: HashMap<i64, u32>,
    /// Contacts with a call in progress.
    live_contacts: BTreeSet<(u32, u64)>,
    /// Agents the dialer reserved for a call under way: agent → attempt.
    reserved: HashMap<u32, u64>,
    /// Live answers and abandons per campaign (the run stays in one day).
    abandons: HashMap<u32, (u32, u32)>,
    stats: Stats,
}

fn case(cmd: CaseCommand) -> Command {
    Command::Case(Box::new(cmd))
}

fn settings(mode: &str, team: &str) -> CampaignDoc {
    serde_json::from_value(serde_json::json!({
        "mode": mode,
        "queue": "outbound",
        "team": team,
        "caller_id": "+420200000000",
        "time_zone": "Europe/Prague",
        "windows": {"CZ": "00:00-24:00"},
        "ring_timeout_s": 20,
        "max_abandon_rate": CAP,
    }))
    .expect("campaign settings")
}

impl World {
    pub fn new(seed: u64) -> World {
        let mut w = World {
            rng: Pcg64Mcg::seed_from_u64(seed),
            seed,
            core: TenantCore::new(seed),
            now_ms: START_MS,
            log: Vec::new(),
            line_attached: false,
            dialing: BTreeMap::new(),
            answering: BTreeMap::new(),
            connected: BTreeSet::new(),
            ended: HashMap::new(),
            live_contacts: BTreeSet::new(),
            reserved: HashMap::new(),
            abandons: HashMap::new(),
            stats: Stats::default(),
        };
        w.setup();
        w
    }

    fn setup(&mut self) {
        self.ok(Command::SetPlan(PLAN.into()));
        self.ok(Command::SetSetting {
            name: "tenant".into(),
            document: r#"{"time_zone":"Europe/Prague","holidays":[{"date":"2026-04-06","name":"Easter Monday"}]}"#.into(),
        });
        for a in 0..AGENTS {
            let teams = match a {
                4 | 5 => vec!["out_a".to_string()],
                6 | 7 => vec!["out_b".to_string()],
                _ => vec![],
            };
            self.ok(Command::DefineAgent {
                id: None,
                name: format!("agent{a}"),
                // Agents 4 and 5 blend inbound and outbound; 6 and 7 only dial.
                skills: if a >= 6 {
                    vec![("outbound".into(), 5)]
                } else {
                    vec![
                        ("outbound".into(), 5),
                        ("sales".into(), 5),
                        ("support".into(), 5),
                    ]
                },
                username: None,
                teams: Some(teams),
            });
        }
        for c in 0..5 {
            self.ok(Command::CreateCustomer {
                name: format!("customer {c}"),
                phone: Some(format!("+42060100{c:04}")),
                email: Some(format!("c{c}@example.com")),
            });
        }
        for (name, mode, team) in [("a", "progressive", "out_a"), ("b", "predictive", "out_b")] {
            self.ok(Command::DefineCampaign {
                name: name.into(),
                doc: settings(mode, team),
            });
        }
        for campaign in [1, 2] {
            let contacts = (0..30)
                .map(|i| ContactReq {
                    name: Some(format!("contact {i}")),
                    customer_id: (i < 5).then_some(i64::from(i) + 1),
                    phones: vec![format!("+4206020{campaign}{i:04}")],
                })
                .collect();
            self.ok(Command::AddContacts { campaign, contacts });
        }
        self.ok(Command::AttachLine);
        self.line_attached = true;
        self.ok(case(CaseCommand::SetType {
            name: "sim".into(),
            document: CASE_TYPE.into(),
        }));
    }

    pub fn stats(&self) -> Stats {
        self.stats.clone()
    }

    fn now(&self) -> Instant {
        Instant::from_millis(self.now_ms)
    }

    /// A command that must succeed.
    fn ok(&mut self, cmd: Command) -> Reply {
        let what = format!("{cmd:?}");
        match self.cmd(cmd) {
            Ok(r) => r,
            Err(e) => panic!("{what} was refused: {e}"),
        }
    }

    /// A command that may be refused (but never for an internal reason).
    fn cmd(&mut self, cmd: Command) -> Result<Reply, TenantError> {
        let res = self.core.handle(self.now(), cmd);
        if let Err(TenantError::Internal(m)) = &res {
            panic!("internal error: {m}");
        }
        self.absorb();
        res
    }

    /// Takes the core's outputs, checking each fact.
    fn absorb(&mut self) {
        while let Some(o) = self.core.poll_output() {
            match o {
                Output::Fact { at_ms, fact } => {
                    self.check_fact(&fact);
                    self.log.push((at_ms, fact));
                }
                Output::Line(LineOrder::Dial(d)) => {
                    let ring = self.rng.random_range(1_000..25_000);
                    self.dialing.insert(d.attempt.0, self.now_ms + ring);
                }
                Output::Line(LineOrder::Hangup { attempt }) => {
                    self.connected.remove(&attempt);
                }
                Output::Call { interaction, .. } => {
                    let call = self.core.index().interaction(interaction).is_some_and(|r| {
                        matches!(r.channel, Channel::Voice | Channel::OutboundVoice)
                    });
                    assert!(
                        call,
                        "a call order for interaction {interaction}, not a call"
                    );
                }
            }
        }
    }

    fn check_fact(&mut self, fact: &Fact) {
        let (Fact::Routing { event } | Fact::Outbound { event }) = fact else {
            self.count_case(fact);
            return;
        };
        match &event.kind {
            EventKind::Ended { interaction, .. } => {
                let n = self.ended.entry(interaction.0 as i64).or_default();
                *n += 1;
                assert_eq!(*n, 1, "interaction {} ended twice", interaction.0);
            }
            EventKind::Accepted { .. } => self.stats.accepted += 1,
            EventKind::Offered {
                interaction, agent, ..
            } => {
                let outbound = self
                    .core
                    .index()
                    .interaction(interaction.0 as i64)
                    .is_some_and(|r| r.channel == Channel::OutboundVoice);
                assert!(
                    outbound || !self.reserved.contains_key(&agent.0),
                    "agent {} was offered interaction {} while the dialer held them for attempt {:?}",
                    agent.0,
                    interaction.0,
                    self.reserved.get(&agent.0)
                );
            }
            EventKind::Transferred { .. } => self.stats.transfers += 1,
            EventKind::Outbound(o) => self.check_outbound(o),
            _ => {}
        }
    }

    fn check_outbound(&mut self, o: &OutboundEvent) {
        match o {
            OutboundEvent::DialPlaced {
                attempt,
                campaign,
                contact,
                reserved_agent,
                ..
            } => {
                self.stats.dials += 1;
                if let Some(a) = reserved_agent {
                    self.reserved.insert(a.0, attempt.0);
                }
                assert!(
                    self.live_contacts.insert((campaign.0, contact.0)),
                    "contact {} of campaign {} dialled twice at once",
                    contact.0,
                    campaign.0
                );
                let (live, abandoned) = self.abandons.get(&campaign.0).copied().unwrap_or_default();
                assert!(
                    reserved_agent.is_some()
                        || live == 0
                        || f64::from(abandoned) / f64::from(live) < CAP,
                    "campaign {} placed a call for nobody at an abandon rate of {abandoned}/{live}",
                    campaign.0
                );
            }
            OutboundEvent::DialResult {
                attempt,
                campaign,
                contact,
                outcome,
                ..
            } => {
                if *outcome != DialOutcome::LiveAnswer {
                    self.reserved.retain(|_, t| *t != attempt.0);
                }
                if *outcome == DialOutcome::LiveAnswer {
                    self.abandons.entry(campaign.0).or_default().0 += 1;
                } else {
                    self.live_contacts.remove(&(campaign.0, contact.0));
                }
            }
            OutboundEvent::CallAbandoned {
                attempt,
                campaign,
                contact,
            } => {
                self.reserved.retain(|_, t| *t != attempt.0);
                self.abandons.entry(campaign.0).or_default().1 += 1;
                self.live_contacts.remove(&(campaign.0, contact.0));
            }
            OutboundEvent::CallConnected { attempt, .. } => {
                self.reserved.retain(|_, t| *t != attempt.0);
                self.stats.connected_outbound += 1
            }
            OutboundEvent::RetryScheduled {
                campaign, contact, ..
            }
            | OutboundEvent::ContactClosed {
                campaign, contact, ..
            } => {
                self.live_contacts.remove(&(campaign.0, contact.0));
            }
            _ => {}
        }
    }

    fn count_case(&mut self, fact: &Fact) {
        match fact {
            Fact::InteractionOpened { .. } => self.stats.created += 1,
            Fact::CaseInput { input, .. } => {
                self.stats.case_inputs += 1;
                self.stats.cases += u64::from(input["input"] == "create_case");
            }
            Fact::CaseFact { entry, .. } => {
                let by = &entry["cause"]["by"];
                self.stats.case_timer_facts += u64::from(by == "sla" || by == "timer");
            }
            Fact::CaseAction {
                outcome: model::case::ActionOutcome::TaskCreated { .. },
                ..
            } => self.stats.case_tasks += 1,
            Fact::CaseLetterOrdered { .. } => self.stats.case_letters += 1,
            _ => {}
        }
    }

    /// Routing's invariants and the world's own after a step.
    fn check(&mut self) {
        if let Err(e) = self.core.engine().check_invariants(self.now()) {
            panic!("routing's invariants: {e}");
        }
        let mut held = BTreeSet::new();
        for a in self.answering.values() {
            assert!(held.insert(*a), "agent {a} held for two answered calls");
        }
    }

    pub fn run(&mut self, steps: usize) {
        for _ in 0..steps {
            self.step();
            self.check();
        }
    }

    fn pick<T: Copy>(&mut self, v: &[T]) -> Option<T> {
        if v.is_empty() {
            None
        } else {
            Some(v[self.rng.random_range(0..v.len())])
        }
    }

    /// Interactions in a state, with their agent.
    fn in_state(&self, state: InteractionState) -> Vec<(i64, Option<i64>, Channel)> {
        self.core
            .index()
            .interactions
            .iter()
            .filter(|(_, r)| r.state == state)
            .map(|(id, r)| (*id, r.agent.map(|a| i64::from(a.0)), r.channel))
            .collect()
    }

    fn step(&mut self) {
        let roll = self.rng.random_range(0..100);
        match roll {
            0..12 => self.create(),
            12..24 => self.agent_state(),
            24..40 => self.answer_offer(),
            40..50 => self.complete(),
            50..55 => self.transfer(),
            55..59 => self.consult(),
            59..62 => self.disposition(),
            62..64 => self.promise_or_dial(),
            64..66 => self.callback(),
            66..68 => self.abandon(),
            68..72 => self.campaign(),
            72..85 => self.line(),
            85..94 => self.advance(),
            94..98 => self.case_step(),
            98 if self.rng.random_bool(0.5) => self.restart(),
            _ => self.advance(),
        }
    }

    fn create(&mut self) {
        let channel = *[Channel::Voice, Channel::Chat, Channel::Email]
            .get(self.rng.random_range(0..3))
            .expect("three channels");
        let queue = ["support", "sales"][self.rng.random_range(0..2)];
        let mut attributes = Attributes::default();
        if self.rng.random_bool(0.5) {
            let c = self.rng.random_range(0..8);
            attributes.caller_number = model::PhoneNumber::parse(&format!("+42060100{c:04}")).ok();
        }
        let key = self
            .rng
            .random_bool(0.2)
            .then(|| format!("key-{}", self.rng.random_range(0..20)));
        let _ = self.cmd(Command::Create(Box::new(NewInteractionReq {
            channel,
            queue: Some(queue.into()),
            priority: 0,
            attributes,
            customer: None,
            subject: None,
            idempotency_key: key,
            chat_secret_hash: None,
        })));
    }

    /// A random case command: a new case with debts, a payment, a promise,
    /// a move, flags; many are refused (unknown cases, closed ones), which
    /// must change nothing.
    fn case_step(&mut self) {
        let n = self.core.cases().engine().cases().count() as u64;
        let id = workflow::CaseId(self.rng.random_range(1..=n.max(1)));
        let agent = || workflow::Actor::new("agent", workflow::Role::Agent);
        let eur = workflow::Currency::parse("EUR").expect("a currency");
        let today = self.core.cases().engine().calendar().date(self.now());
        let cents = |w: &mut World| workflow::Amount::cents(w.rng.random_range(100..20_000));
        let input = match self.rng.random_range(0..6) {
            0 | 1 => {
                let debts = (0..self.rng.random_range(1..3))
                    .map(|_| workflow::NewDebt {
                        principal: cents(self),
                        fees: workflow::Amount::ZERO,
                        interest: workflow::Amount::ZERO,
                        currency: eur,
                        due_date: today,
                        creditor: "acme".into(),
                    })
                    .collect();
                let new = workflow::NewCase {
                    reference: format!("R-{}", self.rng.random_range(0..40)),
                    case_type: "sim".into(),
                    debtor: "debtor".into(),
                    currency: eur,
                    owner: None,
                    fields: Vec::new(),
                    debts,
                    by: workflow::Origin::User(agent()),
                };
                let customer = Some(self.rng.random_range(1..=5));
                let _ = self.cmd(case(CaseCommand::Create {
                    case: Box::new(new),
                    customer,
                    phone: None,
                }));
                return;
            }
            2 => workflow::Input::Payment {
                case: id,
                payment: workflow::NewPayment {
                    id: format!("p{}", self.rng.random_range(0..1_000)),
                    amount: cents(self),
                    currency: eur,
                    date: today,
                    reference: "bank".into(),
                },
            },
            3 => workflow::Input::Promise {
                case: id,
                amount: cents(self),
                due_date: today + chrono::Days::new(self.rng.random_range(0..2)),
                by: agent(),
            },
            4 => workflow::Input::Transition {
                case: id,
                to: "working".into(),
                by: agent(),
                note: None,
            },
            _ => workflow::Input::SetFlags {
                case: id,
                set: vec!["vip".into()],
                clear: Vec::new(),
                by: agent(),
            },
        };
        let _ = self.cmd(case(CaseCommand::Input(Box::new(input))));
    }

    fn agent_state(&mut self) {
        let a = self.rng.random_range(0..AGENTS);
        let cmd = match self.rng.random_range(0..10) {
            0..4 => Command::SignIn(a, None),
            4..7 => Command::Ready(a),
            7..9 => Command::NotReady(a, ReasonCode::parse("break").expect("a reason")),
            _ => Command::SignOut(a),
        };
        let _ = self.cmd(cmd);
    }

    fn answer_offer(&mut self) {
        let offered = self.in_state(InteractionState::Offered);
        let Some((i, Some(a), _)) = self.pick(&offered) else {
            return;
        };
        // Answered outbound calls are the line's to bridge.
        if self.answering.values().any(|x| *x == a) {
            return;
        }
        if self.rng.random_bool(0.85) {
            let _ = self.cmd(Command::Accept(i, a));
        } else {
            let _ = self.cmd(Command::Reject(i, a));
        }
    }

    fn complete(&mut self) {
        let connected = self.in_state(InteractionState::Connected);
        if let Some((i, a, _)) = self.pick(&connected) {
            let _ = self.cmd(Command::Complete(i, a));
        }
    }

    fn transfer(&mut self) {
        let connected = self.in_state(InteractionState::Connected);
        let Some((i, a, _)) = self.pick(&connected) else {
            return;
        };
        let to = if self.rng.random_bool(0.5) {
            TransferTo::Queue(["support", "sales"][self.rng.random_range(0..2)].into())
        } else {
            TransferTo::Agent(self.rng.random_range(0..AGENTS))
        };
        let consult = self.rng.random_bool(0.3);
        let _ = self.cmd(Command::Transfer {
            interaction: i,
            by: a,
            to,
            consult,
        });
    }

    fn consult(&mut self) {
        let connected: Vec<_> = self
            .in_state(InteractionState::Connected)
            .into_iter()
            .chain(self.in_state(InteractionState::Offered))
            .filter(|(_, _, c)| *c == Channel::Voice)
            .collect();
        let Some((i, _, _)) = self.pick(&connected) else {
            return;
        };
        let action = match self.rng.random_range(0..3) {
            0 => CallAction::Consult(self.rng.random_range(0..AGENTS)),
            1 => CallAction::ConsultComplete,
            _ => CallAction::ConsultCancel,
        };
        let _ = self.cmd(Command::CallControl {
            interaction: i,
            by_agent: None,
            by: "supervisor".into(),
            action,
        });
    }

    fn disposition(&mut self) {
        let ended = self.in_state(InteractionState::Ended);
        let Some((i, a, c)) = self.pick(&ended) else {
            return;
        };
        let code = if c == Channel::OutboundVoice {
            ["sale", "refusal", "callback", "wrong_number", "do_not_call"]
                [self.rng.random_range(0..5)]
        } else {
            "resolved"
        };
        let _ = self.cmd(Command::Disposition {
            interaction: i,
            code: code.into(),
            by_agent: a,
            by: "agent".into(),
            new_phone: None,
            callback_at_ms: None,
            resolved: None,
            promise_amount: None,
            promise_date: None,
        });
    }

    /// An agent promises a connected customer a callback (the desktop's
    /// callback time), or a free campaign agent dials a number by hand.
    fn promise_or_dial(&mut self) {
        if self.rng.random_bool(0.5) {
            let connected = self.in_state(InteractionState::Connected);
            let Some((i, _, _)) = self.pick(&connected) else {
                return;
            };
            let Some(c) = self.core.index().interaction(i).and_then(|r| r.customer) else {
                return;
            };
            let at =
                chrono::DateTime::from_timestamp_millis(self.now().as_millis() as i64 + 3_600_000)
                    .expect("a time")
                    .to_rfc3339();
            let r = self.cmd(Command::Profile {
                customer: c,
                interaction: Some(i),
                fields: vec![("callback_at".into(), at)],
                by: "agent".into(),
            });
            self.stats.promised += u64::from(r.is_ok());
        } else {
            let agent = self.rng.random_range(4..8);
            let n = self.rng.random_range(0..20);
            let r = self.cmd(Command::ManualDial(center::manual::ManualDialReq {
                agent,
                to: format!("+42060120{n:04}"),
                customer: None,
                name: None,
                campaign: None,
            }));
            if let Ok(Reply::Dialled(call)) = r {
                self.stats.manual_placed += u64::from(call.attempt.is_some());
            }
        }
    }

    fn callback(&mut self) {
        let waiting: Vec<_> = self
            .in_state(InteractionState::Waiting)
            .into_iter()
            .filter(|(_, _, c)| *c == Channel::Voice)
            .collect();
        if let Some((i, _, _)) = self.pick(&waiting)
            && self
                .cmd(Command::CallbackKeepingPlace {
                    interaction: i,
                    number: "+420601000001".into(),
                })
                .is_ok()
        {
            self.stats.callbacks += 1;
        }
    }

    fn abandon(&mut self) {
        let waiting = self.in_state(InteractionState::Waiting);
        if let Some((i, _, _)) = self.pick(&waiting) {
            let _ = self.cmd(Command::Abandon(i));
        }
    }

    fn campaign(&mut self) {
        let c = self.rng.random_range(1..=2);
        let cmd = match self.rng.random_range(0..40) {
            0..30 => CampaignCommand::Start,
            30..39 => CampaignCommand::Pause,
            _ => CampaignCommand::Stop,
        };
        let _ = self.cmd(Command::Campaign(c, cmd));
    }

    /// The line reports what is due.
    fn line(&mut self) {
        let due: Vec<u64> = self
            .dialing
            .iter()
            .filter(|(_, at)| **at <= self.now_ms)
            .map(|(a, _)| *a)
            .collect();
        for attempt in due {
            self.dialing.remove(&attempt);
            let outcome = DialOutcome::ALL[self.rng.random_range(0..5)];
            let ring_ms = self.rng.random_range(1_000..20_000);
            if let Ok(Reply::Answered(a)) = self.cmd(Command::DialResult {
                attempt,
                outcome,
                ring_ms,
            }) && let Some((_, agent)) = a.offered
            {
                self.answering.insert(attempt, agent);
            }
        }
        let answering: Vec<u64> = self.answering.keys().copied().collect();
        for attempt in answering {
            self.answering.remove(&attempt);
            let cmd = if self.rng.random_bool(0.9) {
                Command::OutboundBridged(attempt)
            } else {
                Command::OutboundAbandoned(attempt)
            };
            let bridged = matches!(cmd, Command::OutboundBridged(_));
            if self.cmd(cmd).is_ok() && bridged {
                self.connected.insert(attempt);
            }
        }
        let connected: Vec<u64> = self.connected.iter().copied().collect();
        if let Some(attempt) = self.pick(&connected)
            && self.rng.random_bool(0.3)
        {
            self.connected.remove(&attempt);
            let _ = self.cmd(Command::OutboundHangup(attempt));
        }
    }

    fn advance(&mut self) {
        self.now_ms += self.rng.random_range(0..20_000);
        self.timers();
    }

    fn timers(&mut self) {
        if self.core.poll_timeout().is_some_and(|t| t <= self.now()) {
            self.core.handle_timeout(self.now());
            self.absorb();
        }
    }

    /// A fresh core fed the log must equal the live one; then it goes on.
    fn restart(&mut self) {
        self.stats.restarts += 1;
        // The live core wakes at the crash's instant; so does the rebuilt one.
        self.core.handle_timeout(self.now());
        self.absorb();
        let mut fresh = TenantCore::new(self.seed);
        for (at, fact) in &self.log {
            if let Err(e) = fresh.replay(*at, fact) {
                panic!("replaying {fact:?}: {e}");
            }
        }
        fresh.replay_until(self.now());
        let (a, b) = (fresh.snapshot(), self.core.snapshot());
        if std::env::var("CENTER_SIM_DIALER").is_ok() {
            let da = format!("{:#?}", fresh.dialer());
            let db = format!("{:#?}", self.core.dialer());
            for (i, (x, y)) in da.lines().zip(db.lines()).enumerate() {
                if x != y {
                    let la: Vec<&str> = da.lines().collect();
                    eprintln!("dialer differs at line {i}: rebuilt {x} | live {y}");
                    eprintln!("context: {}", la[i.saturating_sub(15)..i].join("\n"));
                    break;
                }
            }
        }
        if a != b {
            let mut parts = Vec::new();
            if a.index.interactions != b.index.interactions {
                for (id, r) in &a.index.interactions {
                    if b.index.interactions.get(id) != Some(r) {
                        parts.push(format!(
                            "interaction {id}: rebuilt {r:?} | live {:?}",
                            b.index.interactions.get(id)
                        ));
                    }
                }
            }
            if a.index != b.index && parts.is_empty() {
                parts.push("the index (customers or keys)".into());
            }
            if a.agents != b.agents {
                parts.push(format!(
                    "agents: rebuilt {:?} | live {:?}",
                    a.agents, b.agents
                ));
            }
            if a.campaigns != b.campaigns {
                parts.push(format!(
                    "campaigns: rebuilt {:?} | live {:?}",
                    a.campaigns, b.campaigns
                ));
            }
            for (name, x, y) in [
                (
                    "next_contact",
                    format!("{:?}", a.next_contact),
                    format!("{:?}", b.next_contact),
                ),
                (
                    "dialer_agents",
                    format!("{:?}", a.dialer_agents),
                    format!("{:?}", b.dialer_agents),
                ),
                (
                    "placed",
                    format!("{:?}", a.placed),
                    format!("{:?}", b.placed),
                ),
                (
                    "attempts",
                    format!("{:?}", a.attempts),
                    format!("{:?}", b.attempts),
                ),
                ("names", format!("{:?}", a.names), format!("{:?}", b.names)),
                ("cases", format!("{:?}", a.cases), format!("{:?}", b.cases)),
                (
                    "case_timers",
                    format!("{:?} {:?}", a.case_timers, a.case_types),
                    format!("{:?} {:?}", b.case_timers, b.case_types),
                ),
                (
                    "case_interactions",
                    format!("{:?}", a.case_interactions),
                    format!("{:?}", b.case_interactions),
                ),
                (
                    "dialer_due",
                    format!("{:?}", a.dialer_due),
                    format!("{:?}", b.dialer_due),
                ),
            ] {
                if x != y {
                    parts.push(format!("{name}: rebuilt {x} | live {y}"));
                }
            }
            parts.truncate(8);
            panic!(
                "a core rebuilt from the log differs from the live one:\n{}",
                parts.join("\n")
            );
        }
        fresh.resume(self.now());
        self.core = fresh;
        self.absorb();
        if self.line_attached {
            self.ok(Command::AttachLine);
        }
        // The line's calls went down with the process.
        self.dialing.clear();
        self.answering.clear();
        self.connected.clear();
    }

    /// Stops everything and lets it settle: every interaction must then
    /// have ended exactly once.
    pub fn finish(&mut self) {
        for c in 1..=2 {
            let _ = self.cmd(Command::Campaign(c, CampaignCommand::Stop));
        }
        for _ in 0..50 {
            self.line();
            for (i, a, _) in self.in_state(InteractionState::Offered) {
                if let Some(a) = a {
                    let _ = self.cmd(Command::Accept(i, a));
                }
            }
            for (i, a, _) in self.in_state(InteractionState::Connected) {
                let _ = self.cmd(Command::Complete(i, a));
            }
            for (i, _, _) in self.in_state(InteractionState::Waiting) {
                let _ = self.cmd(Command::Abandon(i));
            }
            self.now_ms += 60_000;
            self.timers();
            self.check();
            if self.core.index().open().next().is_none() {
                break;
            }
        }
        let open: Vec<i64> = self.core.index().open().map(|(i, _)| i).collect();
        assert!(open.is_empty(), "interactions never ended: {open:?}");
        for id in self.core.index().interactions.keys() {
            assert_eq!(
                self.ended.get(id).copied().unwrap_or(0),
                1,
                "interaction {id} did not end exactly once"
            );
        }
    }
}

impl World {
    pub fn dump(&self) {
        let mut kinds: BTreeMap<String, u32> = BTreeMap::new();
        for (_, f) in &self.log {
            *kinds.entry(f.kind()).or_default() += 1;
        }
        eprintln!("{kinds:#?}");
        for (at, f) in &self.log {
            let k = f.kind();
            if std::env::var("CENTER_SIM_ALL").is_ok()
                || k.starts_with("outbound.dial")
                || k.starts_with("outbound.call")
                || k == "dialer_input"
                || (k.starts_with("routing") && format!("{f:?}").contains("OutboundVoice"))
            {
                eprintln!(
                    "{} {}",
                    (at - START_MS as i64) / 1000,
                    serde_json::to_string(f).unwrap()
                );
            }
        }
    }
}
