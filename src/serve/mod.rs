//! `folio serve`: build, serve on 127.0.0.1, rebuild on save, reload the
//! browser.
//!
//! Uses the pipeline (through [`crate::build::Project`]) and never the
//! other way round. Threads: the [`gate`] in front of tiny_http (one per
//! open connection, capped), a few HTTP workers, one heartbeat for the event
//! streams, the file watcher, and the main loop that applies changes one
//! batch at a time. The site is served from a private folder of folio's
//! own, in memory when the system has room there (see [`preview_base`]),
//! so `public/` is never touched.

pub mod gate;
pub mod http;
pub mod live;
pub mod path;
pub mod policy;
pub mod session;
pub mod watch;

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::build::{BuildFailure, BuildOptions};
use crate::diagnostic::Diagnostic;
use live::{Broadcaster, LiveEvent};
use session::{Outcome, Session};

/// Port tried first.
pub const DEFAULT_PORT: u16 = 1111;
/// Threads answering requests.
const WORKERS: usize = 4;
/// Quiet time after the last file event before rebuilding.
const DEBOUNCE: Duration = Duration::from_millis(25);
/// Comment sent to every event stream so proxies and browsers keep it open.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Free space a folder in memory needs to be chosen for the preview: a
/// container's `/dev/shm` is often 64 MiB, and the preview of a
/// 10,000-page handbook in the default theme takes ~220 MB.
const MEMORY_FOLDER_MIN_FREE: u64 = 1 << 30;

/// Options of `folio serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root.
    pub root: PathBuf,
    /// Include drafts.
    pub drafts: bool,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port: `None` for 1111 or the next free one; `Some(0)` for any.
    pub port: Option<u16>,
    /// Open the browser once serving.
    pub open: bool,
    /// Extra `Host` names to answer to.
    pub allowed_hosts: Vec<String>,
    /// Most live-reload streams at once.
    pub max_streams: usize,
    /// Connections at once and the time to send a request head.
    pub limits: gate::Limits,
}

/// Messages for the main loop.
enum Message {
    Changes(watch::Batch),
    Shutdown,
}

/// Runs the preview until Ctrl-C. Returns an error only when it cannot
/// start (no content folder, no free port).
pub fn serve(mut opts: ServeOptions) -> Result<(), BuildFailure> {
    // The watcher may report changed files by absolute paths
    // (`/home/me/site/./content/a.md` for a root of `.`, the default),
    // which a relative root is not a prefix of: every save was then
    // ignored. An absolute root is.
    opts.root = std::path::absolute(&opts.root).map_err(|e| {
        BuildFailure::environment(Diagnostic::error(format!(
            "cannot find the site folder `{}`: {e}",
            opts.root.display()
        )))
    })?;
    let listener = bind(opts.bind, opts.port)?;
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or(DEFAULT_PORT);
    let host = match opts.bind {
        IpAddr::V6(a) => format!("[{a}]"),
        IpAddr::V4(a) => a.to_string(),
    };
    let url = format!("http://{host}:{port}/");
    if !opts.bind.is_loopback() {
        eprintln!("warning: serving on {host}, which other machines may reach; the preview is meant for this machine");
    }
    let build = BuildOptions {
        root: opts.root.clone(),
        out: PathBuf::new(),
        drafts: opts.drafts,
        base_url: Some(url.clone()),
        live_reload: true,
        strict: false,
    };
    // Watch before the first build, so no save is missed while it runs.
    let (watch_tx, watch_rx) = mpsc::channel();
    let mut watcher = watch::start(&opts.root, DEBOUNCE, watch_tx.clone())
        .map_err(|e| BuildFailure::environment(Diagnostic::error(e)))?;
    let base = preview_base(&preview_places()).map_err(|e| {
        BuildFailure::environment(
            Diagnostic::error(format!("cannot create a folder for the preview: {e}"))
                .with_hint("set TMPDIR to a writable folder"),
        )
    })?;
    let (mut session, first) = Session::start(build, base.clone())?;
    let shared = Arc::new(http::Shared {
        current: session.current(),
        events: Broadcaster::new(opts.max_streams),
        hosts: policy::HostPolicy {
            bound: host.trim_matches(['[', ']']).to_string(),
            port,
            extra: lower(&opts.allowed_hosts),
        },
        state_frame: RwLock::new(LiveEvent::Ok.frame()),
    });
    report(&first, &shared);
    println!("Serving {} at {url} (Ctrl-C to stop)", opts.root.display());
    let (upstream, server) = gate::Upstream::listen(&base).map_err(|e| {
        BuildFailure::environment(Diagnostic::error(format!("cannot start the server: {e}")))
    })?;
    let server = Arc::new(server);
    let limits = opts.limits;
    std::thread::spawn(move || gate::run(listener, upstream, limits));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, shared) = (server.clone(), shared.clone());
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    http::handle(request, &shared);
                }
            })
        })
        .collect();
    {
        let shared = shared.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(HEARTBEAT);
            shared.events.send(": heartbeat\n\n");
        });
    }
    let (tx, rx) = mpsc::channel();
    let ctrl_c = tx.clone();
    let _ = ctrlc::set_handler(move || {
        let _ = ctrl_c.send(Message::Shutdown);
    });
    std::thread::spawn(move || {
        for batch in watch_rx {
            if tx.send(Message::Changes(batch)).is_err() {
                break;
            }
        }
    });
    if opts.open {
        open_browser(&url);
    }
    for message in rx {
        match message {
            Message::Shutdown => break,
            Message::Changes(Err(e)) => eprintln!("warning: file watcher: {e}"),
            Message::Changes(Ok(paths)) => {
                // A watched folder that appeared (say `static/`) needs its own
                // recursive watch: start the watcher again.
                let new_top = paths.iter().any(|(p, is_dir)| {
                    *is_dir
                        && p.parent() == Some(opts.root.as_path())
                        && watch::WATCHED_DIRS.iter().any(|d| p.ends_with(d))
                });
                if new_top {
                    drop(watcher);
                    watcher = match watch::start(&opts.root, DEBOUNCE, watch_tx.clone()) {
                        Ok(w) => w,
                        Err(e) => {
                            eprintln!("error: {e}");
                            break;
                        }
                    };
                }
                let theme = session
                    .project()
                    .map_or_else(|| "handbook".to_string(), |p| p.config.theme.clone());
                let changes: Vec<watch::Change> = paths
                    .iter()
                    .map(|(p, is_dir)| watch::classify(&opts.root, &theme, p, p.exists(), *is_dir))
                    .collect();
                let outcome = session.apply(watch::plan(&changes));
                report(&outcome, &shared);
            }
        }
    }
    println!("Stopping.");
    shared.events.close_all();
    for _ in &workers {
        server.unblock();
    }
    session.cleanup();
    Ok(())
}

/// Where the preview may write its sites, best first, each with the free
/// space it must show to be chosen. A `TMPDIR`
/// that is set is the user's choice and comes first. Otherwise folders in
/// memory come first (`XDG_RUNTIME_DIR`, then `/dev/shm` on Linux): the
/// system's temporary folder is often on disk, where a full rebuild of a
/// 1,000-page handbook took 230-480 ms instead of 44-55 ms.
fn preview_places() -> Vec<(PathBuf, u64)> {
    let mut places = Vec::new();
    if std::env::var_os("TMPDIR").is_none() {
        if let Some(run) = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from) {
            places.push((run, MEMORY_FOLDER_MIN_FREE));
        }
        if cfg!(target_os = "linux") {
            places.push((PathBuf::from("/dev/shm"), MEMORY_FOLDER_MIN_FREE));
        }
    }
    places.push((std::env::temp_dir(), 0));
    places
}

/// Makes a new folder for the preview in the first usable place: one only
/// this user can enter, and never one that was already there (a name
/// another user chose first in a shared folder is skipped, not reused).
fn preview_base(places: &[(PathBuf, u64)]) -> io::Result<PathBuf> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no temporary folder");
    for (place, min_free) in places {
        if !place.is_absolute() || !place.is_dir() || !has_room(place, *min_free) {
            continue;
        }
        sweep_stale_previews(place);
        for n in 0..100 {
            let dir = place.join(format!("folio-serve-{}-{n}", std::process::id()));
            match create_private(&dir) {
                Ok(()) => return Ok(dir),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    last = e;
                    break;
                }
            }
        }
    }
    Err(last)
}

/// Deletes, in the background, the preview folders in `place` left by a
/// `folio serve` of this user that is no longer running (killed before it
/// could clean up: in `/dev/shm` such a folder holds memory until the
/// next reboot). Only folders named `folio-serve-<pid>-<n>` (or
/// `folio-serve-<pid>`, as older versions named them), owned by this user,
/// whose process is gone; a process that reused the number keeps its
/// folder.
fn sweep_stale_previews(place: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(entries) = std::fs::read_dir(place) else {
            return;
        };
        let me = rustix::process::getuid().as_raw();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name
                .to_str()
                .and_then(|n| n.strip_prefix("folio-serve-"))
                .and_then(|rest| {
                    rest.split_once('-').map_or(Some(rest), |(pid, n)| {
                        n.bytes().all(|b| b.is_ascii_digit()).then_some(pid)
                    })
                })
                .and_then(|pid| pid.parse::<i32>().ok())
            else {
                continue;
            };
            let ours = entry.metadata().is_ok_and(|m| m.is_dir() && m.uid() == me);
            if ours && !process_is_running(pid) {
                crate::output::remove_in_background(&entry.path());
            }
        }
    }
    #[cfg(not(unix))]
    let _ = place;
}

/// True unless the system says no process has this number.
#[cfg(unix)]
fn process_is_running(pid: i32) -> bool {
    let Some(pid) = rustix::process::Pid::from_raw(pid) else {
        return true; // not a process number folio could have had
    };
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

/// Creates `dir` (not its parents), readable only by this user; fails if
/// it exists.
fn create_private(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// True when the file system of `dir` has `min_free` bytes free (always
/// for 0).
fn has_room(dir: &Path, min_free: u64) -> bool {
    if min_free == 0 {
        return true;
    }
    #[cfg(unix)]
    {
        rustix::fs::statvfs(dir).is_ok_and(|s| s.f_bavail.saturating_mul(s.f_frsize) >= min_free)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
}

/// Prints an outcome and tells the browsers.
fn report(outcome: &Outcome, shared: &http::Shared) {
    match outcome {
        Outcome::Nothing => {}
        Outcome::Updated {
            event,
            took,
            summary,
        } => {
            println!("↻ {summary} in {:.1} ms", took.as_secs_f64() * 1000.0);
            shared.publish(event);
        }
        Outcome::Failed(diags) => {
            for d in diags {
                eprintln!("{d}");
            }
            eprintln!("Build failed; still serving the last good version.");
            shared.publish(&LiveEvent::failed(diags));
        }
    }
}

fn lower(names: &[String]) -> Vec<String> {
    names.iter().map(|n| n.to_ascii_lowercase()).collect()
}

/// Binds the port asked for, or 1111 and the next free ones.
fn bind(addr: IpAddr, port: Option<u16>) -> Result<TcpListener, BuildFailure> {
    let candidates: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (DEFAULT_PORT..DEFAULT_PORT + 50).collect(),
    };
    let mut last = None;
    for p in candidates {
        match TcpListener::bind(SocketAddr::new(addr, p)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(BuildFailure::environment(
        Diagnostic::error(format!(
            "cannot listen on {addr}: {}",
            last.map_or_else(|| "no port".into(), |e| e.to_string())
        ))
        .with_hint("pick another port with --port"),
    ))
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("warning: could not open a browser; visit {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_folder_is_new_private_and_in_the_first_usable_place() {
        let tmp = tempfile::tempdir().unwrap();
        let (first, second) = (tmp.path().join("first"), tmp.path().join("second"));
        std::fs::create_dir(&second).unwrap();
        // `first` does not exist and `relative` is not absolute: skipped.
        let places = [
            (first.clone(), 0),
            (PathBuf::from("relative"), 0),
            (second.clone(), 0),
        ];
        let taken = second.join(format!("folio-serve-{}-0", std::process::id()));
        std::fs::create_dir(&taken).unwrap();
        let base = preview_base(&places).unwrap();
        assert_eq!(base.parent(), Some(second.as_path()));
        assert_ne!(base, taken, "a folder already there is not reused");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&base).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        std::fs::create_dir(&first).unwrap();
        let base = preview_base(&places).unwrap();
        assert_eq!(base.parent(), Some(first.as_path()));
        assert!(preview_base(&[(tmp.path().join("none"), 0)]).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn previews_of_processes_that_are_gone_are_swept_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let me = std::process::id();
        let names = [
            format!("folio-serve-{gone}-0"),
            format!("folio-serve-{gone}"),
            format!("folio-serve-{me}-3"),
            format!("folio-serve-{gone}-x"),
            "folio-serve-0-0".to_string(),
            "notes".to_string(),
        ];
        for name in &names {
            std::fs::create_dir(tmp.path().join(name)).unwrap();
            std::fs::write(tmp.path().join(name).join("index.html"), "x").unwrap();
        }
        sweep_stale_previews(tmp.path());
        // The removal runs in the background.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let left = || {
            let mut left: Vec<String> = std::fs::read_dir(tmp.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            left.sort();
            left
        };
        while left().len() > 4 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut kept = names[2..].to_vec();
        kept.sort();
        assert_eq!(left(), kept);
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_without_room_is_passed_over() {
        let (full, roomy) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        // No file system has u64::MAX bytes free.
        let places = [
            (full.path().to_path_buf(), u64::MAX),
            (roomy.path().to_path_buf(), 1),
        ];
        let base = preview_base(&places).unwrap();
        assert_eq!(base.parent(), Some(roomy.path()));
        assert!(preview_base(&places[..1]).is_err());
    }
}
