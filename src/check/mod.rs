//! `folio check`: everything a build verifies, without writing the site,
//! plus the checks only worth running in CI (external links).
//!
//! It loads the project exactly as `folio build` does (so the two agree on
//! what is an error) and renders every page into nothing, which catches
//! template errors too.

pub mod external;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
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
    let base_path = project.config.base_path();
    let links = std::sync::Mutex::new(HashMap::new());
    let errors = render_site(&mut project, &|path: &str, html: &[u8]| {
        let targets = internal_targets(&String::from_utf8_lossy(html), &base_path);
        links
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .insert(path.to_string(), targets);
        Ok(())
    });
    let mut diagnostics = project.warnings.clone();
    diagnostics.extend(errors);
    diagnostics.extend(orphans(&project, &links.into_inner().unwrap_or_default()));
    let mut external_links = 0;
    if let Some(ext) = &opts.external {
        let links: Vec<(String, crate::markdown::PageLink)> = project
            .site
            .pages
            .iter()
            .filter(|p| !p.parsed.external_links.is_empty())
            .flat_map(|p| {
                external_links_of(&opts.root, p)
                    .into_iter()
                    .map(|l| (p.source.clone(), l))
            })
            .collect();
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

/// A page's external links with their lines. The build kept only their
/// offsets in the body, so the page is read again; if it cannot be, the
/// links are still checked, without a line.
fn external_links_of(
    root: &std::path::Path,
    page: &crate::site::Page,
) -> Vec<crate::markdown::PageLink> {
    let links = &page.parsed.external_links;
    let text = std::fs::read(root.join(&page.source))
        .ok()
        .and_then(|bytes| crate::load::load_page(&page.source, bytes, &mut Vec::new()));
    match text {
        Some(loaded) => crate::markdown::locate_links(loaded.body(), loaded.body_line, links),
        None => crate::markdown::locate_links("", 1, links),
    }
}

/// Output paths (`a/b/index.html`) that a rendered page links to.
pub fn internal_targets(html: &str, base_path: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        rest = &rest[i + 6..];
        let Some(end) = rest.find('"') else { break };
        let href = &rest[..end];
        rest = &rest[end..];
        let Some(path) = href.strip_prefix(base_path) else {
            continue;
        };
        let path = path.split(['#', '?']).next().unwrap_or("");
        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        targets.push(if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.into_owned()
        });
    }
    targets
}

/// Pages no reader can reach: not linked, directly or through other pages,
/// from the home page by the rendered site's links and navigation.
fn orphans(project: &Project, links: &HashMap<String, Vec<String>>) -> Vec<Diagnostic> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut todo = vec!["index.html"];
    while let Some(path) = todo.pop() {
        if !seen.insert(path) {
            continue;
        }
        if let Some(targets) = links.get(path) {
            todo.extend(
                targets
                    .iter()
                    .map(String::as_str)
                    .filter(|t| !seen.contains(t)),
            );
        }
    }
    let orphans: Vec<&str> = project
        .site
        .pages
        .iter()
        .filter(|p| {
            let out = if p.is_index {
                &project.site.section(p.section).route.dir
            } else {
                &p.route.dir
            };
            !seen.contains(format!("{out}index.html").as_str())
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

/// Orphans named one by one; beyond this, a count.
const MAX_ORPHANS_LISTED: usize = 10;

fn sorted(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort_by(|a, b| {
        (!a.is_error(), &a.file, a.line, a.column).cmp(&(!b.is_error(), &b.file, b.line, b.column))
    });
    diags
}
