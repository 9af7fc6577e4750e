// places_in: Every place located (directly or through a chain of containers) in a place.
//
// Parameters:
//   place: string, required. A name or alias of a state, region, territory or settlement.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {place: 'Batken'}
//
// Columns: name, label, parent, path
//   parent: its direct container; path: the names from it up to the place.
WITH $place AS raw
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
MATCH (nm:Name {value: norm})-[:NAME_OF]->(container:Entity)
USING INDEX SEEK nm:Name(value)
MATCH chain = (inner:Entity)-[:LOCATED_IN*1..6]->(container)
WITH inner, chain
ORDER BY length(chain)
WITH inner, collect(chain)[0] AS chain
RETURN inner.name AS name,
       [l IN labels(inner) WHERE NOT l IN ['Entity', 'Event']][0] AS label,
       nodes(chain)[1].name AS parent,
       [n IN nodes(chain) | n.name] AS path
ORDER BY size(path), parent, name
