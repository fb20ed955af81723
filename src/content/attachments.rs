//! The text of attached files — PDF, Excel (.xlsx) and Word (.docx) under `static/` — for the
//! number check: a FAX number printed in a hand-made form goes stale as surely as one typed in
//! a page, and a form tells the sender where patient data goes.
//!
//! Attachments come from anywhere (old PCs, other hospitals), so reading one never stops the
//! build: a file that cannot be read is a warning, a zip that would inflate past
//! [`MAX_XML_BYTES`] is not inflated, and the PDF reader, which can panic on malformed files, runs
//! behind `catch_unwind`.

use std::io::{Read, Seek};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use quick_xml::events::Event;

/// Files larger than this are not read (a scanned brochure, a video): reported, not scanned.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// What the XML parts of one .xlsx or .docx may inflate to.
pub const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

/// A piece of an attachment's text and where it is, as staff would find it: 「2 ページ」,
/// 「Sheet1!B3」, 「4 段落目」.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub place: String,
    pub text: String,
}

/// Whether renkei reads the text of a file with this name.
pub fn readable(name: &str) -> bool {
    kind(name).is_some()
}

#[derive(Clone, Copy)]
enum Kind {
    Pdf,
    Xlsx,
    Docx,
}

fn kind(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".pdf") {
        Some(Kind::Pdf)
    } else if lower.ends_with(".xlsx") {
        Some(Kind::Xlsx)
    } else if lower.ends_with(".docx") {
        Some(Kind::Docx)
    } else {
        None
    }
}

/// The text of `path`, in pieces with their places. `Err` says in Japanese why it was not read.
pub fn text_of(path: &Path) -> Result<Vec<Chunk>, String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let Some(kind) = kind(name) else {
        return Ok(Vec::new());
    };
    let size = std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| e.to_string())?;
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "{} MB を超えるため中身を確認していません",
            MAX_FILE_BYTES / 1024 / 1024
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    match kind {
        Kind::Pdf => pdf(&bytes),
        Kind::Xlsx => xlsx(bytes),
        Kind::Docx => docx(bytes),
    }
}

fn pdf(bytes: &[u8]) -> Result<Vec<Chunk>, String> {
    let pages = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes))
        .map_err(|_| {
            "PDF の文字を読み取れません(壊れているか、対応していない形式です)".to_string()
        })?
        .map_err(|e| format!("PDF の文字を読み取れません: {e}"))?;
    Ok(pages
        .into_iter()
        .enumerate()
        .map(|(i, text)| Chunk {
            place: format!("{} ページ", i + 1),
            text,
        })
        .collect())
}

fn xlsx(bytes: Vec<u8>) -> Result<Vec<Chunk>, String> {
    let mut cursor = std::io::Cursor::new(bytes);
    inflates_within(&mut cursor)?;
    let mut book: Xlsx<_> =
        Xlsx::new(cursor).map_err(|e| format!("Excel ファイルとして読めません: {e}"))?;
    let mut chunks = Vec::new();
    for name in book.sheet_names() {
        let Ok(range) = book.worksheet_range(&name) else {
            continue;
        };
        let (row0, col0) = range.start().unwrap_or((0, 0));
        for (r, c, value) in range.cells() {
            let text = match value {
                Data::String(s) => s.clone(),
                Data::Int(_) | Data::Float(_) => value.to_string(),
                _ => continue,
            };
            chunks.push(Chunk {
                place: format!(
                    "{name}!{}{}",
                    crate::import::column_letters(col0 as usize + c),
                    row0 as usize + r + 1
                ),
                text,
            });
        }
    }
    Ok(chunks)
}

/// The body, headers and footers of a Word file, a paragraph a chunk.
fn docx(bytes: Vec<u8>) -> Result<Vec<Chunk>, String> {
    let mut cursor = std::io::Cursor::new(bytes);
    inflates_within(&mut cursor)?;
    let mut zip =
        zip::ZipArchive::new(cursor).map_err(|e| format!("Word ファイルとして読めません: {e}"))?;
    let mut parts: Vec<String> = zip
        .file_names()
        .filter(|n| {
            *n == "word/document.xml"
                || (n.starts_with("word/header") || n.starts_with("word/footer"))
                    && n.ends_with(".xml")
        })
        .map(str::to_string)
        .collect();
    parts.sort();
    let mut chunks = Vec::new();
    for part in parts {
        let mut xml = String::new();
        if let Ok(mut f) = zip.by_name(&part) {
            f.read_to_string(&mut xml)
                .map_err(|e| format!("Word ファイルの {part} を読めません: {e}"))?;
        }
        let label = if part == "word/document.xml" {
            "本文"
        } else if part.starts_with("word/header") {
            "ヘッダー"
        } else {
            "フッター"
        };
        for (i, text) in paragraphs(&xml).into_iter().enumerate() {
            chunks.push(Chunk {
                place: format!("{label} {} 段落目", i + 1),
                text,
            });
        }
    }
    Ok(chunks)
}

/// The text of each `<w:p>` of WordprocessingML: its `<w:t>` runs joined, tabs as spaces.
fn paragraphs(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == b"w:t" => in_text = true,
            Ok(Event::End(e)) if e.name().as_ref() == b"w:t" => in_text = false,
            Ok(Event::Empty(e)) if e.name().as_ref() == b"w:tab" => current.push(' '),
            Ok(Event::Text(t)) if in_text => {
                if let Ok(s) = t.decode() {
                    current.push_str(&s);
                }
            }
            Ok(Event::GeneralRef(r)) if in_text => {
                let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                current.push_str(match name.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
            }
            Ok(Event::End(e)) if e.name().as_ref() == b"w:p" => {
                if !current.trim().is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// Refuses a zip whose XML would inflate past [`MAX_XML_BYTES`] (a zip bomb).
fn inflates_within<R: Read + Seek>(reader: &mut R) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(&mut *reader) else {
        return Ok(());
    };
    crate::import::xml_within(&mut zip, MAX_XML_BYTES).map_err(|size| {
        format!(
            "展開すると {} MB を超えるため中身を確認していません",
            size / 1024 / 1024
        )
    })?;
    reader.rewind().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_paragraphs_keep_their_runs_together() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:t>FAX </w:t></w:r><w:r><w:t xml:space="preserve">099-201-1101</w:t></w:r></w:p><w:p><w:r><w:t>A &amp; B</w:t><w:tab/><w:t>C</w:t></w:r></w:p><w:p/></w:body></w:document>"#;
        assert_eq!(paragraphs(xml), vec!["FAX 099-201-1101", "A & B C"]);
    }

    #[test]
    fn a_broken_pdf_is_a_message_not_a_panic() {
        assert!(pdf(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntrailer\n%%EOF").is_err());
        assert!(pdf(b"not a pdf at all").is_err());
    }
}
