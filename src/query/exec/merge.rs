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
