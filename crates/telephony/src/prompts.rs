//! The prompts that ship with the switch, in English, Spanish, Catalan and
//! Czech (8 kHz μ-law WAV files generated from `prompts/prompts.toml` by
//! `scripts/make_prompts.py`, embedded in the binary), and the announcements
//! built from them: position in queue and estimated wait.

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/prompts.rs"));
}

/// Languages with a full prompt set.
pub const LANGUAGES: [&str; 4] = ["en", "es", "ca", "cs"];
/// The language used when a caller's has no prompts.
pub const FALLBACK: &str = "en";

/// The WAV bytes of a prompt in a language (falling back to English), if it exists.
pub fn wav(name: &str, language: &str) -> Option<&'static [u8]> {
    let find = |lang: &str| {
        embedded::PROMPTS
            .binary_search_by(|(l, n, _)| (*l, *n).cmp(&(lang, name)))
            .ok()
            .map(|i| embedded::PROMPTS[i].2)
    };
    find(language).or_else(|| find(FALLBACK))
}

/// A prompt as linear samples.
pub fn samples(name: &str, language: &str) -> Option<Vec<i16>> {
    wav(name, language)
        .map(|b| crate::wav::read_prompt(b).expect("embedded prompts are valid WAV files"))
}

/// Names of every prompt of a language.
pub fn names(language: &str) -> impl Iterator<Item = &'static str> + '_ {
    embedded::PROMPTS
        .iter()
        .filter(move |(l, _, _)| *l == language)
        .map(|(_, n, _)| *n)
}

fn number(n: u64) -> String {
    if n <= 20 {
        format!("n_{n}")
    } else {
        "n_many".into()
    }
}

/// "You are number N in the queue": the prompts to play, in order.
pub fn position(n: u64) -> Vec<String> {
    vec!["position_intro".into(), number(n), "position_outro".into()]
}

/// "Your estimated waiting time is N minutes" (rounded up; under a minute said so).
/// Plurals follow the language (Czech: 1 minuta, 2–4 minuty, 5+ minut).
pub fn estimated_wait(seconds: f64) -> Vec<String> {
    if seconds < 60.0 {
        return vec!["wait_intro".into(), "wait_less_than_minute".into()];
    }
    let minutes = (seconds / 60.0).ceil() as u64;
    let unit = match minutes {
        1 => "minute_1",
        2..=4 => "minutes_few",
        _ => "minutes_many",
    };
    vec!["wait_intro".into(), number(minutes), unit.into()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_prompt_and_they_play() {
        let en: Vec<_> = names("en").collect();
        assert!(en.len() >= 40, "{en:?}");
        for lang in LANGUAGES {
            let here: Vec<_> = names(lang).collect();
            assert_eq!(here, en, "{lang} has the same prompts as en");
            for name in &here {
                let s = samples(name, lang).unwrap();
                let secs = s.len() as f64 / 8000.0;
                assert!((0.1..12.0).contains(&secs), "{lang}/{name}: {secs} s");
                assert!(crate::tones::power(&s) > 1e4, "{lang}/{name} is not silent");
            }
        }
    }

    #[test]
    fn announcements_name_existing_prompts() {
        for parts in [
            position(1),
            position(7),
            position(40),
            estimated_wait(30.0),
            estimated_wait(61.0),
            estimated_wait(250.0),
            estimated_wait(10_000.0),
        ] {
            for p in parts {
                assert!(wav(&p, "cs").is_some(), "{p}");
            }
        }
        assert_eq!(
            estimated_wait(150.0),
            vec!["wait_intro", "n_3", "minutes_few"]
        );
        assert_eq!(estimated_wait(60.0), vec!["wait_intro", "n_1", "minute_1"]);
        assert_eq!(
            position(25),
            vec!["position_intro", "n_many", "position_outro"]
        );
    }

    #[test]
    fn unknown_languages_fall_back_and_unknown_prompts_are_none() {
        assert_eq!(wav("welcome", "fr"), wav("welcome", "en"));
        assert_ne!(wav("welcome", "ca"), wav("welcome", "en"));
        assert!(wav("nonexistent", "en").is_none());
    }
}
