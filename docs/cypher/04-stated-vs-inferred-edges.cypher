// Stated vs curated vs inferred edges, per relation type
// stated: a sentence says it; curated: the overlay says it; inferred: a rule derived it from a collective phrase.
MATCH (rev:Revision {current: true})
MATCH (:Node {revision: rev.revision})-[r]->(:Node {revision: rev.revision})
RETURN type(r) AS relation,
       count(CASE r.confidence WHEN 'stated' THEN 1 END) AS stated,
       count(CASE r.confidence WHEN 'curated' THEN 1 END) AS curated,
       count(CASE r.confidence WHEN 'inferred' THEN 1 END) AS inferred
ORDER BY relation
