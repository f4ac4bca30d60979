//! Reading XLSX (made here with rust_xlsxwriter) and ODS (a minimal archive
//! made here with the zip crate) workbooks.

use std::io::{Cursor, Write};

use import::table::{Format, ReadError, ReadOptions, Record, Table, open};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
use zip::write::SimpleFileOptions;

fn all(table: &mut Table<'_>) -> Vec<Record> {
    let mut out = Vec::new();
    while table.next_chunk(100, &mut out).unwrap() > 0 {}
    out
}

/// A workbook with a cover sheet, then "Clientes" starting on row 3 with
/// phones stored as numbers, a date, a boolean and a fraction.
fn xlsx() -> Vec<u8> {
    let mut book = Workbook::new();
    let cover = book.add_worksheet();
    cover.set_name("Portada").unwrap();
    cover.write_string(0, 0, "Exportado").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Clientes").unwrap();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    for (col, header) in ["Nombre", "Teléfono", "Alta", "Activo", "Saldo"]
        .iter()
        .enumerate()
    {
        sheet.write_string(2, col as u16, *header).unwrap();
    }
    sheet.write_string(3, 0, "Ana Pérez").unwrap();
    sheet.write_number(3, 1, 612_345_678.0).unwrap();
    let day = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
    sheet.write_datetime_with_format(3, 2, &day, &date).unwrap();
    sheet.write_boolean(3, 3, true).unwrap();
    sheet.write_number(3, 4, 12.5).unwrap();
    // An empty row, then a row with gaps.
    sheet.write_string(5, 0, "Luis").unwrap();
    sheet.write_number(5, 1, 34_699_111_222.0).unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_cells_as_text() {
    let bytes = xlsx();
    assert_eq!(Format::detect(&bytes, None), Format::Xlsx);
    let opts = ReadOptions {
        sheet: Some("Clientes".into()),
        ..ReadOptions::default()
    };
    let mut table = open(&bytes, &opts).unwrap();
    assert_eq!(table.format(), Format::Xlsx);
    assert_eq!(table.encoding(), None);
    assert_eq!(table.delimiter(), None);
    assert_eq!(
        table.headers(),
        ["Nombre", "Teléfono", "Alta", "Activo", "Saldo"]
    );
    let records = all(&mut table);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].line, 4);
    assert_eq!(
        records[0].fields,
        ["Ana Pérez", "612345678", "2024-03-01", "true", "12.5"]
    );
    assert_eq!(records[1].line, 6);
    assert_eq!(records[1].fields, ["Luis", "34699111222"]);
}

#[test]
fn xlsx_first_sheet_and_missing_sheet() {
    let bytes = xlsx();
    let mut table = open(&bytes, &ReadOptions::default()).unwrap();
    assert_eq!(table.headers(), ["Exportado"]);
    assert!(all(&mut table).is_empty());
    let opts = ReadOptions {
        sheet: Some("Hoja1".into()),
        ..ReadOptions::default()
    };
    let err = open(&bytes, &opts).err().unwrap();
    assert_eq!(
        err,
        ReadError::NoSheet {
            name: "Hoja1".into(),
            available: vec!["Portada".into(), "Clientes".into()],
        }
    );
    assert_eq!(
        err.to_string(),
        "there is no sheet named \"Hoja1\"; the sheets are: Portada, Clientes"
    );
}

const ODS_CONTENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
<table:table table:name="Zákazníci">
<table:table-row>
<table:table-cell office:value-type="string"><text:p>Jméno</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>Telefon</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>Narozen</text:p></table:table-cell>
</table:table-row>
<table:table-row>
<table:table-cell office:value-type="string"><text:p>Jiří Dvořák</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="602123456"><text:p>602123456</text:p></table:table-cell>
<table:table-cell office:value-type="date" office:date-value="1980-05-17"><text:p>17.05.1980</text:p></table:table-cell>
</table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="3"/></table:table-row>
<table:table-row>
<table:table-cell office:value-type="string"><text:p>Šárka Růžičková</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>+420 731 000 111</text:p></table:table-cell>
</table:table-row>
</table:table>
</office:spreadsheet></office:body>
</office:document-content>
"#;

const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

/// A minimal OpenDocument spreadsheet: the stored `mimetype` first, then the
/// manifest and the content.
fn ods() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    let deflated = SimpleFileOptions::default();
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(ODS_MANIFEST.as_bytes()).unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    // As LibreOffice writes it: no white space between the elements.
    zip.write_all(ODS_CONTENT.replace('\n', "").as_bytes())
        .unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn ods_cells_as_text() {
    let bytes = ods();
    assert_eq!(Format::detect(&bytes, None), Format::Ods);
    let mut table = open(&bytes, &ReadOptions::default()).unwrap();
    assert_eq!(table.format(), Format::Ods);
    assert_eq!(table.headers(), ["Jméno", "Telefon", "Narozen"]);
    let records = all(&mut table);
    let got: Vec<(u64, Vec<&str>)> = records
        .iter()
        .map(|r| (r.line, r.fields.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        got,
        [
            (2, vec!["Jiří Dvořák", "602123456", "1980-05-17"]),
            (4, vec!["Šárka Růžičková", "+420 731 000 111"]),
        ]
    );
    let opts = ReadOptions {
        sheet: Some("zákazníci".into()),
        ..ReadOptions::default()
    };
    assert!(open(&bytes, &opts).is_ok());
}

#[test]
fn a_broken_archive_is_an_error() {
    let mut bytes = xlsx();
    bytes.truncate(200);
    let err = open(&bytes, &ReadOptions::default()).err().unwrap();
    assert!(matches!(err, ReadError::Spreadsheet(_)), "{err:?}");
}
