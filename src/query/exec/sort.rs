//! `Sort` (ORDER BY, with the total order across types), `Skip` and `Limit`.

use std::cmp::Ordering;

use crate::graph::Value;
use crate::query::error::{ErrorKind, QueryError};
use crate::query::eval::{eval, Env};
use crate::query::plan::{Expr, LogicalOp};

use super::Row;

/// Sorts rows by the keys (stable; `true` means descending).
///
/// With `bound = Some(k)` (the sort feeds `SKIP`/`LIMIT` that keep at most the first k rows),
/// only the first k rows of the sorted order are kept, ordered exactly as the full stable sort
/// would order them (ties keep their input order); see [`Sorter`].
///
/// # Errors
/// Errors of the key expressions, cancellation.
pub fn sort(keys: &[(Expr, bool)], rows: Vec<Row>, env: &Env, bound: Option<usize>) -> Result<Vec<Row>, QueryError> {
    let mut sorter = Sorter::new(keys, bound);
    sorter.add(rows, env)?;
    sorter.finish(env)
}

/// A row with its sort keys and its input position (which breaks ties, so the order is total
/// and an unstable selection or sort gives the stable sort's result).
type Keyed = (Vec<Value>, usize, Row);

/// Rows fed batch by batch into a sort, so a sort after a streamed segment takes rows as they
/// come instead of a table of them. With a bound k (`ORDER BY … LIMIT k`) it keeps at most 2k
/// rows: when the buffer reaches 2k the k smallest are selected and the rest dropped, and a row
/// that sorts after the k-th kept row is not kept at all, so top-k over a hundred million rows
/// holds a few of them. Rows are moved, never cloned.
pub struct Sorter<'p> {
    keys: &'p [(Expr, bool)],
    bound: Option<usize>,
    kept: Vec<Keyed>,
    /// Rows seen so far (the next input position).
    seen: usize,
    /// With a bound: the keys of the k-th row kept at the last selection; a row sorting after
    /// it cannot be in the first k.
    cutoff: Option<(Vec<Value>, usize)>,
}

impl<'p> Sorter<'p> {
    /// An empty sort by `keys`, keeping the first `bound` rows (all with `None`).
    pub fn new(keys: &'p [(Expr, bool)], bound: Option<usize>) -> Self {
        Sorter { keys, bound, kept: Vec::new(), seen: 0, cutoff: None }
    }

    fn order(&self, a: &[Value], i: usize, b: &[Value], j: usize) -> Ordering {
        for ((x, y), (_, desc)) in a.iter().zip(b).zip(self.keys) {
            let o = x.order(y);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        i.cmp(&j)
    }

    /// Takes a batch of rows.
    ///
    /// # Errors
    /// Errors of the key expressions, cancellation.
    pub fn add(&mut self, rows: Vec<Row>, env: &Env) -> Result<(), QueryError> {
        if self.bound == Some(0) {
            return Ok(());
        }
        for row in rows {
            env.guard.check()?;
            let mut k = Vec::with_capacity(self.keys.len());
            for (e, _) in self.keys {
                k.push(eval(e, &row, env)?);
            }
            let i = self.seen;
            self.seen += 1;
            if let Some((c, ci)) = &self.cutoff {
                if self.order(&k, i, c, *ci) == Ordering::Greater {
                    continue;
                }
            }
            self.kept.push((k, i, row));
            if let Some(b) = self.bound {
                if self.kept.len() >= b.saturating_mul(2).max(1024) {
                    self.select(b);
                }
            }
        }
        Ok(())
    }

    /// Keeps the `b` smallest rows (unordered) and remembers the largest of them.
    fn select(&mut self, b: usize) {
        if b == 0 || self.kept.len() <= b {
            return;
        }
        let mut kept = std::mem::take(&mut self.kept);
        kept.select_nth_unstable_by(b - 1, |(a, i, _), (c, j, _)| self.order(a, *i, c, *j));
        kept.truncate(b);
        let (k, i, _) = &kept[b - 1];
        self.cutoff = Some((k.clone(), *i));
        self.kept = kept;
    }

    /// Frees the rows taken so far on a background thread (see
    /// [`super::limits::drop_later`]): for a query that failed or was cancelled.
    pub fn discard(self) {
        super::limits::drop_later(self.kept);
    }

    /// The rows in order (the first `bound` of them).
    ///
    /// # Errors
    /// Cancellation: a long sort is done in runs of [`RUN`] rows merged pairwise, checking
    /// between runs and every [`RUN`] merged rows.
    pub fn finish(mut self, env: &Env) -> Result<Vec<Row>, QueryError> {
        if let Some(b) = self.bound {
            self.select(b);
        }
        let mut rest = std::mem::take(&mut self.kept).into_iter();
        let cmp = |(a, i, _): &Keyed, (c, j, _): &Keyed| self.order(a, *i, c, *j);
        let mut runs: Vec<Vec<Keyed>> = Vec::new();
        loop {
            env.guard.check()?;
            let mut run: Vec<Keyed> = rest.by_ref().take(RUN).collect();
            if run.is_empty() {
                break;
            }
            run.sort_unstable_by(cmp);
            runs.push(run);
        }
        while runs.len() > 1 {
            let mut next = Vec::with_capacity(runs.len().div_ceil(2));
            let mut pairs = runs.into_iter();
            while let Some(a) = pairs.next() {
                match pairs.next() {
                    Some(b) => next.push(merge(a, b, &cmp, env)?),
                    None => next.push(a),
                }
            }
            runs = next;
        }
        Ok(runs.pop().unwrap_or_default().into_iter().map(|(_, _, r)| r).collect())
    }
}

/// Rows sorted at a time before runs are merged (a few milliseconds of comparisons).
const RUN: usize = 16_384;

/// Merges two sorted runs, checking for cancellation every [`RUN`] rows.
fn merge(
    a: Vec<Keyed>,
    b: Vec<Keyed>,
    cmp: &impl Fn(&Keyed, &Keyed) -> Ordering,
    env: &Env,
) -> Result<Vec<Keyed>, QueryError> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        if out.len() % RUN == 0 {
            env.guard.check()?;
        }
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => cmp(x, y) != Ordering::Greater,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return Ok(out),
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
}

/// How many rows of a sort's output the `SKIP`/`LIMIT` operators right after it can keep:
/// skip + limit when a `LIMIT` follows, `None` (all of them) otherwise or when a count does not
/// evaluate (the operator itself then reports the error).
pub fn bound(next: &[LogicalOp], env: &Env) -> Option<usize> {
    let mut skipped = 0usize;
    for op in next {
        match op {
            LogicalOp::Skip(e) => skipped = skipped.saturating_add(count(e, env, "SKIP").ok()?),
            LogicalOp::Limit(e) => return Some(skipped.saturating_add(count(e, env, "LIMIT").ok()?)),
            _ => return None,
        }
    }
    None
}

/// Evaluates a SKIP/LIMIT count: a non-negative integer.
///
/// # Errors
/// A `SyntaxError` (as the TCK classifies it, though found at run time) for a negative or
/// non-integer count.
pub fn count(e: &Expr, env: &Env, what: &str) -> Result<usize, QueryError> {
    match eval(e, &[], env)? {
        Value::Int(i) if i >= 0 => Ok(i as usize),
        Value::Int(i) => {
            Err(QueryError::new(ErrorKind::SyntaxError, format!("{what} must not be negative, found {i}"))
                .with_detail("NegativeIntegerArgument"))
        }
        other => Err(QueryError::new(ErrorKind::SyntaxError, format!("{what} must be an integer, found {other}"))
            .with_detail("InvalidArgumentType")),
    }
}

/// Drops the first n rows.
///
/// # Errors
/// See [`count`].
pub fn skip(e: &Expr, rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let n = count(e, env, "SKIP")?;
    Ok(rows.into_iter().skip(n).collect())
}

/// Keeps the first n rows.
///
/// # Errors
/// See [`count`].
pub fn limit(e: &Expr, mut rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let n = count(e, env, "LIMIT")?;
    rows.truncate(n);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{error, graph, rows};

    #[test]
    fn mixed_types_follow_the_global_order() {
        let mut g = graph("");
        let q = "UNWIND [1, 'a', null, true, [1], {k: 1}, 1.5] AS x RETURN x ORDER BY x";
        assert_eq!(rows(&mut g, q), ["{k: 1}", "[1]", "'a'", "true", "1", "1.5", "null"]);
        let q = "UNWIND [3, null, 1] AS x RETURN x ORDER BY x DESC";
        assert_eq!(rows(&mut g, q), ["null", "3", "1"]);
    }

    #[test]
    fn skip_and_limit() {
        let mut g = graph("");
        assert_eq!(rows(&mut g, "UNWIND range(1, 5) AS x RETURN x SKIP 1 LIMIT 2"), ["2", "3"]);
        assert_eq!(error(&mut g, "UNWIND [1] AS x RETURN x LIMIT 1.5"), "SyntaxError (InvalidArgumentType)");
    }

    #[test]
    fn long_sorts_merge_runs_in_order() {
        let mut g = graph("");
        // More rows than one run, in an order that interleaves the runs.
        let q = "UNWIND range(1, 40000) AS x WITH x ORDER BY (x * 7919) % 40000, x DESC \
                 WITH collect(x) AS xs RETURN size(xs), xs[0], xs[1], xs[39999]";
        assert_eq!(rows(&mut g, q), ["40000, 40000, 17679, 22321"]);
        let q = "UNWIND range(1, 50000) AS x RETURN x % 3 AS m, x ORDER BY m DESC SKIP 16667 LIMIT 2";
        assert_eq!(rows(&mut g, q), ["1, 1", "1, 4"]);
        let q = "UNWIND range(1, 50000) AS x RETURN x ORDER BY x % 1000, x DESC LIMIT 3";
        assert_eq!(rows(&mut g, q), ["50000", "49000", "48000"]);
    }

    #[test]
    fn top_k_keeps_the_stable_sort_order() {
        let mut g = graph("");
        let q = "UNWIND [[3, 'a'], [1, 'b'], [3, 'c'], null, [2, 'd'], [1, 'e'], [3, 'f']] AS p \
                 RETURN p[1] AS s ORDER BY p[0] DESC SKIP 1 LIMIT 4";
        assert_eq!(rows(&mut g, q), ["'a'", "'c'", "'f'", "'d'"]);
        let q = "UNWIND [5, 1, 4, 1, 3, 9, 2] AS x RETURN x ORDER BY x LIMIT 3";
        assert_eq!(rows(&mut g, q), ["1", "1", "2"]);
        assert_eq!(rows(&mut g, "UNWIND [2, 1] AS x RETURN x ORDER BY x LIMIT 0"), Vec::<String>::new());
        assert_eq!(error(&mut g, "UNWIND [1] AS x RETURN x LIMIT 1.5"), "SyntaxError (InvalidArgumentType)");
    }
}
