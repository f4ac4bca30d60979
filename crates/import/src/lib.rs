//! Reads customer files for imports: the table in a CSV, XLSX or ODS file
//! ([`table`]), which column holds which customer field ([`mapping`]), each
//! record as a typed customer row with its problems listed ([`row`]), and
//! phone numbers normalised to E.164 ([`phone`]); payments from bank files
//! (CSV, camt.053/054) and the cases they are for ([`payments`]).
//!
//! Debt files are read the same way ([`debts`]): one line per debt, its
//! columns from a mapping file (which also says how dates and decimals are
//! written) or recognised from the headers, each record as a typed debt row
//! (case reference, debtor, amounts to the cent, currency, due date) with
//! its problems listed.
//!
//! No IO: the caller passes the file's bytes and gets values back. No clock,
//! no threads, no printing.

pub mod debts;
pub mod mapping;
pub mod payments;
pub mod phone;
pub mod row;
pub mod table;

pub use debts::{
    DateFormat, DebtColumns, DebtColumnsError, DebtField, DebtMapping, DebtMappingError, DebtRow,
    DecimalMark,
};
pub use mapping::{Columns, Field, Mapping, MappingError, PhoneColumn, PhoneHint};
pub use phone::{Country, Phone, PhoneKind, normalise};
pub use row::{Address, CustomerRow, Problem, RowPhone};
pub use table::{Encoding, Format, ReadError, ReadOptions, Record, Table, open};
