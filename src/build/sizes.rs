//! Image sizes, read from the files' headers and kept between builds.
//!
//! Pages give every local raster image its `width` and `height`, so the
//! build needs the size of each image of `images/`, `content/` and
//! `static/`. Reading a header means opening the file and, for a JPEG,
//! walking its segments past the camera's metadata: ~20 µs an image, so a
//! handbook with 4,000 screenshots spent ~80 ms of every build on it.
//! `.folio-cache/image-sizes` keeps each size with the file's length and
//! modification time (rsync's quick check): a file whose length and time
//! are unchanged keeps its size, and only new or changed files are read.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use image::metadata::Orientation;
use rayon::prelude::*;

use crate::discover::{is_raster, SourceFile};

/// Where the sizes are kept (in the site root).
pub const SIZES_CACHE: &str = ".folio-cache/image-sizes";

/// The cache file's first line; the second is the build's fingerprint
/// (see [`super::sources::executable_id`]): a cache written by another
/// folio is ignored.
const MAGIC: &str = "folio image sizes 1";

/// What a file looked like when its size was read: its length and its
/// modification time in seconds and nanoseconds.
type Stamp = (u64, i64, i64);

/// A size kept in the cache, with the stamp of the file it was read from.
type Known = (Stamp, (u32, u32));

/// A raster file of the build.
struct Image<'f> {
    /// Project-relative path.
    rel: &'f str,
    /// `None` when the file's metadata could not be read.
    stamp: Option<Stamp>,
    /// Its size, or why it has none.
    size: Result<(u32, u32), String>,
    /// True when read from the file in this build.
    fresh: bool,
}

/// Pixel sizes of every raster image among `files` (by project-relative
/// path), in parallel; unreadable files map to their error. Sizes kept
/// by the last build are used for files that did not change since, and
/// the cache is written again when it changed. A cache is only a help: a
/// site folder that cannot be written to reads every header each time.
pub(super) fn read_image_sizes<'f>(
    root: &Path,
    build: &str,
    files: impl IntoParallelIterator<Item = &'f SourceFile>,
) -> HashMap<String, Result<(u32, u32), String>> {
    let cache_path = root.join(SIZES_CACHE);
    let text = fs::read_to_string(&cache_path).unwrap_or_default();
    let kept = decode(build, &text).unwrap_or_default();
    let images: Vec<Image<'_>> = files
        .into_par_iter()
        .filter(|f| is_raster(&f.rel))
        .map(|f| {
            let path = root.join(&f.rel);
            let stamp = fs::metadata(&path).ok().map(|m| stamp(&m));
            let (size, fresh) = match (stamp, kept.get(f.rel.as_str())) {
                (Some(now), Some(&(then, size))) if now == then => (Ok(size), false),
                _ => (image_size(&path), true),
            };
            Image {
                rel: &f.rel,
                stamp,
                size,
                fresh,
            }
        })
        .collect();
    let known = |i: &Image<'f>| Some((i.rel, (i.stamp?, *i.size.as_ref().ok()?)));
    // Unreadable files are read again each time, and not kept.
    let fresh = images.iter().any(|i| i.fresh && i.size.is_ok());
    if fresh || images.iter().filter_map(known).count() != kept.len() {
        let text = encode(build, images.iter().filter_map(known));
        // Failure leaves the old cache (or none), which is only slower.
        let _ = crate::output::write_atomic(&cache_path, text.as_bytes());
    }
    images
        .into_iter()
        .map(|i| (i.rel.to_string(), i.size))
        .collect()
}

/// Width and height of an image file as shown, from its header: a photo
/// taken sideways is stored as the camera saw it, with an EXIF
/// orientation that browsers follow, so its width and height swap.
pub fn image_size(path: &Path) -> Result<(u32, u32), String> {
    use image::ImageDecoder;
    let mut decoder = image::ImageReader::open(path)
        .map_err(|e| e.to_string())?
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .into_decoder()
        .map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    Ok(if turns(orientation) { (h, w) } else { (w, h) })
}

/// True for the orientations that turn an image a quarter.
pub(super) fn turns(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// The [`Stamp`] of a file.
fn stamp(meta: &fs::Metadata) -> Stamp {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.len(), meta.mtime(), meta.mtime_nsec())
    }
    #[cfg(not(unix))]
    {
        let since = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        (
            meta.len(),
            since.as_secs() as i64,
            i64::from(since.subsec_nanos()),
        )
    }
}

/// The cache file for `known` sizes: a line per image, `length seconds
/// nanoseconds width height path`, sorted by path (the same site gives
/// the same file).
fn encode<'a>(build: &str, known: impl Iterator<Item = (&'a str, Known)>) -> String {
    let mut known: Vec<_> = known.collect();
    known.sort_unstable_by_key(|&(rel, _)| rel);
    let mut text = format!("{MAGIC}\n{build}\n");
    for (rel, ((len, secs, nanos), (w, h))) in known {
        text.push_str(&format!("{len} {secs} {nanos} {w} {h} {rel}\n"));
    }
    text
}

/// The sizes of a cache file, by path; `None` for a file of another
/// version or build, or one cut short or garbled (ignored whole).
fn decode<'t>(build: &str, text: &'t str) -> Option<HashMap<&'t str, Known>> {
    let mut lines = text.split_terminator('\n');
    if lines.next()? != MAGIC || lines.next()? != build || !text.ends_with('\n') {
        return None;
    }
    lines
        .map(|line| {
            let mut fields = line.splitn(6, ' ');
            let mut number = || fields.next()?.parse::<i64>().ok();
            let (len, secs, nanos, w, h) = (number()?, number()?, number()?, number()?, number()?);
            let rel = fields.next().filter(|r| !r.is_empty())?;
            let stamp = (u64::try_from(len).ok()?, secs, nanos);
            let size = (u32::try_from(w).ok()?, u32::try_from(h).ok()?);
            Some((rel, (stamp, size)))
        })
        .collect()
}

/// A JPEG of `w` × `h` pixels as stored, whose EXIF orientation (6)
/// tells viewers to turn it a quarter clockwise: shown `h` wide and `w`
/// high. Its left half is black, its right half white.
#[cfg(test)]
pub(super) fn sideways_jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| {
        image::Rgb(if x < w / 2 { [0; 3] } else { [255; 3] })
    });
    let mut jpeg = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    // APP1 "Exif": a little-endian TIFF header, then one IFD of one entry,
    // Orientation (0x0112), a SHORT of value 6, and no next IFD.
    let mut app1 = vec![0xFF, 0xE1, 0, 34];
    app1.extend_from_slice(b"Exif\0\0II*\0\x08\0\0\0");
    app1.extend_from_slice(&[1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(app1.len(), 36);
    jpeg.splice(2..2, app1);
    jpeg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_taken_sideways_has_its_size_as_shown() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("photo.jpg");
        fs::write(&path, sideways_jpeg(40, 20)).unwrap();
        assert_eq!(image_size(&path), Ok((20, 40)));
        fs::write(&path, png(40, 20)).unwrap();
        assert_eq!(image_size(&path), Ok((40, 20)));
    }

    /// A PNG of `w` × `h` pixels.
    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        image::RgbImage::new(w, h)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .unwrap();
        bytes
    }

    fn files(root: &Path, rels: &[&str]) -> Vec<SourceFile> {
        rels.iter()
            .map(|rel| SourceFile {
                rel: rel.to_string(),
                abs: root.join(rel),
            })
            .collect()
    }

    #[test]
    fn sizes_are_kept_for_unchanged_files_and_read_again_for_changed_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("images")).unwrap();
        fs::write(root.join("images/a.png"), png(6, 4)).unwrap();
        fs::write(root.join("images/b.png"), png(3, 2)).unwrap();
        fs::write(root.join("images/broken.png"), b"not an image").unwrap();
        fs::write(root.join("images/notes.txt"), b"not a raster").unwrap();
        let all = files(
            root,
            &[
                "images/a.png",
                "images/b.png",
                "images/broken.png",
                "images/notes.txt",
            ],
        );
        let sizes = read_image_sizes(root, "exe=1", &all);
        assert_eq!(sizes.len(), 3, "{sizes:?}");
        assert_eq!(sizes["images/a.png"], Ok((6, 4)));
        assert_eq!(sizes["images/b.png"], Ok((3, 2)));
        assert!(sizes["images/broken.png"].is_err());
        let cache = fs::read_to_string(root.join(SIZES_CACHE)).unwrap();
        assert_eq!(cache.lines().count(), 4, "{cache}");
        assert!(cache.starts_with("folio image sizes 1\nexe=1\n"), "{cache}");

        // A size in the cache is trusted while its file's length and time
        // are unchanged (made wrong here, to see that it is used).
        let faked = cache.replace(" 6 4 images/a.png", " 60 40 images/a.png");
        fs::write(root.join(SIZES_CACHE), &faked).unwrap();
        let sizes = read_image_sizes(root, "exe=1", &all);
        assert_eq!(sizes["images/a.png"], Ok((60, 40)));
        assert_eq!(fs::read_to_string(root.join(SIZES_CACHE)).unwrap(), faked);

        // Another build of folio, or a garbled file: every header is read.
        for (build, text) in [
            ("exe=2", faked.clone()),
            ("exe=1", faked.replace("60 40", "sixty")),
        ] {
            fs::write(root.join(SIZES_CACHE), text).unwrap();
            let sizes = read_image_sizes(root, build, &all);
            assert_eq!(sizes["images/a.png"], Ok((6, 4)), "{build}");
        }

        // A changed file is read again; a file gone leaves the cache.
        fs::write(root.join(SIZES_CACHE), &faked).unwrap();
        fs::write(root.join("images/a.png"), png(8, 5)).unwrap();
        let sizes = read_image_sizes(root, "exe=1", &all[..1]);
        assert_eq!(sizes["images/a.png"], Ok((8, 5)));
        let cache = fs::read_to_string(root.join(SIZES_CACHE)).unwrap();
        assert_eq!(cache.lines().count(), 3, "{cache}");
        assert!(cache.contains(" 8 5 images/a.png\n"), "{cache}");
    }

    #[test]
    fn paths_with_spaces_round_trip() {
        let known = [("static/my shots/a b.png", ((10, 1, 2), (3, 4)))];
        let text = encode("x", known.into_iter());
        let decoded = decode("x", &text).unwrap();
        assert_eq!(decoded["static/my shots/a b.png"], ((10, 1, 2), (3, 4)));
        assert!(decode("x", text.trim_end()).is_none(), "cut short");
    }
}
