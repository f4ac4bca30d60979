//! Unit tests of reading debt files: the mapping file, the columns, the
//! values, the rows, and whole files from their bytes.

mod files;
mod mapping;
mod rows;
mod values;

use super::*;
use crate::table::Record;

/// The mapping of the Czech example file.
const CZECH: &str = r#"date_format = "DD.MM.YYYY"
decimal = ","
currency_default = "czk"
[columns]
case_ref = "Číslo případu"
debtor_id = "Rodné číslo"
debtor_name = "Dlužník"
phone = "Telefon"
principal = "Jistina"
currency = "Měna"
due_date = "Splatnost"
creditor = "Věřitel"
"#;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn record(line: u64, fields: &[&str]) -> Record {
    Record {
        line,
        fields: fields.iter().map(|s| s.to_string()).collect(),
    }
}

fn decimal(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
