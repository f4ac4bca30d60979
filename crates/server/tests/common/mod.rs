//! What the server's HTTP test suites share: a real server on port 0 over a
//! fresh SQLite file.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

use store::Store;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A running server and its store (each suite adds its own helpers).
pub struct Env {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its database.
    pub store: Store,
}

/// Starts a server on a fresh database in a temporary folder named after `suite`.
pub async fn env(suite: &str) -> Env {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("centralita-{suite}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let running = server::start(&store::sqlite_url(&dir), "127.0.0.1:0")
        .await
        .unwrap();
    Env {
        addr: running.addr,
        store: running.state.store.clone(),
    }
}
