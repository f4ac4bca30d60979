//! Centralita in six languages: English, Spanish, Catalan, Czech, Russian
//! and (Simplified) Chinese.
//!
//! - [`Catalog`]: the messages (Project Fluent files under `locales/`,
//!   embedded in the binary), with plurals done right for each language
//!   (Czech has one, few and other; Russian one, few, many and other;
//!   Chinese a single form) and English as the fallback.
//! - [`Lang`]: the languages, and choosing one from a user's setting or a
//!   browser's `Accept-Language` (`zh-CN`, `zh-Hans`, `zh-TW` all mean
//!   Chinese, `ru-RU` Russian).
//! - [`number`], [`percent`], [`duration`], [`datetime`]: figures, waits and
//!   times written the way each language writes them (`1,234.5` in English
//!   and Chinese, `1.234,5` in Spanish and Catalan, `1 234,5` in Czech and
//!   Russian; `23 ноября 2026, 14:05`, `2026年11月23日 14:05`), times in the
//!   user's own time zone.
//!
//! Every language has every message, in English's order: a test checks it,
//! so a missing translation fails the build's tests rather than showing a
//! raw id; another checks that no Russian or Chinese message is still the
//! English text.

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
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

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 6] = [Lang::En, Lang::Es, Lang::Ca, Lang::Cs, Lang::Ru, Lang::Zh];

    /// Its code: `en`, `es`, `ca`, `cs`, `ru`, `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Ca => "ca",
            Lang::Cs => "cs",
            Lang::Ru => "ru",
            Lang::Zh => "zh",
        }
    }

    /// Its own name, for a language menu.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
            Lang::Ca => "Català",
            Lang::Cs => "Čeština",
            Lang::Ru => "Русский",
            Lang::Zh => "中文",
        }
    }

    /// The language of a code (`ca`, `ca-ES`, `CS`, `zh-Hans`…), if we have
    /// it. Only the primary subtag counts: every Chinese (`zh-CN`, `zh-TW`)
    /// gets our Simplified Chinese.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The best language for an `Accept-Language` header (by its q-values),
    /// English when none of ours is asked for.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (pos, part) in accept_language.split(',').enumerate() {
            let mut it = part.split(';');
            let Some(lang) = it.next().and_then(Lang::from_code) else {
                continue;
            };
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            // Higher q wins; on a tie, the one listed first.
            if best.is_none_or(|(bq, bpos, _)| q > bq || (q == bq && pos < bpos)) {
                best = Some((q, pos, lang));
            }
        }
        best.map_or(Lang::En, |(_, _, l)| l)
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

const SOURCES: [(Lang, &str); 6] = [
    (Lang::En, include_str!("../locales/en/centralita.ftl")),
    (Lang::Es, include_str!("../locales/es/centralita.ftl")),
    (Lang::Ca, include_str!("../locales/ca/centralita.ftl")),
    (Lang::Cs, include_str!("../locales/cs/centralita.ftl")),
    (Lang::Ru, include_str!("../locales/ru/centralita.ftl")),
    (Lang::Zh, include_str!("../locales/zh/centralita.ftl")),
];

/// A message argument.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// Text, shown as is.
    Str(&'a str),
    /// A number (chooses plural forms; shown plainly, so pass big or
    /// fractional figures through [`number`] as text).
    Num(f64),
}

/// The messages of every language.
pub struct Catalog {
    bundles: Vec<FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").finish_non_exhaustive()
    }
}

/// A message file that does not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError(pub String);

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CatalogError {}

impl Catalog {
    /// Reads the embedded message files.
    pub fn load() -> Result<Catalog, CatalogError> {
        let mut bundles = Vec::new();
        for (lang, text) in SOURCES {
            let res = FluentResource::try_new(text.to_string()).map_err(|(_, errs)| {
                CatalogError(format!("locales/{lang}/centralita.ftl: {errs:?}"))
            })?;
            let id: LanguageIdentifier = lang
                .code()
                .parse()
                .map_err(|e| CatalogError(format!("{lang}: {e}")))?;
            let mut b = FluentBundle::new_concurrent(vec![id]);
            // Plain text: the pages escape it themselves.
            b.set_use_isolating(false);
            b.add_resource(res)
                .map_err(|errs| CatalogError(format!("locales/{lang}/centralita.ftl: {errs:?}")))?;
            bundles.push(b);
        }
        Ok(Catalog { bundles })
    }

    /// The catalog every part of the program shares.
    pub fn global() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::load().expect("the embedded message files are checked by tests")
        })
    }

    /// A message without arguments.
    pub fn t(&self, lang: Lang, id: &str) -> String {
        self.t_args(lang, id, &[])
    }

    /// A message with arguments; English when the language lacks it, the id
    /// itself when no language has it.
    pub fn t_args(&self, lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Str(s) => fargs.set(*k, FluentValue::from(*s)),
                Arg::Num(n) => fargs.set(*k, FluentValue::from(*n)),
            }
        }
        for l in [lang, Lang::En] {
            let b = &self.bundles[l.index()];
            if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return b
                    .format_pattern(pattern, Some(&fargs), &mut errors)
                    .into_owned();
            }
        }
        id.to_string()
    }

    /// Whether a language has a message.
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundles[lang.index()].has_message(id)
    }

    /// Every message id of a language, in file order.
    pub fn ids(lang: Lang) -> Vec<&'static str> {
        let text = SOURCES[lang.index()].1;
        text.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && !l.is_empty())
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim()))
            .collect()
    }
}

/// A number with `decimals` decimals, grouped and separated as the language writes it.
pub fn number(lang: Lang, value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    let (group, point) = match lang {
        Lang::En | Lang::Zh => (",", "."),
        Lang::Es | Lang::Ca => (".", ","),
        Lang::Cs | Lang::Ru => ("\u{a0}", ","),
    };
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    // Spanish and Catalan do not group four-digit numbers (1000, but 10.000).
    let grouped = if matches!(lang, Lang::Es | Lang::Ca) && int.len() <= 4 {
        int.to_string()
    } else {
        let mut out = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push_str(group);
            }
            out.push(c);
        }
        out
    };
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{point}{frac}")
    }
}

/// A ratio (0.853) as a percentage (`85.3%` in English and Chinese, `85,3 %`
/// with a no-break space elsewhere).
pub fn percent(lang: Lang, ratio: f64, decimals: usize) -> String {
    let n = number(lang, ratio * 100.0, decimals);
    match lang {
        Lang::En | Lang::Zh => format!("{n}%"),
        _ => format!("{n}\u{a0}%"),
    }
}

/// A duration in seconds as `m:ss` (or `h:mm:ss` from an hour up), the same
/// in every language.
pub fn duration(seconds: f64) -> String {
    let s = if seconds.is_finite() {
        seconds.max(0.0).round() as u64
    } else {
        0
    };
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Month names as dates use them: abbreviated in English, Spanish, Catalan
/// and Czech, the genitive in Russian (`23 ноября`), numbered in Chinese.
const MONTHS: [[&str; 12]; 6] = [
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
    ],
    [
        "gen.", "febr.", "març", "abr.", "maig", "juny", "jul.", "ag.", "set.", "oct.", "nov.",
        "des.",
    ],
    [
        "led", "úno", "bře", "dub", "kvě", "čvn", "čvc", "srp", "zář", "říj", "lis", "pro",
    ],
    [
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
    ],
    [
        "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月",
    ],
];

/// An instant as a date and time in the user's zone, as the language writes it.
pub fn datetime(lang: Lang, at: DateTime<Utc>, zone: Tz) -> String {
    let t = at.with_timezone(&zone);
    let (d, m, y) = (t.day(), t.month0() as usize, t.year());
    let (hh, mm) = (t.hour(), t.minute());
    let month = MONTHS[lang.index()][m];
    match lang {
        Lang::En => format!("{d} {month} {y}, {hh:02}:{mm:02}"),
        Lang::Es => format!("{d} {month} {y}, {hh:02}:{mm:02}"),
        Lang::Ca => {
            let de = if month.starts_with(['a', 'o']) {
                "d'"
            } else {
                "de "
            };
            format!("{d} {de}{month} {y}, {hh:02}:{mm:02}")
        }
        Lang::Cs => format!("{d}. {}. {y} {hh}:{mm:02}", m + 1),
        Lang::Ru => format!("{d} {month} {y}, {hh:02}:{mm:02}"),
        Lang::Zh => format!("{y}年{month}{d}日 {hh:02}:{mm:02}"),
    }
}

/// A time of day in the user's zone (`14:05`).
pub fn time(at: DateTime<Utc>, zone: Tz) -> String {
    let t = at.with_timezone(&zone);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_language_has_every_message_and_nothing_else() {
        let en = Catalog::ids(Lang::En);
        assert!(en.len() > 100, "{}", en.len());
        for lang in Lang::ALL {
            let ids = Catalog::ids(lang);
            assert_eq!(
                ids, en,
                "{lang}: the same messages in the same order as English"
            );
            let c = Catalog::global();
            for id in &ids {
                assert!(c.has(lang, id), "{lang}: {id}");
            }
        }
    }

    #[test]
    fn messages_format_with_arguments_in_every_language() {
        let c = Catalog::global();
        for lang in Lang::ALL {
            for id in Catalog::ids(lang) {
                let args = [
                    ("seconds", Arg::Num(3.0)),
                    ("count", Arg::Num(2.0)),
                    ("channel", Arg::Str("chat")),
                    ("duration", Arg::Str("1:05")),
                    ("time", Arg::Str("14:05")),
                    ("queue", Arg::Str("billing")),
                    ("value", Arg::Str("70%")),
                    ("target", Arg::Str("80%")),
                    ("agent", Arg::Str("Ana")),
                    ("field", Arg::Str("name")),
                    ("message", Arg::Str("is empty")),
                    ("first", Arg::Num(51.0)),
                    ("last", Arg::Num(60.0)),
                    ("id", Arg::Num(7.0)),
                    ("n", Arg::Num(3.0)),
                ];
                let text = c.t_args(lang, id, &args);
                assert!(
                    !text.is_empty() && !text.contains('{'),
                    "{lang} {id}: {text}"
                );
            }
        }
        assert_eq!(c.t(Lang::Ca, "accept"), "Accepta");
        assert_eq!(c.t(Lang::Cs, "nonexistent-id"), "nonexistent-id");
    }

    #[test]
    fn every_message_formats_without_fluent_errors() {
        let c = Catalog::global();
        let mut args = FluentArgs::new();
        for name in [
            "seconds", "count", "first", "last", "id", "n", "channel", "duration", "time", "queue",
            "value", "target", "agent", "field", "message",
        ] {
            args.set(name, FluentValue::from(2));
        }
        for lang in Lang::ALL {
            let b = &c.bundles[lang.index()];
            for id in Catalog::ids(lang) {
                let msg = b.get_message(id).expect(id);
                let mut errors = Vec::new();
                if let Some(p) = msg.value() {
                    b.format_pattern(p, Some(&args), &mut errors);
                }
                for attr in msg.attributes() {
                    b.format_pattern(attr.value(), Some(&args), &mut errors);
                }
                assert!(errors.is_empty(), "{lang} {id}: {errors:?}");
            }
        }
    }

    #[test]
    fn plurals_follow_each_language() {
        let c = Catalog::global();
        let n = |lang, k: f64| c.t_args(lang, "agents-count", &[("count", Arg::Num(k))]);
        assert_eq!(n(Lang::En, 1.0), "1 agent");
        assert_eq!(n(Lang::En, 5.0), "5 agents");
        assert_eq!(n(Lang::Cs, 1.0), "1 operátor");
        assert_eq!(n(Lang::Cs, 3.0), "3 operátoři");
        assert_eq!(n(Lang::Cs, 5.0), "5 operátorů");
        assert_eq!(n(Lang::Es, 0.0), "0 agentes");
        assert_eq!(n(Lang::Ru, 1.0), "1 оператор");
        assert_eq!(n(Lang::Ru, 21.0), "21 оператор");
        assert_eq!(n(Lang::Ru, 3.0), "3 оператора");
        assert_eq!(n(Lang::Ru, 5.0), "5 операторов");
        assert_eq!(n(Lang::Ru, 11.0), "11 операторов");
        assert_eq!(n(Lang::Ru, 0.0), "0 операторов");
        assert_eq!(n(Lang::Zh, 1.0), "1 名坐席");
        assert_eq!(n(Lang::Zh, 5.0), "5 名坐席");
        let locked = |lang, k: f64| c.t_args(lang, "sign-in-locked", &[("count", Arg::Num(k))]);
        assert!(locked(Lang::Ru, 1.0).ends_with("через 1 минуту."));
        assert!(locked(Lang::Ru, 22.0).ends_with("через 22 минуты."));
        assert!(locked(Lang::Ru, 15.0).ends_with("через 15 минут."));
        assert!(locked(Lang::Zh, 2.0).ends_with("请在 2 分钟后重试。"));
    }

    /// The source of one message: its line and the indented lines under it.
    fn source(lang: Lang, id: &str) -> String {
        let text = SOURCES[lang.index()].1;
        let mut lines = text
            .lines()
            .skip_while(|l| l.split_once(" =").map(|(k, _)| k) != Some(id));
        let mut out = String::from(lines.next().unwrap_or_default());
        for l in lines.take_while(|l| l.starts_with([' ', '}'])) {
            out.push('\n');
            out.push_str(l);
        }
        out
    }

    /// The variables (`$count`…) a message's source names.
    fn variables(src: &str) -> std::collections::BTreeSet<&str> {
        src.split('$')
            .skip(1)
            .map(|v| {
                let end = v
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                    .unwrap_or(v.len());
                &v[..end]
            })
            .collect()
    }

    #[test]
    fn translations_keep_placeables_and_plural_forms() {
        for lang in Lang::ALL {
            for id in Catalog::ids(Lang::En) {
                let (en, other) = (source(Lang::En, id), source(lang, id));
                assert_eq!(
                    variables(&en),
                    variables(&other),
                    "{lang} {id}: the same placeables as English"
                );
                if !en.contains("->") {
                    continue;
                }
                // Where English chooses by a number, Russian needs every
                // form of its own; Chinese has only the one.
                match lang {
                    Lang::Ru => {
                        for form in ["[one]", "[few]", "[many]", "*[other]"] {
                            assert!(other.contains(form), "ru {id}: lacks {form}");
                        }
                    }
                    Lang::Zh => {
                        assert!(other.contains("*[other]"), "zh {id}: {other}");
                        assert!(!other.contains("[one]"), "zh {id}: one form only");
                    }
                    _ => {}
                }
            }
        }
    }

    /// Messages that are rightly the same text in every language.
    const SAME_EVERYWHERE: [&str; 2] = [
        // The product's name.
        "app-name",
        // The case flag: Russian and Chinese operators write VIP too.
        "case-flag-vip",
    ];

    #[test]
    fn no_russian_or_chinese_message_is_left_in_english() {
        let c = Catalog::global();
        // Letter-free arguments, so that what is left is the message's own text.
        let args = |k: f64| {
            [
                "seconds", "count", "channel", "duration", "time", "queue", "value", "target",
                "agent", "field", "message", "first", "last", "id", "n",
            ]
            .map(|name| (name, Arg::Num(k)))
        };
        for id in Catalog::ids(Lang::En) {
            if SAME_EVERYWHERE.contains(&id) {
                continue;
            }
            for k in [1.0, 3.0, 5.0] {
                let en = c.t_args(Lang::En, id, &args(k));
                if !en.chars().any(char::is_alphabetic) {
                    continue;
                }
                for lang in [Lang::Ru, Lang::Zh] {
                    let text = c.t_args(lang, id, &args(k));
                    assert_ne!(text, en, "{lang} {id}: still in English");
                }
            }
        }
        for lang in [Lang::Ru, Lang::Zh] {
            for id in SAME_EVERYWHERE {
                assert_eq!(c.t(lang, id), c.t(Lang::En, id), "{lang} {id}");
            }
        }
    }

    #[test]
    fn languages_from_codes_and_headers() {
        assert_eq!(Lang::from_code("ca-ES"), Some(Lang::Ca));
        assert_eq!(Lang::from_code("CS"), Some(Lang::Cs));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::negotiate("fr-FR,ca;q=0.8,es;q=0.9"), Lang::Es);
        assert_eq!(Lang::negotiate("cs-CZ, en;q=0.5"), Lang::Cs);
        assert_eq!(Lang::negotiate("de, fr"), Lang::En);
        assert_eq!(Lang::negotiate("ca;q=0, es;q=0.1"), Lang::Es);
        assert_eq!(Lang::negotiate(""), Lang::En);
        assert_eq!(Lang::from_code("ru-RU"), Some(Lang::Ru));
        assert_eq!(Lang::from_code("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("zh-Hans"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("zh-TW"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("zh_Hant_HK"), Some(Lang::Zh));
        assert_eq!(Lang::negotiate("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::negotiate("en;q=0.5, ru-RU"), Lang::Ru);
        assert_eq!(Lang::negotiate("uk, ru;q=0.9, en;q=0.8"), Lang::Ru);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::Ru.name(), "Русский");
        assert_eq!(Lang::Zh.name(), "中文");
    }

    #[test]
    fn numbers_percentages_and_durations() {
        assert_eq!(number(Lang::En, 1234567.891, 2), "1,234,567.89");
        assert_eq!(number(Lang::Es, 1234567.891, 2), "1.234.567,89");
        assert_eq!(number(Lang::Es, 1234.5, 1), "1234,5");
        assert_eq!(number(Lang::Cs, 1234.5, 1), "1\u{a0}234,5");
        assert_eq!(number(Lang::En, -0.004, 2), "0.00");
        assert_eq!(number(Lang::Ca, -12.5, 0), "-12");
        assert_eq!(number(Lang::En, f64::NAN, 1), "—");
        assert_eq!(percent(Lang::En, 0.853, 1), "85.3%");
        assert_eq!(percent(Lang::Ca, 0.853, 1), "85,3\u{a0}%");
        assert_eq!(number(Lang::Ru, 1234.5, 1), "1\u{a0}234,5");
        assert_eq!(number(Lang::Ru, 1234567.891, 2), "1\u{a0}234\u{a0}567,89");
        assert_eq!(number(Lang::Ru, -12.5, 1), "-12,5");
        assert_eq!(number(Lang::Zh, 1234.5, 1), "1,234.5");
        assert_eq!(number(Lang::Zh, 1234567.891, 2), "1,234,567.89");
        assert_eq!(percent(Lang::Ru, 0.853, 1), "85,3\u{a0}%");
        assert_eq!(percent(Lang::Zh, 0.853, 1), "85.3%");
        assert_eq!(duration(65.4), "1:05");
        assert_eq!(duration(3_725.0), "1:02:05");
        assert_eq!(duration(-3.0), "0:00");
    }

    #[test]
    fn dates_in_the_users_zone() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 13, 5, 0).unwrap();
        let madrid: Tz = "Europe/Madrid".parse().unwrap();
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(datetime(Lang::En, at, madrid), "23 Nov 2026, 14:05");
        assert_eq!(datetime(Lang::En, at, ny), "23 Nov 2026, 08:05");
        assert_eq!(datetime(Lang::Es, at, madrid), "23 nov 2026, 14:05");
        assert_eq!(datetime(Lang::Ca, at, madrid), "23 de nov. 2026, 14:05");
        let oct = Utc.with_ymd_and_hms(2026, 10, 2, 8, 0, 0).unwrap();
        assert_eq!(datetime(Lang::Ca, oct, madrid), "2 d'oct. 2026, 10:00");
        assert_eq!(datetime(Lang::Cs, at, madrid), "23. 11. 2026 14:05");
        assert_eq!(datetime(Lang::Ru, at, madrid), "23 ноября 2026, 14:05");
        assert_eq!(datetime(Lang::Zh, at, madrid), "2026年11月23日 14:05");
        let moscow: Tz = "Europe/Moscow".parse().unwrap();
        let shanghai: Tz = "Asia/Shanghai".parse().unwrap();
        assert_eq!(datetime(Lang::Ru, oct, moscow), "2 октября 2026, 11:00");
        assert_eq!(datetime(Lang::Zh, oct, shanghai), "2026年10月2日 16:00");
        let may = Utc.with_ymd_and_hms(2026, 5, 9, 7, 30, 0).unwrap();
        assert_eq!(datetime(Lang::Ru, may, moscow), "9 мая 2026, 10:30");
        assert_eq!(time(at, madrid), "14:05");
    }
}
