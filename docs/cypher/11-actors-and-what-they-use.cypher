// Actors and what they use
MATCH (rev:Revision {current: true})
MATCH p = (:Actor {revision: rev.revision})-[:USES]->(:Node)
RETURN p
