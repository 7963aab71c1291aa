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
    let fresh = || aggs.iter().map(|a| Accumulator::new(a.func, a.distinct)).collect::<Vec<_>>();
    let mut groups: IndexMap<Vec<Value>, Vec<Accumulator>> = IndexMap::new();
    for row in &rows {
        env.guard.check()?;
        let key: Vec<Value> = keys.iter().map(|e| eval(e, row, env)).collect::<Result<_, _>>()?;
        let accs = groups.entry(key).or_insert_with(fresh);
        for (acc, call) in accs.iter_mut().zip(aggs) {
            let v = match &call.arg {
                Some(e) => eval(e, row, env)?,
                None => Value::Null,
            };
            let p = call.extra.as_ref().map(|e| eval(e, row, env)).transpose()?;
            acc.add(v, p)?;
        }
    }
    if groups.is_empty() && keys.is_empty() {
        groups.insert(Vec::new(), fresh());
    }
    let mut out = Vec::with_capacity(groups.len());
    for (mut key, accs) in groups {
        for acc in accs {
            key.push(acc.finish()?);
        }
        out.push(key);
    }
    Ok(out)
}
