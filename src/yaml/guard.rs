//! What the YAML parser is never given, and what it must not hand on.
//!
//! Nesting: libyaml and our locator both walk nested values recursively, and a value nested
//! 100,000 deep (`[[[[…]]]]` in 200 KB, well under the file size cap) took 21 s to be
//! refused. No record field is nested more than four deep, so a cheap scan refuses anything past
//! [`MAX_DEPTH`] before either parser sees it.
//!
//! Escapes: a double-quoted `"\x0b"` or `"\u2028"` becomes a control character only after
//! parsing, so the file-level check cannot see it; parsed strings are checked here.

use super::{Node, Pos, SyntaxError, Value};

/// Deepest nesting of mappings and lists accepted, block and flow together.
pub const MAX_DEPTH: usize = 32;

/// The position of the first place nested deeper than [`MAX_DEPTH`], if any. Counts `[`/`{`
/// outside quotes and comments, plus the indentation levels of block collections; it may
/// over-count odd layouts, which is harmless at a limit eight times any real record.
pub fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    let mut quote: Option<u8> = None;
    for (line_no, line) in text.lines().enumerate() {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if flow == 0 && quote.is_none() && !trimmed.is_empty() && !trimmed.starts_with('#') {
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
            // `- - - a` opens a list per dash on one line.
            let dashes = trimmed.split(' ').take_while(|part| *part == "-").count();
            if indents.len() + dashes > MAX_DEPTH {
                return Some((line_no + 1, indent + 1));
            }
        }
        // Bytes, not characters: every mark looked for is ASCII, and no byte of a longer
        // character is one, so this reads the same as a walk by character at a fraction of
        // the cost (every record's front matter passes here).
        let mut prev = b' ';
        for (at, &c) in line.as_bytes().iter().enumerate() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    b'"' | b'\'' if matches!(prev, b' ' | b'[' | b'{' | b',' | b':') => {
                        quote = Some(c)
                    }
                    b'#' if prev == b' ' => break,
                    b'[' | b'{' => {
                        flow += 1;
                        if indents.len() + flow > MAX_DEPTH {
                            return Some((line_no + 1, line[..at].chars().count() + 1));
                        }
                    }
                    b']' | b'}' => flow = flow.saturating_sub(1),
                    _ => {}
                },
            }
            prev = c;
        }
    }
    None
}

/// The error for [`too_deep`], positioned like parser errors.
pub fn too_deep_error(pos: Pos) -> SyntaxError {
    SyntaxError {
        pos,
        message: format!(
            "入れ子が深すぎます({MAX_DEPTH} 段まで)。[ ] や {{ }} の対応を確かめてください"
        ),
        detail: format!("nesting deeper than {MAX_DEPTH} levels"),
    }
}

/// The first key or string value holding a character that breaks output.
pub fn breaking_text(node: &Node) -> Option<SyntaxError> {
    let found = |text: &str, pos: Pos| {
        crate::japanese::textchars::first_breaking(text).map(|(_, c)| SyntaxError {
            pos,
            message: format!(
                "値に目に見えない {} が含まれています(\\x や \\u の書き方で入ったものです)。フィードや連絡先ファイルが壊れるため使えません",
                crate::japanese::textchars::describe(c)
            ),
            detail: format!("control character U+{:04X} in a string", c as u32),
        })
    };
    match &node.value {
        Value::Str(s) => found(s, node.pos),
        Value::Seq(items) => items.iter().find_map(breaking_text),
        Value::Map(entries) => entries
            .iter()
            .find_map(|e| found(&e.key, e.key_pos).or_else(|| breaking_text(&e.value))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_and_block_nesting_is_found_without_parsing() {
        let flow = format!("internal: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(too_deep(&flow), Some((1, 10 + MAX_DEPTH)));
        // Columns count characters, not bytes.
        let flow = format!("名前: {}\n", "[".repeat(40));
        assert_eq!(too_deep(&flow), Some((1, 4 + MAX_DEPTH)));
        let mut block = String::new();
        for level in 0..40 {
            block.push_str(&" ".repeat(level * 2));
            block.push_str("a:\n");
        }
        assert!(too_deep(&block).is_some());
        let dashes = format!("x: {}\n", "- ".repeat(40));
        assert!(too_deep(&format!("k:\n  {}", dashes.trim_start_matches("x: "))).is_some());
    }

    #[test]
    fn real_records_are_not_deep() {
        let text = "name: \"a [b\"\nhours:\n  mon: {am: [\"9:00\", \"12:00\"]}  # [[[[\nlist:\n  - - a\n    - b\n";
        assert_eq!(too_deep(text), None);
    }
}
