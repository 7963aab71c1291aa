//! The TCK's value notation for expected result cells and parameters — `null`, `true`, `42`,
//! `1.5e3`, `NaN`, `'str'`, `[1, 2]`, `{k: v}`, nodes `(:L {k: v})`, relationships `[:T {k: v}]`,
//! paths `<(:A)-[:T]->(:B)>` — parsed into [`Expected`], and the structural comparison of an
//! expected value with an actual [`Value`]: nodes by label set and properties, relationships by
//! type and properties, paths hop by hop with direction, floats within a relative tolerance.

use std::collections::{BTreeMap, BTreeSet};

use kgraph::graph::{NodeValue, PathValue, RelationshipValue, Value};

/// An expected value as the TCK writes it (no identities).
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// `42`
    Int(i64),
    /// `1.0`, `NaN`, `Inf`
    Float(f64),
    /// `'text'`
    Str(String),
    /// `[a, b]`
    List(Vec<Expected>),
    /// `{k: v}`
    Map(BTreeMap<String, Expected>),
    /// `(:A:B {k: v})`
    Node(ExpectedNode),
    /// `[:T {k: v}]`
    Rel(ExpectedRel),
    /// `<(a)-[r]->(b)…>`: the first node, then (relationship, points forward, next node).
    Path(ExpectedNode, Vec<(ExpectedRel, bool, ExpectedNode)>),
}

/// A node: labels as a set, properties.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedNode {
    /// Labels, order-insensitive.
    pub labels: BTreeSet<String>,
    /// Properties.
    pub props: BTreeMap<String, Expected>,
}

/// A relationship: type and properties.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedRel {
    /// The one type.
    pub rel_type: String,
    /// Properties.
    pub props: BTreeMap<String, Expected>,
}

/// Parses one cell (already Gherkin-unescaped).
///
/// # Errors
/// A message naming the position when the text is not TCK value notation.
pub fn parse_value(text: &str) -> Result<Expected, String> {
    let mut p = Parser { s: text.as_bytes(), src: text, i: 0 };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("unexpected {:?} at {} in {text:?}", &text[p.i..], p.i));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.s.get(self.i + k).copied()
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("expected {what} at {} in {:?}", self.i, self.src))
    }

    fn eat(&mut self, c: u8) -> Result<(), String> {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            self.err(&format!("{:?}", c as char))
        }
    }

    fn rest_starts(&self, word: &str) -> bool {
        self.src[self.i..].starts_with(word)
    }

    fn value(&mut self) -> Result<Expected, String> {
        self.ws();
        match self.peek() {
            None => self.err("a value"),
            Some(b'\'') | Some(b'"') => Ok(Expected::Str(self.string()?)),
            Some(b'[') => {
                let mut k = 1;
                while self.peek_at(k).is_some_and(|c| c.is_ascii_whitespace()) {
                    k += 1;
                }
                if self.peek_at(k) == Some(b':') {
                    Ok(Expected::Rel(self.rel()?))
                } else {
                    self.list()
                }
            }
            Some(b'{') => Ok(Expected::Map(self.map()?)),
            Some(b'(') => Ok(Expected::Node(self.node()?)),
            Some(b'<') => self.path(),
            _ => self.scalar(),
        }
    }

    fn scalar(&mut self) -> Result<Expected, String> {
        for (word, v) in [
            ("null", Expected::Null),
            ("true", Expected::Bool(true)),
            ("false", Expected::Bool(false)),
            ("NaN", Expected::Float(f64::NAN)),
            ("-Infinity", Expected::Float(f64::NEG_INFINITY)),
            ("Infinity", Expected::Float(f64::INFINITY)),
            ("-Inf", Expected::Float(f64::NEG_INFINITY)),
            ("Inf", Expected::Float(f64::INFINITY)),
        ] {
            if self.rest_starts(word) && !self.s.get(self.i + word.len()).is_some_and(|c| c.is_ascii_alphanumeric()) {
                self.i += word.len();
                return Ok(v);
            }
        }
        let start = self.i;
        if matches!(self.peek(), Some(b'-') | Some(b'+')) {
            self.i += 1;
        }
        let mut float = false;
        while let Some(c) = self.peek() {
            match c {
                b'0'..=b'9' => {}
                b'.' | b'e' | b'E' => float = true,
                b'-' | b'+' if matches!(self.s[self.i - 1], b'e' | b'E') => {}
                _ => break,
            }
            self.i += 1;
        }
        let text = &self.src[start..self.i];
        if text.is_empty() || text == "-" || text == "+" {
            return self.err("a value");
        }
        if float {
            text.parse::<f64>().map(Expected::Float).map_err(|e| format!("bad float {text:?}: {e}"))
        } else {
            text.parse::<i64>().map(Expected::Int).map_err(|e| format!("bad integer {text:?}: {e}"))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let Some(quote) = self.peek() else { return self.err("a string") };
        self.i += 1;
        let mut out = String::new();
        let mut chars = self.src[self.i..].char_indices();
        while let Some((k, c)) = chars.next() {
            if c as u32 == u32::from(quote) {
                self.i += k + 1;
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else { break };
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                '0' => out.push('\0'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                    let c = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                    out.push(c.ok_or_else(|| format!("bad \\u escape in {:?}", self.src))?);
                }
                other => out.push(other),
            }
        }
        self.err("a closing quote")
    }

    fn list(&mut self) -> Result<Expected, String> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Expected::List(items));
        }
        loop {
            items.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Expected::List(items));
                }
                _ => return self.err("',' or ']'"),
            }
        }
    }

    fn name(&mut self) -> Result<String, String> {
        self.ws();
        if self.peek() == Some(b'`') {
            self.i += 1;
            let end = self.src[self.i..].find('`').ok_or_else(|| format!("unclosed backtick in {:?}", self.src))?;
            let n = self.src[self.i..self.i + end].to_string();
            self.i += end + 1;
            return Ok(n);
        }
        let start = self.i;
        for c in self.src[self.i..].chars() {
            if c.is_alphanumeric() || c == '_' {
                self.i += c.len_utf8();
            } else {
                break;
            }
        }
        if start == self.i {
            return self.err("a name");
        }
        Ok(self.src[start..self.i].to_string())
    }

    fn map(&mut self) -> Result<BTreeMap<String, Expected>, String> {
        self.eat(b'{')?;
        let mut m = BTreeMap::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(m);
        }
        loop {
            let k = self.name()?;
            self.eat(b':')?;
            let v = self.value()?;
            m.insert(k, v);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(m);
                }
                _ => return self.err("',' or '}'"),
            }
        }
    }

    fn props(&mut self) -> Result<BTreeMap<String, Expected>, String> {
        self.ws();
        if self.peek() == Some(b'{') {
            self.map()
        } else {
            Ok(BTreeMap::new())
        }
    }

    fn node(&mut self) -> Result<ExpectedNode, String> {
        self.eat(b'(')?;
        let mut labels = BTreeSet::new();
        loop {
            self.ws();
            if self.peek() != Some(b':') {
                break;
            }
            self.i += 1;
            labels.insert(self.name()?);
        }
        let props = self.props()?;
        self.eat(b')')?;
        Ok(ExpectedNode { labels, props })
    }

    fn rel(&mut self) -> Result<ExpectedRel, String> {
        self.eat(b'[')?;
        self.eat(b':')?;
        let rel_type = self.name()?;
        let props = self.props()?;
        self.eat(b']')?;
        Ok(ExpectedRel { rel_type, props })
    }

    fn path(&mut self) -> Result<Expected, String> {
        self.eat(b'<')?;
        let first = self.node()?;
        let mut hops = Vec::new();
        loop {
            self.ws();
            match self.peek() {
                Some(b'>') => {
                    self.i += 1;
                    return Ok(Expected::Path(first, hops));
                }
                Some(b'-') => {
                    self.i += 1;
                    let rel = self.rel()?;
                    self.eat(b'-')?;
                    let forward = self.peek() == Some(b'>');
                    if forward {
                        self.i += 1;
                    }
                    hops.push((rel, forward, self.node()?));
                }
                Some(b'<') => {
                    self.i += 1;
                    self.eat(b'-')?;
                    let rel = self.rel()?;
                    self.eat(b'-')?;
                    hops.push((rel, false, self.node()?));
                }
                _ => return self.err("'-', '<-' or '>' in a path"),
            }
        }
    }
}

/// Converts a parameter value to a [`Value`] (graph elements cannot be parameters here).
///
/// # Errors
/// When the value holds a node, relationship or path.
pub fn to_value(e: &Expected) -> Result<Value, String> {
    Ok(match e {
        Expected::Null => Value::Null,
        Expected::Bool(b) => Value::Bool(*b),
        Expected::Int(i) => Value::Int(*i),
        Expected::Float(f) => Value::Float(*f),
        Expected::Str(s) => Value::String(s.clone()),
        Expected::List(items) => Value::List(items.iter().map(to_value).collect::<Result<_, _>>()?),
        Expected::Map(m) => {
            Value::Map(m.iter().map(|(k, v)| Ok((k.clone(), to_value(v)?))).collect::<Result<_, String>>()?)
        }
        other => return Err(format!("a graph element cannot be a parameter: {other:?}")),
    })
}

/// Floats are equal when both are NaN, or equal within a relative 1e-9 (the TCK prints floats
/// rounded by the implementation that produced them).
pub fn float_eq(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a == b {
        return true;
    }
    if a.is_infinite() || b.is_infinite() {
        return false;
    }
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// Whether `actual` matches `expected` structurally; with `unordered_lists`, lists compare as
/// multisets at every depth.
pub fn matches(expected: &Expected, actual: &Value, unordered_lists: bool) -> bool {
    match (expected, actual) {
        (Expected::Null, Value::Null) => true,
        (Expected::Bool(a), Value::Bool(b)) => a == b,
        (Expected::Int(a), Value::Int(b)) => a == b,
        (Expected::Float(a), Value::Float(b)) => float_eq(*a, *b),
        (Expected::Str(a), Value::String(b)) => a == b,
        // The TCK writes temporal results as their ISO 8601 strings.
        (Expected::Str(a), Value::Temporal(t)) => *a == t.to_string(),
        (Expected::List(a), Value::List(b)) => {
            if a.len() != b.len() {
                return false;
            }
            if unordered_lists {
                multiset_match(a, b, |e, v| matches(e, v, true))
            } else {
                a.iter().zip(b).all(|(e, v)| matches(e, v, false))
            }
        }
        (Expected::Map(a), Value::Map(b)) => props_match(a, b, unordered_lists),
        (Expected::Node(n), Value::Node(v)) => node_matches(n, v, unordered_lists),
        (Expected::Rel(r), Value::Relationship(v)) => rel_matches(r, v, unordered_lists),
        (Expected::Path(first, hops), Value::Path(p)) => path_matches(first, hops, p, unordered_lists),
        _ => false,
    }
}

/// Whether every expected item can be paired with a distinct actual item: a maximum bipartite
/// matching (augmenting paths), so neither an early greedy choice nor many duplicates can
/// mislead it.
pub fn multiset_match<E, A>(expected: &[E], actual: &[A], eq: impl Fn(&E, &A) -> bool) -> bool {
    if expected.len() != actual.len() {
        return false;
    }
    let adj: Vec<Vec<usize>> = expected
        .iter()
        .map(|e| actual.iter().enumerate().filter(|(_, a)| eq(e, a)).map(|(j, _)| j).collect())
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; actual.len()];
    fn augment(i: usize, adj: &[Vec<usize>], owner: &mut [Option<usize>], seen: &mut [bool]) -> bool {
        for &j in &adj[i] {
            if seen[j] {
                continue;
            }
            seen[j] = true;
            if owner[j].is_none_or(|k| augment(k, adj, owner, seen)) {
                owner[j] = Some(i);
                return true;
            }
        }
        false
    }
    (0..expected.len()).all(|i| augment(i, &adj, &mut owner, &mut vec![false; actual.len()]))
}

fn props_match(e: &BTreeMap<String, Expected>, a: &BTreeMap<String, Value>, ul: bool) -> bool {
    e.len() == a.len() && e.iter().all(|(k, v)| a.get(k).is_some_and(|x| matches(v, x, ul)))
}

fn node_matches(e: &ExpectedNode, a: &NodeValue, ul: bool) -> bool {
    let labels: BTreeSet<String> = a.labels.iter().cloned().collect();
    e.labels == labels && a.labels.len() == labels.len() && props_match(&e.props, &a.properties, ul)
}

fn rel_matches(e: &ExpectedRel, a: &RelationshipValue, ul: bool) -> bool {
    e.rel_type == a.rel_type && props_match(&e.props, &a.properties, ul)
}

fn path_matches(first: &ExpectedNode, hops: &[(ExpectedRel, bool, ExpectedNode)], p: &PathValue, ul: bool) -> bool {
    if p.nodes.len() != hops.len() + 1 || p.relationships.len() != hops.len() {
        return false;
    }
    if !node_matches(first, &p.nodes[0], ul) {
        return false;
    }
    hops.iter().enumerate().all(|(i, (er, forward, en))| {
        let r = &p.relationships[i];
        let (from, to) = (p.nodes[i].id, p.nodes[i + 1].id);
        let dir_ok = if *forward { r.start == from && r.end == to } else { r.start == to && r.end == from };
        dir_ok && rel_matches(er, r, ul) && node_matches(en, &p.nodes[i + 1], ul)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: u64, labels: &[&str], props: &[(&str, Value)]) -> NodeValue {
        NodeValue {
            id,
            labels: labels.iter().map(|l| l.to_string()).collect(),
            properties: props.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        }
    }

    fn rel(id: u64, t: &str, start: u64, end: u64) -> RelationshipValue {
        RelationshipValue { id, rel_type: t.into(), start, end, properties: BTreeMap::new() }
    }

    fn ok(text: &str) -> Expected {
        parse_value(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn scalars() {
        assert_eq!(ok("null"), Expected::Null);
        assert_eq!(ok(" true "), Expected::Bool(true));
        assert_eq!(ok("-9223372036854775808"), Expected::Int(i64::MIN));
        assert_eq!(ok("1.0"), Expected::Float(1.0));
        assert_eq!(ok("-1e-305"), Expected::Float(-1e-305));
        assert_eq!(ok("1.2635418652381264e305"), Expected::Float(1.2635418652381264e305));
        assert!(matches!(ok("NaN"), Expected::Float(f) if f.is_nan()));
        assert_eq!(ok("-Inf"), Expected::Float(f64::NEG_INFINITY));
        assert_eq!(ok(r"'\nFoo\n'"), Expected::Str("\nFoo\n".into()));
        assert_eq!(ok(r"'\''"), Expected::Str("'".into()));
        // Literals6 [5] after Gherkin unescaping.
        assert_eq!(ok(r#"'a\\bcn5t\'"\\//\\"\''"#), Expected::Str(r#"a\bcn5t'"\//\"'"#.into()));
        assert_eq!(ok("'ab: c, as#?lßdj '"), Expected::Str("ab: c, as#?lßdj ".into()));
        assert!(parse_value("1 2").is_err());
        assert!(parse_value("'open").is_err());
        assert!(parse_value("").is_err());
        assert!(parse_value("99999999999999999999").is_err());
    }

    #[test]
    fn lists_maps_nodes_rels() {
        assert_eq!(ok("[]"), Expected::List(vec![]));
        assert_eq!(ok("[null, 2]"), Expected::List(vec![Expected::Null, Expected::Int(2)]));
        let m = ok("{k: 'ab: c, x', `a b`: [1]}");
        let Expected::Map(m) = m else { panic!("map expected") };
        assert_eq!(m["k"], Expected::Str("ab: c, x".into()));
        assert_eq!(m["a b"], Expected::List(vec![Expected::Int(1)]));
        assert_eq!(ok("()"), Expected::Node(ExpectedNode { labels: BTreeSet::new(), props: BTreeMap::new() }));
        let Expected::Node(n) = ok("(:B:A {name: 'A'})") else { panic!("node expected") };
        assert_eq!(n.labels.iter().collect::<Vec<_>>(), ["A", "B"]);
        let Expected::List(l) = ok("[[:REL {num: 1}], [:REL {num: 2}]]") else { panic!("list expected") };
        assert!(matches!(&l[0], Expected::Rel(r) if r.rel_type == "REL"));
        assert!(matches!(ok("{node1: (:A), rel: [:T]}"), Expected::Map(_)));
    }

    #[test]
    fn paths() {
        let Expected::Path(first, hops) = ok("<(:A)<-[:T2]-(:B)-[:T1 {x: 1}]->()>") else { panic!("path") };
        assert!(first.labels.contains("A"));
        assert_eq!(hops.len(), 2);
        assert!(!hops[0].1);
        assert!(hops[1].1);
        assert!(matches!(ok("<()>"), Expected::Path(_, h) if h.is_empty()));
    }

    #[test]
    fn comparison_is_structural() {
        assert!(matches(&ok("1"), &Value::Int(1), false));
        assert!(!matches(&ok("1"), &Value::Float(1.0), false));
        assert!(!matches(&ok("1.0"), &Value::Int(1), false));
        assert!(matches(&ok("0.1"), &Value::Float(0.1 + 1e-17), false));
        assert!(matches(&ok("NaN"), &Value::Float(f64::NAN), false));
        assert!(!matches(&ok("NaN"), &Value::Float(1.0), false));
        let l = Value::List(vec![Value::Int(2), Value::Int(1)]);
        assert!(!matches(&ok("[1, 2]"), &l, false));
        assert!(matches(&ok("[1, 2]"), &l, true));
        assert!(!matches(&ok("[1, 1]"), &l, true));
        let n = Value::Node(Box::new(node(3, &["B", "A"], &[("num", Value::Int(1))])));
        assert!(matches(&ok("(:A:B {num: 1})"), &n, false));
        assert!(!matches(&ok("(:A {num: 1})"), &n, false));
        assert!(!matches(&ok("(:A:B)"), &n, false));
        assert!(!matches(&ok("[:A]"), &n, false));
    }

    #[test]
    fn path_direction_matters() {
        let a = node(0, &["A"], &[]);
        let b = node(1, &["B"], &[]);
        let p = Value::Path(Box::new(PathValue {
            nodes: vec![a.clone(), b.clone()],
            relationships: vec![rel(5, "T", 0, 1)],
        }));
        assert!(matches(&ok("<(:A)-[:T]->(:B)>"), &p, false));
        assert!(!matches(&ok("<(:A)<-[:T]-(:B)>"), &p, false));
        assert!(!matches(&ok("<(:B)-[:T]->(:A)>"), &p, false));
        let back = Value::Path(Box::new(PathValue { nodes: vec![a, b], relationships: vec![rel(5, "T", 1, 0)] }));
        assert!(matches(&ok("<(:A)<-[:T]-(:B)>"), &back, false));
    }

    #[test]
    fn multiset_backtracks() {
        let e = [1, 2];
        let a = [2, 1];
        assert!(multiset_match(&e, &a, |x, y| x == y));
        // A greedy pairing of "any" with 1 first would strand the exact 1.
        let e = [None, Some(1)];
        let a = [1, 2];
        assert!(multiset_match(&e, &a, |x: &Option<i32>, y| x.is_none_or(|v| v == *y)));
        assert!(!multiset_match(&[1], &[1, 1], |x, y| x == y));
    }

    #[test]
    fn parameters_convert() {
        assert_eq!(to_value(&ok("[1, 'a', {k: null}]")).map(|v| v.to_string()), Ok("[1, 'a', {k: null}]".to_string()));
        assert!(to_value(&ok("(:A)")).is_err());
    }
}
