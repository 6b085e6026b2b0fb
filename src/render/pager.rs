//! Pagination: a long listing (a section's pages, a tag's) cut into pages
//! of `paginate_by` entries each.
//!
//! A listing is paginated only when `paginate_by` is set in `folio.toml`
//! and the template that renders it reads `paginator`: a template that
//! shows only `section.pages` would show every page on each of them. The
//! first page of a listing keeps its URL; page `n` (from 2) is at
//! `page/n/` below it (`/runbooks/page/2/`). A site with a page, section
//! or alias of its own under a listing's `page/` folder keeps it, and that
//! listing stays whole (with a warning naming the file), as tag pages do
//! under `/tags/`.

use std::collections::HashSet;
use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::route::alias_dir;
use crate::site::tags::TagId;
use crate::site::{SectionId, Site};

/// A list of pages that may be cut into pages: `section.pages` on its
/// page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// A section's pages.
    Section(SectionId),
    /// The pages of a tag.
    Tag(TagId),
}

/// The folder, below a listing's own, of its pages from the second on.
pub const PAGER_DIR: &str = "page/";

/// How many pages a listing of `entries` takes at `per_page` a page (0:
/// all on one). Always at least one: an empty listing still has its page.
pub fn count(entries: usize, per_page: usize) -> u32 {
    if per_page == 0 {
        return 1;
    }
    u32::try_from(entries.div_ceil(per_page).max(1)).unwrap_or(u32::MAX)
}

/// The entries page `number` (from 1) of a listing of `entries` shows.
pub fn range(number: u32, per_page: usize, entries: usize) -> Range<usize> {
    if per_page == 0 {
        return 0..entries;
    }
    let start = (number as usize - 1).saturating_mul(per_page).min(entries);
    start..(start + per_page).min(entries)
}

/// The output folder of page `number` of the listing at `dir`.
pub fn dir(dir: &str, number: u32) -> String {
    match number {
        1 => dir.to_string(),
        n => format!("{dir}{PAGER_DIR}{n}/"),
    }
}

/// The URL of page `number` of the listing whose first page is at `url`
/// (which names its `index.html` when the site is read from disk).
pub fn url(url: &str, number: u32) -> String {
    if number == 1 {
        return url.to_string();
    }
    match url.strip_suffix("index.html") {
        Some(folder) => format!("{folder}{PAGER_DIR}{number}/index.html"),
        None => format!("{url}{PAGER_DIR}{number}/"),
    }
}

/// The folders of the listings whose pages would be at output folder
/// `dir`, or below it: one for each `page/` in it (`a/page/2/` is under
/// the listing `a/`, `a/page/b/page/` under `a/` and `a/page/b/`).
pub fn listings_under(dir: &str) -> impl Iterator<Item = &str> {
    dir.match_indices(PAGER_DIR)
        .filter(|&(at, _)| at == 0 || dir[..at].ends_with('/'))
        .map(|(at, _)| &dir[..at])
}

/// The listings (by output folder) whose `page/` folder holds a page,
/// section or alias of the site's own, with a warning for each naming
/// the first file: those listings are not paginated.
pub fn taken(site: &Site) -> (HashSet<String>, Vec<Diagnostic>) {
    let mut taken = HashSet::new();
    let mut warnings = Vec::new();
    let mut claim = |dir: &str, source: &str, what: &str| {
        for listing in listings_under(dir) {
            if taken.insert(listing.to_string()) {
                warnings.push(
                    Diagnostic::warning(format!(
                        "{what} is under `/{listing}{PAGER_DIR}`, where the listing of `/{listing}` \
                         continues when it is cut into pages: it is written whole instead"
                    ))
                    .in_file(source.to_string())
                    .with_hint(format!(
                        "rename the page or folder to paginate `/{listing}` (`paginate_by` in folio.toml)"
                    )),
                );
            }
        }
    };
    for page in &site.pages {
        claim(&page.route.dir, &page.source, "the page's URL");
        for alias in &page.front.aliases {
            claim(&alias_dir(alias), &page.source, "an alias of the page");
        }
    }
    for section in site.sections.iter().filter(|s| s.index.is_none()) {
        let source = format!("content/{}", section.route.dir);
        claim(&section.route.dir, &source, "the folder's section");
    }
    (taken, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_is_cut_into_pages_of_per_page_entries() {
        assert_eq!(count(0, 10), 1);
        assert_eq!(count(10, 10), 1);
        assert_eq!(count(11, 10), 2);
        assert_eq!(count(500, 0), 1);
        assert_eq!(range(1, 10, 25), 0..10);
        assert_eq!(range(3, 10, 25), 20..25);
        assert_eq!(range(4, 10, 25), 25..25);
        assert_eq!(range(1, 0, 25), 0..25);
        assert_eq!(range(1, 10, 0), 0..0);
    }

    #[test]
    fn the_pages_after_the_first_are_under_page_n() {
        assert_eq!(dir("runbooks/", 1), "runbooks/");
        assert_eq!(dir("runbooks/", 2), "runbooks/page/2/");
        assert_eq!(dir("", 3), "page/3/");
        assert_eq!(url("/hb/runbooks/", 2), "/hb/runbooks/page/2/");
        assert_eq!(url("/hb/", 1), "/hb/");
        let under: Vec<&str> = listings_under("a/page/b/page/3/").collect();
        assert_eq!(under, ["a/", "a/page/b/"]);
        assert_eq!(listings_under("page/2/").collect::<Vec<_>>(), [""]);
        assert_eq!(listings_under("homepage/x/").count(), 0);
        assert_eq!(
            url("file:///x/runbooks/index.html", 2),
            "file:///x/runbooks/page/2/index.html"
        );
    }

    #[test]
    fn a_site_file_under_a_listings_page_folder_keeps_that_listing_whole() {
        let (site, _) = crate::site::test_site(&[
            ("content/_index.md", "Home"),
            ("content/a/x.md", "---\naliases: [/b/page/2/]\n---\nx"),
            ("content/a/page.md", "p"),
            ("content/c/page/2/y.md", "y"),
            ("content/homepage.md", "not under a page folder"),
        ]);
        let (taken, warnings) = taken(&site);
        let mut listed: Vec<&str> = taken.iter().map(String::as_str).collect();
        listed.sort_unstable();
        assert_eq!(listed, ["a/", "b/", "c/"]);
        assert_eq!(warnings.len(), 3);
        assert!(
            warnings
                .iter()
                .any(|w| w.file.as_deref() == Some("content/a/x.md")
                    && w.message
                        .starts_with("an alias of the page is under `/b/page/`")),
            "{warnings:?}"
        );
    }
}
