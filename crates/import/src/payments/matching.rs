//! Which case a payment is for, independent of the case engine: the caller
//! describes its cases as [`CaseKey`]s once ([`CaseIndex::new`] builds hash
//! maps), then asks for each payment ([`CaseIndex::match_payment`]).
//!
//! The first of these that finds a case decides:
//!
//! 1. the structured creditor reference: a valid ISO 11649 `RF` reference
//!    whose part after the check digits is a case reference, or a reference
//!    that is a case reference itself;
//! 2. the end-to-end id, equal to a case reference;
//! 3. the variable symbol, equal to a case's (leading zeros aside);
//! 4. a case reference written in the remittance text, as a whole (not
//!    touching other letters or digits), or inside an `RF` reference written
//!    there (`RF18539007547034`, or spaced `RF18 5390 0754 7034`); the
//!    longest found wins; references shorter than 4 characters are not
//!    searched for;
//! 5. the payer's name equal to a debtor's of an open case in the same
//!    currency whose balance or one of whose open amounts (a pending promise
//!    or instalment) is the payment's amount.
//!
//! References are compared without case and, in steps 1 and 2, without
//! whitespace; names without case, accents, punctuation or word order
//! ("NOVÁK, Jan" is "Jan Novak"). Two or more cases found by one step make
//! the payment [`UnmatchedReason::Ambiguous`], a reference to a case in
//! another currency [`UnmatchedReason::CurrencyMismatch`]. A closed case
//! found by reference is still a match (the caller decides what to do);
//! step 5 only looks at open cases.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::PaymentLine;
use super::symbols::{compact, rf_payload};

/// Shortest case reference searched for in remittance texts, in characters.
pub const TEXT_REFERENCE_MIN: usize = 4;
/// Longest `RF` reference, in characters.
const RF_MAX: usize = 25;

/// What matching needs to know of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseKey {
    /// The case's id.
    pub case: u64,
    /// Its reference (what payers are asked to quote).
    pub reference: String,
    /// Its Czech variable symbol, if it has one. (The server passes the
    /// reference itself when the reference is all digits, at most 10.)
    pub variable_symbol: Option<String>,
    /// The currency of its money, an ISO 4217 code.
    pub currency: String,
    /// What is owed.
    pub balance: Decimal,
    /// Its debtors' names.
    pub debtor_names: Vec<String>,
    /// Amounts expected: pending promises and instalments.
    pub open_amounts: Vec<Decimal>,
    /// Whether it is open.
    pub open: bool,
}

/// The case a payment is for, or why none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Found.
    Matched {
        /// The case's id.
        case: u64,
        /// How it was found.
        by: MatchedBy,
    },
    /// Not found: for a person to assign.
    Unmatched {
        /// Why.
        reason: UnmatchedReason,
    },
}

/// How a payment's case was found (the steps in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchedBy {
    /// The structured creditor reference (`RF…` or the case reference).
    CreditorReference,
    /// The end-to-end id is the case reference.
    EndToEndId,
    /// The variable symbol.
    VariableSymbol,
    /// The case reference is in the remittance text.
    RemittanceText,
    /// The payer's name and the amount.
    AmountAndDebtor,
}

/// Why a payment matched no case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnmatchedReason {
    /// Nothing points to a case.
    NoMatch,
    /// Several cases fit equally.
    Ambiguous {
        /// Their ids, ascending.
        cases: Vec<u64>,
    },
    /// The reference is a case's, but the case is in another currency.
    CurrencyMismatch {
        /// The case's id.
        case: u64,
    },
}

/// The index's maps: FxHash (as in rustc), quicker than the standard
/// SipHash on short keys. The keys stored are the tenant's own (case
/// references, names, symbols), so payments cannot make them collide.
type Map<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// FxHash: each 8 bytes mixed in by a rotation, an xor and a product.
#[derive(Debug, Default, Clone, Copy)]
struct Fx(u64);

impl Fx {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.mix(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.mix(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn finish(&self) -> u64 {
        // The product's high bits are the well mixed ones; the table picks
        // buckets by the low ones (as rustc-hash 2 does).
        self.0.rotate_left(26)
    }
}

/// A case, as kept by the index.
#[derive(Debug)]
struct Indexed {
    case: u64,
    /// Its place in [`CaseIndex::currencies`].
    currency: usize,
}

/// Where a case reference is found in texts: one of its words (the rarest
/// among all references) and that word's byte offset in the reference.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    case: u32,
    offset: u32,
}

/// The cases, ready to match payments.
#[derive(Debug, Default)]
pub struct CaseIndex {
    cases: Vec<Indexed>,
    /// The cases' currencies, upper-cased.
    currencies: Vec<Box<str>>,
    /// Upper-cased whitespace-free references.
    by_reference: Map<Box<str>, Vec<u32>>,
    /// Variable symbols without leading zeros.
    by_symbol: Map<Box<str>, Vec<u32>>,
    /// Open cases by debtor name key, then by amount expected (the balance
    /// and the open amounts).
    by_name: Map<Box<str>, Map<Decimal, Vec<u32>>>,
    /// Upper-cased references as written (whitespace runs made one space),
    /// for the text search.
    texts: Vec<Box<str>>,
    /// Anchors by upper-cased word.
    by_word: Map<Box<str>, Vec<Anchor>>,
}

impl CaseIndex {
    /// Indexes the cases.
    pub fn new(cases: impl IntoIterator<Item = CaseKey>) -> Self {
        let cases = cases.into_iter();
        let mut index = Self::default();
        let size = cases.size_hint().0;
        index.cases.reserve(size);
        index.texts.reserve(size);
        index.by_reference.reserve(size);
        for key in cases {
            index.add(key);
        }
        index.anchor_texts();
        index
    }

    /// How many cases it holds.
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    /// Whether it holds no case.
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// Adds a case to the maps (the text anchors come after all).
    fn add(&mut self, key: CaseKey) {
        let at = self.cases.len() as u32;
        let reference = compact(&key.reference);
        // A creditor reference holds letters and digits only: a case
        // reference with others (`C-2026-7`) is also found by those alone.
        let plain: String = reference
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        if !plain.is_empty() && plain != reference {
            push(&mut self.by_reference, plain.into(), at);
        }
        if !reference.is_empty() {
            push(&mut self.by_reference, reference.into(), at);
        }
        if let Some(symbol) = key.variable_symbol.as_deref().map(symbol_key)
            && !symbol.is_empty()
        {
            push(&mut self.by_symbol, symbol.into(), at);
        }
        if key.open {
            let mut names: Vec<_> = key
                .debtor_names
                .iter()
                .filter_map(|n| name_key(n))
                .collect();
            names.sort_unstable();
            names.dedup();
            for name in names {
                if !self.by_name.contains_key(name.as_str()) {
                    self.by_name.insert(name.clone().into(), Map::default());
                }
                let amounts = self.by_name.get_mut(name.as_str()).expect("inserted");
                for amount in std::iter::once(&key.balance).chain(&key.open_amounts) {
                    push(amounts, amount.normalize(), at);
                }
            }
        }
        let text = match key.reference.trim() {
            t if t.contains(|c: char| c.is_whitespace() && c != ' ') || t.contains("  ") => {
                t.split_whitespace().collect::<Vec<_>>().join(" ")
            }
            t => t.to_owned(),
        };
        self.texts.push(text.to_uppercase().into());
        let currency = key.currency.trim().to_ascii_uppercase();
        let currency = match self.currencies.iter().position(|c| **c == currency) {
            Some(at) => at,
            None => {
                self.currencies.push(currency.into());
                self.currencies.len() - 1
            }
        };
        self.cases.push(Indexed {
            case: key.case,
            currency,
        });
    }

    /// Anchors each reference of 4 characters or more by its rarest word.
    fn anchor_texts(&mut self) {
        let size = self.texts.len();
        let mut counts: Map<&str, u32> =
            Map::with_capacity_and_hasher(2 * size, Default::default());
        for text in &self.texts {
            for (_, word) in words(text) {
                *counts.entry(word).or_default() += 1;
            }
        }
        let mut by_word: Map<Box<str>, Vec<Anchor>> =
            Map::with_capacity_and_hasher(size, Default::default());
        for (case, text) in self.texts.iter().enumerate() {
            if text.chars().count() < TEXT_REFERENCE_MIN {
                continue;
            }
            let rarest = words(text).min_by_key(|(_, w)| (counts[w], usize::MAX - w.len()));
            if let Some((offset, word)) = rarest {
                let anchor = Anchor {
                    case: case as u32,
                    offset: offset as u32,
                };
                by_word.entry(word.into()).or_default().push(anchor);
            }
        }
        self.by_word = by_word;
    }

    /// The case a payment is for, or why none (the module's documentation
    /// says how).
    pub fn match_payment(&self, payment: &PaymentLine) -> Match {
        let reference = payment.creditor_reference.as_deref().map(compact);
        let found = reference.as_deref().and_then(|r| {
            let direct = self.by_reference.get(r);
            direct.or_else(|| rf_payload(r).and_then(|p| self.by_reference.get(p)))
        });
        if let Some(found) = self.decide(found, payment, MatchedBy::CreditorReference) {
            return found;
        }
        let end_to_end = payment.end_to_end_id.as_deref().map(compact);
        let found = end_to_end.and_then(|e| self.by_reference.get(e.as_str()));
        if let Some(found) = self.decide(found, payment, MatchedBy::EndToEndId) {
            return found;
        }
        let symbol = payment.variable_symbol.as_deref().map(symbol_key);
        let found = symbol.and_then(|s| self.by_symbol.get(s));
        if let Some(found) = self.decide(found, payment, MatchedBy::VariableSymbol) {
            return found;
        }
        let found = self.in_text(&payment.remittance);
        if let Some(found) = self.decide(Some(&found), payment, MatchedBy::RemittanceText) {
            return found;
        }
        self.by_amount_and_debtor(payment)
    }

    /// A currency's place in [`Self::currencies`], if a case has it.
    fn currency(&self, code: &str) -> Option<usize> {
        let code = code.trim();
        (self.currencies.iter()).position(|c| c.eq_ignore_ascii_case(code))
    }

    /// The match for the cases a step found, `None` if it found none.
    fn decide(
        &self,
        found: Option<&Vec<u32>>,
        payment: &PaymentLine,
        by: MatchedBy,
    ) -> Option<Match> {
        let found = found.filter(|f| !f.is_empty())?;
        let currency = self.currency(&payment.currency);
        let mut same: Vec<u64> = (found.iter().map(|&i| &self.cases[i as usize]))
            .filter(|c| Some(c.currency) == currency)
            .map(|c| c.case)
            .collect();
        same.sort_unstable();
        same.dedup();
        Some(match same.as_slice() {
            [] => Match::Unmatched {
                reason: UnmatchedReason::CurrencyMismatch {
                    case: self.cases[found[0] as usize].case,
                },
            },
            [case] => Match::Matched { case: *case, by },
            _ => Match::Unmatched {
                reason: UnmatchedReason::Ambiguous { cases: same },
            },
        })
    }

    /// The cases whose references are in a text: the longest found.
    fn in_text(&self, text: &str) -> Vec<u32> {
        let upper = text.to_uppercase();
        let mut found: Vec<u32> = Vec::new();
        let mut longest = 0;
        let mut keep = |cases: &[u32], len: usize| {
            if len > longest {
                longest = len;
                found.clear();
            }
            if len == longest {
                found.extend_from_slice(cases);
            }
        };
        let all: Vec<(usize, &str)> = words(&upper).collect();
        for (i, &(at, word)) in all.iter().enumerate() {
            for anchor in self.by_word.get(word).into_iter().flatten() {
                let reference = &self.texts[anchor.case as usize];
                if let Some(start) = at.checked_sub(anchor.offset as usize)
                    && whole_at(&upper, start, reference)
                {
                    keep(&[anchor.case], reference.len());
                }
            }
            if let Some(payload) = rf_in_words(&upper, &all[i..])
                && let Some(cases) = self.by_reference.get(payload.as_str())
            {
                keep(cases, payload.len());
            }
        }
        found
    }

    /// Step 5: the payer's name and the amount.
    fn by_amount_and_debtor(&self, payment: &PaymentLine) -> Match {
        let no_match = Match::Unmatched {
            reason: UnmatchedReason::NoMatch,
        };
        let Some(name) = payment.payer_name.as_deref().and_then(name_key) else {
            return no_match;
        };
        let found = (self.by_name.get(name.as_str()))
            .and_then(|amounts| amounts.get(&payment.amount.normalize()));
        let currency = self.currency(&payment.currency);
        let fits: Vec<u32> = (found.into_iter().flatten().copied())
            .filter(|&i| Some(self.cases[i as usize].currency) == currency)
            .collect();
        self.decide(Some(&fits), payment, MatchedBy::AmountAndDebtor)
            .unwrap_or(no_match)
    }
}

/// Adds a case under a key.
fn push<K: Eq + std::hash::Hash>(map: &mut Map<K, Vec<u32>>, key: K, case: u32) {
    let cases = map.entry(key).or_default();
    if cases.last() != Some(&case) {
        cases.push(case);
    }
}

/// The words of a text (runs of letters and digits) and their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

/// Whether `reference` is in `text` at byte `start`, touching no other
/// letter or digit.
fn whole_at(text: &str, start: usize, reference: &str) -> bool {
    let end = start + reference.len();
    if text.as_bytes().get(start..end) != Some(reference.as_bytes()) {
        return false;
    }
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let before = text.get(..start).and_then(|t| t.chars().next_back());
    let after = text.get(end..).and_then(|t| t.chars().next());
    !alnum(before) && !alnum(after)
}

/// The reference inside an `RF` reference starting at the first word:
/// the word itself (`RF18539007547034`), or the word `RF18` and the next
/// words each after one space (`RF18 5390 0754 7034`), the longest valid.
fn rf_in_words(text: &str, words: &[(usize, &str)]) -> Option<String> {
    let (start, first) = *words.first()?;
    if !first.starts_with("RF") || first.len() < 4 {
        return None;
    }
    if first.len() > 4 {
        return rf_payload(first).map(str::to_owned);
    }
    let mut joined = first.to_owned();
    let mut end = start + first.len();
    let mut best = None;
    for &(at, word) in &words[1..] {
        if at != end + 1 || text.as_bytes()[end] != b' ' || joined.len() + word.len() > RF_MAX {
            break;
        }
        joined.push_str(word);
        end = at + word.len();
        if let Some(payload) = rf_payload(&joined) {
            best = Some(payload.to_owned());
        }
    }
    best
}

/// A variable symbol without leading zeros.
fn symbol_key(symbol: &str) -> &str {
    symbol.trim().trim_start_matches('0')
}

/// A name as compared: lower case, no accents, its words sorted; `None`
/// if it has no letters or digits.
pub fn name_key(name: &str) -> Option<String> {
    let folded: String = name
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let mut words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.sort_unstable();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests;
