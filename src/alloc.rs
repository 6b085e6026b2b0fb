//! The binary's global allocator: mimalloc, asked the way it is fastest.
//!
//! The `mimalloc` crate's allocator passes every request to mimalloc's
//! *aligned* entry points, even for the byte and word alignment of nearly
//! every Rust allocation. mimalloc serves those from its plain free lists
//! only for blocks under 1 KiB whose next free block happens to be
//! aligned; anything bigger (page sources, HTML, output buffers) takes the
//! generic path, which over-allocates whenever the rounded block size is
//! not a power of two. Every mimalloc block is at least word-aligned
//! (size classes are whole words, pages start aligned), so requests
//! aligned to a word or less go to the plain `mi_malloc` family, and only
//! stricter ones (rare: SIMD types, cache-padded queues) to the aligned
//! family.
//!
//! The library is mimalloc 2 (`libmimalloc-sys`'s `v2` feature), not 3:
//! with the same instructions, version 2 keeps each thread's pages
//! together in its own segments, where version 3's shared arena spread a
//! build's few MiB of live blocks over many more transparent huge pages.
//! Fresh memory is what costs on a virtual machine (the kernel clears
//! every page the process touches first, and the host may have to back
//! it), so the 1,000-page corpus builds in 27 MiB instead of 39 and ~10%
//! faster (see `Cargo.toml` and the commit that made the change).

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The alignment every mimalloc block has, whatever its size.
const WORD: usize = std::mem::align_of::<usize>();

/// mimalloc as the global allocator (see the module documentation).
#[derive(Debug, Clone, Copy, Default)]
pub struct Mimalloc;

// SAFETY: each method hands mimalloc a request it serves with at least
// `layout.align()` alignment: the plain functions align every block to a
// word, and larger alignments go to the aligned functions. Blocks are
// freed with `mi_free`, which takes blocks from either family.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            mi::mi_malloc(layout.size()).cast()
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            mi::mi_zalloc(layout.size()).cast()
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi::mi_free(ptr.cast::<c_void>());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
        } else {
            mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Allocates, grows, shrinks and frees blocks of many sizes and
    /// alignments, checking each address and that contents survive.
    #[test]
    fn blocks_are_aligned_and_keep_their_contents() {
        let a = Mimalloc;
        let sizes = [
            1,
            3,
            8,
            17,
            24,
            100,
            1000,
            1025,
            4400,
            5000,
            70_000,
            3 << 20,
        ];
        let pattern = |i: usize| (i % 251) as u8;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in sizes.map(|s: usize| s.max(align)) {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: every block is used within its size and freed
                // once, with the layout it was last given.
                unsafe {
                    let zeroed = a.alloc_zeroed(layout);
                    assert!(!zeroed.is_null());
                    assert_eq!(zeroed as usize % align, 0, "zeroed {size}/{align}");
                    assert!(std::slice::from_raw_parts(zeroed, size)
                        .iter()
                        .all(|&b| b == 0));
                    a.dealloc(zeroed, layout);
                    for new_size in [size * 3 + 5, size.div_ceil(2).max(align)] {
                        let p = a.alloc(layout);
                        assert!(!p.is_null());
                        assert_eq!(p as usize % align, 0, "alloc {size}/{align}");
                        for i in 0..size {
                            *p.add(i) = pattern(i);
                        }
                        let q = a.realloc(p, layout, new_size);
                        assert!(!q.is_null());
                        assert_eq!(q as usize % align, 0, "realloc {size}->{new_size}/{align}");
                        let kept = std::slice::from_raw_parts(q, size.min(new_size));
                        assert!(kept.iter().enumerate().all(|(i, &b)| b == pattern(i)));
                        a.dealloc(q, Layout::from_size_align(new_size, align).unwrap());
                    }
                }
            }
        }
    }
}
