// Websites hosted on DIP, and what DIP itself rests on
MATCH (rev:Revision {current: true})
MATCH (dip:Node {id: 'dip', revision: rev.revision})
MATCH p = (:Website {revision: rev.revision})-[:HOSTED_ON]->(dip)
OPTIONAL MATCH q = (dip)-[:BUILT_ON|EXPOSES_VIA]->(:Node)
RETURN p, q
