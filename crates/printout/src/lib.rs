//! Printable PDF documents, and the debt-collection letters printed with them.
//!
//! TODO: crate documentation.

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
