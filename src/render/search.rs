//! The search index: one small record per page, and the words of every
//! page's text, written as a script that the default theme loads the
//! first time a reader searches.
//!
//! A site gets [`INDEX_FILE`] when one of its templates reads
//! [`INDEX_VAR`] (the file's URL), so sites with their own templates pay
//! nothing for it. The script sets `window.folioSearchIndex` to
//! `{pages, words, postings}`:
//!
//! - `pages`: each page's record, a JSON array `[title, url, trail,
//!   description, headings]`: the trail is the section titles above the
//!   page (joined by ` › `), the headings are the page's table of contents,
//!   one per line; then sections without an index page of their own;
//! - `words`: every distinct word of the pages' text (headings keep their
//!   own field), lower-cased (see [`crate::markdown::ParsedPage::search_words`];
//!   empty with `search_text = false`);
//! - `postings`: for each word, the pages whose text has it, as positions
//!   in `pages`, each written as the difference from the one before, in
//!   base 36, separated by spaces.
//!
//! Each word is written once for the site, not once per page that has it:
//! the index of the 10,000-page benchmark corpus is 5.4 MB instead of
//! 8.5 MB, and the larger a site, the more its pages share their words.
//! Records and words are made in the parse pass, while the table of
//! contents is still at hand, and kept per page so `folio serve` can
//! replace one page's after an edit. A script rather than JSON, so the
//! index also loads when the site is opened from `file://`.

use std::io::{self, Write};
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

/// A page's part of the index: its record, and the words of its text.
#[derive(Debug, Default)]
pub struct Record {
    /// The record (JSON), then the words (space-separated).
    bytes: String,
    /// Where the words start.
    words_at: usize,
}

impl Record {
    fn record(&self) -> &str {
        &self.bytes[..self.words_at]
    }

    fn words(&self) -> &str {
        &self.bytes[self.words_at..]
    }
}

/// The record of page `id`, whose body parsed to `parsed`. Takes the
/// page's words: the record holds them now, and nothing else needs them.
pub fn record(site: &Site, trails: &Trails<'_>, id: PageId, parsed: &mut ParsedPage) -> Record {
    let page = site.page(id);
    let above = site.listed_in(id);
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
    );
    let words_at = out.len();
    out.push_str(&std::mem::take(&mut parsed.search_words));
    Record {
        bytes: out,
        words_at,
    }
}

/// Writes one record, `[title, url, trail, description, headings]`: the
/// format is made here and nowhere else.
fn push_record<'h>(out: &mut String, fields: [&str; 4], headings: impl Iterator<Item = &'h str>) {
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
    out.push_str("\"]");
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

/// Where a page's part of the index sits in [`Records`]' buffer: its
/// start, its words' start, and its end.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    start: usize,
    words: usize,
    end: usize,
}

impl Span {
    fn len(self) -> usize {
        self.end - self.start
    }

    /// The same part, moved to start at `start`.
    fn moved_to(self, start: usize) -> Span {
        Span {
            start,
            words: start + (self.words - self.start),
            end: start + self.len(),
        }
    }
}

/// Every page's record and words, in one buffer. Kept as strings each,
/// made in the middle of the pass among short-lived allocations, they
/// pinned the allocator's pages: 4 MB of records cost 15 MiB of peak
/// memory at 10,000 pages.
#[derive(Debug, Default)]
pub struct Records {
    bytes: Vec<u8>,
    /// Each page's part of `bytes`, by page index.
    spans: Vec<Span>,
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

    /// The record and the words of page number `page`.
    pub fn get(&self, page: usize) -> Option<(&[u8], &[u8])> {
        let span = self.spans.get(page)?;
        Some((
            &self.bytes[span.start..span.words],
            &self.bytes[span.words..span.end],
        ))
    }

    /// Gives page number `page` a new record; false when it was the same.
    pub fn replace(&mut self, page: usize, record: &Record) -> bool {
        let new = (record.record().as_bytes(), record.words().as_bytes());
        if self.get(page).is_none_or(|old| old == new) {
            return false;
        }
        self.stale += self.spans[page].len();
        self.spans[page] = push(&mut self.bytes, record);
        // A long preview session must not grow without bound.
        if self.stale > self.bytes.len() / 2 {
            let mut packed = Vec::with_capacity(self.bytes.len() - self.stale);
            for span in &mut self.spans {
                let moved = span.moved_to(packed.len());
                packed.extend_from_slice(&self.bytes[span.start..span.end]);
                *span = moved;
            }
            self.bytes = packed;
            self.stale = 0;
        }
        true
    }

    fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        (0..self.spans.len()).filter_map(|page| self.get(page))
    }
}

/// Appends `record` to `bytes`; returns where it went.
fn push(bytes: &mut Vec<u8>, record: &Record) -> Span {
    let span = Span {
        start: 0,
        words: record.words_at,
        end: record.bytes.len(),
    }
    .moved_to(bytes.len());
    bytes.extend_from_slice(record.bytes.as_bytes());
    span
}

/// Gathers records from the pass's workers into one buffer.
pub struct Gather(Mutex<Vec<u8>>);

impl Gather {
    /// Room for `pages` records of a typical size.
    pub fn new(pages: usize) -> Self {
        Gather(Mutex::new(Vec::with_capacity(pages * 512)))
    }

    /// Adds a record; returns where it went, for [`Gather::finish`].
    pub fn add(&self, record: &Record) -> Span {
        push(
            &mut self.0.lock().unwrap_or_else(|e| e.into_inner()),
            record,
        )
    }

    /// The records, with each page's place as `add` returned it.
    pub fn finish(self, spans: Vec<Span>) -> Records {
        Records {
            bytes: self.0.into_inner().unwrap_or_else(|e| e.into_inner()),
            spans,
            stale: 0,
        }
    }
}

/// About how many bytes [`write_index`] writes, for a buffer's capacity:
/// it counts each page's words where the index has their postings, which
/// usually take less room (a word of two letters or more and a space,
/// against a step of one to four base-36 digits and a space).
pub fn index_len(site: &Site, records: &Records) -> usize {
    let live = records.bytes.len() - records.stale;
    64 + live + 3 * records.spans.len() + 160 * site.sections.len()
}

/// Writes the index: every page's record in site order, then sections that
/// have no index page of their own (title and URL only); then every word
/// and the pages that have it.
///
/// A build streams it to its file (see `build::write::Sink`): made in
/// memory first, the 27 MB index of a 50,000-page site took ~50 ms longer,
/// all of it the kernel handing out fresh pages for the buffer.
pub fn write_index(site: &Site, records: &Records, out: &mut dyn Write) -> io::Result<()> {
    let postings = Postings::of(records);
    out.write_all(b"window.folioSearchIndex={\"pages\":[\n")?;
    for (record, _) in records.iter() {
        out.write_all(record)?;
        out.write_all(b",\n")?;
    }
    let trails = Trails::new(site);
    let mut text = String::new();
    for section in &site.sections {
        if section.index.is_none() && section.parent.is_some() {
            let fields = [
                &section.title,
                &section.route.url,
                trails.of(section.parent),
                "",
            ];
            push_record(&mut text, fields, std::iter::empty());
            text.push_str(",\n");
        }
    }
    text.push_str("],\n\"words\":[");
    for (i, posting) in postings.words.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        // Words are whole characters: the text they came from was UTF-8.
        push_json_str(&mut text, std::str::from_utf8(posting.word).unwrap_or(""));
    }
    text.push_str("],\n\"postings\":[");
    out.write_all(text.as_bytes())?;
    for (i, posting) in postings.words.iter().enumerate() {
        out.write_all(if i > 0 { b",\"" } else { b"\"" })?;
        out.write_all(&posting.pages)?;
        out.write_all(b"\"")?;
    }
    out.write_all(b"]};\n")
}

/// Every distinct word of the pages' text, in the order of first use, with
/// the pages that have it, encoded as the index writes them.
#[derive(Default)]
struct Postings<'a> {
    /// Each word's place in `words`.
    slots: foldhash::HashMap<&'a [u8], u32>,
    words: Vec<Posting<'a>>,
}

/// A word and the pages that have it.
struct Posting<'a> {
    word: &'a [u8],
    /// Its first and last page.
    first: u32,
    last: u32,
    /// Its pages: the first, then the steps from one to the next, in base
    /// 36, space-separated.
    pages: Vec<u8>,
}

impl<'a> Posting<'a> {
    fn new(word: &'a [u8], page: u32) -> Self {
        let mut pages = Vec::new();
        push_base36(&mut pages, page);
        Posting {
            word,
            first: page,
            last: page,
            pages,
        }
    }

    /// Adds `page`, after every page it has.
    fn step_to(&mut self, page: u32) {
        self.pages.push(b' ');
        push_base36(&mut self.pages, page - self.last);
        self.last = page;
    }
}

/// Pages a worker takes at least when the postings are made in parallel.
const POSTINGS_RUN: usize = 2048;

impl<'a> Postings<'a> {
    /// The postings of every page, made by the pool's workers a run of
    /// pages each (at 50,000 pages, 75 ms on one worker), then joined.
    fn of(records: &'a Records) -> Self {
        let pages = records.spans.len();
        let workers = rayon::current_num_threads().min(pages.div_ceil(POSTINGS_RUN));
        Self::in_runs(records, pages.div_ceil(workers.max(1)).max(1))
    }

    /// The postings of every page, made in runs of `run` pages.
    fn in_runs(records: &'a Records, run: usize) -> Self {
        use rayon::prelude::*;
        let pages = records.spans.len();
        let starts: Vec<usize> = (0..pages).step_by(run).collect();
        let parts: Vec<Postings<'a>> = starts
            .into_par_iter()
            .map(|start| Self::of_pages(records, start..pages.min(start + run)))
            .collect();
        let mut parts = parts.into_iter();
        let mut all = parts.next().unwrap_or_default();
        for later in parts {
            all.absorb(later);
        }
        all
    }

    fn of_pages(records: &'a Records, pages: std::ops::Range<usize>) -> Self {
        let mut postings = Postings::default();
        for page in pages {
            let Some((_, text)) = records.get(page) else {
                continue;
            };
            let page = page as u32;
            // A page lists each word once (see `markdown::words`).
            for word in text.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
                let next = postings.words.len() as u32;
                let slot = *postings.slots.entry(word).or_insert(next);
                if slot == next {
                    postings.words.push(Posting::new(word, page));
                } else {
                    postings.words[slot as usize].step_to(page);
                }
            }
        }
        postings
    }

    /// Adds the postings of pages that all come after these. A word new
    /// here was first used after every word here: the order of first use
    /// holds.
    fn absorb(&mut self, later: Postings<'a>) {
        for posting in later.words {
            let next = self.words.len() as u32;
            let slot = *self.slots.entry(posting.word).or_insert(next);
            if slot == next {
                self.words.push(posting);
                continue;
            }
            let ours = &mut self.words[slot as usize];
            ours.step_to(posting.first);
            // Then its steps after its first page, as they are.
            let steps = posting.pages.iter().position(|&b| b == b' ');
            ours.pages
                .extend_from_slice(steps.map_or(&[][..], |at| &posting.pages[at..]));
            ours.last = posting.last;
        }
    }
}

/// Appends `n` in base 36 (digits, then lower-case letters).
fn push_base36(out: &mut Vec<u8>, mut n: u32) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 7];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[at..]);
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

    /// The parts of a written index.
    #[derive(serde::Deserialize)]
    struct Index {
        pages: Vec<Vec<String>>,
        words: Vec<String>,
        postings: Vec<String>,
    }

    fn read_index(js: &[u8]) -> Index {
        let js = std::str::from_utf8(js).unwrap();
        let object = js
            .strip_prefix("window.folioSearchIndex=")
            .and_then(|s| s.strip_suffix(";\n"))
            .unwrap()
            .replace(",\n]", "\n]");
        serde_json::from_str(&object).unwrap()
    }

    /// Each page's words, as the index's postings list them.
    fn words_by_page(index: &Index) -> Vec<Vec<&str>> {
        let mut pages = vec![Vec::new(); index.pages.len()];
        assert_eq!(index.words.len(), index.postings.len());
        for (word, postings) in index.words.iter().zip(&index.postings) {
            let mut page = 0;
            for step in postings.split(' ') {
                page += usize::from_str_radix(step, 36).unwrap();
                pages[page].push(word.as_str());
            }
        }
        pages
    }

    #[test]
    fn records_carry_title_url_trail_description_and_every_heading() {
        let (site, _) = crate::site::test_site(&[
            ("content/_index.md", "Home"),
            (
                "content/ops/_index.md",
                "---\ntitle: Operations\n---\nRunning things from `C:\\Ops`, \"the pager\".",
            ),
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
                gather.add(&record(
                    &site,
                    &trails,
                    id,
                    &mut site.page(id).parsed.clone(),
                ))
            })
            .collect();
        let mut records = gather.finish(spans);
        let on_call = site
            .pages
            .iter()
            .position(|p| p.source == "content/ops/deep/on-call.md")
            .unwrap();
        let (record, words) = records.get(on_call).unwrap();
        let fields: Vec<String> = serde_json::from_slice(record).unwrap();
        assert_eq!(
            fields,
            [
                "On \"call\" </script>",
                "/ops/deep/on-call/",
                "Operations › Deep",
                "Who answers the pager.",
                "Rota\nSwaps\nEscalation",
            ]
        );
        // Each word once, code included, headings left to their field.
        assert_eq!(
            words,
            b"who answers the pager rota swap with oncall page team ops"
        );

        let mut out = Vec::new();
        write_index(&site, &records, &mut out).unwrap();
        assert!(
            out.len() <= index_len(&site, &records),
            "the estimate covers this site's index"
        );
        let index = read_index(&out);
        let listed: Vec<(&str, &str, &str)> = index
            .pages
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
        // Every word once, the pages that have it after it.
        let by_page = words_by_page(&index);
        assert_eq!(by_page[0], ["home"]);
        assert_eq!(
            by_page[1],
            ["running", "things", "from", "c:\\ops", "the", "pager"]
        );
        let mut page_words: Vec<&str> = std::str::from_utf8(words).unwrap().split(' ').collect();
        let mut listed = by_page[2].clone();
        page_words.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, page_words);
        assert_eq!(by_page[3], Vec::<&str>::new());
        assert_eq!(index.words.iter().filter(|w| *w == "pager").count(), 1);

        // Replacing records keeps the others, and stale bytes are dropped.
        let home = records
            .get(0)
            .map(|(r, w)| (r.to_vec(), w.to_vec()))
            .unwrap();
        let same = record_of(records.get(on_call).unwrap());
        assert!(!records.replace(on_call, &same), "unchanged");
        let mut edited = same;
        edited.bytes.push_str(" more");
        assert!(records.replace(on_call, &edited), "new words");
        for n in 0..50 {
            let edit = record_of((format!("[\"edit {n}\"]").as_bytes(), b"edit"));
            assert!(records.replace(on_call, &edit));
        }
        assert_eq!(
            records.get(on_call).unwrap(),
            (&b"[\"edit 49\"]"[..], &b"edit"[..])
        );
        assert_eq!(records.get(0).unwrap(), (&home.0[..], &home.1[..]));
        let live: usize = records.iter().map(|(r, w)| r.len() + w.len()).sum();
        assert!(records.bytes.len() < 2 * live + 20);
        assert!(!records.replace(99, &Record::default()), "no such page");
    }

    fn record_of((record, words): (&[u8], &[u8])) -> Record {
        let record = std::str::from_utf8(record).unwrap();
        Record {
            bytes: format!("{record}{}", std::str::from_utf8(words).unwrap()),
            words_at: record.len(),
        }
    }

    #[test]
    fn postings_list_each_page_of_a_word_in_base_36_steps() {
        let mut out = Vec::new();
        for n in [0, 9, 10, 35, 36, 1295, 1296, u32::MAX] {
            push_base36(&mut out, n);
            out.push(b' ');
        }
        assert_eq!(out, b"0 9 a z 10 zz 100 1z141z3 ");

        // 100 pages, page n with the words "all", "n<n>" and, on every
        // seventh page, "seventh": steps past 36 need two digits.
        let mut records = Records::default();
        for n in 0..100 {
            let words = if n % 7 == 0 {
                format!("all n{n} seventh")
            } else {
                format!("all n{n}")
            };
            let span = push(
                &mut records.bytes,
                &Record {
                    bytes: format!("[]{words}"),
                    words_at: 2,
                },
            );
            records.spans.push(span);
        }
        let postings = Postings::of(&records);
        let find = |word: &str| {
            let posting = postings
                .words
                .iter()
                .find(|p| p.word == word.as_bytes())
                .unwrap();
            String::from_utf8(posting.pages.clone()).unwrap()
        };
        assert_eq!(postings.words.len(), 102);
        assert_eq!(find("all"), format!("0{}", " 1".repeat(99)));
        assert_eq!(find("seventh"), format!("0{}", " 7".repeat(14)));
        assert_eq!(find("n99"), "2r");
        let order: Vec<&[u8]> = postings.words.iter().take(3).map(|p| p.word).collect();
        assert_eq!(order, [&b"all"[..], b"n0", b"seventh"]);

        // Made in runs of pages and joined, they are the same.
        let flat = |p: &Postings<'_>| -> Vec<(Vec<u8>, Vec<u8>)> {
            p.words
                .iter()
                .map(|p| (p.word.to_vec(), p.pages.clone()))
                .collect()
        };
        let whole = flat(&Postings::in_runs(&records, 100));
        for run in [1, 3, 7, 36, 37, 99] {
            assert_eq!(
                flat(&Postings::in_runs(&records, run)),
                whole,
                "runs of {run}"
            );
        }
        assert_eq!(flat(&postings), whole);
    }
}
