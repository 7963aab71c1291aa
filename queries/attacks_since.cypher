// Attacks since a date, newest first, with how precisely the source dates them; then a Graphviz
// diagram of the same attacks in attacks-since.dot (current directory). `:param since date(...)`
// changes the date of the table.
// Run: kg run -g graphs/sahel.kg queries/attacks_since.cypher
:param since date('2022-06-01')
MATCH (a)-[r:ATTACKED]->(b)
WHERE r.date >= $since
RETURN r.date AS date, r.date_precision AS precision, a.name AS attacker, b.name AS target
ORDER BY date DESC, attacker, target;
:export dot attacks-since.dot MATCH p = ()-[r:ATTACKED]->() WHERE r.date >= date('2022-06-01') RETURN p
