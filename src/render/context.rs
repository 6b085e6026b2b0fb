//! The theme contract: typed, serialisable template context.
//!
//! Every key is always present (`null` or empty when absent) so templates
//! never test for undefined. Built here and nowhere else; the sample
//! handbook's "Template context" page documents each field.

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{Map, Value};

use super::pager::{self, Listing};
use crate::config::Config;
use crate::markdown::{ParsedPage, TocEntry};
use crate::site::tags::TagId;
use crate::site::{Featured, Page, PageId, Section, SectionId, Site};

/// `site`: the same for every page.
#[derive(Debug, Serialize)]
pub struct SiteContext<'a> {
    /// Site title.
    pub title: &'a str,
    /// Site description.
    pub description: &'a str,
    /// Absolute base URL, ending in `/`.
    pub base_url: &'a str,
    /// Path part of `base_url` (`/` or `/handbook/`); prefix for theme assets.
    pub base_path: String,
    /// The home page's URL: `base_path`, plus `index.html` when `base_url`
    /// is a `file://` URL (every page URL then names its `index.html`).
    pub home_url: String,
    /// Language code.
    pub language: &'a str,
    /// Which way the text runs: `"ltr"` or `"rtl"`, for `<html dir>`.
    pub direction: crate::strings::Direction,
    /// The words readers see, in `language` (see [`crate::strings`]).
    pub strings: &'a crate::strings::Strings,
    /// `[extra]` from folio.toml.
    pub extra: &'a Map<String, Value>,
}

impl<'a> SiteContext<'a> {
    /// The `site` value for a configuration.
    pub fn from_config(config: &'a Config) -> Self {
        SiteContext {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path: config.base_path(),
            home_url: crate::route::folder_url(&config.base_path(), "", config.read_from_disk()),
            language: &config.language,
            direction: config.direction,
            strings: &config.strings,
            extra: &config.extra,
        }
    }
}

/// `folio`: about the generator.
#[derive(Debug, Serialize)]
pub struct FolioContext {
    /// folio's version.
    pub version: &'static str,
    /// True while served by `folio serve`.
    pub live_reload: bool,
}

/// A title and URL (prev/next, breadcrumbs).
#[derive(Debug, Serialize)]
pub struct LinkContext<'a> {
    /// Link text.
    pub title: &'a str,
    /// Link target.
    pub url: &'a str,
}

/// A value already converted for the templates, shared between pages
/// (Tera copies only a reference when it meets one in a context).
pub type Shared = tera::Value;

/// A featured image.
#[derive(Debug, Serialize)]
pub struct FeaturedContext<'a> {
    /// Image URL.
    pub url: &'a str,
    /// Width in pixels (`null` for remote images).
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// Alt text: `featured_alt`, else the page title.
    pub alt: &'a str,
    /// Absolute URL (for social metadata).
    pub permalink: String,
    /// WebP variants as a `srcset` value (`null` for remote images).
    pub srcset: Option<&'a str>,
    /// The smallest variant (or the image itself), for cards and thumbnails.
    pub thumbnail: &'a str,
}

/// `page`: the page being rendered (in section templates, the section's own page).
#[derive(Debug, Serialize)]
pub struct PageContext<'a> {
    /// Title.
    pub title: &'a str,
    /// True when the content already starts with the title as `<h1>`.
    pub title_in_body: bool,
    /// Front matter `description`, else the first paragraph.
    pub description: String,
    /// True when `description` is the front matter's (else it is the
    /// first paragraph, which `content` shows too: a theme that shows the
    /// description above the content would show it twice).
    pub description_in_front_matter: bool,
    /// Site-absolute URL (on a listing's later pages, that page's).
    pub url: Cow<'a, str>,
    /// Absolute URL including scheme and host (when `base_url` has them).
    pub permalink: String,
    /// Rendered body HTML.
    pub content: &'a str,
    /// Plain text of the first paragraph.
    pub summary: &'a str,
    /// Table of contents.
    pub toc: &'a [TocEntry],
    /// Featured image.
    pub featured: Option<FeaturedContext<'a>>,
    /// Date from front matter.
    pub date: Option<&'a str>,
    /// Last update from front matter.
    pub updated: Option<&'a str>,
    /// Tags.
    pub tags: &'a [String],
    /// Each tag, as the site names it, with the URL of its page: each a
    /// [`TagLink`], converted once per tag and render.
    pub tag_links: Vec<Shared>,
    /// Words in the body.
    pub word_count: usize,
    /// Estimated minutes to read (200 words a minute, at least 1).
    pub reading_minutes: usize,
    /// Previous page in the section.
    pub prev: Option<LinkContext<'a>>,
    /// Next page in the section.
    pub next: Option<LinkContext<'a>>,
    /// Sections from the home page down to the page's parent (breadcrumbs;
    /// an array of [`LinkContext`]).
    pub ancestors: Shared,
    /// Project-relative source path.
    pub source_path: &'a str,
    /// Link to edit the source, when `edit_url` is configured.
    pub edit_url: Option<String>,
    /// `extra` and unknown front matter keys.
    pub extra: &'a Map<String, Value>,
}

/// One page in a section listing.
#[derive(Debug, Serialize)]
pub struct PageSummary<'a> {
    /// Title.
    pub title: &'a str,
    /// URL.
    pub url: &'a str,
    /// Description (front matter or first paragraph).
    pub description: String,
    /// Featured image.
    pub featured: Option<FeaturedContext<'a>>,
    /// Date.
    pub date: Option<&'a str>,
    /// Weight.
    pub weight: Option<i64>,
}

/// One child section in a section listing.
#[derive(Debug, Serialize)]
pub struct SubsectionContext<'a> {
    /// Title.
    pub title: &'a str,
    /// URL.
    pub url: &'a str,
    /// Pages in it and below it.
    pub pages_count: usize,
    /// Description of its index page (or empty).
    pub description: String,
    /// Featured image of its index page.
    pub featured: Option<FeaturedContext<'a>>,
}

/// `section`: in section templates, the page keys plus listings.
#[derive(Debug, Serialize)]
pub struct SectionContext<'a> {
    /// The section's own page keys.
    #[serde(flatten)]
    pub page: PageContext<'a>,
    /// Its pages, in order: an array of [`PageSummary`], each converted
    /// once per render (a page shows in its section's list and its
    /// tags'), the array once per listing when it is cut into pages (each
    /// page of it has every entry).
    pub pages: Shared,
    /// Its child sections, in order.
    pub subsections: Vec<SubsectionContext<'a>>,
}

/// One entry of the navigation tree.
#[derive(Debug, Serialize)]
pub struct NavItem<'a> {
    /// Title.
    pub title: &'a str,
    /// URL.
    pub url: &'a str,
    /// True for the page being rendered.
    pub active: bool,
    /// True for sections on the path to the page being rendered.
    pub expanded: bool,
    /// True for sections (which may have children).
    pub is_section: bool,
    /// Children, filled only when expanded (the nav stays bounded).
    pub children: Vec<NavItem<'a>>,
}

/// Everything a page or section template receives besides `site`, `assets`
/// and `folio` (global) and `nav` (built by [`super::nav::NavCache`] in the
/// shape of [`NavItem`]).
#[derive(Debug, Serialize)]
pub struct RenderContext<'a> {
    /// The page.
    pub page: PageContext<'a>,
    /// The section (section templates only; `null` for pages).
    pub section: Option<SectionContext<'a>>,
    /// The tag a tag page lists (`null` elsewhere).
    pub tag: Option<TagContext<'a>>,
    /// Where a listing cut into pages is (see [`super::pager`]): on the
    /// pages of sections and tags when `paginate_by` is set and their
    /// template reads it; `null` elsewhere.
    pub paginator: Option<PaginatorContext<'a>>,
}

/// `paginator`: one page of a listing cut into pages.
#[derive(Debug, Serialize)]
pub struct PaginatorContext<'a> {
    /// This page's number, from 1.
    pub number: u32,
    /// How many pages the listing is cut into (1 when it fits on one).
    pub total: u32,
    /// Entries a page shows (`paginate_by`); a listing of one page shows
    /// all of its entries, which may be more (see [`super::pager`]).
    pub per_page: usize,
    /// The entries this page shows, as in `section.pages` (which has them
    /// all): each a [`PageSummary`].
    pub pages: Vec<Shared>,
    /// The first page's URL (the listing's own).
    pub first: &'a str,
    /// The last page's URL.
    pub last: String,
    /// The page before this one, if any.
    pub prev: Option<String>,
    /// The page after this one, if any.
    pub next: Option<String>,
    /// Links to the first page, the last, and the pages up to three
    /// away from this one, in order (the list stays short however long
    /// the listing is).
    pub links: Vec<PagerLink>,
}

/// One of [`PaginatorContext::links`].
#[derive(Debug, Serialize)]
pub struct PagerLink {
    /// The page's number.
    pub number: u32,
    /// Its URL.
    pub url: String,
    /// True for the page being rendered.
    pub current: bool,
    /// True when pages are left out between this link and the one before.
    pub after_gap: bool,
}

/// A page's tag and its page.
#[derive(Debug, Serialize)]
pub struct TagLink<'a> {
    /// The tag's name: as the first page tagged so writes it, or as the
    /// page writes it when folio writes no page for it.
    pub title: &'a str,
    /// The URL of the tag's page, if folio writes one.
    pub url: Option<&'a str>,
}

/// `tag`: on the page of one tag.
#[derive(Debug, Serialize)]
pub struct TagContext<'a> {
    /// The tag, as the first page tagged so writes it.
    pub name: &'a str,
    /// Its page's URL.
    pub url: &'a str,
    /// How many pages have it.
    pub pages_count: usize,
}

/// Builds contexts from the site model.
pub struct ContextBuilder<'a> {
    /// The site.
    pub site: &'a Site,
    /// Its configuration.
    pub config: &'a Config,
    /// `scheme://host` of `base_url`, for permalinks.
    pub origin: String,
    /// Each section's trail: the [`LinkContext`]s from the home page down
    /// to it, converted on first use.
    trails: Vec<OnceLock<Shared>>,
    /// The trail of a tag's page: the home page, then the list of tags.
    tags_trail: OnceLock<Shared>,
    /// Each page's [`PageSummary`], converted on first use.
    summaries: Vec<OnceLock<Shared>>,
    /// Each tag's [`TagLink`], converted on first use.
    tag_links: Vec<OnceLock<Shared>>,
    /// With `paginate_by`, each section's `section.pages` (then each
    /// tag's), converted on first use: every page of a listing cut into
    /// pages has them all, and a copy per page made 1,000 pages of 10,000
    /// entries ten million values.
    listings: Vec<OnceLock<Shared>>,
}

impl<'a> ContextBuilder<'a> {
    /// Prepares a builder.
    pub fn new(site: &'a Site, config: &'a Config) -> Self {
        let base_path = config.base_path();
        let origin = config
            .base_url
            .strip_suffix(&base_path)
            .unwrap_or("")
            .to_string();
        ContextBuilder {
            site,
            config,
            origin,
            trails: site.sections.iter().map(|_| OnceLock::new()).collect(),
            tags_trail: OnceLock::new(),
            summaries: match Self::keeps_summaries(site, config) {
                true => site.pages.iter().map(|_| OnceLock::new()).collect(),
                false => Vec::new(),
            },
            tag_links: site.tags.list.iter().map(|_| OnceLock::new()).collect(),
            listings: match config.paginate_by {
                0 => Vec::new(),
                _ => (0..site.sections.len() + site.tags.list.len())
                    .map(|_| OnceLock::new())
                    .collect(),
            },
        }
    }

    /// True when a page's summary is shown more than once, and kept once
    /// made: in its section's list and its tags', or on each page of a
    /// listing cut into pages (whose `section.pages` lists every entry).
    fn keeps_summaries(site: &Site, config: &Config) -> bool {
        site.tags.written() || config.paginate_by > 0
    }

    /// Makes `ctx`, a listing's context (a section's or a tag's), page
    /// `number` of `total` of that listing, whose entries are `entries`
    /// and whose first page is at `first`.
    pub fn paginate(
        &self,
        ctx: &mut RenderContext<'a>,
        entries: &[PageId],
        (number, total): (u32, u32),
        first: &'a str,
    ) {
        let per_page = self.config.paginate_by;
        let at = |n: u32| pager::url(first, n);
        let near = number.saturating_sub(3).max(1)..=number.saturating_add(3).min(total);
        let mut numbers: Vec<u32> = [1].into_iter().chain(near).chain([total]).collect();
        numbers.dedup();
        let links = numbers
            .iter()
            .enumerate()
            .map(|(i, &n)| PagerLink {
                number: n,
                url: at(n),
                current: n == number,
                after_gap: i > 0 && numbers[i - 1] + 1 < n,
            })
            .collect();
        // One page shows every entry: a listing kept whole has one page.
        let shown = match total {
            1 => entries,
            _ => &entries[pager::range(number, per_page, entries.len())],
        };
        ctx.paginator = Some(PaginatorContext {
            number,
            total,
            per_page,
            pages: shown.iter().map(|&p| self.summary(p)).collect(),
            first,
            last: at(total),
            prev: (number > 1).then(|| at(number - 1)),
            next: (number < total).then(|| at(number + 1)),
            links,
        });
        if number > 1 {
            let url = at(number);
            let pages =
                std::iter::once(&mut ctx.page).chain(ctx.section.as_mut().map(|s| &mut s.page));
            for page in pages {
                page.permalink = format!("{}{url}", self.origin);
                page.url = Cow::Owned(url.clone());
            }
        }
    }

    /// Context for a regular page, with its body as parsed into the site.
    pub fn for_page(&self, id: PageId) -> RenderContext<'a> {
        self.for_page_parsed(id, &self.site.page(id).parsed)
    }

    /// Context for a regular page whose body was just parsed (the build's
    /// single pass renders it before the site holds the result).
    pub fn for_page_parsed<'b>(&self, id: PageId, parsed: &'b ParsedPage) -> RenderContext<'b>
    where
        'a: 'b,
    {
        let page = self.site.page(id);
        RenderContext {
            page: self.page(id, parsed, page.section, false),
            section: None,
            tag: None,
            paginator: None,
        }
    }

    /// Context for a section (its index page, or a generated one).
    pub fn for_section(&self, id: SectionId) -> RenderContext<'a> {
        let section = self.site.section(id);
        let page_ctx = || match section.index {
            Some(pid) => {
                let page = self.site.page(pid);
                self.page(pid, &page.parsed, id, true)
            }
            None => self.empty_section_page(section),
        };
        RenderContext {
            page: page_ctx(),
            section: Some(SectionContext {
                page: page_ctx(),
                pages: self.listing(Listing::Section(id)),
                subsections: section
                    .subsections
                    .iter()
                    .map(|s| {
                        let sub = self.site.section(*s);
                        let index = sub.index.map(|p| self.site.page(p));
                        SubsectionContext {
                            title: &sub.title,
                            url: &sub.route.url,
                            pages_count: self.site.pages_count(*s),
                            description: index
                                .map(|p| description(p, &p.parsed))
                                .unwrap_or_default(),
                            featured: index.and_then(|p| self.featured(p)),
                        }
                    })
                    .collect(),
            }),
            tag: None,
            paginator: None,
        }
    }

    /// Context for the page of tag `id`: a section's, listing the pages
    /// tagged so, with `tag` set.
    pub fn for_tag(&self, id: TagId) -> RenderContext<'a> {
        let tags = &self.site.tags;
        let tag = tags.tag(id);
        let count = tag.pages.len();
        let page = || {
            let mut page = self.blank_page(&tag.title, &tag.route.url);
            page.description = format!(
                "{count} page{} tagged “{}”",
                if count == 1 { " is" } else { "s are" },
                tag.name
            );
            page.ancestors = self.tags_trail();
            page
        };
        RenderContext {
            page: page(),
            section: Some(SectionContext {
                page: page(),
                pages: self.listing(Listing::Tag(id)),
                subsections: Vec::new(),
            }),
            tag: Some(TagContext {
                name: &tag.name,
                url: &tag.route.url,
                pages_count: count,
            }),
            paginator: None,
        }
    }

    /// Context for the list of tags: a section's, each tag a subsection.
    pub fn for_tags(&self, route: &'a crate::route::Route) -> RenderContext<'a> {
        let page = || {
            let strings = &self.config.strings;
            let mut page = self.blank_page(&strings.tags_title, &route.url);
            page.description = strings.tags_description.clone();
            page.ancestors = self.ancestors(Some(Site::ROOT));
            page
        };
        RenderContext {
            page: page(),
            section: Some(SectionContext {
                page: page(),
                pages: Shared::from(Vec::<Shared>::new()),
                subsections: self
                    .site
                    .tags
                    .list
                    .iter()
                    .map(|t| SubsectionContext {
                        title: &t.name,
                        url: &t.route.url,
                        pages_count: t.pages.len(),
                        description: String::new(),
                        featured: None,
                    })
                    .collect(),
            }),
            tag: None,
            paginator: None,
        }
    }

    /// Context for a page outside the tree (the 404 page).
    pub fn for_standalone(
        &self,
        title: &'a str,
        content: &'a str,
        url: &'a str,
    ) -> RenderContext<'a> {
        let mut page = self.blank_page(title, url);
        page.content = content;
        RenderContext {
            page,
            section: None,
            tag: None,
            paginator: None,
        }
    }

    fn blank_page(&self, title: &'a str, url: &'a str) -> PageContext<'a> {
        PageContext {
            title,
            title_in_body: false,
            description: String::new(),
            description_in_front_matter: false,
            url: Cow::Borrowed(url),
            permalink: format!("{}{}", self.origin, url),
            content: "",
            summary: "",
            toc: &[],
            featured: None,
            date: None,
            updated: None,
            tags: &[],
            tag_links: Vec::new(),
            word_count: 0,
            reading_minutes: 0,
            prev: None,
            next: None,
            ancestors: self.ancestors(None),
            source_path: "",
            edit_url: None,
            extra: &EMPTY_MAP,
        }
    }

    fn empty_section_page(&self, section: &'a Section) -> PageContext<'a> {
        let mut page = self.blank_page(&section.title, &section.route.url);
        page.ancestors = self.ancestors(section.parent);
        page
    }

    fn page<'b>(
        &self,
        id: PageId,
        parsed: &'b ParsedPage,
        section: SectionId,
        is_section: bool,
    ) -> PageContext<'b>
    where
        'a: 'b,
    {
        let page = self.site.page(id);
        let link = |id: Option<PageId>| {
            id.map(|id| {
                let p = self.site.page(id);
                LinkContext {
                    title: &p.title,
                    url: &p.route.url,
                }
            })
        };
        let parent = if is_section {
            self.site.section(section).parent
        } else {
            Some(section)
        };
        PageContext {
            title: &page.title,
            title_in_body: page.title_in_body,
            description: description(page, parsed),
            description_in_front_matter: page.front.description.is_some(),
            url: Cow::Borrowed(&page.route.url),
            permalink: format!("{}{}", self.origin, page.route.url),
            content: &parsed.html,
            summary: &parsed.summary,
            toc: &parsed.toc,
            featured: self.featured(page),
            date: page.front.date.as_deref(),
            updated: page.front.updated.as_deref(),
            tags: &page.front.tags,
            tag_links: self.tag_links(id),
            word_count: parsed.word_count,
            reading_minutes: parsed.word_count.div_ceil(200).max(1),
            prev: link(page.prev),
            next: link(page.next),
            ancestors: self.ancestors(parent),
            source_path: &page.source,
            edit_url: self
                .config
                .edit_url
                .as_ref()
                .map(|e| format!("{e}{}", page.source)),
            extra: &page.front.extra,
        }
    }

    fn featured<'b>(&self, page: &'b Page) -> Option<FeaturedContext<'b>> {
        page.featured.as_ref().map(|f: &Featured| FeaturedContext {
            url: &f.url,
            permalink: if f.url.starts_with('/') {
                format!("{}{}", self.origin, f.url)
            } else {
                f.url.clone()
            },
            width: f.size.map(|s| s.0),
            height: f.size.map(|s| s.1),
            alt: page.front.featured_alt.as_deref().unwrap_or(&page.title),
            srcset: f.srcset.as_deref(),
            thumbnail: f.thumbnail.as_deref().unwrap_or(&f.url),
        })
    }

    /// The breadcrumbs of a page whose parent is `parent`.
    fn ancestors(&self, parent: Option<SectionId>) -> Shared {
        let Some(parent) = parent else {
            return Shared::from(Vec::<Shared>::new());
        };
        self.trails[parent.0 as usize]
            .get_or_init(|| {
                let trail: Vec<LinkContext<'_>> = self
                    .site
                    .section_path(parent)
                    .into_iter()
                    .map(|s| {
                        let s = self.site.section(s);
                        LinkContext {
                            title: &s.title,
                            url: &s.route.url,
                        }
                    })
                    .collect();
                Shared::from_serializable(&trail)
            })
            .clone()
    }

    /// The trail of a tag's page: the home page, then the list of tags.
    fn tags_trail(&self) -> Shared {
        self.tags_trail
            .get_or_init(|| {
                let home = self.site.section(Site::ROOT);
                let mut trail = vec![LinkContext {
                    title: &home.title,
                    url: &home.route.url,
                }];
                if let Some(index) = &self.site.tags.index {
                    trail.push(LinkContext {
                        title: &self.config.strings.tags_title,
                        url: &index.url,
                    });
                }
                Shared::from_serializable(&trail)
            })
            .clone()
    }

    /// Each of page `id`'s tags with its page's URL, if written.
    fn tag_links(&self, id: PageId) -> Vec<Shared> {
        let tags = &self.site.tags;
        // Empty when no tag pages are written.
        let ids = tags.of(id);
        let names = &self.site.page(id).front.tags;
        (names.iter().enumerate())
            .map(|(i, name)| match ids.get(i).copied().flatten() {
                Some(t) => self.tag_links[t.0 as usize]
                    .get_or_init(|| {
                        let tag = tags.tag(t);
                        Shared::from_serializable(&TagLink {
                            title: &tag.name,
                            url: Some(&tag.route.url),
                        })
                    })
                    .clone(),
                None => unlinked(name),
            })
            .collect()
    }

    /// The pages of `listing`, as `section.pages` shows them.
    fn listing(&self, listing: Listing) -> Shared {
        let (slot, pages) = match listing {
            Listing::Section(id) => (id.0 as usize, &self.site.section(id).pages),
            Listing::Tag(id) => (
                self.site.sections.len() + id.0 as usize,
                &self.site.tags.tag(id).pages,
            ),
        };
        let make = || Shared::from(pages.iter().map(|&p| self.summary(p)).collect::<Vec<_>>());
        match self.listings.get(slot) {
            Some(kept) => kept.get_or_init(make).clone(),
            None => make(),
        }
    }

    /// Page `id` as a list shows it. With tag pages, a page shows in its
    /// section's list and its tags': the value is kept for the next. (Kept
    /// for every page, ~1.5 KB each with the default theme's featured
    /// images; without tag pages each is made once anyway.)
    fn summary(&self, id: PageId) -> Shared {
        let make = || {
            let page = self.site.page(id);
            Shared::from_serializable(&PageSummary {
                title: &page.title,
                url: &page.route.url,
                description: description(page, &page.parsed),
                featured: self.featured(page),
                date: page.front.date.as_deref(),
                weight: page.front.weight,
            })
        };
        match self.summaries.get(id.0 as usize) {
            Some(kept) => kept.get_or_init(make).clone(),
            None => make(),
        }
    }
}

/// A tag with no page, as [`TagLink`].
fn unlinked(name: &str) -> Shared {
    Shared::from_serializable(&TagLink {
        title: name,
        url: None,
    })
}

static EMPTY_MAP: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

/// Bytes of the summary that a description shows at most.
pub const DESCRIPTION_BYTES: usize = 160;

/// `description` from front matter, else the summary cut at a word.
pub(crate) fn description(page: &Page, parsed: &ParsedPage) -> String {
    match &page.front.description {
        Some(d) => d.clone(),
        None => truncate_words(&parsed.summary, DESCRIPTION_BYTES),
    }
}

/// The start of a summary that decides its description: one character
/// past [`DESCRIPTION_BYTES`], so it is cut at the same word as the whole.
pub fn listing_part(summary: &str) -> &str {
    if summary.len() <= DESCRIPTION_BYTES {
        return summary;
    }
    let mut end = DESCRIPTION_BYTES + 1;
    while !summary.is_char_boundary(end) {
        end += 1;
    }
    &summary[..end]
}

/// Shortens a written page's summary to its [`listing_part`], the only
/// part section listings read.
pub fn listing_summary(summary: &mut String) {
    summary.truncate(listing_part(summary).len());
    summary.shrink_to_fit();
}

/// Shortens text to at most `max` bytes at a word boundary, adding `…`.
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    let head = head.rsplit_once(' ').map_or(head, |(h, _)| h);
    format!("{}…", head.trim_end_matches([',', ';', ':', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listing_part_of_a_summary_gives_the_same_description() {
        let long = "word ".repeat(60);
        let cases = [
            String::new(),
            "Short summary.".to_string(),
            "x".repeat(160),
            "x".repeat(161),
            long.clone(),
            // A multi-byte character straddling the cut.
            format!("{}é and more words after it", "a".repeat(159)),
            format!("{} trailing, words: here.", "ü".repeat(100)),
            format!("{}, next", "b ".repeat(80)),
        ];
        for summary in cases {
            let part = listing_part(&summary);
            assert!(summary.starts_with(part));
            assert_eq!(
                truncate_words(part, DESCRIPTION_BYTES),
                truncate_words(&summary, DESCRIPTION_BYTES),
                "{summary:?}"
            );
            let mut kept = summary.clone();
            listing_summary(&mut kept);
            assert_eq!(kept, part);
        }
        assert!(listing_part(&long).len() <= DESCRIPTION_BYTES + 4);
    }
}
