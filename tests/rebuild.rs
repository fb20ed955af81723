//! Rebuilding into an existing output writes only what changed: nothing when nothing changed
//! (mtimes and inodes kept), the files of an edited record, removals for a deleted one, all of
//! it with `--clean`, and nothing at all when the build fails. Exactly the last build's inputs
//! into its intact output are not rendered at all, and report that build's figures and warnings.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::SystemTime;

use common::*;

/// Every file of the output with its mtime, inode and bytes.
fn snapshot(out: &Path) -> BTreeMap<String, (SystemTime, u64, Vec<u8>)> {
    files(out)
        .into_iter()
        .map(|rel| {
            let p = out.join(&rel);
            let m = fs::metadata(&p).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                (m.modified().unwrap(), m.ino(), fs::read(&p).unwrap()),
            )
        })
        .collect()
}

/// Paths new or rewritten (another mtime or inode) between two snapshots.
fn rewritten(
    before: &BTreeMap<String, (SystemTime, u64, Vec<u8>)>,
    after: &BTreeMap<String, (SystemTime, u64, Vec<u8>)>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(p, (t, i, _))| before.get(*p).is_none_or(|(t0, i0, _)| (t0, i0) != (t, i)))
        .map(|(p, _)| p.clone())
        .collect()
}

fn pause() {
    // Coarse file-system clocks: a rewrite must show as a new mtime.
    std::thread::sleep(std::time::Duration::from_millis(20));
}

#[test]
fn a_rebuild_with_nothing_changed_writes_nothing() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    settle(site.path());
    build_ok(site.path(), &out, &[]);
    let before = snapshot(&out);
    pause();
    let o = build_ok(site.path(), &out, &[]);
    assert!(
        stderr(&o).contains("書き込み 0 件") || stdout(&o).contains("書き込み 0 件"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    assert_eq!(rewritten(&before, &snapshot(&out)), Vec::<String>::new());
    assert_eq!(snapshot(&out), before);

    // Without the record of the last build's inputs, the site is rendered again and compared
    // file by file: still nothing written.
    fs::remove_file(site.path().join(".renkei-inputs.public")).unwrap();
    pause();
    let o = build_ok(site.path(), &out, &[]);
    assert!(stdout(&o).contains("書き込み 0 件"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("入力に変更がなく"), "{}", stdout(&o));
    assert_eq!(snapshot(&out), before);
}

#[test]
fn the_same_inputs_again_are_not_rendered_and_repeat_the_warnings() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    // A warning the second build must repeat.
    replace(
        root,
        "content/partners/sakura-naika.md",
        "updated: 2026-04-01",
        "updated: 2020-04-01",
    );
    settle(root);
    let first = build_ok(root, &out, &[]);
    let warning = "sakura-naika.md:19:1: 警告: updated:";
    assert!(stderr(&first).contains(warning), "{}", stderr(&first));
    let before = snapshot(&out);
    pause();
    let again = build_ok(root, &out, &[]);
    assert!(
        stdout(&again).contains("(前回の生成から入力に変更がなく、出力もそのままでした)"),
        "{}",
        stdout(&again)
    );
    assert_eq!(stderr(&again), stderr(&first));
    // The whole summary but the seconds: pages, counts, drafts and files all as reported.
    let figures = |o: &std::process::Output| {
        let line = stdout(o);
        let (pages, rest) = line.split_once(" ページを ").unwrap();
        let (_, rest) = rest.split_once(" 秒で").unwrap();
        let rest = rest.replace("(前回の生成から入力に変更がなく、出力もそのままでした)", "");
        // The first build wrote every file; the second kept every one of them.
        let files: usize = ["書き込み ", "変更なし "]
            .iter()
            .map(|k| {
                let n = &rest[rest.find(k).unwrap() + k.len()..];
                n[..n.find(' ').unwrap()].parse::<usize>().unwrap()
            })
            .sum();
        let counts = &rest[..rest.find("。書き込み").unwrap()];
        (pages.to_string(), counts.to_string(), files)
    };
    assert_eq!(figures(&again), figures(&first));
    assert_eq!(snapshot(&out), before);
    // The record quotes content (its warnings): it is kept beside the output, never in it.
    let record = fs::read_to_string(root.join(".renkei-inputs.public")).unwrap();
    assert!(record.contains("updated"));
    for (path, (_, _, bytes)) in &before {
        assert!(!path.contains("renkei-inputs"), "{path}");
        assert!(
            !String::from_utf8_lossy(bytes).contains("情報の更新日"),
            "{path} holds a warning"
        );
    }

    // Any other input, option or a changed output file means a real build. Each is tried
    // right after a build that was itself reused, so the option alone makes the difference.
    let reused = |o: &std::process::Output| stdout(o).contains("入力に変更がなく");
    for (date, args, what) in [
        ("2026-11-26", vec![], "another date"),
        ("2026-11-25", vec!["--drafts"], "drafts"),
        (
            "2026-11-25",
            vec!["--base-url", "https://other.example.jp/"],
            "another base_url",
        ),
    ] {
        build_ok(root, &out, &[]);
        assert!(reused(&build_ok(root, &out, &[])), "before {what}");
        let o = build_on(date, root, &out, &args);
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        assert!(!reused(&o), "{what}: {}", stdout(&o));
    }
    build_ok(root, &out, &[]);
    assert!(reused(&build_ok(root, &out, &[])), "before a theme file");
    fs::create_dir_all(root.join("themes/default/templates")).unwrap();
    fs::write(root.join("themes/default/templates/unused.html"), "x").unwrap();
    settle(root);
    let o = build_ok(root, &out, &[]);
    assert!(!reused(&o), "a theme file: {}", stdout(&o));
    assert!(reused(&build_ok(root, &out, &[])), "before a removed page");
    fs::remove_file(out.join("index.html")).unwrap();
    let o = build_ok(root, &out, &[]);
    assert!(!reused(&o), "a removed page: {}", stdout(&o));
    assert!(out.join("index.html").is_file());
    assert!(reused(&build_ok(root, &out, &[])), "before --clean");
    let o = build_ok(root, &out, &["--clean"]);
    assert!(!reused(&o), "--clean: {}", stdout(&o));
}

/// Copies `from` to `to` keeping each file's mtime, as `cp -a` and `rsync -a` do.
fn copy_keeping_mtimes(from: &Path, to: &Path) {
    for rel in files(from) {
        let target = to.join(&rel);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(from.join(&rel), &target).unwrap();
        let modified = fs::metadata(from.join(&rel)).unwrap().modified().unwrap();
        let file = fs::File::options().write(true).open(&target).unwrap();
        file.set_modified(modified).unwrap();
    }
}

#[test]
fn an_older_output_put_back_with_its_mtimes_is_built_again() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    settle(root);
    build_on("2026-11-24", root, &out, &[]);
    let backup = root.join("backup");
    copy_keeping_mtimes(&out, &backup);
    build_ok(root, &out, &[]);
    let today = snapshot(&out);
    // The day before's output comes back, every file with its size and mtime, its manifest
    // and marker with it: the record of today's inputs must not vouch for it.
    fs::remove_dir_all(&out).unwrap();
    copy_keeping_mtimes(&backup, &out);
    let o = build_ok(root, &out, &[]);
    assert!(!stdout(&o).contains("入力に変更がなく"), "{}", stdout(&o));
    // The pages are today's again (the manifest records the restored files' own mtimes).
    let bytes = |s: &BTreeMap<String, (SystemTime, u64, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
        s.iter()
            .filter(|(p, _)| !p.starts_with(".renkei-"))
            .map(|(p, v)| (p.clone(), v.2.clone()))
            .collect()
    };
    assert_eq!(bytes(&snapshot(&out)), bytes(&today));
}

#[test]
fn inputs_saved_seconds_ago_are_looked_at_again() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    // Freshly copied: a save within the same clock tick could follow unnoticed, so the next
    // build does not take the record's word for these files.
    build_ok(root, &out, &[]);
    let o = build_ok(root, &out, &[]);
    assert!(!stdout(&o).contains("入力に変更がなく"), "{}", stdout(&o));
    assert!(stdout(&o).contains("書き込み 0 件"), "{}", stdout(&o));
    settle(root);
    build_ok(root, &out, &[]);
    let o = build_ok(root, &out, &[]);
    assert!(stdout(&o).contains("入力に変更がなく"), "{}", stdout(&o));
    // An editor's lock file (Emacs leaves `.#name`, a link to nowhere) changes nothing.
    std::os::unix::fs::symlink("user@host.1234", root.join("content/partners/.#a.md")).unwrap();
    let o = build_ok(root, &out, &[]);
    assert!(stdout(&o).contains("入力に変更がなく"), "{}", stdout(&o));
}

/// The output's files and bytes, without renkei's own records.
fn site_bytes(out: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(out)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".renkei-"))
        .map(|(p, v)| (p, v.2))
        .collect()
}

const EDITED: &str = "のファイルが載るページ";

#[test]
fn an_edit_renders_only_the_pages_showing_it_and_matches_a_full_build() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    let fresh = root.join("fresh");
    // (file, from, to, whether the record keeps its shape)
    let edits = [
        (
            "content/partners/sakura-naika.md",
            "tel: \"099-211-1234\"",
            "tel: \"099-211-1299\"",
            true,
        ),
        (
            "content/care/minato-houkan.md",
            "tel: \"099-231-0001\"",
            "tel: \"099-231-0009\"",
            true,
        ),
        ("content/news/fax-hours.md", "16時まで", "17時まで", true),
        (
            "content/partners/sakura-naika.md",
            "area: 中央",
            "area: 北部",
            false,
        ),
    ];
    for (file, from, to, same_shape) in edits {
        settle(root);
        build_ok(root, &out, &[]);
        let before = snapshot(&out);
        replace(root, file, from, to);
        let o = build_ok(root, &out, &[]);
        assert_eq!(
            stdout(&o).contains(EDITED),
            same_shape,
            "{file}: {}",
            stdout(&o)
        );
        // Every byte as a full build of the same inputs makes it, and nothing else written.
        let _ = fs::remove_dir_all(&fresh);
        build_ok(root, &fresh, &[]);
        assert_eq!(
            site_bytes(&out),
            site_bytes(&fresh),
            "{file}: {from} → {to}"
        );
        let after = snapshot(&out);
        for p in rewritten(&before, &after) {
            assert!(
                p.starts_with(".renkei-") || before.get(&p).map(|b| &b.2) != Some(&after[&p].2),
                "{p} was written with the same bytes"
            );
        }
        // The same edit built again at once: the file is still doubtful, looked at again.
        let o = build_ok(root, &out, &[]);
        assert!(stdout(&o).contains("書き込み 0 件"), "{}", stdout(&o));
    }
}

/// A body of kanji picked by a fixed pseudo-random walk: tens of thousands of distinct grams,
/// so the search index is cut into shards.
fn long_body() -> String {
    let mut x: u32 = 12345;
    (0..12_000)
        .map(|i| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if i % 40 == 39 {
                '。'
            } else {
                char::from_u32(0x4E00 + (x >> 16) % 0x5000).unwrap()
            }
        })
        .collect()
}

#[test]
fn an_edit_patches_the_last_search_index_and_matches_a_full_build() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    let fresh = root.join("fresh");
    replace(
        root,
        "content/news/fax-hours.md",
        "12月1日から",
        &format!("{}\n\n12月1日から", long_body()),
    );
    // (from, to, whether every field keeps its average length: only then is the index patched)
    let edits = [
        ("tel: \"099-211-1234\"", "tel: \"099-211-1299\"", true),
        ("tel: \"099-211-1299\"", "tel: \"099-211-12345\"", false),
    ];
    for (from, to, patched) in edits {
        settle(root);
        build_ok(root, &out, &[]);
        replace(root, "content/partners/sakura-naika.md", from, to);
        let o = build_timed(root, &out);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains(EDITED), "{}", stdout(&o));
        assert_eq!(
            stderr(&o).contains("the last build's patched"),
            patched,
            "{to}: {}",
            stderr(&o)
        );
        let _ = fs::remove_dir_all(&fresh);
        build_ok(root, &fresh, &[]);
        assert!(fresh.join("search/p/1.json").exists());
        assert_eq!(site_bytes(&out), site_bytes(&fresh), "{from} → {to}");
    }
}

#[test]
fn an_edit_that_shrinks_the_search_index_leaves_no_stale_shard() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    let fresh = root.join("fresh");
    // The edit takes the long body, and with it most shards, away again.
    let long = long_body();
    let file = "content/news/fax-hours.md";
    replace(root, file, "12月1日から", &format!("{long}\n\n12月1日から"));
    settle(root);
    build_ok(root, &out, &[]);
    let shards = |dir: &Path| fs::read_dir(dir.join("search/p")).map_or(0, |d| d.count());
    let before = shards(&out);
    assert!(before > 2, "{before} shards");
    replace(root, file, &long, "短い本文");
    let o = build_ok(root, &out, &[]);
    assert!(stdout(&o).contains(EDITED), "{}", stdout(&o));
    build_ok(root, &fresh, &[]);
    assert!(shards(&out) < before);
    assert_eq!(site_bytes(&out), site_bytes(&fresh));
}

#[test]
fn an_edit_of_anything_but_a_record_builds_everything() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    settle(root);
    build_ok(root, &out, &[]);
    replace(root, "content/site.yaml", "地域医療連携室", "地域連携室");
    let o = build_ok(root, &out, &[]);
    assert!(!stdout(&o).contains(EDITED), "{}", stdout(&o));
    settle(root);
    build_ok(root, &out, &[]);
    // A new record: the lists it joins are other pages than before.
    fs::copy(
        root.join("content/news/fax-hours.md"),
        root.join("content/news/fax-hours-2.md"),
    )
    .unwrap();
    let o = build_ok(root, &out, &[]);
    assert!(!stdout(&o).contains(EDITED), "{}", stdout(&o));
    assert!(out.join("news/fax-hours-2/index.html").is_file());
}

#[test]
fn an_edit_rewrites_its_files_and_a_removed_record_disappears() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    build_ok(root, &out, &[]);
    let before = snapshot(&out);
    pause();
    replace(
        root,
        "content/care/minato-houkan.md",
        "tel: \"099-231-0001\"",
        "tel: \"099-231-0009\"",
    );
    build_ok(root, &out, &[]);
    let after = snapshot(&out);
    let changed = rewritten(&before, &after);
    assert!(changed.contains(&"care/minato-houkan/index.html".to_string()));
    // Only files whose bytes differ were written (the marker and manifest aside).
    for p in &changed {
        if p.starts_with(".renkei-") {
            continue;
        }
        assert_ne!(
            before.get(p).map(|b| &b.2),
            after.get(p).map(|a| &a.2),
            "{p}"
        );
    }
    assert!(changed.len() < before.len() / 4, "{changed:?}");

    // A deleted record's page goes, folder and all; nothing else is written.
    pause();
    fs::remove_file(root.join("content/news/fax-hours.md")).unwrap();
    let o = build_ok(root, &out, &[]);
    assert!(!out.join("news/fax-hours").exists());
    let text = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!text.contains("削除 0 件"), "{text}");
    let manifest = fs::read_to_string(out.join(".renkei-manifest")).unwrap();
    assert!(!manifest.contains("news/fax-hours/"), "{manifest}");
}

#[test]
fn a_failed_rebuild_changes_no_byte_and_no_mtime() {
    let site = site_copy("minimal");
    let root = site.path();
    let out = root.join("public");
    build_ok(root, &out, &[]);
    let before = snapshot(&out);
    pause();
    // A page that changed, and an error elsewhere: nothing at all may be written.
    replace(
        root,
        "content/pages/index.md",
        "地域の医療機関",
        "地域の病院",
    );
    replace(
        root,
        "content/partners/sakura-naika.md",
        "kind: clinic",
        "kind: klinic",
    );
    let o = build(root, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(snapshot(&out), before);
    let leftovers: Vec<_> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("renkei-new"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn clean_rewrites_everything() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let before = snapshot(&out);
    pause();
    build_ok(site.path(), &out, &["--clean"]);
    let after = snapshot(&out);
    assert_eq!(rewritten(&before, &after).len(), after.len());
    let bytes = |s: &BTreeMap<String, (SystemTime, u64, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
        s.iter()
            .filter(|(p, _)| !p.starts_with(".renkei-manifest"))
            .map(|(p, v)| (p.clone(), v.2.clone()))
            .collect()
    };
    assert_eq!(
        bytes(&before),
        bytes(&after),
        "the same site, written again"
    );
}

#[test]
fn a_file_edited_by_hand_in_the_output_is_put_right() {
    let site = site_copy("minimal");
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let page = out.join("partners/sakura-naika/index.html");
    let original = fs::read(&page).unwrap();
    fs::write(&page, "defaced").unwrap();
    build_ok(site.path(), &out, &[]);
    assert_eq!(fs::read(&page).unwrap(), original);
}
