//! A build takes the record files it did not see change from the last build's parses
//! (`.renkei-parsed.<out>` beside the output), and parses the rest. Whatever it took, its
//! output and its warnings are a full build's; and when anything a parse depends on changed
//! (site.yaml, the file itself, the build date for a file that reads differently on it) or the
//! kept parses are damaged, it parses the files again.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::*;

/// (records taken from the last build, records read), from the timing line.
fn taken(o: &Output) -> (usize, usize) {
    let err = stderr(o);
    let line = err
        .lines()
        .find(|l| l.contains("as the last build parsed them"))
        .unwrap_or_else(|| panic!("no timing line in {err}"));
    let inside = line.split_once('(').unwrap().1;
    let mut numbers = inside
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    let n = numbers.next().unwrap().parse().unwrap();
    (n, numbers.next().unwrap().parse().unwrap())
}

/// What staff see on stderr, without the step timings.
fn messages(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| !(l.starts_with("  ") && l.contains(" ms")))
        .map(str::to_string)
        .collect()
}

/// The site's files and their bytes, without renkei's own.
fn site_bytes(out: &Path) -> Vec<(String, Vec<u8>)> {
    files(out)
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| !p.starts_with(".renkei-"))
        .map(|p| {
            let bytes = fs::read(out.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

/// A partner whose `updated` is over a year old: a warning, which a build must repeat
/// whether it parsed the file or took it from the last build.
fn with_a_warning(root: &Path) {
    replace(
        root,
        "content/partners/minato-byoin.md",
        "updated: 2026-05-01",
        "updated: 2024-01-05",
    );
}

#[test]
fn an_edit_takes_the_other_records_from_the_last_build_and_matches_a_full_build() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    with_a_warning(root);
    settle(root);
    let first = build_timed(root, &out);
    assert!(first.status.success(), "{}", stderr(&first));
    let (none, all) = taken(&first);
    assert_eq!(none, 0);
    assert!(all > 10, "{all} records");
    assert!(root.join(".renkei-parsed.public").is_file());

    replace(
        root,
        "content/partners/sakura-naika.md",
        "tel: \"099-211-1234\"",
        "tel: \"099-211-1299\"",
    );
    let edited = build_timed(root, &out);
    assert!(edited.status.success(), "{}", stderr(&edited));
    assert_eq!(taken(&edited), (all - 1, all));

    let fresh = root.join("fresh");
    let full = build(root, &fresh, &[]);
    assert!(full.status.success(), "{}", stderr(&full));
    assert_eq!(site_bytes(&out), site_bytes(&fresh));
    let warnings = messages(&edited);
    assert!(
        warnings.iter().any(|l| l.contains("minato-byoin.md")),
        "{warnings:?}"
    );
    let shown_fresh: Vec<String> = messages(&full)
        .into_iter()
        .map(|l| l.replace("fresh", "public"))
        .collect();
    assert_eq!(warnings, shown_fresh);
}

/// The next day's build takes every parse that reads the same on it, and reads again only the
/// files that change with the date: here a partner whose `updated` turns a year old and the
/// seminar whose application deadline passes. Its output and warnings are a full build's.
#[test]
fn a_new_build_date_reads_again_only_the_files_that_change_with_it() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    with_a_warning(root);
    // A year old on 2026-12-01: between the two build dates.
    replace(
        root,
        "content/partners/sakura-naika.md",
        "updated: 2026-04-01",
        "updated: 2025-11-30",
    );
    settle(root);
    let first = build_timed_on("2026-11-25", root, &out);
    assert!(first.status.success(), "{}", stderr(&first));
    let (_, all) = taken(&first);
    assert!(
        !stderr(&first).contains("sakura-naika.md"),
        "{}",
        stderr(&first)
    );

    // The seminar's deadline is 2026-12-03: 受付中 on the first day, 受付終了 on the next build.
    let next = build_timed_on("2026-12-04", root, &out);
    assert!(next.status.success(), "{}", stderr(&next));
    assert_eq!(taken(&next), (all - 2, all));
    let warnings = messages(&next);
    for partner in ["sakura-naika.md", "minato-byoin.md"] {
        assert!(warnings.iter().any(|l| l.contains(partner)), "{warnings:?}");
    }

    let fresh = root.join("fresh");
    let full = build_on("2026-12-04", root, &fresh, &[]);
    assert!(full.status.success(), "{}", stderr(&full));
    assert_eq!(site_bytes(&out), site_bytes(&fresh));
    let shown_fresh: Vec<String> = messages(&full)
        .into_iter()
        .map(|l| l.replace("fresh", "public"))
        .collect();
    assert_eq!(warnings, shown_fresh);

    // And back: the day before is another day again for those two files only.
    let back = build_timed_on("2026-11-25", root, &out);
    assert!(back.status.success(), "{}", stderr(&back));
    assert_eq!(taken(&back), (all - 2, all));
}

#[test]
fn a_changed_site_yaml_parses_every_record_again() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    settle(root);
    let first = build_timed(root, &out);
    assert!(first.status.success(), "{}", stderr(&first));
    // 中央 is sakura-naika's area: without it in `areas`, that record is in error, though
    // its own file did not change.
    replace(
        root,
        "content/site.yaml",
        "areas: [北部, 中央, 南部]",
        "areas: [北部, 南部]",
    );
    let o = build_timed(root, &out);
    assert!(!o.status.success());
    assert_eq!(taken(&o).0, 0);
    assert!(
        stderr(&o).contains("content/partners/sakura-naika.md"),
        "{}",
        stderr(&o)
    );
}

/// Something done to the kept parses' bytes.
type Damage = fn(&mut Vec<u8>);

#[test]
fn damaged_parses_are_not_used() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    let kept = root.join(".renkei-parsed.public");
    let fresh = root.join("fresh");
    assert!(build(root, &fresh, &[]).status.success());
    settle(root);
    let damages: [(&str, Damage); 4] = [
        ("untouched", |_| {}),
        ("a byte changed", |b| {
            let i = b.len() / 2;
            b[i] ^= 0x20;
        }),
        ("cut short", |b| b.truncate(b.len() / 2)),
        ("emptied", Vec::clear),
    ];
    for (what, damage) in damages {
        let o = build_timed(root, &out);
        assert!(o.status.success(), "{}", stderr(&o));
        let mut bytes = fs::read(&kept).unwrap();
        damage(&mut bytes);
        fs::write(&kept, bytes).unwrap();
        // Without the output the build is a full one: only the kept parses spare it reading
        // the record files.
        let _ = fs::remove_dir_all(&out);
        let o = build_timed(root, &out);
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        let (n, all) = taken(&o);
        assert_eq!(n, if what == "untouched" { all } else { 0 }, "{what}");
        assert_eq!(site_bytes(&out), site_bytes(&fresh), "{what}");
    }
}

#[test]
fn an_attachment_that_grew_is_shown_with_its_new_size() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    settle(root);
    assert!(build_timed(root, &out).status.success());
    // A record's parse holds the size of the files it links to (「PDF 1KB」): another size is
    // another parse, though the record's own file did not change.
    let pdf = root.join("content/static/forms/seminar-application.pdf");
    let mut bytes = fs::read(&pdf).unwrap();
    bytes.extend(std::iter::repeat_n(b' ', 40_000));
    fs::write(&pdf, bytes).unwrap();
    let o = build_timed(root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(taken(&o).0, 0);
    let fresh = root.join("fresh");
    assert!(build(root, &fresh, &[]).status.success());
    assert_eq!(site_bytes(&out), site_bytes(&fresh));
    let form = read(&out, "forms/fax-cover/index.html");
    assert!(
        form.contains("PDF 40KB") || form.contains("PDF 41KB"),
        "{form}"
    );
}

#[test]
fn an_editor_backup_beside_a_record_does_not_cost_the_kept_parses() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    settle(root);
    assert!(build_timed(root, &out).status.success());
    // Emacs keeps the file as it was before the edit as `a.md~`: neither the loader nor the
    // fingerprint reads it.
    let file = "content/partners/sakura-naika.md";
    fs::copy(root.join(file), root.join(format!("{file}~"))).unwrap();
    replace(root, file, "tel: \"099-211-1234\"", "tel: \"099-211-1299\"");
    let o = build_timed(root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let (n, all) = taken(&o);
    assert_eq!(n, all - 1);
}
