//! Stage 4, assemble: the site model.
//!
//! Plain data addressed by typed ids: pages and sections live in two
//! vectors, and relations (parent, children, prev/next) are ids, not
//! references. Built once by [`assemble`], then only read.

mod assemble;
pub mod tags;

pub use assemble::{
    assemble, check_anchor, check_anchors, page_title, place_among_pages, place_among_sections,
    reorder, AnchorIds, AssembleInput,
};

use std::sync::Arc;

use crate::load::FrontMatter;
use crate::markdown::ParsedPage;
use crate::route::Route;

/// Index of a page in [`Site::pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(pub u32);

/// Index of a section in [`Site::sections`]; the root section is `SectionId(0)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub u32);

/// The featured image of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Featured {
    /// URL to write in `src`.
    pub url: String,
    /// Project-relative file, `None` for a remote image.
    pub path: Option<String>,
    /// Pixel size read from the file (remote images have none).
    pub size: Option<(u32, u32)>,
    /// WebP variants as a `srcset` value, when generated (shared by every
    /// page that features the same image).
    pub srcset: Option<Arc<str>>,
    /// URL of the smallest variant, when generated.
    pub thumbnail: Option<Arc<str>>,
}

/// One page (regular or a section's index page).
#[derive(Debug, Clone)]
pub struct Page {
    /// Project-relative source path.
    pub source: String,
    /// Where it is written and its URL.
    pub route: Route,
    /// Title from front matter, the first H1, or the file name.
    pub title: String,
    /// True when the title came from an H1 that is already in the content.
    pub title_in_body: bool,
    /// Validated front matter.
    pub front: FrontMatter,
    /// Normalised source text: whole until the page is parsed, when the load
    /// stage held it (up to a budget for all pages) or the site was made
    /// from text in memory; otherwise only the front matter (which
    /// messages quote), and the parse pass reads the file again.
    pub text: String,
    /// Byte offset of the body in the file.
    pub body_start: usize,
    /// Size of the file in bytes when it was loaded (`u32::MAX` from
    /// 4 GiB up: it only saves the pass a system call). It and
    /// `body_line` take four bytes each: one more word per page cost
    /// ~6 MB of peak memory at 10k pages (allocator size classes).
    pub file_len: u32,
    /// File line (1-based) where the body starts.
    pub body_line: u32,
    /// Parsed body: empty until the parse pass, which runs after the site
    /// is assembled (see [`crate::build`]).
    pub parsed: ParsedPage,
    /// The section the page belongs to (for an index page: the section it introduces).
    pub section: SectionId,
    /// True for `_index.md` / `index.md`.
    pub is_index: bool,
    /// Previous page in the section's order.
    pub prev: Option<PageId>,
    /// Next page in the section's order.
    pub next: Option<PageId>,
    /// Resolved featured image.
    pub featured: Option<Featured>,
}

/// A folder of `content/`.
#[derive(Debug, Clone)]
pub struct Section {
    /// Folder relative to `content/` (empty for the root).
    pub dir: String,
    /// Where its index is written and its URL.
    pub route: Route,
    /// Title from the index page, else the folder name.
    pub title: String,
    /// The `_index.md` / `index.md` page, if any.
    pub index: Option<PageId>,
    /// Parent section (`None` for the root).
    pub parent: Option<SectionId>,
    /// Regular pages, ordered by weight then title.
    pub pages: Vec<PageId>,
    /// Child sections, ordered by weight then title.
    pub subsections: Vec<SectionId>,
    /// Sort weight (from the index page).
    pub weight: Option<i64>,
}

/// The whole site.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Every page, by [`PageId`].
    pub pages: Vec<Page>,
    /// Every section, by [`SectionId`]; index 0 is the root.
    pub sections: Vec<Section>,
    /// The pages of each tag (see [`tags`]).
    pub tags: tags::Tags,
}

impl Page {
    /// The Markdown body, while it is held (see [`Page::text`]).
    pub fn body(&self) -> &str {
        self.text.get(self.body_start..).unwrap_or("")
    }

    /// Stores the parsed body and lets go of the Markdown source.
    pub fn set_parsed(&mut self, parsed: ParsedPage) {
        self.parsed = parsed;
        // Parsing sized the HTML generously; trim what is kept.
        self.parsed.html.shrink_to_fit();
        self.text.truncate(self.body_start);
        self.text.shrink_to_fit();
    }
}

impl Site {
    /// The root section (home page).
    pub const ROOT: SectionId = SectionId(0);

    /// A page by id.
    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id.0 as usize]
    }

    /// A section by id.
    pub fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.0 as usize]
    }

    /// Sections from the root down to `id`, inclusive.
    pub fn section_path(&self, id: SectionId) -> Vec<SectionId> {
        let mut path = vec![id];
        let mut cur = id;
        while let Some(parent) = self.section(cur).parent {
            path.push(parent);
            cur = parent;
        }
        path.reverse();
        path
    }

    /// `id` and every section below it, depth first, each before its
    /// subsections and those in their order.
    pub fn sections_below(&self, id: SectionId) -> Vec<SectionId> {
        let mut sections = Vec::new();
        let mut todo = vec![id];
        while let Some(s) = todo.pop() {
            sections.push(s);
            todo.extend(self.section(s).subsections.iter().rev());
        }
        sections
    }

    /// Number of pages in a section and all its subsections.
    pub fn pages_count(&self, id: SectionId) -> usize {
        self.sections_below(id)
            .into_iter()
            .map(|s| self.section(s).pages.len())
            .sum()
    }

    /// The section whose list shows page `id`: its own section for a
    /// regular page; for a section's index page, the parent section,
    /// which lists the section (none for the home page).
    pub fn listed_in(&self, id: PageId) -> Option<SectionId> {
        let page = self.page(id);
        if page.is_index {
            self.section(page.section).parent
        } else {
            Some(page.section)
        }
    }

    /// The pages and sections a build reports (a section's index page
    /// counts as its section, not as a page).
    pub fn counts(&self) -> (usize, usize) {
        let pages = self.pages.iter().filter(|p| !p.is_index).count();
        (pages, self.sections.len())
    }
}

/// Builds a site from in-memory `(path, text)` pages (borrowed or owned),
/// for tests of the stages that read the site model. `images/pic.png`
/// exists.
#[cfg(test)]
pub(crate) fn test_site(
    files: &[(impl AsRef<str>, impl AsRef<str>)],
) -> (Site, Vec<crate::diagnostic::Diagnostic>) {
    test_site_at(&crate::config::Config::default(), files)
}

/// [`test_site`] with the routes `config` (its `base_url`) gives.
#[cfg(test)]
pub(crate) fn test_site_at(
    config: &crate::config::Config,
    files: &[(impl AsRef<str>, impl AsRef<str>)],
) -> (Site, Vec<crate::diagnostic::Diagnostic>) {
    use crate::load::{load_page, LoadedPage};
    use crate::markdown::{parse, ParseInput};
    use crate::route::{RouteRequest, Routes};
    let mut diags = Vec::new();
    let loaded: Vec<LoadedPage> = files
        .iter()
        .map(|(path, text)| {
            let (path, text) = (path.as_ref(), text.as_ref());
            load_page(path, text.as_bytes(), &mut diags).expect("loads")
        })
        .collect();
    let reqs: Vec<RouteRequest<'_>> = loaded
        .iter()
        .map(|l| RouteRequest {
            source: &l.source,
            slug: None,
            aliases: &[],
            aliases_line: 0,
        })
        .collect();
    let (routes, d) = Routes::plan(
        &config.base_path(),
        config.read_from_disk(),
        &reqs,
        ["images/pic.png".to_string()],
    );
    diags.extend(d.into_iter().map(crate::diagnostic::Diagnostic::from));
    let (mut site, d) = assemble(AssembleInput {
        pages: loaded,
        routes: &routes,
        strings: &config.strings,
    });
    diags.extend(d);
    for page in &mut site.pages {
        let parsed = parse(
            ParseInput {
                source: &page.source,
                body: page.body(),
                body_line: page.body_line as usize,
                search_words: true,
            },
            &routes,
        );
        diags.extend(parsed.diagnostics.iter().cloned());
        page.set_parsed(parsed);
    }
    diags.extend(check_anchors(&site));
    (site, diags)
}
