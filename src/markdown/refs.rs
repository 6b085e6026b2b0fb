//! Resolving what links and images point to while parsing, and turning
//! the ones that go nowhere into diagnostics at their line.

use std::borrow::Cow;

use pulldown_cmark::{CowStr, LinkType};

use super::{with_suggestion, LinkAt, PageLink, Rewriter};
use crate::diagnostic::Diagnostic;
use crate::route::Reference;

impl<'a> Rewriter<'a> {
    pub(super) fn link(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        offset: usize,
    ) -> CowStr<'a> {
        if matches!(link_type, LinkType::Autolink | LinkType::Email) {
            return dest;
        }
        match self.routes.resolve(self.input.source, &dest) {
            Reference::Page {
                source,
                url,
                fragment: Some(fragment),
            } => {
                // Only links with an anchor need checking once every page is
                // parsed; the rest resolved already.
                let (line, column, (source_line, source_column)) = self.locate(offset);
                self.out.links.push(PageLink {
                    target: source.to_string(),
                    fragment: Some(fragment),
                    line,
                    column,
                    source_line,
                    source_column,
                });
                url.into_owned().into()
            }
            Reference::Page {
                url,
                fragment: None,
                ..
            } => match url {
                Cow::Borrowed(u) => CowStr::Borrowed(u),
                Cow::Owned(u) => u.into(),
            },
            Reference::Asset { url, path } => {
                self.out.linked_files.push(path);
                url.into()
            }
            Reference::Static { url, file } => {
                self.out.linked_files.extend(file);
                url.into()
            }
            Reference::Section { url } => url.into(),
            Reference::SamePage(fragment) => {
                if !fragment.is_empty() {
                    self.same_page.push((fragment, offset));
                }
                dest
            }
            // Written as a URL (`/guide/`), or a folder (`../guide/`).
            Reference::Missing { path, suggestion }
                if path.starts_with('/') || path.ends_with('/') =>
            {
                self.out.unresolved.push(dest.to_string());
                let (message, otherwise) = if path.starts_with('/') {
                    (
                        format!("link to `{dest}`, but no page has the URL `{path}`"),
                        "link to the page's source file instead (e.g. `../guide/setup.md`); folio checks and rewrites those",
                    )
                } else {
                    (
                        format!("link to `{dest}`, but no page or section is built from `{path}`"),
                        "a folder link is relative to this page's folder and names a section (a folder of pages) in content/",
                    )
                };
                let hint = suggestion.map_or_else(
                    || otherwise.to_string(),
                    |s| crate::diagnostic::did_you_mean(&dest, &s),
                );
                let d = self.problem(offset, message).with_hint(hint).broken_link();
                self.out.diagnostics.push(d);
                dest
            }
            Reference::Missing { path, .. } if self.routes.is_draft(&path) => {
                self.out.unresolved.push(dest.to_string());
                let d = self
                    .problem(
                        offset,
                        format!(
                        "link to `{dest}`, a draft: `{path}` has `draft: true` and is not built"
                    ),
                    )
                    .broken_link();
                self.out.diagnostics.push(d.with_hint(
                    "publish it (remove `draft: true`), drop the link until it is, or build with --drafts to preview both",
                ));
                dest
            }
            Reference::Missing { path, suggestion } => {
                self.out.unresolved.push(dest.to_string());
                let d = self
                    .problem(
                        offset,
                        format!("link to `{dest}`, but `{path}` does not exist"),
                    )
                    .broken_link();
                let d = match index_of_section(self.routes, &path) {
                    Some(folder) => d.with_hint(format!(
                        "the section `{folder}` has no index file; link to its folder (`{}`) for the page folio makes for it",
                        folder_link(&dest)
                    )),
                    None => with_suggestion(d, &dest, suggestion),
                };
                self.out.diagnostics.push(d);
                dest
            }
            Reference::Outside => {
                let d = self.problem(offset, format!("link to `{dest}` points outside the site"));
                self.out
                    .diagnostics
                    .push(d.with_hint("link to a page inside content/"));
                dest
            }
            Reference::External => {
                if dest.starts_with("http://") || dest.starts_with("https://") {
                    self.out.external_links.push(LinkAt {
                        url: dest.to_string(),
                        offset,
                    });
                }
                dest
            }
            Reference::Unknown => {
                self.out.unresolved.push(dest.to_string());
                if !dest.starts_with('/') {
                    self.out.url_links.push(LinkAt {
                        url: dest.to_string(),
                        offset,
                    });
                }
                dest
            }
        }
    }

    /// Resolves an image reference: the URL to write and, for local files,
    /// the pixel size.
    pub(super) fn image(
        &mut self,
        dest: CowStr<'a>,
        offset: usize,
    ) -> (CowStr<'a>, Option<(u32, u32)>) {
        let src = match self.routes.resolve(self.input.source, &dest) {
            Reference::Asset { url, path } => {
                let size = self.routes.image_size(&path);
                self.out.images.push(path);
                return (url.into(), size);
            }
            Reference::Static { url, file } => {
                let size = file.as_deref().and_then(|f| self.routes.image_size(f));
                self.out.images.extend(file);
                return (url.into(), size);
            }
            Reference::External => dest,
            // Site-rooted paths outside images/ may come from static/: not checked here.
            Reference::Unknown if dest.starts_with("data:") => dest,
            Reference::Unknown if dest.starts_with('/') => {
                self.out.unresolved.push(dest.to_string());
                dest
            }
            Reference::Outside => {
                let d = self.problem(offset, format!("image `{dest}` is outside the site root"));
                self.out
                    .diagnostics
                    .push(d.with_hint("put images in images/ or next to the page"));
                dest
            }
            Reference::Missing { path, suggestion } => {
                self.out.unresolved.push(dest.to_string());
                let d = self.problem(
                    offset,
                    format!("image `{dest}` not found (looked for `{path}`)"),
                );
                self.out
                    .diagnostics
                    .push(with_suggestion(d, &dest, suggestion));
                dest
            }
            _ => {
                self.out.unresolved.push(dest.to_string());
                let d = self.problem(offset, format!("image `{dest}` not found"));
                self.out
                    .diagnostics
                    .push(d.with_hint("put images in images/ or next to the page"));
                dest
            }
        };
        (src, None)
    }

    /// Reports each `#fragment` link of the page that names none of `ids`
    /// (the page's headings and HTML ids), at its place.
    pub(super) fn check_same_page(&mut self, ids: &[String]) {
        if self.same_page.is_empty() {
            return;
        }
        let known: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        for (fragment, offset) in std::mem::take(&mut self.same_page) {
            if super::is_top(&fragment) || known.contains(fragment.as_str()) {
                continue;
            }
            let d = self
                .problem(
                    offset,
                    format!("link to `#{fragment}`, but this page has no heading with that id"),
                )
                .broken_link()
                .with_hint("check the heading's text; ids are lower-case with `-` for spaces");
            self.out.diagnostics.push(d);
        }
    }

    /// The file line and column of `offset` in the body, and its line as
    /// quoted under a problem there.
    pub(super) fn locate(&mut self, offset: usize) -> (usize, usize, (String, usize)) {
        let at = self.lines.locate(self.input.body, offset);
        (at.line + self.input.body_line - 1, at.column, at.quote())
    }

    pub(super) fn problem(&mut self, offset: usize, message: String) -> Diagnostic {
        let (line, column, quote) = self.locate(offset);
        Diagnostic::error(message)
            .in_file(self.input.source)
            .at_line(line, column)
            .quoting(quote)
    }
}

/// For a missing `content/a/_index.md` (or `index.md`) whose folder is a
/// section without an index file: that folder (`content/a/`).
fn index_of_section(routes: &crate::route::Routes, path: &str) -> Option<String> {
    let folder = path
        .strip_suffix("/_index.md")
        .or_else(|| path.strip_suffix("/index.md"))?;
    routes.has_section(folder).then(|| format!("{folder}/"))
}

/// The folder link to write instead of a link to a section's missing
/// index file: `../a/_index.md` → `../a/`, `_index.md` → `./`.
fn folder_link(dest: &str) -> String {
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    match path.rsplit_once('/') {
        Some((folder, _)) => format!("{folder}/"),
        None => "./".to_string(),
    }
}
