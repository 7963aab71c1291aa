//! `Merge`: per row, match the pattern (seeing the query's own earlier writes) or create it,
//! then apply `ON MATCH SET` or `ON CREATE SET`.

use crate::query::error::QueryError;
use crate::query::plan::{CreateSpec, LogicalOp, SetItem};

use super::create::create_one;
use super::set::apply_items;
use super::{run_read, Ctx, Row};

/// Runs `MERGE` for every row.
///
/// # Errors
/// Errors of the match, the creation or the SET items.
pub fn merge(
    ops: &[LogicalOp],
    create: &CreateSpec,
    on_create: &[SetItem],
    on_match: &[SetItem],
    rows: Vec<Row>,
    ctx: &mut Ctx,
) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::new();
    for row in rows {
        ctx.guard.check()?;
        let matched = run_read(ops, vec![row.clone()], &ctx.env())?;
        if matched.is_empty() {
            let mut r = row;
            super::create::check_merge_props(create, &r, ctx)?;
            create_one(create, &mut r, ctx)?;
            apply_items(on_create, &r, ctx)?;
            out.push(r);
        } else {
            for r in matched {
                apply_items(on_match, &r, ctx)?;
                out.push(r);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::query::testutil::{error, graph, rows, run};

    #[test]
    fn matches_or_creates_and_sees_its_own_writes() {
        let mut g = graph("CREATE (:P {name: 'a'})");
        let r =
            run(&mut g, "UNWIND ['a', 'b', 'b'] AS n MERGE (p:P {name: n}) ON CREATE SET p.new = true RETURN p.new")
                .unwrap();
        assert_eq!(r.stats.nodes_created, 1);
        assert_eq!(r.rows.len(), 3);
        assert_eq!(rows(&mut g, "MATCH (p:P) RETURN p.name, p.new ORDER BY p.name"), ["'a', null", "'b', true"]);
        let r = run(&mut g, "MERGE (p:P {name: 'a'}) ON MATCH SET p.seen = 1").unwrap();
        assert_eq!((r.stats.nodes_created, r.stats.properties_set), (0, 1));
    }

    #[test]
    fn null_properties_cannot_be_merged() {
        let mut g = graph("");
        assert_eq!(error(&mut g, "MERGE ({k: null})"), "SemanticError (MergeReadOwnWrites)");
    }
}
