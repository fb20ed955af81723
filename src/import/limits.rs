//! How much of a file `renkei import` reads before it refuses it.
//!
//! Import holds every row of a sheet in memory while it plans, so an unbounded file is an
//! unbounded process: a 220 MB CSV of garbage rows took 8 GB, and a 1 MB `.xlsx` whose cell
//! holds 1 GB was killed at 9 GB. Each limit is far above any list a 地域医療連携室 keeps, so
//! a real sheet never meets one; a file that does is refused before its rows are planned, with
//! the row and column to look at and what to do, and nothing is written.

/// What one read is held to: an office's own list, or a national open-data file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of the file on disk, checked before it is opened.
    pub file_bytes: u64,
    /// Bytes of the XML parts of an `.xlsx` / `.ods` once inflated, checked before the
    /// spreadsheet reader inflates them.
    pub xml_bytes: u64,
    /// Rows kept, blank and header rows included (a row as Excel numbers it).
    pub rows: usize,
    /// Cells in one row.
    pub columns: usize,
    /// Characters in one cell.
    pub cell_chars: usize,
    /// Cells of all kept rows together.
    pub cells: usize,
    /// What staff can do with a file too big to read at once.
    pub advice: &'static str,
}

/// A CSV or Excel list on disk. Excel's own CSV of the largest list an office keeps (a few
/// thousand clinics, twenty columns) is under 2 MB; 50 MB is 25 times that and still small
/// enough to hold while every row is planned.
pub const MAX_SHEET_BYTES: u64 = 50 * MB;

/// A national open-data file on disk. 医療情報ネット publishes each kind of facility for the
/// whole country in one file (the 診療所's 診療時間票 is the largest, a few hundred thousand
/// rows); the rows outside `--city` are dropped as they are read, so only time grows with the
/// file, and 1 GB leaves room for several times today's largest.
pub const MAX_OPEN_DATA_BYTES: u64 = 1024 * MB;

/// The XML inside an `.xlsx` or `.ods`, inflated. A zip holding text compresses it about 10
/// times, so a 50 MB workbook is about this much XML; a zip bomb (1 MB on disk, 1 GB
/// inflated) is refused from the zip's directory before anything is inflated.
pub const MAX_XML_BYTES: u64 = 100 * MB;

/// Rows of a sheet. A prefecture's every clinic, hospital and pharmacy is under 10,000.
pub const MAX_ROWS: usize = 100_000;

/// Columns of a row. The widest sheet import knows (医療情報ネット's 施設票) has 62.
pub const MAX_COLUMNS: usize = 500;

/// Characters of one cell. No name, address or note is longer than a few hundred; a longer
/// cell is a paste gone wrong or a quote (") never closed, which swallows the rest of the file.
pub const MAX_CELL_CHARS: usize = 10_000;

/// Cells of a sheet, rows times columns as stored (an empty cell costs memory too). A sheet
/// at the row limit may have 100 columns, or a wide one fewer rows.
pub const MAX_CELLS: usize = 10_000_000;

const MB: u64 = 1024 * 1024;

/// An office's own list.
pub const SHEET: Limits = Limits {
    file_bytes: MAX_SHEET_BYTES,
    xml_bytes: MAX_XML_BYTES,
    rows: MAX_ROWS,
    columns: MAX_COLUMNS,
    cell_chars: MAX_CELL_CHARS,
    cells: MAX_CELLS,
    advice: "行を分けて 2 つ以上のファイルに保存し、1 つずつ取り込んでください",
};

/// A national open-data file: bigger on disk, the same limits for the rows kept.
pub const OPEN_DATA: Limits = Limits {
    file_bytes: MAX_OPEN_DATA_BYTES,
    advice: "公開されているファイルをそのまま指定しているか、--city で市区町村を指定しているかを確かめてください",
    ..SHEET
};

/// Why a file is refused, in the words staff read. `file` is the path as given.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    FileBytes { size: u64 },
    XmlBytes { size: u64 },
    Rows { row: usize },
    Columns { row: usize },
    CellChars { row: usize, column: usize },
    Cells { row: usize },
}

impl Refusal {
    pub fn message(&self, file: &str, limits: &Limits) -> String {
        let advice = limits.advice;
        match *self {
            Refusal::FileBytes { size } => format!(
                "{file}: ファイルが大きすぎます({} MB。上限は {} MB)。{advice}",
                mb(size),
                mb(limits.file_bytes)
            ),
            Refusal::XmlBytes { size } => format!(
                "{file}: Excel ファイルの中身が大きすぎます(展開すると {} MB 以上。上限は {} MB)。中身が壊れているか、表が大きすぎます。Excel で開けるなら、{advice}",
                mb(size),
                mb(limits.xml_bytes)
            ),
            Refusal::Rows { row } => format!(
                "{file}: {row} 行目: 行が多すぎます(上限は {} 行)。{advice}",
                grouped(limits.rows)
            ),
            Refusal::Columns { row } => format!(
                "{file}: {row} 行目: 列が多すぎます({} 列目があります。上限は {} 列)。使わない列を削除して保存し直してください",
                grouped(limits.columns + 1),
                grouped(limits.columns)
            ),
            Refusal::CellChars { row, column } => format!(
                "{file}: {row} 行目 {} 列: セルの文字が多すぎます(上限は {} 文字)。名称・住所・備考にこれほど長いものはないため、貼り付けの誤りか、引用符(\")の閉じ忘れです。このセルを直して保存し直してください",
                column_letters(column),
                grouped(limits.cell_chars)
            ),
            Refusal::Cells { row } => format!(
                "{file}: {row} 行目: セルが多すぎます(行 × 列が上限の {} 個を超えました)。使わない列を削除するか、{advice}",
                grouped(limits.cells)
            ),
        }
    }
}

/// A column as Excel heads it: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// 100000 → 「100,000」.
fn grouped(n: usize) -> String {
    crate::japanese::thousands(n as u64)
}

/// Whole megabytes, rounded up so that a file just over a limit is not shown as at it.
fn mb(bytes: u64) -> String {
    grouped(bytes.div_ceil(MB) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_excel_heads_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(499), "SF");
        assert_eq!(column_letters(16_383), "XFD");
    }

    #[test]
    fn messages_name_the_file_the_place_and_the_limit() {
        let m = Refusal::CellChars { row: 12, column: 3 }.message("一覧.csv", &SHEET);
        assert!(
            m.starts_with("一覧.csv: 12 行目 D 列: セルの文字が多すぎます(上限は 10,000 文字)"),
            "{m}"
        );
        let m = Refusal::FileBytes { size: 50 * MB + 1 }.message("一覧.csv", &SHEET);
        assert!(m.contains("51 MB。上限は 50 MB"), "{m}");
        assert!(m.contains("分けて"), "{m}");
        let m = Refusal::Rows { row: 100_001 }.message("x.csv", &OPEN_DATA);
        assert!(m.contains("100001 行目") && m.contains("--city"), "{m}");
    }
}
