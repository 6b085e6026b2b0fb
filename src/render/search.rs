//! The search index: one small record per page, written as a script that
//! the default theme loads the first time a reader searches.
//!
//! A site gets [`INDEX_FILE`] when one of its templates reads
//! [`INDEX_VAR`] (the file's URL), so sites with their own templates pay
//! nothing for it. Each record is a JSON array `[title, url, trail,
//! description, headings, words]`: the trail is the section titles above
//! the page (joined by ` › `), the headings are the page's table of
//! contents, one per line, and the words are the distinct words of the
//! rest of its text, lower-cased (see
//! [`crate::markdown::ParsedPage::search_words`]; empty with
//! `search_text = false`). Records are made in the parse pass, while the
//! table of contents is still at hand, and kept per page so `folio serve` can
//! replace one after an edit. A script rather than JSON, so the index also
//! loads when the site is opened from `file://`.

use std::sync::{Mutex, OnceLock};

use crate::markdown::{push_replacing, ParsedPage, TocEntry};
use crate::site::{PageId, SectionId, Site};

use super::context::description;

/// File name of the index, at the output root.
pub const INDEX_FILE: &str = "search-index.js";

/// Template variable holding the index's URL.
pub const INDEX_VAR: &str = "search_index";

/// Each section's trail: the section titles from below the home page down
/// to it, joined by ` › `. Each is made on first use, once per build, not
/// once per page (and `folio serve`'s one-page update makes only its own).
pub struct Trails<'a> {
    site: &'a Site,
    made: Vec<OnceLock<String>>,
}

impl<'a> Trails<'a> {
    /// The trails of `site`'s sections, none made yet.
    pub fn new(site: &'a Site) -> Self {
        Trails {
            site,
            made: (0..site.sections.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    fn of(&self, section: Option<SectionId>) -> &str {
        let Some(section) = section else {
            return "";
        };
        self.made[section.0 as usize].get_or_init(|| {
            let titles: Vec<&str> = self
                .site
                .section_path(section)
                .into_iter()
                .skip(1)
                .map(|s| self.site.section(s).title.as_str())
                .collect();
            titles.join(" › ")
        })
    }
}

/// The record of page `id`, whose body parsed to `parsed`.
pub fn record(site: &Site, trails: &Trails<'_>, id: PageId, parsed: &ParsedPage) -> String {
    let page = site.page(id);
    let above = if page.is_index {
        site.section(page.section).parent
    } else {
        Some(page.section)
    };
    let mut todo: Vec<&TocEntry> = parsed.toc.iter().rev().collect();
    let headings = std::iter::from_fn(|| {
        let entry = todo.pop()?;
        todo.extend(entry.children.iter().rev());
        Some(entry.title.as_str())
    });
    let mut out = String::with_capacity(256 + parsed.toc.len() * 32 + parsed.search_words.len());
    push_record(
        &mut out,
        [
            &page.title,
            &page.route.url,
            trails.of(above),
            &description(page, parsed),
        ],
        headings,
        &parsed.search_words,
    );
    out
}

/// Writes one record, `[title, url, trail, description, headings, words]`:
/// the format is made here and nowhere else.
fn push_record<'h>(
    out: &mut String,
    fields: [&str; 4],
    headings: impl Iterator<Item = &'h str>,
    words: &str,
) {
    out.push('[');
    for field in fields {
        push_json_str(out, field);
        out.push(',');
    }
    out.push('"');
    for (i, heading) in headings.enumerate() {
        if i > 0 {
            out.push_str("\\n");
        }
        push_json_chars(out, heading);
    }
    out.push_str("\",");
    push_json_str(out, words);
    out.push(']');
}

/// `text` as a JSON string literal. serde_json's escaping was half the
/// cost of a record; text needing no escapes is copied in runs here.
fn push_json_str(out: &mut String, text: &str) {
    out.push('"');
    push_json_chars(out, text);
    out.push('"');
}

fn push_json_chars(out: &mut String, text: &str) {
    // Most text needs no escape: find out sixteen bytes at a time (a fold
    // without an early exit, which the compiler vectorises).
    let special = |b: u8| (b < 0x20) | (b == b'"') | (b == b'\\');
    if !text
        .as_bytes()
        .chunks(16)
        .any(|c| c.iter().fold(false, |seen, &b| seen | special(b)))
    {
        out.push_str(text);
        return;
    }
    push_replacing(out, text, special, |b, out| match b {
        b'"' => out.push_str("\\\""),
        b'\\' => out.push_str("\\\\"),
        b'\n' => out.push_str("\\n"),
        b'\r' => out.push_str("\\r"),
        b'\t' => out.push_str("\\t"),
        0x08 => out.push_str("\\b"),
        0x0c => out.push_str("\\f"),
        _ => out.push_str(&format!("\\u{b:04x}")),
    });
}

/// Every page's record, in one buffer. Kept as a string each, made in the
/// middle of the pass among short-lived allocations, they pinned the
/// allocator's pages: 4 MB of records cost 15 MiB of peak memory at
/// 10,000 pages.
#[derive(Debug, Default)]
pub struct Records {
    bytes: Vec<u8>,
    /// Each page's record as a range of `bytes`, by page index.
    spans: Vec<(usize, usize)>,
    /// Bytes of records replaced since (see [`Records::replace`]).
    stale: usize,
}

impl Records {
    /// No records.
    pub const EMPTY: Records = Records {
        bytes: Vec::new(),
        spans: Vec::new(),
        stale: 0,
    };

    /// True when no page has a record (the site has no search index).
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The record of page number `page`.
    pub fn get(&self, page: usize) -> Option<&[u8]> {
        let &(start, len) = self.spans.get(page)?;
        self.bytes.get(start..start + len)
    }

    /// Gives page number `page` a new record; false when it was the same.
    pub fn replace(&mut self, page: usize, record: &str) -> bool {
        if self.get(page).is_none_or(|old| old == record.as_bytes()) {
            return false;
        }
        self.stale += self.spans[page].1;
        self.spans[page] = (self.bytes.len(), record.len());
        self.bytes.extend_from_slice(record.as_bytes());
        // A long preview session must not grow without bound.
        if self.stale > self.bytes.len() / 2 {
            let mut packed = Vec::with_capacity(self.bytes.len() - self.stale);
            for span in &mut self.spans {
                let start = packed.len();
                packed.extend_from_slice(&self.bytes[span.0..span.0 + span.1]);
                span.0 = start;
            }
            self.bytes = packed;
            self.stale = 0;
        }
        true
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.spans.iter().map(|&(s, l)| &self.bytes[s..s + l])
    }
}

/// Gathers records from the pass's workers into one buffer.
pub struct Gather(Mutex<Vec<u8>>);

impl Gather {
    /// Room for `pages` records of a typical size.
    pub fn new(pages: usize) -> Self {
        Gather(Mutex::new(Vec::with_capacity(pages * 512)))
    }

    /// Adds a record; returns where it went, for [`Gather::finish`].
    pub fn add(&self, record: &str) -> (usize, usize) {
        let mut bytes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let start = bytes.len();
        bytes.extend_from_slice(record.as_bytes());
        (start, record.len())
    }

    /// The records, with each page's place as `add` returned it.
    pub fn finish(self, spans: Vec<(usize, usize)>) -> Records {
        Records {
            bytes: self.0.into_inner().unwrap_or_else(|e| e.into_inner()),
            spans,
            stale: 0,
        }
    }
}

/// Writes the index: every page's record in site order, then sections that
/// have no index page of their own (title and URL only).
pub fn write_index(site: &Site, records: &Records, out: &mut Vec<u8>) {
    // One allocation: doubling a 4 MB buffer cost 8 MB of peak memory.
    let live = records.bytes.len() - records.stale;
    out.reserve(64 + live + 2 * records.spans.len() + 160 * site.sections.len());
    out.extend_from_slice(b"window.folioSearchIndex=[\n");
    for record in records.iter() {
        out.extend_from_slice(record);
        out.extend_from_slice(b",\n");
    }
    let trails = Trails::new(site);
    for section in &site.sections {
        if section.index.is_none() && section.parent.is_some() {
            let mut record = String::new();
            let fields = [
                &section.title,
                &section.route.url,
                trails.of(section.parent),
                "",
            ];
            push_record(&mut record, fields, std::iter::empty(), "");
            out.extend_from_slice(record.as_bytes());
            out.extend_from_slice(b",\n");
        }
    }
    out.extend_from_slice(b"];\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_like_serde_json() {
        for text in [
            "",
            "plain words",
            "quote \" and backslash \\ and slash /",
            "lines\nand\r\ttabs",
            "\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}\u{7f}",
            "ünïcödé, 日本語, emoji 🦀, separators \u{2028}\u{2029}",
            "</script><!--",
        ] {
            let mut ours = String::new();
            push_json_str(&mut ours, text);
            assert_eq!(ours, serde_json::to_string(text).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn records_carry_title_url_trail_description_and_every_heading() {
        let (site, _) = crate::site::test_site(&[
            ("content/_index.md", "Home"),
            ("content/ops/_index.md", "---\ntitle: Operations\n---\nRunning things."),
            (
                "content/ops/deep/on-call.md",
                "---\ntitle: \"On \\\"call\\\" </script>\"\n---\nWho answers the pager.\n\n## Rota\n\n### Swaps\n\nThe pager rota: \"Swap\" with `oncall swap`.\n\n```sh\noncall page --team Ops\n```\n\n## Escalation\n",
            ),
        ]);
        let gather = Gather::new(site.pages.len());
        let trails = Trails::new(&site);
        let spans = (0..site.pages.len())
            .map(|i| {
                let id = PageId(i as u32);
                gather.add(&record(&site, &trails, id, &site.page(id).parsed))
            })
            .collect();
        let mut records = gather.finish(spans);
        let on_call = site
            .pages
            .iter()
            .position(|p| p.source == "content/ops/deep/on-call.md")
            .unwrap();
        let fields: Vec<String> = serde_json::from_slice(records.get(on_call).unwrap()).unwrap();
        assert_eq!(
            fields,
            [
                "On \"call\" </script>",
                "/ops/deep/on-call/",
                "Operations › Deep",
                "Who answers the pager.",
                "Rota\nSwaps\nEscalation",
                // Each word once, code included, headings left to their field.
                "who answers the pager rota swap with oncall page team ops"
            ]
        );

        let mut out = Vec::new();
        write_index(&site, &records, &mut out);
        let js = String::from_utf8(out).unwrap();
        let array = js
            .strip_prefix("window.folioSearchIndex=")
            .and_then(|s| s.strip_suffix(";\n"))
            .unwrap()
            .replace(",\n]", "\n]");
        let all: Vec<Vec<String>> = serde_json::from_str(&array).unwrap();
        let listed: Vec<(&str, &str, &str)> = all
            .iter()
            .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str()))
            .collect();
        assert_eq!(
            listed,
            [
                ("Index", "/", ""),
                ("Operations", "/ops/", ""),
                (
                    "On \"call\" </script>",
                    "/ops/deep/on-call/",
                    "Operations › Deep"
                ),
                // A folder without an index page: title and URL only.
                ("Deep", "/ops/deep/", "Operations"),
            ]
        );

        // Replacing records keeps the others, and stale bytes are dropped.
        let home = records.get(0).unwrap().to_vec();
        let same = String::from_utf8(records.get(on_call).unwrap().to_vec()).unwrap();
        assert!(!records.replace(on_call, &same), "unchanged");
        for n in 0..50 {
            assert!(records.replace(on_call, &format!("[\"edit {n}\"]")));
        }
        assert_eq!(records.get(on_call).unwrap(), b"[\"edit 49\"]");
        assert_eq!(records.get(0).unwrap(), home.as_slice());
        assert!(records.bytes.len() < 2 * (records.iter().map(<[u8]>::len).sum::<usize>()) + 20);
        assert!(!records.replace(99, "[]"), "no such page");
    }
}
