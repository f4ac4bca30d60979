//! Recording by the queue's policy ([`RecordingPolicy`]): whether a
//! connected call is recorded, where, and its `recording_started` fact.

use telephony::switch::CallCommand;

use super::{Ctx, RecordingPolicy, TenantCtx};
use crate::tenant::{Ack, Op};
use store::CallFact;

/// Starts recording a call by its queue's policy (always; or on demand, when
/// someone asked): the file's path, after its `recording_started` fact.
pub(super) async fn record_by_policy(
    ctx: &Ctx,
    t: &TenantCtx,
    call_id: &str,
    id: i64,
    asked_by: Option<String>,
) -> Option<String> {
    let policy = queue_policy(ctx, t, id).await;
    let by = match (policy, asked_by) {
        (RecordingPolicy::Always, None) => "always".to_owned(),
        (RecordingPolicy::Always | RecordingPolicy::OnDemand, Some(who)) => who,
        _ => return None,
    };
    let path = t.recordings.join(format!("{id}.wav"));
    ctx.control
        .command(call_id, CallCommand::Record(path.clone()));
    let path = path.display().to_string();
    let fact = CallFact::RecordingStarted {
        path: path.clone(),
        by,
    };
    if let Err(e) = t.handle.call(Op::CallFact(id, fact)).await {
        tracing::warn!(
            interaction = id,
            code = e.code,
            "sip: call fact not recorded"
        );
    }
    Some(path)
}

/// The recording policy of the interaction's queue.
async fn queue_policy(ctx: &Ctx, t: &TenantCtx, id: i64) -> RecordingPolicy {
    let rules = &t.config.recording;
    let default = rules.get("*").copied().unwrap_or_default();
    if rules.keys().all(|k| k == "*") {
        return default;
    }
    let queue_id = match ctx.store.interaction(&t.tenant, id).await {
        Ok(Some(v)) => v.queue_id,
        _ => None,
    };
    let Some(queue_id) = queue_id else {
        return default;
    };
    match t.handle.call(Op::Queues).await {
        Ok(Ack::Queues(list)) => list
            .iter()
            .find(|q| i64::from(q.id) == queue_id)
            .and_then(|q| rules.get(&q.name).copied())
            .unwrap_or(default),
        _ => default,
    }
}
