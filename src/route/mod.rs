//! Routes: where each source ends up, and what a reference in a page points to.
//!
//! Known before any Markdown is parsed (URLs depend only on paths and
//! `slug`), so the parse stage can rewrite `../runbooks/deploy.md#rollback`
//! into the page's URL while it renders. Two sources mapping to one URL are
//! caught here, before anything is written.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use rayon::prelude::*;

use crate::diagnostic::{ten_and_last, Diagnostic, Nearby, SameName};

/// Characters escaped in a URL path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// A page's place in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Output folder relative to the output root (`a/b/`; empty for home):
    /// for a section's index page (`_index.md`, `index.md`), its section's.
    pub dir: String,
    /// Site-absolute URL, percent-encoded, with the base path (`/handbook/a/b/`).
    pub url: String,
}

/// One page source and the slug it asks for.
#[derive(Debug, Clone)]
pub struct RouteRequest<'a> {
    /// Project-relative source path.
    pub source: &'a str,
    /// `slug` from front matter, with its line.
    pub slug: Option<(&'a str, usize)>,
    /// Old URLs (`aliases`) that should redirect to the page.
    pub aliases: &'a [String],
    /// The line of `aliases` in the front matter (0 without any).
    pub aliases_line: usize,
}

impl<'a> RouteRequest<'a> {
    /// The request of a loaded page: its source, `slug` and `aliases`.
    pub fn of(page: &'a crate::load::LoadedPage) -> Self {
        let front = &page.front;
        RouteRequest {
            source: &page.source,
            slug: front.slug.as_ref().map(|(s, l)| (s.as_str(), *l)),
            aliases: &front.aliases,
            aliases_line: match front.aliases.is_empty() {
                true => 0,
                false => front.line_of("aliases"),
            },
        }
    }
}

/// What an `href` or `src` in a page refers to. Borrows from the routes
/// where it can: resolving a link is on the hot path of every build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference<'r> {
    /// `https://…`, `mailto:` and the like: left alone.
    External,
    /// `#id` on the same page.
    SamePage(String),
    /// Another page, by source path, with its URL and optional `#id`.
    Page {
        /// Source of the target page.
        source: &'r str,
        /// URL to write, including `#fragment`.
        url: Cow<'r, str>,
        /// The fragment, if any, to check against the target's heading ids.
        fragment: Option<String>,
    },
    /// A file under `images/` or co-located in `content/`.
    Asset {
        /// Project-relative path of the file.
        path: String,
        /// URL to write.
        url: String,
    },
    /// A `.md` page or an image that does not exist.
    Missing {
        /// The project-relative path it resolved to.
        path: String,
        /// A close existing path, for "did you mean".
        suggestion: Option<String>,
    },
    /// Climbs out of the site with `..`.
    Outside,
    /// A section without an index page (folio generates its listing), by
    /// its URL with any `?query` and `#fragment`.
    Section {
        /// URL to write.
        url: String,
    },
    /// A file of `static/` or of `content/` linked by its site path
    /// (`/files/a.pdf`), or a folder of `static/` with an `index.html`:
    /// the URL to write, under the base path.
    Static {
        /// URL to write.
        url: String,
        /// The project-relative file (`static/files/a.pdf`); `None` for a
        /// folder.
        file: Option<String>,
    },
    /// Something else (a file folio does not know): left alone.
    Unknown,
}

/// The "did you mean" candidates of links that miss, each list made the
/// first time one misses (most builds have none).
#[derive(Debug, Default, Clone)]
struct Near {
    /// Page sources.
    pages: OnceLock<Nearby<String>>,
    /// Page sources by file name (`deploy.md`), index pages left out.
    names: OnceLock<SameName>,
    /// Assets (both made again when one comes or goes).
    assets: OnceLock<Nearby<String>>,
    /// Assets by file name.
    asset_names: OnceLock<SameName>,
    /// Output folders of pages and sections.
    folders: OnceLock<Nearby<String>>,
    /// The same, as folders of `content/`.
    content_folders: OnceLock<Nearby<String>>,
    /// The site's files (of `content/`, `images/` and `static/`), by
    /// output path (both made again when one comes or goes).
    files: OnceLock<Nearby<String>>,
    /// The same, by file name.
    file_names: OnceLock<SameName>,
}

/// Every page's route and every asset, by project-relative path.
#[derive(Debug, Default, Clone)]
pub struct Routes {
    base_path: String,
    pages: HashMap<String, Route>,
    assets: HashSet<String>,
    image_sizes: HashMap<String, (u32, u32)>,
    /// Output folder → page source, for links written as URLs.
    by_dir: HashMap<String, String>,
    /// Output folders of sections (pages or not), for links to them.
    section_dirs: HashSet<String>,
    /// Output paths of files copied from `static/`.
    static_files: HashSet<String>,
    /// Sources of draft pages left out of this build (`draft: true`
    /// without `--drafts`), so a link to one can say so.
    drafts: HashSet<String>,
    /// `assets` by their lower-cased path, for links that miss by letter
    /// case only; made when first needed.
    assets_folded: OnceLock<HashMap<String, String>>,
    /// "Did you mean" candidates, made when a link first misses.
    near: Near,
    /// Folder URLs name their `index.html` (see [`folder_url`]).
    index_files: bool,
}

/// A problem [`Routes::plan`] finds, typed, so a caller can tell which
/// sources it concerns without reading its message; it becomes the
/// build's diagnostic with `Diagnostic::from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteProblem {
    /// Several sources claim one output folder.
    Collision {
        /// The folder (`a/b/`, empty for the root).
        dir: String,
        /// The sources, in order, each with the line of the key (`slug`,
        /// `aliases`) that gave it the URL, 0 for none.
        claimants: Vec<(String, usize)>,
    },
    /// A page (or one of its aliases) takes the URL of a folder of pages
    /// without an index file, whose page folio makes.
    OverSection {
        /// The folder.
        dir: String,
        /// The page.
        source: String,
        /// The line of its `slug` or `aliases`, 0 for none.
        line: usize,
        /// An alias takes the URL, not the page itself.
        by_alias: bool,
    },
    /// A section's index page gives a `slug`, which is ignored.
    IgnoredSlug {
        /// The index page.
        source: String,
        /// The line of its `slug`.
        line: usize,
    },
}

impl RouteProblem {
    /// True when the problem stops the build (a warning otherwise).
    pub fn is_error(&self) -> bool {
        !matches!(self, RouteProblem::IgnoredSlug { .. })
    }

    /// True when `source` is one of the sources the problem names.
    pub fn concerns(&self, source: &str) -> bool {
        match self {
            RouteProblem::Collision { claimants, .. } => claimants.iter().any(|(s, _)| s == source),
            RouteProblem::OverSection { source: s, .. }
            | RouteProblem::IgnoredSlug { source: s, .. } => s == source,
        }
    }
}

impl From<&RouteProblem> for Diagnostic {
    fn from(problem: &RouteProblem) -> Diagnostic {
        match problem {
            RouteProblem::Collision { dir, claimants } => collision(dir, claimants),
            RouteProblem::OverSection {
                dir,
                source,
                line,
                by_alias,
            } => over_section(dir, source, *line, *by_alias),
            RouteProblem::IgnoredSlug { source, line } => Diagnostic::warning(
                "`slug` is ignored on a section's index page; the folder name is the URL",
            )
            .in_file(source.clone())
            .at_line(*line, 1)
            .with_hint("rename the folder to change the section's URL"),
        }
    }
}

impl From<RouteProblem> for Diagnostic {
    fn from(problem: RouteProblem) -> Diagnostic {
        Diagnostic::from(&problem)
    }
}

impl Routes {
    /// Plans routes for all pages; reports sources that collide on one URL
    /// (in the order the build tells them). With `index_files`, page URLs
    /// name their `index.html` (see [`folder_url`]).
    pub fn plan<'a>(
        base_path: &str,
        index_files: bool,
        requests: &[RouteRequest<'a>],
        assets: impl IntoIterator<Item = String>,
    ) -> (Routes, Vec<RouteProblem>) {
        let mut routes = Routes {
            base_path: base_path.to_string(),
            pages: HashMap::with_capacity(requests.len()),
            assets: assets.into_iter().collect(),
            image_sizes: HashMap::new(),
            by_dir: HashMap::with_capacity(requests.len()),
            section_dirs: HashSet::new(),
            static_files: HashSet::new(),
            drafts: HashSet::new(),
            assets_folded: OnceLock::new(),
            near: Near::default(),
            index_files,
        };
        // Each page's folder, URL, case-folded key, source folder and
        // whether it is a section index depend on it alone.
        let planned: Vec<Planned<'a>> = requests
            .par_iter()
            .map(|req| {
                let (folder, stem) = source_parts(req.source);
                let dir = dir_of(folder, stem, req.slug.map(|(s, _)| s));
                Planned {
                    url: folder_url(base_path, &dir, index_files),
                    folded: fold(&dir),
                    dir,
                    folder,
                    is_index: is_index_stem(stem),
                }
            })
            .collect();
        // Who claimed each folder first; later claimants make a collision.
        let mut first_claim: HashMap<String, (&str, usize)> =
            HashMap::with_capacity(requests.len());
        let mut collisions: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
        let mut claim =
            |folded: String, source: &'a str, line: usize| match first_claim.entry(folded) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert((source, line));
                }
                std::collections::hash_map::Entry::Occupied(o) => {
                    let (first, first_line) = *o.get();
                    collisions
                        .entry(o.key().clone())
                        .or_insert_with(|| vec![(first.to_string(), first_line)])
                        .push((source.to_string(), line));
                }
            };
        let mut ignored_slugs = Vec::new();
        // Folders whose index file claims their URL, and URLs that aliases
        // claim.
        let mut indexed: HashSet<String> = HashSet::new();
        let mut alias_dirs: HashSet<String> = HashSet::new();
        let mut last_folder: Option<&str> = None;
        for (req, planned) in requests.iter().zip(planned) {
            let Planned {
                dir,
                url,
                folded,
                folder,
                is_index,
            } = planned;
            if let (true, Some((_, line))) = (is_index, req.slug) {
                ignored_slugs.push(RouteProblem::IgnoredSlug {
                    source: req.source.to_string(),
                    line,
                });
            }
            if is_index {
                indexed.insert(folded.clone());
            }
            claim(folded, req.source, req.slug.map_or(0, |(_, l)| l));
            for alias in req.aliases {
                let alias_dir = alias_dir(alias);
                alias_dirs.insert(fold(&alias_dir));
                claim(fold(&alias_dir), req.source, req.aliases_line);
            }
            // Every folder on the way down is a section: `a/`, `a/b/`.
            // Sources come folder by folder, so most repeat the last one.
            if last_folder != Some(folder) {
                for (i, _) in folder.match_indices('/').chain([(folder.len(), "")]) {
                    if folder.is_empty() {
                        break;
                    }
                    routes.section_dirs.insert(format!("{}/", &folder[..i]));
                }
                last_folder = Some(folder);
            }
            routes.by_dir.insert(dir.clone(), req.source.to_string());
            routes
                .pages
                .insert(req.source.to_string(), Route { dir, url });
        }
        // A folder of pages without an index file is a section all the
        // same, whose page folio makes at the folder's URL: a page or an
        // alias there would be written over it.
        let mut over_sections: Vec<(&str, &str, usize)> = routes
            .section_dirs
            .iter()
            .map(String::as_str)
            .chain([""])
            .filter_map(|dir| {
                let folded = fold(dir);
                let &(source, line) = first_claim.get(&folded)?;
                (!indexed.contains(&folded) && !collisions.contains_key(&folded))
                    .then_some((source, dir, line))
            })
            .collect();
        over_sections.sort_by_key(|&(source, ..)| source);
        let over_sections = over_sections.into_iter().map(|(source, dir, line)| {
            let by_alias = alias_dirs.contains(&fold(dir));
            RouteProblem::OverSection {
                dir: dir.to_string(),
                source: source.to_string(),
                line,
                by_alias,
            }
        });
        let mut problems: Vec<RouteProblem> = collisions
            .into_iter()
            .map(|(dir, claimants)| RouteProblem::Collision { dir, claimants })
            .collect();
        problems.extend(over_sections);
        problems.extend(ignored_slugs);
        (routes, problems)
    }

    /// The route of a page source.
    pub fn page(&self, source: &str) -> Option<&Route> {
        self.pages.get(source)
    }

    /// The base path every URL starts with (`/` or `/handbook/`).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The URL of output folder `dir` (`a/b/`, empty for the root), in
    /// the form the pages' URLs have (see [`folder_url`]).
    pub fn folder_url(&self, dir: &str) -> String {
        folder_url(&self.base_path, dir, self.index_files)
    }

    /// Records the files copied from `static/` (output-relative), which
    /// links may point at.
    pub fn set_static_files(&mut self, files: impl IntoIterator<Item = String>) {
        self.static_files = files.into_iter().collect();
    }

    /// Whether the site has the file of `content/`, `images/` or `static/`
    /// at `path` (project-relative), written at `out` (output-relative);
    /// `None` for any other file (a theme's).
    pub fn has_file(&self, path: &str, out: &str) -> Option<bool> {
        match path.split('/').next() {
            Some("content" | "images") => Some(self.has_asset(path)),
            Some("static") => Some(self.static_files.contains(out)),
            _ => None,
        }
    }

    /// Takes in a file of `content/`, `images/` or `static/` (by its
    /// project-relative path `path`, and `out`, its output-relative one)
    /// added since the routes were planned (under `folio serve`).
    pub fn add_file(&mut self, path: &str, out: &str) {
        self.near.files = OnceLock::new();
        self.near.file_names = OnceLock::new();
        if path.starts_with("static/") {
            self.static_files.insert(out.to_string());
        } else {
            self.assets.insert(path.to_string());
            self.assets_folded = OnceLock::new();
            self.near.assets = OnceLock::new();
            self.near.asset_names = OnceLock::new();
        }
    }

    /// Lets go of a file of `content/`, `images/` or `static/` (by its
    /// project-relative path `path`, and `out`, its output-relative one)
    /// deleted since the routes were planned (under `folio serve`).
    pub fn remove_file(&mut self, path: &str, out: &str) {
        self.near.files = OnceLock::new();
        self.near.file_names = OnceLock::new();
        if path.starts_with("static/") {
            self.static_files.remove(out);
        } else {
            self.assets.remove(path);
            self.assets_folded = OnceLock::new();
            self.near.assets = OnceLock::new();
            self.near.asset_names = OnceLock::new();
        }
        self.image_sizes.remove(path);
    }

    /// Records the draft pages this build leaves out.
    pub fn set_drafts(&mut self, sources: impl IntoIterator<Item = String>) {
        self.drafts = sources.into_iter().collect();
    }

    /// What folio writes at output path `path` (`a/b/index.html`) for a
    /// page or a section: the page's source, or the section's folder
    /// (`content/a/b/`) when it has no index file. `None` for other paths.
    pub fn page_at(&self, path: &str) -> Option<String> {
        let dir = path.strip_suffix("index.html")?;
        if !(dir.is_empty() || dir.ends_with('/')) {
            return None;
        }
        if let Some(source) = self.by_dir.get(dir) {
            return Some(source.clone());
        }
        (dir.is_empty() || self.section_dirs.contains(dir)).then(|| format!("content/{dir}"))
    }

    /// True when the project folder `folder` (`content/a/b`, or `content`)
    /// holds pages: a section, with or without an index file.
    pub fn has_section(&self, folder: &str) -> bool {
        content_dir(folder).is_some_and(|dir| dir.is_empty() || self.section_dirs.contains(&dir))
    }

    /// How many draft pages this build leaves out.
    pub fn drafts_left_out(&self) -> usize {
        self.drafts.len()
    }

    /// True for a page this build leaves out as a draft.
    pub fn is_draft(&self, source: &str) -> bool {
        self.drafts.contains(source)
    }

    /// Records the pixel sizes of images (of `images/`, `content/` and
    /// `static/`, by project-relative path), for `width`/`height`.
    pub fn set_image_sizes(&mut self, sizes: HashMap<String, (u32, u32)>) {
        self.image_sizes = sizes;
    }

    /// Records the new pixel size of one image (saved again under
    /// `folio serve`).
    pub fn set_image_size(&mut self, path: &str, size: (u32, u32)) {
        self.image_sizes.insert(path.to_string(), size);
    }

    /// Pixel size of an image, when known.
    pub fn image_size(&self, path: &str) -> Option<(u32, u32)> {
        self.image_sizes.get(path).copied()
    }

    /// True if `path` (project-relative) is a known asset.
    pub fn has_asset(&self, path: &str) -> bool {
        self.assets.contains(path)
    }

    /// The URL of an asset by project-relative path.
    pub fn asset_url(&self, path: &str) -> String {
        let site_path = path.strip_prefix("content/").unwrap_or(path);
        path_url(&self.base_path, site_path)
    }

    /// Resolves a link or image reference written in page `from`.
    pub fn resolve(&self, from: &str, href: &str) -> Reference<'_> {
        let href = href.trim();
        if is_external(href) {
            return Reference::External;
        }
        if let Some(frag) = href.strip_prefix('#') {
            return Reference::SamePage(decode(frag).into_owned());
        }
        // `?query#fragment` is kept on the URL written; the fragment, decoded,
        // is also checked against the target's ids.
        let path_end = memchr::memchr2(b'?', b'#', href.as_bytes()).unwrap_or(href.len());
        let (path_part, suffix) = href.split_at(path_end);
        let (query, fragment) = match memchr::memchr(b'#', suffix.as_bytes()) {
            Some(i) => (&suffix[..i], Some(decode(&suffix[i + 1..]).into_owned())),
            None => (suffix, None),
        };
        let decoded = decode(path_part);
        if let Some(reference) = self.resolve_url(&decoded, query, fragment.as_deref()) {
            return reference;
        }
        let Some(target) = join(from, &decoded) else {
            return Reference::Outside;
        };
        if crate::discover::is_markdown(&target) {
            return match self.pages.get_key_value(&target) {
                Some((source, route)) => Reference::Page {
                    source,
                    url: with_suffix(&route.url, query, fragment.as_deref()),
                    fragment: fragment.filter(|f| !f.is_empty()),
                },
                None => Reference::Missing {
                    suggestion: self.near_page(&target).map(|s| relative(from, s)),
                    path: target,
                },
            };
        }
        if self.assets.contains(&target) {
            return Reference::Asset {
                url: self.asset_url(&target) + suffix,
                path: target,
            };
        }
        // Authors often write `../images/x.png` from any depth, meaning the
        // site's images/ folder; accept it when the literal path misses.
        if let Some(site_image) = images_fallback(&decoded).filter(|p| self.assets.contains(p)) {
            return Reference::Asset {
                url: self.asset_url(&site_image) + suffix,
                path: site_image,
            };
        }
        if (target.starts_with("images/") || images_fallback(&decoded).is_some())
            && !decoded.ends_with('/')
        {
            return Reference::Missing {
                suggestion: self.near_asset(&target).map(|s| relative(from, s)),
                path: target,
            };
        }
        if let Some(reference) = self.resolve_folder(from, &target, &decoded, query, &fragment) {
            return reference;
        }
        // A file that is there in another letter case (`Diagram.PNG` for
        // `diagram.png`): found on a disk that ignores case, broken once
        // built and served from one that does not. Looked up in a
        // case-folded index made on first need, not by a scan of every
        // asset for each such link.
        let folded = self.assets_folded.get_or_init(|| {
            let mut index: HashMap<String, String> = HashMap::with_capacity(self.assets.len());
            for asset in &self.assets {
                let slot = index.entry(fold(asset)).or_default();
                if slot.is_empty() || asset < slot {
                    asset.clone_into(slot);
                }
            }
            index
        });
        if let Some(real) = folded.get(&fold(&target)) {
            return Reference::Missing {
                suggestion: Some(relative(from, real)),
                path: target,
            };
        }
        Reference::Unknown
    }
}

impl Routes {
    /// Resolves a link written as a site URL (`/guide/setup/#install`),
    /// not a source path. `None` for anything else.
    fn resolve_url(
        &self,
        decoded: &str,
        query: &str,
        fragment: Option<&str>,
    ) -> Option<Reference<'_>> {
        let rest = decoded
            .strip_prefix(self.base_path.as_str())
            .or_else(|| decoded.strip_prefix('/'))?;
        let first = rest.split('/').next().unwrap_or_default();
        if first == "images" || first == "content" || crate::discover::is_markdown(rest) {
            return None;
        }
        // Written from the site's root, so under the base path once built
        // (`/files/a.pdf` is `/handbook/files/a.pdf` on a site served there).
        let at_base = |path: &str, file: Option<String>| Reference::Static {
            url: with_suffix(&path_url(&self.base_path, path), query, fragment).into_owned(),
            file,
        };
        if self.static_files.contains(rest) {
            return Some(at_base(rest, Some(format!("static/{rest}"))));
        }
        let in_content = format!("content/{rest}");
        if self.assets.contains(&in_content) {
            return Some(at_base(rest, Some(in_content)));
        }
        let dir = rest.strip_suffix("index.html").unwrap_or(rest);
        let dir = if dir.is_empty() || dir.ends_with('/') {
            dir.to_string()
        } else {
            format!("{dir}/")
        };
        if let Some(found) = self.folder(&dir, query, fragment) {
            return Some(found);
        }
        // A folder of `static/` with its own `index.html`.
        if self.static_files.contains(&format!("{dir}index.html")) {
            return Some(at_base(&dir, None));
        }
        let suggestion = self
            .near_folder(&dir)
            .map(|d| format!("{}{d}", self.base_path));
        Some(Reference::Missing {
            path: format!("{}{dir}", self.base_path),
            suggestion,
        })
    }

    /// The page source closest to `target`, for "did you mean": within
    /// two edits, or else a page of the same file name elsewhere, the
    /// likeliest case of a page moved to another folder (see
    /// [`SameName`]).
    fn near_page(&self, target: &str) -> Option<&str> {
        let near = (self.near.pages).get_or_init(|| Nearby::new(self.pages.keys().cloned()));
        if let Some(found) = near.closest(target) {
            return Some(found);
        }
        let names = (self.near.names).get_or_init(|| {
            let moved = |source: &&String| !is_index_stem(source_parts(source).1);
            SameName::new(self.pages.keys().filter(moved).map(String::as_str))
        });
        names.nearest(target)
    }

    /// The asset closest to `target`, for "did you mean": within two
    /// edits, or else one of the same file name elsewhere.
    fn near_asset(&self, target: &str) -> Option<&str> {
        let near = (self.near.assets).get_or_init(|| Nearby::new(self.assets.iter().cloned()));
        if let Some(found) = near.closest(target) {
            return Some(found);
        }
        let names = (self.near.asset_names)
            .get_or_init(|| SameName::new(self.assets.iter().map(String::as_str)));
        names.nearest(target)
    }

    /// The output path of the site's file (of `content/`, `images/` or
    /// `static/`) closest to `out`, an output path where the site has
    /// none, for "did you mean": within two edits, or else one of the
    /// same file name elsewhere.
    pub fn near_file(&self, out: &str) -> Option<&str> {
        let files = || {
            let assets = self.assets.iter().map(|a| site_file_out(a));
            (self.static_files.iter().map(String::as_str)).chain(assets)
        };
        let near = (self.near.files).get_or_init(|| Nearby::new(files().map(str::to_string)));
        if let Some(found) = near.closest(out) {
            return Some(found);
        }
        (self.near.file_names)
            .get_or_init(|| SameName::new(files()))
            .nearest(out)
    }

    /// The output folder of a page or section closest to `dir`.
    fn near_folder(&self, dir: &str) -> Option<&str> {
        let near = (self.near.folders)
            .get_or_init(|| Nearby::new(self.by_dir.keys().chain(&self.section_dirs).cloned()));
        near.closest(dir).map(String::as_str)
    }

    /// The folder of `content/` (`content/a/b`, for output folder `a/b/`)
    /// closest to `target`.
    fn near_content_folder(&self, target: &str) -> Option<&str> {
        let near = (self.near.content_folders).get_or_init(|| {
            let folders = self.by_dir.keys().chain(&self.section_dirs);
            Nearby::new(folders.map(|d| format!("content/{d}").trim_end_matches('/').to_string()))
        });
        near.closest(target).map(String::as_str)
    }

    /// The page or section at output folder `dir` (`a/b/`, empty for the
    /// home page), if there is one.
    fn folder(&self, dir: &str, query: &str, fragment: Option<&str>) -> Option<Reference<'_>> {
        if let Some(source) = self.by_dir.get(dir) {
            return Some(Reference::Page {
                source,
                url: with_suffix(&self.pages[source].url, query, fragment),
                fragment: fragment.filter(|f| !f.is_empty()).map(str::to_string),
            });
        }
        (dir.is_empty() || self.section_dirs.contains(dir)).then(|| Reference::Section {
            url: with_suffix(&self.folder_url(dir), query, fragment).into_owned(),
        })
    }

    /// A relative link to a folder of `content/` (`../runbooks/`, `./`),
    /// read from the page's folder like every relative link: the section
    /// (or page) built from that folder, as on GitHub and in an editor.
    /// A link ending in `/` that names no such folder is missing, unless
    /// it works as written from the built page's URL (an author thinking
    /// in URLs: `../deploy/` from `/runbooks/rollback/`), where it is left
    /// alone.
    fn resolve_folder(
        &self,
        from: &str,
        target: &str,
        decoded: &str,
        query: &str,
        fragment: &Option<String>,
    ) -> Option<Reference<'_>> {
        let dir = content_dir(target)?;
        if let Some(found) = self.folder(&dir, query, fragment.as_deref()) {
            return Some(found);
        }
        if !decoded.ends_with('/') || decoded.starts_with('/') {
            return None;
        }
        let built_from = self
            .pages
            .get(from)
            .and_then(|route| join(&format!("content/{}index.md", route.dir), decoded));
        let built_dir = built_from.as_deref().and_then(content_dir);
        if built_dir.is_some_and(|d| self.folder(&d, "", None).is_some()) {
            return None;
        }
        Some(Reference::Missing {
            suggestion: self.near_content_folder(target).map(|s| {
                // A sibling of the folder written: only its last part changes.
                let (parent, name) = s.rsplit_once('/').unwrap_or(("", s));
                let written = decoded.trim_end_matches('/');
                match (target.rsplit_once('/'), written.rsplit_once('/')) {
                    (Some((p, _)), Some((prefix, _))) if p == parent => {
                        format!("{prefix}/{name}/")
                    }
                    (Some((p, _)), None) if p == parent => format!("{name}/"),
                    _ => match relative(from, s) {
                        r if r.is_empty() => "./".to_string(),
                        r => r + "/",
                    },
                }
            }),
            path: format!("{target}/"),
        })
    }
}

/// The output folder of a project-relative folder under `content/`:
/// `content/a/b` → `a/b/`, `content` → the root (empty); `None` elsewhere.
fn content_dir(path: &str) -> Option<String> {
    match path.strip_prefix("content")? {
        "" => Some(String::new()),
        rest => rest.strip_prefix('/').map(|rel| format!("{rel}/")),
    }
}

/// `../../images/a.png` → `images/a.png`: the reference without its leading
/// `../` and `./`, if that starts in the site's images/ folder.
fn images_fallback(reference: &str) -> Option<String> {
    let mut rest = reference;
    while let Some(r) = rest.strip_prefix("../").or_else(|| rest.strip_prefix("./")) {
        rest = r;
    }
    (rest != reference && rest.starts_with("images/")).then(|| rest.to_string())
}

/// True for references with a scheme (`https:`, `mailto:`) or protocol-relative.
pub fn is_external(href: &str) -> bool {
    if href.starts_with("//") {
        return true;
    }
    // A scheme: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
    let bytes = href.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    let end = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
        .unwrap_or(bytes.len());
    bytes.get(end) == Some(&b':')
}

/// Percent-decoded text; borrowed when there is nothing to decode.
///
/// Most links have no `%`: one vector search says so, where
/// percent-encoding would scan for escapes and then check the borrowed
/// bytes are UTF-8 (they are: they came from a `str`), together ~1% of
/// parsing on the benchmark corpus.
fn decode(s: &str) -> Cow<'_, str> {
    if memchr::memchr(b'%', s.as_bytes()).is_none() {
        return Cow::Borrowed(s);
    }
    percent_decode_str(s).decode_utf8_lossy()
}

/// A page URL with the link's `?query` (kept as written) and `#fragment`;
/// borrowed when there is neither.
fn with_suffix<'u>(url: &'u str, query: &str, fragment: Option<&str>) -> Cow<'u, str> {
    match fragment {
        Some(f) => Cow::Owned(format!("{url}{query}#{f}")),
        None if query.is_empty() => Cow::Borrowed(url),
        None => Cow::Owned(format!("{url}{query}")),
    }
}

/// Joins a reference to the folder of `from`; `/x` is site-rooted
/// (`/images/a.png` → `images/a.png`, `/a.md` → `content/a.md`).
/// `None` when `..` climbs out of the project.
pub fn join(from: &str, reference: &str) -> Option<String> {
    // Segments are found by a plain loop over bytes: a `char` pattern
    // compares each hit with memcmp, a closure decodes every character, and
    // a memchr call per segment costs more than the few bytes it scans
    // (segments are short). Joins were ~2.4% of a build's instructions.
    let slash = |text: &str, at: usize| {
        let bytes = text.as_bytes();
        let mut i = at;
        while i < bytes.len() && bytes[i] != b'/' {
            i += 1;
        }
        i
    };
    let mut out = String::with_capacity(from.len() + reference.len());
    let rest = if let Some(rooted) = reference.strip_prefix('/') {
        let first = &rooted[..slash(rooted, 0)];
        if first != "images" && first != "content" {
            out.push_str("content");
        }
        rooted
    } else {
        out.push_str(memchr::memrchr(b'/', from.as_bytes()).map_or("", |i| &from[..i]));
        reference
    };
    let mut at = 0;
    while at <= rest.len() {
        let end = slash(rest, at);
        match &rest[at..end] {
            "" | "." => {}
            ".." => {
                if out.is_empty() {
                    return None;
                }
                out.truncate(memchr::memrchr(b'/', out.as_bytes()).unwrap_or(0));
            }
            seg => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(seg);
            }
        }
        at = end + 1;
    }
    Some(out)
}

/// Where the site's file `rel` (of `content/`, `images/` or `static/`)
/// is copied in the output: `content/a/b.pdf` at `a/b.pdf`, `static/x`
/// at `x`, `images/c.png` as it is.
pub fn site_file_out(rel: &str) -> &str {
    rel.strip_prefix("content/")
        .or_else(|| rel.strip_prefix("static/"))
        .unwrap_or(rel)
}

/// Writes `target` relative to the folder of `from`, for suggestions.
pub fn relative(from: &str, target: &str) -> String {
    let from_dir: Vec<&str> =
        from.split('/').collect::<Vec<_>>()[..from.split('/').count() - 1].to_vec();
    let to: Vec<&str> = target.split('/').collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

/// What [`Routes::plan`] works out for each page in parallel.
struct Planned<'a> {
    dir: String,
    url: String,
    /// `dir`, case-folded, to find collisions.
    folded: String,
    /// The source's folder under `content/` (`a/b`; empty at the top).
    folder: &'a str,
    /// True for a section's index page.
    is_index: bool,
}

/// A page source's folder under `content/` (`a/b`; empty at the top) and
/// its file name without the extension. (By byte: `rsplit_once` with a
/// `char` compares each candidate through `memcmp`, which the profile of
/// the route plan showed.)
pub fn source_parts(source: &str) -> (&str, &str) {
    let rel = source.strip_prefix("content/").unwrap_or(source);
    let (folder, file) = match memchr::memrchr(b'/', rel.as_bytes()) {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    };
    let stem = memchr::memrchr(b'.', file.as_bytes()).map_or(file, |i| &file[..i]);
    (folder, stem)
}

/// Output folder of a page source: `content/a/b.md` → `a/b/`,
/// `content/a/_index.md` → `a/`, `content/_index.md` → ``.
pub fn output_dir(source: &str, slug: Option<&str>) -> String {
    let (folder, stem) = source_parts(source);
    dir_of(folder, stem, slug)
}

/// Output folder of the section for `folder` under `content/` (`a/b` →
/// `a/b/`, the top → ``): where its `_index.md` goes, whether it has one
/// or not.
pub fn section_dir(folder: &str) -> String {
    dir_of(folder, "_index", None)
}

/// [`output_dir`] from the source's [`source_parts`].
///
/// Made in one string: a `format!` per segment was 2.5k instructions a
/// page (1% of a build's).
fn dir_of(dir: &str, stem: &str, slug: Option<&str>) -> String {
    let last = (!is_index_stem(stem)).then(|| slug.unwrap_or(stem));
    let mut out = String::with_capacity(dir.len() + last.map_or(0, str::len) + 2);
    for seg in dir.split('/').filter(|s| !s.is_empty()).chain(last) {
        out.push_str(seg);
        out.push('/');
    }
    out
}

/// True for `_index` and `index`, the stems of section pages.
pub fn is_index_stem(stem: &str) -> bool {
    stem == "_index" || stem == "index"
}

/// The URL of output folder `dir` (`a/b/`, empty for the root) under
/// `base_path`: `/handbook/a/b/`, or with `index_files`
/// `/handbook/a/b/index.html`, for a site read from disk (a `file://` base
/// URL), where a browser lists a folder instead of opening its index.
pub fn folder_url(base_path: &str, dir: &str, index_files: bool) -> String {
    let mut url = path_url(base_path, dir);
    if index_files {
        url.push_str("index.html");
    }
    url
}

/// The site URL of `path` under `base_path`: `base_path` followed by
/// `path` with each segment percent-encoded (`/` is not in `SEGMENT`, so
/// the path is encoded whole), in one allocation. Splitting, encoding and
/// joining the segments was 1.6% of a build's instructions.
pub fn path_url(base_path: &str, path: &str) -> String {
    let mut url = String::with_capacity(base_path.len() + path.len());
    url.push_str(base_path);
    url.extend(utf8_percent_encode(path, SEGMENT));
    url
}

/// The output folder of an alias (`/old/path/` → `old/path/`; empty for
/// `/`), as page routes name folders.
pub fn alias_dir(alias: &str) -> String {
    match alias.trim_matches('/') {
        "" => String::new(),
        dir => format!("{dir}/"),
    }
}

/// A path in one letter case: `A.md` and `a.md` collide on macOS and
/// Windows, whose file systems fold Unicode case (`É.png` is `é.png`).
fn fold(dir: &str) -> String {
    dir.to_lowercase()
}

/// The error for `claimants` (sources, with the line of the key that
/// gave the URL) of one output folder. It names ten sources and counts
/// the others, as notes do (see [`ten_and_last`]): 5,000 pages given one
/// `slug` made a message of 100 KB, on one line.
fn collision(dir: &str, claimants: &[(String, usize)]) -> Diagnostic {
    let (named, others) = ten_and_last(claimants);
    let files: Vec<&str> = named.iter().map(|(s, _)| s.as_str()).collect();
    let more = others.map_or(String::new(), |(between, _)| {
        format!(" and {} more", between + 1)
    });
    // Placed at a `slug` or `aliases` line when one of them has it: that
    // is the key that made the clash, and the one to change.
    let (first, line) = claimants
        .iter()
        .find(|(_, line)| *line > 0)
        .unwrap_or(&claimants[0]);
    let d = Diagnostic::error(format!(
        "{} sources map to the same URL `/{dir}`: {}{more}",
        claimants.len(),
        files.join(", ")
    ))
    .in_file(first.clone())
    .with_hint("rename one of them, or give one a different `slug`");
    if *line > 0 {
        d.at_line(*line, 1)
    } else {
        d
    }
}

/// The error for the page `source` (or one of its aliases) taking the
/// URL of the folder `dir`, a section without an index file.
fn over_section(dir: &str, source: &str, line: usize, by_alias: bool) -> Diagnostic {
    let folder = if dir.is_empty() {
        "content/".to_string()
    } else {
        format!("content/{dir}")
    };
    let what = if by_alias {
        format!("an alias of `{source}`")
    } else {
        format!("`{source}`")
    };
    let d = Diagnostic::error(format!(
        "{what} would be written at `/{dir}`, the page of the section `{folder}` \
         (a folder of pages without an `_index.md`)"
    ))
    .in_file(source.to_string());
    let d = if by_alias {
        d.with_hint("change or drop the alias: the section's own page is at that URL")
    } else {
        d.with_hint(format!(
            "to make it the section's own page, move it to `{folder}_index.md`; otherwise \
             rename the page or the folder, or give the page a different `slug`"
        ))
    };
    if line > 0 {
        d.at_line(line, 1)
    } else {
        d
    }
}

/// Routes for pages at `sources` (no slugs) and the given assets, for tests.
#[cfg(test)]
pub(crate) fn test_routes(
    base_path: &str,
    sources: &[&str],
    assets: &[&str],
) -> (Routes, Vec<Diagnostic>) {
    let reqs: Vec<_> = sources
        .iter()
        .map(|s| RouteRequest {
            source: s,
            slug: None,
            aliases: &[],
            aliases_line: 0,
        })
        .collect();
    let (routes, problems) = Routes::plan(
        base_path,
        false,
        &reqs,
        assets.iter().map(|a| a.to_string()),
    );
    (routes, problems.into_iter().map(Diagnostic::from).collect())
}

#[cfg(test)]
mod tests;
