//! Watching the site for changes, and deciding what each change needs.
//!
//! [`classify`] and [`plan`] are pure: a changed path becomes a [`Change`],
//! and a debounced batch of changes becomes a [`Plan`] (nothing, re-render
//! some pages, copy some files, or rebuild everything). Editors' temporary
//! files are ignored; an atomic save (temp file + rename) arrives as a
//! change of the real file. Before a batch is classified,
//! [`with_folder_files`] tells a folder of files that came or went by its
//! files, and [`through_links`] adds the changes that symbolic links pass
//! on (a link's file changes with its target); [`link_watches`] says
//! which targets lie outside the watched folders. These three read the
//! file system.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, EventKindMask, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, RecommendedCache};

use crate::config::CONFIG_FILE;
use crate::discover::{is_ignored_name, is_markdown, Discovered, Link, SourceFile};

/// Folders under the site root that are watched.
pub const WATCHED_DIRS: &[&str] = &["content", "images", "static", "themes", "templates"];

/// Watched folders whose folders that come or go may hold only files
/// copied as they are (no page: no section), to be taken in or out one by
/// one (see [`with_folder_files`]).
const FILE_DIRS: &[&str] = &["content", "images", "static"];

/// What one changed path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A Markdown page (`content/a.md`), by source path; `exists` is false
    /// when it was deleted or renamed away.
    Page {
        /// Project-relative source.
        source: String,
        /// Whether the file exists now.
        exists: bool,
    },
    /// An image or other file under `content/` or `images/`.
    Image(String),
    /// A file under `static/`, copied as is.
    Static(String),
    /// A stylesheet, script or other file in the theme's `static/`: its
    /// project-relative path, and its path in the output.
    ThemeAsset {
        /// `themes/<theme>/static/folio.css`.
        source: String,
        /// `folio.css`.
        out: String,
    },
    /// A template (theme or site).
    Template(String),
    /// `folio.toml`.
    Config,
    /// A folder appeared or disappeared.
    Folder(String),
    /// Not part of the site (editor temp files, other folders).
    Ignored,
}

/// What a batch of changes requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Nothing to do.
    Nothing,
    /// Re-read and re-render these existing pages (by source).
    Pages(Vec<String>),
    /// Copy these files (project-relative source → output-relative path)
    /// of `static/`, `content/`, `images/` or the theme, and render again
    /// what shows them: the pages that show an image whose size changed
    /// (they hold it), those that feature one (its smaller copies are made
    /// again), and those whose links find a new file; a deleted file no
    /// page names leaves the site. Anything else (a deleted file a page
    /// names, a new one at a path the site already writes) rebuilds the
    /// site. The session decides (it has the site; see
    /// `Session::copy_files`).
    Copy {
        /// Files to copy.
        files: Vec<(String, String)>,
        /// True when only stylesheets changed (swap them, no reload).
        css_only: bool,
    },
    /// Rebuild the whole site.
    Full,
}

/// Classifies a changed path; `theme` is the configured theme name.
/// A path gone whose name has no `.` is taken for a folder, unless
/// `known_file` (the site had a file there: `static/CNAME`).
pub fn classify(
    root: &Path,
    theme: &str,
    path: &Path,
    (exists, is_dir, known_file): (bool, bool, bool),
) -> Change {
    let Ok(rel) = path.strip_prefix(root) else {
        return Change::Ignored;
    };
    let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
    if parts.len() != rel.iter().count() || parts.is_empty() {
        return Change::Ignored;
    }
    let name = parts[parts.len() - 1];
    if parts.iter().any(|p| is_ignored_name(p)) {
        return Change::Ignored;
    }
    let rel = parts.join("/");
    if parts == [CONFIG_FILE] {
        return Change::Config;
    }
    if !WATCHED_DIRS.contains(&parts[0]) {
        return Change::Ignored;
    }
    if is_dir || (!exists && !name.contains('.') && !known_file) {
        return Change::Folder(rel);
    }
    match parts[0] {
        "content" if is_markdown(name) => Change::Page {
            source: rel,
            exists,
        },
        "content" | "images" => Change::Image(rel),
        "static" => Change::Static(rel),
        "templates" => Change::Template(rel),
        "themes" if parts.get(1) == Some(&theme) && parts.get(2) == Some(&"static") => {
            Change::ThemeAsset {
                out: parts[3..].join("/"),
                source: rel,
            }
        }
        "themes" if parts.get(1) == Some(&theme) => Change::Template(rel),
        _ => Change::Ignored,
    }
}

/// Decides what a batch of changes needs. Anything that may move pages,
/// change titles or templates, or add and remove folders or pages
/// rebuilds the site; edits of existing pages are re-rendered alone, and
/// the files of `static/`, `content/`, `images/` and the theme are copied,
/// with what shows them (see [`Plan::Copy`]).
pub fn plan(changes: &[Change]) -> Plan {
    let relevant: Vec<&Change> = changes.iter().filter(|c| **c != Change::Ignored).collect();
    if relevant.is_empty() {
        return Plan::Nothing;
    }
    let mut pages = Vec::new();
    let mut files = Vec::new();
    let mut css_only = true;
    for change in relevant {
        match change {
            Change::Page {
                source,
                exists: true,
            } => pages.push(source.clone()),
            Change::Image(rel) => {
                css_only = false;
                let out = rel.strip_prefix("content/").unwrap_or(rel);
                files.push((rel.clone(), out.to_string()));
            }
            Change::Static(rel) => {
                css_only = false;
                files.push((rel.clone(), rel.trim_start_matches("static/").to_string()));
            }
            Change::ThemeAsset { source, out } => {
                css_only &= out.ends_with(".css");
                files.push((source.clone(), out.clone()));
            }
            _ => return Plan::Full,
        }
    }
    match (pages.is_empty(), files.is_empty()) {
        (false, true) => {
            pages.sort();
            pages.dedup();
            Plan::Pages(pages)
        }
        (true, false) => {
            files.sort();
            files.dedup();
            Plan::Copy { files, css_only }
        }
        _ => Plan::Full,
    }
}

/// `paths` (changed paths, each with its "is a folder" flag) with, for
/// each one at or under the target of a link the site follows, the same
/// path under the link. The watcher tells of a change where it happened:
/// a screenshot saved over `images/shot.png` is not told as a change of
/// `images/alias.png`, a link to it, whose copy in the site would go
/// stale. Only when the site follows links (each path is made canonical).
pub fn through_links(mut paths: Vec<(PathBuf, bool)>, links: &[Link]) -> Vec<(PathBuf, bool)> {
    if links.is_empty() {
        return paths;
    }
    let mut seen = Vec::new();
    for (path, is_dir) in &paths {
        let Some(real) = canonical(path) else {
            continue;
        };
        for link in links {
            let Ok(rest) = real.strip_prefix(&link.target) else {
                continue;
            };
            let alias = if rest.as_os_str().is_empty() {
                link.path.clone()
            } else {
                link.path.join(rest)
            };
            if alias != *path {
                seen.push((alias, *is_dir));
            }
        }
    }
    seen.retain(|found| !paths.contains(found));
    seen.sort();
    seen.dedup();
    paths.extend(seen);
    paths
}

/// `paths` (changed paths, each with its "is a folder" flag) with each
/// folder of `content/`, `images/` or `static/` of `root` that came or
/// went replaced by its files:
/// - a new folder by the files found in it: a folder of screenshots
///   copied in is told as one new folder (which [`plan`] would rebuild the
///   site for), and the files put in before the watcher watched it are
///   never told at all. Hidden and editors' files are left out, as a
///   build's walk leaves them;
/// - a folder gone by the files the site had in it (`site`: what the last
///   good build found), each gone then.
///
/// A folder with a page in it (a section), and a new folder that is a
/// symbolic link, stay: they rebuild the site.
pub fn with_folder_files(
    root: &Path,
    paths: Vec<(PathBuf, bool)>,
    site: Option<&Discovered>,
) -> Vec<(PathBuf, bool)> {
    let in_file_dirs = |path: &Path| {
        FILE_DIRS.iter().any(|d| {
            path.strip_prefix(root.join(d))
                .is_ok_and(|rest| !rest.as_os_str().is_empty())
        })
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(paths.len());
    for (path, is_dir) in paths {
        let files = match in_file_dirs(&path).then(|| std::fs::symlink_metadata(&path)) {
            None => None,
            Some(Ok(m)) if is_dir && m.file_type().is_dir() => files_of(&path),
            Some(Ok(_)) => None,
            Some(Err(_)) => site.and_then(|site| files_gone(site, &path)),
        };
        let told = files.unwrap_or_else(|| vec![(path, is_dir)]);
        for change in told {
            if seen.insert(change.0.clone()) {
                out.push(change);
            }
        }
    }
    out
}

/// The files `site` has under `folder`, as changed paths; `None` when
/// it has none (`folder` was a file, or one the site never had) or has a
/// page there.
fn files_gone(site: &Discovered, folder: &Path) -> Option<Vec<(PathBuf, bool)>> {
    let under = |f: &&SourceFile| f.abs.starts_with(folder) && f.abs != folder;
    if site.pages.iter().any(|f| under(&f)) {
        return None;
    }
    let files: Vec<(PathBuf, bool)> = site
        .assets
        .iter()
        .chain(&site.statics)
        .filter(under)
        .map(|f| (f.abs.clone(), false))
        .collect();
    (!files.is_empty()).then_some(files)
}

/// The files under `folder`, as changed paths; `None` when one is a page
/// (the folder is a section).
fn files_of(folder: &Path) -> Option<Vec<(PathBuf, bool)>> {
    walkdir::WalkDir::new(folder)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !is_ignored_name(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let page = is_markdown(&e.file_name().to_string_lossy());
            (!page).then(|| (e.into_path(), false))
        })
        .collect()
}

/// `path` with its links resolved, or, when it is gone, its folder's.
fn canonical(path: &Path) -> Option<PathBuf> {
    path.canonicalize()
        .ok()
        .or_else(|| Some(path.parent()?.canonicalize().ok()?.join(path.file_name()?)))
}

/// The folders to watch besides [`WATCHED_DIRS`]: where the links the
/// site follows lead outside them (`images/logo.png` → `../brand/logo.png`),
/// each with "recursive" for a folder's link. A file's folder is watched
/// rather than the file, whose watch an atomic save (a new file renamed
/// over it) would end.
pub fn link_watches(root: &Path, links: &[Link]) -> Vec<(PathBuf, bool)> {
    let Ok(root) = root.canonicalize() else {
        return Vec::new();
    };
    let mut watches: Vec<(PathBuf, bool)> = links
        .iter()
        .filter(|l| {
            !WATCHED_DIRS
                .iter()
                .any(|d| l.target.starts_with(root.join(d)))
        })
        .filter_map(|l| {
            if l.target.is_dir() {
                Some((l.target.clone(), true))
            } else {
                Some((l.target.parent()?.to_path_buf(), false))
            }
        })
        .collect();
    watches.sort();
    watches.dedup();
    // Once each: not again within a folder watched whole, nor the root's
    // own files (`content/readme.md` → `../README.md`), which [`start`]
    // watches.
    let whole: Vec<PathBuf> = watches
        .iter()
        .filter(|w| w.1)
        .map(|w| w.0.clone())
        .collect();
    watches.retain(|(path, recursive)| {
        let within = |w: &PathBuf| path.starts_with(w) && (path != w || !recursive);
        !whole.iter().any(within) && (*path != root || *recursive)
    });
    watches
}

/// A batch of changed paths, or a watcher error.
pub type Batch = Result<Vec<(PathBuf, bool)>, String>;

/// Keeps the watcher alive; dropping it stops watching.
pub struct WatchHandle {
    _inner: Box<dyn std::any::Any>,
    /// True when the watcher fell back to polling.
    pub polling: bool,
}

/// The events the watcher asks for (`polling`: for the fallback poller).
///
/// Not the opening of files: every build opens each page once or twice, and on
/// Linux each open was an event, made by the kernel, read and queued by
/// the watcher's threads and then thrown away; at 10,000 pages that made
/// the preview's full rebuild ~16% slower (notify asks for opens unless
/// told otherwise).
///
/// With inotify, a file's content counts as changed when a writer closes
/// it (`IN_CLOSE_WRITE`), not at each write (`IN_MODIFY`): a save in place
/// truncates the file, then writes it, and a page read in between (a busy
/// machine can pause the writer longer than the debounce) was empty or cut
/// short, which took a needless full rebuild or showed a passing error,
/// and then a second reload. Other systems' watchers and the poller report
/// no closes, so they keep every change of content.
fn watcher_config(polling: bool) -> notify::Config {
    let structure = EventKindMask::CREATE
        | EventKindMask::REMOVE
        | EventKindMask::MODIFY_META
        | EventKindMask::MODIFY_NAME
        | EventKindMask::ACCESS_CLOSE;
    let kinds = if cfg!(target_os = "linux") && !polling {
        structure
    } else {
        structure | EventKindMask::MODIFY_DATA
    };
    notify::Config::default().with_event_kinds(kinds)
}

/// Watches the site's folders and `folio.toml`, sending debounced batches
/// of changed paths (with "is a folder" flags) to `tx`. Falls back to
/// polling, with a message, when the system's inotify limit is reached.
pub fn start(root: &Path, debounce: Duration, tx: Sender<Batch>) -> Result<WatchHandle, String> {
    let mut places = vec![(root.to_path_buf(), RecursiveMode::NonRecursive)];
    for dir in WATCHED_DIRS {
        let path = root.join(dir);
        if path.is_dir() {
            places.push((path, RecursiveMode::Recursive));
        }
    }
    watch_places(&places, debounce, tx)
}

/// Watches the folders that the site's links lead to outside the ones
/// [`start`] watches (see [`link_watches`]: each with "recursive"), in a
/// watcher of its own, so that a link made or removed never stops the
/// site's watcher (a save while it started again would be missed).
pub fn start_links(
    places: &[(PathBuf, bool)],
    debounce: Duration,
    tx: Sender<Batch>,
) -> Result<WatchHandle, String> {
    let places: Vec<(PathBuf, RecursiveMode)> = places
        .iter()
        .map(|(path, recursive)| {
            let mode = if *recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            (path.clone(), mode)
        })
        .collect();
    watch_places(&places, debounce, tx)
}

/// One debounced watcher of `places`, polling when the system's limit of
/// watched folders is reached.
fn watch_places(
    places: &[(PathBuf, RecursiveMode)],
    debounce: Duration,
    tx: Sender<Batch>,
) -> Result<WatchHandle, String> {
    let handler = move |res: DebounceEventResult| {
        let batch = match res {
            Ok(events) => Ok(events
                .into_iter()
                // Reading files (as every rebuild does) must not trigger a
                // rebuild; only finished writes and structural changes count.
                // (The watcher is not asked for opens; other systems'
                // backends may still report accesses.)
                .filter(|e| is_change(&e.event.kind))
                .flat_map(|e| e.event.paths)
                .map(|p| {
                    let is_dir = p.is_dir();
                    (p, is_dir)
                })
                .collect()),
            Err(errors) => Err(errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")),
        };
        let _ = tx.send(batch);
    };
    let watch_all =
        |watch: &mut dyn FnMut(&Path, RecursiveMode) -> notify::Result<()>| -> notify::Result<()> {
            for (path, mode) in places {
                watch(path, *mode)?;
            }
            Ok(())
        };
    let handler = std::sync::Arc::new(std::sync::Mutex::new(handler));
    let h1 = handler.clone();
    let mut debouncer = new_debouncer_opt::<_, notify::RecommendedWatcher, RecommendedCache>(
        debounce,
        None,
        move |r| (h1.lock().unwrap_or_else(|e| e.into_inner()))(r),
        RecommendedCache::new(),
        watcher_config(false),
    )
    .map_err(|e| e.to_string())?;
    match watch_all(&mut |p, m| debouncer.watch(p, m)) {
        Ok(()) => Ok(WatchHandle {
            _inner: Box::new(debouncer),
            polling: false,
        }),
        Err(e)
            if matches!(e.kind, notify::ErrorKind::MaxFilesWatch)
                || e.to_string().contains("No space left") =>
        {
            eprintln!(
                "warning: the system's limit of watched folders is reached ({}); falling back to polling every 500 ms.\n  = help: raise it with `sudo sysctl fs.inotify.max_user_watches=524288`",
                read_limit()
            );
            let h2 = handler.clone();
            let config = watcher_config(true).with_poll_interval(Duration::from_millis(500));
            let mut poller = new_debouncer_opt::<_, notify::PollWatcher, RecommendedCache>(
                debounce,
                None,
                move |r| (h2.lock().unwrap_or_else(|e| e.into_inner()))(r),
                RecommendedCache::new(),
                config,
            )
            .map_err(|e| e.to_string())?;
            watch_all(&mut |p, m| poller.watch(p, m)).map_err(|e| e.to_string())?;
            Ok(WatchHandle {
                _inner: Box::new(poller),
                polling: true,
            })
        }
        Err(e) => Err(format!("cannot watch the site for changes: {e}")),
    }
}

/// True for events that may change a file's content or existence.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Other => false,
        _ => true,
    }
}

fn read_limit() -> String {
    std::fs::read_to_string("/proc/sys/fs/inotify/max_user_watches")
        .map(|s| format!("fs.inotify.max_user_watches = {}", s.trim()))
        .unwrap_or_else(|_| "limit unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The change of a file of the handbook theme's `static/`.
    fn theme_asset(out: &str) -> Change {
        Change::ThemeAsset {
            source: format!("themes/handbook/static/{out}"),
            out: out.into(),
        }
    }

    #[test]
    fn a_folder_of_files_that_came_or_went_is_told_as_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for d in [
            "images/shots/old",
            "static/forms",
            "content/guide/shots",
            "content/section",
            "elsewhere",
        ] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        for f in [
            "images/shots/a.png",
            "images/shots/old/b.png",
            "images/shots/.DS_Store",
            "images/shots/a.png~",
            "static/forms/f.pdf",
            "content/guide/shots/x.png",
            "content/section/x.png",
            "content/section/page.md",
        ] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let told_of = |paths: &[(&str, bool)], site| -> Vec<(String, bool)> {
            let paths = paths.iter().map(|(p, d)| (root.join(p), *d)).collect();
            with_folder_files(root, paths, site)
                .into_iter()
                .map(|(p, d)| (p.strip_prefix(root).unwrap().display().to_string(), d))
                .collect()
        };
        let told = |paths: &[(&str, bool)]| told_of(paths, None);
        let files = |names: &[&str]| -> Vec<(String, bool)> {
            names.iter().map(|n| (n.to_string(), false)).collect()
        };
        // Its files, each once, hidden and editors' files left out.
        assert_eq!(
            told(&[("images/shots", true), ("images/shots/a.png", false)]),
            files(&["images/shots/a.png", "images/shots/old/b.png"])
        );
        assert_eq!(
            told(&[("static/forms", true)]),
            files(&["static/forms/f.pdf"])
        );
        assert_eq!(
            told(&[("content/guide/shots", true)]),
            files(&["content/guide/shots/x.png"])
        );
        // A folder of content/ with a page (a section), a folder gone,
        // images/ itself, and a folder elsewhere stay folders: the site is
        // rebuilt.
        for kept in ["content/section", "images/gone", "images", "elsewhere"] {
            assert_eq!(told(&[(kept, true)]), [(kept.to_string(), true)], "{kept}");
        }
        let change =
            |path: &str| classify(root, "handbook", &root.join(path), (true, false, false));
        let copies: Vec<Change> = told(&[("images/shots", true)])
            .iter()
            .map(|(p, _)| change(p))
            .collect();
        assert!(matches!(plan(&copies), Plan::Copy { .. }));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("shots", root.join("images/linked")).unwrap();
            assert_eq!(
                told(&[("images/linked", true)]),
                [("images/linked".to_string(), true)]
            );
            std::fs::remove_file(root.join("images/linked")).unwrap();
        }
        // Folders gone: by the files the site had in them, when it had no
        // page there; a file gone, or a folder the site never had, alone.
        let (site, _) = crate::discover::discover(root);
        for gone in ["images/shots", "content/section", "content/guide/shots"] {
            std::fs::remove_dir_all(root.join(gone)).unwrap();
        }
        std::fs::remove_file(root.join("static/forms/f.pdf")).unwrap();
        let gone = |paths: &[(&str, bool)]| told_of(paths, Some(&site));
        assert_eq!(
            gone(&[("images/shots", false), ("images/shots/old/b.png", false)]),
            files(&["images/shots/a.png", "images/shots/old/b.png"])
        );
        assert_eq!(
            gone(&[("content/guide/shots", false)]),
            files(&["content/guide/shots/x.png"])
        );
        for kept in ["content/section", "static/forms/f.pdf", "images/never"] {
            assert_eq!(
                gone(&[(kept, false)]),
                [(kept.to_string(), false)],
                "{kept}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_change_of_a_links_target_is_a_change_of_the_link() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for d in ["content/shared", "images", "brand"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("content/a.md"), "# A\n").unwrap();
        std::fs::write(root.join("images/shot.png"), "png").unwrap();
        std::fs::write(root.join("brand/logo.png"), "png").unwrap();
        std::fs::write(root.join("brand/other.png"), "png").unwrap();
        std::fs::write(root.join("content/shared/b.md"), "# B\n").unwrap();
        symlink("shot.png", root.join("images/alias.png")).unwrap();
        symlink("../brand/logo.png", root.join("images/logo.png")).unwrap();
        symlink("../brand", root.join("content/brand")).unwrap();
        symlink("shared", root.join("content/again")).unwrap();
        std::fs::write(root.join("README.md"), "# Read me\n").unwrap();
        symlink("../README.md", root.join("content/readme.md")).unwrap();
        let (found, diags) = crate::discover::discover(root);
        assert!(diags.is_empty(), "{diags:?}");
        let mut links: Vec<_> = found
            .links
            .iter()
            .map(|l| l.path.strip_prefix(root).unwrap())
            .collect();
        links.sort();
        let names = [
            "content/again",
            "content/brand",
            "content/readme.md",
            "images/alias.png",
            "images/logo.png",
        ];
        assert_eq!(links, names.map(Path::new));

        let batch = |paths: &[&str]| -> Vec<(PathBuf, bool)> {
            paths.iter().map(|p| (root.join(p), false)).collect()
        };
        let heard = |paths: &[&str]| -> Vec<String> {
            through_links(batch(paths), &found.links)
                .into_iter()
                .map(|(p, _)| p.strip_prefix(root).unwrap().display().to_string())
                .collect()
        };
        // A file and the links to it, to its folder, or to a folder it is in.
        assert_eq!(
            heard(&["images/shot.png"]),
            ["images/shot.png", "images/alias.png"]
        );
        assert_eq!(
            heard(&["brand/logo.png"]),
            [
                "brand/logo.png",
                "content/brand/logo.png",
                "images/logo.png"
            ]
        );
        assert_eq!(
            heard(&["content/shared/b.md"]),
            ["content/shared/b.md", "content/again/b.md"]
        );
        // A file gone, or new, is found by its folder.
        std::fs::remove_file(root.join("brand/other.png")).unwrap();
        assert_eq!(
            heard(&["brand/other.png"]),
            ["brand/other.png", "content/brand/other.png"]
        );
        assert_eq!(
            heard(&["brand/new.png"]),
            ["brand/new.png", "content/brand/new.png"]
        );
        // Told of both, each once; a file no link leads to alone.
        assert_eq!(
            heard(&["images/alias.png", "images/shot.png"]),
            ["images/alias.png", "images/shot.png"]
        );
        assert_eq!(heard(&["content/a.md"]), ["content/a.md"]);
        assert_eq!(heard(&["README.md"]), ["README.md", "content/readme.md"]);
        assert_eq!(
            through_links(batch(&["images/shot.png"]), &[]),
            batch(&["images/shot.png"])
        );

        // Only the targets outside the watched folders are watched besides:
        // a folder whole, a file by its folder.
        let canonical = root.canonicalize().unwrap();
        assert_eq!(
            link_watches(root, &found.links),
            [(canonical.join("brand"), true)]
        );
        std::fs::remove_file(root.join("content/brand")).unwrap();
        let (found, _) = crate::discover::discover(root);
        assert_eq!(
            link_watches(root, &found.links),
            [(canonical.join("brand"), false)]
        );
    }

    #[test]
    fn the_watcher_hears_saves_whole_and_not_reads() {
        use notify::Watcher;
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("a.md");
        std::fs::write(&page, "# A\n").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let mut watcher = notify::RecommendedWatcher::new(tx, watcher_config(false)).unwrap();
        watcher.watch(dir.path(), RecursiveMode::Recursive).unwrap();
        let heard = || -> Vec<EventKind> {
            rx.recv_timeout(Duration::from_millis(300))
                .into_iter()
                .chain(rx.try_iter())
                .map(|e| e.unwrap().kind)
                .collect()
        };
        // A build reads every page: no event at all, not even one the
        // handler would drop.
        for _ in 0..20 {
            std::fs::read_to_string(&page).unwrap();
        }
        assert_eq!(heard(), vec![]);
        // A save in place (truncate, write, close) is heard once it is
        // whole: the close of the write, and nothing before it.
        let mut file = std::fs::File::create(&page).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        std::io::Write::write_all(&mut file, b"# A\n\nMore.\n").unwrap();
        drop(file);
        let kinds = heard();
        assert!(
            !kinds.is_empty() && kinds.iter().all(is_change),
            "{kinds:?}"
        );
        if cfg!(target_os = "linux") {
            let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
            assert_eq!(kinds, vec![closed]);
        }
        // The poller sees no closes: it keeps changes of content.
        assert!(watcher_config(true)
            .event_kinds()
            .contains(EventKindMask::MODIFY_DATA));
    }

    fn c(path: &str, exists: bool) -> Change {
        classify(
            Path::new("/site"),
            "handbook",
            &Path::new("/site").join(path),
            (exists, false, false),
        )
    }

    #[test]
    fn classifies_paths() {
        assert_eq!(
            c("content/a/b.md", true),
            Change::Page {
                source: "content/a/b.md".into(),
                exists: true
            }
        );
        assert_eq!(
            c("content/a/b.md", false),
            Change::Page {
                source: "content/a/b.md".into(),
                exists: false
            }
        );
        assert_eq!(
            c("content/a/pic.png", true),
            Change::Image("content/a/pic.png".into())
        );
        assert_eq!(
            c("images/x.png", true),
            Change::Image("images/x.png".into())
        );
        assert_eq!(
            c("static/robots.txt", true),
            Change::Static("static/robots.txt".into())
        );
        assert_eq!(
            c("themes/handbook/static/folio.css", true),
            theme_asset("folio.css")
        );
        assert_eq!(
            c("themes/handbook/templates/page.html", true),
            Change::Template("themes/handbook/templates/page.html".into())
        );
        assert_eq!(c("themes/other/templates/page.html", true), Change::Ignored);
        assert_eq!(
            c("templates/page.html", true),
            Change::Template("templates/page.html".into())
        );
        assert_eq!(c("folio.toml", true), Change::Config);
        assert_eq!(
            c("content/gone", false),
            Change::Folder("content/gone".into())
        );
        // Unless the site had a file there.
        let site = Path::new("/site");
        let cname = classify(
            site,
            "handbook",
            &site.join("static/CNAME"),
            (false, false, true),
        );
        assert_eq!(cname, Change::Static("static/CNAME".into()));
        assert_eq!(c("public/index.html", true), Change::Ignored);
        assert_eq!(c("target/debug/x", true), Change::Ignored);
    }

    #[test]
    fn editor_temp_files_are_ignored() {
        for temp in [
            "content/.a.md.swp",
            "content/a.md~",
            "content/4913",
            "content/#a.md#",
            "content/.#a.md",
            "content/a.md.bck",
            "content/.DS_Store",
        ] {
            assert_eq!(c(temp, true), Change::Ignored, "{temp}");
        }
    }

    #[test]
    fn plans() {
        let page = |s: &str| Change::Page {
            source: s.into(),
            exists: true,
        };
        assert_eq!(plan(&[]), Plan::Nothing);
        assert_eq!(plan(&[Change::Ignored]), Plan::Nothing);
        assert_eq!(
            plan(&[page("content/a.md"), page("content/a.md"), Change::Ignored]),
            Plan::Pages(vec!["content/a.md".into()])
        );
        assert_eq!(
            plan(&[theme_asset("folio.css")]),
            Plan::Copy {
                files: vec![(
                    "themes/handbook/static/folio.css".into(),
                    "folio.css".into()
                )],
                css_only: true
            }
        );
        // A script is written with the site's words (`Session::copy`).
        assert_eq!(
            plan(&[theme_asset("folio.js")]),
            Plan::Copy {
                files: vec![("themes/handbook/static/folio.js".into(), "folio.js".into())],
                css_only: false
            }
        );
        assert_eq!(
            plan(&[Change::Static("static/robots.txt".into())]),
            Plan::Copy {
                files: vec![("static/robots.txt".into(), "robots.txt".into())],
                css_only: false
            }
        );
        assert_eq!(
            plan(&[Change::Page {
                source: "content/a.md".into(),
                exists: false
            }]),
            Plan::Full
        );
        assert_eq!(plan(&[page("content/a.md"), Change::Config]), Plan::Full);
        assert_eq!(
            plan(&[Change::Template("templates/page.html".into())]),
            Plan::Full
        );
        assert_eq!(
            plan(&[
                Change::Image("images/x.png".into()),
                Change::Image("content/guide/flow.svg".into()),
                theme_asset("folio.css"),
            ]),
            Plan::Copy {
                files: vec![
                    ("content/guide/flow.svg".into(), "guide/flow.svg".into()),
                    ("images/x.png".into(), "images/x.png".into()),
                    (
                        "themes/handbook/static/folio.css".into(),
                        "folio.css".into()
                    ),
                ],
                css_only: false
            }
        );
        assert_eq!(
            plan(&[Change::Static("static/files/Photo.JPG".into())]),
            Plan::Copy {
                files: vec![("static/files/Photo.JPG".into(), "files/Photo.JPG".into())],
                css_only: false
            },
            "pages hold a static image's size"
        );
        assert_eq!(
            plan(&[page("content/a.md"), Change::Image("images/x.png".into())]),
            Plan::Full
        );
        assert_eq!(
            plan(&[page("content/a.md"), Change::Static("static/x".into())]),
            Plan::Full
        );
    }
}
