//! A spreadsheet as rows of text cells: `.csv` in whatever encoding Excel saved it, or `.xlsx`
//! read directly.
//!
//! Excel's 「CSV (コンマ区切り)」 writes CP932, 「CSV UTF-8」 writes UTF-8 with a BOM, and
//! 「Unicode テキスト」 writes tab-separated UTF-16. The encoding is detected from the bytes and
//! always reported: a wrong guess would turn every name into mojibake, so when the bytes fit
//! none of these the import stops instead of guessing. `.xlsx` is read cell by cell, so text
//! cells keep their leading zeros (電話 「0992…」, 事業所番号) and dates arrive as dates.

use std::path::Path;

use calamine::{Data, Reader};

/// The rows of a sheet. `rows[i].0` is the row number as Excel shows it (1-based).
#[derive(Debug, Default)]
pub struct Table {
    pub rows: Vec<(usize, Vec<String>)>,
    /// How the file was read, for the report: 「Shift_JIS (CP932)」, 「xlsx シート「名簿」」.
    pub source: String,
}

/// Reads `.csv`, `.tsv`, `.txt` or `.xlsx`. Errors are messages for staff.
pub fn read(path: &Path) -> Result<Table, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path),
        "csv" | "tsv" | "txt" => {
            let bytes = std::fs::read(path)
                .map_err(|e| format!("{} を読めません: {e}", path.display()))?;
            read_csv_bytes(&bytes)
        }
        _ => Err(format!(
            "{} は読めない形式です。Excel の .xlsx か、「CSV (コンマ区切り)」「CSV UTF-8」で保存した .csv を指定してください",
            path.display()
        )),
    }
}

/// Decodes CSV bytes (encoding detected and named) and splits them into rows.
pub fn read_csv_bytes(bytes: &[u8]) -> Result<Table, String> {
    let (text, encoding) = decode(bytes)?;
    // 「Unicode テキスト」 is tab-separated; so is a .tsv. Decide by the first line.
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    };
    let rows = split_rows(&text, delimiter as char)?;
    Ok(Table {
        rows,
        source: format!(
            "{encoding}、{}区切り",
            if delimiter == b'\t' {
                "タブ"
            } else {
                "コンマ"
            }
        ),
    })
}

/// RFC 4180 records, numbered as Excel numbers rows: a blank line is a row, and a line break
/// inside a quoted cell (Alt+Enter in Excel) is not.
fn split_rows(text: &str, delimiter: char) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut row_no = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                '\r' if chars.peek() == Some(&'\n') => {}
                c => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() => quoted = true,
            c if c == delimiter => row.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut cell));
                rows.push((row_no, std::mem::take(&mut row)));
                row_no += 1;
            }
            c => cell.push(c),
        }
    }
    if quoted {
        return Err(format!(
            "{row_no} 行目から始まるセルの引用符(\")が閉じていません"
        ));
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push((row_no, row));
    }
    Ok(rows)
}

/// The text of a CSV file and the name of its encoding.
fn decode(bytes: &[u8]) -> Result<(String, &'static str), String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(|t| (t.to_string(), "UTF-8 (BOM 付き)"))
            .map_err(|_| "UTF-8 の印(BOM)がありますが、途中に UTF-8 でない文字があります".into());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, bad) = encoding_rs::UTF_16LE.decode(bytes);
        let (text, bad) = if bytes.starts_with(&[0xFE, 0xFF]) {
            let (t, _, b) = encoding_rs::UTF_16BE.decode(bytes);
            (t, b)
        } else {
            (text, bad)
        };
        if bad {
            return Err("UTF-16 として読めない部分があります".into());
        }
        return Ok((text.into_owned(), "UTF-16 (Unicode テキスト)"));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "UTF-8"));
    }
    // encoding_rs's Shift_JIS is the WHATWG one, i.e. Windows-31J (CP932): ①, ㈱ and the IBM
    // extensions (髙, 﨑) that Excel writes decode correctly.
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
    if bad {
        return Err(
            "文字コードを判別できません(UTF-8 でも Shift_JIS (CP932) でもありません)。Excel で「CSV UTF-8」として保存し直してください"
                .into(),
        );
    }
    Ok((text.into_owned(), "Shift_JIS (CP932)"))
}

fn read_workbook(path: &Path) -> Result<Table, String> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| {
        format!(
            "{} を Excel のファイルとして開けません: {e}",
            path.display()
        )
    })?;
    let names = book.sheet_names();
    let Some(name) = names.first().cloned() else {
        return Err("シートがありません".into());
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| format!("シート「{name}」を読めません: {e}"))?;
    // Excel numbers rows from the sheet's top, not from the first used cell.
    let top = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, row)| (top + i + 1, row.iter().map(cell_text).collect()))
        .collect();
    Ok(Table {
        rows,
        source: format!("Excel ブック、シート「{name}」"),
    })
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

    #[test]
    fn encodings_are_detected_and_named() {
        let utf8 = read_csv_bytes("名称,電話\nさくら,099\n".as_bytes()).unwrap();
        assert_eq!(utf8.rows[1].1, ["さくら", "099"]);
        assert!(utf8.source.starts_with("UTF-8、"));
        let bom = read_csv_bytes(b"\xEF\xBB\xBF\xE5\x90\x8D,x\n").unwrap();
        assert_eq!(bom.rows[0].1[0], "名");
        assert!(bom.source.contains("BOM"));
        // 「髙橋」 in CP932 (髙 is an IBM extension, not in strict Shift_JIS).
        let (cp932, _, _) = encoding_rs::SHIFT_JIS.encode("髙橋医院,①\n");
        let t = read_csv_bytes(&cp932).unwrap();
        assert_eq!(t.rows[0].1, ["髙橋医院", "①"]);
        assert!(t.source.contains("CP932"));
        // UTF-16LE, tab-separated, as Excel's 「Unicode テキスト」 writes it.
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "名称\t電話\r\nあ\t1\r\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let t = read_csv_bytes(&utf16).unwrap();
        assert_eq!(t.rows[1].1, ["あ", "1"]);
        assert!(t.source.contains("タブ"));
    }

    #[test]
    fn quoted_cells_keep_commas_and_line_breaks_and_rows_count_as_excel_does() {
        let t = read_csv_bytes("名称,住所\n\"A, B\",\"1行目\n2行目\"\nC,D\n\nE,F\n".as_bytes())
            .unwrap();
        assert_eq!(
            t.rows[1],
            (2, vec!["A, B".to_string(), "1行目\n2行目".into()])
        );
        assert_eq!(t.rows[2].0, 3, "an in-cell line break is still one row");
        assert_eq!(
            t.rows[3],
            (4, vec![String::new()]),
            "a blank row still counts"
        );
        assert_eq!(t.rows[4].0, 5);
    }

    #[test]
    fn bytes_that_fit_no_encoding_are_refused() {
        assert!(read_csv_bytes(&[0x82, 0xFF, 0xFF, 0x0A]).is_err());
    }
}
