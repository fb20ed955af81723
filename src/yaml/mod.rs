//! YAML for front matter, `site.yaml` and `data/*.yaml`, behind one small interface.
//!
//! serde_yaml is deprecated upstream, so nothing outside this module names it: the rest of
//! renkei sees only [`Node`], a YAML value that knows where it was written. serde_yaml decides
//! what the text *means* (syntax, scalar types, duplicate keys); [`locate`] walks the same text
//! to find *where* each key and value sits, because serde_yaml 0.9 keeps no positions. Staff need
//! `partners/sakura.md:7:3`, not "somewhere in the front matter".
//!
//! Most records keep to a small, regular part of YAML, which [`quick`] reads in one pass with
//! its positions; it hands everything else to the full path above, unread.
//!
//! Swapping the parser means rewriting this file and [`seed`], keeping [`parse`]'s signature.

mod guard;
mod locate;
mod quick;
mod seed;

/// A 1-based line and column (in characters) in the file the YAML came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A parsed YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// The source text of a plain (unquoted) scalar. It lets a string field written as
    /// `tel: 0120123456` keep its leading zero, which the YAML number would lose.
    pub raw: Option<String>,
}

/// The shape of a YAML value. Mappings keep their written order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

/// A YAML syntax error, positioned in the containing file.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub pos: Pos,
    /// A message for staff, in Japanese.
    pub message: String,
    /// The parser's own words, kept for the curious and for bug reports.
    pub detail: String,
}

impl Node {
    /// A short Japanese name of this value's type, for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "空",
            Value::Bool(_) => "真偽値",
            Value::Int(_) => "整数",
            Value::Float(_) => "小数",
            Value::Str(_) => "文字列",
            Value::Seq(_) => "リスト",
            Value::Map(_) => "項目の組 (mapping)",
        }
    }

    /// The value as text when it is a scalar: strings as written, numbers and booleans as their
    /// source text. Lists and mappings give `None`.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => Some(match &self.raw {
                Some(raw) => raw.clone(),
                None => match &self.value {
                    Value::Int(i) => i.to_string(),
                    Value::Float(f) => f.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => String::new(),
                },
            }),
            _ => None,
        }
    }
}

/// Parses `text` as one YAML document. `first_line` is the file line on which `text` starts, so
/// that front matter errors point into the `.md` file and not into the extracted block.
pub fn parse(text: &str, first_line: u32) -> Result<Node, SyntaxError> {
    let shift = shifter(first_line);
    if let Some((line, col)) = guard::too_deep(text) {
        return Err(guard::too_deep_error(shift(line, col)));
    }
    let node = match quick::parse(text, first_line) {
        Some(node) => {
            debug_assert_eq!(
                Ok(&node),
                full(text, first_line).as_ref(),
                "the fast path read {text:?} differently"
            );
            node
        }
        None => full(text, first_line)?,
    };
    match guard::breaking_text(&node) {
        Some(error) => Err(error),
        None => Ok(node),
    }
}

/// A position in the YAML text moved into its file, where the text starts on `first_line`.
fn shifter(first_line: u32) -> impl Fn(usize, usize) -> Pos {
    move |line, col| Pos {
        line: (line as u32).saturating_add(first_line.saturating_sub(1)),
        col: col as u32,
    }
}

/// The full path: serde_yaml decides, the locator positions, the seed builds the nodes.
fn full(text: &str, first_line: u32) -> Result<Node, SyntaxError> {
    let shift = shifter(first_line);
    // Located first: the seed takes each value's position as it makes the node.
    let loc = locate::locate(text);
    let seed = seed::NodeSeed {
        loc: loc.as_ref(),
        fallback: shift(1, 1),
        first_line,
    };
    serde::de::DeserializeSeed::deserialize(seed, serde_yaml::Deserializer::from_str(text))
        .map_err(|err| syntax_error(&err, text, shift))
}

/// serde_yaml's error as staff see it: positioned where the slip is, not where libyaml gave
/// up, and explained in Japanese.
fn syntax_error(
    err: &serde_yaml::Error,
    text: &str,
    shift: impl Fn(usize, usize) -> Pos,
) -> SyntaxError {
    let full = err.to_string();
    let (mut line, mut col) = err
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    // An unclosed quote or bracket is noticed at the end of the text; where it was opened
    // is what staff need to see.
    if full.contains("while scanning a quoted scalar") || full.contains("while parsing a flow") {
        if let Some(at) = context_mark(&full) {
            (line, col) = at;
        }
    }
    if let Some(key) = duplicate_key(&full) {
        if let Some(at) = second_occurrence(text, &key) {
            (line, col) = at;
        }
    }
    let detail = strip_position(&full);
    let mut message = explain(&detail);
    // A double quote left open swallows the following lines, and libyaml complains far
    // below it; the line with an odd number of quotes is the one to fix.
    if !detail.contains("tab") {
        if let Some((l, c)) = open_quote_line(text, line) {
            (line, col) = (l, c);
            message = "引用符(\")が閉じられていません".to_string();
        }
    }
    SyntaxError {
        pos: shift(line, col),
        message,
        detail,
    }
}

/// A mapping key as text: a string as it is; a number, a boolean or null (`1:`, `true:`, `~:`)
/// as YAML prints it.
fn key_text(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "null".to_string(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// libyaml writes " at line L column C" after the problem and after its context; we print
/// positions our own way.
fn strip_position(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + " at line ".len()..];
        let skip = tail
            .find(" column ")
            .map(|j| {
                let after = &tail[j + " column ".len()..];
                j + " column ".len() + after.chars().take_while(char::is_ascii_digit).count()
            })
            .unwrap_or(0);
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out
}

/// The position libyaml gives for the context ("while scanning … at line L column C").
fn context_mark(message: &str) -> Option<(usize, usize)> {
    let i = message.find("while ")?;
    let tail = &message[i..];
    let j = tail.find(" at line ")?;
    let nums = &tail[j + " at line ".len()..];
    let (line, rest) = nums.split_once(" column ")?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, col.parse().ok()?))
}

/// The first line up to `upto` with an unmatched `"` (outside comments), and its column.
fn open_quote_line(text: &str, upto: usize) -> Option<(usize, usize)> {
    for (n, line) in text.lines().enumerate().take(upto) {
        let mut open: Option<usize> = None;
        let mut escaped = false;
        let mut single = false;
        for (i, c) in line.chars().enumerate() {
            match c {
                '\\' if open.is_some() => escaped = !escaped,
                '"' if !escaped && !single => open = if open.is_some() { None } else { Some(i) },
                '\'' if open.is_none() => {
                    single = !single
                        && line[..line.char_indices().nth(i).map(|(b, _)| b).unwrap_or(0)]
                            .trim_end()
                            .ends_with([':', '-', '[', '{', ','])
                }
                '#' if open.is_none() && !single => break,
                _ => escaped = false,
            }
        }
        if let Some(i) = open {
            return Some((n + 1, i + 1));
        }
    }
    None
}

fn duplicate_key(message: &str) -> Option<String> {
    let rest = message.split("duplicate entry with key ").nth(1)?;
    let key = rest.trim().trim_matches('"');
    let key = key.split('"').next().unwrap_or(key);
    Some(key.to_string())
}

/// Line and column of the second `key:` in the text; serde_yaml points at the mapping instead.
fn second_occurrence(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut seen = 0;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start_matches([' ', '-']);
        let indent = line.len() - trimmed.len();
        for candidate in [key.to_string(), format!("\"{key}\""), format!("'{key}'")] {
            if let Some(after) = trimmed.strip_prefix(candidate.as_str()) {
                if after.trim_start().starts_with(':') {
                    seen += 1;
                    if seen == 2 {
                        return Some((n + 1, line[..indent].chars().count() + 1));
                    }
                }
            }
        }
    }
    None
}

/// Turns the parser's English into a Japanese hint for the common slips staff make.
fn explain(detail: &str) -> String {
    let hints: &[(&str, &str)] = &[
        (
            "tab character",
            "字下げにタブ文字が使われています。字下げは半角スペースで書いてください",
        ),
        (
            "found character that cannot start any token",
            "YAML として読めない文字があります(字下げにタブ文字を使っていませんか? 字下げは半角スペースで書いてください)",
        ),
        (
            "while scanning a quoted scalar",
            "引用符(\" または ')が閉じられていません",
        ),
        (
            "duplicate entry",
            "同じ項目が 2 回書かれています。どちらか一方を消してください",
        ),
        (
            "mapping values are not allowed in this context",
            "この位置に「: 」は書けません(値に「: 」を含むときは全体を引用符で囲んでください)",
        ),
        (
            "did not find expected key",
            "項目の書き方が崩れています(字下げがそろっているか、- や : の後に半角スペースがあるか確認してください)",
        ),
        (
            "did not find expected '-' indicator",
            "リストの字下げがそろっていません",
        ),
        (
            "did not find expected node content",
            "値が書かれていません",
        ),
        (
            "found unexpected end of stream",
            "途中で終わっています(括弧や引用符が閉じられていません)",
        ),
        (
            "could not find expected ':'",
            "「項目名: 値」の「:」が見つかりません",
        ),
        (
            "block sequence entries are not allowed in this context",
            "この位置にリスト(- で始まる行)は書けません",
        ),
        (
            "did not find expected ',' or ']'",
            "[ ] の括弧が閉じていないか、区切りの「,」がありません",
        ),
        (
            "did not find expected ',' or '}'",
            "{ } の括弧が閉じていないか、区切りの「,」がありません",
        ),
        ("recursion limit exceeded", "入れ子が深すぎます"),
        ("unknown anchor", "定義されていないアンカー(*名前)を参照しています"),
        (
            "more than one document",
            "文書区切り(---)が多すぎます。front matter は 2 本の --- の間に 1 つだけ書いてください",
        ),
    ];
    for (needle, hint) in hints {
        if detail.contains(needle) {
            return (*hint).to_string();
        }
    }
    "YAML の書き方に誤りがあります".to_string()
}

/// Every front matter and data file of the demo site and the test fixtures, for tests that
/// hold two readers of YAML side by side.
#[cfg(test)]
fn repository_texts() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("content"), root.join("tests")];
    let mut texts = Vec::new();
    while let Some(dir) = stack.pop() {
        let Ok(listing) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in listing.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let yaml = match path.extension().and_then(|e| e.to_str()) {
                Some("yaml" | "yml") => text,
                Some("md") => match text
                    .strip_prefix("---\n")
                    .and_then(|rest| rest.split_once("\n---"))
                {
                    Some((front, _)) => front.to_string(),
                    None => continue,
                },
                _ => continue,
            };
            texts.push(yaml);
        }
    }
    assert!(texts.len() > 100, "only {} files found", texts.len());
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(node: &Node) -> &[Entry] {
        match &node.value {
            Value::Map(entries) => entries,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn positions_are_shifted_into_the_file() {
        let node = parse("name: さくら\ntel: \"099-201-1000\"\n", 2).unwrap();
        let entries = map(&node);
        assert_eq!(entries[0].key_pos, Pos { line: 2, col: 1 });
        assert_eq!(entries[1].key_pos, Pos { line: 3, col: 1 });
        assert_eq!(entries[1].value.pos, Pos { line: 3, col: 6 });
    }

    #[test]
    fn plain_numbers_keep_their_source_text() {
        let node = parse("tel: 0120123456\n", 1).unwrap();
        let tel = &map(&node)[0].value;
        // serde_yaml keeps leading-zero numbers as strings already; the raw text covers the rest.
        assert_eq!(tel.value, Value::Str("0120123456".into()));
        let beds = parse("beds: 120\n", 1).unwrap();
        assert_eq!(map(&beds)[0].value.raw.as_deref(), Some("120"));
        assert_eq!(tel.scalar_text().as_deref(), Some("0120123456"));
    }

    #[test]
    fn syntax_errors_are_positioned_and_explained() {
        let err = parse("name: a\n\tyomi: b\n", 5).unwrap_err();
        assert_eq!(err.pos.line, 6);
        assert!(err.message.contains("タブ"), "{}", err.message);

        let err = parse("name: \"abc\nyomi: b\n", 1).unwrap_err();
        assert!(err.message.contains("引用符"), "{}", err.message);

        assert_eq!(err.pos.line, 1, "points at the opening quote");

        let err = parse("name: a\nyomi: b\nname: c\n", 1).unwrap_err();
        assert!(err.message.contains("2 回"), "{}", err.message);
        assert_eq!(err.pos, Pos { line: 3, col: 1 });
        assert!(!err.detail.contains(" at line "), "{}", err.detail);
    }

    #[test]
    fn nested_positions_follow_flow_and_block_forms() {
        let text = "address: {postal: \"899-0101\", text: 汐見県}\nhours:\n  - {label: 午前, days: [mon, tue]}\n  - label: 午後\n    days: [wed]\n";
        let node = parse(text, 1).unwrap();
        let entries = map(&node);
        let postal = &map(&entries[0].value)[0];
        assert_eq!(postal.key_pos, Pos { line: 1, col: 11 });
        let Value::Seq(rows) = &entries[1].value.value else {
            panic!()
        };
        let second = map(&rows[1]);
        assert_eq!(second[1].key, "days");
        assert_eq!(second[1].key_pos, Pos { line: 5, col: 5 });
        let Value::Seq(days) = &map(&rows[0])[1].value.value else {
            panic!()
        };
        assert_eq!(days[1].pos, Pos { line: 3, col: 29 });
    }

    /// Arbitrary YAML-ish text never panics the parser or the locator (a cheap, deterministic
    /// fuzz; staff files are full of half-finished structure).
    #[test]
    fn never_panics_on_random_yamlish_text() {
        const PIECES: &[&str] = &[
            "a", "名前", ":", ": ", " ", "  ", "\n", "\n  ", "- ", "-", "{", "}", "[", "]", ",",
            "\"", "'", "#", "|", ">", "&x ", "*x", "!!str ", "? ", "\t", "0120", "1.5", "true",
            "\\", "---", "\r\n", "〜",
        ];
        for text in crate::pieces::texts(PIECES, 0x9E37_79B9_7F4A_7C15, 40, 4000) {
            let _ = parse(&text, 3);
        }
    }
}
