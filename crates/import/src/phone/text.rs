//! Reading the text of a phone number as the `phonenumber` crate (0.3.10)
//! does, before any metadata is involved: the RFC 3966 reading (`tel:` URIs,
//! and plain numbers without spaces), else the natural reading (from the
//! first `+` or digit, trailing symbols and an extension dropped), then the
//! viability check and the digit normalisation (letters to keypad digits).
//!
//! The crate's patterns are copied verbatim and only run when a cheap look
//! at the text cannot decide (non-ASCII text, letters, `;`, `#`).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

/// The crate's `VALID_PUNCTUATION` characters (its `punctuation` parser).
const PUNCTUATION: &str = "-x\u{2010}\u{2011}\u{2012}\u{2013}\u{2014}\u{2015}\u{2212}\u{30FC}\u{FF0D}-\u{FF0F} \u{00A0}\u{00AD}\u{200B}\u{2060}\u{3000}()\u{FF08}\u{FF09}\u{FF3B}\u{FF3D}.[]/~\u{2053}\u{223C}\u{FF5E}";

/// The first character a number may start with.
static VALID_START_CHAR: LazyLock<Regex> = LazyLock::new(|| crate_regex(r"[\+\x{FF0B}\p{Nd}]"));
/// Trailing characters that are neither numbers nor letters (nor `#`).
static UNWANTED_END_CHARS: LazyLock<Regex> =
    LazyLock::new(|| crate_regex(r"[[\P{N}&&\P{L}]&&[^#]]+$"));
/// Where a second number starts ("…/x123").
static SECOND_NUMBER_START: LazyLock<Regex> = LazyLock::new(|| crate_regex(r"[\\/] *x"));
/// An extension at the end (the crate's `EXTN_PATTERN`).
static EXTN_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    let digits = r"\p{Nd}";
    let capturing = format!("({digits}{{0,7}})");
    let symbols = r",;x\x{FF58}#\x{FF03}~\x{FF5E}";
    let parsing = format!(
        r"{rfc};ext={capturing}|[ \x{{00A0}}\t,]*(?:e?xt(?:ensi(?:o\x{{0301}}?|\x{{00F3}}))?n?|\x{{FF45}}?\x{{FF58}}\x{{FF54}}\x{{FF4E}}?|[{symbols}]|int|anexo|\x{{FF49}}\x{{FF4E}}\x{{FF54}})[:\.\x{{FF0E}}]?[ \x{{00A0}}\t,-]*{capturing}#?|[- ]+({digits}{{1,5}})#",
        rfc = "",
    );
    RegexBuilder::new(&format!(r"(?:{parsing})$"))
        .case_insensitive(true)
        .build()
        .unwrap_or_else(|e| panic!("extension pattern: {e}"))
});

fn crate_regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("pattern {pattern:?}: {e}"))
}

/// What the crate's first reading gives: the national part as written, and
/// the calling code as written when the text gave one explicitly (a `+` in
/// an RFC 3966 reading, or its `phone-context`).
pub(super) struct Read<'a> {
    pub(super) national: &'a str,
    pub(super) prefix: Option<&'a str>,
}

/// `rfc3966::phone_number`, else `natural::phone_number`; `None` where the
/// crate says there is no number.
pub(super) fn read(s: &str) -> Option<Read<'_>> {
    match rfc3966(s) {
        Some(read) => Some(read),
        None => natural(s).map(|national| Read {
            national,
            prefix: None,
        }),
    }
}

fn rfc_separator(c: char) -> bool {
    matches!(c, '-' | '.' | '(' | ')')
}

/// The crate's RFC 3966 reading.
fn rfc3966(s: &str) -> Option<Read<'_>> {
    if s.contains(' ') {
        return None;
    }
    let mut rest = s;
    if rest
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("tel:"))
    {
        rest = &rest[4..];
    }
    let mut prefix = None;
    if let Some(after) = rest.strip_prefix('+') {
        let end = after.find(rfc_separator).unwrap_or(after.len());
        if end > 0 {
            prefix = Some(&after[..end]);
            rest = &after[end..];
        }
    }
    let number = |c: char| c.is_ascii_hexdigit() || rfc_separator(c);
    let end = rest.find(|c: char| !number(c)).unwrap_or(rest.len());
    let (national, rest) = rest.split_at(end);
    if national.is_empty() || !(rest.is_empty() || rest.starts_with(';')) {
        return None;
    }
    let params = parameters(rest);
    let prefix = prefix.or_else(|| {
        let context = *params.get("phone-context")?;
        Some(context.strip_prefix('+').unwrap_or(context))
    });
    Some(Read { national, prefix })
}

/// `;name=value` parameters, as many as parse; a later one wins.
fn parameters(mut rest: &str) -> HashMap<&str, &str> {
    let pname = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let pchar = |c: char| c.is_ascii_alphanumeric() || "[]/:&+$-_.!~*'()".contains(c);
    let mut params = HashMap::new();
    while let Some(after) = rest.strip_prefix(';') {
        let key_end = after.find(|c: char| !pname(c)).unwrap_or(after.len());
        let Some(value) = after[key_end..].strip_prefix('=') else {
            break;
        };
        let value_end = value.find(|c: char| !pchar(c)).unwrap_or(value.len());
        params.insert(&after[..key_end], &value[..value_end]);
        rest = &value[value_end..];
    }
    params
}

/// The crate's natural reading: `extract`, then the extension cut off.
fn natural(s: &str) -> Option<&str> {
    let ascii = s.is_ascii();
    let start = if ascii {
        s.find(|c: char| c == '+' || c.is_ascii_digit())?
    } else {
        VALID_START_CHAR.find(s)?.start()
    };
    let mut result = &s[start..];
    let unwanted = |c: char| !c.is_ascii_alphanumeric() && c != '#';
    if ascii {
        result = result.trim_end_matches(unwanted);
    } else if let Some(m) = UNWANTED_END_CHARS.find(result) {
        result = &result[..m.start()];
    }
    if result.contains('x')
        && let Some(m) = SECOND_NUMBER_START.find(result)
    {
        result = &result[..m.start()];
    }
    if result.is_empty() {
        return None;
    }
    // No extension can match digits and these symbols alone.
    if result
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()/[]".contains(c))
    {
        return Some(result);
    }
    match EXTN_PATTERN.captures(result) {
        None => Some(result),
        Some(c) => {
            c.get(2)?;
            c.get(0).map(|m| &result[..m.start()])
        }
    }
}

fn is_plus(c: char) -> bool {
    c == '+' || c == '\u{FF0B}'
}

/// `is_viable`: two digits exactly, or leading `+`s then three digits among
/// punctuation and `*`, then also letters.
pub(super) fn viable(s: &str) -> bool {
    if s.len() < 2 {
        return false;
    }
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let body = s.trim_start_matches(is_plus);
    let mut digits = 0;
    for c in body.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if c == '*' || PUNCTUATION.contains(c) {
            // Punctuation ('x' included) may come anywhere.
        } else if c.is_ascii_alphabetic() {
            // Letters only once three digits are in.
            if digits < 3 {
                return false;
            }
        } else {
            return false;
        }
    }
    digits >= 3
}

/// `helper::normalize`: digits kept, other scripts' digits and letters (as on
/// a keypad) turned into digits, everything else dropped.
pub(super) fn digits(s: &str) -> String {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.to_owned();
    }
    s.chars().filter_map(digit).collect()
}

fn digit(c: char) -> Option<char> {
    /// The zeros of the scripts the crate reads digits of.
    const ZEROS: [u32; 15] = [
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
        0x0D66, 0x0E50, 0x0ED0, 0xFF10,
    ];
    if c.is_ascii_digit() {
        return Some(c);
    }
    if c.is_ascii_alphabetic() {
        let keypad = b"22233344455566677778889999";
        let i = usize::from(c.to_ascii_uppercase() as u8 - b'A');
        return Some(char::from(keypad[i]));
    }
    let code = u32::from(c);
    ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .and_then(|&zero| char::from_digit(code - zero, 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings() {
        let r = read("+34-612-345-678").unwrap();
        assert_eq!((r.prefix, r.national), (Some("34"), "-612-345-678"));
        let r = read("tel:612345678;phone-context=+34").unwrap();
        assert_eq!((r.prefix, r.national), (Some("34"), "612345678"));
        let r = read("(512) 345-6789 ").unwrap();
        assert_eq!((r.prefix, r.national), (None, "512) 345-6789"));
        assert_eq!(read("612 345 678 ext. 12").unwrap().national, "612 345 678");
        assert!(read("n/a").is_none());
    }

    #[test]
    fn viability() {
        assert!(viable("12"));
        assert!(!viable("(12"));
        assert!(viable("+34 612"));
        assert!(viable("0800 FLOWERS"));
        assert!(!viable("08-PIZZA"));
        assert!(!viable("612+345"));
    }

    #[test]
    fn normalisation() {
        assert_eq!(digits("0800-FLOWERS"), "08003569377");
        assert_eq!(digits("\u{FF16}1\u{0663}"), "613");
    }
}
