//! Outbound campaigns in a run, through the tenant core: the simulator is
//! the line and the agents' desktops, the core (crate `center`) is the
//! server's own coupling of the dialer and routing.
//!
//! Each campaign is defined in the core as the API would define it (its
//! mode, ratio, abandon cap, calendar zone, the team and queue of its
//! agents), its list loaded, the line attached and the campaign started.
//! The core then does what it does live: it tells the dialer who is free,
//! holds an agent not ready `reserved` while a call placed for them rings
//! (or a contact is previewed by them), and gives a live answer at once to
//! the agent held for it or to a free agent of the campaign, or counts it
//! abandoned when none is free. The simulator plays the rest: each placed
//! call's outcome and ring time drawn from the campaign's population with
//! the run's seeded RNG, the agent's headset that takes an answered call at
//! once, the conversation, the agent's disposition, the agent who reviews
//! a previewed contact for [`PREVIEW_REVIEW_MS`] before accepting it.
//!
//! Checked as it runs, failing the run: never two live attempts on one
//! contact; a contact closes at most once; fresh contacts are first tried in
//! list order; no fresh contact is tried while a retry that fell due earlier
//! waits (nothing is skipped). At the end: no call is left open, every contact
//! is reached, exhausted, or pending (a retry scheduled, or never tried
//! because the day ended), and the dialer agrees on the count of open ones.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use center::Command;
use center::command::Reply;
use center::outbound::{Answered, CampaignCommand, CampaignDoc, ContactReq};
use model::event::{AgentState, FinalOutcome};
use model::ids::CampaignId;
use model::outbound::{ContactEnd, DialOutcome, OutboundEvent};
use model::{PhoneNumber, QueueId};
use rand::RngExt;
use routing::QueueConfig;
use routing::spec::Names;

use super::{Contact, Ev, NONE, Sim};
use crate::kpi::{CampaignReport, round};
use crate::outbound::{DialLevelController, Mode, PacingSnapshot};
use crate::scenario::Scenario;
use center::kpi::{occupancy, overlap_ms};

/// How long an agent reviews a previewed contact before accepting it.
pub const PREVIEW_REVIEW_MS: u64 = 5_000;
/// A busy signal comes back after this long, at least.
const BUSY_MS: (u64, u64) = (2_000, 5_000);
/// A failed call (network, invalid number) comes back after this long.
const FAILED_MS: (u64, u64) = (500, 2_000);
/// Who sets the simulated agents' dispositions, in the core's facts.
const BY: &str = "simulator";

/// One placed call.
#[derive(Debug, Clone, Copy)]
struct Line {
    camp: u32,
    /// The contact's index in its list (the core numbers them from 1).
    contact: u64,
    outcome: DialOutcome,
    ring_ms: u64,
    /// The interaction once answered, NONE before.
    interaction: u64,
    connected: bool,
}

/// What the simulator knows of one contact of a list.
#[derive(Debug, Clone, Copy, Default)]
struct ContactTrack {
    live: bool,
    closed: bool,
    touched: bool,
    /// Due time of its pending retry (ms from the start), NONE if none.
    due_ms: u64,
}

/// One campaign's run.
struct CampRun {
    /// The core's id of the campaign.
    id: CampaignId,
    mode: Mode,
    agents: Vec<u32>,
    dialling: bool,
    ratio: f64,
    max_abandon_rate: f64,
    dials: u64,
    live_answers: u64,
    abandoned: u64,
    connected: u64,
    connected_in_span: u64,
    blocked: u64,
    alerts: u64,
    reached: u64,
    exhausted: u64,
    busy_ms: u64,
    signed_ms: u64,
    /// Live answers and abandons per calendar day (days from the common era).
    days: BTreeMap<i32, (u64, u64)>,
    contacts: Vec<ContactTrack>,
    /// The first contact never tried: fresh contacts are tried in list order.
    fresh_next: u64,
    /// Contacts waiting for a retry, by due time.
    pending: BTreeSet<(u64, u64)>,
    controller: Option<Box<dyn DialLevelController>>,
}

/// The outbound side of a run.
pub(super) struct Outbound {
    camps: Vec<CampRun>,
    lines: HashMap<u64, Line>,
    /// Previews under review: attempt → agent.
    previews: HashMap<u64, u32>,
    /// Campaign of each agent, u32::MAX if none.
    agent_camp: Vec<u32>,
    /// Since when each agent is signed in, NONE while not.
    signed_since: Vec<u64>,
}

impl Outbound {
    /// Whether anything outbound can still happen: a campaign dials or a call is on.
    pub(super) fn busy(&self) -> bool {
        !self.lines.is_empty() || !self.previews.is_empty() || self.camps.iter().any(|c| c.dialling)
    }

    /// The campaign (its index in the scenario) of the core's campaign id.
    fn camp(&self, id: CampaignId) -> Option<usize> {
        self.camps.iter().position(|c| c.id == id)
    }
}

/// The routing queue of a campaign's answered calls.
fn queue_name(c: &crate::outbound::Campaign) -> String {
    format!("campaign:{}", c.name)
}

/// Each campaign's queue (after the scenario's own), named in `names`: only
/// the campaign's agents take its calls (they carry the skill
/// `campaign:NAME`), with the campaign's priority against inbound work and
/// its wrap-up.
pub(super) fn campaign_queues(sc: &Scenario, names: &mut Names) -> Vec<QueueConfig> {
    let mut queues = Vec::with_capacity(sc.campaigns.len());
    for (k, c) in sc.campaigns.iter().enumerate() {
        let name = queue_name(c);
        // Campaign names are unique and `:` is not in queue names.
        let id = names
            .add_queue(&name)
            .unwrap_or(QueueId((sc.queues.len() + k) as u32));
        let mut q = QueueConfig::simple(id, &name, c.skill);
        q.priority = c.priority.clamp(
            -routing::config::PRIORITY_ABS_MAX,
            routing::config::PRIORITY_ABS_MAX,
        );
        q.wrap_up = std::time::Duration::from_millis(c.wrap_ms);
        queues.push(q);
    }
    queues
}

/// A US number in `area_code` for contact `i` (exchanges 200–999 without 555).
fn number(area_code: u16, i: u64) -> PhoneNumber {
    let mut exchange = 200 + i / 10_000;
    if exchange >= 555 {
        exchange += 1;
    }
    PhoneNumber::parse(&format!("+1{area_code}{exchange:03}{:04}", i % 10_000))
        .expect("the number has the E.164 form")
}

fn day_of(ms_unix: u64, tz: chrono_tz::Tz) -> i32 {
    use chrono::Datelike;
    chrono::DateTime::from_timestamp_millis(ms_unix as i64)
        .map(|t| t.with_timezone(&tz).date_naive().num_days_from_ce())
        .unwrap_or(0)
}

/// A campaign's settings as the API takes them.
fn doc(sc: &Scenario, c: &crate::outbound::Campaign) -> CampaignDoc {
    let (mode, ratio) = match c.mode {
        Mode::Preview => ("preview", None),
        Mode::Progressive => ("progressive", None),
        Mode::Power(r) => ("power", Some(r)),
        Mode::Predictive => ("predictive", None),
    };
    CampaignDoc {
        mode: mode.into(),
        ratio,
        queue: queue_name(c),
        team: sc.groups[c.group].name.clone(),
        caller_id: format!("+1{}5550100", c.area_code),
        country_code: None,
        time_zone: Some(sc.plan.tz.name().to_string()),
        ring_timeout_s: None,
        max_abandon_rate: Some(c.max_abandon_rate),
        preview_countdown_s: None,
        consent_purpose: None,
        windows: BTreeMap::new(),
        dispositions: Vec::new(),
    }
}

impl Sim<'_> {
    fn out(&mut self) -> &mut Outbound {
        self.out.as_mut().expect("a run with campaigns")
    }

    /// Defines the campaigns in the core, loads their lists, attaches the
    /// line and starts them.
    pub(super) fn setup_campaigns(&mut self, opts: &super::Options) {
        let sc = self.sc;
        if sc.campaigns.is_empty() {
            return;
        }
        let n_agents = self.agents.len();
        let mut out = Outbound {
            camps: Vec::with_capacity(sc.campaigns.len()),
            lines: HashMap::new(),
            previews: HashMap::new(),
            agent_camp: vec![u32::MAX; n_agents],
            signed_since: vec![NONE; n_agents],
        };
        for (k, c) in sc.campaigns.iter().enumerate() {
            let first = self
                .agents
                .iter()
                .take_while(|a| (a.group as usize) < c.group)
                .count();
            let agents: Vec<u32> = (first..first + sc.groups[c.group].count as usize)
                .map(|a| a as u32)
                .collect();
            for &a in &agents {
                out.agent_camp[a as usize] = k as u32;
            }
            let controller = match (c.mode, &opts.dial_level) {
                (Mode::Power(_), Some(make)) => Some((make.0)()),
                _ => None,
            };
            if let Some(ctl) = &controller {
                self.schedule(ctl.every_ms().max(1), Ev::DialLevel(k as u32));
            }
            self.schedule(sc.duration_ms, Ev::CampaignPause(k as u32));
            out.camps.push(CampRun {
                id: CampaignId(u32::MAX),
                mode: c.mode,
                agents,
                dialling: true,
                ratio: match c.mode {
                    Mode::Power(r) => r,
                    _ => 1.5,
                },
                max_abandon_rate: c.max_abandon_rate,
                dials: 0,
                live_answers: 0,
                abandoned: 0,
                connected: 0,
                connected_in_span: 0,
                blocked: 0,
                alerts: 0,
                reached: 0,
                exhausted: 0,
                busy_ms: 0,
                signed_ms: 0,
                days: BTreeMap::new(),
                contacts: vec![
                    ContactTrack {
                        due_ms: NONE,
                        ..Default::default()
                    };
                    c.contacts as usize
                ],
                fresh_next: 0,
                pending: BTreeSet::new(),
                controller,
            });
        }
        self.out = Some(Box::new(out));
        self.command("AttachLine", Command::AttachLine);
        for k in 0..sc.campaigns.len() {
            self.define_campaign(k);
        }
        for k in 0..sc.campaigns.len() {
            let id = self.out().camps[k].id;
            self.command(
                "Campaign",
                Command::Campaign(id.0.into(), CampaignCommand::Start),
            );
        }
        self.drain();
    }

    /// Defines one campaign and loads its list.
    fn define_campaign(&mut self, k: usize) {
        let sc = self.sc;
        let c = &sc.campaigns[k];
        let define = Command::DefineCampaign {
            name: c.name.clone(),
            doc: doc(sc, c),
        };
        let Some(Reply::Id(id)) = self.command("DefineCampaign", define) else {
            return self.fail(format!("campaign {:?}: the core refused it", c.name));
        };
        self.out().camps[k].id = CampaignId(id as u32);
        let per_load = center::outbound::CONTACTS_PER_LOAD_MAX as u64;
        let mut from = 0;
        while from < c.contacts && self.failure.is_none() {
            let to = (from + per_load).min(c.contacts);
            let contacts = (from..to)
                .map(|i| ContactReq {
                    name: None,
                    customer_id: None,
                    phones: vec![number(c.area_code, i).to_string()],
                })
                .collect();
            self.command(
                "AddContacts",
                Command::AddContacts {
                    campaign: id,
                    contacts,
                },
            );
            from = to;
        }
    }

    /// Routing changed an agent's state: their signed-in time.
    pub(super) fn agent_changed(&mut self, agent: u32, state: AgentState) {
        let (now, lo, hi) = (self.now_ms, self.sc.warmup_ms, self.sc.duration_ms);
        let Some(out) = self.out.as_mut() else {
            return;
        };
        let Some(&k) = out
            .agent_camp
            .get(agent as usize)
            .filter(|k| **k != u32::MAX)
        else {
            return;
        };
        let since = &mut out.signed_since[agent as usize];
        match (state != AgentState::Offline, *since != NONE) {
            (true, false) => *since = now,
            (false, true) => {
                out.camps[k as usize].signed_ms += overlap_ms(*since, now, lo, hi);
                *since = NONE;
            }
            _ => {}
        }
    }

    /// The line places a call the core ordered: its outcome and ring time
    /// are drawn now, its result reported when it comes.
    pub(super) fn on_dial(&mut self, d: dialer::Dial) {
        let sc = self.sc;
        let Some(k) = self.out().camp(d.campaign) else {
            return self.fail(format!("a call for unknown campaign {}", d.campaign.0));
        };
        let c = &sc.campaigns[k];
        let idx = d.contact.0.wrapping_sub(1);
        let camp = &mut self.out().camps[k];
        camp.dials += 1;
        let Some(track) = camp.contacts.get_mut(idx as usize) else {
            return self.fail(format!("campaign {:?}: no contact {idx}", c.name));
        };
        if track.live {
            let msg = format!(
                "campaign {:?}: two live attempts on contact {idx} at once",
                c.name
            );
            return self.fail(msg);
        }
        track.live = true;
        if track.due_ms != NONE {
            let due = std::mem::replace(&mut track.due_ms, NONE);
            camp.pending.remove(&(due, idx));
        }
        let u: f64 = self.rng.random();
        let (mut outcome, mut ring_ms) = match c.shares.iter().position(|s| u < *s) {
            Some(0) => (DialOutcome::LiveAnswer, c.ring.sample_ms(&mut self.rng)),
            Some(1) => (
                DialOutcome::Busy,
                self.rng.random_range(BUSY_MS.0..BUSY_MS.1),
            ),
            Some(2) => (DialOutcome::NoAnswer, d.ring_timeout_ms),
            Some(3) => (DialOutcome::Machine, c.ring.sample_ms(&mut self.rng)),
            _ => (
                DialOutcome::Failed,
                self.rng.random_range(FAILED_MS.0..FAILED_MS.1),
            ),
        };
        if ring_ms >= d.ring_timeout_ms {
            // Nobody picks up after the dialer hangs up.
            outcome = DialOutcome::NoAnswer;
            ring_ms = d.ring_timeout_ms;
        }
        self.out().previews.remove(&d.attempt.0);
        self.out().lines.insert(
            d.attempt.0,
            Line {
                camp: k as u32,
                contact: idx,
                outcome,
                ring_ms,
                interaction: NONE,
                connected: false,
            },
        );
        self.schedule(self.now_ms + ring_ms, Ev::DialResult(d.attempt.0));
    }

    /// What the dialer reports, as the core logs it.
    pub(super) fn on_outbound_event(&mut self, ev: OutboundEvent) {
        let now_ms = self.now_ms;
        match ev {
            OutboundEvent::GateDecided {
                campaign,
                contact,
                allowed,
                ..
            } => self.gate_decided(campaign, contact.0.wrapping_sub(1), allowed),
            OutboundEvent::PreviewOffered {
                attempt,
                campaign,
                contact,
                agent,
                ..
            } => {
                // Pending under review: dialled on accept, or back in the list
                // (due now, so no retry event) if the dialer drops it.
                let out = self.out();
                out.previews.insert(attempt.0, agent.0);
                if let Some(k) = out.camp(campaign) {
                    let camp = &mut out.camps[k];
                    let idx = contact.0.wrapping_sub(1);
                    if let Some(track) = camp.contacts.get_mut(idx as usize) {
                        if track.due_ms != NONE {
                            camp.pending.remove(&(track.due_ms, idx));
                        }
                        track.due_ms = now_ms;
                    }
                }
                self.schedule(now_ms + PREVIEW_REVIEW_MS, Ev::PreviewAccept(attempt.0));
            }
            OutboundEvent::RetryScheduled {
                campaign,
                contact,
                due_at,
                ..
            } => {
                let due = due_at.as_millis().saturating_sub(self.sc.start.as_millis());
                let out = self.out();
                let Some(k) = out.camp(campaign) else {
                    return;
                };
                let camp = &mut out.camps[k];
                let idx = contact.0.wrapping_sub(1);
                if let Some(track) = camp.contacts.get_mut(idx as usize) {
                    track.touched = true;
                    if track.due_ms != NONE {
                        camp.pending.remove(&(track.due_ms, idx));
                    }
                    track.due_ms = due;
                    camp.pending.insert((due, idx));
                }
            }
            OutboundEvent::ContactClosed {
                campaign,
                contact,
                end,
                ..
            } => self.contact_closed(campaign, contact.0.wrapping_sub(1), end),
            OutboundEvent::AbandonRateAlert { campaign, .. } => {
                let out = self.out();
                if let Some(k) = out.camp(campaign) {
                    out.camps[k].alerts += 1;
                }
            }
            _ => {}
        }
    }

    /// The dialer decided whether a contact may be called now.
    fn gate_decided(&mut self, campaign: CampaignId, idx: u64, allowed: bool) {
        let now_ms = self.now_ms;
        let out = self.out();
        let Some(k) = out.camp(campaign) else {
            return;
        };
        let camp = &mut out.camps[k];
        if !allowed {
            camp.blocked += 1;
        }
        let Some(track) = camp.contacts.get_mut(idx as usize) else {
            return;
        };
        if track.due_ms != NONE {
            camp.pending.remove(&(track.due_ms, idx));
            track.due_ms = NONE;
        }
        if !allowed {
            // Back in the list, due now, unless a retry time or a close follows.
            track.due_ms = now_ms;
            camp.pending.insert((now_ms, idx));
        }
        if track.touched {
            return;
        }
        track.touched = true;
        if idx != camp.fresh_next {
            let msg = format!(
                "campaign {}: fresh contact {idx} tried before contact {} (list order skipped)",
                campaign.0, camp.fresh_next
            );
            return self.fail(msg);
        }
        while camp
            .contacts
            .get(camp.fresh_next as usize)
            .is_some_and(|t| t.touched)
        {
            camp.fresh_next += 1;
        }
        if let Some(&(due, waiting)) = camp.pending.first()
            && due < now_ms
        {
            let msg = format!(
                "campaign {}: fresh contact {idx} tried while contact {waiting}'s retry was due since {} s (skipped)",
                campaign.0,
                due as f64 / 1000.0
            );
            self.fail(msg);
        }
    }

    /// The dialer closed a contact.
    fn contact_closed(&mut self, campaign: CampaignId, idx: u64, end: ContactEnd) {
        let out = self.out();
        let Some(k) = out.camp(campaign) else {
            return;
        };
        let camp = &mut out.camps[k];
        let Some(track) = camp.contacts.get_mut(idx as usize) else {
            return;
        };
        if track.closed {
            let msg = format!("campaign {}: contact {idx} closed twice", campaign.0);
            return self.fail(msg);
        }
        track.closed = true;
        track.touched = true;
        if track.due_ms != NONE {
            camp.pending.remove(&(track.due_ms, idx));
            track.due_ms = NONE;
        }
        match end {
            ContactEnd::Reached => camp.reached += 1,
            ContactEnd::Exhausted => camp.exhausted += 1,
        }
    }

    /// The telephony's result of a call, reported to the core; a live
    /// answer the core gives to an agent is bridged at once.
    pub(super) fn dial_result(&mut self, attempt: u64) {
        let Some(line) = self.out().lines.get(&attempt).copied() else {
            return;
        };
        self.events += 1;
        let before = self.core_last_interaction();
        let reply = self.command(
            "DialResult",
            Command::DialResult {
                attempt,
                outcome: line.outcome,
                ring_ms: line.ring_ms,
            },
        );
        let k = line.camp as usize;
        if line.outcome != DialOutcome::LiveAnswer {
            let out = self.out();
            out.lines.remove(&attempt);
            out.camps[k].contacts[line.contact as usize].live = false;
            return self.drain();
        }
        let day = day_of(self.at().as_millis(), self.sc.plan.tz);
        let camp = &mut self.out().camps[k];
        camp.live_answers += 1;
        camp.days.entry(day).or_default().0 += 1;
        if self.core_last_interaction() > before {
            self.answered_contact(k, attempt);
        }
        let offered = matches!(
            reply,
            Some(Reply::Answered(Answered {
                offered: Some(_),
                ..
            }))
        );
        if offered {
            self.command("OutboundBridged", Command::OutboundBridged(attempt));
        } else if self.out().lines[&attempt].interaction == NONE {
            // Nobody was free: abandoned before it became an interaction.
            self.count_abandon(k, day);
            let out = self.out();
            out.lines.remove(&attempt);
            out.camps[k].contacts[line.contact as usize].live = false;
        }
        self.drain();
    }

    /// The interaction an answered call became, in the contact table.
    fn answered_contact(&mut self, k: usize, attempt: u64) {
        let sc = self.sc;
        let c = &sc.campaigns[k];
        let talk_ms = super::sample_ms_u32(&c.talk, &mut self.rng);
        let id = self.contacts.len() as u64;
        self.contacts.push(Contact::new(
            self.now_ms,
            talk_ms,
            0,
            attempt,
            self.interval_index(self.now_ms),
        ));
        self.live += 1;
        if let Some(l) = self.out().lines.get_mut(&attempt) {
            l.interaction = id;
        }
    }

    fn count_abandon(&mut self, k: usize, day: i32) {
        let camp = &mut self.out().camps[k];
        camp.abandoned += 1;
        camp.days.entry(day).or_default().1 += 1;
    }

    /// An agent accepts a previewed contact: the dialer places the call
    /// (or, paused meanwhile, puts the contact back and lets the agent go).
    pub(super) fn preview_accept(&mut self, attempt: u64) {
        let Some(agent) = self.out().previews.remove(&attempt) else {
            return;
        };
        let accept = Command::Preview {
            attempt,
            agent: agent.into(),
            accept: true,
        };
        // Refused when the dialer dropped the preview meanwhile.
        let _ = self.try_command(accept);
        self.drain();
    }

    /// The campaign's day is over: no new calls; those on go on.
    pub(super) fn campaign_pause(&mut self, k: usize) {
        let Some(out) = self.out.as_mut() else {
            return;
        };
        out.camps[k].dialling = false;
        let id = out.camps[k].id;
        // Previews under review go on: when accepted, the paused dialer puts
        // the contact back in the list and the agent is let go.
        self.command(
            "Campaign",
            Command::Campaign(id.0.into(), CampaignCommand::Pause),
        );
        self.drain();
    }

    /// A dial-level controller decides the ratio of its power campaign.
    pub(super) fn dial_level_tick(&mut self, k: usize) {
        let now_ms = self.now_ms;
        let day = day_of(self.at().as_millis(), self.sc.plan.tz);
        let states: Vec<Option<AgentState>> = self.out().camps[k]
            .agents
            .clone()
            .into_iter()
            .map(|a| self.router().agent_state(model::AgentId(a)))
            .collect();
        let out = self.out();
        let camp = &out.camps[k];
        if !camp.dialling {
            return;
        }
        let mut snap = PacingSnapshot {
            now_ms,
            agents: 0,
            idle_agents: 0,
            waiting_calls: 0,
            ringing: 0,
            dial_level: camp.ratio,
            drops_today: camp.days.get(&day).map_or(0, |d| d.1),
            live_answers_today: camp.days.get(&day).map_or(0, |d| d.0),
            max_abandon_rate: camp.max_abandon_rate,
        };
        for s in states.into_iter().flatten() {
            if s != AgentState::Offline {
                snap.agents += 1;
                snap.idle_agents += u32::from(s == AgentState::Available);
            }
        }
        for l in out.lines.values().filter(|l| l.camp as usize == k) {
            if l.interaction == NONE {
                snap.ringing += 1;
            } else if !l.connected {
                snap.waiting_calls += 1;
            }
        }
        let camp = &mut out.camps[k];
        let Some(ctl) = camp.controller.as_mut() else {
            return;
        };
        let level = ctl.next_level(&snap);
        let level = if level.is_finite() {
            level.clamp(1.0, dialer::config::RATIO_MAX)
        } else {
            1.0
        };
        camp.ratio = level;
        let next = now_ms + ctl.every_ms().max(1);
        let campaign = camp.id.0.into();
        self.schedule(next, Ev::DialLevel(k as u32));
        self.command(
            "CampaignRatio",
            Command::CampaignRatio {
                campaign,
                ratio: level,
            },
        );
        self.drain();
    }

    /// An answered call reached an agent.
    pub(super) fn outbound_connected(&mut self, attempt: u64) {
        let in_span = self.now_ms >= self.sc.warmup_ms && self.now_ms < self.sc.duration_ms;
        let out = self.out();
        let Some(line) = out.lines.get_mut(&attempt) else {
            return;
        };
        line.connected = true;
        let camp = &mut out.camps[line.camp as usize];
        camp.connected += 1;
        camp.connected_in_span += u64::from(in_span);
    }

    /// An answered call's interaction ended: handled (the agent sets a
    /// disposition) or abandoned.
    pub(super) fn outbound_ended(&mut self, id: u64, attempt: u64, outcome: FinalOutcome) {
        let (now_ms, lo, hi) = (self.now_ms, self.sc.warmup_ms, self.sc.duration_ms);
        let c = &self.contacts[id as usize];
        let (connected_ms, agent) = (c.connected_ms, c.agent);
        let day = day_of(self.at().as_millis(), self.sc.plan.tz);
        let u: f64 = self.rng.random();
        let Some(line) = self.out().lines.remove(&attempt) else {
            return;
        };
        let k = line.camp as usize;
        let sc = self.sc;
        let c = &sc.campaigns[k];
        let camp = &mut self.out().camps[k];
        camp.contacts[line.contact as usize].live = false;
        if outcome != FinalOutcome::Handled || connected_ms == NONE || agent == u32::MAX {
            return self.count_abandon(k, day);
        }
        camp.busy_ms += overlap_ms(connected_ms, now_ms, lo, hi)
            + overlap_ms(now_ms, now_ms + c.wrap_ms, lo, hi);
        let code = c
            .dispositions
            .iter()
            .find(|(cum, _)| u < *cum)
            .or(c.dispositions.last())
            .map_or("refusal", |(_, code)| *code);
        // Taken up by the drain under way.
        self.command(
            "Disposition",
            Command::Disposition {
                interaction: id as i64,
                code: code.into(),
                by_agent: Some(agent.into()),
                by: BY.into(),
                new_phone: None,
                callback_at_ms: None,
                resolved: None,
                promise_amount: None,
                promise_date: None,
            },
        );
    }

    /// The end-of-run checks: no call open, every contact accounted for.
    pub(super) fn check_campaigns(&mut self) {
        if self.failure.is_some() {
            return;
        }
        let Some(out) = self.out.as_ref() else {
            return;
        };
        let dialer = self.core.as_ref().map(|c| c.dialer());
        let mut problem = None;
        if let Some((at, _)) = out.lines.iter().min_by_key(|(at, _)| **at) {
            problem = Some(format!("call {at} still open at the end"));
        }
        for (k, camp) in out.camps.iter().enumerate() {
            let name = &self.sc.campaigns[k].name;
            let open = camp.contacts.iter().filter(|t| !t.closed).count();
            if let Some(i) = camp.contacts.iter().position(|t| t.live) {
                problem.get_or_insert(format!("campaign {name:?}: contact {i} still on a call"));
            }
            if let Some(i) = camp
                .contacts
                .iter()
                .position(|t| !t.closed && t.touched && t.due_ms == NONE)
            {
                problem.get_or_insert(format!(
                    "campaign {name:?}: contact {i} was tried, is not closed and has no retry scheduled (skipped)"
                ));
            }
            let dialer_open = dialer
                .and_then(|d| d.campaign(camp.id))
                .map_or(0, |v| v.open_contacts());
            if dialer_open != open {
                problem.get_or_insert(format!(
                    "campaign {name:?}: the dialer has {dialer_open} open contacts, the simulator counted {open}"
                ));
            }
        }
        if let Some(p) = problem {
            self.fail(p);
        }
    }

    /// The campaigns' figures.
    pub(super) fn campaign_reports(&mut self) -> BTreeMap<String, CampaignReport> {
        let mut reports = BTreeMap::new();
        let Some(mut out) = self.out.take() else {
            return reports;
        };
        let (now_ms, lo, hi) = (self.now_ms, self.sc.warmup_ms, self.sc.duration_ms);
        for a in 0..out.signed_since.len() {
            let k = out.agent_camp[a];
            let since = std::mem::replace(&mut out.signed_since[a], NONE);
            if k != u32::MAX && since != NONE {
                out.camps[k as usize].signed_ms += overlap_ms(since, now_ms, lo, hi);
            }
        }
        for (k, camp) in out.camps.iter().enumerate() {
            let c = &self.sc.campaigns[k];
            reports.insert(c.name.clone(), report(c, camp));
        }
        self.out = Some(out);
        reports
    }
}

/// One campaign's figures.
fn report(c: &crate::outbound::Campaign, camp: &CampRun) -> CampaignReport {
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let max_daily = camp
        .days
        .values()
        .map(|(live, ab)| ratio(*ab, *live))
        .fold(0.0, f64::max);
    let untried = camp.contacts.iter().filter(|t| !t.touched).count() as u64;
    let done = camp.reached + camp.exhausted;
    let hours = camp.signed_ms as f64 / 3_600_000.0;
    CampaignReport {
        mode: match camp.mode {
            Mode::Preview => "preview",
            Mode::Progressive => "progressive",
            Mode::Power(_) => "power",
            Mode::Predictive => "predictive",
        }
        .to_string(),
        agents: camp.agents.len() as u32,
        dials: camp.dials,
        live_answers: camp.live_answers,
        abandoned: camp.abandoned,
        abandon_rate: round(ratio(camp.abandoned, camp.live_answers)),
        max_daily_abandon_rate: round(max_daily),
        occupancy: round(occupancy(camp.busy_ms, camp.signed_ms as f64).unwrap_or(0.0)),
        contacts_per_agent_hour: round(if hours > 0.0 {
            camp.connected_in_span as f64 / hours
        } else {
            0.0
        }),
        penetration: round(ratio(done, c.contacts)),
        connected: camp.connected,
        contacts_done: done,
        contacts_reached: camp.reached,
        contacts_exhausted: camp.exhausted,
        contacts_pending: c.contacts - done - untried,
        contacts_untried: untried,
        blocked: camp.blocked,
        alerts: camp.alerts,
    }
}
