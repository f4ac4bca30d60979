//! Letter templates as data: parsing and checking the TOML, tenant overrides.
//!
//! Every error names the line it is on (and the field), counted in the
//! file that was parsed, so a tenant editing their templates finds it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;
use toml::Spanned;

use super::Language;

/// The templates shipped with Centralita (all letters in all languages).
const DEFAULTS: &str = include_str!("defaults.toml");

/// A value a template can refer to as `{name}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Placeholder {
    DebtorName,
    CaseRef,
    Creditor,
    Tenant,
    Today,
    Balance,
    Currency,
    DueDate,
    PromiseAmount,
    PromiseDate,
    PayBy,
    PaymentReference,
    Instalments,
    Details,
}

impl Placeholder {
    const ALL: [(Placeholder, &'static str); 14] = [
        (Placeholder::DebtorName, "debtor_name"),
        (Placeholder::CaseRef, "case_ref"),
        (Placeholder::Creditor, "creditor"),
        (Placeholder::Tenant, "tenant"),
        (Placeholder::Today, "today"),
        (Placeholder::Balance, "balance"),
        (Placeholder::Currency, "currency"),
        (Placeholder::DueDate, "due_date"),
        (Placeholder::PromiseAmount, "promise_amount"),
        (Placeholder::PromiseDate, "promise_date"),
        (Placeholder::PayBy, "pay_by"),
        (Placeholder::PaymentReference, "payment_reference"),
        (Placeholder::Instalments, "instalments"),
        (Placeholder::Details, "details"),
    ];

    fn from_name(name: &str) -> Option<Placeholder> {
        Placeholder::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(p, _)| *p)
    }

    /// The placeholder's name as templates write it (without braces).
    pub(crate) fn name(self) -> &'static str {
        Placeholder::ALL
            .iter()
            .find(|(p, _)| *p == self)
            .map_or("", |(_, n)| n)
    }
}

/// A piece of template text: literal text or a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    Value(Placeholder),
}

/// Why a templates file was refused. Lines count from 1 in that file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// Not valid TOML, or a field of the wrong type, missing or unknown.
    #[error("line {line}: {message}")]
    Syntax {
        /// The line.
        line: usize,
        /// The TOML parser's message.
        message: String,
    },
    /// A `{name}` that is not one of the placeholders.
    #[error(
        "line {line}: unknown placeholder {{{placeholder}}} in the {field} of letter \
         {name:?} ({language}); known: {known}"
    )]
    UnknownPlaceholder {
        /// The line the placeholder is on.
        line: usize,
        /// The field (`title`, `body`, `closing`, `details`).
        field: &'static str,
        /// The letter's name.
        name: String,
        /// The letter's language.
        language: String,
        /// The unknown name, without braces.
        placeholder: String,
        /// The known placeholders, comma-separated.
        known: String,
    },
    /// A `{` with no `}` after it on its line (write `{{` for a brace).
    #[error("line {line}: unclosed {{ in the {field} of letter {name:?} (write {{{{ for a brace)")]
    UnclosedPlaceholder {
        /// The line of the brace.
        line: usize,
        /// The field.
        field: &'static str,
        /// The letter's name.
        name: String,
    },
    /// A language letters are not written in.
    #[error(
        "line {line}: unknown language {language:?} in the language field (known: en, es, ca, cs, ru, zh)"
    )]
    UnknownLanguage {
        /// The line.
        line: usize,
        /// The language as written.
        language: String,
    },
    /// A letter without a title, or with an empty one.
    #[error("line {line}: letter {name:?} ({language}) has no title field")]
    MissingTitle {
        /// The line of the letter (its `[[letter]]` table).
        line: usize,
        /// The letter's name.
        name: String,
        /// Its language.
        language: String,
    },
    /// The same letter twice in one language, in one file.
    #[error("line {line}: letter {name:?} in {language} is defined twice (first on line {first})")]
    Duplicate {
        /// The line of the second definition.
        line: usize,
        /// The line of the first.
        first: usize,
        /// The letter's name.
        name: String,
        /// Its language.
        language: String,
    },
}

/// One letter in one language, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The letter's kind (`payment_reminder`).
    pub name: String,
    /// The language it is written in.
    pub language: Language,
    pub(crate) title: Vec<Piece>,
    /// Paragraphs (split at blank lines; the lines of one joined).
    pub(crate) body: Vec<Vec<Piece>>,
    pub(crate) details: Vec<(Vec<Piece>, Vec<Piece>)>,
    pub(crate) closing: Vec<Vec<Piece>>,
}

/// The words around the letter's own text, per language.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// The language (a code, e.g. `"cs"`).
    language: Spanned<String>,
    /// "Date" beside the letter's date.
    pub date: String,
    /// "Our reference" beside the case's reference.
    pub our_reference: String,
    /// The header of an instalment plan's date column.
    pub instalment_due: String,
    /// The header of an instalment plan's amount column.
    pub instalment_amount: String,
}

/// Checked letter templates: the shipped ones, possibly with a tenant's own
/// over them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    letters: BTreeMap<(String, Language), Template>,
    labels: BTreeMap<Language, Labels>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    letter: Vec<Spanned<RawLetter>>,
    #[serde(default)]
    labels: Vec<Labels>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLetter {
    name: Spanned<String>,
    language: Spanned<String>,
    title: Option<Spanned<String>>,
    body: Spanned<String>,
    #[serde(default)]
    details: Vec<RawDetail>,
    #[serde(default)]
    closing: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDetail {
    label: Spanned<String>,
    value: Spanned<String>,
}

impl Templates {
    /// The shipped templates: `payment_reminder`, `plan_confirmation` and
    /// `final_notice` in English, Spanish, Catalan, Czech, Russian and Chinese.
    pub fn defaults() -> Templates {
        static PARSED: OnceLock<Templates> = OnceLock::new();
        PARSED
            .get_or_init(|| {
                // The shipped file is checked by this crate's tests; failing here is a bug.
                Templates::parse(DEFAULTS)
                    .unwrap_or_else(|e| panic!("the shipped letter templates: {e}"))
            })
            .clone()
    }

    /// The shipped templates' source, a starting point for a tenant's own.
    pub fn defaults_source() -> &'static str {
        DEFAULTS
    }

    /// Templates from one TOML file (see the crate's documentation).
    pub fn parse(source: &str) -> Result<Templates, TemplateError> {
        let raw: RawFile = toml::from_str(source).map_err(|e| TemplateError::Syntax {
            line: e.span().map_or(1, |s| line_of(source, s.start)),
            message: e.message().to_string(),
        })?;
        let mut templates = Templates {
            letters: BTreeMap::new(),
            labels: BTreeMap::new(),
        };
        let mut first_line: BTreeMap<(String, Language), usize> = BTreeMap::new();
        for letter in raw.letter {
            let line = line_of(source, letter.span().start);
            let template = check_letter(source, letter.into_inner())?;
            let key = (template.name.clone(), template.language);
            if let Some(first) = first_line.insert(key.clone(), line) {
                return Err(TemplateError::Duplicate {
                    line,
                    first,
                    name: template.name,
                    language: template.language.code().into(),
                });
            }
            templates.letters.insert(key, template);
        }
        for labels in raw.labels {
            let language = language_of(source, &labels.language)?;
            templates.labels.insert(language, labels);
        }
        Ok(templates)
    }

    /// These templates with a tenant's file over them: each of its letters
    /// replaces the one of the same name and language (or adds a new one),
    /// its labels replace those of their language.
    pub fn with_overrides(mut self, tenant_source: &str) -> Result<Templates, TemplateError> {
        let tenant = Templates::parse(tenant_source)?;
        self.letters.extend(tenant.letters);
        self.labels.extend(tenant.labels);
        Ok(self)
    }

    /// The letter `name` in `language`, else in English; `None` when neither exists.
    pub fn get(&self, name: &str, language: Language) -> Option<&Template> {
        self.letters
            .get(&(name.to_string(), language))
            .or_else(|| self.letters.get(&(name.to_string(), Language::En)))
    }

    /// The labels of `language`, else English's, else none.
    pub fn labels(&self, language: Language) -> Option<&Labels> {
        self.labels
            .get(&language)
            .or_else(|| self.labels.get(&Language::En))
    }

    /// Every (letter name, language) there is a template for.
    pub fn list(&self) -> impl Iterator<Item = (&str, Language)> {
        self.letters
            .keys()
            .map(|(name, lang)| (name.as_str(), *lang))
    }
}

/// Checks one letter: its language, title and placeholders.
fn check_letter(source: &str, raw: RawLetter) -> Result<Template, TemplateError> {
    let language = language_of(source, &raw.language)?;
    // The name's line: the nearest to a field that is not there.
    let name_line = line_of(source, raw.name.span().start);
    let name = raw.name.into_inner();
    let ctx = Ctx {
        source,
        name: &name,
        language,
    };
    let title = match &raw.title {
        Some(title) if !title.get_ref().trim().is_empty() => ctx.pieces(title, "title")?,
        _ => {
            return Err(TemplateError::MissingTitle {
                line: name_line,
                name,
                language: language.code().into(),
            });
        }
    };
    let body = ctx.paragraphs(&raw.body)?;
    let mut details = Vec::with_capacity(raw.details.len());
    for detail in &raw.details {
        details.push((
            ctx.pieces(&detail.label, "details")?,
            ctx.pieces(&detail.value, "details")?,
        ));
    }
    let closing = raw
        .closing
        .iter()
        .map(|line| ctx.pieces(line, "closing"))
        .collect::<Result<_, _>>()?;
    Ok(Template {
        name,
        language,
        title,
        body,
        details,
        closing,
    })
}

/// What a letter's errors name.
struct Ctx<'a> {
    source: &'a str,
    name: &'a str,
    language: Language,
}

impl Ctx<'_> {
    /// A body split into paragraphs at blank lines, each paragraph's lines
    /// joined with a space (with nothing between CJK characters).
    fn paragraphs(&self, body: &Spanned<String>) -> Result<Vec<Vec<Piece>>, TemplateError> {
        let base = value_line(self.source, body);
        let mut paragraphs = Vec::new();
        let mut current = String::new();
        // Where each source line starts in `current`: (offset, line).
        let mut starts = Vec::new();
        for (i, line) in body.get_ref().lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                if !current.is_empty() {
                    paragraphs.push(self.parse(&current, &starts, "body")?);
                    current.clear();
                    starts.clear();
                }
                continue;
            }
            if !current.is_empty() && !joins_without_space(&current, line) {
                current.push(' ');
            }
            starts.push((current.len(), base + i));
            current.push_str(line);
        }
        if !current.is_empty() {
            paragraphs.push(self.parse(&current, &starts, "body")?);
        }
        Ok(paragraphs)
    }

    fn pieces(
        &self,
        text: &Spanned<String>,
        field: &'static str,
    ) -> Result<Vec<Piece>, TemplateError> {
        let base = value_line(self.source, text);
        let starts: Vec<(usize, usize)> = std::iter::once(0)
            .chain(text.get_ref().match_indices('\n').map(|(i, _)| i + 1))
            .enumerate()
            .map(|(n, offset)| (offset, base + n))
            .collect();
        self.parse(text.get_ref(), &starts, field)
    }

    /// Text into pieces; `starts` says on which source line each part of
    /// the text begins, (offset in the text, line), in order.
    fn parse(
        &self,
        text: &str,
        starts: &[(usize, usize)],
        field: &'static str,
    ) -> Result<Vec<Piece>, TemplateError> {
        parse_pieces(text).map_err(|(offset, bad)| {
            let line = starts
                .iter()
                .take_while(|(start, _)| *start <= offset)
                .last()
                .map_or(1, |(_, line)| *line);
            match bad {
                Some(placeholder) => TemplateError::UnknownPlaceholder {
                    line,
                    field,
                    name: self.name.to_string(),
                    language: self.language.code().into(),
                    placeholder,
                    known: Placeholder::ALL.map(|(_, n)| n).join(", "),
                },
                None => TemplateError::UnclosedPlaceholder {
                    line,
                    field,
                    name: self.name.to_string(),
                },
            }
        })
    }
}

/// Text into literal pieces and placeholders (`{{` and `}}` are braces).
/// An error gives the byte offset and the unknown name (`None`: unclosed).
pub(crate) fn parse_pieces(text: &str) -> Result<Vec<Piece>, (usize, Option<String>)> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        literal.push_str(&rest[..i]);
        let offset = text.len() - rest.len() + i;
        let after = &rest[i + 1..];
        if rest[i..].starts_with("{{") || rest[i..].starts_with("}}") {
            literal.push_str(&rest[i..=i]);
            rest = &after[1..];
            continue;
        }
        if rest[i..].starts_with('}') {
            literal.push('}');
            rest = after;
            continue;
        }
        let end = after
            .find(['}', '\n'])
            .filter(|&e| after[e..].starts_with('}'));
        let Some(end) = end else {
            return Err((offset, None));
        };
        let name = &after[..end];
        let placeholder =
            Placeholder::from_name(name.trim()).ok_or((offset, Some(name.to_string())))?;
        if !literal.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut literal)));
        }
        pieces.push(Piece::Value(placeholder));
        rest = &after[end + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

/// Whether two lines of a paragraph join without a space (Chinese text).
fn joins_without_space(before: &str, after: &str) -> bool {
    let last = before.chars().next_back();
    let first = after.chars().next();
    last.is_some_and(crate::shape::is_cjk) || first.is_some_and(crate::shape::is_cjk)
}

/// The language a `language` field names.
fn language_of(source: &str, field: &Spanned<String>) -> Result<Language, TemplateError> {
    Language::from_tag(field.get_ref())
        .filter(|l| l.code() == field.get_ref().as_str())
        .ok_or_else(|| TemplateError::UnknownLanguage {
            line: line_of(source, field.span().start),
            language: field.get_ref().clone(),
        })
}

/// The line (from 1) of a byte offset.
fn line_of(source: &str, offset: usize) -> usize {
    let offset = offset.min(source.len());
    source.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line a string value's first character is on: a multi-line string's
/// opening quotes are followed by a newline TOML drops.
fn value_line(source: &str, value: &Spanned<String>) -> usize {
    let start = value.span().start;
    let at = source.get(start..).unwrap_or("");
    let opens_on_own_line = ["\"\"\"\n", "'''\n", "\"\"\"\r\n", "'''\r\n"]
        .iter()
        .any(|q| at.starts_with(q));
    line_of(source, start) + usize::from(opens_on_own_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_split_placeholders_from_text_and_unescape_braces() {
        assert_eq!(
            parse_pieces("Dear {debtor_name}, {{not}} }").expect("valid"),
            vec![
                Piece::Text("Dear ".into()),
                Piece::Value(Placeholder::DebtorName),
                Piece::Text(", {not} }".into()),
            ]
        );
        assert_eq!(parse_pieces("a {nope} b"), Err((2, Some("nope".into()))));
        assert_eq!(parse_pieces("a {debtor_name"), Err((2, None)));
    }
}
