//! XLSX and ODS workbooks through `calamine`: one sheet's cells as text.

use std::io::{Cursor, Read, Seek};

use calamine::{Data, Ods, Range, Reader, Xlsx, open_workbook_from_rs};

use super::{Format, ReadError, Record};

/// The rows of one sheet (calamine reads a sheet whole).
pub(super) struct Sheet {
    range: Range<Data>,
    /// The 0-based sheet row of the range's first row.
    first_row: u32,
    /// The next row of the range to hand out.
    next: usize,
}

impl Sheet {
    /// Open the named sheet (matched exactly, else ignoring case), or the
    /// first one, of an XLSX or ODS workbook.
    pub(super) fn open(
        bytes: &[u8],
        format: Format,
        name: Option<&str>,
    ) -> Result<Self, ReadError> {
        let range = match format {
            Format::Ods => choose(
                open_workbook_from_rs::<Ods<_>, _>(Cursor::new(bytes)).map_err(spreadsheet)?,
                name,
            )?,
            _ => choose(
                open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)).map_err(spreadsheet)?,
                name,
            )?,
        };
        let first_row = range.start().map_or(0, |(row, _)| row);
        Ok(Self {
            range,
            first_row,
            next: 0,
        })
    }

    /// The next row, `None` at the end.
    pub(super) fn next_record(&mut self) -> Option<Record> {
        if self.next >= self.range.height() {
            return None;
        }
        let row = self.next;
        let line = u64::from(self.first_row) + row as u64 + 1;
        self.next += 1;
        let mut fields: Vec<String> = (0..self.range.width())
            .map(|col| {
                self.range
                    .get((row, col))
                    .map_or_else(String::new, cell_text)
            })
            .collect();
        while fields.last().is_some_and(String::is_empty) {
            fields.pop();
        }
        Some(Record { line, fields })
    }
}

fn spreadsheet(e: impl std::fmt::Display) -> ReadError {
    ReadError::Spreadsheet(e.to_string())
}

/// The chosen sheet's cells.
fn choose<RS, R>(mut book: R, name: Option<&str>) -> Result<Range<Data>, ReadError>
where
    RS: Read + Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let names = book.sheet_names();
    let chosen = match name {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().to_lowercase() == wanted.trim().to_lowercase())
            })
            .ok_or_else(|| ReadError::NoSheet {
                name: wanted.to_owned(),
                available: names.clone(),
            })?,
        None => names.first().ok_or(ReadError::NoSheets)?,
    }
    .clone();
    book.worksheet_range(&chosen).map_err(spreadsheet)
}

/// A cell as text: strings as they are, whole numbers without ".0" (phone
/// numbers stored as numbers), other numbers as Rust prints them, booleans
/// "true"/"false", dates as `YYYY-MM-DD` (with `THH:MM:SS` when there is a
/// time of day), errors as Excel shows them, empty cells "".
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_owned(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A number as text: whole numbers without a fraction.
fn number_text(f: f64) -> String {
    // Whole and within the exact range of an f64 (2^53).
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number_text(612_345_678.0), "612345678");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(number_text(0.1), "0.1");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        assert_eq!(cell_text(&Data::Empty), "");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2024-03-01T00:00:00".into())),
            "2024-03-01"
        );
    }
}
