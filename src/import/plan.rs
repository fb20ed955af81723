//! From rows to files: match each row to the record it already is (by ID, file name or name),
//! name new files, build each file's text, check it with the build's own reader, and only then
//! write — all files or none.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::content::document;
use crate::diagnostics::Severity;
use crate::fields::FileReport;
use crate::load;
use crate::record::LoadCtx;
use crate::yaml::Value as Y;

use super::columns::{self, Field};
use super::frontmatter::{self, Change};
use super::rows::{self, CellError, Draft};
use super::{name_key, slug, table, ImportOptions, Kind, SiteLists};

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
    let table = table::read(path)?;
    let (header_at, headers) = table
        .rows
        .iter()
        .take(10)
        .enumerate()
        .find(|(_, (_, row))| columns::score(kind, row, map) >= 2)
        .map(|(i, (_, row))| (i, row.clone()))
        .ok_or_else(|| {
            format!(
                "{}: 見出しの行が見つかりません(上から 10 行のうちに「名称」「よみ」「電話番号」などの列名が 2 つ以上ある行が必要です。違う列名なら --map で指定してください)",
                path.display()
            )
        })?;
    let known: Vec<String> = match kind {
        Kind::Care => lists.care_services.clone(),
        _ => lists.services.clone(),
    };
    let cols = columns::resolve(kind, &headers, map, &known);
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
    let header_row = table.rows[header_at].0;
    let mut data_rows = 0;
    for (row_no, row) in table.rows.iter().skip(header_at + 1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        data_rows += 1;
        match rows::draft(kind, *row_no, &headers, &cols, row, lists) {
            Ok(d) => read.drafts.push(d),
            Err(e) => read.errors.extend(e),
        }
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

/// A record already in `content/`.
struct Existing {
    slug: String,
    text: String,
    name: String,
    key: Option<String>,
}

fn existing_records(root: &Path, kind: Kind) -> Vec<Existing> {
    let dir = root.join("content").join(kind.collection().dir());
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        let Some(slug) = file.strip_suffix(".md") else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let report = FileReport::new(file.clone());
        let front = document::split(&text, &report).map(|d| d.front);
        let field = |key: &str| -> Option<String> {
            match &front.as_ref()?.value {
                Y::Map(entries) => entries
                    .iter()
                    .find(|e| e.key == key)
                    .and_then(|e| e.value.scalar_text()),
                _ => None,
            }
        };
        out.push(Existing {
            slug: slug.to_string(),
            name: field("name").unwrap_or_default(),
            key: kind.key_field().and_then(field),
            text,
        });
    }
    out.sort_by(|a, b| a.slug.cmp(&b.slug));
    out
}

/// Field names staff know from their sheet, for fields no column supplied.
fn label(field: &str) -> &'static str {
    match field {
        "name" => "名称",
        "yomi" => "よみ",
        "kind" => "種別",
        "area" => "地区",
        "address" => "住所・郵便番号",
        "tel" => "電話番号",
        "services" => "介護サービスの種類",
        "partner" => "勤務先",
        "office_number" => "事業所番号",
        _ => "",
    }
}

impl Plan {
    pub fn make(
        kind: Kind,
        read: Read,
        opts: &ImportOptions,
        ctx: &LoadCtx,
    ) -> Result<Plan, String> {
        let existing = existing_records(&opts.root, kind);
        // Indexes, not scans: a 10k-row sheet against a 10k-record site is 10⁸ comparisons
        // otherwise. The first file (by slug) wins when two share an ID or a name.
        let by_slug: BTreeMap<&str, &Existing> =
            existing.iter().map(|e| (e.slug.as_str(), e)).collect();
        let mut by_key: BTreeMap<&str, &Existing> = BTreeMap::new();
        let mut by_name: BTreeMap<String, &Existing> = BTreeMap::new();
        for e in &existing {
            if let Some(k) = &e.key {
                by_key.entry(k.as_str()).or_insert(e);
            }
            by_name.entry(name_key(&e.name)).or_insert(e);
        }
        let mut taken: BTreeSet<String> = existing.iter().map(|e| e.slug.clone()).collect();
        let mut claimed: BTreeMap<String, usize> = BTreeMap::new();
        let mut errors = read.errors.clone();
        let mut items = Vec::new();
        let dir = kind.collection().dir();
        for (index, d) in read.drafts.iter().enumerate() {
            let matched = d
                .key
                .as_ref()
                .and_then(|(_, k)| by_key.get(k.as_str()).copied())
                .or_else(|| d.slug.as_deref().and_then(|s| by_slug.get(s).copied()))
                .or_else(|| by_name.get(&name_key(&d.name)).copied());
            let slug = match matched {
                Some(e) => e.slug.clone(),
                None => {
                    let wanted = d
                        .slug
                        .clone()
                        .unwrap_or_else(|| slug::from_reading(&d.name, &d.yomi));
                    if !crate::content::is_valid_slug(&wanted) {
                        errors.push(CellError {
                            row: d.row,
                            column: String::new(),
                            field: "slug".into(),
                            message: format!(
                                "ファイル名にできません(「{wanted}」)。よみをひらがなかカタカナで書くか、ファイル名の列を加えてください"
                            ),
                        });
                        continue;
                    }
                    unique(&wanted, &mut taken)
                }
            };
            if let Some(first) = claimed.insert(slug.clone(), d.row) {
                errors.push(CellError {
                    row: d.row,
                    column: String::new(),
                    field: "name".into(),
                    message: format!(
                        "{first} 行目と同じ施設({dir}/{slug}.md)です。重なっている行を 1 つにしてください"
                    ),
                });
                continue;
            }
            let display = format!("content/{dir}/{slug}.md");
            let path = opts.root.join(&display);
            let (text, action) = match matched {
                None => (frontmatter::new_file(d), Action::Create),
                Some(e) => match frontmatter::merge(&e.text, d) {
                    Ok((_, changes)) if changes.is_empty() => (e.text.clone(), Action::Same),
                    Ok((text, changes)) if opts.update => (text, Action::Change(changes)),
                    Ok((_, changes)) => (e.text.clone(), Action::Kept(changes)),
                    Err(m) => {
                        errors.push(CellError {
                            row: d.row,
                            column: String::new(),
                            field: String::new(),
                            message: format!(
                                "{display} を読めません({m})。手で直してから取り込んでください"
                            ),
                        });
                        continue;
                    }
                },
            };
            items.push(Item {
                row: d.row,
                draft: index,
                slug,
                name: d.name.clone(),
                display,
                path,
                text,
                action,
                notes: d.notes.clone(),
            });
        }
        // Every file that would be written goes through the build's reader, in parallel: it
        // is most of an import's time, and the files are independent.
        let checked: Vec<Vec<CellError>> = items
            .par_iter()
            .filter(|i| matches!(i.action, Action::Create | Action::Change(_)))
            .map(|i| {
                let d = &read.drafts[i.draft];
                check_text(kind, &i.slug, &i.display, &i.text, d, ctx)
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

fn unique(wanted: &str, taken: &mut BTreeSet<String>) -> String {
    let mut slug = wanted.to_string();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{wanted}-{n}");
        n += 1;
    }
    taken.insert(slug.clone());
    slug
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
        .map(|x| {
            let field = x.field.clone().unwrap_or_default();
            let top = field.split(['.', '[']).next().unwrap_or("").to_string();
            let column = d
                .columns
                .get(top.as_str())
                .cloned()
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| label(&top).to_string());
            let mut message = x.message.clone();
            if let Some(e) = &x.expected {
                let _ = write!(message, "(expected: {e})");
            }
            if !d.columns.contains_key(top.as_str()) && top == "area" {
                message.push_str("。地区の列を加えるか、--area で指定してください");
            }
            CellError {
                row: d.row,
                column,
                field,
                message,
            }
        })
        .collect()
}

/// What `run` reports and how it ends.
#[derive(Debug)]
pub struct Outcome {
    /// The plan and summary (stdout).
    pub report: String,
    /// Row errors (stderr).
    pub errors: String,
    /// 0 done (or a clean dry run), 1 rows with errors and nothing written.
    pub code: u8,
}

impl Plan {
    pub fn finish(self, opts: &ImportOptions) -> Result<Outcome, String> {
        let mut report = String::new();
        let mut errors = String::new();
        let r = &self.read;
        let _ = writeln!(report, "{} を読みました({})。", r.file, r.description);
        if !r.used.is_empty() {
            let used: Vec<String> = r.used.iter().map(|(h, f)| format!("{h}→{f}")).collect();
            let _ = writeln!(report, "取り込む列: {}", used.join("、"));
        }
        if !r.unknown.is_empty() {
            let _ = writeln!(
                report,
                "取り込まない列: {}(項目に対応させるには --map で指定してください)",
                r.unknown.join("、")
            );
        }
        let file = Path::new(&r.file)
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        for e in &self.errors {
            let column = if e.column.is_empty() {
                String::new()
            } else {
                format!("「{}」", e.column)
            };
            let field = if e.field.is_empty() {
                String::new()
            } else {
                format!("({})", e.field)
            };
            let _ = writeln!(
                errors,
                "{file}: {} 行目{column}{field}: {}",
                e.row, e.message
            );
        }
        let invalid = !self.errors.is_empty() && !opts.skip_invalid;
        let writable: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| !self.skipped_rows.contains(&i.row))
            .collect();
        let count = |f: &dyn Fn(&Action) -> bool| writable.iter().filter(|i| f(&i.action)).count();
        let creates = count(&|a| matches!(a, Action::Create));
        let changes = count(&|a| matches!(a, Action::Change(_)));
        let same = count(&|a| matches!(a, Action::Same));
        let kept = count(&|a| matches!(a, Action::Kept(_)));
        describe(&mut report, &writable, opts.dry_run);
        let verb = if opts.dry_run || invalid {
            "予定"
        } else {
            ""
        };
        let _ = writeln!(
            report,
            "作成{verb} {creates} 件、変更{verb} {changes} 件、変更なし {same} 件{}。",
            if kept > 0 {
                format!("、既にあるため変更しない {kept} 件(--update で更新します)")
            } else {
                String::new()
            }
        );
        if invalid {
            let _ = writeln!(
                errors,
                "エラー {} 件。何も書き込んでいません。直してからもう一度実行してください(--skip-invalid ならエラーの行だけ除いて取り込みます)。",
                self.errors.len()
            );
            return Ok(Outcome {
                report,
                errors,
                code: 1,
            });
        }
        if !self.skipped_rows.is_empty() {
            let rows: Vec<String> = self.skipped_rows.iter().map(|r| r.to_string()).collect();
            let _ = writeln!(
                errors,
                "エラーのある {} 行目は取り込みません(--skip-invalid)。",
                rows.join("・")
            );
        }
        if opts.dry_run {
            let _ = writeln!(report, "--dry-run のため何も書き込んでいません。");
            return Ok(Outcome {
                report,
                errors,
                code: 0,
            });
        }
        let to_write: Vec<&Item> = writable
            .into_iter()
            .filter(|i| matches!(i.action, Action::Create | Action::Change(_)))
            .collect();
        write_all(&to_write)?;
        if let Some(line) = self.read.attribution {
            if ensure_attribution(&opts.root, line)? {
                let _ = writeln!(report, "site.yaml の attributions に出典「{line}」を加えました(サイトの下部に表示されます)。");
            }
        }
        let _ = writeln!(
            report,
            "書き込みました。renkei check で確かめてから、renkei build で公開用に生成してください。"
        );
        Ok(Outcome {
            report,
            errors,
            code: 0,
        })
    }
}

/// The per-file lines of the plan: created, changed field by field, and — in a dry run, which
/// staff read to decide — every file left alone too.
fn describe(report: &mut String, items: &[&Item], dry_run: bool) {
    for item in items {
        let head = |verb: &str| format!("{verb} {}({} 行目 {})", item.display, item.row, item.name);
        match &item.action {
            Action::Create => {
                let _ = writeln!(report, "{}", head("作成"));
            }
            Action::Change(changes) | Action::Kept(changes) => {
                let verb = if matches!(item.action, Action::Change(_)) {
                    "変更"
                } else {
                    "変更しない(--update なし)"
                };
                let _ = writeln!(report, "{}", head(verb));
                for c in changes {
                    let old = c.old.as_deref().unwrap_or("(なし)");
                    let _ = writeln!(report, "    {}: {old} → {}", c.key, c.new);
                }
            }
            Action::Same if dry_run => {
                let _ = writeln!(report, "{}", head("変更なし"));
            }
            Action::Same => {}
        }
        for note in &item.notes {
            let _ = writeln!(report, "    注: {} 行目: {note}", item.row);
        }
    }
}

/// Writes every file under a temporary name, then renames them all into place: a full disk
/// or a permission problem stops the import before any real file changed.
fn write_all(items: &[&Item]) -> Result<(), String> {
    let mut temps: Vec<(PathBuf, &Path)> = Vec::new();
    let cleanup = |temps: &[(PathBuf, &Path)]| {
        for (t, _) in temps {
            let _ = std::fs::remove_file(t);
        }
    };
    for item in items {
        let temp = item.path.with_extension("md.renkei-import");
        let result = item
            .path
            .parent()
            .map(std::fs::create_dir_all)
            .unwrap_or(Ok(()))
            .and_then(|_| std::fs::write(&temp, &item.text));
        if let Err(e) = result {
            cleanup(&temps);
            let _ = std::fs::remove_file(&temp);
            return Err(format!(
                "{} を書き込めません: {e}(何も変更していません)",
                item.display
            ));
        }
        temps.push((temp, &item.path));
    }
    for (temp, path) in &temps {
        std::fs::rename(temp, path)
            .map_err(|e| format!("{} を置き換えられません: {e}", path.display()))?;
    }
    Ok(())
}

/// Adds `line` to `attributions:` in site.yaml unless it is there. Returns whether it added.
fn ensure_attribution(root: &Path, line: &str) -> Result<bool, String> {
    let path = root.join("content/site.yaml");
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("site.yaml を読めません: {e}"))?;
    if text.contains(line) {
        return Ok(false);
    }
    let node = crate::yaml::parse(&text, 1).map_err(|e| e.message)?;
    let mut items: Vec<String> = match &node.value {
        Y::Map(entries) => entries
            .iter()
            .find(|e| e.key == "attributions")
            .map(|e| match &e.value.value {
                Y::Seq(items) => items.iter().filter_map(|i| i.scalar_text()).collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    items.push(line.to_string());
    let mut d = Draft::new(0);
    d.fields.push(("attributions", rows::Value::List(items)));
    let wrapped = format!(
        "---\n{text}{}---\n",
        if text.ends_with('\n') { "" } else { "\n" }
    );
    let (merged, _) = frontmatter::merge(&wrapped, &d)?;
    let merged = merged
        .strip_prefix("---\n")
        .and_then(|m| m.strip_suffix("---\n"))
        .unwrap_or(&merged)
        .to_string();
    std::fs::write(&path, merged).map_err(|e| format!("site.yaml を書き込めません: {e}"))?;
    Ok(true)
}
