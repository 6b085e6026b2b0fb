//! Stage 2, load: a page's bytes → text, front matter and body (and the
//! title heading when the front matter has no title).
//!
//! [`load_page`] is pure: it takes the bytes the driver read and returns the
//! loaded page plus diagnostics. It strips a BOM (with a warning), turns
//! CRLF into LF so line numbers stay right, refuses non-UTF-8 text with the
//! byte and line, and skips binary files.

pub mod front_matter;
mod simple_yaml;
pub mod split;

pub use front_matter::FrontMatter;

use crate::diagnostic::{line_col, Diagnostic};

/// Pages above this size get a warning; they still build.
pub const LARGE_PAGE_BYTES: usize = 10 * 1024 * 1024;

/// A page after loading: normalised text split into front matter and body.
#[derive(Debug, Clone)]
pub struct LoadedPage {
    /// Project-relative source path (`content/a/b.md`).
    pub source: String,
    /// Whole normalised text (LF line endings, no BOM), for diagnostics.
    pub text: String,
    /// Byte offset of the body in `text`.
    pub body_start: usize,
    /// File line (1-based) where the body starts.
    pub body_line: usize,
    /// Size of the file in bytes, as read.
    pub file_len: usize,
    /// Validated front matter.
    pub front: FrontMatter,
    /// Text of a leading `# H1` when the front matter has no title (it
    /// becomes the title, so it is needed before the body is parsed).
    pub title_heading: Option<String>,
}

impl LoadedPage {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

/// Decodes and splits one page. Returns `None` when the page cannot be used
/// (the reason is in the diagnostics).
pub fn load_page(
    source: &str,
    bytes: impl Into<Vec<u8>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<LoadedPage> {
    let bytes = bytes.into();
    let file_len = bytes.len();
    let text = decode(source, bytes, diags)?;
    let (split, warning) = match split::split(source, &text) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    diags.extend(warning);
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let front = front_matter::parse(source, &text, &split, diags);
    let body_start = text.len() - split.body.len();
    let body_line = split.body_line;
    if diags.iter().filter(|d| d.is_error()).count() > errors_before {
        return None;
    }
    let title_heading = match front.title {
        Some(_) => None,
        None => crate::markdown::title_heading(&text[body_start..]),
    };
    Some(LoadedPage {
        source: source.to_string(),
        text,
        body_start,
        body_line,
        file_len,
        front,
        title_heading,
    })
}

/// Bytes → normalised text, without copying when there is nothing to fix.
pub fn decode(source: &str, mut bytes: Vec<u8>, diags: &mut Vec<Diagnostic>) -> Option<String> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
        diags.push(
            Diagnostic::warning("file starts with a byte-order mark (BOM); it was ignored")
                .in_file(source)
                .at_line(1, 1)
                .with_hint("save the file as UTF-8 without BOM"),
        );
    }
    // memchr's vector search: the standard library's `contains` reads a
    // word at a time, and these two scans were 3% of a build.
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        diags.push(
            Diagnostic::warning("binary file with a Markdown name; skipped")
                .in_file(source)
                .with_hint("move it out of content/ or rename it"),
        );
        return None;
    }
    if bytes.len() > LARGE_PAGE_BYTES {
        diags.push(
            Diagnostic::warning(format!(
                "page is large ({} MB); it may slow the build",
                bytes.len() / 1_000_000
            ))
            .in_file(source)
            .with_hint("split it into several pages"),
        );
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let (line, col) = line_col(valid, at);
            diags.push(
                Diagnostic::error(format!("not UTF-8 at byte {at} (line {line})"))
                    .in_file(source)
                    .at(valid, line, col)
                    .with_hint("re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)"),
            );
            return None;
        }
    };
    Some(if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        text.replace("\r\n", "\n")
    } else {
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_normalised_with_right_lines() {
        let mut d = Vec::new();
        let p = load_page(
            "content/a.md",
            b"\xEF\xBB\xBF---\r\ntitle: A\r\n---\r\nBody\r\n",
            &mut d,
        )
        .unwrap();
        assert_eq!(p.front.title.as_deref(), Some("A"));
        assert_eq!(p.body(), "Body\n");
        assert_eq!(p.body_line, 4);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("byte-order mark"));
    }

    #[test]
    fn latin1_is_an_error_with_byte_and_line() {
        let mut d = Vec::new();
        assert!(load_page("content/a.md", b"ok\ncaf\xE9\n", &mut d).is_none());
        assert_eq!(d[0].message, "not UTF-8 at byte 6 (line 2)");
        assert_eq!(d[0].line, 2);
    }

    #[test]
    fn binary_is_skipped_with_warning() {
        let mut d = Vec::new();
        assert!(load_page("content/a.md", b"\x89PNG\0\0", &mut d).is_none());
        assert!(!d[0].is_error());
    }

    #[test]
    fn empty_and_front_matter_only_files_load() {
        let mut d = Vec::new();
        assert_eq!(load_page("content/a.md", b"", &mut d).unwrap().body(), "");
        let p = load_page("content/a.md", b"---\ntitle: X\n---", &mut d).unwrap();
        assert_eq!(p.front.title.as_deref(), Some("X"));
        assert!(d.is_empty());
    }
}
