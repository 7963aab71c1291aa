//! `Aggregate`: groups rows by the grouping keys (equivalence: `null` groups with `null`) in
//! first-seen order and feeds each group's accumulators.

use indexmap::IndexMap;

use crate::graph::Value;
use crate::query::error::QueryError;
use crate::query::eval::{eval, Env};
use crate::query::functions::Accumulator;
use crate::query::plan::{AggCall, Expr};

use super::Row;

/// Groups and aggregates; output rows are the keys followed by the aggregates.
///
/// # Errors
/// Errors of the expressions and accumulators.
pub fn aggregate(keys: &[Expr], aggs: &[AggCall], rows: Vec<Row>, env: &Env) -> Result<Vec<Row>, QueryError> {
    let mut groups = Aggregator::new(keys, aggs);
    groups.add(&rows, env)?;
    groups.finish()
}

/// The groups seen so far, fed batch by batch, so that rows streaming from a scan are counted
/// without being collected first.
pub struct Aggregator<'p> {
    keys: &'p [Expr],
    aggs: &'p [AggCall],
    groups: IndexMap<Vec<Value>, Vec<Accumulator>, foldhash::fast::RandomState>,
}

impl<'p> Aggregator<'p> {
    /// No groups yet.
    pub fn new(keys: &'p [Expr], aggs: &'p [AggCall]) -> Self {
        Aggregator { keys, aggs, groups: IndexMap::default() }
    }

    fn fresh(&self) -> Vec<Accumulator> {
        self.aggs.iter().map(|a| Accumulator::new(a.func, a.distinct)).collect()
    }

    /// Feeds a batch of rows to their groups' accumulators.
    ///
    /// # Errors
    /// Errors of the expressions and accumulators.
    pub fn add(&mut self, rows: &[Row], env: &Env) -> Result<(), QueryError> {
        for row in rows {
            env.guard.check()?;
            // Without keys there is one group: no key to build or hash per row.
            let accs = if self.keys.is_empty() && !self.groups.is_empty() {
                &mut self.groups[0]
            } else {
                let mut key = Vec::with_capacity(self.keys.len());
                for e in self.keys {
                    key.push(eval(e, row, env)?);
                }
                match self.groups.get_index_of(&key) {
                    Some(i) => &mut self.groups[i],
                    None => {
                        let fresh = self.fresh();
                        self.groups.entry(key).or_insert(fresh)
                    }
                }
            };
            for (acc, call) in accs.iter_mut().zip(self.aggs) {
                let v = match &call.arg {
                    Some(e) => eval(e, row, env)?,
                    None => Value::Null,
                };
                let p = call.extra.as_ref().map(|e| eval(e, row, env)).transpose()?;
                acc.add(v, p)?;
            }
        }
        Ok(())
    }

    /// Frees the groups on a background thread (see [`super::limits::drop_later`]): for a
    /// query that failed or was cancelled while holding them.
    pub fn discard(self) {
        super::limits::drop_later(self.groups);
    }

    /// One row per group: the keys followed by the aggregates (one row of empty aggregates
    /// when there are no keys and no rows came).
    ///
    /// # Errors
    /// Errors of the accumulators.
    pub fn finish(mut self) -> Result<Vec<Row>, QueryError> {
        if self.groups.is_empty() && self.keys.is_empty() {
            let fresh = self.fresh();
            self.groups.insert(Vec::new(), fresh);
        }
        let mut out = Vec::with_capacity(self.groups.len());
        for (mut key, accs) in self.groups {
            for acc in accs {
                key.push(acc.finish()?);
            }
            out.push(key);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{graph, rows};

    #[test]
    fn groups_by_non_aggregate_items_with_null_as_a_key() {
        let mut g = graph("CREATE ({k: 1, v: 1}), ({k: 1, v: 2}), ({v: 5}), ({v: 6})");
        let q = "MATCH (n) RETURN n.k AS k, sum(n.v) AS s, collect(n.v) AS c ORDER BY k";
        assert_eq!(rows(&mut g, q), ["1, 3, [1, 2]", "null, 11, [5, 6]"]);
    }

    #[test]
    fn empty_input_still_gives_one_row_without_keys() {
        let mut g = graph("");
        assert_eq!(rows(&mut g, "MATCH (n) RETURN count(n), sum(n.x), avg(n.x), collect(n)"), ["0, 0, null, []"]);
        assert_eq!(rows(&mut g, "MATCH (n) RETURN n.k, count(*)"), Vec::<String>::new());
    }

    #[test]
    fn distinct_aggregates() {
        let mut g = graph("");
        assert_eq!(
            rows(&mut g, "UNWIND [1, 1, 2, null] AS x RETURN count(DISTINCT x), count(x), count(*)"),
            ["2, 3, 4"]
        );
    }
}
