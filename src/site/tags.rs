//! Tags: the pages that share one, for the pages folio writes at
//! `/tags/` (every tag) and `/tags/<tag>/` (the pages tagged so).
//!
//! A tag's URL is its GitHub slug, as a heading's id is, so `Deploy` and
//! `deploy` are one tag (named as the first page in the site's order
//! writes it). Tagged pages are listed by title, as a section's pages
//! without weights are. A page, section or alias of the site's own under
//! `/tags/` keeps its URL: folio then writes no tag pages, and says why.

use std::collections::HashMap;

use super::assemble::title_key;
use super::{PageId, Site};
use crate::diagnostic::Diagnostic;
use crate::markdown::slug::slugify;
use crate::route::{alias_dir, Route};
use crate::strings::Strings;

/// The output folder (under the base path) of the tag pages.
pub const TAGS_DIR: &str = "tags/";

/// Index of a tag in [`Tags::list`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagId(pub u32);

/// One tag and the pages that have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// As the first page (in the site's order) writes it.
    pub name: String,
    /// Its page's title: "Tagged “deploy”" (the `tagged` word).
    pub title: String,
    /// Where its page is written, and its URL.
    pub route: Route,
    /// The pages tagged so, by title (see [`sort_pages`]), then URL.
    pub pages: Vec<PageId>,
}

/// The site's tags, when folio writes pages for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    /// Where the list of every tag is written: `None` when no page has a
    /// tag, or a page of the site's own is under `/tags/`.
    pub index: Option<Route>,
    /// Every tag, by name as titles sort; empty without `index`.
    pub list: Vec<Tag>,
    /// Each page's tags in the order its front matter lists them (`None`
    /// for one without a slug): page `i`'s are `ids[starts[i]..starts[i +
    /// 1]]`. Rendering a page reads them, with no slug to make.
    ids: Vec<Option<TagId>>,
    starts: Vec<u32>,
}

impl Tags {
    /// Collects the tags of `site`'s pages; `folder_url` makes the URL of
    /// an output folder. Without any tag, or with a page of the site's
    /// own under `/tags/` (a warning, naming it), there are none.
    pub fn collect(
        site: &Site,
        strings: &Strings,
        folder_url: impl Fn(&str) -> String,
    ) -> (Tags, Vec<Diagnostic>) {
        if site.pages.iter().all(|p| p.front.tags.is_empty()) {
            return (Tags::default(), Vec::new());
        }
        if let Some(warning) = taken(site) {
            return (Tags::default(), vec![warning]);
        }
        let mut tags = Tags {
            index: Some(Route {
                dir: TAGS_DIR.to_string(),
                url: folder_url(TAGS_DIR),
            }),
            ..Tags::default()
        };
        // Each spelling is made a slug once: most repeat on many pages.
        let mut spelled: HashMap<&str, Option<TagId>> = HashMap::new();
        let mut by_slug: HashMap<String, TagId> = HashMap::new();
        tags.starts.reserve(site.pages.len() + 1);
        for page in &site.pages {
            tags.starts.push(tags.ids.len() as u32);
            for name in &page.front.tags {
                let id = *spelled.entry(name).or_insert_with(|| {
                    let slug = slugify(name);
                    if slug.is_empty() {
                        return None;
                    }
                    let list = &mut tags.list;
                    let id = by_slug.entry(slug).or_insert_with_key(|slug| {
                        let dir = format!("{TAGS_DIR}{slug}/");
                        list.push(Tag {
                            name: name.clone(),
                            title: strings.tag_title(name),
                            route: Route {
                                url: folder_url(&dir),
                                dir,
                            },
                            pages: Vec::new(),
                        });
                        TagId(list.len() as u32 - 1)
                    });
                    Some(*id)
                });
                tags.ids.push(id);
            }
        }
        tags.starts.push(tags.ids.len() as u32);
        tags.sort_by_name();
        // Pages go into their tags' lists in title order.
        let mut tagged: Vec<PageId> = (0..site.pages.len())
            .map(|i| PageId(i as u32))
            .filter(|&p| tags.of(p).iter().any(Option::is_some))
            .collect();
        sort_pages(site, &mut tagged);
        for p in tagged {
            for &t in tags.ids[tags.range(p)].iter().flatten() {
                let pages = &mut tags.list[t.0 as usize].pages;
                // `Deploy` and `deploy` on one page list it once.
                if pages.last() != Some(&p) {
                    pages.push(p);
                }
            }
        }
        (tags, Vec::new())
    }

    /// Puts the tags in order by name, and numbers them so.
    fn sort_by_name(&mut self) {
        let mut order: Vec<usize> = (0..self.list.len()).collect();
        order.sort_by_cached_key(|&i| (title_key(&self.list[i].name), self.list[i].name.clone()));
        let mut renumbered = vec![TagId(0); order.len()];
        for (new, &old) in order.iter().enumerate() {
            renumbered[old] = TagId(new as u32);
        }
        let mut old: Vec<Option<Tag>> = std::mem::take(&mut self.list)
            .into_iter()
            .map(Some)
            .collect();
        self.list = order.iter().filter_map(|&i| old[i].take()).collect();
        for id in self.ids.iter_mut().flatten() {
            *id = renumbered[id.0 as usize];
        }
    }

    /// True when folio writes tag pages.
    pub fn written(&self) -> bool {
        self.index.is_some()
    }

    /// A tag by id.
    pub fn tag(&self, id: TagId) -> &Tag {
        &self.list[id.0 as usize]
    }

    /// The tag a tag written `name` is one of, when tag pages are written
    /// (for tests: a page's own are read with [`Tags::of`]).
    #[cfg(test)]
    pub fn find(&self, name: &str) -> Option<TagId> {
        let dir = format!("{TAGS_DIR}{}/", slugify(name));
        let at = self.list.iter().position(|t| t.route.dir == dir)?;
        Some(TagId(at as u32))
    }

    /// Page `id`'s tags, one for each its front matter lists (`None` for
    /// one with no page); none when no tag pages are written.
    pub fn of(&self, id: PageId) -> &[Option<TagId>] {
        self.ids.get(self.range(id)).unwrap_or(&[])
    }

    fn range(&self, id: PageId) -> std::ops::Range<usize> {
        let i = id.0 as usize;
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }

    /// The tags of page `id` that have a page, each once.
    pub fn of_page(&self, id: PageId) -> Vec<TagId> {
        let mut ids: Vec<TagId> = self.of(id).iter().flatten().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Puts the pages of page `id`'s tags in order again, after its title
    /// changed.
    pub fn reorder(&mut self, site: &Site, id: PageId) {
        for t in self.of_page(id) {
            sort_pages(site, &mut self.list[t.0 as usize].pages);
        }
    }
}

/// Orders pages by title, as a section's pages sort without weights
/// (letter case and accents aside, numbers by value), then URL (read only
/// for equal titles: a copy of every URL for the sort's keys was a third
/// of its cost at 10k pages).
fn sort_pages(site: &Site, pages: &mut [PageId]) {
    let mut keyed: Vec<(String, PageId)> = pages
        .iter()
        .map(|&p| (title_key(&site.page(p).title), p))
        .collect();
    let url = |p: PageId| site.page(p).route.url.as_str();
    keyed.sort_unstable_by(|(a, p), (b, q)| a.cmp(b).then_with(|| url(*p).cmp(url(*q))));
    for (slot, (_, p)) in pages.iter_mut().zip(keyed) {
        *slot = p;
    }
}

/// The warning for the first page, section or alias of the site's own
/// under `/tags/`, if any: its URL stays, and no tag pages are written.
fn taken(site: &Site) -> Option<Diagnostic> {
    let under = |dir: &str| {
        dir.get(..TAGS_DIR.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(TAGS_DIR))
    };
    let (source, line, what) = site.pages.iter().find_map(|p| {
        if under(&p.route.dir) {
            return Some((p.source.as_str(), 0, format!("its URL is {}", p.route.url)));
        }
        let alias = p.front.aliases.iter().find(|a| under(&alias_dir(a)))?;
        Some((
            p.source.as_str(),
            p.front.line_of("aliases"),
            format!("its alias `{alias}` is"),
        ))
    })?;
    let d = Diagnostic::warning(format!(
        "no tag pages are written: {source} is under /tags/ ({what}), where folio would list the pages of each tag"
    ))
    .in_file(source.to_string())
    .with_hint(
        "move the page (or its alias) elsewhere to get a page per tag; the tags still show on their pages",
    );
    Some(if line > 0 { d.at_line(line, 1) } else { d })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::test_site;

    fn names(site: &Site, tag: &Tag) -> Vec<String> {
        tag.pages
            .iter()
            .map(|&p| site.page(p).title.clone())
            .collect()
    }

    #[test]
    fn tags_are_one_per_slug_and_list_their_pages_by_title() {
        let (site, diags) = test_site(&[
            ("content/_index.md", "# Home\n"),
            (
                "content/ops/zeta.md",
                "---\ntitle: zeta\ntags: [Deploy, On call]\n---\n",
            ),
            (
                "content/ops/alpha.md",
                "---\ntitle: Alpha\ntags: [deploy]\n---\n",
            ),
            (
                "content/beta.md",
                "---\ntitle: beta\ntags: [deploy, Deploy, \"!!\"]\n---\n",
            ),
            ("content/gamma.md", "---\ntitle: Gamma\n---\n"),
            (
                "content/ops/s10.md",
                "---\ntitle: Step 10\ntags: [deploy]\n---\n",
            ),
            (
                "content/ops/s2.md",
                "---\ntitle: Étape 2\ntags: [deploy]\n---\n",
            ),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        let tags = &site.tags;
        let index = tags.index.as_ref().expect("tag pages are written");
        assert_eq!(
            (index.dir.as_str(), index.url.as_str()),
            ("tags/", "/tags/")
        );
        let listed: Vec<(&str, &str, &str)> = tags
            .list
            .iter()
            .map(|t| (t.name.as_str(), t.route.dir.as_str(), t.route.url.as_str()))
            .collect();
        // `!!` has no slug, so no page; `Deploy` comes first in the site's
        // order and names the tag.
        assert_eq!(
            listed,
            [
                ("Deploy", "tags/deploy/", "/tags/deploy/"),
                ("On call", "tags/on-call/", "/tags/on-call/")
            ]
        );
        let deploy = tags.tag(tags.find("DEPLOY").unwrap());
        assert_eq!(deploy.title, "Tagged “Deploy”");
        // By title as sections sort them: letter case and accents aside,
        // numbers by value; `beta`, tagged twice, once.
        assert_eq!(
            names(&site, deploy),
            ["Alpha", "beta", "Étape 2", "Step 10", "zeta"]
        );
        assert_eq!(tags.find("!!"), None);
        let beta = PageId(site.pages.iter().position(|p| p.title == "beta").unwrap() as u32);
        let deploy_id = tags.find("deploy").unwrap();
        assert_eq!(tags.of_page(beta), [deploy_id]);
        assert_eq!(tags.of(beta), [Some(deploy_id), Some(deploy_id), None]);
    }

    #[test]
    fn a_site_without_tags_has_no_tag_pages() {
        let (site, diags) = test_site(&[("content/_index.md", "# Home\n"), ("content/a.md", "a")]);
        assert!(diags.is_empty());
        assert!(!site.tags.written());
        assert!(site.tags.list.is_empty());
        assert_eq!(site.tags.find("a"), None);
    }

    #[test]
    fn a_page_or_alias_of_the_site_under_tags_keeps_its_url_and_says_so() {
        let (site, diags) = test_site(&[
            ("content/_index.md", "# Home\n"),
            ("content/tags/_index.md", "# Our tags\n"),
            ("content/a.md", "---\ntags: [x]\n---\n"),
        ]);
        assert!(!site.tags.written());
        assert!(site.tags.list.is_empty());
        let [d] = &diags[..] else { panic!("{diags:?}") };
        assert!(!d.is_error());
        assert_eq!(d.file.as_deref(), Some("content/tags/_index.md"));
        assert!(d.message.contains("its URL is /tags/"), "{}", d.message);

        let (site, diags) = test_site(&[
            ("content/_index.md", "# Home\n"),
            (
                "content/a.md",
                "---\ntags: [x]\naliases: [/Tags/old/]\n---\n",
            ),
        ]);
        assert!(!site.tags.written());
        let [d] = &diags[..] else { panic!("{diags:?}") };
        assert_eq!((d.file.as_deref(), d.line), (Some("content/a.md"), 3));
        assert!(
            d.message.contains("its alias `/Tags/old/` is"),
            "{}",
            d.message
        );
    }
}
