//! `renkei check`'s link check: every link and `#anchor` in the site as built must resolve to
//! a file of that same build, under base_url's path. Links to other sites are collected for
//! `--external` and never fetched: the check runs offline and gives the same answer twice.
//!
//! The pages are scanned as the pipeline renders them (through [`LinkSink`]), so the check sees
//! exactly what `build` would publish — bodies, templates, feeds — without writing anything.
//! A broken link is reported where staff can fix it: the content file (or template) that has
//! the link written in it, with line and column.

mod scan;
mod trace;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;
use std::path::Path;
use std::sync::Mutex;

use crate::diagnostics::{self, Diagnostics};
use crate::pipeline::output::{OutFile, Sink, Source, Tally};
use crate::site::url::Urls;

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
        let sources = trace::SourceTexts::read(root, theme);
        let broken: Vec<Broken> = broken.into_values().collect();
        diags.extend(trace::locate(
            &broken,
            &sources,
            prefix,
            &known,
            page_sources,
        ));
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
