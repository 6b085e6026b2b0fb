//! The seeded pseudo-random generator of the random tests (tests only).
//!
//! A linear congruential generator: small, and the same sequence on every
//! run and machine, so a failing round can be run again by its number.

/// A generator from its seed.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// A number below `n` (which must not be 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize % n
    }

    /// True `percent` times in a hundred.
    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `items`.
    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}
