//! Themes: where templates and theme assets come from.
//!
//! A theme is `themes/<name>/` with `templates/` and `static/`; the
//! `handbook` theme is also compiled into the binary, so a folder with only
//! `content/` builds. Site templates in `templates/` override the theme's
//! by file name, using Tera 2's fallback prefixes: theme templates are
//! registered as `theme/<name>` and found when no site template has that
//! name, including through `{% extends %}` and `{% include %}`.

use std::collections::HashMap;
use std::path::PathBuf;

use tera::{ErrorKind, Kwargs, State, Tera, Value};

use crate::diagnostic::{closest, Diagnostic};

/// Prefix under which theme templates are registered.
pub const THEME_PREFIX: &str = "theme/";

/// The name of the theme built into folio.
pub const EMBEDDED_THEME: &str = "handbook";

/// One template's text and where it came from.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Template name (`page.html`).
    pub name: String,
    /// Path shown in diagnostics (`themes/handbook/templates/page.html`).
    pub display_path: String,
    /// Template text.
    pub text: String,
}

/// Bytes of a theme asset.
#[derive(Debug, Clone)]
pub enum AssetData {
    /// Compiled into the binary.
    Embedded(&'static [u8]),
    /// Read into memory (stylesheets and scripts, which get fingerprinted).
    Owned(Vec<u8>),
    /// A file on disk.
    File(PathBuf),
}

impl AssetData {
    /// The bytes held in memory (`None` for a file on disk).
    pub fn in_memory(&self) -> Option<&[u8]> {
        match self {
            AssetData::Embedded(b) => Some(b),
            AssetData::Owned(b) => Some(b),
            AssetData::File(_) => None,
        }
    }
}

/// A theme asset and its path relative to the output root.
#[derive(Debug, Clone)]
pub struct ThemeAsset {
    /// Path inside the theme's `static/` (`folio.css`); templates use it as key.
    pub rel: String,
    /// Output-relative path: stylesheets and scripts carry a content hash
    /// (`folio.3f2a91c0.css`) so browsers may cache them for good.
    pub out_rel: String,
    /// Where its bytes come from.
    pub data: AssetData,
}

/// A theme's templates and static files.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Templates, by name.
    pub templates: Vec<TemplateSource>,
    /// Files copied to the output root.
    pub assets: Vec<ThemeAsset>,
}

macro_rules! embedded_templates {
    ($($name:literal),*) => {
        &[$(($name, include_str!(concat!("../../themes/handbook/templates/", $name)))),*]
    };
}

macro_rules! embedded_assets {
    ($($name:literal),*) => {
        &[$(($name, include_bytes!(concat!("../../themes/handbook/static/", $name)))),*]
    };
}

const HANDBOOK_TEMPLATES: &[(&str, &str)] = embedded_templates!(
    "base.html",
    "page.html",
    "section.html",
    "index.html",
    "404.html",
    "nav.html",
    "pager.html",
    "tags.html"
);
const HANDBOOK_ASSETS: &[(&str, &[u8])] =
    embedded_assets!("favicon.svg", "folio.css", "folio.js", "search.js");

/// The `handbook` theme compiled into the binary.
pub fn embedded_theme() -> Theme {
    Theme {
        templates: HANDBOOK_TEMPLATES
            .iter()
            .map(|(name, text)| TemplateSource {
                name: (*name).to_string(),
                display_path: format!("themes/{EMBEDDED_THEME}/templates/{name} (built in)"),
                text: (*text).to_string(),
            })
            .collect(),
        assets: HANDBOOK_ASSETS
            .iter()
            .map(|(name, data)| {
                let (out_rel, data) = match for_readers(name, data) {
                    Some(compacted) => {
                        (fingerprinted(name, &compacted), AssetData::Owned(compacted))
                    }
                    None => (fingerprinted(name, data), AssetData::Embedded(data)),
                };
                ThemeAsset {
                    rel: (*name).to_string(),
                    out_rel,
                    data,
                }
            })
            .collect(),
    }
}

impl ThemeAsset {
    /// An asset from a file; stylesheets and scripts are read now so their
    /// names can carry a content hash.
    pub fn from_file(rel: String, path: PathBuf) -> std::io::Result<ThemeAsset> {
        if is_fingerprinted(&rel) {
            let bytes = std::fs::read(&path)?;
            let bytes = for_readers(&rel, &bytes).unwrap_or(bytes);
            Ok(ThemeAsset {
                out_rel: fingerprinted(&rel, &bytes),
                rel,
                data: AssetData::Owned(bytes),
            })
        } else {
            Ok(ThemeAsset {
                out_rel: rel.clone(),
                rel,
                data: AssetData::File(path),
            })
        }
    }
}

impl Theme {
    /// Writes `strings` into each script that asks for them (see
    /// [`crate::strings::SCRIPT_MARKER`]); its name's hash follows. Only
    /// the words some script of the theme names in quotes
    /// (`word("copy")`) are written: every page loads the script, and
    /// most words are the templates'.
    pub fn with_strings(mut self, strings: &crate::strings::Strings) -> Theme {
        let marker = crate::strings::SCRIPT_MARKER.as_bytes();
        let marker_at = |bytes: &[u8]| memchr::memmem::find(bytes, marker);
        let scripts = || {
            self.assets
                .iter()
                .filter(|a| a.rel.ends_with(".js"))
                .filter_map(|a| a.data.in_memory())
        };
        if !scripts().any(|b| marker_at(b).is_some()) {
            return self;
        }
        let named: std::collections::HashSet<&str> = scripts().flat_map(quoted_names).collect();
        let json = strings.to_json(|key| named.contains(key));
        for asset in &mut self.assets {
            let Some(bytes) = asset.data.in_memory() else {
                continue;
            };
            let Some(at) = marker_at(bytes) else {
                continue;
            };
            let mut written = Vec::with_capacity(bytes.len() + 4096);
            written.extend_from_slice(&bytes[..at]);
            written.extend_from_slice(json.as_bytes());
            written.extend_from_slice(&bytes[at + marker.len()..]);
            asset.out_rel = fingerprinted(&asset.rel, &written);
            asset.data = AssetData::Owned(written);
        }
        self
    }

    /// `rel` → URL for every asset, the `assets` map templates receive
    /// (`{{ assets["folio.css"] }}`): its hashed name, or while previewing
    /// its plain name (a stylesheet edit must not change every page's
    /// HTML).
    pub fn asset_urls(
        &self,
        base_path: &str,
        preview: bool,
    ) -> std::collections::BTreeMap<String, String> {
        self.assets
            .iter()
            .map(|a| {
                let name = if preview { &a.rel } else { &a.out_rel };
                (a.rel.clone(), format!("{base_path}{name}"))
            })
            .collect()
    }
}

/// The names a script writes in quotes (`"copy"`, `'next'`): runs of
/// ASCII letters, digits, `_` and `-` between two of the same quote.
fn quoted_names(script: &[u8]) -> impl Iterator<Item = &str> {
    script.iter().enumerate().filter_map(|(at, &quote)| {
        if !matches!(quote, b'"' | b'\'' | b'`') {
            return None;
        }
        let rest = &script[at + 1..];
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
            .count();
        (len > 0 && rest.get(len) == Some(&quote))
            .then(|| std::str::from_utf8(&rest[..len]).ok())
            .flatten()
    })
}

/// A stylesheet or script as readers get it (see the `stylesheet` and
/// `script` modules); `None` for other files, and for a script that
/// cannot be compacted safely, which are written as they are.
pub fn for_readers(rel: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    if rel.ends_with(".css") {
        Some(super::stylesheet::compact(bytes))
    } else if rel.ends_with(".js") {
        super::script::compact(bytes)
    } else {
        None
    }
}

fn is_fingerprinted(rel: &str) -> bool {
    rel.ends_with(".css") || rel.ends_with(".js")
}

/// `folio.css` → `folio.<hash>.css` for stylesheets and scripts.
pub fn fingerprinted(rel: &str, bytes: &[u8]) -> String {
    if !is_fingerprinted(rel) {
        return rel.to_string();
    }
    // FNV-1a: tiny, and stable across Rust versions (unlike DefaultHasher).
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    match rel.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{:08x}.{ext}", hash as u32),
        None => rel.to_string(),
    }
}

/// Compiled templates, with their sources kept for error messages.
pub struct Templates {
    /// The Tera instance, with site templates over theme templates.
    pub tera: Tera,
    paths: HashMap<String, Shown>,
    /// Names (as requested) of templates that read `nav`.
    nav_users: std::collections::HashSet<String>,
    /// Names of templates that show the sidebar written once per section
    /// (see [`SECTION_NAV_VAR`]).
    section_nav_users: std::collections::HashSet<String>,
    /// Names of templates that read `paginator` (see [`super::pager`]).
    paginator_users: std::collections::HashSet<String>,
}

/// A template as written, for messages: its path, its text, and where
/// folding the globals in moved its columns (see [`super::fold`]).
#[derive(Debug, Clone)]
struct Shown {
    path: String,
    text: String,
    shifts: Vec<super::fold::Shift>,
}

impl Shown {
    /// A diagnostic at `line`:`col` of the compiled template, placed at
    /// the column as written.
    fn place(&self, d: Diagnostic, line: usize, col: usize) -> Diagnostic {
        let col = super::fold::written_col(&self.shifts, line, col);
        d.in_file(self.path.clone()).at(&self.text, line, col)
    }
}

/// The variable a page's sidebar is printed from, when the site uses the
/// built-in theme's sidebar (`nav.html`) unchanged.
///
/// That sidebar lists ~120 links on a large site and was half the time
/// of a build with the default theme when every page rendered it. Its
/// markup differs between the pages of one section only in the
/// ` aria-current="page"` after the current page's link, so folio writes
/// it once per section with no link current and copies it into each page
/// with that attribute added (see the `sidebar` module); `nav.html` itself
/// becomes a template that prints this variable. Output is byte-for-byte
/// the same (a test renders sites both ways).
pub const SECTION_NAV_VAR: &str = "__folio_section_nav";

/// The built-in `nav.html`.
const HANDBOOK_NAV: &str = include_str!("../../themes/handbook/templates/nav.html");

impl Templates {
    /// Compiles theme and site templates. Every template with a syntax
    /// error is reported, not only the first.
    /// The globals are written into them where they can be (see
    /// [`super::fold`]) and given to Tera for the rest.
    pub fn compile(
        theme: &Theme,
        site: &[TemplateSource],
        globals: &super::Globals,
    ) -> Result<Templates, Vec<Diagnostic>> {
        Self::compile_with(theme, site, globals, true)
    }

    /// [`Templates::compile`], choosing whether the built-in sidebar may be
    /// rendered once per section (tests compare both ways).
    pub fn compile_with(
        theme: &Theme,
        site: &[TemplateSource],
        globals: &super::Globals,
        allow_section_nav: bool,
    ) -> Result<Templates, Vec<Diagnostic>> {
        let mut paths = HashMap::new();
        let mut named: Vec<(String, &TemplateSource)> = Vec::new();
        // The built-in nav.html, unchanged and not overridden by the site,
        // is replaced by a template printing the per-section sidebar.
        let printer = theme
            .templates
            .iter()
            .find(|t| t.name == "nav.html" && t.text == HANDBOOK_NAV)
            .filter(|_| allow_section_nav && !site.iter().any(|t| t.name == "nav.html"))
            .map(|t| TemplateSource {
                // Already a safe string: printed without a filter's copy.
                text: format!("{{{{ {SECTION_NAV_VAR} }}}}"),
                ..t.clone()
            });
        let section_nav = printer.is_some();
        for t in &theme.templates {
            match &printer {
                Some(printer) if t.name == "nav.html" => {
                    named.push((format!("{THEME_PREFIX}{}", t.name), printer));
                }
                _ => named.push((format!("{THEME_PREFIX}{}", t.name), t)),
            }
        }
        for t in site {
            named.push((t.name.clone(), t));
        }
        for (name, t) in &named {
            let shown = Shown {
                path: t.display_path.clone(),
                text: t.text.clone(),
                shifts: Vec::new(),
            };
            paths.insert(name.clone(), shown);
        }
        let mut diags = Vec::new();
        for (name, t) in &named {
            let mut alone = Tera::new();
            if let Err(e) = alone.add_raw_template(name, &t.text) {
                if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                    diags.extend(template_error(&paths, &e, None, None));
                }
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let mut tera = Tera::new();
        tera.register_filter("safe", safe);
        tera.register_filter("fill", fill_filter(globals.config.language.clone()));
        tera.register_filter(
            "local_date",
            local_date_filter(globals.config.strings.clone()),
        );
        tera.set_fallback_prefixes([THEME_PREFIX])
            .map_err(|e| vec![Diagnostic::error(e.to_string())])?;
        // Syntax errors were found above in the text as written; the
        // globals are folded in now.
        let values = globals.values();
        let names: Vec<&str> = values.keys().map(String::as_str).collect();
        let foldable = !named
            .iter()
            .any(|(_, t)| super::fold::declares(&t.text, &names));
        let mut compiled: Vec<(&str, std::borrow::Cow<'_, str>)> = Vec::new();
        for (name, t) in &named {
            let escape = [".html", ".htm", ".xml"].iter().any(|s| name.ends_with(s));
            match super::fold::fold(&t.text, &values, escape).filter(|_| foldable) {
                Some((text, shifts)) => {
                    if let Some(shown) = paths.get_mut(name) {
                        shown.shifts = shifts;
                    }
                    compiled.push((name, text.into()));
                }
                None => compiled.push((name, t.text.as_str().into())),
            }
        }
        tera.add_raw_templates(compiled.iter().map(|(n, t)| (*n, t.as_ref())))
            .map_err(|e| template_error(&paths, &e, None, None))?;
        globals.set(&mut tera);
        let mut templates = Templates {
            tera,
            paths,
            nav_users: Default::default(),
            section_nav_users: Default::default(),
            paginator_users: Default::default(),
        };
        templates.nav_users = templates.users_of("nav");
        templates.paginator_users = templates.users_of("paginator");
        if section_nav {
            templates.section_nav_users = templates.users_of(SECTION_NAV_VAR);
        }
        Ok(templates)
    }

    /// Whether the site's words were written into template `name` (its
    /// registered name, `theme/page.html`).
    #[cfg(test)]
    pub fn folded(&self, name: &str) -> bool {
        self.paths.get(name).is_some_and(|s| !s.shifts.is_empty())
    }

    /// Names (as requested, with or without the theme prefix) of the
    /// templates that may read the top-level variable `var`.
    fn users_of(&self, var: &str) -> std::collections::HashSet<String> {
        self.tera
            .get_template_names()
            .flat_map(|n| {
                [
                    n.to_string(),
                    n.trim_start_matches(THEME_PREFIX).to_string(),
                ]
            })
            .filter(|n| self.uses_variable(n, var))
            .collect()
    }

    /// True if the template shows the built-in sidebar written once per
    /// section, which it expects in [`SECTION_NAV_VAR`].
    pub fn uses_section_nav(&self, name: &str) -> bool {
        self.section_nav_users.contains(name)
    }

    /// True if the template (with its parents and includes) may read the
    /// top-level variable `var`; lets the renderer skip building values a
    /// theme never shows (the corpus templates, for one, have no `nav`).
    pub fn uses_variable(&self, name: &str, var: &str) -> bool {
        self.tera
            .get_template_variables(name)
            .map_or(true, |vars| vars.contains(var))
    }

    /// True if the template reads `nav`, which is costly to build and
    /// skipped for templates that never show it.
    pub fn uses_nav(&self, name: &str) -> bool {
        self.nav_users.contains(name)
    }

    /// True if the template reads `paginator`: only then is a list it
    /// renders cut into pages.
    pub fn uses_paginator(&self, name: &str) -> bool {
        self.paginator_users.contains(name)
    }

    /// True if the site's own `templates/` has this template.
    pub fn has_site(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// True if the site's own `templates/` has this template and it builds
    /// on no other (no `{% extends %}`): a layout of the site's own. (Only
    /// the site's templates are in `paths` under their plain names; the
    /// theme's carry its prefix.)
    pub fn stands_alone(&self, name: &str) -> bool {
        self.paths.get(name).is_some_and(|Shown { text, .. }| {
            !text.match_indices("{%").any(|(i, _)| {
                text[i + 2..]
                    .trim_start_matches('-')
                    .trim_start()
                    .starts_with("extends")
            })
        })
    }

    /// True if a template of this name exists in the site or the theme.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// The names a page's `template` key may give: the site's templates
    /// and the theme's, by plain name, sorted, each once.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .tera
            .get_template_names()
            .map(|n| n.strip_prefix(THEME_PREFIX).unwrap_or(n))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Diagnostics for a Tera error, naming the page being rendered.
    pub fn error(&self, e: &tera::Error, rendering: Option<&str>) -> Vec<Diagnostic> {
        template_error(&self.paths, e, rendering, None)
    }

    /// [`Templates::error`] for an error rendering `rendering` with
    /// `context`: a name missing from it (`page.tagz`) gets the closest one
    /// it has (`page.tags`).
    pub fn render_error(
        &self,
        e: &tera::Error,
        rendering: &str,
        context: &tera::Context,
    ) -> Vec<Diagnostic> {
        template_error(&self.paths, e, Some(rendering), Some(context))
    }
}

/// The `local_date` filter for the site's words: `{{ page.updated |
/// local_date }}` writes `2026-11-28` out as the language does ("November
/// 28, 2026"); text that is no date is printed as it is (see
/// [`crate::strings::Strings::long_date`]), and no date at all (a page
/// without `updated`) as nothing.
pub fn local_date_filter(
    strings: crate::strings::Strings,
) -> impl Fn(Value, Kwargs, &State) -> String + Send + Sync + 'static {
    move |date: Value, _: Kwargs, _: &State| match date.as_str() {
        Some(date) => strings.long_date(date).unwrap_or_else(|| date.to_string()),
        None if date.is_none() || date.is_undefined() => String::new(),
        None => date.to_string(),
    }
}

/// The `fill` filter for `language`: `{{ site.strings.page_count |
/// fill(count=n) }}` (see [`crate::strings::fill`]).
pub fn fill_filter(
    language: String,
) -> impl Fn(&str, Kwargs, &State) -> String + Send + Sync + 'static {
    move |word: &str, kwargs: Kwargs, _: &State| {
        let count = kwargs
            .get::<Value>("count")
            .ok()
            .flatten()
            .and_then(|v| v.as_i64());
        crate::strings::fill(word, &language, count, |name| {
            let value = kwargs.get::<Value>(name).ok().flatten()?;
            Some(match value.as_str() {
                Some(text) => std::borrow::Cow::Owned(text.to_string()),
                None => std::borrow::Cow::Owned(value.to_string()),
            })
        })
    }
}

/// Tera's `safe` filter without its copy: a string (a page's whole
/// content, for one) is only marked safe; anything else is printed first,
/// as Tera's own filter does.
fn safe(value: Value, _: Kwargs, _: &State) -> Value {
    if value.is_string() {
        value.mark_safe()
    } else {
        Value::safe_string(&value.to_string())
    }
}

fn template_error(
    paths: &HashMap<String, Shown>,
    e: &tera::Error,
    rendering: Option<&str>,
    rendered_with: Option<&tera::Context>,
) -> Vec<Diagnostic> {
    let context = rendering
        .map(|p| format!(" (while rendering {p})"))
        .unwrap_or_default();
    let report = match e.kind() {
        ErrorKind::SyntaxError(r) => Some(("template syntax error", r)),
        ErrorKind::RenderingError(r) => Some(("template error", r)),
        _ => None,
    };
    let Some((what, report)) = report else {
        return message_errors(paths, e, &context);
    };
    let span = report.span();
    let d = Diagnostic::error(format!("{what}: {}{context}", report.message()));
    let d = match paths.get(report.filename()) {
        Some(shown) => shown.place(d, span.start_line, span.start_col + 1),
        None => d
            .in_file(report.filename().to_string())
            .at_line(span.start_line, span.start_col + 1),
    };
    // The name the error points at, as written (`page.tagz`).
    let named = d.source_line.as_deref().and_then(|line| {
        let caret = (d.source_column as usize).checked_sub(1)?;
        let from = line.char_indices().nth(caret)?.0;
        let name = &line[from..];
        let end = name
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(name.len());
        let name = &name[..end];
        name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            .then(|| name.trim_end_matches('.'))
    });
    let hint = template_hint(report.message(), named, rendered_with);
    vec![d.with_hint(hint)]
}

/// Whether a template error's message says a value is missing (Tera's
/// `undefined`, or `none` for a key present without a value).
fn message_says_missing(message: &str) -> bool {
    message.contains("`undefined`") || message.contains("`none`")
}

/// `name` (`page.tagz`) with its last part the closest key that `context`
/// has there (`page.tags`), when one is close and `name` itself is not
/// there.
fn closest_key(context: &tera::Context, name: &str) -> Option<String> {
    let (path, last) = name.rsplit_once('.')?;
    let mut parts = path.split('.');
    let mut value = context.get(parts.next()?)?;
    for part in parts {
        let map = value.as_map()?;
        value = map.iter().find(|(k, _)| k.as_str() == Some(part))?.1;
    }
    let keys = value.as_map()?.keys().filter_map(|k| k.as_str());
    let meant = closest(last, keys)?;
    (meant != last).then(|| format!("{path}.{meant}"))
}

/// The filters templates can call: Tera's own (`Tera::new` registers them)
/// and folio's, for "did you mean". A test checks that Tera knows each.
#[rustfmt::skip]
const FILTERS: &[&str] = &[
    "safe", "default", "upper", "lower", "wordcount", "escape", "escape_html", "escape_xml",
    "newlines_to_br", "pluralize", "trim", "trim_start", "trim_end", "replace", "capitalize",
    "title", "truncate", "indent", "str", "int", "float", "length", "reverse", "split", "abs",
    "round", "first", "last", "nth", "join", "sort", "unique", "get", "values", "keys", "pairs",
    "group_by", "fill", "local_date",
];

/// The tests templates can call (`x is odd`), as [`FILTERS`].
#[rustfmt::skip]
const TESTS: &[&str] = &[
    "string", "number", "map", "bool", "array", "integer", "float", "none", "iterable",
    "defined", "undefined", "odd", "even", "divisible_by", "starting_with", "ending_with",
    "containing",
];

/// The functions templates can call, as [`FILTERS`].
const FUNCTIONS: &[&str] = &["range", "throw"];

/// The hint for a template error whose message is `message`: the name
/// meant, when the message names a field, variable, filter, test or
/// function that does not exist and one close to it does, or when a value
/// is missing where `named` (the name the error points at) is read and
/// `rendered_with` (the page's context) has a key close to it; otherwise,
/// for a missing value, how to test for it first.
fn template_hint(
    message: &str,
    named: Option<&str>,
    rendered_with: Option<&tera::Context>,
) -> String {
    const FIX: &str = "fix the template; every page that uses it is affected";
    let quoted = |prefix: &str| {
        let rest = message.strip_prefix(prefix)?;
        Some(&rest[..rest.find('`')?])
    };
    let unknown = [
        ("Unknown filter `", FILTERS),
        ("Unknown test `", TESTS),
        ("Unknown function `", FUNCTIONS),
    ];
    let meant = if let Some((_, available)) = message.split_once(" is not defined. Available ") {
        // "Field `titel` is not defined. Available fields: a, b"
        let name = quoted("Field `").or_else(|| quoted("Variable `"));
        let available = available.split_once(": ").map_or("", |(_, list)| list);
        name.and_then(|name| closest(name, available.split(", ")))
            .map(str::to_string)
    } else {
        let unknown_name = unknown
            .iter()
            .find_map(|(prefix, names)| closest(quoted(prefix)?, names.iter().copied()));
        // `page.tagz`, read where the page has `page.tags`.
        let missing_key = || {
            let (name, context) = named.zip(rendered_with)?;
            message_says_missing(message).then(|| closest_key(context, name))?
        };
        unknown_name.map(str::to_string).or_else(missing_key)
    };
    if let Some(meant) = meant {
        return format!("did you mean `{meant}`? Every page that uses the template is affected");
    }
    match named {
        Some(name) if message_says_missing(message) => format!(
            "`{name}` has no value here: check its name, or test it first \
             (`{{% if {name} %}}…{{% endif %}}`)"
        ),
        _ => FIX.to_string(),
    }
}

/// Tera reports some problems (unknown filters, tests, functions) as
/// pre-formatted text, one `error:` block each with a `--> name:line:col`
/// line; turn each block into a diagnostic.
fn message_errors(
    paths: &HashMap<String, Shown>,
    e: &tera::Error,
    context: &str,
) -> Vec<Diagnostic> {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    let mut diags: Vec<Diagnostic> = Vec::new();
    for line in msg.lines() {
        let trimmed = line.trim_start();
        if let Some(text) = trimmed.strip_prefix("error: ") {
            diags.push(
                Diagnostic::error(format!("template error: {text}{context}"))
                    .with_hint(template_hint(text, None, None)),
            );
        } else if let (Some(loc), Some(last)) = (trimmed.strip_prefix("--> "), diags.last_mut()) {
            let mut parts = loc.rsplitn(3, ':');
            let col = parts
                .next()
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(0);
            let line_no = parts
                .next()
                .and_then(|l| l.parse::<usize>().ok())
                .unwrap_or(0);
            let name = parts.next().unwrap_or(loc);
            *last = match paths.get(name) {
                Some(shown) => shown.place(last.clone(), line_no, col),
                None => last.clone().in_file(name.to_string()).at_line(line_no, col),
            };
        }
    }
    if diags.is_empty() {
        diags.push(
            Diagnostic::error(format!("template error{context}: {msg}"))
                .with_hint("check the template names used in extends, include and `template:`"),
        );
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_finds_the_closest_one_the_context_has_there() {
        let mut context = tera::Context::new();
        let page = serde_json::json!({"tags": [], "title": "A", "extra": {"owner": "ops"}});
        context.insert("page", &page);
        assert_eq!(
            closest_key(&context, "page.tagz").as_deref(),
            Some("page.tags")
        );
        let owner = closest_key(&context, "page.extra.ownr");
        assert_eq!(owner.as_deref(), Some("page.extra.owner"));
        // Present, nothing close, no such path, or no path at all: none.
        for name in [
            "page.title",
            "page.colour",
            "page.nope.title",
            "section.tags",
            "page",
        ] {
            assert_eq!(closest_key(&context, name), None, "{name}");
        }
        // The hint, for a missing value read under a misspelt key.
        let missing = "Iteration not possible on type `undefined`";
        let hint = template_hint(missing, Some("page.tagz"), Some(&context));
        assert!(hint.starts_with("did you mean `page.tags`?"), "{hint}");
    }

    #[test]
    fn tera_knows_every_name_a_hint_may_suggest() {
        let mut tera = Tera::new();
        tera.register_filter("fill", fill_filter("en".into()));
        tera.register_filter("local_date", local_date_filter(Default::default()));
        let compiles = |tera: &mut Tera, text: String| tera.add_raw_template("t", &text).is_ok();
        for name in FILTERS {
            assert!(
                compiles(&mut tera, format!("{{{{ x | {name} }}}}")),
                "{name}"
            );
        }
        for name in TESTS {
            assert!(
                compiles(&mut tera, format!("{{% if x is {name} %}}{{% endif %}}")),
                "{name}"
            );
        }
        for name in FUNCTIONS {
            assert!(compiles(&mut tera, format!("{{{{ {name}() }}}}")), "{name}");
        }
        assert!(
            !compiles(&mut tera, "{{ x | uper }}".into()),
            "an unknown one fails"
        );
        assert!(!compiles(
            &mut tera,
            "{% if x is strin %}{% endif %}".into()
        ));
        assert!(!compiles(&mut tera, "{{ rnage() }}".into()));
    }

    #[test]
    fn template_errors_hint_at_the_name_meant_or_how_to_test_for_a_value() {
        let meant = |message: &str| template_hint(message, None, None);
        let fields = "Field `titel` is not defined. Available fields: content, tags, title, toc";
        assert!(
            meant(fields).starts_with("did you mean `title`?"),
            "{}",
            meant(fields)
        );
        let variables = "Variable `pgae` is not defined. Available variables: nav, page, site";
        assert!(meant(variables).starts_with("did you mean `page`?"));
        assert!(meant("Unknown filter `uper`").starts_with("did you mean `upper`?"));
        assert!(meant("Unknown filter `fil`").starts_with("did you mean `fill`?"));
        assert!(meant("Unknown test `strin`").starts_with("did you mean `string`?"));
        assert!(meant("Unknown function `rnage`").starts_with("did you mean `range`?"));
        // Nothing close: the plain advice.
        let far = meant("Unknown filter `markdownify`");
        assert_eq!(far, "fix the template; every page that uses it is affected");
        let missing = template_hint(
            "Iteration not possible on type `undefined`",
            Some("page.tagz"),
            None,
        );
        assert_eq!(
            missing,
            "`page.tagz` has no value here: check its name, or test it first \
             (`{% if page.tagz %}…{% endif %}`)"
        );
        let none = "Invalid type for the value, expected `string` but got `none`";
        assert!(
            template_hint(none, Some("page.date"), None).starts_with("`page.date` has no value")
        );
        let other = "Invalid type for the value, expected `string` but got `i64`";
        assert_eq!(template_hint(other, Some("page.word_count"), None), far);
    }

    #[test]
    fn a_script_gets_the_words_the_themes_scripts_name_in_quotes() {
        assert_eq!(
            quoted_names(
                br#"word("copy") + word('search_none') + `team-motto` + "a b" + ""next"" + x"#
            )
            .collect::<Vec<_>>(),
            ["copy", "search_none", "team-motto", "next"]
        );
        let script = |rel: &str, text: &str| ThemeAsset {
            rel: rel.to_string(),
            out_rel: rel.to_string(),
            data: AssetData::Owned(text.as_bytes().to_vec()),
        };
        let theme = Theme {
            templates: Vec::new(),
            assets: vec![
                script("a.js", "var words = /*folio:strings*/{}; word(\"copy\");"),
                script("b.js", "show('next');"),
                script("c.css", "a::after { content: \"previous\"; }"),
            ],
        };
        let mut strings = crate::strings::Strings::english();
        strings.own.insert("teamMotto".into(), "Together".into());
        let theme = theme.with_strings(&strings);
        let AssetData::Owned(written) = &theme.assets[0].data else {
            panic!("written");
        };
        assert_eq!(
            std::str::from_utf8(written).unwrap(),
            "var words = {\"copy\":\"Copy\",\"next\":\"Next\"}; word(\"copy\");"
        );
        assert_ne!(theme.assets[0].out_rel, "a.js", "the name's hash follows");
        assert_eq!(theme.assets[1].out_rel, "b.js", "no marker, not written");
    }

    #[test]
    fn a_site_template_stands_alone_unless_it_extends_another() {
        let own = |name: &str, text: &str| TemplateSource {
            name: name.into(),
            display_path: format!("templates/{name}"),
            text: text.into(),
        };
        let site = [
            own("alone.html", "<p>{{ page.title }}</p>{# extends nothing #}"),
            own(
                "extends.html",
                "{% extends \"base.html\" %}{% block content %}x{% endblock content %}",
            ),
            own(
                "trimmed.html",
                "{%-  extends 'base.html' -%}{% block content %}x{% endblock content %}",
            ),
        ];
        let t = Templates::compile(
            &embedded_theme(),
            &site,
            &crate::render::tests::default_globals(),
        )
        .unwrap();
        assert!(t.stands_alone("alone.html"));
        assert!(!t.stands_alone("extends.html"));
        assert!(!t.stands_alone("trimmed.html"));
        assert!(!t.stands_alone("base.html"), "the theme's, not the site's");
        assert!(!t.stands_alone("missing.html"));
    }
}
