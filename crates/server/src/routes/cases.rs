//! Cases: case types (TOML documents, the shipped `collections` type there
//! for every tenant), cases with their debts, queries, and what people do
//! on them (moves, flags, promises, payments). The tenant core's case
//! engine decides; a case's history is read from the log (`case_log`).
//!
//! Agents see and work only the cases of customers of their own work (an
//! interaction of the case's debtor they handle or handled, a task of the
//! case among them); a move is also limited by the roles the case type
//! allows. Money is written as strings with at least two decimals beside
//! the case's `currency`.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use center::cases::{CaseCommand, CaseQuery, CaseView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use workflow::limits::{
    DEBTS_PER_CASE_MAX, FIELDS_MAX, FLAGS_MAX, NAME_MAX, REFERENCE_MAX, TEXT_MAX,
};
use workflow::{Actor, Amount, CaseId, Currency, Input, NewCase, NewDebt, NewPayment, Origin};

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::{Ack, Op};

/// Most facts of a case's history answered.
pub const HISTORY_MAX: i64 = 500;
/// Most recent interactions of an agent whose customers' cases they see.
const OWN_INTERACTIONS: i64 = 500;

/// `PUT /api/v1/case-types/{name}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeBody {
    /// The case type, TOML (see docs/workflow.md).
    pub document: String,
}

/// A case type loaded.
#[derive(Debug, Serialize, ToSchema)]
pub struct TypeInfo {
    /// Its name.
    pub name: String,
    /// Its latest version (0: shipped, loaded when a case first needs it).
    pub version: u32,
    /// Whether it is the type shipped with Centralita.
    pub shipped: bool,
}

/// `GET /api/v1/case-types`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Types {
    /// The types, in the order they were loaded.
    pub types: Vec<TypeInfo>,
}

/// The debtor when no `customer_id` is given: a record with this phone, or a new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DebtorBody {
    /// Name.
    pub name: String,
    /// Phone (E.164).
    #[serde(default)]
    pub phone: Option<String>,
}

/// A debt as given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DebtBody {
    /// Principal, a decimal string (`"1550.00"`).
    pub principal: String,
    /// Fees and costs.
    #[serde(default)]
    pub fees: Option<String>,
    /// Interest already owed.
    #[serde(default)]
    pub interest: Option<String>,
    /// ISO 4217 code (the case's).
    pub currency: String,
    /// When it fell due (YYYY-MM-DD).
    pub due_date: String,
    /// Who it was first owed to.
    pub creditor: String,
}

/// `POST /api/v1/cases`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseBody {
    /// The case type's name.
    #[serde(rename = "type")]
    pub case_type: String,
    /// Its reference, unique in the tenant.
    pub reference: String,
    /// The debtor's customer record.
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// Or the debtor's name and phone (matching or making a record).
    #[serde(default)]
    pub debtor: Option<DebtorBody>,
    /// The case's currency (default: its first debt's).
    #[serde(default)]
    pub currency: Option<String>,
    /// Its owner (a user name).
    #[serde(default)]
    pub owner: Option<String>,
    /// Field values as text, by name.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Its debts.
    #[serde(default)]
    pub debts: Vec<DebtBody>,
}

/// `GET /api/v1/cases`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Cases {
    /// The cases that match, in id order.
    pub cases: Vec<CaseView>,
}

/// One fact of a case's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryItem {
    /// Its number in the tenant's log.
    pub seq: i64,
    /// When (Unix ms).
    pub at: i64,
    /// `case_fact`, `case_action` or `case_letter_ordered`.
    pub kind: String,
    /// Why (a user, an import, an interaction, a payment, a trigger, a timer…).
    #[schema(value_type = Option<Object>)]
    pub cause: Option<serde_json::Value>,
    /// What changed, or what was done.
    #[schema(value_type = Object)]
    pub change: serde_json::Value,
}

/// `GET /api/v1/cases/{id}`: the case with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDetail {
    /// The case.
    #[serde(flatten)]
    pub case: CaseView,
    /// Its facts from the log, oldest first (the latest 500).
    pub history: Vec<HistoryItem>,
}

/// `POST /api/v1/cases/{id}/transition`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    /// The state.
    pub to: String,
    /// Why, in one's words.
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/cases/{id}/flags`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagsBody {
    /// Flags to set.
    #[serde(default)]
    pub set: Vec<String>,
    /// Flags to clear.
    #[serde(default)]
    pub clear: Vec<String>,
}

/// `POST /api/v1/cases/{id}/promises`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromiseBody {
    /// How much, a decimal string in the case's currency.
    pub amount: String,
    /// By when (YYYY-MM-DD).
    pub due_date: String,
}

/// `POST /api/v1/cases/{id}/payments`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    /// How much, a decimal string.
    pub amount: String,
    /// ISO 4217 code (the case's).
    pub currency: String,
    /// The day the money arrived (YYYY-MM-DD).
    pub date: String,
    /// The payer's reference.
    pub reference: String,
    /// Its id, unique in the case (default: the next `p1`, `p2`, …).
    #[serde(default)]
    pub id: Option<String>,
}

/// The case engine's role for a principal.
fn role(p: &Principal) -> workflow::Role {
    match p.role {
        Role::Admin => workflow::Role::Admin,
        Role::Agent => workflow::Role::Agent,
        _ => workflow::Role::Supervisor,
    }
}

pub(crate) fn actor(p: &Principal) -> Actor {
    Actor::new(&p.name, role(p))
}

pub(crate) fn amount(field: &str, s: &str) -> ApiResult<Amount> {
    Amount::parse(s).map_err(|e| ApiError::field(field, e))
}

fn currency(field: &str, s: &str) -> ApiResult<Currency> {
    Currency::parse(s).map_err(|e| ApiError::field(field, e))
}

pub(crate) fn date(field: &str, s: &str) -> ApiResult<chrono::NaiveDate> {
    center::settings::parse_date(s).map_err(|e| ApiError::field(field, e))
}

pub(crate) fn text(field: &str, s: &str, max: usize) -> ApiResult<()> {
    if s.trim().is_empty() || s.len() > max || s.chars().any(char::is_control) {
        return Err(ApiError::field(
            field,
            format!("1 to {max} bytes, no control characters"),
        ));
    }
    Ok(())
}

pub(crate) async fn case_call(st: &AppState, p: &Principal, cmd: CaseCommand) -> ApiResult<Ack> {
    let h = st.hub.tenant(p.tenant()?).await?;
    h.call(Op::Case(Box::new(cmd))).await
}

/// The case, if the principal may do `action` on it (agents: a case of a
/// customer of their own work; anything else is "not found").
pub(crate) async fn visible(
    st: &AppState,
    p: &Principal,
    action: Action,
    id: i64,
) -> ApiResult<CaseView> {
    p.require(action)?;
    let q = CaseQuery {
        id: Some(id as u64),
        ..Default::default()
    };
    let Ack::Cases(mut found) = case_call(st, p, CaseCommand::Query(q)).await? else {
        return Err(ApiError::internal("unexpected ack"));
    };
    let case = found.pop().ok_or_else(|| ApiError::not_found("case"))?;
    if crate::perms::own_work(p.role, action) {
        let customer = case
            .customer_id
            .ok_or_else(|| ApiError::not_found("case"))?;
        crate::scope::customer(st, p, action, customer)
            .await
            .map_err(|_| ApiError::not_found("case"))?;
    }
    Ok(case)
}

/// `PUT /api/v1/case-types/{name}`.
pub async fn set_type(
    State(st): State<AppState>,
    p: Principal,
    Path(name): Path<String>,
    Body(req): Body<TypeBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesManage)?;
    let ok = !name.is_empty()
        && name.len() <= NAME_MAX
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(ApiError::field(
            "name",
            format!("1 to {NAME_MAX} of a-z, 0-9 and _"),
        ));
    }
    let cmd = CaseCommand::SetType {
        name: name.clone(),
        document: req.document,
    };
    let Ack::Id(version) = case_call(&st, &p, cmd).await? else {
        return Err(ApiError::internal("unexpected ack"));
    };
    let body = TypeInfo {
        shipped: name == center::cases::SHIPPED_TYPE,
        name,
        version: version as u32,
    };
    Ok(axum::Json(body).into_response())
}

/// `GET /api/v1/case-types`.
pub async fn types(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::CasesRead)?;
    let Ack::CaseTypes(loaded) = case_call(&st, &p, CaseCommand::Types).await? else {
        return Err(ApiError::internal("unexpected ack"));
    };
    let shipped = center::cases::SHIPPED_TYPE;
    let mut types: Vec<TypeInfo> = loaded
        .into_iter()
        .map(|(name, version)| TypeInfo {
            shipped: name == shipped,
            name,
            version,
        })
        .collect();
    if !types.iter().any(|t| t.name == shipped) {
        types.push(TypeInfo {
            name: shipped.into(),
            version: 0,
            shipped: true,
        });
    }
    Ok(axum::Json(Types { types }).into_response())
}

/// Reads one debt of a new case.
fn debt(i: usize, d: &DebtBody) -> ApiResult<NewDebt> {
    let f = |name: &str| format!("debts[{i}].{name}");
    let zero = || Ok(Amount::ZERO);
    text(&f("creditor"), &d.creditor, REFERENCE_MAX)?;
    Ok(NewDebt {
        principal: amount(&f("principal"), &d.principal)?,
        fees: d
            .fees
            .as_deref()
            .map_or_else(zero, |s| amount(&f("fees"), s))?,
        interest: d
            .interest
            .as_deref()
            .map_or_else(zero, |s| amount(&f("interest"), s))?,
        currency: currency(&f("currency"), &d.currency)?,
        due_date: date(&f("due_date"), &d.due_date)?,
        creditor: d.creditor.clone(),
    })
}

/// The debtor's name, record and phone of a new case.
async fn debtor(
    st: &AppState,
    p: &Principal,
    req: &NewCaseBody,
) -> ApiResult<(String, Option<i64>, Option<String>)> {
    match (req.customer_id, &req.debtor) {
        (Some(id), given) => {
            crate::scope::customer(st, p, Action::CasesWork, id).await?;
            let c = st
                .store
                .customer(p.tenant()?, id)
                .await?
                .ok_or_else(|| ApiError::field("customer_id", format!("no customer {id}")))?;
            let name = given.as_ref().map_or(c.name, |d| d.name.clone());
            Ok((name, Some(id), None))
        }
        (None, Some(d)) => Ok((d.name.clone(), None, d.phone.clone())),
        (None, None) => Err(ApiError::field(
            "debtor",
            "give customer_id, or the debtor's name (and phone)",
        )),
    }
}

/// `POST /api/v1/cases`.
pub async fn create(
    State(st): State<AppState>,
    p: Principal,
    Body(req): Body<NewCaseBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesWork)?;
    text("reference", &req.reference, REFERENCE_MAX)?;
    if req.debts.len() > DEBTS_PER_CASE_MAX {
        return Err(ApiError::field(
            "debts",
            format!("at most {DEBTS_PER_CASE_MAX}"),
        ));
    }
    if req.fields.len() > FIELDS_MAX {
        return Err(ApiError::field("fields", format!("at most {FIELDS_MAX}")));
    }
    let debts = req
        .debts
        .iter()
        .enumerate()
        .map(|(i, d)| debt(i, d))
        .collect::<ApiResult<Vec<_>>>()?;
    let currency = match (&req.currency, debts.first()) {
        (Some(c), _) => currency("currency", c)?,
        (None, Some(d)) => d.currency,
        (None, None) => return Err(ApiError::field("currency", "give it, or a debt")),
    };
    if let Some(o) = &req.owner {
        text("owner", o, NAME_MAX)?;
    }
    let (name, customer, phone) = debtor(&st, &p, &req).await?;
    let case = NewCase {
        reference: req.reference,
        case_type: req.case_type,
        debtor: name,
        currency,
        owner: req.owner,
        fields: req.fields.into_iter().collect(),
        debts,
        by: Origin::User(actor(&p)),
    };
    let cmd = CaseCommand::Create {
        case: Box::new(case),
        customer,
        phone,
    };
    let Ack::Id(id) = case_call(&st, &p, cmd).await? else {
        return Err(ApiError::internal("unexpected ack"));
    };
    let body = crate::routes::customers::Created { id };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// `GET /api/v1/cases?state=&flag=&q=&limit=`.
pub async fn list(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<BTreeMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::CasesRead)?;
    let limit = match q.get("limit") {
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=center::cases::CASES_LISTED_MAX).contains(n))
            .ok_or_else(|| {
                ApiError::field("limit", format!("1 to {}", center::cases::CASES_LISTED_MAX))
            })?,
        None => 0,
    };
    for key in ["state", "flag", "q"] {
        if let Some(v) = q.get(key) {
            text(key, v, REFERENCE_MAX)?;
        }
    }
    let customers = match crate::perms::own_work(p.role, Action::CasesRead) {
        true => Some(own_customers(&st, &p).await?),
        false => None,
    };
    let query = CaseQuery {
        id: None,
        state: q.get("state").cloned(),
        flag: q.get("flag").cloned(),
        q: q.get("q").cloned(),
        customers,
        limit,
    };
    let Ack::Cases(cases) = case_call(&st, &p, CaseCommand::Query(query)).await? else {
        return Err(ApiError::internal("unexpected ack"));
    };
    Ok(axum::Json(Cases { cases }).into_response())
}

/// The customers of an agent's recent interactions.
pub(crate) async fn own_customers(st: &AppState, p: &Principal) -> ApiResult<Vec<i64>> {
    let me = p
        .agent
        .map(|a| i64::from(a.0))
        .ok_or_else(|| ApiError::conflict("your user is not linked to an agent"))?;
    let mine = st
        .store
        .interactions_of_agent(p.tenant()?, me, None, OWN_INTERACTIONS)
        .await?;
    let set: BTreeSet<i64> = mine.iter().filter_map(|i| i.customer_id).collect();
    Ok(set.into_iter().collect())
}

/// `GET /api/v1/cases/{id}`.
pub async fn one(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "case")?;
    let case = visible(&st, &p, Action::CasesRead, id).await?;
    Ok(axum::Json(detail(&st, &p, case).await?).into_response())
}

/// A case with its history from the log.
async fn detail(st: &AppState, p: &Principal, case: CaseView) -> ApiResult<CaseDetail> {
    let history = history_items(st, p, case.id as i64).await?;
    Ok(CaseDetail { case, history })
}

/// A case's history from the log, oldest first (the latest [`HISTORY_MAX`]).
pub(crate) async fn history_items(
    st: &AppState,
    p: &Principal,
    case: i64,
) -> ApiResult<Vec<HistoryItem>> {
    let facts = st.store.case_facts(p.tenant()?, case, HISTORY_MAX).await?;
    Ok(facts.into_iter().filter_map(history_item).collect())
}

fn history_item(r: store::Recorded) -> Option<HistoryItem> {
    let kind = r.fact.kind();
    let (cause, change) = match r.fact {
        store::Fact::CaseFact { mut entry, .. } => {
            let cause = entry.get_mut("cause").map(serde_json::Value::take);
            (cause, entry.get_mut("change")?.take())
        }
        store::Fact::CaseAction {
            action, outcome, ..
        } => (
            None,
            serde_json::json!({"action": action, "outcome": outcome}),
        ),
        store::Fact::CaseLetterOrdered {
            template,
            language,
            medium,
            ..
        } => (
            None,
            serde_json::json!({"template": template, "language": language, "medium": medium}),
        ),
        _ => return None,
    };
    Some(HistoryItem {
        seq: r.seq,
        at: r.at,
        kind,
        cause,
        change,
    })
}

/// Gives the engine an input on a case the principal may work.
pub(crate) async fn apply(st: &AppState, p: &Principal, id: i64, input: Input) -> ApiResult<()> {
    visible(st, p, Action::CasesWork, id).await?;
    case_call(st, p, CaseCommand::Input(Box::new(input))).await?;
    Ok(())
}

/// Gives the engine an input on a visible case and answers the case.
pub(super) async fn work(
    st: &AppState,
    p: &Principal,
    id: &str,
    input: impl FnOnce(CaseId) -> Input,
) -> ApiResult<Response> {
    let id = path_id(id, "case")?;
    apply(st, p, id, input(CaseId(id as u64))).await?;
    let case = visible(st, p, Action::CasesRead, id).await?;
    Ok(axum::Json(detail(st, p, case).await?).into_response())
}

/// `POST /api/v1/cases/{id}/transition`.
pub async fn transition(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<TransitionBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesWork)?;
    text("to", &req.to, NAME_MAX)?;
    if let Some(n) = &req.note {
        text("note", n, TEXT_MAX)?;
    }
    let by = actor(&p);
    work(&st, &p, &id, |case| Input::Transition {
        case,
        to: req.to,
        by,
        note: req.note,
    })
    .await
}

/// `POST /api/v1/cases/{id}/flags`.
pub async fn flags(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<FlagsBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesWork)?;
    if req.set.is_empty() && req.clear.is_empty() {
        return Err(ApiError::field("set", "give flags to set or to clear"));
    }
    for (field, list) in [("set", &req.set), ("clear", &req.clear)] {
        if list.len() > FLAGS_MAX {
            return Err(ApiError::field(field, format!("at most {FLAGS_MAX}")));
        }
        for f in list {
            text(field, f, NAME_MAX)?;
        }
    }
    let by = actor(&p);
    work(&st, &p, &id, |case| Input::SetFlags {
        case,
        set: req.set,
        clear: req.clear,
        by,
    })
    .await
}

/// `POST /api/v1/cases/{id}/promises`.
pub async fn promise(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<PromiseBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesWork)?;
    let amount = amount("amount", &req.amount)?;
    let due_date = date("due_date", &req.due_date)?;
    let by = actor(&p);
    work(&st, &p, &id, |case| Input::Promise {
        case,
        amount,
        due_date,
        by,
    })
    .await
}

/// `POST /api/v1/cases/{id}/payments` (until the bank import exists).
pub async fn payment(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<PaymentBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesWork)?;
    text("reference", &req.reference, REFERENCE_MAX)?;
    if let Some(i) = &req.id {
        text("id", i, REFERENCE_MAX)?;
    }
    let payment = NewPayment {
        id: req.id.unwrap_or_default(),
        amount: amount("amount", &req.amount)?,
        currency: currency("currency", &req.currency)?,
        date: date("date", &req.date)?,
        reference: req.reference,
    };
    work(&st, &p, &id, |case| Input::Payment { case, payment }).await
}
