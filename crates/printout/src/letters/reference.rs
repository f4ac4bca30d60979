//! ISO 11649 structured creditor references (`RF18 5390 0754 7034`).
//!
//! A creditor reference is `RF`, two check digits and the creditor's own
//! reference (1 to 21 letters and digits). The check digits make the whole
//! pass the ISO 7064 mod 97-10 check, the one IBANs use: letters count as
//! 10 to 35, the first four characters move to the end, and the number must
//! leave 1 when divided by 97. Letters quote it so that the payments import
//! can match a transfer to its case whatever else the payer wrote.

/// The longest creditor's own reference a creditor reference can carry.
const REFERENCE_LEN_MAX: usize = 21;

/// The creditor reference for a case's reference: `RF`, check digits and
/// the reference in capitals, without spaces (the electronic form). Spaces
/// and hyphens in the case reference are dropped (`C-2026-0042` →
/// `C20260042`; so `A-1` and `A1` get the same one). `None` when anything
/// else than letters and digits is left, or none, or more than 21.
pub fn creditor_reference(case_ref: &str) -> Option<String> {
    let reference: String = case_ref
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if reference.is_empty()
        || reference.len() > REFERENCE_LEN_MAX
        || !reference.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    let remainder = mod97(reference.chars().chain("RF00".chars()))?;
    Some(format!("RF{:02}{reference}", 98 - remainder))
}

/// Whether text is a valid creditor reference; spaces are ignored and
/// letters may be in either case (`rf18 5390 0754 7034`).
pub fn is_creditor_reference(text: &str) -> bool {
    let compact: String = text
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    // ASCII first: the slices below then fall on character boundaries.
    if !compact.chars().all(|c| c.is_ascii_alphanumeric())
        || !(5..=4 + REFERENCE_LEN_MAX).contains(&compact.len())
        || !compact.starts_with("RF")
        || !compact[2..4].bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    mod97(compact[4..].chars().chain(compact[..4].chars())) == Some(1)
}

/// The remainder modulo 97 of the number the characters spell, letters
/// counting as 10 (`A`) to 35 (`Z`); `None` for anything else.
fn mod97(chars: impl Iterator<Item = char>) -> Option<u32> {
    let mut remainder = 0u32;
    for c in chars {
        let value = c.to_digit(36)?;
        remainder = if value < 10 {
            (remainder * 10 + value) % 97
        } else {
            (remainder * 100 + value) % 97
        };
    }
    Some(remainder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_example_is_valid_however_it_is_written() {
        assert!(is_creditor_reference("RF18539007547034"));
        assert!(is_creditor_reference("RF18 5390 0754 7034"));
        assert!(is_creditor_reference("rf18 5390 0754 7034"));
        assert_eq!(
            creditor_reference("539007547034").as_deref(),
            Some("RF18539007547034")
        );
    }

    #[test]
    fn check_digits_catch_a_changed_or_swapped_character() {
        assert!(!is_creditor_reference("RF18539007547035"));
        assert!(!is_creditor_reference("RF18539007545734"));
        assert!(!is_creditor_reference("RF19539007547034"));
        assert!(!is_creditor_reference("RF18"));
        assert!(!is_creditor_reference("XX18539007547034"));
        assert!(!is_creditor_reference("RF1853900754703!"));
        assert!(!is_creditor_reference("RFé8539007547034"));
    }

    #[test]
    fn a_case_reference_gets_a_creditor_reference_that_validates() {
        let rf = creditor_reference("c-2026-0042").expect("alphanumeric once hyphens are dropped");
        assert!(rf.starts_with("RF") && rf.ends_with("C20260042"), "{rf}");
        assert!(is_creditor_reference(&rf));
        // Check digits below 10 keep their leading zero.
        let small = (0..200)
            .filter_map(|i| creditor_reference(&format!("X{i}")))
            .find(|rf| rf.as_bytes()[2] == b'0')
            .expect("some reference has a check number under 10");
        assert!(is_creditor_reference(&small), "{small}");
        assert_eq!(
            creditor_reference("A".repeat(21).as_str()).map(|r| r.len()),
            Some(25)
        );
        assert_eq!(creditor_reference(&"A".repeat(22)), None);
        assert_eq!(creditor_reference("C/2026"), None);
        assert_eq!(creditor_reference(" - "), None);
    }
}
