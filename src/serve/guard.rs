//! The front door of `renkei serve`: the one place where limits on clients live.
//!
//! tiny_http (a fixed dependency) has no timeouts, no cap on URL or header size, no cap on
//! connections, and its accept thread stops for good at the first accept error (too many open
//! files, say). So renkei listens on the public address itself, and tiny_http only on an internal
//! loopback port that nobody but this guard talks to. For each client the guard reads one request
//! head under hard limits, checks the Host header (against DNS rebinding), forwards the head over
//! a fresh backend connection with `Connection: close` and copies the answer back. One request
//! per client connection: pipelined extra requests are dropped, and no request body is forwarded
//! (the preview only serves GET and HEAD).

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

mod head;

use head::{backend_head, close_head, host_allowed, parse_head, read_head, refusal, HeadRead};

/// Client connections served at once, at most. Beyond the cap the oldest connection still
/// sending its head is closed to make room (slow or idle clients cannot lock others out); when
/// there is none, 503. Threads may number twice the cap: those of closed idle connections that
/// have not noticed yet (where shutting a socket down does not wake a blocked read, their read
/// timeout ends them).
const MAX_CONNECTIONS: usize = 128;
/// The cap never goes below this, however low the open-file limit.
const MIN_CONNECTIONS: usize = 8;
/// Descriptors one connection can hold: its own, and while forwarding one to tiny_http and
/// tiny_http's two for the other end; a closed idle connection's thread may still hold one.
const FDS_PER_CONNECTION: usize = 5;
/// Descriptors left to everything else: listeners, the watcher, files read by a rebuild, and
/// tiny_http's end of live-reload streams whose page has gone (held until their next ping).
const FD_RESERVE: usize = 32 + 2 * super::http::MAX_EVENT_STREAMS;
// macOS's default limit of 256 descriptors still leaves room for a useful number of clients.
const _: () = assert!((256 - FD_RESERVE) / FDS_PER_CONNECTION >= 2 * MIN_CONNECTIONS);
/// Time for a whole request head to arrive, and for each write to a client to make progress.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Sets [`DEFAULT_TIMEOUT`] in milliseconds. For tests, so a slow client is cut off in a second.
const TIMEOUT_VARIABLE: &str = "RENKEI_SERVE_TIMEOUT_MS";
/// Waiting on the internal server: longer than the live-reload pings (every 15 s).
const BACKEND_TIMEOUT: Duration = Duration::from_secs(60);
/// Reading (and dropping) what a client still sends after its answer, so closing does not reset
/// the connection before the client has read the answer.
const LINGER: Duration = Duration::from_secs(2);
/// Accept failing without a break for this long means the listener is gone: serve exits.
const GIVE_UP: Duration = Duration::from_secs(30);
/// Proves to the internal server that a request came through the guard (see [`token`]).
pub(super) const TOKEN_HEADER: &str = "X-Renkei-Guard";

/// What every connection needs to know.
pub(super) struct Ctx {
    /// The internal tiny_http address.
    pub backend: SocketAddr,
    /// The public port: a Host header naming another port is refused.
    pub port: u16,
    pub timeout: Duration,
    pub token: String,
    /// See [`connection_cap`].
    pub cap: usize,
}

/// The connection cap: [`MAX_CONNECTIONS`], or fewer where the open-file limit is low (macOS
/// starts programs with 256). Running out of descriptors is what stops tiny_http for good (its
/// accept thread panics), so the guard never lets clients use them up.
pub(super) fn connection_cap() -> usize {
    match open_file_limit() {
        Some(limit) => (limit.saturating_sub(FD_RESERVE) / FDS_PER_CONNECTION)
            .clamp(MIN_CONNECTIONS, MAX_CONNECTIONS),
        None => MAX_CONNECTIONS,
    }
}

/// The soft limit on open files. std has no getrlimit, and a shell started from here inherits
/// this process's limit, so it reports it. `None` for "unlimited" or when there is no shell.
#[cfg(unix)]
fn open_file_limit() -> Option<usize> {
    let out = std::process::Command::new("sh")
        .args(["-c", "ulimit -n"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

/// Windows has no such small per-process limit on sockets.
#[cfg(not(unix))]
fn open_file_limit() -> Option<usize> {
    None
}

/// The timeout from [`TIMEOUT_VARIABLE`], or [`DEFAULT_TIMEOUT`].
pub(super) fn timeout_from_env() -> Duration {
    std::env::var(TIMEOUT_VARIABLE)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|ms| Duration::from_millis(ms.max(50)))
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// 128 unpredictable bits (std's hasher keys are seeded from the OS's random source). A page
/// that finds the internal port still cannot use it without this.
pub(super) fn token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    for i in 0..2u8 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u8(i);
        h.write_u32(std::process::id());
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

/// The connection counts. A connection is "waiting" until its head is in: only those may be
/// closed to make room.
#[derive(Default)]
struct Book {
    threads: usize,
    slots: usize,
    /// Live-reload streams: long-lived, so they may take only a quarter of the slots.
    streams: usize,
    waiting: HashMap<u64, (Instant, Arc<TcpStream>)>,
    next_id: u64,
}

/// The [`Book`], and word of each connection thread that ends.
#[derive(Default)]
struct Ledger {
    book: Mutex<Book>,
    ended: Condvar,
}

fn lock(ledger: &Ledger) -> MutexGuard<'_, Book> {
    ledger.book.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Debug, PartialEq)]
enum Admit {
    Spawn,
    Evict,
    Refuse,
}

fn admit(slots: usize, threads: usize, evictable: bool, cap: usize) -> Admit {
    if threads >= 2 * cap {
        Admit::Refuse
    } else if slots < cap {
        Admit::Spawn
    } else if evictable {
        Admit::Evict
    } else {
        Admit::Refuse
    }
}

/// One connection's place in the [`Book`], given back when its thread ends.
struct Slot {
    ledger: Arc<Ledger>,
    id: u64,
    busy: bool,
    stream: bool,
}

impl Slot {
    /// The head is in: the connection may no longer be closed to make room. False if it already
    /// was (then the client has been hung up on, and nothing more is written).
    fn start_busy(&mut self) -> bool {
        self.busy = lock(&self.ledger).waiting.remove(&self.id).is_some();
        self.busy
    }

    /// Counts the connection as a live-reload stream, if there is room for one more.
    fn start_stream(&mut self, cap: usize) -> bool {
        let mut book = lock(&self.ledger);
        self.stream = book.streams < (cap / 4).max(1);
        if self.stream {
            book.streams += 1;
        }
        self.stream
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut book = lock(&self.ledger);
        book.threads = book.threads.saturating_sub(1);
        if book.waiting.remove(&self.id).is_some() || self.busy {
            book.slots = book.slots.saturating_sub(1);
        }
        if self.stream {
            book.streams = book.streams.saturating_sub(1);
        }
        drop(book);
        self.ledger.ended.notify_all();
    }
}

/// Accepts clients for as long as the process runs. Accept errors (too many open files, say)
/// are waited out; if accepting keeps failing for [`GIVE_UP`], serve says so and exits with 1
/// rather than run on with nobody listening.
pub(super) fn run(listener: TcpListener, ctx: Ctx) -> ! {
    let ctx = Arc::new(ctx);
    let ledger = Arc::new(Ledger::default());
    let mut failing: Option<Instant> = None;
    let mut warned: Option<Instant> = None;
    let mut pause = Duration::from_millis(10);
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                failing = None;
                pause = Duration::from_millis(10);
                take(stream, &ledger, &ctx);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::ConnectionAborted | ErrorKind::Interrupted
                ) => {}
            Err(e) => {
                let since = *failing.get_or_insert_with(Instant::now);
                if since.elapsed() >= GIVE_UP {
                    eprintln!("renkei: 接続を受け付けられない状態が {} 秒続いたため終了します({e})。もう一度 renkei serve を実行してください。", GIVE_UP.as_secs());
                    std::process::exit(1);
                }
                if warned.is_none_or(|w| w.elapsed() >= Duration::from_secs(10)) {
                    eprintln!("警告: 接続を受け付けられません({e})。少し待ってやり直します。");
                    warned = Some(Instant::now());
                }
                // Out of descriptors, most likely: idle clients give theirs back first, a few
                // at a time, so a client that does send a request can also reach tiny_http
                // (one descriptor here, two there).
                let victims: Vec<_> = {
                    let mut book = lock(&ledger);
                    (0..4).map_while(|_| evict_oldest(&mut book)).collect()
                };
                for victim in victims {
                    let _ = victim.shutdown(Shutdown::Both);
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(1));
            }
        }
    }
}

/// Makes room: the connection that has been sending its head the longest gives up its slot and
/// is to be shut down (which ends its thread's read at once, closing the socket).
fn evict_oldest(book: &mut Book) -> Option<Arc<TcpStream>> {
    let oldest = book
        .waiting
        .iter()
        .min_by_key(|(_, (since, _))| *since)
        .map(|(id, _)| *id)?;
    let (_, victim) = book.waiting.remove(&oldest)?;
    book.slots = book.slots.saturating_sub(1);
    Some(victim)
}

/// Gives a new client a thread, making room or turning it away (503) as the counts say.
fn take(stream: TcpStream, ledger: &Arc<Ledger>, ctx: &Arc<Ctx>) {
    let stream = Arc::new(stream);
    let mut book = lock(ledger);
    let deadline = Instant::now() + Duration::from_millis(250);
    let decision = loop {
        let decision = admit(book.slots, book.threads, !book.waiting.is_empty(), ctx.cap);
        let left = deadline.saturating_duration_since(Instant::now());
        // Threads of closed connections still on their way out (a burst of them, on a busy
        // machine): worth a moment's wait before saying no.
        if decision != Admit::Refuse || book.threads <= book.slots || left.is_zero() {
            break decision;
        }
        book = match ledger.ended.wait_timeout(book, left) {
            Ok((book, _)) => book,
            Err(e) => e.into_inner().0,
        };
    };
    if decision == Admit::Refuse {
        drop(book);
        return turn_away(&stream, ctx.port);
    }
    let victim = if decision == Admit::Evict {
        evict_oldest(&mut book)
    } else {
        None
    };
    book.slots += 1;
    book.threads += 1;
    book.next_id += 1;
    let id = book.next_id;
    book.waiting
        .insert(id, (Instant::now(), Arc::clone(&stream)));
    drop(book);
    if let Some(victim) = victim {
        let _ = victim.shutdown(Shutdown::Both);
    }
    let slot = Slot {
        ledger: Arc::clone(ledger),
        id,
        busy: false,
        stream: false,
    };
    let client = Arc::clone(&stream);
    let shared = Arc::clone(ctx);
    let spawned = std::thread::Builder::new()
        .name("renkei-guard".into())
        .spawn(move || serve_client(&client, slot, &shared));
    if spawned.is_err() {
        turn_away(&stream, ctx.port);
    }
}

/// 503 from the accept loop itself: no thread, a short write to an empty socket buffer.
fn turn_away(stream: &TcpStream, port: u16) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = (&*stream).write_all(&refusal(503, port));
    // Unread request bytes would turn the close into a reset that can hide the 503.
    if stream.set_nonblocking(true).is_ok() {
        let mut buf = [0u8; 4096];
        for _ in 0..16 {
            if !matches!((&*stream).read(&mut buf), Ok(n) if n > 0) {
                break;
            }
        }
    }
}

fn serve_client(client: &TcpStream, mut slot: Slot, ctx: &Ctx) {
    let _ = client.set_nodelay(true);
    let _ = client.set_write_timeout(Some(ctx.timeout));
    let deadline = Instant::now() + ctx.timeout;
    let read = read_head(client, |left| client.set_read_timeout(Some(left)), deadline);
    if !slot.start_busy() {
        return;
    }
    match read {
        HeadRead::Gone => return,
        HeadRead::Refused(status) => send(client, &refusal(status, ctx.port)),
        HeadRead::Complete(bytes) => answer(client, &bytes, &mut slot, ctx),
    }
    linger(client, LINGER.min(ctx.timeout));
}

/// Checks a complete head and forwards it, or refuses it.
fn answer(client: &TcpStream, bytes: &[u8], slot: &mut Slot, ctx: &Ctx) {
    let head = match parse_head(bytes) {
        Ok(head) => head,
        Err(status) => return send(client, &refusal(status, ctx.port)),
    };
    let mut hosts = head
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("host"));
    let status = match (hosts.next(), hosts.next()) {
        (Some((_, host)), None) if host_allowed(host, ctx.port) => None,
        (Some(_), None) => Some(403),
        _ => Some(400),
    };
    let events = head.path() == super::http::EVENTS_PATH.as_bytes();
    let status = status.or_else(|| (events && !slot.start_stream(ctx.cap)).then_some(503));
    match status {
        Some(status) => send(client, &refusal(status, ctx.port)),
        None => forward(client, &backend_head(&head, &ctx.token), slot.stream, ctx),
    }
}

fn send(client: &TcpStream, bytes: &[u8]) {
    let _ = { client }.write_all(bytes);
}

/// Says no more, then reads what the client still sends for a moment (see [`LINGER`]).
fn linger(client: &TcpStream, time: Duration) {
    let _ = client.shutdown(Shutdown::Write);
    let deadline = Instant::now() + time;
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || client.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match { client }.read(&mut buf) {
            Ok(n) if n > 0 => {}
            _ => return,
        }
    }
}

/// A connection to tiny_http. Refused again and again, its listener is gone (its accept thread
/// has stopped): a serve that can answer nothing must not keep running, so it exits with 1.
fn connect_backend(addr: SocketAddr) -> Option<TcpStream> {
    for attempt in 1..=3 {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(5)) {
            Ok(b) => return Some(b),
            Err(e) if e.kind() == ErrorKind::ConnectionRefused && attempt == 3 => {
                eprintln!("renkei: 内部のサーバーが止まりました({e})。終了します。もう一度 renkei serve を実行してください。");
                std::process::exit(1);
            }
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                std::thread::sleep(Duration::from_millis(100))
            }
            Err(_) => return None,
        }
    }
    None
}

/// Sends the head to tiny_http and copies its answer to the client until the internal server
/// closes (the live-reload stream stays open for as long as the page does). A client that stops
/// reading is cut off by the write timeout.
fn forward(client: &TcpStream, head: &[u8], stream: bool, ctx: &Ctx) {
    let Some(backend) = connect_backend(ctx.backend) else {
        return send(client, &refusal(502, ctx.port));
    };
    let _ = backend.set_nodelay(true);
    let _ = backend.set_read_timeout(Some(BACKEND_TIMEOUT));
    let _ = backend.set_write_timeout(Some(BACKEND_TIMEOUT));
    if { &backend }.write_all(head).is_err() {
        return send(client, &refusal(502, ctx.port));
    }
    // The answer's head gets `Connection: close`, so the client does not send another request
    // on a connection about to close.
    let mut buf = vec![0u8; 16 * 1024];
    let mut len = 0;
    let end = loop {
        if let Some(i) = buf[..len].windows(4).position(|w| w == b"\r\n\r\n") {
            break Some(i + 4);
        }
        if len == buf.len() {
            break None;
        }
        match { &backend }.read(&mut buf[len..]) {
            Ok(0) => break None,
            Ok(n) => len += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break None,
        }
    };
    let first = match end {
        Some(end) => [close_head(&buf[..end]), buf[end..len].to_vec()].concat(),
        None if len == 0 => return send(client, &refusal(502, ctx.port)),
        None => buf[..len].to_vec(),
    };
    if { client }.write_all(&first).is_err() {
        return;
    }
    // On a live-reload stream, a look between reads at whether the client has gone: a closed
    // tab frees its slot within a second instead of at the next ping. (Not on other answers: a
    // client may close its sending side and still read.)
    let _ = backend.set_read_timeout(Some(Duration::from_secs(1)));
    let mut heard = Instant::now();
    loop {
        match { &backend }.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                heard = Instant::now();
                if { client }.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if heard.elapsed() >= BACKEND_TIMEOUT || (stream && gone(client)) {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

/// Whether the client has closed its end (unread bytes it sent still count as "there").
fn gone(client: &TcpStream) -> bool {
    if client.set_nonblocking(true).is_err() {
        return false;
    }
    let gone = match client.peek(&mut [0u8; 1]) {
        Ok(n) => n == 0,
        Err(e) => e.kind() != ErrorKind::WouldBlock,
    };
    let _ = client.set_nonblocking(false);
    gone
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admission_makes_room_by_closing_idle_clients_first() {
        let cap = 10;
        assert_eq!(admit(0, 0, false, cap), Admit::Spawn);
        assert_eq!(admit(9, 9, true, cap), Admit::Spawn);
        assert_eq!(admit(10, 10, true, cap), Admit::Evict);
        assert_eq!(admit(10, 10, false, cap), Admit::Refuse);
        assert_eq!(
            admit(0, 20, true, cap),
            Admit::Refuse,
            "threads of closed ones"
        );
    }

    #[test]
    fn the_cap_stays_within_its_bounds() {
        assert!((MIN_CONNECTIONS..=MAX_CONNECTIONS).contains(&connection_cap()));
    }
}
