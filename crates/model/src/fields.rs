//! The custom fields a tenant defines on its customer records: each with a
//! name (the key under the record's `fields`), a label, a type (text,
//! number, date, choice, yes/no), whether it is required, a validation
//! pattern for text, and whether the agent's screen pop shows it.
//!
//! The definitions are the tenant's settings document named [`NAME`]
//! (`{"fields": [{"name": "contract", "type": "choice", "options":
//! ["prepaid", "postpaid"], "required": true, "screen_pop": true}]}`);
//! [`FieldDefs::parse`] checks it once, and [`FieldDefs::check`] checks a
//! record's fields against it, writing each value in its one form (a date
//! `YYYY-MM-DD`, yes/no as `yes` or `no`, a choice as its option is
//! written). A tenant without definitions keeps free fields. Pure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The settings document's name.
pub const NAME: &str = "customer_fields";
/// Most fields a tenant defines.
pub const DEFS_MAX: usize = 100;
/// Most options of a choice.
pub const OPTIONS_MAX: usize = 200;
/// Longest pattern, in bytes.
pub const PATTERN_MAX: usize = 512;

/// A field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Any text (a pattern may restrict it).
    #[default]
    Text,
    /// A number (`.` or `,` before the decimals).
    Number,
    /// A day, `YYYY-MM-DD` (also read as `DD/MM/YYYY`).
    Date,
    /// One of the options.
    Choice,
    /// `yes` or `no` (also read from true/false, 1/0, sí, ano, ne…).
    YesNo,
}

/// One field's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The key under the record's `fields` (letters, digits, `_`).
    pub name: String,
    /// What people read (the name when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Its type.
    #[serde(default, rename = "type")]
    pub kind: FieldKind,
    /// A record must have it.
    #[serde(default)]
    pub required: bool,
    /// A regular expression a text must match whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The options of a choice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The agent's screen pop shows it.
    #[serde(default)]
    pub screen_pop: bool,
}

impl FieldDef {
    /// The label, or the name when it has none.
    pub fn label(&self) -> &str {
        if self.label.is_empty() {
            &self.name
        } else {
            &self.label
        }
    }
}

/// The document as sent and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldDefsDoc {
    /// The definitions, in the order pages show them.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
}

/// A tenant's field definitions, checked (patterns compiled).
#[derive(Debug, Clone, Default)]
pub struct FieldDefs {
    defs: Vec<FieldDef>,
    patterns: Vec<Option<regex::Regex>>,
}

/// A mistake: the part it concerns (`fields[2].pattern`, `fields.contract`)
/// and what is wrong.
pub type FieldError = (String, String);

fn bad<T>(part: impl Into<String>, why: impl Into<String>) -> Result<T, FieldError> {
    Err((part.into(), why.into()))
}

impl FieldDefs {
    /// Parses and checks a JSON document.
    pub fn parse(json: &str) -> Result<FieldDefs, FieldError> {
        let doc: FieldDefsDoc =
            serde_json::from_str(json).map_err(|e| ("fields".to_string(), e.to_string()))?;
        FieldDefs::from_doc(doc)
    }

    /// Checks a document: names unique and plain, at most [`DEFS_MAX`]
    /// fields, a choice with options, patterns that compile.
    pub fn from_doc(doc: FieldDefsDoc) -> Result<FieldDefs, FieldError> {
        if doc.fields.len() > DEFS_MAX {
            return bad(
                "fields",
                format!("at most {DEFS_MAX}, got {}", doc.fields.len()),
            );
        }
        let mut patterns = Vec::with_capacity(doc.fields.len());
        for (i, d) in doc.fields.iter().enumerate() {
            let plain = |c: char| c.is_ascii_alphanumeric() || c == '_';
            if d.name.is_empty() || d.name.len() > 64 || !d.name.chars().all(plain) {
                return bad(format!("fields[{i}].name"), "1 to 64 letters, digits or _");
            }
            if doc.fields[..i].iter().any(|o| o.name == d.name) {
                return bad(
                    format!("fields[{i}].name"),
                    format!("{} is defined twice", d.name),
                );
            }
            if d.label.len() > 128 {
                return bad(format!("fields[{i}].label"), "at most 128 bytes");
            }
            match (d.kind, d.options.len()) {
                (FieldKind::Choice, 0) => {
                    return bad(format!("fields[{i}].options"), "a choice needs options");
                }
                (FieldKind::Choice, n) if n > OPTIONS_MAX => {
                    return bad(
                        format!("fields[{i}].options"),
                        format!("at most {OPTIONS_MAX}"),
                    );
                }
                (FieldKind::Choice, _) => {}
                (_, 0) => {}
                _ => return bad(format!("fields[{i}].options"), "only a choice has options"),
            }
            patterns.push(pattern_of(i, d)?);
        }
        Ok(FieldDefs {
            defs: doc.fields,
            patterns,
        })
    }

    /// The document that says the same.
    pub fn to_doc(&self) -> FieldDefsDoc {
        FieldDefsDoc {
            fields: self.defs.clone(),
        }
    }

    /// The definitions.
    pub fn defs(&self) -> &[FieldDef] {
        &self.defs
    }

    /// Whether the tenant defined no field (its records keep free fields).
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// A field's definition.
    pub fn get(&self, name: &str) -> Option<&FieldDef> {
        self.defs.iter().find(|d| d.name == name)
    }

    /// Checks a record's fields, writing each value in its one form: an
    /// undefined field, a value of the wrong type, one that does not match
    /// its pattern, or (with `require`) a required field missing is a
    /// mistake naming `fields.NAME`. Without definitions anything goes.
    pub fn check(
        &self,
        fields: &mut BTreeMap<String, String>,
        require: bool,
    ) -> Result<(), FieldError> {
        if self.defs.is_empty() {
            return Ok(());
        }
        for (name, value) in fields.iter_mut() {
            let Some(i) = self.defs.iter().position(|d| d.name == *name) else {
                return bad(format!("fields.{name}"), "not a field this tenant defined");
            };
            *value = self
                .value(i, value)
                .map_err(|why| (format!("fields.{name}"), why))?;
        }
        if require && let Some(name) = self.missing(fields) {
            return bad(format!("fields.{name}"), "required");
        }
        Ok(())
    }

    /// The first required field a record's fields lack.
    pub fn missing(&self, fields: &BTreeMap<String, String>) -> Option<&str> {
        self.defs
            .iter()
            .find(|d| d.required && !fields.contains_key(&d.name))
            .map(|d| d.name.as_str())
    }

    /// One value in its one form, or why it cannot be one.
    fn value(&self, i: usize, v: &str) -> Result<String, String> {
        let d = &self.defs[i];
        let v = v.trim();
        match d.kind {
            FieldKind::Text => match &self.patterns[i] {
                Some(re) if !re.is_match(v) => Err(format!(
                    "{v:?} does not match {}",
                    d.pattern.as_deref().unwrap_or("")
                )),
                _ => Ok(v.to_string()),
            },
            FieldKind::Number => {
                let n = v.replace(',', ".");
                match n.parse::<f64>() {
                    Ok(x) if x.is_finite() => Ok(n),
                    _ => Err(format!("{v:?} is not a number")),
                }
            }
            FieldKind::Date => date(v).ok_or_else(|| format!("{v:?} is not a date (YYYY-MM-DD)")),
            FieldKind::Choice => d
                .options
                .iter()
                .find(|o| o.eq_ignore_ascii_case(v) || o.to_lowercase() == v.to_lowercase())
                .cloned()
                .ok_or_else(|| format!("{v:?} is not one of {}", d.options.join(", "))),
            FieldKind::YesNo => yes_no(v)
                .map(|y| if y { "yes" } else { "no" }.to_string())
                .ok_or_else(|| format!("{v:?} is not yes or no")),
        }
    }
}

fn pattern_of(i: usize, d: &FieldDef) -> Result<Option<regex::Regex>, FieldError> {
    let Some(p) = &d.pattern else { return Ok(None) };
    if d.kind != FieldKind::Text {
        return bad(format!("fields[{i}].pattern"), "only a text has a pattern");
    }
    if p.len() > PATTERN_MAX {
        return bad(
            format!("fields[{i}].pattern"),
            format!("at most {PATTERN_MAX} bytes"),
        );
    }
    regex::RegexBuilder::new(&format!("^(?:{p})$"))
        .size_limit(1 << 20)
        .build()
        .map(Some)
        .map_err(|e| (format!("fields[{i}].pattern"), e.to_string()))
}

/// A day as `YYYY-MM-DD`, from that or `DD/MM/YYYY` (or with `-` or `.`).
fn date(v: &str) -> Option<String> {
    let parts: Vec<&str> = v.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let num = |s: &str| {
        s.parse::<u32>()
            .ok()
            .filter(|_| s.bytes().all(|b| b.is_ascii_digit()))
    };
    let (y, m, d) = if a.len() == 4 {
        (num(a)?, num(b)?, num(c)?)
    } else if c.len() == 4 {
        (num(c)?, num(b)?, num(a)?)
    } else {
        return None;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (d >= 1 && d <= days && (1000..10000).contains(&y)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn yes_no(v: &str) -> Option<bool> {
    match v.to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "sí" | "si" | "s" | "ano" | "a" => Some(true),
        "no" | "n" | "false" | "0" | "ne" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs() -> FieldDefs {
        FieldDefs::parse(
            r#"{"fields": [
                {"name": "contract", "type": "choice", "options": ["Prepaid", "Postpaid"], "required": true, "screen_pop": true},
                {"name": "born", "type": "date"},
                {"name": "balance", "type": "number"},
                {"name": "vip", "type": "yes_no"},
                {"name": "nif", "label": "Tax id", "pattern": "[0-9]{8}[A-Z]"}
            ]}"#,
        )
        .unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn values_are_written_in_their_one_form() {
        let mut f = fields(&[
            ("contract", "prepaid"),
            ("born", "31/12/1980"),
            ("balance", "12,50"),
            ("vip", "Sí"),
            ("nif", "12345678Z"),
        ]);
        defs().check(&mut f, true).unwrap();
        assert_eq!(
            f,
            fields(&[
                ("contract", "Prepaid"),
                ("born", "1980-12-31"),
                ("balance", "12.50"),
                ("vip", "yes"),
                ("nif", "12345678Z")
            ])
        );
    }

    #[test]
    fn wrong_values_name_their_field() {
        let d = defs();
        for (k, v, why) in [
            ("contract", "gold", "is not one of Prepaid, Postpaid"),
            ("born", "1980-02-30", "is not a date"),
            ("balance", "a lot", "is not a number"),
            ("vip", "maybe", "is not yes or no"),
            ("nif", "1234", "does not match"),
            ("colour", "red", "not a field this tenant defined"),
        ] {
            let mut f = fields(&[("contract", "Prepaid"), (k, v)]);
            let (part, message) = d.check(&mut f, true).unwrap_err();
            assert_eq!(part, format!("fields.{k}"));
            assert!(message.contains(why), "{k}: {message}");
        }
        let mut f = fields(&[("vip", "no")]);
        assert_eq!(
            d.check(&mut f, true).unwrap_err(),
            ("fields.contract".into(), "required".into())
        );
        assert!(d.check(&mut f, false).is_ok());
    }

    #[test]
    fn bad_definitions_are_refused() {
        for (doc, part) in [
            (r#"{"fields": [{"name": "a b"}]}"#, "fields[0].name"),
            (
                r#"{"fields": [{"name": "a"}, {"name": "a"}]}"#,
                "fields[1].name",
            ),
            (
                r#"{"fields": [{"name": "a", "type": "choice"}]}"#,
                "fields[0].options",
            ),
            (
                r#"{"fields": [{"name": "a", "pattern": "("}]}"#,
                "fields[0].pattern",
            ),
            (
                r#"{"fields": [{"name": "a", "type": "number", "pattern": "1"}]}"#,
                "fields[0].pattern",
            ),
            (r#"{"fields": [{"name": "a", "colour": "red"}]}"#, "fields"),
        ] {
            assert_eq!(FieldDefs::parse(doc).unwrap_err().0, part, "{doc}");
        }
        assert!(FieldDefs::parse("{}").unwrap().is_empty());
        let mut free = fields(&[("anything", "goes")]);
        assert!(FieldDefs::default().check(&mut free, true).is_ok());
    }
}
