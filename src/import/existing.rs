//! Which record a row already is. Re-importing must find the file it wrote last time (and the
//! files staff made by hand), or every import would duplicate the directory — but it must never
//! mistake one clinic or doctor for a namesake, or the namesake's hand-written page, 直通 number
//! and notes would end up on the wrong record.
//!
//! In order: the national ID (`navii_id`, `office_number`), the file name from an ID or
//! ページURL column, then the name — and a name alone is trusted only when what else the row
//! says does not contradict it: a 登録医's 勤務先 must be the same, and of a clinic's phone,
//! FAX and address, one must agree when two or more are known on both sides.

mod namesakes;

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use crate::content::document;
use crate::content::report::FileReport;
use crate::yaml::{Node, Value as Y};

use super::rows::{Draft, Value};
use super::{name_key, Kind};
use namesakes::Namesakes;

/// A record already in `content/`.
pub struct Existing {
    pub slug: String,
    /// The file as it is on disk (BOM and line ends included), for merging.
    pub text: String,
    pub name: String,
    key: Option<String>,
    /// What tells namesakes apart: tel and FAX digits, address, 勤務先.
    identity: Identity,
}

/// The fields that tell two records with one name apart, normalised for comparing.
#[derive(Debug, Default, PartialEq)]
struct Identity {
    /// `navii_id` / `office_number`: two different national IDs are two records.
    key: Option<String>,
    tel: Option<String>,
    fax: Option<String>,
    address: Option<String>,
    partner: Option<String>,
}

impl Identity {
    fn of_draft(d: &Draft) -> Identity {
        let text = |v: Option<&Value>| match v {
            Some(Value::Text(s) | Value::Quoted(s)) => Some(s.clone()),
            _ => None,
        };
        let sub = |key: &str| match d.get("address") {
            Some(Value::Map(m)) => text(m.iter().find(|(k, _)| *k == key).map(|(_, v)| v)),
            _ => None,
        };
        Identity {
            key: d.key.as_ref().map(|(_, k)| k.clone()),
            tel: text(d.get("tel")).map(|t| digits(&t)),
            fax: text(d.get("fax")).map(|t| digits(&t)),
            address: sub("text").map(|a| address_key(&a)),
            partner: text(d.get("partner")),
        }
    }

    fn of_front(front: &Node, key_field: Option<&str>) -> Identity {
        let field = |key: &str| -> Option<&Node> {
            match &front.value {
                Y::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
                _ => None,
            }
        };
        let sub = |key: &str| {
            field("address").and_then(|a| match &a.value {
                Y::Map(entries) => entries
                    .iter()
                    .find(|e| e.key == key)
                    .and_then(|e| e.value.scalar_text()),
                _ => None,
            })
        };
        let number = |key: &str| field(key).and_then(Node::scalar_text).map(|t| digits(&t));
        Identity {
            key: key_field.and_then(&field).and_then(Node::scalar_text),
            tel: number("tel"),
            fax: number("fax"),
            address: sub("text").map(|a| address_key(&a)),
            partner: field("partner").and_then(Node::scalar_text),
        }
    }

    /// Whether `other` is the same record as far as both say.
    ///
    /// `Some(true)`: a field both have agrees. `Some(false)`: they are different records — a
    /// 登録医 at another 勤務先, or a clinic whose phone, FAX and address (at least two of them
    /// known on both sides) all differ. `None`: nothing decides it — nothing in common, or a
    /// single number that changed (a sheet of names and new FAX numbers is an update, not a
    /// list of namesakes). A 郵便番号 is shared by a whole neighbourhood, so it is never
    /// compared.
    fn agrees(&self, other: &Identity) -> Option<bool> {
        for (a, b) in [(&self.key, &other.key), (&self.partner, &other.partner)] {
            if let (Some(a), Some(b)) = (a, b) {
                return Some(a == b);
            }
        }
        let pairs = [
            (&self.tel, &other.tel),
            (&self.fax, &other.fax),
            (&self.address, &other.address),
        ];
        let mut differ = 0;
        for (a, b) in pairs {
            if let (Some(a), Some(b)) = (a, b) {
                if a == b {
                    return Some(true);
                }
                differ += 1;
            }
        }
        (differ >= 2).then_some(false)
    }
}

/// An address compared as written in any width and with any hyphen (「２丁目３－４」 =
/// 「2丁目3-4」), without spaces.
fn address_key(s: &str) -> String {
    super::normalize::free_text(s)
        .chars()
        .filter(|c| *c != ' ')
        .collect()
}

fn digits(s: &str) -> String {
    super::normalize::text(s)
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

/// Reads every record of the collection. A file that cannot be read (not UTF-8, no front
/// matter, broken YAML) stops the import: it might be the very record a row is, and writing
/// beside it — or over it — is how data gets lost. `check` tells staff how to fix it.
pub fn read_all(root: &Path, kind: Kind) -> Result<Vec<Existing>, String> {
    let dir_name = kind.collection().dir();
    let dir = root.join("content").join(dir_name);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let files: Vec<(String, std::path::PathBuf)> = entries
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
        // What the build ignores (editor backups, `._` files of a shared drive), import does too.
        .filter(|(file, _)| !crate::content::is_ignorable(file) && file.ends_with(".md"))
        .collect();
    // Reading and parsing every record is most of a re-import's time; the files are independent.
    let read: Vec<Result<Existing, String>> = files
        .par_iter()
        .map(|(file, path)| read_one(kind, dir_name, file, path))
        .collect();
    let (mut out, mut unreadable): (Vec<Existing>, Vec<String>) = (Vec::new(), Vec::new());
    for r in read {
        match r {
            Ok(e) => out.push(e),
            Err(why) => unreadable.push(why),
        }
    }
    if !unreadable.is_empty() {
        unreadable.sort();
        return Err(format!(
            "取り込み先に読めないファイルがあるため、取り込みを止めました: {}。renkei check で確かめて直してから、もう一度実行してください",
            unreadable.join("、")
        ));
    }
    out.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(out)
}

/// One record file, or why it cannot be read (`content/…/x.md(理由)`).
fn read_one(kind: Kind, dir_name: &str, file: &str, path: &Path) -> Result<Existing, String> {
    let slug = file.strip_suffix(".md").unwrap_or(file);
    let display = format!("content/{dir_name}/{file}");
    let report = FileReport::new(display.clone());
    let doc = document::read_text(path, &report).and_then(|text| document::split(&text, &report));
    let raw = std::fs::read_to_string(path);
    let (Some(doc), Ok(text)) = (doc, raw) else {
        let why = report
            .into_diagnostics()
            .into_iter()
            .next()
            .map(|d| d.message)
            .unwrap_or_else(|| "UTF-8 のテキストとして読めません".into());
        return Err(format!("{display}({why})"));
    };
    let field = |key: &str| -> Option<String> {
        match &doc.front.value {
            Y::Map(entries) => entries
                .iter()
                .find(|e| e.key == key)
                .and_then(|e| e.value.scalar_text()),
            _ => None,
        }
    };
    Ok(Existing {
        slug: slug.to_string(),
        name: field("name").unwrap_or_default(),
        key: kind.key_field().and_then(field),
        identity: Identity::of_front(&doc.front, kind.key_field()),
        text,
    })
}

/// What a row was matched to.
pub enum Found<'a> {
    File(&'a Existing),
    /// No record: a new file, with a note when a namesake was deliberately not taken.
    New(Option<String>),
    /// Several records have the name and nothing in the row tells which.
    Ambiguous(Vec<&'a str>),
    /// The row names a file (by its ID) that is plainly another record.
    Refused(String),
}

/// The existing records, indexed: a 10k-row sheet against a 10k-record site would be 10⁸
/// comparisons otherwise, and so would 10k rows against 10k records of one name
/// ([`Namesakes`]).
pub struct Index<'a> {
    by_slug: BTreeMap<&'a str, &'a Existing>,
    by_key: BTreeMap<&'a str, &'a Existing>,
    by_name: BTreeMap<String, Namesakes<'a>>,
    kind: Kind,
}

impl<'a> Index<'a> {
    pub fn new(existing: &'a [Existing], kind: Kind) -> Self {
        let mut index = Index {
            by_slug: BTreeMap::new(),
            by_key: BTreeMap::new(),
            by_name: BTreeMap::new(),
            kind,
        };
        let mut by_name: BTreeMap<String, Vec<&'a Existing>> = BTreeMap::new();
        for e in existing {
            index.by_slug.insert(e.slug.as_str(), e);
            if let Some(k) = &e.key {
                index.by_key.entry(k.as_str()).or_insert(e);
            }
            if !e.name.is_empty() {
                by_name.entry(name_key(&e.name)).or_default().push(e);
            }
        }
        index.by_name = by_name
            .into_iter()
            .map(|(name, all)| (name, Namesakes::new(all)))
            .collect();
        index
    }

    pub fn find(&self, d: &Draft) -> Found<'a> {
        if let Some(e) = d
            .key
            .as_ref()
            .and_then(|(_, k)| self.by_key.get(k.as_str()))
        {
            return Found::File(e);
        }
        if let Some(e) = d.slug.as_deref().and_then(|s| self.by_slug.get(s)) {
            // A renamed clinic keeps its ID; a row whose name *and* numbers are another
            // record's is a mistyped or reused ID, and writing it would put one clinic's
            // name over another's page, 直通 number and notes.
            let renamed = !d.name.is_empty() && name_key(&d.name) != name_key(&e.name);
            if renamed && Identity::of_draft(d).agrees(&e.identity) == Some(false) {
                let dir = self.kind.collection().dir();
                let what = match self.kind {
                    Kind::Doctors => "勤務先",
                    _ => "電話・FAX 番号と住所",
                };
                return Found::Refused(format!(
                    "ID(ファイル名)の content/{dir}/{}.md は「{}」の記録ですが、この行は「{}」で、{what}も違います。ID が正しいか確かめてください",
                    e.slug, e.name, d.name
                ));
            }
            return Found::File(e);
        }
        if d.name.is_empty() {
            return Found::New(None);
        }
        let Some(namesakes) = self.by_name.get(&name_key(&d.name)) else {
            return Found::New(None);
        };
        let verdict = namesakes.judge(&Identity::of_draft(d));
        match (namesakes.all.as_slice(), verdict.agreeing.as_slice()) {
            (_, [one]) => Found::File(one),
            // Every namesake is somebody else: a new record, and staff are told of the others.
            (all, []) if verdict.all_differ => Found::New(Some(self.namesake_note(d, all))),
            // The row says nothing that could contradict it (a sheet of names and FAX numbers).
            ([one], []) => Found::File(one),
            (all, _) => Found::Ambiguous(all.iter().map(|e| e.slug.as_str()).collect()),
        }
    }

    fn namesake_note(&self, d: &Draft, others: &[&Existing]) -> String {
        let dir = self.kind.collection().dir();
        let files: Vec<String> = others
            .iter()
            .map(|e| format!("content/{dir}/{}.md", e.slug))
            .collect();
        let keyed = others.iter().all(|e| e.key.is_some());
        let (who, differs) = match (self.kind, &d.key) {
            (Kind::Doctors, _) => ("登録医", "勤務先"),
            (_, Some(("office_number", _))) if keyed => ("施設", "事業所番号"),
            (_, Some(("navii_id", _))) if keyed => ("施設", "医療情報ネット ID"),
            _ => ("施設", "電話・FAX 番号と住所"),
        };
        // Open data rows carry their own ID; a sheet row is tied to a file by an ID column.
        let how = match &d.key {
            Some((field, id)) => format!("そのファイルに {field}: \"{id}\" を書き加えてから"),
            None => "ファイル名(ID)の列でそのファイル名を指定して".to_string(),
        };
        format!(
            "同じ名前の{who} {} がありますが、{differs}が違うため別の{who}として作りました。同じ{who}なら、{how}もう一度取り込んでください",
            shown_files(&files)
        )
    }
}

/// Namesake files listed in a message: the first few and a count. With thousands of
/// namesakes, listing all of them on every row made the report grow with the square of the
/// sheet (300 rows against 10,000 namesakes printed 120 MB).
pub(super) fn shown_files(files: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = files
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("、");
    if files.len() > SHOWN {
        text.push_str(&format!(" ほか {} 件", files.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_namesake_lists_are_cut_to_a_count() {
        let files: Vec<String> = (0..10_000).map(|i| format!("partners/a-{i}.md")).collect();
        let shown = shown_files(&files);
        assert!(shown.ends_with("partners/a-4.md ほか 9995 件"), "{shown}");
        assert_eq!(shown_files(&files[..2]), "partners/a-0.md、partners/a-1.md");
    }
}
