//! Amounts, dates, currency codes and emails as cells write them.

use super::*;
use crate::debts::values::{amount, currency_code, date, email};

const POINT: DecimalMark = DecimalMark::Point;
const COMMA: DecimalMark = DecimalMark::Comma;

#[test]
fn comma_decimals_with_thousands_points() {
    for (text, value) in [
        ("1.550,00", "1550.00"),
        ("1550,5", "1550.5"),
        ("1 550,00", "1550"),
        ("1\u{a0}550,00", "1550"),
        ("12\u{202f}345\u{202f}678,90", "12345678.90"),
        ("1.550.000", "1550000"),
        (" 0,99 ", "0.99"),
        ("-0,00", "0"),
        ("15", "15"),
    ] {
        assert_eq!(amount(text, COMMA, false), Ok(decimal(value)), "{text}");
    }
}

#[test]
fn point_decimals_with_thousands_commas() {
    for (text, value) in [
        ("1,550.00", "1550"),
        ("1550.5", "1550.5"),
        ("1 550.25", "1550.25"),
        ("1,000,000", "1000000"),
        ("1550.000", "1550"),
    ] {
        assert_eq!(amount(text, POINT, false), Ok(decimal(value)), "{text}");
    }
}

#[test]
fn amounts_refused() {
    let not = "is not an amount written like";
    for (text, mark, start) in [
        ("1.5", COMMA, not),
        ("1,55", POINT, not),
        ("1,550,00", COMMA, not),
        ("1.55.000", COMMA, not),
        ("10,00 Kč", COMMA, not),
        ("€10", POINT, not),
        ("", POINT, not),
        ("1e3", POINT, not),
        (",50", COMMA, not),
        ("12,345", COMMA, "has more than 2 decimals"),
        ("0.005", POINT, "has more than 2 decimals"),
        ("-5", POINT, "is negative"),
        ("\u{2212}1.550,00", COMMA, "is negative"),
        ("1000000000000.01", POINT, "is more than 1000000000000"),
    ] {
        let err = amount(text, mark, false).unwrap_err();
        assert!(err.starts_with(start), "{text}: {err}");
    }
}

#[test]
fn spreadsheet_number_cells_read_with_a_point() {
    assert_eq!(amount("1550.5", COMMA, true), Ok(decimal("1550.5")));
    assert_eq!(amount("1550", COMMA, true), Ok(decimal("1550")));
    // Not how a number cell reads (a trailing 0): the mapping's thousands.
    assert_eq!(amount("1.550", COMMA, true), Ok(decimal("1550")));
    assert_eq!(amount("1.550,25", COMMA, true), Ok(decimal("1550.25")));
    assert!(amount("1550.5", COMMA, false).is_err());
}

#[test]
fn the_three_date_formats() {
    let d = day(2024, 3, 1);
    assert_eq!(date("2024-03-01", DateFormat::YearMonthDay, false), Ok(d));
    assert_eq!(date("2024-3-1", DateFormat::YearMonthDay, false), Ok(d));
    assert_eq!(
        date("01.03.2024", DateFormat::DayMonthYearDots, false),
        Ok(d)
    );
    assert_eq!(
        date("1. 3. 2024", DateFormat::DayMonthYearDots, false),
        Ok(d)
    );
    assert_eq!(
        date("01/03/2024", DateFormat::DayMonthYearSlashes, false),
        Ok(d)
    );
    assert_eq!(
        date("1/3/2024", DateFormat::DayMonthYearSlashes, false),
        Ok(d)
    );
    // A spreadsheet's date cell reads as YYYY-MM-DD whatever the format.
    assert_eq!(
        date("2024-03-01", DateFormat::DayMonthYearDots, true),
        Ok(d)
    );
    assert_eq!(
        date("01.03.2024", DateFormat::DayMonthYearDots, true),
        Ok(d)
    );
}

#[test]
fn dates_in_another_format_are_refused() {
    for (text, format, reason) in [
        (
            "7/13/2024",
            DateFormat::DayMonthYearSlashes,
            "is not a date in DD/MM/YYYY: there is no such day",
        ),
        (
            "2024-03-01",
            DateFormat::DayMonthYearDots,
            "is not a date in DD.MM.YYYY",
        ),
        (
            "01.03.2024",
            DateFormat::YearMonthDay,
            "is not a date in YYYY-MM-DD",
        ),
        (
            "01/03/2024",
            DateFormat::DayMonthYearDots,
            "is not a date in DD.MM.YYYY",
        ),
        (
            "01.03.24",
            DateFormat::DayMonthYearDots,
            "is not a date in DD.MM.YYYY",
        ),
        (
            "1 / 3 / 2024",
            DateFormat::DayMonthYearSlashes,
            "is not a date in DD/MM/YYYY",
        ),
        (
            "2024-03-01T10:00:00",
            DateFormat::YearMonthDay,
            "is not a date in YYYY-MM-DD",
        ),
        (
            "31.02.2024",
            DateFormat::DayMonthYearDots,
            "is not a date in DD.MM.YYYY: there is no such day",
        ),
        (
            "01.03.0024",
            DateFormat::DayMonthYearDots,
            "is not a plausible date: the year is not 1900 to 2199",
        ),
    ] {
        assert_eq!(date(text, format, false), Err(reason.to_owned()), "{text}");
    }
}

#[test]
fn currency_codes_and_emails() {
    assert_eq!(currency_code(" eur ").as_deref(), Some("EUR"));
    assert_eq!(currency_code("Kč").as_deref(), Some("CZK"));
    assert_eq!(currency_code("€").as_deref(), Some("EUR"));
    assert_eq!(currency_code("EURO"), None);
    assert_eq!(currency_code("E1R"), None);
    assert_eq!(currency_code("$"), None);
    assert_eq!(
        email(" Jan.Novak@Example.CZ ").as_deref(),
        Some("jan.novak@example.cz")
    );
    assert_eq!(email("jan@novak"), None);
    assert_eq!(email("jan novak@example.cz"), None);
    assert_eq!(email("@example.cz"), None);
}
