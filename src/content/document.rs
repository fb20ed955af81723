//! One content file: bytes → checked UTF-8 text → YAML front matter and Markdown body.
//!
//! Encoding slips are the commonest way a Japanese office breaks a site (a file saved from
//! メモ帳 as Shift_JIS, or as UTF-16), so they are named for what they are instead of turning
//! into mojibake or a confusing YAML error.

use std::fs;
use std::path::Path;

use crate::content::report::FileReport;
use crate::yaml::{self, Node, Pos};

/// Markdown and YAML files larger than this are refused: no real page is this big, and a
/// runaway file (a pasted PDF, a log) should not stall the build.
pub const MAX_TEXT_BYTES: u64 = 2 * 1024 * 1024;

/// A parsed `.md` file.
#[derive(Debug)]
pub struct Document {
    pub front: Node,
    pub body: String,
    /// File line on which the body starts, for messages about the body.
    pub body_line: u32,
}

fn at_file(report: &FileReport, message: impl Into<String>, expected: &str) {
    report.error(Pos { line: 1, col: 1 }, "", message, Some(expected));
}

/// Reads a text file and checks it is UTF-8 (BOM allowed), not binary, not too large.
/// Line endings are normalised to LF.
pub fn read_text(path: &Path, report: &FileReport) -> Option<String> {
    // One open, and the size asked of the open file: looking the path up again for each of
    // thousands of records was a measurable part of reading them.
    let read = fs::File::open(path).and_then(|file| {
        let len = file.metadata()?.len();
        if len > MAX_TEXT_BYTES {
            return Ok(Err(len));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        // Read through `take`: `File`'s own `read_to_end` asks the system for the size and the
        // position again, two more calls per record; and the cap holds for a file that grows
        // while it is read.
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, MAX_TEXT_BYTES + 1),
            &mut bytes,
        )?;
        if bytes.len() as u64 > MAX_TEXT_BYTES {
            return Ok(Err(bytes.len() as u64));
        }
        Ok(Ok(bytes))
    });
    match read {
        Ok(Ok(bytes)) => decode(&bytes, report),
        Ok(Err(len)) => {
            at_file(
                report,
                format!(
                    "ファイルが大きすぎます({:.1} MB)。画像や PDF は static/ に置いてリンクしてください",
                    len as f64 / 1_048_576.0
                ),
                "2 MB 以下のテキスト",
            );
            None
        }
        Err(e) => {
            at_file(
                report,
                format!("ファイルを読めません: {e}"),
                "読み取りできるファイル",
            );
            None
        }
    }
}

/// What a misplaced binary file is, by its first bytes: staff drop a scan or an Excel sheet
/// into a content folder far more often than they corrupt a text file.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 7] = [
        (b"\x89PNG", "PNG 画像"),
        (b"\xFF\xD8\xFF", "JPEG 画像"),
        (b"GIF8", "GIF 画像"),
        (b"%PDF", "PDF"),
        (b"PK\x03\x04", "Word・Excel(.docx/.xlsx)か ZIP"),
        (b"\xD0\xCF\x11\xE0", "古い形式の Word・Excel(.doc/.xls)"),
        (b"RIFF", "画像か音声"),
    ];
    MAGIC
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
}

/// Checks and decodes file bytes; public for the fuzz and property tests.
pub fn decode(bytes: &[u8], report: &FileReport) -> Option<String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        at_file(
            report,
            "UTF-16 で保存されています。文字コード「UTF-8」で保存し直してください",
            "UTF-8",
        );
        return None;
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        at_file(
            report,
            "ファイルが空です",
            "--- で始まる front matter と本文",
        );
        return None;
    }
    if let Some(kind) = binary_kind(bytes) {
        at_file(
            report,
            format!("テキストファイルではありません({kind}のようです)。画像や PDF・Office 文書は content/static/ に置き、本文からリンクしてください"),
            "UTF-8 のテキスト",
        );
        return None;
    }
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        let line = bytes[..i].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        report.error(
            Pos { line, col: 1 },
            "",
            "NUL 文字が含まれています。テキストファイルではないか、壊れています",
            Some("UTF-8 のテキスト"),
        );
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            // Most files have no CR at all: checked first, since replacing copies the text.
            let text = if text.contains('\r') {
                text.replace("\r\n", "\n").replace('\r', "\n")
            } else {
                text.to_string()
            };
            if report_breaking_chars(&text, report) {
                None
            } else {
                Some(text)
            }
        }
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let col = String::from_utf8_lossy(&bytes[..at])
                .rsplit('\n')
                .next()
                .map(|l| l.chars().count() as u32 + 1)
                .unwrap_or(1);
            let control = bytes
                .iter()
                .filter(|&&b| b < 0x09 || (0x0E..0x20).contains(&b))
                .count();
            let message = if control > bytes.len() / 20 {
                "テキストファイルではありません(画像や Office 文書は static/ に置いてください)"
            } else {
                "UTF-8 ではない文字コード(Shift_JIS など)で保存されています。「UTF-8」で保存し直してください"
            };
            report.error(Pos { line, col }, "", message, Some("UTF-8"));
            None
        }
    }
}

/// Reports every character that would break the site's feeds, vCards or calendars (at most a
/// few per file: one pasted block can hold thousands). True if there was any.
fn report_breaking_chars(text: &str, report: &FileReport) -> bool {
    const SHOWN: usize = 5;
    if !crate::japanese::textchars::has_breaking(text) {
        return false;
    }
    let mut found = 0;
    for (line_no, line) in text.split('\n').enumerate() {
        for (col, c) in line.chars().enumerate() {
            if crate::japanese::textchars::breaking(c).is_none() {
                continue;
            }
            found += 1;
            if found <= SHOWN {
                report.error(
                    Pos {
                        line: line_no as u32 + 1,
                        col: col as u32 + 1,
                    },
                    "",
                    format!(
                        "目に見えない {} が含まれています。フィードや連絡先ファイルが壊れるため使えません。この文字を削除してください",
                        crate::japanese::textchars::describe(c)
                    ),
                    Some("制御文字を含まないテキスト"),
                );
            }
        }
    }
    if found > SHOWN {
        report.error(
            Pos { line: 1, col: 1 },
            "",
            format!("ほかにも同じような文字が {} 個あります", found - SHOWN),
            Some("制御文字を含まないテキスト"),
        );
    }
    found > 0
}

/// Splits `---` front matter from the body and parses the YAML.
pub fn split(text: &str, report: &FileReport) -> Option<Document> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        at_file(
            report,
            "front matter がありません。1 行目は「---」で始めてください",
            "---(改行)項目: 値 …(改行)---",
        );
        return None;
    }
    let mut yaml_text = String::new();
    let mut line_no = 1u32;
    let mut closed_at = None;
    let mut offset = first.len();
    for line in lines {
        line_no += 1;
        offset += line.len();
        if line.trim_end() == "---" {
            closed_at = Some(line_no);
            break;
        }
        yaml_text.push_str(line);
    }
    let Some(close) = closed_at else {
        at_file(
            report,
            "front matter の終わりの「---」がありません",
            "front matter の後に「---」だけの行",
        );
        return None;
    };
    let front = match yaml::parse(&yaml_text, 2) {
        Ok(node) => node,
        Err(e) => {
            report.push(
                crate::diagnostics::Diagnostic::error(&report.path, e.pos, None, e.message)
                    .expected(format!("正しい YAML ({})", e.detail)),
            );
            return None;
        }
    };
    if front.value == yaml::Value::Null {
        report.error(
            Pos { line: 2, col: 1 },
            "",
            "front matter が空です",
            Some("title: … などの項目"),
        );
        return None;
    }
    Some(Document {
        front,
        body: text.get(offset..).unwrap_or("").to_string(),
        body_line: close + 1,
    })
}

/// Reads a standalone YAML file (`site.yaml`, `data/*.yaml`).
pub fn read_yaml(path: &Path, report: &FileReport) -> Option<Node> {
    let text = read_text(path, report)?;
    match yaml::parse(&text, 1) {
        Ok(node) => Some(node),
        Err(e) => {
            report.push(
                crate::diagnostics::Diagnostic::error(&report.path, e.pos, None, e.message)
                    .expected(format!("正しい YAML ({})", e.detail)),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(report: FileReport) -> Vec<String> {
        report.into_messages()
    }

    #[test]
    fn splits_front_matter_and_body() {
        let r = FileReport::new("a.md");
        let doc = split("---\ntitle: x\n---\n\n本文\n", &r).unwrap();
        assert_eq!(doc.body, "\n本文\n");
        assert_eq!(doc.body_line, 4);
        assert!(errors(r).is_empty());
    }

    #[test]
    fn yaml_errors_point_into_the_md_file() {
        let r = FileReport::new("a.md");
        assert!(split("---\ntitle: x\ntitle: y\n---\n", &r).is_none());
        let errs = errors(r);
        assert!(errs[0].starts_with("a.md:3:"), "{errs:?}");
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        let r = FileReport::new("a.md");
        assert!(split("title: x\n", &r).is_none());
        assert!(errors(r)[0].contains("1 行目は「---」"));
        let r = FileReport::new("a.md");
        assert!(split("---\ntitle: x\n", &r).is_none());
        assert!(errors(r)[0].contains("終わりの「---」"));
    }

    #[test]
    fn encodings_are_named() {
        let r = FileReport::new("a.md");
        assert!(decode(&[0xFF, 0xFE, b'-', 0], &r).is_none());
        assert!(errors(r)[0].contains("UTF-16"));
        // 「内科」 in Shift_JIS
        let r = FileReport::new("a.md");
        assert!(decode(b"---\ntitle: \x93\xe0\x89\xc8\n", &r).is_none());
        let e = errors(r);
        assert!(
            e[0].contains("Shift_JIS") && e[0].starts_with("a.md:2:8"),
            "{e:?}"
        );
        let r = FileReport::new("a.md");
        assert!(decode(b"", &r).is_none());
        assert!(errors(r)[0].contains("空"));
        let r = FileReport::new("a.md");
        assert!(decode(b"---\nx\0", &r).is_none());
        assert!(errors(r)[0].contains("NUL"));
        let r = FileReport::new("a.md");
        assert!(decode(b"PK\x03\x04\x14\x00\x06\x00", &r).is_none());
        assert!(errors(r)[0].contains("Excel"));
        let r = FileReport::new("a.md");
        assert_eq!(
            decode(b"\xEF\xBB\xBF---\r\nx\r\n", &r).as_deref(),
            Some("---\nx\n")
        );
    }
}
