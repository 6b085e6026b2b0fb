//! Image sizes, read from the files' headers and kept between builds.
//!
//! Pages give every local raster image its `width` and `height`, so the
//! build needs the size of each image of `images/`, `content/` and
//! `static/`: ~6 µs an image for a PNG, and for a JPEG, whose frame
//! header comes after the camera's metadata, more. A handbook with 4,000
//! screenshots spent ~80 ms of every build on it.
//! `.folio-cache/image-sizes` keeps each size (see [`super::stamps`]): a
//! file whose length and modification time are unchanged keeps its size,
//! and only new or changed files are read.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use image::metadata::Orientation;
use rayon::prelude::*;

use super::stamps::{stamp, trusted, Stamp, StampFile};
use crate::discover::{is_raster, SourceFile};

/// Where the sizes are kept (in the site root).
pub const SIZES_CACHE: &str = ".folio-cache/image-sizes";

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
/// by the last build (`build`: its fingerprint) are used for files that
/// did not change since, and the cache is written again when it changed.
pub(super) fn read_image_sizes<'f>(
    root: &Path,
    build: &str,
    files: impl IntoParallelIterator<Item = &'f SourceFile>,
) -> HashMap<String, Result<(u32, u32), String>> {
    let cache = StampFile::<2> {
        path: root.join(SIZES_CACHE),
        name: "folio image sizes 1",
        build: build.to_string(),
    };
    let kept = cache.read();
    let images: Vec<Image<'_>> = files
        .into_par_iter()
        .filter(|f| is_raster(&f.rel))
        .map(|f| {
            let path = root.join(&f.rel);
            // A file the cache knows is looked at by its path; any other
            // is opened once, for its stamp and its header.
            if kept.contains_key(&f.rel) {
                let stamp = fs::metadata(&path).ok().map(|m| stamp(&m));
                let size = trusted(&kept, &f.rel, stamp)
                    .and_then(|[w, h]| u32::try_from(w).ok().zip(u32::try_from(h).ok()));
                if let Some(size) = size {
                    return Image {
                        rel: &f.rel,
                        stamp,
                        size: Ok(size),
                        fresh: false,
                    };
                }
            }
            let (stamp, size) = match fs::File::open(&path) {
                Ok(file) => (file.metadata().ok().map(|m| stamp(&m)), size_of(file)),
                Err(e) => (None, Err(e.to_string())),
            };
            Image {
                rel: &f.rel,
                stamp,
                size,
                fresh: true,
            }
        })
        .collect();
    let known = |i: &Image<'f>| {
        let (w, h) = *i.size.as_ref().ok()?;
        Some((i.rel, i.stamp?, [w.into(), h.into()]))
    };
    // Unreadable files are read again each time, and not kept.
    let fresh = images.iter().any(|i| i.fresh && i.size.is_ok());
    cache.update(&kept, fresh, images.iter().filter_map(known));
    images
        .into_iter()
        .map(|i| (i.rel.to_string(), i.size))
        .collect()
}

/// Width and height of an image file as shown, from its header: a photo
/// taken sideways is stored as the camera saw it, with an EXIF
/// orientation that browsers follow, so its width and height swap.
pub fn image_size(path: &Path) -> Result<(u32, u32), String> {
    size_of(fs::File::open(path).map_err(|e| e.to_string())?)
}

/// [`image_size`] of an open file.
fn size_of(mut file: fs::File) -> Result<(u32, u32), String> {
    use std::io::{Seek, SeekFrom};
    if let Some((stored, orientation)) = jpeg_header(&mut file) {
        return Ok(as_shown(stored, orientation));
    }
    // The same file, from its start, for the image crate.
    file.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    decoded_size(std::io::BufReader::new(file))
}

/// [`image_size`] by the image crate's decoder of the file's format.
fn decoded_size(file: impl std::io::BufRead + std::io::Seek) -> Result<(u32, u32), String> {
    use image::ImageDecoder;
    let (orientation, decoder) = decoder(file)?;
    Ok(as_shown(decoder.dimensions(), orientation))
}

/// The image crate's decoder for the image `reader` holds, in the format
/// its first bytes tell, and the orientation the image is shown in.
pub(super) fn decoder<'a>(
    reader: impl std::io::BufRead + std::io::Seek + 'a,
) -> Result<(Orientation, impl image::ImageDecoder + 'a), String> {
    use image::ImageDecoder;
    let mut decoder = image::ImageReader::new(reader)
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .into_decoder()
        .map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    Ok((orientation, decoder))
}

/// Largest APP1 segment read for its EXIF orientation (the most a
/// segment can hold).
const MAX_EXIF: usize = 64 * 1024;

/// The stored width and height of a JPEG and its EXIF orientation, from
/// its markers up to the frame header: the image crate reads the whole
/// file for them (a 259 KB photo took ~35 µs, a tenth of that now).
/// `None` for anything else, or a JPEG this does not follow, which the
/// image crate then reads.
fn jpeg_header(file: &mut fs::File) -> Option<((u32, u32), Orientation)> {
    use std::io::{BufReader, Read};
    let mut r = BufReader::with_capacity(4096, file);
    let mut soi = [0u8; 2];
    r.read_exact(&mut soi).ok()?;
    if soi != [0xFF, 0xD8] {
        return None;
    }
    let mut orientation = Orientation::NoTransforms;
    loop {
        let mut head = [0u8; 2];
        r.read_exact(&mut head).ok()?;
        if head[0] != 0xFF {
            return None;
        }
        let mut marker = head[1];
        // Fill bytes may come before a marker.
        while marker == 0xFF {
            let mut b = [0u8];
            r.read_exact(&mut b).ok()?;
            marker = b[0];
        }
        match marker {
            // Markers without a segment.
            0x01 | 0xD0..=0xD7 => continue,
            // The image data or its end before any frame header.
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let mut len = [0u8; 2];
        r.read_exact(&mut len).ok()?;
        let len = usize::from(u16::from_be_bytes(len)).checked_sub(2)?;
        match marker {
            // Frame headers (SOF0-SOF15 but DHT, JPG and DAC): precision,
            // height, width.
            0xC0..=0xCF if ![0xC4, 0xC8, 0xCC].contains(&marker) => {
                let mut frame = [0u8; 5];
                r.read_exact(&mut frame).ok()?;
                let h = u16::from_be_bytes([frame[1], frame[2]]);
                let w = u16::from_be_bytes([frame[3], frame[4]]);
                return (w > 0 && h > 0).then_some(((w.into(), h.into()), orientation));
            }
            0xE1 if len <= MAX_EXIF => {
                let mut app1 = vec![0u8; len];
                r.read_exact(&mut app1).ok()?;
                if let Some(tiff) = app1.strip_prefix(b"Exif\0\0") {
                    orientation = Orientation::from_exif_chunk(tiff).unwrap_or(orientation);
                }
            }
            // Skipped: within the buffer, or by a seek past it.
            _ => r.seek_relative(i64::try_from(len).ok()?).ok()?,
        }
    }
}

/// The width and height of an image stored `(w, h)` as shown: swapped
/// by the orientations that turn it a quarter.
fn as_shown((w, h): (u32, u32), orientation: Orientation) -> (u32, u32) {
    match orientation {
        Orientation::Rotate90
        | Orientation::Rotate270
        | Orientation::Rotate90FlipH
        | Orientation::Rotate270FlipH => (h, w),
        _ => (w, h),
    }
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
    fn jpeg_headers_are_read_up_to_the_frame_and_agree_with_the_image_crate() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("photo.jpg");
        let plain = {
            let mut bytes = Vec::new();
            image::RgbImage::new(300, 200)
                .write_to(
                    &mut std::io::Cursor::new(&mut bytes),
                    image::ImageFormat::Jpeg,
                )
                .unwrap();
            bytes
        };
        let with = |at: usize, segment: &[u8]| {
            let mut bytes = plain.clone();
            bytes.splice(at..at, segment.iter().copied());
            bytes
        };
        // An APP2 segment larger than the reader's buffer, skipped by a seek.
        let mut app2 = vec![0xFF, 0xE2, 0x50, 0x02];
        app2.resize(0x5002 + 2, b'x');
        // Progressive (SOF2) rather than baseline.
        let sof = plain.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        let mut progressive = plain.clone();
        progressive[sof + 1] = 0xC2;
        let cases = [
            ("plain", plain.clone(), (300, 200)),
            ("sideways", sideways_jpeg(300, 200), (200, 300)),
            ("a large segment", with(2, &app2), (300, 200)),
            ("fill bytes", with(2, &[0xFF, 0xFF]), (300, 200)),
            ("progressive", progressive, (300, 200)),
        ];
        for (case, bytes, expected) in cases {
            fs::write(&path, &bytes).unwrap();
            let mut file = fs::File::open(&path).unwrap();
            let read = jpeg_header(&mut file).map(|(size, o)| as_shown(size, o));
            assert_eq!(read, Some(expected), "{case}");
            let file = std::io::BufReader::new(fs::File::open(&path).unwrap());
            assert_eq!(decoded_size(file), Ok(expected), "{case}");
            assert_eq!(image_size(&path), Ok(expected), "{case}");
        }
        // Not a JPEG, or one cut before its frame header: the image crate
        // decides.
        fs::write(&path, png(3, 2)).unwrap();
        assert!(jpeg_header(&mut fs::File::open(&path).unwrap()).is_none());
        assert_eq!(image_size(&path), Ok((3, 2)));
        fs::write(&path, &plain[..sof]).unwrap();
        assert!(jpeg_header(&mut fs::File::open(&path).unwrap()).is_none());
        assert!(image_size(&path).is_err());
    }

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
        for name in ["a.png", "b.png", "broken.png"] {
            super::super::stamps::backdate(&root.join("images").join(name), 3600);
        }
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
        super::super::stamps::backdate(&root.join("images/a.png"), 1800);
        let sizes = read_image_sizes(root, "exe=1", &all[..1]);
        assert_eq!(sizes["images/a.png"], Ok((8, 5)));
        let cache = fs::read_to_string(root.join(SIZES_CACHE)).unwrap();
        assert_eq!(cache.lines().count(), 3, "{cache}");
        assert!(cache.contains(" 8 5 images/a.png\n"), "{cache}");
        // Changed just now, it is measured but not kept: a second save
        // within the clock's tick would keep its time.
        fs::write(root.join("images/a.png"), png(9, 5)).unwrap();
        let sizes = read_image_sizes(root, "exe=1", &all[..1]);
        assert_eq!(sizes["images/a.png"], Ok((9, 5)));
        let cache = fs::read_to_string(root.join(SIZES_CACHE)).unwrap();
        assert_eq!(cache.lines().count(), 2, "{cache}");
    }
}
