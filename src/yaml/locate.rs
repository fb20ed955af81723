//! Finds where each key and value of a YAML text was written.
//!
//! This is not a YAML parser: serde_yaml decides what the text means, while the locator's tree
//! is read (`seed`). The locator only walks the block and flow structure (mappings, sequences,
//! scalars, comments, block scalars, anchors and tags) to record positions. Where it meets a form it does not follow,
//! it stops descending and the caller falls back to the enclosing position, so a miss costs
//! precision, never correctness. It runs before serde_yaml has judged the text, so it meets
//! broken text too: it never panics and is linear in the text.

use super::Pos;

/// Position tree parallel to the YAML value.
#[derive(Debug, Default)]
pub(super) struct Loc {
    pub pos: Pos,
    /// Source text of a plain scalar.
    pub raw: Option<String>,
    kind: Kind,
}

#[derive(Debug, Default)]
enum Kind {
    #[default]
    Scalar,
    Seq(Vec<Loc>),
    Map(Vec<(String, Pos, Loc)>),
}

impl Loc {
    pub fn item(&self, i: usize) -> Option<&Loc> {
        match &self.kind {
            Kind::Seq(items) => items.get(i),
            _ => None,
        }
    }

    pub fn entry(&self, key: &str) -> Option<(Pos, &Loc)> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, p, l)| (*p, l)),
            _ => None,
        }
    }
}

/// Locates the top-level node of `text`, or `None` for an empty document.
pub(super) fn locate(text: &str) -> Option<Loc> {
    let mut s = Scanner::new(text);
    s.skip_space_and_comments();
    if s.at_end() {
        return None;
    }
    // Budget against pathological inputs: every step consumes input, but be certain.
    Some(s.block(-1))
}

struct Scanner {
    chars: Vec<char>,
    i: usize,
    line: u32,
    col: u32,
}

impl Scanner {
    fn new(text: &str) -> Self {
        Scanner {
            chars: text.chars().collect(),
            i: 0,
            line: 1,
            col: 1,
        }
    }

    fn at_end(&self) -> bool {
        self.i >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: self.col,
        }
    }

    /// 0-based column of the cursor, the unit YAML indentation is measured in.
    fn indent(&self) -> i64 {
        i64::from(self.col) - 1
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.i += 1;
            if c == '\n' {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
        }
    }

    fn is_blank(c: Option<char>) -> bool {
        matches!(c, None | Some(' ' | '\t' | '\r' | '\n'))
    }

    fn skip_inline_space(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
    }

    fn skip_to_eol(&mut self) {
        while !matches!(self.peek(), None | Some('\n')) {
            self.bump();
        }
    }

    /// Skips spaces, line breaks and comments.
    fn skip_space_and_comments(&mut self) {
        loop {
            match self.peek() {
                Some(' ' | '\t' | '\r' | '\n') => self.bump(),
                Some('#') => self.skip_to_eol(),
                _ => return,
            }
        }
    }

    /// True when the rest of the current line is empty or a comment.
    fn rest_of_line_is_empty(&self) -> bool {
        let mut k = self.i;
        while let Some(&c) = self.chars.get(k) {
            match c {
                ' ' | '\t' | '\r' => k += 1,
                '#' | '\n' => return true,
                _ => return false,
            }
        }
        true
    }

    /// A block node whose content must be indented more than `parent`.
    fn block(&mut self, parent: i64) -> Loc {
        self.skip_space_and_comments();
        let here = self.pos();
        if self.at_end() || self.indent() <= parent {
            return Loc {
                pos: here,
                ..Loc::default()
            };
        }
        self.inline(parent)
    }

    /// A node starting at the cursor, which may be mid-line (after `key:` or `- `).
    fn inline(&mut self, parent: i64) -> Loc {
        // Anchors and tags decorate the node that follows them.
        while matches!(self.peek(), Some('&' | '!')) {
            while !Self::is_blank(self.peek()) {
                self.bump();
            }
            self.skip_inline_space();
            if self.rest_of_line_is_empty() {
                return self.block(parent);
            }
        }
        let c = self.peek();
        if c == Some('-') && Self::is_blank(self.peek_at(1)) {
            return self.sequence();
        }
        if self.line_has_key() {
            return self.mapping();
        }
        match c {
            Some('{' | '[') => self.flow(),
            Some('|' | '>') => self.block_scalar(parent),
            Some('"' | '\'') => self.quoted(parent),
            Some('*') => {
                let pos = self.pos();
                while !Self::is_blank(self.peek()) {
                    self.bump();
                }
                Loc {
                    pos,
                    ..Loc::default()
                }
            }
            _ => self.plain_block(parent),
        }
    }

    /// Does a `key:` (plain or quoted, then `:` and a blank) start at the cursor?
    fn line_has_key(&self) -> bool {
        let mut k = self.i;
        let first = self.chars.get(k).copied();
        if let Some(q @ ('"' | '\'')) = first {
            k += 1;
            while let Some(&c) = self.chars.get(k) {
                k += 1;
                if c == '\\' && q == '"' {
                    k += 1;
                } else if c == q {
                    if q == '\'' && self.chars.get(k) == Some(&'\'') {
                        k += 1;
                        continue;
                    }
                    break;
                } else if c == '\n' {
                    return false;
                }
            }
            while matches!(self.chars.get(k), Some(' ' | '\t')) {
                k += 1;
            }
            return self.chars.get(k) == Some(&':')
                && Self::is_blank(self.chars.get(k + 1).copied());
        }
        if matches!(first, None | Some('#' | '{' | '[' | '|' | '>' | '\n')) {
            return false;
        }
        while let Some(&c) = self.chars.get(k) {
            match c {
                '\n' => return false,
                ':' if Self::is_blank(self.chars.get(k + 1).copied()) => return true,
                '#' if k > self.i && matches!(self.chars.get(k - 1), Some(' ' | '\t')) => {
                    return false
                }
                _ => k += 1,
            }
        }
        false
    }

    fn sequence(&mut self) -> Loc {
        let start = self.pos();
        let column = self.indent();
        let mut items = Vec::new();
        loop {
            if !(self.peek() == Some('-') && Self::is_blank(self.peek_at(1))) {
                break;
            }
            self.bump();
            self.skip_inline_space();
            let item = if self.rest_of_line_is_empty() {
                self.block(column)
            } else {
                self.inline(column)
            };
            items.push(item);
            self.skip_space_and_comments();
            if self.at_end() || self.indent() != column {
                break;
            }
        }
        Loc {
            pos: start,
            raw: None,
            kind: Kind::Seq(items),
        }
    }

    fn mapping(&mut self) -> Loc {
        let start = self.pos();
        let column = self.indent();
        let mut entries = Vec::new();
        while self.line_has_key() {
            let key_pos = self.pos();
            let key = self.key_text();
            self.skip_inline_space();
            if self.peek() != Some(':') {
                break;
            }
            self.bump();
            self.skip_inline_space();
            let value = if self.rest_of_line_is_empty() {
                self.skip_space_and_comments();
                let nested_seq = self.indent() == column
                    && self.peek() == Some('-')
                    && Self::is_blank(self.peek_at(1));
                if !self.at_end() && (self.indent() > column || nested_seq) {
                    self.inline(if nested_seq { column - 1 } else { column })
                } else {
                    Loc {
                        pos: key_pos,
                        ..Loc::default()
                    }
                }
            } else {
                self.inline(column)
            };
            entries.push((key, key_pos, value));
            self.skip_space_and_comments();
            if self.at_end() || self.indent() != column {
                break;
            }
        }
        Loc {
            pos: start,
            raw: None,
            kind: Kind::Map(entries),
        }
    }

    /// Reads a block mapping key (plain or quoted) and returns its text.
    fn key_text(&mut self) -> String {
        match self.peek() {
            Some(q @ ('"' | '\'')) => self.quoted_text(q),
            _ => {
                let mut key = String::new();
                while let Some(c) = self.peek() {
                    if c == ':' && Self::is_blank(self.peek_at(1)) {
                        break;
                    }
                    key.push(c);
                    self.bump();
                }
                key.trim_end().to_string()
            }
        }
    }

    /// Reads a quoted scalar and returns its (unescaped enough for key matching) text.
    fn quoted_text(&mut self, q: char) -> String {
        let mut out = String::new();
        self.bump();
        while let Some(c) = self.peek() {
            self.bump();
            if q == '"' && c == '\\' {
                if let Some(e) = self.peek() {
                    out.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                    self.bump();
                }
            } else if c == q {
                if q == '\'' && self.peek() == Some('\'') {
                    out.push('\'');
                    self.bump();
                    continue;
                }
                break;
            } else {
                out.push(c);
            }
        }
        out
    }

    fn quoted(&mut self, _parent: i64) -> Loc {
        let pos = self.pos();
        let q = self.peek().unwrap_or('"');
        self.quoted_text(q);
        Loc {
            pos,
            ..Loc::default()
        }
    }

    /// A plain scalar in block context, including continuation lines indented past `parent`.
    fn plain_block(&mut self, parent: i64) -> Loc {
        let pos = self.pos();
        let mut raw = self.plain_line();
        loop {
            // Look ahead: a following non-empty, non-comment line indented past the parent
            // continues this scalar.
            let save = (self.i, self.line, self.col);
            self.skip_to_eol();
            if self.peek() != Some('\n') {
                break;
            }
            self.bump();
            while matches!(self.peek(), Some(' ' | '\t' | '\r' | '\n')) {
                self.bump();
            }
            let continues = !self.at_end()
                && self.indent() > parent
                && self.peek() != Some('#')
                && !self.line_has_key()
                && !(self.peek() == Some('-') && Self::is_blank(self.peek_at(1)));
            if continues {
                raw.push(' ');
                raw.push_str(&self.plain_line());
            } else {
                (self.i, self.line, self.col) = save;
                break;
            }
        }
        Loc {
            pos,
            raw: Some(raw),
            kind: Kind::Scalar,
        }
    }

    /// Reads plain scalar text up to a comment or the end of the line.
    fn plain_line(&mut self) -> String {
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c == '\n' || (c == '#' && text.ends_with([' ', '\t'])) {
                break;
            }
            text.push(c);
            self.bump();
        }
        text.trim_end().to_string()
    }

    fn block_scalar(&mut self, parent: i64) -> Loc {
        let pos = self.pos();
        self.skip_to_eol();
        loop {
            let save = (self.i, self.line, self.col);
            if self.peek() != Some('\n') {
                break;
            }
            self.bump();
            while matches!(self.peek(), Some(' ')) {
                self.bump();
            }
            let blank = matches!(self.peek(), Some('\n' | '\r') | None);
            if blank || self.indent() > parent {
                self.skip_to_eol();
            } else {
                (self.i, self.line, self.col) = save;
                break;
            }
        }
        Loc {
            pos,
            ..Loc::default()
        }
    }

    /// A flow collection or flow scalar (inside `{}` / `[]`).
    fn flow(&mut self) -> Loc {
        let pos = self.pos();
        match self.peek() {
            Some('{') => {
                self.bump();
                let mut entries = Vec::new();
                loop {
                    self.skip_space_and_comments();
                    match self.peek() {
                        None => break,
                        Some('}') => {
                            self.bump();
                            break;
                        }
                        Some(',') => {
                            self.bump();
                            continue;
                        }
                        _ => {}
                    }
                    let key_pos = self.pos();
                    let before = self.i;
                    let key = match self.peek() {
                        Some(q @ ('"' | '\'')) => self.quoted_text(q),
                        _ => self.flow_plain(true),
                    };
                    self.skip_space_and_comments();
                    let value = if self.peek() == Some(':') {
                        self.bump();
                        self.skip_space_and_comments();
                        if matches!(self.peek(), Some(',' | '}')) {
                            Loc {
                                pos: key_pos,
                                ..Loc::default()
                            }
                        } else {
                            self.flow_node()
                        }
                    } else {
                        Loc {
                            pos: key_pos,
                            ..Loc::default()
                        }
                    };
                    entries.push((key, key_pos, value));
                    if self.i == before {
                        self.bump(); // never loop without progress
                    }
                }
                Loc {
                    pos,
                    raw: None,
                    kind: Kind::Map(entries),
                }
            }
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip_space_and_comments();
                    match self.peek() {
                        None => break,
                        Some(']') => {
                            self.bump();
                            break;
                        }
                        Some(',') => {
                            self.bump();
                            continue;
                        }
                        _ => {}
                    }
                    let before = self.i;
                    items.push(self.flow_node());
                    self.skip_space_and_comments();
                    if self.peek() == Some(':') {
                        // `[a: b]`: a single-pair mapping; keep the item, skip the value.
                        self.bump();
                        self.skip_space_and_comments();
                        self.flow_node();
                    }
                    if self.i == before {
                        self.bump();
                    }
                }
                Loc {
                    pos,
                    raw: None,
                    kind: Kind::Seq(items),
                }
            }
            _ => self.flow_node(),
        }
    }

    fn flow_node(&mut self) -> Loc {
        while matches!(self.peek(), Some('&' | '!')) {
            while !Self::is_blank(self.peek()) && !matches!(self.peek(), Some(',' | ']' | '}')) {
                self.bump();
            }
            self.skip_space_and_comments();
        }
        let pos = self.pos();
        match self.peek() {
            Some('{' | '[') => self.flow(),
            Some(q @ ('"' | '\'')) => {
                self.quoted_text(q);
                Loc {
                    pos,
                    ..Loc::default()
                }
            }
            _ => {
                let raw = self.flow_plain(false);
                Loc {
                    pos,
                    raw: Some(raw),
                    kind: Kind::Scalar,
                }
            }
        }
    }

    /// A plain scalar inside a flow collection; `as_key` also stops at `: `.
    fn flow_plain(&mut self, as_key: bool) -> String {
        let mut text = String::new();
        while let Some(c) = self.peek() {
            let next = self.peek_at(1);
            let stop = matches!(c, ',' | ']' | '}')
                || (c == ':'
                    && (Self::is_blank(next) || matches!(next, Some(',' | ']' | '}' | '{' | '['))))
                || (c == '#' && text.ends_with([' ', '\t', '\n']))
                || (as_key && c == '\n' && text.trim().is_empty());
            if stop {
                break;
            }
            text.push(if c == '\n' { ' ' } else { c });
            self.bump();
        }
        text.trim().to_string()
    }
}

#[cfg(test)]
mod tests;
