// A Graphviz diagram of every attack: writes sahel-attacks.dot in the current directory.
// Render it with: dot -Tsvg sahel-attacks.dot -o sahel-attacks.svg
// Run: kg run -g graphs/sahel.kg queries/attack_diagram.cypher
:export dot sahel-attacks.dot MATCH p = (a)-[:ATTACKED]->(b) RETURN p

MATCH (a)-[r:ATTACKED]->(b)
RETURN count(r) AS attacks_drawn, count(DISTINCT a) AS attackers, count(DISTINCT b) AS targets;
