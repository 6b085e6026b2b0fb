//! The preview's build state: the last good project, the folder being
//! served, and how each planned change is applied.
//!
//! A full rebuild writes a fresh folder and swaps the served path; an
//! incremental update rewrites single files in place, each through a
//! temporary file and a rename, so a request sees the whole old or the
//! whole new file. A failed change leaves the last good build served.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io;
use std::panic;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::build::{render_jobs, write_all, BuildFailure, BuildOptions, PageUpdate, Project};
use crate::check::relative;
use crate::diagnostic::Diagnostic;
use crate::discover::is_raster;
use crate::markdown::escape_attr;
use crate::output::{write_atomic, Staging};
use crate::render::search::INDEX_FILE;
use crate::render::theme::for_readers;
use crate::render::Job;
use crate::route::Routes;

use super::live::LiveEvent;
use super::watch::Plan;

/// What applying a plan did.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing changed.
    Nothing,
    /// The served site changed.
    Updated {
        /// What to tell the browsers.
        event: LiveEvent,
        /// From the start of the update to the last byte written.
        took: Duration,
        /// A short description for the terminal.
        summary: String,
        /// Warnings the last update did not have (all of them after the
        /// first build), for the terminal.
        warnings: Vec<Diagnostic>,
    },
    /// The change broke the build; the last good build is still served.
    Failed(Vec<Diagnostic>),
}

/// What copying image files changes in the pages (see
/// [`Session::reshown_by`]).
#[derive(Debug, Default)]
struct Reshow {
    /// Images whose pixel size changed, with the new one.
    resized: Vec<(String, (u32, u32))>,
    /// Images some page features.
    featured: Vec<String>,
}

/// What [`Session::take_in_new`] took in.
#[derive(Debug, Default)]
struct TakenIn {
    /// The pages whose links now find one of the files, by source.
    mended: Vec<String>,
    /// The raster images among the files, their sizes read.
    rasters: Vec<String>,
}

/// The served site and how to update it.
pub struct Session {
    opts: BuildOptions,
    /// Parent of the generation folders (`site-0`, `site-1`, …).
    base: PathBuf,
    generation: u64,
    project: Option<Project>,
    current: Arc<RwLock<PathBuf>>,
    /// The problems that stand, by what brought them: a page whose update
    /// failed (its source), or `None` for a failed rebuild or batch. Pages
    /// saved since then update in place; the served site is the last good
    /// version of the broken ones, and the browsers keep showing their
    /// problems until they are fixed.
    problems: BTreeMap<Option<String>, Vec<Diagnostic>>,
    /// The site's warnings as of the last good update, so each is told
    /// once, when it appears, and not again at every save. (A set: a site
    /// may have a warning on each of thousands of pages.)
    warnings: HashSet<Diagnostic>,
    /// The warnings about links left as URLs relative to their page that
    /// lead to no file of the served site, by page source: looked up in
    /// the served folder after each update, as `folio check` looks them
    /// up in the site it renders.
    dead_links: HashMap<String, Vec<Diagnostic>>,
    /// The search index changed in the last update and is not written yet
    /// (see [`Session::write_deferred`]).
    search_pending: bool,
    /// The served site may not show every change made to the files: a
    /// batch of pages failed on one of them (the others were applied but
    /// not written, or not read), an update's files could not all be
    /// written, or a full rebuild failed. The next change rebuilds the
    /// site.
    unwritten: bool,
}

impl Session {
    /// Builds the site for the first time. A broken site still starts the
    /// session: an error page is served until the first good build.
    pub fn start(opts: BuildOptions, base: PathBuf) -> Result<(Session, Outcome), BuildFailure> {
        fs::create_dir_all(&base).map_err(|e| {
            BuildFailure::environment(Diagnostic::error(format!(
                "cannot create {}: {e}",
                base.display()
            )))
        })?;
        let placeholder = base.join("site-empty");
        let mut session = Session {
            opts,
            base,
            generation: 0,
            project: None,
            current: Arc::new(RwLock::new(placeholder.clone())),
            problems: BTreeMap::new(),
            warnings: HashSet::new(),
            dead_links: HashMap::new(),
            search_pending: false,
            unwritten: false,
        };
        let outcome = session.guarded(Session::full_rebuild);
        if let Outcome::Failed(diags) = &outcome {
            if diags
                .iter()
                .any(|d| d.file.is_none() && d.message.starts_with("no content/"))
            {
                return Err(BuildFailure::environment(diags[0].clone()));
            }
            write_error_page(&placeholder, diags).map_err(|e| {
                BuildFailure::environment(Diagnostic::error(format!(
                    "cannot write the error page: {e}"
                )))
            })?;
        }
        Ok((session, outcome))
    }

    /// The folder currently served (shared with the HTTP workers).
    pub fn current(&self) -> Arc<RwLock<PathBuf>> {
        self.current.clone()
    }

    /// The loaded project, when the last build succeeded at least once.
    pub fn project(&self) -> Option<&Project> {
        self.project.as_ref()
    }

    /// Applies a plan and reports what happened.
    pub fn apply(&mut self, plan: Plan) -> Outcome {
        self.guarded(|session| match plan {
            Plan::Nothing => Outcome::Nothing,
            Plan::Full => session.full_rebuild(),
            Plan::Pages(sources) => session.update_pages(&sources),
            Plan::Copy { files, css_only } => session.copy_files(&files, css_only),
        })
    }

    /// Runs `update`, telling a panic in it (a bug in folio) as a failed
    /// update instead of ending the preview with it: the last good build
    /// stays served, and as the project in memory may be half changed,
    /// the next change rebuilds the site from the files.
    fn guarded(&mut self, update: impl FnOnce(&mut Session) -> Outcome) -> Outcome {
        self.caught(update)
            .unwrap_or_else(|bug| Outcome::Failed(vec![bug]))
    }

    /// Runs `work`; a panic in it is the error returned, the site's
    /// standing problem until a rebuild, which the next change makes.
    fn caught<T>(&mut self, work: impl FnOnce(&mut Session) -> T) -> Result<T, Diagnostic> {
        let caught = panic::catch_unwind(panic::AssertUnwindSafe(|| work(self)));
        caught.map_err(|payload| {
            let bug = Diagnostic::bug(&*payload).with_hint(
                "the last good build is still served, and the next change rebuilds the site; \
                     please report this with the terminal's output and what you changed",
            );
            self.unwritten = true;
            self.problems.insert(None, vec![bug.clone()]);
            bug
        })
    }

    /// Applies a [`Plan::Copy`]: new files are taken in (or the site is
    /// rebuilt), the files copied, the pages that show a resized or
    /// featured image among them rendered again, and the pages whose links
    /// find a new one updated. After a failed rebuild, the files the site
    /// has are copied and the site is rebuilt.
    fn copy_files(&mut self, files: &[(String, String)], css_only: bool) -> Outcome {
        let generation = self.generation;
        let root = &self.opts.root;
        // A file of the site that comes or goes may be where a relative
        // link leads (a theme's file comes or goes with a rebuild).
        let came_or_went = self.project.as_ref().is_some_and(|project| {
            files.iter().any(|(from, to)| {
                project.routes.has_file(from, to) == Some(false)
                    || fs::symlink_metadata(root.join(from)).is_err()
            })
        });
        let mut outcome = self.copy_files_unchecked(files, css_only);
        if let Outcome::Updated { warnings, .. } = &mut outcome {
            // A rebuild looked every link up already.
            if came_or_went && self.generation == generation {
                let (now, before) = self.look_up_links(None);
                let before: HashSet<Diagnostic> = before.into_iter().collect();
                warnings.extend(self.new_warnings(now, |d| before.contains(d)));
            }
        }
        outcome
    }

    /// [`Session::copy_files`], the pages' relative links not looked up
    /// again.
    fn copy_files_unchecked(&mut self, files: &[(String, String)], css_only: bool) -> Outcome {
        let started = Instant::now();
        if self.unwritten && self.project.is_some() {
            // The served site misses a change whose rebuild failed, and
            // the file may be what mends it (an image a page shows, put
            // back): rebuilt, as for any change now. A file the site has
            // is copied first all the same, so that it shows while the
            // rebuild fails (a stylesheet, while a page is broken).
            let generation = self.generation;
            let copied = self
                .has_files(files)
                .then(|| self.copy(files, css_only, started));
            return match copied {
                // The copy failed and rebuilt the site.
                Some(outcome @ Outcome::Failed(_)) => outcome,
                Some(outcome) if self.generation != generation => outcome,
                copied => match self.full_rebuild() {
                    Outcome::Failed(errors) => copied.unwrap_or(Outcome::Failed(errors)),
                    rebuilt => rebuilt,
                },
            };
        }
        if let Some(outcome) = self.take_out_gone(files, started) {
            return outcome;
        }
        let Some(TakenIn { mended, rasters }) = self.take_in_new(files) else {
            return self.full_rebuild();
        };
        let generation = self.generation;
        let copied = match self.reshown_by(files, &rasters) {
            Some(r) if r.resized.is_empty() && r.featured.is_empty() => {
                self.copy(files, css_only, started)
            }
            Some(r) => self.reshow(files, &r, started),
            None => self.full_rebuild(),
        };
        match copied {
            Outcome::Updated { summary, .. }
                if !mended.is_empty() && self.generation == generation =>
            {
                self.mend(&mended, &format!("{summary}; its links found"), started)
            }
            outcome => outcome,
        }
    }

    /// Takes the files of `content/`, `images/` and `static/` among
    /// `files` that the site does not have yet into its routes, with the
    /// sizes of the raster images among them. Returns the pages with a
    /// link or image that went nowhere and now finds one of them (they
    /// are updated once the files are copied: see [`Session::mend`]), or
    /// `None` when the site must be rebuilt instead: a standing problem, a
    /// served site that misses a change, a symbolic link, an image that
    /// cannot be read, or a file whose output path the served site
    /// already holds (a page's, say: a clash a rebuild reports).
    fn take_in_new(&mut self, files: &[(String, String)]) -> Option<TakenIn> {
        let Some(project) = self.project.as_mut() else {
            return Some(TakenIn::default());
        };
        let new: Vec<&(String, String)> = files
            .iter()
            .filter(|(from, to)| project.routes.has_file(from, to) == Some(false))
            .collect();
        if new.is_empty() {
            return Some(TakenIn::default());
        }
        if self.unwritten || !self.problems.is_empty() {
            return None;
        }
        let dir = served(&self.current);
        let plain = |(from, to): &&(String, String)| {
            let file = fs::symlink_metadata(self.opts.root.join(from));
            file.is_ok_and(|m| m.is_file())
                && !from.chars().any(char::is_control)
                && fs::symlink_metadata(dir.join(to)).is_err()
        };
        if !new.iter().all(plain) {
            return None;
        }
        let root = &self.opts.root;
        let mut sizes = Vec::new();
        for (from, _) in new.iter().filter(|(from, _)| is_raster(from)) {
            sizes.push((
                from.clone(),
                crate::build::image_size(&root.join(from)).ok()?,
            ));
        }
        for (from, _) in &new {
            project.found.add_file(root, from);
        }
        let mended = reresolved(project, |routes| {
            for (from, to) in &new {
                routes.add_file(from, to);
            }
            for (from, size) in &sizes {
                routes.set_image_size(from, *size);
            }
        });
        Some(TakenIn {
            mended,
            rasters: sizes.into_iter().map(|(from, _)| from).collect(),
        })
    }

    /// Applies a [`Plan::Copy`] of files that are gone (deleted, or
    /// renamed away): when no page names one, they leave the routes and
    /// the served site, and the pages whose links that went nowhere now
    /// read otherwise (a "did you mean" that named one) are updated.
    /// `None` when some file of `files` is there (it is copied);
    /// otherwise the site is rebuilt: a page shows one, links to one, or
    /// features one (it must say so), or one is a theme's file.
    fn take_out_gone(&mut self, files: &[(String, String)], started: Instant) -> Option<Outcome> {
        let root = &self.opts.root;
        let gone = |(from, _): &(String, String)| fs::symlink_metadata(root.join(from)).is_err();
        if !files.iter().any(gone) {
            return None;
        }
        if !files.iter().all(gone) || self.unwritten || !self.problems.is_empty() {
            return Some(self.full_rebuild());
        }
        let Some(project) = self.project.as_mut() else {
            return Some(self.full_rebuild());
        };
        let known = |(from, to): &(String, String)| project.routes.has_file(from, to) == Some(true);
        let named = |page: &crate::site::Page| {
            let featured = page.featured.as_ref().and_then(|f| f.path.as_ref());
            let parsed = &page.parsed;
            let mut names = parsed
                .images
                .iter()
                .chain(&parsed.linked_files)
                .chain(featured);
            names.any(|n| files.iter().any(|(from, _)| from == n))
        };
        if !files.iter().all(known) || project.site.pages.iter().any(named) {
            return Some(self.full_rebuild());
        }
        for (from, _) in files {
            project.found.remove_file(from);
        }
        let mended = reresolved(project, |routes| {
            for (from, to) in files {
                routes.remove_file(from, to);
            }
        });
        let dir = served(&self.current);
        for (_, to) in files {
            // Already gone is as good.
            let _ = fs::remove_file(dir.join(to));
        }
        let names: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
        let removed = format!("removed {}", names.join(", "));
        Some(match mended.is_empty() {
            true => Outcome::Updated {
                event: LiveEvent::reload_all(),
                took: started.elapsed(),
                summary: format!("{removed} (no page names it)"),
                warnings: Vec::new(),
            },
            // Their broken links' "did you mean" named the file.
            false => self.mend(&mended, &format!("{removed}; links checked again"), started),
        })
    }

    /// After files came or went (`done` says so): updates the pages
    /// `mended`, whose links read otherwise now, as if they were saved
    /// (their warnings about those links go or change); every tab reloads.
    fn mend(&mut self, mended: &[String], done: &str, started: Instant) -> Outcome {
        match self.update_pages(mended) {
            Outcome::Updated {
                summary, warnings, ..
            } => Outcome::Updated {
                event: LiveEvent::reload_all(),
                took: started.elapsed(),
                summary: format!("{done}: {summary}"),
                warnings,
            },
            outcome => outcome,
        }
    }

    /// True when the site already has every file of `files` that is one
    /// of its own (the new ones it could take in are known by now: see
    /// [`Session::take_in_new`]).
    fn has_files(&self, files: &[(String, String)]) -> bool {
        let Some(project) = &self.project else {
            return false;
        };
        let routes = &project.routes;
        files
            .iter()
            .all(|(from, to)| routes.has_file(from, to).unwrap_or(true))
    }

    /// What copying `files` (changed files of `content/`, `images/`,
    /// `static/` or the theme) changes in the pages: the raster images
    /// whose size is not the one pages give them, with their new size,
    /// and the featured ones (whose smaller copies pages show). The
    /// images `taken_in` were just read by [`Session::take_in_new`], and
    /// no page features one (it would be a standing problem). `None`
    /// when the site must be rebuilt: a file the site does not have (see
    /// [`Session::has_files`]), or an image that cannot be read.
    fn reshown_by(&self, files: &[(String, String)], taken_in: &[String]) -> Option<Reshow> {
        if !self.has_files(files) {
            return None;
        }
        let project = self.project.as_ref()?;
        let mut reshow = Reshow::default();
        let rasters: Vec<&String> = files
            .iter()
            .map(|(from, _)| from)
            .filter(|from| is_raster(from) && !from.starts_with("themes/"))
            .filter(|from| !taken_in.contains(from))
            .collect();
        // A stylesheet's save, the common copy, looks at no page.
        if rasters.is_empty() {
            return Some(reshow);
        }
        let featured: HashSet<&str> = project
            .site
            .pages
            .iter()
            .filter_map(|p| p.featured.as_ref()?.path.as_deref())
            .collect();
        for from in rasters {
            let size = crate::build::image_size(&self.opts.root.join(from)).ok()?;
            if project.routes.image_size(from) != Some(size) {
                reshow.resized.push((from.clone(), size));
            }
            if featured.contains(from.as_str()) {
                reshow.featured.push(from.clone());
            }
        }
        Some(reshow)
    }

    /// Copies `files`, then renders again what shows the images of
    /// `change`: the pages that show a resized one (they hold its width
    /// and height), and the pages and listings that feature one, with its
    /// new variants (named by its bytes; those no page shows any more are
    /// removed). Every tab reloads, as for a copy.
    fn reshow(&mut self, files: &[(String, String)], change: &Reshow, started: Instant) -> Outcome {
        let generation = self.generation;
        let copied = self.copy(files, false, started);
        // The copy failed, and rebuilt the site.
        if self.generation != generation {
            return copied;
        }
        let reshown = match self.project.as_mut().filter(|_| !self.unwritten) {
            Some(project) => project.reshow_images(&change.resized, &change.featured),
            None => None,
        };
        let (Some(reshown), Some(project)) = (reshown, self.project.as_mut()) else {
            return self.full_rebuild();
        };
        let dir = served(&self.current);
        // The new variants before the pages that show them.
        for v in &reshown.new_variants {
            let copied = fs::read(&v.cached).and_then(|b| write_atomic(&dir.join(&v.out_rel), &b));
            if copied.is_err() {
                return self.full_rebuild();
            }
        }
        let errors = rewrite(&self.current, project, &reshown.jobs);
        if !errors.is_empty() {
            self.unwritten = true;
            self.problems.insert(None, errors.clone());
            return Outcome::Failed(errors);
        }
        project.forget_written(&reshown.jobs);
        for gone in &reshown.gone_variants {
            // Left behind, it is only a file no page links.
            let _ = fs::remove_file(dir.join(gone));
        }
        let names: Vec<String> = files
            .iter()
            .map(|(f, _)| {
                let resized = change.resized.iter().any(|(r, _)| r == f);
                match (resized, change.featured.contains(f)) {
                    (true, true) => format!("{f} (featured, a new size)"),
                    (true, false) => format!("{f} (a new size)"),
                    (false, true) => format!("{f} (featured)"),
                    (false, false) => f.clone(),
                }
            })
            .collect();
        let summary = match reshown.pages {
            0 => format!("copied {} (no page shows it)", names.join(", ")),
            pages => format!(
                "copied {}, re-rendering what shows it: {} → {}",
                names.join(", "),
                crate::diagnostic::plural(pages, "page"),
                crate::diagnostic::plural(reshown.jobs.len(), "file"),
            ),
        };
        let featured = &change.featured;
        let warnings = self.new_warnings(reshown.warnings, |d| {
            d.file.as_ref().is_some_and(|f| featured.contains(f))
        });
        Outcome::Updated {
            event: LiveEvent::reload_all(),
            took: started.elapsed(),
            summary,
            warnings,
        }
    }

    /// The errors of earlier changes that no later one fixed, in the
    /// order of the pages that have them (a failed rebuild's first). After
    /// an update, a page whose own update failed, and that the update did
    /// not touch, still shows its last good version.
    pub fn standing_problems(&self) -> Vec<Diagnostic> {
        let all = self.problems.values().flatten();
        all.filter(|d| d.is_error()).cloned().collect()
    }

    /// Rebuilds the whole site. When that fails, the project in memory is
    /// no longer the files' (a page changed in the batch that asked for
    /// it): every change after rebuilds again, until one succeeds. A
    /// rebuild reads every file, so its problems replace all others.
    fn full_rebuild(&mut self) -> Outcome {
        let outcome = self.rebuild_all();
        self.problems.clear();
        if let Outcome::Failed(diags) = &outcome {
            self.unwritten = true;
            self.problems.insert(None, diags.clone());
        }
        outcome
    }

    fn rebuild_all(&mut self) -> Outcome {
        let started = Instant::now();
        let mut project = match Project::load(&self.opts) {
            Ok(p) => p,
            Err(f) => return Outcome::Failed(f.diagnostics),
        };
        project.make_image_variants();
        self.generation += 1;
        let dir = self.base.join(format!("site-{}", self.generation));
        let served = served(&self.current);
        // Pages the change did not touch are linked from the site being
        // served (files there are replaced, never changed in place).
        let staging = match Staging::begin(&dir).map(|s| s.reusing(&served)) {
            Ok(s) => s,
            Err(d) => return Outcome::Failed(vec![d]),
        };
        let errors = write_all(&mut project, &staging);
        if !errors.is_empty() {
            staging.abort();
            return Outcome::Failed(errors);
        }
        let dir = match staging.commit() {
            Ok(d) => d,
            Err(d) => return Outcome::Failed(vec![d]),
        };
        project.save_caches();
        // This build wrote the index with everything else. (A failed one
        // leaves the flag: the site still served needs the index.)
        self.search_pending = false;
        self.unwritten = false;
        let old = std::mem::replace(
            &mut *self.current.write().unwrap_or_else(|e| e.into_inner()),
            dir,
        );
        if old.starts_with(&self.base) {
            // In-flight requests hold open files, so unlinking is safe; on a
            // large site it takes long, so it must not hold up the reload.
            crate::output::remove_in_background(&old);
        }
        let (pages, sections) = project.site.counts();
        let mut warnings = project.warnings.clone();
        self.project = Some(project);
        self.dead_links.clear();
        warnings.extend(self.look_up_links(None).0);
        let warnings = self.new_warnings(warnings, |_| true);
        Outcome::Updated {
            event: LiveEvent::reload_all(),
            took: started.elapsed(),
            summary: format!(
                "{} the site ({}, {})",
                // The first build is not a rebuild; later ones all are
                // (whatever the outcome of those between).
                if self.generation == 1 {
                    "built"
                } else {
                    "rebuilt"
                },
                crate::diagnostic::plural(pages, "page"),
                crate::diagnostic::plural(sections, "section")
            ),
            warnings,
        }
    }

    /// Looks up the relative links of the pages `sources` (of every page,
    /// for `None`) in the served site; returns those pages' warnings about
    /// the links that lead nowhere, now and before. (A page with such a
    /// link is read again for its lines, and its "did you mean" made
    /// again: a file that came or went may change it.)
    fn look_up_links(&mut self, sources: Option<&[String]>) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let (mut now, mut before) = (Vec::new(), Vec::new());
        let Some(project) = &self.project else {
            return (now, before);
        };
        let dir = served(&self.current);
        let pages = (project.site.pages.iter())
            .filter(|p| sources.is_none_or(|sources| sources.contains(&p.source)));
        for page in pages {
            before.extend(self.dead_links.remove(&page.source).unwrap_or_default());
            let dead = relative::dead_links(page, |path| relative::on_disk(&dir, path));
            if !dead.is_empty() {
                let told = relative::warnings(project, page, &dead);
                now.extend(told.iter().cloned());
                self.dead_links.insert(page.source.clone(), told);
            }
        }
        (now, before)
    }

    /// Makes `current` the warnings of what was just updated, in place of
    /// the last ones that `replaced` selects, and returns those not seen
    /// before.
    fn new_warnings(
        &mut self,
        current: Vec<Diagnostic>,
        replaced: impl Fn(&Diagnostic) -> bool,
    ) -> Vec<Diagnostic> {
        let fresh = current
            .iter()
            .filter(|d| !self.warnings.contains(*d))
            .cloned()
            .collect();
        self.warnings.retain(|d| !replaced(d));
        self.warnings.extend(current);
        fresh
    }

    fn update_pages(&mut self, sources: &[String]) -> Outcome {
        let started = Instant::now();
        let Some(project) = self.project.as_mut().filter(|_| !self.unwritten) else {
            return self.full_rebuild();
        };
        let mut jobs = Vec::new();
        let mut page_warnings = Vec::new();
        let mut drafts = Vec::new();
        let mut superseded = Vec::new();
        for source in sources {
            match project.update_page(source) {
                Ok(PageUpdate::Rerender(j, w, s)) => {
                    jobs.extend(j);
                    page_warnings.extend(w);
                    superseded.extend(s);
                }
                Ok(PageUpdate::Draft) => drafts.push(source.as_str()),
                Ok(PageUpdate::NeedsFullRebuild) => return self.full_rebuild(),
                Err(diags) => {
                    // The other pages of the batch are applied but not
                    // written (those before this one), or not read at all
                    // (those after it): the next change rebuilds the site.
                    self.unwritten = sources.iter().any(|s| s != source);
                    let by = (!self.unwritten).then(|| source.clone());
                    self.problems.insert(by, diags.clone());
                    return Outcome::Failed(diags);
                }
            }
        }
        jobs.sort();
        jobs.dedup();
        // The search index holds every page's words: megabytes on a large
        // site, and no part of the page being previewed. It is written
        // after the browsers are told (see `write_deferred`).
        let before = jobs.len();
        jobs.retain(|(_, job)| *job != Job::SearchIndex);
        self.search_pending |= jobs.len() < before;
        let errors = rewrite(&self.current, project, &jobs);
        if !errors.is_empty() {
            self.unwritten = true;
            self.problems.insert(None, errors.clone());
            return Outcome::Failed(errors);
        }
        project.forget_written(&jobs);
        for source in sources {
            self.problems.remove(&Some(source.clone()));
        }
        // Their old warnings go with the others of their files.
        page_warnings.extend(self.look_up_links(Some(sources)).0);
        let paths: Vec<String> = jobs
            .iter()
            .map(|(p, _)| format!("/{}", p.trim_end_matches("index.html")))
            .collect();
        // A saved draft changes nothing (it is left out): say why its page
        // does not show, rather than rebuild the site for nothing.
        let summary = if drafts.len() == sources.len() {
            format!(
                "{} is a draft, not built (serve with --drafts to see it)",
                drafts.join(", ")
            )
        } else {
            format!(
                "{} → {}",
                sources.join(", "),
                crate::diagnostic::plural(jobs.len(), "file")
            )
        };
        Outcome::Updated {
            summary,
            event: LiveEvent::Reload {
                paths,
                all: false,
                warnings: Vec::new(),
            },
            took: started.elapsed(),
            warnings: self.new_warnings(page_warnings, |d| {
                d.file
                    .as_deref()
                    .is_some_and(|f| sources.iter().any(|s| s == f))
                    || superseded.contains(d)
            }),
        }
    }

    /// Copies `files` into the site being served (see [`Plan::Copy`]);
    /// `started` is when the work on the change began. Only for a site
    /// that was built ([`Session::reshown_by`] says no without one).
    fn copy(&mut self, files: &[(String, String)], css_only: bool, started: Instant) -> Outcome {
        let dir = served(&self.current);
        let is_script =
            |(from, to): &(String, String)| from.starts_with("themes/") && to.ends_with(".js");
        if files.iter().any(is_script) {
            // Each script is written as a build writes it, with the site's
            // words: those the theme's scripts name, so every script may
            // change with one.
            let Some(project) = self.project.as_mut() else {
                return self.full_rebuild();
            };
            let written = project.reread_theme_scripts().map(|scripts| {
                scripts.iter().try_for_each(|script| {
                    // Under both its names, as a build writes it.
                    let bytes = script.data.in_memory().unwrap_or_default();
                    write_atomic(&dir.join(&script.rel), bytes)?;
                    write_atomic(&dir.join(&script.out_rel), bytes)
                })
            });
            if !matches!(written, Ok(Ok(()))) {
                // Unreadable, or not written: a rebuild tells why.
                return self.full_rebuild();
            }
        }
        for (from, to) in files.iter().filter(|f| !is_script(f)) {
            // The theme's stylesheets as a build writes them (the site's
            // own files are copied as they are).
            let copied = fs::read(self.opts.root.join(from)).and_then(|bytes| {
                let bytes = match from.starts_with("themes/") {
                    true => for_readers(to, &bytes).unwrap_or(bytes),
                    false => bytes,
                };
                write_atomic(&dir.join(to), &bytes)
            });
            if copied.is_err() {
                // Deleted or unreadable: let a full rebuild sort it out.
                return self.full_rebuild();
            }
        }
        let names: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
        Outcome::Updated {
            event: if css_only {
                LiveEvent::Css
            } else {
                LiveEvent::reload_all()
            },
            took: started.elapsed(),
            summary: format!("copied {}", names.join(", ")),
            warnings: Vec::new(),
        }
    }

    /// Writes what the last update left for after the reload: the search
    /// index, when a page's record in it changed. Returns the time taken,
    /// when there was something to write, and any problem writing it.
    pub fn write_deferred(&mut self) -> Option<(Duration, Vec<Diagnostic>)> {
        // A bug here would end the preview as one in an update did.
        self.caught(Session::write_index)
            .unwrap_or_else(|bug| Some((Duration::ZERO, vec![bug])))
    }

    /// [`Session::write_deferred`], unguarded.
    fn write_index(&mut self) -> Option<(Duration, Vec<Diagnostic>)> {
        if !std::mem::take(&mut self.search_pending) {
            return None;
        }
        let started = Instant::now();
        let project = self.project.as_ref()?;
        let jobs = [(INDEX_FILE.to_string(), Job::SearchIndex)];
        let errors = rewrite(&self.current, project, &jobs);
        // Not written: the next update tries again.
        self.search_pending = !errors.is_empty();
        Some((started.elapsed(), errors))
    }

    /// Removes every folder the session created.
    pub fn cleanup(&self) {
        let _ = fs::remove_dir_all(&self.base);
    }
}

/// The pages of `project` whose links and images that went nowhere
/// resolve otherwise (a file found, another "did you mean") once `change`
/// is made to its routes, by source.
fn reresolved(project: &mut Project, change: impl FnOnce(&mut Routes)) -> Vec<String> {
    let resolved = |routes: &Routes, page: &crate::site::Page| -> Vec<String> {
        let hrefs = page.parsed.unresolved.iter();
        hrefs
            .map(|href| format!("{:?}", routes.resolve(&page.source, href)))
            .collect()
    };
    let before: Vec<(usize, Vec<String>)> = project
        .site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, page)| !page.parsed.unresolved.is_empty())
        .map(|(i, page)| (i, resolved(&project.routes, page)))
        .collect();
    change(&mut project.routes);
    let pages = &project.site.pages;
    before
        .into_iter()
        .filter(|(i, was)| resolved(&project.routes, &pages[*i]) != *was)
        .map(|(i, _)| pages[i].source.clone())
        .collect()
}

/// The folder being served now.
fn served(current: &RwLock<PathBuf>) -> PathBuf {
    current.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Renders `jobs` into the folder being served, each file replaced whole
/// (a reader never sees half of one).
fn rewrite(
    current: &RwLock<PathBuf>,
    project: &Project,
    jobs: &[(String, Job)],
) -> Vec<Diagnostic> {
    let dir = served(current);
    render_jobs(&project.renderer(), jobs, &|path: &str, bytes: &[u8]| {
        write_atomic(&dir.join(path), bytes)
    })
}

/// The page served while the site has never built: it says so, and the
/// live-reload overlay shows the details.
fn write_error_page(dir: &Path, diags: &[Diagnostic]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let list: String = crate::diagnostic::for_reading(diags.iter().filter(|d| d.is_error()))
        .iter()
        .map(|text| format!("<pre>{}</pre>", escape_attr(text)))
        .collect();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed · folio</title></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem\">\
         <h1>The site does not build yet</h1><p>Fix the problems below; this page reloads by itself.</p>{list}</body></html>\n"
    );
    fs::write(dir.join("index.html"), &html)?;
    fs::write(dir.join("404.html"), &html)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session over a site of a home page and `pages` (in `content/`),
    /// built once.
    fn started(pages: &[(&str, &str)]) -> (tempfile::TempDir, Session) {
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        fs::create_dir_all(&content).unwrap();
        fs::write(content.join("_index.md"), "---\ntitle: Home\n---\n").unwrap();
        for (name, text) in pages {
            fs::write(content.join(name), text).unwrap();
        }
        let opts = BuildOptions::preview_of(root.path());
        let (session, outcome) = Session::start(opts, root.path().join("preview")).unwrap();
        assert!(matches!(outcome, Outcome::Updated { .. }));
        (root, session)
    }

    #[test]
    fn an_entry_changed_in_a_list_cut_into_pages_reloads_every_page_of_it() {
        let root = tempfile::tempdir().unwrap();
        let ops = root.path().join("content/ops");
        fs::create_dir_all(&ops).unwrap();
        fs::write(root.path().join("folio.toml"), "paginate_by = 1\n").unwrap();
        fs::write(
            root.path().join("content/_index.md"),
            "---\ntitle: Home\n---\n",
        )
        .unwrap();
        fs::write(ops.join("_index.md"), "---\ntitle: Ops\n---\n").unwrap();
        for name in ["a", "b", "c"] {
            let text = format!("---\ntitle: {name}\ndescription: First {name}.\n---\nBody.\n");
            fs::write(ops.join(format!("{name}.md")), text).unwrap();
        }
        let opts = BuildOptions::preview_of(root.path());
        let (mut session, _) = Session::start(opts, root.path().join("preview")).unwrap();
        let third = |session: &Session| {
            fs::read_to_string(served(&session.current).join("ops/page/3/index.html")).unwrap()
        };
        assert!(third(&session).contains("First c."));
        fs::write(
            ops.join("c.md"),
            "---\ntitle: c\ndescription: Second c.\n---\nBody.\n",
        )
        .unwrap();
        let outcome = session.apply(Plan::Pages(vec!["content/ops/c.md".to_string()]));
        let Outcome::Updated {
            summary,
            event: LiveEvent::Reload { paths, .. },
            ..
        } = &outcome
        else {
            panic!("{outcome:?}");
        };
        assert!(third(&session).contains("Second c."), "rewritten");
        for page in ["/ops/", "/ops/page/2/", "/ops/page/3/", "/ops/c/"] {
            assert!(paths.iter().any(|p| p == page), "{page} reloads: {paths:?}");
        }
        assert!(summary.ends_with("→ 4 files"), "{summary}");
        session.cleanup();
    }

    #[test]
    fn a_relative_link_that_leads_nowhere_is_told_until_its_file_comes() {
        let deploy = "---\ntitle: Deploy\n---\nSee [notes](notes.txt) and [back](../rollback/).\n";
        let (root, mut session) = started(&[
            ("deploy.md", deploy),
            ("rollback.md", "---\ntitle: Rollback\n---\nUndo.\n"),
        ]);
        let at = |rel: &str| root.path().join(rel);
        let dead = |session: &Session| -> Vec<String> {
            let mut told: Vec<String> = (session.warnings.iter())
                .filter(|d| d.message.ends_with("leads to no file of the site"))
                .map(|d| {
                    format!(
                        "{}:{} {}",
                        d.file.as_deref().unwrap_or(""),
                        d.line,
                        d.message
                    )
                })
                .collect();
            told.sort();
            told
        };
        let notes = "content/deploy.md:4 link to `notes.txt` leads to no file of the site";
        assert_eq!(dead(&session), [notes], "the first build");
        let told = |outcome: &Outcome| -> Vec<String> {
            let Outcome::Updated { warnings, .. } = outcome else {
                panic!("{outcome:?}");
            };
            warnings.iter().map(|d| d.message.clone()).collect()
        };
        // Saved with one more: only that one is new.
        let save = |session: &mut Session, text: &str| {
            fs::write(at("content/deploy.md"), text).unwrap();
            session.apply(Plan::Pages(vec!["content/deploy.md".to_string()]))
        };
        let two = format!("{deploy}\nAnd [gone](../gone/).\n");
        let outcome = save(&mut session, &two);
        assert_eq!(
            told(&outcome),
            ["link to `../gone/` leads to no file of the site"]
        );
        let gone = "content/deploy.md:6 link to `../gone/` leads to no file of the site";
        assert_eq!(dead(&session), [notes, gone]);
        assert!(session.dead_links.contains_key("content/deploy.md"));
        // Mended in the page: it goes.
        assert!(told(&save(&mut session, deploy)).is_empty());
        assert_eq!(dead(&session), [notes]);
        // A file with a near name comes: the warning says "did you mean"
        // it, and is told again so.
        let generation = session.generation;
        fs::create_dir_all(at("static/deploy")).unwrap();
        fs::write(at("static/deploy/note.txt"), "a note").unwrap();
        let near = Plan::Copy {
            files: vec![("static/deploy/note.txt".into(), "deploy/note.txt".into())],
            css_only: false,
        };
        let outcome = session.apply(near);
        let Outcome::Updated { warnings, .. } = &outcome else {
            panic!("{outcome:?}");
        };
        let hint = warnings.first().and_then(|w| w.hint.as_deref());
        assert!(
            hint.is_some_and(|h| h.ends_with("did you mean `note.txt`?")),
            "{warnings:?}"
        );
        assert_eq!(dead(&session), [notes]);
        // The file comes (into static/): copied in place, and the warning
        // goes; it is told again when the file goes.
        fs::write(at("static/deploy/notes.txt"), "notes").unwrap();
        let file = Plan::Copy {
            files: vec![("static/deploy/notes.txt".into(), "deploy/notes.txt".into())],
            css_only: false,
        };
        let copy = |session: &mut Session| session.apply(file.clone());
        assert!(told(&copy(&mut session)).is_empty());
        assert_eq!(dead(&session), Vec::<String>::new());
        assert!(session.dead_links.is_empty());
        fs::remove_file(at("static/deploy/notes.txt")).unwrap();
        let outcome = copy(&mut session);
        assert_eq!(
            told(&outcome),
            ["link to `notes.txt` leads to no file of the site"]
        );
        assert_eq!(dead(&session), [notes]);
        assert_eq!(session.generation, generation, "never rebuilt");
        // A rebuild tells what stands, once.
        assert!(matches!(session.apply(Plan::Full), Outcome::Updated { .. }));
        assert_eq!(dead(&session), [notes]);
        session.cleanup();
    }

    #[test]
    fn a_batch_that_fails_halfway_is_written_whole_once_fixed() {
        let (root, mut session) = started(&[
            ("a.md", "---\ntitle: A\n---\nFirst A.\n"),
            ("b.md", "---\ntitle: B\n---\nFirst B.\n"),
        ]);
        let content = root.path().join("content");
        let served = |session: &Session, page: &str| {
            fs::read_to_string(served(&session.current).join(page).join("index.html")).unwrap()
        };
        let pages = || Plan::Pages(vec!["content/a.md".into(), "content/b.md".into()]);
        // The broken page second (the page before it is applied, not
        // written), then first (the page after it is not even read).
        for (broken, good, round) in [("b", "a", 1), ("a", "b", 2)] {
            let write = |name: &str, title: &str, text: &str| {
                let page = format!("---\ntitle: {title}\n---\n{text}\n");
                fs::write(content.join(format!("{name}.md")), page).unwrap();
            };
            write(good, good, &format!("Saved {round}."));
            write(broken, &format!("[{broken}"), "Broken.");
            assert!(matches!(session.apply(pages()), Outcome::Failed(_)));
            assert!(!served(&session, good).contains(&format!("Saved {round}.")));
            // Fixed: the whole batch shows.
            write(broken, broken, &format!("Fixed {round}."));
            let fixed = Plan::Pages(vec![format!("content/{broken}.md")]);
            assert!(matches!(session.apply(fixed), Outcome::Updated { .. }));
            assert!(served(&session, broken).contains(&format!("Fixed {round}.")));
            let page = served(&session, good);
            assert!(page.contains(&format!("Saved {round}.")), "{page}");
        }
        session.cleanup();
    }

    /// Every file under `dir` but the build marker, by relative path.
    fn files_under(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file() && e.file_name() != ".folio-build")
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap();
                (rel.display().to_string(), fs::read(e.path()).unwrap())
            })
            .collect()
    }

    /// The files of a fresh build of the site `opts` describe, written
    /// beside `dir` (`dir-N`), by path.
    fn fresh_build(opts: &BuildOptions, dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        // A folder of its own each time: the last one's old self may
        // still be being removed in the background.
        static BUILDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        let dir = dir.with_file_name(format!("{name}-{n}"));
        let mut project = Project::load(opts).unwrap();
        project.make_image_variants();
        let staging = Staging::begin(&dir).unwrap();
        assert!(write_all(&mut project, &staging).is_empty());
        files_under(&staging.commit().unwrap())
    }

    #[test]
    fn a_bug_in_an_update_is_told_and_the_next_change_rebuilds_from_the_files() {
        let (root, mut session) = started(&[
            ("a.md", "---\ntitle: A\n---\nFirst A.\n"),
            ("b.md", "---\ntitle: B\n---\nFirst B.\n"),
        ]);
        let current = session.current();
        let served_a = || fs::read_to_string(served(&current).join("a/index.html")).unwrap();
        let before = served_a();
        // A panic halfway through an update, its project half changed (an
        // image too wide for WebP once did this, and ended the preview).
        let outcome = session.guarded(|s| {
            for page in &mut s.project.as_mut().unwrap().site.pages {
                if page.title == "B" {
                    page.title = "Half".into();
                }
            }
            panic!("the encoder refused")
        });
        let Outcome::Failed(diags) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(
            diags[0].message,
            "folio failed on a bug of its own: the encoder refused"
        );
        assert_eq!(
            session.standing_problems(),
            diags,
            "the browsers keep showing it"
        );
        assert_eq!(served_a(), before, "the last good build is still served");
        // The next change, however small, is applied to a site read again.
        let content = root.path().join("content");
        fs::write(content.join("a.md"), "---\ntitle: A\n---\nSecond A.\n").unwrap();
        let outcome = session.apply(Plan::Pages(vec!["content/a.md".into()]));
        let Outcome::Updated { summary, .. } = outcome else {
            panic!("{outcome:?}")
        };
        assert!(
            summary.starts_with("rebuilt the site (2 pages"),
            "{summary}"
        );
        let a = served_a();
        assert!(a.contains("Second A.") && !a.contains("Half"), "{a}");
        assert!(session.standing_problems().is_empty());
        session.cleanup();
    }

    #[test]
    fn a_change_whose_rebuild_failed_shows_once_the_problem_is_fixed() {
        let (root, mut session) = started(&[
            ("a.md", "---\ntitle: A\n---\nFirst A.\n"),
            ("b.md", "---\ntitle: B\n---\nFirst B.\n"),
        ]);
        let content = root.path().join("content");
        let page = |name: &str| Plan::Pages(vec![format!("content/{name}")]);
        // A is broken: its update fails, and the last good build stays.
        fs::write(content.join("a.md"), "---\ntitle: [A\n---\nSecond A.\n").unwrap();
        assert!(matches!(session.apply(page("a.md")), Outcome::Failed(_)));
        // B takes a new title, which every page's navigation shows: the
        // site is rebuilt, and that fails on A.
        fs::write(content.join("b.md"), "---\ntitle: Bee\n---\nFirst B.\n").unwrap();
        assert!(matches!(session.apply(page("b.md")), Outcome::Failed(_)));
        // A fixed: B's new title shows too.
        fs::write(content.join("a.md"), "---\ntitle: A\n---\nThird A.\n").unwrap();
        assert!(matches!(
            session.apply(page("a.md")),
            Outcome::Updated { .. }
        ));
        let home = fs::read_to_string(served(&session.current).join("index.html")).unwrap();
        assert!(home.contains(">Bee<"), "{home}");
        session.cleanup();
    }

    #[test]
    fn a_broken_page_stays_told_while_other_pages_update() {
        let (root, mut session) = started(&[
            ("a.md", "---\ntitle: A\n---\nFirst A.\n"),
            ("b.md", "---\ntitle: B\n---\nFirst B.\n"),
        ]);
        let content = root.path().join("content");
        let page = |name: &str| Plan::Pages(vec![format!("content/{name}")]);
        // The files with problems that stand after an update.
        let still_broken = |session: &mut Session, plan: Plan| {
            let outcome = session.apply(plan);
            assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
            let standing = session.standing_problems();
            standing
                .iter()
                .map(|d| d.file.clone().unwrap_or_default())
                .collect::<Vec<_>>()
        };
        // A stylesheet of static/ the site has (a new file rebuilds it).
        let css = root.path().join("static/site.css");
        fs::create_dir_all(css.parent().unwrap()).unwrap();
        fs::write(&css, "p { color: blue }").unwrap();
        assert!(matches!(session.apply(Plan::Full), Outcome::Updated { .. }));
        fs::write(content.join("a.md"), "---\ntitle: [A\n---\nSecond A.\n").unwrap();
        assert!(matches!(session.apply(page("a.md")), Outcome::Failed(_)));
        // B updates in place, and A's problem still stands.
        fs::write(content.join("b.md"), "---\ntitle: B\n---\nSecond B.\n").unwrap();
        assert_eq!(still_broken(&mut session, page("b.md")), ["content/a.md"]);
        let b = fs::read_to_string(served(&session.current).join("b/index.html")).unwrap();
        assert!(b.contains("Second B."), "{b}");
        // So it does after a stylesheet is copied.
        fs::write(&css, "p { color: red }").unwrap();
        let copy = Plan::Copy {
            files: vec![("static/site.css".into(), "site.css".into())],
            css_only: true,
        };
        assert_eq!(still_broken(&mut session, copy), ["content/a.md"]);
        // Broken otherwise: the new problem replaces the old.
        fs::write(content.join("a.md"), "---\ntitle: A\nweight: x\n---\n").unwrap();
        let Outcome::Failed(diags) = session.apply(page("a.md")) else {
            panic!("a.md still broken");
        };
        assert_eq!(session.standing_problems(), diags);
        // Fixed: nothing stands.
        fs::write(content.join("a.md"), "---\ntitle: A\n---\nThird A.\n").unwrap();
        assert!(still_broken(&mut session, page("a.md")).is_empty());
        // A failed rebuild stands until a rebuild succeeds (its errors:
        // a warning of another page is no problem to fix).
        fs::write(content.join("a.md"), "---\ntitle: [A\n---\n").unwrap();
        fs::write(content.join("b.md"), "---\ntitle: B\ntitel: B\n---\n").unwrap();
        let Outcome::Failed(diags) = session.apply(Plan::Full) else {
            panic!("the rebuild should fail");
        };
        assert!(diags.iter().any(|d| !d.is_error()), "{diags:?}");
        let css = Plan::Copy {
            files: vec![("static/site.css".into(), "site.css".into())],
            css_only: true,
        };
        assert_eq!(still_broken(&mut session, css), ["content/a.md"]);
        fs::write(content.join("a.md"), "---\ntitle: A\n---\n").unwrap();
        assert!(still_broken(&mut session, page("b.md")).is_empty());
        session.cleanup();
    }

    #[test]
    fn a_theme_stylesheet_is_copied_as_a_build_writes_it() {
        let (root, mut session) = started(&[]);
        // The handbook theme, as a folder of the site.
        for part in ["templates", "static"] {
            let to = root.path().join("themes/handbook").join(part);
            fs::create_dir_all(&to).unwrap();
            let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/handbook");
            for file in fs::read_dir(repo.join(part)).unwrap() {
                let file = file.unwrap().path();
                fs::copy(&file, to.join(file.file_name().unwrap())).unwrap();
            }
        }
        let css = "/* The theme's own notes. */\np {\n  color: red; /* why */\n}\n";
        for (dir, from, to) in [
            (
                "themes/handbook/static",
                "themes/handbook/static/folio.css",
                "folio.css",
            ),
            ("static", "static/site.css", "site.css"),
        ] {
            let dir = root.path().join(dir);
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join(to), css).unwrap();
            let copy = Plan::Copy {
                files: vec![(from.into(), to.into())],
                css_only: true,
            };
            assert!(matches!(session.apply(copy), Outcome::Updated { .. }));
        }
        let copied = files_under(&served(&session.current));
        assert!(!String::from_utf8_lossy(&copied["folio.css"]).contains("notes"));
        assert_eq!(copied["site.css"], css.as_bytes());
        // Both as a rebuild writes them.
        let outcome = session.apply(Plan::Full);
        assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
        let rebuilt = files_under(&served(&session.current));
        assert_eq!(copied["folio.css"], rebuilt["folio.css"]);
        assert_eq!(copied["site.css"], rebuilt["site.css"]);
        session.cleanup();
    }

    #[test]
    fn a_file_put_back_after_its_rebuild_failed_mends_the_site() {
        let root = tempfile::tempdir().unwrap();
        let at = |rel: &str| root.path().join(rel);
        for dir in ["content", "images", "static"] {
            fs::create_dir_all(at(dir)).unwrap();
        }
        let png = || {
            image::RgbImage::new(6, 4)
                .save(at("images/shot.png"))
                .unwrap()
        };
        png();
        fs::write(at("static/site.txt"), "one").unwrap();
        fs::write(at("content/_index.md"), "---\ntitle: Home\n---\n").unwrap();
        fs::write(
            at("content/a.md"),
            "---\ntitle: A\n---\n![A](../images/shot.png)\n",
        )
        .unwrap();
        let opts = BuildOptions::preview_of(root.path());
        let (mut session, _) = Session::start(opts.clone(), root.path().join("preview")).unwrap();
        let copy = |from: &str, to: &str| Plan::Copy {
            files: vec![(from.to_string(), to.to_string())],
            css_only: false,
        };
        // The image the page shows deleted: the rebuild fails on the page.
        fs::remove_file(at("images/shot.png")).unwrap();
        let outcome = session.apply(copy("images/shot.png", "images/shot.png"));
        assert!(matches!(outcome, Outcome::Failed(_)), "{outcome:?}");
        assert!(!session.standing_problems().is_empty());
        // Another file saved meanwhile shows at once; the site still fails.
        fs::write(at("static/site.txt"), "two").unwrap();
        let outcome = session.apply(copy("static/site.txt", "site.txt"));
        assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
        assert_eq!(
            fs::read(served(&session.current).join("site.txt")).unwrap(),
            b"two"
        );
        assert!(!session.standing_problems().is_empty());
        // Put back: the site builds again (before, only the image was
        // copied, and its problem stood).
        png();
        let outcome = session.apply(copy("images/shot.png", "images/shot.png"));
        assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
        assert_eq!(session.standing_problems(), Vec::new());
        let dir = served(&session.current);
        assert_eq!(files_under(&dir), fresh_build(&opts, &dir));
        session.cleanup();
    }

    #[test]
    fn an_image_saved_again_is_copied_and_the_pages_showing_it_rendered_again() {
        let root = tempfile::tempdir().unwrap();
        let at = |rel: &str| root.path().join(rel);
        for dir in ["content/guide", "images", "static"] {
            fs::create_dir_all(at(dir)).unwrap();
        }
        let png = |rel: &str, (w, h): (u32, u32), shade: u8| {
            image::RgbImage::from_pixel(w, h, image::Rgb([shade; 3]))
                .save(at(rel))
                .unwrap();
        };
        png("images/shot.png", (6, 4), 0);
        png("images/hero.png", (6, 4), 0);
        png("static/plan.png", (6, 4), 0);
        png("static/unused.png", (6, 4), 0);
        fs::write(at("content/guide/notes.pdf"), "%PDF old").unwrap();
        fs::write(at("content/_index.md"), "---\ntitle: Home\n---\n").unwrap();
        let page = "---\ntitle: Shots\nfeatured: ../../images/hero.png\n---\n\
                    ![A](../../images/shot.png) ![B](/plan.png) [notes](notes.pdf) \
                    [spec](files/spec.pdf) [form](/forms/form.pdf)\n";
        fs::write(at("content/guide/shots.md"), page).unwrap();
        let opts = BuildOptions::preview_of(root.path());
        let (mut session, _) = Session::start(opts.clone(), root.path().join("preview")).unwrap();
        let images = |files: &[(&str, &str)]| Plan::Copy {
            files: files
                .iter()
                .map(|(f, t)| (f.to_string(), t.to_string()))
                .collect(),
            css_only: false,
        };
        let served_bytes =
            |session: &Session, rel: &str| fs::read(served(&session.current).join(rel)).unwrap();

        // Taken again at the same size, new pixels: copied, no rebuild.
        png("images/shot.png", (6, 4), 200);
        png("static/plan.png", (6, 4), 200);
        fs::write(at("content/guide/notes.pdf"), "%PDF new").unwrap();
        let generation = session.generation;
        let outcome = session.apply(images(&[
            ("content/guide/notes.pdf", "guide/notes.pdf"),
            ("images/shot.png", "images/shot.png"),
            ("static/plan.png", "plan.png"),
        ]));
        assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
        assert_eq!(session.generation, generation, "copied, not rebuilt");
        assert_eq!(
            served_bytes(&session, "images/shot.png"),
            fs::read(at("images/shot.png")).unwrap()
        );
        assert_eq!(
            served_bytes(&session, "plan.png"),
            fs::read(at("static/plan.png")).unwrap()
        );
        assert_eq!(served_bytes(&session, "guide/notes.pdf"), b"%PDF new");

        // A new size: the page that shows it is rendered again, and every
        // tab reloads.
        png("images/shot.png", (8, 4), 0);
        let outcome = session.apply(images(&[("images/shot.png", "images/shot.png")]));
        let Outcome::Updated { event, summary, .. } = &outcome else {
            panic!("{outcome:?}");
        };
        assert!(
            matches!(event, LiveEvent::Reload { all: true, .. }),
            "{event:?}"
        );
        assert!(
            summary.contains("images/shot.png (a new size)"),
            "{summary}"
        );
        assert_eq!(session.generation, generation, "not rebuilt");
        let html = served_bytes(&session, "guide/shots/index.html");
        assert!(String::from_utf8_lossy(&html).contains("width=\"8\" height=\"4\""));
        assert_eq!(
            served_bytes(&session, "images/shot.png"),
            fs::read(at("images/shot.png")).unwrap()
        );
        // So for an image of static/.
        png("static/plan.png", (7, 4), 0);
        let outcome = session.apply(images(&[("static/plan.png", "plan.png")]));
        assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
        assert_eq!(session.generation, generation, "not rebuilt");
        let html = served_bytes(&session, "guide/shots/index.html");
        assert!(String::from_utf8_lossy(&html).contains("width=\"7\" height=\"4\""));

        // At a new size, but shown by no page: copied.
        png("static/unused.png", (7, 4), 0);
        let outcome = session.apply(images(&[("static/unused.png", "unused.png")]));
        let Outcome::Updated { summary, .. } = &outcome else {
            panic!("{outcome:?}");
        };
        assert!(summary.ends_with("(no page shows it)"), "{summary}");
        assert_eq!(session.generation, generation, "not rebuilt");

        // A featured image, with new pixels, then at a new size: its
        // variants are made again, and its page and its section's listing
        // rendered again. The old variants go: the served site is a fresh
        // build's.
        for (size, shade) in [((6, 4), 90), ((9, 5), 90), ((9, 5), 90)] {
            png("images/hero.png", size, shade);
            let outcome = session.apply(images(&[("images/hero.png", "images/hero.png")]));
            let Outcome::Updated { summary, .. } = &outcome else {
                panic!("{outcome:?}");
            };
            assert!(summary.contains("images/hero.png (featured"), "{summary}");
            assert!(summary.contains("1 page → 2 files"), "{summary}");
            assert_eq!(session.generation, generation, "not rebuilt");
            let html = served_bytes(&session, "guide/index.html");
            let (w, h) = size;
            let thumbnail = format!("width=\"{w}\" height=\"{h}\"");
            assert!(String::from_utf8_lossy(&html).contains(&thumbnail));
            let served = files_under(&super::served(&session.current));
            assert_eq!(served, fresh_build(&opts, &at("fresh")), "{size:?}");
        }
        // Cut short, it has a size but no variants: the page shows the
        // image as it is, and the preview says why.
        let whole = fs::read(at("images/hero.png")).unwrap();
        fs::write(at("images/hero.png"), &whole[..whole.len() - 20]).unwrap();
        let outcome = session.apply(images(&[("images/hero.png", "images/hero.png")]));
        let Outcome::Updated { warnings, .. } = &outcome else {
            panic!("{outcome:?}");
        };
        assert!(
            warnings[0].message.contains("smaller versions"),
            "{warnings:?}"
        );
        let served = files_under(&super::served(&session.current));
        assert_eq!(served, fresh_build(&opts, &at("fresh")), "cut short");
        // A new file that no page names: copied, and the site's from then
        // on (saved again, it is copied again).
        for shade in [50, 60] {
            png("images/new.png", (6, 4), shade);
            let outcome = session.apply(images(&[("images/new.png", "images/new.png")]));
            assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
            assert_eq!(session.generation, generation, "not rebuilt");
            let served = files_under(&super::served(&session.current));
            assert_eq!(served, fresh_build(&opts, &at("fresh")), "new.png");
        }
        // A new file that a page's link named in vain: copied, and the
        // page updated (the link now points at it). A symbolic link
        // rebuilds the site.
        fs::create_dir_all(at("content/guide/files")).unwrap();
        fs::write(at("content/guide/files/spec.pdf"), "%PDF spec").unwrap();
        let spec = ("content/guide/files/spec.pdf", "guide/files/spec.pdf");
        let outcome = session.apply(images(&[spec]));
        let Outcome::Updated { summary, .. } = &outcome else {
            panic!("{outcome:?}");
        };
        assert!(
            summary.ends_with("its links found: content/guide/shots.md → 1 file"),
            "{summary}"
        );
        assert_eq!(session.generation, generation, "not rebuilt");
        let served = files_under(&super::served(&session.current));
        assert_eq!(served, fresh_build(&opts, &at("fresh")), "spec.pdf");
        assert!(String::from_utf8_lossy(&served["guide/shots/index.html"])
            .contains("href=\"/guide/files/spec.pdf\""));
        std::os::unix::fs::symlink(at("images/new.png"), at("images/linked.png")).unwrap();
        let outcome = session.apply(images(&[("images/linked.png", "images/linked.png")]));
        assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
        assert_eq!(
            session.generation,
            generation + 1,
            "a symbolic link: rebuilt"
        );
        // So for a new file of static/ that a link names by its URL: the
        // preview's warning about that link goes.
        let warned = |session: &Session| {
            let mut warnings = session.warnings.iter();
            warnings.any(|d| d.message.contains("/forms/form.pdf"))
        };
        assert!(warned(&session));
        fs::create_dir_all(at("static/forms")).unwrap();
        fs::write(at("static/forms/form.pdf"), "%PDF form").unwrap();
        let outcome = session.apply(images(&[("static/forms/form.pdf", "forms/form.pdf")]));
        let Outcome::Updated { summary, .. } = &outcome else {
            panic!("{outcome:?}");
        };
        assert!(
            summary.contains("its links found: content/guide/shots.md"),
            "{summary}"
        );
        assert!(!warned(&session));
        // A new file of static/ no page names; then, edited, it is copied.
        for text in ["%PDF new", "%PDF edited"] {
            fs::write(at("static/new.pdf"), text).unwrap();
            let generation = session.generation;
            let outcome = session.apply(images(&[("static/new.pdf", "new.pdf")]));
            assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
            assert_eq!(session.generation, generation, "{text}: not rebuilt");
            let served = files_under(&super::served(&session.current));
            assert_eq!(served, fresh_build(&opts, &at("fresh")), "{text}");
        }
        // Deleted: a file no page names leaves the served site in place;
        // one a page links to rebuilds it (the page must say so).
        for file in ["images/linked.png", "images/new.png"] {
            fs::remove_file(at(file)).unwrap();
            let outcome = session.apply(images(&[(file, file)]));
            let Outcome::Updated { summary, .. } = &outcome else {
                panic!("{outcome:?}");
            };
            assert_eq!(*summary, format!("removed {file} (no page names it)"));
            assert_eq!(session.generation, generation + 1, "not rebuilt");
            let served = files_under(&super::served(&session.current));
            assert_eq!(served, fresh_build(&opts, &at("fresh")), "{file} removed");
        }
        fs::remove_file(at("content/guide/notes.pdf")).unwrap();
        let outcome = session.apply(images(&[("content/guide/notes.pdf", "guide/notes.pdf")]));
        assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
        assert_eq!(session.generation, generation + 2, "notes.pdf: rebuilt");
        // A deleted file that only a broken link's "did you mean" named:
        // that page is updated in place, its warning without the file.
        png("images/diagram.png", (6, 4), 0);
        let more = "---\ntitle: More\n---\nSee [the diagram](../../images/diagramm.png).\n";
        fs::write(at("content/guide/more.md"), more).unwrap();
        assert!(matches!(session.apply(Plan::Full), Outcome::Updated { .. }));
        let suggests = |session: &Session| {
            let hints = session.warnings.iter().filter_map(|w| w.hint.as_deref());
            hints.filter(|h| h.contains("images/diagram.png")).count()
        };
        assert_eq!(suggests(&session), 1);
        fs::remove_file(at("images/diagram.png")).unwrap();
        let outcome = session.apply(images(&[("images/diagram.png", "images/diagram.png")]));
        let Outcome::Updated {
            summary, warnings, ..
        } = &outcome
        else {
            panic!("{outcome:?}");
        };
        let told: Vec<_> = warnings.iter().filter_map(|w| w.hint.as_deref()).collect();
        assert_eq!(
            told,
            ["check the path; it is relative to this page's folder"]
        );
        assert_eq!(suggests(&session), 0);
        assert_eq!(
            *summary,
            "removed images/diagram.png; links checked again: content/guide/more.md → 1 file"
        );
        assert_eq!(
            session.generation,
            generation + 3,
            "diagram.png: not rebuilt"
        );
        let served = files_under(&super::served(&session.current));
        assert_eq!(
            served,
            fresh_build(&opts, &at("fresh")),
            "diagram.png removed"
        );
        // A new file at a path the served site holds (folio's not-found
        // page, a page's): the rebuild reports the clash, and folio's page
        // stays. (The failed rebuild makes the next change rebuild too.)
        fs::create_dir_all(at("static/guide/shots")).unwrap();
        for (file, to) in [
            ("content/404.html", "404.html"),
            ("static/guide/shots/index.html", "guide/shots/index.html"),
        ] {
            fs::write(at(file), "clash").unwrap();
            let outcome = session.apply(images(&[(file, to)]));
            let Outcome::Failed(problems) = &outcome else {
                panic!("{outcome:?}");
            };
            assert!(
                problems[0].message.contains(&format!("`{to}`")),
                "{problems:?}"
            );
            assert!(served_bytes(&session, to).starts_with(b"<!"));
            fs::remove_file(at(file)).unwrap();
        }
        session.cleanup();
    }

    /// A page of the random test below, as its keys stand.
    #[derive(Clone, Default)]
    struct Saved {
        title: Option<String>,
        heading: Option<String>,
        weight: u64,
        description: Option<String>,
        /// A link to another page (its index in the test's list), with an
        /// anchor that may or may not be there.
        link: Option<(usize, u64)>,
        draft: bool,
        /// A tag, and a day of the month for `date`.
        tag: Option<String>,
        day: Option<u64>,
        version: u64,
        broken: bool,
    }

    /// `to` as a link from the page `from` (both under `content/`).
    fn relative(from: &str, to: &str) -> String {
        "../".repeat(from.matches('/').count()) + to
    }

    #[test]
    fn random_batches_of_saves_leave_the_served_site_a_fresh_build() {
        let names = [
            "top.md",
            "guide/_index.md",
            "guide/a.md",
            "guide/b.md",
            "guide/c.md",
            "guide/deep/_index.md",
            "guide/deep/x.md",
            "guide/deep/y.md",
            "ops/p.md",
            "ops/q.md",
        ];
        let text = |i: usize, p: &Saved| {
            let mut front = String::new();
            if let Some(t) = &p.title {
                let open = if p.broken { "[" } else { "" };
                front.push_str(&format!("title: {open}{t}\n"));
            } else if p.broken {
                front.push_str("title: [\n");
            }
            if p.weight > 0 {
                front.push_str(&format!("weight: {}\n", p.weight));
            }
            if let Some(d) = &p.description {
                front.push_str(&format!("description: {d}\n"));
            }
            if p.draft {
                front.push_str("draft: true\n");
            }
            if let Some(t) = &p.tag {
                front.push_str(&format!("tags: [{t}]\n"));
            }
            if let Some(d) = p.day {
                front.push_str(&format!("date: 2026-01-{:02}\n", d + 1));
            }
            // Images at the site root: one featured by every third page,
            // another shown by every third page's body.
            let image = |name: &str| format!("../{}", relative(names[i], name));
            if i % 3 == 1 {
                front.push_str(&format!("featured: {}\n", image("images/hero.png")));
            }
            let mut text = format!("---\n{front}---\n");
            if let Some(h) = &p.heading {
                text.push_str(&format!("# {h}\n\n"));
            }
            if i % 3 == 2 {
                text.push_str(&format!("![A shot]({})\n\n", image("images/shot.png")));
            }
            // A link to a file that comes later in the test: written as
            // it is until then. (On a section's page: never a draft.)
            if i == 1 {
                text.push_str(
                    "See [the spec](files/later.pdf) and [the form](/forms/later.pdf).\n\n",
                );
            }
            text.push_str(&format!(
                "Page {i}, version {}.\n\n## Part {}\n",
                p.version,
                p.version % 3
            ));
            if let Some((to, part)) = p.link {
                text.push_str(&format!(
                    "\nSee [there]({}#part-{part}).\n",
                    relative(names[i], names[to])
                ));
            }
            text
        };
        let mut pages: Vec<Saved> = (0..names.len())
            .map(|i| Saved {
                title: Some(format!("Page {i}")),
                ..Saved::default()
            })
            .collect();
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        fs::create_dir_all(root.path().join("images")).unwrap();
        // An image saved at a size, in a shade, or cut short (its size can
        // still be read, its pixels not: a featured one gets no variants).
        let save_image = |name: &str, (w, h): (u32, u32), shade: u8, cut: bool| {
            let path = root.path().join(name);
            image::RgbImage::from_pixel(w, h, image::Rgb([shade; 3]))
                .save(&path)
                .unwrap();
            if cut {
                let whole = fs::read(&path).unwrap();
                fs::write(&path, &whole[..whole.len() - 20]).unwrap();
            }
        };
        save_image("images/hero.png", (6, 4), 0, false);
        save_image("images/shot.png", (6, 4), 0, false);
        fs::create_dir_all(content.join("guide/deep")).unwrap();
        fs::create_dir_all(content.join("ops")).unwrap();
        fs::write(content.join("_index.md"), "---\ntitle: Home\n---\n").unwrap();
        for (i, name) in names.iter().enumerate() {
            fs::write(content.join(name), text(i, &pages[i])).unwrap();
        }
        let opts = BuildOptions::preview_of(root.path());
        let (mut session, _) = Session::start(opts.clone(), root.path().join("preview")).unwrap();
        let fresh = |n: usize| fresh_build(&opts, &root.path().join(format!("fresh-{n}")));
        let mut rng = crate::test_rng::Rng(0x9e37_79b9_u64);
        let mut next = |n: u64| rng.below(n as usize) as u64;
        let words = ["Alpha", "Zulu", "Mike", "Bravo"];
        let (mut updated, mut failed) = (0, 0);
        let (mut images_saved, mut pages_saved, mut in_place) = (0, 0, 0);
        // Files added, and how many of those steps should update in place
        // (then how many did).
        let (mut added, mut new_in_place, mut added_in_place) = (0_u64, 0, 0);
        for step in 0..160 {
            // Now and then an image saved again; else one to three pages
            // in a batch, a broken one now and then.
            let mut batch: Vec<String> = Vec::new();
            // For a file added or deleted: whether it may be taken in
            // place.
            let mut expect_in_place = None;
            let plan = if next(8) == 0 {
                // A file added (that no page names, or the one a link
                // names in vain: that page is updated), or one added
                // before deleted.
                let later = root.path().join("content/guide/files/later.pdf");
                let form = root.path().join("static/forms/later.pdf");
                let (name, expected) = match next(4) {
                    _ if step >= 100 && !form.exists() => {
                        fs::create_dir_all(form.parent().unwrap()).unwrap();
                        fs::write(&form, "%PDF").unwrap();
                        ("static/forms/later.pdf".to_string(), true)
                    }
                    _ if step >= 60 && !later.exists() => {
                        fs::create_dir_all(content.join("guide/files")).unwrap();
                        fs::write(content.join("guide/files/later.pdf"), "%PDF").unwrap();
                        ("content/guide/files/later.pdf".to_string(), true)
                    }
                    0 if added > 0 => {
                        // Deleted (no page names it: taken out in place),
                        // or deleted already (a rebuild).
                        let name = format!("images/extra-{}.png", next(added));
                        let was_there = fs::remove_file(root.path().join(&name)).is_ok();
                        (name, was_there)
                    }
                    _ => {
                        let name = format!("images/extra-{added}.png");
                        save_image(&name, (6, 4), 0, false);
                        added += 1;
                        (name, true)
                    }
                };
                batch.push(name.clone());
                new_in_place += usize::from(expected);
                expect_in_place = Some(expected);
                let out = ["content/", "static/"]
                    .iter()
                    .find_map(|dir| name.strip_prefix(dir))
                    .unwrap_or(&name);
                Plan::Copy {
                    files: vec![(name.clone(), out.to_string())],
                    css_only: false,
                }
            } else if next(4) == 0 {
                let name = ["images/hero.png", "images/shot.png"][next(2) as usize];
                let size = [(6, 4), (9, 5)][next(2) as usize];
                save_image(name, size, next(3) as u8 * 100, next(5) == 0);
                batch.push(name.to_string());
                images_saved += 1;
                Plan::Copy {
                    files: vec![(name.to_string(), name.to_string())],
                    css_only: false,
                }
            } else {
                pages_saved += 1;
                Plan::Pages(Vec::new())
            };
            for _ in 0..=next(3) {
                if matches!(plan, Plan::Copy { .. }) {
                    break;
                }
                let i = next(names.len() as u64) as usize;
                let word = words[next(4) as usize].to_string();
                let page = &mut pages[i];
                match next(14) {
                    12 => page.tag = page.tag.is_none().then_some(word),
                    13 => page.day = Some(next(28)),
                    0 => page.title = Some(word),
                    1 => page.title = None,
                    2 => page.heading = page.heading.is_none().then_some(word),
                    3 => page.weight = next(3),
                    4 => page.description = page.description.is_none().then_some(word),
                    5 => page.link = Some((next(names.len() as u64) as usize, next(3))),
                    6 => page.draft = !page.draft && !names[i].ends_with("_index.md"),
                    7 => page.broken = true,
                    _ => page.version += 1,
                }
                fs::write(content.join(names[i]), text(i, page)).unwrap();
                batch.push(format!("content/{}", names[i]));
            }
            // Whatever was broken is fixed in the batch after.
            let broken_now: Vec<usize> = (0..names.len()).filter(|&i| pages[i].broken).collect();
            let plan = match plan {
                Plan::Pages(_) => Plan::Pages(batch.clone()),
                plan => plan,
            };
            let (generation, copy) = (session.generation, matches!(plan, Plan::Copy { .. }));
            match session.apply(plan) {
                Outcome::Updated { .. } => {
                    updated += 1;
                    let kept = copy && session.generation == generation;
                    match expect_in_place {
                        Some(expected) => {
                            assert!(expected || !kept, "step {step}: {batch:?} taken in place");
                            added_in_place += usize::from(kept);
                        }
                        None => in_place += usize::from(kept),
                    }
                    session.write_deferred();
                    let served = files_under(&served(&session.current));
                    let fresh = fresh(step);
                    let differ: Vec<&String> = fresh
                        .keys()
                        .chain(served.keys())
                        .filter(|path| served.get(*path) != fresh.get(*path))
                        .collect();
                    assert!(
                        differ.is_empty(),
                        "step {step}: {batch:?}: {differ:?} differ"
                    );
                    // The files the session knows of are those on disk (a
                    // folder that goes is told by them).
                    let files = |found: &crate::discover::Discovered| {
                        let all = found.assets.iter().chain(&found.statics);
                        let mut rels: Vec<String> = all.map(|f| f.rel.clone()).collect();
                        rels.sort();
                        rels
                    };
                    let known = files(&session.project().unwrap().found);
                    let on_disk = files(&crate::discover::discover(root.path()).0);
                    assert_eq!(known, on_disk, "step {step}: {batch:?}");
                }
                Outcome::Failed(_) => failed += 1,
                Outcome::Nothing => panic!("step {step}: nothing done for {batch:?}"),
            }
            for i in broken_now {
                pages[i].broken = false;
                fs::write(content.join(names[i]), text(i, &pages[i])).unwrap();
                session.apply(Plan::Pages(vec![format!("content/{}", names[i])]));
            }
        }
        assert!(
            updated >= 60 && failed >= 5 && pages_saved >= 100,
            "{updated} updated, {failed} failed, {pages_saved} batches of pages"
        );
        // Image saves are updates in place, but those that come while the
        // served site misses a change (a batch failed halfway).
        assert!(
            images_saved >= 25 && in_place * 10 >= images_saved * 8,
            "{in_place} of {images_saved} image saves updated in place"
        );
        // New and deleted files are taken in and out in place, but those
        // that come while the served site misses a change.
        assert!(
            added >= 8 && added_in_place * 10 >= new_in_place * 8,
            "{added_in_place} of {new_in_place} new files taken in place ({added} added)"
        );
        session.cleanup();
    }

    #[test]
    fn a_search_index_that_could_not_be_written_is_written_at_the_next_chance() {
        let (root, mut session) = started(&[("a.md", "---\ntitle: A\n---\nFirst words.\n")]);
        let content = root.path().join("content");
        let site = served(&session.current);
        fs::write(
            content.join("a.md"),
            "---\ntitle: A\n---\nZebracorn words.\n",
        )
        .unwrap();
        let page = Plan::Pages(vec!["content/a.md".into()]);
        assert!(matches!(session.apply(page), Outcome::Updated { .. }));
        // The folder served cannot take files for a moment (here it is a
        // file): the index is not written.
        *session.current.write().unwrap() = content.join("a.md");
        let (_, errors) = session.write_deferred().unwrap();
        assert!(!errors.is_empty());
        *session.current.write().unwrap() = site.clone();
        let (_, errors) = session.write_deferred().expect("tried again");
        assert!(errors.is_empty(), "{errors:?}");
        let index = fs::read_to_string(site.join(INDEX_FILE)).unwrap();
        assert!(index.contains("zebracorn"));
        assert!(session.write_deferred().is_none());
        session.cleanup();
    }
}
