// Alternatives groups
// Edges of one source sharing an alt_group are alternatives: the group is lost only when every member is.
MATCH (rev:Revision {current: true})
MATCH p = (s:Node {revision: rev.revision})-[r]->(t:Node {revision: rev.revision})
WHERE r.alt_group IS NOT NULL
RETURN p
