//! Updating a loaded [`Project`] after one page's file changed.
//!
//! The common edit while previewing is a page body: re-read that page,
//! re-parse it, check the links that touch it, and re-render only the pages
//! that show something of it. Anything that could move pages or change
//! titles (front matter, a new H1 title) asks for a full rebuild instead,
//! so the result always equals a fresh build.

use std::fs;

use crate::diagnostic::Diagnostic;
use crate::load::load_page;
use crate::markdown::{parse, ParseInput};
use crate::render::Job;
use crate::site::{check_anchor, PageId, Site};

use super::Project;

/// The result of [`Project::update_page`].
#[derive(Debug, PartialEq, Eq)]
pub enum PageUpdate {
    /// Applied in place; these files must be rendered again.
    Rerender(Vec<(String, Job)>),
    /// The change reaches further than the page: rebuild the site.
    NeedsFullRebuild,
}

impl Project {
    /// Re-reads the page `source` (project-relative) after its file changed.
    /// On errors the project is left as it was and the problems returned.
    pub fn update_page(&mut self, source: &str) -> Result<PageUpdate, Vec<Diagnostic>> {
        let Some(index) = self.site.pages.iter().position(|p| p.source == source) else {
            return Ok(PageUpdate::NeedsFullRebuild);
        };
        let id = PageId(index as u32);
        let Ok(bytes) = fs::read(self.opts.root.join(source)) else {
            return Ok(PageUpdate::NeedsFullRebuild);
        };
        let mut diags = Vec::new();
        let loaded = load_page(source, bytes, &mut diags);
        let errors: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
        let Some(loaded) = loaded.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        let old = self.site.page(id);
        if loaded.front != old.front {
            return Ok(PageUpdate::NeedsFullRebuild);
        }
        let parsed = parse(
            ParseInput {
                source,
                body: loaded.body(),
                body_line: loaded.body_line,
            },
            &self.routes,
        );
        if old.front.title.is_none() && parsed.first_h1 != old.parsed.first_h1 {
            return Ok(PageUpdate::NeedsFullRebuild);
        }
        let mut errors: Vec<Diagnostic> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        errors.extend(link_problems(
            &self.site,
            id,
            &parsed.heading_ids,
            &parsed.links,
        ));
        if !errors.is_empty() {
            return Err(errors);
        }
        let description_changed =
            old.front.description.is_none() && parsed.summary != old.parsed.summary;
        let page = &mut self.site.pages[index];
        page.parsed = parsed;
        page.file_len = u32::try_from(loaded.file_len).unwrap_or(u32::MAX);
        Ok(PageUpdate::Rerender(affected_jobs(
            &self.site,
            id,
            description_changed,
        )))
    }
}

/// Broken anchors in links out of the page, and in other pages' links into
/// it (its heading ids may have changed).
fn link_problems(
    site: &Site,
    id: PageId,
    new_ids: &[String],
    new_links: &[crate::markdown::PageLink],
) -> Vec<Diagnostic> {
    let source = &site.page(id).source;
    let ids_of = |target: &str| -> Option<&[String]> {
        if target == source.as_str() {
            return Some(new_ids);
        }
        site.pages
            .iter()
            .find(|p| p.source == target)
            .map(|p| p.parsed.heading_ids.as_slice())
    };
    let mut problems: Vec<Diagnostic> = new_links
        .iter()
        .filter_map(|link| check_anchor(source, link, ids_of(&link.target)?))
        .collect();
    for other in site.pages.iter().filter(|p| p.source != *source) {
        for link in other.parsed.links.iter().filter(|l| l.target == *source) {
            problems.extend(check_anchor(&other.source, link, new_ids));
        }
    }
    problems
}

/// The page itself, plus the section listings that show its description.
fn affected_jobs(site: &Site, id: PageId, description_changed: bool) -> Vec<(String, Job)> {
    let page = site.page(id);
    let section = site.section(page.section);
    let mut jobs = vec![if page.is_index {
        (
            format!("{}index.html", section.route.dir),
            Job::Section(page.section),
        )
    } else {
        (format!("{}index.html", page.route.dir), Job::Page(id))
    }];
    if description_changed {
        let listing = if page.is_index {
            section.parent
        } else {
            Some(page.section)
        };
        if let Some(s) = listing {
            jobs.push((
                format!("{}index.html", site.section(s).route.dir),
                Job::Section(s),
            ));
        }
    }
    jobs
}
