//! Build-time syntax highlighting of fenced code blocks into CSS classes.
//!
//! syntect (with Oniguruma: its regexes compile ~15x faster than
//! fancy-regex, 1.8 ms instead of 28 ms for the Rust grammar) tokenises the
//! code. Each token's TextMate scope stack is reduced to one of a few token
//! kinds ([`Kind`]), and runs of one kind become one flat
//! `<span class="hl-…">` that themes colour with their own light and dark
//! palettes, so pages carry no inline styles. (syntect's own HTML writer
//! nests a span per scope with every scope atom as a class: 19x the
//! code's size, a quarter of a code-heavy handbook's output.) The syntax
//! set loads once, on the first code block that names a known language;
//! unknown or missing languages are rendered as plain, escaped text.
//!
//! Loading a language's grammar and compiling its regexes costs ~2–15 ms
//! the first time it is used (a fifth of a 1,000-page build's work). While
//! pages load, [`prepare`] hands each language's first block to the worker
//! pool, so that cost is mostly paid while the site is planned on one
//! thread, not by the pass that renders (or by workers waiting for it).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::markup::push_escaped;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Grammars folio adds to syntect's bundled ones (which have no TOML, the
/// format of `folio.toml` and of many a handbook's configuration examples).
/// Built on the first block that needs one: its regexes compile then.
static EXTRA_SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(|| {
    let mut builder = syntect::parsing::SyntaxSetBuilder::new();
    match syntect::parsing::SyntaxDefinition::load_from_str(
        include_str!("toml.sublime-syntax"),
        true,
        None,
    ) {
        Ok(toml) => builder.add(toml),
        // A unit test loads it; a grammar that fails only loses colours.
        Err(e) => debug_assert!(false, "toml.sublime-syntax: {e}"),
    }
    builder.build()
});

/// Common names that syntect's bundled syntaxes know under another token.
fn canonical(lang: &str) -> &str {
    match lang {
        "shell" | "console" | "zsh" => "bash",
        "yml" => "yaml",
        "rs" => "rust",
        "py" | "python3" => "python",
        "golang" => "go",
        "js" | "javascript" | "mjs" => "js",
        "c++" => "cpp",
        "md" => "markdown",
        "patch" => "diff",
        other => other,
    }
}

/// True for the languages that mean "no highlighting".
fn is_plain(lang: &str) -> bool {
    let lang = lang.trim();
    lang.is_empty()
        || ["text", "txt", "plain", "plaintext"]
            .iter()
            .any(|p| lang.eq_ignore_ascii_case(p))
}

/// The grammar for `lang`, with the set it belongs to (its rules refer
/// to the set's other grammars).
fn find(lang: &str) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
    if is_plain(lang) {
        return None;
    }
    let token = lang.trim().to_ascii_lowercase();
    let token = canonical(&token);
    // Only TOML's own block builds the extra set.
    let set: &'static SyntaxSet = if token == "toml" {
        &EXTRA_SYNTAXES
    } else {
        &SYNTAXES
    };
    set.find_syntax_by_token(token).map(|s| (set, s))
}

/// Highlighted blocks by (language, code): handbooks repeat snippets, and
/// `folio serve` rebuilds the same pages again and again. Bounded by the
/// blocks in use: past its limit, those no build used since the last save
/// go (in `folio serve`, the versions of a block being edited). A site
/// with more blocks than the limit keeps all of them, and the limit grows
/// to twice the blocks kept: when the memo was emptied instead, a site of
/// 20,000 distinct blocks highlighted most of them again at every build
/// (70% of its time) and never had them all in the cache file. Kept
/// between builds in a cache file (see [`seed_cache`]), because loading
/// grammars and compiling their regexes is most of a small site's build
/// (80% of the sample handbook's instructions).
#[derive(Default)]
struct Memo {
    blocks: HashMap<(String, String), Block>,
    /// True once a block was highlighted anew since the last seed or save.
    changed: bool,
    /// Blocks kept before the unused ones go, when more than
    /// [`MEMO_LIMIT`].
    room: usize,
}

impl Memo {
    /// Keeps a block just highlighted, used, making room as it must.
    fn keep(&mut self, key: (String, String), html: Option<Arc<str>>, limit: usize) {
        if self.blocks.len() >= self.room.max(limit) {
            self.blocks.retain(|_, b| b.used);
            self.room = 2 * self.blocks.len();
        }
        self.blocks.insert(key, Block { html, used: true });
        self.changed = true;
    }
}

struct Block {
    /// `None` for a language folio doesn't know.
    html: Option<Arc<str>>,
    /// True once a page used it since the last seed or save.
    used: bool,
}

static MEMO: LazyLock<Mutex<Memo>> = LazyLock::new(Mutex::default);
/// Blocks kept, unless a site uses more: ~30 MiB at 2 KB of code and HTML
/// each.
const MEMO_LIMIT: usize = 16384;

/// Highlights `code` as `lang`; `None` when the language is unknown (the
/// caller then escapes the code as plain text).
pub fn highlight(code: &str, lang: &str) -> Option<Arc<str>> {
    if is_plain(lang) {
        return None;
    }
    let key = (lang.to_string(), code.to_string());
    if let Some(block) = MEMO.lock().ok()?.blocks.get_mut(&key) {
        block.used = true;
        return block.html.clone();
    }
    let html: Option<Arc<str>> = highlight_uncached(code, lang).map(Into::into);
    MEMO.lock().ok()?.keep(key, html.clone(), MEMO_LIMIT);
    html
}

/// The cache file's first line. The second is [`fingerprint`]: a cache
/// written by another version of folio, or with other rules, is ignored.
const CACHE_MAGIC: &[u8] = b"folio highlight cache\n";

/// What the highlighted HTML depends on besides the code: folio's version
/// (which pins syntect and its grammars), the rules and the classes, and
/// `build` (from the driver: which executable is running, so that a
/// rebuilt folio does not trust blocks highlighted by the one before).
fn fingerprint(build: &str) -> String {
    let mut text = format!("folio {} {build}", env!("CARGO_PKG_VERSION"));
    for (prefix, kind) in RULES {
        text.push_str(&format!(" {prefix}={}", kind.class()));
    }
    text.push('\n');
    text
}

/// One cached block: language, code, and its HTML (`None`: unknown language).
type CachedBlock = (String, String, Option<String>);

/// Marks an unknown language where a length would be.
const UNKNOWN: u32 = u32::MAX;

/// Encodes blocks for the cache file: the two header lines, the number of
/// blocks, then per block the language, the code and the HTML; numbers and
/// lengths are little-endian `u32`s.
fn encode<'b>(build: &str, blocks: &[(&'b str, &'b str, Option<&'b str>)]) -> Vec<u8> {
    let mut out = CACHE_MAGIC.to_vec();
    out.extend_from_slice(fingerprint(build).as_bytes());
    out.extend_from_slice(&(blocks.len() as u32).to_le_bytes());
    for &(lang, code, html) in blocks {
        put_field(&mut out, Some(lang.as_bytes()));
        put_field(&mut out, Some(code.as_bytes()));
        put_field(&mut out, html.map(str::as_bytes));
    }
    out
}

fn put_field(out: &mut Vec<u8>, bytes: Option<&[u8]>) {
    match bytes {
        Some(b) => {
            out.extend_from_slice(&(b.len() as u32).to_le_bytes());
            out.extend_from_slice(b);
        }
        None => out.extend_from_slice(&UNKNOWN.to_le_bytes()),
    }
}

/// Decodes a cache file; `None` when it is not one this folio wrote whole.
fn decode(build: &str, bytes: &[u8]) -> Option<Vec<CachedBlock>> {
    let rest = bytes.strip_prefix(CACHE_MAGIC)?;
    let rest = rest.strip_prefix(fingerprint(build).as_bytes())?;
    let (count, mut rest) = rest.split_first_chunk::<4>()?;
    let count = usize::try_from(u32::from_le_bytes(*count)).ok()?;
    // Each block takes at least its three lengths: a count the bytes
    // cannot hold reserves no more than they can, and fails below.
    let mut blocks = Vec::with_capacity(count.min(rest.len() / 12));
    for _ in 0..count {
        let lang = take_field(&mut rest)??;
        let code = take_field(&mut rest)??;
        let html = take_field(&mut rest)?;
        blocks.push((lang, code, html));
    }
    rest.is_empty().then_some(blocks)
}

/// The next field of a cache file: `Some(None)` for an unknown language's
/// HTML, `None` when the bytes end early or are not text.
fn take_field(rest: &mut &[u8]) -> Option<Option<String>> {
    let (len, tail) = rest.split_first_chunk::<4>()?;
    let len = u32::from_le_bytes(*len);
    if len == UNKNOWN {
        *rest = tail;
        return Some(None);
    }
    let len = usize::try_from(len).ok()?;
    if len > tail.len() {
        return None;
    }
    let (text, tail) = tail.split_at(len);
    *rest = tail;
    Some(Some(String::from_utf8(text.to_vec()).ok()?))
}

/// Loads the blocks of a cache file (the bytes of
/// `.folio-cache/highlight`, read by the build) into the memo, so that
/// unchanged code needs no grammar. Bytes that are not a whole cache of
/// this version (and `build`) are ignored.
pub fn seed_cache(build: &str, bytes: &[u8]) {
    let Some(blocks) = decode(build, bytes) else {
        return;
    };
    let Ok(mut memo) = MEMO.lock() else {
        return;
    };
    for (lang, code, html) in blocks {
        memo.blocks.entry((lang, code)).or_insert(Block {
            html: html.map(Into::into),
            used: false,
        });
    }
}

/// The cache file to write after a build: the blocks its pages used, when
/// that differs from what the cache held (a block was highlighted anew, or
/// one is no longer used). Forgets the unused blocks and starts counting
/// use afresh, for the next build of `folio serve`.
pub fn cache_to_save(build: &str) -> Option<Vec<u8>> {
    let mut memo = MEMO.lock().ok()?;
    let stale = memo.blocks.values().any(|b| !b.used);
    if !memo.changed && !stale {
        return None;
    }
    memo.blocks.retain(|_, b| b.used);
    let mut blocks: Vec<_> = memo
        .blocks
        .iter()
        .map(|((lang, code), b)| (lang.as_str(), code.as_str(), b.html.as_deref()))
        .collect();
    // Sorted, so that the same site gives the same file.
    blocks.sort_unstable_by_key(|&(lang, code, _)| (lang, code));
    let bytes = encode(build, &blocks);
    memo.changed = false;
    for block in memo.blocks.values_mut() {
        block.used = false;
    }
    Some(bytes)
}

/// Languages handed out for preparing, and the blocks still waiting.
#[derive(Default)]
struct Preparing {
    seen: HashSet<String>,
    waiting: Vec<(String, String)>,
    /// True while a worker is highlighting the waiting blocks.
    busy: bool,
}

static PREPARING: LazyLock<Mutex<Preparing>> = LazyLock::new(Mutex::default);

/// Pages [`prepare`] looks at, per process: the head start matters to
/// small sites, whose every language shows within their first pages; on
/// large ones the scan (~1 µs a page) would cost more than it saves.
const PREPARE_PAGES: usize = 1000;

/// Starts highlighting the first block of each language in `body` that
/// no page has shown yet, in the background (see the module notes).
/// Cheap for languages already seen; the results land in the memo.
pub fn prepare(body: &str) {
    static PREPARED: AtomicUsize = AtomicUsize::new(0);
    if PREPARED.fetch_add(1, Ordering::Relaxed) >= PREPARE_PAGES {
        return;
    }
    for (lang, code) in fences(body) {
        let Ok(mut preparing) = PREPARING.lock() else {
            return;
        };
        if !preparing.seen.insert(lang.to_string()) {
            continue;
        }
        preparing.waiting.push((lang.to_string(), code.to_string()));
        if !preparing.busy {
            preparing.busy = true;
            // One job for the worker pool at a time, taking the blocks
            // one by one: at most one worker is busy with it, so stages
            // that run in parallel never wait for every worker to finish
            // a grammar. The pool's memory is the pass's, so the grammars
            // cost no extra memory (a thread of its own cost ~9 MiB more
            // at 10k pages).
            rayon::spawn(highlight_waiting);
        }
    }
}

/// Highlights the waiting blocks until there are none.
fn highlight_waiting() {
    loop {
        let next = match PREPARING.lock() {
            Ok(mut preparing) => {
                let next = preparing.waiting.pop();
                preparing.busy = next.is_some();
                next
            }
            Err(_) => None,
        };
        let Some((lang, code)) = next else {
            return;
        };
        highlight(&code, &lang);
    }
}

/// The language and text of each closed fenced code block of `body` that
/// names a language, found by a quick scan for runs of three backticks or
/// tildes (SIMD searches that skip inline code): blocks nested in lists or
/// quotes, and a block still open where `body` ends, are missed, which
/// only costs them their head start.
fn fences(body: &str) -> impl Iterator<Item = (&str, &str)> {
    static TICKS: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("```"));
    static TILDES: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("~~~"));
    let bytes = body.as_bytes();
    // Each search runs over the body once; hits inside a block are skipped.
    let mut ticks = TICKS.find_iter(bytes).peekable();
    let mut tildes = TILDES.find_iter(bytes).peekable();
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            while ticks.next_if(|&i| i < from).is_some() {}
            while tildes.next_if(|&i| i < from).is_some() {}
            let i = match (ticks.peek(), tildes.peek()) {
                (Some(&a), Some(&b)) => a.min(b),
                (a, b) => *a.or(b)?,
            };
            let fence = bytes[i];
            let run = bytes[i..].iter().take_while(|&&b| b == fence).count();
            let line_start = memchr::memrchr(b'\n', &bytes[..i]).map_or(0, |n| n + 1);
            let indent = &bytes[line_start..i];
            if indent.len() > 3 || indent.iter().any(|&b| b != b' ') {
                from = i + run;
                continue;
            }
            let line_end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            let lang = body[i + run..line_end]
                .trim()
                .split([' ', ',', '{', '`'])
                .next()
                .unwrap_or("");
            let code_start = (line_end + 1).min(bytes.len());
            let close = &body[i..i + run];
            // A block left open runs to the end of the page, but `body`
            // may be only the page's head: its code could be cut short,
            // and highlighting that would be work no page uses (and a
            // block the cache file keeps, then drops, build after build).
            let code_end = code_start + body[code_start..].find(close)?;
            // The closing fence's line is not code.
            let code_end = body[code_start..code_end]
                .rfind('\n')
                .map_or(code_start, |n| code_start + n + 1);
            from = (code_end + run).max(code_start);
            if !lang.is_empty() {
                return Some((lang, &body[code_start..code_end]));
            }
        }
    })
}

/// What a token is, as far as colouring goes: the class a theme styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Comment,
    Keyword,
    String,
    Constant,
    Function,
    Type,
    Attribute,
    Punct,
    Inserted,
    Deleted,
    Heading,
}

impl Kind {
    #[cfg(test)]
    const ALL: [Kind; 11] = [
        Kind::Comment,
        Kind::Keyword,
        Kind::String,
        Kind::Constant,
        Kind::Function,
        Kind::Type,
        Kind::Attribute,
        Kind::Punct,
        Kind::Inserted,
        Kind::Deleted,
        Kind::Heading,
    ];

    /// The CSS class.
    pub fn class(self) -> &'static str {
        match self {
            Kind::Comment => "hl-comment",
            Kind::Keyword => "hl-keyword",
            Kind::String => "hl-string",
            Kind::Constant => "hl-constant",
            Kind::Function => "hl-function",
            Kind::Type => "hl-type",
            Kind::Attribute => "hl-attribute",
            Kind::Punct => "hl-punct",
            Kind::Inserted => "hl-inserted",
            Kind::Deleted => "hl-deleted",
            Kind::Heading => "hl-heading",
        }
    }
}

/// Scope prefixes and the kind they mean, most specific first where one
/// prefix extends another.
const RULES: &[(&str, Kind)] = &[
    ("comment", Kind::Comment),
    ("string", Kind::String),
    ("constant.numeric", Kind::Constant),
    ("constant.language", Kind::Constant),
    ("constant.character", Kind::Constant),
    ("constant.other.placeholder", Kind::Constant),
    ("keyword", Kind::Keyword),
    ("storage", Kind::Keyword),
    ("entity.name.function", Kind::Function),
    ("support.function", Kind::Function),
    ("variable.function", Kind::Function),
    ("entity.name.type", Kind::Type),
    ("entity.name.class", Kind::Type),
    ("entity.name.struct", Kind::Type),
    ("entity.name.enum", Kind::Type),
    ("entity.name.trait", Kind::Type),
    ("entity.name.union", Kind::Type),
    ("entity.name.tag", Kind::Type),
    ("support.type", Kind::Type),
    ("support.class", Kind::Type),
    ("entity.other.attribute-name", Kind::Attribute),
    ("variable.parameter", Kind::Attribute),
    ("meta.mapping.key", Kind::Attribute),
    ("meta.structure.dictionary.key", Kind::Attribute),
    ("punctuation", Kind::Punct),
    ("markup.inserted", Kind::Inserted),
    ("markup.deleted", Kind::Deleted),
    ("markup.heading", Kind::Heading),
];

static SCOPE_RULES: LazyLock<Vec<(Scope, Kind)>> = LazyLock::new(|| {
    RULES
        .iter()
        .filter_map(|&(prefix, kind)| Some((Scope::new(prefix).ok()?, kind)))
        .collect()
});

fn scope_kind(scope: Scope) -> Option<Kind> {
    SCOPE_RULES
        .iter()
        .find(|(prefix, _)| prefix.is_prefix_of(scope))
        .map(|&(_, kind)| kind)
}

/// The kind of a token with this scope stack (outermost first): its
/// innermost scope that means something decides, except that comments and
/// strings colour everything inside them (their quotes and delimiters
/// included, and the keys of mappings rather than the strings within
/// them).
fn kind_of(stack: &[Scope]) -> Option<Kind> {
    let mut inner = None;
    for &scope in stack.iter().rev() {
        match scope_kind(scope) {
            Some(Kind::Comment) => return Some(Kind::Comment),
            Some(Kind::Attribute) if inner == Some(Kind::String) => return Some(Kind::Attribute),
            Some(Kind::String) if matches!(inner, None | Some(Kind::Punct)) => {
                inner = Some(Kind::String)
            }
            Some(kind) if inner.is_none() => inner = Some(kind),
            _ => {}
        }
    }
    inner
}

/// Writes highlighted HTML: one span per run of one kind. Whitespace
/// joins the open run, so `) {` is one span, not two.
#[derive(Default)]
struct Spans {
    html: String,
    open: Option<Kind>,
}

impl Spans {
    fn push(&mut self, text: &str, kind: Option<Kind>) {
        if text.is_empty() {
            return;
        }
        let blank = text.bytes().all(|b| b.is_ascii_whitespace());
        if kind != self.open && !(blank && self.open.is_some()) {
            if self.open.is_some() {
                self.html.push_str("</span>");
            }
            if let Some(kind) = kind {
                self.html.push_str("<span class=\"");
                self.html.push_str(kind.class());
                self.html.push_str("\">");
            }
            self.open = kind;
        }
        push_escaped(&mut self.html, text);
    }

    fn finish(mut self) -> String {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.html
    }
}

fn highlight_uncached(code: &str, lang: &str) -> Option<String> {
    let (set, syntax) = find(lang)?;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut spans = Spans {
        html: String::with_capacity(code.len() * 2),
        open: None,
    };
    for line in LinesWithEndings::from(code) {
        let mut at = 0;
        for (i, op) in state.parse_line(line, set).ok()? {
            spans.push(&line[at..i], kind_of(stack.as_slice()));
            at = i;
            stack.apply(&op).ok()?;
        }
        spans.push(&line[at..], kind_of(stack.as_slice()));
    }
    Some(spans.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memo_keeps_every_block_a_site_uses_past_its_limit() {
        let mut memo = Memo::default();
        let key = |i: usize| ("rust".to_string(), format!("fn f{i}() {{}}"));
        for i in 0..10 {
            memo.keep(key(i), None, 4);
        }
        assert_eq!(memo.blocks.len(), 10, "all in use, none go");
        // A save starts counting afresh; the next build uses 3 and 7 of
        // them, and new blocks, until room must be made.
        memo.blocks.values_mut().for_each(|b| b.used = false);
        for i in [3, 7] {
            memo.blocks.get_mut(&key(i)).unwrap().used = true;
        }
        for i in 10..17 {
            memo.keep(key(i), None, 4);
        }
        let mut kept: Vec<usize> = (0..17)
            .filter(|&i| memo.blocks.contains_key(&key(i)))
            .collect();
        kept.sort();
        assert_eq!(kept, [3, 7, 10, 11, 12, 13, 14, 15, 16], "the unused went");
    }

    #[test]
    fn known_languages_get_classes() {
        let html = highlight("fn main() { let x = 1; }\n", "rust").unwrap();
        assert!(
            html.starts_with(
                "<span class=\"hl-keyword\">fn </span><span class=\"hl-function\">main</span>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-constant\">1</span>"),
            "{html}"
        );
        assert!(highlight("echo \"hi\" # note\n", "sh")
            .unwrap()
            .contains("hl-comment"));
        assert!(highlight("a: 1\n", "YML").is_some());
    }

    #[test]
    fn spans_are_flat_and_one_per_run() {
        for (code, lang) in [
            ("fn main() {\n    println!(\"{}\", 1); // done\n}\n", "rust"),
            ("{\"a\": [1, \"b\"]}\n", "json"),
            ("<a href=\"x\">y</a>\n", "html"),
        ] {
            let html = highlight(code, lang).unwrap();
            let mut open = false;
            for piece in html.split('<').skip(1) {
                if piece.starts_with("span") {
                    assert!(!open, "nested span in {html}");
                    open = true;
                } else if piece.starts_with("/span") {
                    assert!(open, "{html}");
                    open = false;
                }
            }
            assert!(!open, "{html}");
            assert!(
                !html.contains("</span><span class=\"hl-punct\">) {"),
                "{html}"
            );
        }
    }

    #[test]
    fn comments_and_strings_colour_their_delimiters() {
        let html = highlight("x = 1 # a \"quoted\" note\n", "python").unwrap();
        assert!(
            html.ends_with("<span class=\"hl-comment\"># a &quot;quoted&quot; note\n</span>"),
            "{html}"
        );
        let html = highlight("s = 'gave up'\n", "python").unwrap();
        assert!(
            html.contains("<span class=\"hl-string\">'gave up'"),
            "{html}"
        );
    }

    #[test]
    fn mapping_keys_are_attributes() {
        let html = highlight("{\"name\": \"x\"}\n", "json").unwrap();
        assert!(
            html.contains("<span class=\"hl-attribute\">&quot;name&quot;</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-string\">&quot;x&quot;</span>"),
            "{html}"
        );
    }

    #[test]
    fn the_default_theme_styles_every_kind() {
        let css = include_str!("../../themes/handbook/static/folio.css");
        for kind in Kind::ALL {
            assert!(
                css.contains(&format!(".{} ", kind.class()))
                    || css.contains(&format!(".{},", kind.class())),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn the_cache_file_round_trips_and_refuses_anything_else() {
        let blocks = [
            (
                "rust",
                "fn x() {}\n",
                Some("<span class=\"hl-keyword\">fn </span>x() {}\n"),
            ),
            ("toml", "a = 1\n", None),
            ("go", "", Some("")),
        ];
        let bytes = encode("b1", &blocks);
        let back = decode("b1", &bytes).unwrap();
        assert_eq!(
            back.iter()
                .map(|(l, c, h)| (l.as_str(), c.as_str(), h.as_deref()))
                .collect::<Vec<_>>(),
            blocks
        );
        assert_eq!(decode("b1", &encode("b1", &[])).unwrap(), []);
        // Cut anywhere, or with bytes after the end, it is refused whole.
        for cut in 0..bytes.len() {
            assert_eq!(decode("b1", &bytes[..cut]), None, "cut at {cut}");
        }
        assert_eq!(decode("b1", &[bytes.as_slice(), b"x"].concat()), None);
        // Another executable, version or rules wrote it: ignored.
        assert_eq!(decode("b2", &bytes), None);
        let mut other = bytes.clone();
        other[CACHE_MAGIC.len() + 6] ^= 1;
        assert_eq!(decode("b1", &other), None);
        assert_eq!(decode("b1", b"garbage"), None);
        let mut huge = CACHE_MAGIC.to_vec();
        huge.extend_from_slice(fingerprint("b1").as_bytes());
        huge.extend_from_slice(&1_u32.to_le_bytes());
        huge.extend_from_slice(&0xFFFF_FFF0_u32.to_le_bytes());
        assert_eq!(decode("b1", &huge), None);
        // A count the bytes cannot hold is refused, without reserving it.
        let mut counted = CACHE_MAGIC.to_vec();
        counted.extend_from_slice(fingerprint("b1").as_bytes());
        counted.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode("b1", &counted), None);
        // A site of more blocks than the memo's limit keeps them all.
        let codes: Vec<String> = (0..MEMO_LIMIT + 5).map(|i| format!("{i}\n")).collect();
        let many: Vec<_> = codes
            .iter()
            .map(|c| ("rust", c.as_str(), Some(c.as_str())))
            .collect();
        assert_eq!(
            decode("b1", &encode("b1", &many)).map(|b| b.len()),
            Some(many.len())
        );
    }

    #[test]
    fn unknown_languages_fall_back() {
        assert_eq!(highlight("x", "no-such-language"), None);
        assert_eq!(highlight("x", ""), None);
        assert_eq!(highlight("x", "text"), None);
        assert_eq!(highlight("x", " Plain "), None);
    }

    #[test]
    fn fenced_blocks_are_found_by_the_quick_scan() {
        let body = "Intro with `code` and ``more``.\n\n```rust\nfn x() {}\n```\n\n\
                    ~~~~ yaml {.wide}\na: 1\n~~~\nb: 2\n~~~~\n\n```\nplain\n```\n\n    ```indented\n\
                    ```python,ignore\nprint(1)\n```\n\n```go\nfunc main() {\n";
        let found: Vec<_> = fences(body).collect();
        // The go block is still open where the text ends (a page's head
        // can end mid-block): its code may be cut short, so it is left.
        assert_eq!(
            found,
            [
                ("rust", "fn x() {}\n"),
                ("yaml", "a: 1\n~~~\nb: 2\n"),
                ("python", "print(1)\n"),
            ]
        );
        assert_eq!(fences("```").count(), 0);
        assert_eq!(fences("``` go").count(), 0);
        assert_eq!(fences("``` go\n```").collect::<Vec<_>>(), [("go", "")]);
    }

    #[test]
    fn toml_is_highlighted_by_folio_s_own_grammar() {
        let code = "# Site settings\ntitle = \"Acme\"\nweight = -1_000.5e3\n\
                    draft = false # no\nwhen = 2026-11-26T10:00:00Z\ntags = ['a', 3]\n\
                    [extra]\nteam.name = { a = 1 }\n[[schema]]\nnotes = \"\"\"\nx = 1\n\"\"\"\n";
        let html = highlight_uncached(code, "TOML").expect("toml is known");
        for part in [
            "<span class=\"hl-comment\"># Site settings\n</span>",
            "<span class=\"hl-attribute\">title </span><span class=\"hl-punct\">= </span><span class=\"hl-string\">&quot;Acme&quot;\n</span>",
            "<span class=\"hl-constant\">-1_000.5e3\n</span>",
            "<span class=\"hl-constant\">false </span><span class=\"hl-comment\"># no\n</span>",
            "<span class=\"hl-constant\">2026-11-26T10:00:00Z\n</span>",
            "<span class=\"hl-punct\">= [</span><span class=\"hl-string\">'a'</span><span class=\"hl-punct\">, </span><span class=\"hl-constant\">3</span>",
            "]\n[</span><span class=\"hl-type\">extra</span>",
            "<span class=\"hl-attribute\">team</span><span class=\"hl-punct\">.</span><span class=\"hl-attribute\">name </span>",
            "<span class=\"hl-punct\">= { </span><span class=\"hl-attribute\">a </span>",
            "[[</span><span class=\"hl-type\">schema</span>",
            // A key = value line inside a multi-line string is string.
            "<span class=\"hl-string\">&quot;&quot;&quot;\nx = 1\n&quot;&quot;&quot;\n</span>",
        ] {
            assert!(html.contains(part), "{part}\nin\n{html}");
        }
        assert_eq!(find("toml").map(|(_, s)| s.name.as_str()), Some("TOML"));
    }

    #[test]
    fn code_is_escaped() {
        let html = highlight("let s = \"<script>\";\n", "rust").unwrap();
        assert!(
            !html.contains("<script>") && html.contains("&lt;script&gt;"),
            "{html}"
        );
    }
}
