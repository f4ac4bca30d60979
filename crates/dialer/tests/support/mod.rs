//! A small outbound-day simulator that drives the dialer the way the real
//! driver will: seeded telephony outcomes with lognormal ring and talk times,
//! agents with wrap-up, answers routed first come first served to a ready
//! agent (the reserved one if the dial named one), and the 2 s abandon rule.
//! It checks invariants as it goes and measures dials, live answers,
//! abandons and occupancy.

#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use dialer::clock::CivilClock;
use dialer::config::CampaignConfig;
use dialer::contact::{ContactInput, PhoneInput, PhoneKind};
use dialer::{AgentPresence, Dialer, Input, Output};
use model::event::EventKind;
use model::ids::{CampaignId, ContactId};
use model::outbound::{AttemptId, DialMode, DialOutcome, ListId, OutboundEvent};
use model::{AgentId, Instant, PhoneNumber};
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, LogNormal};
use rand_pcg::Pcg64;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

/// What happens when a number is dialled.
#[derive(Debug, Clone, Copy)]
pub struct Population {
    pub live_answer: f64,
    pub busy: f64,
    pub no_answer: f64,
    pub machine: f64,
    pub failed: f64,
    pub ring_mean_s: f64,
    pub ring_cv: f64,
    pub talk_mean_s: f64,
    pub talk_cv: f64,
    pub wrap_s: f64,
}

impl Population {
    /// The example population.
    pub fn example() -> Self {
        Population {
            live_answer: 0.30,
            busy: 0.10,
            no_answer: 0.45,
            machine: 0.10,
            failed: 0.05,
            ring_mean_s: 12.0,
            ring_cv: 0.5,
            talk_mean_s: 180.0,
            talk_cv: 0.8,
            wrap_s: 20.0,
        }
    }
}

/// One simulated day.
#[derive(Debug, Clone, Copy)]
pub struct Day {
    pub mode: DialMode,
    pub ratio: f64,
    pub agents: u32,
    pub contacts: u64,
    pub hours: f64,
    pub seed: u64,
    pub population: Population,
}

/// What a day measured.
#[derive(Debug, Clone, Default)]
pub struct DayResult {
    pub dials: u64,
    pub live_answers: u64,
    pub abandoned: u64,
    /// Abandons of calls that had a reserved agent.
    pub abandoned_reserved: u64,
    pub connected: u64,
    pub occupancy: f64,
    pub contacts_closed: u64,
    pub contacts_loaded: u64,
    /// Highest abandon rate seen once at least 100 calls were answered.
    pub max_running_rate: f64,
    pub alerts: u64,
}

impl DayResult {
    pub fn abandon_rate(&self) -> f64 {
        if self.live_answers == 0 {
            0.0
        } else {
            self.abandoned as f64 / self.live_answers as f64
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Result(AttemptId),
    AbandonCheck(AttemptId),
    CallEnd(AttemptId, AgentId),
    WrapEnd(AgentId),
    PreviewReviewed(AttemptId),
}

struct Line {
    contact: ContactId,
    reserved: Option<AgentId>,
    outcome: DialOutcome,
    ring_ms: u64,
    answered_at: Option<u64>,
}

#[derive(Clone, Copy, PartialEq)]
enum AgentDo {
    Ready,
    Busy,
}

/// Monday 2 June 2025, 13:00 UTC: 09:00 in New York.
pub fn day_start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 13, 0, 0).unwrap()
}

/// A New York number for contact `i` (exchange 2xx–9xx, never 555).
pub fn ny_number(i: u64) -> PhoneNumber {
    let exchange = 200 + (i / 10_000) % 700;
    let exchange = if exchange == 555 { 556 } else { exchange };
    PhoneNumber::parse(&format!("+1212{exchange:03}{:04}", i % 10_000)).unwrap()
}

pub fn campaign(mode: DialMode, ratio: f64) -> CampaignConfig {
    let mut c = CampaignConfig::new(
        CampaignId(1),
        "renewals",
        mode,
        PhoneNumber::parse("+12125550100").unwrap(),
    );
    c.ratio = ratio;
    c
}

/// Runs one day and returns what it measured. Panics (with the seed) on a broken invariant.
pub fn run_day(day: Day) -> DayResult {
    let p = day.population;
    let mut rng = Pcg64::seed_from_u64(day.seed);
    let ring = LogNormal::from_mean_cv(p.ring_mean_s, p.ring_cv).unwrap();
    let talk = LogNormal::from_mean_cv(p.talk_mean_s, p.talk_cv).unwrap();
    let clock = CivilClock::starting_at(day_start());
    let mut d = Dialer::new(clock);
    let cfg = campaign(day.mode, day.ratio);
    let ring_timeout_ms = cfg.ring_timeout_ms;
    let cid = cfg.id;
    d.add_campaign(Instant::ZERO, cfg).unwrap();
    let contacts: Vec<ContactInput> = (0..day.contacts)
        .map(|i| ContactInput {
            id: ContactId(i),
            phones: vec![PhoneInput {
                number: ny_number(i),
                kind: PhoneKind::Mobile,
                valid: true,
                consent: None,
            }],
            address: None,
            segment: None,
            score: 0,
            person: None,
            manual: false,
        })
        .collect();
    let t0 = Instant::ZERO;
    d.handle(
        t0,
        Input::LoadContacts {
            campaign: cid,
            list: ListId(0),
            contacts,
        },
    )
    .unwrap();
    let agents: Vec<AgentId> = (0..day.agents).map(AgentId).collect();
    let mut state: HashMap<AgentId, AgentDo> = HashMap::new();
    let mut idle_since: HashMap<AgentId, u64> = HashMap::new();
    let mut busy_ms: u64 = 0;
    for a in &agents {
        d.handle(
            t0,
            Input::Agent {
                campaign: cid,
                agent: *a,
                presence: AgentPresence::Ready,
            },
        )
        .unwrap();
        state.insert(*a, AgentDo::Ready);
        idle_since.insert(*a, 0);
    }
    d.handle(t0, Input::Start { campaign: cid }).unwrap();

    let end_ms = (day.hours * 3_600_000.0) as u64;
    let mut heap: BinaryHeap<Reverse<(u64, u64, Ev)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut lines: HashMap<AttemptId, Line> = HashMap::new();
    let mut reserved: HashMap<AgentId, AttemptId> = HashMap::new();
    let mut waiting: VecDeque<AttemptId> = VecDeque::new();
    let mut live_contacts: HashSet<ContactId> = HashSet::new();
    let mut closed: HashSet<ContactId> = HashSet::new();
    let mut r = DayResult {
        contacts_loaded: day.contacts,
        ..Default::default()
    };
    let mut now: u64 = 0;
    let mut stopped = false;

    macro_rules! push {
        ($t:expr, $e:expr) => {{
            seq += 1;
            heap.push(Reverse(($t, seq, $e)));
        }};
    }

    loop {
        // Drain the engine.
        while let Some(o) = d.poll_output() {
            match o {
                Output::Dial(dial) => {
                    r.dials += 1;
                    assert!(!stopped, "seed {}: a dial after stop", day.seed);
                    assert!(
                        live_contacts.insert(dial.contact),
                        "seed {}: two live attempts on contact {}",
                        day.seed,
                        dial.contact
                    );
                    assert!(dial.ring_timeout_ms >= 15_000);
                    let u: f64 = rng.random();
                    let (mut outcome, mut ring_ms) = if u < p.live_answer {
                        (
                            DialOutcome::LiveAnswer,
                            (ring.sample(&mut rng) * 1000.0) as u64,
                        )
                    } else if u < p.live_answer + p.busy {
                        (DialOutcome::Busy, rng.random_range(2_000..5_000))
                    } else if u < p.live_answer + p.busy + p.no_answer {
                        (DialOutcome::NoAnswer, ring_timeout_ms)
                    } else if u < p.live_answer + p.busy + p.no_answer + p.machine {
                        (
                            DialOutcome::Machine,
                            (ring.sample(&mut rng) * 1000.0) as u64,
                        )
                    } else {
                        (DialOutcome::Failed, rng.random_range(500..2_000))
                    };
                    if ring_ms >= ring_timeout_ms {
                        outcome = DialOutcome::NoAnswer;
                        ring_ms = ring_timeout_ms;
                    }
                    if let Some(a) = dial.reserved_agent {
                        reserved.insert(a, dial.attempt);
                    }
                    lines.insert(
                        dial.attempt,
                        Line {
                            contact: dial.contact,
                            reserved: dial.reserved_agent,
                            outcome,
                            ring_ms,
                            answered_at: None,
                        },
                    );
                    push!(now + ring_ms, Ev::Result(dial.attempt));
                }
                Output::Preview(pv) => {
                    push!(now + 5_000, Ev::PreviewReviewed(pv.attempt));
                }
                Output::Event(e) => {
                    if let EventKind::Outbound(OutboundEvent::ContactClosed { contact, .. }) =
                        e.kind
                    {
                        assert!(
                            closed.insert(contact),
                            "seed {}: contact {contact} closed twice",
                            day.seed
                        );
                        r.contacts_closed += 1;
                    }
                }
                Output::Alert(_) => r.alerts += 1,
            }
        }
        if r.live_answers >= 100 {
            r.max_running_rate = r.max_running_rate.max(r.abandon_rate());
        }
        // The next thing to happen.
        let engine_at = d.poll_timeout().map(|t| t.as_millis());
        let sim_at = heap.peek().map(|Reverse((t, _, _))| *t);
        if !stopped && now >= end_ms {
            stopped = true;
            d.handle(Instant::from_millis(now), Input::Stop { campaign: cid })
                .unwrap();
            continue;
        }
        let next = match (engine_at, sim_at) {
            (Some(e), Some(s)) => e.min(s),
            (Some(e), None) => e,
            (None, Some(s)) => s,
            (None, None) => break,
        };
        let next = if stopped { next } else { next.min(end_ms) };
        now = now.max(next);
        let t = Instant::from_millis(now);
        if sim_at != Some(now) {
            d.handle_timeout(t);
            continue;
        }
        let Reverse((_, _, ev)) = heap.pop().unwrap();
        match ev {
            Ev::PreviewReviewed(a) => {
                let _ = d.handle(t, Input::PreviewAccept { attempt: a });
            }
            Ev::Result(a) => {
                let line = lines.get(&a).unwrap();
                let (outcome, ring_ms, res) = (line.outcome, line.ring_ms, line.reserved);
                d.handle(
                    t,
                    Input::DialResult {
                        attempt: a,
                        outcome,
                        ring_ms,
                    },
                )
                .unwrap();
                if outcome == DialOutcome::LiveAnswer {
                    r.live_answers += 1;
                    lines.get_mut(&a).unwrap().answered_at = Some(now);
                    let agent = match res {
                        Some(g) if state[&g] == AgentDo::Ready => Some(g),
                        _ => agents
                            .iter()
                            .filter(|g| state[*g] == AgentDo::Ready && !reserved.contains_key(*g))
                            .min_by_key(|g| idle_since[*g])
                            .copied(),
                    };
                    match agent {
                        Some(g) => connect(
                            &mut d,
                            &mut state,
                            &mut reserved,
                            &mut busy_ms,
                            g,
                            a,
                            now,
                            end_ms,
                            &mut r,
                            &talk,
                            &mut rng,
                            &mut heap,
                            &mut seq,
                        ),
                        None => {
                            waiting.push_back(a);
                            push!(now + 2_000, Ev::AbandonCheck(a));
                        }
                    }
                } else {
                    if let Some(g) = res {
                        reserved.remove(&g);
                    }
                    live_contacts.remove(&line.contact);
                    lines.remove(&a);
                }
            }
            Ev::AbandonCheck(a) => {
                if let Some(pos) = waiting.iter().position(|w| *w == a) {
                    waiting.remove(pos);
                    let line = lines.remove(&a).unwrap();
                    if let Some(g) = line.reserved {
                        r.abandoned_reserved += 1;
                        reserved.remove(&g);
                    }
                    live_contacts.remove(&line.contact);
                    r.abandoned += 1;
                    d.handle(t, Input::Abandoned { attempt: a }).unwrap();
                }
            }
            Ev::CallEnd(a, g) => {
                d.handle(t, Input::CallEnded { attempt: a }).unwrap();
                let code: Box<str> = if rng.random_bool(0.5) {
                    "sale".into()
                } else {
                    "refusal".into()
                };
                d.handle(
                    t,
                    Input::Disposition {
                        attempt: a,
                        agent: g,
                        code,
                        new_phone: None,
                        callback: None,
                    },
                )
                .unwrap();
                let line = lines.remove(&a).unwrap();
                live_contacts.remove(&line.contact);
                d.handle(
                    t,
                    Input::Agent {
                        campaign: cid,
                        agent: g,
                        presence: AgentPresence::WrapUp { since: t },
                    },
                )
                .unwrap();
                let wrap_ms = (p.wrap_s * 1000.0) as u64;
                busy_ms += wrap_ms.min(end_ms.saturating_sub(now));
                push!(now + wrap_ms, Ev::WrapEnd(g));
            }
            Ev::WrapEnd(g) => {
                state.insert(g, AgentDo::Ready);
                idle_since.insert(g, now);
                d.handle(
                    t,
                    Input::Agent {
                        campaign: cid,
                        agent: g,
                        presence: AgentPresence::Ready,
                    },
                )
                .unwrap();
                // An answered call still waiting (within its 2 s) gets this agent.
                if let Some(pos) = waiting
                    .iter()
                    .position(|w| lines[w].reserved.is_none_or(|x| x == g))
                {
                    let a = waiting.remove(pos).unwrap();
                    connect(
                        &mut d,
                        &mut state,
                        &mut reserved,
                        &mut busy_ms,
                        g,
                        a,
                        now,
                        end_ms,
                        &mut r,
                        &talk,
                        &mut rng,
                        &mut heap,
                        &mut seq,
                    );
                }
            }
        }
    }
    assert!(lines.is_empty(), "seed {}: calls left unresolved", day.seed);
    // Every contact reached a final state, exactly once.
    assert_eq!(
        r.contacts_closed, day.contacts,
        "seed {}: some contact never reached a final state",
        day.seed
    );
    r.occupancy = busy_ms as f64 / (end_ms as f64 * day.agents as f64);
    r
}

#[allow(clippy::too_many_arguments)]
fn connect(
    d: &mut Dialer,
    state: &mut HashMap<AgentId, AgentDo>,
    reserved: &mut HashMap<AgentId, AttemptId>,
    busy_ms: &mut u64,
    g: AgentId,
    a: AttemptId,
    now: u64,
    end_ms: u64,
    r: &mut DayResult,
    talk: &LogNormal<f64>,
    rng: &mut Pcg64,
    heap: &mut BinaryHeap<Reverse<(u64, u64, Ev)>>,
    seq: &mut u64,
) {
    let t = Instant::from_millis(now);
    state.insert(g, AgentDo::Busy);
    reserved.retain(|_, at| *at != a);
    reserved.remove(&g);
    d.handle(
        t,
        Input::Connected {
            attempt: a,
            agent: g,
        },
    )
    .unwrap();
    d.handle(
        t,
        Input::Agent {
            campaign: CampaignId(1),
            agent: g,
            presence: AgentPresence::Talking { since: t },
        },
    )
    .unwrap();
    r.connected += 1;
    let talk_ms = (talk.sample(rng) * 1000.0) as u64;
    *busy_ms += talk_ms.min(end_ms.saturating_sub(now));
    *seq += 1;
    heap.push(Reverse((now + talk_ms, *seq, Ev::CallEnd(a, g))));
}
