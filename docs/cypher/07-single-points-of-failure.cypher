// Single points of failure (approximation)
// For each node: how many systems (not actors: organisations lose capabilities, they do not go down) it takes
// down through HARD, stated or curated, live dependencies that have no alternative (no alt_group); a batch flow
// only delays. It ignores scope and soft degradation; graph.analysis gives the exact impact.
MATCH (rev:Revision {current: true})
MATCH (t:Node {revision: rev.revision}) WHERE NOT t:Actor
MATCH (a:Node {revision: rev.revision})-[rs*1..]->(t)
WHERE NOT a:Actor
  AND all(r IN rs WHERE r.strength = 'hard' AND r.alt_group IS NULL AND r.confidence <> 'inferred'
                    AND coalesce(r.mode, 'live') <> 'batch')
WITH t, count(DISTINCT a) AS taken_down
RETURN t.name AS node, [l IN labels(t) WHERE l <> 'Node'] AS kind, taken_down
ORDER BY taken_down DESC, node
LIMIT 10
