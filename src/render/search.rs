//! The search index: one small record per page, written as a script that
//! the default theme loads the first time a reader searches.
//!
//! A site gets [`INDEX_FILE`] when one of its templates reads
//! [`INDEX_VAR`] (the file's URL), so sites with their own templates pay
//! nothing for it. Each record is a JSON array `[title, url, trail,
//! description, headings]`: the trail is the section titles above the
//! page (joined by ` › `), the headings are the page's table of contents,
//! one per line. Records are made in the parse pass, while the table of
//! contents is still at hand, and kept per page so `folio serve` can
//! replace one after an edit. A script rather than JSON, so the index also
//! loads when the site is opened from `file://`.

use crate::markdown::{ParsedPage, TocEntry};
use crate::site::{PageId, SectionId, Site};

use super::context::description;

/// File name of the index, at the output root.
pub const INDEX_FILE: &str = "search-index.js";

/// Template variable holding the index's URL.
pub const INDEX_VAR: &str = "search_index";

/// The record of page `id`, whose body parsed to `parsed`.
pub fn record(site: &Site, id: PageId, parsed: &ParsedPage) -> String {
    let page = site.page(id);
    let above = if page.is_index {
        site.section(page.section).parent
    } else {
        Some(page.section)
    };
    let mut headings = String::new();
    let mut todo: Vec<&TocEntry> = parsed.toc.iter().rev().collect();
    while let Some(entry) = todo.pop() {
        if !headings.is_empty() {
            headings.push('\n');
        }
        headings.push_str(&entry.title);
        todo.extend(entry.children.iter().rev());
    }
    to_json(&(
        &page.title,
        &page.route.url,
        trail(site, above),
        description(page, parsed),
        headings,
    ))
}

/// Section titles from below the home page down to `section`.
fn trail(site: &Site, section: Option<SectionId>) -> String {
    let Some(section) = section else {
        return String::new();
    };
    let titles: Vec<&str> = site
        .section_path(section)
        .into_iter()
        .skip(1)
        .map(|s| site.section(s).title.as_str())
        .collect();
    titles.join(" › ")
}

fn to_json(record: &impl serde::Serialize) -> String {
    // Strings and arrays of strings always serialise.
    serde_json::to_string(record).unwrap_or_default()
}

/// Writes the index: every page's record in site order, then sections that
/// have no index page of their own (title and URL only).
pub fn write_index(site: &Site, records: &[String], out: &mut Vec<u8>) {
    out.extend_from_slice(b"window.folioSearchIndex=[\n");
    for record in records.iter().filter(|r| !r.is_empty()) {
        out.extend_from_slice(record.as_bytes());
        out.extend_from_slice(b",\n");
    }
    for section in &site.sections {
        if section.index.is_none() && section.parent.is_some() {
            let trail = trail(site, section.parent);
            let record = to_json(&(&section.title, &section.route.url, trail, "", ""));
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
    fn records_carry_title_url_trail_description_and_every_heading() {
        let (site, _) = crate::site::test_site(&[
            ("content/_index.md", "Home"),
            ("content/ops/_index.md", "---\ntitle: Operations\n---\nRunning things."),
            (
                "content/ops/deep/on-call.md",
                "---\ntitle: \"On \\\"call\\\" </script>\"\n---\nWho answers the pager.\n\n## Rota\n\n### Swaps\n\n## Escalation\n",
            ),
        ]);
        let records: Vec<String> = (0..site.pages.len())
            .map(|i| {
                let id = PageId(i as u32);
                record(&site, id, &site.page(id).parsed)
            })
            .collect();
        let on_call = site
            .pages
            .iter()
            .position(|p| p.source == "content/ops/deep/on-call.md")
            .unwrap();
        let fields: Vec<String> = serde_json::from_str(&records[on_call]).unwrap();
        assert_eq!(
            fields,
            [
                "On \"call\" </script>",
                "/ops/deep/on-call/",
                "Operations › Deep",
                "Who answers the pager.",
                "Rota\nSwaps\nEscalation"
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
    }
}
