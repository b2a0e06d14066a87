// Inferred edges to review, with the phrase they were read from
MATCH (rev:Revision {current: true})
MATCH (a:Node {revision: rev.revision})-[r {confidence: 'inferred'}]->(b:Node {revision: rev.revision})
RETURN a.name AS source, type(r) AS relation, b.name AS target, r.rule AS rule, r.line AS line, r.evidence AS evidence
ORDER BY line, source
