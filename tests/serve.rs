//! `renkei serve` end to end: a real server on a free port, real HTTP, real file edits.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

struct Serving {
    child: Child,
    port: u16,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path) -> Serving {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_renkei"))
        .args([
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            &port.to_string(),
            "--date",
            "2026-11-25",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "serve did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Serving { child, port }
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// A raw HTTP/1.1 request, so the test sees exactly what the server sends.
fn request(port: u16, method: &str, path: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

fn wait_for(port: u16, path: &str, what: impl Fn(&Reply) -> bool) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let r = request(port, "GET", path);
        if what(&r) {
            return r;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting on {path}; last body:\n{}",
            r.body
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serves_the_site_under_its_base_path_with_correct_http() {
    let site = site_copy("minimal");
    let s = start(site.path());
    let home = request(s.port, "GET", "/renkei/");
    assert_eq!(home.status, 200);
    assert!(home.head.contains("content-type: text/html; charset=utf-8"));
    assert!(home.head.contains("cache-control: no-store"));
    assert!(home.body.contains("テスト市民病院"));
    assert!(
        home.body.contains("renkei serve: live reload"),
        "serve injects the reload script"
    );

    let redirect = request(s.port, "GET", "/renkei/partners");
    assert_eq!(redirect.status, 301);
    assert!(redirect.head.contains("location: /renkei/partners/"));
    assert_eq!(
        request(s.port, "GET", "/").status,
        302,
        "the root leads to the base path"
    );

    let head = request(s.port, "HEAD", "/renkei/partners/sakura-naika/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());

    let missing = request(s.port, "GET", "/renkei/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("ページが見つかりません"),
        "the site's own 404 page"
    );

    let japanese = request(
        s.port,
        "GET",
        "/renkei/partners/department/%E5%86%85%E7%A7%91/",
    );
    assert_eq!(japanese.status, 200);
    assert!(japanese.body.contains("さくら内科クリニック"));
    assert!(request(s.port, "GET", "/renkei/assets/style.css")
        .head
        .contains("text/css; charset=utf-8"));

    for attack in [
        "/renkei/../../etc/passwd",
        "/renkei/%2e%2e/%2e%2e/etc/passwd",
        "/renkei/partners/%2e%2e%2f%2e%2e%2fcontent/site.yaml",
        "/renkei/..%5c..%5cCargo.toml",
        "/renkei/%5c%5cetc%5cpasswd",
        "//etc/passwd",
        "/etc/passwd",
        "/renkei//etc/passwd",
        "/renkei/%00",
        "/renkei/content/site.yaml",
    ] {
        let r = request(s.port, "GET", attack);
        assert!(r.status == 400 || r.status == 404, "{attack}: {}", r.status);
        assert!(
            !r.body.contains("root:") && !r.body.contains("base_url"),
            "{attack} leaked a file"
        );
    }
}

#[test]
fn edits_show_up_and_broken_files_show_an_overlay() {
    let site = site_copy("minimal");
    let s = start(site.path());
    let page = "/renkei/news/fax-hours/";
    assert!(request(s.port, "GET", page).body.contains("16時まで"));
    let file = site.path().join("content/news/fax-hours.md");
    let original = std::fs::read_to_string(&file).unwrap();

    std::fs::write(&file, original.replace("16時まで", "15時30分まで")).unwrap();
    wait_for(s.port, page, |r| r.body.contains("15時30分まで"));
    assert!(
        request(s.port, "GET", "/renkei/news/atom.xml")
            .body
            .contains("15時30分まで"),
        "the feed carries bodies"
    );

    // Break it: the last good page stays, with the error overlay.
    std::fs::write(&file, original.replace("title:", "titel:")).unwrap();
    let broken = wait_for(s.port, page, |r| r.body.contains("renkei-errors"));
    assert!(
        broken.body.contains("15時30分まで"),
        "old content still served"
    );
    assert!(
        broken.body.contains("content/news/fax-hours.md:2:1: titel"),
        "file:line and field in the overlay"
    );
    assert!(
        request(s.port, "GET", "/renkei/")
            .body
            .contains("renkei-errors"),
        "every page shows it"
    );

    std::fs::write(&file, original).unwrap();
    let fixed = wait_for(s.port, page, |r| !r.body.contains("renkei-errors"));
    assert!(fixed.body.contains("16時まで"));
}

#[test]
fn a_taken_port_is_reported_with_a_suggestion() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let o = renkei(&[
        "serve",
        "--root",
        fixture("minimal").to_str().unwrap(),
        "--port",
        &port.to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("使用中") && stderr(&o).contains(&format!("--port {}", port + 1)),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_edit_updates_every_page_that_shows_the_record() {
    let site = site_copy("minimal");
    let s = start(site.path());
    let file = site.path().join("content/partners/sakura-naika.md");
    let original = std::fs::read_to_string(&file).unwrap();

    // Same shape (tel only): the single-record path must still refresh every dependent.
    std::fs::write(&file, original.replace("099-211-1234", "099-211-7777")).unwrap();
    wait_for(s.port, "/renkei/partners/sakura-naika/", |r| {
        r.body.contains("099-211-7777")
    });
    for page in [
        "/renkei/partners/",
        "/renkei/partners/area/%E4%B8%AD%E5%A4%AE/",
        "/renkei/partners/department/%E5%86%85%E7%A7%91/",
        "/renkei/doctors/dr-sato/",
        "/renkei/pathways/nousocchu/",
        "/renkei/partners/print/",
        "/renkei/partners/sakura-naika/contact.vcf",
        "/renkei/data/partners.csv",
    ] {
        let r = request(s.port, "GET", page);
        // (the vCard writes the number as a tel: URI, +81-99-211-7777)
        assert!(r.body.contains("211-7777"), "{page} is stale");
        assert!(
            !r.body.contains("211-1234"),
            "{page} still has the old number"
        );
    }

    // A changed shape (another area) moves the record between browse pages: full rebuild.
    std::fs::write(&file, original.replace("area: 中央", "area: 北部")).unwrap();
    wait_for(s.port, "/renkei/partners/area/%E5%8C%97%E9%83%A8/", |r| {
        r.body.contains("さくら内科クリニック")
    });
    let centre = request(s.port, "GET", "/renkei/partners/area/%E4%B8%AD%E5%A4%AE/");
    assert!(
        !centre.body.contains("さくら内科クリニック"),
        "left its old area page"
    );

    // A new file appears.
    std::fs::write(
        site.path().join("content/news/new-item.md"),
        "---\ntitle: 新しいお知らせです\ndate: 2026-11-24\n---\n\n本文\n",
    )
    .unwrap();
    wait_for(s.port, "/renkei/", |r| {
        r.body.contains("新しいお知らせです")
    });
    assert_eq!(request(s.port, "GET", "/renkei/news/new-item/").status, 200);
}

#[test]
fn seminar_edits_reach_the_home_page_and_the_calendar() {
    let site = site_copy("minimal");
    let s = start(site.path());
    let file = site.path().join("content/seminars/open-conf-2026-12.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("心不全の地域連携", "心不全と在宅医療")).unwrap();
    wait_for(s.port, "/renkei/", |r| r.body.contains("心不全と在宅医療"));
    for page in [
        "/renkei/seminars/",
        "/renkei/seminars/2026/",
        "/renkei/seminars/open-conf-2026-12/seminar.ics",
        "/renkei/seminars/seminars.ics",
    ] {
        let body = request(s.port, "GET", page).body.replace("\r\n ", "");
        assert!(body.contains("心不全と在宅医療"), "{page} is stale");
    }
}

#[test]
fn many_live_reload_clients_do_not_starve_the_server() {
    let site = site_copy("minimal");
    let s = start(site.path());
    // More event streams than the cap: the extra ones are refused, the site keeps answering.
    let mut streams = Vec::new();
    for _ in 0..40 {
        let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
        write!(
            c,
            "GET /__renkei/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .unwrap();
        streams.push(c);
    }
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..5 {
        assert_eq!(request(s.port, "GET", "/renkei/").status, 200);
    }
    let first = &mut streams[0];
    first
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0u8; 256];
    let n = first.read(&mut buf).unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(
        head.contains("text/event-stream") && head.contains("data: "),
        "{head}"
    );
}

#[cfg(unix)]
#[test]
fn a_static_link_out_of_the_site_is_never_served() {
    let site = site_copy("minimal");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "TOP-SECRET").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path().join("content/static/secret.txt"),
    )
    .unwrap();
    let s = start(site.path());
    let r = request(s.port, "GET", "/renkei/secret.txt");
    assert_eq!(r.status, 404);
    assert!(!r.body.contains("TOP-SECRET"));
    assert!(
        r.body.contains("renkei-errors") && r.body.contains("content/static/secret.txt"),
        "the refusal is shown"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = site_copy("minimal");
    let mut s = start(site.path());
    let pid = s.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0), "exit code 0 after Ctrl+C");
            break;
        }
        assert!(Instant::now() < deadline, "serve did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        TcpStream::connect(("127.0.0.1", s.port)).is_err(),
        "the port is released"
    );
}
