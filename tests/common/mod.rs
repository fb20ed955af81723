//! Helpers shared by the end-to-end tests: copy a fixture site, run the real binary, walk output.
#![allow(dead_code)]

pub mod workbook;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests").join("fixtures").join(name)
}

/// Copies a directory tree (files only; no links).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Moves every input file's mtime (`content/`, `themes/`) an hour back, keeping their order. `build` records
/// its inputs only when none was modified in the last seconds (a save within one tick of a
/// coarse clock would look untouched), so a test that expects the record ages the site first,
/// as an edit made a while ago would be.
pub fn settle(root: &Path) {
    let hour = std::time::Duration::from_secs(3600);
    let inputs = ["content", "themes"].map(|d| root.join(d));
    for path in inputs
        .iter()
        .filter(|d| d.is_dir())
        .flat_map(|d| files(d).into_iter().map(move |rel| d.join(rel)))
    {
        let file = fs::File::options().write(true).open(&path).unwrap();
        let modified = file.metadata().unwrap().modified().unwrap();
        file.set_modified(modified - hour).unwrap();
    }
}

/// A fresh copy of a fixture site in a temporary folder.
pub fn site_copy(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), tmp.path());
    tmp
}

/// Runs `renkei <args>` and returns its output.
pub fn renkei(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_renkei"))
        .args(args)
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .expect("run renkei")
}

pub fn renkei_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_renkei"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run renkei")
}

/// Builds `root` into `out` for a fixed date and asserts success.
pub fn build_ok(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let o = build(root, out, extra);
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Builds `root` into `out` for a fixed date, whatever the outcome.
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> Output {
    build_on("2026-11-25", root, out, extra)
}

/// Builds `root` into `out` as on `date`, whatever the outcome.
pub fn build_on(date: &str, root: &Path, out: &Path, extra: &[&str]) -> Output {
    build_args(date, root, out, extra, &[])
}

/// Builds `root` into `out` for a fixed date with the step timings on (`RENKEI_TIMINGS`),
/// whatever the outcome: they say what the build took from the last one.
pub fn build_timed(root: &Path, out: &Path) -> Output {
    build_timed_on("2026-11-25", root, out)
}

/// [`build_timed`] as on `date`.
pub fn build_timed_on(date: &str, root: &Path, out: &Path) -> Output {
    build_args(date, root, out, &[], &[("RENKEI_TIMINGS", "1")])
}

fn build_args(date: &str, root: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--date",
        date,
    ];
    args.extend_from_slice(extra);
    let mut env = env.to_vec();
    env.push(("RAYON_NUM_THREADS", "2"));
    renkei_env(&args, &env)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `renkei check` on `root` (build date 2026-11-25) must pass: what an import left behind is
/// a site that builds.
/// `renkei check` of the site at `root` on the tests' build date.
pub fn check(root: &Path) -> Output {
    renkei(&[
        "check",
        "--root",
        root.to_str().expect("utf-8 path"),
        "--date",
        "2026-11-25",
    ])
}

pub fn check_clean(root: &Path) {
    let o = check(root);
    assert!(o.status.success(), "check after import:\n{}", stderr(&o));
}

/// `renkei import <args> --root <root>`.
pub fn import(root: &Path, args: &[&str]) -> Output {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--root", root.to_str().expect("utf-8 path")]);
    renkei(&all)
}

/// Every file under `dir`, sorted, as paths relative to it.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

pub fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every string value under `key` (recursively) in the front matter of every `.md` file and in
/// every YAML file of a site's content folder.
pub fn values_under(content: &Path, key: &str) -> Vec<String> {
    use renkei::yaml::{self, Node, Value};
    fn strings(n: &Node, out: &mut Vec<String>) {
        match &n.value {
            Value::Seq(items) => items.iter().for_each(|i| strings(i, out)),
            Value::Map(entries) => entries.iter().for_each(|e| strings(&e.value, out)),
            _ => {
                if let Some(s) = n.scalar_text() {
                    out.push(s);
                }
            }
        }
    }
    fn find(n: &Node, key: &str, out: &mut Vec<String>) {
        if let Value::Map(entries) = &n.value {
            for e in entries {
                if e.key == key {
                    strings(&e.value, out);
                } else {
                    find(&e.value, key, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    for rel in files(content) {
        let text = match fs::read_to_string(content.join(&rel)) {
            Ok(t) => t,
            Err(_) => continue,
        };
        let front = if rel.extension().is_some_and(|e| e == "md") {
            text.strip_prefix("---\n")
                .and_then(|t| t.split("\n---\n").next())
                .unwrap_or("")
                .to_string()
        } else if rel.extension().is_some_and(|e| e == "yaml") {
            text
        } else {
            continue;
        };
        if let Ok(node) = yaml::parse(&front, 1) {
            find(&node, key, &mut out);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether an optional test tool is installed. Locally a missing tool skips the test with a
/// notice; under CI (`CI`, or `RENKEI_REQUIRE_TOOLS` which `.ci/run` sets) it fails, so CI can
/// never pass without having looked.
pub fn tool_ready(ready: bool, what: &str) -> bool {
    if !ready {
        assert!(
            std::env::var_os("RENKEI_REQUIRE_TOOLS").is_none() && std::env::var_os("CI").is_none(),
            "CI must provide {what}"
        );
        // Written past the test harness's capture, so `cargo test` shows it even though the
        // test passes: a skipped check must not look like one that ran.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: install {what} to run this test (CI fails instead)"
        );
    }
    ready
}

/// The demo site (`content/`) built into a temporary folder; keep the guard alive while using
/// the path.
pub fn build_demo(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build_ok(&repo(), &out, extra);
    (tmp, out)
}

/// Runs node with `args`, asserts it succeeded and returns its standard output.
pub fn node<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let o = Command::new("node").args(args).output().expect("node");
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout
}

/// Property-test settings: 64 cases unless `PROPTEST_CASES` says how many (the long runs quoted
/// in closing notes). A failure prints its shrunk input; no regression file is written into
/// the tree.
pub fn proptest_config() -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// Replaces the first `from` in `root/file` with `to` (which must be there) and returns the
/// new text: one small edit to a fixture, as a member of staff would make it.
pub fn replace(root: &Path, file: &str, from: &str, to: &str) -> String {
    let path = root.join(file);
    let body = fs::read_to_string(&path).expect("fixture file");
    assert!(body.contains(from), "{file} lacks {from:?}");
    let body = body.replacen(from, to, 1);
    fs::write(path, &body).expect("write fixture");
    body
}

/// Writes `text` as `root/sheet.csv` for `renkei import` and returns its path.
pub fn sheet(root: &Path, text: &str) -> String {
    let path = root.join("sheet.csv");
    fs::write(&path, text).expect("write sheet");
    path.to_str().expect("utf-8 path").to_string()
}

/// The file of type `mime` a page carries as a `data:` link (`href="data:<mime>;…;base64,…"`:
/// a record's vCard, a seminar's iCalendar), decoded, or `None` when the page has none.
pub fn carried_file(html: &str, mime: &str) -> Option<String> {
    let prefix = format!("href=\"data:{mime};charset=utf-8;base64,");
    let start = html.find(&prefix)? + prefix.len();
    let b64 = &html[start..start + html[start..].find('"')?];
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut bytes = Vec::new();
    for chunk in b64.as_bytes().chunks(4) {
        let digits: Vec<u8> = chunk.iter().map_while(|c| value(*c)).collect();
        let n = digits
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | u32::from(*d) << (18 - 6 * i));
        bytes.extend((0..digits.len().saturating_sub(1)).map(|i| (n >> (16 - 8 * i)) as u8));
    }
    Some(String::from_utf8(bytes).expect("a carried file is UTF-8"))
}

/// The vCard a directory page's 「連絡先をスマートフォンに保存」 link carries.
pub fn vcard_in(html: &str) -> Option<String> {
    carried_file(html, "text/vcard")
}

/// The iCalendar a seminar page's 「カレンダーに追加」 link carries.
pub fn ical_in(html: &str) -> Option<String> {
    carried_file(html, "text/calendar")
}
