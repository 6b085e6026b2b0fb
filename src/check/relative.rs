//! Links the build leaves as written, to be read from the built page's URL
//! (`notes.txt`, or `../rollback/` in `runbooks/deploy.md`): no file of
//! `content/` has their path, so the build cannot tell where they lead.
//! Once every file of the site is known, `folio check` can: it reads each
//! from its page's URL, as a browser does, and warns of those that lead to
//! no file the build writes.

use super::LinkGraph;
use crate::build::Project;
use crate::diagnostic::Diagnostic;
use crate::markdown::{LinkAt, PageLink};
use crate::route::{Reference, Routes};
use crate::site::Page;

/// A warning for each link left as a URL relative to its page that leads
/// to no file of the built site: no page, section, theme or site file.
pub(super) fn dead_url_links(project: &Project, graph: &LinkGraph<'_>) -> Vec<Diagnostic> {
    let has = |path: &[u8]| graph.has(path);
    let mut diags = Vec::new();
    for page in &project.site.pages {
        let dead = dead_links(page, has);
        for link in &dead {
            // Told here, with its line, not as a link of raw HTML.
            graph.told(link.target.url_path().as_bytes());
        }
        diags.extend(warnings(project, page, &dead));
    }
    diags
}

/// The links of `page` left as URLs relative to it that lead to no file,
/// when `has` says which output paths the site has (as
/// [`LinkGraph::has`] reads them: a folder's path stands for its
/// `index.html`, with or without its `/`).
pub(crate) fn dead_links(page: &Page, has: impl Fn(&[u8]) -> bool) -> Vec<DeadLink> {
    let dir = page.route.dir.as_str();
    (page.parsed.url_links.iter())
        .filter_map(|link| {
            let target = Target::of(dir, &link.url)?;
            (!target.exists(&has)).then(|| DeadLink {
                link: link.clone(),
                target,
            })
        })
        .collect()
}

/// The warnings for `dead`, links of `page` of `project`. The page is read
/// again for the links' lines, when there are any.
pub(crate) fn warnings(project: &Project, page: &Page, dead: &[DeadLink]) -> Vec<Diagnostic> {
    if dead.is_empty() {
        return Vec::new();
    }
    let links: Vec<LinkAt> = dead.iter().map(|d| d.link.clone()).collect();
    let placed = super::located(&project.opts.root, page, &links);
    let base_path = project.config.base_path();
    (placed.iter().zip(dead))
        .map(|(at, dead)| {
            let near = suggestion(&project.routes, &base_path, page, dead);
            warning(page, &base_path, at, dead, near)
        })
        .collect()
}

/// A link to write in place of `dead`'s, when one is near (with its
/// `?query` and `#fragment`): the page or section a built file's name or
/// an `index` stands for (`rollback.html` → `rollback.md`, `../index` →
/// `../`), or one a letter or two away (`rollbak.html` → `rollback.md`);
/// else the page or section whose URL is that near where the link leads
/// (`../rollbak/` → `../rollback/`, still relative to the built page).
fn suggestion(routes: &Routes, base_path: &str, page: &Page, dead: &DeadLink) -> Option<String> {
    let url = dead.link.url.as_str();
    let suffix = &url[memchr::memchr2(b'?', b'#', url.as_bytes()).unwrap_or(url.len())..];
    let written = dead.target.written.as_str();
    let stem = (written.strip_suffix(".html"))
        .or_else(|| written.strip_suffix(".htm"))
        .unwrap_or(written);
    let (folder, name) = stem.rsplit_once('/').map_or(("", stem), |(f, n)| (f, n));
    // Only a page's name: not `notes.txt`, nor a folder.
    let candidates = match name {
        "index" if folder.is_empty() => vec!["./".to_string()],
        "index" => vec![format!("{folder}/")],
        _ if name.is_empty()
            || name.starts_with('.')
            || (stem == written && name.contains('.')) =>
        {
            Vec::new()
        }
        _ => vec![format!("{stem}.md"), format!("{stem}/")],
    };
    let mut near = None;
    for candidate in candidates {
        match routes.resolve(&page.source, &candidate) {
            Reference::Page { .. } | Reference::Section { .. } => {
                return Some(format!("{candidate}{suffix}"))
            }
            Reference::Missing {
                suggestion: Some(s),
                ..
            } if near.is_none() && candidate.ends_with(".md") => near = Some(s),
            _ => {}
        }
    }
    let from = format!("{}index.html", page.route.dir);
    let relative = |path: &str| match crate::route::relative(&from, path) {
        r if r.is_empty() => "./".to_string(),
        r => r,
    };
    if near.is_none() && !dead.target.folder {
        // A file of the site near where it leads (`../files/gudie.pdf`).
        near = routes.near_file(&dead.target.path).map(relative);
    }
    if near.is_none() {
        // Where it leads, as a URL: a page or section near it there.
        let at = format!("{base_path}{}", dead.target.url_path());
        if let Reference::Missing {
            suggestion: Some(s),
            ..
        } = routes.resolve("content/_index.md", &at)
        {
            near = Some(relative(s.strip_prefix(base_path)?));
        }
    }
    near.map(|near| format!("{near}{suffix}"))
}

/// The output path that `href`, relative to the output folder `dir`,
/// leads to, as [`LinkGraph::has`] reads paths (`a/b/` for a folder, the
/// root's empty); `None` above the site's root.
pub(super) fn output_path(dir: &str, href: &str) -> Option<String> {
    Target::of(dir, href).map(|target| target.url_path())
}

/// The path to a file of the built site, as [`LinkGraph::has`] reads
/// it, looked up in the folder `dir` where the site was written.
pub(crate) fn on_disk(dir: &std::path::Path, path: &[u8]) -> bool {
    let Ok(path) = std::str::from_utf8(path) else {
        return false;
    };
    let file = |rel: &str| dir.join(rel).is_file();
    if path.is_empty() || path.ends_with('/') {
        return file(&format!("{path}index.html"));
    }
    file(path) || file(&format!("{path}/index.html"))
}

/// A link left as a URL relative to its page that leads to no file.
#[derive(Debug)]
pub(crate) struct DeadLink {
    /// The link, as the page's parse kept it.
    link: LinkAt,
    /// Where it leads.
    target: Target,
}

/// The warning for `dead`, a link of `page` placed at `at`, its site
/// under `base_path`, with a link near it to write instead, if any.
fn warning(
    page: &Page,
    base_path: &str,
    at: &PageLink,
    dead: &DeadLink,
    near: Option<String>,
) -> Diagnostic {
    let DeadLink { link, target } = dead;
    let dir = page.route.dir.as_str();
    let beside = crate::route::join(&page.source, &target.written)
        .map_or_else(String::new, |path| {
            format!("there is no `{path}` (read from the page's file), and ")
        });
    let what_to_do = match near {
        Some(near) => crate::diagnostic::did_you_mean(&link.url, &near),
        None => "link to a page's .md file, or add the file to content/ or static/".to_string(),
    };
    let hint = format!(
        "{beside}read from the built page (`{base_path}{dir}`) it leads to `{base_path}{}`, \
         which the build does not write; {what_to_do}",
        target.url_path()
    );
    Diagnostic::warning(format!(
        "link to `{}` leads to no file of the site",
        link.url
    ))
    .in_file(page.source.clone())
    .at_line(at.line, at.column)
    .quoting(at.quote())
    .with_hint(hint)
}

/// Where a relative link leads from its page's output folder.
#[derive(Debug, PartialEq)]
struct Target {
    /// The link's path, percent-decoded, without `?query` or `#fragment`.
    written: String,
    /// The output path it names (`runbooks/notes.txt`; empty for the
    /// site's root).
    path: String,
    /// Written as a folder (`../rollback/`, `.`).
    folder: bool,
}

impl Target {
    /// `href` read from the output folder `dir` (`runbooks/deploy/`), as
    /// a browser reads it from that folder's page. `None` for a link that
    /// climbs above the site's root, which may lead to another site under
    /// the same host and is not the site's to check.
    fn of(dir: &str, href: &str) -> Option<Target> {
        let end = memchr::memchr2(b'?', b'#', href.as_bytes()).unwrap_or(href.len());
        let written = percent_encoding::percent_decode_str(&href[..end])
            .decode_utf8_lossy()
            .into_owned();
        if written.starts_with('/') {
            return None;
        }
        let last = written.rsplit('/').next().unwrap_or_default();
        let folder = matches!(last, "" | "." | "..");
        let path = crate::route::join(&format!("{dir}index.html"), &written)?;
        Some(Target {
            written,
            path,
            folder,
        })
    }

    /// True when the build writes a file there, as `has` tells: a page or
    /// a section (a folder's `index.html`), or a file it copies. A link to a folder
    /// without its `/` is taken as the folder (static hosts redirect it).
    fn exists(&self, has: impl Fn(&[u8]) -> bool) -> bool {
        if self.folder && !self.path.is_empty() {
            has(format!("{}/", self.path).as_bytes())
        } else {
            has(self.path.as_bytes())
        }
    }

    /// The output path, as a URL path below the site's base path.
    fn url_path(&self) -> String {
        if self.folder && !self.path.is_empty() {
            format!("{}/", self.path)
        } else {
            self.path.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(dir: &str, href: &str) -> Option<(String, bool)> {
        Target::of(dir, href).map(|t| (t.path, t.folder))
    }

    #[test]
    fn a_link_is_read_from_its_pages_output_folder() {
        let at = |path: &str, folder| Some((path.to_string(), folder));
        assert_eq!(
            target("runbooks/deploy/", "notes.txt"),
            at("runbooks/deploy/notes.txt", false)
        );
        assert_eq!(
            target("runbooks/deploy/", "../rollback/#undo"),
            at("runbooks/rollback", true)
        );
        assert_eq!(
            target("runbooks/deploy/", "../../files/a%20b.pdf?dl=1"),
            at("files/a b.pdf", false)
        );
        assert_eq!(target("runbooks/", "./"), at("runbooks", true));
        assert_eq!(target("runbooks/", ".."), at("", true));
        assert_eq!(target("", "a/./b"), at("a/b", false));
        // Above the site's root: another site's, not checked.
        assert_eq!(target("runbooks/", "../../other/"), None);
        assert_eq!(target("", "../x"), None);
    }

    #[test]
    fn a_target_exists_as_a_rendered_or_copied_file_or_folder() {
        let graph = LinkGraph::new(
            [
                "index.html",
                "runbooks/index.html",
                "runbooks/rollback/index.html",
            ]
            .into_iter(),
            ["files/a.pdf", "demo/index.html", "folio.css"].into_iter(),
        );
        let exists =
            |dir: &str, href: &str| Target::of(dir, href).unwrap().exists(|p| graph.has(p));
        for (dir, href) in [
            ("runbooks/deploy/", "../rollback/"),
            ("runbooks/deploy/", "../rollback"),
            ("runbooks/deploy/", "../rollback/index.html"),
            ("runbooks/deploy/", "../../files/a.pdf"),
            ("runbooks/deploy/", "../../folio.css"),
            ("runbooks/deploy/", "../../demo/"),
            ("runbooks/deploy/", "../.."),
            ("", "runbooks/"),
        ] {
            assert!(exists(dir, href), "{dir} {href}");
        }
        for (dir, href) in [
            ("runbooks/deploy/", "notes.txt"),
            ("runbooks/deploy/", "../rollbak/"),
            ("runbooks/deploy/", "../../files/a.pdf/"),
            ("runbooks/deploy/", "../../files/"),
            ("", "folio.css/"),
        ] {
            assert!(!exists(dir, href), "{dir} {href}");
        }
    }

    #[test]
    fn a_target_on_disk_is_found_as_the_graph_finds_it() {
        let dir = tempfile::tempdir().unwrap();
        let rendered = [
            "index.html",
            "runbooks/index.html",
            "runbooks/rollback/index.html",
        ];
        let copied = ["files/a.pdf", "demo/index.html", "folio.css"];
        for rel in rendered.iter().chain(&copied) {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let graph = LinkGraph::new(rendered.into_iter(), copied.into_iter());
        let paths = [
            "",
            "runbooks/",
            "runbooks",
            "runbooks/rollback",
            "runbooks/rollback/",
            "runbooks/rollback/index.html",
            "files/a.pdf",
            "files/a.pdf/",
            "files/",
            "files",
            "demo",
            "demo/",
            "folio.css",
            "folio.css/",
            "nothing",
            "nothing/",
            "runbooks/deploy/notes.txt",
            "a\0b",
        ];
        for path in paths {
            let path = path.as_bytes();
            assert_eq!(
                on_disk(dir.path(), path),
                graph.has(path),
                "{}",
                String::from_utf8_lossy(path)
            );
        }
        assert!(on_disk(dir.path(), b"runbooks"));
        assert!(!on_disk(dir.path(), b"files/"));
    }
}
