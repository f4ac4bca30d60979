//! Who did what: every action worth answering for goes into the tenant's
//! hash-chained audit trail ([`store::audit`], ids only) before the answer,
//! and into the log (`target: "audit"`) with every value escaped, so a name
//! with a newline cannot write a line of its own.

use crate::AppState;
use crate::auth::{Actor, Principal};
use crate::error::ApiResult;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// A user signed in.
    SignedIn,
    /// A user signed out.
    SignedOut,
    /// A user was added.
    UserAdded,
    /// A user's role changed.
    RoleChanged,
    /// A user's password was reset.
    PasswordReset,
    /// A user was removed.
    UserRemoved,
    /// An API token was made.
    TokenCreated,
    /// An API token was revoked.
    TokenRevoked,
    /// The routing plan was replaced.
    PlanReplaced,
    /// A settings document was replaced.
    SettingsReplaced,
    /// A call recording was listened to (downloaded).
    RecordingListened,
    /// A supervisor forced an agent not ready.
    ForcedNotReady,
    /// A supervisor signed an agent out.
    ForcedSignOut,
    /// A supervisor offered waiting work to a chosen agent.
    Reassigned,
    /// A tenant was created (provider level).
    TenantCreated,
    /// A user set up a second factor.
    SecondFactorSet,
    /// A user removed their second factor.
    SecondFactorRemoved,
    /// An administrator removed a user's second factor (a lost phone).
    SecondFactorReset,
    /// Everything about a customer was exported (the data subject's access).
    CustomerExported,
    /// A person's data was erased (on request, or by retention).
    CustomerErased,
    /// An interaction was evaluated (quality review).
    Evaluated,
    /// An agent acknowledged an evaluation of theirs.
    EvaluationAcknowledged,
    /// A training playlist was made or changed.
    PlaylistSaved,
    /// A training playlist was removed.
    PlaylistRemoved,
    /// An agent searched the customers (the count found; never the text).
    CustomersSearched,
    /// An agent opened a customer outside their own work.
    CustomerLookedUp,
}

impl AuditAction {
    /// Its name in the trail.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignedIn => "signed_in",
            AuditAction::SignedOut => "signed_out",
            AuditAction::UserAdded => "user_added",
            AuditAction::RoleChanged => "role_changed",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::UserRemoved => "user_removed",
            AuditAction::TokenCreated => "token_created",
            AuditAction::TokenRevoked => "token_revoked",
            AuditAction::PlanReplaced => "plan_replaced",
            AuditAction::SettingsReplaced => "settings_replaced",
            AuditAction::RecordingListened => "recording_listened",
            AuditAction::ForcedNotReady => "forced_not_ready",
            AuditAction::ForcedSignOut => "forced_sign_out",
            AuditAction::Reassigned => "reassigned",
            AuditAction::TenantCreated => "tenant_created",
            AuditAction::SecondFactorSet => "second_factor_set",
            AuditAction::SecondFactorRemoved => "second_factor_removed",
            AuditAction::SecondFactorReset => "second_factor_reset",
            AuditAction::CustomerExported => "customer_exported",
            AuditAction::CustomerErased => "customer_erased",
            AuditAction::Evaluated => "evaluated",
            AuditAction::EvaluationAcknowledged => "evaluation_acknowledged",
            AuditAction::PlaylistSaved => "playlist_saved",
            AuditAction::PlaylistRemoved => "playlist_removed",
            AuditAction::CustomersSearched => "customers_searched",
            AuditAction::CustomerLookedUp => "customer_looked_up",
        }
    }
}

/// Records `action` by `actor` in the chain of
/// `tenant_id` (0: the provider's), on `target` if any.
pub async fn record_as(
    st: &AppState,
    tenant_id: i64,
    actor: Actor,
    action: AuditAction,
    target: Option<String>,
) -> ApiResult<()> {
    let at = crate::clock::now_ms();
    let actor = actor.to_string();
    st.store
        .audit_append(tenant_id, at, &actor, action.as_str(), target.as_deref())
        .await?;
    tracing::info!(target: "audit", tenant = tenant_id, actor = %actor, action = action.as_str(), on = ?target);
    Ok(())
}

/// Records `action` by the principal, in their tenant's chain.
pub async fn record(
    st: &AppState,
    p: &Principal,
    action: AuditAction,
    target: Option<String>,
) -> ApiResult<()> {
    let tenant = p.tenant.as_ref().map_or(0, |t| t.id());
    record_as(st, tenant, p.actor, action, target).await
}
