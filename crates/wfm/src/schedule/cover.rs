//! Coverage of one plan, step by step, with multi-skilled agents.
//!
//! Agents with skill set (mask) `m` can serve any queue in `m`. How many of the required agents a
//! step covers is a maximum flow from skill groups to queues, and by max-flow/min-cut it is
//! `F = min over queue subsets T of ( Σ_{q ∉ T} required_q + Σ_{groups g meeting T} agents_g )`.
//! We keep that cut value `V[T]` for every subset (16 for 4 queues): an agent joining adds 1 to
//! every `V[T]` whose `T` meets its skills, so an update and "what would one more agent of this
//! skill set cover" are both a pass over the subsets, with no flow to recompute.

/// Cut values per step.
pub(super) struct Cover {
    subsets: usize,
    /// `V[t·subsets + T]`.
    cut: Vec<i32>,
    /// `F` per step: required agents covered.
    flow: Vec<i32>,
    /// Agents working per step.
    supply: Vec<i32>,
    /// Σ required per step.
    required: Vec<i32>,
}

impl Cover {
    /// No one working yet. `required[q][t]`.
    pub(super) fn new(required: &[Vec<u32>]) -> Cover {
        let queues = required.len();
        let steps = required.first().map_or(0, Vec::len);
        let subsets = 1usize << queues;
        let mut cut = vec![0i32; steps * subsets];
        let mut total = vec![0i32; steps];
        for t in 0..steps {
            for subset in 0..subsets {
                cut[t * subsets + subset] = (0..queues)
                    .filter(|q| subset & (1 << q) == 0)
                    .map(|q| required[q][t] as i32)
                    .sum();
            }
            total[t] = (0..queues).map(|q| required[q][t] as i32).sum();
        }
        Cover {
            subsets,
            cut,
            flow: vec![0; steps],
            supply: vec![0; steps],
            required: total,
        }
    }

    /// Steps in the plan.
    pub(super) fn steps(&self) -> usize {
        self.flow.len()
    }

    /// One agent with skills `mask` starts (`+1`) or stops (`-1`) working at step `t`.
    pub(super) fn change(&mut self, t: usize, mask: u32, delta: i32) {
        let row = &mut self.cut[t * self.subsets..(t + 1) * self.subsets];
        let mut min = i32::MAX;
        for (subset, v) in row.iter_mut().enumerate() {
            if subset as u32 & mask != 0 {
                *v += delta;
            }
            min = min.min(*v);
        }
        self.flow[t] = min;
        self.supply[t] += delta;
    }

    /// Would one more agent with skills `mask` at step `t` cover one more required agent?
    pub(super) fn would_cover(&self, t: usize, mask: u32) -> bool {
        let row = &self.cut[t * self.subsets..(t + 1) * self.subsets];
        let flow = self.flow[t];
        // F grows iff every minimum cut meets the new agent's skills.
        row.iter()
            .enumerate()
            .all(|(subset, &v)| subset as u32 & mask != 0 || v > flow)
    }

    /// Required agents not covered at step `t`.
    pub(super) fn under(&self, t: usize) -> i32 {
        self.required[t] - self.flow[t]
    }

    /// Working agents beyond what the requirement can use at step `t`.
    pub(super) fn over(&self, t: usize) -> i32 {
        self.supply[t] - self.flow[t]
    }
}

/// Splits one step's working agents over queues: a maximum flow first (so the covered
/// requirement is the most possible), then each group's leftover agents spread evenly over its
/// skills. `groups` are `(mask, agents)`; returns agents per queue.
pub(super) fn allocate(required: &[u32], groups: &[(u32, u32)]) -> Vec<f64> {
    let queues = required.len();
    let mut left_req: Vec<i64> = required.iter().map(|&r| i64::from(r)).collect();
    let mut left_sup: Vec<i64> = groups.iter().map(|g| i64::from(g.1)).collect();
    // flow[g][q]
    let mut flow = vec![vec![0i64; queues]; groups.len()];
    // Augmenting paths in the residual graph source → group → queue (→ group → queue …) → sink.
    loop {
        // BFS from groups with supply left.
        let n = groups.len() + queues;
        let mut prev: Vec<Option<usize>> = vec![None; n];
        let mut seen = vec![false; n];
        let mut queue = std::collections::VecDeque::new();
        for (g, &s) in left_sup.iter().enumerate() {
            if s > 0 {
                seen[g] = true;
                queue.push_back(g);
            }
        }
        let mut end = None;
        while let Some(node) = queue.pop_front() {
            if node < groups.len() {
                let g = node;
                for (q, &need) in left_req.iter().enumerate() {
                    let qn = groups.len() + q;
                    if groups[g].0 & (1 << q) != 0 && !seen[qn] {
                        seen[qn] = true;
                        prev[qn] = Some(g);
                        if need > 0 {
                            end = Some(qn);
                            break;
                        }
                        queue.push_back(qn);
                    }
                }
                if end.is_some() {
                    break;
                }
            } else {
                let q = node - groups.len();
                for (g, f) in flow.iter().enumerate() {
                    if f[q] > 0 && !seen[g] {
                        seen[g] = true;
                        prev[g] = Some(node);
                        queue.push_back(g);
                    }
                }
            }
        }
        let Some(mut node) = end else { break };
        left_req[node - groups.len()] -= 1;
        // Walk back: queue ← group (forward edge +1), group ← queue (backward edge −1).
        loop {
            let from = prev[node];
            if node >= groups.len() {
                let g = from.expect("a queue on the path has a group before it");
                flow[g][node - groups.len()] += 1;
                node = g;
            } else {
                match from {
                    Some(qn) => {
                        flow[node][qn - groups.len()] -= 1;
                        node = qn;
                    }
                    None => {
                        left_sup[node] -= 1;
                        break;
                    }
                }
            }
        }
    }
    let mut out = vec![0.0; queues];
    for (g, (mask, _)) in groups.iter().enumerate() {
        for q in 0..queues {
            out[q] += flow[g][q] as f64;
        }
        let skills = mask.count_ones();
        if left_sup[g] > 0 && skills > 0 {
            let share = left_sup[g] as f64 / f64::from(skills);
            for (q, o) in out.iter_mut().enumerate() {
                if mask & (1 << q) != 0 {
                    *o += share;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_skilled_agents_go_where_needed() {
        // Queue 0 needs 2, queue 1 needs 1. One agent for queue 0 only, two for both.
        let mut c = Cover::new(&[vec![2], vec![1]]);
        assert_eq!(c.under(0), 3);
        c.change(0, 0b01, 1);
        assert!(c.would_cover(0, 0b11));
        assert!(!c.would_cover(0, 0b00));
        c.change(0, 0b11, 1);
        c.change(0, 0b11, 1);
        assert_eq!((c.under(0), c.over(0)), (0, 0));
        assert!(!c.would_cover(0, 0b11));
        c.change(0, 0b11, 1);
        assert_eq!(c.over(0), 1);
        c.change(0, 0b11, -1);
        assert_eq!(c.over(0), 0);
    }

    #[test]
    fn allocation_is_a_maximum_flow() {
        // Greedy would give the flexible agent to queue 0 and leave queue 1 short.
        let a = allocate(&[1, 1], &[(0b11, 1), (0b01, 1)]);
        assert_eq!(a, vec![1.0, 1.0]);
        // Leftovers spread over skills.
        let a = allocate(&[0, 1], &[(0b11, 3)]);
        assert_eq!(a, vec![1.0, 2.0]);
    }
}
