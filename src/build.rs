//! The build driver: runs the pipeline stages in order over a site folder.
//!
//! This is the I/O edge: it reads the config, theme and sources, hands
//! plain data to the pure stages, and writes the result through
//! [`crate::output::Staging`]. Every problem is collected; nothing is
//! written unless the whole site built without errors.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{normalize_base_url, Config, CONFIG_FILE};
use crate::diagnostic::Diagnostic;
use crate::discover::{discover, Discovered};
use crate::load::{load_page, LoadedPage};
use crate::markdown::{parse, ParseInput, ParsedPage};
use crate::output::{check_out_dir, Staging};
use crate::render::theme::{
    embedded_theme, AssetData, TemplateSource, Theme, ThemeAsset, EMBEDDED_THEME,
};
use crate::render::{Renderer, Templates};
use crate::route::{RouteRequest, Routes};
use crate::site::{assemble, AssembleInput, Site};

/// Pages slower than this to parse get a warning naming the file.
const SLOW_PAGE: Duration = Duration::from_secs(5);

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Site root (holds `content/`, `folio.toml`, …).
    pub root: PathBuf,
    /// Output folder.
    pub out: PathBuf,
    /// Include pages with `draft: true`.
    pub drafts: bool,
    /// Overrides `base_url` from folio.toml.
    pub base_url: Option<String>,
    /// Sets `folio.live_reload` for templates.
    pub live_reload: bool,
}

/// A successful build.
#[derive(Debug)]
pub struct BuildReport {
    /// Regular pages written.
    pub pages: usize,
    /// Sections written (including the home page).
    pub sections: usize,
    /// Warnings found.
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time of the build.
    pub elapsed: Duration,
    /// Where the site was written.
    pub out: PathBuf,
    /// Wall time of each stage, in order.
    pub stages: Vec<(&'static str, Duration)>,
}

/// Records how long each stage took.
#[derive(Debug, Default)]
struct StageClock {
    last: Option<Instant>,
    stages: Vec<(&'static str, Duration)>,
}

impl StageClock {
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        let since = self.last.map_or(Duration::ZERO, |l| now - l);
        self.stages.push((stage, since));
        self.last = Some(now);
    }
}

/// Why a build failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The site has problems (exit code 1).
    Content,
    /// Usage or environment: unreadable folder, refused output (exit code 2).
    Environment,
}

/// A failed build, with everything found.
#[derive(Debug)]
pub struct BuildFailure {
    /// Content or environment.
    pub kind: FailureKind,
    /// Errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildFailure {
    fn environment(d: Diagnostic) -> Self {
        BuildFailure {
            kind: FailureKind::Environment,
            diagnostics: vec![d],
        }
    }
}

/// Builds the site described by `opts`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let mut clock = StageClock {
        last: Some(started),
        stages: Vec::new(),
    };
    let root = &opts.root;
    if !root.join("content").is_dir() {
        return Err(BuildFailure::environment(
            Diagnostic::error(format!("no content/ folder in `{}`", root.display()))
                .with_hint("run folio in a site folder, or pass --root DIR"),
        ));
    }
    check_out_dir(root, &opts.out).map_err(BuildFailure::environment)?;
    let mut diags = Vec::new();
    let mut config = read_config(root, &mut diags).map_err(BuildFailure::environment)?;
    if let Some(url) = &opts.base_url {
        config.base_url = normalize_base_url(url);
    }
    let templates = load_templates(root, &config, &mut diags);
    clock.lap("config and templates");
    let (found, d) = discover(root);
    clock.lap("discover");
    diags.extend(d);
    let site = build_site(root, &config, &found, opts.drafts, &mut diags, &mut clock);
    let (Some((templates, theme)), false) = (templates, diags.iter().any(Diagnostic::is_error))
    else {
        return Err(BuildFailure {
            kind: FailureKind::Content,
            diagnostics: diags,
        });
    };
    let assets = theme.asset_urls(&config.base_path());
    let renderer = Renderer::new(templates, &site, &config, &assets, opts.live_reload);
    let staging = write_site(&renderer, &found, &theme, &opts.out, &mut diags)?;
    clock.lap("render and write");
    let out = staging.commit().map_err(BuildFailure::environment)?;
    clock.lap("swap in");
    Ok(BuildReport {
        pages: site.pages.iter().filter(|p| !p.is_index).count(),
        sections: site.sections.len(),
        diagnostics: diags,
        elapsed: started.elapsed(),
        out,
        stages: clock.stages,
    })
}

fn read_config(root: &Path, diags: &mut Vec<Diagnostic>) -> Result<Config, Diagnostic> {
    let path = root.join(CONFIG_FILE);
    if !path.exists() {
        return Ok(Config::default());
    }
    let text = fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(format!("cannot read {CONFIG_FILE}: {e}")).in_file(CONFIG_FILE)
    })?;
    let (config, d) = Config::parse(&text);
    diags.extend(d);
    Ok(config)
}

/// Loads, parses and assembles every page.
fn build_site(
    root: &Path,
    config: &Config,
    found: &Discovered,
    drafts: bool,
    diags: &mut Vec<Diagnostic>,
    clock: &mut StageClock,
) -> Site {
    let loaded: Vec<(String, Option<LoadedPage>, Vec<Diagnostic>)> = found
        .pages
        .par_iter()
        .map(|f| {
            let mut d = Vec::new();
            let page = match fs::read(&f.abs) {
                Ok(bytes) => load_page(&f.rel, &bytes, &mut d),
                Err(e) => {
                    d.push(Diagnostic::error(format!("cannot read: {e}")).in_file(f.rel.clone()));
                    None
                }
            };
            (f.rel.clone(), page, d)
        })
        .collect();
    let mut pages = Vec::with_capacity(loaded.len());
    let mut failed = Vec::new();
    for (source, page, d) in loaded {
        diags.extend(d);
        match page {
            Some(p) if p.front.draft && !drafts => {}
            Some(p) => pages.push(p),
            None => failed.push(source),
        }
    }
    let mut requests: Vec<RouteRequest<'_>> = pages
        .iter()
        .map(|p| RouteRequest {
            source: &p.source,
            slug: p.front.slug.as_ref().map(|(s, l)| (s.as_str(), *l)),
            aliases: &p.front.aliases,
        })
        .collect();
    requests.extend(failed.iter().map(|s| RouteRequest {
        source: s,
        slug: None,
        aliases: &[],
    }));
    clock.lap("load");
    let assets = found.assets.iter().map(|a| a.rel.clone());
    let (routes, d) = Routes::plan(&config.base_path(), &requests, assets);
    diags.extend(d);
    let parsed: Vec<(LoadedPage, ParsedPage)> = pages
        .into_par_iter()
        .map(|page| {
            let started = Instant::now();
            let mut parsed = parse(ParseInput { source: &page.source, body: page.body(), body_line: page.body_line }, &routes);
            let took = started.elapsed();
            if took > SLOW_PAGE {
                parsed.diagnostics.push(
                    Diagnostic::warning(format!("page took {:.1} s to parse", took.as_secs_f64()))
                        .in_file(page.source.clone())
                        .with_hint("it may contain pathological Markdown (e.g. thousands of unclosed brackets)"),
                );
            }
            (page, parsed)
        })
        .collect();
    for (_, p) in &parsed {
        diags.extend(p.diagnostics.iter().cloned());
    }
    clock.lap("parse");
    let (mut site, d) = assemble(AssembleInput {
        pages: parsed,
        routes: &routes,
    });
    diags.extend(d);
    read_featured_sizes(root, &mut site, diags);
    clock.lap("assemble");
    site
}

/// Reads the pixel size of every local featured image (once per file).
fn read_featured_sizes(root: &Path, site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let files: BTreeSet<&str> = site
        .pages
        .iter()
        .filter_map(|p| p.featured.as_ref()?.path.as_deref())
        .collect();
    let sizes: HashMap<String, Result<(u32, u32), String>> = files
        .into_par_iter()
        .map(|f| (f.to_string(), image_size(&root.join(f))))
        .collect();
    for page in &mut site.pages {
        let Some(featured) = &mut page.featured else {
            continue;
        };
        let Some(path) = &featured.path else { continue };
        match &sizes[path] {
            Ok(size) => featured.size = Some(*size),
            Err(e) => {
                let line = page.front.featured.as_ref().map_or(0, |(_, l)| *l);
                diags.push(
                    Diagnostic::error(format!("featured image `{path}` cannot be read: {e}"))
                        .in_file(page.source.clone())
                        .at_line(line, 1)
                        .with_hint("use a PNG, JPEG, GIF or WebP file"),
                );
            }
        }
    }
}

/// Width and height of an image file, reading only its header.
pub fn image_size(path: &Path) -> Result<(u32, u32), String> {
    image::ImageReader::open(path)
        .map_err(|e| e.to_string())?
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .into_dimensions()
        .map_err(|e| e.to_string())
}

/// Loads the theme and site templates and compiles them.
fn load_templates(
    root: &Path,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Templates, Theme)> {
    let theme_dir = root.join("themes").join(&config.theme);
    let theme = if theme_dir.is_dir() {
        Theme {
            templates: read_templates(root, &theme_dir.join("templates"), diags),
            assets: read_assets(root, &theme_dir.join("static"), diags),
        }
    } else if config.theme == EMBEDDED_THEME {
        embedded_theme()
    } else {
        diags.push(
            Diagnostic::error(format!(
                "theme `{}` not found (looked in themes/{0}/)",
                config.theme
            ))
            .in_file(CONFIG_FILE)
            .with_hint(format!(
                "use `theme = \"{EMBEDDED_THEME}\"` (built in) or add the theme folder"
            )),
        );
        return None;
    };
    let site_templates = read_templates(root, &root.join("templates"), diags);
    match Templates::compile(&theme, &site_templates) {
        Ok(t) => Some((t, theme)),
        Err(d) => {
            diags.extend(d);
            None
        }
    }
}

fn read_templates(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<TemplateSource> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file()
            || crate::discover::is_ignored_name(&entry.file_name().to_string_lossy())
        {
            continue;
        }
        let display = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let name = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        match fs::read_to_string(entry.path()) {
            Ok(text) => out.push(TemplateSource {
                name,
                display_path: display,
                text,
            }),
            Err(e) => {
                diags.push(Diagnostic::error(format!("cannot read template: {e}")).in_file(display))
            }
        }
    }
    out
}

fn read_assets(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<ThemeAsset> {
    let mut assets = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        match ThemeAsset::from_file(rel, entry.path().to_path_buf()) {
            Ok(a) => assets.push(a),
            Err(e) => {
                let shown = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(entry.path())
                    .display()
                    .to_string();
                diags
                    .push(Diagnostic::error(format!("cannot read theme file: {e}")).in_file(shown));
            }
        }
    }
    assets
}

/// Renders and writes every page and copies assets into a staging folder,
/// then swaps it in.
fn write_site(
    renderer: &Renderer<'_>,
    found: &Discovered,
    theme: &Theme,
    out: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Result<Staging, BuildFailure> {
    let staging = Staging::begin(out).map_err(BuildFailure::environment)?;
    let jobs = renderer.jobs();
    let render_errors: Vec<Diagnostic> = jobs
        .par_iter()
        .map_init(Vec::new, |buf, (path, job)| {
            buf.clear();
            renderer.render(*job, buf)?;
            staging
                .write(path, buf)
                .map_err(|e| vec![write_error(path, &e)])
        })
        .filter_map(Result::err)
        .flatten()
        .collect();
    let mut errors = dedupe(render_errors);
    errors.extend(copy_assets(&staging, found, theme));
    if !errors.is_empty() {
        staging.abort();
        diags.extend(errors);
        return Err(BuildFailure {
            kind: FailureKind::Content,
            diagnostics: std::mem::take(diags),
        });
    }
    Ok(staging)
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
