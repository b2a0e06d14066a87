// The loaded revision: document, counts and when it was loaded
MATCH (r:Revision)
RETURN r.revision AS revision, r.current AS current, r.document AS document,
       r.nodes AS nodes, r.edges AS edges, r.findings AS findings, r.loaded_at AS loaded_at
