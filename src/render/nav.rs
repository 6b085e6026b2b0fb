//! The `nav` value, built fast.
//!
//! Every page's navigation is the same few lists (top-level sections, the
//! sections on its path, their pages) with one item marked active and the
//! path expanded. Each section's list of children is built once, as Tera
//! values whose arrays and maps are reference-counted, and a page's `nav`
//! copies only the lists on its path and rebuilds the two or three items
//! that differ. On the 10,000-page corpus this replaced serialising ~120
//! items per page. The shape is [`super::context::NavItem`].

use std::sync::OnceLock;

use tera::Value;

use crate::site::{SectionId, Site};

/// Per-section lists of children, built on first use.
pub struct NavCache {
    lists: Vec<OnceLock<Vec<Value>>>,
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
        }
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

    /// `nav` for a page or section at `current_url` in section `current`:
    /// the top-level list, expanded along the path to `current`.
    pub fn nav(&self, site: &Site, current: SectionId, current_url: &str) -> Value {
        let path = site.section_path(current);
        let mut below: Option<(SectionId, Vec<Value>)> = None;
        for &sid in path.iter().rev() {
            let section = site.section(sid);
            let mut items = self.list(site, sid).clone();
            for (i, &sub) in section.subsections.iter().enumerate() {
                let s = site.section(sub);
                let expanded = below.as_ref().is_some_and(|(b, _)| *b == sub);
                let active = s.route.url == current_url;
                if expanded || active {
                    let children = if expanded {
                        below.take().map(|(_, c)| c).unwrap_or_default()
                    } else {
                        Vec::new()
                    };
                    items[i] = item(&s.title, &s.route.url, active, expanded, true, children);
                }
            }
            let offset = section.subsections.len();
            if let Some(i) = section
                .pages
                .iter()
                .position(|p| site.page(*p).route.url == current_url)
            {
                let p = site.page(section.pages[i]);
                items[offset + i] = item(&p.title, &p.route.url, true, false, false, Vec::new());
            }
            below = Some((sid, items));
        }
        Value::from(below.map(|(_, items)| items).unwrap_or_default())
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
        let nav = json(&cache.nav(&site, a, "/a/y/"));
        assert_eq!(summary(&nav), ["/a/+", "/b/", "/top/"]);
        assert_eq!(summary(&nav[0]["children"]), ["/a/x/", "/a/y/*"]);
        assert_eq!(
            nav[1]["children"],
            serde_json::json!([]),
            "other sections stay collapsed"
        );
        // The cached lists stay unmarked for the next page.
        assert_eq!(
            summary(&json(&cache.nav(&site, Site::ROOT, "/top/"))),
            ["/a/", "/b/", "/top/*"]
        );
    }
}
