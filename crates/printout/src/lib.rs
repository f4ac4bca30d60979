//! Printable PDF documents, and the debt-collection letters printed with them.
//!
//! # Documents
//!
//! A [`Document`] is a title, a language (a BCP-47 tag such as `"cs"`) and
//! a list of [`Block`]s: headings, paragraphs (wrapped; `\n` starts a new
//! line), label/value pairs, tables (columns aligned left or right), vertical
//! space, and a recipient's address placed where a window envelope shows it.
//! [`render`] lays it out on A4 pages (25 mm left margin, 20 mm right and
//! top, 25 mm bottom), wraps lines between words and between Chinese
//! characters, breaks pages (a table repeats its header row on each new
//! page, a heading stays with what follows) and numbers the pages `n / m`
//! in the footer. Letters and reports build documents; nothing here knows
//! about either, and nothing here reads a clock or the network.
//!
//! ```no_run
//! use printout::{Block, Column, Document, Fonts, Table, render};
//!
//! let fonts = Fonts::system()?; // once, at start-up
//! let doc = Document {
//!     title: "Payments received".into(),
//!     language: "en".into(),
//!     blocks: vec![
//!         Block::Heading("Payments received".into()),
//!         Block::Table(Table {
//!             columns: vec![Column::left("Case"), Column::right("Amount")],
//!             rows: vec![vec!["C-2026-0042".into(), "550.00 EUR".into()]],
//!         }),
//!     ],
//! };
//! let pdf: Vec<u8> = render(&doc, &fonts)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The PDF is written by [krilla](https://docs.rs/krilla): its text is real
//! text (a ToUnicode map for every glyph, so it can be selected, searched
//! and extracted), its title and language are in its metadata, and each
//! font is embedded as a subset of the glyphs the document uses.
//!
//! # Fonts
//!
//! [`Fonts`] are Debian's, loaded once and shared (clone it: an `Arc`):
//!
//! - Latin, Greek and Cyrillic: `fonts-dejavu-core` (DejaVu Sans, regular
//!   and bold), or `fonts-noto-core` (Noto Sans) when DejaVu is absent;
//! - Chinese: `fonts-noto-cjk` (`NotoSansCJK-Regular.ttc` and `-Bold.ttc`,
//!   collections of which the Simplified Chinese face is used).
//!
//! Fallback is per character: what the main font lacks is set in the CJK
//! font. The CJK collections are large (about 20 MB each) but a PDF carries
//! only the few glyphs it uses (a Chinese letter is about 50 kB). Without
//! the packages, [`Fonts::system`] fails naming the package to install;
//! [`Fonts::from_dir`] reads the same files from a configured directory.
//!
//! # Letters
//!
//! [`letters`] fills letter templates with a case's values: the shipped
//! `payment_reminder`, `plan_confirmation` and `final_notice` in English,
//! Spanish, Catalan, Czech, Russian and Chinese, and a tenant's own on top.
//! Templates are TOML:
//!
//! ```
//! let tenant = r#"
//! [[letter]]
//! name = "payment_reminder"          # the letter's kind
//! language = "es"                    # en, es, ca, cs, ru or zh
//! title = "Recordatorio de pago"
//! body = """
//! Estimado/a {debtor_name}:
//!
//! Le recordamos que el importe de {balance} {currency} adeudado a
//! {creditor} venció el {due_date}.
//!
//! {details}
//!
//! Le rogamos que lo abone a más tardar el {pay_by}.
//! """
//! details = [
//!     { label = "Importe pendiente", value = "{balance} {currency}" },
//!     { label = "Referencia de pago", value = "{payment_reference}" },
//! ]
//! closing = ["Atentamente,", "{tenant}"]
//! "#;
//! let templates = printout::letters::Templates::defaults().with_overrides(tenant)?;
//! # Ok::<(), printout::letters::TemplateError>(())
//! ```
//!
//! - The body's paragraphs are separated by blank lines; the lines of one
//!   paragraph are joined (with a space, or nothing between Chinese
//!   characters), so the source can be wrapped freely.
//! - Placeholders: `{debtor_name}`, `{case_ref}`, `{creditor}`, `{tenant}`
//!   (the collecting company), `{today}`, `{balance}`, `{currency}`,
//!   `{due_date}`, `{promise_amount}`, `{promise_date}`, `{pay_by}`,
//!   `{payment_reference}` (the ISO 11649 creditor reference to quote when
//!   paying, see [`letters::creditor_reference`]) and `{instalments}`. A
//!   paragraph that is only `{instalments}` becomes a table of due dates
//!   and amounts (elsewhere it reads `8 December 2026: 550.00 EUR; …`); one
//!   that is only `{details}` places the `details` (label/value pairs)
//!   there, else they follow the body. `{{` and `}}` write braces.
//! - `closing` lines follow the body, one per line.
//! - `[[labels]]` tables give, per language, the words around the text:
//!   `date`, `our_reference`, `instalment_due`, `instalment_amount`.
//! - Parsing refuses an unknown placeholder, an unknown language, a missing
//!   title, the same (name, language) twice, and any unknown field, each
//!   error naming its line.
//!
//! A tenant's letter replaces the shipped one of the same name and
//! language; a letter asked for in a language it has no template in comes
//! out in English. Amounts (exact decimal strings) and dates are written
//! the way the template's language writes them ([`letters::format`]).

mod fonts;
mod layout;
pub mod letters;
mod model;
mod paint;
mod shape;

pub use fonts::{FontError, FontPaths, Fonts};
pub use model::{Align, Block, Column, Document, Table};

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The document has Chinese (or other CJK) text and no CJK font is loaded.
    #[error(
        "no CJK font for {character:?} (U+{code:04X}): install fonts-noto-cjk or configure a CJK font",
        code = *character as u32
    )]
    NoCjkFont {
        /// The first character that could not be set.
        character: char,
    },
    /// The PDF writer refused the document.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    /// Something that cannot happen with fonts that loaded (a bug).
    #[error("internal error: {0}")]
    Internal(&'static str),
}

/// Renders a document to PDF (A4, fonts embedded as subsets, text extractable).
pub fn render(doc: &Document, fonts: &Fonts) -> Result<Vec<u8>, PrintError> {
    let shaper = shape::Shaper::new(fonts)?;
    let pages = layout::layout(doc, &shaper)?;
    paint::paint(&pages, &doc.title, &doc.language)
}
