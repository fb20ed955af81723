//! Browser checks in headless Chromium: axe-core finds no accessibility violation on the demo
//! site's home page, list pages and detail pages, at phone and desktop widths.
//!
//! Needs Debian's chromium and `npm ci --prefix tests/browser` (`.ci/run` does both). Without
//! them the test says so and passes locally; under CI (`CI` set) it fails instead, so CI can
//! never go green without having looked.

mod common;

use std::process::Command;

use common::*;

fn browser_ready() -> bool {
    let modules = repo().join("tests/browser/node_modules/playwright-core");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = modules.is_dir() && std::path::Path::new(&chromium).exists();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "browser tests need chromium and `npm ci --prefix tests/browser` on CI"
        );
        eprintln!("skipped: install chromium and run `npm ci --prefix tests/browser` to run the browser tests");
    }
    ready
}

#[test]
fn demo_site_has_no_axe_violations() {
    if !browser_ready() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build_ok(&repo(), &out, &["--base-url", "http://127.0.0.1:8000/"]);
    // The first record of each collection, whatever the demo names them.
    let first = |collection: &str| -> String {
        let mut dirs: Vec<String> = std::fs::read_dir(out.join(collection))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "page" && n != "index.html")
            .collect();
        dirs.sort();
        format!("/{collection}/{}/", dirs[0])
    };
    let mut pages = vec![
        "/".to_string(),
        "/partners/".into(),
        "/care/".into(),
        "/seminars/".into(),
        "/news/".into(),
        "/doctors/".into(),
        "/pathways/".into(),
        "/outpatient/".into(),
        "/404.html".into(),
    ];
    for c in [
        "partners", "care", "doctors", "seminars", "news", "pathways",
    ] {
        pages.push(first(c));
    }
    for page in ["referral", "about", "for-patients"] {
        if out.join(page).is_dir() {
            pages.push(format!("/{page}/"));
        }
    }
    let script = repo().join("tests/browser/a11y.mjs");
    let o = Command::new("node")
        .arg(&script)
        .arg(&out)
        .args(&pages)
        .output()
        .expect("node");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("axe: no violations"), "{stdout}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        pages.len() * 2,
        "{stdout}"
    );
}
