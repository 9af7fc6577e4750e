// entity: Everything the graph knows about one entity: its key, label, names and relations.
//
// Parameters:
//   name: string, required. A name or alias of the entity (case, accents and a leading "the" are ignored).
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {name: 'Upper Karabakh'}
//
// Columns: key, name, label, aliases, relations
//   relations: a list of maps {type, direction ("out" or "in"), other (a name), other_label}.
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
OPTIONAL MATCH (e)-[r]-(other:Entity)
WITH e, r, other
ORDER BY type(r), other.name
WITH e, collect(CASE WHEN r IS NOT NULL THEN {
    type: type(r),
    direction: CASE WHEN startNode(r) = e THEN 'out' ELSE 'in' END,
    other: other.name,
    other_label: [l IN labels(other) WHERE NOT l IN ['Entity', 'Event']][0]
  } END) AS relations
RETURN e.key AS key,
       e.name AS name,
       [l IN labels(e) WHERE NOT l IN ['Entity', 'Event']][0] AS label,
       coalesce(e.aliases, []) AS aliases,
       relations
ORDER BY name, key
