// conflicts_between: Conflicts and events with one party on each side, and the ceasefires and agreements that ended them.
//
// Parameters:
//   a: string, required. One party; a state also matches its ministries and armed forces.
//   b: string, required. The other party; a state also matches its ministries and armed forces.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {a: 'Armenia', b: 'Azerbaijan'}
//
// Columns: event, kind, start, end, year
//   kind: Conflict, Attack, Clash, Ceasefire, Agreement or Meeting; year: the year it started (an integer).
// $a: the entities it names; a State also brings its ministries and armed forces (null: any).
CALL () {
  WITH $a AS raw
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
  OPTIONAL MATCH (nm:Name {value: norm})-[:NAME_OF]->(e:Entity)
  USING INDEX SEEK nm:Name(value)
  OPTIONAL MATCH (sub:Entity)-[:MINISTRY_OF|ARMED_FORCE_OF]->(e:State)
  WITH raw, collect(DISTINCT e) + collect(DISTINCT sub) AS found
  RETURN CASE WHEN raw IS NULL THEN null ELSE found END AS side_a
}
// $b: the entities it names; a State also brings its ministries and armed forces (null: any).
CALL () {
  WITH $b AS raw
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
  OPTIONAL MATCH (nm:Name {value: norm})-[:NAME_OF]->(e:Entity)
  USING INDEX SEEK nm:Name(value)
  OPTIONAL MATCH (sub:Entity)-[:MINISTRY_OF|ARMED_FORCE_OF]->(e:State)
  WITH raw, collect(DISTINCT e) + collect(DISTINCT sub) AS found
  RETURN CASE WHEN raw IS NULL THEN null ELSE found END AS side_b
}
UNWIND coalesce(side_a, []) AS x
MATCH (e:Entity)-[:PARTICIPANT|ATTACKER|TARGET]->(x)
WHERE EXISTS { MATCH (e)-[:PARTICIPANT|ATTACKER|TARGET]->(y) WHERE y IN side_b }
WITH collect(DISTINCT e) AS fought
CALL (fought) {
  UNWIND fought AS e
  RETURN e
  UNION
  UNWIND fought AS f
  MATCH (e:Entity)-[:ENDED]->(f)
  RETURN e
  UNION
  UNWIND fought AS f
  MATCH (f)-[:VIOLATED]->(e:Entity)
  RETURN e
}
RETURN e.name AS event,
       [l IN labels(e) WHERE NOT l IN ['Entity', 'Event']][0] AS kind,
       e.start AS start,
       e.end AS end,
       toInteger(left(e.start, 4)) AS year
ORDER BY start, event
