//! Fuzz targets: what administrators paste. Campaign contact lines
//! (`name, number[, number…]`), the tenant's settings document (time zone
//! and holidays) and the desktop settings: any text, and text made of their
//! own pieces in any order, is read or refused with a message naming the
//! line or field, never a panic. Runs on stable Rust with proptest
//! (`PROPTEST_CASES` for more inputs; failures are kept in
//! `proptest-regressions/`).

use proptest::prelude::*;

fn contact_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Eva Puig".to_string()),
        Just("+34 600 000 001".to_string()),
        Just("(212) 555-0100".to_string()),
        Just(",".to_string()),
        Just(";".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        "[0-9+() .-]{0,20}",
        "\\PC{0,12}",
    ]
}

fn settings_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("\"time_zone\": \"Europe/Madrid\",".to_string()),
        Just("\"time_zone\": \"Nowhere/Else\",".to_string()),
        Just("\"holidays\": [".to_string()),
        Just("{\"date\": \"2026-12-25\", \"name\": \"Nadal\"},".to_string()),
        Just("{\"date\": \"2026-02-30\"},".to_string()),
        Just("]".to_string()),
        "[ -~]{0,16}",
    ]
}

proptest! {
    #[test]
    fn contact_lines_are_read_or_refused_naming_the_line(
        pieces in proptest::collection::vec(contact_piece(), 0..60)
    ) {
        let text = pieces.concat();
        match server::ui::campaigns::parse_contacts(&text) {
            Ok(contacts) => prop_assert!(contacts.iter().all(|c| !c.phones.is_empty())),
            Err(e) => prop_assert!(e.message.contains("line"), "{}", e.message),
        }
    }

    #[test]
    fn any_contact_text_is_read_or_refused(text in "\\PC{0,400}") {
        let _ = server::ui::campaigns::parse_contacts(&text);
    }

    #[test]
    fn settings_documents_are_read_or_refused_naming_the_field(
        pieces in proptest::collection::vec(settings_piece(), 0..30)
    ) {
        let text = pieces.concat();
        let _ = center::settings::TenantSettings::parse(&text);
        let _ = server::ui::settings::DesktopSettings::parse(&text);
    }
}
