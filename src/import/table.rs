//! A spreadsheet as rows of text cells: `.csv` in whatever encoding Excel saved it ([`csv`]),
//! or `.xlsx` read directly ([`workbook`]) — each held to the [`limits`] of what an import
//! reads.
//!
//! [`csv`]: super::csv
//! [`workbook`]: super::workbook
//! [`limits`]: super::limits

use std::path::Path;

use super::limits::{Limits, Refusal};
use super::{csv, workbook};

/// The rows of a sheet. `rows[i].0` is the row number as Excel shows it (1-based).
#[derive(Debug, Default)]
pub struct Table {
    pub rows: Vec<(usize, Row)>,
    /// How the file was read, for the report: 「Shift_JIS (CP932)」, 「xlsx シート「名簿」」.
    pub source: String,
    /// Rows in the file, including those a filter left out.
    pub read: usize,
}

/// Reads `.csv`, `.tsv`, `.txt` or `.xlsx`. Errors are messages for staff.
pub fn read(path: &Path, limits: &Limits) -> Result<Table, String> {
    read_where(path, limits, &mut |_| true)
}

/// Reads the rows `keep` accepts, and only those are held: a national file is read for one
/// city without holding the country. `keep` sees every row, the first one first.
pub fn read_where(
    path: &Path,
    limits: &Limits,
    keep: &mut dyn FnMut(&Row) -> bool,
) -> Result<Table, String> {
    let file = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let workbook = matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods");
    if !workbook && !matches!(ext.as_str(), "csv" | "tsv" | "txt") {
        return Err(format!(
            "{file} は読めない形式です。Excel の .xlsx か、「CSV (コンマ区切り)」「CSV UTF-8」で保存した .csv を指定してください"
        ));
    }
    // The size on disk, before anything is read; a CSV is measured again as it is read, for a
    // file that grows or a device that says it is empty.
    let cant_read = |e: std::io::Error| format!("{file} を読めません: {e}");
    let size = std::fs::metadata(path).map_err(cant_read)?.len();
    if size > limits.file_bytes {
        return Err(Refusal::FileBytes { size }.message(&file, limits));
    }
    if workbook {
        let (rows, source) = workbook::read(path, &file, limits)?;
        let read = rows.len();
        return Ok(Table {
            rows: rows.into_iter().filter(|(_, row)| keep(row)).collect(),
            source,
            read,
        });
    }
    let input = std::fs::File::open(path).map_err(cant_read)?;
    let rows = csv::read(input, &file, limits, keep)?;
    Ok(Table {
        rows: rows.rows,
        source: rows.source,
        read: rows.read,
    })
}

/// One row's cells, as one string and where each cell ends. A cell of its own would cost 24
/// bytes and an allocation even when empty: a 38 MB sheet of short cells was 360 MB as
/// `Vec<String>` rows, and is about twice its size this way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    text: String,
    /// Byte offsets in `text`; a row is at most `columns × cell_chars` characters, well
    /// within `u32`.
    ends: Vec<u32>,
}

impl Row {
    /// The cell at `i`, if the row has one.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(before) => *self.ends.get(before)? as usize,
            None => 0,
        };
        self.text.get(start..end)
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn cells(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    pub fn to_strings(&self) -> Vec<String> {
        self.cells().map(str::to_string).collect()
    }

    /// Text for the cell being written (the one after the last ended).
    pub fn push(&mut self, c: char) {
        self.text.push(c);
    }

    pub fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Whether the cell being written is still empty.
    pub fn open_cell_is_empty(&self) -> bool {
        self.text.len() == self.ends.last().map_or(0, |e| *e as usize)
    }

    /// Ends the cell being written.
    pub fn end_cell(&mut self) {
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// The row with no spare capacity, leaving this one empty to be written again.
    pub fn take_exact(&mut self) -> Row {
        let row = Row {
            text: self.text.as_str().to_owned(),
            ends: self.ends.as_slice().to_vec(),
        };
        self.clear();
        row
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }
}

impl FromIterator<String> for Row {
    fn from_iter<I: IntoIterator<Item = String>>(cells: I) -> Self {
        let mut row = Row::default();
        for cell in cells {
            row.push_str(&cell);
            row.end_cell();
        }
        row.take_exact()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::limits::SHEET;

    fn read_csv_bytes(bytes: &[u8]) -> Result<csv::Rows, String> {
        csv::read(std::io::Cursor::new(bytes), "x.csv", &SHEET, &mut |_| true)
    }

    #[test]
    fn encodings_are_detected_and_named() {
        let utf8 = read_csv_bytes("名称,電話\nさくら,099\n".as_bytes()).unwrap();
        assert_eq!(utf8.rows[1].1.to_strings(), ["さくら", "099"]);
        assert!(utf8.source.starts_with("UTF-8、"));
        let bom = read_csv_bytes(b"\xEF\xBB\xBF\xE5\x90\x8D,x\n").unwrap();
        assert_eq!(bom.rows[0].1.get(0), Some("名"));
        assert!(bom.source.contains("BOM"));
        // 「髙橋」 in CP932 (髙 is an IBM extension, not in strict Shift_JIS).
        let (cp932, _, _) = encoding_rs::SHIFT_JIS.encode("髙橋医院,①\n");
        let t = read_csv_bytes(&cp932).unwrap();
        assert_eq!(t.rows[0].1.to_strings(), ["髙橋医院", "①"]);
        assert!(t.source.contains("CP932"));
        // UTF-16LE, tab-separated, as Excel's 「Unicode テキスト」 writes it.
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "名称\t電話\r\nあ\t1\r\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let t = read_csv_bytes(&utf16).unwrap();
        assert_eq!(t.rows[1].1.to_strings(), ["あ", "1"]);
        assert!(t.source.contains("タブ"));
    }

    #[test]
    fn quoted_cells_keep_commas_and_line_breaks_and_rows_count_as_excel_does() {
        let t = read_csv_bytes("名称,住所\n\"A, B\",\"1行目\n2行目\"\nC,D\n\nE,F\n".as_bytes())
            .unwrap();
        assert_eq!(t.rows[1].0, 2);
        assert_eq!(t.rows[1].1.to_strings(), ["A, B", "1行目\n2行目"]);
        assert_eq!(t.rows[2].0, 3, "an in-cell line break is still one row");
        assert_eq!(t.rows[3].0, 4, "a blank row still counts");
        assert_eq!(t.rows[3].1.to_strings(), [""]);
        assert_eq!(t.rows[4].0, 5);
    }

    #[test]
    fn bytes_that_fit_no_encoding_are_refused() {
        assert!(read_csv_bytes(&[0x82, 0xFF, 0xFF, 0x0A]).is_err());
    }
}
