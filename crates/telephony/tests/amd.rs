//! The answering-machine detector's accuracy on a seeded synthetic corpus.
//!
//! After a pause of 0.1–1.2 s: most people say "hello?" (one or two words)
//! and wait, one in five introduces themselves (three words); most machines
//! play a greeting of 5–14 words, one in seven a short one (2–4 words) and
//! then a beep. Speech is a voiced buzz (100–250 Hz and harmonics) with a
//! syllable envelope at varying loudness, over line noise of varying level. This measures the detector's logic on cadences
//! like real ones; real recordings vary more (the note says so).

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use telephony::amd::{AmdSettings, MachineDetection, Verdict};

fn ms_samples(ms: f64) -> usize {
    (ms * 8.0) as usize
}

fn noise(rng: &mut Pcg64Mcg, n: usize, level: f64) -> Vec<f64> {
    (0..n)
        .map(|_| (rng.random::<f64>() - 0.5) * 2.0 * level)
        .collect()
}

fn speech(rng: &mut Pcg64Mcg, ms: f64) -> Vec<f64> {
    let f0 = rng.random_range(100.0..250.0);
    let amp = rng.random_range(1_500.0..9_000.0);
    let n = ms_samples(ms);
    (0..n)
        .map(|i| {
            let t = i as f64 / 8_000.0;
            // Syllable-like envelope and a few harmonics.
            let env = (std::f64::consts::PI * i as f64 / n as f64).sin().powf(0.3);
            let v: f64 = (1..=4)
                .map(|h| (2.0 * std::f64::consts::PI * f0 * h as f64 * t).sin() / h as f64)
                .sum();
            amp * env * v
        })
        .collect()
}

fn words(
    rng: &mut Pcg64Mcg,
    audio: &mut Vec<f64>,
    count: u32,
    word_ms: (f64, f64),
    gap_ms: (f64, f64),
) {
    for k in 0..count {
        let w = rng.random_range(word_ms.0..word_ms.1);
        audio.extend(speech(rng, w));
        if k + 1 < count {
            let gap = rng.random_range(gap_ms.0..gap_ms.1);
            audio.extend(vec![0.0; ms_samples(gap)]);
        }
    }
}

fn call(rng: &mut Pcg64Mcg, machine: bool) -> Vec<i16> {
    let mut audio: Vec<f64> = Vec::new();
    let pause = rng.random_range(100.0..1_200.0);
    audio.extend(vec![0.0; ms_samples(pause)]);
    let kind = rng.random::<f64>();
    match (machine, kind) {
        // Most people: "hello?" (one or two words).
        (false, k) if k < 0.8 => {
            let n = rng.random_range(1..=2);
            words(rng, &mut audio, n, (200.0, 550.0), (40.0, 150.0));
        }
        // Some introduce themselves: "hello, Maria speaking" (3 words, up to ~1.6 s).
        (false, _) => words(rng, &mut audio, 3, (200.0, 420.0), (50.0, 200.0)),
        // Most machines: a long greeting of many words.
        (true, k) if k < 0.85 => {
            let n = rng.random_range(5..=14);
            words(rng, &mut audio, n, (150.0, 500.0), (60.0, 300.0));
        }
        // Some are short ("leave a message"), then a beep.
        (true, _) => {
            let n = rng.random_range(2..=4);
            words(rng, &mut audio, n, (200.0, 450.0), (60.0, 250.0));
            audio.extend(vec![0.0; ms_samples(rng.random_range(200.0..700.0))]);
            audio.extend(speech(rng, 400.0));
        }
    }
    audio.extend(vec![0.0; ms_samples(4_000.0)]);
    let level = rng.random_range(20.0..300.0);
    let n = noise(rng, audio.len(), level);
    audio
        .iter()
        .zip(n)
        .map(|(a, b)| (a + b).clamp(-32_767.0, 32_767.0) as i16)
        .collect()
}

#[test]
fn accuracy_on_synthetic_calls() {
    let mut rng = Pcg64Mcg::seed_from_u64(20_261_123);
    let (mut tp, mut fn_, mut tn, mut fp, mut unsure_h, mut unsure_m) = (0, 0, 0, 0, 0, 0);
    let mut decision_ms = Vec::new();
    let n = 300;
    for i in 0..2 * n {
        let machine = i % 2 == 1;
        let audio = call(&mut rng, machine);
        let mut d = MachineDetection::new(AmdSettings::default());
        let v = d.feed(&audio).expect("a verdict within the audio");
        decision_ms.push(d.elapsed_ms());
        match (machine, v) {
            (true, Verdict::Machine(_)) => tp += 1,
            (true, Verdict::Human(_)) => fn_ += 1,
            (true, Verdict::NotSure(_)) => unsure_m += 1,
            (false, Verdict::Machine(_)) => fp += 1,
            (false, Verdict::Human(_)) => tn += 1,
            (false, Verdict::NotSure(_)) => unsure_h += 1,
        }
    }
    decision_ms.sort_unstable();
    let correct = tp + tn + unsure_h; // not sure goes to an agent: right for a person
    let accuracy = correct as f64 / (2 * n) as f64;
    println!(
        "AMD on {} synthetic calls: accuracy {accuracy:.3}; machines: {tp} detected, {fn_} taken for people, {unsure_m} not sure; \
         people: {tn} detected, {unsure_h} not sure, {fp} taken for machines (silent calls); median decision {} ms",
        2 * n,
        decision_ms[decision_ms.len() / 2]
    );
    assert!(accuracy >= 0.95, "accuracy {accuracy}");
    // Hanging up on a person is the costly mistake.
    assert!(
        fp as f64 / n as f64 <= 0.02,
        "{fp} people taken for machines"
    );
}
