//! Stage 5, render: the site model through Tera templates into HTML.
//!
//! Templates are compiled once; `site` and `folio` go into Tera's global
//! context once; each page then gets a small typed context. Rendering is
//! pure and safe to call from many threads.

pub mod context;
pub mod nav;
pub mod theme;

use tera::{Context, Value};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::markdown::{escape_attr, ParsedPage};
use crate::site::{PageId, SectionId, Site};
use std::collections::BTreeMap;

use context::{ContextBuilder, FolioContext, RenderContext, SiteContext};
pub use theme::{Templates, Theme};

/// One file the render stage produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Job {
    /// A regular page.
    Page(PageId),
    /// A section index (home page for the root).
    Section(SectionId),
    /// The not-found page.
    NotFound,
    /// A redirect from an alias to a page.
    Alias(PageId, usize),
}

/// Renders pages of one site with one set of templates.
pub struct Renderer<'a> {
    templates: &'a Templates,
    nav: nav::NavCache,
    builder: ContextBuilder<'a>,
    site: &'a Site,
}

/// Sets the values every template sees: `site`, `assets` and `folio`.
pub fn set_globals(
    templates: &mut Templates,
    config: &Config,
    assets: &BTreeMap<String, String>,
    live_reload: bool,
) {
    let globals = templates.tera.global_context();
    globals.insert("site", &SiteContext::from_config(config));
    globals.insert("assets", assets);
    globals.insert(
        "folio",
        &FolioContext {
            version: env!("CARGO_PKG_VERSION"),
            live_reload,
        },
    );
}

impl<'a> Renderer<'a> {
    /// Prepares rendering a site; call [`set_globals`] on the templates first.
    pub fn new(templates: &'a Templates, site: &'a Site, config: &'a Config) -> Self {
        Renderer {
            templates,
            nav: nav::NavCache::new(site),
            builder: ContextBuilder::new(site, config),
            site,
        }
    }

    /// Every file to render, with its output path relative to the output root.
    pub fn jobs(&self) -> Vec<(String, Job)> {
        let mut jobs = Vec::with_capacity(self.site.pages.len() + self.site.sections.len() + 1);
        for (i, s) in self.site.sections.iter().enumerate() {
            jobs.push((
                format!("{}index.html", s.route.dir),
                Job::Section(SectionId(i as u32)),
            ));
        }
        for (i, p) in self.site.pages.iter().enumerate() {
            let id = PageId(i as u32);
            if !p.is_index {
                jobs.push((format!("{}index.html", p.route.dir), Job::Page(id)));
            }
            for (n, alias) in p.front.aliases.iter().enumerate() {
                let dir = alias.trim_matches('/');
                let path = if dir.is_empty() {
                    "index.html".into()
                } else {
                    format!("{dir}/index.html")
                };
                jobs.push((path, Job::Alias(id, n)));
            }
        }
        if self.templates.has("404.html") {
            jobs.push(("404.html".into(), Job::NotFound));
        }
        jobs
    }

    /// Renders one job into `out`.
    pub fn render(&self, job: Job, out: &mut Vec<u8>) -> Result<(), Vec<Diagnostic>> {
        match job {
            Job::Page(id) => self.render_page(id, &self.site.page(id).parsed, out),
            Job::Section(id) => {
                let section = self.site.section(id);
                let template = match section
                    .index
                    .and_then(|p| self.site.page(p).front.template.as_deref())
                {
                    Some(t) => t,
                    None if id == Site::ROOT && self.home_uses_index() => "index.html",
                    None => "section.html",
                };
                let source = section.index.map_or("(generated section page)", |p| {
                    self.site.page(p).source.as_str()
                });
                let at = (id, section.route.url.as_str());
                self.render_template(template, &self.builder.for_section(id), at, source, out)
            }
            Job::NotFound => {
                let content = "<p>The page you are looking for does not exist or has moved.</p>";
                let ctx = self
                    .builder
                    .for_standalone("Page not found", content, "/404.html");
                self.render_template("404.html", &ctx, (Site::ROOT, "/404.html"), "404.html", out)
            }
            Job::Alias(id, _) => {
                redirect_page(&self.site.page(id).route.url, out);
                Ok(())
            }
        }
    }

    /// Renders a regular page with `parsed` as its body, which the site
    /// need not hold yet.
    pub fn render_page(
        &self,
        id: PageId,
        parsed: &ParsedPage,
        out: &mut Vec<u8>,
    ) -> Result<(), Vec<Diagnostic>> {
        let page = self.site.page(id);
        let template = page.front.template.as_deref().unwrap_or("page.html");
        let at = (page.section, page.route.url.as_str());
        let ctx = self.builder.for_page_parsed(id, parsed);
        self.render_template(template, &ctx, at, &page.source, out)
    }

    /// The home page uses `index.html` when the site has one, or when the
    /// site does not override `section.html` and the theme has one.
    fn home_uses_index(&self) -> bool {
        let t = &self.templates;
        t.has_site("index.html") || (!t.has_site("section.html") && t.has("index.html"))
    }

    /// Renders `name`; `at` (section and URL) places the page in `nav`.
    fn render_template(
        &self,
        name: &str,
        ctx: &RenderContext<'_>,
        at: (SectionId, &str),
        source: &str,
        out: &mut Vec<u8>,
    ) -> Result<(), Vec<Diagnostic>> {
        if !self.templates.has(name) {
            return Err(vec![Diagnostic::error(format!(
                "template `{name}` not found (needed by {source})"
            ))
            .with_hint(
                "add it to templates/, or fix the `template:` key of the page",
            )]);
        }
        let mut context =
            Context::from_serialize(ctx).map_err(|e| self.templates.error(&e, Some(source)))?;
        // Templates that never show `nav` get an empty one (it is always present).
        let nav = if self.templates.uses_nav(name) {
            self.nav.nav(self.site, at.0, at.1)
        } else {
            Value::from(Vec::<Value>::new())
        };
        context.insert_value("nav", nav);
        self.templates
            .tera
            .render_to(name, &context, &mut *out)
            .map_err(|e| self.templates.error(&e, Some(source)))
    }
}

/// A tiny page that sends browsers (and search engines) to `target`.
fn redirect_page(target: &str, out: &mut Vec<u8>) {
    let t = escape_attr(target);
    out.extend_from_slice(
        format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Redirecting…</title>\
             <link rel=\"canonical\" href=\"{t}\"><meta http-equiv=\"refresh\" content=\"0; url={t}\"></head>\
             <body><a href=\"{t}\">Moved here</a></body></html>\n"
        )
        .as_bytes(),
    );
}
