// casualties: Killed and wounded by event and party, with the qualifier the text uses ("more than", "at least").
//
// Parameters:
//   party: string, nullable. The party that suffered them; a state also matches its ministries and armed forces; null: any.
//   event: string, nullable. An event (or a conflict: then also the events that are part of it); null: any.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {party: 'Armenia', event: null}
//
// Columns: event, party, killed, wounded, qualifier, reported_by, document
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
  RETURN CASE WHEN raw IS NULL THEN null ELSE found END AS parties
}
CALL () {
  WITH $event AS raw
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
  OPTIONAL MATCH (part:Entity)-[:PART_OF*1..3]->(e)
  WITH raw, collect(DISTINCT e) + collect(DISTINCT part) AS found
  RETURN CASE WHEN raw IS NULL THEN null ELSE found END AS events
}
CALL (parties, events) {
  WITH * WHERE parties IS NOT NULL
  UNWIND parties AS p
  MATCH (ev)-[r:PARTICIPANT]->(p)
  WHERE events IS NULL OR ev IN events
  RETURN ev, r, p
  UNION
  WITH * WHERE parties IS NULL AND events IS NOT NULL
  UNWIND events AS ev
  MATCH (ev)-[r:PARTICIPANT]->(p)
  RETURN ev, r, p
  UNION
  WITH * WHERE parties IS NULL AND events IS NULL
  // A nested CALL keeps this scan from running unless both parameters are null.
  CALL (parties) {
    MATCH (ev)-[r:PARTICIPANT]->(p)
    RETURN ev, r, p
  }
  RETURN ev, r, p
}
WITH ev, r, p
WHERE r.killed IS NOT NULL OR r.wounded IS NOT NULL
CALL (ev) {
  OPTIONAL MATCH (who)-[rep:REPORTED]->(ev)
  WITH rep, who ORDER BY rep.confidence DESC, who.name
  RETURN collect(who.name)[0] AS reported_by
}
OPTIONAL MATCH (d:Document {key: r.sources[0]})
RETURN ev.name AS event,
       p.name AS party,
       r.killed AS killed,
       r.wounded AS wounded,
       r.qualifier AS qualifier,
       reported_by,
       coalesce(d.title, r.sources[0]) AS document
ORDER BY ev.start, event, party
