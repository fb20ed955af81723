//! Writing imported fields as YAML front matter: plain scalars where YAML reads them back as
//! the same text, quotes where it would not (`yes`, `: `, a leading digit), and a canonical
//! form of each value so a merge can tell a real change from a different spelling.

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
pub(super) fn line(key: &str, value: &Value) -> String {
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
pub(super) fn canon(node: &Node) -> String {
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

/// The canonical form of an imported value: what [`canon`] gives for the value once written
/// and read back. Worked out directly — a re-import compares every field of every record, and
/// parsing each one back was a quarter of its time; only ready-made YAML (hours rows) is parsed.
pub fn canon_value(value: &Value) -> String {
    match value {
        Value::Text(s) | Value::Quoted(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::List(items) => format!("[{}]", items.join(", ")),
        Value::Map(entries) => {
            let items: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", canon_value(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Geo(lat, lon) => format!("[{lat}, {lon}]"),
        Value::Yaml(_) => canon_by_reading(value),
    }
}

/// The canonical form of `value` written as YAML and parsed back.
fn canon_by_reading(value: &Value) -> String {
    let text = line("x", value);
    yaml::parse(&text, 1)
        .ok()
        .and_then(|n| match n.value {
            Y::Map(mut e) if !e.is_empty() => Some(canon(&e.remove(0).value)),
            _ => None,
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_form_is_what_reading_the_written_value_back_gives() {
        let texts = [
            "さくら内科",
            "さくら内科: 本院",
            "yes",
            "null",
            "~",
            "true",
            "123",
            "0992111234",
            "2026-04-01",
            "#1",
            "a # b",
            " 前後に空白 ",
            "1行目\n2行目",
            "\"引用\"",
            "-",
            "[a]",
            "{b}",
            "",
            "9:00〜12:00",
            "@mention",
            "%",
        ];
        let mut values: Vec<Value> = Vec::new();
        for t in texts {
            values.push(Value::Text(t.into()));
            values.push(Value::Quoted(t.into()));
        }
        values.push(Value::List(texts.iter().map(|t| t.to_string()).collect()));
        values.push(Value::Map(vec![
            ("postal", Value::Quoted("899-0102".into())),
            ("text", Value::Text("本町2-3, 2階".into())),
        ]));
        values.extend([
            Value::Int(120),
            Value::Int(0),
            Value::Bool(false),
            Value::Geo(31.65, 130.55),
            Value::Geo(31.0, 130.0),
            Value::Geo(-0.5, 1e-3),
        ]);
        for v in &values {
            assert_eq!(canon_value(v), canon_by_reading(v), "{v:?}");
        }
    }

    #[test]
    fn new_files_quote_what_yaml_would_misread() {
        let d = Draft::with_fields(vec![
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
}
