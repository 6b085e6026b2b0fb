//! Stage 3, parse: Markdown → HTML, table of contents, heading ids and the
//! page's outgoing links. Pure and run in parallel, one page per task.
//!
//! pulldown-cmark does the parsing; this module adjusts the event stream:
//! GitHub-compatible heading ids with hover anchors, alerts with a title,
//! links to `.md` sources rewritten to page URLs, and images resolved
//! against the page's folder. References that go nowhere become
//! diagnostics with the file line.

mod highlight;
mod markup;
mod refs;
pub mod slug;
mod toc;
mod wiki;
mod words;

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, LineCursor, Severity};
use crate::route::Routes;
pub use highlight::prepare as prepare_highlighting;
pub use highlight::{cache_to_save as highlight_cache_to_save, seed_cache as seed_highlight_cache};
use markup::{alert_open, code_block, img_tag};
pub use markup::{escape_attr, push_escaped, push_replacing};
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
    /// Collect the body's words for the search index
    /// ([`ParsedPage::search_words`]).
    pub search_words: bool,
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
    /// The link's source line (a window of it when long), for the caret
    /// display (see [`crate::diagnostic::window`]).
    pub source_line: String,
    /// The link's column in `source_line`.
    pub source_column: usize,
}

impl PageLink {
    /// Its line as quoted under a problem, and the caret's column in it
    /// (see [`crate::diagnostic::Diagnostic::quoting`]).
    pub fn quote(&self) -> (String, usize) {
        (self.source_line.clone(), self.source_column)
    }
}

/// A link that only `folio check` follows: one to another site (with
/// `--external`), or one left as a URL relative to the built page. Only
/// the check needs to say where it is, so the build keeps just its byte
/// offset in the body and the check finds the line (see [`locate_links`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkAt {
    /// The URL, as written.
    pub url: String,
    /// Byte offset of the link in the body.
    pub offset: usize,
}

/// Places links of a page whose body is `body` (starting at file
/// line `body_line`), for messages.
pub fn locate_links(body: &str, body_line: usize, links: &[LinkAt]) -> Vec<PageLink> {
    let mut cursor = LineCursor::default();
    links
        .iter()
        .map(|l| {
            let at = cursor.locate(body, l.offset);
            let (source_line, source_column) = at.quote();
            PageLink {
                target: l.url.clone(),
                fragment: None,
                line: at.line + body_line - 1,
                column: at.column,
                source_line,
                source_column,
            }
        })
        .collect()
}

/// The result of parsing one page.
#[derive(Debug, Clone, Default)]
pub struct ParsedPage {
    /// Rendered HTML of the body.
    pub html: String,
    /// Table of contents (headings below the title), as a tree.
    pub toc: Vec<TocEntry>,
    /// Every id a `#fragment` can point at: the headings', then those of
    /// `id` and `name` attributes in the page's raw HTML.
    pub heading_ids: Vec<String>,
    /// Text of a leading `# H1`, used as title when front matter has none.
    pub first_h1: Option<String>,
    /// Links to other pages that carry an `#anchor`, checked once every
    /// page's heading ids are known.
    pub links: Vec<PageLink>,
    /// Links to other sites (`http:`/`https:`), for `folio check --external`.
    pub external_links: Vec<LinkAt>,
    /// Links left as written, to be read from the built page's URL: no
    /// file of `content/` has their path (`notes.txt`, or `../rollback/`
    /// in `runbooks/deploy.md`). `folio check` looks them up among the
    /// built site's files.
    pub url_links: Vec<LinkAt>,
    /// The local images the body shows, by project-relative path, whose
    /// size it holds (`folio serve` renders the page again when one is
    /// saved at another size).
    pub images: Vec<String>,
    /// The files of `content/`, `images/` and `static/` its links point
    /// at, by project-relative path (`folio serve` takes one deleted that
    /// no page names out of the site without a rebuild).
    pub linked_files: Vec<String>,
    /// Links and images that went nowhere, as written (a broken link the
    /// preview warns of, a file link folio cannot place): a file added
    /// later may be what one names (`folio serve` then updates the page).
    pub unresolved: Vec<String>,
    /// Plain text of the first paragraph.
    pub summary: String,
    /// Number of words in the body.
    pub word_count: usize,
    /// The body's distinct words, lower-cased and space-separated, when
    /// [`ParseInput::search_words`] asked for them (headings excluded:
    /// the search index has them apart).
    pub search_words: String,
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
///
/// The event stream is rewritten on the fly (no intermediate vectors), so
/// the cost stays close to pulldown-cmark's own.
pub fn parse(input: ParseInput<'_>, routes: &Routes) -> ParsedPage {
    let mut rw = Rewriter {
        input,
        routes,
        events: Parser::new_ext(input.body, options()).into_offset_iter(),
        pending: VecDeque::new(),
        lines: LineCursor::default(),
        slugger: slug::Slugger::default(),
        headings: Vec::new(),
        same_page: Vec::new(),
        html_ids: Vec::new(),
        out: ParsedPage::default(),
        seen_block: false,
        in_summary: false,
        summary_done: false,
        tables: 0,
        words: input.search_words.then(words::Words::default),
        word_open: false,
        brackets: wiki::Brackets::default(),
    };
    // Room for the tags, ids and anchors folio adds (HTML is ~1.6x the
    // Markdown on the benchmark corpus): one allocation, no regrowth.
    let mut html = String::with_capacity(input.body.len() * 2 + 256);
    html::push_html(&mut html, &mut rw);
    let mut heading_ids: Vec<String> = rw.headings.iter().map(|h| h.id.clone()).collect();
    heading_ids.append(&mut rw.html_ids);
    rw.check_same_page(&heading_ids);
    rw.check_wiki_links();
    let Rewriter {
        headings,
        mut out,
        words,
        ..
    } = rw;
    out.html = html;
    out.search_words = words.map(words::Words::finish).unwrap_or_default();
    out.heading_ids = heading_ids;
    let skip_title = usize::from(out.first_h1.is_some());
    out.toc = toc::build(headings.into_iter().skip(skip_title));
    out
}

/// The text of a leading `# H1`, found without parsing the whole body.
///
/// Page titles (and so every page's navigation) must be known before the
/// bodies are parsed, so that parsing, rendering and writing can run as one
/// pass that never holds every page's HTML. A title heading is the first
/// block, so only that block is parsed; when it may use a reference link
/// defined further down (it contains `[`), the whole body is. Agrees with
/// [`ParsedPage::first_h1`] (a test checks).
pub fn title_heading(body: &str) -> Option<String> {
    let start = body.len() - body.trim_start_matches(['\n', ' ', '\t']).len();
    let start = body[..start].rfind('\n').map_or(0, |i| i + 1);
    let rest = &body[start..];
    let first_block = match rest.find("\n\n") {
        Some(end) => &rest[..end + 1],
        None => rest,
    };
    let text = if first_block.contains('[') {
        body
    } else {
        first_block
    };
    let mut events = Parser::new_ext(text, options());
    if !matches!(
        events.next(),
        Some(Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        }))
    ) {
        return None;
    }
    let mut title = String::new();
    for e in events {
        match e {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => title.push_str(&t),
            _ => {}
        }
    }
    Some(title)
}

struct Heading {
    level: u8,
    id: String,
    title: String,
}

/// An iterator adapter over pulldown-cmark's events that rewrites them and
/// records what it sees.
struct Rewriter<'a> {
    input: ParseInput<'a>,
    routes: &'a Routes,
    events: pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>,
    /// Events produced ahead (a heading expands into several).
    pending: VecDeque<Event<'a>>,
    /// Locates links and problems (they come in order).
    lines: LineCursor,
    slugger: slug::Slugger,
    headings: Vec<Heading>,
    /// `#fragment` links on this page, by offset in the body, checked after
    /// all headings are known (a problem is made only for one that fails:
    /// a page may have thousands).
    same_page: Vec<(String, usize)>,
    /// Ids written in the page's raw HTML (`<a id="faq"></a>`).
    html_ids: Vec<String>,
    out: ParsedPage,
    seen_block: bool,
    in_summary: bool,
    summary_done: bool,
    /// Tables seen so far, to name their scroll regions.
    tables: usize,
    /// The body's words, when the search index wants them.
    words: Option<words::Words>,
    /// The last text or inline code ended in a word that the next may go
    /// on with (see [`continues_word`]), for the word count.
    word_open: bool,
    /// Whether the text has `[[`, for wiki links.
    brackets: wiki::Brackets,
}

impl<'a> Iterator for Rewriter<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(e) = self.pending.pop_front() {
            return Some(e);
        }
        let (event, range) = self.events.next()?;
        // Most events pass through untouched: look at them by reference
        // and hand them on without moving them through `step`.
        let passes = match &event {
            Event::Text(t) => {
                self.brackets.note(t, &range);
                self.text(t);
                if let Some(words) = &mut self.words {
                    words.add(t);
                }
                true
            }
            Event::Code(t) => {
                // Inline code is a word of its own for search (`kubectl`s),
                // but reads as one with the text around it.
                self.text(t);
                if let Some(words) = &mut self.words {
                    words.end_word();
                    words.add(t);
                    words.end_word();
                }
                true
            }
            Event::SoftBreak | Event::HardBreak => {
                self.end_word();
                if self.in_summary {
                    self.out.summary.push(' ');
                }
                true
            }
            Event::Start(Tag::Paragraph) => {
                self.end_word();
                self.in_summary |= !self.summary_done;
                true
            }
            Event::End(TagEnd::Paragraph) => {
                self.end_word();
                if self.in_summary {
                    self.in_summary = false;
                    self.summary_done = true;
                }
                true
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if !(matches!(event, Event::InlineHtml(_)) && joins_words(html)) {
                    self.end_word();
                }
                html_ids(html, &mut self.html_ids);
                true
            }
            other => {
                if !continues_word(other) {
                    self.end_word();
                }
                !rewrites(other)
            }
        };
        let out = if passes {
            event
        } else {
            self.step(event, range)
        };
        self.seen_block = true;
        Some(out)
    }
}

/// True when a page with these ids has the anchor `#fragment`. `#top`
/// always does: browsers scroll to the top for it (HTML's "indicated part
/// of the document") unless the page has an element of that id.
pub fn has_anchor(ids: &[String], fragment: &str) -> bool {
    is_top(fragment) || ids.iter().any(|id| id == fragment)
}

/// The `#top` rule of [`has_anchor`], for a check that looks ids up in a
/// set of its own.
pub fn is_top(fragment: &str) -> bool {
    fragment.eq_ignore_ascii_case("top")
}

/// Adds the values of the `id` and `name` attributes in a piece of raw
/// HTML to `ids`: `<a id="faq"></a>` is as good a link target as a heading.
fn html_ids(html: &str, ids: &mut Vec<String>) {
    let bytes = html.as_bytes();
    for needle in ["id=", "name="] {
        for at in memchr::memmem::find_iter(bytes, needle.as_bytes()) {
            // An attribute of its own (not `data-id=`, not text).
            if at == 0 || !bytes[at - 1].is_ascii_whitespace() {
                continue;
            }
            let rest = &html[at + needle.len()..];
            let value = match rest.as_bytes().first() {
                Some(&quote @ (b'"' | b'\'')) => rest[1..].split(char::from(quote)).next(),
                _ => rest
                    .split(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                    .next(),
            };
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                ids.push(value.to_string());
            }
        }
    }
}

/// True for the markup events that may go on with the word of the text
/// before them: the edges of inline markup (`**bold**ness`,
/// `[link](url)s`). Text, inline code and raw HTML are
/// [`Rewriter::next`]'s to tell (`<b>bold</b>word` is one word, see
/// [`joins_words`]); any other event ends the word (a break, a block).
fn continues_word(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Superscript
                | Tag::Subscript
        ) | Event::End(
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Superscript
                | TagEnd::Subscript
        )
    )
}

/// Inline elements whose tags a browser shows no space for, so that
/// `<b>bold</b>word` reads "boldword". Code-like elements (`code`, `kbd`,
/// `samp`) are left out: like Markdown's inline code, they are words of
/// their own.
const JOINING_ELEMENTS: [&str; 24] = [
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "i", "ins", "mark", "q",
    "s", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
];

/// True when the raw inline HTML `html` is a comment or a tag (opening or
/// closing) of one of the [`JOINING_ELEMENTS`].
fn joins_words(html: &str) -> bool {
    let Some(rest) = html.strip_prefix('<') else {
        return false;
    };
    if rest.starts_with("!--") {
        return true;
    }
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name = &rest[..rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len())];
    JOINING_ELEMENTS
        .iter()
        .any(|e| e.eq_ignore_ascii_case(name))
}

/// True for the events [`Rewriter::step`] changes; every other event is
/// handed on as pulldown-cmark made it. Keep the two in step.
fn rewrites(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(
            Tag::Heading { .. }
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::BlockQuote(Some(_))
                | Tag::Table(_)
                | Tag::CodeBlock(_),
        ) | Event::End(TagEnd::Table | TagEnd::BlockQuote(Some(_)))
            | Event::TaskListMarker(_)
    )
}

impl<'a> Rewriter<'a> {
    /// Counts a text's words (inline code's too) and adds it to the
    /// summary. A text that goes on with the word the last one ended in
    /// (`foo\_bar`, `**bold**ness`) does not start another.
    #[inline(always)]
    fn text(&mut self, t: &str) {
        let bytes = t.as_bytes();
        let joins = self.word_open && bytes.first().is_some_and(|&b| !is_space(b));
        self.out.word_count += count_words(t) - usize::from(joins);
        if let Some(&last) = bytes.last() {
            self.word_open = !is_space(last);
        }
        if self.in_summary {
            self.out.summary.push_str(t);
        }
    }

    /// An event that no word goes on across (see [`continues_word`]).
    #[inline(always)]
    fn end_word(&mut self) {
        self.word_open = false;
        if let Some(words) = &mut self.words {
            words.end_word();
        }
    }

    /// Rewrites one of the events [`rewrites`] names.
    fn step(&mut self, event: Event<'a>, range: Range<usize>) -> Event<'a> {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let mut inner = Vec::new();
                for (e, at) in self.events.by_ref() {
                    match &e {
                        Event::End(TagEnd::Heading(_)) => break,
                        // As in `next`, for wiki links.
                        Event::Text(t) => self.brackets.note(t, &at),
                        _ => {}
                    }
                    inner.push(e);
                }
                let is_title =
                    !self.seen_block && level == HeadingLevel::H1 && self.out.first_h1.is_none();
                self.heading(level, id, &classes, &attrs, inner, is_title);
                self.pending.pop_front().unwrap_or(Event::Html("".into()))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link(link_type, dest_url, range.start);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let (src, size) = self.image(dest_url, range.start);
                let mut alt = String::new();
                let mut depth = 0;
                for (e, _) in self.events.by_ref() {
                    match e {
                        Event::Start(_) => depth += 1,
                        Event::End(TagEnd::Image) if depth == 0 => break,
                        Event::End(_) => depth -= 1,
                        Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                        _ => {}
                    }
                }
                if alt.trim().is_empty() {
                    let written = self.input.body.get(range.clone()).unwrap_or("");
                    let mut d = self.problem(
                        range.start,
                        format!("image `{}` has no alt text", written.trim()),
                    );
                    d.severity = Severity::Warning;
                    self.out.diagnostics.push(d.with_hint(
                        "describe it between the brackets, e.g. `![Request flow](flow.png)`: screen readers read it out, and it shows when the image does not load",
                    ));
                }
                Event::InlineHtml(img_tag(&src, &alt, &title, size).into())
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => Event::Html(alert_open(kind).into()),
            // Scrollable regions must be reachable by keyboard.
            Event::Start(Tag::Table(_)) => {
                self.pending.push_back(event);
                // Each scrollable region needs its own name (axe: landmark-unique).
                self.tables += 1;
                let n = self.tables;
                Event::Html(format!("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table {n}\">\n").into())
            }
            Event::End(TagEnd::Table) => {
                self.pending.push_back(Event::Html("</div>\n".into()));
                event
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                for (e, _) in self.events.by_ref() {
                    match e {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => code.push_str(&t),
                        _ => {}
                    }
                }
                // Commands and names in code are what readers of a runbook
                // search for.
                if let Some(words) = &mut self.words {
                    words.add(&code);
                    words.end_word();
                }
                Event::Html(code_block(&code, &lang).into())
            }
            Event::TaskListMarker(done) => {
                let (checked, label) = if done {
                    (" checked", "done")
                } else {
                    ("", "not done")
                };
                Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ")
                        .into(),
                )
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html("</div>\n".into()),
            other => other,
        }
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
    ) {
        let text: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        self.out.word_count += count_words(&text);
        let id = match explicit_id {
            Some(id) => self.slugger.claim(&id),
            None => self.slugger.slug(&text),
        };
        if is_title {
            self.out.first_h1 = Some(text.clone());
        }
        let n = char::from(b'0' + level as u8);
        let mut open = String::with_capacity(16 + id.len());
        open.push_str("<h");
        open.push(n);
        // A heading with no text (`##`, `## ???`) has no id, anchor link or
        // place in the table of contents: an empty id is not valid HTML.
        if !id.is_empty() {
            open.push_str(" id=\"");
            push_escaped(&mut open, &id);
            open.push('"');
        }
        if !classes.is_empty() {
            open.push_str(" class=\"");
            for (i, c) in classes.iter().enumerate() {
                if i > 0 {
                    open.push(' ');
                }
                push_escaped(&mut open, c);
            }
            open.push('"');
        }
        for (k, v) in attrs {
            open.push(' ');
            push_escaped(&mut open, k);
            open.push_str("=\"");
            push_escaped(&mut open, v.as_deref().unwrap_or(""));
            open.push('"');
        }
        open.push('>');
        self.pending.push_back(Event::Html(open.into()));
        self.pending.extend(inner);
        let mut close = String::with_capacity(72 + id.len());
        if !id.is_empty() {
            close.push_str("<a class=\"anchor\" href=\"#");
            push_escaped(&mut close, &id);
            close.push_str("\" aria-label=\"Link to this section\">#</a>");
        }
        close.push_str("</h");
        close.push(n);
        close.push_str(">\n");
        self.pending.push_back(Event::Html(close.into()));
        if id.is_empty() {
            return;
        }
        self.headings.push(Heading {
            level: level as u8,
            id,
            title: text,
        });
    }
}

/// Counts runs of non-whitespace bytes: a word count that costs one pass.
///
/// Counts the non-space bytes that follow a space (or start the text),
/// 32 bytes at a time in a fixed-size window, which the compiler turns
/// into a few vector instructions with no loop over leftover bytes: the
/// text of an event is ~60 bytes, and such a leftover loop was most of
/// the cost. (A byte-at-a-time loop carrying "was the last byte a space"
/// was 7% of a build's instructions.)
fn count_words(text: &str) -> usize {
    let mut bytes = text.as_bytes();
    // window[0] is the byte before the block in window[1..]; spaces after
    // the text start no word.
    let mut window = [b' '; 33];
    let mut starts = 0;
    while !bytes.is_empty() {
        if let Some((block, rest)) = bytes.split_first_chunk::<32>() {
            window[1..].copy_from_slice(block);
            bytes = rest;
        } else {
            window[1..].fill(b' ');
            window[1..=bytes.len()].copy_from_slice(bytes);
            bytes = &[];
        }
        starts += word_starts(&window);
        window[0] = window[32];
    }
    starts
}

/// Space, or \t \n \v \f \r: two compares that vectorise.
fn is_space(b: u8) -> bool {
    (b == b' ') | (b.wrapping_sub(b'\t') < 5)
}

/// Bytes of `window[1..]` that start a word.
#[inline(always)]
fn word_starts(window: &[u8; 33]) -> usize {
    let mut n = 0u8;
    for i in 0..32 {
        n += u8::from(!is_space(window[i + 1]) & is_space(window[i]));
    }
    usize::from(n)
}

fn with_suggestion(d: Diagnostic, written: &str, suggestion: Option<String>) -> Diagnostic {
    match suggestion {
        Some(s) => d.with_hint(crate::diagnostic::did_you_mean(written, &s)),
        None => d.with_hint("check the path; it is relative to this page's folder"),
    }
}

#[cfg(test)]
mod tests;
