// mediation: Who brokered, hosted or mediated which ceasefire, agreement or meeting, between whom.
//
// Parameters:
//   party: string, nullable. A party to the mediated event (or to what it ended); a state also matches its ministries and armed forces; null: any.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {party: 'Azerbaijan'}
//
// Columns: event, kind, mediator, role, parties, date
//   role: brokered, hosted or mediated; parties: the event's participants, or those of what it ended.
// $party: the entities it names; a State also brings its ministries and armed forces (null: any).
CALL () {
  WITH $party AS raw
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
  RETURN CASE WHEN raw IS NULL THEN null ELSE found END AS involved
}
CALL (involved) {
  WITH * WHERE involved IS NOT NULL
  UNWIND involved AS p
  MATCH (e:Entity)-[:PARTICIPANT|ATTACKER|TARGET]->(p)
  RETURN e
  UNION
  WITH * WHERE involved IS NOT NULL
  UNWIND involved AS p
  MATCH (e:Entity)-[:ENDED]->(:Entity)-[:PARTICIPANT|ATTACKER|TARGET]->(p)
  RETURN e
  UNION
  WITH * WHERE involved IS NULL
  // A nested CALL keeps this scan from running unless the parameter is null.
  CALL (involved) {
    MATCH (e)-[:BROKERED_BY|HOSTED_BY|MEDIATED_BY]->()
    RETURN e
  }
  RETURN e
}
MATCH (e)-[m:BROKERED_BY|HOSTED_BY|MEDIATED_BY]->(mediator:Entity)
CALL (e) {
  OPTIONAL MATCH (e)-[:PARTICIPANT|ATTACKER|TARGET]->(p1)
  OPTIONAL MATCH (e)-[:ENDED]->()-[:PARTICIPANT|ATTACKER|TARGET]->(p2)
  WITH collect(DISTINCT p1.name) + collect(DISTINCT p2.name) AS names
  UNWIND CASE WHEN size(names) = 0 THEN [null] ELSE names END AS n
  WITH DISTINCT n ORDER BY n
  RETURN collect(n) AS parties
}
RETURN DISTINCT e.name AS event,
       [l IN labels(e) WHERE NOT l IN ['Entity', 'Event']][0] AS kind,
       mediator.name AS mediator,
       CASE type(m) WHEN 'BROKERED_BY' THEN 'brokered' WHEN 'HOSTED_BY' THEN 'hosted' ELSE 'mediated' END AS role,
       parties,
       e.start AS date
ORDER BY date, event, mediator
