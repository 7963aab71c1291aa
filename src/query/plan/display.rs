//! The plan's printer: the stable text of [`Plan`], [`LogicalOp`] and [`Expr`] that `EXPLAIN`
//! prints and the golden plan tests compare. Printing only; nothing here changes a plan.

use std::fmt;

use crate::graph::Direction;

use super::*;

fn join<T: fmt::Display>(items: &[T], sep: &str) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(sep)
}

fn props_text(props: &[(String, Expr)]) -> String {
    if props.is_empty() {
        return String::new();
    }
    format!(" {{{}}}", props.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", "))
}

fn labels_text(labels: &[String]) -> String {
    labels.iter().map(|l| format!(":{l}")).collect()
}

fn arrow(dir: Direction, inner: &str) -> String {
    match dir {
        Direction::Outgoing => format!("-[{inner}]->"),
        Direction::Incoming => format!("<-[{inner}]-"),
        Direction::Both => format!("-[{inner}]-"),
    }
}

fn hops(min: u64, max: Option<u64>) -> String {
    match max {
        Some(m) if m == min => format!("*{min}"),
        Some(m) => format!("*{min}..{m}"),
        None => format!("*{min}.."),
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Lit(v) => write!(f, "{v}"),
            Expr::Param(p) => write!(f, "${p}"),
            Expr::At(_, e) => write!(f, "{e}"),
            Expr::Var(v) => write!(f, "{v}"),
            Expr::Prop(e, k) => write!(f, "{e}.{k}"),
            Expr::List(items) => write!(f, "[{}]", join(items, ", ")),
            Expr::Map(items) => {
                write!(f, "{{{}}}", items.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", "))
            }
            Expr::Unary(UnaryOp::Not, e) => write!(f, "NOT {e}"),
            Expr::Unary(UnaryOp::Neg, e) => write!(f, "-{e}"),
            Expr::Unary(UnaryOp::Plus, e) => write!(f, "+{e}"),
            Expr::Binary(op, a, b) => write!(f, "({a} {} {b})", op.symbol()),
            Expr::IsNull(e, false) => write!(f, "{e} IS NULL"),
            Expr::IsNull(e, true) => write!(f, "{e} IS NOT NULL"),
            Expr::HasLabels(e, l) => write!(f, "{e}{}", labels_text(l)),
            Expr::Call(name, args) => write!(f, "{name}({})", join(args, ", ")),
            Expr::AggRef(_, name) => write!(f, "{name}"),
            Expr::Case(op, whens, els) => {
                f.write_str("CASE")?;
                if let Some(op) = op {
                    write!(f, " {op}")?;
                }
                for (w, t) in whens {
                    write!(f, " WHEN {w} THEN {t}")?;
                }
                if let Some(e) = els {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            Expr::Index(a, i) => write!(f, "{a}[{i}]"),
            Expr::Slice(a, lo, hi) => {
                let lo = lo.as_ref().map(ToString::to_string).unwrap_or_default();
                let hi = hi.as_ref().map(ToString::to_string).unwrap_or_default();
                write!(f, "{a}[{lo}..{hi}]")
            }
            Expr::ListComp(slot, l, p, m) => {
                write!(f, "[#{slot} IN {l}")?;
                if let Some(p) = p {
                    write!(f, " WHERE {p}")?;
                }
                if let Some(m) = m {
                    write!(f, " | {m}")?;
                }
                f.write_str("]")
            }
            Expr::Quantified(q, slot, l, p) => write!(f, "{q:?}(#{slot} IN {l} WHERE {p})"),
            Expr::Reduce(acc, init, x, l, e) => write!(f, "reduce(#{acc} = {init}, #{x} IN {l} | {e})"),
            Expr::Path(parts) => write!(f, "path({})", parts.len()),
            Expr::Exists(sub) => write!(f, "exists({})", sub.ops.iter().map(op_summary).collect::<Vec<_>>().join(" ")),
            Expr::PatternList(sub, e) => {
                write!(f, "[{} | {e}]", sub.ops.iter().map(op_summary).collect::<Vec<_>>().join(" "))
            }
            Expr::MapProjection(base, sels) => {
                let s: Vec<String> = sels
                    .iter()
                    .map(|s| match s {
                        MapSelector::Prop(k) => format!(".{k}"),
                        MapSelector::Literal(k, e) => format!("{k}: {e}"),
                        MapSelector::All => ".*".to_string(),
                    })
                    .collect();
                write!(f, "{base} {{{}}}", s.join(", "))
            }
        }
    }
}

fn op_summary(op: &LogicalOp) -> String {
    let mut s = String::new();
    let _ = write_op(&mut s, op, 0);
    s.trim().replace('\n', "; ")
}

fn set_item_text(item: &SetItem) -> String {
    match item {
        SetItem::Prop(e, k, v) => format!("{e}.{k} = {v}"),
        SetItem::Props(e, v, true) => format!("{e} = {v}"),
        SetItem::Props(e, v, false) => format!("{e} += {v}"),
        SetItem::Labels(e, l) => format!("{e}{}", labels_text(l)),
        SetItem::RemoveLabels(e, l) => format!("-{e}{}", labels_text(l)),
    }
}

fn create_text(spec: &CreateSpec) -> String {
    let mut parts = Vec::new();
    for n in spec.nodes.iter().filter(|n| !n.bound) {
        let props = n.props.as_ref().map(|p| format!(" {p}")).unwrap_or_default();
        parts.push(format!("({}{}{props})", n.var, labels_text(&n.labels)));
    }
    for r in &spec.rels {
        let props = r.props.as_ref().map(|p| format!(" {p}")).unwrap_or_default();
        parts.push(format!("(#{})-[{}:{}{props}]->(#{})", r.start, r.var, r.rel_type, r.end));
    }
    parts.join(", ")
}

fn write_op(out: &mut String, op: &LogicalOp, depth: usize) -> fmt::Result {
    use fmt::Write as _;
    let pad = "  ".repeat(depth);
    match op {
        LogicalOp::NodeScan { var, source, labels, props } => {
            let src = match source {
                ScanSource::All => "AllNodes".to_string(),
                ScanSource::Label(l) => format!("LabelIndex(:{l})"),
                ScanSource::Name(e) => format!("NameIndex({e})"),
            };
            writeln!(out, "{pad}NodeScan ({var}{}{}) via {src}", labels_text(labels), props_text(props))
        }
        LogicalOp::NodeCheck { var, labels, props } => {
            writeln!(out, "{pad}NodeCheck ({var}{}{})", labels_text(labels), props_text(props))
        }
        LogicalOp::Expand { from, rel, to, dir, types, props, to_bound, rel_bound, .. } => {
            let inner = format!("{rel}{}{}", types_text(types), props_text(props));
            let mode = match (to_bound, rel_bound) {
                (_, true) => " (bound relationship)",
                (true, false) => " (into)",
                _ => "",
            };
            writeln!(out, "{pad}Expand ({from}){}({to}){mode}", arrow(*dir, &inner))
        }
        LogicalOp::VarExpand { from, rel, to, dir, types, props, min, max, to_bound, rel_bound, .. } => {
            let inner = format!("{rel}{}{}{}", types_text(types), hops(*min, *max), props_text(props));
            let mode = match (to_bound, rel_bound) {
                (_, true) => " (bound relationships)",
                (true, false) => " (into)",
                _ => "",
            };
            writeln!(out, "{pad}VarExpand ({from}){}({to}){mode}", arrow(*dir, &inner))
        }
        LogicalOp::ShortestPath { from, to, path, dir, types, props, min, max, all, .. } => {
            let name = if *all { "AllShortestPaths" } else { "ShortestPath" };
            let inner = format!("{}{}{}", types_text(types), hops(*min, *max), props_text(props));
            writeln!(out, "{pad}{name} {path} = ({from}){}({to})", arrow(*dir, &inner))
        }
        LogicalOp::Filter(e) => writeln!(out, "{pad}Filter {e}"),
        LogicalOp::Bind(v, e) => writeln!(out, "{pad}Bind {v} = {e}"),
        LogicalOp::Optional { ops, .. } => {
            writeln!(out, "{pad}Optional")?;
            for op in ops {
                write_op(out, op, depth + 1)?;
            }
            Ok(())
        }
        LogicalOp::Project { names, items, keep } => {
            let keep = if *keep { " (keeping input)" } else { "" };
            let cols: Vec<String> = names
                .iter()
                .zip(items)
                .map(|(n, e)| {
                    let text = e.to_string();
                    if text == *n {
                        text
                    } else {
                        format!("{text} AS {n}")
                    }
                })
                .collect();
            writeln!(out, "{pad}Project {}{keep}", cols.join(", "))
        }
        LogicalOp::Aggregate { keys, aggs } => {
            let aggs: Vec<String> = aggs
                .iter()
                .map(|a| {
                    let d = if a.distinct { "DISTINCT " } else { "" };
                    match (&a.arg, a.func) {
                        (None, _) => "count(*)".to_string(),
                        (Some(e), f) => format!("{}({d}{e})", f.name()),
                    }
                })
                .collect();
            writeln!(out, "{pad}Aggregate keys [{}] aggregates [{}]", join(keys, ", "), aggs.join(", "))
        }
        LogicalOp::Distinct(n) => writeln!(out, "{pad}Distinct on {n} column(s)"),
        LogicalOp::Sort(keys) => {
            let k: Vec<String> = keys.iter().map(|(e, d)| format!("{e}{}", if *d { " DESC" } else { "" })).collect();
            writeln!(out, "{pad}Sort {}", k.join(", "))
        }
        LogicalOp::Skip(e) => writeln!(out, "{pad}Skip {e}"),
        LogicalOp::Limit(e) => writeln!(out, "{pad}Limit {e}"),
        LogicalOp::Truncate(n) => writeln!(out, "{pad}Truncate to {n} column(s)"),
        LogicalOp::Unwind(e, v) => writeln!(out, "{pad}Unwind {e} AS {v}"),
        LogicalOp::ProcedureCall { name, args, yields, .. } => {
            let taken: Vec<String> = yields.iter().map(|(i, v)| format!("#{i} AS {v}")).collect();
            writeln!(out, "{pad}ProcedureCall {name}({}) YIELD [{}]", join(args, ", "), taken.join(", "))
        }
        LogicalOp::Create(spec) => writeln!(out, "{pad}Create {}", create_text(spec)),
        LogicalOp::Merge { ops, create, on_create, on_match } => {
            writeln!(out, "{pad}Merge")?;
            for op in ops {
                write_op(out, op, depth + 1)?;
            }
            writeln!(out, "{pad}  on no match: Create {}", create_text(create))?;
            if !on_create.is_empty() {
                writeln!(
                    out,
                    "{pad}  on create: Set {}",
                    on_create.iter().map(set_item_text).collect::<Vec<_>>().join(", ")
                )?;
            }
            if !on_match.is_empty() {
                writeln!(
                    out,
                    "{pad}  on match: Set {}",
                    on_match.iter().map(set_item_text).collect::<Vec<_>>().join(", ")
                )?;
            }
            Ok(())
        }
        LogicalOp::Set(items) => {
            writeln!(out, "{pad}Set {}", items.iter().map(set_item_text).collect::<Vec<_>>().join(", "))
        }
        LogicalOp::Delete { exprs, detach } => {
            writeln!(out, "{pad}{}Delete {}", if *detach { "Detach" } else { "" }, join(exprs, ", "))
        }
        LogicalOp::Discard => writeln!(out, "{pad}Discard"),
        LogicalOp::TypeCounts { .. } => writeln!(out, "{pad}TypeCounts via TypeIndex"),
        LogicalOp::CountProduct { factors, .. } => {
            let f: Vec<String> = factors
                .iter()
                .map(|f| match f {
                    CountFactor::Nodes(None) => "()".to_string(),
                    CountFactor::Nodes(Some(l)) => format!("(:{l})"),
                    CountFactor::Rels(types) => format!("()-[{}]->()", types_text(types)),
                })
                .collect();
            writeln!(out, "{pad}CountProduct {} via counts", f.join(" × "))
        }
        LogicalOp::Degrees { var, source, dir, types, .. } => {
            let src = match source {
                ScanSource::Label(l) => format!(":{l}"),
                _ => String::new(),
            };
            writeln!(out, "{pad}Degrees ({var}{src}){}() via counts", arrow(*dir, &types_text(types)))
        }
        LogicalOp::Union { parts, all } => {
            writeln!(out, "{pad}Union{}", if *all { " All" } else { "" })?;
            for (i, part) in parts.iter().enumerate() {
                writeln!(out, "{pad}  part {}", i + 1)?;
                for op in part {
                    write_op(out, op, depth + 2)?;
                }
            }
            Ok(())
        }
    }
}

fn types_text(types: &[String]) -> String {
    if types.is_empty() {
        String::new()
    } else {
        format!(":{}", types.join("|"))
    }
}

/// Writes the operators, one per line, nested ones indented.
pub fn write_ops(out: &mut String, ops: &[LogicalOp], depth: usize) {
    for op in ops {
        let _ = write_op(out, op, depth);
    }
}

impl fmt::Display for LogicalOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_op(&mut s, self, 0)?;
        f.write_str(s.trim_end())
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_ops(&mut s, &self.ops, 0);
        f.write_str(&s)
    }
}
