//! The preview server's front door: the limits tiny_http does not have.
//!
//! tiny_http reads a request head with no deadline and no size cap, and
//! gives every connection a thread of its own (tiny-http#56, #221), so a
//! client that opens connections and sends nothing, or drips a head one
//! byte at a time, could hold the preview's threads forever. The gate
//! accepts connections itself and, for each one:
//!
//! - refuses it with `503` (and `Retry-After`) when [`Limits::max_connections`]
//!   are already open;
//! - reads the request head with one deadline for the whole head
//!   ([`Limits::head_timeout`], `408` after it) and a size cap
//!   ([`MAX_HEAD`], `431` beyond it);
//! - hands the head to tiny_http over a private socket, marked
//!   `Connection: close`, and copies the answer back.
//!
//! One request per connection: an idle keep-alive connection never holds a
//! thread, and a loopback connection costs the browser next to nothing.
//! The head is passed on unchanged otherwise, so [`super::policy`] still
//! checks everything in it.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::policy::{MAX_HEADER_BYTES, MAX_TARGET};

/// Longest request head passed on: the longest request line and header
/// block that [`super::policy`] accepts, with room for line ends.
pub const MAX_HEAD: usize = MAX_TARGET + MAX_HEADER_BYTES + 1024;

/// How long writing an answer to a client may stall before the connection
/// is dropped (a client that stops reading must not hold a thread).
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// What the gate lets through.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections open at once (live-reload streams included).
    pub max_connections: usize,
    /// Time a client has to send its whole request head.
    pub head_timeout: Duration,
}

/// Where tiny_http listens, reachable only through the gate.
pub enum Upstream {
    /// A socket in folio's private temp folder.
    #[cfg(unix)]
    Unix(std::path::PathBuf),
    /// A loopback port (where a socket file cannot be made).
    Tcp(SocketAddr),
}

/// A connection to the upstream, whichever kind.
trait Duplex: Read + Write + Send {
    fn shutdown_write(&self) -> io::Result<()>;
}

impl Duplex for TcpStream {
    fn shutdown_write(&self) -> io::Result<()> {
        self.shutdown(Shutdown::Write)
    }
}

#[cfg(unix)]
impl Duplex for std::os::unix::net::UnixStream {
    fn shutdown_write(&self) -> io::Result<()> {
        self.shutdown(Shutdown::Write)
    }
}

impl Upstream {
    /// Makes tiny_http's private listener: a socket file in `dir`, else a
    /// loopback port.
    pub fn listen(dir: &Path) -> io::Result<(Upstream, tiny_http::Server)> {
        let server = |l: tiny_http::Listener| {
            tiny_http::Server::from_listener(l, None).map_err(io::Error::other)
        };
        #[cfg(unix)]
        {
            let path = dir.join("http.sock");
            let _ = std::fs::remove_file(&path);
            if let Ok(l) = std::os::unix::net::UnixListener::bind(&path) {
                return Ok((Upstream::Unix(path), server(l.into())?));
            }
        }
        let _ = dir;
        let l = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))?;
        let addr = l.local_addr()?;
        Ok((Upstream::Tcp(addr), server(l.into())?))
    }

    fn connect(&self) -> io::Result<Box<dyn Duplex>> {
        Ok(match self {
            #[cfg(unix)]
            Upstream::Unix(path) => Box::new(std::os::unix::net::UnixStream::connect(path)?),
            Upstream::Tcp(addr) => Box::new(TcpStream::connect(addr)?),
        })
    }
}

/// Accepts connections on `listener` for as long as it is open, each on a
/// thread of its own while it lasts.
pub fn run(listener: TcpListener, upstream: Upstream, limits: Limits) {
    let upstream = Arc::new(upstream);
    let open = Arc::new(AtomicUsize::new(0));
    for client in listener.incoming() {
        let Ok(client) = client else {
            // Out of file descriptors, say: wait for some to close rather
            // than spin on a failing accept.
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        if open.fetch_add(1, Ordering::AcqRel) >= limits.max_connections {
            open.fetch_sub(1, Ordering::AcqRel);
            refuse(
                client,
                "503 Service Unavailable",
                "Too many connections; try again shortly",
            );
            continue;
        }
        let ticket = Ticket(open.clone());
        let upstream = upstream.clone();
        // Should the thread not start, the closure is dropped with the
        // connection (closed) and the ticket (counted back).
        let _ = std::thread::Builder::new()
            .name("folio-gate".into())
            .stack_size(128 * 1024)
            .spawn(move || {
                let _ticket = ticket;
                let _ = relay(client, &upstream, limits);
            });
    }
}

/// One open connection, counted until dropped.
struct Ticket(Arc<AtomicUsize>);

impl Drop for Ticket {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Reads one request head from `client`, passes it to tiny_http and copies
/// the answer back.
fn relay(mut client: TcpStream, upstream: &Upstream, limits: Limits) -> io::Result<()> {
    client.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let head = match read_head(&mut client, Instant::now() + limits.head_timeout) {
        Head::Complete(head) => head,
        Head::Closed => return Ok(()),
        Head::TimedOut => {
            refuse(
                client,
                "408 Request Timeout",
                "The request took too long to arrive",
            );
            return Ok(());
        }
        Head::TooLarge => {
            refuse(
                client,
                "431 Request Header Fields Too Large",
                "Request header fields too large",
            );
            return Ok(());
        }
    };
    client.set_read_timeout(None)?;
    let mut inner = match upstream.connect() {
        Ok(inner) => inner,
        Err(e) => {
            refuse(
                client,
                "503 Service Unavailable",
                "The preview is not answering; try again shortly",
            );
            return Err(e);
        }
    };
    inner.write_all(&one_request(&head))?;
    // No body is passed on (only GET and HEAD are answered): tiny_http sees
    // the end of the request instead of waiting for one.
    inner.shutdown_write()?;
    let copied = io::copy(&mut inner, &mut client);
    let _ = client.shutdown(Shutdown::Both);
    copied.map(|_| ())
}

/// The outcome of reading a request head.
#[derive(Debug, PartialEq, Eq)]
enum Head {
    /// The head, up to and including its blank line.
    Complete(Vec<u8>),
    /// The client closed the connection (or it failed) first.
    Closed,
    /// The deadline passed first.
    TimedOut,
    /// More than [`MAX_HEAD`] bytes came without a blank line.
    TooLarge,
}

/// Reads until the blank line that ends a head, giving the whole head one
/// deadline (a client dripping a byte at a time does not reset it).
fn read_head(client: &mut impl TimedRead, deadline: Instant) -> Head {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Head::TimedOut;
        }
        let n = match client.read_within(&mut chunk, left) {
            Ok(0) => return Head::Closed,
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Head::TimedOut
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Head::Closed,
        };
        let searched = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = head_end(&buf, searched) {
            buf.truncate(end);
            return Head::Complete(buf);
        }
        if buf.len() > MAX_HEAD {
            return Head::TooLarge;
        }
    }
}

/// A stream whose reads can be given a time limit.
trait TimedRead {
    fn read_within(&mut self, buf: &mut [u8], limit: Duration) -> io::Result<usize>;
}

impl TimedRead for TcpStream {
    fn read_within(&mut self, buf: &mut [u8], limit: Duration) -> io::Result<usize> {
        self.set_read_timeout(Some(limit))?;
        self.read(buf)
    }
}

/// The end of the head (just past its blank line), searching from `from`.
/// Bare `\n` line ends are accepted like `\r\n`.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(nl) = memchr::memchr(b'\n', &buf[i..]) {
        let at = i + nl;
        let rest = &buf[at + 1..];
        if rest.starts_with(b"\n") {
            return Some(at + 2);
        }
        if rest.starts_with(b"\r\n") {
            return Some(at + 3);
        }
        i = at + 1;
    }
    None
}

/// The head with its `Connection` fields replaced by `Connection: close`,
/// so tiny_http answers this one request and closes.
///
/// tiny_http closes the connection without a word on a head with a byte
/// past ASCII. So the request line's are percent-encoded, as a browser
/// sends them (`curl http://127.0.0.1:1111/café/` finds the page), and a
/// field with one is left out: folio reads no such field, and a cookie
/// another program on 127.0.0.1 set with an accented value (browsers
/// send cookies to every port of a host) made every page of the preview
/// come back empty.
fn one_request(head: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len() + 20);
    let mut dropping = false;
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    if let Some(request_line) = lines.next() {
        for &b in request_line {
            if b.is_ascii() {
                out.push(b);
            } else {
                out.extend_from_slice(format!("%{b:02X}").as_bytes());
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    let fields = lines.filter(|l| !l.is_empty()).collect::<Vec<_>>();
    for (i, line) in fields.iter().enumerate() {
        // A line starting with white space continues the field before it.
        if !line.starts_with(b" ") && !line.starts_with(b"\t") {
            let mut folded = fields[i + 1..]
                .iter()
                .take_while(|l| l.starts_with(b" ") || l.starts_with(b"\t"));
            dropping = line.len() >= 11 && line[..11].eq_ignore_ascii_case(b"connection:")
                || !line.is_ascii()
                || folded.any(|l| !l.is_ascii());
        }
        if !dropping {
            out.extend_from_slice(line);
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out
}

/// Answers with a short plain-text error and closes, without waiting long
/// for a client that does not read.
fn refuse(mut client: TcpStream, status: &str, message: &str) {
    let _ = client.set_write_timeout(Some(Duration::from_secs(1)));
    let body = format!("{message}\n");
    let retry = if status.starts_with("503") {
        "Retry-After: 1\r\n"
    } else {
        ""
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\n{retry}Cache-Control: no-cache\r\n\
         X-Content-Type-Options: nosniff\r\nCross-Origin-Resource-Policy: same-origin\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = client.write_all(response.as_bytes());
    let _ = client.shutdown(Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunks handed out one read at a time; `None` is a read that times out.
    struct Script(std::collections::VecDeque<Option<Vec<u8>>>);

    impl TimedRead for Script {
        fn read_within(&mut self, buf: &mut [u8], _: Duration) -> io::Result<usize> {
            match self.0.pop_front() {
                None => Ok(0),
                Some(None) => Err(io::ErrorKind::WouldBlock.into()),
                Some(Some(chunk)) => {
                    buf[..chunk.len()].copy_from_slice(&chunk);
                    Ok(chunk.len())
                }
            }
        }
    }

    fn read(chunks: &[Option<&str>]) -> Head {
        let script = chunks.iter().map(|c| c.map(|s| s.as_bytes().to_vec()));
        read_head(
            &mut Script(script.collect()),
            Instant::now() + Duration::from_secs(60),
        )
    }

    #[test]
    fn a_head_is_read_across_chunks_up_to_its_blank_line() {
        let head = |s: &str| Head::Complete(s.as_bytes().to_vec());
        assert_eq!(
            read(&[Some("GET / HTTP/1.1\r\nHost: a\r\n\r\nextra")]),
            head("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        );
        // The blank line split between reads, in every place.
        for cut in 1..6 {
            let whole = "GET / HTTP/1.1\r\n\r\n";
            let at = whole.len() - cut;
            assert_eq!(
                read(&[Some(&whole[..at]), Some(&whole[at..])]),
                head(whole),
                "{cut}"
            );
        }
        assert_eq!(
            read(&[Some("GET / HTTP/1.0\n\n")]),
            head("GET / HTTP/1.0\n\n")
        );
    }

    #[test]
    fn slow_closed_and_oversized_heads_are_refused() {
        assert_eq!(read(&[Some("GET / HTTP/1.1\r\n"), None]), Head::TimedOut);
        assert_eq!(read(&[Some("GET / HTTP/1.1\r\n")]), Head::Closed);
        assert_eq!(read(&[]), Head::Closed);
        let big = "X-A: b\r\n".repeat(MAX_HEAD / 8 / 16 + 1);
        let chunks: Vec<Option<&str>> = std::iter::once(Some("GET / HTTP/1.1\r\n"))
            .chain(std::iter::repeat_n(Some(big.as_str()), 16))
            .collect();
        assert_eq!(read(&chunks), Head::TooLarge);
        // A deadline already passed.
        let mut script = Script(vec![Some(b"GET".to_vec())].into());
        assert_eq!(read_head(&mut script, Instant::now()), Head::TimedOut);
    }

    #[test]
    fn the_head_asks_for_one_request_and_keeps_everything_else() {
        let out = one_request(
            b"GET /a?b HTTP/1.1\r\nHost: x\r\nconnection: keep-alive\r\nCONNECTION:\r\n  upgrade\r\nX-Connection: y\r\nOrigin: http://x\r\n\r\n",
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "GET /a?b HTTP/1.1\r\nHost: x\r\nX-Connection: y\r\nOrigin: http://x\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(
            one_request(b"GET / HTTP/1.0\n\n"),
            b"GET / HTTP/1.0\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn bytes_past_ascii_are_encoded_in_the_target_and_their_fields_left_out() {
        let out = one_request(
            "GET /café?q=é HTTP/1.1\r\nHost: x\r\nCookie: name=José\r\nX-Folded: a\r\n b\u{e9}\r\n\tc\r\nOrigin: o\r\n\r\n"
                .as_bytes(),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "GET /caf%C3%A9?q=%C3%A9 HTTP/1.1\r\nHost: x\r\nOrigin: o\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(
            one_request(b"GET /\xff HTTP/1.1\r\nCookie: \xff\r\n\r\n"),
            b"GET /%FF HTTP/1.1\r\nConnection: close\r\n\r\n"
        );
    }
}
