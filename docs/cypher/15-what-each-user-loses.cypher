// What each user loses if Tjenesteportal for helseaktør is down
// Actors do not go down: they lose what they use a system for, when that system depends (over stated and
// curated edges) on what is down; an edge scoped to some users (access via a portal) counts only for them.
// The capability is the purpose the document gives ("for å se og vedlikeholde praksisinformasjon");
// graph.analysis gives the exact states, with alternatives and soft dependencies.
MATCH (rev:Revision {current: true})
MATCH (down:Node {id: 'tjenesteportal-for-helseaktor', revision: rev.revision})
MATCH (actor:Actor {revision: rev.revision})-[u:USES]->(system:Node {revision: rev.revision})
WHERE system = down
   OR EXISTS {
        MATCH p = (system)-[*1..]->(down)
        WHERE all(r IN relationships(p) WHERE r.confidence <> 'inferred'
                  AND (r.scope IS NULL OR size(r.scope) = 0 OR actor.id IN r.scope))
      }
RETURN actor.name AS actor, system.name AS through,
       coalesce(u.capability, '(the document does not say what for)') AS loses
ORDER BY actor, through
