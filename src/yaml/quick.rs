//! A fast path for the YAML staff actually write: block mappings and lists with plain keys,
//! quoted or simple plain values, and one-line flow lists and mappings.
//!
//! The full path is three walks over the text: libyaml turns it into events, serde_yaml's
//! loader keeps them all, the seed builds nodes from them, and the locator reads the text once
//! more for positions. That was half of what a cold build spent reading records, though almost
//! every record keeps to a small, regular part of YAML that one pass over the bytes reads with
//! its positions. This reads that part and nothing else. The first thing it is not sure of — an
//! escape, a tag, an anchor, a value over several lines, a number in an unusual form, a
//! repeated key, a tab — gives `None`, and [`super::parse`] takes the full path, which also
//! words every error. So the fast path never decides what a text means: where it answers, it
//! answers exactly what the full path would, positions and source text included (tests hold
//! the two side by side on every YAML text in the repository and on random texts, and debug
//! builds compare them on every text they parse).

use super::{Entry, Node, Pos, Value};

/// Mappings longer than this take the full path, which looks repeated keys up in a set.
const MOST_KEYS: usize = 64;

/// `text` read as the full path would read it, or `None` when it leaves the plain subset.
/// `first_line` is the file line `text` starts on.
pub(super) fn parse(text: &str, first_line: u32) -> Option<Node> {
    if !printable(text) {
        return None;
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        i: 0,
        line: 1,
        line_start: 0,
        shift: first_line.saturating_sub(1),
        indent: None,
    };
    reader.next_content_line();
    if reader.indent != Some(0) {
        return None;
    }
    let node = reader.block_node(0)?;
    reader.indent.is_none().then_some(node)
}

/// Only characters libyaml takes as they are: no tab, carriage return or other control
/// character, no byte order mark, and none of the line breaks YAML 1.1 adds (U+0085, U+2028,
/// U+2029). Anything else is the full path's to accept or refuse.
fn printable(text: &str) -> bool {
    text.chars().all(|c| {
        matches!(c,
            '\n' | ' '..='~' | '\u{A0}'..='\u{2027}' | '\u{202A}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FEFE}' | '\u{FF00}'..='\u{FFFD}' | '\u{10000}'..)
    })
}

/// The words YAML reads as null or a boolean. As keys they would become `null`/`true` text by
/// way of another type, so keys spelled so take the full path.
fn is_yaml_word(text: &str) -> bool {
    matches!(
        text,
        "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    )
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    /// 1-based line of the cursor in `text`, and the byte its line starts at.
    line: u32,
    line_start: usize,
    /// Added to every line: `text`'s first line in its file, less one.
    shift: u32,
    /// After [`Reader::next_content_line`]: the indentation of the line the cursor stands on,
    /// or `None` at the end of the text.
    indent: Option<usize>,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    /// Position of the cursor; columns count characters, as the locator's do.
    fn pos(&self) -> Pos {
        let chars = self.bytes[self.line_start..self.i]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        Pos {
            line: self.line.saturating_add(self.shift),
            col: u32::try_from(chars + 1).unwrap_or(u32::MAX),
        }
    }

    fn skip_spaces(&mut self) -> usize {
        let start = self.i;
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
        self.i - start
    }

    /// Past the end of the line the cursor is on (which holds nothing more that matters).
    fn skip_line(&mut self) {
        match self.bytes[self.i..].iter().position(|&b| b == b'\n') {
            Some(n) => {
                self.i += n + 1;
                self.line += 1;
                self.line_start = self.i;
            }
            None => self.i = self.bytes.len(),
        }
    }

    /// From the start of a line, on to the first character of the next line that holds more
    /// than spaces and a comment; sets [`Reader::indent`].
    fn next_content_line(&mut self) {
        loop {
            let indent = self.skip_spaces();
            match self.peek() {
                None => {
                    self.indent = None;
                    return;
                }
                Some(b'\n' | b'#') => self.skip_line(),
                Some(_) => {
                    self.indent = Some(indent);
                    return;
                }
            }
        }
    }

    /// Whether the rest of the line is empty or a comment, `spaces` having just been skipped.
    fn rest_is_empty(&self, spaces: usize) -> bool {
        match self.peek() {
            None | Some(b'\n') => true,
            Some(b'#') => spaces > 0,
            Some(_) => false,
        }
    }

    /// After a value: nothing but spaces and perhaps a comment up to the end of the line; then
    /// on to the next line with content.
    fn end_of_line(&mut self) -> Option<()> {
        let spaces = self.skip_spaces();
        if !self.rest_is_empty(spaces) {
            return None;
        }
        self.skip_line();
        self.next_content_line();
        Some(())
    }

    fn at_item(&self) -> bool {
        self.peek() == Some(b'-') && matches!(self.bytes.get(self.i + 1), None | Some(b' ' | b'\n'))
    }

    /// Where a plain key at the cursor ends (at its `:`, which a space or the line's end
    /// follows): letters, digits, `_` and `-`, starting with a letter or `_`.
    fn key_end(&self) -> Option<usize> {
        let first = self.peek()?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let mut end = self.i + 1;
        while self
            .bytes
            .get(end)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            end += 1;
        }
        let colon = self.bytes.get(end) == Some(&b':')
            && matches!(self.bytes.get(end + 1), None | Some(b' ' | b'\n'));
        (colon && !is_yaml_word(&self.text[self.i..end])).then_some(end)
    }

    /// A key and its colon; the cursor ends after the colon.
    fn key(&mut self) -> Option<String> {
        let end = self.key_end()?;
        let key = self.text[self.i..end].to_owned();
        self.i = end + 1;
        Some(key)
    }

    /// A block mapping or list whose lines are indented `indent`, the cursor on its first.
    fn block_node(&mut self, indent: usize) -> Option<Node> {
        if self.at_item() {
            self.block_seq(indent)
        } else {
            self.block_map(indent)
        }
    }

    /// A block mapping at column `indent` (0-based); the cursor is on its first key, which may
    /// follow a list's `- `.
    fn block_map(&mut self, indent: usize) -> Option<Node> {
        let pos = self.pos();
        let mut entries: Vec<Entry> = Vec::new();
        loop {
            let key_pos = self.pos();
            let key = self.key()?;
            if entries.len() == MOST_KEYS || entries.iter().any(|e| e.key == key) {
                return None;
            }
            let spaces = self.skip_spaces();
            let value = if self.rest_is_empty(spaces) {
                self.skip_line();
                self.next_content_line();
                match self.indent {
                    Some(n) if n > indent => self.block_node(n)?,
                    // A list may stand at its key's own indentation.
                    Some(n) if n == indent && self.at_item() => self.block_seq(n)?,
                    _ => Node {
                        value: Value::Null,
                        pos: key_pos,
                        raw: None,
                    },
                }
            } else {
                let value = self.inline_value(false)?;
                self.end_of_line()?;
                value
            };
            entries.push(Entry {
                key,
                key_pos,
                value,
            });
            match self.indent {
                Some(n) if n == indent => {}
                // A line indented past its mapping's keys continues a value over lines.
                Some(n) if n > indent => return None,
                _ => {
                    return Some(Node {
                        value: Value::Map(entries),
                        pos,
                        raw: None,
                    })
                }
            }
        }
    }

    /// A block list whose `- ` stand at column `indent`, the cursor on the first.
    fn block_seq(&mut self, indent: usize) -> Option<Node> {
        let pos = self.pos();
        let mut items = Vec::new();
        loop {
            self.i += 1;
            let spaces = self.skip_spaces();
            // An empty item, or one whose value starts on the next line.
            if self.rest_is_empty(spaces) {
                return None;
            }
            let item = if self.key_end().is_some() {
                // Everything before the key on this line is ASCII: bytes are columns.
                self.block_map(self.i - self.line_start)?
            } else {
                let value = self.inline_value(false)?;
                self.end_of_line()?;
                value
            };
            items.push(item);
            match self.indent {
                Some(n) if n == indent && self.at_item() => {}
                Some(n) if n > indent => return None,
                _ => {
                    return Some(Node {
                        value: Value::Seq(items),
                        pos,
                        raw: None,
                    })
                }
            }
        }
    }

    /// A value that starts and ends on one line: after a key or `- `, or (`in_flow`) inside a
    /// flow collection, where `,` `]` `}` end a plain scalar.
    fn inline_value(&mut self, in_flow: bool) -> Option<Node> {
        match self.peek()? {
            b'"' | b'\'' => self.quoted(),
            b'[' | b'{' => self.flow(),
            _ => self.plain(in_flow),
        }
    }

    /// A quoted scalar on one line, without escapes (`\` in double quotes, `''` in single).
    fn quoted(&mut self) -> Option<Node> {
        let pos = self.pos();
        let quote = self.peek()?;
        let start = self.i + 1;
        let len = self.bytes[start..]
            .iter()
            .position(|&b| b == quote || b == b'\n' || (quote == b'"' && b == b'\\'))?;
        let end = start + len;
        if self.bytes[end] != quote || self.bytes.get(end + 1) == Some(&b'\'') {
            return None;
        }
        self.i = end + 1;
        Some(Node {
            value: Value::Str(self.text[start..end].to_owned()),
            pos,
            raw: None,
        })
    }

    /// A plain scalar on one line. It starts with a letter, a digit, `_`, a non-ASCII character
    /// or a minus before a digit, and holds none of `# [ ] { } " '` and no `:` but one inside a
    /// word (in a flow collection, `,` `]` `}` end it); what it means is [`resolve`]'s to say.
    fn plain(&mut self, in_flow: bool) -> Option<Node> {
        let pos = self.pos();
        let start = self.i;
        let first = self.peek()?;
        let starts_well = first.is_ascii_alphanumeric()
            || first == b'_'
            || first >= 0x80
            || (first == b'-' && self.bytes.get(start + 1).is_some_and(u8::is_ascii_digit));
        if !starts_well {
            return None;
        }
        while let Some(b) = self.peek() {
            match b {
                b'\n' => break,
                b',' | b']' | b'}' if in_flow => break,
                // `9:00`, `https://…`, `特集:…`: a colon inside a word is part of it.
                b':' if self
                    .bytes
                    .get(self.i + 1)
                    .is_some_and(|&n| n.is_ascii_alphanumeric() || n == b'/' || n >= 0x80) =>
                {
                    self.i += 1
                }
                b'#' | b':' | b'[' | b']' | b'{' | b'}' | b'"' | b'\'' => return None,
                _ => self.i += 1,
            }
        }
        let raw = self.text[start..self.i].trim_end_matches(' ');
        Some(Node {
            value: resolve(raw)?,
            pos,
            raw: Some(raw.to_owned()),
        })
    }

    /// A flow list or mapping that closes on the line it opens on.
    fn flow(&mut self) -> Option<Node> {
        let pos = self.pos();
        let open = self.peek()?;
        let close = if open == b'[' { b']' } else { b'}' };
        self.i += 1;
        self.skip_spaces();
        let mut items = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        if self.peek() == Some(close) {
            self.i += 1;
        } else {
            loop {
                if open == b'[' {
                    items.push(self.inline_value(true)?);
                } else {
                    let key_pos = self.pos();
                    let key = self.key()?;
                    if entries.len() == MOST_KEYS || entries.iter().any(|e| e.key == key) {
                        return None;
                    }
                    self.skip_spaces();
                    let value = self.inline_value(true)?;
                    entries.push(Entry {
                        key,
                        key_pos,
                        value,
                    });
                }
                self.skip_spaces();
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        self.skip_spaces();
                        // A trailing comma: the full path decides.
                        if self.peek() == Some(close) {
                            return None;
                        }
                    }
                    b if b == close => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        let value = if open == b'[' {
            Value::Seq(items)
        } else {
            Value::Map(entries)
        };
        Some(Node {
            value,
            pos,
            raw: None,
        })
    }
}

/// What a plain scalar means, as serde_yaml resolves it, for the forms met in records: null
/// and booleans, text, whole numbers without a sign or with `-`, decimals like `34.86949`, and
/// dates and times (which serde_yaml keeps as text). Other forms (`0x1F`, `1e5`, `.inf`, `+1`, numbers
/// too large for i64) are the full path's.
fn resolve(raw: &str) -> Option<Value> {
    match raw {
        "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let bytes = raw.as_bytes();
    let first = *bytes.first()?;
    // No number has a letter first (Rust's float parser reads "inf" and "nan", which serde_yaml
    // refuses as not finite), and none holds a character but letters, digits and `. + - _`
    // (`2026-12-10T18:30:00+09:00`, `12 34`).
    let numeric = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_');
    if first.is_ascii_alphabetic() || first == b'_' || !bytes.iter().all(numeric) {
        return Some(Value::Str(raw.to_owned()));
    }
    let digits = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    let (negative, body) = match bytes.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    if digits(body) {
        // A leading zero makes text in YAML 1.2 (`0120123456`).
        if body.len() > 1 && body[0] == b'0' {
            return (!negative).then(|| Value::Str(raw.to_owned()));
        }
        return raw.parse::<i64>().ok().map(Value::Int);
    }
    if let Some(dot) = body.iter().position(|&b| b == b'.') {
        if digits(&body[..dot]) && digits(&body[dot + 1..]) {
            return raw
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Value::Float);
        }
    }
    let date = bytes.len() == 10
        && digits(&bytes[..4])
        && bytes[4] == b'-'
        && digits(&bytes[5..7])
        && bytes[7] == b'-'
        && digits(&bytes[8..]);
    date.then(|| Value::Str(raw.to_owned()))
}

#[cfg(test)]
mod tests;
