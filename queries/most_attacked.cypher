// The most attacked targets: how many distinct actors attacked each, and how many mentions
// the sources give.
// Run: kg run -g graphs/sahel.kg queries/most_attacked.cypher
MATCH (attacker)-[r:ATTACKED]->(target)
RETURN target.name AS target, count(DISTINCT attacker) AS attackers, sum(r.mentions) AS mentions
ORDER BY attackers DESC, mentions DESC, target
LIMIT 10;
