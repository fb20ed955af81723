//! The bytes at the front door: reading a request head under the size limits, parsing it
//! strictly, the Host check, the head forwarded to tiny_http, and the guard's own answers.

use std::io::{self, ErrorKind, Read};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use super::TOKEN_HEADER;

/// Longest request line (method, URL, version), without its line end.
const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Longest request head: request line and all headers.
const MAX_HEAD: usize = 16 * 1024;
/// Hop-by-hop headers, never forwarded: each connection is the guard's own.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "content-length",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "expect",
];

/// How reading a head ended.
#[derive(Debug, PartialEq)]
pub(super) enum HeadRead {
    /// The head, up to and including its blank line (later bytes are dropped).
    Complete(Vec<u8>),
    /// A status to answer: 414, 431 or 408.
    Refused(u16),
    /// Nothing to answer: the client closed, or never sent a byte before the timeout.
    Gone,
}

/// Reads one request head, never more than [`MAX_HEAD`] bytes, all of it before `deadline`
/// (`set_timeout` is given the time left before each read).
pub(super) fn read_head(
    mut r: impl Read,
    mut set_timeout: impl FnMut(Duration) -> io::Result<()>,
    deadline: Instant,
) -> HeadRead {
    let mut buf = vec![0u8; MAX_HEAD];
    let mut len = 0;
    let mut scan = Scan::default();
    loop {
        let end = scan.feed(&buf[..len]);
        if scan.request_line_len(len) > MAX_REQUEST_LINE {
            return HeadRead::Refused(414);
        }
        if let Some(end) = end {
            buf.truncate(end);
            return HeadRead::Complete(buf);
        }
        if len == MAX_HEAD {
            return HeadRead::Refused(431);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let timed_out = if len == 0 {
            HeadRead::Gone
        } else {
            HeadRead::Refused(408)
        };
        if left.is_zero() || set_timeout(left).is_err() {
            return timed_out;
        }
        match r.read(&mut buf[len..]) {
            Ok(0) => return HeadRead::Gone,
            Ok(n) => len += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return timed_out
            }
            Err(_) => return HeadRead::Gone,
        }
    }
}

/// Finds the end of a head in bytes arriving bit by bit, looking at each byte once.
#[derive(Default)]
struct Scan {
    pos: usize,
    line_start: usize,
    request_line: Option<usize>,
}

impl Scan {
    /// The length of the head once its blank line is in.
    fn feed(&mut self, buf: &[u8]) -> Option<usize> {
        while self.pos < buf.len() {
            self.pos += 1;
            if buf[self.pos - 1] != b'\n' {
                continue;
            }
            let line = &buf[self.line_start..self.pos - 1];
            let len = line.strip_suffix(b"\r").unwrap_or(line).len();
            self.line_start = self.pos;
            match (len, self.request_line) {
                (0, Some(_)) => return Some(self.pos),
                (0, None) => {} // blank lines before the request line are allowed
                (len, None) => self.request_line = Some(len),
                _ => {}
            }
        }
        None
    }

    /// The request line's length so far (all of `len` bytes read if it has not ended).
    fn request_line_len(&self, len: usize) -> usize {
        self.request_line.unwrap_or(len - self.line_start)
    }
}

/// A request head, borrowed from the bytes read.
#[derive(Debug)]
pub(super) struct Head<'a> {
    method: &'a str,
    target: &'a [u8],
    version: &'a str,
    pub(super) headers: Vec<(&'a str, &'a [u8])>,
}

impl Head<'_> {
    /// The URL's path, without the query.
    pub(super) fn path(&self) -> &[u8] {
        self.target.split(|&b| b == b'?').next().unwrap_or_default()
    }
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
}

/// Parses a complete head strictly; the error is the status to answer (400, or 505 for another
/// HTTP version). Whatever tiny_http would read differently is refused here.
pub(super) fn parse_head(bytes: &[u8]) -> Result<Head<'_>, u16> {
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .skip_while(|l| l.is_empty());
    let line = lines.next().ok_or(400u16)?;
    let parts: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(400);
    };
    let method = std::str::from_utf8(method)
        .ok()
        .filter(|m| is_token(m.as_bytes()))
        .ok_or(400u16)?;
    if !target.starts_with(b"/") || target.iter().any(|&b| b <= b' ' || b == 0x7f) {
        return Err(400);
    }
    let version = match version {
        b"HTTP/1.1" => "HTTP/1.1",
        b"HTTP/1.0" => "HTTP/1.0",
        v if v.starts_with(b"HTTP/") => return Err(505),
        _ => return Err(400),
    };
    let mut headers = Vec::new();
    for line in lines.take_while(|l| !l.is_empty()) {
        // A leading space would continue the previous header (obsolete folding): refused.
        let colon = line.iter().position(|&b| b == b':').ok_or(400u16)?;
        let name = std::str::from_utf8(&line[..colon])
            .ok()
            .filter(|n| is_token(n.as_bytes()))
            .ok_or(400u16)?;
        let value = line[colon + 1..].trim_ascii();
        if value.iter().any(|&b| (b < b' ' && b != b'\t') || b == 0x7f) {
            return Err(400);
        }
        headers.push((name, value));
    }
    Ok(Head {
        method,
        target,
        version,
        headers,
    })
}

/// Whether a Host header names this server: `localhost`, a name under `.localhost`, or an IP
/// address (`127.0.0.1`, `[::1]`, the LAN address with `--bind`). A port, if given, must be
/// ours. Any other name is how a DNS-rebinding page would reach the preview from a browser.
pub(super) fn host_allowed(value: &[u8], port: u16) -> bool {
    let Ok(value) = std::str::from_utf8(value) else {
        return false;
    };
    let (name, rest) = match value.strip_prefix('[') {
        Some(inner) => match inner.split_once(']') {
            Some((ip, rest)) if ip.parse::<Ipv6Addr>().is_ok() => (None, rest),
            _ => return false,
        },
        None => match value.find(':') {
            Some(i) => (Some(&value[..i]), &value[i..]),
            None => (Some(value), ""),
        },
    };
    let port_ok = rest.is_empty()
        || rest.strip_prefix(':').is_some_and(|d| {
            !d.is_empty()
                && d.len() <= 5
                && d.bytes().all(|b| b.is_ascii_digit())
                && d.parse() == Ok(port)
        });
    port_ok && name.is_none_or(local_name)
}

fn local_name(name: &str) -> bool {
    if name.parse::<Ipv4Addr>().is_ok() {
        return true;
    }
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    match name.strip_suffix("localhost") {
        Some("") => true,
        Some(sub) => sub.strip_suffix('.').is_some_and(|labels| {
            labels
                .split('.')
                .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        }),
        None => false,
    }
}

/// The head tiny_http gets: the request line (non-ASCII URL bytes percent-encoded, which
/// tiny_http cannot read raw), end-to-end headers with ASCII values, `Connection: close` and the
/// token.
pub(super) fn backend_head(head: &Head, token: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAX_HEAD + 256);
    out.extend_from_slice(head.method.as_bytes());
    out.push(b' ');
    for &b in head.target {
        if b.is_ascii() {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out.push(b' ');
    out.extend_from_slice(head.version.as_bytes());
    out.extend_from_slice(b"\r\n");
    // Headers a Connection header names are hop-by-hop too.
    let named: Vec<String> = head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| v.split(|&b| b == b','))
        .map(|t| String::from_utf8_lossy(t.trim_ascii()).to_ascii_lowercase())
        .collect();
    for (name, value) in &head.headers {
        let lower = name.to_ascii_lowercase();
        if HOP_BY_HOP.contains(&lower.as_str())
            || named.contains(&lower)
            || name.eq_ignore_ascii_case(TOKEN_HEADER)
            || !value.is_ascii()
        {
            continue;
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(
        format!("Connection: close\r\n{TOKEN_HEADER}: {token}\r\n\r\n").as_bytes(),
    );
    out
}

/// A response head from tiny_http with its Connection headers replaced by `Connection: close`.
pub(super) fn close_head(head: &[u8]) -> Vec<u8> {
    let body = head.strip_suffix(b"\r\n\r\n").unwrap_or(head);
    let mut out = Vec::with_capacity(head.len() + 20);
    for line in body.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let name = line.split(|&b| b == b':').next().unwrap_or_default();
        if name.eq_ignore_ascii_case(b"connection") || name.eq_ignore_ascii_case(b"keep-alive") {
            continue;
        }
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out
}

/// The guard's own short answers, in Japanese for the staff who see them.
pub(super) fn refusal(status: u16, port: u16) -> Vec<u8> {
    let (status, reason, text) = match status {
        400 => (400, "Bad Request", "要求の形式が正しくありません。".to_string()),
        403 => (403, "Forbidden", format!("このプレビューは http://localhost:{port}/ のように localhost か IP アドレスで開いてください。ほかの名前で届いた要求は、DNS リバインディング攻撃を防ぐため断っています。")),
        408 => (408, "Request Timeout", "要求が時間内に届きませんでした。もう一度読み込んでください。".to_string()),
        414 => (414, "URI Too Long", format!("URL が長すぎます({} KiB まで)。", MAX_REQUEST_LINE / 1024)),
        431 => (431, "Request Header Fields Too Large", format!("要求ヘッダーが大きすぎます(合わせて {} KiB まで)。", MAX_HEAD / 1024)),
        502 => (502, "Bad Gateway", "プレビューの内部サーバーが応答しません。もう一度読み込んでください。".to_string()),
        505 => (505, "HTTP Version Not Supported", "HTTP/1.1 で接続してください。".to_string()),
        _ => (503, "Service Unavailable", "接続が多すぎます。少し待ってから読み込み直してください。".to_string()),
    };
    let text = format!("{text}\n");
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\n{}Connection: close\r\n\r\n{text}",
        text.len(),
        if status == 503 { "Retry-After: 5\r\n" } else { "" },
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(chunks: &[&[u8]]) -> HeadRead {
        let bytes: Vec<u8> = chunks.concat();
        let far = Instant::now() + Duration::from_secs(60);
        read_head(&bytes[..], |_| Ok(()), far)
    }

    #[test]
    fn a_head_is_read_up_to_its_blank_line_and_no_further() {
        let got = read(&[b"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\n\r\n"]);
        assert_eq!(
            got,
            HeadRead::Complete(b"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n".to_vec())
        );
        assert_eq!(
            read(&[b"GET / HTTP/1.1\nHost: a\n\n"]),
            HeadRead::Complete(b"GET / HTTP/1.1\nHost: a\n\n".to_vec())
        );
        assert_eq!(read(&[b"GET / HTTP/1.1\r\nHo"]), HeadRead::Gone);
        assert_eq!(read(&[]), HeadRead::Gone);
    }

    #[test]
    fn limits_on_the_request_line_and_the_head() {
        let line = [
            b"GET /".as_slice(),
            &[b'a'; MAX_REQUEST_LINE],
            b" HTTP/1.1\r\n\r\n",
        ]
        .concat();
        assert_eq!(read(&[&line]), HeadRead::Refused(414));
        let endless = vec![b'a'; 100_000];
        assert_eq!(read(&[&endless]), HeadRead::Refused(414));
        // Just under the line limit passes.
        let ok = [
            b"GET /".as_slice(),
            &[b'a'; MAX_REQUEST_LINE - 14],
            b" HTTP/1.1\r\n\r\n",
        ]
        .concat();
        assert!(matches!(read(&[&ok]), HeadRead::Complete(_)));
        let header = [b"X: ".as_slice(), &[b'b'; 1000], b"\r\n"].concat();
        let many = [
            b"GET / HTTP/1.1\r\n".as_slice(),
            &header.repeat(20),
            b"\r\n",
        ]
        .concat();
        assert_eq!(read(&[&many]), HeadRead::Refused(431));
    }

    #[test]
    fn a_head_that_misses_the_deadline_is_408() {
        let past = Instant::now() - Duration::from_millis(1);
        assert_eq!(
            read_head(&b"GET / HT"[..], |_| Ok(()), past),
            HeadRead::Gone,
            "nothing read yet: just closed"
        );
        let mut partial = (&b"GET / HT"[..]).chain(TimesOut);
        assert_eq!(
            read_head(
                &mut partial,
                |_| Ok(()),
                Instant::now() + Duration::from_secs(5)
            ),
            HeadRead::Refused(408)
        );
    }

    struct TimesOut;
    impl Read for TimesOut {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::from(ErrorKind::WouldBlock))
        }
    }

    #[test]
    fn heads_are_parsed_strictly() {
        let head =
            parse_head(b"GET /a?b=1 HTTP/1.1\r\nHost: localhost:8000\r\nX-Empty:\r\n\r\n").unwrap();
        assert_eq!(
            (head.method, head.target, head.version),
            ("GET", &b"/a?b=1"[..], "HTTP/1.1")
        );
        assert_eq!(
            head.headers,
            vec![("Host", &b"localhost:8000"[..]), ("X-Empty", &b""[..])]
        );
        for bad in [
            &b"GET /a b HTTP/1.1\r\n\r\n"[..],
            b"GET  /a HTTP/1.1\r\n\r\n",
            b"GET http://x/ HTTP/1.1\r\n\r\n",
            b"GET /\x01 HTTP/1.1\r\n\r\n",
            b"G(T / HTTP/1.1\r\n\r\n",
            b"GET / FTP/1.0\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
            b"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
            b"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
            b"\r\n\r\n",
        ] {
            assert_eq!(
                parse_head(bad).err(),
                Some(400),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(parse_head(b"GET / HTTP/2.0\r\n\r\n").err(), Some(505));
    }

    #[test]
    fn only_localhost_names_and_ip_literals_on_our_port_pass() {
        for ok in [
            "localhost",
            "localhost:8000",
            "LocalHost:8000",
            "localhost.",
            "preview.localhost:8000",
            "a.b-c.localhost",
            "127.0.0.1",
            "127.0.0.1:8000",
            "192.168.1.20:8000",
            "[::1]",
            "[::1]:8000",
        ] {
            assert!(host_allowed(ok.as_bytes(), 8000), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:8000",
            "localhost:8001",
            "localhost:",
            "localhost:+8000",
            "localhost:08000x",
            "127.0.0.1:80",
            "[::1]:8001",
            "[::1",
            "[evil]:8000",
            "::1",
            "localhost.evil.example",
            "evillocalhost",
            ".localhost",
            "a..localhost",
            "127.1",
            "0x7f.0.0.1",
            "localhost:8000:8000",
            "ローカル",
        ] {
            assert!(!host_allowed(bad.as_bytes(), 8000), "{bad}");
        }
        assert!(!host_allowed(b"\xff", 8000));
    }

    #[test]
    fn the_backend_gets_end_to_end_headers_only() {
        let head = parse_head(
            "GET /内科/ HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: 5\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\nX-Renkei-Guard: forged\r\nX-Name: ü\r\nAccept: */*\r\n\r\n"
                .as_bytes(),
        )
        .unwrap();
        let out = String::from_utf8(backend_head(&head, "t0k")).unwrap();
        assert_eq!(
            out,
            "GET /%E5%86%85%E7%A7%91/ HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\nConnection: close\r\nX-Renkei-Guard: t0k\r\n\r\n"
        );
    }

    #[test]
    fn answers_are_marked_connection_close() {
        let head =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: keep-alive\r\n\r\n";
        assert_eq!(
            close_head(head),
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                .to_vec()
        );
        let text = String::from_utf8(refusal(503, 8000)).unwrap();
        assert!(
            text.starts_with("HTTP/1.1 503 Service Unavailable\r\n")
                && text.contains("Retry-After: 5")
        );
        let text = String::from_utf8(refusal(403, 8000)).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(
            head.contains(&format!("Content-Length: {}", body.len()))
                && body.contains("http://localhost:8000/")
        );
    }
}
