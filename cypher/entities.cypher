// entities: The entities of the graph, or of one document, optionally of one label, most mentioned first.
//
// Parameters:
//   label: string, nullable. One of: State, Ministry, ArmedForce, Organization, Person, Settlement, Region, Territory, Site, Conflict, Event, Attack, Clash, Ceasefire, Agreement, Meeting (any case); null: any.
//   document: string, nullable. A document key or title (title compared like names); null: all documents.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {label: 'Settlement', document: null}
//
// Columns: name, label, mentions
//   mentions: mentions in the whole graph, or in the document when one is given.
WITH $label AS label
CALL () {
  WITH $document AS raw
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
  RETURN raw AS document, norm AS document_norm
}
CALL (document, document_norm) {
  WITH * WHERE document IS NULL
  // A nested CALL keeps this scan from running when a document is given.
  CALL (document) {
    MATCH (e:Entity)
    RETURN e, e.mentions AS mentions
  }
  RETURN e, mentions
  UNION
  WITH * WHERE document IS NOT NULL
  CALL (document, document_norm) {
    MATCH (d:Document {key: document})
    RETURN d
    UNION
    MATCH (d:Document {title_norm: document_norm})
    RETURN d
  }
  MATCH (e:Entity)-[m:MENTIONED_IN]->(d)
  RETURN e, sum(m.count) AS mentions
}
WITH e, mentions, [l IN labels(e) WHERE NOT l IN ['Entity', 'Event']][0] AS kind
WHERE label IS NULL OR any(l IN labels(e) WHERE toLower(l) = toLower(label))
RETURN e.name AS name, kind AS label, mentions
ORDER BY mentions DESC, name
