//! Read views over the cases: a query by type, state, flag, reference and
//! debtor's name. A query reads; it never changes the engine.

use crate::Engine;
use crate::case::CaseId;

/// Most cases one query answers.
pub const QUERY_LIMIT_MAX: usize = 10_000;

/// What to look for; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    /// The type's name.
    pub case_type: Option<&'a str>,
    /// The state's name.
    pub state: Option<&'a str>,
    /// A flag that is set.
    pub flag: Option<&'a str>,
    /// The reference starts with this.
    pub reference: Option<&'a str>,
    /// The debtor's name contains this, ignoring case.
    pub debtor: Option<&'a str>,
    /// Most answers (0: [`QUERY_LIMIT_MAX`]).
    pub limit: usize,
}

impl Engine {
    /// The ids of the cases that match, in id order.
    pub fn query(&self, q: &Query<'_>) -> Vec<CaseId> {
        let limit = if q.limit == 0 {
            QUERY_LIMIT_MAX
        } else {
            q.limit.min(QUERY_LIMIT_MAX)
        };
        let debtor = q.debtor.map(str::to_lowercase);
        let mut out = Vec::new();
        for c in self.cases() {
            if out.len() >= limit {
                break;
            }
            let ty = self.type_of(c);
            let ok = q.case_type.is_none_or(|t| *c.type_name == *t)
                && q.state
                    .is_none_or(|s| *ty.states[usize::from(c.state)].name == *s)
                && q.flag
                    .is_none_or(|f| ty.flag(f).is_some_and(|i| c.has_flag(i)))
                && q.reference.is_none_or(|r| c.reference.starts_with(r))
                && debtor
                    .as_deref()
                    .is_none_or(|d| c.debtor.to_lowercase().contains(d));
            if ok {
                out.push(c.id);
            }
        }
        out
    }
}
