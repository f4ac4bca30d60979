//! Which column of a file holds which customer field: from a mapping file,
//! or recognised from the headers.
//!
//! A mapping file is TOML:
//!
//! ```toml
//! [columns]            # customer field = the file's header
//! external_id = "Código"
//! name = "Nombre y apellidos"
//! phone = "Teléfono"
//! phone2 = "Móvil"
//! email = "Correo"
//!
//! [custom]             # custom field = the file's header
//! contract = "Contrato"
//! ```
//!
//! Without one, [`Columns::recognise`] knows the usual headers in English,
//! Spanish, Catalan and Czech, compared by letters and digits only, without
//! case or accents ("Teléfono móvil" = "TELEFONO-MOVIL"); a trailing number
//! is ignored ("Teléfono 2" is a phone). A mapping file's headers are
//! matched ignoring case, accents and surrounding spaces.

pub(crate) mod words;

use std::collections::BTreeSet;
use std::fmt;

use thiserror::Error;

use self::words::Meaning;

/// How many phone and email columns a customer can have.
pub const MAX_PER_KIND: u8 = 8;

/// A customer field a column can fill.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum Field {
    /// The customer's identifier in the client's own systems.
    ExternalId,
    /// The full name.
    Name,
    /// Phone 1 to 8 ("phone", "phone2", … "phone8").
    Phone(u8),
    /// Email 1 to 8 ("email", "email2", … "email8").
    Email(u8),
    /// Street and number.
    Address,
    /// Postal code.
    PostalCode,
    /// City or town.
    City,
    /// Country (a code or a name).
    Country,
    /// Preferred language.
    Language,
}

impl Field {
    /// The field for a key: "external_id", "name", "phone" (or "phone1") to
    /// "phone8", "email" (or "email1") to "email8", "address", "postal_code",
    /// "city", "country", "language". Any case.
    pub fn parse(key: &str) -> Option<Self> {
        let key = key.trim().to_ascii_lowercase();
        let numbered = |rest: &str| -> Option<u8> {
            if rest.is_empty() {
                return Some(1);
            }
            let n: u8 = rest.parse().ok()?;
            ((1..=MAX_PER_KIND).contains(&n) && !rest.starts_with('0')).then_some(n)
        };
        Some(match key.as_str() {
            "external_id" => Self::ExternalId,
            "name" => Self::Name,
            "address" => Self::Address,
            "postal_code" => Self::PostalCode,
            "city" => Self::City,
            "country" => Self::Country,
            "language" => Self::Language,
            k => {
                if let Some(rest) = k.strip_prefix("phone") {
                    Self::Phone(numbered(rest)?)
                } else if let Some(rest) = k.strip_prefix("email") {
                    Self::Email(numbered(rest)?)
                } else {
                    return None;
                }
            }
        })
    }

    /// The field's key: "phone" for `Phone(1)`, "phone3" for `Phone(3)`…
    pub fn key(&self) -> String {
        match self {
            Self::ExternalId => "external_id".into(),
            Self::Name => "name".into(),
            Self::Phone(1) => "phone".into(),
            Self::Phone(n) => format!("phone{n}"),
            Self::Email(1) => "email".into(),
            Self::Email(n) => format!("email{n}"),
            Self::Address => "address".into(),
            Self::PostalCode => "postal_code".into(),
            Self::City => "city".into(),
            Self::Country => "country".into(),
            Self::Language => "language".into(),
        }
    }

    /// Every field, in the order of the keys' documentation.
    pub fn all() -> Vec<Self> {
        let mut all = vec![Self::ExternalId, Self::Name];
        all.extend((1..=MAX_PER_KIND).map(Self::Phone));
        all.extend((1..=MAX_PER_KIND).map(Self::Email));
        all.extend([
            Self::Address,
            Self::PostalCode,
            Self::City,
            Self::Country,
            Self::Language,
        ]);
        all
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// What a phone column's header says about its numbers.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum PhoneHint {
    /// Nothing in particular ("Phone", "Teléfono").
    #[default]
    Any,
    /// Mobile numbers ("Mobile", "Móvil", "Mòbil", "Mobil").
    Mobile,
    /// Work numbers ("Work phone", "Teléfono trabajo").
    Work,
}

impl PhoneHint {
    /// "any", "mobile" or "work".
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::Mobile => "mobile",
            Self::Work => "work",
        }
    }
}

/// A phone column.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PhoneColumn {
    /// Which phone (1 to 8).
    pub number: u8,
    /// The column index in the file.
    pub column: usize,
    /// What the header says about the numbers.
    pub hint: PhoneHint,
}

/// Which column each field reads, for one file's headers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Columns {
    pub(crate) headers: Vec<String>,
    pub(crate) external_id: Option<usize>,
    pub(crate) name: Option<usize>,
    pub(crate) phones: Vec<PhoneColumn>,
    /// Email columns (number, column), email first.
    pub(crate) emails: Vec<(u8, usize)>,
    pub(crate) address: Option<usize>,
    pub(crate) postal_code: Option<usize>,
    pub(crate) city: Option<usize>,
    pub(crate) country: Option<usize>,
    pub(crate) language: Option<usize>,
    pub(crate) custom: Vec<(String, usize)>,
}

/// What went wrong with a mapping.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MappingError {
    /// Not TOML at all.
    #[error("the mapping file is not valid TOML: {0}")]
    Toml(String),
    /// Sections other than `[columns]` and `[custom]`.
    #[error("unknown section(s) in the mapping file: {}; the sections are [columns] and [custom]", .0.join(", "))]
    UnknownSections(Vec<String>),
    /// Keys under `[columns]` that are no customer field.
    #[error("unknown field(s) in [columns]: {}; the fields are: {}", .unknown.join(", "), .valid.join(", "))]
    UnknownFields {
        /// The keys not understood.
        unknown: Vec<String>,
        /// The keys that are understood.
        valid: Vec<String>,
    },
    /// A value that is not a header name in quotes.
    #[error("\"{key}\" in the mapping file must be a column header in quotes")]
    NotText {
        /// The key whose value is not text.
        key: String,
    },
    /// Headers the mapping names that the file does not have.
    #[error("the file has no column named {}; its columns are: {}", quote_list(.missing), quote_list(.headers))]
    MissingHeaders {
        /// The headers not found.
        missing: Vec<String>,
        /// The file's headers.
        headers: Vec<String>,
    },
}

fn quote_list(items: &[String]) -> String {
    items
        .iter()
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A mapping file: customer fields and custom fields to the file's headers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    /// Each field and the header it reads.
    pub columns: Vec<(Field, String)>,
    /// Each custom field and the header it reads.
    pub custom: Vec<(String, String)>,
}

impl Mapping {
    /// Read a mapping file.
    pub fn from_toml(text: &str) -> Result<Self, MappingError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| MappingError::Toml(e.message().to_owned()))?;
        let unknown: Vec<String> = table
            .keys()
            .filter(|k| !matches!(k.as_str(), "columns" | "custom"))
            .map(|k| format!("[{k}]"))
            .collect();
        if !unknown.is_empty() {
            return Err(MappingError::UnknownSections(unknown));
        }
        let columns = section(&table, "columns")?;
        let custom = section(&table, "custom")?;
        let mut mapping = Self {
            custom,
            ..Self::default()
        };
        let mut unknown = Vec::new();
        for (key, header) in columns {
            match Field::parse(&key) {
                Some(field) => mapping.columns.push((field, header)),
                None => unknown.push(key),
            }
        }
        if !unknown.is_empty() {
            let valid = Field::all().iter().map(Field::key).collect();
            return Err(MappingError::UnknownFields { unknown, valid });
        }
        mapping.columns.sort_by_key(|(field, _)| *field);
        Ok(mapping)
    }

    /// Find the mapped headers among a file's headers (ignoring case,
    /// accents and surrounding spaces).
    pub fn resolve(&self, headers: &[String]) -> Result<Columns, MappingError> {
        let loose: Vec<String> = headers.iter().map(|h| words::loose(h)).collect();
        let find = |wanted: &str| {
            let wanted = words::loose(wanted);
            loose.iter().position(|h| *h == wanted)
        };
        let mut columns = Columns {
            headers: headers.to_vec(),
            ..Columns::default()
        };
        let mut missing = BTreeSet::new();
        for (field, header) in &self.columns {
            match find(header) {
                Some(index) => columns.set(*field, index, &headers[index]),
                None => {
                    missing.insert(header.clone());
                }
            }
        }
        for (name, header) in &self.custom {
            match find(header) {
                Some(index) => columns.custom.push((name.clone(), index)),
                None => {
                    missing.insert(header.clone());
                }
            }
        }
        if !missing.is_empty() {
            return Err(MappingError::MissingHeaders {
                missing: missing.into_iter().collect(),
                headers: headers.to_vec(),
            });
        }
        Ok(columns)
    }
}

/// One `[section]` of key = "header" pairs (empty when absent).
fn section(table: &toml::Table, name: &str) -> Result<Vec<(String, String)>, MappingError> {
    let Some(value) = table.get(name) else {
        return Ok(Vec::new());
    };
    let toml::Value::Table(entries) = value else {
        return Err(MappingError::NotText {
            key: name.to_owned(),
        });
    };
    entries
        .iter()
        .map(|(key, value)| match value {
            toml::Value::String(header) => Ok((key.clone(), header.clone())),
            _ => Err(MappingError::NotText {
                key: format!("{name}.{key}"),
            }),
        })
        .collect()
}

impl Columns {
    /// Recognise the usual headers (English, Spanish, Catalan, Czech).
    /// Phone-like columns fill phone, phone2, … and email columns email,
    /// email2, … in file order. Returns the headers not recognised (or
    /// recognised for a field already taken), to report to the user.
    pub fn recognise(headers: &[String]) -> (Self, Vec<String>) {
        let mut columns = Self {
            headers: headers.to_vec(),
            ..Self::default()
        };
        let mut unrecognised = Vec::new();
        for (index, header) in headers.iter().enumerate() {
            if header.trim().is_empty() {
                continue;
            }
            let field = words::meaning(header).and_then(|m| columns.free_field(m));
            match field {
                Some(field) => columns.set(field, index, header),
                None => unrecognised.push(header.clone()),
            }
        }
        (columns, unrecognised)
    }

    /// The field a header of this meaning fills next, if any is free.
    fn free_field(&self, meaning: Meaning) -> Option<Field> {
        let single = |taken: Option<usize>, field: Field| taken.is_none().then_some(field);
        match meaning {
            Meaning::ExternalId => single(self.external_id, Field::ExternalId),
            Meaning::Name => single(self.name, Field::Name),
            Meaning::Phone(_) => {
                let n = self.phones.len() as u8 + 1;
                (n <= MAX_PER_KIND).then_some(Field::Phone(n))
            }
            Meaning::Email => {
                let n = self.emails.len() as u8 + 1;
                (n <= MAX_PER_KIND).then_some(Field::Email(n))
            }
            Meaning::Address => single(self.address, Field::Address),
            Meaning::PostalCode => single(self.postal_code, Field::PostalCode),
            Meaning::City => single(self.city, Field::City),
            Meaning::Country => single(self.country, Field::Country),
            Meaning::Language => single(self.language, Field::Language),
        }
    }

    /// Read `field` from column `index` (whose header is `header`).
    fn set(&mut self, field: Field, index: usize, header: &str) {
        match field {
            Field::ExternalId => self.external_id = Some(index),
            Field::Name => self.name = Some(index),
            Field::Phone(number) => {
                let hint = match words::meaning(header) {
                    Some(Meaning::Phone(hint)) => hint,
                    _ => PhoneHint::Any,
                };
                self.phones.push(PhoneColumn {
                    number,
                    column: index,
                    hint,
                });
                self.phones.sort_by_key(|p| p.number);
            }
            Field::Email(number) => {
                self.emails.push((number, index));
                self.emails.sort_by_key(|(n, _)| *n);
            }
            Field::Address => self.address = Some(index),
            Field::PostalCode => self.postal_code = Some(index),
            Field::City => self.city = Some(index),
            Field::Country => self.country = Some(index),
            Field::Language => self.language = Some(index),
        }
    }

    /// The column a field reads, if any.
    pub fn column(&self, field: Field) -> Option<usize> {
        match field {
            Field::ExternalId => self.external_id,
            Field::Name => self.name,
            Field::Phone(n) => self.phones.iter().find(|p| p.number == n).map(|p| p.column),
            Field::Email(n) => self.emails.iter().find(|e| e.0 == n).map(|e| e.1),
            Field::Address => self.address,
            Field::PostalCode => self.postal_code,
            Field::City => self.city,
            Field::Country => self.country,
            Field::Language => self.language,
        }
    }

    /// Every field read and its column, in field order.
    pub fn fields(&self) -> Vec<(Field, usize)> {
        Field::all()
            .into_iter()
            .filter_map(|f| self.column(f).map(|c| (f, c)))
            .collect()
    }

    /// The phone columns, phone first.
    pub fn phones(&self) -> &[PhoneColumn] {
        &self.phones
    }

    /// The email columns, email first.
    pub fn emails(&self) -> impl Iterator<Item = usize> + '_ {
        self.emails.iter().map(|e| e.1)
    }

    /// The custom fields and their columns.
    pub fn custom(&self) -> &[(String, usize)] {
        &self.custom
    }

    /// The file's headers.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The header of a column ("" past the last one).
    pub fn header(&self, column: usize) -> &str {
        self.headers.get(column).map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests;
