// Cross-source dependencies: one organisation's document names something another organisation's describes
// Load several sources first (eagraph load --portfolio examples/portfolio.yaml). Each row is an edge read from
// one document whose target is an entry of another document: where an outage crosses from one portfolio to
// another. Stated and curated edges, current revision only.
MATCH (rev:Revision {current: true})
MATCH (a:Node {revision: rev.revision})-[r]->(b:Node {revision: rev.revision})
WHERE r.revision = rev.revision AND r.confidence <> 'inferred'
  AND b.entry IS NOT NULL AND r.document <> b.document
RETURN a.name AS dependent, type(r) AS relation, b.name AS depends_on,
       r.document AS stated_in, b.document AS described_in, r.evidence AS evidence
ORDER BY depends_on, dependent
