//! Reads customer files for imports: the table in a CSV, XLSX or ODS file
//! ([`table`]), which column holds which customer field ([`mapping`]), each
//! record as a typed customer row with its problems listed ([`row`]), and
//! phone numbers normalised to E.164 ([`phone`]); payments from bank files
//! (CSV, camt.053/054) and the cases they are for ([`payments`]).
//!
//! No IO: the caller passes the file's bytes and gets values back. No clock,
//! no threads, no printing.

pub mod mapping;
pub mod payments;
pub mod phone;
pub mod row;
pub mod table;

pub use mapping::{Columns, Field, Mapping, MappingError, PhoneColumn, PhoneHint};
pub use phone::{Country, Phone, PhoneKind, normalise};
pub use row::{Address, CustomerRow, Problem, RowPhone};
pub use table::{Encoding, Format, ReadError, ReadOptions, Record, Table, open};
