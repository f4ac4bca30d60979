//! Property tests of the compliance gate as the engine applies it: whatever the
//! mode, the numbers, the lists and the start time (around the daylight-saving
//! changes of New York and Madrid), no call is placed outside the window in
//! every zone the callee may be in, to a do-not-call number, without consent
//! where it is required, or above a cap; never two live calls to one contact;
//! and after a stop every contact has exactly one final state.

use chrono::{
    DateTime, Datelike, Duration as ChronoDuration, NaiveDate, TimeZone, Timelike, Utc, Weekday,
};
use dialer::clock::CivilClock;
use dialer::config::CampaignConfig;
use dialer::consent::ConsentRecord;
use dialer::contact::{ContactInput, PhoneInput, PhoneKind};
use dialer::window::Holiday;
use dialer::zone::{Country, number_facts};
use dialer::{AgentPresence, Dialer, Input, Output};
use model::event::EventKind;
use model::ids::{CampaignId, ContactId};
use model::outbound::{AttemptId, DialMode, DialOutcome, DoNotCallList, ListId, OutboundEvent};
use model::{AgentId, Channel, Instant, PhoneNumber};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use std::collections::{BTreeMap, HashMap, HashSet};

const POOL: &[&str] = &[
    "+12125550101",   // New York
    "+13105550102",   // Los Angeles
    "+18505550103",   // Florida panhandle: Eastern or Central
    "+19285550104",   // Arizona: Phoenix or the Navajo Nation
    "+34911234567",   // Madrid
    "+34931234568",   // Barcelona
    "+34922123456",   // Tenerife (an hour behind)
    "+34612345678",   // a Spanish mobile: peninsula or Canaries
    "+442079460018",  // London
    "+8613800138000", // a country without a zone table: never called
];

/// A run of 60 simulated hours with a few contacts takes far fewer steps than this.
const STEPS_MAX: u32 = 200_000;

/// The edges: the US and EU spring-forward and fall-back days of 2025.
const EDGES: &[(i32, u32, u32)] = &[(2025, 3, 9), (2025, 3, 30), (2025, 11, 2), (2025, 10, 26)];

/// A Spanish national holiday in the weeks of the edges, and a Catalan one.
fn holidays() -> Vec<Holiday> {
    vec![
        Holiday {
            country: Country::ES,
            date: NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(),
            region: None,
        },
        Holiday {
            country: Country::ES,
            date: NaiveDate::from_ymd_opt(2025, 10, 27).unwrap(),
            region: Some("ES-CT".into()),
        },
    ]
}

/// The law, written again independently of the engine: is local time `t` lawful in `country`?
fn lawful(country: Country, region: Option<&str>, local: chrono::NaiveDateTime) -> bool {
    let h = local.hour() * 60 + local.minute();
    match country.as_str() {
        "US" | "CA" => (8 * 60..21 * 60).contains(&h),
        "GB" => (8 * 60..21 * 60).contains(&h),
        "ES" => {
            let weekday = !matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
            let holiday = holidays().iter().any(|hd| {
                hd.date == local.date()
                    && match (&hd.region, region) {
                        (None, _) | (Some(_), None) => true,
                        (Some(r), Some(cr)) => &**r == cr || (cr == "ES-B" && &**r == "ES-CT"),
                    }
            });
            weekday && !holiday && (9 * 60..21 * 60).contains(&h)
        }
        _ => false,
    }
}

#[derive(Debug, Clone)]
struct Case {
    mode: DialMode,
    edge: usize,
    start_hour: u32,
    contacts: Vec<Vec<usize>>,
    dnc: Vec<usize>,
    consent_required: bool,
    consented: Vec<usize>,
    agents: u32,
    seed: u64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![
            Just(DialMode::Progressive),
            Just(DialMode::Power),
            Just(DialMode::Predictive)
        ],
        0..EDGES.len(),
        0u32..48,
        prop::collection::vec(prop::collection::vec(0..POOL.len(), 1..3), 1..10),
        prop::collection::vec(0..POOL.len(), 0..3),
        any::<bool>(),
        prop::collection::vec(0..POOL.len(), 0..8),
        1u32..4,
        any::<u64>(),
    )
        .prop_map(
            |(mode, edge, start_hour, contacts, dnc, consent_required, consented, agents, seed)| {
                Case {
                    mode,
                    edge,
                    start_hour,
                    contacts,
                    dnc,
                    consent_required,
                    consented,
                    agents,
                    seed,
                }
            },
        )
}

fn run(case: &Case) -> Result<u64, TestCaseError> {
    let (y, m, d) = EDGES[case.edge];
    let start: DateTime<Utc> = Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
        - ChronoDuration::hours(24)
        + ChronoDuration::hours(i64::from(case.start_hour));
    let clock = CivilClock::starting_at(start);
    let mut dialer = Dialer::new(clock);
    let mut cfg = CampaignConfig::new(
        CampaignId(1),
        "props",
        case.mode,
        PhoneNumber::parse("+12125550100").unwrap(),
    );
    cfg.ratio = 2.0;
    cfg.windows.holidays = holidays();
    cfg.retry.busy = dialer::config::Retry::After { delay_s: 600 };
    cfg.retry.no_answer = dialer::config::Retry::After { delay_s: 1800 };
    cfg.retry.max_attempts_per_pass = 10;
    if case.consent_required {
        cfg.consent_purpose = Some("marketing".into());
    }
    let caps = cfg.caps;
    let cid = cfg.id;
    dialer.add_campaign(Instant::ZERO, cfg).unwrap();
    let dnc: HashSet<&str> = case.dnc.iter().map(|i| POOL[*i]).collect();
    let consented: HashSet<&str> = case.consented.iter().map(|i| POOL[*i]).collect();
    let t0 = Instant::ZERO;
    for (k, n) in dnc.iter().enumerate() {
        let list = if k % 2 == 0 {
            DoNotCallList::Internal
        } else {
            DoNotCallList::National("us_dnc".into())
        };
        dialer
            .handle(
                t0,
                Input::DoNotCallAdd {
                    list,
                    phone: PhoneNumber::parse(n).unwrap(),
                },
            )
            .unwrap();
    }
    for n in &consented {
        let record = ConsentRecord {
            purpose: "marketing".into(),
            channel: Channel::Voice,
            source: "web_form".into(),
            given_at: t0,
            withdrawn_at: None,
            expires_at: None,
        };
        dialer
            .handle(
                t0,
                Input::ConsentGiven {
                    phone: PhoneNumber::parse(n).unwrap(),
                    record,
                },
            )
            .unwrap();
    }
    let contacts: Vec<ContactInput> = case
        .contacts
        .iter()
        .enumerate()
        .map(|(i, phones)| ContactInput {
            id: ContactId(i as u64),
            phones: phones
                .iter()
                .map(|p| PhoneInput {
                    number: PhoneNumber::parse(POOL[*p]).unwrap(),
                    kind: PhoneKind::Mobile,
                    valid: true,
                    consent: None,
                })
                .collect(),
            address: None,
            segment: None,
            score: 0,
            person: None,
            manual: false,
        })
        .collect();
    let n_contacts = contacts.len();
    dialer
        .handle(
            t0,
            Input::LoadContacts {
                campaign: cid,
                list: ListId(0),
                contacts,
            },
        )
        .unwrap();
    for a in 0..case.agents {
        dialer
            .handle(
                t0,
                Input::Agent {
                    campaign: cid,
                    agent: AgentId(a),
                    presence: AgentPresence::Ready,
                },
            )
            .unwrap();
    }
    dialer.handle(t0, Input::Start { campaign: cid }).unwrap();

    let mut rng = Pcg64::seed_from_u64(case.seed);
    let end_ms = 60 * 3_600_000u64;
    // (time, seq) → what the simulated telephony does then.
    let mut pending: BTreeMap<(u64, u64), (AttemptId, u8)> = BTreeMap::new();
    let mut seq = 0u64;
    let mut live: HashMap<ContactId, AttemptId> = HashMap::new();
    let mut attempt_contact: HashMap<AttemptId, ContactId> = HashMap::new();
    let mut dials_by_number: HashMap<String, Vec<u64>> = HashMap::new();
    let mut dials_by_contact: HashMap<ContactId, Vec<u64>> = HashMap::new();
    let mut closed: HashSet<ContactId> = HashSet::new();
    let mut free: Vec<AgentId> = (0..case.agents).map(AgentId).collect();
    let mut talking: HashMap<AttemptId, AgentId> = HashMap::new();
    let mut now = 0u64;
    let mut stopped = false;
    let mut steps = 0u32;
    let mut dials = 0u64;
    loop {
        steps += 1;
        prop_assert!(
            steps < STEPS_MAX,
            "the run did not settle: the engine keeps waking without progress"
        );
        while let Some(o) = dialer.poll_output() {
            match o {
                Output::Dial(dial) => {
                    dials += 1;
                    prop_assert!(!stopped, "a dial after stop");
                    let number = dial.phone.as_str().to_string();
                    prop_assert!(
                        !dnc.contains(number.as_str()),
                        "dialled {number}, which is on a do-not-call list"
                    );
                    prop_assert!(
                        !case.consent_required || consented.contains(number.as_str()),
                        "dialled {number} without consent"
                    );
                    let utc = clock.utc(Instant::from_millis(now));
                    let facts = number_facts(&dial.phone);
                    prop_assert!(
                        !facts.zones.is_unknown(),
                        "dialled {number}, whose zone is unknown"
                    );
                    for c in &facts.zones.candidates {
                        let local = utc.with_timezone(&c.tz).naive_local();
                        prop_assert!(
                            lawful(c.country, c.region.as_deref(), local),
                            "dialled {number} at {local} in {}",
                            c.tz
                        );
                    }
                    prop_assert!(
                        live.insert(dial.contact, dial.attempt).is_none(),
                        "two live attempts on {}",
                        dial.contact
                    );
                    attempt_contact.insert(dial.attempt, dial.contact);
                    // Caps: per number per 7 days, per contact per 7 days, lifetime.
                    let week_ago = now.saturating_sub(7 * 86_400_000);
                    let by_n = dials_by_number.entry(number.clone()).or_default();
                    by_n.push(now);
                    prop_assert!(by_n.len() as u32 <= caps.phone_lifetime);
                    prop_assert!(
                        by_n.iter().filter(|t| **t >= week_ago).count() as u32 <= caps.phone_week,
                        "{number} over the weekly cap"
                    );
                    let by_c = dials_by_contact.entry(dial.contact).or_default();
                    by_c.push(now);
                    prop_assert!(
                        by_c.iter().filter(|t| **t >= week_ago).count() as u32 <= caps.contact_week
                    );
                    // Per number per local day, in its first zone.
                    let tz = facts.zones.primary_tz().unwrap();
                    let today = utc.with_timezone(&tz).date_naive();
                    let same_day = by_n
                        .iter()
                        .filter(|t| {
                            clock
                                .utc(Instant::from_millis(**t))
                                .with_timezone(&tz)
                                .date_naive()
                                == today
                        })
                        .count() as u32;
                    prop_assert!(same_day <= caps.phone_day, "{number} over the daily cap");
                    let ring = rng.random_range(1_000..25_000u64);
                    seq += 1;
                    pending.insert((now + ring, seq), (dial.attempt, rng.random_range(0..3u8)));
                }
                Output::Event(e) => {
                    if let EventKind::Outbound(OutboundEvent::ContactClosed { contact, .. }) =
                        e.kind
                    {
                        prop_assert!(closed.insert(contact), "{contact} closed twice");
                    }
                }
                Output::Preview(_) | Output::Alert(_) => {}
            }
        }
        if !stopped && now >= end_ms {
            stopped = true;
            dialer
                .handle(Instant::from_millis(now), Input::Stop { campaign: cid })
                .unwrap();
            continue;
        }
        let sim_at = pending.first_key_value().map(|(k, _)| k.0);
        let engine_at = dialer.poll_timeout().map(|t| t.as_millis());
        let next = match (sim_at, engine_at) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        now = now.max(if stopped { next } else { next.min(end_ms) });
        let t = Instant::from_millis(now);
        if sim_at != Some(now) {
            dialer.handle_timeout(t);
            continue;
        }
        let ((_, _), (attempt, what)) = pending.pop_first().unwrap();
        let contact = attempt_contact[&attempt];
        match what {
            // 0: busy, 1: no answer, 2: a person answers, 3: the call ends (after a connection).
            0 | 1 => {
                let outcome = if what == 0 {
                    DialOutcome::Busy
                } else {
                    DialOutcome::NoAnswer
                };
                dialer
                    .handle(
                        t,
                        Input::DialResult {
                            attempt,
                            outcome,
                            ring_ms: 20_000,
                        },
                    )
                    .unwrap();
                live.remove(&contact);
            }
            2 => {
                dialer
                    .handle(
                        t,
                        Input::DialResult {
                            attempt,
                            outcome: DialOutcome::LiveAnswer,
                            ring_ms: 5_000,
                        },
                    )
                    .unwrap();
                if let Some(agent) = free.pop() {
                    dialer
                        .handle(t, Input::Connected { attempt, agent })
                        .unwrap();
                    seq += 1;
                    pending.insert((now + 60_000, seq), (attempt, 3));
                    talking.insert(attempt, agent);
                } else {
                    dialer.handle(t, Input::Abandoned { attempt }).unwrap();
                    live.remove(&contact);
                }
            }
            _ => {
                let agent = talking
                    .remove(&attempt)
                    .expect("a connected call has its agent");
                dialer.handle(t, Input::CallEnded { attempt }).unwrap();
                let code: Box<str> = if rng.random_bool(0.5) {
                    "refusal".into()
                } else {
                    "wrong_number".into()
                };
                dialer
                    .handle(
                        t,
                        Input::Disposition {
                            attempt,
                            agent,
                            code,
                            new_phone: None,
                            callback: None,
                        },
                    )
                    .unwrap();
                dialer
                    .handle(
                        t,
                        Input::Agent {
                            campaign: cid,
                            agent,
                            presence: AgentPresence::Ready,
                        },
                    )
                    .unwrap();
                free.push(agent);
                live.remove(&contact);
            }
        }
    }
    prop_assert_eq!(
        closed.len(),
        n_contacts,
        "every contact ends reached or exhausted"
    );
    Ok(dials)
}

/// The property would pass vacuously if nothing were ever dialled: a fixed case must dial, across an edge.
#[test]
fn the_property_run_does_dial_across_a_daylight_saving_edge() {
    let c = Case {
        mode: DialMode::Predictive,
        edge: 1,
        start_hour: 0,
        contacts: (0..8).map(|i| vec![i % POOL.len()]).collect(),
        dnc: vec![1],
        consent_required: false,
        consented: vec![],
        agents: 2,
        seed: 7,
    };
    let dials = run(&c).unwrap();
    assert!(dials >= 8, "only {dials} dials");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_dial_breaks_a_rule_across_zones_and_daylight_saving_edges(c in case()) {
        run(&c)?;
    }
}
