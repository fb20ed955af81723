//! From rows to files: match each row to the record it already is (by ID, file name or name),
//! name new files, build each file's text, check it with the build's own reader, and only then
//! write — all files or none.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Severity;
use crate::load;
use crate::records::meta::LoadCtx;

use super::columns::{self, Field};
use super::existing::{self, Found, Index};
use super::frontmatter;
use super::merge::{self, Change};
use super::rows::{self, CellError, Draft};
use super::{limits, slug, table, ImportOptions, Kind, SiteLists};

/// A source read into records.
#[derive(Debug, Default)]
pub struct Read {
    /// The file as named on the command line.
    pub file: String,
    /// How it was read (encoding, sheet, header row, number of rows).
    pub description: String,
    /// `header → field` for every column used.
    pub used: Vec<(String, String)>,
    /// Columns not imported, for the report.
    pub unknown: Vec<String>,
    pub drafts: Vec<Draft>,
    pub errors: Vec<CellError>,
    /// The attribution line the source's licence asks for, if any.
    pub attribution: Option<&'static str>,
}

/// Reads an office's sheet. The header row is the first of the top ten rows with two or more
/// known headers (lists often start with a title and a date).
pub fn read_sheet(
    kind: Kind,
    path: &Path,
    map: &BTreeMap<String, Field>,
    lists: &SiteLists,
) -> Result<Read, String> {
    let table = table::read(path, &limits::SHEET)?;
    let known: Vec<String> = match kind {
        Kind::Care => lists.care_services.clone(),
        _ => lists.services.clone(),
    };

    let (header_at, headers) = table
        .rows
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, (_, row))| (i, row.to_strings()))
        .find(|(_, row)| columns::score(kind, row, map, &known) >= 2)
        .ok_or_else(|| {
            format!(
                "{}: 見出しの行が見つかりません(上から 10 行のうちに「名称」「よみ」「電話番号」などの列名が 2 つ以上ある行が必要です。違う列名なら --map で指定してください)",
                path.display()
            )
        })?;
    let mut cols = columns::resolve(kind, &headers, map, &known);
    if kind == Kind::Doctors {
        // A 登録医 has no services; a ○/× column is named in the report, not taken silently.
        let flags: Vec<usize> = cols
            .fields
            .iter()
            .filter(|(_, f)| matches!(f, Field::ServiceFlag(_)))
            .map(|(i, _)| *i)
            .collect();
        for i in flags {
            cols.fields.remove(&i);
            cols.unknown
                .push(format!("{}(登録医にはありません)", headers[i].trim()));
        }
    }
    let mut read = Read {
        file: path.display().to_string(),
        used: cols
            .fields
            .iter()
            .map(|(i, f)| (headers[*i].trim().to_string(), f.key()))
            .collect(),
        unknown: cols.unknown.clone(),
        ..Read::default()
    };
    let header_row = table.rows.get(header_at).map_or(0, |(n, _)| *n);
    let mut data_rows = 0;
    // Each row is dropped once it is a draft, so the sheet and its drafts are not both held.
    for (row_no, row) in table.rows.into_iter().skip(header_at + 1) {
        if row.cells().all(|c| c.trim().is_empty()) {
            continue;
        }
        data_rows += 1;
        // A row with bad cells still goes through the plan, so the problems only the final
        // check finds (a reading in kanji) are reported in the same round; it is never written.
        let (d, errors) = rows::draft(kind, row_no, &headers, &cols, &row, lists);
        read.drafts.push(d);
        read.errors.extend(errors);
    }
    read.description = format!(
        "{}、見出しは {header_row} 行目、データ {data_rows} 行",
        table.source
    );
    Ok(read)
}

/// What happens to one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Create,
    Change(Vec<Change>),
    /// Already exactly as the sheet says.
    Same,
    /// Exists and would change, but `--update` was not given.
    Kept(Vec<Change>),
}

#[derive(Debug, Clone)]
pub struct Item {
    pub row: usize,
    /// Index of the draft in `Read::drafts`.
    pub draft: usize,
    pub slug: String,
    pub name: String,
    /// `content/partners/sakura-naika.md`.
    pub display: String,
    pub path: PathBuf,
    pub text: String,
    pub action: Action,
    pub notes: Vec<String>,
}

/// Every file an import would touch, and every problem found.
#[derive(Debug)]
pub struct Plan {
    pub read: Read,
    pub items: Vec<Item>,
    pub errors: Vec<CellError>,
    /// Rows left out by `--skip-invalid`.
    pub skipped_rows: BTreeSet<usize>,
}

/// Field names staff know from their sheet, for fields no column supplied.
fn label(kind: Kind, field: &str) -> &'static str {
    match field {
        "name" if kind == Kind::Doctors => "氏名",
        "name" => "名称",
        "yomi" => "よみ",
        "kind" => "種別",
        "area" => "地区",
        "address" => "住所・郵便番号",
        "tel" => "電話番号",
        "services" if kind == Kind::Care => "介護サービスの種類",
        "services" => "対応可能な診療・検査",
        "partner" => "勤務先",
        "office_number" => "事業所番号",
        _ => "",
    }
}

/// What one record is called in messages.
fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Partners => "医療機関",
        Kind::Care => "事業所",
        Kind::Doctors => "登録医",
    }
}

impl Plan {
    pub fn make(
        kind: Kind,
        mut read: Read,
        opts: &ImportOptions,
        ctx: &LoadCtx,
    ) -> Result<Plan, String> {
        let existing = existing::read_all(&opts.root, kind)?;
        let index = Index::new(&existing, kind);
        let mut taken = Taken {
            names: existing.iter().map(|e| e.slug.clone()).collect(),
            ..Taken::default()
        };
        // A 地域連携パス names its members by file name across partners/ and care/, so a new
        // care office may not take a clinic's name (a clinic that also runs a 介護 office).
        let sibling = match kind {
            Kind::Partners => Some("care"),
            Kind::Care => Some("partners"),
            Kind::Doctors => None,
        };
        if let Some(dir) = sibling {
            if let Ok(entries) = std::fs::read_dir(opts.root.join("content").join(dir)) {
                taken.names.extend(entries.flatten().filter_map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    name.strip_suffix(".md").map(str::to_string)
                }));
            }
        }
        let mut claimed: BTreeMap<String, usize> = BTreeMap::new();
        // Moved, not copied: a sheet of bad rows has as many errors as cells.
        let mut errors = std::mem::take(&mut read.errors);
        let mut items = Vec::new();
        let mut pending = Vec::new();
        let dir = kind.collection().dir();
        let row_error = |d: &Draft, field: &str, message: String| CellError {
            row: d.row,
            column: String::new(),
            field: field.into(),
            message,
        };
        for (index_no, d) in read.drafts.iter().enumerate() {
            let mut notes = d.notes.clone();
            let matched = match index.find(d) {
                Found::File(e) => Some(e),
                Found::New(note) => {
                    notes.extend(note);
                    None
                }
                Found::Refused(message) => {
                    errors.push(row_error(d, "slug", message));
                    continue;
                }
                Found::Ambiguous(slugs) => {
                    let files: Vec<String> =
                        slugs.iter().map(|s| format!("{dir}/{s}.md")).collect();
                    errors.push(row_error(
                        d,
                        "name",
                        format!(
                            "同じ名前の{} が {} 件あり({})、どれのことか決められません。ファイル名(ID)の列で指定するか、{}の列を加えてください",
                            noun(kind),
                            files.len(),
                            super::existing::shown_files(&files),
                            if kind == Kind::Doctors { "勤務先" } else { "電話番号か住所" }
                        ),
                    ));
                    continue;
                }
            };
            if matched.is_none() {
                notes.extend(d.create_notes.iter().cloned());
                let column = |key: &str| {
                    d.columns
                        .get(key)
                        .cloned()
                        .unwrap_or_else(|| label(kind, key).to_string())
                };
                let missing = if d.name.is_empty() {
                    Some((
                        "name",
                        format!(
                            "{}が空です。新しく作る記録には必要です",
                            label(kind, "name")
                        ),
                    ))
                } else if d.yomi.is_empty() {
                    Some(("yomi", "よみ(フリガナ)が空です。新しく作る記録には、五十音順の並べ替えと読みでの検索に使うよみが必要です".to_string()))
                } else {
                    None
                };
                if let Some((key, message)) = missing {
                    errors.push(CellError {
                        row: d.row,
                        column: column(key),
                        field: key.into(),
                        message,
                    });
                    continue;
                }
            }
            let slug = match matched {
                Some(e) => e.slug.clone(),
                None => {
                    let wanted = d
                        .slug
                        .clone()
                        .unwrap_or_else(|| slug::from_reading(&d.name, &d.yomi));
                    if !crate::content::is_valid_slug(&wanted) {
                        errors.push(row_error(
                            d,
                            "slug",
                            format!(
                                "ファイル名にできません(「{wanted}」)。よみをひらがなかカタカナで書くか、ファイル名(ID)の列を加えてください"
                            ),
                        ));
                        continue;
                    }
                    taken.unique(&wanted)
                }
            };
            if let Some(first) = claimed.insert(slug.clone(), d.row) {
                // Both rows are in error: with --skip-invalid neither is written, since which
                // one is right is for staff to say.
                let same = |row: usize| {
                    format!(
                        "{row} 行目と同じ{}({dir}/{slug}.md)です。重なっている行を 1 つにしてください",
                        noun(kind)
                    )
                };
                errors.push(row_error(d, "name", same(first)));
                errors.push(CellError {
                    row: first,
                    column: String::new(),
                    field: "name".into(),
                    message: same(d.row),
                });
                continue;
            }
            let display = format!("content/{dir}/{slug}.md");
            pending.push((index_no, slug, display, notes, matched));
        }
        // Building and merging each file's text is independent of the others: in parallel.
        let built: Vec<Result<Item, CellError>> = pending
            .into_par_iter()
            .map(|(index_no, slug, display, notes, matched)| {
                let d = &read.drafts[index_no];
                let (text, action) = match matched {
                    None => (frontmatter::new_file(d), Action::Create),
                    Some(e) => match merge::merge(&e.text, d) {
                        Ok((_, changes)) if changes.is_empty() => (e.text.clone(), Action::Same),
                        Ok((text, changes)) if opts.update => (text, Action::Change(changes)),
                        Ok((_, changes)) => (e.text.clone(), Action::Kept(changes)),
                        Err(m) => {
                            return Err(row_error(
                                d,
                                "",
                                format!(
                                    "{display} を読めません({m})。手で直してから取り込んでください"
                                ),
                            ))
                        }
                    },
                };
                Ok(Item {
                    row: d.row,
                    draft: index_no,
                    slug,
                    name: d.name.clone(),
                    path: opts.root.join(&display),
                    display,
                    text,
                    action,
                    notes,
                })
            })
            .collect();
        for b in built {
            match b {
                Ok(item) => items.push(item),
                Err(e) => errors.push(e),
            }
        }
        // Every file that would be written goes through the build's reader, in parallel: it
        // is most of an import's time, and the files are independent.
        let checked: Vec<Vec<CellError>> = items
            .par_iter()
            .filter(|i| matches!(i.action, Action::Create | Action::Change(_)))
            .map(|i| {
                let d = &read.drafts[i.draft];
                check_text(kind, &i.slug, &i.display, &merge::as_read(&i.text), d, ctx)
            })
            .collect();
        errors.extend(checked.into_iter().flatten());
        errors.sort_by(|a, b| (a.row, &a.column).cmp(&(b.row, &b.column)));
        errors.dedup();
        let skipped_rows: BTreeSet<usize> = if opts.skip_invalid {
            errors.iter().map(|e| e.row).collect()
        } else {
            BTreeSet::new()
        };
        Ok(Plan {
            read,
            items,
            errors,
            skipped_rows,
        })
    }
}

/// File names already given out, and for each name asked for, the number its next `-n` may
/// start from.
#[derive(Default)]
struct Taken {
    names: BTreeSet<String>,
    next: HashMap<String, usize>,
}

impl Taken {
    /// `wanted`, or the first of `wanted-2`, `wanted-3`, … not yet taken. Names are only ever
    /// added, so a number tried once for `wanted` stays taken and the next search starts past
    /// it: 20,000 rows of one name take 20,000 steps, not 200 million.
    fn unique(&mut self, wanted: &str) -> String {
        let mut n = self.next.get(wanted).copied().unwrap_or(1);
        let mut slug = if n == 1 {
            wanted.to_string()
        } else {
            format!("{wanted}-{n}")
        };
        while self.names.contains(&slug) {
            n += 1;
            slug = format!("{wanted}-{n}");
        }
        self.next.insert(wanted.to_string(), n + 1);
        self.names.insert(slug.clone());
        slug
    }
}

/// The planned file through the build's own reader; its errors become cell errors.
fn check_text(
    kind: Kind,
    slug: &str,
    display: &str,
    text: &str,
    d: &Draft,
    ctx: &LoadCtx,
) -> Vec<CellError> {
    let (_, diags) = load::read_from_text(kind.collection(), slug, display, text, ctx);
    diags
        .into_iter()
        .filter(|x| x.severity == Severity::Error)
        .filter_map(|x| {
            let field = x.field.clone().unwrap_or_default();
            let top = field.split(['.', '[']).next().unwrap_or("").to_string();
            // A cell that already failed is reported once, by the cell.
            if d.failed.contains(&top) {
                return None;
            }
            let column = d
                .columns
                .get(top.as_str())
                .cloned()
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| label(kind, &top).to_string());
            let mut message = x.message.clone();
            if let Some(e) = &x.expected {
                let _ = write!(message, "(expected: {e})");
            }
            if !d.columns.contains_key(top.as_str()) && top == "area" {
                message.push_str("。地区の列を加えるか、--area で指定してください");
            }
            Some(CellError {
                row: d.row,
                column,
                field,
                message,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search `Taken::unique` replaced: from `-2` every time.
    fn from_two(wanted: &str, taken: &mut BTreeSet<String>) -> String {
        let mut slug = wanted.to_string();
        let mut n = 2;
        while taken.contains(&slug) {
            slug = format!("{wanted}-{n}");
            n += 1;
        }
        taken.insert(slug.clone());
        slug
    }

    #[test]
    fn names_are_given_as_counting_from_two_each_time_would() {
        let names: BTreeSet<String> = ["sakura", "sakura-3", "sakura-2-2", "ume-2"]
            .map(String::from)
            .into();
        let mut taken = Taken {
            names: names.clone(),
            ..Taken::default()
        };
        let mut old = names;
        let asks = [
            "sakura", "sakura-2", "ume", "sakura", "ume", "sakura-4", "ume", "sakura",
        ];
        let many = std::iter::repeat_n("himawari", 500);
        for wanted in asks.into_iter().chain(many).chain(asks) {
            assert_eq!(taken.unique(wanted), from_two(wanted, &mut old), "{wanted}");
        }
        assert_eq!(taken.unique("himawari"), "himawari-501");
    }
}
