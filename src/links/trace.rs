//! Tracing a broken link back to the place staff wrote it.
//!
//! The rendered page shows `/renkei/access/`; the content file says `/access/`. Every source
//! file is read once and each line scanned once for link targets, which are looked up among the
//! broken links: searching every file for every broken link grew with the square of the site
//! (20,000 broken links took minutes).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::Broken;
use crate::diagnostics::{self, Diagnostic};
use crate::yaml::Pos;

/// Broken links that get a 「もしかして」 suggestion; past this many, finding the nearest page for
/// each costs more than a list that long is worth.
const SUGGESTED: usize = 200;

/// The text of every content file and template, read only when a link is broken.
pub(super) struct SourceTexts {
    files: Vec<(String, String)>,
    /// `themes/<name>/templates`, where links no file spells out were made.
    templates: String,
}

impl SourceTexts {
    pub(super) fn read(root: &Path, theme: &str) -> Self {
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

/// Characters that open a link target in Markdown (`(`), HTML (`"`, `'`) and autolinks (`<`),
/// and those that end one. An opener also ends a target, so every character of a line is
/// looked at a bounded number of times.
const OPENERS: [char; 4] = ['(', '"', '\'', '<'];
const CLOSERS: [char; 4] = [')', '>', '[', ']'];

/// Every link target written in `line`: (byte offset, target).
fn targets(line: &str) -> impl Iterator<Item = (usize, &str)> {
    line.char_indices()
        .filter(|(_, c)| OPENERS.contains(c))
        .map(move |(i, c)| {
            let start = i + c.len_utf8();
            let rest = &line[start..];
            let end = rest
                .find(|c: char| c.is_whitespace() || OPENERS.contains(&c) || CLOSERS.contains(&c))
                .unwrap_or(rest.len());
            (start, &rest[..end])
        })
        .filter(|(_, t)| !t.is_empty())
}

/// One place a broken link is written.
struct Hit<'a> {
    path: &'a str,
    line: u32,
    col: u32,
    shown: &'a str,
}

/// Turns broken links into diagnostics at each place they are written. The files whose own
/// pages carry a link are preferred: the same link written correctly elsewhere (a Markdown link
/// gets base_url's path; the same text as plain words does not) is not the broken one. A link no
/// file has literally (made by a template from data) is reported once, with the pages that
/// show it.
pub(super) fn locate(
    broken: &[Broken],
    sources: &SourceTexts,
    prefix: &str,
    known: &[String],
    page_sources: &HashMap<String, String>,
) -> Vec<Diagnostic> {
    // Content writes `/access/`; the page shows `/renkei/access/`.
    let mut wanted: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, b) in broken.iter().enumerate() {
        wanted.entry(b.href.clone()).or_default().push(i);
        if let Some(rest) = b.href.strip_prefix(prefix) {
            wanted.entry(format!("/{rest}")).or_default().push(i);
        }
    }
    let mut hits: Vec<Vec<Hit>> = broken.iter().map(|_| Vec::new()).collect();
    for (path, text) in &sources.files {
        for (line_no, line) in text.lines().enumerate() {
            let mut seen_on_line: HashSet<usize> = HashSet::new();
            for (byte, target) in targets(line) {
                let Some(ids) = wanted.get(target) else {
                    continue;
                };
                for &i in ids {
                    if seen_on_line.insert(i) {
                        hits[i].push(Hit {
                            path,
                            line: line_no as u32 + 1,
                            col: line[..byte].chars().count() as u32 + 1,
                            shown: target,
                        });
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for (i, (b, mut found)) in broken.iter().zip(hits).enumerate() {
        let own: HashSet<&str> = b
            .pages
            .iter()
            .filter_map(|p| page_sources.get(p).map(String::as_str))
            .collect();
        if found.iter().any(|h| own.contains(h.path)) {
            found.retain(|h| own.contains(h.path));
        }
        let hint = if i < SUGGESTED {
            suggestion(b, known)
        } else {
            String::new()
        };
        out.extend(report(b, &found, &hint, prefix, &sources.templates));
    }
    out
}

/// 「。もしかして「/renkei/access/」?」 for a missing page or anchor, or nothing.
fn suggestion(b: &Broken, known: &[String]) -> String {
    let target = b.href.split(['#', '?']).next().unwrap_or("");
    match &b.problem.hint {
        Some(h) => h.clone(),
        None if target.is_empty() => String::new(),
        None => diagnostics::did_you_mean(target, known.iter().map(String::as_str))
            .map(|page| format!("。もしかして「{page}」?"))
            .unwrap_or_default(),
    }
}

fn report(b: &Broken, found: &[Hit], hint: &str, prefix: &str, templates: &str) -> Vec<Diagnostic> {
    let first_page = b.pages.iter().next().cloned().unwrap_or_default();
    let more = match b.pages.len() {
        0 | 1 => String::new(),
        n => format!(" ほか {} ページ", n - 1),
    };
    let message = |shown: &str, place: &str| {
        // Suggest in the form staff wrote: without base_url's path if they left it out.
        let hint = if shown.starts_with(prefix) || prefix == "/" {
            hint.to_string()
        } else {
            hint.replacen(&format!("「{prefix}"), "「/", 1)
        };
        format!("リンク「{shown}」{}{place}{hint}", b.problem.why)
    };
    let expected = "サイトにあるページ・ファイル・見出しへのリンク";
    if found.is_empty() {
        return vec![Diagnostic::error(
            templates,
            Pos::default(),
            None,
            message(
                &b.href,
                &format!("(テンプレートが作ったリンク。出力 {first_page}{more})"),
            ),
        )
        .expected(expected)];
    }
    found
        .iter()
        .map(|h| {
            Diagnostic::error(
                h.path,
                Pos {
                    line: h.line,
                    col: h.col,
                },
                None,
                message(h.shown, &format!("(出力 {first_page}{more})")),
            )
            .expected(expected)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_read_from_markdown_html_and_autolinks() {
        let line = "[a](/x/#y \"t\") <a href=\"/renkei/z\">b</a> <https://e.example/> ((((";
        let found: Vec<&str> = targets(line).map(|(_, t)| t).collect();
        assert!(found.contains(&"/x/#y"), "{found:?}");
        assert!(found.contains(&"/renkei/z"), "{found:?}");
        assert!(found.contains(&"https://e.example/"), "{found:?}");
        let (byte, t) = targets("あ(/q)").next().unwrap();
        assert_eq!((byte, t), (4, "/q"));
    }
}
