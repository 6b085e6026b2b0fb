//! `folio serve`: build, serve on 127.0.0.1, rebuild on save, reload the
//! browser.
//!
//! Uses the pipeline (through [`crate::build::Project`]) and never the
//! other way round. Threads: the [`gate`] in front of tiny_http (one per
//! open connection, capped), a few HTTP workers, one heartbeat for the event
//! streams, the file watcher, and the main loop that applies changes one
//! batch at a time. The site is served from a private folder of folio's
//! own, in memory when the system has room there (see [`scratch`]),
//! so `public/` is never touched.

pub mod gate;
pub mod http;
pub mod live;
pub mod path;
pub mod policy;
pub mod scratch;
pub mod session;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::build::{BuildFailure, BuildOptions};
use crate::diagnostic::{for_reading, Diagnostic};
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
        preview: true,
        strict: false,
    };
    // Watch before the first build, so no save is missed while it runs.
    let (watch_tx, watch_rx) = mpsc::channel();
    let mut watcher = watch::start(&opts.root, DEBOUNCE, watch_tx.clone())
        .map_err(|e| BuildFailure::environment(Diagnostic::error(e)))?;
    let mut link_watch = LinkWatch::default();
    let base = scratch::preview_base(&scratch::preview_places()).map_err(|e| {
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
    report(&first, &session, &shared);
    link_watch.follow(&opts.root, &session, &watch_tx);
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
                let project = session.project();
                let theme = project.map_or("handbook", |p| p.config.theme.as_str());
                let found = project.map(|p| &p.found);
                let paths = watch::with_folder_files(&opts.root, paths, found);
                let links = found.map_or(&[][..], |f| &f.links);
                // A path gone whose name has no `.` may have been a file
                // the site had (`static/CNAME`) rather than a folder. Only
                // those are looked up (a scan of the site's files each).
                let known_file = |p: &Path| {
                    let name = p.file_name().and_then(|n| n.to_str());
                    let rel = p.strip_prefix(&opts.root).ok().and_then(Path::to_str);
                    name.is_some_and(|n| !n.contains('.'))
                        && found.zip(rel).is_some_and(|(f, rel)| f.has_file(rel))
                };
                let changes: Vec<watch::Change> = watch::through_links(paths, links)
                    .iter()
                    .map(|(p, is_dir)| {
                        let exists = p.exists();
                        let facts = (exists, *is_dir, !exists && known_file(p));
                        watch::classify(&opts.root, theme, p, facts)
                    })
                    .collect();
                let outcome = session.apply(watch::plan(&changes));
                report(&outcome, &session, &shared);
                link_watch.follow(&opts.root, &session, &watch_tx);
                if let Some((took, errors)) = session.write_deferred() {
                    for text in for_reading(&errors) {
                        eprintln!("{text}");
                    }
                    if errors.is_empty() {
                        let ms = took.as_secs_f64() * 1000.0;
                        println!("↻ search index in {ms:.1} ms, after the reload");
                        shared.publish(&LiveEvent::Written);
                    }
                }
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

/// The watcher of the folders that the site's links lead to outside the
/// watched ones (see [`watch::link_watches`]), if any.
#[derive(Default)]
struct LinkWatch {
    places: Vec<(PathBuf, bool)>,
    watcher: Option<watch::WatchHandle>,
}

impl LinkWatch {
    /// Watches the places the session's site now needs, when they changed
    /// (a link made or removed, by a rebuild). A place that cannot be
    /// watched is told, and its links' files are then updated by the next
    /// rebuild only.
    fn follow(&mut self, root: &Path, session: &Session, tx: &mpsc::Sender<watch::Batch>) {
        let Some(project) = session.project() else {
            return;
        };
        let wanted = watch::link_watches(root, &project.found.links);
        if wanted == self.places {
            return;
        }
        self.watcher = None;
        if !wanted.is_empty() {
            match watch::start_links(&wanted, DEBOUNCE, tx.clone()) {
                Ok(w) => self.watcher = Some(w),
                Err(e) => eprintln!("warning: the targets of the site's links: {e}"),
            }
        }
        self.places = wanted;
    }
}

/// Prints an outcome and tells the browsers, with the session's problems
/// that still stand after an update.
fn report(outcome: &Outcome, session: &Session, shared: &http::Shared) {
    // Once a build has succeeded, there is a good version to keep serving.
    let built = session.project().is_some();
    match outcome {
        Outcome::Nothing => {}
        Outcome::Updated {
            event,
            took,
            summary,
            warnings,
        } => {
            println!("↻ {summary} in {:.1} ms", took.as_secs_f64() * 1000.0);
            for text in for_reading(warnings) {
                eprintln!("{text}");
            }
            shared.publish(&event.clone().with_warnings(warnings));
            let still_broken = session.standing_problems();
            if !still_broken.is_empty() {
                // Told once when they appeared; the overlay stays up until
                // they are fixed, and the terminal names the files.
                eprintln!(
                    "Still broken, shown as last built: {}",
                    broken_files(&still_broken).join(", ")
                );
                shared.publish(&LiveEvent::failed(&still_broken));
            }
        }
        Outcome::Failed(diags) => {
            for text in for_reading(diags) {
                eprintln!("{text}");
            }
            if built {
                eprintln!("Build failed; still serving the last good version.");
            } else {
                eprintln!("Build failed; the preview lists the problems until they are fixed.");
            }
            shared.publish(&LiveEvent::failed(diags));
        }
    }
}

/// The files that `diags` name, each once, in order.
fn broken_files(diags: &[Diagnostic]) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for d in diags {
        let file = d.file.clone().unwrap_or_else(|| "the site".into());
        if !files.contains(&file) {
            files.push(file);
        }
    }
    files
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
