//! `sitemap.xml`: the absolute URL of every page the site lists, for
//! search engines, when the site is published at an `http(s)` `base_url`.
//!
//! The home page and every section, then every regular page, then the tag
//! pages; not the not-found page nor aliases (redirects). A page's
//! `lastmod` is the day of its `updated` date, else of its `date` (a
//! section's, its index page's), as its authors keep them; none for a
//! page without either, nor for tag pages (file times say when a file was
//! checked out, not when its text changed). Past the protocol's 50,000
//! URLs a file, `sitemap.xml` is an index of `sitemap-1.xml`,
//! `sitemap-2.xml`, …

use crate::load::front_matter::is_date;
use crate::load::FrontMatter;
use crate::markdown::push_escaped;
use crate::site::Site;

/// The sitemap, or the index of its parts, at the output's root.
pub const SITEMAP_FILE: &str = "sitemap.xml";

/// URLs one sitemap file may hold (the protocol's limit).
pub const MAX_URLS: usize = 50_000;

/// The site's listed URLs (base path included), in the sitemap's order,
/// each with its `lastmod` day, if any.
pub fn urls(site: &Site) -> impl Iterator<Item = (&str, Option<&str>)> {
    let sections = site.sections.iter().map(|s| {
        let front = s.index.map(|p| &site.page(p).front);
        (s.route.url.as_str(), front.and_then(lastmod))
    });
    let pages = site.pages.iter().filter(|p| !p.is_index);
    let tags = site
        .tags
        .index
        .iter()
        .chain(site.tags.list.iter().map(|t| &t.route));
    sections
        .chain(pages.map(|p| (p.route.url.as_str(), lastmod(&p.front))))
        .chain(tags.map(|r| (r.url.as_str(), None)))
}

/// The day a page's front matter says it last changed: `updated`, else
/// `date` (`2026-05-31`, of `2026-05-31T09:00:00Z`; loading refuses any
/// other value of either).
pub fn lastmod(front: &FrontMatter) -> Option<&str> {
    let day = front.updated.as_deref().or(front.date.as_deref())?;
    is_date(day).then(|| &day[..10])
}

/// How many URLs the sitemap lists.
pub fn count(site: &Site) -> usize {
    urls(site).count()
}

/// The files of the sitemap, output-relative, each with its part: `0` is
/// `sitemap.xml` (the whole sitemap, or past [`MAX_URLS`] the index of
/// the parts); `1..` are the parts.
pub fn files(site: &Site) -> Vec<(String, u32)> {
    let parts = count(site).div_ceil(MAX_URLS);
    let mut files = vec![(SITEMAP_FILE.to_string(), 0)];
    if parts > 1 {
        files.extend((1..=parts as u32).map(|n| (part_file(n), n)));
    }
    files
}

/// The output path of part `n` (from 1).
fn part_file(n: u32) -> String {
    format!("sitemap-{n}.xml")
}

/// Writes `part` of the sitemap (see [`files`]) to `out`; `origin` is
/// `scheme://host` and `base_url` the site's, for the index's links.
pub fn write(site: &Site, origin: &str, base_url: &str, part: u32, out: &mut Vec<u8>) {
    let mut text = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total = count(site);
    let parts = total.div_ceil(MAX_URLS);
    if part == 0 && parts > 1 {
        text.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for n in 1..=parts as u32 {
            push_loc(&mut text, "sitemap", base_url, &part_file(n), None);
        }
        text.push_str("</sitemapindex>\n");
    } else {
        let skip = (part.max(1) as usize - 1) * MAX_URLS;
        text.reserve(total.min(MAX_URLS) * (origin.len() + 40));
        text.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (url, day) in urls(site).skip(skip).take(MAX_URLS) {
            push_loc(&mut text, "url", origin, url, day);
        }
        text.push_str("</urlset>\n");
    }
    out.extend_from_slice(text.as_bytes());
}

/// `<element><loc>{head}{tail}</loc><lastmod>{day}</lastmod></element>`
/// (without `lastmod` when there is no day), escaped for XML, with no
/// string of its own (a `format!` per URL was 2.5k instructions of it).
fn push_loc(text: &mut String, element: &str, head: &str, tail: &str, day: Option<&str>) {
    for part in ["<", element, "><loc>"] {
        text.push_str(part);
    }
    push_escaped(text, head);
    push_escaped(text, tail);
    text.push_str("</loc>");
    if let Some(day) = day {
        for part in ["<lastmod>", day, "</lastmod>"] {
            text.push_str(part);
        }
    }
    for part in ["</", element, ">\n"] {
        text.push_str(part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::test_site;

    #[test]
    fn the_sitemap_lists_sections_pages_and_tags_once_each() {
        let (site, diags) = test_site(&[
            ("content/_index.md", "# Home\n"),
            (
                "content/guide/_index.md",
                "---\ntitle: Guide\ndate: 2026-01-02\n---\n",
            ),
            (
                "content/guide/a&b.md",
                "---\ntags: [x]\ndate: 2026-03-04\nupdated: 2026-05-06T07:08:09Z\n---\n",
            ),
            ("content/ops/run.md", "---\naliases: [/old/]\n---\n"),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(files(&site), [("sitemap.xml".to_string(), 0)]);
        let mut out = Vec::new();
        write(
            &site,
            "https://example.com",
            "https://example.com/",
            0,
            &mut out,
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
             <url><loc>https://example.com/</loc></url>\n\
             <url><loc>https://example.com/guide/</loc><lastmod>2026-01-02</lastmod></url>\n\
             <url><loc>https://example.com/ops/</loc></url>\n\
             <url><loc>https://example.com/guide/a&amp;b/</loc><lastmod>2026-05-06</lastmod></url>\n\
             <url><loc>https://example.com/ops/run/</loc></url>\n\
             <url><loc>https://example.com/tags/</loc></url>\n\
             <url><loc>https://example.com/tags/x/</loc></url>\n\
             </urlset>\n"
        );
        assert_eq!(count(&site), 7);
    }

    #[test]
    fn past_fifty_thousand_urls_the_sitemap_is_an_index_of_parts() {
        let sources: Vec<(String, String)> = (0..MAX_URLS + 10)
            .map(|i| (format!("content/p{i}.md"), "x".to_string()))
            .collect();
        let (site, _) = test_site(&sources);
        // The home page and 50,010 pages.
        assert_eq!(count(&site), MAX_URLS + 11);
        let listed: Vec<(String, u32)> = files(&site);
        assert_eq!(
            listed,
            [
                ("sitemap.xml".to_string(), 0),
                ("sitemap-1.xml".to_string(), 1),
                ("sitemap-2.xml".to_string(), 2)
            ]
        );
        let text = |part| {
            let mut out = Vec::new();
            write(
                &site,
                "https://h.example",
                "https://h.example/docs/",
                part,
                &mut out,
            );
            String::from_utf8(out).unwrap()
        };
        let index = text(0);
        assert!(index.contains("<sitemapindex"));
        assert!(
            index.contains("<sitemap><loc>https://h.example/docs/sitemap-2.xml</loc></sitemap>")
        );
        assert_eq!(text(1).matches("<url>").count(), MAX_URLS);
        assert_eq!(text(2).matches("<url>").count(), 11);
    }
}
