// Portfolio systems the document relates to nothing
MATCH (rev:Revision {current: true})
MATCH (s:System {revision: rev.revision})
WHERE NOT (s)--()
RETURN s.name AS system, s.line AS line, s.description AS description
