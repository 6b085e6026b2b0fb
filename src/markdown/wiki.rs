//! Wiki links (`[[deploy]]`, `[[Deploy|the runbook]]`), which authors
//! bring from wikis and note-taking tools. Markdown has no such link: the
//! page shows the brackets as written. Each is a warning at its place,
//! saying which Markdown link to write, to the page the name finds.
//!
//! Only pages whose text has `[[` are looked at again (most have none:
//! the parse notes two brackets in a row as it goes), and what is code
//! (`[[schema]]` in a TOML block) is no link.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::Rewriter;
use crate::diagnostic::Severity;
use crate::route::Reference;

/// Whether a page's text has `[[`, noted as the parse goes: pulldown-cmark
/// hands each bracket that opens no link on as a text of its own, so `[[`
/// is two such texts, one right after the other.
#[derive(Debug)]
pub(super) struct Brackets {
    /// Where the last lone `[` ended.
    end: usize,
    /// Two came one after the other.
    double: bool,
}

impl Default for Brackets {
    fn default() -> Self {
        Brackets {
            end: usize::MAX,
            double: false,
        }
    }
}

impl Brackets {
    /// Notes a text of the page, at `range` of its body.
    pub(super) fn note(&mut self, text: &str, range: &Range<usize>) {
        if text == "[" {
            self.double |= self.end == range.start;
            self.end = range.end;
        }
    }
}

/// A wiki link's parts: `[[runbooks/deploy#Roll back|the runbook]]`.
#[derive(Debug, PartialEq)]
struct WikiLink<'t> {
    /// The page's name or path (`runbooks/deploy`).
    page: &'t str,
    /// The heading, if any (`Roll back`).
    heading: Option<&'t str>,
    /// The text to show (`the runbook`; else the page's name).
    label: &'t str,
}

impl<'t> WikiLink<'t> {
    /// The parts of `inner`, the text between `[[` and `]]`.
    fn of(inner: &'t str) -> Option<WikiLink<'t>> {
        let (target, label) = inner.split_once('|').unwrap_or((inner, inner));
        let (page, heading) = match target.split_once('#') {
            Some((page, heading)) => (page.trim(), Some(heading.trim())),
            None => (target.trim(), None),
        };
        let label = label.trim();
        (!page.is_empty() || heading.is_some()).then_some(WikiLink {
            page,
            heading,
            label: if label.contains('#') && label == inner {
                page
            } else {
                label
            },
        })
    }
}

impl Rewriter<'_> {
    /// Warns of each wiki link of the page's text (not of its code).
    pub(super) fn check_wiki_links(&mut self) {
        if !self.brackets.double {
            return;
        }
        let body = self.input.body;
        for (range, inner) in wiki_links(body) {
            let Some(link) = WikiLink::of(inner) else {
                continue;
            };
            let written = &body[range.clone()];
            let markdown = self.markdown_for(&link);
            let mut d = self.problem(
                range.start,
                format!("`{written}` is a wiki link, which Markdown does not have: the page shows it as written"),
            );
            d.severity = Severity::Warning;
            self.out.diagnostics.push(d.with_hint(markdown));
        }
    }

    /// What to write instead of `link`: a Markdown link to the page its
    /// name finds, relative to this one, or what such a link looks like.
    fn markdown_for(&self, link: &WikiLink<'_>) -> String {
        let fragment = link
            .heading
            .map(|h| format!("#{}", super::slug::slugify(h)))
            .unwrap_or_default();
        if link.page.is_empty() {
            return format!("write `[{}]({fragment})`", link.label);
        }
        let dashed = link.page.to_lowercase().replace(' ', "-");
        let mut near = None;
        for name in [link.page, dashed.as_str()] {
            let href = format!("{name}.md");
            match self.routes.resolve(self.input.source, &href) {
                Reference::Page { .. } => {
                    return format!("write `[{}]({href}{fragment})`", link.label)
                }
                Reference::Missing {
                    suggestion: Some(s),
                    ..
                } if near.is_none() => near = Some(s),
                _ => {}
            }
        }
        match near {
            Some(near) => format!("write `[{}]({near}{fragment})`", link.label),
            None => format!(
                "write a link to the page's file, from this page's folder: `[{}]({dashed}.md{fragment})`",
                link.label
            ),
        }
    }
}

/// Where each `[[…]]` of `body`'s text is, with the text between the
/// brackets: on one line, with no bracket inside, outside code (blocks,
/// spans), raw HTML blocks and Markdown links (`[[1]](https://…)` is a
/// link whose text is `[1]`).
fn wiki_links(body: &str) -> Vec<(Range<usize>, &str)> {
    let mut code: Vec<Range<usize>> = Vec::new();
    let mut block: Option<usize> = None;
    for (event, range) in Parser::new_ext(body, super::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => block = Some(range.start),
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => {
                code.push(block.take().unwrap_or(range.start)..range.end);
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. })
            | Event::Code(_)
            | Event::Html(_)
            | Event::InlineHtml(_) => code.push(range),
            _ => {}
        }
    }
    let in_code = |at: usize| code.iter().any(|r| r.contains(&at));
    let mut links = Vec::new();
    let mut from = 0;
    while let Some(found) = memchr::memmem::find(&body.as_bytes()[from..], b"[[") {
        let start = from + found;
        from = start + 2;
        let rest = &body[start + 2..];
        let Some(end) = rest
            .find(['[', ']', '\n'])
            .filter(|&e| rest[e..].starts_with("]]"))
        else {
            continue;
        };
        if in_code(start) {
            continue;
        }
        links.push((start..start + 2 + end + 2, &rest[..end]));
        from = start + 2 + end + 2;
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wiki_links_parts() {
        let of = |inner| WikiLink::of(inner);
        assert_eq!(
            of("runbooks/deploy#Roll back|the runbook"),
            Some(WikiLink {
                page: "runbooks/deploy",
                heading: Some("Roll back"),
                label: "the runbook"
            })
        );
        assert_eq!(
            of(" Deploy "),
            Some(WikiLink {
                page: "Deploy",
                heading: None,
                label: "Deploy"
            })
        );
        assert_eq!(
            of("deploy#Steps"),
            Some(WikiLink {
                page: "deploy",
                heading: Some("Steps"),
                label: "deploy"
            })
        );
        assert_eq!(of("  "), None);
    }

    #[test]
    fn wiki_links_are_found_in_text_not_in_code() {
        let body = "See [[deploy]] and [[Roll back|undo]].\n\n\
                    `[[not]]` and <span>[[nor]]</span>\n\n\
                    ```toml\n[[schema]]\n```\n\n\
                    [[a\nb]] [[x[y]]] [[]] [[1]](https://example.com) [[2]][r] [[last]]\n\n\
                    [r]: https://example.com/r";
        let found: Vec<&str> = wiki_links(body)
            .into_iter()
            .map(|(_, inner)| inner)
            .collect();
        // HTML's text shows as written too; a bracket inside is no link.
        assert_eq!(found, ["deploy", "Roll back|undo", "nor", "", "last"]);
        let (range, _) = &wiki_links(body)[0];
        assert_eq!(&body[range.clone()], "[[deploy]]");
    }
}
