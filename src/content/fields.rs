//! A strict reader for YAML mappings: typed fields, positioned errors, unknown keys caught.
//!
//! Every record type reads its front matter through [`Fields`]. Each accessor both reads a key and
//! declares it known, so [`Fields::finish`] can report every key nobody asked for, with a
//! did-you-mean (`tell` → `tel`) and the list of valid names. That is what keeps a typo from
//! silently vanishing, which the content model requires of every file.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::report::FileReport;
use crate::diagnostics::suggest;
use crate::japanese::phone::{parse_phone, parse_postal, Phone};
use crate::yaml::{Entry, Node, Pos, Value};

/// A mapping being read field by field.
pub struct Fields<'a> {
    report: &'a FileReport,
    entries: &'a [Entry],
    /// Field path of this mapping, e.g. `address` or `hours[2]`; empty at top level.
    prefix: String,
    pos: Pos,
    known: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    /// Starts reading `node` as a mapping; reports and returns `None` when it is not one.
    pub fn new(node: &'a Node, prefix: &str, report: &'a FileReport) -> Option<Fields<'a>> {
        match &node.value {
            Value::Map(entries) => Some(Fields {
                report,
                entries,
                prefix: prefix.to_string(),
                pos: node.pos,
                known: Vec::new(),
            }),
            _ => {
                report.error(
                    node.pos,
                    prefix,
                    format!(
                        "「項目名: 値」の組で書いてください({}が書かれています)",
                        node.type_name()
                    ),
                    Some("mapping"),
                );
                None
            }
        }
    }

    pub fn report(&self) -> &'a FileReport {
        self.report
    }

    /// Position of the mapping itself, for "required field missing" errors.
    pub fn pos(&self) -> Pos {
        self.pos
    }

    /// The dotted path of `key` inside this mapping.
    pub fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    /// The raw node of `key`, declaring the key known. Null counts as absent.
    pub fn node(&mut self, key: &'static str) -> Option<&'a Node> {
        if !self.known.contains(&key) {
            self.known.push(key);
        }
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
            .filter(|n| n.value != Value::Null)
    }

    /// Whether `key` is written at all, even with nothing after it (`fax:`).
    pub fn is_written(&self, key: &str) -> bool {
        self.entries.iter().any(|e| e.key == key)
    }

    /// Position of `key` if present, else of the mapping.
    pub fn key_pos(&self, key: &str) -> Pos {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.key_pos)
            .unwrap_or(self.pos)
    }

    fn missing(&self, key: &str, expected: &str) {
        self.report_missing(key, "", expected);
    }

    /// Reports a required `key` that is absent or written with nothing after it (`name:` or
    /// `services: []`, the way `renkei new` leaves what staff must fill in). A key that is
    /// there is pointed at on its own line, so the message lands where the value belongs.
    /// `what` names the value in words (「(号)」) when the field name alone would not say it.
    /// True when the value is there.
    pub fn require(&mut self, key: &'static str, what: &str, expected: &str) -> bool {
        match self.node(key) {
            Some(n) if !matches!(&n.value, Value::Seq(items) if items.is_empty()) => return true,
            _ => {}
        }
        self.report_missing(key, what, expected);
        false
    }

    fn report_missing(&self, key: &str, what: &str, expected: &str) {
        let message = if self.is_written(key) {
            format!("値が書かれていません{what}。書き入れてください")
        } else {
            format!("必須の項目がありません{what}")
        };
        self.report
            .error(self.key_pos(key), &self.path(key), message, Some(expected));
    }

    fn wrong_type(&self, key: &str, node: &Node, expected: &str) {
        self.report.error(
            node.pos,
            &self.path(key),
            format!(
                "{}で書いてください({}が書かれています)",
                expected,
                node.type_name()
            ),
            Some(expected),
        );
    }

    /// An optional text field. Numbers are accepted as their source text (`tel: 0991234567`).
    pub fn text(&mut self, key: &'static str) -> Option<String> {
        let node = self.node(key)?;
        match node.scalar_text() {
            // `name: yes` is YAML's true, not the text "yes": say so rather than guess.
            Some(_) if matches!(node.value, Value::Bool(_)) => {
                self.wrong_type(key, node, "文字列");
                None
            }
            Some(s) => {
                let s = s.trim().to_string();
                if s.is_empty() {
                    None
                } else {
                    Some(s)
                }
            }
            None => {
                self.wrong_type(key, node, "文字列");
                None
            }
        }
    }

    /// A required text field.
    pub fn req_text(&mut self, key: &'static str) -> Option<String> {
        let Some(node) = self.node(key) else {
            self.missing(key, "文字列");
            return None;
        };
        if node.scalar_text().is_some_and(|s| s.trim().is_empty()) {
            self.report.error(
                node.pos,
                &self.path(key),
                "空です。値を書いてください",
                None,
            );
            return None;
        }
        self.text(key)
    }

    pub fn bool(&mut self, key: &'static str) -> Option<bool> {
        let node = self.node(key)?;
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                let hint = match node.scalar_text().as_deref() {
                    Some("はい" | "yes" | "Yes" | "○" | "有" | "可") => {
                        "(「はい」は true と書きます)"
                    }
                    Some("いいえ" | "no" | "No" | "×" | "無" | "不可") => {
                        "(「いいえ」は false と書きます)"
                    }
                    _ => "",
                };
                self.report.error(
                    node.pos,
                    &self.path(key),
                    format!("true か false で書いてください{hint}"),
                    Some("true / false"),
                );
                None
            }
        }
    }

    pub fn int(&mut self, key: &'static str) -> Option<i64> {
        let node = self.node(key)?;
        match node.value {
            Value::Int(i) => Some(i),
            _ => {
                self.report.error(
                    node.pos,
                    &self.path(key),
                    format!(
                        "半角数字の整数で書いてください(「{}」は数として読めません)",
                        node.scalar_text()
                            .unwrap_or_else(|| node.type_name().into())
                    ),
                    Some("整数 (例: 30)"),
                );
                None
            }
        }
    }

    pub fn number(&mut self, key: &'static str) -> Option<f64> {
        let node = self.node(key)?;
        match node.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) if f.is_finite() => Some(f),
            _ => {
                self.wrong_type(key, node, "数値");
                None
            }
        }
    }

    /// A calendar date written `YYYY-MM-DD`.
    pub fn date(&mut self, key: &'static str) -> Option<NaiveDate> {
        let node = self.node(key)?;
        let path = self.path(key);
        parse_date_node(node, &path, self.report)
    }

    /// A date and time with offset (RFC 3339), e.g. `2026-12-10T18:30:00+09:00`.
    pub fn datetime(&mut self, key: &'static str) -> Option<DateTime<FixedOffset>> {
        let node = self.node(key)?;
        let text = node.scalar_text().unwrap_or_default();
        match DateTime::parse_from_rfc3339(text.trim()) {
            Ok(dt) => Some(dt),
            Err(_) => {
                let hint = if NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_ok() {
                    "時刻と時差も書いてください"
                } else {
                    "日時の形式が正しくありません"
                };
                self.report.error(
                    node.pos,
                    &self.path(key),
                    format!("{hint}(「{text}」)"),
                    Some("2026-12-10T18:30:00+09:00"),
                );
                None
            }
        }
    }

    /// A phone or FAX number, normalised by [`crate::japanese::phone`] (全角 digits, labels, any hyphen).
    pub fn phone(&mut self, key: &'static str, required: bool) -> Option<Phone> {
        let text = if required {
            self.req_text(key)
        } else {
            self.text(key)
        }?;
        match parse_phone(&text) {
            Ok(p) => Some(p),
            Err(e) => {
                let pos = self.node(key).map(|n| n.pos).unwrap_or(self.pos);
                self.report.error(
                    pos,
                    &self.path(key),
                    e.0,
                    Some("\"099-201-1100\" のような 10〜11 桁の番号"),
                );
                None
            }
        }
    }

    /// A required postal code, normalised to `123-4567`.
    pub fn postal(&mut self, key: &'static str) -> Option<String> {
        let text = self.req_text(key)?;
        match parse_postal(&text) {
            Ok(p) => Some(p),
            Err(e) => {
                let pos = self.node(key).map(|n| n.pos).unwrap_or(self.pos);
                self.report
                    .error(pos, &self.path(key), e.0, Some("\"123-4567\""));
                None
            }
        }
    }

    /// One of a fixed set of keywords (`kind: clinic`), with a did-you-mean for typos.
    pub fn choice<T: Copy>(
        &mut self,
        key: &'static str,
        options: &[(&str, T)],
        expected: &str,
    ) -> Option<T> {
        let word = self.req_text(key)?;
        let found = options.iter().find(|(k, _)| *k == word).map(|(_, v)| *v);
        if found.is_none() {
            let hint = suggest(&word, options.iter().map(|(k, _)| *k));
            self.report.error(
                self.key_pos(key),
                &self.path(key),
                format!("「{word}」は使えません{hint}"),
                Some(expected),
            );
        }
        found
    }

    /// A list of texts with their positions. A single text is accepted as a one-item list.
    pub fn text_list(&mut self, key: &'static str) -> Vec<(String, Pos)> {
        let Some(node) = self.node(key) else {
            return Vec::new();
        };
        let path = self.path(key);
        match &node.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| match item.scalar_text() {
                    Some(s) if !matches!(item.value, Value::Bool(_)) => {
                        Some((s.trim().to_string(), item.pos))
                    }
                    _ => {
                        self.report.error(
                            item.pos,
                            &format!("{path}[{i}]"),
                            format!(
                                "文字列で書いてください({}が書かれています)",
                                item.type_name()
                            ),
                            Some("文字列"),
                        );
                        None
                    }
                })
                .collect(),
            Value::Str(s) => vec![(s.trim().to_string(), node.pos)],
            _ => {
                self.wrong_type(key, node, "リスト");
                Vec::new()
            }
        }
    }

    /// The items of a list field, each with its field path (`hours[0]`).
    pub fn list(&mut self, key: &'static str) -> Vec<(String, &'a Node)> {
        let Some(node) = self.node(key) else {
            return Vec::new();
        };
        let path = self.path(key);
        match &node.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("{path}[{i}]"), n))
                .collect(),
            _ => {
                self.wrong_type(key, node, "リスト");
                Vec::new()
            }
        }
    }

    /// A nested mapping read with its own [`Fields`].
    pub fn nested(&mut self, key: &'static str) -> Option<Fields<'a>> {
        let node = self.node(key)?;
        let path = self.path(key);
        Fields::new(node, &path, self.report)
    }

    /// Declares keys handled elsewhere (visibility groups) so they are not reported as unknown.
    pub fn allow(&mut self, keys: &[&'static str]) {
        self.known.extend_from_slice(keys);
    }

    /// Reports every key that no accessor asked for.
    pub fn finish(self) {
        for entry in self.entries {
            if self.known.iter().any(|k| *k == entry.key) {
                continue;
            }
            let suggestion = suggest(&entry.key, self.known.iter().copied());
            self.report.error(
                entry.key_pos,
                &self.path(&entry.key),
                format!("不明な項目です{suggestion}"),
                Some(&format!("次のいずれか: {}", self.known.join(", "))),
            );
        }
    }
}

/// Reads a `YYYY-MM-DD` date, with a hint for the forms staff commonly type instead.
pub fn parse_date_node(node: &Node, field: &str, report: &FileReport) -> Option<NaiveDate> {
    let text = node.scalar_text().unwrap_or_default();
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        if text.len() == 10 {
            return Some(d);
        }
    }
    let hint = date_hint(text);
    report.error(
        node.pos,
        field,
        format!("日付として読めません(「{text}」){hint}"),
        Some("YYYY-MM-DD (例: 2026-12-01)"),
    );
    None
}

/// Suggests the ISO form for 和暦 and slash dates (「令和8年12月1日」→ 2026-12-01).
fn date_hint(text: &str) -> String {
    if let Some(iso) = crate::japanese::wareki_to_iso(text) {
        return format!("。西暦で「{iso}」と書いてください");
    }
    let parts: Vec<&str> = text
        .split(['/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() == 3 {
        if let (Ok(y), Ok(m), Ok(d)) = (
            parts[0].parse::<i32>(),
            parts[1].parse::<u32>(),
            parts[2].parse::<u32>(),
        ) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                return format!("。「{}」と書いてください", date.format("%Y-%m-%d"));
            }
            return "。存在しない日付です".to_string();
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn read<T>(text: &str, f: impl FnOnce(&mut Fields) -> T) -> (T, Vec<String>) {
        let node = yaml::parse(text, 1).unwrap();
        let report = FileReport::new("x.md");
        let value = {
            let mut fields = Fields::new(&node, "", &report).unwrap();
            let v = f(&mut fields);
            fields.finish();
            v
        };
        (value, report.into_messages())
    }

    #[test]
    fn unknown_keys_get_a_suggestion_and_the_valid_list() {
        let (_, errs) = read("name: a\ntell: 1\n", |f| {
            f.text("name");
            f.text("tel");
        });
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].starts_with("x.md:2:1: tell: 不明な項目です。もしかして「tel」?"),
            "{}",
            errs[0]
        );
        assert!(errs[0].contains("name, tel"));
    }

    #[test]
    fn wrong_types_are_explained() {
        let (_, errs) = read("beds: 十\nregistered: はい\n", |f| {
            f.int("beds");
            f.bool("registered");
        });
        assert!(
            errs[0].contains("beds") && errs[0].contains("「十」"),
            "{errs:?}"
        );
        assert!(errs[1].contains("true と書きます"), "{errs:?}");
    }

    #[test]
    fn dates_suggest_the_iso_form() {
        let (_, errs) = read(
            "a: 2026/13/01\nb: 令和8年12月1日\nc: 2026/4/1\n",
            |f| {
                f.date("a");
                f.date("b");
                f.date("c");
            },
        );
        assert!(errs[0].contains("存在しない日付"), "{errs:?}");
        assert!(errs[1].contains("2026-12-01"), "{errs:?}");
        assert!(errs[2].contains("2026-04-01"), "{errs:?}");
    }

    #[test]
    fn missing_required_field_is_reported() {
        let (v, errs) = read("yomi: a\n", |f| {
            let v = f.req_text("name");
            f.text("yomi");
            v
        });
        assert!(v.is_none());
        assert!(errs[0].contains("name: 必須の項目がありません"), "{errs:?}");
    }
}
