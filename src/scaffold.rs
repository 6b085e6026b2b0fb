//! `folio new`: starts a page or a section's index page, its front matter
//! holding what the site's rules (`[[schema]]` in `folio.toml`) ask of
//! pages there, so the new page builds and the author sees what to fill in.
//! `folio init`: starts a site (`folio.toml`, a home page, `.gitignore`).
//!
//! Both only ever create files: one that exists is never written over.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::build::{BuildFailure, FailureKind};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::load::{load_page, LoadedPage};
use crate::route::{RouteProblem, RouteRequest, Routes};
use crate::schema::{SchemaRule, REVIEW_KEY};
use crate::site::tags::TAGS_DIR;

/// What to create.
#[derive(Debug, Clone)]
pub struct NewOptions {
    /// Site root.
    pub root: PathBuf,
    /// The page, as given: `playbooks/incident`, `playbooks/incident.md`,
    /// `content/playbooks/incident.md`, or a folder (`playbooks/`) for its
    /// index page.
    pub path: String,
    /// The title (default: from the file or folder name).
    pub title: Option<String>,
}

/// What `folio new` created.
#[derive(Debug)]
pub struct Created {
    /// Project-relative source (`content/playbooks/incident.md`).
    pub source: String,
    /// The page's URL once built.
    pub url: String,
    /// The keys the site's rules require, written with a placeholder to
    /// replace, each with what it must be (`owner (a string)`).
    pub to_fill: Vec<String>,
    /// What the new page changes in the site, to think over (it is
    /// written all the same): under `/tags/` it switches the tag pages
    /// off, under a listing's `page/` that listing's pagination.
    pub warnings: Vec<Diagnostic>,
}

/// Creates the page `opts.path` asks for. Fails, writing nothing, when the
/// path is no page of `content/`, the file exists, or `folio.toml` has
/// errors.
pub fn new_page(opts: &NewOptions) -> Result<Created, BuildFailure> {
    let usage = |d: Diagnostic| BuildFailure::environment(d);
    let source = source_of(&opts.path).map_err(usage)?;
    if !opts.root.join("content").is_dir() {
        return Err(usage(
            Diagnostic::error(format!("no content/ folder in {}", opts.root.display()))
                .with_hint("run folio new in the site's folder, or pass --root"),
        ));
    }
    let mut diags = Vec::new();
    let config = crate::build::read_config(&opts.root, false, &mut diags).map_err(usage)?;
    if diags.iter().any(Diagnostic::is_error) {
        return Err(BuildFailure {
            kind: FailureKind::Content,
            diagnostics: diags,
        });
    }
    let warnings = check_new(&opts.root, &config, &source).map_err(usage)?;
    let title = opts.title.clone().unwrap_or_else(|| title_of(&source));
    let (text, to_fill) = front_matter(&source, &title, &config.schema, &crate::schema::today());
    let path = opts.root.join(&source);
    let written = path
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| fs::File::create_new(&path))
        .and_then(|mut file| file.write_all(text.as_bytes()));
    if let Err(e) = written {
        return Err(usage(match e.kind() {
            std::io::ErrorKind::AlreadyExists => Diagnostic::error(format!(
                "{source} already exists"
            ))
            .with_hint("folio new never writes over a file: pick another name, or edit that one"),
            _ => Diagnostic::error(format!("cannot create {source}: {e}")),
        }));
    }
    Ok(Created {
        warnings,
        url: format!(
            "{}{}",
            config.base_path(),
            crate::route::output_dir(&source, None)
        ),
        source,
        to_fill,
    })
}

/// Where to start a site.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The site's folder (made when missing).
    pub root: PathBuf,
    /// The site's title (default: from the folder's name).
    pub title: Option<String>,
}

/// What `folio init` wrote, project-relative, in order.
#[derive(Debug)]
pub struct Started {
    /// The files written.
    pub written: Vec<&'static str>,
    /// `.gitignore` was there already, without the output and cache
    /// folders (left as it is: they should be added).
    pub ignore_lacks: Vec<&'static str>,
}

/// What a site's `.gitignore` should hold: the output and the cache.
const IGNORED: [&str; 2] = ["public/", ".folio-cache/"];

/// Starts a site in `opts.root`: `folio.toml`, `content/_index.md` and a
/// `.gitignore`, unless it has one. Fails, writing nothing, when the folder
/// already holds a site (`content/` or `folio.toml`).
pub fn init_site(opts: &InitOptions) -> Result<Started, BuildFailure> {
    let fail = |d: Diagnostic| BuildFailure::environment(d);
    let root = &opts.root;
    for taken in ["content", crate::config::CONFIG_FILE] {
        if fs::symlink_metadata(root.join(taken)).is_ok() {
            return Err(fail(
                Diagnostic::error(format!("{} already holds {taken}", root.display()))
                    .with_hint("folio init starts a site in a folder without one; `folio new` adds pages to it"),
            ));
        }
    }
    let title = opts.title.clone().unwrap_or_else(|| {
        let path = fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        match path.file_name() {
            Some(name) => title_of(&format!("content/{}/_index.md", name.to_string_lossy())),
            None => "Handbook".to_string(),
        }
    });
    let config = format!(
        "# This site's settings: folio's configuration page lists every key.\n\
         title = {}\n\
         description = \"\"\n\
         # Where the site is published (https://docs.example.com/handbook/):\n\
         # its path starts every URL folio writes.\n\
         base_url = \"/\"\n\
         # The language of the words folio shows readers (\"Previous\", \"On this\n\
         # page\"): en, de, es, fr, it, nl, pt, pt-PT, ru, he and ar ship with folio;\n\
         # [strings] writes others. Hebrew, Arabic and the like also run the pages\n\
         # right to left.\n\
         language = \"en\"\n",
        Value::String(title.clone())
    );
    let home = format!(
        "---\ntitle: {}\n\
         description: How we work, what we run, and what to do when it breaks.\n---\n\n\
         Start a page with `folio new runbooks/deploy`, and preview the handbook\n\
         with `folio serve` while you write.\n",
        yaml_text(&title)
    );
    let ignore = root.join(".gitignore");
    let ignore_text = fs::read_to_string(&ignore).ok();
    let mut files = vec![
        (crate::config::CONFIG_FILE, config),
        ("content/_index.md", home),
    ];
    if fs::symlink_metadata(&ignore).is_err() {
        files.push((".gitignore", IGNORED.map(|f| format!("{f}\n")).concat()));
    }
    let mut written = Vec::new();
    for (rel, text) in &files {
        let path = root.join(rel);
        let done = (path.parent())
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::File::create_new(&path))
            .and_then(|mut file| file.write_all(text.as_bytes()));
        if let Err(e) = done {
            // All or nothing: the files this run wrote go again.
            for rel in &written {
                let _ = fs::remove_file(root.join(rel));
            }
            return Err(fail(Diagnostic::error(format!(
                "cannot write {rel} in {}: {e}",
                root.display()
            ))));
        }
        written.push(*rel);
    }
    let ignore_lacks = match ignore_text {
        Some(text) => (IGNORED.into_iter())
            .filter(|f| !text.lines().any(|l| l.trim().trim_start_matches('/') == *f))
            .collect(),
        None => Vec::new(),
    };
    Ok(Started {
        written,
        ignore_lacks,
    })
}

/// The project-relative source of the page `path` names: under
/// `content/` (which may be written or not), `.md` added when it has no
/// extension, a folder's index page for a path ending in `/` (the home
/// page's for `content/`).
fn source_of(path: &str) -> Result<String, Diagnostic> {
    let outside = || {
        Diagnostic::error(format!("`{path}` is not a page of content/"))
            .with_hint("name it from the site's folder or from content/: `playbooks/incident`")
    };
    let trimmed = path.trim();
    let rel = trimmed.strip_prefix("./").unwrap_or(trimmed);
    if matches!(rel, "content" | "content/") {
        return Ok("content/_index.md".to_string());
    }
    let rel = rel.strip_prefix("content/").unwrap_or(rel);
    let parts: Vec<&str> = rel.split('/').collect();
    let bad_part = |p: &&str| matches!(*p, "." | "..") || p.starts_with('.');
    if rel.is_empty()
        || rel.starts_with('/')
        || rel.contains('\\')
        || rel.chars().any(char::is_control)
        || parts[..parts.len() - 1]
            .iter()
            .any(|p| p.is_empty() || bad_part(p))
    {
        return Err(outside());
    }
    let last = parts[parts.len() - 1];
    if last.is_empty() {
        return Ok(format!("content/{rel}_index.md"));
    }
    if bad_part(&last) {
        return Err(outside());
    }
    match last.rsplit_once('.') {
        None => Ok(format!("content/{rel}.md")),
        Some(_) if crate::discover::is_markdown(last) => Ok(format!("content/{rel}")),
        Some(_) => Err(
            Diagnostic::error(format!("`{path}` is not a Markdown file")).with_hint(
                "a page is a .md file: `folio new playbooks/incident` makes playbooks/incident.md",
            ),
        ),
    }
}

/// Plans the site's routes with the new page `source` among them (every
/// page loaded, drafts too): an error when its URL is another's, or else
/// the warnings of what the page changes (see [`Created::warnings`]).
fn check_new(root: &Path, config: &Config, source: &str) -> Result<Vec<Diagnostic>, Diagnostic> {
    let (found, _) = crate::discover::discover(root);
    let mut ignored = Vec::new();
    let pages: Vec<LoadedPage> = found
        .pages
        .iter()
        .filter_map(|f| load_page(&f.rel, fs::read(root.join(&f.rel)).ok()?, &mut ignored))
        .collect();
    let mut requests: Vec<RouteRequest<'_>> = pages.iter().map(RouteRequest::of).collect();
    requests.push(RouteRequest {
        source,
        slug: None,
        aliases: &[],
        aliases_line: 0,
    });
    let (_, problems) = Routes::plan(&config.base_path(), config.read_from_disk(), &requests, []);
    if let Some(clash) = problems
        .into_iter()
        .find(|p| p.is_error() && p.concerns(source))
    {
        let hint = if let RouteProblem::OverSection {
            by_alias: false, ..
        } = clash
        {
            let folder = crate::route::output_dir(source, None);
            format!("for the section's own page, run `folio new {folder}`; or pick another name")
        } else {
            "pick another name for the page".to_string()
        };
        let message = Diagnostic::from(&clash).message;
        return Err(
            Diagnostic::error(format!("{source} would not build: {message}"))
                .with_hint(format!("folio new wrote nothing: {hint}")),
        );
    }
    let dir = crate::route::output_dir(source, None);
    let mut warnings = Vec::new();
    let tagged = pages.iter().filter(|p| !p.front.tags.is_empty()).count();
    let under_tags = dir
        .get(..TAGS_DIR.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(TAGS_DIR));
    if under_tags && tagged > 0 {
        warnings.push(
            Diagnostic::warning(format!(
                "{source} is under /{TAGS_DIR}, where folio writes the tag pages: while it is, folio writes none"
            ))
            .in_file(source.to_string())
            .with_hint(format!(
                "{} of the site {} tags; to keep their pages, move this one out of content/{TAGS_DIR}",
                crate::diagnostic::plural(tagged, "page"),
                if tagged == 1 { "has" } else { "have" }
            )),
        );
    }
    if config.paginate_by > 0 {
        for listing in crate::render::pager::listings_under(&dir) {
            warnings.push(
                Diagnostic::warning(format!(
                    "{source} is under /{listing}page/, where the listing of /{listing} continues \
                     when it is cut into pages: while it is, that listing is written whole"
                ))
                .in_file(source.to_string())
                .with_hint("pick another name to keep the listing cut into pages (`paginate_by` in folio.toml)"),
            );
        }
    }
    Ok(warnings)
}

/// A title from the file name (the folder's, for an index page):
/// `incident-response.md` is "Incident response".
fn title_of(source: &str) -> String {
    let rel = source.trim_start_matches("content/");
    let file = rel.rsplit('/').next().unwrap_or(rel);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let name = if matches!(stem, "_index" | "index") {
        let folder = rel.rsplit('/').nth(1).unwrap_or("");
        if folder.is_empty() {
            "Home"
        } else {
            folder
        }
    } else {
        stem
    };
    let words = name.replace(['-', '_'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Untitled".to_string(),
    }
}

/// The front matter of a new page at `source` titled `title`: the keys
/// the `rules` that apply to it require, each with a value of its type
/// (the first allowed one, when a list is given; `today` for a date, six
/// months on for `review_by`), and a comment saying what it must be.
/// Returns the text and the keys to fill in.
fn front_matter(
    source: &str,
    title: &str,
    rules: &[SchemaRule],
    today: &str,
) -> (String, Vec<String>) {
    let rules: Vec<&SchemaRule> = rules.iter().filter(|r| r.applies_to(source)).collect();
    let mut text = format!("---\ntitle: {}\n", yaml_text(title));
    let mut to_fill = Vec::new();
    let mut seen = vec!["title"];
    for key in rules.iter().flat_map(|r| &r.required) {
        if seen.contains(&key.as_str()) {
            continue;
        }
        seen.push(key);
        let ty = rules
            .iter()
            .find_map(|r| r.types.get(key))
            .map(String::as_str);
        let allowed = rules.iter().find_map(|r| r.allowed.get(key));
        let (value, what) = match (allowed.and_then(|a| a.first()), ty) {
            (Some(first), _) => {
                let list: Vec<String> = allowed.into_iter().flatten().map(yaml_value).collect();
                (yaml_value(first), format!("one of {}", list.join(", ")))
            }
            (None, Some("date")) if key == REVIEW_KEY => {
                (half_a_year_after(today), "a date".to_string())
            }
            (None, Some("date")) => (today.to_string(), "a date".to_string()),
            (None, Some("integer")) => ("0".to_string(), "an integer".to_string()),
            (None, Some("number")) => ("0".to_string(), "a number".to_string()),
            (None, Some("boolean")) => ("false".to_string(), "true or false".to_string()),
            (None, Some("list")) => ("[]".to_string(), "a list".to_string()),
            (None, Some("string")) => ("\"\"".to_string(), "a string".to_string()),
            (None, _) => ("\"\"".to_string(), "a value".to_string()),
        };
        text.push_str(&format!("{key}: {value}  # required: {what}\n"));
        to_fill.push(format!("{key} ({what})"));
    }
    text.push_str("---\n\n");
    (text, to_fill)
}

/// `text` as a YAML scalar: plain when that reads back the same, else
/// double-quoted (JSON's quoting is YAML's).
fn yaml_text(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | ',' | '(' | ')' | '/'))
        && !text.starts_with(['-', ' ', '.'])
        && !text.ends_with(' ')
        && text.chars().any(char::is_alphabetic)
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        text.to_string()
    } else {
        Value::String(text.to_string()).to_string()
    }
}

/// An allowed value as YAML: text quoted as need be, others as JSON
/// writes them.
fn yaml_value(value: &Value) -> String {
    match value {
        Value::String(text) => yaml_text(text),
        other => other.to_string(),
    }
}

/// The day six months after `today` (`YYYY-MM-DD`), the last of its month
/// when that month is shorter (`2026-08-31` → `2027-02-28`).
fn half_a_year_after(today: &str) -> String {
    let number = |range: std::ops::Range<usize>| today.get(range)?.parse::<u32>().ok();
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return today.to_string();
    };
    let (year, month) = match month + 6 {
        m if m > 12 => (year + 1, m - 12),
        m => (year, m),
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let last = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    format!("{year:04}-{month:02}-{:02}", day.min(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_a_page_of_content() {
        for (given, source) in [
            ("playbooks/incident", "content/playbooks/incident.md"),
            ("playbooks/incident.md", "content/playbooks/incident.md"),
            (
                "content/playbooks/incident.md",
                "content/playbooks/incident.md",
            ),
            ("./content/a/b", "content/a/b.md"),
            ("playbooks/", "content/playbooks/_index.md"),
            ("content/", "content/_index.md"),
            ("content", "content/_index.md"),
            ("notes.markdown", "content/notes.markdown"),
            ("v1.2 notes", "content/v1.2 notes"),
        ] {
            let made = source_of(given);
            let made = made.as_ref().map(String::as_str).map_err(|d| &d.message);
            // A name with a dot is taken as its extension; "v1.2 notes"
            // is no Markdown file.
            if given == "v1.2 notes" {
                assert!(made.is_err(), "{given}: {made:?}");
                continue;
            }
            assert_eq!(made, Ok(source), "{given}");
        }
        for given in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            ".hidden/x",
            "a/.x",
            "a\\b",
            "notes.txt",
            "a/b.html",
            "x\u{7}y",
            "a/B.MD",
        ] {
            assert!(source_of(given).is_err(), "{given:?}");
        }
    }

    #[test]
    fn a_title_comes_from_the_file_or_folder_name() {
        assert_eq!(
            title_of("content/playbooks/incident-response.md"),
            "Incident response"
        );
        assert_eq!(title_of("content/on_call__rota.md"), "On call rota");
        assert_eq!(title_of("content/playbooks/_index.md"), "Playbooks");
        assert_eq!(title_of("content/_index.md"), "Home");
        assert_eq!(title_of("content/ä-b.md"), "Ä b");
        assert_eq!(title_of("content/---.md"), "Untitled");
    }

    fn rule(section: Option<&str>, required: &[&str], types: &[(&str, &str)]) -> SchemaRule {
        SchemaRule {
            section: section.map(str::to_string),
            required: required.iter().map(|k| k.to_string()).collect(),
            types: types
                .iter()
                .map(|(k, t)| (k.to_string(), t.to_string()))
                .collect(),
            allowed: Default::default(),
        }
    }

    #[test]
    fn the_front_matter_holds_what_the_rules_require() {
        let mut playbooks = rule(
            Some("playbooks"),
            &[
                "owner",
                "review_by",
                "status",
                "priority",
                "steps",
                "paged",
                "ticket",
            ],
            &[
                ("owner", "string"),
                ("review_by", "date"),
                ("priority", "integer"),
                ("steps", "list"),
                ("paged", "boolean"),
            ],
        );
        playbooks.allowed.insert(
            "status".into(),
            vec![Value::from("draft"), Value::from("active")],
        );
        let everywhere = rule(None, &["owner", "updated"], &[("updated", "date")]);
        let rules = [playbooks, everywhere];
        let (text, to_fill) = front_matter(
            "content/playbooks/incident.md",
            "Incident: response",
            &rules,
            "2026-08-31",
        );
        assert_eq!(
            text,
            "---\ntitle: \"Incident: response\"\n\
             owner: \"\"  # required: a string\n\
             review_by: 2027-02-28  # required: a date\n\
             status: draft  # required: one of draft, active\n\
             priority: 0  # required: an integer\n\
             steps: []  # required: a list\n\
             paged: false  # required: true or false\n\
             ticket: \"\"  # required: a value\n\
             updated: 2026-08-31  # required: a date\n\
             ---\n\n"
        );
        assert_eq!(to_fill.len(), 8);
        assert_eq!(to_fill[0], "owner (a string)");
        // Elsewhere, only the rule for every page.
        let (text, _) = front_matter("content/guide/a.md", "A", &rules, "2026-01-10");
        assert_eq!(
            text,
            "---\ntitle: A\nowner: \"\"  # required: a value\nupdated: 2026-01-10  # required: a date\n---\n\n"
        );
    }

    #[test]
    fn the_written_front_matter_passes_the_rules() {
        let mut playbooks = rule(
            Some("playbooks"),
            &["owner", "review_by", "status", "priority", "steps", "paged"],
            &[
                ("owner", "string"),
                ("review_by", "date"),
                ("priority", "integer"),
                ("steps", "list"),
                ("paged", "boolean"),
            ],
        );
        playbooks
            .allowed
            .insert("status".into(), vec![Value::from("yes"), Value::from(2)]);
        let rules = [playbooks];
        let source = "content/playbooks/x.md";
        for title in [
            "Plain",
            "yes",
            "a: b",
            "\"quoted\"",
            "- dash",
            "#hash",
            "100",
        ] {
            let (text, _) = front_matter(source, title, &rules, "2026-11-28");
            let page =
                crate::load::load_page(source, text.as_bytes(), &mut Vec::new()).expect("loads");
            assert_eq!(page.front.title.as_deref(), Some(title), "{text}");
            let problems = crate::schema::check_page(&rules, &page, "2026-11-28");
            assert!(problems.is_empty(), "{title}: {problems:?}");
        }
    }

    #[test]
    fn six_months_on_is_the_last_day_of_a_shorter_month() {
        assert_eq!(half_a_year_after("2026-11-28"), "2027-05-28");
        assert_eq!(half_a_year_after("2026-08-31"), "2027-02-28");
        assert_eq!(half_a_year_after("2027-08-31"), "2028-02-29");
        assert_eq!(half_a_year_after("2026-12-31"), "2027-06-30");
        assert_eq!(half_a_year_after("2026-01-15"), "2026-07-15");
    }

    #[test]
    fn a_site_starts_with_settings_a_home_page_and_what_git_ignores() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("team-handbook");
        let started = init_site(&InitOptions {
            root: root.clone(),
            title: None,
        })
        .unwrap();
        assert_eq!(
            started.written,
            ["folio.toml", "content/_index.md", ".gitignore"]
        );
        assert!(started.ignore_lacks.is_empty());
        let toml = fs::read_to_string(root.join("folio.toml")).unwrap();
        let (config, problems) = crate::config::Config::parse(&toml);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.title, "Team handbook");
        let ignore = fs::read_to_string(root.join(".gitignore")).unwrap();
        assert_eq!(ignore, "public/\n.folio-cache/\n");
        // Again: refused, nothing written over.
        fs::write(root.join("content/_index.md"), "mine").unwrap();
        let again = init_site(&InitOptions {
            root: root.clone(),
            title: None,
        });
        assert!(again.is_err());
        assert_eq!(
            fs::read_to_string(root.join("content/_index.md")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_gitignore_there_is_left_as_it_is_and_a_title_is_quoted() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::write(root.join(".gitignore"), "target/\n/public/\n").unwrap();
        let title = "Ops \"runbooks\": on-call \\ more";
        let started = init_site(&InitOptions {
            root: root.to_path_buf(),
            title: Some(title.to_string()),
        })
        .unwrap();
        assert_eq!(started.written, ["folio.toml", "content/_index.md"]);
        assert_eq!(started.ignore_lacks, [".folio-cache/"]);
        assert_eq!(
            fs::read_to_string(root.join(".gitignore")).unwrap(),
            "target/\n/public/\n"
        );
        let toml = fs::read_to_string(root.join("folio.toml")).unwrap();
        assert_eq!(crate::config::Config::parse(&toml).0.title, title);
        let home = fs::read(root.join("content/_index.md")).unwrap();
        let page = crate::load::load_page("content/_index.md", home, &mut Vec::new()).unwrap();
        assert_eq!(page.front.title.as_deref(), Some(title));
        // A folder with a folio.toml but no content/ is a site too.
        let other = tempfile::tempdir().unwrap();
        fs::write(other.path().join("folio.toml"), "title = \"x\"\n").unwrap();
        let refused = init_site(&InitOptions {
            root: other.path().to_path_buf(),
            title: None,
        });
        assert!(refused.is_err());
        assert!(!other.path().join("content").exists());
    }
}
