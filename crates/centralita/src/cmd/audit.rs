//! `audit verify --tenant T`: checks a tenant's hash-chained audit trail
//! entry by entry (exit 0 when whole, 1 where it breaks, naming the entry
//! and why), and `audit list --tenant T` prints it as CSV. Without
//! `--tenant`, the provider's own chain.

use std::process::ExitCode;

use super::server::{StoreArgs, bad, open, runtime};

/// `audit …`.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check that every entry of the trail follows the one before.
    Verify {
        /// The tenant (none: the provider's own trail).
        #[arg(long)]
        tenant: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print the trail as CSV (with each entry's hashes).
    List {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Runs `audit …`.
pub fn run(cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCommand::Verify { tenant, store } => verify(tenant, store),
        AuditCommand::List { tenant, store } => list(tenant, store),
    }
}

fn verify(tenant: Option<String>, store: StoreArgs) -> anyhow::Result<ExitCode> {
    let s = store.settings(None)?;
    runtime()?.block_on(async {
        let db = open(&s).await?;
        let id = match &tenant {
            None => store::auth::PROVIDER_TENANT_ID,
            Some(name) => match db.tenant_by_name(name).await? {
                Some(t) => t.id(),
                None => return bad(format!("--tenant: no tenant {name:?}")),
            },
        };
        let who = tenant.as_deref().unwrap_or("the provider");
        match db.audit_verify(id).await? {
            Ok(n) => {
                println!("{who}: {n} entries, the chain is whole");
                Ok(ExitCode::SUCCESS)
            }
            Err(broken) => {
                println!(
                    "{who}: the chain breaks at entry {}: {}",
                    broken.seq, broken.why
                );
                Ok(ExitCode::FAILURE)
            }
        }
    })
}

fn list(tenant: String, store: StoreArgs) -> anyhow::Result<ExitCode> {
    let s = store.settings(None)?;
    runtime()?.block_on(async {
        let db = open(&s).await?;
        let Some(t) = db.tenant_by_name(&tenant).await? else {
            return bad(format!("--tenant: no tenant {tenant:?}"));
        };
        let entries = db.audit(&t, None, None, store::audit::READ_MAX).await?;
        print!("{}", server::routes::audit::csv(&entries));
        Ok(ExitCode::SUCCESS)
    })
}
