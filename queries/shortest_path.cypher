// The shortest chain of relations between two actors, whatever their types and directions.
// Change the two names with :param to ask about another pair.
// Run: kg run -g graphs/sahel.kg queries/shortest_path.cypher
:param from 'Ansarul Islam'
:param to 'Wagner Group'

MATCH p = shortestPath((a {name: $from})-[*..6]-(b {name: $to}))
RETURN [n IN nodes(p) | n.name] AS chain,
       [r IN relationships(p) | type(r)] AS links,
       length(p) AS hops;
