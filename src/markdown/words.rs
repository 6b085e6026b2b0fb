//! The distinct words of a page's text, for the search index.
//!
//! Search finds pages by the words of their body, not only by title and
//! headings. Each word is kept once per page, lower-cased, in the order it
//! first appears: the index then grows with a page's vocabulary, not its
//! length (a 4 KB page of the benchmark corpus has a few hundred words,
//! ~60 of them distinct). Words are runs between spaces with the
//! punctuation around them trimmed, so `on-call`, `v1.2` and `kubectl`
//! stay whole and are found by any part (the search matches substrings).
//!
//! Chinese and Japanese put no spaces between words: a run of their
//! characters is kept as its overlapping pairs (`部署手順` → `部署 署手
//! 手順`), as search.js cuts a query, so that any word of the run is found
//! by its pairs; a character standing alone is a word. Only the words
//! that have such characters take that path, so English text pays
//! nothing for it.

/// A page's words are no longer collected past this many bytes: a 1 MB log
/// pasted into a page must not make every reader download it.
pub const MAX_BYTES: usize = 16 * 1024;

/// Longer runs (base64, minified code, long URLs) are left out.
pub const MAX_WORD: usize = 64;

/// A word cut by pulldown-cmark's texts (emphasis, an escape) is put
/// together up to this long: a run of Chinese or Japanese, kept as its
/// pairs, may be a sentence.
const MAX_RUN: usize = 1024;

use super::is_space;

/// The table of recent words has 2^RECENT_BITS slots.
const RECENT_BITS: u32 = 10;

/// Each byte of a `u64` at 0x01, and at 0x80: masks for the byte-wise
/// arithmetic below.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Collects distinct words, space-separated.
///
/// Every byte of a page's text passes through here, so the text is cut
/// into words 32 bytes at a time (a mask of its spaces, made 8 bytes at a
/// time in a `u64`), and a word that repeats one seen lately, as written,
/// is dropped on a hash of its bytes before any other work. The others
/// are trimmed, lower-cased and hashed 8 bytes at a time, and looked up
/// in a small open-addressing set of hashes. A first version (a byte loop,
/// a `char` trim, foldhash and a `HashSet` per word) cost ~33
/// instructions a byte, a third of a default-theme build.
pub struct Words {
    /// Hashes of the words kept (0: a free slot), a power of two long,
    /// at most half full. Two words with the same 64-bit hash would keep
    /// only the first.
    seen: Vec<u64>,
    /// Words in `seen`.
    count: usize,
    /// Hashes of words seen lately as written (see [`raw_hash`]).
    /// (On the heap: inline, it made every parse move 8 KB about, with
    /// words or without.)
    recent: Vec<u64>,
    /// The words kept, each followed by a space.
    text: String,
    /// A non-ASCII word, lower-cased.
    lower: String,
    /// The start of the word the last text ended in: the next text may
    /// go on with it (see [`Words::add`]).
    carry: String,
}

impl Default for Words {
    fn default() -> Self {
        Words {
            seen: vec![0; 256],
            count: 0,
            recent: vec![0; 1 << RECENT_BITS],
            text: String::new(),
            lower: String::new(),
            carry: String::new(),
        }
    }
}

impl Words {
    /// Adds the words of `text`: runs of non-space bytes, with the
    /// punctuation around them trimmed.
    ///
    /// Texts given one after another are read as one: pulldown-cmark cuts
    /// a paragraph's text at escapes, entities and emphasis (`foo\_bar`,
    /// `AT&amp;T`, `x*y*z`), and those words must stay whole. The word a
    /// text ends in waits for the next text, or for [`Words::end_word`]
    /// where something else (a break, code, a block's end) comes between.
    pub fn add(&mut self, mut text: &str) {
        if !self.carry.is_empty() {
            let end = text.bytes().position(is_space).unwrap_or(text.len());
            self.go_on(&text[..end]);
            if end == text.len() {
                return;
            }
            self.end_word();
            text = &text[end..];
        }
        self.scan(text);
    }

    /// Adds the word the last text ended in, if it did.
    #[inline]
    pub fn end_word(&mut self) {
        if !self.carry.is_empty() {
            self.add_carried();
        }
    }

    fn add_carried(&mut self) {
        let carry = std::mem::take(&mut self.carry);
        if self.text.len() < MAX_BYTES {
            self.word(&carry, 0, carry.len());
        }
        self.carry = carry;
        self.carry.clear();
    }

    /// Adds `part` (no spaces) to the word that waits for the next text.
    fn go_on(&mut self, part: &str) {
        // A word past the limit is left out anyway: stop growing it. (A
        // run of Chinese or Japanese may be a sentence long.)
        if self.carry.len() <= MAX_RUN {
            self.carry.push_str(part);
        }
    }

    /// Adds the words of `text`; the one it ends in, if it does, waits.
    fn scan(&mut self, text: &str) {
        let bytes = text.as_bytes();
        // Start of a word that runs past the block, if one does.
        let mut open = None;
        let mut base = 0;
        while base < bytes.len() {
            if self.text.len() >= MAX_BYTES {
                return;
            }
            // Bit k set: byte base + k is not a space.
            let mut rest = not_spaces(bytes, base);
            if let Some(start) = open {
                if rest == u32::MAX {
                    base += 32;
                    continue;
                }
                let end = rest.trailing_ones();
                self.found(text, start, base + end as usize);
                open = None;
                rest &= u32::MAX << end;
            }
            while rest != 0 {
                let start = rest.trailing_zeros();
                let len = (rest >> start).trailing_ones();
                if start + len == 32 {
                    open = Some(base + start as usize);
                    break;
                }
                self.found(text, base + start as usize, base + (start + len) as usize);
                rest &= !(((1 << len) - 1) << start);
            }
            base += 32;
        }
        if let Some(start) = open {
            self.found(text, start, bytes.len());
        }
    }

    /// A word of [`Words::scan`]'s text: added, or kept for the next text
    /// when it runs to the end.
    #[inline(always)]
    fn found(&mut self, text: &str, start: usize, end: usize) {
        if end == text.len() {
            self.go_on(&text[start..]);
        } else {
            self.word(text, start, end);
        }
    }

    /// Adds the word at `text[start..end]` (between spaces) once.
    #[inline(always)]
    fn word(&mut self, text: &str, start: usize, end: usize) {
        let raw = raw_hash(text.as_bytes(), start, end);
        let slot = &mut self.recent[(raw >> (64 - RECENT_BITS)) as usize];
        if raw != 0 && *slot == raw {
            return;
        }
        *slot = raw;
        self.new_word(text, start, end);
    }

    /// [`Words::word`] for a word not seen lately as written.
    fn new_word(&mut self, text: &str, start: usize, end: usize) {
        let bytes = text.as_bytes();
        let (mut start, mut end) = (start, end);
        while !EDGE[usize::from(bytes[start])] {
            start += 1;
            if start == end {
                return;
            }
        }
        while !EDGE[usize::from(bytes[end - 1])] {
            end -= 1;
        }
        // One letter says nothing to search for ("a", "I", "x"), and
        // nobody types a base64 blob or a minified line of code; but a
        // sentence of Chinese or Japanese has no spaces.
        if !(2..=MAX_WORD).contains(&(end - start)) {
            if end - start > MAX_WORD && !bytes[start..end].is_ascii() {
                self.paired_words(&text[start..end]);
            }
            return;
        }
        let (hash, upper, high) = hash_lower(bytes, start, end);
        if high {
            // Both ends are char boundaries (after ASCII or at the ends).
            return self.unicode_word(&text[start..end]);
        }
        if self.is_new(hash) {
            let at = self.text.len();
            self.text.push_str(&text[start..end]);
            if upper {
                self.text[at..].make_ascii_lowercase();
            }
            self.text.push(' ');
        }
    }

    /// A word with non-ASCII characters: trimmed of punctuation and
    /// lower-cased by `char`; a run of Chinese or Japanese in it is kept
    /// as its pairs.
    fn unicode_word(&mut self, word: &str) {
        if word.chars().any(is_paired) {
            return self.paired_words(word);
        }
        self.plain_unicode_word(word);
    }

    /// The words of `word` (between spaces, of any length): each run of
    /// [`is_paired`] characters as its overlapping pairs (a run of one
    /// as that one), and the text between runs as words of their own.
    fn paired_words(&mut self, word: &str) {
        let mut rest = word;
        while let Some(at) = rest.find(is_paired) {
            let run_len = rest[at..]
                .find(|c| !is_paired(c))
                .unwrap_or(rest.len() - at);
            let (before, run) = (&rest[..at], &rest[at..at + run_len]);
            if (2..=MAX_WORD).contains(&before.len()) {
                self.plain_unicode_word(before);
            }
            let mut chars = run.char_indices().peekable();
            while let Some((from, c)) = chars.next() {
                if self.text.len() >= MAX_BYTES {
                    return;
                }
                let to = chars
                    .peek()
                    .map_or(run.len(), |(next, n)| next + n.len_utf8());
                if from == 0 || to - from > c.len_utf8() {
                    self.keep(&run[from..to]);
                }
            }
            rest = &rest[at + run_len..];
        }
        if (2..=MAX_WORD).contains(&rest.len()) {
            self.plain_unicode_word(rest);
        }
    }

    /// `word`, lower-cased already, once.
    fn keep(&mut self, word: &str) {
        if self.is_new(hash_lower(word.as_bytes(), 0, word.len()).0) {
            self.text.push_str(word);
            self.text.push(' ');
        }
    }

    /// A word with non-ASCII characters and no Chinese or Japanese.
    fn plain_unicode_word(&mut self, word: &str) {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        if word.chars().nth(1).is_none() {
            return;
        }
        let mut lower = std::mem::take(&mut self.lower);
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        self.keep(&lower);
        self.lower = lower;
    }

    /// True the first time a word's hash is seen.
    fn is_new(&mut self, hash: u64) -> bool {
        let hash = hash | 1;
        if !insert(&mut self.seen, hash) {
            return false;
        }
        self.count += 1;
        if self.count * 2 > self.seen.len() {
            let grown = vec![0; 2 * self.seen.len()];
            let old = std::mem::replace(&mut self.seen, grown);
            for h in old.into_iter().filter(|&h| h != 0) {
                insert(&mut self.seen, h);
            }
        }
        true
    }

    /// The words, space-separated.
    pub fn finish(mut self) -> String {
        self.end_word();
        self.text.pop();
        self.text
    }
}

/// Characters of scripts written without spaces between words: kana,
/// and the Han characters of Chinese and Japanese (Korean puts spaces
/// between its words).
fn is_paired(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}' // hiragana, katakana
        | '\u{3400}'..='\u{4dbf}' // Han, extension A
        | '\u{4e00}'..='\u{9fff}' // Han
        | '\u{f900}'..='\u{faff}' // Han, compatibility
        | '\u{ff66}'..='\u{ff9f}' // half-width katakana
        | '\u{20000}'..='\u{2fa1f}' // Han, extensions B and on
    )
}

/// Puts `hash` (not 0) in the open-addressing `table`, whose length is a
/// power of two and which has a free slot; false when it was there.
fn insert(table: &mut [u64], hash: u64) -> bool {
    let mask = table.len() - 1;
    let mut i = (hash >> 32) as usize & mask;
    loop {
        match table[i] {
            0 => {
                table[i] = hash;
                return true;
            }
            h if h == hash => return false,
            _ => i = (i + 1) & mask,
        }
    }
}

/// Bit k set when byte `at + k` of `bytes` is not a space (bytes past
/// the end are).
fn not_spaces(bytes: &[u8], at: usize) -> u32 {
    match bytes[at..].first_chunk::<32>() {
        Some(block) => block_not_spaces(block),
        None => {
            let mut block = [b' '; 32];
            let rest = &bytes[at..];
            block[..rest.len()].copy_from_slice(rest);
            block_not_spaces(&block)
        }
    }
}

/// [`not_spaces`] of a whole block, eight bytes at a time in the bits of
/// a `u64`: the compiler made a slow vector loop of the plain byte loop.
#[inline(always)]
fn block_not_spaces(block: &[u8; 32]) -> u32 {
    let mut mask = 0;
    for (i, eight) in block.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(eight.try_into().unwrap_or_default());
        // High bit set in each byte other than ' '.
        let t = x ^ (u64::from(b' ') * ONES);
        let not_blank = (((t & !HIGH) + !HIGH) | t) & HIGH;
        // High bit set in each byte from \t to \r.
        let seven = x & !HIGH;
        let control = (seven + (0x80 - 9) * ONES) & !(seven + (0x80 - 14) * ONES) & !x & HIGH;
        let word = (not_blank & !control) >> 7;
        // Gathers the eight flags into one byte, byte k to bit k.
        let byte = word.wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask |= (byte as u32) << (8 * i);
    }
    mask
}

/// Bytes a word may start and end with: ASCII letters and digits, and
/// non-ASCII bytes (their characters are checked apart).
static EDGE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b >= 0x80;
        b += 1;
    }
    t
};

/// The hash of the word `bytes[start..end]` lower-cased (ASCII letters),
/// and whether it had upper-case ASCII letters and non-ASCII bytes.
/// Eight bytes at a time, read from `bytes` past the word's end when it
/// has them (masked off).
#[inline(always)]
fn hash_lower(bytes: &[u8], start: usize, end: usize) -> (u64, bool, bool) {
    let (mut hash, mut upper, mut high) = ((end - start) as u64, 0, 0);
    let mut at = start;
    loop {
        let x = match bytes[at..].first_chunk::<8>() {
            Some(eight) => u64::from_le_bytes(*eight),
            None => bytes[at..]
                .iter()
                .rev()
                .fold(0, |x, &b| (x << 8) | u64::from(b)),
        };
        let left = end - at;
        let x = if left >= 8 {
            x
        } else {
            x & ((1 << (8 * left)) - 1)
        };
        // High bit of each byte: from `A` up, and from past `Z` up (on
        // the low seven bits, so no carry crosses bytes); ASCII only.
        let seven = x & !HIGH;
        let from_a = seven + (0x80 - u64::from(b'A')) * ONES;
        let past_z = seven + (0x80 - u64::from(b'Z') - 1) * ONES;
        let caps = from_a & !past_z & !x & HIGH;
        upper |= caps;
        high |= x;
        hash = (hash.rotate_left(26) ^ (x | (caps >> 2))).wrapping_mul(SEED);
        if left <= 8 {
            return (hash, upper != 0, high & HIGH != 0);
        }
        at += 8;
    }
}

/// A hash of the bytes `bytes[start..end]` as they are, from at most two
/// 8-byte loads; 0 (never kept) for words over 16 bytes, as a hash of
/// their ends only could take one word for another.
#[inline(always)]
fn raw_hash(bytes: &[u8], start: usize, end: usize) -> u64 {
    let len = end - start;
    let (first, last) = match len {
        1..=8 => {
            let first = match bytes[start..].first_chunk::<8>() {
                Some(eight) => u64::from_le_bytes(*eight) & (u64::MAX >> (8 * (8 - len))),
                // Near the end of the text (most texts between links).
                None => bytes[start..end]
                    .iter()
                    .rev()
                    .fold(0, |x, &b| (x << 8) | u64::from(b)),
            };
            (first, 0)
        }
        9..=16 => {
            let load = |at: usize| {
                let eight = bytes[at..at + 8].try_into().unwrap_or_default();
                u64::from_le_bytes(eight)
            };
            (load(start), load(end - 8))
        }
        _ => return 0,
    };
    ((first ^ (len as u64)).wrapping_mul(SEED) ^ last).wrapping_mul(SEED) | 1
}

/// The multiplier of the words' hash (FxHash's).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[cfg(test)]
mod tests {
    use super::*;

    fn words(texts: &[&str]) -> String {
        let mut w = Words::default();
        for t in texts {
            w.add(t);
        }
        w.finish()
    }

    #[test]
    fn words_are_kept_once_lower_cased_with_surrounding_punctuation_trimmed() {
        assert_eq!(
            words(&[
                "Roll back the deploy. Then roll (back) again:",
                "  the on-call ENGINEER pages “Ops”; see v1.2, a I x ",
                "Équipe ÉQUIPE équipe — 日本語 OPS «Deploy»",
            ]),
            "roll back the deploy then again on-call engineer pages ops see v1.2 équipe 日本 本語"
        );
        assert_eq!(words(&[]), "");
        assert_eq!(words(&["... — !"]), "");
    }

    #[test]
    fn chinese_and_japanese_runs_are_kept_as_their_pairs() {
        assert_eq!(
            words(&["Kubernetesのデプロイ手順。次へ 部署 人"]),
            "kubernetes のデ デプ プロ ロイ イ手 手順 次へ 部署 人"
        );
        // A run cut by emphasis is put together again.
        assert_eq!(words(&["前の", "強調", "部分"]), "前の の強 強調 調部 部分");
        assert_eq!(words(&["a漢字b ab字"]), "漢字 ab 字");
        // A long sentence, and one past the limit of a page's words.
        let sentence = "本番環境へのデプロイ手順を説明します".repeat(20);
        assert!(words(&[&sentence]).contains("デプ プロ ロイ"));
        let long = "漢字".repeat(MAX_BYTES);
        assert!(words(&[&long, " 後"]).len() < MAX_BYTES + 8);
        // Korean has spaces between its words.
        assert_eq!(words(&["배포 절차"]), "배포 절차");
    }

    #[test]
    fn texts_one_after_another_make_whole_words_until_a_word_ends() {
        // How pulldown-cmark cuts `foo\_bar`, `AT&amp;T` and `x*y*z`.
        assert_eq!(
            words(&["Use foo", "_bar and AT", "&", "T", " or x", "y", "z."]),
            "use foo_bar and at&t or xyz"
        );
        let mut w = Words::default();
        w.add("run kube");
        w.end_word();
        w.add("ctl");
        w.add("");
        w.add(" now");
        assert_eq!(w.finish(), "run kube ctl now");
        // A run of texts without a space is left out past the limit,
        // and does not grow on.
        let mut w = Words::default();
        for _ in 0..10_000 {
            w.add("ab");
        }
        assert!(w.carry.len() <= MAX_RUN + 2);
        w.add(" done");
        assert_eq!(w.finish(), "done");
    }

    #[test]
    fn collecting_stops_past_the_limit() {
        let many: Vec<String> = (0..10_000).map(|n| format!("word{n}")).collect();
        let text = words(&[&many.join(" "), "late"]);
        assert!(
            text.len() >= MAX_BYTES && text.len() < MAX_BYTES + 64,
            "{}",
            text.len()
        );
        assert!(text.starts_with("word0 word1 "));
        assert!(!text.contains("late"));
    }

    #[test]
    fn runs_longer_than_a_word_are_left_out() {
        let blob = "QUJD".repeat(10_000);
        let longest = "x".repeat(MAX_WORD);
        let text = format!("data: {blob} end {longest}y {longest}");
        assert_eq!(words(&[&text]), format!("data end {longest}"));
    }

    #[test]
    fn the_space_mask_agrees_with_a_byte_loop() {
        for seed in 0..2000u32 {
            let mut block = [0u8; 32];
            let mut x = seed.wrapping_mul(2654435761) | 1;
            for b in &mut block {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                *b = [
                    b' ',
                    b'\t',
                    b'\n',
                    0x0b,
                    0x0c,
                    b'\r',
                    8,
                    14,
                    0x1f,
                    b'a',
                    0x89,
                    0xa0,
                    b'!',
                    0x20 | 0x80,
                ][(x % 14) as usize];
            }
            let slow = block.iter().enumerate().fold(0u32, |m, (k, &b)| {
                m | (u32::from(!crate::markdown::is_space(b)) << k)
            });
            assert_eq!(not_spaces(&block, 0), slow, "{block:?}");
            // Past the end is space.
            for len in [0, 5, 8, 13, 31] {
                let cut = not_spaces(&block[..len], 0);
                assert_eq!(cut, slow & ((1u64 << len) - 1) as u32, "{len}");
            }
        }
    }

    /// The plain reading of what [`Words`] does, for comparison: texts
    /// given one after another are one text.
    fn reference(texts: &[&str]) -> String {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for text in [texts.concat()] {
            for word in text.split(|c: char| c.is_ascii() && crate::markdown::is_space(c as u8)) {
                let word = word
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                if word.chars().count() >= 2 && word.len() <= MAX_WORD && seen.insert(word.clone())
                {
                    out.push(word);
                }
            }
        }
        out.join(" ")
    }

    #[test]
    fn words_across_blocks_long_words_and_text_ends_match_the_plain_reading() {
        let vocabulary = [
            "deploy",
            "Deploy",
            "deploy.",
            "(deploy)",
            "DEPLOY,",
            "a",
            "x1",
            "on-call",
            "\"quoted\"",
            "rollback-procedure-for-the-database",
            "rollback-procedure-for-the-databases",
            "twelve-chars",
            "sixteen-chars-ok",
            "seventeen-chars-x",
            "Équipe",
            "équipe",
            "—",
            // (Not Chinese or Japanese, whose pairs stop where a text
            // does: the test above has them.)
            "Ελλάδα",
            "naïve",
            "...",
            "v1.2.3",
            "x",
            "ab",
        ];
        let separators = [" ", "  ", "\n", "\t", " \r\n "];
        let mut x: u32 = 0x9e37_79b9;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as usize % n
        };
        for _ in 0..300 {
            let texts: Vec<String> = (0..1 + next(4))
                .map(|_| {
                    let mut t = String::new();
                    for _ in 0..next(40) {
                        t.push_str(vocabulary[next(vocabulary.len())]);
                        t.push_str(separators[next(separators.len())]);
                    }
                    // Texts end inside a word as often as after a space.
                    if next(2) == 0 {
                        t.truncate(t.trim_end().len());
                    }
                    t
                })
                .collect();
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            assert_eq!(words(&texts), reference(&texts), "{texts:?}");
        }
    }
}
