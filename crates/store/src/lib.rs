//! Centralita's store: the append-only, tenant-scoped event log and the
//! projections computed from it, on SQLite (default) or PostgreSQL.
//!
//! - One code path for both databases through sqlx's `Any` driver: the schema
//!   is portable SQL (`BIGINT`, `TEXT`, application-assigned ids), queries use
//!   `$n` placeholders that both drivers accept, and values are `i64`/`String`.
//!   Two backends behind one interface would double every query for no gain
//!   at this size; the test suite runs unchanged on both.
//! - SQLite runs in WAL mode with `synchronous=FULL`: a commit that returned
//!   survives power loss.
//! - Migrations are embedded ([`migrate`]) and run by [`Store::open`].
//! - Every tenant method takes a [`Tenant`], which only the store can make
//!   (by looking the tenant up), so no tenant query can forget its scope.
//! - [`Store::append`] writes facts and applies them to the projections
//!   ([`project`]) in one transaction; [`Store::rebuild`] replays the log.
//!
//! Modules: [`fact`] (what the log holds), [`auth`] (users, tokens,
//! sessions), [`read`] (queries for the API).

pub mod audit;
pub mod auth;
pub mod crm;
pub mod customers;
pub mod erase;
pub mod fact;
pub mod mail;
mod migrate;
pub mod payments;
mod project;
pub mod quality;
mod queries;
pub mod read;
pub mod two_factor;
pub mod webhooks;

use std::fmt::Write as _;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Row};

pub use fact::{CallFact, CampaignContact, DialerStep, Fact, Presence, Recorded, Sender};

/// Log rows per insert statement in [`Store::append`] (7 parameters each,
/// well under SQLite's and PostgreSQL's limits on parameters).
const APPEND_ROWS_PER_STATEMENT: usize = 256;

/// Most facts one [`Store::events_after`] call returns.
pub const EVENTS_PAGE_MAX: i64 = 1_000;
/// Longest tenant name, in bytes.
pub const TENANT_NAME_LEN_MAX: usize = 64;

/// A store operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A stored value did not (de)serialize.
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A name or value given by the caller is not acceptable.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// Why.
        message: String,
    },
    /// The thing already exists (a unique name).
    #[error("{0} already exists")]
    Exists(String),
    /// The database URL is not one we support.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    Url(String),
}

/// How many times an insert that takes the next free id is retried when a
/// concurrent insert took the same id first.
pub(crate) const ID_RETRIES: u32 = 16;

/// Whether a database error is a unique-key clash.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A tenant scope: proof that the tenant exists, required by every tenant method.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tenant {
    id: i64,
    name: String,
}

impl Tenant {
    /// Its id.
    pub fn id(&self) -> i64 {
        self.id
    }
    /// Its unique name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The store: a pool of connections to one database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    /// A separate pool for the tenant tasks (the writers), so that a burst of
    /// API reads never makes a commit wait for a connection.
    writer: AnyPool,
    backend: Backend,
}

/// The SQLite URL of the default database in a data directory.
pub fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("centralita.db").display())
}

impl Store {
    /// Connects (creating a SQLite file if needed), sets durability pragmas and runs migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Url(url.chars().take(80).collect()));
        };
        let opts = AnyConnectOptions::from_str(url)?;
        // Pages kept in memory per connection (KiB): the writer's is larger,
        // so that a big transaction (an import's chunk) does not spill.
        let pool_of = |max: u32, cache_kib: u32| {
            let mut pool = AnyPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(30));
            if backend == Backend::Sqlite {
                // A file's connection cannot drop: no ping before each use
                // (it is a round trip to the connection's thread).
                pool = pool
                    .test_before_acquire(false)
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            // WAL lets readers run beside the writer; FULL makes every
                            // commit durable before it returns (the ack depends on it).
                            conn.execute("PRAGMA journal_mode=WAL").await?;
                            conn.execute("PRAGMA synchronous=FULL").await?;
                            conn.execute("PRAGMA busy_timeout=10000").await?;
                            // What a change or a deletion frees is zeroed
                            // (an erased person's bytes do not linger).
                            conn.execute("PRAGMA secure_delete=ON").await?;
                            conn.execute(format!("PRAGMA cache_size=-{cache_kib}").as_str())
                                .await?;
                            // Checkpoints every 16 MB of log rather than 4: a page
                            // written again before one is copied once.
                            conn.execute("PRAGMA wal_autocheckpoint=4096").await?;
                            Ok(())
                        })
                    });
            }
            pool
        };
        // SQLite has one writer at a time anyway: one writer connection.
        let (readers, writers) = match backend {
            Backend::Sqlite => (4, 1),
            Backend::Postgres => (8, 4),
        };
        let writer = pool_of(writers, 65_536).connect_with(opts.clone()).await?;
        migrate::run(&writer, backend).await?;
        let pool = pool_of(readers, 8_192).connect_with(opts).await?;
        Ok(Store {
            pool,
            writer,
            backend,
        })
    }

    /// The same store on the writers' pool: for the tenant tasks, whose
    /// commits must not queue behind API reads.
    pub fn writer(&self) -> Store {
        Store {
            pool: self.writer.clone(),
            writer: self.writer.clone(),
            backend: self.backend,
        }
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A pragma's value on SQLite (for tests of durability settings).
    pub async fn sqlite_pragma(&self, name: &str) -> Result<String, StoreError> {
        if !name.chars().all(|c| c.is_ascii_alphabetic() || c == '_') {
            return Err(StoreError::Invalid {
                field: "pragma",
                message: "letters only".into(),
            });
        }
        let row = sqlx::query(&format!("PRAGMA {name}"))
            .fetch_one(&self.pool)
            .await?;
        let v: Result<i64, _> = row.try_get(0);
        Ok(match v {
            Ok(n) => n.to_string(),
            Err(_) => row.try_get::<String, _>(0)?,
        })
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    // ----- tenants ------------------------------------------------------

    /// Creates a tenant.
    pub async fn create_tenant(&self, name: &str, now_ms: i64) -> Result<Tenant, StoreError> {
        let name = name.trim();
        if name.is_empty()
            || name.len() > TENANT_NAME_LEN_MAX
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(StoreError::Invalid {
                field: "name",
                message: format!(
                    "a tenant name is 1 to {TENANT_NAME_LEN_MAX} letters, digits, '-' or '_'"
                ),
            });
        }
        if self.tenant_by_name(name).await?.is_some() {
            return Err(StoreError::Exists(format!("tenant {name:?}")));
        }
        // The id is the next free one, taken in the insert itself; two
        // concurrent creations may still pick the same id (PostgreSQL's
        // READ COMMITTED), so a key clash that is not the name is retried.
        let mut attempt = 0;
        let id: i64 = loop {
            let r = sqlx::query(
                "INSERT INTO tenants (id, name, created_at) \
                 SELECT COALESCE(MAX(id), 0) + 1, $1, $2 FROM tenants RETURNING id",
            )
            .bind(name)
            .bind(now_ms)
            .fetch_one(&self.pool)
            .await;
            match r {
                Ok(row) => break row.try_get(0)?,
                Err(e) if is_unique_violation(&e) => {
                    if self.tenant_by_name(name).await?.is_some() {
                        return Err(StoreError::Exists(format!("tenant {name:?}")));
                    }
                    attempt += 1;
                    if attempt >= ID_RETRIES {
                        return Err(e.into());
                    }
                }
                Err(e) => return Err(e.into()),
            }
        };
        Ok(Tenant {
            id,
            name: name.to_string(),
        })
    }

    /// A tenant by name.
    pub async fn tenant_by_name(&self, name: &str) -> Result<Option<Tenant>, StoreError> {
        let row = sqlx::query("SELECT id, name FROM tenants WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(Tenant {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
            })
        })
        .transpose()
    }

    /// A tenant by id.
    pub async fn tenant_by_id(&self, id: i64) -> Result<Option<Tenant>, StoreError> {
        let row = sqlx::query("SELECT id, name FROM tenants WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(Tenant {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
            })
        })
        .transpose()
    }

    /// Every tenant, by id.
    pub async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM tenants ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Tenant {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                })
            })
            .collect()
    }

    // ----- the log ------------------------------------------------------

    /// The last sequence number of a tenant's log (0 when empty).
    pub async fn last_seq(&self, t: &Tenant) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM events WHERE tenant_id = $1")
            .bind(t.id)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }

    /// The sequence number of the first fact recorded at or after `at_ms`
    /// (one past the last fact when there is none yet).
    pub async fn first_seq_since(&self, t: &Tenant, at_ms: i64) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(MIN(seq), (SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE tenant_id = $1)) FROM events WHERE tenant_id = $1 AND at >= $2",
        )
        .bind(t.id)
        .bind(at_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Appends facts (their `seq` must continue the log without gaps) and
    /// applies them to the projections, all in one transaction: either all
    /// are durable when this returns, or none.
    pub async fn append(&self, t: &Tenant, facts: &[Recorded]) -> Result<(), StoreError> {
        if facts.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        // The log rows go in as multi-row inserts (one statement per chunk,
        // not one per fact); the projections follow fact by fact.
        for chunk in facts.chunks(APPEND_ROWS_PER_STATEMENT) {
            let mut sql = String::with_capacity(96 + chunk.len() * 40);
            sql.push_str(
                "INSERT INTO events (tenant_id, seq, at, kind, interaction_id, agent_id, body) VALUES ",
            );
            for i in 0..chunk.len() {
                let b = i * 7;
                if i > 0 {
                    sql.push(',');
                }
                let _ = write!(
                    sql,
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                );
            }
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q
                    .bind(t.id)
                    .bind(r.seq)
                    .bind(r.at)
                    .bind(r.fact.kind())
                    .bind(r.fact.interaction().map(|i| i.0 as i64))
                    .bind(r.fact.agent().map(|a| i64::from(a.0)))
                    .bind(serde_json::to_string(&r.fact)?);
            }
            q.execute(&mut *tx).await?;
        }
        for r in facts {
            project::apply(&mut tx, t, r).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Up to `limit` (at most [`EVENTS_PAGE_MAX`]) facts after `seq`, in order.
    pub async fn events_after(
        &self,
        t: &Tenant,
        seq: i64,
        limit: i64,
    ) -> Result<Vec<Recorded>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, body FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(t.id)
        .bind(seq)
        .bind(limit.clamp(1, EVENTS_PAGE_MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(read::recorded_of).collect()
    }

    /// Empties the tenant's projections and replays its whole log into them.
    pub async fn rebuild(&self, t: &Tenant) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        for table in project::PROJECTION_TABLES {
            sqlx::query(&format!("DELETE FROM {table} WHERE tenant_id = $1"))
                .bind(t.id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE users SET agent_id = NULL WHERE tenant_id = $1")
            .bind(t.id)
            .execute(&mut *tx)
            .await?;
        let mut after = 0;
        let mut n = 0;
        loop {
            let rows = sqlx::query(
                "SELECT seq, at, body FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .bind(t.id)
            .bind(after)
            .bind(EVENTS_PAGE_MAX)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in rows {
                let rec = read::recorded_of(r)?;
                after = rec.seq;
                project::apply(&mut tx, t, &rec).await?;
                n += 1;
            }
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Every projection row of a tenant as text, in a fixed order: two equal
    /// snapshots mean equal projections (used to check rebuild against live).
    pub async fn projection_snapshot(&self, t: &Tenant) -> Result<String, StoreError> {
        let mut out = String::new();
        for table in project::PROJECTION_TABLES {
            let cols = read::columns(table);
            let rows = sqlx::query(&format!(
                "SELECT {} FROM {table} WHERE tenant_id = $1 ORDER BY {}",
                cols.join(", "),
                read::key_columns(table)
            ))
            .bind(t.id)
            .fetch_all(&self.pool)
            .await?;
            out.push_str(table);
            out.push('\n');
            for r in rows {
                for i in 0..cols.len() {
                    let v: Option<i64> = r.try_get(i).ok().flatten();
                    let s = match v {
                        Some(n) => n.to_string(),
                        None => r
                            .try_get::<Option<String>, _>(i)
                            .ok()
                            .flatten()
                            .unwrap_or_else(|| "NULL".into()),
                    };
                    out.push_str(&s);
                    out.push('|');
                }
                out.push('\n');
            }
        }
        Ok(out)
    }
}

/// Type alias kept for readers: the database type behind [`Store`].
pub type Db = Any;
