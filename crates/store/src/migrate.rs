//! Embedded migrations, run at start-up.
//!
//! A tiny runner instead of `sqlx::migrate!`: that macro would pull the sqlx
//! macro crates (and a second build of the drivers) into every build for one
//! `CREATE TABLE` file. All pending migrations run in one transaction with
//! their rows in `schema_migrations`, so a failed one leaves nothing behind.

use sqlx::{AnyPool, Row};

use crate::{Backend, StoreError};

/// The migrations, in order: (version, name, SQL run on every backend).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("../migrations/0001_initial.sql")),
    (2, "desktop", include_str!("../migrations/0002_desktop.sql")),
    (
        3,
        "agent_teams",
        include_str!("../migrations/0003_agent_teams.sql"),
    ),
    (
        4,
        "campaigns",
        include_str!("../migrations/0004_campaigns.sql"),
    ),
    (
        5,
        "token_ids",
        include_str!("../migrations/0005_token_ids.sql"),
    ),
    (6, "audit", include_str!("../migrations/0006_audit.sql")),
    (
        7,
        "two_factor",
        include_str!("../migrations/0007_two_factor.sql"),
    ),
    (
        8,
        "customer_records",
        include_str!("../migrations/0008_customer_records.sql"),
    ),
    (
        9,
        "consents",
        include_str!("../migrations/0009_consents.sql"),
    ),
    (
        10,
        "webhooks",
        include_str!("../migrations/0010_webhooks.sql"),
    ),
    (
        11,
        "erasure",
        include_str!("../migrations/0011_erasure.sql"),
    ),
    (12, "mail", include_str!("../migrations/0012_mail.sql")),
    (
        13,
        "agent_capacity",
        include_str!("../migrations/0013_agent_capacity.sql"),
    ),
    (
        14,
        "quality",
        include_str!("../migrations/0014_quality.sql"),
    ),
    (15, "cases", include_str!("../migrations/0015_cases.sql")),
    (
        16,
        "payments",
        include_str!("../migrations/0016_payments.sql"),
    ),
];

/// Key of the PostgreSQL advisory lock that serialises concurrent start-ups.
const MIGRATION_LOCK: i64 = 0x6365_6e74_7261;

pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    // One transaction for the whole run: on PostgreSQL an advisory lock keeps
    // two servers (or two tests) starting together from racing; SQLite
    // serialises writers by itself.
    let mut tx = pool.begin().await?;
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL)",
    )
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        .fetch_one(&mut *tx)
        .await?;
    let done: i64 = row.try_get(0)?;
    for (version, name, sql) in MIGRATIONS {
        if *version <= done {
            continue;
        }
        for stmt in statements(sql) {
            let stmt = for_backend(&stmt, backend);
            sqlx::query(&stmt).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
            .bind(*version)
            .bind(*name)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A statement as a backend runs it: `/*sqlite: …*/` is SQLite's alone
/// (`WITHOUT ROWID`), `/*pg: …*/` PostgreSQL's (`COLLATE "C"`), each a
/// comment elsewhere.
fn for_backend(stmt: &str, backend: Backend) -> String {
    let mut out = stmt.to_string();
    let own = if backend == Backend::Sqlite {
        "/*sqlite: "
    } else {
        "/*pg: "
    };
    while let Some(at) = out.find(own) {
        let Some(end) = out[at..].find("*/") else {
            break;
        };
        let inner = out[at + own.len()..at + end].to_string();
        out.replace_range(at..at + end + 2, &inner);
    }
    out
}

/// Splits a migration file into statements (no `;` inside our SQL strings).
fn statements(sql: &str) -> Vec<String> {
    let without_comments: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    without_comments
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
