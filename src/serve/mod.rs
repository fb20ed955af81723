//! `renkei serve`: live preview for office staff.
//!
//! The site is built with the same pipeline as `build`, into memory ([`Memory`]), and served from
//! there with tiny_http. Serving from memory means no request can reach a file outside the site:
//! a path is only ever a key into the built map. A watcher (notify, debounced) rebuilds after
//! each burst of edits; pages get a small script (never in `build` output) that reloads them
//! through Server-Sent Events, and when the new build fails the last good site stays served with
//! an overlay listing every error.
//!
//! tiny_http only listens on an internal loopback port: clients reach it through `guard`,
//! which holds every limit (timeouts, sizes, connections, the Host check).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use notify::{EventKind, PollWatcher, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, new_debouncer_opt, DebounceEventResult, RecommendedCache,
};
use tiny_http::Server;

use crate::config::BaseUrl;
use crate::diagnostics::{Diagnostic, Diagnostics, Failure, Fatal};
use crate::load::LoadOptions;
use crate::pipeline;
use crate::pipeline::output::Memory;

mod guard;
mod http;

pub use http::resolve;

/// What `renkei serve` was asked for.
pub struct ServeOptions {
    pub load: LoadOptions,
    pub bind: IpAddr,
    pub port: u16,
    pub poll: bool,
    pub open: bool,
}

/// The site being served: the last good build and the errors of the latest attempt.
pub(crate) struct State {
    pub(crate) files: Arc<Files>,
    pub(crate) errors: Arc<Vec<Diagnostic>>,
    pub(crate) version: u64,
    pub(crate) prefix: String,
}

pub(crate) struct Shared {
    pub(crate) state: RwLock<State>,
    pub(crate) changed: (Mutex<u64>, Condvar),
    pub(crate) streams: AtomicUsize,
    /// Sent by the guard with every request it forwards; tiny_http refuses requests without it.
    pub(crate) token: String,
}

/// Output files by path. Bodies are shared, so an update copies the map, not the pages.
pub(crate) type Files = HashMap<String, Arc<Vec<u8>>>;

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
        Err(Failure::Fatal(Fatal::At(d))) => Err(vec![*d]),
        Err(Failure::Fatal(Fatal::Message(m))) => Err(vec![Diagnostic::error(
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
/// full pipeline is needed (see [`crate::render::incremental`]).
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
        let ctx = crate::records::meta::LoadCtx {
            config: &site.config,
            profile: opts.profile,
            statics: &site.statics,
            build_date: opts.build_date,
            curriculum: &site.curriculum,
            theme_ids: &site.theme_ids,
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
        // A template error here is found again, and reported, by the full build that follows.
        let ignored = Diagnostics::new();
        // Serve the edited page at once; open pages reload when everything is in place.
        let first = |own: Memory| {
            let own = share(own.into_files());
            let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
            let mut files = (*state.files).clone();
            files.extend(own);
            state.files = Arc::new(files);
        };
        match crate::render::incremental::apply(site, theme, record, &sink, &first, &ignored) {
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

/// Binds the public address, with the staff's wording for a taken port.
fn bind(addr: SocketAddr) -> Result<TcpListener, Fatal> {
    TcpListener::bind(addr).map_err(|e| {
        Fatal::Message(if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "ポート {} は使用中です。--port {} のように別の番号を指定してください",
                addr.port(),
                addr.port().saturating_add(1)
            )
        } else {
            format!("{addr} で待ち受けできません: {e}")
        })
    })
}

/// Runs the server until the process is interrupted (or its listener fails for good: then it
/// exits with code 1).
pub fn serve(opts: ServeOptions) -> Result<(), Fatal> {
    let addr = SocketAddr::new(opts.bind, opts.port);
    // A taken port is reported before the build. The port is bound for real once everything is
    // ready, so that a connection that succeeds means a server that answers and a watcher that
    // sees edits.
    drop(bind(addr)?);
    // Without a site there is nothing to preview or watch; say so as build does.
    crate::load::require_site(&opts.load.root)?;
    if !opts.bind.is_loopback() {
        eprintln!("警告: {} で待ち受けます。同じネットワークの他の端末からも見えます(確認用のサーバーです。公開には使わないでください)。", opts.bind);
    }
    let (files, errors, prefix, built) = match build(&opts.load) {
        Ok((files, prefix, built)) => (files, Vec::new(), prefix, Some(built)),
        Err(errors) => {
            for d in &errors {
                eprintln!("{d}");
            }
            // Without a site.yaml that reads, the sub-path is unknown; "/" redirects to it
            // once a build succeeds.
            let prefix = match &opts.load.base_url {
                BaseUrl::Given(b) => crate::site::url::Urls::new(b.as_str()).ok(),
                BaseUrl::Site | BaseUrl::Preview(_) => None,
            }
            .map_or_else(|| "/".into(), |u| u.prefix().to_string());
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
        token: guard::token(),
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
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
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

    let listener = bind(addr)?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(opts.port);
    let inner = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("内部のサーバーを起動できません: {e}"))?;
    let backend = inner
        .local_addr()
        .map_err(|e| format!("内部のサーバーを起動できません: {e}"))?;
    let server = Server::from_listener(inner, None)
        .map_err(|e| format!("内部のサーバーを起動できません: {e}"))?;
    // Nothing is written to disk while serving, so stopping needs no clean-up beyond saying so.
    // (With ctrlc's `termination` feature, SIGTERM and SIGHUP end serve the same way.)
    let _ = ctrlc::set_handler(|| {
        eprintln!("終了しました。");
        std::process::exit(0);
    });
    let server = Arc::new(server);
    let url = format!("{}{prefix}", preview_origin(opts.bind, port));
    println!("{url} で表示しています。Ctrl+C で終了します。content/ と themes/ の変更は自動で反映されます。");
    if opts.open {
        open_in_browser(&url);
    }
    for _ in 0..8 {
        let server = Arc::clone(&server);
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("renkei-http".into())
            .spawn(move || loop {
                match server.recv() {
                    Ok(request) => http::handle(request, &shared),
                    // tiny_http's accept thread has stopped: nothing would be served any more.
                    Err(e) => {
                        eprintln!("renkei: 内部のサーバーが止まりました({e})。終了します。もう一度 renkei serve を実行してください。");
                        std::process::exit(1);
                    }
                }
            })
            .map_err(|e| format!("スレッドを起動できません: {e}"))?;
    }
    guard::run(
        listener,
        guard::Ctx {
            backend,
            port,
            timeout: guard::timeout_from_env(),
            token: shared.token.clone(),
            cap: guard::connection_cap(),
        },
    )
}

/// Opens `url` in the default browser. A failure is not an error: the URL is printed anyway.
fn open_in_browser(url: &str) {
    if opener::open_browser(url).is_err() {
        eprintln!("ブラウザを開けませんでした。上の URL を開いてください。");
    }
}

/// `http://127.0.0.1:8000` or `http://[::1]:8000`: where the preview is reached, for the URL
/// serve prints and for the base_url the preview is built with (one function, so the two never
/// disagree). A wildcard bind is shown as the loopback address, which always works locally.
pub fn preview_origin(bind: std::net::IpAddr, port: u16) -> String {
    let host = if bind.is_unspecified() {
        Ipv4Addr::LOCALHOST.into()
    } else {
        bind
    };
    // A SocketAddr prints an IPv6 address in brackets, as a URL needs.
    format!("http://{}", SocketAddr::new(host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_origins_are_urls() {
        let v6: std::net::IpAddr = "::1".parse().unwrap();
        assert_eq!(preview_origin(v6, 8000), "http://[::1]:8000");
        let any: std::net::IpAddr = "0.0.0.0".parse().unwrap();
        assert_eq!(preview_origin(any, 8000), "http://127.0.0.1:8000");
        let lan: std::net::IpAddr = "192.168.1.5".parse().unwrap();
        assert_eq!(preview_origin(lan, 80), "http://192.168.1.5:80");
    }
}
