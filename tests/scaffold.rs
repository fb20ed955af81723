//! `renkei init` and `renkei new`: a hospital's first day, from an empty folder to a site that
//! builds, and a blank record whose only complaints are what staff must still fill in.

mod common;

use std::fs;
use std::path::Path;

use common::{files as walk, renkei};

const KINDS: [(&str, &str); 10] = [
    ("partner", "partners"),
    ("care", "care"),
    ("doctor", "doctors"),
    ("seminar", "seminars"),
    ("news", "news"),
    ("pathway", "pathways"),
    ("form", "forms"),
    ("equipment", "equipment"),
    ("koho", "koho"),
    ("page", "pages"),
];

fn init(dir: &Path) {
    let o = renkei(&["init", dir.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "init failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Diagnostic header lines (`content/…:line:col: …`) of a `check` run.
fn diagnostics(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("content/") && l.contains(": "))
        .collect()
}

#[test]
fn init_makes_a_site_that_builds_with_no_error_and_no_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("renkei-site");
    init(&site);
    // Built for today: the examples are dated from the day `init` ran.
    let out = tmp.path().join("out");
    let o = renkei(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = common::stderr(&o) + &common::stdout(&o);
    assert!(o.status.success(), "build failed:\n{stderr}");
    assert!(stderr.contains("警告 0 件"), "{stderr}");
    assert!(diagnostics(&stderr).is_empty(), "{stderr}");

    // Every collection has its example, and the standard pages are there.
    for (_, dir) in KINDS {
        assert!(
            out.join(dir).join("index.html").is_file() || dir == "pages",
            "{dir}"
        );
    }
    for page in [
        "referral",
        "discharge",
        "consultation",
        "access",
        "accessibility",
        "privacy",
    ] {
        assert!(out.join(page).join("index.html").is_file(), "{page}");
    }
    assert!(site.join("はじめに.md").is_file());
    let referral = fs::read_to_string(out.join("referral/index.html")).unwrap();
    assert!(
        referral.contains("000-000-1101"),
        "the desk's FAX number is filled in"
    );

    // check agrees, links included.
    let o = renkei(&["check", "--root", site.to_str().unwrap()]);
    let stderr = common::stderr(&o) + &common::stdout(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("警告 0 件"), "{stderr}");
}

#[test]
fn init_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    fs::write(site.join("はじめに.md"), "staff notes").unwrap();
    let o = renkei(&["init", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("はじめに.md はすでにあります"));
    assert_eq!(
        fs::read_to_string(site.join("はじめに.md")).unwrap(),
        "staff notes"
    );
    assert!(!site.join("content").exists(), "nothing was written");

    // A folder that already holds a site is left alone too.
    let other = tmp.path().join("other");
    init(&other);
    let before: Vec<_> = walk(&other)
        .into_iter()
        .map(|p| (p.clone(), fs::read(other.join(&p)).unwrap()))
        .collect();
    let o = renkei(&["init", other.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let after: Vec<_> = walk(&other)
        .into_iter()
        .map(|p| (p.clone(), fs::read(other.join(&p)).unwrap()))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn new_records_only_ask_for_what_staff_must_fill_in() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    init(site);
    for (kind, _) in KINDS {
        let o = renkei(&[
            "new",
            kind,
            &format!("new-{kind}"),
            "--root",
            site.to_str().unwrap(),
        ]);
        assert!(
            o.status.success(),
            "new {kind}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = renkei(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let found = diagnostics(&stderr);
    for line in &found {
        let blank = KINDS
            .iter()
            .any(|(kind, dir)| line.starts_with(&format!("content/{dir}/new-{kind}.md:")));
        assert!(blank, "only the new files are reported: {line}");
        let fill_in = [
            "値が書かれていません",
            "どちらかが必要",
            "FAX 番号が書かれていません",
        ];
        assert!(
            fill_in.iter().any(|m| line.contains(m)),
            "only 'fill this in' messages: {line}"
        );
    }
    // Each blank record says at least what it still needs, on the line to fill in.
    for (kind, dir) in KINDS {
        let path = format!("content/{dir}/new-{kind}.md:");
        assert!(
            found.iter().any(|l| l.starts_with(&path)),
            "{kind}: {stderr}"
        );
    }
    assert!(
        stderr.contains("content/partners/new-partner.md:4:1: name: 値が書かれていません"),
        "{stderr}"
    );
}

#[test]
fn new_refuses_to_overwrite_and_explains_bad_names() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    init(site);
    let root = site.to_str().unwrap();
    let existing = site.join("content/partners/mihon-naika.md");
    let before = fs::read(&existing).unwrap();
    let o = renkei(&["new", "partner", "mihon-naika", "--root", root]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("すでにあります"));
    assert_eq!(fs::read(&existing).unwrap(), before);

    let o = renkei(&["new", "partner", "Sakura_Naika", "--root", root]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("半角の英小文字"));

    let o = renkei(&["new", "page", "search", "--root", root]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("別の名前"));
    assert!(!site.join("content/pages/search.md").exists());

    // Outside a site: the same hint as build.
    let empty = tempfile::tempdir().unwrap();
    let o = renkei(&[
        "new",
        "news",
        "kyushin",
        "--root",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("site.yaml"));
    assert!(!empty.path().join("content").exists());
}
