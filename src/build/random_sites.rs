//! Random whole sites, built and checked from the outside.
//!
//! Each site is a random tree of sections (with and without index files,
//! folder names with spaces and non-ASCII letters) and pages with random
//! front matter (titles that need escaping, weights, drafts, slugs,
//! aliases, featured images) and bodies that link to one another, with
//! anchors, and to an image and files of `static/`. Some sites carry one
//! known fault (a missing page, anchor or image, broken front matter, a
//! slug or a page taking another's URL). The generator knows what each
//! site should make, so the check is independent of folio's own model:
//!
//! - a site with a fault fails, naming each faulty file (with its line
//!   where the fault has one), and writes nothing; previewed, a link that
//!   leads nowhere is a warning at its line instead;
//! - a site without one builds (at the root of its host or under a path);
//!   every page is at its URL with its title, drafts only when built
//!   with them, each alias redirects to its page, and every link and
//!   asset reference in every page written leads to a file of the output,
//!   and to an element with the id its fragment names.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use super::{build, BuildOptions};
use crate::test_rng::Rng;

/// Folders a site may have (each with its parents), below `content/`.
const FOLDERS: &[&str] = &["", "guide", "guide/deep", "ops", "ops/on call", "café"];
/// Page names; none is a folder's name.
const STEMS: &[&str] = &["intro", "setup", "Read Me", "faq", "ünï", "page-1", "z"];
/// Titles, some of which need escaping in HTML or quoting in YAML.
const TITLES: &[&str] = &[
    "Intro",
    "\"Q&A: <ops>\"",
    "'It''s fine'",
    "Zulu",
    "alpha",
    "Über",
    "Setup & teardown",
];

/// A heading a page may have, and the id it gets.
const HEADINGS: &[(&str, &str)] = &[
    ("## Part one", "part-one"),
    ("## Über uns", "über-uns"),
    ("## Custom {#custom-id}", "custom-id"),
    ("### Steps: 1, 2 & 3", "steps-1-2--3"),
];

/// What a site's generator injected to break it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    MissingPage,
    MissingAnchor,
    BrokenFrontMatter,
    SlugClash,
    PageOverFolder,
    MissingImage,
}

#[derive(Debug, Clone)]
struct Page {
    /// `content/…/x.md`.
    source: String,
    /// Output folder (`guide/x/`, empty for the home page).
    dir: String,
    title: Option<String>,
    draft: bool,
    slug: Option<String>,
    aliases: Vec<String>,
    /// Indices into [`HEADINGS`], and the ids the page's headings get.
    headings: Vec<usize>,
    /// Whether the page is a folder's `_index.md`.
    index: bool,
}

impl Page {
    fn ids(&self) -> Vec<String> {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        self.headings
            .iter()
            .map(|&h| {
                let id = HEADINGS[h].1;
                let n = seen.entry(id).or_insert(0);
                *n += 1;
                if *n == 1 {
                    id.to_string()
                } else {
                    format!("{id}-{}", *n - 1)
                }
            })
            .collect()
    }
}

/// `to` relative to the folder of `from` (both `content/…` paths).
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dir.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

/// A random site: its pages, and the fault injected, if any.
fn random_site(rng: &mut Rng) -> (Vec<Page>, Option<Fault>) {
    let mut folders: BTreeSet<&str> = BTreeSet::from([""]);
    for f in FOLDERS {
        if rng.chance(50) {
            let mut parts = Vec::new();
            for part in f.split('/') {
                parts.push(part);
                folders.insert(FOLDERS.iter().find(|g| **g == parts.join("/")).unwrap());
            }
        }
    }
    let mut pages = Vec::new();
    for folder in &folders {
        let prefix = if folder.is_empty() {
            "content/".to_string()
        } else {
            format!("content/{folder}/")
        };
        let dir = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        let mut stems: Vec<&str> = STEMS.to_vec();
        // Each folder of pages needs a page; the index file is optional.
        let count = 1 + rng.below(4);
        if rng.chance(70) {
            pages.push(Page {
                source: format!("{prefix}_index.md"),
                dir: dir.clone(),
                title: rng.chance(80).then(|| rng.pick(TITLES).to_string()),
                draft: false,
                slug: None,
                aliases: Vec::new(),
                headings: (0..rng.below(3))
                    .map(|_| rng.below(HEADINGS.len()))
                    .collect(),
                index: true,
            });
        }
        for _ in 0..count {
            let stem = stems.remove(rng.below(stems.len()));
            let slug = rng.chance(10).then(|| format!("s-{}", pages.len()));
            let own = slug.as_deref().unwrap_or(stem);
            pages.push(Page {
                source: format!("{prefix}{stem}.md"),
                dir: format!("{dir}{own}/"),
                title: rng.chance(80).then(|| rng.pick(TITLES).to_string()),
                draft: rng.chance(10),
                slug,
                aliases: if rng.chance(10) {
                    vec![format!("/old/{}/", pages.len())]
                } else {
                    Vec::new()
                },
                headings: (0..rng.below(4))
                    .map(|_| rng.below(HEADINGS.len()))
                    .collect(),
                index: false,
            });
        }
    }
    let fault = rng.chance(35).then(|| {
        [
            Fault::MissingPage,
            Fault::MissingAnchor,
            Fault::BrokenFrontMatter,
            Fault::SlugClash,
            Fault::PageOverFolder,
            Fault::MissingImage,
        ][rng.below(6)]
    });
    (pages, fault)
}

/// Writes `pages` under `root/content`, with links between them and the
/// fault in place; returns the files the fault is in (and whether the
/// error has a line: it may then be placed in another file that it names,
/// as a clash of two slugs is), or `None` when the fault could not be
/// placed.
fn write_site(
    root: &Path,
    pages: &mut Vec<Page>,
    fault: Option<Fault>,
    rng: &mut Rng,
) -> Option<Vec<(String, bool)>> {
    let mut faulty = Vec::new();
    match fault {
        None
        | Some(
            Fault::MissingPage
            | Fault::MissingAnchor
            | Fault::BrokenFrontMatter
            | Fault::MissingImage,
        ) => {}
        Some(Fault::SlugClash) => {
            // A page takes a sibling's URL by its slug.
            let regular: Vec<usize> = (0..pages.len())
                .filter(|&i| !pages[i].index && !pages[i].draft)
                .collect();
            let pair = regular.iter().find_map(|&i| {
                regular
                    .iter()
                    .find(|&&j| {
                        j != i
                            && pages[j].source.rsplit_once('/').unwrap().0
                                == pages[i].source.rsplit_once('/').unwrap().0
                    })
                    .map(|&j| (i, j))
            })?;
            let (i, j) = pair;
            let theirs = pages[j].dir.trim_end_matches('/').rsplit('/').next()?;
            pages[i].slug = Some(theirs.to_string());
            pages[i].dir = pages[j].dir.clone();
            faulty.push((pages[i].source.clone(), true));
        }
        Some(Fault::PageOverFolder) => {
            // A page beside a folder of pages that has no index file (a
            // folder of drafts alone is no section).
            let folder = FOLDERS[1..].iter().find(|f| {
                pages
                    .iter()
                    .any(|p| !p.draft && p.source.starts_with(&format!("content/{f}/")))
                    && !pages
                        .iter()
                        .any(|p| p.source == format!("content/{f}/_index.md"))
            })?;
            let source = format!("content/{folder}.md");
            faulty.push((source.clone(), false));
            pages.push(Page {
                source,
                dir: format!("{folder}/"),
                title: Some("Over".into()),
                draft: false,
                slug: None,
                aliases: Vec::new(),
                headings: Vec::new(),
                index: false,
            });
        }
    }
    // An image, a file and a folder with an index.html for pages to use.
    fs::create_dir_all(root.join("images")).unwrap();
    image::RgbImage::new(6, 4)
        .save(root.join("images/pic.png"))
        .unwrap();
    fs::create_dir_all(root.join("static/art")).unwrap();
    fs::copy(root.join("images/pic.png"), root.join("static/art/pic.png")).unwrap();
    for (file, text) in [
        ("static/files/doc.txt", "A file.\n"),
        (
            "static/api/index.html",
            "<!doctype html><title>API</title>\n",
        ),
    ] {
        fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
        fs::write(root.join(file), text).unwrap();
    }
    let linkable: Vec<usize> = (0..pages.len()).filter(|&i| !pages[i].draft).collect();
    if linkable.is_empty() {
        // Drafts alone: nothing to link to or to break.
        return None;
    }
    // Drafts are not built, so not checked either.
    let fault_at = linkable[rng.below(linkable.len())];
    for (i, page) in pages.iter().enumerate() {
        let mut front = String::new();
        if let Some(t) = &page.title {
            front.push_str(&format!("title: {t}\n"));
        }
        if fault == Some(Fault::BrokenFrontMatter) && i == fault_at {
            front.push_str("weight: [1\n");
            faulty.push((page.source.clone(), true));
        } else if !page.index {
            front.push_str(&format!("weight: {}\n", rng.below(3)));
        }
        if page.draft {
            front.push_str("draft: true\n");
        }
        if let Some(s) = &page.slug {
            front.push_str(&format!("slug: {s}\n"));
        }
        if !page.aliases.is_empty() {
            front.push_str(&format!("aliases: [{}]\n", page.aliases.join(", ")));
        }
        // The picture, from images/ relative to the page, or from static/.
        let picture = relative(&page.source, "images/pic.png");
        let pick_picture = |rng: &mut Rng| {
            if rng.chance(75) {
                picture.clone()
            } else {
                "/art/pic.png".to_string()
            }
        };
        if rng.chance(20) {
            let featured = pick_picture(&mut *rng);
            front.push_str(&format!("featured: {featured}\nfeatured_alt: A picture\n"));
        }
        let mut body = format!("---\n{front}---\n\nText of {}.\n\n", page.source);
        for &h in &page.headings {
            body.push_str(&format!("{}\n\nWords.\n\n", HEADINGS[h].0));
        }
        if rng.chance(25) {
            let src = pick_picture(&mut *rng);
            body.push_str(&format!("![A diagram](<{src}>)\n\n"));
        }
        // Files of static/, from the site's root.
        if rng.chance(25) {
            body.push_str("Get [the file](/files/doc.txt?v=1) and [the API](/api/).\n\n");
        }
        for _ in 0..rng.below(4) {
            let target = &pages[linkable[rng.below(linkable.len())]];
            let mut href = relative(&page.source, &target.source);
            let ids = target.ids();
            if !ids.is_empty() && rng.chance(50) {
                href.push('#');
                href.push_str(&ids[rng.below(ids.len())]);
            }
            body.push_str(&format!("See [the other page](<{href}>).\n\n"));
        }
        if i == fault_at {
            match fault {
                Some(Fault::MissingPage) => {
                    body.push_str("See [nothing](no-such-page.md).\n");
                    faulty.push((page.source.clone(), true));
                }
                Some(Fault::MissingAnchor) => {
                    body.push_str("See [nowhere](#no-such-anchor).\n");
                    faulty.push((page.source.clone(), true));
                }
                Some(Fault::MissingImage) => {
                    let missing = relative(&page.source, "images/nope.png");
                    body.push_str(&format!("![Gone]({missing})\n"));
                    faulty.push((page.source.clone(), true));
                }
                _ => {}
            }
        }
        let path = root.join(&page.source);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, body).unwrap();
    }
    Some(faulty)
}

/// Decodes `%XX` escapes.
fn percent_decoded(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The values of `attr="…"` in `html`, unescaped.
fn attribute_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest[..rest.find('"').unwrap()]
                .replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&#x27;", "'")
                .replace("&#x2F;", "/")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
        })
        .collect()
}

/// Checks every site-internal link and asset reference of every HTML file
/// under `out`, a site served at `base_path`; returns what is wrong.
fn dangling_references(out: &Path, base_path: &str) -> Vec<String> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(out).unwrap();
            let text = fs::read(entry.path()).unwrap();
            files.insert(
                rel.to_string_lossy().replace('\\', "/"),
                String::from_utf8_lossy(&text).into_owned(),
            );
        }
    }
    let ids =
        |html: &str| -> BTreeSet<String> { attribute_values(html, "id").into_iter().collect() };
    let mut wrong = Vec::new();
    for (path, html) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        // The picture, from images/ or static/, in the body or featured, is
        // shown at its size (no layout shift while it loads).
        for tag in html.split("<img ").skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            if tag.contains("pic.") && !tag.contains(r#"width="6" height="4""#) {
                wrong.push(format!("{path}: an image without its size: <img {tag}>"));
            }
        }
        let mut refs = attribute_values(html, "href");
        refs.extend(attribute_values(html, "src"));
        for set in attribute_values(html, "srcset") {
            refs.extend(
                set.split(", ")
                    .filter_map(|c| c.split(' ').next().map(String::from)),
            );
        }
        for r in refs {
            if r.contains("://") || r.starts_with("mailto:") || r.starts_with("data:") {
                continue;
            }
            let (target, fragment) = match r.split_once('#') {
                Some((t, f)) => (t, Some(percent_decoded(f))),
                None => (r.as_str(), None),
            };
            let target = target.split('?').next().unwrap();
            let file = if target.is_empty() {
                path.clone()
            } else if let Some(site_path) = target.strip_prefix(base_path) {
                let decoded = percent_decoded(site_path);
                if decoded.is_empty() || decoded.ends_with('/') {
                    format!("{decoded}index.html")
                } else {
                    decoded
                }
            } else {
                wrong.push(format!(
                    "{path}: `{r}` is not under the base path {base_path}"
                ));
                continue;
            };
            match files.get(&file) {
                None => wrong.push(format!("{path}: `{r}` leads to no file ({file})")),
                Some(target_html) => {
                    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                        if file.ends_with(".html") && !ids(target_html).contains(&f) {
                            wrong.push(format!("{path}: `{r}`: {file} has no id `{f}`"));
                        }
                    }
                }
            }
        }
    }
    wrong
}

fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The title a page's YAML gives (unquoted), if any.
fn yaml_title(raw: &str) -> String {
    if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        inner.to_string()
    } else if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        inner.replace("''", "'")
    } else {
        raw.to_string()
    }
}

#[test]
fn random_sites_build_whole_or_fail_naming_their_faults() {
    let mut rng = Rng(0x51_7e5);
    let (mut built, mut failed) = (0, 0);
    for round in 0..120 {
        let (mut pages, fault) = random_site(&mut rng);
        let root = tempfile::tempdir().unwrap();
        let Some(faulty) = write_site(root.path(), &mut pages, fault, &mut rng) else {
            continue;
        };
        // Served at the root of a host, or under a path of it.
        let base_path = if rng.chance(30) { "/hb/" } else { "/" };
        fs::write(
            root.path().join("folio.toml"),
            format!("title = \"Random\"\nbase_url = \"https://example.com{base_path}\"\n"),
        )
        .unwrap();
        let out = root.path().join("public");
        // Now and then with the drafts, as `folio build --drafts`.
        let drafts = rng.chance(20);
        // The load stage holds pages whole up to a budget and reads the
        // rest twice: all held, none, or some.
        let held = match rng.below(3) {
            0 => None,
            1 => Some(0),
            _ => Some(rng.below(4000)),
        };
        super::HELD_FOR_TEST.with(|h| h.set(held));
        let opts = BuildOptions {
            out: out.clone(),
            preview: false,
            drafts,
            ..BuildOptions::preview_of(root.path())
        };
        let listing = || {
            pages
                .iter()
                .map(|p| {
                    format!(
                        "{} → /{}{}",
                        p.source,
                        p.dir,
                        if p.draft { " (draft)" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        match (build(&opts), faulty.is_empty()) {
            (Ok(report), true) => {
                built += 1;
                assert!(report.diagnostics.iter().all(|d| !d.is_error()));
                for page in &pages {
                    let file = out.join(&page.dir).join("index.html");
                    if page.draft && !drafts {
                        assert!(
                            !file.exists(),
                            "round {round}: draft {} written",
                            page.source
                        );
                        continue;
                    }
                    let html = fs::read_to_string(&file).unwrap_or_else(|e| {
                        panic!(
                            "round {round}: {} not at /{}: {e}\n{}",
                            page.source,
                            page.dir,
                            listing()
                        )
                    });
                    if let Some(t) = &page.title {
                        let title = html_escaped(&yaml_title(t));
                        let shown = ["'", "&#x27;", "&#39;"]
                            .iter()
                            .any(|q| html.contains(&title.replace('\'', q)));
                        assert!(shown, "round {round}: {}: no `{title}`", page.source);
                    }
                    for alias in &page.aliases {
                        let redirect = out.join(alias.trim_matches('/')).join("index.html");
                        let redirect = percent_decoded(&fs::read_to_string(&redirect).unwrap());
                        assert!(
                            redirect.contains(&format!("url={base_path}{}\"", page.dir)),
                            "{redirect}"
                        );
                    }
                }
                let wrong = dangling_references(&out, base_path);
                assert!(
                    wrong.is_empty(),
                    "round {round}:\n{}\n{}",
                    wrong.join("\n"),
                    listing()
                );
            }
            (Err(failure), false) => {
                failed += 1;
                assert!(!out.exists(), "round {round}: a failed build wrote {out:?}");
                // While previewing, a link that leads nowhere is a warning:
                // the site builds, and the warning names the page.
                if matches!(fault, Some(Fault::MissingPage | Fault::MissingAnchor)) {
                    let report = build(&BuildOptions::preview_of(root.path()))
                        .unwrap_or_else(|f| panic!("round {round}: {:#?}", f.diagnostics));
                    let (file, _) = &faulty[0];
                    assert!(
                        report
                            .diagnostics
                            .iter()
                            .any(|d| d.file.as_deref() == Some(file.as_str()) && d.line > 0),
                        "round {round}: {:#?}",
                        report.diagnostics
                    );
                }
                for (file, with_line) in &faulty {
                    assert!(
                        failure.diagnostics.iter().any(|d| d.is_error()
                            && d.line > 0
                            && (d.file.as_deref() == Some(file.as_str())
                                || d.message.contains(file.as_str()))
                            || d.is_error()
                                && !with_line
                                && d.file.as_deref() == Some(file.as_str())),
                        "round {round}: {fault:?} in {file} not reported: {:#?}",
                        failure.diagnostics
                    );
                }
            }
            (Ok(_), false) => panic!(
                "round {round}: {fault:?} in {faulty:?} built\n{}",
                listing()
            ),
            (Err(failure), true) => panic!(
                "round {round}: failed without a fault: {:#?}\n{}",
                failure.diagnostics,
                listing()
            ),
        }
    }
    assert!(
        built >= 50 && failed >= 20,
        "{built} built, {failed} failed"
    );
}
