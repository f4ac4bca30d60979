//! Text into glyphs: font fallback, shaping, measuring and line breaking.
//!
//! A line of text is cut into runs, each in one face: the main face where it
//! has the character, the CJK face where it does not. Each run is shaped
//! with rustybuzz (the shaper krilla uses), which gives both the glyphs krilla
//! draws and their widths, so what is measured is exactly what is printed.
//! Text is set left to right (no bidirectional text: none of the languages
//! we print needs it).

use std::ops::Range;

use krilla::text::{GlyphId, KrillaGlyph};
use rustybuzz::{Direction, UnicodeBuffer};

use crate::PrintError;
use crate::fonts::{Face, Fonts};

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// A piece of a line set in one face: its text and glyphs (advances in ems).
#[derive(Clone)]
pub(crate) struct Run {
    pub(crate) font: krilla::text::Font,
    pub(crate) text: String,
    pub(crate) glyphs: Vec<KrillaGlyph>,
    /// The sum of the glyphs' advances, in ems.
    pub(crate) width_em: f32,
}

/// A face ready for shaping, borrowing the loaded file.
struct Shaping<'f> {
    face: rustybuzz::Face<'f>,
    pdf: krilla::text::Font,
}

impl<'f> Shaping<'f> {
    fn new(face: &'f Face) -> Result<Shaping<'f>, PrintError> {
        let shaping = rustybuzz::Face::from_slice(&face.data, face.index).ok_or(
            PrintError::Internal("a loaded font could not be read for shaping"),
        )?;
        Ok(Shaping {
            face: shaping,
            pdf: face.pdf.clone(),
        })
    }

    fn has(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }
}

/// The faces of one [`Fonts`], ready to shape text (built once per render).
pub(crate) struct Shaper<'f> {
    regular: Shaping<'f>,
    bold: Shaping<'f>,
    cjk: Option<(Shaping<'f>, Shaping<'f>)>,
}

impl<'f> Shaper<'f> {
    pub(crate) fn new(fonts: &'f Fonts) -> Result<Shaper<'f>, PrintError> {
        let set = &*fonts.set;
        let cjk = match &set.cjk {
            None => None,
            Some((regular, bold)) => Some((
                Shaping::new(regular)?,
                Shaping::new(bold.as_ref().unwrap_or(regular))?,
            )),
        };
        Ok(Shaper {
            regular: Shaping::new(&set.regular)?,
            bold: Shaping::new(&set.bold)?,
            cjk,
        })
    }

    /// The face a character is set in: the main one when it has the
    /// character, else the CJK one when that has it; a character no face
    /// has is set in the main face (and shows as its "missing" box) unless
    /// it is CJK and no CJK font is loaded, which is an error.
    fn face_for(&self, c: char, weight: Weight) -> Result<(usize, &Shaping<'f>), PrintError> {
        let main = match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        };
        if main.has(c) || c.is_whitespace() || c.is_control() {
            return Ok((0, main));
        }
        match &self.cjk {
            Some((regular, bold)) => {
                let cjk = if weight == Weight::Bold {
                    bold
                } else {
                    regular
                };
                Ok(if cjk.has(c) { (1, cjk) } else { (0, main) })
            }
            None if is_cjk(c) => Err(PrintError::NoCjkFont { character: c }),
            None => Ok((0, main)),
        }
    }

    /// Shapes one line of text (no line breaks in it) into runs.
    pub(crate) fn shape(&self, text: &str, weight: Weight) -> Result<Vec<Run>, PrintError> {
        let mut runs = Vec::new();
        let mut start = 0;
        let mut current: Option<(usize, &Shaping<'f>)> = None;
        for (i, c) in text.char_indices() {
            // Combining marks stay with the character they modify.
            if is_combining(c) && current.is_some() {
                continue;
            }
            let (id, face) = self.face_for(c, weight)?;
            if let Some((cur_id, cur_face)) = current
                && cur_id != id
            {
                runs.push(shape_run(cur_face, &text[start..i]));
                start = i;
            }
            current = Some((id, face));
        }
        if let Some((_, face)) = current {
            runs.push(shape_run(face, &text[start..]));
        }
        Ok(runs)
    }

    /// The printed width of one line of text, in points.
    pub(crate) fn width(&self, text: &str, weight: Weight, size: f32) -> Result<f32, PrintError> {
        Ok(self
            .shape(text, weight)?
            .iter()
            .map(|r| r.width_em)
            .sum::<f32>()
            * size)
    }

    /// Breaks one line of text (no `\n` in it) into lines no wider than
    /// `max_width` points: between words, and between CJK characters (not
    /// before closing punctuation). A word wider than a line is cut.
    pub(crate) fn wrap(
        &self,
        text: &str,
        weight: Weight,
        size: f32,
        max_width: f32,
    ) -> Result<Vec<String>, PrintError> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_width = 0.0;
        for (word, space) in segments(text) {
            let word_width = self.width(word, weight, size)?;
            if !line.is_empty() && line_width + word_width > max_width {
                lines.push(line.trim_end().to_string());
                line.clear();
                line_width = 0.0;
            }
            if line.is_empty() && word_width > max_width {
                let mut pieces = self.cut(word, weight, size, max_width)?;
                let last = pieces.pop().unwrap_or_default();
                lines.extend(pieces);
                line_width = self.width(&last, weight, size)?;
                line = last;
            } else {
                line.push_str(word);
                line_width += word_width;
            }
            line.push_str(space);
            line_width += self.width(space, weight, size)?;
        }
        if !line.trim_end().is_empty() || lines.is_empty() {
            lines.push(line.trim_end().to_string());
        }
        Ok(lines)
    }

    /// Cuts a word too wide for a line into pieces that fit (at least one
    /// character each).
    fn cut(
        &self,
        word: &str,
        weight: Weight,
        size: f32,
        max_width: f32,
    ) -> Result<Vec<String>, PrintError> {
        let mut pieces = vec![String::new()];
        for c in word.chars() {
            let mut candidate = pieces.last().cloned().unwrap_or_default();
            candidate.push(c);
            let fits = self.width(&candidate, weight, size)? <= max_width;
            match pieces.last_mut() {
                Some(last) if fits || last.is_empty() => *last = candidate,
                _ => pieces.push(c.to_string()),
            }
        }
        Ok(pieces)
    }
}

/// Shapes a run of text in one face, left to right.
fn shape_run(face: &Shaping<'_>, text: &str) -> Run {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    buffer.set_direction(Direction::LeftToRight);
    let output = rustybuzz::shape(&face.face, &[], buffer);
    let upem = face.pdf.units_per_em();
    let infos = output.glyph_infos();
    let positions = output.glyph_positions();
    let mut glyphs = Vec::with_capacity(infos.len());
    let mut width_em = 0.0;
    for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
        let cluster = info.cluster as usize;
        // A cluster's text runs to the start of the next cluster (left to
        // right, clusters only grow); krilla maps it back for copying text.
        let end = infos[i + 1..]
            .iter()
            .map(|next| next.cluster as usize)
            .find(|&c| c != cluster)
            .unwrap_or(text.len());
        let range: Range<usize> = cluster..end;
        let advance = pos.x_advance as f32 / upem;
        width_em += advance;
        glyphs.push(KrillaGlyph::new(
            GlyphId::new(info.glyph_id),
            advance,
            pos.x_offset as f32 / upem,
            pos.y_offset as f32 / upem,
            pos.y_advance as f32 / upem,
            range,
            None,
        ));
    }
    Run {
        font: face.pdf.clone(),
        text: text.to_string(),
        glyphs,
        width_em,
    }
}

/// Splits text into (word, following spaces) at its break opportunities.
fn segments(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut word_start = 0;
    let mut space_start: Option<usize> = None;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if is_break_space(c) {
            space_start.get_or_insert(i);
        } else if let Some(s) = space_start {
            out.push((&text[word_start..s], &text[s..i]));
            word_start = i;
            space_start = None;
        } else if prev.is_some_and(|p| cjk_break_between(p, c)) {
            out.push((&text[word_start..i], ""));
            word_start = i;
        }
        prev = Some(c);
    }
    match space_start {
        Some(s) => out.push((&text[word_start..s], &text[s..])),
        None => out.push((&text[word_start..], "")),
    }
    out
}

/// A space a line may break at (not the no-break ones that group digits).
fn is_break_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}')
}

/// Whether a line may break between two characters of CJK text: after an
/// ideograph, kana or CJK punctuation, or before one, except before closing
/// punctuation and after opening punctuation.
fn cjk_break_between(a: char, b: char) -> bool {
    const NO_START: &str = "、。，．：；！？）」』】〕〉》”’・ー々…,.:;!?)%";
    const NO_END: &str = "（「『【〔〈《“‘(";
    (is_cjk(a) || is_cjk(b)) && !NO_START.contains(b) && !NO_END.contains(a)
}

/// Chinese, Japanese and Korean characters and punctuation.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Combining diacritical marks (kept in the face of the letter before them).
fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_break_at_spaces_and_between_cjk_characters() {
        assert_eq!(
            segments("Dear  Ms Nováková"),
            vec![("Dear", "  "), ("Ms", " "), ("Nováková", "")]
        );
        assert_eq!(
            segments("您好，请付款。"),
            vec![
                ("您", ""),
                ("好，", ""),
                ("请", ""),
                ("付", ""),
                ("款。", "")
            ]
        );
        assert_eq!(
            segments("1\u{202f}550,00 EUR"),
            vec![("1\u{202f}550,00", " "), ("EUR", "")]
        );
    }
}
