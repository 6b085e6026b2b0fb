//! Stage 2, load: a page's bytes → text, front matter and body (and the
//! title heading when the front matter has no title).
//!
//! [`load_page`] is pure: it takes the bytes the driver read and returns the
//! loaded page plus diagnostics. It strips a BOM (with a warning), turns
//! CRLF into LF so line numbers stay right, refuses non-UTF-8 text with the
//! byte and line, and skips binary files. A build, which reads every body
//! again when it parses it, uses [`load_head`] on the first kilobytes of
//! each page, and [`load_front`] on the whole page when its front matter or
//! title lies further; both keep only the text up to the body.

pub mod front_matter;
mod simple_yaml;
pub mod split;
mod yaml_aliases;

pub use front_matter::FrontMatter;

use std::borrow::Cow;

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
/// (the reason is in the diagnostics); a page whose front matter has errors
/// is returned, with those errors in the diagnostics, so that its body can
/// still be checked.
pub fn load_page(
    source: &str,
    bytes: impl Into<Vec<u8>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<LoadedPage> {
    let bytes = bytes.into();
    let file_len = bytes.len();
    let text = decode(source, bytes, diags)?;
    let mut page = analyse(source, &text, file_len, false, diags).ok()??;
    page.text = text;
    Some(page)
}

/// Like [`load_page`] for a build, which reads every body again when it
/// parses it: borrows the bytes and keeps only the text up to the body.
/// `look` sees the body before it is let go.
pub fn load_front(
    source: &str,
    bytes: &[u8],
    diags: &mut Vec<Diagnostic>,
    look: impl FnOnce(&str),
) -> Option<LoadedPage> {
    let text = decode_borrowed(source, bytes, diags)?;
    let page = analyse(source, &text, bytes.len(), false, diags).ok()?;
    keep_front(page, &text, look)
}

/// `page` with its text up to the body only, once `look` has seen the body.
fn keep_front(page: Option<LoadedPage>, text: &str, look: impl FnOnce(&str)) -> Option<LoadedPage> {
    let mut page = page?;
    look(&text[page.body_start..]);
    page.text = text[..page.body_start].to_string();
    Some(page)
}

/// What [`load_head`] made of the start of a page. (Returned once per
/// page and taken apart at once: boxing the page would only add an
/// allocation.)
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Head {
    /// The page, or `None` when it cannot be used (the reason is in the
    /// diagnostics).
    Done(Option<LoadedPage>),
    /// The front matter or the title lies past the bytes read: load the
    /// page whole with [`load_front`].
    NeedsWhole,
}

/// [`load_front`] from the first bytes of a page of `file_len` bytes, when
/// its front matter and title are among them. The body past them is
/// checked (UTF-8) when the pass reads it.
pub fn load_head(
    source: &str,
    head: &[u8],
    file_len: usize,
    diags: &mut Vec<Diagnostic>,
    look: impl FnOnce(&str),
) -> Head {
    if head.len() >= file_len {
        return Head::Done(load_front(source, head, diags, look));
    }
    // Whole lines only: a cut line could pass for a closing fence, and a
    // cut character for bad UTF-8.
    let Some(end) = memchr::memrchr(b'\n', head) else {
        return Head::NeedsWhole;
    };
    let mut found = Vec::new();
    let Some(text) = decode_borrowed(source, &head[..=end], &mut found) else {
        diags.extend(found);
        return Head::Done(None);
    };
    match analyse(source, &text, file_len, true, &mut found) {
        Ok(page) => {
            if file_len > LARGE_PAGE_BYTES {
                found.push(large_page(source, file_len));
            }
            diags.extend(found);
            Head::Done(keep_front(page, &text, look))
        }
        Err(NeedsWhole) => Head::NeedsWhole,
    }
}

/// [`analyse`] could not decide from part of a page (and what it found is
/// to be thrown away).
struct NeedsWhole;

/// Splits and checks normalised `text`; the page returned has no text yet.
/// With `partial` (`text` is the start of the page), gives up rather than
/// guess when the front matter does not end within it or the title has to
/// come from the body.
fn analyse(
    source: &str,
    text: &str,
    file_len: usize,
    partial: bool,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<LoadedPage>, NeedsWhole> {
    let (split, warning) = match split::split(source, text) {
        Ok(s) if partial && s.0.format.is_none() => return Err(NeedsWhole),
        Ok(s) => s,
        Err(_) if partial => return Err(NeedsWhole),
        Err(d) => {
            diags.push(d);
            return Ok(None);
        }
    };
    diags.extend(warning);
    // Front matter with errors still gives a page (its bad keys left at
    // their defaults): the build fails on those errors, but the body's own
    // problems (broken links, missing images) are reported in the same run.
    let front = front_matter::parse(source, text, &split, diags);
    let body_start = text.len() - split.body.len();
    let body_line = split.body_line;
    let title_heading = match front.title {
        Some(_) => None,
        None if partial => return Err(NeedsWhole),
        None => crate::markdown::title_heading(&text[body_start..]),
    };
    Ok(Some(LoadedPage {
        source: source.to_string(),
        text: String::new(),
        body_start,
        body_line,
        file_len,
        front,
        title_heading,
    }))
}

/// Bytes → normalised text, without copying when there is nothing to fix.
pub fn decode(source: &str, mut bytes: Vec<u8>, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let bom = check_bytes(source, &bytes, diags)?;
    bytes.drain(..bom);
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            diags.push(not_utf8(source, e.as_bytes(), e.utf8_error()));
            return None;
        }
    };
    Some(if has_cr(&text) {
        text.replace("\r\n", "\n")
    } else {
        text
    })
}

/// [`decode`] for borrowed bytes: borrows the text too when there is
/// nothing to fix.
fn decode_borrowed<'b>(
    source: &str,
    bytes: &'b [u8],
    diags: &mut Vec<Diagnostic>,
) -> Option<Cow<'b, str>> {
    let bytes = &bytes[check_bytes(source, bytes, diags)?..];
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            diags.push(not_utf8(source, bytes, e));
            return None;
        }
    };
    Some(if has_cr(text) {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    })
}

/// The checks before decoding: warns about a byte-order mark (and returns
/// its length, to skip), skips binary files, warns about large ones.
fn check_bytes(source: &str, bytes: &[u8], diags: &mut Vec<Diagnostic>) -> Option<usize> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        diags.push(
            Diagnostic::warning("file starts with a byte-order mark (BOM); it was ignored")
                .in_file(source)
                .at_line(1, 1)
                .with_hint("save the file as UTF-8 without BOM"),
        );
        3
    } else {
        0
    };
    let bytes = &bytes[bom..];
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
        diags.push(large_page(source, bytes.len()));
    }
    Some(bom)
}

fn large_page(source: &str, len: usize) -> Diagnostic {
    Diagnostic::warning(format!(
        "page is large ({} MB); it may slow the build",
        len / 1_000_000
    ))
    .in_file(source)
    .with_hint("split it into several pages")
}

fn has_cr(text: &str) -> bool {
    memchr::memchr(b'\r', text.as_bytes()).is_some()
}

/// The error for bytes that are not UTF-8, at the first bad byte.
fn not_utf8(source: &str, bytes: &[u8], e: std::str::Utf8Error) -> Diagnostic {
    let at = e.valid_up_to();
    let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
    let (line, col) = line_col(valid, at);
    Diagnostic::error(format!("not UTF-8 at byte {at} (line {line})"))
        .in_file(source)
        .at(valid, line, col)
        .with_hint("re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)")
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

    /// `load_head` on the first `n` bytes of `text`.
    fn head(text: &[u8], n: usize) -> (Head, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let mut looked = false;
        let got = load_head(
            "content/a.md",
            &text[..n.min(text.len())],
            text.len(),
            &mut d,
            |_| looked = true,
        );
        if matches!(got, Head::Done(Some(_))) {
            assert!(looked, "the body was shown");
        }
        (got, d)
    }

    #[test]
    fn the_head_is_enough_when_front_matter_and_title_are_in_it() {
        let text = "---\r\ntitle: A\r\nweight: 2\r\n---\r\nBody caf\u{e9} line\r\n";
        let whole = load_page("content/a.md", text.as_bytes(), &mut Vec::new()).unwrap();
        // Cut anywhere past the closing fence, even inside `é`.
        for n in text.find("Body").unwrap()..text.len() {
            let (Head::Done(Some(p)), d) = head(text.as_bytes(), n) else {
                panic!("cut at {n}");
            };
            assert!(d.is_empty(), "{d:?}");
            assert_eq!(p.text, whole.text[..whole.body_start]);
            assert_eq!(
                (p.body_start, p.body_line),
                (whole.body_start, whole.body_line)
            );
            assert_eq!(p.file_len, text.len());
            assert_eq!(p.front, whole.front);
        }
    }

    #[test]
    fn the_whole_page_is_needed_when_the_head_cannot_tell() {
        let long = format!(
            "---\ntitle: A\ndescription: {}\n---\nBody\n",
            "x".repeat(100)
        );
        // The closing fence is past the head, or cut.
        for n in [10, long.find("\n---\nBody").unwrap() + 3] {
            assert!(
                matches!(head(long.as_bytes(), n).0, Head::NeedsWhole),
                "{n}"
            );
        }
        // The title comes from the body's heading.
        let titled = b"---\nweight: 1\n---\n# From the body\n\ntext\n";
        assert!(matches!(head(titled, 25).0, Head::NeedsWhole));
        // No front matter, or no whole line.
        assert!(matches!(
            head(b"# Title\n\nBody text\n", 12).0,
            Head::NeedsWhole
        ));
        assert!(matches!(head(b"---title", 5).0, Head::NeedsWhole));
        // Unclosed within the head may still close past it.
        assert!(matches!(
            head(b"---\ntitle: A\nmore: 1\n", 12).0,
            Head::NeedsWhole
        ));
    }

    #[test]
    fn problems_in_the_head_are_reported_from_it() {
        let bad = b"---\ntitle: A\nweight: high\n---\nBody text here\n";
        let (got, d) = head(bad, 40);
        assert!(
            d[0].message.contains("`weight` must be a whole number"),
            "{d:?}"
        );
        // The page is kept, its bad key left out, so that its body can
        // still be checked.
        let Head::Done(Some(page)) = got else {
            panic!("{got:?}");
        };
        assert_eq!(
            (page.front.title.as_deref(), page.front.weight),
            (Some("A"), None)
        );
        assert_eq!(page.body_line, 5);
        let (got, d) = head(b"---\ntitle: caf\xE9\n---\nBody text\n", 25);
        assert!(matches!(got, Head::Done(None)));
        assert_eq!(d[0].message, "not UTF-8 at byte 14 (line 2)");
        let (got, d) = head(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\n more", 20);
        assert!(matches!(got, Head::Done(None)));
        assert!(!d[0].is_error());
        // Large pages are still named, from the file's size.
        let mut d = Vec::new();
        let text = b"---\ntitle: A\n---\nBody\n";
        let got = load_head("content/a.md", text, LARGE_PAGE_BYTES + 1, &mut d, |_| {});
        assert!(matches!(got, Head::Done(Some(_))));
        assert!(d[0].message.starts_with("page is large"), "{d:?}");
    }
}
