//! Integration tests: the real `folio` binary over fixture sites in
//! `tests/fixtures/<case>/`, asserting on the HTML it writes, the messages
//! it prints and its exit codes.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

mod serve;
use serve::Server;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn folio(args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(args)
        .output()
        .expect("runs folio");
    Run {
        code: status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Builds `root` into a fresh temporary folder and returns it with the run.
fn build(root: &Path, extra: &[&str]) -> (tempfile::TempDir, Run) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let run = folio(&args);
    (tmp, run)
}

/// A site in a temporary folder, made of these files.
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = tmp.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    tmp
}

fn read(dir: &tempfile::TempDir, rel: &str) -> String {
    let path = dir.path().join("public").join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Asserts that `text` (named `what` in the message) contains every part.
#[track_caller]
fn assert_has_all(what: &str, text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "missing `{part}` in {what}:\n{text}");
    }
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    Some(&tag[start..start + tag[start..].find('"')?])
}

// ---- the sample handbook -------------------------------------------------

#[test]
fn sample_handbook_builds_with_the_seed_page() {
    let (out, run) = build(&repo(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("Built "), "{}", run.stdout);
    assert!(
        run.stdout.contains(" 0 warnings"),
        "the sample handbook builds cleanly: {}{}",
        run.stdout,
        run.stderr
    );

    let html = read(&out, "playbooks/failure-modes/index.html");
    assert!(html.contains("<title>Failure Modes · folio handbook</title>"));
    assert!(html.contains("<h1 class=\"page-title\">Failure Modes</h1>"));
    let img_start = html
        .find("<img src=\"/images/featured/theory.png\"")
        .expect("featured image");
    let img = &html[img_start..img_start + html[img_start..].find('>').unwrap()];
    assert_eq!(attr(img, "width"), Some("1200"));
    assert_eq!(attr(img, "height"), Some("630"));
    assert_eq!(attr(img, "alt"), Some("Failure Modes"));
    assert!(out
        .path()
        .join("public/images/featured/theory.png")
        .is_file());

    let prose = &html[html.find("<div class=\"prose\">").unwrap()..];
    let list = &prose[prose.find("<ol>").unwrap()..prose.find("</ol>").unwrap()];
    assert_eq!(list.matches("<li>").count(), 6);
    for title in [
        "Auxiliary Engineer does all the hard work",
        "Auxiliary Engineer does not feel welcome",
        "A disconnect between the team and leadership",
        "Lack of improvements to platform layer",
        "Team size too small to impact change",
        "Team goes back to bad habits",
    ] {
        assert!(
            list.contains(&format!("<strong>{title}</strong><br />")),
            "{title}"
        );
    }
}

/// Every `href`, `src` and `srcset` URL of every page that points into
/// the site, as the output file it names (fragment and query dropped,
/// percent-decoded), with the page it is on.
fn site_urls(out: &Path, base_path: &str) -> Vec<(String, String)> {
    let mut urls = Vec::new();
    for path in walk_html(out) {
        let html = fs::read_to_string(&path).unwrap();
        let page = path.strip_prefix(out).unwrap().display().to_string();
        for attr in ["href=\"", "src=\"", "srcset=\""] {
            for value in html.split(attr).skip(1) {
                let value = &value[..value.find('"').unwrap()];
                for url in value.split(", ") {
                    let url = url.split(' ').next().unwrap().replace("&amp;", "&");
                    let Some(rel) = url.strip_prefix(base_path) else {
                        continue;
                    };
                    let rel = rel.split(['#', '?']).next().unwrap();
                    let rel = percent_encoding::percent_decode_str(rel)
                        .decode_utf8()
                        .unwrap();
                    urls.push((page.clone(), rel.into_owned()));
                }
            }
        }
    }
    urls
}

#[test]
fn a_handbook_built_for_reading_from_disk_links_to_files() {
    // Opened from disk, a folder URL shows a folder listing, so a site
    // whose base URL is a file:// URL names every index.html.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let base_path = format!("{}/", out.display());
    let base_url = format!("file://{base_path}");
    let run = folio(&[
        "build",
        "--root",
        repo().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        &base_url,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let urls = site_urls(&out, &base_path);
    assert!(urls.len() > 300, "{} links", urls.len());
    for (page, rel) in &urls {
        let target = out.join(rel);
        assert!(
            target.is_file(),
            "{page} links to {rel}, which is not a file of the site"
        );
    }
    let home = fs::read_to_string(out.join("reference/configuration/index.html")).unwrap();
    assert!(home.contains(&format!(
        "<a class=\"brand\" href=\"{base_path}index.html\">"
    )));
    assert!(home.contains(&format!(
        "href=\"{base_path}reference/configuration/index.html\" aria-current=\"page\""
    )));
    // The search index lists the same URLs.
    let index = fs::read_to_string(out.join("search-index.js")).unwrap();
    assert!(index.contains(&format!(
        "\"{base_path}reference/configuration/index.html\""
    )));

    // Built for a web server, the same site keeps folder URLs.
    let (served, run) = build(&repo(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let urls = site_urls(&served.path().join("public"), "/");
    assert!(urls
        .iter()
        .any(|(_, rel)| rel == "reference/configuration/"));
    assert!(!urls.iter().any(|(_, rel)| rel.ends_with("/index.html")));
}

#[test]
fn sample_handbook_has_every_page_and_section() {
    let (out, run) = build(&repo(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sources: Vec<PathBuf> = walk(&repo().join("content"));
    assert!(sources.len() >= 15, "at least 15 sample pages");
    for src in sources {
        let rel = src
            .strip_prefix(repo().join("content"))
            .unwrap()
            .to_string_lossy()
            .replace(".md", "");
        let rel = rel.trim_end_matches("_index").trim_end_matches('/');
        let page = if rel.is_empty() {
            "index.html".to_string()
        } else {
            format!("{rel}/index.html")
        };
        assert!(out.path().join("public").join(&page).is_file(), "{page}");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files
}

// ---- features over the basic fixture --------------------------------------

#[test]
fn basic_fixture_front_matter_formats_titles_and_urls() {
    let (out, run) = build(&fixture("basic"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // YAML, TOML (+++), JSON and no front matter.
    assert!(read(&out, "guide/setup/index.html").contains("<title>Setup · Basic fixture</title>"));
    assert!(read(&out, "guide/index.html").contains("<title>The Guide · Basic fixture</title>"));
    // JSON front matter with a slug.
    assert!(
        read(&out, "guide/how-to-use/index.html").contains("<title>Usage · Basic fixture</title>")
    );
    // Title from the first H1, not printed twice.
    let deep = read(&out, "guide/deep/page/index.html");
    assert!(deep.contains("<title>Heading Title · Basic fixture</title>"));
    assert_eq!(deep.matches("<h1").count(), 1);
    // Title from the file name.
    assert!(read(&out, "notes/plain-file-name/index.html")
        .contains("<title>Plain file name · Basic fixture</title>"));
    // A section with only index.md and no front matter.
    assert!(read(&out, "guide/deep/index.html").contains("<title>Deep Section Title"));
}

#[test]
fn basic_fixture_links_images_and_base_path() {
    let (out, run) = build(&fixture("basic"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let setup = read(&out, "guide/setup/index.html");
    assert!(
        setup.contains("href=\"/handbook/guide/how-to-use/#flags\""),
        "md link with anchor rewritten"
    );
    assert!(
        setup.contains("src=\"/handbook/guide/diagram.png\""),
        "co-located image"
    );
    assert!(setup.contains(
        "<img src=\"/handbook/images/banner.png\" alt=\"A banner\" width=\"1200\" height=\"630\""
    ));
    assert!(
        setup.contains("href=\"/handbook/folio.") && setup.contains(".css\""),
        "theme assets under the base path"
    );
    assert!(setup
        .contains("<link rel=\"canonical\" href=\"https://example.com/handbook/guide/setup/\">"));
    assert!(setup.contains("<h2 id=\"install-it\">") && setup.contains("<h2 id=\"install-it-1\">"));
    assert!(setup.contains("href=\"https://git.example.com/edit/main/content/guide/setup.md\""));
    let home = read(&out, "index.html");
    assert!(home.contains("href=\"/handbook/guide/setup/#install-it\""));
    assert!(
        read(&out, "guide/how-to-use/index.html").contains("href=\"/handbook/\""),
        "link to _index.md"
    );
    assert!(out.path().join("public/guide/diagram.png").is_file());
    assert!(
        out.path().join("public/robots.txt").is_file(),
        "static/ copied to the root"
    );
    assert!(
        read(&out, "old/usage/index.html").contains("url=/handbook/guide/how-to-use/"),
        "alias redirect"
    );
}

#[test]
fn basic_fixture_order_prev_next_breadcrumbs_and_nav() {
    let (out, run) = build(&fixture("basic"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let usage = read(&out, "guide/how-to-use/index.html");
    assert!(usage.contains("rel=\"prev\" href=\"/handbook/guide/setup/\">"));
    assert!(usage.contains("rel=\"next\" href=\"/handbook/guide/windows/\">"));
    let section = read(&out, "guide/index.html");
    let order: Vec<usize> = ["guide/setup/", "guide/how-to-use/", "guide/windows/"]
        .iter()
        .map(|u| {
            section
                .find(&format!("class=\"card\"><a href=\"/handbook/{u}\""))
                .expect(u)
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "ordered by weight");
    let deep = read(&out, "guide/deep/page/index.html");
    assert!(deep.contains("<li><a href=\"/handbook/\">Basic home</a></li><li><a href=\"/handbook/guide/\">The Guide</a></li>"));
    assert!(
        deep.contains("aria-current=\"page\">Heading Title</a>"),
        "current page marked in nav"
    );
    // The nav of a guide page does not expand the notes section.
    assert!(!usage.contains("plain-file-name"));
}

#[test]
fn crlf_and_bom_are_handled_with_a_warning() {
    let (out, run) = build(&fixture("basic"), &[]);
    assert_eq!(run.code, 0);
    assert!(run
        .stderr
        .contains("warning: file starts with a byte-order mark"));
    assert!(run.stderr.contains("content/guide/windows.md:1:1"));
    let html = read(&out, "guide/windows/index.html");
    assert!(html.contains("<title>Windows file · Basic fixture</title>"));
    assert!(html.contains("CRLF body with a <a href=\"/handbook/guide/setup/\">link</a>."));
    assert!(!html.contains('\r'));
}

#[test]
fn a_mistake_repeated_many_times_is_shown_ten_times_and_counted() {
    let body = "See [the step](#step).\n\n".repeat(400);
    let root = site(&[
        ("content/a.md", &format!("---\ntitle: A\n---\n\n{body}")),
        (
            "content/b.md",
            "---\ntitle: B\n---\n\nSee [gone](gone.md).\n",
        ),
    ]);
    let run = fails_showing_ten(
        root.path(),
        "error: link to `#step`, but this page has no heading with that id",
        &[
            "note: 390 more errors like this in content/a.md: link to `#step`",
            "--> content/a.md, lines 25, 27, 29,",
            ", …, 803\n",
            "content/b.md:5:5",
            "Build failed: 401 errors, 0 warnings; nothing was written.",
        ],
    );
    assert!(run.stderr.len() < 5000, "{} bytes", run.stderr.len());
}

/// Builds `root` into a fresh folder, which fails (exit 1) with each of
/// `parts` in its messages; returns the folder and the run.
#[track_caller]
fn fails_with(root: &Path, parts: &[&str]) -> (tempfile::TempDir, Run) {
    let (out, run) = build(root, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_has_all("stderr", &run.stderr, parts);
    (out, run)
}

/// Checks `root` with `flags`, which passes with no problem at all.
fn check_clean(root: &Path, flags: &[&str]) {
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    args.extend(flags);
    let run = folio(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("0 errors, 0 warnings"),
        "{}",
        run.stdout
    );
}

/// Checks `root`, which passes with warnings: the output has each of
/// `parts`. Returns the run and the warnings' first lines, in order.
fn check_warns(root: &Path, parts: &[&str]) -> (Run, Vec<String>) {
    let run = folio(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, 0, "warnings only: {}", run.stderr);
    assert_has_all("stderr", &run.stderr, parts);
    let warned = (run.stderr.lines())
        .filter(|l| l.starts_with("warning:"))
        .map(str::to_string)
        .collect();
    (run, warned)
}

/// Builds `root`, which fails: `shown` is shown ten times in full, and
/// the output has each of `parts` (the note that counts the others).
fn fails_showing_ten(root: &Path, shown: &str, parts: &[&str]) -> Run {
    let (_, run) = build(root, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.matches(shown).count(), 10, "{}", run.stderr);
    assert_has_all("the note after them", &run.stderr, parts);
    run
}

#[test]
fn a_mistake_in_many_files_is_shown_for_ten_and_the_other_files_named() {
    let mut files = vec![(
        "folio.toml".to_string(),
        "title = \"Ops\"\n\n[[schema]]\nsection = \"runbooks\"\nrequired = [\"owner\"]\n"
            .to_string(),
    )];
    files.extend((0..25).map(|i| {
        (
            format!("content/runbooks/r{i:02}.md"),
            format!("---\ntitle: Runbook {i}\n---\n\nSteps.\n"),
        )
    }));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let root = site(&files);
    let run = fails_showing_ten(
        root.path(),
        "error: front matter has no `owner`",
        &[
            "content/runbooks/r09.md:1:1",
            "note: 15 more errors like this in 15 more files: front matter has no `owner`",
            "  --> content/runbooks/r10.md:1\n",
            "  --> content/runbooks/r19.md:1\n  … 4 more files\n  --> content/runbooks/r24.md:1\n",
            "Build failed: 25 errors, 0 warnings; nothing was written.",
        ],
    );
    assert!(!run.stderr.contains("r20.md"), "{}", run.stderr);
}

#[test]
fn drafts_only_with_flag_and_base_url_flag_overrides() {
    let (out, run) = build(&fixture("basic"), &[]);
    assert!(!out.path().join("public/notes/secret").exists());
    assert!(
        run.stdout
            .contains("Left out 1 draft (`draft: true`); `folio build --drafts` builds them."),
        "{}",
        run.stdout
    );
    let (out, run) = build(
        &fixture("basic"),
        &["--drafts", "--base-url", "https://docs.example.org/"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("Left out"), "{}", run.stdout);
    assert!(read(&out, "notes/secret/index.html").contains("Secret draft"));
    assert!(read(&out, "guide/setup/index.html").contains("href=\"/guide/how-to-use/#flags\""));
}

#[test]
fn a_link_to_a_draft_says_it_is_a_draft() {
    let dir = site(&[
        (
            "content/_index.md",
            "---\ntitle: Home\n---\nSee [wip](wip.md).\n",
        ),
        (
            "content/wip.md",
            "---\ntitle: WIP\ndraft: true\n---\nSoon.\n",
        ),
    ]);
    let (_, run) = build(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "link to `wip.md`, a draft: `content/wip.md` has `draft: true` and is not built"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("build with --drafts"), "{}", run.stderr);
    let (_, run) = build(dir.path(), &["--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn folder_links_are_read_from_the_page_folder_like_every_relative_link() {
    // `content/runbooks/` has no index file: folio makes its page.
    let page = "---\ntitle: Deploy\n---\n\
        [all runbooks](./) [home](../) [guide](../guide/#start) \
        [filtered](../runbooks/?tag=db) [as a URL](../rollback/)\n";
    let files = [
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        (
            "content/guide/_index.md",
            "---\ntitle: Guide\n---\n## Start\n",
        ),
        ("content/runbooks/deploy.md", page),
        (
            "content/runbooks/rollback.md",
            "---\ntitle: Rollback\n---\nBack.\n",
        ),
    ];
    let dir = site(&files);
    let (out, run) = build(dir.path(), &["--base-url", "https://x.org/hb/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&out, "runbooks/deploy/index.html");
    assert_has_all(
        "html",
        &html,
        &[
            "<a href=\"/hb/runbooks/\">all runbooks</a>",
            "<a href=\"/hb/\">home</a>",
            "<a href=\"/hb/guide/#start\">guide</a>",
            "<a href=\"/hb/runbooks/?tag=db\">filtered</a>",
            // Relative to the built page, it reaches a page: left as written.
            "<a href=\"../rollback/\">as a URL</a>",
        ],
    );
    // Read from disk, folder URLs name their index.html.
    let (out, run) = build(dir.path(), &["--base-url", "file:///srv/hb/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(&out, "runbooks/deploy/index.html")
        .contains("<a href=\"/srv/hb/runbooks/index.html\">all runbooks</a>"));

    // A folder that is not there, and a section's index file that is not.
    let broken = site(&[
        files[0],
        files[1],
        (
            "content/runbooks/deploy.md",
            "---\ntitle: Deploy\n---\nSee [guide](../giude/) and [all](_index.md).\n",
        ),
    ]);
    fails_with(
        broken.path(),
        &[
            "link to `../giude/`, but no page or section is built from `content/giude/`",
            "did you mean `../guide/`?",
            "content/runbooks/deploy.md:4:5",
            "link to `_index.md`, but `content/runbooks/_index.md` does not exist",
            "the section `content/runbooks/` has no index file; link to its folder (`./`)",
        ],
    );
}

#[test]
fn a_base_url_without_scheme_stops_the_build_but_not_the_preview() {
    let dir = site(&[
        (
            "folio.toml",
            "title = \"A\"\nbase_url = \"docs.example.com\"\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
    ]);
    fails_with(
        dir.path(),
        &[
            "every URL would start with `/docs.example.com/`",
            "folio.toml:2:1",
            "write `https://docs.example.com/`",
        ],
    );
    // Another base URL for this build: the file's is not used, nor checked.
    let (out, run) = build(dir.path(), &["--base-url", "https://docs.example.com/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(&out, "index.html").contains("href=\"https://docs.example.com/\""));
    let (_, run) = build(dir.path(), &["--base-url", "docs.example.com"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("(from --base-url)"), "{}", run.stderr);
    // The preview has its own address.
    let server = Server::start(dir.path(), false);
    let (status, _, body) = server.get("/");
    assert_eq!(status, 200);
    assert!(body.contains("<p>Hi.</p>"), "{body}");
}

/// The object a `search-index.js` sets (`{pages, words, postings}`).
fn search_index(js: &str) -> serde_json::Value {
    let object = js
        .strip_prefix("window.folioSearchIndex=")
        .and_then(|s| s.strip_suffix(";\n"))
        .expect("the index sets window.folioSearchIndex")
        .replace(",\n]", "\n]");
    serde_json::from_str(&object).unwrap()
}

#[test]
fn search_finds_page_text_unless_search_text_is_off() {
    let page = "---\ntitle: Deploy\n---\nRoll back with `kubectl rollout undo`.\n";
    let other = "---\ntitle: Undo\n---\nUndo a rollout.\n";
    let index = |config: &str| {
        let dir = site(&[
            ("folio.toml", config),
            ("content/deploy.md", page),
            ("content/undo.md", other),
        ]);
        let (out, run) = build(dir.path(), &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        search_index(&read(&out, "search-index.js"))
    };
    let on = index("title = \"On\"\n");
    let pages = on["pages"].as_array().unwrap();
    let at = |url: &str| pages.iter().position(|r| r[1] == url).unwrap();
    let (deploy, undo) = (at("/deploy/"), at("/undo/"));
    assert_eq!(pages[deploy].as_array().unwrap().len(), 5, "{on}");
    // Each word once for the site, with the pages whose text has it.
    let words: Vec<&str> = on["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    let postings = on["postings"].as_array().unwrap();
    let pages_of = |word: &str| -> Vec<usize> {
        let i = words.iter().position(|w| *w == word).unwrap();
        let mut page = 0;
        let steps = postings[i].as_str().unwrap().split(' ');
        steps
            .map(|step| {
                page += usize::from_str_radix(step, 36).unwrap();
                page
            })
            .collect()
    };
    assert_eq!(pages_of("kubectl"), [deploy]);
    let mut both = vec![deploy, undo];
    both.sort_unstable();
    assert_eq!(pages_of("rollout"), both);
    assert_eq!(pages_of("undo"), both);
    assert_eq!(words.iter().filter(|w| **w == "rollout").count(), 1);

    let off = index("title = \"Off\"\nsearch_text = false\n");
    assert_eq!(off["pages"].as_array().unwrap().len(), pages.len());
    assert_eq!(off["words"], serde_json::json!([]));
    assert_eq!(off["postings"], serde_json::json!([]));
}

#[test]
fn quiet_prints_no_summary() {
    let (_, run) = build(&fixture("override"), &["--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

// ---- themes and overrides ---------------------------------------------------

#[test]
fn theme_selection_and_site_template_override() {
    let (out, run) = build(&fixture("override"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&out, "page/index.html");
    assert!(
        page.contains("<main class=\"site-override\">A page: <p>Page body.</p>"),
        "{page}"
    );
    assert!(
        page.contains("class=\"custom-theme\""),
        "site page.html extends the theme's base.html"
    );
    let home = read(&out, "index.html");
    assert!(home.contains("<main class=\"theme-section\">"));
    assert!(out.path().join("public/custom.css").is_file());
    assert!(
        !out.path().join("public/folio.css").exists(),
        "the built-in theme is not used"
    );
    assert!(
        !out.path().join("public/search-index.js").exists(),
        "no template links a search index, so none is written"
    );
}

#[test]
fn a_theme_named_by_a_path_is_refused_not_read_from_outside_themes() {
    // `themes/` joined with an absolute path is that path: a theme
    // elsewhere on the disk was read, its static files copied out.
    let elsewhere = site(&[
        ("templates/page.html", "outside {{ page.title }}"),
        ("templates/section.html", "outside"),
    ]);
    let path = elsewhere.path().to_str().unwrap();
    for theme in [path, "../x", "mine/", ""] {
        let root = site(&[
            (
                "folio.toml",
                &format!("title = \"T\"\ntheme = \"{theme}\"\n"),
            ),
            ("content/a.md", "---\ntitle: A\n---\n\nText.\n"),
        ]);
        fails_with(
            root.path(),
            &[
                &format!("error: theme `{theme}` is not the name of a folder"),
                "--> folio.toml",
                "name a folder of themes/",
            ],
        );
    }
}

#[test]
fn a_theme_without_a_template_every_site_needs_is_named_with_what_to_add() {
    let dir = site(&[
        ("folio.toml", "title = \"T\"\ntheme = \"mini\"\n"),
        (
            "themes/mini/templates/page.html",
            "<main>{{ page.content | safe }}</main>",
        ),
        ("content/guide/a.md", "---\ntitle: A\n---\nHello.\n"),
    ]);
    let (out, run) = fails_with(
        dir.path(),
        &[
            "no template `section.html`: neither templates/ nor the theme `mini` has one (while rendering the generated page of /)",
            "add `templates/section.html` (or `themes/mini/templates/section.html`): section pages",
        ],
    );
    assert!(!run.stderr.contains("`template:` key"), "{}", run.stderr);
    assert!(!out.path().join("public").exists(), "nothing written");
}

#[test]
fn a_static_file_in_the_place_of_a_file_folio_writes_is_named() {
    let dir = site(&[
        ("folio.toml", "title = \"T\"\n"),
        ("content/a.md", "---\ntitle: A\n---\nHello.\n"),
        ("static/search-index.js", "// mine\n"),
    ]);
    let (out, _) = fails_with(
        dir.path(),
        &[
            "two files would be written to `search-index.js`",
            "rename or move the file of static/ or content/ with that path",
        ],
    );
    assert!(!out.path().join("public").exists(), "nothing written");
}

#[test]
fn a_static_file_in_the_place_of_a_page_names_the_page() {
    let dir = site(&[
        ("folio.toml", "title = \"T\"\n"),
        ("content/guide/a.md", "---\ntitle: A\n---\nHello.\n"),
        ("static/guide/a/index.html", "<p>mine</p>\n"),
        ("static/guide/index.html", "<p>mine too</p>\n"),
    ]);
    let (out, _) = fails_with(
        dir.path(),
        &[
            "error: `static/guide/a/index.html` would be written at `guide/a/index.html`, where the page of `content/guide/a.md` goes\n  --> static/guide/a/index.html",
            "error: `static/guide/index.html` would be written at `guide/index.html`, where the page of the section `content/guide/` goes",
            "rename or move the file: pages take their paths from content/",
            "2 errors",
        ],
    );
    assert!(!out.path().join("public").exists(), "nothing written");
}

#[test]
fn the_not_found_page_follows_the_sites_own_layout() {
    let own = "<!doctype html><title>{{ page.title }}</title>\
               <main class=\"own-look\">{{ page.content | safe }}</main>";
    let tmp = site(&[
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        ("content/a.md", "---\ntitle: A\n---\nText.\n"),
        ("templates/page.html", own),
        ("templates/section.html", "<main>{{ section.title }}</main>"),
    ]);
    let public = |out: &tempfile::TempDir| out.path().join("public");
    // page.html with a layout of its own: the not-found page uses it, with
    // a way home, and no search index is made for the theme's 404 page.
    let (out, run) = build(tmp.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let not_found = read(&out, "404.html");
    assert_has_all(
        "not_found",
        &not_found,
        &[
            "<main class=\"own-look\">",
            "<title>Page not found</title>",
            "<a href=\"/\">Go to the home page</a>",
        ],
    );
    assert!(!not_found.contains("not-found-code"), "not the theme's");
    assert!(!public(&out).join("search-index.js").exists());
    // Under a sub-path, the way home follows it.
    let (out, run) = build(tmp.path(), &["--base-url", "https://example.com/handbook/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(&out, "404.html").contains("<a href=\"/handbook/\">Go to the home page</a>"));
    let rebuild_with = |template: &str, text: &str| {
        fs::write(tmp.path().join("templates").join(template), text).unwrap();
        let (out, run) = build(tmp.path(), &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        out
    };
    // A page.html built on the theme's base.html keeps the theme's 404 page
    // (which then looks like the site's pages), search index and all.
    let out = rebuild_with(
        "page.html",
        "{%- extends \"base.html\" %}{% block content %}<main class=\"own-look\">{{ page.content | safe }}</main>{% endblock content %}",
    );
    let not_found = read(&out, "404.html");
    assert!(not_found.contains("not-found-code"), "{not_found}");
    assert!(public(&out).join("search-index.js").exists());
    // The site's own 404.html wins over both.
    let out = rebuild_with("404.html", "<p class=\"own-404\">{{ page.title }}</p>");
    assert_eq!(
        read(&out, "404.html"),
        "<p class=\"own-404\">Page not found</p>"
    );
}

/// A generated corpus of `pages` pages (folio flavour), or `None` when
/// `../shared/bench/gen_corpus.py` is not beside the checkout.
fn generated_corpus(pages: usize) -> Option<tempfile::TempDir> {
    let script = repo().join("../shared/bench/gen_corpus.py");
    if !script.exists() {
        eprintln!("skipping: {} not found", script.display());
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .args([
            script.to_str().unwrap(),
            "--pages",
            &pages.to_string(),
            "--out",
            tmp.path().to_str().unwrap(),
            "--flavours",
            "folio",
        ])
        .output()
        .expect("python3 runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    Some(tmp)
}

#[test]
fn generated_corpus_builds_with_its_own_templates() {
    let Some(tmp) = generated_corpus(1000) else {
        return;
    };
    let root = tmp.path().join("folio");
    let run = folio(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Built 1000 pages"), "{}", run.stdout);
    let html =
        fs::read_to_string(root.join("public/area-00/topic-000/page-0001/index.html")).unwrap();
    assert!(
        html.contains("<nav class=\"toc\">"),
        "the corpus's own page.html was used"
    );
    assert!(html.contains("<a rel=\"next\" href=\"/area-00/topic-000/page-0002/\">"));
}

#[test]
fn a_wiki_link_is_a_warning_that_names_the_markdown_link_to_write() {
    let home = "---\ntitle: Home\n---\n\nSee [[deploy]] or [[Deploy#Roll back|rolling back]].\n\n```toml\n[[schema]]\n```\n";
    let tmp = site(&[
        ("content/_index.md", home),
        ("content/runbooks/deploy.md", "# Deploy\n\n## Roll back\n"),
    ]);
    let (out, run) = build(tmp.path(), &[]);
    assert_eq!(run.code, 0, "warnings only: {}", run.stderr);
    assert_has_all(
        "stderr",
        &run.stderr,
        &[
            "warning: `[[deploy]]` is a wiki link, which Markdown does not have: the page shows it as written",
            "content/_index.md:5:5",
            "help: write `[deploy](runbooks/deploy.md)`",
            "content/_index.md:5:19",
            "help: write `[rolling back](runbooks/deploy.md#roll-back)`",
        ],
    );
    // The TOML's `[[schema]]` is code.
    assert_eq!(
        run.stderr.matches("is a wiki link").count(),
        2,
        "{}",
        run.stderr
    );
    let html = fs::read_to_string(out.path().join("public/index.html")).unwrap();
    assert!(html.contains("See [[deploy]]"), "{html}");
}

#[test]
fn the_not_found_pages_url_is_under_the_base_path() {
    // Its canonical link named `https://example.com/404.html`, outside
    // the site, whose other URLs all start with `/handbook/`.
    let tmp = site(&[("content/_index.md", "---\ntitle: Home\n---\nHi.\n")]);
    let (out, run) = build(tmp.path(), &["--base-url", "https://example.com/handbook/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let not_found = fs::read_to_string(out.path().join("public/404.html")).unwrap();
    assert!(
        not_found
            .contains("<link rel=\"canonical\" href=\"https://example.com/handbook/404.html\">"),
        "{not_found}"
    );
}

#[test]
fn the_home_page_shows_its_first_paragraph_once() {
    // Without a written description, the description is the first
    // paragraph, which the page shows: the home's lead left it twice.
    let first = "How we work, and what to do when it breaks.";
    let tmp = site(&[(
        "content/_index.md",
        &format!("---\ntitle: Home\n---\n\n{first}\n\nMore.\n"),
    )]);
    let (out, run) = build(tmp.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = fs::read_to_string(out.path().join("public/index.html")).unwrap();
    let shown = format!("<p>{first}</p>");
    assert_eq!(home.matches(&shown).count(), 1, "{home}");
    assert!(!home.contains("class=\"lead\""), "{home}");
    // Written in the front matter, it is the lead.
    fs::write(
        tmp.path().join("content/_index.md"),
        "---\ntitle: Home\ndescription: The team handbook.\n---\n\nBody.\n",
    )
    .unwrap();
    let (out, run) = build(tmp.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = fs::read_to_string(out.path().join("public/index.html")).unwrap();
    assert!(
        home.contains("<p class=\"lead\">The team handbook.</p>"),
        "{home}"
    );
}

// ---- errors -----------------------------------------------------------------

#[test]
fn every_content_error_is_reported_with_file_line_and_exit_1() {
    let (out, run) = fails_with(
        &fixture("errors"),
        &[
        "content/unclosed.md:1:1",
        "front matter opened here is never closed",
        "content/bad-yaml.md:3:7",
        "front matter is not valid YAML",
        "this list opens with `[` and is not closed on its line: end it with `]`",
        "content/wrong-types.md:3:1",
        "`weight` must be a whole number",
        "content/wrong-types.md:4:1",
        "`draft` must be `true` or `false`",
        "warning: unknown front matter key `titel`",
        "did you mean `title`?",
        "content/missing-featured.md:3:11",
        "featured image `../images/nope.png` not found",
        "content/broken-links.md:7:5",
        "`content/sub/missnig.md` does not exist",
        "content/broken-links.md:7:35",
        "link to `#nowhere`, but `content/sub/real.md` has no heading with that id",
        "content/broken-links.md:9:1",
        "image `../images/gone.png` not found",
        "2 sources map to the same URL `/sub/collide/`: content/sub/collide.md, content/sub/other.md",
        // Placed at the `slug` that made the clash, with its line quoted
        // (the route stage has no text of its own to quote).
        "content/sub/other.md:3:1\n   |\n 3 | slug: collide\n",
        "template `pages.html` not found\n  --> content/custom-template.md:3:1\n   |\n 3 | template: pages.html\n",
        "did you mean `page.html`?",
        "content/list.md:2:1",
        "front matter must be a mapping",
        "not UTF-8 at byte 25 (line 5)",
        // Pages whose front matter is wrong still have their bodies checked.
        "content/wrong-types.md:8:11",
        "`content/nope.md` does not exist",
        "content/bad-yaml.md:6:11",
        "image `../images/none.png` not found",
        "error: `content/sub.md` would be written at `/sub/`, the page of the section `content/sub/`",
        "move it to `content/sub/_index.md`",
        "Build failed: 15 errors, 1 warning; nothing was written.",
        ],
    );
    assert!(
        run.stderr.contains(" 3 | weight: \"high\"\n   | ^"),
        "source line with caret"
    );
    assert!(
        !out.path().join("public").exists(),
        "nothing written on failure"
    );
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn front_matter_aliases_that_expand_past_the_bound_are_an_error_at_their_line() {
    // The start of a billion laughs: six levels of nine aliases, 670,000
    // values (nine levels, 387 million, took 13 GB and more than a minute
    // before they were stopped; six fail fast if the bound goes).
    let mut laughs =
        String::from("---\ntitle: Laughs\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (i, name) in ('b'..='f').enumerate() {
        let prev = (b'a' + i as u8) as char;
        let list = vec![format!("*{prev}"); 9].join(", ");
        laughs.push_str(&format!("{name}: &{name} [{list}]\n"));
    }
    laughs.push_str("---\n\nHi.\n");
    let root = site(&[
        ("folio.toml", "title = \"Aliases\"\n"),
        ("content/laughs.md", &laughs),
        (
            "content/team.md",
            "---\ntitle: Team\nlead: &lead {name: Ana}\nbackup: *lead\n---\n\nOk.\n",
        ),
    ]);
    fails_with(
        root.path(),
        &[
            "error: front matter expands to more than 10000 values through its aliases",
            "--> content/laughs.md:7:1",
            "write the values out, or repeat fewer of them",
            "Build failed: 1 error",
        ],
    );
}

#[test]
fn long_pages_are_checked_whole_though_loading_reads_their_start() {
    // Loading reads the first 2 KiB of a page; the rest is read and checked
    // by the parse pass, with the same errors.
    let filler = "A line of text that makes the page long.\n\n".repeat(80);
    let mut bad = format!("---\ntitle: Long\n---\n{filler}").into_bytes();
    let line = bad.iter().filter(|&&b| b == b'\n').count() + 1;
    let at = bad.len() + 3;
    bad.extend_from_slice(b"Caf\xE9 au lait.\n");
    let long_front = format!(
        "---\ntitle: Long front matter\ndescription: {}\n---\n# Heading\n",
        "word ".repeat(600)
    );
    let untitled = format!("---\nweight: 3\n---\n{filler}# Late title\n");
    let root = site(&[
        ("content/ok.md", long_front.as_str()),
        ("content/untitled.md", untitled.as_str()),
    ]);
    let (out, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&out, "ok/index.html");
    assert!(html.contains("<title>Long front matter"), "{html}");
    assert!(read(&out, "untitled/index.html").contains("<h1"), "built");

    fs::write(root.path().join("content/bad.md"), &bad).unwrap();
    let (out, run) = build(root.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let message = format!("not UTF-8 at byte {at} (line {line})");
    assert!(
        run.stderr.contains(&message),
        "no `{message}` in:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("content/bad.md:{line}:")),
        "{}",
        run.stderr
    );
    assert!(!out.path().join("public").exists(), "nothing written");
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let (_, run) = build(&fixture("bad-template"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error: template syntax error"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> templates/page.html:4:"),
        "{}",
        run.stderr
    );
}

#[test]
fn template_runtime_error_names_template_and_page() {
    let tmp = site(&[
        ("content/a.md", "---\ntitle: A\n---\n"),
        ("content/b.md", "---\ntitle: B\n---\n"),
        ("templates/page.html", "<p>\n{{ page.nope.deeper }}\n</p>\n"),
    ]);
    let root = tmp.path();
    let run = folio(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("--> templates/page.html:2:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("while rendering content/"),
        "names the page: {}",
        run.stderr
    );
    // b.md, and the not-found page (made with this page.html too).
    assert!(
        run.stderr.contains("(and 2 more pages)"),
        "one template error reported once: {}",
        run.stderr
    );
    assert!(!root.join("public").exists());

    fs::write(
        root.join("templates/page.html"),
        "<p>\n{{ page.title | no_such_filter }}\n</p>\n",
    )
    .unwrap();
    let run = folio(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("Unknown filter `no_such_filter`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> templates/page.html:2:17"),
        "{}",
        run.stderr
    );
    // A name close to one that exists gets a "did you mean"; a value
    // missing for a page, how to test for it.
    for (template, hint) in [
        ("{{ page.title | uper }}", "help: did you mean `upper`?"),
        ("{{ page.titel }}", "help: did you mean `title`?"),
        ("{{ pgae.title }}", "help: did you mean `page`?"),
        (
            "{% for t in page.tagz %}{{ t }}{% endfor %}",
            "help: did you mean `page.tags`?",
        ),
        (
            "{{ site.titel | upper }}",
            "help: did you mean `site.title`?",
        ),
        (
            "{{ page.extra.owner | upper }}",
            "help: `page.extra.owner` has no value here: check its name, or test it first \
             (`{% if page.extra.owner %}…{% endif %}`)",
        ),
        (
            "{{ page.date | upper }}",
            "help: `page.date` has no value here",
        ),
    ] {
        fs::write(
            root.join("templates/page.html"),
            format!("<p>\n{template}\n</p>\n"),
        )
        .unwrap();
        let run = folio(&["build", "--root", root.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains(hint), "{template}: {}", run.stderr);
    }
}

#[test]
fn failed_build_keeps_previous_output() {
    let tmp = site(&[("content/a.md", "---\ntitle: First\n---\n")]);
    let root = tmp.path();
    assert_eq!(folio(&["build", "--root", root.to_str().unwrap()]).code, 0);
    fs::write(root.join("content/a.md"), "---\ntitle: [broken\n---\n").unwrap();
    assert_eq!(folio(&["build", "--root", root.to_str().unwrap()]).code, 1);
    let html = fs::read_to_string(root.join("public/a/index.html")).unwrap();
    assert!(html.contains("First"), "previous build intact");
    fs::write(root.join("content/a.md"), "---\ntitle: Second\n---\n").unwrap();
    assert_eq!(folio(&["build", "--root", root.to_str().unwrap()]).code, 0);
    assert!(fs::read_to_string(root.join("public/a/index.html"))
        .unwrap()
        .contains("Second"));
    let leftovers: Vec<_> = fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_rebuild_keeps_unchanged_files_and_their_times() {
    let tmp = site(&[
        ("content/a.md", "---\ntitle: A\n---\nFirst.\n"),
        ("content/b.md", "---\ntitle: B\n---\nStays.\n"),
    ]);
    let root = tmp.path();
    let rebuild = || folio(&["build", "--root", root.to_str().unwrap()]).code;
    assert_eq!(rebuild(), 0);
    let out = root.join("public");
    let modified = |rel: &str| fs::metadata(out.join(rel)).unwrap().modified().unwrap();
    let (a_before, b_before) = (modified("a/index.html"), modified("b/index.html"));
    std::thread::sleep(Duration::from_millis(1100));
    fs::write(root.join("content/a.md"), "---\ntitle: A\n---\nSecond.\n").unwrap();
    assert_eq!(rebuild(), 0);
    assert!(fs::read_to_string(out.join("a/index.html"))
        .unwrap()
        .contains("Second."));
    assert!(
        modified("a/index.html") > a_before,
        "a changed page is written"
    );
    if cfg!(unix) {
        assert_eq!(
            modified("b/index.html"),
            b_before,
            "an unchanged page keeps its time (deploy tools skip it)"
        );
    }
    // The result is the same as a build from nothing.
    let (fresh, run) = build(root, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in ["a/index.html", "b/index.html", "index.html", "404.html"] {
        assert_eq!(
            fs::read(out.join(page)).unwrap(),
            fs::read(fresh.path().join("public").join(page)).unwrap(),
            "{page}"
        );
    }
}

#[test]
fn strict_makes_warnings_fail_build_and_check() {
    // A byte-order mark is a warning: the page still builds.
    let tmp = site(&[
        ("content/a.md", "\u{feff}---\ntitle: A\n---\nBody.\n"),
        ("content/b.md", "---\ntitle: B\n---\nBody.\n"),
    ]);
    let root = tmp.path().to_str().unwrap();
    let run = folio(&["build", "--root", root, "--strict"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md"), "{}", run.stderr);
    assert!(run.stderr.contains("--strict"), "{}", run.stderr);
    assert!(!tmp.path().join("public").exists(), "nothing written");
    let run = folio(&["build", "--root", root]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("1 warning"), "{}", run.stdout);
    // A strict build that fails keeps the previous output.
    let run = folio(&["build", "--root", root, "--strict"]);
    assert_eq!(run.code, 1);
    assert!(tmp.path().join("public/a/index.html").is_file());

    assert_eq!(folio(&["check", "--root", root]).code, 0);
    let run = folio(&["check", "--root", root, "--strict"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("1 warning (failing: --strict)"),
        "{}",
        run.stderr
    );
    let run = folio(&["check", "--root", root, "--strict", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("\"severity\""), "{}", run.stdout);
}

#[test]
fn refuses_dangerous_output_folders_with_exit_2() {
    let tmp = site(&[("content/a.md", "# A\n")]);
    let root = tmp.path();
    let r = root.to_str().unwrap();
    for out in [
        r.to_string(),
        format!("{r}/content"),
        format!("{r}/content/out"),
        root.parent().unwrap().to_string_lossy().into_owned(),
    ] {
        let run = folio(&["build", "--root", r, "--out", &out]);
        assert_eq!(run.code, 2, "--out {out}: {}", run.stderr);
        assert!(
            run.stderr.contains("refusing to write output"),
            "{}",
            run.stderr
        );
    }
    assert!(root.join("content/a.md").is_file());
    // An existing folder that folio did not create is never replaced.
    let mine = root.join("mine");
    fs::create_dir_all(&mine).unwrap();
    fs::write(mine.join("notes.txt"), "precious").unwrap();
    let run = folio(&["build", "--root", r, "--out", mine.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("was not created by folio"));
    assert_eq!(
        fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn aliases_cannot_write_outside_the_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    fs::create_dir_all(root.join("content")).unwrap();
    fs::write(
        root.join("content/a.md"),
        "---\ntitle: A\naliases: [\"../../escaped\", /old/a/]\n---\nBody\n",
    )
    .unwrap();
    fs::write(
        root.join("content/b.md"),
        "---\ntitle: B\naliases: [\"/x/../../../escaped-too\"]\n---\n",
    )
    .unwrap();
    let r = root.to_str().unwrap();
    let run = folio(&["build", "--root", r]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:3:1"), "{}", run.stderr);
    assert!(run.stderr.contains("content/b.md:3:1"), "{}", run.stderr);
    assert!(
        run.stderr.contains("climbs out of the site"),
        "{}",
        run.stderr
    );
    assert!(!tmp.path().join("escaped").exists());
    assert!(!tmp.path().join("escaped-too").exists());
    assert!(!root.join("public").exists(), "nothing is written");
    // Without the bad ones, the good alias redirects.
    fs::write(
        root.join("content/a.md"),
        "---\ntitle: A\naliases: [/old/a/]\n---\nBody\n",
    )
    .unwrap();
    fs::write(root.join("content/b.md"), "---\ntitle: B\n---\n").unwrap();
    assert_eq!(folio(&["build", "--root", r]).code, 0);
    let redirect = fs::read_to_string(root.join("public/old/a/index.html")).unwrap();
    assert!(redirect.contains("url=/a/"), "{redirect}");
}

#[test]
fn usage_errors_exit_2_and_help_documents_exit_codes() {
    let run = folio(&["build", "--root", "/nonexistent/folio-site"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no content/ folder"), "{}", run.stderr);
    assert_eq!(folio(&["build", "--no-such-flag"]).code, 2);
    let help = folio(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("Exit codes:") && help.stdout.contains("1  the site has problems")
    );
}

#[test]
fn hostile_inputs_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let c = root.join("content");
    fs::create_dir_all(&c).unwrap();
    fs::write(c.join("empty.md"), "").unwrap();
    fs::write(c.join("only-fm.md"), "---\ntitle: Only\n---").unwrap();
    fs::write(c.join("deep.md"), ">".repeat(10_000) + " x\n").unwrap();
    fs::write(c.join("brackets.md"), "[a](<b".repeat(20_000)).unwrap();
    fs::write(
        c.join("yaml-nest.md"),
        format!("---\nx: {}\n---\n", "[".repeat(5000)),
    )
    .unwrap();
    fs::write(c.join("binary.md"), b"\x89PNG\r\n\x1a\n\0\0\0").unwrap();
    fs::write(c.join("blank-before.md"), "\n---\ntitle: Late\n---\nText\n").unwrap();
    fs::write(c.join("scalar.md"), "---\njust text\n---\n").unwrap();
    std::os::unix::fs::symlink(".", c.join("loop")).unwrap();
    let run = folio(&["build", "--root", root.to_str().unwrap()]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stderr.contains("content/yaml-nest.md"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("looks like front matter but is not at the very start"));
    assert!(run.stderr.contains("binary file"));
    assert!(run.stderr.contains("symlink loop"), "{}", run.stderr);
    assert!(run.stderr.contains("content/scalar.md:2:1"));
}

// ---- the default theme in a real browser -------------------------------------

#[test]
fn sample_pages_weigh_under_50_kb_with_hashed_assets() {
    let (out, run) = build(&repo(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = out.path().join("public");
    let assets: Vec<_> = fs::read_dir(&public)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let hashed = |ext: &str| {
        assets
            .iter()
            .find(|n| {
                n.starts_with("folio.")
                    && n.ends_with(ext)
                    && n.len() == "folio.12345678".len() + ext.len()
            })
            .unwrap_or_else(|| panic!("a hashed folio.*{ext} in {assets:?}"))
    };
    let (css, js) = (hashed(".css"), hashed(".js"));
    assert_eq!(
        css.len(),
        "folio.12345678.css".len(),
        "content hash in the name: {css}"
    );
    let extra = fs::metadata(public.join(css)).unwrap().len()
        + fs::metadata(public.join(js)).unwrap().len();
    for page in walk_html(&public) {
        let html = fs::read_to_string(&page).unwrap();
        assert!(
            html.contains(&format!("/{css}\"")) && html.contains(&format!("/{js}\"")),
            "{}",
            page.display()
        );
        assert!(
            !html.contains("http://") || !html.contains("<link rel=\"stylesheet\" href=\"http"),
            "no third-party styles"
        );
        let weight = html.len() as u64 + extra;
        assert!(
            weight <= 50 * 1024,
            "{} weighs {weight} bytes",
            page.display()
        );
    }
}

fn walk_html(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk_html(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_theme_script_picks_the_plural_forms_folio_picks() {
    // folio.js picks a form when search counts its results, with the
    // browser's Intl.PluralRules; folio picks one when it builds. Node
    // has the same ICU data as Chromium's.
    let languages = [
        "en", "de", "fr", "fr-CA", "pt", "pt_BR", "pt-PT", "he", "ru", "uk", "be", "pl", "cs",
        "sk", "hr", "sr", "bs", "lt", "lv", "ro", "sl", "ga", "ar", "cy", "is", "mk",
    ];
    let counts: Vec<i64> = (0..=230).chain([1000, 1001, 1002, 1011, 1021]).collect();
    let mut cases = Vec::new();
    for language in languages {
        let rule = folio::strings::plural_rule(language);
        for forms in [2, rule.categories.len()] {
            let word: Vec<String> = (0..forms).map(|i| i.to_string()).collect();
            let word = word.join("|");
            let want: Vec<usize> = counts
                .iter()
                .map(|n| rule.form(&word, *n).parse().unwrap())
                .collect();
            cases.push(serde_json::json!({
                "lang": language, "forms": forms, "counts": counts, "want": want,
            }));
        }
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    fs::write(file.path(), serde_json::to_string(&cases).unwrap()).unwrap();
    let script = repo().join("themes/handbook/static/folio.js");
    let report = run_node(
        "plural.mjs",
        [script.as_path(), file.path()],
        false,
        "folio.js and folio pick other forms",
    );
    assert!(report.contains("\"differ\": []"), "{report}");
}

/// Runs the node script `script` of `tests/browser/` with `args` and
/// returns what it printed; fails, saying it was `what`, unless it exits
/// with 0. `browser`: the script drives Chromium, which must be installed
/// with the script's modules (`scripts/test` installs them).
fn run_node<A: AsRef<std::ffi::OsStr>>(
    script: &str,
    args: impl IntoIterator<Item = A>,
    browser: bool,
    what: &str,
) -> String {
    let browser_dir = repo().join("tests/browser");
    assert!(
        !browser
            || (browser_dir.join("node_modules/playwright-core").is_dir()
                && Path::new("/usr/bin/chromium").exists()),
        "the browser tests need Chromium and tests/browser/node_modules: run `scripts/test` \
         (the README's test command), which installs them"
    );
    let output = Command::new("node")
        .arg(browser_dir.join(script))
        .args(args)
        .output()
        .expect("node runs (scripts/test installs it)");
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what}:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    report
}

/// Runs the browser checks (`tests/browser/check.mjs`) over the built site
/// `public` at `pages`, screenshots into `artefacts`; fails on any
/// failure. The checks of search, the table of contents, code and pages
/// without JavaScript read the second page: one with all of them.
fn check_in_chromium(public: &Path, artefacts: &Path, pages: &[&str]) {
    let args = [public.as_os_str(), artefacts.as_os_str()];
    let pages = pages.iter().map(std::ffi::OsStr::new);
    let report = run_node(
        "check.mjs",
        args.into_iter().chain(pages),
        true,
        "browser checks failed",
    );
    assert!(report.contains("\"failures\": []"), "{report}");
}

#[test]
fn default_theme_in_headless_chromium() {
    let (out, run) = build(&repo(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let artefacts = repo().join("target/browser-artefacts");
    let pages = [
        "/",
        "/playbooks/failure-modes/",
        "/playbooks/",
        "/writing/markdown/",
        "/reference/themes/",
        "/tags/",
        "/tags/ci/",
        "/no-such-page/",
    ];
    check_in_chromium(&out.path().join("public"), &artefacts, &pages);
    for shot in [
        "360-light-playbooks-failure-modes.png",
        "1280-dark-writing-markdown.png",
        "1280-no-js.png",
    ] {
        assert!(artefacts.join(shot).is_file(), "screenshot {shot}");
    }
}

/// The sample handbook in `language`, two entries a list page, built:
/// the copy and the build's output folder.
fn paged_sample_handbook(language: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let copy = tempfile::tempdir().unwrap();
    for part in ["content", "images", "static"] {
        if repo().join(part).exists() {
            let from = repo().join(part);
            let copied = Command::new("cp")
                .args(["-r", from.to_str().unwrap(), copy.path().to_str().unwrap()])
                .status()
                .unwrap();
            assert!(copied.success());
        }
    }
    let config = fs::read_to_string(repo().join("folio.toml")).unwrap();
    assert!(config.contains("language = \"en\""), "{config}");
    let paged = format!("paginate_by = 2\n{config}")
        .replace("language = \"en\"", &format!("language = \"{language}\""));
    fs::write(copy.path().join("folio.toml"), paged).unwrap();
    let (out, run) = build(copy.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (copy, out)
}

#[test]
fn default_theme_lists_cut_into_pages_in_german_in_headless_chromium() {
    // The sample handbook, two entries a page, in German: longer words
    // for the narrow layout, and search's words read from the script.
    let (_copy, out) = paged_sample_handbook("de");
    let list = fs::read_to_string(out.path().join("public/reference/index.html")).unwrap();
    assert!(list.contains("Seite 1 von 4"), "{list}");
    let artefacts = repo().join("target/browser-artefacts/paginated");
    let pages = [
        "/reference/",
        "/writing/markdown/",
        "/reference/page/2/",
        "/tags/ci/page/2/",
    ];
    check_in_chromium(&out.path().join("public"), &artefacts, &pages);
    assert!(artefacts.join("360-light-reference-page-2.png").is_file());
}

#[test]
fn search_finds_chinese_and_japanese_words_in_headless_chromium() {
    // Written without spaces between words: the index keeps each run's
    // pairs of characters and search cuts the query the same way, so a
    // word in the middle of a sentence is found. (The words are past each
    // page's first paragraph, which search reads whole.)
    let root = site(&[
        ("folio.toml", "title = \"ハンドブック\"\nlanguage = \"ja\"\n"),
        ("content/_index.md", "---\ntitle: ホーム\n---\nようこそ。\n"),
        (
            "content/release.md",
            "---\ntitle: リリース\n---\n概要です。\n\n本番環境へのデプロイ手順を説明します。ロールバックも含みます。\n",
        ),
        (
            "content/team.md",
            "---\ntitle: チーム\n---\n概要です。\n\nチームの働き方について。\n",
        ),
        ("content/zh.md", "---\ntitle: 说明\n---\n概要。\n\n这是部署流程的说明。\n"),
    ]);
    let (out, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let queries = ["デプロイ", "プロイ", "手順", "働き方", "流程", "部署流程"];
    let public = out.path().join("public");
    let args = [public.as_os_str(), "/".as_ref()];
    let queries_args = queries.iter().map(std::ffi::OsStr::new);
    let report = run_node(
        "find.mjs",
        args.into_iter().chain(queries_args),
        true,
        "search failed",
    );
    let found: serde_json::Value = serde_json::from_str(&report).unwrap();
    for (query, page) in [
        ("デプロイ", "/release/"),
        ("プロイ", "/release/"),
        ("手順", "/release/"),
        ("働き方", "/team/"),
        ("流程", "/zh/"),
        ("部署流程", "/zh/"),
    ] {
        assert_eq!(found[query], serde_json::json!([page]), "{query}: {report}");
    }
}

#[test]
fn default_theme_runs_right_to_left_in_hebrew_in_headless_chromium() {
    // The sample handbook with Hebrew words, so every page runs right to
    // left: the checks find the sidebar, "previous" and the list pager's
    // first link on the right, the ToC on the left, and the rest as in
    // English (no sideways scroll, axe, search, the narrow layout).
    let (_copy, out) = paged_sample_handbook("he");
    let page = fs::read_to_string(out.path().join("public/writing/markdown/index.html")).unwrap();
    assert!(page.contains("<html lang=\"he\" dir=\"rtl\">"), "{page}");
    let artefacts = repo().join("target/browser-artefacts/right-to-left");
    let pages = ["/", "/writing/markdown/", "/reference/page/2/"];
    check_in_chromium(&out.path().join("public"), &artefacts, &pages);
    assert!(artefacts.join("1280-light-writing-markdown.png").is_file());
}

// ---- folio serve -------------------------------------------------------------

#[test]
fn serve_answers_pages_with_live_reload_and_404() {
    let server = Server::start(&repo(), false);
    let (status, head, body) = server.get("/playbooks/failure-modes/");
    assert_eq!(status, 200);
    assert!(
        head.contains("Content-Type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(
        head.contains("Cache-Control: no-cache")
            && head.contains("X-Content-Type-Options: nosniff")
    );
    assert!(body.contains("<h1 class=\"page-title\">Failure Modes</h1>"));
    assert!(
        body.contains("<script src=\"/__folio/live.js\" defer></script></body>"),
        "script injected"
    );
    let port = server.port;
    assert!(
        body.contains(&format!(
            "href=\"http://127.0.0.1:{port}/playbooks/failure-modes/\""
        )),
        "base_url is the preview's"
    );
    // Without its final slash, a page is redirected to its URL, as static
    // hosts do (relative links would otherwise resolve a folder too high).
    for (asked, location) in [
        ("/playbooks/failure-modes", "/playbooks/failure-modes/"),
        ("/playbooks?x=1", "/playbooks/?x=1"),
    ] {
        let (status, head, _) = server.get(asked);
        assert_eq!(status, 302, "{asked}");
        assert!(
            head.contains(&format!("Location: {location}\r\n")),
            "{head}"
        );
    }
    let (status, head, _) = server.get("/folio.css");
    assert_eq!(status, 200);
    assert!(head.contains("text/css"));
    let (status, _, body) = server.get("/images/featured/theory.png");
    assert_eq!(status, 200);
    assert!(body.len() > 1000);
    let (status, _, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"), "theme's 404 page");
    let (status, head, body) = server.get("/__folio/live.js");
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript") && body.contains("EventSource"));
    let (status, _, _) = server.request(&format!(
        "HEAD / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(status, 200);
    assert!(
        !server.root.join("public").exists(),
        "serve never writes public/"
    );
}

#[test]
fn serve_refuses_hostile_requests() {
    let server = Server::start(&fixture("basic"), false);
    let port = server.port;
    for (path, expected) in [
        ("/../../../../etc/passwd", 400),
        ("/%2e%2e/%2e%2e/etc/passwd", 400),
        ("/.%2e/.%2e/etc/passwd", 400),
        ("/guide/..%5c..%5cetc/passwd", 400),
        ("/guide\\..\\..\\etc\\passwd", 400),
        ("/a%00b", 400),
        ("/%252e%252e/etc/passwd", 404),
        ("/.folio-build", 404),
        ("//etc/passwd", 400),
    ] {
        let (status, _, body) = server.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(status, expected, "{path}");
        assert!(!String::from_utf8_lossy(&body).contains("root:"), "{path}");
    }
    let raw = |req: String| server.request(&req).0;
    assert_eq!(
        raw(format!(
            "GET / HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"
        )),
        403,
        "DNS rebinding"
    );
    // Bytes past ASCII, which tiny_http answered by closing: a cookie
    // another program on 127.0.0.1 set, and a path as curl sends it.
    assert_eq!(
        raw(format!("GET /guide/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: name=José\r\nConnection: close\r\n\r\n")),
        200
    );
    assert_eq!(
        raw(format!(
            "GET /guide/café HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        )),
        404
    );
    assert_eq!(
        raw("GET / HTTP/1.1\r\nHost: localhost.evil.example\r\nConnection: close\r\n\r\n".into()),
        403
    );
    assert_eq!(raw(format!("POST / HTTP/1.1\r\nHost: localhost:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")), 405);
    assert_eq!(
        raw(format!(
            "GET http://evil/ HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
        )),
        400
    );
    assert_eq!(
        raw(format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\nConnection: close\r\n\r\n")),
        403
    );
    assert_eq!(
        raw(format!("GET /__folio/events HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n")),
        403
    );
    let big = "x".repeat(17 * 1024);
    assert_eq!(
        raw(format!(
            "GET / HTTP/1.1\r\nHost: localhost:{port}\r\nX-Big: {big}\r\nConnection: close\r\n\r\n"
        )),
        431
    );
    let (_, head, _) = server.request(&format!(
        "DELETE / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
    ));
    assert!(head.contains("Allow: GET, HEAD"), "{head}");
}

#[test]
fn serve_limits_slow_idle_and_oversized_connections() {
    // Two servers, so that the idle connections below do not run out of
    // time while a loaded machine is slow to open the next one.
    let hurried = Server::start_with(&fixture("basic"), false, &["--header-timeout", "1"]);
    let server = Server::start_with(&fixture("basic"), false, &["--max-connections", "3"]);
    let port = server.port;
    let connect_to = |port: u16| {
        let s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        s
    };
    let connect = || connect_to(port);
    let status_of = |mut s: std::net::TcpStream| {
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    };
    let get = format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n");

    // A head that never ends gets 408 once its time is up, however it drips.
    let mut slow = connect_to(hurried.port);
    let started = std::time::Instant::now();
    slow.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(600));
    slow.write_all(b"Host: localhost\r\n").unwrap();
    assert_eq!(status_of(slow), "HTTP/1.1 408 Request Timeout");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "{took:?}");

    // Three idle connections are all it takes; the fourth is refused at once.
    let idle: Vec<_> = (0..3).map(|_| connect()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut head = String::new();
    connect().read_to_string(&mut head).unwrap();
    assert!(head.starts_with("HTTP/1.1 503 "), "{head}");
    assert!(head.contains("Retry-After: 1\r\n"), "{head}");
    assert!(head.contains("X-Content-Type-Options: nosniff"), "{head}");
    // Once they go away, requests are answered again (as soon as the gate
    // has seen them close: a loaded machine may take a moment).
    drop(idle);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let answered = loop {
        let mut ok = connect();
        let _ = ok.write_all(get.as_bytes());
        let status = status_of(ok);
        if !status.starts_with("HTTP/1.1 503 ") || std::time::Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(answered, "HTTP/1.1 200 OK");

    // A head past every header limit is refused without reaching tiny_http.
    let mut big = connect();
    let fields = "X-Filler: 0123456789012345678901234567890123456789\r\n".repeat(600);
    let _ =
        big.write_all(format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\n{fields}").as_bytes());
    assert_eq!(
        status_of(big),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );

    // Keep-alive asked for or not, each connection carries one request, and
    // the live-reload stream still works through the gate.
    let mut twice = connect();
    twice.write_all(format!("{get}{get}").as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = twice.read_to_string(&mut answer);
    assert_eq!(answer.matches("HTTP/1.1 200 OK").count(), 1, "{answer}");
    server.events().wait("ok");
}

#[test]
fn serve_started_inside_the_site_without_root_sees_saves() {
    // `folio serve` in the site's folder is how authors start it; the
    // watcher reports absolute paths, and every save used to be ignored.
    let server = Server::start_inside(&fixture("basic"));
    // The first build is told as one, not as a rebuild.
    let first = server.preamble.join("\n");
    assert!(
        first.contains("↻ built the site (5 pages, 4 sections) in "),
        "{first}"
    );
    let events = server.events();
    assert_eq!(events.wait("ok"), "{}");
    let page = server.root.join("content/guide/setup.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(
        &page,
        text.replace("Run the installer.", "Run the NEW installer."),
    )
    .unwrap();
    assert!(events.wait("reload").contains("\"/guide/setup/\""));
    server.wait_log("content/guide/setup.md →");
    assert!(server
        .get("/guide/setup/")
        .2
        .contains("Run the NEW installer."));
    // A new page rebuilds the site, counted as `folio build` counts it.
    fs::write(
        server.root.join("content/guide/new.md"),
        "---\ntitle: New\n---\nNew page.\n",
    )
    .unwrap();
    server.wait_log("rebuilt the site (6 pages, 4 sections)");
    assert_eq!(server.get("/guide/new/").0, 200);
}

#[test]
fn serve_reloads_edited_page_and_shows_errors_until_fixed() {
    let server = Server::start(&fixture("basic"), false);
    let events = server.events();
    assert_eq!(
        events.wait("ok"),
        "{}",
        "a new stream learns the build is fine"
    );
    let page = server.root.join("content/guide/setup.md");
    let text = fs::read_to_string(&page).unwrap();
    let (status, _, index) = server.get("/search-index.js");
    assert_eq!(status, 200);
    assert!(index.contains("\"Install it\\nInstall it\""), "{index}");
    fs::write(
        &page,
        text.replace(
            "Run the installer.",
            "Run the NEW installer (zebracorn edition).",
        )
        .replace("## Install it\n\nRepeated", "## Upgrade it\n\nRepeated"),
    )
    .unwrap();
    let data = events.wait("reload");
    assert!(
        data.contains("\"/guide/setup/\"") && data.contains("\"all\":false"),
        "{data}"
    );
    assert!(server
        .get("/guide/setup/")
        .2
        .contains("Run the NEW installer (zebracorn edition)."));
    server.wait_log("content/guide/setup.md →");
    // The search index follows the new heading and words, without a full
    // rebuild, written just after the reload; the tabs are told again then
    // (one may have fetched the old index in between).
    events.wait("written");
    let index = server.get("/search-index.js").2;
    assert!(index.contains("\"Install it\\nUpgrade it\"]"), "{index}");
    let words = &search_index(&index)["words"];
    assert!(
        words.as_array().unwrap().iter().any(|w| w == "zebracorn"),
        "{words}"
    );

    // Break the front matter: an overlay event with file and line; the last good page stays.
    fs::write(&page, "---\ntitle: [oops\n---\nBroken body\n").unwrap();
    let data = events.wait("failed");
    assert!(data.contains("content/guide/setup.md:2:8"), "{data}");
    assert!(
        server
            .get("/guide/setup/")
            .2
            .contains("Run the NEW installer (zebracorn edition)."),
        "last good build served"
    );
    // A tab opened now is told about the failure at once.
    let late = server.events();
    assert!(late.wait("failed").contains("setup.md"));

    // Fix it: the page reloads (which also removes the overlay).
    fs::write(&page, text.replace("Run the installer.", "Fixed again.")).unwrap();
    let data = events.wait("reload");
    assert!(
        data.contains("\"/guide/setup/\"") || data.contains("\"all\":true"),
        "{data}"
    );
    assert!(server.get("/guide/setup/").2.contains("Fixed again."));

    // A description shows on the page, in its listing and on the pages
    // of its tags: they are updated in place, like a body.
    fs::write(
        &page,
        text.replace("Run the installer.", "Fixed again.").replace(
            "tags: [start, setup]",
            "description: Getting ready.\ntags: [start, setup]",
        ),
    )
    .unwrap();
    let data = events.wait("reload");
    assert!(
        data.contains("\"/guide/setup/\"")
            && data.contains("\"/guide/\"")
            && data.contains("\"/tags/start/\"")
            && data.contains("\"/tags/setup/\"")
            && data.contains("\"all\":false"),
        "{data}"
    );
    server.wait_log("content/guide/setup.md → 4 files");
    assert!(server
        .get("/guide/setup/")
        .2
        .contains("<meta name=\"description\" content=\"Getting ready.\">"));
    assert!(server.get("/guide/").2.contains("Getting ready."));
    assert!(server.get("/tags/setup/").2.contains("Getting ready."));

    // A new title shows in the navigation of the guide and the section
    // below it, and in the next page's pager: those pages are updated in
    // place, the rest of the site is not.
    fs::write(
        &page,
        text.replace("Run the installer.", "Fixed again.")
            .replace("title: Setup", "title: Setting up"),
    )
    .unwrap();
    let data = events.wait("reload");
    assert!(
        data.contains("\"/guide/how-to-use/\"")
            && data.contains("\"/guide/deep/page/\"")
            && data.contains("\"all\":false")
            && !data.contains("/notes/"),
        "{data}"
    );
    let usage = server.get("/guide/how-to-use/").2;
    assert!(
        usage.contains("<span class=\"pager-title\">Setting up</span>"),
        "{usage}"
    );
    assert!(server
        .get("/guide/deep/page/")
        .2
        .contains(">Setting up</a>"));
    assert!(server.get("/tags/setup/").2.contains("Setting up"));

    // Tags make and unmake pages: the site is built again, and the page
    // of a tag no page has any more is gone.
    fs::write(
        &page,
        text.replace("Run the installer.", "Fixed again.")
            .replace("tags: [start, setup]", "tags: [start]"),
    )
    .unwrap();
    let data = events.wait("reload");
    assert!(data.contains("\"all\":true"), "{data}");
    assert_eq!(server.get("/tags/setup/").0, 404);
    let tags = server.get("/tags/").2;
    assert!(
        tags.contains("href=\"/tags/start/\"") && !tags.contains("/tags/setup/"),
        "{tags}"
    );
    assert!(server
        .get("/guide/setup/")
        .2
        .contains("<a class=\"tag\" href=\"/tags/start/\" rel=\"tag\">start</a>"));
}

#[test]
fn serve_started_on_a_broken_site_lists_the_problems_until_fixed() {
    // Twelve times: ten shown, and a note counting two.
    let images = "![flow](../images/flow.png)\n\n".repeat(12);
    let dir = site(&[(
        "content/_index.md",
        &format!("---\ntitle: Home\n---\n{images}"),
    )]);
    let server = Server::start(dir.path(), false);
    // The report goes to stderr, so it may come after the address (stdout).
    let mut report = server.preamble.clone();
    let told = "the preview lists the problems until they are fixed";
    if !report.iter().any(|l| l.contains(told)) {
        report.extend(server.log_until(told));
    }
    let report = report.join("\n");
    assert!(
        report.contains("content/_index.md:4:1") && !report.contains("last good version"),
        "there is no good version yet: {report}"
    );
    let (status, _, body) = server.get("/");
    assert_eq!(status, 200);
    assert!(body.contains("The site does not build yet") && body.contains("flow.png"));
    let events = server.events();
    let failed = events.wait("failed");
    assert!(failed.contains("flow.png"), "{failed}");
    // The overlay's headline counts the errors, not the texts told.
    assert!(failed.contains("note: 2 more errors"), "{failed}");
    assert!(failed.contains("\"count\":12}"), "{failed}");

    // The missing image arrives: the site builds.
    fs::create_dir_all(server.root.join("images")).unwrap();
    fs::copy(
        fixture("basic").join("images/banner.png"),
        server.root.join("images/flow.png"),
    )
    .unwrap();
    events.wait("reload");
    assert!(server.get("/").2.contains("src=\"/images/flow.png\""));

    // Broken again: now there is a good version to keep serving.
    fs::write(
        server.root.join("content/_index.md"),
        "---\ntitle: Home\n---\n![flow](../images/flwo.png)\n",
    )
    .unwrap();
    server.wait_log("still serving the last good version");
    assert!(server.get("/").2.contains("src=\"/images/flow.png\""));
}

#[test]
fn serve_tells_each_warning_once_when_it_appears() {
    let dir = site(&[
        (
            "content/_index.md",
            "---\ntitle: Home\ntags: [a, a]\n---\nHi.\n",
        ),
        ("content/page.md", "---\ntitle: Page\n---\nBody.\n"),
    ]);
    let server = Server::start(dir.path(), false);
    // The first build tells every warning (on stderr, so perhaps after
    // the address on stdout).
    let preamble = server.preamble.join("\n");
    if !preamble.contains("content/_index.md:3:1") {
        server.wait_log("content/_index.md:3:1");
    }
    let page = server.root.join("content/page.md");
    // Warnings go to stderr, in order, while the update lines go to stdout:
    // each step waits for a warning, and checks what stderr said before it.
    let warned = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.starts_with("warning:"))
            .cloned()
            .collect()
    };
    // A typo in the front matter (an unknown key, so the page is updated
    // in place): its warning, and only it.
    fs::write(&page, "---\ntitle: Page\ntitel: Oops\n---\nBody.\n").unwrap();
    let lines = server.log_until("unknown front matter key `titel`");
    assert_eq!(
        warned(&lines),
        ["warning: unknown front matter key `titel`"]
    );
    // A body edit (the page alone), then a new typo elsewhere with a new
    // title (a full rebuild): only the new typo is told.
    fs::write(&page, "---\ntitle: Page\ntitel: Oops\n---\nNew body.\n").unwrap();
    server.wait_log("content/page.md →");
    let home = server.root.join("content/_index.md");
    fs::write(
        &home,
        "---\ntitle: Home page\ntags: [a, a]\ndescripton: x\n---\nHi.\n",
    )
    .unwrap();
    let lines = server.log_until("unknown front matter key `descripton`");
    assert_eq!(
        warned(&lines),
        ["warning: unknown front matter key `descripton`"]
    );
    // Fixed, then back: told again, as it is new again. (Each update sends
    // one reload event: waiting for it orders the saves.)
    let events = server.events();
    events.wait("ok");
    fs::write(&page, "---\ntitle: Page\n---\nNew body.\n").unwrap();
    events.wait("reload");
    fs::write(&page, "---\ntitle: Page\ntitel: Oops\n---\nNew body.\n").unwrap();
    let lines = server.log_until("unknown front matter key `titel`");
    assert_eq!(
        warned(&lines),
        ["warning: unknown front matter key `titel`"]
    );
}

/// A link left as a URL relative to its page that leads to no file is
/// told while previewing, as `folio check` tells it: in the terminal and
/// in the open tabs, and again once the file it named is gone.
#[test]
fn serve_tells_of_a_relative_link_that_leads_nowhere() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        ("content/page.md", "---\ntitle: Page\n---\nBody.\n"),
        ("static/page/notes.txt", "notes"),
    ]);
    let server = Server::start(dir.path(), false);
    let events = server.events();
    events.wait("ok");
    let page = server.root.join("content/page.md");
    let text = "---\ntitle: Page\n---\nSee [notes](notes.txt) and [plan](plan.txt).\n";
    fs::write(&page, text).unwrap();
    let told = "link to `plan.txt` leads to no file of the site";
    let reload = events.wait("reload");
    assert!(reload.contains(told), "{reload}");
    let before = server.log_until(told).join("\n");
    let rest = server.log_until("leads to `/page/plan.txt`").join("\n");
    assert!(rest.contains("content/page.md:4:"), "{rest}");
    assert!(!(before + &rest).contains("notes.txt` leads"), "{rest}");
    // The file a working link names is deleted: that link is told now.
    fs::remove_file(server.root.join("static/page/notes.txt")).unwrap();
    server.wait_log("link to `notes.txt` leads to no file of the site");
}

/// A page broken on save keeps its problems on screen while other pages
/// are saved and updated in place, until it is fixed.
#[test]
fn serve_keeps_telling_a_broken_page_while_others_update() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        ("content/a.md", "---\ntitle: A\n---\nFirst A.\n"),
        ("content/b.md", "---\ntitle: B\n---\nFirst B.\n"),
    ]);
    let server = Server::start(dir.path(), false);
    let events = server.events();
    events.wait("ok");
    let content = server.root.join("content");
    fs::write(content.join("a.md"), "---\ntitle: [A\n---\nSecond A.\n").unwrap();
    assert!(events.wait("failed").contains("content/a.md:2"));
    fs::write(content.join("b.md"), "---\ntitle: B\n---\nSecond B.\n").unwrap();
    events.wait("reload");
    // Told again after the update, to open tabs and to tabs opened later.
    assert!(events.wait("failed").contains("content/a.md:2"));
    server.wait_log("Still broken, shown as last built: content/a.md");
    assert!(server.get("/b/").2.contains("Second B."));
    assert!(server.get("/a/").2.contains("First A."));
    assert!(server.events().wait("failed").contains("content/a.md:2"));
    // Fixed: nothing stands.
    fs::write(content.join("a.md"), "---\ntitle: A\n---\nThird A.\n").unwrap();
    events.wait("reload");
    assert!(server.get("/a/").2.contains("Third A."));
    server.events().wait("ok");
}

#[test]
fn serve_updates_a_page_that_links_to_one_not_written_yet() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Home\n---\n## Start\n"),
        ("content/page.md", "---\ntitle: Page\n---\nBody.\n"),
    ]);
    let server = Server::start(dir.path(), false);
    let events = server.events();
    events.wait("ok");
    let page = server.root.join("content/page.md");
    // A link to a page to come, and an anchor that is not there yet: the
    // preview shows the new text and warns; `folio build` would fail.
    let text = "---\ntitle: Page\n---\nNew text, see [next](next.md) and [home](_index.md#stat).\n";
    fs::write(&page, text).unwrap();
    let data = events.wait("reload");
    assert!(data.contains("\"/page/\""), "{data}");
    assert!(
        data.contains("\"warnings\":[\"warning: link to `next.md`"),
        "the tabs are told: {data}"
    );
    let body = server.get("/page/").2;
    assert!(
        body.contains("New text, see <a href=\"next.md\">next</a>"),
        "{body}"
    );
    server.wait_log("warning: link to `next.md`, but `content/next.md` does not exist");
    server
        .wait_log("warning: link to `#stat`, but `content/_index.md` has no heading with that id");
    // The heading arrives in the other page, then goes again: the link is
    // broken anew, and told again.
    let home = server.root.join("content/_index.md");
    fs::write(&home, "---\ntitle: Home\n---\n## Start\n\n## Stat\n").unwrap();
    events.wait("reload");
    fs::write(&home, "---\ntitle: Home\n---\n## Start\n").unwrap();
    events.wait("reload");
    server
        .wait_log("warning: link to `#stat`, but `content/_index.md` has no heading with that id");
    let (_, run) = build(&server.root, &[]);
    assert_eq!(run.code, 1, "a build still fails: {}", run.stderr);
    assert!(
        run.stderr.contains("error: link to `next.md`"),
        "{}",
        run.stderr
    );
    // The page arrives: the link works.
    fs::write(
        server.root.join("content/next.md"),
        "---\ntitle: Next\n---\nHi.\n",
    )
    .unwrap();
    events.wait("reload");
    assert!(server
        .get("/page/")
        .2
        .contains("<a href=\"/next/\">next</a>"));
    // A missing image still stops the update: it would show broken.
    fs::write(&page, "---\ntitle: Page\n---\nNewer ![chart](chart.png).\n").unwrap();
    assert!(events.wait("failed").contains("chart.png"));
    assert!(server.get("/page/").2.contains("New text"));
}

#[test]
fn serve_says_a_saved_draft_is_not_built_and_builds_it_once_published() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        (
            "content/wip.md",
            "---\ntitle: WIP\ndraft: true\n---\nSoon.\n",
        ),
    ]);
    let server = Server::start(dir.path(), false);
    let events = server.events();
    events.wait("ok");
    let wip = server.root.join("content/wip.md");
    // Still a draft: no rebuild, and the terminal says why the page is not there.
    fs::write(&wip, "---\ntitle: WIP\ndraft: true\n---\nSooner.\n").unwrap();
    let line = server.wait_log("content/wip.md is a draft");
    assert!(line.contains("serve with --drafts to see it"), "{line}");
    assert_eq!(server.get("/wip/").0, 404);
    // Published: the site is rebuilt with it.
    fs::write(&wip, "---\ntitle: WIP\n---\nReady.\n").unwrap();
    server.wait_log("rebuilt the site (1 page, 1 section)");
    assert!(server.get("/wip/").2.contains("Ready."));
}

#[test]
fn serve_handles_atomic_saves_new_and_deleted_pages() {
    let server = Server::start(&fixture("basic"), false);
    let events = server.events();
    events.wait("ok");
    // An editor's atomic save: write a temp file, then rename it over the page.
    let page = server.root.join("content/guide/usage.md");
    let text = fs::read_to_string(&page).unwrap();
    let tmp = server.root.join("content/guide/.usage.md.swp");
    fs::write(&tmp, "swap").unwrap();
    let staged = server.root.join("content/guide/usage.md~");
    fs::write(&staged, text.replace("Back to", "Atomically back to")).unwrap();
    fs::rename(&staged, &page).unwrap();
    fs::remove_file(&tmp).unwrap();
    events.wait("reload");
    assert!(server
        .get("/guide/how-to-use/")
        .2
        .contains("Atomically back to"));

    // A new page and a new folder appear; a deleted page disappears.
    fs::create_dir_all(server.root.join("content/fresh")).unwrap();
    fs::write(server.root.join("content/fresh/new.md"), "# Brand new\n").unwrap();
    events.wait("reload");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.get("/fresh/new/").0 != 200 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(server.get("/fresh/new/").2.contains("Brand new"));
    fs::remove_file(server.root.join("content/notes/plain-file-name.md")).unwrap();
    events.wait("reload");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.get("/notes/plain-file-name/").0 != 404 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(server.get("/notes/plain-file-name/").0, 404);
}

#[test]
fn serve_makes_a_saved_featured_image_variants_again_without_a_rebuild() {
    let server = Server::start(&repo(), false);
    let events = server.events();
    events.wait("ok");
    // The first variant of the page's featured image, and the listing's
    // thumbnail (its smallest variant).
    let variant = |html: &str| {
        let at = html.find("srcset=\"").expect("a srcset") + 8;
        html[at..].split(' ').next().unwrap().to_string()
    };
    let page = server.get("/reference/preview-server/").2;
    let old = variant(&page);
    assert!(old.contains("/images/featured/preview."), "{old}");
    assert_eq!(server.get(&old).0, 200);
    assert!(server.get("/reference/").2.contains(&old));
    assert!(server.get("/tags/preview/").2.contains(&old));

    // Another picture saved over it (an editor's save, in place).
    let other = fs::read(server.root.join("images/featured/themes.png")).unwrap();
    fs::write(server.root.join("images/featured/preview.png"), other).unwrap();
    let told = server.wait_log("images/featured/preview.png");
    // The page, its section's listing and its tag's page.
    assert!(
        told.contains("(featured), re-rendering what shows it: 1 page → 3 files"),
        "{told}"
    );
    events.wait("reload");
    let new = variant(&server.get("/reference/preview-server/").2);
    assert_ne!(new, old, "variants are named by their bytes");
    assert_eq!(server.get(&new).0, 200);
    assert_eq!(server.get(&old).0, 404, "the old variant is gone");
    for listing in ["/reference/", "/tags/preview/"] {
        let html = server.get(listing).2;
        assert!(html.contains(&new) && !html.contains(&old), "{listing}");
    }
}

#[test]
fn serve_takes_new_and_deleted_files_without_a_rebuild() {
    let server = Server::start(&repo(), false);
    let events = server.events();
    events.wait("ok");
    // A screenshot dropped into images/ before any page shows it.
    let shot = fs::read(server.root.join("images/featured/themes.png")).unwrap();
    fs::write(server.root.join("images/new-shot.png"), &shot).unwrap();
    let told = server.wait_log("images/new-shot.png");
    assert!(told.contains("copied images/new-shot.png"), "{told}");
    let (status, _, body) =
        server.request("GET /images/new-shot.png HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert_eq!((status, body.len()), (200, shot.len()));
    // Then a page shows it: the page updates, with the image's size.
    let page = server.root.join("content/reference/themes.md");
    let mut text = fs::read_to_string(&page).unwrap();
    text.push_str("\n![The new shot](../../images/new-shot.png)\n");
    fs::write(&page, text).unwrap();
    let told = server.wait_log("themes.md →");
    assert!(!told.contains("rebuilt"), "{told}");
    let html = server.get("/reference/themes/").2;
    assert!(
        html.contains(
            "src=\"/images/new-shot.png\" alt=\"The new shot\" width=\"1200\" height=\"630\""
        ),
        "{html}"
    );
    // A link written first, to a file that comes next: written as it is,
    // then the page is updated with the file's URL.
    let mut text = fs::read_to_string(&page).unwrap();
    text.push_str("\nThe [checklist](checklist.pdf).\n");
    fs::write(&page, text).unwrap();
    // It leads nowhere yet, and the preview says so as it updates.
    server.wait_log("link to `checklist.pdf` leads to no file of the site");
    fs::write(server.root.join("content/reference/checklist.pdf"), "%PDF").unwrap();
    let told = server.wait_log("its links found");
    assert!(
        told.contains("its links found: content/reference/themes.md"),
        "{told}"
    );
    let html = server.get("/reference/themes/").2;
    assert!(html.contains("href=\"/reference/checklist.pdf\""), "{html}");
    // A folder of screenshots moved in whole (its files there before the
    // watcher could watch it): each copied, no rebuild; hidden files not.
    let drop = server.root.join("drop");
    fs::create_dir_all(drop.join("more")).unwrap();
    for name in ["a.png", "more/b.png", ".DS_Store"] {
        fs::write(drop.join(name), &shot).unwrap();
    }
    fs::rename(&drop, server.root.join("images/drop")).unwrap();
    let told = server.wait_log("images/drop");
    assert!(
        told.starts_with("↻ copied images/drop/a.png, images/drop/more/b.png in "),
        "{told}"
    );
    assert_eq!(server.get("/images/drop/more/b.png").0, 200);
    assert_eq!(server.get("/images/drop/.DS_Store").0, 404);
    // Moved out again: its files leave the served site, no rebuild.
    fs::rename(server.root.join("images/drop"), &drop).unwrap();
    let told = server.wait_log("images/drop");
    assert!(
        told.starts_with(
            "↻ removed images/drop/a.png, images/drop/more/b.png (no page names it) in "
        ),
        "{told}"
    );
    assert_eq!(server.get("/images/drop/more/b.png").0, 404);
    // A file no page names, deleted: gone from the served site, no rebuild.
    fs::write(server.root.join("images/unused.png"), &shot).unwrap();
    server.wait_log("copied images/unused.png");
    assert_eq!(server.get("/images/unused.png").0, 200);
    fs::remove_file(server.root.join("images/unused.png")).unwrap();
    server.wait_log("removed images/unused.png (no page names it)");
    assert_eq!(server.get("/images/unused.png").0, 404);
    // So for a file of static/ whose name has no `.` (a gone path like it
    // could have been a folder, and rebuilt the site).
    fs::create_dir_all(server.root.join("static")).unwrap();
    fs::write(server.root.join("static/CNAME"), "handbook.example.com\n").unwrap();
    // A new folder rebuilds the site; the file may come with it or after.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.get("/CNAME").0 != 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "static/CNAME never served"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Whatever the rebuild printed, the deletion's line comes after it.
    std::thread::sleep(Duration::from_millis(300));
    fs::remove_file(server.root.join("static/CNAME")).unwrap();
    // Not "rebuilt the site": the line would never come.
    server.wait_log("↻ removed static/CNAME (no page names it)");
    assert_eq!(server.get("/CNAME").0, 404);
}

#[cfg(unix)]
#[test]
fn serve_refreshes_a_linked_file_when_its_target_is_saved() {
    use std::os::unix::fs::symlink;
    let server = Server::start(&repo(), false);
    server.events().wait("ok");
    let root = &server.root;
    let [first, second] = ["themes.png", "pipeline.png"]
        .map(|name| fs::read(root.join("images/featured").join(name)).unwrap());
    assert_ne!(first, second);
    // A link beside its target, and one to a folder folio does not watch.
    fs::create_dir_all(root.join("brand")).unwrap();
    fs::write(root.join("brand/logo.png"), &first).unwrap();
    fs::write(root.join("images/shot.png"), &first).unwrap();
    server.wait_log("copied images/shot.png");
    symlink("shot.png", root.join("images/alias.png")).unwrap();
    symlink("../brand/logo.png", root.join("images/logo.png")).unwrap();
    server.wait_log("rebuilt the site");
    let page = root.join("content/reference/themes.md");
    let mut text = fs::read_to_string(&page).unwrap();
    text.push_str("\n![Alias](../../images/alias.png) ![Logo](../../images/logo.png)\n");
    fs::write(&page, text).unwrap();
    server.wait_log("themes.md →");
    let served = |url: &str| {
        let (status, _, body) =
            server.request(&format!("GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        assert_eq!(status, 200, "{url}");
        body
    };
    for url in ["/images/alias.png", "/images/logo.png"] {
        assert_eq!(served(url), first, "{url}");
    }
    // Each target saved again: the link's copy in the served site follows
    // (the watcher tells only of the target).
    fs::write(root.join("images/shot.png"), &second).unwrap();
    let told = server.wait_log("copied");
    assert!(
        told.contains("images/alias.png") && told.contains("images/shot.png"),
        "{told}"
    );
    fs::write(root.join("brand/logo.png"), &second).unwrap();
    let told = server.wait_log("copied");
    assert!(told.contains("images/logo.png"), "{told}");
    for url in ["/images/alias.png", "/images/logo.png"] {
        assert_eq!(served(url), second, "{url}");
    }
}

#[test]
fn serve_swaps_stylesheets_without_reload_and_stops_cleanly() {
    let mut server = Server::start(&repo(), true);
    let events = server.events();
    events.wait("ok");
    let static_dir = server.root.join("themes/handbook/static");
    let append = |name: &str, line: &str| {
        let path = static_dir.join(name);
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str(line);
        fs::write(&path, text).unwrap();
    };
    append("folio.css", "\n.marker-from-test { color: red; }\n");
    events.wait("css");
    assert!(server.get("/folio.css").2.contains("marker-from-test"));
    // A script edited is copied (not the site rebuilt), with the site's
    // words written into it; returns the served folio.js.
    let edit_script = |name: &str, line: &str| {
        append(name, line);
        events.wait("reload");
        let told = server.wait_log(&format!("static/{name}"));
        let copied = format!("copied themes/handbook/static/{name}");
        assert!(told.contains(&copied), "{told}");
        server.get("/folio.js").2
    };
    let script = edit_script("folio.js", "window.folioMarkerFromTest = 1;\n");
    assert!(script.contains("folioMarkerFromTest"), "{script}");
    assert!(script.contains("\"copy\":\"Copy\""), "{script}");
    assert!(
        !script.contains("\"next\":"),
        "a word no script names: {script}"
    );
    // Another script that names a word brings it into the first one.
    let script = edit_script("search.js", "window.folioNextFromTest = \"next\";\n");
    assert!(script.contains("\"next\":\"Next\""), "{script}");
    assert!(server.get("/search.js").2.contains("folioNextFromTest"));
    assert_eq!(server.interrupt(), Some(0), "Ctrl-C exits 0");
    assert!(
        server
            .root
            .join("content/playbooks/failure-modes.md")
            .is_file(),
        "nothing of the site removed"
    );
}

#[test]
fn serve_live_reload_in_headless_chromium() {
    let server = Server::start(&repo(), false);
    let args = [
        format!("http://127.0.0.1:{}/", server.port).into(),
        server.root.join("content/playbooks/failure-modes.md"),
        "/playbooks/failure-modes/".into(),
        "3".into(),
        server.root.join("content/playbooks/releasing-folio.md"),
    ];
    let report = run_node("live.mjs", args, true, "live reload failed");
    assert!(report.contains("\"failures\": []"), "{report}");
    assert!(
        report.contains("failure-modes.md:"),
        "overlay names the file: {report}"
    );
    assert!(
        report.contains("\"notice\": \"folio: 1 new warning"),
        "warning notice: {report}"
    );
    assert!(
        report.contains("\"standing\": \"folio: 1 problem to fix"),
        "another page's problem stays told: {report}"
    );
}

#[test]
fn serve_ends_equal_to_a_fresh_build_after_a_mass_change() {
    let server = Server::start(&fixture("basic"), false);
    let events = server.events();
    events.wait("ok");
    // Like `git checkout` of another branch: many files rewritten, some
    // deleted, some added, a folder removed, all at once.
    let content = server.root.join("content");
    for i in 0..40 {
        fs::write(
            content.join(format!("guide/gen-{i}.md")),
            format!("---\ntitle: Generated {i}\nweight: {i}\n---\n\nBody {i}.\n"),
        )
        .unwrap();
    }
    fs::remove_dir_all(content.join("notes")).unwrap();
    let setup = content.join("guide/setup.md");
    fs::write(
        &setup,
        fs::read_to_string(&setup)
            .unwrap()
            .replace("Intro paragraph", "Branch intro"),
    )
    .unwrap();
    fs::write(
        content.join("guide/usage.md"),
        "{\n\"title\": \"Usage v2\",\n\"weight\": 2,\n\"slug\": \"how-to-use\"\n}\n\n## Flags\n",
    )
    .unwrap();
    // Wait until the watcher is quiet and the served site matches a fresh build.
    let fresh = tempfile::tempdir().unwrap();
    let out = fresh.path().join("public");
    let url = format!("http://127.0.0.1:{}/", server.port);
    let run = folio(&[
        "build",
        "--root",
        server.root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        &url,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages: Vec<String> = walk_html(&out)
        .iter()
        .map(|p| {
            p.strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .replace("index.html", "")
        })
        .collect();
    assert!(pages.len() > 40);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mismatches = loop {
        let mismatches: Vec<&String> = pages
            .iter()
            .filter(|p| {
                let expected = fs::read_to_string(out.join(format!(
                    "{p}{}",
                    if p.ends_with(".html") {
                        ""
                    } else {
                        "index.html"
                    }
                )))
                .unwrap();
                let (_, _, served) = server.get(&format!("/{p}"));
                served.replace("<script src=\"/__folio/live.js\" defer></script>", "")
                    != unhash_assets(&expected)
            })
            .collect();
        if mismatches.is_empty() || std::time::Instant::now() > deadline {
            break mismatches;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        mismatches.is_empty(),
        "served pages differ from a fresh build: {mismatches:?}"
    );
    assert_eq!(
        server.get("/notes/plain-file-name/").0,
        404,
        "deleted section is gone"
    );
}

/// `folio.1a2b3c4d.css` → `folio.css` (and `search.….js` → `search.js`):
/// the preview links assets by their plain names so a stylesheet edit
/// does not change every page.
fn unhash_assets(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('.') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let hashed = rest
            .get(..8)
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            && (rest[8..].starts_with(".css") || rest[8..].starts_with(".js"));
        if hashed {
            // The dot before the hash goes; the one after it stays.
            out.pop();
            rest = &rest[8..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn serve_watches_folders_created_after_start() {
    let server = Server::start(&fixture("override"), true);
    let events = server.events();
    events.wait("ok");
    fs::create_dir_all(server.root.join("static")).unwrap();
    events.wait("reload");
    fs::write(server.root.join("static/hello.txt"), "hello").unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.get("/hello.txt").0 != 200 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(server.get("/hello.txt").2, "hello");
}

// ---- images, highlighting, social metadata ------------------------------------

#[test]
fn featured_images_have_webp_srcsets_and_pages_social_metadata() {
    let (out, run) = build(&repo(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&out, "playbooks/failure-modes/index.html");
    let start = html
        .find("<source type=\"image/webp\" srcset=\"")
        .expect("webp source")
        + 34;
    let srcset = &html[start..start + html[start..].find('"').unwrap()];
    let entries: Vec<&str> = srcset.split(", ").collect();
    assert_eq!(entries.len(), 3, "{srcset}");
    for entry in entries {
        let (url, width) = entry.split_once(' ').unwrap();
        let file = out.path().join("public").join(url.trim_start_matches('/'));
        let img = image::open(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(format!("{}w", img.width()), width, "{url}");
    }
    assert_has_all(
        "html",
        &html,
        &[
        "<meta property=\"og:title\" content=\"Failure Modes\">",
        "<meta property=\"og:image\" content=\"http://127.0.0.1:1111/images/featured/theory.png\">",
        "<meta name=\"twitter:card\" content=\"summary_large_image\">",
        "<link rel=\"canonical\" href=\"http://127.0.0.1:1111/playbooks/failure-modes/\">",
        "<meta name=\"description\" content=\"An Auxiliary Engagement is a hopeful endeavor;",
        ],
    );
    let with_description = read(&out, "writing/markdown/index.html");
    assert!(with_description
        .contains("<meta name=\"description\" content=\"CommonMark plus the GitHub extensions"));
    // Body images carry their size and load lazily.
    let basic = build(&fixture("basic"), &[]).0;
    assert!(read(&basic, "guide/setup/index.html")
        .contains("<img src=\"/handbook/guide/diagram.png\" alt=\"diagram\" width=\"32\" height=\"16\" loading=\"lazy\" decoding=\"async\">"));
}

/// Saves a striped PNG of `w` × `h` pixels at `path`.
fn save_png(path: &Path, (w, h): (u32, u32)) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let stripes = |x: u32, y: u32| image::Rgb([(x % 251) as u8, (y % 241) as u8, 60]);
    image::RgbImage::from_fn(w, h, stripes).save(path).unwrap();
}

#[test]
fn featured_images_past_webps_size_keep_the_widths_it_can_hold() {
    // WebP holds at most 16383 pixels a side: libwebp's refusal was a
    // panic, which ended the build (and `folio serve` with it).
    let root = site(&[
        ("folio.toml", "title = \"Images\"\n"),
        (
            "content/wide.md",
            "---\ntitle: Wide\nfeatured: ../images/panorama.png\n---\n\nText.\n",
        ),
        (
            "content/tall.md",
            "---\ntitle: Tall\nfeatured: ../images/scroll.png\n---\n\nText.\n",
        ),
    ]);
    save_png(&root.path().join("images/panorama.png"), (20_000, 30));
    save_png(&root.path().join("images/scroll.png"), (30, 20_000));
    let (out, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_has_all(
        "stderr",
        &run.stderr,
        &[
            "could not make smaller versions of `images/scroll.png`: it is 30 × 20000 pixels, \
             and a WebP image holds at most 16383 a side",
            "the original image is used as it is",
        ],
    );
    assert!(!run.stderr.contains("panorama"), "{}", run.stderr);
    let wide = read(&out, "wide/index.html");
    let widths: Vec<&str> = wide
        .match_indices(".webp ")
        .map(|(at, _)| &wide[at + 6..at + 11])
        .collect();
    assert_eq!(widths, ["480w,", "960w,", "1440w"], "{wide}");
    let tall = read(&out, "tall/index.html");
    assert!(tall.contains("<img src=\"/images/scroll.png\""), "{tall}");
    assert!(!tall.contains(".webp"), "{tall}");
}

#[test]
fn serve_goes_on_past_an_image_webp_cannot_hold() {
    let server = Server::start(&fixture("basic"), false);
    let events = server.events();
    events.wait("ok");
    save_png(&server.root.join("images/scroll.png"), (30, 20_000));
    fs::write(
        server.root.join("content/scroll.md"),
        "---\ntitle: Scroll\nfeatured: ../images/scroll.png\n---\n\nA long scroll.\n",
    )
    .unwrap();
    server.wait_log("could not make smaller versions of `images/scroll.png`");
    events.wait("reload");
    let (status, _, page) = server.get("/scroll/");
    assert_eq!(status, 200);
    assert!(page.contains("A long scroll."), "{page}");
    assert_eq!(server.get("/").0, 200);
}

#[test]
fn image_variants_no_build_used_for_a_day_leave_the_cache() {
    let root = site(&[
        ("folio.toml", "title = \"Images\"\n"),
        (
            "content/a.md",
            "---\ntitle: A\nfeatured: ../images/hero.png\n---\n\nText.\n",
        ),
    ]);
    let hero = root.path().join("images/hero.png");
    fs::create_dir_all(hero.parent().unwrap()).unwrap();
    let save = |shade: u8| {
        image::RgbImage::from_pixel(700, 350, image::Rgb([shade, 40, 90]))
            .save(&hero)
            .unwrap()
    };
    let cache = root.path().join(".folio-cache/images");
    let variants = || -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".webp"))
            .collect();
        names.sort();
        names
    };
    let age_all = |days: u64| {
        let then = std::time::SystemTime::now() - Duration::from_secs(days * 24 * 3600);
        for name in variants() {
            let file = fs::File::options()
                .write(true)
                .open(cache.join(name))
                .unwrap();
            file.set_modified(then).unwrap();
        }
    };
    save(10);
    let (_, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = variants();
    assert_eq!(first.len(), 2, "480 and 700 wide: {first:?}");
    // The image saved again: new variants, the old ones kept for a day.
    save(200);
    let (_, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let both = variants();
    assert_eq!(both.len(), 4, "{both:?}");
    // Two days on, a build that fails lets go of nothing.
    age_all(2);
    fs::write(root.path().join("content/b.md"), "---\ntitle: [\n---\n").unwrap();
    let (_, run) = build(root.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(variants(), both);
    // One that succeeds keeps the variants it uses, and only those.
    fs::remove_file(root.path().join("content/b.md")).unwrap();
    let (out, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let kept = variants();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept.iter().all(|n| !first.contains(n)), "{kept:?}");
    let html = read(&out, "a/index.html");
    assert_eq!(
        html.matches(".webp ").count(),
        2,
        "both widths in the srcset"
    );
    // A file of the cache folio did not name is never deleted.
    fs::write(cache.join("notes.txt"), "mine").unwrap();
    let then = std::time::SystemTime::now() - Duration::from_secs(9 * 24 * 3600);
    let notes = fs::File::options()
        .write(true)
        .open(cache.join("notes.txt"));
    notes.unwrap().set_modified(then).unwrap();
    age_all(2);
    let (_, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(variants(), kept, "used, so kept");
    assert!(cache.join("notes.txt").is_file());
}

#[test]
fn highlighted_blocks_are_kept_between_builds() {
    let page = "---\ntitle: Code\n---\n\n```rust\nfn main() {}\n```\n\n```toml\na = 1\n```\n";
    // A long page whose YAML block crosses the end of the first 2 KiB,
    // the part of each page the load stage reads: only whole blocks are
    // highlighted ahead and kept, never the part within that head.
    let yaml: String = (0..60).map(|i| format!("key_{i}: value\n")).collect();
    let long = format!(
        "---\ntitle: Long\n---\n\n{}\n\n```yaml\n{yaml}```\n",
        "Words of a long page. ".repeat(90)
    );
    let block_at = long.find("key_0").unwrap();
    assert!(
        block_at < 2048 && block_at + yaml.len() > 2048,
        "{block_at}"
    );
    let root = site(&[
        ("folio.toml", "title = \"Cache\"\n"),
        ("content/code.md", page),
        ("content/long.md", &long),
    ]);
    let cache = root.path().join(".folio-cache/highlight");
    let (first, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let blocks_with = |needle: &[u8]| {
        let bytes = fs::read(&cache).unwrap();
        bytes.windows(needle.len()).filter(|w| *w == needle).count()
    };
    assert_eq!(blocks_with(b"key_0: value"), 1, "only the whole YAML block");
    assert_eq!(blocks_with(b"key_59: value"), 1);
    let html = read(&first, "code/index.html");
    assert!(
        html.contains("<span class=\"hl-keyword\">fn </span>"),
        "{html}"
    );
    let kept = fs::read(&cache).expect("cache written");
    let written_at = fs::metadata(&cache).unwrap().modified().unwrap();

    // An unchanged site reads the cache and leaves it as it is.
    let (again, _) = build(root.path(), &[]);
    assert_eq!(read(&again, "code/index.html"), html);
    assert_eq!(
        fs::metadata(&cache).unwrap().modified().unwrap(),
        written_at
    );

    // The cache is what the page shows: a (same-length) edit to it shows.
    let (from, to) = (b"\"hl-keyword\"", b"\"hl-KEYWORD\"");
    let at = kept.windows(from.len()).position(|w| w == from).unwrap();
    let mut marked = kept.clone();
    marked[at..at + to.len()].copy_from_slice(to);
    fs::write(&cache, marked).unwrap();
    let (from_cache, _) = build(root.path(), &[]);
    assert!(read(&from_cache, "code/index.html").contains("hl-KEYWORD"));

    // A damaged cache is ignored and written again.
    fs::write(&cache, &kept[..kept.len() - 3]).unwrap();
    let (rebuilt, _) = build(root.path(), &[]);
    assert_eq!(read(&rebuilt, "code/index.html"), html);
    assert_eq!(fs::read(&cache).unwrap(), kept);

    // Blocks no page shows any more leave the cache.
    fs::write(
        root.path().join("content/code.md"),
        page.replace("fn main() {}", "fn other() {}"),
    )
    .unwrap();
    let (changed, _) = build(root.path(), &[]);
    assert!(read(&changed, "code/index.html").contains(">other<"));
    let now = String::from_utf8_lossy(&fs::read(&cache).unwrap()).into_owned();
    assert!(
        now.contains("fn other() {}") && !now.contains("fn main() {}"),
        "{now}"
    );
    assert!(now.contains("a = 1"), "unknown languages are kept too");
}

#[test]
fn code_blocks_are_highlighted_at_build_time() {
    let (out, run) = build(&repo(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&out, "writing/markdown/index.html");
    assert!(
        html.contains(
            "<pre tabindex=\"0\"><code class=\"language-rust\"><span class=\"hl-keyword\">fn </span><span class=\"hl-function\">main</span>"
        ),
        "rust highlighted"
    );
    assert!(html.contains("<span class=\"hl-string\">&quot;hello, handbook&quot;</span>"));
    let css = walk_css(&out.path().join("public"));
    assert!(
        css.contains(".hl-keyword") && css.contains("--hl-keyword"),
        "palettes in the theme"
    );
    // Unknown languages fall back to escaped text without error.
    let tmp = site(&[("content/a.md", "```klingon\n<b>qapla'</b>\n```\n")]);
    let run = folio(&["build", "--root", tmp.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = fs::read_to_string(tmp.path().join("public/a/index.html")).unwrap();
    assert!(
        html.contains("<code class=\"language-klingon\">&lt;b&gt;qapla'&lt;/b&gt;"),
        "{html}"
    );
}

fn walk_css(dir: &Path) -> String {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".css"))
        .map(|e| fs::read_to_string(e.path()).unwrap())
        .collect()
}

// ---- folio check ----------------------------------------------------------------

#[test]
fn check_follows_links_whose_urls_the_html_escapes() {
    // `it's` and `x&y` are written `it&#39;s` and `x&amp;y` in an href:
    // read as written, every link to them missed, and both were orphans.
    let root = site(&[
        ("folio.toml", "title = \"Names\"\n"),
        ("content/it's.md", "---\ntitle: Its\n---\n\nText.\n"),
        ("content/x&y.md", "---\ntitle: XY\n---\n\nText.\n"),
        ("content/a b.md", "---\ntitle: AB\n---\n\nText.\n"),
    ]);
    check_clean(root.path(), &["--strict"]);
}

#[test]
fn check_reads_links_left_as_urls_from_the_built_page() {
    // The build leaves links that name no file of content/ as written;
    // check reads them from the page's URL and warns of those that lead
    // to no file the build writes.
    let deploy = "---\ntitle: Deploy\n---\n\nRead [the notes](notes.txt) and [rollback](../rollback/),\n[the spec](../../files/spec.pdf#page=2), [gone](../../files/gone.pdf),\n[the style](../../folio.css) and [home](../..).\n";
    let tmp = site(&[
        ("folio.toml", "title = \"Relative\"\n"),
        ("content/runbooks/deploy.md", deploy),
        ("content/runbooks/rollback.md", "# Rollback\n"),
        ("static/files/spec.pdf", "%PDF"),
    ]);
    let (run, warned) = check_warns(
        tmp.path(),
        &[
            "warning: link to `notes.txt` leads to no file of the site",
            "content/runbooks/deploy.md:5:6",
            "there is no `content/runbooks/notes.txt`",
            "(`/runbooks/deploy/`) it leads to `/runbooks/deploy/notes.txt`",
            "warning: link to `../../files/gone.pdf` leads to no file of the site",
            "content/runbooks/deploy.md:6:42",
        ],
    );
    assert!(
        run.stdout.contains("0 errors, 2 warnings"),
        "{}",
        run.stdout
    );
    assert_eq!(warned.len(), 2, "the rest lead to files: {}", run.stderr);
    let root = tmp.path().to_str().unwrap();
    assert_eq!(folio(&["check", "--root", root, "--strict"]).code, 1);
    // On a site under a base path, the URLs say so.
    fs::write(
        tmp.path().join("folio.toml"),
        "title = \"Relative\"\nbase_url = \"https://example.com/handbook/\"\n",
    )
    .unwrap();
    let run = folio(&["check", "--root", root]);
    assert!(
        run.stderr.contains(
            "(`/handbook/runbooks/deploy/`) it leads to `/handbook/runbooks/deploy/notes.txt`"
        ),
        "{}",
        run.stderr
    );
    // The build, which cannot know every file yet, leaves them be.
    let (_, built) = build(tmp.path(), &[]);
    assert_eq!(built.code, 0, "{}", built.stderr);
}

#[test]
fn check_suggests_the_link_meant_by_one_that_leads_nowhere() {
    // Links written as the built site's files (`rollback.html`), or with
    // a letter wrong, lead nowhere; check names the link that works.
    let deploy = "---\ntitle: Deploy\n---\n\n[a](rollback.html#undo) [b](rollbak.html) [c](../index)\n[d](../../runbooks/rolback/) [e](../../files/gudie.pdf) [f](../../pdfs/guide.pdf)\n[g](notes.txt)\n";
    let tmp = site(&[
        ("folio.toml", "title = \"Suggest\"\n"),
        ("content/runbooks/deploy.md", deploy),
        ("content/runbooks/rollback.md", "# Rollback\n\n## Undo\n"),
        ("static/files/guide.pdf", "%PDF"),
    ]);
    let (_, warned) = check_warns(
        tmp.path(),
        &[
            "leads to `/runbooks/deploy/rollback.html`, which the build does not write; did you mean `rollback.md#undo`?",
            "leads to `/runbooks/deploy/rollbak.html`, which the build does not write; did you mean `rollback.md`?",
            "leads to `/runbooks/index`, which the build does not write; did you mean `../`?",
            // Written as a URL: a URL, from the built page.
            "leads to `/runbooks/rolback/`, which the build does not write; did you mean `../rollback/`?",
            "leads to `/files/gudie.pdf`, which the build does not write; did you mean `../../files/guide.pdf`?",
            "leads to `/pdfs/guide.pdf`, which the build does not write; did you mean `../../files/guide.pdf`?",
            // Nothing near: what to do.
            "leads to `/runbooks/deploy/notes.txt`, which the build does not write; link to a page's .md file, or add the file to content/ or static/",
        ],
    );
    assert_eq!(warned.len(), 7, "{warned:?}");
}

#[test]
fn check_follows_relative_links_of_raw_html_and_markdown_left_as_written() {
    // Templates that list nothing: the pages are reached only through
    // their links, here relative ones, which check read as nothing.
    let tmp = site(&[
        ("folio.toml", "title = \"Relative\"\n"),
        ("templates/page.html", "<html><body>{{ page.content | safe }}</body></html>"),
        ("templates/section.html", "<html><body>{{ section.content | safe }}</body></html>"),
        (
            "content/_index.md",
            "---\ntitle: Home\n---\nRead <a href=\"guide/\">the guide</a>, not <a href=\"gone/#x\">this</a>.\n",
        ),
        // A link that works only read from the built page: left as written.
        (
            "content/guide/_index.md",
            "---\ntitle: Guide\n---\nSee [setup](setup/), <a href=\"setup.md\">as a file</a>.\n",
        ),
        ("content/guide/setup.md", "# Setup\n\n[Notes](notes.txt).\n"),
        ("content/lonely.md", "# Lonely\n"),
    ]);
    let (run, warned) = check_warns(
        tmp.path(),
        &[
            "warning: orphan page",
            "content/lonely.md",
            "warning: link to `/gone/` leads to no file of the site: `/` links to it",
            // A Markdown link's is told at its line, once.
            "warning: link to `notes.txt` leads to no file of the site",
            "content/guide/setup.md:3:1",
            // Raw HTML's links are not rewritten: a page's file is no link.
            "warning: link to `/guide/setup.md` leads to no file of the site: `/guide/` links to it",
            "a link there to a page is its URL, not its file: did you mean `/guide/setup/`?",
        ],
    );
    assert_eq!(warned.len(), 4, "{}", run.stderr);
    for reached in ["content/guide/_index.md", "content/guide/setup.md"] {
        assert!(
            !run.stderr
                .contains(&format!("from the home page\n  --> {reached}\n")),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn check_reads_no_link_in_html_shown_as_code() {
    // A handbook page about templates shows HTML: a code span keeps its
    // `"`, so `href="/runbooks/"` is in the page's bytes, as text.
    let page = "---\ntitle: Home\n---\nWrite `<a href=\"/runbooks/\">` or `<img src=\"/logo.png\">`.\n\n```\n<a href=\"../setup/\">setup</a>\n```\n\n```html\n<img srcset=\"/x.webp 2x\">\n```\n";
    let root = site(&[("content/_index.md", page)]);
    check_clean(root.path(), &["--strict"]);
}

#[test]
fn check_finds_links_in_templates_and_raw_html_that_lead_nowhere() {
    // A page's Markdown links are checked as it is built; a template's
    // and raw HTML's are not, so check looks them up in the rendered site.
    let page = r#"<html><head><link rel="stylesheet" href="/style.css">
<link rel="stylesheet" href="//cdn.example.com/fonts.css"></head><body>
<img src="/logo.png" alt=""> <img src="/style.css" alt="there">
<img srcset="/style.css 1x, /logo-2x.png 2x" alt="">
<a href="/">Home</a> <a href="/abuot/">About</a> <a href="/b">B, no slash</a>
{{ page.content | safe }}</body></html>"#;
    let section = r#"<html><body><a href="/abuot/#team">About</a>
{% for p in section.pages %}<a href="{{ p.url }}">{{ p.title }}</a>{% endfor %}</body></html>"#;
    let tmp = site(&[
        ("folio.toml", "title = \"Templates\"\n"),
        ("templates/page.html", page),
        ("templates/section.html", section),
        ("static/style.css", "body {}"),
        ("static/images/logo.png", "a logo"),
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        (
            "content/a.md",
            "# A\n\n<a href=\"/nowhere/?x=1\">raw</a> and <a href=\"/b/\">raw to b</a>.\n",
        ),
        ("content/b.md", "# B\n\nText.\n"),
        ("content/about.md", "# About\n\nUs.\n"),
    ]);
    let (run, warned) = check_warns(
        tmp.path(),
        &[
            "warning: link to `/abuot/` leads to no file of the site: 5 files link to it, `/` first",
            "in a template (templates/ or the theme's) or in raw HTML: fix it there, or add the file to static/; did you mean `/about/`?",
            "warning: link to `/nowhere/` leads to no file of the site: `/a/` links to it",
            // What a page loads (`src`) is looked up too.
            "warning: link to `/logo.png` leads to no file of the site: 4 files link to it, `/404.html` first",
            "or add the file to static/; did you mean `/images/logo.png`?",
            // And each URL of a `srcset`.
            "warning: link to `/logo-2x.png` leads to no file of the site: 4 files link to it, `/404.html` first",
        ],
    );
    assert_eq!(warned.len(), 4, "the rest lead to files: {}", run.stderr);
    // The most linked first.
    assert!(warned[0].contains("/abuot/"), "{}", run.stderr);
    // The build, which checks the Markdown's links, does not see them.
    let (_, built) = build(tmp.path(), &[]);
    assert_eq!(built.code, 0, "{}", built.stderr);
}

#[test]
fn check_lists_every_problem_with_file_line_and_exits_1() {
    let root = fixture("check-broken");
    let run = folio(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_has_all(
        "stderr",
        &run.stderr,
        &[
            "content/_index.md:5:12",
            "no page has the URL `/guide/setpu/`",
            "content/_index.md:5:50",
            "link to `#begining`, but `content/guide/start.md` has no heading with that id",
            "content/guide/start.md:7:17",
            "did you mean `../runbooks/deploy.md`?",
            "content/guide/start.md:9:1",
            "image `../../images/flow.png` not found",
            "front matter has no `owner`, which folio.toml requires for pages in `playbooks/`",
            "content/playbooks/oncall.md:3:1",
            "`review_by` must be a date",
            "content/playbooks/oncall.md:4:1",
            "`status` is `\"paused\"`, which is not one of \"active\", \"retired\"",
            "warning: review overdue: `review_by` was 2020-01-31",
            "content/playbooks/review.md:4:1",
            "Checked 5 Markdown files: 7 errors, 1 warning",
        ],
    );
    assert!(run.stderr.contains(
        " 7 | Deploy with the [runbook](../runbooks/deplyo.md).\n   |                 ^"
    ));
    assert!(!root.join("public").exists(), "check writes nothing");
    // folio build fails on the same errors.
    let (_, build_run) = build(&root, &[]);
    assert_eq!(build_run.code, 1);
    assert!(
        build_run
            .stderr
            .contains("Build failed: 7 errors, 1 warning"),
        "{}",
        build_run.stderr
    );
}

#[test]
fn check_json_for_machines_and_fixed_site_passes() {
    let run = folio(&[
        "check",
        "--root",
        fixture("check-broken").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    let diags = report["diagnostics"].as_array().unwrap();
    assert_eq!(diags.iter().filter(|d| d["severity"] == "error").count(), 7);
    let first = &diags[0];
    assert_eq!(first["file"], "content/_index.md");
    assert_eq!(first["line"], 5);
    assert!(first["hint"].is_string());
    check_clean(&fixture("check-fixed"), &[]);
}

#[test]
fn check_passes_on_the_sample_handbook() {
    check_clean(&repo(), &[]);
}

#[test]
fn check_external_links_with_a_local_server_and_cache() {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::Mutex::new(std::collections::HashMap::<
        String,
        usize,
    >::new()));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let url = request.url().to_string();
            let seen = {
                let mut hits = counter.lock().unwrap();
                let n = hits.entry(url.clone()).or_default();
                *n += 1;
                *n
            };
            let (status, retry) = match url.as_str() {
                "/gone" | "/raw-gone" => (404, false),
                // Limits every request, asking for a pause it gets.
                "/busy" => (429, true),
                // Fails for a moment: the second request is answered.
                "/once" if seen == 1 => (503, false),
                "/private" => (401, false),
                _ => (200, false),
            };
            let mut response = tiny_http::Response::empty(status);
            if retry {
                response.add_header(tiny_http::Header::from_bytes("Retry-After", "1").unwrap());
            }
            let _ = request.respond(response);
        }
    });
    let at = |path: &str| format!("http://127.0.0.1:{port}{path}");
    // Raw HTML's links are requested too (one request per URL: a
    // Markdown link past ASCII, percent-encoded in the HTML, is one).
    let page = format!(
        "Fine [ok]({}) and\n[broken]({}) and [down](http://127.0.0.1:1/nothing).\n\n[Busy]({}), [once]({}), [private]({}).\n\n<a href=\"{}\">raw</a> <a href=\"{}\">raw ok</a> [über]({})\n",
        at("/ok"),
        at("/gone"),
        at("/busy"),
        at("/once"),
        at("/private"),
        at("/raw-gone"),
        at("/ok"),
        at("/über")
    );
    // The pages' canonical links name the site's own URLs: not requested.
    let toml = format!("title = \"Links\"\nbase_url = \"{}\"\n", at("/site/"));
    let tmp = site(&[("content/a.md", page.as_str()), ("folio.toml", &toml)]);
    let root = tmp.path();
    let r = root.to_str().unwrap();
    assert_eq!(
        folio(&["check", "--root", r]).code,
        0,
        "external links are not checked by default"
    );
    assert!(hits.lock().unwrap().is_empty());
    let run = folio(&["check", "--root", r, "--external", "--timeout", "2"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_has_all(
        "stderr",
        &run.stderr,
        &[
            &format!("error: external link `{}` answers HTTP 404", at("/gone")),
            "content/a.md:2:1",
            "error: external link `http://127.0.0.1:1/nothing` cannot be reached",
            &format!(
                "warning: external link `{}` is limiting folio's requests (HTTP 429)",
                at("/busy")
            ),
            "content/a.md:4:1",
            &format!(
                "warning: external link `{}` asks for a login (HTTP 401)",
                at("/private")
            ),
            &format!(
                "error: external link `{}` answers HTTP 404",
                at("/raw-gone")
            ),
            "`/site/a/` links to it, from a template (templates/ or the theme's) or raw HTML",
            "8 external links: 3 errors, 2 warnings",
        ],
    );
    for fine in ["/ok`", "/once`"] {
        assert!(!run.stderr.contains(fine), "{fine} is fine: {}", run.stderr);
    }
    let asked = |path: &str| hits.lock().unwrap().get(path).copied().unwrap_or(0);
    assert_eq!(
        asked("/busy"),
        2,
        "asked again after the pause it asked for"
    );
    assert_eq!(asked("/once"), 2, "asked again after failing for a moment");
    assert_eq!(asked("/ok"), 1);
    assert_eq!(asked("/%C3%BCber"), 1, "{:?}", hits.lock().unwrap());
    let own = hits
        .lock()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("/site/"))
        .count();
    assert_eq!(own, 0, "the site's own URLs: {:?}", hits.lock().unwrap());
    // Only answers that stand are kept for a day: the pages that are
    // there or gone, not the limited, the private, the unreachable.
    let cache = fs::read_to_string(root.join(".folio-cache/external-links.json")).unwrap();
    for kept in ["/ok", "/gone", "/once"] {
        assert!(
            cache.contains(&format!("{}\"", at(kept))),
            "{kept}: {cache}"
        );
    }
    for asked_again in ["/busy", "/private", "127.0.0.1:1/"] {
        assert!(!cache.contains(asked_again), "{asked_again}: {cache}");
    }
    let again = folio(&["check", "--root", r, "--external"]);
    assert_eq!(again.code, 1);
    for (path, times) in [
        ("/ok", 1),
        ("/gone", 1),
        ("/once", 2),
        ("/private", 2),
        ("/busy", 4),
    ] {
        assert_eq!(
            asked(path),
            times,
            "{path}: kept answers come from the cache"
        );
    }
}

#[test]
fn check_warns_about_orphan_pages() {
    // The override fixture's theme lists a section's pages but not its
    // subsections, so a page in a subfolder cannot be reached.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for dir in ["content/hidden", "themes", "templates"] {
        fs::create_dir_all(root.join(dir)).unwrap();
    }
    fs::copy(fixture("override/folio.toml"), root.join("folio.toml")).unwrap();
    let theme = fixture("override/themes");
    for (from, to) in [
        ("custom/templates/base.html", "base.html"),
        ("custom/templates/page.html", "page.html"),
        ("custom/templates/section.html", "section.html"),
    ] {
        fs::create_dir_all(root.join("themes/custom/templates")).unwrap();
        fs::copy(
            theme.join(from),
            root.join("themes/custom/templates").join(to),
        )
        .unwrap();
    }
    fs::write(root.join("content/_index.md"), "---\ntitle: Home\n---\n").unwrap();
    fs::write(root.join("content/listed.md"), "# Listed\n").unwrap();
    fs::write(root.join("content/hidden/deep.md"), "# Deep\n").unwrap();
    let run = folio(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, 0, "orphans are warnings: {}", run.stderr);
    assert!(
        run.stderr.contains("warning: orphan page")
            && run.stderr.contains("content/hidden/deep.md"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("content/listed.md"), "{}", run.stderr);

    // Beyond ten, orphans are counted, after the ten named.
    for i in 0..12 {
        fs::write(
            root.join(format!("content/hidden/more-{i:02}.md")),
            "# More\n",
        )
        .unwrap();
    }
    let run = folio(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("warning: orphan page").count(),
        10,
        "{}",
        run.stderr
    );
    let count = run.stderr.find("warning: and 3 more orphan pages");
    let last_named = run.stderr.rfind("warning: orphan page");
    assert!(count > last_named, "the count comes last: {}", run.stderr);
}

#[test]
fn default_theme_pages_stay_small_in_a_flat_folder_and_a_wide_site() {
    // 600 pages in one folder, and 300 top-level folders of one page: a
    // page's sidebar lists at most 100 entries of a list, the run that
    // holds the page, then a link to the section's page.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("content/runbooks")).unwrap();
    fs::write(root.join("content/_index.md"), "---\ntitle: Home\n---\n").unwrap();
    for i in 0..600 {
        let page = format!("---\ntitle: Runbook {i:03}\n---\nStep one.\n");
        fs::write(root.join(format!("content/runbooks/r{i:03}.md")), page).unwrap();
    }
    for i in 0..300 {
        let dir = root.join(format!("content/team-{i:03}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("about.md"), format!("# About team {i:03}\n")).unwrap();
    }
    let run = folio(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = root.join("public");
    let sidebar = |path: &str| {
        let html = fs::read_to_string(public.join(path)).unwrap();
        let start = html.find("class=\"nav-list\"").unwrap();
        let end = start + html[start..].find("</nav>").unwrap();
        html[start..end].to_string()
    };
    for (path, current, listed) in [
        (
            "runbooks/r000/index.html",
            "/runbooks/r000/",
            "/runbooks/r099/",
        ),
        (
            "runbooks/r450/index.html",
            "/runbooks/r450/",
            "/runbooks/r400/",
        ),
        // After `runbooks`, team-250 is child 251 of the home list: the
        // run of 200 to 299 holds team-199 to team-298.
        (
            "team-250/about/index.html",
            "/team-250/about/",
            "/team-199/",
        ),
    ] {
        let nav = sidebar(path);
        assert!(nav.matches("<li").count() <= 1 + 101 + 101, "{path}: {nav}");
        assert!(
            nav.contains(&format!("href=\"{current}\" aria-current=\"page\"")),
            "{path}: {nav}"
        );
        assert!(nav.contains(&format!("href=\"{listed}\"")), "{path}: {nav}");
    }
    assert!(sidebar("runbooks/r450/index.html")
        .contains("href=\"/runbooks/\">All 600 in this section</a>"));
    assert!(!sidebar("runbooks/r450/index.html").contains("href=\"/runbooks/r399/\""));
    assert!(sidebar("team-250/about/index.html").contains("href=\"/\">All 301 in this section</a>"));
    let largest = walk_html(&public)
        .iter()
        .filter(|p| !p.ends_with("runbooks/index.html") && !p.ends_with("public/index.html"))
        .map(|p| fs::metadata(p).unwrap().len())
        .max()
        .unwrap();
    assert!(largest < 24 * 1024, "largest page is {largest} bytes");
}

#[test]
fn default_theme_pages_stay_small_on_a_generated_corpus() {
    let Some(tmp) = generated_corpus(2000) else {
        return;
    };
    let root = tmp.path().join("folio");
    fs::remove_dir_all(root.join("templates")).unwrap();
    let run = folio(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let largest = walk_html(&root.join("public"))
        .iter()
        .map(|p| fs::metadata(p).unwrap().len())
        .max()
        .unwrap();
    // Sections of 100 pages list 100 cards; the sidebar stays bounded.
    assert!(largest < 60 * 1024, "largest page is {largest} bytes");
}

// ---- folio new ------------------------------------------------------------------

#[test]
fn new_starts_a_page_that_builds_with_what_the_rules_require() {
    let toml = "title = \"Rules\"\n[[schema]]\nsection = \"playbooks\"\nrequired = [\"owner\", \"review_by\", \"status\"]\ntypes = { owner = \"string\", review_by = \"date\" }\nallowed = { status = [\"draft\", \"active\"] }\n";
    let tmp = site(&[
        ("folio.toml", toml),
        ("content/_index.md", "---\ntitle: Home\n---\n"),
    ]);
    let root = tmp.path().to_str().unwrap();
    let run = folio(&["new", "--root", root, "playbooks/incident-response"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_has_all(
        "stdout",
        &run.stdout,
        &[
            "Created content/playbooks/incident-response.md (/playbooks/incident-response/ once built)",
            "owner (a string)",
            "review_by (a date)",
            "status (one of draft, active)",
        ],
    );
    let page = tmp.path().join("content/playbooks/incident-response.md");
    let text = fs::read_to_string(&page).unwrap();
    assert!(
        text.starts_with("---\ntitle: Incident response\nowner: \"\""),
        "{text}"
    );
    // Its section's index page, and a page with a title to quote.
    let run = folio(&["new", "--root", root, "content/playbooks/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = folio(&[
        "new",
        "--root",
        root,
        "--title",
        "On-call: the rota",
        "rota.md",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stdout.contains("to fill in"),
        "no rule there: {}",
        run.stdout
    );
    // The site builds with them, and the rules hold.
    check_clean(tmp.path(), &["--strict"]);
    let (out, built) = build(tmp.path(), &[]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let rota = fs::read_to_string(out.path().join("public/rota/index.html")).unwrap();
    assert!(rota.contains("On-call: the rota"), "{rota}");
    // Never over a file; nothing outside content/.
    fs::write(&page, "---\ntitle: Mine\n---\nWritten.\n").unwrap();
    for path in [
        "playbooks/incident-response.md",
        "../outside",
        "notes.txt",
        "/tmp/x",
    ] {
        let run = folio(&["new", "--root", root, path]);
        assert_eq!(run.code, 2, "{path}: {}", run.stderr);
        assert!(run.stderr.starts_with("error: "), "{path}: {}", run.stderr);
    }
    assert_eq!(
        fs::read_to_string(&page).unwrap(),
        "---\ntitle: Mine\n---\nWritten.\n"
    );
    assert!(!tmp.path().join("outside.md").exists());
    // A broken folio.toml is told as a build tells it.
    fs::write(tmp.path().join("folio.toml"), "title = \n").unwrap();
    let run = folio(&["new", "--root", root, "other"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("folio.toml"), "{}", run.stderr);
    assert!(!tmp.path().join("content/other.md").exists());
}

#[test]
fn new_never_starts_a_page_whose_url_is_taken() {
    let tmp = site(&[
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        ("content/guide/_index.md", "---\ntitle: Guide\n---\n"),
        ("content/ops/db/backup.md", "---\ntitle: Backup\n---\n"),
        (
            "content/old.md",
            "---\ntitle: Old\nslug: moved\naliases: [/legacy/]\ndraft: true\n---\n",
        ),
    ]);
    let root = tmp.path().to_str().unwrap();
    let cases = [
        // Beside a section's index page.
        (
            "guide",
            "content/guide.md would not build: 2 sources map to the same URL `/guide/`: content/guide/_index.md, content/guide.md",
            "pick another name",
        ),
        // Over the page folio makes for a folder without an index.
        (
            "ops/db",
            "content/ops/db.md would not build: `content/ops/db.md` would be written at `/ops/db/`, the page of the section `content/ops/db/`",
            "for the section's own page, run `folio new ops/db/`",
        ),
        // A draft's slug and alias.
        ("moved", "content/old.md, content/moved.md", "pick another name"),
        ("legacy", "content/old.md, content/legacy.md", "pick another name"),
    ];
    for (path, told, hint) in cases {
        let run = folio(&["new", "--root", root, path]);
        assert_eq!(run.code, 2, "{path}: {}", run.stderr);
        assert_has_all(path, &run.stderr, &[told, "folio new wrote nothing", hint]);
    }
    let written: Vec<PathBuf> = walk(&tmp.path().join("content"));
    assert_eq!(written.len(), 4, "nothing written: {written:?}");
    // The folder's own page is free.
    let run = folio(&["new", "--root", root, "ops/db/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_clean(tmp.path(), &["--drafts"]);
}

#[test]
fn new_says_what_a_page_under_tags_or_a_listings_page_folder_would_switch_off() {
    let tmp = site(&[
        ("folio.toml", "title = \"T\"\npaginate_by = 2\n"),
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        ("content/runbooks/a.md", "---\ntitle: A\ntags: [ops]\n---\n"),
    ]);
    let new = |path: &str| {
        let run = folio(&["new", "--root", tmp.path().to_str().unwrap(), path]);
        assert_eq!(run.code, 0, "{path}: {}", run.stderr);
        run
    };
    let run = new("tags/how-we-tag");
    assert_has_all(
        "stderr",
        &run.stderr,
        &[
            "warning: content/tags/how-we-tag.md is under /tags/, where folio writes the tag pages: while it is, folio writes none",
            "1 page of the site has tags; to keep their pages, move this one out of content/tags/",
        ],
    );
    assert!(
        run.stdout.contains("Created content/tags/how-we-tag.md"),
        "{}",
        run.stdout
    );
    let run = new("runbooks/page/paging");
    assert!(
        run.stderr.contains(
            "warning: content/runbooks/page/paging.md is under /runbooks/page/, where the listing of /runbooks/ continues when it is cut into pages"
        ),
        "{}",
        run.stderr
    );
    // Elsewhere, nothing to say.
    let run = new("runbooks/homepage");
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    // And the build says the same.
    let (_, built) = build(tmp.path(), &[]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert_has_all(
        "build",
        &built.stderr,
        &["no tag pages are written", "the listing of `/runbooks/`"],
    );
}

#[test]
fn init_starts_a_site_that_builds_and_new_adds_to_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ops-handbook");
    let root = dir.to_str().unwrap();
    let run = folio(&["init", root]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("folio.toml, content/_index.md, .gitignore"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("folio new runbooks/deploy"),
        "{}",
        run.stdout
    );
    let run = folio(&["new", "--root", root, "runbooks/deploy"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_clean(&dir, &["--strict"]);
    let (out, built) = build(&dir, &[]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let home = fs::read_to_string(out.path().join("public/index.html")).unwrap();
    assert!(home.contains("<title>Ops handbook</title>"), "{home}");
    assert!(home.contains("/runbooks/"), "the section is listed: {home}");
    // Not twice: the site is left as it is.
    let toml = fs::read_to_string(dir.join("folio.toml")).unwrap();
    let run = folio(&["init", root, "--title", "Other"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("already holds content"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_to_string(dir.join("folio.toml")).unwrap(), toml);
}

// ---- tag pages -----------------------------------------------------------

#[test]
fn tags_get_pages_that_list_their_pages_under_the_base_path() {
    let dir = site(&[
        (
            "folio.toml",
            "title = \"Tagged\"\nbase_url = \"https://example.com/handbook/\"\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\nHello.\n"),
        (
            "content/ops/deploy.md",
            "---\ntitle: Deploying\ntags: [Deploy, On call]\ndescription: Ship it.\n---\nBody.\n",
        ),
        (
            "content/ops/rollback.md",
            "---\ntitle: Rolling back\ntags: [deploy]\n---\nUndo a deploy.\n",
        ),
        (
            "content/untagged.md",
            "---\ntitle: Untagged\n---\nNothing.\n",
        ),
    ]);
    let (out, run) = build(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&out, "ops/deploy/index.html");
    assert_has_all(
        "the tagged page",
        &page,
        &[
            "<a class=\"tag\" href=\"/handbook/tags/deploy/\" rel=\"tag\">Deploy</a>",
            "<a class=\"tag\" href=\"/handbook/tags/on-call/\" rel=\"tag\">On call</a>",
        ],
    );
    // `deploy` is the same tag, named as the site names it everywhere.
    assert!(read(&out, "ops/rollback/index.html")
        .contains("href=\"/handbook/tags/deploy/\" rel=\"tag\">Deploy</a>"));
    let tag = read(&out, "tags/deploy/index.html");
    assert_has_all(
        "the tag's page",
        &tag,
        &[
            "<title>Tagged “Deploy”",
            "<meta name=\"description\" content=\"2 pages are tagged “Deploy”\">",
            "href=\"/handbook/tags/\">Tags</a>",
            "<a href=\"/handbook/ops/deploy/\">",
            "Ship it.",
            "<a href=\"/handbook/ops/rollback/\">",
            "Undo a deploy.",
        ],
    );
    // By title: Deploying before Rolling back; the untagged page is not listed.
    let first = tag.find("/handbook/ops/deploy/\"><").unwrap();
    assert!(first < tag.find("/handbook/ops/rollback/\"><").unwrap());
    let listed = &tag[tag.find("<article").unwrap()..];
    assert!(!listed.contains("/handbook/untagged/"), "{listed}");
    let tags = read(&out, "tags/index.html");
    assert_has_all(
        "the list of tags",
        &tags,
        &[
            "<h1 class=\"page-title\">Tags</h1>",
            "href=\"/handbook/tags/deploy/\" rel=\"tag\">Deploy</a> <span class=\"tag-count\">2 pages</span>",
            "href=\"/handbook/tags/on-call/\" rel=\"tag\">On call</a> <span class=\"tag-count\">1 page</span>",
        ],
    );
    assert!(tags.find(">Deploy<").unwrap() < tags.find(">On call<").unwrap());
    // check follows the tag pages' links: nothing is dead, and no page is
    // an orphan.
    check_clean(dir.path(), &["--strict"]);
}

#[test]
fn a_site_with_its_own_section_template_lists_tags_with_it() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Home\n---\n[A](a.md)\n"),
        ("content/a.md", "---\ntitle: A\ntags: [x]\n---\nA.\n"),
        (
            "templates/section.html",
            "<!doctype html><title>{{ page.title }}</title><h1>{{ section.title }}</h1>\
             {% if tag %}<p id=\"tag\">{{ tag.name }}: {{ tag.pages_count }}</p>{% endif %}\
             {% for p in section.pages %}<a href=\"{{ p.url }}\">{{ p.title }}</a>{% endfor %}\
             {% for s in section.subsections %}<a href=\"{{ s.url }}\">{{ s.title }} ({{ s.pages_count }})</a>{% endfor %}\n",
        ),
        (
            "templates/page.html",
            "<!doctype html><title>{{ page.title }}</title>\
             {% for t in page.tag_links %}<a href=\"{{ t.url }}\">{{ t.title }}</a>{% endfor %}\n",
        ),
    ]);
    let (out, run) = build(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(&out, "tags/x/index.html"),
        "<!doctype html><title>Tagged “x”</title><h1>Tagged “x”</h1><p id=\"tag\">x: 1</p><a href=\"/a/\">A</a>\n"
    );
    assert_eq!(
        read(&out, "tags/index.html"),
        "<!doctype html><title>Tags</title><h1>Tags</h1><a href=\"/tags/x/\">x (1)</a>\n"
    );
    assert!(read(&out, "a/index.html").contains("<a href=\"/tags/x/\">x</a>"));
}

#[test]
fn a_page_of_the_site_under_tags_keeps_its_url_and_tags_get_no_pages() {
    let dir = site(&[
        (
            "content/_index.md",
            "---\ntitle: Home\n---\n[Tags](tags/)\n",
        ),
        (
            "content/tags/_index.md",
            "---\ntitle: How we tag\n---\nOur own page.\n",
        ),
        ("content/a.md", "---\ntitle: A\ntags: [deploy]\n---\nA.\n"),
    ]);
    let (out, run) = build(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_has_all(
        "stderr",
        &run.stderr,
        &[
            "warning: no tag pages are written: content/tags/_index.md is under /tags/ (its URL is /tags/)",
            "--> content/tags/_index.md",
            "move the page (or its alias) elsewhere",
        ],
    );
    assert!(read(&out, "tags/index.html").contains("Our own page."));
    assert!(!out.path().join("public/tags/deploy").exists());
    // The tag still shows, as text.
    assert!(read(&out, "a/index.html").contains("<span class=\"tag\">deploy</span>"));
}

// ---- sitemap ---------------------------------------------------------------------

#[test]
fn a_published_site_gets_a_sitemap_unless_it_has_its_own() {
    let pages = [
        ("content/_index.md", "---\ntitle: Home\n---\n[A](a.md)\n"),
        (
            "content/a.md",
            "---\ntitle: A\ntags: [x]\naliases: [/old-a/]\n---\nA.\n",
        ),
        ("content/guide/b.md", "---\ntitle: B\n---\nB.\n"),
    ];
    let published = |base_url: &str| {
        let toml = format!("title = \"S\"\nbase_url = \"{base_url}\"\n");
        let mut files = pages.to_vec();
        files.push(("folio.toml", &toml));
        let dir = site(&files);
        let (out, run) = build(dir.path(), &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        (dir, out)
    };
    let (_dir, out) = published("https://example.com/handbook/");
    assert_eq!(
        read(&out, "sitemap.xml"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
         <url><loc>https://example.com/handbook/</loc></url>\n\
         <url><loc>https://example.com/handbook/guide/</loc></url>\n\
         <url><loc>https://example.com/handbook/a/</loc></url>\n\
         <url><loc>https://example.com/handbook/guide/b/</loc></url>\n\
         <url><loc>https://example.com/handbook/tags/</loc></url>\n\
         <url><loc>https://example.com/handbook/tags/x/</loc></url>\n\
         </urlset>\n"
    );
    // Without an absolute base URL there is nothing to list.
    for base_url in ["/", "/handbook/", "file:///srv/handbook/"] {
        let (_dir, out) = published(base_url);
        assert!(
            !out.path().join("public/sitemap.xml").exists(),
            "{base_url}"
        );
    }
    // A sitemap of the site's own is copied, not written over.
    let (dir, _) = published("https://example.com/");
    fs::create_dir_all(dir.path().join("static")).unwrap();
    fs::write(dir.path().join("static/sitemap.xml"), "<mine/>\n").unwrap();
    let (out, run) = build(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(&out, "sitemap.xml"), "<mine/>\n");
}

// ---- pagination -------------------------------------------------------------

/// A site whose section `runbooks` has five pages, all tagged `ops`, with
/// `config` as its folio.toml and `section_html`, if given, as its own
/// `templates/section.html` (else the default theme's).
fn paginated_site(config: &str, section_html: Option<&str>) -> tempfile::TempDir {
    let mut files = vec![
        ("folio.toml".to_string(), config.to_string()),
        (
            "content/_index.md".to_string(),
            "---\ntitle: Home\n---\n[Runbooks](runbooks/)\n".to_string(),
        ),
        (
            "content/runbooks/_index.md".to_string(),
            "---\ntitle: Runbooks\n---\nWhat to do when.\n".to_string(),
        ),
    ];
    for (i, name) in ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
        .iter()
        .enumerate()
    {
        files.push((
            format!("content/runbooks/r{i}.md"),
            format!("---\ntitle: {name}\ntags: [ops]\ndescription: About {name}.\n---\nBody.\n"),
        ));
    }
    if let Some(text) = section_html {
        files.push(("templates/section.html".to_string(), text.to_string()));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    site(&files)
}

/// The titles of the cards a listing page shows, in order.
fn card_titles(html: &str) -> Vec<&str> {
    html.match_indices("<span class=\"card-title\">")
        .map(|(i, tag)| {
            let rest = &html[i + tag.len()..];
            &rest[..rest.find('<').unwrap()]
        })
        .collect()
}

#[test]
fn paginate_by_cuts_sections_and_tags_into_pages_linked_in_order() {
    let dir = paginated_site(
        "title = \"Paged\"\nbase_url = \"https://example.com/handbook/\"\npaginate_by = 2\n",
        None,
    );
    let (out, run) = build(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    for (listing, dir) in [("the section", "runbooks/"), ("the tag", "tags/ops/")] {
        let pages: Vec<String> = (1..=3)
            .map(|n| match n {
                1 => read(&out, &format!("{dir}index.html")),
                n => read(&out, &format!("{dir}page/{n}/index.html")),
            })
            .collect();
        assert!(
            !out.path().join(format!("public/{dir}page/4")).exists(),
            "{listing}"
        );
        assert!(
            !out.path().join(format!("public/{dir}page/1")).exists(),
            "{listing}"
        );
        let shown: Vec<Vec<&str>> = pages.iter().map(|p| card_titles(p)).collect();
        assert_eq!(
            shown,
            [
                vec!["Alpha", "Bravo"],
                vec!["Charlie", "Delta"],
                vec!["Echo"]
            ],
            "{listing}"
        );
        let url = |n: u32| match n {
            1 => format!("/handbook/{dir}"),
            n => format!("/handbook/{dir}page/{n}/"),
        };
        // The middle page: links both ways, its own URL as canonical, the
        // number in its title.
        assert_has_all(
            listing,
            &pages[1],
            &[
                &format!(
                    "<link rel=\"canonical\" href=\"https://example.com{}\">",
                    url(2)
                ),
                " (page 2) · Paged</title>",
                "<span class=\"list-count\">page 2 of 3</span>",
                &format!(
                    "<a class=\"list-pager-step\" href=\"{}#folio-pages\" rel=\"prev\">",
                    url(1)
                ),
                &format!(
                    "<a class=\"list-pager-step\" href=\"{}#folio-pages\" rel=\"next\">",
                    url(3)
                ),
                &format!(
                    "<a href=\"{}#folio-pages\" aria-current=\"page\">2</a>",
                    url(2)
                ),
            ],
        );
        assert!(pages[0]
            .contains("<span class=\"list-pager-step\" aria-hidden=\"true\"><span class=\"arrow\" aria-hidden=\"true\">←</span> Previous</span>"));
        assert!(
            pages[2].contains("<span class=\"list-pager-step\" aria-hidden=\"true\">Next <span class=\"arrow\" aria-hidden=\"true\">→</span></span>")
        );
        assert!(!pages[0].contains("(page 1)"), "{listing}");
    }
    // The listing's later pages are not in the sitemap.
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("/handbook/runbooks/</loc>"), "{sitemap}");
    assert!(!sitemap.contains("page/2"), "{sitemap}");
    // Every link of every page leads somewhere, and none is an orphan.
    check_clean(dir.path(), &["--strict"]);
}

#[test]
fn the_home_pages_list_is_cut_into_pages_too() {
    let dir = site(&[
        ("folio.toml", "title = \"Site\"\npaginate_by = 2\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        ("content/a.md", "---\ntitle: Alpha\n---\nA.\n"),
        ("content/b.md", "---\ntitle: Bravo\n---\nB.\n"),
        ("content/c.md", "---\ntitle: Charlie\n---\nC.\n"),
    ]);
    let (out, run) = build(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = read(&out, "index.html");
    assert_eq!(card_titles(&home), ["Alpha", "Bravo"]);
    assert!(
        home.contains("<a class=\"list-pager-step\" href=\"/page/2/#folio-pages\" rel=\"next\">")
    );
    let second = read(&out, "page/2/index.html");
    assert_eq!(card_titles(&second), ["Charlie"]);
    assert_has_all(
        "the home's second page",
        &second,
        &[
            "<title>Home (page 2) · Site</title>",
            "<ul class=\"cards\" id=\"folio-pages\">",
            "<a class=\"list-pager-step\" href=\"/#folio-pages\" rel=\"prev\">",
        ],
    );
    check_clean(dir.path(), &["--strict"]);
}

#[test]
fn a_listing_stays_whole_without_paginate_by_or_a_template_that_reads_paginator() {
    // Off by default: one page lists all five.
    let dir = paginated_site("title = \"Whole\"\n", None);
    let (out, run) = build(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(card_titles(&read(&out, "runbooks/index.html")).len(), 5);
    assert!(!out.path().join("public/runbooks/page").exists());
    assert!(!read(&out, "runbooks/index.html").contains("list-pager"));
    // A site's own section.html that shows only `section.pages` would show
    // them all on each page: nothing is cut, and the build says why.
    let dir = paginated_site(
        "title = \"Own\"\npaginate_by = 2\n",
        Some("<h1>{{ section.title }}</h1>{% for p in section.pages %}<a href=\"{{ p.url }}\">{{ p.title }}</a>{% endfor %}\n"),
    );
    let (out, run) = build(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_has_all(
        "stderr",
        &run.stderr,
        &[
            "warning: `paginate_by` is set, but no template of a listing reads `paginator`: every listing is written whole",
            "folio.toml",
        ],
    );
    assert!(!out.path().join("public/runbooks/page").exists());
    assert!(!out.path().join("public/tags/ops/page").exists());
}

#[test]
fn a_sites_own_template_gets_the_paginator_and_a_page_under_page_keeps_its_listing_whole() {
    let dir = paginated_site(
        "title = \"Own\"\npaginate_by = 3\nbase_url = \"file:///srv/hb/\"\n",
        Some(
            "<h1>{{ page.url }}</h1><p>{{ paginator.number }}/{{ paginator.total }} by {{ paginator.per_page }} \
             of {{ section.pages | length }}</p>{% for p in paginator.pages %}<a href=\"{{ p.url }}\">{{ p.title }}</a>{% endfor %}\
             {% for l in paginator.links %} {{ l.number }}={{ l.url }}{% endfor %}\n",
        ),
    );
    let (out, run) = build(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Read from disk, every URL names its file.
    assert_eq!(
        read(&out, "runbooks/page/2/index.html"),
        "<h1>/srv/hb/runbooks/page/2/index.html</h1><p>2/2 by 3 of 5</p>\
         <a href=\"/srv/hb/runbooks/r3/index.html\">Delta</a><a href=\"/srv/hb/runbooks/r4/index.html\">Echo</a> \
         1=/srv/hb/runbooks/index.html 2=/srv/hb/runbooks/page/2/index.html\n"
    );
    // A page of the site's own at `runbooks/page/`: that listing is
    // written whole, the tag's is still cut.
    std::fs::write(
        dir.path().join("content/runbooks/page.md"),
        "---\ntitle: Paging someone\n---\nHow to page the on-call engineer.\n",
    )
    .unwrap();
    let (out, run) = build(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_has_all(
        "stderr",
        &run.stderr,
        &[
            "warning: the page's URL is under `/runbooks/page/`, where the listing of `/runbooks/` continues when it is cut into pages: it is written whole instead",
            "content/runbooks/page.md",
        ],
    );
    assert!(read(&out, "runbooks/index.html")
        .starts_with("<h1>/srv/hb/runbooks/index.html</h1><p>1/1 by 3 of 6</p>"));
    assert!(!out.path().join("public/runbooks/page/2").exists());
    assert!(out.path().join("public/runbooks/page/index.html").exists());
    assert!(out
        .path()
        .join("public/tags/ops/page/2/index.html")
        .exists());
}

// ---- the site's language ---------------------------------------------------

/// The one theme script of `public/` named `<stem>.<hash>.js`.
fn fingerprinted_script(dir: &tempfile::TempDir, stem: &str) -> (String, String) {
    fingerprinted_asset(dir, stem, "js")
}

/// The name and text of `<stem>.<hash>.<ext>` in the output.
fn fingerprinted_asset(dir: &tempfile::TempDir, stem: &str, ext: &str) -> (String, String) {
    let name = fs::read_dir(dir.path().join("public"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| {
            n.starts_with(&format!("{stem}."))
                && n.ends_with(&format!(".{ext}"))
                && n.len() > stem.len() + ext.len() + 2
        })
        .unwrap_or_else(|| panic!("no {stem}.<hash>.{ext}"));
    let text = read(dir, &name);
    (name, text)
}

/// `root` built, with neither error nor warning: its output folder.
fn built_without_warnings(root: &tempfile::TempDir) -> tempfile::TempDir {
    let (out, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    out
}

#[test]
fn a_german_handbook_shows_the_themes_and_folios_words_in_german() {
    let german = paginated_site("language = \"de-AT\"\npaginate_by = 2\n", None);
    let out = built_without_warnings(&german);
    let list = read(&out, "runbooks/index.html");
    assert_has_all(
        "the section's first page",
        &list,
        &[
            "<html lang=\"de-AT\" dir=\"ltr\">",
            ">Zum Inhalt springen</a>",
            "placeholder=\"Suchen\"",
            "aria-label=\"Zum dunklen Design wechseln\"",
            "<summary>Menü</summary>",
            ">Start</a>",
            "id=\"folio-pages\">Seiten <span class=\"list-count\">Seite 1 von 3</span>",
            "aria-label=\"Seiten der Liste\"",
            "aria-label=\"Seite 2\"",
            "rel=\"next\">Weiter <span class=\"arrow\" aria-hidden=\"true\">→</span></a>",
            "Erstellt mit folio ",
        ],
    );
    let later = read(&out, "runbooks/page/2/index.html");
    assert!(later.contains("<title>Runbooks (Seite 2) · "), "{later}");
    let page = read(&out, "runbooks/r1/index.html");
    assert_has_all(
        "a page",
        &page,
        &[
            "1 Min. Lesezeit",
            "<span class=\"pager-label\">Zurück</span>",
            "<span class=\"pager-label\">Weiter</span>",
            "aria-label=\"Vorherige und nächste Seite\"",
        ],
    );
    // The pages folio writes itself.
    let tags = read(&out, "tags/index.html");
    assert_has_all(
        "the list of tags",
        &tags,
        &["<title>Schlagwörter · ", "5 Seiten"],
    );
    let tag = read(&out, "tags/ops/index.html");
    assert!(tag.contains("<title>Schlagwort „ops“ · "), "{tag}");
    let missing = read(&out, "404.html");
    assert_has_all(
        "the 404 page",
        &missing,
        &[
            "<title>Seite nicht gefunden · ",
            "Die gesuchte Seite gibt es nicht oder sie wurde verschoben.",
            ">Zur Startseite</a>",
        ],
    );
    // The theme's script has the words, and its name's hash follows them.
    let (name, script) = fingerprinted_script(&out, "folio");
    assert!(script.contains("\"copy\":\"Kopieren\""), "{script}");
    assert!(!script.contains(crate_marker()), "the marker is replaced");
    assert!(list.contains(&format!("/{name}\"")), "pages load {name}");
    let english = paginated_site("paginate_by = 2\n", None);
    let (english_out, run) = build(english.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (english_name, english_script) = fingerprinted_script(&english_out, "folio");
    assert_ne!(english_name, name);
    assert!(english_script.contains("\"copy\":\"Copy\""));
    assert!(read(&english_out, "runbooks/index.html")
        .contains("Pages <span class=\"list-count\">page 1 of 3</span>"));
}

fn crate_marker() -> &'static str {
    folio::strings::SCRIPT_MARKER
}

#[test]
fn strings_in_folio_toml_change_words_and_reach_the_sites_own_templates() {
    let root = site(&[
        (
            "folio.toml",
            "title = \"T\"\nlanguage = \"fi\"\n\n[strings]\nnext = \"Seuraava\"\nteam_motto = \"Yhdessä\"\npage_count = \"{count} sivu|{count} sivua\"\nprevios = \"Edellinen\"\n",
        ),
        ("content/_index.md", "---\ntitle: Koti\n---\n"),
        ("content/a.md", "---\ntitle: A\n---\nA.\n"),
        ("content/b.md", "---\ntitle: B\n---\nB.\n"),
        (
            "templates/page.html",
            "<p>{{ site.strings.team_motto }} · {{ site.strings.page_count | fill(count=1) }} · {{ site.strings.page_count | fill(count=2) }} · {{ site.strings.next }} · {{ site.strings.previous }} · {{ site.strings.list_page_of | fill(number=2, total=\"9<\") }}</p>",
        ),
    ]);
    let (out, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(&out, "a/index.html"),
        "<p>Yhdessä · 1 sivu · 2 sivua · Seuraava · Previous · page 2 of 9&lt;</p>"
    );
    // A word that looks like a typo of folio's is named, at its line; the
    // language's own words being written, it is not warned about.
    assert!(
        run.stderr
            .contains("`previos` under [strings] is not a word folio or its theme shows"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("folio.toml:8"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `previous`?"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("no words in language"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_hebrew_handbook_runs_right_to_left_in_hebrew_words() {
    let hebrew = paginated_site("language = \"he\"\npaginate_by = 2\n", None);
    let out = built_without_warnings(&hebrew);
    let list = read(&out, "runbooks/index.html");
    assert_has_all(
        "the section's first page",
        &list,
        &[
            "<html lang=\"he\" dir=\"rtl\">",
            ">דילוג לתוכן</a>",
            "placeholder=\"חיפוש\"",
            "<span class=\"list-count\">דף 1 מתוך 3</span>",
            "rel=\"next\">הבא <span class=\"arrow\" aria-hidden=\"true\">→</span></a>",
        ],
    );
    // The form for one says "one" in words; the others have the number.
    let tags = read(&out, "tags/index.html");
    assert!(tags.contains("5 דפים"), "{tags}");
    let (_, script) = fingerprinted_script(&out, "folio");
    assert!(
        script.contains("\"search_found\":\"נמצא דף אחד; "),
        "{script}"
    );
    // The stylesheet mirrors the layout by the document's direction.
    let (_, css) = fingerprinted_asset(&out, "folio", "css");
    assert!(css.contains("[dir=\"rtl\"] .arrow"), "{css}");
    assert!(!css.contains("margin-left"), "physical sides: {css}");
}

#[test]
fn a_russian_handbook_counts_in_three_forms() {
    let russian = paginated_site("language = \"ru\"\n", None);
    let out = built_without_warnings(&russian);
    let tags = read(&out, "tags/index.html");
    assert_has_all("the list of tags", &tags, &["<title>Теги · ", "5 страниц"]);
    assert!(read(&out, "tags/ops/index.html").contains("<title>Тег «ops» · "));
    assert!(read(&out, "runbooks/r1/index.html").contains("1 мин чтения"));
    // Search counts its results in the browser, with the three forms.
    let (_, script) = fingerprinted_script(&out, "folio");
    assert!(
        script.contains("\"search_found\":\"Найдена {count} страница; для выбора нажмите стрелку вниз|Найдены {count} страницы; "),
        "{script}"
    );
}

#[test]
fn an_arabic_handbook_counts_in_six_forms_right_to_left() {
    let arabic = paginated_site("language = \"ar\"\n", None);
    let out = built_without_warnings(&arabic);
    let tags = read(&out, "tags/index.html");
    assert_has_all(
        "the list of tags",
        &tags,
        &[
            "<html lang=\"ar\" dir=\"rtl\">",
            "<title>الوسوم · ",
            "5 صفحات",
        ],
    );
    let (_, script) = fingerprinted_script(&out, "folio");
    assert!(
        script.contains("\"search_found\":\"لم يُعثر على أي صفحة|عُثر على صفحة واحدة؛ "),
        "{script}"
    );
    // Each of CLDR's six categories picks its form.
    let root = site(&[
        ("folio.toml", "title = \"T\"\nlanguage = \"ar\"\n"),
        ("content/_index.md", "---\ntitle: T\n---\n"),
        ("content/a.md", "---\ntitle: A\ndate: 2026-11-28\n---\nA.\n"),
        ("content/b.md", "---\ntitle: B\n---\nB.\n"),
        (
            "templates/page.html",
            "{% for n in [0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111] %}{{ site.strings.page_count | fill(count=n) }}/{% endfor %} {{ page.date | local_date }}",
        ),
    ]);
    let (out, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(&out, "a/index.html"),
        "لا صفحات/صفحة واحدة/صفحتان/3 صفحات/10 صفحات/11 صفحة/99 صفحة/100 صفحة/102 صفحة/103 صفحات/111 صفحة/ 28 نوفمبر 2026"
    );
    // No date: `local_date` writes nothing.
    assert!(read(&out, "b/index.html").ends_with("111 صفحة/ "));
}

#[test]
fn dates_are_written_out_in_the_sites_language() {
    let root = site(&[
        ("folio.toml", "title = \"T\"\nlanguage = \"fr\"\n"),
        ("content/_index.md", "---\ntitle: Accueil\n---\n"),
        (
            "content/a.md",
            "---\ntitle: A\ndate: 2026-03-01\nupdated: 2026-11-28T09:00:00Z\n---\nA.\n",
        ),
        ("content/b.md", "---\ntitle: B\ndate: 2026-08-05\n---\nB.\n"),
    ]);
    let (out, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Under the title and in the footer; the machine-readable date stays
    // as written.
    let a = read(&out, "a/index.html");
    assert_eq!(
        a.matches("<time datetime=\"2026-11-28T09:00:00Z\">28 novembre 2026</time>")
            .count(),
        2,
        "{a}"
    );
    assert!(
        read(&out, "b/index.html")
            .contains("Publié le <time datetime=\"2026-08-05\">5 août 2026</time>"),
        "published"
    );
}

#[test]
fn a_direction_written_in_folio_toml_wins_over_the_languages() {
    // A wrong one stops the build at its line.
    let root = site(&[
        ("folio.toml", "language = \"he\"\ndirection = \"ltr\"\n"),
        ("content/_index.md", "---\ntitle: H\n---\n"),
    ]);
    let (out, run) = build(root.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(&out, "index.html").contains("<html lang=\"he\" dir=\"ltr\">"));
    let root = site(&[
        (
            "folio.toml",
            "language = \"he\"\ndirection = \"right-to-left\"\n",
        ),
        ("content/_index.md", "---\ntitle: H\n---\n"),
    ]);
    let (_, run) = build(root.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("folio.toml:2"), "{}", run.stderr);
    assert!(run.stderr.contains("must be \"ltr\""), "{}", run.stderr);
}

#[test]
fn a_language_folio_has_no_words_for_builds_in_english_and_says_so() {
    // Persian has no catalogue either, but its pages still run right to
    // left.
    for (language, direction) in [("sv", "ltr"), ("fa", "rtl")] {
        let root = site(&[
            (
                "folio.toml",
                &format!("title = \"T\"\nlanguage = \"{language}\"\n"),
            ),
            ("content/_index.md", "---\ntitle: Hem\n---\n"),
        ]);
        let (out, run) = build(root.path(), &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("folio has no words in language `{language}`")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("folio.toml:2"), "{}", run.stderr);
        assert!(run.stderr.contains("[strings]"), "{}", run.stderr);
        let home = read(&out, "index.html");
        assert_has_all(
            "the home page",
            &home,
            &[
                &format!("<html lang=\"{language}\" dir=\"{direction}\">"),
                ">Skip to content</a>",
            ],
        );
    }
    // A value that is not a string stops the build, at its line.
    let root = site(&[
        ("folio.toml", "[strings]\nhome = [\"Hem\"]\n"),
        ("content/_index.md", "---\ntitle: Hem\n---\n"),
    ]);
    let (_, run) = build(root.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`home` under [strings] must be a quoted string, not array"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("folio.toml:2"), "{}", run.stderr);
}

#[test]
fn an_error_after_a_word_written_into_a_template_points_at_its_column_as_written() {
    // The words are written into the templates before Tera compiles them;
    // the message still points where the author wrote the mistake.
    let root = site(&[
        ("content/_index.md", "---\ntitle: H\n---\n"),
        ("content/a.md", "x"),
        (
            "templates/page.html",
            "<p>{{ site.strings.home }} {{ site.strings.next }} {{ page.nope.deeper }}</p>\n",
        ),
    ]);
    let (_, run) = build(root.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("--> templates/page.html:1:60"),
        "{}",
        run.stderr
    );
    let caret = run
        .stderr
        .lines()
        .find(|l| l.trim_end().ends_with('^'))
        .unwrap();
    let shown = run
        .stderr
        .lines()
        .find(|l| l.contains("{{ page.nope"))
        .unwrap();
    assert_eq!(
        caret.find('^').unwrap(),
        shown.find("nope").unwrap(),
        "{}",
        run.stderr
    );
}
