//! The common shape of YAML front matter, read without a YAML parser.
//!
//! Almost every page's front matter is a few flat `key: value` lines:
//! quoted or plain text, a whole number, a `[flow, list]` of words.
//! yaml-rust2 (through gray_matter) spent ~45,000 instructions on such a
//! block, a tenth of a whole build. [`parse`] reads exactly that shape and
//! returns `None` for anything else (nesting, block lists, anchors, tags,
//! escapes, floats, dates, `true`/`null` and friends, comments after
//! values, duplicate keys…), which gray_matter then parses as before. It
//! never guesses: a test checks that whatever it accepts, gray_matter reads
//! the same way.

use serde_json::{Map, Value};

use super::front_matter::KeyLines;

/// The block's keys and values, and the block line (0-based) of each key;
/// `None` when the block is not in the simple shape.
pub fn parse(block: &str) -> Option<(Map<String, Value>, KeyLines)> {
    let mut map = Map::new();
    let mut lines = Vec::new();
    for (n, line) in block.split('\n').enumerate() {
        if line.trim_start_matches(' ').is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, rest) = line.split_once(':')?;
        if !is_key(key) || !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        let value = scalar_or_list(rest.trim_matches(' '))?;
        if map.insert(key.to_string(), value).is_some() {
            return None;
        }
        lines.push((key.to_string(), n));
    }
    Some((map, lines))
}

/// `[A-Za-z_][A-Za-z0-9_-]*`.
fn is_key(key: &str) -> bool {
    let mut bytes = key.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn scalar_or_list(value: &str) -> Option<Value> {
    if value.contains('\t') {
        return None;
    }
    if let Some(inner) = value.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?.trim_matches(' ');
        if inner.is_empty() {
            return Some(Value::Array(Vec::new()));
        }
        return inner
            .split(',')
            .map(|item| plain(item.trim_matches(' '), true))
            .collect::<Option<Vec<Value>>>()
            .map(Value::Array);
    }
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote) {
            let inner = inner.strip_suffix(quote)?;
            // Escapes (`\` in "…", `''` in '…') are left to the parser.
            if inner.contains(quote) || (quote == '"' && inner.contains('\\')) {
                return None;
            }
            return Some(Value::String(inner.to_string()));
        }
    }
    plain(value, false)
}

/// A plain (unquoted) scalar: text of ordinary characters, or a whole
/// number. `in_list` forbids what a flow list gives meaning to.
fn plain(value: &str, in_list: bool) -> Option<Value> {
    let first = value.chars().next()?;
    let starts_well = first.is_ascii_alphanumeric()
        || first == '/'
        || first == '('
        || !first.is_ascii()
        || value.starts_with("./")
        || value.starts_with("../");
    let ordinary = |c: char| {
        c.is_ascii_alphanumeric()
            || !c.is_ascii()
            || " _-./()?!'&+".contains(c)
            || (c == ',' && !in_list)
    };
    // In a flow list, yaml-rust2 takes a `-` after a space at the end of
    // an item (`[a -]`) for the start of a block entry, and fails.
    if !starts_well || !value.chars().all(ordinary) || (in_list && value.ends_with(" -")) {
        return None;
    }
    if first.is_ascii_digit() {
        // Whole numbers only; `1.5`, `2024-05-01`, `0x1F`, `007` and the
        // like are for the parser to decide.
        let canonical =
            value.bytes().all(|b| b.is_ascii_digit()) && (value == "0" || !value.starts_with('0'));
        return canonical
            .then(|| value.parse::<i64>().ok())
            .flatten()
            .map(Value::from);
    }
    const SPECIAL: &[&str] = &["true", "false", "null", "yes", "no", "on", "off", "y", "n"];
    if SPECIAL.contains(&value.to_ascii_lowercase().as_str()) {
        return None;
    }
    Some(Value::String(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gray_matter::engine::{Engine, YAML};

    /// What gray_matter (the full parser) makes of a block, as folio reads it.
    fn full(block: &str) -> Option<Map<String, Value>> {
        match super::super::front_matter::pod_to_json(YAML::parse(block).ok()?) {
            Value::Object(m) => Some(m),
            Value::Null => Some(Map::new()),
            _ => None,
        }
    }

    #[test]
    fn reads_the_common_shape() {
        let block = "title: \"Engagement Incident\"\nweight: 47\ntags: [pairing, review]\n\nfeatured: ../../images/a.png\n# a comment\ndescription: What's new, and why?\n";
        let (map, lines) = parse(block).expect("simple");
        assert_eq!(map["title"], "Engagement Incident");
        assert_eq!(map["weight"], 47);
        assert_eq!(map["tags"], serde_json::json!(["pairing", "review"]));
        assert_eq!(map["featured"], "../../images/a.png");
        assert_eq!(lines[3], ("featured".to_string(), 4));
        assert_eq!(lines.len(), 5);
        assert_eq!(Some(map), full(block));
    }

    #[test]
    fn leaves_everything_else_to_the_parser() {
        for block in [
            "draft: true",
            "title: null",
            "title: ~",
            "date: 2024-05-01",
            "weight: 1.5",
            "weight: -3",
            "weight: 0x1F",
            "weight: 007",
            "title: a: b",
            "title: a # comment",
            "title: \"say \\\"hi\\\"\"",
            "title: 'it''s'",
            "tags:\n  - a\n  - b",
            "extra:\n  owner: sam",
            "title:",
            "title: &anchor x",
            "title: *alias",
            "title: !tag x",
            "title: .inf",
            "tags: [a, [b]]",
            "tags: [a -]",
            "tags: [on call -, b]",
            "tags: [\"a\", b]",
            "title: x\ntitle: y",
            "  title: x",
            "title: |\n  text",
            "title:\tx",
            "9lives: x",
            "title: Yes",
            "%YAML 1.2",
        ] {
            assert_eq!(parse(block).map(|(m, _)| m), None, "{block:?}");
        }
    }

    /// Every block built from these parts is either left to the parser or
    /// read exactly as the parser reads it.
    #[test]
    fn agrees_with_the_full_parser_whenever_it_answers() {
        let values = [
            "Plain title",
            "\"Quoted: with # and , inside\"",
            "'single quoted'",
            "\"\"",
            "42",
            "0",
            "9223372036854775807",
            "9223372036854775808",
            "1e3",
            "[a, b, c]",
            "[]",
            "[ spaced , items ]",
            "../images/x.png",
            "/images/x.png",
            "(draft) notes",
            "Ünïcödé text",
            "What's new?",
            "a, b and c",
            "x-y_z",
            "TRUE",
            "none",
            "nan",
            "5 whys",
            "0.1.2",
            "- not a list",
            "v2",
            "trailing   ",
        ];
        let mut accepted = 0;
        for (i, a) in values.iter().enumerate() {
            for b in &values[i..] {
                let block = format!("title: {a}\nextra_key: {b}\n");
                if let Some((map, _)) = parse(&block) {
                    accepted += 1;
                    assert_eq!(Some(map), full(&block), "{block:?}");
                }
            }
        }
        assert!(
            accepted > 100,
            "the fast path takes the common cases ({accepted})"
        );
    }

    #[test]
    fn agrees_with_the_full_parser_on_random_values() {
        // Characters YAML gives a meaning to, and some it does not.
        const CHARS: &[&str] = &[
            "a", "Z", "0", "7", " ", " ", ":", "#", "'", "\"", "[", "]", ",", "{", "}", "-", "?",
            "!", "&", "*", "|", ">", "%", "@", "`", ".", "+", "e", "~", "\\", "/", "_", "é",
            "null", "true", "no", "0x", "1e", "::", ": ", " #", "[]", "''", "\"\"",
        ];
        let mut rng = crate::test_rng::Rng(0x5eed_u64);
        let mut next = |n: usize| rng.below(n);
        let mut accepted = 0;
        for _ in 0..200_000 {
            let shape = next(3);
            let mut value =
                || -> String { (0..1 + next(8)).map(|_| CHARS[next(CHARS.len())]).collect() };
            let block = match shape {
                0 => format!("tags: [{}, {}]\n", value(), value()),
                1 => format!("title: {}\nweight: {}\n", value(), value()),
                _ => format!("title: {}\n", value()),
            };
            if let Some((map, _)) = parse(&block) {
                accepted += 1;
                assert_eq!(Some(map), full(&block), "{block:?}");
            }
        }
        assert!(accepted > 2000, "{accepted} accepted");
    }
}
