//! Facts about files kept between builds, trusted while a file's length
//! and modification time are those it had (rsync's quick check).
//!
//! A cache file of `.folio-cache/` holds a name, the build's fingerprint
//! (see [`super::sources::executable_id`]: another folio's file is
//! ignored), then a line per file: `length seconds nanoseconds facts…
//! path`, the facts being numbers. Used for image sizes
//! ([`super::sizes`]) and for the content hash and orientation of
//! featured images ([`super::images`]). A cache is only a help: one that
//! cannot be read or written costs the work it would have saved.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

use crate::output::settled;

/// What a file looked like: its length and its modification time in
/// seconds and nanoseconds.
pub(super) type Stamp = (u64, i64, i64);

/// The [`Stamp`] of a file.
pub(super) fn stamp(meta: &fs::Metadata) -> Stamp {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.len(), meta.mtime(), meta.mtime_nsec())
    }
    #[cfg(not(unix))]
    {
        let since = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        (
            meta.len(),
            since.as_secs() as i64,
            i64::from(since.subsec_nanos()),
        )
    }
}

/// A cache file of `N` facts a file.
pub(super) struct StampFile<const N: usize> {
    /// Where it is.
    pub path: PathBuf,
    /// Its first line, naming what it holds and its version.
    pub name: &'static str,
    /// The build's fingerprint, its second line.
    pub build: String,
}

/// The facts kept of each file, with the stamp it had, by project path.
pub(super) type Kept<const N: usize> = HashMap<String, (Stamp, [u64; N])>;

/// The facts kept of the file `rel` while its stamp is still `now`.
pub(super) fn trusted<const N: usize>(
    kept: &Kept<N>,
    rel: &str,
    now: Option<Stamp>,
) -> Option<[u64; N]> {
    let &(then, facts) = kept.get(rel)?;
    (now == Some(then)).then_some(facts)
}

impl<const N: usize> StampFile<N> {
    /// The facts the file holds; none when it is missing, of another
    /// name or build, or cut short or garbled (ignored whole).
    pub fn read(&self) -> Kept<N> {
        let text = fs::read_to_string(&self.path).unwrap_or_default();
        self.decode(&text).unwrap_or_default()
    }

    fn decode(&self, text: &str) -> Option<Kept<N>> {
        let mut lines = text.split_terminator('\n');
        if lines.next()? != self.name || lines.next()? != self.build || !text.ends_with('\n') {
            return None;
        }
        lines
            .map(|line| {
                let mut fields = line.splitn(N + 4, ' ');
                let mut number = || fields.next()?.parse::<i64>().ok();
                let stamp = (u64::try_from(number()?).ok()?, number()?, number()?);
                let mut facts = [0; N];
                for fact in &mut facts {
                    *fact = fields.next()?.parse().ok()?;
                }
                let rel = fields.next().filter(|r| !r.is_empty())?;
                Some((rel.to_string(), (stamp, facts)))
            })
            .collect()
    }

    /// The text of a file holding `entries`, sorted by path (the same
    /// site gives the same file).
    fn encode<'a>(&self, entries: impl Iterator<Item = (&'a str, Stamp, [u64; N])>) -> String {
        let mut entries: Vec<_> = entries.collect();
        entries.sort_unstable_by_key(|&(rel, ..)| rel);
        use std::fmt::Write;
        let mut text = format!("{}\n{}\n", self.name, self.build);
        for (rel, (len, secs, nanos), facts) in entries {
            let _ = write!(text, "{len} {secs} {nanos} ");
            for fact in facts {
                let _ = write!(text, "{fact} ");
            }
            text.push_str(rel);
            text.push('\n');
        }
        text
    }

    /// Writes `entries` when they are not what the file holds (`kept`):
    /// a file was read anew (`read_any`), or files came or went.
    pub fn update<'a, I>(&self, kept: &Kept<N>, read_any: bool, entries: I)
    where
        I: Iterator<Item = (&'a str, Stamp, [u64; N])> + Clone,
    {
        if read_any || entries.clone().count() != kept.len() {
            self.write(entries);
        }
    }

    /// Writes `entries` but those of files changed too lately to trust
    /// (see [`settled`]), which the next build reads again (project paths
    /// never hold a line break: discover refuses control characters).
    /// Failure leaves the old file, or none.
    fn write<'a>(&self, entries: impl Iterator<Item = (&'a str, Stamp, [u64; N])>) {
        let settled = entries.filter(|&(_, (_, secs, _), _)| settled(secs));
        let _ = crate::output::write_atomic(&self.path, self.encode(settled).as_bytes());
    }
}

/// Sets a file's modification time `secs` seconds back: tests make files
/// and need them [`settled`] at once.
#[cfg(test)]
pub(super) fn backdate(path: &std::path::Path, secs: u64) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(then))
        .unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_anything_else_is_ignored_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let file = StampFile::<2> {
            path: tmp.path().join(".folio-cache/things"),
            name: "folio things 1",
            build: "exe=1".into(),
        };
        assert!(file.read().is_empty(), "no file yet");
        let just_now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let entries = [
            ("static/my shots/b c.png", (10, 1, 2), [3, u64::MAX]),
            ("images/a.png", (20, -5, 999_999_999), [0, 7]),
            ("images/new.png", (30, just_now - 1, 0), [1, 1]),
        ];
        file.write(entries.iter().copied());
        let text = fs::read_to_string(&file.path).unwrap();
        assert!(
            text.starts_with("folio things 1\nexe=1\n20 -5 999999999 0 7 images/a.png\n"),
            "{text}"
        );
        let kept = file.read();
        assert_eq!(kept.len(), 2, "a file changed a second ago is not kept");
        assert_eq!(kept["static/my shots/b c.png"], ((10, 1, 2), [3, u64::MAX]));
        assert_eq!(kept["images/a.png"], ((20, -5, 999_999_999), [0, 7]));
        for garbled in [
            text.replace("exe=1", "exe=2"),
            text.replace("things 1", "things 2"),
            text.replace(" 7 ", " seven "),
            text.trim_end().to_string(),
            text.replace(" 0 7 images/a.png", " 0 7"),
        ] {
            fs::write(&file.path, &garbled).unwrap();
            assert!(file.read().is_empty(), "{garbled}");
        }
    }
}
