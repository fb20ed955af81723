//! Finding and reading the files of `content/`.
//!
//! [`scan`] walks the site folder and sorts every file into its collection, refusing anything
//! the content model does not name (an unknown folder, a file that is not `<slug>.md`, a link
//! that points outside the site) so nothing is silently skipped. [`document`] reads one file
//! into front matter and body, catching encoding slips before they become mojibake on the site.

pub mod document;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::yaml::Pos;

/// The record folders of `content/`, in the order the site presents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Collection {
    Partners,
    Care,
    Doctors,
    Seminars,
    News,
    Pathways,
    Pages,
}

impl Collection {
    pub const ALL: [Collection; 7] = [
        Collection::Partners,
        Collection::Care,
        Collection::Doctors,
        Collection::Seminars,
        Collection::News,
        Collection::Pathways,
        Collection::Pages,
    ];

    /// Folder name under `content/`, also the URL segment (except pages, served at the root).
    pub fn dir(self) -> &'static str {
        match self {
            Collection::Partners => "partners",
            Collection::Care => "care",
            Collection::Doctors => "doctors",
            Collection::Seminars => "seminars",
            Collection::News => "news",
            Collection::Pathways => "pathways",
            Collection::Pages => "pages",
        }
    }

    /// Japanese name, for headings, breadcrumbs and summaries.
    pub fn label(self) -> &'static str {
        match self {
            Collection::Partners => "連携医療機関",
            Collection::Care => "介護・福祉事業所",
            Collection::Doctors => "登録医",
            Collection::Seminars => "研修会・講演会",
            Collection::News => "お知らせ",
            Collection::Pathways => "地域連携パス",
            Collection::Pages => "ページ",
        }
    }
}

/// The data files `content/data/` may hold.
pub const DATA_FILES: &[&str] = &["outpatient.yaml", "closures.yaml"];

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
fn is_ignorable(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with("~$")
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

fn display_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Walks `<root>/content`. Problems are returned as diagnostics; I/O failures that make the
/// walk itself impossible (no content folder) are returned as `Err`.
pub fn scan(root: &Path) -> Result<(Inventory, Vec<Diagnostic>), String> {
    let content = root.join("content");
    let content_real = fs::canonicalize(&content)
        .map_err(|e| format!("{} を開けません: {e}", content.display()))?;
    let mut inv = Inventory::default();
    let mut diags = Vec::new();

    let mut entries = read_dir_sorted(&content)
        .map_err(|e| format!("{} を読めません: {e}", content.display()))?;
    entries.retain(|(name, _)| !is_ignorable(name));
    for (name, path) in entries {
        let shown = display_path(root, &path);
        if !is_inside(&path, &content_real) {
            diags.push(outside_error(&shown));
            continue;
        }
        if name == "site.yaml" {
            continue;
        }
        if let Some(collection) = Collection::ALL.iter().find(|c| c.dir() == name) {
            scan_collection(
                root,
                &path,
                *collection,
                &content_real,
                &mut inv,
                &mut diags,
            );
        } else if name == "data" && path.is_dir() {
            scan_data(root, &path, &content_real, &mut inv, &mut diags);
        } else if name == "static" && path.is_dir() {
            scan_static(root, &path, "", &content_real, &mut inv, &mut diags);
        } else {
            let known: Vec<&str> = Collection::ALL
                .iter()
                .map(|c| c.dir())
                .chain(["data", "static", "site.yaml"])
                .collect();
            let hint = crate::diagnostics::did_you_mean(&name, known.iter().copied())
                .map(|s| format!("。もしかして「{s}」?"))
                .unwrap_or_default();
            diags.push(
                Diagnostic::error(
                    &shown,
                    Pos::default(),
                    None,
                    format!("content/ にこの名前は置けません{hint}"),
                )
                .expected(format!("次のいずれか: {}", known.join(", "))),
            );
        }
    }
    Ok((inv, diags))
}

fn outside_error(shown: &str) -> Diagnostic {
    Diagnostic::error(
        shown,
        Pos::default(),
        None,
        "サイトのフォルダの外を指すリンク(シンボリックリンク)です。安全のため読み込みません",
    )
    .expected("content/ の中の実際のファイル")
}

/// True when `path` (following links) stays inside `root_real`.
fn is_inside(path: &Path, root_real: &Path) -> bool {
    match fs::canonicalize(path) {
        Ok(real) => real.starts_with(root_real),
        // A dangling link: not readable, and not inside either.
        Err(_) => false,
    }
}

fn read_dir_sorted(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        out.push((
            entry.file_name().to_string_lossy().into_owned(),
            entry.path(),
        ));
    }
    out.sort();
    Ok(out)
}

fn scan_collection(
    root: &Path,
    dir: &Path,
    collection: Collection,
    content_real: &Path,
    inv: &mut Inventory,
    diags: &mut Vec<Diagnostic>,
) {
    let shown_dir = display_path(root, dir);
    let entries = match read_dir_sorted(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic::error(
                &shown_dir,
                Pos::default(),
                None,
                format!("フォルダを読めません: {e}"),
            ));
            return;
        }
    };
    for (name, path) in entries {
        if is_ignorable(&name) {
            continue;
        }
        let shown = display_path(root, &path);
        if !is_inside(&path, content_real) {
            diags.push(outside_error(&shown));
            continue;
        }
        if path.is_dir() {
            diags.push(
                Diagnostic::error(&shown, Pos::default(), None, "この中にフォルダは作れません")
                    .expected(format!("content/{}/<slug>.md", collection.dir())),
            );
            continue;
        }
        let Some(slug) = name.strip_suffix(".md") else {
            diags.push(
                Diagnostic::error(
                    &shown,
                    Pos::default(),
                    None,
                    "Markdown ファイル(.md)ではありません",
                )
                .expected(format!("content/{}/<slug>.md", collection.dir())),
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
            diags.push(
                Diagnostic::error(
                    &shown,
                    Pos::default(),
                    None,
                    format!("ファイル名「{name}」は URL に使えません{hint}"),
                )
                .expected("半角の小文字英字・数字・ハイフン(a-z 0-9 -)"),
            );
            continue;
        }
        inv.records.push(SourceFile {
            collection,
            slug: slug.to_string(),
            path,
            display: shown,
        });
    }
}

fn scan_data(
    root: &Path,
    dir: &Path,
    content_real: &Path,
    inv: &mut Inventory,
    diags: &mut Vec<Diagnostic>,
) {
    let Ok(entries) = read_dir_sorted(dir) else {
        return;
    };
    for (name, path) in entries {
        if is_ignorable(&name) {
            continue;
        }
        let shown = display_path(root, &path);
        if !is_inside(&path, content_real) {
            diags.push(outside_error(&shown));
        } else if DATA_FILES.contains(&name.as_str()) && path.is_file() {
            inv.data.insert(name, path);
        } else {
            let hint = crate::diagnostics::did_you_mean(&name, DATA_FILES.iter().copied())
                .map(|s| format!("。もしかして「{s}」?"))
                .unwrap_or_default();
            diags.push(
                Diagnostic::error(
                    &shown,
                    Pos::default(),
                    None,
                    format!("data/ に置けないファイルです{hint}"),
                )
                .expected(format!("次のいずれか: {}", DATA_FILES.join(", "))),
            );
        }
    }
}

fn scan_static(
    root: &Path,
    dir: &Path,
    rel: &str,
    content_real: &Path,
    inv: &mut Inventory,
    diags: &mut Vec<Diagnostic>,
) {
    let Ok(entries) = read_dir_sorted(dir) else {
        return;
    };
    for (name, path) in entries {
        if is_ignorable(&name) {
            continue;
        }
        let shown = display_path(root, &path);
        if !is_inside(&path, content_real) {
            diags.push(outside_error(&shown));
            continue;
        }
        let child = format!("{rel}{name}");
        if path.is_dir() {
            scan_static(root, &path, &format!("{child}/"), content_real, inv, diags);
        } else {
            inv.statics.insert(child, path);
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
