//! Amounts and dates as each letter language writes them.
//!
//! Letters write months in full and amounts exactly as given (decimal
//! strings, never floats):
//!
//! | language | amount          | date                 |
//! |----------|-----------------|----------------------|
//! | en       | `1,550.00`      | `8 December 2026`    |
//! | es       | `1.550,00`      | `8 de diciembre de 2026` |
//! | ca       | `1.550,00`      | `8 de desembre de 2026` (`8 d'abril de 2026`) |
//! | cs       | `1 550,00`      | `8. prosince 2026`   |
//! | ru       | `1 550,00`      | `8 декабря 2026 г.`  |
//! | zh       | `1,550.00`      | `2026年12月8日`       |
//!
//! English dates are written day, month, year in words: unambiguous on
//! both sides of the Atlantic, unlike `12/08/2026`. Czech and Russian group
//! digits with a narrow no-break space (U+202F, which the fonts have), so
//! an amount never breaks across lines; a no-break space keeps a Czech
//! date's `8.` with its month and a Russian year with its `г.`.

use chrono::{Datelike, NaiveDate};

/// A language letters are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    /// English.
    En,
    /// Spanish.
    Es,
    /// Catalan.
    Ca,
    /// Czech.
    Cs,
    /// Russian.
    Ru,
    /// Chinese (Simplified).
    Zh,
}

impl Language {
    /// Every letter language, English (the fallback) first.
    pub const ALL: [Language; 6] = [
        Language::En,
        Language::Es,
        Language::Ca,
        Language::Cs,
        Language::Ru,
        Language::Zh,
    ];

    /// The language's code (`"cs"`), as templates and documents name it.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
            Language::Ca => "ca",
            Language::Cs => "cs",
            Language::Ru => "ru",
            Language::Zh => "zh",
        }
    }

    /// The language of a code or BCP-47 tag (`"cs"`, `"es-ES"`, `"zh-Hans-CN"`),
    /// case-insensitive; `None` for a language letters are not written in.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        Language::ALL.into_iter().find(|l| l.code() == primary)
    }
}

/// Month names in the form a date uses (Czech and Russian: the genitive).
fn month_name(language: Language, month0: usize) -> &'static str {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const ES: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    const CA: [&str; 12] = [
        "gener", "febrer", "març", "abril", "maig", "juny", "juliol", "agost", "setembre",
        "octubre", "novembre", "desembre",
    ];
    const CS: [&str; 12] = [
        "ledna",
        "února",
        "března",
        "dubna",
        "května",
        "června",
        "července",
        "srpna",
        "září",
        "října",
        "listopadu",
        "prosince",
    ];
    const RU: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    let names = match language {
        Language::En | Language::Zh => &EN,
        Language::Es => &ES,
        Language::Ca => &CA,
        Language::Cs => &CS,
        Language::Ru => &RU,
    };
    names[month0 % 12]
}

/// A date as the language writes it in a letter.
pub fn date(language: Language, date: NaiveDate) -> String {
    let (d, m0, y) = (date.day(), date.month0() as usize, date.year());
    let month = month_name(language, m0);
    match language {
        Language::En => format!("{d} {month} {y}"),
        Language::Es => format!("{d} de {month} de {y}"),
        Language::Ca => {
            // Catalan elides "de" before a vowel: d'abril, d'agost, d'octubre.
            let de = if month.starts_with(['a', 'o']) {
                "d'"
            } else {
                "de "
            };
            format!("{d} {de}{month} de {y}")
        }
        // No line break after the day's "8." nor before "г." (year).
        Language::Cs => format!("{d}.\u{a0}{month} {y}"),
        Language::Ru => format!("{d} {month} {y}\u{a0}г."),
        Language::Zh => format!("{y}年{}月{d}日", m0 + 1),
    }
}

/// An exact decimal amount (`"1550.00"`, `"-20.5"`, `"7"`) grouped and
/// separated as the language writes it, its decimals kept as given;
/// `None` when the text is not such a number.
pub fn amount(language: Language, value: &str) -> Option<String> {
    let (sign, digits) = match value.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", value),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    let (group, point) = match language {
        Language::En | Language::Zh => (",", "."),
        Language::Es | Language::Ca => (".", ","),
        Language::Cs | Language::Ru => ("\u{202f}", ","),
    };
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push_str(group);
        }
        out.push(c);
    }
    if let Some(frac) = frac {
        out.push_str(point);
        out.push_str(frac);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
    }

    #[test]
    fn amounts_are_grouped_per_language_and_kept_exact() {
        assert_eq!(amount(Language::En, "1550.00").as_deref(), Some("1,550.00"));
        assert_eq!(
            amount(Language::Zh, "1234567.891").as_deref(),
            Some("1,234,567.891")
        );
        assert_eq!(amount(Language::Es, "1550.00").as_deref(), Some("1.550,00"));
        assert_eq!(amount(Language::Ca, "-20.5").as_deref(), Some("-20,5"));
        assert_eq!(
            amount(Language::Cs, "1550.00").as_deref(),
            Some("1\u{202f}550,00")
        );
        assert_eq!(amount(Language::Ru, "100").as_deref(), Some("100"));
        for bad in ["", "1,550.00", "1.", ".5", "12a", "1e3", "--1"] {
            assert_eq!(amount(Language::En, bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_are_written_out_per_language() {
        let d = day(2026, 12, 8);
        assert_eq!(date(Language::En, d), "8 December 2026");
        assert_eq!(date(Language::Es, d), "8 de diciembre de 2026");
        assert_eq!(date(Language::Ca, d), "8 de desembre de 2026");
        assert_eq!(date(Language::Ca, day(2026, 4, 1)), "1 d'abril de 2026");
        assert_eq!(date(Language::Cs, d), "8.\u{a0}prosince 2026");
        assert_eq!(date(Language::Ru, d), "8 декабря 2026\u{a0}г.");
        assert_eq!(date(Language::Zh, d), "2026年12月8日");
    }

    #[test]
    fn tags_choose_the_language_by_their_primary_subtag() {
        assert_eq!(Language::from_tag("zh-Hans-CN"), Some(Language::Zh));
        assert_eq!(Language::from_tag("CS"), Some(Language::Cs));
        assert_eq!(Language::from_tag("de"), None);
    }
}
