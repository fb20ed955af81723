//! The HTTP side of `renkei serve`: answering requests from the in-memory site, the
//! live-reload event stream and the error overlay.

use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::{Files, Shared};
use crate::diagnostics::Diagnostic;

/// Live-reload connections held open at most; more clients fall back to polling.
pub(super) const MAX_EVENT_STREAMS: usize = 32;
pub(super) const EVENTS_PATH: &str = "/__renkei/events";
const VERSION_PATH: &str = "/__renkei/version";

/// A response header; `None` for text no header may hold (every name and value here is ours
/// and ASCII, but a `Location` is built from the request path).
fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "vcf" => "text/vcard; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

fn respond(request: Request, status: u16, ctype: &str, body: Vec<u8>, extra: &[(&str, &str)]) {
    let mut response = Response::from_data(body).with_status_code(StatusCode(status));
    let headers = [("Content-Type", ctype), ("Cache-Control", "no-store")];
    for h in headers
        .iter()
        .chain(extra)
        .filter_map(|(k, v)| header(k, v))
    {
        response = response.with_header(h);
    }
    // Written from a thread of its own, so a client that does not read holds no worker: the
    // guard's write timeout ends the connection, and with it this write. (At most one such
    // thread per guard connection. If none can be started, the dropped request answers 500.)
    let _ = std::thread::Builder::new()
        .name("renkei-respond".into())
        .spawn(move || {
            let _ = request.respond(response);
        });
}

/// Decodes `%XX` escapes; `None` for malformed escapes or text that is not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The site-relative path a request asks for, or the status to answer instead.
/// Traversal attempts are refused outright (400), even though the in-memory map could never
/// serve them: a preview should make such a link visible, not quietly 404 it.
pub fn resolve(raw: &str, prefix: &str) -> Result<String, u16> {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path).ok_or(400u16)?;
    if decoded.contains('\\')
        || decoded.contains('\0')
        || decoded.split('/').any(|s| s == ".." || s == ".")
    {
        return Err(400);
    }
    let rel = decoded.strip_prefix(prefix).ok_or(404u16)?;
    if rel.starts_with('/') {
        return Err(400);
    }
    Ok(rel.to_string())
}

const RELOAD_SCRIPT: &str = r#"<script>/* renkei serve: live reload (not part of built sites) */
(function(){var k='renkei-scroll:'+location.pathname;var y=sessionStorage.getItem(k);if(y!==null){sessionStorage.removeItem(k);window.addEventListener('load',function(){window.scrollTo(0,+y);});}
function reload(){sessionStorage.setItem(k,String(window.scrollY));location.reload();}
var v=null;if(window.EventSource){var es=new EventSource('/__renkei/events');es.onmessage=function(e){if(v!==null&&e.data!==v){reload();}v=e.data;};es.onerror=function(){};}
else{setInterval(function(){fetch('/__renkei/version').then(function(r){return r.text();}).then(function(t){if(v!==null&&t!==v){reload();}v=t;});},1000);}})();
</script>"#;

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The error overlay every page shows while the latest build is broken.
fn overlay(errors: &[Diagnostic]) -> String {
    let mut out = String::from(
        "<div id=\"renkei-errors\" role=\"alert\" style=\"position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,20,.92);color:#fff;font:16px/1.6 sans-serif;padding:24px\">\
<h2 style=\"margin:0 0 12px;color:#ffb4a8\">サイトを更新できません(エラー ",
    );
    out.push_str(&format!("{} 件)</h2><p>直前の正しい内容を表示しています。ファイルを直して保存すると自動で消えます。</p><ol>", errors.len()));
    for d in errors {
        out.push_str(&format!(
            "<li style=\"margin:8px 0\"><code>{}</code></li>",
            html_escape(&d.to_string())
        ));
    }
    out.push_str("</ol></div>");
    out
}

fn inject(body: &[u8], errors: &[Diagnostic]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    let mut extra = String::from(RELOAD_SCRIPT);
    if !errors.is_empty() {
        extra.push_str(&overlay(errors));
    }
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

/// Whether the request came through the guard (the only way that checks its limits and Host).
fn through_guard(request: &Request, token: &str) -> bool {
    request
        .headers()
        .iter()
        .any(|h| h.field.equiv(super::guard::TOKEN_HEADER) && h.value.as_str() == token)
}

pub(super) fn handle(request: Request, shared: &Arc<Shared>) {
    if !through_guard(&request, &shared.token) {
        return respond(
            request,
            403,
            "text/plain; charset=utf-8",
            b"403".to_vec(),
            &[],
        );
    }
    let url = request.url().to_string();
    if url.split('?').next() == Some(EVENTS_PATH) {
        return events(request, shared);
    }
    let (files, errors, version, prefix) = {
        let s = shared.state.read().unwrap_or_else(|e| e.into_inner());
        (
            Arc::clone(&s.files),
            Arc::clone(&s.errors),
            s.version,
            s.prefix.clone(),
        )
    };
    if url.split('?').next() == Some(VERSION_PATH) {
        return respond(
            request,
            200,
            "text/plain; charset=utf-8",
            version.to_string().into_bytes(),
            &[],
        );
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        return respond(
            request,
            405,
            "text/plain; charset=utf-8",
            b"405".to_vec(),
            &[("Allow", "GET, HEAD")],
        );
    }
    let path_only = url.split(['?', '#']).next().unwrap_or("").to_string();
    if prefix != "/" && (path_only == "/" || path_only == prefix.trim_end_matches('/')) {
        return respond(
            request,
            302,
            "text/plain; charset=utf-8",
            Vec::new(),
            &[("Location", &prefix)],
        );
    }
    let rel = match resolve(&url, &prefix) {
        Ok(rel) => rel,
        Err(status) => return not_found(request, status, &files, &errors),
    };
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    match files.get(&key) {
        Some(body) => {
            let ctype = content_type(&key);
            let body = if key.ends_with(".html") {
                inject(body, &errors)
            } else {
                body.to_vec()
            };
            respond(request, 200, ctype, body, &[])
        }
        None if files.contains_key(&format!("{rel}/index.html")) => {
            let location = format!("{path_only}/");
            respond(
                request,
                301,
                "text/plain; charset=utf-8",
                Vec::new(),
                &[("Location", &location)],
            )
        }
        None => not_found(request, 404, &files, &errors),
    }
}

fn not_found(request: Request, status: u16, files: &Files, errors: &[Diagnostic]) {
    let (body, html) = match files.get("404.html") {
        Some(page) if status == 404 => (inject(page, errors), true),
        // No good build yet: the errors are the page.
        _ if !errors.is_empty() => {
            let page = format!("<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>renkei serve</title></head><body><p>{status}</p></body></html>");
            (inject(page.as_bytes(), errors), true)
        }
        _ => (format!("{status}").into_bytes(), false),
    };
    let ctype = if html {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    respond(request, status, ctype, body, &[])
}

/// Server-Sent Events: the build version now and after every rebuild. Written by hand on the
/// raw connection (as Typst's preview does): tiny_http's chunked responses upset some browsers
/// on long-lived streams. Capped, so open tabs can never use up the worker threads.
fn events(request: Request, shared: &Arc<Shared>) {
    if shared.streams.fetch_add(1, Ordering::SeqCst) >= MAX_EVENT_STREAMS {
        shared.streams.fetch_sub(1, Ordering::SeqCst);
        return respond(
            request,
            503,
            "text/plain; charset=utf-8",
            b"too many live-reload connections".to_vec(),
            &[("Retry-After", "5")],
        );
    }
    let counter = Arc::clone(shared);
    let shared = Arc::clone(shared);
    let spawned = std::thread::Builder::new().name("renkei-events".into()).spawn(move || {
        let mut writer = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n";
        let (lock, cvar) = &shared.changed;
        let mut seen = lock.lock().map(|v| *v).unwrap_or(0);
        let mut ok = writer.write_all(head.as_bytes()).is_ok()
            && writer
                .write_all(format!("data: {seen}\n\n").as_bytes())
                .is_ok()
            && writer.flush().is_ok();
        while ok {
            let guard = match lock.lock() {
                Ok(g) => g,
                Err(_) => break,
            };
            let (guard, _) =
                match cvar.wait_timeout_while(guard, Duration::from_secs(15), |v| *v == seen) {
                    Ok(r) => r,
                    Err(_) => break,
                };
            let now = *guard;
            drop(guard);
            let message = if now != seen {
                format!("data: {now}\n\n")
            } else {
                ": ping\n\n".to_string()
            };
            seen = now;
            ok = writer.write_all(message.as_bytes()).is_ok() && writer.flush().is_ok();
        }
        shared.streams.fetch_sub(1, Ordering::SeqCst);
    });
    if spawned.is_err() {
        counter.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/renkei/../etc/passwd",
            "/renkei/%2e%2e/x",
            "/renkei/a/%2E%2E%2Fb",
            "/renkei/..%2f..%2fetc",
            "/renkei/a\\..\\b",
            "/renkei/%5c..%5cb",
            "/renkei//etc/passwd",
            "/renkei/%00",
            "/renkei/%zz",
        ] {
            assert_eq!(resolve(bad, "/renkei/"), Err(400), "{bad}");
        }
        assert_eq!(resolve("/etc/passwd", "/renkei/"), Err(404));
    }

    #[test]
    fn japanese_paths_are_decoded() {
        assert_eq!(
            resolve(
                "/renkei/partners/department/%E5%86%85%E7%A7%91/?q=1",
                "/renkei/"
            ),
            Ok("partners/department/内科/".into())
        );
        assert_eq!(resolve("/", "/"), Ok(String::new()));
    }

    #[test]
    fn overlay_escapes_messages() {
        let d = Diagnostic::error(
            "content/a.md",
            Default::default(),
            None,
            "<script>x</script>",
        );
        let html = String::from_utf8(inject(b"<html><body>x</body></html>", &[d])).unwrap();
        assert!(html.contains("&lt;script&gt;x") && html.contains("renkei-errors"));
        assert!(html.ends_with("</body></html>"));
    }
}
