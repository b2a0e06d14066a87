// What depends on systems outside the portfolio (RINA, HelseID, MinID, Helsenorge, Power BI …)
MATCH (rev:Revision {current: true})
MATCH p = (:Node {revision: rev.revision})-[]->(:External {revision: rev.revision})
RETURN p
