//! Building the [`Site`] from loaded and parsed pages.
//!
//! Pure: sections come from folders, order from weight then title, and
//! featured images are resolved. Needs only what loading found (titles come
//! from front matter or the title heading), so it runs before the bodies
//! are parsed; [`check_anchors`] runs once they are. All work is linear or
//! n log n in the number of pages.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use rayon::prelude::*;

use super::tags::Tags;
use super::{Featured, Page, PageId, Section, SectionId, Site};
use crate::diagnostic::{Diagnostic, Nearby};
use crate::load::LoadedPage;
use crate::markdown::PageLink;
use crate::route::{output_dir, section_dir, source_parts, Reference, Route, Routes};

/// Pages ready to be assembled.
pub struct AssembleInput<'a> {
    /// Loaded pages, in any order; page ids follow this order.
    pub pages: Vec<LoadedPage>,
    /// Routes planned for them.
    pub routes: &'a Routes,
    /// The words of the site's language (tag pages' titles).
    pub strings: &'a crate::strings::Strings,
}

/// Builds the site model and reports problems with featured images.
pub fn assemble(input: AssembleInput<'_>) -> (Site, Vec<Diagnostic>) {
    let routes = input.routes;
    let mut diags = Vec::new();
    let mut site = Site::default();
    let mut section_of_dir: BTreeMap<String, SectionId> = BTreeMap::new();
    let sections: Vec<SectionId> = input
        .pages
        .iter()
        .map(|l| {
            let (dir, _) = source_parts(&l.source);
            match section_of_dir.get(dir) {
                Some(id) => *id,
                None => ensure_section(&mut site, &mut section_of_dir, routes, dir),
            }
        })
        .collect();
    ensure_section(&mut site, &mut section_of_dir, routes, "");
    // Pages are made in parallel (routes, titles, featured images), each
    // straight into its place in the site; only wiring them into their
    // sections is sequential. (Collecting them first and moving them in
    // copied ~8 MB into fresh memory at 10k pages.)
    let page_diags: Vec<Vec<Diagnostic>>;
    (site.pages, page_diags) = input
        .pages
        .into_par_iter()
        .zip(sections.par_iter())
        .map(|(loaded, &section)| {
            let mut d = Vec::new();
            (make_page(loaded, section, routes, &mut d), d)
        })
        .unzip();
    for (i, page) in site.pages.iter().enumerate() {
        let id = PageId(i as u32);
        let section = &mut site.sections[page.section.0 as usize];
        if page.is_index {
            section.index = Some(id);
        } else {
            section.pages.push(id);
        }
    }
    diags.extend(page_diags.into_iter().flatten());
    name_sections(&mut site);
    order(&mut site);
    link_neighbours(&mut site);
    let (tags, d) = Tags::collect(&site, input.strings, |dir| routes.folder_url(dir));
    site.tags = tags;
    diags.extend(d);
    (site, diags)
}

fn ensure_section(
    site: &mut Site,
    index: &mut BTreeMap<String, SectionId>,
    routes: &Routes,
    dir: &str,
) -> SectionId {
    if let Some(id) = index.get(dir) {
        return *id;
    }
    let parent = (!dir.is_empty()).then(|| {
        let parent_dir = dir.rsplit_once('/').map_or("", |(p, _)| p);
        ensure_section(site, index, routes, parent_dir)
    });
    let id = SectionId(site.sections.len() as u32);
    let out_dir = section_dir(dir);
    let url = routes.folder_url(&out_dir);
    site.sections.push(Section {
        dir: dir.to_string(),
        route: Route { dir: out_dir, url },
        title: String::new(),
        index: None,
        parent,
        pages: Vec::new(),
        subsections: Vec::new(),
        weight: None,
    });
    if let Some(p) = parent {
        site.sections[p.0 as usize].subsections.push(id);
    }
    index.insert(dir.to_string(), id);
    id
}

fn make_page(
    loaded: LoadedPage,
    section: SectionId,
    routes: &Routes,
    diags: &mut Vec<Diagnostic>,
) -> Page {
    let stem = file_stem(&loaded.source);
    let is_index = crate::route::is_index_stem(stem);
    let (title, title_in_body) = page_title(&loaded);
    let featured = loaded
        .front
        .featured
        .as_ref()
        .and_then(|(href, line)| resolve_featured(&loaded, routes, href, *line, diags));
    let route = routes
        .page(&loaded.source)
        .cloned()
        .unwrap_or_else(|| Route {
            dir: output_dir(&loaded.source, None),
            url: String::new(),
        });
    Page {
        source: loaded.source,
        route,
        title,
        title_in_body,
        front: loaded.front,
        text: loaded.text,
        body_start: loaded.body_start,
        file_len: u32::try_from(loaded.file_len).unwrap_or(u32::MAX),
        body_line: u32::try_from(loaded.body_line).unwrap_or(u32::MAX),
        parsed: Default::default(),
        section,
        is_index,
        prev: None,
        next: None,
        featured,
    }
}

/// A loaded page's title, and whether it came from the H1 that opens its
/// body: the front matter's `title`, else that H1, else the file name.
pub fn page_title(loaded: &LoadedPage) -> (String, bool) {
    match (&loaded.front.title, &loaded.title_heading) {
        (Some(t), _) => (t.clone(), false),
        (None, Some(h1)) => (h1.clone(), true),
        (None, None) => (title_from_stem(file_stem(&loaded.source)), false),
    }
}

/// The file name of `source` without its extension.
fn file_stem(source: &str) -> &str {
    let file = source.rsplit('/').next().unwrap_or_default();
    file.rsplit_once('.').map_or(file, |(s, _)| s)
}

fn resolve_featured(
    page: &LoadedPage,
    routes: &Routes,
    href: &str,
    line: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Featured> {
    let problem = |msg: String, hint: String| {
        Diagnostic::error(msg)
            .in_file(page.source.clone())
            .at(
                &page.text,
                line,
                page.text
                    .lines()
                    .nth(line - 1)
                    .map_or(1, |l| l.find(':').map_or(1, |i| i + 3)),
            )
            .with_hint(hint)
    };
    match routes.resolve(&page.source, href) {
        Reference::Asset { path, url } => Some(Featured {
            url,
            path: Some(path),
            size: None,
            srcset: None,
            thumbnail: None,
        }),
        Reference::External => Some(Featured {
            url: href.to_string(),
            path: None,
            size: None,
            srcset: None,
            thumbnail: None,
        }),
        // A file of static/ (copied as it is): a raster image gets its size
        // and variants as one of images/ does; anything else (an SVG) is
        // used as it is.
        Reference::Static { url, file } => Some(Featured {
            url,
            path: file.filter(|f| crate::discover::is_raster(f)),
            size: None,
            srcset: None,
            thumbnail: None,
        }),
        Reference::Outside => {
            diags.push(problem(
                format!("featured image `{href}` is outside the site root"),
                "put images in images/ or next to the page".into(),
            ));
            None
        }
        Reference::Missing {
            path,
            suggestion: Some(s),
        } => {
            diags.push(problem(
                format!("featured image `{href}` not found (looked for `{path}`)"),
                crate::diagnostic::did_you_mean(href, &s),
            ));
            None
        }
        other => {
            let looked = match other {
                Reference::Missing { path, .. } => path,
                _ => crate::route::join(&page.source, href).unwrap_or_else(|| href.to_string()),
            };
            diags.push(problem(
                format!("featured image `{href}` not found (looked for `{looked}`)"),
                "the path is relative to this page's folder, or starts with /images/".into(),
            ));
            None
        }
    }
}

/// `failure-modes` → `Failure modes`.
fn title_from_stem(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn name_sections(site: &mut Site) {
    for i in 0..site.sections.len() {
        name_section(site, SectionId(i as u32));
    }
}

/// Sets a section's title and weight from its index page (a folder
/// without one is named after itself).
fn name_section(site: &mut Site, id: SectionId) {
    let i = id.0 as usize;
    let (title, weight) = match site.sections[i].index {
        Some(id) => {
            let p = &site.pages[id.0 as usize];
            (p.title.clone(), p.front.weight)
        }
        None => {
            let dir = &site.sections[i].dir;
            (title_from_stem(dir.rsplit('/').next().unwrap_or(dir)), None)
        }
    };
    site.sections[i].title = if title.is_empty() {
        "Home".into()
    } else {
        title
    };
    site.sections[i].weight = weight;
}

type SortKey = (i64, String, String);

/// Latin letters with marks, by the letter they sort with (lower case):
/// "Étape" sorts with "Etape", not after "Zone".
const MARKED: &[(&str, &str)] = &[
    ("a", "àáâãäåāăą"),
    ("ae", "æ"),
    ("c", "çćĉċč"),
    ("d", "ďđð"),
    ("e", "èéêëēĕėęě"),
    ("g", "ĝğġģ"),
    ("h", "ĥħ"),
    ("i", "ìíîïĩīĭįı"),
    ("j", "ĵ"),
    ("k", "ķ"),
    ("l", "ĺļľŀł"),
    ("n", "ñńņňŉ"),
    ("o", "òóôõöøōŏő"),
    ("oe", "œ"),
    ("r", "ŕŗř"),
    ("s", "śŝşš"),
    ("ss", "ß"),
    ("t", "ţťŧ"),
    ("th", "þ"),
    ("u", "ùúûüũūŭůűų"),
    ("w", "ŵ"),
    ("y", "ýÿŷ"),
    ("z", "źżž"),
];

/// `text` (lower case) with [`MARKED`] letters replaced by the letters
/// they sort with.
fn unmarked(text: String) -> String {
    if text.is_ascii() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match MARKED.iter().find(|(_, marked)| marked.contains(c)) {
            Some((plain, _)) => out.push_str(plain),
            None => out.push(c),
        }
    }
    out
}

/// A title as it sorts: letter case and accents ignored, and numbers by
/// value, so "Step 2" comes before "Step 10" (and "step 3" after "Step
/// 2", "Étape" with "Etape"). Each run of digits becomes its length (as
/// one character below any digit or letter), then the digits without
/// leading zeros: a shorter number sorts first, and numbers of one length
/// sort digit by digit.
pub(super) fn title_key(title: &str) -> String {
    let lower = unmarked(title.to_lowercase());
    let mut key = String::with_capacity(lower.len() + 4);
    let mut rest = lower.as_str();
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        key.push_str(&rest[..start]);
        let digits = &rest[start..];
        let end = digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
        let value = digits[..end].trim_start_matches('0');
        let value = if value.is_empty() { "0" } else { value };
        // Lengths up to 31 stay below ' '; longer numbers are ids, not counts.
        key.push(char::from(u8::try_from(value.len().min(31)).unwrap_or(31)));
        key.push_str(value);
        rest = &digits[end..];
    }
    key.push_str(rest);
    key
}

/// Where a page sorts in its section: by weight (pages without one last),
/// then title, then source path.
fn page_key(site: &Site, id: &PageId) -> SortKey {
    let p = site.page(*id);
    sort_key(p.front.weight, &p.title, &p.source)
}

/// The key of [`page_key`] for a weight, title and source path.
fn sort_key(weight: Option<i64>, title: &str, source: &str) -> SortKey {
    (
        weight.unwrap_or(i64::MAX),
        title_key(title),
        source.to_string(),
    )
}

/// Where a section sorts among its parent's: by weight, then title, then
/// folder.
fn section_key(site: &Site, id: &SectionId) -> SortKey {
    let s = site.section(*id);
    sort_key(s.weight, &s.title, &s.dir)
}

fn order(site: &mut Site) {
    for i in 0..site.sections.len() {
        sort_pages(site, SectionId(i as u32));
        sort_subsections(site, SectionId(i as u32));
    }
}

fn sort_pages(site: &mut Site, id: SectionId) {
    let mut pages = std::mem::take(&mut site.sections[id.0 as usize].pages);
    pages.sort_by_cached_key(|p| page_key(site, p));
    site.sections[id.0 as usize].pages = pages;
}

fn sort_subsections(site: &mut Site, id: SectionId) {
    let mut subs = std::mem::take(&mut site.sections[id.0 as usize].subsections);
    subs.sort_by_cached_key(|s| section_key(site, s));
    site.sections[id.0 as usize].subsections = subs;
}

fn link_neighbours(site: &mut Site) {
    for s in 0..site.sections.len() {
        link_section(site, SectionId(s as u32));
    }
}

/// Sets prev/next of the pages of `section`, in its order.
fn link_section(site: &mut Site, section: SectionId) {
    let pages = std::mem::take(&mut site.sections[section.0 as usize].pages);
    for (i, id) in pages.iter().enumerate() {
        let page = &mut site.pages[id.0 as usize];
        page.prev = i.checked_sub(1).map(|j| pages[j]);
        page.next = pages.get(i + 1).copied();
    }
    site.sections[section.0 as usize].pages = pages;
}

/// Where regular page `id` will stand among its section's pages once its
/// weight and title are `weight` and `title`: the index [`reorder`] will
/// give it, worked out before the change, with the same order.
pub fn place_among_pages(site: &Site, id: PageId, weight: Option<i64>, title: &str) -> usize {
    let page = site.page(id);
    let key = sort_key(weight, title, &page.source);
    let pages = &site.section(page.section).pages;
    pages
        .iter()
        .filter(|&&p| p != id && page_key(site, &p) < key)
        .count()
}

/// Where section `id` will stand among its parent's subsections once its
/// index page's weight and title are `weight` and `title`: the index
/// [`reorder`] will give it (0 for the home section, which has no parent).
pub fn place_among_sections(site: &Site, id: SectionId, weight: Option<i64>, title: &str) -> usize {
    let section = site.section(id);
    let Some(parent) = section.parent else {
        return 0;
    };
    // As `name_section` names it.
    let title = if title.is_empty() { "Home" } else { title };
    let key = sort_key(weight, title, &section.dir);
    let subsections = &site.section(parent).subsections;
    subsections
        .iter()
        .filter(|&&s| s != id && section_key(site, &s) < key)
        .count()
}

/// Puts page `id` where its title and weight, just changed, place it (the
/// preview's in-place update): a regular page among its section's pages,
/// linked anew; an index page names its section again, which takes its
/// place among its parent's subsections. Either way, the pages of its
/// tags list it by title too.
pub fn reorder(site: &mut Site, id: PageId) {
    let mut tags = std::mem::take(&mut site.tags);
    tags.reorder(site, id);
    site.tags = tags;
    let page = site.page(id);
    let section = page.section;
    if page.is_index {
        name_section(site, section);
        if let Some(parent) = site.section(section).parent {
            sort_subsections(site, parent);
        }
        return;
    }
    sort_pages(site, section);
    link_section(site, section);
}

/// Checks every link's `#anchor` against its target's heading ids; runs
/// once every page is parsed.
pub fn check_anchors(site: &Site) -> Vec<Diagnostic> {
    let ids: HashMap<&str, AnchorIds> = site
        .pages
        .iter()
        .map(|p| (p.source.as_str(), AnchorIds::new(&p.parsed.heading_ids)))
        .collect();
    let mut diags = Vec::new();
    for page in &site.pages {
        for link in &page.parsed.links {
            // A target that failed to load has its own error already.
            if let Some(target_ids) = ids.get(link.target.as_str()) {
                diags.extend(check_anchor(&page.source, link, target_ids));
            }
        }
    }
    diags
}

/// A page's heading ids, to look links' anchors up in: scanned when they
/// are few (most pages), put in a set the first time they are looked up
/// when many. A scan per link is quadratic: 40,000 links into a page of
/// as many headings took 2.2 s.
///
/// The "did you mean" of a link that misses is asked of a [`Nearby`],
/// made the first time one does.
pub struct AnchorIds<'a> {
    ids: &'a [String],
    set: OnceLock<HashSet<&'a str>>,
    near: OnceLock<Nearby<&'a str>>,
}

/// Up to this many ids, a page's are scanned (see [`AnchorIds`]).
const SCANNED_IDS: usize = 32;

impl<'a> AnchorIds<'a> {
    /// The ids of one page (see [`crate::markdown::ParsedPage::heading_ids`]).
    pub fn new(ids: &'a [String]) -> Self {
        AnchorIds {
            ids,
            set: OnceLock::new(),
            near: OnceLock::new(),
        }
    }

    /// True when `#fragment` leads somewhere on the page (see
    /// [`crate::markdown::has_anchor`]).
    pub fn has(&self, fragment: &str) -> bool {
        if self.ids.len() <= SCANNED_IDS {
            return crate::markdown::has_anchor(self.ids, fragment);
        }
        let set = self
            .set
            .get_or_init(|| self.ids.iter().map(String::as_str).collect());
        crate::markdown::is_top(fragment) || set.contains(fragment)
    }

    /// The id closest to `fragment`, for "did you mean".
    pub fn closest(&self, fragment: &str) -> Option<&'a str> {
        let near = (self.near).get_or_init(|| Nearby::new(self.ids.iter().map(String::as_str)));
        near.closest(fragment).copied()
    }
}

/// Checks a link's `#anchor` against the heading ids of its target page.
pub fn check_anchor(from: &str, link: &PageLink, target_ids: &AnchorIds) -> Option<Diagnostic> {
    let fragment = link.fragment.as_ref()?;
    if target_ids.has(fragment) {
        return None;
    }
    let suggestion = target_ids.closest(fragment);
    let d = Diagnostic::error(format!(
        "link to `#{fragment}`, but `{}` has no heading with that id",
        link.target
    ))
    .in_file(from)
    .at_line(link.line, link.column)
    .quoting(link.quote())
    .broken_link();
    Some(match suggestion {
        Some(s) => d.with_hint(format!("did you mean `#{s}`?")),
        None => d.with_hint("check the heading's text in the target page"),
    })
}

#[cfg(test)]
mod tests;
