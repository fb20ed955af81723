//! 言い換え: the words people type for what records call by another name.
//!
//! Offices write 「耳鼻いんこう科」, 「介護老人福祉施設」, 「上部消化管内視鏡」; families type 「耳鼻科」,
//! 「特養」, 「胃カメラ」. The built-in table (`vocabulary.tsv`, reviewed entry by entry) and a
//! site's own `content/data/vocabulary.yaml` map such words to the 診療科, services, 介護サービス,
//! kinds and 地区 of the site's lists. The index carries the table, compiled for the site, and the
//! client treats a query word that is in it as "every record with that value" — ranked above
//! records that merely mention the word — besides matching the word as text.
//!
//! Every value of the site's lists is a word of the table too (with its reading from
//! `readings.tsv`), so 「皮膚科の先生」 and 「ひふか」 are understood like 「耳鼻科の先生」.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::documents::{reading, KINDS};
use super::normalize::{is_kana, is_separator, normalize};
use super::romaji;
use crate::config::SiteConfig;
use crate::content::fields::Fields;
use crate::content::report::FileReport;
use crate::yaml::{Node, Value};

/// The built-in table: group, word, reading, means.
pub const BUILTIN: &str = include_str!("vocabulary.tsv");

/// Where a site keeps its own entries.
pub const SITE_FILE: &str = "content/data/vocabulary.yaml";

/// Endings people add to what they look for (「皮膚科の先生」, 「ケアマネさん」, 「耳鼻科医」,
/// 「眼科クリニック」); a query word is understood without them when it is not understood with
/// them. Longest first, so 「のお医者さん」 goes before 「さん」.
const SUFFIXES: &[&str] = &[
    "のお医者さん",
    "のおいしゃさん",
    "お医者さん",
    "おいしゃさん",
    "医者さん",
    "いしゃさん",
    "クリニック",
    "のせんせい",
    "せんせい",
    "の先生",
    "先生",
    "の医者",
    "のいしゃ",
    "医者",
    "いしゃ",
    "の病院",
    "病院",
    "医院",
    "外来",
    "さん",
    "医",
];

/// One word and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 「診療科」「介護」「サービス」「種別」 for the built-in groups, 「サイト」 for a site's own.
    pub group: String,
    pub word: String,
    /// Hiragana; empty when not known.
    pub reading: String,
    /// Values of the site's lists, as written there.
    pub means: Vec<String>,
}

/// The built-in entries.
pub fn builtin() -> &'static [Entry] {
    static TABLE: OnceLock<Vec<Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        BUILTIN
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut cols = l.split('\t');
                let group = match cols.next()? {
                    "dept" => "診療科",
                    "care" => "介護",
                    "service" => "サービス",
                    "kind" => "種別",
                    _ => return None,
                };
                Some(Entry {
                    group: group.to_string(),
                    word: cols.next()?.to_string(),
                    reading: cols.next()?.to_string(),
                    means: cols.next()?.split(' ').map(str::to_string).collect(),
                })
            })
            .collect()
    })
}

/// The site's lists a word can point into.
pub struct Lists<'a> {
    pub departments: &'a [String],
    pub services: &'a [String],
    pub care_services: &'a [String],
    pub areas: &'a [String],
}

impl<'a> Lists<'a> {
    pub fn of(config: &'a SiteConfig) -> Lists<'a> {
        Lists {
            departments: &config.departments,
            services: &config.services,
            care_services: &config.care_services,
            areas: &config.areas,
        }
    }
}

/// The values a word may mean on this site, by search facet: `(facet, value)`.
fn targets(lists: &Lists) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let lists: [(&'static str, &[String]); 4] = [
        ("dept", lists.departments),
        ("service", lists.services),
        ("service", lists.care_services),
        ("area", lists.areas),
    ];
    for (facet, values) in lists {
        out.extend(values.iter().map(|v| (facet, v.clone())));
    }
    out.extend(KINDS.iter().map(|k| ("kind", k.to_string())));
    out.dedup();
    out
}

/// Reads `content/data/vocabulary.yaml`: a list of `{word, reading, means}`. A value of `means`
/// that none of the site's lists has is an error: the entry would silently find nothing.
pub fn read_site(node: &Node, report: &FileReport, config: &SiteConfig) -> Vec<Entry> {
    let Value::Seq(items) = &node.value else {
        report.error(
            node.pos,
            "",
            "言葉のリストで書いてください",
            Some("- {word: みなと特養, reading: みなととくよう, means: [介護老人福祉施設]}"),
        );
        return Vec::new();
    };
    let known = targets(&Lists::of(config));
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("[{i}]");
        let Some(mut f) = Fields::new(item, &path, report) else {
            continue;
        };
        let word = f.req_text("word");
        let reading = f.text("reading").unwrap_or_default();
        let means = f.text_list("means");
        if f.node("means").is_none() {
            report.error(
                item.pos,
                &format!("{path}.means"),
                "必須の項目がありません",
                Some("[介護老人福祉施設]"),
            );
        }
        if !reading.chars().all(is_kana) {
            report.error(
                f.key_pos("reading"),
                &format!("{path}.reading"),
                "よみはひらがなで書いてください",
                Some("みなととくよう"),
            );
        }
        f.finish();
        let mut good = Vec::new();
        for (k, (value, pos)) in means.iter().enumerate() {
            if known.iter().any(|(_, v)| v == value) {
                good.push(value.clone());
            } else {
                let hint =
                    crate::diagnostics::suggest(value, known.iter().map(|(_, v)| v.as_str()));
                report.error(
                    *pos,
                    &format!("{path}.means[{k}]"),
                    format!(
                        "「{value}」は site.yaml の診療科・サービス・介護サービス・地区にも種別にもありません{hint}"
                    ),
                    Some("departments・services・care_services・areas の値、または種別(病院・診療所・薬局…)"),
                );
            }
        }
        if let Some(word) = word {
            if !good.is_empty() {
                out.push(Entry {
                    group: "サイト".into(),
                    word,
                    reading,
                    means: good,
                });
            }
        }
    }
    out
}

/// The vocabulary of one site: normalised query words to the values they mean.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// `(facet, value)` of each meaning, in a fixed order.
    pub meanings: Vec<(&'static str, String)>,
    /// Normalised word or reading → indexes into `meanings`.
    pub words: BTreeMap<String, BTreeSet<usize>>,
    /// The same keys with long vowels collapsed, for romaji queries.
    collapsed: BTreeMap<String, BTreeSet<usize>>,
    /// [`SUFFIXES`] as query runs spell them (normalised once, here).
    suffixes: Vec<String>,
}

/// The key a word is looked up by: normalised, spaces dropped; `None` when it holds a
/// separator (a query is cut there, so no query word could equal it).
fn key(word: &str) -> Option<String> {
    let k: String = normalize(word).chars().filter(|c| *c != ' ').collect();
    (!k.is_empty() && !k.chars().any(is_separator)).then_some(k)
}

impl Vocabulary {
    /// The built-in table, every value of the site's lists as a word for itself, and the site's
    /// own entries; only values the site's lists have are kept.
    pub fn new(lists: &Lists, site_entries: &[Entry]) -> Vocabulary {
        let meanings = targets(lists);
        let identity: Vec<Entry> = meanings
            .iter()
            .filter(|(facet, _)| *facet != "area")
            .map(|(_, v)| Entry {
                group: String::new(),
                word: v.clone(),
                reading: reading(v).unwrap_or_default().to_string(),
                means: vec![v.clone()],
            })
            .collect();
        let mut vocabulary = Vocabulary {
            meanings,
            suffixes: SUFFIXES.iter().map(|s| normalize(s)).collect(),
            ..Vocabulary::default()
        };
        for entry in builtin().iter().chain(&identity).chain(site_entries) {
            let ids: BTreeSet<usize> = entry
                .means
                .iter()
                .flat_map(|m| {
                    let meanings = &vocabulary.meanings;
                    (0..meanings.len()).filter(move |i| meanings[*i].1 == *m)
                })
                .collect();
            if ids.is_empty() {
                continue;
            }
            let mut keys: Vec<String> = key(&entry.word).into_iter().collect();
            // A reading of one or two kana (め, はな) is too often part of something else.
            if entry.reading.chars().count() >= 3 {
                keys.extend(key(&entry.reading));
            }
            for k in keys {
                vocabulary
                    .collapsed
                    .entry(romaji::collapse(&k))
                    .or_default()
                    .extend(&ids);
                vocabulary.words.entry(k).or_default().extend(&ids);
            }
        }
        vocabulary
    }

    /// What a query run means, if the vocabulary knows it: as typed, without a polite or
    /// "doctor" ending, or read as romaji.
    pub fn lookup(&self, run: &str) -> Option<&BTreeSet<usize>> {
        let plain = |word: &str| {
            self.words.get(word).or_else(|| {
                self.suffixes.iter().find_map(|s| {
                    let stem = word.strip_suffix(s.as_str())?;
                    self.words.get(stem).filter(|_| !stem.is_empty())
                })
            })
        };
        plain(run).or_else(|| {
            let kana = romaji::to_kana(run)?;
            plain(&kana).or_else(|| self.collapsed.get(&romaji::collapse(&kana)))
        })
    }

    /// The manifest's part: `"meanings":[[facet,value,browse path]…],"words":{key:[i…]},
    /// "suffixes":[…]`. `browse` gives the list page of a value, when the site has one.
    pub fn manifest_json(&self, browse: impl Fn(&str, &str) -> Option<String>) -> String {
        let meanings: Vec<[String; 3]> = self
            .meanings
            .iter()
            .map(|(f, v)| [f.to_string(), v.clone(), browse(f, v).unwrap_or_default()])
            .collect();
        format!(
            "\"meanings\":{},\"words\":{},\"suffixes\":{}",
            serde_json::to_string(&meanings).unwrap_or_default(),
            serde_json::to_string(&self.words).unwrap_or_default(),
            serde_json::to_string(&self.suffixes).unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// A site with renkei's default lists and two 地区.
    pub(crate) fn with_default_lists<T>(f: impl FnOnce(&Lists) -> T) -> T {
        use crate::config::{DEFAULT_CARE_SERVICES, DEFAULT_DEPARTMENTS, DEFAULT_SERVICES};
        let (d, s, c, a) = (
            owned(DEFAULT_DEPARTMENTS),
            owned(DEFAULT_SERVICES),
            owned(DEFAULT_CARE_SERVICES),
            owned(&["東地区", "西地区"]),
        );
        f(&Lists {
            departments: &d,
            services: &s,
            care_services: &c,
            areas: &a,
        })
    }

    fn defaults() -> Vocabulary {
        with_default_lists(|l| Vocabulary::new(l, &[]))
    }

    #[test]
    fn the_table_is_large_reviewed_and_hiragana() {
        let all = builtin();
        assert!(all.len() >= 200, "{} entries", all.len());
        let lines = BUILTIN
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(
            all.len(),
            lines,
            "every line has four columns and a known group"
        );
        for e in all {
            assert!(!e.means.is_empty() && !e.reading.is_empty(), "{e:?}");
            assert!(e.reading.chars().all(is_kana), "{e:?}");
        }
        let mut words: Vec<&str> = all.iter().map(|e| e.word.as_str()).collect();
        words.sort_unstable();
        let before = words.len();
        words.dedup();
        assert_eq!(before, words.len(), "a word is listed twice");
    }

    #[test]
    fn every_meaning_is_a_value_of_the_default_lists() {
        let known = with_default_lists(targets);
        // Older list names (耳鼻咽喉科, 神経内科 …) are allowed beside the current ones as long
        // as each entry means at least one default value.
        for e in builtin() {
            assert!(
                e.means.iter().any(|m| known.iter().any(|(_, v)| v == m)),
                "{e:?} means nothing on a default site"
            );
        }
    }

    /// The shared cases (`meaning` lines), also run through words.mjs on a default site.
    #[test]
    fn shared_cases() {
        let v = defaults();
        let mut failures = Vec::new();
        for (kind, cols) in super::super::words_cases() {
            if kind != "meaning" {
                continue;
            }
            let runs = super::super::normalize::query_runs(&cols[0]);
            let got: Vec<String> = v
                .lookup(runs.first().map_or("", String::as_str))
                .map(|ids| ids.iter().map(|i| v.meanings[*i].1.clone()).collect())
                .unwrap_or_default();
            let want: Vec<&str> = if cols[1] == "-" {
                Vec::new()
            } else {
                cols[1].split(' ').collect()
            };
            let mut got_sorted = got.clone();
            got_sorted.sort();
            let mut want_sorted: Vec<String> = want.iter().map(|s| s.to_string()).collect();
            want_sorted.sort();
            if got_sorted != want_sorted {
                failures.push(format!("{:?} → {got:?}, expected {want:?}", cols[0]));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
