//! Stage 1, discover: find the files a site is made of.
//!
//! Walks `content/` (pages and co-located assets), `images/` and `static/`.
//! Hidden files and editors' temporary files are skipped; symlink loops and
//! symlinks leaving the project are reported instead of followed. Paths are
//! kept project-relative with `/` separators so later stages are portable
//! and testable without a file system.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;

/// A file of the site, by project-relative path (`content/a/b.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Project-relative path with `/` separators.
    pub rel: String,
    /// Path on disk.
    pub abs: PathBuf,
}

/// Everything found under a site root.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Markdown pages under `content/`, sorted by path.
    pub pages: Vec<SourceFile>,
    /// Images and other files under `images/` and `content/` (non-Markdown).
    pub assets: Vec<SourceFile>,
    /// Files under `static/`, copied verbatim to the output root.
    pub statics: Vec<SourceFile>,
    /// The symbolic links followed (to files or folders inside the
    /// project), so that `folio serve` can tell a change of a link's
    /// target as a change of the link's files.
    pub links: Vec<Link>,
}

impl Discovered {
    /// Records a file of `content/`, `images/` or `static/` (not a page)
    /// that came since the walk, as `folio serve` takes it in.
    pub fn add_file(&mut self, root: &Path, rel: &str) {
        let list = self.files_of(rel);
        if !list.iter().any(|f| f.rel == rel) {
            list.push(SourceFile {
                rel: rel.to_string(),
                abs: root.join(rel),
            });
        }
    }

    /// Forgets a file of `content/`, `images/` or `static/` (not a page)
    /// that went since the walk.
    pub fn remove_file(&mut self, rel: &str) {
        self.files_of(rel).retain(|f| f.rel != rel);
    }

    /// True when the walk (or a later [`Discovered::add_file`]) found the
    /// file of `content/`, `images/` or `static/` (not a page) at `rel`.
    pub fn has_file(&self, rel: &str) -> bool {
        let list = match rel.starts_with("static/") {
            true => &self.statics,
            false => &self.assets,
        };
        list.iter().any(|f| f.rel == rel)
    }

    fn files_of(&mut self, rel: &str) -> &mut Vec<SourceFile> {
        if rel.starts_with("static/") {
            &mut self.statics
        } else {
            &mut self.assets
        }
    }
}

/// A symbolic link followed by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The link's path, as walked (under the root as given).
    pub path: PathBuf,
    /// Where it leads: a canonical path inside the project.
    pub target: PathBuf,
}

/// True for Markdown sources.
pub fn is_markdown(name: &str) -> bool {
    name.ends_with(".md") || name.ends_with(".markdown")
}

/// True for the raster formats folio reads sizes of (and resizes).
pub fn is_raster(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// True for files an editor leaves behind while saving, and hidden files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [".swp", ".swx", ".swo", ".bck", ".tmp", ".part"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Walks the site at `root`. Missing folders are simply empty.
pub fn discover(root: &Path) -> (Discovered, Vec<Diagnostic>) {
    let mut found = Discovered::default();
    let mut diags = Vec::new();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for dir in ["content", "images", "static"] {
        for file in walk(root, &canonical_root, dir, &mut found.links, &mut diags) {
            let name = file.rel.rsplit('/').next().unwrap_or_default();
            match dir {
                "content" if is_markdown(name) => found.pages.push(file),
                "static" => found.statics.push(file),
                _ => found.assets.push(file),
            }
        }
    }
    (found, diags)
}

fn walk(
    root: &Path,
    canonical_root: &Path,
    dir: &str,
    links: &mut Vec<Link>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<SourceFile> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    let mut outside = Vec::new();
    let walker = WalkDir::new(&base)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && is_ignored_name(&e.file_name().to_string_lossy()) {
                return false;
            }
            if e.path_is_symlink() {
                match e.path().canonicalize() {
                    Ok(target) if target.starts_with(canonical_root) => links.push(Link {
                        path: e.path().to_path_buf(),
                        target,
                    }),
                    _ => {
                        outside.push(e.path().to_path_buf());
                        return false;
                    }
                }
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(walk_error(root, &e));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        match project_rel(root, entry.path()) {
            Ok(rel) => files.push(SourceFile {
                rel,
                abs: entry.path().to_path_buf(),
            }),
            Err(d) => diags.push(d),
        }
    }
    for link in outside {
        let rel = project_rel(root, &link).unwrap_or_else(|_| link.display().to_string());
        diags.push(
            Diagnostic::warning("symlink points outside the site (or nowhere); not followed")
                .in_file(rel)
                .with_hint("copy the file into the site, or point the link inside it"),
        );
    }
    files
}

fn walk_error(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e
        .path()
        .map(|p| project_rel(root, p).unwrap_or_else(|_| p.display().to_string()));
    let d = if e.loop_ancestor().is_some() {
        Diagnostic::error("symlink loop: this link points back to a folder that contains it")
            .with_hint("remove the link or point it elsewhere")
    } else {
        Diagnostic::error(format!(
            "cannot read: {}",
            e.io_error()
                .map_or_else(|| e.to_string(), |io| io.to_string())
        ))
        .with_hint("check that the file exists and is readable")
    };
    match path {
        Some(p) => d.in_file(p),
        None => d,
    }
}

/// Project-relative `/`-separated path, refusing names that cannot be URLs.
fn project_rel(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    if let Some(rel) = plain_rel(root, path) {
        return Ok(rel.to_string());
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut parts = Vec::new();
    for comp in rel.components() {
        let Some(part) = comp.as_os_str().to_str() else {
            return Err(Diagnostic::error("file name is not valid UTF-8")
                .in_file(rel.to_string_lossy().into_owned())
                .with_hint("rename the file using UTF-8 characters"));
        };
        if part.chars().any(char::is_control) {
            return Err(Diagnostic::error("file name contains control characters")
                .in_file(rel.to_string_lossy().into_owned())
                .with_hint("rename the file"));
        }
        parts.push(part);
    }
    Ok(parts.join("/"))
}

/// The common case of [`project_rel`] without taking the path apart (that
/// was half of walking a site's folders): on Unix, a walked path is the
/// root, then `/`-separated names. `None` sends any other path, and every
/// name with a control character (or a byte that may start one), the
/// long way.
fn plain_rel<'p>(root: &Path, path: &'p Path) -> Option<&'p str> {
    if !cfg!(unix) {
        return None;
    }
    let root = root.as_os_str().as_encoded_bytes();
    let rest = path.as_os_str().as_encoded_bytes().strip_prefix(root)?;
    let rest = match rest.strip_prefix(b"/") {
        Some(r) => r,
        None if root.is_empty() || root.ends_with(b"/") => rest,
        None => return None,
    };
    // C0 controls and DEL are bytes below 0x20 and 0x7F; C1 controls
    // (U+0080 to U+009F) start with 0xC2 in UTF-8.
    if rest.iter().any(|&b| b < 0x20 || b == 0x7F || b == 0xC2) {
        return None;
    }
    let rel = std::str::from_utf8(rest).ok()?;
    let plain = rel
        .split('/')
        .all(|name| !name.is_empty() && name != "." && name != "..");
    plain.then_some(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_ignored() {
        for n in [
            ".page.md.swp",
            "page.md~",
            "#page.md#",
            ".#page.md",
            "4913",
            "x.bck",
            ".DS_Store",
        ] {
            assert!(is_ignored_name(n), "{n}");
        }
        for n in ["page.md", "_index.md", "img.png"] {
            assert!(!is_ignored_name(n), "{n}");
        }
    }

    #[test]
    fn project_paths_are_the_same_the_short_and_the_long_way() {
        let long = |root: &Path, path: &Path| {
            let rel = path.strip_prefix(root).unwrap();
            let parts: Vec<_> = rel
                .components()
                .map(|c| c.as_os_str().to_str().unwrap())
                .collect();
            parts.join("/")
        };
        for (root, path) in [
            ("site", "site/content/a/b.md"),
            ("site/", "site/content/a/b.md"),
            ("/abs/site", "/abs/site/images/x y.png"),
            (".", "./content/été/page.md"),
            ("", "content/page.md"),
        ] {
            let (root, path) = (Path::new(root), Path::new(path));
            let rel = project_rel(root, path).unwrap();
            assert_eq!(rel, long(root, path), "{path:?}");
            if cfg!(unix) {
                assert_eq!(plain_rel(root, path), Some(rel.as_str()), "{path:?}");
            }
        }
        // Paths that are not plain go the long way, with the same result.
        for (root, path, rel) in [
            ("site", "site/content//a.md", "content/a.md"),
            ("site", "site/content/./a.md", "content/a.md"),
            ("site", "site/content/\u{a9}.md", "content/\u{a9}.md"),
        ] {
            let (root, path) = (Path::new(root), Path::new(path));
            assert_eq!(plain_rel(root, path), None, "{path:?}");
            assert_eq!(project_rel(root, path).unwrap(), rel);
        }
        // A prefix of a name is not the root.
        assert_eq!(plain_rel(Path::new("site"), Path::new("sites/a.md")), None);
        for bad in [
            "site/content/a\u{7}.md",
            "site/content/a\u{85}.md",
            "site/a\u{7f}",
        ] {
            let err = project_rel(Path::new("site"), Path::new(bad)).unwrap_err();
            assert!(err.message.contains("control characters"), "{bad}");
        }
    }

    #[test]
    fn markdown_extensions() {
        assert!(is_markdown("a.md"));
        assert!(is_markdown("a.markdown"));
        assert!(!is_markdown("a.mdx"));
    }
}
