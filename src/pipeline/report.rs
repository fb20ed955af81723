//! What `build` and `check` tell the person who ran them: every diagnostic with its source
//! line, one closing line, and for editors and CI the same as one JSON document
//! (`check --format json`, documented in docs/check.md).

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use crate::diagnostics::{self, Diagnostics, Failure, Sources};
use crate::links::External;
use crate::pipeline::{Checked, Summary};

/// Prints every diagnostic to stderr with its source line and caret; returns (errors, warnings).
pub fn print_diagnostics(diags: &Diagnostics, root: &Path) -> (usize, usize) {
    let sorted = diags.sorted();
    // Messages are sorted by file, so each file's run of them is quoted by one worker that
    // reads the file once: a large site's thousands of warnings each quote a file of their
    // own, and reading them one after another took a fifth of a second in every build.
    let quoted: Vec<String> = sorted
        .par_chunk_by(|a, b| a.path == b.path)
        .map(|same_file| {
            let mut sources = Sources::new(root);
            let mut text = String::new();
            for d in same_file {
                text.push_str(&sources.render(d));
                text.push('\n');
            }
            text
        })
        .collect();
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    for text in quoted {
        let _ = err.write_all(text.as_bytes());
    }
    let _ = err.flush();
    diagnostics::count(&sorted)
}

/// Prints the diagnostics and the closing line for `verb` (生成, 確認); returns the exit code.
pub fn finish(
    result: Result<Summary, Failure>,
    diags: &Diagnostics,
    root: &Path,
    verb: &str,
) -> u8 {
    let (errors, warnings) = print_diagnostics(diags, root);
    match result {
        Ok(summary) => {
            println!("{}。警告 {warnings} 件。", summary.line(verb));
            0
        }
        Err(Failure::Content) => {
            eprintln!("エラー {errors} 件、警告 {warnings} 件。エラーを直してから、もう一度実行してください。");
            1
        }
        Err(Failure::Fatal(fatal)) => {
            eprintln!("renkei: {fatal}");
            2
        }
    }
}

/// `check --external`: every link to another site, with where it appears. Never fetched.
pub fn print_external(links: &[External]) {
    println!("外部リンク {} 件(アクセスはしていません):", links.len());
    for link in links {
        let more = match link.pages.len() {
            0 | 1 => String::new(),
            n => format!(" ほか {} ページ", n - 1),
        };
        let first = link.pages.first().map(String::as_str).unwrap_or("");
        println!("  {} ({first}{more})", link.url);
    }
}

/// `check --format json`: one document, so an editor or CI job can place each message without
/// parsing Japanese text. Returns it with the exit code.
pub fn check_json(
    result: Result<Checked, Failure>,
    diags: &Diagnostics,
    root: &Path,
    external: bool,
) -> (serde_json::Value, u8) {
    let sorted = diags.sorted();
    let (errors, warnings) = diagnostics::count(&sorted);
    let mut sources = Sources::new(root);
    let items: Vec<serde_json::Value> = sorted
        .iter()
        .map(|d| {
            let mut v = serde_json::to_value(d).unwrap_or_default();
            if let serde_json::Value::Object(map) = &mut v {
                let line = sources.line(d).map(str::to_string);
                map.insert("source_line".into(), line.into());
            }
            v
        })
        .collect();
    let mut doc = serde_json::json!({
        "version": 1,
        "ok": result.is_ok(),
        "errors": errors,
        "warnings": warnings,
        "diagnostics": items,
    });
    let code = match result {
        Ok(checked) => {
            let s = checked.summary;
            doc["summary"] = serde_json::json!({
                "pages": s.pages,
                "files": s.files,
                "bytes": s.bytes,
                "records": s.counts.iter().map(|(label, n)| serde_json::json!({"label": label, "count": n})).collect::<Vec<_>>(),
                "drafts_skipped": s.drafts_skipped,
            });
            if external {
                doc["external_links"] = serde_json::to_value(checked.external).unwrap_or_default();
            }
            0
        }
        Err(failure) => {
            if let Failure::Fatal(fatal) = &failure {
                doc["fatal"] = fatal.to_string().into();
            }
            if external {
                doc["external_links"] = serde_json::json!([]);
            }
            failure.exit_code()
        }
    };
    (doc, code)
}
