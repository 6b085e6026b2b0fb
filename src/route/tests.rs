//! Route planning and reference resolution, on in-memory sources.

use super::*;

fn routes(sources: &[&str]) -> (Routes, Vec<Diagnostic>) {
    test_routes("/hb/", sources, &["images/a.png", "content/x/pic.png"])
}

/// A plan's problems as the build tells them.
fn told((routes, problems): (Routes, Vec<RouteProblem>)) -> (Routes, Vec<Diagnostic>) {
    (routes, problems.into_iter().map(Diagnostic::from).collect())
}

#[test]
fn output_dirs() {
    assert_eq!(output_dir("content/a/b.md", None), "a/b/");
    assert_eq!(output_dir("content/a/_index.md", None), "a/");
    assert_eq!(output_dir("content/a/index.md", None), "a/");
    assert_eq!(output_dir("content/_index.md", None), "");
    assert_eq!(output_dir("content/a/b.md", Some("c")), "a/c/");
    // A folder's section goes where its `_index.md` would.
    for folder in ["", "a", "a/b c"] {
        let index = format!("content/{folder}/_index.md").replace("content//", "content/");
        assert_eq!(section_dir(folder), output_dir(&index, None), "{folder:?}");
        assert_eq!(source_parts(&index).0, folder);
    }
}

#[test]
fn collisions_name_every_file() {
    let (_, d) = routes(&[
        "content/a.md",
        "content/a/index.md",
        "content/A.md",
        "content/b.md",
    ]);
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("3 sources"), "{}", d[0].message);
    assert!(d[0].message.contains("content/a/index.md"));
}

#[test]
fn a_collision_made_by_a_slug_is_placed_at_the_slug() {
    let requests = [
        RouteRequest {
            source: "content/a/p.md",
            slug: None,
            aliases: &[],
            aliases_line: 0,
        },
        RouteRequest {
            source: "content/a/q.md",
            slug: Some(("p", 3)),
            aliases: &[],
            aliases_line: 0,
        },
    ];
    let (_, d) = told(Routes::plan("/", false, &requests, std::iter::empty()));
    assert_eq!(d.len(), 1);
    assert!(
        d[0].message.contains("content/a/p.md, content/a/q.md"),
        "{}",
        d[0].message
    );
    assert_eq!(
        (d[0].file.as_deref(), d[0].line),
        (Some("content/a/q.md"), 3)
    );
}

#[test]
fn a_clash_of_many_sources_names_ten_and_counts_the_others() {
    let sources: Vec<String> = (0..5000).map(|i| format!("content/s/p{i:04}.md")).collect();
    let requests: Vec<RouteRequest<'_>> = sources
        .iter()
        .map(|source| RouteRequest {
            source,
            slug: Some(("same", 3)),
            aliases: &[],
            aliases_line: 0,
        })
        .collect();
    let (_, d) = told(Routes::plan("/", false, &requests, std::iter::empty()));
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].message,
        "5000 sources map to the same URL `/s/same/`: content/s/p0000.md, content/s/p0001.md, \
         content/s/p0002.md, content/s/p0003.md, content/s/p0004.md, content/s/p0005.md, \
         content/s/p0006.md, content/s/p0007.md, content/s/p0008.md, content/s/p0009.md \
         and 4990 more"
    );
    // Eleven are all named: "and 1 more" would be no shorter.
    let (_, d) = told(Routes::plan(
        "/",
        false,
        &requests[..11],
        std::iter::empty(),
    ));
    assert!(
        d[0].message
            .ends_with("content/s/p0009.md, content/s/p0010.md"),
        "{}",
        d[0].message
    );
}

#[test]
fn problems_say_which_sources_they_concern_without_their_messages() {
    let sources: Vec<String> = (0..12).map(|i| format!("content/s/p{i:02}.md")).collect();
    let aliases = ["/ops/".to_string()];
    let mut requests: Vec<RouteRequest<'_>> = sources
        .iter()
        .map(|source| RouteRequest {
            source,
            slug: Some(("same", 2)),
            aliases: &[],
            aliases_line: 0,
        })
        .collect();
    for (source, aliases) in [
        ("content/ops/run.md", &[][..]),
        ("content/ops.md", &[][..]),
        ("content/a.md", &aliases[..]),
        ("content/s/_index.md", &[][..]),
    ] {
        requests.push(RouteRequest {
            source,
            slug: None,
            aliases,
            aliases_line: 3,
        });
    }
    requests.push(RouteRequest {
        source: "content/t/_index.md",
        slug: Some(("x", 4)),
        aliases: &[],
        aliases_line: 0,
    });
    let (_, problems) = Routes::plan("/", false, &requests, std::iter::empty());
    let concerning = |source: &str| -> Vec<&RouteProblem> {
        problems.iter().filter(|p| p.concerns(source)).collect()
    };
    // The last of twelve claimants, which the message counts, not names.
    let crowd = concerning("content/s/p10.md");
    assert!(
        matches!(crowd[..], [RouteProblem::Collision { dir, claimants }]
            if dir == "s/same/" && claimants.len() == 12 && claimants[10] == ("content/s/p10.md".to_string(), 2)),
        "{crowd:?}"
    );
    assert!(!Diagnostic::from(crowd[0])
        .message
        .contains("content/s/p10.md"));
    // The page and the alias both over `content/ops/`, which has no index:
    // `ops.md` claims it first, so the alias collides with it.
    assert!(matches!(
        concerning("content/ops.md")[..],
        [RouteProblem::Collision { dir, .. }] if dir == "ops/"
    ));
    assert_eq!(concerning("content/a.md"), concerning("content/ops.md"));
    assert!(concerning("content/ops/run.md").is_empty());
    let slug = concerning("content/t/_index.md");
    assert!(
        matches!(slug[..], [p @ RouteProblem::IgnoredSlug { line: 4, .. }] if !p.is_error()),
        "{slug:?}"
    );
    assert!(problems[..problems.len() - 1]
        .iter()
        .all(RouteProblem::is_error));
    // Without the page, the alias alone is over the section's page.
    requests.retain(|r| r.source != "content/ops.md");
    let (_, problems) = Routes::plan("/", false, &requests, std::iter::empty());
    assert!(problems.iter().any(|p| matches!(
        p,
        RouteProblem::OverSection { source, by_alias: true, line: 3, .. } if source == "content/a.md"
    )));
}

#[test]
fn a_page_or_alias_at_the_url_of_a_folder_without_index_is_an_error_naming_both() {
    /// A page with `aliases` at line `aliases_line` of its front matter.
    fn aliased<'a>(
        source: &'a str,
        aliases: &'a [String],
        aliases_line: usize,
    ) -> RouteRequest<'a> {
        RouteRequest {
            source,
            slug: None,
            aliases,
            aliases_line,
        }
    }
    let page = |source, slug| RouteRequest {
        slug,
        ..aliased(source, &[], 0)
    };
    let aliases = ["/ops/".to_string()];
    let plan = |extra: &[RouteRequest<'_>]| {
        let mut requests = vec![
            page("content/guide/inner.md", None),
            page("content/ops/run.md", None),
        ];
        requests.extend_from_slice(extra);
        told(Routes::plan("/", false, &requests, std::iter::empty())).1
    };
    // The page beside the folder, in any letter case, or by its slug.
    for (request, line) in [
        (page("content/guide.md", None), 0),
        (page("content/Guide.md", None), 0),
        (page("content/other.md", Some(("guide", 4))), 4),
    ] {
        let source = request.source;
        let d = plan(&[request]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].is_error());
        assert!(
            d[0].message
                .contains(&format!("`{source}` would be written at `/guide/`"))
                && d[0].message.contains("section `content/guide/`"),
            "{}",
            d[0].message
        );
        assert_eq!((d[0].file.as_deref(), d[0].line), (Some(source), line));
        assert!(d[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("content/guide/_index.md"));
    }
    // An alias; and the home page's URL, when `content/` has no index.
    let d = plan(&[aliased("content/x.md", &aliases, 5)]);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].file.as_deref(), d[0].line), (Some("content/x.md"), 5));
    assert!(
        d[0].message
            .contains("an alias of `content/x.md` would be written at `/ops/`"),
        "{}",
        d[0].message
    );
    assert!(d[0].hint.as_deref().unwrap().contains("drop the alias"));
    let home = ["/".to_string()];
    let d = plan(&[aliased("content/x.md", &home, 0)]);
    assert!(
        d.len() == 1 && d[0].message.contains("section `content/`"),
        "{d:?}"
    );
    // With an index file, the index and the page collide (one error).
    let d = plan(&[
        page("content/guide.md", None),
        page("content/guide/_index.md", None),
    ]);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].message.contains("2 sources map to the same URL"),
        "{d:?}"
    );
    // An alias taking another page's URL: placed at the `aliases` line.
    let taken = ["/guide/inner/".to_string()];
    let d = plan(&[aliased("content/y.md", &taken, 4)]);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].message.contains("2 sources map to the same URL"),
        "{d:?}"
    );
    assert_eq!((d[0].file.as_deref(), d[0].line), (Some("content/y.md"), 4));
    // A folder's page elsewhere is fine.
    assert!(plan(&[page("content/guides.md", None)]).is_empty());
}

#[test]
fn the_page_at_an_output_path_is_its_source_or_its_sections_folder() {
    let (r, _) = routes(&["content/_index.md", "content/guide/a.md", "content/b c.md"]);
    for (path, page) in [
        ("guide/a/index.html", "content/guide/a.md"),
        ("b c/index.html", "content/b c.md"),
        ("index.html", "content/_index.md"),
        ("guide/index.html", "content/guide/"),
    ] {
        assert_eq!(r.page_at(path).as_deref(), Some(page), "{path}");
    }
    for other in [
        "guide/a/other.html",
        "guide/aindex.html",
        "x/index.html",
        "guide/a/",
    ] {
        assert_eq!(r.page_at(other), None, "{other}");
    }
}

#[test]
fn resolves_pages_anchors_and_assets() {
    let (r, _) = routes(&["content/x/a.md", "content/y/b c.md"]);
    assert_eq!(
        r.resolve("content/x/a.md", "../y/b%20c.md#roll-back"),
        Reference::Page {
            source: "content/y/b c.md",
            url: "/hb/y/b%20c/#roll-back".into(),
            fragment: Some("roll-back".into())
        }
    );
    assert_eq!(
        r.resolve("content/x/a.md", "#top"),
        Reference::SamePage("top".into())
    );
    assert_eq!(
        r.resolve("content/x/a.md", "../../images/a.png"),
        Reference::Asset {
            path: "images/a.png".into(),
            url: "/hb/images/a.png".into()
        }
    );
    assert_eq!(
        r.resolve("content/x/a.md", "/images/a.png"),
        Reference::Asset {
            path: "images/a.png".into(),
            url: "/hb/images/a.png".into()
        }
    );
    assert_eq!(
        r.resolve("content/x/a.md", "pic.png"),
        Reference::Asset {
            path: "content/x/pic.png".into(),
            url: "/hb/x/pic.png".into()
        }
    );
    assert_eq!(
        r.resolve("content/x/a.md", "../images/a.png"),
        Reference::Asset {
            path: "images/a.png".into(),
            url: "/hb/images/a.png".into()
        },
        "../images/ from a nested page falls back to the site's images/"
    );
    assert_eq!(
        r.resolve("content/x/a.md", "https://x.org/a.md"),
        Reference::External
    );
    assert_eq!(
        r.resolve("content/x/a.md", "mailto:a@b.c"),
        Reference::External
    );
    assert_eq!(
        r.resolve("content/x/a.md", "../../../etc/passwd"),
        Reference::Outside
    );
    assert!(
        matches!(
            r.resolve("content/x/a.md", "/guide/"),
            Reference::Missing { .. }
        ),
        "no such page"
    );
}

#[test]
fn missing_page_suggests_close_name() {
    let (r, _) = routes(&["content/runbooks/deploy.md", "content/x/a.md"]);
    match r.resolve("content/x/a.md", "../runbooks/deplyo.md") {
        Reference::Missing { path, suggestion } => {
            assert_eq!(path, "content/runbooks/deplyo.md");
            assert_eq!(suggestion.as_deref(), Some("../runbooks/deploy.md"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_link_to_a_page_moved_to_another_folder_suggests_where_it_went() {
    let mut sources = vec![
        "content/operations/deploy.md",
        "content/x/a.md",
        "content/runbooks/_index.md",
    ];
    let shared: Vec<String> = (0..9)
        .map(|i| format!("content/s{i}/overview.md"))
        .collect();
    sources.extend(shared.iter().map(String::as_str));
    let (r, _) = routes(&sources);
    let suggestion = |href| match r.resolve("content/x/a.md", href) {
        Reference::Missing { suggestion, .. } => suggestion,
        other => panic!("{href}: {other:?}"),
    };
    assert_eq!(
        suggestion("../runbooks/deploy.md").as_deref(),
        Some("../operations/deploy.md")
    );
    // Nine pages share `overview.md`, and many a folder has an index.
    assert_eq!(suggestion("../guide/overview.md"), None);
    assert_eq!(suggestion("../ops/_index.md"), None);
    // Of a few, the nearest path.
    let (r, _) = routes(&[
        "content/x/a.md",
        "content/ops/a/setup.md",
        "content/guide/setup.md",
    ]);
    match r.resolve("content/x/a.md", "../guides/intro/setup.md") {
        Reference::Missing { suggestion, .. } => {
            assert_eq!(suggestion.as_deref(), Some("../guide/setup.md"))
        }
        other => panic!("{other:?}"),
    }
    // So for an image moved to another folder.
    let (r, _) = test_routes("/", &["content/x/a.md"], &["images/screens/2024/login.png"]);
    match r.resolve("content/x/a.md", "../../images/login.png") {
        Reference::Missing { suggestion, .. } => {
            assert_eq!(
                suggestion.as_deref(),
                Some("../../images/screens/2024/login.png")
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_file_there_in_another_letter_case_is_missing_with_its_real_name() {
    let (r, _) = routes(&["content/x/a.md", "content/x/b.md"]);
    let missing = |href| match r.resolve("content/x/a.md", href) {
        Reference::Missing { path, suggestion } => (path, suggestion),
        other => panic!("{href}: {other:?}"),
    };
    // A co-located image and a page, whose names differ only in case.
    assert_eq!(
        missing("Pic.PNG"),
        ("content/x/Pic.PNG".into(), Some("pic.png".into()))
    );
    assert_eq!(
        missing("B.md"),
        ("content/x/B.md".into(), Some("b.md".into()))
    );
    assert_eq!(
        missing("../../images/A.png"),
        ("images/A.png".into(), Some("../../images/a.png".into()))
    );
    // Beyond ASCII too, as a disk that ignores case sees it.
    let (r2, _) = test_routes("/", &["content/x/a.md"], &["content/x/équipe.png"]);
    match r2.resolve("content/x/a.md", "Équipe.png") {
        Reference::Missing { suggestion, .. } => {
            assert_eq!(suggestion.as_deref(), Some("équipe.png"));
        }
        other => panic!("{other:?}"),
    }
    // A file folio does not know in any case is still left alone.
    assert!(matches!(
        r.resolve("content/x/a.md", "report.pdf"),
        Reference::Unknown
    ));
}

#[test]
fn links_written_as_urls_are_checked() {
    let (mut r, _) = routes(&[
        "content/guide/setup.md",
        "content/guide/_index.md",
        "content/notes/a.md",
    ]);
    r.set_static_files(["robots.txt".to_string()]);
    match r.resolve("content/notes/a.md", "/hb/guide/setup/#install") {
        Reference::Page {
            source,
            url,
            fragment,
        } => {
            assert_eq!(source, "content/guide/setup.md");
            assert_eq!(url, "/hb/guide/setup/#install");
            assert_eq!(fragment.as_deref(), Some("install"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        r.resolve("content/notes/a.md", "/hb/guide/"),
        Reference::Page { .. }
    ));
    assert!(matches!(
        r.resolve("content/notes/a.md", "/guide/setup/index.html"),
        Reference::Page { .. }
    ));
    assert_eq!(
        r.resolve("content/notes/a.md", "/hb/notes/"),
        Reference::Section {
            url: "/hb/notes/".into()
        },
        "generated section page"
    );
    // A file of static/, written from the site's root with or without the
    // base path: under the base path once built.
    for (written, url) in [
        ("/robots.txt", "/hb/robots.txt"),
        ("/hb/robots.txt", "/hb/robots.txt"),
        ("/robots.txt?v=2#top", "/hb/robots.txt?v=2#top"),
    ] {
        assert_eq!(
            r.resolve("content/notes/a.md", written),
            Reference::Static {
                url: url.into(),
                file: Some("static/robots.txt".into())
            },
            "static file {written}"
        );
    }
    // A file of content/ by its site path names its file too.
    assert_eq!(
        r.resolve("content/notes/a.md", "/x/pic.png"),
        Reference::Static {
            url: "/hb/x/pic.png".into(),
            file: Some("content/x/pic.png".into())
        }
    );
    match r.resolve("content/notes/a.md", "/hb/ntoes/") {
        Reference::Missing { suggestion, .. } => {
            assert_eq!(
                suggestion.as_deref(),
                Some("/hb/notes/"),
                "a generated section"
            );
        }
        other => panic!("{other:?}"),
    }
    match r.resolve("content/notes/a.md", "/hb/guide/setpu/") {
        Reference::Missing { path, suggestion } => {
            assert_eq!(path, "/hb/guide/setpu/");
            assert_eq!(suggestion.as_deref(), Some("/hb/guide/setup/"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn slug_on_index_page_warns() {
    let reqs = [RouteRequest {
        source: "content/a/_index.md",
        slug: Some(("b", 3)),
        aliases: &[],
        aliases_line: 0,
    }];
    let (r, d) = told(Routes::plan("/", false, &reqs, []));
    assert_eq!(r.page("content/a/_index.md").unwrap().dir, "a/");
    assert_eq!(d.len(), 1);
    assert!(!d[0].is_error() && d[0].line == 3, "{d:?}");
}

#[test]
fn encodes_segments() {
    let encode_path = |path| path_url("", path);
    assert_eq!(encode_path("a b/c#d/"), "a%20b/c%23d/");
    assert_eq!(encode_path(""), "");
    assert_eq!(
        encode_path("R&D notes/ünï/100%/a?b/"),
        "R&D%20notes/%C3%BCn%C3%AF/100%25/a%3Fb/"
    );
    assert_eq!(path_url("/handbook/", "a b/"), "/handbook/a%20b/");
    // The whole path at once gives what segment by segment gave.
    for path in ["a/b/c", "/lead/and/trail/", "x//y", "sp ace/`tick`/{c}|p^"] {
        let by_segment: Vec<String> = path
            .split('/')
            .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
            .collect();
        assert_eq!(encode_path(path), by_segment.join("/"), "{path}");
    }
}

#[test]
fn joins_relative_and_rooted_references() {
    for (from, reference, joined) in [
        ("content/x/a.md", "b.md", Some("content/x/b.md")),
        ("content/x/a.md", "./y/../b.md", Some("content/x/b.md")),
        ("content/x/a.md", "../../images/p.png", Some("images/p.png")),
        ("content/a.md", "/x/b.md", Some("content/x/b.md")),
        ("content/a.md", "/images/p.png", Some("images/p.png")),
        // Climbs out of the project.
        ("content/x/a.md", "../../..", None),
        ("content/x/a.md", "../../../x/b.md", None),
        ("a.md", "b.md", Some("b.md")),
        // Empty, doubled and trailing separators; characters of several bytes.
        ("content/x/a.md", "", Some("content/x")),
        ("content/x/a.md", "y//z/./", Some("content/x/y/z")),
        (
            "content/ü/a.md",
            "../straße/ß.md",
            Some("content/straße/ß.md"),
        ),
        ("content/a.md", "/", Some("content")),
        ("content/a.md", "/images", Some("images")),
    ] {
        assert_eq!(
            join(from, reference).as_deref(),
            joined,
            "{from} + {reference}"
        );
    }
}

#[test]
fn borrows_the_url_of_a_plain_page_link() {
    let (r, _) = routes(&["content/x/a.md", "content/y/b.md"]);
    match r.resolve("content/x/a.md", "../y/b.md") {
        Reference::Page {
            source,
            url,
            fragment,
        } => {
            assert_eq!(source, "content/y/b.md");
            assert!(matches!(url, Cow::Borrowed("/hb/y/b/")), "{url:?}");
            assert_eq!(fragment, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn external_references_have_a_scheme() {
    for href in [
        "https://x.org",
        "mailto:a@b.c",
        "//cdn.x.org/a.js",
        "git+ssh://h/r",
        "a.b-c+d:x",
    ] {
        assert!(is_external(href), "{href}");
    }
    for href in [
        "a.md",
        "../a.md#x:y",
        "1http://x",
        ":x",
        "",
        "/a:b",
        "a/b:c",
        "ä:x",
        "#a:b",
    ] {
        assert!(!is_external(href), "{href}");
    }
}

#[test]
fn relative_folder_links_name_the_section_built_from_that_folder() {
    let (r, _) = routes(&[
        "content/guide/setup.md",
        "content/guide/_index.md",
        "content/notes/a.md",
        "content/notes/deep/b.md",
    ]);
    let page = |href| match r.resolve("content/notes/deep/b.md", href) {
        Reference::Page { source, url, .. } => (source.to_string(), url.into_owned()),
        other => panic!("{href}: {other:?}"),
    };
    let section = |href| match r.resolve("content/notes/deep/b.md", href) {
        Reference::Section { url } => url,
        other => panic!("{href}: {other:?}"),
    };
    // Read from the page's folder (`content/notes/deep/`), as on GitHub,
    // though the built page sits one folder lower (`/hb/notes/deep/b/`).
    assert_eq!(
        page("../../guide/"),
        ("content/guide/_index.md".into(), "/hb/guide/".into())
    );
    assert_eq!(page("../../guide#top").1, "/hb/guide/#top");
    assert_eq!(
        section("../"),
        "/hb/notes/",
        "a section without an index file"
    );
    assert_eq!(section("./"), "/hb/notes/deep/");
    assert_eq!(section("."), "/hb/notes/deep/");
    assert_eq!(section("../.."), "/hb/", "the home page");
    assert_eq!(section("../?view=all#x"), "/hb/notes/?view=all#x");
    // Written as a URL relative to the built page, it works: left alone.
    assert_eq!(
        r.resolve("content/notes/deep/b.md", "../../a/"),
        Reference::Unknown
    );
    // Neither reading finds it: missing, with the folder's sibling.
    match r.resolve("content/notes/deep/b.md", "../../giude/") {
        Reference::Missing { path, suggestion } => {
            assert_eq!(path, "content/giude/");
            assert_eq!(suggestion.as_deref(), Some("../../guide/"));
        }
        other => panic!("{other:?}"),
    }
    // Without the final `/`, an unknown name may be a file: left alone.
    assert_eq!(
        r.resolve("content/notes/deep/b.md", "../../giude"),
        Reference::Unknown
    );
    assert!(
        r.has_section("content/notes/deep")
            && r.has_section("content")
            && !r.has_section("content/giude")
    );
}

#[test]
fn queries_and_fragments_stay_on_the_url_written() {
    let (r, _) = routes(&["content/guide/setup.md", "content/x/a.md"]);
    match r.resolve("content/x/a.md", "../guide/setup.md?tab=linux#install") {
        Reference::Page { url, fragment, .. } => {
            assert_eq!(url, "/hb/guide/setup/?tab=linux#install");
            assert_eq!(fragment.as_deref(), Some("install"));
        }
        other => panic!("{other:?}"),
    }
    match r.resolve("content/x/a.md", "/hb/guide/setup/?tab=linux") {
        Reference::Page { url, fragment, .. } => {
            assert_eq!(url, "/hb/guide/setup/?tab=linux");
            assert_eq!(fragment, None);
        }
        other => panic!("{other:?}"),
    }
    match r.resolve("content/x/a.md", "pic.png?v=2#frag") {
        Reference::Asset { url, path } => {
            assert_eq!(path, "content/x/pic.png");
            assert_eq!(url, "/hb/x/pic.png?v=2#frag");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_static_folder_with_an_index_file_is_a_link_target() {
    let (mut r, _) = routes(&["content/x/a.md"]);
    r.set_static_files(["api/index.html".to_string()]);
    for written in ["/hb/api/", "/api/"] {
        assert_eq!(
            r.resolve("content/x/a.md", written),
            Reference::Static {
                url: "/hb/api/".into(),
                file: None
            }
        );
    }
    assert!(matches!(
        r.resolve("content/x/a.md", "/hb/apj/"),
        Reference::Missing { .. }
    ));
}

#[test]
fn the_site_file_near_an_output_path_is_found_by_its_output_path() {
    let (mut r, _) = test_routes(
        "/",
        &["content/x/a.md"],
        &["content/x/spec.pdf", "images/flow.png"],
    );
    r.set_static_files(["files/guide.pdf".to_string()]);
    // A letter or two away, by output path: content/'s files lose their
    // `content/`, images/' keep theirs.
    assert_eq!(r.near_file("files/gudie.pdf"), Some("files/guide.pdf"));
    assert_eq!(r.near_file("x/spek.pdf"), Some("x/spec.pdf"));
    assert_eq!(r.near_file("images/flwo.png"), Some("images/flow.png"));
    // Else one of the same name elsewhere.
    assert_eq!(r.near_file("pdfs/guide.pdf"), Some("files/guide.pdf"));
    assert_eq!(r.near_file("notes.txt"), None);
    // Files that come and go are looked among.
    r.add_file("static/notes.txt", "notes.txt");
    assert_eq!(r.near_file("note.txt"), Some("notes.txt"));
    r.remove_file("static/files/guide.pdf", "files/guide.pdf");
    assert_eq!(r.near_file("pdfs/guide.pdf"), None);
}
