// Who attacked the Malian army, and how often do the sources say so?
// Run: kg run -g graphs/sahel.kg queries/attacks_on_malian_army.cypher
MATCH (attacker)-[r:ATTACKED]->(:Force {name: 'Malian army'})
RETURN attacker.name AS attacker, labels(attacker) AS kind, r.mentions AS mentions
ORDER BY mentions DESC, attacker;
