//! A bound on what YAML aliases make of a front matter block.
//!
//! `*name` repeats the value marked `&name`, and the YAML loader copies it
//! at each alias, so nine lines of nine aliases each ("a billion laughs")
//! make 387 million values: a page like that took 13 GB of memory and
//! over a minute before it was stopped. [`too_many`] counts what the
//! block expands to from the parser's events, which come in time linear
//! in the text (nothing is copied), before the loader runs.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// The most values (scalars, lists and mappings) a front matter block may
/// expand to. Front matter holds tens; a list of tags, hundreds.
pub const MAX_VALUES: u64 = 10_000;

/// The line (1-based, inside `block`) at which `block`'s values pass
/// [`MAX_VALUES`] through aliases, if they do. A block the parser refuses
/// is left to the loader, which says why.
pub fn too_many(block: &str) -> Option<usize> {
    // An alias needs an anchor: blocks without `&` expand to what they say.
    if !block.contains('&') {
        return None;
    }
    let mut count = Count::default();
    Parser::new_from_str(block).load(&mut count, false).ok()?;
    count.over_at
}

/// Counts values as the loader would make them.
#[derive(Default)]
struct Count {
    /// Values of each anchor, by the parser's id for it.
    sizes: std::collections::HashMap<usize, u64>,
    /// Each open list or mapping: its anchor (0 for none) and its values
    /// so far, itself included.
    open: Vec<(usize, u64)>,
    /// Values so far, all told.
    values: u64,
    over_at: Option<usize>,
}

impl Count {
    /// Adds a value of `n` values, marked `anchor` (0 for none).
    fn add(&mut self, n: u64, anchor: usize) {
        if anchor > 0 {
            self.sizes.insert(anchor, n);
        }
        if let Some((_, inner)) = self.open.last_mut() {
            *inner = inner.saturating_add(n);
        }
    }
}

impl MarkedEventReceiver for Count {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let made = match event {
            Event::Scalar(_, _, anchor, _) => {
                self.add(1, anchor);
                1
            }
            Event::Alias(anchor) => {
                let n = self.sizes.get(&anchor).copied().unwrap_or(1);
                self.add(n, 0);
                n
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.open.push((anchor, 1));
                1
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, n)) = self.open.pop() {
                    self.add(n, anchor);
                }
                0
            }
            _ => 0,
        };
        self.values = self.values.saturating_add(made);
        if self.values > MAX_VALUES && self.over_at.is_none() {
            self.over_at = Some(mark.line());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nine levels of nine aliases each, the first `rows` of them.
    fn laughs(rows: usize) -> String {
        let mut block =
            String::from("title: Laughs\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (level, name) in ('b'..='i').enumerate().take(rows) {
            let prev = (b'a' + level as u8) as char;
            let list = vec![format!("*{prev}"); 9].join(", ");
            block.push_str(&format!("{name}: &{name} [{list}]\n"));
        }
        block
    }

    #[test]
    fn a_billion_laughs_is_stopped_at_the_line_that_passes_the_bound() {
        // a: 10 values, b: 9 × 10 + 1 = 91, c: 820, d: 7,381 (8,303 in all).
        assert_eq!(too_many(&laughs(3)), None);
        // e: 66,430; the block passes 10,000 on its line, the sixth.
        assert_eq!(too_many(&laughs(4)), Some(6));
        assert_eq!(too_many(&laughs(8)), Some(6));
    }

    #[test]
    fn anchors_used_a_few_times_and_blocks_without_them_pass() {
        let block = "title: T\nowner: &o {name: Ana, team: Ops}\nreviewer: *o\nbackup: *o\n";
        assert_eq!(too_many(block), None);
        // Counted as the loader copies: 3 values a use, 10,000 in all.
        let mut wide = String::from("base: &b {k: v}\nlist:\n");
        wide.push_str(&"  - *b\n".repeat(3331));
        assert_eq!(
            too_many(&wide),
            None,
            "1 + 1 + 3 + 1 + 1 + 3331 × 3 = 10,000"
        );
        wide.push_str("  - *b\n");
        assert_eq!(too_many(&wide), Some(3334));
        // Broken YAML is the loader's to report.
        assert_eq!(too_many("a: &a [x\nb: *a\n"), None);
        assert_eq!(too_many("tags: [a, b]\n"), None);
    }
}
