//! `folio new`: starts a page or a section's index page, its front matter
//! holding what the site's rules (`[[schema]]` in `folio.toml`) ask of
//! pages there, so the new page builds and the author sees what to fill in.
//!
//! It only ever creates a file: one that exists is never written over.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use serde_json::Value;

use crate::build::{BuildFailure, FailureKind};
use crate::diagnostic::Diagnostic;
use crate::schema::{SchemaRule, REVIEW_KEY};

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
    let title = opts.title.clone().unwrap_or_else(|| title_of(&source));
    let (text, to_fill) = front_matter(&source, &title, &config.schema, &crate::schema::today());
    let path = opts.root.join(&source);
    let written = path
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| fs::File::create_new(&path))
        .and_then(|mut file| file.write_all(text.as_bytes()));
    if let Err(e) = written {
        let d = Diagnostic::error(format!("cannot create {source}: {e}"));
        return Err(usage(if e.kind() == std::io::ErrorKind::AlreadyExists {
            Diagnostic::error(format!("{source} already exists")).with_hint(
                "folio new never writes over a file: pick another name, or edit that one",
            )
        } else {
            d
        }));
    }
    Ok(Created {
        url: format!(
            "{}{}",
            config.base_path(),
            crate::route::output_dir(&source, None)
        ),
        source,
        to_fill,
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
}
