// Who uses Tjenesteportal for helseaktør
// Direct users, and the actors who reach a system through the portal (USES then ACCESSED_VIA).
MATCH (rev:Revision {current: true})
MATCH (portal:Node {id: 'tjenesteportal-for-helseaktor', revision: rev.revision})
MATCH p = (user:Node {revision: rev.revision})-[:USES|ACCESSED_VIA*1..2]->(portal)
RETURN p
