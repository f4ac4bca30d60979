//! Centralita's server: the HTTP JSON API, live event streams, sign-in and
//! tenancy, and the tasks that own each tenant's engines.
//!
//! - [`presence`]: agents signed out of routing when their last session
//!   ends or expires.
//! - [`tenant`]: one task per tenant drives its `center::TenantCore`; handlers talk
//!   to it through a channel; it commits facts (group commit) before it
//!   acknowledges or publishes, and rebuilds its engine from the log on start.
//! - [`routes`]: one module per resource under `/api/v1`, the public chat page.
//! - [`auth`]: roles, argon2id passwords, API tokens, sessions with CSRF,
//!   lock-out; [`perms`]: the permission and route tables (data).
//! - [`error`]: the error envelope and stable codes; [`openapi`]: the document,
//!   with each route's request and response schemas (`utoipa`).
//! - [`import`]: imports of customer files (read on a thread, matched and
//!   written in chunks through the tenant core).
//! - [`bench`]: the load benchmark and its HTTP/1.1 client over hyper.
//! - [`demo`]: the demo tenant and its simulated customers and agents.
//! - [`ui`]: the web UI (agent desktop, wallboard, administration) under `/ui`.

pub mod audit;
pub mod auth;
pub mod bench;
pub mod clock;
pub mod debts;
pub mod demo;
pub mod dnc;
pub mod erasure;
pub mod error;
pub mod feed;
pub mod import;
pub mod letters;
pub mod lockout;
pub mod mail;
pub mod mask;
pub mod oidc;
pub mod openapi;
pub mod passwords;
pub use center::outbound;
pub mod payments;
pub mod perms;
pub mod presence;
pub mod ratelimit;
pub mod retention;
pub mod routes;
pub mod scope;
pub mod secrets;
pub mod serve;
pub mod signin;
pub mod sip;
pub mod targets;
pub mod tenant;
pub mod totp;
pub mod ui;
pub mod webhooks;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use store::{Store, Tenant};
use tokio::sync::Mutex;

use crate::error::ApiError;
use crate::tenant::TenantHandle;

/// The running tenant tasks, started on first use (and for every tenant at start-up).
#[derive(Debug)]
pub struct Hub {
    store: Store,
    tenants: Mutex<HashMap<i64, TenantHandle>>,
    /// The server's secret key, which keeps the tenants' erasure keys
    /// (none: the tasks erase nothing, as in the command line's imports).
    secrets: Option<Arc<secrets::SecretBox>>,
}

impl Hub {
    /// A hub with no tasks yet, whose tenants cannot erase.
    pub fn new(store: Store) -> Self {
        Hub {
            store,
            tenants: Mutex::new(HashMap::new()),
            secrets: None,
        }
    }

    /// A hub with no tasks yet, whose tenants' erasure keys the secret key keeps.
    pub fn with_secrets(store: Store, secrets: Arc<secrets::SecretBox>) -> Self {
        Hub {
            secrets: Some(secrets),
            ..Hub::new(store)
        }
    }

    /// The tenant's task, started (and recovered from the log) if needed.
    pub async fn tenant(&self, t: &Tenant) -> Result<TenantHandle, ApiError> {
        let mut map = self.tenants.lock().await;
        if let Some(h) = map.get(&t.id()) {
            return Ok(h.clone());
        }
        let key = match &self.secrets {
            Some(s) => match erasure::tenant_key(&self.store, t, s).await {
                Ok(k) => Some(k),
                Err(e) => {
                    tracing::warn!(tenant = t.name(), error = %e, "no erasure key: this tenant cannot erase customers");
                    None
                }
            },
            None => None,
        };
        let h = tenant::spawn(self.store.writer(), t.clone(), key)
            .await
            .map_err(ApiError::internal)?;
        map.insert(t.id(), h.clone());
        Ok(h)
    }
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Tenant tasks.
    pub hub: Arc<Hub>,
    /// Failed sign-in throttle.
    pub throttle: Arc<lockout::Throttle>,
    /// Password checks, off the async workers and bounded.
    pub passwords: Arc<passwords::Passwords>,
    /// How often anonymous callers may start a public chat.
    pub chat_limits: Arc<ratelimit::ChatLimits>,
    /// Whether browsers reach the server over TLS (served with TLS, or
    /// `CENTRALITA_TLS_PROXY=1` when a TLS proxy is in front): cookies are
    /// `Secure` and HSTS is sent.
    pub secure: bool,
    /// API token cache.
    pub tokens: Arc<auth::TokenCache>,
    /// A hash verified against when the user does not exist (constant-ish timing).
    pub dummy_hash: Arc<String>,
    /// The web UI's live figures.
    pub ui: Arc<ui::UiState>,
    /// The key that seals secrets at rest.
    pub secrets: Arc<secrets::SecretBox>,
    /// Sign-ins half done: a second factor awaited, an OpenID provider's answer awaited.
    pub pending: Arc<signin::Pending>,
    /// Calls to tenants' OpenID providers.
    pub oidc: Arc<oidc::OidcClient>,
    /// Whether tenants' webhooks and mailboxes may reach this machine
    /// (`CENTRALITA_ALLOW_LOCAL_TARGETS`; see [`targets`]).
    pub allow_local_targets: bool,
}

impl AppState {
    /// State over a store.
    pub fn new(store: Store) -> anyhow::Result<AppState> {
        let secrets = Arc::new(secrets::SecretBox::from_env()?.unwrap_or_else(|| {
            tracing::warn!("no secret key set (CENTRALITA_SECRET_KEY): secrets sealed now open only until a restart");
            secrets::SecretBox::ephemeral()
        }));
        Ok(AppState {
            hub: Arc::new(Hub::with_secrets(store.clone(), secrets.clone())),
            store,
            throttle: Arc::new(lockout::Throttle::from_env()),
            passwords: Arc::new(passwords::Passwords::from_env()),
            chat_limits: Arc::default(),
            secure: std::env::var("CENTRALITA_TLS_PROXY").is_ok_and(|v| v == "1" || v == "true"),
            tokens: Arc::default(),
            dummy_hash: Arc::new(auth::hash_password(&auth::random_hex(16))?),
            ui: Arc::default(),
            secrets,
            pending: Arc::new(signin::Pending::from_env()),
            oidc: Arc::default(),
            allow_local_targets: targets::allow_local_from_env(),
        })
    }
}

/// The application: every route over a state (tests call it without a socket).
pub fn app(state: AppState) -> axum::Router {
    routes::router(state)
}

/// A server bound to a port.
#[derive(Debug)]
pub struct Running {
    /// Where it listens (the real port when asked for port 0).
    pub addr: SocketAddr,
    /// Its state (to drive tenants in-process: demo, bench).
    pub state: AppState,
    /// The serving task.
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Opens the store, starts every tenant's task (recovering engines), binds and serves.
pub async fn start(database_url: &str, listen: &str) -> anyhow::Result<Running> {
    start_with(database_url, listen, serve::Limits::from_env(), None, None).await
}

/// [`start`] with these connection limits, TLS and secret key (from the
/// environment, else a key that lasts as long as the process, when none).
pub async fn start_with(
    database_url: &str,
    listen: &str,
    limits: serve::Limits,
    tls: Option<serve::Tls>,
    secrets: Option<secrets::SecretBox>,
) -> anyhow::Result<Running> {
    use anyhow::Context;
    let store = Store::open(database_url)
        .await
        .with_context(|| "cannot open the database")?;
    let ended = store.end_interrupted_imports(clock::now_ms()).await?;
    if ended > 0 {
        tracing::warn!(
            imports = ended,
            "imports left running by the last process are marked failed"
        );
    }
    let mut state = AppState::new(store.clone())?;
    state.secure |= tls.is_some();
    if let Some(b) = secrets {
        state.secrets = Arc::new(b);
        state.hub = Arc::new(Hub::with_secrets(store.clone(), state.secrets.clone()));
    }
    for t in store.tenants().await? {
        state
            .hub
            .tenant(&t)
            .await
            .map_err(|e| anyhow::anyhow!("tenant {}: {}", t.name(), e.message))?;
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let router = app(state.clone());
    presence::run(state.clone(), presence::sweep_every());
    webhooks::run(state.clone(), webhooks::Timing::from_env());
    tokio::spawn(erasure::run_retention(
        state.clone(),
        erasure::sweep_every(),
    ));
    mail::run(state.clone());
    let task = tokio::spawn(serve::serve(listener, router, limits, tls));
    Ok(Running { addr, state, task })
}
