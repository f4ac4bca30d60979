//! Whose work a principal sees: the permission table's "own" cells
//! ([`crate::perms::OWN_WORK`]). An agent sees the interactions they
//! handle or handled (offered to them, or taken by them, now or before a
//! transfer), with their notes, messages and customer; supervisors,
//! administrators and analysts see all of their tenant's. The API and the
//! agent's pages ask the same questions here. Anything out of sight is
//! "not found", so its existence is not told either.

use model::event::EventKind;
use model::fact::Fact;
use store::Tenant;
use store::read::InteractionView;

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::{Action, own_work};

/// Most interactions of a customer looked at to decide whether an agent
/// worked on one of them.
const HISTORY_LOOKED_AT: usize = 200;

/// The agent a principal works as, when the action limits them to their
/// own work; none when they see everything.
fn limited_to(p: &Principal, action: Action) -> ApiResult<Option<i64>> {
    if !own_work(p.role, action) {
        return Ok(None);
    }
    match (p.role, p.agent) {
        (_, Some(a)) => Ok(Some(i64::from(a.0))),
        (Role::Agent, None) => Err(ApiError::conflict("your user is not linked to an agent")),
        _ => Ok(None),
    }
}

/// Whether agent `me` handles or handled the interaction.
pub async fn handled_by(
    st: &AppState,
    t: &Tenant,
    it: &InteractionView,
    me: i64,
) -> ApiResult<bool> {
    if it.agent_id == Some(me) {
        return Ok(true);
    }
    let facts = st.store.interaction_facts(t, it.id).await?;
    Ok(facts.iter().any(|r| match &r.fact {
        Fact::Routing { event } => match &event.kind {
            EventKind::Offered { agent, .. } | EventKind::Accepted { agent, .. } => {
                i64::from(agent.0) == me
            }
            _ => false,
        },
        _ => false,
    }))
}

/// The interaction, if the principal may do `action` on it.
pub async fn interaction(
    st: &AppState,
    p: &Principal,
    action: Action,
    id: i64,
) -> ApiResult<InteractionView> {
    p.require(action)?;
    let t = p.tenant()?;
    let it = st
        .store
        .interaction(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("interaction"))?;
    if let Some(me) = limited_to(p, action)?
        && !handled_by(st, t, &it, me).await?
    {
        return Err(ApiError::not_found("interaction"));
    }
    Ok(it)
}

/// Whether the principal may do `action` on a customer: an agent limited
/// to their own work, if one of the customer's interactions is theirs.
pub async fn customer(st: &AppState, p: &Principal, action: Action, id: i64) -> ApiResult<()> {
    p.require(action)?;
    let Some(me) = limited_to(p, action)? else {
        return Ok(());
    };
    let t = p.tenant()?;
    let history = st.store.customer_history(t, id).await?;
    if history.iter().any(|it| it.agent_id == Some(me)) {
        return Ok(());
    }
    for it in history.iter().take(HISTORY_LOOKED_AT) {
        if handled_by(st, t, it, me).await? {
            return Ok(());
        }
    }
    Err(ApiError::not_found("customer"))
}

/// A customer an agent looks up (the desktop's search and timeline): their
/// own work's customers freely, any other of the tenant with the look-up in
/// the audit trail. Other roles as [`customer`].
pub async fn looked_up(st: &AppState, p: &Principal, id: i64) -> ApiResult<()> {
    match customer(st, p, Action::CustomersRead, id).await {
        Err(e) if e.code == "not_found" && limited_to(p, Action::CustomersRead)?.is_some() => {
            if st.store.customer_full(p.tenant()?, id).await?.is_none() {
                return Err(e);
            }
            let on = Some(format!("customer {id}"));
            crate::audit::record(st, p, crate::audit::AuditAction::CustomerLookedUp, on).await
        }
        other => other,
    }
}

/// Recent interactions the principal may see with `action`, newest
/// first (agents limited to their own work: those they hold or last held).
pub async fn interactions(
    st: &AppState,
    p: &Principal,
    action: Action,
    state: Option<&str>,
    limit: i64,
) -> ApiResult<Vec<InteractionView>> {
    p.require(action)?;
    let t = p.tenant()?;
    Ok(match limited_to(p, action)? {
        Some(me) => st.store.interactions_of_agent(t, me, state, limit).await?,
        None => st.store.interactions(t, state, limit).await?,
    })
}
