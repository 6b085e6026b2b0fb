//! Scripts as readers get them: a theme's JavaScript without the comments
//! that fill whole lines, and without indentation, when that is safe to
//! tell without a JavaScript parser.
//!
//! Like a stylesheet (see the `stylesheet` module), a theme's script is
//! written for the people who maintain it, and every page loads it: the
//! built-in theme's `folio.js` is a quarter comments and indentation.
//! Telling a regular expression from a division, or a comment from the
//! inside of a string, takes a parser in general. Two things make it safe
//! at the start of a line:
//!
//! - a regular expression cannot start with `/*` or `//`, and neither a
//!   regular expression nor a quoted string can span lines;
//! - so, in a script with no template literal (no backquote in its code)
//!   and no string continued over a line (no line of code ending in a
//!   backslash), a line whose first characters are `/*` or `//` starts a
//!   comment, unless an earlier line left a comment open. A backquote or
//!   backslash inside the comments it leaves out is only a word.
//!
//! The last is why a `/*` anywhere else in a line must close on that
//! line, or the script is left as it is. Lines stay lines, so line
//! numbers in a browser's errors move, but statements are never joined
//! (automatic semicolons depend on line breaks). A script that does not
//! fit is written unchanged: compaction only ever saves bytes.

/// `js` without indentation, empty lines and comments that start a line;
/// `None` when the script has something this cannot read safely (see the
/// module's documentation).
pub fn compact(js: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(js).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut in_comment = false;
    for line in text.lines() {
        let mut rest = line.trim();
        loop {
            if in_comment {
                match rest.find("*/") {
                    Some(end) => {
                        in_comment = false;
                        rest = rest[end + 2..].trim_start();
                    }
                    None => break,
                }
            } else if rest.starts_with("//") {
                rest = "";
            } else if let Some(comment) = rest.strip_prefix("/*") {
                in_comment = true;
                rest = comment;
            } else {
                break;
            }
        }
        if in_comment || rest.is_empty() {
            continue;
        }
        // A backquote may open a template literal, whose lines are its
        // text; a backslash at the end may continue a string. A `/*` later
        // in the line is a comment there or part of a string or regular
        // expression; either way it must not leave a comment open for the
        // next line to be misread. (Inside the comments left out, all
        // three are only words.)
        if rest.contains('`') || rest.ends_with('\\') {
            return None;
        }
        if let Some(last) = rest.rfind("/*") {
            if !rest[last + 2..].contains("*/") {
                return None;
            }
        }
        out.push_str(rest);
        out.push('\n');
    }
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact_str(js: &str) -> Option<String> {
        compact(js.as_bytes()).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn comments_that_start_a_line_and_indentation_go() {
        let js = "/* The theme's script.\n   Two lines. */\n(function () {\n  \"use strict\";\n  // one line\n  var a = 1; /* kept */\n\n  /* alone */  var b = a / 2 /* half */ / 3;\n    /* open\n     // inside\n     still */\n  return /x*/.test(a);\n})();\n";
        assert_eq!(
            compact_str(js).unwrap(),
            "(function () {\n\"use strict\";\nvar a = 1; /* kept */\nvar b = a / 2 /* half */ / 3;\nreturn /x*/.test(a);\n})();\n"
        );
        // Backquotes and backslashes inside comments left out are words.
        assert_eq!(
            compact_str("/* `count`, a \\\n   and more */\n// `x` \\\nvar a;\n").unwrap(),
            "var a;\n"
        );
        // The marker folio writes the words over stays.
        assert_eq!(
            compact_str("  var words = /*folio:strings*/{};\n").unwrap(),
            "var words = /*folio:strings*/{};\n"
        );
    }

    #[test]
    fn a_script_it_cannot_read_safely_is_left_alone() {
        for kept in [
            // A template literal: its lines' indentation is its text.
            "var t = `a\n  /* b */`;\n",
            // A string continued over a line.
            "var s = \"a\\\n  /* b */\";\n",
            // A comment opened after code, closed lines later.
            "var a = 1; /* open\n/* x */ var b;\n*/\n",
            // A string that holds an opening but no closing.
            "var s = \"/*\";\n",
            // A backquote in a line of code, even after a comment.
            "/* a `b` */ var t = `c\n// d`;\n",
        ] {
            assert_eq!(compact_str(kept), None, "{kept:?}");
        }
        assert_eq!(compact(b"var s = \"\xff\";\n"), None, "not UTF-8");
    }
}
