//! Tables from customer files: CSV (any of four encodings, the delimiter
//! sniffed), XLSX and ODS, read as a header and records of text.
//!
//! ```
//! use import::table::{open, ReadOptions};
//!
//! let bytes = b"Nombre;Tel\xE9fono\r\nAna;612 345 678\r\n";
//! let mut table = open(bytes, &ReadOptions::default()).unwrap();
//! assert_eq!(table.headers(), ["Nombre", "Teléfono"]);
//! let mut records = Vec::new();
//! while table.next_chunk(1000, &mut records).unwrap() > 0 {}
//! assert_eq!(records[0].line, 2);
//! assert_eq!(records[0].fields, ["Ana", "612 345 678"]);
//! ```
//!
//! The first row with any non-empty cell is the header; each later row is a
//! [`Record`] carrying its line: for CSV the file line the record starts on
//! (multi-line quoted fields counted), for sheets the 1-based row number.
//! A CSV file in UTF-8 is read from the caller's bytes; in another encoding
//! it is decoded once, whole. Records come in chunks, so a large CSV file is
//! never held twice as records.

mod delimited;
mod encoding;
mod sheet;

use std::fmt;
use std::io::{Cursor, Read};

use thiserror::Error;

use self::delimited::Delimited;
pub use self::encoding::Encoding;
use self::sheet::Sheet;

/// The kind of file.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Format {
    /// Comma-, semicolon-, tab- or bar-separated text.
    Csv,
    /// Office Open XML workbook (Excel).
    Xlsx,
    /// OpenDocument spreadsheet (LibreOffice).
    Ods,
}

impl Format {
    /// "csv", "xlsx" or "ods".
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Ods => "ods",
        }
    }

    /// The format a file name's extension names ("clientes.XLSX"), if any.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let (_, ext) = name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "csv" | "txt" | "tsv" => Some(Self::Csv),
            "xlsx" | "xlsm" => Some(Self::Xlsx),
            "ods" => Some(Self::Ods),
            _ => None,
        }
    }

    /// The format of a file's bytes: a ZIP archive with an OpenDocument
    /// spreadsheet `mimetype` entry is ODS, another ZIP archive XLSX,
    /// anything else CSV. `hint` (from the file name) only decides between
    /// XLSX and ODS when the archive does not tell.
    pub fn detect(bytes: &[u8], hint: Option<Format>) -> Self {
        if !bytes.starts_with(b"PK\x03\x04") {
            return Self::Csv;
        }
        match zip::ZipArchive::new(Cursor::new(bytes)) {
            Ok(mut archive) => {
                let mut mimetype = String::new();
                let ods = archive
                    .by_name("mimetype")
                    .ok()
                    .and_then(|mut entry| entry.read_to_string(&mut mimetype).ok())
                    .is_some_and(|_| {
                        mimetype.trim() == "application/vnd.oasis.opendocument.spreadsheet"
                    });
                let xlsx = archive.index_for_name("xl/workbook.xml").is_some();
                match (ods, xlsx, hint) {
                    (true, _, _) => Self::Ods,
                    (false, true, _) => Self::Xlsx,
                    (false, false, Some(Self::Ods)) => Self::Ods,
                    _ => Self::Xlsx,
                }
            }
            Err(_) => hint.unwrap_or(Self::Xlsx),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How to read a file; every field is detected when `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The text encoding of a CSV file.
    pub encoding: Option<Encoding>,
    /// The sheet of a workbook (the first sheet when `None`).
    pub sheet: Option<String>,
    /// The format (detected from the bytes when `None`).
    pub format: Option<Format>,
}

/// A row of the file after the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Where the row starts: the file line for CSV, the row number for sheets.
    pub line: u64,
    /// The cells as text, as many as the row has.
    pub fields: Vec<String>,
}

/// Why a file could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// No row has any content.
    #[error("the file is empty: no row has any content, so there is no header")]
    Empty,
    /// Text that is not UTF-8 where UTF-8 was expected.
    #[error(
        "line {line}: the text is not valid UTF-8; choose the file's encoding (e.g. windows-1252)"
    )]
    Utf8 {
        /// The line the record starts on.
        line: u64,
    },
    /// The CSV text could not be read.
    #[error("line {line}: {message}")]
    Csv {
        /// The line the problem is on.
        line: u64,
        /// What the CSV reader said.
        message: String,
    },
    /// The workbook could not be read.
    #[error("the spreadsheet cannot be read: {0}")]
    Spreadsheet(String),
    /// The workbook has no sheet of that name.
    #[error("there is no sheet named \"{name}\"; the sheets are: {}", .available.join(", "))]
    NoSheet {
        /// The name asked for.
        name: String,
        /// The workbook's sheets.
        available: Vec<String>,
    },
    /// The workbook has no sheets at all.
    #[error("the workbook has no sheets")]
    NoSheets,
}

/// Where the rows come from.
enum Source<'a> {
    Csv(Delimited<'a>),
    Sheet(Sheet),
}

/// An open table: its header, then its records in chunks.
pub struct Table<'a> {
    format: Format,
    encoding: Option<Encoding>,
    delimiter: Option<u8>,
    headers: Vec<String>,
    source: Source<'a>,
}

/// Open a file's bytes as a table and read its header.
pub fn open<'a>(bytes: &'a [u8], opts: &ReadOptions) -> Result<Table<'a>, ReadError> {
    let format = opts.format.unwrap_or_else(|| Format::detect(bytes, None));
    let (encoding, delimiter, mut source) = match format {
        Format::Csv => {
            let encoding = opts.encoding.unwrap_or_else(|| Encoding::detect(bytes));
            let data = encoding.to_utf8(bytes);
            let delimiter = delimited::sniff(&data);
            let reader = Delimited::new(data, delimiter);
            (Some(encoding), Some(delimiter), Source::Csv(reader))
        }
        Format::Xlsx | Format::Ods => {
            let sheet = Sheet::open(bytes, format, opts.sheet.as_deref())?;
            (None, None, Source::Sheet(sheet))
        }
    };
    let headers = loop {
        let Some(record) = source.next_record()? else {
            return Err(ReadError::Empty);
        };
        if record.fields.iter().any(|f| !f.trim().is_empty()) {
            break record.fields.iter().map(|f| f.trim().to_owned()).collect();
        }
    };
    Ok(Table {
        format,
        encoding,
        delimiter,
        headers,
        source,
    })
}

impl Source<'_> {
    fn next_record(&mut self) -> Result<Option<Record>, ReadError> {
        match self {
            Self::Csv(csv) => csv.next_record(),
            Self::Sheet(sheet) => Ok(sheet.next_record()),
        }
    }
}

impl<'a> Table<'a> {
    /// The file's format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The text encoding of a CSV file (`None` for workbooks).
    pub fn encoding(&self) -> Option<Encoding> {
        self.encoding
    }

    /// The delimiter of a CSV file (`None` for workbooks).
    pub fn delimiter(&self) -> Option<char> {
        self.delimiter.map(char::from)
    }

    /// The header row, each name trimmed.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Append up to `max` records to `out`; how many were appended (0 at the
    /// end of the table). Rows with no content are skipped.
    pub fn next_chunk(&mut self, max: usize, out: &mut Vec<Record>) -> Result<usize, ReadError> {
        let mut n = 0;
        while n < max {
            let Some(record) = self.source.next_record()? else {
                break;
            };
            if record.fields.iter().all(String::is_empty) {
                continue;
            }
            out.push(record);
            n += 1;
        }
        Ok(n)
    }
}
