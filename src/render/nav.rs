//! The `nav` value, built fast.
//!
//! Every page's navigation is the same few lists (top-level sections, the
//! sections on its path, their pages) with one item marked active and the
//! path expanded. Each section's list of children is built once, as Tera
//! values whose arrays and maps are reference-counted, and a page's `nav`
//! copies only the lists on its path and rebuilds the two or three items
//! that differ. On the 10,000-page corpus this replaced serialising ~120
//! items per page. The shape is [`super::context::NavItem`].

use std::ops::Range;
use std::sync::OnceLock;

use tera::Value;

use crate::site::{PageId, SectionId, Site};

/// Most children of one section that a page's navigation lists. A longer
/// list shows the run of this many that holds the child on the page's
/// path (the page itself, or the section it is in), counted from the
/// first, and then a link to the section, whose page lists them all
/// ([`more_title`]). The design asks that a page not grow with the site:
/// every page of a flat section of 4,000 pages listed all 4,000, and the
/// site's output grew with the square of its pages (783 MB).
pub const MAX_LISTED: usize = 100;

/// The children (by position) a list of `len` shows when child `at` is on
/// the path to the page shown (see [`MAX_LISTED`]).
pub fn listed(len: usize, at: Option<usize>) -> Range<usize> {
    if len <= MAX_LISTED {
        return 0..len;
    }
    let start = at.map_or(0, |i| i.min(len - 1) / MAX_LISTED * MAX_LISTED);
    start..(start + MAX_LISTED).min(len)
}

/// The title of the link that ends a list cut short by [`listed`].
pub fn more_title(len: usize) -> String {
    format!("All {len} in this section")
}

/// Where each page and section stands in its section's list of children
/// (subsections, then pages), found once per build: looking it up per
/// page in a flat section of thousands was quadratic.
pub struct Positions {
    pages: Vec<u32>,
    sections: Vec<u32>,
}

impl Positions {
    /// The positions of every page and section of `site`.
    pub fn new(site: &Site) -> Self {
        let mut pages = vec![0; site.pages.len()];
        let mut sections = vec![0; site.sections.len()];
        for section in &site.sections {
            for (i, s) in section.subsections.iter().enumerate() {
                sections[s.0 as usize] = i as u32;
            }
            let offset = section.subsections.len();
            for (i, p) in section.pages.iter().enumerate() {
                pages[p.0 as usize] = (offset + i) as u32;
            }
        }
        Positions { pages, sections }
    }

    /// Page `id`'s position among its section's children. (An index page
    /// is in no list: its section stands for it.)
    pub fn page(&self, id: PageId) -> usize {
        self.pages[id.0 as usize] as usize
    }

    /// Section `id`'s position among its parent's children.
    pub fn section(&self, id: SectionId) -> usize {
        self.sections[id.0 as usize] as usize
    }

    /// The child of `path[depth]` on the path to the page shown: the next
    /// section on `path`, or at the end of it `page`, when it is listed
    /// there (not an index page).
    pub fn on_path(
        &self,
        site: &Site,
        path: &[SectionId],
        depth: usize,
        page: Option<PageId>,
    ) -> Option<usize> {
        match path.get(depth + 1) {
            Some(&next) => Some(self.section(next)),
            None => self.page_in(site, path[depth], page),
        }
    }

    /// `page`'s position in the list of `section`, when it is listed there
    /// (a regular page of that section).
    pub fn page_in(&self, site: &Site, section: SectionId, page: Option<PageId>) -> Option<usize> {
        page.filter(|&p| !site.page(p).is_index && site.page(p).section == section)
            .map(|p| self.page(p))
    }
}

/// Per-section lists of children, built on first use.
pub struct NavCache {
    lists: Vec<OnceLock<Vec<Value>>>,
    positions: Positions,
}

fn item(
    title: &str,
    url: &str,
    active: bool,
    expanded: bool,
    is_section: bool,
    children: Vec<Value>,
) -> Value {
    let mut map = tera::Map::with_capacity_and_hasher(6, Default::default());
    for (key, value) in [
        ("title", Value::from(title)),
        ("url", Value::from(url)),
        ("active", Value::from(active)),
        ("expanded", Value::from(expanded)),
        ("is_section", Value::from(is_section)),
        ("children", Value::from(children)),
    ] {
        map.insert(key.into(), value);
    }
    Value::from(map)
}

impl NavCache {
    /// An empty cache for `site`.
    pub fn new(site: &Site) -> Self {
        NavCache {
            lists: (0..site.sections.len()).map(|_| OnceLock::new()).collect(),
            positions: Positions::new(site),
        }
    }

    /// Where pages and sections stand in their lists.
    pub fn positions(&self) -> &Positions {
        &self.positions
    }

    /// The children of a section (subsections, then pages), none active or
    /// expanded.
    fn list(&self, site: &Site, id: SectionId) -> &Vec<Value> {
        self.lists[id.0 as usize].get_or_init(|| {
            let section = site.section(id);
            let subsections = section.subsections.iter().map(|s| {
                let s = site.section(*s);
                item(&s.title, &s.route.url, false, false, true, Vec::new())
            });
            let pages = section.pages.iter().map(|p| {
                let p = site.page(*p);
                item(&p.title, &p.route.url, false, false, false, Vec::new())
            });
            subsections.chain(pages).collect()
        })
    }

    /// `nav` for the page `page` (`None` for a section's page or a page of
    /// no section, like the not-found page) at `current_url` in section
    /// `current`: the top-level list, expanded along the path to
    /// `current`, each list cut to [`MAX_LISTED`] around the path.
    pub fn nav(
        &self,
        site: &Site,
        current: SectionId,
        current_url: &str,
        page: Option<PageId>,
    ) -> Value {
        let path = site.section_path(current);
        let mut below: Option<Vec<Value>> = None;
        for (depth, &sid) in path.iter().enumerate().rev() {
            let section = site.section(sid);
            let all = self.list(site, sid);
            let at = self.positions.on_path(site, &path, depth, page);
            let shown = listed(all.len(), at);
            let mut items = all[shown.clone()].to_vec();
            if let Some(i) = at {
                let offset = section.subsections.len();
                items[i - shown.start] = if i < offset {
                    let s = site.section(section.subsections[i]);
                    let active = s.route.url == current_url;
                    let children = below.take().unwrap_or_default();
                    item(&s.title, &s.route.url, active, true, true, children)
                } else {
                    let p = site.page(section.pages[i - offset]);
                    item(&p.title, &p.route.url, true, false, false, Vec::new())
                };
            }
            if shown.len() < all.len() {
                items.push(item(
                    &more_title(all.len()),
                    &section.route.url,
                    false,
                    false,
                    false,
                    Vec::new(),
                ));
            }
            below = Some(items);
        }
        Value::from(below.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[&str]) -> Site {
        let pages: Vec<(&str, &str)> = files.iter().map(|f| (*f, "")).collect();
        crate::site::test_site(&pages).0
    }

    fn json(v: &Value) -> serde_json::Value {
        serde_json::to_value(v).unwrap()
    }

    fn summary(v: &serde_json::Value) -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let mark = |k: &str, c: &'static str| if i[k] == true { c } else { "" };
                format!(
                    "{}{}{}",
                    i["url"].as_str().unwrap(),
                    mark("active", "*"),
                    mark("expanded", "+")
                )
            })
            .collect()
    }

    #[test]
    fn expands_only_the_current_path_and_marks_the_page() {
        let site = site(&[
            "content/a/x.md",
            "content/a/y.md",
            "content/b/z.md",
            "content/top.md",
        ]);
        let cache = NavCache::new(&site);
        let a = site.section(Site::ROOT).subsections[0];
        let y = site
            .pages
            .iter()
            .position(|p| p.route.url == "/a/y/")
            .map(|i| PageId(i as u32));
        let nav = json(&cache.nav(&site, a, "/a/y/", y));
        assert_eq!(summary(&nav), ["/a/+", "/b/", "/top/"]);
        assert_eq!(summary(&nav[0]["children"]), ["/a/x/", "/a/y/*"]);
        assert_eq!(
            nav[1]["children"],
            serde_json::json!([]),
            "other sections stay collapsed"
        );
        // The cached lists stay unmarked for the next page.
        let top = site
            .pages
            .iter()
            .position(|p| p.route.url == "/top/")
            .map(|i| PageId(i as u32));
        assert_eq!(
            summary(&json(&cache.nav(&site, Site::ROOT, "/top/", top))),
            ["/a/", "/b/", "/top/*"]
        );
    }

    #[test]
    fn a_long_list_shows_the_run_that_holds_the_path_and_a_link_to_all() {
        assert_eq!(listed(100, Some(99)), 0..100, "up to the limit, all");
        assert_eq!(listed(250, None), 0..100);
        assert_eq!(listed(250, Some(99)), 0..100);
        assert_eq!(listed(250, Some(100)), 100..200);
        assert_eq!(listed(250, Some(249)), 200..250);
        // 250 pages in `big`, which also holds a section, and 150 pages
        // at the top beside it.
        let mut files: Vec<String> = (0..250)
            .map(|i| format!("content/big/p{i:03}.md"))
            .collect();
        files.push("content/big/sub/inner.md".into());
        files.extend((0..150).map(|i| format!("content/t{i:03}.md")));
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        let site = site(&files);
        let cache = NavCache::new(&site);
        let id = |url: &str| {
            let i = site.pages.iter().position(|p| p.route.url == url).unwrap();
            PageId(i as u32)
        };
        let big = site.section(Site::ROOT).subsections[0];
        // p130 is the 132nd child of big (after `sub`): the second run.
        let nav = json(&cache.nav(&site, big, "/big/p130/", Some(id("/big/p130/"))));
        let top = summary(&nav);
        assert_eq!(top.len(), 100 + 1, "the top list is cut too");
        assert_eq!(top[0], "/big/+");
        assert_eq!(top[100], "/", "ends with a link to the home page's list");
        assert_eq!(nav[100]["title"], "All 151 in this section");
        let children = summary(&nav[0]["children"]);
        assert_eq!(children.len(), 100 + 1);
        assert_eq!(children[0], "/big/p099/", "the run of p130");
        assert_eq!(children[31], "/big/p130/*");
        assert_eq!(children[99], "/big/p198/");
        assert_eq!(children[100], "/big/");
        assert_eq!(nav[0]["children"][100]["title"], "All 251 in this section");
        // The section's own page: its first run, `sub` first; a page of
        // `sub`: the run that holds `sub`.
        let own = json(&cache.nav(&site, big, "/big/", None));
        assert_eq!(summary(&own)[0], "/big/*+");
        assert_eq!(
            summary(&own[0]["children"])[..2],
            ["/big/sub/", "/big/p000/"]
        );
        let sub = site.section(big).subsections[0];
        let inner = json(&cache.nav(&site, sub, "/big/sub/inner/", Some(id("/big/sub/inner/"))));
        assert_eq!(summary(&inner[0]["children"])[0], "/big/sub/+");
        assert_eq!(
            summary(&inner[0]["children"][0]["children"]),
            ["/big/sub/inner/*"]
        );
        // The last run, and a top-level page past the first run.
        let last = json(&cache.nav(&site, big, "/big/p249/", Some(id("/big/p249/"))));
        assert_eq!(summary(&last[0]["children"]).len(), 51 + 1);
        let t120 = json(&cache.nav(&site, Site::ROOT, "/t120/", Some(id("/t120/"))));
        let top = summary(&t120);
        assert_eq!(top.len(), 51 + 1);
        assert!(top.contains(&"/t120/*".to_string()), "{top:?}");
    }
}
