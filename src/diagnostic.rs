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

impl Severity {
    /// The word a problem of this severity is told with: `error`, `warning`.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
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
    /// The text of the offending line, for the caret display: the whole
    /// line, or a window of it around the column when it is long (see
    /// [`window`]).
    pub source_line: Option<String>,
    /// The column (1-based, in characters) of the problem in
    /// `source_line`, where the caret goes (it differs from `column` when
    /// the line is cut); 0 for no caret. At most [`QUOTED_CHARS`] + 1, so
    /// it packs beside `severity`, keeping `Result<_, Diagnostic>` small.
    pub source_column: u32,
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

    /// The error for a panic: a bug of folio's own, not a problem of the
    /// site. `payload` is what the panic carried (its message, when it is
    /// text). The caller adds the hint: what happened to the work.
    pub fn bug(payload: &(dyn std::any::Any + Send)) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("no message");
        Self::error(format!("folio failed on a bug of its own: {what}"))
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
            source_column: 0,
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
        match text.lines().nth(self.line.saturating_sub(1)) {
            Some(line) => self.quote_line(line),
            None => self.source_line = None,
        }
    }

    /// Keeps a copy of `line`, the problem's line, for display: for many
    /// problems in one text, found in a [`LineIndex`] rather than by
    /// [`quote`](Self::quote), which counts the lines from the start.
    pub fn quote_line(&mut self, line: &str) {
        let line = line.trim_end_matches('\r');
        let at = line
            .char_indices()
            .nth(self.column.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i);
        let (shown, caret) = window(line, at);
        self.source_line = Some(shown);
        self.source_column = if self.column == 0 { 0 } else { caret as u32 };
    }

    /// Quotes `line` (the problem's line, cut to a window if long; see
    /// [`Located::quote`]) with the caret at `caret`.
    pub fn quoting(mut self, (line, caret): (String, usize)) -> Self {
        self.source_line = Some(line);
        self.source_column = caret as u32;
        self
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
        writeln!(f, "{}: {}", self.severity.word(), self.message)?;
        if let Some(loc) = self.location() {
            writeln!(f, "  --> {loc}")?;
        }
        if let Some(src) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let shown: String = src.replace('\t', " ");
            writeln!(f, " {pad} |")?;
            writeln!(f, " {num} | {shown}")?;
            let caret = match self.source_column {
                0 => self.column,
                shown => shown as usize,
            };
            if caret > 0 {
                let caret_at = " ".repeat(caret - 1);
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
/// terminal, or in the preview's overlay).
///
/// The same holds across files: once a message has been shown in
/// [`SHOWN_ALIKE`] files, the files after those only count, in one note
/// at the end that names them. A schema rule added for a section of 1,000
/// pages reads as ten of its errors and the list of the other files, not
/// as 7,000 lines. Every problem is still counted and still fails the
/// build; `folio check --format json` lists them all.
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
    // Each message across files (see `Across`), and the messages with
    // files left to a note, in the order of their first such file.
    let mut across: std::collections::HashMap<(Severity, &str), Across<'_>> =
        std::collections::HashMap::new();
    let mut notes: Vec<(Severity, &str)> = Vec::new();
    // Texts of the problems of no one file, at the end of `out`.
    let mut loose = 0;
    for in_file in sorted.chunk_by(|a, b| a.file == b.file) {
        let before = out.len();
        // Each message of the file in order of first appearance: its first
        // problem, how many there were, and the lines of those not shown.
        let mut alike: Vec<(&Diagnostic, usize, Vec<usize>)> = Vec::new();
        let mut index: std::collections::HashMap<(Severity, &str), usize> =
            std::collections::HashMap::new();
        for &d in in_file {
            let key = (d.severity, d.message.as_str());
            let i = *index.entry(key).or_insert_with(|| {
                alike.push((d, 0, Vec::new()));
                alike.len() - 1
            });
            alike[i].1 += 1;
            if d.file.is_some() {
                let seen = across.entry(key).or_default();
                if alike[i].1 == 1 {
                    seen.files += 1;
                }
                if seen.files > SHOWN_ALIKE {
                    if alike[i].1 == 1 {
                        if seen.left.is_empty() {
                            notes.push(key);
                        }
                        seen.left.push((d, 0));
                    }
                    if let Some(last) = seen.left.last_mut() {
                        last.1 += 1;
                    }
                    continue;
                }
            }
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
        if in_file[0].file.is_none() {
            loose = out.len() - before;
        }
    }
    // After the files' problems, before those of no one file (last).
    let at = out.len() - loose;
    let texts = notes.iter().map(|key| more_files_alike(&across[key].left));
    out.splice(at..at, texts);
    out
}

/// What [`for_reading`] knows of one message across files.
#[derive(Default)]
struct Across<'a> {
    /// Files the message was met in so far.
    files: usize,
    /// The files past the first [`SHOWN_ALIKE`]: each one's first problem
    /// with the message, and how many it had.
    left: Vec<(&'a Diagnostic, usize)>,
}

/// The note that counts the problems alike in `left`, one or more files
/// past those shown, and names the files: the first ten and the last.
fn more_files_alike(left: &[(&Diagnostic, usize)]) -> String {
    let first = left[0].0;
    let n: usize = left.iter().map(|(_, n)| n).sum();
    let mut text = format!(
        "note: {} like this in {}: {}\n",
        plural(n, &format!("more {}", first.severity.word())),
        plural(left.len(), "more file"),
        first.message
    );
    let place = |(d, n): &(&Diagnostic, usize)| {
        let file = d.file.as_deref().unwrap_or_default();
        let at = match d.line {
            0 => file.to_string(),
            line => format!("{file}:{line}"),
        };
        match n {
            1 => format!("  --> {at}\n"),
            n => format!("  --> {at} (and {} more there)\n", n - 1),
        }
    };
    let (listed, last) = ten_and_last(left);
    for file in listed {
        text.push_str(&place(file));
    }
    if let Some((between, last)) = last {
        text.push_str(&format!("  … {}\n", plural(between, "more file")));
        text.push_str(&place(last));
    }
    text
}

/// Of `items`, those a note lists: all of them when there are up to
/// eleven; else the first ten, and then how many are left out between
/// them and the last, and the last.
pub fn ten_and_last<T>(items: &[T]) -> (&[T], Option<(usize, &T)>) {
    match items {
        [.., last] if items.len() > 11 => (&items[..10], Some((items.len() - 11, last))),
        _ => (items, None),
    }
}

/// The note that counts the problems like `first` that were not shown,
/// at `lines` (in order; 0 for a problem of the whole file).
fn more_alike(first: &Diagnostic, lines: &[usize]) -> String {
    let more = plural(lines.len(), &format!("more {}", first.severity.word()));
    let place = first.file.as_deref().unwrap_or("the site");
    let mut text = format!("note: {more} like this in {place}: {}\n", first.message);
    let mut distinct: Vec<usize> = lines.iter().copied().filter(|&l| l > 0).collect();
    distinct.dedup();
    if let Some(file) = first.file.as_ref().filter(|_| !distinct.is_empty()) {
        let (shown, last) = ten_and_last(&distinct);
        let mut listed: Vec<String> = shown.iter().map(usize::to_string).collect();
        if let Some((_, last)) = last {
            listed.extend(["…".to_string(), last.to_string()]);
        }
        let listed = listed.join(", ");
        let word = if distinct.len() == 1 { "line" } else { "lines" };
        text.push_str(&format!("  --> {file}, {word} {listed}\n"));
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
    /// Characters from `line_start` to `offset`.
    column: usize,
    /// Where the line at `line_start` ends, once looked for.
    line_end: Option<usize>,
}

impl Default for LineCursor {
    fn default() -> Self {
        LineCursor {
            offset: 0,
            line: 1,
            line_start: 0,
            column: 0,
            line_end: None,
        }
    }
}

/// Where an offset falls (see [`LineCursor::locate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located<'t> {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The line's text.
    pub text: &'t str,
    /// The offset's byte in `text`.
    pub at: usize,
}

impl Located<'_> {
    /// The line as quoted under a problem here (see [`window`]), and the
    /// caret's column in it.
    pub fn quote(&self) -> (String, usize) {
        window(self.text, self.at)
    }
}

/// The longest source line quoted whole under a problem, in characters.
pub const QUOTED_CHARS: usize = 120;

/// `line` as quoted under a problem at its byte `at`, and the problem's
/// column (1-based, in characters) in the quote. A line of up to
/// [`QUOTED_CHARS`] is quoted whole; a longer one (a paragraph kept on one
/// line, a table, pasted HTML) is cut to that many characters around the
/// problem, with `…` where text is left out. Quoting whole lines, a page
/// of 10,000 broken links on one 200 KB line printed 2 GB of text, and
/// its build held 8 GB.
pub fn window(line: &str, at: usize) -> (String, usize) {
    let at = floor_char_boundary(line, at.min(line.len()));
    let column = |from: usize| line[from..at].chars().count() + 1;
    if line.len() <= QUOTED_CHARS {
        return (line.to_string(), column(0));
    }
    // Byte `n` characters before or after `from`, or the line's end.
    let back = |from: usize, n: usize| {
        let before = line[..from].char_indices().rev().take(n).last();
        before.map_or(from, |(i, _)| i)
    };
    let ahead = |from: usize, n: usize| {
        let after = line[from..].char_indices().nth(n);
        after.map_or(line.len(), |(i, _)| from + i)
    };
    // A third of the window before the problem; near the end of the line,
    // what the window cannot take after it, it takes before.
    let mut start = back(at, QUOTED_CHARS / 3);
    if ahead(start, QUOTED_CHARS) == line.len() {
        start = start.min(back(line.len(), QUOTED_CHARS));
    }
    let end = ahead(start, QUOTED_CHARS);
    let cut_before = start > 0;
    let mut shown = String::with_capacity(end - start + 6);
    if cut_before {
        shown.push('…');
    }
    shown.push_str(&line[start..end]);
    if end < line.len() {
        shown.push('…');
    }
    (shown, column(start) + usize::from(cut_before))
}

impl LineCursor {
    /// Where `offset` falls in `text`: its line, its column and the
    /// line's text. Offsets on one line cost only the text between them,
    /// so a long line of many links is not counted again for each.
    pub fn locate<'t>(&mut self, text: &'t str, offset: usize) -> Located<'t> {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        if offset < self.offset {
            *self = LineCursor::default();
        }
        let skipped = &text.as_bytes()[self.offset..offset];
        match memchr::memrchr(b'\n', skipped) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', skipped).count();
                self.line_start = self.offset + last + 1;
                self.column = text[self.line_start..offset].chars().count();
                self.line_end = None;
            }
            None => self.column += text[self.offset..offset].chars().count(),
        }
        self.offset = offset;
        let start = self.line_start;
        let end = *self.line_end.get_or_insert_with(|| {
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |e| start + e)
        });
        Located {
            line: self.line,
            column: self.column + 1,
            text: text[start..end].trim_end_matches('\r'),
            at: offset - start,
        }
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

/// The most edits a "did you mean" suggestion may be away.
const MAX_EDITS: u8 = 2;

/// The closest candidate within edit distance 2, for "did you mean" hints.
/// Of paths as near, the one that differs in fewer of its `/` parts wins
/// (a folder renamed from `area-00` to `area-zz` suggests
/// `area-zz/topic-030/x.md` for `area-00/topic-030/x.md`, not
/// `area-01/topic-031/x.md`). Letter case counts last: `B.md` suggests
/// `b.md` before `a.md`, and `SETUP.md` finds `setup.md`. Ties go to the
/// first in sort order, so the hint does not depend on a hash map's
/// order. For one question; a list asked often is kept as a [`Nearby`].
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    Nearby::new(candidates).closest(word).copied()
}

/// Candidates for "did you mean", made ready to be asked often (a site's
/// pages, by every broken link to a page). Each is lower-cased, and they
/// are sorted, so a question walks them as a tree: the edit distances of
/// a beginning that candidates share are worked out once, and once a
/// beginning is more than two edits from every beginning of the word,
/// all the candidates that start with it are passed over. A renamed
/// folder breaks thousands of links at once, each asking among thousands
/// of pages: with a whole distance for every pair, a 10,000-page site
/// took 85 s to report 4,861 of them.
#[derive(Debug, Clone)]
pub struct Nearby<S> {
    /// Each candidate, lower-cased, with itself; sorted.
    entries: Vec<(Box<[char]>, S)>,
    /// How many leading characters each entry's lower-cased form shares
    /// with the one before.
    shared: Vec<usize>,
    /// The most characters of one lower-cased candidate.
    longest: usize,
}

impl<S: AsRef<str>> Nearby<S> {
    /// Makes `candidates` ready to be asked.
    pub fn new(candidates: impl IntoIterator<Item = S>) -> Self {
        let mut entries: Vec<(Box<[char]>, S)> = candidates
            .into_iter()
            .map(|c| (c.as_ref().to_lowercase().chars().collect(), c))
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let shared = (0..entries.len())
            .map(|i| match i {
                0 => 0,
                _ => {
                    let (before, this) = (&entries[i - 1].0, &entries[i].0);
                    before
                        .iter()
                        .zip(this.iter())
                        .take_while(|(a, b)| a == b)
                        .count()
                }
            })
            .collect();
        let longest = entries.iter().map(|(f, _)| f.len()).max().unwrap_or(0);
        Nearby {
            entries,
            shared,
            longest,
        }
    }

    /// The candidate closest to `word` (see [`closest`]).
    pub fn closest(&self, word: &str) -> Option<&S> {
        let folded: Vec<char> = word.to_lowercase().chars().collect();
        let width = folded.len() + 1;
        // Row k: the distances (at most MAX_EDITS + 1, which stands for
        // any more) from the current candidate's first k characters to
        // each beginning of the word.
        let far = MAX_EDITS + 1;
        let mut rows = vec![0u8; (self.longest + 1) * width];
        for (j, cell) in rows[..width].iter_mut().enumerate() {
            *cell = j.min(far.into()) as u8;
        }
        // Rows 0..=ready hold the current candidate's beginning; `dead`,
        // the row past which the last one walked could not come near.
        let (mut ready, mut dead) = (0, None);
        let mut best: Option<(Rank, &S)> = None;
        for ((chars, candidate), &shared) in self.entries.iter().zip(&self.shared) {
            ready = ready.min(shared);
            if dead.is_some_and(|d| d <= ready) {
                continue;
            }
            dead = None;
            while ready < chars.len() {
                let c = chars[ready];
                ready += 1;
                let (above, row) = rows.split_at_mut(ready * width);
                let (above, row) = (&above[(ready - 1) * width..], &mut row[..width]);
                row[0] = ready.min(far.into()) as u8;
                let mut least = row[0];
                for (j, &w) in folded.iter().enumerate() {
                    let swap = above[j] + u8::from(c != w);
                    let cell = swap.min(above[j + 1] + 1).min(row[j] + 1).min(far);
                    row[j + 1] = cell;
                    least = least.min(cell);
                }
                if least > MAX_EDITS {
                    dead = Some(ready);
                    break;
                }
            }
            let (distance, text) = (rows[ready * width + width - 1], candidate.as_ref());
            if dead.is_none()
                && distance <= MAX_EDITS
                && usize::from(distance) < text.len().max(word.len())
            {
                let key = (
                    distance,
                    parts_apart(word, text),
                    edit_distance(word, text),
                    text,
                );
                if best.is_none_or(|(b, _)| key < b) {
                    best = Some((key, candidate));
                }
            }
        }
        best.map(|(_, c)| c)
    }
}

/// The most files of one name among which a link that misses is taken to
/// mean the nearest (`runbooks/deploy.md`, moved to
/// `operations/deploy.md`); a name that many files share (`overview.md`)
/// says too little.
const MOVED_CANDIDATES: usize = 8;

/// Paths by file name, to find where a file went when it moved to another
/// folder, many edits away (see [`MOVED_CANDIDATES`]).
#[derive(Debug, Clone, Default)]
pub struct SameName {
    by_name: std::collections::HashMap<String, Vec<String>>,
}

impl SameName {
    /// `paths` by their file names.
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a str>) -> Self {
        let mut by_name: std::collections::HashMap<String, Vec<String>> = Default::default();
        for path in paths {
            let name = path.rsplit('/').next().unwrap_or(path);
            by_name
                .entry(name.to_string())
                .or_default()
                .push(path.to_string());
        }
        SameName { by_name }
    }

    /// Of the paths named as `target` is, the nearest to it, when there
    /// are few enough; ties go to the first by name.
    pub fn nearest(&self, target: &str) -> Option<&str> {
        let same = self
            .by_name
            .get(target.rsplit('/').next().unwrap_or(target))?;
        if same.len() > MOVED_CANDIDATES {
            return None;
        }
        let nearest = same.iter().map(|p| (edit_distance(target, p), p.as_str()));
        nearest.min().map(|(_, p)| p)
    }
}

/// How near a candidate is, best first: its distance, how many of its
/// parts differ (see [`parts_apart`]), its distance with letter case, and
/// itself.
type Rank<'a> = (u8, usize, usize, &'a str);

/// How many of the `/`-separated parts of two paths differ (letter case
/// aside), counting those one has beyond the other.
fn parts_apart(a: &str, b: &str) -> usize {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split('/').collect(), b.split('/').collect());
    let differ = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    differ + a.len().abs_diff(b.len())
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
    fn a_panic_is_told_by_its_message_as_a_bug_of_folios() {
        let told = |payload: Box<dyn std::any::Any + Send>| Diagnostic::bug(&*payload).message;
        let caught = |f: fn()| std::panic::catch_unwind(f).unwrap_err();
        assert_eq!(
            told(caught(|| panic!("plain"))),
            "folio failed on a bug of its own: plain"
        );
        let n = 3;
        assert_eq!(
            told(Box::new(format!("formatted {n}"))),
            "folio failed on a bug of its own: formatted 3"
        );
        assert_eq!(
            told(Box::new(42_u8)),
            "folio failed on a bug of its own: no message"
        );
        assert!(Diagnostic::bug(&"x").is_error());
    }

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
    fn alike_in_many_files_are_shown_in_ten_then_the_files_named() {
        let missing = "front matter has no `owner`";
        let mut diags: Vec<Diagnostic> = (0..24)
            .rev()
            .map(|i| {
                Diagnostic::error(missing)
                    .in_file(format!("content/p{i:02}.md"))
                    .at_line(1, 1)
            })
            .collect();
        // The 13th file has the error 15 times: counted in the files' note,
        // not in a note of its own.
        diags.extend((2..16).map(|line| {
            Diagnostic::error(missing)
                .in_file("content/p12.md")
                .at_line(line, 1)
        }));
        diags.push(Diagnostic::warning(missing).in_file("content/p20.md"));
        diags.push(Diagnostic::error("other").in_file("content/p23.md"));
        diags.push(Diagnostic::warning("and 3 more orphan pages"));
        let texts = for_reading(&diags);
        let firsts: Vec<&str> = texts.iter().map(|t| t.lines().next().unwrap()).collect();
        let shown = firsts
            .iter()
            .filter(|t| t.starts_with("error: front"))
            .count();
        assert_eq!(shown, SHOWN_ALIKE, "{firsts:#?}");
        for (i, text) in texts.iter().take(10).enumerate() {
            assert!(text.contains(&format!("content/p{i:02}.md:1:1")));
        }
        assert_eq!(
            firsts[10..],
            [
                "warning: front matter has no `owner`",
                "error: other",
                "note: 28 more errors like this in 14 more files: front matter has no `owner`",
                "warning: and 3 more orphan pages",
            ]
        );
        let note = &texts[12];
        let named: Vec<&str> = note.lines().skip(1).collect();
        assert_eq!(named.len(), 12, "ten files, a count, the last: {note}");
        assert_eq!(named[0], "  --> content/p10.md:1");
        assert_eq!(named[2], "  --> content/p12.md:1 (and 14 more there)");
        assert_eq!(named[10], "  … 3 more files");
        assert_eq!(named[11], "  --> content/p23.md:1");
        // Ten files: all shown, nothing counted.
        assert!(for_reading(&diags[14..24])
            .iter()
            .all(|t| !t.starts_with("note:")));
        // Eleven: the last one named in the note.
        assert_eq!(
            for_reading(&diags[13..24]).last().unwrap(),
            "note: 1 more error like this in 1 more file: front matter has no `owner`\n  \
             --> content/p10.md:1\n"
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
        let mut at = |offset| {
            let l = cursor.locate(text, offset);
            (l.line, l.column, l.text)
        };
        assert_eq!(at(5), (2, 3, "cdé"));
        assert_eq!(at(7), (2, 4, "cdé"), "further on the same line");
        assert_eq!(at(9), (3, 2, "fg"));
        assert_eq!(at(1), (1, 2, "ab"), "moving back restarts");
        assert_eq!(at(3), (2, 1, "cdé"));
    }

    #[test]
    fn a_long_line_is_quoted_as_a_window_around_the_problem() {
        assert_eq!(
            window("short [link](a.md)", 6),
            ("short [link](a.md)".into(), 7)
        );
        // Every place of long lines, ASCII and not: the caret stays under
        // the problem's character, and the quote within bounds.
        let words = |f: fn(usize) -> String, n| (0..n).map(f).collect::<String>();
        let lines = [
            words(|i| format!("w{i} "), 100),
            words(|i| format!("é{i}ü"), 40),
            format!(
                "{}[x](a.md#b){}",
                words(|i| format!("ü{i} "), 30),
                words(|i| format!(" t{i}"), 40)
            ),
        ];
        for line in &lines {
            for (at, c) in line.char_indices() {
                let (shown, caret) = window(line, at);
                let count = shown.chars().count();
                assert!(count <= QUOTED_CHARS + 2, "{count} characters");
                assert_eq!(shown.chars().nth(caret - 1), Some(c), "{at} of {line:?}");
                let within = shown.strip_prefix('…').unwrap_or(&shown);
                let within = within.strip_suffix('…').unwrap_or(within);
                let from = line.find(within).expect("a piece of the line");
                assert_eq!(shown.starts_with('…'), from > 0);
                assert_eq!(shown.ends_with('…'), from + within.len() < line.len());
                assert!(count >= QUOTED_CHARS, "a full window: {shown:?}");
            }
        }
        let long = format!("{}[gone](b.md){}", "a".repeat(300), "z".repeat(300));
        let d = Diagnostic::error("link to `b.md`, but it does not exist")
            .in_file("content/a.md")
            .at(&format!("# A\n{long}\n"), 2, 301);
        let shown = d.to_string();
        let quote = shown.lines().find(|l| l.starts_with(" 2 | ")).unwrap();
        let caret = shown.lines().find(|l| l.trim_end().ends_with('^')).unwrap();
        assert_eq!(quote.chars().count(), " 2 | ".len() + QUOTED_CHARS + 2);
        assert_eq!(
            quote.chars().nth(caret.chars().count() - 1),
            Some('['),
            "{shown}"
        );
        assert!(
            shown.contains("--> content/a.md:2:301"),
            "the location is the line's"
        );
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
        // A renamed folder: as near, but in one part only.
        let pages = [
            "content/area-01/topic-031/x.md",
            "content/area-zz/topic-030/x.md",
        ];
        assert_eq!(
            closest("content/area-00/topic-030/x.md", pages),
            Some("content/area-zz/topic-030/x.md")
        );
    }

    /// [`closest`] as [`Nearby`] must answer it: every candidate's whole
    /// distance.
    fn closest_by_every_distance<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let folded = word.to_lowercase();
        candidates
            .iter()
            .map(|c| (edit_distance(&folded, &c.to_lowercase()), *c))
            .filter(|(d, c)| *d <= 2 && *d < c.len().max(word.len()))
            .min_by_key(|&(d, c)| (d, parts_apart(word, c), edit_distance(word, c), c))
            .map(|(_, c)| c)
    }

    #[test]
    fn nearby_answers_as_every_distance_would() {
        // Candidates that share beginnings, differ in case and in letters
        // that lower-case to two (`İ`), asked with words near and far.
        let parts = [
            "a", "B", "ab", "/", "é", "İ", "x/", "setup", "Set", "-1", "",
        ];
        let mut rng = crate::test_rng::Rng(7);
        let text = |rng: &mut crate::test_rng::Rng| {
            (0..rng.below(6))
                .map(|_| rng.pick(&parts))
                .collect::<String>()
        };
        for round in 0..400 {
            let owned: Vec<String> = (0..rng.below(40)).map(|_| text(&mut rng)).collect();
            let candidates: Vec<&str> = owned.iter().map(String::as_str).collect();
            let near = Nearby::new(candidates.iter().copied());
            for _ in 0..20 {
                // A candidate with up to three edits, or any text.
                let word = match rng.chance(70) {
                    true if !candidates.is_empty() => {
                        let mut w: Vec<char> = rng.pick(&candidates).chars().collect();
                        for _ in 0..rng.below(4) {
                            let at = rng.below(w.len() + 1);
                            match rng.below(3) {
                                0 => w.insert(at, ['a', 'B', 'é', '/'][rng.below(4)]),
                                1 if at < w.len() => drop(w.remove(at)),
                                _ if at < w.len() => w[at] = 'z',
                                _ => {}
                            }
                        }
                        w.into_iter().collect()
                    }
                    _ => text(&mut rng),
                };
                assert_eq!(
                    near.closest(&word).copied(),
                    closest_by_every_distance(&word, &candidates),
                    "round {round}: {word:?} among {candidates:?}"
                );
            }
        }
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
