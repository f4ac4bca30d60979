//! Sign-in and who is asking: roles, argon2id passwords, API tokens,
//! sessions with CSRF (the lock-out after failed sign-ins is in
//! [`crate::lockout`], password checks run in [`crate::passwords`]), and the
//! [`Principal`] extractor every API handler takes.
//!
//! Secrets are never stored or logged: passwords as argon2id PHC strings,
//! API tokens and session ids as BLAKE2b hashes (they are long random
//! strings, so a fast hash is enough and lookups stay cheap).

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use blake2::{Blake2b512, Digest};
use model::AgentId;
use store::Tenant;

use crate::AppState;
use crate::error::ApiError;
use crate::perms::{Action, allowed};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "centralita_session";
/// How long a session lasts, in milliseconds (12 hours: one shift and some).
pub const SESSION_TTL_MS: i64 = 12 * 3600 * 1000;
pub use crate::lockout::{FAILURES_BEFORE_LOCK, LOCK_DURATION, Throttle};
/// Most API tokens kept in the lookup cache.
pub const TOKEN_CACHE_MAX: usize = 10_000;
/// Shortest password accepted, in characters.
pub const PASSWORD_LEN_MIN: usize = 12;

/// What a user or token may do, by role (see [`crate::perms`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Provider-level administrator: manages tenants, sees no tenant's data.
    Provider,
    /// Tenant administrator: users, agents, queues, plans.
    Admin,
    /// Runs the floor: agents' states, interactions, live view.
    Supervisor,
    /// Handles interactions.
    Agent,
    /// Reads data and reports.
    Analyst,
    /// A client company of a provider: read-only reports of its own tenant.
    Client,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] = [
        Role::Provider,
        Role::Admin,
        Role::Supervisor,
        Role::Agent,
        Role::Analyst,
        Role::Client,
    ];
    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Provider => "provider",
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Agent => "agent",
            Role::Analyst => "analyst",
            Role::Client => "client",
        }
    }
    /// Parses a name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Who is making a request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// Their tenant (none for provider administrators).
    pub tenant: Option<Tenant>,
    /// Their role.
    pub role: Role,
    /// User name, or `token:LABEL` for API tokens.
    pub name: String,
    /// The agent a user works as.
    pub agent: Option<AgentId>,
    /// Who, by id (the audit trail's actor).
    pub actor: Actor,
}

/// Who acts, by id: a tenant's user, a provider administrator or an API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A user of the principal's tenant.
    User(i64),
    /// A provider administrator.
    Provider(i64),
    /// An API token of the principal's tenant.
    Token(i64),
    /// The server itself (retention).
    System,
}

impl Actor {
    /// The signed-in user's id, for a user or provider administrator.
    pub fn user(self) -> Option<i64> {
        match self {
            Actor::User(id) | Actor::Provider(id) => Some(id),
            Actor::Token(_) | Actor::System => None,
        }
    }
}

impl std::fmt::Display for Actor {
    /// As the audit trail writes it: `user:5`, `provider:1`, `token:3`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Actor::User(id) => write!(f, "user:{id}"),
            Actor::Provider(id) => write!(f, "provider:{id}"),
            Actor::Token(id) => write!(f, "token:{id}"),
            Actor::System => f.write_str("system"),
        }
    }
}

impl Principal {
    /// Checks the permission table; a denial is logged (without secrets).
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if allowed(self.role, action) {
            Ok(())
        } else {
            tracing::warn!(target: "audit", who = ?self.name, role = self.role.as_str(),
                tenant = self.tenant.as_ref().map(|t| t.name()), action = action.as_str(), "permission denied");
            Err(ApiError::forbidden(action.describe()))
        }
    }

    /// The tenant scope, for tenant endpoints (provider administrators have none).
    pub fn tenant(&self) -> Result<&Tenant, ApiError> {
        self.tenant
            .as_ref()
            .ok_or_else(|| ApiError::forbidden("use tenant endpoints"))
    }
}

/// Hashes a password with argon2id (default parameters, random salt).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?
        .to_string())
}

/// Checks a password against a PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checks a new password's strength: long beats clever, so at least
/// [`PASSWORD_LEN_MIN`] characters, not all of them spaces, and not the
/// user's own name.
pub fn check_new_password(password: &str, username: &str) -> Result<(), String> {
    if password.chars().count() < PASSWORD_LEN_MIN {
        return Err(format!("at least {PASSWORD_LEN_MIN} characters"));
    }
    if password.trim().is_empty() {
        return Err("not only spaces".into());
    }
    if password.trim().eq_ignore_ascii_case(username.trim()) {
        return Err("not the user name".into());
    }
    if password.len() > 1024 {
        return Err("at most 1024 bytes".into());
    }
    Ok(())
}

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    // The OS's randomness failing is not something to serve through.
    getrandom::fill(&mut b).expect("the OS random source works");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A new API token (shown once) : `ctk_` and 64 hex digits.
pub fn new_token() -> String {
    format!("ctk_{}", random_hex(32))
}

/// The stored form of a token or session id.
pub fn secret_hash(secret: &str) -> String {
    let d = Blake2b512::digest(secret.as_bytes());
    d.iter().take(32).map(|x| format!("{x:02x}")).collect()
}

/// How often a cached API token is checked against the database again (a
/// token revoked from the command line stops working within this).
pub const TOKEN_RECHECK: std::time::Duration = std::time::Duration::from_secs(1);
/// A token's last use is written at most this often (ms).
pub const TOKEN_TOUCH_EVERY_MS: i64 = 60_000;

/// An API token as the cache keeps it.
#[derive(Debug, Clone)]
struct CachedToken {
    principal: Principal,
    tenant_id: i64,
    id: i64,
    expires_at: Option<i64>,
    checked: std::time::Instant,
}

/// Cache of API tokens by hash (checked again every [`TOKEN_RECHECK`], and
/// forgotten at once when revoked through the API) and of sessions
/// (removed at sign-out, checked for expiry on every use).
#[derive(Debug, Default)]
pub struct TokenCache {
    map: Mutex<HashMap<String, CachedToken>>,
    sessions: Mutex<HashMap<String, (Principal, String, i64)>>,
}

impl TokenCache {
    /// Forgets a revoked token.
    pub fn forget_token(&self, tenant_id: i64, id: i64) {
        self.map
            .lock()
            .expect("token cache")
            .retain(|_, c| !(c.tenant_id == tenant_id && c.id == id));
    }

    /// A cached token still fresh enough to trust.
    fn fresh(&self, hash: &str) -> Option<CachedToken> {
        let map = self.map.lock().expect("token cache");
        let c = map.get(hash)?;
        (crate::clock::mono().duration_since(c.checked) < TOKEN_RECHECK).then(|| c.clone())
    }

    /// Forgets a session (sign-out).
    pub fn forget_session(&self, hash: &str) {
        self.sessions.lock().expect("session cache").remove(hash);
    }

    /// Forgets every cached session of a tenant's user, so that a changed
    /// role, a reset password or a removal takes effect on the next request.
    pub fn forget_user(&self, tenant_id: i64, username: &str) {
        self.sessions
            .lock()
            .expect("session cache")
            .retain(|_, (p, _, _)| {
                !(p.name == username && p.tenant.as_ref().map(|t| t.id()) == Some(tenant_id))
            });
    }
}

/// The principal of an API token (by its hash): from the cache while
/// fresh, else from the database (then its last use is noted, at most once
/// a minute). An expired or revoked token is refused.
async fn token_principal(state: &AppState, h: &str) -> Result<Principal, ApiError> {
    let now = crate::clock::now_ms();
    if let Some(c) = state.tokens.fresh(h) {
        if c.expires_at.is_some_and(|e| e <= now) {
            return Err(ApiError::unauthenticated());
        }
        return Ok(c.principal);
    }
    let Some(rec) = state.store.token(h).await? else {
        state.tokens.map.lock().expect("token cache").remove(h);
        return Err(ApiError::unauthenticated());
    };
    if rec.expires_at.is_some_and(|e| e <= now) {
        return Err(ApiError::unauthenticated());
    }
    let tenant = state
        .store
        .tenant_by_id(rec.tenant_id)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    let role = Role::parse(&rec.role).ok_or_else(ApiError::unauthenticated)?;
    let p = Principal {
        tenant: Some(tenant),
        role,
        name: format!("token:{}", rec.name),
        agent: None,
        actor: Actor::Token(rec.id),
    };
    if rec
        .last_used_at
        .is_none_or(|t| now - t >= TOKEN_TOUCH_EVERY_MS)
    {
        state.store.touch_token(h, now).await?;
    }
    let mut cache = state.tokens.map.lock().expect("token cache");
    if cache.len() >= TOKEN_CACHE_MAX {
        cache.clear();
    }
    cache.insert(
        h.to_string(),
        CachedToken {
            principal: p.clone(),
            tenant_id: rec.tenant_id,
            id: rec.id,
            expires_at: rec.expires_at,
            checked: crate::clock::mono(),
        },
    );
    Ok(p)
}

fn cookie(parts: &Parts, name: &str) -> Option<String> {
    crate::ui::cookie(&parts.headers, name)
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // Already authenticated by the permission middleware.
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(p.clone());
        }
        let auth = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if let Some(auth) = auth {
            let token = auth
                .strip_prefix("Bearer ")
                .ok_or_else(ApiError::unauthenticated)?
                .trim();
            return token_principal(state, &secret_hash(token)).await;
        }
        let Some(sid) = cookie(parts, SESSION_COOKIE) else {
            return Err(ApiError::unauthenticated());
        };
        let sid_hash = secret_hash(&sid);
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let cached = state
            .tokens
            .sessions
            .lock()
            .expect("session cache")
            .get(&sid_hash)
            .cloned();
        if let Some((p, csrf, expires_at)) = cached
            && expires_at > crate::clock::now_ms()
        {
            if unsafe_method
                && parts
                    .headers
                    .get("x-csrf-token")
                    .and_then(|v| v.to_str().ok())
                    != Some(csrf.as_str())
            {
                return Err(ApiError::csrf());
            }
            return Ok(p);
        }
        let sess = state
            .store
            .session(&sid_hash)
            .await?
            .filter(|s| s.expires_at > crate::clock::now_ms())
            .ok_or_else(ApiError::unauthenticated)?;
        if unsafe_method {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            if sent != Some(sess.csrf.as_str()) {
                return Err(ApiError::csrf());
            }
        }
        let user = state
            .store
            .user_by_id(sess.tenant_id, sess.user_id)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        let tenant = if sess.tenant_id == store::auth::PROVIDER_TENANT_ID {
            None
        } else {
            Some(
                state
                    .store
                    .tenant_by_id(sess.tenant_id)
                    .await?
                    .ok_or_else(ApiError::unauthenticated)?,
            )
        };
        let actor = if tenant.is_none() {
            Actor::Provider(user.id)
        } else {
            Actor::User(user.id)
        };
        let p = Principal {
            tenant,
            role: Role::parse(&user.role).ok_or_else(ApiError::unauthenticated)?,
            name: user.username,
            agent: user.agent_id.map(|a| AgentId(a as u32)),
            actor,
        };
        // An agent linked after sign-in is picked up on the next uncached lookup;
        // sessions of users not yet linked are not cached for that reason.
        if p.role != Role::Agent || p.agent.is_some() {
            let mut cache = state.tokens.sessions.lock().expect("session cache");
            if cache.len() >= TOKEN_CACHE_MAX {
                cache.clear();
            }
            cache.insert(sid_hash, (p.clone(), sess.csrf.clone(), sess.expires_at));
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_password() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_long_and_hashed_stably() {
        let a = new_token();
        assert_eq!(a.len(), 4 + 64);
        assert_ne!(a, new_token());
        assert_eq!(secret_hash(&a), secret_hash(&a));
        assert_ne!(secret_hash(&a), a);
    }
}
