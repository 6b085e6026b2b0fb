//! Where `folio serve` writes the sites it serves: a new private folder,
//! in memory when the system has one with room, and the folders of
//! previews that were killed before they could clean up.

use std::io;
use std::path::{Path, PathBuf};

/// Free space a folder in memory needs to be chosen for the preview: a
/// container's `/dev/shm` is often 64 MiB, and the preview of a
/// 10,000-page handbook in the default theme takes ~220 MB.
const MEMORY_FOLDER_MIN_FREE: u64 = 1 << 30;

/// Where the preview may write its sites, best first, each with the free
/// space it must show to be chosen. A `TMPDIR` that is set is the user's
/// choice and comes first. Otherwise folders in memory come first
/// (`XDG_RUNTIME_DIR`, then `/dev/shm` on Linux): the system's temporary
/// folder is often on disk, where a full rebuild of a 1,000-page handbook
/// took 230-480 ms instead of 44-55 ms.
pub fn preview_places() -> Vec<(PathBuf, u64)> {
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
pub fn preview_base(places: &[(PathBuf, u64)]) -> io::Result<PathBuf> {
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

/// True unless the system says no process has this number, or (on Linux)
/// that it has ended and waits only to be reaped (a zombie: a preview
/// killed under a parent that never waits for it cleans up nothing).
#[cfg(unix)]
fn process_is_running(pid: i32) -> bool {
    let Some(id) = rustix::process::Pid::from_raw(pid) else {
        return true; // not a process number folio could have had
    };
    if matches!(
        rustix::process::test_kill_process(id),
        Err(rustix::io::Errno::SRCH)
    ) {
        return false;
    }
    !(cfg!(target_os = "linux") && is_zombie(pid))
}

/// True when `/proc` says the process has ended: its state, the first
/// field after the command name in parentheses, is `Z` (or `X`).
#[cfg(unix)]
fn is_zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X")
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn an_ended_process_nobody_waited_for_is_not_running() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id() as i32;
        // Not waited for yet: once it has ended, it is a zombie.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !is_zombie(pid) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(!process_is_running(pid), "a zombie counts as running");
        child.wait().unwrap();
        assert!(!process_is_running(pid));
        assert!(process_is_running(std::process::id() as i32));
    }

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
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let left = || {
            let mut left: Vec<String> = std::fs::read_dir(tmp.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            left.sort();
            left
        };
        while left().len() > 4 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
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
