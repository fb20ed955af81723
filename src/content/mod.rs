//! Finding and reading the files of `content/`.
//!
//! [`scan`] walks the site folder and sorts every file into its collection, refusing anything
//! the content model does not name (an unknown folder, a file that is not `<slug>.md`, a link
//! that points outside the site) so nothing is silently skipped. [`document`] reads one file
//! into front matter and body, catching encoding slips before they become mojibake on the site.

pub mod attachments;
pub mod document;
pub mod fields;
pub mod markdown;
pub mod numbers;
pub mod report;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::collection::Collection;
use crate::diagnostics::Diagnostic;
use crate::yaml::Pos;

/// The data files `content/data/` may hold.
pub const DATA_FILES: &[&str] = &[
    "outpatient.yaml",
    "closures.yaml",
    "jma-cc.yaml",
    "vocabulary.yaml",
];

/// One record file found by [`scan`].
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub collection: Collection,
    pub slug: String,
    pub path: PathBuf,
    /// Path shown to staff: `content/partners/sakura-naika.md`.
    pub display: String,
}

/// Everything found under `content/`.
#[derive(Debug, Default)]
pub struct Inventory {
    pub records: Vec<SourceFile>,
    /// `data/<name>` → file.
    pub data: BTreeMap<String, PathBuf>,
    /// Path under `static/` (`forms/a.pdf`) → file.
    pub statics: BTreeMap<String, PathBuf>,
}

/// A slug is the file stem: lowercase ASCII letters, digits and `-`.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// Files editors and operating systems leave behind; never content.
pub fn is_ignorable(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with("~$")
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

/// One folder entry that survived the walker's checks.
struct Entry {
    name: String,
    path: PathBuf,
    /// Path shown to staff (`content/partners/a.md`).
    shown: String,
    is_dir: bool,
}

/// Lists folders of the site, skipping editor litter and refusing links that leave the site.
/// Every scan below goes through it, so those rules hold everywhere.
struct Walker<'a> {
    root: &'a Path,
    content_real: PathBuf,
    diags: Vec<Diagnostic>,
}

impl Walker<'_> {
    fn entries(&mut self, dir: &Path) -> Vec<Entry> {
        let mut raw = Vec::new();
        match fs::read_dir(dir) {
            Ok(rd) => {
                for entry in rd.flatten() {
                    raw.push((
                        entry.file_name().to_string_lossy().into_owned(),
                        entry.path(),
                        entry.file_type().ok(),
                    ));
                }
            }
            Err(e) => {
                let shown = self.shown(dir);
                self.diags.push(Diagnostic::error(
                    &shown,
                    Pos::default(),
                    None,
                    format!("フォルダを読めません: {e}"),
                ));
            }
        }
        raw.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = Vec::new();
        for (name, path, file_type) in raw {
            if is_ignorable(&name) {
                continue;
            }
            let shown = self.shown(&path);
            // Only a symbolic link can lead out of a folder that is itself inside the site.
            if file_type.is_none_or(|t| t.is_symlink()) && !self.is_inside(&path) {
                self.diags.push(
                    Diagnostic::error(
                        &shown,
                        Pos::default(),
                        None,
                        "サイトのフォルダの外を指すリンク(シンボリックリンク)です。安全のため読み込みません",
                    )
                    .expected("content/ の中の実際のファイル"),
                );
                continue;
            }
            // The directory entry's own type, where it has one: a `stat` of each of 100k
            // records took most of the walk. A link is followed to what it points at.
            let is_dir = match file_type {
                Some(t) if !t.is_symlink() => t.is_dir(),
                _ => path.is_dir(),
            };
            out.push(Entry {
                name,
                path,
                shown,
                is_dir,
            });
        }
        out
    }

    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    fn is_inside(&self, path: &Path) -> bool {
        // A dangling link is not readable, and not inside either.
        fs::canonicalize(path).is_ok_and(|real| real.starts_with(&self.content_real))
    }

    fn refuse(&mut self, shown: &str, message: String, expected: String) {
        self.diags
            .push(Diagnostic::error(shown, Pos::default(), None, message).expected(expected));
    }
}

/// Walks `<root>/content`. Problems are returned as diagnostics; I/O failures that make the
/// walk itself impossible (no content folder) are returned as `Err`.
pub fn scan(root: &Path) -> Result<(Inventory, Vec<Diagnostic>), String> {
    let content = root.join("content");
    let content_real = fs::canonicalize(&content)
        .map_err(|e| format!("{} を開けません: {e}", content.display()))?;
    let mut walker = Walker {
        root,
        content_real,
        diags: Vec::new(),
    };
    let mut inv = Inventory::default();
    for e in walker.entries(&content) {
        if e.name == "site.yaml" {
            continue;
        }
        if let Some(collection) = Collection::from_dir(&e.name) {
            scan_collection(&mut walker, &e, collection, &mut inv);
        } else if e.name == "data" && e.is_dir {
            scan_data(&mut walker, &e, &mut inv);
        } else if e.name == "static" && e.is_dir {
            scan_static(&mut walker, &e.path, "", &mut inv);
        } else {
            let known: Vec<&str> = Collection::ALL
                .iter()
                .map(|c| c.dir())
                .chain(["data", "static", "site.yaml"])
                .collect();
            let hint = crate::diagnostics::suggest(&e.name, known.iter().copied());
            walker.refuse(
                &e.shown,
                format!("content/ にこの名前は置けません{hint}"),
                format!("次のいずれか: {}", known.join(", ")),
            );
        }
    }
    Ok((inv, walker.diags))
}

fn scan_collection(walker: &mut Walker, dir: &Entry, collection: Collection, inv: &mut Inventory) {
    let expected = format!("content/{}/<slug>.md", collection.dir());
    for e in walker.entries(&dir.path) {
        if e.is_dir {
            walker.refuse(
                &e.shown,
                "この中にフォルダは作れません".into(),
                expected.clone(),
            );
            continue;
        }
        let Some(slug) = e.name.strip_suffix(".md") else {
            walker.refuse(
                &e.shown,
                "Markdown ファイル(.md)ではありません".into(),
                expected.clone(),
            );
            continue;
        };
        if !is_valid_slug(slug) {
            let suggestion: String = slug
                .to_ascii_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let suggestion = suggestion.trim_matches('-').to_string();
            let hint = if is_valid_slug(&suggestion) && suggestion.len() == slug.len() {
                format!("。「{suggestion}.md」のような名前にしてください")
            } else {
                "。ローマ字の名前にしてください(例: sakura-naika.md)".to_string()
            };
            walker.refuse(
                &e.shown,
                format!("ファイル名「{}」は URL に使えません{hint}", e.name),
                "半角の小文字英字・数字・ハイフン(a-z 0-9 -)".into(),
            );
            continue;
        }
        inv.records.push(SourceFile {
            collection,
            slug: slug.to_string(),
            path: e.path,
            display: e.shown,
        });
    }
}

fn scan_data(walker: &mut Walker, dir: &Entry, inv: &mut Inventory) {
    for e in walker.entries(&dir.path) {
        if DATA_FILES.contains(&e.name.as_str()) && !e.is_dir {
            inv.data.insert(e.name, e.path);
        } else {
            let hint = crate::diagnostics::suggest(&e.name, DATA_FILES.iter().copied());
            walker.refuse(
                &e.shown,
                format!("data/ に置けないファイルです{hint}"),
                format!("次のいずれか: {}", DATA_FILES.join(", ")),
            );
        }
    }
}

fn scan_static(walker: &mut Walker, dir: &Path, rel: &str, inv: &mut Inventory) {
    for e in walker.entries(dir) {
        let child = format!("{rel}{}", e.name);
        if e.is_dir {
            scan_static(walker, &e.path, &format!("{child}/"), inv);
        } else {
            inv.statics.insert(child, e.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid_slug("sakura-naika"));
        assert!(is_valid_slug("clinic-00194"));
        assert!(!is_valid_slug("Sakura"));
        assert!(!is_valid_slug("さくら"));
        assert!(!is_valid_slug("a_b"));
        assert!(!is_valid_slug("-a"));
        assert!(!is_valid_slug(""));
    }
}
