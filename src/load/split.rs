//! Finding the front matter block in a page's text.
//!
//! gray_matter silently treats an unclosed `---`, a leading blank line or a
//! `----` opener as "no front matter" and leaves the YAML in the body, so
//! folio finds the delimiters itself, with exact line numbers, and hands
//! gray_matter only the extracted block.

use crate::diagnostic::Diagnostic;

/// The syntax of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `---` … `---`
    Yaml,
    /// `+++` … `+++`
    Toml,
    /// A JSON object at the start of the file.
    Json,
}

/// A page's text cut into front matter and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// Syntax of the block, `None` when the page has no front matter.
    pub format: Option<Format>,
    /// The block's text, without delimiters.
    pub block: &'a str,
    /// File line (1-based) of the block's first line.
    pub block_line: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// File line (1-based) where the body starts.
    pub body_line: usize,
}

/// Splits normalised text (no BOM, `\n` line endings) into front matter and
/// body. `file` names the source for diagnostics.
pub fn split<'a>(file: &str, text: &'a str) -> Result<(Split<'a>, Option<Diagnostic>), Diagnostic> {
    let first_line = text.lines().next().unwrap_or("");
    let opener = first_line.trim_end();
    let fenced = match opener {
        "---" => Some(("---", Format::Yaml)),
        "+++" => Some(("+++", Format::Toml)),
        _ => None,
    };
    if let Some((fence, format)) = fenced {
        return split_fenced(file, text, fence, format).map(|s| (s, None));
    }
    if opener.starts_with('{') {
        return split_json(file, text).map(|s| (s, None));
    }
    let none = Split {
        format: None,
        block: "",
        block_line: 1,
        body: text,
        body_line: 1,
    };
    Ok((none, misplaced_front_matter(file, text)))
}

fn split_fenced<'a>(
    file: &str,
    text: &'a str,
    fence: &str,
    format: Format,
) -> Result<Split<'a>, Diagnostic> {
    let block_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = block_start;
    for (line, l) in (2..).zip(text[block_start..].split_inclusive('\n')) {
        let content = l.trim_end();
        if content == fence || (format == Format::Yaml && content == "...") {
            let body_start = offset + l.len();
            return Ok(Split {
                format: Some(format),
                block: &text[block_start..offset],
                block_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset += l.len();
    }
    Err(
        Diagnostic::error("front matter opened here is never closed")
            .in_file(file)
            .at(text, 1, 1)
            .with_hint(format!(
                "add a line with only `{fence}` after the last front matter key"
            )),
    )
}

fn split_json<'a>(file: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(_)) => {
            let end = stream.byte_offset();
            let rest = &text[end..];
            let body_offset = end + rest.find('\n').map_or(rest.len(), |i| i + 1);
            let body_line = text[..body_offset].matches('\n').count() + 1;
            Ok(Split {
                format: Some(Format::Json),
                block: &text[..end],
                block_line: 1,
                body: &text[body_offset..],
                body_line,
            })
        }
        Some(Err(e)) => Err(
            Diagnostic::error(format!("front matter is not valid JSON: {e}"))
                .in_file(file)
                .at(text, e.line(), e.column())
                .with_hint(
                    "fix the JSON object, or start the page with `---` for YAML front matter",
                ),
        ),
        None => unreachable_json(file),
    }
}

fn unreachable_json(file: &str) -> Result<Split<'static>, Diagnostic> {
    Err(Diagnostic::error("front matter is not valid JSON")
        .in_file(file)
        .at_line(1, 1))
}

/// A warning when the text looks like front matter that is not at byte 0
/// (a blank line before `---`, or a `----` opener), which would otherwise
/// render the YAML as a heading without any notice.
fn misplaced_front_matter(file: &str, text: &str) -> Option<Diagnostic> {
    let (idx, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty())?;
    let t = line.trim();
    let dashes = t.len() >= 3 && t.bytes().all(|b| b == b'-');
    let looks_like = (dashes && (idx > 0 || line != t || t.len() > 3)) || (t == "+++" && idx > 0);
    if !looks_like || !next_line_is_key(text, idx) {
        return None;
    }
    Some(
        Diagnostic::warning("looks like front matter but is not at the very start of the file; it is treated as text")
            .in_file(file)
            .at(text, idx + 1, 1)
            .with_hint("put exactly `---` on the first line, with nothing before it"),
    )
}

fn next_line_is_key(text: &str, idx: usize) -> bool {
    text.lines().nth(idx + 1).is_some_and(|l| {
        let key: String = l
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        !key.is_empty() && l[key.len()..].trim_start().starts_with([':', '='])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Split<'_> {
        split("content/a.md", text).expect("splits").0
    }

    #[test]
    fn yaml_block_and_body_lines() {
        let s = ok("---\ntitle: A\nweight: 2\n---\n\nBody\n");
        assert_eq!(s.format, Some(Format::Yaml));
        assert_eq!(s.block, "title: A\nweight: 2\n");
        assert_eq!(s.block_line, 2);
        assert_eq!(s.body, "\nBody\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn toml_and_json_blocks() {
        let s = ok("+++\ntitle = \"A\"\n+++\nBody");
        assert_eq!(s.format, Some(Format::Toml));
        assert_eq!(s.block, "title = \"A\"\n");
        assert_eq!(s.body, "Body");
        let s = ok("{\n\"title\": \"A\"\n}\nBody\n");
        assert_eq!(s.format, Some(Format::Json));
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn no_front_matter_and_front_matter_only() {
        let s = ok("# Title\n\ntext");
        assert_eq!(s.format, None);
        assert_eq!(s.body, "# Title\n\ntext");
        let s = ok("---\ntitle: A\n---");
        assert_eq!(s.block, "title: A\n");
        assert_eq!(s.body, "");
        assert_eq!(ok("").body, "");
    }

    #[test]
    fn unclosed_front_matter_is_an_error_at_line_one() {
        let e = split("content/a.md", "---\ntitle: A\n\nBody\n").unwrap_err();
        assert!(e.message.contains("never closed"));
        assert_eq!((e.line, e.column), (1, 1));
    }

    #[test]
    fn misplaced_opener_warns() {
        for text in [
            "\n---\ntitle: A\n---\n",
            "----\ntitle: A\n----\n",
            "  ---\ntitle: A\n---\n",
        ] {
            let (s, warn) = split("content/a.md", text).unwrap();
            assert_eq!(s.format, None, "{text:?}");
            let w = warn.unwrap_or_else(|| panic!("no warning for {text:?}"));
            assert!(w.message.contains("not at the very start"));
        }
        // A thematic break in prose is not front matter.
        let (_, warn) = split("content/a.md", "Intro\n\n---\n\nMore\n").unwrap();
        assert!(warn.is_none());
    }
}
