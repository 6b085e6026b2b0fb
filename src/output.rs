//! Stage 6, write: the output folder, built aside and swapped in.
//!
//! A build writes into a fresh `<out>.tmp-<pid>` sibling, marked as folio's
//! with a manifest file, and renames it over `<out>` only when everything
//! succeeded, so a failed or killed build never leaves a half-written site.
//! folio removes only folders that carry its mark (or are empty), and
//! refuses output folders that would overwrite the site's own sources.
//!
//! A file whose bytes are the same as in the previous output is linked
//! from it rather than written again (on Unix): nothing is copied, and the
//! file keeps its modification time, so tools that deploy by time skip
//! it. A copied file (from `static/`, say) takes its source's time, and
//! one of the same size and time as the previous output's copy is linked
//! likewise. Files are never changed in place, so the two folders never
//! see each other's changes, and a copy never shares its source's file.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// Name of the file that marks a folder as folio's output.
pub const MARKER: &str = ".folio-build";

const MARKER_TEXT: &str =
    "This folder was written by folio; folio may replace it on the next build.\n";

/// Seconds a file must have gone unchanged before its length and
/// modification time are trusted to tell a change. A file saved twice
/// within one tick of a coarse clock (FAT's is two seconds, HFS+'s and
/// ext3's one) keeps its time; were it to keep its length too, its second
/// version would pass for the first. (Git's index has the same rule for
/// "racily clean" entries.)
pub const SETTLED_SECS: i64 = 3;

/// True when a file last modified at `secs` (since the epoch) has gone
/// unchanged long enough that a change would show in its time.
pub fn settled(secs: i64) -> bool {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(i64::MAX, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    secs < now.saturating_sub(SETTLED_SECS)
}

/// Refuses output folders that are, contain, or sit inside the site's sources.
pub fn check_out_dir(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let out = normalize(out);
    let refuse = |why: &str| {
        Err(Diagnostic::error(format!(
            "refusing to write output to `{}`: {why}",
            out.display()
        ))
        .with_hint("choose an output folder of its own, e.g. --out public"))
    };
    if out.parent().is_none() {
        return refuse("it is the file-system root");
    }
    if std::env::var_os("HOME").is_some_and(|h| Path::new(&h) == out) {
        return refuse("it is your home folder");
    }
    if root.starts_with(&out) {
        return refuse("it is the site root or contains it");
    }
    for dir in ["content", "images", "themes", "static", "templates"] {
        if out.starts_with(root.join(dir)) {
            return refuse(&format!("it is inside the site's `{dir}/` folder"));
        }
    }
    Ok(())
}

/// Absolute, symlink-free form of a path that may not exist yet.
fn normalize(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => normalize(parent).join(name),
        _ => abs,
    }
}

/// An output folder being written.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    tmp: PathBuf,
    /// The folder being written, open: files and folders are made
    /// relative to it, so the kernel walks `a/b/index.html`, not the whole
    /// absolute path, for each (path lookups were ~8% of a 10k-page
    /// build's samples, reads and writes together).
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
    /// The output being replaced, open, when it is folio's: unchanged
    /// files are linked from it.
    #[cfg(unix)]
    previous: Option<std::os::fd::OwnedFd>,
}

impl Staging {
    /// Creates the temporary sibling of `target`, after checking that an
    /// existing `target` is folio's (or empty) and removing leftovers of
    /// killed builds.
    pub fn begin(target: &Path) -> Result<Staging, Diagnostic> {
        let target = normalize(target);
        if target.exists() && !is_replaceable(&target) {
            return Err(Diagnostic::error(format!(
                "`{}` exists and was not created by folio; refusing to replace it",
                target.display()
            ))
            .with_hint(
                "move it away or choose another --out; folio only replaces folders it created",
            ));
        }
        let parent = target.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        remove_leftovers(&parent, &name);
        let tmp = parent.join(format!("{name}.tmp-{}", std::process::id()));
        let env_error = |e: io::Error| {
            Diagnostic::error(format!("cannot create `{}`: {e}", tmp.display()))
                .with_hint("check that the output's parent folder exists and is writable")
        };
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(env_error)?;
        }
        fs::create_dir_all(&tmp).map_err(env_error)?;
        fs::write(tmp.join(MARKER), MARKER_TEXT).map_err(env_error)?;
        #[cfg(unix)]
        let fd = File::open(&tmp).map_err(env_error)?.into();
        let staging = Staging {
            target,
            tmp,
            #[cfg(unix)]
            fd,
            #[cfg(unix)]
            previous: None,
        };
        let target = staging.target.clone();
        Ok(staging.reusing(&target))
    }

    /// Takes unchanged files from `previous` when it is an output of
    /// folio's: the folder being replaced (what [`Staging::begin`] sets),
    /// or the site `folio serve` is serving.
    pub fn reusing(self, previous: &Path) -> Self {
        #[cfg(unix)]
        {
            let mut s = self;
            s.previous = previous
                .join(MARKER)
                .is_file()
                .then(|| File::open(previous).ok().map(Into::into))
                .flatten();
            s
        }
        #[cfg(not(unix))]
        {
            let _ = previous;
            self
        }
    }

    /// The folder being written.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// Writes a new file at `rel`; two writes to one path are an error.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        refuse_outside(rel)?;
        #[cfg(unix)]
        if self.link_unchanged(rel, bytes)? {
            return Ok(());
        }
        let mut f = self.create_inside(rel)?;
        f.write_all(bytes)
    }

    /// Links `rel` (checked to stay inside) from the previous output when
    /// that file holds exactly `bytes`; false when there is no such file
    /// (or it cannot be linked), and the caller writes it.
    #[cfg(unix)]
    fn link_unchanged(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        use std::io::Read;
        self.link_previous(rel, |old, size, _| {
            if size != bytes.len() as u64 {
                return false;
            }
            let mut chunk = [0u8; 16 * 1024];
            let mut seen = 0;
            loop {
                match old.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) if bytes.get(seen..seen + n) == Some(&chunk[..n]) => seen += n,
                    Ok(_) => return false,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => return false,
                }
            }
            seen == bytes.len()
        })
    }

    /// Links `rel` (checked to stay inside) from the previous output when
    /// that file is a copy of the file described by `source`: the same
    /// size and modification time, which [`Staging::copy`] gives its
    /// copies (rsync's quick check), for a source [`settled`]. False when
    /// there is no such file.
    #[cfg(unix)]
    fn link_copied(&self, rel: &str, source: &fs::Metadata) -> io::Result<bool> {
        use std::os::unix::fs::MetadataExt;
        let modified = (source.mtime(), source.mtime_nsec());
        if !settled(modified.0) {
            return Ok(false);
        }
        self.link_previous(rel, |_, size, mtime| {
            size == source.len() && mtime == modified
        })
    }

    /// Links `rel` from the previous output when it holds a regular file
    /// (a symbolic link in its place is not followed) that `same` accepts,
    /// given the open file, its size and its modification time (seconds,
    /// nanoseconds). False when there is none, or it cannot be linked.
    #[cfg(unix)]
    fn link_previous(
        &self,
        rel: &str,
        same: impl FnOnce(&mut File, u64, (i64, i64)) -> bool,
    ) -> io::Result<bool> {
        use rustix::fs::{fstat, linkat, openat, AtFlags, FileType, Mode, OFlags};
        use rustix::io::Errno;
        let Some(previous) = &self.previous else {
            return Ok(false);
        };
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let Ok(old) = openat(previous, rel, flags, Mode::empty()) else {
            return Ok(false);
        };
        let Ok(st) = fstat(&old) else {
            return Ok(false);
        };
        let (Ok(size), FileType::RegularFile) = (
            u64::try_from(st.st_size),
            FileType::from_raw_mode(st.st_mode),
        ) else {
            return Ok(false);
        };
        // `time_t` and `long` are `i64` here, not on every Unix.
        #[allow(clippy::unnecessary_cast)]
        let mtime = (st.st_mtime as i64, st.st_mtime_nsec as i64);
        if !same(&mut File::from(old), size, mtime) {
            return Ok(false);
        }
        if let Some((parent, _)) = rel.rsplit_once('/') {
            self.create_dirs(parent)?;
        }
        match linkat(previous, rel, &self.fd, rel, AtFlags::empty()) {
            Ok(()) => Ok(true),
            Err(Errno::EXIST) => Err(two_outputs(rel)),
            // Another file system, a limit on links, …: write it instead.
            Err(_) => Ok(false),
        }
    }

    /// Copies the file `from` to `rel`, with its modification time. A
    /// file the previous output holds at `rel` with the same size and
    /// modification time was copied from it unchanged, and is linked
    /// instead (on Unix): a site's large static files (screenshots, PDFs)
    /// are not copied again on every build.
    pub fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        refuse_outside(rel)?;
        let mut src = File::open(from)?;
        let meta = src.metadata()?;
        #[cfg(unix)]
        if self.link_copied(rel, &meta)? {
            return Ok(());
        }
        let mut dst = self.create_inside(rel)?;
        io::copy(&mut src, &mut dst)?;
        // For the check above in the next build (and for servers'
        // `Last-Modified`); without it, the file is only copied again.
        if let Ok(modified) = meta.modified() {
            let _ = dst.set_modified(modified);
        }
        Ok(())
    }

    /// Creates a new file at `rel` (and its folders). A path that would
    /// leave the folder (absolute, or with a `..` segment) is refused:
    /// whatever the site says, nothing is written outside the output.
    /// Unlike [`Staging::write`] and [`Staging::copy`], it never links the
    /// previous output's file.
    pub fn create(&self, rel: &str) -> io::Result<File> {
        refuse_outside(rel)?;
        self.create_inside(rel)
    }

    /// [`Staging::create`] for a path already checked to stay inside.
    fn create_inside(&self, rel: &str) -> io::Result<File> {
        if let Some((parent, _)) = rel.rsplit_once('/') {
            self.create_dirs(parent)?;
        }
        self.create_new(rel).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                two_outputs(rel)
            } else {
                e
            }
        })
    }

    #[cfg(unix)]
    fn create_new(&self, rel: &str) -> io::Result<File> {
        use rustix::fs::{openat, Mode, OFlags};
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC;
        Ok(openat(&self.fd, rel, flags, Mode::from_raw_mode(0o666))?.into())
    }

    #[cfg(not(unix))]
    fn create_new(&self, rel: &str) -> io::Result<File> {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.tmp.join(rel))
    }

    /// Creates the folder `rel` and any missing parents; most exist
    /// already or need only the last step, so that is tried first.
    #[cfg(unix)]
    fn create_dirs(&self, rel: &str) -> io::Result<()> {
        use rustix::fs::{mkdirat, Mode};
        use rustix::io::Errno;
        match mkdirat(&self.fd, rel, Mode::from_raw_mode(0o777)) {
            Ok(()) | Err(Errno::EXIST) => Ok(()),
            Err(Errno::NOENT) => {
                if let Some((parent, _)) = rel.rsplit_once('/') {
                    self.create_dirs(parent)?;
                }
                match mkdirat(&self.fd, rel, Mode::from_raw_mode(0o777)) {
                    // Another worker may have made it meanwhile.
                    Ok(()) | Err(Errno::EXIST) => Ok(()),
                    Err(e) => Err(e.into()),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    #[cfg(not(unix))]
    fn create_dirs(&self, rel: &str) -> io::Result<()> {
        fs::create_dir_all(self.tmp.join(rel))
    }

    /// Swaps the finished folder in place of the target.
    pub fn commit(self) -> Result<PathBuf, Diagnostic> {
        let fail = |e: io::Error| {
            Diagnostic::error(format!("cannot replace `{}`: {e}", self.target.display()))
        };
        let old = self.tmp.with_file_name(format!(
            "{}.old-{}",
            self.target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(fail)?;
        }
        if let Err(e) = fs::rename(&self.tmp, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(fail(e));
        }
        if had_old && is_replaceable(&old) {
            remove_in_background(&old);
        }
        Ok(self.target.clone())
    }

    /// Removes the unfinished folder; the previous output is untouched.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.tmp);
    }
}

/// A build that panics (a bug of folio's) unwinds through its staging
/// folder, which goes with it: the next build would remove it too, but
/// the one that failed should leave nothing behind.
impl Drop for Staging {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Refuses a path that would leave the output folder (absolute, or with a
/// `..` segment), whatever the site says.
fn refuse_outside(rel: &str) -> io::Result<()> {
    if rel.starts_with('/') || rel.split(['/', '\\']).any(|s| s == "..") {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{rel}` would be written outside the output folder"),
        ));
    }
    Ok(())
}

fn two_outputs(rel: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("two outputs would be written to `{rel}`"),
    )
}

/// Deletes a replaced output folder without making the build wait for it:
/// removing tens of thousands of files takes longer than rendering them.
/// A separate process does it, so it finishes even after folio exits; if it
/// is killed, the next build removes the leftover (it carries the mark).
pub fn remove_in_background(dir: &Path) {
    let mut rm = std::process::Command::new("rm");
    rm.arg("-rf").arg("--").arg(dir);
    if spawn_in_background(&mut rm).is_err() {
        let _ = fs::remove_dir_all(dir);
    }
}

/// Starts `command` detached from folio's terminal, at the lowest CPU
/// priority, so that it never takes a core from a build or the preview's
/// answers. (On this 2-core machine, full rebuilds of the 10k corpus 0.7 s
/// apart under `folio serve` took the same time either way: the deletion
/// was done by then.) A thread reaps it: the preview left a finished `rm`
/// process behind at each full rebuild until it exited. When folio exits
/// first, the process goes on alone. Returns its process id.
fn spawn_in_background(command: &mut std::process::Command) -> io::Result<u32> {
    let mut child = command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let id = child.id();
    #[cfg(unix)]
    {
        // The child may already be gone: nothing to lower then.
        let pid = rustix::process::Pid::from_raw(id as i32);
        let _ = rustix::process::setpriority_process(pid, 19);
    }
    std::thread::spawn(move || child.wait());
    Ok(id)
}

/// True for folders folio created (marked) or empty folders.
fn is_replaceable(dir: &Path) -> bool {
    dir.is_dir()
        && (dir.join(MARKER).is_file() || fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none()))
}

/// Replaces one file atomically: writes a hidden temporary sibling, named
/// for this process so that two folio processes never write the same one,
/// and renames it over `path` (creating the folder first). On failure the
/// temporary file is removed and `path` is as it was. For single files
/// outside a [`Staging`] folder: the preview's edits and folio's caches.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.folio-tmp-{}", std::process::id()));
    let written = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Removes `<name>.tmp-*` and `<name>.old-*` siblings left by killed builds,
/// but only when they carry folio's mark.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let leftover = [".tmp-", ".old-"].iter().any(|infix| {
            file_name
                .strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(infix))
        });
        if leftover && entry.path().join(MARKER).is_file() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn background_work_runs_at_the_lowest_priority_and_is_reaped() {
        let pid = spawn_in_background(std::process::Command::new("sleep").arg("0.5")).unwrap();
        let proc = std::path::PathBuf::from(format!("/proc/{pid}"));
        let nice = rustix::process::Pid::from_raw(pid as i32)
            .map(|p| rustix::process::getpriority_process(Some(p)).unwrap());
        assert_eq!(nice, Some(19));
        // Once it ends, nothing of it is left (a process nobody waits for
        // stays listed, as a zombie, until folio exits).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while proc.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(!proc.exists(), "process {pid} was not reaped");
        // The directory removal itself still works.
        let tmp = tempfile::tempdir().unwrap();
        let old = tmp.path().join("old");
        fs::create_dir_all(old.join("a/b")).unwrap();
        fs::write(old.join("a/b/index.html"), "x").unwrap();
        remove_in_background(&old);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while old.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!old.exists());
    }

    #[test]
    fn write_atomic_replaces_whole_files_and_leaves_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("cache/entry");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(tmp.path().join("cache"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["entry"]);
        // A folder in the way: an error, and the folder is left alone.
        let blocked = tmp.path().join("cache/dir");
        fs::create_dir_all(blocked.join("inner")).unwrap();
        assert!(write_atomic(&blocked, b"x").is_err());
        assert!(blocked.join("inner").is_dir());
        let names = fs::read_dir(tmp.path().join("cache")).unwrap().count();
        assert_eq!(names, 2, "no temporary file left");
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("folio-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn refuses_sources_and_ancestors() {
        let root = scratch("refuse");
        fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_out_dir(&root, &root).is_err());
        assert!(check_out_dir(&root, root.parent().unwrap()).is_err());
        assert!(check_out_dir(&root, &root.join("content")).is_err());
        assert!(check_out_dir(&root, &root.join("content/out")).is_err());
        assert!(check_out_dir(&root, &root.join("themes")).is_err());
        assert!(check_out_dir(&root, Path::new("/")).is_err());
        assert!(check_out_dir(&root, &root.join("public")).is_ok());
    }

    #[test]
    fn files_are_made_in_new_and_existing_folders_from_many_threads() {
        let root = scratch("nested");
        let out = root.join("public");
        let s = Staging::begin(&out).unwrap();
        std::thread::scope(|scope| {
            for t in 0..4 {
                let s = &s;
                scope.spawn(move || {
                    for i in 0..50 {
                        s.write(&format!("a/b{}/p{t}-{i}/index.html", i % 3), b"x")
                            .unwrap();
                    }
                });
            }
        });
        s.write("a/index.html", b"section").unwrap();
        s.copy("a/b0/copy.txt", &out.with_file_name("missing"))
            .unwrap_err();
        for outside in [
            "../x/index.html",
            "/tmp/x.html",
            "a/../../x.html",
            "a\\..\\..\\x",
        ] {
            let err = s.write(outside, b"no").unwrap_err();
            assert!(
                err.to_string().contains("outside the output folder"),
                "{outside}: {err}"
            );
        }
        assert!(!root.join("x").exists() && !root.join("x.html").exists());
        let err = s.write("a/b1/p0-1/index.html", b"again").unwrap_err();
        assert!(err
            .to_string()
            .contains("two outputs would be written to `a/b1/p0-1/index.html`"));
        let target = s.commit().unwrap();
        assert_eq!(fs::read(target.join("a/b2/p3-2/index.html")).unwrap(), b"x");
        assert_eq!(fs::read(target.join("a/index.html")).unwrap(), b"section");
    }

    #[test]
    fn swaps_in_and_replaces_only_own_folders() {
        let root = scratch("swap");
        let out = root.join("public");
        let s = Staging::begin(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        assert!(
            s.write("a/index.html", b"two").is_err(),
            "second write to one path must fail"
        );
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");

        let s = Staging::begin(&out).unwrap();
        s.write("b.html", b"new").unwrap();
        s.abort();
        assert!(
            out.join("a/index.html").exists(),
            "aborted build keeps the old output"
        );

        let foreign = root.join("mine");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "keep").unwrap();
        assert!(Staging::begin(&foreign).is_err());
        assert_eq!(
            fs::read_to_string(foreign.join("notes.txt")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn a_build_that_panics_leaves_its_folder_to_no_one() {
        let root = scratch("panic");
        let out = root.join("public");
        let s = Staging::begin(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.commit().unwrap();
        let staging = Staging::begin(&out).unwrap();
        let tmp = staging.dir().to_path_buf();
        staging.write("b/index.html", b"two").unwrap();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let _held = staging;
            panic!("a bug");
        }));
        assert!(panicked.is_err());
        assert!(!tmp.exists(), "the staging folder went with the panic");
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");
        assert!(!out.join("b").exists());
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_from_the_previous_output() {
        use std::os::unix::fs::MetadataExt;
        let root = scratch("link");
        let out = root.join("public");
        let s = Staging::begin(&out).unwrap();
        s.write("same/index.html", b"unchanged").unwrap();
        s.write("changed/index.html", b"old text").unwrap();
        s.write("grown.html", b"short").unwrap();
        s.write("trap.html", b"secret").unwrap();
        s.commit().unwrap();
        let inode = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
        let before = (inode("same/index.html"), inode("changed/index.html"));
        // A symbolic link where a file was is not followed.
        fs::write(root.join("outside.txt"), "secret").unwrap();
        fs::remove_file(out.join("trap.html")).unwrap();
        std::os::unix::fs::symlink(root.join("outside.txt"), out.join("trap.html")).unwrap();

        let s = Staging::begin(&out).unwrap();
        s.write("same/index.html", b"unchanged").unwrap();
        s.write("changed/index.html", b"new text").unwrap();
        s.write("grown.html", b"longer now").unwrap();
        s.write("trap.html", b"secret").unwrap();
        let err = s.write("same/index.html", b"unchanged").unwrap_err();
        assert!(err.to_string().contains("two outputs"), "{err}");
        let staged = s.dir().to_path_buf();
        let staged_inode = |p: &str| fs::metadata(staged.join(p)).unwrap().ino();
        assert_eq!(staged_inode("same/index.html"), before.0, "linked");
        assert_ne!(staged_inode("changed/index.html"), before.1, "written anew");
        assert!(!fs::symlink_metadata(staged.join("trap.html"))
            .unwrap()
            .is_symlink());
        // The previous output is untouched until the swap.
        assert_eq!(
            fs::read(out.join("changed/index.html")).unwrap(),
            b"old text"
        );
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("same/index.html")).unwrap(), b"unchanged");
        assert_eq!(
            fs::read(out.join("changed/index.html")).unwrap(),
            b"new text"
        );
        assert_eq!(fs::read(out.join("grown.html")).unwrap(), b"longer now");
        assert_eq!(fs::read(out.join("trap.html")).unwrap(), b"secret");
        assert_eq!(fs::read(root.join("outside.txt")).unwrap(), b"secret");
    }

    #[cfg(unix)]
    #[test]
    fn copies_keep_their_time_and_unchanged_ones_are_linked() {
        use std::os::unix::fs::MetadataExt;
        let root = scratch("copy");
        let out = root.join("public");
        let set_time = |path: &Path, time: std::time::SystemTime| {
            let file = fs::File::options().write(true).open(path).unwrap();
            file.set_modified(time).unwrap();
        };
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let source = |name: &str, text: &str| {
            let path = root.join(name);
            fs::write(&path, text).unwrap();
            set_time(&path, an_hour_ago);
            path
        };
        let (same, edited, touched, trap, fresh) = (
            source("same.pdf", "unchanged"),
            source("edited.pdf", "old text"),
            source("touched.pdf", "same text"),
            source("trap.pdf", "secret"),
            root.join("fresh.pdf"),
        );
        // Saved just now: the same length and time may yet be another
        // version (a coarse clock's tick), so it is copied each time.
        fs::write(&fresh, "just saved").unwrap();
        let s = Staging::begin(&out).unwrap();
        for (rel, from) in [
            ("files/same.pdf", &same),
            ("edited.pdf", &edited),
            ("touched.pdf", &touched),
            ("trap.pdf", &trap),
            ("fresh.pdf", &fresh),
        ] {
            s.copy(rel, from).unwrap();
        }
        s.commit().unwrap();
        let meta = |p: &Path| fs::metadata(p).unwrap();
        let stamp = |m: fs::Metadata| (m.mtime(), m.mtime_nsec());
        assert_eq!(
            stamp(meta(&out.join("files/same.pdf"))),
            stamp(meta(&same)),
            "the copy has the source's time"
        );
        let before = |p: &str| meta(&out.join(p)).ino();
        let inodes = (
            before("files/same.pdf"),
            before("edited.pdf"),
            before("touched.pdf"),
            before("fresh.pdf"),
        );
        // Edited, with the same length; touched, with the same bytes; and a
        // symbolic link where a copy was, which is not followed.
        fs::write(&edited, "new text").unwrap();
        set_time(&edited, an_hour_ago + std::time::Duration::from_secs(60));
        set_time(&touched, an_hour_ago + std::time::Duration::from_secs(60));
        fs::remove_file(out.join("trap.pdf")).unwrap();
        std::os::unix::fs::symlink(&trap, out.join("trap.pdf")).unwrap();

        let s = Staging::begin(&out).unwrap();
        s.copy("files/same.pdf", &same).unwrap();
        s.copy("edited.pdf", &edited).unwrap();
        s.copy("touched.pdf", &touched).unwrap();
        s.copy("trap.pdf", &trap).unwrap();
        s.copy("fresh.pdf", &fresh).unwrap();
        let err = s.copy("files/same.pdf", &same).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists, "{err}");
        assert!(s.copy("../escape.pdf", &same).is_err());
        let staged = |p: &str| meta(&s.dir().join(p)).ino();
        assert_eq!(staged("files/same.pdf"), inodes.0, "linked");
        assert_ne!(staged("edited.pdf"), inodes.1, "copied anew");
        assert_ne!(staged("touched.pdf"), inodes.2, "copied anew");
        assert_ne!(staged("fresh.pdf"), inodes.3, "copied anew");
        assert!(!fs::symlink_metadata(s.dir().join("trap.pdf"))
            .unwrap()
            .is_symlink());
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("edited.pdf")).unwrap(), b"new text");
        assert_eq!(fs::read(out.join("trap.pdf")).unwrap(), b"secret");
        assert!(!root.join("escape.pdf").exists());
        // A copy never shares the source's file.
        assert_ne!(meta(&out.join("files/same.pdf")).ino(), meta(&same).ino());
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed_only_if_marked() {
        let root = scratch("leftover");
        let marked = root.join("public.tmp-99999");
        fs::create_dir_all(&marked).unwrap();
        fs::write(marked.join(MARKER), "").unwrap();
        let unmarked = root.join("public.tmp-mine");
        fs::create_dir_all(&unmarked).unwrap();
        Staging::begin(&root.join("public")).unwrap().abort();
        assert!(!marked.exists());
        assert!(unmarked.exists());
    }
}
