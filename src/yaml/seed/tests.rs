//! The seed against the way it replaced: serde_yaml's `Value`, then a copy into `Node`s. Both
//! must agree on every text, the nodes and positions they make and the errors they give.

use serde::de::DeserializeSeed;

use super::super::locate::{locate, Loc};
use super::super::{key_text, Entry, Node, Pos, Value};
use super::NodeSeed;

/// Builds a [`Node`] from serde_yaml's value, taking positions from the locator's tree where
/// its shape agrees and falling back to the enclosing position where it does not.
fn convert(value: serde_yaml::Value, loc: Option<&Loc>, fallback: Pos, first_line: u32) -> Node {
    let shift = |p: Pos| Pos {
        line: p.line.saturating_add(first_line.saturating_sub(1)),
        col: p.col,
    };
    let pos = loc.map(|l| shift(l.pos)).unwrap_or(fallback);
    let raw = loc.and_then(|l| l.raw.clone());
    let value = match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                // Larger than i64: keep it as text so nothing silently wraps.
                Value::Str(u.to_string())
            } else {
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_yaml::Value::String(s) => Value::Str(s),
        serde_yaml::Value::Sequence(items) => Value::Seq(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| convert(item, loc.and_then(|l| l.item(i)), pos, first_line))
                .collect(),
        ),
        serde_yaml::Value::Mapping(map) => Value::Map(
            map.into_iter()
                .map(|(k, v)| {
                    let key = key_text(&k);
                    let entry = loc.and_then(|l| l.entry(&key));
                    let key_pos = entry.map(|(p, _)| shift(p)).unwrap_or(pos);
                    let value = convert(v, entry.map(|(_, l)| l), key_pos, first_line);
                    Entry {
                        key,
                        key_pos,
                        value,
                    }
                })
                .collect(),
        ),
        serde_yaml::Value::Tagged(tagged) => {
            return convert(tagged.value, loc, fallback, first_line);
        }
    };
    Node { value, pos, raw }
}

const FIRST_LINE: u32 = 3;

fn start() -> Pos {
    Pos {
        line: FIRST_LINE,
        col: 1,
    }
}

/// Debug text, so that `.nan` equals itself.
fn direct(text: &str) -> String {
    let loc = locate(text);
    let seed = NodeSeed {
        loc: loc.as_ref(),
        fallback: start(),
        first_line: FIRST_LINE,
    };
    format!(
        "{:?}",
        seed.deserialize(serde_yaml::Deserializer::from_str(text))
            .map_err(|e| e.to_string())
    )
}

fn through_value(text: &str) -> String {
    let result = serde_yaml::from_str::<serde_yaml::Value>(text).map(|value| {
        let loc = locate(text);
        convert(value, loc.as_ref(), start(), FIRST_LINE)
    });
    format!("{:?}", result.map_err(|e| e.to_string()))
}

fn agree(text: &str) {
    assert_eq!(direct(text), through_value(text), "for {text:?}");
}

#[test]
fn values_keys_and_errors_agree_with_serde_yaml_value() {
    let cases = [
        "",
        "# only a comment\n",
        "name: さくら\ntel: 0120123456\nbeds: 120\nrate: 1.5\nopen: true\nnote: ~\nempty:\n",
        "big: 18446744073709551615\nbigger: 18446744073709551616\nneg: -9223372036854775808\n",
        "nan: .nan\ninf: -.inf\nhex: 0x1F\noct: 0o17\n",
        "list:\n  - a\n  - {b: 1, c: [2, 3]}\n  - - nested\n    - deeper\n",
        // Repeated keys of every kind serde_yaml words differently.
        "name: a\nyomi: b\nname: c\n",
        "\"name\": a\nname: b\n",
        "1: a\n1: b\n",
        "1: a\n\"1\": b\n",
        "true: a\ntrue: b\n",
        "true: a\n\"true\": b\n",
        "~: a\nnull: b\n",
        "? [a]\n: 1\n? [a]\n: 2\n",
        "? {a: 1}\n: x\n",
        "a: {x: 1, x: 2}\n",
        // Tags, anchors and aliases.
        "a: !custom 5\nb: !!str 5\nc: !x {d: 1}\n",
        "! a: 1\n",
        "a: ! x\n",
        "base: &b {x: 1}\nuse: *b\n<<: *b\n",
        "a: *missing\n",
        // Broken text.
        "name: \"abc\nyomi: b\n",
        "a: b: c\n",
        "---\na: 1\n---\nb: 2\n",
        "a:\n\t- b\n",
        "[1, 2\n",
    ];
    for text in cases {
        agree(text);
    }
}

#[test]
fn long_mappings_find_repeated_keys_by_set_as_by_scan() {
    for repeat_at in [0, 3, 15, 16, 17, 39] {
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!("k{i}: {i}\n"));
        }
        text.push_str(&format!("k{repeat_at}: again\n"));
        text.push_str("1: one\ntrue: yes\n\"1\": text\n");
        agree(&text);
        assert!(direct(&text).contains("duplicate entry"), "{text}");
    }
}

#[test]
fn random_yamlish_text_agrees() {
    const PIECES: &[&str] = &[
        "a", "b", "名前", ":", ": ", " ", "  ", "\n", "\n  ", "- ", "-", "{", "}", "[", "]", ",",
        "\"", "'", "#", "|", ">", "&x ", "*x", "!!str ", "!t ", "! ", "? ", "0120", "1.5", "true",
        "~", "\\", "---", "〜",
    ];
    for text in crate::pieces::texts(PIECES, 0x2545_F491_4F6C_DD1D, 30, 6000) {
        agree(&text);
    }
}

/// Every front matter and data file of the demo site and the test fixtures.
#[test]
fn every_yaml_file_in_the_repository_agrees() {
    for text in super::super::repository_texts() {
        agree(&text);
    }
}
