//! Laid-out pages into a PDF with krilla.
//!
//! krilla embeds each face once as a subset of the glyphs used, and writes a
//! ToUnicode map from each glyph back to the text it was shaped from, so the
//! PDF's text can be selected, copied, searched and extracted.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};

use crate::PrintError;
use crate::layout::{Op, PAGE_HEIGHT_PT, PAGE_WIDTH_PT};

/// Grey of table rules: dark enough to print, light enough not to shout.
const RULE_GREY: u8 = 110;

/// Draws the pages into a PDF with the document's title and language.
pub(crate) fn paint(pages: &[Vec<Op>], title: &str, language: &str) -> Result<Vec<u8>, PrintError> {
    let mut pdf = krilla::Document::new();
    pdf.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language(language.to_string())
            .creator("Centralita".to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH_PT, PAGE_HEIGHT_PT)
        .ok_or(PrintError::Internal("A4 is not a valid page size"))?;
    for ops in pages {
        let mut page = pdf.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    baseline,
                    size,
                    runs,
                } => {
                    let mut x = *x;
                    for run in runs {
                        surface.draw_glyphs(
                            Point::from_xy(x, *baseline),
                            &run.glyphs,
                            run.font.clone(),
                            &run.text,
                            *size,
                            false,
                        );
                        x += run.width_em * size;
                    }
                }
                Op::Rule {
                    x,
                    y,
                    width,
                    thickness,
                } => {
                    let Some(rect) = Rect::from_xywh(*x, *y, *width, *thickness) else {
                        continue;
                    };
                    let mut path = PathBuilder::new();
                    path.push_rect(rect);
                    let Some(path) = path.finish() else { continue };
                    surface.set_fill(Some(Fill {
                        paint: rgb::Color::new(RULE_GREY, RULE_GREY, RULE_GREY).into(),
                        opacity: NormalizedF32::ONE,
                        rule: FillRule::NonZero,
                    }));
                    surface.draw_path(&path);
                    surface.set_fill(None);
                }
            }
        }
        surface.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| PrintError::Pdf(e.to_string()))
}
