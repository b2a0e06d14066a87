// Single points of failure (approximation)
// For each node: how many others lose it through HARD dependencies that have no alternative (no alt_group).
// It ignores scope and soft degradation; graph.analysis gives the exact impact.
MATCH (rev:Revision {current: true})
MATCH (t:Node {revision: rev.revision})
MATCH (a:Node {revision: rev.revision})-[rs*1..]->(t)
WHERE all(r IN rs WHERE r.strength = 'hard' AND r.alt_group IS NULL)
WITH t, count(DISTINCT a) AS taken_down
RETURN t.name AS node, [l IN labels(t) WHERE l <> 'Node'] AS kind, taken_down
ORDER BY taken_down DESC, node
LIMIT 10
