//! A byte trie of the lexicon's normalized patterns, walked from one start offset at a time.
//!
//! Takes the pattern strings of [`crate::extract::lexicon`] (each distinct, each with its index)
//! and hands [`crate::extract::tokenize`] a walk that reports every pattern starting exactly at
//! an offset. Matching in kgraph is always anchored (at a word start or after a clitic prefix),
//! so no failure links are needed. The trie is a double array over byte classes (the bytes the
//! patterns use, numbered from 1): the child of cell `s` on a byte of class `c` is cell
//! `base[s] + c` when that cell's `check` is `s`, so a step is a few loads and a compare, and a
//! byte no pattern has ends the walk at once. Cells are placed depth first, so the cells of one
//! pattern sit close together.

/// No pattern ends at a node.
const NONE: u32 = u32::MAX;
/// The `check` of a free cell.
const FREE: u32 = u32::MAX;
/// The `check` of the root, which is nobody's child.
const ROOT: u32 = u32::MAX - 1;
/// The bit of `base` that says a pattern ends at the cell.
const ENDS: u32 = 1 << 31;
/// Multi-child nodes are placed no lower than this many cells below the highest used cell:
/// lower down, the array is nearly full and a fitting base is slow to find.
const WINDOW: usize = 1024;

/// One state of the double array.
#[derive(Debug, Clone, Copy)]
struct Cell {
    /// The child on byte class `c` is cell `base + c` (without the [`ENDS`] bit), if that
    /// cell's `check` names this one.
    base: u32,
    /// The parent cell ([`FREE`] or [`ROOT`] for none).
    check: u32,
}

/// An anchored byte trie stored as a double array over byte classes; cell 0 is the root.
#[derive(Debug, Clone)]
pub struct Trie {
    /// The class of each byte: 0 for a byte no pattern has, else 1 and up.
    classes: [u16; 256],
    cells: Vec<Cell>,
    /// The pattern that ends at each cell with the [`ENDS`] bit.
    patterns: Vec<u32>,
}

impl Trie {
    /// Build the trie of `patterns`; pattern `i` is reported as `i`. A repeated pattern keeps
    /// its first index; empty patterns are ignored.
    pub fn new<S: AsRef<[u8]>>(patterns: &[S]) -> Trie {
        let mut classes = [0u16; 256];
        for p in patterns {
            for &b in p.as_ref() {
                classes[usize::from(b)] = 1;
            }
        }
        let mut n = 0;
        for c in classes.iter_mut().filter(|c| **c == 1) {
            n += 1;
            *c = n;
        }
        let alphabet = usize::from(n) + 1;
        // First a trie of child lists sorted by class, then the double array.
        let mut children: Vec<Vec<(u16, u32)>> = vec![Vec::new()];
        let mut ends: Vec<u32> = vec![NONE];
        for (i, p) in patterns.iter().enumerate() {
            let p = p.as_ref();
            if p.is_empty() {
                continue;
            }
            let mut node = 0usize;
            for &b in p {
                let c = classes[usize::from(b)];
                node = match children[node].binary_search_by_key(&c, |&(l, _)| l) {
                    Ok(k) => children[node][k].1 as usize,
                    Err(k) => {
                        let id = children.len() as u32;
                        children[node].insert(k, (c, id));
                        children.push(Vec::new());
                        ends.push(NONE);
                        id as usize
                    }
                };
            }
            if ends[node] == NONE {
                ends[node] = i as u32;
            }
        }
        let free = Cell { base: 0, check: FREE };
        let mut cells = vec![free; alphabet + 1];
        let mut cell_patterns = vec![NONE; alphabet + 1];
        cells[0].check = ROOT;
        let mut cell_of = vec![0u32; children.len()];
        // Depth first, so the cells of a long pattern sit close together.
        let mut stack = vec![0usize];
        let mut first_free = 1;
        let mut top = 0usize;
        while let Some(node) = stack.pop() {
            let at = cell_of[node] as usize;
            let kids = &children[node];
            if let (Some(&(lo, _)), Some(&(hi, _))) = (kids.first(), kids.last()) {
                while cells[first_free].check != FREE {
                    first_free += 1;
                }
                let from = if kids.len() == 1 { first_free } else { first_free.max(top.saturating_sub(WINDOW)) };
                let mut base = from.saturating_sub(usize::from(lo));
                loop {
                    if cells.len() < base + alphabet + 1 {
                        cells.resize(base + alphabet + 1, free);
                        cell_patterns.resize(base + alphabet + 1, NONE);
                    }
                    if kids.iter().all(|&(c, _)| cells[base + usize::from(c)].check == FREE) {
                        break;
                    }
                    base += 1;
                }
                cells[at].base = base as u32;
                top = top.max(base + usize::from(hi));
                for &(c, child) in kids.iter().rev() {
                    let t = base + usize::from(c);
                    cells[t].check = at as u32;
                    cell_of[child as usize] = t as u32;
                    stack.push(child as usize);
                }
            }
            if ends[node] != NONE {
                cells[at].base |= ENDS;
                cell_patterns[at] = ends[node];
            }
        }
        Trie { classes, cells, patterns: cell_patterns }
    }

    /// Call `found(end, pattern)` for every pattern that `text` starts with, shortest first;
    /// `end` is the pattern's length.
    #[inline]
    pub fn prefixes(&self, text: &[u8], mut found: impl FnMut(usize, u32)) {
        let cells = &self.cells[..];
        let mut at = 0u32;
        // The base of the current cell, carried along instead of read again at each step.
        let mut base = cells.first().map_or(0, |c| c.base);
        for (i, &b) in text.iter().enumerate() {
            // A byte no pattern has (class 0) needs no test of its own: cell `base + 0` is never
            // a child (children sit at `base + c` with `c >= 1`), so its `check` is not `at`.
            let t = (base & !ENDS) as usize + usize::from(self.classes[usize::from(b)]);
            match cells.get(t) {
                Some(cell) if cell.check == at => {
                    at = t as u32;
                    base = cell.base;
                    if base & ENDS != 0 {
                        found(i + 1, self.patterns[t]);
                    }
                }
                _ => return,
            }
        }
    }

    /// Number of cells of the double array (free ones included).
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the trie holds no pattern.
    pub fn is_empty(&self) -> bool {
        self.patterns.iter().all(|&p| p == NONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefixes(t: &Trie, text: &str) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        t.prefixes(text.as_bytes(), |e, p| out.push((e, p)));
        out
    }

    #[test]
    fn reports_every_pattern_the_text_starts_with() {
        let t = Trie::new(&["the", "the army", "a", "", "the", "تنظيم", "تن"]);
        assert_eq!(prefixes(&t, "the army attacked"), vec![(3, 0), (8, 1)]);
        assert_eq!(prefixes(&t, "them"), vec![(3, 0)]);
        assert_eq!(prefixes(&t, "army"), vec![(1, 2)]);
        assert_eq!(prefixes(&t, "x the"), vec![]);
        // Bytes no pattern has, at the start, inside and after a pattern.
        assert_eq!(prefixes(&t, "#the"), vec![]);
        assert_eq!(prefixes(&t, "th#e"), vec![]);
        assert_eq!(prefixes(&t, "the#army"), vec![(3, 0)]);
        assert_eq!(prefixes(&t, "the ar\u{0}my"), vec![(3, 0)]);
        assert_eq!(prefixes(&t, "تنظيم الدولة"), vec![("تن".len(), 6), ("تنظيم".len(), 5)]);
        assert!(!t.is_empty());
        assert!(Trie::new::<&str>(&[]).is_empty());
    }

    /// Nodes with many children and with few, sharing the array, agree with a plain
    /// `starts_with` over all patterns.
    #[test]
    fn shared_cells_agree_with_starts_with() {
        let mut pats: Vec<String> = (b'a'..=b'z').map(|c| format!("x{}", c as char)).collect();
        pats.extend(["xa", "xab", "xabc", "y", "yz", "ab", "b"].map(String::from));
        let t = Trie::new(&pats);
        for text in ["xabcd", "xq", "xz", "yzz", "abc", "b", "zz", ""] {
            let mut want: Vec<(usize, u32)> = Vec::new();
            for (i, p) in pats.iter().enumerate() {
                if text.starts_with(p.as_str()) && !want.iter().any(|&(e, _)| e == p.len()) {
                    want.push((p.len(), i as u32));
                }
            }
            want.sort();
            assert_eq!(prefixes(&t, text), want, "{text}");
        }
    }
}
