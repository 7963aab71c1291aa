// What does each group control?
// Run: kg run -g graphs/sahel.kg queries/control.cypher
MATCH (g)-[:CONTROLS]->(place)
RETURN g.name AS actor, collect(place.name) AS controls, count(place) AS places
ORDER BY places DESC, actor;
