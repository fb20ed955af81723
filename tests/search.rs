//! The browser half of search normalisation gives the same answers as the Rust half: the shared
//! cases in tests/search/cases.tsv run through `normalize.mjs` under node's test runner.

mod common;

use std::process::Command;

use common::*;

#[test]
fn browser_normaliser_passes_the_shared_cases() {
    let node = Command::new("node").arg("--version").output();
    if !tool_ready(node.is_ok(), "node") {
        return;
    }
    let o = Command::new("node")
        .arg("--test")
        .arg(repo().join("tests/search/normalize.test.mjs"))
        .output()
        .expect("node");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("# pass 2"), "{stdout}");
}
