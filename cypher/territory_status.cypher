// territory_status: What a territory (or region, or settlement) is part of, located in, occupied or captured by, and since when.
//
// Parameters:
//   territory: string, required. A name or alias of the territory.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {territory: 'Nagorno-Karabakh'}
//
// Columns: territory, relation, other, since, document
//   relation: RECOGNISED_AS_PART_OF, LOCATED_IN, FORMERLY_PART_OF (outgoing) or OCCUPIED, CAPTURED (by other);
//   since: the relationship's since, else its date.
WITH $territory AS raw
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
MATCH (nm:Name {value: norm})-[:NAME_OF]->(t:Entity)
USING INDEX SEEK nm:Name(value)
CALL (t) {
  MATCH (t)-[r:RECOGNISED_AS_PART_OF|LOCATED_IN|FORMERLY_PART_OF]->(other:Entity)
  RETURN r, other
  UNION
  MATCH (other:Entity)-[r:OCCUPIED|CAPTURED]->(t)
  RETURN r, other
}
OPTIONAL MATCH (d:Document {key: r.sources[0]})
RETURN t.name AS territory,
       type(r) AS relation,
       other.name AS other,
       coalesce(r.since, r.date) AS since,
       coalesce(d.title, r.sources[0]) AS document
ORDER BY relation, other
