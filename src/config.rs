//! Site configuration from `folio.toml`.
//!
//! Parsing is pure ([`Config::parse`]); reading the file happens in the build
//! driver. Unknown keys are kept out of the typed config and reported as
//! warnings with their line, so a typo (`tilte = ...`) is noticed.

use serde::Deserialize;

use crate::diagnostic::{closest, line_col, Diagnostic};

/// The name of the site configuration file at the site root.
pub const CONFIG_FILE: &str = "folio.toml";

const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "direction",
    "theme",
    "edit_url",
    "search_text",
    "paginate_by",
    "strings",
    "extra",
    "schema",
];

/// Validated site configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// One-line description of the site.
    pub description: String,
    /// Absolute base URL, always ending in `/` (e.g. `https://x.org/handbook/`).
    pub base_url: String,
    /// Language code for `<html lang>`.
    pub language: String,
    /// Which way the text runs, for `<html dir>`: `direction` in
    /// folio.toml, else the language's (see [`crate::strings::Direction`]).
    pub direction: crate::strings::Direction,
    /// Theme name (`themes/<name>/`, or the embedded `handbook`).
    pub theme: String,
    /// Prefix that, followed by a page's source path, edits it (e.g. on GitHub).
    pub edit_url: Option<String>,
    /// Whether the search index holds the words of each page's text, not
    /// only titles, headings and descriptions (see [`crate::render::search`]).
    pub search_text: bool,
    /// How many pages one page of a listing (a section's, a tag's) shows,
    /// when its template reads `paginator`; 0 shows them all on one
    /// (see [`crate::render::pager`]).
    pub paginate_by: usize,
    /// The words readers see, in `language`, with `[strings]` over them
    /// (see [`crate::strings`]).
    pub strings: crate::strings::Strings,
    /// Free-form values for templates.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Front matter rules (`[[schema]]`).
    pub schema: Vec<crate::schema::SchemaRule>,
}

#[derive(Debug, Deserialize)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    direction: Option<String>,
    theme: Option<String>,
    edit_url: Option<String>,
    search_text: Option<bool>,
    paginate_by: Option<usize>,
    #[serde(default)]
    strings: toml::Table,
    #[serde(default)]
    extra: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    schema: Vec<crate::schema::SchemaRule>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Handbook".into(),
            description: String::new(),
            base_url: "/".into(),
            language: "en".into(),
            direction: crate::strings::Direction::Ltr,
            theme: "handbook".into(),
            edit_url: None,
            search_text: true,
            paginate_by: 0,
            strings: crate::strings::Strings::english(),
            extra: serde_json::Map::new(),
            schema: Vec::new(),
        }
    }
}

impl Config {
    /// Parses `folio.toml` text. Returns the config (defaults where the text
    /// is broken) and any problems found, located in the file.
    pub fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let table: toml::Table = match toml::from_str(text) {
            Ok(t) => t,
            Err(e) => {
                let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
                diags.push(
                    Diagnostic::error(format!("folio.toml is not valid TOML: {}", e.message()))
                        .in_file(CONFIG_FILE)
                        .at(text, line, col),
                );
                return (Config::default(), diags);
            }
        };
        for key in table.keys().filter(|k| !KNOWN_KEYS.contains(&k.as_str())) {
            let line = key_line(text, key);
            let mut d = Diagnostic::warning(format!("unknown key `{key}` in folio.toml"))
                .in_file(CONFIG_FILE)
                .at(text, line, 1);
            d = match closest(key, KNOWN_KEYS.iter().copied()) {
                Some(k) => d.with_hint(format!("did you mean `{k}`?")),
                None => d.with_hint("put free-form values under [extra]"),
            };
            diags.push(d);
        }
        for (key, value) in &table {
            let expected = match key.as_str() {
                "extra" => (!value.is_table()).then_some("a table ([extra])"),
                "strings" => (!value.is_table()).then_some("a table ([strings])"),
                "schema" => (!value.is_array()).then_some("a list of [[schema]] tables"),
                "search_text" => (!value.is_bool()).then_some("`true` or `false`"),
                "paginate_by" => (value.as_integer().is_none_or(|n| n < 0))
                    .then_some("a whole number of pages (0 for no pagination)"),
                k if KNOWN_KEYS.contains(&k) => (!value.is_str()).then_some("a quoted string"),
                _ => None,
            };
            if let Some(expected) = expected {
                diags.push(
                    Diagnostic::error(format!(
                        "`{key}` in folio.toml must be {expected}, not {}",
                        match value.as_integer() {
                            Some(n) => n.to_string(),
                            None => value.type_str().to_string(),
                        }
                    ))
                    .in_file(CONFIG_FILE)
                    .at(text, key_line(text, key), 1),
                );
            }
        }
        if diags.iter().any(Diagnostic::is_error) {
            return (Config::default(), diags);
        }
        let raw: RawConfig = match table.try_into() {
            Ok(r) => r,
            Err(e) => {
                let msg = e.message().to_string();
                let line = KNOWN_KEYS
                    .iter()
                    .find(|k| msg.contains(&format!("`{k}`")))
                    .map_or(1, |k| key_line(text, k));
                diags.push(
                    Diagnostic::error(format!("folio.toml: {msg}"))
                        .in_file(CONFIG_FILE)
                        .at(text, line, 1),
                );
                return (Config::default(), diags);
            }
        };
        if let Some(url) = raw.edit_url.as_deref().map(str::trim) {
            if !url.contains("://") && !url.starts_with('/') && !url.is_empty() {
                diags.push(
                    Diagnostic::warning(format!(
                        "`edit_url` `{url}` has no scheme: each page's edit link would lead to a path of this site"
                    ))
                    .in_file(CONFIG_FILE)
                    .at(text, key_line(text, "edit_url"), 1)
                    .with_hint(format!("write `https://{url}`")),
                );
            }
        }
        let language = raw.language.as_deref().unwrap_or("en");
        let (strings, d) = crate::strings::Strings::for_language(language, &raw.strings, text);
        diags.extend(d);
        let mut direction = crate::strings::Direction::of(language);
        if let Some(written) = raw.direction.as_deref() {
            match crate::strings::Direction::parse(written) {
                Some(d) => direction = d,
                None => diags.push(
                    Diagnostic::error(format!(
                        "`direction` is `{written}`: it must be \"ltr\" (left to right) or \"rtl\" \
                         (right to left)"
                    ))
                    .in_file(CONFIG_FILE)
                    .at(text, key_line(text, "direction"), 1)
                    .with_hint(format!(
                        "leave it out to follow `language` (\"{language}\" runs {})",
                        direction.described()
                    )),
                ),
            }
        }
        (Config::from_raw(raw, strings, direction), diags)
    }

    fn from_raw(
        raw: RawConfig,
        strings: crate::strings::Strings,
        direction: crate::strings::Direction,
    ) -> Config {
        let d = Config::default();
        Config {
            strings,
            direction,
            title: raw.title.unwrap_or(d.title),
            description: raw.description.unwrap_or_default(),
            base_url: raw.base_url.map_or(d.base_url, |u| normalize_base_url(&u)),
            language: raw.language.unwrap_or(d.language),
            theme: raw.theme.unwrap_or(d.theme),
            edit_url: raw.edit_url,
            search_text: raw.search_text.unwrap_or(d.search_text),
            paginate_by: raw.paginate_by.unwrap_or(d.paginate_by),
            extra: raw.extra,
            schema: raw.schema,
        }
    }

    /// The path part of `base_url`, starting and ending with `/`
    /// (`/handbook/` for `https://x.org/handbook/`). Every URL folio writes
    /// starts with it.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }

    /// True when `base_url` is a `file://` URL: the site is read from
    /// disk, where a browser lists a folder instead of opening its
    /// `index.html`, so folder URLs name the file (see
    /// [`crate::route::folder_url`]).
    pub fn read_from_disk(&self) -> bool {
        self.base_url
            .get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("file://"))
    }
}

/// A problem with a `base_url` as written (`example.com` with no scheme
/// would put every page under `/example.com/`), not yet tied to where it
/// was written.
pub fn base_url_problem(url: &str) -> Option<Diagnostic> {
    let url = url.trim();
    if url.chars().any(char::is_whitespace) {
        return Some(
            Diagnostic::error(format!("`base_url` `{url}` contains a space"))
                .with_hint("write a space as `%20`, or use a path without spaces"),
        );
    }
    // Pages' URLs are the base URL with their paths after it: a query or
    // fragment would land in the middle of every one (`/docs?x=1/page/`).
    if let Some(at) = url.find(['?', '#']) {
        let extra = &url[at..];
        let what = if extra.starts_with('?') {
            "a query"
        } else {
            "a fragment"
        };
        return Some(
            Diagnostic::error(format!(
                "`base_url` `{url}` has {what} (`{extra}`): every page's URL would have it in its middle"
            ))
            .with_hint(format!(
                "write the site's address without it: `{}/`",
                url[..at].trim_end_matches('/')
            )),
        );
    }
    if let Some(i) = url.find("://") {
        let scheme = url[..i].to_ascii_lowercase();
        let host = url[i + 3..].split('/').next().unwrap_or("");
        if let Some((_, bare)) = host.rsplit_once('@').filter(|_| scheme != "file") {
            return Some(
                Diagnostic::error(format!(
                    "`base_url` `{url}` has a user name in it: every page's permalink and social \
                     metadata would show it"
                ))
                .with_hint(format!(
                    "write `{scheme}://{bare}{}`, and keep any password out of folio.toml",
                    &url[i + 3 + host.len()..]
                )),
            );
        }
        return match scheme.as_str() {
            "http" | "https" if host.is_empty() => Some(
                Diagnostic::error(format!("`base_url` `{url}` has no host name"))
                    .with_hint("write it as `https://example.com/` (or `/` for any host)"),
            ),
            "http" | "https" | "file" => None,
            _ => Some(
                Diagnostic::warning(format!(
                    "`base_url` `{url}` starts with `{scheme}://`, which browsers do not open sites from"
                ))
                .with_hint("use `https://`, `http://`, or `file://` for a site read from disk"),
            ),
        };
    }
    if let Some(host_and_path) = url.strip_prefix("//") {
        return Some(
            Diagnostic::error(format!(
                "`base_url` `{url}` has no scheme: folio would read it as a path"
            ))
            .with_hint(format!("write `https://{host_and_path}`")),
        );
    }
    if url.starts_with('/') {
        return None;
    }
    let first = url.split('/').next().unwrap_or("");
    let path = url.trim_end_matches('/');
    Some(if first.contains(['.', ':']) || first == "localhost" {
        Diagnostic::error(format!(
            "`base_url` is `{url}`, with no scheme: every URL would start with `/{path}/`"
        ))
        .with_hint(format!(
            "write `https://{path}/` (or a path such as `/handbook/` for any host)"
        ))
    } else {
        Diagnostic::warning(format!(
            "`base_url` `{url}` does not start with `/` or a scheme; it is read as the path `/{path}/`"
        ))
        .with_hint(format!(
            "write `/{path}/`, or the site's full URL (`https://example.com/{path}/`)"
        ))
    })
}

/// [`base_url_problem`] for the `base_url` of `folio.toml`, whose text is
/// `text`, at its line.
pub fn base_url_in_file(text: &str, config: &Config) -> Option<Diagnostic> {
    let written = config.base_url.trim_end_matches('/');
    let written = if written.is_empty() { "/" } else { written };
    base_url_problem(written).map(|d| {
        d.in_file(CONFIG_FILE)
            .at(text, key_line(text, "base_url"), 1)
    })
}

/// Ensures a base URL ends with exactly one `/`.
pub fn normalize_base_url(url: &str) -> String {
    format!("{}/", url.trim().trim_end_matches('/'))
}

fn base_path_of(base_url: &str) -> String {
    let after_scheme = match base_url.find("://") {
        Some(i) => &base_url[i + 3..],
        None => return normalize_base_url(&format!("/{}", base_url.trim_start_matches('/'))),
    };
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    normalize_base_url(path)
}

/// The line of a top-level `key` (or `[key]` table) in folio.toml's text;
/// 1 when it is not there.
pub(crate) fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
                || l.starts_with(&format!("[{key}]"))
        })
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_gives_defaults() {
        let (c, d) = Config::parse("");
        assert!(d.is_empty());
        assert_eq!(c, Config::default());
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn base_path_honours_subpath() {
        let (c, _) = Config::parse("base_url = \"https://example.com/handbook\"\n");
        assert_eq!(c.base_url, "https://example.com/handbook/");
        assert_eq!(c.base_path(), "/handbook/");
        assert_eq!(
            crate::route::folder_url(&c.base_path(), "", c.read_from_disk()),
            "/handbook/"
        );
        assert!(!c.read_from_disk());
    }

    #[test]
    fn file_urls_name_the_home_page_file() {
        for url in [
            "file:///srv/handbook/public",
            "FILE:///srv/handbook/public/",
        ] {
            let (c, _) = Config::parse(&format!("base_url = \"{url}\"\n"));
            assert!(c.read_from_disk(), "{url}");
            assert_eq!(c.base_path(), "/srv/handbook/public/");
            assert_eq!(
                crate::route::folder_url(&c.base_path(), "", c.read_from_disk()),
                "/srv/handbook/public/index.html"
            );
        }
        for url in ["/", "http://127.0.0.1:1111/", "files/"] {
            let (c, _) = Config::parse(&format!("base_url = \"{url}\"\n"));
            assert!(!c.read_from_disk(), "{url}");
        }
    }

    #[test]
    fn the_direction_follows_the_language_unless_written() {
        use crate::strings::Direction;
        let (c, diags) = Config::parse("language = \"he\"\n");
        assert_eq!((c.direction, diags.len()), (Direction::Rtl, 0));
        let (c, _) = Config::parse("title = \"x\"\n");
        assert_eq!(c.direction, Direction::Ltr);
        // An Arabic site with its own words, and an English one written
        // right to left on purpose.
        let (c, _) = Config::parse("language = \"ar\"\n[strings]\nnext = \"التالي\"\n");
        assert_eq!(c.direction, Direction::Rtl);
        let (c, diags) = Config::parse("language = \"en\"\ndirection = \"RTL\"\n");
        assert_eq!((c.direction, diags.len()), (Direction::Rtl, 0));
        let (c, diags) = Config::parse("language = \"he\"\ndirection = \"ltr\"\n");
        assert_eq!((c.direction, diags.len()), (Direction::Ltr, 0));
        // A value HTML does not know is an error at its line, and the
        // build goes on with the language's direction.
        let (c, diags) = Config::parse("title = \"x\"\nlanguage = \"he\"\ndirection = \"right\"\n");
        assert_eq!(c.direction, Direction::Rtl);
        assert_eq!(diags.len(), 1);
        let told = diags[0].to_string();
        assert!(diags[0].is_error());
        assert!(told.contains("folio.toml:3:1"), "{told}");
        assert!(
            told.contains("`direction` is `right`: it must be \"ltr\" (left to right) or \"rtl\""),
            "{told}"
        );
        assert!(
            told.contains("leave it out to follow `language` (\"he\" runs right to left)"),
            "{told}"
        );
    }

    #[test]
    fn a_base_url_that_would_misplace_the_site_is_reported() {
        let problem = |url: &str| {
            base_url_problem(url).map(|d| (d.is_error(), d.message, d.hint.unwrap_or_default()))
        };
        for fine in [
            "/",
            "/handbook/",
            "https://example.com/",
            "http://127.0.0.1:1111/a/",
            "file:///srv/public/",
            "HTTPS://EXAMPLE.COM",
        ] {
            assert_eq!(problem(fine), None, "{fine}");
        }
        let (error, message, hint) = problem("example.com/docs").unwrap();
        assert!(error);
        assert_eq!(
            message,
            "`base_url` is `example.com/docs`, with no scheme: every URL would start with `/example.com/docs/`"
        );
        assert!(
            hint.starts_with("write `https://example.com/docs/`"),
            "{hint}"
        );
        for error in [
            "localhost:1111",
            "https:///x/",
            "http://x.org/a b/",
            "//x.org/docs/",
        ] {
            assert!(problem(error).unwrap().0, "{error}");
        }
        let (error, message, hint) = problem("https://example.com/docs?lang=en").unwrap();
        assert!(error);
        assert_eq!(
            message,
            "`base_url` `https://example.com/docs?lang=en` has a query (`?lang=en`): every \
             page's URL would have it in its middle"
        );
        assert_eq!(
            hint,
            "write the site's address without it: `https://example.com/docs/`"
        );
        let (_, message, _) = problem("/docs/#top").unwrap();
        assert!(message.contains("has a fragment (`#top`)"), "{message}");
        let (error, message, hint) = problem("https://ana:secret@example.com/docs").unwrap();
        assert!(
            error && message.contains("has a user name in it"),
            "{message}"
        );
        assert_eq!(
            hint,
            "write `https://example.com/docs`, and keep any password out of folio.toml"
        );
        for warning in ["handbook", "ftp://x.org/"] {
            assert!(!problem(warning).unwrap().0, "{warning}");
        }
        // In folio.toml: at its line, with the value as written.
        let text = "title = \"A\"\nbase_url = \"example.com\"\n";
        let (config, d) = Config::parse(text);
        assert!(d.is_empty());
        let d = base_url_in_file(text, &config).unwrap();
        assert_eq!((d.file.as_deref(), d.line), (Some("folio.toml"), 2));
        assert!(d.message.contains("`example.com`"), "{}", d.message);
    }

    #[test]
    fn an_edit_url_without_scheme_warns() {
        let (c, d) = Config::parse("edit_url = \"github.com/o/r/edit/main/\"\n");
        assert_eq!(c.edit_url.as_deref(), Some("github.com/o/r/edit/main/"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(!d[0].is_error() && d[0].line == 1);
        assert_eq!(
            d[0].hint.as_deref(),
            Some("write `https://github.com/o/r/edit/main/`")
        );
        let (_, d) = Config::parse("edit_url = \"https://github.com/o/r/edit/main/\"\n");
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn unknown_key_warns_with_line_and_suggestion() {
        let (_, d) = Config::parse("title = \"A\"\ntilte = \"B\"\n");
        assert_eq!(d.len(), 1);
        assert!(!d[0].is_error());
        assert_eq!(d[0].line, 2);
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn paginate_by_is_a_whole_number_and_off_by_default() {
        assert_eq!(Config::parse("").0.paginate_by, 0);
        let (c, d) = Config::parse("paginate_by = 20\n");
        assert!(c.paginate_by == 20 && d.is_empty(), "{d:?}");
        for bad in ["-1", "\"20\"", "2.5"] {
            let (c, d) = Config::parse(&format!("title = \"T\"\npaginate_by = {bad}\n"));
            assert_eq!(c.paginate_by, 0);
            assert!(
                d.len() == 1
                    && d[0].is_error()
                    && d[0].line == 2
                    && d[0]
                        .message
                        .contains("`paginate_by` in folio.toml must be a whole number"),
                "{bad}: {d:?}"
            );
        }
    }

    #[test]
    fn search_text_is_on_unless_turned_off_with_a_boolean() {
        assert!(Config::parse("").0.search_text);
        let (c, d) = Config::parse("search_text = false\n");
        assert!(!c.search_text && d.is_empty(), "{d:?}");
        let (_, d) = Config::parse("title = \"A\"\nsearch_text = \"no\"\n");
        assert!(d[0].is_error(), "{d:?}");
        assert_eq!(d[0].line, 2);
        assert!(
            d[0].message.contains("must be `true` or `false`"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn wrong_type_and_bad_syntax_are_errors_with_lines() {
        let (_, d) = Config::parse("title = \"A\"\ntheme = 3\n");
        assert!(d[0].is_error(), "{d:?}");
        assert_eq!(d[0].line, 2);
        let (_, d) = Config::parse("title = \"A\"\nbase_url = \n");
        assert!(d[0].is_error());
        assert_eq!(d[0].line, 2);
    }
}
