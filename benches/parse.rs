//! Parser speed: `cargo bench --bench parse`. Typical analyst queries should parse in
//! microseconds; a long generated CREATE script shows the parser stays linear in its input.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kgraph::query::parse_query;

const TYPICAL: &[(&str, &str)] = &[
    ("point", "MATCH (n:ArmedGroup {name: 'JNIM'}) RETURN n.name, n.aliases"),
    (
        "attackers",
        "MATCH (a)-[r:ATTACKED]->(b {name: 'Malian army'}) WHERE r.mentions > 1 \
         RETURN a.name AS attacker, count(*) AS n ORDER BY n DESC LIMIT 10",
    ),
    (
        "allies_of_allies",
        "MATCH (a {name: $name})-[:ALLIED_WITH]-(b)-[:ALLIED_WITH]-(c) WHERE c <> a AND NOT (a)-[:ALLIED_WITH]-(c) \
         RETURN DISTINCT c.name ORDER BY c.name",
    ),
    (
        "shortest",
        "MATCH p = shortestPath((a {name: 'JNIM'})-[*..6]-(b {name: 'Wagner Group'})) \
         RETURN [n IN nodes(p) | n.name] AS names, length(p) AS hops",
    ),
    (
        "arabic",
        "MATCH (n) WHERE n.name_ar = 'جماعة نصرة الإسلام والمسلمين' OR 'جنيم' IN n.aliases \
         RETURN n {.name, .name_ar, degree: size([(n)--() | 1])}",
    ),
];

fn long_create(n: usize) -> String {
    let mut q = String::from("CREATE ");
    for i in 0..n {
        if i > 0 {
            q.push_str(", ");
        }
        q.push_str(&format!("(n{i}:Node {{id: {i}, name: 'node {i}', tags: ['a', 'b']}})-[:R {{w: {i}.5}}]->(m{i})"));
    }
    q
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse/typical");
    for (name, query) in TYPICAL {
        group.bench_with_input(BenchmarkId::from_parameter(name), query, |b, q| b.iter(|| parse_query(q)));
    }
    group.finish();
    let mut group = c.benchmark_group("parse/create");
    for n in [10, 100, 1000] {
        let q = long_create(n);
        group.throughput(Throughput::Bytes(q.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &q, |b, q| b.iter(|| parse_query(q)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
