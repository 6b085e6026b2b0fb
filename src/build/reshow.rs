//! Updating a loaded [`Project`] after images were saved again.
//!
//! A page holds the width and height of each image it shows, and a
//! featured image's WebP variants are named by a hash of its bytes. So a
//! screenshot taken again at another size changes the pages that show it,
//! and a featured image saved again changes its variants, which its pages
//! show, and so do their sections' listings (as thumbnails). Only those
//! pages are parsed and rendered again, in parallel; the result equals a
//! fresh build. (`folio serve` decides when a change is one of these.)

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::render::Job;
use crate::site::PageId;

use super::images::{self, VariantFile};
use super::update::affected_jobs;
use super::{sources, Project};

/// What [`Project::reshow_images`] changed.
#[derive(Debug, Default)]
pub struct Reshown {
    /// Files to render again.
    pub jobs: Vec<(String, Job)>,
    /// How many pages show or feature one of the images.
    pub pages: usize,
    /// Variants the site did not have: to copy into the output.
    pub new_variants: Vec<VariantFile>,
    /// Output paths of the variants no page shows any more.
    pub gone_variants: Vec<String>,
    /// The featured images' problems (variants that could not be made).
    pub warnings: Vec<Diagnostic>,
}

impl Project {
    /// Takes in image files saved again: `resized`, those whose pixel
    /// size changed, with the new one, and `featured`, those some page
    /// features (their variants are made again). Returns what to write;
    /// `None` when a page to render again no longer reads as it was built
    /// (it changed too, and its own update is still to come): the site
    /// must be rebuilt, and this project, part-updated, not used again.
    pub fn reshow_images(
        &mut self,
        resized: &[(String, (u32, u32))],
        featured: &[String],
    ) -> Option<Reshown> {
        let new_size = |path: &str| resized.iter().find(|(r, _)| r == path).map(|(_, s)| *s);
        for (path, size) in resized {
            self.routes.set_image_size(path, *size);
        }
        for f in self
            .site
            .pages
            .iter_mut()
            .filter_map(|p| p.featured.as_mut())
        {
            if let Some(size) = f.path.as_deref().and_then(new_size) {
                f.size = Some(size);
            }
        }
        let mut reshown = Reshown::default();
        if !featured.is_empty() {
            self.remake_variants(featured, &mut reshown);
        }
        let mut ids = Vec::new();
        for (i, page) in self.site.pages.iter().enumerate() {
            let id = PageId(i as u32);
            let shows = page.parsed.images.iter().any(|i| new_size(i).is_some());
            let features = page
                .featured
                .as_ref()
                .and_then(|f| f.path.as_ref())
                .is_some_and(|p| featured.contains(p));
            if shows || features {
                reshown.pages += 1;
                reshown.jobs.extend(affected_jobs(&self.site, id, features));
            }
            // A regular page keeps no HTML once written; one that shows
            // the image holds its old size.
            if shows || (features && !page.is_index) {
                ids.push((id, false));
            }
        }
        for (id, parsed) in self.reparse(ids)? {
            self.site.pages[id.0 as usize].parsed = parsed;
        }
        // Every page of a list shows what its first page does.
        reshown.jobs = self
            .renderer()
            .with_pagers(std::mem::take(&mut reshown.jobs));
        reshown.jobs.sort();
        reshown.jobs.dedup();
        Some(reshown)
    }

    /// Makes the variants of every featured image again (those of images
    /// not in `saved` come from the cache, unread), and tells `reshown`
    /// which files came and went, and the problems of those `saved`.
    fn remake_variants(&mut self, saved: &[String], reshown: &mut Reshown) {
        // As loaded: an image whose variants cannot be made now has none.
        for f in self
            .site
            .pages
            .iter_mut()
            .filter_map(|p| p.featured.as_mut())
        {
            (f.srcset, f.thumbnail) = (None, None);
        }
        let (variants, warnings) = images::featured_variants(
            &self.opts.root,
            &sources::executable_id(),
            &mut self.site,
            &self.config.base_path(),
        );
        let had: HashSet<&str> = self.variants.iter().map(|v| v.out_rel.as_str()).collect();
        let has: HashSet<&str> = variants.iter().map(|v| v.out_rel.as_str()).collect();
        reshown.new_variants = variants
            .iter()
            .filter(|v| !had.contains(v.out_rel.as_str()))
            .cloned()
            .collect();
        reshown.gone_variants = self
            .variants
            .iter()
            .filter(|v| !has.contains(v.out_rel.as_str()))
            .map(|v| v.out_rel.clone())
            .collect();
        reshown.warnings = warnings
            .into_iter()
            .filter(|d| d.file.as_ref().is_some_and(|f| saved.contains(f)))
            .collect();
        self.variants = variants;
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::build::BuildOptions;

    #[test]
    fn a_featured_image_saved_again_rewrites_every_page_of_the_lists_that_show_it() {
        let root = tempfile::tempdir().unwrap();
        let ops = root.path().join("content/ops");
        fs::create_dir_all(&ops).unwrap();
        fs::create_dir_all(root.path().join("images")).unwrap();
        image::RgbImage::new(8, 4)
            .save(root.path().join("images/hero.png"))
            .unwrap();
        fs::write(root.path().join("folio.toml"), "paginate_by = 1\n").unwrap();
        fs::write(root.path().join("content/_index.md"), "# Home\n").unwrap();
        fs::write(ops.join("_index.md"), "# Ops\n").unwrap();
        for name in ["a", "b"] {
            let text = format!("---\ntitle: {name}\nfeatured: ../../images/hero.png\n---\nx\n");
            fs::write(ops.join(format!("{name}.md")), text).unwrap();
        }
        let mut project = Project::load(&BuildOptions::preview_of(root.path())).unwrap();
        let reshown = project
            .reshow_images(&[], &["images/hero.png".to_string()])
            .unwrap();
        let paths: Vec<&str> = reshown.jobs.iter().map(|(p, _)| p.as_str()).collect();
        for path in [
            "ops/index.html",
            "ops/page/2/index.html",
            "ops/a/index.html",
        ] {
            assert!(paths.contains(&path), "{path}: {paths:?}");
        }
    }
}
