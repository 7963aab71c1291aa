//! Warnings about names a reading statement uses that the graph does not have: a label,
//! relationship type or property key no element carries, with the nearest name it does have
//! (as Neo4j's UnknownLabelWarning, UnknownRelationshipTypeWarning and UnknownPropertyKeyWarning).
//! A typo in `(:ArmedGruop)` otherwise reads as "0 rows" and makes the graph look empty.
//!
//! This is a lexical scan of the statement (strings and comments skipped, brackets tracked), not
//! a parse: it may miss a name in an unusual place, but each name it reports is written in the
//! statement. It takes the statement text and the graph and hands back warning lines; the
//! session decides whether to print them.

use super::meta::edit_distance;
use crate::graph::PropertyGraph;

/// A token of the scan: a name (plain or in backticks) or one punctuation character. Strings,
/// numbers and comments leave a placeholder so that neighbours stay apart.
#[derive(Clone, Debug, PartialEq)]
enum Token {
    Name(String),
    Punct(char),
    Other,
}

/// What an open bracket opened.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Bracket {
    /// `(`: a node pattern, a call's arguments or a parenthesised expression.
    Paren,
    /// `[` after `-`: a relationship pattern.
    Relationship,
    /// Any other `[`: a list, an index or a comprehension.
    List,
    /// `{`: a map, a property map of a pattern, or a subquery.
    Brace,
}

/// What kind of name a warning is about.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Label,
    Type,
    Key,
}

/// The warnings for `statement` on `graph`: one line per distinct unknown name, each saying
/// what no element has and, when one is close, the name meant. Nothing for an empty graph (every
/// name would be unknown) or a statement that may write (it may be creating the name).
pub fn unknown_names(statement: &str, graph: &PropertyGraph) -> Vec<String> {
    if graph.node_count() == 0 || super::script::may_write(statement) {
        return Vec::new();
    }
    let labels: Vec<&str> = graph.label_counts().map(|(l, _)| l).collect();
    let types: Vec<&str> = graph.rel_type_counts().map(|(t, _)| t).collect();
    let keys: Vec<&str> = graph.property_keys().collect();
    let mut warnings = Vec::new();
    for (kind, name) in names_used(&tokens(statement)) {
        let (known, what) = match kind {
            Kind::Label => (&labels, "no node has the label"),
            Kind::Type => (&types, "no relationship has the type"),
            Kind::Key => (&keys, "no node or relationship has the property"),
        };
        if known.contains(&name.as_str()) {
            continue;
        }
        let mut line = format!("warning: {what} '{name}'");
        if let Some(near) = nearest(&name, known) {
            line.push_str(&format!(" (did you mean '{near}'?)"));
        }
        if !warnings.contains(&line) {
            warnings.push(line);
        }
    }
    warnings
}

/// The known name closest to `name`, if it is close enough to be a slip of the keyboard.
fn nearest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_lowercase()), *k))
        .filter(|(d, k)| *d <= 2 || *d * 3 <= k.chars().count())
        .min()
        .map(|(_, k)| k)
}

fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '\'' || c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(Token::Other);
        } else if c == '`' {
            let start = i + 1;
            i = start;
            while i < chars.len() && chars[i] != '`' {
                i += 1;
            }
            out.push(Token::Name(chars[start..i.min(chars.len())].iter().collect()));
            i += 1;
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Other);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Name(chars[start..i].iter().collect()));
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    out
}

/// The labels, types and property keys the tokens name, in order.
fn names_used(tokens: &[Token]) -> Vec<(Kind, String)> {
    let mut used = Vec::new();
    let mut open: Vec<Bracket> = Vec::new();
    let name_at = |i: usize| match tokens.get(i) {
        Some(Token::Name(n)) => Some(n.clone()),
        _ => None,
    };
    let punct_at = |i: usize| match tokens.get(i) {
        Some(Token::Punct(c)) => Some(*c),
        _ => None,
    };
    for (i, token) in tokens.iter().enumerate() {
        let Token::Punct(c) = token else { continue };
        let before = i.checked_sub(1).and_then(punct_at);
        match c {
            '(' => open.push(Bracket::Paren),
            '[' if before == Some('-') => open.push(Bracket::Relationship),
            '[' => open.push(Bracket::List),
            '{' => open.push(Bracket::Brace),
            ')' | ']' | '}' => {
                open.pop();
            }
            ':' => {
                let top = open.last().copied();
                // `{key: value}` in a pattern names a property key; in other maps, a map key.
                if top == Some(Bracket::Brace) {
                    let below = open.len().checked_sub(2).map(|k| open[k]);
                    let in_pattern = matches!(below, Some(Bracket::Paren | Bracket::Relationship));
                    if let (true, Some(key)) = (in_pattern, i.checked_sub(1).and_then(name_at)) {
                        used.push((Kind::Key, key));
                    }
                    continue;
                }
                let Some(name) = name_at(i + 1) else { continue };
                match top {
                    Some(Bracket::Relationship) => used.push((Kind::Type, name)),
                    None | Some(Bracket::Paren) => used.push((Kind::Label, name)),
                    _ => {}
                }
            }
            '|' if open.last() == Some(&Bracket::Relationship) => {
                if let Some(name) = name_at(i + 1) {
                    used.push((Kind::Type, name));
                }
            }
            '.' => {
                let Some(key) = name_at(i + 1) else { continue };
                let after_value =
                    matches!(tokens.get(i.wrapping_sub(1)), Some(Token::Name(_) | Token::Punct(')' | ']')));
                // `date.truncate(…)` and `CALL db.labels()` name functions and procedures.
                let called = punct_at(i + 2) == Some('(') || follows_call(tokens, i);
                if after_value && !called {
                    used.push((Kind::Key, key));
                }
            }
            _ => {}
        }
    }
    used
}

/// Whether the dotted name around the `.` at `dot` follows `CALL`.
fn follows_call(tokens: &[Token], dot: usize) -> bool {
    let mut k = dot;
    while k >= 2 && matches!(tokens.get(k - 1), Some(Token::Name(_))) && tokens.get(k - 2) == Some(&Token::Punct('.')) {
        k -= 2;
    }
    matches!(k.checked_sub(2).and_then(|j| tokens.get(j)), Some(Token::Name(w)) if w.eq_ignore_ascii_case("CALL"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Value;

    fn graph() -> PropertyGraph {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["ArmedGroup"], [("name", Value::from("JNIM"))]).unwrap();
        let b = g.add_node(["Force"], [("name", Value::from("Malian army"))]).unwrap();
        g.add_relationship(a, b, "ATTACKED", [("mentions", Value::Int(1))]).unwrap();
        g
    }

    #[test]
    fn names_a_misspelled_label_type_and_key_with_the_one_meant() {
        let g = graph();
        assert_eq!(
            unknown_names("MATCH (g:ArmedGruop)-[:ATTACK]->(f {nmae: 'x'}) RETURN f.mentoins", &g),
            [
                "warning: no node has the label 'ArmedGruop' (did you mean 'ArmedGroup'?)",
                "warning: no relationship has the type 'ATTACK' (did you mean 'ATTACKED'?)",
                "warning: no node or relationship has the property 'nmae' (did you mean 'name'?)",
                "warning: no node or relationship has the property 'mentoins' (did you mean 'mentions'?)",
            ]
        );
        assert_eq!(unknown_names("MATCH (n) WHERE n:Sheep RETURN n", &g), ["warning: no node has the label 'Sheep'"]);
        assert_eq!(unknown_names("MATCH ()-[r:ATTACKED|ALLIED]-() RETURN r", &g).len(), 1);
    }

    #[test]
    fn leaves_known_names_strings_maps_functions_and_writes_alone() {
        let g = graph();
        for ok in [
            "MATCH (g:ArmedGroup {name: 'Nope:Label'})-[r:ATTACKED]->(f:`Force`) RETURN g.name, r.mentions",
            "RETURN {nmae: 1} AS m, [x IN [1, 2] WHERE x > 1.5 | x] AS l, date.truncate('month', date()) AS d",
            "CALL db.labels() YIELD label RETURN label // n.nope, (:Nope)",
            "MATCH p = (a)-[*1..2]->(b) RETURN length(p) /* :Nope */",
            "CREATE (:Sheep {wool: 1})",
            "MATCH (n:Sheep) SET n.wool = 2",
        ] {
            assert_eq!(unknown_names(ok, &g), Vec::<String>::new(), "{ok}");
        }
        assert!(unknown_names("MATCH (n:Nope) RETURN n", &PropertyGraph::new()).is_empty());
    }
}
