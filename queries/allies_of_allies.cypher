// Niger's allies, then the allies of its allies that are not its allies already.
// ALLIED_WITH is symmetric: match it without a direction.
// Run: kg run -g graphs/sahel.kg queries/allies_of_allies.cypher
:param actor 'Niger'

MATCH (a {name: $actor})-[:ALLIED_WITH]-(ally)
RETURN DISTINCT ally.name AS ally
ORDER BY ally;

MATCH (a {name: $actor})-[:ALLIED_WITH]-(ally)-[:ALLIED_WITH]-(far)
WHERE far <> a AND NOT (a)-[:ALLIED_WITH]-(far)
RETURN DISTINCT ally.name AS through, far.name AS ally_of_ally
ORDER BY through, ally_of_ally;
