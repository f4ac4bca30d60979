//! Agents leave routing when they leave their desktop: signing out of the
//! web UI or the API (`DELETE /api/v1/sessions`) with no other session
//! open, or the last session expiring, signs the agent out of routing. Work
//! offered to them goes back to its place; work they hold stays with them
//! until they finish it, and then they are signed out.
//!
//! Expired sessions are swept every [`SWEEP_EVERY_DEFAULT`] (or
//! `CENTRALITA_SESSION_SWEEP_S` seconds); [`sweep_once`] does one sweep.

use std::time::Duration;

use crate::AppState;
use crate::auth::Principal;
use crate::clock;
use crate::tenant::Op;

/// How often expired sessions are swept.
pub const SWEEP_EVERY_DEFAULT: Duration = Duration::from_secs(60);
/// Sessions looked at per sweep at most; the next sweep takes the rest.
pub const SESSIONS_PER_SWEEP_MAX: i64 = 10_000;

/// The sweep interval: `CENTRALITA_SESSION_SWEEP_S` if set, else the default.
pub fn sweep_every() -> Duration {
    std::env::var("CENTRALITA_SESSION_SWEEP_S")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0 && s.is_finite())
        .map(Duration::from_secs_f64)
        .unwrap_or(SWEEP_EVERY_DEFAULT)
}

/// Signs an agent out of routing (a refusal because they are signed out
/// already is no failure).
async fn sign_out_agent(st: &AppState, tenant: &store::Tenant, agent: i64) {
    match st.hub.tenant(tenant).await {
        Ok(h) => {
            if let Err(e) = h.call(Op::SignOut(agent)).await {
                tracing::warn!(tenant = tenant.name(), agent, error = %e.message, "could not sign the agent out of routing");
            }
        }
        Err(e) => tracing::warn!(tenant = tenant.name(), error = %e.message, "no tenant task"),
    }
}

/// After a session was closed: a user who works as an agent and has no
/// other live session is signed out of routing.
pub async fn session_closed(st: &AppState, p: &Principal) {
    let (Some(tenant), Some(agent)) = (&p.tenant, p.agent) else {
        return;
    };
    let user = match st.store.user(tenant, &p.name).await {
        Ok(Some(u)) => u,
        _ => return,
    };
    match st
        .store
        .has_live_session(tenant, user.id, clock::now_ms())
        .await
    {
        Ok(false) => sign_out_agent(st, tenant, i64::from(agent.0)).await,
        Ok(true) => {}
        Err(e) => tracing::warn!(error = %e, "could not look up the user's sessions"),
    }
}

/// Deletes the sessions expired by `now_ms` and signs out of routing the
/// agents left without one; returns how many agents it signed out.
pub async fn sweep_once(st: &AppState, now_ms: i64) -> anyhow::Result<usize> {
    let left = st
        .store
        .sweep_sessions(now_ms, SESSIONS_PER_SWEEP_MAX)
        .await?;
    let mut n = 0;
    for (tenant_id, _user, agent) in left {
        let Some(agent) = agent else { continue };
        let Some(tenant) = st.store.tenant_by_id(tenant_id).await? else {
            continue;
        };
        sign_out_agent(st, &tenant, agent).await;
        n += 1;
    }
    Ok(n)
}

/// Sweeps every `every` until the server stops.
pub fn run(st: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            if let Err(e) = sweep_once(&st, clock::now_ms()).await {
                tracing::warn!(error = %e, "the session sweep failed");
            }
        }
    })
}
