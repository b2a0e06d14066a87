// What breaks if hINT is down
// Impact = ancestors: everything with a dependency path INTO hINT (A -> B means A depends on B), over stated and
// curated edges as the default answer is (drop the WHERE to see the possible ones through inferred edges too).
// The pattern is directed and of any length; only rows of the current revision are read.
MATCH (rev:Revision {current: true})
MATCH (down:Node {id: 'hint', revision: rev.revision})
MATCH p = (impacted:Node {revision: rev.revision})-[*1..]->(down)
WHERE all(r IN relationships(p) WHERE r.confidence <> 'inferred')
RETURN p
