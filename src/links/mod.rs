//! `renkei check`'s link check: every link and `#anchor` in the site as built must resolve to
//! a file of that same build, under base_url's path. Links to other sites are collected for
//! `--external` and never fetched: the check runs offline and gives the same answer twice.
//!
//! The pages are scanned as the pipeline renders them (through [`LinkSink`]), so the check sees
//! exactly what `build` would publish — bodies, templates, feeds — without writing anything.
//! A broken link is reported where staff can fix it: the content file (or template) that has
//! the link written in it, with line and column.

mod scan;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;
use std::path::Path;
use std::sync::Mutex;

use crate::diagnostics::{self, Diagnostic, Diagnostics};
use crate::output::{OutFile, Sink, Source, Tally};
use crate::url::Urls;
use crate::yaml::Pos;

pub use scan::{resolve, scan, Target};

/// A sink that keeps only what the link check needs: every output path, and the links and
/// ids of each page (a few KB a page, not the page).
#[derive(Debug, Default)]
pub struct LinkSink {
    tally: Tally,
    files: Mutex<HashSet<String>>,
    pages: Mutex<Vec<(String, scan::Scanned)>>,
}

impl Sink for LinkSink {
    fn put(&self, file: OutFile) -> io::Result<()> {
        self.tally.count(&file);
        let scanned = match &file.source {
            Source::Bytes(bytes) if is_scanned(&file.path) => {
                Some(scan(&String::from_utf8_lossy(bytes)))
            }
            _ => None,
        };
        if let Ok(mut files) = self.files.lock() {
            files.insert(file.path.clone());
        }
        if let (Some(s), Ok(mut pages)) = (scanned, self.pages.lock()) {
            pages.push((file.path, s));
        }
        Ok(())
    }

    fn tally(&self) -> &Tally {
        &self.tally
    }
}

/// Pages and feeds; sitemaps list URLs in text, not links, and are built from the same list.
fn is_scanned(path: &str) -> bool {
    path.ends_with(".html") || (path.ends_with(".xml") && !path.ends_with("sitemap.xml"))
}

/// A link to another site and the pages that carry it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct External {
    pub url: String,
    /// Output paths (`partners/a/index.html`), sorted.
    pub pages: Vec<String>,
}

/// One link that does not resolve, before it is traced back to a source file.
struct Broken {
    href: String,
    problem: Problem,
    pages: BTreeSet<String>,
}

/// Checks every scanned link; broken ones become errors in `diags`. Returns the external links.
pub fn verify(
    sink: LinkSink,
    urls: &Urls,
    root: &Path,
    theme: &str,
    page_sources: &HashMap<String, String>,
    diags: &Diagnostics,
) -> Vec<External> {
    let files = sink.files.into_inner().unwrap_or_default();
    let pages = sink.pages.into_inner().unwrap_or_default();
    let ids: HashMap<&str, HashSet<&str>> = pages
        .iter()
        .map(|(p, s)| (p.as_str(), s.ids.iter().map(String::as_str).collect()))
        .collect();
    let prefix = urls.prefix();
    let mut external: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut broken: BTreeMap<String, Broken> = BTreeMap::new();
    for (page, scanned) in &pages {
        let page_path = format!("{prefix}{page}");
        for href in &scanned.links {
            let problem = match resolve(href, &page_path, urls.origin()) {
                Target::Skip => None,
                Target::External(url) => {
                    external.entry(url).or_default().insert(page.clone());
                    None
                }
                Target::Internal { path, fragment } => {
                    check_internal(&path, fragment.as_deref(), prefix, &files, &ids)
                }
            };
            if let Some(problem) = problem {
                broken
                    .entry(href.clone())
                    .or_insert_with(|| Broken {
                        href: href.clone(),
                        problem,
                        pages: BTreeSet::new(),
                    })
                    .pages
                    .insert(page.clone());
            }
        }
    }
    if !broken.is_empty() {
        let known: Vec<String> = pages
            .iter()
            .filter_map(|(p, _)| p.strip_suffix("index.html"))
            .map(|dir| format!("{prefix}{dir}"))
            .collect();
        let sources = SourceTexts::read(root, theme);
        for b in broken.into_values() {
            diags.extend(locate(&b, &sources, prefix, &known, page_sources));
        }
    }
    external
        .into_iter()
        .map(|(url, pages)| External {
            url,
            pages: pages.into_iter().collect(),
        })
        .collect()
}

/// Why `path#fragment` does not resolve, or `None` if it does.
fn check_internal(
    path: &str,
    fragment: Option<&str>,
    prefix: &str,
    files: &HashSet<String>,
    ids: &HashMap<&str, HashSet<&str>>,
) -> Option<Problem> {
    let Some(site_path) = path.strip_prefix(prefix).or_else(|| {
        // `/renkei` without its slash still means the top page.
        (format!("{path}/") == prefix).then_some("")
    }) else {
        return Some(Problem::page(format!(
            "は、サイトの base_url のパス {prefix} の外を指しています"
        )));
    };
    let file = if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else if files.contains(site_path) {
        site_path.to_string()
    } else {
        // `/partners/a` works on most servers (they redirect to `/partners/a/`).
        format!("{site_path}/index.html")
    };
    if !files.contains(&file) {
        return Some(Problem::page(
            "は、サイトにないページかファイルを指しています".into(),
        ));
    }
    match (fragment, ids.get(file.as_str())) {
        (Some(f), Some(page_ids)) if !f.eq_ignore_ascii_case("top") && !page_ids.contains(f) => {
            let mut sorted: Vec<&str> = page_ids.iter().copied().collect();
            sorted.sort_unstable();
            let hint = diagnostics::did_you_mean(f, sorted)
                .map(|id| format!("。もしかして「#{id}」?"))
                .unwrap_or_default();
            Some(Problem {
                why: format!("の「#{f}」にあたる見出し(id)がリンク先のページにありません"),
                hint: Some(hint),
            })
        }
        _ => None,
    }
}

/// Why a link does not resolve; `hint` is filled in at once for a missing anchor, and later
/// (from the list of pages) for a missing page, which is rarer and costlier to suggest for.
struct Problem {
    why: String,
    hint: Option<String>,
}

impl Problem {
    fn page(why: String) -> Self {
        Problem { why, hint: None }
    }
}

/// The text of every content file and template, searched only when a link is broken.
struct SourceTexts {
    files: Vec<(String, String)>,
    /// `themes/<name>/templates`, where links no file spells out were made.
    templates: String,
}

impl SourceTexts {
    fn read(root: &Path, theme: &str) -> Self {
        let mut files = Vec::new();
        for dir in ["content".to_string(), format!("themes/{theme}/templates")] {
            collect(root, &root.join(&dir), &mut files);
        }
        files.sort();
        SourceTexts {
            files,
            templates: format!("themes/{theme}/templates"),
        }
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && entry.file_name() != "static" {
            collect(root, &path, out);
        } else if kind.is_file()
            && path
                .extension()
                .is_some_and(|e| e == "md" || e == "html" || e == "yaml")
        {
            if let (Ok(text), Ok(rel)) = (std::fs::read_to_string(&path), path.strip_prefix(root)) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.push((rel, text));
            }
        }
    }
}

/// Turns a broken link into diagnostics at each place it is written; a link no file has
/// literally (made by a template from data) is reported once, with the pages that show it.
fn locate(
    b: &Broken,
    sources: &SourceTexts,
    prefix: &str,
    known: &[String],
    page_sources: &HashMap<String, String>,
) -> Vec<Diagnostic> {
    // Content writes `/access/`; the page shows `/renkei/access/`.
    let mut written = vec![b.href.clone()];
    if let Some(rest) = b.href.strip_prefix(prefix) {
        written.push(format!("/{rest}"));
    }
    let first_page = b.pages.iter().next().cloned().unwrap_or_default();
    let more = match b.pages.len() {
        0 | 1 => String::new(),
        n => format!(" ほか {} ページ", n - 1),
    };
    let target = b.href.split(['#', '?']).next().unwrap_or("");
    let hint = match &b.problem.hint {
        Some(h) => h.clone(),
        None if target.is_empty() => String::new(),
        None => diagnostics::did_you_mean(target, known.iter().map(String::as_str))
            .map(|page| format!("。もしかして「{page}」?"))
            .unwrap_or_default(),
    };
    let message = |shown: &str, place: &str| {
        // Suggest in the form staff wrote: without base_url's path if they left it out.
        let hint = if shown.starts_with(prefix) || prefix == "/" {
            hint.clone()
        } else {
            hint.replacen(&format!("「{prefix}"), "「/", 1)
        };
        format!("リンク「{shown}」{}{place}{hint}", b.problem.why)
    };
    let mut found = Vec::new();
    for (path, text) in &sources.files {
        for (line_no, line) in text.lines().enumerate() {
            let hit = written.iter().find_map(|w| {
                ["(", "\"", "'", "<"]
                    .iter()
                    .find_map(|open| line.find(&format!("{open}{w}")))
                    .map(|i| (i + 1, w))
            });
            if let Some((byte, shown)) = hit {
                let col = line[..byte].chars().count() as u32 + 1;
                found.push(
                    Diagnostic::error(
                        path,
                        Pos {
                            line: line_no as u32 + 1,
                            col,
                        },
                        None,
                        message(shown, &format!("(出力 {first_page}{more})")),
                    )
                    .expected("サイトにあるページ・ファイル・見出しへのリンク"),
                );
            }
        }
    }
    // The same link written correctly elsewhere (a Markdown link gets base_url's path; the
    // same text in a template may not) is not the broken one: prefer the files whose own
    // pages carry the broken link.
    let own: HashSet<&str> = b
        .pages
        .iter()
        .filter_map(|p| page_sources.get(p).map(String::as_str))
        .collect();
    if found.iter().any(|d| own.contains(d.path.as_str())) {
        found.retain(|d| own.contains(d.path.as_str()));
    }
    if found.is_empty() {
        found.push(
            Diagnostic::error(
                &sources.templates,
                Pos::default(),
                None,
                message(
                    &b.href,
                    &format!("(テンプレートが作ったリンク。出力 {first_page}{more})"),
                ),
            )
            .expected("サイトにあるページ・ファイル・見出しへのリンク"),
        );
    }
    found
}
