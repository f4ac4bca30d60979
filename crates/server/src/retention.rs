//! Retention of call recordings per tenant: a sweeper deletes the tenant's
//! recordings older than its `recording_retention_days` and logs each
//! deletion as a `call.recording_deleted` fact on the interaction, so the
//! log says why a recording is gone.
//!
//! Only files the switch writes (`RECORDINGS/TENANT/ID.wav`) are touched;
//! a recording being written is fresh (its file changes every second), so
//! it is never old enough.

use std::path::{Path, PathBuf};
use std::time::Duration;

use store::CallFact;

use crate::clock;
use crate::tenant::{Op, TenantHandle};

/// How often the sweeper looks (it also looks once at start-up).
pub const SWEEP_EVERY_DEFAULT: Duration = Duration::from_secs(3_600);
/// Longest retention accepted (100 years): a bigger number is a typo.
pub const RETENTION_DAYS_MAX: u32 = 36_500;
/// Files looked at per sweep at most; the next sweep takes the rest.
pub const FILES_PER_SWEEP_MAX: usize = 100_000;

const DAY_MS: i64 = 86_400_000;

/// A recording the sweeper deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    /// Its interaction.
    pub interaction: i64,
    /// The file.
    pub path: PathBuf,
    /// How old it was, in whole days.
    pub age_days: u32,
}

/// Checks a tenant's retention setting.
pub fn check_days(tenant: &str, days: u32) -> anyhow::Result<()> {
    if days == 0 || days > RETENTION_DAYS_MAX {
        anyhow::bail!(
            "sip: tenant {tenant}: recording_retention_days must be 1 to {RETENTION_DAYS_MAX} (leave it out to keep recordings)"
        );
    }
    Ok(())
}

/// The recordings in `dir` older than `days` at `now_ms` (Unix ms).
pub fn expired(dir: &Path, days: u32, now_ms: i64) -> Vec<Deleted> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten().take(FILES_PER_SWEEP_MAX) {
        let path = e.path();
        let Some(interaction) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".wav"))
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|i| *i >= 0)
        else {
            continue;
        };
        let Ok(meta) = e.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let Some(modified_ms) = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_millis() as i64)
        else {
            continue;
        };
        let age_ms = now_ms - modified_ms;
        if age_ms > i64::from(days) * DAY_MS {
            out.push(Deleted {
                interaction,
                path,
                age_days: (age_ms / DAY_MS) as u32,
            });
        }
    }
    out.sort_by_key(|d| d.interaction);
    out
}

/// Deletes what has expired and logs each deletion; returns what was deleted.
pub async fn sweep(handle: &TenantHandle, dir: &Path, days: u32) -> Vec<Deleted> {
    let dir2 = dir.to_owned();
    let now = clock::now_ms();
    let found = tokio::task::spawn_blocking(move || expired(&dir2, days, now))
        .await
        .unwrap_or_default();
    let mut done = Vec::new();
    for d in found {
        let path = d.path.clone();
        match tokio::task::spawn_blocking(move || std::fs::remove_file(&path)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(path = %d.path.display(), error = %e, "recording not deleted");
                continue;
            }
            Err(_) => continue,
        }
        let fact = CallFact::RecordingDeleted {
            path: d.path.display().to_string(),
            age_days: d.age_days,
            retention_days: days,
        };
        if let Err(e) = handle.call(Op::CallFact(d.interaction, fact)).await {
            tracing::warn!(
                interaction = d.interaction,
                code = e.code,
                "recording deletion not logged"
            );
        }
        done.push(d);
    }
    done
}

/// Sweeps now and then every `every`, for as long as the server runs.
pub async fn run(handle: TenantHandle, dir: PathBuf, days: u32, every: Duration) {
    loop {
        let gone = sweep(&handle, &dir, days).await;
        if !gone.is_empty() {
            tracing::info!(dir = %dir.display(), deleted = gone.len(), "recordings past retention deleted");
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_old_recordings_expire() {
        let dir = std::env::temp_dir().join(format!("centralita-retention-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let now = clock::now_ms();
        let age = |name: &str, days: u64| {
            let p = dir.join(name);
            let f = std::fs::File::create(&p).unwrap();
            let t =
                std::time::UNIX_EPOCH + Duration::from_millis(now as u64 - days * DAY_MS as u64);
            f.set_modified(t).unwrap();
        };
        age("1.wav", 40);
        age("2.wav", 10);
        age("notes.wav", 400);
        age("3.txt", 400);
        age("-4.wav", 400);
        std::fs::create_dir_all(dir.join("5.wav")).unwrap();
        let gone = expired(&dir, 30, now);
        assert_eq!(gone.len(), 1, "{gone:?}");
        assert_eq!((gone[0].interaction, gone[0].age_days), (1, 40));
        assert!(expired(&dir, 50, now).is_empty());
        assert!(expired(&dir.join("missing"), 1, now).is_empty());
        assert!(check_days("acme", 0).is_err() && check_days("acme", 36_501).is_err());
        assert!(check_days("acme", 90).is_ok());
    }
}
