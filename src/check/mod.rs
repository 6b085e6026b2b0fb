//! `folio check`: everything a build verifies, without writing the site,
//! plus the checks only worth running in CI (external links).
//!
//! It loads the project exactly as `folio build` does (so the two agree on
//! what is an error) and renders every page into nothing, which catches
//! template errors too.

pub mod external;
pub(crate) mod relative;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde::Serialize;

use crate::build::{render_site, BuildFailure, BuildOptions, FailureKind, Project};
use crate::diagnostic::Diagnostic;

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Site root.
    pub root: PathBuf,
    /// Include drafts.
    pub drafts: bool,
    /// Also check links to other sites over HTTP.
    pub external: Option<external::ExternalOptions>,
}

/// What `folio check` found.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// Markdown files checked (section index pages included).
    pub pages: usize,
    /// External links checked (0 without `--external`).
    pub external_links: usize,
    /// Every problem, errors first.
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time.
    #[serde(skip)]
    pub elapsed: Duration,
}

/// Runs every check. Fails only when the site cannot be checked at all
/// (environment problems); content problems are in the report.
pub fn check(opts: &CheckOptions) -> Result<CheckReport, BuildFailure> {
    let started = std::time::Instant::now();
    let build = BuildOptions {
        root: opts.root.clone(),
        out: PathBuf::new(),
        drafts: opts.drafts,
        base_url: None,
        preview: false,
        strict: false,
    };
    let mut project = match Project::load(&build) {
        Ok(p) => p,
        Err(f) if f.kind == FailureKind::Environment => return Err(f),
        Err(f) => {
            return Ok(CheckReport {
                pages: crate::discover::discover(&opts.root).0.pages.len(),
                external_links: 0,
                diagnostics: sorted(f.diagnostics),
                elapsed: started.elapsed(),
            })
        }
    };
    // Nothing is written, so the search index needs no words of the
    // pages' text (a tenth of a check's time with the default theme); it
    // is still rendered, so its template errors are still found.
    project.config.search_text = false;
    let base_path = project.config.base_path();
    let jobs = project.renderer().jobs();
    let copied: Vec<String> = crate::build::copied_files(&project)
        .map(str::to_string)
        .collect();
    let graph = LinkGraph::new(
        jobs.iter().map(|(path, _)| path.as_str()),
        copied.iter().map(String::as_str),
    );
    let graph = match opts.external {
        Some(_) => graph.with_external_links(),
        None => graph,
    };
    let errors = render_site(&mut project, &|path: &str, html: &[u8]| {
        graph.add_file(path, html, &base_path);
        Ok(())
    });
    let mut diagnostics = project.warnings.clone();
    diagnostics.extend(errors);
    diagnostics.extend(orphans(&project, &graph));
    diagnostics.extend(relative::dead_url_links(&project, &graph));
    diagnostics.extend(dead_site_links(&graph, &base_path, &project.routes));
    let mut external_links = 0;
    if let Some(ext) = &opts.external {
        let mut links: Vec<external::Found> = project
            .site
            .pages
            .iter()
            .filter(|p| !p.parsed.external_links.is_empty())
            .flat_map(|p| {
                located(&opts.root, p, &p.parsed.external_links)
                    .into_iter()
                    .map(|l| external::Found::At(p.source.clone(), l))
            })
            .collect();
        // Those of templates and raw HTML: the rendered files' links that
        // no page's Markdown has.
        // Compared percent-decoded: the HTML writes a Markdown link's
        // spaces and letters past ASCII percent-encoded.
        let decoded = |url: &str| percent_encoding::percent_decode_str(url).collect::<Vec<u8>>();
        let written: HashSet<Vec<u8>> = (project.site.pages.iter())
            .flat_map(|p| p.parsed.external_links.iter())
            .map(|l| decoded(&l.url))
            .collect();
        // The site's own URLs (`<link rel="canonical">`) are its pages,
        // looked up above, and may not be published yet.
        let own = Some(project.config.base_url.as_str())
            .filter(|url| url.starts_with("https://") || url.starts_with("http://"));
        let mut elsewhere = graph.external_links();
        elsewhere.sort_by(|(a, _), (b, _)| a.cmp(b));
        links.extend(
            (elsewhere.into_iter())
                .filter(|(url, _)| !written.contains(&decoded(url)))
                .filter(|(url, _)| !own.is_some_and(|own| url.starts_with(own)))
                .map(|(url, missed)| external::Found::Elsewhere {
                    url,
                    whose: missed.whose(&base_path),
                }),
        );
        let cache = opts.root.join(external::CACHE_FILE);
        let (count, found) = external::check_links(&links, &cache, ext);
        external_links = count;
        diagnostics.extend(found);
    }
    Ok(CheckReport {
        pages: project.site.pages.len(),
        external_links,
        diagnostics: sorted(diagnostics),
        elapsed: started.elapsed(),
    })
}

/// Some of a page's links, with their lines. The build kept only their
/// offsets in the body, so the page is read again; if it cannot be, the
/// links are still checked, without a line.
fn located(
    root: &std::path::Path,
    page: &crate::site::Page,
    links: &[crate::markdown::LinkAt],
) -> Vec<crate::markdown::PageLink> {
    let text = std::fs::read(root.join(&page.source))
        .ok()
        .and_then(|bytes| crate::load::load_page(&page.source, bytes, &mut Vec::new()));
    match text {
        Some(loaded) => crate::markdown::locate_links(loaded.body(), loaded.body_line, links),
        None => crate::markdown::locate_links("", 1, links),
    }
}

/// The links between the rendered site's files, for [`orphans`].
///
/// Every file the render pass writes is a node, numbered before the pass
/// starts, and a file's `href`s that lead to another of them are its
/// edges, kept as node numbers: a 10,000-page site with the default theme
/// has over a million links, most of them in its sidebars, and keeping
/// each as an output path made `folio check` slower than a build and
/// twice its memory.
struct LinkGraph<'a> {
    /// Each rendered file's node, by [`node_key`] of its output path.
    nodes: HashMap<&'a [u8], u32, foldhash::fast::FixedState>,
    /// Each node's links, set when its file is rendered.
    edges: Vec<OnceLock<Box<[u32]>>>,
    /// The output paths of the files the build copies (no links of
    /// their own are read).
    copied: HashSet<&'a [u8], foldhash::fast::FixedState>,
    /// Links under the base path that lead to no file, by output path.
    missed: Mutex<HashMap<Box<[u8]>, Missed>>,
    /// Links to other sites, by URL, when they are to be requested (see
    /// [`LinkGraph::with_external_links`]).
    external: Option<Mutex<HashMap<String, Missed>>>,
}

/// The files that link to one URL: an output path the site does not
/// have, or another site's.
#[derive(Debug, Default)]
struct Missed {
    /// How many.
    files: usize,
    /// The first by its URL (whichever thread rendered it first, the
    /// report names the same one): the home page, when it is one.
    first: String,
}

impl Missed {
    /// Counts the file at output path `path`, the first by URL so far
    /// when it is.
    fn add(&mut self, path: &str) {
        self.files += 1;
        if self.first.is_empty() || node_key(path.as_bytes()) < node_key(self.first.as_bytes()) {
            path.clone_into(&mut self.first);
        }
    }

    /// Who links to it, for a message: "`/a/` links to it", or "5 files
    /// link to it, `/` first", with the site's URLs under `base_path`.
    fn whose(&self, base_path: &str) -> String {
        let first = String::from_utf8_lossy(node_key(self.first.as_bytes()));
        match self.files {
            1 => format!("`{base_path}{first}` links to it"),
            n => format!("{n} files link to it, `{base_path}{first}` first"),
        }
    }
}

impl<'a> LinkGraph<'a> {
    /// A graph of the files rendered at these output paths, with no links
    /// yet, beside the files copied.
    fn new(paths: impl Iterator<Item = &'a str>, copied: impl Iterator<Item = &'a str>) -> Self {
        let mut nodes = HashMap::with_hasher(foldhash::fast::FixedState::default());
        for path in paths {
            let next = nodes.len() as u32;
            nodes.entry(node_key(path.as_bytes())).or_insert(next);
        }
        let edges = (0..nodes.len()).map(|_| OnceLock::new()).collect();
        LinkGraph {
            nodes,
            edges,
            copied: copied.map(str::as_bytes).collect(),
            missed: Mutex::default(),
            external: None,
        }
    }

    /// The same graph, recording each file's links to other sites too.
    fn with_external_links(mut self) -> Self {
        self.external = Some(Mutex::default());
        self
    }

    /// The node of the file rendered at an output path, if the site has
    /// that file.
    fn node(&self, path: &[u8]) -> Option<u32> {
        self.nodes.get(node_key(path)).copied()
    }

    /// True when the site has a file at output path `path`, rendered or
    /// copied: for a folder (`a/b/`, or empty for the root), its
    /// `index.html`. A folder's path without its `/` counts too, as
    /// static hosts redirect it.
    fn has(&self, path: &[u8]) -> bool {
        let index_of = |dir: &[u8]| {
            self.copied
                .contains([dir, b"index.html"].concat().as_slice())
        };
        if self.node(path).is_some() || self.copied.contains(path) {
            return true;
        }
        if path.is_empty() || path.ends_with(b"/") {
            return index_of(path);
        }
        let dir = [path, b"/"].concat();
        self.node(&dir).is_some() || index_of(&dir)
    }

    /// Records the links of the file rendered at `path`. Runs on the
    /// render pass's threads, once per file.
    fn add_file(&self, path: &str, html: &[u8], base_path: &str) {
        // Only pages link (not the search index).
        let Some(node) = self
            .node(path.as_bytes())
            .filter(|_| path.ends_with(".html"))
        else {
            return;
        };
        // Relative URLs (raw HTML's, a Markdown link left as written) are
        // read from the file's folder.
        let dir = path.rfind('/').map_or("", |end| &path[..=end]);
        let mut targets: Vec<u32> = Vec::new();
        for target in internal_targets(html, base_path.as_bytes(), dir) {
            match self.node(&target) {
                Some(node) => targets.push(node),
                None if self.has(&target) => {}
                None => self.miss(&target, path),
            }
        }
        // What a page loads is no way to another page, but must be there.
        for target in loaded_targets(html, base_path.as_bytes(), dir) {
            if !self.has(&target) {
                self.miss(&target, path);
            }
        }
        if let Some(external) = &self.external {
            let mut urls: Vec<String> = (crate::render::href_values(html))
                .filter(|value| in_tag(html, value.start))
                .map(|value| attribute_value(&html[value]))
                .filter(|url| url.starts_with(b"https://") || url.starts_with(b"http://"))
                .map(|url| String::from_utf8_lossy(&url).into_owned())
                .collect();
            urls.sort_unstable();
            urls.dedup();
            let mut external = external.lock().unwrap_or_else(|e| e.into_inner());
            for url in urls {
                external.entry(url).or_default().add(path);
            }
        }
        targets.sort_unstable();
        targets.dedup();
        // A file is rendered once; were it twice, its first links stand.
        let _ = self.edges[node as usize].set(targets.into_boxed_slice());
    }

    /// Records that the file at `path` links to `target`, which the site
    /// does not have.
    fn miss(&self, target: &[u8], path: &str) {
        let mut missed = self.missed.lock().unwrap_or_else(|e| e.into_inner());
        missed.entry(target.into()).or_default().add(path);
    }

    /// The links to other sites (see [`LinkGraph::with_external_links`]),
    /// with the files that have them.
    fn external_links(&self) -> Vec<(String, Missed)> {
        let Some(external) = &self.external else {
            return Vec::new();
        };
        let mut external = external.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *external).into_iter().collect()
    }

    /// Lets go of the links to `target` that lead nowhere: they are told
    /// otherwise (a page's Markdown link, at its line).
    fn told(&self, target: &[u8]) {
        let mut missed = self.missed.lock().unwrap_or_else(|e| e.into_inner());
        missed.remove(target);
    }

    /// Which nodes the home page's links lead to, directly or through
    /// other files (the home page included).
    fn reached_from_home(&self) -> Vec<bool> {
        let mut seen = vec![false; self.edges.len()];
        let mut todo: Vec<u32> = self.node(b"index.html").into_iter().collect();
        while let Some(node) = todo.pop() {
            if std::mem::replace(&mut seen[node as usize], true) {
                continue;
            }
            if let Some(targets) = self.edges[node as usize].get() {
                todo.extend(targets.iter().filter(|&&t| !seen[t as usize]));
            }
        }
        seen
    }
}

/// A graph node's name for an output path: a folder's `index.html` is
/// named by its folder (`a/b/`, and the home page by `""`), as links name
/// it, so that looking a link up needs no new string.
fn node_key(path: &[u8]) -> &[u8] {
    match path.strip_suffix(b"index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with(b"/") => dir,
        _ => path,
    }
}

/// Output paths under `base_path` that the `href`s of a rendered file in
/// the output folder `dir` lead to, their character references read
/// (`&amp;`, `&#39;`), percent-decoded, without their `#fragment` or
/// `?query`: `href="/a/b/#x"` is `a/b/` (see [`node_key`]), and so is
/// `href="../b/"` in `a/c/index.html`. Bytes, not text: a path that is
/// not UTF-8 names no file of the site, and is not looked up any further.
fn internal_targets<'h>(
    html: &'h [u8],
    base_path: &'h [u8],
    dir: &'h str,
) -> impl Iterator<Item = Cow<'h, [u8]>> + 'h {
    targets_of(html, base_path, dir, crate::render::href_values(html))
}

/// Output paths under `base_path` that a rendered file loads: the values
/// of its `src` attributes (images, scripts, frames) and the URLs of its
/// `srcset`s (an image's other widths), read as [`internal_targets`]
/// reads `href`s. `data-src` and `data-srcset` are not read: the
/// attribute must follow a space.
fn loaded_targets<'h>(
    html: &'h [u8],
    base_path: &'h [u8],
    dir: &'h str,
) -> impl Iterator<Item = Cow<'h, [u8]>> + 'h {
    // One pass finds both: `src` is rare in a page but in these.
    let values = memchr::memmem::find_iter(html, b"src").flat_map(move |at| {
        let none = SourceUrls::none(html);
        if at == 0 || !html[at - 1].is_ascii_whitespace() {
            return none;
        }
        let rest = &html[at + 3..];
        let (set, name) = match () {
            _ if rest.starts_with(b"=\"") => (false, 2),
            _ if rest.starts_with(b"set=\"") => (true, 5),
            _ => return none,
        };
        let start = at + 3 + name;
        match memchr::memchr(b'"', &html[start..]) {
            Some(len) => SourceUrls::new(html, start..start + len, set),
            None => none,
        }
    });
    targets_of(html, base_path, dir, values)
}

/// The URLs in an attribute value at `at..end` of `html`: an `src`'s
/// whole value, or each candidate's URL of a `srcset` (`a.webp 480w,
/// b.webp 960w`: its width or density left out).
struct SourceUrls<'h> {
    html: &'h [u8],
    at: usize,
    end: usize,
    /// A `srcset`'s list, not one URL.
    set: bool,
}

impl<'h> SourceUrls<'h> {
    fn new(html: &'h [u8], value: std::ops::Range<usize>, set: bool) -> Self {
        SourceUrls {
            html,
            at: value.start,
            end: value.end,
            set,
        }
    }

    /// Yielding nothing (an empty list).
    fn none(html: &'h [u8]) -> Self {
        SourceUrls::new(html, 0..0, true)
    }
}

impl Iterator for SourceUrls<'_> {
    type Item = std::ops::Range<usize>;

    fn next(&mut self) -> Option<Self::Item> {
        if !self.set {
            // An `src`'s value, once, even empty (as before).
            self.set = true;
            let value = self.at..self.end;
            self.at = self.end;
            return Some(value);
        }
        // The HTML standard's reading of a srcset, without its error
        // cases: separators, a URL, then descriptors to the next comma
        // (or none, when the URL ends with commas).
        let value = &self.html[..self.end];
        let blank = |b: u8| b.is_ascii_whitespace() || b == b',';
        while self.at < self.end && blank(value[self.at]) {
            self.at += 1;
        }
        if self.at == self.end {
            return None;
        }
        let start = self.at;
        while self.at < self.end && !value[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
        let mut stop = self.at;
        if value[stop - 1] == b',' {
            while stop > start && value[stop - 1] == b',' {
                stop -= 1;
            }
        } else {
            self.at += memchr::memchr(b',', &value[self.at..]).unwrap_or(self.end - self.at);
        }
        Some(start..stop)
    }
}

/// The output paths under `base_path` of the attribute values of `html`
/// at `values`, relative ones read from the folder `dir` (see
/// [`internal_targets`]).
fn targets_of<'h>(
    html: &'h [u8],
    base_path: &'h [u8],
    dir: &'h str,
    values: impl Iterator<Item = std::ops::Range<usize>> + 'h,
) -> impl Iterator<Item = Cow<'h, [u8]>> + 'h {
    values.filter_map(move |value| {
        if !in_tag(html, value.start) {
            return None;
        }
        let value = attribute_value(&html[value]);
        // `//host/x` is another site's, whatever the base path.
        if value.starts_with(b"//") {
            return None;
        }
        let Some(rest) = value.strip_prefix(base_path) else {
            return relative_target(dir, &value).map(|path| Cow::Owned(path.into_bytes()));
        };
        let path = base_path.len()
            ..base_path.len() + memchr::memchr2(b'#', b'?', rest).unwrap_or(rest.len());
        Some(match value {
            Cow::Borrowed(value) => percent_decoded(&value[path]),
            Cow::Owned(value) => Cow::Owned(percent_decoded(&value[path]).into_owned()),
        })
    })
}

/// True when `at` is inside a tag of `html`, where an attribute's value
/// is. Text that shows HTML (`<code>&lt;a href="x"&gt;</code>`: a
/// Markdown code span keeps its `"`) is not: the last `<` or `>` before
/// it is a `>`.
fn in_tag(html: &[u8], at: usize) -> bool {
    memchr::memrchr2(b'<', b'>', &html[..at]).is_some_and(|found| html[found] == b'<')
}

/// The output path that `value`, a URL relative to the output folder
/// `dir`, leads to (`../b/` from `a/c/` is `a/b/`). `None` for any other
/// URL: a path from the host's root, another site's (`https:`,
/// `mailto:`), the file itself (`#top`, `?tab=2`, empty), one above the
/// site's root.
fn relative_target(dir: &str, value: &[u8]) -> Option<String> {
    if matches!(value.first(), None | Some(b'/' | b'#' | b'?')) {
        return None;
    }
    let value = std::str::from_utf8(value).ok()?;
    let first_part = &value[..value.find(['/', '?', '#']).unwrap_or(value.len())];
    if first_part.contains(':') {
        return None;
    }
    relative::output_path(dir, value)
}

/// `path` percent-decoded (borrowed when it has no `%`).
fn percent_decoded(path: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'%', path).is_some() {
        Cow::from(percent_encoding::percent_decode(path))
    } else {
        Cow::Borrowed(path)
    }
}

/// An attribute's value with its character references read: the escapes
/// of Tera (`&#39;`), pulldown-cmark (`&#x27;`) and folio (`&amp;`). The
/// pages `it's.md` and `x&y.md` were reported as orphans, every link to
/// them unread. A reference folio does not know is kept as written.
fn attribute_value(raw: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'&', raw).is_none() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = memchr::memchr(b'&', rest) {
        out.extend_from_slice(&rest[..at]);
        rest = &rest[at..];
        let end = rest.iter().take(12).position(|&b| b == b';');
        let name = end.map(|e| &rest[1..e]);
        let char = name.and_then(|name| match name {
            b"amp" => Some('&'),
            b"lt" => Some('<'),
            b"gt" => Some('>'),
            b"quot" => Some('"'),
            b"apos" => Some('\''),
            _ => {
                let digits = std::str::from_utf8(name.strip_prefix(b"#")?).ok()?;
                let code = match digits.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => digits.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (char, end) {
            (Some(c), Some(e)) => {
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                rest = &rest[e + 1..];
            }
            _ => {
                out.push(b'&');
                rest = &rest[1..];
            }
        }
    }
    out.extend_from_slice(rest);
    Cow::Owned(out)
}

/// Pages no reader can reach: not linked, directly or through other pages,
/// from the home page by the rendered site's links and navigation.
fn orphans(project: &Project, graph: &LinkGraph<'_>) -> Vec<Diagnostic> {
    let seen = graph.reached_from_home();
    let orphans: Vec<&str> = project
        .site
        .pages
        .iter()
        .filter(|p| {
            // A section's index page has its section's folder.
            !graph
                .node(p.route.dir.as_bytes())
                .is_some_and(|n| seen[n as usize])
        })
        .map(|p| p.source.as_str())
        .collect();
    let mut diags: Vec<Diagnostic> = orphans
        .iter()
        .take(MAX_ORPHANS_LISTED)
        .map(|source| {
            Diagnostic::warning("orphan page: no link or navigation leads here from the home page")
                .in_file(*source)
                .with_hint(
                    "link to it from a related page, or check that the theme lists its section",
                )
        })
        .collect();
    if orphans.len() > MAX_ORPHANS_LISTED {
        diags.push(
            Diagnostic::warning(format!("and {} more orphan pages", orphans.len() - MAX_ORPHANS_LISTED))
                .with_hint("when most pages are orphans, the theme's home or section templates probably do not link to sections"),
        );
    }
    diags
}

/// A warning for each output path under the base path that the rendered
/// site links to and does not have, the most linked first. A page's
/// Markdown links were checked as it was built, so these come from the
/// templates (a menu's `/abuot/` is on every page) or from raw HTML.
fn dead_site_links(
    graph: &LinkGraph<'_>,
    base_path: &str,
    routes: &crate::route::Routes,
) -> Vec<Diagnostic> {
    let missed = std::mem::take(&mut *graph.missed.lock().unwrap_or_else(|e| e.into_inner()));
    let mut missed: Vec<(Box<[u8]>, Missed)> = missed.into_iter().collect();
    missed.sort_by(|(a, x), (b, y)| y.files.cmp(&x.files).then_with(|| a.cmp(b)));
    let mut diags: Vec<Diagnostic> = missed
        .iter()
        .take(MAX_DEAD_LISTED)
        .map(|(target, missed)| {
            let url = format!("{base_path}{}", String::from_utf8_lossy(target));
            let whose = missed.whose(base_path);
            // A link to a page's file (raw HTML's are not rewritten) is
            // told its URL. Else the URL is read as a page's Markdown
            // link to it would be, for the page or section closest to it;
            // else a file of the site (`/logo.png` for `/images/logo.png`).
            let near = match page_meant(routes, target) {
                Some(page) => Some(format!(
                    "a link there to a page is its URL, not its file: did you mean `{page}`?"
                )),
                None => match routes.resolve("content/_index.md", &url) {
                    crate::route::Reference::Missing {
                        suggestion: Some(near),
                        ..
                    } => Some(near),
                    _ if target.ends_with(b"/") => None,
                    _ => (std::str::from_utf8(target).ok())
                        .and_then(|path| routes.near_file(path))
                        .map(|near| format!("{base_path}{near}")),
                }
                .map(|near| format!("did you mean `{near}`?")),
            };
            let near = near.map_or_else(String::new, |near| format!("; {near}"));
            Diagnostic::warning(format!("link to `{url}` leads to no file of the site: {whose}"))
                .with_hint(format!(
                    "pages' Markdown links are checked as they are built, so this one is in a template (templates/ or the theme's) or in raw HTML: fix it there, or add the file to static/{near}"
                ))
        })
        .collect();
    if missed.len() > MAX_DEAD_LISTED {
        diags.push(Diagnostic::warning(format!(
            "and {} more links to files the site does not have",
            missed.len() - MAX_DEAD_LISTED
        )));
    }
    diags
}

/// The URL of the page that `target`, an output path ending in `.md`,
/// stands for: the page of the source `content/<target>`, or the one
/// nearest it (`runbooks/deploy/rollback.md`, raw HTML's `rollback.md`
/// in that page, is `/runbooks/rollback/`). `None` for other paths.
fn page_meant(routes: &crate::route::Routes, target: &[u8]) -> Option<String> {
    use crate::route::Reference;
    let source = std::str::from_utf8(target)
        .ok()
        .filter(|t| t.ends_with(".md"))?;
    let page_url = |source: &str| match routes.resolve("content/_index.md", source) {
        Reference::Page { url, .. } => Some(url.into_owned()),
        _ => None,
    };
    match routes.resolve("content/_index.md", source) {
        Reference::Page { url, .. } => Some(url.into_owned()),
        // A near source: its page's URL.
        Reference::Missing {
            suggestion: Some(near),
            ..
        } => page_url(&near),
        _ => None,
    }
}

/// Links to missing files named one by one; beyond this, a count.
const MAX_DEAD_LISTED: usize = 10;

/// Orphans named one by one; beyond this, a count.
const MAX_ORPHANS_LISTED: usize = 10;

/// Errors first, then warnings; within each, by file, line and column,
/// and the problems of no one file (a count of orphans beyond those
/// named) after those of files.
fn sorted(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    fn order(d: &Diagnostic) -> (bool, bool, Option<&str>, usize, usize) {
        (
            !d.is_error(),
            d.file.is_none(),
            d.file.as_deref(),
            d.line,
            d.column,
        )
    }
    diags.sort_by(|a, b| order(a).cmp(&order(b)));
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(html: &str, base_path: &str) -> Vec<String> {
        targets_in(html, base_path, "")
    }

    fn targets_in(html: &str, base_path: &str, dir: &str) -> Vec<String> {
        internal_targets(html.as_bytes(), base_path.as_bytes(), dir)
            .map(|t| String::from_utf8(t.into_owned()).unwrap())
            .collect()
    }

    #[test]
    fn a_files_links_are_its_hrefs_under_the_base_path_as_output_paths() {
        let html = r#"<a href="/a/b/#x">1</a> <a href="/a/b/index.html">2</a>
            <a href="/x%20y/?q=1">3</a> <a href="https://example.com/a/">4</a>
            <a href="relative/">5</a> <link href="/folio.css"> <a href="/">home</a>
            <a data-href="/nope/">6</a> <link href="//cdn.example.com/x.css">
            <a href="/unclosed"#;
        assert_eq!(
            targets(html, "/"),
            [
                "a/b/",
                "a/b/index.html",
                "x y/",
                "relative/",
                "folio.css",
                "",
                "nope/"
            ]
        );
        // Relative URLs, read from the file's folder.
        let relative = r##"<a href="../b/#x">1</a> <a href="x%20y.pdf?dl=1">2</a>
            <a href="./">3</a> <a href="../../..">out</a> <a href="mailto:a@b">m</a>
            <a href="#top">t</a> <a href="?tab=2">q</a> <a href="">e</a>
            <a href="tel:123">p</a> <a href="./a:b">4</a> <a href="../../">5</a>"##;
        assert_eq!(
            targets_in(relative, "/", "a/c/"),
            ["a/b/", "a/c/x y.pdf", "a/c/", "a/c/a:b", ""]
        );
        // HTML shown as text is no link.
        let shown = r#"<p><code>&lt;a href="/shown/"&gt;</code> <a class="x" href="/real/">r</a>
            and href="/loose/" <img alt="" src="/img.png"> <code>src="/no.png"</code></p>"#;
        assert_eq!(targets(shown, "/"), ["real/"]);
        let loaded: Vec<_> = loaded_targets(shown.as_bytes(), b"/", "").collect();
        assert_eq!(loaded, [Cow::Borrowed(&b"img.png"[..])]);
        // Under a base path, the same: the folder is an output path.
        assert_eq!(
            targets_in(
                r#"<a href="../b/">1</a><a href="/b/">out</a>"#,
                "/hb/",
                "a/c/"
            ),
            ["a/b/"]
        );
        assert_eq!(
            targets(
                r#"<a href="/handbook/a/">a</a><a href="/a/">out</a>"#,
                "/handbook/"
            ),
            ["a/"]
        );
        // Character references, as Tera, pulldown-cmark and folio write
        // them, are read before the URL is.
        let escaped = r#"<a href="/x&amp;y/">1</a> <a href="/it&#39;s/">2</a>
            <a href="/it&#x27;s/">3</a> <a href="/a&#35;b/#top">4</a>
            <a href="/%C3%9Cber&#x20;uns/">5</a> <a href="/q&nope;/&amp">6</a>"#;
        assert_eq!(
            targets(escaped, "/"),
            ["x&y/", "it's/", "it's/", "a", "Über uns/", "q&nope;/&amp"]
        );
    }

    #[test]
    fn a_files_loads_are_its_src_and_srcset_values_after_a_space() {
        let html = r#"<img src="/images/a.png" srcset="/images/a-480.webp 480w,/images/a%20960.webp  960w">
            <script
              src="/search.js?v=2"></script> <img data-src="/lazy.png" data-srcset="/lazy-2.png 2x">
            <iframe src="https://example.com/x"></iframe><img src="//cdn/x.png">
            <source srcset=" /p/one.webp, /p/two.webp 2x ,, /p/three,,, /p/four.webp 1.5x">
            <img srcset="" src=""> the src of it all <img srcset="/p/five.webp"#;
        let loaded: Vec<String> = loaded_targets(html.as_bytes(), b"/", "")
            .map(|t| String::from_utf8(t.into_owned()).unwrap())
            .collect();
        assert_eq!(
            loaded,
            [
                "images/a.png",
                "images/a-480.webp",
                "images/a 960.webp",
                "search.js",
                "p/one.webp",
                "p/two.webp",
                "p/three",
                "p/four.webp",
            ]
        );
        // Under a base path, only its URLs.
        let html = br#"<img srcset="/docs/a.webp 1x, /elsewhere/b.webp 2x, https://x/c.webp">"#;
        let loaded: Vec<_> = loaded_targets(html, b"/docs/", "").collect();
        assert_eq!(loaded, [Cow::Borrowed(&b"a.webp"[..])]);
    }

    #[test]
    fn a_folders_index_is_named_by_its_folder() {
        assert_eq!(node_key(b"a/b/index.html"), b"a/b/");
        assert_eq!(node_key(b"index.html"), b"");
        assert_eq!(node_key(b"a/b/"), b"a/b/");
        assert_eq!(node_key(b"404.html"), b"404.html");
        assert_eq!(node_key(b"a/myindex.html"), b"a/myindex.html");
    }

    #[test]
    fn the_files_reached_are_those_the_home_pages_links_lead_to() {
        let paths = [
            "index.html",
            "a/index.html",
            "a/p/index.html",
            "a/q/index.html",
            "b/index.html",
            "b/r/index.html",
            "404.html",
            "search-index.js",
        ];
        let graph = LinkGraph::new(paths.into_iter(), std::iter::empty());
        let file = |path: &str, html: &str| graph.add_file(path, html.as_bytes(), "/");
        // The home page links to a section; the section (a listing with
        // no page of its own) to one of its pages, by its file's name.
        file(
            "index.html",
            r#"<a href="/a/#top">A</a><a href="/missing/">?</a><link href="/search-index.js">"#,
        );
        file("a/index.html", r#"<a href="/a/p/index.html">P</a>"#);
        file(
            "a/p/index.html",
            r#"<a href="/a/p/">itself</a><a href="/">home</a>"#,
        );
        // Links from files no one reaches, and from a file that is no page
        // (the search index, which the home page names).
        file(
            "b/index.html",
            r#"<a href="/b/r/">R</a><a href="/a/q/">Q</a>"#,
        );
        file("search-index.js", r#"{"t":"<a href=\"/a/q/\">"}"#);
        let seen = graph.reached_from_home();
        let reached = |path: &str| {
            graph
                .node(path.as_bytes())
                .is_some_and(|n| seen[n as usize])
        };
        for path in ["", "a/", "a/p/", "a/p/index.html", "search-index.js"] {
            assert!(reached(path), "{path}");
        }
        for path in ["a/q/", "b/", "b/r/", "missing/", "404.html"] {
            assert!(!reached(path), "{path}");
        }
        // The one link to a file the site does not have, by its URL.
        file(
            "b/r/index.html",
            r#"<a href="/missing/">?</a><a href="/b/">B</a>"#,
        );
        let dead = dead_site_links(&graph, "/", &crate::route::Routes::default());
        assert_eq!(dead.len(), 1);
        assert_eq!(
            dead[0].message,
            "link to `/missing/` leads to no file of the site: 2 files link to it, `/` first"
        );
    }

    #[test]
    fn problems_of_no_one_file_come_after_those_of_files() {
        let diags = sorted(vec![
            Diagnostic::warning("and 3 more orphan pages"),
            Diagnostic::warning("orphan page").in_file("content/b.md"),
            Diagnostic::warning("orphan page").in_file("content/a.md"),
            Diagnostic::error("no theme"),
            Diagnostic::error("broken link").in_file("content/c.md"),
        ]);
        let order: Vec<(&str, Option<&str>)> = diags
            .iter()
            .map(|d| (d.message.as_str(), d.file.as_deref()))
            .collect();
        assert_eq!(
            order,
            [
                ("broken link", Some("content/c.md")),
                ("no theme", None),
                ("orphan page", Some("content/a.md")),
                ("orphan page", Some("content/b.md")),
                ("and 3 more orphan pages", None),
            ]
        );
    }
}
