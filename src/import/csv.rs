//! CSV read as a stream: the bytes are decoded and split into rows a chunk at a time, so a file
//! is never held whole, neither as bytes nor as text. Only the rows kept are held, and a row,
//! a cell or the file that passes a limit stops the read where it is.
//!
//! Excel's 「CSV (コンマ区切り)」 writes CP932, 「CSV UTF-8」 writes UTF-8 with a BOM, and
//! 「Unicode テキスト」 writes tab-separated UTF-16. The encoding is detected from the bytes and
//! always reported: a wrong guess would turn every name into mojibake, so when the bytes fit
//! none of these the import stops instead of guessing.

use std::io::{Read, Seek, SeekFrom};

use encoding_rs::{DecoderResult, Encoding};

use super::limits::{Limits, Refusal};
use super::table::Row;

/// Bytes read from the file at a time.
const CHUNK: usize = 64 * 1024;

/// The delimiter is decided by the first line; a first line longer than this (a file whose
/// line ends are lone CRs) is decided by this much of it.
const FIRST_LINE_BYTES: usize = 64 * 1024;

/// The rows of a CSV file that `keep` accepted.
#[derive(Debug, Default)]
pub struct Rows {
    /// `(row as Excel numbers it, cells)`.
    pub rows: Vec<(usize, Row)>,
    /// 「UTF-8、コンマ区切り」.
    pub source: String,
    /// Every row read, kept or not.
    pub read: usize,
}

/// Reads CSV from `input`, keeping the rows `keep` accepts. `file` names the file in messages.
pub fn read<R: Read + Seek>(
    mut input: R,
    file: &str,
    limits: &Limits,
    keep: &mut dyn FnMut(&Row) -> bool,
) -> Result<Rows, String> {
    let io_error = |e: std::io::Error| format!("{file} を読めません: {e}");
    let (encoding, skip) = detect(&mut input, file, limits)?;
    input.seek(SeekFrom::Start(skip)).map_err(io_error)?;
    let mut decoder = encoding.encoding.new_decoder_without_bom_handling();
    let mut split = Splitter::new(file, limits, keep);
    let mut bytes = vec![0; CHUNK];
    let mut text = String::new();
    let mut total = skip;
    loop {
        let n = input.read(&mut bytes).map_err(io_error)?;
        total += n as u64;
        if total > limits.file_bytes {
            return Err(Refusal::FileBytes { size: total }.message(file, limits));
        }
        let last = n == 0;
        let mut src = &bytes[..n];
        loop {
            text.clear();
            text.reserve(
                decoder
                    .max_utf8_buffer_length_without_replacement(src.len())
                    .unwrap_or(CHUNK * 3),
            );
            let (result, used) = decoder.decode_to_string_without_replacement(src, &mut text, last);
            src = &src[used..];
            split.feed(&text)?;
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) => return Err(encoding.malformed.to_string()),
            }
        }
        if last {
            break;
        }
    }
    let (rows, delimiter) = split.finish()?;
    let separated = if delimiter == '\t' {
        "タブ"
    } else {
        "コンマ"
    };
    Ok(Rows {
        source: format!("{}、{separated}区切り", encoding.name),
        ..rows
    })
}

/// An encoding as detected, with its name for the report and what to say when a later byte
/// does not fit it after all.
struct Detected {
    encoding: &'static Encoding,
    name: &'static str,
    malformed: &'static str,
}

const NOT_DETECTED: &str = "文字コードを判別できません(UTF-8 でも Shift_JIS (CP932) でもありません)。Excel で「CSV UTF-8」として保存し直してください";

/// The encoding of the file and the length of its BOM. Without a BOM, the file is UTF-8 only if
/// every byte of it is, which takes one pass over the file before the one that decodes it.
fn detect<R: Read + Seek>(
    input: &mut R,
    file: &str,
    limits: &Limits,
) -> Result<(Detected, u64), String> {
    let io_error = |e: std::io::Error| format!("{file} を読めません: {e}");
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < head.len() {
        match input.read(&mut head[got..]).map_err(io_error)? {
            0 => break,
            n => got += n,
        }
    }
    let head = &head[..got];
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok((
            Detected {
                encoding: encoding_rs::UTF_8,
                name: "UTF-8 (BOM 付き)",
                malformed: "UTF-8 の印(BOM)がありますが、途中に UTF-8 でない文字があります",
            },
            3,
        ));
    }
    for (bom, encoding) in [
        ([0xFF, 0xFE], encoding_rs::UTF_16LE),
        ([0xFE, 0xFF], encoding_rs::UTF_16BE),
    ] {
        if head.starts_with(&bom) {
            return Ok((
                Detected {
                    encoding,
                    name: "UTF-16 (Unicode テキスト)",
                    malformed: "UTF-16 として読めない部分があります",
                },
                2,
            ));
        }
    }
    input.seek(SeekFrom::Start(0)).map_err(io_error)?;
    let detected = if all_utf8(input, file, limits)? {
        Detected {
            encoding: encoding_rs::UTF_8,
            name: "UTF-8",
            malformed: NOT_DETECTED,
        }
    } else {
        // encoding_rs's Shift_JIS is the WHATWG one, i.e. Windows-31J (CP932): ①, ㈱ and the
        // IBM extensions (髙, 﨑) that Excel writes decode correctly.
        Detected {
            encoding: encoding_rs::SHIFT_JIS,
            name: "Shift_JIS (CP932)",
            malformed: NOT_DETECTED,
        }
    };
    Ok((detected, 0))
}

/// Whether the rest of `input` is UTF-8, read a chunk at a time (a character cut by the end of
/// a chunk is carried into the next).
fn all_utf8<R: Read>(input: &mut R, file: &str, limits: &Limits) -> Result<bool, String> {
    let mut bytes = vec![0; CHUNK];
    let mut carried = 0;
    let mut total = 0u64;
    loop {
        let n = input
            .read(&mut bytes[carried..])
            .map_err(|e| format!("{file} を読めません: {e}"))?;
        total += n as u64;
        if total > limits.file_bytes {
            return Err(Refusal::FileBytes { size: total }.message(file, limits));
        }
        if n == 0 {
            return Ok(carried == 0);
        }
        let len = carried + n;
        match std::str::from_utf8(&bytes[..len]) {
            Ok(_) => carried = 0,
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                bytes.copy_within(valid..len, 0);
                carried = len - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// RFC 4180 records, numbered as Excel numbers rows: a blank line is a row, and a line break
/// inside a quoted cell (Alt+Enter in Excel) is not. Text arrives in pieces, so a `"` inside
/// quotes and a CR wait for the next character to say what they are.
struct Splitter<'a> {
    file: &'a str,
    limits: &'a Limits,
    keep: &'a mut dyn FnMut(&Row) -> bool,
    /// `None` until the first line is known: text is held in `first` until then.
    delimiter: Option<char>,
    first: String,
    quoted: bool,
    /// A `"` inside quotes: the end of the quotes, or the first half of `""`.
    quote_pending: bool,
    /// A CR: a line end on its own, or the first half of CRLF.
    cr_pending: bool,
    /// The row being written; its last cell is open.
    row: Row,
    cell_chars: usize,
    row_no: usize,
    rows: Vec<(usize, Row)>,
    read: usize,
    cells: usize,
}

impl<'a> Splitter<'a> {
    fn new(file: &'a str, limits: &'a Limits, keep: &'a mut dyn FnMut(&Row) -> bool) -> Self {
        Splitter {
            file,
            limits,
            keep,
            delimiter: None,
            first: String::new(),
            quoted: false,
            quote_pending: false,
            cr_pending: false,
            row: Row::default(),
            cell_chars: 0,
            row_no: 1,
            rows: Vec::new(),
            read: 0,
            cells: 0,
        }
    }

    fn feed(&mut self, text: &str) -> Result<(), String> {
        let delimiter = match self.delimiter {
            Some(d) => d,
            None => {
                self.first.push_str(text);
                if !self.first.contains('\n') && self.first.len() < FIRST_LINE_BYTES {
                    return Ok(());
                }
                return self.decide();
            }
        };
        for c in text.chars() {
            self.step(c, delimiter)?;
        }
        Ok(())
    }

    /// 「Unicode テキスト」 is tab-separated; so is a .tsv. Decided by the first line.
    fn decide(&mut self) -> Result<(), String> {
        let first = std::mem::take(&mut self.first);
        let line = first.lines().next().unwrap_or("");
        let delimiter = if line.contains('\t') && !line.contains(',') {
            '\t'
        } else {
            ','
        };
        self.delimiter = Some(delimiter);
        self.feed(&first)
    }

    fn step(&mut self, c: char, delimiter: char) -> Result<(), String> {
        if self.quote_pending {
            self.quote_pending = false;
            if c == '"' {
                return self.push('"');
            }
            self.quoted = false;
        }
        if self.cr_pending {
            self.cr_pending = false;
            if c != '\n' {
                self.lone_cr()?;
            }
        }
        if self.quoted {
            match c {
                '"' => self.quote_pending = true,
                '\r' => self.cr_pending = true,
                c => self.push(c)?,
            }
            return Ok(());
        }
        match c {
            '"' if self.row.open_cell_is_empty() => self.quoted = true,
            c if c == delimiter => self.end_cell()?,
            '\r' => self.cr_pending = true,
            '\n' => self.end_row()?,
            c => self.push(c)?,
        }
        Ok(())
    }

    fn lone_cr(&mut self) -> Result<(), String> {
        if self.quoted {
            self.push('\r')
        } else {
            self.end_row()
        }
    }

    fn push(&mut self, c: char) -> Result<(), String> {
        self.cell_chars += 1;
        if self.cell_chars > self.limits.cell_chars {
            return Err(self.refuse(Refusal::CellChars {
                row: self.row_no,
                column: self.row.len(),
            }));
        }
        self.row.push(c);
        Ok(())
    }

    fn end_cell(&mut self) -> Result<(), String> {
        if self.row.len() >= self.limits.columns {
            return Err(self.refuse(Refusal::Columns { row: self.row_no }));
        }
        self.row.end_cell();
        self.cell_chars = 0;
        Ok(())
    }

    fn end_row(&mut self) -> Result<(), String> {
        self.end_cell()?;
        self.read += 1;
        if (self.keep)(&self.row) {
            if self.rows.len() >= self.limits.rows {
                return Err(self.refuse(Refusal::Rows { row: self.row_no }));
            }
            self.cells += self.row.len();
            if self.cells > self.limits.cells {
                return Err(self.refuse(Refusal::Cells { row: self.row_no }));
            }
            let row = self.row.take_exact();
            self.rows.push((self.row_no, row));
        } else {
            self.row.clear();
        }
        self.row_no += 1;
        Ok(())
    }

    fn refuse(&self, why: Refusal) -> String {
        why.message(self.file, self.limits)
    }

    /// The rows kept and how many were read, and the delimiter.
    fn finish(mut self) -> Result<(Rows, char), String> {
        if self.delimiter.is_none() {
            self.decide()?;
        }
        if self.quote_pending {
            self.quote_pending = false;
            self.quoted = false;
        }
        if self.cr_pending {
            self.cr_pending = false;
            self.lone_cr()?;
        }
        if self.quoted {
            return Err(format!(
                "{} 行目から始まるセルの引用符(\")が閉じていません",
                self.row_no
            ));
        }
        if !self.row.open_cell_is_empty() || self.row.len() > 0 {
            self.end_row()?;
        }
        let rows = Rows {
            rows: self.rows,
            read: self.read,
            source: String::new(),
        };
        Ok((rows, self.delimiter.unwrap_or(',')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::limits::SHEET;

    fn rows(text: &str, limits: &Limits) -> Result<Rows, String> {
        read(
            std::io::Cursor::new(text.as_bytes()),
            "一覧.csv",
            limits,
            &mut |_| true,
        )
    }

    fn plain(rows: &[(usize, Row)]) -> Vec<(usize, Vec<String>)> {
        rows.iter().map(|(n, r)| (*n, r.to_strings())).collect()
    }

    /// The loop the splitter replaced, over the whole text at once.
    fn whole_text(text: &str, delimiter: char) -> Result<Vec<(usize, Vec<String>)>, String> {
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
            return Err(format!("{row_no} open"));
        }
        if !cell.is_empty() || !row.is_empty() {
            row.push(cell);
            rows.push((row_no, row));
        }
        Ok(rows)
    }

    #[test]
    fn rows_are_split_as_the_whole_text_was_however_the_text_is_cut() {
        let texts = [
            "名称,住所\r\n\"A, B\",\"1行目\r\n2行目\"\r\n\"x\"\"y\",\"\"\r\rlast,\"q\"\"\"",
            "a,\"\"\"\"\n\"\",\"b\"c,\"\r\"\r\n\n\r\n,\n",
            "名称\tよみ\r\nあ\t\"い\tう\"\r\n",
            "\"\"\"a\"\"\",b\r",
        ];
        for text in texts {
            let whole = plain(&rows(text, &SHEET).unwrap().rows);
            let delimiter = if text.starts_with("名称\t") {
                '\t'
            } else {
                ','
            };
            assert_eq!(whole, whole_text(text, delimiter).unwrap(), "{text:?}");
            for cut in (1..text.len()).filter(|c| text.is_char_boundary(*c)) {
                let mut keep = |_: &Row| true;
                let mut split = Splitter::new("x", &SHEET, &mut keep);
                split.feed(&text[..cut]).unwrap();
                split.feed(&text[cut..]).unwrap();
                let (split, _) = split.finish().unwrap();
                assert_eq!(plain(&split.rows), whole, "{text:?} cut at {cut}");
            }
        }
        let t = plain(&rows(texts[0], &SHEET).unwrap().rows);
        assert_eq!(t[1], (2, vec!["A, B".into(), "1行目\n2行目".into()]));
        assert_eq!(t[3], (4, vec![String::new()]), "a lone CR ends a row");
    }

    #[test]
    fn a_character_cut_by_a_chunk_is_still_utf8() {
        // 「名」 is three bytes; put its first byte last in the first chunk.
        let mut text = "a\n".repeat((CHUNK - 1) / 2);
        text.push('a');
        assert_eq!(text.len(), CHUNK - 1);
        text.push_str("名,x\n");
        let t = rows(&text, &SHEET).unwrap();
        assert_eq!(t.source, "UTF-8、コンマ区切り");
        assert_eq!(t.rows.last().and_then(|(_, r)| r.get(0)), Some("a名"));
    }

    fn small() -> Limits {
        Limits {
            file_bytes: 1000,
            rows: 3,
            columns: 4,
            cell_chars: 10,
            cells: 10,
            ..SHEET
        }
    }

    #[test]
    fn a_cell_over_the_limit_is_refused_by_row_and_column() {
        let ok = rows("a,0123456789\n", &small()).unwrap();
        assert_eq!(ok.rows[0].1.get(1), Some("0123456789"));
        let e = rows("a,b\nc,01234567890\n", &small()).unwrap_err();
        assert!(
            e.starts_with("一覧.csv: 2 行目 B 列: セルの文字が多すぎます(上限は 10 文字)"),
            "{e}"
        );
        // A quote never closed swallows the rest of the file into one cell: refused there,
        // at the row it starts on, not after the whole file is held.
        let e = rows("a,\"b\nc,d\ne,f\ng,h\n", &small()).unwrap_err();
        assert!(e.contains("1 行目 B 列"), "{e}");
    }

    #[test]
    fn a_row_over_the_column_limit_is_refused() {
        assert_eq!(rows("a,b,c,d\n", &small()).unwrap().rows[0].1.len(), 4);
        let e = rows("a,b\nc,d,e,f,g\n", &small()).unwrap_err();
        assert!(
            e.starts_with("一覧.csv: 2 行目: 列が多すぎます(5 列目があります。上限は 4 列)"),
            "{e}"
        );
    }

    #[test]
    fn rows_over_the_limit_are_refused_and_blank_rows_count() {
        assert_eq!(rows("a\nb\nc\n", &small()).unwrap().rows.len(), 3);
        let e = rows("a\n\nb\nc\n", &small()).unwrap_err();
        assert!(
            e.starts_with("一覧.csv: 4 行目: 行が多すぎます(上限は 3 行)"),
            "{e}"
        );
        assert!(e.contains("分けて"), "{e}");
    }

    #[test]
    fn rows_not_kept_do_not_count_against_the_limit() {
        let text = "h\n1\n2\n1\n2\n1\n";
        let mut first = true;
        let t = read(
            std::io::Cursor::new(text.as_bytes()),
            "x.csv",
            &small(),
            &mut |row| std::mem::take(&mut first) || row.get(0) == Some("2"),
        )
        .unwrap();
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.read, 6);
        assert_eq!(t.rows[2].0, 5, "rows keep their numbers");
    }

    #[test]
    fn cells_over_the_limit_are_refused() {
        let e = rows("a,b,c,d\ne,f,g,h\ni,j,k\n", &small()).unwrap_err();
        assert!(e.starts_with("一覧.csv: 3 行目: セルが多すぎます"), "{e}");
    }

    #[test]
    fn a_file_over_the_byte_limit_is_refused_while_read() {
        // The size on disk is checked before the file is opened; this is a file that grows,
        // or a device named .csv.
        let text = "a\n".repeat(600);
        let limits = Limits {
            rows: 10_000,
            cells: 10_000,
            ..small()
        };
        let e = rows(&text, &limits).unwrap_err();
        assert!(e.contains("ファイルが大きすぎます"), "{e}");
        // Shift_JIS is known from the first chunk, so the pass that decodes is the one that
        // meets the limit.
        let text = "名\n".repeat(CHUNK);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let limits = Limits {
            file_bytes: CHUNK as u64 * 2,
            rows: CHUNK,
            cells: CHUNK,
            ..small()
        };
        let e = read(
            std::io::Cursor::new(&sjis[..]),
            "x.csv",
            &limits,
            &mut |_| true,
        )
        .unwrap_err();
        assert!(e.contains("ファイルが大きすぎます"), "{e}");
    }
}
