//! The source line under a message, with a caret under the column, the way rustc shows it:
//!
//! ```text
//! content/partners/sakura.md:9:1: tell: 不明な項目です。もしかして「tel」?
//!     9 | tell: "099-211-1234"
//!       | ^^^^
//! ```
//!
//! Staff rarely read line numbers; they read the line. Columns count characters, and a
//! full-width character takes two terminal cells, so the caret is placed by display width.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

use super::Diagnostic;

/// Files larger than this are not quoted (the loader refuses them anyway).
const MAX_QUOTED_BYTES: u64 = 2 * 1024 * 1024;

/// Reads each file once, however many messages point into it.
pub struct Sources<'a> {
    root: &'a Path,
    files: HashMap<String, Option<Vec<String>>>,
}

impl<'a> Sources<'a> {
    pub fn new(root: &'a Path) -> Self {
        Sources {
            root,
            files: HashMap::new(),
        }
    }

    /// The line `d` points at, if it can be shown: the one it carries
    /// ([`Diagnostic::source_line`]), or else read from its file.
    pub fn line<'s>(&'s mut self, d: &'s Diagnostic) -> Option<&'s str> {
        match &d.source_line {
            Some(line) => Some(line.as_str()),
            None => self.read_line(&d.path, d.line),
        }
    }

    /// The 1-based `line` of `path` (relative to the site root), if it can be shown.
    fn read_line(&mut self, path: &str, line: u32) -> Option<&str> {
        let root = self.root;
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let lines = self
            .files
            .entry(path.to_string())
            .or_insert_with(|| read_lines(&root.join(path)));
        lines.as_ref()?.get(index).map(String::as_str)
    }

    /// The message followed by its quoted line and caret, or the message alone.
    pub fn render(&mut self, d: &Diagnostic) -> String {
        let mut out = d.to_string();
        if let Some(source) = self.line(d) {
            out.push('\n');
            out.push_str(&quote(d.line, source, d.col));
        }
        out
    }
}

fn read_lines(path: &Path) -> Option<Vec<String>> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_QUOTED_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    // Lossy: a Shift_JIS line still shows where the problem is, with � for what cannot be read.
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Some(text.lines().map(str::to_string).collect())
}

/// Characters of a source line shown at most: a pasted 200 KB line would otherwise fill the
/// terminal and hide the message. Longer lines show a window around the column.
const MAX_QUOTED_CHARS: usize = 100;

/// `    9 | line` and `      | ^^^` under the 1-based character column `col`.
pub fn quote(line_no: u32, source: &str, col: u32) -> String {
    let gutter = line_no.to_string();
    let pad = " ".repeat(gutter.len());
    let chars: Vec<char> = source
        .chars()
        .map(|c| if c == '\t' || c.is_control() { ' ' } else { c })
        .collect();
    let at = col.saturating_sub(1) as usize;
    let (start, end) = if chars.len() <= MAX_QUOTED_CHARS {
        (0, chars.len())
    } else {
        let start = at
            .saturating_sub(MAX_QUOTED_CHARS / 3)
            .min(chars.len() - MAX_QUOTED_CHARS);
        (start, start + MAX_QUOTED_CHARS)
    };
    let lead = if start > 0 { "…" } else { "" };
    let trail = if end < chars.len() { "…" } else { "" };
    let window = &chars[start..end];
    let shown: String = lead
        .chars()
        .chain(window.iter().copied())
        .chain(trail.chars())
        .collect();
    let before: usize = lead.chars().count()
        + window
            .iter()
            .take(at.saturating_sub(start))
            .copied()
            .map(width)
            .sum::<usize>();
    let under: usize = window
        .iter()
        .skip(at.saturating_sub(start))
        .take_while(|c| !matches!(c, ' ' | ',' | ']' | '}' | ')' | '"' | '>' | ':' | '、'))
        .copied()
        .map(width)
        .sum();
    let mut out = String::new();
    let _ = writeln!(out, "    {gutter} | {shown}");
    let _ = write!(
        out,
        "    {pad} | {}{}",
        " ".repeat(before),
        "^".repeat(under.max(1))
    );
    out
}

/// Terminal cells a character takes: two for East Asian wide and full-width characters.
fn width(c: char) -> usize {
    let c = c as u32;
    let wide = (0x1100..=0x115F).contains(&c)
        || (0x2E80..=0x303E).contains(&c)
        || (0x3041..=0x33FF).contains(&c)
        || (0x3400..=0x4DBF).contains(&c)
        || (0x4E00..=0x9FFF).contains(&c)
        || (0xA000..=0xA4CF).contains(&c)
        || (0xAC00..=0xD7A3).contains(&c)
        || (0xF900..=0xFAFF).contains(&c)
        || (0xFE30..=0xFE4F).contains(&c)
        || (0xFF00..=0xFF60).contains(&c)
        || (0xFFE0..=0xFFE6).contains(&c)
        || (0x20000..=0x3FFFD).contains(&c);
    if wide {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_column_counting_full_width_as_two() {
        // 「departments: [」 is 14 cells, 「内科, 」 6: the caret starts at cell 21.
        assert_eq!(
            quote(5, "departments: [内科, 循環器科]", 19),
            format!(
                "    5 | departments: [内科, 循環器科]\n      | {}^^^^^^^^",
                " ".repeat(20)
            )
        );
        assert_eq!(
            quote(12, "tell: \"099\"", 1),
            "    12 | tell: \"099\"\n       | ^^^^"
        );
    }

    #[test]
    fn tabs_and_odd_columns_do_not_break_the_layout() {
        assert_eq!(quote(1, "\tx: 1", 1), "    1 |  x: 1\n      | ^");
        // A column past the end still draws one caret.
        assert_eq!(quote(1, "ab", 9), "    1 | ab\n      |   ^");
        assert_eq!(quote(1, "", 0), "    1 | \n      | ^");
    }

    #[test]
    fn long_lines_show_a_window_around_the_column() {
        let line = format!("internal: {}x{}", "[".repeat(5000), "]".repeat(5000));
        let q = quote(2, &line, 5011);
        let first = q.lines().next().unwrap();
        assert!(first.chars().count() < MAX_QUOTED_CHARS + 20, "{first}");
        assert!(first.contains('…') && first.contains('x'));
        // The caret still sits under the column: the `x`.
        let caret = q.lines().nth(1).unwrap().find('^').unwrap();
        assert_eq!(first.chars().nth(caret), Some('x'), "{q}");
    }
}
