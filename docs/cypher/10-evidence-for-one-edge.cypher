// Evidence for one edge: why does Praksisinfo depend on Tjenesteportal?
MATCH (rev:Revision {current: true})
MATCH (a:Node {id: 'praksisinfo', revision: rev.revision})-[r]->(b:Node {id: 'tjenesteportal-for-helseaktor', revision: rev.revision})
RETURN a.name AS source, type(r) AS relation, b.name AS target, r.evidence AS evidence,
       r.document + ':' + toString(r.line) AS source_line, r.confidence AS confidence, r.strength AS strength,
       r.scope AS only_for_actors, r.rule AS rule
