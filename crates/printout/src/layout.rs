//! Blocks onto A4 pages: margins, wrapping, page breaks, page numbers.
//!
//! The layout turns a [`Document`] into pages of positioned drawing
//! operations ([`Op`]) and knows nothing of PDF; [`crate::paint`] draws
//! them. Positions are in points from the page's top-left corner.

use crate::PrintError;
use crate::model::{Align, Block, Column, Document, Table};
use crate::shape::{Run, Shaper, Weight};

/// One millimetre in points.
const MM: f32 = 72.0 / 25.4;
/// A4 in points.
pub(crate) const PAGE_WIDTH_PT: f32 = 210.0 * MM;
/// A4 in points.
pub(crate) const PAGE_HEIGHT_PT: f32 = 297.0 * MM;
const MARGIN_LEFT_PT: f32 = 25.0 * MM;
const MARGIN_RIGHT_PT: f32 = 20.0 * MM;
const MARGIN_TOP_PT: f32 = 20.0 * MM;
const MARGIN_BOTTOM_PT: f32 = 25.0 * MM;
const CONTENT_WIDTH_PT: f32 = PAGE_WIDTH_PT - MARGIN_LEFT_PT - MARGIN_RIGHT_PT;
const CONTENT_BOTTOM_PT: f32 = PAGE_HEIGHT_PT - MARGIN_BOTTOM_PT;
const FOOTER_BASELINE_PT: f32 = PAGE_HEIGHT_PT - 12.0 * MM;
/// DIN 5008 form B: the window's address field, from the top of the page.
const ADDRESS_TOP_PT: f32 = 45.0 * MM;
const ADDRESS_BOTTOM_PT: f32 = 90.0 * MM;

const BODY_SIZE_PT: f32 = 10.5;
const HEADING_SIZE_PT: f32 = 14.0;
const TABLE_SIZE_PT: f32 = 9.5;
const SMALL_SIZE_PT: f32 = 7.5;
const FOOTER_SIZE_PT: f32 = 8.5;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.4;
const PARAGRAPH_GAP_PT: f32 = 6.0;
const CELL_PAD_PT: f32 = 4.0;
const ROW_PAD_PT: f32 = 2.0;
const KEY_GAP_PT: f32 = 12.0;
const RULE_PT: f32 = 0.6;

/// A positioned drawing operation.
pub(crate) enum Op {
    /// Shaped text, its runs one after another from `x` on the baseline.
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        runs: Vec<Run>,
    },
    /// A horizontal rule whose top edge is at `y`.
    Rule {
        x: f32,
        y: f32,
        width: f32,
        thickness: f32,
    },
}

/// Where a line of text sits in its box.
#[derive(Clone, Copy)]
enum Place {
    Left,
    Right,
    Center,
}

impl From<Align> for Place {
    fn from(align: Align) -> Place {
        match align {
            Align::Left => Place::Left,
            Align::Right => Place::Right,
        }
    }
}

/// Lays a document out into pages of operations, page numbers included.
pub(crate) fn layout(doc: &Document, shaper: &Shaper<'_>) -> Result<Vec<Vec<Op>>, PrintError> {
    let mut layout = Layout {
        shaper,
        pages: vec![Vec::new()],
        y: MARGIN_TOP_PT,
    };
    for block in &doc.blocks {
        match block {
            Block::Heading(text) => layout.heading(text)?,
            Block::Paragraph(text) => layout.paragraph(text)?,
            Block::KeyValues(pairs) => layout.key_values(pairs)?,
            Block::Table(table) => layout.table(table)?,
            Block::Spacer(mm) => layout.spacer(mm * MM),
            Block::Address { sender, recipient } => layout.address(sender.as_deref(), recipient)?,
        }
    }
    let count = layout.pages.len();
    for n in 1..=count {
        let footer = format!("{n} / {count}");
        let runs = shaper.shape(&footer, Weight::Regular)?;
        let op = layout.place_runs(
            runs,
            MARGIN_LEFT_PT,
            CONTENT_WIDTH_PT,
            Place::Center,
            FOOTER_SIZE_PT,
        );
        if let Op::Text { x, size, runs, .. } = op {
            layout.pages[n - 1].push(Op::Text {
                x,
                baseline: FOOTER_BASELINE_PT,
                size,
                runs,
            });
        }
    }
    Ok(layout.pages)
}

/// The layout in progress: the pages so far and the cursor on the last one.
struct Layout<'a, 'f> {
    shaper: &'a Shaper<'f>,
    pages: Vec<Vec<Op>>,
    /// The top of the next line, in points from the top of the page.
    y: f32,
}

impl Layout<'_, '_> {
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_TOP_PT;
    }

    fn at_top(&self) -> bool {
        self.y <= MARGIN_TOP_PT + 0.01
    }

    /// Starts a new page unless `height` still fits on this one (or this
    /// page is empty: what is taller than a page is printed anyway).
    fn ensure(&mut self, height: f32) {
        if self.y + height > CONTENT_BOTTOM_PT && !self.at_top() {
            self.new_page();
        }
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    /// Text runs placed in a box `width` wide at `x`, on a line at the cursor.
    fn place_runs(&self, runs: Vec<Run>, x: f32, width: f32, place: Place, size: f32) -> Op {
        let text_width = runs.iter().map(|r| r.width_em).sum::<f32>() * size;
        let x = match place {
            Place::Left => x,
            Place::Right => x + width - text_width,
            Place::Center => x + (width - text_width) / 2.0,
        };
        Op::Text {
            x,
            baseline: self.y + size,
            size,
            runs,
        }
    }

    /// Draws one line of text at the cursor (without moving it).
    fn text(
        &mut self,
        text: &str,
        weight: Weight,
        size: f32,
        x: f32,
        width: f32,
        place: Place,
    ) -> Result<(), PrintError> {
        if text.is_empty() {
            return Ok(());
        }
        let runs = self.shaper.shape(text, weight)?;
        let op = self.place_runs(runs, x, width, place, size);
        self.push(op);
        Ok(())
    }

    /// Each `\n`-separated line of `text`, wrapped to `width`.
    fn wrap(
        &self,
        text: &str,
        weight: Weight,
        size: f32,
        width: f32,
    ) -> Result<Vec<String>, PrintError> {
        let mut lines = Vec::new();
        for line in text.split('\n') {
            lines.extend(self.shaper.wrap(line, weight, size, width)?);
        }
        Ok(lines)
    }

    fn heading(&mut self, text: &str) -> Result<(), PrintError> {
        if !self.at_top() {
            self.y += PARAGRAPH_GAP_PT;
        }
        let line_h = HEADING_SIZE_PT * LEADING;
        let lines = self.wrap(text, Weight::Bold, HEADING_SIZE_PT, CONTENT_WIDTH_PT)?;
        // Keep the heading with the first line of what follows.
        self.ensure(lines.len() as f32 * line_h + BODY_SIZE_PT * LEADING);
        for line in &lines {
            self.text(
                line,
                Weight::Bold,
                HEADING_SIZE_PT,
                MARGIN_LEFT_PT,
                CONTENT_WIDTH_PT,
                Place::Left,
            )?;
            self.y += line_h;
        }
        self.y += PARAGRAPH_GAP_PT / 2.0;
        Ok(())
    }

    fn paragraph(&mut self, text: &str) -> Result<(), PrintError> {
        let line_h = BODY_SIZE_PT * LEADING;
        for line in self.wrap(text, Weight::Regular, BODY_SIZE_PT, CONTENT_WIDTH_PT)? {
            self.ensure(line_h);
            self.text(
                &line,
                Weight::Regular,
                BODY_SIZE_PT,
                MARGIN_LEFT_PT,
                CONTENT_WIDTH_PT,
                Place::Left,
            )?;
            self.y += line_h;
        }
        self.y += PARAGRAPH_GAP_PT;
        Ok(())
    }

    fn key_values(&mut self, pairs: &[(String, String)]) -> Result<(), PrintError> {
        let size = BODY_SIZE_PT;
        let line_h = size * LEADING;
        let mut label_w: f32 = 0.0;
        for (label, _) in pairs {
            for line in label.split('\n') {
                label_w = label_w.max(self.shaper.width(line, Weight::Regular, size)?);
            }
        }
        let label_w = label_w.min(CONTENT_WIDTH_PT * 0.45);
        let value_x = MARGIN_LEFT_PT + label_w + KEY_GAP_PT;
        let value_w = CONTENT_WIDTH_PT - label_w - KEY_GAP_PT;
        for (label, value) in pairs {
            let labels = self.wrap(label, Weight::Regular, size, label_w)?;
            let values = self.wrap(value, Weight::Bold, size, value_w)?;
            self.ensure(labels.len().max(values.len()) as f32 * line_h);
            let top = self.y;
            for line in &labels {
                self.text(
                    line,
                    Weight::Regular,
                    size,
                    MARGIN_LEFT_PT,
                    label_w,
                    Place::Left,
                )?;
                self.y += line_h;
            }
            let after_labels = self.y;
            self.y = top;
            for line in &values {
                self.text(line, Weight::Bold, size, value_x, value_w, Place::Left)?;
                self.y += line_h;
            }
            self.y = self.y.max(after_labels);
        }
        self.y += PARAGRAPH_GAP_PT;
        Ok(())
    }

    fn spacer(&mut self, height: f32) {
        self.y += height;
        if self.y > CONTENT_BOTTOM_PT {
            self.new_page();
        }
    }

    fn address(&mut self, sender: Option<&str>, recipient: &[String]) -> Result<(), PrintError> {
        let first_page = self.pages.len() == 1;
        if first_page {
            self.y = self.y.max(ADDRESS_TOP_PT);
        }
        let width = 85.0 * MM;
        if let Some(sender) = sender {
            for line in self.wrap(sender, Weight::Regular, SMALL_SIZE_PT, width)? {
                self.text(
                    &line,
                    Weight::Regular,
                    SMALL_SIZE_PT,
                    MARGIN_LEFT_PT,
                    width,
                    Place::Left,
                )?;
                self.y += SMALL_SIZE_PT * LEADING;
            }
            self.y += 2.0;
        }
        for line in recipient {
            for line in self.wrap(line, Weight::Regular, BODY_SIZE_PT, width)? {
                self.ensure(BODY_SIZE_PT * LEADING);
                self.text(
                    &line,
                    Weight::Regular,
                    BODY_SIZE_PT,
                    MARGIN_LEFT_PT,
                    width,
                    Place::Left,
                )?;
                self.y += BODY_SIZE_PT * LEADING;
            }
        }
        if first_page {
            self.y = self.y.max(ADDRESS_BOTTOM_PT);
        }
        self.y += PARAGRAPH_GAP_PT;
        Ok(())
    }

    fn table(&mut self, table: &Table) -> Result<(), PrintError> {
        if table.columns.is_empty() {
            return Ok(());
        }
        let widths = self.column_widths(table)?;
        let header: Vec<String> = table.columns.iter().map(|c| c.header.clone()).collect();
        let header = self.wrap_row(&header, &widths, Weight::Bold)?;
        let rows = table
            .rows
            .iter()
            .map(|row| self.wrap_row(row, &widths, Weight::Regular))
            .collect::<Result<Vec<_>, _>>()?;
        let first_h = rows.first().map_or(0.0, |r| row_height(r));
        self.ensure(row_height(&header) + RULE_PT + first_h);
        self.table_header(&table.columns, &widths, &header)?;
        for row in &rows {
            if self.y + row_height(row) > CONTENT_BOTTOM_PT && !self.at_top() {
                self.new_page();
                self.table_header(&table.columns, &widths, &header)?;
            }
            self.table_row(&table.columns, &widths, row, Weight::Regular)?;
        }
        self.push(Op::Rule {
            x: MARGIN_LEFT_PT,
            y: self.y,
            width: widths.iter().sum(),
            thickness: RULE_PT,
        });
        self.y += RULE_PT + PARAGRAPH_GAP_PT;
        Ok(())
    }

    fn table_header(
        &mut self,
        columns: &[Column],
        widths: &[f32],
        header: &[Vec<String>],
    ) -> Result<(), PrintError> {
        self.table_row(columns, widths, header, Weight::Bold)?;
        self.push(Op::Rule {
            x: MARGIN_LEFT_PT,
            y: self.y,
            width: widths.iter().sum(),
            thickness: RULE_PT,
        });
        self.y += RULE_PT;
        Ok(())
    }

    fn table_row(
        &mut self,
        columns: &[Column],
        widths: &[f32],
        cells: &[Vec<String>],
        weight: Weight,
    ) -> Result<(), PrintError> {
        let top = self.y;
        let mut x = MARGIN_LEFT_PT;
        for ((column, width), lines) in columns.iter().zip(widths).zip(cells) {
            self.y = top + ROW_PAD_PT;
            for line in lines {
                let inner = width - 2.0 * CELL_PAD_PT;
                self.text(
                    line,
                    weight,
                    TABLE_SIZE_PT,
                    x + CELL_PAD_PT,
                    inner,
                    column.align.into(),
                )?;
                self.y += TABLE_SIZE_PT * LEADING;
            }
            x += width;
        }
        self.y = top + row_height(cells);
        Ok(())
    }

    /// A row's cells, each wrapped into its column (missing cells empty).
    fn wrap_row(
        &self,
        row: &[String],
        widths: &[f32],
        weight: Weight,
    ) -> Result<Vec<Vec<String>>, PrintError> {
        widths
            .iter()
            .enumerate()
            .map(|(i, width)| {
                let cell = row.get(i).map_or("", String::as_str);
                self.wrap(cell, weight, TABLE_SIZE_PT, width - 2.0 * CELL_PAD_PT)
            })
            .collect()
    }

    /// Columns as wide as their widest cell; when that is too wide for the
    /// page, the narrow ones keep their width and the wide ones share the
    /// rest. A table narrower than the page widens its text columns.
    fn column_widths(&self, table: &Table) -> Result<Vec<f32>, PrintError> {
        let mut natural = Vec::with_capacity(table.columns.len());
        for (i, column) in table.columns.iter().enumerate() {
            let mut widest = widest_line(self.shaper, &column.header, Weight::Bold)?;
            for row in &table.rows {
                if let Some(cell) = row.get(i) {
                    widest = widest.max(widest_line(self.shaper, cell, Weight::Regular)?);
                }
            }
            natural.push(widest + 2.0 * CELL_PAD_PT);
        }
        Ok(fit_columns(&natural, &table.columns, CONTENT_WIDTH_PT))
    }
}

/// The width of a cell's widest line at table size.
fn widest_line(shaper: &Shaper<'_>, text: &str, weight: Weight) -> Result<f32, PrintError> {
    let mut widest: f32 = 0.0;
    for line in text.split('\n') {
        widest = widest.max(shaper.width(line, weight, TABLE_SIZE_PT)?);
    }
    Ok(widest)
}

/// Fits natural column widths into `available` points (see `column_widths`).
fn fit_columns(natural: &[f32], columns: &[Column], available: f32) -> Vec<f32> {
    let total: f32 = natural.iter().sum();
    if total <= available {
        let text_total: f32 = natural
            .iter()
            .zip(columns)
            .filter(|(_, c)| c.align == Align::Left)
            .map(|(w, _)| w)
            .sum();
        let extra = available - total;
        return natural
            .iter()
            .zip(columns)
            .map(|(w, c)| match c.align {
                Align::Left if text_total > 0.0 => w + extra * w / text_total,
                _ => *w,
            })
            .collect();
    }
    let mut widths = vec![0.0; natural.len()];
    let mut fixed = vec![false; natural.len()];
    let mut remaining = available;
    loop {
        let free: Vec<usize> = (0..natural.len()).filter(|&i| !fixed[i]).collect();
        if free.is_empty() {
            return widths;
        }
        let share = remaining / free.len() as f32;
        let narrow: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&i| natural[i] <= share)
            .collect();
        if narrow.is_empty() {
            for i in free {
                widths[i] = share;
            }
            return widths;
        }
        for i in narrow {
            widths[i] = natural[i];
            fixed[i] = true;
            remaining -= natural[i];
        }
    }
}

/// A table row's height: its tallest cell plus padding.
fn row_height(cells: &[Vec<String>]) -> f32 {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    lines as f32 * TABLE_SIZE_PT * LEADING + 2.0 * ROW_PAD_PT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_columns_keep_their_width_and_wide_ones_share_the_rest() {
        let columns = vec![Column::left("a"), Column::left("b"), Column::right("c")];
        let widths = fit_columns(&[50.0, 400.0, 300.0], &columns, 450.0);
        assert_eq!(widths, vec![50.0, 200.0, 200.0]);
    }

    #[test]
    fn a_narrow_table_widens_its_text_columns_only() {
        let columns = vec![Column::left("date"), Column::right("amount")];
        let widths = fit_columns(&[60.0, 80.0], &columns, 400.0);
        assert_eq!(widths, vec![320.0, 80.0]);
    }
}
