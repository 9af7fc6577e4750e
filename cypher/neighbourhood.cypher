// neighbourhood: The paths from an entity to the entities within depth hops (documents and names left out), for the Browser's graph view.
//
// Parameters:
//   name: string, required. A name or alias of any entity.
//   depth: integer 1..3, required. How many hops to follow.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {name: 'Nagorno-Karabakh', depth: 2}
//
// Columns: path
//   path: in the Browser a graph path; from `kg query`, the alternating names and -TYPE-> / <-TYPE- steps.
//   At most 300 paths (what the Browser draws at once), nearest first.
WITH $depth AS depth
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
  MATCH (nm:Name {value: norm})-[:NAME_OF]->(e:Entity)
  USING INDEX SEEK nm:Name(value)
  RETURN e
}
// Nearest first: all one-hop paths, then two-hop, then three-hop; the LIMIT stops the expansion early.
CALL (e, depth) {
  MATCH path = (e)-[]-(:Entity)
  RETURN path
  UNION ALL
  WITH * WHERE depth >= 2
  MATCH path = (e)-[]-(:Entity)-[]-(far:Entity)
  WHERE far <> e
  RETURN path
  UNION ALL
  WITH * WHERE depth >= 3
  MATCH path = (e)-[]-(:Entity)-[]-(:Entity)-[]-(far:Entity)
  WHERE far <> e
  RETURN path
}
RETURN path
LIMIT 300
