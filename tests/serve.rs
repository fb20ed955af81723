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
    start_with(root, &[], None)
}

/// `renkei serve` with extra environment variables and, on Unix, a lower open-file limit.
fn start_with(root: &std::path::Path, env: &[(&str, &str)], fd_limit: Option<u32>) -> Serving {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bin = env!("CARGO_BIN_EXE_renkei");
    let mut cmd = match fd_limit {
        Some(n) => {
            let mut c = Command::new("sh");
            c.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\""), bin]);
            c
        }
        None => Command::new(bin),
    };
    let child = cmd
        .args([
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            &port.to_string(),
            "--date",
            "2026-11-25",
        ])
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Serve binds the port for a moment before its first build (to report a taken port at
    // once), so a connection alone does not mean it is up: wait for an answer.
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() || request(port, "GET", "/").status == 0
    {
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
    let head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    raw(port, head.as_bytes())
}

/// Sends `bytes` as they are (write errors ignored: the server may answer and close early) and
/// reads the answer until the server closes. Status 0: no answer at all.
fn raw(port: u16, bytes: &[u8]) -> Reply {
    let mut raw = Vec::new();
    if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = s.write_all(bytes);
        let _ = s.read_to_end(&mut raw);
    }
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
    // The feed carries bodies. The edited page is served first and the feed a moment later in
    // the same update, so on a busy machine it may still be the old one when the page is new.
    wait_for(s.port, "/renkei/news/atom.xml", |r| {
        r.body.contains("15時30分まで")
    });

    // Break it: the last good page stays, with the error overlay.
    std::fs::write(&file, original.replace("title:", "titel:")).unwrap();
    // The write may be seen half done (an empty file) and reported first; wait for its error.
    let broken = wait_for(s.port, page, |r| {
        r.body.contains("renkei-errors") && r.body.contains("fax-hours.md:2:1: titel")
    });
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
        "/renkei/data/partners.csv",
    ] {
        // The edited page is served first, the pages that show it a moment later (same update):
        // on a busy machine they may still be the old ones when the first is new.
        wait_for(s.port, page, |r| {
            r.body.contains("211-7777") && !r.body.contains("211-1234")
        });
    }
    // The clinic's and its 登録医's vCards (data: links in their pages) have the new number.
    for page in ["/renkei/partners/sakura-naika/", "/renkei/doctors/dr-sato/"] {
        let card = vcard_in(&request(s.port, "GET", page).body).expect("a vCard link");
        assert!(card.contains("tel:+81-99-211-7777"), "{page}: {card}");
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
        "/renkei/seminars/seminars.ics",
    ] {
        let body = request(s.port, "GET", page).body.replace("\r\n ", "");
        assert!(body.contains("心不全と在宅医療"), "{page} is stale");
    }
    // The seminar's own calendar rides in its page.
    let page = request(s.port, "GET", "/renkei/seminars/open-conf-2026-12/").body;
    let calendar = ical_in(&page)
        .expect("a calendar link")
        .replace("\r\n ", "");
    assert!(calendar.contains("心不全と在宅医療"), "{calendar}");
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
    // Which streams win is a race between their threads; what is promised is that some are
    // served as event streams and the rest are refused with 503, none left hanging.
    let (mut served, mut refused) = (0, 0);
    for stream in &mut streams {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut buf = [0u8; 256];
        let n = stream.read(&mut buf).unwrap();
        let head = String::from_utf8_lossy(&buf[..n]);
        if head.contains("text/event-stream") && head.contains("data: ") {
            served += 1;
        } else {
            assert!(head.starts_with("HTTP/1.1 503"), "{head}");
            refused += 1;
        }
    }
    assert!(
        served >= 1 && refused >= 1,
        "served {served}, refused {refused}"
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

/// Sends `signal` to serve: it must exit with code 0 and release the port.
#[cfg(unix)]
fn stops_cleanly_on(signal: &str) {
    let site = site_copy("minimal");
    let mut s = start(site.path());
    let pid = s.child.id().to_string();
    assert!(Command::new("kill")
        .args([signal, &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0), "exit code 0 after {signal}");
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

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    stops_cleanly_on("-INT");
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_like_ctrl_c() {
    stops_cleanly_on("-TERM");
}

#[test]
fn clients_that_pipeline_and_never_read_do_not_block_the_server() {
    let site = site_copy("minimal");
    let s = start(site.path());
    // Each asks for ~20 KB a thousand times over and reads nothing: answers pile up unread.
    let pipelined =
        "GET /renkei/search/index.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(1000);
    let mut hogs = Vec::new();
    for _ in 0..12 {
        let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
        c.set_write_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let _ = c.write_all(pipelined.as_bytes());
        hogs.push(c);
    }
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    assert_eq!(request(s.port, "GET", "/renkei/").status, 200);
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(hogs);
    assert_eq!(request(s.port, "GET", "/renkei/").status, 200);
}

/// Idle connections beyond the cap are closed (oldest first) instead of each holding a thread.
/// With 256 descriptors (macOS's default), they used to run tiny_http out of them, ending its
/// accept thread for good.
#[cfg(unix)]
#[test]
fn idle_connections_cannot_use_up_the_server() {
    let site = site_copy("minimal");
    let s = start_with(site.path(), &[], Some(256));
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], s.port));
    let mut idle = Vec::new();
    for _ in 0..300 {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
            Ok(c) => idle.push(c),
            Err(_) => break,
        }
    }
    let started = Instant::now();
    let r = request(s.port, "GET", "/renkei/");
    assert_eq!(r.status, 200, "{} idle connections", idle.len());
    assert!(started.elapsed() < Duration::from_secs(5));
    // The server holds no more than its cap; the others were closed or told 503, not left hanging.
    let mut open = 0;
    for c in &mut idle {
        c.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 256];
        match c.read(&mut buf) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => open += 1,
            Ok(n) if n > 0 => {
                assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 503"))
            }
            _ => {}
        }
    }
    assert!(
        open <= 128,
        "{open} of {} idle connections held",
        idle.len()
    );
    drop(idle);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(request(s.port, "GET", "/renkei/").status, 200);
}

#[test]
fn oversized_request_lines_and_heads_are_refused_early() {
    let site = site_copy("minimal");
    let s = start(site.path());
    let long = format!(
        "GET /renkei/{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "a".repeat(100_000)
    );
    assert_eq!(raw(s.port, long.as_bytes()).status, 414);
    let mut big = b"GET /renkei/ HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec();
    for i in 0..16_384 {
        big.extend(format!("X-Filler-{i:05}: {}\r\n", "b".repeat(48)).as_bytes());
    }
    big.extend(b"\r\n");
    assert!(big.len() > 1 << 20);
    let r = raw(s.port, &big);
    assert_eq!(r.status, 431);
    assert!(!r.body.contains("テスト市民病院"));
    assert_eq!(request(s.port, "GET", "/renkei/").status, 200);
}

#[test]
fn only_localhost_names_and_ip_addresses_are_served() {
    let site = site_copy("minimal");
    let s = start(site.path());
    let get = |host: &str| {
        let head = format!("GET /renkei/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        raw(s.port, head.as_bytes())
    };
    let port = s.port;
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        format!("preview.localhost:{port}"),
        "LOCALHOST".to_string(),
    ] {
        let r = get(&host);
        assert_eq!(r.status, 200, "{host}");
        assert!(
            r.body.contains("テスト市民病院"),
            "{host}: {}",
            &r.body.chars().take(600).collect::<String>()
        );
    }
    // A DNS-rebinding page reaches 127.0.0.1 under its own name.
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "localhost.evil.example".to_string(),
    ] {
        let r = get(&host);
        assert_eq!(r.status, 403, "{host}");
        assert!(!r.body.contains("テスト市民病院"), "{host}");
        assert!(r.body.contains("localhost"), "{host}: {}", r.body);
    }
    let none = raw(
        s.port,
        b"GET /renkei/ HTTP/1.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(none.status, 400);
}

#[test]
fn a_slow_client_is_cut_off_after_the_read_timeout() {
    let site = site_copy("minimal");
    let s = start_with(site.path(), &[("RENKEI_SERVE_TIMEOUT_MS", "1000")], None);
    // Half a head, then silence.
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    c.write_all(b"GET /renkei/ HTTP/1.1\r\nHo").unwrap();
    let mut got = Vec::new();
    let end = c.read_to_end(&mut got);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "still open after {:?}",
        started.elapsed()
    );
    assert!(
        got.starts_with(b"HTTP/1.1 408"),
        "{end:?}: {}",
        String::from_utf8_lossy(&got)
    );
    // A byte at a time, each well inside the timeout: the whole head still has to arrive in time.
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let started = Instant::now();
    let mut closed = false;
    for b in b"GET /renkei/ HTTP/1.1\r\nX-Slow: ".iter().cycle().take(40) {
        if c.write_all(&[*b]).is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 64];
        match c.read(&mut buf) {
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            _ => {
                closed = true;
                break;
            }
        }
    }
    assert!(closed && started.elapsed() < Duration::from_secs(4));
    assert_eq!(request(s.port, "GET", "/renkei/").status, 200);
}

#[test]
fn live_reload_events_stream_through_the_front_door() {
    let site = site_copy("minimal");
    let s = start(site.path());
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    write!(
        c,
        "GET /__renkei/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
        s.port
    )
    .unwrap();
    c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 1024];
    while !seen.contains("data: ") {
        let n = c.read(&mut buf).unwrap();
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let first = seen.len();
    common::replace(
        site.path(),
        "content/news/fax-hours.md",
        "16時まで",
        "17時まで",
    );
    while !seen[first..].contains("data: ") {
        let n = c.read(&mut buf).unwrap();
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}

#[test]
fn a_body_edit_is_found_by_search_at_once() {
    let site = site_copy("minimal");
    let s = start(site.path());
    let file = site.path().join("content/partners/sakura-naika.md");
    let original = std::fs::read_to_string(&file).unwrap();
    let index = request(s.port, "GET", "/renkei/search/index.json");
    assert_eq!(index.status, 200);
    assert!(!index.body.contains("麒麟"));
    // Only the body changes: the single-record path, which once left the index stale.
    std::fs::write(&file, format!("{original}\n麒麟の置物が目印です。\n")).unwrap();
    wait_for(s.port, "/renkei/partners/sakura-naika/", |r| {
        r.body.contains("麒麟の置物")
    });
    wait_for(s.port, "/renkei/search/index.json", |r| {
        r.body.contains("麒麟")
    });
}

#[test]
fn an_ipv6_bind_prints_a_url_with_brackets() {
    // Machines without IPv6 loopback cannot run this; say so rather than pass silently.
    let Ok(probe) = std::net::TcpListener::bind("[::1]:0") else {
        eprintln!("skipped: no IPv6 loopback on this machine");
        return;
    };
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let site = site_copy("minimal");
    let mut child = Command::new(env!("CARGO_BIN_EXE_renkei"))
        .args(["serve", "--root", site.path().to_str().unwrap()])
        .args(["--bind", "::1", "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    std::io::BufRead::read_line(&mut out, &mut line).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        line.starts_with(&format!("http://[::1]:{port}/renkei/ ")),
        "{line}"
    );
}
