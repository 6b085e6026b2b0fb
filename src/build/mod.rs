//! The build driver: runs the pipeline stages in order over a site folder.
//!
//! This is the I/O edge: it reads the config, theme and sources, hands
//! plain data to the pure stages, and writes the result through
//! [`crate::output::Staging`]. Every problem is collected; nothing is
//! written unless the whole site built without errors.

mod images;
#[cfg(test)]
mod random_sites;
mod reshow;
mod sizes;
mod sources;
mod stamps;
mod update;
mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{normalize_base_url, Config};
use crate::diagnostic::Diagnostic;
use crate::discover::{discover, Discovered};
use crate::load::{load_front, load_head, load_page, Head, LoadedPage};
use crate::output::{check_out_dir, Staging};
use crate::render::theme::{Theme, ThemeAsset};
use crate::render::{missing_templates, sitemap, Renderer, Templates};
use crate::route::{RouteRequest, Routes};
use crate::site::{assemble, AssembleInput, Site};
pub use reshow::Reshown;
pub use sizes::image_size;
pub(crate) use sources::read_config;
pub use update::PageUpdate;
pub use write::{copied_files, render_jobs, render_site, write_all};

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
    /// Built for `folio serve`: templates see `folio.live_reload`, theme
    /// assets keep their plain names, and a link that leads nowhere is a
    /// warning (the author may be about to write the page it names).
    pub preview: bool,
    /// Warnings fail the build like errors (nothing is written).
    pub strict: bool,
}

#[cfg(test)]
impl BuildOptions {
    /// The options `folio serve` builds the site at `root` with (for
    /// tests; the command line makes them in `cli`).
    pub(crate) fn preview_of(root: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            out: root.join("public"),
            drafts: false,
            base_url: None,
            preview: true,
            strict: false,
        }
    }
}

/// A successful build.
#[derive(Debug)]
pub struct BuildReport {
    /// Regular pages written.
    pub pages: usize,
    /// Sections written (including the home page).
    pub sections: usize,
    /// Draft pages left out (built with `--drafts`, none are).
    pub drafts_left_out: usize,
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
    /// A failure caused by the environment, not the content.
    pub fn environment(d: Diagnostic) -> Self {
        BuildFailure {
            kind: FailureKind::Environment,
            diagnostics: vec![d],
        }
    }
}

/// A site loaded into memory: everything a build knows before it writes.
///
/// Loading reads every page and its front matter and assembles the site,
/// keeping only the front matter: [`write_all`] (or [`render_site`]) reads
/// each file again, then parses, renders and writes it in one parallel
/// pass, so neither a large site's Markdown nor its HTML is ever all in
/// memory at once. `folio
/// build` loads a project once and writes it; `folio serve` keeps it
/// between changes and updates parts of it.
pub struct Project {
    /// The options it was loaded with.
    pub opts: BuildOptions,
    /// Site configuration (with `--base-url` applied).
    pub config: Config,
    /// The theme (templates' sources and static files).
    pub theme: Theme,
    /// Compiled templates, globals set.
    pub templates: Templates,
    /// Files found under the site root.
    pub found: Discovered,
    /// Every page's URL.
    pub routes: Routes,
    /// The site model.
    pub site: Site,
    /// Featured-image variants to copy into the output.
    pub variants: Vec<images::VariantFile>,
    /// Each page's search record, by page (empty when no template links
    /// the search index).
    pub search: crate::render::search::Records,
    /// Warnings found while loading.
    pub warnings: Vec<Diagnostic>,
    /// Wall time of each stage.
    pub stages: Vec<(&'static str, Duration)>,
}

impl Project {
    /// Reads and builds the whole site in memory. Fails with every problem
    /// found when the site has errors.
    pub fn load(opts: &BuildOptions) -> Result<Project, BuildFailure> {
        let mut clock = StageClock {
            last: Some(Instant::now()),
            stages: Vec::new(),
        };
        let root = &opts.root;
        if !root.join("content").is_dir() {
            return Err(BuildFailure::environment(
                Diagnostic::error(format!("no content/ folder in `{}`", root.display()))
                    .with_hint("run folio in a site folder, or pass --root DIR"),
            ));
        }
        let mut diags = Vec::new();
        let mut config = sources::read_config(root, opts.base_url.is_none(), &mut diags)
            .map_err(BuildFailure::environment)?;
        if let Some(url) = &opts.base_url {
            if let Some(d) = crate::config::base_url_problem(url) {
                diags.push(Diagnostic {
                    message: format!("{} (from --base-url)", d.message),
                    ..d
                });
            }
            config.base_url = normalize_base_url(url);
        }
        let templates = sources::load_templates(root, &config, opts.preview, &mut diags);
        sources::seed_highlight_cache(root);
        clock.lap("config and templates");
        let (found, d) = discover(root);
        clock.lap("discover");
        diags.extend(d);
        let (mut site, routes) =
            build_site(root, &config, &found, opts.drafts, &mut diags, &mut clock);
        if let Some((templates, _)) = &templates {
            diags.extend(missing_templates(&site, templates));
        }
        let (Some((templates, theme)), false) = (templates, diags.iter().any(Diagnostic::is_error))
        else {
            // Nothing will be rendered, but every page's own problems
            // (broken links, missing images) are still worth reporting.
            diags.extend(write::parse_all(&mut site, &routes, root, opts.preview));
            sources::quote_lines(root, &mut diags);
            return Err(BuildFailure {
                kind: FailureKind::Content,
                diagnostics: diags,
            });
        };
        sources::quote_lines(root, &mut diags);
        Ok(Project {
            opts: opts.clone(),
            config,
            theme,
            templates,
            found,
            routes,
            site,
            variants: Vec::new(),
            search: Default::default(),
            warnings: diags,
            stages: clock.stages,
        })
    }

    /// Makes (or reuses) the WebP variants of featured images and sets
    /// their `srcset`. Only worth doing when the site will be written, so
    /// `folio check` and broken sites skip it.
    pub fn make_image_variants(&mut self) {
        let started = Instant::now();
        let (variants, d) = images::featured_variants(
            &self.opts.root,
            &sources::executable_id(),
            &mut self.site,
            &self.config.base_path(),
        );
        self.variants = variants;
        self.warnings.extend(d);
        self.stages.push(("image variants", started.elapsed()));
    }

    /// Keeps what this build learnt for the next one (the highlighted
    /// code blocks), and lets go of the image variants no build has used
    /// for a day, after a build that succeeded.
    pub fn save_caches(&self) {
        sources::save_highlight_cache(&self.opts.root);
        images::prune_cache(&self.opts.root, &self.variants);
    }

    /// Reads the theme's static files again after one of its scripts
    /// changed (under `folio serve`), and returns its scripts as a build
    /// writes them: each with the site's words, which are the words the
    /// scripts name, so one script's edit may change another.
    pub fn reread_theme_scripts(&mut self) -> Result<Vec<&ThemeAsset>, Vec<Diagnostic>> {
        self.theme.assets = sources::reread_theme_assets(&self.opts.root, &self.config)?;
        let scripts = self.theme.assets.iter().filter(|a| a.rel.ends_with(".js"));
        Ok(scripts.collect())
    }

    /// A renderer over this project.
    pub fn renderer(&self) -> Renderer<'_> {
        let own_sitemap = |files: &[crate::discover::SourceFile]| {
            (files.iter()).any(|f| crate::route::site_file_out(&f.rel) == sitemap::SITEMAP_FILE)
        };
        Renderer::new(&self.templates, &self.site, &self.config)
            .with_search(&self.search)
            .with_own_sitemap(own_sitemap(&self.found.statics) || own_sitemap(&self.found.assets))
    }
}

/// Builds the site described by `opts`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    check_out_dir(&opts.root, &opts.out).map_err(BuildFailure::environment)?;
    let mut project = Project::load(opts)?;
    project.make_image_variants();
    let mut stages = project.stages.clone();
    let lap = Instant::now();
    let staging = Staging::begin(&opts.out).map_err(BuildFailure::environment)?;
    let errors = write_all(&mut project, &staging);
    if !errors.is_empty() || (opts.strict && !project.warnings.is_empty()) {
        staging.abort();
        let mut diagnostics = project.warnings;
        diagnostics.extend(errors);
        return Err(BuildFailure {
            kind: FailureKind::Content,
            diagnostics,
        });
    }
    stages.push(("parse, render and write", lap.elapsed()));
    let lap = Instant::now();
    let out = staging.commit().map_err(BuildFailure::environment)?;
    stages.push(("swap in", lap.elapsed()));
    project.save_caches();
    let (pages, sections) = project.site.counts();
    let drafts_left_out = project.routes.drafts_left_out();
    let diagnostics = std::mem::take(&mut project.warnings);
    // Freeing every page one by one took ~20 ms of a 10k-page build, on
    // one thread, after the work was done: leave it to a thread of its own
    // (the process may well exit first, which frees it all at once).
    std::thread::spawn(move || drop(project));
    Ok(BuildReport {
        pages,
        sections,
        drafts_left_out,
        diagnostics,
        elapsed: started.elapsed(),
        out,
        stages,
    })
}

/// Bytes of each page the load stage reads when it does not hold the page:
/// front matter rarely runs longer, and the parse pass reads the page whole.
const HEAD_BYTES: usize = 2048;

/// Bytes of pages the load stage may hold whole for the parse pass, all
/// pages together. A page held is opened and read once; past this much,
/// pages are read twice (their heads, then whole), so memory stays flat as
/// the site grows. The 10,000-page benchmark corpus is 45 MB of Markdown:
/// held, its build took ~4% less time and CPU (alternating rounds), and
/// ~40 MiB more memory at its peak.
const HELD_BYTES: usize = 64 << 20;

#[cfg(test)]
thread_local! {
    /// [`HELD_BYTES`] for builds run on this thread, when set: tests build
    /// sites with no page held, and with some.
    pub(crate) static HELD_FOR_TEST: std::cell::Cell<Option<usize>> =
        const { std::cell::Cell::new(None) };
}

/// What the load stage may hold of page bodies, all pages together.
fn held_bytes() -> usize {
    #[cfg(test)]
    if let Some(n) = HELD_FOR_TEST.with(std::cell::Cell::get) {
        return n;
    }
    HELD_BYTES
}

/// What is left of [`HELD_BYTES`], shared by the load stage's workers.
struct HoldBudget(AtomicUsize);

impl HoldBudget {
    /// Takes `n` bytes of the budget, if that many are left.
    fn take(&self, n: usize) -> bool {
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(n)
            })
            .is_ok()
    }
}

/// Loads every page, plans routes and assembles the site.
fn build_site(
    root: &Path,
    config: &Config,
    found: &Discovered,
    drafts: bool,
    diags: &mut Vec<Diagnostic>,
    clock: &mut StageClock,
) -> (Site, Routes) {
    let sources = sources::SourceDir::open(root);
    let budget = HoldBudget(AtomicUsize::new(held_bytes()));
    let loaded: Vec<(Option<LoadedPage>, Vec<Diagnostic>)> = found
        .pages
        .par_iter()
        .map_init(Vec::new, |buf, f| {
            let mut d = Vec::new();
            // Grammars for a page's code start loading in the background.
            let look = crate::markdown::prepare_highlighting;
            // A page the budget holds is read whole and kept. Of the others
            // only the front matter is kept until the body is parsed (the
            // file is read whole again then), so most of them are read only
            // as far as their first kilobytes, into one buffer per worker.
            let mut hold = false;
            let limit = |size| {
                hold = budget.take(size);
                if hold {
                    size
                } else {
                    HEAD_BYTES
                }
            };
            let page = sources.read_head(&f.rel, limit, buf).and_then(|len| {
                if hold {
                    let page = load_page(&f.rel, std::mem::take(buf), &mut d);
                    if let Some(page) = &page {
                        look(page.body());
                    }
                    return Ok(page);
                }
                match load_head(&f.rel, buf, len, &mut d, look) {
                    Head::Done(page) => Ok(page),
                    Head::NeedsWhole => {
                        sources.read_into(&f.rel, Some(len), buf)?;
                        Ok(load_front(&f.rel, buf, &mut d, look))
                    }
                }
            });
            let page = page.unwrap_or_else(|e| {
                d.push(Diagnostic::error(format!("cannot read: {e}")).in_file(f.rel.clone()));
                None
            });
            (page, d)
        })
        .collect();
    let today = crate::schema::today();
    diags.extend(crate::schema::check_rules(&config.schema));
    let mut failed: Vec<&str> = Vec::new();
    let mut drafted: Vec<String> = Vec::new();
    // Filtered in place, in the loaded vector's memory: a vector of its
    // own was ~4 MB of fresh memory at 10k pages.
    let pages: Vec<LoadedPage> = loaded
        .into_iter()
        .zip(&found.pages)
        .filter_map(|((page, d), f)| {
            // A page with front matter errors is kept for its body's checks;
            // its schema is not checked (its bad keys are at their defaults).
            let front_ok = !d.iter().any(Diagnostic::is_error);
            diags.extend(d);
            match page {
                Some(p) if p.front.draft && !drafts => {
                    drafted.push(p.source);
                    None
                }
                Some(p) => {
                    if front_ok {
                        diags.extend(crate::schema::check_page(&config.schema, &p, &today));
                    }
                    Some(p)
                }
                None => {
                    failed.push(&f.rel);
                    None
                }
            }
        })
        .collect();
    let mut requests: Vec<RouteRequest<'_>> = pages.iter().map(RouteRequest::of).collect();
    requests.extend(failed.iter().map(|s| RouteRequest {
        source: s,
        slug: None,
        aliases: &[],
        aliases_line: 0,
    }));
    clock.lap("load");
    let assets = found.assets.iter().map(|a| a.rel.clone());
    let (mut routes, d) = Routes::plan(
        &config.base_path(),
        config.read_from_disk(),
        &requests,
        assets,
    );
    diags.extend(d.into_iter().map(Diagnostic::from));
    clock.lap("route plan");
    routes.set_drafts(drafted);
    routes.set_static_files(
        found
            .statics
            .iter()
            .map(|f| f.rel.trim_start_matches("static/").to_string()),
    );
    // Images of static/ too: linked from a page or featured, they get their
    // sizes (and a featured one its variants) as those of images/ do.
    let image_sizes = sizes::read_image_sizes(
        root,
        &sources::executable_id(),
        found.assets.par_iter().chain(&found.statics),
    );
    routes.set_image_sizes(
        image_sizes
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), *v.as_ref().ok()?)))
            .collect(),
    );
    clock.lap("image sizes");
    let (mut site, d) = assemble(AssembleInput {
        pages,
        routes: &routes,
        strings: &config.strings,
    });
    diags.extend(d);
    sources::apply_featured_sizes(&mut site, &image_sizes, diags);
    clock.lap("route and assemble");
    (site, routes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hold_budget_is_taken_whole_or_not_at_all() {
        let budget = HoldBudget(AtomicUsize::new(10));
        assert!(budget.take(6));
        assert!(!budget.take(5), "4 bytes left");
        assert!(budget.take(4));
        assert!(!budget.take(1));
        assert!(budget.take(0));
    }
}
