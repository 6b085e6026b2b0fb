//! Updating a loaded [`Project`] after one page's file changed.
//!
//! The common edit while previewing is a page body: re-read that page,
//! re-parse it, check the links that touch it, and re-render only the pages
//! that show something of it. So is front matter that shows only on the
//! page and in its section's listing (description, dates, `extra`), which
//! the pages of its tags show too; a new `date` or `updated` day also
//! rewrites the sitemap, which gives it.
//! A regular page's new title or weight (or new title heading) shows in
//! the navigation of its section's pages and those below, in its
//! neighbours' prev/next links, in the listing and its tags' pages, and may move it in its
//! section's order: the section is re-sorted, and those pages re-parsed
//! and re-rendered. A section's title and weight (its index page's) do the
//! same one level up, in its parent's list of sections, and its title is
//! in the breadcrumbs and search trails below it. Anything that reaches
//! further (other keys; a page or section in the home section's lists,
//! which every page's navigation shows) asks for a full rebuild instead,
//! so the result always equals a fresh build.

use std::collections::{HashMap, HashSet};
use std::fs;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::load::{load_page, FrontMatter, LoadedPage};
use crate::markdown::{parse, ParseInput, ParsedPage};
use crate::render::context::listing_part;
use crate::render::nav::{self, MAX_LISTED};
use crate::render::search;
use crate::render::sitemap;
use crate::render::Job;
use crate::site::{
    check_anchor, page_title, place_among_pages, place_among_sections, reorder, AnchorIds, PageId,
    SectionId, Site,
};

use super::sources::SourceDir;
use super::write::{forget_written, parse_page};
use super::Project;

/// The result of [`Project::update_page`].
#[derive(Debug, PartialEq, Eq)]
pub enum PageUpdate {
    /// Applied in place; these files must be rendered again. The page's
    /// warnings come along (the preview shows the new ones), then those
    /// of the last update that they replace besides the page's own: other
    /// pages' links to anchors of this page, checked against its old
    /// headings.
    Rerender(Vec<(String, Job)>, Vec<Diagnostic>, Vec<Diagnostic>),
    /// The change reaches further than the page: rebuild the site.
    NeedsFullRebuild,
    /// A draft this build leaves out was saved, and is a draft still:
    /// nothing of the site changes.
    Draft,
}

/// A page's edit, read and checked, not applied yet (see
/// [`Project::check_update`]).
struct Checked {
    id: PageId,
    loaded: LoadedPage,
    title: String,
    title_in_body: bool,
    parsed: ParsedPage,
    /// The list whose pages are re-rendered for a new title or weight
    /// (see [`listing_jobs`]), if the edit is one.
    listed: Option<SectionId>,
    /// Of that list, when it is cut into runs, only what shows the runs
    /// the page leaves and joins (see [`Touched`]).
    touched: Option<Touched>,
    /// The other pages of that list, parsed again.
    relisted: Vec<(PageId, ParsedPage, bool)>,
    /// The section's listing shows something new of the page.
    listing_changed: bool,
    /// The day the sitemap gives the page changed (see
    /// [`sitemap::lastmod`]).
    lastmod_changed: bool,
    warnings: Vec<Diagnostic>,
    superseded: Vec<Diagnostic>,
}

impl Project {
    /// Re-reads the page `source` (project-relative) after its file changed.
    /// On errors the project is left as it was and the problems returned.
    pub fn update_page(&mut self, source: &str) -> Result<PageUpdate, Vec<Diagnostic>> {
        let Some(index) = self.site.pages.iter().position(|p| p.source == source) else {
            return Ok(if self.still_a_draft(source) {
                PageUpdate::Draft
            } else {
                PageUpdate::NeedsFullRebuild
            });
        };
        Ok(match self.check_update(PageId(index as u32), source)? {
            Some(checked) => self.apply_update(checked),
            None => PageUpdate::NeedsFullRebuild,
        })
    }

    /// Reads page `id`'s file again and works out what its edit changes,
    /// without changing the project; `None` when the site must be rebuilt.
    fn check_update(&self, id: PageId, source: &str) -> Result<Option<Checked>, Vec<Diagnostic>> {
        let Ok(bytes) = fs::read(self.opts.root.join(source)) else {
            return Ok(None);
        };
        let mut diags = Vec::new();
        let loaded = load_page(source, bytes, &mut diags);
        let (errors, mut warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
            diags.into_iter().partition(Diagnostic::is_error);
        let Some(loaded) = loaded.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        let old = self.site.page(id);
        if loaded.front != old.front && !differs_within_section(&old.front, &loaded.front) {
            return Ok(None);
        }
        let (title, title_in_body) = page_title(&loaded);
        let moved = title != old.title
            || title_in_body != old.title_in_body
            || loaded.front.weight != old.front.weight;
        // The list the page is in: its section's pages, or for a section's
        // own page its parent's sections. The home section's lists are in
        // every page's navigation.
        let listed = self
            .site
            .listed_in(id)
            .filter(|&s| moved && s != Site::ROOT);
        if moved && listed.is_none() {
            return Ok(None);
        }
        let (parsed, checked_warnings, superseded) = self.check_as_built(id, &loaded)?;
        warnings.extend(checked_warnings);
        let retitled_section = old.is_index.then_some(old.section);
        // The other pages that list this one: parsed again, as a build
        // keeps no page's HTML once it is written.
        let weight = loaded.front.weight;
        let touched = match (listed, retitled_section) {
            (Some(listed), None) => Touched::by_move(&self.site, listed, id, weight, &title),
            (Some(listed), Some(section)) => {
                Touched::by_section_move(&self.site, listed, section, weight, &title)
            }
            _ => None,
        };
        let relisted = match listed {
            Some(listed) => {
                let reparsed = match &touched {
                    Some(touched) => self.reparse_listing(&touched.pages, id, retitled_section),
                    None => self.reparse_listing(&self.listing_pages(listed), id, retitled_section),
                };
                match reparsed {
                    Some(parsed) => parsed,
                    None => return Ok(None),
                }
            }
            None => Vec::new(),
        };
        // What the section's listing shows of the page: its description
        // (from the front matter, else the start of its summary, of which
        // a written page keeps only that part), its date, and its featured
        // image's alt text.
        let listing_changed = old.front.description != loaded.front.description
            || old.front.date != loaded.front.date
            || old.front.featured_alt != loaded.front.featured_alt
            || (loaded.front.description.is_none()
                && listing_part(&parsed.summary) != listing_part(&old.parsed.summary));
        let lastmod_changed = sitemap::lastmod(&old.front) != sitemap::lastmod(&loaded.front);
        Ok(Some(Checked {
            lastmod_changed,
            id,
            loaded,
            title,
            title_in_body,
            parsed,
            listed,
            touched,
            relisted,
            listing_changed,
            warnings,
            superseded,
        }))
    }

    /// What a full build checks of page `id` as `loaded` now: its front
    /// matter against the schema, its body's links and images, its
    /// anchored links, and the links of other pages into its headings.
    /// Returns the page parsed, its warnings (all of them: the preview
    /// tells the new ones), and the warnings about links into its old
    /// headings, which the new ones replace.
    fn check_as_built(
        &self,
        id: PageId,
        loaded: &LoadedPage,
    ) -> Result<(ParsedPage, Vec<Diagnostic>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let today = crate::schema::today();
        let (errors, mut warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
            crate::schema::check_page(&self.config.schema, loaded, &today)
                .into_iter()
                .partition(Diagnostic::is_error);
        if !errors.is_empty() {
            return Err(errors);
        }
        let source = &self.site.page(id).source;
        let parsed = parse(
            ParseInput {
                source,
                body: loaded.body(),
                body_line: loaded.body_line,
                search_words: self.collects_words(),
            },
            &self.routes,
        );
        let preview = self.opts.preview;
        let into = links_into(&self.site, id);
        let found = parsed
            .diagnostics
            .iter()
            .cloned()
            .chain(link_problems(
                &self.site,
                id,
                &parsed.heading_ids,
                &parsed.links,
            ))
            .chain(anchor_problems(&into, &parsed.heading_ids));
        let (errors, found_warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = found
            .map(|d| d.for_preview(preview))
            .partition(Diagnostic::is_error);
        if !errors.is_empty() {
            return Err(errors);
        }
        warnings.extend(found_warnings);
        let old = &self.site.page(id).parsed;
        let superseded = anchor_problems(&into, &old.heading_ids)
            .map(|d| d.for_preview(preview))
            .collect();
        Ok((parsed, warnings, superseded))
    }

    /// Applies a checked edit: the page as loaded now (its front matter
    /// may differ only in what the page and its lists show, or in where
    /// the body starts), its order, the search records; returns the files
    /// to render again.
    fn apply_update(&mut self, checked: Checked) -> PageUpdate {
        let Checked {
            id,
            loaded,
            title,
            title_in_body,
            mut parsed,
            listed,
            touched,
            mut relisted,
            listing_changed,
            lastmod_changed,
            warnings,
            superseded,
        } = checked;
        let index = id.0 as usize;
        let page = &mut self.site.pages[index];
        page.text = loaded.text[..loaded.body_start].to_string();
        page.body_start = loaded.body_start;
        page.body_line = u32::try_from(loaded.body_line).unwrap_or(u32::MAX);
        page.file_len = u32::try_from(loaded.file_len).unwrap_or(u32::MAX);
        page.front = loaded.front;
        page.title = title;
        page.title_in_body = title_in_body;
        let mut jobs = match listed {
            Some(listed) => {
                reorder(&mut self.site, id);
                let mut jobs = match touched {
                    Some(touched) => touched.jobs(&self.site, id),
                    None => listing_jobs(&self.site, listed),
                };
                jobs.extend(tag_jobs(&self.site, id));
                jobs
            }
            None => affected_jobs(&self.site, id, listing_changed),
        };
        // A renderer knows the sitemap's files and the lists' later pages:
        // made only when one of them may be needed (it sets up tables of
        // every page, and a body edit needs neither).
        if lastmod_changed || self.config.paginate_by > 0 {
            let renderer = self.renderer();
            if lastmod_changed {
                jobs.extend(renderer.sitemap_jobs());
            }
            // Every page of a list shows what its first page does.
            jobs = renderer.with_pagers(jobs);
        }
        if self.replace_records(id, &mut parsed, &mut relisted) {
            jobs.push((search::INDEX_FILE.to_string(), Job::SearchIndex));
        }
        // In last: the search records above read the site while they took
        // the pages' words out of their parsed bodies.
        for (other, parsed, _) in relisted {
            self.site.pages[other.0 as usize].parsed = parsed;
        }
        self.site.pages[index].parsed = parsed;
        PageUpdate::Rerender(jobs, warnings, superseded)
    }
}

impl Project {
    /// Gives page `id`, just parsed to `parsed`, a new search record, and
    /// the `relisted` pages marked `true` too (their trail names the
    /// section `id` titles); true when the index changed.
    fn replace_records(
        &mut self,
        id: PageId,
        parsed: &mut ParsedPage,
        relisted: &mut [(PageId, ParsedPage, bool)],
    ) -> bool {
        if self.search.is_empty() {
            return false;
        }
        let trails = search::Trails::new(&self.site);
        let mut changed = false;
        let retrailed = relisted.iter_mut().filter(|(_, _, retrail)| *retrail);
        for (page, parsed) in retrailed
            .map(|(p, parsed, _)| (*p, parsed))
            .chain([(id, parsed)])
        {
            let record = search::record(&self.site, &trails, page, parsed);
            changed |= self.search.replace(page.0 as usize, &record);
        }
        changed
    }

    /// Every regular page that shows in the navigation of `listed`: its
    /// own and those of the sections below it.
    fn listing_pages(&self, listed: SectionId) -> Vec<PageId> {
        let sections = self.site.sections_below(listed).into_iter();
        sections
            .flat_map(|s| &self.site.section(s).pages)
            .copied()
            .collect()
    }

    /// Parses again the regular pages `pages` (those whose navigation
    /// shows the change) but `except`, and, when `retitled` (a section) is
    /// given, every page below it, whose search trail names it: those come
    /// with `true`, and with their words. `None` when one of them no
    /// longer reads as it did (it changed too: its own update is still to
    /// come).
    fn reparse_listing(
        &self,
        pages: &[PageId],
        except: PageId,
        retitled: Option<SectionId>,
    ) -> Option<Vec<(PageId, ParsedPage, bool)>> {
        let mut retrail = vec![false; self.site.pages.len()];
        for s in retitled
            .map(|s| self.site.sections_below(s))
            .unwrap_or_default()
        {
            let section = self.site.section(s);
            for &p in section.pages.iter().chain(&section.index) {
                retrail[p.0 as usize] = p != except;
            }
        }
        let mut ids: Vec<PageId> = pages
            .iter()
            .copied()
            .filter(|&p| p != except && !retrail[p.0 as usize])
            .collect();
        ids.extend(
            (0..retrail.len())
                .filter(|&i| retrail[i])
                .map(|i| PageId(i as u32)),
        );
        let words = self.collects_words();
        let ids = ids.into_iter().map(|p| (p, retrail[p.0 as usize] && words));
        let parsed = self.reparse(ids.collect())?;
        Some(
            parsed
                .into_iter()
                .map(|(p, parsed)| (p, parsed, retrail[p.0 as usize]))
                .collect(),
        )
    }

    /// Parses the pages `ids` again, in parallel, each with its words
    /// when it comes with `true`. `None` when one of them no longer reads
    /// as it did when the site was built (it changed too: its own update
    /// is still to come).
    pub(super) fn reparse(&self, ids: Vec<(PageId, bool)>) -> Option<Vec<(PageId, ParsedPage)>> {
        let sources = SourceDir::open(&self.opts.root);
        // As the preview tells them: a broken link (to a draft, to a page
        // not written yet) is a warning there.
        let is_error = |d: &Diagnostic| d.clone().for_preview(self.opts.preview).is_error();
        ids.into_par_iter()
            .map(|(p, words)| {
                let page = self.site.page(p);
                let mut parsed = parse_page(page, None, &self.routes, &sources, words);
                // Told when the page was built; an unreadable page asks
                // for a full rebuild, which tells why.
                if parsed.diagnostics.iter().any(is_error) {
                    return None;
                }
                parsed.diagnostics.clear();
                Some((p, parsed))
            })
            .collect()
    }

    /// True when a page parsed again must bring its words: the site's
    /// search index has records, and holds the words of pages' text.
    fn collects_words(&self) -> bool {
        !self.search.is_empty() && self.config.search_text
    }

    /// Once `jobs` (of an update) are written, lets go of the HTML of the
    /// regular pages among them, as a build does: the next update that
    /// shows one of them again parses it again.
    pub fn forget_written(&mut self, jobs: &[(String, Job)]) {
        for (_, job) in jobs {
            if let Job::Page(id) = *job {
                let page = &mut self.site.pages[id.0 as usize];
                if !page.is_index {
                    forget_written(&mut page.parsed);
                }
            }
        }
    }

    /// True when `source` is a draft this build leaves out, and its file
    /// (just saved) still says `draft: true` without errors.
    fn still_a_draft(&self, source: &str) -> bool {
        if !self.routes.is_draft(source) {
            return false;
        }
        let Ok(bytes) = fs::read(self.opts.root.join(source)) else {
            return false;
        };
        let mut diags = Vec::new();
        let loaded = load_page(source, bytes, &mut diags);
        !diags.iter().any(Diagnostic::is_error) && loaded.is_some_and(|p| p.front.draft)
    }
}

/// Broken anchors in links out of the page (its own heading ids may have
/// changed); see [`anchor_problems`] for the links into it.
fn link_problems(
    site: &Site,
    id: PageId,
    new_ids: &[String],
    new_links: &[crate::markdown::PageLink],
) -> Vec<Diagnostic> {
    let source = &site.page(id).source;
    // The pages its anchored links point into, found in one pass over the
    // site (a search per link was a pass per link).
    let targets: HashSet<&str> = new_links
        .iter()
        .filter(|l| l.fragment.is_some())
        .map(|l| l.target.as_str())
        .collect();
    let mut ids: HashMap<&str, AnchorIds> = HashMap::new();
    if !targets.is_empty() {
        ids.extend(
            site.pages
                .iter()
                .filter(|p| p.source != *source && targets.contains(p.source.as_str()))
                .map(|p| (p.source.as_str(), AnchorIds::new(&p.parsed.heading_ids))),
        );
        ids.insert(source.as_str(), AnchorIds::new(new_ids));
    }
    new_links
        .iter()
        .filter_map(|link| check_anchor(source, link, ids.get(link.target.as_str())?))
        .collect()
}

/// Other pages' links into page `id`, each with the page it is on.
fn links_into(site: &Site, id: PageId) -> Vec<(&str, &crate::markdown::PageLink)> {
    let source = &site.page(id).source;
    site.pages
        .iter()
        .filter(|p| p.source != *source)
        .flat_map(|other| {
            other
                .parsed
                .links
                .iter()
                .filter(|l| l.target == *source)
                .map(|link| (other.source.as_str(), link))
        })
        .collect()
}

/// Broken anchors in `links` into a page whose heading ids are `ids`.
fn anchor_problems<'l>(
    links: &'l [(&str, &crate::markdown::PageLink)],
    ids: &'l [String],
) -> impl Iterator<Item = Diagnostic> + 'l {
    let ids = AnchorIds::new(ids);
    links
        .iter()
        .filter_map(move |(from, link)| check_anchor(from, link, &ids))
}

/// True when front matter `new` differs from `old` only in what shows on
/// the page, in its section's listing and its tags' pages, and in the
/// navigation of its section: `title`, `weight`, `description`, `date`,
/// `updated`, `featured_alt`, `extra` and unknown keys, and the lines keys
/// sit on. The other keys move pages to other URLs (`slug`, `draft`,
/// `aliases`), change how a page is made (`template`), bring an image to
/// prepare (`featured`), or make and unmake tag pages (`tags`).
fn differs_within_section(old: &FrontMatter, new: &FrontMatter) -> bool {
    /// A key's value without the line it sits on.
    fn value(v: &Option<(String, usize)>) -> Option<&str> {
        v.as_ref().map(|(s, _)| s.as_str())
    }
    old.draft == new.draft
        && value(&old.slug) == value(&new.slug)
        && old.aliases == new.aliases
        && old.template == new.template
        && value(&old.featured) == value(&new.featured)
        && old.tags == new.tags
}

/// Every file whose navigation shows the pages and subsections of
/// `section`: the section's own page and pages, then those of each section
/// below it. (A page's navigation lists the children of each section on
/// the way down to its own.)
fn listing_jobs(site: &Site, section: SectionId) -> Vec<(String, Job)> {
    let mut jobs = Vec::new();
    for s in site.sections_below(section) {
        jobs.push(Job::section_file(site, s));
        let pages = &site.section(s).pages;
        jobs.extend(pages.iter().map(|&p| Job::page_file(site, p)));
    }
    jobs
}

/// What shows a regular page's (or a section's) new place or title in a
/// list cut into runs of [`MAX_LISTED`] (see [`crate::render::nav::listed`]):
/// the pages whose navigation shows a run between its old and new places
/// (the list's own children there, and every page below a subsection
/// there, the retitled section's among them), a page's old and new
/// neighbours (their prev/next links), and the list's section page. In a
/// flat folder of 10,000 pages a new title re-rendered all of them (~200
/// ms under `folio serve`); most runs never show it.
#[derive(Debug, Clone)]
struct Touched {
    /// Sections whose own files show it.
    sections: Vec<SectionId>,
    /// Regular pages that show it, the page itself left out.
    pages: Vec<PageId>,
}

impl Touched {
    /// What a move of regular page `id` in `listed` (its section) to the
    /// place `weight` and `title` give it touches; `None` when the list
    /// is not cut (every page that shows it shows all of it).
    fn by_move(
        site: &Site,
        listed: SectionId,
        id: PageId,
        weight: Option<i64>,
        title: &str,
    ) -> Option<Touched> {
        let section = site.section(listed);
        let (subsections, pages) = (&section.subsections, &section.pages);
        let old = pages.iter().position(|&p| p == id)?;
        let new = place_among_pages(site, id, weight, title);
        // Children by place: subsections first, then pages.
        let mut touched = Touched::between(site, listed, old, new, subsections.len())?;
        // Prev/next: the pages beside its old place, and beside its new one
        // (counted without it).
        let others: Vec<PageId> = pages.iter().copied().filter(|&p| p != id).collect();
        let beside = [
            old.checked_sub(1).map(|i| pages[i]),
            pages.get(old + 1).copied(),
            new.checked_sub(1).map(|i| others[i]),
            others.get(new).copied(),
        ];
        touched.pages.extend(beside.into_iter().flatten());
        touched.pages.retain(|&p| p != id);
        touched.pages.sort_unstable();
        touched.pages.dedup();
        Some(touched)
    }

    /// What a new place of `section` among the subsections of `listed`
    /// (its parent), given by its index page's new `weight` and `title`,
    /// touches; `None` when the list is not cut. Sections have no
    /// prev/next: the runs between its places are all.
    fn by_section_move(
        site: &Site,
        listed: SectionId,
        section: SectionId,
        weight: Option<i64>,
        title: &str,
    ) -> Option<Touched> {
        let subsections = &site.section(listed).subsections;
        let old = subsections.iter().position(|&s| s == section)?;
        let new = place_among_sections(site, section, weight, title);
        Touched::between(site, listed, old, new, 0)
    }

    /// The files that show the runs of `listed`'s children from the one
    /// holding place `old + offset` to the one holding `new + offset`
    /// (places count subsections first, then pages): `listed`'s page, its
    /// pages in those runs, and every section and page below its
    /// subsections there. `None` when the list is not cut into runs.
    fn between(
        site: &Site,
        listed: SectionId,
        old: usize,
        new: usize,
        offset: usize,
    ) -> Option<Touched> {
        let section = site.section(listed);
        let (subsections, pages) = (&section.subsections, &section.pages);
        let len = subsections.len() + pages.len();
        if len <= MAX_LISTED {
            return None;
        }
        let (first, last) = (old.min(new) + offset, old.max(new) + offset);
        // The places of the runs from the one it leaves to the one it joins.
        let span = nav::listed(len, Some(first)).start..nav::listed(len, Some(last)).end;
        let mut touched = Touched {
            sections: vec![listed],
            pages: Vec::new(),
        };
        for &sub in subsections
            .get(span.start..span.end.min(subsections.len()))
            .unwrap_or(&[])
        {
            for below in site.sections_below(sub) {
                touched.sections.push(below);
                touched.pages.extend(&site.section(below).pages);
            }
        }
        let at = |place: usize| place.saturating_sub(subsections.len());
        touched.pages.extend(&pages[at(span.start)..at(span.end)]);
        Some(touched)
    }

    /// The files to render again, once page `id` (or the section whose
    /// index page it is) is in its new place.
    fn jobs(&self, site: &Site, id: PageId) -> Vec<(String, Job)> {
        let sections = self.sections.iter().map(|&s| Job::section_file(site, s));
        // An index page is its section's file, among `sections`.
        let own = (!site.page(id).is_index).then_some(&id);
        let pages = self.pages.iter().chain(own);
        sections
            .chain(pages.map(|&p| Job::page_file(site, p)))
            .collect()
    }
}

/// The page itself, plus the section listings that show its description
/// and date.
pub(super) fn affected_jobs(site: &Site, id: PageId, listing_changed: bool) -> Vec<(String, Job)> {
    let page = site.page(id);
    let mut jobs = vec![if page.is_index {
        Job::section_file(site, page.section)
    } else {
        Job::page_file(site, id)
    }];
    if listing_changed {
        jobs.extend(site.listed_in(id).map(|s| Job::section_file(site, s)));
        jobs.extend(tag_jobs(site, id));
    }
    jobs
}

/// The pages of page `id`'s tags, which list it as its section does.
fn tag_jobs(site: &Site, id: PageId) -> impl Iterator<Item = (String, Job)> + '_ {
    let tags = site.tags.of_page(id);
    tags.into_iter().map(|t| Job::tag_file(site, t))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fs;
    use std::sync::Mutex;

    use super::*;
    use crate::build::write::Sink;
    use crate::build::{render_jobs, render_site, BuildOptions};
    use crate::site::tags::TagId;

    /// A sink that keeps every file it is handed, by path.
    #[derive(Default)]
    struct Files(Mutex<BTreeMap<String, Vec<u8>>>);

    impl Sink for Files {
        fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
            let mut files = self.0.lock().unwrap();
            files.insert(path.to_string(), bytes.to_vec());
            Ok(())
        }
    }

    impl Files {
        fn into_map(self) -> BTreeMap<String, Vec<u8>> {
            self.0.into_inner().unwrap()
        }
    }

    /// The project of the site at `root`, loaded as a preview loads it.
    fn preview_project(root: &std::path::Path) -> Project {
        Project::load(&BuildOptions::preview_of(root))
            .unwrap_or_else(|f| panic!("{:?}", f.diagnostics))
    }

    /// Every file a fresh build of `project` writes, by path.
    fn fresh_files(project: &mut Project) -> BTreeMap<String, Vec<u8>> {
        let files = Files::default();
        assert!(render_site(project, &files).is_empty());
        files.into_map()
    }

    #[test]
    fn front_matter_seen_only_on_the_page_and_its_listing_updates_as_a_fresh_build_would() {
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        fs::create_dir_all(content.join("guide")).unwrap();
        fs::write(content.join("_index.md"), "---\ntitle: Home\n---\n").unwrap();
        fs::write(content.join("guide/_index.md"), "---\ntitle: Guide\n---\n").unwrap();
        fs::write(
            content.join("guide/b.md"),
            "---\ntitle: B\n---\nBody of B.\n",
        )
        .unwrap();
        fs::create_dir_all(root.path().join("images")).unwrap();
        image::RgbImage::new(8, 4)
            .save(root.path().join("images/c.png"))
            .unwrap();
        let c = content.join("guide/c.md");
        let c_with_alt = |alt: &str| {
            format!("---\ntitle: C\nfeatured: ../../images/c.png\nfeatured_alt: {alt}\n---\nBody of C.\n")
        };
        fs::write(&c, c_with_alt("A grey box")).unwrap();
        let a = content.join("guide/a.md");
        fs::write(
            &a,
            "---\ntitle: A\ndescription: First words.\ntags: [x]\n---\nBody of A.\n",
        )
        .unwrap();
        let load = || preview_project(root.path());
        let mut project = load();
        let mut served = fresh_files(&mut project);
        let update = |project: &mut Project| project.update_page("content/guide/a.md");

        // A new description and date (both in the listing and the page
        // of its tag), an unknown key, and one line more above the body.
        fs::write(
            &a,
            "---\ntitle: A\ndescription: Other words.\ndate: 2026-01-02\ntags: [x]\nowner: ops\n---\nBody of A.\n",
        )
        .unwrap();
        let Ok(PageUpdate::Rerender(jobs, warnings, _)) = update(&mut project) else {
            panic!("not updated in place");
        };
        assert!(warnings.is_empty(), "{warnings:?}");
        let id = PageId(
            project
                .site
                .pages
                .iter()
                .position(|p| p.source.ends_with("/a.md"))
                .unwrap() as u32,
        );
        let guide = project.site.page(id).section;
        let kinds: Vec<Job> = jobs.iter().map(|(_, j)| *j).collect();
        assert_eq!(
            kinds,
            [
                Job::Page(id),
                Job::Section(guide),
                Job::Tag(TagId(0)),
                Job::SearchIndex
            ]
        );
        let apply = |project: &Project, jobs: &[(String, Job)], served: &mut BTreeMap<_, _>| {
            let written = Files::default();
            assert!(render_jobs(&project.renderer(), jobs, &written).is_empty());
            served.extend(written.into_map());
        };
        apply(&project, &jobs, &mut served);
        // The site served is file for file the one a fresh build makes.
        assert_eq!(served, fresh_files(&mut load()));

        // Other tags make and unmake the pages of tags.
        fs::write(
            &a,
            "---\ntitle: A\ndescription: Other words.\ndate: 2026-01-02\ntags: [z]\nowner: ops\n---\nBody of A.\n",
        )
        .unwrap();
        assert_eq!(update(&mut project), Ok(PageUpdate::NeedsFullRebuild));
        project = load();
        served = fresh_files(&mut project);

        // A featured image's alt text shows on the page and in the listing.
        fs::write(&c, c_with_alt("An empty grey box")).unwrap();
        let Ok(PageUpdate::Rerender(jobs, _, _)) = project.update_page("content/guide/c.md") else {
            panic!("not updated in place");
        };
        assert_eq!(jobs.len(), 2, "{jobs:?}");
        apply(&project, &jobs, &mut served);
        assert_eq!(served, fresh_files(&mut load()));

        // A section's description shows on its page and in its parent's
        // list of sections.
        fs::write(
            content.join("guide/_index.md"),
            "---\ntitle: Guide\ndescription: How we work.\n---\n",
        )
        .unwrap();
        let Ok(PageUpdate::Rerender(jobs, _, _)) = project.update_page("content/guide/_index.md")
        else {
            panic!("not updated in place");
        };
        assert_eq!(
            jobs.iter().map(|(_, j)| *j).collect::<Vec<_>>(),
            [
                Job::Section(guide),
                Job::Section(Site::ROOT),
                Job::SearchIndex
            ]
        );
        apply(&project, &jobs, &mut served);
        assert_eq!(served, fresh_files(&mut load()));

        // Keys that move pages or change how they are made rebuild the site.
        for front in [
            "title: A\nslug: aa",
            "title: A\ntemplate: page.html",
            "title: A\naliases: [/old/]",
        ] {
            fs::write(&a, format!("---\n{front}\n---\nBody of A.\n")).unwrap();
            assert_eq!(
                update(&mut project),
                Ok(PageUpdate::NeedsFullRebuild),
                "{front}"
            );
        }
    }

    #[test]
    fn a_new_date_rewrites_the_sitemap_and_a_body_edit_does_not() {
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        fs::create_dir_all(&content).unwrap();
        let config = "base_url = \"https://example.com/hb/\"\n";
        fs::write(root.path().join(crate::config::CONFIG_FILE), config).unwrap();
        fs::write(content.join("_index.md"), "---\ntitle: Home\n---\n").unwrap();
        let a = content.join("a.md");
        let page = |front: &str, body: &str| format!("---\ntitle: A\n{front}---\n{body}\n");
        fs::write(&a, page("date: 2026-01-02\n", "First.")).unwrap();
        let load = || preview_project(root.path());
        let mut project = load();
        let mut served = fresh_files(&mut project);
        assert!(served["sitemap.xml"]
            .ends_with(b"/hb/a/</loc><lastmod>2026-01-02</lastmod></url>\n</urlset>\n"));
        for (front, body, rewrites) in [
            ("date: 2026-01-02\n", "Second.", false),
            (
                "date: 2026-01-02\nupdated: 2026-03-04T05:06:07Z\n",
                "Second.",
                true,
            ),
            ("date: 2026-01-02\nupdated: 2026-03-04\n", "Second.", false),
            ("", "Second.", true),
        ] {
            fs::write(&a, page(front, body)).unwrap();
            let Ok(PageUpdate::Rerender(jobs, _, _)) = project.update_page("content/a.md") else {
                panic!("{front}: not updated in place");
            };
            let sitemap = jobs.iter().any(|(_, j)| *j == Job::Sitemap(0));
            assert_eq!(sitemap, rewrites, "{front:?}: {jobs:?}");
            let written = Files::default();
            assert!(render_jobs(&project.renderer(), &jobs, &written).is_empty());
            served.extend(written.into_map());
            project.forget_written(&jobs);
            assert_eq!(served, fresh_files(&mut load()), "{front:?}");
        }
    }

    #[test]
    fn a_new_title_or_weight_rerenders_the_pages_that_list_the_page_as_a_fresh_build_would() {
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        fs::create_dir_all(content.join("guide/deep")).unwrap();
        fs::create_dir_all(content.join("guide/more")).unwrap();
        fs::create_dir_all(content.join("other")).unwrap();
        let files = [
            ("_index.md", "---\ntitle: Home\n---\n"),
            ("top.md", "---\ntitle: Top\n---\nAt the top.\n"),
            ("guide/_index.md", "---\ntitle: Guide\n---\n"),
            ("guide/a.md", "---\ntitle: Alpha\n---\nSee [b](b.md#two).\n"),
            ("guide/b.md", "# Bravo\n\n## Two\n\nBody of B.\n"),
            ("guide/c.md", "---\ntitle: Charlie\n---\nBody of C.\n"),
            (
                "guide/deep/_index.md",
                "---\ntitle: Deep\n---\nDeep down.\n",
            ),
            ("guide/deep/x.md", "---\ntitle: X-ray\n---\nBody of X.\n"),
            ("guide/more/_index.md", "---\ntitle: More\n---\n"),
            ("guide/more/m.md", "---\ntitle: Mike\n---\nBody of M.\n"),
            ("other/y.md", "---\ntitle: Yankee\n---\nBody of Y.\n"),
        ];
        for (path, text) in files {
            fs::write(content.join(path), text).unwrap();
        }
        let load = || preview_project(root.path());
        let mut project = load();
        let mut served = fresh_files(&mut project);
        let id = |project: &Project, name: &str| {
            let i = project
                .site
                .pages
                .iter()
                .position(|p| p.source.ends_with(name));
            PageId(i.unwrap() as u32)
        };
        let mut edit = |project: &mut Project, name: &str, text: &str| -> Vec<Job> {
            fs::write(content.join(name), text).unwrap();
            let Ok(PageUpdate::Rerender(jobs, warnings, _)) =
                project.update_page(&format!("content/{name}"))
            else {
                panic!("{name} not updated in place");
            };
            assert!(warnings.is_empty(), "{warnings:?}");
            let written = Files::default();
            assert!(render_jobs(&project.renderer(), &jobs, &written).is_empty());
            served.extend(written.into_map());
            // The site served is file for file the one a fresh build makes.
            assert_eq!(served, fresh_files(&mut load()), "after {name}: {text}");
            // And, as after a build, only section pages keep their HTML.
            project.forget_written(&jobs);
            assert!(project
                .site
                .pages
                .iter()
                .all(|p| p.is_index || p.parsed.html.is_empty()));
            jobs.into_iter().map(|(_, j)| j).collect()
        };
        let (a, b, c, x, m) = (
            id(&project, "/a.md"),
            id(&project, "/b.md"),
            id(&project, "/c.md"),
            id(&project, "/x.md"),
            id(&project, "/m.md"),
        );
        let guide = project.site.page(a).section;
        let deep = project.site.page(x).section;
        let more = project.site.page(m).section;
        // A new title moves Alpha last: the guide's pages and the section
        // below it show it in their navigation; nothing else changes.
        let jobs = edit(
            &mut project,
            "guide/a.md",
            "---\ntitle: Zulu\n---\nSee [b](b.md#two).\n",
        );
        assert_eq!(
            jobs,
            [
                Job::Section(guide),
                Job::Page(b),
                Job::Page(c),
                Job::Page(a),
                Job::Section(deep),
                Job::Page(x),
                Job::Section(more),
                Job::Page(m),
                Job::SearchIndex
            ]
        );
        // A weight moves it first.
        let jobs = edit(
            &mut project,
            "guide/a.md",
            "---\ntitle: Zulu\nweight: 1\n---\nSee [b](b.md#two).\n",
        );
        assert_eq!(
            jobs[..4],
            [
                Job::Section(guide),
                Job::Page(a),
                Job::Page(b),
                Job::Page(c)
            ]
        );
        // A page titled by its heading takes the new one.
        let jobs = edit(
            &mut project,
            "guide/b.md",
            "# Alpha two\n\n## Two\n\nBody of B.\n",
        );
        assert_eq!(jobs.len(), 9, "{jobs:?}");
        assert_eq!(project.site.page(b).title, "Alpha two");
        // The same title in front matter: it no longer comes from the body.
        edit(
            &mut project,
            "guide/b.md",
            "---\ntitle: Alpha two\n---\n# Alpha two\n\n## Two\n\nBody of B.\n",
        );
        assert!(!project.site.page(b).title_in_body);
        // A section below the home section is listed by its parent: a new
        // title moves it first there, and shows in the breadcrumbs and
        // search trails below it.
        let jobs = edit(
            &mut project,
            "guide/deep/_index.md",
            "---\ntitle: More deep\n---\nDeep down.\n",
        );
        assert_eq!(jobs.len(), 9, "{jobs:?}");
        assert_eq!(project.site.section(guide).subsections, [more, deep]);
        let jobs = edit(
            &mut project,
            "guide/deep/_index.md",
            "---\ntitle: More deep\nweight: 1\n---\nDeep down.\n",
        );
        assert_eq!(jobs[4..6], [Job::Section(deep), Job::Page(x)]);
        assert_eq!(project.site.section(deep).title, "More deep");

        // A section or page in the home section's lists is in every
        // page's navigation: the site is rebuilt.
        for (name, text) in [
            ("guide/_index.md", "---\ntitle: Guides\n---\n"),
            ("top.md", "---\ntitle: Topmost\n---\nAt the top.\n"),
            ("top.md", "---\ntitle: Top\nweight: 3\n---\nAt the top.\n"),
        ] {
            fs::write(content.join(name), text).unwrap();
            assert_eq!(
                project.update_page(&format!("content/{name}")),
                Ok(PageUpdate::NeedsFullRebuild),
                "{name}: {text}"
            );
        }
    }

    /// One page's file, made from the keys a random edit changes.
    #[derive(Clone, Default)]
    struct PageFile {
        title: Option<String>,
        heading: Option<String>,
        weight: Option<i64>,
        description: Option<String>,
        /// Never edited: the pages of its tags show the others.
        tags: Option<&'static str>,
        body: u32,
    }

    impl PageFile {
        fn text(&self) -> String {
            let mut front = String::new();
            if let Some(t) = &self.title {
                front.push_str(&format!("title: \"{t}\"\n"));
            }
            if let Some(w) = self.weight {
                front.push_str(&format!("weight: {w}\n"));
            }
            if let Some(d) = &self.description {
                front.push_str(&format!("description: {d}\n"));
            }
            if let Some(t) = self.tags {
                front.push_str(&format!("tags: {t}\n"));
            }
            let mut text = if front.is_empty() {
                String::new()
            } else {
                format!("---\n{front}---\n")
            };
            if let Some(h) = &self.heading {
                text.push_str(&format!("# {h}\n\n"));
            }
            let n = self.body;
            text.push_str(&format!(
                "Words of version {n}.\n\n## Part {}\n\nMore words, {}.\n",
                n % 3,
                n * 7 % 5
            ));
            text
        }
    }

    #[test]
    fn random_edits_in_place_leave_the_site_a_fresh_build_would_make() {
        let names = [
            "_index.md",
            "top.md",
            "guide/_index.md",
            "guide/a.md",
            "guide/b.md",
            "guide/c.md",
            "guide/deep/_index.md",
            "guide/deep/x.md",
            "guide/deep/y.md",
            "guide/more/m.md",
            "guide/more/n.md",
            "ops/_index.md",
            "ops/p.md",
        ];
        let in_place = edit_randomly(&names, &[], 200, 0x2545_f491_u64, "");
        assert!(
            in_place >= 100,
            "only {in_place} of 200 edits were in place"
        );
    }

    #[test]
    fn random_edits_of_lists_cut_into_pages_leave_the_site_a_fresh_build_would_make() {
        // Two pages a page: the section `guide` and each tag list across
        // pages, and a new title, weight or description moves or changes
        // an entry on one of them.
        let mut names = vec!["_index.md".to_string(), "guide/_index.md".to_string()];
        names.extend((0..7).map(|i| format!("guide/p{i}.md")));
        names.extend(["guide/deep/x.md".to_string(), "ops/p.md".to_string()]);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let in_place = edit_randomly(&names, &[], 120, 0x9a6e_5b1d_u64, "paginate_by = 2\n");
        assert!(in_place >= 60, "only {in_place} of 120 edits were in place");
    }

    #[test]
    fn random_retitles_in_a_list_cut_into_runs_leave_the_site_a_fresh_build_would_make() {
        // A folder of 2 subsections and 230 pages: its list has three runs
        // of the navigation, and a new title or weight moves a page from
        // one to another.
        let mut names = vec![
            "_index.md".to_string(),
            "big/_index.md".to_string(),
            "big/sub-a/_index.md".to_string(),
            "big/sub-a/x.md".to_string(),
            "big/sub-b/y.md".to_string(),
        ];
        names.extend((0..230).map(|i| format!("big/p{i:03}.md")));
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        // First, titles that keep their pages in place at the edges of
        // runs: p098 opens the second run (after the 2 subsections and 98
        // pages), and its neighbour before it is in the first run; p197
        // closes it.
        let fixed = [
            ("big/p098.md", "Page big/p098.md, again"),
            ("big/p197.md", "Page big/p197.md, again"),
        ];
        let in_place = edit_randomly(&names, &fixed, 40, 0x5eed_cafe_u64, "");
        assert!(in_place >= 32, "only {in_place} of 42 edits were in place");
    }

    #[test]
    fn random_section_retitles_in_a_list_cut_into_runs_leave_the_site_a_fresh_build_would_make() {
        // A folder of 230 subsections (one page in every tenth) and 3
        // pages: its list has three runs, and a new title or weight of a
        // subsection's index page moves it from one to another.
        let mut names = vec!["_index.md".to_string(), "big/_index.md".to_string()];
        for i in 0..230 {
            names.push(format!("big/s{i:03}/_index.md"));
            if i % 10 == 0 {
                names.push(format!("big/s{i:03}/x.md"));
            }
        }
        names.extend((0..3).map(|i| format!("big/p{i}.md")));
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        // Titles that keep their sections in place at the edges of runs:
        // s100 opens the second run, s199 closes it; s120 holds a page.
        let fixed = [
            ("big/s100/_index.md", "Page big/s100/_index.md, again"),
            ("big/s199/_index.md", "Page big/s199/_index.md, again"),
            ("big/s120/_index.md", "Page big/s120/_index.md, again"),
        ];
        let in_place = edit_randomly(&names, &fixed, 30, 0x5ec7_10a5_u64, "");
        assert!(in_place >= 25, "only {in_place} of 33 edits were in place");
    }

    /// Saves the new titles `fixed` (page, title), then `steps` random
    /// edits (titles, title headings, weights, descriptions, bodies) of
    /// the pages `names` of a site made of them, applying each as `folio
    /// serve` does, and checks after each that the files served equal a
    /// fresh build's. Returns how many edits were applied in place (the
    /// others rebuilt the site). `config` is the site's `folio.toml`.
    fn edit_randomly(
        names: &[&str],
        fixed: &[(&str, &str)],
        steps: usize,
        seed: u64,
        config: &str,
    ) -> usize {
        let root = tempfile::tempdir().unwrap();
        fs::write(root.path().join(crate::config::CONFIG_FILE), config).unwrap();
        let content = root.path().join("content");
        let mut files: Vec<PageFile> = names
            .iter()
            .enumerate()
            .map(|(i, name)| PageFile {
                title: Some(format!("Page {name}")),
                tags: [None, Some("[ops]"), Some("[ops, Deploy]")][i % 3],
                body: i as u32,
                ..PageFile::default()
            })
            .collect();
        for (name, file) in names.iter().zip(&files) {
            let path = content.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, file.text()).unwrap();
        }
        let load = || preview_project(root.path());
        let mut project = load();
        let mut served = fresh_files(&mut project);
        // A fixed sequence, from a small linear congruential generator.
        let mut rng = crate::test_rng::Rng(seed);
        let mut next = |n: u64| rng.below(n as usize) as u64;
        let words = ["Alpha", "Bravo", "Zulu", "Echo", "Mike", "alpha"];
        let mut in_place = 0;
        for step in 0..fixed.len() + steps {
            let (i, fixed_title) = match fixed.get(step) {
                Some((name, title)) => (names.iter().position(|n| n == name).unwrap(), Some(title)),
                None => (next(names.len() as u64) as usize, None),
            };
            let file = &mut files[i];
            let word = || words[(step * 7 + i) % words.len()].to_string();
            match fixed_title.map_or_else(|| next(6), |_| 6) {
                0 => file.title = Some(word()),
                1 => file.title = None,
                2 => file.heading = (file.heading.is_none()).then(word),
                3 => file.weight = [None, Some(1), Some(2)][next(3) as usize],
                4 => file.description = (file.description.is_none()).then(word),
                5 => file.body += 1,
                _ => file.title = fixed_title.map(|t| t.to_string()),
            }
            fs::write(content.join(names[i]), file.text()).unwrap();
            let what = format!("step {step}: {}\n{}", names[i], file.text());
            match project.update_page(&format!("content/{}", names[i])) {
                Ok(PageUpdate::Rerender(jobs, _, _)) => {
                    in_place += 1;
                    let written = Files::default();
                    assert!(render_jobs(&project.renderer(), &jobs, &written).is_empty());
                    served.extend(written.into_map());
                    project.forget_written(&jobs);
                }
                Ok(PageUpdate::NeedsFullRebuild) => {
                    project = load();
                    served = fresh_files(&mut project);
                }
                other => panic!("{what}: {other:?}"),
            }
            let fresh = fresh_files(&mut load());
            let differ: Vec<&String> = fresh
                .iter()
                .filter(|(path, bytes)| served.get(*path) != Some(bytes))
                .map(|(path, _)| path)
                .collect();
            assert!(
                differ.is_empty(),
                "{what}: {differ:?} differ from a fresh build"
            );
            assert_eq!(served.len(), fresh.len(), "{what}");
        }
        in_place
    }

    #[test]
    fn a_body_edit_rerenders_the_listing_and_search_index_only_when_they_change() {
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        fs::create_dir_all(&content).unwrap();
        fs::write(content.join("_index.md"), "---\ntitle: Home\n---\n").unwrap();
        let page = |first: &str, last: &str| {
            format!(
                "---\ntitle: A\n---\n{first} {} {last}\n\nMore.\n",
                "word ".repeat(50)
            )
        };
        fs::write(content.join("a.md"), page("Start", "end")).unwrap();
        let mut project = preview_project(root.path());
        assert!(render_site(&mut project, &|_: &str, _: &[u8]| Ok(())).is_empty());
        let jobs = |project: &mut Project| -> Vec<Job> {
            match project.update_page("content/a.md") {
                Ok(PageUpdate::Rerender(jobs, _, _)) => jobs.into_iter().map(|(_, j)| j).collect(),
                other => panic!("{other:?}"),
            }
        };
        let a = Job::Page(PageId(1));
        let home = Job::Section(Site::ROOT);

        // Past what the description shows, with words the page had: the
        // listing and the search index stay as they are.
        fs::write(content.join("a.md"), page("Start", "word end")).unwrap();
        assert_eq!(jobs(&mut project), vec![a]);
        // A new word there: search finds it (the theme links an index).
        fs::write(content.join("a.md"), page("Start", "finish")).unwrap();
        assert_eq!(jobs(&mut project), vec![a, Job::SearchIndex]);
        let (_, words) = project.search.get(1).unwrap();
        assert_eq!(words, b"start word finish more");
        // The description's first word: the listing shows the change too.
        fs::write(content.join("a.md"), page("Begin", "finish")).unwrap();
        assert_eq!(jobs(&mut project), vec![a, home, Job::SearchIndex]);
        // The same text again changes nothing but the page.
        assert_eq!(jobs(&mut project), vec![a]);
        // A new heading is found by search, though no listing shows it.
        fs::write(
            content.join("a.md"),
            format!("{}\n## Rota\n", page("Begin", "finish")),
        )
        .unwrap();
        assert_eq!(jobs(&mut project), vec![a, Job::SearchIndex]);
        let (record, words) = project.search.get(1).unwrap();
        assert!(record.ends_with(b",\"Rota\"]"), "{record:?}");
        assert_eq!(words, b"begin word finish more");
    }
}
