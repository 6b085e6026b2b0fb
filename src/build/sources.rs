//! Reading what a build needs from disk: pages, config, theme, templates,
//! images.
//!
//! The I/O edge of the pipeline on the input side; everything here hands
//! plain data to the pure stages.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::config::{Config, CONFIG_FILE};
use crate::diagnostic::Diagnostic;
use crate::render::theme::{embedded_theme, TemplateSource, Theme, ThemeAsset, EMBEDDED_THEME};
use crate::render::{Globals, Templates};
use crate::site::Site;

/// The site root, open, for reading pages by their project-relative paths.
///
/// On Unix the pages are opened relative to the open folder, so the
/// kernel walks `content/a/b.md`, not the whole absolute path, for each
/// (path lookups were ~8% of a 10k-page build's samples, reads and writes
/// together). Elsewhere, or when the folder cannot be opened, by path.
#[derive(Debug)]
pub struct SourceDir {
    path: PathBuf,
    #[cfg(unix)]
    fd: Option<std::os::fd::OwnedFd>,
}

impl SourceDir {
    /// Opens the root (falling back to paths when that fails).
    pub fn open(root: &Path) -> SourceDir {
        SourceDir {
            path: root.to_path_buf(),
            #[cfg(unix)]
            fd: File::open(root).ok().map(Into::into),
        }
    }

    fn open_file(&self, rel: &str) -> io::Result<File> {
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            use rustix::fs::{openat, Mode, OFlags};
            return Ok(openat(fd, rel, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?.into());
        }
        File::open(self.path.join(rel))
    }

    /// Reads the page at `rel` whole.
    ///
    /// `fs::read` asks for the size (`statx`), reads, and reads once more
    /// to find the end. Here, with `expected` (the size the load stage
    /// saw), one read of that size plus a spare byte that comes back short
    /// shows the file is complete: 3 system calls instead of 5 for the
    /// pass that reads every page again. A file that changed size is read
    /// on to its end.
    pub fn read(&self, rel: &str, expected: Option<usize>) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.read_into(rel, expected, &mut bytes)?;
        Ok(bytes)
    }

    /// [`read`](Self::read) into `bytes`, replacing what it held.
    pub fn read_into(
        &self,
        rel: &str,
        expected: Option<usize>,
        bytes: &mut Vec<u8>,
    ) -> io::Result<()> {
        let mut file = self.open_file(rel)?;
        let expected = match expected {
            Some(n) => n,
            None => usize::try_from(file.metadata()?.len()).unwrap_or(0),
        };
        read_whole(&mut file, expected, bytes)
    }

    /// Reads the first `limit(size)` bytes of the page at `rel` into
    /// `bytes`, or all of it when it is no longer; returns the file's size
    /// (`size`). The load stage needs only the front matter, and the parse
    /// pass reads a page whole again unless the load stage held it:
    /// reading only the head saved ~9 ms of the 38 ms that loading 10,000
    /// pages took.
    pub fn read_head(
        &self,
        rel: &str,
        limit: impl FnOnce(usize) -> usize,
        bytes: &mut Vec<u8>,
    ) -> io::Result<usize> {
        let mut file = self.open_file(rel)?;
        let size = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        let limit = limit(size);
        if size <= limit {
            read_whole(&mut file, size, bytes)?;
            return Ok(bytes.len());
        }
        bytes.clear();
        // With room for `limit` bytes, one read fills it and the bound
        // ends the loop without asking the file again.
        bytes.reserve(limit);
        file.take(limit as u64).read_to_end(bytes)?;
        Ok(size)
    }
}

/// Reads `file` to its end into `bytes` (replacing what it held), in one
/// read when it is `expected` bytes long (see [`SourceDir::read`]).
fn read_whole(file: &mut File, expected: usize, bytes: &mut Vec<u8>) -> io::Result<()> {
    bytes.clear();
    bytes.reserve_exact(expected.saturating_add(1).min(1 << 30));
    loop {
        if bytes.len() == bytes.capacity() {
            bytes.reserve(bytes.capacity());
        }
        let n = match append_read(file, bytes) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        // A regular file's read comes back short only at its end.
        if n == 0 || (bytes.len() == expected && bytes.len() < bytes.capacity()) {
            return Ok(());
        }
    }
}

/// One read into the spare capacity of `bytes`, appended to what it holds.
/// On Unix the spare room is not zeroed first (zeroing every page's buffer
/// was 1.7% of a build's instructions, callgrind, 1k pages).
#[cfg(unix)]
fn append_read(file: &File, bytes: &mut Vec<u8>) -> io::Result<usize> {
    Ok(rustix::io::read(
        file,
        rustix::buffer::spare_capacity(bytes),
    )?)
}

#[cfg(not(unix))]
fn append_read(mut file: &File, bytes: &mut Vec<u8>) -> io::Result<usize> {
    let filled = bytes.len();
    bytes.resize(bytes.capacity(), 0);
    let n = file.read(&mut bytes[filled..]);
    bytes.truncate(filled + *n.as_ref().unwrap_or(&0));
    n
}

/// Reads `folio.toml` (defaults when absent). Its `base_url` is checked
/// unless `own_base_url` is false (the command line gave another).
pub(crate) fn read_config(
    root: &Path,
    own_base_url: bool,
    diags: &mut Vec<Diagnostic>,
) -> Result<Config, Diagnostic> {
    let path = root.join(CONFIG_FILE);
    if !path.exists() {
        return Ok(Config::default());
    }
    let text = fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(format!("cannot read {CONFIG_FILE}: {e}")).in_file(CONFIG_FILE)
    })?;
    let (config, d) = Config::parse(&text);
    diags.extend(d);
    if own_base_url {
        diags.extend(crate::config::base_url_in_file(&text, &config));
    }
    Ok(config)
}

/// Gives every local featured image its size; a featured file that is not
/// a readable image is an error at the `featured:` line.
pub(super) fn apply_featured_sizes(
    site: &mut Site,
    sizes: &HashMap<String, Result<(u32, u32), String>>,
    diags: &mut Vec<Diagnostic>,
) {
    for page in &mut site.pages {
        let Some(featured) = &mut page.featured else {
            continue;
        };
        let Some(path) = &featured.path else { continue };
        match sizes.get(path) {
            Some(Ok(size)) => featured.size = Some(*size),
            other => {
                let why = match other {
                    Some(Err(e)) => e.clone(),
                    _ => "not a PNG, JPEG, GIF or WebP image".into(),
                };
                let line = page.front.featured.as_ref().map_or(0, |(_, l)| *l);
                diags.push(
                    Diagnostic::error(format!("featured image `{path}` cannot be read: {why}"))
                        .in_file(page.source.clone())
                        .at_line(line, 1)
                        .with_hint("use a PNG, JPEG, GIF or WebP file"),
                );
            }
        }
    }
}

/// Quotes the line of each diagnostic placed at a line of a project file
/// by a stage that did not have the file's text at hand (URL collisions,
/// featured image sizes, `template` keys). Reads each such file once;
/// a file that cannot be read is left unquoted.
pub(super) fn quote_lines(root: &Path, diags: &mut [Diagnostic]) {
    let mut texts: HashMap<String, Option<String>> = HashMap::new();
    for d in diags {
        let (Some(file), None, 1..) = (&d.file, &d.source_line, d.line) else {
            continue;
        };
        let text = texts
            .entry(file.clone())
            .or_insert_with(|| fs::read_to_string(root.join(file)).ok());
        if let Some(text) = text {
            d.quote(text);
        }
    }
}

/// Loads the theme and site templates and compiles them, with the globals
/// of a build (`preview`: of `folio serve`).
pub(super) fn load_templates(
    root: &Path,
    config: &Config,
    preview: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Templates, Theme)> {
    // A name, not a path: `themes/` joined with `/etc` is `/etc`.
    let name = config.theme.as_str();
    if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
        diags.push(
            Diagnostic::error(format!("theme `{name}` is not the name of a folder"))
                .in_file(CONFIG_FILE)
                .with_hint(format!(
                    "name a folder of themes/ (`theme = \"mine\"` for themes/mine/), or use \
                     `theme = \"{EMBEDDED_THEME}\"` (built in)"
                )),
        );
        return None;
    }
    let theme_dir = root.join("themes").join(name);
    let theme = if theme_dir.is_dir() {
        Theme {
            templates: read_templates(root, &theme_dir.join("templates"), diags),
            assets: read_assets(root, &theme_dir.join("static"), diags),
        }
    } else if config.theme == EMBEDDED_THEME {
        embedded_theme()
    } else {
        diags.push(
            Diagnostic::error(format!(
                "theme `{}` not found (looked in themes/{0}/)",
                config.theme
            ))
            .in_file(CONFIG_FILE)
            .with_hint(format!(
                "use `theme = \"{EMBEDDED_THEME}\"` (built in) or add the theme folder"
            )),
        );
        return None;
    };
    let theme = theme.with_strings(&config.strings);
    let site_templates = read_templates(root, &root.join("templates"), diags);
    let globals = Globals {
        config,
        assets: &theme.asset_urls(&config.base_path(), preview),
        live_reload: preview,
    };
    match Templates::compile(&theme, &site_templates, &globals) {
        Ok(t) => Some((t, theme)),
        Err(d) => {
            diags.extend(d);
            None
        }
    }
}

/// The static files of the theme in `themes/`, read again, its scripts
/// with the site's words (see [`Theme::with_strings`]): what a build's
/// theme has after one of its files changed.
pub(super) fn reread_theme_assets(
    root: &Path,
    config: &Config,
) -> Result<Vec<ThemeAsset>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let dir = root.join("themes").join(&config.theme).join("static");
    let assets = read_assets(root, &dir, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    let theme = Theme {
        templates: Vec::new(),
        assets,
    };
    Ok(theme.with_strings(&config.strings).assets)
}

/// A file under a theme or template folder: its path relative to that
/// folder (the name templates use) and relative to the site root (shown in
/// messages).
struct FolderFile {
    name: String,
    shown: String,
    path: std::path::PathBuf,
}

/// Every file below `dir`, sorted, skipping editors' temporary files.
fn folder_files(root: &Path, dir: &Path) -> Vec<FolderFile> {
    let slash = |p: &Path| p.to_string_lossy().replace('\\', "/");
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| {
            e.file_type().is_file()
                && !crate::discover::is_ignored_name(&e.file_name().to_string_lossy())
        })
        .map(|e| FolderFile {
            name: slash(e.path().strip_prefix(dir).unwrap_or(e.path())),
            shown: slash(e.path().strip_prefix(root).unwrap_or(e.path())),
            path: e.into_path(),
        })
        .collect()
}

fn read_templates(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<TemplateSource> {
    let mut out = Vec::new();
    for f in folder_files(root, dir) {
        match fs::read_to_string(&f.path) {
            Ok(text) => out.push(TemplateSource {
                name: f.name,
                display_path: f.shown,
                text,
            }),
            Err(e) => {
                diags.push(Diagnostic::error(format!("cannot read template: {e}")).in_file(f.shown))
            }
        }
    }
    out
}

fn read_assets(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<ThemeAsset> {
    let mut assets = Vec::new();
    for f in folder_files(root, dir) {
        match ThemeAsset::from_file(f.name, f.path) {
            Ok(a) => assets.push(a),
            Err(e) => diags
                .push(Diagnostic::error(format!("cannot read theme file: {e}")).in_file(f.shown)),
        }
    }
    assets
}

/// Where highlighted code blocks are kept between builds (in the site root).
pub const HIGHLIGHT_CACHE: &str = ".folio-cache/highlight";

/// Gives the highlighter the blocks kept by the last build, if any.
pub(super) fn seed_highlight_cache(root: &Path) {
    if let Ok(bytes) = fs::read(root.join(HIGHLIGHT_CACHE)) {
        crate::markdown::seed_highlight_cache(&executable_id(), &bytes);
    }
}

/// The running executable's size and modification time, as ccache checks
/// its compiler: blocks highlighted by another build of folio (whose
/// highlighter may differ, though its version number does not) are not
/// trusted.
pub(super) fn executable_id() -> String {
    static ID: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let Ok(meta) = std::env::current_exe().and_then(fs::metadata) else {
            return String::new();
        };
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        format!("exe={}:{}", meta.len(), modified.as_nanos())
    });
    ID.clone()
}

/// Writes the highlight cache when it changed. A cache is only a help: a
/// site folder that cannot be written to just builds without it.
pub(super) fn save_highlight_cache(root: &Path) {
    let Some(bytes) = crate::markdown::highlight_cache_to_save(&executable_id()) else {
        return;
    };
    // Failure leaves the old cache (or none), which is only slower.
    let _ = crate::output::write_atomic(&root.join(HIGHLIGHT_CACHE), &bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_read_whole_whatever_size_was_expected() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("content/a")).unwrap();
        let path = tmp.path().join("content/a/page.md");
        let text = "---\ntitle: T\n---\n".repeat(1000);
        fs::write(&path, &text).unwrap();
        let n = text.len();
        let dir = SourceDir::open(tmp.path());
        // As loaded, unchanged since, grown since, shrunk since.
        for expected in [None, Some(n), Some(10), Some(0), Some(n + 5000)] {
            let bytes = dir.read("content/a/page.md", expected).unwrap();
            assert_eq!(bytes, text.as_bytes(), "{expected:?}");
        }
        // By path, when the root could not be opened first.
        let by_path = SourceDir {
            path: tmp.path().to_path_buf(),
            #[cfg(unix)]
            fd: None,
        };
        let bytes = by_path.read("content/a/page.md", Some(n)).unwrap();
        assert_eq!(bytes, text.as_bytes());
        // The head of a long page, and all of a short one, with its size.
        let mut head = b"left over".to_vec();
        assert_eq!(
            dir.read_head("content/a/page.md", |_| 100, &mut head)
                .unwrap(),
            n
        );
        assert_eq!(head, &text.as_bytes()[..100]);
        assert_eq!(
            dir.read_head(
                "content/a/page.md",
                |size| {
                    assert_eq!(size, n, "the limit is asked with the size");
                    size
                },
                &mut head
            )
            .unwrap(),
            n
        );
        assert_eq!(head, text.as_bytes());
        fs::write(&path, "").unwrap();
        assert!(dir.read("content/a/page.md", Some(n)).unwrap().is_empty());
        assert_eq!(
            dir.read_head("content/a/page.md", |_| 100, &mut head)
                .unwrap(),
            0
        );
        assert!(head.is_empty());
        assert!(dir.read("content/missing.md", None).is_err());
    }
}
