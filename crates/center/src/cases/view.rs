//! What the API shows of a case (money as strings with at least two
//! decimals beside the case's `currency`), and the cases' query: state,
//! flag, and a text matching the reference, the debtor's name, phone or
//! external id.

use serde::Serialize;
use workflow::case::Case;
use workflow::{CaseId, Query};

use super::CASES_LISTED_MAX;
use crate::core::TenantCore;

/// A debt as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DebtView {
    /// Its number in the case.
    pub id: u32,
    /// Principal owed.
    pub principal: String,
    /// Fees owed.
    pub fees: String,
    /// Interest owed (accrued so far).
    pub interest: String,
    /// Still owed of it.
    pub outstanding: String,
    /// When it fell due.
    pub due_date: String,
    /// Who it was first owed to.
    pub creditor: String,
}

/// A payment as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentView {
    /// Its id.
    pub id: String,
    /// How much.
    pub amount: String,
    /// The day the money arrived.
    pub date: String,
    /// The payer's reference.
    pub reference: String,
    /// What was left over.
    pub unallocated: String,
}

/// A promise as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PromiseView {
    /// Its number in the case.
    pub id: u32,
    /// How much.
    pub amount: String,
    /// By when.
    pub due_date: String,
    /// `pending`, `kept` or `broken`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: workflow::PromiseState,
    /// Paid towards it.
    pub paid: String,
}

/// A case as the API shows it (its history comes from the log).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    /// Its id.
    pub id: u64,
    /// Its reference.
    pub reference: String,
    /// Its type's name.
    #[serde(rename = "type")]
    pub case_type: String,
    /// The type's version it keeps.
    pub version: u32,
    /// Its state.
    pub state: String,
    /// Flags set.
    pub flags: Vec<String>,
    /// Field values as text, by name.
    pub fields: std::collections::BTreeMap<String, String>,
    /// Still owed.
    pub balance: String,
    /// The currency of all its money.
    pub currency: String,
    /// Who owes.
    pub debtor: String,
    /// The debtor's customer record.
    pub customer_id: Option<i64>,
    /// Its owner.
    pub owner: Option<String>,
    /// Its debts.
    pub debts: Vec<DebtView>,
    /// Its payments.
    pub payments: Vec<PaymentView>,
    /// Its promises.
    pub promises: Vec<PromiseView>,
    /// Recalled by the client.
    pub recalled: bool,
    /// Disputed by the debtor.
    pub disputed: bool,
    /// Paid so far (allocated to its debts).
    pub paid: String,
    /// Written off (a settlement's rest, a write-off).
    pub written_off: String,
    /// An agreed settlement not yet paid: the amount agreed.
    pub settlement: Option<String>,
    /// The moves its type has from its state, each with the roles that may make it.
    pub moves: Vec<MoveView>,
    /// Every flag its type has (to set).
    pub flag_names: Vec<String>,
}

/// A move a case's type has from its state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveView {
    /// The state it goes to.
    pub to: String,
    /// Who may make it: `agent`, `supervisor`, `admin`, `system`.
    pub roles: Vec<String>,
}

/// What to look for (every condition given must hold).
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    /// One case by id.
    pub id: Option<u64>,
    /// The state's name.
    pub state: Option<String>,
    /// A flag set.
    pub flag: Option<String>,
    /// The reference's start, the debtor's name (part), phone or external id.
    pub q: Option<String>,
    /// Only the cases of these debtors' records (an agent's own work); none: all.
    pub customers: Option<Vec<i64>>,
    /// Most answers (0 or more than [`CASES_LISTED_MAX`]: that).
    pub limit: usize,
}

impl TenantCore {
    /// Case types: name and latest version, in the order they were loaded.
    pub(crate) fn case_types(&self) -> Vec<(String, u32)> {
        let e = &self.cases.engine;
        e.type_names()
            .filter_map(|n| Some((n.to_string(), e.case_type(n)?.version)))
            .collect()
    }

    /// A field of a case as text.
    pub(crate) fn case_field(&self, case: u64, name: &str) -> Option<String> {
        let e = &self.cases.engine;
        let c = e.case(CaseId(case))?;
        let ty = e.type_of(c);
        let i = ty.field(name)?;
        let v = c.fields.get(usize::from(i))?.as_ref()?;
        Some(v.display(&ty.fields[usize::from(i)].kind))
    }

    /// The cases that match, in id order.
    pub(crate) fn query_cases(&self, q: &CaseQuery) -> Vec<CaseView> {
        let limit = match q.limit {
            0 => CASES_LISTED_MAX,
            n => n.min(CASES_LISTED_MAX),
        };
        let e = &self.cases.engine;
        let ids: Box<dyn Iterator<Item = u64>> = match (q.id, q.q.as_deref()) {
            (Some(id), _) => Box::new(e.case(CaseId(id)).map(|c| c.id.0).into_iter()),
            (None, Some(text)) => Box::new(self.matching(text).into_iter()),
            (None, None) => Box::new(e.cases().map(|c| c.id.0)),
        };
        ids.filter(|id| {
            q.customers
                .as_ref()
                .is_none_or(|cs| self.cases.customer_of(*id).is_some_and(|c| cs.contains(&c)))
        })
        .filter_map(|id| e.case(CaseId(id)))
        .filter(|c| q.state.as_deref().is_none_or(|s| e.state_name(c) == s))
        .filter(|c| {
            q.flag
                .as_deref()
                .is_none_or(|f| e.type_of(c).flag(f).is_some_and(|i| c.has_flag(i)))
        })
        .take(limit)
        .map(|c| self.case_view(c))
        .collect()
    }

    /// Cases whose reference starts with `text`, whose debtor's name holds
    /// it, or whose debtor's record has it as a phone or an external id.
    fn matching(&self, text: &str) -> Vec<u64> {
        let e = &self.cases.engine;
        let mut ids: Vec<u64> = Vec::new();
        for q in [
            Query {
                reference: Some(text),
                ..Query::default()
            },
            Query {
                debtor: Some(text),
                ..Query::default()
            },
        ] {
            ids.extend(e.query(&q).into_iter().map(|c| c.0));
        }
        let plain: String = text
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        let by_phone = (!plain.is_empty())
            .then(|| self.index.customer_by_phone(&plain))
            .flatten();
        let by_external = self.index.customers.by_external(text);
        for customer in [by_phone, by_external].into_iter().flatten() {
            ids.extend(self.cases.of_customer(customer));
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// A case as the API shows it.
    pub(crate) fn case_view(&self, c: &Case) -> CaseView {
        let e = &self.cases.engine;
        let ty = e.type_of(c);
        let fields = ty
            .fields
            .iter()
            .zip(&c.fields)
            .filter_map(|(def, v)| Some((def.name.to_string(), v.as_ref()?.display(&def.kind))))
            .collect();
        let flags = (0..ty.flags.len())
            .filter(|i| c.has_flag(*i as u8))
            .map(|i| ty.flags[i].to_string())
            .collect();
        CaseView {
            id: c.id.0,
            reference: c.reference.to_string(),
            case_type: c.type_name.to_string(),
            version: c.version,
            state: e.state_name(c).to_string(),
            flags,
            fields,
            balance: c.balance().to_string(),
            currency: c.currency.to_string(),
            debtor: c.debtor.to_string(),
            customer_id: self.cases.customer_of(c.id.0),
            owner: c.owner.as_ref().map(|o| o.to_string()),
            debts: debts(c),
            payments: c
                .payments
                .iter()
                .map(|p| PaymentView {
                    id: p.id.to_string(),
                    amount: p.amount.to_string(),
                    date: p.date.to_string(),
                    reference: p.reference.to_string(),
                    unallocated: p.unallocated.to_string(),
                })
                .collect(),
            promises: c
                .promises
                .iter()
                .map(|p| PromiseView {
                    id: p.id,
                    amount: p.amount.to_string(),
                    due_date: p.due_date.to_string(),
                    state: p.state,
                    paid: p.paid.to_string(),
                })
                .collect(),
            recalled: c.recalled,
            disputed: c.disputed,
            paid: c.paid_total().to_string(),
            written_off: c.written_off_total().to_string(),
            settlement: c.settlement.as_ref().map(|s| s.amount.to_string()),
            moves: moves(ty, c),
            flag_names: ty.flags.iter().map(|f| f.to_string()).collect(),
        }
    }
}

/// The moves of a case's type from its state (not to the state itself).
fn moves(ty: &workflow::CaseType, c: &Case) -> Vec<MoveView> {
    use workflow::Role as R;
    ty.transitions
        .iter()
        .filter(|t| t.from & (1 << c.state) != 0 && t.to != c.state)
        .map(|t| MoveView {
            to: ty.states[usize::from(t.to)].name.to_string(),
            roles: [R::Agent, R::Supervisor, R::Admin, R::System]
                .into_iter()
                .filter(|r| t.roles.contains(*r))
                .map(|r| r.to_string())
                .collect(),
        })
        .collect()
}

fn debts(c: &Case) -> Vec<DebtView> {
    use workflow::types::Component as K;
    c.debts
        .iter()
        .map(|d| DebtView {
            id: d.id,
            principal: d.owed[K::Principal as usize].to_string(),
            fees: d.owed[K::Fees as usize].to_string(),
            interest: d.owed[K::Interest as usize].to_string(),
            outstanding: [K::Fees, K::Interest, K::Principal]
                .into_iter()
                .map(|k| d.outstanding(k))
                .fold(workflow::Amount::ZERO, workflow::Amount::plus)
                .to_string(),
            due_date: d.due_date.to_string(),
            creditor: d.creditor.to_string(),
        })
        .collect()
}
