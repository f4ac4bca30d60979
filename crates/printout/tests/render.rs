//! Rendering documents: valid PDFs whose text extracts, page breaks with
//! repeated table headers, page numbers, fonts embedded as subsets.

mod common;

use common::{dump, fonts, pdf_text, squash};
use printout::{Block, Column, Document, Table, render};

fn long_table(rows: usize) -> Document {
    Document {
        title: "Payments".into(),
        language: "en".into(),
        blocks: vec![
            Block::Heading("Payments received".into()),
            Block::Table(Table {
                columns: vec![
                    Column::left("Booked on"),
                    Column::left("Payer"),
                    Column::right("Amount"),
                ],
                rows: (1..=rows)
                    .map(|i| {
                        vec![
                            format!("2026-12-{:02}", i % 28 + 1),
                            format!("Payer number {i}"),
                            format!("{i}.00"),
                        ]
                    })
                    .collect(),
            }),
        ],
    }
}

/// The page number at the foot of a page's text, spaces removed: the footer
/// prints "2 / 2", but pdftotext takes a line whose only gaps are equal for
/// letter-spaced text and joins it ("2/2").
fn footer(page: &str) -> String {
    let last = page
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    last.split_whitespace().collect()
}

#[test]
fn a_long_table_breaks_across_pages_and_repeats_its_header() {
    let pdf = render(&long_table(60), fonts()).expect("renders");
    dump("long_table", &pdf);
    let Some(text) = pdf_text(&pdf) else { return };
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(pages.len(), 2, "{text}");
    for page in &pages {
        let lines: Vec<&str> = page.lines().map(str::trim).collect();
        assert!(
            lines.contains(&"Booked on") && lines.contains(&"Amount"),
            "header on every page: {page}"
        );
    }
    assert!(footer(pages[0]) == "1/2", "{}", pages[0]);
    assert!(footer(pages[1]) == "2/2", "{}", pages[1]);
    assert!(pages[0].contains("Payer number 1\n"), "{text}");
    assert!(pages[1].contains("Payer number 60\n"), "{text}");
    assert!(!pages[1].contains("Payer number 1\n"), "{text}");
}

#[test]
fn text_in_every_script_extracts_and_fonts_are_embedded_subsets() {
    let doc = Document {
        title: "Пример 示例".into(),
        language: "ru".into(),
        blocks: vec![
            Block::Address {
                sender: Some("Cobros Ejemplo S.L.".into()),
                recipient: vec![
                    "Jana Nováková".into(),
                    "Dlouhá 12".into(),
                    "110 00 Praha 1".into(),
                ],
            },
            Block::Heading("Напоминание об оплате".into()),
            Block::Paragraph(
                "Žluťoučký kůň úpěl ďábelské ódy.\nΕλληνικά και 中文：您好，欢迎使用。".into(),
            ),
            Block::KeyValues(vec![("Balance".into(), "1\u{202f}550,00 EUR".into())]),
            Block::Spacer(10.0),
        ],
    };
    let pdf = render(&doc, fonts()).expect("renders");
    dump("scripts", &pdf);
    assert!(pdf.starts_with(b"%PDF-"));
    // A subset's font name carries a six-letter tag: ABCDEF+DejaVuSans.
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        raw.contains("+DejaVuSans"),
        "main font embedded as a subset"
    );
    assert!(
        raw.contains("+NotoSansCJK") || raw.contains("+NotoSansCJKsc"),
        "CJK font embedded as a subset"
    );
    assert!(
        pdf.len() < 200_000,
        "subsets keep the file small: {} bytes",
        pdf.len()
    );
    let Some(text) = pdf_text(&pdf) else { return };
    let text = squash(&text);
    for expected in [
        "Jana Nováková",
        "Напоминание об оплате",
        "Žluťoučký kůň úpěl ďábelské ódy.",
        "中文：您好，欢迎使用。",
        "1 550,00 EUR",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    assert!(text.ends_with("1 / 1") || text.ends_with("1/1"), "{text}");
}

#[test]
fn a_long_paragraph_wraps_within_the_margins() {
    let sentence = "The quick brown fox jumps over the lazy dog. ".repeat(40);
    let doc = Document {
        title: "t".into(),
        language: "en".into(),
        blocks: vec![Block::Paragraph(sentence)],
    };
    let pdf = render(&doc, fonts()).expect("renders");
    let Some(text) = pdf_text(&pdf) else { return };
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("fox") || l.contains("dog"))
        .collect();
    assert!(lines.len() > 10, "wrapped into many lines: {text}");
    assert!(lines.iter().all(|l| l.chars().count() < 110), "{lines:?}");
}
