//! `folio serve` tested from the outside: the real binary on port 0, raw
//! HTTP over TCP, files edited on disk, events read from the SSE stream.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running `folio serve` on a copy of a site; stopped with Ctrl-C on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    pub root: PathBuf,
    _tmp: tempfile::TempDir,
    pub log: mpsc::Receiver<String>,
    /// What serve printed before its address (the first build's report).
    pub preamble: Vec<String>,
}

impl Server {
    /// Copies `site` (content/, images/, folio.toml, themes/ when asked) and serves it.
    pub fn start(site: &Path, with_theme: bool) -> Server {
        Server::start_with(site, with_theme, &[])
    }

    /// [`Server::start`] with more flags for `folio serve`.
    pub fn start_with(site: &Path, with_theme: bool, flags: &[&str]) -> Server {
        Server::launch(site, with_theme, flags, false)
    }

    /// [`Server::start`], but run as an author would: from inside the site
    /// folder, with no `--root`.
    pub fn start_inside(site: &Path) -> Server {
        Server::launch(site, false, &[], true)
    }

    fn launch(site: &Path, with_theme: bool, flags: &[&str], inside: bool) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let mut dirs = vec!["content", "images", "static", "templates"];
        if with_theme {
            dirs.push("themes");
        }
        for dir in dirs {
            if site.join(dir).is_dir() {
                copy_dir(&site.join(dir), &root.join(dir));
            }
        }
        if site.join("folio.toml").is_file() {
            fs::copy(site.join("folio.toml"), root.join("folio.toml")).unwrap();
        }
        let mut command = Command::new(env!("CARGO_BIN_EXE_folio"));
        command.args(["serve", "--port", "0"]);
        if inside {
            command.current_dir(&root);
        } else {
            command.arg("--root").arg(&root);
        }
        let mut child = command
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("folio serve starts");
        let (tx, rx) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut preamble = Vec::new();
        let port = loop {
            let line = rx
                .recv_timeout(deadline - Instant::now())
                .expect("serve prints its address");
            if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
            preamble.push(line);
        };
        Server {
            child,
            port,
            root,
            _tmp: tmp,
            log: rx,
            preamble,
        }
    }

    /// Sends a raw request and returns (status, head, body).
    pub fn request(&self, raw: &str) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(raw.as_bytes()).unwrap();
        let mut buf = Vec::new();
        let _ = stream.read_to_end(&mut buf);
        let split = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(buf.len(), |i| i + 4);
        let head = String::from_utf8_lossy(&buf[..split]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, head, buf[split..].to_vec())
    }

    /// GET with a proper Host header.
    pub fn get(&self, path: &str) -> (u16, String, String) {
        let (s, h, b) = self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        ));
        (s, h, String::from_utf8_lossy(&b).into_owned())
    }

    /// Opens the event stream and returns a reader of its frames.
    pub fn events(&self) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .write_all(
                format!(
                    "GET /__folio/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
                    self.port
                )
                .as_bytes(),
            )
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = stream.try_clone().unwrap();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(reader);
            let mut frame = String::new();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                if line == "\n" || line == "\r\n" {
                    if tx.send(std::mem::take(&mut frame)).is_err() {
                        break;
                    }
                } else {
                    frame.push_str(&line);
                }
                line.clear();
            }
        });
        Events {
            rx,
            _stream: stream,
        }
    }

    /// Waits for a log line containing `needle`.
    pub fn wait_log(&self, needle: &str) -> String {
        self.log_until(needle).pop().unwrap()
    }

    /// Waits for a log line containing `needle`; returns every line
    /// printed from the last call up to it.
    pub fn log_until(&self, needle: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut lines = Vec::new();
        loop {
            match self
                .log
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(line) => {
                    let found = line.contains(needle);
                    lines.push(line);
                    if found {
                        return lines;
                    }
                }
                Err(_) => panic!("no log line with `{needle}` in {lines:#?}"),
            }
        }
    }

    /// Stops with SIGINT (Ctrl-C) and returns the exit code.
    pub fn interrupt(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.interrupt();
            let _ = self.child.kill();
        }
    }
}

/// Frames read from an event stream.
pub struct Events {
    rx: mpsc::Receiver<String>,
    _stream: TcpStream,
}

impl Events {
    /// Waits for a frame of the named event and returns its data line.
    pub fn wait(&self, event: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let frame = self
                .rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no `{event}` event"));
            if frame.contains(&format!("event: {event}\n")) {
                return frame
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .unwrap_or("")
                    .to_string();
            }
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
