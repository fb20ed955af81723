//! Merging imported fields into a file staff already edited by hand (`--update`).
//!
//! A merge touches only the top-level keys the sheet supplies. The front matter is cut at the
//! lines where the YAML parser found its top-level keys, so a block scalar with blank lines, a
//! list with a comment in it or a nested mapping stays one piece; every other line of the file
//! — other fields, comments between fields, `partners_only`, `internal`, the Markdown body — is
//! kept byte for byte. Comments *inside* a replaced field are moved above it, and a comment at
//! the end of its line stays at the end of the new line, so a note staff wrote is never lost.
//!
//! A field counts as changed only if its *value* differs (`tel: 099-211-1234` and
//! `tel: "099-211-1234"` are the same), so re-importing an unchanged sheet changes nothing.

use crate::yaml::{self, Entry, Node, Value as Y};

use super::frontmatter::{canon, canon_value, line};
use super::name_key;
use super::rows::{Draft, Value};

/// One field's change, for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub key: &'static str,
    pub old: Option<String>,
    pub new: String,
    /// Something staff should look at (a 郵便番号 kept beside a new address).
    pub note: Option<String>,
}

/// Merges the draft's fields into an existing content file. Returns the new text and the
/// fields that changed (empty when the file would stay as it is).
pub fn merge(existing: &str, draft: &Draft) -> Result<(String, Vec<Change>), String> {
    let (text, saved) = Saved::unwrap(existing);
    let rest = text
        .strip_prefix("---\n")
        .ok_or("front matter(--- で始まる部分)がありません")?;
    let end = find_close(rest).ok_or("front matter の終わりの --- がありません")?;
    let (front, after) = rest.split_at(end);
    let (front, changes) = merge_mapping(front, 2, draft)?;
    if changes.is_empty() {
        return Ok((existing.to_string(), changes));
    }
    Ok((saved.wrap(format!("---\n{front}{after}")), changes))
}

/// Merges the draft's fields into a YAML file that is one mapping (`site.yaml`).
pub fn merge_yaml(existing: &str, draft: &Draft) -> Result<(String, Vec<Change>), String> {
    let (text, saved) = Saved::unwrap(existing);
    let mut text = text;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let (merged, changes) = merge_mapping(&text, 1, draft)?;
    if changes.is_empty() {
        return Ok((existing.to_string(), changes));
    }
    Ok((saved.wrap(merged), changes))
}

/// How the editor saved a file (a BOM, Windows line ends), so it goes back the same way.
struct Saved {
    bom: bool,
    crlf: bool,
}

impl Saved {
    fn unwrap(existing: &str) -> (String, Saved) {
        let bom = existing.starts_with('\u{feff}');
        let text = existing.strip_prefix('\u{feff}').unwrap_or(existing);
        let crlf = text.contains("\r\n");
        (text.replace("\r\n", "\n"), Saved { bom, crlf })
    }

    fn wrap(&self, mut out: String) -> String {
        if self.crlf {
            out = out.replace('\n', "\r\n");
        }
        if self.bom {
            out.insert(0, '\u{feff}');
        }
        out
    }
}

/// The text a content file's reader sees: no BOM, LF line ends (as `document::read_text`).
pub fn as_read(text: &str) -> String {
    Saved::unwrap(text).0
}

/// Merges into the YAML mapping `front` (LF line ends), whose first line is the file's line
/// `first_line`.
fn merge_mapping(
    front: &str,
    first_line: u32,
    draft: &Draft,
) -> Result<(String, Vec<Change>), String> {
    let node = yaml::parse(front, first_line).map_err(|e| e.message)?;
    let entries: &[Entry] = match &node.value {
        Y::Map(entries) => entries,
        Y::Null => &[],
        _ => return Err("「項目: 値」の形ではありません".into()),
    };
    let mut blocks = blocks(front, first_line, entries)?;
    let mut changes = Vec::new();
    let keys = draft
        .fields
        .iter()
        .map(|(k, _)| *k)
        .chain(draft.toggles.iter().map(|(k, _)| *k));
    let mut seen = Vec::new();
    for key in keys {
        if draft.create_only.contains(&key) || seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let old = entries.iter().find(|e| e.key == key).map(|e| &e.value);
        let (value, note) = match draft.toggles.iter().find(|(k, _)| *k == key) {
            Some((_, items)) => (toggle(old, items), None),
            None => match draft.get(key) {
                Some(v) => fill_from(old, v),
                None => continue,
            },
        };
        let new_canon = canon_value(&value);
        match old {
            // The sheet's cells are cleaned (全角 digits, spaces); the file's text as staff
            // typed it is the same value and stays as it is.
            Some(old)
                if super::normalize::free_text(&canon(old))
                    == super::normalize::free_text(&new_canon) =>
            {
                continue
            }
            // Nothing to add to a list the file does not have.
            None if matches!(&value, Value::List(items) if items.is_empty()) => continue,
            _ => {}
        }
        changes.push(Change {
            key,
            old: old.map(canon),
            new: new_canon,
            note,
        });
        let new_line = line(key, &value);
        match blocks.iter_mut().find(|b| b.key.as_deref() == Some(key)) {
            Some(block) => block.replace(new_line),
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
                        body: new_line,
                        tail: String::new(),
                    },
                );
            }
        }
    }
    let mut out = String::new();
    for b in &blocks {
        out.push_str(&b.body);
        out.push_str(&b.tail);
    }
    Ok((out, changes))
}

/// The file's list with the sheet's ○ items added and its × items taken out; items the sheet
/// has no column for stay (a sheet with only 往診 ○/× says nothing about 在宅看取り).
fn toggle(old: Option<&Node>, items: &[(String, bool)]) -> Value {
    let mut list = list_items(old);
    for (item, on) in items {
        let has = list.contains(item);
        if *on && !has {
            list.push(item.clone());
        } else if !*on && has {
            list.retain(|i| i != item);
        }
    }
    Value::List(list)
}

/// A list field's items; a single item written without brackets (`services: 訪問診療`, which
/// the reader accepts) is a list of one.
pub fn list_items(node: Option<&Node>) -> Vec<String> {
    match node.map(|n| &n.value) {
        Some(Y::Seq(items)) => items.iter().filter_map(Node::scalar_text).collect(),
        Some(Y::Null) | None => Vec::new(),
        Some(_) => node.and_then(Node::scalar_text).into_iter().collect(),
    }
}

/// A mapping value from the sheet keeps the sub-keys the sheet does not have, as long as they
/// still belong with it: `address.postal` stays beside a 住所 (with a note when the 住所 moved),
/// `director.yomi` only while the 院長 is the same person.
fn fill_from(old: Option<&Node>, value: &Value) -> (Value, Option<String>) {
    let (
        Some(Node {
            value: Y::Map(old), ..
        }),
        Value::Map(new),
    ) = (old, value)
    else {
        return (value.clone(), None);
    };
    let old_text = |key: &str| {
        old.iter()
            .find(|e| e.key == key)
            .and_then(|e| e.value.scalar_text())
    };
    let new_text = |key: &str| {
        new.iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| match v {
                Value::Text(s) | Value::Quoted(s) => Some(s.clone()),
                _ => None,
            })
    };
    let mut merged = new.clone();
    let mut note = None;
    for e in old {
        if merged.iter().any(|(k, _)| *k == e.key) {
            continue;
        }
        let Some(text) = e.value.scalar_text() else {
            continue;
        };
        let (key, at): (&'static str, usize) = match e.key.as_str() {
            "postal" => ("postal", 0),
            "text" => ("text", merged.len()),
            "name" => ("name", 0),
            "yomi" => {
                // The reading of the 院長 who left is not the new 院長's.
                let same_person = match (new_text("name"), old_text("name")) {
                    (Some(new), Some(old)) => name_key(&new) == name_key(&old),
                    (None, _) => true,
                    (Some(_), None) => false,
                };
                if !same_person {
                    note = Some(format!(
                        "名前が変わったため、前のよみ「{text}」は外しました"
                    ));
                    continue;
                }
                ("yomi", merged.len())
            }
            _ => continue,
        };
        let moved = |sub: &str| new_text(sub).is_some() && new_text(sub) != old_text(sub);
        if key == "postal" && moved("text") {
            note = Some(format!(
                "住所が変わりました。郵便番号 {text} はそのままです。合っているか確かめてください"
            ));
        }
        if key == "text" && moved("postal") {
            note = Some(format!(
                "郵便番号が変わりました。住所「{text}」はそのままです。合っているか確かめてください"
            ));
        }
        let v = if key == "postal" {
            Value::Quoted(text)
        } else {
            Value::Text(text)
        };
        merged.insert(at, (key, v));
    }
    (Value::Map(merged), note)
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

/// One top-level key of the front matter: its lines (`body`), and the blank and comment lines
/// after it that belong to no field (`tail`), which stay where they are when it is replaced.
/// A block without a key is what comes before the first key.
struct Block {
    key: Option<String>,
    body: String,
    tail: String,
}

impl Block {
    /// Replaces the field with `new_line`, keeping what staff wrote as comments in it.
    fn replace(&mut self, new_line: String) {
        let mut lines = self.body.split_inclusive('\n');
        let key_line = lines.next().unwrap_or("");
        let value = key_line.split_once(':').map(|(_, v)| v).unwrap_or("");
        // Inside a block scalar (`|`, `>`) a `#` line is text, not a comment.
        let literal = matches!(value.trim_start().chars().next(), Some('|' | '>'));
        let mut out = String::new();
        if !literal {
            // Comment lines inside the field, and comments at the end of its inner lines
            // (`  - 内科 # 火木のみ`), go above the new line.
            for l in lines {
                let trimmed = l.trim_start();
                let comment = if trimmed.starts_with('#') {
                    Some(trimmed)
                } else {
                    end_comment(l)
                };
                if let Some(c) = comment {
                    out.push_str(c.trim_end());
                    out.push('\n');
                }
            }
        }
        match end_comment(value) {
            Some(comment) => {
                out.push_str(new_line.trim_end_matches('\n'));
                out.push(' ');
                out.push_str(comment.trim_end());
                out.push('\n');
            }
            None => out.push_str(&new_line),
        }
        self.body = out;
    }
}

/// The `# …` at the end of a value, outside quotes.
fn end_comment(value: &str) -> Option<&str> {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in value.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some('"'), '\\') if prev != '\\' => {}
            (Some(q), c) if c == q && !(q == '"' && prev == '\\') => quote = None,
            (None, '#') if prev.is_whitespace() => return Some(&value[i..]),
            _ => {}
        }
        prev = if prev == '\\' && c == '\\' { ' ' } else { c };
    }
    None
}

/// Cuts the mapping at the lines of its top-level keys, as the parser found them.
fn blocks(front: &str, first_line: u32, entries: &[Entry]) -> Result<Vec<Block>, String> {
    let lines: Vec<&str> = front.split_inclusive('\n').collect();
    let starts: Vec<usize> = entries
        .iter()
        .map(|e| e.key_pos.line.saturating_sub(first_line) as usize)
        .collect();
    let plain_keys = entries
        .iter()
        .zip(&starts)
        .all(|(e, &at)| lines.get(at).is_some_and(|l| l.starts_with(e.key.as_str())));
    if starts.windows(2).any(|w| w[0] >= w[1]) || !plain_keys {
        // A whole mapping on one line, `? ` keys or quoted keys cannot be cut apart safely.
        return Err(
            "項目の書き方を読み取れません(全体を「{ … }」で 1 行に書く形や、「? 」や引用符で始まる項目名は、取り込みでは書き換えられません。1 行に「項目: 値」の形で書いてください)"
                .into(),
        );
    }
    let mut out = vec![Block {
        key: None,
        body: lines[..starts.first().copied().unwrap_or(lines.len())].concat(),
        tail: String::new(),
    }];
    for (i, entry) in entries.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(lines.len());
        let range = &lines[starts[i]..end];
        // Blank lines and column-0 comments at the end belong to no field.
        let mut split = range.len();
        while split > 1 && (range[split - 1].trim().is_empty() || range[split - 1].starts_with('#'))
        {
            split -= 1;
        }
        let mut body = range[..split].concat();
        if !body.ends_with('\n') {
            body.push('\n');
        }
        out.push(Block {
            key: Some(entry.key.clone()),
            body,
            tail: range[split..].concat(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_scalars_lists_with_comments_and_end_comments_survive() {
        let existing = "---\nname: さくら内科\nhours_note: |\n  木曜午後休診\n\n  第2土曜休診\ndepartments:\n# 訪問歯科も\n- 歯科 # 火木のみ\naddress:\n  # 建物名は看板のとおり\n  postal: \"899-0102\"\n  text: 旧住所\ntel: 099-211-1234 # 代表\n\n# 以下は連携室用\ninternal: {notes: メモ}\n---\n本文\n";
        let d = Draft::with_fields(vec![
            ("hours_note", Value::Text("木曜午後休診".into())),
            (
                "departments",
                Value::List(vec!["歯科".into(), "小児歯科".into()]),
            ),
            (
                "address",
                Value::Map(vec![("text", Value::Text("新住所".into()))]),
            ),
            ("tel", Value::Quoted("099-211-9999".into())),
        ]);
        let (text, changes) = merge(existing, &d).unwrap();
        assert_eq!(changes.len(), 4);
        assert_eq!(
            text,
            "---\nname: さくら内科\nhours_note: 木曜午後休診\n# 訪問歯科も\n# 火木のみ\ndepartments: [歯科, 小児歯科]\n# 建物名は看板のとおり\naddress: {postal: \"899-0102\", text: 新住所}\ntel: \"099-211-9999\" # 代表\n\n# 以下は連携室用\ninternal: {notes: メモ}\n---\n本文\n"
        );
        assert!(changes[2].note.as_deref().unwrap().contains("899-0102"));
        let front = text
            .strip_prefix("---\n")
            .and_then(|t| t.split("\n---\n").next());
        assert!(yaml::parse(front.unwrap(), 2).is_ok(), "still YAML");
        let (again, changes) = merge(&text, &d).unwrap();
        assert!(changes.is_empty(), "{changes:?}");
        assert_eq!(again, text);
    }

    #[test]
    fn toggles_add_and_remove_only_their_own_items() {
        let existing = "---\nservices: [訪問診療, 往診, 在宅看取り]\n---\n";
        let mut d = Draft::with_fields(vec![]);
        d.toggles = vec![(
            "services",
            vec![("往診".into(), true), ("訪問診療".into(), false)],
        )];
        let (text, _) = merge(existing, &d).unwrap();
        assert_eq!(text, "---\nservices: [往診, 在宅看取り]\n---\n");
        let (text, _) = merge("---\nservices: 在宅看取り\n---\n", &d).unwrap();
        assert_eq!(
            text, "---\nservices: [在宅看取り, 往診]\n---\n",
            "one item without brackets"
        );
    }

    #[test]
    fn a_new_director_does_not_keep_the_old_reading() {
        let existing = "---\ndirector: {name: 佐藤 一郎, yomi: さとう いちろう}\n---\n";
        let d = Draft::with_fields(vec![(
            "director",
            Value::Map(vec![("name", Value::Text("鈴木 花子".into()))]),
        )]);
        let (text, changes) = merge(existing, &d).unwrap();
        assert_eq!(text, "---\ndirector: {name: 鈴木 花子}\n---\n");
        assert!(changes[0].note.is_some());
        let same = Draft::with_fields(vec![(
            "director",
            Value::Map(vec![("name", Value::Text("佐藤 一郎".into()))]),
        )]);
        assert!(merge(existing, &same).unwrap().1.is_empty());
    }

    #[test]
    fn end_comments_are_found_outside_quotes() {
        assert_eq!(end_comment(" 099 # 代表"), Some("# 代表"));
        assert_eq!(end_comment(" \"a # b\""), None);
        assert_eq!(end_comment(" \"a\\\" # b\" # c"), Some("# c"));
        assert_eq!(end_comment(" a#b"), None);
    }

    #[test]
    fn merge_changes_only_imported_fields_and_keeps_everything_else() {
        let existing = "---\nname: さくら内科\n# 電話は代表\ntel: 099-211-1234\naddress: {postal: \"899-0102\", text: 旧住所}\nhours:\n  - {label: 午前, time: \"09:00-12:00\", days: [mon]}\npartners_only: {direct_line: \"099-211-1239\"}\ninternal: {notes: メモ}\n---\n\n手で書いた本文。\n";
        let d = Draft::with_fields(vec![
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
        let d = Draft::with_fields(vec![("name", Value::Text("さくら内科クリニック".into()))]);
        let (text, changes) = merge(existing, &d).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(
            text,
            "\u{feff}---\r\nname: さくら内科クリニック\r\n# 名前は院長の希望どおり\r\ntel: 099-211-1234\r\n---\r\n本文\r\n"
        );
    }
}
