//! 日医生涯教育カリキュラムコード (CC): the numbered topics of the 日本医師会生涯教育制度 that a
//! seminar declares, shown on its page with their names.
//!
//! The table is data, not code: 日医 revises its curriculum (2009, 2016, …) and a site must be
//! able to follow without a new renkei. renkei carries the current table built in
//! (`src/records/curriculum/jma-cc.yaml`); a site that puts its own copy at `content/data/jma-cc.yaml`
//! replaces it whole. Seminars are checked against whichever table is in force, so a code that
//! 日医 never defined is caught before partner doctors read it.

use std::collections::BTreeMap;

use crate::content::report::FileReport;
use crate::yaml::{self, Node, Value};

/// The built-in table, so a site works without copying it.
const BUILTIN: &str = include_str!("curriculum/jma-cc.yaml");

/// The file a site uses to replace the built-in table.
pub const SITE_FILE: &str = "content/data/jma-cc.yaml";

/// The カリキュラムコード table in force for a build.
#[derive(Debug, Clone, PartialEq)]
pub struct Curriculum {
    /// Which curriculum the names come from (「日本医師会生涯教育カリキュラム<2016>」).
    pub source: String,
    codes: BTreeMap<i64, String>,
}

/// One code with its name, as a seminar page shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Code {
    pub code: i64,
    pub name: String,
}

impl Curriculum {
    /// The table shipped with renkei.
    pub fn builtin() -> Curriculum {
        let report = FileReport::new("(renkei 組み込み) jma-cc.yaml");
        // The built-in file is tested below; an empty table would only make every code an error.
        yaml::parse(BUILTIN, 1)
            .ok()
            .and_then(|node| read(&node, &report))
            .unwrap_or_else(|| Curriculum {
                source: String::new(),
                codes: BTreeMap::new(),
            })
    }

    /// The name of `code`, if the table has it.
    pub fn name(&self, code: i64) -> Option<&str> {
        self.codes.get(&code).map(String::as_str)
    }

    /// The code with its name, if the table has it.
    pub fn lookup(&self, code: i64) -> Option<Code> {
        self.name(code).map(|name| Code {
            code,
            name: name.to_string(),
        })
    }

    /// 「0〜83」: the span of codes, for error messages.
    pub fn span(&self) -> String {
        match (self.codes.keys().next(), self.codes.keys().next_back()) {
            (Some(lo), Some(hi)) => format!("{lo}〜{hi}"),
            _ => "(表が空です)".to_string(),
        }
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// Reads a table written as `source:` and `codes: {番号: 名称}`. Problems go to `report`;
/// `None` when nothing usable remains, so the caller can keep the built-in table out of a
/// half-read one.
pub fn read(node: &Node, report: &FileReport) -> Option<Curriculum> {
    let Value::Map(entries) = &node.value else {
        report.error(
            node.pos,
            "",
            "カリキュラムコード表は source: と codes: の組で書いてください",
            Some("source: … と codes: {0: 最新のトピックス・その他, …}"),
        );
        return None;
    };
    let mut source = String::new();
    let mut codes = BTreeMap::new();
    let mut ok = true;
    let mut saw_codes = false;
    for e in entries {
        match e.key.as_str() {
            "source" => match &e.value.value {
                Value::Str(s) if !s.trim().is_empty() => source = s.trim().to_string(),
                _ => {
                    ok = false;
                    report.error(
                        e.value.pos,
                        "source",
                        "出典が文字列ではありません",
                        Some("日本医師会生涯教育カリキュラム<2016>"),
                    );
                }
            },
            "codes" => {
                saw_codes = true;
                ok &= read_codes(&e.value, report, &mut codes);
            }
            other => {
                ok = false;
                report.error(
                    e.key_pos,
                    other,
                    format!("「{other}」という項目はありません"),
                    Some("source, codes"),
                );
            }
        }
    }
    if !saw_codes {
        ok = false;
        report.error(
            node.pos,
            "codes",
            "必須の項目がありません",
            Some("codes: {0: 最新のトピックス・その他, …}"),
        );
    }
    (ok && !codes.is_empty()).then_some(Curriculum { source, codes })
}

fn read_codes(node: &Node, report: &FileReport, codes: &mut BTreeMap<i64, String>) -> bool {
    let Value::Map(entries) = &node.value else {
        report.error(
            node.pos,
            "codes",
            "番号と名称の組で書いてください",
            Some("0: 最新のトピックス・その他"),
        );
        return false;
    };
    let mut ok = true;
    for e in entries {
        let field = format!("codes.{}", e.key);
        let code = e.key.parse::<i64>().ok().filter(|n| (0..=999).contains(n));
        let name = match &e.value.value {
            Value::Str(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        };
        match (code, name) {
            (Some(code), Some(name)) => {
                codes.insert(code, name);
            }
            (None, _) => {
                ok = false;
                report.error(
                    e.key_pos,
                    &field,
                    format!("「{}」はカリキュラムコードの番号ではありません", e.key),
                    Some("0 以上の整数"),
                );
            }
            (_, None) => {
                ok = false;
                report.error(
                    e.value.pos,
                    &field,
                    "名称がありません",
                    Some("名称の文字列 (例: 地域医療)"),
                );
            }
        }
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> (Option<Curriculum>, Vec<String>) {
        let report = FileReport::new(SITE_FILE);
        let node = yaml::parse(text, 1).expect("valid YAML in the test");
        let c = read(&node, &report);
        (c, report.into_messages())
    }

    #[test]
    fn builtin_table_is_the_2016_curriculum() {
        let c = Curriculum::builtin();
        assert_eq!(c.len(), 84, "codes 0–83");
        assert_eq!(c.span(), "0〜83");
        assert_eq!(c.name(0), Some("最新のトピックス・その他"));
        assert_eq!(c.name(12), Some("地域医療"));
        assert_eq!(c.name(13), Some("医療と介護および福祉の連携"));
        assert_eq!(c.name(80), Some("在宅医療"));
        assert_eq!(c.name(81), Some("終末期のケア"));
        assert_eq!(c.name(84), None);
        assert!(c.source.contains("2016"));
    }

    #[test]
    fn a_site_table_replaces_names_and_codes() {
        let (c, errors) = table("source: 独自\ncodes:\n  0: その他\n  90: 新しい項目\n");
        assert!(errors.is_empty(), "{errors:?}");
        let c = c.expect("a table");
        assert_eq!(c.name(90), Some("新しい項目"));
        assert_eq!(c.name(12), None);
        assert_eq!(
            c.lookup(0),
            Some(Code {
                code: 0,
                name: "その他".into()
            })
        );
    }

    #[test]
    fn bad_tables_name_the_line_and_field() {
        let (c, errors) = table("source: x\ncodes:\n  a: 名称\n  3:\n");
        assert!(c.is_none());
        assert!(errors[0].contains("jma-cc.yaml:3:3") && errors[0].contains("codes.a"));
        assert!(errors[1].contains(":4:") && errors[1].contains("名称がありません"));
        let (c, errors) = table("source: x\ncode: {}\n");
        assert!(c.is_none());
        assert!(errors.iter().any(|e| e.contains("「code」")));
        assert!(errors
            .iter()
            .any(|e| e.contains("codes") && e.contains("必須")));
    }
}
