//! `renkei serve`: live preview for office staff.
//!
//! The site is built with the same pipeline as `build`, into memory ([`Memory`]), and served from
//! there with tiny_http. Serving from memory means no request can reach a file outside the site:
//! a path is only ever a key into the built map. A watcher (notify, debounced) rebuilds after
//! each burst of edits; pages get a small script (never in `build` output) that reloads them
//! through Server-Sent Events, and when the new build fails the last good site stays served with
//! an overlay listing every error.

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, PollWatcher, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, new_debouncer_opt, DebounceEventResult, RecommendedCache,
};
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::LoadOptions;
use crate::output::Memory;
use crate::pipeline::{self, Failure};

/// Live-reload connections held open at most; more clients fall back to polling.
const MAX_EVENT_STREAMS: usize = 32;
const EVENTS_PATH: &str = "/__renkei/events";
const VERSION_PATH: &str = "/__renkei/version";

/// What `renkei serve` was asked for.
pub struct ServeOptions {
    pub load: LoadOptions,
    pub bind: IpAddr,
    pub port: u16,
    pub poll: bool,
    pub open: bool,
}

/// The site being served: the last good build and the errors of the latest attempt.
struct State {
    files: Arc<Files>,
    errors: Arc<Vec<Diagnostic>>,
    version: u64,
    prefix: String,
}

struct Shared {
    state: RwLock<State>,
    changed: (Mutex<u64>, Condvar),
    streams: AtomicUsize,
}

/// Output files by path. Bodies are shared, so an update copies the map, not the pages.
type Files = HashMap<String, Arc<Vec<u8>>>;

/// The last good build, kept to re-render single pages after an edit.
type Built = (crate::site::Site, crate::theme::Theme);

fn share(files: HashMap<String, Vec<u8>>) -> Files {
    files.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()
}

/// Builds the site into memory. `Err` carries the diagnostics (or a fatal message as one).
fn build(opts: &LoadOptions) -> Result<(Files, String, Built), Vec<Diagnostic>> {
    let diags = Diagnostics::new();
    let sink = Memory::default();
    match pipeline::run(opts, &diags, &sink) {
        Ok((site, theme)) => {
            let prefix = site.config.urls.prefix().to_string();
            // Warnings are shown in the terminal only.
            for d in diags.sorted() {
                eprintln!("{d}");
            }
            Ok((share(sink.into_files()), prefix, (site, theme)))
        }
        Err(Failure::Content) => Err(diags.sorted()),
        Err(Failure::Fatal(m)) => Err(vec![Diagnostic::error(
            "renkei",
            Default::default(),
            None,
            m,
        )]),
    }
}

/// Publishes a new state and wakes the live-reload streams.
fn publish(shared: &Shared, update: impl FnOnce(&mut State)) {
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    update(&mut state);
    state.version += 1;
    let version = state.version;
    drop(state);
    let (lock, cvar) = &shared.changed;
    if let Ok(mut v) = lock.lock() {
        *v = version;
    }
    cvar.notify_all();
}

fn report_errors(shared: &Shared, errors: Vec<Diagnostic>) {
    for d in &errors {
        eprintln!("{d}");
    }
    eprintln!(
        "エラー {} 件。直前の正しいサイトを表示したまま、ブラウザに一覧を出しています。",
        errors.len()
    );
    publish(shared, |s| s.errors = Arc::new(errors));
}

/// A full rebuild through the pipeline.
fn rebuild(shared: &Shared, opts: &LoadOptions, built: &mut Option<Built>) {
    let started = std::time::Instant::now();
    match build(opts) {
        Ok((files, prefix, new)) => {
            eprintln!(
                "更新しました(全体 {} ファイル、{:.0} ms)",
                files.len(),
                started.elapsed().as_secs_f64() * 1000.0
            );
            *built = Some(new);
            publish(shared, |s| {
                s.files = Arc::new(files);
                s.errors = Arc::new(Vec::new());
                s.prefix = prefix;
            });
        }
        Err(errors) => {
            *built = None;
            report_errors(shared, errors);
        }
    }
}

/// Tries to apply edits to existing record files without a full rebuild. Returns false when the
/// full pipeline is needed (see [`crate::incremental`]).
fn update(
    shared: &Shared,
    opts: &LoadOptions,
    built: &mut Option<Built>,
    paths: &[PathBuf],
) -> bool {
    let started = std::time::Instant::now();
    let Some((site, theme)) = built.as_mut() else {
        return false;
    };
    if !shared
        .state
        .read()
        .map(|s| s.errors.is_empty())
        .unwrap_or(false)
    {
        return false;
    }
    let mut sources = Vec::new();
    for p in paths {
        match crate::load::source_file(&opts.root, p) {
            Some(src) if p.is_file() => sources.push(src),
            _ => return false,
        }
    }
    let sink = Memory::default();
    let mut rendered = 0;
    for src in &sources {
        let ctx = crate::record::LoadCtx {
            config: &site.config,
            profile: opts.profile,
            statics: &site.statics,
            build_date: opts.build_date,
        };
        let (record, diags) = crate::load::read_one(src, &ctx);
        let errors: Vec<Diagnostic> = diags
            .iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .cloned()
            .collect();
        if !errors.is_empty() {
            report_errors(shared, errors);
            *built = None; // the next change rebuilds everything, clearing the overlay correctly
            return true;
        }
        let Some((record, draft)) = record else {
            return false;
        };
        if draft && !opts.drafts {
            return false;
        }
        // Serve the edited page at once; open pages reload when everything is in place.
        let first = |own: Memory| {
            let own = share(own.into_files());
            let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
            let mut files = (*state.files).clone();
            files.extend(own);
            state.files = Arc::new(files);
        };
        match crate::incremental::apply(site, theme, src.collection, record, &sink, &first) {
            Ok(Some(n)) => rendered += n,
            _ => return false,
        }
    }
    let changed = share(sink.into_files());
    let count = changed.len();
    publish(shared, |s| {
        let mut files = (*s.files).clone();
        files.extend(changed);
        s.files = Arc::new(files);
    });
    eprintln!(
        "更新しました({rendered} ページ、{count} ファイル、{:.0} ms)",
        started.elapsed().as_secs_f64() * 1000.0
    );
    true
}

/// Editor droppings that must not trigger a rebuild (vim's 4913, swap and backup files).
fn is_noise(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Runs the server until the process is interrupted.
pub fn serve(opts: ServeOptions) -> Result<(), String> {
    let addr = SocketAddr::new(opts.bind, opts.port);
    if let Err(e) = TcpListener::bind(addr) {
        return Err(if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "ポート {} は使用中です。--port {} のように別の番号を指定してください",
                opts.port,
                opts.port.saturating_add(1)
            )
        } else {
            format!("{addr} で待ち受けできません: {e}")
        });
    }
    if !opts.bind.is_loopback() {
        eprintln!("警告: {} で待ち受けます。同じネットワークの他の端末からも見えます(確認用のサーバーです。公開には使わないでください)。", opts.bind);
    }
    let (files, errors, prefix, built) = match build(&opts.load) {
        Ok((files, prefix, built)) => (files, Vec::new(), prefix, Some(built)),
        Err(errors) => {
            for d in &errors {
                eprintln!("{d}");
            }
            let prefix = opts
                .load
                .base_url
                .as_deref()
                .and_then(|b| crate::url::Urls::new(b).ok())
                .map(|u| u.prefix().to_string())
                .unwrap_or_else(|| "/".into());
            (HashMap::new(), errors, prefix, None)
        }
    };
    let shared = Arc::new(Shared {
        state: RwLock::new(State {
            files: Arc::new(files),
            errors: Arc::new(errors),
            version: 1,
            prefix: prefix.clone(),
        }),
        changed: (Mutex::new(1), Condvar::new()),
        streams: AtomicUsize::new(0),
    });

    // Watch content/ and themes/; one rebuild per burst of events.
    let watch_opts = opts.load.clone();
    let watch_shared = Arc::clone(&shared);
    let built = Mutex::new(built);
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // Reading files (the build itself) raises access events; only changes count.
        let mut paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.paths.iter().cloned())
            .filter(|p| !is_noise(p))
            .collect();
        if paths.is_empty() {
            return;
        }
        paths.sort();
        paths.dedup();
        let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
        if !update(&watch_shared, &watch_opts, &mut built, &paths) {
            rebuild(&watch_shared, &watch_opts, &mut built);
        }
    };
    let root = opts.load.root.clone();
    let dirs: Vec<PathBuf> = ["content", "themes"]
        .iter()
        .map(|d| root.join(d))
        .filter(|d| d.is_dir())
        .collect();
    // Short enough for the edited page to be new within a tenth of a second; editors' atomic
    // saves (write, rename) arrive well inside it and still make one update.
    let debounce = Duration::from_millis(40);
    let _watcher: Box<dyn std::any::Any> = if opts.poll {
        let config = notify_debouncer_full::notify::Config::default()
            .with_poll_interval(Duration::from_millis(500));
        let mut d = new_debouncer_opt::<_, PollWatcher, RecommendedCache>(
            debounce,
            None,
            handler,
            RecommendedCache::new(),
            config,
        )
        .map_err(|e| format!("ファイルの監視を始められません: {e}"))?;
        for dir in &dirs {
            d.watch(dir, RecursiveMode::Recursive)
                .map_err(|e| format!("{} を監視できません: {e}", dir.display()))?;
        }
        Box::new(d)
    } else {
        let mut d = new_debouncer(debounce, None, handler)
            .map_err(|e| format!("ファイルの監視を始められません: {e}(--poll を試してください)"))?;
        for dir in &dirs {
            d.watch(dir, RecursiveMode::Recursive)
                .map_err(|e| format!("{} を監視できません: {e}", dir.display()))?;
        }
        Box::new(d)
    };

    let server = Server::http(addr).map_err(|e| format!("{addr} で待ち受けできません: {e}"))?;
    let server = Arc::new(server);
    let url = format!(
        "http://{}:{}{}",
        if opts.bind.is_unspecified() {
            "127.0.0.1".to_string()
        } else {
            opts.bind.to_string()
        },
        opts.port,
        prefix
    );
    println!("{url} で表示しています。Ctrl+C で終了します。content/ と themes/ の変更は自動で反映されます。");
    if opts.open {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        let _ = std::process::Command::new(opener).arg(&url).spawn();
    }
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let server = Arc::clone(&server);
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    handle(request, &shared);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Renkei"[..], &b"1"[..]).expect("static header"))
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
    let mut response = Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", ctype))
        .with_header(header("Cache-Control", "no-store"));
    for (k, v) in extra {
        response = response.with_header(header(k, v));
    }
    let _ = request.respond(response);
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

fn handle(request: Request, shared: &Arc<Shared>) {
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
    let shared = Arc::clone(shared);
    std::thread::spawn(move || {
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
