//! Excel workbooks as rows of text cells, read directly: text cells keep their leading zeros
//! (電話 「0992…」, 事業所番号) and dates arrive as dates.
//!
//! An `.xlsx` (or `.ods`) is a zip of XML, and 1 MB of zip can inflate to 1 GB, so its XML is
//! measured before the spreadsheet reader inflates it into memory. An `.xlsx` sheet is then
//! read cell by cell and each cell placed by its position: the spreadsheet reader's own table
//! is a rectangle from the first used cell to the last, so one cell in XFD1048576 would be 17
//! billion empty ones.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use calamine::{Data, DataRef, Reader, Xlsx};

use super::limits::{Limits, Refusal};
use super::table::Row;

type Rows = Vec<(usize, Row)>;

/// The first sheet's rows, and how the file was read.
pub fn read(path: &Path, file: &str, limits: &Limits) -> Result<(Rows, String), String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ext != "xls" {
        check_xml(path, file, limits)?;
    }
    let cant_open = |e: &dyn std::fmt::Display| {
        format!(
            "{} を Excel のファイルとして開けません: {e}",
            path.display()
        )
    };
    let (name, rows) = if ext == "xlsx" || ext == "xlsm" {
        let mut book: Xlsx<_> = calamine::open_workbook(path).map_err(|e| cant_open(&e))?;
        let name = first_sheet(book.sheet_names())?;
        let cells = xlsx_cells(&mut book, &name, file, limits)?;
        (name, place(cells, file, limits)?)
    } else {
        let mut book = calamine::open_workbook_auto(path).map_err(|e| cant_open(&e))?;
        let name = first_sheet(book.sheet_names())?;
        let range = book
            .worksheet_range(&name)
            .map_err(|e| format!("シート「{name}」を読めません: {e}"))?;
        (name.clone(), range_rows(&range, file, limits)?)
    };
    Ok((rows, format!("Excel ブック、シート「{name}」")))
}

fn first_sheet(names: Vec<String>) -> Result<String, String> {
    names
        .into_iter()
        .next()
        .ok_or_else(|| "シートがありません".to_string())
}

/// A cell's text at its 0-based (row, column).
type Placed = Vec<(u32, u32, String)>;

fn xlsx_cells<R: Read + Seek>(
    book: &mut Xlsx<R>,
    name: &str,
    file: &str,
    limits: &Limits,
) -> Result<Placed, String> {
    let unreadable = |e: calamine::XlsxError| format!("シート「{name}」を読めません: {e}");
    let mut reader = book.worksheet_cells_reader(name).map_err(unreadable)?;
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let value = cell.get_value();
        if *value == DataRef::Empty {
            continue;
        }
        let (row, column) = cell.get_position();
        let long = match value {
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                s.chars().count() > limits.cell_chars
            }
            DataRef::SharedString(s) => s.chars().count() > limits.cell_chars,
            _ => false,
        };
        // Checked before the text is copied: a cell of 100 MB is not copied at all.
        check_cell(
            row as usize,
            column as usize,
            long,
            cells.len(),
            file,
            limits,
        )?;
        cells.push((row, column, cell_text(&Data::from(value.clone()))));
    }
    Ok(cells)
}

/// An `.xls` or `.ods` sheet, which the spreadsheet reader reads whole before these limits can
/// look at it: they decide what staff are told, while the memory already taken is bounded by
/// the file size (and for `.ods` the XML) limit — except what the reader expands by itself, such
/// as an `.ods` cell marked as repeated a million times.
fn range_rows(range: &calamine::Range<Data>, file: &str, limits: &Limits) -> Result<Rows, String> {
    let (top, left) = range.start().unwrap_or((0, 0));
    let (top, left) = (top as usize, left as usize);
    for (row, column, value) in range.used_cells() {
        let long = match value {
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                s.chars().count() > limits.cell_chars
            }
            _ => false,
        };
        check_cell(top + row, left + column, long, 0, file, limits)?;
    }
    let (height, width) = range.get_size();
    if height.saturating_mul(width) > limits.cells {
        return Err(Refusal::Cells { row: top + height }.message(file, limits));
    }
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| (top + i + 1, row.iter().map(cell_text).collect()))
        .collect())
}

/// Refuses a cell at 0-based (`row`, `column`) past a limit; `count` cells are already held.
fn check_cell(
    row: usize,
    column: usize,
    long: bool,
    count: usize,
    file: &str,
    limits: &Limits,
) -> Result<(), String> {
    let refuse = |why: Refusal| Err(why.message(file, limits));
    let row = row + 1;
    if row > limits.rows {
        return refuse(Refusal::Rows { row });
    }
    if column >= limits.columns {
        return refuse(Refusal::Columns { row });
    }
    if long {
        return refuse(Refusal::CellChars { row, column });
    }
    if count >= limits.cells {
        return refuse(Refusal::Cells { row });
    }
    Ok(())
}

/// The cells as rows, numbered as Excel numbers them: a rectangle from the first used row and
/// column to the last (blank rows and cells between are empty strings), as the spreadsheet
/// reader's own table has it — but only once its size is known to be within the limits.
fn place(cells: Placed, file: &str, limits: &Limits) -> Result<Rows, String> {
    let Some((top, bottom, left, right)) = cells.iter().fold(None, |b, &(r, c, _)| match b {
        None => Some((r, r, c, c)),
        Some((t, bo, l, ri)) => Some((t.min(r), bo.max(r), l.min(c), ri.max(c))),
    }) else {
        return Ok(Vec::new());
    };
    let height = (bottom - top) as usize + 1;
    let width = (right - left) as usize + 1;
    if height.saturating_mul(width) > limits.cells {
        return Err(Refusal::Cells {
            row: bottom as usize + 1,
        }
        .message(file, limits));
    }
    let mut cells = cells;
    // Stable, so of two cells at one place the later is still later, and wins as it did.
    cells.sort_by_key(|&(r, c, _)| (r, c));
    let mut cells = cells.into_iter().peekable();
    let mut rows = Vec::with_capacity(height);
    let mut row = Row::default();
    for r in top..=bottom {
        let mut column = left;
        while let Some((_, c, text)) = cells.next_if(|&(cr, _, _)| cr == r) {
            if cells.peek().is_some_and(|&(nr, nc, _)| nr == r && nc == c) {
                continue;
            }
            for _ in column..c {
                row.end_cell();
            }
            row.push_str(&text);
            row.end_cell();
            column = c + 1;
        }
        for _ in column..=right {
            row.end_cell();
        }
        rows.push((r as usize + 1, row.take_exact()));
    }
    Ok(rows)
}

/// Refuses a zip whose XML parts together inflate past the limit. The sizes the zip's
/// directory states come first, so a bomb that says what it is costs nothing; the directory is
/// only the writer's word, so the parts are then inflated into nothing, stopping one byte past
/// the limit. A file that is not a zip, or a part that cannot be inflated, is left for the
/// spreadsheet reader to report as before.
fn check_xml(path: &Path, file: &str, limits: &Limits) -> Result<(), String> {
    let Ok(f) = File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(f)) else {
        return Ok(());
    };
    xml_within(&mut zip, limits.xml_bytes)
        .map_err(|size| Refusal::XmlBytes { size }.message(file, limits))
}

/// `Err(size)` when the XML parts come to more than `limit` bytes.
pub(crate) fn xml_within<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    limit: u64,
) -> Result<(), u64> {
    let is_xml = |name: &str| {
        let name = name.to_ascii_lowercase();
        name.ends_with(".xml") || name.ends_with(".rels")
    };
    let mut stated = 0u64;
    for i in 0..zip.len() {
        if let Ok(part) = zip.by_index_raw(i) {
            if is_xml(part.name()) {
                stated = stated.saturating_add(part.size());
            }
        }
    }
    if stated > limit {
        return Err(stated);
    }
    let mut inflated = 0u64;
    let mut buf = vec![0; 64 * 1024];
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            continue;
        };
        if !is_xml(part.name()) {
            continue;
        }
        loop {
            match part.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => inflated += n as u64,
            }
            if inflated > limit {
                return Err(inflated);
            }
        }
    }
    Ok(())
}

/// A cell as the text staff see in it. Whole numbers lose Excel's `.0`; dates become ISO.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "○" } else { "×" }.to_string(),
        Data::DateTime(d) => {
            // Excel's serial day 1 is 1900-01-01, counted from 1899-12-30 (the 1900 leap bug).
            let days = d.as_f64().floor() as i64;
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| base.checked_add_signed(chrono::Duration::days(days)))
                .map(|date| date.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| d.as_f64().to_string())
        }
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::limits::SHEET;
    use std::io::{Cursor, Write};

    fn zip(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in parts {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// A workbook of one sheet named 名簿 whose `<sheetData>` is `rows`.
    fn xlsx(rows: &str) -> Xlsx<Cursor<Vec<u8>>> {
        let ns = "http://schemas.openxmlformats.org";
        let bytes = zip(&[
            (
                "[Content_Types].xml",
                &format!(
                    r#"<Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#
                ),
            ),
            (
                "_rels/.rels",
                &format!(
                    r#"<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/workbook.xml",
                &format!(
                    r#"<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="名簿" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                &format!(
                    r#"<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/worksheets/sheet1.xml",
                &format!(
                    r#"<worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
                ),
            ),
        ]);
        Xlsx::new(Cursor::new(bytes)).unwrap()
    }

    fn cell(at: &str, text: &str) -> String {
        format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    fn rows_of(rows: &str, limits: &Limits) -> Result<Vec<(usize, Vec<String>)>, String> {
        let mut book = xlsx(rows);
        let cells = xlsx_cells(&mut book, "名簿", "名簿.xlsx", limits)?;
        let rows = place(cells, "名簿.xlsx", limits)?;
        Ok(rows.iter().map(|(n, r)| (*n, r.to_strings())).collect())
    }

    fn small() -> Limits {
        Limits {
            rows: 5,
            columns: 4,
            cell_chars: 10,
            cells: 8,
            ..SHEET
        }
    }

    #[test]
    fn cells_are_placed_as_the_sheet_has_them() {
        let sheet = format!(
            r#"<row r="2">{}{}</row><row r="4">{}{}</row>"#,
            cell("B2", "名称"),
            cell("C2", "よみ"),
            cell("D4", "x"),
            cell("B4", "さくら"),
        );
        assert_eq!(
            rows_of(&sheet, &SHEET).unwrap(),
            [
                (2, vec!["名称".into(), "よみ".into(), String::new()]),
                (3, vec![String::new(); 3]),
                (4, vec!["さくら".into(), String::new(), "x".into()]),
            ],
            "from the first used row and column to the last, blank rows kept"
        );
    }

    #[test]
    fn a_cell_past_the_row_or_column_limit_is_refused_before_the_table_is_made() {
        let far = format!(
            r#"<row r="1">{}{}</row>"#,
            cell("A1", "名称"),
            cell("E1", "x")
        );
        let e = rows_of(&far, &small()).unwrap_err();
        assert!(
            e.starts_with("名簿.xlsx: 1 行目: 列が多すぎます(5 列目があります。上限は 4 列)"),
            "{e}"
        );
        // One cell in the sheet's last corner: 17 billion cells as a rectangle.
        let corner = format!(
            r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
            cell("A1", "名称"),
            cell("XFD1048576", "x")
        );
        let e = rows_of(&corner, &SHEET).unwrap_err();
        assert!(e.contains("1048576 行目: 行が多すぎます"), "{e}");
        let e = rows_of(
            &format!(r#"<row r="6">{}</row>"#, cell("A6", "x")),
            &small(),
        )
        .unwrap_err();
        assert!(
            e.starts_with("名簿.xlsx: 6 行目: 行が多すぎます(上限は 5 行)"),
            "{e}"
        );
    }

    #[test]
    fn a_long_cell_and_too_many_cells_are_refused() {
        let ok = format!(r#"<row r="1">{}</row>"#, cell("A1", "0123456789"));
        assert_eq!(rows_of(&ok, &small()).unwrap()[0].1, ["0123456789"]);
        let long = format!(r#"<row r="3">{}</row>"#, cell("B3", "01234567890"));
        let e = rows_of(&long, &small()).unwrap_err();
        assert!(
            e.starts_with("名簿.xlsx: 3 行目 B 列: セルの文字が多すぎます"),
            "{e}"
        );
        // Two cells, but a rectangle of 3 × 4 between them.
        let apart = format!(
            r#"<row r="1">{}</row><row r="3">{}</row>"#,
            cell("A1", "a"),
            cell("D3", "b")
        );
        let e = rows_of(&apart, &small()).unwrap_err();
        assert!(e.starts_with("名簿.xlsx: 3 行目: セルが多すぎます"), "{e}");
    }

    #[test]
    fn xml_past_the_limit_is_refused_by_its_stated_size_and_by_its_real_one() {
        let text = "<x>".to_string() + &"a".repeat(5000) + "</x>";
        let bytes = zip(&[("xl/a.xml", &text), ("xl/media/big.png", &text)]);
        let within = |bytes: &[u8], limit| {
            let mut z = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
            xml_within(&mut z, limit)
        };
        assert_eq!(within(&bytes, 5007), Ok(()), "only XML parts count");
        assert_eq!(within(&bytes, 5006), Err(5007));
        // The same zip claiming its part is 10 bytes: inflating it tells the truth.
        let mut lying = bytes.clone();
        let central = lying.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        lying[central + 24..central + 28].copy_from_slice(&10u32.to_le_bytes());
        assert_eq!(within(&lying, 5006), Err(5007));
        assert_eq!(within(&lying, 5007), Ok(()));
        // And a zip stating more than the limit is refused on its word, uninflated.
        lying[central + 24..central + 28].copy_from_slice(&999_999u32.to_le_bytes());
        assert_eq!(within(&lying, 5007), Err(999_999));
    }
}
