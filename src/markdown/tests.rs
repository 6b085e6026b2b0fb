//! Input → HTML tests for the parse stage.

use super::*;

fn routes() -> Routes {
    crate::route::test_routes(
        "/",
        &["content/guide/a.md", "content/runbooks/deploy.md"],
        &["images/featured/theory.png"],
    )
    .0
}

fn md(body: &str) -> ParsedPage {
    md_with(body, false)
}

/// [`md`], collecting the body's words for search when `search_words`.
fn md_with(body: &str, search_words: bool) -> ParsedPage {
    parse(
        ParseInput {
            source: "content/guide/a.md",
            body,
            body_line: 4,
            search_words,
        },
        &routes(),
    )
}

#[test]
fn headings_get_github_ids_and_anchor_links() {
    let p = md("## Hello, World!\n\n## Hello, World!\n\n### Custom {#mine .wide}\n");
    assert!(
        p.html.contains(
            "<h2 id=\"hello-world\">Hello, World!<a class=\"anchor\" href=\"#hello-world\""
        ),
        "{}",
        p.html
    );
    assert!(p.html.contains("<h2 id=\"hello-world-1\">"));
    assert!(p.html.contains("<h3 id=\"mine\" class=\"wide\">Custom"));
    assert_eq!(p.heading_ids, ["hello-world", "hello-world-1", "mine"]);
    assert_eq!(p.toc.len(), 2);
    assert_eq!(p.toc[1].children[0].id, "mine");
}

#[test]
fn leading_h1_is_the_title_and_not_in_toc() {
    let p = md("# The Title\n\nIntro text here.\n\n## Part\n");
    assert_eq!(p.first_h1.as_deref(), Some("The Title"));
    assert_eq!(p.toc.len(), 1);
    assert_eq!(p.toc[0].id, "part");
    assert_eq!(p.summary, "Intro text here.");
    let p = md("Two lines\njoined by a space.\n");
    assert_eq!(p.summary, "Two lines joined by a space.");
    let p = md("Intro.\n\n# Later H1\n");
    assert_eq!(p.first_h1, None);
}

#[test]
fn gfm_extensions() {
    let p = md("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~\n\nText[^1]\n\n[^1]: Note.\n");
    assert!(p.html.contains("<table>"));
    assert!(p.html.contains("type=\"checkbox\""));
    assert!(p.html.contains("<del>old</del>"));
    assert!(p.html.contains("footnote"));
}

#[test]
fn alerts_get_kind_class_and_title() {
    let p = md("> [!WARNING]\n> Careful now.\n");
    assert!(
        p.html
            .contains("<div class=\"alert alert-warning\" role=\"note\">"),
        "{}",
        p.html
    );
    assert!(p.html.contains("<p class=\"alert-title\">Warning</p>"));
    assert!(p.html.contains("Careful now."));
    assert!(!p.html.contains("<blockquote"));
}

#[test]
fn md_links_are_rewritten_and_recorded() {
    let p = md("See [deploy](../runbooks/deploy.md#roll-back) and [site](https://x.org).\n");
    assert!(
        p.html.contains("href=\"/runbooks/deploy/#roll-back\""),
        "{}",
        p.html
    );
    assert!(p.html.contains("href=\"https://x.org\""));
    assert_eq!(p.links.len(), 1);
    assert_eq!(p.links[0].target, "content/runbooks/deploy.md");
    assert_eq!(p.links[0].fragment.as_deref(), Some("roll-back"));
    assert_eq!((p.links[0].line, p.links[0].column), (4, 5));
}

#[test]
fn broken_links_and_images_are_errors_with_file_lines() {
    let p = md("Intro\n\nSee [x](../runbooks/deplyo.md).\n\n![d](../../images/nope.png)\n\n[top](#nowhere)\n");
    let found: Vec<(usize, usize, &str)> = p
        .diagnostics
        .iter()
        .map(|d| (d.line, d.column, d.hint.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(found.len(), 3, "{:?}", p.diagnostics);
    assert_eq!((found[0].0, found[0].1), (6, 5));
    assert_eq!(found[0].2, "did you mean `../runbooks/deploy.md`?");
    assert_eq!(found[1].0, 8);
    assert_eq!(found[2].0, 10);
    assert!(p
        .diagnostics
        .iter()
        .all(|d| d.file.as_deref() == Some("content/guide/a.md")));
}

#[test]
fn same_page_anchor_to_existing_heading_is_fine() {
    let p = md("[down](#later)\n\n## Later\n");
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
}

#[test]
fn ids_in_raw_html_and_top_are_anchors_too() {
    let p = md(concat!(
        "[faq](#faq) [inline](#pin) [old](#legacy) [up](#top) [Up](#TOP) [no](#nope) [data](#x)\n\n",
        "<a id=\"faq\"></a>\n\n",
        "Text <span id='pin'>here</span> and <a name=legacy>there</a>.\n\n",
        "<div data-id=\"x\">not an id</div>\n",
    ));
    let missing: Vec<_> = p
        .diagnostics
        .iter()
        .map(|d| d.message.split('`').nth(1).unwrap())
        .collect();
    assert_eq!(missing, ["#nope", "#x"], "{:?}", p.diagnostics);
    for id in ["faq", "pin", "legacy"] {
        assert!(
            p.heading_ids.iter().any(|h| h == id),
            "{id}: {:?}",
            p.heading_ids
        );
    }
    assert!(has_anchor(&[], "top") && has_anchor(&[], "Top"));
    assert!(!has_anchor(&[], "topics"));
}

#[test]
fn images_resolve_relative_to_page() {
    let p = md("![theory](../../images/featured/theory.png)\n");
    assert!(
        p.html.contains("src=\"/images/featured/theory.png\""),
        "{}",
        p.html
    );
    assert_eq!(
        p.images,
        ["images/featured/theory.png"],
        "the images it shows"
    );
    let p = md("![escape](../../../../etc/passwd)\n");
    assert!(p.diagnostics[0].message.contains("outside the site"));
    assert!(p.images.is_empty());
}

#[test]
fn an_image_without_alt_text_warns_at_its_line() {
    let p = md("Intro.\n\nSee ![](../../images/featured/theory.png \"Theory\") and ![ ](x.png).\n");
    let found: Vec<_> = p
        .diagnostics
        .iter()
        .map(|d| (d.is_error(), d.line, d.column, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                false,
                6,
                5,
                "image `![](../../images/featured/theory.png \"Theory\")` has no alt text"
            ),
            (true, 6, 56, "image `x.png` not found"),
            (false, 6, 56, "image `![ ](x.png)` has no alt text"),
        ]
    );
    assert!(p.diagnostics[0]
        .hint
        .as_deref()
        .is_some_and(|h| h.contains("screen readers")));
    // Alt text in any form (emphasis, code) is alt text.
    let p = md("![*Flow* of `x`](../../images/featured/theory.png)\n");
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
}

#[test]
fn a_heading_without_text_has_no_id_anchor_or_toc_entry() {
    let p = md("## Real\n\n##\n\n## ???\n\n## Real\n");
    assert!(
        p.html.contains("<h2>\n</h2>") || p.html.contains("<h2></h2>"),
        "{}",
        p.html
    );
    assert!(p.html.contains("<h2>???</h2>"), "{}", p.html);
    assert!(
        !p.html.contains("id=\"\"") && !p.html.contains("href=\"#\""),
        "{}",
        p.html
    );
    assert_eq!(p.heading_ids, ["real", "real-1"]);
    assert_eq!(p.toc.len(), 2);
}

#[test]
fn raw_html_passes_through() {
    let p = md("<div class=\"x\">hi</div>\n");
    assert!(p.html.contains("<div class=\"x\">hi</div>"));
}

#[test]
fn seed_style_numbered_list_with_hard_breaks() {
    let p = md("1. **Title one**  \n    Body one.\n\n1. **Title two**  \n    Body two.\n");
    assert_eq!(p.html.matches("<li>").count(), 2);
    assert!(
        p.html.contains("<strong>Title one</strong><br />"),
        "{}",
        p.html
    );
}

#[test]
fn deeply_nested_input_does_not_overflow() {
    let body = ">".repeat(10_000) + " deep\n";
    let p = md(&body);
    assert!(p.html.contains("deep"));
    let body = "[a](<b".repeat(20_000);
    let p = md(&body);
    assert!(!p.html.is_empty());
}

#[test]
fn title_heading_agrees_with_a_full_parse() {
    let cases = [
        "# The Title\n\nIntro.\n",
        "\n\n  # Indented a little\n",
        "    # Indented code, not a heading\n",
        "Setext title\n============\n\nBody.\n",
        "Setext h2\n---------\n",
        "# With `code` and *emphasis*\n",
        "# [Reference][r] title\n\n[r]: https://example.com\n",
        "[r]: https://example.com\n# After a definition\n",
        "<!-- comment -->\n# Not first\n",
        "Intro.\n\n# Later H1\n",
        "## Only an h2\n",
        "# Explicit id {#custom}\n",
        "",
        "#\n",
    ];
    for body in cases {
        assert_eq!(title_heading(body), md(body).first_h1, "{body:?}");
    }
}

#[test]
fn word_count_matches_a_plain_split_across_block_edges() {
    let sample = "Words  and\twhitespace\nof every kind,\r\nsome long-ish-words-here x ";
    for len in 0..sample.len() * 3 {
        let text: String = sample.chars().cycle().take(len).collect();
        assert_eq!(
            count_words(&text),
            text.split_ascii_whitespace().count(),
            "{text:?}"
        );
    }
}

#[test]
fn search_words_stay_whole_across_escapes_entities_and_inline_markup() {
    let body = "Use foo\\_bar, AT&amp;T and `C:\\Ops`; x*y*z, **bold**ness and\n[link](https://example.com)s, not `kubectl`s.\nA <b>tag</b>word and a\nbreak.\n\n```sh\nrun me\n```\n\n## Heading words\n\nlast\n";
    assert_eq!(
        md_with(body, true).search_words,
        "use foo_bar at&t and c:\\ops xyz boldness links not kubectl tagword break run me last"
    );
}

#[test]
fn word_count_reads_words_whole_across_escapes_entities_and_inline_markup() {
    // As a reader sees it: "Use foo_bar, AT&T, xyz, boldness, links,
    // tagword and `code`s; line / break<br>here." is 12 words.
    let body = "Use foo\\_bar, AT&amp;T, x*y*z, **bold**ness, [link](https://example.com)s,\n<b>tag</b>word and `code`s; line\nbreak<br>here.\n";
    assert_eq!(md(body).word_count, 12);
}

#[test]
fn only_inline_elements_and_comments_join_words() {
    for joins in [
        "<b>",
        "</B>",
        "<span class=\"x\">",
        "<a href=\"#a\">",
        "<!-- c -->",
        "<wbr>",
    ] {
        assert!(joins_words(joins), "{joins}");
    }
    for ends in [
        "<br>", "<br/>", "<div>", "</p>", "<code>", "<kbd>", "<bold>", "<", "x",
    ] {
        assert!(!joins_words(ends), "{ends}");
    }
}

/// Pieces of Markdown that meet in odd ways when strung together at random.
const PIECES: &[&str] = &[
    "# ",
    "## ",
    "### ",
    "#",
    "\n",
    "\n\n",
    " ",
    "  ",
    "\t",
    "word",
    "Wörd",
    "日本語",
    "é",
    "🙂",
    "[",
    "]",
    "(",
    ")",
    "![",
    "![alt](../../images/featured/theory.png)",
    "[a](a.md)",
    "[d](../runbooks/deploy.md#step-1)",
    "[t](#top)",
    "[x](#missing)",
    "[e](https://example.com)",
    "[r]",
    "[r]: a.md",
    "<https://example.com>",
    "`",
    "``",
    "```",
    "```sh\n",
    "~~~",
    "*",
    "**",
    "_",
    "__",
    "~~",
    "\\",
    "\\_",
    "&amp;",
    "&#x1F600;",
    "&",
    "<",
    ">",
    "<b>",
    "</b>",
    "<a id=\"faq\">",
    "</a>",
    "<!-- c -->",
    "<div>",
    "</div>",
    "<br>",
    "|",
    "| a | b |\n|---|---|\n",
    "---",
    "***",
    "> ",
    "> [!NOTE]\n> ",
    "- ",
    "- [ ] ",
    "- [x] ",
    "1. ",
    "    ",
    "{#id}",
    "{.cls}",
    "[^1]",
    "[^1]: note",
    "$",
    "^",
    "=",
    "\r\n",
    "\u{a0}",
    "\u{200b}",
];

#[test]
fn random_markdown_parses_without_panics_and_titles_agree() {
    let mut rng = crate::test_rng::Rng(0x1234_5678_u64);
    let mut next = |n: usize| rng.below(n);
    for round in 0..3000 {
        let len = 1 + next(40);
        let body: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
        let body = body.replace("\r\n", "\n");
        let parsed = md_with(&body, round % 2 == 0);
        // The title found without parsing the whole body is the parse's.
        assert_eq!(
            title_heading(&body),
            parsed.first_h1,
            "round {round}: {body:?}"
        );
    }
}

#[test]
fn wiki_links_are_told_wherever_text_goes_and_only_there() {
    let told = |body: &str| -> Vec<String> {
        let parsed = md(body);
        (parsed.diagnostics.iter())
            .filter(|d| d.message.contains("is a wiki link"))
            .map(|d| {
                format!(
                    "{}:{} {}",
                    d.line,
                    d.column,
                    d.hint.clone().unwrap_or_default()
                )
            })
            .collect()
    };
    let to_deploy = "write `[deploy](../runbooks/deploy.md)`";
    for body in [
        "See [[deploy]].",
        "- item\n- [[deploy]] here",
        "| a | b |\n|---|---|\n| x | [[deploy]] |",
        "# Title [[deploy]]",
        "> quoted [[deploy]]",
        "**[[deploy]]** and *[[deploy]]*",
    ] {
        let found = told(body);
        assert!(!found.is_empty(), "{body:?}");
        assert!(
            found.iter().all(|f| f.ends_with(to_deploy)),
            "{body:?}: {found:?}"
        );
    }
    assert_eq!(told("a\n\nb [[deploy]]"), [format!("6:3 {to_deploy}")]);
    for body in [
        "`[[deploy]]`",
        "```toml\n[[schema]]\n```",
        "    [[indented]] code",
        "[[1]](https://example.com)",
        "[a] [b] [c]",
        "[x][y] and [[ alone",
        "<div>\n[[in html]]\n</div>",
    ] {
        assert_eq!(told(body), Vec::<String>::new(), "{body:?}");
    }
}
