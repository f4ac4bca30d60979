//! Values as both formats write them: amounts, dates, currency codes, text
//! fields cut to their limit, and the hash that makes ids.

use std::hash::Hasher;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use siphasher::sip128::{Hasher128, SipHasher13};

/// Most digits in an amount (ISO 20022's `totalDigits`).
const AMOUNT_DIGITS_MAX: usize = 18;

/// The 1-based line of a byte offset.
pub(super) fn line_at(bytes: &[u8], offset: usize) -> u64 {
    let end = offset.min(bytes.len());
    1 + bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64
}

/// An amount: an optional sign, digits, optionally a point and digits.
pub(super) fn amount(text: &str) -> Result<Decimal, String> {
    let bad = || format!("\"{}\" is not an amount", cut(text, 40));
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(bad());
    }
    if digits.ends_with('.') || whole.len() + fraction.len() > AMOUNT_DIGITS_MAX {
        return Err(bad());
    }
    Decimal::from_str(text.strip_prefix('+').unwrap_or(text)).map_err(|_| bad())
}

/// A date written `YYYY-MM-DD`, or the date of a `YYYY-MM-DDThh:mm:ss…`.
pub(super) fn date(text: &str) -> Result<NaiveDate, String> {
    let bad = || format!("\"{}\" is not a date (YYYY-MM-DD)", cut(text, 40));
    let b = text.as_bytes();
    if b.len() < 10 || (b.len() > 10 && b[10] != b'T') || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &b[range];
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(y), Some(m), Some(d)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(bad());
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(bad)
}

/// A currency code: three letters, upper-cased.
pub(super) fn currency(text: &str) -> Result<String, String> {
    if text.len() == 3 && text.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(text.to_ascii_uppercase())
    } else {
        Err(format!("\"{}\" is not a currency code", cut(text, 40)))
    }
}

/// Trimmed, runs of whitespace made one space, at most `max` characters.
pub(super) fn clean(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > 0 {
            if chars == max {
                break;
            }
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars == max {
                return out;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}

/// A cleaned text, `None` if empty.
pub(super) fn some(text: &str, max: usize) -> Option<String> {
    let text = clean(text, max);
    (!text.is_empty()).then_some(text)
}

/// At most `max` characters of a text (for messages).
pub(super) fn cut(text: &str, max: usize) -> &str {
    text.char_indices()
        .nth(max)
        .map_or(text, |(i, _)| &text[..i])
}

/// Hashes values into an id: SipHash-1-3, 128 bits, keys 0, each value
/// preceded by its length in bytes (8 bytes, little-endian).
#[derive(Default)]
pub(super) struct IdHash(SipHasher13);

impl IdHash {
    /// Adds a value.
    pub(super) fn add(&mut self, value: &str) -> &mut Self {
        self.0.write(&(value.len() as u64).to_le_bytes());
        self.0.write(value.as_bytes());
        self
    }

    /// The id: the prefix and 32 hex digits.
    pub(super) fn id(&self, prefix: &str) -> String {
        format!("{prefix}{:032x}", self.0.finish128().as_u128())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(amount("12.50"), Ok(Decimal::new(1250, 2)));
        assert_eq!(amount("+7"), Ok(Decimal::new(7, 0)));
        assert_eq!(amount("-0.01"), Ok(Decimal::new(-1, 2)));
        for bad in [
            "",
            "12,50",
            "12.",
            ".5",
            "1_000",
            "1e3",
            "12.5x",
            "- 1",
            "1234567890123456789",
        ] {
            assert!(amount(bad).is_err(), "{bad}");
        }
        assert_eq!(amount("12,5x").unwrap_err(), "\"12,5x\" is not an amount");
    }

    #[test]
    fn dates() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(date("2024-03-01"), Ok(day));
        assert_eq!(date("2024-03-01T23:59:59+01:00"), Ok(day));
        for bad in ["2024-3-1", "01.03.2024", "2024-02-30", "2024-03-01x", ""] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn texts_are_cleaned_and_cut() {
        assert_eq!(clean("  Jan \n  Novák ", 140), "Jan Novák");
        assert_eq!(clean("abc def", 5), "abc d");
        assert_eq!(clean("abc def", 3), "abc");
        assert_eq!(clean("ščř", 2), "šč");
        assert_eq!(some("  ", 10), None);
        assert_eq!(line_at(b"a\nb\nc", 4), 3);
    }

    #[test]
    fn ids_hash_values_with_their_lengths() {
        let one = IdHash::default().add("ab").add("c").id("H:");
        let two = IdHash::default().add("a").add("bc").id("H:");
        assert_ne!(one, two);
        assert_eq!(one.len(), 34);
        assert_eq!(one, IdHash::default().add("ab").add("c").id("H:"));
    }
}
