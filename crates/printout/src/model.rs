//! The document model: what a printed page says, not where it goes.
//!
//! A [`Document`] is a title, a language and a list of [`Block`]s; the
//! layout (A4, margins, wrapping, page breaks, page numbers) is the
//! renderer's business. Letters build one from a template, reports from their
//! tables; both hand it to [`crate::render`].

/// A printable document: a title, its language and its blocks in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document's title, written into the PDF's metadata (the viewer's
    /// window title). Not printed by itself: add a [`Block::Heading`] for that.
    pub title: String,
    /// The document's language as a BCP-47 tag (`"cs"`, `"zh"`, `"en-GB"`),
    /// written into the PDF's metadata for screen readers and search.
    pub language: String,
    /// The content, top to bottom.
    pub blocks: Vec<Block>,
}

/// One piece of a document's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A bold heading; kept on the same page as the line that follows it.
    Heading(String),
    /// Running text, wrapped at the margins; `\n` starts a new line.
    Paragraph(String),
    /// Label and value pairs in two aligned columns (`Balance  1 550,00 EUR`).
    KeyValues(Vec<(String, String)>),
    /// A table; on a page break its header row is repeated.
    Table(Table),
    /// Vertical space, in millimetres.
    Spacer(f32),
    /// A recipient's address where a window envelope shows it (DIN 5008:
    /// 45 mm from the top of the first page), with the sender's name in
    /// small type above it.
    Address {
        /// The return-address line (the collecting company), if any.
        sender: Option<String>,
        /// The recipient's lines: name, street, postcode and town, country.
        recipient: Vec<String>,
    },
}

/// A table: its columns and its rows of cells (one string per column).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The columns, left to right.
    pub columns: Vec<Column>,
    /// The rows; a row with fewer cells than columns leaves the rest empty,
    /// cells beyond the last column are not printed.
    pub rows: Vec<Vec<String>>,
}

/// A table column: its header and how its cells are aligned.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header text (bold, repeated on every page the table spans).
    pub header: String,
    /// Left for text, right for amounts and counts.
    pub align: Align,
}

impl Column {
    /// A left-aligned column (text).
    pub fn left(header: impl Into<String>) -> Column {
        Column {
            header: header.into(),
            align: Align::Left,
        }
    }

    /// A right-aligned column (amounts, counts).
    pub fn right(header: impl Into<String>) -> Column {
        Column {
            header: header.into(),
            align: Align::Right,
        }
    }
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left.
    Left,
    /// Flush right.
    Right,
}
