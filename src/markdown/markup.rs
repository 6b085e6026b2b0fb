//! Small HTML builders for what folio writes itself instead of
//! pulldown-cmark: images with sizes, highlighted code blocks, alert
//! titles, and attribute escaping.

use pulldown_cmark::BlockQuoteKind;

use super::highlight;

/// An `<img>` with its size when known (no layout shift), loaded lazily.
pub(super) fn img_tag(src: &str, alt: &str, title: &str, size: Option<(u32, u32)>) -> String {
    let mut tag = format!(
        "<img src=\"{}\" alt=\"{}\"",
        escape_attr(src),
        escape_attr(alt)
    );
    if !title.is_empty() {
        tag.push_str(&format!(" title=\"{}\"", escape_attr(title)));
    }
    if let Some((w, h)) = size {
        tag.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
    tag.push_str(" loading=\"lazy\" decoding=\"async\">");
    tag
}

/// A code block: highlighted when the language is known, escaped text
/// otherwise; focusable so keyboard users can scroll it.
pub(super) fn code_block(code: &str, lang: &str) -> String {
    let highlighted = highlight::highlight(code, lang);
    let body_len = highlighted.as_deref().map_or(code.len(), str::len);
    let mut out = String::with_capacity(body_len + lang.len() + 64);
    out.push_str("<pre tabindex=\"0\"><code");
    if !lang.is_empty() {
        out.push_str(" class=\"language-");
        push_escaped(&mut out, lang);
        out.push('"');
    }
    out.push('>');
    match highlighted {
        Some(html) => out.push_str(&html),
        None => push_escaped(&mut out, code),
    }
    out.push_str("</code></pre>\n");
    out
}

pub(super) fn alert_open(kind: BlockQuoteKind) -> String {
    let (class, title) = match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    };
    format!(
        "<div class=\"alert alert-{class}\" role=\"note\">\n<p class=\"alert-title\">{title}</p>\n"
    )
}

/// Escapes text for use inside a double-quoted HTML attribute.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// Appends `s` escaped for a double-quoted attribute, copying the runs
/// between special characters whole.
pub fn push_escaped(out: &mut String, s: &str) {
    push_replacing(
        out,
        s,
        |b| matches!(b, b'&' | b'"' | b'<' | b'>'),
        |b, out| {
            out.push_str(match b {
                b'&' => "&amp;",
                b'"' => "&quot;",
                b'<' => "&lt;",
                _ => "&gt;",
            })
        },
    );
}

/// Appends `s` with each ASCII byte that is `special` written by `write`
/// instead, copying the runs in between whole.
pub fn push_replacing(
    out: &mut String,
    s: &str,
    special: impl Fn(u8) -> bool,
    mut write: impl FnMut(u8, &mut String),
) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        // Only ASCII may be special: cutting there keeps characters whole.
        if b.is_ascii() && special(b) {
            out.push_str(&s[last..i]);
            write(b, out);
            last = i + 1;
        }
    }
    out.push_str(&s[last..]);
}
