//! Assembly tests on in-memory pages.

use super::*;

use crate::site::test_site as build;

fn titles(site: &Site, ids: &[PageId]) -> Vec<String> {
    ids.iter().map(|id| site.page(*id).title.clone()).collect()
}

#[test]
fn sections_from_folders_with_order_and_neighbours() {
    let (site, d) = build(&[
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        (
            "content/guide/_index.md",
            "---\ntitle: Guide\nweight: 2\n---\n",
        ),
        (
            "content/guide/zeta.md",
            "---\ntitle: Zeta\nweight: 1\n---\n",
        ),
        ("content/guide/alpha.md", "---\ntitle: Alpha\n---\n"),
        ("content/guide/beta.md", "# Beta\n"),
        ("content/about/deep/x.md", "---\ntitle: X\n---\n"),
    ]);
    assert!(d.is_empty(), "{d:?}");
    let root = site.section(Site::ROOT);
    assert_eq!(root.title, "Home");
    let subs: Vec<&str> = root
        .subsections
        .iter()
        .map(|s| site.section(*s).title.as_str())
        .collect();
    assert_eq!(subs, ["Guide", "About"]);
    let guide = site.section(root.subsections[0]);
    assert_eq!(titles(&site, &guide.pages), ["Zeta", "Alpha", "Beta"]);
    let alpha = site.page(guide.pages[1]);
    assert_eq!(site.page(alpha.prev.unwrap()).title, "Zeta");
    assert_eq!(site.page(alpha.next.unwrap()).title, "Beta");
    assert!(site.page(guide.pages[2]).title_in_body);
    let about = site.section(root.subsections[1]);
    assert_eq!(about.title, "About");
    assert_eq!(site.section(about.subsections[0]).route.url, "/about/deep/");
}

#[test]
fn titles_sort_by_their_numbers_and_ignore_case() {
    let written = [
        "Step 10",
        "step 3",
        "Step 2",
        "Appendix",
        "Step 1",
        "Step 02b",
        "Release 1.10",
        "Release 1.9",
        "Step 0",
        "Étape 2",
        "Zone",
        "Öl",
    ];
    let mut sorted = written.to_vec();
    sorted.sort_by_cached_key(|t| title_key(t));
    assert_eq!(
        sorted,
        [
            "Appendix",
            "Étape 2",
            "Öl",
            "Release 1.9",
            "Release 1.10",
            "Step 0",
            "Step 1",
            "Step 2",
            "Step 02b",
            "step 3",
            "Step 10",
            "Zone",
        ]
    );
    assert_eq!(title_key("Straße Œuvre"), title_key("strasse oeuvre"));
    let pages: Vec<(String, String)> = written
        .iter()
        .enumerate()
        .map(|(i, t)| {
            (
                format!("content/s/p{i}.md"),
                format!("---\ntitle: {t}\n---\n"),
            )
        })
        .collect();
    let (site, _) = build(&pages);
    let section = site.section(site.page(PageId(0)).section);
    assert_eq!(titles(&site, &section.pages), sorted);
}

#[test]
fn title_falls_back_to_file_name() {
    let (site, _) = build(&[("content/failure-modes.md", "Just text.\n")]);
    assert_eq!(site.pages[0].title, "Failure modes");
}

#[test]
fn anchors_into_other_pages_are_checked() {
    let (_, d) = build(&[
        (
            "content/a.md",
            "See [b](b.md#real) and [c](b.md#unreal), [up](b.md#top), [faq](b.md#faq).\n",
        ),
        (
            "content/b.md",
            "## Real\n\n## Really\n\n<a id=\"faq\"></a>\n",
        ),
    ]);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].line, 1);
    assert!(d[0].message.contains("#unreal"));
}

#[test]
fn anchors_into_a_page_of_many_headings_are_looked_up_alike() {
    // Past SCANNED_IDS ids, a page's are looked up in a set: the same
    // answers, `#top` and raw HTML ids included, and the same hints.
    let mut long = String::new();
    for i in 0..(SCANNED_IDS + 8) {
        long.push_str(&format!("## Step {i}\n\n"));
    }
    long.push_str("<a id=\"faq\"></a>\n");
    let links = "[a](long.md#step-0) [b](long.md#step-39) [c](long.md#top) [d](long.md#faq)\n\n\
                 [e](long.md#step-40) [f](long.md#stepp-12)\n";
    let (_, d) = build(&[("content/long.md", long.as_str()), ("content/a.md", links)]);
    let mut found: Vec<(usize, &str, Option<&str>)> = d
        .iter()
        .map(|d| (d.line, d.message.as_str(), d.hint.as_deref()))
        .collect();
    found.sort();
    assert_eq!(found.len(), 2, "{d:?}");
    assert!(found[0].1.contains("`#step-40`"), "{found:?}");
    assert!(found[1].1.contains("`#stepp-12`"), "{found:?}");
    assert_eq!(found[1].2, Some("did you mean `#step-12`?"));
    // One scan and one set lookup agree on every fragment.
    let ids: Vec<String> = (0..40).map(|i| format!("step-{i}")).collect();
    for (n, fragment) in [
        (40, "step-39"),
        (40, "Top"),
        (40, "step-40"),
        (3, "step-2"),
        (3, "step-3"),
    ] {
        let (long, short) = (AnchorIds::new(&ids[..n]), &ids[..n]);
        assert_eq!(
            long.has(fragment),
            crate::markdown::has_anchor(short, fragment),
            "{n} {fragment}"
        );
    }
}

#[test]
fn featured_images_are_resolved_or_reported() {
    let (site, d) = build(&[
        ("content/a.md", "---\nfeatured: ../images/pic.png\n---\n"),
        (
            "content/b.md",
            "---\ntitle: B\nfeatured: ../images/nope.png\n---\n",
        ),
        (
            "content/c.md",
            "---\nfeatured: https://cdn.example/x.png\n---\n",
        ),
    ]);
    assert_eq!(
        site.pages[0].featured.as_ref().unwrap().url,
        "/images/pic.png"
    );
    assert_eq!(
        site.pages[2].featured.as_ref().unwrap().url,
        "https://cdn.example/x.png"
    );
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].line, 3);
    assert_eq!(d[0].file.as_deref(), Some("content/b.md"));
    assert!(d[0].message.contains("images/nope.png"));
}
