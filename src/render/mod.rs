//! Stage 5, render: the site model through Tera templates into HTML.
//!
//! Templates are compiled once; `site` and `folio` go into Tera's global
//! context once; each page then gets a small typed context. Rendering is
//! pure and safe to call from many threads.

pub mod context;
mod fold;
pub mod nav;
pub mod pager;
mod script;
pub mod search;
mod sidebar;
pub mod sitemap;
mod stylesheet;
pub mod theme;

use tera::{Context, Value};

use crate::config::Config;
use crate::diagnostic::{closest, Diagnostic};
use crate::markdown::{escape_attr, ParsedPage};
use crate::site::tags::TagId;
use crate::site::{PageId, SectionId, Site};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use crate::route::Route;
use context::{ContextBuilder, FolioContext, RenderContext, SiteContext};
use pager::Listing;
pub use sidebar::href_values;
use theme::SECTION_NAV_VAR;
pub use theme::{Templates, Theme};

/// Records of a renderer that has none yet.
static EMPTY_RECORDS: search::Records = search::Records::EMPTY;

/// One file the render stage produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Job {
    /// A regular page.
    Page(PageId),
    /// A section index (home page for the root): its listing's first page.
    Section(SectionId),
    /// Page `n` (from 2) of a section's listing cut into pages (see
    /// [`pager`]).
    SectionPager(SectionId, u32),
    /// The not-found page.
    NotFound,
    /// A redirect from an alias to a page.
    Alias(PageId, usize),
    /// The search index (when a template links it).
    SearchIndex,
    /// The page of one tag (see [`crate::site::tags`]): its listing's
    /// first page.
    Tag(TagId),
    /// Page `n` (from 2) of a tag's listing cut into pages.
    TagPager(TagId, u32),
    /// The list of every tag.
    Tags,
    /// The sitemap (`0`: `sitemap.xml`) or one of its parts (see
    /// [`sitemap::files`]).
    Sitemap(u32),
}

impl Job {
    /// Regular page `id`'s job, with the file it is written to.
    pub fn page_file(site: &Site, id: PageId) -> (String, Job) {
        (
            format!("{}index.html", site.page(id).route.dir),
            Job::Page(id),
        )
    }

    /// The page of tag `id`, with the file it is written to.
    pub fn tag_file(site: &Site, id: TagId) -> (String, Job) {
        (
            format!("{}index.html", site.tags.tag(id).route.dir),
            Job::Tag(id),
        )
    }

    /// Section `id`'s job (its index page), with the file it is written to.
    pub fn section_file(site: &Site, id: SectionId) -> (String, Job) {
        (
            format!("{}index.html", site.section(id).route.dir),
            Job::Section(id),
        )
    }

    /// The listing a job renders a page of, with the page's number (1:
    /// the listing's own page).
    fn listing(self) -> Option<(Listing, u32)> {
        match self {
            Job::Section(id) => Some((Listing::Section(id), 1)),
            Job::SectionPager(id, n) => Some((Listing::Section(id), n)),
            Job::Tag(id) => Some((Listing::Tag(id), 1)),
            Job::TagPager(id, n) => Some((Listing::Tag(id), n)),
            _ => None,
        }
    }

    /// The job of page `number` of `listing`.
    fn of_listing(listing: Listing, number: u32) -> Job {
        match (listing, number) {
            (Listing::Section(id), 1) => Job::Section(id),
            (Listing::Section(id), n) => Job::SectionPager(id, n),
            (Listing::Tag(id), 1) => Job::Tag(id),
            (Listing::Tag(id), n) => Job::TagPager(id, n),
        }
    }
}

/// Renders pages of one site with one set of templates.
pub struct Renderer<'a> {
    templates: &'a Templates,
    nav: nav::NavCache,
    /// The built-in sidebar of each section, written on first use with
    /// no link current (see [`sidebar`]): one for each run of
    /// [`nav::MAX_LISTED`] of its children (one for most sections).
    section_navs: Vec<OnceLock<Box<[OnceLock<sidebar::Sidebar>]>>>,
    /// What templates print in place of that sidebar (see [`sidebar`]).
    nav_marker: sidebar::Marker,
    builder: ContextBuilder<'a>,
    site: &'a Site,
    /// Each page's search record (see [`search::record`]), once parsed.
    search: &'a search::Records,
    /// True when a template the site renders links the search index.
    searched: bool,
    /// True when folio writes `sitemap.xml` (see [`sitemap`]).
    sitemap: bool,
    /// The home page's template when its `_index.md` names none (see
    /// [`section_like`]).
    home: &'static str,
    /// The not-found page's template, if any (see [`not_found_template`]).
    not_found: Option<&'static str>,
    /// The listings (by output folder) that the site's own files keep
    /// whole (see [`pager::taken`]), found when first needed.
    pager_taken: OnceLock<(HashSet<String>, Vec<Diagnostic>)>,
}

/// The values every template sees, the same on every page of a build:
/// `site`, `assets`, `folio` and `search_index`. [`Templates::compile`]
/// writes them into the templates where it can (see the `fold` module)
/// and gives them to Tera for the rest.
pub struct Globals<'a> {
    /// The configuration (`site`).
    pub config: &'a Config,
    /// Theme asset → URL (`assets`).
    pub assets: &'a BTreeMap<String, String>,
    /// True while served by `folio serve` (`folio.live_reload`).
    pub live_reload: bool,
}

impl Globals<'_> {
    fn site(&self) -> SiteContext<'_> {
        SiteContext::from_config(self.config)
    }

    fn folio(&self) -> FolioContext {
        FolioContext {
            version: env!("CARGO_PKG_VERSION"),
            live_reload: self.live_reload,
        }
    }

    fn search_index(&self) -> String {
        format!("{}{}", self.config.base_path(), search::INDEX_FILE)
    }

    /// Each global by name, as JSON, for folding. Not `search_index`:
    /// whether a template reads it says whether the site gets a search
    /// index at all (see [`Renderer::uses_search`]).
    pub(crate) fn values(&self) -> serde_json::Map<String, serde_json::Value> {
        let json = |v: serde_json::Result<serde_json::Value>| v.unwrap_or_default();
        let mut values = serde_json::Map::new();
        values.insert("site".into(), json(serde_json::to_value(self.site())));
        values.insert("assets".into(), json(serde_json::to_value(self.assets)));
        values.insert("folio".into(), json(serde_json::to_value(self.folio())));
        values
    }

    /// Gives them to Tera.
    pub(crate) fn set(&self, tera: &mut tera::Tera) {
        let globals = tera.global_context();
        globals.insert("site", &self.site());
        globals.insert(search::INDEX_VAR, &self.search_index());
        globals.insert("assets", self.assets);
        globals.insert("folio", &self.folio());
    }
}

impl<'a> Renderer<'a> {
    /// Prepares rendering a site with templates compiled for it.
    pub fn new(templates: &'a Templates, site: &'a Site, config: &'a Config) -> Self {
        Renderer {
            templates,
            nav: nav::NavCache::new(site),
            section_navs: (0..site.sections.len()).map(|_| OnceLock::new()).collect(),
            nav_marker: sidebar::Marker::new(),
            builder: ContextBuilder::new(site, config),
            site,
            search: &EMPTY_RECORDS,
            searched: false,
            sitemap: config.base_url.starts_with("https://")
                || config.base_url.starts_with("http://"),
            home: section_like(templates, "index.html"),
            not_found: not_found_template(templates),
            pager_taken: OnceLock::new(),
        }
        .find_search()
    }

    /// Notes whether a template this site renders reads `search_index`
    /// (the theme's base template may, while the site's own pages never
    /// use it): only then is the index written.
    fn find_search(mut self) -> Self {
        let t = self.templates;
        let mut names: Vec<&str> = self
            .site
            .pages
            .iter()
            .filter_map(|p| p.front.template.as_deref())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.extend(["page.html", "section.html", self.home]);
        names.extend(self.not_found);
        if self.site.tags.written() {
            names.extend([section_like(t, "tag.html"), section_like(t, "tags.html")]);
        }
        self.searched = names
            .iter()
            .any(|n| t.has(n) && t.uses_variable(n, search::INDEX_VAR));
        self
    }

    /// True when the site gets a search index (see [`search`]).
    pub fn uses_search(&self) -> bool {
        self.searched
    }

    /// The same renderer, for a site with a `sitemap.xml` of its own among
    /// its files when `own` is true: folio then writes none.
    pub fn with_own_sitemap(mut self, own: bool) -> Self {
        self.sitemap &= !own;
        self
    }

    /// The same renderer, with each page's search record for the index.
    pub fn with_search(mut self, records: &'a search::Records) -> Self {
        self.search = records;
        self
    }

    /// Every file to render but the regular pages, which the build's pass
    /// renders as it parses them, with its output path relative to the
    /// output root.
    pub fn jobs_besides_pages(&self) -> Vec<(String, Job)> {
        self.collect_jobs(false)
    }

    /// Every file to render, the regular pages included (`folio check`
    /// knows the files it will link up from it; tests render whole sites
    /// with it).
    pub fn jobs(&self) -> Vec<(String, Job)> {
        self.collect_jobs(true)
    }

    fn collect_jobs(&self, with_pages: bool) -> Vec<(String, Job)> {
        let pages = if with_pages { self.site.pages.len() } else { 0 };
        let mut jobs = Vec::with_capacity(pages + self.site.sections.len() + 1);
        for i in 0..self.site.sections.len() {
            let first = Job::section_file(self.site, SectionId(i as u32));
            jobs.extend(self.pager_jobs(&first));
            jobs.push(first);
        }
        for (i, p) in self.site.pages.iter().enumerate() {
            let id = PageId(i as u32);
            if with_pages && !p.is_index {
                jobs.push(Job::page_file(self.site, id));
            }
            for (n, alias) in p.front.aliases.iter().enumerate() {
                let path = format!("{}index.html", crate::route::alias_dir(alias));
                jobs.push((path, Job::Alias(id, n)));
            }
        }
        if let Some(index) = &self.site.tags.index {
            jobs.push((format!("{}index.html", index.dir), Job::Tags));
            for i in 0..self.site.tags.list.len() {
                let first = Job::tag_file(self.site, TagId(i as u32));
                jobs.extend(self.pager_jobs(&first));
                jobs.push(first);
            }
        }
        if self.not_found.is_some() {
            jobs.push(("404.html".into(), Job::NotFound));
        }
        if self.searched {
            jobs.push((search::INDEX_FILE.into(), Job::SearchIndex));
        }
        jobs.extend(self.sitemap_jobs());
        jobs
    }

    /// The jobs of the sitemap's files, if folio writes one (see
    /// [`sitemap`]).
    pub fn sitemap_jobs(&self) -> Vec<(String, Job)> {
        match self.sitemap {
            true => (sitemap::files(self.site).into_iter())
                .map(|(path, part)| (path, Job::Sitemap(part)))
                .collect(),
            false => Vec::new(),
        }
    }

    /// Renders one job into `out`.
    pub fn render(&self, job: Job, out: &mut Vec<u8>) -> Result<(), Vec<Diagnostic>> {
        match job {
            Job::Page(id) => self.render_page(id, &self.site.page(id).parsed, out),
            Job::Section(id) => self.render_listing(Listing::Section(id), 1, out),
            Job::SectionPager(id, n) => self.render_listing(Listing::Section(id), n, out),
            Job::NotFound => {
                // The job exists only when there is a template; without one
                // the name below reports itself as missing.
                let template = self.not_found.unwrap_or("404.html");
                let strings = &self.builder.config.strings;
                let gone = format!("<p>{}</p>", escape_attr(&strings.not_found_text));
                // A 404.html adds its own way home; a page template does not.
                let content = match template {
                    "404.html" => gone,
                    _ => format!(
                        "{gone}\n<p><a href=\"{}\">{}</a></p>",
                        escape_attr(&self.site.section(Site::ROOT).route.url),
                        escape_attr(&strings.go_home)
                    ),
                };
                // Written at the output's root: under the base path once
                // published, as every URL is.
                let url = format!("{}404.html", self.builder.config.base_path());
                let ctx = self
                    .builder
                    .for_standalone(&strings.not_found_title, &content, &url);
                let at = (Site::ROOT, url.as_str(), None);
                self.render_template(template, &ctx, at, "404.html", out)
            }
            Job::Alias(id, _) => {
                redirect_page(&self.site.page(id).route.url, out);
                Ok(())
            }
            Job::Tag(id) => self.render_listing(Listing::Tag(id), 1, out),
            Job::TagPager(id, n) => self.render_listing(Listing::Tag(id), n, out),
            Job::Tags => {
                let Some(index) = &self.site.tags.index else {
                    return Ok(());
                };
                let mut ctx = self.builder.for_tags(index);
                let source = format!("the generated page of {}", index.url);
                let template = section_like(self.templates, "tags.html");
                // It lists tags, not pages: one page, with none of them.
                if self.pagers(template, &index.dir, 0).is_some() {
                    self.builder.paginate(&mut ctx, &[], (1, 1), &index.url);
                }
                let at = (Site::ROOT, index.url.as_str(), None);
                self.render_template(template, &ctx, at, &source, out)
            }
            Job::Sitemap(part) => {
                let config = self.builder.config;
                sitemap::write(self.site, &self.builder.origin, &config.base_url, part, out);
                Ok(())
            }
            Job::SearchIndex => {
                out.reserve(search::index_len(self.site, self.search));
                self.write_search_index(out).map_err(|e| {
                    vec![Diagnostic::error(format!(
                        "cannot make the search index: {e}"
                    ))]
                })
            }
        }
    }

    /// Renders page `number` (from 1) of `listing`.
    fn render_listing(
        &self,
        listing: Listing,
        number: u32,
        out: &mut Vec<u8>,
    ) -> Result<(), Vec<Diagnostic>> {
        let (template, route, entries) = self.listing_parts(listing);
        let generated = || Cow::Owned(format!("the generated page of {}", route.url));
        // The context, the file errors name, and the section the
        // navigation shows as current.
        let (mut ctx, source, nav_at) = match listing {
            Listing::Section(id) => {
                let source = match self.site.section(id).index {
                    Some(p) => Cow::Borrowed(self.site.page(p).source.as_str()),
                    None => generated(),
                };
                (self.builder.for_section(id), source, id)
            }
            Listing::Tag(id) => (self.builder.for_tag(id), generated(), Site::ROOT),
        };
        if let Some(total) = self.pagers(template, &route.dir, entries.len()) {
            self.builder
                .paginate(&mut ctx, entries, (number, total), &route.url);
        }
        let at = (nav_at, route.url.as_str(), None);
        self.render_template(template, &ctx, at, &source, out)
    }

    /// The template, route and entries of `listing`.
    fn listing_parts(&self, listing: Listing) -> (&'a str, &'a Route, &'a [PageId]) {
        match listing {
            Listing::Section(id) => {
                let s = self.site.section(id);
                (self.section_template(id), &s.route, &s.pages)
            }
            Listing::Tag(id) => {
                let t = self.site.tags.tag(id);
                (section_like(self.templates, "tag.html"), &t.route, &t.pages)
            }
        }
    }

    /// The template of section `id`'s page.
    fn section_template(&self, id: SectionId) -> &'a str {
        let section = self.site.section(id);
        match section
            .index
            .and_then(|p| self.site.page(p).front.template.as_deref())
        {
            Some(t) => t,
            None if id == Site::ROOT => self.home,
            None => "section.html",
        }
    }

    /// How many pages the listing at `dir` of `entries` entries, rendered
    /// with `template`, is cut into; `None` when it gets no `paginator`
    /// (`paginate_by` is not set, or the template never reads it). A
    /// listing that the site's own files keep whole (see [`pager::taken`])
    /// is one page.
    fn pagers(&self, template: &str, dir: &str, entries: usize) -> Option<u32> {
        let per_page = self.builder.config.paginate_by;
        let on = per_page > 0 && self.templates.uses_paginator(template);
        on.then(|| match self.pager_taken().0.contains(dir) {
            true => 1,
            false => pager::count(entries, per_page),
        })
    }

    fn pager_taken(&self) -> &(HashSet<String>, Vec<Diagnostic>) {
        self.pager_taken
            .get_or_init(|| match self.builder.config.paginate_by {
                0 => Default::default(),
                _ => pager::taken(self.site),
            })
    }

    /// The jobs of a listing's pages after its first (see [`pager`]), for
    /// `job`, the first's; none for any other job.
    pub fn pager_jobs(&self, (_, job): &(String, Job)) -> Vec<(String, Job)> {
        let Some((listing, 1)) = job.listing() else {
            return Vec::new();
        };
        let (template, route, entries) = self.listing_parts(listing);
        let total = self
            .pagers(template, &route.dir, entries.len())
            .unwrap_or(1);
        (2..=total)
            .map(|n| {
                let path = format!("{}index.html", pager::dir(&route.dir, n));
                (path, Job::of_listing(listing, n))
            })
            .collect()
    }

    /// `jobs` (of an update), each listing's first page followed by its
    /// later pages: an update that shows something new in a listing names
    /// its first page, and every page of it may show the change.
    pub fn with_pagers(&self, jobs: Vec<(String, Job)>) -> Vec<(String, Job)> {
        let mut all = Vec::with_capacity(jobs.len());
        for job in jobs {
            let later = self.pager_jobs(&job);
            all.push(job);
            all.extend(later);
        }
        all
    }

    /// The warnings about pagination: listings that the site's own files
    /// keep whole, and `paginate_by` set where no listing's template reads
    /// `paginator`.
    pub fn pagination_warnings(&self) -> Vec<Diagnostic> {
        if self.builder.config.paginate_by == 0 {
            return Vec::new();
        }
        let mut warnings = self.pager_taken().1.clone();
        let mut listing = vec![self.home, "section.html"];
        listing.extend(
            (self.site.sections.iter())
                .filter_map(|s| self.site.page(s.index?).front.template.as_deref()),
        );
        if self.site.tags.written() {
            listing.push(section_like(self.templates, "tag.html"));
        }
        if !listing.iter().any(|t| self.templates.uses_paginator(t)) {
            warnings.push(
                Diagnostic::warning(
                    "`paginate_by` is set, but no template of a listing reads `paginator`: every listing is written whole",
                )
                .in_file(crate::config::CONFIG_FILE)
                .with_hint(
                    "show `paginator.pages` and its links in section.html (see the theme guide), or drop `paginate_by`",
                ),
            );
        }
        warnings
    }

    /// Writes the search index to `out` (see [`search::write_index`]).
    pub fn write_search_index(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        search::write_index(self.site, self.search, out)
    }

    /// About how long the search index is (see [`search::index_len`]).
    pub fn search_index_len(&self) -> usize {
        search::index_len(self.site, self.search)
    }

    /// Renders a regular page with `parsed` as its body, which the site
    /// need not hold yet.
    pub fn render_page(
        &self,
        id: PageId,
        parsed: &ParsedPage,
        out: &mut Vec<u8>,
    ) -> Result<(), Vec<Diagnostic>> {
        let page = self.site.page(id);
        let template = page.front.template.as_deref().unwrap_or("page.html");
        let at = (page.section, page.route.url.as_str(), Some(id));
        let ctx = self.builder.for_page_parsed(id, parsed);
        self.render_template(template, &ctx, at, &page.source, out)
    }

    /// Renders `name`; `at` (section, URL, and the page when it is one)
    /// places the page in `nav`.
    fn render_template(
        &self,
        name: &str,
        ctx: &RenderContext<'_>,
        at: (SectionId, &str, Option<PageId>),
        source: &str,
        out: &mut Vec<u8>,
    ) -> Result<(), Vec<Diagnostic>> {
        if !self.templates.has(name) {
            return Err(vec![self.missing_template(name, source)]);
        }
        let mut context =
            Context::from_serialize(ctx).map_err(|e| self.templates.error(&e, Some(source)))?;
        // Templates that never show `nav` get an empty one (it is always present).
        let nav = if self.templates.uses_nav(name) {
            self.nav.nav(self.site, at.0, at.1, at.2)
        } else {
            Value::from(Vec::<Value>::new())
        };
        context.insert_value("nav", nav);
        let rendered = if self.templates.uses_section_nav(name) {
            let sidebar = self.section_nav(at.0, at.2);
            context.insert_value(SECTION_NAV_VAR, Value::safe_string(self.nav_marker.text()));
            let mut splice = sidebar::Splice::new(out, &self.nav_marker, sidebar, at.1);
            let rendered = self.templates.tera.render_to(name, &context, &mut splice);
            splice.finish();
            rendered
        } else {
            self.templates.tera.render_to(name, &context, &mut *out)
        };
        rendered.map_err(|e| {
            // The globals too, for "did you mean `site.title`".
            let site = context::SiteContext::from_config(self.builder.config);
            context.insert("site", &site);
            self.templates.render_error(&e, source, &context)
        })
    }

    /// The error for a template that neither the site nor its theme has.
    /// A page's `template:` key naming none was reported before rendering
    /// (see [`missing_templates`]), so this is a theme without one of the
    /// templates every site needs.
    fn missing_template(&self, name: &str, source: &str) -> Diagnostic {
        let theme = &self.builder.config.theme;
        let used_for = match name {
            "page.html" => "pages are rendered with it, unless their front matter names a `template`",
            "section.html" => "section pages (a folder's `_index.md`, or the page folio makes for a folder without one) are rendered with it; it gets `section.pages` and `section.subsections` to list",
            _ => "a page of the site is rendered with it",
        };
        Diagnostic::error(format!(
            "no template `{name}`: neither templates/ nor the theme `{theme}` has one (while rendering {source})"
        ))
        .with_hint(format!(
            "add `templates/{name}` (or `themes/{theme}/templates/{name}`): {used_for}"
        ))
    }

    /// The built-in sidebar for `page` (`None`: the section's own page) of
    /// `section`, with no link current: one per section, or per run of
    /// [`nav::MAX_LISTED`] children in a longer section.
    fn section_nav(&self, section: SectionId, page: Option<PageId>) -> &sidebar::Sidebar {
        let s = self.site.section(section);
        let len = s.subsections.len() + s.pages.len();
        let runs = self.section_navs[section.0 as usize].get_or_init(|| {
            (0..len.div_ceil(nav::MAX_LISTED).max(1))
                .map(|_| OnceLock::new())
                .collect()
        });
        let positions = self.nav.positions();
        let at = positions.page_in(self.site, section, page);
        let run = nav::listed(len, at).start / nav::MAX_LISTED;
        runs[run].get_or_init(|| {
            let home = &self.builder.config.strings.home;
            let html = sidebar::render_builtin(self.site, positions, section, page, home);
            sidebar::Sidebar::new(html)
        })
    }
}

/// The template of the not-found page, if any: the site's `404.html`,
/// else the site's `page.html` when it has a layout of its own (no
/// `extends`; the theme's 404 page would look like another site, and
/// bring a search index made for it alone), else the theme's.
fn not_found_template(t: &Templates) -> Option<&'static str> {
    if !t.has_site("404.html") && t.stands_alone("page.html") {
        Some("page.html")
    } else {
        t.has("404.html").then_some("404.html")
    }
}

/// The template of a page folio lists pages on besides sections: the
/// home page (`index.html`), a tag's page (`tag.html`) or the list of tags
/// (`tags.html`). It is `name` when the site has it, or when the site does
/// not override `section.html` and the theme has it; else `section.html`
/// (a site of its own layout keeps it on those pages too).
fn section_like(t: &Templates, name: &'static str) -> &'static str {
    if t.has_site(name) || (!t.has_site("section.html") && t.has(name)) {
        name
    } else {
        "section.html"
    }
}

/// Errors for the pages whose `template` key names no template, each at
/// the key's line, so a typo is reported with every other problem before
/// anything is rendered (rendering would name only the page).
pub fn missing_templates(site: &Site, templates: &Templates) -> Vec<Diagnostic> {
    let names = templates.names();
    site.pages
        .iter()
        .filter_map(|page| {
            let name = page.front.template.as_deref()?;
            if templates.has(name) {
                return None;
            }
            let with_ext = format!("{name}.html");
            // `doc` for `docs.html` is a typo of a name written without
            // its extension: compare it with one.
            let written = if name.contains('.') { name } else { &with_ext };
            let hint = if templates.has(&with_ext) {
                format!("did you mean `{with_ext}`? (write the file name, with `.html`)")
            } else if let Some(near) = closest(written, names.iter().copied()) {
                format!("did you mean `{near}`?")
            } else {
                format!(
                    "add `{name}` to templates/, or use one of: {}",
                    names.join(", ")
                )
            };
            Some(
                Diagnostic::error(format!("template `{name}` not found"))
                    .in_file(page.source.clone())
                    .at_line(page.front.line_of("template"), 1)
                    .with_hint(hint),
            )
        })
        .collect()
}

/// A tiny page that sends browsers (and search engines) to `target`.
fn redirect_page(target: &str, out: &mut Vec<u8>) {
    let t = escape_attr(target);
    out.extend_from_slice(
        format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Redirecting…</title>\
             <link rel=\"canonical\" href=\"{t}\"><meta http-equiv=\"refresh\" content=\"0; url={t}\"></head>\
             <body><a href=\"{t}\">Moved here</a></body></html>\n"
        )
        .as_bytes(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::theme::embedded_theme;

    /// The globals of a build of `config` with `theme`'s assets.
    fn globals<'a>(config: &'a Config, theme: &Theme) -> Globals<'a> {
        let assets = Box::leak(Box::new(theme.asset_urls(&config.base_path(), false)));
        Globals {
            config,
            assets,
            live_reload: false,
        }
    }

    /// [`globals`] of the default configuration and the built-in theme.
    pub(crate) fn default_globals() -> Globals<'static> {
        let config = Box::leak(Box::new(Config::default()));
        globals(config, &embedded_theme())
    }

    /// Every file of `site` rendered with the built-in theme, with or
    /// without the per-section sidebar.
    fn render_all(site: &Site, section_nav: bool) -> Vec<(String, String)> {
        render_all_with(site, &[], section_nav, &Config::default())
    }

    /// [`render_all`] with the site's own templates over the theme's.
    fn render_all_with(
        site: &Site,
        own: &[theme::TemplateSource],
        section_nav: bool,
        config: &Config,
    ) -> Vec<(String, String)> {
        let theme = embedded_theme();
        let templates =
            Templates::compile_with(&theme, own, &globals(config, &theme), section_nav).unwrap();
        assert_eq!(
            templates.uses_section_nav("page.html"),
            section_nav,
            "the built-in page template shows the sidebar"
        );
        assert_eq!(
            templates.uses_nav("page.html"),
            !section_nav,
            "pages need no nav of their own when the sidebar comes per section"
        );
        let renderer = Renderer::new(&templates, site, config);
        renderer
            .jobs()
            .into_iter()
            .map(|(path, job)| {
                let mut out = Vec::new();
                renderer.render(job, &mut out).unwrap();
                (path, String::from_utf8(out).unwrap())
            })
            .collect()
    }

    #[test]
    fn a_long_listings_pages_link_the_first_the_last_and_their_neighbours() {
        let files: Vec<(String, String)> = (0..30)
            .map(|i| {
                (
                    format!("content/big/p{i:02}.md"),
                    format!("# Page {i:02}\n"),
                )
            })
            .collect();
        let (site, _) = crate::site::test_site(&files);
        let own = [theme::TemplateSource {
            name: "section.html".into(),
            display_path: "templates/section.html".into(),
            text: "{{ page.url }} {{ paginator.number }}/{{ paginator.total }}:\
                   {% for p in paginator.pages %} {{ p.title }}{% endfor %} |\
                   {% for l in paginator.links %} {% if l.after_gap %}.. {% endif %}\
                   {% if l.current %}[{{ l.number }}]{% else %}{{ l.number }}{% endif %}{% endfor %} |\
                   {{ paginator.prev }} {{ paginator.next }} {{ paginator.last }}"
                .into(),
        }];
        let config = Config {
            paginate_by: 2,
            ..Config::default()
        };
        let files = render_all_with(&site, &own, false, &config);
        let file = |path: &str| &files.iter().find(|(p, _)| p == path).unwrap().1;
        assert_eq!(
            file("big/page/8/index.html"),
            "/big/page/8/ 8/15: Page 14 Page 15 | 1 .. 5 6 7 [8] 9 10 11 .. 15 \
             |/big/page/7/ /big/page/9/ /big/page/15/"
        );
        assert_eq!(
            file("big/index.html"),
            "/big/ 1/15: Page 00 Page 01 | [1] 2 3 4 .. 15 | /big/page/2/ /big/page/15/"
        );
        assert_eq!(
            file("big/page/15/index.html"),
            "/big/page/15/ 15/15: Page 28 Page 29 | 1 .. 12 13 14 [15] |/big/page/14/  /big/page/15/"
        );
        // The home section lists no page: one page of none.
        assert_eq!(file("index.html"), "/ 1/1: | [1] |  /");
        let listed: Vec<&str> = (files.iter())
            .filter(|(p, _)| p.starts_with("big/page/"))
            .map(|(p, _)| p.as_str())
            .collect();
        assert_eq!(listed.len(), 14, "{listed:?}");
    }

    #[test]
    fn a_long_sections_sidebar_is_cut_alike_per_section_and_per_page() {
        let mut files: Vec<(String, String)> = (0..230)
            .map(|i| (format!("content/big/p{i:03}.md"), format!("# Page {i}\n")))
            .collect();
        files.push(("content/big/sub/inner.md".into(), "inner".into()));
        files.extend((0..120).map(|i| (format!("content/t{i:03}.md"), "top".into())));
        let (site, _) = crate::site::test_site(&files);
        let per_page = render_all(&site, false);
        let per_section = render_all(&site, true);
        assert_eq!(per_page.len(), per_section.len());
        let mut largest = 0;
        for ((path, a), (_, b)) in per_page.iter().zip(&per_section) {
            assert_eq!(a, b, "{path} differs");
            if !path.ends_with("index.html") {
                continue;
            }
            let nav = &a[a.find("nav-list").unwrap()..a.find("</nav>").unwrap()];
            largest = largest.max(nav.matches("<li").count());
            if path != "big/sub/inner/index.html" {
                // The page shown is always among those listed.
                assert_eq!(nav.matches("aria-current").count(), 1, "{path}");
            }
        }
        // Home, the top list's run and its link to all, the big section's
        // run and its link to all, and `sub`'s one page.
        assert_eq!(largest, 1 + 101 + 101 + 1);
        let page = |path: &str| &per_section.iter().find(|(p, _)| p == path).unwrap().1;
        let p150 = page("big/p150/index.html");
        // `sub` comes first, so p150 is child 151: the run of 100 to 199.
        assert!(p150.contains("href=\"/big/p099/\">Page 99<"));
        assert!(p150.contains("href=\"/big/p198/\">Page 198<"));
        for other in ["/big/p098/", "/big/p199/"] {
            assert!(!p150.contains(&format!("href=\"{other}\"")), "{other}");
        }
        assert!(p150.contains("href=\"/big/\">All 231 in this section</a>"));
    }

    #[test]
    fn words_folded_into_the_templates_render_as_tera_would_print_them() {
        let mut config = Config::default();
        let (strings, _) = crate::strings::Strings::for_language("de", &toml::Table::new(), "");
        config.strings = strings;
        config.strings.previous = "Zurück & <weg>".into();
        config.strings.menu = "\"Menü\" 'hier'".into();
        config.strings.on_this_page = "A/B > C".into();
        // Quotes and a number twice, written as text around Tera's
        // prints; quotes, a backslash and a line break, as a literal
        // inside `fill`'s expression; a line break and what looks like a
        // tag where a word would be text.
        config.strings.reading_time = "{minutes} \"Min.\" & 'lesen' {minutes}".into();
        config.strings.list_page_of = "{number}\\{total}\n".into();
        config.strings.sections = "Teil\nbereiche {{ x }}".into();
        config.strings.pages = "{% raw %}".into();
        config.paginate_by = 2;
        let (site, _) = crate::site::test_site_at(
            &config,
            &[
                ("content/_index.md", "Home"),
                ("content/a/_index.md", "---\ntitle: A\n---\n"),
                ("content/a/x.md", "---\ntags: [t]\n---\n## One\n\ntext"),
                ("content/a/y.md", "y"),
                ("content/a/z.md", "z"),
                ("content/b/one.md", "---\nupdated: 2026-01-02\n---\none"),
            ],
        );
        let folded = render_all_with(&site, &[], true, &config);
        // A template that may give `site` a value of its own turns folding
        // off, for every template.
        let guard = theme::TemplateSource {
            name: "unused.html".into(),
            display_path: "templates/unused.html".into(),
            text: "{% set site = site %}".into(),
        };
        let printed = render_all_with(&site, std::slice::from_ref(&guard), true, &config);
        for (own, folds) in [(vec![], true), (vec![guard], false)] {
            let theme = embedded_theme();
            let t = Templates::compile(&theme, &own, &globals(&config, &theme)).unwrap();
            for name in ["theme/base.html", "theme/page.html", "theme/section.html"] {
                assert_eq!(t.folded(name), folds, "{name}");
            }
        }
        let paths =
            |files: &[(String, String)]| files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&folded), paths(&printed));
        for ((path, a), (_, b)) in folded.iter().zip(&printed) {
            assert_eq!(a, b, "{path} differs");
        }
        let page = &folded
            .iter()
            .find(|(p, _)| p == "a/y/index.html")
            .unwrap()
            .1;
        assert!(
            page.contains("<span class=\"pager-label\">Zurück &amp; &lt;weg&gt;</span>"),
            "{page}"
        );
        assert!(
            page.contains("<summary>&quot;Menü&quot; &#39;hier&#39;</summary>"),
            "{page}"
        );
        assert!(page.contains(">Weiter</span>"), "{page}");
    }

    #[test]
    fn the_sidebar_rendered_once_per_section_is_the_same_as_per_page() {
        let pages = [
            ("content/_index.md", "Home"),
            ("content/top.md", "---\ntitle: Top & <more>\n---\nTop"),
            ("content/a/_index.md", "---\ntitle: A\n---\n"),
            ("content/a/x.md", "x"),
            ("content/a/R&D notes.md", "y"),
            ("content/a/b/c/d/e/deep.md", "five levels down"),
            ("content/a/b/c/d/e/deeper.md", "also"),
            ("content/a/b/c/page.md", "three"),
            ("content/z/one.md", "one"),
            ("content/z/it's \"quoted\".md", "q"),
            ("content/empty/_index.md", "---\ntitle: Empty\n---\n"),
            ("content/only-sub/inner/p.md", "p"),
        ];
        let (site, _) = crate::site::test_site(&pages);
        let per_page = render_all(&site, false);
        let per_section = render_all(&site, true);
        assert_eq!(per_page.len(), per_section.len());
        for ((path, a), (_, b)) in per_page.iter().zip(&per_section) {
            assert_eq!(a, b, "{path} differs");
        }
        // The home link's target comes from the configuration (through
        // the site's routes), and its text from the site's words.
        let mut below = Config {
            base_url: "https://example.com/R&D's handbook/".into(),
            ..Config::default()
        };
        below.strings.home = "Start & <Ziel>".into();
        let (below_site, _) = crate::site::test_site_at(&below, &pages);
        let both =
            [false, true].map(|per_section| render_all_with(&below_site, &[], per_section, &below));
        for ((path, a), (_, b)) in both[0].iter().zip(&both[1]) {
            // The home page's own link is marked current.
            let home = if path == "index.html" {
                "href=\"/R&amp;D&#39;s handbook/\" aria-current=\"page\">Start &amp; &lt;Ziel&gt;</a>"
            } else {
                "href=\"/R&amp;D&#39;s handbook/\">Start &amp; &lt;Ziel&gt;</a>"
            };
            assert!(!path.ends_with(".html") || a.contains(home), "{path}");
            assert_eq!(a, b, "{path} differs under a base path");
        }
        // A site read from disk: every folder URL names its index.html,
        // the home link's too, and the current page is still marked.
        let disk = Config {
            base_url: "file:///srv/R&D's handbook/".into(),
            ..Config::default()
        };
        let (disk_site, _) = crate::site::test_site_at(
            &disk,
            &[
                ("content/_index.md", "Home"),
                ("content/a/_index.md", "---\ntitle: A\n---\n"),
                ("content/a/x.md", "x"),
                ("content/a/b/y.md", "y"),
                ("content/z/one.md", "one"),
            ],
        );
        let both =
            [false, true].map(|per_section| render_all_with(&disk_site, &[], per_section, &disk));
        for ((path, a), (_, b)) in both[0].iter().zip(&both[1]) {
            assert_eq!(a, b, "{path} differs when read from disk");
            if !path.ends_with(".html") || path == "404.html" {
                continue;
            }
            let nav = &a[a.find("nav-list").unwrap()..a.find("</nav>").unwrap()];
            assert!(
                nav.contains("href=\"/srv/R&amp;D&#39;s handbook/index.html\">Home")
                    || nav.contains("href=\"/srv/R&amp;D&#39;s handbook/index.html\" aria-current"),
                "{path}: {nav}"
            );
            for href in nav.split("href=\"").skip(1) {
                let href = &href[..href.find('"').unwrap()];
                assert!(href.ends_with("/index.html"), "{path}: {href}");
            }
            assert_eq!(nav.matches("aria-current").count(), 1, "{path}");
        }
        let current = |path: &str| {
            let html = &per_section.iter().find(|(p, _)| p == path).unwrap().1;
            let nav = &html[html.find("nav-list").unwrap()..html.find("</nav>").unwrap()];
            nav.matches("aria-current").count()
        };
        assert_eq!(current("index.html"), 1, "home link");
        assert_eq!(current("a/index.html"), 1, "the section's own link");
        assert_eq!(current("a/R&D notes/index.html"), 1, "escaped URL");
        assert_eq!(current("a/b/c/d/e/deep/index.html"), 0, "too deep to list");
        assert_eq!(current("404.html"), 0);

        // A site's base template that captures the sidebar before showing
        // it (twice) gets the same sidebar.
        let base = embedded_theme()
            .templates
            .into_iter()
            .find(|t| t.name == "base.html")
            .unwrap();
        let capturing = theme::TemplateSource {
            name: "base.html".into(),
            display_path: "templates/base.html".into(),
            text: base.text.replace(
                "{% include \"nav.html\" %}",
                "{% set side %}{% include \"nav.html\" %}{% endset %}{{ side | safe }}<!--{{ side | safe }}-->",
            ),
        };
        assert_ne!(capturing.text, base.text);
        let own = [capturing];
        let captured = render_all_with(&site, &own, true, &Config::default());
        let shown_twice = render_all_with(&site, &own, false, &Config::default());
        for ((path, a), (_, b)) in captured.iter().zip(&shown_twice) {
            assert_eq!(a, b, "{path} differs");
            assert!(!a.contains('\u{1}'), "{path} kept the marker");
        }
        let own_nav = theme::TemplateSource {
            name: "nav.html".into(),
            display_path: "templates/nav.html".into(),
            text: "{% for item in nav %}{{ item.title }}{% endfor %}".into(),
        };
        let templates =
            Templates::compile_with(&embedded_theme(), &[own_nav], &default_globals(), true)
                .unwrap();
        assert!(
            !templates.uses_section_nav("page.html"),
            "a site's own nav.html is rendered for every page"
        );
        assert!(templates.uses_nav("page.html"));
    }

    #[test]
    fn a_template_key_naming_no_template_is_an_error_at_its_line_with_a_suggestion() {
        let docs = theme::TemplateSource {
            name: "docs.html".into(),
            display_path: "templates/docs.html".into(),
            text: "{% extends \"page.html\" %}".into(),
        };
        let templates = Templates::compile(&embedded_theme(), &[docs], &default_globals()).unwrap();
        let (site, _) = crate::site::test_site(&[
            (
                "content/ok.md",
                "---\ntitle: Ok\ntemplate: docs.html\n---\n",
            ),
            ("content/theme.md", "---\ntemplate: section.html\n---\n"),
            (
                "content/bare.md",
                "---\ntitle: B\ndraft: false\ntemplate: docs\n---\n",
            ),
            ("content/typo.md", "---\ntemplate: doc.html\n---\n"),
            ("content/short.md", "---\ntemplate: doc\n---\n"),
            ("content/other.md", "+++\ntemplate = \"blog.html\"\n+++\n"),
        ]);
        let found: Vec<(String, usize, String)> = missing_templates(&site, &templates)
            .into_iter()
            .map(|d| {
                assert!(d.is_error());
                (d.file.unwrap(), d.line, d.hint.unwrap())
            })
            .collect();
        assert_eq!(found.len(), 4, "{found:?}");
        let of = |file: &str| found.iter().find(|f| f.0 == file).unwrap();
        // Without its extension, a typo is compared as a file name.
        assert_eq!(of("content/short.md").2, "did you mean `docs.html`?");
        assert_eq!(of("content/bare.md").1, 4);
        assert!(of("content/bare.md")
            .2
            .starts_with("did you mean `docs.html`?"));
        assert_eq!(of("content/typo.md").1, 2);
        assert_eq!(of("content/typo.md").2, "did you mean `docs.html`?");
        // Nothing near: every name a page may use, the theme's included.
        assert_eq!(of("content/other.md").1, 2);
        let hint = &of("content/other.md").2;
        assert!(hint.starts_with("add `blog.html` to templates/, or use one of: "));
        assert!(
            hint.contains(" docs.html, ") && hint.contains(" page.html, "),
            "{hint}"
        );
        assert!(!hint.contains("theme/"), "{hint}");
    }

    #[test]
    fn jobs_besides_pages_are_every_job_but_the_regular_pages() {
        let (site, _) = crate::site::test_site(&[
            ("content/_index.md", "Home"),
            ("content/a/_index.md", "---\ntitle: A\n---\n"),
            ("content/a/x.md", "---\naliases: [/old/x/]\n---\nx"),
            ("content/y.md", "y"),
        ]);
        let config = Config::default();
        let templates =
            Templates::compile_with(&embedded_theme(), &[], &default_globals(), true).unwrap();
        let renderer = Renderer::new(&templates, &site, &config);
        let mut expected = renderer.jobs();
        let pages = expected.len();
        expected.retain(|(_, job)| !matches!(job, Job::Page(_)));
        assert_eq!(pages - expected.len(), 2, "x and y");
        assert!(expected
            .iter()
            .any(|(p, j)| p == "old/x/index.html" && matches!(j, Job::Alias(..))));
        assert!(expected.iter().any(|(_, j)| *j == Job::NotFound));
        assert_eq!(renderer.jobs_besides_pages(), expected);
    }
}
