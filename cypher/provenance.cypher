// provenance: Every fact touching an entity, with the document and the sentence that state it (one row per sentence).
//
// Parameters:
//   name: string, required. A name or alias of any entity.
//
// In the Neo4j Browser, run this line first (it sets every parameter; null means any):
//   :params {name: 'Sotk'}
//
// Columns: fact, document, sentence
//   fact: like "Sotk -LOCATED_IN-> Gegharkunik".
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
MATCH (e)-[r]-(other:Entity)
WITH DISTINCT r
WITH r, startNode(r).name + ' -' + type(r) + '-> ' + endNode(r).name AS fact,
     coalesce(r.evidence, []) AS sentences, coalesce(r.evidence_docs, []) AS docs
UNWIND CASE WHEN size(sentences) = 0 THEN [null] ELSE range(0, size(sentences) - 1) END AS i
WITH fact, sentences[i] AS sentence, coalesce(docs[i], r.sources[0]) AS source
OPTIONAL MATCH (d:Document {key: source})
RETURN fact, coalesce(d.title, source) AS document, sentence
ORDER BY fact, document, sentence
