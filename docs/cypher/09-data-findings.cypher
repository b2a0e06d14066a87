// Data-quality findings, with the nodes they are about
MATCH (rev:Revision {current: true})
MATCH (f:Finding {revision: rev.revision})
OPTIONAL MATCH (n:Node {revision: rev.revision}) WHERE n.id IN f.nodes
RETURN f.seq AS seq, f.code AS code, f.line AS line, collect(n.name) AS nodes, f.message AS finding
ORDER BY seq
