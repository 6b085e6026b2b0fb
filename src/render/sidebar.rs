//! The built-in sidebar, written once per section, spliced into each
//! page as Tera writes it.
//!
//! A page's template sees a short marker in place of the sidebar
//! ([`super::theme::SECTION_NAV_VAR`]), and the writer Tera renders into
//! ([`Splice`]) writes the section's sidebar where the marker comes out,
//! with ` aria-current="page"` after the link to the page. The sidebar
//! (~9 KB on a large site) is so copied once per page, straight into the
//! output: putting it in the context as a string cost two more copies
//! (marked, then into Tera's value), 3% of a default-theme build at
//! 10,000 pages and 8% at 50,000.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::{self, Write};

use super::nav;
use crate::site::{PageId, SectionId, Site};

/// The attribute that marks the link to the page being shown.
const CURRENT: &str = " aria-current=\"page\"";

/// What a template prints in place of the sidebar: digits between two
/// U+0001 characters, drawn anew for each build so that no page or
/// template text can carry it. Short enough that Tera keeps it inline
/// (no allocation per page), and unchanged by case or trim filters.
#[derive(Debug)]
pub struct Marker {
    text: String,
}

impl Marker {
    /// A fresh marker.
    pub fn new() -> Marker {
        let n = std::hash::RandomState::new().hash_one(0u8) % 10_u64.pow(16);
        Marker {
            text: format!("\u{1}{n:016}\u{1}"),
        }
    }

    /// The text a template prints in place of the sidebar.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The built-in `nav.html` for the pages of `section`, with no link
/// current, written directly: the same bytes as Tera rendering it with
/// `nav` from [`super::nav::NavCache::nav`] and an empty `page.url` (a
/// test renders sites both ways), for a fifth of the instructions (its
/// link index included), and without building a Tera map per page for
/// the `nav` lists.
///
/// The template shows four levels: the top-level list, and the children
/// of each expanded item (the sections on the path to `section`) below
/// it; only the first two levels mark sections with a class. The home
/// link is the top section's URL (the template's `site.home_url`), and
/// `home` its text (`site.strings.home`).
/// `page` is the page shown (`None`: the section's own page); any page of
/// the same run of [`nav::MAX_LISTED`] gets the same sidebar.
pub fn render_builtin(
    site: &Site,
    positions: &nav::Positions,
    section: SectionId,
    page: Option<PageId>,
    home: &str,
) -> String {
    let path = site.section_path(section);
    let mut out = Vec::with_capacity(16 * 1024);
    out.extend_from_slice(b"<ul class=\"nav-list\">\n<li class=\"nav-home\"><a href=\"");
    escape(&mut out, &site.section(path[0]).route.url);
    out.extend_from_slice(b"\">");
    escape(&mut out, home);
    out.extend_from_slice(b"</a></li>\n");
    let on_path = |depth: usize| positions.on_path(site, &path, depth, page);
    list(&mut out, site, &path, 0, &on_path);
    out.extend_from_slice(b"</ul>\n");
    // Kept until the build ends, one per section: without its room to
    // spare (the 16 KiB it started with, for a sidebar of a few), 10,000
    // sections of a page each peaked at 469 MB.
    out.shrink_to_fit();
    // Escaped UTF-8 text and ASCII markup.
    String::from_utf8(out).unwrap_or_default()
}

/// The items of `path[depth]` (subsections, then pages) that `nav` shows
/// (see [`nav::listed`]; `at_depth` gives the position of the child on
/// the path at each depth), expanding the next section on `path`; markup
/// and line breaks as `nav.html` has them at each level.
fn list(
    out: &mut Vec<u8>,
    site: &Site,
    path: &[SectionId],
    depth: usize,
    at_depth: &dyn Fn(usize) -> Option<usize>,
) {
    let section = site.section(path[depth]);
    let subsections = section.subsections.iter().map(|&id| {
        let s = site.section(id);
        (Some(id), s.title.as_str(), s.route.url.as_str())
    });
    let pages = section.pages.iter().map(|&id| {
        let p = site.page(id);
        (None, p.title.as_str(), p.route.url.as_str())
    });
    let len = section.subsections.len() + section.pages.len();
    let shown = nav::listed(len, at_depth(depth));
    let more = (shown.len() < len).then(|| nav::more_title(len));
    let more = more
        .as_deref()
        .map(|title| (None, title, section.route.url.as_str()));
    let items = subsections
        .chain(pages)
        .skip(shown.start)
        .take(shown.len())
        .chain(more);
    for (sub, title, url) in items {
        out.extend_from_slice(if sub.is_some() && depth < 2 {
            b"<li class=\"nav-section\"><a href=\""
        } else {
            b"<li><a href=\""
        });
        escape(out, url);
        out.extend_from_slice(b"\">");
        escape(out, title);
        out.extend_from_slice(if depth < 2 { b"</a>\n" } else { b"</a>" });
        let on_path = sub.is_some() && sub == path.get(depth + 1).copied();
        let shown = on_path && depth < 3 && {
            let s = site.section(path[depth + 1]);
            !(s.subsections.is_empty() && s.pages.is_empty())
        };
        if shown {
            out.extend_from_slice(if depth < 2 { b"<ul>\n" } else { b"<ul>" });
            list(out, site, path, depth + 1, at_depth);
            out.extend_from_slice(b"</ul>");
        }
        out.extend_from_slice(if depth < 3 { b"</li>\n" } else { b"</li>" });
    }
}

/// Tera's escaping, which `nav.html` gets for every value it prints (and
/// so the form of each `href` in the sidebar).
fn escape(out: &mut Vec<u8>, text: &str) {
    // Writing to a Vec cannot fail.
    let _ = tera::escape_html(text, out);
}

/// A section's sidebar with no link current, and where each link's
/// ` aria-current="page"` would go.
#[derive(Debug)]
pub struct Sidebar {
    html: String,
    /// Escaped `href` value → offset just after its closing quote, for
    /// the first link to each URL (as `nav.html` marks it: the home link
    /// comes first, so it is the one found for the home page).
    links: HashMap<Box<[u8]>, usize>,
}

impl Sidebar {
    /// Indexes the links of `html`, rendered once for a section.
    pub fn new(html: String) -> Sidebar {
        let mut links = HashMap::new();
        let bytes = html.as_bytes();
        for value in href_values(bytes) {
            links
                .entry(bytes[value.clone()].into())
                .or_insert(value.end + 1);
        }
        Sidebar { html, links }
    }

    /// Where the attribute goes for the page at `url` (`None` when the
    /// sidebar does not list it).
    pub fn current_link(&self, url: &str) -> Option<usize> {
        if url.is_empty() {
            return None;
        }
        let mut escaped = Vec::with_capacity(url.len() + 8);
        escape(&mut escaped, url);
        self.links.get(escaped.as_slice()).copied()
    }
}

/// Where the value of each `href="…"` of `html` is, in order: how
/// templates (and `nav.html`) write a link's target, which Tera's escaping
/// keeps free of `"`. An `href` left open at the end is none.
pub fn href_values(html: &[u8]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    const HREF: &[u8] = b"href=\"";
    memchr::memmem::find_iter(html, HREF).filter_map(move |at| {
        let start = at + HREF.len();
        let len = memchr::memchr(b'"', &html[start..])?;
        Some(start..start + len)
    })
}

/// A writer that copies what it is given into `out`, writing the sidebar
/// wherever the marker appears.
///
/// Tera hands a printed value to its writer in one call, so the marker
/// usually arrives alone and is recognised by comparison. A template
/// that captures the sidebar first (`{% set %}` … `{% endset %}`) prints
/// it later inside a longer text: [`Splice::finish`] looks for any
/// marker left, in one search of the page (searching each write cost
/// three times as much).
pub struct Splice<'a> {
    out: &'a mut Vec<u8>,
    /// Where this page starts in `out`.
    start: usize,
    marker: &'a [u8],
    html: &'a [u8],
    /// Where the current page's attribute goes (see
    /// [`Sidebar::current_link`]).
    current: Option<usize>,
}

impl<'a> Splice<'a> {
    /// Writes a page to the end of `out`, with `sidebar` for `marker`
    /// and the link to `url` marked current.
    pub fn new(out: &'a mut Vec<u8>, marker: &'a Marker, sidebar: &'a Sidebar, url: &str) -> Self {
        Splice {
            start: out.len(),
            out,
            marker: marker.text.as_bytes(),
            html: sidebar.html.as_bytes(),
            current: sidebar.current_link(url),
        }
    }

    /// Replaces the markers that came out inside longer text.
    pub fn finish(self) {
        let page = &self.out[self.start..];
        let Some(first) = find(page, self.marker) else {
            return;
        };
        let tail = self.out.split_off(self.start + first);
        let mut rest = &tail[..];
        while let Some(i) = find(rest, self.marker) {
            self.out.extend_from_slice(&rest[..i]);
            push_sidebar(self.out, self.html, self.current);
            rest = &rest[i + self.marker.len()..];
        }
        self.out.extend_from_slice(rest);
    }
}

fn push_sidebar(out: &mut Vec<u8>, html: &[u8], current: Option<usize>) {
    match current {
        Some(at) => {
            out.extend_from_slice(&html[..at]);
            out.extend_from_slice(CURRENT.as_bytes());
            out.extend_from_slice(&html[at..]);
        }
        None => out.extend_from_slice(html),
    }
}

/// The first `marker` in `text`: a search for its first byte, rare in
/// pages, then a comparison.
fn find(text: &[u8], marker: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(marker[0], &text[from..]) {
        if text[from + i..].starts_with(marker) {
            return Some(from + i);
        }
        from += i + 1;
    }
    None
}

impl Write for Splice<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf == self.marker {
            push_sidebar(self.out, self.html, self.current);
        } else {
            self.out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAV: &str =
        "<a href=\"/\">Home</a><a href=\"/a/R&amp;D/\">R&amp;D</a><a href=\"/\">Top</a>";

    fn splice(writes: &[&[u8]], url: &str, marker: &Marker) -> String {
        let sidebar = Sidebar::new(NAV.to_string());
        let mut out = b"before".to_vec();
        let mut w = Splice::new(&mut out, marker, &sidebar, url);
        for b in writes {
            w.write_all(b).unwrap();
        }
        w.finish();
        String::from_utf8(out)
            .unwrap()
            .strip_prefix("before")
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_sidebar_goes_where_the_marker_is_written_with_the_page_marked() {
        let m = Marker::new();
        let marked =
            "<a href=\"/\">Home</a><a href=\"/a/R&amp;D/\" aria-current=\"page\">R&amp;D</a><a href=\"/\">Top</a>";
        assert_eq!(
            splice(&[b"<nav>", m.text().as_bytes(), b"</nav>"], "/a/R&D/", &m),
            format!("<nav>{marked}</nav>")
        );
        // The home link is the first link to `/`, and the only one marked.
        let home = splice(&[m.text().as_bytes()], "/", &m);
        assert!(home.starts_with("<a href=\"/\" aria-current=\"page\">Home</a>"));
        assert_eq!(home.matches("aria-current").count(), 1);
        // No link current: a page not listed, or the 404 page.
        assert_eq!(splice(&[m.text().as_bytes()], "/elsewhere/", &m), NAV);
        assert_eq!(splice(&[m.text().as_bytes()], "", &m), NAV);
    }

    #[test]
    fn a_marker_inside_longer_text_is_replaced_too() {
        let m = Marker::new();
        let captured = format!("<p>{}</p><div>{}</div>", m.text(), m.text());
        assert_eq!(
            splice(&[captured.as_bytes(), b"!"], "/elsewhere/", &m),
            format!("<p>{NAV}</p><div>{NAV}</div>!")
        );
        // Text without it passes unchanged, short or long, even with
        // the marker's first byte or a different number.
        let long = format!("\u{1}{}\u{1}", "x".repeat(100));
        let other = Marker::new();
        let text = format!("{long}{}", other.text());
        assert_eq!(
            splice(&[b"\x01", text.as_bytes()], "/", &m),
            format!("\u{1}{text}")
        );
    }

    #[test]
    fn markers_are_short_fresh_and_filter_proof() {
        let (a, b) = (Marker::new(), Marker::new());
        assert_ne!(a.text(), b.text());
        // Tera keeps strings up to 21 bytes inline.
        assert_eq!(a.text().len(), 18);
        assert_eq!(a.text().to_uppercase(), a.text());
        assert_eq!(a.text().trim(), a.text());
    }
}
