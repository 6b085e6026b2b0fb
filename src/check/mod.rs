//! `folio check`: everything a build verifies, without writing the site,
//! plus the checks only worth running in CI (external links).
//!
//! It loads the project exactly as `folio build` does (so the two agree on
//! what is an error) and renders every page into nothing, which catches
//! template errors too.

pub mod external;

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::build::{render_jobs, BuildFailure, BuildOptions, FailureKind, Project};
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
    /// Pages checked.
    pub pages: usize,
    /// External links checked (0 without `--external`).
    pub external_links: usize,
    /// Every problem, errors first.
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time.
    #[serde(skip)]
    pub elapsed: Duration,
}

impl CheckReport {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
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
        live_reload: false,
    };
    let project = match Project::load(&build) {
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
    let renderer = project.renderer();
    let jobs = renderer.jobs();
    let mut diagnostics = project.warnings.clone();
    diagnostics.extend(render_jobs(&renderer, &jobs, |_, _| Ok(())));
    let mut external_links = 0;
    if let Some(ext) = &opts.external {
        let links: Vec<(String, crate::markdown::PageLink)> = project
            .site
            .pages
            .iter()
            .flat_map(|p| {
                p.parsed
                    .external_links
                    .iter()
                    .map(|l| (p.source.clone(), l.clone()))
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

fn sorted(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort_by(|a, b| {
        (!a.is_error(), &a.file, a.line, a.column).cmp(&(!b.is_error(), &b.file, b.line, b.column))
    });
    diags
}
