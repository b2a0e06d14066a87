// What Praksisinfo depends on
// Dependencies = descendants: every directed path OUT of Praksisinfo (its portal, the portal's logins …).
MATCH (rev:Revision {current: true})
MATCH p = (:Node {id: 'praksisinfo', revision: rev.revision})-[*1..]->(:Node)
RETURN p
