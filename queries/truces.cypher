// Who has a truce with whom?
// TRUCE_BETWEEN is symmetric: stored once, so match it without a direction and keep one
// order of each pair.
// Run: kg run -g graphs/sahel.kg queries/truces.cypher
MATCH (a)-[t:TRUCE_BETWEEN]-(b)
WHERE id(a) < id(b)
RETURN a.name AS party, b.name AS other_party, t.mentions AS mentions
ORDER BY party, other_party;
