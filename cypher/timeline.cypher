// timeline: The events and conflicts an entity takes part in (a state through its ministries and armed forces, a place through the places in it), by date.
//
// Parameters:
//   name: string, required. A name or alias of any entity.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {name: 'Armenia'}
//
// Columns: date, event, kind, role, document
//   role: the relationship from the event (or to it), e.g. ATTACKER, TARGET, LOCATION, PARTICIPANT, REPORTED, BROKERED_BY.
WITH $name AS raw
WITH raw, reduce(s = '', c IN split(toLower(normalize(raw, NFKD)), '') | s + CASE
    WHEN c =~ '\\p{M}' OR c IN ['.', '"', '\u201c', '\u201d'] THEN ''
    WHEN c IN ['-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '_', '/'] OR trim(c) = '' THEN ' '
    WHEN c IN ['\u2019', '\u2018', '\u02bc', '`'] THEN "'"
    WHEN c = '\u0131' THEN 'i'
    WHEN c = '\u0259' THEN 'e'
    WHEN c = '\u00f8' THEN 'o'
    WHEN c = '\u0142' THEN 'l'
    WHEN c = '\u0111' THEN 'd'
    WHEN c = '\u00df' THEN 'ss'
    WHEN c = '\u03c2' THEN '\u03c3'
    ELSE c
  END) AS folded
WITH raw, reduce(s = '', w IN split(folded, ' ') | s + CASE WHEN w = '' THEN '' WHEN s = '' THEN w ELSE ' ' + w END) AS spaced
WITH raw, CASE WHEN spaced STARTS WITH 'the ' THEN substring(spaced, 4) ELSE spaced END AS norm
MATCH (nm:Name {value: norm})-[:NAME_OF]->(e:Entity)
USING INDEX SEEK nm:Name(value)
CALL (e) {
  RETURN e AS x
  UNION
  MATCH (x:Entity)-[:MINISTRY_OF|ARMED_FORCE_OF]->(e)
  RETURN x
  UNION
  MATCH (x:Entity)-[:LOCATED_IN*1..4]->(e)
  RETURN x
}
MATCH (x)-[r]-(ev:Entity)
WHERE (ev:Event OR ev:Conflict) AND NOT type(r) IN ['MENTIONED_IN', 'NAME_OF']
WITH DISTINCT ev, type(r) AS role, r.sources[0] AS source
WITH ev, role, min(source) AS source
OPTIONAL MATCH (d:Document {key: source})
RETURN ev.start AS date,
       ev.name AS event,
       [l IN labels(ev) WHERE NOT l IN ['Entity', 'Event']][0] AS kind,
       role,
       coalesce(d.title, source) AS document
ORDER BY date, event, role
