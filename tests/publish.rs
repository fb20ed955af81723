//! docs/publish/nginx.conf, as documented, serving the demo's public and partners builds: pages,
//! Japanese paths, the 404 page, MIME types and charsets, cache headers, and the partners site
//! behind Basic authentication (tests/publish/nginx_check.py does the requests).
//!
//! Needs nginx (`apt-get install nginx`; `.ci/run` installs it). Without it the test says so
//! and passes locally; under CI it fails instead.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;

/// nginx on PATH, or where Debian puts it (/usr/sbin, which is not on every user's PATH).
fn nginx() -> Option<PathBuf> {
    let on_path = Command::new("nginx")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if on_path {
        return Some(PathBuf::from("nginx"));
    }
    ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

#[test]
fn documented_nginx_configuration_serves_both_profiles() {
    let found = nginx();
    if !tool_ready(found.is_some(), "nginx (apt-get install nginx)") {
        return;
    }
    let o = Command::new("python3")
        .arg(repo().join("tests/publish/nginx_check.py"))
        .args(["--renkei", env!("CARGO_BIN_EXE_renkei")])
        .arg("--repo")
        .arg(repo())
        .arg("--nginx")
        .arg(found.unwrap())
        .output()
        .expect("python3");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && out.contains("nginx: ok"),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
