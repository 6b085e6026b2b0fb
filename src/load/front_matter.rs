//! Typed front matter: parsing the block and checking known keys.
//!
//! gray_matter's engines parse the block; folio maps their error lines back
//! to the file, checks each known key's type and keeps unknown keys for
//! `page.extra`, warning when one looks like a typo of a known key.

use gray_matter::engine::{Engine, JSON, TOML, YAML};
use gray_matter::Pod;
use serde_json::{Map, Value};

use super::split::{Format, Split};
use crate::diagnostic::{closest, Diagnostic, LineIndex};

/// The longest file or folder name (in bytes) file systems take: a
/// `slug` or an alias's part names a folder of the output.
const MAX_NAME: usize = 255;

/// Front matter keys folio understands.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "weight",
    "date",
    "updated",
    "draft",
    "featured",
    "featured_alt",
    "tags",
    "slug",
    "aliases",
    "template",
    "extra",
];

/// The validated front matter of one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// Page title.
    pub title: Option<String>,
    /// Short description for listings and metadata.
    pub description: Option<String>,
    /// Sort key within the section (lower first).
    pub weight: Option<i64>,
    /// Publication date (`YYYY-MM-DD` or RFC 3339).
    pub date: Option<String>,
    /// Last-updated date.
    pub updated: Option<String>,
    /// Drafts are built only with `--drafts`.
    pub draft: bool,
    /// Featured image reference, as written, with its file line.
    pub featured: Option<(String, usize)>,
    /// Alt text for the featured image.
    pub featured_alt: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Replaces the last part of the URL, with its file line.
    pub slug: Option<(String, usize)>,
    /// Old URLs that redirect here.
    pub aliases: Vec<String>,
    /// Template to render this page with, instead of `page.html`.
    pub template: Option<String>,
    /// `extra` plus every unknown key.
    pub extra: Map<String, Value>,
    /// File line of each top-level key, for diagnostics about its value.
    /// (A few keys: a list costs a page ~130 bytes where a `BTreeMap`'s
    /// node cost ~370, kept for the whole build.)
    pub key_lines: KeyLines,
}

/// Each top-level key of a front matter block with its file line.
pub type KeyLines = Vec<(String, usize)>;

impl FrontMatter {
    /// The file line of a top-level key (the first front matter line when
    /// the key is absent or the page has none).
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, line)| *line)
            .unwrap_or_else(|| {
                self.key_lines
                    .iter()
                    .map(|(_, line)| *line)
                    .min()
                    .map_or(1, |l| l.saturating_sub(1).max(1))
            })
    }
}

/// Parses and checks a front matter block. Problems are pushed to `diags`;
/// known keys with a wrong type are left unset.
pub fn parse(
    file: &str,
    text: &str,
    split: &Split<'_>,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let Some(format) = split.format else {
        return FrontMatter::default();
    };
    if format == Format::Yaml {
        if let Some((map, lines)) = super::simple_yaml::parse(split.block) {
            let key_lines = lines
                .into_iter()
                .map(|(k, l)| (k, split.block_line + l))
                .collect();
            return KeyChecker::new(file, text, split, diags).build_with_lines(map, key_lines);
        }
    }
    if format == Format::Yaml {
        if let Some(inner_line) = super::yaml_aliases::too_many(split.block) {
            diags.push(
                Diagnostic::error(format!(
                    "front matter expands to more than {} values through its aliases \
                     (`*name` repeats the value marked `&name`)",
                    super::yaml_aliases::MAX_VALUES
                ))
                .in_file(file)
                .at(text, split.block_line + inner_line - 1, 1)
                .with_hint("write the values out, or repeat fewer of them"),
            );
            return FrontMatter::default();
        }
    }
    let parsed = match format {
        Format::Yaml => YAML::parse(split.block),
        Format::Toml => TOML::parse(split.block),
        Format::Json => JSON::parse(split.block),
    };
    let pod = match parsed {
        Ok(p) => p,
        Err(e) => {
            diags.push(syntax_error(file, text, split, &e.to_string()));
            return FrontMatter::default();
        }
    };
    let map = match pod_to_json(pod) {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        other => {
            let kind = json_kind(&other);
            diags.push(
                Diagnostic::error(format!(
                    "front matter must be a mapping of keys to values, not {kind}"
                ))
                .in_file(file)
                .at(text, split.block_line, 1)
                .with_hint("write `key: value` lines, e.g. `title: My page`"),
            );
            return FrontMatter::default();
        }
    };
    KeyChecker::new(file, text, split, diags).build(map)
}

struct KeyChecker<'a, 'd> {
    file: &'a str,
    text: &'a str,
    split: &'a Split<'a>,
    diags: &'d mut Vec<Diagnostic>,
    /// The lines of `text`, indexed at the first problem: each problem
    /// quotes its line, and counting the lines from the start for each
    /// made 39,900 repeated tags, each at its own line, take seconds.
    lines: Option<LineIndex>,
}

impl<'a, 'd> KeyChecker<'a, 'd> {
    fn new(
        file: &'a str,
        text: &'a str,
        split: &'a Split<'a>,
        diags: &'d mut Vec<Diagnostic>,
    ) -> Self {
        KeyChecker {
            file,
            text,
            split,
            diags,
            lines: None,
        }
    }
}

impl KeyChecker<'_, '_> {
    fn build(&mut self, map: Map<String, Value>) -> FrontMatter {
        // The lines of all keys in one pass: a line found per key was a pass
        // over the block per key (20,000 TOML keys took 6.1 s).
        let found = key_lines_of(self.split);
        let mut key_lines: KeyLines = map
            .keys()
            .map(|k| {
                let line = found.get(k.as_str()).copied();
                (k.clone(), line.unwrap_or_else(|| self.line_of(k)))
            })
            .collect();
        // In the file's order, as the fast path finds them: the same page
        // makes the same front matter whichever path reads it.
        key_lines.sort_by_key(|(_, line)| *line);
        self.build_with_lines(map, key_lines)
    }

    /// Checks every key, knowing the file line of each.
    fn build_with_lines(&mut self, map: Map<String, Value>, key_lines: KeyLines) -> FrontMatter {
        let mut fm = FrontMatter {
            key_lines,
            ..FrontMatter::default()
        };
        for (key, value) in map {
            match key.as_str() {
                "title" => fm.title = self.string(&key, value),
                "description" => fm.description = self.string(&key, value),
                "featured_alt" => fm.featured_alt = self.string(&key, value),
                "template" => fm.template = self.string(&key, value),
                "weight" => fm.weight = self.integer(&key, value),
                "date" => fm.date = self.date(&key, value),
                "updated" => fm.updated = self.date(&key, value),
                "draft" => fm.draft = self.boolean(&key, value).unwrap_or(false),
                "featured" => {
                    let line = fm.line_of(&key);
                    fm.featured = self.string(&key, value).map(|v| (v, line))
                }
                "slug" => fm.slug = self.slug(&key, value),
                "tags" => fm.tags = self.strings(&key, value),
                "aliases" => fm.aliases = self.aliases(&key, value),
                "extra" => match value {
                    Value::Object(m) => fm.extra.extend(m),
                    other => self.wrong_type(&key, "a mapping of keys to values", &other),
                },
                _ => {
                    self.maybe_typo(&key);
                    fm.extra.insert(key, value);
                }
            }
        }
        self.consistent(&mut fm);
        fm
    }

    /// Keys that are each fine but disagree with one another: warnings, as
    /// the page still builds.
    fn consistent(&mut self, fm: &mut FrontMatter) {
        // Each tag kept once: a few looked for among those before them, many
        // in a set (a list of 40,000 tags took 1.7 s the first way).
        let tags = &fm.tags;
        let keep: Vec<bool> = if tags.len() <= 16 {
            (0..tags.len())
                .map(|i| !tags[..i].contains(&tags[i]))
                .collect()
        } else {
            let mut first = std::collections::HashSet::with_capacity(tags.len());
            tags.iter().map(|t| first.insert(t.as_str())).collect()
        };
        if keep.contains(&false) {
            let mut lines = RepeatLines::new(self.text, fm.line_of("tags"));
            for (tag, _) in fm.tags.iter().zip(&keep).filter(|(_, keep)| !**keep) {
                let line = lines.next_of(tag);
                self.report(
                    Diagnostic::warning(format!("tag `{tag}` is listed twice; it is kept once")),
                    line,
                    "remove the second one",
                );
            }
            let mut keep = keep.into_iter();
            fm.tags.retain(|_| keep.next().unwrap_or(true));
        }
        if let (Some(date), Some(updated)) = (&fm.date, &fm.updated) {
            let (first, last) = (date_parts(date), date_parts(updated));
            if first.is_some() && last.is_some() && last < first {
                self.report(
                    Diagnostic::warning(format!("`updated` ({updated}) is before `date` ({date})")),
                    fm.line_of("updated"),
                    "`date` is when the page was first published and `updated` its last change: swap them, or fix the year",
                );
            }
        }
        if fm.featured_alt.is_some() && fm.featured.is_none() {
            self.report(
                Diagnostic::warning(
                    "`featured_alt` describes a featured image, but the page has no `featured`",
                ),
                fm.line_of("featured_alt"),
                "add `featured: <image path>`, or remove `featured_alt`",
            );
        }
    }

    /// Adds `d`, at column 1 of `line` of this file, with `hint`.
    fn report(&mut self, d: Diagnostic, line: usize, hint: impl Into<String>) {
        let text = self.text;
        let lines = self.lines.get_or_insert_with(|| LineIndex::new(text));
        let mut d = d.in_file(self.file).at_line(line, 1).with_hint(hint);
        d.quote_line(lines.line_text(text, line.max(1)));
        self.diags.push(d);
    }

    fn line_of(&self, key: &str) -> usize {
        key_line(self.split, key)
    }

    fn wrong_type(&mut self, key: &str, expected: &str, got: &Value) {
        let line = self.line_of(key);
        let format = self.split.format.unwrap_or(Format::Yaml);
        self.report(
            Diagnostic::error(format!(
                "`{key}` must be {expected}, but it is {}",
                json_kind(got)
            )),
            line,
            type_hint(key, expected, got, format),
        );
    }

    /// `tags: a, b` is one tag, "a, b", in YAML: almost never what was
    /// meant, and only seen when the tag page or listing looks wrong.
    fn comma_list(&mut self, key: &str, text: &str) {
        let line = self.line_of(key);
        let items: Vec<&str> = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        self.report(
            Diagnostic::warning(format!("`{key}` is one value, `{text}`, not a list")),
            line,
            format!("for several, write a list: `{key}: [{}]`", items.join(", ")),
        );
    }

    fn string(&mut self, key: &str, value: Value) -> Option<String> {
        match value {
            // `description: >` ends in a line break; keep none at either end.
            Value::String(s) if s.trim().len() != s.len() => Some(s.trim().to_string()),
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Null => None,
            other => {
                self.wrong_type(key, "text", &other);
                None
            }
        }
    }

    fn integer(&mut self, key: &str, value: Value) -> Option<i64> {
        match value {
            Value::Number(n) if n.is_i64() => n.as_i64(),
            Value::Null => None,
            other => {
                self.wrong_type(key, "a whole number (e.g. `10`)", &other);
                None
            }
        }
    }

    fn boolean(&mut self, key: &str, value: Value) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(b),
            Value::Null => None,
            other => {
                self.wrong_type(key, "`true` or `false`", &other);
                None
            }
        }
    }

    fn date(&mut self, key: &str, value: Value) -> Option<String> {
        let value = match value {
            Value::String(s) => match date_problem(&s) {
                Some(None) => return Some(s),
                Some(Some(why)) => {
                    // Shaped like a date, but no such day: say which part is wrong.
                    let line = self.line_of(key);
                    self.report(
                        Diagnostic::error(format!("`{key}` is `{s}`, which is not a date: {why}")),
                        line,
                        "dates are `YYYY-MM-DD`, e.g. `2024-05-31`, with a time if need be: \
                         `2024-05-31T09:00:00Z`",
                    );
                    return None;
                }
                None => Value::String(s),
            },
            Value::Null => return None,
            other => other,
        };
        self.wrong_type(
            key,
            "a date like `2024-05-31` or `2024-05-31T09:00:00Z`",
            &value,
        );
        None
    }

    fn slug(&mut self, key: &str, value: Value) -> Option<(String, usize)> {
        let s = self.string(key, value)?;
        let line = self.line_of(key);
        if s.is_empty() || s.contains('/') || s == "." || s == ".." {
            self.report(
                Diagnostic::error(format!("`slug` must be one URL segment, not `{s}`")),
                line,
                "use letters, digits and dashes, without `/`",
            );
            return None;
        }
        if s.len() > MAX_NAME {
            self.report(
                Diagnostic::error(format!(
                    "`slug` is {} bytes long, and a folder name may have {MAX_NAME}",
                    s.len()
                )),
                line,
                "shorten it: it names the page's folder in the output, and its URL",
            );
            return None;
        }
        Some((s, line))
    }

    /// Aliases are site paths (`/old/path/`), each written as a redirect
    /// page in the output folder: one that climbs out with `..` would be
    /// written outside it, so it is refused.
    fn aliases(&mut self, key: &str, value: Value) -> Vec<String> {
        let mut aliases = self.strings(key, value);
        let line = self.line_of(key);
        aliases.retain(|alias| {
            let climbs = alias.split(['/', '\\']).any(|segment| segment == "..");
            if climbs {
                self.report(
                    Diagnostic::error(format!("alias `{alias}` climbs out of the site with `..`")),
                    line,
                    "write aliases as site paths from the root, e.g. `/old/path/`",
                );
            }
            let long = alias.split('/').any(|segment| segment.len() > MAX_NAME);
            if long && !climbs {
                self.report(
                    Diagnostic::error(format!(
                        "alias `{alias}` has a part longer than the {MAX_NAME} bytes a folder name may have"
                    )),
                    line,
                    "shorten it: each part between `/` names a folder of the output",
                );
            }
            !climbs && !long
        });
        aliases
    }

    fn strings(&mut self, key: &str, value: Value) -> Vec<String> {
        match value {
            Value::String(s) => {
                if key == "tags" && s.contains(',') {
                    self.comma_list(key, &s);
                }
                vec![s]
            }
            Value::Array(items) if items.iter().all(|v| v.is_string() || v.is_number()) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect(),
            Value::Null => Vec::new(),
            other => {
                self.wrong_type(key, "a list of text values, e.g. `[a, b]`", &other);
                Vec::new()
            }
        }
    }

    fn maybe_typo(&mut self, key: &str) {
        if let Some(known) = closest(key, KNOWN_KEYS.iter().copied()) {
            let line = self.line_of(key);
            self.report(
                Diagnostic::warning(format!("unknown front matter key `{key}`")),
                line,
                format!(
                    "did you mean `{known}`? (unknown keys are passed to templates as page.extra)"
                ),
            );
        }
    }
}

/// True for a real calendar date `YYYY-MM-DD`, optionally followed by a
/// time.
pub fn is_date(s: &str) -> bool {
    matches!(date_problem(s), Some(None))
}

/// For text shaped like a date (`None` otherwise): why it is no date, or
/// `None` when it is one. The day must exist, and a time after it must
/// be one.
fn date_problem(s: &str) -> Option<Option<String>> {
    let (year, month, day) = date_parts(s)?;
    Some(impossible(year, month, day).or_else(|| time_problem(&s[10..])))
}

/// Why what follows a date (`T09:00:00Z`) is no time of day (`None` when
/// it is, or when nothing follows): `HH:MM`, then `:SS` and a fraction if
/// need be, then `Z` or an offset `+HH:MM`, after `T` or a space.
fn time_problem(rest: &str) -> Option<String> {
    let time = rest.get(1..)?;
    let shape = || Some("after the day comes a time like `T09:00:00Z`".to_string());
    let (Some(hour), Some(minute)) = (two_digits(time.get(..2)), two_digits(time.get(3..5))) else {
        return shape();
    };
    if time.as_bytes()[2] != b':' {
        return shape();
    }
    let mut rest = &time[5..];
    let mut second = 0;
    if let Some(after) = rest.strip_prefix(':') {
        let Some(s) = two_digits(after.get(..2)) else {
            return shape();
        };
        second = s;
        rest = after[2..].strip_prefix('.').map_or(&after[2..], |f| {
            f.trim_start_matches(|c: char| c.is_ascii_digit())
        });
    }
    let zone = rest.trim_start_matches(' ');
    let offset = zone.strip_prefix(['+', '-']).map(|o| {
        let (h, m) = o.split_at_checked(2).unwrap_or((o, ""));
        (
            two_digits(Some(h)),
            two_digits(Some(m.strip_prefix(':').unwrap_or(m))),
        )
    });
    let zone_ok = matches!(zone, "" | "Z" | "z")
        || matches!(offset, Some((Some(h), Some(m))) if h <= 23 && m <= 59);
    if !zone_ok {
        Some(format!(
            "`{zone}` is no time zone: write `Z` (UTC) or an offset like `+02:00`"
        ))
    } else if hour > 23 {
        Some(format!("there is no hour {hour}"))
    } else if minute > 59 {
        Some(format!("there is no minute {minute}"))
    } else if second > 60 {
        Some(format!("there is no second {second}"))
    } else {
        None
    }
}

/// Two ASCII digits as a number.
fn two_digits(s: Option<&str>) -> Option<u32> {
    s.filter(|s| s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit()))?
        .parse()
        .ok()
}

/// Year, month and day of text shaped like `YYYY-MM-DD` (optionally
/// followed by a time), whether or not that day exists.
pub(crate) fn date_parts(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    let number = |r: std::ops::Range<usize>| {
        let digits = b.get(r.clone())?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| s[r].parse().ok())?
    };
    let shaped = b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && (b.len() == 10 || matches!(b[10], b'T' | b't' | b' '));
    shaped.then_some((number(0..4)?, number(5..7)?, number(8..10)?))
}

/// Why a year, month and day make no date (`None` when they do).
fn impossible(year: u32, month: u32, day: u32) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return Some(format!("there is no month {month}")),
    };
    let name = MONTHS[month as usize - 1];
    (day == 0 || day > days).then(|| match day {
        0 => "days start at 01".to_string(),
        _ => format!("{name} {year} has {days} days"),
    })
}

/// File line of a top-level key in the block (the block's first line if not found).
fn key_line(split: &Split<'_>, key: &str) -> usize {
    let quoted = format!("\"{key}\"");
    let found = split.block.lines().position(|l| {
        let rest = l
            .strip_prefix(key)
            .or_else(|| l.trim_start().strip_prefix(quoted.as_str()));
        rest.is_some_and(|r| r.trim_start().starts_with([':', '=']))
    });
    split.block_line + found.unwrap_or(0)
}

/// The file line of each key [`key_line`] would find, in one pass over the
/// block: an unindented `key` followed by `:` or `=`, or a `"key"` so
/// followed (JSON), each at the first line it starts. A key with `:` or
/// `=` in it is not found here; [`key_line`] looks for it alone.
fn key_lines_of<'b>(split: &Split<'b>) -> std::collections::HashMap<&'b str, usize> {
    let mut lines = std::collections::HashMap::new();
    for (i, l) in split.block.lines().enumerate() {
        let line = split.block_line + i;
        if let Some(end) = l.find([':', '=']) {
            let key = l[..end].trim_end();
            if !key.is_empty() && !l.starts_with(char::is_whitespace) {
                lines.entry(key).or_insert(line);
            }
        }
        let quoted = l.trim_start().strip_prefix('"');
        if let Some((key, rest)) = quoted.and_then(|q| q.split_once('"')) {
            if rest.trim_start().starts_with([':', '=']) {
                lines.entry(key).or_insert(line);
            }
        }
    }
    lines
}

/// Maps an engine's error (with lines counted inside the block) to the file.
fn syntax_error(file: &str, text: &str, split: &Split<'_>, raw: &str) -> Diagnostic {
    let raw = raw.trim_start_matches("Deserialize error: ");
    let (inner_line, col) = parse_line_col(raw).unwrap_or((1, 1));
    let block_lines = split.block.lines().count().max(1);
    let line = split.block_line + inner_line.clamp(1, block_lines) - 1;
    let format = match split.format {
        Some(Format::Toml) => "TOML",
        Some(Format::Json) => "JSON",
        _ => "YAML",
    };
    let message = first_sentence(raw);
    let d =
        Diagnostic::error(format!("front matter is not valid {format}: {message}")).in_file(file);
    let unclosed = match split.format {
        Some(Format::Yaml) => unclosed_value(split.block, inner_line.clamp(1, block_lines)),
        _ => None,
    };
    if message.contains("duplicated key") {
        d.at(text, line, col)
            .with_hint("remove one of the two entries; each key may appear once")
    } else if message.contains("tab") {
        // The engine reports where the value or block it was reading
        // began, often the line before the tab: point at the tab itself.
        let (tab_line, tab_col) = first_tab(split.block, inner_line).unwrap_or((inner_line, col));
        d.at(text, split.block_line + tab_line - 1, tab_col)
            .with_hint("indent with spaces; YAML does not allow tabs")
    } else if let Some(quoted) = message
        .contains("mapping values are not allowed")
        .then(|| quoted_value(split.block.lines().nth(inner_line.max(1) - 1)?))
        .flatten()
    {
        d.at(text, line, col).with_hint(format!(
            "a value with `: ` in it must be quoted, or YAML reads a new key there: `{quoted}`"
        ))
    } else if let Some(open) = unclosed {
        // The parser stumbles where the unclosed value runs into the next
        // key (or the end of the block): point at where it was opened.
        let what = match open.opener {
            '"' | '\'' => "quoted value",
            '[' => "list",
            _ => "mapping",
        };
        d.at(text, split.block_line + open.line - 1, open.column)
            .with_hint(format!(
                "this {what} opens with `{}` and is not closed on its line: end it with `{}`",
                open.opener,
                closer(open.opener)
            ))
    } else {
        d.at(text, line, col)
            .with_hint("check quotes, brackets and indentation on this line and the one before")
    }
}

/// The first tab in `block` on line `from` (1-based) or after, else
/// anywhere: its line and column (1-based, in characters).
fn first_tab(block: &str, from: usize) -> Option<(usize, usize)> {
    let tab_in = |(i, line): (usize, &str)| {
        let col = line.chars().position(|c| c == '\t')?;
        Some((i + 1, col + 1))
    };
    let lines = || block.lines().enumerate();
    lines()
        .skip(from.max(1) - 1)
        .find_map(tab_in)
        .or_else(|| lines().find_map(tab_in))
}

/// `title: Deploy: step one` → `title: "Deploy: step one"`: a top-level
/// key whose plain value has `: ` in it, with the value quoted; `None`
/// for other lines.
fn quoted_value(line: &str) -> Option<String> {
    let (key, value) = line.split_once(": ")?;
    let value = value.trim();
    let plain_key = !key.is_empty() && !key.starts_with([' ', '-', '"', '\'', '#']);
    let plain_value = !value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!']);
    if !(plain_key && plain_value && value.contains(": ")) {
        return None;
    }
    Some(if value.contains('"') {
        format!("{key}: '{}'", value.replace('\'', "''"))
    } else {
        format!("{key}: \"{value}\"")
    })
}

/// Where a YAML value opens a quote, list or mapping that its line does
/// not close.
#[derive(Debug, PartialEq, Eq)]
struct Unclosed {
    /// Line in the block, 1-based.
    line: usize,
    /// Column of the opener, 1-based, in characters.
    column: usize,
    /// `"`, `'`, `[` or `{`.
    opener: char,
}

/// The last line up to `upto` (1-based, in the block) whose value opens a
/// quote, a `[` list or a `{` mapping and leaves it open: the usual cause
/// of a YAML error reported further on. (YAML lets such values run over
/// several lines, but a handbook's front matter almost never does, so a
/// line that leaves one open is the first suspect.)
fn unclosed_value(block: &str, upto: usize) -> Option<Unclosed> {
    let mut found: Option<Unclosed> = None;
    for (i, line) in block.lines().take(upto).enumerate() {
        // A value may go on over the next lines and close there: then it
        // was not the problem.
        if found
            .as_ref()
            .is_some_and(|open| line.contains(closer(open.opener)))
        {
            found = None;
        }
        let body = line.trim_start();
        let value_at = if let Some(item) = body.strip_prefix("- ") {
            line.len() - item.len()
        } else if let Some(colon) = body.find(": ") {
            line.len() - body.len() + colon + 2
        } else {
            continue;
        };
        let value = line[value_at..].trim_start();
        let start = line.len() - value.len();
        let Some(opener) = value.chars().next() else {
            continue;
        };
        if matches!(opener, '"' | '\'' | '[' | '{') && !closes(value) {
            found = Some(Unclosed {
                line: i + 1,
                column: line[..start].chars().count() + 1,
                opener,
            });
        }
    }
    found
}

/// The character that closes `opener`.
fn closer(opener: char) -> char {
    match opener {
        '[' => ']',
        '{' => '}',
        quote => quote,
    }
}

/// True when a value that starts with a quote or bracket ends it on the
/// same text (escapes, doubled single quotes and quoted brackets allowed).
fn closes(value: &str) -> bool {
    let mut depth = 0usize;
    let mut quote = None;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some('\''), '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
            }
            (Some(q), c) if c == q => {
                quote = None;
                if depth == 0 {
                    return true;
                }
            }
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return true;
                }
            }
            (None, _) => {}
        }
    }
    false
}

fn first_sentence(raw: &str) -> String {
    let msg = raw
        .lines()
        .find(|l| !l.trim().is_empty() && !l.contains('|') && !l.starts_with("TOML parse error"));
    let msg = msg.unwrap_or(raw);
    let msg = msg.split(" at byte ").next().unwrap_or(msg);
    match msg.split_once(": duplicated key") {
        Some((key, _)) => format!(
            "duplicated key {}",
            key.trim_start_matches("String(")
                .trim_end_matches(')')
                .replace("\\\"", "\"")
        ),
        None => msg.trim().to_string(),
    }
}

/// Finds "line N column M" (YAML) or "line N, column M" (TOML) in an error.
fn parse_line_col(msg: &str) -> Option<(usize, usize)> {
    let after = &msg[msg.find("line ")? + 5..];
    let line: usize = after
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    let col = after
        .find("column ")
        .and_then(|i| {
            after[i + 7..]
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(1);
    Some((line, col))
}

pub(super) fn pod_to_json(pod: Pod) -> Value {
    match pod {
        Pod::Null => Value::Null,
        Pod::String(s) => Value::String(s),
        Pod::Integer(i) => Value::from(i),
        Pod::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        Pod::Boolean(b) => Value::Bool(b),
        Pod::Array(a) => Value::Array(a.into_iter().map(pod_to_json).collect()),
        Pod::Hash(h) => Value::Object(h.into_iter().map(|(k, v)| (k, pod_to_json(v))).collect()),
    }
}

/// The lines of the repeated `- tag` items of a block list that starts on
/// line `key_line` (`tags:` then one item a line), found in one pass, each
/// repeat at its own line; `key_line` for a `[flow, list]` or when the
/// items cannot be told apart.
struct RepeatLines<'t> {
    /// The list's items as written, unquoted, each with its lines (1-based)
    /// not yet given out, the first left out.
    items: std::collections::HashMap<&'t str, std::collections::VecDeque<usize>>,
    /// The key's line: where a repeat not found alone on a line points.
    key_line: usize,
}

impl<'t> RepeatLines<'t> {
    /// The items of the block list after `key_line` (1-based) in `text`.
    fn new(text: &'t str, key_line: usize) -> Self {
        let mut items: std::collections::HashMap<&str, std::collections::VecDeque<usize>> =
            std::collections::HashMap::new();
        let lines = text.lines().enumerate().skip(key_line);
        for (i, line) in
            lines.take_while(|(_, l)| l.trim_start().starts_with('-') && !l.starts_with("---"))
        {
            let item = line.trim_start()[1..].trim();
            let item = item.trim_matches(|c| c == '"' || c == '\'');
            items.entry(item).or_default().push_back(i + 1);
        }
        // The first of each is kept, not repeated.
        for lines in items.values_mut() {
            lines.pop_front();
        }
        RepeatLines { items, key_line }
    }

    /// The line of the next repeat of `tag`.
    fn next_of(&mut self, tag: &str) -> usize {
        self.items
            .get_mut(tag)
            .and_then(|lines| lines.pop_front())
            .unwrap_or(self.key_line)
    }
}

/// What to write instead of a value of the wrong type: the same value
/// without its quotes (`weight: "3"`), `true`/`false` for the words YAML
/// 1.1 took as booleans (`draft: yes`), else the type.
fn type_hint(key: &str, expected: &str, got: &Value, format: Format) -> String {
    if let Value::String(text) = got {
        let text = text.trim();
        let fix = match expected {
            e if e.starts_with("a whole number") => text.parse::<i64>().ok().map(|n| n.to_string()),
            e if e.starts_with("`true`") => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "y" => Some("true".to_string()),
                "false" | "no" | "off" | "n" => Some("false".to_string()),
                _ => None,
            },
            _ => None,
        };
        if let Some(fix) = fix {
            let line = match format {
                Format::Yaml => format!("{key}: {fix}"),
                Format::Toml => format!("{key} = {fix}"),
                Format::Json => format!("\"{key}\": {fix}"),
            };
            // The same text as the value: it can only be text for its quotes.
            return if fix == text || format != Format::Yaml {
                format!("remove the quotes: `{line}`")
            } else {
                format!("`{text}` is text in YAML 1.2, which folio reads: write `{line}`")
            };
        }
    }
    format!("write `{key}` as {expected}")
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "true/false",
        Value::Number(n) if n.is_f64() => "a decimal number",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::super::split::split;
    use super::*;

    fn load(text: &str) -> (FrontMatter, Vec<Diagnostic>) {
        let (s, _) = split("content/a.md", text).unwrap();
        let mut diags = Vec::new();
        let fm = parse("content/a.md", text, &s, &mut diags);
        (fm, diags)
    }

    #[test]
    fn the_lines_of_all_keys_are_those_found_one_by_one() {
        let pages = [
            "---\ntitle: A\n\"quoted\": 1\nextra:\n  title: nested\nlist:\n  - a\n\
             time: \"12:30\"\na:b: odd\nweight : 3\ntitle: again\n---\n",
            "+++\ntitle = \"T\"\ndate=2024-01-01\n[extra]\nowner = \"x\"\n\"dotted.key\" = 2\n+++\n",
            "{\n  \"title\": \"J\",\n  \"tags\" : [\"a\"],\n  \"x=y\": 1\n}\n",
        ];
        let keys = [
            "title",
            "quoted",
            "extra",
            "list",
            "time",
            "a:b",
            "weight",
            "date",
            "owner",
            "dotted.key",
            "tags",
            "x=y",
            "missing",
            "a",
            "\"title\"",
        ];
        for text in pages {
            let (split, _) = split("content/a.md", text).unwrap();
            let found = key_lines_of(&split);
            for key in keys {
                let alone = key_line(&split, key);
                if let Some(&line) = found.get(key) {
                    assert_eq!(line, alone, "{key} in {text}");
                } else {
                    // Not found in one pass: then not found alone either,
                    // or only as a key with `:` or `=` in it.
                    assert!(
                        alone == split.block_line || key.contains([':', '=']),
                        "{key} in {text}: line {alone}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_fast_path_reads_front_matter_as_the_yaml_parser_does() {
        // Keys and values of the simple shape, wrong types included.
        const LINES: &[&str] = &[
            "title: A title",
            "title: \"Quoted: title\"",
            "title: 42",
            "title: [a, b]",
            "weight: 3",
            "weight: high",
            "weight: [1]",
            "tags: [x, y]",
            "tags: one",
            "tags: []",
            "description: What's new, and why?",
            "featured: ../../images/a.png",
            "featured_alt: A grey box",
            "slug: other-name",
            "aliases: [old/path]",
            "template: page.html",
            "updated: soon",
            "owner: platform",
            "review-by: next",
            "",
            "# a comment",
        ];
        let mut x = 0x9e37_79b9_u32;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as usize % n
        };
        let mut compared = 0;
        for _ in 0..3000 {
            let lines: Vec<&str> = (0..1 + next(6)).map(|_| LINES[next(LINES.len())]).collect();
            let block = lines.join("\n");
            let simple = format!("---\n{block}\n---\nBody.\n");
            if super::super::simple_yaml::parse(&format!("{block}\n")).is_none() {
                continue; // a repeated key: the parser's case anyway
            }
            compared += 1;
            // A last key the fast path leaves to the parser sends the whole
            // block there.
            let full = format!("---\n{block}\nzz_parsed: true\n---\nBody.\n");
            let (mut by_parser, parser_diags) = load(&full);
            assert_eq!(by_parser.extra.remove("zz_parsed"), Some(Value::Bool(true)));
            by_parser.key_lines.retain(|(k, _)| k != "zz_parsed");
            let (fast, fast_diags) = load(&simple);
            assert_eq!(fast, by_parser, "{simple}");
            assert_eq!(fast_diags, parser_diags, "{simple}");
        }
        assert!(compared > 1000, "{compared} compared");
    }

    #[test]
    fn known_keys_are_typed() {
        let (fm, d) = load("---\ntitle: A\nweight: 3\ndraft: true\ntags: [x, y]\ndate: 2024-05-01\nowner: sam\n---\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(fm.title.as_deref(), Some("A"));
        assert_eq!(fm.weight, Some(3));
        assert!(fm.draft);
        assert_eq!(fm.tags, ["x", "y"]);
        assert_eq!(fm.date.as_deref(), Some("2024-05-01"));
        assert_eq!(fm.extra["owner"], "sam");
    }

    #[test]
    fn wrong_types_name_key_and_line() {
        let text = "---\ntitle: [a]\nweight: \"high\"\ndraft: maybe\ndate: yesterday\n---\n";
        let (_, d) = load(text);
        let mut lines: Vec<_> = d
            .iter()
            .map(|d| (d.line, d.message.split('`').nth(1).unwrap().to_string()))
            .collect();
        lines.sort();
        assert_eq!(
            lines,
            [
                (2, "title".into()),
                (3, "weight".into()),
                (4, "draft".into()),
                (5, "date".into())
            ]
        );
        assert!(d.iter().all(Diagnostic::is_error));
    }

    #[test]
    fn a_number_or_boolean_written_as_text_gets_the_value_to_write() {
        let hints: Vec<_> = [
            ("weight: \"3\"", "remove the quotes: `weight: 3`"),
            (
                "weight: high",
                "write `weight` as a whole number (e.g. `10`)",
            ),
            ("draft: 'false'", "remove the quotes: `draft: false`"),
            (
                "draft: yes",
                "`yes` is text in YAML 1.2, which folio reads: write `draft: true`",
            ),
            (
                "draft: Off",
                "`Off` is text in YAML 1.2, which folio reads: write `draft: false`",
            ),
            ("draft: maybe", "write `draft` as `true` or `false`"),
        ]
        .into_iter()
        .map(|(line, hint)| {
            let (_, d) = load(&format!("---\ntitle: A\n{line}\n---\n"));
            assert_eq!(d.len(), 1, "{line}: {d:?}");
            assert_eq!(d[0].line, 3);
            (d[0].hint.clone().unwrap_or_default(), hint)
        })
        .collect();
        for (got, want) in hints {
            assert_eq!(got, want);
        }
        // In TOML and JSON, in their own syntax.
        for (text, hint) in [
            (
                "+++\nweight = \"3\"\n+++\n",
                "remove the quotes: `weight = 3`",
            ),
            (
                "{\"draft\": \"true\"}\n",
                "remove the quotes: `\"draft\": true`",
            ),
        ] {
            let (_, d) = load(text);
            assert_eq!(d.len(), 1, "{text}: {d:?}");
            assert_eq!(d[0].hint.as_deref(), Some(hint));
        }
    }

    #[test]
    fn keys_that_disagree_warn() {
        let (fm, d) = load(
            "---\ntitle: A\ntags: [ops, db, ops]\ndate: 2024-05-01T10:00:00Z\n\
             updated: 2024-04-30\nfeatured_alt: A chart\ndescription: >\n  Folded\n  text.\n---\n",
        );
        assert_eq!(fm.tags, ["ops", "db"]);
        assert_eq!(fm.description.as_deref(), Some("Folded text."));
        let found: Vec<_> = d
            .iter()
            .map(|d| (d.is_error(), d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (false, 3, "tag `ops` is listed twice; it is kept once"),
                (
                    false,
                    5,
                    "`updated` (2024-04-30) is before `date` (2024-05-01T10:00:00Z)"
                ),
                (
                    false,
                    6,
                    "`featured_alt` describes a featured image, but the page has no `featured`"
                ),
            ]
        );
        // In a block list, the second item is pointed at.
        let (fm, d) = load("---\ntags:\n  - ops\n  - db\n  - \"ops\"\ntitle: A\n---\n");
        assert_eq!(fm.tags, ["ops", "db"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, 5);
        // Listed three times: each repeat at its own line.
        let (fm, d) = load("---\ntags:\n  - ops\n  - ops\n  - db\n  - ops\ntitle: A\n---\n");
        assert_eq!(fm.tags, ["ops", "db"]);
        let lines: Vec<usize> = d.iter().map(|d| d.line).collect();
        assert_eq!(lines, [4, 6], "{d:?}");
        let (_, d) = load(
            "---\ndate: 2024-05-01\nupdated: 2024-05-01\nfeatured: a.png\nfeatured_alt: x\n---\n",
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn tags_written_with_commas_warn_and_stay_one_tag() {
        let (fm, d) = load("---\ntitle: A\ntags: deploy, on-call\n---\n");
        assert_eq!(fm.tags, ["deploy, on-call"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(!d[0].is_error());
        assert_eq!(d[0].line, 3);
        assert_eq!(
            d[0].hint.as_deref(),
            Some("for several, write a list: `tags: [deploy, on-call]`")
        );
        let (fm, d) = load("---\ntags: [deploy, on-call]\n---\n");
        assert_eq!((fm.tags.len(), d.len()), (2, 0));
        let (_, d) = load("---\ntags: \"deploy\"\n---\n");
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn aliases_that_climb_out_of_the_site_are_errors() {
        let text = "---\ntitle: A\naliases: [/old/, \"../../etc/x\", \"a\\\\..\\\\b\"]\n---\n";
        let (fm, d) = load(text);
        assert_eq!(fm.aliases, ["/old/"]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].line, 3);
        assert!(
            d[0].message.contains("`../../etc/x` climbs out"),
            "{}",
            d[0].message
        );
        let (fm, d) = load("---\naliases: /old..name/\n---\n");
        assert!(d.is_empty(), "dots inside a name are fine: {d:?}");
        assert_eq!(fm.aliases, ["/old..name/"]);
    }

    #[test]
    fn yaml_errors_map_to_file_lines() {
        let (_, d) = load("---\ntitle: A\ntags: [a, b\n---\nbody\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("not valid YAML"), "{}", d[0].message);
        assert!((3..=4).contains(&d[0].line), "line {}", d[0].line);
        let (_, d) = load("---\ntitle: A\ntitle: B\n---\n");
        assert_eq!(d[0].line, 3);
        assert!(
            d[0].message.contains("duplicated key \"title\""),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn a_colon_in_a_plain_value_suggests_the_value_quoted() {
        let (_, d) = load("---\ntitle: Deploy: step one\n---\nbody\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, 2);
        let hint = d[0].hint.as_deref().unwrap();
        assert!(hint.ends_with("`title: \"Deploy: step one\"`"), "{hint}");
        // With double quotes inside, single quotes (and theirs doubled).
        let (_, d) = load("---\ntitle: Say \"go\": it's time\n---\n");
        let hint = d[0].hint.as_deref().unwrap();
        assert!(
            hint.ends_with("`title: 'Say \"go\": it''s time'`"),
            "{hint}"
        );
        assert_eq!(quoted_value("  nested: a: b"), None);
        assert_eq!(quoted_value("title: \"a: b\""), None);
        assert_eq!(quoted_value("title: a:b"), None);
    }

    #[test]
    fn a_tab_is_pointed_at_where_it_is() {
        let (_, d) = load("---\ntitle: B\ntags:\n- x\n\t- y\n---\nbody\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].column), (5, 1), "{d:?}");
        assert!(d[0].hint.as_deref().unwrap().contains("indent with spaces"));
        assert_eq!(first_tab("a\nb\tc\n\td", 3), Some((3, 1)));
        assert_eq!(first_tab("a\nb\tc\nd", 3), Some((2, 2)));
        assert_eq!(first_tab("a\nb", 1), None);
    }

    #[test]
    fn an_unclosed_quote_or_list_is_pointed_at_where_it_opens() {
        let (_, d) = load("---\ntitle: \"Home\nweight: 3\n---\nbody\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].column), (2, 8));
        let hint = d[0].hint.as_deref().unwrap();
        assert!(hint.contains("quoted value opens with `\"`"), "{hint}");
        let (_, d) = load("---\ntitle: A\ntags: [a, b\n---\nbody\n");
        assert_eq!((d[0].line, d[0].column), (3, 7));
        let hint = d[0].hint.as_deref().unwrap();
        assert!(hint.contains("end it with `]`"), "{hint}");
        // Other errors keep the engine's place and the general advice.
        let (_, d) = load("---\ntitle: A\n  bad: [indent]\nx: y\n---\n");
        assert!(
            d[0].hint.as_deref().unwrap().starts_with("check quotes"),
            "{d:?}"
        );
    }

    #[test]
    fn values_left_open_are_found_and_closed_ones_are_not() {
        let open =
            |block: &str, upto| unclosed_value(block, upto).map(|u| (u.line, u.column, u.opener));
        assert_eq!(open("title: \"Home\nweight: 3", 2), Some((1, 8, '"')));
        assert_eq!(open("a: 1\ntags:\n  - 'x\nb: 2", 4), Some((3, 5, '\'')));
        assert_eq!(open("extra: {a: 1\nb: 2", 2), Some((1, 8, '{')));
        assert_eq!(
            open("title: \"Ünï\\\"code\"\ntags: [a, \"b]\", 'c''d']", 2),
            None
        );
        assert_eq!(open("title: \"said \\\"hi\\\"", 1), Some((1, 8, '"')));
        // Columns count characters, not bytes.
        assert_eq!(open("tïtle: \"x", 1), Some((1, 8, '"')));
        // A list that goes on over lines and closes is not the problem.
        assert_eq!(open("tags: [a,\n  b]\n  oops: 1", 3), None);
        // Only lines up to the error count.
        assert_eq!(open("a: 1\nb: 2\nc: \"x", 2), None);
        assert!(closes("[a, [b], c]"));
        assert!(!closes("[a, \"]\""));
        assert!(closes("'it''s'"));
        assert!(!closes("'it''s"));
    }

    #[test]
    fn toml_errors_map_to_file_lines() {
        let (_, d) = load("+++\ntitle = \"A\"\ntags = [1, 2\n+++\n");
        assert_eq!(d[0].line, 3);
        assert!(d[0].message.contains("not valid TOML"));
    }

    #[test]
    fn non_mapping_front_matter_is_an_error_at_line_two() {
        let (_, d) = load("---\n- a\n- b\n---\n");
        assert_eq!(d[0].line, 2);
        assert!(d[0].message.contains("must be a mapping"));
    }

    #[test]
    fn typo_of_known_key_warns() {
        let (fm, d) = load("---\ntitel: A\n---\n");
        assert_eq!(d.len(), 1);
        assert!(!d[0].is_error());
        assert_eq!(d[0].line, 2);
        assert!(fm.extra.contains_key("titel"));
    }

    #[test]
    fn dates() {
        assert!(is_date("2024-05-31"));
        assert!(is_date("2024-05-31T09:00:00Z"));
        assert!(!is_date("2024-13-01"));
        assert!(!is_date("yesterday"));
        assert!(is_date("2024-02-29") && !is_date("2023-02-29"));
        assert!(is_date("2000-02-29") && !is_date("1900-02-29"));
        assert!(!is_date("2024-04-31") && !is_date("2024-05-00"));
        assert!(!is_date("2024-5-31") && !is_date("2024-05-31x"));
        // A time after the day, as YAML and TOML write it.
        for fine in [
            "2024-05-31T09:00",
            "2024-05-31t09:00:00z",
            "2024-05-31 09:00:00",
            "2024-05-31T23:59:60.123456+05:30",
            "2024-05-31T09:00:00-0800",
            "2024-05-31 09:00:00 +01:00",
        ] {
            assert!(is_date(fine), "{fine}");
        }
        for (date, why_not) in [
            ("2024-02-29T25:00:00Z", "there is no hour 25"),
            ("2024-02-29T10:61", "there is no minute 61"),
            (
                "2024-02-29 whenever",
                "after the day comes a time like `T09:00:00Z`",
            ),
            (
                "2024-02-29T10:00:00 CET",
                "`CET` is no time zone: write `Z` (UTC) or an offset like `+02:00`",
            ),
        ] {
            assert_eq!(
                time_problem(&date[10..]).as_deref(),
                Some(why_not),
                "{date}"
            );
        }
        assert!(!is_date("2024-05-31T") && !is_date("2024-05-31T9:00"));
        assert!(!is_date("2024-05-31T09:00+24:00"));
    }

    #[test]
    fn a_slug_or_alias_part_past_a_file_names_length_is_an_error_at_its_line() {
        // Written as a folder of the output, it failed there, with no line
        // and a hint about disk space ("File name too long").
        let long = "a".repeat(300);
        let (fm, d) = load(&format!(
            "---\ntitle: T\nslug: {long}\naliases: [/old/{long}/, /x/]\n---\n"
        ));
        let messages: Vec<_> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        let alias = format!(
            "alias `/old/{long}/` has a part longer than the 255 bytes a folder name may have"
        );
        assert_eq!(
            messages,
            [
                (4, alias.as_str()),
                (
                    3,
                    "`slug` is 300 bytes long, and a folder name may have 255"
                ),
            ]
        );
        assert_eq!(fm.aliases, ["/x/"]);
        let (fm, d) = load(&format!("---\nslug: {}\n---\n", "b".repeat(255)));
        assert!(d.is_empty() && fm.slug.is_some(), "{d:?}");
    }

    #[test]
    fn impossible_dates_say_what_is_wrong() {
        let text = "---\ndate: 2024-13-45\nupdated: 2023-02-29\n---\n";
        let (fm, d) = load(text);
        assert_eq!(fm.date, None);
        let messages: Vec<_> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            messages,
            [
                (
                    2,
                    "`date` is `2024-13-45`, which is not a date: there is no month 13"
                ),
                (
                    3,
                    "`updated` is `2023-02-29`, which is not a date: February 2023 has 28 days"
                ),
            ]
        );
        let (_, d) = load("---\ndate: last week\n---\n");
        assert!(d[0].message.ends_with("but it is text"), "{}", d[0].message);
    }
}
