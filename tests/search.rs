//! The browser half of search normalisation gives the same answers as the Rust half: the shared
//! cases in tests/search/cases.tsv run through `normalize.mjs` under node's test runner.

mod common;

use std::process::Command;

use common::*;

#[test]
fn browser_normaliser_passes_the_shared_cases() {
    let node_found = Command::new("node").arg("--version").output();
    if !tool_ready(node_found.is_ok(), "node") {
        return;
    }
    let stdout = node([
        std::ffi::OsString::from("--test"),
        repo()
            .join("tests/search/normalize.test.mjs")
            .into_os_string(),
    ]);
    assert!(stdout.contains("# pass 2"), "{stdout}");
}
