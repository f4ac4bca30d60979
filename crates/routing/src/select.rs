//! Choosing: the agent for a waiting interaction (by the queue's strategy),
//! and the interaction for a ready agent (highest effective priority, then
//! longest waiting, across every class the agent is eligible for).

use model::Instant;
use model::event::Reason;

use crate::agents::{Agent, ReadyLine};
use crate::classes::ClassKey;
use crate::config::{SkillReq, Strategy};
use crate::engine::Engine;

/// Whether the agent may take interactions of this class (capacity included;
/// readiness is the caller's concern).
pub(crate) fn eligible(a: &Agent, key: &ClassKey) -> bool {
    eligible_for(a, key, &key.reqs)
}

/// [`eligible`], checking only `reqs` of the class's skill requirements: an
/// agent taken from the ready line of the first requirement, at a level it
/// allows, meets that one already, and its skill list is not read for it.
fn eligible_for(a: &Agent, key: &ClassKey, reqs: &[SkillReq]) -> bool {
    key.agent.is_none_or(|x| x == a.id())
        && key.team.is_none_or(|t| a.in_team(t))
        && reqs.iter().all(|r| a.level(r.skill) >= r.min.get())
        && a.fits(key.channel)
}

/// The ready agent to offer `slot` (waiting in `class`) to, if any.
pub(crate) fn agent_for(
    e: &mut Engine,
    now: Instant,
    slot: u32,
    class: u32,
) -> Option<(usize, Reason)> {
    let key = &e.classes[class as usize].key;
    let it = e.slots[slot as usize].as_ref()?;
    let q = &e.queues[key.queue.index()];
    let ok_for = |a: &Agent, reqs: &[SkillReq]| {
        a.indexed_at.is_some() && eligible_for(a, key, reqs) && !it.declined().contains(&a.id())
    };
    let ok = |a: &Agent| ok_for(a, &key.reqs);
    let reason = |by: &'static str, score: f64| Reason {
        rule: it.rule.clone(),
        queue: Some(key.queue),
        step: Some(key.step),
        by: by.into(),
        score: Some(score),
    };

    if let Some(agent) = key.agent {
        let a = &e.agents[agent.index()];
        return ok(a).then(|| (agent.index(), reason("named_agent", 0.0)));
    }
    let strategy = q.strategy;
    let idle_s = |a: &Agent| now.saturating_since(a.ready_since).as_secs_f64();

    // Candidate agents, by the first required skill and level when there is one.
    let mut candidates: Vec<usize> = Vec::new();
    match key.reqs.first() {
        Some(first) => {
            // Lines of ready agents from the lowest level allowed up to 10.
            let lines = e.ready.levels_from(first.skill, first.min.get());
            let ok_in_line = |a: &Agent| ok_for(a, &key.reqs[1..]);
            let first_ok = |line: &ReadyLine| {
                line.iter()
                    .find(|(_, ai)| ok_in_line(&e.agents[*ai as usize]))
                    .copied()
            };
            match strategy {
                Strategy::LongestIdle => {
                    let mut best: Option<(Instant, u32)> = None;
                    for line in lines.iter().filter(|l| !l.is_empty()) {
                        if let Some(k) = first_ok(line) {
                            best = Some(best.map_or(k, |b| b.min(k)));
                        }
                    }
                    let (_, ai) = best?;
                    let a = &e.agents[ai as usize];
                    return Some((ai as usize, reason(strategy.as_str(), idle_s(a))));
                }
                Strategy::MostSkilled => {
                    let levels = first.min.get()..=10;
                    for (level, line) in levels.zip(lines).rev() {
                        if let Some((_, ai)) = first_ok(line) {
                            return Some((
                                ai as usize,
                                reason(strategy.as_str(), f64::from(level)),
                            ));
                        }
                    }
                    return None;
                }
                _ => {
                    for line in lines {
                        candidates.extend(
                            line.iter()
                                .filter(|(_, ai)| ok_in_line(&e.agents[*ai as usize]))
                                .map(|(_, ai)| *ai as usize),
                        );
                    }
                }
            }
        }
        None => {
            // No skill needed (team or open classes): every ready agent, longest idle first.
            if strategy == Strategy::LongestIdle {
                let &(_, ai) = e
                    .ready
                    .all
                    .iter()
                    .find(|(_, ai)| ok(&e.agents[*ai as usize]))?;
                let a = &e.agents[ai as usize];
                return Some((ai as usize, reason(strategy.as_str(), idle_s(a))));
            }
            candidates.extend(
                e.ready
                    .all
                    .iter()
                    .filter(|(_, ai)| ok(&e.agents[*ai as usize]))
                    .map(|(_, ai)| *ai as usize),
            );
        }
    }
    if candidates.is_empty() {
        return None;
    }
    let first_skill = key.reqs.first().map(|r| r.skill);
    let by_ready = |ai: &usize| (e.agents[*ai].ready_since, *ai);
    let (ai, score) = match strategy {
        Strategy::LeastOccupied => {
            let ai = *candidates.iter().min_by(|a, b| {
                e.agents[**a]
                    .occupancy(now)
                    .total_cmp(&e.agents[**b].occupancy(now))
                    .then(by_ready(a).cmp(&by_ready(b)))
            })?;
            (ai, e.agents[ai].occupancy(now))
        }
        Strategy::RoundRobin => {
            let ai = *candidates
                .iter()
                .min_by_key(|ai| (e.agents[**ai].last_offer, by_ready(ai)))?;
            (
                ai,
                now.saturating_since(e.agents[ai].last_offer).as_secs_f64(),
            )
        }
        Strategy::FewestContacts => {
            let ai = *candidates
                .iter()
                .min_by_key(|ai| (e.agents[**ai].contacts, by_ready(ai)))?;
            (ai, f64::from(e.agents[ai].contacts))
        }
        Strategy::Random => {
            candidates.sort_unstable();
            let n = candidates.len() as u64;
            let pick = candidates[(e.next_random() % n) as usize];
            (pick, n as f64)
        }
        Strategy::LongestIdle | Strategy::MostSkilled => {
            // Reached only without a skill requirement for MostSkilled: longest idle.
            let ai = *candidates.iter().min_by_key(|ai| by_ready(ai))?;
            (
                ai,
                first_skill.map_or(0.0, |s| f64::from(e.agents[ai].level(s))),
            )
        }
    };
    let key = &e.classes[class as usize].key;
    let it = e.slots[slot as usize].as_ref()?;
    let reason = Reason {
        rule: it.rule.clone(),
        queue: Some(key.queue),
        step: Some(key.step),
        by: strategy.as_str().into(),
        score: Some(score),
    };
    Some((ai, reason))
}

/// The best waiting interaction for a ready agent: highest effective
/// priority, then earliest arrival, then creation order.
pub(crate) fn work_for(e: &Engine, now: Instant, ai: usize) -> Option<(u32, Reason)> {
    let a = &e.agents[ai];
    let me = a.id();
    let now_ms = now.as_millis() as i128;
    let mut best: Option<((i128, Instant, u64), u32, u32)> = None;
    for c in e.classes_for_agent(ai) {
        let class = &e.classes[c as usize];
        if class.waiting.is_empty() || !eligible(a, &class.key) {
            continue;
        }
        // Nobody declined anything here: the head is the one, no tree walk.
        let first = if class.declined == 0 {
            class.head
        } else {
            class
                .waiting
                .iter()
                .find(|k| {
                    e.slots[k.3 as usize]
                        .as_ref()
                        .is_some_and(|it| !it.declined().contains(&me))
                })
                .copied()
        };
        let Some(k) = first else {
            continue;
        };
        let aging = i128::from(e.queues[class.key.queue.index()].aging_per_min);
        // Larger effective priority first: compare on its negation.
        let rank = (i128::from(k.0) - aging * now_ms, k.1, k.2);
        if best.is_none_or(|(b, _, _)| rank < b) {
            best = Some((rank, k.3, c));
        }
    }
    let (rank, slot, c) = best?;
    let it = e.slots[slot as usize].as_ref()?;
    let key = &e.classes[c as usize].key;
    let score = -(rank.0 as f64) / 60_000.0;
    Some((
        slot,
        Reason {
            rule: it.rule.clone(),
            queue: Some(key.queue),
            step: Some(key.step),
            by: "next_in_line".into(),
            score: Some(score),
        },
    ))
}
