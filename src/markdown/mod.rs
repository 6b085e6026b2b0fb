//! Stage 3, parse: Markdown → HTML, table of contents, heading ids and the
//! page's outgoing links. Pure and run in parallel, one page per task.
//!
//! pulldown-cmark does the parsing; this module adjusts the event stream:
//! GitHub-compatible heading ids with hover anchors, alerts with a title,
//! links to `.md` sources rewritten to page URLs, and images resolved
//! against the page's folder. References that go nowhere become
//! diagnostics with the file line.

pub mod slug;
mod toc;

use std::ops::Range;

use pulldown_cmark::{
    html, BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::route::{Reference, Routes};
pub use toc::TocEntry;

/// What the parse stage needs to know about a page.
#[derive(Debug, Clone, Copy)]
pub struct ParseInput<'a> {
    /// Project-relative source path, for diagnostics and link resolution.
    pub source: &'a str,
    /// The Markdown body.
    pub body: &'a str,
    /// File line of the body's first line.
    pub body_line: usize,
}

/// A link to another page, kept so its `#anchor` can be checked once every
/// page's heading ids are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    /// Source of the target page.
    pub target: String,
    /// Heading id the link points at.
    pub fragment: Option<String>,
    /// File line and column of the link.
    pub line: usize,
    /// Column of the link.
    pub column: usize,
    /// The link's source line, for the caret display.
    pub source_line: String,
}

/// The result of parsing one page.
#[derive(Debug, Clone, Default)]
pub struct ParsedPage {
    /// Rendered HTML of the body.
    pub html: String,
    /// Table of contents (headings below the title), as a tree.
    pub toc: Vec<TocEntry>,
    /// Every heading id on the page.
    pub heading_ids: Vec<String>,
    /// Text of a leading `# H1`, used as title when front matter has none.
    pub first_h1: Option<String>,
    /// Links to other pages.
    pub links: Vec<PageLink>,
    /// Plain text of the first paragraph.
    pub summary: String,
    /// Number of words in the body.
    pub word_count: usize,
    /// Problems found (broken links, missing images).
    pub diagnostics: Vec<Diagnostic>,
}

/// Markdown extensions folio enables: GFM plus heading attributes.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Parses a page body into HTML and the facts later stages need.
pub fn parse(input: ParseInput<'_>, routes: &Routes) -> ParsedPage {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(input.body, options())
        .into_offset_iter()
        .collect();
    let mut out = ParsedPage::default();
    let mut cx = Rewriter {
        input,
        routes,
        lines: LineIndex::new(input.body),
        slugger: slug::Slugger::default(),
        headings: Vec::new(),
        same_page: Vec::new(),
        out: &mut out,
    };
    let rewritten = cx.rewrite(events);
    let headings = std::mem::take(&mut cx.headings);
    let same_page = std::mem::take(&mut cx.same_page);
    out.html.reserve(input.body.len() * 3 / 2);
    html::push_html(&mut out.html, rewritten.into_iter());
    out.heading_ids = headings.iter().map(|h| h.id.clone()).collect();
    for (fragment, d) in same_page {
        if !out.heading_ids.contains(&fragment) {
            out.diagnostics.push(d);
        }
    }
    let skip_title = usize::from(out.first_h1.is_some());
    out.toc = toc::build(headings.into_iter().skip(skip_title));
    out
}

struct Heading {
    level: u8,
    id: String,
    title: String,
}

struct Rewriter<'a, 'o> {
    input: ParseInput<'a>,
    routes: &'a Routes,
    lines: LineIndex,
    slugger: slug::Slugger,
    headings: Vec<Heading>,
    /// `#fragment` links on this page, checked after all headings are known.
    same_page: Vec<(String, Diagnostic)>,
    out: &'o mut ParsedPage,
}

impl<'a> Rewriter<'a, '_> {
    fn rewrite(&mut self, events: Vec<(Event<'a>, Range<usize>)>) -> Vec<Event<'a>> {
        let mut result = Vec::with_capacity(events.len());
        let mut iter = events.into_iter();
        let mut seen_block = false;
        let mut in_summary = false;
        let mut summary_done = false;
        while let Some((event, range)) = iter.next() {
            match event {
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    let mut inner = Vec::new();
                    for (e, _) in iter.by_ref() {
                        if matches!(e, Event::End(TagEnd::Heading(_))) {
                            break;
                        }
                        inner.push(e);
                    }
                    let is_title =
                        !seen_block && level == HeadingLevel::H1 && self.out.first_h1.is_none();
                    self.heading(level, id, &classes, &attrs, inner, is_title, &mut result);
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url = self.link(link_type, dest_url, range.start);
                    result.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url = self.image(dest_url, range.start);
                    result.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    result.push(Event::Html(alert_open(kind).into()))
                }
                Event::End(TagEnd::BlockQuote(Some(_))) => {
                    result.push(Event::Html("</div>\n".into()))
                }
                Event::Start(Tag::Paragraph) if !summary_done => {
                    in_summary = true;
                    result.push(Event::Start(Tag::Paragraph));
                }
                Event::End(TagEnd::Paragraph) if in_summary => {
                    in_summary = false;
                    summary_done = true;
                    result.push(Event::End(TagEnd::Paragraph));
                }
                other => {
                    if let Event::Text(t) | Event::Code(t) = &other {
                        self.out.word_count += t.split_whitespace().count();
                        if in_summary {
                            self.out.summary.push_str(t);
                        }
                    }
                    result.push(other);
                }
            }
            seen_block = true;
        }
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn heading(
        &mut self,
        level: HeadingLevel,
        explicit_id: Option<CowStr<'a>>,
        classes: &[CowStr<'a>],
        attrs: &[(CowStr<'a>, Option<CowStr<'a>>)],
        inner: Vec<Event<'a>>,
        is_title: bool,
        result: &mut Vec<Event<'a>>,
    ) {
        let text: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        self.out.word_count += text.split_whitespace().count();
        let id = match explicit_id {
            Some(id) => self.slugger.claim(&id),
            None => self.slugger.slug(&text),
        };
        if is_title {
            self.out.first_h1 = Some(text.clone());
        }
        let n = level as u8;
        let mut open = format!("<h{n} id=\"{}\"", escape_attr(&id));
        if !classes.is_empty() {
            let joined: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
            open.push_str(&format!(" class=\"{}\"", escape_attr(&joined.join(" "))));
        }
        for (k, v) in attrs {
            open.push_str(&format!(
                " {}=\"{}\"",
                escape_attr(k),
                escape_attr(v.as_deref().unwrap_or(""))
            ));
        }
        open.push('>');
        result.push(Event::Html(open.into()));
        result.extend(inner);
        let close = format!(
            "<a class=\"anchor\" href=\"#{0}\" aria-label=\"Link to this section\">#</a></h{n}>\n",
            escape_attr(&id)
        );
        result.push(Event::Html(close.into()));
        self.headings.push(Heading {
            level: n,
            id,
            title: text,
        });
    }

    fn link(&mut self, link_type: LinkType, dest: CowStr<'a>, offset: usize) -> CowStr<'a> {
        if matches!(link_type, LinkType::Autolink | LinkType::Email) {
            return dest;
        }
        match self.routes.resolve(self.input.source, &dest) {
            Reference::Page {
                source,
                url,
                fragment,
            } => {
                let (line, column, source_line) = self.locate(offset);
                self.out.links.push(PageLink {
                    target: source,
                    fragment,
                    line,
                    column,
                    source_line,
                });
                url.into()
            }
            Reference::Asset { url, .. } => url.into(),
            Reference::SamePage(fragment) => {
                if !fragment.is_empty() {
                    let d = self.problem(
                        offset,
                        format!("link to `#{fragment}`, but this page has no heading with that id"),
                    );
                    self.same_page.push((
                        fragment,
                        d.with_hint(
                            "check the heading's text; ids are lower-case with `-` for spaces",
                        ),
                    ));
                }
                dest
            }
            Reference::Missing { path, suggestion } => {
                let d = self.problem(
                    offset,
                    format!("link to `{dest}`, but `{path}` does not exist"),
                );
                self.out.diagnostics.push(with_suggestion(d, suggestion));
                dest
            }
            Reference::Outside => {
                let d = self.problem(offset, format!("link to `{dest}` points outside the site"));
                self.out
                    .diagnostics
                    .push(d.with_hint("link to a page inside content/"));
                dest
            }
            Reference::External | Reference::Unknown => dest,
        }
    }

    fn image(&mut self, dest: CowStr<'a>, offset: usize) -> CowStr<'a> {
        match self.routes.resolve(self.input.source, &dest) {
            Reference::Asset { url, .. } => url.into(),
            Reference::External => dest,
            // Site-rooted paths outside images/ may come from static/: not checked here.
            Reference::Unknown if dest.starts_with('/') || dest.starts_with("data:") => dest,
            Reference::Outside => {
                let d = self.problem(offset, format!("image `{dest}` is outside the site root"));
                self.out
                    .diagnostics
                    .push(d.with_hint("put images in images/ or next to the page"));
                dest
            }
            Reference::Missing { path, suggestion } => {
                let d = self.problem(
                    offset,
                    format!("image `{dest}` not found (looked for `{path}`)"),
                );
                self.out.diagnostics.push(with_suggestion(d, suggestion));
                dest
            }
            _ => {
                let d = self.problem(offset, format!("image `{dest}` not found"));
                self.out
                    .diagnostics
                    .push(d.with_hint("put images in images/ or next to the page"));
                dest
            }
        }
    }

    fn locate(&self, offset: usize) -> (usize, usize, String) {
        let (line, column) = self.lines.line_col(self.input.body, offset);
        let source_line = self
            .input
            .body
            .lines()
            .nth(line - 1)
            .unwrap_or_default()
            .to_string();
        (line + self.input.body_line - 1, column, source_line)
    }

    fn problem(&self, offset: usize, message: String) -> Diagnostic {
        let (line, column) = self.lines.line_col(self.input.body, offset);
        let mut d =
            Diagnostic::error(message)
                .in_file(self.input.source)
                .at(self.input.body, line, column);
        d.line += self.input.body_line - 1;
        d
    }
}

fn with_suggestion(d: Diagnostic, suggestion: Option<String>) -> Diagnostic {
    match suggestion {
        Some(s) => d.with_hint(format!("did you mean `{s}`?")),
        None => d.with_hint("check the path; it is relative to this page's folder"),
    }
}

fn alert_open(kind: BlockQuoteKind) -> String {
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
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
