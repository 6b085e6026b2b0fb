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
use crate::site::Page;

/// A warning for each link left as a URL relative to its page that leads
/// to no file of the built site: no page, section, theme or site file.
pub(super) fn dead_url_links(project: &Project, graph: &LinkGraph<'_>) -> Vec<Diagnostic> {
    let pages: Vec<&Page> = (project.site.pages.iter())
        .filter(|p| !p.parsed.url_links.is_empty())
        .collect();
    if pages.is_empty() {
        return Vec::new();
    }
    let base_path = project.config.base_path();
    let mut diags = Vec::new();
    for page in pages {
        let dir = page.route.dir.as_str();
        let (links, targets): (Vec<LinkAt>, Vec<Target>) = (page.parsed.url_links.iter())
            .filter_map(|link| {
                let target = Target::of(dir, &link.url)?;
                (!target.exists(graph)).then(|| (link.clone(), target))
            })
            .unzip();
        if links.is_empty() {
            continue;
        }
        // Read again for the links' lines (only a page with a dead one).
        let placed = super::located(&project.opts.root, page, &links);
        for (at, (link, target)) in placed.iter().zip(links.iter().zip(&targets)) {
            diags.push(warning(page, &base_path, dir, at, link, target));
        }
    }
    diags
}

/// The warning for `link` of `page`, read from the page's output folder
/// `dir` (below `base_path`), placed at `at`, leading to `target`.
fn warning(
    page: &Page,
    base_path: &str,
    dir: &str,
    at: &PageLink,
    link: &LinkAt,
    target: &Target,
) -> Diagnostic {
    let beside = crate::route::join(&page.source, &target.written)
        .map_or_else(String::new, |path| {
            format!("there is no `{path}` (read from the page's file), and ")
        });
    let hint = format!(
        "{beside}read from the built page (`{base_path}{dir}`) it leads to `{base_path}{}`, \
         which the build does not write; link to a page's .md file, or add the file to content/ or static/",
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

    /// True when the build writes a file there: a page or a section (a
    /// folder's `index.html`), or a file it copies. A link to a folder
    /// without its `/` is taken as the folder (static hosts redirect it).
    fn exists(&self, graph: &LinkGraph<'_>) -> bool {
        if self.folder && !self.path.is_empty() {
            graph.has(format!("{}/", self.path).as_bytes())
        } else {
            graph.has(self.path.as_bytes())
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
        let exists = |dir: &str, href: &str| Target::of(dir, href).unwrap().exists(&graph);
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
}
