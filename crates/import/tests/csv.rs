//! Reading CSV files: delimiters, quoting, line endings, line numbers,
//! encodings.

use import::table::{Encoding, Format, ReadError, ReadOptions, Record, Table, open};

fn all(table: &mut Table<'_>) -> Vec<Record> {
    let mut out = Vec::new();
    while table.next_chunk(2, &mut out).unwrap() > 0 {}
    out
}

fn lines_and_fields(records: &[Record]) -> Vec<(u64, Vec<&str>)> {
    records
        .iter()
        .map(|r| (r.line, r.fields.iter().map(String::as_str).collect()))
        .collect()
}

#[test]
fn semicolons_quotes_and_a_multi_line_field() {
    let text = "Nombre;Teléfono;Notas\r\n\
                \"Pérez; Ana\";612 345 678;\"dice \"\"hola\"\"\"\r\n\
                Luis;699 111 222;\"primera línea\r\nsegunda línea\r\ntercera\"\r\n\
                Eva;;\r\n\
                \r\n\
                \r\n";
    let mut table = open(text.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(table.format(), Format::Csv);
    assert_eq!(table.encoding(), Some(Encoding::Utf8));
    assert_eq!(table.delimiter(), Some(';'));
    assert_eq!(table.headers(), ["Nombre", "Teléfono", "Notas"]);
    let records = all(&mut table);
    assert_eq!(
        lines_and_fields(&records),
        [
            (2, vec!["Pérez; Ana", "612 345 678", "dice \"hola\""]),
            (
                3,
                vec![
                    "Luis",
                    "699 111 222",
                    "primera línea\r\nsegunda línea\r\ntercera"
                ]
            ),
            (6, vec!["Eva", "", ""]),
        ]
    );
}

#[test]
fn header_after_blank_lines_and_lf_endings() {
    let text = "\n\nname,phone\nAna,\"612\n345\n678\"\nLuis,699\n";
    let mut table = open(text.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(table.delimiter(), Some(','));
    assert_eq!(table.headers(), ["name", "phone"]);
    let records = all(&mut table);
    assert_eq!(
        lines_and_fields(&records),
        [(4, vec!["Ana", "612\n345\n678"]), (7, vec!["Luis", "699"])]
    );
}

#[test]
fn tabs_bars_and_a_bom() {
    let text = "\u{FEFF}Jméno\tTelefon\r\nJiří\t602 123 456\r\n";
    let mut table = open(text.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(table.encoding(), Some(Encoding::Utf8));
    assert_eq!(table.delimiter(), Some('\t'));
    assert_eq!(table.headers(), ["Jméno", "Telefon"]);
    assert_eq!(all(&mut table)[0].fields, ["Jiří", "602 123 456"]);

    let mut table = open(b"a|b|c\n1|2|3\n", &ReadOptions::default()).unwrap();
    assert_eq!(table.delimiter(), Some('|'));
    assert_eq!(all(&mut table)[0].fields, ["1", "2", "3"]);
}

#[test]
fn ragged_rows_are_kept_as_they_are() {
    let mut table = open(b"a;b;c\n1;2\n1;2;3;4\n", &ReadOptions::default()).unwrap();
    let records = all(&mut table);
    assert_eq!(records[0].fields, ["1", "2"]);
    assert_eq!(records[1].fields, ["1", "2", "3", "4"]);
}

#[test]
fn forced_utf8_on_latin1_names_the_line() {
    let bytes = b"name;city\nAna;Madrid\nJos\xE9;C\xE1diz\n";
    let opts = ReadOptions {
        encoding: Some(Encoding::Utf8),
        ..ReadOptions::default()
    };
    let mut table = open(bytes, &opts).unwrap();
    let mut out = Vec::new();
    let err = table.next_chunk(10, &mut out).unwrap_err();
    assert_eq!(err, ReadError::Utf8 { line: 3 });
    assert!(err.to_string().starts_with("line 3:"), "{err}");
    // Detected instead, it is Windows-1252.
    let mut table = open(bytes, &ReadOptions::default()).unwrap();
    assert_eq!(table.encoding(), Some(Encoding::Windows1252));
    assert_eq!(all(&mut table)[1].fields, ["José", "Cádiz"]);
}

#[test]
fn empty_files() {
    assert_eq!(
        open(b"", &ReadOptions::default()).err(),
        Some(ReadError::Empty)
    );
    assert_eq!(
        open(b"\r\n\n\n", &ReadOptions::default()).err(),
        Some(ReadError::Empty)
    );
    let mut table = open(
        b"\r\n\r\nname;phone\r\n;\r\nAna;612\r\n",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(
        lines_and_fields(&all(&mut table)),
        [(5, vec!["Ana", "612"])]
    );
    let mut table = open(b"name\n", &ReadOptions::default()).unwrap();
    assert!(all(&mut table).is_empty());
}

#[test]
fn chunks_stream_a_large_file() {
    let mut text = String::from("id,name,phone\n");
    for i in 0..10_000 {
        text.push_str(&format!("{i},\"Name {i}\",6{i:08}\n"));
    }
    let mut table = open(text.as_bytes(), &ReadOptions::default()).unwrap();
    let mut chunk = Vec::new();
    let mut total = 0;
    loop {
        chunk.clear();
        let n = table.next_chunk(1000, &mut chunk).unwrap();
        if n == 0 {
            break;
        }
        assert!(n <= 1000);
        assert_eq!(chunk[0].line, total as u64 + 2);
        total += n;
    }
    assert_eq!(total, 10_000);
}

#[test]
fn format_detection() {
    assert_eq!(Format::detect(b"a,b\n", None), Format::Csv);
    assert_eq!(Format::from_file_name("Clientes.XLSX"), Some(Format::Xlsx));
    assert_eq!(Format::from_file_name("x.ods"), Some(Format::Ods));
    assert_eq!(Format::from_file_name("x.csv"), Some(Format::Csv));
    assert_eq!(Format::from_file_name("x"), None);
}
