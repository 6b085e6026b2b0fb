//! The globals written into the templates when they are compiled.
//!
//! `site`, `assets` and `folio` are the same on every page
//! of a build, but Tera looks a global up through every scope of the page
//! (loops, `set`s, includes, the page's context, then the globals) and
//! escapes it each time: ~1,000 instructions a value. The handbook theme
//! prints ~30 of them a page (its words, `site.strings.*`, were 6% of a
//! default-theme build; the title, the home URL and the assets' URLs ~3%
//! more). So before the templates are compiled, each reference to a
//! global that is a string is written in:
//!
//! - a tag that only prints one (`{{ site.title }}`, `{{
//!   assets['folio.css'] }}`) becomes the text, escaped as Tera would;
//! - `{{ site.strings.reading_time | fill(minutes=page.reading_minutes)
//!   }}` becomes the word's text around Tera's print of each value (see
//!   [`filled`]);
//! - any other reference in a tag (`{% if page.url == site.home_url %}`)
//!   becomes a string literal.
//!
//! The pages are the same bytes either way (a test renders sites both
//! ways). Nothing is folded inside `{% raw %}`, comments or string
//! literals, nor at all when a template could give a global another value
//! (`{% set site = … %}`, a loop or macro argument of that name). Errors
//! Tera reports in a folded line are moved back to the columns as written
//! ([`Shift`]).

use serde_json::{Map, Value};

/// Where folding moved a line's later columns: from column `at` (1-based,
/// in the folded text) on, by `by` characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// Line, 1-based.
    pub line: usize,
    /// Where the folded tag started, as written and as folded.
    pub start: usize,
    /// The first column after the word, in the folded text.
    pub at: usize,
    /// Columns added (negative: removed) by the fold.
    pub by: isize,
}

/// The column, as written, of column `col` of line `line` of a folded
/// text; a column inside a folded word is its tag's first.
pub fn written_col(shifts: &[Shift], line: usize, col: usize) -> usize {
    let mut moved: isize = 0;
    for s in shifts.iter().filter(|s| s.line == line) {
        if col >= s.at {
            moved += s.by;
        } else if col >= s.start {
            return (s.start as isize - (moved)).max(1) as usize;
        }
    }
    (col as isize - moved).max(1) as usize
}

/// `text` with the site's words written in: a tag that only prints one,
/// `{{ site.strings.<key> }}`, becomes the word itself (escaped for HTML
/// when `escape`, as Tera would); elsewhere in a tag (`{{
/// site.strings.page_count | fill(count=n) }}`, `{% set x =
/// site.strings.home %}`) the reference becomes a string literal. Returns
/// `None` when there is nothing to fold.
pub fn fold(text: &str, values: &Map<String, Value>, escape: bool) -> Option<(String, Vec<Shift>)> {
    if !values.keys().any(|name| text.contains(name.as_str())) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find('{') {
        let start = at + found;
        let close = match bytes.get(start + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => {
                at = text[start..]
                    .find("#}")
                    .map_or(text.len(), |e| start + e + 2);
                continue;
            }
            _ => {
                at = start + 1;
                continue;
            }
        };
        let end = tag_end(text, start + 2, close);
        let inner = &text[start + 2..end.saturating_sub(2).max(start + 2)];
        at = end;
        if close == "%}" && tag_is(inner, "raw") {
            at = endraw(text, end);
            continue;
        }
        if close == "}}" {
            if let Some(w) = printed(inner, values).filter(|w| as_text(w)) {
                edits.push((start..end, if escape { escaped(w) } else { w.to_string() }));
                continue;
            }
            if let Some(filled) = filled(inner, values, escape) {
                edits.push((start..end, filled));
                continue;
            }
        }
        for (range, w) in references(inner, values) {
            let range = start + 2 + range.start..start + 2 + range.end;
            edits.push((range, literal(w)));
        }
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 256);
    let mut shifts = Vec::with_capacity(edits.len());
    let mut copied = 0;
    // Line of `copied`, and where that line starts in `out`.
    let (mut line, mut line_start) = (1, 0);
    for (range, with) in edits {
        let between = &text[copied..range.start];
        if let Some(last) = between.rfind('\n') {
            line += between.matches('\n').count();
            line_start = out.len() + last + 1;
        }
        out.push_str(between);
        let col = out[line_start..].chars().count() + 1;
        out.push_str(&with);
        let written = text[range.clone()].chars().count();
        let folded = with.chars().count();
        shifts.push(Shift {
            line,
            start: col,
            at: col + folded,
            by: folded as isize - written as isize,
        });
        copied = range.end;
    }
    out.push_str(&text[copied..]);
    Some((out, shifts))
}

/// The byte positions of `text` from `from` on that are code: not in a
/// string literal, nor its quotes.
fn code_positions(text: &str, from: usize) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut quote = None;
    let mut escaped = false;
    (from..bytes.len()).filter(move |&i| {
        let b = bytes[i];
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if b == b'\\' => escaped = true,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None => return true,
        }
        false
    })
}

/// Where a tag whose content starts at `from` ends (after `close`),
/// passing over string literals.
fn tag_end(text: &str, from: usize, close: &str) -> usize {
    code_positions(text, from)
        .find(|&i| text.as_bytes()[i..].starts_with(close.as_bytes()))
        .map_or(text.len(), |i| i + close.len())
}

/// Whether a tag's content is `name` (with any whitespace trimming).
fn tag_is(inner: &str, name: &str) -> bool {
    inner.trim_matches(['-', ' ', '\t', '\n', '\r']) == name
}

/// Where the `{% endraw %}` after `from` ends (the text's end without one).
fn endraw(text: &str, from: usize) -> usize {
    let mut at = from;
    while let Some(found) = text[at..].find("{%") {
        let start = at + found;
        let end = tag_end(text, start + 2, "%}");
        if tag_is(
            &text[start + 2..end.saturating_sub(2).max(start + 2)],
            "endraw",
        ) {
            return end;
        }
        at = end;
    }
    text.len()
}

/// The string a global's path at byte `at` of `code` leads to, and where
/// the path ends: `site.title`, `site.strings.next`, `assets['folio.css']`.
/// `None` for anything else: a path to a map, to a value that is not
/// there, or one followed by more (an attribute, an index, a call).
fn path_at<'v>(code: &str, at: usize, values: &'v Map<String, Value>) -> Option<(&'v str, usize)> {
    let bytes = code.as_bytes();
    // A name starts with an ASCII letter or `_` (so `at` is a character's
    // start), not after another name's letters or a `.`.
    if !bytes
        .get(at)
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        || (at > 0 && (is_ident(bytes[at - 1]) || bytes[at - 1] == b'.'))
    {
        return None;
    }
    let ident = |from: usize| from + bytes[from..].iter().take_while(|b| is_ident(**b)).count();
    let mut end = ident(at);
    let mut value = values.get(&code[at..end])?;
    loop {
        match bytes.get(end) {
            Some(b'.') if bytes.get(end + 1).is_some_and(|b| is_ident(*b)) => {
                let key_end = ident(end + 1);
                value = value.get(&code[end + 1..key_end])?;
                end = key_end;
            }
            Some(b'[') if matches!(bytes.get(end + 1), Some(b'\'' | b'"')) => {
                let quote = bytes[end + 1];
                let key_start = end + 2;
                let key_len = bytes[key_start..].iter().position(|b| *b == quote)?;
                let key = &code[key_start..key_start + key_len];
                if key.contains('\\') || bytes.get(key_start + key_len + 1) != Some(&b']') {
                    return None;
                }
                value = value.get(key)?;
                end = key_start + key_len + 2;
            }
            _ => break,
        }
    }
    let next = code[end..].trim_start_matches([' ', '\t']).bytes().next();
    if matches!(next, Some(b'.' | b'[' | b'(' | b'?')) {
        return None;
    }
    Some((value.as_str()?, end))
}

/// The string a print tag's content prints when it is only a global's
/// path (no whitespace trimming, which text in its place would not do).
fn printed<'v>(inner: &str, values: &'v Map<String, Value>) -> Option<&'v str> {
    let path = inner.trim_matches([' ', '\t']);
    match path_at(path, 0, values)? {
        (text, end) if end == path.len() => Some(text),
        _ => None,
    }
}

/// A print tag's content `<global's path> | fill(name=path, …)`, each
/// value a plain path (`page.reading_minutes`), as the word's text with
/// each `{name}` printed by Tera: `{{ page.reading_minutes }} min read`.
/// The same bytes as the filter's (escaping is done a character at a
/// time, so a word escaped in parts is the word escaped), without a
/// filter call a page. Not for a word with forms (`count` picks one as
/// the page renders), nor with a value the word does not show (it would
/// not be looked up, and could not fail).
fn filled(inner: &str, values: &Map<String, Value>, escape: bool) -> Option<String> {
    let inner = inner.trim_matches([' ', '\t']);
    let (w, end) = path_at(inner, 0, values)?;
    if !as_text(w) || w.contains('|') {
        return None;
    }
    let call = inner[end..].trim_start().strip_prefix('|')?.trim_start();
    let args = call.strip_prefix("fill")?.trim_start().strip_prefix('(')?;
    let args = args.strip_suffix(')')?;
    let mut values = Vec::new();
    for arg in args.split(',').filter(|a| !a.trim().is_empty()) {
        let (name, path) = arg.split_once('=')?;
        let (name, path) = (name.trim(), path.trim());
        let plain = |part: &str| !part.is_empty() && part.bytes().all(is_ident);
        if !plain(name) || !path.split('.').all(plain) || path.as_bytes()[0].is_ascii_digit() {
            return None;
        }
        // Each value is printed, so a path that is not there is still
        // an error.
        if !w.contains(&format!("{{{name}}}")) {
            return None;
        }
        values.push((name, path));
    }
    let text = |part: &str| {
        if escape {
            escaped(part)
        } else {
            part.to_string()
        }
    };
    let mut out = String::new();
    let mut rest = w;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let named = after.find('}').and_then(|close| {
            let path = values.iter().find(|(n, _)| *n == &after[..close])?.1;
            Some((close, path))
        });
        match named {
            Some((close, path)) => {
                out.push_str(&text(&rest[..open]));
                out.push_str(&format!("{{{{ {path} }}}}"));
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&text(&rest[..=open]));
                rest = after;
            }
        }
    }
    out.push_str(&text(rest));
    Some(out)
}

/// Each path to a global's string in a tag's content, outside string
/// literals: its range in `inner`, and the string.
fn references<'v>(
    inner: &str,
    values: &'v Map<String, Value>,
) -> Vec<(std::ops::Range<usize>, &'v str)> {
    let mut found = Vec::new();
    let mut past = 0;
    for i in code_positions(inner, 0) {
        if i < past {
            continue;
        }
        if let Some((text, end)) = path_at(inner, i, values) {
            found.push((i..end, text));
            past = end;
        }
    }
    found
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether a word can stand as template text: no line break (lines would
/// move) and nothing Tera would read as a tag.
fn as_text(word: &str) -> bool {
    !word.contains(['\n', '\r']) && !["{{", "{%", "{#"].iter().any(|t| word.contains(t))
}

/// A word escaped as Tera escapes what it prints.
fn escaped(word: &str) -> String {
    let mut bytes = Vec::with_capacity(word.len() + 8);
    // Writing to a Vec cannot fail.
    let _ = tera::escape_html(word, &mut bytes);
    String::from_utf8(bytes).unwrap_or_default()
}

/// A word as a Tera string literal.
fn literal(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    out.push('"');
    for c in word.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a template may give one of `names` a value of its own: `{%
/// set site %}`, `{% for site in %}`, or a macro's or component's
/// argument of that name. Then no template is folded (one included by it
/// would see that value too).
pub fn declares(text: &str, names: &[&str]) -> bool {
    let mut at = 0;
    while let Some(found) = text[at..].find("{%") {
        let start = at + found + 2;
        let end = tag_end(text, start, "%}");
        let words: Vec<&str> = text[start..end.saturating_sub(2).max(start)]
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        let named = |w: &&str| names.contains(w);
        let declares = match words.first().copied() {
            Some("set" | "set_global") => words.get(1).is_some_and(named),
            Some("for") => words.iter().take_while(|w| **w != "in").any(&named),
            Some("macro" | "component") => words.iter().skip(2).any(named),
            _ => false,
        };
        if declares {
            return true;
        }
        at = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Globals as a build has them, with `more` words.
    fn values_with(more: &[(&str, &str)]) -> Map<String, Value> {
        let mut words = serde_json::json!({
            "home": "Start & <Ziel>",
            "next": "Weiter",
            "braced": "a {{ b }}",
            "quoted": "say \"hi\" \\ \n",
        });
        for (k, v) in more {
            words[*k] = (*v).into();
        }
        let values = serde_json::json!({
            "site": { "title": "R&D", "home_url": "/", "strings": words, "extra": { "map": {} } },
            "assets": { "folio.css": "/folio.1a.css" },
            "search_index": "/search-index.js",
        });
        values.as_object().unwrap().clone()
    }

    fn words() -> Map<String, Value> {
        values_with(&[])
    }

    #[test]
    fn a_printed_word_becomes_text_and_a_word_in_an_expression_a_literal() {
        let (text, shifts) = fold(
            "<a>{{ site.strings.home }}</a>{{site.strings.next}}|{{ site.strings.next | upper }}",
            &words(),
            true,
        )
        .unwrap();
        assert_eq!(
            text,
            "<a>Start &amp; &lt;Ziel&gt;</a>Weiter|{{ \"Weiter\" | upper }}"
        );
        assert_eq!(shifts.len(), 3);
        // Without escaping (a template Tera does not escape).
        let (text, _) = fold("{{ site.strings.home }}", &words(), false).unwrap();
        assert_eq!(text, "Start & <Ziel>");
        for (written, folded) in [
            ("{{- site.strings.home }}", "{{- \"Start & <Ziel>\" }}"),
            ("{{ site.strings.home -}}", "{{ \"Start & <Ziel>\" -}}"),
            ("{{ site.strings.braced }}", "{{ \"a {{ b }}\" }}"),
            (
                "{{ site.strings.quoted }}",
                "{{ \"say \\\"hi\\\" \\\\ \\n\" }}",
            ),
            (
                "{{ site.strings.home ~ 'x' }}",
                "{{ \"Start & <Ziel>\" ~ 'x' }}",
            ),
            (
                "{% if site.strings.next == \"}}\" %}{{ (site.strings.next) }}{% endif %}",
                "{% if \"Weiter\" == \"}}\" %}{{ (\"Weiter\") }}{% endif %}",
            ),
            (
                "{{ site.strings.next | fill(count=site.strings.home) }}",
                "{{ \"Weiter\" | fill(count=\"Start & <Ziel>\") }}",
            ),
        ] {
            assert_eq!(
                fold(written, &words(), true).unwrap().0,
                folded,
                "{written}"
            );
        }
    }

    #[test]
    fn a_word_filled_with_plain_paths_becomes_text_around_them() {
        let w = values_with(&[
            ("time", "{minutes} Min. & {x} {minutes}"),
            ("count", "{count} page|{count} pages"),
            ("of", "page {number} of {total}"),
        ]);
        let fold = |text: &str| fold(text, &w, true).unwrap().0;
        assert_eq!(
            fold("{{ site.strings.time | fill(minutes=page.reading_minutes) }}"),
            "{{ page.reading_minutes }} Min. &amp; {x} {{ page.reading_minutes }}"
        );
        assert_eq!(
            fold("{{ site.strings.of | fill(number=p.number, total=p.total) }}"),
            "page {{ p.number }} of {{ p.total }}"
        );
        // Anything but plain paths, or a word with forms, keeps the filter.
        for (written, folded) in [
            (
                "{{ site.strings.count | fill(count=n) }}",
                "{{ \"{count} page|{count} pages\" | fill(count=n) }}",
            ),
            (
                "{{ site.strings.of | fill(number=p.list[0], total=2) }}",
                "{{ \"page {number} of {total}\" | fill(number=p.list[0], total=2) }}",
            ),
            (
                "{{ site.strings.of | fill(number=n) | upper }}",
                "{{ \"page {number} of {total}\" | fill(number=n) | upper }}",
            ),
        ] {
            assert_eq!(fold(written), folded, "{written}");
        }
    }

    #[test]
    fn other_globals_that_are_strings_are_written_in_too() {
        let fold = |text: &str| fold(text, &words(), true).map(|(t, _)| t);
        for (written, folded) in [
            ("<title>{{ site.title }}</title>", "<title>R&amp;D</title>"),
            (
                "<link href=\"{{ assets['folio.css'] }}\">",
                "<link href=\"/folio.1a.css\">",
            ),
            ("{{ assets[\"folio.css\"] }}", "/folio.1a.css"),
            (
                "{% if page.url == site.home_url %}x{% endif %}",
                "{% if page.url == \"/\" %}x{% endif %}",
            ),
            (
                "data-index=\"{{ search_index }}\"",
                "data-index=\"/search-index.js\"",
            ),
        ] {
            assert_eq!(fold(written).as_deref(), Some(folded), "{written}");
        }
        for written in [
            "{{ site.extra.map }}",
            "{{ site.extra }}",
            "{{ assets['nope.css'] }}",
            "{{ assets[name] }}",
            "{{ page.title }}",
            "{{ sites.title }}",
        ] {
            assert_eq!(fold(written), None, "{written}");
        }
    }

    #[test]
    fn what_is_not_a_word_of_the_site_is_left_for_tera() {
        for text in [
            "{{ site.strings.nope }}",
            "{{ site.strings }}",
            "{{ site.strings.home.length }}",
            "{{ site.strings.home[0] }}",
            "{{ foo.site.strings.home }}",
            "{{ mysite.strings.home }}",
            "{{ \"site.strings.home\" }}",
            "{{ 'it\\'s site.strings.home' }}",
            "{{ é ~ 'site.strings.home' }}",
            "{# site.strings.home #}",
            "{% raw %}{{ site.strings.home }}{% endraw %}",
            "{%- raw -%} {{ site.strings.next }} {%- endraw -%}",
            "site.strings.home outside any tag",
            "no words",
        ] {
            assert_eq!(fold(text, &words(), true), None, "{text}");
        }
        let (text, _) = fold(
            "{% raw %}{{ site.strings.home }}{% endraw %}{{ site.strings.next }}",
            &words(),
            true,
        )
        .unwrap();
        assert_eq!(text, "{% raw %}{{ site.strings.home }}{% endraw %}Weiter");
    }

    #[test]
    fn columns_after_a_folded_word_are_moved_back() {
        let written = "ab\n{{ site.strings.next }}é{{ site.strings.home }}{{ oops }}";
        let (text, shifts) = fold(written, &words(), true).unwrap();
        let line = text.lines().nth(1).unwrap();
        let oops = line.chars().collect::<String>().find("{{ oops").unwrap();
        let col = line[..oops].chars().count() + 1;
        let want = written.lines().nth(1).unwrap().find("{{ oops").unwrap();
        let want = written.lines().nth(1).unwrap()[..want].chars().count() + 1;
        assert_eq!(written_col(&shifts, 2, col), want);
        // Inside a folded word: its tag's first column.
        assert_eq!(written_col(&shifts, 2, 3), 1);
        assert_eq!(written_col(&shifts, 2, 7), 24, "the é after the first word");
        // Other lines are not moved.
        assert_eq!(written_col(&shifts, 1, 2), 2);
    }

    #[test]
    fn a_template_that_may_give_a_global_a_value_is_found() {
        assert!(declares(
            "{% for assets in x %}{% endfor %}",
            &["site", "assets"]
        ));
        assert!(!declares("{% for assets in x %}{% endfor %}", &["site"]));
        for text in [
            "{% set site = 1 %}",
            "{%- set_global site = x -%}",
            "{% for site in sites %}{% endfor %}",
            "{% for k, site in map %}{% endfor %}",
            "{% macro card(title, site) %}{% endmacro %}",
        ] {
            assert!(declares(text, &["site"]), "{text}");
        }
        for text in [
            "{% set sites = 1 %}{{ site.title }}",
            "{% for p in site.extra.list %}{% endfor %}",
            "{% macro card(title) %}{{ site.title }}{% endmacro %}",
            "{% if site %}{% endif %}",
        ] {
            assert!(!declares(text, &["site"]), "{text}");
        }
    }
}
