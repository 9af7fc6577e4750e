// accusations: Who accuses whom of what, when, and the sentences that say so.
//
// Parameters:
//   accuser: string, nullable. The accusing party; a state also matches its ministries and armed forces; null: any.
//   accused: string, nullable. The accused party; a state also matches its ministries and armed forces; null: any.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {accuser: null, accused: 'Armenia'}
//
// Columns: accuser, accused, allegation, date, document, evidence
// $accuser: the entities it names; a State also brings its ministries and armed forces (null: any).
CALL () {
  WITH $accuser AS raw
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
  RETURN CASE WHEN raw IS NULL THEN null ELSE found END AS accusers
}
// $accused: the entities it names; a State also brings its ministries and armed forces (null: any).
CALL () {
  WITH $accused AS raw
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
  RETURN CASE WHEN raw IS NULL THEN null ELSE found END AS accused_parties
}
CALL (accusers, accused_parties) {
  WITH * WHERE accusers IS NOT NULL
  UNWIND accusers AS x
  MATCH (x)-[r:ACCUSES]->(y)
  WHERE accused_parties IS NULL OR y IN accused_parties
  RETURN x, r, y
  UNION
  WITH * WHERE accusers IS NULL AND accused_parties IS NOT NULL
  UNWIND accused_parties AS y
  MATCH (x)-[r:ACCUSES]->(y)
  RETURN x, r, y
  UNION
  WITH * WHERE accusers IS NULL AND accused_parties IS NULL
  // A nested CALL keeps this scan from running unless both parameters are null.
  CALL (accusers) {
    MATCH (x)-[r:ACCUSES]->(y)
    RETURN x, r, y
  }
  RETURN x, r, y
}
OPTIONAL MATCH (d:Document {key: r.sources[0]})
RETURN x.name AS accuser,
       y.name AS accused,
       r.allegation AS allegation,
       coalesce(r.date, d.published) AS date,
       coalesce(d.title, r.sources[0]) AS document,
       coalesce(r.evidence, []) AS evidence
ORDER BY date, accuser, accused, allegation
