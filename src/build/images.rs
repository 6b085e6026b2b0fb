//! Responsive featured images: WebP variants in a few widths.
//!
//! Each local raster featured image is resized to the widths below its own
//! (plus its full width) and encoded as WebP. Results are cached under
//! `.folio-cache/images/` in the site root, keyed by a hash of the source
//! bytes, the width, the quality, the turn and the resizer; the output
//! file's name carries a hash of that key, so a browser never keeps an
//! older folio's bytes under a new variant's name. The hash and orientation
//! of each source are kept too, in `.folio-cache/images/sources` (see
//! [`super::stamps`]), so a rebuild reads no source that did not change: it
//! only checks that the variants are there and copies them. The template
//! gets them as `page.featured.srcset`.
//!
//! A variant no build has used for [`UNUSED_FOR`] (its image was changed,
//! deleted or no longer featured) is deleted after a build that succeeded
//! ([`prune_cache`]), so the cache holds what the site shows, not every
//! version of every image it ever showed.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use image::metadata::Orientation;
use rayon::prelude::*;

use super::sizes::decoder;
use super::stamps::{stamp, trusted, Stamp, StampFile};
use crate::diagnostic::Diagnostic;
use crate::route::path_url;
use crate::site::Site;

/// Widths (in pixels) of the generated variants; an image narrower than
/// one of them gets only the widths below its own, plus its own.
pub const VARIANT_WIDTHS: [u32; 3] = [480, 960, 1440];

/// Lossy WebP quality (0–100).
const WEBP_QUALITY: f32 = 82.0;

/// The most pixels a side of a WebP image can have (libwebp's
/// `WEBP_MAX_DIMENSION`): no variant is made past it.
const WEBP_MAX: u32 = 16383;

/// The largest image (in pixels) that variants are made of: 64
/// megapixels, past the largest camera's photo. Decoding and encoding
/// take ~9 bytes a pixel at once; a 746 KB PNG of 16000 × 16000 took
/// 20 s and 3.8 GB to make its four variants.
const MAX_PIXELS: u64 = 64_000_000;

/// Marks the cached name of a variant narrower than its image: made by
/// `fast_image_resize`, colours weighed by alpha (since 3ec3585).
const RESIZER: &str = "-fir";

/// Folder (under the site root) where variants are cached between builds.
pub const CACHE_DIR: &str = ".folio-cache/images";

/// How long a variant no build uses stays in the cache. A build keeps the
/// variants it uses younger than this (see [`in_cache`]), so one running
/// beside another on the same site (`folio build` while `folio serve`
/// runs, each with the images it loaded) never deletes what the other
/// is about to copy.
const UNUSED_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// Variants of one image, with their widths.
type Variants = Vec<(VariantFile, u32)>;

/// A generated file to copy into the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantFile {
    /// Cached file on disk.
    pub cached: PathBuf,
    /// Path in the output.
    pub out_rel: String,
}

/// Makes (or reuses) the variants of every featured image and fills in
/// `featured.srcset`. Returns the files to copy and any problems.
pub fn featured_variants(
    root: &Path,
    build: &str,
    site: &mut Site,
    base_path: &str,
) -> (Vec<VariantFile>, Vec<Diagnostic>) {
    // Pages share a few images: each distinct one is looked at once.
    let featured: BTreeMap<&str, (u32, u32)> = site
        .pages
        .iter()
        .filter_map(|p| {
            let f = p.featured.as_ref()?;
            Some((f.path.as_deref()?, f.size?))
        })
        .collect();
    let sources: Vec<(String, (u32, u32))> = featured
        .into_iter()
        .filter(|(path, _)| {
            crate::discover::is_raster(path) && !path.to_ascii_lowercase().ends_with(".gif")
        })
        .map(|(path, size)| (path.to_string(), size))
        .collect();
    let cache = root.join(CACHE_DIR);
    let kept_file = StampFile::<2> {
        path: cache.join("sources"),
        name: "folio featured sources 1",
        build: build.to_string(),
    };
    let kept = kept_file.read();
    let made: Vec<Attempt> = sources
        .par_iter()
        .map(|(path, size)| {
            let stamp = fs::metadata(root.join(path)).ok().map(|m| stamp(&m));
            let known = trusted(&kept, path, stamp).and_then(|[hash, exif]| {
                let orientation = Orientation::from_exif(u8::try_from(exif).ok()?)?;
                Some(Source { hash, orientation })
            });
            Attempt {
                made: variants_of(root, &cache, path, *size, known),
                path: path.clone(),
                stamp,
            }
        })
        .collect();
    let fresh = made.iter().any(|a| a.made.as_ref().is_ok_and(|m| m.read));
    kept_file.update(&kept, fresh, made.iter().filter_map(Attempt::kept));
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let mut srcsets: HashMap<String, (Arc<str>, Arc<str>)> = HashMap::new();
    for Attempt { path, made, .. } in made {
        match made.map(|m| m.variants) {
            Ok(variants) => {
                let srcset = variants
                    .iter()
                    .map(|(v, w)| format!("{} {w}w", path_url(base_path, &v.out_rel)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let smallest = variants
                    .first()
                    .map(|(v, _)| path_url(base_path, &v.out_rel))
                    .unwrap_or_default();
                srcsets.insert(path, (srcset.into(), smallest.into()));
                files.extend(variants.into_iter().map(|(v, _)| v));
            }
            Err(e) => diags.push(
                Diagnostic::warning(format!("could not make smaller versions of `{path}`: {e}"))
                    .in_file(path)
                    .with_hint("the original image is used as it is"),
            ),
        }
    }
    for page in &mut site.pages {
        if let Some(f) = &mut page.featured {
            if let Some((srcset, smallest)) = f.path.as_ref().and_then(|p| srcsets.get(p)) {
                f.srcset = Some(Arc::clone(srcset));
                f.thumbnail = Some(Arc::clone(smallest));
            }
        }
    }
    (files, diags)
}

/// The variants of a featured image, made or found, and the stamp its
/// file had.
struct Attempt {
    /// Project-relative path.
    path: String,
    /// `None` when the file's metadata could not be read.
    stamp: Option<Stamp>,
    made: Result<Made, String>,
}

impl Attempt {
    /// What the next build may trust of it: its hash and orientation
    /// (EXIF's number), with its file's stamp.
    fn kept(&self) -> Option<(&str, Stamp, [u64; 2])> {
        let source = &self.made.as_ref().ok()?.source;
        let exif = u64::from(source.orientation.to_exif());
        Some((&self.path, self.stamp?, [source.hash, exif]))
    }
}

/// What a featured image's variants are made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Source {
    /// [`fnv1a`] of the file's bytes.
    hash: u64,
    /// How it is shown (see [`super::sizes::image_size`]).
    orientation: Orientation,
}

/// The variants of one image, and what they were made from.
#[derive(Debug, PartialEq, Eq)]
struct Made {
    variants: Variants,
    source: Source,
    /// True when the image file was read (it was not known, or a
    /// variant had to be made).
    read: bool,
}

/// The widths of an image's variants: those of [`VARIANT_WIDTHS`] below
/// its own, and its own. An image too large to make them of, or too tall
/// for WebP at one of them, gets none (a 480 px variant alone would be
/// blown up on a wide screen); a panorama past WebP's width keeps the
/// others, the widest of which is wider than a page shows it.
fn variant_widths((width, height): (u32, u32)) -> Result<Vec<u32>, String> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(format!(
            "it is {width} × {height} pixels ({} megapixels), and folio makes them of images \
             up to {}: a copy scaled down would get them",
            pixels / 1_000_000,
            MAX_PIXELS / 1_000_000
        ));
    }
    let fits = |w: u32| w <= WEBP_MAX && height_at(w, (width, height)) <= WEBP_MAX;
    let mut widths: Vec<u32> = VARIANT_WIDTHS
        .iter()
        .copied()
        .filter(|w| *w < width)
        .collect();
    if fits(width) {
        widths.push(width);
    }
    if widths.is_empty() || !widths.iter().all(|&w| fits(w)) {
        return Err(format!(
            "it is {width} × {height} pixels, and a WebP image holds at most {WEBP_MAX} a side"
        ));
    }
    Ok(widths)
}

/// Variants of one image: cached files, created when missing. `known`
/// (from the last build, for a file unchanged since) spares reading the
/// file when every variant is in the cache.
fn variants_of(
    root: &Path,
    cache: &Path,
    path: &str,
    (width, height): (u32, u32),
    known: Option<Source>,
) -> Result<Made, String> {
    let widths = variant_widths((width, height))?;
    let read = || fs::read(root.join(path)).map_err(|e| e.to_string());
    let mut bytes = None;
    let source = match known {
        Some(source) => source,
        None => {
            let bytes = bytes.insert(read()?);
            Source {
                hash: fnv1a(bytes),
                orientation: decoder(Cursor::new(bytes))?.0,
            }
        }
    };
    let hash = source.hash;
    let site_path = ["content/", "static/"]
        .iter()
        .find_map(|dir| path.strip_prefix(dir))
        .unwrap_or(path);
    let stem = site_path.rsplit_once('.').map_or(site_path, |(s, _)| s);
    let orientation = source.orientation;
    // Variants are turned as browsers show the image (see
    // [`super::sizes::image_size`]); the name tells them from the ones
    // made before folio turned them.
    let turned = match orientation {
        Orientation::NoTransforms => String::new(),
        o => format!("-{o:?}"),
    };
    let q = WEBP_QUALITY as u32;
    let out: Vec<(VariantFile, u32)> = widths
        .iter()
        .map(|&w| {
            // A smaller width's name says which resizer made it, so the
            // variants an older folio made (whose resizer darkened a
            // transparent image's edges) are made again.
            let resized = if w < width { RESIZER } else { "" };
            let name = format!("{hash:016x}-w{w}-q{q}{turned}{resized}");
            // The output's name changes with the cached file's, so a
            // browser or proxy that keeps the old bytes fetches the new.
            let out_rel = format!("{stem}.{:08x}.w{w}.webp", fnv1a(name.as_bytes()) as u32);
            let cached = cache.join(name + ".webp");
            (VariantFile { cached, out_rel }, w)
        })
        .collect();
    let missing: Vec<&(VariantFile, u32)> =
        out.iter().filter(|(v, _)| !in_cache(&v.cached)).collect();
    if !missing.is_empty() {
        let bytes = match &bytes {
            Some(bytes) => bytes,
            None => bytes.insert(read()?),
        };
        let mut img = image::DynamicImage::from_decoder(decoder(Cursor::new(bytes))?.1)
            .map_err(|e| e.to_string())?;
        img.apply_orientation(orientation);
        let img = img.into_rgba8();
        fs::create_dir_all(cache).map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
        // Each width on a pool thread of its own: encoding is most of the
        // work, and an image saved again under `serve` is made alone.
        missing
            .par_iter()
            .map(|(v, w)| make_variant(&img, *w, &v.cached))
            .collect::<Result<(), String>>()?;
    }
    Ok(Made {
        variants: out,
        source,
        read: bytes.is_some(),
    })
}

/// True when the variant `cached` is in the cache. One last used more
/// than half of [`UNUSED_FOR`] ago is made young again (its modification
/// time set to now), so no build prunes it while builds use it. (In a
/// cache folio may not write to, it stays as it is, and is used.)
fn in_cache(cached: &Path) -> bool {
    let Ok(meta) = fs::metadata(cached) else {
        return false;
    };
    let now = SystemTime::now();
    let young = meta
        .modified()
        .is_ok_and(|t| now.duration_since(t).unwrap_or_default() < UNUSED_FOR / 2);
    if meta.is_file() && !young {
        let file = fs::File::options().write(true).open(cached);
        let _ = file.and_then(|f| f.set_modified(now));
    }
    meta.is_file()
}

/// Deletes the variants in the cache of the site at `root` that are not
/// in `used` (this build's) and that no build has used for
/// [`UNUSED_FOR`]; returns how many. Only files named as folio names
/// variants are looked at. Called after a build that succeeded: one that
/// failed may not have made all it needs.
pub fn prune_cache(root: &Path, used: &[VariantFile]) -> usize {
    let cache = root.join(CACHE_DIR);
    let Ok(entries) = fs::read_dir(&cache) else {
        return 0;
    };
    let used: std::collections::HashSet<&Path> = used.iter().map(|v| v.cached.as_path()).collect();
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if !name.to_str().is_some_and(is_variant_name) || used.contains(path.as_path()) {
            continue;
        }
        // Looked at only now: most builds leave no variant unused.
        let unused_for = entry
            .metadata()
            .ok()
            .filter(fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .map(|t| now.duration_since(t).unwrap_or_default());
        if unused_for.is_some_and(|d| d >= UNUSED_FOR) && fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// True for a name [`variants_of`] gives a cached variant:
/// `{hash:016x}-w{width}-q{quality}`, what else it says (`-Rotate90`,
/// `-fir`), then `.webp`.
fn is_variant_name(name: &str) -> bool {
    let Some((hash, rest)) = name.split_at_checked(16) else {
        return false;
    };
    let Some(rest) = rest.strip_suffix(".webp") else {
        return false;
    };
    let mut parts = rest.split('-');
    let number = |part: Option<&str>, tag: char| {
        part.and_then(|p| p.strip_prefix(tag))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && parts.next() == Some("")
        && number(parts.next(), 'w')
        && number(parts.next(), 'q')
        && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Writes `img` at width `w` (its height in proportion) as lossy WebP to
/// `cached`.
fn make_variant(img: &image::RgbaImage, w: u32, cached: &Path) -> Result<(), String> {
    use fast_image_resize::{images, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
    let (width, height) = img.dimensions();
    let resized;
    let (pixels, w, h) = if w == width {
        (img.as_raw().as_slice(), width, height)
    } else {
        let h = height_at(w, (width, height));
        let src = images::ImageRef::new(width, height, img.as_raw(), PixelType::U8x4)
            .map_err(|e| e.to_string())?;
        let mut dst = images::Image::new(w, h, PixelType::U8x4);
        let catmull_rom =
            ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
        Resizer::new()
            .resize(&src, &mut dst, &catmull_rom)
            .map_err(|e| e.to_string())?;
        resized = dst.into_vec();
        (resized.as_slice(), w, h)
    };
    // Lossy WebP at quality 82: a fraction of the PNG's size for photos
    // and diagrams alike (the image crate only writes lossless). Not
    // `encode`, which panics where libwebp refuses (a side over
    // `WEBP_MAX`, no memory): that ended `folio serve` with the build.
    let encoded = webp::Encoder::from_rgba(pixels, w, h)
        .encode_simple(false, WEBP_QUALITY)
        .map_err(|e| format!("the WebP encoder refused it at width {w}: {e:?}"))?;
    crate::output::write_atomic(cached, &encoded).map_err(|e| e.to_string())
}

/// The height of a variant `w` wide of an image of `size`, in proportion.
fn height_at(w: u32, (width, height): (u32, u32)) -> u32 {
    (u64::from(height) * u64::from(w) / u64::from(width.max(1))).max(1) as u32
}

/// FNV-1a, 64 bits: a stable content hash (the cache outlives Rust versions).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_a_photo_taken_sideways_are_turned_as_shown() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("images")).unwrap();
        // Stored 1000 × 600, black on the left; shown 600 × 1000, black
        // on top.
        let path = root.join("images/photo.jpg");
        fs::write(&path, super::super::sizes::sideways_jpeg(1000, 600)).unwrap();
        let shown = super::super::sizes::image_size(&path).unwrap();
        assert_eq!(shown, (600, 1000));
        let cache = root.join(CACHE_DIR);
        let made = variants_of(root, &cache, "images/photo.jpg", shown, None).unwrap();
        assert_eq!(made.source.orientation, Orientation::Rotate90);
        let widths: Vec<u32> = made.variants.iter().map(|(_, w)| *w).collect();
        assert_eq!(widths, [480, 600]);
        for (variant, w) in &made.variants {
            let img = image::open(&variant.cached).unwrap().to_luma8();
            assert_eq!(img.width(), *w);
            assert_eq!(img.height(), w * 1000 / 600);
            let (top, bottom) = (
                img.get_pixel(w / 2, 10)[0],
                img.get_pixel(w / 2, img.height() - 10)[0],
            );
            assert!(top < 60 && bottom > 200, "top {top}, bottom {bottom}");
        }
    }

    #[test]
    fn a_transparent_images_smaller_widths_keep_their_colours_at_its_edges() {
        // Opaque red beside transparent black: resized without weighing
        // colours by their alpha (the image crate's resize), the edge
        // turned dark red, a fringe on any page colour but black.
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("images")).unwrap();
        let img = image::RgbaImage::from_fn(1500, 40, |x, _| {
            let opaque = (x / 15) % 2 == 0;
            image::Rgba(if opaque {
                [230, 20, 20, 255]
            } else {
                [0, 0, 0, 0]
            })
        });
        img.save(root.join("images/logo.png")).unwrap();
        let cache = root.join(CACHE_DIR);
        // A folio before the fix cached its dark-edged variants by the
        // source's hash, width and quality; the same names now would
        // keep serving them.
        let hash = fnv1a(&fs::read(root.join("images/logo.png")).unwrap());
        let q = WEBP_QUALITY as u32;
        let old_name = format!("{hash:016x}-w480-q{q}");
        fs::create_dir_all(&cache).unwrap();
        fs::write(
            cache.join(format!("{old_name}.webp")),
            b"made by an old folio",
        )
        .unwrap();
        let made = variants_of(root, &cache, "images/logo.png", (1500, 40), None).unwrap();
        let (small, w) = &made.variants[0];
        assert_eq!(*w, 480);
        assert!(
            !small.out_rel.contains(&format!("{:08x}", hash as u32)),
            "a new output name, not the old one's: {}",
            small.out_rel
        );
        let decoded = image::open(&small.cached).unwrap().into_rgba8();
        let edges: Vec<&image::Rgba<u8>> = decoded
            .pixels()
            .filter(|p| (40..=215).contains(&p[3]))
            .collect();
        assert!(edges.len() > 100, "the edges are partly transparent");
        for p in edges {
            assert!(p[0] > 170, "a dark fringe: {p:?}");
        }
    }

    #[test]
    fn an_image_past_webps_size_gets_the_widths_webp_can_hold() {
        // libwebp refuses a side over 16383 pixels; its encoder's `encode`
        // panicked then, and `folio serve` ended with the build.
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("images")).unwrap();
        let stripes = |w, h| {
            image::RgbImage::from_fn(w, h, |x, y| {
                image::Rgb([(x % 251) as u8, (y % 241) as u8, 60])
            })
        };
        stripes(20_000, 30)
            .save(root.join("images/panorama.png"))
            .unwrap();
        stripes(30, 20_000)
            .save(root.join("images/scroll.png"))
            .unwrap();
        let cache = root.join(CACHE_DIR);
        let made = variants_of(root, &cache, "images/panorama.png", (20_000, 30), None).unwrap();
        let widths: Vec<u32> = made.variants.iter().map(|(_, w)| *w).collect();
        assert_eq!(widths, [480, 960, 1440], "the full width is past WebP's");
        for (variant, w) in &made.variants {
            assert_eq!(image::open(&variant.cached).unwrap().width(), *w);
        }
        let refused = variants_of(root, &cache, "images/scroll.png", (30, 20_000), None);
        assert_eq!(
            refused.unwrap_err(),
            "it is 30 × 20000 pixels, and a WebP image holds at most 16383 a side"
        );
    }

    #[test]
    fn variant_widths_are_those_webp_holds_of_images_folio_can_read() {
        assert_eq!(variant_widths((1000, 500)), Ok(vec![480, 960, 1000]));
        assert_eq!(variant_widths((400, 300)), Ok(vec![400]));
        // Taller than WebP holds at full width, not at 1440 and below.
        assert_eq!(variant_widths((2000, 20_000)), Ok(vec![480, 960, 1440]));
        // Too tall at 960: a 480 alone would be blown up, so none.
        let tall = "it is 1000 × 20000 pixels, and a WebP image holds at most 16383 a side";
        assert_eq!(variant_widths((1000, 20_000)), Err(tall.into()));
        assert_eq!(
            variant_widths((16_383, 3)),
            Ok(vec![480, 960, 1440, 16_383])
        );
        // Past 64 megapixels, refused before the file is read.
        assert_eq!(
            variant_widths((16_000, 16_000)),
            Err(
                "it is 16000 × 16000 pixels (256 megapixels), and folio makes them of \
                 images up to 64: a copy scaled down would get them"
                    .into()
            )
        );
        assert!(variant_widths((8000, 8000)).is_ok());
    }

    #[test]
    fn makes_webp_variants_once_and_reuses_them() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("images")).unwrap();
        let img = image::RgbImage::from_fn(1000, 500, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        img.save(root.join("images/hero.png")).unwrap();
        let cache = root.join(CACHE_DIR);
        let made = variants_of(root, &cache, "images/hero.png", (1000, 500), None).unwrap();
        assert!(made.read);
        let widths: Vec<u32> = made.variants.iter().map(|(_, w)| *w).collect();
        assert_eq!(widths, [480, 960, 1000]);
        let (first, _) = &made.variants[0];
        assert!(
            first.out_rel.starts_with("images/hero.") && first.out_rel.ends_with(".w480.webp"),
            "{}",
            first.out_rel
        );
        let decoded = image::open(&first.cached).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (480, 240));
        let modified = fs::metadata(&first.cached).unwrap().modified().unwrap();
        let again = variants_of(root, &cache, "images/hero.png", (1000, 500), None).unwrap();
        assert_eq!(again, made);
        assert_eq!(
            fs::metadata(&first.cached).unwrap().modified().unwrap(),
            modified,
            "cached, not redone"
        );
        // Known from the last build, the file is not even read: its
        // variants are found by the hash kept.
        fs::remove_file(root.join("images/hero.png")).unwrap();
        let known = variants_of(
            root,
            &cache,
            "images/hero.png",
            (1000, 500),
            Some(made.source),
        );
        let known = known.unwrap();
        assert!(!known.read);
        assert_eq!(known.variants, made.variants);
    }

    #[test]
    fn featured_sources_are_read_only_when_their_files_change() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for dir in ["content", "images"] {
            fs::create_dir_all(root.join(dir)).unwrap();
        }
        let hero = root.join("images/hero.png");
        image::RgbImage::from_pixel(600, 300, image::Rgb([10, 20, 30]))
            .save(&hero)
            .unwrap();
        super::super::stamps::backdate(&hero, 3600);
        let (mut site, _) = crate::site::test_site(&[("content/a.md", "---\ntitle: A\n---\n")]);
        site.pages[0].featured = Some(crate::site::Featured {
            url: "/images/hero.png".into(),
            path: Some("images/hero.png".into()),
            size: Some((600, 300)),
            srcset: None,
            thumbnail: None,
        });
        let run = |site: &mut Site| featured_variants(root, "exe=1", site, "/");
        let (files, diags) = run(&mut site);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(files.len(), 2, "480 and 600 wide");
        let kept = fs::read_to_string(root.join(CACHE_DIR).join("sources")).unwrap();
        assert!(kept.ends_with(" 1 images/hero.png\n"), "{kept}");
        // Other bytes, same length and time: trusted unchanged, not read.
        let stamp = fs::metadata(&hero).unwrap();
        let garbage = vec![b'x'; stamp.len() as usize];
        fs::write(&hero, garbage).unwrap();
        fs::File::options()
            .write(true)
            .open(&hero)
            .unwrap()
            .set_modified(stamp.modified().unwrap())
            .unwrap();
        let (again, diags) = run(&mut site);
        assert!(diags.is_empty(), "not read: {diags:?}");
        assert_eq!(again, files);
        // A new time: read, and found not to be an image.
        super::super::stamps::backdate(&hero, 60);
        let (_, diags) = run(&mut site);
        assert_eq!(diags.len(), 1, "{diags:?}");
    }

    #[test]
    fn the_cache_lets_go_of_variants_no_build_used_for_a_day() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("images")).unwrap();
        let cache = root.join(CACHE_DIR);
        let save = |name: &str, shade: u8| {
            image::RgbImage::from_pixel(600, 300, image::Rgb([shade, 20, 30]))
                .save(root.join("images").join(name))
                .unwrap();
            variants_of(root, &cache, &format!("images/{name}"), (600, 300), None).unwrap()
        };
        // hero.png, then saved again with other bytes: the first version's
        // variants are left unused.
        let first = save("hero.png", 10);
        let hero = save("hero.png", 200);
        let other = save("other.png", 90);
        let names = |made: &Made| -> Vec<PathBuf> {
            made.variants
                .iter()
                .map(|(v, _)| v.cached.clone())
                .collect()
        };
        for name in [&first, &hero, &other].into_iter().flat_map(names) {
            let file = name.file_name().unwrap().to_str().unwrap().to_string();
            assert!(is_variant_name(&file), "{file}");
        }
        // Files of the cache that are not variants, and old.
        for name in ["sources", "notes.webp", "0123456789abcdef.webp"] {
            fs::write(cache.join(name), b"kept").unwrap();
            super::super::stamps::backdate(&cache.join(name), 3 * 24 * 3600);
        }
        let old = 2 * 24 * 3600;
        for file in names(&first).iter().chain(&names(&hero)) {
            super::super::stamps::backdate(file, old);
        }
        // Used by this build: hero.png's new variants, whatever their age.
        // Unused but young: other.png's (a build beside this one uses
        // them). Unused and old: the first version's.
        let used: Vec<VariantFile> = hero.variants.iter().map(|(v, _)| v.clone()).collect();
        assert_eq!(prune_cache(root, &used), 2);
        for file in names(&first) {
            assert!(!file.exists(), "{} is left", file.display());
        }
        for file in names(&hero).iter().chain(&names(&other)) {
            assert!(file.exists(), "{} is gone", file.display());
        }
        for name in ["sources", "notes.webp", "0123456789abcdef.webp"] {
            assert!(cache.join(name).exists(), "{name} is gone");
        }
        // A build that uses an old variant makes it young again: then a
        // build that does not use it (one beside it) keeps it.
        let again = variants_of(root, &cache, "images/hero.png", (600, 300), None).unwrap();
        assert_eq!(again.variants, hero.variants);
        assert_eq!(prune_cache(root, &[]), 0);
        for file in names(&hero) {
            assert!(file.exists(), "{} is gone", file.display());
        }
        assert_eq!(prune_cache(&root.join("nowhere"), &[]), 0);
    }

    #[test]
    fn variant_names_are_told_from_other_files() {
        for name in [
            "69b454bdf58d4d4a-w1200-q82.webp",
            "69b454bdf58d4d4a-w480-q82-fir.webp",
            "69b454bdf58d4d4a-w480-q82-Rotate90-fir.webp",
        ] {
            assert!(is_variant_name(name), "{name}");
        }
        for name in [
            "sources",
            "69b454bdf58d4d4a-w1200-q82.png",
            "69b454bdf58d4d4a.webp",
            "69b454bdf58d4d4a-w-q82.webp",
            "69b454bdf58d4d4a-q82-w480.webp",
            "69b454bdf58d4d4A-w480-q82.webp",
            "69b454bdf58d4d4a-w480-q82-.webp",
            "69b454bdf58d4d4a-w480-q82-my photo.webp",
            "é9b454bdf58d4d4-w480-q82.webp",
        ] {
            assert!(!is_variant_name(name), "{name}");
        }
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
