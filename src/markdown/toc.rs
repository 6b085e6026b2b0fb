//! The table of contents: a flat list of headings folded into a tree.
//!
//! Built iteratively with a stack, so a page with thousands of headings or
//! odd level jumps (`##` then `#####`) cannot overflow anything.

use serde::Serialize;

/// One heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// Heading level, 1–6.
    pub level: u8,
    /// The heading's id (link with `#id`).
    pub id: String,
    /// The heading's plain text.
    pub title: String,
    /// Headings nested below this one.
    pub children: Vec<TocEntry>,
}

/// Folds headings (in document order) into a tree: each heading becomes a
/// child of the nearest preceding heading with a lower level.
pub(super) fn build(headings: impl Iterator<Item = super::Heading>) -> Vec<TocEntry> {
    // stack[i] is the open entry at depth i; closed entries are appended to
    // their parent when a heading of the same or a higher level arrives.
    let mut roots: Vec<TocEntry> = Vec::new();
    let mut stack: Vec<TocEntry> = Vec::new();
    for h in headings {
        while stack.last().is_some_and(|top| top.level >= h.level) {
            close_top(&mut stack, &mut roots);
        }
        stack.push(TocEntry {
            level: h.level,
            id: h.id,
            title: h.title,
            children: Vec::new(),
        });
    }
    while !stack.is_empty() {
        close_top(&mut stack, &mut roots);
    }
    roots
}

fn close_top(stack: &mut Vec<TocEntry>, roots: &mut Vec<TocEntry>) {
    if let Some(done) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => parent.children.push(done),
            None => roots.push(done),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Heading;
    use super::*;

    fn h(level: u8, id: &str) -> Heading {
        Heading {
            level,
            id: id.into(),
            title: id.into(),
        }
    }

    #[test]
    fn nests_by_level() {
        let toc = build(
            [
                h(2, "a"),
                h(3, "a1"),
                h(3, "a2"),
                h(2, "b"),
                h(4, "b1"),
                h(2, "c"),
            ]
            .into_iter(),
        );
        let shape: Vec<(String, Vec<String>)> = toc
            .iter()
            .map(|e| {
                (
                    e.id.clone(),
                    e.children.iter().map(|c| c.id.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("a".into(), vec!["a1".into(), "a2".into()]),
                ("b".into(), vec!["b1".into()]),
                ("c".into(), vec![])
            ]
        );
    }

    #[test]
    fn deep_input_does_not_recurse() {
        let many = (0..100_000).map(|i| h(2 + (i % 5) as u8, "x"));
        let toc = build(many);
        assert_eq!(toc.len(), 20_000);
    }
}
