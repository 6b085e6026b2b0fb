//! The words readers see, in the site's language.
//!
//! folio's own pages (the tag pages, the 404 page) and the handbook theme
//! show a few dozen words of their own: "Previous", "On this page", "3
//! pages". They come from a catalogue per language, shipped in
//! `themes/handbook/i18n/<lang>.toml` and compiled in: `language = "de"`
//! (or `de-AT`, which falls back to `de`) shows them in German. A
//! language without a catalogue keeps English, and any word can be
//! changed under `[strings]` in folio.toml, which is also where a site
//! writes a language folio does not ship.
//!
//! Templates read them as `site.strings.<key>`; a word with `{name}` in it
//! is filled in by the `fill` filter, which also picks between the forms
//! of `"one|other"` by `count` (see [`fill`]). The theme's scripts get the
//! same words as JSON, written into them when they are copied (see
//! [`SCRIPT_MARKER`]). Parsing is pure, like the rest of the configuration.
//!
//! The language also sets which way its text runs ([`Direction`]):
//! Hebrew, Arabic, Persian, Urdu and the other languages written right to
//! left get `dir="rtl"`, and the theme's layout mirrors with it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{closest, Diagnostic};

/// The catalogues compiled into folio, by language code; `en` holds every
/// key and is the fallback for the others.
const CATALOGUES: &[(&str, &str)] = &[
    ("en", include_str!("../themes/handbook/i18n/en.toml")),
    ("de", include_str!("../themes/handbook/i18n/de.toml")),
    ("es", include_str!("../themes/handbook/i18n/es.toml")),
    ("fr", include_str!("../themes/handbook/i18n/fr.toml")),
    ("it", include_str!("../themes/handbook/i18n/it.toml")),
    ("nl", include_str!("../themes/handbook/i18n/nl.toml")),
    ("pt", include_str!("../themes/handbook/i18n/pt.toml")),
    ("pt-pt", include_str!("../themes/handbook/i18n/pt-pt.toml")),
    ("he", include_str!("../themes/handbook/i18n/he.toml")),
    ("ru", include_str!("../themes/handbook/i18n/ru.toml")),
    ("ar", include_str!("../themes/handbook/i18n/ar.toml")),
];

/// Which way a language's text runs: `site.direction` in templates, for
/// `<html dir>`. Serialised as `"ltr"` and `"rtl"`, as HTML writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Left to right.
    #[default]
    Ltr,
    /// Right to left.
    Rtl,
}

/// Languages written right to left by default (ISO 639 codes; `iw` and
/// `ji` are Hebrew's and Yiddish's old ones). Kurdish (`ku`) is written
/// in Latin letters by default, Sorani (`ckb`) in Arabic ones.
const RIGHT_TO_LEFT_LANGUAGES: &[&str] = &[
    "ar", "arc", "azb", "bal", "bqi", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "khw", "ks",
    "lrc", "mzn", "nqo", "pnb", "prs", "ps", "sd", "sdh", "syr", "ug", "ur", "yi",
];

/// Scripts written right to left (ISO 15924 codes, lower case): a
/// language code naming its script (`az-Arab`, `ku-Arab`, `sd-Deva`)
/// runs the script's way.
const RIGHT_TO_LEFT_SCRIPTS: &[&str] = &[
    "adlm", "arab", "hebr", "mand", "mend", "nkoo", "rohg", "samr", "syrc", "thaa", "yezi",
];

impl Direction {
    /// The direction of `language` (`he`, `fa-IR`, `az-Arab`, `pa_Arab_PK`):
    /// its script's when the code names one, else its language's.
    pub fn of(language: &str) -> Direction {
        let code = normalized(language);
        let mut subtags = code.split('-');
        let base = subtags.next().unwrap_or("");
        let script = subtags.find(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic()));
        let rtl = match script {
            Some(script) => RIGHT_TO_LEFT_SCRIPTS.contains(&script),
            None => RIGHT_TO_LEFT_LANGUAGES.contains(&base),
        };
        if rtl {
            Direction::Rtl
        } else {
            Direction::Ltr
        }
    }

    /// The direction in a message: "left to right".
    pub fn described(self) -> &'static str {
        match self {
            Direction::Ltr => "left to right",
            Direction::Rtl => "right to left",
        }
    }

    /// `"ltr"` or `"rtl"`, as folio.toml and HTML write it.
    pub fn parse(text: &str) -> Option<Direction> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ltr" => Some(Direction::Ltr),
            "rtl" => Some(Direction::Rtl),
            _ => None,
        }
    }
}

/// In a theme's script, replaced by the site's words as a JSON object
/// when the script is copied (`var words = /*folio:strings*/{};`). Left
/// as it is, the script still parses, with no words.
pub const SCRIPT_MARKER: &str = "/*folio:strings*/{}";

/// Every word folio and the handbook theme show, in one language. The
/// doc comment of each is what translators work from; `en.toml` has the
/// English.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Strings {
    /// The title of the list of tags.
    pub tags_title: String,
    /// The description of the list of tags.
    pub tags_description: String,
    /// A tag page's title: `{tag}`, the tag as first written.
    pub tagged: String,
    /// The 404 page's title.
    pub not_found_title: String,
    /// The 404 page's text.
    pub not_found_text: String,
    /// The 404 page's link home.
    pub go_home: String,
    /// The link that skips to a page's text, for keyboards.
    pub skip_to_content: String,
    /// The search box's label, for screen readers.
    pub search_label: String,
    /// The search box's placeholder.
    pub search_placeholder: String,
    /// The label of the list of results.
    pub search_results: String,
    /// The colour-theme button, in the light theme.
    pub theme_to_dark: String,
    /// The colour-theme button, in the dark theme.
    pub theme_to_light: String,
    /// The button that opens the sidebar on a phone.
    pub menu: String,
    /// The sidebar's label, for screen readers.
    pub sidebar: String,
    /// The sidebar's link to the home page.
    pub home: String,
    /// The breadcrumbs' label, for screen readers.
    pub breadcrumbs: String,
    /// Before a page's `updated` date, in the footer.
    pub last_updated: String,
    /// Before a page's `date`, in the footer.
    pub published: String,
    /// The link to a page's source (`edit_url`).
    pub edit_page: String,
    /// A date written out: `{day}`, `{month}` (a name of `months`) and
    /// `{year}` (see [`Strings::long_date`]).
    pub date: String,
    /// The twelve months' names, January to December, between `|`s.
    pub months: String,
    /// The footer's last line: `{version}`, folio's (filled in when the
    /// words are read).
    pub built_with: String,
    /// The heading of a page's table of contents.
    pub on_this_page: String,
    /// A page's reading time: `{minutes}`.
    pub reading_time: String,
    /// Before a page's `updated` date, under its title.
    pub updated: String,
    /// The link to the previous page.
    pub previous: String,
    /// The link to the next page.
    pub next: String,
    /// The label of those two links, for screen readers.
    pub previous_next: String,
    /// A code block's copy button.
    pub copy: String,
    /// That button's label, for screen readers.
    pub copy_label: String,
    /// That button once the code is copied.
    pub copied: String,
    /// That button when the browser refused to copy.
    pub copy_by_hand: String,
    /// The home page's heading over its sections.
    pub explore: String,
    /// The home page's button to its first section: `{title}`.
    pub start_with: String,
    /// A section's heading over its subsections.
    pub sections: String,
    /// A section's heading over its pages.
    pub pages: String,
    /// How many pages a section or tag has: `{count}`, one|other.
    pub page_count: String,
    /// The label of a long list's page links, for screen readers.
    pub list_pages: String,
    /// Beside a long list's heading: `{number}` of `{total}`.
    pub list_page_of: String,
    /// A link to one page of a long list: `{number}`.
    pub list_page: String,
    /// In the browser's title of a long list's later pages: `{number}`.
    pub title_page: String,
    /// When the search's files cannot be loaded.
    pub search_unavailable: String,
    /// When no page matches: `{query}`, as typed.
    pub search_no_match: String,
    /// Read out after a search: `{count}`, one|other.
    pub search_found: String,
    /// Read out after a search that found nothing.
    pub search_none: String,
    /// Under a result found by its text only: `{terms}`, each quoted.
    pub search_mentions: String,
    /// A word quoted: `{text}`.
    pub quoted: String,
    /// Words a site adds under `[strings]` for its own templates.
    #[serde(flatten)]
    pub own: BTreeMap<String, String>,
}

impl Default for Strings {
    fn default() -> Self {
        Strings::english()
    }
}

impl Strings {
    /// The English words (`en.toml`).
    pub fn english() -> Strings {
        static ENGLISH: OnceLock<Strings> = OnceLock::new();
        ENGLISH
            .get_or_init(|| {
                let strings: Strings =
                    toml::from_str(CATALOGUES[0].1).expect("en.toml has every key");
                strings.with_version()
            })
            .clone()
    }

    /// `{version}` in `built_with` filled in with folio's: the same on
    /// every page, so templates print the word as it is.
    fn with_version(mut self) -> Strings {
        let version = env!("CARGO_PKG_VERSION");
        self.built_with = fill(&self.built_with, "", None, |name| {
            (name == "version").then_some(version.into())
        });
        self
    }

    /// The words for `language` (`de`, `de-AT`, `pt_BR`), with
    /// `overrides` (the `[strings]` table of folio.toml, whose text is
    /// `text`) over them. Problems are located in folio.toml.
    pub fn for_language(
        language: &str,
        overrides: &toml::Table,
        text: &str,
    ) -> (Strings, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut words = english_table().clone();
        let shipped = catalogue(language);
        if let Some(own) = shipped {
            words.extend(table(own));
        } else if overrides.is_empty() {
            diags.push(
                Diagnostic::warning(format!(
                    "folio has no words in language `{language}`: its pages and the theme \
                     show English words (\"Previous\", \"On this page\")"
                ))
                .in_file(crate::config::CONFIG_FILE)
                .at(text, crate::config::key_line(text, "language"), 1)
                .with_hint(format!(
                    "translate them under [strings] in folio.toml (every key is listed in \
                     the handbook's configuration page), or use one of {}",
                    CATALOGUES
                        .iter()
                        .map(|(code, _)| format!("`{code}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        let english = english_table();
        let categories = plural_rule(language).categories;
        for (key, value) in overrides {
            let line = table_key_line(text, "strings", key);
            let Some(value) = value.as_str() else {
                diags.push(
                    Diagnostic::error(format!(
                        "`{key}` under [strings] must be a quoted string, not {}",
                        value.type_str()
                    ))
                    .in_file(crate::config::CONFIG_FILE)
                    .at(text, line, 1),
                );
                continue;
            };
            if key == "months" && value.split('|').count() != 12 {
                diags.push(
                    Diagnostic::warning(format!(
                        "`months` under [strings] has {} names, not twelve: dates keep the \
                         language's",
                        value.split('|').count()
                    ))
                    .in_file(crate::config::CONFIG_FILE)
                    .at(text, line, 1)
                    .with_hint("write January to December, between `|`s: \"Jan|Feb|...|Dec\""),
                );
                continue;
            }
            match english.get(key).and_then(toml::Value::as_str) {
                Some(en) => {
                    let forms = value.split('|').count();
                    if en.contains('|') && key != "months" && forms > 2 && forms != categories.len()
                    {
                        diags.push(
                            Diagnostic::warning(format!(
                                "`{key}` under [strings] has {forms} forms, and `{language}` \
                                 has {} plural categories: counts other than one take the last",
                                categories.len()
                            ))
                            .in_file(crate::config::CONFIG_FILE)
                            .at(text, line, 1)
                            .with_hint(format!(
                                "write one form for each of {}, in that order, or two (one|other)",
                                categories.join(", ")
                            )),
                        );
                    }
                    let missing: Vec<&str> = placeholders(value)
                        .filter(|p| !placeholders(en).any(|q| q == *p))
                        .collect();
                    if let Some(p) = missing.first() {
                        diags.push(
                            Diagnostic::warning(format!(
                                "`{key}` under [strings] has `{{{p}}}`, which folio does not fill \
                                 in there: it is shown as written"
                            ))
                            .in_file(crate::config::CONFIG_FILE)
                            .at(text, line, 1)
                            .with_hint(format!("the English is \"{en}\"")),
                        );
                    }
                }
                None => {
                    // A word of the site's own templates, unless it looks
                    // like a typo of one of folio's.
                    if let Some(near) = closest(key, english.keys().map(String::as_str)) {
                        diags.push(
                            Diagnostic::warning(format!(
                                "`{key}` under [strings] is not a word folio or its theme shows"
                            ))
                            .in_file(crate::config::CONFIG_FILE)
                            .at(text, line, 1)
                            .with_hint(format!(
                                "did you mean `{near}`? (A word for your own templates is \
                                 kept as `site.strings.{key}`.)"
                            )),
                        );
                    }
                }
            }
            words.insert(key.clone(), toml::Value::String(value.to_string()));
        }
        let strings: Strings = toml::Value::Table(words)
            .try_into()
            .expect("every key is a string, and en.toml has them all");
        (strings.with_version(), diags)
    }

    /// A tag page's title.
    pub fn tag_title(&self, tag: &str) -> String {
        fill(&self.tagged, "", None, |name| {
            (name == "tag").then_some(tag.into())
        })
    }

    /// A date as the language writes it out: `2026-11-28` (a time after
    /// it left out) is "November 28, 2026" in English, "28. November
    /// 2026" in German. `None` for text that is no such date.
    pub fn long_date(&self, date: &str) -> Option<String> {
        let (year, month, day) = crate::load::front_matter::date_parts(date)?;
        let name = self
            .months
            .split('|')
            .nth((month as usize).checked_sub(1)?)?;
        (1..=31).contains(&day).then(|| {
            fill(&self.date, "", None, |part| match part {
                "year" => Some(year.to_string().into()),
                "month" => Some(name.trim().to_string().into()),
                "day" => Some(day.to_string().into()),
                _ => None,
            })
        })
    }

    /// The words whose keys are `wanted`, as a JSON object, for the
    /// theme's scripts.
    pub fn to_json(&self, wanted: impl Fn(&str) -> bool) -> String {
        let mut all = serde_json::to_value(self).expect("strings serialise");
        if let Some(words) = all.as_object_mut() {
            words.retain(|key, _| wanted(key));
        }
        all.to_string()
    }
}

/// The catalogue shipped for `language`: its own, or its base language's
/// (`de-AT` and `de_at` → `de`). Codes are matched without case.
fn catalogue(language: &str) -> Option<&'static str> {
    let code = normalized(language);
    let base = code.split('-').next().unwrap_or("");
    let shipped = [code.as_str(), base]
        .into_iter()
        .find_map(|c| CATALOGUES.iter().find(|(k, _)| *k == c))
        .map(|(_, text)| *text);
    shipped
}

/// A language code as catalogues are named: `de_AT ` → `de-at`.
fn normalized(language: &str) -> String {
    language.trim().to_ascii_lowercase().replace('_', "-")
}

/// `en.toml` as a table, read once.
fn english_table() -> &'static toml::Table {
    static ENGLISH: OnceLock<toml::Table> = OnceLock::new();
    ENGLISH.get_or_init(|| table(CATALOGUES[0].1))
}

/// A shipped catalogue as a table (they are checked by the tests below).
fn table(text: &str) -> toml::Table {
    toml::from_str(text).expect("a shipped catalogue is valid TOML")
}

/// The `{name}`s of a word.
fn placeholders(word: &str) -> impl Iterator<Item = &str> {
    word.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

/// The line of `key` inside the `[table]` of a TOML text (1 when not
/// found, as for the other keys of folio.toml).
fn table_key_line(text: &str, table: &str, key: &str) -> usize {
    let header = format!("[{table}]");
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if line.starts_with('[') {
            inside = line.trim_end() == header;
            continue;
        }
        let named = line
            .strip_prefix(key)
            .or_else(|| line.strip_prefix(&format!("\"{key}\"")));
        if inside && named.is_some_and(|rest| rest.trim_start().starts_with('=')) {
            return i + 1;
        }
    }
    crate::config::key_line(text, table)
}

/// A language's plural rule, as CLDR gives it for whole numbers: the
/// categories a count can fall in, in CLDR's order (zero, one, two, few,
/// many, other), and which one a count falls in.
pub struct PluralRule {
    /// The categories whole numbers reach: a word has one form for each
    /// (`"{count} страница|{count} страницы|{count} страниц"`), or two.
    pub categories: &'static [&'static str],
    category: fn(u64) -> &'static str,
}

impl PluralRule {
    /// The category of `count`.
    pub fn category(&self, count: i64) -> &'static str {
        (self.category)(count.unsigned_abs())
    }

    /// The form of a word's `forms` (between `|`s) for `count`: by its
    /// category when the word has a form for each; with two forms, or
    /// any other number, the first for "one" and the last otherwise.
    pub fn form<'w>(&self, word: &'w str, count: i64) -> &'w str {
        let category = self.category(count);
        let forms = word.split('|').count();
        let at = match self.categories.iter().position(|c| *c == category) {
            Some(at) if forms == self.categories.len() => at,
            _ if category == "one" => 0,
            _ => forms - 1,
        };
        word.split('|').nth(at).unwrap_or(word)
    }
}

/// `language`'s plural rule (CLDR's, for whole numbers). A language
/// missing here takes English's: one for 1, other for the rest.
pub fn plural_rule(language: &str) -> PluralRule {
    const ONE_OTHER: &[&str] = &["one", "other"];
    const ONE_FEW_MANY: &[&str] = &["one", "few", "many"];
    const ONE_FEW_OTHER: &[&str] = &["one", "few", "other"];
    fn rule(categories: &'static [&'static str], category: fn(u64) -> &'static str) -> PluralRule {
        PluralRule {
            categories,
            category,
        }
    }
    // 1, 21, 31, but not 11; and 2–4, 22–24, but not 12–14.
    fn ends_in_one(n: u64) -> bool {
        n % 10 == 1 && n % 100 != 11
    }
    fn ends_in_two_to_four(n: u64) -> bool {
        (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100))
    }
    let code = normalized(language);
    let base = code.split('-').next().unwrap_or("");
    match base {
        // Brazil's Portuguese counts 0 as one; Portugal's (and Africa's,
        // which CLDR derives from it) does not.
        "fr" | "pt" if base == "fr" || code == "pt" || code == "pt-br" => {
            rule(ONE_OTHER, |n| if n <= 1 { "one" } else { "other" })
        }
        "is" | "mk" => rule(ONE_OTHER, |n| if ends_in_one(n) { "one" } else { "other" }),
        "he" | "iw" => rule(&["one", "two", "other"], |n| match n {
            1 => "one",
            2 => "two",
            _ => "other",
        }),
        "ru" | "uk" | "be" => rule(ONE_FEW_MANY, |n| match n {
            n if ends_in_one(n) => "one",
            n if ends_in_two_to_four(n) => "few",
            _ => "many",
        }),
        "pl" => rule(ONE_FEW_MANY, |n| match n {
            1 => "one",
            n if ends_in_two_to_four(n) => "few",
            _ => "many",
        }),
        "cs" | "sk" => rule(ONE_FEW_OTHER, |n| match n {
            1 => "one",
            2..=4 => "few",
            _ => "other",
        }),
        "hr" | "sr" | "bs" => rule(ONE_FEW_OTHER, |n| match n {
            n if ends_in_one(n) => "one",
            n if ends_in_two_to_four(n) => "few",
            _ => "other",
        }),
        "lt" => rule(ONE_FEW_OTHER, |n| match (n % 10, n % 100) {
            (_, 11..=19) => "other",
            (1, _) => "one",
            (2..=9, _) => "few",
            _ => "other",
        }),
        "ro" => rule(ONE_FEW_OTHER, |n| match n {
            1 => "one",
            n if n == 0 || (1..=19).contains(&(n % 100)) => "few",
            _ => "other",
        }),
        "lv" => rule(&["zero", "one", "other"], |n| match n {
            n if n % 10 == 0 || (11..=19).contains(&(n % 100)) => "zero",
            n if ends_in_one(n) => "one",
            _ => "other",
        }),
        "sl" => rule(&["one", "two", "few", "other"], |n| match n % 100 {
            1 => "one",
            2 => "two",
            3 | 4 => "few",
            _ => "other",
        }),
        "ga" => rule(&["one", "two", "few", "many", "other"], |n| match n {
            1 => "one",
            2 => "two",
            3..=6 => "few",
            7..=10 => "many",
            _ => "other",
        }),
        "ar" => rule(
            &["zero", "one", "two", "few", "many", "other"],
            |n| match (n, n % 100) {
                (0, _) => "zero",
                (1, _) => "one",
                (2, _) => "two",
                (_, 3..=10) => "few",
                (_, 11..=99) => "many",
                _ => "other",
            },
        ),
        "cy" => rule(
            &["zero", "one", "two", "few", "many", "other"],
            |n| match n {
                0 => "zero",
                1 => "one",
                2 => "two",
                3 => "few",
                6 => "many",
                _ => "other",
            },
        ),
        _ => rule(ONE_OTHER, |n| if n == 1 { "one" } else { "other" }),
    }
}

/// Fills in a word: picks its form for `count` when it has several
/// (`"{count} page|{count} pages"`, see [`PluralRule::form`]), then
/// replaces each `{name}` whose name `value` knows. Other text, unknown
/// names included, stays as written.
pub fn fill<'v>(
    word: &str,
    language: &str,
    count: Option<i64>,
    value: impl Fn(&str) -> Option<std::borrow::Cow<'v, str>>,
) -> String {
    let word = match count {
        Some(n) if word.contains('|') => plural_rule(language).form(word, n),
        _ => word,
    };
    let mut out = String::with_capacity(word.len() + 16);
    let mut rest = word;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| Some((close, value(&after[..close])?)))
        {
            Some((close, filled)) => {
                out.push_str(&filled);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(language: &str, folio_toml: &str) -> (Strings, Vec<String>) {
        let table: toml::Table = toml::from_str(folio_toml).unwrap();
        let overrides = table
            .get("strings")
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default();
        let (strings, diags) = Strings::for_language(language, &overrides, folio_toml);
        (strings, diags.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn every_catalogue_has_the_english_keys_and_placeholders() {
        let english = table(CATALOGUES[0].1);
        for (code, text) in CATALOGUES {
            let other = table(text);
            let keys = |t: &toml::Table| t.keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(&other), keys(&english), "{code}.toml's keys");
            for (key, en) in &english {
                let (en, word) = (en.as_str().unwrap(), other[key].as_str().unwrap());
                // The names used, each once: a form for one may say
                // "one" in words and leave `{count}` out.
                let sorted = |w: &str| {
                    let mut p: Vec<String> = placeholders(w).map(str::to_string).collect();
                    p.sort();
                    p.dedup();
                    p
                };
                assert_eq!(sorted(word), sorted(en), "{code}.toml's `{key}`");
                // A word with a count has two forms, or one for each of
                // the language's plural categories; `months` has twelve.
                let (forms, en_forms) = (word.split('|').count(), en.split('|').count());
                let plural = plural_rule(code).categories.len();
                assert!(
                    forms == en_forms || (en_forms == 2 && forms == plural),
                    "{code}.toml's `{key}` has {forms} forms"
                );
                assert!(!word.trim().is_empty(), "{code}.toml's `{key}` is empty");
            }
            // Each parses whole, through the typed struct.
            let (strings, diags) = words(code, "");
            assert!(diags.is_empty(), "{code}: {diags:?}");
            assert!(strings.own.is_empty());
        }
    }

    #[test]
    fn the_language_or_its_script_sets_the_direction() {
        for rtl in [
            "he",
            "HE",
            "he-IL",
            "iw",
            "ar",
            "ar_EG",
            "fa",
            "fa-IR",
            "ur",
            "yi",
            "ps",
            "ckb",
            "dv",
            "az-Arab",
            "pa_Arab_PK",
            "ku-Arab",
            "und-Hebr",
        ] {
            assert_eq!(Direction::of(rtl), Direction::Rtl, "{rtl}");
        }
        for ltr in [
            "", "en", "de-AT", "ku", "az", "pa", "sd-Deva", "uz-Latn", "ar-Latn", "hebrew", "arn",
        ] {
            assert_eq!(Direction::of(ltr), Direction::Ltr, "{ltr}");
        }
        assert_eq!(Direction::parse(" Rtl "), Some(Direction::Rtl));
        assert_eq!(Direction::parse("ltr"), Some(Direction::Ltr));
        assert_eq!(Direction::parse("auto"), None);
        // Templates print it as HTML writes it.
        assert_eq!(serde_json::to_string(&Direction::Rtl).unwrap(), "\"rtl\"");
    }

    #[test]
    fn dates_are_written_out_as_the_language_does() {
        let long = |language: &str, date: &str| words(language, "").0.long_date(date);
        assert_eq!(
            long("en", "2026-11-28").as_deref(),
            Some("November 28, 2026")
        );
        assert_eq!(long("de-AT", "2026-03-01").as_deref(), Some("1. März 2026"));
        assert_eq!(
            long("fr", "2026-08-05T09:00:00Z").as_deref(),
            Some("5 août 2026")
        );
        assert_eq!(
            long("pt", "2026-12-31 23:59").as_deref(),
            Some("31 de dezembro de 2026")
        );
        assert_eq!(long("he", "2026-02-09").as_deref(), Some("9 בפברואר 2026"));
        for no_date in [
            "",
            "soon",
            "2026-1-2",
            "2026-13-01",
            "2026-00-10",
            "2026-01-32",
            "2026-01-01x",
            "２０２６-01-01",
        ] {
            assert_eq!(long("en", no_date), None, "{no_date}");
        }
        // Twelve names of a site's own are used; another count is not,
        // with a warning at its line.
        let (own, diags) = words("en", "[strings]\nmonths = \"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec\"\ndate = \"{day} {month} {year}\"\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(own.long_date("2026-11-28").as_deref(), Some("28 Nov 2026"));
        let (short, diags) = words("de", "\n[strings]\nmonths = \"Jan|Feb\"\n");
        assert_eq!(
            short.long_date("2026-11-28").as_deref(),
            Some("28. November 2026")
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].contains("folio.toml:3"), "{}", diags[0]);
        assert!(
            diags[0].contains("`months` under [strings] has 2 names, not twelve"),
            "{}",
            diags[0]
        );
    }

    #[test]
    fn every_catalogue_in_the_theme_is_compiled_in() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/handbook/i18n");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut compiled: Vec<String> = CATALOGUES
            .iter()
            .map(|(c, _)| format!("{c}.toml"))
            .collect();
        compiled.sort();
        assert_eq!(files, compiled, "add each i18n/<code>.toml to CATALOGUES");
    }

    #[test]
    fn a_region_falls_back_to_its_language_and_case_does_not_matter() {
        let german = words("de", "").0;
        assert_eq!(german.previous, "Zurück");
        for code in ["de-AT", "de_ch", "DE", " de-DE "] {
            assert_eq!(words(code, "").0, german, "{code}");
        }
        assert_eq!(words("en-GB", "").0, Strings::english());
        // Portuguese is Brazil's, as CLDR has it; Portugal's is its own.
        assert_eq!(words("pt-BR", "").0.next, "Próxima");
        assert_eq!(words("pt", "").0.next, "Próxima");
        assert_eq!(words("pt-PT", "").0.next, "Seguinte");
        assert_eq!(words("pt_pt", "").0.sections, "Secções");
    }

    #[test]
    fn a_language_folio_does_not_ship_is_english_with_a_warning_at_its_line() {
        let text = "title = \"x\"\nlanguage = \"fi\"\n";
        let (strings, diags) = words("fi", text);
        assert_eq!(strings, Strings::english());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].contains("folio.toml:2"), "{}", diags[0]);
        assert!(
            diags[0].contains("no words in language `fi`"),
            "{}",
            diags[0]
        );
        assert!(
            diags[0].contains("`de`"),
            "lists the shipped languages: {}",
            diags[0]
        );
        // Once the site writes its own words, it knows.
        let text = "language = \"fi\"\n[strings]\nprevious = \"Edellinen\"\n";
        let (strings, diags) = words("fi", text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(strings.previous, "Edellinen");
        assert_eq!(strings.next, "Next");
    }

    #[test]
    fn strings_override_the_catalogue_and_keep_the_sites_own_words() {
        let text =
            "language = \"de\"\n[strings]\nnext = \"Vorwärts\"\nteam_motto = \"Gemeinsam\"\n";
        let (strings, diags) = words("de", text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(strings.next, "Vorwärts");
        assert_eq!(strings.previous, "Zurück");
        assert_eq!(
            strings.own.get("team_motto").map(String::as_str),
            Some("Gemeinsam")
        );
        let json: serde_json::Value = serde_json::from_str(&strings.to_json(|_| true)).unwrap();
        assert_eq!(json["team_motto"], "Gemeinsam");
        assert_eq!(json["next"], "Vorwärts");
    }

    #[test]
    fn mistakes_under_strings_are_reported_at_their_line() {
        let text = "title = \"x\"\n\n[strings]\nprevios = \"Back\"\nnext = 3\nreading_time = \"{mins} min\"\n\n[extra]\nnext = 1\n";
        let (strings, diags) = words("en", text);
        assert_eq!(diags.len(), 3, "{diags:?}");
        let find = |what: &str| {
            diags
                .iter()
                .find(|d| d.contains(what))
                .unwrap_or_else(|| panic!("{what}: {diags:?}"))
        };
        let typo = find("`previos`");
        assert!(
            typo.contains("folio.toml:4") && typo.contains("did you mean `previous`?"),
            "{typo}"
        );
        let number = find("`next` under [strings] must be a quoted string, not integer");
        assert!(
            number.starts_with("error") && number.contains("folio.toml:5"),
            "{number}"
        );
        let unknown = find("`{mins}`");
        assert!(
            unknown.contains("folio.toml:6") && unknown.contains("{minutes} min read"),
            "{unknown}"
        );
        // The typo is kept as the site's own word; the others as written.
        assert_eq!(strings.own.get("previos").map(String::as_str), Some("Back"));
        assert_eq!(strings.next, "Next");
        assert_eq!(strings.reading_time, "{mins} min");
    }

    #[test]
    fn fill_picks_the_form_for_the_count_and_fills_in_names() {
        let value = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).into())
            }
        };
        let count = |n: &'static str| {
            value(if n == "0" {
                &[("count", "0")]
            } else if n == "1" {
                &[("count", "1")]
            } else {
                &[("count", "7")]
            })
        };
        let pages = "{count} page|{count} pages";
        assert_eq!(fill(pages, "en", Some(1), count("1")), "1 page");
        assert_eq!(fill(pages, "en", Some(7), count("7")), "7 pages");
        assert_eq!(fill(pages, "en", Some(0), count("0")), "0 pages");
        assert_eq!(fill(pages, "fr", Some(0), count("0")), "0 page");
        assert_eq!(fill(pages, "fr-CA", Some(0), count("0")), "0 page");
        assert_eq!(fill(pages, "pt-PT", Some(0), count("0")), "0 pages");
        assert_eq!(fill(pages, "pt", Some(0), count("0")), "0 page");
        // Without a count, the word is shown whole.
        assert_eq!(
            fill(pages, "en", None, value(&[])),
            "{count} page|{count} pages"
        );
        // Names it does not know, and stray braces, stay as written.
        assert_eq!(
            fill("{a} and {b} {c", "en", None, value(&[("a", "x")])),
            "x and {b} {c"
        );
        assert_eq!(fill("{a}{a}}", "en", None, value(&[("a", "é")])), "éé}");
        assert_eq!(Strings::english().tag_title("Deploy"), "Tagged “Deploy”");
    }

    #[test]
    fn plural_rules_pick_a_form_for_each_category_cldr_gives_whole_numbers() {
        let forms = |language: &str, counts: &[i64]| {
            let rule = plural_rule(language);
            counts
                .iter()
                .map(|n| rule.category(*n))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let counts = [0, 1, 2, 3, 5, 11, 12, 21, 22, 25, 101, 111, 1000];
        for (language, categories) in [
            (
                "ru",
                "many one few few many many many one few many one many many",
            ),
            (
                "pl",
                "many one few few many many many many few many many many many",
            ),
            (
                "cs",
                "other one few few other other other other other other other other other",
            ),
            (
                "ar",
                "zero one two few few many many many many many other many other",
            ),
            (
                "he-IL",
                "other one two other other other other other other other other other other",
            ),
        ] {
            assert_eq!(forms(language, &counts), categories, "{language}");
        }
        assert_eq!(forms("lv", &[0, 1, 11, 21, 2]), "zero one zero one other");
        assert_eq!(
            forms("lt", &[1, 11, 21, 2, 12, 10]),
            "one other one few other other"
        );
        assert_eq!(
            forms("ro", &[0, 1, 2, 19, 20, 101, 102]),
            "few one few few other few few"
        );
        assert_eq!(forms("en", &[0, 1, -1, 2]), "other one one other");
        assert_eq!(forms("fr", &[0, 1, 2]), "one one other");
        assert_eq!(forms("pt_BR", &[0, 1]), "one one");
        assert_eq!(forms("pt-PT", &[0, 1]), "other one");
        // A form for each category, or two: "one" and the rest.
        let russian = "{count} страница|{count} страницы|{count} страниц";
        let counted = |n: i64| fill(russian, "ru", Some(n), |_| Some(n.to_string().into()));
        assert_eq!(
            [1, 2, 5, 21, 24, 111].map(counted),
            [
                "1 страница",
                "2 страницы",
                "5 страниц",
                "21 страница",
                "24 страницы",
                "111 страниц"
            ]
        );
        let two = "{count} page|{count} pages";
        assert_eq!(plural_rule("ru").form(two, 21), "{count} page");
        assert_eq!(plural_rule("ru").form(two, 5), "{count} pages");
        assert_eq!(plural_rule("he").form(two, 2), "{count} pages");
        assert_eq!(plural_rule("en").form("a|b|c", 1), "a");
        assert_eq!(plural_rule("en").form("a|b|c", 2), "c");
        // Forms that fit neither are named at their line.
        let (_, diags) = words("pl", "language = \"pl\"\n[strings]\npage_count = \"a|b|c|d\"\nsearch_found = \"{count} strona|{count} strony|{count} stron\"\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].contains("folio.toml:3"), "{}", diags[0]);
        assert!(
            diags[0].contains(
                "`page_count` under [strings] has 4 forms, and `pl` has 3 plural categories"
            ),
            "{}",
            diags[0]
        );
        assert!(diags[0].contains("one, few, many"), "{}", diags[0]);
    }
}
