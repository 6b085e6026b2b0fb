//! Rendering every page and copying every asset into an output folder.
//!
//! The I/O edge on the output side: pages are rendered and written in
//! parallel, one reusable buffer per worker.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::discover::Discovered;
use crate::output::Staging;
use crate::render::theme::{AssetData, Theme, ThemeAsset};
use crate::render::{Job, Renderer};

use super::Project;

/// Renders every page and copies every asset into `staging`; returns the
/// problems (an empty list means the folder is complete).
pub fn write_all(project: &Project, staging: &Staging) -> Vec<Diagnostic> {
    let renderer = project.renderer();
    let jobs = renderer.jobs();
    let mut errors = render_jobs(&renderer, &jobs, |path, bytes| staging.write(path, bytes));
    errors.extend(copy_assets(staging, &project.found, &project.theme));
    errors.extend(
        project
            .variants
            .par_iter()
            .filter_map(|v| {
                staging
                    .copy(&v.out_rel, &v.cached)
                    .err()
                    .map(|e| write_error(&v.out_rel, &e))
            })
            .collect::<Vec<_>>(),
    );
    errors
}

/// Renders `jobs` in parallel and hands each result to `sink` (which writes
/// it); returns the problems, one per template error.
pub fn render_jobs(
    renderer: &Renderer<'_>,
    jobs: &[(String, Job)],
    sink: impl Fn(&str, &[u8]) -> std::io::Result<()> + Sync,
) -> Vec<Diagnostic> {
    let errors: Vec<Diagnostic> = jobs
        .par_iter()
        .map_init(Vec::new, |buf, (path, job)| {
            buf.clear();
            renderer.render(*job, buf)?;
            sink(path, buf).map_err(|e| vec![write_error(path, &e)])
        })
        .filter_map(Result::err)
        .flatten()
        .collect();
    dedupe(errors)
}

fn copy_assets(staging: &Staging, found: &Discovered, theme: &Theme) -> Vec<Diagnostic> {
    let theme_files = theme.assets.par_iter().map(|a| {
        let r = match &a.data {
            AssetData::Embedded(bytes) => write_twice(staging, a, bytes),
            AssetData::Owned(bytes) => write_twice(staging, a, bytes),
            AssetData::File(path) => staging.copy(&a.out_rel, path),
        };
        r.map_err(|e| write_error(&a.rel, &e))
    });
    let site_files = found
        .assets
        .par_iter()
        .chain(found.statics.par_iter())
        .map(|f| {
            let rel = f
                .rel
                .strip_prefix("content/")
                .or_else(|| f.rel.strip_prefix("static/"))
                .unwrap_or(&f.rel);
            staging
                .copy(rel, &f.abs)
                .map_err(|e| write_error(rel, &e).in_file(f.rel.clone()))
        });
    theme_files
        .chain(site_files)
        .filter_map(Result::err)
        .collect()
}

/// Fingerprinted assets are written under both names: the hashed one that
/// `assets[...]` points at, and the plain one for templates that link it
/// directly.
fn write_twice(staging: &Staging, asset: &ThemeAsset, bytes: &[u8]) -> std::io::Result<()> {
    staging.write(&asset.out_rel, bytes)?;
    if asset.out_rel != asset.rel {
        staging.write(&asset.rel, bytes)?;
    }
    Ok(())
}

fn write_error(rel: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write `{rel}`: {e}"))
        .with_hint("check free disk space and permissions; the previous output was left as it was")
}

/// One template error breaks every page using the template: report it
/// once, saying how many pages it affected.
fn dedupe(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    type Place = (Option<String>, usize, usize, String);
    let mut by_place: BTreeMap<Place, (Diagnostic, usize)> = BTreeMap::new();
    for d in diags {
        let message = d
            .message
            .split(" (while rendering")
            .next()
            .unwrap_or(&d.message)
            .to_string();
        let key = (d.file.clone(), d.line, d.column, message);
        by_place.entry(key).or_insert((d, 0)).1 += 1;
    }
    by_place
        .into_values()
        .map(|(mut d, n)| {
            if n > 1 {
                d.message.push_str(&format!(" (and {} more pages)", n - 1));
            }
            d
        })
        .collect()
}
