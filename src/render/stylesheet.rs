//! Stylesheets as readers get them: a theme's CSS without its comments
//! and indentation.
//!
//! A theme's stylesheet is written for the people who maintain it, with
//! comments on every rule that needs one; readers download every byte of
//! it with the first page they open. The built-in theme's `folio.css` is 20 KB, of
//! which 1.4 KB are comments and indentation. Lines stay lines, so a
//! browser's inspector still shows readable rules at the right place.
//!
//! Only what CSS's own syntax says is insignificant goes: comments outside
//! strings and `url(…)` (but `/*! … */`, by custom a licence, stays),
//! whitespace at the start and end of a line, empty lines, and within a
//! line the spaces around braces and after `:`, `;` and `,` (`a { b: c; }`
//! → `a{b:c;}`: 1.8 KB more of the theme's 20). Other spaces, which may
//! separate tokens (`calc(1px + 2%)`, `a b`), stay, one for each run.
//! Scripts have their own, more careful rules (the `script` module).

/// `css` without comments, indentation, trailing spaces, empty lines and
/// the spaces next to punctuation that ends a token.
///
/// Works on bytes: every byte it looks at is ASCII, and UTF-8 (or any
/// other ASCII-compatible encoding) passes through unchanged.
pub fn compact(css: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(css.len());
    // True while nothing of the current line has been written.
    let mut line_start = true;
    let mut i = 0;
    while i < css.len() {
        match css[i] {
            b' ' | b'\t' | b'\r' | b'\x0c' if line_start => i += 1,
            b'\n' => {
                while out
                    .last()
                    .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r'))
                {
                    out.pop();
                }
                if !line_start {
                    out.push(b'\n');
                    line_start = true;
                }
                i += 1;
            }
            b' ' | b'\t' => {
                let next = css[i..]
                    .iter()
                    .position(|b| !matches!(b, b' ' | b'\t'))
                    .map_or(css.len(), |n| i + n);
                let after_punctuation = out.last().is_some_and(|b| b"{};:,".contains(b));
                let before_brace = matches!(css.get(next), Some(b'{' | b'}'));
                // `--on: ;`, a custom property whose value is a space (the
                // "space toggle"): older browsers refuse `--on:;`.
                let space_value =
                    out.last() == Some(&b':') && matches!(css.get(next), Some(b';' | b'}'));
                if space_value || (!after_punctuation && !before_brace) {
                    out.push(b' ');
                }
                i = next;
            }
            b'/' if css.get(i + 1) == Some(&b'*') && css.get(i + 2) != Some(&b'!') => {
                let end = find(css, i + 2, b"*/").map_or(css.len(), |at| at + 2);
                // A comment between two tokens separates them (`1px/**/2px`);
                // next to whitespace or punctuation it needs no stand-in.
                let joins = |b: Option<&u8>| {
                    b.is_some_and(|b| !b.is_ascii_whitespace() && !b"{}()[];:,>~=".contains(b))
                };
                if !line_start && joins(out.last()) && joins(css.get(end)) {
                    out.push(b' ');
                }
                i = end;
            }
            b'/' if css.get(i + 1) == Some(&b'*') => {
                // A licence (`/*! … */`), kept as written.
                let end = find(css, i + 2, b"*/").map_or(css.len(), |at| at + 2);
                out.extend_from_slice(&css[i..end]);
                line_start = false;
                i = end;
            }
            quote @ (b'"' | b'\'') => {
                let end = string_end(css, i, quote);
                out.extend_from_slice(&css[i..end]);
                line_start = false;
                i = end;
            }
            b'u' | b'U' if unquoted_url(css, i) => {
                // `url(` then anything up to `)`: a `/*` there is part of the URL.
                let end = find(css, i, b")").map_or(css.len(), |at| at + 1);
                out.extend_from_slice(&css[i..end]);
                line_start = false;
                i = end;
            }
            byte => {
                out.push(byte);
                line_start = false;
                i += 1;
            }
        }
    }
    out
}

/// Where `needle` next starts in `bytes`, from `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&bytes[from..], needle).map(|at| from + at)
}

/// The end (one past the closing quote) of the string opening at `start`.
/// A backslash escapes the next byte; a string ends at a line break unclosed.
fn string_end(css: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < css.len() {
        match css[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    css.len()
}

/// True at the start of `url(` whose argument is not a string.
fn unquoted_url(css: &[u8], at: usize) -> bool {
    let Some(rest) = css.get(at..at + 4) else {
        return false;
    };
    let ident_before = at > 0 && {
        let b = css[at - 1];
        b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b >= 0x80
    };
    if ident_before || !rest.eq_ignore_ascii_case(b"url(") {
        return false;
    }
    let arg = css[at + 4..].iter().find(|b| !b.is_ascii_whitespace());
    !matches!(arg, Some(b'"' | b'\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact_str(css: &str) -> String {
        String::from_utf8(compact(css.as_bytes())).unwrap()
    }

    #[test]
    fn comments_indentation_and_empty_lines_go() {
        let css = "/* The theme.\n   Two lines. */\n\n:root {\n  --ink: #222; /* text */\n\t--bg: #fff;   \r\n}\n\n  /* alone */  \n.a,\n.b { margin: 0 }\n";
        assert_eq!(
            compact_str(css),
            ":root{\n--ink:#222;\n--bg:#fff;\n}\n.a,\n.b{margin:0}\n"
        );
    }

    #[test]
    fn strings_urls_and_licences_are_kept() {
        for kept in [
            ".q::before{content:\"/* not a comment */\";}\n",
            ".q::before{content:'\\'/* still a string */';}\n",
            ".q::before{content:\"a\\\"/*b*/\";}\n",
            ".q::before{content:\"a ,  { b\";}\n",
            ".i{background:url(data:image/svg+xml;utf8,<svg>/*</svg>);}\n",
            ".i{background:URL(  a/*b*/c.png );}\n",
            "/*! licence: keep me,  { as written } */\n",
            ".u::after{content:\"→ é ü\";}\n",
            "a{b:c}\n",
        ] {
            assert_eq!(compact_str(kept), kept);
        }
        // A quoted URL is a string; a function ending in `url` is not `url(`.
        assert_eq!(
            compact_str(".i { b: url(\"x/*y*/\") myurl(1 /* n */) }"),
            ".i{b:url(\"x/*y*/\") myurl(1 )}"
        );
    }

    #[test]
    fn spaces_that_separate_tokens_stay_one_each() {
        assert_eq!(
            compact_str(".a  .b > p,\t.c:is(.d, .e) {\n  width: calc(100%  - 2rem) !important;\n  color: rgb(0 0 0 / .5);\n}\n"),
            ".a .b > p,.c:is(.d,.e){\nwidth:calc(100% - 2rem) !important;\ncolor:rgb(0 0 0 / .5);\n}\n"
        );
        assert_eq!(
            compact_str(":root { --on: ; --off: initial; }\n.x { --on: }"),
            ":root{--on: ;--off:initial;}\n.x{--on: }"
        );
        assert_eq!(
            compact_str("@media (min-width: 60rem) and (hover: hover) { a { b: c } }"),
            "@media (min-width:60rem) and (hover:hover){a{b:c}}"
        );
    }

    #[test]
    fn a_comment_between_tokens_still_separates_them() {
        assert_eq!(compact_str("p { margin: 1px/**/2px }"), "p{margin:1px 2px}");
        assert_eq!(compact_str("p{/* a */color:red}"), "p{color:red}");
    }

    #[test]
    fn unclosed_comments_and_strings_end_the_way_css_ends_them() {
        // An unclosed comment runs to the end of the file.
        assert_eq!(compact_str("a { b: c }\n/* open"), "a{b:c}\n");
        // An unclosed string ends at its line: the next line is CSS again.
        assert_eq!(
            compact_str("a { content: \"open\n  /* gone */ b: c }"),
            "a{content:\"open\nb:c}"
        );
        assert_eq!(compact_str("x: '\\"), "x:'\\");
    }

    #[test]
    fn the_built_in_stylesheet_keeps_every_rule() {
        let css = include_str!("../../themes/handbook/static/folio.css");
        let compacted = compact_str(css);
        assert!(compacted.len() + 1000 < css.len(), "{}", compacted.len());
        assert!(!compacted.contains("/*"));
        // The same text once comments and whitespace are gone on both sides.
        let squash = |s: &str| -> String {
            let mut out = String::new();
            let mut rest = s;
            while let Some(at) = rest.find("/*") {
                out.push_str(&rest[..at]);
                rest = rest[at..].split_once("*/").map_or("", |(_, r)| r);
            }
            out.push_str(rest);
            out.split_whitespace().collect()
        };
        assert_eq!(squash(&compacted), squash(css));
    }
}
