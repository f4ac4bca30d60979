//! Password hashing off the async workers, behind a bounded queue.
//!
//! An argon2id check takes tens of milliseconds and 19 MiB: run on the
//! async workers, fifty sign-ins at once stall every tenant's requests.
//! Here at most [`Passwords::running`] checks run at a time, each on a
//! blocking thread; at most [`Passwords::waiting`] more wait for a turn;
//! beyond that a sign-in is refused at once (503 `busy`, `Retry-After`)
//! rather than slowing everyone else down. Both bounds come from the
//! environment (`CENTRALITA_PASSWORD_THREADS`, default the number of cores;
//! `CENTRALITA_PASSWORD_QUEUE`, default 64).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use crate::auth;
use crate::error::ApiError;

/// Default most checks waiting for a turn.
pub const WAITING_DEFAULT: usize = 64;

/// The bounded pool of password checks.
#[derive(Debug)]
pub struct Passwords {
    turns: Arc<Semaphore>,
    queued: AtomicUsize,
    running: usize,
    waiting: usize,
}

impl Default for Passwords {
    fn default() -> Self {
        Passwords::from_env()
    }
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok()?.parse().ok()
}

impl Passwords {
    /// At most `running` checks at a time and `waiting` more in line.
    pub fn new(running: usize, waiting: usize) -> Passwords {
        let running = running.max(1);
        Passwords {
            turns: Arc::new(Semaphore::new(running)),
            queued: AtomicUsize::new(0),
            running,
            waiting,
        }
    }

    /// The bounds of the environment (see the module).
    pub fn from_env() -> Passwords {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Passwords::new(
            env_usize("CENTRALITA_PASSWORD_THREADS").unwrap_or(cores),
            env_usize("CENTRALITA_PASSWORD_QUEUE").unwrap_or(WAITING_DEFAULT),
        )
    }

    /// Most checks at a time.
    pub fn running(&self) -> usize {
        self.running
    }

    /// Most checks waiting.
    pub fn waiting(&self) -> usize {
        self.waiting
    }

    /// Runs `work` on a blocking thread when its turn comes; refused at once
    /// when the line is full.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let in_line = self.queued.fetch_add(1, Ordering::AcqRel);
        let _leave = Leave(&self.queued);
        if in_line >= self.running + self.waiting {
            tracing::warn!(target: "audit", "password check refused: the line is full");
            return Err(ApiError::busy(1));
        }
        let _turn = self
            .turns
            .clone()
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(ApiError::internal)
    }

    /// Whether `password` matches the PHC string.
    pub async fn verify(&self, password: &str, phc: &str) -> Result<bool, ApiError> {
        let (password, phc) = (password.to_string(), phc.to_string());
        self.run(move || auth::verify_password(&password, &phc))
            .await
    }

    /// The PHC string of a new password.
    pub async fn hash(&self, password: &str) -> Result<String, ApiError> {
        let password = password.to_string();
        self.run(move || auth::hash_password(&password))
            .await?
            .map_err(ApiError::internal)
    }
}

/// Leaves the line when dropped.
struct Leave<'a>(&'a AtomicUsize);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn checks_run_off_the_async_thread_and_a_full_line_is_refused() {
        let p = Arc::new(Passwords::new(1, 1));
        let phc = auth::hash_password("correct horse battery").unwrap();
        // Three at once: one runs, one waits, the third is refused.
        let (a, b, c) = tokio::join!(
            p.verify("correct horse battery", &phc),
            p.verify("wrong horse battery", &phc),
            async {
                tokio::task::yield_now().await;
                p.verify("x", &phc).await
            }
        );
        assert!(a.unwrap());
        assert!(!b.unwrap());
        let e = c.unwrap_err();
        assert_eq!(e.status.as_u16(), 503);
        // The line is empty again.
        assert!(p.verify("correct horse battery", &phc).await.unwrap());
    }
}
