//! Times phone normalisation on the test mix: the fast path against the
//! `phonenumber` crate used directly.
//!
//! `cargo run --release -p import --example phones [count]` (default 1,000,000).

#![allow(clippy::disallowed_methods)] // A benchmark reads the clock.

#[path = "../tests/support/phone_mix.rs"]
mod phone_mix;

use std::time::Instant;

use import::phone::{Country, Phone, normalise, normalise_reference};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let fast_only = args.next().as_deref() == Some("fast");
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let mix: Vec<(String, Option<Country>)> = (0..count)
        .map(|_| {
            let (raw, default) = phone_mix::sample(&mut rng);
            (raw, default.and_then(Country::parse))
        })
        .collect();
    // Warm up: compile every region's patterns before timing.
    for (raw, default) in mix.iter().take(20_000) {
        std::hint::black_box(normalise(raw, *default));
    }
    let fast = time("fast path (normalise)", &mix, normalise);
    if fast_only {
        return;
    }
    // As shipped, the crate keeps 100 compiled patterns and recompiles the
    // others on the mix's 13 countries: time it on a slice of the mix.
    let slice = &mix[..mix.len().min(20_000)];
    let shipped = time("phonenumber crate, as shipped", slice, normalise_reference);
    // With a cache that keeps every pattern (not what the crate does).
    let cache = phonenumber::metadata::DATABASE.cache();
    cache.lock().expect("cache").set_capacity(100_000);
    for (raw, default) in mix.iter().take(20_000) {
        std::hint::black_box(normalise_reference(raw, *default));
    }
    let warm = time(
        "phonenumber crate, cache never evicting",
        &mix,
        normalise_reference,
    );
    println!(
        "speed-up: {:.0}x on the crate as shipped, {:.1}x on the never-evicting cache",
        shipped / fast,
        warm / fast
    );
}

/// Normalise the whole mix; print and return µs per number.
fn time(
    label: &str,
    mix: &[(String, Option<Country>)],
    f: fn(&str, Option<Country>) -> Phone,
) -> f64 {
    let start = Instant::now();
    let mut valid = 0usize;
    for (raw, default) in mix {
        valid += usize::from(std::hint::black_box(f(raw, *default)).valid);
    }
    let secs = start.elapsed().as_secs_f64();
    let each = secs * 1e6 / mix.len() as f64;
    println!(
        "{label}: {} numbers in {secs:.2} s = {:.0} phones/s, {each:.2} µs each ({valid} valid)",
        mix.len(),
        mix.len() as f64 / secs,
    );
    each
}
