//! The shipped letters in every language, rendered and read back; template
//! checking, tenant overrides and the English fallback.

mod common;

use chrono::NaiveDate;
use common::{dump, fonts, pdf_text, squash};
use printout::letters::{
    Instalment, Language, LetterData, LetterError, TemplateError, Templates, creditor_reference,
    format, letter,
};
use printout::{Block, render};

const LETTERS: [&str; 3] = ["payment_reminder", "plan_confirmation", "final_notice"];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn data() -> LetterData {
    LetterData {
        debtor_name: "Jana Nováková".into(),
        address: vec![
            "Dlouhá 12".into(),
            "110 00 Praha 1".into(),
            "Česká republika".into(),
        ],
        case_ref: "C-2026-0042".into(),
        creditor: "Acme Energía S.A.".into(),
        tenant: "Cobros Ejemplo S.L.".into(),
        today: day(2026, 11, 23),
        balance: "1550.00".into(),
        currency: "EUR".into(),
        due_date: Some(day(2026, 10, 31)),
        promise_amount: Some("250.00".into()),
        promise_date: Some(day(2026, 12, 1)),
        pay_by: Some(day(2026, 12, 8)),
        payment_reference: creditor_reference("C-2026-0042").expect("a valid case reference"),
        instalments: vec![
            Instalment {
                due: day(2026, 12, 8),
                amount: "550.00".into(),
            },
            Instalment {
                due: day(2027, 1, 8),
                amount: "500.00".into(),
            },
            Instalment {
                due: day(2027, 2, 8),
                amount: "500.00".into(),
            },
        ],
    }
}

/// The document's text, blocks one after another.
fn words(blocks: &[Block]) -> String {
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Heading(t) | Block::Paragraph(t) => out.push(t.clone()),
            Block::KeyValues(pairs) => out.extend(pairs.iter().map(|(k, v)| format!("{k} {v}"))),
            Block::Table(table) => out.extend(table.rows.iter().map(|r| r.join(" "))),
            Block::Address { recipient, .. } => out.extend(recipient.iter().cloned()),
            _ => {}
        }
    }
    out.join("\n")
}

#[test]
fn every_shipped_letter_renders_in_every_language_and_its_text_extracts() {
    let templates = Templates::defaults();
    let data = data();
    for language in Language::ALL {
        for name in LETTERS {
            let template = templates.get(name, language).expect("shipped");
            assert_eq!(
                template.language, language,
                "{name} is translated into {language:?}"
            );
            let doc = letter(&templates, name, language.code(), &data).expect("fills");
            assert_eq!(doc.language, language.code());
            let pdf = render(&doc, fonts()).expect("renders");
            dump(&format!("{name}-{}", language.code()), &pdf);
            let Some(text) = pdf_text(&pdf) else { continue };
            let text = squash(&text);
            let amount = squash(&format::amount(language, "1550.00").expect("an amount"));
            for expected in [
                data.debtor_name.as_str(),
                &amount,
                &data.payment_reference,
                &squash(&doc.title),
            ] {
                assert!(
                    text.contains(expected),
                    "{name} in {language:?}: {expected:?} missing from\n{text}"
                );
            }
            if name == "plan_confirmation" {
                let first = squash(&format::amount(language, "550.00").expect("an amount"));
                assert!(
                    text.contains(&first),
                    "{name} in {language:?}: instalment {first:?} in\n{text}"
                );
            }
        }
    }
}

#[test]
fn chinese_and_russian_letters_print_their_own_script() {
    let templates = Templates::defaults();
    for (language, script) in [("zh", 0x4E00..=0x9FFF), ("ru", 0x0400..=0x04FF)] {
        let doc = letter(&templates, "payment_reminder", language, &data()).expect("fills");
        assert!(
            doc.title
                .chars()
                .all(|c| script.contains(&(c as u32)) || c == ' '),
            "{}",
            doc.title
        );
        let pdf = render(&doc, fonts()).expect("renders");
        let Some(text) = pdf_text(&pdf) else { return };
        assert!(
            text.contains(&doc.title),
            "{language}: title {:?} in\n{text}",
            doc.title
        );
    }
}

#[test]
fn the_plan_confirmation_lists_the_instalments_as_a_table() {
    let doc = letter(&Templates::defaults(), "plan_confirmation", "en", &data()).expect("fills");
    let table = doc.blocks.iter().find_map(|b| match b {
        Block::Table(t) => Some(t),
        _ => None,
    });
    let table = table.expect("a table of instalments");
    assert_eq!(
        table.rows[0],
        vec!["8 December 2026".to_string(), "550.00 EUR".to_string()]
    );
    assert_eq!(table.rows.len(), 3);
    assert_eq!(table.columns[1].header, "Amount");
}

#[test]
fn amounts_and_dates_follow_the_letters_language() {
    let doc = letter(&Templates::defaults(), "payment_reminder", "cs-CZ", &data()).expect("fills");
    let text = words(&doc.blocks);
    assert!(text.contains("1\u{202f}550,00 EUR"), "{text}");
    assert!(text.contains("8.\u{a0}prosince 2026"), "{text}");
    assert!(text.contains("23.\u{a0}listopadu 2026"), "{text}");
}

#[test]
fn a_missing_language_falls_back_to_english() {
    let templates = Templates::parse(
        r#"
[[letter]]
name = "payment_reminder"
language = "en"
title = "Reminder"
body = "Please pay {balance} {currency}."
"#,
    )
    .expect("valid");
    let doc = letter(&templates, "payment_reminder", "cs", &data()).expect("falls back");
    assert_eq!(doc.language, "en");
    assert_eq!(doc.title, "Reminder");
    assert!(
        doc.blocks
            .contains(&Block::Paragraph("Please pay 1,550.00 EUR.".into()))
    );
    // A language letters are not written in at all gets English too.
    let doc = letter(&Templates::defaults(), "final_notice", "de-AT", &data()).expect("falls back");
    assert_eq!(doc.title, "Final notice before further action");
    assert_eq!(
        letter(&templates, "no_such_letter", "en", &data()),
        Err(LetterError::UnknownLetter {
            name: "no_such_letter".into(),
            language: "en".into()
        })
    );
}

#[test]
fn a_tenants_template_wins_over_the_shipped_one() {
    let templates = Templates::defaults()
        .with_overrides(
            r#"
[[letter]]
name = "payment_reminder"
language = "es"
title = "Aviso amistoso de {tenant}"
body = """
Hola {debtor_name}:

Le queda pendiente {balance} {currency}.
"""
closing = ["Un saludo,", "{tenant}"]
"#,
        )
        .expect("valid");
    let doc = letter(&templates, "payment_reminder", "es", &data()).expect("fills");
    assert_eq!(doc.title, "Aviso amistoso de Cobros Ejemplo S.L.");
    assert!(
        doc.blocks
            .contains(&Block::Paragraph("Le queda pendiente 1.550,00 EUR.".into()))
    );
    // The other languages and letters are still the shipped ones.
    let doc = letter(&templates, "payment_reminder", "ca", &data()).expect("fills");
    assert_eq!(doc.title, "Recordatori de pagament");
    let doc = letter(&templates, "final_notice", "es", &data()).expect("fills");
    assert_eq!(doc.title, "Último aviso antes de otras actuaciones");
}

#[test]
fn an_unknown_placeholder_is_refused_with_its_line_and_field() {
    let source = r#"[[letter]]
name = "payment_reminder"
language = "en"
title = "Reminder"
body = """
Dear {debtor_name},

Please pay {balance} {currency}
by {pay_date}.
"""
"#;
    match Templates::parse(source) {
        Err(TemplateError::UnknownPlaceholder {
            line,
            field,
            placeholder,
            ..
        }) => {
            assert_eq!((line, field, placeholder.as_str()), (9, "body", "pay_date"));
        }
        other => panic!("expected an unknown placeholder, got {other:?}"),
    }
    let message = Templates::parse(source).expect_err("refused").to_string();
    assert!(
        message.starts_with("line 9: unknown placeholder {pay_date} in the body"),
        "{message}"
    );
    let title =
        "[[letter]]\nname = \"x\"\nlanguage = \"en\"\ntitle = \"Hi {name}\"\nbody = \"b\"\n";
    assert!(matches!(
        Templates::parse(title),
        Err(TemplateError::UnknownPlaceholder {
            line: 4,
            field: "title",
            ..
        })
    ));
}

#[test]
fn unknown_languages_missing_titles_and_duplicates_are_refused_with_their_lines() {
    let language = "[[letter]]\nname = \"x\"\nlanguage = \"de\"\ntitle = \"t\"\nbody = \"b\"\n";
    assert!(matches!(
        Templates::parse(language),
        Err(TemplateError::UnknownLanguage { line: 3, .. })
    ));
    let untitled = "\n[[letter]]\nname = \"x\"\nlanguage = \"en\"\nbody = \"b\"\n";
    assert!(matches!(
        Templates::parse(untitled),
        Err(TemplateError::MissingTitle { line: 3, .. })
    ));
    let twice = "[[letter]]\nname = \"x\"\nlanguage = \"en\"\ntitle = \"t\"\nbody = \"b\"\n\n\
                 [[letter]]\nname = \"x\"\nlanguage = \"en\"\ntitle = \"u\"\nbody = \"c\"\n";
    match Templates::parse(twice) {
        Err(TemplateError::Duplicate { line, first, .. }) => assert_eq!((line, first), (7, 1)),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    let typo = "[[letter]]\nname = \"x\"\nlanguage = \"en\"\ntitel = \"t\"\nbody = \"b\"\n";
    match Templates::parse(typo) {
        Err(TemplateError::Syntax { line, message }) => {
            assert_eq!(line, 4, "{message}");
            assert!(message.contains("titel"), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn a_letter_needing_a_value_the_case_lacks_says_which() {
    let mut data = data();
    data.pay_by = None;
    assert_eq!(
        letter(&Templates::defaults(), "final_notice", "en", &data),
        Err(LetterError::MissingValue {
            name: "final_notice".into(),
            placeholder: "pay_by"
        })
    );
    let mut data = self::data();
    data.balance = "1.550,00".into();
    assert!(matches!(
        letter(&Templates::defaults(), "payment_reminder", "en", &data),
        Err(LetterError::BadAmount {
            field: "balance",
            ..
        })
    ));
}

#[test]
fn an_unclosed_brace_is_refused_with_its_line() {
    let source = "[[letter]]\nname = \"x\"\nlanguage = \"en\"\ntitle = \"t\"\nclosing = [\"Regards,\", \"{tenant\"]\nbody = \"b\"\n";
    assert!(matches!(
        Templates::parse(source),
        Err(TemplateError::UnclosedPlaceholder {
            line: 5,
            field: "closing",
            ..
        })
    ));
}
