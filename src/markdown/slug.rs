//! GitHub-compatible heading ids, so anchors copied from GitHub keep working.
//!
//! GitHub lower-cases the heading text, drops punctuation except `-` and
//! `_`, turns each space into `-`, and appends `-1`, `-2`, … to repeats.

use foldhash::HashMap;

/// Produces unique heading ids for one page.
#[derive(Debug, Default)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    /// The id for a heading with this text, unique within the page; empty
    /// (and not taken) when the text has nothing to make an id of.
    pub fn slug(&mut self, text: &str) -> String {
        let base = slugify(text);
        if base.is_empty() {
            return base;
        }
        self.unique(base)
    }

    /// Registers an explicit id (`{#id}`) so later slugs avoid it.
    pub fn claim(&mut self, id: &str) -> String {
        self.unique(id.to_string())
    }

    fn unique(&mut self, base: String) -> String {
        if !self.seen.contains_key(&base) {
            self.seen.insert(base.clone(), 0);
            return base;
        }
        let mut candidate = base.clone();
        while let Some(n) = self.seen.get(&candidate).copied() {
            let count = self.seen.entry(base.clone()).or_insert(n);
            *count += 1;
            candidate = format!("{base}-{count}");
        }
        self.seen.insert(candidate.clone(), 0);
        candidate
    }
}

/// What each ASCII byte becomes in a slug: letters lower-cased, digits,
/// `-` and `_` kept, a space turned into `-`, anything else dropped (0).
const ASCII_SLUG: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = match c {
            b' ' => b'-',
            b'-' | b'_' | b'0'..=b'9' | b'a'..=b'z' => c,
            b'A'..=b'Z' => c + (b'a' - b'A'),
            _ => 0,
        };
        b += 1;
    }
    table
};

/// GitHub's slug of a heading text (without de-duplication).
pub fn slugify(text: &str) -> String {
    let text = text.trim();
    if text.is_ascii() {
        // The common case: each byte through a table (0 drops it), into
        // bytes. Pushing `char`s into a `String` cost ~1,000 instructions
        // a heading (callgrind), most of it re-checking each push.
        let mut slug = Vec::with_capacity(text.len());
        for &b in text.as_bytes() {
            let mapped = ASCII_SLUG[usize::from(b)];
            if mapped != 0 {
                slug.push(mapped);
            }
        }
        return String::from_utf8(slug).unwrap_or_default();
    }
    slugify_chars(text)
}

/// [`slugify`]'s rules, a `char` at a time (any text, trimmed).
fn slugify_chars(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_github() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("What's new in v2.0?"), "whats-new-in-v20");
        assert_eq!(slugify("  Trim me "), "trim-me");
        assert_eq!(
            slugify("snake_case and kebab-case"),
            "snake_case-and-kebab-case"
        );
        assert_eq!(slugify("Ünïcödé Straße"), "ünïcödé-straße");
        assert_eq!(slugify("a  b"), "a--b");
    }

    #[test]
    fn the_ascii_table_agrees_with_the_char_rules() {
        let mut x = 0x2545_f491_u32;
        for _ in 0..20_000 {
            let text: String = (0..16)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    char::from((x % 128) as u8)
                })
                .collect();
            assert_eq!(slugify(&text), slugify_chars(text.trim()), "{text:?}");
        }
    }

    #[test]
    fn repeats_get_suffixes() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("Setup"), "setup");
        assert_eq!(s.slug("Setup"), "setup-1");
        assert_eq!(s.slug("Setup"), "setup-2");
        assert_eq!(s.slug("Setup 1"), "setup-1-1");
    }

    #[test]
    fn explicit_ids_are_reserved() {
        let mut s = Slugger::default();
        assert_eq!(s.claim("intro"), "intro");
        assert_eq!(s.slug("Intro"), "intro-1");
    }
}
