//! Office files written byte by byte: `.xlsx` for what no spreadsheet program saves (a sheet
//! that inflates to a gigabyte from a few megabytes, a cell in the sheet's last corner), and
//! the smallest `.docx` for attachments.

use std::fs;
use std::path::Path;

const NS: &str = "http://schemas.openxmlformats.org";

/// Everything of a one-sheet workbook (sheet 「名簿」) but the sheet itself.
fn parts() -> Vec<(&'static str, String)> {
    vec![
        (
            "[Content_Types].xml",
            format!(
                r#"<Types xmlns="{NS}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#
            ),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<workbook xmlns="{NS}/spreadsheetml/2006/main" xmlns:r="{NS}/officeDocument/2006/relationships"><sheets><sheet name="名簿" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ),
    ]
}

/// A zip part: its name, its bytes as stored, how (0 stored, 8 deflated), and the CRC-32 and
/// size of what they inflate to.
struct Part<'a> {
    name: &'a str,
    data: &'a [u8],
    method: u16,
    crc: u32,
    size: u32,
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn write_zip(path: &Path, parts: &[Part]) {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for p in parts {
        let offset = out.len() as u32;
        let fields = |out: &mut Vec<u8>| {
            for v in [20u16, 0, p.method, 0, 0] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            for v in [p.crc, p.data.len() as u32, p.size] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&(p.name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
        };
        out.extend_from_slice(b"PK\x03\x04");
        fields(&mut out);
        out.extend_from_slice(p.name.as_bytes());
        out.extend_from_slice(p.data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes());
        fields(&mut central);
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(p.name.as_bytes());
    }
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    let n = parts.len() as u16;
    for v in [n, n] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [central.len() as u32, at] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&0u16.to_le_bytes());
    fs::write(path, out).unwrap();
}

fn stored<'a>(name: &'a str, data: &'a [u8]) -> Part<'a> {
    Part {
        name,
        data,
        method: 0,
        crc: crc32(data),
        size: data.len() as u32,
    }
}

/// A workbook whose one sheet has `sheet_data` (the inside of `<sheetData>`).
/// A Word file whose body is one paragraph per item of `paragraphs`.
pub fn docx(path: &Path, paragraphs: &[&str]) {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
        .collect();
    let document = format!(
        r#"<w:document xmlns:w="{NS}/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    write_zip(path, &[stored("word/document.xml", document.as_bytes())]);
}

pub fn xlsx(path: &Path, sheet_data: &str) {
    let sheet = format!(
        r#"<worksheet xmlns="{NS}/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    let parts = parts();
    let mut all: Vec<Part> = parts.iter().map(|(n, t)| stored(n, t.as_bytes())).collect();
    all.push(stored("xl/worksheets/sheet1.xml", sheet.as_bytes()));
    write_zip(path, &all);
}

/// Deflate's bits, least significant first.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, bits: u32) {
        self.acc |= value << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, which deflate writes from its most significant bit.
    fn code(&mut self, code: u32, len: u32) {
        let reversed = code.reverse_bits() >> (32 - len);
        self.put(u64::from(reversed), len);
    }

    /// A literal byte in deflate's fixed code.
    fn literal(&mut self, b: u8) {
        if b < 144 {
            self.code(0x30 + u32::from(b), 8);
        } else {
            self.code(0x190 + u32::from(b) - 144, 9);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// The bomb's sheet: a header row 名称・よみ, and in A2 one cell of `BOMB_RUN` letters A.
const BOMB_HEAD: &str = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c r="B1" t="inlineStr"><is><t>よみ</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>"#;
const BOMB_TAIL: &str = "</t></is></c></row></sheetData></worksheet>";
/// One A, then 258 more (deflate's longest copy) 4,161,600 times: just over 1 GB.
const BOMB_COPIES: u64 = 4_161_600;
pub const BOMB_RUN: u64 = 1 + 258 * BOMB_COPIES;
/// CRC-32 of the inflated sheet, computed once outside the test (Python's `zlib.crc32` of
/// head + "A" × BOMB_RUN + tail), since hashing a gigabyte here would be the slow part.
const BOMB_CRC: u32 = 0xCF0B_F1E0;

/// A zip bomb: an `.xlsx` of about 7 MB whose sheet inflates to just over 1 GB (the fixed
/// deflate code spends 13 bits on each 258-byte copy). Returns the inflated size.
pub fn zip_bomb(path: &Path) -> u64 {
    let mut bits = Bits::default();
    bits.put(1, 1); // the last block
    bits.put(1, 2); // in the fixed code
    for b in BOMB_HEAD.bytes().chain([b'A']) {
        bits.literal(b);
    }
    for _ in 0..BOMB_COPIES {
        bits.code(0xC0 + 5, 8); // length 258 (code 285)
        bits.put(0, 5); // distance 1 (code 0)
    }
    for b in BOMB_TAIL.bytes() {
        bits.literal(b);
    }
    bits.code(0, 7); // end of block
    let data = bits.finish();
    let size = BOMB_HEAD.len() as u64 + BOMB_RUN + BOMB_TAIL.len() as u64;
    let parts = parts();
    let mut all: Vec<Part> = parts.iter().map(|(n, t)| stored(n, t.as_bytes())).collect();
    all.push(Part {
        name: "xl/worksheets/sheet1.xml",
        data: &data,
        method: 8,
        crc: BOMB_CRC,
        size: size as u32,
    });
    write_zip(path, &all);
    size
}
