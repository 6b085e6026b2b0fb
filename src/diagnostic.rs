//! Problems found while building, and how they are shown to people.
//!
//! Every stage reports what it finds as [`Diagnostic`] values instead of
//! stopping at the first problem, so one run lists everything that is wrong.
//! A diagnostic carries the file, line, column and the text of the offending
//! line, so printing it needs no further I/O.

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The site builds, but something deserves attention.
    Warning,
    /// The site cannot be published as it is.
    Error,
}

/// One problem, located in a file where possible.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Project-relative path (`content/a.md`, `templates/page.html`), if any.
    pub file: Option<String>,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column (in characters); 0 when unknown.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The text of the offending line, for the caret display.
    pub source_line: Option<String>,
    /// A link that leads nowhere (a missing page, URL or anchor): an error
    /// in a build, a warning while previewing (see [`Diagnostic::for_preview`]).
    #[serde(skip)]
    pub broken_link: bool,
}

impl Diagnostic {
    /// An error not tied to a file.
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    /// A warning not tied to a file.
    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: None,
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            source_line: None,
            broken_link: false,
        }
    }

    /// Marks a link that leads nowhere.
    pub fn broken_link(mut self) -> Self {
        self.broken_link = true;
        self
    }

    /// This problem as the preview reports it: a broken link is a warning
    /// there, so a page that links to one not written yet still updates.
    pub fn for_preview(mut self, preview: bool) -> Self {
        if preview && self.broken_link {
            self.severity = Severity::Warning;
        }
        self
    }

    /// Names the file the problem is in.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Places the problem at `line`:`column` of `text` (the whole file's text),
    /// keeping a copy of that line for display.
    pub fn at(mut self, text: &str, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self.quote(text);
        self
    }

    /// Keeps a copy of the problem's line of `text` (the whole file's
    /// text) for display.
    pub fn quote(&mut self, text: &str) {
        self.source_line = text
            .lines()
            .nth(self.line.saturating_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
    }

    /// Places the problem at a line without source text.
    pub fn at_line(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Adds advice on how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` (or as much of it as is known).
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(match (self.line, self.column) {
            (0, _) => file.clone(),
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        })
    }
}

impl fmt::Display for Diagnostic {
    /// Renders the diagnostic the way a compiler does: a headline, the
    /// location, the source line with a caret, and the hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{kind}: {}", self.message)?;
        if let Some(loc) = self.location() {
            writeln!(f, "  --> {loc}")?;
        }
        if let Some(src) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let shown: String = src.replace('\t', " ");
            writeln!(f, " {pad} |")?;
            writeln!(f, " {num} | {shown}")?;
            if self.column > 0 {
                let caret_at = " ".repeat(self.column - 1);
                writeln!(f, " {pad} | {caret_at}^")?;
            }
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = help: {hint}")?;
        }
        Ok(())
    }
}

/// How many problems with the same message in the same file are shown in
/// full; the rest are counted in one note (see [`for_reading`]).
pub const SHOWN_ALIKE: usize = 10;

/// `diags` as people read them, one text each: sorted by file and place
/// (problems of no one file last, as a count of the orphan pages not
/// named follows those named), with at most [`SHOWN_ALIKE`] of the same message in one file, and
/// after that file's problems a note that counts the others and names
/// their lines. A page that links to a missing heading 300,000 times
/// reads as ten of those links and a note, not as 180 MB of text (in the
/// terminal, or in the preview's overlay). Every problem is still counted
/// and still fails the build; `folio check --format json` lists them all.
pub fn for_reading<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<String> {
    let mut sorted: Vec<&Diagnostic> = diags.into_iter().collect();
    sorted.sort_by(|a, b| {
        (a.file.is_none(), &a.file, a.line, a.column).cmp(&(
            b.file.is_none(),
            &b.file,
            b.line,
            b.column,
        ))
    });
    let mut out = Vec::new();
    for in_file in sorted.chunk_by(|a, b| a.file == b.file) {
        // Each message of the file in order of first appearance: its first
        // problem, how many there were, and the lines of those not shown.
        let mut alike: Vec<(&Diagnostic, usize, Vec<usize>)> = Vec::new();
        let mut index: std::collections::HashMap<(Severity, &str), usize> =
            std::collections::HashMap::new();
        for &d in in_file {
            let i = *index
                .entry((d.severity, d.message.as_str()))
                .or_insert_with(|| {
                    alike.push((d, 0, Vec::new()));
                    alike.len() - 1
                });
            alike[i].1 += 1;
            if alike[i].1 <= SHOWN_ALIKE {
                out.push(d.to_string());
            } else {
                alike[i].2.push(d.line);
            }
        }
        out.extend(
            alike
                .iter()
                .filter(|(_, _, lines)| !lines.is_empty())
                .map(|(d, _, lines)| more_alike(d, lines)),
        );
    }
    out
}

/// The note that counts the problems like `first` that were not shown,
/// at `lines` (in order; 0 for a problem of the whole file).
fn more_alike(first: &Diagnostic, lines: &[usize]) -> String {
    let kind = match first.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let n = lines.len();
    let plural = if n == 1 { "" } else { "s" };
    let place = first.file.as_deref().unwrap_or("the site");
    let mut text = format!(
        "note: {n} more {kind}{plural} like this in {place}: {}
",
        first.message
    );
    let mut distinct: Vec<usize> = lines.iter().copied().filter(|&l| l > 0).collect();
    distinct.dedup();
    if let (Some(file), Some(&last)) = (&first.file, distinct.last()) {
        // The first ten and the last; all of them when that is no longer.
        let mut listed: Vec<String> = distinct.iter().take(10).map(usize::to_string).collect();
        match distinct.len() {
            11 => listed.push(last.to_string()),
            12.. => listed.extend(["…".to_string(), last.to_string()]),
            _ => {}
        }
        let listed = listed.join(", ");
        let word = if distinct.len() == 1 { "line" } else { "lines" };
        text.push_str(&format!(
            "  --> {file}, {word} {listed}
"
        ));
    }
    text
}

/// Converts a byte offset in `text` into a 1-based (line, column) pair,
/// counting columns in characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Line starts of a text, for many offset→line lookups on the same text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        let end = self
            .starts
            .get(line)
            .map_or(text.len(), |e| e.saturating_sub(1));
        text.get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// 1-based (line, column) of a byte offset; columns count characters.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let end = floor_char_boundary(text, offset.min(text.len()));
        let column = text.get(start..end).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }
}

/// Offset → line lookups that mostly move forward through one text, as a
/// parser's do: each lookup counts only the newlines since the last one, so
/// locating every link of a page costs one pass over it, not one index.
#[derive(Debug, Clone)]
pub struct LineCursor {
    offset: usize,
    line: usize,
    line_start: usize,
}

impl Default for LineCursor {
    fn default() -> Self {
        LineCursor {
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }
}

impl LineCursor {
    /// 1-based line and column (in characters) of `offset` in `text`, and
    /// the text of that line.
    pub fn locate<'t>(&mut self, text: &'t str, offset: usize) -> (usize, usize, &'t str) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        if offset < self.offset {
            *self = LineCursor::default();
        }
        let skipped = &text.as_bytes()[self.offset..offset];
        let newlines = skipped.iter().filter(|&&b| b == b'\n').count();
        if newlines > 0 {
            self.line += newlines;
            let last = skipped.iter().rposition(|&b| b == b'\n').unwrap_or(0);
            self.line_start = self.offset + last + 1;
        }
        self.offset = offset;
        let column = text[self.line_start..offset].chars().count() + 1;
        let end = text[self.line_start..]
            .find('\n')
            .map_or(text.len(), |e| self.line_start + e);
        let line_text = text[self.line_start..end].trim_end_matches('\r');
        (self.line, column, line_text)
    }
}

/// `n` and the noun, plural unless `n` is 1: "1 page", "16 pages".
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Counts errors and warnings in a list of diagnostics.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// The closest candidate within edit distance 2, for "did you mean" hints.
/// Letter case counts last: `B.md` suggests `b.md` before `a.md`, and
/// `SETUP.md` finds `setup.md`. Ties go to the first in sort order, so
/// the hint does not depend on a hash map's order.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let folded = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&folded, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2 && *d < c.len().max(word.len()))
        .min_by_key(|&(d, c)| (d, edit_distance(word, c), c))
        .map(|(_, c)| c)
}

/// A "did you mean" hint for a path. When the suggestion differs from what
/// was written only in letter case, it says so: such a link works on a
/// disk that ignores case (macOS, Windows) and breaks on Linux, where
/// sites are usually built.
pub fn did_you_mean(written: &str, suggestion: &str) -> String {
    let plain = |s: &str| s.trim_start_matches("./").to_lowercase();
    if written != suggestion && plain(written) == plain(suggestion) {
        format!("did you mean `{suggestion}`? (file names are case-sensitive)")
    } else {
        format!("did you mean `{suggestion}`?")
    }
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_alike_in_a_file_are_shown_ten_times_then_counted() {
        let at = |file: &str, line: usize, message: &str| {
            Diagnostic::error(message).in_file(file).at_line(line, 3)
        };
        let mut diags = vec![at("content/b.md", 4, "missing anchor")];
        // Two to a line, from line 30 down: they are sorted first.
        for line in (1..=30).rev() {
            diags.push(at("content/a.md", line, "missing anchor"));
            diags.push(at("content/a.md", line, "missing anchor"));
        }
        diags.push(at("content/a.md", 7, "other problem"));
        diags.push(
            Diagnostic::warning("missing anchor")
                .in_file("content/a.md")
                .at_line(2, 1),
        );
        let texts = for_reading(&diags);
        let shown = |needle: &str| texts.iter().filter(|t| t.contains(needle)).count();
        assert_eq!(
            shown("error: missing anchor"),
            10 + 1,
            "ten in a.md, the one in b.md"
        );
        assert_eq!(
            shown("warning: missing anchor"),
            1,
            "a warning is not alike"
        );
        assert_eq!(shown("error: other problem"), 1);
        let note = texts.iter().position(|t| t.starts_with("note:")).unwrap();
        assert_eq!(
            texts[note],
            "note: 50 more errors like this in content/a.md: missing anchor\n  \
             --> content/a.md, lines 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, …, 30\n"
        );
        // After a.md's problems, before b.md's; in order of place.
        assert!(texts[note + 1].contains("content/b.md:4:3"));
        assert!(texts[0].contains("content/a.md:1:3"));
        assert_eq!(texts.len(), 10 + 1 + 1 + 1 + 1);
        // Few alike: nothing counted.
        assert!(for_reading(&diags[..5])
            .iter()
            .all(|t| !t.starts_with("note:")));
        // One more than shown, at a file's whole (no line).
        let whole: Vec<Diagnostic> = (0..=SHOWN_ALIKE)
            .map(|_| Diagnostic::warning("odd file").in_file("content/c.md"))
            .collect();
        assert_eq!(
            for_reading(&whole).last().unwrap(),
            "note: 1 more warning like this in content/c.md: odd file\n"
        );
    }

    #[test]
    fn problems_of_no_one_file_are_read_after_those_of_files() {
        let texts = for_reading(&[
            Diagnostic::warning("and 3 more orphan pages"),
            Diagnostic::warning("orphan page").in_file("content/b.md"),
            Diagnostic::warning("orphan page").in_file("content/a.md"),
        ]);
        let firsts: Vec<&str> = texts.iter().map(|t| t.lines().next().unwrap()).collect();
        assert_eq!(
            firsts,
            [
                "warning: orphan page",
                "warning: orphan page",
                "warning: and 3 more orphan pages"
            ]
        );
        assert!(texts[0].contains("content/a.md") && texts[1].contains("content/b.md"));
    }

    #[test]
    fn line_col_counts_lines_and_chars() {
        let text = "ab\ncdé\nfg";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 8), (3, 1));
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 5), (2, 3));
        assert_eq!(idx.line_col(text, 9), (3, 2));
        let mut cursor = LineCursor::default();
        assert_eq!(cursor.locate(text, 5), (2, 3, "cdé"));
        assert_eq!(cursor.locate(text, 9), (3, 2, "fg"));
        assert_eq!(cursor.locate(text, 1), (1, 2, "ab"), "moving back restarts");
        assert_eq!(cursor.locate(text, 3), (2, 1, "cdé"));
    }

    #[test]
    fn display_shows_caret_under_column() {
        let d = Diagnostic::error("bad thing")
            .in_file("content/a.md")
            .at("one\ntwo three\n", 2, 5)
            .with_hint("fix it");
        let shown = d.to_string();
        assert!(shown.contains("error: bad thing"));
        assert!(shown.contains("--> content/a.md:2:5"));
        assert!(shown.contains(" 2 | two three"));
        assert!(shown.contains("   |     ^"));
        assert!(shown.contains("help: fix it"));
    }

    #[test]
    fn plural_is_for_all_but_one() {
        assert_eq!(plural(1, "page"), "1 page");
        assert_eq!(plural(0, "page"), "0 pages");
        assert_eq!(plural(16, "section"), "16 sections");
    }

    #[test]
    fn closest_suggests_near_names_only() {
        let known = ["title", "weight", "featured"];
        assert_eq!(closest("titel", known), Some("title"));
        assert_eq!(closest("featurd", known), Some("featured"));
        assert_eq!(closest("owner", known), None);
    }

    #[test]
    fn closest_weighs_letter_case_last_and_breaks_ties_by_name() {
        let pages = ["content/a.md", "content/b.md", "content/setup.md"];
        assert_eq!(closest("content/B.md", pages), Some("content/b.md"));
        assert_eq!(closest("content/SETUP.md", pages), Some("content/setup.md"));
        // `c.md` is one edit from both `a.md` and `b.md`: the first by name wins,
        // whatever order the candidates come in.
        assert_eq!(closest("content/c.md", pages), Some("content/a.md"));
        let reversed = pages.iter().rev().copied();
        assert_eq!(closest("content/c.md", reversed), Some("content/a.md"));
    }

    #[test]
    fn did_you_mean_notes_a_difference_of_case_only() {
        assert_eq!(
            did_you_mean("B.md", "b.md"),
            "did you mean `b.md`? (file names are case-sensitive)"
        );
        assert_eq!(
            did_you_mean("./Guide/Setup.md", "guide/setup.md"),
            "did you mean `guide/setup.md`? (file names are case-sensitive)"
        );
        assert_eq!(
            did_you_mean("stup.md", "setup.md"),
            "did you mean `setup.md`?"
        );
    }
}
