//! Writing imported fields as YAML front matter, and merging them into a file staff already
//! edited by hand.
//!
//! A merge touches only the top-level keys the sheet supplies, line block by line block; every
//! other line of the file — other fields, comments, `partners_only`, `internal`, the Markdown
//! body — is kept byte for byte. A field counts as changed only if its *value* differs
//! (`tel: 099-211-1234` and `tel: "099-211-1234"` are the same), so re-importing an unchanged
//! sheet changes nothing.

use crate::yaml::{self, Node, Value as Y};

use super::rows::{Draft, Value};

/// A new file for `draft`.
pub fn new_file(draft: &Draft) -> String {
    let mut out = String::from("---\n");
    for (key, value) in &draft.fields {
        out.push_str(&line(key, value));
    }
    if draft.draft {
        out.push_str("draft: true\n");
    }
    out.push_str("---\n");
    out
}

/// `key: value\n` (or a block for YAML values).
fn line(key: &str, value: &Value) -> String {
    match value {
        Value::Yaml(block) => format!("{key}:{block}\n"),
        v => format!("{key}: {}\n", render(v)),
    }
}

fn render(value: &Value) -> String {
    match value {
        Value::Text(s) => scalar(s, false),
        Value::Quoted(s) => quoted(s),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::List(items) => {
            let items: Vec<String> = items.iter().map(|i| scalar(i, true)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Map(entries) => {
            let items: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", render_flow(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Geo(lat, lon) => format!("[{lat}, {lon}]"),
        Value::Yaml(y) => y.clone(),
    }
}

fn render_flow(value: &Value) -> String {
    match value {
        Value::Text(s) => scalar(s, true),
        v => render(v),
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Plain when YAML reads it back as the same string, else double-quoted.
fn scalar(s: &str, in_flow: bool) -> String {
    let is_date = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if is_date {
        return s.to_string();
    }
    let reserved = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    );
    let first = s.chars().next();
    let needs_quotes = s.is_empty()
        || reserved
        || s.trim() != s
        || first.is_some_and(|c| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_ascii_digit())
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(|c| c.is_control())
        || (in_flow && s.contains([',', '[', ']', '{', '}']));
    if needs_quotes {
        quoted(s)
    } else {
        s.to_string()
    }
}

/// A value in a canonical text form, for deciding whether a field changed.
fn canon(node: &Node) -> String {
    match &node.value {
        Y::Null => String::new(),
        Y::Seq(items) => {
            let items: Vec<String> = items.iter().map(canon).collect();
            format!("[{}]", items.join(", "))
        }
        Y::Map(entries) => {
            let items: Vec<String> = entries
                .iter()
                .map(|e| format!("{}: {}", e.key, canon(&e.value)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Y::Float(f) => f.to_string(),
        _ => node.scalar_text().unwrap_or_default(),
    }
}

/// The canonical form of an imported value.
pub fn canon_value(value: &Value) -> String {
    let text = line("x", value);
    yaml::parse(&text, 1)
        .ok()
        .and_then(|n| match n.value {
            Y::Map(mut e) if !e.is_empty() => Some(canon(&e.remove(0).value)),
            _ => None,
        })
        .unwrap_or_default()
}

/// One field's change, for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub key: &'static str,
    pub old: Option<String>,
    pub new: String,
}

/// Merges the draft's fields into an existing file. Returns the new text and the fields that
/// changed (empty when the file would stay as it is).
pub fn merge(existing: &str, draft: &Draft) -> Result<(String, Vec<Change>), String> {
    let text = existing.strip_prefix('\u{feff}').unwrap_or(existing);
    let text_lf = text.replace("\r\n", "\n");
    let rest = text_lf
        .strip_prefix("---\n")
        .ok_or("front matter(--- で始まる部分)がありません")?;
    let end = find_close(rest).ok_or("front matter の終わりの --- がありません")?;
    let front = &rest[..end];
    let after = &rest[end..];
    let node = yaml::parse(front, 2).map_err(|e| e.message)?;
    let Y::Map(entries) = &node.value else {
        return Err("front matter が「項目: 値」の形ではありません".into());
    };
    let mut blocks = blocks(front);
    let mut changes = Vec::new();
    for (key, value) in &draft.fields {
        if draft.create_only.contains(key) {
            continue;
        }
        let old = entries.iter().find(|e| e.key == *key).map(|e| &e.value);
        let value = if draft.add_to_lists.contains(key) {
            add_items(old, value)
        } else {
            fill_from(old, value)
        };
        let new_canon = canon_value(&value);
        if let Some(old) = old {
            if canon(old) == new_canon {
                continue;
            }
        }
        changes.push(Change {
            key,
            old: old.map(canon),
            new: new_canon,
        });
        let new_line = line(key, &value);
        match blocks.iter_mut().find(|b| b.key.as_deref() == Some(*key)) {
            Some(block) => block.text = new_line,
            None => {
                // New fields go before partners_only / internal, which close a record by habit.
                let at = blocks
                    .iter()
                    .position(|b| matches!(b.key.as_deref(), Some("partners_only" | "internal")))
                    .unwrap_or(blocks.len());
                blocks.insert(
                    at,
                    Block {
                        key: Some(key.to_string()),
                        text: new_line,
                    },
                );
            }
        }
    }
    if changes.is_empty() {
        return Ok((existing.to_string(), changes));
    }
    let mut out = String::from("---\n");
    for b in &blocks {
        out.push_str(&b.text);
    }
    out.push_str(after);
    // The file goes back the way the editor saved it: Windows line ends and a BOM stay.
    if text.contains("\r\n") {
        out = out.replace('\n', "\r\n");
    }
    if existing.starts_with('\u{feff}') {
        out.insert(0, '\u{feff}');
    }
    Ok((out, changes))
}

/// The file's list items followed by the new ones it lacks.
fn add_items(old: Option<&Node>, value: &Value) -> Value {
    let (
        Some(Node {
            value: Y::Seq(old), ..
        }),
        Value::List(new),
    ) = (old, value)
    else {
        return value.clone();
    };
    let mut items: Vec<String> = old.iter().filter_map(Node::scalar_text).collect();
    for item in new {
        if !items.contains(item) {
            items.push(item.clone());
        }
    }
    Value::List(items)
}

/// A mapping value from the sheet keeps the sub-keys the sheet does not have
/// (`address.postal` when the sheet has only 住所; `director.yomi`).
fn fill_from(old: Option<&Node>, value: &Value) -> Value {
    let (
        Some(Node {
            value: Y::Map(old), ..
        }),
        Value::Map(new),
    ) = (old, value)
    else {
        return value.clone();
    };
    let mut merged = new.clone();
    for e in old {
        if merged.iter().any(|(k, _)| *k == e.key) {
            continue;
        }
        let Some(text) = e.value.scalar_text() else {
            continue;
        };
        let key: &'static str = match e.key.as_str() {
            "postal" => "postal",
            "text" => "text",
            "name" => "name",
            "yomi" => "yomi",
            _ => continue,
        };
        let v = if key == "postal" {
            Value::Quoted(text)
        } else {
            Value::Text(text)
        };
        // Keep the file's order: postal before text, name before yomi.
        let at = if matches!(key, "postal" | "name") {
            0
        } else {
            merged.len()
        };
        merged.insert(at, (key, v));
    }
    Value::Map(merged)
}

fn find_close(rest: &str) -> Option<usize> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// The front matter cut into top-level key blocks (a key line and its indented lines).
struct Block {
    key: Option<String>,
    text: String,
}

fn blocks(front: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for line in front.split_inclusive('\n') {
        let starts_key = line
            .split_once(':')
            .map(|(k, _)| {
                !k.is_empty()
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !line.starts_with(' ')
            })
            .unwrap_or(false);
        // Indented lines and top-level `- ` items continue the key above them; a comment or
        // blank line between keys stands on its own, so replacing a field never takes the
        // note staff wrote under it.
        let continues = line.starts_with([' ', '\t']) || line.starts_with("- ") || line == "-\n";
        if starts_key {
            let key = line.split(':').next().unwrap_or("").to_string();
            out.push(Block {
                key: Some(key),
                text: line.to_string(),
            });
        } else if let (true, Some(last)) = (continues, out.last_mut()) {
            last.text.push_str(line);
        } else {
            out.push(Block {
                key: None,
                text: line.to_string(),
            });
        }
    }
    if let Some(last) = out.last_mut() {
        if !last.text.ends_with('\n') {
            last.text.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(fields: Vec<(&'static str, Value)>) -> Draft {
        let mut d = Draft::new(2);
        d.fields = fields;
        d
    }

    #[test]
    fn new_files_quote_what_yaml_would_misread() {
        let d = draft(vec![
            ("name", Value::Text("さくら内科: 本院".into())),
            ("tel", Value::Quoted("099-211-1234".into())),
            (
                "departments",
                Value::List(vec!["内科".into(), "a, b".into()]),
            ),
            (
                "address",
                Value::Map(vec![
                    ("postal", Value::Quoted("899-0102".into())),
                    ("text", Value::Text("本町2-3".into())),
                ]),
            ),
            ("registered", Value::Bool(true)),
            ("updated", Value::Text("2026-04-01".into())),
            ("hours_note", Value::Text("yes".into())),
        ]);
        assert_eq!(
            new_file(&d),
            "---\nname: \"さくら内科: 本院\"\ntel: \"099-211-1234\"\ndepartments: [内科, \"a, b\"]\naddress: {postal: \"899-0102\", text: 本町2-3}\nregistered: true\nupdated: 2026-04-01\nhours_note: \"yes\"\n---\n"
        );
    }

    #[test]
    fn merge_changes_only_imported_fields_and_keeps_everything_else() {
        let existing = "---\nname: さくら内科\n# 電話は代表\ntel: 099-211-1234\naddress: {postal: \"899-0102\", text: 旧住所}\nhours:\n  - {label: 午前, time: \"09:00-12:00\", days: [mon]}\npartners_only: {direct_line: \"099-211-1239\"}\ninternal: {notes: メモ}\n---\n\n手で書いた本文。\n";
        let d = draft(vec![
            ("name", Value::Text("さくら内科".into())),
            ("tel", Value::Quoted("099-211-1234".into())),
            (
                "address",
                Value::Map(vec![("text", Value::Text("新住所".into()))]),
            ),
            ("fax", Value::Quoted("099-211-1235".into())),
        ]);
        let (text, changes) = merge(existing, &d).unwrap();
        let keys: Vec<&str> = changes.iter().map(|c| c.key).collect();
        assert_eq!(
            keys,
            ["address", "fax"],
            "an unquoted tel is the same value"
        );
        assert_eq!(
            text,
            "---\nname: さくら内科\n# 電話は代表\ntel: 099-211-1234\naddress: {postal: \"899-0102\", text: 新住所}\nhours:\n  - {label: 午前, time: \"09:00-12:00\", days: [mon]}\nfax: \"099-211-1235\"\npartners_only: {direct_line: \"099-211-1239\"}\ninternal: {notes: メモ}\n---\n\n手で書いた本文。\n"
        );
        // Merging again changes nothing.
        let (again, changes) = merge(&text, &d).unwrap();
        assert!(changes.is_empty());
        assert_eq!(again, text);
    }

    #[test]
    fn comments_under_a_changed_field_and_windows_line_ends_stay() {
        let existing = "\u{feff}---\r\nname: さくら内科\r\n# 名前は院長の希望どおり\r\ntel: 099-211-1234\r\n---\r\n本文\r\n";
        let d = draft(vec![("name", Value::Text("さくら内科クリニック".into()))]);
        let (text, changes) = merge(existing, &d).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(
            text,
            "\u{feff}---\r\nname: さくら内科クリニック\r\n# 名前は院長の希望どおり\r\ntel: 099-211-1234\r\n---\r\n本文\r\n"
        );
    }
}
