//! How deep an expression tree is, counted only up to a cap. Operator chains (`1+1+…`,
//! `a.b.c…`, `[0][0]…`) are parsed by loops, so the parser itself never runs out of stack on
//! them, but every later pass (binder, planner, printer, evaluator, and dropping the tree)
//! recurses once per level. The parser stops a chain when the tree it builds would be deeper
//! than [`MAX_TREE_DEPTH`], before it can exhaust the stack of any pass.

use crate::query::ast::{Expr, ExprKind, MapProjectionItem, PathPattern};

/// The deepest expression tree the parser builds.
pub(crate) const MAX_TREE_DEPTH: usize = 500;

/// The depth of `e` (a leaf is 1), or any number above `cap` when it is deeper than `cap`.
/// Recursion stops at `cap` levels, so the walk itself is shallow.
pub(crate) fn depth(e: &Expr, cap: usize) -> usize {
    if cap == 0 {
        return 1;
    }
    let below = |x: &Expr| depth(x, cap - 1);
    let max = |xs: &mut dyn Iterator<Item = &Expr>| xs.map(below).max().unwrap_or(0);
    1 + match &e.kind {
        ExprKind::Literal(_) | ExprKind::Parameter(_) | ExprKind::Variable(_) | ExprKind::CountStar => 0,
        // The subquery's own expressions were capped when they were parsed.
        ExprKind::ExistsQuery(_) => 0,
        ExprKind::Property { expr, .. }
        | ExprKind::Unary { expr, .. }
        | ExprKind::IsNull { expr, .. }
        | ExprKind::HasLabels { expr, .. } => below(expr),
        ExprKind::List(items) => max(&mut items.iter()),
        ExprKind::Map(items) => max(&mut items.iter().map(|(_, e)| e)),
        ExprKind::MapProjection { items, .. } => max(&mut items.iter().filter_map(|i| match i {
            MapProjectionItem::Literal(_, e) => Some(e),
            _ => None,
        })),
        ExprKind::Binary { left, right, .. } => below(left).max(below(right)),
        ExprKind::Comparison { first, rest } => below(first).max(max(&mut rest.iter().map(|(_, e)| e))),
        ExprKind::Case { operand, whens, else_ } => max(&mut operand
            .iter()
            .map(|b| &**b)
            .chain(whens.iter().flat_map(|(w, t)| [w, t]))
            .chain(else_.iter().map(|b| &**b))),
        ExprKind::FunctionCall { args, .. } => max(&mut args.iter()),
        ExprKind::Index { expr, index } => below(expr).max(below(index)),
        ExprKind::Slice { expr, from, to } => {
            max(&mut std::iter::once(&**expr).chain(from.iter().map(|b| &**b)).chain(to.iter().map(|b| &**b)))
        }
        ExprKind::ListComprehension { list, predicate, projection, .. } => max(&mut std::iter::once(&**list)
            .chain(predicate.iter().map(|b| &**b))
            .chain(projection.iter().map(|b| &**b))),
        ExprKind::Reduce { init, list, step, .. } => max(&mut [&**init, &**list, &**step].into_iter()),
        ExprKind::PatternComprehension { path, predicate, projection, .. } => {
            max(&mut pattern_exprs(path).chain(predicate.iter().map(|b| &**b)).chain(std::iter::once(&**projection)))
        }
        ExprKind::PatternPredicate(path) => max(&mut pattern_exprs(path)),
        ExprKind::Quantifier { list, predicate, .. } => {
            max(&mut std::iter::once(&**list).chain(predicate.iter().map(|b| &**b)))
        }
        ExprKind::Exists { pattern, where_ } => {
            max(&mut pattern.parts.iter().flat_map(|p| pattern_exprs(&p.path)).chain(where_.iter().map(|b| &**b)))
        }
    }
}

/// The property maps written in a path pattern.
fn pattern_exprs(path: &PathPattern) -> impl Iterator<Item = &Expr> {
    path.start
        .properties
        .iter()
        .chain(path.steps.iter().flat_map(|s| s.relationship.properties.iter().chain(s.node.properties.iter())))
}
