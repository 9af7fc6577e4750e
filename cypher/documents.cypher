// documents: The documents loaded, or those that mention an entity, with how often.
//
// Parameters:
//   name: string, nullable. A name or alias of an entity the documents mention; null: all documents.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {name: 'Sotk'}
//
// Columns: document, title, published, mentions
//   document: the document key; mentions: of the entity (all entity mentions when name is null).
CALL () {
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
  RETURN raw AS name, norm
}
CALL (name, norm) {
  WITH * WHERE name IS NOT NULL
  MATCH (nm:Name {value: norm})-[:NAME_OF]->(:Entity)-[m:MENTIONED_IN]->(d:Document)
  USING INDEX SEEK nm:Name(value)
  RETURN d, sum(m.count) AS mentions
  UNION
  WITH * WHERE name IS NULL
  // A nested CALL keeps this scan from running unless the parameter is null.
  CALL (name) {
    MATCH (d:Document)
    OPTIONAL MATCH (:Entity)-[m:MENTIONED_IN]->(d)
    RETURN d, sum(m.count) AS mentions
  }
  RETURN d, mentions
}
RETURN d.key AS document, d.title AS title, d.published AS published, mentions
ORDER BY published IS NULL, published DESC, title, document
