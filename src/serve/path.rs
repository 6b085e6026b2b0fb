//! Mapping a request target to a file in the output folder, safely.
//!
//! The order matters (a prefix check on an un-normalised path is how
//! `zola serve` once served /etc/passwd): reject suspicious raw bytes,
//! percent-decode exactly once, reject dot segments, empty segments and
//! Windows shapes, then — as the very last step, in [`resolve_file`] —
//! canonicalise and require the result to be inside the output folder.

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

/// Why a request target was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// Malformed or hostile: answer 400.
    BadRequest,
    /// Well-formed but never served (dotfiles): answer 404.
    NotFound,
}

/// A decoded request path: its segments, and whether it named a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPath {
    /// Decoded path segments, none empty, none `.` or `..`.
    pub segments: Vec<String>,
    /// True when the path ended with `/` (or was `/`).
    pub is_dir: bool,
}

impl RequestPath {
    /// The path as the browser sees it, for matching reload events.
    pub fn url_path(&self) -> String {
        let mut s = String::from("/");
        s.push_str(&self.segments.join("/"));
        if self.is_dir && !self.segments.is_empty() {
            s.push('/');
        }
        s
    }
}

/// Decodes and checks a request target (`/a/b%20c/?q=1`).
pub fn map_request_path(target: &str) -> Result<RequestPath, PathError> {
    let raw = target.split('?').next().unwrap_or("");
    if !raw.starts_with('/')
        || raw.contains(['#', '\\'])
        || raw.chars().any(char::is_control)
        || raw.to_ascii_lowercase().contains("%5c")
    {
        return Err(PathError::BadRequest);
    }
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| PathError::BadRequest)?;
    if decoded.contains('\\') || decoded.chars().any(char::is_control) {
        return Err(PathError::BadRequest);
    }
    let is_dir = decoded.ends_with('/');
    let inner = &decoded[1..];
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    let mut segments = Vec::new();
    if !inner.is_empty() {
        for seg in inner.split('/') {
            if seg.is_empty() || seg == "." || seg == ".." {
                return Err(PathError::BadRequest);
            }
            if seg.contains(':') || seg.ends_with('.') || seg.ends_with(' ') {
                return Err(PathError::BadRequest);
            }
            if seg.starts_with('.') {
                return Err(PathError::NotFound);
            }
            segments.push(seg.to_string());
        }
    }
    Ok(RequestPath { segments, is_dir })
}

/// The file to serve for `path` under `root` (a canonical path): a folder
/// serves its `index.html`. `None` when nothing inside `root` matches,
/// including symlinks whose target leaves `root`.
pub fn resolve_file(root: &Path, path: &RequestPath) -> Option<PathBuf> {
    let mut candidate = root.to_path_buf();
    candidate.extend(&path.segments);
    if path.is_dir || candidate.is_dir() {
        candidate.push("index.html");
    }
    let canonical = candidate.canonicalize().ok()?;
    (canonical.starts_with(root) && canonical.is_file()).then_some(canonical)
}

/// True when `path` names a folder with an `index.html` but lacks the
/// final `/` (`/guide` for `/guide/`): the page must be asked for with it,
/// or its relative links resolve one folder too high.
pub fn needs_slash(root: &Path, path: &RequestPath) -> bool {
    if path.is_dir || path.segments.is_empty() {
        return false;
    }
    let mut folder = root.to_path_buf();
    folder.extend(&path.segments);
    folder.is_dir() && resolve_file(root, path).is_some()
}

/// Content type by file extension.
pub fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("pdf") => "application/pdf",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(target: &str) -> Vec<String> {
        map_request_path(target).expect(target).segments
    }

    #[test]
    fn plain_paths() {
        assert_eq!(
            map_request_path("/").unwrap(),
            RequestPath {
                segments: vec![],
                is_dir: true
            }
        );
        assert_eq!(segs("/a/b/"), ["a", "b"]);
        assert_eq!(segs("/a/b%20c/?x=1"), ["a", "b c"]);
        assert_eq!(segs("/caf%C3%A9/"), ["café"]);
        assert_eq!(map_request_path("/a/b/").unwrap().url_path(), "/a/b/");
    }

    #[test]
    fn traversal_and_hostile_shapes_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/.%2e/x",
            "/%2e./x",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%5C..",
            "/a//b",
            "/a/./b",
            "/a%00b",
            "/C:/windows",
            "/file::$DATA",
            "/trailing./",
            "/space%20/",
            "/%ff%fe",
            "relative",
            "http://evil/x",
            "/a#frag",
        ] {
            assert_eq!(map_request_path(bad), Err(PathError::BadRequest), "{bad}");
        }
    }

    #[test]
    fn double_encoding_stays_literal() {
        assert_eq!(segs("/%252e%252e/x"), ["%2e%2e", "x"]);
    }

    #[test]
    fn dotfiles_are_not_served() {
        for hidden in ["/.folio-build", "/.git/config", "/a/.env"] {
            assert_eq!(
                map_request_path(hidden),
                Err(PathError::NotFound),
                "{hidden}"
            );
        }
    }

    #[test]
    fn resolve_stays_inside_root_even_through_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("out");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/index.html"), "a").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret.txt"), root.join("leak.txt")).unwrap();
        let root = root.canonicalize().unwrap();
        let a = resolve_file(&root, &map_request_path("/a/").unwrap()).unwrap();
        assert!(a.ends_with("a/index.html"));
        assert!(
            resolve_file(&root, &map_request_path("/a").unwrap()).is_some(),
            "folder without slash"
        );
        assert_eq!(
            resolve_file(&root, &map_request_path("/leak.txt").unwrap()),
            None
        );
        assert_eq!(
            resolve_file(&root, &map_request_path("/missing/").unwrap()),
            None
        );
    }

    #[test]
    fn a_folder_asked_for_without_its_slash_needs_one() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("a b/empty")).unwrap();
        std::fs::write(root.join("a b/index.html"), "a").unwrap();
        std::fs::write(root.join("a b/file.txt"), "f").unwrap();
        let needs = |target| needs_slash(&root, &map_request_path(target).unwrap());
        assert!(needs("/a%20b"));
        assert!(!needs("/a%20b/"), "has it");
        assert!(!needs("/"), "the root");
        assert!(!needs("/a%20b/file.txt"), "a file");
        assert!(
            !needs("/a%20b/empty"),
            "no index.html: a 404, not a redirect"
        );
        assert!(!needs("/missing"));
    }
}
