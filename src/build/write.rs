//! The pass that parses, renders and writes, and the copying of assets.
//!
//! The I/O edge on the output side. Each regular page is parsed, rendered
//! and handed to the sink by one worker in one go, and only the small facts
//! other pages need (heading ids, links, summary) are kept: the site's HTML
//! is never all in memory, so a large build stays small and its memory is
//! reused from page to page instead of freshly mapped. Section pages, which
//! list their pages' summaries, are rendered once every page is parsed.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::discover::Discovered;
use crate::markdown::{parse, ParseInput, ParsedPage};
use crate::output::Staging;
use crate::render::context::listing_summary;
use crate::render::search;
use crate::render::theme::{AssetData, Theme, ThemeAsset};
use crate::render::{Job, Renderer};
use crate::route::Routes;
use crate::site::{check_anchors, Page, PageId, Site};

use super::sources::SourceDir;
use super::Project;

/// A page after the pass: its parsed facts, its errors, and where its
/// search record went (see [`search::Gather`]).
type Passed = (ParsedPage, Vec<Diagnostic>, Option<search::Span>);

/// Where rendered files go: a build's staging folder, the preview's
/// served folder, or `folio check`'s link collector.
pub trait Sink: Sync {
    /// Takes the whole of the file at `path`.
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Takes a file that `fill` writes in pieces, about `len` bytes long.
    /// The search index goes this way: megabytes, made once per build.
    fn write_with(
        &self,
        path: &str,
        len: usize,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(len);
        fill(&mut bytes)?;
        self.write(path, &bytes)
    }
}

impl<F: Fn(&str, &[u8]) -> io::Result<()> + Sync> Sink for F {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self(path, bytes)
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        Staging::write(self, path, bytes)
    }

    /// Streams the file: a build is a short-lived process, and every page
    /// of a buffer as large as the file would be fresh memory.
    fn write_with(
        &self,
        path: &str,
        _len: usize,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut file = io::BufWriter::with_capacity(256 * 1024, self.create(path)?);
        fill(&mut file)?;
        file.into_inner().map_err(io::IntoInnerError::into_error)?;
        Ok(())
    }
}

/// Pages slower than this to parse get a warning naming the file.
const SLOW_PAGE: Duration = Duration::from_secs(5);

/// Parses, renders and writes every page and copies every asset into
/// `staging`. Warnings go to `project.warnings`; the errors are returned
/// (an empty list means the folder is complete).
pub fn write_all(project: &mut Project, staging: &Staging) -> Vec<Diagnostic> {
    let mut errors = render_site(project, staging);
    errors.extend(copy_assets(
        staging,
        &project.found,
        &project.theme,
        &project.routes,
    ));
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

/// Parses every page and renders every file of the site, handing each to
/// `sink` (which writes it). Afterwards the site holds every page's parsed
/// facts, and its HTML only for section index pages. Warnings go to
/// `project.warnings`; the errors are returned, one per template error.
pub fn render_site(project: &mut Project, sink: &impl Sink) -> Vec<Diagnostic> {
    let held = take_held(&mut project.site);
    let renderer = project.renderer();
    let sources = SourceDir::open(&project.opts.root);
    let searched = renderer.uses_search();
    let search_text = searched && project.config.search_text;
    let gather = search::Gather::new(if searched {
        project.site.pages.len()
    } else {
        0
    });
    let trails = searched.then(|| search::Trails::new(&project.site));
    let pagination_warnings = renderer.pagination_warnings();
    let parsed: Vec<Passed> = project
        .site
        .pages
        .par_iter()
        .zip(held)
        .enumerate()
        .map_init(Vec::new, |buf, (i, (page, held))| {
            let mut parsed = parse_page(page, held, &project.routes, &sources, search_text);
            // Made now: the table of contents is dropped once written.
            let record = trails.as_ref().map(|trails| {
                gather.add(&search::record(
                    &project.site,
                    trails,
                    PageId(i as u32),
                    &mut parsed,
                ))
            });
            let mut errors = Vec::new();
            if !page.is_index {
                buf.clear();
                let (path, _) = Job::page_file(&project.site, PageId(i as u32));
                match renderer.render_page(PageId(i as u32), &parsed, buf) {
                    Ok(()) => {
                        errors.extend(sink.write(&path, buf).err().map(|e| write_error(&path, &e)))
                    }
                    Err(d) => errors = d,
                }
                forget_written(&mut parsed);
            }
            (parsed, errors, record)
        })
        .collect();
    // Its sidebars (one per section) are not needed again: the pass below
    // makes its own renderer, which has the search records.
    drop(renderer);
    project.warnings.extend(pagination_warnings);
    let mut errors = Vec::new();
    let mut spans = Vec::with_capacity(if searched { parsed.len() } else { 0 });
    let preview = project.opts.preview;
    let mut sort = |d: Diagnostic, errors: &mut Vec<Diagnostic>| {
        let d = d.for_preview(preview);
        if d.is_error() {
            errors.push(d);
        } else {
            project.warnings.push(d);
        }
    };
    for (page, (mut parsed, render_errors, record)) in project.site.pages.iter_mut().zip(parsed) {
        spans.extend(record);
        for d in std::mem::take(&mut parsed.diagnostics) {
            sort(d, &mut errors);
        }
        errors.extend(render_errors);
        page.set_parsed(parsed);
    }
    for d in check_anchors(&project.site) {
        sort(d, &mut errors);
    }
    project.search = gather.finish(spans);
    let renderer = project.renderer();
    let jobs = renderer.jobs_besides_pages();
    errors.extend(render_each(&renderer, &jobs, sink));
    dedupe(errors)
}

/// Lets go of what a regular page's file needed once written: only section
/// pages need a page's HTML and table of contents again, and listings only
/// the start of its summary. Kept, they were a third of peak memory.
pub(super) fn forget_written(parsed: &mut ParsedPage) {
    parsed.html = String::new();
    parsed.toc = Vec::new();
    listing_summary(&mut parsed.summary);
}

/// Parses every page without rendering (when the site cannot be rendered,
/// to report every page's problems anyway); returns their diagnostics.
pub(super) fn parse_all(
    site: &mut Site,
    routes: &Routes,
    root: &Path,
    preview: bool,
) -> Vec<Diagnostic> {
    let sources = SourceDir::open(root);
    let held = take_held(site);
    let parsed: Vec<ParsedPage> = site
        .pages
        .par_iter()
        .zip(held)
        .map(|(page, held)| parse_page(page, held, routes, &sources, false))
        .collect();
    let mut diags = Vec::new();
    for (page, mut parsed) in site.pages.iter_mut().zip(parsed) {
        diags.append(&mut parsed.diagnostics);
        page.set_parsed(parsed);
    }
    diags.extend(check_anchors(site));
    diags.into_iter().map(|d| d.for_preview(preview)).collect()
}

/// Takes the whole text of every page the load stage held, leaving each
/// its front matter: the parse pass then lets go of each text as soon as
/// its page is parsed, so held pages do not all stay in memory to the
/// end of the pass (at 10,000 pages the peak went from 115 to 106 MiB,
/// and from 133 to 121 MiB with the default theme). `None` for a page
/// that was not held.
fn take_held(site: &mut Site) -> Vec<Option<String>> {
    site.pages
        .iter_mut()
        .map(|page| {
            (page.text.len() > page.body_start).then(|| {
                let whole = std::mem::take(&mut page.text);
                page.text = whole[..page.body_start].to_owned();
                whole
            })
        })
        .collect()
}

/// Parses one page's body (its whole text `held`, or else read again),
/// warning when that took suspiciously long.
pub(super) fn parse_page(
    page: &Page,
    held: Option<String>,
    routes: &Routes,
    sources: &SourceDir,
    search_words: bool,
) -> ParsedPage {
    let started = Instant::now();
    let text = match body_text(page, held, sources) {
        Ok(t) => t,
        Err(d) => {
            return ParsedPage {
                diagnostics: vec![d],
                ..ParsedPage::default()
            }
        }
    };
    let input = ParseInput {
        source: &page.source,
        body: text.get(page.body_start..).unwrap_or(""),
        body_line: page.body_line as usize,
        search_words,
    };
    let mut parsed = parse(input, routes);
    let took = started.elapsed();
    if took > SLOW_PAGE {
        parsed.diagnostics.push(
            Diagnostic::warning(format!("page took {:.1} s to parse", took.as_secs_f64()))
                .in_file(page.source.clone())
                .with_hint(
                    "it may contain pathological Markdown (e.g. thousands of unclosed brackets)",
                ),
        );
    }
    parsed
}

/// The page's text with its body: `held`, the whole text the load stage
/// kept, or else the file read again. Past a budget a build keeps only the
/// front matter of each page between loading and this pass (so its memory
/// does not grow with the site); the page must not have changed in
/// between, or line numbers and front matter would disagree.
fn body_text(page: &Page, held: Option<String>, sources: &SourceDir) -> Result<String, Diagnostic> {
    if let Some(text) = held {
        return Ok(text);
    }
    let changed = || {
        Diagnostic::error("the file changed while folio was building it")
            .in_file(page.source.clone())
            .with_hint("build again (`folio serve` does so by itself)")
    };
    let bytes = sources
        .read(&page.source, Some(page.file_len as usize))
        .map_err(|_| changed())?;
    // The load stage read most pages only up to their body: the rest is
    // checked here, with the same errors.
    let mut found = Vec::new();
    let Some(text) = crate::load::decode(&page.source, bytes, &mut found) else {
        return Err(found
            .into_iter()
            .find(Diagnostic::is_error)
            .unwrap_or_else(|| {
                Diagnostic::error("binary data (a NUL byte) in a Markdown page")
                    .in_file(page.source.clone())
                    .with_hint("move the file out of content/ or rename it")
            }));
    };
    if !text.starts_with(page.text.as_str()) {
        return Err(changed());
    }
    Ok(text)
}

/// Renders `jobs` in parallel and hands each result to `sink` (which writes
/// it); returns the problems, one per template error.
pub fn render_jobs(
    renderer: &Renderer<'_>,
    jobs: &[(String, Job)],
    sink: &impl Sink,
) -> Vec<Diagnostic> {
    dedupe(render_each(renderer, jobs, sink))
}

fn render_each(
    renderer: &Renderer<'_>,
    jobs: &[(String, Job)],
    sink: &impl Sink,
) -> Vec<Diagnostic> {
    jobs.par_iter()
        .map_init(Vec::new, |buf, (path, job)| {
            let written = if *job == Job::SearchIndex {
                let len = renderer.search_index_len();
                sink.write_with(path, len, &mut |out| renderer.write_search_index(out))
            } else {
                buf.clear();
                renderer.render(*job, buf)?;
                sink.write(path, buf)
            };
            written.map_err(|e| vec![write_error(path, &e)])
        })
        .filter_map(Result::err)
        .flatten()
        .collect()
}

/// Copies the theme's files and the site's (after the pages: a site file
/// at a page's path is the one refused, and named).
fn copy_assets(
    staging: &Staging,
    found: &Discovered,
    theme: &Theme,
    routes: &Routes,
) -> Vec<Diagnostic> {
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
            let rel = crate::route::site_file_out(&f.rel);
            staging.copy(rel, &f.abs).map_err(|e| {
                match routes.page_at(rel) {
                    Some(page) if e.kind() == io::ErrorKind::AlreadyExists => {
                        over_page(&f.rel, rel, &page)
                    }
                    _ => write_error(rel, &e),
                }
                .in_file(f.rel.clone())
            })
        });
    theme_files
        .chain(site_files)
        .filter_map(Result::err)
        .collect()
}

/// The output paths of every file [`write_all`] copies rather than
/// renders: the theme's static files (under both names, see
/// [`write_twice`]), the site's other files, featured-image variants.
pub fn copied_files(project: &Project) -> impl Iterator<Item = &str> {
    let theme = (project.theme.assets.iter()).flat_map(|a| [a.out_rel.as_str(), a.rel.as_str()]);
    let site = (project.found.assets.iter())
        .chain(&project.found.statics)
        .map(|f| crate::route::site_file_out(&f.rel));
    let variants = project.variants.iter().map(|v| v.out_rel.as_str());
    theme.chain(site).chain(variants)
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

/// The error for the site's file `file` (in `static/` or `content/`),
/// whose output path `rel` is where folio writes the page of `page` (a
/// source, or a section's folder).
fn over_page(file: &str, rel: &str, page: &str) -> Diagnostic {
    let whose = if page.ends_with('/') {
        format!("the page of the section `{page}`")
    } else {
        format!("the page of `{page}`")
    };
    Diagnostic::error(format!(
        "`{file}` would be written at `{rel}`, where {whose} goes"
    ))
    .with_hint("rename or move the file: pages take their paths from content/, and go first")
}

fn write_error(rel: &str, e: &std::io::Error) -> Diagnostic {
    if e.kind() == io::ErrorKind::AlreadyExists {
        // The staging folder starts empty: two of the site's files, or one
        // and a file folio makes, share an output path.
        return Diagnostic::error(format!("two files would be written to `{rel}`")).with_hint(
            "rename or move the file of static/ or content/ with that path: it would take the place of a page or of a file folio writes itself (the search index, 404.html, the theme's files)",
        );
    }
    if e.kind() == io::ErrorKind::InvalidFilename {
        // ENAMETOOLONG: a `slug` or alias past the file system's 255 bytes
        // is refused where it is written; this is any other way there.
        return Diagnostic::error(format!("cannot write `{rel}`: {e}")).with_hint(
            "a part of that path is longer than the file system allows (255 bytes): shorten the file or folder name, slug or alias it comes from",
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn the_body_is_read_again_and_a_changed_file_is_refused() {
        let text = "---\ntitle: A\n---\n# Body\n";
        let (site, _) = crate::site::test_site(&[("content/a.md", text)]);
        let mut page = site.pages[0].clone();
        page.text.truncate(page.body_start);
        let nowhere = SourceDir::open(Path::new("/nowhere"));
        assert_eq!(
            body_text(&page, Some(text.to_string()), &nowhere).unwrap(),
            text,
            "held"
        );
        let root = tempfile::tempdir().unwrap();
        fs::create_dir_all(root.path().join("content")).unwrap();
        fs::write(
            root.path().join("content/a.md"),
            "---\r\ntitle: A\r\n---\r\n# New body\r\n",
        )
        .unwrap();
        let sources = SourceDir::open(root.path());
        let read = body_text(&page, None, &sources).unwrap();
        assert_eq!(
            &read[page.body_start..],
            "# New body\n",
            "normalised like the first read"
        );
        fs::write(root.path().join("content/a.md"), "---\ntitle: B\n---\n").unwrap();
        let err = body_text(&page, None, &sources).unwrap_err();
        assert!(err.message.contains("changed while folio was building"));
        fs::remove_file(root.path().join("content/a.md")).unwrap();
        assert!(body_text(&page, None, &sources).is_err());
    }
}
