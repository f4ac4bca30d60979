//! The references payers write: ISO 11649 structured creditor references
//! (`RF` + two check digits + up to 21 letters or digits) and the Czech
//! variable symbol (up to ten digits).

/// Longest reference after `RF` and the check digits.
const RF_PAYLOAD_MAX: usize = 21;
/// Most digits in a variable symbol.
const VS_DIGITS_MAX: usize = 10;

/// The ISO 11649 creditor reference for a case reference: `RF`, the two
/// check digits and the reference, upper-cased without spaces and hyphens
/// (as `printout::letters` prints it); `None` if the reference is not then
/// 1 to 21 ASCII letters and digits.
///
/// ```
/// assert_eq!(import::payments::creditor_reference("5390 0754 7034").as_deref(), Some("RF18539007547034"));
/// assert_eq!(import::payments::creditor_reference("C-17").as_deref(), Some("RF28C17"));
/// assert_eq!(import::payments::creditor_reference("C/17"), None);
/// ```
pub fn creditor_reference(case_reference: &str) -> Option<String> {
    // Hyphens dropped, as the letters print it (`C-2026-7` → `C20267`).
    let payload: String = compact(case_reference)
        .chars()
        .filter(|c| *c != '-')
        .collect();
    let fits = (1..=RF_PAYLOAD_MAX).contains(&payload.len());
    if !fits || !payload.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let rest = mod97(payload.bytes().chain(*b"RF00"), 0);
    Some(format!("RF{:02}{payload}", 98 - rest))
}

/// Whether a text is a valid ISO 11649 creditor reference (spaces and
/// letter case aside): `RF`, two check digits, 1 to 21 letters or digits,
/// the whole passing the mod 97 check.
pub fn is_creditor_reference(text: &str) -> bool {
    rf_payload(&compact(text)).is_some()
}

/// The reference inside a valid creditor reference already compacted
/// (upper case, no spaces): what follows `RF` and the check digits.
pub(super) fn rf_payload(compact: &str) -> Option<&str> {
    let b = compact.as_bytes();
    if b.len() < 5 || b.len() > 4 + RF_PAYLOAD_MAX || &b[..2] != b"RF" {
        return None;
    }
    if !b[2..4].iter().all(u8::is_ascii_digit) || !b[4..].iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let check = u32::from(b[2] - b'0') * 10 + u32::from(b[3] - b'0');
    let valid = (2..=98).contains(&check) && mod97(b[4..].iter().chain(&b[..4]).copied(), 0) == 1;
    valid.then(|| &compact[4..])
}

/// Upper case, whitespace removed.
pub(super) fn compact(text: &str) -> String {
    if text.contains(char::is_whitespace) {
        text.split_whitespace().collect::<String>().to_uppercase()
    } else {
        text.to_uppercase()
    }
}

/// The remainder mod 97 of the number a text stands for, letters counting
/// as two digits (A = 10 … Z = 35), continuing from `rest`.
fn mod97(text: impl Iterator<Item = u8>, rest: u32) -> u32 {
    text.fold(rest, |n, c| match c {
        b'0'..=b'9' => (n * 10 + u32::from(c - b'0')) % 97,
        _ => (n * 100 + u32::from(c.to_ascii_uppercase() - b'A') + 10) % 97,
    })
}

/// The Czech variable symbol in a text: the digits after `VS` (any case,
/// not preceded by a letter or digit), separated from it by at most two of
/// `/ : - = . #` or a space: `/VS/123`, `VS:123`, `VS 123`, `VS123/SS/KS`.
/// Digits only, 1 to 10 of them, not all zeros, followed by neither a letter
/// nor a digit; the first such in the text.
///
/// ```
/// use import::payments::variable_symbol;
/// assert_eq!(variable_symbol("/VS/20240017/SS//KS/0308").as_deref(), Some("20240017"));
/// assert_eq!(variable_symbol("VS123/SS/KS").as_deref(), Some("123"));
/// assert_eq!(variable_symbol("ADVS 123"), None);
/// ```
pub fn variable_symbol(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c >= 0x80;
    let mut i = 0;
    while i + 2 < b.len() {
        let at_vs = b[i..i + 2].eq_ignore_ascii_case(b"VS") && (i == 0 || !word(b[i - 1]));
        if at_vs {
            let mut j = i + 2;
            while j < b.len()
                && j < i + 4
                && matches!(b[j], b'/' | b':' | b' ' | b'-' | b'=' | b'.' | b'#')
            {
                j += 1;
            }
            let start = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let digits = &text[start..j];
            let ends = j == b.len() || !word(b[j]);
            if ends
                && (1..=VS_DIGITS_MAX).contains(&digits.len())
                && digits.bytes().any(|d| d != b'0')
            {
                return Some(digits.to_owned());
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_creditor_reference_is_valid() {
        assert!(is_creditor_reference("RF18539007547034"));
        assert!(is_creditor_reference("rf18 5390 0754 7034"));
        assert!(!is_creditor_reference("RF19539007547034"));
        assert!(!is_creditor_reference("RF18"));
        assert!(!is_creditor_reference("RF18-5390"));
        assert_eq!(
            creditor_reference("539007547034").as_deref(),
            Some("RF18539007547034")
        );
    }

    #[test]
    fn generated_references_are_valid() {
        for reference in ["1", "A", "C2024000017", "abc123", "ZZZZZZZZZZZZZZZZZZZZZ"] {
            let rf = creditor_reference(reference).unwrap();
            assert!(is_creditor_reference(&rf), "{rf}");
            assert_eq!(rf_payload(&rf), Some(reference.to_uppercase().as_str()));
        }
        assert_eq!(creditor_reference(""), None);
        assert_eq!(creditor_reference("ZZZZZZZZZZZZZZZZZZZZZZ"), None);
        assert_eq!(creditor_reference("C-2024").as_deref(), Some("RF58C2024"));
        assert_eq!(creditor_reference("C/2024"), None);
        assert_eq!(creditor_reference("Ňa"), None);
    }

    #[test]
    fn variable_symbols() {
        let vs = |t: &str| variable_symbol(t);
        assert_eq!(vs("/VS/20240017").as_deref(), Some("20240017"));
        assert_eq!(vs("VS:123").as_deref(), Some("123"));
        assert_eq!(vs("vs 123 faktura").as_deref(), Some("123"));
        assert_eq!(vs("VS123/SS/KS").as_deref(), Some("123"));
        assert_eq!(
            vs("Platba VS: 0000012345, SS 1").as_deref(),
            Some("0000012345")
        );
        assert_eq!(vs("VS12345678901"), None);
        assert_eq!(vs("VS0000"), None);
        assert_eq!(vs("VSX12"), None);
        assert_eq!(vs("ZVS 12"), None);
        assert_eq!(vs("VS 12a"), None);
        assert_eq!(vs("ŘVS 12"), None);
        assert_eq!(vs("VS"), None);
        assert_eq!(vs("VS 12, VS 34").as_deref(), Some("12"));
    }
}
