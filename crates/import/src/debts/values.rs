//! One cell's value: amounts, dates, currency codes, emails, and the limits
//! on text. Each reader gives the value, or how the cell is wrong as the end
//! of a sentence that starts with the field and the cell ("is negative").

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::mapping::{DateFormat, DecimalMark};

/// Most decimals an amount may have: debts are kept to the cent.
pub const AMOUNT_SCALE_MAX: u32 = 2;
/// Largest amount, in currency units (a trillion, as the case engine).
pub const AMOUNT_MAX_UNITS: i64 = 1_000_000_000_000;
/// Longest case reference, in characters.
pub const CASE_REF_MAX: usize = 64;
/// Longest debtor identifier, in characters.
pub const DEBTOR_ID_MAX: usize = 64;
/// Longest debtor or creditor name, in characters.
pub const NAME_MAX: usize = 200;
/// Longest address or email, in characters.
pub const TEXT_MAX: usize = 500;

/// Characters that group thousands, besides the separator that is not the
/// decimal one: space, no-break space, narrow no-break space.
const GROUPING_SPACES: [char; 3] = [' ', '\u{a0}', '\u{202f}'];

/// An amount as the file writes it. `typed` is for spreadsheets, whose
/// number cells read as Rust prints a number ("1550.5") whatever the
/// mapping's separator: such text is taken with a point.
pub(super) fn amount(text: &str, mark: DecimalMark, typed: bool) -> Result<Decimal, String> {
    let text = text.trim();
    let (negative, body) = match text.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    let canonical = if typed && printed_number(body) {
        Some(body.to_owned())
    } else {
        canonical(body, mark)
    };
    let example = match mark {
        DecimalMark::Point => "1,550.00 or 1550.00",
        DecimalMark::Comma => "1.550,00 or 1550,00",
    };
    let not_amount = || format!("is not an amount written like {example}");
    let value = canonical
        .and_then(|c| Decimal::from_str_exact(&c).ok())
        .ok_or_else(not_amount)?;
    if negative && !value.is_zero() {
        return Err("is negative; an amount owed is never below zero".into());
    }
    if value.normalize().scale() > AMOUNT_SCALE_MAX {
        return Err(format!(
            "has more than {AMOUNT_SCALE_MAX} decimals; amounts are kept to the cent"
        ));
    }
    if value > Decimal::from(AMOUNT_MAX_UNITS) {
        return Err(format!("is more than {AMOUNT_MAX_UNITS}"));
    }
    Ok(value)
}

/// Digits, then maybe a point and digits not ending in 0: how a number
/// cell of a spreadsheet reads.
fn printed_number(text: &str) -> bool {
    let (units, decimals) = text.split_once('.').unwrap_or((text, "1"));
    all_digits(units) && all_digits(decimals) && !decimals.ends_with('0')
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The amount as `1550.00`: the units may be grouped by thousands (with
/// spaces or the other separator), the decimals follow the mark.
fn canonical(text: &str, mark: DecimalMark) -> Option<String> {
    let (decimal, grouping) = match mark {
        DecimalMark::Point => ('.', ','),
        DecimalMark::Comma => (',', '.'),
    };
    let (units, decimals) = match text.split_once(decimal) {
        Some((units, decimals)) => (units, Some(decimals)),
        None => (text, None),
    };
    let groups: Vec<&str> = units
        .split(|c| c == grouping || GROUPING_SPACES.contains(&c))
        .collect();
    let grouped = groups.len() > 1;
    for (i, group) in groups.iter().enumerate() {
        let size_ok = match (grouped, i) {
            (false, _) => true,
            (true, 0) => group.len() <= 3,
            (true, _) => group.len() == 3,
        };
        if !all_digits(group) || !size_ok {
            return None;
        }
    }
    let mut out = groups.concat();
    if let Some(decimals) = decimals {
        if !all_digits(decimals) {
            return None;
        }
        out.push('.');
        out.push_str(decimals);
    }
    Some(out)
}

/// A date in the mapping's format. `typed` is for spreadsheets, whose date
/// cells read as `YYYY-MM-DD` whatever the format: that form is taken too.
pub(super) fn date(text: &str, format: DateFormat, typed: bool) -> Result<NaiveDate, String> {
    let text = text.trim();
    let parts = if typed {
        parts(text, DateFormat::YearMonthDay).or_else(|| parts(text, format))
    } else {
        parts(text, format)
    };
    let Some((year, month, day)) = parts else {
        return Err(format!("is not a date in {}", format.as_str()));
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("is not a date in {}: there is no such day", format.as_str()))?;
    if !(1900..=2199).contains(&date.year()) {
        return Err("is not a plausible date: the year is not 1900 to 2199".into());
    }
    Ok(date)
}

/// Year, month and day, if the text has the format's shape: the year in
/// four digits, the month and day in one or two.
fn parts(text: &str, format: DateFormat) -> Option<(i32, u32, u32)> {
    let separator = match format {
        DateFormat::YearMonthDay => '-',
        DateFormat::DayMonthYearDots => '.',
        DateFormat::DayMonthYearSlashes => '/',
    };
    let pieces: Vec<&str> = text.split(separator).collect();
    let &[a, b, c] = pieces.as_slice() else {
        return None;
    };
    // "1. 3. 2024" is how Czech is often typed.
    let spaced = |s: &str| match format {
        DateFormat::DayMonthYearDots => s.trim().to_owned(),
        _ => s.to_owned(),
    };
    let (year, month, day) = match format {
        DateFormat::YearMonthDay => (spaced(a), spaced(b), spaced(c)),
        _ => (spaced(c), spaced(b), spaced(a)),
    };
    let short = |s: &str| (1..=2).contains(&s.len()) && all_digits(s);
    if year.len() != 4 || !all_digits(&year) || !short(&month) || !short(&day) {
        return None;
    }
    Some((year.parse().ok()?, month.parse().ok()?, day.parse().ok()?))
}

/// An ISO 4217 code as three capitals: three ASCII letters in any case, or
/// a few unambiguous symbols ("€", "Kč", "£", "zł").
pub(super) fn currency_code(text: &str) -> Option<String> {
    let text = text.trim();
    let symbol = match text.to_lowercase().as_str() {
        "€" => Some("EUR"),
        "kč" => Some("CZK"),
        "£" => Some("GBP"),
        "zł" => Some("PLN"),
        _ => None,
    };
    if let Some(code) = symbol {
        return Some(code.to_owned());
    }
    (text.len() == 3 && text.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| text.to_ascii_uppercase())
}

/// An email in lower case, if it looks like one: one `@` with something
/// before it, a dot inside the domain, no spaces, not too long.
pub(super) fn email(text: &str) -> Option<String> {
    let text = text.trim().to_lowercase();
    let (local, domain) = text.split_once('@')?;
    let plausible = !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.trim_matches('.').contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && text.chars().count() <= TEXT_MAX;
    plausible.then_some(text)
}

/// How a text is too long (`None` when it is not).
pub(super) fn too_long(text: &str, max: usize) -> Option<String> {
    let n = text.chars().count();
    (n > max).then(|| format!("is {n} characters long; at most {max}"))
}

/// How an identifier holds control characters (`None` when it does not).
pub(super) fn control(text: &str) -> Option<String> {
    text.chars()
        .any(char::is_control)
        .then(|| "holds control characters (a line break, a tab…)".to_owned())
}
