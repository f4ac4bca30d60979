//! The server's commands: `serve`, `demo`, `tenant add`, `user add`,
//! `token create|list|revoke` and `rebuild`. Every one takes `--data DIR` and
//! `--database URL` (and `--config FILE`), and opens the same store.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde::Deserialize;
use server::auth::{self, Role};
use store::Store;

use super::EXIT_BAD_INPUT;

/// The actor of what the command line does, in the audit trail (whoever
/// runs it has the machine).
const CLI: &str = "command_line";

/// Where the data lives.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// A TOML file with `data`, `database` and `listen` (flags win over it).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Data directory (the SQLite file is DIR/centralita.db). Default ./data.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Database URL instead of the SQLite file: postgres://user:pass@host/db.
    #[arg(long)]
    database: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    data: Option<PathBuf>,
    database: Option<String>,
    listen: Option<String>,
}

/// Settings after flags, config file and defaults.
#[derive(Debug)]
pub struct Settings {
    /// Data directory.
    pub data: PathBuf,
    /// Database URL.
    pub database: String,
    /// Listen address.
    pub listen: String,
}

impl StoreArgs {
    pub(crate) fn settings(&self, listen: Option<&str>) -> anyhow::Result<Settings> {
        let file = match &self.config {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read {}", p.display()))?;
                toml::from_str::<ConfigFile>(&text)
                    .map_err(|e| anyhow::anyhow!("{}: {}", p.display(), e))?
            }
            None => ConfigFile::default(),
        };
        let data = self
            .data
            .clone()
            .or(file.data)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database = match self.database.clone().or(file.database) {
            Some(url) => url,
            None => {
                std::fs::create_dir_all(&data)
                    .with_context(|| format!("cannot create {}", data.display()))?;
                store::sqlite_url(&data)
            }
        };
        let listen = listen
            .map(str::to_string)
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        Ok(Settings {
            data,
            database,
            listen,
        })
    }
}

/// `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Address to listen on (port 0: any free port, printed). Default 127.0.0.1:8080.
    #[arg(long)]
    listen: Option<String>,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM); needs --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    #[command(flatten)]
    sip: SipArgs,
}

/// The switch.
#[derive(Debug, Clone, clap::Args)]
pub struct SipArgs {
    /// Take phone calls: SIP (UDP and TCP) on this address, e.g. 127.0.0.1:5060.
    #[arg(long)]
    sip: Option<std::net::SocketAddr>,
    /// The switch's settings (TOML: trunks, tenants' numbers, IVRs, recording, agents' phones).
    #[arg(long, requires = "sip")]
    sip_config: Option<PathBuf>,
}

impl SipArgs {
    fn config(&self, default: &str) -> anyhow::Result<server::sip::SipConfig> {
        match &self.sip_config {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read {}", p.display()))?;
                server::sip::SipConfig::from_toml(&text)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
            }
            None => server::sip::SipConfig::from_toml(default),
        }
    }

    async fn start(
        &self,
        state: &server::AppState,
        data: &std::path::Path,
        default: &str,
    ) -> anyhow::Result<()> {
        let Some(addr) = self.sip else {
            return Ok(());
        };
        let config = self.config(default)?;
        let sip = server::sip::start(state, addr, config, data).await?;
        println!(
            "SIP on {} (UDP and TCP); recordings in {}",
            sip.sip_addr,
            sip.recordings.display()
        );
        Ok(())
    }
}

/// `demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Address to listen on. Default 127.0.0.1:8080.
    #[arg(long)]
    listen: Option<String>,
    /// Mean seconds between simulated arrivals (per channel). The default
    /// keeps the demo's four inbound bots about two thirds busy, so the
    /// floor meets its service level with a few callers giving up (each
    /// waits 80 s on average; measured in `server/tests/demo_health.rs`).
    #[arg(long, default_value_t = server::demo::ARRIVAL_EVERY_S)]
    arrival_every_s: f64,
    #[command(flatten)]
    sip: SipArgs,
}

/// `tenant …`.
#[derive(Debug, clap::Subcommand)]
pub enum TenantCommand {
    /// Create a tenant.
    Add {
        /// Its name (letters, digits, '-', '_').
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// `user …`.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        /// The tenant (omit for --role provider: a provider-level administrator).
        #[arg(long)]
        tenant: Option<String>,
        /// User name.
        #[arg(long)]
        username: String,
        /// admin, supervisor, agent, analyst, client or provider.
        #[arg(long)]
        role: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// `token …`.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a tenant and role; it is printed once and stored hashed.
    Create {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// admin, supervisor, agent, analyst or client.
        #[arg(long)]
        role: String,
        /// A label (which integration uses it).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List a tenant's API tokens (never their secrets).
    List {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Revoke an API token by id; a running server refuses it within a second.
    Revoke {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The token's id (from `token list`).
        id: i64,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// `rebuild`.
#[derive(Debug, clap::Args)]
pub struct RebuildArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Only this tenant.
    #[arg(long)]
    tenant: Option<String>,
}

pub(super) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,rsipstack=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub(super) fn bad(msg: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {msg}");
    Ok(ExitCode::from(EXIT_BAD_INPUT))
}

pub(super) async fn open(settings: &Settings) -> anyhow::Result<Store> {
    Store::open(&settings.database)
        .await
        .with_context(|| "cannot open the database")
}

async fn wait_for_shutdown(running: server::Running) -> anyhow::Result<ExitCode> {
    tokio::select! {
        r = running.task => { r??; }
        _ = tokio::signal::ctrl_c() => { eprintln!("stopping"); }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `serve`.
pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    logging();
    let s = args.store.settings(args.listen.as_deref())?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => match server::serve::Tls::load(cert, key) {
            Ok(tls) => Some(tls),
            Err(e) => return bad(format!("--tls-cert/--tls-key: {e}")),
        },
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    runtime()?.block_on(async {
        let limits = server::serve::Limits::from_env();
        let secrets = server::secrets::SecretBox::load(&s.data)?;
        let running =
            server::start_with(&s.database, &s.listen, limits, tls, Some(secrets)).await?;
        println!("listening on {scheme}://{}", running.addr);
        args.sip.start(&running.state, &s.data, "").await?;
        wait_for_shutdown(running).await
    })
}

/// Runs `demo`.
pub fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    logging();
    if !(args.arrival_every_s > 0.05 && args.arrival_every_s < 3600.0) {
        return bad("--arrival-every-s: between 0.05 and 3600");
    }
    let s = args.store.settings(args.listen.as_deref())?;
    runtime()?.block_on(async {
        let secrets = server::secrets::SecretBox::load(&s.data)?;
        let limits = server::serve::Limits::from_env();
        let running = server::start_with(&s.database, &s.listen, limits, None, Some(secrets)).await?;
        let info = server::demo::setup(&running.state, &s.data).await?;
        let url = format!("http://{}", running.addr);
        println!("Centralita demo at {url}");
        println!("  tenant:       {} (sign in at {url}/ui with a user below)", info.tenant);
        println!("  chat page:    {url}/chat/{}", info.tenant);
        println!("  API document: {url}/api/v1/openapi.json");
        println!("  sign in with POST {url}/api/v1/sessions {{\"tenant\":\"{}\",\"username\":…,\"password\":…}}", info.tenant);
        println!("  demo users (passwords generated at first run, kept in {}):", info.credentials_file.display());
        for (user, role, password) in &info.users {
            println!("    {user:<12} {role:<11} {password}");
        }
        server::demo::simulate(&running.state, &info, args.arrival_every_s).await?;
        args.sip
            .start(&running.state, &s.data, server::demo::DEMO_SIP)
            .await?;
        wait_for_shutdown(running).await
    })
}

/// Runs `tenant …`.
pub fn tenant(cmd: TenantCommand) -> anyhow::Result<ExitCode> {
    let TenantCommand::Add { name, store } = cmd;
    let s = store.settings(None)?;
    runtime()?.block_on(async {
        let db = open(&s).await?;
        match db.create_tenant(&name, server::clock::now_ms()).await {
            Ok(t) => {
                println!("tenant {} added (id {})", t.name(), t.id());
                Ok(ExitCode::SUCCESS)
            }
            Err(store::StoreError::Invalid { field, message }) => {
                bad(format!("{field}: {message}"))
            }
            Err(store::StoreError::Exists(what)) => bad(format!("{what} already exists")),
            Err(e) => Err(e.into()),
        }
    })
}

fn read_password() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut s)
        .context("cannot read the password from standard input")?;
    Ok(s.lines().next().unwrap_or("").to_string())
}

/// Runs `user …`.
pub fn user(cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let UserCommand::Add {
        tenant,
        username,
        role,
        store,
    } = cmd;
    let Some(role) = Role::parse(&role) else {
        return bad(format!(
            "--role: {role:?} is not one of admin, supervisor, agent, analyst, client, provider"
        ));
    };
    if role == Role::Provider && tenant.is_some() {
        return bad("--tenant: a provider administrator belongs to no tenant; omit --tenant");
    }
    if role != Role::Provider && tenant.is_none() {
        return bad("--tenant: required for this role");
    }
    let password = read_password()?;
    if let Err(e) = auth::check_new_password(&password, &username) {
        return bad(format!("password (standard input): {e}"));
    }
    let hash = auth::hash_password(&password)?;
    let s = store.settings(None)?;
    runtime()?.block_on(async {
        let db = open(&s).await?;
        let now = server::clock::now_ms();
        let res = match &tenant {
            Some(name) => {
                let Some(t) = db.tenant_by_name(name).await? else {
                    return bad(format!("--tenant: no tenant {name:?}"));
                };
                db.create_user(&t, &username, &hash, role.as_str(), now)
                    .await
            }
            None => db.create_provider_user(&username, &hash, now).await,
        };
        match res {
            Ok(u) => {
                let target = format!("user:{}", u.id);
                db.audit_append(u.tenant_id, now, CLI, "user_added", Some(&target))
                    .await?;
                println!("user {} ({}) added", u.username, u.role);
                Ok(ExitCode::SUCCESS)
            }
            Err(store::StoreError::Invalid { field, message }) => {
                bad(format!("--{field}: {message}"))
            }
            Err(store::StoreError::Exists(what)) => bad(format!("{what} already exists")),
            Err(e) => Err(e.into()),
        }
    })
}

/// Runs `token …`.
pub fn token(cmd: TokenCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        TokenCommand::Create {
            tenant,
            role,
            name,
            store,
        } => token_create(tenant, role, name, store),
        TokenCommand::List { tenant, store } => token_list(tenant, store),
        TokenCommand::Revoke { tenant, id, store } => token_revoke(tenant, id, store),
    }
}

/// Runs `token list`: one line a token (id, role, name, created, expires, last used).
fn token_list(tenant: String, store: StoreArgs) -> anyhow::Result<ExitCode> {
    let s = store.settings(None)?;
    runtime()?.block_on(async {
        let db = open(&s).await?;
        let Some(t) = db.tenant_by_name(&tenant).await? else {
            return bad(format!("--tenant: no tenant {tenant:?}"));
        };
        let when = |ms: Option<i64>| {
            ms.and_then(chrono::DateTime::from_timestamp_millis)
                .map_or("-".to_string(), |t| t.format("%Y-%m-%dT%H:%MZ").to_string())
        };
        println!("id\trole\tname\tcreated_at\texpires_at\tlast_used_at");
        for k in db.tokens(&t).await? {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}",
                k.id,
                k.role,
                k.name,
                when(Some(k.created_at)),
                when(k.expires_at),
                when(k.last_used_at)
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Runs `token revoke`.
fn token_revoke(tenant: String, id: i64, store: StoreArgs) -> anyhow::Result<ExitCode> {
    let s = store.settings(None)?;
    runtime()?.block_on(async {
        let db = open(&s).await?;
        let Some(t) = db.tenant_by_name(&tenant).await? else {
            return bad(format!("--tenant: no tenant {tenant:?}"));
        };
        if !db.revoke_token(&t, id).await? {
            return bad(format!("ID: tenant {tenant:?} has no token {id}"));
        }
        let target = format!("token:{id}");
        let now = server::clock::now_ms();
        db.audit_append(t.id(), now, CLI, "token_revoked", Some(&target))
            .await?;
        eprintln!("token {id} revoked (a running server refuses it within a second)");
        Ok(ExitCode::SUCCESS)
    })
}

/// Runs `token create`.
fn token_create(
    tenant: String,
    role: String,
    name: String,
    store: StoreArgs,
) -> anyhow::Result<ExitCode> {
    let role = match Role::parse(&role) {
        Some(Role::Provider) | None => {
            return bad(format!(
                "--role: {role:?} is not one of admin, supervisor, agent, analyst, client"
            ));
        }
        Some(r) => r,
    };
    let s = store.settings(None)?;
    runtime()?.block_on(async {
        let db = open(&s).await?;
        let Some(t) = db.tenant_by_name(&tenant).await? else {
            return bad(format!("--tenant: no tenant {tenant:?}"));
        };
        let token = auth::new_token();
        let now = server::clock::now_ms();
        match db
            .add_token(
                &t,
                &name,
                role.as_str(),
                &auth::secret_hash(&token),
                now,
                None,
            )
            .await
        {
            Ok(info) => {
                let target = format!("token:{}", info.id);
                db.audit_append(t.id(), now, CLI, "token_created", Some(&target))
                    .await?;
                println!("{token}");
                eprintln!("(shown once; stored hashed)");
                Ok(ExitCode::SUCCESS)
            }
            Err(store::StoreError::Invalid { field, message }) => {
                bad(format!("--{field}: {message}"))
            }
            Err(e) => Err(e.into()),
        }
    })
}

/// Runs `rebuild`.
pub fn rebuild(args: RebuildArgs) -> anyhow::Result<ExitCode> {
    let s = args.store.settings(None)?;
    runtime()?.block_on(async {
        let db = open(&s).await?;
        let tenants = match &args.tenant {
            Some(name) => match db.tenant_by_name(name).await? {
                Some(t) => vec![t],
                None => return bad(format!("--tenant: no tenant {name:?}")),
            },
            None => db.tenants().await?,
        };
        for t in tenants {
            let n = db.rebuild(&t).await?;
            println!("tenant {}: projections rebuilt from {n} events", t.name());
        }
        Ok(ExitCode::SUCCESS)
    })
}
